import { expf, sigmoidf, tanhf } from './transcendental.js';
import type { BatchNormSession, NnKernels } from './types.js';

/** A float32 or float64 array (the norms' statistics and sums run in double for both). */
type Floats = Float32Array | Float64Array;

/** Four lanes' partial sums combined in the module's f64x2 order: `(s0 + s2) + (s1 + s3)`. */
const sum4 = (s0: number, s1: number, s2: number, s3: number): number => (s0 + s2) + (s1 + s3);

const f = Math.fround;
/**
 * A double mean as two floats `[hi, lo]` whose sum is it to about 2^-48 relative: the float32
 * passes compute `x - mean` as `(x - hi) - lo`, which keeps the double mean's accuracy where x is
 * close to it (`x - hi` is exact there), instead of losing up to half a float ulp of the mean.
 */
export function splitMean(m: number): [number, number] {
  const hi = f(m);
  return [hi, f(m - hi)];
}

/**
 * LayerNorm's forward on rows of `D` (the JS kernel and the float64 path): the statistics in
 * double, every sum four-way, `s_k` over the elements `i ≡ k (mod 4)` in order and
 * `(s0 + s2) + (s1 + s3)` at the end, the order of the module's f64x2 lanes; the output in
 * float32 operations into a Float32Array (as the module's f32x4 lanes and PyTorch's kernel), in
 * double into a Float64Array. Both kernel sets give the same bits.
 */
export function layerNormRows(
  x: Floats, xOff: number, rows: number, D: number, w: Floats | null, wOff: number, b: Floats | null, bOff: number,
  eps: number, y: Floats, mean: Float64Array, invstd: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = xOff + r * D, ob = r * D;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
    for (; i + 3 < D; i += 4) { s0 += x[base + i]!; s1 += x[base + i + 1]!; s2 += x[base + i + 2]!; s3 += x[base + i + 3]!; }
    for (let k = 0; i < D; i++, k++) { const v = x[base + i]!; if (k === 0) s0 += v; else if (k === 1) s1 += v; else s2 += v; }
    const m = sum4(s0, s1, s2, s3) / D;
    s0 = s1 = s2 = s3 = 0;
    for (i = 0; i + 3 < D; i += 4) {
      const d0 = x[base + i]! - m, d1 = x[base + i + 1]! - m, d2 = x[base + i + 2]! - m, d3 = x[base + i + 3]! - m;
      s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    for (let k = 0; i < D; i++, k++) { const d = x[base + i]! - m; if (k === 0) s0 += d * d; else if (k === 1) s1 += d * d; else s2 += d * d; }
    const is = 1 / Math.sqrt(sum4(s0, s1, s2, s3) / D + eps);
    mean[r] = m;
    invstd[r] = is;
    if (y instanceof Float32Array) {
      // float32: the module's f32x4 pass, each operation rounded to float: ((x - hi) - lo)·s, ·w, + b
      const [hi, lo] = splitMean(m), s = f(is);
      for (let j = 0; j < D; j++) {
        let v = f(f(f(x[base + j]! - hi) - lo) * s);
        if (w) v = f(v * w[wOff + j]!);
        if (b) v = f(v + b[bOff + j]!);
        y[ob + j] = v;
      }
    } else if (w && b) for (let j = 0; j < D; j++) y[ob + j] = (x[base + j]! - m) * is * w[wOff + j]! + b[bOff + j]!;
    else if (w) for (let j = 0; j < D; j++) y[ob + j] = (x[base + j]! - m) * is * w[wOff + j]!;
    else if (b) for (let j = 0; j < D; j++) y[ob + j] = (x[base + j]! - m) * is + b[bOff + j]!;
    else for (let j = 0; j < D; j++) y[ob + j] = (x[base + j]! - m) * is;
  }
}

