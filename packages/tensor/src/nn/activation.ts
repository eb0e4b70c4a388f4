import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { pyFloat } from './layers.js';
import { checkOptions } from '../options.js';
import { bool, foldPositional, num, numOrNull, type Positional } from '../call-forms.js';

/**
 * `x` where positive, `negativeSlope·x` elsewhere.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.LeakyReLU(0.2).call(tensor([-1, 2])); // tensor([-0.2000, 2.0000])
 * ```
 */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  readonly inplace: boolean;
  /** PyTorch's `(negativeSlope, inplace)` or `{ negativeSlope, inplace }`. */
  constructor(...rest: Positional<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const o = checkOptions('LeakyReLU', foldPositional('LeakyReLU', rest, [num('negativeSlope'), bool('inplace')]) as { negativeSlope?: number; inplace?: boolean }, ['negativeSlope', 'inplace']);
    this.inplace = o.inplace ?? false;
    const negativeSlope = o.negativeSlope ?? 0.01;
    this.negativeSlope = negativeSlope;
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) throw new TypeError(`LeakyReLU: negativeSlope must be a number, got ${String(negativeSlope)}`);
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  protected override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}${this.inplace ? ', inplace=True' : ''}`;
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
  readonly alpha: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  readonly inplace: boolean;
  /** PyTorch's `(alpha, inplace)` or `{ alpha, inplace }`. */
  constructor(...rest: Positional<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    const o = checkOptions('ELU', foldPositional('ELU', rest, [num('alpha'), bool('inplace')]) as { alpha?: number; inplace?: boolean }, ['alpha', 'inplace']);
    this.inplace = o.inplace ?? false;
    const alpha = o.alpha ?? 1;
    this.alpha = alpha;
    if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`ELU: alpha must be a number, got ${String(alpha)}`);
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  protected override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
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
  readonly beta: number;
  readonly threshold: number;
  /** PyTorch's `(beta, threshold)` or `{ beta, threshold }`. */
  constructor(...rest: Positional<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const o = checkOptions('Softplus', foldPositional('Softplus', rest, [num('beta'), num('threshold')]) as { beta?: number; threshold?: number }, ['beta', 'threshold']);
    const beta = o.beta ?? 1;
    const threshold = o.threshold ?? 20;
    this.beta = beta;
    this.threshold = threshold;
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
  /** PyTorch's `(dim)` or `{ dim }`. */
  constructor(...rest: Positional<[dim: number | null], { dim?: number | null }>) {
    super();
    const o = checkOptions('Softmax', foldPositional('Softmax', rest, [numOrNull('dim')]) as { dim?: number | null }, ['dim']);
    this.dim = checkDim('Softmax', o.dim ?? null);
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
  /** PyTorch's `(dim)` or `{ dim }`. */
  constructor(...rest: Positional<[dim: number | null], { dim?: number | null }>) {
    super();
    const o = checkOptions('LogSoftmax', foldPositional('LogSoftmax', rest, [numOrNull('dim')]) as { dim?: number | null }, ['dim']);
    this.dim = checkDim('LogSoftmax', o.dim ?? null);
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, softmaxDim(this.dim, x));
  }
  protected override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
