/**
 * `torch.cuda` for ported scripts: there is no GPU backend, so no CUDA device is available. The
 * usual device choice ports as it reads:
 *
 * @example
 * ```ts
 * import { cuda, device } from '@tensile/tensor';
 * const dev = device(cuda.isAvailable() ? 'cuda' : 'cpu'); // 'cpu'
 * ```
 */

/**
 * False: no CUDA device (PyTorch's `torch.cuda.is_available()`).
 *
 * @example
 * ```ts
 * import { cuda } from '@tensile/tensor';
 * cuda.isAvailable(); // false
 * ```
 */
export function isAvailable(): false {
  return false;
}

/**
 * 0: no CUDA devices (PyTorch's `torch.cuda.device_count()`).
 *
 * @example
 * ```ts
 * import { cuda } from '@tensile/tensor';
 * cuda.deviceCount(); // 0
 * ```
 */
export function deviceCount(): 0 {
  return 0;
}
