import { record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { K } from '../../kernels/index.js';
import { bool as boolParam, fnOptions, intOrTuple, intOrTupleOrNull, type Positional, type PositionalParam } from '../../call-forms.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { div } from '../binary.js';
import { matmul } from '../matmul.js';
import { cat, scatterFlat, takeFlat } from '../movement.js';
import { full, zeros } from '../creation.js';
import { scatter, scatterAdd } from '../indexing.js';
import { nnJsKernels } from '../../kernels/nn-js.js';
import { float64, int64, type DType } from '../../dtype.js';
import { sum } from '../reduce.js';
import { describe, empty, expectTensor, wrap } from '../util.js';
import { pair } from './common.js';
import { geometry, unfoldRaw } from './conv.js';

// ---- pooling ------------------------------------------------------------------------------

type Pair = number | readonly [number, number];
type Single = number | readonly [number];

/**
 * @internal The call forms of a max pooling whose positionals are `P` (PyTorch's, from `stride`
 * to `ceil_mode`) then `returnIndices`: those that ask for the indices (positionally, or
 * `returnIndices: true` in the bag) and those that may not.
 */
type WithIndices<P extends readonly unknown[], O> = readonly [...P, returnIndices: true, options?: O] | Bagged<P, O & { returnIndices: true }>;
type Bagged<P extends readonly unknown[], O> = P extends readonly [...infer I, unknown] ? readonly [...P, O] | Bagged<I, O> : readonly [O];
type MaxPoolArgs<P extends readonly unknown[], O, R extends boolean> = Positional<[...P, returnIndices: R], O & { returnIndices?: R }>;

/** @internal PyTorch's positional order after `(input, kernel_size)` of `F.max_pool1d`/`max_pool2d`. */
const MAX_POOL_PARAMS: readonly PositionalParam[] = [intOrTupleOrNull('stride'), intOrTuple('padding'), intOrTuple('dilation'), boolParam('ceilMode'), boolParam('returnIndices')];

export interface MaxPool2dOptions {
  /** Step between windows (default, or null: the kernel size). */
  stride?: number | readonly [number, number] | null;
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Step between a window's taps (default 1): a window spans `dilation·(kernel − 1) + 1` inputs. */
  dilation?: number | readonly [number, number];
  /** Round the output size up, so a last partial window is kept when it starts inside the input or the left padding (default false). */
  ceilMode?: boolean;
  /** Also return each output's argmax, an int64 index into its `H·W` plane (default false), as `maxUnpool2d` takes it. */
  returnIndices?: boolean;
}

/**
 * The output size of a pooling window along one dim, and how many rows past the right padding
 * its last window reads (ceil mode only): PyTorch's `pooling_output_shape`.
 */
function poolOut(size: number, k: number, s: number, p: number, ceil: boolean, d = 1): { out: number; extra: number } {
  const span = d * (k - 1) + 1;
  let out = Math.floor((size + 2 * p - span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return { out, extra: Math.max(0, (out - 1) * s + span - (size + 2 * p)) };
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
 * 2-D max pooling of `[N, C, H, W]` (or `[C, H, W]`): each window's maximum, the first among
 * equal numbers and the last of several NaNs (PyTorch's CPU rule). The gradient goes to each
 * window's winner. With `returnIndices`, `[values, indices]`: the winners' int64 indices into
 * their `H·W` planes, as `maxUnpool2d` takes them. Positional as PyTorch (`stride, padding,
 * dilation, ceilMode, returnIndices`) or an options bag.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 2); // tensor([[[[5., 7.], [13., 15.]]]])
 * F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 3, 1, 1).shape; // [1, 1, 4, 4]: stride 1, padding 1
 * const [values, indices] = F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 2, { returnIndices: true });
 * indices; // tensor([[[[5, 7], [13, 15]]]])
 * F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 2, 2, 0, 1, false, true)[1]; // the same indices
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: WithIndices<[stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean], MaxPool2dOptions>): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: MaxPoolArgs<[stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean], MaxPool2dOptions, false>): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: MaxPoolArgs<[stride: Pair | null, padding: Pair, dilation: Pair, ceilMode: boolean], MaxPool2dOptions, boolean>): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, ...rest: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'maxPool2d';
  const options = fnOptions<MaxPool2dOptions>(op, rest, MAX_POOL_PARAMS);
  expectTensor(op, 'input', x);
  if (options.returnIndices !== undefined && typeof options.returnIndices !== 'boolean') throw new TypeError(`${op}: returnIndices must be a boolean, got ${describe(options.returnIndices)}`);
  if (x.ndim === 3) {
    return squeezeEach(maxPool2d(x.unsqueeze(0), kernelSize, options), 0);
  }
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', options.stride ?? k, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  const d = pair(op, 'dilation', options.dilation ?? 1, 1);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new RangeError(`${op}: padding [${p}] should be at most half of the kernel size [${k}]`);
  const { out, idx, H, W } = maxPoolCore(op, x, k, s, p, d, checkCeil(op, options.ceilMode));
  if (options.returnIndices !== true) return out;
  // PyTorch's indices are into each input plane; the core's are into the whole input it pooled,
  // whose planes are wider in ceil mode (the -∞ columns appended; no window's winner is one).
  const W0 = x.shape[3]!, HW = H * W;
  const indices = new BigInt64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const local = idx[i]! % HW;
    indices[i] = BigInt(Math.floor(local / W) * W0 + (local % W));
  }
  return [out, wrap(indices, out.shape, int64)];
}

