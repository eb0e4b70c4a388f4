import { erf } from './erf.js';
import { nnJsKernels } from './nn-js.js';
import type { BinaryKind, Kernels, ReduceKind, UnaryKind } from './types.js';

type Row = (o: Float32Array, oi: number, a: Float32Array, ai: number, as: number, b: Float32Array, bi: number, bs: number, n: number, alpha: number) => void;
type URow = (o: Float32Array, oi: number, a: Float32Array, ai: number, n: number) => void;

const f32 = Math.fround;

/**
 * Walks every row (last dim) of `shape`, calling `fn` with the start offset of each operand.
 * Per-row calls keep the inner loops tight and monomorphic.
 */
function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: number[],
  fn: (offs: number[], n: number) => void,
): void {
  const nd = shape.length;
  if (nd === 0) {
    fn(offsets, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[nd - 1]!;
  const k = strides.length;
  const idx = new Array<number>(nd - 1).fill(0);
  const offs = offsets.slice();
  for (;;) {
    fn(offs, n);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offs[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offs[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Merges adjacent dims that are contiguous in every operand, so most loops are one long row. */
function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
  if (shape.length <= 1) return [[...shape], strides.map((s) => [...s])];
  const outShape: number[] = [shape[0]!];
  const outStrides = strides.map((s) => [s[0]!]);
  for (let d = 1; d < shape.length; d++) {
    const last = outShape.length - 1;
    let ok = true;
    for (let j = 0; j < strides.length; j++) {
      if (outStrides[j]![last]! !== strides[j]![d]! * shape[d]!) {
        ok = false;
        break;
      }
    }
    if (ok) {
      outShape[last] = outShape[last]! * shape[d]!;
      for (let j = 0; j < strides.length; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(shape[d]!);
      for (let j = 0; j < strides.length; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return [outShape, outStrides];
}


// ---- unary rows ---------------------------------------------------------------------------

const U: Record<UnaryKind, URow> = {
  neg: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = -a[ai + i]!; },
  exp: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.exp(a[ai + i]!); },
  log: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.log(a[ai + i]!); },
  log1p: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.log1p(a[ai + i]!); },
  sqrt: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.sqrt(a[ai + i]!); },
  abs: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.abs(a[ai + i]!); },
  sign: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x > 0 ? 1 : x < 0 ? -1 : x; } },
  relu: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x > 0 ? x : x !== x ? x : 0; } },
  sigmoid: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = 1 / (1 + Math.exp(-a[ai + i]!)); },
  tanh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.tanh(a[ai + i]!); },
  erf: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = erf(a[ai + i]!); },
  gelu: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = 0.5 * x * (1 + erf(x * Math.SQRT1_2)); } },
  reciprocal: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = 1 / a[ai + i]!; },
  square: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x * x; } },
  isfinite: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Number.isFinite(a[ai + i]!) ? 1 : 0; },
};

// ---- binary rows (as/bs are the operands' strides along the row) ---------------------------

function row(op: (x: number, y: number) => number): Row {
  // NOTE: `op` is inlined by the JIT because each Row is its own closure with one call site.
  return (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = op(a[ai + i * as]!, b[bi + i * bs]!);
  };
}

const B: Record<BinaryKind, Row> = {
  // add/sub with alpha: one rounding of a ± alpha*b, as ATen's fused CPU kernel.
  add: (o, oi, a, ai, as, b, bi, bs, n, alpha) => {
    if (alpha === 1) {
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i]! + b[bi + i]!;
      else for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! + b[bi + i * bs]!;
    } else for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! + alpha * b[bi + i * bs]!;
  },
  sub: (o, oi, a, ai, as, b, bi, bs, n, alpha) => {
    if (alpha === 1) {
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i]! - b[bi + i]!;
      else for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! - b[bi + i * bs]!;
    } else for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! - alpha * b[bi + i * bs]!;
  },
  mul: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i]! * b[bi + i]!;
    else for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! * b[bi + i * bs]!;
  },
  div: row((x, y) => x / y),
  maximum: row((x, y) => (x !== x || y !== y ? Number.NaN : x > y ? x : y)),
  minimum: row((x, y) => (x !== x || y !== y ? Number.NaN : x < y ? x : y)),
  pow: row((x, y) => Math.pow(x, y)),
  eq: row((x, y) => (x === y ? 1 : 0)),
  ne: row((x, y) => (x !== y ? 1 : 0)),
  gt: row((x, y) => (x > y ? 1 : 0)),
  ge: row((x, y) => (x >= y ? 1 : 0)),
  lt: row((x, y) => (x < y ? 1 : 0)),
  le: row((x, y) => (x <= y ? 1 : 0)),
};

