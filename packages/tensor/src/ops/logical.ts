/**
 * The logical and comparison helpers PyTorch scripts use around training (masks, checks,
 * tests): `logicalNot/And/Or/Xor`, `isclose`, `allclose`, `equal`; and the reshaping helpers
 * `movedim`, `unflatten`, `tile`, `broadcastTo`. Composed from the comparison and movement ops.
 */
import { ShapeError } from '../errors.js';
import { normDim } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { int32 } from '../dtype.js';
import { abs, isfinite, isnan } from './unary.js';
import { add, eq, le, mul, ne, sub } from './binary.js';
import { all } from './reduce.js';
import { expand, permute, repeat, reshape } from './movement.js';
import { describe, expectTensor } from './util.js';

/** `x != 0` counted as 0/1 in int32, so the logical ops can add and compare them. */
const truth = (x: TensorLike): Tensor => ne(x, 0).to(int32);

/**
 * Element-wise NOT: true where `x` is zero (PyTorch's `logical_not`; NaN counts as true, so gives false).
 * @example
 * ```ts
 * import { logicalNot, tensor } from '@tensile/tensor';
 * logicalNot(tensor([0, 2, -1])).tolist(); // [true, false, false]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  expectTensor('logicalNot', 'input', x);
  return eq(x, 0);
}

/**
 * Element-wise AND of the operands' truth (non-zero), broadcasting; a bool tensor.
 * @example
 * ```ts
 * import { logicalAnd, tensor } from '@tensile/tensor';
 * logicalAnd(tensor([1, 0, 3]), tensor([2, 2, 0])).tolist(); // [true, false, false]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return eq(add(truth(a), truth(b)), 2);
}

/**
 * Element-wise OR of the operands' truth, broadcasting; a bool tensor.
 * @example
 * ```ts
 * import { logicalOr, tensor } from '@tensile/tensor';
 * logicalOr(tensor([1, 0, 0]), tensor([0, 0, 5])).tolist(); // [true, false, true]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return ne(add(truth(a), truth(b)), 0);
}

/**
 * Element-wise XOR of the operands' truth, broadcasting; a bool tensor.
 * @example
 * ```ts
 * import { logicalXor, tensor } from '@tensile/tensor';
 * logicalXor(tensor([1, 0, 3]), tensor([1, 2, 0])).tolist(); // [false, true, true]
 * ```
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return eq(add(truth(a), truth(b)), 1);
}

/** `isclose`'s and `allclose`'s tolerances (PyTorch's defaults rtol 1e-5, atol 1e-8). */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** NaN equals NaN (default false). */
  equalNan?: boolean;
}

function closeArgs(op: string, o: CloseOptions): { rtol: number; atol: number; equalNan: boolean } {
  const rtol = o.rtol ?? 1e-5, atol = o.atol ?? 1e-8, equalNan = o.equalNan ?? false;
  if (typeof rtol !== 'number' || !(rtol >= 0)) throw new RangeError(`${op}: rtol must be greater than or equal to zero, but got ${describe(rtol)}`);
  if (typeof atol !== 'number' || !(atol >= 0)) throw new RangeError(`${op}: atol must be greater than or equal to zero, but got ${describe(atol)}`);
  if (typeof equalNan !== 'boolean') throw new TypeError(`${op}: equalNan must be a boolean, got ${describe(equalNan)}`);
  return { rtol, atol, equalNan };
}

/**
 * Where `|a − b| <= atol + rtol·|b|`, or `a == b` (infinities of one sign), or both NaN with
 * `equalNan` (PyTorch's `isclose`, its defaults rtol 1e-5, atol 1e-8); a bool tensor.
 * @example
 * ```ts
 * import { isclose, tensor } from '@tensile/tensor';
 * isclose(tensor([1, 2, NaN]), tensor([1 + 1e-6, 2.1, NaN]), { equalNan: true }).tolist(); // [true, false, true]
 * ```
 */
export function isclose(a: Tensor, b: Tensor, options: CloseOptions = {}): Tensor {
  expectTensor('isclose', 'input', a);
  expectTensor('isclose', 'other', b);
  const { rtol, atol, equalNan } = closeArgs('isclose', options);
  if (a.dtype !== b.dtype) throw new TypeError(`isclose: ${a.dtype.name} did not match ${b.dtype.name}`);
  if (!a.dtype.isFloatingPoint) return eq(a, b);
  // PyTorch: (a == b) | (equal_nan & both NaN) | (isfinite(|a − b|) & |a − b| <= atol + |rtol·b|)
  const err = abs(sub(a, b));
  let close = logicalOr(eq(a, b), logicalAnd(isfinite(err), le(err, add(abs(mul(b, rtol)), atol))));
  if (equalNan) close = logicalOr(close, logicalAnd(isnan(a), isnan(b)));
  return close;
}

