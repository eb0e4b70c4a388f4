import { isGradEnabled, noGrad, record } from '../../autograd.js';
import { float32, float64, type DType } from '../../dtype.js';
import { ShapeError } from '../../errors.js';
import { bool as boolParam, fnOptions, num, tensorOrNull, type Positional, type PositionalParam } from '../../call-forms.js';
import { fmt, sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { add, div, mul, pow, sub } from '../binary.js';
import { pad } from './padding.js';
import { avgPool2d } from './pooling.js';
import { mean, sum } from '../reduce.js';
import { reciprocal, sqrt } from '../unary.js';
import { describe, empty, expectTensor, wrap } from '../util.js';
import { replayBackward } from './common.js';
import { K } from '../../kernels/index.js';
import { batchNormRowsSession, layerNormRows, layerNormRowsBackward } from '../../kernels/nn-js.js';

/** The JS rows of the norms (statistics in double; outputs in the data's own precision). */
const normRows = { batchNormSession: batchNormRowsSession, layerNorm: layerNormRows, layerNormBackward: layerNormRowsBackward };
/**
 * The norm kernels for data of dtype `dt`: the kernel set's for float32 (the module on the
 * wasm backend; the same bits as the JS rows), the JS rows themselves for float64
 * (the kernel set's signatures say Float32Array, which only float32 data reaches).
 */
const normKernels = (dt: DType): typeof normRows => (dt === float32 ? K() as unknown as typeof normRows : normRows);

// ---- normalisation ------------------------------------------------------------------------

function checkEps(op: string, eps: unknown): number {
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`${op}: eps must be a non-negative number, got ${String(eps)}`);
  return eps;
}

function checkAffine(op: string, arg: string, t: Tensor | null | undefined, shape: readonly number[]): Tensor | null {
  if (t === undefined || t === null) return null;
  expectTensor(op, arg, t);
  if (!sameShape(t.shape, shape)) throw new ShapeError(`${op}: ${arg} has shape ${fmt(t.shape)}, expected ${fmt(shape)}`);
  return t;
}

/** `(x - mean) / sqrt(var + eps)` over `dims` (biased variance), and the mean and variance. */
function normalize(x: Tensor, dims: number[], eps: number): { y: Tensor; mu: Tensor; v: Tensor } {
  const mu = mean(x, dims, true);
  const d = sub(x, mu);
  const v = mean(mul(d, d), dims, true);
  return { y: mul(d, reciprocal(sqrt(add(v, eps)))), mu, v };
}

/**
 * Training-mode batch normalisation of `[N, C, ...]` in one kernel each way (ATen's
 * `batch_norm_cpu` / `batch_norm_backward_cpu`): per channel the mean and the biased variance in
 * double (two passes), then `y = (x - mean)·(invstd·w) + b` in x's precision (float32 operations, as
 * PyTorch's kernel; the mean split into two floats keeps `x - mean` exact near it). Returns the
 * batch mean and biased variance (x's dtype) for the running statistics.
 *
 * Backward, with `xhat = (x - mean)·invstd` and M values per channel:
 * `dx = (dy - Σdy/M - xhat·Σ(dy·xhat)/M)·invstd·w`, `dw = Σ(dy·xhat)`, `db = Σdy`; composed from
 * differentiable ops when the backward is itself recorded.
 */
