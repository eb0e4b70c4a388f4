/**
 * `cdist`: the p-norm distance between each pair of rows of two (batched) matrices, by
 * PyTorch 1.13's two paths (ATen's Distance.cpp): its cdist kernel (every p) and, for p = 2
 * with more than 25 rows on either side (or when asked), `_euclidean_dist`, the matrix-product
 * expansion `‖a‖² − 2a·b + ‖b‖²`.
 */
import { record } from '../autograd.js';
import { foldPositional, isNumber, type Positional } from '../call-forms.js';
import { float64 } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, mul, sub, where } from './binary.js';
import { matmul } from './matmul.js';
import { contiguous, expand, reshape, transpose, unsqueeze } from './movement.js';
import { sum } from './reduce.js';
import { empty, expectTensor } from './util.js';
import { fma } from './fma.js';

/** PyTorch's `compute_mode` strings: when p = 2 goes through the matrix product. */
export type CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';

/** Options of `cdist`: PyTorch's `p` and `compute_mode`. */
export interface CdistOptions {
  /** The norm's p, `>= 0` (default 2; `Infinity` the largest difference, 0 the count of differences). */
  p?: number;
  /** Default `'use_mm_for_euclid_dist_if_necessary'`: the matrix product for p = 2 when either side has more than 25 rows. */
  computeMode?: CdistComputeMode;
}

const MODES: readonly CdistComputeMode[] = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

/**
 * Distances between the rows of `x1` `[..., R1, M]` and of `x2` `[..., R2, M]`: `[..., R1, R2]`,
 * the batch dims broadcast (PyTorch's `torch.cdist(x1, x2, p=2.0, compute_mode=...)`, the same
 * positional order, or an options bag). float32 or float64, one dtype for both.
 *
 * Values as PyTorch 1.13 computes them: its cdist kernel sums `|a − b|^p` along the row in
 * order in the dtype and takes the p-th root; for p = 2 with more than 25 rows on either side
 * (or `'use_mm_for_euclid_dist'`) it expands the square instead (a matrix product: faster, less
 * exact; equal rows give 0 here, and through PyTorch's BLAS 0 or, depending on the data, the root
 * of a rounding residue, ~3e-8 in float64, with a gradient scaled by its reciprocal). Gradients
 * are PyTorch's for each path (`_cdist_backward`:
 * 0 where a distance is 0; `_euclidean_dist_backward`); only the matrix-product path's can be
 * differentiated again, as in PyTorch.
 *
 * @example
 * ```ts
 * import { cdist, tensor } from '@tensile/tensor';
 * cdist(tensor([[0, 0], [3, 4]]), tensor([[0, 0]])); // tensor([[0.], [5.]])
 * cdist(tensor([[0, 0], [3, 4]]), tensor([[0, 0]]), 1); // tensor([[0.], [7.]])
 * ```
 */
