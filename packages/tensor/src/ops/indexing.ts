import { record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { bool, type StorageArray } from '../dtype.js';
import { broadcastShapes, contiguousStrides, fmt, numel, type Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { add, mul, sumToShape } from './binary.js';
import { clone, contiguous, expand, indexArg, indexValues, readIndex, scatterFlat, stridedView, takeFlat, toDType, type IndexArg } from './movement.js';
import { checkOptions } from '../options.js';
import { describe, expectTensor, scalar, toTensor, wrap } from './util.js';
import { inplaceWith } from './inplace.js';

/**
 * Python's subscripts for tensors: `x.at(...)` reads `x[...]`, `x.setAt(index, value)` writes
 * `x[index] = value`, with PyTorch's semantics.
 *
 * Items, one per indexed dim (or several in one comma-separated string):
 * - a number: that position, the dim removed (negative counts from the end): `x[0]` is `x.at(0)`
 * - a slice string `'start:stop:step'`, parts optional: `x[:, -3:]` is `x.at(':, -3:')`
 * - `'...'`: as many full slices as needed; `null` (or `'None'`): a new dim of size 1
 * - a bool tensor: a mask over as many dims as it has; `x[mask]` is `x.at(mask)`
 * - an integer tensor or a `number[]`: positions along the dim (PyTorch's advanced indexing:
 *   index tensors broadcast together; their dims go where they stand when they are adjacent,
 *   first otherwise)
 *
 * Only numbers, slices, `'...'` and `null` give a view of `x` (as in PyTorch); masks and index
 * tensors give a copy. Gradients flow to `x` either way.
 */
export type IndexItem = number | string | null | Tensor | readonly number[];

interface Geometry { shape: number[]; strides: number[]; offset: number }
interface Advanced { dim: number; index: Int32Array[]; shape: number[] }

type Token = { kind: 'int'; v: number } | { kind: 'slice'; start: number | null; stop: number | null; step: number } | { kind: 'ellipsis' } | { kind: 'new' } | { kind: 'tensor'; t: Tensor };

const INT = /^[+-]?\d+$/;

function parseToken(op: string, s: string): Token {
  const t = s.trim();
  if (t === '...') return { kind: 'ellipsis' };
  if (t === 'None') return { kind: 'new' };
  if (INT.test(t)) return { kind: 'int', v: Number(t) };
  const parts = t.split(':');
  if (parts.length < 2 || parts.length > 3) throw new SyntaxError(`${op}: cannot read index '${s}' (numbers, 'start:stop:step' slices, '...' and 'None' are understood)`);
  const part = (p: string | undefined, what: string): number | null => {
    const q = (p ?? '').trim();
    if (q === '') return null;
    if (!INT.test(q)) throw new SyntaxError(`${op}: slice ${what} '${q}' in '${s}' is not an integer`);
    return Number(q);
  };
  const step = part(parts[2], 'step') ?? 1;
  if (step <= 0) throw new RangeError(`${op}: step must be greater than zero, got ${step} in '${s}'`);
  return { kind: 'slice', start: part(parts[0], 'start'), stop: part(parts[1], 'stop'), step };
}

function tokens(op: string, items: readonly IndexItem[]): Token[] {
  const out: Token[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new TypeError(`${op}: index ${item} is not an integer`);
      out.push({ kind: 'int', v: item });
    } else if (typeof item === 'string') for (const s of item.split(',')) out.push(parseToken(op, s));
    else if (item === null) out.push({ kind: 'new' });
    else if (item instanceof Tensor) out.push({ kind: 'tensor', t: item });
    else if (Array.isArray(item)) out.push({ kind: 'tensor', t: indexArg(op, item) });
    else throw new TypeError(`${op}: an index must be a number, a slice string, null, a Tensor or a number[], got ${describe(item)}`);
  }
  return out;
}

/** Python's slice bounds, clamped as a slice clamps them (never an error). */
function sliceRange(start: number | null, stop: number | null, step: number, size: number): [number, number] {
  const norm = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const a = norm(start, 0), b = norm(stop, size);
  return [a, b <= a ? 0 : Math.ceil((b - a) / step)];
}

/**
 * Applies the basic items (numbers, slices, '...', None) to a geometry, and collects the
 * advanced ones (index tensors, masks) with the dim of the result they index.
 */
function walk(op: string, x: Tensor, toks: readonly Token[], geo: Geometry): { geo: Geometry; advanced: { dim: number; t: Tensor }[] } {
  const consumed = toks.reduce((n, t) => n + (t.kind === 'int' || t.kind === 'slice' ? 1 : t.kind === 'tensor' ? (t.t.dtype === bool ? Math.max(t.t.ndim, 1) : 1) : 0), 0);
  const ellipses = toks.filter((t) => t.kind === 'ellipsis').length;
  if (ellipses > 1) throw new SyntaxError(`${op}: an index can only have a single ellipsis ('...')`);
  if (consumed > x.ndim) throw new RangeError(`${op}: too many indices for tensor of dimension ${x.ndim}`);
  const shape: number[] = [], strides: number[] = [];
  let offset = geo.offset, src = 0;
  const advanced: { dim: number; t: Tensor }[] = [];
  for (const tok of toks) {
    if (tok.kind === 'ellipsis') {
      for (let k = 0; k < x.ndim - consumed; k++, src++) { shape.push(geo.shape[src]!); strides.push(geo.strides[src]!); }
    } else if (tok.kind === 'new') {
      shape.push(1); strides.push(0);
    } else if (tok.kind === 'int') {
      const size = geo.shape[src]!;
      if (tok.v < -size || tok.v >= size) throw new RangeError(`${op}: index ${tok.v} is out of bounds for dimension ${src} with size ${size}`);
      offset += (tok.v < 0 ? tok.v + size : tok.v) * geo.strides[src]!;
      src++;
    } else if (tok.kind === 'slice') {
      const [a, n] = sliceRange(tok.start, tok.stop, tok.step, geo.shape[src]!);
      offset += a * geo.strides[src]!;
      shape.push(n); strides.push(geo.strides[src]! * tok.step);
      src++;
    } else {
      const k = tok.t.dtype === bool ? Math.max(tok.t.ndim, 1) : 1;
      advanced.push({ dim: shape.length, t: tok.t });
      for (let j = 0; j < k; j++, src++) { shape.push(geo.shape[src]!); strides.push(geo.strides[src]!); }
    }
  }
  for (; src < x.ndim; src++) { shape.push(geo.shape[src]!); strides.push(geo.strides[src]!); }
  return { geo: { shape, strides, offset }, advanced };
}

/**
 * The advanced part: each mask becomes one int index per dim it covers (its nonzero
 * positions), each index tensor is range-checked and wrapped; all broadcast together. Returns
 * the flat positions (in the contiguous layout `geo` describes) of the result's elements and
 * the result's shape.
 */
function advancedPositions(op: string, geo: Geometry, adv: readonly { dim: number; t: Tensor }[]): { positions: Int32Array; shape: number[] } {
  const dims: number[] = [];
  const idx: { shape: number[]; data: Float64Array }[] = [];
  for (const { dim, t } of adv) {
    if (t.dtype === bool) {
      const k = Math.max(t.ndim, 1);
      const m = t.ndim === 0 ? t.reshape(1) : t;
      for (let j = 0; j < k; j++) {
        if (m.shape[j] !== geo.shape[dim + j]) {
          throw new ShapeError(`${op}: The shape of the mask ${fmt(m.shape)} at index ${j} does not match the shape of the indexed tensor ${fmt(geo.shape.slice(dim, dim + k))} at index ${j}`);
        }
      }
      const raw = m.toTypedArray() as Uint8Array;
      const ms = contiguousStrides(m.shape);
      const hits: number[] = [];
      raw.forEach((v, i) => { if (v) hits.push(i); });
      for (let j = 0; j < k; j++) {
        dims.push(dim + j);
        idx.push({ shape: [hits.length], data: Float64Array.from(hits, (h) => Math.floor(h / ms[j]!) % m.shape[j]!) });
      }
    } else {
      if (t.dtype.isFloatingPoint && t.dtype.name !== 'float32') throw new TypeError(`${op}: tensors used as indices must be long, int, byte or bool tensors, got ${t.dtype.name}`);
      const size = geo.shape[dim]!;
      const v = indexValues(op, 'index', t);
      for (const w of v) {
        if (!Number.isInteger(w)) throw new TypeError(`${op}: index ${w} is not an integer (index tensors hold integers: use int64)`);
        if (w < -size || w >= size) throw new RangeError(`${op}: index ${w} is out of bounds for dimension ${dim} with size ${size}`);
      }
      dims.push(dim);
      idx.push({ shape: [...t.shape], data: v.map((w) => (w < 0 ? w + size : w)) });
    }
  }
  const bshape = idx.reduce<number[]>((s, i) => broadcastShapes(op, s, i.shape), []);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  const rest = geo.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const first = dims[0]!;
  // the result's dims: [before, B, after] when the indexed dims are adjacent, else [B, rest]
  const before = adjacent ? rest.filter((d) => d < first) : [];
  const after = adjacent ? rest.filter((d) => d > first) : rest;
  const shape = [...before.map((d) => geo.shape[d]!), ...bshape, ...after.map((d) => geo.shape[d]!)];
  const total = numel(shape);
  const positions = new Int32Array(total);
  const bstr = idx.map((i) => {
    const s = contiguousStrides(i.shape);
    const off = bshape.length - i.shape.length;
    return bshape.map((_, d) => (d < off || i.shape[d - off] === 1 ? 0 : s[d - off]!));
  });
  const coord = new Array<number>(shape.length).fill(0);
  for (let e = 0; e < total; e++) {
    let p = geo.offset;
    before.forEach((d, j) => { p += coord[j]! * geo.strides[d]!; });
    after.forEach((d, j) => { p += coord[before.length + bshape.length + j]! * geo.strides[d]!; });
    idx.forEach((ix, a) => {
      let f = 0;
      for (let j = 0; j < bshape.length; j++) f += coord[before.length + j]! * bstr[a]![j]!;
      p += ix.data[f]! * geo.strides[dims[a]!]!;
    });
    positions[e] = p;
    for (let j = shape.length - 1; j >= 0; j--) {
      if (++coord[j]! < shape[j]!) break;
      coord[j] = 0;
    }
  }
  return { positions, shape };
}

/** The flat positions (in x's contiguous layout) and shape of `x[items]`. */
function resolve(op: string, x: Tensor, items: readonly IndexItem[]): { positions: Int32Array; shape: number[] } {
  const { geo, advanced } = walk(op, x, tokens(op, items), { shape: [...x.shape], strides: contiguousStrides(x.shape), offset: 0 });
  if (advanced.length > 0) return advancedPositions(op, geo, advanced);
  const positions = new Int32Array(numel(geo.shape));
  const coord = new Array<number>(geo.shape.length).fill(0);
  for (let e = 0; e < positions.length; e++) {
    let p = geo.offset;
    for (let j = 0; j < coord.length; j++) p += coord[j]! * geo.strides[j]!;
    positions[e] = p;
    for (let j = coord.length - 1; j >= 0; j--) {
      if (++coord[j]! < geo.shape[j]!) break;
      coord[j] = 0;
    }
  }
  return { positions, shape: geo.shape };
}

/**
 * Python's `x[...]`: see {@link IndexItem}. Numbers, slices, `'...'` and `null` give a view;
 * masks and index tensors a copy.
 * @example
 * ```ts
 * import { arange, tensor } from '@tensile/tensor';
 * const x = arange(12).reshape(3, 4);
 * x.at(0);                       // x[0]        -> tensor([0, 1, 2, 3])
 * x.at(':, -2:');                // x[:, -2:]   -> shape [3, 2], a view
 * x.at('...', 0);                // x[..., 0]   -> tensor([0, 4, 8])
 * x.at('::2', null).shape;       // x[::2, None] -> [2, 1, 4]
 * x.at(x.gt(9));                 // x[x > 9]    -> tensor([10, 11])
 * x.at(':', tensor([3, 0], { dtype: 'int64' })); // x[:, [3, 0]]
 * ```
 */
export function at(x: Tensor, ...items: IndexItem[]): Tensor {
  expectTensor('at', 'input', x);
  const toks = tokens('at', items);
  if (toks.every((t) => t.kind !== 'tensor')) {
    const real = walk('at', x, toks, { shape: [...x.shape], strides: [...x.strides], offset: x.offset }).geo;
    const grad = walk('at', x, toks, { shape: [...x.shape], strides: contiguousStrides(x.shape), offset: 0 }).geo;
    return stridedView(x, real.shape, real.strides, real.offset, grad.strides, grad.offset);
  }
  const { positions, shape } = resolve('at', x, items);
  return takeFlat(x, positions, shape, 'index');
}

/**
 * `x` with `values` (broadcast to the indexed shape) written at `positions` (flat, in x's
 * contiguous layout), or added there with `accumulate` (repeated positions add up; without
 * it, the last write wins, where PyTorch leaves the order unspecified). Out of place; gradients
 * flow to both `x` (zero where overwritten) and `values`.
 */
function putFlat(op: string, x: Tensor, positions: Int32Array, shape: Shape, values: Tensor, accumulate: boolean): Tensor {
  if (accumulate) return accumulateFlat(op, x, positions, expand(values, shape));
  const v = contiguous(expand(values.dtype === x.dtype ? values : toDType(values, x.dtype), shape));
  const out = clone(x).detach();
  const [src, so] = v._contiguousAny() as [StorageArray, number];
  const dst = out.storage.data as StorageArray as Float64Array;
  for (let i = 0; i < positions.length; i++) dst[positions[i]!] = src[so + i] as number;
  const keep = new Uint8Array(numel(x.shape)).fill(1);
  for (const p of positions) keep[p] = 0;
  return record(op, out, [x, values], (g) => [
    mul(g, wrap(keep, x.shape, bool)),
    sumToShape(takeFlat(g, positions, shape, op), values.shape),
  ]);
}

/**
 * `x` with `values[i]` (in x's dtype, times `alpha`) added at flat `positions[i]`, one after
 * another in index order, each sum rounded to x's dtype: PyTorch's CPU order for
 * `index_put_(accumulate=True)`, `scatter_add` and `index_add`, so repeated positions round as
 * PyTorch's do. Gradients: `g` to x, `g` gathered at the positions (times alpha) to values.
 */
function accumulateFlat(op: string, x: Tensor, positions: Int32Array, values: Tensor, alpha = 1): Tensor {
  const v = contiguous(values.dtype === x.dtype ? values : toDType(values, x.dtype));
  const out = clone(x).detach();
  const [src, so] = v._contiguousAny() as [StorageArray, number];
  const dst = out.storage.data;
  const dt = x.dtype.name;
  if (dst instanceof BigInt64Array) {
    const a = BigInt(alpha);
    for (let i = 0; i < positions.length; i++) dst[positions[i]!] = BigInt.asIntN(64, dst[positions[i]!]! + a * (src[so + i] as bigint));
  } else if (dt === 'float32' || dt === 'float64') {
    const d = dst as Float32Array | Float64Array, s = src as Float32Array | Float64Array;
    const r = dt === 'float32' ? Math.fround : (y: number): number => y;
    for (let i = 0; i < positions.length; i++) d[positions[i]!] = r(d[positions[i]!]! + (alpha === 1 ? s[so + i]! : r(alpha * s[so + i]!)));
  } else if (x.dtype.isFloatingPoint) x._f32(op);
  else {
    // int32, int16, int8, uint8 and bool: the typed array wraps (bool: any nonzero is true)
    const d = dst as Int32Array, s = src as Int32Array;
    for (let i = 0; i < positions.length; i++) d[positions[i]!] = dt === 'bool' ? (d[positions[i]!]! || s[so + i]! ? 1 : 0) : d[positions[i]!]! + alpha * s[so + i]!;
  }
  return record(op, out, [x, values], (g) => {
    const back = takeFlat(g, positions, v.shape, op);
    return [g, sumToShape(alpha === 1 ? back : mul(back, alpha), values.shape)];
  });
}

/**
 * Python's `x[index] = value`, in place: `index` one {@link IndexItem} or an array of them;
 * `value` a number or a tensor broadcast to the indexed shape (cast to x's dtype, as PyTorch's
 * assignment does). Returns x. Recorded under grad mode like any in-place op.
 * @example
 * ```ts
 * import { zeros, tensor } from '@tensile/tensor';
 * const x = zeros(3, 4);
 * x.setAt(':, -1', 1);                    // x[:, -1] = 1
 * x.setAt(x.lt(0.5), tensor(2));          // x[x < 0.5] = 2
 * x.setAt([0, tensor([1, 2], { dtype: 'int64' })], 5); // x[0, [1, 2]] = 5
 * ```
 */
export function setAt<T extends Tensor>(x: T, index: IndexItem | readonly IndexItem[], value: TensorLike | boolean): T {
  expectTensor('setAt', 'self', x);
  const items = Array.isArray(index) && !index.every((i) => typeof i === 'number') ? (index as readonly IndexItem[]) : [index as IndexItem];
  const { positions, shape } = resolve('setAt', x, items);
  let v = typeof value === 'boolean' ? wrap(Uint8Array.of(value ? 1 : 0), [], bool) : toTensor('setAt', 'value', value);
  // Leading size-1 dims of the value are dropped first, as PyTorch's assignment does (x[1] = t[None]).
  let lead = 0;
  while (v.ndim - lead > shape.length && v.shape[lead] === 1) lead++;
  if (lead > 0) v = v.reshape(v.shape.slice(lead));
  const fits = v.ndim <= shape.length && v.shape.every((d, i) => d === 1 || d === shape[shape.length - v.ndim + i]);
  if (!fits) {
    throw new ShapeError(`setAt: shape mismatch: value tensor of shape ${fmt(v.shape)} cannot be broadcast to indexing result of shape ${fmt(shape)}`);
  }
  inplaceWith(x, 'setAt', [v], (old, [w]) => putFlat('setAt', old, positions, shape, w!, false));
  return x;
}

/**
 * PyTorch's `index_put_`: `x[indices[0], indices[1], ...] = values` (or `+=` with `accumulate`,
 * repeated positions adding up), `indices` integer or bool tensors (`null` for a whole dim),
 * `values` a tensor of x's dtype. In place; returns x.
 * @example
 * ```ts
 * import { tensor, zeros } from '@tensile/tensor';
 * const x = zeros(4);
 * x.indexPut_([tensor([0, 0, 2], { dtype: 'int64' })], tensor([1, 1, 5])); // tensor([2., 0., 5., 0.])
 * ```
 */
export function indexPut_<T extends Tensor>(x: T, indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): T {
  expectTensor('indexPut_', 'self', x);
  expectTensor('indexPut_', 'values', values);
  if (!Array.isArray(indices)) throw new TypeError(`indexPut_: indices must be an array of tensors, got ${describe(indices)}`);
  if (values.dtype !== x.dtype) {
    throw new TypeError(`indexPut_: Index put requires the source and destination dtypes match, got ${x.dtype.cName} for the destination and ${values.dtype.cName} for the source.`);
  }
  const items = indices.map((t) => (t === null ? ':' : expectTensor('indexPut_', 'indices', t)));
  const { positions, shape } = resolve('indexPut_', x, items);
  broadcastShapes('indexPut_', shape, values.shape);
  inplaceWith(x, 'indexPut_', [values], (old, [w]) => putFlat('indexPut_', old, positions, shape, w!, accumulate));
  return x;
}

// ---- scatter / gather family -------------------------------------------------------------

/**
 * Flat positions for `scatter`-like ops: for each element of `index` (same rank as `x`), its
 * place in x (contiguous layout; the index's value replaces the coordinate along `d`) and its
 * place in `src` (same coordinate, src's contiguous layout).
 */
function scatterPositions(op: string, x: Tensor, d: number, index: Tensor, srcShape: Shape | null): { target: Int32Array; source: Int32Array } {
  if (index.ndim !== Math.max(x.ndim, 1) && !(x.ndim === 0 && index.ndim <= 1)) throw new ShapeError(`${op}: Index tensor must have the same number of dimensions as self tensor (index ${fmt(index.shape)}, self ${fmt(x.shape)})`);
  for (let i = 0; i < index.ndim; i++) {
    if (i !== d && index.shape[i]! > (x.shape[i] ?? 1)) throw new ShapeError(`${op}: Expected index ${fmt(index.shape)} to be smaller than self ${fmt(x.shape)} apart from dimension ${d}`);
    if (srcShape && index.shape[i]! > (srcShape[i] ?? 1)) throw new ShapeError(`${op}: Expected index ${fmt(index.shape)} to be smaller than src ${fmt(srcShape)}`);
  }
  const k = readIndex(op, index, x.shape[d] ?? 1, d);
  const xs = contiguousStrides(x.shape), ss = srcShape ? contiguousStrides(srcShape) : [];
  const ish = index.shape;
  const target = new Int32Array(k.length), source = new Int32Array(k.length);
  const pos = new Array<number>(ish.length).fill(0);
  for (let i = 0; i < k.length; i++) {
    let t = 0, s = 0;
    for (let j = 0; j < ish.length; j++) {
      t += (j === d ? k[i]! : pos[j]!) * (xs[j] ?? 0);
      s += pos[j]! * (ss[j] ?? 0);
    }
    target[i] = t; source[i] = s;
    for (let j = ish.length - 1; j >= 0; j--) {
      if (++pos[j]! < ish[j]!) break;
      pos[j] = 0;
    }
  }
  return { target, source };
}

/** `scatter`'s and `scatterAdd`'s options. */
export interface ScatterOptions {
  /** `'add'` or `'multiply'`: combine instead of replacing (no gradient, as PyTorch's). */
  reduce?: 'add' | 'multiply';
}

function normDimOf(op: string, x: Tensor, dim: number): number {
  const n = Math.max(x.ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) throw new RangeError(`${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
}

/**
 * `x` with `src`'s elements (or one number) written where `index` points along `dim`:
 * `out[i][index[i][j]] = src[i][j]` for dim 1 (PyTorch's `scatter`). Out of place; the
 * gradient flows to x (zero where written) and to src (gathered back).
 * @example
 * ```ts
 * import { scatter, tensor, zeros } from '@tensile/tensor';
 * scatter(zeros(2, 3), 1, tensor([[2], [0]], { dtype: 'int64' }), 1); // tensor([[0., 0., 1.], [1., 0., 0.]])
 * ```
 */
export function scatter(x: Tensor, dim: number, indexLike: IndexArg, src: Tensor | number, options: ScatterOptions = {}): Tensor {
  expectTensor('scatter', 'input', x);
  const { reduce } = checkOptions('scatter', options, ['reduce']);
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') throw new RangeError(`scatter: reduce argument must be either add or multiply, got ${String(reduce)}`);
  const index = indexArg('scatter', indexLike);
  const d = normDimOf('scatter', x, dim);
  const s = typeof src === 'number' ? src : expectTensor('scatter', 'src', src);
  const { target, source } = scatterPositions('scatter', x, d, index, s instanceof Tensor ? s.shape : null);
  const vals = s instanceof Tensor ? takeFlat(s.dtype === x.dtype ? s : toDType(s, x.dtype), source, [target.length], 'scatter') : expand(scalar(s as number, x.dtype), [target.length]);
  if (reduce === 'add') return accumulateFlat('scatter', x, target, vals).detach();
  if (reduce === 'multiply') {
    const out = clone(x).detach();
    const dst = out.storage.data as Float64Array, v = contiguous(vals).toTypedArray() as Float64Array;
    target.forEach((t, i) => { dst[t] = dst[t]! * v[i]!; });
    return out;
  }
  return putFlat('scatter', x, target, [target.length], vals, false);
}

/**
 * `x` plus `src`'s elements added where `index` points along `dim` (PyTorch's `scatter_add`;
 * repeated positions add up). Out of place; the gradient flows to x and to src.
 * @example
 * ```ts
 * import { scatterAdd, tensor, zeros } from '@tensile/tensor';
 * scatterAdd(zeros(3), 0, tensor([0, 0, 2], { dtype: 'int64' }), tensor([1, 2, 3])); // tensor([3., 0., 3.])
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, indexLike: IndexArg, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'input', x);
  expectTensor('scatterAdd', 'src', src);
  const index = indexArg('scatterAdd', indexLike);
  const d = normDimOf('scatterAdd', x, dim);
  const { target, source } = scatterPositions('scatterAdd', x, d, index, src.shape);
  return accumulateFlat('scatterAdd', x, target, takeFlat(src, source, [target.length], 'scatterAdd'));
}

/** `indexAdd`'s options. */
export interface IndexAddOptions {
  /** The multiplier of `source` (default 1). */
  alpha?: number;
}

/**
 * `x` plus `alpha * source` added at the positions `index` (1-d) names along `dim`
 * (PyTorch's `index_add`; repeated positions add up). Out of place; the gradient flows to x
 * and to source.
 * @example
 * ```ts
 * import { indexAdd, ones, tensor, zeros } from '@tensile/tensor';
 * indexAdd(zeros(3, 2), 0, tensor([0, 2], { dtype: 'int64' }), ones(2, 2)); // rows 0 and 2 are ones
 * ```
 */
export function indexAdd(x: Tensor, dim: number, indexLike: IndexArg, source: Tensor, options: IndexAddOptions = {}): Tensor {
  expectTensor('indexAdd', 'input', x);
  expectTensor('indexAdd', 'source', source);
  const { alpha = 1 } = checkOptions('indexAdd', options, ['alpha']);
  if (typeof alpha !== 'number') throw new TypeError(`indexAdd: alpha must be a number, got ${describe(alpha)}`);
  const index = indexArg('indexAdd', indexLike);
  if (index.ndim > 1) throw new ShapeError(`indexAdd: Index is supposed to be a vector, got shape ${fmt(index.shape)}`);
  const d = normDimOf('indexAdd', x, dim);
  const k = readIndex('indexAdd', index, x.shape[d] ?? 1, d);
  const want = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? k.length : s));
  if (source.ndim !== x.ndim || source.shape.some((s, i) => s !== want[i])) {
    throw new ShapeError(`indexAdd: source ${fmt(source.shape)} must have the shape of self ${fmt(x.shape)} with dim ${d} of the index's length ${k.length}`);
  }
  const xs = contiguousStrides(x.shape);
  const pre = numel(x.shape.slice(0, d)), post = numel(x.shape.slice(d + 1));
  const target = new Int32Array(pre * k.length * post);
  let i = 0;
  for (let p = 0; p < pre; p++) for (const kk of k) for (let q = 0; q < post; q++) target[i++] = p * (xs[d - 1] ?? 0) + kk * (xs[d] ?? 1) + q;
  return accumulateFlat('indexAdd', x, target, source, alpha);
}

