import { bool as boolParam, callArgs, num, type Positional } from '../call-forms.js';
import { bool, int64, type StorageArray } from '../dtype.js';
import { contiguousStrides, fmt, normDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { takeFlat } from './movement.js';
import { valuesIndices, type ValuesIndices } from './reduce.js';
import { stdSort } from './std-sort.js';
import { expectTensor, wrap } from './util.js';

/**
 * Sorting and order statistics along one dim: `sort`, `argsort`, `topk`, `kthvalue`, `median`,
 * `mode`. Each finds, per slice, the order of the elements' positions; the values are then a
 * `takeFlat` of the input at those positions, so every dtype and the gradient (scattered back to
 * where each value came from) come with it. Indices are int64, as PyTorch's.
 *
 * Order: NaN is greater than everything (last ascending, first descending), as PyTorch's CPU
 * sort; ties keep their input order (PyTorch's `stable=True`, which its CPU kernel also gives
 * without the flag).
 */

/** A slice's values as a comparable array: numbers, or bigints for int64. */
type Values = ArrayLike<number | bigint | boolean>;

/**
 * Ascending order with NaN greater than everything. Ties compare equal: `Array.prototype.sort`
 * is stable (ES2019), so they keep their input order.
 */
function compareAsc(v: Values): (a: number, b: number) => number {
  return (a, b) => {
    const x = v[a]!, y = v[b]!;
    const xn = Number.isNaN(x), yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * For each slice of `x` along `d`: `pick(values, positions)` chooses positions (within the slice)
 * given the slice's values and its positions `0..n-1` in a fresh array it may reorder; returns
 * the chosen flat positions (row-major over x's shape with dim `d` of length `k`) and the chosen
 * in-slice indices.
 */
function orderSlices(x: Tensor, d: number, k: number, pick: (values: Values, positions: number[]) => readonly number[]): { flat: Int32Array; idx: Float64Array } {
  const [data, off] = x._contiguousAny() as [StorageArray, number];
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const inner = x.ndim === 0 ? 1 : contiguousStrides(x.shape)[d]!;
  const slices = n === 0 ? 0 : x.numel() / n;
  const flat = new Int32Array(slices * k), idx = new Float64Array(slices * k);
  const vals = new Array<number | bigint | boolean>(n);
  const positions = Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < slices; s++) {
    // slice s: its block (the dims before d) and its offset inside the block (the dims after d)
    const block = Math.floor(s / inner), within = s % inner;
    const base = block * n * inner + within;
    for (let i = 0; i < n; i++) vals[i] = data[off + base + i * inner]!;
    const chosen = pick(vals, positions.slice());
    for (let j = 0; j < k; j++) {
      const out = block * k * inner + j * inner + within;
      flat[out] = base + chosen[j]! * inner;
      idx[out] = chosen[j]!;
    }
  }
  return { flat, idx };
}

/** A slice's positions in order: NaN last ascending (first descending), ties in input order. */
const ordered = (descending: boolean) => (v: Values, positions: number[]): number[] => {
  const asc = compareAsc(v);
  return positions.sort(descending ? (a, b) => asc(b, a) : asc);
};

/** The normalised dim (the last by default) and the length of a slice along it (1 for a 0-d input). */
function sliceDim(op: string, x: Tensor, dim: number | undefined): [d: number, n: number] {
  const d = normDim(op, dim ?? -1, Math.max(x.ndim, 1));
  return [d, x.ndim === 0 ? 1 : x.shape[d]!];
}

function results(op: string, x: Tensor, d: number, k: number, keepdim: boolean, found: { flat: Int32Array; idx: Float64Array }): ValuesIndices {
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = k;
  let values = takeFlat(x, found.flat, shape, op);
  let indices = wrap(BigInt64Array.from(found.idx, (v) => BigInt(v)), shape, int64);
  if (!keepdim) {
    values = values.squeeze(d);
    indices = indices.squeeze(d);
  }
  return valuesIndices(values, indices);
}

/** `sort`'s and `argsort`'s trailing arguments: `(dim, descending)`, then `{ stable }`. */

/** PyTorch's CPU kernels for these have no bool version ("topk_cpu" not implemented for 'Bool'). */
function noBool(op: string, kernel: string, x: Tensor): void {
  if (x.dtype === bool) throw new TypeError(`${op}: "${kernel}" not implemented for 'Bool'`);
}
export type SortArgs = Positional<[dim: number, descending: boolean], SortOptions>;
/** PyTorch's keywords of `sort` / `argsort`. */
export interface SortOptions { dim?: number; descending?: boolean; stable?: boolean }
const SORT = [num('dim'), boolParam('descending')];

/**
 * The values along `dim` in order, with the positions they came from: `[values, indices]`
 * (PyTorch's named tuple: also `.values`, `.indices`).
 * @example
 * ```ts
 * import { sort, tensor } from '@tensile/tensor';
 * const [values, indices] = sort(tensor([3, 1, 2])); // tensor([1., 2., 3.]), tensor([1, 2, 0])
 * tensor([3, 1, 2]).sort(0, true).values; // tensor([3., 2., 1.])
 * tensor([3, 1, 2]).sort({ descending: true }).indices; // tensor([0, 2, 1])
 * ```
 */
export function sort(x: Tensor, ...args: SortArgs): ValuesIndices {
  expectTensor('sort', 'input', x);
  const o = callArgs<SortOptions>('sort', args, SORT, [boolParam('stable')]);
  const [d, n] = sliceDim('sort', x, o.dim);
  return results('sort', x, d, n, true, orderSlices(x, d, n, ordered(o.descending ?? false)));
}

/**
 * The positions that sort `x` along `dim` (int64): `sort(x, ...).indices`.
 * @example
 * ```ts
 * import { argsort, tensor } from '@tensile/tensor';
 * argsort(tensor([3, 1, 2])); // tensor([1, 2, 0])
 * ```
 */
export function argsort(x: Tensor, ...args: SortArgs): Tensor {
  expectTensor('argsort', 'input', x);
  const o = callArgs<SortOptions>('argsort', args, SORT, [boolParam('stable')]);
  const [d, n] = sliceDim('argsort', x, o.dim);
  return results('argsort', x, d, n, true, orderSlices(x, d, n, ordered(o.descending ?? false))).indices;
}

/** `topk`'s trailing arguments: `(dim, largest, sorted)`, or a bag. */
export type TopkArgs = Positional<[dim: number, largest: boolean, sorted: boolean], TopkOptions>;
/** PyTorch's keywords of `topk`. */
export interface TopkOptions { dim?: number; largest?: boolean; sorted?: boolean }

/**
 * The `k` largest (or, with `largest: false`, smallest) values along `dim` (the last by
 * default), largest first, with their positions: `[values, indices]`.
 * @example
 * ```ts
 * import { tensor, topk } from '@tensile/tensor';
 * const [values, indices] = topk(tensor([1, 5, 3, 4]), 2); // tensor([5., 4.]), tensor([1, 3])
 * tensor([1, 5, 3, 4]).topk(1, { largest: false }).values; // tensor([1.])
 * ```
 */
export function topk(x: Tensor, k: number, ...args: TopkArgs): ValuesIndices {
  expectTensor('topk', 'input', x);
  noBool('topk', 'topk_cpu', x);
  const o = callArgs<TopkOptions>('topk', args, [num('dim'), boolParam('largest'), boolParam('sorted')]);
  const [d, n] = sliceDim('topk', x, o.dim);
  if (!Number.isInteger(k)) throw new TypeError(`topk: k must be an integer, got ${String(k)}`);
  if (k < 0 || k > n) throw new RangeError(`topk: selected index k out of range (k = ${k}, dim ${d} of size ${n})`);
  return results('topk', x, d, k, true, orderSlices(x, d, k, ordered(o.largest ?? true)));
}

/** `kthvalue`'s and `median`'s trailing arguments: `(dim, keepdim)`, or a bag. */
export type OrderStatArgs = Positional<[dim: number, keepdim: boolean], { dim?: number; keepdim?: boolean }>;

/**
 * The `k`-th smallest value along `dim` (1-based, the last dim by default) and its position.
 * @example
 * ```ts
 * import { kthvalue, tensor } from '@tensile/tensor';
 * kthvalue(tensor([3, 1, 2]), 2).values; // tensor(2.)
 * ```
 */
export function kthvalue(x: Tensor, k: number, ...args: OrderStatArgs): ValuesIndices {
  expectTensor('kthvalue', 'input', x);
  noBool('kthvalue', 'kthvalue_cpu', x);
  const o = callArgs<{ dim?: number; keepdim?: boolean }>('kthvalue', args, [num('dim'), boolParam('keepdim')]);
  const [d, n] = sliceDim('kthvalue', x, o.dim);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`kthvalue: selected number k out of range for dimension ${d} (k = ${k}, size ${n})`);
  return results('kthvalue', x, d, 1, o.keepdim ?? false, orderSlices(x, d, 1, (v, p) => [ordered(false)(v, p)[k - 1]!]));
}

/**
 * The median: without `dim`, of all elements (a 0-d tensor; the lower of the two middle values
 * for an even count, NaN if any is NaN, as PyTorch's); along `dim`, `[values, indices]`.
 * @example
 * ```ts
 * import { median, tensor } from '@tensile/tensor';
 * median(tensor([3, 1, 4, 2])); // tensor(2.)
 * tensor([[3, 1, 2]]).median(1).indices; // tensor([2])
 * ```
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, ...args: OrderStatArgs): ValuesIndices;
export function median(x: Tensor, ...args: OrderStatArgs): Tensor | ValuesIndices {
  expectTensor('median', 'input', x);
  const o = callArgs<{ dim?: number; keepdim?: boolean }>('median', args, [num('dim'), boolParam('keepdim')]);
  noBool('median', o.dim === undefined ? 'median_cpu' : 'median_out', x);
  if (o.dim === undefined) {
    if (o.keepdim !== undefined) throw new TypeError('median: keepdim needs dim');
    if (x.numel() === 0) throw new RangeError('median: cannot compute the median of an empty tensor');
    return median(x.reshape(-1), 0).values;
  }
  const [d, n] = sliceDim('median', x, o.dim);
  if (n === 0) throw new RangeError(`median: cannot compute the median along dim ${d} of size 0 (shape ${fmt(x.shape)})`);
  // NaN sorts last: a slice holding NaN gives its first NaN, as PyTorch's median propagates NaN.
  return results('median', x, d, 1, o.keepdim ?? false, orderSlices(x, d, 1, (v, p) => {
    const order = ordered(false)(v, p);
    const nan = order.find((i) => Number.isNaN(v[i]));
    return [nan ?? order[(n - 1) >> 1]!];
  }));
}

/**
 * The most frequent value along `dim` (the smallest of equally frequent ones) and a position
 * where it occurs: `[values, indices]`. The position is PyTorch's: the one its unstable sort
 * leaves last among the equal values (the last occurrence for up to 16 elements); each NaN counts
 * as a value of its own, as `NaN != NaN`.
 * @example
 * ```ts
 * import { mode, tensor } from '@tensile/tensor';
 * mode(tensor([2, 1, 2, 1, 1])).values; // tensor(1.)
 * ```
 */
export function mode(x: Tensor, ...args: OrderStatArgs): ValuesIndices {
  expectTensor('mode', 'input', x);
  const o = callArgs<{ dim?: number; keepdim?: boolean }>('mode', args, [num('dim'), boolParam('keepdim')]);
  const [d, n] = sliceDim('mode', x, o.dim);
  if (n === 0) throw new RangeError(`mode: cannot compute the mode along dim ${d} of size 0`);
  // PyTorch's kernel: std::sort of the positions by `<` (unstable; NaN unordered), then runs of
  // `==` values; the first longest run wins, reported at its last sorted element
  return results('mode', x, d, 1, o.keepdim ?? false, orderSlices(x, d, 1, (v, p) => {
    const order = stdSort(p, (a, b) => v[a]! < v[b]!);
    let best = 0, bestCount = 0, count = 0;
    for (let j = 0; j < n; j++) {
      count++;
      if (j === n - 1 || v[order[j]!] !== v[order[j + 1]!]) {
        if (count > bestCount) { bestCount = count; best = order[j]!; }
        count = 0;
      }
    }
    return [best];
  }));
}
