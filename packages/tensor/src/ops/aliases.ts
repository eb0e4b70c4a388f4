/**
 * PyTorch's other names for ops that exist under a first name here, as functions of their own
 * (each with PyTorch's name in camelCase), so a ported script need not rename them.
 */
import type { Tensor } from '../tensor.js';
import { clamp } from './unary.js';
import { cat, transpose } from './movement.js';

/**
 * `clamp(x, min)`: PyTorch's `clamp_min`.
 *
 * @example
 * ```ts
 * import { clampMin, tensor } from '@tensile/tensor';
 * clampMin(tensor([-1, 2]), 0); // tensor([0., 2.])
 * ```
 */
export function clampMin(x: Tensor, min: number): Tensor {
  return clamp(x, min, null);
}

/**
 * `clamp(x, null, max)`: PyTorch's `clamp_max`.
 *
 * @example
 * ```ts
 * import { clampMax, tensor } from '@tensile/tensor';
 * clampMax(tensor([-1, 2]), 0); // tensor([-1., 0.])
 * ```
 */
export function clampMax(x: Tensor, max: number): Tensor {
  return clamp(x, null, max);
}

/**
 * `transpose(x, dim0, dim1)`: PyTorch's (and NumPy's) `swapaxes`, also `swapdims`.
 *
 * @example
 * ```ts
 * import { swapaxes, zeros } from '@tensile/tensor';
 * swapaxes(zeros([2, 3, 4]), 0, 2).shape; // [4, 3, 2]
 * ```
 */
export function swapaxes(x: Tensor, dim0: number, dim1: number): Tensor {
  return transpose(x, dim0, dim1);
}

/**
 * `cat(tensors, dim)`: PyTorch's `concat` (and `concatenate`).
 *
 * @example
 * ```ts
 * import { concat, ones } from '@tensile/tensor';
 * concat([ones([2]), ones([3])]).shape; // [5]
 * ```
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  return cat(tensors, dim);
}
