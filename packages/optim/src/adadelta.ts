import { zeros, type Tensor, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { pyNum } from './format.js';
import { flagOptions, lrOption, lrValue, nonNegative, numberOption } from './validate.js';
import { adadelta, type AdadeltaState } from './functional/adadelta.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link Adadelta}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { Adadelta, type AdadeltaOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<AdadeltaOptions> = { lr: 1.0, rho: 0.95 };
 * new Adadelta([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface AdadeltaOptions {
  /** Scales the delta before it is applied (default 1.0). A number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Coefficient of the running averages of squared gradients and deltas (default 0.9). */
  rho: number;
  /** Added inside the square roots for numerical stability (default 1e-6). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /**
   * PyTorch 2.13's capturable path: `step` is a 0-d float32 tensor; no other arithmetic
   * changes (PyTorch itself asserts a CUDA-like device; here it simply runs). `stateDict()`
   * still writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const ADADELTA_STATE: StateSpec = { step: 'count', square_avg: 'tensor', acc_delta: 'tensor' };

/**
 * Adadelta, exactly PyTorch's `torch.optim.Adadelta` (its single-tensor arithmetic in float32,
 * bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { Adadelta } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adadelta([w], { lr: 1.0 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  protected readonly name = 'Adadelta';
  protected readonly stateSpec = ADADELTA_STATE;
  protected override readonly intOptions = new Set(['weight_decay']);

  /** PyTorch's order: `(params, lr, rho, eps, weightDecay)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<AdadeltaOptions>, ...rest: OptimizerArgs<[lr: AdadeltaOptions['lr'], rho: AdadeltaOptions['rho'], eps: AdadeltaOptions['eps'], weightDecay: AdadeltaOptions['weightDecay']], AdadeltaOptions>) {
    const options = optimizerArgs<AdadeltaOptions>('Adadelta', rest, ['lr', 'rho', 'eps', 'weightDecay']);
    const defaults: AdadeltaOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, capturable: false, foreach: undefined, differentiable: false };
    super(params, resolveOptions('Adadelta', defaults, options, validateAdadelta));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateAdadelta(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => stepForPath(this.lazyState<AdadeltaState>(p, () => ({ step: 0, square_avg: zerosLike(p), acc_delta: zerosLike(p) })), group.capturable));
      adadelta(params, grads, states, {
        lr: lrValue(group.lr), rho: group.rho, eps: group.eps, weightDecay: group.weightDecay, maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validateAdadelta(o: Record<string, unknown>): void {
  lrOption(o);
  const rho = numberOption('Adadelta', o, 'rho', 'rho value');
  if (!(rho >= 0 && rho <= 1)) throw new RangeError(`Invalid rho value: ${pyNum(rho)}`);
  nonNegative('Adadelta', o, 'eps', 'epsilon value');
  nonNegative('Adadelta', o, 'weightDecay', 'weight_decay value');
  flagOptions('Adadelta', o, ['maximize', 'capturable', 'differentiable']);
}
