import { record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { K } from '../kernels/index.js';
import { contiguousStrides, fmt, normDim, numel, sameShape, shapeArgs, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './binary.js';
import { describe, empty, expectTensor, wrap } from './util.js';
import { checkOptions } from '../options.js';
import { bool, float32, float64, int64, promoteTypes, type DType, type StorageArray } from '../dtype.js';
import { castStrided, copyStrided, scatterStrided } from './typed.js';
import { tensor } from './creation.js';

/** Indices: a float32 tensor holding integers, a (nested) `number[]` or an `Int32Array`. */
export type IndexArg = Tensor | readonly number[] | readonly (readonly number[])[] | Int32Array;

/** @internal An index argument as a tensor (tensors pass through unchanged). */
export function indexArg(op: string, index: unknown): Tensor {
  if (index instanceof Int32Array) return wrap(Float32Array.from(index), [index.length]);
  if (Array.isArray(index)) return tensor(index as number[]);
  if (!(index instanceof Tensor)) throw new TypeError(`${op}: index must be a Tensor, a number[] or an Int32Array, got ${index === null ? 'null' : typeof index}`);
  return index;
}

/** A view of x's storage with new geometry. */
function viewOf(x: Tensor, shape: Shape, strides: Shape, offset: number): Tensor {
  const v = new Tensor(x.storage, shape, strides, offset);
  v._base = x._base ?? x;
  return v;
}

/**
 * A tensor sharing storage (and version counter) with `x`, outside the graph.
 * @example
 * ```ts
 * import { detach, ones } from '@tensile/tensor';
 * const y = detach(ones([2], { requiresGrad: true })); // y.requiresGrad === false
 * ```
 */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape, x.strides, x.offset);
}

function inferShape(op: string, x: Tensor, shape: number[]): number[] {
  const n = x.numel();
  let infer = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${fmt(shape)}`);
    } else known *= d;
  });
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new ShapeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${n}`);
    out[infer] = n / known;
  }
  if (numel(out) !== n) throw new ShapeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${n}`);
  return out;
}

/**
 * The same elements in a new shape (`-1` infers one dim); a view when x is contiguous.
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(6).reshape(2, 3); // tensor([[0, 1, 2], [3, 4, 5]])
 * ```
 */
export function reshape(x: Tensor, ...args: (number | readonly number[])[]): Tensor {
  expectTensor('reshape', 'input', x);
  const shape = inferShape('reshape', x, shapeArgs(args));
  const src = x.isContiguous() ? x : contiguous(x);
  if (sameShape(shape, x.shape)) return src === x ? alias(x) : src;
  const out = viewOf(src, shape, contiguousStrides(shape), src.offset);
  return record('reshape', out, [src], (g) => [reshape(g, src.shape)]);
}

/** A view of the same tensor recorded as an identity (so in-place checks see a new tensor). */
function alias(x: Tensor): Tensor {
  const out = viewOf(x, x.shape, x.strides, x.offset);
  return record('alias', out, [x], (g) => [g]);
}

/**
 * Like `reshape` but never copies: x must be contiguous.
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(6).view(3, -1); // shape [3, 2]
 * ```
 */
export function view(x: Tensor, ...args: (number | readonly number[])[]): Tensor {
  expectTensor('view', 'input', x);
  const shape = inferShape('view', x, shapeArgs(args));
  if (!x.isContiguous()) {
    throw new ShapeError(`view: size ${fmt(shape)} is not compatible with the input's strides (it is not contiguous); use reshape() instead`);
  }
  const out = viewOf(x, shape, contiguousStrides(shape), x.offset);
  return record('view', out, [x], (g) => [reshape(g, x.shape)]);
}

