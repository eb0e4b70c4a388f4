/**
 * The WebAssembly SIMD kernel set: the JS set with `matmul`, the convolution (im2col, product,
 * bias and col2im in one pass per sample), max pooling, relu and its backward, add/sub/mul/div,
 * column sums and ASGD's fused update replaced by the module assembled from `wasm/kernels.wat`,
 * each tested bit for bit against the JS kernel it replaces (products: to float32 summation
 * order). One module per job: `wasm/module.ts` instantiates, `wasm/threads.ts` runs the worker
 * pool, `wasm/matmul.ts` tiles products, `wasm/nn.ts` drives the convolution and pooling,
 * `wasm/elementwise.ts` streams the element-wise kernels, `wasm/arena.ts` holds resident
 * tensors. Most tensors keep their storage in ordinary `Float32Array`s, which a call stages in
 * the module's memory; resident ones (an optimizer's parameters and state, `makeResident`) are
 * updated where they are.
 */
import { jsKernels } from './js.js';
import type { Kernels } from './types.js';
import { makeCopy } from './wasm/copy.js';
import { makeElementwise } from './wasm/elementwise.js';
import { makeMatmul } from './wasm/matmul.js';
import { makeNn } from './wasm/nn.js';
import { instantiate, instantiateAsync, type Instance } from './wasm/module.js';
import { ThreadPool } from './wasm/threads.js';

export { stagingFits } from './wasm/matmul.js';

/** The WebAssembly kernel set, plus its thread control (see `setNumThreads`). */
export interface WasmKernels extends Kernels {
  /** Whether matmul runs the relaxed-SIMD build (fused multiply-adds where the CPU has them). */
  readonly relaxed: boolean;
  /** Runs large matmuls on `n` threads (this one and `n - 1` workers); 1 stops the workers. */
  setThreads(n: number): void;
  threads(): number;
  /** This thread and the helpers online. */
  threadsReady(): number;
}

/**
 * Instantiates the module synchronously, or returns `undefined` where WebAssembly or its SIMD
 * extension is missing (the engine then keeps the JS kernels). Where the runtime also has
 * relaxed SIMD (Node >= 22, current browsers), the build whose gemm uses `f32x4.relaxed_madd`
 * is taken unless `relaxed` is false: about 1.3x the matmul throughput on CPUs with FMA
 * (measured on Node 20 with --experimental-wasm-relaxed-simd). Its products round once per
 * multiply-add, as PyTorch's CPU kernels do, so they agree with the plain build to float32
 * summation order, not bit for bit; everything but gemm is the same code in both builds.
 */
export function createWasmKernels(options: { relaxed?: boolean } = {}): WasmKernels | undefined {
  return kernelsOn(instantiate(options));
}

/** `createWasmKernels`, compiling the module asynchronously (see `wasmReady`). */
export async function createWasmKernelsAsync(options: { relaxed?: boolean } = {}): Promise<WasmKernels | undefined> {
  return kernelsOn(await instantiateAsync(options));
}

function kernelsOn(made: { one: Instance; relaxed: boolean } | undefined): WasmKernels | undefined {
  if (made === undefined) return undefined;
  const pool = new ThreadPool(made.one, made.relaxed);
  const set: WasmKernels = {
    ...jsKernels,
    ...makeElementwise(made.one),
    ...makeCopy(made.one),
    ...makeNn(made.one, () => set, pool),
    name: 'wasm',
    relaxed: made.relaxed,
    matmul: makeMatmul(pool),
    setThreads: (n) => pool.setThreads(n),
    threads: () => pool.threads,
    threadsReady: () => pool.ready().length + 1,
  };
  return set;
}
