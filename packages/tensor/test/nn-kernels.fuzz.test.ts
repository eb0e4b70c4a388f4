/**
 * Random geometries for the convolution and pooling kernels: the WebAssembly set against the JS
 * reference, on data where every sum is exact (small integers), so both must give the float64
 * definition's values bit for bit, whatever the summation order. Pooling with ties, NaN and
 * -Infinity must give the same values and indices. `npm test` runs a bounded number of cases;
 * `npm run fuzz` many more (FUZZ_RUNS).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type ConvGeometry, type Kernels } from '@tensile/tensor';
import { fuzz } from './helpers/fuzz.js';
import { kernelSet } from './helpers/kernels.js';

const { settings, timeout } = fuzz(1 / 3);

const js = kernelSet('js'), wasm = kernelSet('wasm');

/** A window geometry that fits: kernel at most the padded input, padding at most half the kernel. */
const geometry = fc.record({
  N: fc.integer({ min: 1, max: 3 }), C: fc.integer({ min: 1, max: 4 }), O: fc.integer({ min: 1, max: 5 }),
  H: fc.integer({ min: 1, max: 13 }), W: fc.integer({ min: 1, max: 13 }),
  kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }),
}).filter((g) => g.kh <= g.H + 2 * g.ph && g.kw <= g.W + 2 * g.pw && 2 * g.ph <= g.kh && 2 * g.pw <= g.kw)
  .map((g): ConvGeometry => ({ ...g, Ho: Math.floor((g.H + 2 * g.ph - g.kh) / g.sh) + 1, Wo: Math.floor((g.W + 2 * g.pw - g.kw) / g.sw) + 1 }));

const ints = (n: number, span: number, seed: number): Float32Array => {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s % (2 * span + 1)) - span;
  });
};

describe('conv2d kernels on random geometries (exact data)', () => {
  it('wasm and JS give the definition\'s values, forward and all three gradients', { timeout }, () => {
    fc.assert(fc.property(geometry, fc.nat(), (g, seed) => {
      const { N, C, H, W, O, kh, kw, sh, sw, ph, pw, Ho, Wo } = g, R = C * kh * kw, L = Ho * Wo;
      const x = ints(N * C * H * W, 3, seed), w = ints(O * R, 2, seed + 1), b = ints(O, 4, seed + 2), gy = ints(N * O * L, 2, seed + 3);
      const y = new Float64Array(N * O * L), dx = new Float64Array(N * C * H * W), dw = new Float64Array(O * R), db = new Float64Array(O);
      for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
        const yi = ((n * O + o) * Ho + oy) * Wo + ox;
        y[yi] = b[o]!;
        db[o]! += gy[yi]!;
        for (let c = 0; c < C; c++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
          const iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
          const xi = ((n * C + c) * H + iy) * W + ix, wi = o * R + (c * kh + ky) * kw + kx;
          y[yi]! += w[wi]! * x[xi]!;
          dx[xi]! += w[wi]! * gy[yi]!;
          dw[wi]! += gy[yi]! * x[xi]!;
        }
      }
      for (const k of [js, wasm]) {
        const yo = new Float32Array(N * O * L), dxo = new Float32Array(N * C * H * W).fill(9), dwo = new Float32Array(O * R).fill(9), dbo = new Float32Array(O).fill(9);
        k.conv2d(x, 0, w, 0, b, 0, g, yo);
        k.conv2dBackward(x, 0, w, 0, gy, 0, g, dxo, dwo, dbo);
        expect(Array.from(yo), `${k.name} y`).toEqual(Array.from(y));
        expect(Array.from(dxo), `${k.name} dx`).toEqual(Array.from(dx));
        expect(Array.from(dwo), `${k.name} dw`).toEqual(Array.from(dw));
        expect(Array.from(dbo), `${k.name} db`).toEqual(Array.from(db));
      }
    }), settings);
  });
});

describe('maxPool2d kernels on random geometries', () => {
  it('wasm gives the JS kernel\'s values and indices, with ties, NaN and -Infinity', { timeout }, () => {
    fc.assert(fc.property(geometry, fc.nat(), (g, seed) => {
      const { N, C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo } = g;
      const x = Float32Array.from(ints(N * C * H * W, 2, seed), (v, i) => (i % 11 === 5 ? NaN : i % 13 === 7 ? -Infinity : v));
      const run = (k: Kernels) => {
        const out = new Float32Array(N * C * Ho * Wo), idx = new Int32Array(out.length);
        k.maxPool2d(x, 0, N, C, H, W, kh, kw, sh, sw, ph, pw, out, idx);
        return { out: Array.from(out), idx: Array.from(idx) };
      };
      expect(run(wasm)).toEqual(run(js));
    }), settings);
  });

  it('the 2x2 stride-2 kernel on random sizes (every width, odd heights)', { timeout }, () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 21 }), fc.integer({ min: 2, max: 41 }), fc.nat(), (N, C, H, W, seed) => {
      const x = Float32Array.from(ints(N * C * H * W, 2, seed), (v, i) => (i % 17 === 3 ? NaN : v));
      const Ho = Math.floor(H / 2), Wo = Math.floor(W / 2);
      const run = (k: Kernels) => {
        const out = new Float32Array(N * C * Ho * Wo), idx = new Int32Array(out.length);
        k.maxPool2d(x, 0, N, C, H, W, 2, 2, 2, 2, 0, 0, out, idx);
        return { out: Array.from(out), idx: Array.from(idx) };
      };
      expect(run(wasm)).toEqual(run(js));
    }), settings);
  });
});
