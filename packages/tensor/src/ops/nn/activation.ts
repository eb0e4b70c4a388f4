import { isGradEnabled, record } from '../../autograd.js';
import { K } from '../../kernels/index.js';
import { normDim, numel } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { bfloat16, float16, float32, float64, toDType as dtypeOf, type DTypeLike } from '../../dtype.js';
import { add, div, ge, gt, le, lt, minimum, mul, sub, where } from '../binary.js';
import { logicalAnd as logicalAndMask } from '../logical.js';
import { chunk, toDType } from '../movement.js';
import { sum } from '../reduce.js';
import { abs, clamp, exp, log1p, sigmoid, siluFused, tanh } from '../unary.js';
import { describe, empty, expectTensor } from '../util.js';
import { checkOptions } from '../../options.js';
import { allocStorage } from '../../storage-pool.js';
import { bool as boolParam, fnOptions, inplaceFlag, num, unsupported, type Positional } from '../../call-forms.js';
import type { Generator } from '../../random.js';
import { rand, zeros } from '../creation.js';

// ---- softmax ------------------------------------------------------------------------------

export function softmaxForward(op: string, x: Tensor, dim: number, log: boolean): [Tensor, number] {
  expectTensor(op, 'input', x);
  if (typeof dim !== 'number') throw new TypeError(`${op}: dim must be an integer, got ${String(dim)}`);
  const d = normDim(op, dim, x.ndim);
  const D = x.shape[d] ?? 1;
  const pre = numel(x.shape.slice(0, d)), post = numel(x.shape.slice(d + 1));
  if (x.dtype === float64) {
    const out = empty(x.shape, float64);
    const [data, off] = x._contiguousAny();
    softmax64(data as Float64Array, off, pre, D, post, out.storage.data as Float64Array, log);
    return [out, d];
  }
  const out = empty(x.shape);
  const [data, off] = x._contiguousData(op);
  K().softmax(data, off, pre, D, post, out.storage.data as Float32Array, log);
  return [out, d];
}

/** Softmax (or log-softmax) over the middle dim of `[pre, D, post]` in doubles: shifted by the row's max, as PyTorch's. */
function softmax64(x: Float64Array, off: number, pre: number, D: number, post: number, out: Float64Array, log: boolean): void {
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = (k: number): number => (p * D + k) * post + q;
      let m = -Infinity;
      for (let k = 0; k < D; k++) m = Math.max(m, x[off + at(k)]!);
      let s = 0;
      for (let k = 0; k < D; k++) s += Math.exp(x[off + at(k)]! - m);
      const ls = Math.log(s);
      for (let k = 0; k < D; k++) {
        const v = x[off + at(k)]! - m;
        out[at(k)] = log ? v - ls : Math.exp(v) / s;
      }
    }
  }
}

/** `softmax`'s and `logSoftmax`'s keyword: PyTorch's `dtype`, the dtype the input is cast to first. */
export interface SoftmaxOptions {
  dtype?: DTypeLike;
}

