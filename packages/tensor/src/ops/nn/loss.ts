import { checkSavedVersion, isGradEnabled, noGrad, record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { K } from '../../kernels/index.js';
import { bool as boolParam, fnOptions, legacy, num, tensorOrNull, type Positional, type PositionalParam } from '../../call-forms.js';
import { fmt, numel, sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { bool, float32 } from '../../dtype.js';
import { add, div, eq, gt, le, lt, minimum, mul, ne, sub, where } from '../binary.js';
import { indexValues, scatterFlat, takeFlat } from '../movement.js';
import { mean, sum } from '../reduce.js';
import { abs, clamp, exp, log, log1p, neg, relu, sigmoid, sqrt } from '../unary.js';
import { pairwiseDistance } from './distance.js';
import { describe, empty, expectTensor, shown, wrap } from '../util.js';
import { checkReduction, lossOptions, type Reduction, type ReductionOptions, type NllLossOptions, type CrossEntropyOptions } from '../nn-options.js';
import { indexTensor, type IndexLike } from './common.js';
import { logSoftmax, softmaxForward } from './activation.js';

// PyTorch's positional parameters of each loss after its tensors (torch/nn/functional.py), in
// order; the deprecated size_average and reduce are taken as null only.
type T = Tensor | null;
type Legacy = [sizeAverage: null, reduce: null, reduction: Reduction];
const REDUCTION: PositionalParam = { name: 'reduction', is: (v) => typeof v === 'string', expected: 'a string' };
const LEGACY: readonly PositionalParam[] = [legacy('sizeAverage'), legacy('reduce'), REDUCTION];
const NLL: readonly PositionalParam[] = [tensorOrNull('weight'), legacy('sizeAverage'), num('ignoreIndex'), legacy('reduce'), REDUCTION, num('labelSmoothing')];
const MARGIN: readonly PositionalParam[] = [num('margin'), ...LEGACY];

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

// ---- classification losses ----------------------------------------------------------------

/**
 * Validates class-index targets against `[N, C, d1, ...]` input; returns flat indices into the
 * input of each target's class entry (0 for ignored targets) and the 0/1 keep mask.
 */
function classTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number): { idx: Int32Array; cls: Int32Array; keep: Tensor; count: number } {
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
  const idx = new Int32Array(t.length), cls = new Int32Array(t.length);
  const keep = new Uint8Array(t.length);
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === ignoreIndex) continue;
    if (!Number.isInteger(c)) throw new RangeError(`${op}: target ${c} is not an integer class index`);
    if (c < 0 || c >= C) throw new RangeError(`${op}: target ${c} is out of range for ${C} classes`);
    const n = Math.floor(i / S), s = i - n * S;
    idx[i] = (n * C + c) * S + s;
    cls[i] = c;
    keep[i] = 1;
    count++;
  }
  return { idx, cls, keep: wrap(keep, want, bool), count };
}

/**
 * Checks a class-weight tensor against `[N, C, ...]` input: 1-d with C elements, the input's
 * dtype. Returns it detached (PyTorch gives no gradient for `weight`), or null.
 */
