/**
 * Functional neural-network ops (PyTorch's `torch.nn.functional`), exported as `F`.
 * Forward passes run through kernels; backward passes are written with differentiable ops,
 * so higher-order gradients work.
 */
import { isGradEnabled, noGrad, record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { K } from '../kernels/index.js';
import { checkOptions } from '../options.js';
import type { Generator } from '../random.js';
import { fmt, normDim, numel, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bool, float32, float64 } from '../dtype.js';
import { add, div, ge, gt, lt, minimum, mul, sub, where } from './binary.js';
import { rand, tensor } from './creation.js';
import { matmul, sameDType } from './matmul.js';
import { cat, indexValues, scatterFlat, takeFlat } from './movement.js';
import { mean, sum } from './reduce.js';
import { abs, clamp, exp, log, log1p, neg, reciprocal, relu, sigmoid, sqrt } from './unary.js';
import { describe, empty, expectTensor, wrap } from './util.js';
import { checkReduction, lossOptions, type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions } from './nn-options.js';

export type { Reduction, ReductionOptions, NllLossOptions, CrossEntropyOptions } from './nn-options.js';
export { relu, sigmoid, tanh, gelu } from './unary.js';

/** Indices or class labels: a float32 tensor holding integers, a `number[]` (nested allowed) or an `Int32Array`. */
export type IndexLike = Tensor | readonly number[] | readonly (readonly number[])[] | Int32Array;

/** Index-like input as a float32 tensor (tensors pass through unchanged). */
function indexTensor(op: string, arg: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  if (v instanceof Int32Array) return wrap(Float32Array.from(v), [v.length]);
  if (Array.isArray(v)) return tensor(v as number[]);
  throw new TypeError(`${op}: ${arg} must be a Tensor, a number[] or an Int32Array, got ${describe(v)}`);
}

export interface Conv2dOptions {
  /** Step between windows; a number or `[sh, sw]` (default 1). */
  stride?: number | readonly [number, number];
  /**
   * Implicit zeros on each side; a number or `[ph, pw]` (default 0), or `'valid'` (none) or
   * `'same'` (output as large as the input; stride 1 only; an odd total puts the extra zero on
   * the right/bottom, as PyTorch).
   */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  /** Spacing between kernel taps; a number or `[dh, dw]` (default 1). */
  dilation?: number | readonly [number, number];
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
}

export interface UnfoldOptions {
  /** Step between windows; a number or `[sh, sw]` (default 1). */
  stride?: number | readonly [number, number];
  /** Implicit zeros on each side; a number or `[ph, pw]` (default 0). */
  padding?: number | readonly [number, number];
}

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
  if (ew > 0) y = cat([y, wrap(new Float32Array(N * C * H * ew).fill(value), [N, C, H, ew])], 3);
  if (eh > 0) y = cat([y, wrap(new Float32Array(N * C * eh * (W + ew)).fill(value), [N, C, eh, W + ew])], 2);
  return y;
}

