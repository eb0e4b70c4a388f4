import { isGradEnabled, record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { K, type Kernels } from '../../kernels/index.js';
import { nnJsKernels } from '../../kernels/nn-js.js';
import { float32, float64 } from '../../dtype.js';
import { fnOptions, intOrTuple, isIntOrTuple, num, unsupported, type Positional, type PositionalParam } from '../../call-forms.js';
import { fmt, sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { add } from '../binary.js';
import { matmul, sameDType } from '../matmul.js';
import { cat, scatterFlat } from '../movement.js';
import { sum } from '../reduce.js';
import { empty, expectTensor } from '../util.js';
import { pair } from './common.js';

export interface Conv2dOptions {
  /** Step between windows; a number or `[sh, sw]` (default 1). */
  stride?: number | readonly [number, number];
  /**
   * Implicit zeros on each side; a number or `[ph, pw]` (default 0), or `'valid'` (none) or
   * `'same'` (output as large as the input; stride 1 only; an odd total puts the extra zero on
   * the right/bottom, as PyTorch).
   */
  padding?: number | readonly [number, number] | 'same' | 'valid';
  /** Spacing between kernel taps; a number or `[dh, dw]` (default 1). */
  dilation?: number | readonly [number, number];
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
}

export interface UnfoldOptions {
  /** Step between windows; a number or `[sh, sw]` (default 1). */
  stride?: number | readonly [number, number];
  /** Implicit zeros on each side; a number or `[ph, pw]` (default 0). */
  padding?: number | readonly [number, number];
}

type Pair = number | readonly [number, number];
/** @internal PyTorch's positional order after the sizes of `F.unfold`/`fold`: `dilation` (1 only here), `padding`, `stride`. */
const UNFOLD_PARAMS: readonly PositionalParam[] = [
  unsupported('dilation', (v) => v === 1 || (Array.isArray(v) && v.length === 2 && v[0] === 1 && v[1] === 1), '1 (dilation is not supported)'),
  intOrTuple('padding'), intOrTuple('stride'),
];

interface Geometry { N: number; C: number; H: number; W: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; Ho: number; Wo: number }

export function geometry(op: string, shape: readonly number[], kernel: [number, number], stride: [number, number], padding: [number, number]): Geometry {
  const [N, C, H, W] = shape as [number, number, number, number];
  const [kh, kw] = kernel, [sh, sw] = stride, [ph, pw] = padding;
  const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
  if (H + 2 * ph < kh || W + 2 * pw < kw) {
    throw new ShapeError(`${op}: kernel size [${kh},${kw}] is larger than the padded input [${H + 2 * ph},${W + 2 * pw}] (input ${fmt(shape)}, padding [${ph},${pw}])`);
  }
  return { N, C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo };
}

/**
 * The im2col/col2im kernels of a tensor's dtype: float32 runs the backend's (wasm or JS);
 * float64 runs the JS reference loops on Float64Arrays (the same loops, element-type-agnostic).
 */
function nnKernels(op: string, t: Tensor): [Kernels, Float32Array, number] {
  if (t.dtype === float64) {
    const [d, o] = t._contiguousAny();
    return [nnJsKernels as Kernels, d as unknown as Float32Array, o];
  }
  const [d, o] = t._contiguousData(op);
  return [K(), d, o];
}

export function unfoldRaw(x: Tensor, g: Geometry): Tensor {
  const out = empty([g.N, g.C * g.kh * g.kw, g.Ho * g.Wo], x.dtype === float64 ? float64 : float32);
  const [k, d, o] = nnKernels('unfold', x);
  k.unfold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array);
  return record('unfold', out, [x], (gr) => [foldRaw(gr, g)]);
}

function foldRaw(cols: Tensor, g: Geometry): Tensor {
  const out = empty([g.N, g.C, g.H, g.W], cols.dtype === float64 ? float64 : float32);
  const [k, d, o] = nnKernels('fold', cols);
  k.fold(d, o, g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, out.storage.data as Float32Array);
  return record('fold', out, [cols], (gr) => [unfoldRaw(gr, g)]);
}

/**
 * im2col, as PyTorch's `F.unfold`: the zero-padded receptive field of every output position of
 * a `[N, C, H, W]` input, as `[N, C·kh·kw, L]` (rows ordered `(c, ky, kx)`, L = Ho·Wo output
 * positions). Its backward is `fold`.
 *
 * @example
 * ```ts
 * import { F, arange } from '@tensile/tensor';
 * F.unfold(arange(16).float().reshape(1, 1, 4, 4), 2, { stride: 2 }).shape; // [1, 4, 4]: 4 taps x 4 blocks
 * F.unfold(arange(16).float().reshape(1, 1, 4, 4), 2, 1, 0, 2).shape;      // the same, PyTorch's positionals (dilation 1 only)
 * ```
 */
export function unfold(x: Tensor, kernelSize: number | readonly [number, number], ...rest: Positional<[dilation: 1 | readonly [1, 1], padding: Pair, stride: Pair], UnfoldOptions>): Tensor {
  const options = fnOptions<UnfoldOptions>('unfold', rest, UNFOLD_PARAMS);
  expectTensor('unfold', 'input', x);
  if (x.ndim !== 4) throw new ShapeError(`unfold: expected input [N,C,H,W], got ${fmt(x.shape)}`);
  const g = geometry('unfold', x.shape, pair('unfold', 'kernelSize', kernelSize, 1), pair('unfold', 'stride', options.stride ?? 1, 1), pair('unfold', 'padding', options.padding ?? 0, 0));
  return unfoldRaw(x, g);
}

/**
 * col2im, as PyTorch's `F.fold`, the adjoint of `unfold`: sums blocks `[N, C·kh·kw, L]` into an image of
 * `outputSize` `[H, W]` (overlapping windows add up). Its backward is `unfold`.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.fold(ones([1, 4, 9]), [4, 4], 2, { stride: 1 }).shape; // [1, 1, 4, 4]
 * F.fold(ones([1, 4, 4]), [4, 4], 2, 1, 0, 2).shape;        // [1, 1, 4, 4]: PyTorch's positionals (dilation 1 only), stride 2
 * ```
 */
export function fold(cols: Tensor, outputSize: readonly [number, number], kernelSize: number | readonly [number, number], ...rest: Positional<[dilation: 1 | readonly [1, 1], padding: Pair, stride: Pair], UnfoldOptions>): Tensor {
  const options = fnOptions<UnfoldOptions>('fold', rest, UNFOLD_PARAMS);
  expectTensor('fold', 'input', cols);
  if (cols.ndim !== 3) throw new ShapeError(`fold: expected input [N, C·kh·kw, L], got ${fmt(cols.shape)}`);
  const [H, W] = pair('fold', 'outputSize', outputSize, 1);
  const [kh, kw] = pair('fold', 'kernelSize', kernelSize, 1);
  const [N, R, L] = cols.shape as [number, number, number];
  if (R % (kh * kw) !== 0) throw new ShapeError(`fold: dim 1 (${R}) of input ${fmt(cols.shape)} is not divisible by the kernel area ${kh * kw}`);
  const g = geometry('fold', [N, R / (kh * kw), H, W], [kh, kw], pair('fold', 'stride', options.stride ?? 1, 1), pair('fold', 'padding', options.padding ?? 0, 0));
  if (L !== g.Ho * g.Wo) throw new ShapeError(`fold: input ${fmt(cols.shape)} has ${L} blocks but outputSize [${H},${W}] gives ${g.Ho}x${g.Wo} = ${g.Ho * g.Wo}`);
  return foldRaw(cols, g);
}

/** Spreads a kernel `[O, C, kh, kw]` to its dilated size with zeros between taps (differentiable). */
export function dilateKernel(weight: Tensor, dh: number, dw: number): Tensor {
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  const idx = new Int32Array(O * C * kh * kw);
  let i = 0;
  for (let oc = 0; oc < O * C; oc++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) idx[i++] = (oc * eh + y * dh) * ew + x * dw;
  return scatterFlat(weight.contiguous(), idx, [O, C, eh, ew]);
}

/** @internal PyTorch's positional order after `(input, weight, bias)` of `F.conv1d`/`conv2d`. */
export const CONV_F_PARAMS: readonly PositionalParam[] = [
  intOrTuple('stride'),
  { name: 'padding', is: (v) => isIntOrTuple(v) || v === 'same' || v === 'valid', expected: "an integer, a tuple of them, 'same' or 'valid'" },
  intOrTuple('dilation'), num('groups'),
];

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x` `[N, C, H, W]` (or `[C, H, W]`) with
 * `weight` `[O, C/groups, kh, kw]`: im2col (`unfold`) then one matmul with the flattened weight.
 * `dilation` spreads the kernel with zeros, `groups` convolves channel groups separately and
 * concatenates, `padding: 'same'` pads by `dilation·(k-1)` in total: all composed from
 * differentiable ops. Positional as PyTorch (`stride, padding, dilation, groups`) or an options bag.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.conv2d(ones([1, 3, 8, 8]), ones([4, 3, 3, 3]), null, 2, 1).shape;              // [1, 4, 4, 4]: stride 2, padding 1
 * F.conv2d(ones([1, 3, 8, 8]), ones([4, 3, 3, 3]), null, { padding: 1 }).shape;    // [1, 4, 8, 8]
 * F.conv2d(ones([1, 4, 8, 8]), ones([4, 2, 3, 3]), null, { padding: 'same', dilation: 2, groups: 2 }).shape; // [1, 4, 8, 8]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: Positional<[stride: Conv2dOptions['stride'], padding: Conv2dOptions['padding'], dilation: Conv2dOptions['dilation'], groups: number], Conv2dOptions>): Tensor {
  return convNd('conv2d', 2, x, weight, bias, fnOptions('conv2d', rest, CONV_F_PARAMS));
}

function convNd(op: string, dims: 1 | 2, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions | Conv1dOptions): Tensor {
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', weight);
  const wdim = dims + 2;
  if (weight.ndim !== wdim) throw new ShapeError(`${op}: weight must be ${wdim}-d [O,C,${dims === 2 ? 'kh,kw' : 'k'}], got shape ${fmt(weight.shape)}`);
  if (x.ndim === wdim - 1) return convNd(op, dims, x.unsqueeze(0), weight, bias, options).squeeze(0);
  const groups = options.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  const O = weight.shape[0]!, Cg = weight.shape[1]!;
  if (x.ndim !== wdim || x.shape[1] !== Cg * groups) {
    throw new ShapeError(`${op}: expected input [N,C${dims === 2 ? ',H,W' : ',L'}] with C = ${Cg * groups}${groups > 1 ? ` (weight ${fmt(weight.shape)}, groups ${groups})` : ''}, got ${fmt(x.shape)}`);
  }
  if (O % groups !== 0) throw new RangeError(`${op}: out channels ${O} (weight ${fmt(weight.shape)}) must be divisible by groups ${groups}`);
  if (bias !== undefined && bias !== null) {
    expectTensor(op, 'bias', bias);
    if (!sameShape(bias.shape, [O])) throw new ShapeError(`${op}: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} needs [${O}]`);
  }
  // conv1d takes one integer (or a 1-tuple) per option; it runs as conv2d on [N, C, 1, L]
  const lift = (arg: string, v: unknown, min: number): unknown => {
    if (dims === 2) return v;
    const k = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < min) {
      throw new RangeError(`${op}: ${arg} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
    }
    return [min === 0 ? 0 : 1, k];
  };
  const stride = pair(op, 'stride', lift('stride', options.stride ?? 1, 1), 1);
  const dilation = pair(op, 'dilation', lift('dilation', options.dilation ?? 1, 1), 1);
  let x4 = x, w4 = weight;
  if (dims === 1) {
    x4 = x.unsqueeze(2);
    w4 = weight.unsqueeze(2);
  }
  const [, , kh, kw] = w4.shape as [number, number, number, number];
  const pad = options.padding ?? 0;
  let padding: [number, number];
  let trim: [number, number] = [0, 0];
  if (pad === 'valid') padding = [0, 0];
  else if (pad === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    // NOTE: PyTorch pads total = d·(k-1) with the odd zero on the right; we pad ceil(total/2)
    // on both sides and drop the first output row/column where total is odd: the same windows.
    const th = dilation[0] * (kh - 1), tw = dilation[1] * (kw - 1);
    padding = [Math.ceil(th / 2), Math.ceil(tw / 2)];
    trim = [th % 2, tw % 2];
  } else if (typeof pad === 'string') throw new RangeError(`${op}: padding must be a number, a pair, 'same' or 'valid', got ${JSON.stringify(pad)}`);
  else padding = pair(op, 'padding', lift('padding', pad, 0), 0);
  const wd = dilation[0] === 1 && dilation[1] === 1 ? w4 : dilateKernel(w4, dilation[0], dilation[1]);
  const Og = O / groups;
  // The bias goes into the kernel when nothing (groups, trimming) comes between it and the output.
  const fusedBias = bias && groups === 1 && !trim[0] && !trim[1] ? bias : null;
  const parts: Tensor[] = [];
  for (let gi = 0; gi < groups; gi++) {
    const xg = groups === 1 ? x4 : x4.narrow(1, gi * Cg, Cg);
    const wg = groups === 1 ? wd : wd.narrow(0, gi * Og, Og);
    parts.push(conv2dPlain(op, xg, wg, fusedBias, stride, padding));
  }
  let y = groups === 1 ? parts[0]! : cat(parts, 1);
  if (trim[0]) y = y.narrow(2, 1, y.shape[2]! - 1);
  if (trim[1]) y = y.narrow(3, 1, y.shape[3]! - 1);
  if (bias && !fusedBias) y = add(y, bias.reshape([O, 1, 1]));
  return dims === 1 ? y.squeeze(2) : y;
}

