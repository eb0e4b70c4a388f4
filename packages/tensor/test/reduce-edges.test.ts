/**
 * The reductions' edges that Stryker's run over ops/reduce.ts (MUTATION.md, session 9) found
 * untested. Expected values are PyTorch 1.13's (checked with torch) or computed here by hand.
 */
import { describe, expect, it } from 'vitest';
import { all, amax, amin, any, argmax, argmin, bool, cumprod, cumsum, float16, float64, int16, int32, int64, nonzero, prod, logsumexp, max, maximum, mean, min, minimum, std, sum, tensor, variance, zeros, type Tensor } from '@tensile/tensor';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

describe('a 0-d input along dim 0 or -1', () => {
  it('argmax/argmin give position 0 (not the value), float32 as float64, as PyTorch', () => {
    for (const dtype of [undefined, float64]) {
      const x = tensor(7, dtype ? { dtype } : {});
      expect(values(argmax(x, 0))).toEqual([0]);
      expect(values(argmin(x, -1))).toEqual([0]);
      expect(argmax(x, 0, true).shape).toEqual([]);
    }
  });
  it('max/min along the dim give the value and index 0', () => {
    const [v, i] = max(tensor(7), 0);
    expect(v.item()).toBe(7);
    expect(values(i)).toEqual([0]);
    const m = min(tensor(-2), -1, true);
    expect(m.values.item()).toBe(-2);
    expect(values(m.indices)).toEqual([0]);
    expect(m.indices.shape).toEqual([]);
  });
});

describe('0-d inputs, views and adjacent dims', () => {
  it('a 0-d view into a longer storage reduces to its own element (float32 and the typed path)', () => {
    expect(sum(tensor([1, 2, 3]).select(0, 2)).item()).toBe(3);
    expect(max(tensor([1, 2, 3]).select(0, 2)).item()).toBe(3);
    const i = tensor([5, 6, 9], { dtype: int32 });
    expect(values(sum(i.select(0, 2)))).toEqual([9]);
    expect(values(sum(i.select(0, 0)))).toEqual([5]);
    expect(sum(i.select(0, 0)).shape).toEqual([]);
    expect(values(argmax(i.select(0, 0), 0))).toEqual([0]);
  });
  it('a non-float32 view at an offset reduces its own elements', () => {
    const x = tensor([1, 2, 3, 4], { dtype: float64 }).narrow(0, 1, 2);
    expect(sum(x).item()).toBe(5);
    expect(values(argmax(tensor([[9, 1], [2, 3]], { dtype: int32 }).narrow(0, 1, 1), 1))).toEqual([1]);
  });
  it('0-d integer tensors: sum in int64, max/min keep the dtype, positions are 0', () => {
    const x = tensor(7, { dtype: int32 });
    expect(sum(x).dtype.name).toBe('int64');
    expect(values(sum(x))).toEqual([7]);
    expect(values(sum(x, 0))).toEqual([7]);
    expect(sum(x, -1, true).dtype.name).toBe('int64');
    expect(max(x).dtype).toBe(int32);
    expect(values(max(x))).toEqual([7]);
    expect(values(argmax(x, 0))).toEqual([0]);
    expect(values(argmin(x, 0))).toEqual([0]);
    const m = min(x, 0);
    expect(values(m.values)).toEqual([7]);
    expect(m.values.dtype).toBe(int32);
    expect(values(m.indices)).toEqual([0]);
  });
  it('adjacent dims are summed as one run, rounded once (the NOTE on the kernel: double accumulation)', () => {
    // exact sum 2; summing the rows first rounds 1e8 + 1 to 1e8 in float32 and gives 0
    // (PyTorch 1.13's pairwise float32 sum gives 1)
    const x = tensor([[1e8, 1], [-1e8, 1]]);
    expect(sum(x).item()).toBe(2);
    expect(sum(x, [0, 1]).item()).toBe(2);
  });
});

