import type { Tensor } from '@tensile/tensor';
import { adamMoments, adamMomentsDifferentiable } from './adam.js';
import { runUpdate, type PathOptions } from './common.js';

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
}

/** A parameter's RAdam state, PyTorch's keys. */
export interface RAdamState {
  step: number;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
}

/** What {@link radam} needs beyond the hyper-parameters. */
export interface RAdamFunctionalOptions extends RAdamHyper, PathOptions {}

/**
 * The scalars of step `step` (after it), in double as Python computes them: the bias
 * corrections, and the rectification term `rect` when the SMA length `rho_t` exceeds 5 (else null).
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
      s.step = f32(s.step + 1);
      const sc = radamScalars(h, s.step);
      for (let e = 0; e < p.length; e++) [p[e], m![e], v![e]] = radamReference(p[e]!, g[e]!, m![e]!, v![e]!, h, sc);
    },
    (p, grad, s) => {
      s.step = f32(s.step + 1);
      const sc = radamScalars(h, s.step);
      adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
      let update = s.exp_avg.div(sc.bc1).mul(h.lr);
      if (sc.rect !== null) update = update.mul(s.exp_avg_sq.sqrt().add(h.eps).reciprocal().mul(Math.sqrt(sc.bc2))).mul(sc.rect);
      p.sub_(update);
    });
}
