import { Tensor, fullLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, type ParamGroupInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { flagOptions, nonNegative } from './validate.js';
import { adagrad, type AdagradState } from './functional/adagrad.js';

/**
 * Options of {@link Adagrad}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { Adagrad, type AdagradOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<AdagradOptions> = { lr: 0.1, lrDecay: 1e-4, initialAccumulatorValue: 0.1 };
 * new Adagrad([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Decay of the learning rate per step: `lr / (1 + (step - 1) * lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
  /** PyTorch's fused kernel flag; only `undefined`/`false` are supported. */
  fused: boolean | undefined;
}

const ADAGRAD_STATE: StateSpec = { step: 'count', sum: 'tensor' };

/**
 * Adagrad, exactly PyTorch's `torch.optim.Adagrad` (its single-tensor arithmetic in float32, bit
 * for bit on PyTorch's fixtures; foreach gives the same bits). As in PyTorch, every parameter's
 * state exists from construction (`sum` starts at `initialAccumulatorValue`).
 *
 * @example
 * ```ts
 * import { Adagrad } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected readonly name = 'Adagrad';
  protected readonly stateSpec = ADAGRAD_STATE;
  protected override readonly intOptions = new Set(['lr_decay', 'weight_decay', 'initial_accumulator_value']);

  /** PyTorch's order: `(params, lr, lrDecay, weightDecay, initialAccumulatorValue, eps)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<AdagradOptions>, ...rest: OptimizerArgs<[lr: AdagradOptions['lr'], lrDecay: AdagradOptions['lrDecay'], weightDecay: AdagradOptions['weightDecay'], initialAccumulatorValue: AdagradOptions['initialAccumulatorValue'], eps: AdagradOptions['eps']], AdagradOptions>) {
    const options = optimizerArgs<AdagradOptions>('Adagrad', rest, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
    const defaults: AdagradOptions = {
      lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0,
      foreach: undefined, maximize: false, differentiable: false, fused: undefined,
    };
    super(params, resolveOptions('Adagrad', defaults, options, validateAdagrad));
  }

  /** PyTorch creates Adagrad's state when a parameter joins; a group added later gets it here too. */
  override addParamGroup(paramGroup: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(paramGroup);
    const group = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of group.params) this.ensureState(p, group.initialAccumulatorValue);
  }

  private ensureState(p: Tensor, init: number): AdagradState {
    return this.lazyState<AdagradState>(p, () => ({ step: 0, sum: fullLike(p, init) }));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateAdagrad(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => this.ensureState(p, group.initialAccumulatorValue));
      adagrad(params, grads, states, {
        lr: group.lr, lrDecay: group.lrDecay, weightDecay: group.weightDecay, eps: group.eps, maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validateAdagrad(o: Record<string, unknown>): void {
  for (const [k, label] of [['lr', 'learning rate'], ['lrDecay', 'lr_decay value'], ['weightDecay', 'weight_decay value'], ['initialAccumulatorValue', 'initial_accumulator_value value'], ['eps', 'epsilon value']] as const) {
    nonNegative('Adagrad', o, k, label);
  }
  flagOptions('Adagrad', o, ['maximize', 'differentiable']);
}