describe('any/all of bool views', () => {
  it('read the view\'s elements, not its storage: an offset, a prefix, a transpose, as PyTorch', () => {
    const b = (v: boolean[] | boolean[][]) => tensor(v as never, { dtype: bool });
    expect(values(any(b([false, true, true]).select(0, 0)))).toEqual([0]);
    expect(values(any(b([true, false]).select(0, 1)))).toEqual([0]);
    expect(values(all(b([false, true]).select(0, 1)))).toEqual([1]);
    const t = b([[true, true], [false, false]]).t(); // [[T, F], [T, F]]
    expect(values(any(t, 1))).toEqual([1, 1]);
    expect(values(all(t, 1))).toEqual([0, 0]);
    expect(values(any(b([[false, true], [false, false]]).narrow(0, 1, 1)))).toEqual([0]);
  });
});

describe('the dims', () => {
  it('sum and mean over [] reduce every dim, as PyTorch 1.13 (dim=[])', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(sum(x, []).item()).toBe(10);
    expect(mean(x, []).item()).toBe(2.5);
    expect(mean(x, [], true).shape).toEqual([1, 1]);
  });
  it('null as dim in a bag means every dim; argmax with { dim: null } is the flat position', () => {
    const x = tensor([[1, 9], [3, 4]]);
    expect(sum(x, null, { keepdim: true }).shape).toEqual([1, 1]);
    expect(values(argmax(x, { dim: null }))).toEqual([1]);
    expect(values(argmin(x, { dim: null, keepdim: true }))).toEqual([0]);
  });
  it('max/min with null or no dim give a tensor, not [values, indices]', () => {
    const x = tensor([[1, 9], [3, 4]]);
    const m = max(x, null);
    expect(Array.isArray(m)).toBe(false);
    expect((m as Tensor).item()).toBe(9);
    expect((min(x, null) as Tensor).item()).toBe(1);
  });
  it('min along a dim gives the smallest values and their positions', () => {
    const [v, i] = min(tensor([[3, 1, 2], [0, 5, -1]]), 1);
    expect(values(v)).toEqual([1, -1]);
    expect(values(i)).toEqual([1, 2]);
  });
  it('max along a dim of fractional values gives their positions (only bool is read as uint8)', () => {
    expect(values(max(tensor([0.5, 0.7, 0.2]), 0).indices)).toEqual([1]);
    expect(values(min(tensor([0.5, 0.2, 0.7]), 0).indices)).toEqual([1]);
  });
  it('max/min with a tensor are the element-wise maximum/minimum', () => {
    const a = tensor([1, 5, 3]), b = tensor([4, 2, 3]);
    expect(values(max(a, b) as Tensor)).toEqual(values(maximum(a, b)));
    expect(values(min(a, b) as Tensor)).toEqual([1, 2, 3]);
    expect(values(minimum(a, b))).toEqual([1, 2, 3]);
  });
});

