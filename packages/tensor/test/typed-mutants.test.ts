/**
 * The typed element loops (src/ops/typed.ts) where the dtype fixtures do not reach, from a
 * Stryker run of the file (MUTATION.md, issue 20): casts at their rounding ties and past their
 * ranges, the loops PyTorch's fixture leaves out (int32 wrapping, float floor division and the
 * fused add/sub with alpha at the bits, integer fmod, pow's specialisations, reductions over a
 * middle dim), and the loops tensile has no public op for yet (the bitwise and logical kinds,
 * prod), called directly. Expected values are PyTorch 1.13's (CPU, x86-64) or follow from IEEE
 * rounding, as each table says.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { DType, type DTypeName, type StorageArray } from '../src/dtype.js';
import { binaryTyped, numberToBfloat16, numberToInt64, numberWriter, reduceTyped, type TypedBinary } from '../src/ops/typed.js';

const f32Bits = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const isBfloat16NaN = (h: number): boolean => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
const bitsOf = (t: T.Tensor): number[] => Array.from(t.toTypedArray() as Uint16Array);

describe('float32 → bfloat16 keeps a NaN a NaN whatever its payload', () => {
  // Rounding the bits of 0x7fffffff to nearest would carry into the sign (0x8000, -0);
  // 0x7fc08001 would round to 0x7fc1.
  const payloads = [0x7fffffff, 0xffffffff, 0x7fc08001, 0x7fc0ffff];
  it.each(payloads)('NaN bits %#x', (bits) => {
    const v = f32Bits(bits);
    expect(Number.isNaN(v)).toBe(true);
    expect(isBfloat16NaN(numberToBfloat16(v))).toBe(true);
  });
  it('through a cast of a float32 tensor', () => {
    const x = T.tensor(new Float32Array(new Uint32Array(payloads).buffer));
    expect(bitsOf(x.to('bfloat16')).map(isBfloat16NaN)).toEqual([true, true, true, true]);
  });
});

describe('numberToInt64: x86-64\'s cvttsd2si (NaN and |v| >= 2^63 give INT64_MIN)', () => {
  const MIN = -(2n ** 63n);
  it.each([
    [Number.NaN, MIN], [Infinity, MIN], [-Infinity, MIN],
    [2 ** 63, MIN], [-(2 ** 63), MIN], [1e19, MIN],
    [2 ** 63 - 1024, 2n ** 63n - 1024n], // the largest double below 2^63
    [-2.5, -2n], [2.9, 2n], [-0, 0n],
  ])('%d → %d', (v, want) => {
    expect(numberToInt64(v)).toBe(want);
  });
});

describe('numberWriter stores numbers as PyTorch casts them (a float64 tensor cast, PyTorch 1.13\'s values)', () => {
  it.each([
    // bfloat16: to nearest even (1 + 2^-8 is a tie, down to 1; 1 + 3·2^-8 up to 1 + 2^-6)
    ['bfloat16', [1.5, -2.25, 1 + 2 ** -8, 1 + 3 * 2 ** -8], [0x3fc0, 0xc010, 0x3f80, 0x3f82]],
    ['float16', [1.5, -2.25, 1 + 2 ** -11, 65520], [0x3e00, 0xc080, 0x3c00, 0x7c00]],
    ['int32', [2.9, -2.9, 2 ** 31, Number.NaN], [2, -2, -(2 ** 31), -(2 ** 31)]],
    ['int16', [2.9, -2.9, 32768, 70000], [2, -2, -32768, 4464]],
    ['uint8', [2.9, 255.5, 256, -1], [2, 255, 0, 255]],
    ['bool', [0, -0, 0.5, Number.NaN], [0, 0, 1, 1]],
  ] as const)('%s', (name, values, want) => {
    const t = T.tensor([...values], { dtype: 'float64' }).to(name);
    expect(Array.from(t.toTypedArray() as Uint16Array)).toEqual(want);
  });
  it('refuses a dtype it has no writer for, by name', () => {
    const complex = new DType('complex64' as DTypeName, 'ComplexFloat', 8, Float64Array, true, true, 'C64');
    expect(() => numberWriter(complex)).toThrow(new TypeError('cast: no writer for complex64'));
  });
});

describe('int64 → floating rounds once, to nearest even (C\'s conversion)', () => {
  const i64 = (values: bigint[]): T.Tensor => T.tensor(BigInt64Array.from(values));
  const g = 2n ** 62n, h = 2n ** 38n; // at 2^62 a float32 ulp is 2^39: 2^38 is half of one
  it('to float32: ties to even, both signs; just past a tie rounds up in magnitude', () => {
    const x = i64([g + h, g + 3n * h, g + h + 1n, -(g + h), -(g + 3n * h), -(g + h + 1n), 2n ** 60n + 2n ** 36n]);
    expect(Array.from(x.to('float32').toFloat32Array())).toEqual([
      2 ** 62, 2 ** 62 + 2 ** 40, 2 ** 62 + 2 ** 39, -(2 ** 62), -(2 ** 62 + 2 ** 40), -(2 ** 62 + 2 ** 39), 2 ** 60,
    ]);
  });
  it('to bfloat16 and float16: through that float32 (bfloat16 holds 2^62; float16 overflows)', () => {
    const x = i64([g + h, -(g + h + 1n)]);
    expect(x.to('bfloat16').toFloat32Array()).toEqual(Float32Array.from([2 ** 62, -(2 ** 62)]));
    expect(x.to('float16').toFloat32Array()).toEqual(Float32Array.from([Infinity, -Infinity]));
  });
  it('to float64: one rounding to 53 bits (2^53 + 1 is a tie, down to 2^53)', () => {
    const x = i64([2n ** 53n + 1n, 2n ** 53n + 3n, -(2n ** 53n + 1n), 2n ** 62n + 2n ** 9n + 1n]);
    expect(Array.from(x.to('float64').toTypedArray() as Float64Array)).toEqual([2 ** 53, 2 ** 53 + 4, -(2 ** 53), 2 ** 62 + 2 ** 10]);
  });
  it('to bool: nonzero past 2^53 and at multiples of 2^8 stays true', () => {
    expect(i64([0n, 256n, 2n ** 62n, -(2n ** 63n)]).to('bool').toArray()).toEqual([0, 1, 1, 1]);
  });
});

describe('floorDivide of floats: PyTorch\'s div_floor_floating, each step rounded to the dtype', () => {
  // PyTorch 1.13 gives these (checked for 1 and 16 elements: its scalar and vectorised loops).
  it.each([
    // float32: the steps round to float32 (in double, the quotient would floor to another integer)
    ['float32', -6421056, 0.16355575621128082, -39259124],
    ['float32', -69648.6171875, -0.0047857677564024925, 14553280],
    ['float32', -22154.927734375, -0.0013218576787039638, 16760449],
    ['float32', -305611.6875, 0.019451504573225975, -15711469],
    // float64: no float32 rounding anywhere
    ['float64', 1e10, 3, 3333333333],
    // float64: (x - fmod(x, y)) / y rounds below an integer; the floor is corrected up by one
    ['float64', 26554.296875, 0.00042542871087789544, 62417735],
    ['float64', 3518539463464583000, 108113.4875, 32544870624625],
    ['float64', -25307621359616, 0.20525665283203143, -123297447417338],
    ['float64', -17894.9765625, -0.5962179064750671, 30014],
    // float64: the quotient's fraction is exactly one half: no correction (only above a half)
    ['float64', -4793825230848, -0.0011618140153586863, 4126155449560490],
    ['float64', 628925598890197000, 156.5427978515625, 4017595236074410],
    // a zero quotient takes the sign of x / y; an infinite divisor
    ['float64', -0, Infinity, -0], ['float64', 0, -Infinity, -0], ['float64', 0, Infinity, 0], ['float64', -5, Infinity, -1],
    ['float32', -0, Infinity, -0], ['float32', 0, -Infinity, -0],
  ] as const)('%s: %d // %d = %d', (dtype, x, y, want) => {
    const got = T.floorDivide(T.tensor([x], { dtype }), T.tensor([y], { dtype })).toArray() as number[];
    expect(got).toEqual([want]);
    expect(Object.is(got[0], want)).toBe(true);
  });
});

describe('float64 add/sub with alpha: one fused multiply-add, as PyTorch\'s vec::fmadd', () => {
  // x + alpha * y rounded once (PyTorch 1.13's hardware fma gives each of these, for add(x, y,
  // alpha) and sub(x, y, -alpha)). Each case needs one term of the error-free product or sum.
  it.each([
    [0.3, -3, 0.1, -2.7755575615628914e-17], // not the unfused -5.551115123125783e-17
    [-0.03705996706023655, -0.35233447033367526, -0.10517650357682651, -2.6593809474815026e-6],
    [-3.0095843108028353, -0.43014457642538106, 0.05104725379138575, -3.03154201016261],
    [-1.3920855367562304, -0.94401254874714, -0.41406669465956214, -1.0012013809793534],
    // at the split's limit (|alpha| or |y| 1e300): still fused
    [-1.237964627091891, 1e300, 1.2379646270918913e-300, 4.836460180341745e-16],
    [-1.9159448117309814, 1.9159448117309814e-300, 1e300, 5.44754149525008e-17],
    // past it (the split would overflow): x + the rounded product
    [1, 1e301, 1e-300, 11], [1, 1e-300, 1e301, 11],
  ])('%d + %d * %d', (x, alpha, y, want) => {
    const X = T.tensor([x], { dtype: 'float64' }), Y = T.tensor([y], { dtype: 'float64' });
    expect(T.add(X, Y, alpha).toArray()).toEqual([want]);
    expect(T.sub(X, Y, -alpha).toArray()).toEqual([want]);
  });
  it.each([
    // An exact zero keeps IEEE's sign: -0 only when both terms are -0 (PyTorch 1.13: add(-0, -0,
    // alpha=2) is -0; before, tensile gave +0).
    [-0, 2, -0, -0], [0, 2, -0, 0], [-0, 2, 0, 0], [3, 2, -1.5, 0],
  ])('a zero: %d + %d * %d is %d', (x, alpha, y, want) => {
    const X = T.tensor([x], { dtype: 'float64' }), Y = T.tensor([y], { dtype: 'float64' });
    expect(Object.is(T.add(X, Y, alpha).item(), want)).toBe(true);
    expect(Object.is(T.sub(X, Y, -alpha).item(), want)).toBe(true);
  });
});

describe('float64 maximum/minimum of two zeros', () => {
  // PyTorch's vectorised kernel (_mm256_max_pd/_min_pd) returns the second operand when both
  // are zeros: maximum(-0, 0) is 0 and maximum(0, -0) is -0 (PyTorch 1.13, 16 such pairs). Its
  // scalar loop, which takes only the n mod 4 elements past the last full vector, returns the first.
  it.each([['maximum', T.maximum], ['minimum', T.minimum]] as const)('%s gives the second zero', (_, f) => {
    const a = T.tensor([-0, 0], { dtype: 'float64' }), b = T.tensor([0, -0], { dtype: 'float64' });
    const got = f(a, b).toArray() as number[];
    expect(got.map((v) => Object.is(v, -0))).toEqual([false, true]);
  });
});

describe('fmod and atan2 in the typed loops', () => {
  it.each(['float64', 'float32'] as const)('%s fmod: the dividend\'s sign, NaN for a zero divisor', (dtype) => {
    const got = T.fmod(T.tensor([-3, 5.5, 1, -0], { dtype }), T.tensor([2, -2, 0, 3], { dtype })).toArray() as number[];
    expect(got).toEqual([-1, 1.5, Number.NaN, -0]);
    expect(Object.is(got[3], -0)).toBe(true);
  });
  it.each(['int32', 'int16', 'int8'] as const)('%s fmod truncates; a zero divisor is ZeroDivisionError', (dtype) => {
    expect(T.fmod(T.tensor([-7, 7], { dtype }), T.tensor([2, -3], { dtype })).toArray()).toEqual([-1, 1]);
    expect(() => T.fmod(T.tensor([7, 3], { dtype }), T.tensor([2, 0], { dtype }))).toThrow(new RangeError('fmod: ZeroDivisionError (integer division by zero)'));
  });
  it('uint8 fmod', () => {
    expect(T.fmod(T.tensor([250, 7], { dtype: 'uint8' }), T.tensor([3, 2], { dtype: 'uint8' })).toArray()).toEqual([1, 1]);
  });
  it('int64 fmod truncates, exactly past 2^53; a zero divisor is ZeroDivisionError', () => {
    const x = T.tensor(BigInt64Array.from([-7n, 7n, 2n ** 62n + 5n])), y = T.tensor(BigInt64Array.from([2n, -3n, 2n ** 40n]));
    expect(Array.from(T.fmod(x, y).toBigInt64Array())).toEqual([-1n, 1n, 5n]);
    expect(() => T.fmod(x, T.tensor(BigInt64Array.from([1n, 0n, 1n])))).toThrow(new RangeError('fmod: ZeroDivisionError (integer division by zero)'));
  });
  it('float64 atan2 (PyTorch 1.13\'s values)', () => {
    const got = T.atan2(T.tensor([1, 1, -1, 0, -0], { dtype: 'float64' }), T.tensor([1, -1, 0, -1, -1], { dtype: 'float64' }));
    expect(got.toArray()).toEqual([0.7853981633974483, 2.356194490192345, -1.5707963267948966, 3.141592653589793, -3.141592653589793]);
  });
});

describe('int32 arithmetic wraps at 32 bits (PyTorch 1.13 on x86-64)', () => {
  const i32 = (v: number): T.Tensor => T.tensor([v], { dtype: 'int32' });
  it.each([
    ['mul', () => T.mul(i32(123456789), i32(987654321)), -67153019],
    ['add, alpha', () => T.add(i32(123456789), i32(987654321), 1000003), -387066520],
    ['sub, alpha', () => T.sub(i32(123456789), i32(987654321), 1000003), 633980098],
    ['add, alpha -2^31', () => T.add(i32(123456789), i32(987654321), -(2 ** 31)), -2024026859],
    // alpha * y past 2^53: a double product would have lost its low bits before the wrap
    ['add, alpha 2^31 - 1', () => T.add(i32(123456789), i32(987654321), 2 ** 31 - 1), 1283286116],
    ['sub, alpha 2^31 - 1', () => T.sub(i32(123456789), i32(987654321), 2 ** 31 - 1), -1036372538],
  ] as const)('%s', (_, f, want) => {
    expect(f().toArray()).toEqual([want]);
  });
});

describe('float64 pow(tensor, number): PyTorch\'s specialisations, not std::pow', () => {
  // PyTorch 1.13's values (1 and 16 elements); Math.pow gives another last bit for 3, -0.5 and
  // -2 here, and pow(-0, -0.5) is +inf where 1 / sqrt(-0) is -inf.
  it.each([
    [3, [1.8288875371217728, 1015.0244808197021, 0.699494332075119], [6.117317212103927, 1045754039.0823481, 0.3422572049912312]],
    [-0.5, [1187.9110717773438, 3.5759133100509644, 4.961044192314148, -0, 4, 2], [0.029014028608055218, 0.5288183406957693, 0.4489659987993725, -Infinity, 0.5, 0.7071067811865475]],
    [-2, [142.09123611450195, 18.742446899414062, 1.7260420322418213, -0], [4.952966780855467e-5, 0.0028467374965903476, 0.33565820307361444, Infinity]],
    [1, [-0, 0.1, -3.5], [-0, 0.1, -3.5]],
    [-1, [-0, 3], [-Infinity, 1 / 3]],
  ])('x ** %d', (p, x, want) => {
    const got = T.pow(T.tensor(x, { dtype: 'float64' }), p).toArray() as number[];
    expect(got).toEqual(want);
    expect(got.map((v) => Object.is(v, -0))).toEqual(want.map((v) => Object.is(v, -0)));
  });
  it('of a view: only the view\'s elements', () => {
    const x = T.tensor([9, 2, 3, 9], { dtype: 'float64' }).narrow(0, 1, 2);
    expect(T.pow(x, 3).toArray()).toEqual([8, 27]);
  });
});

describe('argmax/argmin: the first NaN wins, as PyTorch\'s', () => {
  const x = T.tensor([1, Number.NaN, 3, Number.NaN], { dtype: 'float64' });
  it.each([['argmax', T.argmax], ['argmin', T.argmin]] as const)('%s', (_, f) => {
    expect(f(x).item()).toBe(1);
  });
});

describe('reduceTyped over the middle dim of [pre, D, post] (PyTorch 1.13\'s sum/prod/amax/amin/argmax/argmin(dim=1))', () => {
  // x = tensor([5,-1,7,3,-2,3, 0,4,0,9,1,-6]).reshape(2, 3, 2): pre 2, D 3, post 2
  const X = [5, -1, 7, 3, -2, 3, 0, 4, 0, 9, 1, -6];
  const WANT = {
    sum: [10, 5, 1, 7], prod: [-70, -9, 0, -216], max: [7, 3, 1, 9], min: [-2, -1, 0, -6],
    argmax: [1, 1, 2, 1], argmin: [2, 0, 0, 2], // the first of tied maxima (3, 3) and minima (0, 0)
  } as const;
  const inputs = {
    int32: () => Int32Array.from(X), int8: () => Int8Array.from(X),
    int64: () => BigInt64Array.from(X, BigInt), float64: () => Float64Array.from(X),
  } as const;
  const cases = (Object.keys(inputs) as (keyof typeof inputs)[]).flatMap((d) => (Object.keys(WANT) as (keyof typeof WANT)[]).map((k) => [d, k] as const));
  it.each(cases)('%s %s', (dtype, kind) => {
    const out = reduceTyped(kind, inputs[dtype](), T.toDType(dtype), 2, 3, 2);
    const integral = dtype !== 'float64' && (kind === 'sum' || kind === 'prod');
    const indices = kind === 'argmax' || kind === 'argmin';
    expect(out).toBeInstanceOf(integral || indices ? BigInt64Array : inputs[dtype]().constructor);
    expect(Array.from(out as Float64Array, Number)).toEqual(WANT[kind]);
  });
  it('int64 sum and prod wrap at 64 bits; bool sums and multiplies in int64', () => {
    expect(reduceTyped('prod', BigInt64Array.from([2n ** 62n + 1n, 4n]), T.int64, 1, 2, 1)).toEqual(BigInt64Array.from([4n]));
    expect(reduceTyped('sum', BigInt64Array.from([2n ** 63n - 1n, 2n]), T.int64, 1, 2, 1)).toEqual(BigInt64Array.from([-(2n ** 63n) + 1n]));
    expect(reduceTyped('prod', Uint8Array.from([1, 1, 0, 1, 1, 1]), T.bool, 2, 3, 1)).toEqual(BigInt64Array.from([0n, 1n]));
    expect(reduceTyped('prod', Float64Array.from([0.5, 3, -2]), T.float64, 1, 3, 1)).toEqual(Float64Array.from([-3]));
  });
  it('max/min of an empty dim is refused (PyTorch: no identity)', () => {
    expect(() => reduceTyped('max', new Float64Array(0), T.float64, 2, 0, 3)).toThrow(new RangeError('max: the reduced dim has size 0 (PyTorch: "operation does not have an identity")'));
  });
});

// ---- the loops with no public op yet, called directly -------------------------------------------

const ARRAYS = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array } as const;
type Loop = 'int8' | 'int16' | 'int32' | 'uint8' | 'int64';
const INPUTS: Record<Loop, [readonly (number | bigint)[], readonly (number | bigint)[]]> = {
  int8: [[-7, 0, 5, 12, -128, 127, 0], [3, 9, 0, -6, -1, 85, 0]],
  int16: [[-7, 0, 5, 12, -32768, 300, 0], [3, 9, 0, -6, -1, 85, 0]],
  int32: [[-7, 0, 5, 12, -(2 ** 31), 2 ** 31 - 1, 0], [3, 9, 0, -6, -1, 85, 0]],
  uint8: [[0, 1, 5, 12, 200, 255, 0], [3, 9, 0, 6, 15, 170, 0]],
  int64: [[-7n, 0n, 5n, 12n, -(2n ** 63n), 2n ** 62n + 12n, 0n], [3n, 9n, 0n, -6n, -1n, 2n ** 62n + 5n, 0n]],
};
function storage(dtype: Loop, values: readonly (number | bigint)[]): StorageArray {
  return dtype === 'int64' ? BigInt64Array.from(values as bigint[]) : ARRAYS[dtype].from(values as number[]);
}
function loop(kind: TypedBinary, dtype: Loop, a: readonly (number | bigint)[], b: readonly (number | bigint)[]): StorageArray {
  return binaryTyped(kind, T.toDType(dtype), 1, storage(dtype, a), 0, [1], storage(dtype, b), 0, [1], [a.length]);
}

describe('binaryTyped: the bitwise and logical loops give PyTorch\'s bitwise_*/logical_*', () => {
  // torch.bitwise_and(a, b) etc. on INPUTS, PyTorch 1.13; the logical ones give bool.
  it.each([
    ['int8', 'bitwiseAnd', [1, 0, 0, 8, -128, 85, 0]],
    ['int8', 'bitwiseOr', [-5, 9, 5, -2, -1, 127, 0]],
    ['int8', 'bitwiseXor', [-6, 9, 5, -10, 127, 42, 0]],
    ['int16', 'bitwiseAnd', [1, 0, 0, 8, -32768, 4, 0]],
    ['int16', 'bitwiseOr', [-5, 9, 5, -2, -1, 381, 0]],
    ['int16', 'bitwiseXor', [-6, 9, 5, -10, 32767, 377, 0]],
    ['int32', 'bitwiseAnd', [1, 0, 0, 8, -2147483648, 85, 0]],
    ['int32', 'bitwiseOr', [-5, 9, 5, -2, -1, 2147483647, 0]],
    ['int32', 'bitwiseXor', [-6, 9, 5, -10, 2147483647, 2147483562, 0]],
    ['uint8', 'bitwiseAnd', [0, 1, 0, 4, 8, 170, 0]],
    ['uint8', 'bitwiseOr', [3, 9, 5, 14, 207, 255, 0]],
    ['uint8', 'bitwiseXor', [3, 8, 5, 10, 199, 85, 0]],
    ['int64', 'bitwiseAnd', [1n, 0n, 0n, 8n, -(2n ** 63n), 2n ** 62n + 4n, 0n]],
    ['int64', 'bitwiseOr', [-5n, 9n, 5n, -2n, -1n, 2n ** 62n + 13n, 0n]],
    ['int64', 'bitwiseXor', [-6n, 9n, 5n, -10n, 2n ** 63n - 1n, 9n, 0n]],
  ] as const)('%s %s', (dtype, kind, want) => {
    const out = loop(kind, dtype, ...INPUTS[dtype]);
    expect(out).toBeInstanceOf(dtype === 'int64' ? BigInt64Array : ARRAYS[dtype]);
    expect(Array.from(out as Int32Array)).toEqual(want);
  });
  const LOGICAL = { logicalAnd: [1, 0, 0, 1, 1, 1, 0], logicalOr: [1, 1, 1, 1, 1, 1, 0], logicalXor: [0, 1, 1, 0, 0, 0, 0] };
  const UINT8_LOGICAL = { logicalAnd: [0, 1, 0, 1, 1, 1, 0], logicalOr: [1, 1, 1, 1, 1, 1, 0], logicalXor: [1, 0, 1, 0, 0, 0, 0] };
  it.each((['int8', 'int16', 'int32', 'uint8', 'int64'] as const).flatMap((d) => (['logicalAnd', 'logicalOr', 'logicalXor'] as const).map((k) => [d, k] as const)))('%s %s gives bool', (dtype, kind) => {
    const out = loop(kind, dtype, ...INPUTS[dtype]);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out as Uint8Array)).toEqual((dtype === 'uint8' ? UINT8_LOGICAL : LOGICAL)[kind]);
  });
  it('an int64 op with no int64 loop is refused by name', () => {
    expect(() => loop('div', 'int64', [1n], [2n])).toThrow(new TypeError('div: no int64 loop'));
    expect(() => loop('atan2', 'int64', [1n], [2n])).toThrow(new TypeError('atan2: no int64 loop'));
  });
});