/**
 * One group's convolution, PyTorch's `slow_conv2d`: per sample `y[n] = W · im2col(x[n]) + b`, with
 * W flattened to `[O, C·kh·kw]`, landing in `[N, O, L] = [N, O, Ho, Wo]` with no transpose. The
 * kernel builds each sample's im2col matrix in turn (in the wasm module it never leaves it), so
 * memory does not grow with the batch. The backward is one kernel call for all three gradients;
 * when the backward is itself recorded (`createGraph`) it is composed from differentiable ops.
 */
export function conv2dPlain(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: [number, number], padding: [number, number]): Tensor {
  const [O, C, kh, kw] = weight.shape as [number, number, number, number];
  const geo = geometry(op, x.shape, [kh, kw], stride, padding);
  if (x.dtype !== float32 || weight.dtype !== float32 || (bias && bias.dtype !== float32)) {
    // NOTE: float64 (PyTorch's double convolution) is composed: im2col in double, then one
    // double matmul per sample; its gradients come from unfold's, matmul's and add's.
    sameDType(op, x, weight);
    if (bias) sameDType(op, x, bias);
    if (x.dtype !== float64) x._f32(op);
    const y = matmul(weight.reshape([O, C * kh * kw]), unfoldRaw(x, geo));
    return (bias ? add(y, bias.reshape([O, 1])) : y).reshape([geo.N, O, geo.Ho, geo.Wo]);
  }
  const g = { ...geo, O };
  const out = empty([g.N, O, g.Ho, g.Wo]);
  const [xd, xo] = x._contiguousData('conv2d'), [wd, wo] = weight._contiguousData('conv2d');
  const [bd, bo] = bias ? bias._contiguousData('conv2d') : [null, 0];
  K().conv2d(xd, xo, wd, wo, bd, bo, g, out.storage.data as Float32Array);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('conv2d', out, inputs, (gy) => {
    const needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false;
    if (isGradEnabled()) {
      // Recorded backward (higher-order gradients): the same sums from differentiable ops.
      const g3 = gy.reshape([g.N, O, g.Ho * g.Wo]), w2 = weight.reshape([O, C * kh * kw]);
      return [
        needX ? foldRaw(matmul(w2.t(), g3), geo) : null,
        needW ? sum(matmul(g3, unfoldRaw(x, geo).transpose(1, 2)), 0).reshape(weight.shape) : null,
        ...(bias ? [needB ? sum(g3, [0, 2]) : null] : []),
      ];
    }
    const dx = needX ? empty(x.shape) : null, dw = needW ? empty(weight.shape) : null, db = needB ? empty([O]) : null;
    const [gd, go] = gy._contiguousData('conv2d');
    K().conv2dBackward(xd, xo, wd, wo, gd, go, g, (dx?.storage.data ?? null) as Float32Array | null, (dw?.storage.data ?? null) as Float32Array | null, (db?.storage.data ?? null) as Float32Array | null);
    return bias ? [dx, dw, db] : [dx, dw];
  }, inputs);
}

export interface Conv1dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number];
  /** Implicit zeros on each side (default 0), `'valid'` or `'same'`. */
  padding?: number | readonly [number] | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number];
  /** Independent channel groups (default 1). */
  groups?: number;
}

/**
 * 1-D convolution of `x` `[N, C, L]` (or `[C, L]`) with `weight` `[O, C/groups, k]`: `conv2d`
 * on a height-1 image. Positional as PyTorch (`stride, padding, dilation, groups`) or an options bag.
 *
 * @example
 * ```ts
 * import { F, ones } from '@tensile/tensor';
 * F.conv1d(ones([2, 3, 10]), ones([4, 3, 3]), null, 1, 'same').shape;           // [2, 4, 10]
 * F.conv1d(ones([2, 3, 10]), ones([4, 3, 3]), null, { stride: 2 }).shape;       // [2, 4, 4]
 * ```
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, ...rest: Positional<[stride: Conv1dOptions['stride'], padding: Conv1dOptions['padding'], dilation: Conv1dOptions['dilation'], groups: number], Conv1dOptions>): Tensor {
  return convNd('conv1d', 1, x, weight, bias, fnOptions('conv1d', rest, CONV_F_PARAMS));
}
