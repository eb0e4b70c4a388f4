/**
 * Scalar arguments converted to a tensor's dtype, checked as PyTorch checks them (c10's
 * `overflows`: "value cannot be converted to type int16_t without overflow"), against PyTorch
 * 1.13 (scripts/fixtures/scalar_overflow_fixtures.py): for every dtype, values at and just past
 * its range, fractions, ±inf and NaN, as `alpha` of add/sub, the value of full, fill_,
 * maskedFill, addcmul_, addcdiv_, lerp_'s weight, clamp's bounds, where's number operand, pow's
 * exponent and tensor()'s elements. Refused where PyTorch refuses, with the function, the
 * argument and the value in the message; otherwise PyTorch's result, wrapped values included
 * (uint8 takes -1 as 255). Cases PyTorch 1.13 has no kernel for (float16 clamp, addcmul_,
 * addcdiv_, lerp_) are skipped.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import fixture from './fixtures/scalar-overflow.json';

type Enc = number | boolean | 'nan' | 'inf' | '-inf' | { bigint: string };
interface Case { op: string; dtype: string; value: Enc; ok?: Enc[]; result?: string; error?: string; ambiguous?: boolean }

const dec = (v: Enc): number | boolean =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : typeof v === 'object' ? Number(BigInt(v.bigint)) : v;

function call(op: string, dtype: T.DTypeName, v: number, exact?: bigint): T.Tensor {
  const ones = (): T.Tensor => T.ones([2], { dtype });
  const mask = T.tensor([true, false]);
  switch (op) {
    case 'add.alpha': return T.add(ones(), ones(), v);
    case 'sub.alpha': return T.sub(ones(), ones(), v);
    case 'clamp.min': return T.clamp(ones(), v, null);
    case 'clamp.max': return T.clamp(ones(), null, v);
    case 'full': return T.full([2], v, { dtype });
    case 'fill_': return ones().fill_(v);
    case 'maskedFill': return T.maskedFill(ones(), mask, v);
    case 'where.other': return T.where(mask, ones(), v);
    case 'where.input': return T.where(mask, v, ones());
    case 'addcmul_': return ones().addcmul_(ones(), ones(), v);
    case 'addcdiv_': return ones().addcdiv_(ones(), ones(), v);
    case 'lerp_': return ones().lerp_(ones(), v);
    case 'pow': return T.pow(ones(), v);
    case 'tensor': return T.tensor([[1, exact ?? v]], { dtype });
    default: throw new Error(`no case for ${op}`);
  }
}

/** Our function's name in the message (PyTorch's for the op, camelCase). */
const fnName = (op: string): string => op.split('.')[0]!;

// Integers past 2^53 reach only tensor() exactly (as a bigint); the other functions take a number, which cannot hold them.
const inexact = (c: Case): boolean => typeof c.value === 'object' && c.op !== 'tensor';
// A float of 2^63 or more is a float to PyTorch (a float bound makes clamp's result float32) but an integer to
// JavaScript, which has one number type: such cases test Python's types, not ours.
const cases = (fixture.cases as unknown as Case[]).filter((c) => !c.error?.includes('not implemented') && !inexact(c) && !c.ambiguous);
/** float16 and bfloat16 are storage types here: their arithmetic says "not implemented" (convert with .float()). */
const halfLimit = (dtype: string, msg: string): boolean => (dtype === 'float16' || dtype === 'bfloat16') && /not implemented for '(Half|BFloat16)'/.test(msg);

