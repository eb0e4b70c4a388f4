/**
 * The JS kernel set's SiLU and GELU rows at offsets: `unary(kind, x, xOff, out, outOff, n)` reads
 * x[xOff..xOff+n) and writes exactly out[outOff..outOff+n) (the float64 rows and the float32 ones),
 * giving the values the same row gives on exact-length arrays (which silu.test.ts and
 * gelu-exact.test.ts pin to PyTorch's). The arrays here are longer than the rows on both sides,
 * so a row that ran one element too far would read a real input and overwrite a real output.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../src/kernels/js.js';
import { batchNormRows, batchNormRowsGradInput, layerNormRows, layerNormRowsBackward } from '../src/kernels/nn-js.js';

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

/**
 * The batch-norm passes' JS rows at position counts the module never takes (it runs S = 1 with
 * C % 4 === 0, or S % 4 === 0; wasm/nn.ts falls back to these rows otherwise), checked against
 * the order their doc comment states: a channel's terms sample after sample; within a sample's S
 * positions s_k over j ≡ k (mod 4), in order, added to the channel as (s0 + s2) + (s1 + s3); a
 * flat add for S = 1. Float64 inputs whose sums depend on that order: magnitudes 2^-30 to 2^60
 * over several samples, and one sample whose channel c has 2^53 (2^27 for the squares, 2^80
 * for dy·(x - mean)) in lane c and ones elsewhere (where the lane a term goes to decides whether
 * a 1 survives next to the large one). Offsets into x and dy, accumulators that start non-zero,
 * and nothing written past a, b or y.
 */
describe('batchNormRows: S % 4 = 1, 2, 3 and [N, C] with C % 4 ≠ 0 (the JS rows only) in the documented four-way order', () => {
  const value = (i: number): number => (i % 3 === 0 ? -1 : 1) * 2 ** ((i * 37) % 91 - 30) * (1 + (i % 7) / 8);
  const fourWay = (v: number[]): number => { const s = [0, 0, 0, 0]; v.forEach((u, j) => { s[j % 4] = s[j % 4]! + u; }); return (s[0]! + s[2]!) + (s[1]! + s[3]!); };
  const shapes: [string, number, number, number][] = [
    ['magnitudes', 3, 5, 1], ['magnitudes', 2, 3, 2], ['magnitudes', 2, 3, 3], ['magnitudes', 2, 2, 5], ['magnitudes', 2, 2, 6], ['magnitudes', 3, 2, 7], ['magnitudes', 2, 3, 11],
    ['lanes', 1, 4, 2], ['lanes', 1, 4, 3], ['lanes', 1, 4, 5], ['lanes', 1, 4, 6], ['lanes', 1, 4, 7], ['lanes', 1, 4, 11],
  ];
  for (const [pattern, N, C, S] of shapes) for (const kind of [0, 1, 2, 3]) {
    it(`[${N}, ${C}, ${S}], ${pattern}, kind ${kind}`, () => {
      const xOff = 3, gOff = 2, n = N * C * S, lanes = pattern === 'lanes';
      // lanes: mean c for the squares (x - mean is 2^27 or ±1), else 0; magnitudes: 0.375·c
      const mean = Float64Array.from({ length: C }, (_, c) => (lanes ? (kind === 1 ? c : 0) : 0.375 * c));
      const lane = (i: number, big: number): number => { const c = Math.floor(i / S) % C, j = i % S; return j % 4 === c ? big : 1; };
      const at = (i: number): number => (lanes ? mean[Math.floor(i / S) % C]! + lane(i, kind === 1 ? 2 ** 27 : 2 ** 53) : value(i + 5));
      const x = Float64Array.from({ length: xOff + n + 2 }, (_, i) => (i < xOff ? SENTINEL : at(i - xOff)));
      const g = Float64Array.from({ length: gOff + n + 2 }, (_, i) => (i < gOff ? SENTINEL : lanes ? lane(i - gOff, 2 ** 53) : value(i - gOff + 6) / 2));
      if (lanes && kind === 3) x.forEach((_, i) => { if (i >= xOff) x[i] = lane(i - xOff, 2 ** 27); });
      const a0 = Float64Array.from({ length: C + 1 }, (_, c) => (c < C ? 0.25 + c : SENTINEL));
      const b0 = Float64Array.from({ length: C + 1 }, (_, c) => (c < C ? -1.5 + c / 4 : SENTINEL));
      const a = a0.slice(), b = kind >= 2 ? b0.slice() : null, y = kind === 2 ? new Float64Array(n + 2).fill(SENTINEL) : null;
      batchNormRows(kind, x, xOff, N, C, S, mean, a, b, y, kind === 3 ? g : null, gOff);
      const wantA = a0.slice(), wantB = b0.slice(), wantY = new Float64Array(n + 2).fill(SENTINEL);
      for (let s = 0; s < N; s++) for (let c = 0; c < C; c++) {
        const base = (s * C + c) * S, xs = Array.from(x.subarray(xOff + base, xOff + base + S)), gs = Array.from(g.subarray(gOff + base, gOff + base + S));
        const d = xs.map((u) => u - mean[c]!);
        if (kind === 0) wantA[c] = wantA[c]! + fourWay(xs);
        else if (kind === 1) wantA[c] = wantA[c]! + fourWay(d.map((u) => u * u));
        else if (kind === 2) d.forEach((u, j) => { wantY[base + j] = u * a0[c]! + b0[c]!; });
        else { wantA[c] = wantA[c]! + fourWay(gs); wantB[c] = wantB[c]! + fourWay(gs.map((u, j) => u * d[j]!)); }
      }
      expect(Array.from(a), 'a').toEqual(Array.from(wantA));
      if (b) expect(Array.from(b), 'b').toEqual(Array.from(kind === 3 ? wantB : b0));
      if (y) expect(Array.from(y), 'y').toEqual(Array.from(wantY));
    });
  }
});

