/**
 * Weight initialisers with PyTorch's `torch.nn.init` semantics and fan computations, exported
 * as `nn.init`. Each fills its tensor in place (without recording a graph) and returns it.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const fc = new nn.Linear(256, 128);
 * nn.init.kaimingNormal_(fc.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * nn.init.zeros_(fc.bias!);
 * ```
 */
import { noGrad } from '../autograd.js';
import { randn, uniform } from '../ops/creation.js';
import { describe } from '../ops/util.js';
import { checkOptions } from '../options.js';
import type { Generator } from '../random.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';

/** The nonlinearities `calculateGain` knows (PyTorch's names; camelCase spellings also accepted). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

export interface GeneratorOption {
  /** Draw from this generator (default: the global one). */
  generator?: Generator;
}

function target(fn: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: tensor must be a Tensor, got ${describe(t)}`);
  return t;
}

function fill(t: Tensor, values: Tensor): Tensor {
  noGrad(() => t.copy_(values));
  return t;
}

const genOf = (o: GeneratorOption): GeneratorOption => (o.generator ? { generator: o.generator } : {});

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear, conv and
 * sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky_relu (slope `param`, default
 * 0.01), 3/4 for selu.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * nn.init.calculateGain('relu');           // 1.4142135623730951
 * nn.init.calculateGain('leaky_relu', 0.2);
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope)) throw new TypeError(`calculateGain: negative_slope ${String(slope)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * PyTorch's `_calculate_fan_in_and_fan_out`: for a weight `[out, in, *kernel]`, fan_in =
 * in·∏kernel and fan_out = out·∏kernel. Needs at least 2 dims.
 *
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.calculateFanInAndFanOut(zeros([32, 16, 3, 3])); // [144, 288]
 * ```
 */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const t = target('calculateFanInAndFanOut', tensor);
  if (t.ndim < 2) throw new RangeError(`calculateFanInAndFanOut: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape ${fmt(t.shape)})`);
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i]!;
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/**
 * Fills with U(a, b).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.uniform_(zeros([3, 4]), -0.1, 0.1);
 * ```
 */
export function uniform_(tensor: Tensor, a = 0, b = 1, options: GeneratorOption = {}): Tensor {
  checkOptions('uniform_', options, ['generator']);
  const t = target('uniform_', tensor);
  if (typeof a !== 'number' || typeof b !== 'number' || !(a <= b)) throw new RangeError(`uniform_: expects a <= b, got a ${String(a)}, b ${String(b)}`);
  return fill(t, uniform(t.shape, a, b, genOf(options)));
}

/**
 * Fills with N(mean, std²).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.normal_(zeros([3, 4]), 0, 0.02);
 * ```
 */
export function normal_(tensor: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  checkOptions('normal_', options, ['generator']);
  const t = target('normal_', tensor);
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new RangeError(`normal_: mean must be a finite number, got ${String(mean)}`);
  if (typeof std !== 'number' || !(std >= 0)) throw new RangeError(`normal_: std must be a non-negative number, got ${String(std)}`);
  return fill(t, randn(t.shape, genOf(options)).mul(std).add(mean));
}

/**
 * Fills with `val`.
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.constant_(zeros([2]), 0.5); // tensor([0.5000, 0.5000])
 * ```
 */
export function constant_(tensor: Tensor, val: number): Tensor {
  const t = target('constant_', tensor);
  if (typeof val !== 'number') throw new TypeError(`constant_: val must be a number, got ${describe(val)}`);
  noGrad(() => t.fill_(val));
  return t;
}

/**
 * Fills with zeros.
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * nn.init.zeros_(ones([2])); // tensor([0., 0.])
 * ```
 */
export function zeros_(tensor: Tensor): Tensor {
  return constant_(target('zeros_', tensor), 0);
}

/**
 * Fills with ones.
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.ones_(zeros([2])); // tensor([1., 1.])
 * ```
 */
export function ones_(tensor: Tensor): Tensor {
  return constant_(target('ones_', tensor), 1);
}

export interface XavierOptions extends GeneratorOption {
  /** Scale (default 1), e.g. `calculateGain('tanh')`. */
  gain?: number;
}

function xavierStd(fn: string, t: Tensor, options: XavierOptions): number {
  checkOptions(fn, options, ['gain', 'generator']);
  const gain = options.gain ?? 1;
  if (typeof gain !== 'number' || !Number.isFinite(gain)) throw new RangeError(`${fn}: gain must be a finite number, got ${String(gain)}`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot uniform: U(-a, a) with a = gain·√(6/(fan_in + fan_out)).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.xavierUniform_(zeros([64, 32]), { gain: nn.init.calculateGain('tanh') });
 * ```
 */
export function xavierUniform_(tensor: Tensor, options: XavierOptions = {}): Tensor {
  const t = target('xavierUniform_', tensor);
  const a = Math.sqrt(3) * xavierStd('xavierUniform_', t, options);
  return fill(t, uniform(t.shape, -a, a, genOf(options)));
}

/**
 * Glorot normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.xavierNormal_(zeros([64, 32]));
 * ```
 */
export function xavierNormal_(tensor: Tensor, options: XavierOptions = {}): Tensor {
  const t = target('xavierNormal_', tensor);
  const std = xavierStd('xavierNormal_', t, options);
  return fill(t, randn(t.shape, genOf(options)).mul(std));
}

export interface KaimingOptions extends GeneratorOption {
  /** The negative slope of the following leaky_relu (default 0). */
  a?: number;
  /** `'fan_in'` (default: preserves the forward variance) or `'fan_out'` (the backward's). */
  mode?: 'fan_in' | 'fan_out';
  /** Default `'leaky_relu'`, as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(fn: string, t: Tensor, options: KaimingOptions): number {
  checkOptions(fn, options, ['a', 'mode', 'nonlinearity', 'generator']);
  const mode = options.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`${fn}: mode ${JSON.stringify(mode)} not supported, please use one of 'fan_in', 'fan_out'`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) return 0; // PyTorch warns "Initializing zero-element tensors is a no-op"
  return calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * He uniform: U(-b, b) with b = gain·√(3/fan), gain from `nonlinearity` and `a`. PyTorch's own
 * default for Linear/Conv is this with `a: √5`, i.e. U(-1/√fan_in, 1/√fan_in).
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.kaimingUniform_(zeros([64, 32]), { a: Math.sqrt(5) });
 * ```
 */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const t = target('kaimingUniform_', tensor);
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
  return fill(t, uniform(t.shape, -bound, bound, genOf(options)));
}

/**
 * He normal: N(0, std²) with std = gain/√fan.
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * nn.init.kaimingNormal_(zeros([16, 3, 3, 3]), { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const t = target('kaimingNormal_', tensor);
  const std = kaimingStd('kaimingNormal_', t, options);
  return fill(t, randn(t.shape, genOf(options)).mul(std));
}
