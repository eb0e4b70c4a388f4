import { isGradEnabled, record } from '../../autograd.js';
import { foldPositional, intOrTuple, num, type Positional, type PositionalParam } from '../../call-forms.js';
import { float32, float64 } from '../../dtype.js';
import { ShapeError } from '../../errors.js';
import { K } from '../../kernels/index.js';
import { checkOptions } from '../../options.js';
import { fmt, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary.js';
import { zeros } from '../creation.js';
import { matmul, sameDType } from '../matmul.js';
import { cat } from '../movement.js';
import { sum } from '../reduce.js';
import { empty, expectTensor } from '../util.js';
import { pair } from './common.js';
import { conv2dPlain, dilateKernel, fold, geometry, unfoldRaw } from './conv.js';

type Pair = number | readonly [number, number];
type Single = number | readonly [number];

export interface ConvTranspose2dOptions {
  /** Step between input positions in the output; a number or `[sh, sw]` (default 1). */
  stride?: Pair;
  /** `dilation·(k-1) - padding` zeros are added on each side of the input; a number or `[ph, pw]` (default 0). */
  padding?: Pair;
  /** Extra rows/columns on the bottom/right of the output, smaller than the stride or the dilation (default 0). */
  outputPadding?: Pair;
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps; a number or `[dh, dw]` (default 1). */
  dilation?: Pair;
}

export interface ConvTranspose1dOptions {
  /** Step between input positions in the output (default 1). */
  stride?: Single;
  /** `dilation·(k-1) - padding` zeros are added on each side of the input (default 0). */
  padding?: Single;
  /** Extra positions at the end of the output, smaller than the stride or the dilation (default 0). */
  outputPadding?: Single;
  /** Independent channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: Single;
}

/** @internal PyTorch's positional order after `(input, weight, bias)`: `stride, padding, output_padding, groups, dilation`. */
export const CONV_TRANSPOSE_F_PARAMS: readonly PositionalParam[] = [intOrTuple('stride'), intOrTuple('padding'), intOrTuple('outputPadding'), num('groups'), intOrTuple('dilation')];
const KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

/**
 * 2-D transposed convolution ("deconvolution"), PyTorch's `F.conv_transpose2d`: the gradient
 * of `conv2d` with respect to its input. `x` `[N, Cin, H, W]` (or `[Cin, H, W]`), `weight`
 * `[Cin, Cout/groups, kh, kw]`, output `[N, Cout, Ho, Wo]` with
 * `Ho = (H-1)·stride - 2·padding + dilation·(kh-1) + outputPadding + 1`.
 * Positional as PyTorch (`stride, padding, outputPadding, groups, dilation`) or an options bag.
 *
 * It runs through the convolution kernels: per sample, col2im of `Wᵀ · x[n]` (the kernel
 * conv2d's backward uses for its input gradient). Its input gradient is `conv2d(gy, weight)`,
 * its weight gradient conv2d's weight gradient with the roles of input and upstream swapped.
 * float64 (as PyTorch's double) is composed: the product `Wᵀ·x` and `fold` in double.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.convTranspose2d(ones([1, 4, 5, 5]), ones([4, 2, 4, 4]), null, 2, 1).shape;                 // [1, 2, 10, 10]
 * F.convTranspose2d(ones([1, 4, 5, 5]), ones([4, 2, 3, 3]), null, { stride: 2, outputPadding: 1, groups: 2 }).shape; // [1, 4, 12, 12]
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: Positional<[stride: Pair, padding: Pair, outputPadding: Pair, groups: number, dilation: Pair], ConvTranspose2dOptions>): Tensor {
  const o = checkOptions('convTranspose2d', foldPositional('convTranspose2d', rest, CONV_TRANSPOSE_F_PARAMS) as ConvTranspose2dOptions, KEYS);
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, o);
}

/**
 * 1-D transposed convolution, PyTorch's `F.conv_transpose1d`: `x` `[N, Cin, L]` (or `[Cin, L]`),
 * `weight` `[Cin, Cout/groups, k]`; `convTranspose2d` on a height-1 image.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.convTranspose1d(ones([2, 3, 10]), ones([3, 5, 4]), null, 2, 1).shape; // [2, 5, 20]
 * ```
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: Positional<[stride: Single, padding: Single, outputPadding: Single, groups: number, dilation: Single], ConvTranspose1dOptions>): Tensor {
  const o = checkOptions('convTranspose1d', foldPositional('convTranspose1d', rest, CONV_TRANSPOSE_F_PARAMS) as ConvTranspose1dOptions, KEYS);
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, o);
}

/** The smallest output size of a transposed convolution along one dim (`outputPadding` adds to it). */
export function transposedSize(inSize: number, k: number, stride: number, padding: number, dilation: number): number {
  return (inSize - 1) * stride - 2 * padding + dilation * (k - 1) + 1;
}

/** @internal The checked options of a transposed convolution, as pairs (1-d: height 1). */
export function convTransposeArgs(op: string, dims: 1 | 2, o: ConvTranspose2dOptions | ConvTranspose1dOptions): { stride: [number, number]; padding: [number, number]; outputPadding: [number, number]; dilation: [number, number]; groups: number } {
  const lift = (arg: string, v: unknown, min: number): [number, number] => {
    if (dims === 2) return pair(op, arg, v, min);
    const k = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < min) {
      throw new RangeError(`${op}: ${arg} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
    }
    return [min === 0 ? 0 : 1, k];
  };
  const stride = lift('stride', o.stride ?? 1, 1), padding = lift('padding', o.padding ?? 0, 0);
  const outputPadding = lift('outputPadding', o.outputPadding ?? 0, 0), dilation = lift('dilation', o.dilation ?? 1, 1);
  const groups = o.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  for (let i = 0; i < 2; i++) {
    if (!(outputPadding[i]! < stride[i]! || outputPadding[i]! < dilation[i]!)) {
      const show = (p: [number, number]): string => (dims === 2 ? fmt(p) : String(p[1]));
      throw new RangeError(`${op}: output padding must be smaller than either stride or dilation, but got outputPadding ${show(outputPadding)}, stride ${show(stride)}, dilation ${show(dilation)}`);
    }
  }
  return { stride, padding, outputPadding, dilation, groups };
}

function convTransposeNd(op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, o: ConvTranspose2dOptions | ConvTranspose1dOptions): Tensor {
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', weight);
  const wdim = dims + 2;
  if (weight.ndim !== wdim) throw new ShapeError(`${op}: weight must be ${wdim}-d [Cin,Cout/groups,${dims === 2 ? 'kh,kw' : 'k'}], got shape ${fmt(weight.shape)}`);
  if (x.ndim === wdim - 1) return convTransposeNd(op, dims, x.unsqueeze(0), weight, bias, o).squeeze(0);
  const { stride, padding, outputPadding, dilation, groups } = convTransposeArgs(op, dims, o);
  const Cin = weight.shape[0]!, Cog = weight.shape[1]!, Cout = Cog * groups;
  if (x.ndim !== wdim) throw new ShapeError(`${op}: expected a ${wdim - 1}-d (unbatched) or ${wdim}-d (batched) input, got ${fmt(x.shape)}`);
  if (x.shape[1] !== Cin) {
    throw new ShapeError(`${op}: Given transposed=1, weight of size ${fmt(weight.shape)}, expected input ${fmt(x.shape)} to have ${Cin} channels, but got ${x.shape[1]} channels instead`);
  }
  if (Cin % groups !== 0) throw new RangeError(`${op}: in channels ${Cin} (weight ${fmt(weight.shape)}) must be divisible by groups ${groups}`);
  if (bias !== undefined && bias !== null) {
    expectTensor(op, 'bias', bias);
    if (!sameShape(bias.shape, [Cout])) throw new ShapeError(`${op}: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} with groups ${groups} needs [${Cout}]`);
  }
  const x4 = dims === 1 ? x.unsqueeze(2) : x, w4 = dims === 1 ? weight.unsqueeze(2) : weight;
  const [N, , H, W] = x4.shape as [number, number, number, number];
  const [, , kh, kw] = w4.shape as [number, number, number, number];
  const Ho = transposedSize(H, kh, stride[0], padding[0], dilation[0]) + outputPadding[0];
  const Wo = transposedSize(W, kw, stride[1], padding[1], dilation[1]) + outputPadding[1];
  if (Ho < 1 || Wo < 1) {
    const size = dims === 2 ? `(${H} x ${W})` : `(${W})`, out = dims === 2 ? `(${Ho} x ${Wo})` : `(${Wo})`;
    throw new ShapeError(`${op}: Given input size per channel: ${size}. Calculated output size per channel: ${out}. Output size is too small (input ${fmt(x.shape)}, weight ${fmt(weight.shape)})`);
  }
  const wd = dilation[0] === 1 && dilation[1] === 1 ? w4 : dilateKernel(w4, dilation[0], dilation[1]);
  // The convolution whose input gradient this is: [N, Cout/g, Ho, Wo] -> [N, Cin/g, Hc, Wc].
  // Hc exceeds H only when outputPadding >= stride (allowed below the dilation): the extra
  // input rows are zeros, which add nothing.
  const geo = geometry(op, [N, Cog, Ho, Wo], [wd.shape[2]!, wd.shape[3]!], stride, padding);
  let xin = x4;
  if (geo.Ho > H) xin = cat([xin, zeros([N, Cin, geo.Ho - H, W], { dtype: x.dtype })], 2);
  if (geo.Wo > W) xin = cat([xin, zeros([N, Cin, geo.Ho, geo.Wo - W], { dtype: x.dtype })], 3);
  const Cig = Cin / groups;
  const parts: Tensor[] = [];
  for (let gi = 0; gi < groups; gi++) {
    const xg = groups === 1 ? xin : xin.narrow(1, gi * Cig, Cig);
    const wg = groups === 1 ? wd : wd.narrow(0, gi * Cig, Cig);
    parts.push(convTranspose2dPlain(op, xg, wg, stride, padding, [Ho, Wo]));
  }
  let y = groups === 1 ? parts[0]! : cat(parts, 1);
  if (bias) y = add(y, bias.reshape([Cout, 1, 1]));
  return dims === 1 ? y.squeeze(2) : y;
}

const NO_DATA = new Float32Array(0);

/**
 * One group's transposed convolution, PyTorch's `slow_conv_transpose2d`: `x` `[N, Ci, H, W]`,
 * `weight` `[Ci, Co, kh, kw]` (already dilated), output `[N, Co, Ho, Wo]` = per sample
 * col2im(`Wᵀ · x[n]`), the input-gradient half of the convolution kernel's backward. Its
 * backward is a convolution: `dx = conv2d(gy, W)`, `dW[ci, (co,ky,kx)] = Σ_n x[n] · im2col(gy[n])ᵀ`.
 */
function convTranspose2dPlain(op: string, x: Tensor, weight: Tensor, stride: [number, number], padding: [number, number], outSize: [number, number]): Tensor {
  const [Ci, Co, kh, kw] = weight.shape as [number, number, number, number];
  const N = x.shape[0]!;
  const geo = geometry(op, [N, Co, outSize[0], outSize[1]], [kh, kw], stride, padding);
  if (x.dtype !== float32 || weight.dtype !== float32) {
    // NOTE: float64 (PyTorch's double transposed convolution) is composed as conv2d's float64
    // path is: one double product Wᵀ·x per sample, then col2im (`fold`) in double; the
    // gradients come from fold's, matmul's and reshape's.
    sameDType(op, x, weight);
    if (x.dtype !== float64) x._f32(op);
    const cols = matmul(weight.reshape([Ci, Co * kh * kw]).t(), x.reshape([N, Ci, geo.Ho * geo.Wo]));
    return fold(cols, outSize, [kh, kw], { stride, padding });
  }
  const g = { ...geo, O: Ci };
  const out = empty([N, Co, outSize[0], outSize[1]]);
  const [xd, xo] = x._contiguousData(op), [wd, wo] = weight._contiguousData(op);
  K().conv2dBackward(NO_DATA, 0, wd, wo, xd, xo, g, out.storage.data as Float32Array, null, null);
  return record(op, out, [x, weight], (gy) => {
    const needX = x.requiresGrad, needW = weight.requiresGrad;
    const dx = needX ? conv2dPlain(op, gy, weight, null, stride, padding) : null;
    if (!needW) return [dx, null];
    if (isGradEnabled()) {
      // Recorded backward (higher-order gradients): the same sum from differentiable ops.
      const cols = unfoldRaw(gy, geo).transpose(1, 2);
      return [dx, sum(matmul(x.reshape([N, Ci, geo.Ho * geo.Wo]), cols), 0).reshape(weight.shape)];
    }
    const dw = empty(weight.shape);
    const [gd, go] = gy._contiguousData(op);
    K().conv2dBackward(gd, go, wd, wo, xd, xo, g, null, dw.storage.data as Float32Array, null);
    return [dx, dw];
  }, [x, weight]);
}
