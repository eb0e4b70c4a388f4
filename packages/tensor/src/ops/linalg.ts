/**
 * PyTorch's `torch.linalg`, as far as tensile has it: `linalg.vectorNorm` (`torch.linalg.vector_norm`).
 * @example
 * ```ts
 * import { linalg, tensor } from '@tensile/tensor';
 * linalg.vectorNorm(tensor([3, 4])); // tensor(5.)
 * ```
 */
export { vectorNorm } from './norm.js';
