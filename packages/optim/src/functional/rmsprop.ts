import { kernels, type Tensor } from '@tensile/tensor';
import { advanceStep, runUpdate, type PathOptions } from './common.js';
import { fmaf, lerpf } from './float32.js';

const f32 = Math.fround;

/**
 * RMSprop's hyper-parameters as the update reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.RMSpropHyper = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
 * ```
 */
export interface RMSpropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** A parameter's RMSprop state, PyTorch's keys (`momentum_buffer` with momentum, `grad_avg` when centered). */
export interface RMSpropState {
  /** A float32 count; a 0-d float32 tensor on the capturable path. */
  step: number | Tensor;
  square_avg: Tensor;
  momentum_buffer?: Tensor;
  grad_avg?: Tensor;
}

/** What {@link rmsprop} needs beyond the hyper-parameters. */
export interface RMSpropFunctionalOptions extends RMSpropHyper, PathOptions {}

/**
 * The readable reference of one RMSprop element update, PyTorch 2.13's `_single_tensor_rmsprop`
 * with ATen's float32 rounding per op. Returns `[param, square_avg, grad_avg, momentum_buffer]`
 * (the last two unchanged when not centered / without momentum).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.rmspropReference(1, 0.5, 0, 0, 0, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
 * ```
 */
export function rmspropReference(p: number, g: number, sq: number, gavg: number, buf: number, h: RMSpropHyper): [number, number, number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) grad = fmaf(f32(h.weightDecay), p, grad); // grad.add(param, alpha=wd)
  sq = fmaf(f32(f32(1 - h.alpha) * grad), grad, f32(sq * f32(h.alpha))); // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
  let avg: number;
  if (h.centered) {
    gavg = lerpf(gavg, grad, f32(1 - h.alpha)); // grad_avg.lerp_(grad, 1 - alpha)
    avg = f32(Math.sqrt(fmaf(-gavg, gavg, sq))); // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
  } else avg = f32(Math.sqrt(sq));
  avg = f32(avg + f32(h.eps)); // avg.add_(eps)
  if (h.momentum > 0) {
    buf = f32(f32(buf * f32(h.momentum)) + f32(grad / avg)); // buf.mul_(momentum).addcdiv_(grad, avg)
    p = fmaf(f32(-h.lr), buf, p); // param.add_(buf, alpha=-lr)
  } else {
    p = f32(p + f32(f32(f32(-h.lr) * grad) / avg)); // param.addcdiv_(grad, avg, value=-lr)
  }
  return [p, sq, gavg, buf];
}

/**
 * @internal {@link rmspropReference} over whole arrays: the kernel set's `rmsprop` (in the
 * WebAssembly module on the wasm backend, a JS loop otherwise), the same operations in the same
 * order, so the same bits (test/loops.test.ts). `gavg` is given when centered, `buf` with
 * momentum; updates `p`, `sq`, `gavg` and `buf` in place.
 */
export function rmspropLoop(
  p: Float32Array, g: Float32Array, sq: Float32Array, gavg: Float32Array | null, buf: Float32Array | null, h: RMSpropHyper,
): void {
  const w = f32(1 - h.alpha);
  kernels().rmsprop(p, g, sq, gavg, buf, {
    mode: (h.maximize ? 1 : 0) | (h.weightDecay !== 0 ? 2 : 0) | (Math.abs(w) < 0.5 ? 8 : 0),
    wd: f32(h.weightDecay), alpha: f32(h.alpha), w, wc: f32(1 - w), eps: f32(h.eps), momentum: f32(h.momentum), negLr: f32(-h.lr),
  });
}

/**
 * RMSprop on a list of parameters, PyTorch's functional `rmsprop`: picks the path
 * (differentiable, for-loop, one pass) and advances each state.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const s = { step: 0, square_avg: zeros([2]) };
 * noGrad(() => functional.rmsprop([p], [tensor([0.5, -0.5])], [s], { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }));
 * ```
 */
export function rmsprop(params: readonly Tensor[], grads: readonly Tensor[], states: readonly RMSpropState[], options: RMSpropFunctionalOptions): void {
  const h = options;
  runUpdate('rmsprop', params, grads, states, options,
    (s) => [s.square_avg, ...(h.centered ? [s.grad_avg!] : []), ...(h.momentum > 0 ? [s.momentum_buffer!] : [])],
    (s, p, g, [sq, ...rest]) => {
      advanceStep(s);
      const ga = h.centered ? rest[0]! : null, b = h.momentum > 0 ? rest[h.centered ? 1 : 0]! : null;
      rmspropLoop(p, g, sq!, ga, b, h); // rmspropReference without its per-element tuples
    },
    (p, g, s) => differentiableStep(p, g, s, h));
}

function differentiableStep(p: Tensor, grad: Tensor, s: RMSpropState, h: RMSpropHyper): void {
  advanceStep(s);
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
  s.square_avg.mul_(h.alpha).addcmul_(g.mul(1 - h.alpha), g); // value·t1 first, as ATen (see adamMomentsDifferentiable)
  let avg: Tensor;
  if (h.centered) {
    s.grad_avg!.lerp_(g, 1 - h.alpha);
    avg = s.square_avg.sub(s.grad_avg!.mul(s.grad_avg!)).sqrt();
  } else avg = s.square_avg.sqrt();
  avg = avg.add(h.eps);
  if (h.momentum > 0) {
    s.momentum_buffer!.mul_(h.momentum).addcdiv_(g, avg);
    p.add_(s.momentum_buffer!, -h.lr);
  } else p.addcdiv_(g, avg, -h.lr);
}
