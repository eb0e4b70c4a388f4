/**
 * `functional.powf` is glibc's float32 pow, which ATen's CPU kernel calls for `beta ** step`
 * with `step` a 0-d float32 tensor (PyTorch 2.13's capturable bias corrections). powf.json
 * holds PyTorch's values (scripts/fixtures/optim_capturable.py); every one must match bit for bit,
 * and the correctly rounded power must not (else this test would not pin anything).
 */
import { describe, expect, it } from 'vitest';
import { functional } from '@tensile/optim';
import { expectBits, loadFixture } from './helpers.js';

type Row = { base: number; exponents: number[]; values: number[] } | { bases: number[]; exponents: number[]; values: number[] };

describe('powf: glibc float32 pow as PyTorch computes beta ** step_tensor', () => {
  const { rows } = loadFixture<{ rows: Row[] }>('powf.json');
  it.each(rows.map((r, i) => [i, 'base' in r ? String(r.base) : 'random bases', r] as const))('row %i (%s): bit for bit', (_i, _label, r) => {
    const got = r.exponents.map((e, k) => functional.powf('base' in r ? r.base : r.bases[k]!, e));
    expectBits(got, r.values, 'powf');
  });

  it('differs from the correctly rounded power where glibc does (0.99 ** 349)', () => {
    const row = rows.find((r) => 'base' in r && r.base === 0.99)!;
    const differs = row.exponents.filter((e, k) => Math.fround(Math.pow(Math.fround(0.99), e)) !== row.values[k]).length;
    expect(differs).toBeGreaterThan(0);
  });

  it('edge cases: y = 0, x = 1, x = 0, underflow', () => {
    expect(functional.powf(0.5, 0)).toBe(1);
    expect(functional.powf(1, 123.5)).toBe(1);
    expect(functional.powf(0, 3)).toBe(0);
    expect(functional.powf(0.5, 200)).toBe(0);
    expect(functional.powf(0.5, 140)).toBe(Math.fround(2 ** -140));
  });

  // glibc's own powf on each (x, y), read with Python's ctypes from libm.so.6 (issue 27, round
  // three: the special cases, the subnormal bases and the overflow check were not reached).
  const f32 = Math.fround;
  it.each([
    [1, Infinity, 1], [1, -Infinity, 1], [1, NaN, 1], // C99: pow(1, y) = 1 for every y (JavaScript's Math.pow gives NaN)
    [0, 3, 0], [0, -1, Infinity], [0, 0.5, 0], [Infinity, 2, Infinity], [Infinity, -2, 0],
    [2, Infinity, Infinity], [0.5, Infinity, 0], [2, 200, Infinity], [2, -200, 0], [0.5, 300, 0],
    [f32(1e-40), 0.5, 9.999973025467516e-21], [f32(1e-40), 0.25, 9.999986255726512e-11], [f32(3e-39), 0.7, 1.0813976267112805e-27],
    [f32(1e-45), 0.1, 3.2707925129216164e-5], [2, 127.99, 3.379313719765504e38], [2, 5000, Infinity], [0.5, -5000, Infinity], [2, -5000, 0],
    // bases from 2^105 up, which the subnormal branch's x · 2^23 would overflow (session 12: float32.ts's `ix < 0x00800000` forced true)
    // y · log2 x far beyond the overflow bound, where the exp2 step's shift constant no longer rounds to an integer (float32.ts 127:9's return dropped)
    [2, f32(1e30), Infinity], [0.5, f32(-1e30), Infinity], [f32(1e38), 1e10, Infinity], [2, f32(3e38), Infinity], [1.5, f32(1e20), Infinity],
    [2 ** 110, 0.5, 3.602879701896397e16], [f32(1e38), f32(0.3), 251188903936], [f32(3e38), f32(-0.7), 1.1641678364487246e-27], [f32(1.5 * 2 ** 105), 0.25, 88320232],
  ])('powf(%d, %d) = %d, as glibc', (x, y, want) => {
    expect(functional.powf(x, y)).toBe(want);
  });
});
