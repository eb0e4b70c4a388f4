/**
 * Batch normalisation's float32 kernels: the module's passes (`bn_pass`'s sums in f64x2 lanes, its
 * affine output and `bn_dx` in f32x4) against the JS rows (kernels/nn-js.ts), bit for bit, pass by
 * pass and in sessions (the input staged once): [N, C] inputs (S = 1, channels four at a
 * time) and [N, C, S] (positions four-way), sample counts across the staging chunk, a sample
 * larger than a chunk, every pass kind, accumulators that start non-zero; shapes the module does
 * not take (C or S not a multiple of 4) give the JS rows' results too; the input gradient with
 * and without GroupNorm's per-channel scale of dy; a session's passes over sample ranges (as
 * GroupNorm runs them); and F.batchNorm and F.groupNorm on both backends, forward and backward.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { kernels } from '@tensile/tensor';
import { jsKernels } from '../src/kernels/js.js';

const wasm = kernels();
// TENSILE_KERNEL_TEST_MAX_N (default: every shape) skips the shapes with more elements, which test
// the module's chunking; Stryker sets it (5000) when mutating the JS rows, which compute each
// element alike at any size (stryker/vitest.tensor-kernels.config.ts). [520, 8, 1] and [9, 7, 68]
// (4160 and 4284 elements: past the module's ELEMENT_MIN of 4096, in one chunk) keep a module = JS
// row of each layout under that cap.
const MAX_N = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['TENSILE_KERNEL_TEST_MAX_N'] ?? Infinity);
const rand = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 43758.5453 % 1 * 3 + (i % 11 === 0 ? 50 : 0)));
const rand64 = (n: number, seed: number): Float64Array => Float64Array.from(rand(n, seed), (v) => v / 7);
const hex = (a: Float32Array | Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('batch-norm passes: module = JS, bit for bit', () => {
  const all: [number, number, number][] = [[256, 512, 1], [520, 8, 1], [3, 8, 1], [64, 64, 256], [7, 3, 4], [9, 7, 68], [2, 4, 40000], [5, 6, 20], [9, 5, 1], [130, 16, 16]];
  const shapes = all.filter(([N, C, S]) => N * C * S <= MAX_N);
  for (const [N, C, S] of shapes) {
    it(`[${N}, ${C}, ${S}]`, () => {
      const n = N * C * S, x = rand(n + 3, N + C), g = rand(n + 2, S), mean = rand64(C, 1);
      for (const kind of [0, 1, 2, 3]) {
        const out = [wasm, jsKernels].map((k) => {
          const a = rand64(C, 2), b = kind >= 2 ? rand64(C, 3) : null, y = kind === 2 ? new Float32Array(n) : null;
          k.batchNormPass(kind, x, 3, N, C, S, mean, a, b, y, kind === 3 ? g : null, 2);
          return [a, ...(b ? [b] : []), ...(y ? [y] : [])].map(hex);
        });
        expect(out[0], `kind ${kind}`).toEqual(out[1]);
      }
      const [invstd, k, gm, xm] = [rand64(C, 4), rand64(C, 5), rand64(C, 6), rand64(C, 7)];
      const dx = [wasm, jsKernels].map((kk) => {
        const d = new Float32Array(n);
        kk.batchNormGradInput(g, 2, x, 3, N, C, S, mean, invstd, k, gm, xm, d);
        return hex(d);
      });
      expect(dx[0]).toEqual(dx[1]);
      // with a per-channel scale of dy (GroupNorm's weight)
      const gw = rand64(C, 8);
      const dxw = [wasm, jsKernels].map((kk) => {
        const d = new Float32Array(n);
        kk.batchNormGradInput(g, 2, x, 3, N, C, S, mean, invstd, k, gm, xm, d, gw);
        return hex(d);
      });
      expect(dxw[0]).toEqual(dxw[1]);
      expect(dxw[1]).not.toEqual(dx[1]);
    });
  }

  it('the JS rows sum each sample\'s positions four-way: (s0 + s2) + (s1 + s3), then into the channel', () => {
    const x = Float32Array.from([1e16, 1, -1e16, 1, 3, 0, 0, 0, 5]); // one channel, S = 9, N = 1
    const a = new Float64Array([0.5]);
    jsKernels.batchNormPass(0, x, 0, 1, 1, 9, new Float64Array(1), a, null, null, null, 0);
    const s0 = 1e16 + 3 + 5, s1 = 1 + 0, s2 = -1e16 + 0, s3 = 1 + 0;
    expect(a[0]).toBe(0.5 + ((s0 + s2) + (s1 + s3)));
  });
});

describe('batch-norm sessions (the input staged once): module = JS, bit for bit', () => {
  // [1, 4, 40000] is one sample larger than a chunk; [9, 5, 1] (C not a multiple of 4) runs the JS rows in both
  // [1000, 5, 1]: past ELEMENT_MIN with C not a multiple of 4 (S = 1): the JS rows, as the module takes four channels at a time
  const all: [number, number, number][] = [[256, 512, 1], [64, 64, 256], [9, 7, 68], [130, 16, 16], [1, 4, 40000], [9, 5, 1], [3, 8, 1], [1000, 5, 1]];
  const shapes = all.filter(([N, C, S]) => N * C * S <= MAX_N);
  for (const [N, C, S] of shapes) {
    it(`[${N}, ${C}, ${S}]: every pass over all samples, then sample by sample`, () => {
      const n = N * C * S, x = rand(n + 3, N + C + 1), g = rand(n + 2, S + 1);
      const run = (k: typeof wasm): string[] => {
        const out: string[] = [];
        k.batchNormSession(x, 3, g, 2, N, C, S, (s) => {
          const mean = rand64(C, 1), a = rand64(C, 2), b = rand64(C, 3), y = new Float32Array(n), dx = new Float32Array(n);
          s.pass(0, mean, a, null, null);
          s.pass(1, mean, a, null, null);
          s.pass(3, mean, a, b, null);
          s.pass(2, mean, a, b, y);
          s.gradInput(mean, rand64(C, 4), rand64(C, 5), rand64(C, 6), rand64(C, 7), dx);
          out.push(...[a, b, y, dx].map(hex));
          // sample by sample (GroupNorm's use), with a per-channel scale of dy
          const y1 = new Float32Array(n).fill(7), dx1 = new Float32Array(n).fill(7), a1 = rand64(C, 8);
          for (let i = 0; i < N; i++) {
            s.pass(1, mean, a1, null, null, i, 1);
            s.pass(2, mean, rand64(C, 9 + i), b, y1, i, 1);
            s.gradInput(mean, rand64(C, 4), rand64(C, 5), rand64(C, 6), rand64(C, 7), dx1, rand64(C, 10), i, 1);
          }
          out.push(...[a1, y1, dx1].map(hex));
        });
        return out;
      };
      const [m, j] = [run(wasm), run(jsKernels)];
      expect(m).toEqual(j);
      // every output written (no 7 left from the fill)
      const y1 = new Float32Array(Buffer.from(j[4]!, 'hex').buffer.slice(0));
      expect(y1.includes(7)).toBe(false);
    });
  }

  it('F.batchNorm\'s float32 output is within 1.5 ulps of its terms of the exact value (statistics in double, the output pass in float32)', () => {
    for (const [shape, offset] of [[[64, 16, 5, 5], 0.5], [[256, 32], 40], [[8, 4, 8, 8], -3]] as const) {
      T.manualSeed(shape.length + 7);
      const x = T.randn([...shape]).mul(2).add(offset), C = shape[1], w = T.randn([C]), b = T.randn([C]);
      const y = T.F.batchNorm(x, null, null, { weight: w, bias: b, training: true }).toTypedArray() as Float32Array;
      const xd = x.toTypedArray() as Float32Array, wd = w.toTypedArray() as Float32Array, bd = b.toTypedArray() as Float32Array;
      const S = xd.length / (shape[0] * C), M = shape[0] * S;
      for (let c = 0; c < C; c++) {
        const at = (n: number, j: number): number => (n * C + c) * S + j;
        let m = 0, v = 0;
        for (let n = 0; n < shape[0]; n++) for (let j = 0; j < S; j++) m += xd[at(n, j)]!;
        m /= M;
        for (let n = 0; n < shape[0]; n++) for (let j = 0; j < S; j++) v += (xd[at(n, j)]! - m) ** 2;
        const is = 1 / Math.sqrt(v / M + 1e-5);
        for (let n = 0; n < shape[0]; n++) {
          for (let j = 0; j < S; j++) {
            const h = (xd[at(n, j)]! - m) * is * wd[c]!, want = h + bd[c]!;
            expect(Math.abs(y[at(n, j)]! - want), `${shape} channel ${c}`).toBeLessThanOrEqual(3 * 2 ** -24 * (Math.abs(h) + Math.abs(bd[c]!)));
          }
        }
      }
    }
  });

  it('F.batchNorm and F.groupNorm give the same bits on both backends, forward and backward', () => {
    const ops: [string, number[], (x: T.Tensor, w: T.Tensor, b: T.Tensor) => T.Tensor][] = [
      ['batchNorm [16, 8, 6, 6]', [16, 8, 6, 6], (x, w, b) => T.F.batchNorm(x, null, null, { weight: w, bias: b, training: true })],
      ['batchNorm [256, 32]', [256, 32], (x, w, b) => T.F.batchNorm(x, null, null, { weight: w, bias: b, training: true })],
      ['groupNorm [8, 8, 8, 8] in 2 groups', [8, 8, 8, 8], (x, w, b) => T.F.groupNorm(x, 2, w, b)],
    ];
    for (const [name, shape, op] of ops) {
      const results = (['js', 'wasm'] as const).map((backend) => {
        T.setBackend(backend);
        T.manualSeed(5);
        const x = T.randn(shape).mul(2).add(0.5).requiresGrad_(true), w = T.randn([shape[1]!]).requiresGrad_(true), b = T.randn([shape[1]!]).requiresGrad_(true);
        const y = op(x, w, b);
        y.backward(T.randn(shape));
        return [y, x.grad!, w.grad!, b.grad!].map((t) => hex(t.toFloat32Array()));
      });
      T.setBackend('wasm');
      expect(results[1], name).toEqual(results[0]);
    }
  });
});