function classWeight(op: string, input: Tensor, weight: Tensor | null | undefined): Tensor | null {
  if (weight === undefined || weight === null) return null;
  expectTensor(op, 'weight', weight);
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new ShapeError(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmt(weight.shape)}`);
  }
  if (weight.dtype !== input.dtype) throw new TypeError(`${op}: weight has dtype ${weight.dtype.name} but input has dtype ${input.dtype.name}`);
  return weight.detach();
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

/** A per-class weight `[C]` shaped to broadcast along `x`'s class dim `dim` (ones after it). */
function alongClassDim(w: Tensor, x: Tensor, dim: number): Tensor {
  return w.reshape([w.shape[0]!, ...x.shape.slice(dim + 1).map(() => 1)]);
}

/**
 * Masks per-target values and reduces them; `'mean'` divides by `total`: the count of kept
 * targets, or with class weights the sum of the kept targets' weights (PyTorch's total_weight).
 */
function reduceMasked(v: Tensor, keep: Tensor, total: number | Tensor, reduction: Reduction): Tensor {
  const masked = where(keep, v, 0);
  if (reduction === 'none') return masked;
  const s = sum(masked);
  // NOTE: PyTorch returns NaN (0/0) when every target is ignored; so does this division.
  return reduction === 'sum' ? s : div(s, total);
}

function nll(op: string, logp: Tensor, target: Tensor, o: CrossEntropyOptions, smoothing: boolean): Tensor {
  const [x, t, unbatched] = batched(op, logp, target);
  if (x.shape[1] === 0) throw new ShapeError(`${op}: input has 0 classes (shape ${fmt(x.shape)})`);
  const lo = lossOptions(op, o);
  const w = classWeight(op, x, o.weight);
  return nllOf(x, t, unbatched, classTargets(op, x, t, lo.ignoreIndex), lo, smoothing, w);
}

/**
 * `nll` on batched `x` [N, C, ...] and `t`, once the options are resolved and the targets
 * validated: PyTorch's `-w[t]·x[t]`, and with label smoothing its `-Σ_c w_c·x_c` term, both
 * masked and divided (for `'mean'`) by the kept targets' total weight.
 */
function nllOf(
  x: Tensor, t: Tensor, unbatched: boolean, { idx, cls, keep, count }: ReturnType<typeof classTargets>,
  { reduction, labelSmoothing }: ReturnType<typeof lossOptions>, smoothing: boolean, weight: Tensor | null = null,
): Tensor {
  let picked = neg(takeFlat(x, idx, t.shape, 'nllLoss'));
  let total: number | Tensor = count;
  if (weight !== null) {
    const wt = takeFlat(weight, cls, t.shape, 'nllLoss');
    picked = mul(picked, wt);
    if (reduction === 'mean') total = sum(where(keep, wt, 0));
  }
  let loss = reduceMasked(picked, keep, total, reduction);
  if (smoothing && labelSmoothing > 0) {
    const C = x.shape[1]!;
    const xw = weight === null ? x : mul(x, alongClassDim(weight, x, 1));
    const smooth = reduceMasked(neg(sum(xw, 1)), keep, total, reduction);
    loss = add(mul(loss, 1 - labelSmoothing), mul(smooth, labelSmoothing / C));
  }
  return unbatched && reduction === 'none' ? loss.reshape([]) : loss;
}

/**
 * Cross-entropy against class probabilities (a floating target of the input's shape), as
 * PyTorch's: `-Σ_c w_c·logp_c·t_c` per sample, smoothed targets `t(1-ε) + ε/C`; `'mean'`
 * divides by the number of samples (not by the weights).
 */
function probCrossEntropy(op: string, logits: Tensor, target: Tensor, o: CrossEntropyOptions): Tensor {
  if (!target.dtype.isFloatingPoint) throw new TypeError(`${op}: Expected floating point type for target with class probabilities, got ${target.dtype.name}`);
  const lo = lossOptions(op, o);
  if (lo.ignoreIndex >= 0) throw new RangeError(`${op}: ignoreIndex is not supported for floating point target (got ${lo.ignoreIndex})`);
  const dim = logits.ndim === 1 ? 0 : 1;
  const C = logits.shape[dim]!;
  const w = classWeight(op, logits, o.weight);
  const logp = logSoftmax(logits, dim);
  const t = lo.labelSmoothing > 0 ? add(mul(target, 1 - lo.labelSmoothing), lo.labelSmoothing / C) : target;
  let prod = mul(logp, t);
  if (w !== null) prod = mul(prod, alongClassDim(w, logits, dim));
  if (lo.reduction === 'none') return neg(sum(prod, dim));
  const total = neg(sum(prod));
  // NOTE: an empty batch gives NaN for 'mean', as PyTorch's.
  return lo.reduction === 'sum' ? total : div(total, logits.numel() === 0 ? NaN : logits.numel() / C);
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
 * F.nllLoss(logp, tensor([2, 0]), tensor([1, 1, 2]), null, -100, null, 'sum'); // PyTorch's positionals: weight, size_average (null), ignore_index, reduce (null), reduction
 * ```
 */
export function nllLoss(logp: Tensor, target: IndexLike, ...rest: Positional<[weight: T, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction], NllLossOptions>): Tensor {
  const options = fnOptions<NllLossOptions>('nllLoss', rest, NLL.slice(0, 5));
  return nll('nllLoss', logp, indexTensor('nllLoss', 'target', target), options, false);
}

/**
 * Cross-entropy of logits `[N, C]` or `[N, C, d1, ...]` against class-index targets
 * (`logSoftmax` then `nllLoss`), with PyTorch's `ignoreIndex`, `labelSmoothing` and class
 * `weight`: `(1-ε)·nll + ε·(-Σ_c w_c·logp_c / C)`, both terms masked and reduced the same way.
 * A floating target of the input's shape holds class probabilities instead.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.crossEntropy(tensor([[0, 0]]), tensor([1])); // tensor(0.6931)
 * F.crossEntropy(tensor([[2, 0, 1]]), tensor([0]), { labelSmoothing: 0.1 });
 * F.crossEntropy(tensor([[2, 0, 1]]), tensor([0]), { weight: tensor([2, 1, 1]) }); // class weights
 * F.crossEntropy(tensor([[2, 0, 1]]), tensor([[0.5, 0.5, 0]])); // class probabilities
 * F.crossEntropy(tensor([[2, 0, 1]]), tensor([0]), tensor([2, 1, 1])); // PyTorch's positional weight
 * ```
 */
export function crossEntropy(logits: Tensor, target: IndexLike, ...rest: Positional<[weight: T, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction, labelSmoothing: number], CrossEntropyOptions>): Tensor {
  const op = 'crossEntropy';
  const options = fnOptions<CrossEntropyOptions>(op, rest, NLL);
  expectTensor(op, 'input', logits);
  lossOptions(op, options);
  if (logits.ndim === 0) throw new ShapeError(`${op}: input must have a class dim, got a 0-d tensor`);
  // A target of the input's shape holds class probabilities, as in PyTorch.
  if (target instanceof Tensor && sameShape(target.shape, logits.shape)) return probCrossEntropy(op, logits, target, options);
  const t = indexTensor(op, 'target', target);
  // The fused node is float32's kernel without class weights; other cases (float64, weights,
  // smoothing, spatial dims) compose log-softmax and nll, in the input's dtype.
  const composed = logits.ndim > 2 || (options.labelSmoothing ?? 0) > 0 || logits.dtype !== float32 || (options.weight ?? null) !== null;
  if (composed) return nll(op, logSoftmax(logits, logits.ndim === 1 ? 0 : 1), t, options, true);
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
  // The plain backward reads only y, this node's own log-softmax, so the logits may change in
  // place after the forward, as in PyTorch (whose log-softmax saves its output, not its input).
  // The recorded backward recomputes the log-softmax from them: it alone checks their version.
  const version = logits.version;
  return record(op, loss, [logits], (g) => {
    // ds: the gradient reaching each target's -logp (the reduction's backward), 0 where ignored.
    const dsOf = (gv: Tensor): Tensor => {
      const ds = reduction === 'mean' ? div(gv, count).expand([N]) : reduction === 'sum' ? gv.expand([N]) : gv.reshape([N]);
      return where(keep, ds, 0);
    };
    if (isGradEnabled()) {
      // Recorded: the composed backward's ops, differentiable in g and (through y) in the logits.
      checkSavedVersion(op, logits, version);
      const G = scatterFlat(neg(dsOf(g)), idx, [N, C]);
      const y2 = logSoftmax(x2, 1);
      const dx = sub(G, mul(exp(y2), sum(G, 1, true)));
      return [logits.ndim === 1 ? dx.reshape([C]) : dx];
    }
    const ds = noGrad(() => dsOf(g)).toFloat32Array();
    const out = empty([N, C]);
    const o = out.storage.data as Float32Array, kd = keep.storage.data as Uint8Array;
    // exp(y) by the kernel set, the composed backward's `exp(y)` bits
    K().unary('exp', y._f32('crossEntropy'), y.offset, o, 0, N * C);
    for (let n = 0; n < N; n++) {
      // G's row: 0 + (-ds) at the target (float32: -0 becomes 0), zeros elsewhere; its sum is exact.
      const gt = kd[n] ? Math.fround(0 + -ds[n]!) : 0;
      const t = kd[n] ? idx[n]! - n * C : -1;
      for (let c = 0; c < C; c++) {
        const e = o[n * C + c]!;
        o[n * C + c] = (c === t ? gt : 0) - Math.fround(e * gt);
      }
    }
    return [logits.ndim === 1 ? out.reshape([C]) : out];
  });
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
 * F.mseLoss(tensor([1, 2]), tensor([1, 4]), null, null, 'sum'); // tensor(4.): PyTorch's positionals (size_average and reduce null)
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, ...rest: Positional<Legacy, ReductionOptions>): Tensor {
  const options = fnOptions<ReductionOptions>('mseLoss', rest, LEGACY);
  const reduction = checkReduction('mseLoss', options.reduction);
  sameShapeTarget('mseLoss', input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BCEWithLogitsOptions extends ReductionOptions {
  /** A rescaling weight of each element's loss, broadcast to the input. */
  weight?: Tensor | null;
  /** The weight of positive examples (PyTorch's `pos_weight`), broadcast along the last dim: one per class. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits, `max(x,0) - x·t + log1p(exp(-|x|))`: stable for any x
 * (no `log(sigmoid(x))`). Targets are probabilities in [0, 1]. With `posWeight` the positive
 * term is scaled, `(1 - t)·x + (1 + (pw - 1)·t)·(log1p(exp(-|x|)) + max(-x, 0))`; `weight`
 * scales each element's loss (both as PyTorch's).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.binaryCrossEntropyWithLogits(tensor([0]), tensor([1])); // tensor(0.6931)
 * F.binaryCrossEntropyWithLogits(tensor([[0, 1]]), tensor([[1, 0]]), { posWeight: tensor([3, 1]) });
 * F.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]), tensor([2])); // tensor(1.3863): PyTorch's positional weight
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...rest: Positional<[weight: T, ...Legacy, posWeight: T], BCEWithLogitsOptions>): Tensor {
  const options = fnOptions<BCEWithLogitsOptions>('binaryCrossEntropyWithLogits', rest, [tensorOrNull('weight'), ...LEGACY, tensorOrNull('posWeight')]);
  const reduction = checkReduction('binaryCrossEntropyWithLogits', options.reduction);
  sameShapeTarget('binaryCrossEntropyWithLogits', input, target);
  const w = options.weight ?? null, pw = options.posWeight ?? null;
  if (w !== null) expectTensor('binaryCrossEntropyWithLogits', 'weight', w);
  if (pw !== null) expectTensor('binaryCrossEntropyWithLogits', 'posWeight', pw);
  const x = input, t = target;
  const loss = noGrad(() => {
    const l = pw === null
      ? add(sub(relu(x), mul(x, t)), log1p(exp(neg(abs(x)))))
      : add(mul(sub(1, t), x), mul(add(mul(sub(pw, 1), t), 1), add(log1p(exp(neg(abs(x)))), relu(neg(x)))));
    return w === null ? l : mul(l, w);
  });
  // NOTE: the composed formula has kinks at x = 0 (relu, abs) whose subgradients give -t there;
  // the true derivative is sigmoid(x) - t everywhere, which is what PyTorch's backward uses
  // (with posWeight: (pw·t + 1 - t)·sigmoid(x) - pw·t).
  const out = record('binaryCrossEntropyWithLogits', loss, [x, t], (g) => {
    const gx = pw === null ? sub(sigmoid(x), t) : sub(mul(add(sub(mul(pw, t), t), 1), sigmoid(x)), mul(pw, t));
    const gt = pw === null ? neg(x) : sub(mul(sub(pw, 1), add(log1p(exp(neg(abs(x)))), relu(neg(x)))), x);
    const scale = (v: Tensor): Tensor => (w === null ? mul(g, v) : mul(mul(g, v), w));
    return [x.requiresGrad ? scale(gx) : null, t.requiresGrad ? scale(gt) : null];
  }, [x, t]);
  return reduce(out, reduction);
}

// ---- regression and distribution losses ----------------------------------------------------

/** The reduction of a loss whose options `fnOptions` has checked, and its same-shape target. */
function lossArgs(op: string, input: Tensor, target: Tensor, options: object): Reduction {
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
 * F.l1Loss(tensor([1, 2]), tensor([2, 4]), null, null, 'sum'); // tensor(3.)
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, ...rest: Positional<Legacy, ReductionOptions>): Tensor {
  const options = fnOptions<ReductionOptions>('l1Loss', rest, LEGACY);
  const reduction = lossArgs('l1Loss', input, target, options);
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
 * F.smoothL1Loss(tensor([0, 0]), tensor([0.5, 3]), null, null, 'sum', 0.5); // PyTorch's positionals: ..., reduction, beta
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, ...rest: Positional<[...Legacy, beta: number], SmoothL1LossOptions>): Tensor {
  const op = 'smoothL1Loss';
  const options = fnOptions<SmoothL1LossOptions>(op, rest, [...LEGACY, num('beta')]);
  const reduction = lossArgs(op, input, target, options);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`${op}: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got ${shown(beta)}`);
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
 * F.huberLoss(tensor([0, 0]), tensor([0.5, 3]), 'mean', 2); // the same: PyTorch's positional reduction, delta
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, ...rest: Positional<[reduction: Reduction, delta: number], HuberLossOptions>): Tensor {
  const op = 'huberLoss';
  const options = fnOptions<HuberLossOptions>(op, rest, [REDUCTION, num('delta')]);
  const reduction = lossArgs(op, input, target, options);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0)) throw new RangeError(`${op}: delta must be positive (huber_loss does not support non-positive values for delta), got ${shown(delta)}`);
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
 * F.binaryCrossEntropy(tensor([0.5]), tensor([1]), tensor([2])); // tensor(1.3863): PyTorch's positional weight
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...rest: Positional<[weight: T, ...Legacy], BCELossOptions>): Tensor {
  const op = 'binaryCrossEntropy';
  const options = fnOptions<BCELossOptions>(op, rest, [tensorOrNull('weight'), ...LEGACY]);
  const reduction = lossArgs(op, input, target, options);
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
 * F.klDiv(tensor([[Math.log(0.5), Math.log(0.5)]]), tensor([[0.5, 0.5]]), null, null, 'batchmean'); // the same, positionally
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, ...rest: Positional<[sizeAverage: null, reduce: null, reduction: KLDivReduction, logTarget: boolean], KLDivOptions>): Tensor {
  const op = 'klDiv';
  const options = fnOptions<KLDivOptions>(op, rest, [...LEGACY, boolParam('logTarget')]);
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

// ---- margin and embedding losses ------------------------------------------------------------

/** `{ margin, reduction }` of the margin losses. */
export interface MarginLossOptions extends ReductionOptions {
  margin?: number;
}

function marginArgs(op: string, options: MarginLossOptions, dflt: number): { margin: number; reduction: Reduction } {
  const margin = options.margin ?? dflt;
  if (typeof margin !== 'number' || Number.isNaN(margin)) throw new TypeError(`${op}: margin must be a number, got ${describe(margin)}`);
  return { margin, reduction: checkReduction(op, options.reduction) };
}

/** The two inputs and the ±1 target of the pair losses, checked, and their `{ margin, reduction }` (margin default 0). */
function pairArgs(op: string, x1: Tensor, x2: Tensor, target: Tensor, options: MarginLossOptions): { margin: number; reduction: Reduction } {
  expectTensor(op, 'input1', x1);
  expectTensor(op, 'input2', x2);
  expectTensor(op, 'target', target);
  return marginArgs(op, options, 0);
}

/**
 * `max(0, −y·(x1 − x2) + margin)`, reduced (PyTorch's `margin_ranking_loss`; y is 1 or -1, margin default 0).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.marginRankingLoss(tensor([1, 2]), tensor([2, 1]), tensor([1, 1])); // tensor(0.5000)
 * F.marginRankingLoss(tensor([1, 2]), tensor([2, 1]), tensor([1, 1]), 0.5); // tensor(0.7500): PyTorch's positional margin
 * ```
 */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, ...rest: Positional<[margin: number, ...Legacy], MarginLossOptions>): Tensor {
  const op = 'marginRankingLoss';
  const options = fnOptions<MarginLossOptions>(op, rest, MARGIN);
  const { margin, reduction } = pairArgs(op, x1, x2, target, options);
  if (x1.ndim !== x2.ndim || x1.ndim !== target.ndim) {
    throw new ShapeError(`${op}: All input tensors should have same dimension but got sizes: input1: ${fmt(x1.shape)}, input2: ${fmt(x2.shape)}, target: ${fmt(target.shape)}`);
  }
  return reduce(clamp(add(mul(neg(target), sub(x1, x2)), margin), 0), reduction);
}

/**
 * `x` where y is 1, `max(0, margin − x)` where y is -1, reduced (PyTorch's `hinge_embedding_loss`; margin default 1).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.hingeEmbeddingLoss(tensor([0.3, 0.3]), tensor([1, -1])); // tensor(0.5000)
 * F.hingeEmbeddingLoss(tensor([0.3, 0.3]), tensor([1, -1]), 0.5, null, null, 'sum'); // tensor(0.5000): margin, ..., reduction
 * ```
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, ...rest: Positional<[margin: number, ...Legacy], MarginLossOptions>): Tensor {
  const op = 'hingeEmbeddingLoss';
  const options = fnOptions<MarginLossOptions>(op, rest, MARGIN);
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  const { margin, reduction } = marginArgs(op, options, 1);
  // ATen: where(target != 1, clamp_min(margin − x, 0), 0) + where(target != -1, x, 0)
  const marginPart = where(ne(target, 1), clamp(sub(margin, input), 0), 0);
  const selfPart = where(ne(target, -1), input, 0);
  return reduce(add(marginPart, selfPart), reduction);
}

/**
 * `log(1 + e^(−y·x))`, reduced (PyTorch's `soft_margin_loss`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softMarginLoss(tensor([0]), tensor([1])); // tensor(0.6931)
 * F.softMarginLoss(tensor([0]), tensor([1]), null, null, 'sum'); // tensor(0.6931)
 * ```
 */
export function softMarginLoss(input: Tensor, target: Tensor, ...rest: Positional<Legacy, ReductionOptions>): Tensor {
  const options = fnOptions<ReductionOptions>('softMarginLoss', rest, LEGACY);
  const reduction = lossArgs('softMarginLoss', input, target, options);
  return reduce(log1p(exp(mul(neg(input), target))), reduction);
}

/**
 * `1 − cos(x1, x2)` where y is 1, `max(0, cos(x1, x2) − margin)` where y is -1, along dim 1 of
 * `[N, D]` (or dim 0 of `[D]`), reduced (PyTorch's `cosine_embedding_loss`: the squared norms
 * plus 1e-12; margin default 0).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.cosineEmbeddingLoss(tensor([[1, 0]]), tensor([[0, 1]]), tensor([1])); // tensor(1.)
 * F.cosineEmbeddingLoss(tensor([[1, 0]]), tensor([[0, 1]]), tensor([-1]), -0.5); // tensor(0.5000): PyTorch's positional margin
 * ```
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, ...rest: Positional<[margin: number, ...Legacy], MarginLossOptions>): Tensor {
  const op = 'cosineEmbeddingLoss';
  const options = fnOptions<MarginLossOptions>(op, rest, MARGIN);
  const { margin, reduction } = pairArgs(op, x1, x2, target, options);
  if (x1.ndim !== x2.ndim || x1.shape.some((s, i) => s !== x2.shape[i])) throw new ShapeError(`${op}: the size of tensor a (${fmt(x1.shape)}) must match the size of tensor b (${fmt(x2.shape)})`);
  if (x1.ndim !== 1 && x1.ndim !== 2) throw new ShapeError(`${op}: 1D target tensor expects 2D input tensors, but found inputs with sizes ${fmt(x1.shape)} and ${fmt(x2.shape)}.`);
  if (target.ndim !== x1.ndim - 1) throw new ShapeError(`${op}: ${x1.ndim === 1 ? '0D' : '1D'} target tensor expects ${x1.ndim}D input tensors, but found inputs with sizes ${fmt(x1.shape)} and ${fmt(x2.shape)}.`);
  const d = x1.ndim - 1;
  const dot = sum(mul(x1, x2), d);
  const m1 = add(sum(mul(x1, x1), d), 1e-12), m2 = add(sum(mul(x2, x2), d), 1e-12);
  const cos = div(dot, sqrt(mul(m1, m2)));
  const pos = where(eq(target, 1), sub(1, cos), 0);
  const negPart = where(eq(target, -1), clamp(sub(cos, margin), 0), 0);
  return reduce(add(pos, negPart), reduction);
}

/** `tripletMarginLoss`'s options: PyTorch's keywords. */
export interface TripletMarginLossOptions extends MarginLossOptions {
  /** The distance's norm (default 2). */
  p?: number;
  /** Added to the differences before the norm (default 1e-6). */
  eps?: number;
  /** Use the positive–negative distance where it is smaller (the distance swap; default false). */
  swap?: boolean;
}

/**
 * `max(0, margin + d(a, p) − d(a, n))` with `d` the pairwise `p`-norm distance, reduced
 * (PyTorch's `triplet_margin_loss`; margin 1, p 2, eps 1e-6).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.tripletMarginLoss(tensor([[0, 0]]), tensor([[0, 1]]), tensor([[0, 3]])); // tensor(0.) (to eps)
 * F.tripletMarginLoss(tensor([[0, 0]]), tensor([[0, 1]]), tensor([[0, 3]]), 3, 1); // tensor(1.) (to eps): margin, p
 * ```
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, ...rest: Positional<[margin: number, p: number, eps: number, swap: boolean, ...Legacy], TripletMarginLossOptions>): Tensor {
  const op = 'tripletMarginLoss';
  const options = fnOptions<TripletMarginLossOptions>(op, rest, [num('margin'), num('p'), num('eps'), boolParam('swap'), ...LEGACY]);
  expectTensor(op, 'anchor', anchor);
  expectTensor(op, 'positive', positive);
  expectTensor(op, 'negative', negative);
  const { margin, reduction } = marginArgs(op, options, 1);
  const p = options.p ?? 2, eps = options.eps ?? 1e-6, swap = options.swap ?? false;
  if (typeof swap !== 'boolean') throw new TypeError(`${op}: swap must be a boolean, got ${describe(swap)}`);
  if (anchor.ndim !== positive.ndim || anchor.ndim !== negative.ndim) {
    throw new ShapeError(`${op}: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${anchor.ndim}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`);
  }
  const dPos = pairwiseDistance(anchor, positive, p, eps);
  let dNeg = pairwiseDistance(anchor, negative, p, eps);
  if (swap) dNeg = minimum(dNeg, pairwiseDistance(positive, negative, p, eps));
  return reduce(clamp(sub(add(dPos, margin), dNeg), 0), reduction);
}

/** `poissonNllLoss`'s options: PyTorch's keywords. */
export interface PoissonNllLossOptions extends ReductionOptions {
  /** The input is the log of the rate (default true): `e^x − y·x`; else `x − y·log(x + eps)`. */
  logInput?: boolean;
  /** Add Stirling's approximation of `log(y!)` where y > 1 (default false). */
  full?: boolean;
  /** Keeps the log finite when `logInput` is false (default 1e-8). */
  eps?: number;
}

/**
 * The negative log-likelihood of targets under a Poisson distribution of rate `input` (or
 * `e^input`), reduced (PyTorch's `poisson_nll_loss`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.poissonNllLoss(tensor([0]), tensor([1])); // tensor(1.)
 * F.poissonNllLoss(tensor([1]), tensor([1]), false, true); // PyTorch's positionals: log_input, full
 * ```
 */
export function poissonNllLoss(input: Tensor, target: Tensor, ...rest: Positional<[logInput: boolean, full: boolean, sizeAverage: null, eps: number, reduce: null, reduction: Reduction], PoissonNllLossOptions>): Tensor {
  const op = 'poissonNllLoss';
  const options = fnOptions<PoissonNllLossOptions>(op, rest, [boolParam('logInput'), boolParam('full'), legacy('sizeAverage'), num('eps'), legacy('reduce'), REDUCTION]);
  const reduction = lossArgs(op, input, target, options);
  const logInput = options.logInput ?? true, full = options.full ?? false, eps = options.eps ?? 1e-8;
  if (typeof logInput !== 'boolean') throw new TypeError(`${op}: logInput must be a boolean, got ${describe(logInput)}`);
  if (typeof full !== 'boolean') throw new TypeError(`${op}: full must be a boolean, got ${describe(full)}`);
  let loss = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    // Stirling: y·log(y) − y + 0.5·log(2πy), zero where y <= 1 (ATen's masked_fill)
    const y = target;
    const stirling = add(sub(mul(y, log(y)), y), mul(log(mul(y, 2 * Math.PI)), 0.5));
    loss = add(loss, where(le(y, 1), 0, stirling));
  }
  return reduce(loss, reduction);
}