/** LayerNorm's backward on rows of `D`: its sums in double, four-way as `layerNormRows`'s; dx in float32 operations into a Float32Array. */
export function layerNormRowsBackward(
  x: Floats, xOff: number, g: Floats, gOff: number, rows: number, D: number, w: Floats | null, wOff: number,
  mean: Float64Array, invstd: Float64Array, dx: Floats | null, dw: Float64Array | null, db: Float64Array | null,
): void {
  const a4 = new Float64Array(4), c4 = new Float64Array(4);
  for (let r = 0; r < rows; r++) {
    const base = xOff + r * D, gb = gOff + r * D, m = mean[r]!, is = invstd[r]!;
    a4.fill(0);
    c4.fill(0);
    for (let j = 0; j < D; j++) {
      const gv = g[gb + j]!, xh = (x[base + j]! - m) * is, gwv = w ? gv * w[wOff + j]! : gv, k = j & 3;
      a4[k] = a4[k]! + gwv;
      c4[k] = c4[k]! + gwv * xh;
      if (dw) dw[j] = dw[j]! + gv * xh;
      if (db) db[j] = db[j]! + gv;
    }
    if (dx instanceof Float32Array) {
      // float32: the module's f32x4 pass, s·((g·w - A) - x̂·C), x̂ = ((x - hi) - lo)·s, each operation rounded to float
      const A = f(sum4(a4[0]!, a4[1]!, a4[2]!, a4[3]!) / D), C = f(sum4(c4[0]!, c4[1]!, c4[2]!, c4[3]!) / D), ob = r * D;
      const [hi, lo] = splitMean(m), s = f(is);
      for (let j = 0; j < D; j++) {
        const xh = f(f(f(x[base + j]! - hi) - lo) * s), gwv = w ? f(g[gb + j]! * w[wOff + j]!) : g[gb + j]!;
        dx[ob + j] = f(s * f(f(gwv - A) - f(xh * C)));
      }
    } else if (dx) {
      const a = sum4(a4[0]!, a4[1]!, a4[2]!, a4[3]!) / D, c = sum4(c4[0]!, c4[1]!, c4[2]!, c4[3]!) / D, ob = r * D;
      for (let j = 0; j < D; j++) {
        const xh = (x[base + j]! - m) * is, gwv = w ? g[gb + j]! * w[wOff + j]! : g[gb + j]!;
        dx[ob + j] = is * (gwv - a - xh * c);
      }
    }
  }
}

/**
 * One pass of the batch-norm kernel over `[N, C, S]` in memory order: kind 0 (sum) `a[c] += x`,
 * 1 (squares) `a[c] += (x - mean[c])²`, 2 (affine) `y = (x - mean[c])·a[c] + b[c]`, 3 (gradient
 * sums) `a[c] += dy`, `b[c] += dy·(x - mean[c])`, in double (the affine output into a Float32Array
 * in float32 operations, `batchNormAffinef`). A channel's terms add sample after
 * sample; within a sample's S positions four-way (`s_k` over positions `j ≡ k (mod 4)`, added to
 * the channel's total as `(s0 + s2) + (s1 + s3)`), the module's f64x2 order, so both kernel sets
 * give the same bits. A flat loop for `S = 1` ([N, C] inputs). A function of its own (called a
 * few times a step, optimised early; inline, the loops ran in the unoptimised tier for a whole step).
 */
