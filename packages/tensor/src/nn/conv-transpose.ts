import { bool, foldPositional, intOrTuple, num, type Positional, type PositionalParam } from '../call-forms.js';
import { ShapeError } from '../errors.js';
import * as F from '../ops/nn/index.js';
import { transposedSize } from '../ops/nn/conv-transpose.js';
import { checkOptions } from '../options.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkCount, checkGroups, checkPair, checkSingle, initUniform, type InitOptions } from './layers.js';
import { Module } from './module.js';

type Pair = number | readonly [number, number];
type Single = number | readonly [number];

export interface ConvTranspose2dModuleOptions extends InitOptions, F.ConvTranspose2dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Only `'zeros'`, as PyTorch's transposed convolutions. */
  paddingMode?: 'zeros';
}

export interface ConvTranspose1dModuleOptions extends InitOptions, F.ConvTranspose1dOptions {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Only `'zeros'`, as PyTorch's transposed convolutions. */
  paddingMode?: 'zeros';
}

// PyTorch's order after kernel_size: stride, padding, output_padding, groups, bias, dilation, padding_mode.
const PARAMS: readonly PositionalParam[] = [
  intOrTuple('stride'), intOrTuple('padding'), intOrTuple('outputPadding'), num('groups'), bool('bias'), intOrTuple('dilation'),
  { name: 'paddingMode', is: (v) => typeof v === 'string', expected: 'a string' },
];
const KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode', 'generator'] as const;
/** PyTorch's padding modes of the (non-transposed) convolutions, which its transposed ones refuse. */
const OTHER_PADDING_MODES: readonly unknown[] = ['reflect', 'replicate', 'circular'];

function checkPaddingMode(op: string, mode: unknown): 'zeros' {
  if (mode === undefined || mode === 'zeros') return 'zeros';
  if (!OTHER_PADDING_MODES.includes(mode)) {
    throw new RangeError(`${op}: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got paddingMode=${JSON.stringify(mode)}`);
  }
  throw new RangeError(`${op}: Only "zeros" padding mode is supported for ${op}, got paddingMode=${JSON.stringify(mode)}`);
}

/**
 * PyTorch's `_output_padding`: the output padding that gives `outputSize` (spatial sizes, or
 * with the leading batch/channel dims), checked against the sizes the layer can produce.
 */
function outputPaddingFor(op: string, x: Tensor, outputSize: readonly number[], k: number[], stride: number[], padding: number[], dilation: number[]): number[] {
  const dims = k.length;
  if (!Array.isArray(outputSize) || !outputSize.every((v) => Number.isInteger(v))) throw new TypeError(`${op}.forward: outputSize must be an array of integers, got ${String(outputSize)}`);
  const nonSpatial = x.ndim === dims + 2 ? 2 : 1;
  const size = outputSize.length === nonSpatial + dims ? outputSize.slice(nonSpatial) : [...outputSize];
  if (size.length !== dims) {
    throw new RangeError(`${op}: for ${x.ndim}D input, output_size must have ${dims} or ${nonSpatial + dims} elements (got ${outputSize.length})`);
  }
  const spatial = x.shape.slice(x.ndim - dims);
  const min = spatial.map((n, d) => transposedSize(n, k[d]!, stride[d]!, padding[d]!, dilation[d]!));
  const max = min.map((m, d) => m + stride[d]! - 1);
  if (size.some((s, d) => s < min[d]! || s > max[d]!)) {
    throw new ShapeError(`${op}: requested an output size of ${fmt(size)}, but valid sizes range from ${fmt(min)} to ${fmt(max)} (for an input of ${fmt(spatial)})`);
  }
  return size.map((s, d) => s - min[d]!);
}

const tuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

function repr(m: { inChannels: number; outChannels: number; groups: number; bias: Tensor | null }, k: number[], stride: number[], padding: number[], dilation: number[], outputPadding: number[]): string {
  let s = `${m.inChannels}, ${m.outChannels}, kernel_size=${tuple(k)}, stride=${tuple(stride)}`;
  if (padding.some((p) => p !== 0)) s += `, padding=${tuple(padding)}`;
  if (dilation.some((d) => d !== 1)) s += `, dilation=${tuple(dilation)}`;
  if (outputPadding.some((p) => p !== 0)) s += `, output_padding=${tuple(outputPadding)}`;
  if (m.groups !== 1) s += `, groups=${m.groups}`;
  if (m.bias === null) s += ', bias=False';
  return s;
}

/**
 * 2-D transposed convolution layer, PyTorch's `nn.ConvTranspose2d`: `weight`
 * `[inChannels, outChannels/groups, kh, kw]`, `bias` `[outChannels]`, both U(-1/√fan_in,
 * 1/√fan_in) with PyTorch's fan of the transposed weight, fan_in = outChannels/groups·kh·kw.
 * `forward(x, outputSize?)`: an `outputSize` picks the output padding, as PyTorch.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const up = new nn.ConvTranspose2d(128, 64, 4, 2, 1);   // PyTorch's (in, out, k, stride, padding)
 * up.call(randn([2, 128, 7, 7])).shape;                   // [2, 64, 14, 14]
 * const t = new nn.ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1 });
 * t.call(randn([1, 8, 5, 5]), [10, 10]).shape;            // [1, 4, 10, 10] (outputPadding 1)
 * String(up); // 'ConvTranspose2d(128, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))'
 * ```
 */
