import { record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { contiguousStrides, fmt, normDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { clone, stridedView, writeInto } from './movement.js';
import { sum } from './reduce.js';
import { empty, expectTensor } from './util.js';

function integerArg(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: ${arg} must be an integer, got ${String(v)}`);
  return v;
}

/**
 * The diagonal `offset` of the matrices formed by dims `dim1` and `dim2`, as a view whose last
 * dim runs along it (the other dims keep their order): PyTorch's `torch.diagonal`. `offset` > 0
 * is above the main diagonal, < 0 below; a diagonal outside the matrices is empty.
 *
 * @example
 * ```ts
 * import { arange, diagonal } from '@tensile/tensor';
 * diagonal(arange(9).reshape(3, 3));    // tensor([0, 4, 8])
 * diagonal(arange(9).reshape(3, 3), 1); // tensor([1, 5])
 * ```
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const op = 'diagonal';
  expectTensor(op, 'input', x);
  integerArg(op, 'offset', offset);
  const a = normDim(op, dim1, x.ndim, 'dim1'), b = normDim(op, dim2, x.ndim, 'dim2');
  if (a === b) throw new ShapeError(`${op}: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const geometry = (strides: readonly number[], base: number): [number[], number[], number] => {
    const na = x.shape[a]!, nb = x.shape[b]!;
    const n = Math.max(0, offset >= 0 ? Math.min(na, nb - offset) : Math.min(na + offset, nb));
    const start = n === 0 ? base : base + (offset >= 0 ? offset * strides[b]! : -offset * strides[a]!);
    const keep = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
    return [[...keep.map((i) => x.shape[i]!), n], [...keep.map((i) => strides[i]!), strides[a]! + strides[b]!], start];
  };
  const [shape, strides, start] = geometry(x.strides, x.offset);
  const [, gradStrides, gradStart] = geometry(contiguousStrides(x.shape), 0);
  return stridedView(x, shape, strides, start, gradStrides, gradStart);
}

/**
 * A 1-D tensor's values on diagonal `offset` of a square matrix of zeros, or a 2-D tensor's
 * diagonal `offset` as a new 1-D tensor (a copy): PyTorch's `torch.diag`.
 *
 * @example
 * ```ts
 * import { diag, tensor } from '@tensile/tensor';
 * diag(tensor([1, 2]));    // tensor([[1., 0.], [0., 2.]])
 * diag(tensor([1, 2]), 1); // tensor([[0., 1., 0.], [0., 0., 2.], [0., 0., 0.]])
 * ```
 */
export function diag(x: Tensor, offset = 0): Tensor {
  const op = 'diag';
  expectTensor(op, 'input', x);
  integerArg(op, 'diagonal', offset);
  if (x.ndim === 2) return clone(diagonal(x, offset));
  if (x.ndim !== 1) throw new ShapeError(`${op}: matrix or a vector expected, got shape ${fmt(x.shape)}`);
  const n = x.shape[0]! + Math.abs(offset);
  const out = empty([n, n], x.dtype);
  writeInto(x, new Tensor(out.storage, [x.shape[0]!], [n + 1]), offset >= 0 ? offset : -offset * n);
  return record(op, out, [x], (g) => [diagonal(g, offset)]);
}

/**
 * The sum of a matrix's main diagonal (integers in int64): PyTorch's `torch.trace`.
 *
 * @example
 * ```ts
 * import { arange, trace } from '@tensile/tensor';
 * trace(arange(6).reshape(2, 3)); // tensor(4)
 * ```
 */
export function trace(x: Tensor): Tensor {
  expectTensor('trace', 'input', x);
  if (x.ndim !== 2) throw new ShapeError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  return sum(diagonal(x));
}