/**
 * In-place `scatter` (`x.scatter_(dim, index, src)`); returns x.
 *
 * @example
 * ```ts
 * import { scatter_, zeros, tensor, int64 } from '@tensile/tensor';
 * const x = zeros([2, 3]);
 * scatter_(x, 1, tensor([[2], [0]], { dtype: int64 }), 1).tolist(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function scatter_<T extends Tensor>(x: T, dim: number, index: IndexArg, src: Tensor | number, options: ScatterOptions = {}): T {
  inplaceWith(x, 'scatter_', src instanceof Tensor ? [src] : [], (old, [w]) => scatter(old, dim, index, w ?? src, options));
  return x;
}
/**
 * In-place `scatterAdd` (`x.scatterAdd_(dim, index, src)`); returns x.
 *
 * @example
 * ```ts
 * import { scatterAdd_, zeros, tensor, int64 } from '@tensile/tensor';
 * const counts = zeros([3]);
 * scatterAdd_(counts, 0, tensor([0, 2, 2], { dtype: int64 }), tensor([1, 1, 1])).tolist(); // [1, 0, 2]
 * ```
 */
export function scatterAdd_<T extends Tensor>(x: T, dim: number, index: IndexArg, src: Tensor): T {
  inplaceWith(x, 'scatterAdd_', [src], (old, [w]) => scatterAdd(old, dim, index, w!));
  return x;
}
/**
 * In-place `indexAdd` (`x.indexAdd_(dim, index, source, { alpha })`); returns x.
 *
 * @example
 * ```ts
 * import { indexAdd_, ones, tensor, int64 } from '@tensile/tensor';
 * const x = ones([3, 2]);
 * indexAdd_(x, 0, tensor([2, 0], { dtype: int64 }), tensor([[1, 2], [3, 4]]), { alpha: 10 }).tolist(); // [[31, 41], [1, 1], [11, 21]]
 * ```
 */
export function indexAdd_<T extends Tensor>(x: T, dim: number, index: IndexArg, source: Tensor, options: IndexAddOptions = {}): T {
  inplaceWith(x, 'indexAdd_', [source], (old, [w]) => indexAdd(old, dim, index, w!, options));
  return x;
}

