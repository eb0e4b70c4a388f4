import { Tensor, zeros, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { betasOption, flagOptions, lrOption, lrValue, nonNegative } from './validate.js';
import { nadam, type NAdamState } from './functional/nadam.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link NAdam}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { NAdam, type NAdamOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<NAdamOptions> = { lr: 2e-3, momentumDecay: 4e-3, decoupledWeightDecay: true, weightDecay: 0.01 };
 * new NAdam([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface NAdamOptions {
  /** Learning rate (default 2e-3); a number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty, or with `decoupledWeightDecay` a decay of the parameter (default 0). */
  weightDecay: number;
  /** The momentum schedule's decay ψ (default 4e-3). */
  momentumDecay: number;
  /** Decay the parameter by `1 - lr * weightDecay` (NAdamW) instead of adding an L2 term (default false). */
  decoupledWeightDecay: boolean;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /**
   * PyTorch 2.13's capturable branch: `step` and `mu_product` are 0-d float32 tensors, the
   * momentum schedule and the two update factors are float32 tensor ops (`0.96 ** (step *
   * momentumDecay)`, ...), and the update is `param.addcdiv_(grad * c1, denom)` then
   * `param.addcdiv_(exp_avg * c2, denom)` (PyTorch itself asserts a CUDA-like device; here it
   * simply runs). `stateDict()` still writes numbers. Default false.
   */
  capturable: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const STATE: StateSpec = { step: 'count', mu_product: 'scalar', exp_avg: 'tensor', exp_avg_sq: 'tensor' };

/**
 * NAdam, exactly PyTorch's `torch.optim.NAdam` (Adam with Nesterov momentum; 2.13's single-tensor arithmetic in
 * float32, bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { NAdam } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new NAdam([w], { lr: 0.01 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  protected readonly name = 'NAdam';
  protected readonly stateSpec = STATE;
  protected override readonly intOptions = new Set(['weight_decay']);

  /** PyTorch's order: `(params, lr, betas, eps, weightDecay, momentumDecay)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<NAdamOptions>, ...rest: OptimizerArgs<[lr: NAdamOptions['lr'], betas: NAdamOptions['betas'], eps: NAdamOptions['eps'], weightDecay: NAdamOptions['weightDecay'], momentumDecay: NAdamOptions['momentumDecay']], NAdamOptions>) {
    const options = optimizerArgs<NAdamOptions>('NAdam', rest, ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay']);
    const defaults: NAdamOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, foreach: undefined, capturable: false, differentiable: false };
    super(params, resolveOptions('NAdam', defaults, options, validate));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validate(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => stepForPath(this.lazyState<NAdamState>(p, () => ({ step: 0, mu_product: 1, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) })), group.capturable, ['step', 'mu_product']));
      nadam(params, grads, states, {
        lr: lrValue(group.lr), lrIsTensor: group.lr instanceof Tensor, capturable: group.capturable, beta1: group.betas[0], beta2: group.betas[1], eps: group.eps, weightDecay: group.weightDecay,
        momentumDecay: group.momentumDecay, decoupledWeightDecay: group.decoupledWeightDecay, maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validate(o: Record<string, unknown>): void {
  lrOption(o);
  nonNegative('NAdam', o, 'eps', 'epsilon value');
  betasOption('NAdam', o);
  nonNegative('NAdam', o, 'weightDecay', 'weight_decay value');
  nonNegative('NAdam', o, 'momentumDecay', 'momentum_decay value');
  flagOptions('NAdam', o, ['decoupledWeightDecay', 'maximize', 'capturable', 'differentiable']);
}
