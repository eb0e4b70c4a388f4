import { jsKernels } from './js.js';
import type { Kernels } from './types.js';
import { createWasmKernels, createWasmKernelsAsync, type WasmKernels } from './wasm.js';

export type { Kernels, NnKernels, ConvGeometry, UnaryKind, BinaryKind, ReduceKind, AdamConstants, RMSpropConstants } from './types.js';

/** The kernel sets the engine ships: plain JavaScript, and WebAssembly SIMD where the runtime has it. */
export type Backend = 'js' | 'wasm';

// Instantiated once at import, synchronously (the module is embedded, a few KiB; browsers compile
// modules that size synchronously on a page's main thread: the playground's self-test checks it).
let wasmKernels: WasmKernels | undefined = createWasmKernels();
let active: Kernels = wasmKernels ?? jsKernels;
/** Whether the backend was chosen with `setBackend`/`setKernels` (then `wasmReady` keeps it). */
let chosen = false;

/**
 * Resolves once the WebAssembly kernels are in place, compiling them asynchronously where the
 * synchronous compile at import was refused (browsers before about Chromium 115 refuse
 * synchronous compiles of modules past 4 KiB on a page's main thread; the engine then starts on
 * the JS kernels). Where they were compiled at import (Node, current browsers) it resolves at
 * once. Returns whether the wasm kernels are available; if they become available now and the
 * backend was the automatic JS fallback, they become the backend. Never needed in Node.
 *
 * @example
 * ```ts
 * import { wasmReady, getBackend } from '@tensile/tensor';
 * await wasmReady();
 * console.log(getBackend()); // 'wasm' where WebAssembly SIMD exists
 * ```
 */
export async function wasmReady(): Promise<boolean> {
  if (wasmKernels) return true;
  const made = await createWasmKernelsAsync();
  if (!made) return false;
  wasmKernels ??= made;
  if (active === jsKernels && !chosen) active = wasmKernels;
  return true;
}


/** The kernel set in use. Ops call `K()` once per op, never per element. *
 * @example
 * ```ts
 * import { kernels } from '@tensile/tensor';
 * console.log(kernels().name); // 'wasm' (or 'js' where WebAssembly SIMD is missing)
 * ```
 */
export const K = (): Kernels => active;

/** Replaces the kernel set with a custom one (a wrapped or instrumented set, say). *
 * @example
 * ```ts
 * import { kernels, setKernels } from '@tensile/tensor';
 * const current = kernels();
 * setKernels({ ...current, name: 'logged' });
 * setKernels(current);
 * ```
 */
export function setKernels(k: Kernels): void {
  active = k;
  chosen = true;
}

/**
 * Whether this runtime can run the WebAssembly SIMD kernels.
 *
 * @example
 * ```ts
 * import { wasmAvailable, setBackend } from '@tensile/tensor';
 * setBackend(wasmAvailable() ? 'wasm' : 'js');
 * ```
 */
export function wasmAvailable(): boolean {
  return wasmKernels !== undefined;
}

/**
 * Whether the wasm kernels' matmul uses fused multiply-adds (WebAssembly relaxed SIMD, which
 * Node >= 22 and current browsers have; Node 20 only with `--experimental-wasm-relaxed-simd`).
 * Such products round once per multiply-add, as PyTorch's CPU kernels do; without it each
 * multiply and add rounds. Either way matmul agrees with the JS kernels to float32 summation
 * order; element-wise ops and the optimizer updates are bit-identical in every build.
 *
 * @example
 * ```ts
 * import { wasmRelaxedSimd } from '@tensile/tensor';
 * console.log(wasmRelaxedSimd()); // false on Node 20 without the flag
 * ```
 */
export function wasmRelaxedSimd(): boolean {
  return wasmKernels?.relaxed ?? false;
}

/**
 * Chooses the kernels: `'wasm'` (the default where WebAssembly SIMD exists) or `'js'` (the
 * readable reference, used automatically elsewhere). Both give the same bits for element-wise
 * ops and the ASGD update; matmul and reductions agree within float32 summation order.
 *
 * @example
 * ```ts
 * import { setBackend, getBackend } from '@tensile/tensor';
 * setBackend('js');
 * console.log(getBackend()); // 'js'
 * ```
 */
export function setBackend(name: Backend): void {
  chosen = true;
  if (name === 'js') active = jsKernels;
  else if (name === 'wasm') {
    if (!wasmKernels) throw new Error("setBackend: backend 'wasm' needs WebAssembly SIMD, which this runtime does not provide; use 'js'");
    active = wasmKernels;
  } else throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; expected 'js' or 'wasm'`);
}

/**
 * The backend in use: `'js'`, `'wasm'`, or the `name` of a set installed with `setKernels`.
 *
 * @example
 * ```ts
 * import { getBackend } from '@tensile/tensor';
 * console.log(getBackend()); // 'wasm' where WebAssembly SIMD exists
 * ```
 */
export function getBackend(): string {
  return active.name;
}

/**
 * Runs large matrix products (and so the matmuls of linear layers and convolutions) on `n`
 * threads: this one and `n - 1` worker threads sharing the WebAssembly kernels' memory, as
 * `torch.set_num_threads`. Each thread computes a range of the product's columns, so results
 * are the same for any `n`. Products below 4M multiply-adds (about 160×160×160) stay on one thread.
 * Needs the wasm backend and Node >= 20.16, or in a browser a Web Worker of a cross-origin-isolated
 * page (a page's main thread may not wait for other threads, so there it throws). Browser workers
 * start once the calling thread's task ends; until they are online (`getNumThreadsReady`) the
 * products run on the threads that are. `1` (the default) stops the workers. Idle workers never
 * keep the process alive. A runtime without threads throws and keeps its threads as they were.
 *
 * @example
 * ```ts
 * import { setNumThreads, getNumThreads } from '@tensile/tensor';
 * setNumThreads(2);
 * console.log(getNumThreads()); // 2
 * setNumThreads(1);
 * ```
 */
export function setNumThreads(n: number): void {
  if (!wasmKernels) throw new Error("setNumThreads: threads run the 'wasm' kernels, which this runtime does not provide");
  wasmKernels.setThreads(n);
}

/**
 * The number of threads large matmuls run on (see `setNumThreads`).
 *
 * @example
 * ```ts
 * import { getNumThreads } from '@tensile/tensor';
 * console.log(getNumThreads()); // 1 unless setNumThreads changed it
 * ```
 */
export function getNumThreads(): number {
  return wasmKernels?.threads() ?? 1;
}

/**
 * How many of `getNumThreads()`'s threads are ready to take work: this one and the workers
 * online. In Node workers come online within milliseconds of `setNumThreads`; in a browser,
 * after the calling worker's current task ends.
 *
 * @example
 * ```ts
 * import { setNumThreads, getNumThreadsReady } from '@tensile/tensor';
 * setNumThreads(2);
 * setTimeout(() => console.log(getNumThreadsReady()), 100); // 2 once the worker is up
 * ```
 */
export function getNumThreadsReady(): number {
  return wasmKernels ? wasmKernels.threadsReady() : 1;
}
