/**
 * The worker pool for large matmuls (`setNumThreads`): helper threads running the threaded
 * build of the module on one shared memory, each given a range of output columns. Kept apart
 * from the kernels, as PyTorch keeps `at::parallel_for` apart from its kernels. One design in
 * Node (worker_threads) and in browsers (Web Workers started from a Web Worker of a
 * cross-origin-isolated page); only how a helper is started differs.
 */
import { instantiateShared, type Instance } from './module.js';

/** A worker thread that runs column ranges of matmuls on the shared memory. */
export interface Helper {
  /** [0] job sequence, [1] last finished job, [2..15] the matmul's arguments, [16] ready, [17] failed. */
  ctl: Int32Array;
  terminate(): void;
}

// What every helper runs once it has the module's instance `ex` and its control array `ctl`:
// it says it is ready, then waits for jobs. Plain JavaScript.
const LOOP = `
Atomics.store(ctl, 16, 1);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  try {
    ex.matmul(ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10], ctl[11], ctl[12], ctl[13], ctl[14], ctl[15]);
  } catch {
    Atomics.store(ctl, 17, 1);
  }
  Atomics.store(ctl, 1, seen);
  Atomics.notify(ctl, 1);
}
`;

/** @internal A Node worker (CommonJS, evaluated): its memory, module and control array come as workerData. */
export const NODE_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
const ex = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
${LOOP}`;

/**
 * @internal A Web Worker (classic script from a blob URL): the same, from its first message.
 * The job loop never returns to the worker's event loop, which a helper does not need.
 */
export const BROWSER_WORKER_SOURCE = `
onmessage = (e) => {
  onmessage = null;
  const ctl = new Int32Array(e.data.ctl);
  const ex = new WebAssembly.Instance(e.data.module, { env: { memory: e.data.memory } }).exports;
${LOOP}};
`;

/** Starts one helper on `memory` with control array `ctl`; returns how to stop it. */
export type Spawn = (ctl: Int32Array, module: WebAssembly.Module, memory: WebAssembly.Memory) => () => void;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
/** @internal */
export type WorkerThreads = { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker };

interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}
/** @internal What `helperSpawner` reads of the global object (a parameter, so tests can stand in for a browser). */
export interface BrowserGlobals {
  SharedArrayBuffer?: unknown;
  Worker?: new (url: string) => WebWorker;
  WorkerGlobalScope?: abstract new () => unknown;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string; revokeObjectURL?(url: string): void };
}

/** Node's worker_threads, loaded synchronously, or undefined outside Node (>= 20.16). */
function workerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
}

/**
 * How this runtime starts helpers, or why it cannot. Node: worker_threads. A browser: Web
 * Workers, only from inside a Web Worker (a page's main thread may not `Atomics.wait`, which
 * the pool does while helpers finish) of a cross-origin-isolated page (shared memory).
 */
export function helperSpawner(g: BrowserGlobals = globalThis as BrowserGlobals, wt: WorkerThreads | null = workerThreads() ?? null): Spawn | string {
  if (typeof g.SharedArrayBuffer !== 'function') {
    return g.Worker
      ? 'threads need shared memory: serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)'
      : 'threads need Node >= 20.16 (worker_threads and SharedArrayBuffer); this runtime runs on 1 thread';
  }
  if (wt) {
    return (ctl, module, memory) => {
      const worker = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: { ctl: ctl.buffer, module, memory } });
      worker.unref(); // an idle helper never keeps the process alive
      return () => void worker.terminate();
    };
  }
  const { Worker, WorkerGlobalScope, Blob, URL } = g;
  if (!Worker || !Blob || !URL?.createObjectURL) return 'threads need Node >= 20.16 or a browser with Web Workers; this runtime runs on 1 thread';
  if (!WorkerGlobalScope || !(globalThis instanceof WorkerGlobalScope)) {
    return "a page's main thread may not wait for other threads (Atomics.wait): train in a Web Worker and call setNumThreads there";
  }
  const createObjectURL = URL.createObjectURL.bind(URL);
  return (ctl, module, memory) => {
    const url = createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    // The message waits in the worker's queue until its script has run.
    worker.postMessage({ ctl: ctl.buffer, module, memory });
    return () => {
      worker.terminate();
      URL.revokeObjectURL?.(url);
    };
  };
}

/**
 * This thread and `helpers.length` workers. `instance` is where matmul stages its operands:
 * `single` on one thread, the shared-memory build with helpers. (Element-wise kernels always use
 * `single`: V8 copies to and from shared memory more slowly, measured.)
 */
export class ThreadPool {
  helpers: Helper[] = [];
  instance: Instance;

  /** `single`: the one-thread instance, where products too small to split run (staging into shared memory is slower). */
  constructor(readonly single: Instance, private readonly relaxed: boolean) {
    this.instance = single;
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /** The helpers ready for a job. */
  ready(): Helper[] {
    return this.helpers.filter((h) => Atomics.load(h.ctl, 16) === 1);
  }

  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`setNumThreads: expected an integer from 1 to 64, got ${n}`);
    if (n === this.threads) return;
    // Checked before the running helpers stop: a runtime without threads changes nothing.
    const spawn = n > 1 ? helperSpawner() : undefined;
    if (typeof spawn === 'string') throw new Error(`setNumThreads: ${spawn}`);
    for (const h of this.helpers) h.terminate();
    this.helpers = [];
    if (!spawn) {
      this.instance = this.single;
      return;
    }
    // All threads share one memory: a fresh shared one, with the threaded build of the module.
    // Helpers take jobs once they say they are ready (`ready()`): in a browser a Web Worker
    // starts after this thread's task ends, and until then the products run here.
    const { instance, module, memory } = instantiateShared(this.relaxed);
    this.instance = instance;
    for (let t = 1; t < n; t++) {
      const ctl = new Int32Array(new SharedArrayBuffer(18 * 4));
      const stop = spawn(ctl, module, memory);
      this.helpers.push({
        ctl,
        terminate: () => {
          Atomics.store(ctl, 0, -1);
          Atomics.notify(ctl, 0);
          stop();
        },
      });
    }
  }

  /** Hands helper `h` a matmul job (its 14 arguments); returns the job's sequence number. */
  dispatch(h: Helper, args: readonly number[]): number {
    h.ctl.set(args, 2);
    const seq = Atomics.add(h.ctl, 0, 1) + 1;
    Atomics.notify(h.ctl, 0);
    return seq;
  }

  /** Waits until helper `h` has finished job `seq`; if it failed or hung, stops the helpers. */
  wait(h: Helper, seq: number): void {
    const start = Date.now();
    while (Atomics.load(h.ctl, 1) !== seq) {
      Atomics.wait(h.ctl, 1, Atomics.load(h.ctl, 1), 50);
      if (Date.now() - start > 60_000) {
        this.setThreads(1);
        throw new Error('matmul: a helper thread did not answer within 60 s; threads are now off');
      }
    }
    if (Atomics.load(h.ctl, 17) !== 0) {
      this.setThreads(1);
      throw new Error('matmul: a helper thread failed; threads are now off');
    }
  }
}
