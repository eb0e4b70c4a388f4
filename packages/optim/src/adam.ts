import { Tensor, tensor as makeTensor, zeros, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { betasOption, flagOptions, lrOption, lrValue, nonNegative } from './validate.js';
import { adam, type AdamState } from './functional/adam.js';

/**
 * Options of {@link Adam} and {@link AdamW}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { Adam, type AdamOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<AdamOptions> = { lr: 3e-4, betas: [0.9, 0.95], weightDecay: 0.1 };
 * const opt = new Adam([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface AdamOptions {
  /**
   * Learning rate (default 1e-3); a number or a 1-element tensor (PyTorch 2.13's tensor lr:
   * its float32 value enters the scalar math as a float32 tensor does; with `foreach: true`
   * it needs `capturable`, as in PyTorch).
   */
  lr: number | Tensor;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient, or with `decoupledWeightDecay` a decay of the parameter (default 0; AdamW 1e-2). */
  weightDecay: number;
  /** The AMSGrad variant: normalise by the running maximum of the second moment (default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /**
   * PyTorch 2.13's capturable branch: `step` is a 0-d float32 tensor and the bias corrections,
   * step size and denominator terms are float32 tensor ops (`1 - beta1 ** step`, ...), bit for
   * bit with those formulas (PyTorch itself asserts a CUDA device; here they simply run).
   * `stateDict()` still writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
  /** PyTorch's fused CUDA kernel flag; only `undefined`/`false` are supported. */
  fused: boolean | undefined;
  /** Decay the parameter by `1 - lr * weightDecay` before the update (AdamW) instead of adding an L2 term to the gradient (default false; AdamW true). */
  decoupledWeightDecay: boolean;
}

const ADAM_STATE: StateSpec = { step: 'count', exp_avg: 'tensor', exp_avg_sq: 'tensor', max_exp_avg_sq: 'optionalTensor' };

function adamDefaults(): AdamOptions {
  return {
    lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false,
    foreach: undefined, capturable: false, differentiable: false, fused: undefined, decoupledWeightDecay: false,
  };
}

/**
 * Adam, exactly PyTorch's `torch.optim.Adam` (2.13's single-tensor arithmetic, float32 rounding
 * per op, bit for bit on PyTorch's fixtures; the foreach path gives the same bits). With
 * `decoupledWeightDecay: true` it is AdamW.
 *
 * @example
 * ```ts
 * import { Adam } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * for (let i = 0; i < 10; i++) {
 *   opt.zeroGrad();
 *   w.mul(w).sum().backward();
 *   opt.step();
 * }
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  protected readonly name: string = 'Adam';
  protected readonly stateSpec = ADAM_STATE;
  protected override readonly intOptions = new Set(['weight_decay']);

  /** PyTorch's order: `(params, lr, betas, eps, weightDecay, amsgrad)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<AdamOptions>, ...rest: OptimizerArgs<[lr: AdamOptions['lr'], betas: AdamOptions['betas'], eps: AdamOptions['eps'], weightDecay: AdamOptions['weightDecay'], amsgrad: AdamOptions['amsgrad']], AdamOptions>) {
    const options = optimizerArgs<AdamOptions>('Adam', rest, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
    // NOTE: names are compared by identity, not read from `constructor.name` (bundlers rename classes).
    const name = new.target === AdamW ? 'AdamW' : 'Adam';
    const defaults = name === 'AdamW' ? { ...adamDefaults(), weightDecay: 1e-2, decoupledWeightDecay: true } : adamDefaults();
    super(params, resolveOptions(name, defaults, options, (o) => validateAdam(name, o)));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    // Runs inside the base constructor too, before this class's fields exist.
    validateAdam(this instanceof AdamW ? 'AdamW' : 'Adam', o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => this.initState(p, group.amsgrad, group.capturable));
      adam(params, grads, states, {
        lr: lrValue(group.lr), lrIsTensor: group.lr instanceof Tensor, capturable: group.capturable, beta1: group.betas[0], beta2: group.betas[1], eps: group.eps, weightDecay: group.weightDecay,
        amsgrad: group.amsgrad, maximize: group.maximize, decoupledWeightDecay: group.decoupledWeightDecay,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }

  /**
   * PyTorch's `_init_group`: state created at a parameter's first step, in PyTorch's key order;
   * `step` a 0-d tensor in a capturable group (converted when the flag changes or after a load).
   */
  private initState(p: Tensor, amsgrad: boolean, capturable: boolean): AdamState {
    const s = this.lazyState<AdamState>(p, () => ({ step: capturable ? makeTensor(0) : 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p), ...(amsgrad ? { max_exp_avg_sq: zerosLike(p) } : {}) }));
    // A state saved without amsgrad, loaded into an amsgrad group (PyTorch raises KeyError): start the maximum here.
    if (amsgrad && !(s.max_exp_avg_sq instanceof Tensor)) s.max_exp_avg_sq = zerosLike(p);
    if (capturable && typeof s.step === 'number') s.step = makeTensor(s.step);
    else if (!capturable && s.step instanceof Tensor) s.step = s.step.item();
    return s;
  }
}

/**
 * AdamW, exactly PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay
 * (`decoupledWeightDecay: true`, which AdamW always has) and a default `weightDecay` of 1e-2.
 *
 * @example
 * ```ts
 * import { AdamW } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.01, weightDecay: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class AdamW extends Adam {
  protected override readonly name: string = 'AdamW';

  /** PyTorch's order: `(params, lr, betas, eps, weightDecay, amsgrad)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<AdamOptions>, ...rest: OptimizerArgs<[lr: AdamOptions['lr'], betas: AdamOptions['betas'], eps: number, weightDecay: number, amsgrad: boolean], Omit<AdamOptions, 'decoupledWeightDecay'>>) {
    const options = optimizerArgs<AdamOptions>('AdamW', rest, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
    if (options !== null && typeof options === 'object' && Object.hasOwn(options, 'decoupledWeightDecay')) {
      throw new TypeError("AdamW: unknown option 'decoupledWeightDecay' (AdamW always decouples weight decay; use Adam to choose)");
    }
    super(params, options);
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validateAdam(name: string, o: Record<string, unknown>): void {
  lrOption(o, true);
  nonNegative(name, o, 'eps', 'epsilon value');
  betasOption(name, o);
  nonNegative(name, o, 'weightDecay', 'weight_decay value');
  flagOptions(name, o, ['amsgrad', 'maximize', 'capturable', 'differentiable', 'decoupledWeightDecay']);
  if (name === 'AdamW' && o['decoupledWeightDecay'] !== true) throw new RangeError('AdamW: decoupled_weight_decay must stay true (use Adam to turn it off)');
}
