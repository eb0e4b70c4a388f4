/**
 * Element loops for every dtype, in plain JavaScript: conversions between dtypes (PyTorch's
 * casts), strided copies of any storage, and the element-wise and reduction loops of the
 * dtypes other than float32 (which keeps its own kernels, `K()`, wasm or JS). float64 computes
 * in JavaScript's doubles, as PyTorch's double kernels do; int64 in `BigInt`, wrapping at 2^63 as
 * PyTorch's does, so every result is exact; the narrower integers wrap as C's do.
 */
import { bfloat16, bool, float16, float32, float64, int16, int32, int64, int8, uint8, type DType, type StorageArray } from '../dtype.js';

// ---- float16 and bfloat16 bit patterns ------------------------------------------------------

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** float16 bits → number (exact). */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** number → float16 bits, rounded to nearest even (through float32, as PyTorch's `half()` of a float tensor). */
export function numberToHalf(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0]!;
  const sign = (x >>> 16) & 0x8000;
  const e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (m ? 0x200 : 0);
  const exp = e - 127 + 15;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const mant = m | 0x800000, shift = 14 - exp;
    const half = 1 << (shift - 1), rest = mant & ((1 << shift) - 1);
    let r = mant >>> shift;
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (exp << 10) | (m >>> 13);
  const rest = m & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++;
  return sign | r;
}

/** bfloat16 bits → number (exact). */
export function bfloat16ToNumber(h: number): number {
  u32buf[0] = h << 16;
  return f32buf[0]!;
}

/** number → bfloat16 bits, rounded to nearest even through float32 (NaN stays a quiet NaN). */
export function numberToBfloat16(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0]!;
  if (v !== v) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

// ---- element access -------------------------------------------------------------------------

/** The element at `i` as a JavaScript number (int64 rounded to the nearest double, as PyTorch's int64 → double). */
export function readNumber(a: StorageArray, dtype: DType, i: number): number {
  const v = a[i]!;
  if (typeof v === 'bigint') return Number(v);
  if (dtype === float16) return halfToNumber(v);
  if (dtype === bfloat16) return bfloat16ToNumber(v);
  return v;
}

/**
 * An int64 as a double that rounds to the same float32 as the integer itself: rounded to 53 bits
 * toward zero with the last bit set when bits were dropped ("round to odd"). `Number(v)` rounds
 * to nearest, and a second rounding to float32 can then land on the other side of a tie
 * (2^62 + 2^38 + 1 gives 2^62 instead of C's 2^62 + 2^39); rounding to odd first cannot.
 */
export function int64ForFloat(v: bigint): number {
  const a = v < 0n ? -v : v;
  if (a <= 9007199254740992n) return Number(v);
  const shift = BigInt(a.toString(2).length - 53);
  let m = a >> shift;
  if (m << shift !== a) m |= 1n;
  const r = Number(m) * 2 ** Number(shift);
  return v < 0n ? -r : r;
}

/** Converts a number to an int64 the way C's cast of a double does on x86 (NaN and out of range give INT64_MIN). */
export function numberToInt64(v: number): bigint {
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return -(2n ** 63n);
  return BigInt(Math.trunc(v));
}

/** Converts a number to an int32 the way C's cast does on x86 (NaN and out of range give INT32_MIN). */
function numberToInt32(v: number): number {
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 31) return -(2 ** 31);
  return Math.trunc(v);
}

/**
 * A writer of numbers into an array of `dtype`, casting as PyTorch does: floating to integer
 * truncates toward zero (the narrow integers wrap, as C's conversions through int do), to bool
 * is `v != 0`, to float16/bfloat16 rounds to nearest even.
 */