describe('argmax/argmin, var, logsumexp, any/all', () => {
  it('argmax/argmin without a dim, keepdim: every dim kept as 1, as PyTorch', () => {
    const x = tensor([[1, 9], [3, 4]]);
    expect(argmax(x, null, true).shape).toEqual([1, 1]);
    expect(values(argmax(x, null, true))).toEqual([1]);
    expect(argmin(x, { keepdim: true }).shape).toEqual([1, 1]);
  });
  it('var and std over [] reduce every dim, as PyTorch 1.13', () => {
    const x = tensor([[1, 9], [3, 4]], { dtype: float64 });
    expect(variance(x, []).item()).toBeCloseTo(34.75 / 3, 14);
    expect(std(x, []).item()).toBeCloseTo(Math.sqrt(34.75 / 3), 14);
  });
  it('logsumexp shifts by the max: no overflow at 1000, no inf from a spread of 1000 (float32 and float64)', () => {
    expect(logsumexp(tensor([1000, 1000]), 0).item()).toBeCloseTo(1000 + Math.LN2, 3);
    for (const dtype of [undefined, float64]) {
      const o = dtype ? { dtype } : {};
      expect(logsumexp(tensor([-1000, 0], o), 0).item()).toBe(0);
      expect(logsumexp(tensor([[-1000, 0], [1000, 999]], o), 1, true).shape).toEqual([2, 1]);
      expect(values(logsumexp(tensor([[-1000, 0], [0, -1000]], o), 1))).toEqual([0, 0]);
    }
  });
  it('logsumexp over a dim of size 0 is -inf, as PyTorch', () => {
    expect(values(logsumexp(zeros(3, 0), 1))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(logsumexp(zeros(0, 3), 1).shape).toEqual([0]);
  });
  it('any/all along the middle dim of a 3-d tensor, and all\'s keepdim default (false)', () => {
    const b = tensor([[[1, 0], [0, 0]], [[0, 0], [0, 1]]], { dtype: bool });
    expect(values(any(b, 1))).toEqual([1, 0, 0, 1]);
    expect(values(all(b, 1))).toEqual([0, 0, 0, 0]);
    expect(values(all(tensor([[[1, 1], [1, 0]], [[1, 1], [1, 1]]]), 1))).toEqual([1, 0, 1, 1]);
    expect(all(b, 1).shape).toEqual([2, 2]);
    expect(all(tensor([[1, 1], [1, 0]]), 1).shape).toEqual([2]);
  });
  it('any/all with null reduce every dim (PyTorch 2\'s any(dim=None)); keepdim keeps each as 1', () => {
    const x = tensor([[0, 0], [0, 2]]);
    expect(values(any(x, null))).toEqual([1]);
    expect(values(all(x, null))).toEqual([0]);
    expect(any(x, null, true).shape).toEqual([1, 1]);
    expect(all(x, null, true).shape).toEqual([1, 1]);
  });
});

describe('cumsum, cumprod, nonzero', () => {
  it('int64 running sums and products wrap at 2^63, as PyTorch', () => {
    const x = tensor([2n ** 62n, 2n ** 62n] as never, { dtype: int64 });
    expect(Array.from(cumsum(x, 0).toBigInt64Array())).toEqual([2n ** 62n, -(2n ** 63n)]);
    expect(Array.from(cumprod(tensor([2n ** 62n, 4n] as never, { dtype: int64 }), 0).toBigInt64Array())).toEqual([2n ** 62n, 0n]);
    expect(values(cumsum(tensor([[1, 2], [3, 4]], { dtype: int32 }), 1))).toEqual([1, 3, 3, 7]);
  });
  it('the bag form\'s dtype casts first, as the positional form\'s', () => {
    expect(cumsum(tensor([1, 2]), { dim: 0, dtype: 'float64' }).dtype).toBe(float64);
    expect(cumprod(tensor([1, 2]), { dim: 0, dtype: float64 }).dtype).toBe(float64);
  });
  it('cumprod\'s gradient along a dim of size 1 is the upstream gradient (no 0·inf/inf), as PyTorch', () => {
    const y = tensor([[Infinity], [2]], { requiresGrad: true });
    cumprod(y, 1).backward(tensor([[0.5], [3]]));
    expect(values(y.grad!)).toEqual([0.5, 3]);
  });
  it('cumprod\'s gradient with zeros, along the middle dim of a 3-d tensor, is PyTorch\'s', () => {
    const x = tensor([[[1, 2], [0, 3], [4, 0]], [[2, 1], [3, 2], [0, 5]]], { dtype: float64, requiresGrad: true });
    const g = tensor([[[1, -1], [2, 0.5], [3, 1]], [[-2, 1], [0.5, 2], [1, -1]]], { dtype: float64 });
    cumprod(x, 1).backward(g);
    expect(values(x.grad!)).toEqual([1, 0.5, 14, 1, 0, 6, -0.5, -5, 1, -3, 6, -2]);
  });
  it('cumprod refuses a backward after its input changed in place, as PyTorch (it saves input and result)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    const c = cumprod(y, 0);
    y.add_(1);
    expect(() => c.sum().backward()).toThrow('cumprod: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead');
  });
  it('nonzero of float64 and int16 tensors, as PyTorch', () => {
    expect(values(nonzero(tensor([0, 3], { dtype: float64 })))).toEqual([1]);
    expect(values(nonzero(tensor([0, 3, 0, 5], { dtype: int16 })))).toEqual([1, 3]);
  });
});

