/**
 * float32 `exp`, `sigmoid`, `tanh` and `log`: Cephes' `expf`, `tanhf` and `logf` (Cody–Waite
 * range reduction, minimax polynomials), the algorithm the WebAssembly module runs in f32x4
 * lanes (`$exp4`, `$tanh4`, `$log4` in kernels.wat). Every step here is one float32 operation, `Math.fround` of the
 * double result (for `+ - * /` of float32 values that is the float32 operation itself), in the
 * module's order and without fused multiply-adds, so both kernel sets give the same bits for
 * every input (test/transcendental.test.ts checks it on every exponent and around each branch).
 *
 * Accuracy, from the correctly rounded float32 results over all 2^32 inputs (`npm run ulp`,
 * measured 2026-12-05): exp and tanh at most 1 ulp, sigmoid at most 2 where e^-x is finite in
 * float32 (below x = -88.72 it is 0, as PyTorch's float kernel `1 / (1 + exp(-x))` gives); the
 * suite asserts the same bounds on a sample. PyTorch's own CPU kernels (SLEEF) are within
 * 1–3.5 ulp; float64 keeps `Math.exp`/`Math.tanh`.
 */
const r = Math.fround;

// The constants as float32 values (the .wat spells the same bits in hex).
const LOG2E = 1.4426950216293335;
const C1 = 0.693359375; // ln 2's leading 9 bits: n·C1 is exact for |n| <= 2^15
const C2 = -0.00021219444170128554; // ln 2 − C1, rounded
const P0 = 0.00019875691214110702, P1 = 0.001398199936375022, P2 = 0.008333452045917511;
const P3 = 0.04166579619050026, P4 = 0.1666666567325592, P5 = 0.5;
const T0 = -0.0057049887254834175, T1 = 0.0206390880048275, T2 = -0.05373971536755562;
const T3 = 0.13331441581249237, T4 = -0.3333328068256378;
/** 2^(i − 128): the scales of expf's result (a table: `2 ** k` is a call to Math.pow). */
const POW2 = Float64Array.from({ length: 256 }, (_, i) => 2 ** (i - 128));
const ROUND = 12582912; // 1.5·2^23: float32 x + ROUND − ROUND is x rounded to an integer, ties to even (|x| < 2^22)

/**
 * @internal e^x of a float32 `x`, as a float32. Beyond [-104, 89] the result is 0 or +inf; NaN gives NaN.
 */
export function expf(x: number): number {
  const c = x > 89 ? 89 : x < -104 ? -104 : x; // NaN falls through both tests
  const n = r(r(r(c * LOG2E) + ROUND) - ROUND);
  let t = r(c - r(n * C1));
  t = r(t - r(n * C2));
  let y = r(r(P0 * t) + P1);
  y = r(r(y * t) + P2);
  y = r(r(y * t) + P3);
  y = r(r(y * t) + P4);
  y = r(r(y * t) + P5);
  y = r(r(r(y * r(t * t)) + t) + 1);
  // 2^n in two halves (each a normal float32), so a subnormal result rounds once
  const k = n | 0, k1 = k >> 1;
  return r(r(y * POW2[k1 + 128]!) * POW2[k - k1 + 128]!);
}

// Cephes' logf: x = m·2^e with m in [√½, √2), log x = (m − 1) − (m − 1)²/2 + (m − 1)³·L(m − 1)
// + e·ln 2, ln 2 as Q1 + Q2 (Q1 has 9 significant bits: e·Q1 is exact).
const SQRTHF = r(Math.SQRT1_2);
// Cephes' coefficients as written there, rounded to float32 (the .wat spells the same bits)
const L0 = r(7.0376836292e-2), L1 = r(-1.1514610310e-1), L2 = r(1.1676998740e-1), L3 = r(-1.2420140846e-1);
const L4 = r(1.4249322787e-1), L5 = r(-1.6668057665e-1), L6 = r(2.0000714765e-1), L7 = r(-2.4999993993e-1);
const L8 = r(3.3333331174e-1);
const Q1 = C1, Q2 = C2;
/** A float32's bits, through one shared word. */
const F32 = new Float32Array(1), I32 = new Int32Array(F32.buffer);

