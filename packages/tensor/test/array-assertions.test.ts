import { describe, expect, it } from 'vitest';
import { expectArraysDiffer, expectArraysEqual, expectBitsEqual } from './helpers/arrays.js';

/** The message `fn` fails with ('' when it passes). */
const failure = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe('array assertions (test helpers): exact, and fast with a short message on large arrays', () => {
  it('expectArraysEqual passes on equal arrays and names the count and first difference otherwise', () => {
    expect(failure(() => expectArraysEqual([1, NaN, -0], Float64Array.of(1, NaN, -0)))).toBe('');
    expect(failure(() => expectArraysEqual([1, 2, 3, 4], [1, 5, 3, 6], 'w'))).toBe('w: 2 of 4 elements differ; first at index 1: got 2, expected 5');
    expect(failure(() => expectArraysEqual([0], [-0]))).toBe('array: 1 of 1 elements differ; first at index 0: got 0, expected -0');
    expect(failure(() => expectArraysEqual([1, 2], [1]))).toBe('array: length 2, expected 1');
  });

  it('expectBitsEqual compares float32 bits: -0 differs from 0, NaN payloads count', () => {
    expect(failure(() => expectBitsEqual(Float32Array.of(1.5, -0, Infinity), [1.5, -0, Infinity]))).toBe('');
    expect(failure(() => expectBitsEqual([0], [-0], 'z'))).toBe('z: 1 of 1 elements differ in their float32 bits; first at index 0: got 0 (0x00000000), expected -0 (0x80000000)');
    const nan = new Float32Array(new Uint32Array([0x7fc00001]).buffer);
    expect(failure(() => expectBitsEqual(Float32Array.of(NaN), nan))).toMatch(/first at index 0: got NaN \(0x7fc00000\), expected NaN \(0x7fc00001\)/);
  });

  it('expectArraysDiffer passes only when something differs', () => {
    expect(failure(() => expectArraysDiffer([1, 2], [1, 3]))).toBe('');
    expect(failure(() => expectArraysDiffer([1, 2], [1]))).toBe('');
    expect(failure(() => expectArraysDiffer([1, 2], [1, 2], 'x'))).toBe('x: expected the arrays to differ, but all 2 elements are equal');
  });

  it('two 1M-element arrays that differ everywhere fail in well under a second, with a message of one line', () => {
    const a = new Float32Array(1_000_000).map((_, i) => i), b = a.map((v) => v + 0.5);
    const t0 = performance.now();
    const msg = [failure(() => expectArraysEqual(a, b)), failure(() => expectBitsEqual(a, b))];
    expect(performance.now() - t0).toBeLessThan(1000);
    for (const m of msg) {
      expect(m).toMatch(/1000000 of 1000000 elements differ/);
      expect(m.length).toBeLessThan(200);
    }
  });
});