// ---- matmul -------------------------------------------------------------------------------

const KB = 256; // k-block: a panel of B (KB x NB floats) stays in L2
const NB = 512;

/**
 * One C = A·B. B must be row-contiguous (bCs === 1): the caller packs it otherwise.
 * Loop order j-block, k-block, 4 rows of A at a time, k, j: the inner loop streams one row
 * of B and four rows of C, which stay in L1.
 */
function gemm(
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number,
  c: Float32Array, cOff: number, M: number, N: number, K: number,
): void {
  c.fill(0, cOff, cOff + M * N);
  for (let j0 = 0; j0 < N; j0 += NB) {
    const j1 = Math.min(N, j0 + NB);
    for (let k0 = 0; k0 < K; k0 += KB) {
      const k1 = Math.min(K, k0 + KB);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = cOff + i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
        const a0r = aOff + i * aRs, a1r = a0r + aRs, a2r = a1r + aRs, a3r = a2r + aRs;
        for (let k = k0; k < k1; k++) {
          const ak = k * aCs;
          const x0 = a[a0r + ak]!, x1 = a[a1r + ak]!, x2 = a[a2r + ak]!, x3 = a[a3r + ak]!;
          const br = bOff + k * bRs;
          for (let j = j0; j < j1; j++) {
            const y = b[br + j]!;
            c[c0 + j] = c[c0 + j]! + x0 * y;
            c[c1 + j] = c[c1 + j]! + x1 * y;
            c[c2 + j] = c[c2 + j]! + x2 * y;
            c[c3 + j] = c[c3 + j]! + x3 * y;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = cOff + i * N;
        const a0r = aOff + i * aRs;
        for (let k = k0; k < k1; k++) {
          const x0 = a[a0r + k * aCs]!;
          const br = bOff + k * bRs;
          for (let j = j0; j < j1; j++) c[c0 + j] = c[c0 + j]! + x0 * b[br + j]!;
        }
      }
    }
  }
}

export const jsKernels: Kernels = {
  name: 'js',
  ...nnJsKernels,

  copy(x, xOff, xStrides, shape, out, outOff) {
    const [cs, [xs]] = collapse(shape, [xStrides]);
    let o = outOff;
    forEachRow(cs, [xs!], [xOff], (offs, n) => {
      const xi = offs[0]!;
      const st = xs!.length ? xs![xs!.length - 1]! : 1;
      if (st === 1) out.set(x.subarray(xi, xi + n), o);
      else for (let i = 0; i < n; i++) out[o + i] = x[xi + i * st]!;
      o += n;
    });
  },

  scatterCopy(x, xOff, shape, out, outOff, outStrides) {
    const [cs, [os]] = collapse(shape, [outStrides]);
    let xi = xOff;
    forEachRow(cs, [os!], [outOff], (offs, n) => {
      const oi = offs[0]!;
      const st = os!.length ? os![os!.length - 1]! : 1;
      if (st === 1) out.set(x.subarray(xi, xi + n), oi);
      else for (let i = 0; i < n; i++) out[oi + i * st] = x[xi + i]!;
      xi += n;
    });
  },

  unary(kind, x, xOff, out, outOff, n) {
    U[kind](out, outOff, x, xOff, n);
  },

  powScalar(x, xOff, p, out, outOff, n) {
    if (p === 2) for (let i = 0; i < n; i++) { const v = x[xOff + i]!; out[outOff + i] = v * v; }
    else if (p === 1) out.set(x.subarray(xOff, xOff + n), outOff);
    else if (p === 0.5) for (let i = 0; i < n; i++) out[outOff + i] = Math.sqrt(x[xOff + i]!);
    else for (let i = 0; i < n; i++) out[outOff + i] = Math.pow(x[xOff + i]!, p);
  },

  clamp(x, xOff, lo, hi, out, outOff, n) {
    for (let i = 0; i < n; i++) {
      const v = x[xOff + i]!;
      out[outOff + i] = v !== v ? v : v < lo ? lo : v > hi ? hi : v;
    }
  },

  binary(kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha = 1) {
    const fn = B[kind];
    const al = f32(alpha);
    const [cs, [as, bs]] = collapse(shape, [aStrides, bStrides]);
    let o = outOff;
    const last = cs.length - 1;
    const sa = last >= 0 ? as![last]! : 0;
    const sb = last >= 0 ? bs![last]! : 0;
    forEachRow(cs, [as!, bs!], [aOff, bOff], (offs, n) => {
      fn(out, o, a, offs[0]!, sa, b, offs[1]!, sb, n, al);
      o += n;
    });
  },

  where(c, cOff, cStrides, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff) {
    const [cs, [css, as, bs]] = collapse(shape, [cStrides, aStrides, bStrides]);
    const last = cs.length - 1;
    const sc = last >= 0 ? css![last]! : 0, sa = last >= 0 ? as![last]! : 0, sb = last >= 0 ? bs![last]! : 0;
    let o = outOff;
    forEachRow(cs, [css!, as!, bs!], [cOff, aOff, bOff], (offs, n) => {
      const ci = offs[0]!, ai = offs[1]!, bi = offs[2]!;
      for (let i = 0; i < n; i++) out[o + i] = c[ci + i * sc] !== 0 ? a[ai + i * sa]! : b[bi + i * sb]!;
      o += n;
    });
  },

  reduceDim(kind: ReduceKind, x, xOff, pre, D, post, out) {
    if (kind === 'sum') {
      // NOTE: accumulate in double, round once (at least as accurate as PyTorch's pairwise
      // float32 sum, so results agree to float32 tolerance).
      if (post === 1) {
        for (let p = 0; p < pre; p++) {
          const s = xOff + p * D;
          let acc = 0;
          for (let k = 0; k < D; k++) acc += x[s + k]!;
          out[p] = acc;
        }
        return;
      }
      const acc = new Float64Array(post);
      for (let p = 0; p < pre; p++) {
        acc.fill(0);
        const base = xOff + p * D * post;
        for (let k = 0; k < D; k++) {
          const s = base + k * post;
          for (let q = 0; q < post; q++) acc[q] = acc[q]! + x[s + q]!;
        }
        const o = p * post;
        for (let q = 0; q < post; q++) out[o + q] = acc[q]!;
      }
      return;
    }
    const isMax = kind === 'max' || kind === 'argmax';
    const wantIndex = kind === 'argmax' || kind === 'argmin';
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        const s = xOff + p * D * post + q;
        let best = x[s]!;
        let bi = 0;
        for (let k = 1; k < D && best === best; k++) {
          const v = x[s + k * post]!;
          // NaN wins, as in PyTorch; otherwise the first extreme value is kept.
          if (v !== v || (isMax ? v > best : v < best)) { best = v; bi = k; }
        }
        out[p * post + q] = wantIndex ? bi : best;
      }
    }
  },

  take(x, xOff, idx, out) {
    for (let i = 0; i < idx.length; i++) out[i] = x[xOff + idx[i]!]!;
  },

  scatterAdd(g, gOff, idx, out) {
    for (let i = 0; i < idx.length; i++) out[idx[i]!] = out[idx[i]!]! + g[gOff + i]!;
  },

  matmul(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, batch, M, N, K) {
    // Pack B into row-major K x N when its columns are strided (a transposed view), so the
    // inner loop reads it contiguously. A broadcast B (batch stride 0) is packed once.
    const pack = bCs !== 1 && N > 1;
    const packed = pack ? new Float32Array(K * N) : null;
    for (let p = 0; p < batch; p++) {
      let bData = b, bo = bOff + p * bBs, br = bRs;
      if (packed) {
        if (p === 0 || bBs !== 0) jsKernels.copy(b, bo, [bRs, bCs], [K, N], packed, 0);
        bData = packed; bo = 0; br = N;
      }
      gemm(a, aOff + p * aBs, aRs, aCs, bData, bo, br, c, p * M * N, M, N, K);
    }
  },
};

