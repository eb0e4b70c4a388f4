import { kernels, type Tensor } from '@tensile/tensor';
import { advanceStep, runUpdate, type PathOptions } from './common.js';
import { fmaf } from './float32.js';

const f32 = Math.fround;

/**
 * Adadelta's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.AdadeltaHyper = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };
 * ```
 */
export interface AdadeltaHyper {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** A parameter's Adadelta state, PyTorch's keys. */
export interface AdadeltaState {
  /** A float32 count; a 0-d float32 tensor on the capturable path. */
  step: number | Tensor;
  square_avg: Tensor;
  acc_delta: Tensor;
}

/** What {@link adadelta} needs beyond the hyper-parameters. */
export interface AdadeltaFunctionalOptions extends AdadeltaHyper, PathOptions {}

/**
 * The readable reference of one Adadelta element update, PyTorch's `_single_tensor_adadelta`
 * with ATen's float32 rounding per op. Returns `[param, square_avg, acc_delta]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adadeltaReference(1, 0.5, 0, 0, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
 * ```
 */
export function adadeltaReference(p: number, g: number, sq: number, acc: number, h: AdadeltaHyper): [number, number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  const oneMinusRho = f32(1 - h.rho);
  sq = fmaf(f32(oneMinusRho * grad), grad, f32(sq * f32(h.rho))); // square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
  const std = f32(Math.sqrt(f32(sq + f32(h.eps)))); // square_avg.add(eps).sqrt_()
  let delta = f32(Math.sqrt(f32(acc + f32(h.eps)))); // acc_delta.add(eps).sqrt_()
  delta = f32(f32(delta / std) * grad); // .div_(std).mul_(grad)
  acc = fmaf(f32(oneMinusRho * delta), delta, f32(acc * f32(h.rho))); // acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
  p = fmaf(f32(-h.lr), delta, p); // param.add_(delta, alpha=-lr)
  return [p, sq, acc];
}

/**
 * @internal {@link adadeltaReference} over whole arrays: the kernel set's `adadelta` (in the
 * WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in the same
 * order, so the same bits (test/loops.test.ts, test/optimizer-kernels.test.ts). Updates `p`,
 * `sq` and `acc` in place.
 */
export function adadeltaLoop(p: Float32Array, g: Float32Array, sq: Float32Array, acc: Float32Array, h: AdadeltaHyper): void {
  kernels().adadelta(p, g, sq, acc, (h.maximize ? 1 : 0) | (h.weightDecay !== 0 ? 2 : 0), f32(h.weightDecay), f32(h.rho), f32(1 - h.rho), f32(h.eps), f32(-h.lr));
}

/**
 * Adadelta on a list of parameters, PyTorch's functional `adadelta`: picks the path
 * (differentiable, for-loop, one pass) and advances each state.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const s = { step: 0, square_avg: zeros([2]), acc_delta: zeros([2]) };
 * noGrad(() => functional.adadelta([p], [tensor([0.5, -0.5])], [s], { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }));
 * ```
 */
export function adadelta(params: readonly Tensor[], grads: readonly Tensor[], states: readonly AdadeltaState[], options: AdadeltaFunctionalOptions): void {
  runUpdate('adadelta', params, grads, states, options, (s) => [s.square_avg, s.acc_delta],
    (s, p, g, [sq, acc]) => {
      advanceStep(s);
      adadeltaLoop(p, g, sq!, acc!, options); // adadeltaReference without its per-element tuples
    },
    (p, g, s) => differentiableStep(p, g, s, options));
}

function differentiableStep(p: Tensor, grad: Tensor, s: AdadeltaState, h: AdadeltaHyper): void {
  advanceStep(s);
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
  s.square_avg.mul_(h.rho).addcmul_(g.mul(1 - h.rho), g); // value·t1 first, as ATen (see adamMomentsDifferentiable)
  const std = s.square_avg.add(h.eps).sqrt();
  const delta = s.acc_delta.add(h.eps).sqrt().div(std).mul(g);
  s.acc_delta.mul_(h.rho).addcmul_(delta.mul(1 - h.rho), delta);
  p.add_(delta, -h.lr);
}
