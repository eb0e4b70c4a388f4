/**
 * The worker pool for large matmuls (`setNumThreads`): Node worker threads running the threaded
 * build of the module on one shared memory, each given a range of output columns. Kept apart
 * from the kernels, as PyTorch keeps `at::parallel_for` apart from its kernels.
 */
import { instantiateShared, type Instance } from './module.js';

/** A worker thread that runs column ranges of matmuls on the shared memory. */
export interface Helper {
  /** [0] job sequence, [1] last finished job, [2..15] the matmul's arguments, [16] ready, [17] failed. */
  ctl: Int32Array;
  terminate(): void;
}

// The worker: instantiates the shared-memory module on the same memory, then waits for jobs.
// Plain JavaScript, evaluated as a Node worker (CommonJS).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
const ex = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
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

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerThreads = { Worker: new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker };

/** Node's worker_threads, loaded synchronously, or undefined outside Node (>= 20.16). */
function workerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
}

/**
 * This thread and `helpers.length` workers. `instance` is where matmul stages its operands:
 * `single` on one thread, the shared-memory build with helpers. (Element-wise kernels always use
 * `single`: V8 copies to and from shared memory more slowly, measured.)
 */
export class ThreadPool {
  helpers: Helper[] = [];
  instance: Instance;

  constructor(private readonly single: Instance, private readonly relaxed: boolean) {
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
    for (const h of this.helpers) h.terminate();
    this.helpers = [];
    if (n === 1) {
      this.instance = this.single;
      return;
    }
    const wt = workerThreads();
    if (!wt || typeof SharedArrayBuffer !== 'function') {
      throw new Error('setNumThreads: threads need Node >= 20.16 (worker_threads and SharedArrayBuffer); this runtime runs on 1 thread');
    }
    // All threads share one memory: a fresh shared one, with the threaded build of the module.
    const { instance, module, memory } = instantiateShared(this.relaxed);
    this.instance = instance;
    for (let t = 1; t < n; t++) {
      const ctl = new Int32Array(new SharedArrayBuffer(18 * 4));
      const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { ctl: ctl.buffer, module, memory } });
      worker.unref(); // an idle helper never keeps the process alive
      this.helpers.push({
        ctl,
        terminate: () => {
          Atomics.store(ctl, 0, -1);
          Atomics.notify(ctl, 0);
          void worker.terminate();
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