/** x cast to the options' dtype (a differentiable cast), as PyTorch casts before the op. */
function castFirst(op: string, x: Tensor, options: SoftmaxOptions | undefined): Tensor {
  if (options === undefined) return x;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object like { dtype: 'float64' }, got ${describe(options)}`);
  const { dtype } = checkOptions(op, options, ['dtype']);
  expectTensor(op, 'input', x);
  return dtype === undefined || dtype === null ? x : toDType(x, dtypeOf(dtype, op));
}

/**
 * Softmax along `dim`: `exp(x) / sum(exp(x))`, computed stably (shifted by the max).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softmax(tensor([[0, Math.log(3)]]), 1); // tensor([[0.2500, 0.7500]])
 * ```
 */
export function softmax(x: Tensor, dim: number, options?: SoftmaxOptions): Tensor {
  x = castFirst('softmax', x, options);
  const [y, d] = softmaxForward('softmax', x, dim, false);
  // d softmax: y * (g - sum(g * y))
  return record('softmax', y, [x], (g) => [softmaxBackward(false, y, g, d) ?? mul(y, sub(g, sum(mul(g, y), d, true)))], [y]);
}

/**
 * `log(softmax(x))` along `dim`, computed as `x - max - log(sum(exp(x - max)))`, so it stays
 * finite where `softmax` underflows to 0.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.logSoftmax(tensor([0, 0]), 0); // tensor([-0.6931, -0.6931])
 * ```
 */
export function logSoftmax(x: Tensor, dim: number, options?: SoftmaxOptions): Tensor {
  x = castFirst('logSoftmax', x, options);
  const [y, d] = softmaxForward('logSoftmax', x, dim, true);
  // NOTE: a fused kernel and a hand-written backward `g - softmax(x) * sum(g)`: composing
  // `x - logsumexp(x)` would materialise exp(x - max) twice and route the gradient through a
  // log of a sum, which loses precision for confident (near one-hot) rows. softmax is
  // recovered as exp(y), so the backward stays differentiable for double backward.
  return record('logSoftmax', y, [x], (g) => [softmaxBackward(true, y, g, d) ?? sub(g, mul(exp(y), sum(g, d, true)))], [y]);
}

/**
 * @internal The float32 backward of softmax (`y·(g − Σ g·y)`) or log-softmax (`g − e^y·Σ g`)
 * along `d` in one pass per row, every element rounded as the composed ops round it (the
 * products and differences in float32, the sum in double in the dim's order, as `sum`'s kernels,
 * e^y from the kernel set), so it gives the composed backward's bits without its three full-size
 * intermediates (the broadcast product of the composed form ran element by element in JS).
 * `scale` (a float32 value) multiplies each result, as a following `mul` by it would (attention's
 * scaled scores; 1 is exact). Null where the composed form must run: a recorded backward, or
 * another dtype.
 */
export function softmaxBackward(log: boolean, y: Tensor, g: Tensor, d: number, scale = 1): Tensor | null {
  if (isGradEnabled() || y.dtype !== float32 || g.dtype !== float32) return null;
  const D = y.shape[d] ?? 1, pre = numel(y.shape.slice(0, d)), post = numel(y.shape.slice(d + 1));
  const [yd, yo] = y._contiguousData('softmax'), [gd, go] = g._contiguousData('softmax');
  const out = empty(y.shape);
  K().softmaxBackward(yd, yo, gd, go, pre, D, post, out.storage.data as Float32Array, log, scale);
  return out;
}

// ---- activations --------------------------------------------------------------------------

/**
 * `x` where positive, `negativeSlope·x` elsewhere (default slope 0.01).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.leakyRelu(tensor([-2, 3]), 0.1); // tensor([-0.2000, 3.0000])
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  expectTensor('leakyRelu', 'input', x);
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) throw new TypeError(`leakyRelu: negativeSlope must be a number, got ${describe(negativeSlope)}`);
  // PyTorch's CPU kernel has no integer or bool version ("leaky_relu_cpu" not implemented for 'Long').
  floatInput('leakyRelu', 'leaky_relu_cpu', x);
  // NOTE: one pass each way instead of gt + mul + where (three passes and two temporaries): the
  // same values, PyTorch's float32 product x·float32(slope), and its gradient g·float32(slope)
  // where x <= 0 (NaN included); composed when the backward is itself recorded.
  // float32 runs the kernel set's (the module's: a select per four lanes, where JavaScript's
  // data-dependent branch mispredicted on half of a layer's activations).
  const f32 = x.dtype === float32;
  const slope = f32 ? Math.fround(negativeSlope) : negativeSlope;
  const [xd, xo] = x._contiguousAny() as [Float32Array | Float64Array, number];
  const n = x.numel();
  const out = empty(x.shape, x.dtype);
  const o = out.storage.data as Float32Array | Float64Array;
  if (f32) K().leakyRelu(xd as Float32Array, xo, o as Float32Array, n, slope);
  else for (let i = 0; i < n; i++) {
    const v = xd[xo + i]!;
    o[i] = v > 0 ? v : v * slope;
  }
  return record('leakyRelu', out, [x], (g) => {
    if (isGradEnabled()) return [where(gt(x, 0), g, mul(g, negativeSlope))];
    const [gd, go] = g._contiguousAny() as [Float32Array | Float64Array, number];
    const dx = empty(x.shape, x.dtype);
    const d = dx.storage.data as Float32Array | Float64Array;
    if (f32 && g.dtype === float32) K().leakyReluBackward(xd as Float32Array, xo, gd as Float32Array, go, d as Float32Array, n, slope);
    else for (let i = 0; i < n; i++) d[i] = xd[xo + i]! > 0 ? gd[go + i]! : f32 ? Math.fround(gd[go + i]! * slope) : gd[go + i]! * slope;
    return [dx];
  }, [x]);
}

/**
 * ELU: `x` where positive, `alpha·(eˣ - 1)` elsewhere (default alpha 1).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.elu(tensor([-1, 2])); // tensor([-0.6321, 2.0000])
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  floatInput('elu', 'elu_cpu', x);
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`elu: alpha must be a number, got ${describe(alpha)}`);
  // NOTE: exp of the clamped input, so the branch `where` discards cannot overflow to inf and
  // turn its zero gradient into NaN (0·inf).
  return where(gt(x, 0), x, mul(sub(exp(clamp(x, null, 0)), 1), alpha));
}

/**
 * SiLU (swish): `x·sigmoid(x)`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.silu(tensor([0, 1])); // tensor([0.0000, 0.7311])
 * ```
 */
export function silu(x: Tensor): Tensor {
  return siluFused(x); // float32 and float64 (an integer input is an error, as in PyTorch)
}

/**
 * Softplus `log(1 + e^(βx))/β`, and `x` itself where `βx > threshold` (defaults β 1, threshold 20).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softplus(tensor([0])); // tensor([0.6931])
 * ```
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  floatInput('softplus', 'softplus_cpu', x);
  if (typeof beta !== 'number' || !(beta !== 0 && Number.isFinite(beta))) throw new RangeError(`softplus: beta must be a finite non-zero number, got ${String(beta)}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`softplus: threshold must be a number, got ${describe(threshold)}`);
  return softplusNode(x, beta, threshold);
}

/**
 * Softplus as one node each way, as ATen's softplus kernels compute it, each operation in the
 * input's dtype (float32: β and the threshold rounded to float32, e^x from the kernel set's
 * `exp` over the whole array, log1p rounded from double): forward `βx > threshold ? x :
 * log1p(e^(βx))/β`, backward `βx > threshold ? dy : dy·z/(z + 1)` with `z = e^(βx)` kept from
 * the forward (ATen recomputes it: the same values). It was seven ops each way. A recorded
 * backward (create_graph) composes the same formula from ops.
 */
function softplusNode(x: Tensor, beta: number, threshold: number): Tensor {
  const f32 = x.dtype === float32;
  const r = f32 ? Math.fround : (v: number): number => v;
  const b = r(beta), th = r(threshold), n = x.numel();
  const [xd, xo] = x._contiguousAny() as [Float64Array, number];
  // z = e^(βx), the soft branch's exponential (read only where βx <= threshold).
  const z = (f32 ? allocStorage(Float32Array, n) : allocStorage(Float64Array, n)) as unknown as Float64Array;
  for (let i = 0; i < n; i++) z[i] = r(xd[xo + i]! * b);
  if (f32) K().unary('exp', z as unknown as Float32Array, 0, z as unknown as Float32Array, 0, n);
  else for (let i = 0; i < n; i++) z[i] = Math.exp(z[i]!);
  const out = empty(x.shape, x.dtype);
  const o = out.storage.data as Float64Array;
  for (let i = 0; i < n; i++) {
    const v = xd[xo + i]!;
    o[i] = r(v * b) > th ? v : r(r(Math.log1p(z[i]!)) / b);
  }
  return record('softplus', out, [x], (g) => {
    if (isGradEnabled() || g.dtype !== x.dtype) {
      const bx = mul(x, beta), e = exp(minimum(bx, threshold));
      return [where(gt(bx, threshold), g, div(mul(g, e), add(e, 1)))];
    }
    // xd: the forward's values of x (x is saved: an in-place change since is refused before this runs)
    const [gd, go] = g._contiguousAny() as [Float64Array, number];
    const dx = empty(x.shape, x.dtype);
    const d = dx.storage.data as Float64Array;
    for (let i = 0; i < n; i++) {
      const dy = gd[go + i]!, zi = z[i]!;
      d[i] = r(xd[xo + i]! * b) > th ? dy : r(r(dy * zi) / r(zi + 1));
    }
    return [dx];
  }, [x]);
}

// ---- the rest of torch.nn.functional's activations ---------------------------------------

/** @internal A number argument (not NaN) of an `F` function, or a TypeError naming the function, the argument and the value. */
export function numberArg(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${op}: ${name} must be a number, got ${describe(v)}`);
  return v;
}

/**
 * A float32 or float64 input; an integer or bool one gets PyTorch's "not implemented for" error
 * naming its CPU kernel, a float16 or bfloat16 one the library's own (it stores them, and
 * computes in float32 and float64 only: these functions compose ops that refuse them), naming
 * the function called rather than the op inside that would refuse.
 */
function floatInput(op: string, kernel: string, x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  if (!x.dtype.isFloatingPoint) throw new TypeError(`${op}: "${kernel}" not implemented for '${x.dtype.cName}'`);
  noHalf(op, x);
  return x;
}

/** The library's refusal of a float16 or bfloat16 input, naming `op`: `_f32`'s, as binaryForward refuses them. */
function noHalf(op: string, x: Tensor): void {
  if (x.dtype === float16 || x.dtype === bfloat16) x._f32(op);
}

/**
 * `x` clamped to `[minVal, maxVal]` (defaults -1, 1); the gradient passes only strictly inside
 * (PyTorch's `hardtanh_backward`: zero at the bounds).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.hardtanh(tensor([-2, 0.5, 3])); // tensor([-1.0000, 0.5000, 1.0000])
 * ```
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  expectTensor('hardtanh', 'input', x);
  noHalf('hardtanh', x);
  numberArg('hardtanh', 'minVal', minVal);
  numberArg('hardtanh', 'maxVal', maxVal);
  const clamped = clamp(x.detach(), minVal, maxVal);
  if (!x.requiresGrad) return clamped;
  return where(gt(x, minVal), where(lt(x, maxVal), x, clamped), clamped);
}

/**
 * `min(max(x, 0), 6)` (PyTorch's `relu6`: `hardtanh(x, 0, 6)`, zero gradient at 0 and 6).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.relu6(tensor([-1, 3, 8])); // tensor([0., 3., 6.])
 * ```
 */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/**
 * `relu6(x + 3) / 6` (PyTorch's `hardsigmoid`); gradient `1/6` strictly inside (-3, 3), else 0.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.hardsigmoid(tensor([-4, 0, 1.5])); // tensor([0.0000, 0.5000, 0.7500])
 * ```
 */
export function hardsigmoid(x: Tensor): Tensor {
  floatInput('hardsigmoid', 'hardsigmoid_cpu', x);
  const y = div(clamp(add(x.detach(), 3), 0, 6), 6);
  // PyTorch's hardsigmoid_backward: grad·(1/6 as a float constant) strictly inside (-3, 3)
  return record('hardsigmoid', y, [x], (g) => [where(gt(x, -3), where(lt(x, 3), mul(g, ONE_SIXTH), 0), 0)]);
}
/** PyTorch's `one_sixth` in the hard activations' kernels: `1.0f / 6.0f`, a float even for double data. */
const ONE_SIXTH = Math.fround(1 / 6);

/**
 * `x · relu6(x + 3) / 6` (PyTorch's `hardswish`, MobileNetV3's activation); gradient 0 below
 * -3, `x/3 + 1/2` on [-3, 3), 1 from 3 on (PyTorch's vectorised kernel's choice at 3).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.hardswish(tensor([-4, 1, 4])); // tensor([-0.0000, 0.6667, 4.0000])
 * ```
 */
export function hardswish(x: Tensor): Tensor {
  floatInput('hardswish', 'hardswish_cpu', x);
  const xd = x.detach();
  const y = div(mul(xd, clamp(add(xd, 3), 0, 6)), 6);
  // PyTorch's vectorised hardswish_backward: 0 below -3, grad·(x/3 + 1/2) on [-3, 3), grad from 3
  // on (its scalar loop, which only the last few elements of a row take, gives 1.5 at 3 itself)
  return record('hardswish', y, [x], (g) => [where(lt(x, -3), 0, where(lt(x, 3), mul(g, add(div(x, 3), 0.5)), g))]);
}

/** Where `−lambd <= t <= lambd`: the shrinks' zero band (their values and gradients are 0 there). */
const withinLambd = (t: Tensor, lambd: number): Tensor => logicalAndMask(ge(t, -lambd), le(t, lambd));

/** PyTorch's check of a shrink's `lambd` (a number; softshrink also refuses a negative one). */
function lambdArg(op: string, lambd: unknown, nonNegative: boolean): number {
  if (typeof lambd !== 'number') throw new TypeError(`${op}: lambd must be a number, got ${describe(lambd)}`);
  if (nonNegative && !(lambd >= 0)) throw new RangeError(`${op}: lambda must be greater or equal to 0, but found to be ${lambd}`);
  return lambd;
}

/**
 * `x` where `|x| > lambd`, else 0 (PyTorch's `hardshrink`, default `lambd` 0.5; NaN passes);
 * the gradient passes where the value did (`hardshrink_backward`: zero on `[−lambd, lambd]`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.hardshrink(tensor([-1, 0.3, 0.5, 2])); // tensor([-1.,  0.,  0.,  2.])
 * ```
 */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  floatInput('hardshrink', 'hardshrink_cpu', x);
  lambdArg('hardshrink', lambd, false);
  const xd = x.detach();
  const y = where(withinLambd(xd, lambd), 0, xd);
  return record('hardshrink', y, [x], (g) => [where(withinLambd(x, lambd), 0, g)]);
}