function checkCeil(op: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ceilMode must be a boolean, got ${describe(v)}`);
  return v;
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
  const D = x.shape[d] ?? 1;
  const pre = numel(x.shape.slice(0, d)), post = numel(x.shape.slice(d + 1));
  if (x.dtype === float64) {
    const out = empty(x.shape, float64);
    const [data, off] = x._contiguousAny();
    softmax64(data as Float64Array, off, pre, D, post, out.storage.data as Float64Array, log);
    return [out, d];
  }
  const out = empty(x.shape);
  const [data, off] = x._contiguousData(op);
  K().softmax(data, off, pre, D, post, out.storage.data as Float32Array, log);
  return [out, d];
}

/** Softmax (or log-softmax) over the middle dim of `[pre, D, post]` in doubles: shifted by the row's max, as PyTorch's. */
function softmax64(x: Float64Array, off: number, pre: number, D: number, post: number, out: Float64Array, log: boolean): void {
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = (k: number): number => (p * D + k) * post + q;
      let m = -Infinity;
      for (let k = 0; k < D; k++) m = Math.max(m, x[off + at(k)]!);
      let s = 0;
      for (let k = 0; k < D; k++) s += Math.exp(x[off + at(k)]! - m);
      const ls = Math.log(s);
      for (let k = 0; k < D; k++) {
        const v = x[off + at(k)]! - m;
        out[at(k)] = log ? v - ls : Math.exp(v) / s;
      }
    }
  }
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
  const t = indexValues(op, 'target', target);
  const S = numel(spatial);
  const idx = new Int32Array(t.length);
  const keep = new Uint8Array(t.length);
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
  return { idx, keep: wrap(keep, want, bool), count };
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
  const [x, t, unbatched] = batched(op, logp, target);
  if (x.shape[1] === 0) throw new ShapeError(`${op}: input has 0 classes (shape ${fmt(x.shape)})`);
  const lo = lossOptions(op, o);
  return nllOf(x, t, unbatched, classTargets(op, x, t, lo.ignoreIndex), lo, smoothing);
}

/** `nll` on batched `x` [N, C, ...] and `t`, once the options are resolved and the targets validated. */
function nllOf(
  x: Tensor, t: Tensor, unbatched: boolean, { idx, keep, count }: ReturnType<typeof classTargets>,
  { reduction, labelSmoothing }: ReturnType<typeof lossOptions>, smoothing: boolean,
): Tensor {
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
export function nllLoss(logp: Tensor, target: IndexLike, options: NllLossOptions = {}): Tensor {
  checkOptions('nllLoss', options, ['reduction', 'ignoreIndex']);
  return nll('nllLoss', logp, indexTensor('nllLoss', 'target', target), options, false);
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
export function crossEntropy(logits: Tensor, target: IndexLike, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  checkOptions(op, options, ['reduction', 'ignoreIndex', 'labelSmoothing']);
  expectTensor(op, 'input', logits);
  lossOptions(op, options);
  if (logits.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  const t = indexTensor(op, 'target', target);
  // The fused node is float32's kernel; other dtypes (float64) compose log-softmax and nll, in their dtype.
  if (logits.ndim > 2 || (options.labelSmoothing ?? 0) > 0 || logits.dtype !== float32) return nll(op, logSoftmax(logits, logits.ndim === 1 ? 0 : 1), t, options, true);
  return fusedCrossEntropy(op, logits, t, options);
}

/**
 * Cross-entropy of `[N, C]` (or `[C]`) logits as one graph node: the loss from the log-softmax
 * kernel and `nll` (the same ops and bits as the composed form), and a backward that writes
 * PyTorch's `log_softmax_backward(nll_loss_backward(g))` in one pass over `[N, C]`, with every
 * rounding of the composed ops (`G - f32(f32(e^y) · ΣG)`, G holding `-ds` at each kept target),
 * instead of four `[N, C]` ops and their arrays. A recorded backward (`createGraph`) is built
 * from those ops, so higher-order gradients work.
 */
function fusedCrossEntropy(op: string, logits: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const lo = lossOptions(op, options), { reduction } = lo;
  const [x2, t2, unbatched] = batched(op, logits, target);
  if (x2.shape[1] === 0) throw new ShapeError(`${op}: input has 0 classes (shape ${fmt(x2.shape)})`);
  const [y] = softmaxForward(op, x2, 1, true);
  const targets = classTargets(op, y, t2, lo.ignoreIndex);
  const loss = noGrad(() => nllOf(y, t2, unbatched, targets, lo, true));
  const [N, C] = x2.shape as [number, number];
  const { idx, keep, count } = targets;
  return record(op, loss, [logits], (g) => {
    // ds: the gradient reaching each target's -logp (the reduction's backward), 0 where ignored.
    const dsOf = (gv: Tensor): Tensor => {
      const ds = reduction === 'mean' ? div(gv, count).expand([N]) : reduction === 'sum' ? gv.expand([N]) : gv.reshape([N]);
      return where(keep, ds, 0);
    };
    if (isGradEnabled()) {
      // Recorded: the composed backward's ops, differentiable in g and (through y) in the logits.
      const G = scatterFlat(neg(dsOf(g)), idx, [N, C]);
      const y2 = logSoftmax(x2, 1);
      const dx = sub(G, mul(exp(y2), sum(G, 1, true)));
      return [logits.ndim === 1 ? dx.reshape([C]) : dx];
    }
    const ds = noGrad(() => dsOf(g)).toFloat32Array();
    const out = empty([N, C]);
    const o = out.storage.data as Float32Array, yd = y._f32('crossEntropy'), kd = keep.storage.data as Uint8Array;
    for (let n = 0; n < N; n++) {
      // G's row: 0 + (-ds) at the target (float32: -0 becomes 0), zeros elsewhere; its sum is exact.
      const gt = kd[n] ? Math.fround(0 + -ds[n]!) : 0;
      const t = kd[n] ? idx[n]! - n * C : -1;
      for (let c = 0; c < C; c++) {
        const e = Math.fround(Math.exp(yd[n * C + c]!));
        o[n * C + c] = (c === t ? gt : 0) - Math.fround(e * gt);
      }
    }
    return [logits.ndim === 1 ? out.reshape([C]) : out];
  }, [logits]);
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
  checkOptions('mseLoss', options, ['reduction']);
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
  checkOptions('binaryCrossEntropyWithLogits', options, ['reduction']);
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
  // The kernel takes the product and the bias in one pass (in the wasm module, one staging), and
  // the backward all three gradients from one staging of g.
  if (x.dtype !== float32 || weight.dtype !== float32 || (bias && bias.dtype !== float32)) {
    // Other dtypes: composed (float64 products in doubles; a mix refused, as PyTorch refuses it).
    sameDType('linear', x, weight);
    if (bias) sameDType('linear', x, bias);
    const y = matmul(x, weight.t());
    return bias ? add(y, bias) : y;
  }
  const batch = x.shape.slice(0, -1);
  const rows = numel(batch);
  const x2 = x.reshape([rows, I]);
  const out = empty([rows, O]);
  const [xd, xo] = x2._contiguousData('linear'), [wd, wo] = weight._contiguousData('linear');
  const [bd, bo] = bias ? bias._contiguousData('linear') : [null, 0];
  K().linear(xd, xo, wd, wo, bd, bo, rows, I, O, out.storage.data as Float32Array);
  const inputs = bias ? [x2, weight, bias] : [x2, weight];
  const y = record('linear', out, inputs, (g) => {
    const needX = x2.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false;
    if (isGradEnabled()) {
      // Recorded backward (higher-order gradients): the same products from differentiable ops.
      return [needX ? matmul(g, weight) : null, needW ? matmul(g.t(), x2) : null, needB ? sum(g, 0) : null];
    }
    const dx = needX ? empty([rows, I]) : null, dw = needW ? empty([O, I]) : null, db = needB ? empty([O]) : null;
    const [gd, go] = g._contiguousData('linear');
    K().linearBackward(xd, xo, wd, wo, gd, go, rows, I, O, (dx?.storage.data ?? null) as Float32Array | null, (dw?.storage.data ?? null) as Float32Array | null, (db?.storage.data ?? null) as Float32Array | null);
    return [dx, dw, db];
  }, inputs);
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
  const [d, o] = x._contiguousData('unfold');
  K().unfold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array);
  return record('unfold', out, [x], (gr) => [foldRaw(gr, g)]);
}

function foldRaw(cols: Tensor, g: Geometry): Tensor {
  const out = empty([g.N, g.C, g.H, g.W]);
  const [d, o] = cols._contiguousData('fold');
  K().fold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array);
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
 * F.unfold(arange(16).float().reshape(1, 1, 4, 4), 2, { stride: 2 }).shape; // [1, 4, 4]: 4 taps x 4 blocks
 * ```
 */
export function unfold(x: Tensor, kernelSize: number | readonly [number, number], options: UnfoldOptions = {}): Tensor {
  checkOptions('unfold', options, ['stride', 'padding']);
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
  checkOptions('fold', options, ['stride', 'padding']);
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

/** Spreads a kernel `[O, C, kh, kw]` to its dilated size with zeros between taps (differentiable). */
function dilateKernel(weight: Tensor, dh: number, dw: number): Tensor {
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  const idx = new Int32Array(O * C * kh * kw);
  let i = 0;
  for (let oc = 0; oc < O * C; oc++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) idx[i++] = (oc * eh + y * dh) * ew + x * dw;
  return scatterFlat(weight.contiguous(), idx, [O, C, eh, ew]);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x` `[N, C, H, W]` (or `[C, H, W]`) with
 * `weight` `[O, C/groups, kh, kw]`: im2col (`unfold`) then one matmul with the flattened weight.
 * `dilation` spreads the kernel with zeros, `groups` convolves channel groups separately and
 * concatenates, `padding: 'same'` pads by `dilation·(k-1)` in total: all composed from
 * differentiable ops.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.conv2d(ones([1, 3, 8, 8]), ones([4, 3, 3, 3]), null, { padding: 1 }).shape;    // [1, 4, 8, 8]
 * F.conv2d(ones([1, 4, 8, 8]), ones([4, 2, 3, 3]), null, { padding: 'same', dilation: 2, groups: 2 }).shape; // [1, 4, 8, 8]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return convNd('conv2d', 2, x, weight, bias, options);
}

function convNd(op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions | Conv1dOptions): Tensor {
  checkOptions(op, options as Conv2dOptions, ['stride', 'padding', 'dilation', 'groups']);
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', weight);
  const wdim = dims + 2;
  if (weight.ndim !== wdim) throw new ShapeError(`${op}: weight must be ${wdim}-d [O,C,${dims === 2 ? 'kh,kw' : 'k'}], got shape ${fmt(weight.shape)}`);
  if (x.ndim === wdim - 1) return convNd(op, dims, x.unsqueeze(0), weight, bias, options).squeeze(0);
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  const O = weight.shape[0]!, Cg = weight.shape[1]!;
  if (x.ndim !== wdim || x.shape[1] !== Cg * groups) {
    throw new ShapeError(`${op}: expected input [N,C${dims === 2 ? ',H,W' : ',L'}] with C = ${Cg * groups}${groups > 1 ? ` (weight ${fmt(weight.shape)}, groups ${groups})` : ''}, got ${fmt(x.shape)}`);
  }
  if (O % groups !== 0) throw new RangeError(`${op}: out channels ${O} (weight ${fmt(weight.shape)}) must be divisible by groups ${groups}`);
  if (bias !== undefined && bias !== null) {
    expectTensor(op, 'bias', bias);
    if (!sameShape(bias.shape, [O])) throw new ShapeError(`${op}: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} needs [${O}]`);
  }
  // conv1d takes one integer (or a 1-tuple) per option; it runs as conv2d on [N, C, 1, L]
  const lift = (arg: string, v: unknown, min: number): unknown => {
    if (dims === 2) return v;
    const k = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < min) {
      throw new RangeError(`${op}: ${arg} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
    }
    return [min === 0 ? 0 : 1, k];
  };
  const stride = pair(op, 'stride', lift('stride', options.stride ?? 1, 1), 1);
  const dilation = pair(op, 'dilation', lift('dilation', options.dilation ?? 1, 1), 1);
  let x4 = x, w4 = weight;
  if (dims === 1) {
    x4 = x.unsqueeze(2);
    w4 = weight.unsqueeze(2);
  }
  const [, , kh, kw] = w4.shape as [number, number, number, number];
  const pad = options.padding ?? 0;
  let padding: [number, number];
  let trim: [number, number] = [0, 0];
  if (pad === 'valid') padding = [0, 0];
  else if (pad === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    // NOTE: PyTorch pads total = d·(k-1) with the odd zero on the right; we pad ceil(total/2)
    // on both sides and drop the first output row/column where total is odd: the same windows.
    const th = dilation[0] * (kh - 1), tw = dilation[1] * (kw - 1);
    padding = [Math.ceil(th / 2), Math.ceil(tw / 2)];
    trim = [th % 2, tw % 2];
  } else if (typeof pad === 'string') throw new RangeError(`${op}: padding must be a number, a pair, 'same' or 'valid', got ${JSON.stringify(pad)}`);
  else padding = pair(op, 'padding', lift('padding', pad, 0), 0);
  const wd = dilation[0] === 1 && dilation[1] === 1 ? w4 : dilateKernel(w4, dilation[0], dilation[1]);
  const Og = O / groups;
  // The bias goes into the kernel when nothing (groups, trimming) comes between it and the output.
  const fusedBias = bias && groups === 1 && !trim[0] && !trim[1] ? bias : null;
  const parts: Tensor[] = [];
  for (let gi = 0; gi < groups; gi++) {
    const xg = groups === 1 ? x4 : x4.narrow(1, gi * Cg, Cg);
    const wg = groups === 1 ? wd : wd.narrow(0, gi * Og, Og);
    parts.push(conv2dPlain(op, xg, wg, fusedBias, stride, padding));
  }
  let y = groups === 1 ? parts[0]! : cat(parts, 1);
  if (trim[0]) y = y.narrow(2, 1, y.shape[2]! - 1);
  if (trim[1]) y = y.narrow(3, 1, y.shape[3]! - 1);
  if (bias && !fusedBias) y = add(y, bias.reshape([O, 1, 1]));
  return dims === 1 ? y.squeeze(2) : y;
}

