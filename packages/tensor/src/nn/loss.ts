import * as F from '../ops/nn/index.js';
import { checkReduction, lossOptions } from '../ops/nn-options.js';
import { checkOptions } from '../options.js';
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { foldPositional, num, bool, type Positional, type PositionalParam } from '../call-forms.js';

/** PyTorch's deprecated `size_average` / `reduce`: accepted positionally as null or undefined only. */
const DEPRECATED = (name: string): PositionalParam => ({ name, is: (v) => v === null, expected: `null (PyTorch's deprecated ${name}; use reduction)` });
const WEIGHT: PositionalParam = { name: 'weight', is: (v) => v === null || v instanceof Tensor, expected: 'a Tensor or null' };
const REDUCTION: PositionalParam = { name: 'reduction', is: (v) => typeof v === 'string', expected: 'a string' };

/** A loss module's arguments in PyTorch's two forms, the deprecated and unset ones dropped. */
function lossArgs<O extends object>(op: string, args: readonly unknown[], params: readonly PositionalParam[]): O {
  const o = foldPositional(op, args, params);
  for (const k of ['sizeAverage', 'reduce', 'weight']) if (o[k] === null) delete o[k];
  return o as O;
}

/**
 * Registers a loss's weight tensors as buffers, as PyTorch's `_WeightedLoss` (so they are in the
 * state dict and follow `Module.to`), and drops them from the options: `forward` reads the buffers.
 */
function weightBuffers<O extends object>(m: Module, options: O, names: readonly (keyof O & string)[]): O {
  const rest = { ...options };
  for (const name of names) {
    const w = (options as Record<string, unknown>)[name] ?? null;
    if (w !== null && !(w instanceof Tensor)) throw new TypeError(`${m.constructor.name}: ${name} must be a Tensor or null, got ${String(w)}`);
    // the state-dict key is PyTorch's (pos_weight); the attribute keeps our camelCase name
    const key = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    m.registerBuffer(key, w as Tensor | null);
    if (key !== name) Object.defineProperty(m, name, { get: () => (m as unknown as Record<string, unknown>)[key], enumerable: false, configurable: true });
    delete (rest as Record<string, unknown>)[name];
  }
  return rest;
}


/**
 * `F.crossEntropy` as a module: logits `[N, C, ...]` against class-index targets.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).call(tensor([[2, 0, 1]]), tensor([0]));
 * ```
 */
export class CrossEntropyLoss extends Module {
  readonly options: Omit<F.CrossEntropyOptions, 'weight'>;
  /** The class weights (a buffer, as PyTorch's `self.weight`), or null. */
  declare weight: Tensor | null;
  constructor(...args: Positional<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: F.Reduction, labelSmoothing: number], F.CrossEntropyOptions>) {
    super();
    const options = lossArgs<F.CrossEntropyOptions>('CrossEntropyLoss', args, [WEIGHT, DEPRECATED('sizeAverage'), num('ignoreIndex'), DEPRECATED('reduce'), REDUCTION, num('labelSmoothing')]);
    checkOptions('CrossEntropyLoss', options, ['reduction', 'ignoreIndex', 'labelSmoothing', 'weight']);
    lossOptions('CrossEntropyLoss', options);
    this.options = weightBuffers(this, options, ['weight']);
  }
  forward(input: Tensor, target: F.IndexLike): Tensor {
    return F.crossEntropy(input, target, { ...this.options, weight: this.weight });
  }
}

/**
 * `F.nllLoss` as a module: log-probabilities `[N, C, ...]` against class-index targets.
 * @example
 * ```ts
 * import { nn, F, tensor } from '@tensile/tensor';
 * new nn.NLLLoss().call(F.logSoftmax(tensor([[2, 0, 1]]), 1), tensor([0]));
 * ```
 */
