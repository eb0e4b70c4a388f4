import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pyFloat } from './layers.js';

/**
 * `x` where positive, `negativeSlope·x` elsewhere.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.LeakyReLU(0.2).call(tensor([-1, 2])); // tensor([-0.2000, 2.0000])
 * ```
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) throw new TypeError(`LeakyReLU: negativeSlope must be a number, got ${String(negativeSlope)}`);
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  protected override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/**
 * ELU: `x` where positive, `alpha·(eˣ - 1)` elsewhere.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.ELU().call(tensor([-1, 2])); // tensor([-0.6321, 2.0000])
 * ```
 */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`ELU: alpha must be a number, got ${String(alpha)}`);
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  protected override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.SiLU().call(tensor([1])); // tensor([0.7311])
 * ```
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

/**
 * Softplus `log(1 + e^(βx))/β`, linear above `threshold`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Softplus().call(tensor([0])); // tensor([0.6931])
 * ```
 */
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    if (typeof beta !== 'number' || !(beta !== 0 && Number.isFinite(beta))) throw new RangeError(`Softplus: beta must be a finite non-zero number, got ${String(beta)}`);
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`Softplus: threshold must be a number, got ${String(threshold)}`);
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  protected override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** PyTorch's implicit softmax dim (`dim=None`, deprecated there): 0 for 0-, 1- and 3-d input, else 1. */
function softmaxDim(dim: number | null, x: Tensor): number {
  if (dim !== null) return dim;
  return x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1;
}

function checkDim(op: string, dim: unknown): number | null {
  if (dim === null) return null;
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`${op}: dim must be an integer or null, got ${String(dim)}`);
  return dim;
}

/**
 * Softmax along `dim`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Softmax(1).call(tensor([[0, 0]])); // tensor([[0.5000, 0.5000]])
 * ```
 */
export class Softmax extends Module {
  readonly dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = checkDim('Softmax', dim);
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, softmaxDim(this.dim, x));
  }
  protected override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/**
 * Log-softmax along `dim`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.LogSoftmax(1).call(tensor([[0, 0]])); // tensor([[-0.6931, -0.6931]])
 * ```
 */
export class LogSoftmax extends Module {
  readonly dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, softmaxDim(this.dim, x));
  }
  protected override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
