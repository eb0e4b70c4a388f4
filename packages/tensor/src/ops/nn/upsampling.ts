import { foldPositional, type Positional, type PositionalParam } from '../../call-forms.js';
import { ShapeError } from '../../errors.js';
import { float32 } from '../../dtype.js';
import { checkOptions } from '../../options.js';
import { fmt } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add, mul } from '../binary.js';
import { permute, reshape, takeFlat } from '../movement.js';
import { describe, expectTensor, shown, wrap } from '../util.js';
import { sourceIndex } from './padding.js';

/** `F.interpolate`'s modes: nearest neighbour (PyTorch's legacy `'nearest'` and `'nearest-exact'`) and (bi/tri)linear. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear';

export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial dim, or one per dim. Exactly one of `size` and `scaleFactor`. */
  size?: number | readonly number[] | null;
  /** Multiplier of every spatial size (or one per dim); the output size is `floor(in · scale)`. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default), `'nearest-exact'`, `'linear'` (3-d input), `'bilinear'` (4-d), `'trilinear'` (5-d). */
  mode?: InterpolateMode;
  /** Linear modes only: corner pixels' centres align (scale `(in-1)/(out-1)`); default false. */
  alignCorners?: boolean | null;
  /**
   * With `scaleFactor`: compute the output size, then interpolate as if `size` were given
   * (scale `in/out`), instead of using `1/scaleFactor` as the scale (the default).
   */
  recomputeScaleFactor?: boolean | null;
}

const MODE_DIMS: Record<string, number> = { nearest: 0, 'nearest-exact': 0, linear: 1, bilinear: 2, trilinear: 3 };
const isSize = (v: unknown): boolean => v === null || typeof v === 'number' || Array.isArray(v);
/** @internal PyTorch's positional order after `input`. */
export const INTERPOLATE_PARAMS: readonly PositionalParam[] = [
  { name: 'size', is: isSize, expected: 'an integer, an array of them or null' },
  { name: 'scaleFactor', is: isSize, expected: 'a number, an array of them or null' },
  { name: 'mode', is: (v) => typeof v === 'string', expected: 'a string' },
  { name: 'alignCorners', is: (v) => v === null || typeof v === 'boolean', expected: 'a boolean or null' },
  { name: 'recomputeScaleFactor', is: (v) => v === null || typeof v === 'boolean', expected: 'a boolean or null' },
];

/**
 * Resizes the spatial dims of `[N, C, ...spatial]` (1 to 3 spatial dims), as PyTorch's
 * `F.interpolate`: `'nearest'` copies `in[floor(o · scale)]`, `'nearest-exact'`
 * `in[floor((o + ½) · scale)]`, the linear modes blend the two nearest inputs per dim (pixel
 * centres, or corners with `alignCorners`). The scale is `in/out` (`size`, or `scaleFactor`
 * with `recomputeScaleFactor`) or `1/scaleFactor`, rounded to float32 as PyTorch's kernels do,
 * so the same source pixels are picked. Positional as PyTorch
 * (`size, scaleFactor, mode, alignCorners, recomputeScaleFactor`) or an options bag.
 * Composed from gathers and products, so it has a backward (and higher orders), and runs in
 * float64 too.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * const x = tensor([[[[1, 2], [3, 4]]]]);
 * F.interpolate(x, null, 2).toArray();  // [[[[1,1,2,2],[1,1,2,2],[3,3,4,4],[3,3,4,4]]]]
 * F.interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).toArray(); // [[[[1,1.5,2],[2,2.5,3],[3,3.5,4]]]] (to float32 rounding, as PyTorch)
 * ```
 */
