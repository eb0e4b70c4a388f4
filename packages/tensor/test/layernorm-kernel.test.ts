/**
 * LayerNorm's float32 kernels: the module's rows (`ln_fwd`, `ln_bwd`: sums in f64x2 lanes, outputs in f32x4) against the JS
 * rows (kernels/nn-js.ts), bit for bit, over widths around the v128 groups and the staging chunk
 * (one row per chunk past 32768 floats), row counts across chunks, every combination of weight,
 * bias and wanted gradients, and accumulators that start non-zero; and both against the
 * definition (statistics in double, outputs to a few float ulps).
 */
import { describe, expect, it } from 'vitest';
import { kernels } from '@tensile/tensor';
import { jsKernels } from '../src/kernels/js.js';

const wasm = kernels();
// TENSILE_KERNEL_TEST_MAX_N (default: every shape) skips the shapes with more elements, which test
// the module's chunking; Stryker sets it (5000) when mutating the JS rows, which compute each
// element alike at any size (stryker/vitest.tensor-kernels.config.ts). [65, 68] (4420 elements:
// past the module's ELEMENT_MIN of 4096, in one chunk) keeps a module = JS row under that cap.
const MAX_N = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['TENSILE_KERNEL_TEST_MAX_N'] ?? Infinity);
const rand = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 43758.5453 % 1 * 4 + (i % 7 === 0 ? 100 : 0)));
const bits = (a: Float32Array | Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('LayerNorm rows: module = JS, bit for bit', () => {
  const all: [number, number][] = [[1, 4], [3, 8], [65, 68], [600, 128], [257, 132], [5, 20000], [2, 40000], [1024, 64], [9, 6], [40, 130]];
  const shapes = all.filter(([R, D]) => R * D <= MAX_N);
  for (const [R, D] of shapes) {
    it(`[${R}, ${D}]`, () => {
      const x = rand(R * D + 3, R + D), g = rand(R * D + 1, D), w = rand(D + 2, 7), b = rand(D + 1, 9);
      for (const [useW, useB] of [[true, true], [true, false], [false, true], [false, false]] as const) {
        const runs = [wasm, jsKernels].map((k) => {
          const y = new Float32Array(R * D), mean = new Float64Array(R), invstd = new Float64Array(R);
          k.layerNorm(x, 3, R, D, useW ? w : null, 2, useB ? b : null, 1, 1e-5, y, mean, invstd);
          const dx = new Float32Array(R * D), dw = new Float64Array(D).fill(0.25), db = new Float64Array(D).fill(-0.5);
          k.layerNormBackward(x, 3, g, 1, R, D, useW ? w : null, 2, mean, invstd, dx, useW ? dw : null, useB ? db : null);
          const dxOnly = new Float32Array(R * D);
          k.layerNormBackward(x, 3, g, 1, R, D, useW ? w : null, 2, mean, invstd, dxOnly, null, null);
          const dwOnly = new Float64Array(D);
          k.layerNormBackward(x, 3, g, 1, R, D, useW ? w : null, 2, mean, invstd, null, dwOnly, null);
          return [y, mean, invstd, dx, dw, db, dxOnly, dwOnly].map(bits);
        });
        expect(runs[0], `weight ${useW}, bias ${useB}`).toEqual(runs[1]);
      }
    });
  }

  it('a mean far from the spread (x = 1000 + 0.01·noise): x - mean keeps the double mean\'s accuracy, in both kernel sets', () => {
    // The float32 passes take x - mean as (x - hi) - lo, hi + lo the double mean: x - hi is exact
    // here and lo (up to half a float ulp of 1000, 3e-5) is larger than the ulps of x - hi (1e-9).
    const R = 64, D = 68, x = Float32Array.from(rand(R * D, 5), (v) => Math.fround(1000 + 0.0025 * v));
    const g = rand(R * D, 6), w = rand(D, 7);
    const runs = [wasm, jsKernels].map((k) => {
      const y = new Float32Array(R * D), mean = new Float64Array(R), invstd = new Float64Array(R), dx = new Float32Array(R * D);
      k.layerNorm(x, 0, R, D, w, 0, null, 0, 1e-12, y, mean, invstd);
      k.layerNormBackward(x, 0, g, 0, R, D, w, 0, mean, invstd, dx, null, null);
      return { y, dx, mean, invstd };
    });
    expect(bits(runs[0]!.y)).toBe(bits(runs[1]!.y));
    expect(bits(runs[0]!.dx)).toBe(bits(runs[1]!.dx));
    const { y, dx, mean, invstd } = runs[1]!;
    for (let r = 0; r < R; r++) {
      const m = mean[r]!, is = invstd[r]!;
      let a = 0, c = 0;
      for (let j = 0; j < D; j++) { const gw = g[r * D + j]! * w[j]!; a += gw; c += gw * (x[r * D + j]! - m) * is; }
      a /= D; c /= D;
      for (let j = 0; j < D; j++) {
        const h = (x[r * D + j]! - m) * is, gw = g[r * D + j]! * w[j]!, want = is * (gw - a - h * c);
        expect(Math.abs(y[r * D + j]! - h * w[j]!), `y[${r}, ${j}]`).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(h * w[j]!));
        expect(Math.abs(dx[r * D + j]! - want), `dx[${r}, ${j}]`).toBeLessThanOrEqual(10 * 2 ** -24 * is * (Math.abs(gw) + Math.abs(a) + Math.abs(h * c)));
      }
    }
  });

  it('the JS rows are the definition: statistics and sums in double, y = x̂·w + b and dx in float32 to a few ulps', () => {
    const R = 7, D = 10, x = rand(R * D, 1), g = rand(R * D, 2), w = rand(D, 3), b = rand(D, 4);
    const y = new Float32Array(R * D), mean = new Float64Array(R), invstd = new Float64Array(R);
    jsKernels.layerNorm(x, 0, R, D, w, 0, b, 0, 1e-5, y, mean, invstd);
    const dx = new Float32Array(R * D), dw = new Float64Array(D), db = new Float64Array(D);
    jsKernels.layerNormBackward(x, 0, g, 0, R, D, w, 0, mean, invstd, dx, dw, db);
    const wantDw = new Float64Array(D), wantDb = new Float64Array(D);
    for (let r = 0; r < R; r++) {
      const row = Array.from(x.subarray(r * D, (r + 1) * D));
      const m = row.reduce((s, v) => s + v, 0) / D, v = row.reduce((s, u) => s + (u - m) ** 2, 0) / D, is = 1 / Math.sqrt(v + 1e-5);
      expect(mean[r]).toBeCloseTo(m, 12);
      expect(invstd[r]! / is - 1).toBeLessThan(1e-12);
      const xh = row.map((u) => (u - m) * is), gw = xh.map((_, j) => g[r * D + j]! * w[j]!);
      const a = gw.reduce((s, u) => s + u, 0) / D, c = gw.reduce((s, u, j) => s + u * xh[j]!, 0) / D;
      xh.forEach((h, j) => {
        // the output passes run in float32 (four or five roundings): within a few float ulps of
        // the terms' magnitudes (a cancellation can leave a small result with the terms' error)
        expect(Math.abs(y[r * D + j]! - (h * w[j]! + b[j]!))).toBeLessThanOrEqual(6 * 2 ** -24 * (Math.abs(h * w[j]!) + Math.abs(b[j]!)));
        const want = is * (gw[j]! - a - h * c);
        expect(Math.abs(dx[r * D + j]! - want)).toBeLessThanOrEqual(10 * 2 ** -24 * is * (Math.abs(gw[j]!) + Math.abs(a) + Math.abs(h * c)));
        wantDw[j] = wantDw[j]! + g[r * D + j]! * h;
        wantDb[j] = wantDb[j]! + g[r * D + j]!;
      });
    }
    wantDw.forEach((v, j) => expect(dw[j]).toBeCloseTo(v, 10));
    wantDb.forEach((v, j) => expect(db[j]).toBeCloseTo(v, 10));
  });
});
