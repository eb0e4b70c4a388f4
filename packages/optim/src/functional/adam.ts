import { kernels, maximum, type AdamConstants, type Tensor } from '@tensile/tensor';
import { advanceStep, runUpdate, type PathOptions } from './common.js';
import { fmaf, lerpf, powf } from './float32.js';

const f32 = Math.fround;

/**
 * Adam's hyper-parameters as the update reads them (`lr` already a number).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };
 * ```
 */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW's decay: `p *= 1 - lr * weightDecay` before the update, instead of adding it to the gradient. */
  decoupledWeightDecay: boolean;
  /** `lr` is the float32 value of a 1-element tensor: PyTorch then computes with it in float32 tensor ops. */
  lrIsTensor?: boolean;
}

/**
 * A parameter's Adam state, PyTorch's keys: `step` (a float32 count; a 0-d float32 tensor with
 * `capturable`), the moments, and `max_exp_avg_sq` with amsgrad.
 */
export interface AdamState {
  step: number | Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  max_exp_avg_sq?: Tensor;
}

/** What {@link adam} needs beyond the hyper-parameters. */
export interface AdamFunctionalOptions extends AdamHyper, PathOptions {
  /** PyTorch 2.13's capturable formulas: the scalars are float32 tensor ops on the step tensor. */
  capturable?: boolean;
}

/** The hyper-parameters the Adam family's moment update reads. */
export type MomentHyper = Pick<AdamHyper, 'lr' | 'beta1' | 'beta2' | 'weightDecay' | 'maximize' | 'decoupledWeightDecay' | 'lrIsTensor'>;

/**
 * The decoupled decay factor `1 - lr * weight_decay` as the float32 scalar `param.mul_` uses:
 * computed in double and rounded once with a number lr, in float32 tensor ops with a tensor lr
 * (`lr * wd` rounds with wd as float32, then `1 - x` rounds).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.decoupledDecay({ lr: 0.001, weightDecay: 0.01, lrIsTensor: false }); // 0.9999899864196777 (float32 of 0.99999)
 * ```
 */
export function decoupledDecay(h: Pick<MomentHyper, 'lr' | 'weightDecay' | 'lrIsTensor'>): number {
  return h.lrIsTensor ? f32(1 - f32(h.lr * f32(h.weightDecay))) : f32(1 - h.lr * h.weightDecay);
}

/**
 * The first half of the Adam family's element update (Adam, AdamW, NAdam, RAdam): the sign
 * for `maximize`, weight decay (coupled: added to the gradient; decoupled: the parameter
 * decays), `exp_avg.lerp_(grad, 1 - beta1)` and `exp_avg_sq.mul_(beta2).addcmul_(grad, grad,
 * value=1 - beta2)`, in ATen's float32 rounding. Returns `[param, grad, exp_avg, exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adamMoments(1, 0.5, 0, 0, { lr: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 0, maximize: false, decoupledWeightDecay: false });
 * ```
 */
export function adamMoments(p: number, g: number, m: number, v: number, h: MomentHyper): [number, number, number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) {
    if (h.decoupledWeightDecay) p = f32(p * decoupledDecay(h)); // param.mul_(1 - lr * wd)
    else grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  }
  m = lerpf(m, grad, f32(1 - h.beta1)); // exp_avg.lerp_(grad, 1 - beta1)
  v = fmaf(f32(f32(1 - h.beta2) * grad), grad, f32(v * f32(h.beta2))); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
  return [p, grad, m, v];
}

/** The same first half with tensor ops (the differentiable paths); returns the gradient used. */
export function adamMomentsDifferentiable(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, h: MomentHyper): Tensor {
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) {
    if (h.decoupledWeightDecay) p.mul_(h.lrIsTensor ? decoupledDecay(h) : 1 - h.lr * h.weightDecay);
    else g = g.add(p, h.weightDecay);
  }
  m.lerp_(g, 1 - h.beta1);
  // NOTE: value·t1 first, then ·t2, in ATen's order: the tensor addcmul_ forms t1·t2 first, which
  // overflows float32 where PyTorch's does not (a gradient of 3e19: nonfinite.test.ts).
  v.mul_(h.beta2).addcmul_(g.mul(1 - h.beta2), g);
  return g;
}

/** amsgrad's running maximum of the second moment: torch.maximum, where NaN wins. */
function amsgradMax(v: number, vmax: number): number {
  return v > vmax || Number.isNaN(v) ? v : vmax;
}

