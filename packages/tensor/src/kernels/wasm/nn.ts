/**
 * The `nn` kernels that run in the module: the convolution (im2col, the product and the bias,
 * or for the backward the product and col2im, one product for a group of samples side by side,
 * inside the module, so no im2col matrix is built in JavaScript or copied), max pooling (values and
 * indices together), softmax over the last dim, and the linear layer (one staging each way).
 * Each falls back to the JS kernel where the staging would not fit the module's memory.
 * (relu is with the element-wise kernels.)
 */
import { jsKernels, linearBackwardByKernels, linearByKernels } from '../js.js';
import { affineTable, batchNormSessionOver, gradInputTable } from '../nn-js.js';
import type { ConvGeometry, Kernels } from '../types.js';
import { CHUNK, ELEMENT_MIN } from './elementwise.js';
import { columnCuts, runSplit, splitScratch, THREAD_MIN } from './matmul.js';
import { room, type Instance } from './module.js';
import type { Helper, ThreadPool } from './threads.js';

const round8 = (x: number): number => (x + 7) & ~7;
const STAGE_MAX = 1 << 28; // floats (1 GiB): past this a call's staging goes to the JS kernel
const SESSION_MAX = 1 << 22; // floats (16 MiB) of input a batch-norm session stages whole (three such areas: x, g, the output)
const SCRATCH = 128 * 256; // gemm's packed A block
/**
 * Multiply-adds from which a linear layer splits its product over threads: four times matmul's
 * THREAD_MIN. The small GPT's per-head projections (1024 x 128 x 32, exactly THREAD_MIN) gave
 * each thread 16 columns, and the GPT step on 2 threads took 1.15x its one-thread time (273 vs
 * 239 ms); from 16M, 1.0x (235 vs 233), the encoder layer's 2-thread step as before (medians
 * of 3 runs of `node apps/bench/.out/main.mjs gpt-step/tensile-wasm-2-threads` and `…/tensile-wasm`).
 */
const LINEAR_SPLIT_MIN = 4 * THREAD_MIN;
const COLUMNS = 4096; // output columns per gemm call: its packed B panels (256 x this) stay 4 MiB at most

/** `ex.matmul` over column ranges of at most COLUMNS (whole 8-column panels), so the packed B scratch stays bounded. */
function matmulByColumns(ex: Instance['ex'], args: [number, number, number, number, number, number, number, number], N: number, c: number, ldc: number, bp: number, ap: number): void {
  for (let j0 = 0; j0 < N; j0 += COLUMNS) ex.matmul(...args, j0, Math.min(N, j0 + COLUMNS), c, ldc, bp, ap);
}

/**
 * Samples per product in the convolution kernels: their im2col matrices (and upstream gradients)
 * side by side, up to about 1024 columns and 2M floats of staging, so the weight is packed once
 * for all of them. Packed per sample, it cost as much as the product when a sample has few
 * output positions (a DCGAN's 4x4 and 1x1 layers, or the generator's first transposed
 * convolution, a matrix-vector product a sample).
 */
function samplesPerProduct(N: number, R: number, L: number): number {
  return Math.max(1, Math.min(N, Math.floor(1024 / L), Math.floor((1 << 21) / (R * L))));
}

/**
 * A row stride of `n` floats or a little more, never a multiple of 1024 (4 KiB): the products'
 * packing reads one short run from each of many rows, and rows 4 KiB apart all fall in the same
 * cache sets (LeNet's grouped 8x8 outputs, 16 samples of 64 columns: the step 5.4 -> 5.9 ms until
 * the rows were padded).
 */
const padRow = (n: number): number => (n % 1024 === 0 ? n + 8 : n);

/** Whether a convolution takes the module's stride-2 im2col2 and col2im2 (column stride 2, rows of 8 outputs or more). */
const stride2 = (g: ConvGeometry): boolean => g.sw === 2 && g.Wo >= 8;

/** Float offsets of consecutive regions of the given sizes (each rounded to 16 bytes), and the total. */
function layout(...sizes: number[]): number[] {
  const at: number[] = [];
  let end = 0;
  for (const s of sizes) {
    at.push(end);
    end += room(s);
  }
  at.push(end);
  return at;
}