export class NLLLoss extends Module {
  readonly options: Omit<F.NllLossOptions, 'weight'>;
  /** The class weights (a buffer, as PyTorch's `self.weight`), or null. */
  declare weight: Tensor | null;
  constructor(...args: Positional<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: F.Reduction], F.NllLossOptions>) {
    super();
    const options = lossArgs<F.NllLossOptions>('NLLLoss', args, [WEIGHT, DEPRECATED('sizeAverage'), num('ignoreIndex'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('NLLLoss', options, ['reduction', 'ignoreIndex', 'weight']);
    lossOptions('NLLLoss', options);
    this.options = weightBuffers(this, options, ['weight']);
  }
  forward(input: Tensor, target: F.IndexLike): Tensor {
    return F.nllLoss(input, target, { ...this.options, weight: this.weight });
  }
}

/**
 * `F.mseLoss` as a module.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.MSELoss().call(tensor([1, 2]), tensor([1, 4])); // tensor(2.)
 * ```
 */
export class MSELoss extends Module {
  readonly options: F.ReductionOptions;
  constructor(...args: Positional<[sizeAverage: null, reduce: null, reduction: F.Reduction], F.ReductionOptions>) {
    super();
    const options = lossArgs<F.ReductionOptions>('MSELoss', args, [DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    this.options = options;
    checkOptions('MSELoss', options, ['reduction']);
    checkReduction('MSELoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
}

/**
 * `F.binaryCrossEntropyWithLogits` as a module.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.BCEWithLogitsLoss().call(tensor([0]), tensor([1])); // tensor(0.6931)
 * ```
 */
export class BCEWithLogitsLoss extends Module {
  readonly options: Omit<F.BCEWithLogitsOptions, 'weight' | 'posWeight'>;
  /** The per-element weight (a buffer, as PyTorch's `self.weight`), or null. */
  declare weight: Tensor | null;
  /** The positive-class weight (a buffer, PyTorch's `self.pos_weight`), or null. */
  declare posWeight: Tensor | null;
  constructor(...args: Positional<[weight: Tensor | null, sizeAverage: null, reduce: null, reduction: F.Reduction, posWeight: Tensor | null], F.BCEWithLogitsOptions>) {
    super();
    const options = lossArgs<F.BCEWithLogitsOptions>('BCEWithLogitsLoss', args, [WEIGHT, DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION, { ...WEIGHT, name: 'posWeight' }]);
    checkOptions('BCEWithLogitsLoss', options, ['reduction', 'weight', 'posWeight']);
    checkReduction('BCEWithLogitsLoss', options.reduction);
    this.options = weightBuffers(this, options, ['weight', 'posWeight']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { ...this.options, weight: this.weight, posWeight: this.posWeight });
  }
}

/**
 * `F.l1Loss` as a module: mean absolute error.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.L1Loss().call(tensor([1, 2]), tensor([2, 4])); // tensor(1.5000)
 * ```
 */
export class L1Loss extends Module {
  readonly options: F.ReductionOptions;
  constructor(...args: Positional<[sizeAverage: null, reduce: null, reduction: F.Reduction], F.ReductionOptions>) {
    super();
    const options = lossArgs<F.ReductionOptions>('L1Loss', args, [DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    this.options = options;
    checkOptions('L1Loss', options, ['reduction']);
    checkReduction('L1Loss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
}

/**
 * `F.smoothL1Loss` as a module (`beta` default 1).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.SmoothL1Loss().call(tensor([0, 0]), tensor([0.5, 3])); // tensor(1.3125)
 * ```
 */
export class SmoothL1Loss extends Module {
  readonly options: F.SmoothL1LossOptions;
  constructor(...args: Positional<[sizeAverage: null, reduce: null, reduction: F.Reduction, beta: number], F.SmoothL1LossOptions>) {
    super();
    const options = lossArgs<F.SmoothL1LossOptions>('SmoothL1Loss', args, [DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION, num('beta')]);
    this.options = options;
    checkOptions('SmoothL1Loss', options, ['reduction', 'beta']);
    checkReduction('SmoothL1Loss', options.reduction);
    const beta = options.beta ?? 1;
    if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`SmoothL1Loss: beta must be a non-negative number, got ${String(beta)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
}

/**
 * `F.huberLoss` as a module (`delta` default 1).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.HuberLoss({ delta: 2 }).call(tensor([0, 0]), tensor([0.5, 3])); // tensor(2.0625)
 * ```
 */
export class HuberLoss extends Module {
  readonly options: F.HuberLossOptions;
  constructor(...args: Positional<[reduction: F.Reduction, delta: number], F.HuberLossOptions>) {
    super();
    const options = lossArgs<F.HuberLossOptions>('HuberLoss', args, [REDUCTION, num('delta')]);
    this.options = options;
    checkOptions('HuberLoss', options, ['reduction', 'delta']);
    checkReduction('HuberLoss', options.reduction);
    const delta = options.delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0)) throw new RangeError(`HuberLoss: delta must be positive, got ${String(delta)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
}

/**
 * `F.binaryCrossEntropy` as a module: probabilities in [0, 1] against targets.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.BCELoss().call(tensor([0.5]), tensor([1])); // tensor(0.6931)
 * ```
 */
export class BCELoss extends Module {
  readonly options: F.BCELossOptions;
  constructor(...args: Positional<[weight: Tensor | null, sizeAverage: null, reduce: null, reduction: F.Reduction], F.BCELossOptions>) {
    super();
    const options = lossArgs<F.BCELossOptions>('BCELoss', args, [WEIGHT, DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    this.options = options;
    checkOptions('BCELoss', options, ['reduction', 'weight']);
    checkReduction('BCELoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
}

/**
 * `F.klDiv` as a module: log-probabilities against a (log-)probability target.
 * @example
 * ```ts
 * import { nn, F, tensor } from '@tensile/tensor';
 * const logp = F.logSoftmax(tensor([[1, 2, 3]]), 1);
 * new nn.KLDivLoss({ reduction: 'batchmean' }).call(logp, tensor([[0.2, 0.3, 0.5]]));
 * ```
 */
export class KLDivLoss extends Module {
  readonly options: F.KLDivOptions;
  constructor(...args: Positional<[sizeAverage: null, reduce: null, reduction: F.KLDivReduction, logTarget: boolean], F.KLDivOptions>) {
    super();
    const options = lossArgs<F.KLDivOptions>('KLDivLoss', args, [DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION, bool('logTarget')]);
    this.options = options;
    checkOptions('KLDivLoss', options, ['reduction', 'logTarget']);
    const r = options.reduction;
    if (r !== undefined && r !== 'batchmean' && r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`KLDivLoss: reduction must be 'mean', 'batchmean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
}

/** A loss module's `margin` (a number). */
function marginOf(op: string, v: unknown, dflt: number): number {
  const m = v ?? dflt;
  if (typeof m !== 'number' || Number.isNaN(m)) throw new TypeError(`${op}: margin must be a number, got ${String(m)}`);
  return m;
}

/**
 * `F.marginRankingLoss` as a module (margin default 0): `call(x1, x2, y)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.MarginRankingLoss(0.5).call(tensor([1]), tensor([1]), tensor([1])); // tensor(0.5000)
 * ```
 */
export class MarginRankingLoss extends Module {
  readonly options: F.MarginLossOptions;
  /** PyTorch's order: `(margin, sizeAverage, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[margin: number, sizeAverage: null, reduce: null, reduction: F.Reduction], F.MarginLossOptions>) {
    super();
    const options = lossArgs<F.MarginLossOptions>('MarginRankingLoss', args, [num('margin'), DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('MarginRankingLoss', options, ['margin', 'reduction']);
    checkReduction('MarginRankingLoss', options.reduction);
    marginOf('MarginRankingLoss', options.margin, 0);
    this.options = options;
  }
  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(x1, x2, target, this.options);
  }
}

/**
 * `F.hingeEmbeddingLoss` as a module (margin default 1).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.HingeEmbeddingLoss().call(tensor([0.3]), tensor([-1])); // tensor(0.7000)
 * ```
 */
export class HingeEmbeddingLoss extends Module {
  readonly options: F.MarginLossOptions;
  /** PyTorch's order: `(margin, sizeAverage, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[margin: number, sizeAverage: null, reduce: null, reduction: F.Reduction], F.MarginLossOptions>) {
    super();
    const options = lossArgs<F.MarginLossOptions>('HingeEmbeddingLoss', args, [num('margin'), DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('HingeEmbeddingLoss', options, ['margin', 'reduction']);
    checkReduction('HingeEmbeddingLoss', options.reduction);
    marginOf('HingeEmbeddingLoss', options.margin, 1);
    this.options = options;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, this.options);
  }
}

/**
 * `F.softMarginLoss` as a module.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.SoftMarginLoss().call(tensor([0]), tensor([-1])); // tensor(0.6931)
 * ```
 */
export class SoftMarginLoss extends Module {
  readonly options: F.ReductionOptions;
  /** PyTorch's order: `(sizeAverage, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[sizeAverage: null, reduce: null, reduction: F.Reduction], F.ReductionOptions>) {
    super();
    const options = lossArgs<F.ReductionOptions>('SoftMarginLoss', args, [DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('SoftMarginLoss', options, ['reduction']);
    checkReduction('SoftMarginLoss', options.reduction);
    this.options = options;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.softMarginLoss(input, target, this.options);
  }
}

/**
 * `F.cosineEmbeddingLoss` as a module (margin default 0): `call(x1, x2, y)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.CosineEmbeddingLoss().call(tensor([[1, 0]]), tensor([[1, 0]]), tensor([-1])); // tensor(1.)
 * ```
 */
export class CosineEmbeddingLoss extends Module {
  readonly options: F.MarginLossOptions;
  /** PyTorch's order: `(margin, sizeAverage, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[margin: number, sizeAverage: null, reduce: null, reduction: F.Reduction], F.MarginLossOptions>) {
    super();
    const options = lossArgs<F.MarginLossOptions>('CosineEmbeddingLoss', args, [num('margin'), DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('CosineEmbeddingLoss', options, ['margin', 'reduction']);
    checkReduction('CosineEmbeddingLoss', options.reduction);
    marginOf('CosineEmbeddingLoss', options.margin, 0);
    this.options = options;
  }
  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(x1, x2, target, this.options);
  }
}

/**
 * `F.tripletMarginLoss` as a module (margin 1, p 2, eps 1e-6): `call(anchor, positive, negative)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.TripletMarginLoss().call(tensor([[0, 0]]), tensor([[0, 1]]), tensor([[0, 1]])); // tensor(1.0000)
 * ```
 */
export class TripletMarginLoss extends Module {
  readonly options: F.TripletMarginLossOptions;
  /** PyTorch's order: `(margin, p, eps, swap, sizeAverage, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[margin: number, p: number, eps: number, swap: boolean, sizeAverage: null, reduce: null, reduction: F.Reduction], F.TripletMarginLossOptions>) {
    super();
    const options = lossArgs<F.TripletMarginLossOptions>('TripletMarginLoss', args, [num('margin'), num('p'), num('eps'), bool('swap'), DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('TripletMarginLoss', options, ['margin', 'p', 'eps', 'swap', 'reduction']);
    checkReduction('TripletMarginLoss', options.reduction);
    marginOf('TripletMarginLoss', options.margin, 1);
    this.options = options;
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

/**
 * `F.poissonNllLoss` as a module (`logInput` true, `full` false, eps 1e-8).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.PoissonNLLLoss().call(tensor([0]), tensor([2])); // tensor(1.)
 * ```
 */
export class PoissonNLLLoss extends Module {
  readonly options: F.PoissonNllLossOptions;
  /** PyTorch's order: `(logInput, full, sizeAverage, eps, reduce, reduction)`, then an options bag. */
  constructor(...args: Positional<[logInput: boolean, full: boolean, sizeAverage: null, eps: number, reduce: null, reduction: F.Reduction], F.PoissonNllLossOptions>) {
    super();
    const options = lossArgs<F.PoissonNllLossOptions>('PoissonNLLLoss', args, [bool('logInput'), bool('full'), DEPRECATED('sizeAverage'), num('eps'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('PoissonNLLLoss', options, ['logInput', 'full', 'eps', 'reduction']);
    checkReduction('PoissonNLLLoss', options.reduction);
    this.options = options;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.poissonNllLoss(input, target, this.options);
  }
}

/**
 * `F.gaussianNllLoss` as a module: `call(input, target, var)`; PyTorch's options are keyword-only
 * (`full`, `eps`, `reduction`), so here an options bag only.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.GaussianNLLLoss({ reduction: 'sum' }).call(tensor([1, 2]), tensor([1, 3]), tensor([1, 1])); // tensor(0.5000)
 * ```
 */
export class GaussianNLLLoss extends Module {
  readonly options: F.GaussianNllLossOptions;
  constructor(options: F.GaussianNllLossOptions = {}) {
    super();
    checkOptions('GaussianNLLLoss', options, ['full', 'eps', 'reduction']);
    checkReduction('GaussianNLLLoss', options.reduction);
    this.options = { ...options };
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, this.options);
  }
}

/**
 * `F.multiMarginLoss` as a module: scores `[N, C]` against class-index targets; PyTorch's
 * positional order `(p, margin, weight, sizeAverage, reduce, reduction)` or an options bag;
 * `weight` a buffer, as PyTorch's.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.MultiMarginLoss(2, 0.5).call(tensor([[0.1, 0.2, 0.4, 0.8]]), [3]); // tensor(0.0025)
 * ```
 */
export class MultiMarginLoss extends Module {
  readonly options: Omit<F.MultiMarginLossOptions, 'weight'>;
  /** The class weights (a buffer, as PyTorch's `self.weight`), or null. */
  declare weight: Tensor | null;
  constructor(...args: Positional<[p: 1 | 2, margin: number, weight: Tensor | null, sizeAverage: null, reduce: null, reduction: F.Reduction], F.MultiMarginLossOptions>) {
    super();
    const options = lossArgs<F.MultiMarginLossOptions>('MultiMarginLoss', args, [num('p'), num('margin'), WEIGHT, DEPRECATED('sizeAverage'), DEPRECATED('reduce'), REDUCTION]);
    checkOptions('MultiMarginLoss', options, ['p', 'margin', 'weight', 'reduction']);
    checkReduction('MultiMarginLoss', options.reduction);
    if (options.p !== undefined && options.p !== 1 && options.p !== 2) throw new RangeError(`MultiMarginLoss: only p == 1 and p == 2 supported, got ${String(options.p)}`);
    if (options.weight !== undefined && options.weight !== null && options.weight.ndim !== 1) throw new RangeError(`MultiMarginLoss: weight must be one-dimensional, got ${options.weight.ndim} dims`);
    this.options = weightBuffers(this, options, ['weight']);
  }
  forward(input: Tensor, target: F.IndexLike): Tensor {
    return F.multiMarginLoss(input, target, { ...this.options, weight: this.weight });
  }
}
