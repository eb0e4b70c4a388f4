import { ShapeError } from '../../errors.js';
import type { Generator } from '../../random.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { ge, mul } from '../binary.js';
import { rand } from '../creation.js';
import { expectTensor } from '../util.js';

// ---- dropout ------------------------------------------------------------------------------

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1-p)` when `training`;
 * the identity otherwise.
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout(ones([4]), 0.5, true, new Generator(0)); // entries 0 or 2
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  expectTensor('dropout', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability has to be between 0 and 1, but got ${String(p)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const u = rand(x.shape, generator ? { generator } : {});
  // keep with probability 1-p (PyTorch's bernoulli(1-p)), scaled so the expectation is x
  const mask = mul(ge(u, p), 1 / (1 - p));
  return mul(x, mask);
}

/**
 * Zeroes whole channels: each `[n, c]` plane of `[N, C, H, W]` (or `[N, C, L]`, as PyTorch 1.13
 * reads 3-d input) with probability `p`, scaling the kept ones by `1/(1-p)`, when `training`.
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout2d(ones([1, 4, 2, 2]), 0.5, true, new Generator(0)); // each channel all 0 or all 2
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  expectTensor('dropout2d', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout2d: probability has to be between 0 and 1, but got ${String(p)}`);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`dropout2d: expected a 3-d or 4-d input, got shape ${fmt(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const maskShape = x.shape.map((s, i) => (i < 2 ? s : 1));
  const u = rand(maskShape, generator ? { generator } : {});
  return mul(x, mul(ge(u, p), 1 / (1 - p)));
}