/**
 * The norms' backward JS rows write exactly their rows: layerNormRowsBackward's dx (rows of D, at
 * 0) and batchNormRowsGradInput's dx (N·C·S at 0) into arrays longer than that, at widths and
 * layouts the module never takes (D, S % 4 ≠ 0; [N, C] with C % 4 ≠ 0), with offsets into x and
 * dy; the values are the formulas their doc comments state, term by term in their order.
 */
describe('the norms\' backward JS rows write exactly their rows', () => {
  it('layerNormRowsBackward: dx = invstd·(dy·w - mean(dy·w) - x̂·mean(dy·w·x̂)), four-way sums, nothing past R·D', () => {
    const fourWay = (v: number[]): number => { const s = [0, 0, 0, 0]; v.forEach((u, j) => { s[j % 4] = s[j % 4]! + u; }); return (s[0]! + s[2]!) + (s[1]! + s[3]!); };
    for (const D of [3, 5, 7]) for (const withW of [true, false]) {
      const R = 3, xOff = 2, gOff = 1, wOff = 1;
      const x = Float64Array.from({ length: xOff + R * D + 2 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5));
      const g = Float64Array.from({ length: gOff + R * D + 2 }, (_, i) => Math.cos(i * 0.9) - 0.25);
      const w = withW ? Float64Array.from({ length: wOff + D + 1 }, (_, j) => 0.5 + j / 4) : null;
      const mean = Float64Array.from({ length: R }, (_, r) => 0.125 * r + 1), invstd = Float64Array.from({ length: R }, (_, r) => 0.75 + r / 8);
      const dx = new Float64Array(R * D + 2).fill(SENTINEL);
      layerNormRowsBackward(x, xOff, g, gOff, R, D, w, wOff, mean, invstd, dx, null, null);
      expect([dx[R * D], dx[R * D + 1]], `D = ${D}: past the rows`).toEqual([SENTINEL, SENTINEL]);
      for (let r = 0; r < R; r++) {
        const xh = Array.from({ length: D }, (_, j) => (x[xOff + r * D + j]! - mean[r]!) * invstd[r]!);
        const gw = Array.from({ length: D }, (_, j) => (w ? g[gOff + r * D + j]! * w[wOff + j]! : g[gOff + r * D + j]!));
        const a = fourWay(gw) / D, c = fourWay(gw.map((u, j) => u * xh[j]!)) / D;
        xh.forEach((h, j) => expect(dx[r * D + j], `D = ${D}, dx[${r}, ${j}]`).toBe(invstd[r]! * (gw[j]! - a - h * c)));
      }
    }
  });

  it('batchNormRowsGradInput: dx = ((dy·gw[c] - gm[c]) - (x - mean[c])·invstd[c]·xm[c])·k[c], nothing past N·C·S', () => {
    for (const [N, C, S] of [[3, 5, 1], [2, 3, 3], [2, 2, 6]] as const) for (const withGw of [true, false]) {
      const xOff = 3, gOff = 2, n = N * C * S;
      const x = Float64Array.from({ length: xOff + n + 2 }, (_, i) => Math.sin(i * 1.3) * 2 + (i % 3));
      const g = Float64Array.from({ length: gOff + n + 2 }, (_, i) => Math.cos(i * 0.7) - 0.5);
      const ch = (seed: number): Float64Array => Float64Array.from({ length: C + 1 }, (_, c) => 0.5 + ((c * 7 + seed) % 5) / 4);
      const [mean, invstd, k, gm, xm] = [ch(1), ch(2), ch(3), ch(4), ch(5)], gw = withGw ? ch(6) : null;
      const dx = new Float64Array(n + 2).fill(SENTINEL);
      batchNormRowsGradInput(g, gOff, x, xOff, N, C, S, mean, invstd, k, gm, xm, dx, gw);
      expect([dx[n], dx[n + 1]], `[${N}, ${C}, ${S}]: past the rows`).toEqual([SENTINEL, SENTINEL]);
      for (let i = 0; i < n; i++) {
        const c = Math.floor(i / S) % C, dy = gw ? g[gOff + i]! * gw[c]! : g[gOff + i]!;
        expect(dx[i], `[${N}, ${C}, ${S}], gw ${withGw}: dx[${i}]`).toBe(((dy - gm[c]!) - (x[xOff + i]! - mean[c]!) * invstd[c]! * xm[c]!) * k[c]!);
      }
    }
  });
});

