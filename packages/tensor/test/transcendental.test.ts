/**
 * The float32 exp, sigmoid, tanh, log and GELU kernels (kernels/transcendental.ts and the module's
 * f32x4 `expf`): the same bits from both kernel sets on every exponent and around every branch and
 * clamp; every call size around the v128 groups and the staging chunk, at unaligned offsets,
 * writing nothing outside its range; and the accuracy bound on a sample (`npm run ulp` checks
 * all 2^32 inputs).
 */
import { describe, expect, it } from 'vitest';
import { kernels, tensor } from '@tensile/tensor';
import { jsKernels } from '../src/kernels/js.js';
import { expf, geluBackwardf, geluf, geluTanhBackwardf, geluTanhf, logf, sigmoidf, siluBackwardf, siluf, tanhf } from '../src/kernels/transcendental.js';

const KINDS = ['exp', 'sigmoid', 'tanh', 'log'] as const;
type Kind = (typeof KINDS)[number];
const scalar: Record<Kind, (x: number) => number> = { exp: expf, sigmoid: sigmoidf, tanh: tanhf, log: logf };
const exact: Record<Kind, (x: number) => number> = { exp: Math.exp, sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh, log: Math.log };
const wasm = kernels();

const f32 = (b: number): number => new Float32Array(new Uint32Array([b]).buffer)[0]!;
const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/** Adjacent float32 values are 1 apart; ±0 are both 0. */
const ordered = (x: number): number => { const b = new Int32Array(new Float32Array([x]).buffer)[0]!; return b < 0 ? -(b & 0x7fffffff) : b; };

/** The first index where two arrays' bits differ (any NaN equal to any NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ai = new Uint32Array(a.buffer), bi = new Uint32Array(b.buffer);
  for (let i = 0; i < a.length; i++) if (ai[i] !== bi[i] && !(a[i] !== a[i] && b[i] !== b[i])) return i;
  return -1;
}

/** Every exponent (both signs, several mantissas), the specials, and both sides of each branch point and clamp. */
function inputs(): Float32Array {
  const xs: number[] = [0, -0, Infinity, -Infinity, NaN, f32(0x7fc00001), f32(0xffc00000), f32(1), f32(0x80000001), f32(0x7f7fffff), f32(0xff7fffff)];
  // (log's: 1, √½ (the mantissa's split), 2^-126 (the smallest normal), powers of two)
  for (const p of [0.625, 2 ** -12, 88.72283935546875, 88.7228, 89, 104, 103.97207708, 87.33654, 9.010913, 0.34657359, 1, 2, 0.5, Math.SQRT1_2, 2 ** -126, 2 ** -100, 2 ** 100]) {
    for (const s of [1, -1]) {
      const v = Math.fround(s * p), b = new Uint32Array(new Float32Array([v]).buffer)[0]!;
      for (let d = -3; d <= 3; d++) xs.push(f32(b + d));
    }
  }
  for (let e = 0; e < 256; e++) for (let m = 0; m < 24; m++) for (const s of [0, 1]) xs.push(f32(((s << 31) | (e << 23) | ((m * 349525 + e * 7919) & 0x7fffff)) >>> 0));
  // log's mantissa split: exactly √½ (as float32) at every exponent, subnormals included (the two
  // reductions it separates round differently at two of them)
  for (let k = -149; k < 128; k++) xs.push(Math.fround(Math.fround(Math.SQRT1_2) * 2 ** k));
  let u = 12345;
  for (let i = 0; i < 20000; i++) { u = (u * 1103515245 + 12345) >>> 0; xs.push(Math.fround(((u / 2 ** 32) - 0.5) * 60)); }
  return Float32Array.from(xs);
}