/**
 * One group's convolution, PyTorch's `slow_conv2d`: per sample `y[n] = W · im2col(x[n]) + b`, with
 * W flattened to `[O, C·kh·kw]`, landing in `[N, O, L] = [N, O, Ho, Wo]` with no transpose. The
 * kernel builds each sample's im2col matrix in turn (in the wasm module it never leaves it), so
 * memory does not grow with the batch. The backward is one kernel call for all three gradients;
 * when the backward is itself recorded (`createGraph`) it is composed from differentiable ops.
 */
function conv2dPlain(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: [number, number], padding: [number, number]): Tensor {
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  const geo = geometry(op, x.shape, [kh, kw], stride, padding);
  const g = { ...geo, O };
  const out = empty([g.N, O, g.Ho, g.Wo]);
  const [xd, xo] = x._contiguousData('conv2d'), [wd, wo] = weight._contiguousData('conv2d');
  const [bd, bo] = bias ? bias._contiguousData('conv2d') : [null, 0];
  K().conv2d(xd, xo, wd, wo, bd, bo, g, out.storage.data as Float32Array);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('conv2d', out, inputs, (gy) => {
    const needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false;
    if (isGradEnabled()) {
      // Recorded backward (higher-order gradients): the same sums from differentiable ops.
      const g3 = gy.reshape([g.N, O, g.Ho * g.Wo]), w2 = weight.reshape([O, C * kh * kw]);
      return [
        needX ? foldRaw(matmul(w2.t(), g3), geo) : null,
        needW ? sum(matmul(g3, unfoldRaw(x, geo).transpose(1, 2)), 0).reshape(weight.shape) : null,
        ...(bias ? [needB ? sum(g3, [0, 2]) : null] : []),
      ];
    }
    const dx = needX ? empty(x.shape) : null, dw = needW ? empty(weight.shape) : null, db = needB ? empty([O]) : null;
    const [gd, go] = gy._contiguousData('conv2d');
    K().conv2dBackward(xd, xo, wd, wo, gd, go, g, (dx?.storage.data ?? null) as Float32Array | null, (dw?.storage.data ?? null) as Float32Array | null, (db?.storage.data ?? null) as Float32Array | null);
    return bias ? [dx, dw, db] : [dx, dw];
  }, inputs);
}

