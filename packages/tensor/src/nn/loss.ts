import * as F from '../ops/nn.js';
import type { Tensor } from '../tensor.js';
import { checkReduction, lossOptions } from '../ops/nn-options.js';
import { Module } from './module.js';

function reductionRepr(r: F.Reduction | undefined): string {
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
    lossOptions('CrossEntropyLoss', options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
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
    lossOptions('NLLLoss', options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
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
    checkReduction('BCEWithLogitsLoss', options.reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this.options);
  }
  protected override extraRepr(): string {
    return reductionRepr(this.options.reduction);
  }
}
