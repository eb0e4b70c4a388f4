/**
 * The thread pool in a browser, run inside a Web Worker of the (cross-origin-isolated) self-test
 * page: `setNumThreads(2)` starts a Web Worker helper on the kernels' shared memory, which comes
 * online once this worker's task ends; products split over both threads give the bits one
 * thread gives; `setNumThreads(1)` stops it. Posts its results to the page (selftest.ts).
 */
import { getNumThreads, getNumThreadsReady, manualSeed, randn, setNumThreads } from '@tensile/tensor';
import type { Result } from './vitest-shim.js';

const FILE = 'threads in a Web Worker';
const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));
const sameBits = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);

async function check(name: string, fn: () => Promise<string | undefined>): Promise<Result> {
  const t = performance.now();
  try {
    const error = await fn();
    return { file: FILE, name, ok: error === undefined, skipped: false, ms: performance.now() - t, ...(error === undefined ? {} : { error }) };
  } catch (e) {
    return { file: FILE, name, ok: false, skipped: false, ms: performance.now() - t, error: String(e) };
  }
}

async function main(): Promise<Result[]> {
  const results: Result[] = [];
  manualSeed(3);
  // 300 x 280 x 330: 28M multiply-adds, past the 4M below which a product stays on one thread.
  const a = randn([300, 280]), b = randn([280, 330]), bt = randn([330, 280]);
  const one = [a.matmul(b), a.matmul(bt.t())].map((t) => t.toFloat32Array());
  const timings: string[] = [];
  results.push(await check('setNumThreads(2) starts a helper that comes online after this task', async () => {
    setNumThreads(2);
    if (getNumThreads() !== 2) return `getNumThreads() = ${getNumThreads()}`;
    // Until the helper is online, products run here alone (and still give the same bits).
    const early = a.matmul(b).toFloat32Array();
    if (!sameBits(early, one[0]!)) return 'a product before the helper was online differs from one thread';
    const until = performance.now() + 10_000;
    while (getNumThreadsReady() < 2) {
      if (performance.now() > until) return `after 10 s, getNumThreadsReady() = ${getNumThreadsReady()}`;
      await sleep(5);
    }
    return undefined;
  }));
  results.push(await check('products on 2 threads (helper online) are bit-identical to 1 thread', async () => {
    if (getNumThreadsReady() !== 2) return 'no helper online';
    const two = [a.matmul(b), a.matmul(bt.t())].map((t) => t.toFloat32Array());
    if (!sameBits(two[0]!, one[0]!)) return 'a @ b differs';
    if (!sameBits(two[1]!, one[1]!)) return 'a @ bt.t() differs';
    // The time of one product of 512s on each thread count (reported, never asserted).
    const x = randn([512, 512]), y = randn([512, 512]);
    const time = (): number => {
      x.matmul(y);
      const t = performance.now();
      for (let i = 0; i < 5; i++) x.matmul(y);
      return (performance.now() - t) / 5;
    };
    const t2 = time();
    setNumThreads(1);
    const t1 = time();
    timings.push(`matmul 512: ${t1.toFixed(1)} ms on 1 thread, ${t2.toFixed(1)} ms on 2`);
    return undefined;
  }));
  results.push(await check('setNumThreads(1) stops the helper; the pool restarts', async () => {
    setNumThreads(1);
    if (getNumThreads() !== 1 || getNumThreadsReady() !== 1) return `after setNumThreads(1): ${getNumThreads()} / ${getNumThreadsReady()} ready`;
    setNumThreads(2);
    const until = performance.now() + 10_000;
    while (getNumThreadsReady() < 2) {
      if (performance.now() > until) return 'the restarted helper never came online';
      await sleep(5);
    }
    const again = a.matmul(b).toFloat32Array();
    setNumThreads(1);
    return sameBits(again, one[0]!) ? undefined : 'a product after the restart differs';
  }));
  results.push(await check('bad thread counts are refused and change nothing', async () => {
    for (const n of [0, 1.5, 65]) {
      try {
        setNumThreads(n);
        return `setNumThreads(${n}) did not throw`;
      } catch (e) {
        if (!String(e).includes(`setNumThreads: expected an integer from 1 to 64, got ${n}`)) return String(e);
      }
    }
    return getNumThreads() === 1 ? undefined : `getNumThreads() = ${getNumThreads()}`;
  }));
  if (timings.length) console.log(`threads in a Web Worker: ${timings.join('; ')}`);
  return results;
}

void main().then((r) => (self as unknown as { postMessage(m: unknown): void }).postMessage(r));