/**
 * The pooled values (recorded: the gradient goes to the winners) and each output's winner as a
 * flat index into an `[N, C, H, W]` tensor: `x` itself, or in ceil mode `x` with the -∞ rows and
 * columns its last windows read appended (`H`, `W` are that tensor's).
 */
function maxPoolCore(op: string, x: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number], ceil: boolean): { out: Tensor; idx: Int32Array; H: number; W: number } {
  if (d[0] !== 1 || d[1] !== 1) return dilatedMaxPool(op, x, k, s, p, d, ceil);
  if (ceil) {
    // NOTE: ceil mode as -∞ rows/columns appended, so the floor-mode kernel sees the last partial
    // windows; their maxima come from real pixels (a window starts inside the input or the left
    // padding), and the gradient of the appended entries is dropped by cat's backward.
    geometry(op, x.shape, k, s, p);
    const eh = poolOut(x.shape[2]!, k[0], s[0], p[0], true).extra, ew = poolOut(x.shape[3]!, k[1], s[1], p[1], true).extra;
    if (eh > 0 || ew > 0) return maxPoolCore(op, padEnd(x, eh, ew, -Infinity), k, s, p, d, false);
  }
  const g = geometry(op, x.shape, k, s, p);
  const idx = new Int32Array(g.N * g.C * g.Ho * g.Wo);
  if (x.dtype === float64) {
    // float64: the JS reference kernel finds the winners in double; the values are a take of them.
    const [dd, o] = x._contiguousAny();
    nnJsKernels.maxPool2d(dd as unknown as Float32Array, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, new Float64Array(idx.length) as unknown as Float32Array, idx);
    return { out: takeFlat(x, idx, [g.N, g.C, g.Ho, g.Wo], op), idx, H: g.H, W: g.W };
  }
  const out = empty([g.N, g.C, g.Ho, g.Wo]);
  const [dd, o] = x._contiguousData('maxPool2d');
  K().maxPool2d(dd, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array, idx);
  // The gradient goes to each window's winner (a differentiable scatter, whose backward gathers).
  return { out: record(op, out, [x], (gy) => [scatterFlat(gy, idx, x.shape)]), idx, H: g.H, W: g.W };
}

/**
 * Max pooling with dilated windows, in any dtype: PyTorch's `cpu_max_pool` loop (taps
 * `dilation` apart, those in the input only, the first tap the initial winner), here in
 * JavaScript; the values are a take of the winners.
 */
