import type { Tensor } from '@tensile/tensor';
import { booleanFlags, lrOption, lrValue, optionalFlag } from './validate.js';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { pyNum } from './format.js';
import { sgd } from './functional/sgd.js';

/**
 * Options of {@link SGD}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { SGD, type SGDOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<SGDOptions> = { lr: 0.1, momentum: 0.9, nesterov: true };
 * const opt = new SGD([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface SGDOptions {
  /** Learning rate (default 1e-3): a number, or a 1-element tensor (used as its float32 value, as PyTorch's `alpha=-lr`). */
  lr: number | Tensor;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false). */
  nesterov: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
  /** Accepted for PyTorch compatibility; every path gives the same bits. */
  foreach: boolean | undefined;
  /** Run the step with autograd on (non-leaf parameters get a graph through the update). */
  differentiable: boolean;
  /** PyTorch's fused kernel flag; only `undefined`/`false` are supported. */
  fused: boolean | undefined;
}

const SGD_STATE: StateSpec = { momentum_buffer: 'tensorOrNull' };

/**
 * Stochastic gradient descent with momentum, exactly PyTorch's `torch.optim.SGD` (float32,
 * bit for bit): the baseline the examples compare ASGD with.
 *
 * @example
 * ```ts
 * import { SGD } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  protected readonly name = 'SGD';
  protected readonly stateSpec = SGD_STATE;
  protected override readonly intOptions = new Set(['momentum', 'dampening', 'weight_decay']);

  /** PyTorch's order: `(params, lr, momentum, dampening, weightDecay, nesterov)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<SGDOptions>, ...rest: OptimizerArgs<[lr: SGDOptions['lr'], momentum: SGDOptions['momentum'], dampening: SGDOptions['dampening'], weightDecay: SGDOptions['weightDecay'], nesterov: SGDOptions['nesterov']], SGDOptions>) {
    const options = optimizerArgs<SGDOptions>('SGD', rest, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']);
    const defaults: SGDOptions = {
      lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false,
      foreach: undefined, differentiable: false, fused: undefined,
    };
    super(params, resolveOptions('SGD', defaults, options, validateSGD));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateSGD(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      // PyTorch's _init_group: the parameters with a grad and their momentum buffers (null until
      // a parameter's first step with momentum).
      const [params, grads] = this.withGrads(group);
      const withMomentum = group.momentum !== 0;
      const buffers = params.map((p) => (withMomentum ? ((this.state.get(p)?.['momentum_buffer'] as Tensor | null | undefined) ?? null) : null));
      sgd(params, grads, buffers, {
        lr: lrValue(group.lr), momentum: group.momentum, dampening: group.dampening, weightDecay: group.weightDecay,
        nesterov: group.nesterov, maximize: group.maximize, foreach: group.foreach, differentiable: group.differentiable,
      });
      if (withMomentum) {
        params.forEach((p, i) => {
          const state = this.state.get(p) ?? {};
          state['momentum_buffer'] = buffers[i];
          this.state.set(p, state);
        });
      }
    }
  }
}

function validateSGD(o: Record<string, unknown>): void {
  const num = (k: string, label: string): number => {
    const v = o[k];
    if (typeof v !== 'number') throw new TypeError(`Invalid ${label}: ${String(v)}`);
    return v;
  };
  lrOption(o);
  const momentum = num('momentum', 'momentum value');
  if (!(momentum >= 0)) throw new RangeError(`Invalid momentum value: ${pyNum(momentum)}`);
  const wd = num('weightDecay', 'weight_decay value');
  if (!(wd >= 0)) throw new RangeError(`Invalid weight_decay value: ${pyNum(wd)}`);
  const dampening = num('dampening', 'dampening value');
  if (!Number.isFinite(dampening)) throw new RangeError(`Invalid dampening value: ${pyNum(dampening)}`);
  booleanFlags(o, ['nesterov', 'maximize', 'differentiable']);
  if (o['nesterov'] && (momentum <= 0 || dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  optionalFlag(o, 'foreach');
  optionalFlag(o, 'fused');
  if (o['fused'] === true) throw new RangeError('SGD: fused=true is not supported (PyTorch\'s fused kernels are for accelerators); every path gives the same bits');
}
