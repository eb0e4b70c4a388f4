import { Tensor, zeros, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { betasOption, flagOptions, lrOption, lrValue, nonNegative } from './validate.js';
import { radam, type RAdamState } from './functional/radam.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link RAdam}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { RAdam, type RAdamOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<RAdamOptions> = { lr: 1e-3, decoupledWeightDecay: true, weightDecay: 0.01 };
 * new RAdam([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface RAdamOptions {
  /** Learning rate (default 1e-3); a number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty, or with `decoupledWeightDecay` a decay of the parameter (default 0). */
  weightDecay: number;
  /** Decay the parameter by `1 - lr * weightDecay` (RAdamW) instead of adding an L2 term (default false). */
  decoupledWeightDecay: boolean;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /**
   * PyTorch 2.13's capturable branch: `step` is a 0-d float32 tensor, the bias corrections,
   * `rho_t` and the rectification are float32 tensor ops, and `torch.where(rho_t > 5, rect *
   * adaptive_lr, 1)` replaces the branch (PyTorch itself asserts a CUDA-like device; here it
   * simply runs). `stateDict()` still writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const STATE: StateSpec = { step: 'count', exp_avg: 'tensor', exp_avg_sq: 'tensor' };

/**
 * RAdam, exactly PyTorch's `torch.optim.RAdam` (Adam with a rectified variance; 2.13's single-tensor arithmetic in
 * float32, bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { RAdam } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new RAdam([w], { lr: 0.01 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions> {
  protected readonly name = 'RAdam';
  protected readonly stateSpec = STATE;
  protected override readonly intOptions = new Set(['weight_decay']);

  /** PyTorch's order: `(params, lr, betas, eps, weightDecay)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<RAdamOptions>, ...rest: OptimizerArgs<[lr: RAdamOptions['lr'], betas: RAdamOptions['betas'], eps: RAdamOptions['eps'], weightDecay: RAdamOptions['weightDecay']], RAdamOptions>) {
    const options = optimizerArgs<RAdamOptions>('RAdam', rest, ['lr', 'betas', 'eps', 'weightDecay']);
    const defaults: RAdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, foreach: undefined, capturable: false, decoupledWeightDecay: false, differentiable: false };
    super(params, resolveOptions('RAdam', defaults, options, validate));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validate(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => stepForPath(this.lazyState<RAdamState>(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) })), group.capturable));
      radam(params, grads, states, {
        lr: lrValue(group.lr), lrIsTensor: group.lr instanceof Tensor, capturable: group.capturable, beta1: group.betas[0], beta2: group.betas[1], eps: group.eps, weightDecay: group.weightDecay,
        decoupledWeightDecay: group.decoupledWeightDecay, maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validate(o: Record<string, unknown>): void {
  lrOption(o);
  nonNegative('RAdam', o, 'eps', 'epsilon value');
  betasOption('RAdam', o);
  nonNegative('RAdam', o, 'weightDecay', 'weight_decay value');
  flagOptions('RAdam', o, ['maximize', 'capturable', 'decoupledWeightDecay', 'differentiable']);
}