function dilatedMaxPool(op: string, x: Tensor, k: [number, number], s: [number, number], p: [number, number], d: [number, number], ceil: boolean): { out: Tensor; idx: Int32Array; H: number; W: number } {
  if (x.dtype !== float64) x._f32(op); // the dtypes the kernels take (others: the kernels' error)
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const Ho = poolOut(H, k[0], s[0], p[0], ceil, d[0]).out, Wo = poolOut(W, k[1], s[1], p[1], ceil, d[1]).out;
  if (Ho < 1 || Wo < 1) throw new ShapeError(`${op}: given input size ${fmt([C, H, W])}, the calculated output size ${fmt([C, Ho, Wo])} is too small`);
  const [xd, xo] = x._contiguousAny();
  const idx = new Int32Array(N * C * Ho * Wo);
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * H * W;
    for (let oy = 0; oy < Ho; oy++) {
      let y0 = oy * s[0] - p[0];
      const y1 = Math.min(y0 + (k[0] - 1) * d[0] + 1, H);
      while (y0 < 0) y0 += d[0];
      for (let ox = 0; ox < Wo; ox++) {
        let x0 = ox * s[1] - p[1];
        const x1 = Math.min(x0 + (k[1] - 1) * d[1] + 1, W);
        while (x0 < 0) x0 += d[1];
        let best = -Infinity, bi = base + y0 * W + x0;
        for (let iy = y0; iy < y1; iy += d[0]) {
          for (let ix = x0; ix < x1; ix += d[1]) {
            const v = Number(xd[xo + base + iy * W + ix]!);
            if (v > best || v !== v) {
              best = v;
              bi = base + iy * W + ix;
            }
          }
        }
        idx[o++] = bi;
      }
    }
  }
  return { out: takeFlat(x, idx, [N, C, Ho, Wo], op), idx, H, W };
}
export interface AvgPool2dOptions {
  /** Step between windows (default, or null: the kernel size). */
  stride?: number | readonly [number, number] | null;
  /** Implicit zeros on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Round the output size up, keeping a last partial window (default false). */
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead (default: the window's count). */
  divisorOverride?: number | null;
}

/** @internal PyTorch's positional order after `(input, kernel_size)` of `F.avg_pool1d`/`avg_pool2d` (1-d: without `divisorOverride`). */
const AVG_POOL_PARAMS: readonly PositionalParam[] = [
  intOrTupleOrNull('stride'), intOrTuple('padding'), boolParam('ceilMode'), boolParam('countIncludePad'),
  { name: 'divisorOverride', is: (v) => v === null || typeof v === 'number', expected: 'a number or null' },
];

/**
 * 2-D average pooling of `[N, C, H, W]` (or `[C, H, W]`): the mean of each window, composed as
 * `unfold` then a sum (so the backward spreads each gradient over its window), divided by
 * PyTorch's divisor (the window clipped to the padded input, or to the input without
 * `countIncludePad`, or `divisorOverride`). Positional as PyTorch (`stride, padding, ceilMode,
 * countIncludePad, divisorOverride`) or an options bag.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.avgPool2d(arange(16).float().reshape(1, 1, 4, 4), 2); // tensor([[[[2.5, 4.5], [10.5, 12.5]]]])
 * F.avgPool2d(arange(16).float().reshape(1, 1, 4, 4), 2, 2, 1, false, false).shape; // [1, 1, 3, 3]
 * ```
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, ...rest: Positional<[stride: Pair | null, padding: Pair, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dOptions>): Tensor {
  const op = 'avgPool2d';
  const options = fnOptions<AvgPool2dOptions>(op, rest, AVG_POOL_PARAMS);
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
function as2d<R extends Tensor | [Tensor, Tensor]>(op: string, x: Tensor, run: (x4: Tensor) => R): R {
  expectTensor(op, 'input', x);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected input [N,C,L] or [C,L], got ${fmt(x.shape)}`);
  return squeezeEach(run(x.unsqueeze(-2)), -2);
}

/** A pooling's result (the values, or the values and their indices) with dim `d` squeezed from each. */
function squeezeEach<R extends Tensor | [Tensor, Tensor]>(r: R, d: number): R {
  return (Array.isArray(r) ? [r[0].squeeze(d), r[1].squeeze(d)] : (r as Tensor).squeeze(d)) as R;
}

/** `maxPool1d`'s options: PyTorch's keywords. */
export interface MaxPool1dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number];
  /** Step between a window's taps (default 1). */
  dilation?: number | readonly [number];
  /** Round the output length up, keeping a last partial window (default false). */
  ceilMode?: boolean;
  /** Also return each output's argmax, an int64 index along `L` (default false). */
  returnIndices?: boolean;
}

