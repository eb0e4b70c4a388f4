import * as F from '../ops/nn/index.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { bool, foldPositional, intOrTuple, numOrNull, type Positional } from '../call-forms.js';

const r = (v: number | readonly [number, number]): string => (typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`);

/**
 * 2-D average pooling (stride defaults to the kernel size); options as `F.avgPool2d`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AvgPool2d(2).call(randn([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 * ```
 */
export class AvgPool2d extends Module {
  readonly kernelSize: number | readonly [number, number];
  readonly options: F.AvgPool2dOptions;

  /** PyTorch's order: `(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)`, then an options bag. */
  constructor(
    kernelSize: number | readonly [number, number],
    ...rest: Positional<[stride: number | readonly [number, number], padding: number | readonly [number, number], ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], F.AvgPool2dOptions>
  ) {
    super();
    const folded = foldPositional('AvgPool2d', rest, [intOrTuple('stride'), intOrTuple('padding'), bool('ceilMode'), bool('countIncludePad'), numOrNull('divisorOverride')]);
    const options = checkOptions('AvgPool2d', folded as F.AvgPool2dOptions, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    this.kernelSize = kernelSize;
    this.options = { ...options };
    // validate now (as PyTorch would on first use) with a tiny probe of the kernel's size
    const k = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    if (!Array.isArray(k) || k.length !== 2 || !k.every((v) => Number.isInteger(v) && v >= 1)) {
      throw new RangeError(`AvgPool2d: kernelSize must be a positive integer or a pair of them, got ${String(kernelSize)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.options);
  }

  protected override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${r(this.kernelSize)}, stride=${r(o.stride ?? this.kernelSize)}, padding=${r(o.padding ?? 0)}`;
  }
}

/**
 * Adaptive average pooling to a fixed `outputSize` (a number or `[oh, ow]`, `null` keeps that dim).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AdaptiveAvgPool2d([5, 7]).call(randn([1, 64, 10, 9])).shape; // [1, 64, 5, 7]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
    const s = typeof outputSize === 'number' ? [outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
    if (!s || !s.every((v) => v === null || (Number.isInteger(v) && v >= 1))) {
      throw new RangeError(`AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (or null), got ${String(outputSize)}`);
    }
  }

  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool2d(x, this.outputSize);
  }

  protected override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === 'number' ? o : `(${o.map((v) => (v === null ? 'None' : v)).join(', ')})`}`;
  }
}

/** A 1-d size as PyTorch prints a `_single` one: `(3,)`. */
const single = (v: number | readonly [number]): number => (typeof v === 'number' ? v : v[0]);

/** `nn.MaxPool1d`'s options: `F.maxPool1d`'s. */
export interface MaxPool1dModuleOptions<R extends boolean = boolean> extends Omit<F.MaxPool1dOptions, 'returnIndices'> {
  /** `forward` also returns the argmax indices (`[values, indices]`), for `nn.MaxUnpool1d`. */
  returnIndices?: R;
}

/**
 * 1-D max pooling of `[N, C, L]` (stride defaults to the kernel size); `F.maxPool1d`. With
 * `returnIndices`, `call` returns `[values, indices]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.MaxPool1d(3, 2).call(randn([1, 4, 11])).shape; // [1, 4, 5]
 * ```
 */
export class MaxPool1d<R extends boolean = false> extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly returnIndices: R;
  readonly ceilMode: boolean;
  /** PyTorch's order: `(kernelSize, stride, padding, dilation, returnIndices, ceilMode)`, then an options bag. */
  constructor(kernelSize: number | readonly [number], ...rest: Positional<[stride: number | null, padding: number, dilation: number, returnIndices: R, ceilMode: boolean], MaxPool1dModuleOptions<R>>) {
    super();
    const folded = foldPositional('MaxPool1d', rest, [
      { name: 'stride', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer or null' },
      intOrTuple('padding'), intOrTuple('dilation'), bool('returnIndices'), bool('ceilMode'),
    ]);
    const o = checkOptions('MaxPool1d', folded as MaxPool1dModuleOptions<R>, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    if (o.returnIndices !== undefined && typeof o.returnIndices !== 'boolean') throw new TypeError(`MaxPool1d: returnIndices must be a boolean, got ${String(o.returnIndices)}`);
    if (o.ceilMode !== undefined && typeof o.ceilMode !== 'boolean') throw new TypeError(`MaxPool1d: ceilMode must be a boolean, got ${String(o.ceilMode)}`);
    this.kernelSize = single(kernelSize);
    this.stride = o.stride === undefined || o.stride === null ? this.kernelSize : single(o.stride);
    this.padding = single(o.padding ?? 0);
    this.dilation = single(o.dilation ?? 1);
    this.returnIndices = (o.returnIndices ?? false) as R;
    this.ceilMode = o.ceilMode ?? false;
    if (!Number.isInteger(this.kernelSize) || this.kernelSize < 1) throw new RangeError(`MaxPool1d: kernelSize must be a positive integer, got ${String(kernelSize)}`);
    if (!Number.isInteger(this.dilation) || this.dilation < 1) throw new RangeError(`MaxPool1d: dilation must be a positive integer, got ${String(o.dilation)}`);
    if (this.padding > this.kernelSize / 2) throw new RangeError(`MaxPool1d: padding ${this.padding} should be at most half of the kernel size ${this.kernelSize}`);
  }
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.maxPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices }) as R extends true ? [Tensor, Tensor] : Tensor;
  }
  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * The inverse of `nn.MaxPool2d` with `returnIndices`: `call(input, indices, outputSize?)`
 * (PyTorch's `nn.MaxUnpool2d`; `F.maxUnpool2d`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const [y, i] = new nn.MaxPool2d(2, { returnIndices: true }).call(randn([1, 3, 8, 8]));
 * new nn.MaxUnpool2d(2).call(y, i).shape; // [1, 3, 8, 8]
 * ```
 */
export class MaxUnpool2d extends Module {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  /** PyTorch's order: `(kernelSize, stride, padding)`, then an options bag; stride null means the kernel size. */
  constructor(kernelSize: number | readonly [number, number], ...rest: Positional<[stride: number | readonly [number, number] | null, padding: number | readonly [number, number]], { stride?: number | readonly [number, number] | null; padding?: number | readonly [number, number] }>) {
    super();
    const folded = foldPositional('MaxUnpool2d', rest, [
      { name: 'stride', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer, a tuple of them or null' }, intOrTuple('padding'),
    ]);
    const o = checkOptions('MaxUnpool2d', folded as { stride?: number | readonly [number, number] | null; padding?: number | readonly [number, number] }, ['stride', 'padding']);
    const two = (v: number | readonly [number, number]): readonly [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
    this.kernelSize = two(kernelSize);
    this.stride = two(o.stride ?? kernelSize);
    this.padding = two(o.padding ?? 0);
  }
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return F.maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
  protected override extraRepr(): string {
    return `kernel_size=${r(this.kernelSize)}, stride=${r(this.stride)}, padding=${r(this.padding)}`;
  }
}

/**
 * The inverse of `nn.MaxPool1d` with `returnIndices`: `call(input, indices, outputSize?)`
 * (PyTorch's `nn.MaxUnpool1d`; `F.maxUnpool1d`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const [y, i] = new nn.MaxPool1d(2, { returnIndices: true }).call(randn([1, 3, 8]));
 * new nn.MaxUnpool1d(2).call(y, i).shape; // [1, 3, 8]
 * ```
 */
export class MaxUnpool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  /** PyTorch's order: `(kernelSize, stride, padding)`, then an options bag; stride null means the kernel size. */
  constructor(kernelSize: number | readonly [number], ...rest: Positional<[stride: number | null, padding: number], { stride?: number | null; padding?: number }>) {
    super();
    const folded = foldPositional('MaxUnpool1d', rest, [
      { name: 'stride', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer or null' }, intOrTuple('padding'),
    ]);
    const o = checkOptions('MaxUnpool1d', folded as { stride?: number | null; padding?: number }, ['stride', 'padding']);
    this.kernelSize = single(kernelSize);
    this.stride = o.stride === undefined || o.stride === null ? this.kernelSize : single(o.stride);
    this.padding = single(o.padding ?? 0);
  }
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return F.maxUnpool1d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
  protected override extraRepr(): string {
    return `kernel_size=(${this.kernelSize},), stride=(${this.stride},), padding=(${this.padding},)`;
  }
}

/**
 * 1-D average pooling of `[N, C, L]`; `F.avgPool1d`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AvgPool1d(2).call(randn([1, 4, 10])).shape; // [1, 4, 5]
 * ```
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly options: F.AvgPool1dOptions;
  /** PyTorch's order: `(kernelSize, stride, padding, ceilMode, countIncludePad)`, then an options bag. */
  constructor(kernelSize: number | readonly [number], ...rest: Positional<[stride: number | null, padding: number, ceilMode: boolean, countIncludePad: boolean], F.AvgPool1dOptions>) {
    super();
    const folded = foldPositional('AvgPool1d', rest, [
      { name: 'stride', is: (v) => v === null || typeof v === 'number' || Array.isArray(v), expected: 'an integer or null' },
      intOrTuple('padding'), bool('ceilMode'), bool('countIncludePad'),
    ]);
    this.options = { ...checkOptions('AvgPool1d', folded as F.AvgPool1dOptions, ['stride', 'padding', 'ceilMode', 'countIncludePad']) };
    this.kernelSize = single(kernelSize);
    if (!Number.isInteger(this.kernelSize) || this.kernelSize < 1) throw new RangeError(`AvgPool1d: kernelSize must be a positive integer, got ${String(kernelSize)}`);
  }
  forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    const s = this.options.stride === undefined || this.options.stride === null ? this.kernelSize : single(this.options.stride);
    return `kernel_size=(${this.kernelSize},), stride=(${s},), padding=(${single(this.options.padding ?? 0)},)`;
  }
}

/**
 * Adaptive average pooling of `[N, C, L]` to `outputSize` bins; `F.adaptiveAvgPool1d`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AdaptiveAvgPool1d(1).call(randn([2, 8, 13])).shape; // [2, 8, 1]
 * ```
 */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number;
  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = single(outputSize);
    if (!Number.isInteger(this.outputSize) || this.outputSize < 1) throw new RangeError(`AdaptiveAvgPool1d: outputSize must be a positive integer, got ${String(outputSize)}`);
  }
  forward(x: Tensor): Tensor {
    return F.adaptiveAvgPool1d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** `nn.AdaptiveMaxPool2d`'s and `nn.AdaptiveMaxPool1d`'s options. */
export interface AdaptiveMaxPoolModuleOptions<R extends boolean = boolean> {
  /** `forward` also returns the argmax indices (`[values, indices]`), for max unpooling. */
  returnIndices?: R;
}

/** The `returnIndices` of an adaptive max pooling module, in PyTorch's positional form or a bag. */
function adaptiveReturnIndices<R extends boolean>(op: string, rest: readonly unknown[]): R {
  const o = checkOptions(op, foldPositional(op, rest, [bool('returnIndices')]) as AdaptiveMaxPoolModuleOptions<R>, ['returnIndices']);
  if (o.returnIndices !== undefined && typeof o.returnIndices !== 'boolean') throw new TypeError(`${op}: returnIndices must be a boolean, got ${String(o.returnIndices)}`);
  return (o.returnIndices ?? false) as R;
}

/**
 * 2-D adaptive max pooling to `outputSize` (a number, or a pair whose `null` keeps that dim);
 * `F.adaptiveMaxPool2d`. PyTorch's order `(outputSize, returnIndices)`; with `returnIndices`,
 * `call` returns `[values, indices]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AdaptiveMaxPool2d([null, 3]).call(randn([1, 2, 5, 7])).shape; // [1, 2, 5, 3]
 * ```
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  constructor(readonly outputSize: number | readonly [number | null, number | null], ...rest: Positional<[returnIndices: R], AdaptiveMaxPoolModuleOptions<R>>) {
    super();
    const s = typeof outputSize === 'number' ? [outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
    if (!s || !s.every((v) => v === null || (Number.isInteger(v) && v >= 0))) {
      throw new RangeError(`AdaptiveMaxPool2d: outputSize must be a non-negative integer or a pair of them (or null), got ${String(outputSize)}`);
    }
    this.returnIndices = adaptiveReturnIndices<R>('AdaptiveMaxPool2d', rest);
  }
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as R extends true ? [Tensor, Tensor] : Tensor;
  }
  protected override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === 'number' ? o : `(${o.map((v) => (v === null ? 'None' : v)).join(', ')})`}`;
  }
}

/**
 * 1-D adaptive max pooling of `[N, C, L]` to `outputSize`; `F.adaptiveMaxPool1d`. PyTorch's
 * order `(outputSize, returnIndices)`; with `returnIndices`, `call` returns `[values, indices]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.AdaptiveMaxPool1d(4).call(randn([2, 3, 10])).shape; // [2, 3, 4]
 * ```
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  constructor(readonly outputSize: number | readonly [number], ...rest: Positional<[returnIndices: R], AdaptiveMaxPoolModuleOptions<R>>) {
    super();
    const n = typeof outputSize === 'number' ? outputSize : Array.isArray(outputSize) && outputSize.length === 1 ? outputSize[0] : null;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`AdaptiveMaxPool1d: outputSize must be a non-negative integer, got ${String(outputSize)}`);
    this.returnIndices = adaptiveReturnIndices<R>('AdaptiveMaxPool1d', rest);
  }
  forward(x: Tensor): R extends true ? [Tensor, Tensor] : Tensor {
    return F.adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as R extends true ? [Tensor, Tensor] : Tensor;
  }
  protected override extraRepr(): string {
    const o = this.outputSize;
    return `output_size=${typeof o === 'number' ? o : `(${o[0]},)`}`;
  }
}