/**
 * Swaps two dims (a view).
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).transpose(0, 1).shape; // [3, 2]
 * ```
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  expectTensor('transpose', 'input', x);
  const a = normDim('transpose', dim0, x.ndim, 'dim0');
  const b = normDim('transpose', dim1, x.ndim, 'dim1');
  if (x.ndim === 0) return alias(x);
  const shape = [...x.shape], strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  const out = viewOf(x, shape, strides, x.offset);
  return record('transpose', out, [x], (g) => [transpose(g, a, b)]);
}

/**
 * Transpose of a tensor with at most 2 dims.
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).t().shape; // [3, 2]
 * ```
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dimensions, got ${x.ndim}`);
  return x.ndim < 2 ? alias(x) : transpose(x, 0, 1);
}

/**
 * Reorders dims (a view).
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3, 4]).permute(2, 0, 1).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, ...args: (number | readonly number[])[]): Tensor {
  expectTensor('permute', 'input', x);
  const dims = shapeArgs(args);
  if (dims.length !== x.ndim) throw new ShapeError(`permute: number of dims ${dims.length} does not match the tensor's ${x.ndim} dims (${fmt(dims)})`);
  const nd = dims.map((d) => normDim('permute', d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new RangeError(`permute: dims ${fmt(dims)} repeat a dim`);
  const out = viewOf(x, nd.map((d) => x.shape[d]!), nd.map((d) => x.strides[d]!), x.offset);
  const inverse = new Array<number>(nd.length);
  nd.forEach((d, i) => (inverse[d] = i));
  return record('permute', out, [x], (g) => [permute(g, inverse)]);
}

/**
 * Broadcasts to a larger shape without copying (`-1` keeps a dim).
 * @example
 * ```ts
 * import { tensor } from '@tensile/tensor';
 * tensor([1, 2]).expand(3, 2); // 3 rows of [1, 2]
 * ```
 */
export function expand(x: Tensor, ...args: (number | readonly number[])[]): Tensor {
  expectTensor('expand', 'input', x);
  const want = shapeArgs(args);
  if (want.length < x.ndim) throw new ShapeError(`expand: cannot expand ${fmt(x.shape)} to ${fmt(want)}: fewer dims`);
  const lead = want.length - x.ndim;
  const shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (i < lead) {
      if (!(Number.isInteger(w) && w >= 0)) throw new ShapeError(`expand: cannot expand ${fmt(x.shape)} to ${fmt(want)}`);
      shape.push(w); strides.push(0);
      continue;
    }
    const d = x.shape[i - lead]!;
    if (w === -1 || w === d) { shape.push(d); strides.push(x.strides[i - lead]!); }
    else if (d === 1 && Number.isInteger(w) && w >= 0) { shape.push(w); strides.push(0); }
    else throw new ShapeError(`expand: cannot expand ${fmt(x.shape)} to ${fmt(want)}`);
  }
  if (sameShape(shape, x.shape)) return alias(x);
  const out = viewOf(x, shape, strides, x.offset);
  return record('expand', out, [x], (g) => [sumToShape(g, x.shape)]);
}

/**
 * Removes dims of size 1 (all, or just `dim`).
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 1, 3]).squeeze().shape; // [2, 3]
 * ```
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  expectTensor('squeeze', 'input', x);
  const keep = (i: number): boolean => (dim === undefined ? x.shape[i] !== 1 : i !== normDim('squeeze', dim, x.ndim) || x.shape[i] !== 1);
  const shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (keep(i)) { shape.push(x.shape[i]!); strides.push(x.strides[i]!); }
  const out = viewOf(x, shape, strides, x.offset);
  return record('squeeze', out, [x], (g) => [reshape(g, x.shape)]);
}

/**
 * Inserts a dim of size 1 at `dim`.
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).unsqueeze(0).shape; // [1, 2, 3]
 * ```
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  expectTensor('unsqueeze', 'input', x);
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape], strides = [...x.strides];
  const st = d < x.ndim ? x.strides[d]! * x.shape[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  const out = viewOf(x, shape, strides, x.offset);
  return record('unsqueeze', out, [x], (g) => [reshape(g, x.shape)]);
}

/**
 * Merges dims `startDim..endDim` into one.
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3, 4]).flatten(1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim, 'startDim');
  const e = normDim('flatten', endDim, x.ndim, 'endDim');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  if (s === e) return alias(x);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/**
 * `length` elements of `dim` starting at `start` (a view).
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(5).narrow(0, 1, 3); // tensor([1, 2, 3])
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  expectTensor('narrow', 'input', x);
  const d = normDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || s < 0 || s > size) throw new RangeError(`narrow: start ${start} out of range for dim ${d} of size ${size}`);
  if (!Number.isInteger(length) || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} + length ${length} exceeds dim ${d} of size ${size}`);
  }
  const shape = [...x.shape];
  shape[d] = length;
  const out = viewOf(x, shape, x.strides, x.offset + s * x.strides[d]!);
  return record('narrow', out, [x], (g) => [narrowBackward(g, x.shape, d, s)]);
}

/** Zeros of `shape` with g written at `start` along `dim`; the backward of narrow. */
function narrowBackward(g: Tensor, shape: Shape, dim: number, start: number): Tensor {
  const out = empty(shape, g.dtype);
  writeInto(g, out, start * out.strides[dim]!);
  return record('narrowBackward', out, [g], (gg) => [narrow(gg, dim, start, g.shape[dim]!)]);
}

