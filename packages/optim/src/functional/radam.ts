import { kernels, type Tensor } from '@tensile/tensor';
import { adamMomentConstants, adamMoments, adamMomentsDifferentiable } from './adam.js';
import { advanceStep, runUpdate, type PathOptions } from './common.js';
import { powf } from './float32.js';

const f32 = Math.fround;

/**
 * RAdam's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.RAdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };
 * ```
 */
export interface RAdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
  /** `lr` is the float32 value of a 1-element tensor (only AdamW-style decay rounds differently). */
  lrIsTensor?: boolean;
}

/** A parameter's RAdam state, PyTorch's keys (`step` a 0-d float32 tensor on the capturable path). */
export interface RAdamState {
  step: number | Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
}

/** What {@link radam} needs beyond the hyper-parameters. */
export interface RAdamFunctionalOptions extends RAdamHyper, PathOptions {
  /** PyTorch 2.13's capturable formulas (see {@link radamCapturableScalars}). */
  capturable?: boolean;
}

/**
 * PyTorch 2.13's capturable scalars for step `step` (the count after it), float32 tensor ops on
 * the step tensor: `bias_correction{1,2} = 1 - beta ** step`, `rho_t = rho_inf - 2 * step *
 * beta2 ** step / bias_correction2` (rho_inf a Python double), `rect = (...) ** 0.5` (ATen
 * takes `** 0.5` as sqrt) and `sqrtBc2 = bias_correction2 ** 0.5`; `rectify` is `rho_t > 5`
 * (`torch.where` then picks `rect * adaptive_lr` over 1). `beta ** step` is glibc's float32 {@link powf}.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.radamCapturableScalars({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false }, 6);
 * ```
 */
export function radamCapturableScalars(h: RAdamHyper, step: number): { bc1: number; sqrtBc2: number; rect: number; rectify: boolean } {
  const pow2 = powf(h.beta2, step);
  const bc1 = f32(1 - powf(h.beta1, step));
  const bc2 = f32(1 - pow2);
  const rhoInf = 2 / (1 - h.beta2) - 1;
  const rhoT = f32(f32(rhoInf) - f32(f32(f32(2 * step) * pow2) / bc2));
  const num = f32(f32(f32(rhoT - 4) * f32(rhoT - 2)) * f32(rhoInf));
  const den = f32(f32((rhoInf - 4) * (rhoInf - 2)) * rhoT);
  return { bc1, sqrtBc2: f32(Math.sqrt(bc2)), rect: f32(Math.sqrt(f32(num / den))), rectify: rhoT > 5 };
}

/**
 * One RAdam element update on PyTorch 2.13's capturable branch: `update = where(rho_t > 5,
 * rect * (sqrtBc2 / (sqrt(v) + eps)), 1)`, then `param.add_(exp_avg / bc1 * lr * update,
 * alpha=-1)`, with the scalars of {@link radamCapturableScalars}. Returns `[param, exp_avg, exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };
 * functional.radamCapturableReference(1, 0.5, 0, 0, h, functional.radamCapturableScalars(h, 6));
 * ```
 */
export function radamCapturableReference(
  p: number, g: number, m: number, v: number, h: RAdamHyper, sc: { bc1: number; sqrtBc2: number; rect: number; rectify: boolean },
): [number, number, number] {
  [p, , m, v] = adamMoments(p, g, m, v, h);
  const update = sc.rectify ? f32(sc.rect * f32(sc.sqrtBc2 / f32(f32(Math.sqrt(v)) + f32(h.eps)))) : 1;
  p = f32(p - f32(f32(f32(m / sc.bc1) * f32(h.lr)) * update));
  return [p, m, v];
}

/**
 * The scalars of step `step` (after it), in double as Python computes them: the bias
 * corrections, and the rectification term `rect` when the SMA length `rho_t` exceeds 5 (else null).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };
 * functional.radamScalars(h, 1).rect; // null (rho_1 = 1: the unrectified update)
 * functional.radamScalars(h, 6).rect; // 0.02582111280185855
 * ```
 */
export function radamScalars(h: RAdamHyper, step: number): { bc1: number; bc2: number; rect: number | null } {
  const bc1 = 1 - Math.pow(h.beta1, step);
  const bc2 = 1 - Math.pow(h.beta2, step);
  const rhoInf = 2 / (1 - h.beta2) - 1;
  const rhoT = rhoInf - (2 * step * Math.pow(h.beta2, step)) / bc2;
  // NOTE: Python's `x ** 0.5` is C pow(x, 0.5), correctly rounded like sqrt (V8's Math.pow may not be).
  const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
  return { bc1, bc2, rect };
}

