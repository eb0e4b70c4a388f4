/**
 * The WebAssembly SIMD kernel set: `matmul` (and so `conv2d`, which runs through it) and
 * ASGD's fused update run in the module assembled from `wasm/kernels.wat`; every other kernel
 * is the JavaScript one.
 *
 * Tensors keep their storage in ordinary `Float32Array`s, so each call stages its operands in
 * the module's memory:
 * - matmul copies in the memory span of each operand's view (a transposed view costs nothing
 *   more), packs panels and multiplies inside the module, and copies C out: O(n²) copying
 *   against O(n³) arithmetic.
 * - the ASGD update streams the arrays through in chunks that stay in cache, so main memory
 *   sees each element read and written once, as a kernel working in place would.
 */
import { jsKernels } from './js.js';
import type { BinaryKind, Kernels } from './types.js';
import { wasmBase64, wasmRelaxedBase64, wasmRelaxedSharedBase64, wasmSharedBase64 } from './wasm/kernels.gen.js';

interface Exports {
  memory: WebAssembly.Memory;
  matmul(
    a: number, ars: number, acs: number, b: number, brs: number, bcs: number,
    M: number, K: number, j0: number, j1: number, c: number, ldc: number, bp: number, ap: number,
  ): void;
  compact(c: number, rows: number, ldc: number, n: number): void;
  sum_rows(x: number, D: number, post: number, acc: number, out: number): void;
  binary(op: number, a: number, b: number, o: number, n: number, alpha: number): void;
  asgd(p: number, g: number, ax: number, n: number, decay: number, negEta: number, mu: number, wd: number, mode: number): void;
}

const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Whether `strides` lay `shape` out contiguously (dims of size 1 may have any stride). */
function contiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** Whether `strides` read one row, repeated over every leading dim (a bias broadcast over rows). */
function broadcastRow(shape: readonly number[], strides: readonly number[]): boolean {
  const last = shape.length - 1;
  if (last < 1 || (strides[last] !== 1 && shape[last] !== 1)) return false;
  for (let d = 0; d < last; d++) if (strides[d] !== 0 && shape[d] !== 1) return false;
  return true;
}

/** Decodes base64 without Node's Buffer (atob is in every browser and in Node >= 16). */
// Uint8Array<ArrayBuffer>: a program compiled with the DOM lib (whose WebAssembly.Module takes
// a BufferSource) type-checks this file too.
function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The WebAssembly kernel set, plus its thread control (see `setNumThreads`). */
export interface WasmKernels extends Kernels {
  /** Whether matmul runs the relaxed-SIMD build (fused multiply-adds where the CPU has them). */
  readonly relaxed: boolean;
  /** Runs large matmuls on `n` threads (this one and `n - 1` workers); 1 stops the workers. */
  setThreads(n: number): void;
  threads(): number;
}

/** A worker thread that runs column ranges of matmuls on the shared memory. */
interface Helper {
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
 * Instantiates the module synchronously, or returns `undefined` where WebAssembly or its SIMD
 * extension is missing (the engine then keeps the JS kernels). Where the runtime also has
 * relaxed SIMD (Node >= 22, current browsers), the build whose gemm uses `f32x4.relaxed_madd`
 * is taken unless `relaxed` is false: about 1.3x the matmul throughput on CPUs with FMA
 * (measured on Node 20 with --experimental-wasm-relaxed-simd). Its products round once per
 * multiply-add, as PyTorch's CPU kernels do, so they agree with the plain build to float32
 * summation order, not bit for bit; everything but gemm is the same code in both builds.
 */
export function createWasmKernels(options: { relaxed?: boolean } = {}): WasmKernels | undefined {
  let ex: Exports;
  let relaxed = false;
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return undefined;
    let bytes = decode(wasmRelaxedBase64);
    relaxed = options.relaxed !== false && WebAssembly.validate(bytes);
    if (!relaxed) bytes = decode(wasmBase64);
    if (!WebAssembly.validate(bytes)) return undefined; // no SIMD in this runtime
    ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;
  } catch {
    return undefined;
  }
  /** An instance and a view of its memory, grown on demand. */
  interface Instance { ex: Exports; heap: Float32Array }
  const one: Instance = { ex, heap: new Float32Array(ex.memory.buffer) };
  // matmul's instance: `one`, or with threads the shared-memory build. Element-wise kernels and
  // the ASGD update always use `one`: V8 copies to and from shared memory more slowly (measured).
  let mm: Instance = one;
  let helpers: Helper[] = [];

