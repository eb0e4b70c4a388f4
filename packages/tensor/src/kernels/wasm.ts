/**
 * The WebAssembly SIMD kernel set: `matmul` (and so `conv2d`, which runs through it) and
 * ASGD's fused update run in the module assembled from `wasm/kernels.wat`; every other kernel
 * is the JavaScript one.
 *
 * Tensors keep their storage in ordinary `Float32Array`s, so each call stages its operands in
 * the module's memory:
 * - matmul packs A and B straight from their strided views into the panel layout the
 *   micro-kernel reads (the JS kernel packs too, so this costs nothing extra) and copies C out:
 *   O(n²) copying against O(n³) arithmetic.
 * - the ASGD update streams the arrays through in chunks that stay in cache, so main memory
 *   sees each element read and written once, as a kernel working in place would.
 */
import { jsKernels } from './js.js';
import type { BinaryKind, Kernels } from './types.js';
import { wasmBase64 } from './wasm/kernels.gen.js';

interface Exports {
  memory: WebAssembly.Memory;
  gemm(ap: number, bp: number, cp: number, mp: number, np: number, kc: number, ldc: number, acc: number): void;
  pack_a(src: number, rs: number, cs: number, rows: number, kc: number, dst: number): void;
  pack_b(src: number, rs: number, cs: number, cols: number, kc: number, dst: number): void;
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

/** Decodes base64 without Node's Buffer (atob is in every browser and in Node >= 16). */
function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/**
 * Instantiates the module synchronously, or returns `undefined` where WebAssembly or its SIMD
 * extension is missing (the engine then keeps the JS kernels).
 */
export function createWasmKernels(): Kernels | undefined {
  let ex: Exports;
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return undefined;
    const bytes = decode(wasmBase64);
    if (!WebAssembly.validate(bytes)) return undefined; // no SIMD in this runtime
    ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;
  } catch {
    return undefined;
  }
  const memory = ex.memory;
  let heap = new Float32Array(memory.buffer);

  /** Makes the memory at least `floats` long; returns the (possibly new) view. */
  function reserve(floats: number): Float32Array {
    const bytes = floats * 4;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return heap;
  }

  // NOTE: V8 (Node 20) copies *out of* a WebAssembly memory into a large typed array about 10x
  // slower than between ordinary buffers (2 ns vs 0.15 ns per float, measured), but copying
  // into a small ordinary buffer is fast; so results leave through a cache-sized staging array.
  const CHUNK = 8192;
  const stage = new Float32Array(CHUNK);
  function copyOut(dst: Float32Array, dOff: number, src: Float32Array, sOff: number, m: number): void {
    for (let i = 0; i < m; i += CHUNK) {
      const k = Math.min(CHUNK, m - i);
      stage.set(src.subarray(sOff + i, sOff + i + k));
      dst.set(k === CHUNK ? stage : stage.subarray(0, k), dOff + i);
    }
  }

  const KC = 256; // k-block: a B panel is KC x 8 floats (8 KiB) and stays in L1
  const MC = 128; // rows of A packed per block: MC x KC floats (128 KiB) stay in L2
  const SMALL = 8 * 8 * 8; // below this many multiply-adds the JS kernel wins (call overhead)