/**
 * Whether every element is close (`isclose`), as a boolean (PyTorch's `allclose`).
 * @example
 * ```ts
 * import { allclose, tensor } from '@tensile/tensor';
 * allclose(tensor([1, 2]), tensor([1, 2.000001])); // true
 * ```
 */
export function allclose(a: Tensor, b: Tensor, options: CloseOptions = {}): boolean {
  closeArgs('allclose', options);
  return Boolean(all(isclose(a, b, options)).item());
}

/**
 * Whether the two tensors have the same shape and equal elements (PyTorch's `torch.equal`; NaN is
 * never equal).
 * @example
 * ```ts
 * import { equal, tensor } from '@tensile/tensor';
 * equal(tensor([1, 2]), tensor([1, 2])); // true
 * equal(tensor([1, 2]), tensor([[1, 2]])); // false
 * ```
 */
export function equal(a: Tensor, b: Tensor): boolean {
  expectTensor('equal', 'input', a);
  expectTensor('equal', 'other', b);
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return Boolean(all(eq(a, b)).item());
}

/**
 * `x` with dims `source` moved to positions `destination`, the others keeping their order
 * (PyTorch's `movedim`; a view).
 * @example
 * ```ts
 * import { movedim, zeros } from '@tensile/tensor';
 * movedim(zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 * ```
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  expectTensor('movedim', 'input', x);
  const src = (typeof source === 'number' ? [source] : [...source]).map((d) => normDim('movedim', d, x.ndim));
  const dst = (typeof destination === 'number' ? [destination] : [...destination]).map((d) => normDim('movedim', d, x.ndim));
  if (src.length !== dst.length) throw new RangeError(`movedim: Invalid source or destination dims: source (${String(source)} dims) should contain the same number of dims as destination (${String(destination)} dims)`);
  if (new Set(src).size !== src.length) throw new RangeError(`movedim: repeated dim in \`source\` (${String(source)})`);
  if (new Set(dst).size !== dst.length) throw new RangeError(`movedim: repeated dim in \`destination\` (${String(destination)})`);
  const order: number[] = new Array(x.ndim).fill(-1);
  src.forEach((s, i) => { order[dst[i]!] = s; });
  const rest = Array.from({ length: x.ndim }, (_, i) => i).filter((d) => !src.includes(d));
  for (let i = 0, k = 0; i < x.ndim; i++) if (order[i] === -1) order[i] = rest[k++]!;
  return permute(x, order);
}

/**
 * Dim `dim` of `x` split into `sizes` (one may be -1), PyTorch's `unflatten`.
 * @example
 * ```ts
 * import { unflatten, zeros } from '@tensile/tensor';
 * unflatten(zeros([2, 12]), 1, [3, -1]).shape; // [2, 3, 4]
 * ```
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  expectTensor('unflatten', 'input', x);
  const d = normDim('unflatten', dim, x.ndim);
  if (!Array.isArray(sizes) || sizes.length === 0) throw new RangeError('unflatten: sizes must be non-empty');
  const known = sizes.filter((s) => s !== -1).reduce((a, s) => a * s, 1);
  const inferred = sizes.map((s) => (s === -1 ? (known === 0 ? 0 : x.shape[d]! / known) : s));
  if (sizes.filter((s) => s === -1).length > 1 || inferred.some((s) => !Number.isInteger(s) || s < 0) || inferred.reduce((a, s) => a * s, 1) !== x.shape[d]) {
    throw new ShapeError(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${dim} (${x.shape[d]}) in the input tensor`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...inferred, ...x.shape.slice(d + 1)]);
}

/**
 * `x` repeated `dims[i]` times along each dim; fewer dims than `x` has count from the last
 * (PyTorch's `tile`, which pads `dims` with ones in front; `repeat` does not).
 * @example
 * ```ts
 * import { tile, tensor } from '@tensile/tensor';
 * tile(tensor([[1, 2]]), [2]).tolist(); // [[1, 2, 1, 2]]
 * ```
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor('tile', 'input', x);
  if (!Array.isArray(dims)) throw new TypeError(`tile: dims must be an array of integers, got ${describe(dims)}`);
  const reps = dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : [...dims];
  return repeat(x, reps);
}

/**
 * `x` broadcast to `shape` (PyTorch's `broadcast_to`: `expand`; a view).
 * @example
 * ```ts
 * import { broadcastTo, tensor } from '@tensile/tensor';
 * broadcastTo(tensor([1, 2]), [3, 2]).shape; // [3, 2]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('broadcastTo', 'input', x);
  return expand(x, shape);
}