/**
 * `x − lambd` above `lambd`, `x + lambd` below `−lambd`, else 0 (PyTorch's `softshrink`,
 * default 0.5); a NaN stays NaN, as PyTorch 2.x (1.13 gave 0). The gradient is zero on
 * `[−lambd, lambd]`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softshrink(tensor([-1, 0.3, 2])); // tensor([-0.5000,  0.0000,  1.5000])
 * ```
 */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  floatInput('softshrink', 'softshrink_cpu', x);
  lambdArg('softshrink', lambd, true);
  const xd = x.detach();
  const y = where(gt(xd, lambd), sub(xd, lambd), where(lt(xd, -lambd), add(xd, lambd), mul(xd, 0)));
  return record('softshrink', y, [x], (g) => [where(withinLambd(x, lambd), 0, g)]);
}

/**
 * `x − tanh(x)` (PyTorch's `tanhshrink`); gradient `tanh(x)²`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.tanhshrink(tensor([0, 1])); // tensor([0.0000, 0.2384])
 * ```
 */
export function tanhshrink(x: Tensor): Tensor {
  floatInput('tanhshrink', 'tanh_cpu', x);
  const t = tanh(x.detach());
  return record('tanhshrink', sub(x.detach(), t), [x], (g) => {
    const th = tanh(x);
    return [mul(g, mul(th, th))];
  });
}

