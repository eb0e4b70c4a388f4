import { record } from '../autograd.js';
import { K, type ReduceKind } from '../kernels/index.js';
import { contiguousStrides, normDim, normDims, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bool, float32, float64, int64, uint8, toDType as toDTypeLike, type DTypeLike } from '../dtype.js';
import { reduceTyped, sumDType } from './typed.js';
import { add, div, eq, maximum, minimum, mul, sub, where } from './binary.js';
import { cat, flip, narrow, takeFlat, toDType } from './movement.js';
import { checkOptions } from '../options.js';
import { bool as boolParam, callArgs, foldPositional, isBag, num, type Positional, type PositionalParam } from '../call-forms.js';
import { noGrad } from '../autograd.js';
import { exp, isfinite, log, sqrt } from './unary.js';
import { empty, expectTensor, wrap } from './util.js';
import { onesLike } from './creation.js';

/** Shape after reducing `dims` (kept as 1s with keepdim). */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * Reduces sorted `dims` of x, merging runs of adjacent dims; no graph. float32 runs the
 * kernel (argmax/argmin give float positions); the other dtypes the typed loops, giving the
 * dtype `reducedDType` says (sum of integers and bool in int64, positions in int64).
 */
function reduceForward(kind: ReduceKind, x: Tensor, dims: readonly number[]): Float32Array {
  if (x.dtype !== float32) throw new TypeError(`${kind}: internal: ${x.dtype.name} reached the float32 reduction`);
  let [data, off] = x._contiguousData(kind);
  let shape = [...x.shape];
  // a 0-d tensor is its own max/min/sum, at position 0
  if (x.ndim === 0) return Float32Array.of(kind === 'argmax' || kind === 'argmin' ? 0 : data[off]!);
  // group adjacent dims into runs, reduce runs from the last to the first
  const runs: [number, number][] = [];
  for (const d of dims) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d) last[1] = d + 1;
    else runs.push([d, d + 1]);
  }
  for (let r = runs.length - 1; r >= 0; r--) {
    const [a, b] = runs[r]!;
    const pre = numel(shape.slice(0, a));
    const D = numel(shape.slice(a, b));
    const post = numel(shape.slice(b));
    const out = new Float32Array(pre * post);
    if (D === 0 && kind !== 'sum') throw new RangeError(`${kind}: cannot reduce over a dimension of size 0`);
    K().reduceDim(kind, data, off, pre, D, post, out);
    data = out;
    off = 0;
    shape = [...shape.slice(0, a), ...shape.slice(b)];
  }
  return data;
}

/** The typed reduction of sorted `dims` (one dim at a time, last first) for the dtypes other than float32. */
function reduceTypedDims(kind: 'sum' | 'max' | 'min' | 'argmax' | 'argmin', x: Tensor, dims: readonly number[]): Tensor {
  if (x.dtype.isFloatingPoint && x.dtype.itemsize === 2) x._f32(kind); // float16/bfloat16: storage only
  let [data, off] = x._contiguousAny();
  if (off !== 0 || data.length !== x.numel()) data = x.toTypedArray();
  let dt = x.dtype;
  let shape = [...x.shape];
  if (x.ndim === 0 || dims.length === 0) {
    // A 0-d tensor (or no dims): sum casts to its accumulation dtype, max/min keep it, positions are 0.
    if (kind === 'argmax' || kind === 'argmin') return wrap(new BigInt64Array(data.length), shape, int64);
    return kind === 'sum' ? toDType(wrap(data, shape, dt), sumDType(dt)) : wrap(data, shape, dt);
  }
  for (let r = dims.length - 1; r >= 0; r--) {
    const a = dims[r]!;
    const pre = numel(shape.slice(0, a)), D = shape[a]!, post = numel(shape.slice(a + 1));
    if (D === 0 && kind !== 'sum') throw new RangeError(`${kind}: cannot reduce over a dimension of size 0`);
    data = reduceTyped(kind, data, dt, pre, D, post);
    dt = kind === 'sum' ? sumDType(dt) : kind === 'argmax' || kind === 'argmin' ? int64 : dt;
    shape = [...shape.slice(0, a), ...shape.slice(a + 1)];
  }
  return wrap(data, shape, dt);
}

/** The dims a reduction runs over: one, several, or all (null / omitted). */
export type ReduceDim = number | readonly number[] | null | undefined;

/** PyTorch's keyword form of `sum`, `mean`, `logsumexp`: `x.sum({ dim: 1, keepdim: true })`. */
export interface ReduceOptions {
  dim?: ReduceDim;
  keepdim?: boolean;
}

