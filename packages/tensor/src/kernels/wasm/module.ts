/**
 * Instantiating the WebAssembly kernel module (assembled from `kernels.wat`, embedded as
 * base64): synchronously, picking the relaxed-SIMD build where the runtime validates it, and
 * one instance's memory, grown on demand.
 */
import { wasmBase64, wasmRelaxedSharedSplice, wasmRelaxedSplice, wasmSharedSplice } from './kernels.gen.js';

/** What the module exports (byte offsets into its memory, counts, scalars). */
export interface Exports {
  memory: WebAssembly.Memory;
  matmul(
    a: number, ars: number, acs: number, b: number, brs: number, bcs: number,
    M: number, K: number, j0: number, j1: number, c: number, ldc: number, bp: number, ap: number,
  ): void;
  matmul_acc(
    a: number, ars: number, acs: number, b: number, brs: number, bcs: number,
    M: number, K: number, j0: number, j1: number, c: number, ldc: number, bp: number, ap: number, acc: number,
  ): void;
  compact(c: number, rows: number, ldc: number, n: number): void;
  im2col(x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, Ho: number, Wo: number, o: number, ld: number): void;
  im2col2(x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, ph: number, pw: number, Ho: number, Wo: number, o: number, ld: number): void;
  col2im(cols: number, ldc: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, Ho: number, Wo: number, x: number): void;
  col2im2(cols: number, ldc: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, ph: number, pw: number, Ho: number, Wo: number, x: number): void;
  rows_bias(c: number, rows: number, ldc: number, n: number, b: number, dst: number): void;
  cols_bias(c: number, rows: number, ldc: number, n: number, b: number, dst: number): void;
  row_sums(x: number, rows: number, n: number, acc: number): void;
  maxpool(x: number, NC: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, Ho: number, Wo: number, out: number, idx: number, ibase: number): void;
  maxpool22(x: number, NC: number, H: number, W: number, Ho: number, Wo: number, out: number, idx: number, ibase: number): void;
  softmax_rows(x: number, rows: number, D: number, st: number): void;
  softmax_out(x: number, rows: number, D: number, st: number, o: number, log: number): void;
  softmax_bwd(y: number, g: number, rows: number, D: number, o: number, log: number, scale: number): void;
  lstm_fwd(hg: number, xg: number, cp: number, act: number, cc: number, tc: number, z: number, b: number, H: number): void;
  lstm_bwd(act: number, tc: number, cp: number, dh: number, dc: number, dx: number, b: number, H: number): void;
  regroup(src: number, O: number, s: number, L: number, ld: number, dst: number, dir: number): void;
  strided(v: number, c: number, n0: number, n1: number, n2: number, s0: number, s1: number, s2: number, dir: number): void;
  scale_mask(x: number, rows: number, D: number, L: number, i: number, c: number, causal: number): void;
  relu(op: number, x: number, g: number, o: number, n: number, slope: number): void;
  expf(op: number, x: number, o: number, n: number): void;
  ln_fwd(x: number, rows: number, D: number, w: number, b: number, mode: number, eps: number, st: number, y: number): void;
  adam(p: number, g: number, m: number, v: number, vm: number, n: number, mode: number, wd: number, decay: number, w1: number, w1c: number, b2: number, c2: number, bc2: number, eps: number, ss: number, c1: number, bc1: number, lr: number, rect: number): void;
  rmsprop(p: number, g: number, sq: number, ga: number, b: number, n: number, mode: number, wd: number, alpha: number, w: number, wc: number, eps: number, mom: number, nlr: number): void;
  adagrad(p: number, g: number, sum: number, n: number, mode: number, wd: number, eps: number, nclr: number): void;
  adadelta(p: number, g: number, sq: number, acc: number, n: number, mode: number, wd: number, rho: number, w: number, eps: number, nlr: number): void;
  rprop(p: number, g: number, prev: number, ss: number, n: number, mode: number, plus: number, minus: number, lo: number, hi: number): void;
  bn_pass(kind: number, x: number, N: number, C: number, S: number, mean: number, a: number, b: number, y: number, g: number): void;
  bn_dx(g: number, x: number, N: number, C: number, S: number, st: number, dx: number): void;
  ln_bwd(x: number, g: number, rows: number, D: number, w: number, mode: number, st: number, dx: number, dw: number, db: number): void;
  sum_rows(x: number, D: number, post: number, acc: number, out: number): void;
  binary(op: number, a: number, b: number, o: number, n: number, alpha: number): void;
  asgd(p: number, g: number, ax: number, n: number, decay: number, negEta: number, mu: number, wd: number, mode: number): void;
}

/** Decodes base64 without Node's Buffer (atob is in every browser and in Node >= 16). */
// Uint8Array<ArrayBuffer>: a program compiled with the DOM lib (whose WebAssembly.Module takes
// a BufferSource) type-checks this file too.
export function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The module's four builds: own or shared memory, gemm with or without relaxed SIMD's fused multiply-add. */
export type Build = 'plain' | 'shared' | 'relaxed' | 'relaxedShared';

