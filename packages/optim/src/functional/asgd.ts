import { float32, isGradEnabled, kernels, noGrad, updateInPlace, type Tensor } from '@tensile/tensor';
import { checkGradDTypes } from './common.js';

const f32 = Math.fround;

/**
 * ASGD's hyper-parameters as the kernels read them (lr already a number).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h: functional.ASGDHyper = { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false };
 * ```
 */
export interface ASGDHyper {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
  /** `lr` was a tensor: PyTorch then evaluates eta with float32 tensor arithmetic. */
  lrIsTensor: boolean;
}

/**
 * The one place eta and mu are computed, for every path (STYLE habit 6; PyTorch #125440 is
 * what happens otherwise). Returns the float32 values for the step count `step`.
 *
 * - `'float'` (for-loop and fused paths, float lr): double math, one rounding each, as
 *   `torch.as_tensor(lr / ((1 + lambd * lr * step) ** alpha))`.
 * - `'tensor-lr'`: PyTorch evaluates the same formula with a 0-d float32 tensor lr: each op
 *   rounds to float32, a Python-number operand is first rounded to float32, except the exponent
 *   of `**`, which ATen applies in double (`f32(t ** alpha)`, correctly rounded).
 * - `'capturable'`: PyTorch 2.13's single-tensor capturable formulas, tensor ops in its order:
 *   eta `lr / ((1 + lambd * lr * step_t) ** alpha)` — with a float lr, `lambd * lr` is a Python
 *   double and `float / tensor` is `reciprocal() * lr`; with a tensor lr it is the `'tensor-lr'`
 *   formula — and mu `1 / maximum(step_t - t0, 1)`.
 *
 * NOTE: every formula here was checked against PyTorch's float32 tensor ops for 2655
 * (lr, lambd, alpha, step) combinations with 0 mismatches; `f32(alpha)` as the exponent gives
 * ~1 % mismatches for alpha = 0.33.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false };
 * const { eta, mu } = functional.asgdSchedule('float', h, 1); // after step 1
 * ```
 */
export function asgdSchedule(kind: 'float' | 'tensor-lr' | 'capturable', h: ASGDHyper, step: number): { eta: number; mu: number } {
  const { lr, lambd, alpha, t0 } = h;
  if (kind === 'float') {
    return { eta: f32(lr / Math.pow(1 + lambd * lr * step, alpha)), mu: f32(1 / Math.max(1, step - t0)) };
  }
  let eta: number;
  if (kind === 'tensor-lr' || h.lrIsTensor) {
    // ((lambd * lr) * step + 1) ** alpha with a float32 lr tensor (step is exact in float32).
    const t = f32(f32(f32(f32(lambd) * lr) * f32(step)) + 1);
    eta = f32(lr / f32(Math.pow(t, alpha)));
  } else {
    const t = f32(1 + f32(f32(lambd * lr) * step));
    eta = f32(f32(1 / f32(Math.pow(t, alpha))) * f32(lr));
  }
  if (kind === 'tensor-lr') return { eta, mu: f32(1 / Math.max(1, step - t0)) };
  return { eta, mu: f32(1 / Math.max(f32(step - f32(t0)), 1)) };
}

/**
 * The readable reference of one ASGD element update (spec §2.4), in PyTorch's single-tensor
 * order with float32 rounding per op: the definition every fast variant (the JS and
 * WebAssembly kernels behind {@link asgd}) is tested against bit for bit. Uses the schedule
 * state *before* this step. Returns the new parameter and average.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const h = { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false };
 * const [p, ax] = functional.asgdReference(1, 0.5, 0, 0.01, 1, h); // p = 1 - 0.01·0.5 (rounded), ax = p
 * ```
 */
