/**
 * The in-page test run: the engine's own test files (kernels, the wasm = js bit-identity
 * tests, the PyTorch optimizer fixtures, the optimizer path tests) on the vitest shim, plus
 * the cross-check hashes. The browser test reads `window.selftest` when it resolves.
 */
import { getBackend, wasmRelaxedSimd } from '@tensile/tensor';
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
  return { env, results, crosscheck: crosscheck() };
}

(window as unknown as { selftest: Promise<unknown> }).selftest = main();