function batchNormTraining(x: Tensor, w: Tensor | null, b: Tensor | null, eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const N = x.shape[0]!, C = x.shape[1]!, S = x.numel() / Math.max(N * C, 1), M = N * S;
  const dt = x.dtype;
  const [xd, xo] = x._contiguousAny() as [Float32Array | Float64Array, number];
  // each affine tensor's data and offset from one read (of its cast, when its dtype differs)
  const [wd, wo] = w ? (w.dtype === dt ? w : w.to(dt))._contiguousAny() as [Float32Array | Float64Array, number] : [null, 0];
  const [bd, bo] = b ? (b.dtype === dt ? b : b.to(dt))._contiguousAny() as [Float32Array | Float64Array, number] : [null, 0];
  const mean = new Float64Array(C), invstd = new Float64Array(C), variance = new Float64Array(C);
  const out = empty(x.shape, dt);
  const yd = out.storage.data as Float32Array | Float64Array;
  // NOTE: each pass runs in memory order (sample, channel, position) with one accumulator per
  // channel (channel-major order read a [N, C] input one float per cache line); the passes are
  // small functions (see batchNormRows).
  const nk = normKernels(dt);
  nk.batchNormSession(xd, xo, null, 0, N, C, S, (s) => {
    const acc = new Float64Array(C);
    s.pass(SUM, mean, acc, null, null);
    for (let c = 0; c < C; c++) { mean[c] = acc[c]! / M; acc[c] = 0; }
    s.pass(SQUARES, mean, acc, null, null);
    const scale = new Float64Array(C), shift = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      const v = acc[c]! / M, is = 1 / Math.sqrt(v + eps);
      variance[c] = v; invstd[c] = is;
      scale[c] = wd ? is * wd[wo + c]! : is;
      shift[c] = bd ? bd[bo + c]! : 0;
    }
    s.pass(AFFINE, mean, scale, shift, yd);
  });
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  const y = record('batchNorm', out, inputs, (g) => {
    const need = [x.requiresGrad, w?.requiresGrad ?? false, b?.requiresGrad ?? false];
    if (isGradEnabled()) {
      // Recorded backward: the same formula from differentiable ops.
      const bshape = x.shape.map((sz, i) => (i === 1 ? sz : 1));
      const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
      // mean and invstd recomputed from x by ops, so a second derivative sees their dependence on x
      const { y: xhat, v } = normalize(x, dims, eps);
      const ist = reciprocal(sqrt(add(v, eps)));
      const gw = w ? mul(g, w.reshape(bshape)) : g;
      const dx = mul(sub(sub(gw, meanOf(gw, dims)), mul(xhat, meanOf(mul(gw, xhat), dims))), ist);
      return [
        need[0] ? dx : null,
        ...(w ? [need[1] ? sumOf(mul(g, xhat), dims).reshape([C]) : null] : []),
        ...(b ? [need[2] ? sumOf(g, dims).reshape([C]) : null] : []),
      ];
    }
    const [gd, go] = g._contiguousAny() as [Float32Array | Float64Array, number];
    const dx = need[0] ? empty(x.shape, dt) : null;
    const dxd = dx ? dx.storage.data as Float32Array | Float64Array : null;
    const dw = w && need[1] ? empty([C], w.dtype) : null, db = b && need[2] ? empty([C], b.dtype) : null;
    nk.batchNormSession(xd, xo, gd, go, N, C, S, (s) => {
      const sg = new Float64Array(C), sgx = new Float64Array(C); // Σdy, Σdy·(x - mean) per channel, in memory order
      s.pass(GRAD_SUMS, mean, sg, sgx, null);
      const k = new Float64Array(C), gm = new Float64Array(C), xm = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        const is = invstd[c]!, dot = sgx[c]! * is; // Σ dy·xhat
        if (dw) (dw.storage.data as Float32Array | Float64Array)[c] = dot;
        if (db) (db.storage.data as Float32Array | Float64Array)[c] = sg[c]!;
        k[c] = wd ? is * wd[wo + c]! : is; gm[c] = sg[c]! / M; xm[c] = dot / M;
      }
      if (dxd) s.gradInput(mean, invstd, k, gm, xm, dxd);
    });
    return [dx, ...(w ? [dw] : []), ...(b ? [db] : [])];
  }, inputs);
  return { y, mean: wrapLike(mean, [C], dt), variance: wrapLike(variance, [C], dt) };
}

const SUM = 0, SQUARES = 1, AFFINE = 2, GRAD_SUMS = 3;

