import { kernels, type Tensor } from '@tensile/tensor';
import { runUpdate, type PathOptions } from './common.js';
import { fmaf } from './float32.js';

const f32 = Math.fround;

/**
 * Adagrad's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.AdagradHyper = { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: false };
 * ```
 */
export interface AdagradHyper {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  eps: number;
  maximize: boolean;
}

/** A parameter's Adagrad state, PyTorch's keys. */
export interface AdagradState {
  step: number;
  sum: Tensor;
}

/** What {@link adagrad} needs beyond the hyper-parameters. */
export interface AdagradFunctionalOptions extends AdagradHyper, PathOptions {}

/**
 * The readable reference of one Adagrad element update, PyTorch's `_single_tensor_adagrad`
 * with ATen's float32 rounding per op; `clr` is `lr / (1 + (step - 1) * lrDecay)` in double.
 * Returns `[param, sum]`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.adagradReference(1, 0.5, 0, 0.01, { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: false });
 * ```
 */
export function adagradReference(p: number, g: number, sum: number, clr: number, h: AdagradHyper): [number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  sum = fmaf(grad, grad, sum); // state_sum.addcmul_(grad, grad, value=1)
  const std = f32(f32(Math.sqrt(sum)) + f32(h.eps)); // state_sum.sqrt().add_(eps)
  p = f32(p + f32(f32(f32(-clr) * grad) / std)); // param.addcdiv_(grad, std, value=-clr)
  return [p, sum];
}

/**
 * @internal {@link adagradReference} over whole arrays: the kernel set's `adagrad` (in the
 * WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in the same
 * order, so the same bits (test/loops.test.ts, test/optimizer-kernels.test.ts). Updates `p` and
 * `sum` in place.
 */
export function adagradLoop(p: Float32Array, g: Float32Array, sum: Float32Array, clr: number, h: AdagradHyper): void {
  kernels().adagrad(p, g, sum, (h.maximize ? 1 : 0) | (h.weightDecay !== 0 ? 2 : 0), f32(h.weightDecay), f32(h.eps), f32(-clr));
}

/**
 * Adagrad on a list of parameters, PyTorch's functional `adagrad`: picks the path
 * (differentiable, for-loop, one pass) and advances each state.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const s = { step: 0, sum: zeros([2]) };
 * noGrad(() => functional.adagrad([p], [tensor([0.5, -0.5])], [s], { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: false }));
 * ```
 */
export function adagrad(params: readonly Tensor[], grads: readonly Tensor[], states: readonly AdagradState[], options: AdagradFunctionalOptions): void {
  runUpdate('adagrad', params, grads, states, options, (s) => [s.sum],
    (s, p, g, [sum]) => {
      s.step = f32(s.step + 1);
      const clr = clrOf(options, s.step);
      adagradLoop(p, g, sum!, clr, options); // adagradReference without its per-element tuples
    },
    (p, g, s) => differentiableStep(p, g, s, options));
}

const clrOf = (h: AdagradHyper, step: number): number => h.lr / (1 + (step - 1) * h.lrDecay);

function differentiableStep(p: Tensor, grad: Tensor, s: AdagradState, h: AdagradHyper): void {
  s.step = f32(s.step + 1);
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
  s.sum.addcmul_(g, g, 1);
  const std = s.sum.sqrt().add(h.eps);
  p.addcdiv_(g, std, -clrOf(h, s.step));
}