/** `sum`'s and `mean`'s keywords: also PyTorch's `dtype`, the dtype the input is cast to first. */
export interface SumOptions extends ReduceOptions {
  dtype?: DTypeLike;
}
/** `sum`'s and `mean`'s trailing arguments: `(dim, keepdim)`, then a bag that may add `dtype`. */
export type SumArgs = Positional<[dim: ReduceDim, keepdim: boolean], SumOptions>;

/** PyTorch's keyword form of `var`/`std`: `x.var({ dim: 1, correction: 0 })`. */
export interface VarOptions extends ReduceOptions {
  /** Bessel's correction (default 1). */
  correction?: number;
}

/** `sum`'s and `mean`'s trailing arguments: `(dim, keepdim)` positionally, then a bag for the rest. */
export type ReduceArgs = Positional<[dim: ReduceDim, keepdim: boolean], ReduceOptions>;
/** `var`'s and `std`'s trailing arguments: `(dim, keepdim, correction)`, then a bag for the rest. */
export type VarArgs = Positional<[dim: ReduceDim, keepdim: boolean, correction: number], VarOptions>;

const DIM: PositionalParam = { name: 'dim', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer, a list of them or null' };
const REDUCE_PARAMS = [DIM, boolParam('keepdim')];
const VAR_PARAMS = [DIM, boolParam('keepdim'), num('correction')];

/** Reads `(dim, keepdim, correction)` from either form; the all-positional call is the fast path. */
function reduceArgs(op: string, args: readonly unknown[], withCorrection: boolean, withDType = false): { dim: ReduceDim; keepdim: boolean; correction: number; dtype?: DTypeLike | undefined } {
  const params = withCorrection ? VAR_PARAMS : REDUCE_PARAMS;
  if (args.length === 0 || !isBag(args[args.length - 1])) {
    // too many, or one of the wrong type (PyTorch refuses x.sum(0, 1)): foldPositional throws, naming it
    if (args.length > params.length || args.some((v, i) => v !== undefined && !params[i]!.is(v))) foldPositional(op, args, params);
    return { dim: args[0] as ReduceDim, keepdim: (args[1] as boolean | undefined) ?? false, correction: (args[2] as number | undefined) ?? 1 };
  }
  const keys = withCorrection ? ['dim', 'keepdim', 'correction'] : withDType ? ['dim', 'keepdim', 'dtype'] : ['dim', 'keepdim'];
  const o = checkOptions(op, foldPositional(op, args, params) as VarOptions & SumOptions, keys as (keyof (VarOptions & SumOptions))[]);
  if (o.keepdim !== undefined && typeof o.keepdim !== 'boolean') throw new TypeError(`${op}: keepdim must be a boolean, got ${String(o.keepdim)}`);
  return { dim: o.dim, keepdim: o.keepdim ?? false, correction: o.correction ?? 1, dtype: o.dtype ?? undefined };
}

/**
 * Sum over `dim` (a dim, a list of dims, or all when omitted). Integer and bool tensors sum in
 * int64 (exactly), as PyTorch's.
 * @example
 * ```ts
 * import { sum, tensor } from '@tensile/tensor';
 * sum(tensor([[1, 2], [3, 4]]), 1); // tensor([3., 7.])
 * ```
 */
export function sum(x: Tensor, ...args: SumArgs): Tensor {
  expectTensor('sum', 'input', x);
  const { dim, keepdim, dtype } = reduceArgs('sum', args, false, true);
  if (dtype !== undefined) x = toDType(x, toDTypeLike(dtype, 'sum'));
  const dims = normDims('sum', Array.isArray(dim) && dim.length === 0 ? null : dim, x.ndim);
  const kshape = reducedShape(x.shape, dims, true);
  const shape = reducedShape(x.shape, dims, keepdim);
  const out = x.dtype === float32 ? wrap(reduceForward('sum', x, dims), shape) : reduceTypedDims('sum', x, dims).reshape(shape);
  return record('sum', out, [x], (g) => [g.reshape(kshape).expand(x.shape)]);
}

/**
 * Mean over `dim` (all dims when omitted).
 * @example
 * ```ts
 * import { mean, tensor } from '@tensile/tensor';
 * mean(tensor([1, 2, 3, 4])); // tensor(2.5000)
 * ```
 */
export function mean(x: Tensor, ...args: SumArgs): Tensor {
  expectTensor('mean', 'input', x);
  const { dim, keepdim, dtype } = reduceArgs('mean', args, false, true);
  if (dtype !== undefined) {
    const dt = toDTypeLike(dtype, 'mean');
    if (!dt.isFloatingPoint) throw new TypeError(`mean: could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: ${dt.cName}`);
    x = toDType(x, dt);
  }
  if (!x.dtype.isFloatingPoint) {
    throw new TypeError(`mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype.cName}`);
  }
  const dims = normDims('mean', Array.isArray(dim) && dim.length === 0 ? null : dim, x.ndim);
  let count = 1;
  for (const d of dims) count *= x.shape[d]!;
  return div(sum(x, dims, keepdim), count);
}

/**
 * PyTorch's `torch.return_types.max` (and `min`, `sort`, ...): an array `[values, indices]`
 * that also names them, so `const [v, i] = x.max(1)`, `x.max(1).indices` and `x.max(1)[1]` all work.
 */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

/**
 * Makes a {@link ValuesIndices}.
 *
 * @example
 * ```ts
 * import { valuesIndices, tensor, int64 } from '@tensile/tensor';
 * const r = valuesIndices(tensor([5]), tensor([2], { dtype: int64 }));
 * r.values === r[0] && r.indices === r[1]; // true
 * ```
 */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.freeze(Object.assign([values, indices] as [Tensor, Tensor], { values, indices }));
}

