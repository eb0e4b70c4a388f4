import { erf, erfFast } from './erf.js';
import { nnJsKernels } from './nn-js.js';
import { expf, GELU_TANH_BETA_F64, GELU_TANH_KAPPA_F64, geluBackwardf, geluf, geluTanhBackwardf, geluTanhf, logf, sigmoidf, siluBackwardf, siluf, tanhf } from './transcendental.js';
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

/** Rows of at least this many elements are copied with `set` (a subarray view and a memcpy), shorter ones element by element. */
export const SET_MIN = 64;

/**
 * `copy` of the innermost (at most) three dims of a collapsed view: nested loops with the strides
 * in locals, where forEachRow called back once a row through an odometer (attention's head
 * transposes copy rows of 32: 2.5 -> 1.6-1.9 ns an element, a loaded machine; the Transformer
 * encoder layer step 47 -> 45 ms of CPU, alternated). Rows of SET_MIN or more contiguous floats
 * go by `set`, shorter ones element by element (`set` of a subarray makes a view a row).
 */
function copy3(x: Float32Array, xOff: number, xs: readonly number[], cs: readonly number[], out: Float32Array, o: number): void {
  const nd = cs.length;
  const n = cs[nd - 1]!, st = xs[nd - 1]!;
  const n1 = nd >= 2 ? cs[nd - 2]! : 1, s1 = nd >= 2 ? xs[nd - 2]! : 0;
  const n0 = nd === 3 ? cs[0]! : 1, s0 = nd === 3 ? xs[0]! : 0;
  const whole = st === 1 && n >= SET_MIN;
  for (let a = 0, xa = xOff; a < n0; a++, xa += s0) {
    for (let b = 0, xb = xa; b < n1; b++, xb += s1) {
      if (whole) out.set(x.subarray(xb, xb + n), o);
      else if (st === 1) for (let i = 0; i < n; i++) out[o + i] = x[xb + i]!;
      else for (let i = 0, xi = xb; i < n; i++, xi += st) out[o + i] = x[xi]!;
      o += n;
    }
  }
}

/**
 * A collapsed view's split for copy3/scatter3: the number k of outer dims (past the innermost
 * three), the inner dims, their strides, and the elements of one inner block.
 */
function innerThree(cs: readonly number[], strides: readonly number[]): [number, number[], number[], number] {
  const k = Math.max(0, cs.length - 3), inner = cs.slice(k);
  return [k, inner, strides.slice(k), inner.reduce((a, b) => a * b, 1)];
}

/** `scatterCopy` into a view whose dims collapse to at most three (as copy3). */
function scatter3(x: Float32Array, xi: number, cs: readonly number[], out: Float32Array, outOff: number, os: readonly number[]): void {
  const nd = cs.length;
  const n = cs[nd - 1]!, st = os[nd - 1]!;
  const n1 = nd >= 2 ? cs[nd - 2]! : 1, s1 = nd >= 2 ? os[nd - 2]! : 0;
  const n0 = nd === 3 ? cs[0]! : 1, s0 = nd === 3 ? os[0]! : 0;
  const whole = st === 1 && n >= SET_MIN;
  for (let a = 0, oa = outOff; a < n0; a++, oa += s0) {
    for (let b = 0, ob = oa; b < n1; b++, ob += s1) {
      if (whole) out.set(x.subarray(xi, xi + n), ob);
      else if (st === 1) for (let i = 0; i < n; i++) out[ob + i] = x[xi + i]!;
      else for (let i = 0, oi = ob; i < n; i++, oi += st) out[oi] = x[xi + i]!;
      xi += n;
    }
  }
}

/** The 32-bit patterns of a float32 array's elements (a view of the same memory). */
const bitsOf = (x: Float32Array): Int32Array => new Int32Array(x.buffer, x.byteOffset, x.length);

/** Merges adjacent dims that are contiguous in every operand, so most loops are one long row. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
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


/** Whether a row writes float32 results (the rows also run on Float64Arrays for float64 tensors). */
const isFloat32 = (o: unknown): boolean => o instanceof Float32Array;

