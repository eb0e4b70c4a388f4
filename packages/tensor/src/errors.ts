/**
 * Thrown when tensor shapes do not fit an operation. The message names the op, the
 * argument and the shapes, e.g. `matmul: inner dimensions differ: [2,3] @ [4,5]`.
 *
 * @example
 * ```ts
 * import { ones, matmul, ShapeError } from '@tensile/tensor';
 * try { matmul(ones([2, 3]), ones([4, 5])); } catch (e) { console.log(e instanceof ShapeError); } // true
 * ```
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}
