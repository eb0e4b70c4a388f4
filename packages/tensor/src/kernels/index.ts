import { jsKernels } from './js.js';
import type { Kernels } from './types.js';

export type { Kernels, NnKernels, UnaryKind, BinaryKind, ReduceKind } from './types.js';

let active: Kernels = jsKernels;

/** The kernel set in use. Ops call `K()` once per op, never per element. *
 * @example
 * ```ts
 * import { kernels } from '@tensile/tensor';
 * console.log(kernels().name); // 'js'
 * ```
 */
export const K = (): Kernels => active;

/** Replaces the kernel set (the WebAssembly set plugs in here). *
 * @example
 * ```ts
 * import { kernels, setKernels } from '@tensile/tensor';
 * const js = kernels();
 * setKernels({ ...js, name: 'js-logged' }); // e.g. a wrapped or WebAssembly set
 * setKernels(js);
 * ```
 */
export function setKernels(k: Kernels): void {
  active = k;
}
