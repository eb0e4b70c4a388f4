import { float32, isGradEnabled, kernels, updateInPlace, type Tensor, zerosLike } from '@tensile/tensor';
import { checkGradDTypes } from './common.js';

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
export interface SGDHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * One SGD update of contiguous elements (`p.length` of them), bit-identical to PyTorch's `_single_tensor_sgd`
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
 * functional.sgdUpdate(p, g, buf, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, true);
 * ```
 */
export function sgdUpdate(p: Float32Array, g: Float32Array, buf: Float32Array | null, h: SGDHyper, first: boolean): void {
  const n = p.length;
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
    kernels().binary('add', p, 0, [1], g, 0, [1], [n], p, 0, rate);
    return;
  }
  for (let i = 0; i < n; i++) {
    const p0 = p[i]!;
    let d = sign * g[i]!;
    if (wd !== 0) d = f32(d + wd * p0);
    if (buf !== null) {
      let b: number;
      if (first) b = d;
      else {
        b = f32(buf[i]! * m);
        b = f32(b + damp * d);
      }
      buf[i] = b;
      d = h.nesterov ? f32(d + m * b) : b;
    }
    p[i] = f32(p0 + negLr * d);
  }
}

/** What {@link sgd} needs beyond the hyper-parameters. */
export interface SGDFunctionalOptions extends SGDHyper {
  /** `false`: one parameter at a time; otherwise one pass over the list. Same bits. */
  foreach?: boolean | undefined;
  /** Record the update with tensor ops (non-leaf parameters get a graph through it). */
  differentiable?: boolean;
}

/**
 * SGD on a list of parameters, PyTorch's functional `torch.optim._functional.sgd`: reads and
 * replaces `momentumBuffers[i]` (null until a parameter's first step with momentum, as PyTorch's
 * `momentum_buffer_list`); the class stores them back in its state.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const bufs: (import('@tensile/tensor').Tensor | null)[] = [null];
 * noGrad(() => functional.sgd([p], [tensor([0.5, -0.5])], bufs, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }));
 * // bufs[0] is now the momentum buffer
 * ```
 */
export function sgd(params: readonly Tensor[], grads: readonly Tensor[], momentumBuffers: (Tensor | null)[], options: SGDFunctionalOptions): void {
  if (params.length !== grads.length || params.length !== momentumBuffers.length) {
    throw new RangeError(`sgd: expected as many grads and momentum buffers as params, got ${params.length}, ${grads.length}, ${momentumBuffers.length}`);
  }
  if (options.differentiable || isGradEnabled()) {
    params.forEach((p, i) => { momentumBuffers[i] = differentiableStep(p, grads[i]!, momentumBuffers[i] ?? null, options); });
    return;
  }
  if (params.some((p) => p.dtype !== float32)) {
    // float64 (see runUpdate): the tensor-op update in the parameter's dtype; float32 ones as below.
    checkGradDTypes('sgd', params, grads);
    const rest: number[] = [];
    params.forEach((p, i) => {
      if (p.dtype === float32) rest.push(i);
      else momentumBuffers[i] = differentiableStep(p, grads[i]!, momentumBuffers[i] ?? null, options);
    });
    if (rest.length > 0) {
      const bufs = rest.map((i) => momentumBuffers[i] ?? null);
      sgd(rest.map((i) => params[i]!), rest.map((i) => grads[i]!), bufs, options);
      rest.forEach((i, k) => { momentumBuffers[i] = bufs[k]!; });
    }
    return;
  }
  const step = (idx: readonly number[]): void => {
    const first = idx.map((i) => options.momentum !== 0 && momentumBuffers[i] === null);
    idx.forEach((i, k) => { if (first[k]) momentumBuffers[i] = zerosLike(params[i]!); });
    const bufs = options.momentum !== 0 ? idx.map((i) => momentumBuffers[i]!) : [];
    updateInPlace([...idx.map((i) => params[i]!), ...bufs], idx.map((i) => grads[i]!), (out, g) => {
      idx.forEach((_, k) => sgdUpdate(out[k]!, g[k]!, bufs.length > 0 ? out[idx.length + k]! : null, options, first[k]!));
    });
  };
  const all = params.map((_, i) => i);
  if (options.foreach === false) all.forEach((i) => step([i]));
  else step(all);
}

/** The same update with tensor ops, recorded when grad mode is on. Returns the new momentum buffer. */
function differentiableStep(p: Tensor, grad: Tensor, buf: Tensor | null, h: SGDHyper): Tensor | null {
  let d = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) d = d.add(p, h.weightDecay);
  let next = buf;
  if (h.momentum !== 0) {
    next = buf === null ? d.clone() : buf.mul(h.momentum).add(d, 1 - h.dampening);
    d = h.nesterov ? d.add(next, h.momentum) : next;
  }
  p.add_(d, -h.lr);
  return next;
}