  function matmul(
    a: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
    b: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number,
    c: Float32Array, batch: number, M: number, N: number, K: number,
  ): void {
    if (M * N * K <= SMALL) {
      jsKernels.matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K);
      return;
    }
    const np = (N + 7) >> 3, ldc = np * 8;
    const mc = Math.min(MC, (M + 3) & ~3), kcMax = Math.min(KC, K);
    // Each operand is copied in as the span of memory its view covers, then packed by the
    // module; a view that skips most of its span (a slice of a much larger tensor) is packed
    // element by element in JS instead, so the copy never outgrows the work.
    const aSpan = (M - 1) * aRs + (K - 1) * aCs + 1, bSpan = (K - 1) * bRs + (N - 1) * bCs + 1;
    const dense = aSpan <= 2 * M * K + 64 && bSpan <= 2 * K * N + 64;
    // Layout (floats): B packed whole [K x ldc] | A block [mc x kcMax] | C block [mc x ldc]
    // | A's span | B's span (rounded up to 4 floats, so every region stays 16-byte aligned).
    const B0 = 0, A0 = K * ldc, C0 = A0 + mc * kcMax, RA = C0 + mc * ldc, RB = RA + ((aSpan + 3) & ~3);
    const w = reserve(dense ? RB + bSpan : RA);
    for (let p = 0; p < batch; p++) {
      const ao = aOff + p * aBs, bo = bOff + p * bBs, co = p * M * N;
      if (dense) {
        w.set(a.subarray(ao, ao + aSpan), RA);
        w.set(b.subarray(bo, bo + bSpan), RB);
      }
      // B: each k-block [k0, k0+kc) starts at k0*ldc and holds np panels of kc x 8 (k-major).
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = Math.min(KC, K - k0);
        if (dense) {
          ex.pack_b((RB + k0 * bRs) * 4, bRs, bCs, N, kc, (B0 + k0 * ldc) * 4);
          continue;
        }
        for (let jp = 0; jp < np; jp++) {
          const base = B0 + k0 * ldc + jp * kc * 8;
          for (let jj = 0; jj < 8; jj++) {
            const j = jp * 8 + jj;
            let d = base + jj;
            if (j < N) {
              for (let k = 0, s = bo + k0 * bRs + j * bCs; k < kc; k++, s += bRs, d += 8) w[d] = b[s]!;
            } else for (let k = 0; k < kc; k++, d += 8) w[d] = 0;
          }
        }
      }
      for (let i0 = 0; i0 < M; i0 += mc) {
        const rows = Math.min(mc, M - i0), mp = (rows + 3) >> 2;
        for (let k0 = 0; k0 < K; k0 += KC) {
          const kc = Math.min(KC, K - k0);
          // A: mp panels of 4 rows, each kc x 4 (k-major); missing rows are zero.
          if (dense) ex.pack_a((RA + i0 * aRs + k0 * aCs) * 4, aRs, aCs, rows, kc, A0 * 4);
          else {
            for (let ip = 0; ip < mp; ip++) {
              for (let ii = 0; ii < 4; ii++) {
                const i = i0 + ip * 4 + ii;
                let d = A0 + ip * kc * 4 + ii;
                if (i < M) {
                  for (let k = 0, s = ao + i * aRs + k0 * aCs; k < kc; k++, s += aCs, d += 4) w[d] = a[s]!;
                } else for (let k = 0; k < kc; k++, d += 4) w[d] = 0;
              }
            }
          }
          ex.gemm(A0 * 4, (B0 + k0 * ldc) * 4, C0 * 4, mp, np, kc, ldc, k0 > 0 ? 1 : 0);
        }
        if (ldc === N) copyOut(c, co + i0 * N, w, C0, rows * N);
        else for (let r = 0; r < rows; r++) copyOut(c, co + (i0 + r) * N, w, C0 + r * ldc, N);
      }
    }
  }

  function asgd(
    p: Float32Array, pOff: number, g: Float32Array, gOff: number, ax: Float32Array, axOff: number, n: number,
    decay: number, negEta: number, mu: number, wd: number,
  ): void {
    const n4 = n & ~3;
    const avg = mu !== 1, mode = (wd !== 0 ? 1 : 0) | (avg ? 2 : 0) | (avg && Math.fround(mu) === mu ? 4 : 0);
    const w = reserve(3 * CHUNK); // CHUNK floats per array per call: 3 x 32 KiB stay in L2
    const P = 0, G = CHUNK, X = 2 * CHUNK;
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      w.set(p.subarray(pOff + i, pOff + i + m), P);
      w.set(g.subarray(gOff + i, gOff + i + m), G);
      if (avg) w.set(ax.subarray(axOff + i, axOff + i + m), X);
      ex.asgd(P * 4, G * 4, X * 4, m, decay, negEta, mu, wd, mode);
      copyOut(p, pOff + i, w, P, m);
      copyOut(ax, axOff + i, w, X, m);
    }
    // The last n % 4 elements: the JS kernel computes the same bits.
    if (n4 < n) jsKernels.asgd(p, pOff + n4, g, gOff + n4, ax, axOff + n4, n - n4, decay, negEta, mu, wd);
  }

  const BINARY_OPS: Partial<Record<BinaryKind, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
  const BINARY_MIN = 4096; // below this the JS loop is as fast as staging through the module

  /** Element-wise add/sub/mul/div of contiguous same-shape operands; the rest is JS's. */
  const binary: Kernels['binary'] = (kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha = 1) => {
    let op = BINARY_OPS[kind];
    const n = numelOf(shape);
    if (op === undefined || n < BINARY_MIN || !contiguous(shape, aStrides) || !contiguous(shape, bStrides)) {
      jsKernels.binary(kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha);
      return;
    }
    // JS rounds alpha to float32 and computes a ± alpha·b in double: op 4 does the same.
    let al = Math.fround(alpha);
    if (op <= 1 && al !== 1) {
      if (op === 1) al = -al;
      op = 4;
    }
    const n4 = n & ~3;
    const w = reserve(3 * CHUNK);
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      w.set(a.subarray(aOff + i, aOff + i + m), 0);
      w.set(b.subarray(bOff + i, bOff + i + m), CHUNK);
      ex.binary(op, 0, CHUNK * 4, 2 * CHUNK * 4, m, al);
      copyOut(out, outOff + i, w, 2 * CHUNK, m);
    }
    if (n4 < n) jsKernels.binary(kind, a, aOff + n4, [1], b, bOff + n4, [1], [n - n4], out, outOff + n4, alpha);
  };

  return { ...jsKernels, name: 'wasm', matmul, binary, asgd };
}