describe('scalar arguments that do not fit the dtype: refused as PyTorch refuses them', () => {
  it('the fixture covers refusals and results for every dtype', () => {
    for (const d of T.dtypes) {
      expect(cases.some((c) => c.dtype === d.name && c.error?.includes('without overflow'))).toBe(d.name !== 'bool' && d.name !== 'float64');
      expect(cases.some((c) => c.dtype === d.name && c.ok)).toBe(true);
    }
  });
  for (const dtype of T.dtypes.map((d) => d.name)) {
    it(`${dtype}: ${cases.filter((c) => c.dtype === dtype).length} cases`, () => {
      const failures: string[] = [];
      for (const c of cases.filter((k) => k.dtype === dtype)) try {
        const v = Number(dec(c.value)), exact = typeof c.value === 'object' ? BigInt(c.value.bigint) : undefined;
        const what = `${c.op}(${dtype}, ${String(v)})`;
        if (c.error) {
          let err: unknown;
          try { call(c.op, dtype, v, exact); } catch (e) { err = e; }
          expect(err, `${what} should throw: ${c.error}`).toBeInstanceOf(Error);
          const msg = (err as Error).message;
          if (c.error.includes('overflow') || c.error.includes('Overflow')) {
            expect(err, what).toBeInstanceOf(RangeError);
            expect(msg, what).toMatch(new RegExp(`^${fnName(c.op)}: value cannot be converted to type \\S+ without overflow \\(\\S+ = ${String(exact ?? v).replace(/[+.]/g, '\\$&')}\\)$`));
            // PyTorch's own words where it names the C++ type.
            if (c.error.startsWith('value cannot be converted')) expect(msg, what).toContain(c.error);
          } else expect(msg, what).toContain(c.error);
        } else {
          let r: T.Tensor;
          try { r = call(c.op, dtype, v, exact); } catch (e) {
            if (halfLimit(dtype, (e as Error).message)) continue;
            throw new Error(`${what} threw ${(e as Error).message}; PyTorch gives ${JSON.stringify(c.ok)}`);
          }
          const values = r.dtype === T.float16 || r.dtype === T.bfloat16 ? r.float() : r;
          const got = Array.from(values.toTypedArray() as ArrayLike<number | bigint>, (x) => (r.dtype === T.bool ? Boolean(x) : typeof x === 'bigint' ? x : Number(x)));
          expect(got, what).toEqual(c.ok!.map((o) => (typeof o === 'object' || (r.dtype === T.int64 && typeof o === 'number') ? BigInt(typeof o === 'object' ? o.bigint : o) : dec(o))));
          expect(r.dtype.name, what).toBe(c.result);
        }
      } catch (e) { failures.push((e as Error).message.split('\n')[0]!); }
      expect(failures).toEqual([]);
    });
  }
});

describe('what the check does not change', () => {
  it('binary ops wrap a number operand unchecked, as PyTorch does', () => {
    expect(T.add(T.ones([1], { dtype: 'int16' }), 40000).toArray()).toEqual([-25535]);
    expect(T.mul(T.ones([1], { dtype: 'int16' }), 40000).toArray()).toEqual([-25536]);
  });
  it('a typed array is converted unchecked (as PyTorch converts a NumPy array)', () => {
    expect(T.tensor(new Int32Array([40000]), { dtype: 'int16' }).toArray()).toEqual([-25536]);
  });
  it('a float dtype takes a number past its range in tensor() as ±Infinity', () => {
    expect(T.tensor([1e300, -1e300]).toArray()).toEqual([Infinity, -Infinity]);
  });
  it('a refused fill_ leaves the tensor as it was', () => {
    const t = T.tensor([1, 2], { dtype: 'int8' });
    expect(() => t.fill_(128)).toThrow(RangeError);
    expect(t.toArray()).toEqual([1, 2]);
    expect(() => t.maskedFill_(T.tensor([true, true]), -129)).toThrow(/maskedFill_: value cannot be converted to type int8_t without overflow \(value = -129\)/);
    expect(t.toArray()).toEqual([1, 2]);
  });
  it('tensor() names the element that does not fit', () => {
    expect(() => T.tensor([[1, 2], [3, 300]], { dtype: 'uint8' })).toThrow('tensor: value cannot be converted to type uint8 without overflow (data[1][1] = 300)');
    expect(() => T.tensor(2n ** 63n)).toThrow('tensor: value cannot be converted to type int64 without overflow (data = 9223372036854775808)');
    expect(() => T.tensor([2n ** 64n, 1n])).toThrow(/data\[0\] = 18446744073709551616/);
  });
});