/** The nn kernels on instance `one`. */
export function makeNn(one: Instance, set: () => Kernels, pool: ThreadPool): Pick<Kernels, 'conv2d' | 'conv2dBackward' | 'maxPool2d' | 'softmax' | 'scaledSoftmax' | 'softmaxBackward' | 'lstmCell' | 'lstmCellBackward' | 'linear' | 'linearBackward' | 'layerNorm' | 'layerNormBackward' | 'batchNormPass' | 'batchNormGradInput' | 'batchNormSession'> {
  const ex = one.ex;
  const reserve = (floats: number): Float32Array | undefined => (floats <= STAGE_MAX ? one.tryReserve(floats) : undefined);
  /**
   * im2col of the image at byte `x` into rows `ld` floats apart at byte `cols`: at column stride
   * 2 with rows of 8 outputs or more, the module's `im2col2` (four outputs from two loads; a
   * DCGAN's 16x16 and 8x8 outputs 0.89 -> 0.35 and 0.99 -> 0.63 ns an output), else `im2col`
   * (one float at a time past stride 1, faster on rows of 4).
   */
  const im2col = (x: number, g: ConvGeometry, cols: number, ld: number): void => {
    if (stride2(g)) ex.im2col2(x, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.ph, g.pw, g.Ho, g.Wo, cols, ld);
    else ex.im2col(x, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.Ho, g.Wo, cols, ld);
  };
  /** col2im of the columns at byte `cols` (rows `ldc` floats apart) into the image at byte `x`: `col2im2` where `im2col` takes `im2col2`. */
  const col2im = (cols: number, ldc: number, g: ConvGeometry, x: number): void => {
    if (stride2(g)) ex.col2im2(cols, ldc, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.ph, g.pw, g.Ho, g.Wo, x);
    else ex.col2im(cols, ldc, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.Ho, g.Wo, x);
  };

  const conv2d: Kernels['conv2d'] = (x, xOff, w, wOff, b, bOff, g, out) => {
    const { N, C, H, W, O, Ho, Wo } = g, R = C * g.kh * g.kw, L = Ho * Wo, CHW = C * H * W;
    const S = samplesPerProduct(N, R, L), SL = S * L, ld = padRow(SL), ldc = padRow(round8(SL));
    // Layout (floats): weight [O x R] | bias [O] | x[n] [C x H x W] | cols [R x S·L] (S samples'
    // side by side, rows ld apart) | y [O (to 4) x ldc] | y by sample [S x O x L] | B panels | A block
    const [WT, BI, X, COLS, Y, YS, BP, AP, end] = layout(O * R, O, CHW, R * ld, ((O + 3) & ~3) * ldc, O * SL, 256 * Math.min(ldc, COLUMNS), SCRATCH);
    const m = N > 0 && R > 0 && L > 0 ? reserve(end!) : undefined;
    if (!m) return jsKernels.conv2d(x, xOff, w, wOff, b, bOff, g, out);
    m.set(w.subarray(wOff, wOff + O * R), WT);
    if (b) m.set(b.subarray(bOff, bOff + O), BI);
    for (let n0 = 0; n0 < N; n0 += S) {
      const s = Math.min(S, N - n0), sl = s * L;
      for (let i = 0; i < s; i++) {
        m.set(x.subarray(xOff + (n0 + i) * CHW, xOff + (n0 + i + 1) * CHW), X);
        im2col(X! * 4, g, (COLS! + i * L) * 4, ld);
      }
      matmulByColumns(ex, [WT! * 4, R, 1, COLS! * 4, ld, 1, O, R], sl, Y! * 4, ldc, BP! * 4, AP! * 4);
      if (b) ex.rows_bias(Y! * 4, O, ldc, sl, BI! * 4, Y! * 4);
      else if (ldc !== sl) ex.compact(Y! * 4, O, ldc, sl);
      // y [O x s·L] -> out[n0 + i] [O x L]: sample i's L columns of every row
      if (s === 1) out.set(m.subarray(Y!, Y! + O * L), n0 * O * L);
      else {
        ex.regroup(Y! * 4, O, s, L, sl, YS! * 4, 0);
        out.set(m.subarray(YS!, YS! + s * O * L), n0 * O * L);
      }
    }
  };

  const conv2dBackward: Kernels['conv2dBackward'] = (x, xOff, w, wOff, gy, gyOff, g, dx, dw, db) => {
    const { N, C, H, W, O, Ho, Wo } = g, R = C * g.kh * g.kw, L = Ho * Wo, ldr = round8(R), CHW = C * H * W;
    const S = samplesPerProduct(N, Math.max(R, O), L), SL = S * L, ld = padRow(SL), ldc = padRow(round8(SL));
    // Layout (floats): weight | x[n] | cols [R x S·L] | gy [O x s·L] (S samples' side by side;
    // both with rows ld apart) | gy by sample [S x O x L] | dw [O (to 4) x ldr] | db (f64) [O] |
    // dcols [R (to 4) x ldc] | dx[n] | B panels | A block
    const [WT, X, COLS, GY, GS, DW, DB, DC, DX, BP, AP, end] = layout(
      O * R, CHW, R * ld, O * ld, O * SL, ((O + 3) & ~3) * ldr, 2 * O, ((R + 3) & ~3) * ldc, CHW, 256 * Math.max(Math.min(ldc, COLUMNS), ldr), SCRATCH);
    const m = N > 0 && R > 0 && L > 0 ? reserve(end!) : undefined;
    if (!m) return jsKernels.conv2dBackward(x, xOff, w, wOff, gy, gyOff, g, dx, dw, db);
    m.set(w.subarray(wOff, wOff + O * R), WT);
    m.fill(0, DB!, DB! + 2 * O);
    for (let n0 = 0; n0 < N; n0 += S) {
      const s = Math.min(S, N - n0), sl = s * L;
      // gy[n0 + i] [O x L] -> row o's columns [i·L, (i + 1)·L) of gy [O x s·L]
      m.set(gy.subarray(gyOff + n0 * O * L, gyOff + (n0 + s) * O * L), GS);
      ex.regroup(GS! * 4, O, s, L, ld, GY! * 4, 1);
      if (dw) {
        // dw += gy · colsᵀ over the s samples' columns (the transpose read through strides)
        for (let i = 0; i < s; i++) {
          m.set(x.subarray(xOff + (n0 + i) * CHW, xOff + (n0 + i + 1) * CHW), X);
          im2col(X! * 4, g, (COLS! + i * L) * 4, ld);
        }
        ex.matmul_acc(GY! * 4, ld, 1, COLS! * 4, 1, ld, O, sl, 0, R, DW! * 4, ldr, BP! * 4, AP! * 4, n0 > 0 ? 1 : 0);
      }
      if (dx) {
        // dx[n0 + i] = col2im(columns [i·L, (i + 1)·L) of wᵀ · gy)
        matmulByColumns(ex, [WT! * 4, 1, R, GY! * 4, ld, 1, R, O], sl, DC! * 4, ldc, BP! * 4, AP! * 4);
        for (let i = 0; i < s; i++) {
          m.fill(0, DX!, DX! + CHW);
          col2im((DC! + i * L) * 4, ldc, g, DX! * 4);
          dx.set(m.subarray(DX!, DX! + CHW), (n0 + i) * CHW);
        }
      }
      // each row's s·L values in sample order, added in f64: the per-sample order
      if (db) for (let o = 0; o < O; o++) ex.row_sums((GY! + o * ld) * 4, 1, sl, (DB! + 2 * o) * 4);
    }
    if (dw) {
      if (ldr !== R) ex.compact(DW! * 4, O, ldr, R);
      dw.set(m.subarray(DW!, DW! + O * R));
    }
    if (db) db.set(new Float64Array(m.buffer, DB! * 4, O));
  };

  const maxPool2d: Kernels['maxPool2d'] = (x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out, idx) => {
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1, Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    const HW = H * W, HoWo = Ho * Wo, planes = N * C;
    // Whole planes per call, about a chunk of input at a time: x planes | out | idx
    const P = Math.max(1, Math.floor(8 * CHUNK / Math.max(1, HW)));
    const [X, OUT, IDX, end] = layout(P * HW, P * HoWo, P * HoWo);
    const m = planes > 0 && HoWo > 0 ? reserve(end!) : undefined;
    if (!m) return jsKernels.maxPool2d(x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out, idx);
    const mi = new Int32Array(m.buffer, IDX! * 4, P * HoWo);
    // The common 2x2 window at stride 2 has a kernel doing four windows per step.
    const twoByTwo = kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0 && Wo >= 4;
    for (let p0 = 0; p0 < planes; p0 += P) {
      const p = Math.min(P, planes - p0);
      m.set(x.subarray(xOff + p0 * HW, xOff + (p0 + p) * HW), X);
      if (twoByTwo) ex.maxpool22(X! * 4, p, H, W, Ho, Wo, OUT! * 4, IDX! * 4, p0 * HW);
      else ex.maxpool(X! * 4, p, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo, OUT! * 4, IDX! * 4, p0 * HW);
      out.set(m.subarray(OUT!, OUT! + p * HoWo), p0 * HoWo);
      idx.set(mi.subarray(0, p * HoWo), p0 * HoWo);
    }
  };

  /**
   * Softmax's passes over `rows` contiguous rows of D floats in chunks staged once each: with
   * `mask`, each chunk first scaled and causally masked in place (`scale_mask`, from query
   * `r0 mod L`), then the maximum and sum of exponentials per row, the row's log in JavaScript
   * for log-softmax, and the outputs. False where the module does not take the call (rows under
   * 4 floats, calls too small to pay for the staging): the caller's JS kernel runs instead.
   */
  const softmaxRows = (x: Float32Array, xOff: number, rows: number, D: number, out: Float32Array, log: boolean, mask: { L: number; scale: number; causal: boolean } | null): boolean => {
    const rowsPer = Math.max(1, Math.floor(CHUNK / D));
    // 8 spare floats after X and 4 after OUT: a row's last group of eight (the sums) or four
    // (the outputs) reads or writes past the row
    const [X, ST, OUT, end] = layout(rowsPer * D + 8, 4 * rowsPer, rowsPer * D + 4);
    const m = D >= 4 && rows * D >= ELEMENT_MIN ? reserve(end!) : undefined;
    if (!m) return false;
    const st = new Float64Array(m.buffer, ST! * 4, 2 * rowsPer);
    for (let r0 = 0; r0 < rows; r0 += rowsPer) {
      const n = Math.min(rowsPer, rows - r0);
      m.set(x.subarray(xOff + r0 * D, xOff + (r0 + n) * D), X);
      if (mask) ex.scale_mask(X! * 4, n, D, mask.L, r0 % mask.L, mask.scale, mask.causal ? 1 : 0);
      ex.softmax_rows(X! * 4, n, D, ST! * 4);
      if (log) for (let r = 0; r < n; r++) st[2 * r + 1] = Math.log(st[2 * r + 1]!);
      ex.softmax_out(X! * 4, n, D, ST! * 4, OUT! * 4, log ? 1 : 0);
      out.set(m.subarray(OUT!, OUT! + n * D), r0 * D);
    }
    return true;
  };

  /**
   * Softmax and log-softmax over the last dim (`post` 1, rows of at least 4): the maximum and
   * the sum of exponentials per row in the module (e^(x - m) in f32x4 lanes from an exact split
   * of x - m, about a float32 ulp each, summed in f64), the row's log in JavaScript (Math.log, as
   * the JS kernel), then the outputs in the module: log-softmax `x - m - log c` in f64, softmax
   * `e^(x - m) / c` from the same exponentials. Within 2 float32 ulps of the JS kernel's (its
   * exponentials in double), as PyTorch's float32 kernels are of the exact values; not bit for
   * bit (test/wasm-nn.test.ts). Other layouts are the JS kernel's.
   */
  const softmax: Kernels['softmax'] = (x, xOff, pre, D, post, out, log) => {
    if (post !== 1 || !softmaxRows(x, xOff, pre, D, out, log, null)) jsKernels.softmax(x, xOff, pre, D, post, out, log);
  };

  /**
   * Attention's scaled (and causally masked) softmax: `softmax`'s passes with each staged chunk
   * scaled and masked in place by the module first (`scale_mask`: the JS kernel's float32
   * products and -inf bias), so the values `softmax` gives the JS kernel's scaled scores; where
   * `softmax` would take the JS kernel, the JS kernel's.
   */
  const scaledSoftmax: Kernels['scaledSoftmax'] = (s, sOff, rows, D, L, scale, causal, out) => {
    if (!softmaxRows(s, sOff, rows, D, out, false, { L, scale, causal })) jsKernels.scaledSoftmax(s, sOff, rows, D, L, scale, causal, out);
  };

  /**
   * Softmax's and log-softmax's backward over the last dim (`post` 1) in the module, in chunks of
   * whole rows: the same operations in the same order as the JS kernel (the row sums one chain of
   * f64 adds each, overlapped with the previous row's results), so the same bits. Other layouts,
   * and calls too small to pay for the staging, are the JS kernel's.
   */
  const softmaxBackward: Kernels['softmaxBackward'] = (y, yOff, g, gOff, pre, D, post, out, log, scale) => {
    const rowsPer = Math.max(1, Math.floor(CHUNK / D));
    const [Y, G, OUT, end] = layout(rowsPer * D, rowsPer * D, rowsPer * D);
    const m = post === 1 && D > 0 && pre * D >= ELEMENT_MIN ? reserve(end!) : undefined;
    if (!m) return jsKernels.softmaxBackward(y, yOff, g, gOff, pre, D, post, out, log, scale);
    for (let r0 = 0; r0 < pre; r0 += rowsPer) {
      const rows = Math.min(rowsPer, pre - r0), n = rows * D;
      m.set(y.subarray(yOff + r0 * D, yOff + r0 * D + n), Y);
      m.set(g.subarray(gOff + r0 * D, gOff + r0 * D + n), G);
      ex.softmax_bwd(Y! * 4, G! * 4, rows, D, OUT! * 4, log ? 1 : 0, scale);
      out.set(m.subarray(OUT!, OUT! + n), r0 * D);
    }
  };

  /**
   * LSTM's step each way in the module (H a multiple of 4): the step's blocks staged in, one
   * pass, the results copied out; the same operations and order as the JS kernel (nn-js.ts), so
   * the same bits. Other H, or past the module's memory, the JS kernel.
   */
  const lstmCell: Kernels['lstmCell'] = (hg, xg, xgOff, c, act, actOff, cNext, tanhC, h, at, b, H) => {
    const bH = b * H, bG = 4 * bH;
    const [HG, XG, C, ACT, CN, TC, HH, end] = layout(bG, bG, bH, bG, bH, bH, bH);
    const m = H % 4 === 0 ? reserve(end!) : undefined;
    if (!m) return jsKernels.lstmCell(hg, xg, xgOff, c, act, actOff, cNext, tanhC, h, at, b, H);
    m.set(hg.subarray(0, bG), HG);
    m.set(xg.subarray(xgOff, xgOff + bG), XG);
    m.set(c.subarray(at, at + bH), C);
    ex.lstm_fwd(HG! * 4, XG! * 4, C! * 4, ACT! * 4, CN! * 4, TC! * 4, HH! * 4, b, H);
    act.set(m.subarray(ACT!, ACT! + bG), actOff);
    cNext.set(m.subarray(CN!, CN! + bH), at);
    tanhC.set(m.subarray(TC!, TC! + bH), at);
    h.set(m.subarray(HH!, HH! + bH), at);
  };

  const lstmCellBackward: Kernels['lstmCellBackward'] = (act, actOff, tanhC, c, at, dh, dc, dx, dxOff, b, H) => {
    const bH = b * H, bG = 4 * bH;
    const [ACT, TC, C, DH, DC, DX, end] = layout(bG, bH, bH, bH, bH, bG);
    const m = H % 4 === 0 ? reserve(end!) : undefined;
    if (!m) return jsKernels.lstmCellBackward(act, actOff, tanhC, c, at, dh, dc, dx, dxOff, b, H);
    m.set(act.subarray(actOff, actOff + bG), ACT);
    m.set(tanhC.subarray(at, at + bH), TC);
    m.set(c.subarray(at, at + bH), C);
    m.set(dh.subarray(0, bH), DH);
    m.set(dc.subarray(0, bH), DC);
    ex.lstm_bwd(ACT! * 4, TC! * 4, C! * 4, DH! * 4, DC! * 4, DX! * 4, b, H);
    dc.set(m.subarray(DC!, DC! + bH));
    dx.set(m.subarray(DX!, DX! + bG), dxOff);
  };

  /**
   * LayerNorm's rows (D a multiple of 4) in the module, in chunks of about CHUNK floats: the same
   * operations in the same order as the JS rows (nn-js.ts), in f64x2 lanes, so the same bits;
   * statistics back as doubles. Other D, or past the module's memory, the JS rows.
   */
  const layerNorm: Kernels['layerNorm'] = (x, xOff, R, D, w, wOff, b, bOff, eps, y, mean, invstd) => {
    const rowsPer = Math.max(1, Math.floor(CHUNK / D));
    const [X, Y, W, B, ST, end] = layout(rowsPer * D, rowsPer * D, D, D, 4 * rowsPer);
    const m = D % 4 === 0 && R * D >= ELEMENT_MIN ? reserve(end!) : undefined;
    if (!m) return jsKernels.layerNorm(x, xOff, R, D, w, wOff, b, bOff, eps, y, mean, invstd);
    if (w) m.set(w.subarray(wOff, wOff + D), W);
    if (b) m.set(b.subarray(bOff, bOff + D), B);
    const st = new Float64Array(m.buffer, ST! * 4, 2 * rowsPer);
    for (let r0 = 0; r0 < R; r0 += rowsPer) {
      const rows = Math.min(rowsPer, R - r0);
      m.set(x.subarray(xOff + r0 * D, xOff + (r0 + rows) * D), X);
      ex.ln_fwd(X! * 4, rows, D, W! * 4, B! * 4, (w ? 1 : 0) | (b ? 2 : 0), eps, ST! * 4, Y! * 4);
      y.set(m.subarray(Y!, Y! + rows * D), r0 * D);
      for (let r = 0; r < rows; r++) { mean[r0 + r] = st[2 * r]!; invstd[r0 + r] = st[2 * r + 1]!; }
    }
  };
  const layerNormBackward: Kernels['layerNormBackward'] = (x, xOff, g, gOff, R, D, w, wOff, mean, invstd, dx, dw, db) => {
    const rowsPer = Math.max(1, Math.floor(CHUNK / D));
    // Layout (floats): x | g | dx rows | w | stats (f64 pairs) | dw, db (f64 each)
    const [X, G, DX, W, ST, DW, DB, end] = layout(rowsPer * D, rowsPer * D, rowsPer * D, D, 4 * rowsPer, 2 * D, 2 * D);
    const m = D % 4 === 0 && R * D >= ELEMENT_MIN ? reserve(end!) : undefined;
    if (!m) return jsKernels.layerNormBackward(x, xOff, g, gOff, R, D, w, wOff, mean, invstd, dx, dw, db);
    if (w) m.set(w.subarray(wOff, wOff + D), W);
    const st = new Float64Array(m.buffer, ST! * 4, 2 * rowsPer);
    const dwm = new Float64Array(m.buffer, DW! * 4, D), dbm = new Float64Array(m.buffer, DB! * 4, D);
    if (dw) dwm.set(dw);
    if (db) dbm.set(db);
    const mode = (w ? 1 : 0) | (dx ? 2 : 0) | (dw ? 4 : 0) | (db ? 8 : 0);
    for (let r0 = 0; r0 < R; r0 += rowsPer) {
      const rows = Math.min(rowsPer, R - r0);
      m.set(x.subarray(xOff + r0 * D, xOff + (r0 + rows) * D), X);
      m.set(g.subarray(gOff + r0 * D, gOff + (r0 + rows) * D), G);
      for (let r = 0; r < rows; r++) { st[2 * r] = mean[r0 + r]!; st[2 * r + 1] = invstd[r0 + r]!; }
      ex.ln_bwd(X! * 4, G! * 4, rows, D, W! * 4, mode, ST! * 4, DX! * 4, DW! * 4, DB! * 4);
      if (dx) dx.set(m.subarray(DX!, DX! + rows * D), r0 * D);
    }
    if (dw) dw.set(dwm);
    if (db) db.set(dbm);
  };

  /**
   * A batch-norm pass's per-channel values staged at float index T of `m`: the affine pass's
   * float table (kind 2, `affineTable`), or the means at T and the double accumulators at A and B.
   * Returns what copies the accumulators back after the pass (nothing for the affine pass).
   */
  function channelsIn(m: Float32Array, kind: number, C: number, T: number, A: number, B: number, mean: Float64Array, a: Float64Array, b: Float64Array | null): () => void {
    if (kind === 2) {
      affineTable(mean, a, b!, m.subarray(T, T + 4 * C));
      return () => {};
    }
    const f64 = (at: number): Float64Array => new Float64Array(m.buffer, at * 4, C);
    const am = f64(A), bm = f64(B);
    f64(T).set(mean);
    am.set(a);
    if (b) bm.set(b);
    return () => {
      a.set(am);
      if (b) b.set(bm);
    };
  }

  /** Whether `[N, C, S]` runs in the module: S = 1 with C a multiple of 4, or S a multiple of 4. */
  const bnShape = (N: number, C: number, S: number): boolean => (S === 1 ? C % 4 === 0 : S % 4 === 0) && N * C * S >= ELEMENT_MIN;
  /**
   * A batch-norm pass over `[N, C, S]` in the module (the JS rows' operations in the same order,
   * so the same bits), a few samples at a time; the per-channel doubles staged in and out.
   */
  const batchNormPass: Kernels['batchNormPass'] = (kind, x, xOff, N, C, S, mean, a, b, y, g, gOff) => {
    const per = C * S, ns = Math.max(1, Math.floor(CHUNK / per));
    // MEAN: the means (C doubles), or the affine pass's table (4C floats)
    const [X, Y, G, MEAN, A, B, end] = layout(ns * per, ns * per, ns * per, 4 * C, 2 * C, 2 * C);
    const m = bnShape(N, C, S) ? reserve(end!) : undefined;
    if (!m) return jsKernels.batchNormPass(kind, x, xOff, N, C, S, mean, a, b, y, g, gOff);
    const channelsOut = channelsIn(m, kind, C, MEAN!, A!, B!, mean, a, b);
    for (let n0 = 0; n0 < N; n0 += ns) {
      const k = Math.min(ns, N - n0), from = n0 * per, to = from + k * per;
      m.set(x.subarray(xOff + from, xOff + to), X);
      if (g) m.set(g.subarray(gOff + from, gOff + to), G);
      ex.bn_pass(kind, X! * 4, k, C, S, MEAN! * 4, A! * 4, B! * 4, Y! * 4, G! * 4);
      if (y) y.set(m.subarray(Y!, Y! + k * per), from);
    }
    channelsOut();
  };
  const batchNormGradInput: Kernels['batchNormGradInput'] = (g, gOff, x, xOff, N, C, S, mean, invstd, k, gm, xm, dx, gw = null) => {
    const per = C * S, ns = Math.max(1, Math.floor(CHUNK / per));
    const [X, G, DX, ST, end] = layout(ns * per, ns * per, ns * per, 7 * C);
    const m = bnShape(N, C, S) ? reserve(end!) : undefined;
    if (!m) return jsKernels.batchNormGradInput(g, gOff, x, xOff, N, C, S, mean, invstd, k, gm, xm, dx, gw);
    gradInputTable(mean, invstd, k, gm, xm, gw, m.subarray(ST!, ST! + 7 * C)); // without gw ones: dy·1 is dy exactly
    for (let n0 = 0; n0 < N; n0 += ns) {
      const c = Math.min(ns, N - n0), from = n0 * per, to = from + c * per;
      m.set(x.subarray(xOff + from, xOff + to), X);
      m.set(g.subarray(gOff + from, gOff + to), G);
      ex.bn_dx(G! * 4, X! * 4, c, C, S, ST! * 4, DX! * 4);
      dx.set(m.subarray(DX!, DX! + c * per), from);
    }
  };

  /**
   * The batch-norm passes of one op over its input staged once: x (and g) copied in whole, every
   * pass run on that copy, each output copied out once. (Pass by pass, a BatchNorm2d forward and
   * backward over [64, 64, 16, 16] copied 4 MB in seven times; the copies were 40 % of its time.)
   * Past SESSION_MAX floats, or without room, the chunked passes.
   */
  const batchNormSession: Kernels['batchNormSession'] = (x, xOff, g, gOff, N, C, S, body) => {
    const n = N * C * S, per = C * S;
    // Layout (floats): x | g | y or dx | per-channel table (7C floats) or doubles (mean, a, b)
    const [X, G, Y, T, A, B, end] = layout(n, g ? n : 0, n, 7 * C, 2 * C, 2 * C);
    const m = bnShape(N, C, S) && n <= SESSION_MAX ? reserve(end!) : undefined;
    if (!m) return batchNormSessionOver(batchNormPass, batchNormGradInput, x, xOff, g, gOff, N, C, S, body);
    m.set(x.subarray(xOff, xOff + n), X);
    if (g) m.set(g.subarray(gOff, gOff + n), G);
    body({
      pass(kind, mean, a, b, y, n0 = 0, count = N) {
        const at = n0 * per, channelsOut = channelsIn(m, kind, C, T!, A!, B!, mean, a, b);
        ex.bn_pass(kind, (X! + at) * 4, count, C, S, T! * 4, A! * 4, B! * 4, (Y! + at) * 4, (G! + at) * 4);
        if (kind === 2) y!.set(m.subarray(Y! + at, Y! + at + count * per), at);
        channelsOut();
      },
      gradInput(mean, invstd, k, gm, xm, dx, gw = null, n0 = 0, count = N) {
        const at = n0 * per;
        gradInputTable(mean, invstd, k, gm, xm, gw, m.subarray(T!, T! + 7 * C));
        ex.bn_dx((G! + at) * 4, (X! + at) * 4, count, C, S, T! * 4, (Y! + at) * 4);
        dx.set(m.subarray(Y! + at, Y! + at + count * per), at);
      },
    });
  };

  /**
   * Where a linear layer's products run: on this thread in the one-thread instance, or, for a
   * product large enough to split (LINEAR_SPLIT_MIN) with helpers ready, in the shared instance with
   * its output columns split over this thread and the helpers (each range computed as one
   * thread computes it: the same bits). `scratch(N)` is the packing scratch for N columns.
   */
  function placeLinear(rows: number, I: number, O: number): { mm: Instance; helpers: Helper[]; scratch: (N: number) => number } {
    const helpers = pool.threads > 1 && rows * O * I >= LINEAR_SPLIT_MIN ? pool.ready() : [];
    if (!helpers.length) return { mm: one, helpers, scratch: (N) => 256 * Math.min(round8(N), COLUMNS) + SCRATCH };
    return { mm: pool.instance, helpers, scratch: (N) => splitScratch(columnCuts(N, round8(N), helpers.length + 1)) };
  }

  /** C = A·B over N columns in `p.mm`, on this thread (in COLUMNS ranges) or split over `p.helpers`. */
  function product(p: { mm: Instance; helpers: Helper[] }, args: [number, number, number, number, number, number, number, number], N: number, c: number, ldc: number, at: number): void {
    if (!p.helpers.length) return matmulByColumns(p.mm.ex, args, N, c, ldc, at * 4, (at + 256 * Math.min(ldc, COLUMNS)) * 4);
    const parts = Math.min(p.helpers.length + 1, ldc >> 3);
    runSplit(pool, p.mm, p.helpers.slice(0, parts - 1), args, columnCuts(N, ldc, parts), c, ldc, at);
  }

  /**
   * The linear layer in one staging: x and w in, the product and the bias in the module, the
   * result out once (the set's matmul + binary staged the output twice). A product large enough
   * to split runs in the shared instance over the threads (`placeLinear`); past what the module
   * can stage, the set's own matmul and binary.
   */
  const linear: Kernels['linear'] = (x, xOff, w, wOff, b, bOff, rows, I, O, out) => {
    const ldo = round8(O), p = placeLinear(rows, I, O);
    // Layout (floats): x [rows x I] | w [O x I] | b [ldo, zero-padded] | y [rows (to 4) x ldo] | packing scratch
    const [X, WT, BI, Y, BP, end] = layout(rows * I, O * I, ldo, ((rows + 3) & ~3) * ldo, p.scratch(O));
    const m = rows * O * I > 512 && end! <= STAGE_MAX ? p.mm.tryReserve(end!) : undefined;
    if (!m) return linearByKernels(set(), x, xOff, w, wOff, b, bOff, rows, I, O, out);
    const ex = p.mm.ex;
    m.set(x.subarray(xOff, xOff + rows * I), X);
    m.set(w.subarray(wOff, wOff + O * I), WT);
    // The product reads wᵀ through its strides (row stride 1, column stride I).
    product(p, [X! * 4, I, 1, WT! * 4, 1, I, rows, I], O, Y! * 4, ldo, BP!);
    if (b) {
      m.set(b.subarray(bOff, bOff + O), BI);
      ex.cols_bias(Y! * 4, rows, ldo, O, BI! * 4, Y! * 4);
    } else if (ldo !== O) ex.compact(Y! * 4, rows, ldo, O);
    out.set(m.subarray(Y!, Y! + rows * O));
  };

  /** The linear layer's gradients from one staging of g (the set's kernels staged it once per product and sum); split over threads as `linear`. */
  const linearBackward: Kernels['linearBackward'] = (x, xOff, w, wOff, g, gOff, rows, I, O, dx, dw, db) => {
    const ldi = round8(I), p = placeLinear(rows, I, O);
    // Layout (floats): g [rows x O] | x [rows x I] | w [O x I] | dx [rows (to 4) x ldi] | dw [O (to 4) x ldi] | db: f64 [O], f32 [O] | packing scratch
    const [G, X, WT, DX, DW, ACC, DB, BP, end] = layout(
      rows * O, dw ? rows * I : 0, dx ? O * I : 0, dx ? ((rows + 3) & ~3) * ldi : 0, dw ? ((O + 3) & ~3) * ldi : 0, 2 * O, O, p.scratch(I));
    const m = rows > 0 && I > 0 && O > 0 && rows * O * I > 512 && end! <= STAGE_MAX ? p.mm.tryReserve(end!) : undefined;
    if (!m) return linearBackwardByKernels(set(), x, xOff, w, wOff, g, gOff, rows, I, O, dx, dw, db);
    const ex = p.mm.ex;
    m.set(g.subarray(gOff, gOff + rows * O), G);
    if (dx) {
      m.set(w.subarray(wOff, wOff + O * I), WT);
      product(p, [G! * 4, O, 1, WT! * 4, I, 1, rows, O], I, DX! * 4, ldi, BP!);
      if (ldi !== I) ex.compact(DX! * 4, rows, ldi, I);
      dx.set(m.subarray(DX!, DX! + rows * I));
    }
    if (dw) {
      // gᵀ read through its strides (row stride 1, column stride O)
      m.set(x.subarray(xOff, xOff + rows * I), X);
      product(p, [G! * 4, 1, O, X! * 4, I, 1, O, rows], I, DW! * 4, ldi, BP!);
      if (ldi !== I) ex.compact(DW! * 4, O, ldi, I);
      dw.set(m.subarray(DW!, DW! + O * I));
    }
    if (db) {
      // Column sums in f64 in row order, as reduceDim's kernels (sum_rows needs whole v128s).
      if (O % 4 === 0) {
        ex.sum_rows(G! * 4, rows, O, ACC! * 4, DB! * 4);
        db.set(m.subarray(DB!, DB! + O));
      } else jsKernels.reduceDim('sum', g, gOff, 1, rows, O, db);
    }
  };

  return { conv2d, conv2dBackward, maxPool2d, softmax, scaledSoftmax, softmaxBackward, lstmCell, lstmCellBackward, linear, linearBackward, layerNorm, layerNormBackward, batchNormPass, batchNormGradInput, batchNormSession };
}

export type { ConvGeometry };
