/**
 * `torch.nn.functional`'s vector helpers: `normalize`, `cosineSimilarity`, `pairwiseDistance`
 * and `oneHot`, composed from the ops as PyTorch 1.13 composes them, so their values and
 * gradients follow the ops'.
 */
import { int64 } from '../../dtype.js';
import { broadcastShapes, normDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add, div, maximum, mul, sub } from '../binary.js';
import { vectorNorm } from '../norm.js';
import { sum } from '../reduce.js';
import { numberArg } from './activation.js';
import { describe, expectTensor, wrap } from '../util.js';

/**
 * `v` where at least `eps`, else `eps`, with `v`'s own gradient (PyTorch clamps the norms in
 * place under no_grad, so the graph still differentiates the unclamped norm).
 */
const atLeast = (v: Tensor, eps: number): Tensor => add(v, sub(maximum(v.detach(), eps), v.detach()));

/**
 * `x / max(‖x‖_p, eps)` along `dim` (PyTorch's `F.normalize`; defaults p 2, dim 1, eps 1e-12).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.normalize(tensor([[3, 4], [0, 0]])); // tensor([[0.6000, 0.8000], [0.0000, 0.0000]])
 * ```
 */
export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  expectTensor('normalize', 'input', x);
  numberArg('normalize', 'p', p);
  numberArg('normalize', 'eps', eps);
  // PyTorch: input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
  const n = vectorNorm(x, p, x.ndim === 0 ? null : normDim('normalize', dim, x.ndim), true);
  return div(x, maximum(n, eps));
}

/**
 * The cosine of the angle between `x1` and `x2` along `dim` (default 1), broadcasting them
 * first: `Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps))`, PyTorch 1.13's formula (each input divided
 * by its clamped norm, then the products summed); default eps 1e-8.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.cosineSimilarity(tensor([[1, 0], [1, 1]]), tensor([[0, 1], [2, 2]])); // tensor([0.0000, 1.0000])
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const op = 'cosineSimilarity';
  expectTensor(op, 'x1', x1);
  expectTensor(op, 'x2', x2);
  numberArg(op, 'eps', eps);
  const shape = broadcastShapes(op, x1.shape, x2.shape);
  const d = normDim(op, dim, Math.max(shape.length, 1));
  const a = x1.expand(shape), b = x2.expand(shape);
  const na = atLeast(vectorNorm(a, 2, d, true), eps), nb = atLeast(vectorNorm(b, 2, d, true), eps);
  return sum(mul(div(a, na), div(b, nb)), d);
}

/**
 * The `p`-norm of `x1 − x2 + eps` along the last dim (PyTorch's `F.pairwise_distance`;
 * defaults p 2, eps 1e-6, keepdim false).
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.pairwiseDistance(tensor([[0, 0]]), tensor([[3, 4]])); // tensor([5.0000]) (to eps)
 * ```
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  const op = 'pairwiseDistance';
  expectTensor(op, 'x1', x1);
  expectTensor(op, 'x2', x2);
  numberArg(op, 'p', p);
  numberArg(op, 'eps', eps);
  if (typeof keepdim !== 'boolean') throw new TypeError(`${op}: keepdim must be a boolean, got ${describe(keepdim)}`);
  const last = Math.max(x1.ndim, x2.ndim) - 1;
  return vectorNorm(add(sub(x1, x2), eps), p, last < 0 ? null : last, keepdim);
}

/**
 * Class indices (an int64 tensor) as one-hot rows: shape `[...x.shape, numClasses]`, int64
 * (PyTorch's `F.one_hot`; `numClasses` -1, the default, takes the largest index + 1).
 *
 * @example
 * ```ts
 * import { F, tensor, int64 } from '@tensile/tensor';
 * F.oneHot(tensor([0, 2], { dtype: int64 }), 3).tolist(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  const op = 'oneHot';
  expectTensor(op, 'tensor', x);
  if (x.dtype !== int64) throw new TypeError(`${op}: one_hot is only applicable to index tensor (int64), got ${x.dtype.name}`);
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < -1) throw new RangeError(`${op}: numClasses must be an integer >= -1, got ${describe(numClasses)}`);
  const idx = x.toTypedArray() as BigInt64Array;
  let C = numClasses;
  if (C === -1) {
    if (idx.length === 0) throw new RangeError(`${op}: Can not infer total number of classes from empty tensor.`);
    let m = 0n;
    for (const v of idx) if (v > m) m = v;
    C = Number(m) + 1;
  }
  for (const v of idx) {
    if (v < 0n) throw new RangeError(`${op}: Class values must be non-negative.`);
    if (v >= BigInt(C)) throw new RangeError(`${op}: Class values must be smaller than num_classes.`);
  }
  const out = new BigInt64Array(idx.length * C);
  idx.forEach((v, i) => { out[i * C + Number(v)] = 1n; });
  return wrap(out, [...x.shape, C], int64);
}
