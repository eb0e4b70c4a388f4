import { record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { K } from '../../kernels/index.js';
import { checkOptions } from '../../options.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { div } from '../binary.js';
import { matmul } from '../matmul.js';
import { cat, scatterFlat, takeFlat } from '../movement.js';
import { full } from '../creation.js';
import { nnJsKernels } from '../../kernels/nn-js.js';
import { float64, type DType } from '../../dtype.js';
import { sum } from '../reduce.js';
import { describe, empty, expectTensor, wrap } from '../util.js';
import { pair } from './common.js';
import { geometry, unfoldRaw } from './conv.js';

// ---- pooling ------------------------------------------------------------------------------

export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Round the output size up, so a last partial window is kept when it starts inside the input or the left padding (default false). */
  ceilMode?: boolean;
}

/**
 * The output size of a pooling window along one dim, and how many rows past the right padding
 * its last window reads (ceil mode only): PyTorch's `pooling_output_shape`.
 */
function poolOut(size: number, k: number, s: number, p: number, ceil: boolean): { out: number; extra: number } {
  let out = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return { out, extra: Math.max(0, (out - 1) * s + k - (size + 2 * p)) };
}

/** `x` `[N, C, H, W]` with `eh` rows and `ew` columns of `value` appended (differentiable; no copy when both are 0). */
function padEnd(x: Tensor, eh: number, ew: number, value: number): Tensor {
  let y = x;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  if (ew > 0) y = cat([y, full([N, C, H, ew], value, { dtype: x.dtype })], 3);
  if (eh > 0) y = cat([y, full([N, C, eh, W + ew], value, { dtype: x.dtype })], 2);
  return y;
}

function checkCeil(op: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ceilMode must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * 2-D max pooling of `[N, C, H, W]` (or `[C, H, W]`). The kernel finds each window's argmax;
 * the values are gathered with a differentiable take, so the gradient goes to the winners.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 2); // tensor([[[[5., 7.], [13., 15.]]]])
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  checkOptions(op, options, ['stride', 'padding', 'ceilMode']);
  expectTensor(op, 'input', x);
  if (x.ndim === 3) return maxPool2d(x.unsqueeze(0), kernelSize, options).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', options.stride ?? k, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new RangeError(`${op}: padding [${p}] should be at most half of the kernel size [${k}]`);
  if (checkCeil(op, options.ceilMode)) {
    // NOTE: ceil mode as -∞ rows/columns appended, so the floor-mode kernel sees the last partial
    // windows; their maxima come from real pixels (a window starts inside the input or the left
    // padding), and the gradient of the appended entries is dropped by cat's backward.
    geometry(op, x.shape, k, s, p);
    const eh = poolOut(x.shape[2]!, k[0], s[0], p[0], true).extra, ew = poolOut(x.shape[3]!, k[1], s[1], p[1], true).extra;
    if (eh > 0 || ew > 0) return maxPool2d(padEnd(x, eh, ew, -Infinity), k, { stride: s, padding: p });
  }
  const g = geometry(op, x.shape, k, s, p);
  const idx = new Int32Array(g.N * g.C * g.Ho * g.Wo);
  if (x.dtype === float64) {
    // float64: the JS reference kernel finds the winners in double; the values are a take of them.
    const [d, o] = x._contiguousAny();
    nnJsKernels.maxPool2d(d as unknown as Float32Array, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, new Float64Array(idx.length) as unknown as Float32Array, idx);
    return takeFlat(x, idx, [g.N, g.C, g.Ho, g.Wo], op);
  }
  const out = empty([g.N, g.C, g.Ho, g.Wo]);
  const [d, o] = x._contiguousData('maxPool2d');
  K().maxPool2d(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array, idx);
  // The gradient goes to each window's winner (a differentiable scatter, whose backward gathers).
  return record(op, out, [x], (gy) => [scatterFlat(gy, idx, x.shape)]);
}