/**
 * Index `index` of `dim`, removing that dim (a view).
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(6).reshape(2, 3).select(0, 1); // tensor([3, 4, 5])
 * ```
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) throw new RangeError(`select: index ${index} out of range for dim ${d} of size ${size}`);
  return squeeze(narrow(x, d, index < 0 ? index + size : index, 1), d);
}

/**
 * x itself when contiguous, else a contiguous copy.
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).t().contiguous().isContiguous(); // true
 * ```
 */
export function contiguous(x: Tensor): Tensor {
  expectTensor('contiguous', 'input', x);
  return x.isContiguous() ? x : clone(x);
}

/**
 * A contiguous copy (recorded: the gradient passes through).
 * @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * const c = ones([2]).clone();
 * ```
 */
export function clone(x: Tensor): Tensor {
  expectTensor('clone', 'input', x);
  const out = empty(x.shape, x.dtype);
  if (x.dtype === float32) K().copy(x.storage.data as Float32Array, x.offset, x.strides, x.shape, out.storage.data as Float32Array, 0);
  else copyStrided(x.storage.data, x.offset, x.strides, x.shape, out.storage.data, 0);
  return record('clone', out, [x], (g) => [g]);
}

/**
 * @internal Writes x's elements (row-major) into the view of `out`'s storage at `outOff` with
 * `out`'s strides and x's shape, in out's dtype (x cast first if it differs).
 */
export function writeInto(x: Tensor, out: Tensor, outOff: number): void {
  const src = x.dtype === out.dtype ? x : toDType(x, out.dtype);
  if (out.dtype === float32) {
    const [d, o] = src._contiguousData();
    K().scatterCopy(d, o, src.shape, out.storage.data as Float32Array, outOff, out.strides);
  } else {
    const [d, o] = src._contiguousAny();
    scatterStrided(d, o, src.shape, out.storage.data, outOff, out.strides);
  }
}

/** @internal `out[i] = x.flat[idx[i]]` with shape `shape` (any dtype); backward scatters. */
export function takeFlat(x: Tensor, idx: Int32Array, shape: Shape, name = 'take'): Tensor {
  const out = empty(shape, x.dtype);
  if (x.dtype === float32) {
    const [d, o] = x._contiguousData(name);
    K().take(d, o, idx, out.storage.data as Float32Array);
  } else {
    const [d, o] = x._contiguousAny();
    const dst = out.storage.data as Float64Array, src = d as Float64Array; // element moves in one dtype
    for (let i = 0; i < idx.length; i++) dst[i] = src[o + idx[i]!]!;
  }
  return record(name, out, [x], (g) => [scatterFlat(g, idx, x.shape)]);
}