/**
 * The JS softmax over the middle dim of [pre, D, post] with post > 1 (a softmax over a dim that
 * is not the last: wasm-nn.test.ts compares the kernel sets at post = 1 only), at an offset into
 * x, against the definition its comment states, in double: shifted by the column's maximum (a NaN
 * maximum propagates; all -inf shifts by 0), the sum of exponentials in k order; a column with
 * +inf all NaN; nothing read or written past pre·D·post.
 */
describe('the JS softmax and log-softmax along a middle dim (post > 1)', () => {
  for (const Arr of [Float64Array, Float32Array]) for (const log of [false, true]) {
    it(`${Arr.name}, ${log ? 'log-softmax' : 'softmax'}`, () => {
      const pre = 2, D = 5, post = 3, xOff = 2, n = pre * D * post;
      // past the rows, values larger than any in them: a column read one element too far shifts by it
      const x = new Arr(xOff + n + post).fill(100);
      for (let i = 0; i < n; i++) x[xOff + i] = Math.sin(i * 2.1) * 30 + (i % 4);
      const set = (p: number, k: number, q: number, v: number): void => { x[xOff + (p * D + k) * post + q] = v; };
      for (let k = 0; k < D; k++) set(0, k, 0, -Infinity); // a column of -inf: NaN (0/0, as PyTorch)
      set(0, 3, 1, NaN); // a NaN after the column's other values: the whole column NaN
      set(1, 1, 2, NaN); set(1, 2, 2, 50); // a NaN before a larger value
      set(0, 0, 2, -Infinity); set(0, 4, 2, Infinity); // +inf: exp(inf - inf) is NaN, the whole column NaN (as PyTorch)
      // (the last p's columns 0 and 1 are finite: one read past them meets the 100s)
      const out = new Arr(n + 2).fill(SENTINEL);
      jsKernels.softmax(x as Float32Array, xOff, pre, D, post, out as Float32Array, log);
      const want = new Arr(n + 2).fill(SENTINEL);
      for (let p = 0; p < pre; p++) for (let q = 0; q < post; q++) {
        const col = Array.from({ length: D }, (_, k) => x[xOff + (p * D + k) * post + q]!);
        let m = col.some((v) => Number.isNaN(v)) ? NaN : Math.max(...col);
        if (m === -Infinity) m = 0;
        let acc = 0;
        for (const v of col) acc += Math.exp(v - m);
        col.forEach((v, k) => { want[(p * D + k) * post + q] = log ? v - m - Math.log(acc) : Math.exp(v - m) / acc; });
      }
      expect(Array.from(out)).toEqual(Array.from(want));
    });
  }
});

/**
 * The JS im2col/col2im rows over N > 1 samples (the convolution calls them one sample at a
 * time) with offsets into the input (`unfold`) and the columns (`fold`), against their
 * definitions: row (c, ky, kx) of sample n holds x[n, c, oy·sh - ph + ky, ox·sw - pw + kx] (0 in
 * the padding) at column oy·Wo + ox; fold adds each column entry back into `out`, which keeps
 * what it held. Small integers, so the sums are exact in any order; nothing written past the
 * arrays' rows.
 */
