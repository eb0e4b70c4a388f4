import { isGradEnabled, record } from '../../autograd.js';
import { K } from '../../kernels/index.js';
import { normDim, numel } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { float32, float64 } from '../../dtype.js';
import { add, div, gt, minimum, mul, sub, where } from '../binary.js';
import { sum } from '../reduce.js';
import { clamp, exp, log1p, sigmoid, siluFused } from '../unary.js';
import { describe, empty, expectTensor } from '../util.js';
import { allocStorage } from '../../storage-pool.js';

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

/**
 * Softmax along `dim`: `exp(x) / sum(exp(x))`, computed stably (shifted by the max).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.softmax(tensor([[0, Math.log(3)]]), 1); // tensor([[0.2500, 0.7500]])
 * ```
 */
export function softmax(x: Tensor, dim: number): Tensor {
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
export function logSoftmax(x: Tensor, dim: number): Tensor {
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
  const o = out.storage.data as Float32Array, r = Math.fround;
  if (log) K().unary('exp', yd, yo, o, 0, o.length);
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = p * D * post + q;
      let s = 0;
      if (log) for (let k = 0; k < D; k++) s += gd[go + at + k * post]!;
      else for (let k = 0; k < D; k++) s += r(gd[go + at + k * post]! * yd[yo + at + k * post]!);
      const t = r(s);
      if (log) for (let k = 0; k < D; k++) { const i = at + k * post; o[i] = r(r(gd[go + i]! - r(o[i]! * t)) * scale); }
      else for (let k = 0; k < D; k++) { const i = at + k * post; o[i] = r(r(yd[yo + i]! * r(gd[go + i]! - t)) * scale); }
    }
  }
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
  if (x.dtype !== float32 && x.dtype !== float64) return where(gt(x, 0), x, mul(x, negativeSlope));
  // NOTE: one pass each way instead of gt + mul + where (three passes and two temporaries): the
  // same values, PyTorch's float32 product x·float32(slope), and its gradient g·float32(slope)
  // where x <= 0 (NaN included); composed when the backward is itself recorded.
  const f32 = x.dtype === float32;
  const r = f32 ? Math.fround : (v: number): number => v;
  const slope = r(negativeSlope);
  const [xd, xo] = x._contiguousAny() as [Float32Array | Float64Array, number];
  const n = x.numel();
  const out = empty(x.shape, x.dtype);
  const o = out.storage.data as Float32Array | Float64Array;
  if (f32) {
    for (let i = 0; i < n; i++) {
      const v = xd[xo + i]!;
      o[i] = v > 0 ? v : Math.fround(v * slope);
    }
  } else for (let i = 0; i < n; i++) {
    const v = xd[xo + i]!;
    o[i] = v > 0 ? v : v * slope;
  }
  return record('leakyRelu', out, [x], (g) => {
    if (isGradEnabled()) return [where(gt(x, 0), g, mul(g, negativeSlope))];
    const [gd, go] = g._contiguousAny() as [Float32Array | Float64Array, number];
    const dx = empty(x.shape, x.dtype);
    const d = dx.storage.data as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) d[i] = xd[xo + i]! > 0 ? gd[go + i]! : r(gd[go + i]! * slope);
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
  expectTensor('elu', 'input', x);
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
  expectTensor('softplus', 'input', x);
  if (typeof beta !== 'number' || !(beta !== 0 && Number.isFinite(beta))) throw new RangeError(`softplus: beta must be a finite non-zero number, got ${String(beta)}`);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`softplus: threshold must be a number, got ${describe(threshold)}`);
  if (x.dtype !== float32 && x.dtype !== float64) return softplusComposed(x, beta, threshold);
  return softplusNode(x, beta, threshold);
}

/** Softplus composed from ops (float16/bfloat16, and the recorded backward's `z`). */
function softplusComposed(x: Tensor, beta: number, threshold: number): Tensor {
  const bx = mul(x, beta);
  // NOTE: the soft branch sees min(βx, threshold), so exp never overflows where it is discarded
  return where(gt(bx, threshold), x, div(log1p(exp(minimum(bx, threshold))), beta));
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
