/**
 * ATen's float32 CPU arithmetic, one definition each, for the optimizers' readable references.
 * Measured against PyTorch's kernels on vectors long enough for both the SIMD body and the
 * scalar tail (scripts: see scripts/fixtures/optim_common.py).
 *
 * NOTE: `Math.fround(a * b + c)` in doubles stands for a fused multiply-add: the product of two
 * float32 values is exact in a double; the sum can round twice only when it lands exactly on a
 * float32 rounding midpoint, which no fixture has hit (the same recipe as ASGD's kernel).
 */
const f32 = Math.fround;

/**
 * `a * b + c`, rounded once to float32 (ATen's `vec::fmadd`; `add(x, alpha=a)`, `addcmul_`).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.fmaf(0.1, 3, 1); // 1.2999999523162842 (float32 of 1.3)
 * ```
 */
export function fmaf(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * `self.lerp_(end, weight)` for one element, as ATen computes it in float32: for |weight| < 0.5
 * `self + weight * (end - self)`, else `end - (end - self) * (1 - weight)`, each a fused
 * multiply-add over the rounded difference. `weight` is already float32.
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.lerpf(0, 10, 0.25); // 2.5 (self + weight·(end − self))
 * functional.lerpf(2, 10, 0.75); // 8 (end − (end − self)·(1 − weight))
 * ```
 */
export function lerpf(self: number, end: number, weight: number): number {
  const d = f32(end - self);
  return Math.abs(weight) < 0.5 ? fmaf(weight, d, self) : fmaf(-d, f32(1 - weight), end);
}

/** A C99 hex float literal (`0x1.8p+52`) as a number, exactly. */
function hexFloat(s: string): number {
  const m = /^(-?)0x([01])(?:\.([0-9a-f]*))?p([+-]?\d+)$/.exec(s)!;
  const frac = m[3] ?? '';
  const mant = Number(BigInt(`0x${m[2]!}${frac}`));
  return (m[1] === '-' ? -1 : 1) * mant * 2 ** (Number(m[4]) - 4 * frac.length);
}

// glibc's powf tables (sysdeps/ieee754/flt-32/e_powf_log2_data.c, e_exp2f_data.c), as written there.
const POWF_LOG2_TAB = [
  ['0x1.661ec79f8f3bep+0', '-0x1.efec65b963019p-2'], ['0x1.571ed4aaf883dp+0', '-0x1.b0b6832d4fca4p-2'],
  ['0x1.49539f0f010bp+0', '-0x1.7418b0a1fb77bp-2'], ['0x1.3c995b0b80385p+0', '-0x1.39de91a6dcf7bp-2'],
  ['0x1.30d190c8864a5p+0', '-0x1.01d9bf3f2b631p-2'], ['0x1.25e227b0b8eap+0', '-0x1.97c1d1b3b7afp-3'],
  ['0x1.1bb4a4a1a343fp+0', '-0x1.2f9e393af3c9fp-3'], ['0x1.12358f08ae5bap+0', '-0x1.960cbbf788d5cp-4'],
  ['0x1.0953f419900a7p+0', '-0x1.a6f9db6475fcep-5'], ['0x1p+0', '0x0p+0'],
  ['0x1.e608cfd9a47acp-1', '0x1.338ca9f24f53dp-4'], ['0x1.ca4b31f026aap-1', '0x1.476a9543891bap-3'],
  ['0x1.b2036576afce6p-1', '0x1.e840b4ac4e4d2p-3'], ['0x1.9c2d163a1aa2dp-1', '0x1.40645f0c6651cp-2'],
  ['0x1.886e6037841edp-1', '0x1.88e9c2c1b9ff8p-2'], ['0x1.767dcf5534862p-1', '0x1.ce0a44eb17bccp-2'],
].map(([invc, logc]) => [hexFloat(invc!), hexFloat(logc!)] as const);
const POWF_LOG2_POLY = ['0x1.27616c9496e0bp-2', '-0x1.71969a075c67ap-2', '0x1.ec70a6ca7baddp-2', '-0x1.7154748bef6c8p-1', '0x1.71547652ab82bp+0'].map(hexFloat) as [number, number, number, number, number];
const EXP2F_TAB = [
  0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n, 0x3fef72b83c7d517bn, 0x3fef54873168b9aan,
  0x3fef387a6e756238n, 0x3fef1e9df51fdee1n, 0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn,
  0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n, 0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n,
  0x3feea11473eb0187n, 0x3feea589994cce13n, 0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
  0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n, 0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn,
  0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
];
const EXP2F_POLY = ['0x1.c6af84b912394p-5', '0x1.ebfce50fac4f3p-3', '0x1.62e42ff0c52d6p-1'].map(hexFloat) as [number, number, number];
const EXP2F_SHIFT = hexFloat('0x1.8p+52') / 32;
const POWF_OVERFLOW = hexFloat('0x1.fffffffd1d571p+6');
const bits = new DataView(new ArrayBuffer(8));

/**
 * `powf(x, y)` for float32 `x >= 0` and `y`, bit for bit as glibc computes it (the
 * ARM optimized-routines algorithm in sysdeps/ieee754/flt-32/e_powf.c: log2 from a 16-entry
 * table and a degree-5 polynomial, exp2 from a 32-entry table, all in double, one rounding to
 * float32 at the end). ATen's CPU `pow` calls it for a Python number raised to a float32
 * tensor (`beta1 ** step` on PyTorch's capturable paths).
 *
 * NOTE: it is not the correctly rounded power: `Math.fround(Math.pow(x, y))` differs from it in
 * about 0.75 % of (beta, step) pairs over steps 1..20000 for beta in {0.9, 0.999, 0.99, 0.95,
 * 0.5, 0.6, 0.8, 0.96} (0.99: 5 %, the first at step 349; 0.999 first at 873; 0.9 at 685),
 * measured against PyTorch's `beta ** step_tensor`. This transcription was checked against
 * glibc's `powf` and PyTorch on the same inputs with no difference (FMA contraction in glibc's
 * FMA build changes none of them).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * functional.powf(Math.fround(0.99), 349); // glibc's float32 result
 * ```
 */
export function powf(x: number, y: number): number {
  x = f32(x);
  y = f32(y);
  if (y === 0 || x === 1) return 1;
  if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(y)) return f32(Math.pow(x, y)); // edge cases: IEEE pow's values
  bits.setFloat32(0, x);
  let ix = bits.getUint32(0);
  if (ix < 0x00800000) {
    // subnormal: normalize, leaving a negative biased exponent
    bits.setFloat32(0, x * 2 ** 23);
    ix = ((bits.getUint32(0) & 0x7fffffff) - (23 << 23)) >>> 0;
  }
  // log2_inline
  const tmp = (ix - 0x3f330000) >>> 0;
  const i = (tmp >>> 19) & 15;
  const top = tmp & 0xff800000; // int32
  bits.setUint32(0, (ix - (top >>> 0)) >>> 0);
  const z = bits.getFloat32(0);
  const k = top >> 23;
  const [invc, logc] = POWF_LOG2_TAB[i]!;
  const A = POWF_LOG2_POLY;
  const r = z * invc - 1;
  const y0 = logc + k;
  const r2 = r * r;
  let p = A[0] * r + A[1];
  const q0 = A[2] * r + A[3];
  const r4 = r2 * r2;
  let q = A[4] * r + y0;
  q = q0 * r2 + q;
  p = p * r4 + q;
  const ylogx = y * p;
  if (Math.abs(ylogx) >= 126) {
    if (ylogx > POWF_OVERFLOW) return Infinity;
    if (ylogx <= -150) return 0;
  }
  // exp2_inline
  let kd = ylogx + EXP2F_SHIFT;
  bits.setFloat64(0, kd);
  const ki = bits.getUint32(4); // the low word: k in two's complement, as ki % N and ki << 47 use it
  kd -= EXP2F_SHIFT;
  const rr = ylogx - kd;
  const t = (EXP2F_TAB[ki & 31]! + (BigInt(ki) << 47n)) & 0xffffffffffffffffn;
  bits.setBigUint64(0, t);
  const s = bits.getFloat64(0);
  const C = EXP2F_POLY;
  const zz = C[0] * rr + C[1];
  let v = C[2] * rr + 1;
  v = zz * (rr * rr) + v;
  return f32(v * s);
}