/**
 * The readable reference of one RAdam element update, PyTorch 2.13's `_single_tensor_radam`
 * with ATen's float32 rounding per op (a Python number divided by a tensor is
 * `tensor.reciprocal() * number`). Returns `[param, exp_avg, exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };
 * functional.radamReference(1, 0.5, 0, 0, h, functional.radamScalars(h, 1));
 * ```
 */
export function radamReference(
  p: number, g: number, m: number, v: number, h: RAdamHyper, sc: { bc1: number; bc2: number; rect: number | null },
): [number, number, number] {
  [p, , m, v] = adamMoments(p, g, m, v, h);
  let update = f32(f32(m / f32(sc.bc1)) * f32(h.lr)); // bias_corrected_exp_avg * lr
  if (sc.rect !== null) {
    const sqrtEps = f32(f32(Math.sqrt(v)) + f32(h.eps)); // exp_avg_sq.sqrt().add_(eps)
    const adaptive = f32(f32(1 / sqrtEps) * f32(Math.sqrt(sc.bc2))); // (bc2 ** 0.5) / (...)
    update = f32(f32(update * adaptive) * f32(sc.rect)); // * adaptive_lr * rect
  }
  p = f32(p - update); // param.add_(..., alpha=-1.0)
  return [p, m, v];
}

/**
 * @internal {@link radamReference} (or, given {@link radamCapturableScalars}' scalars,
 * {@link radamCapturableReference}) over whole arrays: the kernel set's `adam` in its RAdam mode
 * (in the WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in
 * the same order, so the same bits (test/loops.test.ts, test/optimizer-kernels.test.ts).
 * Updates `p`, `m` and `v` in place.
 */
export function radamLoop(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: RAdamHyper,
  sc: { bc1: number; bc2: number; rect: number | null } | { bc1: number; sqrtBc2: number; rect: number; rectify: boolean },
): void {
  const c = adamMomentConstants(h);
  const capturable = 'rectify' in sc;
  // The plain branch's scalars, rounded once; the capturable ones are float32 already.
  const rectify = capturable ? sc.rectify : sc.rect !== null;
  kernels().adam(p, g, m, v, null, {
    ...c, mode: c.mode | 64 | (rectify ? 128 : 0) | (capturable ? 256 : 0), ss: 0,
    bc1: capturable ? sc.bc1 : f32(sc.bc1), lr: f32(h.lr), rect: f32(sc.rect ?? 0), bc2: capturable ? sc.sqrtBc2 : f32(Math.sqrt(sc.bc2)),
  });
}

/**
 * RAdam on a list of parameters, PyTorch's functional `radam`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const s = { step: 0, exp_avg: zeros([2]), exp_avg_sq: zeros([2]) };
 * noGrad(() => functional.radam([tensor([1, 2])], [tensor([0.5, -0.5])], [s], {
 *   lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false,
 * }));
 * ```
 */
export function radam(params: readonly Tensor[], grads: readonly Tensor[], states: readonly RAdamState[], options: RAdamFunctionalOptions): void {
  const h = options;
  runUpdate('radam', params, grads, states, options, (s) => [s.exp_avg, s.exp_avg_sq],
    (s, p, g, [m, v]) => {
      const step = advanceStep(s);
      // The references element by element, without their per-element tuples (tested bit for bit).
      radamLoop(p, g, m!, v!, h, h.capturable ? radamCapturableScalars(h, step) : radamScalars(h, step));
    },
    (p, grad, s) => {
      const step = advanceStep(s);
      adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
      if (h.capturable) {
        const c = radamCapturableScalars(h, step);
        const bce = s.exp_avg.div(c.bc1).mul(h.lr);
        p.sub_(c.rectify ? bce.mul(s.exp_avg_sq.sqrt().add(h.eps).reciprocal().mul(c.sqrtBc2).mul(c.rect)) : bce);
        return;
      }
      const sc = radamScalars(h, step);
      let update = s.exp_avg.div(sc.bc1).mul(h.lr);
      if (sc.rect !== null) update = update.mul(s.exp_avg_sq.sqrt().add(h.eps).reciprocal().mul(Math.sqrt(sc.bc2))).mul(sc.rect);
      p.sub_(update);
    });
}
