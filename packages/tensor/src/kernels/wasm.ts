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
import type { Kernels } from './types.js';
import { wasmBase64 } from './wasm/kernels.gen.js';

interface Exports {
  memory: WebAssembly.Memory;
  gemm(ap: number, bp: number, cp: number, mp: number, np: number, kc: number, ldc: number, acc: number): void;
  asgd(p: number, g: number, ax: number, n: number, decay: number, negEta: number, mu: number, wd: number, mode: number): void;
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
    // Layout (floats): B packed whole [K x ldc] | A block [mc x kcMax] | C block [mc x ldc].
    const B0 = 0, A0 = K * ldc, C0 = A0 + mc * kcMax;
    const w = reserve(C0 + mc * ldc);
    for (let p = 0; p < batch; p++) {
      const ao = aOff + p * aBs, bo = bOff + p * bBs, co = p * M * N;
      // B: each k-block [k0, k0+kc) starts at k0*ldc and holds np panels of kc x 8 (k-major).
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = Math.min(KC, K - k0);
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
          for (let ip = 0; ip < mp; ip++) {
            for (let ii = 0; ii < 4; ii++) {
              const i = i0 + ip * 4 + ii;
              let d = A0 + ip * kc * 4 + ii;
              if (i < M) {
                for (let k = 0, s = ao + i * aRs + k0 * aCs; k < kc; k++, s += aCs, d += 4) w[d] = a[s]!;
              } else for (let k = 0; k < kc; k++, d += 4) w[d] = 0;
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

  return { ...jsKernels, name: 'wasm', matmul, asgd };
}