function extremeValues(op: 'max' | 'min', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  expectTensor(op, 'input', x);
  if (dim === undefined || dim === null) {
    if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor`);
    const all = normDims(op, null, x.ndim);
    const out = x.dtype === float32 ? wrap(reduceForward(op, x, all), []) : reduceTypedDims(op, x, all).reshape([]);
    // NOTE: ties share the gradient evenly, as PyTorch's max()/min() without dim.
    return record(op, out, [x], (g) => {
      const mask = eq(x, out);
      return [mul(div(mask, sum(mask)), g)];
    }, [x, out]);
  }
  const d = normDim(op, dim, x.ndim);
  // PyTorch's: an empty tensor reduces along a dim of nonzero size (to an empty result)
  if (x.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const idx = argIndices(op === 'max' ? 'argmax' : 'argmin', x, d);
  return takeFlat(x, idx, reducedShape(x.shape, [d], keepdim), op);
}

/** PyTorch's keywords of the reductions that take one dim: `{ dim, keepdim }`. */
export interface DimOptions {
  dim?: number | null;
  keepdim?: boolean;
}
const ONE_DIM: PositionalParam = { name: 'dim', is: (v) => v === null || typeof v === 'number', expected: 'an integer or null' };

/** `(dim, keepdim)` or a bag `{ dim, keepdim }` (PyTorch's keywords), checked as either. */
function dimKeep(op: string, dim: unknown, keepdim: boolean): { dim: number | null | undefined; keepdim: boolean } {
  if (!isBag(dim)) return { dim: dim as number | null | undefined, keepdim };
  const o = callArgs<DimOptions>(op, [dim], [ONE_DIM, boolParam('keepdim')]);
  return { dim: o.dim, keepdim: o.keepdim ?? false };
}

function extreme(op: 'max' | 'min', x: Tensor, dimArg: number | Tensor | DimOptions | null | undefined, keepdimArg: boolean): Tensor | ValuesIndices {
  if (dimArg !== null && typeof dimArg === 'object' && !isBag(dimArg)) {
    if (!(dimArg instanceof Tensor)) throw new TypeError(`${op}: dim must be an integer, a Tensor (the element-wise ${op === 'max' ? 'maximum' : 'minimum'}) or an options bag, got ${Array.isArray(dimArg) ? 'an array' : 'an object'}`);
    return op === 'max' ? maximum(x, dimArg as Tensor) : minimum(x, dimArg as Tensor);
  }
  const { dim, keepdim } = dimKeep(op, dimArg, keepdimArg);
  // PyTorch's overloads: max() the largest value, max(dim) (values, indices), max(other) the element-wise maximum.
  if (dim === undefined || dim === null) return extremeValues(op, x, dim, keepdim);
  const values = extremeValues(op, x, dim, keepdim);
  // PyTorch's max(dim) takes bool (argmax does not): its positions are uint8's, false < true.
  const ordered = x.dtype === bool ? toDType(x, uint8) : x;
  return valuesIndices(values, argExtreme(op === 'max' ? 'argmax' : 'argmin', ordered, dim, keepdim));
}

/** Flat (row-major) indices into x of the max/min along dim d. */
function argIndices(kind: 'argmax' | 'argmin', x: Tensor, d: number): Int32Array {
  const pos: ArrayLike<number> = x.dtype === float32 ? reduceForward(kind, x, [d]) : Float64Array.from(reduceTypedDims(kind, x, [d]).toTypedArray() as BigInt64Array, Number);
  const D = x.shape[d]!;
  const post = numel(x.shape.slice(d + 1));
  const idx = new Int32Array(pos.length);
  for (let i = 0; i < pos.length; i++) {
    const p = Math.floor(i / post), q = i - p * post;
    idx[i] = (p * D + pos[i]!) * post + q;
  }
  return idx;
}

/**
 * PyTorch's `max`: the largest value (no dim), `[values, indices]` along `dim` (a
 * {@link ValuesIndices}: `.values`, `.indices`, or destructure), or with a tensor the
 * element-wise `maximum`.
 * @example
 * ```ts
 * import { max, tensor } from '@tensile/tensor';
 * const x = tensor([[1, 5], [7, 2]]);
 * max(x); // tensor(7.)
 * const [values, indices] = max(x, 1); // tensor([5., 7.]), tensor([1, 0])
 * max(x, 1).indices; // the same indices
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, options: DimOptions & { dim: number }): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor | DimOptions | null, keepdim?: boolean): Tensor | ValuesIndices;
export function max(x: Tensor, dim?: number | Tensor | DimOptions | null, keepdim = false): Tensor | ValuesIndices {
  return extreme('max', x, dim, keepdim);
}
/**
 * Smallest value, overall or along `dim`.
 * @example
 * ```ts
 * import { min, tensor } from '@tensile/tensor';
 * min(tensor([[1, 5], [7, 2]]), 1); // tensor([1., 2.])
 * ```
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, options: DimOptions & { dim: number }): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor | DimOptions | null, keepdim?: boolean): Tensor | ValuesIndices;
export function min(x: Tensor, dim?: number | Tensor | DimOptions | null, keepdim = false): Tensor | ValuesIndices {
  return extreme('min', x, dim, keepdim);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  expectTensor(op, 'input', x);
  if (x.dtype === bool) throw new TypeError(`${op}: not implemented for 'Bool'`); // PyTorch's argmax_cpu has no bool kernel
  const positions = (t: Tensor, d: number): Tensor => {
    if (t.dtype !== float32) return reduceTypedDims(op, t, [d]);
    const v = reduceForward(op, t, [d]);
    return wrap(BigInt64Array.from(v, (p) => BigInt(p)), [v.length], int64);
  };
  if (dim === undefined || dim === null) {
    if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor`);
    const flat = x.reshape([-1]);
    return positions(flat, 0).reshape(keepdim ? x.shape.map(() => 1) : []);
  }
  const d = normDim(op, dim, x.ndim);
  if (x.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  return positions(x, d).reshape(reducedShape(x.shape, [d], keepdim));
}

/**
 * Index of the largest value (overall, flattened, or along `dim`), as an int64 tensor.
 * @example
 * ```ts
 * import { argmax, tensor } from '@tensile/tensor';
 * argmax(tensor([[1, 5], [7, 2]]), 1); // tensor([1, 0])
 * ```
 */