/** The float32 backward rows `dy·f'(x)` of the activations with a one-pass backward. */
const UNARY_BACKWARD: Record<Parameters<Kernels['unaryBackward']>[0], (x: number, dy: number) => number> = {
  gelu: geluBackwardf, geluTanh: geluTanhBackwardf, silu: siluBackwardf,
};

// ---- unary rows ---------------------------------------------------------------------------

const U: Record<UnaryKind, URow> = {
  neg: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = -a[ai + i]!; },
  // NOTE: float32 results: the float32 polynomials of transcendental.ts (the module's bits);
  // float64 results: Math's functions.
  exp: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = expf(a[ai + i]!);
    else for (let i = 0; i < n; i++) o[oi + i] = Math.exp(a[ai + i]!);
  },
  log: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = logf(a[ai + i]!);
    else for (let i = 0; i < n; i++) o[oi + i] = Math.log(a[ai + i]!);
  },
  log1p: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.log1p(a[ai + i]!); },
  sqrt: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.sqrt(a[ai + i]!); },
  abs: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.abs(a[ai + i]!); },
  // sign: PyTorch's (0 < x) - (x < 0): -0 and NaN give +0
  sign: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x > 0 ? 1 : x < 0 ? -1 : 0; } },
  // NOTE: branch-free ((x + |x|) / 2 is exact in double; NaN stays NaN): on random signs the
  // branchy form mispredicts half the time and ran 3-4x slower.
  // relu: x above 0, NaN stays NaN, everything else (-0 and -Infinity too) is +0
  relu: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x > 0 || x !== x ? x : 0; } },
  sigmoid: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = sigmoidf(a[ai + i]!);
    else for (let i = 0; i < n; i++) o[oi + i] = 1 / (1 + Math.exp(-a[ai + i]!));
  },
  tanh: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = tanhf(a[ai + i]!);
    else for (let i = 0; i < n; i++) o[oi + i] = Math.tanh(a[ai + i]!);
  },
  // NOTE: float32 results take the tabulated erf (1e-10 relative: the same float32 value in
  // all but rare cases, 5x faster); float64 results the precise series (see erf.ts).
  erf: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = erfFast(a[ai + i]!);
    else for (let i = 0; i < n; i++) o[oi + i] = erf(a[ai + i]!);
  },
  // NOTE: PyTorch's SiLU kernel divides, x / (1 + e^-x), rather than multiplying by the sigmoid.
  silu: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = siluf(a[ai + i]!);
    else for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x / (1 + Math.exp(-x)); }
  },
  gelu: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = geluf(a[ai + i]!);
    else for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = 0.5 * x * (1 + erf(x * Math.SQRT1_2)); }
  },
  geluTanh: (o, oi, a, ai, n) => {
    if (isFloat32(o)) for (let i = 0; i < n; i++) o[oi + i] = geluTanhf(a[ai + i]!);
    else for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = 0.5 * x * (1 + Math.tanh(GELU_TANH_BETA_F64 * (x + GELU_TANH_KAPPA_F64 * (x * x * x)))); }
  },
  reciprocal: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = 1 / a[ai + i]!; },
  square: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) { const x = a[ai + i]!; o[oi + i] = x * x; } },
  isfinite: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Number.isFinite(a[ai + i]!) ? 1 : 0; },
  // NOTE: computed in double and rounded once by the store: for float32 that is the correctly
  // rounded value except in rare double-rounding cases; PyTorch's float32 (SLEEF, 1 ulp) may differ by 1 ulp.
  sin: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.sin(a[ai + i]!); },
  cos: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.cos(a[ai + i]!); },
  tan: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.tan(a[ai + i]!); },
  expm1: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.expm1(a[ai + i]!); },
  log2: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.log2(a[ai + i]!); },
  // the inverse and hyperbolic functions likewise (PyTorch's float32: SLEEF's u10 or libm's float versions, within 1 ulp)
  asin: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.asin(a[ai + i]!); },
  acos: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.acos(a[ai + i]!); },
  atan: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.atan(a[ai + i]!); },
  sinh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.sinh(a[ai + i]!); },
  cosh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.cosh(a[ai + i]!); },
  asinh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.asinh(a[ai + i]!); },
  acosh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.acosh(a[ai + i]!); },
  atanh: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.atanh(a[ai + i]!); },
  // The roundings to an integer are exact in any precision.
  floor: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.floor(a[ai + i]!); },
  ceil: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.ceil(a[ai + i]!); },
  trunc: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = Math.trunc(a[ai + i]!); },
  round: (o, oi, a, ai, n) => { for (let i = 0; i < n; i++) o[oi + i] = roundHalfEven(a[ai + i]!); },
};

