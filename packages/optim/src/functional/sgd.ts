import { kernels } from '@tensile/tensor';
import type { SGDOptions } from '../sgd.js';

const f32 = Math.fround;

/**
 * SGD's hyper-parameters as the kernel reads them.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.SGDHyper = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
 * ```
 */
export type SGDHyper = Pick<SGDOptions, 'lr' | 'momentum' | 'dampening' | 'weightDecay' | 'nesterov' | 'maximize'>;

/**
 * One SGD update of `n` contiguous elements, bit-identical to PyTorch's `_single_tensor_sgd`
 * in float32. `buf` is the momentum buffer (null when momentum is 0); `first` says it is
 * created by this step (PyTorch clones the gradient into it).
 *
 * NOTE: each `add(x, alpha=a)` of ATen is one rounding of `x + f32(a) * y`, emulated exactly in
 * doubles.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const p = Float32Array.of(1, 2), g = Float32Array.of(0.5, -0.5), buf = new Float32Array(2);
 * functional.sgdUpdate(p, 0, g, 0, buf, 0, 2, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, true);
 * ```
 */
export function sgdUpdate(
  p: Float32Array, pOff: number, g: Float32Array, gOff: number, buf: Float32Array | null, bOff: number, n: number,
  h: SGDHyper, first: boolean,
): void {
  const wd = f32(h.weightDecay);
  const m = f32(h.momentum);
  const damp = f32(1 - h.dampening);
  const negLr = f32(-h.lr);
  const sign = h.maximize ? -1 : 1;
  if (wd === 0 && buf === null) {
    // NOTE: plain SGD, the common case, on its own path: the general loop below tests its
    // loop-invariant options per element. Folding the sign into the rate is exact (a sign flip).
    // It is the engine's fused add (p + rate·g, one rounding), which the WebAssembly kernels
    // run with SIMD.
    const rate = sign * negLr;
    kernels().binary('add', p, pOff, [1], g, gOff, [1], [n], p, pOff, rate);
    return;
  }
  for (let i = 0; i < n; i++) {
    const p0 = p[pOff + i]!;
    let d = sign * g[gOff + i]!;
    if (wd !== 0) d = f32(d + wd * p0);
    if (buf !== null) {
      let b: number;
      if (first) b = d;
      else {
        b = f32(buf[bOff + i]! * m);
        b = f32(b + damp * d);
      }
      buf[bOff + i] = b;
      d = h.nesterov ? f32(d + m * b) : b;
    }
    p[pOff + i] = f32(p0 + negLr * d);
  }
}