/**
 * `log(sigmoid(x))`, computed as `min(0, x) − log1p(e^−|x|)` so it never overflows (PyTorch's
 * `logsigmoid`); gradient `sigmoid(−x)`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.logsigmoid(tensor([0, -100])); // tensor([  -0.6931, -100.0000])
 * ```
 */
export function logsigmoid(x: Tensor): Tensor {
  floatInput('logsigmoid', 'log_sigmoid_forward', x);
  const out = x.detach();
  const y = sub(minimum(out, 0), log1p(exp(mul(abs(out), -1))));
  // PyTorch's log_sigmoid_backward: with z = e^-|x|, (x < 0 ? 1 - z/(1+z) : z/(1+z))·grad
  return record('logsigmoid', y, [x], (g) => {
    const z = exp(mul(abs(x), -1)), t = div(z, add(z, 1));
    return [mul(where(lt(x, 0), sub(1, t), t), g)];
  });
}

/**
 * `x / (1 + |x|)` (PyTorch's `softsign`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softsign(tensor([-3, 1])); // tensor([-0.7500,  0.5000])
 * ```
 */
export function softsign(x: Tensor): Tensor {
  expectTensor('softsign', 'input', x);
  noHalf('softsign', x);
  return div(x, add(abs(x), 1));
}