const wrapLike = (d: Float64Array, shape: readonly number[], dt: DType): Tensor => wrap(dt === float64 ? d : Float32Array.from(d), shape, dt);
/** A weight's or bias's gradient accumulated in doubles, as a tensor of `t`'s shape in `dt` (null when not wanted). */
const fromDoubles = (acc: Float64Array | null, t: Tensor | null, dt: DType): Tensor | null => (acc && t ? wrapLike(acc, t.shape, dt) : null);

const meanOf = (t: Tensor, dims: number[]): Tensor => mean(t, dims, true);
const sumOf = (t: Tensor, dims: number[]): Tensor => sum(t, dims, true);

/** @internal PyTorch's positional `weight, bias, eps` of `F.layer_norm` and `F.group_norm`. */
const AFFINE_EPS: readonly PositionalParam[] = [tensorOrNull('weight'), tensorOrNull('bias'), num('eps')];
/** @internal PyTorch's positional order after `(input, running_mean, running_var)` of `F.batch_norm`. */
const BATCH_NORM_PARAMS: readonly PositionalParam[] = [tensorOrNull('weight'), tensorOrNull('bias'), boolParam('training'), num('momentum'), num('eps')];
type T = Tensor | null;

export interface BatchNormOptions {
  /** Per-channel scale `[C]` (default none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default none). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the batch statistics in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation of `[N, C, ...]` per channel C. Training: normalise with the batch mean and
 * biased variance, and (when given) update `runningMean`/`runningVar` in place as
 * `(1 - momentum)·running + momentum·batch` with the unbiased variance. Otherwise normalise with
 * the running statistics. Composed from differentiable ops.
 *
 * @example
 * ```ts
 * import { F, tensor, zeros, ones } from '@tensile/tensor';
 * const rm = zeros([2]), rv = ones([2]);
 * F.batchNorm(tensor([[1, 2], [3, 6]]), rm, rv, { training: true }); // tensor([[-1., -1.], [1., 1.]]) (about)
 * rm.toArray(); // [0.2, 0.4]
 * F.batchNorm(tensor([[1, 2], [3, 6]]), rm, rv, null, null, true, 0.1, 1e-5); // PyTorch's positionals: weight, bias, training, momentum, eps
 * ```
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...rest: Positional<[weight: T, bias: T, training: boolean, momentum: number, eps: number], BatchNormOptions>): Tensor {
  const op = 'batchNorm';
  const options = fnOptions<BatchNormOptions>(op, rest, BATCH_NORM_PARAMS);
  expectTensor(op, 'input', x);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input [N, C, ...] with at least 2 dims, got ${fmt(x.shape)}`);
  const C = x.shape[1]!;
  const rm = checkAffine(op, 'runningMean', runningMean, [C]);
  const rv = checkAffine(op, 'runningVar', runningVar, [C]);
  const w = checkAffine(op, 'weight', options.weight, [C]);
  const b = checkAffine(op, 'bias', options.bias, [C]);
  const training = options.training ?? false;
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${describe(training)}`);
  const momentum = options.momentum ?? 0.1;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${String(momentum)}`);
  const eps = checkEps(op, options.eps ?? 1e-5);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (training) {
    const n = x.numel() / Math.max(C, 1);
    if (n <= 1) throw new RangeError(`${op}: expected more than 1 value per channel when training, got input size ${fmt(x.shape)}`);
    if (x.dtype === float32 || x.dtype === float64) {
      const fused = batchNormTraining(x, w, b, eps);
      noGrad(() => {
        if (rm) rm.mul_(1 - momentum).add_(fused.mean.reshape([C]), momentum);
        if (rv) rv.mul_(1 - momentum).add_(fused.variance.reshape([C]), (momentum * n) / (n - 1));
      });
      return fused.y;
    }
    const { y: yn, mu, v } = normalize(x, dims, eps);
    y = yn;
    noGrad(() => {
      if (rm) rm.mul_(1 - momentum).add_(mu.detach().reshape([C]), momentum);
      if (rv) rv.mul_(1 - momentum).add_(v.detach().reshape([C]), (momentum * n) / (n - 1));
    });
  } else {
    if (!rm || !rv) throw new TypeError(`${op}: runningMean and runningVar must be given when not training`);
    y = mul(sub(x, rm.reshape(bshape)), reciprocal(sqrt(add(rv.reshape(bshape), eps))));
  }
  if (w) y = mul(y, w.reshape(bshape));
  if (b) y = add(y, b.reshape(bshape));
  return y;
}

/** `instanceNorm`'s options: PyTorch's keywords. */
export interface InstanceNormOptions {
  /** Running per-channel mean `[C]`, updated in place when using the input's statistics (default none). */
  runningMean?: Tensor | null;
  /** Running per-channel variance `[C]`, updated as `runningMean` (default none). */
  runningVar?: Tensor | null;
  /** Per-channel scale `[C]` (default none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default none). */
  bias?: Tensor | null;
  /** Normalise with each instance's own statistics (default true); false: the running ones. */
  useInputStats?: boolean;
  /** Weight of the batch statistics in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Instance normalisation of `[N, C, ...]`: each sample's channels normalised over their own
 * positions (PyTorch's `F.instance_norm`, which is batch normalisation of the input viewed as
 * `[1, N·C, ...]`, the affine parameters and running statistics repeated N times; the running
 * statistics then take the mean over the samples).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.instanceNorm(tensor([[[1, 3], [2, 2]]])); // tensor([[[-1.0000,  1.0000], [ 0.0000,  0.0000]]]) (about)
 * F.instanceNorm(tensor([[[1, 3], [2, 2]]]), null, null, tensor([2, 1]), null, true, 0.1, 1e-5); // PyTorch's positionals
 * ```
 */
export function instanceNorm(x: Tensor, ...rest: Positional<[runningMean: T, runningVar: T, weight: T, bias: T, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>): Tensor {
  const op = 'instanceNorm';
  const o = fnOptions<InstanceNormOptions>(op, rest, [tensorOrNull('runningMean'), tensorOrNull('runningVar'), ...AFFINE_EPS.slice(0, 2), boolParam('useInputStats'), ...BATCH_NORM_PARAMS.slice(3)]);
  expectTensor(op, 'input', x);
  if (x.ndim < 3) throw new ShapeError(`${op}: expected input [N, C, ...] with at least 3 dims, got ${fmt(x.shape)}`);
  const N = x.shape[0]!, C = x.shape[1]!;
  const rm = checkAffine(op, 'runningMean', o.runningMean, [C]);
  const rv = checkAffine(op, 'runningVar', o.runningVar, [C]);
  const w = checkAffine(op, 'weight', o.weight, [C]);
  const b = checkAffine(op, 'bias', o.bias, [C]);
  const useInputStats = o.useInputStats ?? true;
  if (typeof useInputStats !== 'boolean') throw new TypeError(`${op}: useInputStats must be a boolean, got ${describe(useInputStats)}`);
  const repeat = (t: Tensor | null): Tensor | null => (t ? t.repeat(N) : null);
  const rm2 = noGrad(() => repeat(rm)), rv2 = noGrad(() => repeat(rv));
  const shape = [1, N * C, ...x.shape.slice(2)];
  const y = batchNorm(x.contiguous().reshape(shape), rm2, rv2, {
    weight: repeat(w), bias: repeat(b), training: useInputStats, momentum: o.momentum ?? 0.1, eps: o.eps ?? 1e-5,
  });
  noGrad(() => {
    if (rm && rm2 && useInputStats) rm.copy_(rm2.reshape([N, C]).mean(0));
    if (rv && rv2 && useInputStats) rv.copy_(rv2.reshape([N, C]).mean(0));
  });
  return y.reshape(x.shape);
}

export interface LayerNormOptions {
  /** Scale of `normalizedShape` (default none). */
  weight?: Tensor | null;
  /** Shift of `normalizedShape` (default none). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Layer normalisation over the last `normalizedShape.length` dims (biased variance), then
 * `weight`/`bias` of shape `normalizedShape`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.layerNorm(tensor([[1, 3]]), [2]); // tensor([[-1.0000, 1.0000]]) (about)
 * F.layerNorm(tensor([[1, 3]]), [2], tensor([2, 2]), tensor([0, 1]), 1e-5); // tensor([[-2.0000, 3.0000]]) (about): PyTorch's positional weight, bias, eps
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], ...rest: Positional<[weight: T, bias: T, eps: number], LayerNormOptions>): Tensor {
  const op = 'layerNorm';
  const options = fnOptions<LayerNormOptions>(op, rest, AFFINE_EPS);
  expectTensor(op, 'input', x);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : null;
  if (!ns || !ns.every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`${op}: normalizedShape must be a non-negative integer or a list of them, got ${String(normalizedShape)}`);
  const k = ns.length;
  if (k > x.ndim || !sameShape(x.shape.slice(x.ndim - k), ns)) {
    throw new ShapeError(`${op}: given normalizedShape=${fmt(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${fmt(x.shape)}`);
  }
  const w = checkAffine(op, 'weight', options.weight, ns);
  const b = checkAffine(op, 'bias', options.bias, ns);
  const eps = checkEps(op, options.eps ?? 1e-5);
  const D = ns.reduce((a, c) => a * c, 1);
  if (k > 0 && D > 0 && (x.dtype === float32 || x.dtype === float64) && (!w || w.dtype === x.dtype) && (!b || b.dtype === x.dtype)) {
    return layerNormFused(x, D, w, b, eps, Array.from({ length: k }, (_, i) => x.ndim - k + i));
  }
  let y = k === 0 ? x : normalize(x, Array.from({ length: k }, (_, i) => x.ndim - k + i), eps).y;
  if (w) y = mul(y, w);
  if (b) y = add(y, b);
  return y;
}

/**
 * Layer normalisation over rows of `D` in one kernel each way (ATen's `layer_norm_cpu` and its
 * backward): per row the mean and biased variance in double, `y = (x - mean)·invstd·w + b` and
 * the input gradient in x's precision (float32 operations, as PyTorch's kernel). Backward, `xhat = (x - mean)·invstd`, `gw = dy·w`:
 * `dx = invstd·(gw - mean(gw) - xhat·mean(gw·xhat))`, `dw = Σ_rows dy·xhat`, `db = Σ_rows dy`;
 * composed from differentiable ops when the backward is itself recorded.
 */
function layerNormFused(x: Tensor, D: number, w: Tensor | null, b: Tensor | null, eps: number, dims: number[]): Tensor {
  const dt = x.dtype, R = x.numel() / D;
  const [xd, xo] = x._contiguousAny() as [Float64Array, number];
  const [wd, wo] = w ? w._contiguousAny() as [Float64Array, number] : [null, 0];
  const [bd, bo] = b ? b._contiguousAny() as [Float64Array, number] : [null, 0];
  const mean = new Float64Array(R), invstd = new Float64Array(R);
  const out = empty(x.shape, dt);
  const yd = out.storage.data as Float64Array;
  normKernels(dt).layerNorm(xd, xo, R, D, wd, wo, bd, bo, eps, yd, mean, invstd);
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  return record('layerNorm', out, inputs, (g) => {
    const need = [x.requiresGrad, w?.requiresGrad ?? false, b?.requiresGrad ?? false];
    const lead = x.ndim - dims.length;
    const rows = Array.from({ length: lead }, (_, i) => i);
    if (isGradEnabled()) {
      // Recorded backward: the statistics recomputed from x by ops (second derivatives see them).
      const { y: xhat, v } = normalize(x, dims, eps);
      const ist = reciprocal(sqrt(add(v, eps)));
      const gw = w ? mul(g, w) : g;
      const dx = mul(sub(sub(gw, meanOf(gw, dims)), mul(xhat, meanOf(mul(gw, xhat), dims))), ist);
      return [
        need[0] ? dx : null,
        ...(w ? [need[1] ? (rows.length ? sum(mul(g, xhat), rows) : mul(g, xhat)) : null] : []),
        ...(b ? [need[2] ? (rows.length ? sum(g, rows) : g) : null] : []),
      ];
    }
    const [gd, go] = g._contiguousAny() as [Float64Array, number];
    const dx = need[0] ? empty(x.shape, dt) : null;
    const dxd = dx ? dx.storage.data as Float64Array : null;
    const dwAcc = w && need[1] ? new Float64Array(D) : null, dbAcc = b && need[2] ? new Float64Array(D) : null;
    normKernels(dt).layerNormBackward(xd, xo, gd, go, R, D, wd, wo, mean, invstd, dxd, dwAcc, dbAcc);
    return [dx, ...(w ? [fromDoubles(dwAcc, w, dt)] : []), ...(b ? [fromDoubles(dbAcc, b, dt)] : [])];
  }, inputs);
}

export interface GroupNormOptions {
  /** Per-channel scale `[C]` (default none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default none). */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * Group normalisation of `[N, C, ...]`: the channels split into `numGroups` groups, each
 * normalised over its channels and positions, then per-channel `weight`/`bias`.
 *
 * @example
 * ```ts
 * import { F, ones, randn, zeros } from '@tensile/tensor';
 * F.groupNorm(randn([2, 4, 3]), 2).shape; // [2, 4, 3]
 * F.groupNorm(randn([2, 4, 3]), 2, ones([4]), zeros([4]), 1e-5).shape; // [2, 4, 3]: PyTorch's positional weight, bias, eps
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, ...rest: Positional<[weight: T, bias: T, eps: number], GroupNormOptions>): Tensor {
  const op = 'groupNorm';
  const options = fnOptions<GroupNormOptions>(op, rest, AFFINE_EPS);
  expectTensor(op, 'input', x);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input [N, C, ...] with at least 2 dims, got ${fmt(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1) throw new RangeError(`${op}: numGroups must be a positive integer, got ${String(numGroups)}`);
  if (C % numGroups !== 0) throw new RangeError(`${op}: expected number of channels in input to be divisible by numGroups, but got input of shape ${fmt(x.shape)} and numGroups=${numGroups}`);
  const w = checkAffine(op, 'weight', options.weight, [C]);
  const b = checkAffine(op, 'bias', options.bias, [C]);
  const eps = checkEps(op, options.eps ?? 1e-5);
  const dt = x.dtype;
  const same = (t: Tensor | null): boolean => t === null || t.dtype === dt;
  if ((dt === float32 || dt === float64) && same(w) && same(b) && x.numel() > 0) return groupNormFused(x, numGroups, w, b, eps);
  return groupNormComposed(x, numGroups, w, b, eps);
}

/** GroupNorm from differentiable ops: the reference, other dtypes' path, and the fused node's recorded backward. */
function groupNormComposed(x: Tensor, G: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  let y = normalize(x.reshape([x.shape[0]!, G, -1]), [2], eps).y.reshape(x.shape);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (w) y = mul(y, w.reshape(bshape));
  if (b) y = add(y, b.reshape(bshape));
  return y;
}

/**
 * GroupNorm as ATen's `GroupNormKernel` computes it, each sample a batch-norm pass over
 * `[1, C, S]` with its groups' statistics (the kernel set's `batchNormSession`, in the module for
 * float32): per (sample, group) of `C/G · S` values the mean and biased variance in double (each
 * channel's positions four-way, the channels in order), `y = (x - mean)·(invstd·w[c]) + b[c]` and
 * dx in x's precision (float32 operations). Backward, per group, with `gw = dy·w[c]`: `dx = invstd·(gw - mean(gw) -
 * xhat·mean(gw·xhat))` (the session's `gradInput` with w); `dw[c] = Σ dy·xhat`, `db[c] = Σ dy` over
 * samples and positions, in double. A recorded backward (`createGraph`) differentiates the
 * composed form on aliases of the inputs.
 */
function groupNormFused(x: Tensor, G: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const dt = x.dtype, N = x.shape[0]!, C = x.shape[1]!, S = x.numel() / (N * C), Cg = C / G, M = Cg * S, per = C * S;
  const [xd, xo] = x._contiguousAny() as [Float64Array, number];
  const [wd, wo] = w ? (w._contiguousAny() as [Float64Array, number]) : [null, 0];
  const [bd, bo] = b ? (b._contiguousAny() as [Float64Array, number]) : [null, 0];
  // Each sample is a batch-norm pass over [1, C, S] with per-channel statistics, the group's,
  // in one session per direction (x, and g, staged once).
  const nk = normKernels(dt);
  /** The group's value at each of its channels. */
  const spread = (v: Float64Array, n: number, into: Float64Array): Float64Array => {
    for (let c = 0; c < C; c++) into[c] = v[n * G + Math.floor(c / Cg)]!;
    return into;
  };
  /** Per group of sample n, the sum over its channels (channel order) of `acc`. */
  const groupSum = (acc: Float64Array, g: number): number => {
    let t = 0;
    for (let cc = 0; cc < Cg; cc++) t += acc[g * Cg + cc]!;
    return t;
  };
  const mean = new Float64Array(N * G), invstd = new Float64Array(N * G);
  const meanC = new Float64Array(C), acc = new Float64Array(C), k = new Float64Array(C), sh = new Float64Array(C);
  const out = empty(x.shape, dt);
  const yd = out.storage.data as Float64Array;
  nk.batchNormSession(xd, xo, null, 0, N, C, S, (s) => {
    for (let n = 0; n < N; n++) {
      acc.fill(0);
      s.pass(SUM, meanC, acc, null, null, n, 1);
      for (let g = 0; g < G; g++) mean[n * G + g] = groupSum(acc, g) / M;
      spread(mean, n, meanC);
      acc.fill(0);
      s.pass(SQUARES, meanC, acc, null, null, n, 1);
      for (let g = 0; g < G; g++) invstd[n * G + g] = 1 / Math.sqrt(groupSum(acc, g) / M + eps);
      for (let c = 0; c < C; c++) {
        const is = invstd[n * G + Math.floor(c / Cg)]!;
        k[c] = wd ? is * wd[wo + c]! : is;
        sh[c] = bd ? bd[bo + c]! : 0;
      }
      s.pass(AFFINE, meanC, k, sh, yd, n, 1);
    }
  });
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  return record('groupNorm', out, inputs, (g) => {
    if (isGradEnabled()) {
      return replayBackward(inputs, g, (a) => {
        let i = 1; // the aliases in `inputs`' order: x, weight (if any), bias (if any)
        return groupNormComposed(a[0]!, G, w ? a[i++]! : null, b ? a[i++]! : null, eps);
      });
    }
    const need = [x.requiresGrad, w?.requiresGrad ?? false, b?.requiresGrad ?? false];
    const [gd, go] = g._contiguousAny() as [Float64Array, number];
    const dx = need[0] ? empty(x.shape, dt) : null;
    const dxd = dx ? (dx.storage.data as Float64Array) : null;
    const dwAcc = w && need[1] ? new Float64Array(C) : null, dbAcc = b && need[2] ? new Float64Array(C) : null;
    const sg = new Float64Array(C), sgx = new Float64Array(C), isC = new Float64Array(C), gm = new Float64Array(C), xm = new Float64Array(C), wC = new Float64Array(C);
    for (let c = 0; c < C; c++) wC[c] = wd ? wd[wo + c]! : 1;
    nk.batchNormSession(xd, xo, gd, go, N, C, S, (s) => {
      for (let n = 0; n < N; n++) {
        // per channel Σdy and Σdy·(x − mean), then per group Σ dy·w and Σ dy·w·x̂ over its channels
        spread(mean, n, meanC);
        spread(invstd, n, isC);
        sg.fill(0);
        sgx.fill(0);
        s.pass(GRAD_SUMS, meanC, sg, sgx, null, n, 1);
        for (let gi = 0; gi < G; gi++) {
          const is = invstd[n * G + gi]!;
          let sgw = 0, sgwx = 0;
          for (let cc = 0; cc < Cg; cc++) {
            const c = gi * Cg + cc, dot = sgx[c]! * is; // Σ dy·x̂
            sgw += wC[c]! * sg[c]!;
            sgwx += wC[c]! * dot;
            if (dwAcc) dwAcc[c] = dwAcc[c]! + dot;
            if (dbAcc) dbAcc[c] = dbAcc[c]! + sg[c]!;
          }
          for (let cc = 0; cc < Cg; cc++) { gm[gi * Cg + cc] = sgw / M; xm[gi * Cg + cc] = sgwx / M; }
        }
        // dx = ((dy·w − Σdy·w/M) − x̂·Σdy·w·x̂/M)·invstd, M values per group
        if (dxd) s.gradInput(meanC, isC, isC, gm, xm, dxd, wC, n, 1);
      }
    });
    return [dx, ...(w ? [fromDoubles(dwAcc, w, dt)] : []), ...(b ? [fromDoubles(dbAcc, b, dt)] : [])];
  }, inputs);
}

/** `localResponseNorm`'s options: PyTorch's keywords. */
export interface LocalResponseNormOptions {
  /** Scale of the sum of squares (default 1e-4). */
  alpha?: number;
  /** Exponent (default 0.75). */
  beta?: number;
  /** Added before the power (default 1). */
  k?: number;
}

/**
 * Local response normalisation across channels (PyTorch's `F.local_response_norm`) of
 * `[N, C, ...]`: `x / (k + alpha·mean(x²))^beta`, the mean over `size` neighbouring channels,
 * zero-padded by `⌊size/2⌋` before and `⌊(size−1)/2⌋` after. Composed as PyTorch's: the squares
 * average-pooled along the channel dim. PyTorch's positional order: `alpha, beta, k`.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.localResponseNorm(ones([1, 3, 2]), 2).shape;               // [1, 3, 2]
 * F.localResponseNorm(ones([1, 3, 2, 2]), 3, 1e-2, 0.5, 2).shape; // [1, 3, 2, 2]: alpha, beta, k
 * ```
 */
export function localResponseNorm(x: Tensor, size: number, ...rest: Positional<[alpha: number, beta: number, k: number], LocalResponseNormOptions>): Tensor {
  const op = 'localResponseNorm';
  const o = fnOptions<LocalResponseNormOptions>(op, rest, [num('alpha'), num('beta'), num('k')]);
  expectTensor(op, 'input', x);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new RangeError(`${op}: size must be a positive integer, got ${describe(size)}`);
  const alpha = o.alpha ?? 1e-4, beta = o.beta ?? 0.75, k = o.k ?? 1;
  for (const [n, v] of [['alpha', alpha], ['beta', beta], ['k', k]] as const) if (typeof v !== 'number') throw new TypeError(`${op}: ${n} must be a number, got ${describe(v)}`);
  if (x.ndim < 3) throw new ShapeError(`${op}: Expected 3D or higher dimensionality input (got ${x.ndim} dimensions)`);
  if (x.numel() === 0) return x;
  // PyTorch pools [N, 1, C, L] (3-d) or [N, 1, C, H, W·...] (avg_pool3d, kernel (size, 1, 1)): both
  // average `size` consecutive channels of each position, as the 2-d pooling of [N, 1, C, rest].
  const sq = mul(x, x).reshape([x.shape[0]!, 1, x.shape[1]!, -1]);
  const d = avgPool2d(pad(sq, [0, 0, size >> 1, (size - 1) >> 1]), [size, 1], 1).reshape(x.shape);
  return div(x, pow(add(mul(d, alpha), k), beta));
}
