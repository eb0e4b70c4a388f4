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
});
