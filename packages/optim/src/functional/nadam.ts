import { isGradEnabled, updateInPlace, type Tensor } from '@tensile/tensor';
import { fmaf, lerpf } from './float32.js';

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
export interface NAdamFunctionalOptions extends NAdamHyper {
  foreach?: boolean | undefined;
  differentiable?: boolean;
}

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
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) {
    if (h.decoupledWeightDecay) p = f32(p * f32(1 - h.lr * h.weightDecay)); // param.mul_(1 - lr * wd)
    else grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  }
  m = lerpf(m, grad, f32(1 - h.beta1)); // exp_avg.lerp_(grad, 1 - beta1)
  v = fmaf(f32(f32(1 - h.beta2) * grad), grad, f32(v * f32(h.beta2))); // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
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
  if (params.length !== grads.length || params.length !== states.length) {
    throw new RangeError(`nadam: expected as many grads and states as params, got ${params.length} params, ${grads.length} grads, ${states.length} states`);
  }
  const h = options;
  /** Advances step and mu_product; returns the step's scalars. */
  const advance = (s: NAdamState): { bc2: number; c1: number; c2: number } => {
    s.step = f32(s.step + 1);
    const { mu, muNext, bc2 } = nadamScalars(h, s.step);
    s.mu_product = f32(s.mu_product * f32(mu)); // mu_product *= mu (a float32 tensor)
    const muProductNext = s.mu_product * muNext;
    return { bc2, c1: (-h.lr * (1 - mu)) / (1 - s.mu_product), c2: (-h.lr * muNext) / (1 - muProductNext) };
  };
  if (options.differentiable || isGradEnabled()) {
    params.forEach((p, i) => {
      const s = states[i]!;
      const { bc2, c1, c2 } = advance(s);
      let g = h.maximize ? grads[i]!.neg() : grads[i]!;
      if (h.weightDecay !== 0) {
        if (h.decoupledWeightDecay) p.mul_(1 - h.lr * h.weightDecay);
        else g = g.add(p, h.weightDecay);
      }
      s.exp_avg.lerp_(g, 1 - h.beta1);
      s.exp_avg_sq.mul_(h.beta2).addcmul_(g, g, 1 - h.beta2);
      const denom = s.exp_avg_sq.div(bc2).sqrt().add(h.eps);
      p.addcdiv_(g, denom, c1);
      p.addcdiv_(s.exp_avg, denom, c2);
    });
    return;
  }
  const run = (idx: readonly number[]): void => {
    const n = idx.length;
    updateInPlace([...idx.map((i) => params[i]!), ...idx.map((i) => states[i]!.exp_avg), ...idx.map((i) => states[i]!.exp_avg_sq)], idx.map((i) => grads[i]!), (out, g) => {
      idx.forEach((i, k) => {
        const { bc2, c1, c2 } = advance(states[i]!);
        const p = out[k]!, m = out[n + k]!, v = out[2 * n + k]!, gk = g[k]!;
        for (let e = 0; e < p.length; e++) [p[e], m[e], v[e]] = nadamReference(p[e]!, gk[e]!, m[e]!, v[e]!, h, bc2, c1, c2);
      });
    });
  };
  const all = params.map((_, i) => i);
  if (options.foreach === false) all.forEach((i) => run([i]));
  else run(all);
}
