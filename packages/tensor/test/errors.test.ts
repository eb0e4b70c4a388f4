import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const a23 = (): T.Tensor => T.arange(6).reshape(2, 3);

// [description, make the inputs, call, error type, exact message]
const table: [string, () => T.Tensor[], (xs: T.Tensor[]) => unknown, ErrorConstructor | typeof T.ShapeError, string][] = [
  ['matmul inner dims', () => [T.ones([2, 3]), T.ones([4, 5])], ([a, b]) => T.matmul(a!, b!), T.ShapeError, 'matmul: inner dimensions differ: [2,3] @ [4,5]'],
  ['matmul 0-d', () => [T.tensor(1), T.ones([3])], ([a, b]) => T.matmul(a!, b!), T.ShapeError, 'matmul: both arguments need at least 1 dimension, got [] and [3]'],
  ['add broadcast', () => [T.ones([2, 3]), T.ones([4])], ([a, b]) => T.add(a!, b!), T.ShapeError, 'add: cannot broadcast [2,3] with [4]'],
  ['mul non-tensor', () => [T.ones([2])], ([a]) => T.mul(a!, 'x' as never), TypeError, 'mul: other must be a Tensor or a number, got string x'],
  ['sum dim out of range', () => [a23()], ([a]) => a!.sum(3), RangeError, 'sum: dim 3 out of range for a 2-d tensor'],
  ['sum repeated dim', () => [a23()], ([a]) => a!.sum([1, -1]), RangeError, 'sum: dim 1 appears more than once in [1,-1]'],
  ['reshape invalid size', () => [a23()], ([a]) => a!.reshape(4, 2), T.ShapeError, 'reshape: shape [4,2] is invalid for input of size 6'],
  ['reshape two -1', () => [a23()], ([a]) => a!.reshape(-1, -1), T.ShapeError, 'reshape: only one dimension can be -1, got [-1,-1]'],
  ['view of non-contiguous', () => [a23()], ([a]) => a!.t().view(6), T.ShapeError, "view: size [6] is not compatible with the input's strides (it is not contiguous); use reshape() instead"],
  ['expand invalid', () => [a23()], ([a]) => a!.expand(4, 3), T.ShapeError, 'expand: cannot expand [2,3] to [4,3]'],
  ['permute wrong count', () => [a23()], ([a]) => a!.permute(0), T.ShapeError, "permute: number of dims 1 does not match the tensor's 2 dims ([0])"],
  ['transpose dim', () => [a23()], ([a]) => a!.transpose(0, 2), RangeError, 'transpose: dim1 2 out of range for a 2-d tensor'],
  ['narrow out of range', () => [a23()], ([a]) => a!.narrow(1, 2, 2), RangeError, 'narrow: start 2 + length 2 exceeds dim 1 of size 3'],
  ['select out of range', () => [a23()], ([a]) => a!.select(0, 2), RangeError, 'select: index 2 out of range for dim 0 of size 2'],
  ['gather index out of bounds', () => [a23(), T.tensor([[0, 5]])], ([a, i]) => a!.gather(1, i!), RangeError, 'gather: index 5 is out of bounds for dimension 1 with size 3'],
  ['indexSelect 2-d index', () => [a23(), T.zeros([1, 1])], ([a, i]) => a!.indexSelect(0, i!), T.ShapeError, 'indexSelect: index must be 0-d or 1-d, got shape [1,1]'],
  ['cat shapes', () => [a23(), T.ones([2, 2])], ([a, b]) => T.cat([a!, b!], 0), T.ShapeError, 'cat: tensors[1] has shape [2,2], which does not match [2,3] outside dim 0'],
  ['cat empty', () => [], () => T.cat([]), RangeError, 'cat: expected a non-empty array of tensors'],
  ['stack shapes', () => [a23(), T.ones([3, 2])], ([a, b]) => T.stack([a!, b!]), T.ShapeError, 'stack: tensors[1] has shape [3,2], expected [2,3]'],
  ['item on many', () => [a23()], ([a]) => a!.item(), RangeError, 'item: a tensor with 6 elements cannot be converted to a number'],
  ['tensor ragged', () => [], () => T.tensor([[1, 2], [3]]), T.ShapeError, 'tensor: ragged nested array: data[1] has length 1, expected length 2'],
  ['tensor shape mismatch', () => [], () => T.tensor([1, 2, 3], { shape: [2, 2] }), T.ShapeError, 'tensor: shape [2,2] needs 4 values, got 3'],
  ['zeros bad shape', () => [], () => T.zeros([2, -1]), RangeError, 'zeros: shape must hold non-negative integers, got [2,-1]'],
  ['arange zero step', () => [], () => T.arange(0, 1, 0), RangeError, 'arange: step must be nonzero, got 0'],
  ['randint low >= high', () => [], () => T.randint(3, 3, [2]), RangeError, 'randint: expects integers low < high, got low 3, high 3'],
  ['in-place shape change', () => [T.ones([3]), T.ones([2, 3])], ([a, b]) => T.noGrad(() => a!.add_(b!)), T.ShapeError, "add_: output with shape [3] doesn't match the broadcast shape [2,3]"],
  ['clamp without bounds', () => [a23()], ([a]) => a!.clamp(), TypeError, 'clamp: at least one of min or max must be given'],
  ['var negative correction', () => [a23()], ([a]) => a!.var(null, false, -1), RangeError, 'var: correction must be a non-negative number, got -1'],
  ['max of empty', () => [T.zeros([0])], ([a]) => a!.max(), RangeError, 'max: cannot reduce an empty tensor'],
];

describe('bad input: a clear error that names the op, the argument and the values; inputs unchanged', () => {
  it.each(table)('%s', (_name, make, call, type, message) => {
    const xs = make();
    const before = xs.map((x) => [Array.from(x.toFloat32Array()), x.version, [...x.shape]]);
    let err: unknown;
    try {
      call(xs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
    expect(xs.map((x) => [Array.from(x.toFloat32Array()), x.version, [...x.shape]])).toEqual(before);
  });
});
