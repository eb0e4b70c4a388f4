/**
 * Values as the activation fixtures (scripts/fixtures/*_fixtures.py) write them: numbers, with
 * the specials as strings JSON cannot hold.
 */
export type Enc = number | 'nan' | 'inf' | '-inf' | '-0';

/** The number an encoded value stands for. */
export const dec = (v: Enc): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);

/** Bit-identical, or both NaN (NaN payloads are not portable). */
export const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** One ulp of `v` in float32 (`f32`) or float64, subnormals included. */
export const ulp = (v: number, f32 = true): number => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 2 ** -1074)), f32 ? -126 : -1022) - (f32 ? 23 : 52));
