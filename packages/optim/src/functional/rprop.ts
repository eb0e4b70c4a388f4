import { kernels, onesLike, where, type Tensor } from '@tensile/tensor';
import { advanceStep, runUpdate, type PathOptions } from './common.js';

const f32 = Math.fround;

/**
 * Rprop's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.RpropHyper = { etaminus: 0.5, etaplus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false };
 * ```
 */
export interface RpropHyper {
  etaminus: number;
  etaplus: number;
  stepSizeMin: number;
  stepSizeMax: number;
  maximize: boolean;
}

/** A parameter's Rprop state, PyTorch's keys: the previous gradient and each element's step size. */
export interface RpropState {
  /** A float32 count; a 0-d float32 tensor on the capturable path. */
  step: number | Tensor;
  prev: Tensor;
  step_size: Tensor;
}

/** What {@link rprop} needs beyond the hyper-parameters. */
export interface RpropFunctionalOptions extends RpropHyper, PathOptions {}

/**
 * The readable reference of one Rprop element update, PyTorch 2.13's `_single_tensor_rprop` in
 * float32: the step size grows by `etaplus` where the gradient kept its sign, shrinks by
 * `etaminus` where it flipped (and that gradient is then skipped), clamped to
 * `[stepSizeMin, stepSizeMax]`. Returns `[param, prev, step_size]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.rpropReference(1, 0.5, 0, 0.01, { etaminus: 0.5, etaplus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false });
 * ```
 */
export function rpropReference(p: number, g: number, prev: number, stepSize: number, h: RpropHyper): [number, number, number] {
  let grad = h.maximize ? -g : g;
  const product = f32(grad * prev); // grad.mul(prev).sign()
  // NOTE: torch.sign(NaN) is 0 (measured), so a NaN product keeps the step size (factor 1).
  const factor = product > 0 ? f32(h.etaplus) : product < 0 ? f32(h.etaminus) : 1;
  // step_size.mul_(sign).clamp_(min, max); clamp keeps NaN, as ATen's does.
  stepSize = f32(stepSize * factor);
  stepSize = Number.isNaN(stepSize) ? NaN : Math.min(Math.max(stepSize, f32(h.stepSizeMin)), f32(h.stepSizeMax));
  if (factor === f32(h.etaminus)) grad = 0; // grad[sign.eq(etaminus)] = 0
  const sgn = grad > 0 ? 1 : grad < 0 ? -1 : 0; // grad.sign(): 0 for 0 and NaN
  p = f32(p - f32(sgn * stepSize)); // param.addcmul_(grad.sign(), step_size, value=-1)
  return [p, grad, stepSize];
}

/**
 * @internal {@link rpropReference} over whole arrays: the kernel set's `rprop` (in the
 * WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in the same
 * order, so the same bits (test/loops.test.ts, test/optimizer-kernels.test.ts). Updates `p`,
 * `prev` and `ss` in place.
 */
export function rpropLoop(p: Float32Array, g: Float32Array, prev: Float32Array, ss: Float32Array, h: RpropHyper): void {
  kernels().rprop(p, g, prev, ss, h.maximize ? 1 : 0, f32(h.etaplus), f32(h.etaminus), f32(h.stepSizeMin), f32(h.stepSizeMax));
}

/**
 * Rprop on a list of parameters, PyTorch's functional `rprop`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, full, noGrad } from '@tensile/tensor';
 * const s = { step: 0, prev: zeros([2]), step_size: full([2], 0.01) };
 * noGrad(() => functional.rprop([tensor([1, 2])], [tensor([0.5, -0.5])], [s], { etaminus: 0.5, etaplus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false }));
 * ```
 */
export function rprop(params: readonly Tensor[], grads: readonly Tensor[], states: readonly RpropState[], options: RpropFunctionalOptions): void {
  const h = options;
  runUpdate('rprop', params, grads, states, options, (s) => [s.prev, s.step_size],
    (s, p, g, [prev, ss]) => {
      advanceStep(s);
      rpropLoop(p, g, prev!, ss!, h); // rpropReference without its per-element tuples (tested bit for bit)
    },
    (p, grad, s) => {
      advanceStep(s);
      const g = h.maximize ? grad.neg() : grad;
      const sign = g.mul(s.prev.clone()).sign();
      // The factors in the parameter's dtype (PyTorch writes etaplus/etaminus into `sign`): a double for float64.
      const factor = where(sign.gt(0), h.etaplus, where(sign.lt(0), h.etaminus, onesLike(sign)));
      s.step_size.mul_(factor).clamp_(h.stepSizeMin, h.stepSizeMax);
      const kept = where(sign.lt(0), 0, g);
      p.addcmul_(kept.sign(), s.step_size, -1);
      s.prev.copy_(kept);
    });
}
