import { describe } from './ops/util.js';

/**
 * The device named `type` (PyTorch's `torch.device`): `'cpu'` (also `'cpu:0'`), the one device;
 * any other name is refused, saying so. Pass the result wherever PyTorch takes a device
 * (`x.to(dev)`, `model.to(dev)`, `{ device: dev }`).
 *
 * @example
 * ```ts
 * import { device, ones } from '@tensile/tensor';
 * const dev = device('cpu');
 * ones([2]).to(dev).device; // 'cpu'
 * ```
 */
export function device(type: string): 'cpu' {
  if (type === 'cpu' || type === 'cpu:0') return 'cpu';
  throw new TypeError(`device: the only device is 'cpu', got ${typeof type === 'string' ? `'${type}'` : describe(type)}`);
}