export class ConvTranspose2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: 'zeros';
  /** An `nn.Parameter` `[inChannels, outChannels/groups, kh, kw]`. */
  weight: Tensor;
  bias: Tensor | null;

  /** PyTorch's order: `(in, out, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode)`, then an options bag. */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: Positional<[stride: Pair, padding: Pair, outputPadding: Pair, groups: number, bias: boolean, dilation: Pair, paddingMode: 'zeros'], ConvTranspose2dModuleOptions>) {
    super();
    const op = 'ConvTranspose2d';
    const o = checkOptions(op, foldPositional(op, rest, PARAMS) as ConvTranspose2dModuleOptions, KEYS);
    this.inChannels = checkCount(op, 'inChannels', inChannels, 1);
    this.outChannels = checkCount(op, 'outChannels', outChannels, 1);
    this.kernelSize = checkPair(op, 'kernelSize', kernelSize, 1);
    this.stride = checkPair(op, 'stride', o.stride ?? 1, 1);
    this.padding = checkPair(op, 'padding', o.padding ?? 0, 0);
    this.outputPadding = checkPair(op, 'outputPadding', o.outputPadding ?? 0, 0);
    this.dilation = checkPair(op, 'dilation', o.dilation ?? 1, 1);
    this.groups = checkGroups(op, o.groups ?? 1, inChannels, outChannels);
    this.paddingMode = checkPaddingMode(op, o.paddingMode);
    const [kh, kw] = this.kernelSize;
    const fanIn = (outChannels / this.groups) * kh * kw;
    this.weight = this.registerParameter('weight', initUniform([inChannels, outChannels / this.groups, kh, kw], fanIn, o.generator));
    this.bias = o.bias ?? true ? this.registerParameter('bias', initUniform([outChannels], fanIn, o.generator)) : null;
  }

  /** `outputSize` `[H, W]` (or `[N, C, H, W]`) chooses the output padding within the stride, as PyTorch's `output_size`. */
  forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    const outputPadding = outputSize === undefined || outputSize === null
      ? this.outputPadding
      : (outputPaddingFor('ConvTranspose2d', x, outputSize, this.kernelSize, this.stride, this.padding, this.dilation) as [number, number]);
    return F.convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation });
  }

  protected override extraRepr(): string {
    return repr(this, this.kernelSize, this.stride, this.padding, this.dilation, this.outputPadding);
  }
}

/**
 * 1-D transposed convolution layer, PyTorch's `nn.ConvTranspose1d`: `weight`
 * `[inChannels, outChannels/groups, k]`, initialised as PyTorch (fan_in = outChannels/groups·k).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.ConvTranspose1d(16, 8, 4, 2, 1).call(randn([2, 16, 25])).shape; // [2, 8, 50]
 * new nn.ConvTranspose1d(4, 2, 3, { stride: 3 }).call(randn([4, 6]), [19]).shape; // [2, 19]
 * ```
 */
export class ConvTranspose1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  readonly dilation: number;
  readonly groups: number;
  readonly paddingMode: 'zeros';
  /** An `nn.Parameter` `[inChannels, outChannels/groups, k]`. */
  weight: Tensor;
  bias: Tensor | null;

  /** PyTorch's order: `(in, out, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode)`, then an options bag. */
  constructor(inChannels: number, outChannels: number, kernelSize: Single, ...rest: Positional<[stride: Single, padding: Single, outputPadding: Single, groups: number, bias: boolean, dilation: Single, paddingMode: 'zeros'], ConvTranspose1dModuleOptions>) {
    super();
    const op = 'ConvTranspose1d';
    const o = checkOptions(op, foldPositional(op, rest, PARAMS) as ConvTranspose1dModuleOptions, KEYS);
    this.inChannels = checkCount(op, 'inChannels', inChannels, 1);
    this.outChannels = checkCount(op, 'outChannels', outChannels, 1);
    this.kernelSize = checkSingle(op, 'kernelSize', kernelSize, 1);
    this.stride = checkSingle(op, 'stride', o.stride ?? 1, 1);
    this.padding = checkSingle(op, 'padding', o.padding ?? 0, 0);
    this.outputPadding = checkSingle(op, 'outputPadding', o.outputPadding ?? 0, 0);
    this.dilation = checkSingle(op, 'dilation', o.dilation ?? 1, 1);
    this.groups = checkGroups(op, o.groups ?? 1, inChannels, outChannels);
    this.paddingMode = checkPaddingMode(op, o.paddingMode);
    const fanIn = (outChannels / this.groups) * this.kernelSize;
    this.weight = this.registerParameter('weight', initUniform([inChannels, outChannels / this.groups, this.kernelSize], fanIn, o.generator));
    this.bias = o.bias ?? true ? this.registerParameter('bias', initUniform([outChannels], fanIn, o.generator)) : null;
  }

  /** `outputSize` `[L]` (or `[N, C, L]`) chooses the output padding within the stride, as PyTorch's `output_size`. */
  forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    const outputPadding = outputSize === undefined || outputSize === null
      ? this.outputPadding
      : outputPaddingFor('ConvTranspose1d', x, outputSize, [this.kernelSize], [this.stride], [this.padding], [this.dilation])[0]!;
    return F.convTranspose1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation });
  }

  protected override extraRepr(): string {
    return repr(this, [this.kernelSize], [this.stride], [this.padding], [this.dilation], [this.outputPadding]);
  }
}