/** @internal Zeros of `shape` with `g[i]` added at flat `idx[i]` (float32 or float64); backward gathers. */
export function scatterFlat(g: Tensor, idx: Int32Array, shape: Shape): Tensor {
  const out = empty(shape, g.dtype);
  if (g.dtype === float32) {
    const [d, o] = g._contiguousData('scatterAdd');
    K().scatterAdd(d, o, idx, out.storage.data as Float32Array);
  } else if (g.dtype === float64) {
    const [d, o] = g._contiguousAny();
    const dst = out.storage.data as Float64Array, src = d as Float64Array;
    for (let i = 0; i < idx.length; i++) dst[idx[i]!] = dst[idx[i]!]! + src[o + i]!;
  } else g._f32('scatterAdd');
  return record('scatterAdd', out, [g], (gg) => [takeFlat(gg, idx, g.shape)]);
}

/** An index tensor's elements in its own storage type; bool and floating dtypes but float32 refused, as PyTorch refuses them. */
function indexData(op: string, arg: string, t: Tensor): StorageArray {
  const dt = t.dtype;
  if (dt === bool || (dt.isFloatingPoint && dt !== float32)) {
    throw new TypeError(`${op}: ${arg} must be an integer tensor (int64 or int32), got ${dt.name}`);
  }
  return t.toTypedArray();
}

/**
 * The values of an index or class-target tensor as numbers, exactly: int64 (past ±2^53
 * refused), the other integer dtypes, and float32 (a JavaScript user's `tensor([0, 2])`; the
 * caller refuses non-integers). bool and the other floating dtypes are refused, as PyTorch does.
 */
export function indexValues(op: string, arg: string, t: Tensor): Float64Array {
  const raw = indexData(op, arg, t);
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    if (typeof v === 'bigint' && (v > 9007199254740991n || v < -9007199254740991n)) throw new RangeError(`${op}: ${arg} value ${v} is out of range`);
    out[i] = Number(v);
  }
  return out;
}

/**
 * The indices an index tensor holds, range-checked before any narrowing: int64 and int32
 * (PyTorch's index dtypes), uint8/int8/int16, and float32 holding exact integers (what
 * `tensor([0, 1])` gives a JavaScript user). Non-integer values and bool are refused.
 */
export function readIndex(op: string, index: Tensor, size: number, dim: number): Int32Array {
  const raw = indexData(op, 'index', index);
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    // PyTorch's gather and index_select do not wrap negative indices (unlike x[-1] or select).
    if (typeof v === 'bigint' ? v < 0n || v >= BigInt(size) : !Number.isInteger(v) || v < 0 || v >= size) {
      if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeError(`${op}: index ${v} is not an integer (index tensors hold integers: use int64)`);
      throw new RangeError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    }
    out[i] = Number(v);
  }
  return out;
}

/**
 * Picks values along `dim` by `index` (same rank as x): `out[i][j] = x[i][index[i][j]]` for dim 1.
 * @example
 * ```ts
 * import { gather, tensor } from '@tensile/tensor';
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]])); // tensor([[2.], [3.]])
 * ```
 */
export function gather(x: Tensor, dim: number, indexLike: IndexArg): Tensor {
  expectTensor('gather', 'input', x);
  const index = indexArg('gather', indexLike);
  const d = normDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(`gather: index has ${index.ndim} dims but the input has ${x.ndim}`);
  }
  for (let i = 0; i < index.ndim; i++) {
    if (i !== d && index.shape[i]! > x.shape[i]!) throw new ShapeError(`gather: index shape ${fmt(index.shape)} exceeds input shape ${fmt(x.shape)} at dim ${i}`);
  }
  const k = readIndex('gather', index, x.shape[d] ?? 1, d);
  const xs = contiguousStrides(x.shape);
  const idx = new Int32Array(k.length);
  const ish = index.shape;
  const pos = new Array<number>(ish.length).fill(0);
  for (let i = 0; i < k.length; i++) {
    let f = 0;
    for (let j = 0; j < ish.length; j++) f += (j === d ? k[i]! : pos[j]!) * xs[j]!;
    idx[i] = f;
    for (let j = ish.length - 1; j >= 0; j--) {
      if (++pos[j]! < ish[j]!) break;
      pos[j] = 0;
    }
  }
  return takeFlat(x, idx, ish, 'gather');
}

