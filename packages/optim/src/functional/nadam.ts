import type { Tensor } from '@tensile/tensor';
import { adamMoments, adamMomentsDifferentiable } from './adam.js';
import { runUpdate, type PathOptions } from './common.js';

const f32 = Math.fround;

/**
 * NAdam's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.NAdamHyper = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };
 * ```
 */
export interface NAdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/** A parameter's NAdam state, PyTorch's keys: `mu_product` is a float32 running product. */
export interface NAdamState {
  step: number;
  mu_product: number;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
}

/** What {@link nadam} needs beyond the hyper-parameters. */
export interface NAdamFunctionalOptions extends NAdamHyper, PathOptions {}

/** The scalars of step `step` (after it), as Python computes them: mu, mu_next, bias_correction2. */
export function nadamScalars(h: NAdamHyper, step: number): { mu: number; muNext: number; bc2: number } {
  return {
    mu: h.beta1 * (1 - 0.5 * Math.pow(0.96, step * h.momentumDecay)),
    muNext: h.beta1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * h.momentumDecay)),
    bc2: 1 - Math.pow(h.beta2, step),
  };
}

/**
 * The readable reference of one NAdam element update, PyTorch 2.13's `_single_tensor_nadam`
 * with ATen's float32 rounding per op. `c1` and `c2` are the two addcdiv values Python
 * computes: `-lr * (1 - mu) / (1 - mu_product)` and `-lr * mu_next / (1 - mu_product * mu_next)`.
 * Returns `[param, exp_avg, exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };
 * functional.nadamReference(1, 0.5, 0, 0, h, 0.001, -0.01, -0.02);
 * ```
 */
export function nadamReference(p: number, g: number, m: number, v: number, h: NAdamHyper, bc2: number, c1: number, c2: number): [number, number, number] {
  let grad: number;
  [p, grad, m, v] = adamMoments(p, g, m, v, h);
  const denom = f32(f32(Math.sqrt(f32(v / f32(bc2)))) + f32(h.eps)); // exp_avg_sq.div(bc2).sqrt().add_(eps)
  p = f32(p + f32(f32(f32(c1) * grad) / denom)); // param.addcdiv_(grad, denom, value=c1)
  p = f32(p + f32(f32(f32(c2) * m) / denom)); // param.addcdiv_(exp_avg, denom, value=c2)
  return [p, m, v];
}

/**
 * NAdam on a list of parameters, PyTorch's functional `nadam`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const s = { step: 0, mu_product: 1, exp_avg: zeros([2]), exp_avg_sq: zeros([2]) };
 * noGrad(() => functional.nadam([tensor([1, 2])], [tensor([0.5, -0.5])], [s], {
 *   lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false,
 * }));
 * ```
 */
export function nadam(params: readonly Tensor[], grads: readonly Tensor[], states: readonly NAdamState[], options: NAdamFunctionalOptions): void {
  const h = options;
  /** Advances step and mu_product; returns the step's scalars. */
  const advance = (s: NAdamState): { bc2: number; c1: number; c2: number } => {
    s.step = f32(s.step + 1);
    const { mu, muNext, bc2 } = nadamScalars(h, s.step);
    s.mu_product = f32(s.mu_product * f32(mu)); // mu_product *= mu (a float32 tensor)
    const muProductNext = s.mu_product * muNext;
    return { bc2, c1: (-h.lr * (1 - mu)) / (1 - s.mu_product), c2: (-h.lr * muNext) / (1 - muProductNext) };
  };
  runUpdate('nadam', params, grads, states, options, (s) => [s.exp_avg, s.exp_avg_sq],
    (s, p, g, [m, v]) => {
      const { bc2, c1, c2 } = advance(s);
      for (let e = 0; e < p.length; e++) [p[e], m![e], v![e]] = nadamReference(p[e]!, g[e]!, m![e]!, v![e]!, h, bc2, c1, c2);
    },
    (p, grad, s) => {
      const { bc2, c1, c2 } = advance(s);
      const g = adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
      const denom = s.exp_avg_sq.div(bc2).sqrt().add(h.eps);
      p.addcdiv_(g, denom, c1);
      p.addcdiv_(s.exp_avg, denom, c2);
    });
}