export const argmax = (x: Tensor, dim?: number | DimOptions | null, keepdim = false): Tensor => { const o = dimKeep('argmax', dim, keepdim); return argExtreme('argmax', x, o.dim, o.keepdim); };
/**
 * Index of the smallest value.
 * @example
 * ```ts
 * import { argmin, tensor } from '@tensile/tensor';
 * argmin(tensor([3, 1, 2])); // tensor(1)
 * ```
 */
export const argmin = (x: Tensor, dim?: number | DimOptions | null, keepdim = false): Tensor => { const o = dimKeep('argmin', dim, keepdim); return argExtreme('argmin', x, o.dim, o.keepdim); };

/**
 * Variance with Bessel's `correction` (1 = unbiased, PyTorch's default).
 * @example
 * ```ts
 * import { variance, tensor } from '@tensile/tensor';
 * variance(tensor([1, 2, 3, 4])); // tensor(1.6667)
 * ```
 */
export function variance(x: Tensor, ...args: VarArgs): Tensor {
  expectTensor('var', 'input', x);
  const { dim, keepdim, correction } = reduceArgs('var', args, true);
  if (typeof correction !== 'number' || !(correction >= 0)) throw new RangeError(`var: correction must be a non-negative number, got ${correction}`);
  const dims = normDims('var', Array.isArray(dim) && dim.length === 0 ? null : dim, x.ndim);
  let n = 1;
  for (const d of dims) n *= x.shape[d]!;
  const centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), Math.max(0, n - correction));
}

/**
 * Standard deviation, `sqrt(var)`.
 * @example
 * ```ts
 * import { std, tensor } from '@tensile/tensor';
 * std(tensor([1, 2, 3, 4]), null, false, 0); // tensor(1.1180)
 * ```
 */
export function std(x: Tensor, ...args: VarArgs): Tensor {
  expectTensor('std', 'input', x);
  const { dim, keepdim, correction } = reduceArgs('std', args, true);
  return sqrt(variance(x, dim, keepdim, correction));
}

/**
 * `log(sum(exp(x)))` over `dim`, computed stably (shifted by the max).
 * @example
 * ```ts
 * import { logsumexp, tensor } from '@tensile/tensor';
 * logsumexp(tensor([0, 0]), 0); // tensor(0.6931)
 * ```
 */