/**
 * Selects entries of `dim` by a 1-D `index`.
 * @example
 * ```ts
 * import { indexSelect, tensor } from '@tensile/tensor';
 * indexSelect(tensor([[1, 2], [3, 4]]), 0, tensor([1, 1])); // tensor([[3., 4.], [3., 4.]])
 * ```
 */
export function indexSelect(x: Tensor, dim: number, indexLike: IndexArg): Tensor {
  expectTensor('indexSelect', 'input', x);
  const index = indexArg('indexSelect', indexLike);
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-d or 1-d, got shape ${fmt(index.shape)}`);
  const d = normDim('indexSelect', dim, x.ndim);
  const k = readIndex('indexSelect', index, x.shape[d] ?? 1, d);
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = k.length;
  const pre = numel(x.shape.slice(0, d)), D = x.shape[d] ?? 1, post = numel(x.shape.slice(d + 1));
  const idx = new Int32Array(pre * k.length * post);
  let i = 0;
  for (let p = 0; p < pre; p++) for (const kk of k) for (let q = 0; q < post; q++) idx[i++] = (p * D + kk) * post + q;
  return takeFlat(x, idx, shape, 'indexSelect');
}

/**
 * Joins tensors along an existing dim.
 * @example
 * ```ts
 * import { cat, ones, zeros } from '@tensile/tensor';
 * cat([ones([1, 2]), zeros([2, 2])], 0).shape; // [3, 2]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => expectTensor('cat', `tensors[${i}]`, t));
  const first = tensors[0]!;
  if (first.ndim === 0) throw new ShapeError('cat: zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normDim('cat', dim, first.ndim);
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s: number, j: number) => j !== d && s !== first.shape[j])) {
      throw new ShapeError(`cat: tensors[${i}] has shape ${fmt(t.shape)}, which does not match ${fmt(first.shape)} outside dim ${d}`);
    }
    total += t.shape[d]!;
  });
  const shape = [...first.shape];
  shape[d] = total;
  // PyTorch's cat promotes: the result has every input's dtype promoted together.
  const dtype = tensors.reduce((dt, t) => promoteTypes(dt, t.dtype), first.dtype);
  const out = empty(shape, dtype);
  let at = 0;
  const starts: number[] = [];
  for (const t of tensors) {
    starts.push(at);
    writeInto(t, out, at * out.strides[d]!);
    at += t.shape[d]!;
  }
  return record('cat', out, tensors, (g) => tensors.map((t, i) => (t.requiresGrad ? toDType(narrow(g, d, starts[i]!, t.shape[d]!), t.dtype) : null)));
}

/**
 * Joins same-shape tensors along a new dim.
 * @example
 * ```ts
 * import { stack, ones } from '@tensile/tensor';
 * stack([ones([2]), ones([2])], 0).shape; // [2, 2]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => {
    expectTensor('stack', `tensors[${i}]`, t);
    if (!sameShape(t.shape, tensors[0]!.shape)) throw new ShapeError(`stack: tensors[${i}] has shape ${fmt(t.shape)}, expected ${fmt(tensors[0]!.shape)}`);
  });
  const d = normDim('stack', dim, tensors[0]!.ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/**
 * `x` in `dtype` (x itself when it has it, as PyTorch's `to`): a cast as PyTorch's (see
 * typed.ts). Floating to floating records the cast; its gradient is cast back.
 */
export function toDType(x: Tensor, dtype: DType): Tensor {
  expectTensor('to', 'input', x);
  if (x.dtype === dtype) return x;
  const out = wrap(castStrided(x.storage.data, x.dtype, x.offset, x.strides, x.shape, dtype), x.shape, dtype);
  if (!x.dtype.isFloatingPoint || !dtype.isFloatingPoint) return out;
  const from = x.dtype;
  return record('to', out, [x], (g) => [toDType(g, from)]);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  expectTensor(op, 'input', x);
  if (!Number.isInteger(diagonal)) throw new TypeError(`${op}: argument 'diagonal' must be an integer, got ${describeValue(diagonal)}`);
  if (x.ndim < 2) throw new RangeError(`${op}: input tensor must have at least 2 dimensions, got shape ${fmt(x.shape)}`);
  const data = x.toTypedArray();
  const R = x.shape[x.ndim - 2]!, C = x.shape[x.ndim - 1]!;
  const zero = (data instanceof BigInt64Array ? 0n : 0) as never;
  for (let b = 0; b < data.length; b += R * C) {
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        if (op === 'tril' ? j - i > diagonal : j - i < diagonal) (data as Float64Array)[b + i * C + j] = zero;
      }
    }
  }
  return record(op, wrap(data, x.shape, x.dtype), [x], (g) => [triangle(op, g, diagonal)]);
}

