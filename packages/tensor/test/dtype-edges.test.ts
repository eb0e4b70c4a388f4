/**
 * The dtype objects and the dtype functions at their edges: each dtype's properties and
 * PyTorch's aliases (from scripts/fixtures/dtype_fixtures.py, PyTorch 1.13), a JavaScript bigint
 * as a Python int in `resultType`, the dtype of a typed array, and the errors, from a table.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { dtypeOfArray, numberDType } from '../src/dtype.js';

interface Fixture {
  result_type: [string, string, T.DTypeName | { error: string }][];
  /** [name, str(dtype), C++ type name, element_size, is_floating_point, is_signed] */
  dtype_info: [T.DTypeName, string, string, number, boolean, boolean][];
  aliases: [T.DTypeAlias, T.DTypeName][];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/dtypes.json', import.meta.url), 'utf8')) as Fixture;

describe('each dtype object has PyTorch\'s properties', () => {
  it.each(fixture.dtype_info)('%s', (name, str, cName, itemsize, floating, signed) => {
    const d = T.toDType(name);
    expect(d.name).toBe(name);
    expect(String(d)).toBe(str);
    expect(inspect(d)).toBe(str);
    expect(inspect({ dtype: d })).toBe(`{ dtype: ${str} }`);
    expect(d.cName).toBe(cName);
    expect(d.itemsize).toBe(itemsize);
    expect(d.isFloatingPoint).toBe(floating);
    expect(T.isFloatingPoint(d)).toBe(floating);
    expect(T.isFloatingPoint(name)).toBe(floating);
    expect(d.isSigned).toBe(signed);
    expect(T.toDType(str)).toBe(d);
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('lists every dtype once, in PyTorch\'s ScalarType order', () => {
    expect(T.dtypes.map((d) => d.name)).toEqual(fixture.dtype_info.map((r) => r[0]));
  });

  it.each(fixture.aliases)('the alias %s names %s', (alias, name) => {
    expect(T.toDType(alias)).toBe(T.toDType(name));
    expect(T.toDType(`torch.${alias}`)).toBe(T.toDType(name));
    expect(T.tensor([1], { dtype: alias }).dtype.name).toBe(name);
  });
});

describe('a JavaScript bigint is a Python int', () => {
  // The fixture has no bigint kind: a bigint must give what the Python int 2 gives.
  const kind = (k: string): T.Tensor => {
    const [dim, dtype] = k.split(':') as ['t' | 'z', T.DTypeName];
    return T.zeros(dim === 't' ? [2] : [], { dtype });
  };
  const rows = fixture.result_type.filter(([a, b]) => b === 'int' && a.includes(':'));
  it.each(rows)('resultType(%s, 2n) is resultType(%s, 2)', (a, _, want) => {
    expect(typeof want).toBe('string');
    expect(T.resultType(kind(a), 2n).name).toBe(want);
    expect(T.resultType(2n, kind(a)).name).toBe(want);
  });
  it('on its own, as an int, a float and a bool do', () => {
    expect(numberDType(2n)).toBe(T.int64);
    expect(numberDType(2)).toBe(T.int64);
    expect(numberDType(2.5)).toBe(T.float32);
    expect(numberDType(true)).toBe(T.bool);
    expect(T.resultType(2n)).toBe(T.int64);
    expect(T.resultType(true, 2n)).toBe(T.int64);
  });
});

describe('the dtype of a typed array given without one', () => {
  it.each([
    [new Float32Array(1), T.float32],
    [new Float64Array(1), T.float64],
    [new BigInt64Array(1), T.int64],
    [new Int32Array(1), T.int32],
    [new Int16Array(1), T.int16],
    [new Int8Array(1), T.int8],
    [new Uint8Array(1), T.uint8],
  ] as const)('%o is %s', (a, want) => {
    expect(dtypeOfArray(a)).toBe(want);
  });
});

const KEYS = 'uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16, float, double, half, long, int, short';

describe('errors name the function and the value', () => {
  it.each([
    ['an unknown name', () => T.toDType('float65'), `dtype: dtype must be one of ${KEYS} (or the exported dtype objects), got 'float65'`],
    ['a number', () => T.toDType(5), `dtype: dtype must be one of ${KEYS} (or the exported dtype objects), got 5`],
    ['undefined', () => T.toDType(undefined, 'f'), `f: dtype must be one of ${KEYS} (or the exported dtype objects), got undefined`],
    ['isFloatingPoint of a bad name', () => T.isFloatingPoint('x' as never), `isFloatingPoint: dtype must be one of ${KEYS} (or the exported dtype objects), got 'x'`],
    ['promoteTypes, first argument', () => T.promoteTypes('x' as never, T.int64), `promoteTypes: dtype must be one of ${KEYS} (or the exported dtype objects), got 'x'`],
    ['promoteTypes, second argument', () => T.promoteTypes(T.int64, 'y' as never), `promoteTypes: dtype must be one of ${KEYS} (or the exported dtype objects), got 'y'`],
    ['a Uint16Array without a dtype', () => dtypeOfArray(new Uint16Array(1)), 'Storage: a Uint16Array holds float16 or bfloat16 bits: give the dtype'],
    ['resultType of nothing', () => T.resultType(), 'resultType: needs at least one operand'],
    ['resultType of null', () => T.resultType(null as never), 'resultType: operands must be tensors or numbers, got null'],
    ['resultType of a string', () => T.resultType(T.tensor([1]), '2' as never), 'resultType: operands must be tensors or numbers, got 2'],
    ['resultType of undefined', () => T.resultType(undefined as never), 'resultType: operands must be tensors or numbers, got undefined'],
  ] as const)('%s', (_, call, message) => {
    expect(call).toThrow(new TypeError(message));
  });
});
