/**
 * The JS kernel set's SiLU and GELU rows at offsets: `unary(kind, x, xOff, out, outOff, n)` reads
 * x[xOff..xOff+n) and writes exactly out[outOff..outOff+n) (the float64 rows and the float32 ones),
 * giving the values the same row gives on exact-length arrays (which silu.test.ts and
 * gelu-exact.test.ts pin to PyTorch's). The arrays here are longer than the rows on both sides,
 * so a row that ran one element too far would read a real input and overwrite a real output.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../src/kernels/js.js';
import { layerNormRows } from '../src/kernels/nn-js.js';

const SENTINEL = 7.25;
type Floats = Float32Array | Float64Array;
/** The kernel's signature names Float32Array; the rows also run on Float64Arrays (float64 tensors). */
const unary = (kind: 'silu' | 'gelu', x: Floats, xOff: number, out: Floats, outOff: number, n: number): void =>
  jsKernels.unary(kind, x as Float32Array, xOff, out as Float32Array, outOff, n);
const make = (Arr: typeof Float32Array | typeof Float64Array, length: number, at: (i: number) => number): Floats => {
  const a = new Arr(length);
  for (let i = 0; i < length; i++) a[i] = at(i);
  return a;
};
const values = [-20, -3.5, -1, -0.5, -1e-8, -0, 0, 1e-8, 0.5, 1, 2.75, 9, 30, Infinity, -Infinity, NaN];

describe('the JS silu and gelu rows write exactly their n elements at the offsets', () => {
  for (const kind of ['silu', 'gelu'] as const) for (const Arr of [Float64Array, Float32Array]) {
    it(`${kind}, ${Arr.name}`, () => {
      const n = values.length, xOff = 3, outOff = 2;
      const exact = new Arr(n);
      unary(kind, make(Arr, n, (i) => values[i]!), 0, exact, 0, n);
      // inputs around the row are finite and distinct, so a step past either end would write a value
      const x = make(Arr, xOff + n + 3, (i) => (i >= xOff && i < xOff + n ? values[i - xOff]! : 0.75 + i));
      const out = new Arr(outOff + n + 3).fill(SENTINEL);
      unary(kind, x, xOff, out, outOff, n);
      for (let i = 0; i < outOff; i++) expect(out[i], `out[${i}] (before the row)`).toBe(SENTINEL);
      for (let i = outOff + n; i < out.length; i++) expect(out[i], `out[${i}] (after the row)`).toBe(SENTINEL);
      expect(Array.from(out.subarray(outOff, outOff + n))).toEqual(Array.from(exact));
    });
  }
});

/**
 * LayerNorm's JS rows at widths that are not a multiple of 4. The module takes only widths with
 * D % 4 === 0 (wasm/nn.ts falls back to these rows otherwise), so layernorm-kernel.test.ts's
 * "module = JS" rows at D = 6 and 130 compare the JS rows with themselves; here they are checked
 * against the order their doc comment states (s_k over the elements i ≡ k (mod 4), in order;
 * (s0 + s2) + (s1 + s3)), on float64 rows whose sums depend on the order (magnitudes 2^-30 to
 * 2^60), and nothing is written past the rows.
 */
