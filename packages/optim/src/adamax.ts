import { Tensor, zeros, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { betasOption, flagOptions, lrOption, lrValue, nonNegative } from './validate.js';
import { adamax, type AdamaxState } from './functional/adamax.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link Adamax}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { Adamax, type AdamaxOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<AdamaxOptions> = { lr: 2e-3, betas: [0.9, 0.999] };
 * new Adamax([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface AdamaxOptions {
  /** Learning rate (default 2e-3). A number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Coefficients of the running average of the gradient and of the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the norm for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /**
   * PyTorch 2.13's capturable path: `step` is a 0-d float32 tensor and the update is
   * `param.addcdiv_(exp_avg, exp_inf * ((beta1 ** step - 1) / lr))` in float32 tensor ops
   * (PyTorch itself asserts a CUDA-like device; here it simply runs). `stateDict()` still
   * writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const STATE: StateSpec = { step: 'count', exp_avg: 'tensor', exp_inf: 'tensor' };

/**
 * Adamax, exactly PyTorch's `torch.optim.Adamax` (Adam with the infinity norm; 2.13's single-tensor arithmetic in
 * float32, bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { Adamax } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adamax([w], { lr: 0.01 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  protected readonly name = 'Adamax';
  protected readonly stateSpec = STATE;
  protected override readonly intOptions = new Set(['weight_decay']);

  /** PyTorch's order: `(params, lr, betas, eps, weightDecay)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<AdamaxOptions>, ...rest: OptimizerArgs<[lr: AdamaxOptions['lr'], betas: AdamaxOptions['betas'], eps: AdamaxOptions['eps'], weightDecay: AdamaxOptions['weightDecay']], AdamaxOptions>) {
    const options = optimizerArgs<AdamaxOptions>('Adamax', rest, ['lr', 'betas', 'eps', 'weightDecay']);
    const defaults: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, foreach: undefined, maximize: false, differentiable: false, capturable: false };
    super(params, resolveOptions('Adamax', defaults, options, validate));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validate(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => stepForPath(this.lazyState<AdamaxState>(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_inf: zerosLike(p) })), group.capturable));
      adamax(params, grads, states, {
        lr: lrValue(group.lr), lrIsTensor: group.lr instanceof Tensor, capturable: group.capturable, beta1: group.betas[0], beta2: group.betas[1], eps: group.eps, weightDecay: group.weightDecay, maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validate(o: Record<string, unknown>): void {
  lrOption(o);
  nonNegative('Adamax', o, 'eps', 'epsilon value');
  betasOption('Adamax', o);
  nonNegative('Adamax', o, 'weightDecay', 'weight_decay value');
  flagOptions('Adamax', o, ['maximize', 'differentiable', 'capturable']);
}