export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Implicit zeros on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Round the output size up, keeping a last partial window (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead (default: the window's count). */
  divisorOverride?: number | null;
}

/**
 * 2-D average pooling of `[N, C, H, W]` (or `[C, H, W]`): the mean of each window, composed as
 * `unfold` then a sum (so the backward spreads each gradient over its window), divided by
 * PyTorch's divisor (the window clipped to the padded input, or to the input without
 * `countIncludePad`, or `divisorOverride`).
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.avgPool2d(arange(16).float().reshape(1, 1, 4, 4), 2); // tensor([[[[2.5, 4.5], [10.5, 12.5]]]])
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  checkOptions(op, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  expectTensor(op, 'input', x);
  if (x.ndim === 3) return avgPool2d(x.unsqueeze(0), kernelSize, options).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', options.stride ?? k, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new RangeError(`${op}: pad should be at most half of kernel size, but got pad=[${p}] and kernel_size=[${k}]`);
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof countIncludePad !== 'boolean') throw new TypeError(`${op}: countIncludePad must be a boolean, got ${describe(countIncludePad)}`);
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && (typeof divisor !== 'number' || !Number.isInteger(divisor) || divisor === 0)) throw new RangeError(`${op}: divisorOverride must be a non-zero integer, got ${String(divisor)}`);
  const ceil = checkCeil(op, options.ceilMode);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  geometry(op, x.shape, k, s, p);
  const oh = poolOut(H, k[0], s[0], p[0], ceil), ow = poolOut(W, k[1], s[1], p[1], ceil);
  // zeros appended (ceil mode) let the floor-mode unfold see the last partial windows
  const xp = padEnd(x, oh.extra, ow.extra, 0);
  const g = geometry(op, [N * C, 1, H + oh.extra, W + ow.extra], k, s, p);
  const sums = sum(unfoldRaw(xp.reshape([N * C, 1, H + oh.extra, W + ow.extra]), g), 1); // [N·C, L]
  if (divisor !== null) return div(sums, divisor).reshape([N, C, g.Ho, g.Wo]);
  // PyTorch's divisor per window: clipped to the padded input, or to the input itself
  const counts = new Float32Array(g.Ho * g.Wo);
  const span = (o: number, st: number, kk: number, pp: number, size: number): number => {
    const a = o * st - pp, b = Math.min(a + kk, size + pp);
    return countIncludePad ? b - a : Math.min(b, size) - Math.max(a, 0);
  };
  for (let i = 0; i < g.Ho; i++) for (let j = 0; j < g.Wo; j++) counts[i * g.Wo + j] = span(i, s[0], k[0], p[0], H) * span(j, s[1], k[1], p[1], W);
  return div(sums, wrap(x.dtype === float64 ? Float64Array.from(counts) : counts, [g.Ho * g.Wo])).reshape([N, C, g.Ho, g.Wo]);
}

/** Row i of the `[out, size]` averaging matrix covers [floor(i·size/out), ceil((i+1)·size/out)). */
function adaptiveMatrix(size: number, out: number, dtype: DType): Tensor {
  const m = new dtype.array(out * size) as Float32Array | Float64Array;
  for (let i = 0; i < out; i++) {
    const a = Math.floor((i * size) / out), b = Math.ceil(((i + 1) * size) / out);
    for (let j = a; j < b; j++) m[i * size + j] = 1 / (b - a);
  }
  return wrap(m, [out, size], dtype);
}

/**
 * Adaptive average pooling of `[N, C, H, W]` (or `[C, H, W]`) to `outputSize` (a number, or
 * `[oh, ow]` where `null` keeps that size), with PyTorch's bins `[floor(i·H/oh), ceil((i+1)·H/oh))`.
 * Average pooling over rectangles is separable, so this is `Aₕ · x · Aᵥᵀ` with two constant
 * averaging matrices: two matmuls, differentiable.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.adaptiveAvgPool2d(arange(16).float().reshape(1, 1, 4, 4), 1); // tensor([[[[7.5]]]])
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  const op = 'adaptiveAvgPool2d';
  expectTensor(op, 'input', x);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!;
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
  const size = raw?.map((v, i) => (v === null ? (i === 0 ? H : W) : v));
  if (!size || !size.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${op}: outputSize must be a positive integer or a pair of them (or null), got ${Array.isArray(outputSize) ? `[${outputSize.join(',')}]` : String(outputSize)}`);
  }
  if (H === 0 || W === 0) throw new ShapeError(`${op}: input ${fmt(x.shape)} has an empty spatial dim`);
  const [oh, ow] = size as [number, number];
  const rows = oh === H ? x : matmul(adaptiveMatrix(H, oh, x.dtype), x);
  return ow === W ? rows : matmul(rows, adaptiveMatrix(W, ow, x.dtype).t());
}

// ---- 1-d pooling: the 2-d kernels over [N, C, 1, L] ---------------------------------------

/** A 1-d size given as a number or a one-element tuple (PyTorch's `_single`). */
function single(op: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`${op}: ${name} must be an integer or a one-element tuple of one, got ${describe(v)}`);
  return n;
}

