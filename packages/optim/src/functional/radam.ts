import { isGradEnabled, updateInPlace, type Tensor } from '@tensile/tensor';
import { fmaf, lerpf } from './float32.js';

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
export interface RAdamFunctionalOptions extends RAdamHyper {
  foreach?: boolean | undefined;
  differentiable?: boolean;
}

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
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) {
    if (h.decoupledWeightDecay) p = f32(p * f32(1 - h.lr * h.weightDecay)); // param.mul_(1 - lr * wd)
    else grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  }
  m = lerpf(m, grad, f32(1 - h.beta1)); // exp_avg.lerp_(grad, 1 - beta1)
  v = fmaf(f32(f32(1 - h.beta2) * grad), grad, f32(v * f32(h.beta2))); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
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
  if (params.length !== grads.length || params.length !== states.length) {
    throw new RangeError(`radam: expected as many grads and states as params, got ${params.length} params, ${grads.length} grads, ${states.length} states`);
  }
  const h = options;
  if (options.differentiable || isGradEnabled()) {
    params.forEach((p, i) => {
      const s = states[i]!;
      s.step = f32(s.step + 1);
      const sc = radamScalars(h, s.step);
      let g = h.maximize ? grads[i]!.neg() : grads[i]!;
      if (h.weightDecay !== 0) {
        if (h.decoupledWeightDecay) p.mul_(1 - h.lr * h.weightDecay);
        else g = g.add(p, h.weightDecay);
      }
      s.exp_avg.lerp_(g, 1 - h.beta1);
      s.exp_avg_sq.mul_(h.beta2).addcmul_(g, g, 1 - h.beta2);
      let update = s.exp_avg.div(sc.bc1).mul(h.lr);
      if (sc.rect !== null) update = update.mul(s.exp_avg_sq.sqrt().add(h.eps).reciprocal().mul(Math.sqrt(sc.bc2))).mul(sc.rect);
      p.sub_(update);
    });
    return;
  }
  const run = (idx: readonly number[]): void => {
    const n = idx.length;
    updateInPlace([...idx.map((i) => params[i]!), ...idx.map((i) => states[i]!.exp_avg), ...idx.map((i) => states[i]!.exp_avg_sq)], idx.map((i) => grads[i]!), (out, g) => {
      idx.forEach((i, k) => {
        const s = states[i]!;
        s.step = f32(s.step + 1);
        const sc = radamScalars(h, s.step);
        const p = out[k]!, m = out[n + k]!, v = out[2 * n + k]!, gk = g[k]!;
        for (let e = 0; e < p.length; e++) [p[e], m[e], v[e]] = radamReference(p[e]!, gk[e]!, m[e]!, v[e]!, h, sc);
      });
    });
  };
  const all = params.map((_, i) => i);
  if (options.foreach === false) all.forEach((i) => run([i]));
  else run(all);
}