/**
 * 1-D max pooling of `[N, C, L]` (or `[C, L]`): `maxPool2d` over `[N, C, 1, L]`; with
 * `returnIndices`, `[values, indices]` (int64 indices along `L`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2); // tensor([[[3., 5.]]])
 * F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2, { returnIndices: true })[1]; // tensor([[[1, 3]]])
 * F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2, 1, 0, 1, false, true)[1];  // tensor([[[1, 1, 3, 3]]]) (PyTorch's positionals)
 * ```
 */
export function maxPool1d(x: Tensor, kernelSize: Single, ...rest: WithIndices<[stride: Single | null, padding: Single, dilation: Single, ceilMode: boolean], MaxPool1dOptions>): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Single, ...rest: MaxPoolArgs<[stride: Single | null, padding: Single, dilation: Single, ceilMode: boolean], MaxPool1dOptions, false>): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Single, ...rest: MaxPoolArgs<[stride: Single | null, padding: Single, dilation: Single, ceilMode: boolean], MaxPool1dOptions, boolean>): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Single, ...rest: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const o = fnOptions<MaxPool1dOptions>(op, rest, MAX_POOL_PARAMS);
  const k = single(op, 'kernelSize', kernelSize);
  const s = o.stride === undefined || o.stride === null ? k : single(op, 'stride', o.stride);
  const p = single(op, 'padding', o.padding ?? 0);
  const d = single(op, 'dilation', o.dilation ?? 1);
  return as2d(op, x, (x4) => maxPool2d(x4, [1, k], {
    stride: [1, s], padding: [0, p], dilation: [1, d],
    ...(o.ceilMode === undefined ? {} : { ceilMode: o.ceilMode }), ...(o.returnIndices === undefined ? {} : { returnIndices: o.returnIndices }),
  }));
}

/** `maxUnpool2d`'s options: PyTorch's keywords. */
export interface MaxUnpool2dOptions {
  /** The pooling's stride (default: the kernel size). */
  stride?: number | readonly [number, number] | null;
  /** The pooling's padding (default 0). */
  padding?: number | readonly [number, number];
  /** The output's size, `[H, W]` or a whole shape ending in them (default: what the pooling would take back to, `(H − 1)·stride − 2·padding + kernel`). */
  outputSize?: readonly number[] | null;
}

/** @internal PyTorch's positional order after `(input, indices, kernel_size)` of `F.max_unpool1d`/`max_unpool2d`. */
const UNPOOL_PARAMS: readonly PositionalParam[] = [
  intOrTupleOrNull('stride'), intOrTuple('padding'), { name: 'outputSize', is: (v) => v === null || Array.isArray(v), expected: 'a list of integers or null' },
];

/**
 * The inverse of `maxPool2d` with `returnIndices`: zeros of the pooled input's size with each
 * value put back at its index (an int64 index into its `H·W` plane). PyTorch's `max_unpool2d`;
 * the gradient of each value is the output gradient at its index.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * const [y, i] = F.maxPool2d(arange(16).float().reshape(1, 1, 4, 4), 2, { returnIndices: true });
 * F.maxUnpool2d(y, i, 2); // [[0, 0, 0, 0], [0, 5, 0, 7], [0, 0, 0, 0], [0, 13, 0, 15]] in a [1, 1, 4, 4]
 * F.maxUnpool2d(y, i, 2, 2, 0, [5, 5]).shape; // [1, 1, 5, 5] (PyTorch's positionals: stride, padding, outputSize)
 * ```
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Pair, ...rest: Positional<[stride: Pair | null, padding: Pair, outputSize: readonly number[] | null], MaxUnpool2dOptions>): Tensor {
  const op = 'maxUnpool2d';
  const o = fnOptions<MaxUnpool2dOptions>(op, rest, UNPOOL_PARAMS);
  expectTensor(op, 'input', x);
  expectTensor(op, 'indices', indices);
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', o.stride ?? k, 1);
  const p = pair(op, 'padding', o.padding ?? 0, 0);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const [H, W] = x.shape.slice(-2) as [number, number];
  const size = unpoolSize(op, [H, W], k, s, p, o.outputSize ?? null, x.ndim);
  return unpool(op, x, indices, size);
}

/** `maxUnpool1d`'s options: PyTorch's keywords. */
export interface MaxUnpool1dOptions {
  /** The pooling's stride (default: the kernel size). */
  stride?: number | readonly [number] | null;
  /** The pooling's padding (default 0). */
  padding?: number | readonly [number];
  /** The output's length, `[L]` or a whole shape ending in it (default `(L − 1)·stride − 2·padding + kernel`). */
  outputSize?: readonly number[] | null;
}

