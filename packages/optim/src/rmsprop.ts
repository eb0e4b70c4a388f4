import { Tensor, zeros, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { flagOptions, lrOption, lrValue, nonNegative } from './validate.js';
import { rmsprop, type RMSpropState } from './functional/rmsprop.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link RMSprop}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { RMSprop, type RMSpropOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<RMSpropOptions> = { lr: 1e-3, momentum: 0.9, centered: true };
 * new RMSprop([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). A number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /**
   * PyTorch 2.13's capturable path: `step` is a 0-d float32 tensor; no other arithmetic
   * changes (PyTorch itself asserts a CUDA-like device; here it simply runs). `stateDict()`
   * still writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const RMSPROP_STATE: StateSpec = { step: 'count', square_avg: 'tensor', momentum_buffer: 'optionalTensor', grad_avg: 'optionalTensor' };

/**
 * RMSprop, exactly PyTorch's `torch.optim.RMSprop` (2.13's single-tensor arithmetic in float32,
 * bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { RMSprop } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01, momentum: 0.9 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected readonly name = 'RMSprop';
  protected readonly stateSpec = RMSPROP_STATE;
  protected override readonly intOptions = new Set(['momentum', 'weight_decay']);

  /** PyTorch's order: `(params, lr, alpha, eps, weightDecay, momentum, centered)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<RMSpropOptions>, ...rest: OptimizerArgs<[lr: RMSpropOptions['lr'], alpha: RMSpropOptions['alpha'], eps: RMSpropOptions['eps'], weightDecay: RMSpropOptions['weightDecay'], momentum: RMSpropOptions['momentum'], centered: RMSpropOptions['centered']], RMSpropOptions>) {
    const options = optimizerArgs<RMSpropOptions>('RMSprop', rest, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
    const defaults: RMSpropOptions = {
      lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0,
      capturable: false, foreach: undefined, maximize: false, differentiable: false,
    };
    super(params, resolveOptions('RMSprop', defaults, options, validateRMSprop));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateRMSprop(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => {
        const s = stepForPath(this.lazyState<RMSpropState>(p, () => ({ step: 0, square_avg: zerosLike(p) })), group.capturable);
        // PyTorch's key order: step, square_avg, momentum_buffer, grad_avg. A state made before
        // momentum or centering was switched on (PyTorch raises KeyError) gets them here.
        if (group.momentum > 0 && !(s.momentum_buffer instanceof Tensor)) s.momentum_buffer = zerosLike(p);
        if (group.centered && !(s.grad_avg instanceof Tensor)) s.grad_avg = zerosLike(p);
        return s;
      });
      rmsprop(params, grads, states, {
        lr: lrValue(group.lr), alpha: group.alpha, eps: group.eps, weightDecay: group.weightDecay, momentum: group.momentum,
        centered: group.centered, maximize: group.maximize, foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validateRMSprop(o: Record<string, unknown>): void {
  lrOption(o);
  for (const [k, label] of [['eps', 'epsilon value'], ['momentum', 'momentum value'], ['weightDecay', 'weight_decay value'], ['alpha', 'alpha value']] as const) {
    nonNegative('RMSprop', o, k, label);
  }
  flagOptions('RMSprop', o, ['centered', 'capturable', 'maximize', 'differentiable']);
}
