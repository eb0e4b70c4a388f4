import { jsKernels } from './js.js';
import type { Kernels } from './types.js';

export type { Kernels, NnKernels, UnaryKind, BinaryKind, ReduceKind } from './types.js';

let active: Kernels = jsKernels;

/** The kernel set in use. Ops call `K()` once per op, never per element. */
export const K = (): Kernels => active;

/** Replaces the kernel set (the WebAssembly set plugs in here). */
export function setKernels(k: Kernels): void {
  active = k;
}