/**
 * The inverse of `maxPool1d` with `returnIndices` (PyTorch's `max_unpool1d`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.maxUnpool1d(tensor([[[5, 7]]]), tensor([[[1, 3]]], { dtype: 'int64' }), 2); // tensor([[[0., 5., 0., 7.]]])
 * F.maxUnpool1d(tensor([[[5, 7]]]), tensor([[[1, 3]]], { dtype: 'int64' }), 2, 2, 0, [5]); // tensor([[[0., 5., 0., 7., 0.]]])
 * ```
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: Single, ...rest: Positional<[stride: Single | null, padding: Single, outputSize: readonly number[] | null], MaxUnpool1dOptions>): Tensor {
  const op = 'maxUnpool1d';
  const o = fnOptions<MaxUnpool1dOptions>(op, rest, UNPOOL_PARAMS);
  expectTensor(op, 'input', x);
  expectTensor(op, 'indices', indices);
  const k = single(op, 'kernelSize', kernelSize);
  const s = o.stride === undefined || o.stride === null ? k : single(op, 'stride', o.stride);
  const p = single(op, 'padding', o.padding ?? 0);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected input [N,C,L] or [C,L], got ${fmt(x.shape)}`);
  const [L] = unpoolSize(op, [x.shape[x.ndim - 1]!], [k], [s], [p], o.outputSize ?? null, x.ndim) as [number];
  return unpool(op, x, indices, [L]);
}

/** The unpooled spatial size: PyTorch's `_unpool_output_size` (its check of `output_size` included). */
function unpoolSize(op: string, input: number[], k: number[], s: number[], p: number[], outputSize: readonly number[] | null, ndim: number): number[] {
  const defaults = input.map((n, i) => (n - 1) * s[i]! - 2 * p[i]! + k[i]!);
  if (outputSize === null) return defaults;
  if (!Array.isArray(outputSize) || !outputSize.every((v) => Number.isInteger(v))) throw new TypeError(`${op}: outputSize must be an array of integers, got ${describe(outputSize)}`);
  const n = input.length;
  const size = outputSize.length === n + 2 || (outputSize.length === n + 1 && ndim === n + 1) ? outputSize.slice(-n) : outputSize;
  if (size.length !== n) throw new RangeError(`${op}: outputSize must have ${n} or ${n + 2} elements, got ${fmt(outputSize)}`);
  size.forEach((v, i) => {
    const lo = defaults[i]! - s[i]!, hi = defaults[i]! + s[i]!;
    if (v <= lo || v >= hi) throw new RangeError(`${op}: invalid outputSize ${fmt(outputSize)} (dim ${i} must be between ${lo} and ${hi}, exclusive)`);
  });
  return [...size];
}