export function logsumexp(x: Tensor, ...args: ReduceArgs): Tensor {
  expectTensor('logsumexp', 'input', x);
  // PyTorch computes a bool input's in the default float dtype, as an integer one's (below, by
  // exp's promotion); the shift's subtraction would refuse bool
  if (x.dtype === bool) x = toDType(x, float32);
  const { dim, keepdim } = reduceArgs('logsumexp', args, false);
  if (dim === undefined) throw new TypeError('logsumexp: dim is required');
  const dims = normDims('logsumexp', dim, x.ndim);
  const kshape = reducedShape(x.shape, dims, true);
  // NOTE: the shift is a constant for autograd (its gradient contributions cancel).
  const m = x.numel() === 0 ? empty(kshape, x.dtype) : (x.dtype === float32 ? wrap(reduceForward('max', x, dims), kshape) : reduceTypedDims('max', x, dims).reshape(kshape));
  const shift = where(isfinite(m), m, 0);
  const r = add(log(sum(exp(sub(x, shift)), dims, true)), shift);
  return keepdim ? r : r.reshape(reducedShape(x.shape, dims, false));
}

// ---- any / all, cumsum / cumprod ------------------------------------------------------------

/** `[pre, D, post]` around dim `d` (a 0-d tensor is `[1, 1, 1]`). */
function around(shape: readonly number[], d: number): [number, number, number] {
  return [numel(shape.slice(0, d)), shape[d] ?? 1, numel(shape.slice(d + 1))];
}

function anyAll(op: 'any' | 'all', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  expectTensor(op, 'input', x);
  if (dim !== undefined && dim !== null && typeof dim !== 'number') throw new TypeError(`${op}: dim must be a number, got ${typeof dim}`);
  if (typeof keepdim !== 'boolean') throw new TypeError(`${op}: keepdim must be a boolean, got ${typeof keepdim}`);
  // nonzero (and NaN) is true; the elements in order, not the storage (a view may be offset, short or transposed)
  const truth = toDType(x, bool).toTypedArray() as Uint8Array;
  const all = dim === undefined || dim === null;
  const d = all ? 0 : normDim(op, dim, x.ndim);
  const [pre, D, post] = all ? [1, truth.length, 1] : around(x.shape, d);
  const out = new Uint8Array(pre * post);
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      let r = op === 'all' ? 1 : 0;
      for (let k = 0; k < D; k++) {
        if ((truth[(p * D + k) * post + q] === 1) === (op === 'any')) { r = 1 - r; break; }
      }
      out[p * post + q] = r;
    }
  }
  const shape = all ? (keepdim ? x.shape.map(() => 1) : []) : reducedShape(x.shape, x.ndim === 0 ? [] : [d], keepdim);
  // PyTorch 1.13 keeps uint8 for uint8 inputs (its old mask dtype); everything else gives bool.
  return wrap(out, shape, x.dtype === uint8 ? uint8 : bool);
}

/**
 * Whether any element is nonzero (NaN counts), overall or along `dim`: a bool tensor, as PyTorch's
 * (a uint8 input gives uint8, as PyTorch 1.13's).
 * @example
 * ```ts
 * import { any, tensor } from '@tensile/tensor';
 * any(tensor([[0, 1], [0, 0]]), 1); // tensor([ True, False])
 * ```
 */
export const any = (x: Tensor, dim?: number | DimOptions | null, keepdim = false): Tensor => { const o = dimKeep('any', dim, keepdim); return anyAll('any', x, o.dim, o.keepdim); };
/**
 * Whether every element is nonzero, overall or along `dim` (a bool tensor).
 * @example
 * ```ts
 * import { all, tensor } from '@tensile/tensor';
 * all(tensor([[1, 1], [0, 1]]), 1); // tensor([ True, False])
 * ```
 */
export const all = (x: Tensor, dim?: number | DimOptions | null, keepdim = false): Tensor => { const o = dimKeep('all', dim, keepdim); return anyAll('all', x, o.dim, o.keepdim); };

/** Options of `cumsum` / `cumprod` (PyTorch's keyword `dtype`). */
export interface CumulativeOptions {
  /** Cast the input to this dtype first (PyTorch's `dtype=`). */
  dtype?: DTypeLike;
}

/**
 * The running sums or products along dim `d` (no graph): floating dtypes accumulate in double
 * and round each output to the dtype (PyTorch's CPU `acc_type` for float is double); integers
 * and bool accumulate in int64 and return int64, wrapping at 2^63.
 */