export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number];
  /** Implicit zeros on each side (default 0), `'valid'` or `'same'`. */
  padding?: number | readonly [number] | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number];
  /** Independent channel groups (default 1). */
  groups?: number;
}

/**
 * 1-D convolution of `x` `[N, C, L]` (or `[C, L]`) with `weight` `[O, C/groups, k]`: `conv2d`
 * on a height-1 image.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.conv1d(ones([2, 3, 10]), ones([4, 3, 3]), null, { padding: 'same' }).shape; // [2, 4, 10]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  return convNd('conv1d', 1, x, weight, bias, options);
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
  const out = empty([g.N, g.C, g.Ho, g.Wo]);
  const [d, o] = x._contiguousData('maxPool2d');
  K().maxPool2d(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array, idx);
  // The gradient goes to each window's winner (a differentiable scatter, whose backward gathers).
  return record(op, out, [x], (gy) => [scatterFlat(gy, idx, x.shape)]);
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

/**
 * Zeroes whole channels: each `[n, c]` plane of `[N, C, H, W]` (or `[N, C, L]`, as PyTorch 1.13
 * reads 3-d input) with probability `p`, scaling the kept ones by `1/(1-p)`, when `training`.
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout2d(ones([1, 4, 2, 2]), 0.5, true, new Generator(0)); // each channel all 0 or all 2
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  expectTensor('dropout2d', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout2d: probability has to be between 0 and 1, but got ${String(p)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`dropout2d: expected a 3-d or 4-d input, got shape ${fmt(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const maskShape = x.shape.map((s, i) => (i < 2 ? s : 1));
  const u = rand(maskShape, generator ? { generator } : {});
  return mul(x, mul(ge(u, p), 1 / (1 - p)));
}

// ---- pooling ------------------------------------------------------------------------------

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
  return div(sums, wrap(counts, [g.Ho * g.Wo])).reshape([N, C, g.Ho, g.Wo]);
}

/** Row i of the `[out, size]` averaging matrix covers [floor(i·size/out), ceil((i+1)·size/out)). */
function adaptiveMatrix(size: number, out: number): Tensor {
  const m = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const a = Math.floor((i * size) / out), b = Math.ceil(((i + 1) * size) / out);
    for (let j = a; j < b; j++) m[i * size + j] = 1 / (b - a);
  }
  return wrap(m, [out, size]);
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
  const rows = oh === H ? x : matmul(adaptiveMatrix(H, oh), x);
  return ow === W ? rows : matmul(rows, adaptiveMatrix(W, ow).t());
}