/** `gaussianNllLoss`'s options: PyTorch's keywords. */
export interface GaussianNllLossOptions extends ReductionOptions {
  /** Add the constant `0.5·log(2π)` (default false). */
  full?: boolean;
  /** The variance's floor, applied without gradient (default 1e-6). */
  eps?: number;
}

/**
 * `var` clamped at `eps` in value with the gradient of the identity: PyTorch's
 * `var = var.clone(); with torch.no_grad(): var.clamp_(min=eps)`.
 */
function clampedNoGrad(v: Tensor, eps: number): Tensor {
  const out = noGrad(() => clamp(v, eps));
  return record('clone', out, [v], (g) => [g]);
}

/**
 * The negative log-likelihood of `target` under Gaussians of mean `input` and variance `var`:
 * `0.5·(log(var) + (input − target)² / var)` (+ `0.5·log(2π)` with `full`), reduced (PyTorch
 * 1.13's `gaussian_nll_loss`). `var` has the input's shape, or one dim less, or a last dim of 1
 * (one variance per row); it is clamped at `eps` without gradient, as PyTorch's; a negative
 * entry is refused.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.gaussianNllLoss(tensor([1, 2]), tensor([1, 3]), tensor([1, 1])); // tensor(0.2500)
 * F.gaussianNllLoss(tensor([1, 2]), tensor([1, 3]), tensor([1, 1]), false, 1e-6, 'sum'); // tensor(0.5000): full, eps, reduction
 * ```
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, ...rest: Positional<[full: boolean, eps: number, reduction: Reduction], GaussianNllLossOptions>): Tensor {
  const op = 'gaussianNllLoss';
  const options = fnOptions<GaussianNllLossOptions>(op, rest, [boolParam('full'), num('eps'), REDUCTION]);
  expectTensor(op, 'input', input);
  expectTensor(op, 'target', target);
  expectTensor(op, 'var', variance);
  const full = options.full ?? false, eps = options.eps ?? 1e-6;
  if (typeof full !== 'boolean') throw new TypeError(`${op}: full must be a boolean, got ${describe(full)}`);
  if (typeof eps !== 'number') throw new TypeError(`${op}: eps must be a number, got ${describe(eps)}`);
  let v = variance;
  if (!sameShape(v.shape, input.shape)) {
    // PyTorch's tests on `input.size()[:-1]`, which is () for a 0-d input as for a 1-d one
    const lead = input.shape.slice(0, -1);
    if (sameShape(lead, v.shape)) v = v.unsqueeze(-1); // one variance per row
    else if (!(v.ndim > 0 && sameShape(lead, v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
      throw new ShapeError(`${op}: var is of incorrect size (input ${fmt(input.shape)}, var ${fmt(variance.shape)})`);
    }
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new RangeError(`${op}: ${String(reduction)} is not valid`);
  if (noGrad(() => Boolean(lt(v, 0).any().item()))) throw new RangeError(`${op}: var has negative entry/entries`);
  v = clampedNoGrad(v, eps);
  const d = sub(input, target);
  let loss = mul(add(log(v), div(mul(d, d), v)), 0.5);
  if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

/** `multiMarginLoss`'s options: PyTorch's keywords. */
export interface MultiMarginLossOptions extends ReductionOptions {
  /** 1 (default) or 2: the hinge or its square. */
  p?: 1 | 2;
  /** Default 1. */
  margin?: number;
  /** A weight per class (`[C]`), scaling the terms of each sample by its target's weight. */
  weight?: Tensor | null;
}

