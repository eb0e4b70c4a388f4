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
