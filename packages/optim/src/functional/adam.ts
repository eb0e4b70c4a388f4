import { maximum, type Tensor } from '@tensile/tensor';
import { runUpdate, type PathOptions } from './common.js';
import { fmaf, lerpf } from './float32.js';

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
}

/** A parameter's Adam state, PyTorch's keys: `step` (a float32 count), the moments, and `max_exp_avg_sq` with amsgrad. */
export interface AdamState {
  step: number;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  max_exp_avg_sq?: Tensor;
}

/** What {@link adam} needs beyond the hyper-parameters. */
export interface AdamFunctionalOptions extends AdamHyper, PathOptions {}

/** The hyper-parameters the Adam family's moment update reads. */
export type MomentHyper = Pick<AdamHyper, 'lr' | 'beta1' | 'beta2' | 'weightDecay' | 'maximize' | 'decoupledWeightDecay'>;

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
    if (h.decoupledWeightDecay) p = f32(p * f32(1 - h.lr * h.weightDecay)); // param.mul_(1 - lr * wd)
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
    if (h.decoupledWeightDecay) p.mul_(1 - h.lr * h.weightDecay);
    else g = g.add(p, h.weightDecay);
  }
  m.lerp_(g, 1 - h.beta1);
  v.mul_(h.beta2).addcmul_(g, g, 1 - h.beta2);
  return g;
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
  let second = v;
  if (h.amsgrad) {
    vmax = v > vmax || Number.isNaN(v) ? v : vmax; // torch.maximum (NaN wins)
    second = vmax;
  }
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
  return { stepSize: h.lr / (1 - Math.pow(h.beta1, step)), bc2Sqrt: Math.sqrt(1 - Math.pow(h.beta2, step)) };
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
      s.step = f32(s.step + 1);
      const { stepSize, bc2Sqrt } = adamScalars(h, s.step);
      for (let i = 0; i < p.length; i++) {
        const r = adamReference(p[i]!, g[i]!, m![i]!, v![i]!, vmax ? vmax[i]! : 0, h, stepSize, bc2Sqrt);
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
function differentiableStep(p: Tensor, grad: Tensor, s: AdamState, h: AdamHyper): void {
  s.step = f32(s.step + 1);
  adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
  const { stepSize, bc2Sqrt } = adamScalars(h, s.step);
  let second = s.exp_avg_sq;
  if (h.amsgrad) {
    s.max_exp_avg_sq!.copy_(maximum(s.max_exp_avg_sq!.clone(), s.exp_avg_sq));
    second = s.max_exp_avg_sq!;
  }
  const denom = second.sqrt().div(bc2Sqrt).add(h.eps);
  p.addcdiv_(s.exp_avg, denom, -stepSize);
}
