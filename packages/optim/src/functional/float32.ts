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

/** `a * b + c`, rounded once to float32 (ATen's `vec::fmadd`; `add(x, alpha=a)`, `addcmul_`). */
export function fmaf(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * `self.lerp_(end, weight)` for one element, as ATen computes it in float32: for |weight| < 0.5
 * `self + weight * (end - self)`, else `end - (end - self) * (1 - weight)`, each a fused
 * multiply-add over the rounded difference. `weight` is already float32.
 */
export function lerpf(self: number, end: number, weight: number): number {
  const d = f32(end - self);
  return Math.abs(weight) < 0.5 ? fmaf(weight, d, self) : fmaf(-d, f32(1 - weight), end);
}