describe('amax/amin, prod', () => {
  it('amax/amin over [] reduce every dim, as PyTorch', () => {
    const x = tensor([[1, 9], [3, 4]]);
    expect(amax(x, []).item()).toBe(9);
    expect(amin(x, [], true).shape).toEqual([1, 1]);
  });
  it('int64 products wrap at 2^63, as PyTorch (2^40 · 2^40 is 0)', () => {
    expect(Array.from(prod(tensor([2n ** 40n, 2n ** 40n] as never, { dtype: int64 })).toBigInt64Array())).toEqual([0n]);
    expect(Array.from(prod(tensor([[2n ** 40n, 2n ** 40n], [3n, 5n]] as never, { dtype: int64 }), 1).toBigInt64Array())).toEqual([0n, 15n]);
  });
  it('float16 products read the values (not the bits) through float32', () => {
    expect(prod(tensor([1.5, 2, 3], { dtype: float16 })).item()).toBe(9);
  });
  it('prod\'s dtype option casts first', () => {
    expect(prod(tensor([[1, 2], [3, 4]]), { dtype: 'float64' }).dtype).toBe(float64);
    expect(values(prod(tensor([[1, 2], [3, 4]]), 1, { dtype: float64 }))).toEqual([2, 12]);
  });
  it('prod with null is every element; keepdim keeps every dim as 1', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(prod(x, null).item()).toBe(24);
    expect(prod(x, null, true).shape).toEqual([1, 1]);
  });
  it('prod along each dim of a 3-d tensor, keepdim or not, is PyTorch\'s', () => {
    const a = tensor(Array.from({ length: 24 }, (_, i) => (i + 1) / 8)).reshape([2, 3, 4]);
    const p0 = prod(a, 0, true);
    expect(p0.shape).toEqual([1, 3, 4]);
    expect(values(p0)).toEqual([0.203125, 0.4375, 0.703125, 1, 1.328125, 1.6875, 2.078125, 2.5, 2.953125, 3.4375, 3.953125, 4.5]);
    expect(values(prod(a, 1))).toEqual([0.087890625, 0.234375, 0.451171875, 0.75, 9.064453125, 10.828125, 12.802734375, 15]);
  });
  it('prod of a 0-d tensor along dim 0: itself, and the gradient passed through, as PyTorch', () => {
    const z = tensor(3, { requiresGrad: true });
    const p = prod(z, 0);
    expect(p.shape).toEqual([]);
    expect(p.item()).toBe(3);
    p.backward(tensor(2));
    expect(z.grad!.item()).toBe(2);
    expect(prod(tensor(3), 0, true).shape).toEqual([]);
  });
  it('prod\'s gradient without zeros is g·result/x: [NaN, inf] for [inf, 2], as PyTorch', () => {
    const x = tensor([Infinity, 2], { requiresGrad: true });
    prod(x).backward();
    expect(values(x.grad!)).toEqual([NaN, Infinity]);
  });
  it('amax and prod refuse a backward after their input changed in place, as PyTorch (they save it)', () => {
    for (const [name, f] of [['amax', (t: Tensor) => amax(t, 0)], ['prod', (t: Tensor) => prod(t, 0)], ['prod', (t: Tensor) => prod(t)]] as const) {
      const x = tensor([1, 3, 2], { requiresGrad: true });
      const y = x.mul(1);
      const r = f(y);
      y.add_(1);
      expect(() => r.backward()).toThrow(`${name}: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead`);
    }
  });
});

describe('the graph', () => {
  it('the nodes are named after their functions', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    expect(sum(x).gradFn!.name).toBe('sum');
    expect(max(x).gradFn!.name).toBe('max');
    expect(min(x).gradFn!.name).toBe('min');
    expect(amax(x, 1).gradFn!.name).toBe('amax');
    expect(cumsum(x, 1).gradFn!.name).toBe('cumsum');
    expect(cumprod(x, 1).gradFn!.name).toBe('cumprod');
    expect(prod(x).gradFn!.name).toBe('prod');
    expect(prod(x, 1).gradFn!.name).toBe('prod');
  });
  it('max() and min() refuse a backward after their input changed in place, as PyTorch (they save it)', () => {
    for (const f of [max, min] as const) {
      const x = tensor([1, 3, 2], { requiresGrad: true });
      const y = x.mul(1);
      const m = f(y) as Tensor;
      y.add_(1);
      expect(() => m.backward()).toThrow(`${f.name}: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead`);
    }
  });
});

