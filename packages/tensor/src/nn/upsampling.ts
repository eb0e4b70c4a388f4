import { foldPositional } from '../call-forms.js';
import type { Positional } from '../call-forms.js';
import * as F from '../ops/nn/index.js';
import { INTERPOLATE_PARAMS } from '../ops/nn/upsampling.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';
import { pyFloat } from './layers.js';
import { Module } from './module.js';

type Size = number | readonly number[] | null;
const MODES = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear'];

/** The options of `nn.Upsample`: `F.interpolate`'s. */
export type UpsampleOptions = F.InterpolateOptions;

/**
 * Upsamples (or downsamples) the spatial dims of `[N, C, ...spatial]`, as PyTorch's
 * `nn.Upsample`: `F.interpolate` with the options given at construction.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 * up.call(randn([1, 3, 8, 8])).shape;                 // [1, 3, 16, 16]
 * new nn.Upsample([5, 7]).call(randn([1, 3, 2, 2])).shape; // [1, 3, 5, 7] (nearest)
 * String(up); // 'Upsample(scale_factor=2.0, mode=bilinear)'
 * ```
 */
export class Upsample extends Module {
  readonly size: Size;
  readonly scaleFactor: Size;
  readonly mode: F.InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  /** PyTorch's order: `(size, scaleFactor, mode, alignCorners, recomputeScaleFactor)`, then an options bag. */
  constructor(...rest: Positional<[size: Size, scaleFactor: Size, mode: F.InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], UpsampleOptions>) {
    super();
    const op = this.constructor.name;
    const o = checkOptions(op, foldPositional(op, rest, INTERPOLATE_PARAMS) as UpsampleOptions, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
    this.size = o.size ?? null;
    this.scaleFactor = o.scaleFactor ?? null;
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
    this.recomputeScaleFactor = o.recomputeScaleFactor ?? null;
    // Checked now rather than at the first call (PyTorch checks in forward, with these words).
    if (!MODES.includes(this.mode)) throw new RangeError(`${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(this.mode)}`);
    if (this.size !== null && this.scaleFactor !== null) throw new RangeError(`${op}: only one of size or scale_factor should be defined`);
    if (this.size === null && this.scaleFactor === null) throw new RangeError(`${op}: either size or scale_factor should be defined`);
    if (this.alignCorners !== null && this.mode.startsWith('nearest')) {
      throw new RangeError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (got mode '${this.mode}')`);
    }
  }

  forward(x: Tensor): Tensor {
    return F.interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor });
  }

  protected override extraRepr(): string {
    const seq = (v: readonly number[], f: (n: number) => string): string => `(${v.map(f).join(', ')})`;
    const info = this.scaleFactor !== null
      ? `scale_factor=${typeof this.scaleFactor === 'number' ? pyFloat(this.scaleFactor) : seq(this.scaleFactor, pyFloat)}`
      : `size=${typeof this.size === 'number' ? String(this.size) : seq(this.size as readonly number[], String)}`; // size is set when scaleFactor is not
    return `${info}, mode=${this.mode}`;
  }
}

/**
 * Nearest-neighbour upsampling of `[N, C, H, W]`, as PyTorch's `nn.UpsamplingNearest2d`
 * (`nn.Upsample` with `mode: 'nearest'`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.UpsamplingNearest2d({ scaleFactor: 2 }).call(randn([1, 1, 3, 3])).shape; // [1, 1, 6, 6]
 * ```
 */
export class UpsamplingNearest2d extends Upsample {
  /** PyTorch's `(size, scaleFactor)`. */
  constructor(...rest: Positional<[size: Size, scaleFactor: Size], { size?: Size; scaleFactor?: Size }>) {
    const o = checkOptions('UpsamplingNearest2d', foldPositional('UpsamplingNearest2d', rest, INTERPOLATE_PARAMS.slice(0, 2)) as UpsampleOptions, ['size', 'scaleFactor']);
    super({ ...o, mode: 'nearest' });
  }
}

/**
 * Bilinear upsampling of `[N, C, H, W]` with corners aligned, as PyTorch's
 * `nn.UpsamplingBilinear2d` (`nn.Upsample` with `mode: 'bilinear', alignCorners: true`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.UpsamplingBilinear2d(5).call(randn([1, 1, 3, 3])).shape; // [1, 1, 5, 5]
 * ```
 */
export class UpsamplingBilinear2d extends Upsample {
  /** PyTorch's `(size, scaleFactor)`. */
  constructor(...rest: Positional<[size: Size, scaleFactor: Size], { size?: Size; scaleFactor?: Size }>) {
    const o = checkOptions('UpsamplingBilinear2d', foldPositional('UpsamplingBilinear2d', rest, INTERPOLATE_PARAMS.slice(0, 2)) as UpsampleOptions, ['size', 'scaleFactor']);
    super({ ...o, mode: 'bilinear', alignCorners: true });
  }
}

function checkFactor(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${arg} must be a positive integer, got ${describe(v)}`);
  return v;
}

/**
 * `[..., C·r², H, W]` to `[..., C, H·r, W·r]`, as PyTorch's `nn.PixelShuffle` (see `F.pixelShuffle`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.PixelShuffle(3).call(randn([1, 18, 4, 4])).shape; // [1, 2, 12, 12]
 * ```
 */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;

  /** PyTorch's `(upscale_factor)`. */
  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = checkFactor('PixelShuffle', 'upscaleFactor', upscaleFactor);
  }

  forward(x: Tensor): Tensor {
    return F.pixelShuffle(x, this.upscaleFactor);
  }

  protected override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * `[..., C, H·r, W·r]` to `[..., C·r², H, W]`, as PyTorch's `nn.PixelUnshuffle` (see `F.pixelUnshuffle`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.PixelUnshuffle(2).call(randn([1, 3, 8, 8])).shape; // [1, 12, 4, 4]
 * ```
 */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;

  /** PyTorch's `(downscale_factor)`. */
  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = checkFactor('PixelUnshuffle', 'downscaleFactor', downscaleFactor);
  }

  forward(x: Tensor): Tensor {
    return F.pixelUnshuffle(x, this.downscaleFactor);
  }

  protected override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
