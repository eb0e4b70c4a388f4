/**
 * matmul through the module: each operand's memory span is copied in (a transposed view costs
 * nothing more), panels are packed and multiplied inside the module, C is copied out — O(n²)
 * copying against O(n³) arithmetic. Large products are split by column ranges over the pool.
 */
import { jsKernels } from '../js.js';
import type { Kernels } from '../types.js';
import { room, type Instance } from './module.js';
import type { Helper, ThreadPool } from './threads.js';

const SMALL = 8 * 8 * 8; // below this many multiply-adds the JS kernel wins (call overhead)
/**
 * Multiply-adds below which a product stays on this thread (measured on 2 cores: the MLP step,
 * whose products are 12.8M, ran 1.90 -> 1.67 ms on 2 threads at this bound or at 1M, and 1.97 at
 * 16M). The fused linear kernels (nn.ts) keep their one-thread path below it.
 */
export const THREAD_MIN = 1 << 22;

/**
 * The floats an operand's view spans in memory, or -1 when it skips most of that span. Copying a
 * span is one memcpy (`set`), about ten times faster a float than the strided copy's element
 * loop, so a span up to 8x the view's floats is staged whole: a head's [64 x 32] slice of a
 * [64 x 128] gradient (cat's backward in a GPT of per-head Linears, 4x) was copied an element
 * at a time.
 */
function denseSpan(rs: number, cs: number, R: number, C: number): number {
  const span = (R - 1) * rs + (C - 1) * cs + 1;
  return span <= 8 * R * C + 64 ? span : -1;
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

/**
 * @internal Whether a product's staging fits the module's memory (4 GiB at most): C padded to
 * whole tiles, both operand spans and 16 MiB of packing scratch. Then every float index stays
 * below 2^30, so the 32-bit arithmetic in `matmul` cannot wrap. Computed in doubles.
 */
export function stagingFits(M: number, N: number, aFloats: number, bFloats: number): boolean {
  const floats = Math.ceil(M / 4) * 4 * Math.ceil(N / 8) * 8 + aFloats + bFloats + 8 + (1 << 22);
  return floats * 4 <= 2 ** 32 - 65536;
}

/**
 * @internal Column cuts for `parts` threads: whole 8-column panels of the `ldc` padded columns,
 * the last cut at N.
 */
export function columnCuts(N: number, ldc: number, parts: number): number[] {
  return Array.from({ length: parts + 1 }, (_, t) => Math.min(N, Math.round(((ldc >> 3) * t) / parts) * 8));
}

/** @internal Floats of packing scratch for `cuts`: per thread, B panels [256 x its columns] and an A block [128 x 256]. */
export function splitScratch(cuts: readonly number[]): number {
  let floats = 0;
  for (let t = 0; t + 1 < cuts.length; t++) floats += 256 * (cuts[t + 1]! - cuts[t]! + 7 & ~7) + 128 * 256;
  return floats;
}

/**
 * @internal One product staged in `mm`'s memory, its columns split at `cuts` over this thread
 * (the first range) and `helpers` (one range each): `args` are matmul's first eight arguments
 * (A and B pointers and strides, M, K), C at byte `c` with `ldc` floats a row, packing scratch
 * from float index `at` (`splitScratch(cuts)` floats). Each range is its own whole panels of C,
 * computed as one thread computes them: the same bits for any split.
 */
export function runSplit(pool: ThreadPool, mm: Instance, helpers: readonly Helper[], args: readonly number[], cuts: readonly number[], c: number, ldc: number, at: number): void {
  const jobs: [Helper, number][] = [];
  let mine: [number, number] = [0, 0];
  for (let t = 0; t < helpers.length + 1; t++) {
    const bp = at, ap = at + 256 * (cuts[t + 1]! - cuts[t]! + 7 & ~7);
    at = ap + 128 * 256;
    if (t === 0) mine = [bp, ap];
    else jobs.push([helpers[t - 1]!, pool.dispatch(helpers[t - 1]!, [...args, cuts[t]!, cuts[t + 1]!, c, ldc, bp * 4, ap * 4])]);
  }
  mm.ex.matmul(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!, args[6]!, args[7]!, 0, cuts[1]!, c, ldc, mine[0] * 4, mine[1] * 4);
  for (const [h, seq] of jobs) pool.wait(h, seq);
}

/** The matmul kernel on `pool`'s instance (and its helpers). */
export function makeMatmul(pool: ThreadPool): Kernels['matmul'] {
  return (a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K) => {
    const js = (): void => jsKernels.matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K);
    if (M * N * K <= SMALL) return js();
    const aSpan = denseSpan(aRs, aCs, M, K), bSpan = denseSpan(bRs, bCs, K, N);
    // Past what the module can address (its offsets are 32-bit, its memory 4 GiB at most): the JS
    // kernel needs no staging. Checked in doubles, before any of the 32-bit arithmetic below
    // (`room`, `ldc`), which would wrap and stage out of bounds.
    if (!stagingFits(M, N, aSpan >= 0 ? aSpan : M * K, bSpan >= 0 ? bSpan : K * N)) return js();
    const ldc = (N + 7) & ~7;
    const aRoom = room(aSpan >= 0 ? aSpan : M * K), bRoom = room(bSpan >= 0 ? bSpan : K * N);
    // Column ranges (whole 8-column panels) for this thread and each ready helper; a product too
    // small to repay waking a thread runs here alone.
    const ready = M * N * K >= THREAD_MIN ? pool.ready() : [];
    const parts = Math.min(ready.length + 1, ldc >> 3);
    const cuts = columnCuts(N, ldc, parts);
    // Layout (floats): C [M x ldc, M rounded up to whole 4-row tiles, which the kernel writes]
    // | A | B | per thread: packed B panels [256 x its columns] and a packed A block [128 x 256].
    const C0 = 0, A0 = ((M + 3) & ~3) * ldc, B0 = A0 + aRoom, S0 = B0 + bRoom;
    // A product that runs here alone stages into the one-thread instance, as with no threads:
    // V8 copies into a shared memory more slowly (threads.ts), and a step whose products are
    // all below THREAD_MIN (the CNN's) should cost on 2 threads what it costs on one.
    const mm = parts > 1 ? pool.instance : pool.single;
    const w = mm.tryReserve(S0 + splitScratch(cuts));
    if (!w) return js(); // the module's memory cannot grow that far (4 GiB at most)
    let as: [number, number] = [aRs, aCs], bs: [number, number] = [bRs, bCs];
    for (let p = 0; p < batch; p++) {
      // A batch-shared operand (stride 0, e.g. conv2d's weight) is staged once.
      if (p === 0 || aBs !== 0) as = stageOperand(w, A0, a, aOff + p * aBs, aRs, aCs, M, K, aSpan);
      if (p === 0 || bBs !== 0) bs = stageOperand(w, B0, b, bOff + p * bBs, bRs, bCs, K, N, bSpan);
      runSplit(pool, mm, ready.slice(0, parts - 1), [A0 * 4, as[0], as[1], B0 * 4, bs[0], bs[1], M, K], cuts, C0 * 4, ldc, S0);
      if (ldc !== N) mm.ex.compact(C0 * 4, M, ldc, N);
      // Results leave the module with one TypedArray.set per span.
      c.set(w.subarray(C0, C0 + M * N), p * M * N);
    }
  };
}