/** Zeros of `x`'s leading dims by `size`, with x's values put at `indices` in each plane. */
function unpool(op: string, x: Tensor, indices: Tensor, size: number[]): Tensor {
  if (indices.dtype !== int64) throw new TypeError(`${op}: elements in indices should be type int64 but got: ${indices.dtype.name}`);
  if (indices.shape.length !== x.shape.length || indices.shape.some((v, i) => v !== x.shape[i])) {
    throw new ShapeError(`${op}: expected indices of the input's shape ${fmt(x.shape)}, got ${fmt(indices.shape)}`);
  }
  const lead = x.shape.slice(0, x.ndim - size.length), plane = size.reduce((a, b) => a * b, 1);
  const flatIdx = indices.reshape([...lead, -1]);
  const idx = flatIdx.toBigInt64Array();
  for (const v of idx) {
    if (v < 0n || v >= BigInt(plane)) throw new RangeError(`${op}: found an invalid max index: ${v} (output volumes are of size ${size.join('x')})`);
  }
  const zeros = full([...lead, plane], 0, { dtype: x.dtype });
  return scatter(zeros, -1, flatIdx, x.reshape([...lead, -1])).reshape([...lead, ...size]);
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
 * F.avgPool1d(tensor([[[1, 3, 2, 6]]]), 2, 1, 1, false, false); // tensor([[[1., 2., 2.5, 4., 6.]]]) (PyTorch's positionals)
 * ```
 */
export function avgPool1d(x: Tensor, kernelSize: Single, ...rest: Positional<[stride: Single | null, padding: Single, ceilMode: boolean, countIncludePad: boolean], AvgPool1dOptions>): Tensor {
  const op = 'avgPool1d';
  const o = fnOptions<AvgPool1dOptions>(op, rest, AVG_POOL_PARAMS.slice(0, 4));
  const k = single(op, 'kernelSize', kernelSize);
  const s = o.stride === undefined || o.stride === null ? k : single(op, 'stride', o.stride);
  const p = single(op, 'padding', o.padding ?? 0);
  const flags = { ...(o.ceilMode === undefined ? {} : { ceilMode: o.ceilMode }), ...(o.countIncludePad === undefined ? {} : { countIncludePad: o.countIncludePad }) };
  return as2d(op, x, (x4) => avgPool2d(x4, [1, k], { stride: [1, s], padding: [0, p], ...flags }));
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

/** `adaptiveMaxPool2d`'s and `adaptiveMaxPool1d`'s options: PyTorch's keyword. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the argmax of each window: int64 indices into its plane (`h·W + w`), for `maxUnpool2d`. */
  returnIndices?: boolean;
}

/** ATen's adaptive windows: output `o` of `out` over `size` covers `[start, end)`. */
const adaptiveStart = (o: number, out: number, size: number): number => Math.floor(o * size / out);
const adaptiveEnd = (o: number, out: number, size: number): number => Math.floor(((o + 1) * size + out - 1) / out);

/**
 * 2-D adaptive max pooling of `[N, C, H, W]` (or `[C, H, W]`) to `outputSize` (a number, or a
 * pair whose `null` keeps that dim): PyTorch's `adaptive_max_pool2d`, its CPU kernel's windows
 * and scan (a later value wins if greater, or NaN: a window's last NaN), indices into each plane.
 * The gradient goes to each window's argmax, accumulated in output order (a `scatterAdd`, so
 * differentiable again, as PyTorch's). With `{ returnIndices: true }`, `[values, indices]`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.adaptiveMaxPool2d(tensor([[[1, 5, 2], [4, 3, 6]]]), 1); // tensor([[[6.]]])
 * const [v, i] = F.adaptiveMaxPool2d(tensor([[[1, 5, 2], [4, 3, 6]]]), [1, 2], { returnIndices: true });
 * i.tolist(); // [[[1, 5]]]
 * F.adaptiveMaxPool2d(tensor([[[1, 5, 2], [4, 3, 6]]]), [1, 2], true)[1].tolist(); // the same (PyTorch's positional returnIndices)
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null], ...rest: WithIndices<[], AdaptiveMaxPoolOptions>): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null], ...rest: MaxPoolArgs<[], AdaptiveMaxPoolOptions, false>): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null], ...rest: MaxPoolArgs<[], AdaptiveMaxPoolOptions, boolean>): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null], ...rest: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return adaptiveMax('adaptiveMaxPool2d', 'adaptive_max_pool2d', x, outputSize, rest);
}

/**
 * 1-D adaptive max pooling of `[N, C, L]` (or `[C, L]`) to `outputSize`: PyTorch's
 * `adaptive_max_pool1d` (the 2-d pooling over `[N, C, 1, L]`; indices along L). With
 * `{ returnIndices: true }`, `[values, indices]`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.adaptiveMaxPool1d(tensor([[1, 5, 2, 4, 3]]), 2); // tensor([[5., 4.]])
 * F.adaptiveMaxPool1d(tensor([[1, 5, 2, 4, 3]]), 2, true)[1]; // tensor([[1, 3]])
 * ```
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: Single, ...rest: WithIndices<[], AdaptiveMaxPoolOptions>): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: Single, ...rest: MaxPoolArgs<[], AdaptiveMaxPoolOptions, false>): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: Single, ...rest: MaxPoolArgs<[], AdaptiveMaxPoolOptions, boolean>): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: Single, ...rest: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'adaptiveMaxPool1d';
  expectTensor(op, 'input', x);
  if (Array.isArray(outputSize) && outputSize.length !== 1) throw new TypeError(`${op}: adaptive_max_pool1d() argument 'output_size' should contain one int (got ${outputSize.length})`);
  const n = single(op, 'outputSize', outputSize);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: Expected 2 to 3 dimensions, but got ${x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_max_pool1d)`);
  return squeezeEach(adaptiveMax(op, 'adaptive_max_pool1d', x.unsqueeze(-2), [1, n], rest), -2);
}

/** The adaptive max pooling of both: ATen's `cpu_adaptive_max_pool` over the last two dims of a 3-d or 4-d input. */
function adaptiveMax(op: string, aten: string, x: Tensor, outputSize: number | readonly [number | null, number | null], rest: readonly unknown[]): Tensor | [Tensor, Tensor] {
  expectTensor(op, 'input', x);
  const options = fnOptions<AdaptiveMaxPoolOptions>(op, rest, MAX_POOL_PARAMS.slice(4));
  const returnIndices = options.returnIndices ?? false;
  if (typeof returnIndices !== 'boolean') throw new TypeError(`${op}: returnIndices must be a boolean, got ${describe(returnIndices)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`${op}: adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${fmt(x.shape)}`);
  for (let d = x.ndim - 3; d < x.ndim; d++) {
    if (x.shape[d] === 0) throw new ShapeError(`${op}: ${aten}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmt(x.shape)} with dimension ${d} being empty`);
  }
  if (!x.dtype.isFloatingPoint || x.dtype.itemsize < 4) throw new TypeError(`${op}: "adaptive_max_pool2d" not implemented for '${x.dtype.cName}'`);
  const H = x.shape[x.ndim - 2]!, W = x.shape[x.ndim - 1]!;
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) ? outputSize : null;
  if (raw === null || raw.length !== 2) throw new RangeError(`${op}: adaptive_max_pool2d(): internal error: output_size.size() must be 2, got ${describe(outputSize)}`);
  const [oh, ow] = raw.map((v, i) => (v === null ? (i === 0 ? H : W) : v)) as [number, number];
  if (![oh, ow].every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`${op}: outputSize must hold non-negative integers (or null), got ${fmt(raw.map((v) => (v === null ? -1 : v)))}`);
  const planes = x.numel() / (H * W);
  const [xd, xo] = x._contiguousAny() as [Float64Array, number];
  const values = empty([...x.shape.slice(0, -2), oh, ow], x.dtype);
  const vd = values.storage.data as Float64Array;
  const idx = new BigInt64Array(values.numel());
  for (let p = 0; p < planes; p++) {
    const base = xo + p * H * W;
    for (let i = 0; i < oh; i++) {
      const h0 = adaptiveStart(i, oh, H), h1 = adaptiveEnd(i, oh, H);
      for (let j = 0; j < ow; j++) {
        const w0 = adaptiveStart(j, ow, W), w1 = adaptiveEnd(j, ow, W);
        let best = h0 * W + w0, max = -Infinity;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const v = xd[base + h * W + w]!;
            if (v > max || v !== v) { max = v; best = h * W + w; }
          }
        }
        const o = (p * oh + i) * ow + j;
        vd[o] = max;
        idx[o] = BigInt(best);
      }
    }
  }
  const indices = wrap(idx, values.shape, int64);
  const out = record(op, values, [x], (g) => {
    // ATen's backward: grad_input[plane][argmax] += grad_output, in output order
    const flat = [...x.shape.slice(0, -2), H * W];
    return [scatterAdd(zeros(flat, { dtype: x.dtype }), -1, indices.reshape([...x.shape.slice(0, -2), oh * ow]), g.reshape([...x.shape.slice(0, -2), oh * ow])).reshape(x.shape)];
  });
  return returnIndices ? [out, indices] : out;
}