const describeValue = (v: unknown): string => (typeof v === 'number' ? `${v}` : typeof v);

/**
 * The lower triangle of the last two dims (`j - i <= diagonal`), zeros above; any dtype, kept.
 * Gradient: the lower triangle of the upstream gradient.
 * @example
 * ```ts
 * import { tril, ones } from '@tensile/tensor';
 * tril(ones([2, 2])); // tensor([[1., 0.], [1., 1.]])
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of the last two dims (`j - i >= diagonal`), zeros below.
 * @example
 * ```ts
 * import { triu, ones } from '@tensile/tensor';
 * triu(ones([2, 2]), 1); // tensor([[0., 1.], [0., 0.]])
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

/** Distinct normalised dims from a number or a list (PyTorch's "appears multiple times"). */
function distinctDims(op: string, dims: number | readonly number[], ndim: number): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) throw new TypeError(`${op}: dims must be a number or an array of numbers, got ${describeValue(dims)}`);
  const out = list.map((d) => normDim(op, d, ndim));
  out.forEach((d, i) => {
    if (out.indexOf(d) !== i) throw new RangeError(`${op}: dim ${d} appears multiple times in the list of dims`);
  });
  return out;
}

/**
 * The elements in reverse order along each of `dims` (a copy, as PyTorch's; any dtype).
 * Gradient: the upstream gradient flipped back.
 * @example
 * ```ts
 * import { flip, tensor } from '@tensile/tensor';
 * flip(tensor([[1, 2], [3, 4]]), [1]); // tensor([[2., 1.], [4., 3.]])
 * ```
 */
export function flip(x: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  expectTensor('flip', 'input', x);
  const ds = distinctDims('flip', shapeArgs(dims), x.ndim);
  let out = x;
  for (const d of ds) {
    const n = x.shape[d] ?? 1;
    out = indexSelect(out, d, Int32Array.from({ length: n }, (_, i) => n - 1 - i));
  }
  return out === x ? clone(x) : out;
}

/**
 * The elements shifted by `shifts` along `dims`, wrapping around; with no dims, over the
 * flattened tensor, shape kept (PyTorch's `roll`). Composed of `narrow` and `cat`, so any dtype
 * and its gradient (rolled back) come with them.
 * @example
 * ```ts
 * import { roll, tensor } from '@tensile/tensor';
 * roll(tensor([1, 2, 3, 4]), 1); // tensor([4., 1., 2., 3.])
 * ```
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  expectTensor('roll', 'input', x);
  const s = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(s) || s.some((v) => !Number.isInteger(v))) throw new TypeError(`roll: shifts must be an integer or an array of integers, got ${describeValue(shifts)}`);
  if (dims === undefined || dims === null || (Array.isArray(dims) && dims.length === 0)) {
    if (s.length !== 1) throw new RangeError(`roll: shifts and dimensions must align. shifts: ${s.length}, dims:0`);
    return reshape(roll(reshape(x, [-1]), s, [0]), x.shape);
  }
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (s.length !== ds.length) throw new RangeError(`roll: shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  let out = x;
  ds.forEach((dim, i) => {
    const d = normDim('roll', dim, x.ndim);
    const n = x.shape[d] ?? 1;
    if (x.ndim === 0 || n === 0) return;
    const k = ((s[i]! % n) + n) % n;
    if (k !== 0) out = cat([narrow(out, d, n - k, k), narrow(out, d, 0, n - k)], d);
  });
  return out === x ? clone(x) : out;
}

/**
 * The tensor tiled `sizes[i]` times along each dim (PyTorch's `repeat`; leading sizes add
 * dims). A copy, any dtype; the gradient sums the tiles (an `expand` underneath).
 * @example
 * ```ts
 * import { repeat, tensor } from '@tensile/tensor';
 * repeat(tensor([1, 2]), 2, 1); // tensor([[1., 2.], [1., 2.]])
 * ```
 */
