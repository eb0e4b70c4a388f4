/**
 * The JS kernel set's SiLU and GELU rows at offsets: `unary(kind, x, xOff, out, outOff, n)` reads
 * x[xOff..xOff+n) and writes exactly out[outOff..outOff+n) (the float64 rows and the float32 ones),
 * giving the values the same row gives on exact-length arrays (which silu.test.ts and
 * gelu-exact.test.ts pin to PyTorch's). The arrays here are longer than the rows on both sides,
 * so a row that ran one element too far would read a real input and overwrite a real output.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../src/kernels/js.js';

const SENTINEL = 7.25;
type Floats = Float32Array | Float64Array;
/** The kernel's signature names Float32Array; the rows also run on Float64Arrays (float64 tensors). */
const unary = (kind: 'silu' | 'gelu', x: Floats, xOff: number, out: Floats, outOff: number, n: number): void =>
  jsKernels.unary(kind, x as Float32Array, xOff, out as Float32Array, outOff, n);
const make = (Arr: typeof Float32Array | typeof Float64Array, length: number, at: (i: number) => number): Floats => {
  const a = new Arr(length);
  for (let i = 0; i < length; i++) a[i] = at(i);
  return a;
};
const values = [-20, -3.5, -1, -0.5, -1e-8, -0, 0, 1e-8, 0.5, 1, 2.75, 9, 30, Infinity, -Infinity, NaN];

describe('the JS silu and gelu rows write exactly their n elements at the offsets', () => {
  for (const kind of ['silu', 'gelu'] as const) for (const Arr of [Float64Array, Float32Array]) {
    it(`${kind}, ${Arr.name}`, () => {
      const n = values.length, xOff = 3, outOff = 2;
      const exact = new Arr(n);
      unary(kind, make(Arr, n, (i) => values[i]!), 0, exact, 0, n);
      // inputs around the row are finite and distinct, so a step past either end would write a value
      const x = make(Arr, xOff + n + 3, (i) => (i >= xOff && i < xOff + n ? values[i - xOff]! : 0.75 + i));
      const out = new Arr(outOff + n + 3).fill(SENTINEL);
      unary(kind, x, xOff, out, outOff, n);
      for (let i = 0; i < outOff; i++) expect(out[i], `out[${i}] (before the row)`).toBe(SENTINEL);
      for (let i = outOff + n; i < out.length; i++) expect(out[i], `out[${i}] (after the row)`).toBe(SENTINEL);
      expect(Array.from(out.subarray(outOff, outOff + n))).toEqual(Array.from(exact));
    });
  }
});