export function batchNormRows(
  kind: number, x: Floats, xOff: number, N: number, C: number, S: number, mean: Float64Array,
  a: Float64Array, b: Float64Array | null, y: Floats | null, g: Floats | null, gOff: number,
): void {
  const gd = g ?? x;
  if (kind === 2 && y instanceof Float32Array) return batchNormAffinef(x, xOff, N, C, S, affineTable(mean, a, b!), y);
  for (let n = 0; n < N; n++) {
    const row = n * C;
    if (S === 1) {
      if (kind === 0) for (let c = 0; c < C; c++) a[c] = a[c]! + x[xOff + row + c]!;
      else if (kind === 1) for (let c = 0; c < C; c++) { const d = x[xOff + row + c]! - mean[c]!; a[c] = a[c]! + d * d; }
      else if (kind === 2) for (let c = 0; c < C; c++) y![row + c] = (x[xOff + row + c]! - mean[c]!) * a[c]! + b![c]!;
      else for (let c = 0; c < C; c++) { const gv = gd[gOff + row + c]!; a[c] = a[c]! + gv; b![c] = b![c]! + gv * (x[xOff + row + c]! - mean[c]!); }
      continue;
    }
    for (let c = 0; c < C; c++) {
      const base = (row + c) * S, m = mean[c]!, xb = xOff + base, gb = gOff + base;
      if (kind === 2) { const k = a[c]!, sh = b![c]!; for (let j = 0; j < S; j++) y![base + j] = (x[xb + j]! - m) * k + sh; continue; }
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, j = 0;
      if (kind === 0) for (; j + 3 < S; j += 4) { s0 += x[xb + j]!; s1 += x[xb + j + 1]!; s2 += x[xb + j + 2]!; s3 += x[xb + j + 3]!; }
      else if (kind === 1) {
        for (; j + 3 < S; j += 4) {
          const d0 = x[xb + j]! - m, d1 = x[xb + j + 1]! - m, d2 = x[xb + j + 2]! - m, d3 = x[xb + j + 3]! - m;
          s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
        }
      } else {
        for (; j + 3 < S; j += 4) {
          const g0 = gd[gb + j]!, g1 = gd[gb + j + 1]!, g2 = gd[gb + j + 2]!, g3 = gd[gb + j + 3]!;
          s0 += g0; s1 += g1; s2 += g2; s3 += g3;
          q0 += g0 * (x[xb + j]! - m); q1 += g1 * (x[xb + j + 1]! - m); q2 += g2 * (x[xb + j + 2]! - m); q3 += g3 * (x[xb + j + 3]! - m);
        }
      }
      for (let k = 0; j < S; j++, k++) {
        const v = kind === 0 ? x[xb + j]! : kind === 1 ? (x[xb + j]! - m) * (x[xb + j]! - m) : gd[gb + j]!;
        const w = kind === 3 ? gd[gb + j]! * (x[xb + j]! - m) : 0;
        if (k === 0) { s0 += v; q0 += w; } else if (k === 1) { s1 += v; q1 += w; } else { s2 += v; q2 += w; }
      }
      a[c] = a[c]! + sum4(s0, s1, s2, s3);
      if (kind === 3) b![c] = b![c]! + sum4(q0, q1, q2, q3);
    }
  }
}

/**
 * The float32 affine pass's per-channel floats, four arrays of C in one: the mean as `[hi, lo]`
 * (splitMean), the scale and the shift (the module's bn_pass reads this table).
 */
export function affineTable(mean: Float64Array, a: Float64Array, b: Float64Array, into: Float32Array = new Float32Array(4 * mean.length)): Float32Array {
  const C = mean.length;
  for (let c = 0; c < C; c++) {
    const [hi, lo] = splitMean(mean[c]!);
    into[c] = hi; into[C + c] = lo; into[2 * C + c] = a[c]!; into[3 * C + c] = b[c]!;
  }
  return into;
}

/** `y = ((x - hi) - lo)·a + b` per channel in float32, each operation rounded (the module's f32x4 pass), from `affineTable`'s floats. */
function batchNormAffinef(x: Floats, xOff: number, N: number, C: number, S: number, t: Float32Array, y: Float32Array): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const hi = t[c]!, lo = t[C + c]!, k = t[2 * C + c]!, sh = t[3 * C + c]!, base = (n * C + c) * S, xb = xOff + base;
      for (let j = 0; j < S; j++) y[base + j] = f(f(f(f(x[xb + j]! - hi) - lo) * k) + sh);
    }
  }
}

/**
 * The float32 input-gradient pass's per-channel floats, seven arrays of C in one: the mean as
 * `[hi, lo]` (splitMean), invstd, k, gm, xm and gw (ones without it), which the module's bn_dx reads.
 */
export function gradInputTable(mean: Float64Array, invstd: Float64Array, k: Float64Array, gm: Float64Array, xm: Float64Array, gw: Float64Array | null, into: Float32Array = new Float32Array(7 * mean.length)): Float32Array {
  const C = mean.length;
  for (let c = 0; c < C; c++) {
    const [hi, lo] = splitMean(mean[c]!);
    into[c] = hi; into[C + c] = lo; into[2 * C + c] = invstd[c]!; into[3 * C + c] = k[c]!;
    into[4 * C + c] = gm[c]!; into[5 * C + c] = xm[c]!; into[6 * C + c] = gw ? gw[c]! : 1;
  }
  return into;
}

