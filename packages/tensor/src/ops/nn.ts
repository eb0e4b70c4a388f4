/**
 * Functional neural-network ops (PyTorch's `torch.nn.functional`), exported as `F`.
 * Forward passes run through kernels; backward passes are written with differentiable ops,
 * so higher-order gradients work.
 */
import { noGrad, record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { K } from '../kernels/index.js';
import type { Generator } from '../random.js';
import { fmt, normDim, numel, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, ge, mul, sub, where } from './binary.js';
import { rand } from './creation.js';
import { matmul } from './matmul.js';
import { takeFlat } from './movement.js';
import { mean, sum } from './reduce.js';
import { abs, exp, log1p, neg, relu, sigmoid } from './unary.js';
import { empty, expectTensor, wrap } from './util.js';
import { checkReduction, lossOptions, type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions } from './nn-options.js';

export type { Reduction, ReductionOptions, NllLossOptions, CrossEntropyOptions } from './nn-options.js';

export interface Conv2dOptions {
  /** Step between windows; a number or `[sh, sw]` (default 1). */
  stride?: number | readonly [number, number];
  /** Implicit zeros on each side; a number or `[ph, pw]` (default 0). */
  padding?: number | readonly [number, number];
}

export type UnfoldOptions = Conv2dOptions;

export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Implicit -∞ padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
}

// ---- helpers ----------------------------------------------------------------------------

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

/** A pair of positive (or, with `min` 0, non-negative) integers from a number or a pair. */
function pair(op: string, arg: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (p === null || !p.every((k) => Number.isInteger(k) && k >= min)) {
    throw new RangeError(`${op}: ${arg} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair of them, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

// ---- softmax ------------------------------------------------------------------------------

function softmaxForward(op: string, x: Tensor, dim: number, log: boolean): [Tensor, number] {
  expectTensor(op, 'input', x);
  if (typeof dim !== 'number') throw new TypeError(`${op}: dim must be an integer, got ${String(dim)}`);
  const d = normDim(op, dim, x.ndim);
  const out = empty(x.shape);
  const [data, off] = x._contiguousData();
  const D = x.shape[d] ?? 1;
  K().softmax(data, off, numel(x.shape.slice(0, d)), D, numel(x.shape.slice(d + 1)), out.storage.data, log);
  return [out, d];
}

/**
 * Softmax along `dim`: `exp(x) / sum(exp(x))`, computed stably (shifted by the max).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softmax(tensor([[0, Math.log(3)]]), 1); // tensor([[0.2500, 0.7500]])
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const [y, d] = softmaxForward('softmax', x, dim, false);
  // d softmax: y * (g - sum(g * y))
  return record('softmax', y, [x], (g) => [mul(y, sub(g, sum(mul(g, y), d, true)))], [y]);
}

/**
 * `log(softmax(x))` along `dim`, computed as `x - max - log(sum(exp(x - max)))`, so it stays
 * finite where `softmax` underflows to 0.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.logSoftmax(tensor([0, 0]), 0); // tensor([-0.6931, -0.6931])
 * ```
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const [y, d] = softmaxForward('logSoftmax', x, dim, true);
  // NOTE: a fused kernel and a hand-written backward `g - softmax(x) * sum(g)`: composing
  // `x - logsumexp(x)` would materialise exp(x - max) twice and route the gradient through a
  // log of a sum, which loses precision for confident (near one-hot) rows. softmax is
  // recovered as exp(y), so the backward stays differentiable for double backward.
  return record('logSoftmax', y, [x], (g) => [sub(g, mul(exp(y), sum(g, d, true)))], [y]);
}

// ---- classification losses ----------------------------------------------------------------

/**
 * Validates class-index targets against `[N, C, d1, ...]` input; returns flat indices into the
 * input of each target's class entry (0 for ignored targets) and the 0/1 keep mask.
 */
function classTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number): { idx: Int32Array; keep: Tensor; count: number } {
  const C = input.shape[1]!;
  const N = input.shape[0]!;
  const spatial = input.shape.slice(2);
  const want = [N, ...spatial];
  if (!sameShape(target.shape, want)) {
    if (spatial.length === 0 && target.ndim === 1) throw new ShapeError(`${op}: target has shape ${fmt(target.shape)} but input has batch size ${N}`);
    throw new ShapeError(`${op}: target has shape ${fmt(target.shape)} but input of shape ${fmt(input.shape)} needs target shape ${fmt(want)}`);
  }
  const t = target.toFloat32Array();
  const S = numel(spatial);
  const idx = new Int32Array(t.length);
  const keep = new Float32Array(t.length);
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) continue;
    if (!Number.isInteger(c)) throw new RangeError(`${op}: target ${c} is not an integer class index`);
    if (c < 0 || c >= C) throw new RangeError(`${op}: target ${c} is out of range for ${C} classes`);
    const n = Math.floor(i / S), s = i - n * S;
    idx[i] = (n * C + c) * S + s;
    keep[i] = 1;
    count++;
  }
  return { idx, keep: wrap(keep, want), count };
}