/**
 * The multi-class hinge loss: for each sample `x` of `[N, C]` (or `[C]`) with target class `y`,
 * `Σ_{i≠y} max(0, margin − x[y] + x[i])^p / C` (each term times `weight[y]`), reduced (PyTorch's
 * `multi_margin_loss`, its CPU kernel's order: each sample's sum in the dtype, the batch's in
 * double; an empty batch's mean is NaN). Targets are class indices (int64, int32, `number[]`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), [3]); // tensor(0.3250)
 * F.multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), [3], 2, 0.5); // PyTorch's positionals: p, margin
 * ```
 */
export function multiMarginLoss(input: Tensor, target: IndexLike, ...rest: Positional<[p: 1 | 2, margin: number, weight: T, ...Legacy], MultiMarginLossOptions>): Tensor {
  const op = 'multiMarginLoss';
  const options = fnOptions<MultiMarginLossOptions>(op, rest, [num('p'), num('margin'), tensorOrNull('weight'), ...LEGACY]);
  expectTensor(op, 'input', input);
  const tgt = indexTensor(op, 'target', target);
  const p = options.p ?? 1, margin = options.margin ?? 1, weight = options.weight ?? null;
  if (p !== 1 && p !== 2) throw new RangeError(`${op}: only p == 1 and p == 2 supported, got ${describe(p)}`);
  if (typeof margin !== 'number') throw new TypeError(`${op}: margin must be a number, got ${describe(margin)}`);
  const reduction = checkReduction(op, options.reduction);
  if (weight !== null) {
    expectTensor(op, 'weight', weight);
    if (weight.ndim !== 1) throw new ShapeError(`${op}: weight must be one-dimensional, got ${fmt(weight.shape)}`);
  }
  if (!input.dtype.isFloatingPoint || input.dtype.itemsize < 4) throw new TypeError(`${op}: "multi_margin_loss_cpu_kernel" not implemented for '${input.dtype.cName}'`);
  if (input.ndim > 2 || (input.numel() === 0 && input.ndim !== 2)) throw new ShapeError(`${op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmt(input.shape)}`);
  const nframe = input.ndim <= 1 ? 1 : input.shape[0]!, dim = input.ndim === 0 ? 1 : input.shape[input.ndim - 1]!;
  if (tgt.ndim > 1 || tgt.numel() !== nframe) throw new ShapeError(`${op}: inconsistent target size, got: ${fmt(tgt.shape)} (expected ${nframe} targets)`);
  // PyTorch 1.13 reads weight[target] unchecked: a longer weight works, a shorter one is refused here
  if (weight !== null && weight.numel() < dim) throw new ShapeError(`${op}: weight has ${weight.numel()} elements for ${dim} classes`);
  if (tgt.dtype.isFloatingPoint && !(tgt.toTypedArray() as Float32Array).every(Number.isInteger)) throw new TypeError(`${op}: target must hold class indices (integers), got ${fmt(tgt.shape)} ${tgt.dtype.name}`);
  const ys = Array.from(tgt.toTypedArray() as ArrayLike<number | bigint>, Number);
  ys.forEach((y) => { if (!(y >= 0 && y < dim)) throw new RangeError(`${op}: target out of range (${y} for ${dim} classes)`); });
  const r = input.dtype === float32 ? Math.fround : (v: number): number => v;
  const [xd, xo] = input._contiguousAny() as [Float64Array, number];
  const wd = weight === null ? null : Array.from(weight.to(input.dtype).toTypedArray() as Float64Array);
  const m = r(margin);
  // ATen's multi_margin_inner_sum_cpu: one sample's terms, in class order, summed in the dtype
  const inner = (t: number): number => {
    const y = ys[t]!, row = xo + t * dim, xy = xd[row + y]!;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      if (d === y) continue;
      const z = r(r(m - xy) + xd[row + d]!);
      if (z > 0) {
        let h = p === 1 ? z : r(z * z);
        if (wd !== null) h = r(h * wd[y]!);
        s = r(s + h);
      }
    }
    return s;
  };
  const none = reduction === 'none' && tgt.ndim > 0;
  const out = empty(none ? [nframe] : [], input.dtype);
  const od = out.storage.data as Float64Array;
  if (none) for (let t = 0; t < nframe; t++) od[t] = r(inner(t) / dim);
  else {
    let s = 0; // accscalar_t: double
    for (let t = 0; t < nframe; t++) s += inner(t);
    if (reduction === 'mean') s /= nframe;
    od[0] = r(s / dim);
  }
  const inputs = weight === null ? [input] : [input, weight];
  return record(op, out, inputs, (g) => {
    // ATen's multi_margin_loss_backward_cpu_kernel: ±g (p = 1) or ±2·g·z per term, then times grad_output
    const gi = empty(input.shape, input.dtype);
    const gd = gi.storage.data as Float64Array;
    const gs = r(reduction === 'mean' ? 1 / (nframe * dim) : 1 / dim);
    for (let t = 0; t < nframe; t++) {
      const y = ys[t]!, row = xo + t * dim, xy = xd[row + y]!;
      let gy = 0;
      for (let d = 0; d < dim; d++) {
        const z = r(r(m - xy) + xd[row + d]!);
        if (d === y) continue;
        if (z > 0) {
          let h = p === 1 ? gs : r(r(2 * gs) * z);
          if (wd !== null) h = r(h * wd[y]!);
          gy = r(gy - h);
          gd[t * dim + d] = h;
        } else gd[t * dim + d] = 0;
      }
      gd[t * dim + y] = gy;
    }
    const [gg, go] = contiguousOf(g);
    for (let t = 0; t < nframe; t++) {
      const k = none ? gg[go + t]! : gg[go]!;
      for (let d = 0; d < dim; d++) gd[t * dim + d] = r(gd[t * dim + d]! * k);
    }
    return weight === null ? [gi] : [gi, null];
  });
}

/** A tensor's values as doubles from its first element (a float32 or float64 tensor). */
function contiguousOf(t: Tensor): [Float64Array, number] {
  return t._contiguousAny() as [Float64Array, number];
}