  /** Makes `inst`'s memory at least `floats` long; returns the (possibly new) view. */
  function reserve(inst: Instance, floats: number): Float32Array {
    const memory = inst.ex.memory, bytes = floats * 4;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (inst.heap.buffer !== memory.buffer) inst.heap = new Float32Array(memory.buffer);
    return inst.heap;
  }

  function setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`setNumThreads: expected an integer from 1 to 64, got ${n}`);
    if (n === helpers.length + 1) return;
    for (const h of helpers) h.terminate();
    helpers = [];
    if (n === 1) {
      mm = one;
      return;
    }
    const wt = workerThreads();
    if (!wt || typeof SharedArrayBuffer !== 'function') {
      throw new Error('setNumThreads: threads need Node >= 20.16 (worker_threads and SharedArrayBuffer); this runtime runs on 1 thread');
    }
    // All threads share one memory: a fresh shared one, with the threaded build of the module.
    const mod = new WebAssembly.Module(decode(relaxed ? wasmRelaxedSharedBase64 : wasmSharedBase64));
    const shared = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const sx = new WebAssembly.Instance(mod, { env: { memory: shared } }).exports as unknown as Exports;
    mm = { ex: sx, heap: new Float32Array(shared.buffer) };
    for (let t = 1; t < n; t++) {
      const ctl = new Int32Array(new SharedArrayBuffer(18 * 4));
      const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { ctl: ctl.buffer, module: mod, memory: shared } });
      worker.unref(); // an idle helper never keeps the process alive
      helpers.push({
        ctl,
        terminate: () => {
          Atomics.store(ctl, 0, -1);
          Atomics.notify(ctl, 0);
          void worker.terminate();
        },
      });
    }
  }

  // NOTE: results leave the module with one TypedArray.set per span. (An earlier measurement on
  // another machine found copies out of WebAssembly memory into large arrays slow and routed them
  // through a small staging array; on Node 20 here the direct copy measured as fast or faster:
  // 0.15 vs 0.18 ns per float in 8192-float spans, and 0.32 vs 0.41 ns for ASGD's two outputs.)
  const CHUNK = 32768; // floats per staged array and call: 3 x 128 KiB stay in L2 (32768 measured 5-10% faster than 8192 or 65536 for ASGD at 1M and 10M parameters)
  function copyOut(dst: Float32Array, dOff: number, src: Float32Array, sOff: number, m: number): void {
    dst.set(src.subarray(sOff, sOff + m), dOff);
  }

  const SMALL = 8 * 8 * 8; // below this many multiply-adds the JS kernel wins (call overhead)

  /** The floats an operand's view spans in memory, or -1 when it skips most of that span. */
  function denseSpan(rs: number, cs: number, R: number, C: number): number {
    const span = (R - 1) * rs + (C - 1) * cs + 1;
    return span <= 2 * R * C + 64 ? span : -1;
  }

  /**
   * Copies one operand into the module at float index `at`: its memory span when the view is
   * dense (the module then reads it through the strides), otherwise a contiguous copy, so the
   * copy never outgrows the work. Returns the strides the module should use.
   */
  function stageOperand(
    w: Float32Array, at: number, x: Float32Array, off: number, rs: number, cs: number, R: number, C: number, span: number,
  ): [number, number] {
    if (span >= 0) {
      w.set(x.subarray(off, off + span), at);
      return [rs, cs];
    }
    jsKernels.copy(x, off, [rs, cs], [R, C], w, at);
    return [C, 1];
  }
  const room = (x: number): number => (x + 3) & ~3; // keeps every region 16-byte aligned

  function matmul(
    a: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
    b: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number,
    c: Float32Array, batch: number, M: number, N: number, K: number,
  ): void {
    if (M * N * K <= SMALL) {
      jsKernels.matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K);
      return;
    }
    const aSpan = denseSpan(aRs, aCs, M, K), bSpan = denseSpan(bRs, bCs, K, N);
    if (!stagingFits(M, N, aSpan >= 0 ? aSpan : M * K, bSpan >= 0 ? bSpan : K * N)) {
      // Past what the module can address (its offsets are 32-bit, its memory 4 GiB at most): the
      // JS kernel needs no staging. Checked in doubles, before any of the 32-bit arithmetic below
      // (`room`, `ldc`), which would wrap and stage out of bounds.
      jsKernels.matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K);
      return;
    }
    const ldc = (N + 7) & ~7;
    const aRoom = room(aSpan >= 0 ? aSpan : M * K), bRoom = room(bSpan >= 0 ? bSpan : K * N);
    // Column ranges (whole 8-column panels) for this thread and each ready helper; a product too
    // small to repay waking a thread runs here alone.
    const ready = M * N * K >= THREAD_MIN ? helpers.filter((h) => Atomics.load(h.ctl, 16) === 1) : [];
    const parts = Math.min(ready.length + 1, ldc >> 3);
    const cuts = Array.from({ length: parts + 1 }, (_, t) => Math.min(N, Math.round(((ldc >> 3) * t) / parts) * 8));
    // Layout (floats): C [M x ldc, M rounded up to whole 4-row tiles, which the kernel writes]
    // | A | B | per thread: packed B panels [256 x its columns] and a packed A block [128 x 256].
    const C0 = 0, A0 = ((M + 3) & ~3) * ldc, B0 = A0 + aRoom, S0 = B0 + bRoom;
    const scratch = (t: number): [number, number] => {
      let at = S0;
      for (let u = 0; u < t; u++) at += 256 * (cuts[u + 1]! - cuts[u]! + 7 & ~7) + 128 * 256;
      return [at, at + 256 * (cuts[t + 1]! - cuts[t]! + 7 & ~7)];
    };
    let w: Float32Array;
    try {
      w = reserve(mm, scratch(parts)[0]);
    } catch {
      // The module's memory cannot grow that far (4 GiB at most): the JS kernel needs no scratch.
      jsKernels.matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K);
      return;
    }
    let as: [number, number] = [aRs, aCs], bs: [number, number] = [bRs, bCs];
    for (let p = 0; p < batch; p++) {
      // A batch-shared operand (stride 0, e.g. conv2d's weight) is staged once.
      if (p === 0 || aBs !== 0) as = stageOperand(w, A0, a, aOff + p * aBs, aRs, aCs, M, K, aSpan);
      if (p === 0 || bBs !== 0) bs = stageOperand(w, B0, b, bOff + p * bBs, bRs, bCs, K, N, bSpan);
      const args = [A0 * 4, as[0], as[1], B0 * 4, bs[0], bs[1], M, K];
      const jobs: [Helper, number][] = [];
      for (let t = 1; t < parts; t++) {
        const h = ready[t - 1]!, [bp, ap] = scratch(t);
        h.ctl.set([...args, cuts[t]!, cuts[t + 1]!, C0 * 4, ldc, bp * 4, ap * 4], 2);
        jobs.push([h, Atomics.add(h.ctl, 0, 1) + 1]);
        Atomics.notify(h.ctl, 0);
      }
      const [bp, ap] = scratch(0);
      mm.ex.matmul(A0 * 4, as[0], as[1], B0 * 4, bs[0], bs[1], M, K, 0, cuts[1]!, C0 * 4, ldc, bp * 4, ap * 4);
      for (const [h, seq] of jobs) await_(h, seq);
      if (ldc !== N) mm.ex.compact(C0 * 4, M, ldc, N);
      copyOut(c, p * M * N, w, C0, M * N);
    }
  }

  const THREAD_MIN = 1 << 22; // multiply-adds below which a product stays on this thread (measured on 2 cores: the MLP step, whose products are 12.8M, ran 1.90 -> 1.67 ms on 2 threads at this bound or at 1M, and 1.97 at 16M)

  /** Waits until helper `h` has finished job `seq`; if it failed or hung, stops the helpers. */
  function await_(h: Helper, seq: number): void {
    const start = Date.now();
    while (Atomics.load(h.ctl, 1) !== seq) {
      Atomics.wait(h.ctl, 1, Atomics.load(h.ctl, 1), 50);
      if (Date.now() - start > 60_000) {
        setThreads(1);
        throw new Error('matmul: a helper thread did not answer within 60 s; threads are now off');
      }
    }
    if (Atomics.load(h.ctl, 17) !== 0) {
      setThreads(1);
      throw new Error('matmul: a helper thread failed; threads are now off');
    }
  }

  function asgd(
    p: Float32Array, pOff: number, g: Float32Array, gOff: number, ax: Float32Array, axOff: number, n: number,
    decay: number, negEta: number, mu: number, wd: number,
  ): void {
    const n4 = n & ~3;
    const avg = mu !== 1, mode = (wd !== 0 ? 1 : 0) | (avg ? 2 : 0) | (avg && Math.fround(mu) === mu ? 4 : 0);
    const w = reserve(one, 3 * CHUNK);
    const P = 0, G = CHUNK, X = 2 * CHUNK;
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      w.set(p.subarray(pOff + i, pOff + i + m), P);
      w.set(g.subarray(gOff + i, gOff + i + m), G);
      if (avg) w.set(ax.subarray(axOff + i, axOff + i + m), X);
      one.ex.asgd(P * 4, G * 4, X * 4, m, decay, negEta, mu, wd, mode);
      copyOut(p, pOff + i, w, P, m);
      copyOut(ax, axOff + i, w, X, m);
    }
    // The last n % 4 elements: the JS kernel computes the same bits.
    if (n4 < n) jsKernels.asgd(p, pOff + n4, g, gOff + n4, ax, axOff + n4, n - n4, decay, negEta, mu, wd);
  }

  const BINARY_OPS: Partial<Record<BinaryKind, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
  const BINARY_MIN = 4096; // below this the JS loop is as fast as staging through the module

  /**
   * Element-wise add/sub/mul/div of a contiguous `a` with a contiguous same-shape `b`, or with a
   * row `b` broadcast over a's rows (a bias: `[rows, n] op [n]`, n a multiple of 4 up to CHUNK);
   * the rest is JS's.
   */
  const binary: Kernels['binary'] = (kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha = 1) => {
    let op = BINARY_OPS[kind];
    const n = numelOf(shape);
    const dense = op !== undefined && n >= BINARY_MIN && contiguous(shape, aStrides);
    const same = dense && contiguous(shape, bStrides);
    const row = shape[shape.length - 1] ?? 0;
    const bias = dense && !same && row % 4 === 0 && row <= CHUNK && broadcastRow(shape, bStrides);
    if (op === undefined || (!same && !bias)) {
      jsKernels.binary(kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha);
      return;
    }
    // JS rounds alpha to float32 and computes a ± alpha·b in double: op 4 does the same.
    let al = Math.fround(alpha);
    if (op <= 1 && al !== 1) {
      if (op === 1) al = -al;
      op = 4;
    }
    const w = reserve(one, 3 * CHUNK);
    if (bias) {
      // Whole rows of a per chunk, b staged once; one call per row.
      w.set(b.subarray(bOff, bOff + row), CHUNK);
      const per = Math.floor(CHUNK / row) * row;
      for (let i = 0; i < n; i += per) {
        const m = Math.min(per, n - i);
        w.set(a.subarray(aOff + i, aOff + i + m), 0);
        for (let r = 0; r < m; r += row) one.ex.binary(op, r * 4, CHUNK * 4, (2 * CHUNK + r) * 4, row, al);
        copyOut(out, outOff + i, w, 2 * CHUNK, m);
      }
      return;
    }
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      w.set(a.subarray(aOff + i, aOff + i + m), 0);
      w.set(b.subarray(bOff + i, bOff + i + m), CHUNK);
      one.ex.binary(op, 0, CHUNK * 4, 2 * CHUNK * 4, m, al);
      copyOut(out, outOff + i, w, 2 * CHUNK, m);
    }
    if (n4 < n) jsKernels.binary(kind, a, aOff + n4, [1], b, bOff + n4, [1], [n - n4], out, outOff + n4, alpha);
  };

  /**
   * Sums over the middle dim of `[pre, D, post]` when `post` is a multiple of 4 (a bias
   * gradient, a column sum): f64 accumulators in the same order as the JS kernel, so the same
   * bits. Other shapes and the other reductions are the JS kernel's.
   */
  const reduceDim: Kernels['reduceDim'] = (kind, x, xOff, pre, D, post, out) => {
    if (kind !== 'sum' || post % 4 !== 0 || D === 0 || D * post < BINARY_MIN) {
      jsKernels.reduceDim(kind, x, xOff, pre, D, post, out);
      return;
    }
    // Layout (floats): the rows of one p [D x post] | f64 partial sums [post] | results [post].
    const ACC = D * post, OUT = ACC + 2 * post;
    let w: Float32Array;
    try {
      w = reserve(one, OUT + post);
    } catch {
      jsKernels.reduceDim(kind, x, xOff, pre, D, post, out);
      return;
    }
    for (let p = 0; p < pre; p++) {
      w.set(x.subarray(xOff + p * D * post, xOff + (p + 1) * D * post), 0);
      one.ex.sum_rows(0, D, post, ACC * 4, OUT * 4);
      copyOut(out, p * post, w, OUT, post);
    }
  };

  return { ...jsKernels, name: 'wasm', relaxed, matmul, binary, reduceDim, asgd, setThreads, threads: () => helpers.length + 1 };
}

/**
 * @internal Whether a product's staging fits the module's memory (4 GiB at most): C padded to
 * whole tiles, both operand spans and 16 MiB of packing scratch. Then every float index stays
 * below 2^30, so the 32-bit arithmetic in `matmul` cannot wrap. Computed in doubles.
 */
export function stagingFits(M: number, N: number, aFloats: number, bFloats: number): boolean {
  const floats = Math.ceil(M / 4) * 4 * Math.ceil(N / 8) * 8 + aFloats + bFloats + 8 + (1 << 22);
  return floats * 4 <= 2 ** 32 - 65536;
}