/** Accepts `[C]` with a 0-d target (unbatched) by adding a batch dim of 1. */
function batched(op: string, input: Tensor, target: Tensor): [Tensor, Tensor, boolean] {
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  if (input.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  if (input.ndim === 1) {
    if (target.ndim !== 0) throw new ShapeError(`${op}: for an unbatched input of shape ${fmt(input.shape)} target must be 0-d, got shape ${fmt(target.shape)}`);
    return [input.unsqueeze(0), target.reshape([1]), true];
  }
  return [input, target, false];
}

/** Masks per-target values and reduces them; `'mean'` divides by the count of kept targets. */
function reduceMasked(v: Tensor, keep: Tensor, count: number, reduction: Reduction): Tensor {
  const masked = where(keep, v, 0);
  if (reduction === 'none') return masked;
  const s = sum(masked);
  // NOTE: PyTorch returns NaN (0/0) when every target is ignored; so does this division.
  return reduction === 'sum' ? s : div(s, count);
}

function nll(op: string, logp: Tensor, target: Tensor, o: CrossEntropyOptions, smoothing: boolean): Tensor {
  const { reduction, ignoreIndex, labelSmoothing } = lossOptions(op, o);
  const [x, t, unbatched] = batched(op, logp, target);
  if (x.shape[1] === 0) throw new ShapeError(`${op}: input has 0 classes (shape ${fmt(x.shape)})`);
  const { idx, keep, count } = classTargets(op, x, t, ignoreIndex);
  const picked = neg(takeFlat(x, idx, t.shape, 'nllLoss'));
  let loss = reduceMasked(picked, keep, count, reduction);
  if (smoothing && labelSmoothing > 0) {
    const C = x.shape[1]!;
    const smooth = reduceMasked(neg(sum(x, 1)), keep, count, reduction);
    loss = add(mul(loss, 1 - labelSmoothing), mul(smooth, labelSmoothing / C));
  }
  return unbatched && reduction === 'none' ? loss.reshape([]) : loss;
}

/**
 * Negative log-likelihood of class-index targets, given log-probabilities `logp` of shape
 * `[N, C]` or `[N, C, d1, ...]` (or `[C]` with a 0-d target). Targets are integers stored as
 * floats; those equal to `ignoreIndex` contribute 0 and are not counted by `'mean'`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * const logp = F.logSoftmax(tensor([[1, 2, 3], [1, 1, 1]]), 1);
 * F.nllLoss(logp, tensor([2, 0])); // mean of -logp[0,2] and -logp[1,0]
 * ```
 */
export function nllLoss(logp: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  return nll('nllLoss', logp, target, options, false);
}

/**
 * Cross-entropy of logits `[N, C]` or `[N, C, d1, ...]` against class-index targets
 * (`logSoftmax` then `nllLoss`), with PyTorch's `ignoreIndex` and `labelSmoothing`:
 * `(1-ε)·nll + ε·(-Σ_c logp_c / C)`, both terms masked and reduced the same way.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.crossEntropy(tensor([[0, 0]]), tensor([1])); // tensor(0.6931)
 * F.crossEntropy(tensor([[2, 0, 1]]), tensor([0]), { labelSmoothing: 0.1 });
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  expectTensor(op, 'input', logits);
  lossOptions(op, options);
  if (logits.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  return nll(op, logSoftmax(logits, logits.ndim === 1 ? 0 : 1), target, options, true);
}

function sameShapeTarget(op: string, input: Tensor, target: Tensor): void {
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  // NOTE: PyTorch broadcasts a differently shaped target with only a warning; that is almost
  // always a bug ([N] vs [N,1] gives an [N,N] loss), so we refuse it.
  if (!sameShape(input.shape, target.shape)) throw new ShapeError(`${op}: target has shape ${fmt(target.shape)} but input has shape ${fmt(input.shape)}`);
}

/**
 * Mean squared error `(input - target)²`, reduced.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.mseLoss(tensor([1, 2]), tensor([1, 4])); // tensor(2.)
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', options.reduction);
  sameShapeTarget('mseLoss', input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/**
 * Binary cross-entropy on logits, `max(x,0) - x·t + log1p(exp(-|x|))`: stable for any x
 * (no `log(sigmoid(x))`). Targets are probabilities in [0, 1].
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.binaryCrossEntropyWithLogits(tensor([0]), tensor([1])); // tensor(0.6931)
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('binaryCrossEntropyWithLogits', options.reduction);
  sameShapeTarget('binaryCrossEntropyWithLogits', input, target);
  const x = input, t = target;
  const loss = noGrad(() => add(sub(relu(x), mul(x, t)), log1p(exp(neg(abs(x))))));
  // NOTE: the composed formula has kinks at x = 0 (relu, abs) whose subgradients give -t there;
  // the true derivative is sigmoid(x) - t everywhere, which is what PyTorch's backward uses.
  const out = record('binaryCrossEntropyWithLogits', loss, [x, t], (g) => [
    x.requiresGrad ? mul(g, sub(sigmoid(x), t)) : null,
    t.requiresGrad ? mul(g, neg(x)) : null,
  ], [x, t]);
  return reduce(out, reduction);
}

// ---- linear and convolution ---------------------------------------------------------------

/**
 * `x @ weightᵀ + bias`, with `weight` `[out, in]` and `bias` `[out]`; x is `[..., in]`.
 *
 * @example
 * ```ts
 * import { F, ones, zeros } from '@tensile/tensor';
 * F.linear(ones([4, 3]), ones([2, 3]), zeros([2])).shape; // [4, 2]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  expectTensor('linear', 'input', x);
  expectTensor('linear', 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-d [out, in], got shape ${fmt(weight.shape)}`);
  const [O, I] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== I) throw new ShapeError(`linear: input has shape ${fmt(x.shape)} but weight ${fmt(weight.shape)} expects last dim ${I}`);
  if (bias !== undefined && bias !== null) {
    expectTensor('linear', 'bias', bias);
    if (!sameShape(bias.shape, [O])) throw new ShapeError(`linear: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} needs [${O}]`);
  }
  // NOTE: one node with its own backward, for speed. Composed as matmul(x, Wᵀ) + b, the weight's
  // gradient would come out transposed (xᵀ·g, then a strided copy into W's layout) and the bias
  // would cost a broadcast add and an unbroadcast. Here dW = gᵀ·x lands in W's layout directly.
  // The backward is built from differentiable ops, so higher-order gradients still work.
  const batch = x.shape.slice(0, -1);
  const rows = numel(batch);
  const x2 = x.reshape([rows, I]);
  const out = empty([rows, O]);
  const od = out.storage.data;
  K().matmul(
    x2.storage.data, x2.offset, 0, x2.strides[0]!, x2.strides[1]!,
    weight.storage.data, weight.offset, 0, weight.strides[1]!, weight.strides[0]!,
    od, 1, rows, O, I,
  );
  if (bias) K().binary('add', od, 0, [O, 1], bias.storage.data, bias.offset, [0, bias.strides[0]!], [rows, O], od, 0);
  const inputs = bias ? [x2, weight, bias] : [x2, weight];
  const y = record('linear', out, inputs, (g) => [
    x2.requiresGrad ? matmul(g, weight) : null,
    weight.requiresGrad ? matmul(g.t(), x2) : null,
    bias?.requiresGrad ? sum(g, 0) : null,
  ], inputs);
  return y.reshape([...batch, O]);
}

interface Geometry { N: number; C: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; Ho: number; Wo: number }

function geometry(op: string, shape: readonly number[], kernel: [number, number], stride: [number, number], padding: [number, number]): Geometry {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kh, kw] = kernel, [sh, sw] = stride, [ph, pw] = padding;
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (H + 2 * ph < kh || W + 2 * pw < kw) {
    throw new ShapeError(`${op}: kernel size [${kh},${kw}] is larger than the padded input [${H + 2 * ph},${W + 2 * pw}] (input ${fmt(shape)}, padding [${ph},${pw}])`);
  }
  return { N, C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo };
}

function unfoldRaw(x: Tensor, g: Geometry): Tensor {
  const out = empty([g.N, g.C * g.kh * g.kw, g.Ho * g.Wo]);
  const [d, o] = x._contiguousData();
  K().unfold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data);
  return record('unfold', out, [x], (gr) => [foldRaw(gr, g)]);
}

function foldRaw(cols: Tensor, g: Geometry): Tensor {
  const out = empty([g.N, g.C, g.H, g.W]);
  const [d, o] = cols._contiguousData();
  K().fold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data);
  return record('fold', out, [cols], (gr) => [unfoldRaw(gr, g)]);
}

/**
 * im2col, as PyTorch's `F.unfold`: the zero-padded receptive field of every output position of
 * a `[N, C, H, W]` input, as `[N, C·kh·kw, L]` (rows ordered `(c, ky, kx)`, L = Ho·Wo output
 * positions). Its backward is `fold`.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.unfold(arange(16).reshape(1, 1, 4, 4), 2, { stride: 2 }).shape; // [1, 4, 4]: 4 taps x 4 blocks
 * ```
 */
export function unfold(x: Tensor, kernelSize: number | readonly [number, number], options: UnfoldOptions = {}): Tensor {
  expectTensor('unfold', 'input', x);
  if (x.ndim !== 4) throw new ShapeError(`unfold: expected input [N,C,H,W], got ${fmt(x.shape)}`);
  const g = geometry('unfold', x.shape, pair('unfold', 'kernelSize', kernelSize, 1), pair('unfold', 'stride', options.stride ?? 1, 1), pair('unfold', 'padding', options.padding ?? 0, 0));
  return unfoldRaw(x, g);
}

/**
 * col2im, as PyTorch's `F.fold`, the adjoint of `unfold`: sums blocks `[N, C·kh·kw, L]` into an image of
 * `outputSize` `[H, W]` (overlapping windows add up). Its backward is `unfold`.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.fold(ones([1, 4, 9]), [4, 4], 2, { stride: 1 }).shape; // [1, 1, 4, 4]
 * ```
 */
export function fold(cols: Tensor, outputSize: readonly [number, number], kernelSize: number | readonly [number, number], options: UnfoldOptions = {}): Tensor {
  expectTensor('fold', 'input', cols);
  if (cols.ndim !== 3) throw new ShapeError(`fold: expected input [N, C·kh·kw, L], got ${fmt(cols.shape)}`);
  const [H, W] = pair('fold', 'outputSize', outputSize, 1);
  const [kh, kw] = pair('fold', 'kernelSize', kernelSize, 1);
  const [N, R, L] = cols.shape as [number, number, number];
  if (R % (kh * kw) !== 0) throw new ShapeError(`fold: dim 1 (${R}) of input ${fmt(cols.shape)} is not divisible by the kernel area ${kh * kw}`);
  const g = geometry('fold', [N, R / (kh * kw), H, W], [kh, kw], pair('fold', 'stride', options.stride ?? 1, 1), pair('fold', 'padding', options.padding ?? 0, 0));
  if (L !== g.Ho * g.Wo) throw new ShapeError(`fold: input ${fmt(cols.shape)} has ${L} blocks but outputSize [${H},${W}] gives ${g.Ho}x${g.Wo} = ${g.Ho * g.Wo}`);
  return foldRaw(cols, g);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x` `[N, C, H, W]` (or `[C, H, W]`) with
 * `weight` `[O, C, kh, kw]`: im2col (`unfold`) then one matmul with the flattened weight.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.conv2d(ones([1, 3, 8, 8]), ones([4, 3, 3, 3]), null, { padding: 1 }).shape; // [1, 4, 8, 8]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', weight);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: weight must be 4-d [O,C,kh,kw], got shape ${fmt(weight.shape)}`);
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  if (x.ndim === 3) return conv2d(x.unsqueeze(0), weight, bias, options).squeeze(0);
  if (x.ndim !== 4 || x.shape[1] !== C) throw new ShapeError(`${op}: expected input [N,C,H,W] with C = ${C}, got ${fmt(x.shape)}`);
  if (bias !== undefined && bias !== null) {
    expectTensor(op, 'bias', bias);
    if (!sameShape(bias.shape, [O])) throw new ShapeError(`${op}: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} needs [${O}]`);
  }
  const g = geometry(op, x.shape, [kh, kw], pair(op, 'stride', options.stride ?? 1, 1), pair(op, 'padding', options.padding ?? 0, 0));
  // As PyTorch: y[n] = W · cols[n], with W flattened to [O, C·kh·kw] and shared by the batch,
  // which lands in [N, O, L] = [N, O, Ho, Wo] with no transpose.
  const cols = unfoldRaw(x, g); // [N, C·kh·kw, L]
  let y = matmul(weight.reshape([O, C * kh * kw]), cols); // [N, O, L]
  if (bias) y = add(y, bias.reshape([O, 1]));
  return y.reshape([g.N, O, g.Ho, g.Wo]);
}