describe('float32 exp, sigmoid, tanh, log: one algorithm, the same bits in both kernel sets', () => {
  const x = inputs();
  for (const kind of KINDS) {
    it(`${kind}: module = JS rows = the scalar function, ${x.length} inputs`, () => {
      const a = new Float32Array(x.length), b = new Float32Array(x.length);
      wasm.unary(kind, x, 0, a, 0, x.length);
      jsKernels.unary(kind, x, 0, b, 0, x.length);
      const c = Float32Array.from(x, scalar[kind]);
      const norm = (v: Float32Array): number[] => bitsOf(v).map((bits, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : bits)); // NaN payloads may differ
      expect(norm(a)).toEqual(norm(b));
      expect(norm(b)).toEqual(norm(c));
    });
  }

  it('special values: e^±inf, e^NaN, the overflow and underflow edges, tanh(-0) = -0, sigmoid(0) = 0.5', () => {
    expect([expf(Infinity), expf(-Infinity), expf(NaN), expf(89), expf(-104), expf(0)]).toEqual([Infinity, 0, NaN, Infinity, 0, 1]);
    expect(expf(88.72283)).toBe(Math.fround(Math.exp(88.72283))); // the largest finite result
    expect(expf(-103.5)).toBeGreaterThan(0); // a subnormal result, rounded once
    expect(Object.is(tanhf(-0), -0)).toBe(true);
    expect([tanhf(Infinity), tanhf(-Infinity), tanhf(20), tanhf(-20)]).toEqual([1, -1, 1, -1]);
    expect(Number.isNaN(tanhf(NaN)) && Number.isNaN(sigmoidf(NaN))).toBe(true);
    expect([sigmoidf(0), sigmoidf(Infinity), sigmoidf(-Infinity), sigmoidf(100)]).toEqual([0.5, 1, 0, 1]);
    // e^-x overflows float32 below -88.72: 0, as PyTorch's float kernel `1 / (1 + exp(-x))` gives
    expect(sigmoidf(-89)).toBe(0);
    // log: NaN below 0 (-0 is 0), -inf at ±0, +inf at +inf, exact at 1 and at powers of two's multiples of ln 2's float
    expect([logf(0), logf(-0), logf(Infinity), logf(1)]).toEqual([-Infinity, -Infinity, Infinity, 0]);
    expect([logf(-1), logf(-Infinity), logf(NaN), logf(f32(0x80000001))].every(Number.isNaN)).toBe(true);
    expect(logf(f32(1))).toBe(Math.fround(Math.log(f32(1)))); // the smallest subnormal: -103.28
    expect(logf(2)).toBe(Math.fround(Math.LN2));
  });

  it('accuracy on the sample: exp, tanh and log within 1 ulp, sigmoid within 2 where e^-x is finite (npm run ulp: all inputs)', () => {
    const bound: Record<Kind, number> = { exp: 1, sigmoid: 2, tanh: 1, log: 1 };
    for (const kind of KINDS) {
      let worst = 0;
      for (const v of x) {
        const want = Math.fround(exact[kind](v));
        if (Number.isNaN(want) || (kind === 'sigmoid' && v < -88.72)) continue;
        worst = Math.max(worst, Math.abs(ordered(scalar[kind](v)) - ordered(want)));
      }
      expect(worst, kind).toBeLessThanOrEqual(bound[kind]);
    }
  });

  it('every call size around the v128 groups and the 32768-float staging chunk, at unaligned offsets, writes its range only', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 4095, 4096, 4097, 32761, 32767, 32768, 32769, 32775, 65537];
    const src = inputs();
    for (const kind of KINDS) {
      for (const n of sizes) {
        for (const [xo, oo] of [[0, 0], [3, 1], [1, 6]] as const) {
          const xin = new Float32Array(n + xo);
          for (let i = 0; i < n; i++) xin[xo + i] = src[(i * 7) % src.length]!;
          const a = new Float32Array(n + oo + 5).fill(-7), b = new Float32Array(n + oo + 5).fill(-7);
          wasm.unary(kind, xin, xo, a, oo, n);
          jsKernels.unary(kind, xin, xo, b, oo, n);
          expect(firstDifference(a, b), `${kind} n=${n} offsets ${xo},${oo}`).toBe(-1);
          for (const i of [...Array(oo).keys(), n + oo, n + oo + 4]) expect(a[i], `${kind} n=${n}: element ${i} outside the range`).toBe(-7);
        }
      }
    }
  });

  it('float64 tensors keep Math\'s functions (no float32 polynomial)', () => {
    const v = tensor([0.3, -2.5, 40], { dtype: 'float64' });
    expect(Array.from(v.exp().toTypedArray() as Float64Array)).toEqual([Math.exp(0.3), Math.exp(-2.5), Math.exp(40)]);
    expect(Array.from(v.tanh().toTypedArray() as Float64Array)).toEqual([Math.tanh(0.3), Math.tanh(-2.5), Math.tanh(40)]);
    expect(Array.from(v.abs().log().toTypedArray() as Float64Array)).toEqual([Math.log(0.3), Math.log(2.5), Math.log(40)]);
  });
});