/** C's `nearbyint` in the default mode (what torch.round computes): ties to even, the sign of a zero kept (-0.5 gives -0). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +Infinity
  const f = r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return f === 0 && (x < 0 || Object.is(x, -0)) ? -0 : f;
}

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
  // NOTE: comparisons as +(x > y), which V8 compiles without a branch (`x > y ? 1 : 0` was
  // 4-6x slower on unpredictable data, a relu mask say), each written out so the comparison
  // inlines; a scalar right-hand side (x > 0) gets its own loop.
  eq: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! === y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! === b[bi + i * bs]!);
  },
  ne: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! !== y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! !== b[bi + i * bs]!);
  },
  gt: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! > y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! > b[bi + i * bs]!);
  },
  ge: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! >= y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! >= b[bi + i * bs]!);
  },
  lt: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! < y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! < b[bi + i * bs]!);
  },
  le: (o, oi, a, ai, as, b, bi, bs, n) => {
    if (as === 1 && bs === 0) { const y = b[bi]!; for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i]! <= y); }
    else for (let i = 0; i < n; i++) o[oi + i] = +(a[ai + i * as]! <= b[bi + i * bs]!);
  },
};

// ---- matmul -------------------------------------------------------------------------------

const KC = 256; // k-block: a packed 4-column panel of B (KC x 4) and of A (4 x KC) sit in L1

/**
 * One C = A·B with a packed, register-tiled micro-kernel. For each k-block, B is packed into
 * panels of 4 columns and each 4-row block of A is packed k-major; the micro-kernel keeps a 4x4
 * tile of C in 16 local doubles across the whole k-block, so the inner loop does 16 multiply-adds
 * per 8 loads and touches C once per k-block. A and B are read through any strides (transposed
 * views cost only the packing).
 *
 * Both packed panels live in one workspace `w` (A's panel at 0, B's panels from `4 * kc`):
 * with a single array the optimized inner loop checks and reloads one typed-array backing store
 * per step instead of two, which measured about 5–10% faster than separate A and B buffers
 * (a Float64Array workspace measured no faster: the loads convert float32 to double either way).
 */