/**
 * 2-D max pooling of `[N, C, H, W]` (or `[C, H, W]`). The kernel finds each window's argmax;
 * the values are gathered with a differentiable take, so the gradient goes to the winners.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.maxPool2d(arange(16).reshape(1, 1, 4, 4), 2); // tensor([[[[5., 7.], [13., 15.]]]])
 * ```
 */
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  expectTensor(op, 'input', x);
  if (x.ndim === 3) return maxPool2d(x.unsqueeze(0), kernelSize, options).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected input [N,C,H,W] or [C,H,W], got ${fmt(x.shape)}`);
  const k = pair(op, 'kernelSize', kernelSize, 1);
  const s = pair(op, 'stride', options.stride ?? k, 1);
  const p = pair(op, 'padding', options.padding ?? 0, 0);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new RangeError(`${op}: padding [${p}] should be at most half of the kernel size [${k}]`);
  const g = geometry(op, x.shape, k, s, p);
  const idx = new Int32Array(g.N * g.C * g.Ho * g.Wo);
  const [d, o] = x._contiguousData();
  K().maxPool2dIndices(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, idx);
  return takeFlat(x, idx, [g.N, g.C, g.Ho, g.Wo], op);
}

// ---- dropout ------------------------------------------------------------------------------

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1-p)` when `training`;
 * the identity otherwise.
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout(ones([4]), 0.5, true, new Generator(0)); // entries 0 or 2
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  expectTensor('dropout', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability has to be between 0 and 1, but got ${String(p)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const u = rand(x.shape, generator ? { generator } : {});
  // keep with probability 1-p (PyTorch's bernoulli(1-p)), scaled so the expectation is x
  const mask = mul(ge(u, p), 1 / (1 - p));
  return mul(x, mask);
}
