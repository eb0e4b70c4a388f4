/**
 * The typed element loops at their edges (PyTorch's values for the ops are replayed in
 * dtype-fixtures.test.ts): every float16 and bfloat16 bit pattern survives the trip through a
 * number, and the casts C++ leaves undefined (NaN, infinities and out-of-range floats to an
 * integer) give what x86-64 gives, as PyTorch 1.13 on x86-64 does.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { bfloat16ToNumber, halfToNumber, numberToBfloat16, numberToHalf } from '../src/ops/typed.js';

describe('float16 and bfloat16 bits through a number', () => {
  it.each([
    ['float16', halfToNumber, numberToHalf, (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0],
    ['bfloat16', bfloat16ToNumber, numberToBfloat16, (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0],
  ] as const)('%s: every pattern but NaN comes back bit for bit; a NaN stays a NaN', (_, toNumber, fromNumber, isNaNBits) => {
    const bad: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = toNumber(h);
      if (isNaNBits(h)) {
        if (!Number.isNaN(v) || !isNaNBits(fromNumber(v))) bad.push(h);
      } else if (fromNumber(v) !== h || Number.isNaN(v)) bad.push(h);
    }
    expect(bad).toEqual([]);
  });
});

describe('casts C++ leaves undefined give x86-64\'s values (PyTorch 1.13 on x86-64 gives the same)', () => {
  const special = [Number.NaN, Infinity, -Infinity, 1e19, -1e19, 9.3e18];
  it.each([
    ['int64', special, Array(6).fill(-(2n ** 63n))],
    ['int32', special, Array(6).fill(-(2 ** 31))],
    ['int32', [3e9, -3e9, 1e10], [-(2 ** 31), -(2 ** 31), -(2 ** 31)]],
    ['int16', [3e9, -3e9, 1e10], [0, 0, 0]],
    ['uint8', [3e9, -3e9, 1e10], [0, 0, 0]],
  ] as const)('float64 to %s: %j', (to, values, want) => {
    const x = T.tensor(Float64Array.from(values), { dtype: T.float64 }).to(to);
    if (to === 'int64') expect(Array.from(x.toBigInt64Array())).toEqual(want);
    else expect(x.toArray()).toEqual(want);
  });
});
