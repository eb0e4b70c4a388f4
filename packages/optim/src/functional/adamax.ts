import { maximum, type Tensor } from '@tensile/tensor';
import { advanceStep, runUpdate, type PathOptions } from './common.js';
import { fmaf, lerpf, powf } from './float32.js';

const f32 = Math.fround;

/**
 * Adamax's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.AdamaxHyper = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false };
 * ```
 */
export interface AdamaxHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
  /** `lr` is the float32 value of a 1-element tensor: `lr / bias_correction` is then a float32 division. */
  lrIsTensor?: boolean;
}

/** A parameter's Adamax state, PyTorch's keys (`step` a 0-d float32 tensor on the capturable path). */
export interface AdamaxState {
  step: number | Tensor;
  exp_avg: Tensor;
  exp_inf: Tensor;
}

/** What {@link adamax} needs beyond the hyper-parameters. */
export interface AdamaxFunctionalOptions extends AdamaxHyper, PathOptions {
  /** PyTorch 2.13's capturable formulas (see {@link adamaxCapturableScale}). */
  capturable?: boolean;
}

/**
 * The readable reference of one Adamax element update, PyTorch 2.13's `_single_tensor_adamax`
 * with ATen's float32 rounding per op; `clr` is `lr / (1 - beta1 ** step)` in double.
 * Returns `[param, exp_avg, exp_inf]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adamaxReference(1, 0.5, 0, 0, 0.02, { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false });
 * ```
 */
export function adamaxReference(p: number, g: number, m: number, u: number, clr: number, h: AdamaxHyper): [number, number, number] {
  [m, u] = adamaxMoments(p, g, m, u, h);
  p = f32(p + f32(f32(f32(-clr) * m) / u)); // param.addcdiv_(exp_avg, exp_inf, value=-clr)
  return [p, m, u];
}

/** Adamax's moments for one element: `[exp_avg, exp_inf]` after this step. */
function adamaxMoments(p: number, g: number, m: number, u: number, h: AdamaxHyper): [number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  m = lerpf(m, grad, f32(1 - h.beta1)); // exp_avg.lerp_(grad, 1 - beta1)
  const decayed = f32(u * f32(h.beta2)), bound = f32(Math.abs(grad) + f32(h.eps));
  u = Math.max(decayed, bound); // torch.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)): NaN wins, as Math.max
  return [m, u];
}

/**
 * PyTorch 2.13's capturable scale for step `step` (the count after it): `neg_bias_correction =
 * beta1 ** step_t - 1` (float32 pow of float32(beta1), then a float32 subtraction), divided in
 * place by `lr` (its float32 value, a number or a tensor alike). The denominator is then
 * `exp_inf * scale`. The pow is glibc's float32 {@link powf}, as ATen's CPU kernel calls it.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adamaxCapturableScale({ lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false }, 1);
 * ```
 */
export function adamaxCapturableScale(h: AdamaxHyper, step: number): number {
  return f32(f32(powf(h.beta1, step) - 1) / f32(h.lr));
}

/**
 * One Adamax element update on PyTorch 2.13's capturable branch: the same moments as
 * {@link adamaxReference}, then `param.addcdiv_(exp_avg, exp_inf * scale)` (value 1) with
 * `scale` from {@link adamaxCapturableScale}. Returns `[param, exp_avg, exp_inf]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false };
 * functional.adamaxCapturableReference(1, 0.5, 0, 0, functional.adamaxCapturableScale(h, 1), h);
 * ```
 */
export function adamaxCapturableReference(p: number, g: number, m: number, u: number, scale: number, h: AdamaxHyper): [number, number, number] {
  [m, u] = adamaxMoments(p, g, m, u, h);
  p = f32(p + f32(m / f32(u * scale))); // param.addcdiv_(exp_avg, exp_inf * neg_bias_correction)
  return [p, m, u];
}

/**
 * @internal {@link adamaxReference} (or, with `capturable`, {@link adamaxCapturableReference})
 * over whole arrays with no allocation per element (the references return a tuple per element):
 * the same operations in the same order, so the same bits (test/loops.test.ts). `c` is `clr`,
 * or the capturable `scale`. Updates `p`, `m` and `u` in place.
 */
export function adamaxLoop(
  p: Float32Array, g: Float32Array, m: Float32Array, u: Float32Array, h: AdamaxHyper, capturable: boolean, c: number,
): void {
  const neg = h.maximize, wd = h.weightDecay, wdf = f32(wd);
  const w1 = f32(1 - h.beta1), small = Math.abs(w1) < 0.5, w1c = f32(1 - w1);
  const b2 = f32(h.beta2), eps = f32(h.eps), negClr = f32(-c);
  for (let i = 0, n = p.length; i < n; i++) {
    const pi = p[i]!;
    let grad = neg ? -g[i]! : g[i]!;
    if (wd !== 0) grad = f32(wdf * pi + grad);
    const mi = m[i]!, d = f32(grad - mi);
    const m1 = small ? f32(w1 * d + mi) : f32(-d * w1c + grad);
    const u1 = Math.max(f32(u[i]! * b2), f32(Math.abs(grad) + eps)); // NaN wins, as torch.maximum
    p[i] = capturable ? f32(pi + f32(m1 / f32(u1 * c))) : f32(pi + f32(f32(negClr * m1) / u1));
    m[i] = m1;
    u[i] = u1;
  }
}

/**
 * Adamax on a list of parameters, PyTorch's functional `adamax`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const s = { step: 0, exp_avg: zeros([2]), exp_inf: zeros([2]) };
 * noGrad(() => functional.adamax([tensor([1, 2])], [tensor([0.5, -0.5])], [s], { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false }));
 * ```
 */
export function adamax(params: readonly Tensor[], grads: readonly Tensor[], states: readonly AdamaxState[], options: AdamaxFunctionalOptions): void {
  const h = options;
  // A tensor lr: `lr / bias_correction` is a float32 tensor divided by bc rounded to float32.
  const clrOf = (step: number): number => {
    const bc = 1 - Math.pow(h.beta1, step);
    return h.lrIsTensor ? f32(h.lr / f32(bc)) : h.lr / bc;
  };
  runUpdate('adamax', params, grads, states, options, (s) => [s.exp_avg, s.exp_inf],
    (s, p, g, [m, u]) => {
      const step = advanceStep(s);
      // The references element by element, without their per-element tuples (tested bit for bit).
      if (h.capturable) adamaxLoop(p, g, m!, u!, h, true, adamaxCapturableScale(h, step));
      else adamaxLoop(p, g, m!, u!, h, false, clrOf(step));
    },
    (p, grad, s) => {
      const step = advanceStep(s);
      let g = h.maximize ? grad.neg() : grad;
      if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
      s.exp_avg.lerp_(g, 1 - h.beta1);
      s.exp_inf.copy_(maximum(s.exp_inf.mul(h.beta2), g.abs().add(h.eps)));
      if (h.capturable) p.addcdiv_(s.exp_avg, s.exp_inf.mul(adamaxCapturableScale(h, step)), 1);
      else p.addcdiv_(s.exp_avg, s.exp_inf, -clrOf(step));
    });
}