describe('an empty tensor along a dim of nonzero size', () => {
  it('max/min give empty values and int64 indices, keepdim kept, any dtype, as PyTorch', () => {
    const [v, i] = max(zeros(0, 3), 1, true);
    expect(v.shape).toEqual([0, 1]);
    expect(i.shape).toEqual([0, 1]);
    expect(i.dtype.name).toBe('int64');
    const m = min(zeros(0, 3, { dtype: int32 }), 1);
    expect(m.values.shape).toEqual([0]);
    expect(m.values.dtype).toBe(int32);
    expect(max(zeros(0, 3, { dtype: float64 }), 1).indices.shape).toEqual([0]);
  });
  it('argmax/argmin give an empty int64 tensor', () => {
    expect(argmin(zeros(0, 3), 1, true).shape).toEqual([0, 1]);
    expect(argmax(zeros(2, 0, 3), 2).shape).toEqual([2, 0]);
  });
  it('the gradient of the empty values is an empty gradient', () => {
    const x = zeros(0, 3, { requiresGrad: true });
    max(x, 1).values.sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

// Every refusal, by its whole message (and class); PyTorch refuses each of these too.
const bad: [name: string, f: () => unknown, type: ErrorConstructor, message: string][] = [
  ['max of an empty tensor along a dim of size 0', () => max(zeros(3, 0), -1), RangeError, 'max(): Expected reduction dim 1 to have non-zero size.'],
  ['min of an empty tensor along a dim of size 0', () => min(zeros(0, 3), 0), RangeError, 'min(): Expected reduction dim 0 to have non-zero size.'],
  ['argmax of an empty tensor along a dim of size 0', () => argmax(zeros(3, 0), 1), RangeError, 'argmax(): Expected reduction dim 1 to have non-zero size.'],
  ['argmin of an empty tensor, no dim', () => argmin(zeros(0, 3)), RangeError, 'argmin: cannot reduce an empty tensor'],
  ['min of an empty tensor, no dim', () => min(zeros(0, 3)), RangeError, 'min: cannot reduce an empty tensor'],
  ['sum of a number', () => sum(1 as never), TypeError, 'sum: input must be a Tensor, got number 1'],
  ['mean of a number', () => mean(1 as never), TypeError, 'mean: input must be a Tensor, got number 1'],
  ['max of a number', () => max(1 as never), TypeError, 'max: input must be a Tensor, got number 1'],
  ['min of a number along a dim', () => min(1 as never, 0), TypeError, 'min: input must be a Tensor, got number 1'],
  ['var of a number', () => variance(1 as never), TypeError, 'var: input must be a Tensor, got number 1'],
  ['std of a number', () => std(1 as never), TypeError, 'std: input must be a Tensor, got number 1'],
  ['logsumexp of a number', () => logsumexp(1 as never, 0), TypeError, 'logsumexp: input must be a Tensor, got number 1'],
  ['mean along a dim out of range', () => mean(zeros(2, 3), 5), RangeError, 'mean: dim 5 out of range for a 2-d tensor'],
  ['mean with a correction', () => mean(zeros(2, 3), { correction: 1 } as never), TypeError, "mean: unknown option 'correction' (options: dim, keepdim, dtype)"],
  // PyTorch refuses x.sum(0, 1): the positional form is checked as the bag is
  ['sum: keepdim a number', () => sum(zeros(2, 3), 0, 1 as never), TypeError, 'sum: keepdim (positional 2) must be a boolean, got number 1'],
  ['mean: keepdim a string', () => mean(zeros(2, 3), 0, 'a' as never), TypeError, 'mean: keepdim (positional 2) must be a boolean, got string a'],
  ['var: correction a string', () => variance(zeros(2, 3), 0, false, 'a' as never), TypeError, 'var: correction (positional 3) must be a number, got string a'],
  ['sum: dim a string', () => sum(zeros(2, 3), 'a' as never), TypeError, 'sum: dim (positional 1) must be an integer, a list of them or null, got string a'],
  ['sum: dim a string, then a bag', () => sum(zeros(2, 3), 'a' as never, { keepdim: true }), TypeError, 'sum: dim (positional 1) must be an integer, a list of them or null, got string a'],
  ['sum: keepdim a number, then a bag', () => sum(zeros(2, 3), 0, 1 as never, {}), TypeError, 'sum: keepdim (positional 2) must be a boolean, got number 1'],
  ['std: correction a string, then a bag', () => std(zeros(2, 3), 0, false, 'a' as never, {}), TypeError, 'std: correction (positional 3) must be a number, got string a'],
  ['argmax of a number', () => argmax(1 as never), TypeError, 'argmax: input must be a Tensor, got number 1'],
  ['argmin: a string dim in the bag', () => argmin(zeros(2, 3), { dim: 'a' } as never), TypeError, 'argmin: dim must be an integer or null, got string a'],
  ['all: a string dim in the bag', () => all(zeros(2, 3), { dim: 'a' } as never), TypeError, 'all: dim must be an integer or null, got string a'],
  ['any of a number', () => any(1 as never), TypeError, 'any: input must be a Tensor, got number 1'],
  ['any: keepdim a number', () => any(zeros(2, 3), 0, 1 as never), TypeError, 'any: keepdim must be a boolean, got number'],
  ['all: dim a string', () => all(zeros(2, 3), 'a' as never), TypeError, 'all: dim must be a number, got string'],
  ['var: a negative correction', () => variance(zeros(2, 3), null, false, -1), RangeError, 'var: correction must be a non-negative number, got -1'],
  ['var: a string correction in the bag', () => variance(zeros(2, 3), { correction: '1' } as never), RangeError, 'var: correction must be a non-negative number, got 1'],
  ['var: a NaN correction', () => variance(zeros(2, 3), 0, false, NaN), RangeError, 'var: correction must be a non-negative number, got NaN'],
  ['var along a dim out of range', () => variance(zeros(2, 3), 5), RangeError, 'var: dim 5 out of range for a 2-d tensor'],
  ['logsumexp along a dim out of range', () => logsumexp(zeros(2, 3), 5), RangeError, 'logsumexp: dim 5 out of range for a 2-d tensor'],
  ['logsumexp: keepdim a number', () => logsumexp(zeros(2, 3), 0, 1 as never), TypeError, 'logsumexp: keepdim (positional 2) must be a boolean, got number 1'],
  ['logsumexp with a correction', () => logsumexp(zeros(2, 3), { dim: 0, correction: 1 } as never), TypeError, "logsumexp: unknown option 'correction' (options: dim, keepdim)"],
  ['logsumexp without a dim', () => logsumexp(zeros(2, 3)), TypeError, 'logsumexp: dim is required'],
  ['cumsum of a number', () => cumsum(1 as never, 0), TypeError, 'cumsum: input must be a Tensor, got number 1'],
  ['cumsum of float16', () => cumsum(zeros(2, { dtype: float16 }), 0), TypeError, "cumsum: not implemented for 'Half' (float16); convert with .float()"],
  ['cumprod of float16', () => cumprod(zeros(2, { dtype: float16 }), 0), TypeError, "cumprod: not implemented for 'Half' (float16); convert with .float()"],
  ['nonzero of a number', () => nonzero(1 as never), TypeError, 'nonzero: input must be a Tensor, got number 1'],
  ['nonzero: asTuple a number', () => nonzero(zeros(2), { asTuple: 1 } as never), TypeError, 'nonzero: asTuple must be a boolean, got 1'],
  ['amax of a number', () => amax(1 as never), TypeError, 'amax: input must be a Tensor, got number 1'],
  ['amax with a correction', () => amax(zeros(2, 3), { correction: 1 } as never), TypeError, "amax: unknown option 'correction' (options: dim, keepdim)"],
  ['prod of a number', () => prod(1 as never), TypeError, 'prod: input must be a Tensor, got number 1'],
  ['prod: dtype null', () => prod(zeros(2), { dtype: null } as never), TypeError, 'prod: dtype must be a dtype, got null'],
  ['max: dim an array', () => max(zeros(2, 3), [1] as never), TypeError, 'max: dim must be an integer, a Tensor (the element-wise maximum) or an options bag, got an array'],
  ['min: dim a Map', () => min(zeros(2, 3), new Map() as never), TypeError, 'min: dim must be an integer, a Tensor (the element-wise minimum) or an options bag, got an object'],
];

describe('the reductions refuse, naming the function, the argument and the value', () => {
  it('prod names itself for an unknown dtype', () => {
    expect(() => prod(zeros(2), { dtype: 'float99' } as never)).toThrow(/^prod: dtype must be one of .*\(or the exported dtype objects\), got 'float99'$/);
  });
  it.each(bad)('%s', (_, f, type, message) => {
    let caught: unknown;
    try { f(); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(type);
    expect((caught as Error).message).toBe(message);
  });
});
