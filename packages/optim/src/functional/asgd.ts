import { Tensor, kernels, noGrad, tensor } from '@tensile/tensor';

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

/** Per-parameter schedule state: float32 values (PyTorch keeps 0-d float32 tensors). */
export interface ASGDScalars {
  step: number;
  eta: number;
  mu: number;
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
 * One ASGD update of `n` contiguous elements, bit-identical to PyTorch's single-tensor path
 * in float32 (spec §2.4). Uses the schedule state *before* this step; the caller advances it.
 *
 * NOTE: `f32(a + b * c)` evaluated in doubles reproduces ATen's fused multiply-add exactly:
 * the product of two float32 values is exact in a double.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const p = Float32Array.of(1, 2), g = Float32Array.of(0.5, -0.5), ax = new Float32Array(2);
 * const h = { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false };
 * functional.asgdUpdate(p, 0, g, 0, ax, 0, 2, h, 0.01, 1); // p and ax updated in place
 * ```
 */
export function asgdUpdate(
  p: Float32Array, pOff: number, g: Float32Array, gOff: number, ax: Float32Array, axOff: number, n: number,
  h: ASGDHyper, eta: number, mu: number,
): void {
  const decay = f32(1 - h.lambd * eta);
  const wd = f32(h.weightDecay);
  // maximize negates the gradient; folding the sign into eta is exact (a sign flip). With
  // weight decay, -(g - wd·p) has the same bits as -g + wd·p and negEta carries the sign.
  const negEta = h.maximize ? eta : -eta;
  const wdSigned = h.maximize ? -wd : wd;
  // The element loop is the engine's `asgd` kernel (JS or WebAssembly SIMD: the same bits).
  kernels().asgd(p, pOff, g, gOff, ax, axOff, n, decay, negEta, mu, wdSigned);
}

/** A parameter's buffers as the fused kernel reads them. */
export interface ASGDSlot {
  p: Float32Array; pOff: number;
  g: Float32Array; gOff: number;
  ax: Float32Array; axOff: number;
  n: number;
  s: ASGDScalars;
}

/**
 * The fused path: one pass over every parameter of a group, updating each parameter, its
 * average and its schedule, with no temporaries. Same arithmetic as the for-loop path, so the
 * same bits (our promise; PyTorch's foreach path rounds differently).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * const s = { step: 0, eta: 0.01, mu: 1 };
 * const slot = { p: Float32Array.of(1), pOff: 0, g: Float32Array.of(1), gOff: 0, ax: new Float32Array(1), axOff: 0, n: 1, s };
 * functional.asgdFused([slot], { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false });
 * ```
 */
export function asgdFused(slots: readonly ASGDSlot[], h: ASGDHyper): void {
  const kind = h.lrIsTensor ? 'tensor-lr' : 'float';
  for (const slot of slots) {
    const s = slot.s;
    s.step = f32(s.step + 1);
    asgdUpdate(slot.p, slot.pOff, slot.g, slot.gOff, slot.ax, slot.axOff, slot.n, h, s.eta, s.mu);
    const next = asgdSchedule(kind, h, s.step);
    s.eta = next.eta;
    s.mu = next.mu;
  }
}

/** The for-loop path: one parameter at a time (PyTorch's `_single_tensor_asgd`). *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * // same arguments as asgdFused; same bits
 * functional.asgdForLoop([], { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false });
 * ```
 */
export function asgdForLoop(slots: readonly ASGDSlot[], h: ASGDHyper): void {
  for (const slot of slots) asgdFused([slot], h);
}

/** Capturable state: step, eta and mu stay 0-d float32 tensors, updated with tensor math. */
export interface ASGDTensorScalars {
  step: Tensor;
  eta: Tensor;
  mu: Tensor;
}

/**
 * PyTorch 2.13's capturable single-tensor update: no scalar is read back to choose a branch,
 * the average is always `ax += (p - ax) * mu`, and the schedule is tensor math.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros } from '@tensile/tensor';
 * const p = tensor([1, 2]);
 * const s = { step: tensor(0), eta: tensor(0.01), mu: tensor(1) };
 * functional.asgdCapturable(p, tensor([0.5, 0.5]), zeros([2]), s, { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false });
 * ```
 */
export function asgdCapturable(p: Tensor, grad: Tensor, ax: Tensor, s: ASGDTensorScalars, h: ASGDHyper): void {
  noGrad(() => {
    const step = f32(s.step.item() + 1);
    s.step.fill_(step);
    const eta = s.eta.item();
    const mu = s.mu.item();
    // A strided parameter or average (rare) is updated through a dense copy, then written back.
    const pDense = p.isContiguous(), axDense = ax.isContiguous();
    const pd = pDense ? p.storage.data : p.toFloat32Array(), po = pDense ? p.offset : 0;
    const ad = axDense ? ax.storage.data : ax.toFloat32Array(), ao = axDense ? ax.offset : 0;
    const [gd, go] = grad._contiguousData();
    const decay = f32(1 - f32(f32(h.lambd) * eta)); // 1 - lambd * eta with eta a tensor
    const wd = f32(h.weightDecay);
    const sign = h.maximize ? -1 : 1;
    const n = p.numel();
    for (let i = 0; i < n; i++) {
      const p0 = pd[po + i]!;
      let gi = sign * gd[go + i]!;
      if (wd !== 0) gi = f32(gi + wd * p0);
      let x = f32(p0 * decay);
      x = f32(x - gi * eta); // addcmul_(grad, eta, value=-1): one rounding (fused), verified on PyTorch
      pd[po + i] = x;
      const a = ad[ao + i]!;
      ad[ao + i] = f32(a + f32(f32(x - a) * mu));
    }
    if (pDense) p.storage.version++;
    else p.copy_(tensor(pd, { shape: p.shape }));
    if (axDense) ax.storage.version++;
    else ax.copy_(tensor(ad, { shape: ax.shape }));
    const next = asgdSchedule('capturable', h, step);
    s.eta.fill_(next.eta);
    s.mu.fill_(next.mu);
  });
}

/**
 * The differentiable update, written with tensor ops so that with grad mode on a non-leaf
 * parameter gets a graph through it (to the old parameter, the grad and `ax`).
 * `eta` and `mu` are constants, as PyTorch reads them with `.item()`.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { tensor, zeros } from '@tensile/tensor';
 * const p = tensor([1, 2], { requiresGrad: true }).mul(1); // non-leaf
 * const s = { step: 0, eta: 0.01, mu: 1 };
 * functional.asgdDifferentiable(p, tensor([0.5, 0.5]), zeros([2]), s, { lr: 0.01, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false, lrIsTensor: false });
 * ```
 */
export function asgdDifferentiable(p: Tensor, grad: Tensor, ax: Tensor, s: ASGDScalars, h: ASGDHyper): Tensor {
  s.step = f32(s.step + 1);
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(p, h.weightDecay);
  p.mul_(f32(1 - h.lambd * s.eta));
  p.add_(g, -s.eta);
  if (s.mu !== 1) ax.add_(p.sub(ax).mul(s.mu));
  else ax.copy_(p);
  const next = asgdSchedule(h.lrIsTensor ? 'tensor-lr' : 'float', h, s.step);
  s.eta = next.eta;
  s.mu = next.mu;
  return p;
}
