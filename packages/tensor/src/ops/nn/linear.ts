import { isGradEnabled, record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { K } from '../../kernels/index.js';
import { fmt, numel, sameShape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { float32 } from '../../dtype.js';
import { add } from '../binary.js';
import { matmul, sameDType } from '../matmul.js';
import { sum } from '../reduce.js';
import { empty, expectTensor } from '../util.js';

// ---- linear and convolution ---------------------------------------------------------------

/**
 * `x @ weightᵀ + bias`, with `weight` `[out, in]` and `bias` `[out]`; x is `[..., in]`.
 *
 * @example
 * ```ts
 * import { F, ones, zeros } from '@tensile/tensor';
 * F.linear(ones([4, 3]), ones([2, 3]), zeros([2])).shape; // [4, 2]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  expectTensor('linear', 'input', x);
  expectTensor('linear', 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-d [out, in], got shape ${fmt(weight.shape)}`);
  const [O, I] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== I) throw new ShapeError(`linear: input has shape ${fmt(x.shape)} but weight ${fmt(weight.shape)} expects last dim ${I}`);
  if (bias !== undefined && bias !== null) {
    expectTensor('linear', 'bias', bias);
    if (!sameShape(bias.shape, [O])) throw new ShapeError(`linear: bias has shape ${fmt(bias.shape)} but weight ${fmt(weight.shape)} needs [${O}]`);
  }
  // NOTE: one node with its own backward, for speed. Composed as matmul(x, Wᵀ) + b, the weight's
  // gradient would come out transposed (xᵀ·g, then a strided copy into W's layout) and the bias
  // would cost a broadcast add and an unbroadcast. Here dW = gᵀ·x lands in W's layout directly.
  // The backward is built from differentiable ops, so higher-order gradients still work.
  // The kernel takes the product and the bias in one pass (in the wasm module, one staging), and
  // the backward all three gradients from one staging of g.
  if (x.dtype !== float32 || weight.dtype !== float32 || (bias && bias.dtype !== float32)) {
    // Other dtypes: composed (float64 products in doubles; a mix refused, as PyTorch refuses it).
    sameDType('linear', x, weight);
    if (bias) sameDType('linear', x, bias);
    const y = matmul(x, weight.t());
    return bias ? add(y, bias) : y;
  }
  const batch = x.shape.slice(0, -1);
  const rows = numel(batch);
  const x2 = x.reshape([rows, I]);
  const out = empty([rows, O]);
  const [xd, xo] = x2._contiguousData('linear'), [wd, wo] = weight._contiguousData('linear');
  const [bd, bo] = bias ? bias._contiguousData('linear') : [null, 0];
  K().linear(xd, xo, wd, wo, bd, bo, rows, I, O, out.storage.data as Float32Array);
  const inputs = bias ? [x2, weight, bias] : [x2, weight];
  const y = record('linear', out, inputs, (g) => {
    const needX = x2.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false;
    if (isGradEnabled()) {
      // Recorded backward (higher-order gradients): the same products from differentiable ops.
      return [needX ? matmul(g, weight) : null, needW ? matmul(g.t(), x2) : null, needB ? sum(g, 0) : null];
    }
    const dx = needX ? empty([rows, I]) : null, dw = needW ? empty([O, I]) : null, db = needB ? empty([O]) : null;
    const [gd, go] = g._contiguousData('linear');
    K().linearBackward(xd, xo, wd, wo, gd, go, rows, I, O, (dx?.storage.data ?? null) as Float32Array | null, (dw?.storage.data ?? null) as Float32Array | null, (db?.storage.data ?? null) as Float32Array | null);
    return [dx, dw, db];
  }, inputs);
  return y.reshape([...batch, O]);
}