describe('layerNormRows: widths D % 4 = 1, 2, 3 (the JS rows only) in the documented four-way order', () => {
  const fourWay = (v: number[]): number => { const s = [0, 0, 0, 0]; v.forEach((u, i) => { s[i % 4] = s[i % 4]! + u; }); return (s[0]! + s[2]!) + (s[1]! + s[3]!); };
  const value = (i: number): number => (i % 3 === 0 ? -1 : 1) * 2 ** ((i * 37) % 91 - 30) * (1 + (i % 7) / 8);
  for (const D of [1, 2, 3, 5, 6, 7, 11]) for (const affine of ['w, b', 'w', 'b', 'none'] as const) {
    it(`D = ${D}, ${affine}`, () => {
      // rows 0-2: magnitudes 2^-30 to 2^60; rows 3-6: 2^53 in lane r - 3, ones elsewhere (where
      // the lane an element is added to decides whether a 1 survives next to 2^53)
      const R = 7, xOff = 2, eps = 1e-5;
      const x = Float64Array.from({ length: xOff + R * D + 4 }, (_, i) => {
        const r = Math.floor((i - xOff) / D), j = (i - xOff) % D;
        return r >= 3 && r < R ? (j % 4 === r - 3 ? 2 ** 53 : 1) : value(i);
      });
      const w = Float64Array.from({ length: D + 1 }, (_, j) => 0.5 + j / 3), b = Float64Array.from({ length: D + 2 }, (_, j) => j - 2.25);
      const useW = affine === 'w, b' || affine === 'w', useB = affine === 'w, b' || affine === 'b';
      const y = new Float64Array(R * D + 2).fill(SENTINEL), mean = new Float64Array(R + 1).fill(SENTINEL), invstd = new Float64Array(R + 1).fill(SENTINEL);
      layerNormRows(x, xOff, R, D, useW ? w : null, 1, useB ? b : null, 2, eps, y, mean, invstd);
      for (let r = 0; r < R; r++) {
        const row = Array.from(x.subarray(xOff + r * D, xOff + (r + 1) * D));
        const m = fourWay(row) / D, is = 1 / Math.sqrt(fourWay(row.map((u) => (u - m) * (u - m))) / D + eps);
        expect(mean[r], `mean[${r}]`).toBe(m);
        expect(invstd[r], `invstd[${r}]`).toBe(is);
        row.forEach((u, j) => {
          let want = (u - m) * is;
          if (useW) want *= w[1 + j]!;
          if (useB) want += b[2 + j]!;
          expect(y[r * D + j], `y[${r}, ${j}]`).toBe(want);
        });
      }
      expect([y[R * D], y[R * D + 1], mean[R], invstd[R]]).toEqual([SENTINEL, SENTINEL, SENTINEL, SENTINEL]);
    });
  }
});

/**
 * The JS ASGD row at offsets (a parameter can be a view into a larger storage): it updates
 * p[pOff..pOff+n) and ax[axOff..axOff+n) and nothing after them, in each of its three loops
 * (no weight decay with mu = 1 and mu ≠ 1, weight decay). wasm.test.ts checks its values against
 * the module on arrays that end where the row ends.
 */
describe('the JS asgd row writes exactly its n elements at the offsets', () => {
  for (const [label, mu, wd] of [['wd 0, mu 1', 1, 0], ['wd 0, mu 0.5', 0.5, 0], ['wd 0.1, mu 0.5', 0.5, Math.fround(0.1)]] as const) {
    it(label, () => {
      const n = 9, pOff = 2, gOff = 1, axOff = 3;
      const p = Float32Array.from({ length: pOff + n + 3 }, (_, i) => (i < pOff || i >= pOff + n ? SENTINEL : 1 + i / 4));
      const ax = Float32Array.from({ length: axOff + n + 3 }, (_, i) => (i < axOff || i >= axOff + n ? SENTINEL : 2 - i / 8));
      const g = Float32Array.from({ length: gOff + n + 3 }, (_, i) => 0.5 - i / 16);
      jsKernels.asgd(p, pOff, g, gOff, ax, axOff, n, Math.fround(0.999), -0.01, mu, wd);
      expect(Array.from(p.subarray(0, pOff)).concat(Array.from(p.subarray(pOff + n)))).toEqual(Array(pOff + 3).fill(SENTINEL));
      expect(Array.from(ax.subarray(0, axOff)).concat(Array.from(ax.subarray(axOff + n)))).toEqual(Array(axOff + 3).fill(SENTINEL));
      expect(p.subarray(pOff, pOff + n).every((v) => v !== SENTINEL && Number.isFinite(v))).toBe(true);
    });
  }
});
