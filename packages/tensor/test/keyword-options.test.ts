/**
 * PyTorch keywords that tensile once dropped without a word, as JavaScript drops an extra
 * argument: `round(decimals=)` and `softmax`/`log_softmax`'s `dtype=` (`div`'s `rounding_mode=`
 * is div-rounding.test.ts). A port passing them as a bag got integer rounding and float32.
 * Values from PyTorch 1.13 (the comments give the calls).
 */
import { describe, expect, it } from 'vitest';
import { F, float64, grad, int64, round, tensor } from '@tensile/tensor';

const x = (): ReturnType<typeof tensor> => tensor([1.26, -2.55, 3.14, 0.05, -0.15, 1234.5678, Infinity, NaN, -0]);
const same = (got: Float32Array | Float64Array, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => (Number.isNaN(w) ? expect(Number.isNaN(got[i]!)).toBe(true) : expect(Object.is(got[i], w) || got[i] === w).toBe(true)));
};

describe('round({ decimals })', () => {
  // x.round(decimals=1), (decimals=2), (decimals=-2) in float32; x.double().round(decimals=3)
  it('rounds to decimals as PyTorch\'s round_decimals, in the input\'s dtype', () => {
    same(x().round({ decimals: 1 }).toFloat32Array(), [1.2999999523162842, -2.5999999046325684, 3.0999999046325684, 0, -0.20000000298023224, 1234.5999755859375, Infinity, NaN, -0].map(Math.fround));
    same(round(x(), { decimals: 2 }).toFloat32Array(), [1.2599999904632568, -2.549999952316284, 3.140000104904175, 0.05000000074505806, -0.15000000596046448, 1234.5699462890625, Infinity, NaN, -0].map(Math.fround));
    same(x().round({ decimals: -2 }).toFloat32Array(), [0, -0, 0, 0, -0, 1200, Infinity, NaN, -0]);
    same(x().to(float64).round({ decimals: 3 }).toTypedArray() as Float64Array, [1.26, -2.55, 3.14, 0.05, -0.15, 1234.568, Infinity, NaN, -0]);
    same(x().round({ decimals: 0 }).toFloat32Array(), [1, -3, 3, 0, -0, 1235, Infinity, NaN, -0]);
  });

  // xr = torch.tensor([1.26, -2.55], requires_grad=True); xr.round(decimals=1).sum().backward(): [0., 0.]
  it('has a zero gradient', () => {
    const t = tensor([1.26, -2.55], { requiresGrad: true });
    const [g] = grad(t.round({ decimals: 1 }).sum(), [t]);
    expect(Array.from(g!.toFloat32Array())).toEqual([0, 0]);
  });

  it.each([
    // torch.tensor([5]).round(decimals=1): "round_cpu" not implemented for 'Long'
    ['an integer input with decimals', () => tensor([5], { dtype: int64 }).round({ decimals: 1 }), TypeError, `round: "round_cpu" not implemented for 'Long'`],
    ['decimals as a number (a keyword in PyTorch)', () => x().round(1 as never), TypeError, 'round: decimals is a keyword, as PyTorch\'s: pass { decimals: n }, got'],
    ['non-integer decimals', () => x().round({ decimals: 1.5 }), TypeError, 'round: decimals must be an integer, got'],
    ['an unknown key', () => x().round({ digits: 1 } as never), TypeError, 'round:'],
  ])('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  it('leaves integers alone without decimals or with 0', () => {
    expect(Array.from(tensor([5, -3], { dtype: int64 }).round().toTypedArray() as BigInt64Array)).toEqual([5n, -3n]);
    expect(Array.from(tensor([5, -3], { dtype: int64 }).round({ decimals: 0 }).toTypedArray() as BigInt64Array)).toEqual([5n, -3n]);
  });
});