/** SELU's constants (Klambauer et al.), as PyTorch's. */
const SELU_ALPHA = 1.6732632423543772848170429916717, SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * `scale · elu(x, alpha)` with SELU's fixed constants (PyTorch's `selu`; α ≈ 1.6733, scale ≈ 1.0507).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.selu(tensor([-1, 1])); // tensor([-1.1113,  1.0507])
 * ```
 */
export function selu(x: Tensor): Tensor {
  floatInput('selu', 'elu_cpu', x);
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/**
 * `x` where positive, `alpha·(e^(x/alpha) − 1)` elsewhere (PyTorch's `celu`, default alpha 1).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.celu(tensor([-1, 2]), 2); // tensor([-0.7869,  2.0000])
 * ```
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  floatInput('celu', 'elu_cpu', x);
  numberArg('celu', 'alpha', alpha);
  if (alpha === 0) throw new RangeError('celu: ZeroDivisionError (alpha 0)');
  // exp of the clamped input, as elu: the discarded branch cannot overflow into a NaN gradient
  return where(gt(x, 0), x, mul(sub(exp(div(clamp(x, null, 0), alpha)), 1), alpha));
}

/**
 * `x · tanh(softplus(x))` (PyTorch's `mish`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.mish(tensor([-1, 0, 1])); // tensor([-0.3034,  0.0000,  0.8651])
 * ```
 */