// ---- activations --------------------------------------------------------------------------

/**
 * `x` where positive, `negativeSlope·x` elsewhere (default slope 0.01).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.leakyRelu(tensor([-2, 3]), 0.1); // tensor([-0.2000, 3.0000])
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  expectTensor('leakyRelu', 'input', x);
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) throw new TypeError(`leakyRelu: negativeSlope must be a number, got ${describe(negativeSlope)}`);
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/**
 * ELU: `x` where positive, `alpha·(eˣ - 1)` elsewhere (default alpha 1).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.elu(tensor([-1, 2])); // tensor([-0.6321, 2.0000])
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  expectTensor('elu', 'input', x);
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`elu: alpha must be a number, got ${describe(alpha)}`);
  // NOTE: exp of the clamped input, so the branch `where` discards cannot overflow to inf and
  // turn its zero gradient into NaN (0·inf).
  return where(gt(x, 0), x, mul(sub(exp(clamp(x, null, 0)), 1), alpha));
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.silu(tensor([0, 1])); // tensor([0.0000, 0.7311])
 * ```
 */
export function silu(x: Tensor): Tensor {
  expectTensor('silu', 'input', x);
  return mul(x, sigmoid(x));
}

/**
 * Softplus `log(1 + e^(βx))/β`, and `x` itself where `βx > threshold` (defaults β 1, threshold 20).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softplus(tensor([0])); // tensor([0.6931])
 * ```
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  expectTensor('softplus', 'input', x);
  if (typeof beta !== 'number' || !(beta !== 0 && Number.isFinite(beta))) throw new RangeError(`softplus: beta must be a finite non-zero number, got ${String(beta)}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`softplus: threshold must be a number, got ${describe(threshold)}`);
  const bx = mul(x, beta);
  // NOTE: the soft branch sees min(βx, threshold), so exp never overflows where it is discarded
  return where(gt(bx, threshold), x, div(log1p(exp(minimum(bx, threshold))), beta));
}

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

// ---- embedding ----------------------------------------------------------------------------

export interface EmbeddingOptions {
  /** Entries with this index get no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * Rows of `weight` `[numEmbeddings, dim]` picked by integer `input` of any shape (a tensor, a
 * `number[]` or an `Int32Array`): output `[...input.shape, dim]`. Repeated indices accumulate
 * their gradients; rows at `paddingIdx` get none.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.embedding([2, 0], tensor([[0, 0], [1, 1], [2, 2]])); // tensor([[2., 2.], [0., 0.]])
 * ```
 */