describe('softmax and logSoftmax with { dtype }', () => {
  // y = torch.tensor([[1., 2., 3.]]); torch.softmax(y, 1, dtype=torch.float64), torch.log_softmax(y, 1, dtype=torch.float64)
  it('cast the input first, as PyTorch', () => {
    const y = tensor([[1, 2, 3]]);
    const s = F.softmax(y, 1, { dtype: float64 });
    expect(s.dtype).toBe(float64);
    // float64 within an ulp or two of PyTorch's (its exp is SLEEF's, ours Math.exp)
    const close = (got: Float64Array, want: number[]): void => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(4e-16 * Math.abs(w)));
    close(s.toTypedArray() as Float64Array, [0.09003057317038045, 0.2447284710547976, 0.6652409557748218]);
    const l = y.logSoftmax(1, { dtype: 'float64' });
    expect(l.dtype).toBe(float64);
    close(l.toTypedArray() as Float64Array, [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804]);
    expect(y.softmax(1, { dtype: float64 }).dtype).toBe(float64);
    expect(F.logSoftmax(y, 1, {}).dtype).toBe(y.dtype);
  });

  it('pass the gradient back through the cast, in the input\'s dtype', () => {
    const y = tensor([[1, 2, 3]], { requiresGrad: true });
    const [g] = grad(F.softmax(y, 1, { dtype: float64 }).select(1, 0), [y]);
    expect(g!.dtype).toBe(y.dtype);
  });

  it.each([
    ['an unknown key', () => F.softmax(tensor([1, 2]), 0, { type: 'float64' } as never), TypeError, 'softmax:'],
    ['an unknown dtype', () => F.logSoftmax(tensor([1, 2]), 0, { dtype: 'float65' as never }), TypeError, 'logSoftmax'],
    ['a non-object', () => F.softmax(tensor([1, 2]), 0, 'float64' as never), TypeError, "softmax: options must be an object like { dtype: 'float64' }, got"],
  ])('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });
});

describe('sum and mean with { dtype }', () => {
  // x = torch.tensor([[1.5, 2.25], [3., 4.]]): x.sum(dtype=torch.float64) is float64, x.sum(1, dtype=torch.float64) = [3.75, 7.]
  // torch.tensor([1, 2, 4]).mean(dtype=torch.float32) = 2.3333332538604736; torch.tensor([True, False]).sum(dtype=torch.float32) = 1.
  it('cast the input first, as PyTorch', () => {
    const x = tensor([[1.5, 2.25], [3, 4]]);
    expect(x.sum({ dtype: float64 }).dtype).toBe(float64);
    expect(Array.from(x.sum(1, { dtype: 'float64' }).toTypedArray() as Float64Array)).toEqual([3.75, 7]);
    expect(tensor([1, 2, 4], { dtype: int64 }).mean({ dtype: 'float32' }).item()).toBe(2.3333332538604736);
    expect(tensor([true, false], { dtype: 'bool' }).sum({ dtype: 'float32' }).item()).toBe(1);
    const t = tensor([1, 2], { requiresGrad: true });
    const [g] = grad(t.sum({ dtype: float64 }), [t]);
    expect(g!.dtype).toBe(t.dtype);
  });

  // torch.tensor([1, 2]).mean(dtype=torch.int64): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Long
  it('refuses an integer dtype for mean, and dtype for max', () => {
    expect(() => tensor([1, 2], { dtype: int64 }).mean({ dtype: int64 })).toThrow('mean: could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Long');
    expect(() => (tensor([1, 2]) as unknown as { max(o: object): unknown }).max({ dtype: float64 })).toThrow(/max:/);
  });
});

describe('clamp with { min, max }', () => {
  // torch.tensor([-2., 0.5, 3.]).clamp(min=0) = [0., 0.5, 3.]; .clamp(max=1) = [-2., 0.5, 1.]; .clamp(min=-1, max=1) = [-1., 0.5, 1.]
  it('takes PyTorch\'s keywords as a bag, out of place and in place', () => {
    const t = (): ReturnType<typeof tensor> => tensor([-2, 0.5, 3]);
    expect(Array.from(t().clamp({ min: 0 }).toFloat32Array())).toEqual([0, 0.5, 3]);
    expect(Array.from(t().clamp({ max: 1 }).toFloat32Array())).toEqual([-2, 0.5, 1]);
    expect(Array.from(t().clamp({ min: -1, max: 1 }).toFloat32Array())).toEqual([-1, 0.5, 1]);
    const u = t();
    u.clamp_({ min: 0 });
    expect(Array.from(u.toFloat32Array())).toEqual([0, 0.5, 3]);
  });

  it.each([
    ['no bound', () => tensor([1]).clamp({}), TypeError, 'clamp: at least one of min or max must be given'],
    ['an unknown key', () => tensor([1]).clamp({ lo: 0 } as never), TypeError, 'clamp:'],
    ['a bag and a max', () => tensor([1]).clamp({ min: 0 }, 1), TypeError, 'clamp: give the bounds as numbers or in one bag ({ min, max }), not both'],
    ['a string bound in the bag', () => tensor([1]).clamp({ min: '0' as never }), TypeError, 'clamp: min must be'],
    ['a tensor bound (not a bag)', () => tensor([1]).clamp(tensor([0]) as never), TypeError, 'clamp: min must be'],
  ])('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });
});
