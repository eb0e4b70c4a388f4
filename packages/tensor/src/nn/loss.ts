import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { checkReduction, lossOptions } from '../ops/nn-options.js';
import { checkOptions } from '../options.js';
import { Module } from './module.js';

function reductionRepr(r: F.Reduction | F.KLDivReduction | undefined): string {
  return r === undefined || r === 'mean' ? '' : `reduction='${r}'`;
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
  constructor(readonly options: F.CrossEntropyOptions = {}) {
    super();
    checkOptions('CrossEntropyLoss', options, ['reduction', 'ignoreIndex', 'labelSmoothing']);
    lossOptions('CrossEntropyLoss', options);
  }
  forward(input: Tensor, target: F.IndexLike): Tensor {
    return F.crossEntropy(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.NllLossOptions = {}) {
    super();
    checkOptions('NLLLoss', options, ['reduction', 'ignoreIndex']);
    lossOptions('NLLLoss', options);
  }
  forward(input: Tensor, target: F.IndexLike): Tensor {
    return F.nllLoss(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.ReductionOptions = {}) {
    super();
    checkOptions('MSELoss', options, ['reduction']);
    checkReduction('MSELoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.ReductionOptions = {}) {
    super();
    checkOptions('BCEWithLogitsLoss', options, ['reduction']);
    checkReduction('BCEWithLogitsLoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.ReductionOptions = {}) {
    super();
    checkOptions('L1Loss', options, ['reduction']);
    checkReduction('L1Loss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.SmoothL1LossOptions = {}) {
    super();
    checkOptions('SmoothL1Loss', options, ['reduction', 'beta']);
    checkReduction('SmoothL1Loss', options.reduction);
    const beta = options.beta ?? 1;
    if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`SmoothL1Loss: beta must be a non-negative number, got ${String(beta)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.HuberLossOptions = {}) {
    super();
    checkOptions('HuberLoss', options, ['reduction', 'delta']);
    checkReduction('HuberLoss', options.reduction);
    const delta = options.delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0)) throw new RangeError(`HuberLoss: delta must be positive, got ${String(delta)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.BCELossOptions = {}) {
    super();
    checkOptions('BCELoss', options, ['reduction', 'weight']);
    checkReduction('BCELoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
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
  constructor(readonly options: F.KLDivOptions = {}) {
    super();
    checkOptions('KLDivLoss', options, ['reduction', 'logTarget']);
    const r = options.reduction;
    if (r !== undefined && r !== 'batchmean' && r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`KLDivLoss: reduction must be 'mean', 'batchmean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
  }
}
