import { noGrad } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { fmt, sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../binary.js';
import { mean } from '../reduce.js';
import { reciprocal, sqrt } from '../unary.js';
import { describe, expectTensor } from '../util.js';

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
 * ```
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  checkOptions(op, options, ['weight', 'bias', 'training', 'momentum', 'eps']);
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
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  checkOptions(op, options, ['weight', 'bias', 'eps']);
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
  let y = k === 0 ? x : normalize(x, Array.from({ length: k }, (_, i) => x.ndim - k + i), eps).y;
  if (w) y = mul(y, w);
  if (b) y = add(y, b);
  return y;
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
 * import { F, randn } from '@tensile/tensor';
 * F.groupNorm(randn([2, 4, 3]), 2).shape; // [2, 4, 3]
 * ```
 */
export function groupNorm(x: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  const op = 'groupNorm';
  checkOptions(op, options, ['weight', 'bias', 'eps']);
  expectTensor(op, 'input', x);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected input [N, C, ...] with at least 2 dims, got ${fmt(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1) throw new RangeError(`${op}: numGroups must be a positive integer, got ${String(numGroups)}`);
  if (C % numGroups !== 0) throw new RangeError(`${op}: expected number of channels in input to be divisible by numGroups, but got input of shape ${fmt(x.shape)} and numGroups=${numGroups}`);
  const w = checkAffine(op, 'weight', options.weight, [C]);
  const b = checkAffine(op, 'bias', options.bias, [C]);
  const eps = checkEps(op, options.eps ?? 1e-5);
  let y = normalize(x.reshape([N, numGroups, -1]), [2], eps).y.reshape(x.shape);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (w) y = mul(y, w.reshape(bshape));
  if (b) y = add(y, b.reshape(bshape));
  return y;
}