export function repeat(x: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  expectTensor('repeat', 'input', x);
  const r = shapeArgs(sizes);
  if (r.some((v) => !Number.isInteger(v))) throw new TypeError(`repeat: sizes must be integers, got ${fmt(r)}`);
  if (r.length < x.ndim) throw new RangeError(`repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (sizes ${fmt(r)} for shape ${fmt(x.shape)})`);
  const shape = [...new Array<number>(r.length - x.ndim).fill(1), ...x.shape];
  const target = r.map((v, i) => v * shape[i]!);
  if (r.some((v) => v < 0)) throw new RangeError(`repeat: Trying to create tensor with negative dimension ${Math.min(...target)}: ${fmt(target)}`);
  // [s0, s1, ...] as [1, s0, 1, s1, ...], expanded to [r0, s0, r1, s1, ...], then merged pairwise.
  const inter = shape.flatMap((d) => [1, d]);
  const wide = r.flatMap((v, i) => [v, shape[i]!]);
  return reshape(contiguous(expand(reshape(x, inter), wide)), target);
}

/**
 * Pieces of `splitSizeOrSections` elements along `dim` (the last one smaller when it does not
 * divide), or pieces of the listed sizes, which must add up to the dim's size. Views, as
 * PyTorch's `split`; each piece's gradient flows back to its place.
 * @example
 * ```ts
 * import { arange, split } from '@tensile/tensor';
 * split(arange(5), 2).map((p) => p.shape); // [[2], [2], [1]]
 * const [a, b] = arange(5).split([1, 4]); // a: tensor([0]), b: tensor([1, 2, 3, 4])
 * ```
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  expectTensor('split', 'input', x);
  if (x.ndim === 0) throw new RangeError('split: split expects at least a 1-dimensional tensor');
  const d = normDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s)) throw new TypeError(`split: split_size must be an integer, got ${describe(s)}`);
    if (s < 0) throw new RangeError(`split: split expects split_size be non-negative, but got split_size=${s}`);
    if (s === 0 && size !== 0) throw new RangeError(`split: split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    const n = s === 0 ? 1 : Math.max(Math.ceil(size / s), 1);
    return Array.from({ length: n }, (_, i) => narrow(x, d, i * s, Math.min(s, size - i * s)));
  }
  if (!Array.isArray(splitSizeOrSections) || splitSizeOrSections.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new TypeError(`split: split_size_or_sections must be a non-negative integer or an array of them, got ${describe(splitSizeOrSections)}`);
  }
  const sizes = splitSizeOrSections;
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== size) {
    throw new RangeError(`split: split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${fmt(sizes)}`);
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(x, d, start, len);
    start += len;
    return piece;
  });
}

/**
 * `chunks` pieces along `dim` of `ceil(size / chunks)` elements each (fewer pieces when they
 * run out, as PyTorch's `chunk`). Views.
 * @example
 * ```ts
 * import { arange, chunk } from '@tensile/tensor';
 * const [q, k, v] = chunk(arange(6).reshape(2, 3), 3, 1); // each of shape [2, 1]
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  expectTensor('chunk', 'input', x);
  if (x.ndim === 0) throw new RangeError('chunk: chunk expects at least a 1-dimensional tensor');
  if (!Number.isInteger(chunks)) throw new TypeError(`chunk: chunks must be an integer, got ${describe(chunks)}`);
  if (chunks <= 0) throw new RangeError(`chunk: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  const each = Math.ceil(size / chunks);
  if (each === 0) return Array.from({ length: chunks }, () => narrow(x, d, 0, 0));
  return split(x, each, d);
}

/**
 * The slices along `dim`, that dim removed (PyTorch's `unbind`; views).
 * @example
 * ```ts
 * import { tensor, unbind } from '@tensile/tensor';
 * const [row0, row1] = unbind(tensor([[1, 2], [3, 4]])); // tensor([1., 2.]), tensor([3., 4.])
 * ```
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  expectTensor('unbind', 'input', x);
  if (x.ndim === 0) throw new RangeError('unbind: Dimension specified as 0 but tensor has no dimensions');
  const d = normDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

/** Options of {@link repeatInterleave}. */
export interface RepeatInterleaveOptions {
  /** The output's size along `dim`, if known (PyTorch checks it against the repeats' sum). */
  outputSize?: number;
}

