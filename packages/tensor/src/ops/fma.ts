/**
 * @internal `a·b + c` rounded once in double (a fused multiply-add): the product's exact error from
 * Dekker's split, the sum's from Knuth's two-sum, added back before the last rounding. (Shared by
 * `cdist` and `lerp`, whose float64 kernels in ATen are fused multiply-adds.)
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  // Dekker's split overflows past 2^996: with a finite product the other factor is small, so
  // moving 2^60 from one to the other is exact and leaves the product as it is.
  if (Math.abs(a) > 2 ** 995) return fma(a * 2 ** -60, b * 2 ** 60, c);
  if (Math.abs(b) > 2 ** 995) return fma(a * 2 ** 60, b * 2 ** -60, c);
  const SPLIT = 134217729; // 2^27 + 1
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c, bb = s - p;
  return s + ((p - (s - bb)) + (c - bb) + e);
}
