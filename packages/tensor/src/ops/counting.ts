import { bool, float16, float32, float64, int64, largestFinite } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { foldPositional, num, numOrNull, type Positional } from '../call-forms.js';
import { eq, ne, where } from './binary.js';
import { clone } from './movement.js';
import { sum } from './reduce.js';
import { isnan } from './unary.js';
import { describe, expectTensor, wrap } from './util.js';

/**
 * The number of nonzero elements (NaN counts: it is not 0), over all dims or along `dim` (one
 * or several), an int64 tensor: PyTorch's `torch.count_nonzero`.
 *
 * @example
 * ```ts
 * import { countNonzero, tensor } from '@tensile/tensor';
 * countNonzero(tensor([[0, 1], [2, 0]]));    // tensor(2)
 * countNonzero(tensor([[0, 1], [2, 0]]), 1); // tensor([1, 1])
 * ```
 */
export function countNonzero(x: Tensor, dim?: number | readonly number[] | null): Tensor {
  expectTensor('countNonzero', 'input', x);
  return sum(ne(x, 0), dim ?? null);
}

/** `bincount`'s options: PyTorch's keywords. */
export interface BincountOptions {
  /** Each input element's weight (a 1-d float tensor of the input's length); the counts then sum them, in the weights' dtype. */
  weights?: Tensor | null;
  /** The least length of the result (default 0). */
  minlength?: number;
}

/**
 * How often each value occurs in a 1-d tensor of non-negative integers: a tensor of length
 * `max(input) + 1` (at least `minlength`; 0 when empty), int64; with `weights`, the sums of their
 * weights, as PyTorch 1.13's kernel adds them (in input order): in float32 for float32 weights,
 * else in float64. PyTorch's `torch.bincount`.
 *
 * @example
 * ```ts
 * import { bincount, tensor, int64 } from '@tensile/tensor';
 * bincount(tensor([1, 1, 3], { dtype: int64 })); // tensor([0, 2, 0, 1])
 * bincount(tensor([1, 1], { dtype: int64 }), tensor([0.5, 0.25])); // tensor([0.0000, 0.7500]) (PyTorch's positional weights)
 * ```
 */
export function bincount(x: Tensor, ...rest: Positional<[weights: Tensor | null, minlength: number], BincountOptions>): Tensor {
  const op = 'bincount';
  expectTensor(op, 'input', x);
  const { weights = null, minlength = 0 } = checkOptions(op, foldPositional(op, rest, [
    { name: 'weights', is: (v) => v === null || v instanceof Tensor, expected: 'a Tensor or null' }, num('minlength'),
  ]) as BincountOptions, ['weights', 'minlength']);
  if (x.dtype.isFloatingPoint || x.dtype === bool) throw new TypeError(`${op}: not implemented for '${x.dtype.cName}' (${x.dtype.name}); the input must be integral`);
  if (typeof minlength !== 'number' || !Number.isInteger(minlength)) throw new TypeError(`${op}: minlength must be an integer, got ${describe(minlength)}`);
  if (minlength < 0) throw new RangeError(`${op}: minlength should be >= 0, got ${minlength}`);
  if (x.ndim !== 1) throw new ShapeError(`${op}: only supports 1-d non-negative integral inputs, got shape ${fmt(x.shape)}`);
  const v = Array.from(x.toBigInt64Array(), Number);
  if (v.some((k) => k < 0)) throw new RangeError(`${op}: only supports 1-d non-negative integral inputs, got ${Math.min(...v)}`);
  if (weights !== null) {
    expectTensor(op, 'weights', weights);
    if (weights.ndim !== 1 || weights.shape[0] !== x.shape[0]) throw new ShapeError(`${op}: weights should be 1-d and have the same length as input, got ${fmt(weights.shape)} for ${fmt(x.shape)}`);
  }
  const n = Math.max(minlength, v.length === 0 ? 0 : Math.max(...v) + 1);
  if (weights === null) {
    const counts = new BigInt64Array(n);
    for (const k of v) counts[k]! += 1n;
    return wrap(counts, [n], int64);
  }
  // Float32Array's stores round each running sum to float32, as the float kernel's adds.
  const single = weights.dtype === float32;
  const w = single ? weights.toFloat32Array() : (weights.to(float64).toTypedArray() as Float64Array);
  const sums = single ? new Float32Array(n) : new Float64Array(n);
  v.forEach((k, i) => { sums[k]! += w[i]!; });
  return wrap(sums, [n], single ? float32 : float64);
}

/** `nanToNum`'s replacements: PyTorch's keywords. */
export interface NanToNumOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +∞ becomes (default: the dtype's largest finite value). */
  posinf?: number | null;
  /** What −∞ becomes (default: the dtype's lowest finite value). */
  neginf?: number | null;
}

/**
 * NaN, +∞ and −∞ replaced by finite numbers (0, and the dtype's largest and lowest values, by
 * default): PyTorch's `torch.nan_to_num`. The gradient passes where the input is finite and is
 * 0 at the replaced elements. Integral tensors come back as a copy.
 *
 * @example
 * ```ts
 * import { nanToNum, tensor } from '@tensile/tensor';
 * nanToNum(tensor([NaN, Infinity, -Infinity, 1]), { posinf: 9, neginf: -9 }); // tensor([0., 9., -9., 1.])
 * nanToNum(tensor([NaN, Infinity]), 2, 9); // tensor([2., 9.]) (PyTorch's positional order: nan, posinf, neginf)
 * ```
 */
export function nanToNum(x: Tensor, ...rest: Positional<[nan: number, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor {
  const op = 'nanToNum';
  expectTensor(op, 'input', x);
  const options = foldPositional(op, rest, [num('nan'), numOrNull('posinf'), numOrNull('neginf')]) as NanToNumOptions;
  for (const k of Object.keys(options)) if (!['nan', 'posinf', 'neginf'].includes(k)) throw new TypeError(`${op}: unexpected option '${k}' (expected nan, posinf, neginf)`);
  const { nan = 0, posinf = null, neginf = null } = options;
  for (const [name, v] of [['nan', nan], ['posinf', posinf], ['neginf', neginf]] as const) {
    if (v !== null && typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describe(v)}`);
  }
  if (!x.dtype.isFloatingPoint) return clone(x);
  // As ATen: each replacement is converted to the dtype (a value past float32's range becomes ±∞).
  const cast = (v: number): number => (x.dtype === float64 ? v : x.dtype === float16 ? v : Math.fround(v));
  const big = largestFinite(x.dtype);
  const hi = cast(posinf ?? big), lo = cast(neginf ?? -big);
  return where(isnan(x), cast(nan), where(eq(x, Infinity), hi, where(eq(x, -Infinity), lo, x)));
}