/**
 * Each element (each slice along `dim`) repeated `repeats` times in place: `[1, 2]` with 2
 * gives `[1, 1, 2, 2]` (PyTorch's `repeat_interleave`). `repeats` is a number or one count per
 * slice (an integer tensor or a `number[]`); without `dim` the input is flattened first. An
 * `indexSelect` underneath, so any dtype and the gradient (summed over the copies) come with it.
 * @example
 * ```ts
 * import { repeatInterleave, tensor } from '@tensile/tensor';
 * repeatInterleave(tensor([1, 2]), 2); // tensor([1., 1., 2., 2.])
 * tensor([[1, 2], [3, 4]]).repeatInterleave([1, 2], 0); // tensor([[1., 2.], [3., 4.], [3., 4.]])
 * ```
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor | readonly number[], dim?: number | null, options: RepeatInterleaveOptions = {}): Tensor {
  expectTensor('repeatInterleave', 'input', x);
  const { outputSize } = checkOptions('repeatInterleave', options, ['outputSize']);
  if (dim === undefined || dim === null) return repeatInterleave(reshape(x, [-1]), repeats, 0, options);
  const d = normDim('repeatInterleave', dim, Math.max(x.ndim, 1));
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  let counts: number[];
  if (typeof repeats === 'number') {
    if (!Number.isInteger(repeats)) throw new TypeError(`repeatInterleave: repeats must be an integer, got ${describe(repeats)}`);
    counts = new Array<number>(n).fill(repeats);
  } else {
    const r = repeats instanceof Tensor ? repeats : tensor(repeats as number[], { dtype: int64 });
    if (r.ndim > 1) throw new RangeError(`repeatInterleave: repeats must be 0-dim or 1-dim tensor, got shape ${fmt(r.shape)}`);
    const vals = Array.from(indexValues('repeatInterleave', 'repeats', r));
    if (vals.some((v) => !Number.isInteger(v))) throw new TypeError(`repeatInterleave: repeats must hold integers, got ${fmt(vals)}`);
    if (vals.length === 1) counts = new Array<number>(n).fill(vals[0]!);
    else if (vals.length === n) counts = vals;
    else throw new RangeError(`repeatInterleave: repeats must have the same size as input along dim, but got repeats.size(0) = ${vals.length} and input.size(${d}) = ${n}`);
  }
  if (counts.some((c) => c < 0)) throw new RangeError(`repeatInterleave: repeats can not be negative, got ${fmt(counts)}`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (outputSize !== undefined && outputSize !== total) throw new RangeError(`repeatInterleave: allocated size does not match required size (outputSize ${outputSize}, repeats sum to ${total})`);
  const idx: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) idx.push(i); });
  return indexSelect(x.ndim === 0 ? reshape(x, [1]) : x, d, Int32Array.from(idx));
}

/**
 * @internal A view of x with the given geometry over x's storage, recorded: its gradient is
 * `g` written into zeros of x's shape at `gradOffset` with `gradStrides` (the same geometry
 * over a contiguous tensor of x's shape). The one backward of every basic-indexing view.
 */
export function stridedView(x: Tensor, shape: Shape, strides: Shape, offset: number, gradStrides: Shape, gradOffset: number): Tensor {
  const out = viewOf(x, shape, strides, offset);
  return record('index', out, [x], (g) => {
    const z = empty(x.shape, g.dtype);
    writeInto(g, new Tensor(z.storage, shape, gradStrides, gradOffset), gradOffset);
    return [z];
  });
}
