import { zeros, type Tensor, zerosLike, fullLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { pyNum } from './format.js';
import { flagOptions, lrOption, lrValue } from './validate.js';
import { rprop, type RpropState } from './functional/rprop.js';
import { stepForPath } from './functional/common.js';

/**
 * Options of {@link Rprop}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { Rprop, type RpropOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<RpropOptions> = { lr: 0.01, etas: [0.5, 1.2], stepSizes: [1e-6, 50] };
 * new Rprop([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface RpropOptions {
  /** Initial step size of every element (default 1e-2). A number or a 1-element tensor (its float32 value, as PyTorch 2.13 uses it). */
  lr: number | Tensor;
  /** Multiplicative decrease and increase of the step size, `0 < etaminus < 1 < etaplus` (default [0.5, 1.2]). */
  etas: [number, number];
  /** The least and greatest step size (default [1e-6, 50]). */
  stepSizes: [number, number];
  /** `true`: one pass over each group; `false`: one parameter at a time; unset: the fastest. Same bits. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /**
   * PyTorch 2.13's capturable path: `step` is a 0-d float32 tensor and the sign cases are
   * `torch.where`s, with the same values (PyTorch itself asserts a CUDA-like device; here it
   * simply runs). `stateDict()` still writes `step` as a number. Default false.
   */
  capturable: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
}

const STATE: StateSpec = { step: 'count', prev: 'tensor', step_size: 'tensor' };

/**
 * Rprop, exactly PyTorch's `torch.optim.Rprop` (resilient backpropagation; 2.13's single-tensor arithmetic in
 * float32, bit for bit on PyTorch's fixtures; foreach gives the same bits).
 *
 * @example
 * ```ts
 * import { Rprop } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Rprop([w], { lr: 0.01 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Rprop extends Optimizer<RpropOptions> {
  protected readonly name = 'Rprop';
  protected readonly stateSpec = STATE;
  protected override readonly intOptions = new Set(['step_sizes']);

  /** PyTorch's order: `(params, lr, etas, stepSizes)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<RpropOptions>, ...rest: OptimizerArgs<[lr: RpropOptions['lr'], etas: RpropOptions['etas'], stepSizes: RpropOptions['stepSizes']], RpropOptions>) {
    const options = optimizerArgs<RpropOptions>('Rprop', rest, ['lr', 'etas', 'stepSizes']);
    const defaults: RpropOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], foreach: undefined, maximize: false, differentiable: false, capturable: false };
    super(params, resolveOptions('Rprop', defaults, options, validate));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validate(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => stepForPath(this.lazyState<RpropState>(p, () => ({ step: 0, prev: zerosLike(p), step_size: fullLike(p, lrValue(group.lr)) })), group.capturable));
      rprop(params, grads, states, {
        etaminus: group.etas[0], etaplus: group.etas[1], stepSizeMin: group.stepSizes[0], stepSizeMax: group.stepSizes[1], maximize: group.maximize,
        foreach: group.foreach, differentiable: group.differentiable,
      });
    }
  }
}

/** PyTorch's checks in PyTorch's order and words, then ours for the flags. */
function validate(o: Record<string, unknown>): void {
  lrOption(o);
  const etas = o['etas'], sizes = o['stepSizes'];
  if (!Array.isArray(etas) || etas.length !== 2 || !etas.every((e) => typeof e === 'number')) throw new TypeError(`Rprop: etas must be a pair of numbers, got ${String(etas)}`);
  const [minus, plus] = etas as [number, number];
  if (!(minus > 0 && minus < 1 && plus > 1)) throw new RangeError(`Invalid eta values: ${pyNum(minus)}, ${pyNum(plus)}`);
  if (!Array.isArray(sizes) || sizes.length !== 2 || !sizes.every((e) => typeof e === 'number')) throw new TypeError(`Rprop: stepSizes must be a pair of numbers, got ${String(sizes)}`);
  flagOptions('Rprop', o, ['maximize', 'differentiable', 'capturable']);
}