export function mish(x: Tensor): Tensor {
  floatInput('mish', 'mish_cpu', x);
  const xd = x.detach();
  const y = mul(xd, tanh(log1p(exp(xd))));
  // PyTorch's mish_backward: grad·(tanh(softplus(x)) + x·sigmoid(x)·(1 − tanh(softplus(x))²))
  return record('mish', y, [x], (g) => {
    const ts = tanh(log1p(exp(x)));
    return [mul(g, add(ts, mul(mul(x, sigmoid(x)), sub(1, mul(ts, ts)))))];
  });
}

/**
 * The gated linear unit: `x` split in halves `a`, `b` along `dim` (default the last), `a · sigmoid(b)`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.glu(tensor([[1, 2, 0, 0]])); // tensor([[0.5000, 1.0000]])
 * ```
 */
export function glu(x: Tensor, dim = -1): Tensor {
  floatInput('glu', 'glu_cpu', x);
  if (x.ndim === 0) throw new RangeError('glu: glu does not support scalars because halving size must be even');
  const d = normDim('glu', dim, x.ndim);
  const n = x.shape[d]!;
  if (n % 2 !== 0) throw new RangeError(`glu: Halving dimension must be even, but dimension ${d} is size ${n}`);
  const [a, b] = chunk(x, 2, d);
  return mul(a!, sigmoid(b!));
}

