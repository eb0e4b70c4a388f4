/**
 * The movement ops' edges that Stryker's run over ops/movement.ts lines 1-200 (MUTATION.md,
 * session 9) found untested. Expected values are PyTorch 1.13's (checked with torch) or computed
 * here by hand.
 */
import { describe, expect, it } from 'vitest';
import { arange, expand, gather, permute, reshape, ShapeError, squeeze, t, tensor, transpose, view, zeros, type Tensor } from '@tensile/tensor';

const values = (x: Tensor): number[] => Array.from(x.toTypedArray() as ArrayLike<number | bigint>, Number);
const a23 = (): Tensor => arange(6).reshape(2, 3);

describe('index arguments', () => {
  it('an Int32Array or a nested number[] index gathers as a tensor would, as PyTorch', () => {
    const x = tensor([10, 20, 30]);
    const g = gather(x, 0, Int32Array.of(2, 0));
    expect(g.shape).toEqual([2]);
    expect(values(g)).toEqual([30, 10]);
    expect(values(gather(a23(), 1, [[2, 0], [1, 1]]))).toEqual([2, 0, 4, 4]);
  });
});

describe('reshape and view', () => {
  it('an empty tensor reshapes to another shape with a 0, as PyTorch ([0, 3] -> [3, 0])', () => {
    expect(zeros(0, 3).reshape(3, 0).shape).toEqual([3, 0]);
  });
  it('a view carries the gradient back to its input, in its shape', () => {
    const x = zeros(6).requiresGrad_();
    const w = tensor([[1, -2, 3], [0.5, 4, -1]]);
    view(x, 2, 3).mul(w).sum().backward();
    expect(values(x.grad!)).toEqual([1, -2, 3, 0.5, 4, -1]);
  });
  it('a view of a tensor that requires grad is a view: in-place ops on it are refused (PyTorch refuses them too)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => x.view(3).add_(1)).toThrow('add_: in-place operation on a view while recording gradients is not supported; apply it to the base tensor, or clone() the view first');
    expect(() => x.reshape(3, 1).view(3).add_(1)).toThrow('add_: in-place operation on a view while recording gradients is not supported; apply it to the base tensor, or clone() the view first');
  });
  it('each op records its own node (a same-shape reshape or expand is an alias)', () => {
    const x = zeros(2, 3).requiresGrad_();
    expect(x.reshape(2, 3).gradFn!.name).toBe('alias');
    expect(x.reshape(3, 2).gradFn!.name).toBe('reshape');
    expect(x.view(6).gradFn!.name).toBe('view');
    expect(x.transpose(0, 1).gradFn!.name).toBe('transpose');
    expect(x.permute(1, 0).gradFn!.name).toBe('permute');
    expect(x.expand(2, 2, 3).gradFn!.name).toBe('expand');
    expect(x.expand(2, 3).gradFn!.name).toBe('alias');
  });
});

describe('transpose, t and permute', () => {
  it('a 0-d tensor transposes along dims 0 and -1 to itself, as PyTorch', () => {
    const y = transpose(tensor(5), 0, -1);
    expect(y.shape).toEqual([]);
    expect(values(y)).toEqual([5]);
  });
  it('t() of a 1-d or 0-d tensor is the tensor, as PyTorch', () => {
    expect(values(t(tensor([1, 2, 3])))).toEqual([1, 2, 3]);
    expect(t(tensor(4)).shape).toEqual([]);
  });
  it('permute takes the gradient back through the inverse permutation', () => {
    const x = zeros(2, 3, 4).requiresGrad_();
    const w = tensor(Array.from({ length: 24 }, (_, i) => i * 0.5 - 3)).reshape(4, 2, 3);
    permute(x, 2, 0, 1).mul(w).sum().backward();
    // x.grad[i][j][k] = w[k][i][j]
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) want.push(((k * 2 + i) * 3 + j) * 0.5 - 3);
    expect(values(x.grad!)).toEqual(want);
  });
});

describe('expand and squeeze', () => {
  it('keeps a dim equal to its size or given as -1, as PyTorch', () => {
    const x = tensor([1, 2]);
    expect(values(expand(x, 3, 2))).toEqual([1, 2, 1, 2, 1, 2]);
    expect(values(expand(tensor([[1], [2]]), -1, 3))).toEqual([1, 1, 1, 2, 2, 2]);
  });
  it('expands to a size of 0, leading or from a dim of 1, as PyTorch', () => {
    expect(expand(zeros(3), 0, 3).shape).toEqual([0, 3]);
    expect(expand(zeros(2, 1), 2, 0).shape).toEqual([2, 0]);
  });
  it('squeeze(dim) removes only that dim, and only if its size is 1, as PyTorch', () => {
    expect(squeeze(zeros(1, 2, 1), 0).shape).toEqual([2, 1]);
    expect(squeeze(zeros(2, 3), 0).shape).toEqual([2, 3]);
  });
});