export function asgdReference(p: number, g: number, ax: number, eta: number, mu: number, h: ASGDHyper): [number, number] {
  let grad = h.maximize ? -g : g;
  if (h.weightDecay !== 0) grad = f32(grad + f32(h.weightDecay) * p); // grad.add(param, alpha=wd)
  let x = f32(p * f32(1 - h.lambd * eta)); // param.mul_(1 - lambd * eta)
  x = f32(x + f32(-eta) * grad); // param.add_(grad, alpha=-eta): one rounding
  const a = mu !== 1 ? f32(ax + f32(f32(x - ax) * mu)) : x; // ax.add_(param.sub(ax).mul(mu)) or ax.copy_(param)
  return [x, a];
}

/**
 * One ASGD update of `n` contiguous elements through the engine's `asgd` kernel (JS or
 * WebAssembly SIMD, the same bits as {@link asgdReference}). Uses the schedule state *before*
 * this step; the caller advances it.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const p = Float32Array.of(1, 2), g = Float32Array.of(0.5, -0.5), ax = new Float32Array(2);
 * const h = { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false };
 * functional.asgdUpdate(p, g, ax, h, 0.01, 1); // p and ax updated in place
 * ```
 */
export function asgdUpdate(p: Float32Array, g: Float32Array, ax: Float32Array, h: ASGDHyper, eta: number, mu: number): void {
  const decay = f32(1 - h.lambd * eta);
  const wd = f32(h.weightDecay);
  // maximize negates the gradient; folding the sign into eta is exact (a sign flip). With
  // weight decay, -(g - wd·p) has the same bits as -g + wd·p and negEta carries the sign.
  const negEta = h.maximize ? eta : -eta;
  const wdSigned = h.maximize ? -wd : wd;
  kernels().asgd(p, 0, g, 0, ax, 0, p.length, decay, negEta, mu, wdSigned);
}

/** A parameter's ASGD state as `opt.state` keeps it: PyTorch's keys, float32 numbers. */
export interface ASGDState {
  step: number;
  eta: number;
  mu: number;
  ax: Tensor;
}

/** The capturable path's state: step, eta and mu stay 0-d float32 tensors, updated with tensor math. */
export interface ASGDCapturableState {
  step: Tensor;
  eta: Tensor;
  mu: Tensor;
  ax: Tensor;
}

/** What {@link asgd} needs beyond the hyper-parameters: which path to take (PyTorch's flags). */
export interface ASGDFunctionalOptions extends ASGDHyper {
  /** `false`: one parameter at a time (PyTorch's for-loop); otherwise one pass over the group. Same bits. */
  foreach?: boolean | undefined;
  /** PyTorch 2.13's capturable formulas; `states` hold 0-d tensors. */
  capturable?: boolean;
  /** Record the update with tensor ops (non-leaf parameters get a graph through it). */
  differentiable?: boolean;
}

/**
 * ASGD on a list of parameters, PyTorch's functional `torch.optim._functional.asgd`: the
 * optimizer class validates its options and initialises each parameter's state, then calls
 * this, which picks the path (capturable, differentiable, for-loop or one pass over the group)
 * and advances each state. Every path but `differentiable` runs its element loop through
 * {@link updateInPlace}; the for-loop and the fused path give the same bits.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros, noGrad } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const state = { step: 0, eta: 0.01, mu: 1, ax: zeros([2]) };
 * noGrad(() => functional.asgd([p], [tensor([0.5, -0.5])], [state], {
 *   lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false,
 * }));
 * ```
 */
