/**
 * Array assertions that fail fast with a short message. `expect(a).toEqual(b)` on two large
 * arrays makes vitest diff them element by element when they differ (263 s for two 100k-element
 * arrays); these compare in one pass and report the length, how many elements differ, and the
 * first difference with both values.
 *
 * Use them wherever a test compares more than a handful of numbers. They throw a plain Error (no
 * vitest import), so the browser self-test can bundle the test files that use them.
 */

type Numbers = ArrayLike<number>;

const f32Bits = (a: Numbers): Uint32Array => {
  const f = a instanceof Float32Array ? a : Float32Array.from(a as ArrayLike<number>);
  return new Uint32Array(f.buffer, f.byteOffset, f.length);
};
const hex = (b: number): string => `0x${b.toString(16).padStart(8, '0')}`;
/** A number as a message shows it: -0 as "-0" (String(-0) is "0"). */
const show = (v: number | undefined): string => (Object.is(v, -0) ? '-0' : String(v));

/** The index of the first element where `same` is false, and how many such elements there are. */
function differences(n: number, same: (i: number) => boolean): { first: number; count: number } {
  let first = -1, count = 0;
  for (let i = 0; i < n; i++) {
    if (!same(i)) {
      if (first < 0) first = i;
      count++;
    }
  }
  return { first, count };
}

function sameLength(actual: Numbers, expected: Numbers, label: string): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
}

/**
 * Exact element-wise equality with `toEqual`'s rule for numbers (`Object.is`: NaN equals NaN,
 * -0 differs from +0), for plain arrays and typed arrays alike.
 */
export function expectArraysEqual(actual: Numbers, expected: Numbers, label = 'array'): void {
  sameLength(actual, expected, label);
  const { first, count } = differences(actual.length, (i) => Object.is(actual[i], expected[i]));
  if (count > 0) {
    throw new Error(`${label}: ${count} of ${actual.length} elements differ; first at index ${first}: got ${show(actual[first])}, expected ${show(expected[first])}`);
  }
}

/**
 * Bit-for-bit equality of float32 data (NaN payloads and the sign of zero included). Plain
 * number arrays are rounded to float32 first, so pass them only when they hold float32 values.
 */
export function expectBitsEqual(actual: Numbers, expected: Numbers, label = 'array'): void {
  sameLength(actual, expected, label);
  const a = f32Bits(actual), e = f32Bits(expected);
  const { first, count } = differences(a.length, (i) => a[i] === e[i]);
  if (count > 0) {
    throw new Error(
      `${label}: ${count} of ${a.length} elements differ in their float32 bits; first at index ${first}: ` +
        `got ${show(actual[first])} (${hex(a[first]!)}), expected ${show(expected[first])} (${hex(e[first]!)})`,
    );
  }
}

/** Passes when the arrays differ somewhere (length or an element, by `Object.is`). */
export function expectArraysDiffer(actual: Numbers, expected: Numbers, label = 'array'): void {
  if (actual.length !== expected.length) return;
  const { count } = differences(actual.length, (i) => Object.is(actual[i], expected[i]));
  if (count === 0) throw new Error(`${label}: expected the arrays to differ, but all ${actual.length} elements are equal`);
}