for (const [kind, fwd, bwd] of [['gelu', geluf, geluBackwardf], ['geluTanh', geluTanhf, geluTanhBackwardf], ['silu', siluf, siluBackwardf]] as const) describe(`float32 ${kind} and its backward (GELU with PyTorch kernels' erf): the same bits in both kernel sets`, () => {
  const x = inputs();
  const dy = Float32Array.from(x, (_, i) => Math.fround(Math.cos(i) * 3));
  const norm = (v: Float32Array): number[] => bitsOf(v).map((bits, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : bits));
  it(`forward: module = JS rows = the scalar function, ${x.length} inputs`, () => {
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    wasm.unary(kind, x, 0, a, 0, x.length);
    jsKernels.unary(kind, x, 0, b, 0, x.length);
    expect(norm(a)).toEqual(norm(b));
    expect(norm(b)).toEqual(norm(Float32Array.from(x, fwd)));
  });
  it(`backward: module = JS rows = the scalar function, ${x.length} inputs`, () => {
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    wasm.unaryBackward(kind, x, 0, dy, 0, a, x.length);
    jsKernels.unaryBackward(kind, x, 0, dy, 0, b, x.length);
    expect(norm(a)).toEqual(norm(b));
    expect(norm(b)).toEqual(norm(Float32Array.from(x, (v, i) => bwd(v, dy[i]!))));
  });
  it('every call size around the v128 groups and the staging chunk, at unaligned offsets, writes its range only', () => {
    const sizes = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 4097, 32761, 32767, 32768, 32769, 32775];
    for (const n of sizes) {
      for (const [xo, go, oo] of [[0, 0, 0], [3, 1, 2], [1, 6, 0]] as const) {
        const xin = new Float32Array(n + xo), gin = new Float32Array(n + go);
        for (let i = 0; i < n; i++) { xin[xo + i] = x[(i * 7) % x.length]!; gin[go + i] = dy[(i * 5) % dy.length]!; }
        const a = new Float32Array(n + oo + 5).fill(-7), b = new Float32Array(n + oo + 5).fill(-7);
        wasm.unary(kind, xin, xo, a, oo, n);
        jsKernels.unary(kind, xin, xo, b, oo, n);
        expect(firstDifference(a, b), `${kind} n=${n} offsets ${xo},${oo}`).toBe(-1);
        for (const i of [...Array(oo).keys(), n + oo, n + oo + 4]) expect(a[i], `${kind} n=${n}: element ${i} outside the range`).toBe(-7);
        const c = new Float32Array(n + 5).fill(-7), d = new Float32Array(n + 5).fill(-7);
        wasm.unaryBackward(kind, xin, xo, gin, go, c, n);
        jsKernels.unaryBackward(kind, xin, xo, gin, go, d, n);
        expect(firstDifference(c, d), `${kind} backward n=${n} offsets ${xo},${go}`).toBe(-1);
        for (const i of [n, n + 4]) expect(c[i], `${kind} backward n=${n}: element ${i} outside the range`).toBe(-7);
      }
    }
  });
});