function scanForward(op: 'cumsum' | 'cumprod', x: Tensor, d: number): Tensor {
  if (x.dtype.isFloatingPoint && x.dtype.itemsize === 2) x._f32(op); // float16/bfloat16: storage only
  const src = x.dtype.isFloatingPoint ? x : toDType(x, int64);
  const [data, off] = src._contiguousAny();
  const [pre, D, post] = around(src.shape, d);
  const out = new src.dtype.array(src.numel());
  const sum = op === 'cumsum';
  if (out instanceof BigInt64Array) {
    const a = data as BigInt64Array;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        let acc = sum ? 0n : 1n;
        for (let k = 0; k < D; k++) {
          const i = (p * D + k) * post + q;
          acc = BigInt.asIntN(64, sum ? acc + a[off + i]! : acc * a[off + i]!);
          out[i] = acc;
        }
      }
    }
  } else {
    const a = data as Float64Array, o = out as Float64Array;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        let acc = sum ? 0 : 1;
        for (let k = 0; k < D; k++) {
          const i = (p * D + k) * post + q;
          acc = sum ? acc + a[off + i]! : acc * a[off + i]!;
          o[i] = acc;
        }
      }
    }
  }
  return wrap(out, src.shape, src.dtype);
}

/**
 * The input in the dtype the scan runs in (cast without recording: as PyTorch's backward, the
 * gradient is cast back to x's dtype first, then the scan's backward runs in it) and the dim.
 */
function scanInput(op: 'cumsum' | 'cumprod', x: Tensor, dimArg: number | (CumulativeOptions & { dim: number }), options: CumulativeOptions | undefined): [Tensor, number] {
  expectTensor(op, 'input', x);
  let dim = dimArg as number;
  let o: CumulativeOptions;
  if (isBag(dimArg)) {
    if (options !== undefined) throw new TypeError(`${op}: give dim and dtype in one options bag, or dim positionally`);
    const b = callArgs<CumulativeOptions & { dim?: number }>(op, [dimArg], [ONE_DIM], [{ name: 'dtype', is: (v) => v !== undefined, expected: 'a dtype' }]);
    if (typeof b.dim !== 'number') throw new TypeError(`${op}: dim is required`);
    dim = b.dim;
    o = b.dtype === undefined ? {} : { dtype: b.dtype };
  } else o = checkOptions(op, options, ['dtype']);
  const d = normDim(op, dim, x.ndim);
  return [o.dtype === undefined ? x : noGrad(() => toDType(x, toDTypeLike(o.dtype, op))), d];
}

/** The sums from the end: `flip(cumsum(flip(g)))`, PyTorch's `reversed_cumsum`. */
const reversedCumsum = (g: Tensor, d: number): Tensor => flip(cumsum(flip(g, [d]), d), [d]);

/**
 * Running sums along `dim`; integer and bool tensors sum in int64 (PyTorch's), floats in double
 * rounded to their dtype at each step; `{ dtype }` casts first. Gradient: the upstream gradient
 * summed from the end.
 * @example
 * ```ts
 * import { cumsum, tensor } from '@tensile/tensor';
 * cumsum(tensor([1, 2, 3]), 0); // tensor([1., 3., 6.])
 * ```
 */
export function cumsum(x: Tensor, dim: number | (CumulativeOptions & { dim: number }), options?: CumulativeOptions): Tensor {
  const [src, d] = scanInput('cumsum', x, dim, options);
  const out = scanForward('cumsum', src, d);
  return record('cumsum', out, [x], (g) => [reversedCumsum(toDType(g, x.dtype), d)]);
}

/**
 * Running products along `dim` (integers and bool in int64). Gradient as PyTorch's
 * `cumprod_backward`: `reversed_cumsum(g · y) / x` when x has no zero; with zeros, each lane's
 * sums of products that skip the element, in double (NOTE: that path is not differentiable
 * twice).
 * @example
 * ```ts
 * import { cumprod, tensor } from '@tensile/tensor';
 * cumprod(tensor([1, 2, 3]), 0); // tensor([1., 2., 6.])
 * ```
 */
export function cumprod(x: Tensor, dim: number | (CumulativeOptions & { dim: number }), options?: CumulativeOptions): Tensor {
  const [src, d] = scanInput('cumprod', x, dim, options);
  const out = scanForward('cumprod', src, d);
  return record('cumprod', out, [x], (g0) => {
    const g = toDType(g0, x.dtype);
    if (x.numel() <= 1 || (x.shape[d] ?? 1) === 1) return [g];
    if (!(any(eq(x, 0)).item())) return [toDType(div(reversedCumsum(mul(out, g), d), x), x.dtype)];
    return [toDType(cumprodGradWithZeros(src, toDType(g, src.dtype), d), x.dtype)];
  }, [x, out]);
}

