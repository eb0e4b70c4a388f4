import { noGrad, record } from '../autograd.js';
import { bool as boolParam, callArgs, type Positional, type PositionalParam } from '../call-forms.js';
import { toDType as toDTypeLike, type DTypeLike } from '../dtype.js';
import { normDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, maskedFill, mul, ne, pow } from './binary.js';
import { toDType } from './movement.js';
import { max, sum } from './reduce.js';
import { abs, sign, sqrt } from './unary.js';
import { describe, expectTensor } from './util.js';

/** The order of a vector norm: a number (`Infinity` and `-Infinity` included). */
export type NormOrd = number;
/** `vectorNorm`'s trailing arguments: `(ord, dim, keepdim)`, then `{ dtype }`. */
export type VectorNormArgs = Positional<[ord: NormOrd, dim: number | readonly number[] | null, keepdim: boolean], VectorNormOptions>;
/** PyTorch's keywords of `linalg.vector_norm`. */
export interface VectorNormOptions {
  ord?: NormOrd;
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  /** Compute in this floating dtype (the input is cast first). */
  dtype?: DTypeLike;
}

const DIM: PositionalParam = { name: 'dim', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer, a list of them or null' };
const ORD: PositionalParam = { name: 'ord', is: (v) => typeof v === 'number', expected: 'a number' };
const DTYPE: PositionalParam = { name: 'dtype', is: (v) => v !== undefined, expected: 'a dtype' };

/** max over `dims` (several at once), no graph. */
function amax(x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  let out = x;
  for (const d of dims) out = max(out, d, true).values;
  return keepdim ? out : out.reshape(reduced(x.shape, dims));
}

function reduced(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.filter((_, i) => !dims.includes(i));
}

/**
 * The vector `ord`-norm of `x` over `dim` (all elements by default): `(Σ |x|^ord)^(1/ord)`;
 * `Infinity` the largest `|x|`, `-Infinity` the smallest, `0` the count of nonzeros (PyTorch's
 * `torch.linalg.vector_norm`). Its gradient is PyTorch's: zero where the norm is zero, shared
 * evenly between tied maxima for `Infinity`.
 * @example
 * ```ts
 * import { linalg, tensor } from '@tensile/tensor';
 * linalg.vectorNorm(tensor([3, 4])); // tensor(5.)
 * linalg.vectorNorm(tensor([[3, 4], [6, 8]]), 2, 1); // tensor([5., 10.])
 * linalg.vectorNorm(tensor([3, -4]), { ord: Infinity }); // tensor(4.)
 * ```
 */
export function vectorNorm(x: Tensor, ...args: VectorNormArgs): Tensor {
  expectTensor('vectorNorm', 'input', x);
  const o = callArgs<VectorNormOptions>('vectorNorm', args, [ORD, DIM, boolParam('keepdim')], [DTYPE]);
  return normOf('vectorNorm', x, o.ord ?? 2, o.dim ?? null, o.keepdim ?? false, o.dtype);
}

function normOf(op: string, input: Tensor, ord: number, dim: number | readonly number[] | null, keepdim: boolean, dtype: DTypeLike | undefined): Tensor {
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new TypeError(`${op}: ord must be a number, got ${describe(ord)}`);
  const want = dtype === undefined ? undefined : toDTypeLike(dtype);
  if (want !== undefined && !want.isFloatingPoint) throw new TypeError(`${op}: dtype should be floating point or complex, but got ${want.cName}`);
  if (!input.dtype.isFloatingPoint) {
    throw new TypeError(`${op}: Expected a floating point or complex tensor as input. Got ${input.dtype.cName}`);
  }
  const x = want !== undefined && want !== input.dtype ? toDType(input, want) : input;
  const dims = normDims(op, Array.isArray(dim) && dim.length === 0 ? null : (dim as number | number[] | null), x.ndim);
  if (x.numel() === 0 && ord < 0) throw new RangeError(`${op}: the norm of order ${ord} of an empty tensor is not defined`);
  const n = noGrad(() => {
    const a = abs(x);
    if (ord === Infinity) return amax(a, dims, keepdim);
    if (ord === -Infinity) return mul(amax(mul(a, -1), dims, keepdim), -1);
    if (ord === 0) return toDType(sum(ne(x, 0), dims, keepdim), x.dtype);
    if (ord === 1) return sum(a, dims, keepdim);
    if (ord === 2) return sqrt(sum(mul(x, x), dims, keepdim));
    return pow(sum(pow(a, ord), dims, keepdim), 1 / ord);
  });
  return record(op, n, [x], (g) => {
    // g and the norm with the reduced dims kept, to broadcast against x
    const nk = keepdim ? n : n.reshape(x.shape.map((s, i) => (dims.includes(i) ? 1 : s)));
    const gk = keepdim ? g : g.reshape(nk.shape);
    if (ord === 0) return [mul(x, 0)];
    if (ord === 1) return [mul(sign(x), gk)];
    if (ord === 2) return [mul(x, maskedFill(div(gk, nk), eq(nk, 0), 0))];
    if (!Number.isFinite(ord)) {
      const hit = eq(abs(x), nk);
      const count = sum(hit, dims, true);
      return [mul(mul(sign(x), hit), div(gk, count))];
    }
    const scale = maskedFill(div(gk, pow(nk, ord - 1)), eq(nk, 0), 0);
    if (ord < 1) {
      // NOTE: PyTorch's formula: sign(x) |x|^(p-1), zero where x is zero, times g n^(1-p).
      const xs = maskedFill(mul(sign(x), pow(abs(x), ord - 1)), eq(x, 0), 0);
      return [mul(xs, mul(gk, pow(nk, 1 - ord)))];
    }
    if (ord < 2) return [mul(mul(sign(x), pow(abs(x), ord - 1)), scale)];
    return [mul(mul(x, pow(abs(x), ord - 2)), scale)];
  });
}

/** `norm`'s trailing arguments: `(p, dim, keepdim)`, then `{ dtype }`. */
export type NormArgs = Positional<[p: NormOrd | 'fro', dim: number | readonly number[] | null, keepdim: boolean], NormOptions>;
/** PyTorch's keywords of `torch.norm`. */
export interface NormOptions {
  p?: NormOrd | 'fro';
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
  dtype?: DTypeLike;
}

/**
 * PyTorch's `torch.norm` / `x.norm()`: `p` a number (a vector norm over `dim`, see
 * {@link vectorNorm}) or `'fro'` (the default: the 2-norm over all elements, or over one or two
 * dims). `'nuc'` and matrix norms of other orders are not implemented.
 * @example
 * ```ts
 * import { norm, tensor } from '@tensile/tensor';
 * norm(tensor([[3, 4], [0, 0]])); // tensor(5.)
 * tensor([[3, 4], [6, 8]]).norm(1, 1); // tensor([7., 14.])
 * ```
 */
export function norm(x: Tensor, ...args: NormArgs): Tensor {
  expectTensor('norm', 'input', x);
  const P: PositionalParam = { name: 'p', is: (v) => typeof v === 'number' || v === 'fro', expected: "a number or 'fro'" };
  const o = callArgs<NormOptions>('norm', args, [P, DIM, boolParam('keepdim')], [DTYPE]);
  const p = o.p ?? 'fro';
  if (p === 'fro') {
    const dims = o.dim === undefined || o.dim === null ? null : typeof o.dim === 'number' ? [o.dim] : o.dim;
    if (dims !== null && dims.length > 2) throw new RangeError(`norm: 'fro' takes at most two dims, got ${dims.length}`);
    return normOf('norm', x, 2, dims, o.keepdim ?? false, o.dtype);
  }
  return normOf('norm', x, p, o.dim ?? null, o.keepdim ?? false, o.dtype);
}
