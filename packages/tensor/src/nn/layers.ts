import { uniform } from '../ops/creation.js';
import * as F from '../ops/nn/index.js';
import { dropoutProbability } from '../ops/nn/dropout.js';
import { gelu, relu, sigmoid, tanh } from '../ops/unary.js';
import { checkOptions } from '../options.js';
import { describe } from '../ops/util.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { Module, Parameter } from './module.js';
import { childAt, indexable } from './container.js';
import { bool, fnOptions, foldPositional, intOrTuple, num, type Positional, type PositionalParam } from '../call-forms.js';

/** Options shared by layers with randomly initialised parameters. */
export interface InitOptions {
  /** Draw the initial parameters from this generator (default: the global one). */
  generator?: Generator;
}

export interface LinearOptions extends InitOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

export interface Conv2dOptions extends InitOptions, F.Conv2dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

export interface Conv1dOptions extends InitOptions, F.Conv1dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/** @internal Python's `repr` of a bool. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');
const pyPair = (p: readonly [number, number]): string => `(${p[0]}, ${p[1]})`;
/** @internal Python's `repr` of a float: `1.0`, `0.1`, `1e-05`. */
export function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  if (v !== 0 && Number.isFinite(v) && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

export function checkCount(op: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${arg} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

export function checkPair(op: string, arg: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? (v as unknown[]) : null;
  if (p === null || !p.every((k) => typeof k === 'number' && Number.isInteger(k) && k >= min)) {
    throw new RangeError(`${op}: ${arg} must be an integer >= ${min} or a pair of them, got ${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

/** @internal PyTorch's default init of weight and bias: U(-1/√fan_in, 1/√fan_in) (kaiming_uniform, a=√5). */
export function initUniform(shape: readonly number[], fanIn: number, generator: Generator | undefined): Parameter {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return new Parameter(uniform(shape, -bound, bound, generator ? { generator } : {}));
}

/**
 * `y = x Wᵀ + b` with `weight` `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, both
 * initialised U(-1/√in, 1/√in) as PyTorch.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const fc = new nn.Linear(3, 2);
 * fc.call(randn([5, 3])).shape; // [5, 2]
 * String(fc);                   // 'Linear(in_features=3, out_features=2, bias=True)'
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** An `nn.Parameter`; assign another one to tie weights (`decoder.weight = encoder.weight`). */
  weight: Tensor;
  bias: Tensor | null;

  /** PyTorch's order: `new nn.Linear(a, b, false)` or `new nn.Linear(a, b, { bias: false })`. */
  constructor(inFeatures: number, outFeatures: number, ...rest: Positional<[bias: boolean], LinearOptions>) {
    super();
    const options = checkOptions('Linear', foldPositional('Linear', rest, [bool('bias')]) as LinearOptions, ['bias', 'generator']);
    this.inFeatures = checkCount('Linear', 'inFeatures', inFeatures, 0);
    this.outFeatures = checkCount('Linear', 'outFeatures', outFeatures, 0);
    this.weight = this.registerParameter('weight', initUniform([outFeatures, inFeatures], inFeatures, options.generator));
    this.bias = options.bias ?? true ? this.registerParameter('bias', initUniform([outFeatures], inFeatures, options.generator)) : null;
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

const CONV_PARAMS: readonly PositionalParam[] = [
  intOrTuple('stride'),
  { name: 'padding', is: (v) => typeof v === 'number' || typeof v === 'string' || Array.isArray(v), expected: "an integer, a tuple of them, 'same' or 'valid'" },
  intOrTuple('dilation'),
  num('groups'),
  bool('bias'),
];
type Pair = number | readonly [number, number];
type Conv2dPositional = [stride: Pair, padding: Pair | 'same' | 'valid', dilation: Pair, groups: number, bias: boolean];
type Single = number | readonly [number];
type Conv1dPositional = [stride: Single, padding: Single | 'same' | 'valid', dilation: Single, groups: number, bias: boolean];

/**
 * 2-D convolution layer: `weight` `[outChannels, inChannels/groups, kh, kw]`, `bias`
 * `[outChannels]`, initialised U(-1/√fan_in, 1/√fan_in) with fan_in = inChannels/groups·kh·kw,
 * as PyTorch. Options as `F.conv2d` (`stride`, `padding` incl. `'same'`/`'valid'`, `dilation`,
 * `groups`) plus `bias` and `generator`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
 * conv.call(randn([2, 3, 16, 16])).shape; // [2, 8, 16, 16]
 * new nn.Conv2d(4, 8, 3, { padding: 'same', dilation: 2, groups: 2 }).call(randn([1, 4, 9, 9])).shape; // [1, 8, 9, 9]
 * ```
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  /** An `nn.Parameter`; assign another one to tie weights (`decoder.weight = encoder.weight`). */
  weight: Tensor;
  bias: Tensor | null;

  /** PyTorch's order: `(in, out, kernelSize, stride, padding, dilation, groups, bias)`, then an options bag for the rest. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number, number], ...rest: Positional<Conv2dPositional, Conv2dOptions>) {
    super();
    const options = checkOptions('Conv2d', foldPositional('Conv2d', rest, CONV_PARAMS) as Conv2dOptions, ['stride', 'padding', 'dilation', 'groups', 'bias', 'generator']);
    this.inChannels = checkCount('Conv2d', 'inChannels', inChannels, 1);
    this.outChannels = checkCount('Conv2d', 'outChannels', outChannels, 1);
    this.kernelSize = checkPair('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = checkPair('Conv2d', 'stride', options.stride ?? 1, 1);
    const pad = options.padding ?? 0;
    this.padding = pad === 'same' || pad === 'valid' ? pad : checkPair('Conv2d', 'padding', pad, 0);
    this.dilation = checkPair('Conv2d', 'dilation', options.dilation ?? 1, 1);
    this.groups = checkGroups('Conv2d', options.groups ?? 1, inChannels, outChannels);
    if (pad === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new RangeError("Conv2d: padding='same' is not supported for strided convolutions");
    const [kh, kw] = this.kernelSize;
    const fanIn = (inChannels / this.groups) * kh * kw;
    this.weight = this.registerParameter('weight', initUniform([outChannels, inChannels / this.groups, kh, kw], fanIn, options.generator));
    this.bias = options.bias ?? true ? this.registerParameter('bias', initUniform([outChannels], fanIn, options.generator)) : null;
  }

  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyPair(this.kernelSize)}, stride=${pyPair(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyPair(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyPair(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

export function checkGroups(op: string, groups: unknown, inChannels: number, outChannels: number): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  if (inChannels % groups !== 0) throw new RangeError(`${op}: inChannels must be divisible by groups, got ${inChannels} and ${groups}`);
  if (outChannels % groups !== 0) throw new RangeError(`${op}: outChannels must be divisible by groups, got ${outChannels} and ${groups}`);
  return groups;
}

export function checkSingle(op: string, arg: string, v: unknown, min: number): number {
  const k = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < min) throw new RangeError(`${op}: ${arg} must be an integer >= ${min}, got ${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`);
  return k;
}

/**
 * 1-D convolution layer over `[N, C, L]`: `weight` `[outChannels, inChannels/groups, k]`,
 * initialised as PyTorch (U(-1/√fan_in, 1/√fan_in), fan_in = inChannels/groups·k).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.Conv1d(3, 8, 5, { padding: 2 }).call(randn([2, 3, 20])).shape; // [2, 8, 20]
 * ```
 */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;
  /** An `nn.Parameter`; assign another one to tie weights (`decoder.weight = encoder.weight`). */
  weight: Tensor;
  bias: Tensor | null;

  /** PyTorch's order: `(in, out, kernelSize, stride, padding, dilation, groups, bias)`, then an options bag for the rest. */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], ...rest: Positional<Conv1dPositional, Conv1dOptions>) {
    super();
    const op = 'Conv1d';
    const options = checkOptions(op, foldPositional(op, rest, CONV_PARAMS) as Conv1dOptions, ['stride', 'padding', 'dilation', 'groups', 'bias', 'generator']);
    this.inChannels = checkCount(op, 'inChannels', inChannels, 1);
    this.outChannels = checkCount(op, 'outChannels', outChannels, 1);
    this.kernelSize = checkSingle(op, 'kernelSize', kernelSize, 1);
    this.stride = checkSingle(op, 'stride', options.stride ?? 1, 1);
    const pad = options.padding ?? 0;
    this.padding = pad === 'same' || pad === 'valid' ? pad : checkSingle(op, 'padding', pad, 0);
    this.dilation = checkSingle(op, 'dilation', options.dilation ?? 1, 1);
    this.groups = checkGroups(op, options.groups ?? 1, inChannels, outChannels);
    if (pad === 'same' && this.stride !== 1) throw new RangeError("Conv1d: padding='same' is not supported for strided convolutions");
    const fanIn = (inChannels / this.groups) * this.kernelSize;
    this.weight = this.registerParameter('weight', initUniform([outChannels, inChannels / this.groups, this.kernelSize], fanIn, options.generator));
    this.bias = options.bias ?? true ? this.registerParameter('bias', initUniform([outChannels], fanIn, options.generator)) : null;
  }

  forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize},), stride=(${this.stride},)`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding !== 0) s += `, padding=(${this.padding},)`;
    if (this.dilation !== 1) s += `, dilation=(${this.dilation},)`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/** `nn.MaxPool2d`'s options: `F.maxPool2d`'s, `stride` also null (the kernel size). */
export interface MaxPool2dModuleOptions<R extends boolean = boolean> extends Omit<F.MaxPool2dOptions, 'stride' | 'returnIndices'> {
  stride?: Pair | null;
  /** `forward` also returns the argmax indices (`[values, indices]`), for `nn.MaxUnpool2d`. */
  returnIndices?: R;
}

/**
 * 2-D max pooling (stride defaults to the kernel size). With `returnIndices`, `call` returns
 * `[values, indices]` (typed so when `returnIndices` is the literal `true`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.MaxPool2d(2).call(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * const [values, indices] = new nn.MaxPool2d(2, { returnIndices: true }).call(randn([1, 3, 8, 8]));
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends Module {
  readonly kernelSize: number | readonly [number, number];
  readonly stride: number | readonly [number, number];
  readonly padding: number | readonly [number, number];
  readonly dilation: number | readonly [number, number];
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  /**
   * PyTorch's order: `(kernelSize, stride, padding, dilation, returnIndices, ceilMode)`, then an
   * options bag; `stride` null means the kernel size.
   */
  constructor(kernelSize: number | readonly [number, number], ...rest: Positional<[stride: Pair | null, padding: Pair, dilation: Pair, returnIndices: R, ceilMode: boolean], MaxPool2dModuleOptions<R>>) {
    super();
    const folded = foldPositional('MaxPool2d', rest, [
      { name: 'stride', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer, a tuple of them or null' },
      intOrTuple('padding'), intOrTuple('dilation'), bool('returnIndices'), bool('ceilMode'),
    ]);
    const options = checkOptions('MaxPool2d', folded as MaxPool2dModuleOptions<R>, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    if (options.returnIndices !== undefined && typeof options.returnIndices !== 'boolean') throw new TypeError(`MaxPool2d: returnIndices must be a boolean, got ${String(options.returnIndices)}`);
    if (options.ceilMode !== undefined && typeof options.ceilMode !== 'boolean') throw new TypeError(`MaxPool2d: ceilMode must be a boolean, got ${String(options.ceilMode)}`);
    this.ceilMode = options.ceilMode ?? false;
    this.returnIndices = (options.returnIndices ?? false) as R;
    const k = checkPair('MaxPool2d', 'kernelSize', kernelSize, 1);
    const p = checkPair('MaxPool2d', 'padding', options.padding ?? 0, 0);
    checkPair('MaxPool2d', 'stride', options.stride ?? kernelSize, 1);
    checkPair('MaxPool2d', 'dilation', options.dilation ?? 1, 1);
    const stride = options.stride ?? kernelSize;
    if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new RangeError(`MaxPool2d: padding [${p}] should be at most half of the kernel size [${k}]`);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
  }

  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices }) as R extends true ? [Tensor, Tensor] : Tensor;
  }

  protected override extraRepr(): string {
    const r = (v: number | readonly [number, number]): string => (typeof v === 'number' ? String(v) : pyPair(v));
    return `kernel_size=${r(this.kernelSize)}, stride=${r(this.stride)}, padding=${r(this.padding)}, dilation=${r(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * `max(x, 0)`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.ReLU().call(tensor([-1, 2])); // tensor([0., 2.])
 * ```
 */
export class ReLU extends Module {
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  readonly inplace: boolean;
  /** PyTorch's `(inplace)`: `new nn.ReLU(true)` (DCGAN's) or `{ inplace: true }`. */
  constructor(...rest: Positional<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = checkOptions('ReLU', foldPositional('ReLU', rest, [bool('inplace')]) as { inplace?: boolean }, ['inplace']).inplace ?? false;
  }
  protected override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * Hyperbolic tangent.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Tanh().call(tensor([0])); // tensor([0.])
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * Logistic sigmoid.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.Sigmoid().call(tensor([0])); // tensor([0.5000])
 * ```
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * GELU, exact form `x·Φ(x)` (PyTorch's `approximate='none'`), or its tanh approximation with
 * `new nn.GELU('tanh')` / `{ approximate: 'tanh' }` (GPT-2's).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.GELU().call(tensor([1])); // tensor([0.8413])
 * new nn.GELU('tanh').call(tensor([1])); // tensor([0.8412])
 * ```
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  /** PyTorch's `(approximate)` or `{ approximate }`: `'none'` (default) or `'tanh'`. */
  constructor(...rest: Positional<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    const o = checkOptions('GELU', foldPositional('GELU', rest, [{ name: 'approximate', is: (v) => typeof v === 'string', expected: 'a string' }]) as { approximate?: 'none' | 'tanh' }, ['approximate']);
    const approximate = o.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  protected override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export interface DropoutOptions extends InitOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** PyTorch's `inplace`: accepted and printed; the result is a new tensor either way. */
  inplace?: boolean;
}

/**
 * What PyTorch's `_DropoutNd` holds for every dropout layer: `p`, `inplace` (accepted and
 * printed; the result is a new tensor, the input is not overwritten) and a generator, from
 * PyTorch's `(p, inplace)` or a bag, checked at construction.
 */
abstract class DropoutBase extends Module {
  readonly p: number;
  /** PyTorch's `inplace`: accepted, and printed; the result is a new tensor (the input is not overwritten). */
  readonly inplace: boolean;
  protected readonly generator: Generator | undefined;

  constructor(name: string, rest: Positional<[p: number, inplace: boolean], DropoutOptions>, what: string) {
    super();
    const options = fnOptions<DropoutOptions>(name, rest, [num('p'), bool('inplace')], ['generator']);
    this.inplace = options.inplace ?? false;
    this.p = dropoutProbability(name, options.p ?? 0.5, what);
    this.generator = options.generator;
  }

  protected override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Dropout with probability `p` while `training`; the identity after `eval()`.
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * const d = new nn.Dropout(0.5);
 * d.call(ones([4]));        // entries 0 or 2
 * d.eval().call(ones([4])); // ones
 * ```
 */
export class Dropout extends DropoutBase {
  /** PyTorch's `(p)`: `new nn.Dropout(0.2)` or `new nn.Dropout({ p: 0.2 })`. */
  constructor(...rest: Positional<[p: number, inplace: boolean], DropoutOptions>) {
    super('Dropout', rest, 'probability');
  }

  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.generator);
  }
}

/**
 * Channel dropout: zeroes whole `[n, c]` planes with probability `p` while `training` (see
 * `F.dropout2d`); the identity after `eval()`.
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * new nn.Dropout2d(0.5).call(ones([2, 3, 4, 4])).shape; // [2, 3, 4, 4]
 * ```
 */
export class Dropout2d extends DropoutBase {
  /** PyTorch's `(p)`: `new nn.Dropout2d(0.2)` or `new nn.Dropout2d({ p: 0.2 })`. */
  constructor(...rest: Positional<[p: number, inplace: boolean], DropoutOptions>) {
    super('Dropout2d', rest, 'probability');
  }

  forward(x: Tensor): Tensor {
    return F.dropout2d(x, this.p, this.training, this.generator);
  }
}

/**
 * Alpha dropout for SELU networks (`F.alphaDropout`) while `training`; the identity after `eval()`.
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AlphaDropout(0.2).call(randn([1000])).std(); // about 1
 * ```
 */
export class AlphaDropout extends DropoutBase {
  /** PyTorch's `(p, inplace)`: `new nn.AlphaDropout(0.2)` or `new nn.AlphaDropout({ p: 0.2 })`. */
  constructor(...rest: Positional<[p: number, inplace: boolean], DropoutOptions>) {
    super('AlphaDropout', rest, 'dropout probability');
  }

  forward(x: Tensor): Tensor {
    return F.alphaDropout(x, this.p, this.training, this.generator ? { generator: this.generator } : {});
  }
}

/**
 * Returns its input unchanged (PyTorch's `nn.Identity`; constructor arguments are ignored).
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * const x = ones([2]);
 * new nn.Identity().call(x) === x; // true
 * ```
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Flattens dims `startDim..endDim` (default: all but the batch dim).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * new nn.Flatten().call(zeros([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  /** PyTorch's `(startDim, endDim)`, or `{ startDim, endDim }`. */
  constructor(...rest: Positional<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    const o = checkOptions('Flatten', foldPositional('Flatten', rest, [num('startDim'), num('endDim')]) as { startDim?: number; endDim?: number }, ['startDim', 'endDim']);
    const startDim = o.startDim ?? 1;
    const endDim = o.endDim ?? -1;
    this.startDim = startDim;
    this.endDim = endDim;
    for (const [arg, v] of [['startDim', startDim], ['endDim', endDim]] as const) {
      if (!Number.isInteger(v)) throw new RangeError(`Flatten: ${arg} must be an integer, got ${String(v)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1), as PyTorch's `nn.Unflatten`:
 * the inverse of `nn.Flatten`.
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * new nn.Unflatten(1, [2, 5, 5]).call(zeros([3, 50])).shape; // [3, 2, 5, 5]
 * new nn.Unflatten(-1, [-1, 4]).call(zeros([3, 8])).shape;   // [3, 2, 4]
 * ```
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  /** PyTorch's `(dim, unflattened_size)`. */
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new TypeError(`Unflatten: dim must be an integer, got ${String(dim)}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((v) => Number.isInteger(v) && (v >= 0 || v === -1))) {
      throw new TypeError(`Unflatten: unflattenedSize must be a non-empty array of sizes (one may be -1), got ${Array.isArray(unflattenedSize) ? `[${unflattenedSize.join(',')}]` : String(unflattenedSize)}`);
    }
    if (unflattenedSize.filter((v) => v === -1).length > 1) throw new RangeError(`Unflatten: only one dimension can be inferred, got [${unflattenedSize.join(',')}]`);
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    const nd = x.ndim;
    if (this.dim < -nd || this.dim >= nd) throw new RangeError(`Unflatten: Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${this.dim})`);
    const d = this.dim < 0 ? this.dim + nd : this.dim, n = x.shape[d]!;
    const known = this.unflattenedSize.reduce((a, v) => (v === -1 ? a : a * v), 1);
    const sizes = this.unflattenedSize.map((v) => (v === -1 && known > 0 ? n / known : v));
    if (!sizes.every((v) => Number.isInteger(v)) || sizes.reduce((a, v) => a * v, 1) !== n) {
      throw new RangeError(`Unflatten: Provided sizes [${this.unflattenedSize.join(', ')}] don't multiply up to the size of dim ${this.dim} (${n}) in the input tensor ${`[${x.shape.join(',')}]`}`);
    }
    return x.reshape([...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(', ')}${this.unflattenedSize.length === 1 ? ',' : ''})`;
  }
}

/**
 * Runs modules in order; children are named `'0'`, `'1'`, ... (so parameters are `0.weight`, ...).
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const mlp = new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Linear(10, 4));
 * mlp.call(randn([2, 6])).shape; // [2, 4]
 * ```
 */
export class Sequential extends Module {
  /** `seq[i]`: the module at index i (negative counts from the end), as PyTorch's indexing. */
  readonly [index: number]: Module | undefined;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
    return indexable(this);
  }

  /** Appends a module at the end (named by its index); returns this. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    return childAt('Sequential', this.children(), index);
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.children()) y = m.call(y);
    return y;
  }
}