export function asgd(
  params: readonly Tensor[], grads: readonly Tensor[], states: readonly (ASGDState | ASGDCapturableState)[], options: ASGDFunctionalOptions,
): void {
  if (params.length !== grads.length || params.length !== states.length) {
    throw new RangeError(`asgd: expected as many grads and states as params, got ${params.length} params, ${grads.length} grads, ${states.length} states`);
  }
  if (options.capturable) {
    params.forEach((p, i) => capturableStep(p, grads[i]!, states[i] as ASGDCapturableState, options));
    return;
  }
  if (options.differentiable || isGradEnabled() || params.some((p) => p.dtype !== float32)) {
    // float64 parameters take the tensor-op update too (see runUpdate); so does the whole group with them.
    if (params.some((p) => p.dtype !== float32)) checkGradDTypes('asgd', params, grads);
    params.forEach((p, i) => differentiableStep(p, grads[i]!, states[i] as ASGDState, options));
    return;
  }
  const plain = states as readonly ASGDState[];
  if (options.foreach === false) {
    params.forEach((p, i) => multiTensorStep([p], [grads[i]!], [plain[i]!], options));
    return;
  }
  multiTensorStep(params, grads, plain, options);
}

/** One pass over the parameters: their buffers go to the kernel with no temporaries. */
function multiTensorStep(params: readonly Tensor[], grads: readonly Tensor[], states: readonly ASGDState[], h: ASGDHyper): void {
  const kind = h.lrIsTensor ? 'tensor-lr' : 'float';
  const n = params.length;
  updateInPlace([...params, ...states.map((s) => s.ax)], grads, (out, g) => {
    for (let i = 0; i < n; i++) {
      const s = states[i]!;
      s.step = f32(s.step + 1);
      asgdUpdate(out[i]!, g[i]!, out[n + i]!, h, s.eta, s.mu);
      const next = asgdSchedule(kind, h, s.step);
      s.eta = next.eta;
      s.mu = next.mu;
    }
  });
}

/**
 * PyTorch 2.13's capturable single-tensor update: no scalar is read back to choose a branch,
 * the average is always `ax += (p - ax) * mu` (no copy when mu is 1, so its rounding differs
 * from the other paths'), decay is `1 - lambd * eta` with eta a float32 tensor, and the
 * schedule is tensor math.
 */
function capturableStep(p: Tensor, grad: Tensor, s: ASGDCapturableState, h: ASGDHyper): void {
  noGrad(() => {
    const step = f32(s.step.item() + 1);
    s.step.fill_(step);
    const eta = s.eta.item();
    const mu = s.mu.item();
    const decay = f32(1 - f32(f32(h.lambd) * eta));
    const wd = f32(h.weightDecay);
    const sign = h.maximize ? -1 : 1;
    updateInPlace([p, s.ax], [grad], ([pd, ad], [gd]) => {
      for (let i = 0; i < pd!.length; i++) {
        const p0 = pd![i]!;
        let gi = sign * gd![i]!;
        if (wd !== 0) gi = f32(gi + wd * p0);
        let x = f32(p0 * decay);
        x = f32(x - gi * eta); // addcmul_(grad, eta, value=-1): one rounding (fused), verified on PyTorch
        pd![i] = x;
        const a = ad![i]!;
        ad![i] = f32(a + f32(f32(x - a) * mu));
      }
    });
    const next = asgdSchedule('capturable', h, step);
    s.eta.fill_(next.eta);
    s.mu.fill_(next.mu);
  });
}

/**
 * The differentiable update, written with tensor ops so that with grad mode on a non-leaf
 * parameter gets a graph through it (to the old parameter, the grad and `ax`).
 * `eta` and `mu` are constants, as PyTorch reads them with `.item()`.
 */
function differentiableStep(p: Tensor, grad: Tensor, s: ASGDState, h: ASGDHyper): void {
  s.step = f32(s.step + 1);
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
  // The scalar as PyTorch passes it, a double: mul_ rounds it to float32 for a float32 parameter (as ATen does) and keeps it for float64.
  p.mul_(1 - h.lambd * s.eta);
  p.add_(g, -s.eta);
  if (s.mu !== 1) s.ax.add_(p.sub(s.ax).mul(s.mu));
  else s.ax.copy_(p);
  const next = asgdSchedule(h.lrIsTensor ? 'tensor-lr' : 'float', h, s.step);
  s.eta = next.eta;
  s.mu = next.mu;
}
