import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { Module, Parameter } from './module.js';
import { full } from '../ops/creation.js';
import type { Generator } from '../random.js';
import { pyFloat } from './layers.js';
import { checkOptions } from '../options.js';
import { bool, fnOptions, foldPositional, num, numOrNull, type Positional } from '../call-forms.js';

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

/** The `(inplace)` / `{ inplace }` argument of an activation module (accepted and printed; the result is always a new tensor). */
function inplaceArg(op: string, rest: readonly unknown[]): boolean {
  const o = checkOptions(op, foldPositional(op, rest, [bool('inplace')]) as { inplace?: boolean }, ['inplace']);
  return o.inplace ?? false;
}

/**
 * `x` clamped to `[minVal, maxVal]` (defaults -1, 1).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Hardtanh(-2, 2).call(tensor([-3, 1])); // tensor([-2.,  1.])
 * ```
 */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(minVal, maxVal, inplace)` or `{ minVal, maxVal, inplace }`. */
  constructor(...rest: Positional<[minVal: number, maxVal: number, inplace: boolean], { minVal?: number; maxVal?: number; inplace?: boolean }>) {
    super();
    const o = checkOptions('Hardtanh', foldPositional('Hardtanh', rest, [num('minVal'), num('maxVal'), bool('inplace')]) as { minVal?: number; maxVal?: number; inplace?: boolean }, ['minVal', 'maxVal', 'inplace']);
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = o.inplace ?? false;
    if (!(this.maxVal > this.minVal)) throw new RangeError(`Hardtanh: max_val must be greater than min_val, got min_val ${this.minVal}, max_val ${this.maxVal}`);
  }
  forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  protected override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * `min(max(x, 0), 6)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.ReLU6().call(tensor([-1, 7])); // tensor([0., 6.])
 * ```
 */
export class ReLU6 extends Module {
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)` or `{ inplace }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = inplaceArg('ReLU6', rest);
  }
  forward(x: Tensor): Tensor {
    return F.relu6(x);
  }
  protected override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * `relu6(x + 3) / 6`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Hardsigmoid().call(tensor([0])); // tensor([0.5000])
 * ```
 */
export class Hardsigmoid extends Module {
  /** PyTorch's `inplace`: accepted (PyTorch does not print it); the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)` or `{ inplace }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = inplaceArg('Hardsigmoid', rest);
  }
  forward(x: Tensor): Tensor {
    return F.hardsigmoid(x);
  }
}

/**
 * `x · relu6(x + 3) / 6` (MobileNetV3).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Hardswish().call(tensor([4])); // tensor([4.])
 * ```
 */
export class Hardswish extends Module {
  /** PyTorch's `inplace`: accepted (PyTorch does not print it); the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)` or `{ inplace }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = inplaceArg('Hardswish', rest);
  }
  forward(x: Tensor): Tensor {
    return F.hardswish(x);
  }
}

/**
 * `log(sigmoid(x))`, stable for large |x|.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.LogSigmoid().call(tensor([0])); // tensor([-0.6931])
 * ```
 */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.logsigmoid(x);
  }
}

/**
 * `x / (1 + |x|)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Softsign().call(tensor([1])); // tensor([0.5000])
 * ```
 */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

/**
 * `scale · elu(x, alpha)` with SELU's constants.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.SELU().call(tensor([1])); // tensor([1.0507])
 * ```
 */