export function cdist(x1: Tensor, x2: Tensor, ...rest: Positional<[p: number, computeMode: CdistComputeMode], CdistOptions>): Tensor {
  expectTensor('cdist', 'x1', x1);
  expectTensor('cdist', 'x2', x2);
  const o = checkOptions('cdist', foldPositional('cdist', rest, [
    { name: 'p', is: isNumber, expected: 'a number' },
    { name: 'computeMode', is: (v) => typeof v === 'string', expected: 'a string' },
  ]) as CdistOptions, ['p', 'computeMode']);
  const p = o.p ?? 2;
  const mode = o.computeMode ?? 'use_mm_for_euclid_dist_if_necessary';
  if (!MODES.includes(mode)) throw new RangeError(`cdist: ${String(mode)} is not a valid value for compute_mode`);
  if (x1.ndim < 2) throw new ShapeError(`cdist: cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new ShapeError(`cdist: cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  const c1 = x1.shape[x1.ndim - 1]!, c2 = x2.shape[x2.ndim - 1]!;
  if (c1 !== c2) throw new ShapeError(`cdist: X1 and X2 must have the same number of columns. X1: ${c1} X2: ${c2}`);
  if (!x1.dtype.isFloatingPoint || x1.dtype.itemsize < 4) throw new TypeError(`cdist: cdist only supports floating-point dtypes, X1 got: ${x1.dtype.cName}`);
  if (!x2.dtype.isFloatingPoint || x2.dtype.itemsize < 4) throw new TypeError(`cdist: cdist only supports floating-point dtypes, X2 got: ${x2.dtype.cName}`);
  if (x1.dtype !== x2.dtype) throw new TypeError(`cdist: expected scalar type ${x1.dtype.cName} but found ${x2.dtype.cName}`);
  if (!(p >= 0)) throw new RangeError(`cdist: cdist only supports non-negative p values, got ${p}`);
  const r1 = x1.shape[x1.ndim - 2]!, r2 = x2.shape[x2.ndim - 2]!;
  const batch = broadcastShapes('cdist', x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const a = expand(x1, [...batch, r1, c1]), b = expand(x2, [...batch, r2, c1]);
  const euclid = p === 2 && a.numel() > 0 && b.numel() > 0 && (mode === 'use_mm_for_euclid_dist' || (mode === 'use_mm_for_euclid_dist_if_necessary' && (r1 > 25 || r2 > 25)));
  return euclid ? euclideanDist(a, b) : cdistKernel(a, b, p, batch);
}

/**
 * ATen's `_euclidean_dist`: `[−2a, ‖a‖², 1] · [b, 1, ‖b‖²]` for each pair of rows, clamped at 0,
 * square-rooted; its backward `_euclidean_dist_backward` (`r = g / d`, 0 where d = 0;
 * `a·Σⱼr − r @ b` and `b·Σᵢr − rᵀ @ a`), composed from ops (differentiable again, as PyTorch's).
 *
 * NOTE: the forward is one loop, not `matmul`: each norm and each product's terms summed in
 * order, rounded in the dtype, so equal rows cancel to exactly 0 (−2·Σa² + Σa² + Σa², every
 * partial sum scaled by 2 exactly), as they do through PyTorch's BLAS; a matrix product in
 * another order leaves a residue whose square root (~√ε·‖a‖) would stand where PyTorch has 0.
 */
function euclideanDist(a: Tensor, b: Tensor): Tensor {
  const r1 = a.shape[a.ndim - 2]!, r2 = b.shape[b.ndim - 2]!, m = a.shape[a.ndim - 1]!;
  const nb = a.numel() / (r1 * m);
  const r = a.dtype === float64 ? (v: number): number => v : Math.fround;
  const [ad, ao] = contiguous(a)._contiguousAny() as [Float64Array, number];
  const [bd, bo] = contiguous(b)._contiguousAny() as [Float64Array, number];
  const norms = (d: Float64Array, o: number, rows: number): Float64Array => {
    const n = new Float64Array(rows);
    for (let i = 0; i < rows; i++) { let s = 0; for (let k = 0; k < m; k++) { const v = d[o + i * m + k]!; s = r(s + r(v * v)); } n[i] = s; }
    return n;
  };
  const out = empty([...a.shape.slice(0, -1), r2], a.dtype);
  const od = out.storage.data as Float64Array;
  for (let l = 0; l < nb; l++) {
    const na = norms(ad, ao + l * r1 * m, r1), nbn = norms(bd, bo + l * r2 * m, r2);
    for (let i = 0; i < r1; i++) {
      for (let j = 0; j < r2; j++) {
        const ai = ao + (l * r1 + i) * m, bj = bo + (l * r2 + j) * m;
        let s = 0;
        for (let k = 0; k < m; k++) s = r(s + r(r(-2 * ad[ai + k]!) * bd[bj + k]!));
        s = r(r(s + na[i]!) + nbn[j]!);
        od[(l * r1 + i) * r2 + j] = r(Math.sqrt(s > 0 || s !== s ? s : 0)); // clamp_min(0): NaN stays
      }
    }
  }
  return record('cdist', out, [a, b], (g) => {
    const ratio = where(eq(out, 0), 0, div(g, out));
    return [
      sub(mul(a, sum(ratio, -1, true)), matmul(ratio, b)),
      sub(mul(b, unsqueeze(sum(ratio, -2), -1)), matmul(transpose(ratio, -1, -2), a)),
    ];
  }, [a, b, out]);
}

/** The distance kernel's `map` and `red` for p, as ATen's dist structs (zdist, odist, tdist, idist, pdist). */
function mapRed(p: number, r: (v: number) => number): (acc: number, d: number) => number {
  if (p === 0) return (acc, d) => acc + (d !== 0 ? 1 : 0);
  if (p === 1) return (acc, d) => r(acc + d);
  if (p === 2) return (acc, d) => r(acc + r(d * d));
  if (p === Infinity) return (acc, d) => (acc < d ? d : acc); // std::max(agg, diff): a NaN difference is skipped
  return (acc, d) => r(acc + r(d ** p));
}

/**
 * ATen's `_cdist_forward` (cpu_kernel's `run_parallel_cdist`): for each pair of rows, `|a − b|`
 * element by element in order, mapped and summed in the dtype, then `finish` (the p-th root in
 * double, rounded); and its backward `_cdist_backward` per p, summed over the other rows in order.
 */
function cdistKernel(a: Tensor, b: Tensor, p: number, batch: readonly number[]): Tensor {
  const r1 = a.shape[a.ndim - 2]!, r2 = b.shape[b.ndim - 2]!, m = a.shape[a.ndim - 1]!;
  const nb = batch.reduce((s, v) => s * v, 1);
  const ac = contiguous(a), bc = contiguous(b);
  const out = empty([...batch, r1, r2], a.dtype);
  const r = a.dtype === float64 ? (v: number): number => v : Math.fround;
  const [ad, ao] = ac._contiguousAny() as [Float64Array, number];
  const [bd, bo] = bc._contiguousAny() as [Float64Array, number];
  const od = out.storage.data as Float64Array;
  const pf = r(p); // ATen's kernels take p as the dtype's scalar
  // NOTE: PyTorch 1.13's kernel loop `agg += diff * diff` (p = 2), as the compiler built it
  // (measured against PyTorch 1.13.1, GCC 12, AVX2): 16-byte vectors square 4 floats (2 doubles)
  // at a time, each square rounded, added in order; the last m mod 4 (mod 2) elements, the scalar
  // epilogue, fuse each square into the sum (a fused multiply-add). Other p: in order, unfused.
  const head = p === 2 ? m - (m % (a.dtype === float64 ? 2 : 4)) : m;
  const step = mapRed(pf, r);
  const finish = p === 0 || p === 1 || p === Infinity ? (v: number): number => v : p === 2 ? (v: number): number => r(Math.sqrt(v)) : (v: number): number => r(v ** (1 / pf));
  for (let l = 0; l < nb; l++) {
    for (let i = 0; i < r1; i++) {
      for (let j = 0; j < r2; j++) {
        const ai = ao + (l * r1 + i) * m, bj = bo + (l * r2 + j) * m;
        let acc = 0, x = 0;
        for (; x < head; x++) acc = step(acc, Math.abs(r(ad[ai + x]! - bd[bj + x]!)));
        for (; x < m; x++) { const d = Math.abs(r(ad[ai + x]! - bd[bj + x]!)); acc = r(fma(d, d, acc)); }
        od[(l * r1 + i) * r2 + j] = finish(acc);
      }
    }
  }
  return record('cdist', out, [a, b], (g) => {
    // PyTorch's _cdist_backward has no derivative of its own: these gradients are constants
    return [
      a.requiresGrad ? cdistBackward(contiguous(g), ac, bc, p, out) : null,
      b.requiresGrad ? cdistBackward(contiguous(transpose(g, -1, -2)), bc, ac, p, contiguous(transpose(out, -1, -2))) : null,
    ];
  }, [out]);
}


/**
 * ATen's `_cdist_backward(grad, x1, x2, p, dist)`: the gradient to `x1`, each element
 * `Σⱼ backward(x1ᵢ − x2ⱼ, gradᵢⱼ, distᵢⱼ)` in order of j, with the backward of p's struct.
 * `grad` and `dist` are `[B, R1, R2]` contiguous (for x2: the transposes).
 */
function cdistBackward(grad: Tensor, x1: Tensor, x2: Tensor, p: number, dist: Tensor): Tensor {
  const r1 = x1.shape[x1.ndim - 2]!, r2 = x2.shape[x2.ndim - 2]!, m = x1.shape[x1.ndim - 1]!;
  const nb = x1.numel() === 0 ? 0 : x1.numel() / (r1 * m);
  const out = empty(x1.shape, x1.dtype);
  const r = x1.dtype === float64 ? (v: number): number => v : Math.fround;
  const [ad, ao] = x1._contiguousAny() as [Float64Array, number];
  const [bd, bo] = x2._contiguousAny() as [Float64Array, number];
  const [gd, go] = grad._contiguousAny() as [Float64Array, number];
  const [dd, dOff] = dist._contiguousAny() as [Float64Array, number];
  const od = out.storage.data as Float64Array;
  const sign = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);
  const pm1 = r(r(p) - 1), pm2 = r(r(p) - 2); // p as the dtype's scalar, minus 1 and 2 in it (Vectorized p - Vec(1))
  const back: (diff: number, gr: number, d: number) => number =
    p === 0 ? () => 0
      : p === 1 ? (diff, gr) => r(gr * sign(diff))
        : p < 2 ? (diff, gr, d) => (d === 0 || (diff === 0 && p < 1) ? 0 : r(r(r(sign(diff) * r(Math.abs(diff) ** pm1)) * gr) / r(d ** pm1)))
          : p === 2 ? (diff, gr, d) => (d === 0 ? 0 : r(r(gr * diff) / d))
            : p === Infinity ? (diff, gr, d) => r(r(gr * sign(diff)) * r(1 - Math.min(1, Math.ceil(Math.abs(r(Math.abs(diff) - d))))))
              : (diff, gr, d) => (d === 0 ? 0 : r(r(r(diff * r(Math.abs(diff) ** pm2)) * gr) / r(d ** pm1)));
  for (let l = 0; l < nb; l++) {
    for (let i = 0; i < r1; i++) {
      const ai = ao + (l * r1 + i) * m, oi = (l * r1 + i) * m;
      for (let x = 0; x < m; x++) od[oi + x] = 0;
      for (let j = 0; j < r2; j++) {
        const bj = bo + (l * r2 + j) * m, k = (l * r1 + i) * r2 + j;
        const gr = gd[go + k]!, d = dd[dOff + k]!;
        for (let x = 0; x < m; x++) od[oi + x] = r(od[oi + x]! + back(r(ad[ai + x]! - bd[bj + x]!), gr, d));
      }
    }
  }
  return reshape(out, x1.shape);
}