/**
 * `softmax(−x, dim)` (PyTorch's `softmin`).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softmin(tensor([0, Math.log(3)]), 0); // tensor([0.7500, 0.2500])
 * ```
 */
export function softmin(x: Tensor, dim: number): Tensor {
  expectTensor('softmin', 'input', x);
  return softmax(mul(x, -1), dim);
}

/**
 * `value` where `x <= threshold`, `x` elsewhere (NaN stays NaN), PyTorch's `threshold`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.threshold(tensor([0.05, 0.5]), 0.1, 20); // tensor([20.0000,  0.5000])
 * ```
 */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  expectTensor('threshold', 'input', x);
  noHalf('threshold', x);
  numberArg('threshold', 'threshold', threshold);
  numberArg('threshold', 'value', value);
  return where(le(x, threshold), value, x);
}

/**
 * `x` where positive, `weight·x` elsewhere, `weight` a learnt slope per channel (dim 1; one
 * slope for every element when it has one value), PyTorch's `F.prelu`.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.prelu(tensor([[-2, 3], [-4, -1]]), tensor([0.5, 0.1])); // tensor([[-1.0000,  3.0000], [-2.0000, -0.1000]])
 * ```
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  floatInput('prelu', 'prelu_cpu', x);
  expectTensor('prelu', 'weight', weight);
  const n = weight.numel();
  if (weight.ndim > 1) throw new RangeError(`prelu: weight must be a 1-d tensor or a scalar, got ${weight.ndim} dims`);
  let w = weight;
  if (n !== 1) {
    const channels = x.ndim >= 2 ? x.shape[1]! : x.ndim === 1 ? x.shape[0]! : 1;
    if (n !== channels) throw new RangeError(`prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`);
    w = x.ndim >= 2 ? weight.reshape([n, ...x.shape.slice(2).map(() => 1)]) : weight;
  } else w = weight.reshape([]);
  return where(gt(x, 0), x, mul(w, x));
}

/** `rrelu`'s options: PyTorch's keywords, and the generator of the training-time slopes. */
export interface RReLUOptions {
  /** The smallest slope (default 1/8). */
  lower?: number;
  /** The largest slope (default 1/3). */
  upper?: number;
  /** Draw a slope per element (default false: the mean slope, `(lower + upper) / 2`). */
  training?: boolean;
  generator?: Generator;
}

/**
 * Randomized leaky ReLU (PyTorch's `F.rrelu`): when `training`, each element `x <= 0` is
 * multiplied by its own slope drawn uniformly from `[lower, upper]` (rounded to the input's
 * dtype, as ATen's `opmath` product), the gradient by the same slope; otherwise `leakyRelu` with
 * the mean slope `(lower + upper) / 2`. PyTorch's positional order: `lower, upper, training,
 * inplace` (`inplace` accepted, as the layers': the result is a new tensor). The slopes come
 * from tensile's generator, not PyTorch's.
 *
 * @example
 * ```ts
 * import { F, tensor, Generator } from '@tensile/tensor';
 * F.rrelu(tensor([-2, 3]));                        // tensor([-0.4583, 3.0000]): slope (1/8 + 1/3) / 2
 * F.rrelu(tensor([-2, 3]), 0.1, 0.3, true);        // the -2 scaled by a slope in [0.1, 0.3]
 * F.rrelu(tensor([-2, 3]), { training: true, generator: new Generator(0) });
 * ```
 */