/**
 * @internal log x of a float32 `x`, as a float32 (the module's op 7): NaN below 0 (and for
 * NaN), -inf at ±0, +inf at +inf; subnormals scaled by 2^23 first.
 */
export function logf(x: number): number {
  if (!(x >= 0)) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  const sub = x < 1.1754943508222875e-38; // below the smallest normal float32
  F32[0] = sub ? x * 8388608 : x;
  const bits = I32[0]!;
  let e = ((bits >> 23) & 0xff) - 126 - (sub ? 23 : 0);
  I32[0] = (bits & 0x807fffff) | 0x3f000000; // the mantissa as a float in [0.5, 1)
  const m = F32[0]!;
  let t: number;
  if (m < SQRTHF) {
    e -= 1;
    t = r(r(m + m) - 1);
  } else t = r(m - 1);
  const z = r(t * t);
  let y = r(r(L0 * t) + L1);
  y = r(r(y * t) + L2);
  y = r(r(y * t) + L3);
  y = r(r(y * t) + L4);
  y = r(r(y * t) + L5);
  y = r(r(y * t) + L6);
  y = r(r(y * t) + L7);
  y = r(r(y * t) + L8);
  y = r(r(y * t) * z);
  y = r(y + r(Q2 * e));
  y = r(y + r(-0.5 * z));
  return r(r(t + y) + r(Q1 * e));
}

/**
 * @internal `1 / (1 + e^-x)` of a float32 `x`, as a float32 (the module's op 1).
 */
export function sigmoidf(x: number): number {
  return r(1 / r(1 + expf(-x)));
}

/**
 * @internal tanh of a float32 `x`, as a float32: `x` where `|x| < 2^-12` (float32 rounds tanh x to x; keeps
 * -0), Cephes' odd polynomial up to `|x| = 0.625` (and for NaN), else `sign(x)·(1 − 2/(e^(2|x|) + 1))`.
 */
export function tanhf(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -12) return x;
  if (a > 0.625) {
    const t = r(1 - r(2 / r(expf(r(a + a)) + 1)));
    return x < 0 ? -t : t;
  }
  const z = r(x * x);
  let p = r(r(T0 * z) + T1);
  p = r(r(p * z) + T2);
  p = r(r(p * z) + T3);
  p = r(r(p * z) + T4);
  return r(r(r(p * z) * x) + x);
}

// ---- GELU (exact form) in float32: the erf PyTorch's GELU kernels use --------------------------
//
// PyTorch's float32 GELU does not call a precise erf: 1.13 runs oneDNN's `gelu_erf`, 2.x ATen's
// `Vectorized<float>::erf`, and both are Abramowitz & Stegun 7.1.26 with fused multiply-adds,
// `erf(a) = sign(a)·(1 − t·r(t)·e^(−a²))`, `t = 1/(1 + p·|a|)` (absolute error under 1.5e-7). The
// same here, each fma as `fround(a·b + c)` (the product is exact in double, so the fma's one
// rounding, but for a rare double rounding), e^x from `expf`; the module's `$erf4` runs the same
// steps in f32x4 lanes (its fma in f64x2 lanes), so both kernel sets give the same bits. Against
// PyTorch 1.13 (test/gelu-exact.test.ts, 6,000 normal samples): 79% of the outputs are PyTorch's
// float32 bits (a correctly rounded GELU: 27%), the rest an ulp or so apart, from oneDNN's own exp.
const GELU_ALPHA = r(Math.SQRT1_2);
/** ATen's kBeta, (2/√π)·√½·0.5 = 1/√(2π), as float32. */
const GELU_PDF = r(1.1283791670955126 * Math.SQRT1_2 * 0.5);
const AS_P = r(0.3275911);
const AS_A1 = r(0.254829592), AS_A2 = r(-0.284496736), AS_A3 = r(1.421413741), AS_A4 = r(-1.453152027), AS_A5 = r(1.061405429);