export class SELU extends Module {
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)` or `{ inplace }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = inplaceArg('SELU', rest);
  }
  forward(x: Tensor): Tensor {
    return F.selu(x);
  }
  protected override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * `x` where positive, `alpha·(e^(x/alpha) − 1)` elsewhere.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.CELU(2).call(tensor([-1, 1])); // tensor([-0.7869,  1.0000])
 * ```
 */
export class CELU extends Module {
  readonly alpha: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(alpha, inplace)` or `{ alpha, inplace }`. */
  constructor(...rest: Positional<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    const o = checkOptions('CELU', foldPositional('CELU', rest, [num('alpha'), bool('inplace')]) as { alpha?: number; inplace?: boolean }, ['alpha', 'inplace']);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha);
  }
  protected override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * `x · tanh(softplus(x))`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Mish().call(tensor([1])); // tensor([0.8651])
 * ```
 */
export class Mish extends Module {
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)` or `{ inplace }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = inplaceArg('Mish', rest);
  }
  forward(x: Tensor): Tensor {
    return F.mish(x);
  }
  protected override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * The gated linear unit over `dim` (default the last): halves `a`, `b`, `a · sigmoid(b)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.GLU().call(tensor([[1, 2, 0, 0]])); // tensor([[0.5000, 1.0000]])
 * ```
 */
export class GLU extends Module {
  readonly dim: number;
  /** PyTorch's `(dim)` or `{ dim }`. */
  constructor(...rest: Positional<[dim: number], { dim?: number }>) {
    super();
    const o = checkOptions('GLU', foldPositional('GLU', rest, [num('dim')]) as { dim?: number }, ['dim']);
    this.dim = checkDim('GLU', o.dim ?? -1)!;
  }
  forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * `softmax(−x)` along `dim` (PyTorch's implicit choice when `dim` is null).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Softmin(1).call(tensor([[0, 0]])); // tensor([[0.5000, 0.5000]])
 * ```
 */
export class Softmin extends Module {
  readonly dim: number | null;
  /** PyTorch's `(dim)` or `{ dim }`. */
  constructor(...rest: Positional<[dim: number | null], { dim?: number | null }>) {
    super();
    const o = checkOptions('Softmin', foldPositional('Softmin', rest, [numOrNull('dim')]) as { dim?: number | null }, ['dim']);
    this.dim = checkDim('Softmin', o.dim ?? null);
  }
  forward(x: Tensor): Tensor {
    return F.softmin(x, softmaxDim(this.dim, x));
  }
  protected override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/**
 * `value` where `x <= threshold`, `x` elsewhere.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Threshold(0.1, 20).call(tensor([0, 1])); // tensor([20.,  1.])
 * ```
 */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor. */
  readonly inplace: boolean;
  /** PyTorch's `(threshold, value, inplace)`, or `(threshold, value, { inplace })`. */
  constructor(threshold: number, value: number, ...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`Threshold: threshold must be a number, got ${String(threshold)}`);
    if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`Threshold: value must be a number, got ${String(value)}`);
    this.threshold = threshold;
    this.value = value;
    this.inplace = inplaceArg('Threshold', rest);
  }
  forward(x: Tensor): Tensor {
    return F.threshold(x, this.threshold, this.value);
  }
  protected override extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * `x` where positive, `weight·x` elsewhere, with a learnt slope per channel (`numParameters`
 * of them, or one shared; all start at `init`, default 0.25).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.PReLU().call(tensor([-4, 2])); // tensor([-1.,  2.])
 * ```
 */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly weight: Tensor;
  /** PyTorch's `(numParameters, init)` or `{ numParameters, init }`. */
  constructor(...rest: Positional<[numParameters: number, init: number], { numParameters?: number; init?: number }>) {
    super();
    const o = checkOptions('PReLU', foldPositional('PReLU', rest, [num('numParameters'), num('init')]) as { numParameters?: number; init?: number }, ['numParameters', 'init']);
    const n = o.numParameters ?? 1, init = o.init ?? 0.25;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`PReLU: numParameters must be a positive integer, got ${String(n)}`);
    if (Number.isNaN(init)) throw new TypeError('PReLU: init must be a number, got NaN');
    this.numParameters = n;
    this.weight = new Parameter(full([n], init));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  protected override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** A shrink module's `lambd`: PyTorch's `(lambd)` or `{ lambd }`, default 0.5. */
function lambdOption(name: string, rest: Positional<[lambd: number], { lambd?: number }>): number {
  return fnOptions<{ lambd?: number }>(name, rest, [num('lambd')]).lambd ?? 0.5;
}

/**
 * `x` where `|x| > lambd`, else 0 (`F.hardshrink`).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Hardshrink().call(tensor([0.3, 2])); // tensor([0., 2.])
 * ```
 */