/** d/dx_i of sum_k g_k · prod_{j <= k} x_j, directly: sum_{k >= i} g_k · prod_{j <= k, j != i} x_j. */
function cumprodGradWithZeros(x: Tensor, g: Tensor, d: number): Tensor {
  const xs = x.toTypedArray() as Float64Array, gs = g.toTypedArray() as Float64Array;
  const [pre, D, post] = around(x.shape, d);
  const out = new x.dtype.array(x.numel()) as Float64Array;
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = (k: number): number => (p * D + k) * post + q;
      for (let i = 0; i < D; i++) {
        let prefix = 1;
        for (let j = 0; j < i; j++) prefix *= xs[at(j)]!;
        let acc = 0, run = prefix;
        for (let k = i; k < D; k++) {
          if (k > i) run *= xs[at(k)]!;
          acc += gs[at(k)]! * run;
        }
        out[at(i)] = acc;
      }
    }
  }
  return wrap(out, x.shape, x.dtype);
}

/**
 * The indices of the nonzero (true) elements, PyTorch's `torch.nonzero`: an int64 tensor
 * `[count, ndim]`, one row per element in row-major order (a 0-d input gives `[count, 0]`).
 * With `{ asTuple: true }`, one int64 index tensor `[count]` per dim instead.
 *
 * @example
 * ```ts
 * import { nonzero, tensor } from '@tensile/tensor';
 * nonzero(tensor([[0, 3], [5, 0]])); // tensor([[0, 1], [1, 0]])
 * ```
 */
export function nonzero(x: Tensor, options?: { asTuple?: false }): Tensor;
export function nonzero(x: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  expectTensor('nonzero', 'input', x);
  const o = checkOptions('nonzero', options, ['asTuple']);
  if (o.asTuple !== undefined && typeof o.asTuple !== 'boolean') throw new TypeError(`nonzero: asTuple must be a boolean, got ${String(o.asTuple)}`);
  if (x.dtype.isFloatingPoint && x.dtype.itemsize === 2) x._f32('nonzero');
  const raw = x.toTypedArray();
  const strides = contiguousStrides(x.shape);
  const rows: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    if (typeof v === 'bigint' ? v !== 0n : v !== 0) rows.push(i);
  }
  const nd = x.ndim;
  const out = new BigInt64Array(rows.length * nd);
  rows.forEach((flat, r) => {
    let rest = flat;
    for (let d = 0; d < nd; d++) {
      const q = Math.floor(rest / strides[d]!);
      out[r * nd + d] = BigInt(q);
      rest -= q * strides[d]!;
    }
  });
  const t = wrap(out, [rows.length, nd], int64);
  if (!o.asTuple) return t;
  return Array.from({ length: Math.max(nd, 1) }, (_, d) => (nd === 0 ? wrap(new BigInt64Array(rows.length), [rows.length], int64) : t.select(1, d).contiguous()));
}

// ---- amax, amin, prod ---------------------------------------------------------------------

/** `amax`'s and `amin`'s trailing arguments: `(dim, keepdim)`, or a bag `{ dim, keepdim }`. */
export type AmaxArgs = Positional<[dim: ReduceDim, keepdim: boolean], ReduceOptions>;