export function rrelu(x: Tensor, ...rest: Positional<[lower: number, upper: number, training: boolean, inplace: boolean], RReLUOptions>): Tensor {
  const op = 'rrelu';
  const o = fnOptions<RReLUOptions>(op, rest, [num('lower'), num('upper'), boolParam('training'), inplaceFlag], ['generator']);
  expectTensor(op, 'input', x);
  const lower = o.lower ?? 1 / 8, upper = o.upper ?? 1 / 3, training = o.training ?? false;
  for (const [k, v] of [['lower', lower], ['upper', upper]] as const) if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${op}: ${k} must be a number, got ${describe(v)}`);
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${describe(training)}`);
  if (!(lower <= upper)) throw new RangeError(`${op}: Lower bound should be less than or equal to the upper bound, got lower ${lower} and upper ${upper}`);
  if (!training) return leakyRelu(x, (lower + upper) / 2);
  // slopes drawn in double, rounded once to the input's dtype; 1 where x > 0 (and NaN)
  const u = rand(x.shape, { dtype: float64, ...(o.generator ? { generator: o.generator } : {}) });
  const noise = where(le(x, 0), add(mul(u, upper - lower), lower).to(x.dtype), 1);
  return mul(x, noise);
}

/** `gumbelSoftmax`'s options: PyTorch's keywords, and the generator of the Gumbel noise. */
export interface GumbelSoftmaxOptions {
  /** Temperature (default 1), positive. */
  tau?: number;
  /** Return the one-hot of each sample's largest entry, with the soft sample's gradient (default false). */
  hard?: boolean;
  /** The dim the softmax runs along (default -1). */
  dim?: number;
  generator?: Generator;
}

/**
 * A sample from the Gumbel-softmax (Concrete) distribution of unnormalised log-probabilities
 * `logits` (PyTorch's `F.gumbel_softmax`): `softmax((logits + g) / tau, dim)` with Gumbel noise
 * `g = -log(-log(u))`, u uniform in [0, 1). With `hard`, the one-hot of each sample's argmax in
 * the forward and the soft sample's gradient in the backward (`yHard - ySoft.detach() + ySoft`).
 * PyTorch's positional order: `tau, hard, eps` (deprecated, unused: any number), `dim`. The noise
 * comes from tensile's generator, not PyTorch's.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.gumbelSoftmax(tensor([[1, 2, 3]]), 0.5).sum(-1);                  // tensor([1.])
 * F.gumbelSoftmax(tensor([[1, 2, 3]]), 1, true);                      // a one-hot row
 * F.gumbelSoftmax(tensor([[1, 2, 3]]), { hard: true, dim: 1 }).shape; // [1, 3]
 * ```
 */
export function gumbelSoftmax(logits: Tensor, ...rest: Positional<[tau: number, hard: boolean, eps: number, dim: number], GumbelSoftmaxOptions>): Tensor {
  const op = 'gumbelSoftmax';
  const o = fnOptions<GumbelSoftmaxOptions>(op, rest, [num('tau'), boolParam('hard'), unsupported('eps', (v) => typeof v === 'number', 'a number'), num('dim')], ['generator']);
  expectTensor(op, 'logits', logits);
  const tau = o.tau ?? 1, hard = o.hard ?? false, dim = o.dim ?? -1;
  if (typeof tau !== 'number' || !(tau > 0)) throw new RangeError(`${op}: tau must be a positive number, got ${describe(tau)}`);
  if (typeof hard !== 'boolean') throw new TypeError(`${op}: hard must be a boolean, got ${describe(hard)}`);
  if (!logits.dtype.isFloatingPoint) throw new TypeError(`${op}: logits must be floating point, got ${logits.dtype.name}`);
  const u = rand(logits.shape, { dtype: logits.dtype, ...(o.generator ? { generator: o.generator } : {}) });
  const gumbels = u.log().neg().log().neg(); // -log(Exp(1)), the exponential never 0
  const y = softmax(div(add(logits, gumbels), tau), dim);
  if (!hard) return y;
  const yHard = zeros(logits.shape, { dtype: logits.dtype }).scatter(dim, y.argmax(dim, true), 1);
  return add(sub(yHard, y.detach()), y);
}