/**
 * The batch-norm input gradient `((dy·gw[c] - gm[c]) - (x - mean[c])·invstd[c]·xm[c])·k[c]` over
 * `[N, C, S]` in memory order, in float32 operations into a Float32Array (the module's f32x4
 * lanes), in double into a Float64Array; without `gw`, dy itself (BatchNorm; GroupNorm gives
 * its weight).
 */
export function batchNormRowsGradInput(
  g: Floats, gOff: number, x: Floats, xOff: number, N: number, C: number, S: number,
  mean: Float64Array, invstd: Float64Array, k: Float64Array, gm: Float64Array, xm: Float64Array, dx: Floats, gw: Float64Array | null = null,
): void {
  if (dx instanceof Float32Array) {
    // float32: the module's f32x4 pass, ((g·gw - gm) - ((x - hi) - lo)·invstd·xm)·k, each operation rounded
    const t = gradInputTable(mean, invstd, k, gm, xm, gw);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const hi = t[c]!, lo = t[C + c]!, is = t[2 * C + c]!, kc = t[3 * C + c]!, g0 = t[4 * C + c]!, x0 = t[5 * C + c]!, wc = t[6 * C + c]!;
        const base = (n * C + c) * S, gb = gOff + base, xb = xOff + base;
        for (let j = 0; j < S; j++) dx[base + j] = f(f(f(f(g[gb + j]! * wc) - g0) - f(f(f(f(x[xb + j]! - hi) - lo) * is) * x0)) * kc);
      }
    }
    return;
  }
  for (let n = 0; n < N; n++) {
    const row = n * C;
    if (S === 1) {
      for (let c = 0; c < C; c++) {
        const gv = gw ? g[gOff + row + c]! * gw[c]! : g[gOff + row + c]!;
        dx[row + c] = (gv - gm[c]! - (x[xOff + row + c]! - mean[c]!) * invstd[c]! * xm[c]!) * k[c]!;
      }
      continue;
    }
    for (let c = 0; c < C; c++) {
      const base = (row + c) * S, m = mean[c]!, is = invstd[c]!, kc = k[c]!, g0 = gm[c]!, x0 = xm[c]!;
      if (gw) { const wc = gw[c]!; for (let j = 0; j < S; j++) dx[base + j] = (g[gOff + base + j]! * wc - g0 - (x[xOff + base + j]! - m) * is * x0) * kc; }
      else for (let j = 0; j < S; j++) dx[base + j] = (g[gOff + base + j]! - g0 - (x[xOff + base + j]! - m) * is * x0) * kc;
    }
  }
}

/**
 * A batch-norm session (`NnKernels.batchNormSession`) made of whole-input pass functions: each
 * call runs on samples `n0 ..` through offsets into x, g and the output. The JS kernel set's, in
 * double for float64 data too, and the module's where it has no room to stage the input whole.
 */
export function batchNormSessionOver<A extends Floats>(
  pass: (kind: number, x: A, xOff: number, N: number, C: number, S: number, mean: Float64Array, a: Float64Array, b: Float64Array | null, y: A | null, g: A | null, gOff: number) => void,
  gradInput: (g: A, gOff: number, x: A, xOff: number, N: number, C: number, S: number, mean: Float64Array, invstd: Float64Array, k: Float64Array, gm: Float64Array, xm: Float64Array, dx: A, gw?: Float64Array | null) => void,
  x: A, xOff: number, g: A | null, gOff: number, N: number, C: number, S: number, body: (s: BatchNormSession<A>) => void,
): void {
  const per = C * S;
  body({
    pass: (kind, mean, a, b, y, n0 = 0, count = N) => pass(kind, x, xOff + n0 * per, count, C, S, mean, a, b, y && (y.subarray(n0 * per) as A), g, gOff + n0 * per),
    gradInput: (mean, invstd, k, gm, xm, dx, gw = null, n0 = 0, count = N) =>
      gradInput(g!, gOff + n0 * per, x, xOff + n0 * per, count, C, S, mean, invstd, k, gm, xm, dx.subarray(n0 * per) as A, gw),
  });
}