export function interpolate(input: Tensor, ...rest: Positional<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], InterpolateOptions>): Tensor {
  const op = 'interpolate';
  const o = checkOptions(op, foldPositional(op, rest, INTERPOLATE_PARAMS) as InterpolateOptions, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  expectTensor(op, 'input', input);
  const mode = o.mode ?? 'nearest';
  const dims = input.ndim - 2;
  if (!(mode in MODE_DIMS) || dims < 1 || dims > 3) {
    const hint = ['bicubic', 'area'].includes(mode) ? ` (tensile implements nearest, nearest-exact, linear, bilinear and trilinear)` : '';
    throw new RangeError(`${op}: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${String(mode)})${hint}`);
  }
  const linear = MODE_DIMS[mode]! > 0;
  if (!linear && o.alignCorners !== undefined && o.alignCorners !== null) {
    throw new RangeError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (got mode '${mode}', alignCorners ${String(o.alignCorners)})`);
  }
  if (o.alignCorners !== undefined && o.alignCorners !== null && typeof o.alignCorners !== 'boolean') throw new TypeError(`${op}: alignCorners must be a boolean or null, got ${describe(o.alignCorners)}`);
  const alignCorners = o.alignCorners ?? false;
  const spatial = input.shape.slice(2);
  const size = o.size ?? null, scale = o.scaleFactor ?? null;
  if (size !== null && scale !== null) throw new RangeError(`${op}: only one of size or scale_factor should be defined, got size ${describe(size)} and scaleFactor ${describe(scale)}`);
  if (size === null && scale === null) throw new RangeError(`${op}: either size or scale_factor should be defined`);
  let outSize: number[];
  let scales: (number | null)[] = spatial.map(() => null);
  if (size !== null) {
    const s = typeof size === 'number' ? spatial.map(() => size) : [...size];
    if (s.length !== dims) {
      throw new RangeError(`${op}: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmt(spatial)} and output size of ${fmt(s)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
    if (!s.every((v) => Number.isInteger(v))) throw new TypeError(`${op}: size must be an integer or an array of integers, got ${describe(size)}`);
    outSize = s;
  } else {
    const f = typeof scale === 'number' ? spatial.map(() => scale) : [...(scale as readonly number[])];
    if (f.length !== dims) {
      throw new RangeError(`${op}: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmt(spatial)} and scale_factor of shape ${fmt(f)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
    if (!f.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`${op}: scaleFactor must be positive and finite, got ${describe(scale)}`);
    outSize = spatial.map((n, d) => Math.floor(n * f[d]!));
    if (!o.recomputeScaleFactor) scales = f;
  }
  const need = MODE_DIMS[mode]!;
  if (need > 0 && need !== dims) throw new RangeError(`${op}: Got ${input.ndim}D input, but ${mode} mode needs ${need + 2}D input`);
  if (outSize.some((v) => v <= 0) || spatial.some((v) => v <= 0)) {
    throw new ShapeError(`${op}: Input and output sizes should be greater than 0, but got input ${fmt(spatial)} output ${fmt(outSize)}`);
  }
  const f32 = input.dtype === float32;
  if (!linear) {
    const maps = input.shape.map((_, d) => (d < 2 ? null : nearestIndex(mode === 'nearest-exact', spatial[d - 2]!, outSize[d - 2]!, scales[d - 2]!)));
    const shape = [...input.shape.slice(0, 2), ...outSize];
    return takeFlat(input, sourceIndex(input.shape, shape, maps), shape, `interpolate(${mode})`);
  }
  // Separable: the last dim first, as PyTorch's kernel nests its sums (same products and adds).
  let y = input;
  for (let j = dims - 1; j >= 0; j--) {
    const d = j + 2, n = spatial[j]!, m = outSize[j]!;
    if (n === m) continue; // PyTorch's weights are exactly (1, 0) here
    const w = linearWeights(n, m, alignCorners, scales[j]!, f32);
    y = blend(y, d, w);
  }
  return y;
}

/** PyTorch's `nearest_idx` / `nearest_exact_idx`: the source of each output index, the scale in float32. */
function nearestIndex(exact: boolean, n: number, m: number, scale: number | null): Int32Array {
  const out = new Int32Array(m);
  const s = scale !== null ? Math.fround(1 / scale) : Math.fround(n / m);
  for (let i = 0; i < m; i++) {
    if (!exact && m === n) out[i] = i;
    else if (!exact && m === 2 * n) out[i] = i >> 1;
    else out[i] = Math.min(Math.floor(Math.fround((exact ? i + 0.5 : i) * s)), n - 1);
  }
  return out;
}

interface LinearWeights { i0: Int32Array; i1: Int32Array; l0: Float64Array; l1: Float64Array }

/**
 * PyTorch's `compute_source_index_and_lambda` for one dim: the two source indices and their
 * weights per output index, in float32 for a float32 input (`area_pixel_compute_scale<float>`).
 */
function linearWeights(n: number, m: number, alignCorners: boolean, scale: number | null, f32: boolean): LinearWeights {
  const r = f32 ? Math.fround : (v: number): number => v;
  const ratio = alignCorners ? (m > 1 ? r((n - 1) / (m - 1)) : 0) : scale !== null ? r(1 / scale) : r(n / m);
  const w: LinearWeights = { i0: new Int32Array(m), i1: new Int32Array(m), l0: new Float64Array(m), l1: new Float64Array(m) };
  for (let i = 0; i < m; i++) {
    let src = alignCorners ? r(ratio * i) : r(ratio * (i + 0.5) - 0.5);
    if (!alignCorners && src < 0) src = 0;
    const i0 = Math.trunc(src);
    w.i0[i] = i0;
    w.i1[i] = i0 + (i0 < n - 1 ? 1 : 0);
    w.l1[i] = r(src - i0);
    w.l0[i] = r(1 - w.l1[i]!);
  }
  return w;
}

/** `y[..., o, ...] = x[..., i0[o], ...] · l0[o] + x[..., i1[o], ...] · l1[o]` along dim `d`. */
function blend(x: Tensor, d: number, w: LinearWeights): Tensor {
  const m = w.i0.length;
  const shape = [...x.shape];
  shape[d] = m;
  const maps = (idx: Int32Array): (Int32Array | null)[] => x.shape.map((_, k) => (k === d ? idx : null));
  const wshape = x.shape.map((_, k) => (k === d ? m : 1));
  const weight = (l: Float64Array): Tensor => wrap(x.dtype === float32 ? Float32Array.from(l) : Float64Array.from(l), wshape, x.dtype);
  const a = takeFlat(x, sourceIndex(x.shape, shape, maps(w.i0)), shape, 'interpolate(linear)');
  const b = takeFlat(x, sourceIndex(x.shape, shape, maps(w.i1)), shape, 'interpolate(linear)');
  return add(mul(a, weight(w.l0)), mul(b, weight(w.l1)));
}

/**
 * Rearranges `[..., C·r², H, W]` into `[..., C, H·r, W·r]`, as PyTorch's `F.pixel_shuffle`
 * (sub-pixel convolution's upsampling): output `(c, h·r + i, w·r + j)` is input `(c·r² + i·r + j, h, w)`.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.pixelShuffle(arange(8).float().reshape(1, 4, 1, 2), 2).toArray(); // [[[[0,2,1,3],[4,6,5,7]]]]
 * ```
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixelShuffle';
  expectTensor(op, 'input', input);
  const r = upscaleFactor;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new RangeError(`${op}: pixel_shuffle expects a positive upscale_factor, but got ${shown(r)}`);
  if (input.ndim < 3) throw new ShapeError(`${op}: pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const lead = input.shape.slice(0, -3), [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0) throw new ShapeError(`${op}: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`);
  const b = lead.length, Co = C / (r * r);
  const x = reshape(input, [...lead, Co, r, r, H, W]);
  const perm = [...lead.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return reshape(permute(x, perm), [...lead, Co, H * r, W * r]);
}

/**
 * The inverse of `pixelShuffle`, as PyTorch's `F.pixel_unshuffle`: `[..., C, H·r, W·r]` into `[..., C·r², H, W]`.
 *
 * @example
 * ```ts
 * import { F, randn } from '@tensile/tensor';
 * const x = randn([1, 2, 4, 6]);
 * F.pixelUnshuffle(x, 2).shape;                              // [1, 8, 2, 3]
 * F.pixelShuffle(F.pixelUnshuffle(x, 2), 2).sub(x).abs().max().item(); // 0
 * ```
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixelUnshuffle';
  expectTensor(op, 'input', input);
  const r = downscaleFactor;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new RangeError(`${op}: pixel_unshuffle expects a positive downscale_factor, but got ${shown(r)}`);
  if (input.ndim < 3) throw new ShapeError(`${op}: pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const lead = input.shape.slice(0, -3), [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (H % r !== 0) throw new ShapeError(`${op}: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${H} is not divisible by ${r}`);
  if (W % r !== 0) throw new ShapeError(`${op}: pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${W} is not divisible by ${r}`);
  const b = lead.length;
  const x = reshape(input, [...lead, C, H / r, r, W / r, r]);
  const perm = [...lead.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return reshape(permute(x, perm), [...lead, C * r * r, H / r, W / r]);
}