/**
 * The readable reference of one Adam element update, PyTorch 2.13's `_single_tensor_adam` with
 * ATen's float32 CPU rounding per op (measured on PyTorch: `lerp_` is one fused multiply-add
 * on the side of the weight, `addcmul_` is `fma(value·t1, t2, self)`, `addcdiv_` rounds
 * `value·t1`, the quotient and the sum, a tensor divided by a Python number divides by its
 * float32 value). `step` is the count after this step; `s` (step size) and `bc2` (the square
 * root of the second bias correction) are the double values Python computes. Returns
 * `[param, exp_avg, exp_avg_sq, max_exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };
 * const { stepSize, bc2Sqrt } = functional.adamScalars(h, 1);
 * functional.adamReference(1, 0.5, 0, 0, 0, h, stepSize, bc2Sqrt); // [0.999, 0.05, 0.00025, 0]
 * ```
 */
export function adamReference(
  p: number, g: number, m: number, v: number, vmax: number, h: AdamHyper, stepSize: number, bc2Sqrt: number,
): [number, number, number, number] {
  [p, , m, v] = adamMoments(p, g, m, v, h);
  if (h.amsgrad) vmax = amsgradMax(v, vmax);
  const second = h.amsgrad ? vmax : v;
  const denom = f32(f32(f32(Math.sqrt(second)) / f32(bc2Sqrt)) + f32(h.eps)); // (sqrt / bc2_sqrt).add_(eps)
  p = f32(p + f32(f32(f32(-stepSize) * m) / denom)); // param.addcdiv_(exp_avg, denom, value=-step_size)
  return [p, m, v, vmax];
}

/**
 * The scalars of step `step` (the count after it), in double as Python computes them:
 * `step_size = lr / (1 - beta1 ** step)`, `bias_correction2_sqrt = sqrt(1 - beta2 ** step)`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adamScalars({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false }, 1);
 * ```
 */
export function adamScalars(h: AdamHyper, step: number): { stepSize: number; bc2Sqrt: number } {
  const bc1 = 1 - Math.pow(h.beta1, step);
  // A tensor lr: `lr / bias_correction1` is a float32 tensor divided by bc1 rounded to float32.
  const stepSize = h.lrIsTensor ? f32(h.lr / f32(bc1)) : h.lr / bc1;
  return { stepSize, bc2Sqrt: Math.sqrt(1 - Math.pow(h.beta2, step)) };
}

/**
 * The scalars of PyTorch 2.13's capturable branch for step `step` (the count after it), each a
 * float32 tensor op: `bias_correction{1,2} = 1 - beta ** step` (float32 pow of float32(beta)),
 * `step_size = lr / bias_correction1` (a number lr: `bc1.reciprocal() * lr`, as Python's
 * `float / tensor` is; a tensor lr: a float32 division), `step_size_neg = -step_size`, and
 * the denominator's two terms: `div = bias_correction2.sqrt() * step_size_neg` and
 * `add = eps / step_size_neg` (again `reciprocal() * eps`).
 *
 * NOTE: `beta ** step` is {@link powf}, glibc's float32 pow as ATen's CPU kernel calls it, not
 * the correctly rounded power (they differ in about 0.75 % of (beta, step) pairs; see powf).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adamCapturableScalars({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false }, 1);
 * ```
 */
export function adamCapturableScalars(h: AdamHyper, step: number): { div: number; add: number } {
  const bc1 = f32(1 - powf(h.beta1, step));
  const bc2 = f32(1 - powf(h.beta2, step));
  const stepSize = h.lrIsTensor ? f32(h.lr / bc1) : f32(f32(1 / bc1) * f32(h.lr));
  const neg = -stepSize;
  return { div: f32(f32(Math.sqrt(bc2)) * neg), add: f32(f32(1 / neg) * f32(h.eps)) };
}

/**
 * The readable reference of one Adam element update on PyTorch 2.13's capturable branch:
 * the same moments as {@link adamReference}, then `denom = (sqrt(v) / div).add_(add)` and
 * `param.addcdiv_(exp_avg, denom)` (value 1: the quotient and the sum round), with `div` and
 * `add` from {@link adamCapturableScalars}. Returns `[param, exp_avg, exp_avg_sq, max_exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };
 * const { div, add } = functional.adamCapturableScalars(h, 1);
 * functional.adamCapturableReference(1, 0.5, 0, 0, 0, h, div, add);
 * ```
 */
export function adamCapturableReference(
  p: number, g: number, m: number, v: number, vmax: number, h: AdamHyper, div: number, add: number,
): [number, number, number, number] {
  [p, , m, v] = adamMoments(p, g, m, v, h);
  if (h.amsgrad) vmax = amsgradMax(v, vmax);
  const second = h.amsgrad ? vmax : v;
  const denom = f32(f32(f32(Math.sqrt(second)) / div) + add);
  p = f32(p + f32(m / denom));
  return [p, m, v, vmax];
}

