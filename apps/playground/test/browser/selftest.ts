/**
 * The in-page test run: the engine's own test files (kernels, the wasm = js bit-identity
 * tests, the PyTorch optimizer fixtures, the optimizer path tests) on the vitest shim, plus
 * the cross-check hashes. The browser test reads `window.selftest` when it resolves.
 */
import { getBackend, getNumThreads, setNumThreads, wasmRelaxedSimd } from '@tensile/tensor';
import { collect, run, type Result } from './vitest-shim.js';
import { crosscheck } from './crosscheck.js';

// Node-only parts of wasm.test.ts: the build check and sizes read files; the relaxed-SIMD
// tests start a Node child process; threads are Node's worker_threads.
const NODE_ONLY = ['the WebAssembly module', 'the relaxed-SIMD build', 'setNumThreads'];

const files: [string, () => Promise<unknown>, string[]][] = [
  ['packages/tensor/test/kernels.test.ts', () => import('../../../../packages/tensor/test/kernels.test.js'), []],
  ['packages/tensor/test/wasm.test.ts', () => import('../../../../packages/tensor/test/wasm.test.js'), NODE_ONLY],
  ['packages/tensor/test/wasm-nn.test.ts', () => import('../../../../packages/tensor/test/wasm-nn.test.js'), []],
  ['packages/optim/test/fixtures.test.ts', () => import('../../../../packages/optim/test/fixtures.test.js'), []],
  ['packages/optim/test/paths.test.ts', () => import('../../../../packages/optim/test/paths.test.js'), []],
];

async function main(): Promise<{ env: Record<string, unknown>; results: Result[]; crosscheck: Record<string, string> }> {
  const env = { backend: getBackend(), relaxedSimd: wasmRelaxedSimd(), crossOriginIsolated: globalThis.crossOriginIsolated, userAgent: navigator.userAgent };
  const results: Result[] = [];
  for (const [file, load, skip] of files) {
    const started = performance.now();
    let suite;
    try {
      suite = await collect(load);
    } catch (e) {
      results.push({ file, name: '(loading the file)', ok: false, skipped: false, ms: 0, error: String(e) });
      continue;
    }
    results.push(...(await run(file, suite, skip)));
    document.body.append(`${file}: ${Math.round(performance.now() - started)} ms\n`);
  }
  results.push(mainThreadRefusesThreads(), ...(await threadsInAWorker()));
  return { env, results, crosscheck: crosscheck() };
}

/** A page's main thread may not wait for other threads: `setNumThreads(2)` says so and changes nothing. */
function mainThreadRefusesThreads(): Result {
  const name = "setNumThreads(2) on a page's main thread throws, naming the reason, and keeps 1 thread";
  const want = "setNumThreads: a page's main thread may not wait for other threads (Atomics.wait): train in a Web Worker and call setNumThreads there";
  try {
    setNumThreads(2);
    setNumThreads(1);
    return { file: 'threads on the main thread', name, ok: false, skipped: false, ms: 0, error: 'did not throw' };
  } catch (e) {
    const ok = (e as Error).message === want && getNumThreads() === 1;
    return { file: 'threads on the main thread', name, ok, skipped: false, ms: 0, ...(ok ? {} : { error: `${(e as Error).message}; getNumThreads() = ${getNumThreads()}` }) };
  }
}

/** threads-worker.ts in a Web Worker of this page: its results, or one failure if it never answers. */
function threadsInAWorker(): Promise<Result[]> {
  const worker = new Worker(new URL('threads-worker.js', import.meta.url), { type: 'module' });
  return new Promise<Result[]>((ok) => {
    const fail = (error: string): void => ok([{ file: 'threads in a Web Worker', name: '(the worker)', ok: false, skipped: false, ms: 0, error }]);
    const timer = setTimeout(() => fail('no answer within 60 s'), 60_000);
    worker.onmessage = (e: MessageEvent<Result[]>) => {
      clearTimeout(timer);
      ok(e.data);
    };
    worker.onerror = (e) => {
      clearTimeout(timer);
      fail(e.message);
    };
  }).finally(() => worker.terminate());
}

(window as unknown as { selftest: Promise<unknown> }).selftest = main();
