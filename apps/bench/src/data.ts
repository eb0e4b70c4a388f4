/**
 * The inputs every library gets: the same seeded numbers, generated here once as
 * Float32Arrays and loaded into each library, so first-step losses and checksums can be
 * compared across libraries (no one is timed doing less work).
 */

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` normal samples times `scale` (Box–Muller). */
export function normal(n: number, seed: number, scale = 1): Float32Array {
  const u = uniform(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u())), th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th) * scale;
    if (i + 1 < n) out[i + 1] = r * Math.sin(th) * scale;
  }
  return out;
}

export function labels(n: number, classes: number, seed: number): Int32Array {
  const u = uniform(seed);
  return Int32Array.from({ length: n }, () => Math.floor(u() * classes));
}

export const B = 64, I = 784, H = 256, O = 10;
export const LR = 0.01;

/** A 784-256-10 MLP (weights [out, in], as PyTorch) and one batch of 64. */
export function mlpData() {
  return {
    x: normal(B * I, 1), y: labels(B, O, 2),
    W1: normal(H * I, 3, 1 / Math.sqrt(I)), b1: normal(H, 4, 0.01),
    W2: normal(O * H, 5, 1 / Math.sqrt(H)), b2: normal(O, 6, 0.01),
  };
}

/**
 * A small CNN on 1×28×28 inputs: conv 5×5 (1→6), relu, max-pool 2, conv 5×5 (6→16), relu,
 * max-pool 2, flatten (16·4·4 = 256), linear to 10. Weights in PyTorch's layouts (OIHW, [out, in]).
 */
export function cnnData() {
  return {
    x: normal(B * 28 * 28, 11), y: labels(B, O, 12),
    c1: normal(6 * 1 * 25, 13, 1 / 5), c1b: normal(6, 14, 0.01),
    c2: normal(16 * 6 * 25, 15, 1 / Math.sqrt(150)), c2b: normal(16, 16, 0.01),
    fc: normal(O * 256, 17, 1 / 16), fcb: normal(O, 18, 0.01),
  };
}

/** The ASGD-style update every library performs: p ← p·(1 − λη) − η·g; ax ← ax + μ·(p − ax). */
export const ASGD_ETA = 0.01, ASGD_LAMBD = 1e-4, ASGD_MU = 0.5;

/** 10 tensors totalling `total` parameters (sizes as the optimizer benchmark uses). */
export function asgdSizes(total: number): number[] {
  return Array.from({ length: 10 }, (_, i) => Math.floor(total / 10) + (i === 0 ? total % 10 : 0));
}

/** Sum of a result, in double: the matmul checksum every library must agree on. */
export function checksum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/**
 * Sum of absolute values, in double: the check of results whose plain sum cancels to near zero
 * (tanh of symmetric inputs, normalised outputs, an optimizer's signed steps), where a relative
 * comparison of the plain sum would compare rounding noise.
 */
export function absSum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]!);
  return s;
}