/** The JS rows' batch-norm session (the JS kernel set's, and float64 data's on any backend). */
export function batchNormRowsSession<A extends Floats>(x: A, xOff: number, g: A | null, gOff: number, N: number, C: number, S: number, body: (s: BatchNormSession<A>) => void): void {
  batchNormSessionOver<A>(batchNormRows, batchNormRowsGradInput, x, xOff, g, gOff, N, C, S, body);
}

/**
 * Plain-JS kernels of the `nn` ops (softmax, im2col/col2im, max pooling, the norms' rows above;
 * the convolution, which also needs matmul, is in `js.ts`). Spread into `jsKernels`; a
 * WebAssembly set replaces them through the same `Kernels` interface.
 */
export const nnJsKernels: Omit<NnKernels, 'conv2d' | 'conv2dBackward' | 'linear' | 'linearBackward'> = {
  batchNormPass: batchNormRows,
  batchNormGradInput: batchNormRowsGradInput,
  batchNormSession: batchNormRowsSession,
  layerNorm: layerNormRows,
  layerNormBackward: layerNormRowsBackward,
  softmax(x, xOff, pre, D, post, out, log) {
    // NOTE: shift by the row max (a NaN max propagates, as PyTorch) and accumulate the sum of
    // exponentials in double, so large logits neither overflow nor lose the small terms.
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        const s = xOff + p * D * post + q;
        const o = p * D * post + q;
        let m = -Infinity;
        for (let k = 0; k < D; k++) {
          const v = x[s + k * post]!;
          if (v > m || v !== v) m = v;
          if (m !== m) break;
        }
        if (m === -Infinity) m = 0; // all -inf: keep exp(-inf - 0) = 0 instead of NaN
        let acc = 0;
        for (let k = 0; k < D; k++) acc += Math.exp(x[s + k * post]! - m);
        if (log) {
          const lse = Math.log(acc);
          for (let k = 0; k < D; k++) out[o + k * post] = x[s + k * post]! - m - lse;
        } else {
          for (let k = 0; k < D; k++) out[o + k * post] = Math.exp(x[s + k * post]! - m) / acc;
        }
      }
    }
  },

  scaledSoftmax(s, sOff, rows, S, L, scale, causal, out) {
    for (let row = 0; row < rows; row++) {
      const at = row * S, i = row % L; // query i sees keys 0..i (top-left aligned)
      for (let j = 0; j < S; j++) {
        const v = Math.fround(s[sOff + at + j]! * scale);
        out[at + j] = causal && j > i ? v + -Infinity : v; // the bias add: -inf, or NaN from a NaN or +inf score
      }
    }
    nnJsKernels.softmax(out, 0, rows, S, 1, out, false);
  },

  softmaxBackward(y, yOff, g, gOff, pre, D, post, out, log, scale) {
    const r = Math.fround;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        const at = p * D * post + q;
        let s = 0;
        if (log) for (let k = 0; k < D; k++) s += g[gOff + at + k * post]!;
        else for (let k = 0; k < D; k++) s += r(g[gOff + at + k * post]! * y[yOff + at + k * post]!);
        const t = r(s);
        if (log) for (let k = 0; k < D; k++) { const i = at + k * post; out[i] = r(r(g[gOff + i]! - r(expf(y[yOff + i]!) * t)) * scale); }
        else for (let k = 0; k < D; k++) { const i = at + k * post; out[i] = r(r(y[yOff + i]! * r(g[gOff + i]! - t)) * scale); }
      }
    }
  },

  lstmCell(hg, xg, xgOff, c, act, actOff, cNext, tanhC, h, at, b, H) {
    const r = Math.fround, GH = 4 * H, bH = b * H;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < H; j++) {
        const e = i * H + j, p = i * GH + j, q = xgOff + i * GH + j;
        const ig = sigmoidf(r(hg[p]! + xg[q]!)), fg = sigmoidf(r(hg[p + H]! + xg[q + H]!));
        const gg = tanhf(r(hg[p + 2 * H]! + xg[q + 2 * H]!)), og = sigmoidf(r(hg[p + 3 * H]! + xg[q + 3 * H]!));
        act[actOff + e] = ig;
        act[actOff + bH + e] = fg;
        act[actOff + 2 * bH + e] = gg;
        act[actOff + 3 * bH + e] = og;
        const cv = r(r(fg * c[at + e]!) + r(ig * gg)), t = tanhf(cv);
        cNext[at + e] = cv;
        tanhC[at + e] = t;
        h[at + e] = r(og * t);
      }
    }
  },

  lstmCellBackward(act, actOff, tanhC, c, at, dh, dc, dx, dxOff, b, H) {
    const r = Math.fround, GH = 4 * H, bH = b * H;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < H; j++) {
        const e = i * H + j, a = actOff + e;
        const ig = act[a]!, fg = act[a + bH]!, gg = act[a + 2 * bH]!, og = act[a + 3 * bH]!, th = tanhC[at + e]!, g = dh[e]!;
        const dO = r(g * th);
        const d = r(dc[e]! + r(r(g * og) * r(1 - r(th * th))));
        const dI = r(d * gg), dF = r(d * c[at + e]!), dG = r(d * ig);
        dc[e] = r(d * fg);
        const o = dxOff + i * GH + j;
        dx[o] = r(r(dI * r(1 - ig)) * ig);
        dx[o + H] = r(r(dF * r(1 - fg)) * fg);
        dx[o + 2 * H] = r(dG * r(1 - r(gg * gg)));
        dx[o + 3 * H] = r(r(dO * r(1 - og)) * og);
      }
    }
  },

  unfold(x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out) {
    // out is [N, C·kh·kw, Ho·Wo]: row (c, ky, kx) holds that kernel tap at every output position.
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let o = 0;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const xc = xOff + (n * C + c) * H * W;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            for (let oy = 0; oy < Ho; oy++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) {
                out.fill(0, o, o + Wo);
                o += Wo;
                continue;
              }
              const xr = xc + iy * W;
              if (sw === 1 && kx - pw >= 0 && Wo - 1 + kx - pw < W) {
                // stride 1 and no padding in reach: a contiguous run of the input row
                for (let ox = 0, s = xr + kx - pw; ox < Wo; ox++) out[o++] = x[s + ox]!;
                continue;
              }
              for (let ox = 0; ox < Wo; ox++) {
                const ix = ox * sw - pw + kx;
                out[o++] = ix >= 0 && ix < W ? x[xr + ix]! : 0;
              }
            }
          }
        }
      }
    }
  },

  fold(cols, cOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out) {
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let i = cOff;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const oc = (n * C + c) * H * W;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            for (let oy = 0; oy < Ho; oy++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) {
                i += Wo;
                continue;
              }
              const orow = oc + iy * W;
              for (let ox = 0; ox < Wo; ox++, i++) {
                const ix = ox * sw - pw + kx;
                if (ix >= 0 && ix < W) out[orow + ix] = out[orow + ix]! + cols[i]!;
              }
            }
          }
        }
      }
    }
  },

  maxPool2d(x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out, idx) {
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let o = 0;
    for (let nc = 0; nc < N * C; nc++) {
      const base = nc * H * W;
      for (let oy = 0; oy < Ho; oy++) {
        const y0 = Math.max(0, oy * sh - ph), y1 = Math.min(H, oy * sh - ph + kh);
        for (let ox = 0; ox < Wo; ox++) {
          const x0 = Math.max(0, ox * sw - pw), x1 = Math.min(W, ox * sw - pw + kw);
          let best = -Infinity;
          let bi = base + y0 * W + x0;
          // PyTorch's rule (cpu_max_pool): in row-major window order a tap wins if it is greater
          // or NaN. So the first maximum wins among numbers, the last NaN among NaNs, and a
          // number never displaces a NaN.
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const j = base + iy * W + ix;
              const v = x[xOff + j]!;
              if (v > best || v !== v) {
                best = v;
                bi = j;
              }
            }
          }
          out[o] = best;
          idx[o++] = bi;
        }
      }
    }
  },

};