// Every refusal, by its whole message (and class); PyTorch refuses each of these too.
const bad: [name: string, f: () => unknown, type: new (message?: string) => Error, message: string][] = [
  ['gather: a string index', () => gather(a23(), 0, 'a' as never), TypeError, 'gather: index must be a Tensor, a number[] or an Int32Array, got string'],
  ['gather: a null index', () => gather(a23(), 0, null as never), TypeError, 'gather: index must be a Tensor, a number[] or an Int32Array, got null'],
  ['reshape of a number', () => reshape(1 as never, 1), TypeError, 'reshape: input must be a Tensor, got number 1'],
  ['reshape to a negative dim other than -1', () => a23().reshape(-2, -3), ShapeError, 'reshape: invalid shape [-2,-3]'],
  ['reshape to a fractional dim', () => a23().reshape(1.5, 4), ShapeError, 'reshape: invalid shape [1.5,4]'],
  ['reshape with -1 and a size that does not divide', () => a23().reshape(-1, 4), ShapeError, 'reshape: shape [-1,4] is invalid for input of size 6'],
  ['reshape of an empty tensor with -1 and a 0', () => zeros(0, 3).reshape(-1, 0), ShapeError, 'reshape: shape [-1,0] is invalid for input of size 0'],
  ['view of a number', () => view(1 as never, 1), TypeError, 'view: input must be a Tensor, got number 1'],
  ['view to a size that does not fit', () => a23().view(4, -1), ShapeError, 'view: shape [4,-1] is invalid for input of size 6'],
  ['transpose of a number', () => transpose(1 as never, 0, 1), TypeError, 'transpose: input must be a Tensor, got number 1'],
  ['transpose: dim0 out of range', () => a23().transpose(2, 0), RangeError, 'transpose: dim0 2 out of range for a 2-d tensor'],
  // PyTorch: Dimension out of range (expected to be in range of [-1, 0], but got 3)
  ['transpose of a 0-d tensor: dims out of range', () => tensor(5).transpose(3, 4), RangeError, 'transpose: dim0 3 out of range for a 0-d tensor'],
  ['transpose of a 0-d tensor: dim1 out of range', () => tensor(5).transpose(0, 1), RangeError, 'transpose: dim1 1 out of range for a 0-d tensor'],
  ['t of a 3-d tensor', () => t(zeros(2, 2, 2)), ShapeError, 't: expects a tensor with <= 2 dimensions, got 3'],
  ['permute of a number', () => permute(1 as never, 0), TypeError, 'permute: input must be a Tensor, got number 1'],
  ['permute: a dim out of range', () => a23().permute(0, 5), RangeError, 'permute: dim 5 out of range for a 2-d tensor'],
  ['permute: a repeated dim', () => a23().permute(0, -2), RangeError, 'permute: dims [0,-2] repeat a dim'],
  ['expand of a number', () => expand(1 as never, 2), TypeError, 'expand: input must be a Tensor, got number 1'],
  ['expand to fewer dims', () => zeros(2, 3).expand(3), ShapeError, 'expand: cannot expand [2,3] to [3]: fewer dims'],
  ['expand: -1 in a new leading dim', () => zeros(3).expand(-1, 3), ShapeError, 'expand: cannot expand [3] to [-1,3]'],
  ['expand: a fractional new leading dim', () => zeros(3).expand(2.5, 3), ShapeError, 'expand: cannot expand [3] to [2.5,3]'],
  ['expand a dim of 1 to a negative size', () => zeros(2, 1).expand(2, -2), ShapeError, 'expand: cannot expand [2,1] to [2,-2]'],
  ['expand a dim of 2 to 1', () => zeros(2, 1).expand(1, 1), ShapeError, 'expand: cannot expand [2,1] to [1,1]'],
  ['squeeze of a number', () => squeeze(1 as never), TypeError, 'squeeze: input must be a Tensor, got number 1'],
  ['squeeze: dim out of range', () => a23().squeeze(5), RangeError, 'squeeze: dim 5 out of range for a 2-d tensor'],
];

describe('the movement ops refuse, naming the function, the argument and the value', () => {
  it.each(bad)('%s', (_name, f, type, message) => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
  });
});