export class Hardshrink extends Module {
  readonly lambd: number;
  /** PyTorch's `(lambd)` or `{ lambd }` (default 0.5). */
  constructor(...rest: Positional<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = lambdOption('Hardshrink', rest);
  }
  forward(x: Tensor): Tensor {
    return F.hardshrink(x, this.lambd);
  }
  protected override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/**
 * `x ∓ lambd` outside `[−lambd, lambd]`, else 0 (`F.softshrink`).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Softshrink().call(tensor([0.3, 2])); // tensor([0.0000, 1.5000])
 * ```
 */
export class Softshrink extends Module {
  readonly lambd: number;
  /** PyTorch's `(lambd)` or `{ lambd }` (default 0.5). */
  constructor(...rest: Positional<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = lambdOption('Softshrink', rest);
  }
  forward(x: Tensor): Tensor {
    return F.softshrink(x, this.lambd);
  }
  protected override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/**
 * `x − tanh(x)` (`F.tanhshrink`).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Tanhshrink().call(tensor([1])); // tensor([0.2384])
 * ```
 */
export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor {
    return F.tanhshrink(x);
  }
}

/**
 * Softmax over the channels of `[N, C, H, W]` or `[C, H, W]` (dim −3), PyTorch's `Softmax2d`.
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * new nn.Softmax2d().call(zeros([1, 2, 1, 1])); // tensor([[[[0.5000]], [[0.5000]]]])
 * ```
 */
export class Softmax2d extends Module {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`Softmax2d: requires a 3D or 4D tensor as input, got ${x.ndim}D`);
    return F.softmax(x, -3);
  }
}

/** `nn.RReLU`'s options: PyTorch's keywords, and the generator of the training-time slopes. */
export interface RReLUModuleOptions {
  /** The smallest slope (default 1/8). */
  lower?: number;
  /** The largest slope (default 1/3). */
  upper?: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  inplace?: boolean;
  generator?: Generator;
}

/**
 * Randomized leaky ReLU (`F.rrelu`): a random slope in `[lower, upper]` per element `x <= 0`
 * while `training`, the mean slope after `eval()`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const m = new nn.RReLU(0.1, 0.3);
 * m.eval();
 * m.call(tensor([-1, 2])); // tensor([-0.2000, 2.0000])
 * ```
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  readonly inplace: boolean;
  private readonly generator: Generator | undefined;
  /** PyTorch's `(lower, upper, inplace)` or `{ lower, upper, inplace, generator }`. */
  constructor(...rest: Positional<[lower: number, upper: number, inplace: boolean], RReLUModuleOptions>) {
    super();
    const o = fnOptions<RReLUModuleOptions>('RReLU', rest, [num('lower'), num('upper'), bool('inplace')], ['generator']);
    this.lower = o.lower ?? 1 / 8;
    this.upper = o.upper ?? 1 / 3;
    this.inplace = o.inplace ?? false;
    this.generator = o.generator;
    for (const [k, v] of [['lower', this.lower], ['upper', this.upper]] as const) if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`RReLU: ${k} must be a number, got ${String(v)}`);
    if (!(this.lower <= this.upper)) throw new RangeError(`RReLU: Lower bound should be less than or equal to the upper bound, got lower ${this.lower} and upper ${this.upper}`);
  }
  forward(x: Tensor): Tensor {
    return F.rrelu(x, this.lower, this.upper, this.training, this.generator ? { generator: this.generator } : {});
  }
  protected override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${this.inplace ? ', inplace=True' : ''}`;
  }
}