function amaxAmin(op: 'amax' | 'amin', x: Tensor, args: readonly unknown[]): Tensor {
  expectTensor(op, 'input', x);
  const { dim, keepdim } = reduceArgs(op, args, false);
  // PyTorch's dim=() (the default) reduces every dim, as does null here
  const dims = normDims(op, Array.isArray(dim) && dim.length === 0 ? null : dim, x.ndim);
  for (const d of dims) if (x.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const kind = op === 'amax' ? 'max' : 'min';
  const kshape = reducedShape(x.shape, dims, true);
  const shape = reducedShape(x.shape, dims, keepdim);
  const out = x.dtype === float32 ? wrap(reduceForward(kind, x, dims), shape) : reduceTypedDims(kind, x, dims).reshape(shape);
  // NOTE: PyTorch's backward: the gradient split evenly over the elements equal to the result.
  return record(op, out, [x], (g) => {
    const mask = eq(x, out.reshape(kshape));
    return [div(mul(g.reshape(kshape), mask), sum(mask, dims, true))];
  }, [x, out]);
}

/**
 * The largest value over `dim` (a dim, a list of dims, or every dim when omitted, null or `[]`),
 * without indices (PyTorch's `amax`); its gradient is shared evenly between equal maxima.
 * @example
 * ```ts
 * import { amax, tensor } from '@tensile/tensor';
 * amax(tensor([[1, 5], [7, 2]]), 1); // tensor([5., 7.])
 * amax(tensor([[1, 5], [7, 2]]), [0, 1], true); // tensor([[7.]])
 * ```
 */
export function amax(x: Tensor, ...args: AmaxArgs): Tensor {
  return amaxAmin('amax', x, args);
}

/**
 * The smallest value over `dim` (every dim when omitted), without indices (PyTorch's `amin`).
 * @example
 * ```ts
 * import { amin, tensor } from '@tensile/tensor';
 * amin(tensor([[1, 5], [7, 2]]), 0); // tensor([1., 2.])
 * ```
 */
export function amin(x: Tensor, ...args: AmaxArgs): Tensor {
  return amaxAmin('amin', x, args);
}

/** PyTorch's keywords of `prod`: `{ dim, keepdim, dtype }` (one dim, or every element when absent). */
export interface ProdOptions {
  dim?: number | null;
  keepdim?: boolean;
  /** Cast the input to this dtype first (PyTorch's `dtype=`). */
  dtype?: DTypeLike;
}
/** `prod`'s trailing arguments: `(dim, keepdim)`, then a bag for the rest. */
export type ProdArgs = Positional<[dim: number | null, keepdim: boolean], ProdOptions>;

/** Products along the last dim of `[pre, D]` data: in double (float dtypes), wrapping int64 (the integers). */
function productRows(x: Tensor, pre: number, D: number): Tensor {
  const dt = x.dtype.isFloatingPoint ? x.dtype : int64;
  // float16/bfloat16 storage holds bits: read their values through float32
  const src = (dt.isFloatingPoint && dt.itemsize === 2 ? toDType(x, float32) : x).toTypedArray();
  if (dt === int64) {
    const out = new BigInt64Array(pre);
    for (let p = 0; p < pre; p++) {
      let acc = 1n;
      for (let k = 0; k < D; k++) acc = BigInt.asIntN(64, acc * BigInt(src[p * D + k]!));
      out[p] = acc;
    }
    return wrap(out, [pre], int64);
  }
  const out = new Float64Array(pre);
  for (let p = 0; p < pre; p++) {
    let acc = 1;
    for (let k = 0; k < D; k++) acc *= Number(src[p * D + k]!);
    out[p] = acc;
  }
  return toDType(wrap(out, [pre], float64), dt);
}

/**
 * `x·(x_j ≠ 0 ? prod/x_j : Π_{k≠j} x_k)`'s gradient along `d` (PyTorch's `prod_backward`):
 * `g·(result/x)` where no element is zero, else the product of the others from exclusive
 * running products from each side (`prod_safe_zeros_backward`); composed from ops, so it is
 * differentiable again.
 */
function prodBackward(g: Tensor, x: Tensor, result: Tensor, d: number): Tensor {
  if (!any(eq(x, 0)).item()) return mul(g, div(result, x));
  const n = x.shape[d]!;
  if (n === 1) return mul(g, onesLike(x));
  const ones = onesLike(narrow(x, d, 0, 1));
  const before = cumprod(cat([ones, narrow(x, d, 0, n - 1)], d), d);
  const after = flip(cumprod(cat([ones, flip(narrow(x, d, 1, n - 1), d)], d), d), d);
  return mul(g, mul(before, after));
}

/**
 * The product of all elements, or along `dim` (PyTorch's `prod`); integers and bool multiply in
 * int64 (wrapping), as PyTorch's. The gradient is PyTorch's, zeros included.
 * @example
 * ```ts
 * import { prod, tensor } from '@tensile/tensor';
 * prod(tensor([[1, 2], [3, 4]])); // tensor(24.)
 * prod(tensor([[1, 2], [3, 4]]), 1); // tensor([ 2., 12.])
 * ```
 */
export function prod(x: Tensor, ...args: ProdArgs): Tensor {
  expectTensor('prod', 'input', x);
  const o = callArgs<ProdOptions>('prod', args, [ONE_DIM, boolParam('keepdim')], [{ name: 'dtype', is: (v) => v !== null, expected: 'a dtype' }]);
  const input = o.dtype === undefined ? x : toDType(x, toDTypeLike(o.dtype, 'prod'));
  const keepdim = o.keepdim ?? false;
  if (o.dim === undefined || o.dim === null) {
    const flat = input.reshape([-1]);
    const out = productRows(flat, 1, flat.numel()).reshape(keepdim ? input.shape.map(() => 1) : []);
    return record('prod', out, [input], (g) => [prodBackward(g.reshape([1]).expand([flat.numel()]), flat, out.reshape([1]).expand([flat.numel()]), 0).reshape(input.shape)], [input, out]);
  }
  const d = normDim('prod', o.dim, input.ndim);
  const moved = input.ndim === 0 ? input.reshape([1]) : input.transpose(d, -1).contiguous();
  const D = moved.shape[moved.ndim - 1]!, pre = numel(moved.shape.slice(0, -1));
  const kshape = reducedShape(input.shape, [d], true);
  const rows = productRows(moved, pre, D);
  const kept = input.ndim === 0 ? rows.reshape([]) : rows.reshape(moved.shape.slice(0, -1)).unsqueeze(-1).transpose(d, -1).reshape(kshape);
  const out = keepdim || input.ndim === 0 ? kept : kept.squeeze(d);
  return record('prod', out, [input], (g) => [prodBackward(g.reshape(kshape).expand(input.shape), input, kept.expand(input.shape), d)], [input, out]);
}