function gemm(
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, M: number, N: number, K: number,
  w: Float32Array,
): void {
  c.fill(0, cOff, cOff + M * N);
  const Mb = (M + 3) >> 2, Nb = (N + 3) >> 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    const bBase = kc * 4;
    // B panels: panel jp holds columns 4jp..4jp+3, k-major; missing columns are zero.
    for (let jp = 0; jp < Nb; jp++) {
      const base = bBase + jp * kc * 4;
      for (let jj = 0; jj < 4; jj++) {
        const j = jp * 4 + jj;
        let d = base + jj;
        if (j < N) {
          for (let k = 0, s = bOff + k0 * bRs + j * bCs; k < kc; k++, s += bRs, d += 4) w[d] = b[s]!;
        } else for (let k = 0; k < kc; k++, d += 4) w[d] = 0;
      }
    }
    for (let ip = 0; ip < Mb; ip++) {
      // A panel: rows 4ip..4ip+3, k-major; missing rows are zero.
      for (let ii = 0; ii < 4; ii++) {
        const i = ip * 4 + ii;
        let d = ii;
        if (i < M) {
          for (let k = 0, s = aOff + i * aRs + k0 * aCs; k < kc; k++, s += aCs, d += 4) w[d] = a[s]!;
        } else for (let k = 0; k < kc; k++, d += 4) w[d] = 0;
      }
      for (let jp = 0; jp < Nb; jp++) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let pb = bBase + jp * kc * 4, pa = 0;
        for (let k = 0; k < kc; k++, pa += 4, pb += 4) {
          const a0 = w[pa]!, a1 = w[pa + 1]!, a2 = w[pa + 2]!, a3 = w[pa + 3]!;
          const b0 = w[pb]!, b1 = w[pb + 1]!, b2 = w[pb + 2]!, b3 = w[pb + 3]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const i0 = ip * 4, j0 = jp * 4;
        if (i0 + 4 <= M && j0 + 4 <= N) {
          let r = cOff + i0 * N + j0;
          c[r] = c[r]! + c00; c[r + 1] = c[r + 1]! + c01; c[r + 2] = c[r + 2]! + c02; c[r + 3] = c[r + 3]! + c03; r += N;
          c[r] = c[r]! + c10; c[r + 1] = c[r + 1]! + c11; c[r + 2] = c[r + 2]! + c12; c[r + 3] = c[r + 3]! + c13; r += N;
          c[r] = c[r]! + c20; c[r + 1] = c[r + 1]! + c21; c[r + 2] = c[r + 2]! + c22; c[r + 3] = c[r + 3]! + c23; r += N;
          c[r] = c[r]! + c30; c[r + 1] = c[r + 1]! + c31; c[r + 2] = c[r + 2]! + c32; c[r + 3] = c[r + 3]! + c33;
          continue;
        }
        // An edge tile: store only the rows and columns inside C.
        const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let ii = 0; ii < 4 && i0 + ii < M; ii++) {
          const row = cOff + (i0 + ii) * N;
          for (let jj = 0; jj < 4 && j0 + jj < N; jj++) c[row + j0 + jj] = c[row + j0 + jj]! + acc[ii * 4 + jj]!;
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
    if (cs.length === 0) {
      out[outOff] = x[xOff]!;
      return;
    }
    const [k, inner, innerStrides, block] = innerThree(cs, xs!);
    if (k === 0) return copy3(x, xOff, innerStrides, inner, out, outOff);
    // views of four or more dims that do not collapse: forEachRow's odometer over the outer dims
    let o = outOff;
    forEachRow([...cs.slice(0, k), 1], [[...xs!.slice(0, k), 0]], [xOff], (offs) => {
      copy3(x, offs[0]!, innerStrides, inner, out, o);
      o += block;
    });
  },

  scatterCopy(x, xOff, shape, out, outOff, outStrides) {
    const [cs, [os]] = collapse(shape, [outStrides]);
    if (cs.length === 0) {
      out[outOff] = x[xOff]!;
      return;
    }
    const [k, inner, innerStrides, block] = innerThree(cs, os!);
    if (k === 0) return scatter3(x, xOff, inner, out, outOff, innerStrides);
    let xi = xOff;
    forEachRow([...cs.slice(0, k), 1], [[...os!.slice(0, k), 0]], [outOff], (offs) => {
      scatter3(x, xi, inner, out, offs[0]!, innerStrides);
      xi += block;
    });
  },

  unary(kind, x, xOff, out, outOff, n) {
    U[kind](out, outOff, x, xOff, n);
  },

  reluBackward(x, xOff, g, gOff, out, n) {
    for (let i = 0; i < n; i++) out[i] = x[xOff + i]! <= 0 ? 0 : g[gOff + i]!;
  },

  leakyRelu(x, xOff, out, n, slope) {
    for (let i = 0; i < n; i++) {
      const v = x[xOff + i]!;
      out[i] = v > 0 ? v : Math.fround(v * slope);
    }
  },

  leakyReluBackward(x, xOff, g, gOff, out, n, slope) {
    for (let i = 0; i < n; i++) out[i] = x[xOff + i]! > 0 ? g[gOff + i]! : Math.fround(g[gOff + i]! * slope);
  },

  unaryBackward(kind, x, xOff, dy, dyOff, out, n) {
    const f = UNARY_BACKWARD[kind];
    for (let i = 0; i < n; i++) out[i] = f(x[xOff + i]!, dy[dyOff + i]!);
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
    // NOTE: the bits are selected by a mask (m = -1 or 0), with no branch: the condition's
    // branch mispredicted on half of a random mask (a 1M-element where: 4.1 -> 1.2 ns an element)
    const ai = bitsOf(a), bi = bitsOf(b), oi = bitsOf(out);
    let o = outOff;
    forEachRow(cs, [css!, as!, bs!], [cOff, aOff, bOff], (offs, n) => {
      const c0 = offs[0]!, a0 = offs[1]!, b0 = offs[2]!;
      for (let i = 0; i < n; i++) {
        const m = -((c[c0 + i * sc] !== 0) as unknown as number);
        oi[o + i] = (ai[a0 + i * sa]! & m) | (bi[b0 + i * sb]! & ~m);
      }
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
    const kc = Math.min(KC, K);
    const w = new Float32Array(kc * 4 + kc * (((N + 3) >> 2) * 4)); // A panel, then B panels
    for (let p = 0; p < batch; p++) {
      gemm(a, aOff + p * aBs, aRs, aCs, b, bOff + p * bBs, bRs, bCs, c, p * M * N, M, N, K, w);
    }
  },

  linear(x, xOff, w, wOff, b, bOff, rows, I, O, out) {
    linearByKernels(jsKernels, x, xOff, w, wOff, b, bOff, rows, I, O, out);
  },

  linearBackward(x, xOff, w, wOff, g, gOff, rows, I, O, dx, dw, db) {
    linearBackwardByKernels(jsKernels, x, xOff, w, wOff, g, gOff, rows, I, O, dx, dw, db);
  },

  conv2d(x, xOff, w, wOff, b, bOff, g, out) {
    // PyTorch's slow_conv2d, one sample at a time: im2col into a per-sample matrix, then one
    // product with the flattened weight, then the bias.
    const { N, C, H, W, O, Ho, Wo } = g, R = C * g.kh * g.kw, L = Ho * Wo;
    const cols = new Float32Array(R * L);
    for (let n = 0; n < N; n++) {
      nnJsKernels.unfold(x, xOff + n * C * H * W, 1, C, H, W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, cols);
      const y = out.subarray(n * O * L, (n + 1) * O * L);
      jsKernels.matmul(w, wOff, 0, R, 1, cols, 0, 0, L, 1, y, 1, O, L, R);
      if (b) for (let o = 0; o < O; o++) for (let l = 0; l < L; l++) y[o * L + l] = y[o * L + l]! + b[bOff + o]!;
    }
  },

  conv2dBackward(x, xOff, w, wOff, gy, gyOff, g, dx, dw, db) {
    const { N, C, H, W, O, Ho, Wo } = g, R = C * g.kh * g.kw, L = Ho * Wo;
    const cols = new Float32Array(R * L);
    const part = dw ? new Float32Array(O * R) : null;
    const acc = db ? new Float64Array(O) : null;
    if (dx) dx.fill(0, 0, N * C * H * W);
    for (let n = 0; n < N; n++) {
      const go = gyOff + n * O * L;
      if (dw && part) {
        // dw += gy[n] · cols[n]ᵀ, summed over samples in float32 (PyTorch's addmm_ per sample)
        nnJsKernels.unfold(x, xOff + n * C * H * W, 1, C, H, W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, cols);
        jsKernels.matmul(gy, go, 0, L, 1, cols, 0, 0, 1, L, n === 0 ? dw : part, 1, O, R, L);
        if (n > 0) for (let i = 0; i < O * R; i++) dw[i] = dw[i]! + part[i]!;
      }
      if (dx) {
        // dx[n] = col2im(wᵀ · gy[n])
        jsKernels.matmul(w, wOff, 0, 1, R, gy, go, 0, L, 1, cols, 1, R, L, O);
        nnJsKernels.fold(cols, 0, 1, C, H, W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, dx.subarray(n * C * H * W, (n + 1) * C * H * W));
      }
      if (acc) for (let o = 0; o < O; o++) for (let l = 0; l < L; l++) acc[o] = acc[o]! + gy[go + o * L + l]!;
    }
    if (dw && N === 0) dw.fill(0, 0, O * R);
    if (db && acc) for (let o = 0; o < O; o++) db[o] = acc[o]!;
  },

  adam(p, g, m, v, vmax, c) {
    const f32 = Math.fround, neg = (c.mode & 1) !== 0, coupled = (c.mode & 2) !== 0, decoupled = (c.mode & 4) !== 0, small = (c.mode & 8) !== 0;
    const nadam = (c.mode & 32) !== 0, c1 = c.c1 ?? 0;
    const radam = (c.mode & 64) !== 0, rectify = (c.mode & 128) !== 0, capturable = (c.mode & 256) !== 0;
    const bc1 = c.bc1 ?? 1, lr = c.lr ?? 0, rect = c.rect ?? 0;
    const { wd, decay, w1, w1c, b2, c2, bc2, eps, ss } = c;
    for (let i = 0, n = p.length; i < n; i++) {
      let pi = p[i]!;
      let grad = neg ? -g[i]! : g[i]!;
      if (decoupled) pi = f32(pi * decay);
      else if (coupled) grad = f32(wd * pi + grad);
      const mi = m[i]!, d = f32(grad - mi);
      const m1 = small ? f32(w1 * d + mi) : f32(-d * w1c + grad);
      const v1 = f32(f32(c2 * grad) * grad + f32(v[i]! * b2));
      if (radam) {
        let update = f32(f32(m1 / bc1) * lr);
        if (rectify) {
          update = capturable
            ? f32(update * f32(rect * f32(bc2 / f32(f32(Math.sqrt(v1)) + eps))))
            : f32(f32(update * f32(f32(1 / f32(f32(Math.sqrt(v1)) + eps)) * bc2)) * rect);
        }
        p[i] = f32(pi - update);
        m[i] = m1;
        v[i] = v1;
        continue;
      }
      if (nadam) {
        const denom = f32(f32(Math.sqrt(f32(v1 / bc2))) + eps);
        pi = f32(pi + f32(f32(c1 * grad) / denom));
        p[i] = f32(pi + f32(f32(ss * m1) / denom));
        m[i] = m1;
        v[i] = v1;
        continue;
      }
      let second = v1;
      if (vmax) {
        const x = vmax[i]!;
        second = v1 > x || v1 !== v1 ? v1 : x; // NaN wins, as torch.maximum
        vmax[i] = second;
      }
      const denom = f32(f32(f32(Math.sqrt(second)) / bc2) + eps);
      p[i] = f32(pi + f32(f32(ss * m1) / denom));
      m[i] = m1;
      v[i] = v1;
    }
  },

  rmsprop(p, g, sq, gavg, buf, c) {
    const f32 = Math.fround, neg = (c.mode & 1) !== 0, decay = (c.mode & 2) !== 0, small = (c.mode & 8) !== 0;
    const { wd, alpha, w, wc, eps, momentum, negLr } = c;
    for (let i = 0, n = p.length; i < n; i++) {
      const pi = p[i]!;
      let grad = neg ? -g[i]! : g[i]!;
      if (decay) grad = f32(wd * pi + grad);
      const s = f32(f32(w * grad) * grad + f32(sq[i]! * alpha));
      let avg: number;
      if (gavg) {
        const ga = gavg[i]!, d = f32(grad - ga);
        const ga1 = small ? f32(w * d + ga) : f32(-d * wc + grad);
        avg = f32(Math.sqrt(f32(-ga1 * ga1 + s)));
        gavg[i] = ga1;
      } else avg = f32(Math.sqrt(s));
      avg = f32(avg + eps);
      if (buf) {
        const b = f32(f32(buf[i]! * momentum) + f32(grad / avg));
        p[i] = f32(negLr * b + pi);
        buf[i] = b;
      } else p[i] = f32(pi + f32(f32(negLr * grad) / avg));
      sq[i] = s;
    }
  },

  adagrad(p, g, sum, mode, wd, eps, negClr) {
    const f32 = Math.fround, maximize = (mode & 1) !== 0, decay = (mode & 2) !== 0;
    for (let i = 0, n = p.length; i < n; i++) {
      const pi = p[i]!;
      let grad = maximize ? -g[i]! : g[i]!;
      if (decay) grad = f32(wd * pi + grad);
      const s = f32(grad * grad + sum[i]!);
      const std = f32(f32(Math.sqrt(s)) + eps);
      p[i] = f32(pi + f32(f32(negClr * grad) / std));
      sum[i] = s;
    }
  },

  adadelta(p, g, sq, acc, mode, wd, rho, w, eps, negLr) {
    const f32 = Math.fround, neg = (mode & 1) !== 0, decay = (mode & 2) !== 0;
    for (let i = 0, n = p.length; i < n; i++) {
      const pi = p[i]!, ai = acc[i]!;
      let grad = neg ? -g[i]! : g[i]!;
      if (decay) grad = f32(wd * pi + grad);
      const s = f32(f32(w * grad) * grad + f32(sq[i]! * rho));
      const std = f32(Math.sqrt(f32(s + eps)));
      const delta = f32(f32(f32(Math.sqrt(f32(ai + eps))) / std) * grad);
      acc[i] = f32(f32(w * delta) * delta + f32(ai * rho));
      p[i] = f32(negLr * delta + pi);
      sq[i] = s;
    }
  },

  rprop(p, g, prev, ss, mode, plus, minus, lo, hi) {
    const f32 = Math.fround, neg = (mode & 1) !== 0;
    for (let i = 0, n = p.length; i < n; i++) {
      let grad = neg ? -g[i]! : g[i]!;
      const product = f32(grad * prev[i]!);
      const factor = product > 0 ? plus : product < 0 ? minus : 1; // torch.sign(NaN) is 0
      let s = f32(ss[i]! * factor);
      s = s !== s ? NaN : Math.min(Math.max(s, lo), hi); // clamp keeps NaN
      if (factor === minus) grad = 0;
      const sgn = grad > 0 ? 1 : grad < 0 ? -1 : 0;
      p[i] = f32(p[i]! - f32(sgn * s));
      prev[i] = grad;
      ss[i] = s;
    }
  },

  asgd(p, pOff, g, gOff, ax, axOff, n, decay, negEta, mu, wd) {
    // NOTE: every operation is rounded to float32 where PyTorch's kernel rounds (Math.fround);
    // products of two float32 values are exact in double, so `f32(a + b*c)` is one rounding.
    // Loop-invariant branches are hoisted out of the element loops (one loop per case).
    if (wd === 0) {
      if (mu === 1) {
        for (let i = 0; i < n; i++) {
          const x = f32(f32(p[pOff + i]! * decay) + negEta * g[gOff + i]!);
          p[pOff + i] = x;
          ax[axOff + i] = x;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const x = f32(f32(p[pOff + i]! * decay) + negEta * g[gOff + i]!);
          p[pOff + i] = x;
          const a = ax[axOff + i]!;
          ax[axOff + i] = a + f32(f32(x - a) * mu);
        }
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const p0 = p[pOff + i]!;
      const gi = f32(g[gOff + i]! + wd * p0);
      const x = f32(f32(p0 * decay) + negEta * gi);
      p[pOff + i] = x;
      if (mu === 1) ax[axOff + i] = x;
      else {
        const a = ax[axOff + i]!;
        ax[axOff + i] = a + f32(f32(x - a) * mu);
      }
    }
  },
};

/**
 * @internal `linear` from a kernel set's `matmul` and `binary`: what every set computes, and
 * what a set falls back to (the wasm set with threads, whose matmul splits over them).
 */
export function linearByKernels(
  k: Pick<Kernels, 'matmul' | 'binary'>, x: Float32Array, xOff: number, w: Float32Array, wOff: number, b: Float32Array | null, bOff: number,
  rows: number, I: number, O: number, out: Float32Array,
): void {
  k.matmul(x, xOff, 0, I, 1, w, wOff, 0, 1, I, out, 1, rows, O, I);
  if (b) k.binary('add', out, 0, [O, 1], b, bOff, [0, 1], [rows, O], out, 0);
}

/** @internal `linearBackward` from a kernel set's `matmul` and `reduceDim` (see `linearByKernels`). */
export function linearBackwardByKernels(
  k: Pick<Kernels, 'matmul' | 'reduceDim'>, x: Float32Array, xOff: number, w: Float32Array, wOff: number, g: Float32Array, gOff: number,
  rows: number, I: number, O: number, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
): void {
  if (dx) k.matmul(g, gOff, 0, O, 1, w, wOff, 0, I, 1, dx, 1, rows, I, O);
  if (dw) k.matmul(g, gOff, 0, 1, O, x, xOff, 0, I, 1, dw, 1, O, I, rows);
  if (db) k.reduceDim('sum', g, gOff, 1, rows, O, db);
}