/**
 * @internal The constants of {@link adamMoments} for the kernel set's `adam` (Adam, AdamW, NAdam,
 * RAdam): the mode bits of maximize, weight decay (coupled or decoupled) and the lerp form, the
 * decay, `1 - beta1` and `beta2`, each rounded to float32 as the element update rounds them. Each
 * optimizer adds its mode bit and its step's constants.
 */
export function adamMomentConstants(h: MomentHyper & { eps: number }): Omit<AdamConstants, 'bc2' | 'ss'> {
  const wd = h.weightDecay, decoupled = h.decoupledWeightDecay, w1 = f32(1 - h.beta1);
  return {
    mode: (h.maximize ? 1 : 0) | (wd !== 0 ? (decoupled ? 4 : 2) : 0) | (Math.abs(w1) < 0.5 ? 8 : 0),
    wd: f32(wd), decay: wd !== 0 && decoupled ? decoupledDecay(h) : 1,
    w1, w1c: f32(1 - w1), b2: f32(h.beta2), c2: f32(1 - h.beta2), eps: f32(h.eps),
  };
}

/**
 * @internal {@link adamReference} over whole arrays: the kernel set's `adam` (in the
 * WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in the same
 * order, so the same bits (tested against the reference on every option combination, special
 * values included, on both backends). Updates `p`, `m`, `v` and `vmax` in place.
 */
export function adamLoop(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null,
  h: AdamHyper, stepSize: number, bc2Sqrt: number,
): void {
  const c = adamMomentConstants(h);
  kernels().adam(p, g, m, v, vmax, { ...c, mode: c.mode | (vmax ? 16 : 0), bc2: f32(bc2Sqrt), ss: f32(-stepSize) });
}

/**
 * Adam (and AdamW, with `decoupledWeightDecay`) on a list of parameters, PyTorch's functional
 * `adam`: the class validates options and initialises each parameter's state, this picks the
 * path (differentiable, for-loop, one pass) and advances each state. The for-loop and the
 * one-pass path run {@link adamReference} element by element through `updateInPlace`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const s = { step: 0, exp_avg: zeros([2]), exp_avg_sq: zeros([2]) };
 * noGrad(() => functional.adam([p], [tensor([0.5, -0.5])], [s], {
 *   lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false,
 * }));
 * ```
 */
export function adam(params: readonly Tensor[], grads: readonly Tensor[], states: readonly AdamState[], options: AdamFunctionalOptions): void {
  const h = options;
  runUpdate('adam', params, grads, states, options,
    (s) => (h.amsgrad ? [s.exp_avg, s.exp_avg_sq, s.max_exp_avg_sq!] : [s.exp_avg, s.exp_avg_sq]),
    (s, p, g, [m, v, vmax]) => {
      const step = advanceStep(s);
      if (!h.capturable) {
        // The reference element by element, without its per-element tuples (tested bit for bit).
        const { stepSize, bc2Sqrt } = adamScalars(h, step);
        adamLoop(p, g, m!, v!, vmax ?? null, h, stepSize, bc2Sqrt);
        return;
      }
      const { div, add } = adamCapturableScalars(h, step);
      for (let i = 0; i < p.length; i++) {
        const r = adamCapturableReference(p[i]!, g[i]!, m![i]!, v![i]!, vmax ? vmax[i]! : 0, h, div, add);
        p[i] = r[0];
        m![i] = r[1];
        v![i] = r[2];
        if (vmax) vmax[i] = r[3];
      }
    },
    (p, g, s) => differentiableStep(p, g, s, h));
}

/**
 * The same update with tensor ops, so that with grad mode on a non-leaf parameter gets a graph
 * through it (PyTorch's differentiable path, whose scalars stay Python numbers).
 */
function differentiableStep(p: Tensor, grad: Tensor, s: AdamState, h: AdamFunctionalOptions): void {
  const step = advanceStep(s);
  adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
  let second = s.exp_avg_sq;
  if (h.amsgrad) {
    s.max_exp_avg_sq!.copy_(maximum(s.max_exp_avg_sq!.clone(), s.exp_avg_sq));
    second = s.max_exp_avg_sq!;
  }
  if (h.capturable) {
    const { div, add } = adamCapturableScalars(h, step);
    p.addcdiv_(s.exp_avg, second.sqrt().div(div).add(add), 1);
    return;
  }
  const { stepSize, bc2Sqrt } = adamScalars(h, step);
  const denom = second.sqrt().div(bc2Sqrt).add(h.eps);
  p.addcdiv_(s.exp_avg, denom, -stepSize);
}
