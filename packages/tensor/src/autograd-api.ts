/**
 * `torch.autograd` as a namespace: `autograd.grad`, `autograd.backward` (several roots at once) and
 * `autograd.gradcheck`.
 *
 * @example
 * ```ts
 * import { autograd, tensor, float64 } from '@tensile/tensor';
 * autograd.gradcheck((t) => t.exp().sum(), [tensor([1, 2], { dtype: float64, requiresGrad: true })]); // true
 * ```
 */
export { grad, noGrad, enableGrad, isGradEnabled, backwardAll as backward } from './autograd.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
