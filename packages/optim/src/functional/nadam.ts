import { kernels, noGrad, Tensor } from '@tensile/tensor';
import { adamMomentConstants, adamMoments, adamMomentsDifferentiable } from './adam.js';
import { advanceStep, runUpdate, scalarValue, type PathOptions } from './common.js';
import { powf } from './float32.js';

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
  /** `lr` is the float32 value of a 1-element tensor: the addcdiv values are then float32 tensor math. */
  lrIsTensor?: boolean;
}

/**
 * A parameter's NAdam state, PyTorch's keys: `mu_product` is a float32 running product
 * (`step` and `mu_product` are 0-d float32 tensors on the capturable path).
 */
export interface NAdamState {
  step: number | Tensor;
  mu_product: number | Tensor;
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
}

/** What {@link nadam} needs beyond the hyper-parameters. */
export interface NAdamFunctionalOptions extends NAdamHyper, PathOptions {
  /** PyTorch 2.13's capturable formulas (see {@link nadamCapturableScalars}). */
  capturable?: boolean;
}

/**
 * PyTorch 2.13's capturable scalars for step `step` (the count after it), each a float32 tensor
 * op on the step tensor: `bias_correction2 = 1 - beta2 ** step`, `mu = beta1 * (1 - 0.5 *
 * 0.96 ** (step * momentum_decay))` and `mu_next` (with `step + 1`), `mu_product *= mu`, and the
 * two factors the gradient and `exp_avg` are multiplied by, `c1 = -lr * (1 - mu) / (1 -
 * mu_product)` and `c2 = -lr * mu_next / (1 - mu_product * mu_next)`. Returns them with the
 * new `muProduct`. Each `float ** tensor` is glibc's float32 {@link powf}, as ATen's CPU pow.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.nadamCapturableScalars({ lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false }, 1, 1);
 * ```
 */
export function nadamCapturableScalars(h: NAdamHyper, step: number, muProduct: number): { bc2: number; c1: number; c2: number; muProduct: number } {
  const bc2 = f32(1 - powf(h.beta2, step));
  const muAt = (t: number): number => f32(f32(h.beta1) * f32(1 - f32(0.5 * powf(0.96, f32(t * f32(h.momentumDecay))))));
  const mu = muAt(step), muNext = muAt(f32(step + 1));
  const mp = f32(muProduct * mu);
  const negLr = f32(-h.lr);
  return {
    bc2,
    c1: f32(f32(negLr * f32(1 - mu)) / f32(1 - mp)),
    c2: f32(f32(negLr * muNext) / f32(1 - f32(mp * muNext))),
    muProduct: mp,
  };
}

/**
 * One NAdam element update on PyTorch 2.13's capturable branch: the moments, `denom =
 * exp_avg_sq.div(bc2).sqrt().add(eps)`, then `param.addcdiv_(grad * c1, denom)` and
 * `param.addcdiv_(exp_avg * c2, denom)` (value 1), with the scalars of
 * {@link nadamCapturableScalars}. Returns `[param, exp_avg, exp_avg_sq]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };
 * const { bc2, c1, c2 } = functional.nadamCapturableScalars(h, 1, 1);
 * functional.nadamCapturableReference(1, 0.5, 0, 0, h, bc2, c1, c2);
 * ```
 */
export function nadamCapturableReference(p: number, g: number, m: number, v: number, h: NAdamHyper, bc2: number, c1: number, c2: number): [number, number, number] {
  let grad: number;
  [p, grad, m, v] = adamMoments(p, g, m, v, h);
  const denom = f32(f32(Math.sqrt(f32(v / bc2))) + f32(h.eps));
  p = f32(p + f32(f32(grad * c1) / denom));
  p = f32(p + f32(f32(m * c2) / denom));
  return [p, m, v];
}

/**
 * The scalars of step `step` (after it), as Python computes them: mu, mu_next, bias_correction2.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 0.004, decoupledWeightDecay: false, maximize: false };
 * functional.nadamScalars(h, 1).mu; // 0.45007347359129607: 0.9·(1 − 0.5·0.96^0.004)
 * ```
 */
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
 * @internal {@link nadamReference} over whole arrays: the kernel set's `adam` in its NAdam mode
 * (in the WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in
 * the same order, so the same bits (test/loops.test.ts, test/optimizer-kernels.test.ts). It is
 * {@link nadamCapturableReference} too: that one's `bc2`, `c1` and `c2` are already float32
 * (from {@link nadamCapturableScalars}), where rounding them again changes nothing, and its
 * products are the same two factors in the other order. Updates `p`, `m` and `v` in place.
 */
export function nadamLoop(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: NAdamHyper, bc2: number, c1: number, c2: number,
): void {
  const c = adamMomentConstants(h);
  kernels().adam(p, g, m, v, null, { ...c, mode: c.mode | 32, bc2: f32(bc2), ss: f32(c2), c1: f32(c1) });
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
    const step = advanceStep(s);
    if (h.capturable) {
      const sc = nadamCapturableScalars(h, step, scalarValue(s.mu_product));
      if (s.mu_product instanceof Tensor) {
        const t = s.mu_product;
        noGrad(() => t.fill_(sc.muProduct));
      } else s.mu_product = sc.muProduct;
      return sc;
    }
    const { mu, muNext, bc2 } = nadamScalars(h, step);
    const mp = f32(scalarValue(s.mu_product) * f32(mu)); // mu_product *= mu (a float32 tensor)
    s.mu_product = mp;
    const muProductNext = mp * muNext;
    if (h.lrIsTensor) {
      // `-lr * (1 - mu) / (1 - mu_product)` with lr a float32 tensor: float32 ops, Python numbers rounded first.
      return { bc2, c1: f32(f32(f32(-h.lr) * f32(1 - mu)) / f32(1 - mp)), c2: f32(f32(f32(-h.lr) * f32(muNext)) / f32(1 - muProductNext)) };
    }
    return { bc2, c1: (-h.lr * (1 - mu)) / (1 - mp), c2: (-h.lr * muNext) / (1 - muProductNext) };
  };
  runUpdate('nadam', params, grads, states, options, (s) => [s.exp_avg, s.exp_avg_sq],
    (s, p, g, [m, v]) => {
      const { bc2, c1, c2 } = advance(s);
      // nadamReference (or nadamCapturableReference) without its per-element tuples (tested bit for bit).
      nadamLoop(p, g, m!, v!, h, bc2, c1, c2);
    },
    (p, grad, s) => {
      const { bc2, c1, c2 } = advance(s);
      const g = adamMomentsDifferentiable(p, grad, s.exp_avg, s.exp_avg_sq, h);
      const denom = s.exp_avg_sq.div(bc2).sqrt().add(h.eps);
      if (h.capturable) {
        p.addcdiv_(g.mul(c1), denom, 1);
        p.addcdiv_(s.exp_avg.mul(c2), denom, 1);
        return;
      }
      p.addcdiv_(g, denom, c1);
      p.addcdiv_(s.exp_avg, denom, c2);
    });
}