export function numberWriter(dtype: DType): (a: StorageArray, i: number, v: number) => void {
  switch (dtype) {
    case float32: case float64: return (a, i, v) => { (a as Float32Array)[i] = v; };
    case float16: return (a, i, v) => { (a as Uint16Array)[i] = numberToHalf(v); };
    case bfloat16: return (a, i, v) => { (a as Uint16Array)[i] = numberToBfloat16(v); };
    case int64: return (a, i, v) => { (a as BigInt64Array)[i] = numberToInt64(v); };
    case int32: case int16: case int8: case uint8: return (a, i, v) => { (a as Int32Array)[i] = numberToInt32(v); }; // the narrow stores wrap
    case bool: return (a, i, v) => { (a as Uint8Array)[i] = v !== 0 ? 1 : 0; };
    default: throw new TypeError(`cast: no writer for ${dtype.name}`);
  }
}

// ---- strided walks --------------------------------------------------------------------------

/** Calls `fn(i, off0, off1, ...)` for every element `i` of `shape` in row-major order, with each operand's offset. */
export function forEachElement(shape: readonly number[], offsets: readonly number[], strides: readonly (readonly number[])[], fn: (i: number, offs: number[]) => void): void {
  const nd = shape.length, k = offsets.length;
  const total = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  const offs = offsets.slice();
  for (let i = 0; i < total; i++) {
    fn(i, offs);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offs[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offs[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** A contiguous copy of a strided view, in the same dtype (any storage). */
export function copyStrided(x: StorageArray, xOff: number, xStrides: readonly number[], shape: readonly number[], out: StorageArray, outOff: number): void {
  const o = out as Float64Array, s = x as Float64Array; // element moves only: the types agree at run time
  forEachElement(shape, [xOff], [xStrides], (i, [xi]) => { o[outOff + i] = s[xi!]!; });
}

/** The strided write of a contiguous array into a view, in the same dtype (any storage). */
export function scatterStrided(x: StorageArray, xOff: number, shape: readonly number[], out: StorageArray, outOff: number, outStrides: readonly number[]): void {
  const o = out as Float64Array, s = x as Float64Array;
  forEachElement(shape, [outOff], [outStrides], (i, [oi]) => { o[oi!] = s[xOff + i]!; });
}

/**
 * The elements of a strided view converted to `to`, contiguous. Conversions follow PyTorch's:
 * int64 → float rounds to nearest (through double), floating → integer truncates, any → bool is `!= 0`.
 */
export function castStrided(x: StorageArray, from: DType, xOff: number, xStrides: readonly number[], shape: readonly number[], to: DType): StorageArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new to.array(n);
  if (from === to) {
    copyStrided(x, xOff, xStrides, shape, out, 0);
    return out;
  }
  if (from === int64 && to !== bool && !to.isFloatingPoint) {
    // Integer to integer: wrap (two's complement), exactly.
    const bits = to.itemsize * 8, signed = to.isSigned;
    const src = x as BigInt64Array;
    forEachElement(shape, [xOff], [xStrides], (i, [xi]) => {
      const v = src[xi!]!;
      (out as Int32Array)[i] = Number(signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
    });
    return out;
  }
  // Everything else goes through a number, exactly: the narrower integers and bool are exact in
  // a double, and an int64 to bool only needs to stay nonzero.
  const write = numberWriter(to);
  if (from === int64 && to !== float64) {
    // float32, float16, bfloat16: one rounding from the integer (float16/bfloat16 then round from
    // float32, as PyTorch's); bool: int64ForFloat keeps every nonzero value nonzero.
    const src = x as BigInt64Array;
    forEachElement(shape, [xOff], [xStrides], (i, [xi]) => write(out, i, int64ForFloat(src[xi!]!)));
    return out;
  }
  forEachElement(shape, [xOff], [xStrides], (i, [xi]) => write(out, i, readNumber(x, from, xi!)));
  return out;
}

// ---- element-wise arithmetic for the dtypes other than float32 ------------------------------

/** The element-wise ops the typed loops compute. */
export type TypedBinary = 'add' | 'sub' | 'mul' | 'div' | 'floorDivide' | 'remainder' | 'fmod' | 'atan2' | 'maximum' | 'minimum' | 'pow' | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'logicalAnd' | 'logicalOr' | 'logicalXor' | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor';

/** The ops that give bool whatever their operands. */
type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'logicalAnd' | 'logicalOr' | 'logicalXor';

const COMPARE = new Set<TypedBinary>(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'logicalAnd', 'logicalOr', 'logicalXor']);

/** Whether `kind` gives bool whatever its operands. */
export const isComparison = (kind: TypedBinary): kind is Comparison => COMPARE.has(kind);

/** Python's floor division of integers held in numbers (exact below 2^53; the divisor is nonzero). */
function floorDiv(x: number, y: number): number {
  const m = x % y;
  let d = (x - m) / y;
  if (m !== 0 && (y < 0) !== (m < 0)) d -= 1;
  return d;
}

/**
 * PyTorch's `div_floor_floating`, each step rounded to the dtype by `r` (`Math.fround` for
 * float32): the quotient from `fmod` (JavaScript's `%`), corrected by one toward -infinity, then
 * floored with a correction of the floor's own rounding; a zero quotient takes the sign of
 * `x / y`, a zero divisor gives the IEEE quotient.
 */
function floorDivFloat(r: (v: number) => number): (x: number, y: number) => number {
  return (x, y) => {
    if (y === 0) return x / y;
    const mod = x % y;
    let div = r(r(x - mod) / y);
    if (mod !== 0 && (y < 0) !== (mod < 0)) div = r(div - 1);
    if (div === 0) {
      const q = x / y;
      return q < 0 || Object.is(q, -0) ? -0 : 0;
    }
    let f = Math.floor(div);
    if (div - f > 0.5) f = r(f + 1);
    return f;
  };
}

const identity = (v: number): number => v;

/**
 * `x + a * y` as one fused multiply-add, as PyTorch's float64 add/sub with alpha (`vec::fmadd`):
 * the product's rounding error (Dekker's two-product) and the sum's (Knuth's two-sum) are added
 * back before the last rounding, so a cancelling sum keeps its bits (0.3 - 3 * 0.1 is -2.8e-17,
 * not -5.6e-17). Within an ulp of the exact result; huge or non-finite operands take the plain form.
 */
function fusedMultiplyAdd(x: number, a: number, y: number): number {
  const p = a * y;
  if (!Number.isFinite(p) || !Number.isFinite(x) || Math.abs(a) > 1e300 || Math.abs(y) > 1e300) return x + p;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v; // 2^27 + 1: Veltkamp's split into two 26-bit halves
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a), [yh, yl] = split(y);
  const pe = ((ah * yh - p) + ah * yl + al * yh) + al * yl; // a * y - p, exactly
  const s = x + p, bb = s - x;
  const se = (x - (s - bb)) + (p - bb); // x + p - s, exactly
  const e = se + pe;
  return e === 0 ? s : s + e; // s + 0 would turn an exact -0 (-0 + 2 * -0) into +0
}
function pyRemainder(x: number, y: number): number {
  const m = x % y;
  return m !== 0 && (y < 0) !== (m < 0) ? m + y : m;
}

function numberOp(kind: TypedBinary, alpha: number, dtype: DType): (x: number, y: number) => number {
  if (dtype.isFloatingPoint) {
    if (kind === 'floorDivide') return floorDivFloat(dtype === float32 ? Math.fround : identity);
    if (kind === 'add' && alpha !== 1) return (x, y) => fusedMultiplyAdd(x, alpha, y);
    if (kind === 'sub' && alpha !== 1) return (x, y) => fusedMultiplyAdd(x, -alpha, y);
  }
  switch (kind) {
    case 'add': return alpha === 1 ? (x, y) => x + y : (x, y) => x + alpha * y;
    case 'sub': return alpha === 1 ? (x, y) => x - y : (x, y) => x - alpha * y;
    case 'mul': return (x, y) => x * y;
    case 'div': return (x, y) => x / y;
    case 'floorDivide': return floorDiv;
    case 'remainder': return pyRemainder;
    case 'fmod': return (x, y) => x % y; // C's fmod: the dividend's sign, exact in any precision
    case 'atan2': return Math.atan2;
    case 'maximum': return (x, y) => (x !== x || y !== y ? Number.NaN : x > y ? x : y);
    case 'minimum': return (x, y) => (x !== x || y !== y ? Number.NaN : x < y ? x : y);
    // pow: for the narrow integers a negative exponent gives a fraction (or Infinity for 0) that the
    // store truncates to PyTorch's powi result: ±1 for ±1, 0 otherwise.
    case 'pow': return Math.pow;
    case 'eq': return (x, y) => +(x === y);
    case 'ne': return (x, y) => +(x !== y);
    case 'gt': return (x, y) => +(x > y);
    case 'ge': return (x, y) => +(x >= y);
    case 'lt': return (x, y) => +(x < y);
    case 'le': return (x, y) => +(x <= y);
    case 'logicalAnd': return (x, y) => +(x !== 0 && y !== 0);
    case 'logicalOr': return (x, y) => +(x !== 0 || y !== 0);
    case 'logicalXor': return (x, y) => +((x !== 0) !== (y !== 0));
    case 'bitwiseAnd': return (x, y) => x & y;
    case 'bitwiseOr': return (x, y) => x | y;
    case 'bitwiseXor': return (x, y) => x ^ y;
  }
}

/**
 * int32 products wrap exactly (a double product past 2^53 would have lost bits first), `alpha * y`
 * of add/sub too: `x ± alpha * y` is `x + imul(±alpha, y)` modulo 2^32.
 */
function int32Op(kind: TypedBinary, alpha: number): (x: number, y: number) => number {
  if (kind === 'mul') return Math.imul;
  if (kind === 'add' || kind === 'sub') {
    const a = (kind === 'add' ? alpha : -alpha) | 0;
    return (x, y) => (x + Math.imul(a, y)) | 0;
  }
  return numberOp(kind, alpha, int32);
}

function bigOp(kind: TypedBinary, alpha: bigint, op: string): (x: bigint, y: bigint) => bigint {
  const w = (v: bigint): bigint => BigInt.asIntN(64, v);
  switch (kind) {
    case 'add': return alpha === 1n ? (x, y) => w(x + y) : (x, y) => w(x + alpha * y);
    case 'sub': return alpha === 1n ? (x, y) => w(x - y) : (x, y) => w(x - alpha * y);
    case 'mul': return (x, y) => w(x * y);
    case 'floorDivide': return (x, y) => {
      if (y === 0n) throw new RangeError(`${op}: ZeroDivisionError (integer division by zero)`);
      const q = x / y;
      return w(q * y !== x && (x < 0n) !== (y < 0n) ? q - 1n : q);
    };
    case 'remainder': return (x, y) => {
      if (y === 0n) throw new RangeError(`${op}: ZeroDivisionError (integer division by zero)`);
      const m = x % y;
      return m !== 0n && (y < 0n) !== (m < 0n) ? m + y : m;
    };
    case 'fmod': return (x, y) => {
      if (y === 0n) throw new RangeError(`${op}: ZeroDivisionError (integer division by zero)`);
      return x % y; // BigInt's % truncates, as C's
    };
    case 'maximum': return (x, y) => (x > y ? x : y);
    case 'minimum': return (x, y) => (x < y ? x : y);
    case 'pow': return (x, y) => {
      if (y < 0n) {
        // PyTorch's powi: 1 and -1 to a negative power are ±1, any other base gives 0 (a
        // negative number exponent is refused before, in pow()).
        if (x === 1n) return 1n;
        if (x === -1n) return y % 2n === 0n ? 1n : -1n;
        return 0n;
      }
      // Square-and-multiply wrapping at 64 bits (BigInt ** would grow without bound first).
      let r = 1n, b = x, e = y;
      while (e > 0n) {
        if (e & 1n) r = w(r * b);
        b = w(b * b);
        e >>= 1n;
      }
      return r;
    };
    case 'bitwiseAnd': return (x, y) => x & y;
    case 'bitwiseOr': return (x, y) => x | y;
    case 'bitwiseXor': return (x, y) => x ^ y;
    default: throw new TypeError(`${kind}: no int64 loop`);
  }
}

function bigCompare(kind: Comparison): (x: bigint, y: bigint) => number {
  switch (kind) {
    case 'eq': return (x, y) => +(x === y);
    case 'ne': return (x, y) => +(x !== y);
    case 'gt': return (x, y) => +(x > y);
    case 'ge': return (x, y) => +(x >= y);
    case 'lt': return (x, y) => +(x < y);
    case 'le': return (x, y) => +(x <= y);
    case 'logicalAnd': return (x, y) => +(x !== 0n && y !== 0n);
    case 'logicalOr': return (x, y) => +(x !== 0n || y !== 0n);
    case 'logicalXor': return (x, y) => +((x !== 0n) !== (y !== 0n));
  }
}

/**
 * `out = a ∘ b` over `shape` for operands already in `dtype` (not float32's kernels: float64,
 * the integers, bool; float16/bfloat16 are refused by the caller). Comparisons write bool
 * (a `Uint8Array` of 0/1); the rest write `dtype`. `op` names the function called in a zero
 * integer divisor's error (`div` with a rounding mode runs floorDivide's kernel).
 */
export function binaryTyped(
  kind: TypedBinary, dtype: DType, alpha: number,
  a: StorageArray, aOff: number, aStrides: readonly number[],
  b: StorageArray, bOff: number, bStrides: readonly number[],
  shape: readonly number[], op: string = kind,
): StorageArray {
  const n = shape.reduce((x, y) => x * y, 1);
  const cmp = isComparison(kind);
  const out = new (cmp ? Uint8Array : dtype.array)(n);
  if (dtype === int64) {
    const x = a as BigInt64Array, y = b as BigInt64Array;
    if (cmp) {
      const f = bigCompare(kind), o = out as Uint8Array;
      forEachElement(shape, [aOff, bOff], [aStrides, bStrides], (i, [ai, bi]) => { o[i] = f(x[ai!]!, y[bi!]!); });
    } else {
      const f = bigOp(kind, BigInt(alpha), op), o = out as BigInt64Array;
      forEachElement(shape, [aOff, bOff], [aStrides, bStrides], (i, [ai, bi]) => { o[i] = f(x[ai!]!, y[bi!]!); });
    }
    return out;
  }
  const integral = !dtype.isFloatingPoint; // bool: its callers refuse floorDivide, remainder and fmod
  if (integral && (kind === 'floorDivide' || kind === 'remainder' || kind === 'fmod')) {
    const f = numberOp(kind, 1, dtype);
    const o = out as Int32Array, x = a as Int32Array, y = b as Int32Array;
    forEachElement(shape, [aOff, bOff], [aStrides, bStrides], (i, [ai, bi]) => {
      const d = y[bi!]!;
      if (d === 0) throw new RangeError(`${op}: ZeroDivisionError (integer division by zero)`);
      o[i] = f(x[ai!]!, d);
    });
    return out;
  }
  const f = dtype === int32 ? int32Op(kind, alpha) : numberOp(kind, alpha, dtype);
  const o = out as Float64Array, x = a as Float64Array, y = b as Float64Array; // number element types: read and written as numbers
  forEachElement(shape, [aOff, bOff], [aStrides, bStrides], (i, [ai, bi]) => { o[i] = f(x[ai!]!, y[bi!]!); });
  return out;
}

/**
 * PyTorch's float64 `pow(tensor, number)` (`pow_tensor_scalar_kernel`): its specialisations,
 * `sqrt` for 0.5, `1 / sqrt` for -0.5, `1 / x` for -1, `x * x`, `x * x * x`, `1 / (x * x)` for 2, 3
 * and -2, and `std::pow` otherwise. They differ from `Math.pow` in the last bit and at -0
 * (`sqrt(-0)` is -0, `pow(-0, 0.5)` is +0).
 */
export function powScalarFloat64(x: Float64Array, xOff: number, n: number, p: number): Float64Array {
  const f: (v: number) => number =
    p === 0.5 ? Math.sqrt : p === -0.5 ? (v) => 1 / Math.sqrt(v) : p === -1 ? (v) => 1 / v
      : p === 2 ? (v) => v * v : p === 3 ? (v) => v * v * v : p === -2 ? (v) => 1 / (v * v) : (v) => Math.pow(v, p);
  return x.subarray(xOff, xOff + n).map(f);
}

/** `out = cond ? a : b` for operands already in `dtype` (cond a bool storage: `where` refuses any other dtype). */
export function whereTyped(
  c: StorageArray, cOff: number, cStrides: readonly number[],
  a: StorageArray, aOff: number, aStrides: readonly number[],
  b: StorageArray, bOff: number, bStrides: readonly number[],
  shape: readonly number[], dtype: DType,
): StorageArray {
  const n = shape.reduce((x, y) => x * y, 1);
  const out = new dtype.array(n) as Float64Array;
  const x = a as Float64Array, y = b as Float64Array;
  forEachElement(shape, [cOff, aOff, bOff], [cStrides, aStrides, bStrides], (i, [ci, ai, bi]) => {
    out[i] = c[ci!] !== 0 ? x[ai!]! : y[bi!]!;
  });
  return out;
}

/** The dtype a sum accumulates in and returns: floats their own, integers and bool int64 (PyTorch's). */
export function sumDType(d: DType): DType {
  return d.isFloatingPoint ? d : int64;
}

/**
 * Reduces the middle dim of a contiguous `[pre, D, post]` array of `dtype` (not float32):
 * sum (int and bool in int64, floats in double), max/min (NaN wins), argmax/argmin (first of
 * ties, NaN wins; int64 indices).
 */
export function reduceTyped(kind: 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin', x: StorageArray, dtype: DType, pre: number, D: number, post: number): StorageArray {
  const n = pre * post;
  if (kind === 'argmax' || kind === 'argmin') {
    const out = new BigInt64Array(n);
    const better = kind === 'argmax' ? (v: number | bigint, b: number | bigint) => v > b : (v: number | bigint, b: number | bigint) => v < b;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        let best = x[p * D * post + q]!, at = 0;
        for (let k = 1; k < D && best === best; k++) {
          const v = x[(p * D + k) * post + q]!;
          if (v !== v || better(v, best)) { best = v; at = k; }
        }
        out[p * post + q] = BigInt(at);
      }
    }
    return out;
  }
  if (kind === 'sum' || kind === 'prod') {
    const acc = sumDType(dtype);
    if (acc === int64) {
      const out = new BigInt64Array(n);
      for (let p = 0; p < pre; p++) {
        for (let q = 0; q < post; q++) {
          let s = kind === 'sum' ? 0n : 1n;
          for (let k = 0; k < D; k++) {
            const v = x[(p * D + k) * post + q]!;
            const b = BigInt(v); // an int64 as it is, a narrower integer or bool widened
            s = BigInt.asIntN(64, kind === 'sum' ? s + b : s * b);
          }
          out[p * post + q] = s;
        }
      }
      return out;
    }
    const out = new acc.array(n) as Float64Array;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        let s = kind === 'sum' ? 0 : 1;
        for (let k = 0; k < D; k++) {
          const v = x[(p * D + k) * post + q] as number;
          s = kind === 'sum' ? s + v : s * v;
        }
        out[p * post + q] = s;
      }
    }
    return out;
  }
  if (D === 0) throw new RangeError(`${kind}: the reduced dim has size 0 (PyTorch: "operation does not have an identity")`);
  const out = new dtype.array(n) as Float64Array;
  const src = x as Float64Array; // numbers or bigints: compared, never mixed
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      let best = src[p * D * post + q]!;
      for (let k = 1; k < D && best === best; k++) {
        const v = src[(p * D + k) * post + q]!;
        if (v !== v || (kind === 'max' ? v > best : v < best)) best = v;
      }
      out[p * post + q] = best;
    }
  }
  return out;
}

