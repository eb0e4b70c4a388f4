/**
 * How the thread pool starts its helpers (kernels/wasm/threads.ts), in each runtime it meets:
 * Node's worker_threads, a browser's Web Workers (only inside a worker of a cross-origin-isolated
 * page), and the refusals elsewhere. The browser branch runs for real in Chromium
 * (apps/playground/test/browser/threads-worker.ts); here stand-in globals check what it sends
 * and how it stops.
 */
import { describe, expect, it } from 'vitest';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE, helperSpawner, type BrowserGlobals, type WorkerThreads } from '../src/kernels/wasm/threads.js';

class FakeWorker {
  static made: FakeWorker[] = [];
  messages: unknown[] = [];
  terminated = false;
  constructor(readonly url: string) {
    FakeWorker.made.push(this);
  }
  postMessage(m: unknown): void {
    this.messages.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** A browser's globals; `inWorker`: the code runs in a Web Worker (globalThis is a WorkerGlobalScope). */
function browser(inWorker: boolean, isolated = true): BrowserGlobals & { revoked: string[]; blobs: string[][] } {
  const revoked: string[] = [], blobs: string[][] = [];
  let n = 0;
  return {
    revoked, blobs,
    ...(isolated ? { SharedArrayBuffer } : {}),
    Worker: FakeWorker,
    WorkerGlobalScope: class { static [Symbol.hasInstance] = (): boolean => inWorker; } as unknown as NonNullable<BrowserGlobals['WorkerGlobalScope']>,
    Blob: class { constructor(parts: string[]) { blobs.push(parts); } },
    URL: { createObjectURL: () => `blob:test/${n++}`, revokeObjectURL: (u: string) => void revoked.push(u) },
  };
}

const args = (): [Int32Array, WebAssembly.Module, WebAssembly.Memory] => [
  new Int32Array(new SharedArrayBuffer(18 * 4)),
  {} as WebAssembly.Module,
  new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }),
];

describe('helperSpawner: where the pool can start threads', () => {
  it.each([
    ['a page that is not cross-origin isolated', browser(true, false), 'threads need shared memory: serve the page cross-origin isolated'],
    ["a page's main thread", browser(false), "a page's main thread may not wait for other threads (Atomics.wait): train in a Web Worker and call setNumThreads there"],
    ['a runtime with neither worker_threads nor Web Workers', { SharedArrayBuffer }, 'threads need Node >= 20.16 or a browser with Web Workers; this runtime runs on 1 thread'],
    ['a runtime without SharedArrayBuffer or workers', {}, 'threads need Node >= 20.16 (worker_threads and SharedArrayBuffer); this runtime runs on 1 thread'],
  ])('refuses %s, saying why', (_, g, message) => {
    const got = helperSpawner(g, null);
    expect(typeof got).toBe('string');
    expect(got as string).toContain(message);
  });

  it('in a Web Worker of an isolated page: one blob-URL worker per helper, sent the control array, module and memory; stopping terminates it and frees its URL', () => {
    FakeWorker.made = [];
    const g = browser(true);
    const spawn = helperSpawner(g, null);
    if (typeof spawn === 'string') throw new Error(spawn);
    const [ctl, module, memory] = args();
    const stop = spawn(ctl, module, memory);
    expect(FakeWorker.made).toHaveLength(1);
    const w = FakeWorker.made[0]!;
    expect(w.url).toBe('blob:test/0');
    expect(g.blobs).toEqual([[BROWSER_WORKER_SOURCE]]);
    expect(w.messages).toEqual([{ ctl: ctl.buffer, module, memory }]);
    expect(w.terminated).toBe(false);
    stop();
    expect(w.terminated).toBe(true);
    expect(g.revoked).toEqual(['blob:test/0']);
  });

  it('in Node: a worker_threads worker evaluating the Node source with the same three things, unref-ed', () => {
    const made: { src: string; data: unknown; unref: boolean; terminated: boolean }[] = [];
    const wt: WorkerThreads = {
      Worker: class {
        rec;
        constructor(src: string, o: { eval: true; workerData: unknown }) {
          this.rec = { src, data: o.workerData, unref: false, terminated: false };
          made.push(this.rec);
        }
        unref(): void { this.rec.unref = true; }
        terminate(): Promise<number> { this.rec.terminated = true; return Promise.resolve(0); }
      },
    };
    const spawn = helperSpawner(browser(false), wt); // worker_threads wins over a Worker global
    if (typeof spawn === 'string') throw new Error(spawn);
    const [ctl, module, memory] = args();
    spawn(ctl, module, memory)();
    expect(made).toEqual([{ src: NODE_WORKER_SOURCE, data: { ctl: ctl.buffer, module, memory }, unref: true, terminated: true }]);
  });

  it('both sources run the same job loop: ready flag, wait, matmul, done flag, stop on a negative sequence', () => {
    for (const src of [NODE_WORKER_SOURCE, BROWSER_WORKER_SOURCE]) {
      expect(src).toContain('Atomics.store(ctl, 16, 1);');
      expect(src).toContain('if (seen < 0) break;');
      expect(src).toContain('ex.matmul(ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10], ctl[11], ctl[12], ctl[13], ctl[14], ctl[15]);');
      expect(src).toContain('Atomics.notify(ctl, 1);');
    }
  });
});