/** @internal erf of a float32 `a` by Abramowitz & Stegun 7.1.26 with fused multiply-adds, as PyTorch's GELU kernels. */
export function erfGeluf(a: number): number {
  const ax = Math.abs(a);
  const t = r(1 / r(AS_P * ax + 1));
  let p = r(AS_A5 * t + AS_A4);
  p = r(p * t + AS_A3);
  p = r(p * t + AS_A2);
  p = r(p * t + AS_A1);
  const e = r(-expf(-r(ax * ax)) * t);
  const v = r(e * p + 1);
  return a < 0 || (a === 0 && 1 / a < 0) ? -v : v; // the sign of a, -0's included
}

/** @internal GELU of a float32 `x`: `(x·0.5)·(1 + erf(x·√½))`, PyTorch's order. */
export function geluf(x: number): number {
  return r(r(x * 0.5) * r(1 + erfGeluf(r(x * GELU_ALPHA))));
}

/** @internal d GELU/dx of a float32 `x` times `dy`: `dy·(cdf + x·pdf)`, `cdf = 0.5·(1 + erf(x·√½))`, `pdf = β·e^(−x²/2)` (ATen's backward). */
export function geluBackwardf(x: number, dy: number): number {
  const cdf = r(0.5 * r(1 + erfGeluf(r(x * GELU_ALPHA))));
  const pdf = r(GELU_PDF * expf(r(r(x * x) * -0.5)));
  return r(dy * r(cdf + r(x * pdf)));
}

/** @internal tanh-approximate GELU's β = √(2/π) in double: ATen's kBeta, M_SQRT2 · M_2_SQRTPI · 0.5. */
export const GELU_TANH_BETA_F64 = Math.SQRT2 * 1.1283791670955126 * 0.5;
/** @internal tanh-approximate GELU's κ in double. */
export const GELU_TANH_KAPPA_F64 = 0.044715;
const GELU_TANH_BETA = r(GELU_TANH_BETA_F64);
const GELU_TANH_KAPPA = r(GELU_TANH_KAPPA_F64);
const GELU_TANH_KAPPA3 = r(3 * GELU_TANH_KAPPA);

/** β·(x + κ·x³) of a float32 `x`, tanh-approximate GELU's inner value. */
const geluTanhInner = (x: number): number => r(GELU_TANH_BETA * r(x + r(GELU_TANH_KAPPA * r(r(x * x) * x))));

/** @internal tanh-approximate GELU of a float32 `x`: `(0.5·x)·(1 + tanh(β·(x + κ·x³)))`, PyTorch's kernel's steps. */
export function geluTanhf(x: number): number {
  return r(r(0.5 * x) * r(1 + tanhf(geluTanhInner(x))));
}

/**
 * @internal tanh-approximate GELU's derivative times `dy` (ATen's steps):
 * `dy·(0.5·(1 + t) + (0.5·x)·(1 − t²)·β·(1 + 3κ·x²))`, `t` = tanh of the inner value.
 */
export function geluTanhBackwardf(x: number, dy: number): number {
  const t = tanhf(geluTanhInner(x));
  const left = r(0.5 * x), ld = r(0.5 * r(1 + t)), td = r(1 - r(t * t));
  const inner = r(GELU_TANH_BETA * r(1 + r(GELU_TANH_KAPPA3 * r(x * x))));
  return r(dy * r(ld + r(r(left * td) * inner)));
}

/** @internal SiLU of a float32 `x`: `x / (1 + e^-x)`, PyTorch's kernel's steps. */
export function siluf(x: number): number {
  return r(x / r(1 + expf(-x)));
}

/** @internal SiLU's derivative times `dy`: `(dy·s)·(1 + x·(1 − s))`, `s` the sigmoid, PyTorch's backward's steps. */
export function siluBackwardf(x: number, dy: number): number {
  const s = sigmoidf(x);
  return r(r(dy * s) * r(1 + r(x * r(1 - s))));
}