export function embedding(input: IndexLike, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  checkOptions(op, options, ['paddingIdx']);
  const ix = indexTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-d [numEmbeddings, embeddingDim], got ${fmt(weight.shape)}`);
  const [num, D] = weight.shape as [number, number];
  let pad = options.paddingIdx ?? null;
  if (pad !== null) {
    if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < -num || pad >= num) throw new RangeError(`${op}: paddingIdx must be within numEmbeddings (${num}), got ${String(pad)}`);
    if (pad < 0) pad += num;
  }
  const v = indexValues(op, 'input', ix);
  const idx = new Int32Array(v.length * D);
  const keep = pad === null ? null : new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= num) throw new RangeError(`${op}: index ${k} is out of range for ${num} embeddings`);
    for (let j = 0; j < D; j++) idx[i * D + j] = k * D + j;
    if (keep) keep[i] = k === pad ? 0 : 1;
  }
  const out = takeFlat(weight, idx, [...ix.shape, D], op);
  // padding entries keep their value but pass no gradient: the detached copy is picked there
  return keep ? where(wrap(keep, [...ix.shape, 1], bool), out, out.detach()) : out;
}

// ---- regression and distribution losses ----------------------------------------------------

function lossArgs(op: string, input: Tensor, target: Tensor, options: object, keys: readonly string[]): Reduction {
  checkOptions(op, options as Record<string, unknown>, keys);
  const reduction = checkReduction(op, (options as ReductionOptions).reduction);
  sameShapeTarget(op, input, target);
  return reduction;
}

/**
 * Mean absolute error `|input - target|`, reduced.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.l1Loss(tensor([1, 2]), tensor([2, 4])); // tensor(1.5000)
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = lossArgs('l1Loss', input, target, options, ['reduction']);
  return reduce(abs(sub(input, target)), reduction);
}

export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives L1). */
  beta?: number;
}

/**
 * Smooth L1: `0.5·d²/β` where `|d| < β`, else `|d| - 0.5·β` (d = input - target).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.smoothL1Loss(tensor([0, 0]), tensor([0.5, 3])); // tensor(1.3125)
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  const reduction = lossArgs(op, input, target, options, ['reduction', 'beta']);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`${op}: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got ${String(beta)}`);
  const d = abs(sub(input, target));
  if (beta === 0) return reduce(d, reduction);
  return reduce(where(lt(d, beta), div(mul(mul(d, d), 0.5), beta), sub(d, 0.5 * beta)), reduction);
}

export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/**
 * Huber: `0.5·d²` where `|d| < δ`, else `δ·(|d| - 0.5·δ)`; equals `δ·smoothL1Loss` with β = δ.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.huberLoss(tensor([0, 0]), tensor([0.5, 3]), { delta: 2 }); // tensor(2.0625)
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  const reduction = lossArgs(op, input, target, options, ['reduction', 'delta']);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0)) throw new RangeError(`${op}: delta must be positive (huber_loss does not support non-positive values for delta), got ${String(delta)}`);
  const d = abs(sub(input, target));
  return reduce(where(lt(d, delta), mul(mul(d, d), 0.5), mul(sub(d, 0.5 * delta), delta)), reduction);
}

export interface BCELossOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input (default none). */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1] against `target`:
 * `-(t·log x + (1-t)·log(1-x))`, each log clamped to >= -100 as PyTorch.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.binaryCrossEntropy(tensor([0.5]), tensor([1])); // tensor(0.6931)
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const reduction = lossArgs(op, input, target, options, ['reduction', 'weight']);
  const w = options.weight ?? null;
  if (w !== null) expectTensor(op, 'weight', w);
  const xs = input.toFloat32Array();
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i]! >= 0 && xs[i]! <= 1)) throw new RangeError(`${op}: all elements of input should be between 0 and 1, got ${xs[i]}`);
  }
  const x = input, t = target;
  const { loss, logX, log1mX } = noGrad(() => {
    const lx = clamp(log(x), -100), l1x = clamp(log1p(neg(x)), -100);
    return { loss: neg(add(mul(t, lx), mul(sub(1, t), l1x))), logX: lx, log1mX: l1x };
  });
  // NOTE: a hand-written backward, PyTorch's: d/dx = (x - t) / max(x(1-x), 1e-12). Through the
  // clamped logs the composed form would give 0/0 = NaN at x = 0 or 1.
  let out = record(op, loss, [x, t], (g) => [
    x.requiresGrad ? div(mul(g, sub(x, t)), clamp(mul(x, sub(1, x)), 1e-12)) : null,
    t.requiresGrad ? mul(g, sub(log1mX, logX)) : null,
  ], [x, t]);
  if (w) out = mul(out, w);
  return reduce(out, reduction);
}

/** `reduction` of `klDiv`: the loss reductions and `'batchmean'` (sum divided by the batch size). */
export type KLDivReduction = Reduction | 'batchmean';

export interface KLDivOptions {
  /** `'mean'` (default, PyTorch's, over every element), `'batchmean'` (the true KL divergence per sample), `'sum'` or `'none'`. */
  reduction?: KLDivReduction;
  /** `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence of log-probabilities `input` from `target`: pointwise
 * `t·(log t - input)` (0 where t = 0), or `eᵗ·(t - input)` with `logTarget`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.klDiv(tensor([[Math.log(0.5), Math.log(0.5)]]), tensor([[0.5, 0.5]]), { reduction: 'batchmean' }); // tensor(0.)
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'klDiv';
  checkOptions(op, options, ['reduction', 'logTarget']);
  const r = options.reduction ?? 'mean';
  if (r !== 'batchmean' && r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'batchmean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new TypeError(`${op}: logTarget must be a boolean, got ${describe(logTarget)}`);
  sameShapeTarget(op, input, target);
  const t = target;
  const pointwise = logTarget
    ? mul(exp(t), sub(t, input))
    : sub(mul(t, log(where(gt(t, 0), t, 1))), mul(t, input)); // xlogy(t, t) - t·input
  if (r === 'batchmean') return input.ndim === 0 ? sum(pointwise) : div(sum(pointwise), input.shape[0]!);
  return reduce(pointwise, r);
}