/**
 * @internal The bytes of one build. The bundle carries the plain build (base64) and each other
 * build as one splice of its bytes, `[at, removed, inserted]` (kernels.gen.ts; scripts/build-wasm.mjs
 * checks that each reproduces its build).
 */
export function buildBytes(which: Build): Uint8Array<ArrayBuffer> {
  const base = decode(wasmBase64);
  if (which === 'plain') return base;
  const [at, removed, b64] = which === 'shared' ? wasmSharedSplice : which === 'relaxed' ? wasmRelaxedSplice : wasmRelaxedSharedSplice;
  const inserted = decode(b64);
  const bytes = new Uint8Array(base.length - removed + inserted.length);
  bytes.set(base.subarray(0, at), 0);
  bytes.set(inserted, at);
  bytes.set(base.subarray(at + removed), at + inserted.length);
  return bytes;
}

/**
 * The most bytes a region staged in a module's memory (or an arena block) may end at: 4 GiB less
 * one page. Every loop bound in the module is `p + n * 4` in 32-bit arithmetic, which wraps to 0
 * for a region ending at byte 2^32; the page left out also covers reads a few vectors past an end.
 */
export const MAX_BYTES = 2 ** 32 - 65536;

/** Rounds a float count up to whole 16-byte units, so every staged region stays v128-aligned. */
export const room = (x: number): number => (x + 3) & ~3;

/** An instance and a Float32Array view of its memory, kept current as the memory grows. */
export class Instance {
  heap: Float32Array;
  constructor(readonly ex: Exports) {
    this.heap = new Float32Array(ex.memory.buffer);
  }

  /**
   * Makes the memory at least `floats` long; returns the (possibly new) view. Throws past 4 GiB.
   * Only this method grows the memory, so the view's length says what is there (reading
   * `memory.buffer` costs a call into the engine, measured at 3% of a CNN step when done twice
   * per kernel call).
   */
  reserve(floats: number): Float32Array {
    if (floats <= this.heap.length) return this.heap;
    const memory = this.ex.memory, bytes = floats * 4;
    if (bytes > MAX_BYTES) throw new RangeError(`reserve: ${floats} floats reach past the ${MAX_BYTES} bytes the kernels address`);
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    this.heap = new Float32Array(memory.buffer);
    return this.heap;
  }

  /** `reserve`, or undefined where the memory cannot grow that far (the caller takes its JS kernel). */
  tryReserve(floats: number): Float32Array | undefined {
    try {
      return this.reserve(floats);
    } catch {
      return undefined;
    }
  }
}

/**
 * The module's instance, or `undefined` where WebAssembly or its SIMD extension is missing.
 * With `relaxed` not false, the relaxed-SIMD build is taken where the runtime validates it.
 */
export function instantiate(options: { relaxed?: boolean }): { one: Instance; relaxed: boolean } | undefined {
  try {
    const build = pickBuild(options);
    if (!build) return undefined;
    return { one: new Instance(new WebAssembly.Instance(new WebAssembly.Module(build.bytes), {}).exports as unknown as Exports), relaxed: build.relaxed };
  } catch {
    return undefined; // e.g. a browser that refuses synchronous compiles past 4 KiB: see instantiateAsync
  }
}

/** The build this runtime validates (relaxed SIMD unless `relaxed` is false), or undefined without SIMD. */
function pickBuild(options: { relaxed?: boolean }): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } | undefined {
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return undefined;
  let bytes = buildBytes('relaxed');
  const relaxed = options.relaxed !== false && WebAssembly.validate(bytes);
  if (!relaxed) bytes = buildBytes('plain');
  return WebAssembly.validate(bytes) ? { bytes, relaxed } : undefined;
}

/**
 * `instantiate`, compiling asynchronously: for browsers that refuse synchronous compiles of
 * modules past 4 KiB on a page's main thread (Chromium before about version 115 did).
 */
export async function instantiateAsync(options: { relaxed?: boolean }): Promise<{ one: Instance; relaxed: boolean } | undefined> {
  try {
    const build = pickBuild(options);
    if (!build) return undefined;
    const { instance } = await WebAssembly.instantiate(build.bytes, {});
    return { one: new Instance(instance.exports as unknown as Exports), relaxed: build.relaxed };
  } catch {
    return undefined;
  }
}

/** The threaded build on a fresh shared memory (for the worker pool), and its compiled module. */
export function instantiateShared(relaxed: boolean): { instance: Instance; module: WebAssembly.Module; memory: WebAssembly.Memory } {
  const module = new WebAssembly.Module(buildBytes(relaxed ? 'relaxedShared' : 'shared'));
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  return { instance: new Instance(ex), module, memory };
}