describe('the JS unfold and fold rows over several samples, at offsets', () => {
  const geometries: [string, number[]][] = [
    ['3x2 kernel, stride [2, 1], padding 1 (padding in reach)', [2, 2, 5, 6, 3, 2, 2, 1, 1, 1]],
    ['2x3 kernel, stride 1, no padding (contiguous runs)', [2, 3, 4, 5, 2, 3, 1, 1, 0, 0]],
    ['3x3 kernel, stride 2, padding [0, 2]', [3, 1, 7, 5, 3, 3, 2, 2, 0, 2]],
    ['3x3 kernel, stride [1, 2], padding [2, 1] (rows all padding)', [2, 2, 3, 6, 3, 3, 1, 2, 2, 1]],
  ];
  for (const [label, [N, C, H, W, kh, kw, sh, sw, ph, pw]] of geometries) {
    it(label, () => {
      const Ho = Math.floor((H! + 2 * ph! - kh!) / sh!) + 1, Wo = Math.floor((W! + 2 * pw! - kw!) / sw!) + 1;
      const nIn = N! * C! * H! * W!, R = C! * kh! * kw!, nCols = N! * R * Ho * Wo, xOff = 3, cOff = 2;
      const x = Float32Array.from({ length: xOff + nIn + 2 }, (_, i) => (i < xOff || i >= xOff + nIn ? SENTINEL : ((i * 7) % 23) - 11));
      const cols = new Float32Array(nCols + 2).fill(SENTINEL);
      jsKernels.unfold(x, xOff, N!, C!, H!, W!, kh!, kw!, sh!, sw!, ph!, pw!, cols);
      const wantCols = new Float32Array(nCols + 2).fill(SENTINEL);
      const src = Float32Array.from({ length: cOff + nCols + 2 }, (_, i) => (i < cOff || i >= cOff + nCols ? SENTINEL : ((i * 5) % 17) - 8));
      const folded = Float32Array.from({ length: nIn + 2 }, (_, i) => (i < nIn ? i % 3 : SENTINEL));
      const wantFolded = folded.slice();
      for (let n = 0; n < N!; n++) for (let c = 0; c < C!; c++) for (let ky = 0; ky < kh!; ky++) for (let kx = 0; kx < kw!; kx++) {
        for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
          const row = (c * kh! + ky) * kw! + kx, at = (n * R + row) * Ho * Wo + oy * Wo + ox;
          const iy = oy * sh! - ph! + ky, ix = ox * sw! - pw! + kx, inside = iy >= 0 && iy < H! && ix >= 0 && ix < W!;
          const xi = ((n * C! + c) * H! + iy) * W! + ix;
          wantCols[at] = inside ? x[xOff + xi]! : 0;
          if (inside) wantFolded[xi] = wantFolded[xi]! + src[cOff + at]!;
        }
      }
      expect(Array.from(cols), 'unfold').toEqual(Array.from(wantCols));
      jsKernels.fold(src, cOff, N!, C!, H!, W!, kh!, kw!, sh!, sw!, ph!, pw!, folded);
      expect(Array.from(folded), 'fold').toEqual(Array.from(wantFolded));
    });
  }
});

/**
 * The JS max-pooling row: a window whose every value is -inf keeps its first index past the
 * padding (PyTorch's `maxindex = ih0·W + iw0` after skipping the padded rows and columns), in a
 * plane after the first; outputs and indices written for exactly N·C·Ho·Wo windows.
 */
describe('the JS maxPool2d row', () => {
  it('an all -inf window away from the origin keeps its first index; nothing written past the windows', () => {
    // [1, 2, 4, 5], 3x3 windows, stride 2, padding 1: Ho = 2, Wo = 3
    const N = 1, C = 2, H = 4, W = 5, xOff = 1;
    const x = Float32Array.from({ length: xOff + N * C * H * W }, (_, i) => (i < xOff ? 99 : ((i * 7) % 11) - 5));
    // plane 1's window (oy 1, ox 2): rows 1-3, columns 3-4 (column 5 is padding), all -inf
    for (let iy = 1; iy < 4; iy++) for (let ix = 3; ix < 5; ix++) x[xOff + H * W + iy * W + ix] = -Infinity;
    const m = N * C * 2 * 3, out = new Float32Array(m + 2).fill(SENTINEL), idx = new Int32Array(m + 2).fill(-7);
    jsKernels.maxPool2d(x, xOff, N, C, H, W, 3, 3, 2, 2, 1, 1, out, idx);
    expect([out[m], out[m + 1], idx[m], idx[m + 1]]).toEqual([SENTINEL, SENTINEL, -7, -7]);
    expect(out[m - 1]).toBe(-Infinity);
    expect(idx[m - 1]).toBe(H * W + 1 * W + 3);
    // every other window: its first maximum, by the definition
    for (let nc = 0; nc < N * C; nc++) for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 3; ox++) {
      if (nc === 1 && oy === 1 && ox === 2) continue;
      let best = -Infinity, at = -1;
      for (let iy = Math.max(0, 2 * oy - 1); iy < Math.min(H, 2 * oy + 2); iy++) for (let ix = Math.max(0, 2 * ox - 1); ix < Math.min(W, 2 * ox + 2); ix++) {
        const j = nc * H * W + iy * W + ix;
        if (x[xOff + j]! > best) { best = x[xOff + j]!; at = j; }
      }
      const o = (nc * 2 + oy) * 3 + ox;
      expect([out[o], idx[o]], `window ${o}`).toEqual([best, at]);
    }
  });
});
