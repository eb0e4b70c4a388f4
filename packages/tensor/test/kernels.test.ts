import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernels, Generator, getBackend, setBackend, type Backend } from '@tensile/tensor';

/** Naive float64 reference of one strided matmul. */
function naive(a: Float32Array, aOff: number, aRs: number, aCs: number, b: Float32Array, bOff: number, bRs: number, bCs: number, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[aOff + i * aRs + k * aCs]! * b[bOff + k * bRs + j * bCs]!;
    c[i * N + j] = s;
  }
  return c;
}

const g = new Generator(11);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => g.uniform() * 2 - 1);

// Every backend's kernels against the same references.
const initial = getBackend() as Backend;
for (const backend of ['js', 'wasm'] as const) {
  describe(`${backend} kernels`, () => {
    beforeAll(() => setBackend(backend));
    afterAll(() => setBackend(initial));

    describe('matmul kernel equals a naive float64 loop (within float32 summation error)', () => {
      const sizes: [number, number, number][] = [
        [0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [1, 7, 1], [5, 3, 7], [4, 4, 4], [8, 12, 16], [67, 131, 97], [9, 5, 300], [33, 17, 513],
      ];
      for (const [M, N, K] of sizes) {
        for (const layout of ['contiguous', 'A transposed', 'B transposed', 'both transposed, offset'] as const) {
          it(`${M}x${K} @ ${K}x${N}, ${layout}`, () => {
            const off = layout.endsWith('offset') ? 3 : 0;
            const a = rand(M * K + off), b = rand(K * N + off);
            const [aRs, aCs] = layout === 'A transposed' || layout.startsWith('both') ? [1, M] : [K, 1];
            const [bRs, bCs] = layout === 'B transposed' || layout.startsWith('both') ? [1, K] : [N, 1];
            const c = new Float32Array(M * N).fill(NaN);
            kernels().matmul(a, off, 0, aRs, aCs, b, off, 0, bRs, bCs, c, 1, M, N, K);
            const ref = naive(a, off, aRs, aCs, b, off, bRs, bCs, M, N, K);
            for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - ref[i]!), `element ${i}`).toBeLessThan(1e-5 * Math.max(1, K));
          });
        }
      }

      it('batched, with a broadcast (batch stride 0) B', () => {
        const [batch, M, N, K] = [3, 5, 6, 7];
        const a = rand(batch * M * K), b = rand(K * N);
        const c = new Float32Array(batch * M * N);
        kernels().matmul(a, 0, M * K, K, 1, b, 0, 0, N, 1, c, batch, M, N, K);
        for (let p = 0; p < batch; p++) {
          const ref = naive(a, p * M * K, K, 1, b, 0, N, 1, M, N, K);
          for (let i = 0; i < M * N; i++) expect(Math.abs(c[p * M * N + i]! - ref[i]!)).toBeLessThan(1e-5);
        }
      });

      it('batched, with a broadcast (batch stride 0) A and a per-batch offset B', () => {
        const [batch, M, N, K] = [4, 7, 9, 11];
        const a = rand(M * K), b = rand(2 + batch * K * N);
        const c = new Float32Array(batch * M * N);
        kernels().matmul(a, 0, 0, K, 1, b, 2, K * N, N, 1, c, batch, M, N, K);
        for (let p = 0; p < batch; p++) {
          const ref = naive(a, 0, K, 1, b, 2 + p * K * N, N, 1, M, N, K);
          for (let i = 0; i < M * N; i++) expect(Math.abs(c[p * M * N + i]! - ref[i]!)).toBeLessThan(1e-5 * K);
        }
      });

      // Non-unit strides on both axes (a view that steps over rows and columns), including
      // K > 256 so the k-blocks end on a short block, and the MLP's forward and backward shapes.
      const strided: [number, number, number][] = [[1, 1, 1], [2, 3, 5], [13, 29, 31], [17, 6, 263], [64, 10, 256], [64, 256, 784]];
      for (const [M, N, K] of strided) {
        it(`${M}x${K} @ ${K}x${N}, every other row and column of larger arrays`, () => {
          const a = rand(2 * M * 3 * K), b = rand(2 * K * 3 * N);
          const c = new Float32Array(M * N);
          kernels().matmul(a, 1, 0, 3 * K * 2, 2, b, 5, 0, 3 * N * 2, 2, c, 1, M, N, K);
          const ref = naive(a, 1, 3 * K * 2, 2, b, 5, 3 * N * 2, 2, M, N, K);
          for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - ref[i]!), `element ${i}`).toBeLessThan(1e-5 * Math.max(1, K));
        });
      }

      // Column slices of wider rows, batched: a head's [L x 32] slice of a [L x 128] gradient
      // (cat's backward) spans 4x its floats and is staged whole; a slice of 20x wider rows is
      // copied row by row. Both against the naive product, per batch.
      for (const widen of [4, 20]) {
        it(`[3 x 37 x 32] @ [3 x 32 x 24], A's and B's rows ${widen}x wider than the view`, () => {
          const [batch, M, N, K] = [3, 37, 24, 32];
          const aRs = widen * K, bRs = widen * N, aBs = M * aRs + 5, bBs = K * bRs + 3;
          const a = rand(batch * aBs + 7), b = rand(batch * bBs + 7);
          const c = new Float32Array(batch * M * N).fill(NaN);
          kernels().matmul(a, 7, aBs, aRs, 1, b, 2, bBs, bRs, 1, c, batch, M, N, K);
          for (let p = 0; p < batch; p++) {
            const ref = naive(a, 7 + p * aBs, aRs, 1, b, 2 + p * bBs, bRs, 1, M, N, K);
            for (let i = 0; i < M * N; i++) expect(Math.abs(c[p * M * N + i]! - ref[i]!), `batch ${p} element ${i}`).toBeLessThan(1e-5 * K);
          }
        });
      }

      it('where copies each chosen element\'s bits (NaN payloads, -0), any nonzero condition byte true, broadcast operands', () => {
        const bits = (v: number[]): Float32Array => new Float32Array(Uint32Array.from(v).buffer);
        // a: [2, 3] with a NaN payload and -0; b: one row broadcast over both rows; c: [2, 3] bytes 0, 1, 2, 255
        const a = bits([0x7fc00123, 0x80000000, 0x3f800000, 0xff800000, 0x00000001, 0x40490fdb]);
        const b = bits([0x7f800000, 0x7fa00001, 0xbf800000]);
        const c = Uint8Array.of(0, 1, 2, 255, 0, 1);
        const out = new Float32Array(8).fill(7);
        kernels().where(c, 0, [3, 1], a, 0, [3, 1], b, 0, [0, 1], [2, 3], out, 1);
        expect(Array.from(new Uint32Array(out.buffer))).toEqual([
          0x40e00000, 0x7f800000, 0x80000000, 0x3f800000, 0xff800000, 0x7fa00001, 0x40490fdb, 0x40e00000,
        ]);
        // a scalar condition (stride 0) over a longer row: every element from one side
        const long = Float32Array.from({ length: 70 }, (_, i) => i - 35), zero = new Float32Array(1);
        const o2 = new Float32Array(70);
        kernels().where(Uint8Array.of(3), 0, [0], long, 0, [1], zero, 0, [0], [70], o2, 0);
        expect(Array.from(o2)).toEqual(Array.from(long));
        kernels().where(Uint8Array.of(0), 0, [0], long, 0, [1], zero, 0, [0], [70], o2, 0);
        expect(o2.every((v) => Object.is(v, 0))).toBe(true);
      });

      it('writes only its own batch slices of C and leaves A and B unchanged', () => {
        const [batch, M, N, K] = [2, 3, 5, 4];
        const a = rand(batch * M * K), b = rand(batch * K * N);
        const a0 = a.slice(), b0 = b.slice();
        const c = new Float32Array(batch * M * N + 3).fill(7);
        kernels().matmul(a, 0, M * K, K, 1, b, 0, K * N, N, 1, c, batch, M, N, K);
        expect(Array.from(c.subarray(batch * M * N))).toEqual([7, 7, 7]);
        expect(a).toEqual(a0);
        expect(b).toEqual(b0);
      });
    });
  });
}