/** `[N, C, L]` (or `[C, L]`) as `[N, C, 1, L]` for the 2-d kernels, and back. */
function as2d(op: string, x: Tensor, run: (x4: Tensor) => Tensor): Tensor {
  expectTensor(op, 'input', x);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected input [N,C,L] or [C,L], got ${fmt(x.shape)}`);
  return run(x.unsqueeze(-2)).squeeze(-2);
}

/** `maxPool1d`'s options: PyTorch's keywords. */
export interface MaxPool1dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number];
  /** Round the output length up, keeping a last partial window (default false). */
  ceilMode?: boolean;
}

/**
 * 1-D max pooling of `[N, C, L]` (or `[C, L]`): `maxPool2d` over `[N, C, 1, L]`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2); // tensor([[[3., 5.]]])
 * ```
 */
export function maxPool1d(x: Tensor, kernelSize: number | readonly [number], options: MaxPool1dOptions = {}): Tensor {
  const op = 'maxPool1d';
  const o = checkOptions(op, options, ['stride', 'padding', 'ceilMode']);
  const k = single(op, 'kernelSize', kernelSize);
  const s = o.stride === undefined || o.stride === null ? k : single(op, 'stride', o.stride);
  const p = single(op, 'padding', o.padding ?? 0);
  return as2d(op, x, (x4) => maxPool2d(x4, [1, k], { stride: [1, s], padding: [0, p], ...(o.ceilMode === undefined ? {} : { ceilMode: o.ceilMode }) }));
}

/** `avgPool1d`'s options: PyTorch's keywords. */
export interface AvgPool1dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** Implicit zeros on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number];
  /** Round the output length up, keeping a last partial window (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
}

/**
 * 1-D average pooling of `[N, C, L]` (or `[C, L]`): `avgPool2d` over `[N, C, 1, L]`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.avgPool1d(tensor([[[1, 3, 2, 6]]]), 2); // tensor([[[2., 4.]]])
 * ```
 */
export function avgPool1d(x: Tensor, kernelSize: number | readonly [number], options: AvgPool1dOptions = {}): Tensor {
  const op = 'avgPool1d';
  const o = checkOptions(op, options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const k = single(op, 'kernelSize', kernelSize);
  const s = o.stride === undefined || o.stride === null ? k : single(op, 'stride', o.stride);
  const p = single(op, 'padding', o.padding ?? 0);
  const rest = { ...(o.ceilMode === undefined ? {} : { ceilMode: o.ceilMode }), ...(o.countIncludePad === undefined ? {} : { countIncludePad: o.countIncludePad }) };
  return as2d(op, x, (x4) => avgPool2d(x4, [1, k], { stride: [1, s], padding: [0, p], ...rest }));
}

/**
 * Adaptive average pooling of `[N, C, L]` (or `[C, L]`) to `outputSize` bins (PyTorch's bins).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.adaptiveAvgPool1d(tensor([[[1, 3, 2, 6]]]), 1); // tensor([[[3.]]])
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | readonly [number]): Tensor {
  const op = 'adaptiveAvgPool1d';
  const n = single(op, 'outputSize', outputSize);
  return as2d(op, x, (x4) => adaptiveAvgPool2d(x4, [1, n]));
}
