/**
 * Element types (PyTorch's `torch.dtype`) and PyTorch's type promotion: `promoteTypes` is
 * c10's promotion table, `resultType` is `torch.result_type` (categories bool < integer <
 * floating; a dimensioned tensor beats a 0-d tensor beats a number within a category).
 *
 * Storage per dtype: float32 `Float32Array`, float64 `Float64Array`, int64 `BigInt64Array`
 * (all 64 bits kept; arithmetic exact, see ops), int32 `Int32Array`, int16 `Int16Array`, int8
 * `Int8Array`, uint8 and bool `Uint8Array` (bool holds 0 or 1), float16 and bfloat16 `Uint16Array`
 * (their bit patterns: storage, I/O and conversions only).
 */

/** The typed arrays that hold tensor elements. */
export type StorageArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

/** The names of the dtypes, as the strings `'float32'`, `'int64'`, ... */
export type DTypeName = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** The string aliases PyTorch also has (`torch.long`, `torch.double`, ...). */
export type DTypeAlias = 'float' | 'double' | 'half' | 'long' | 'int' | 'short';

interface ArrayType {
  new (n: number): StorageArray;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * An element type. One object per dtype, so `t.dtype === int64` compares them; the string
 * names (`'int64'`, PyTorch's aliases `'long'` ...) are accepted wherever a dtype is.
 *
 * @example
 * ```ts
 * import { tensor, int64, float64 } from '@tensile/tensor';
 * const ids = tensor([3, 1, 2], { dtype: int64 });
 * console.log(ids.dtype === int64, String(float64)); // true torch.float64
 * ```
 */
export class DType {
  /** @internal */
  constructor(
    /** `'float32'`, `'int64'`, ... */
    readonly name: DTypeName,
    /** PyTorch's C++ name, as its error messages print it (`'Float'`, `'Long'`, ...). */
    readonly cName: string,
    /** Bytes per element. */
    readonly itemsize: number,
    /** @internal The typed array that stores it. */
    readonly array: ArrayType,
    /** Floating point (float16, bfloat16, float32, float64). */
    readonly isFloatingPoint: boolean,
    /** Signed (every dtype but uint8 and bool). */
    readonly isSigned: boolean,
    /** The safetensors dtype code (`F32`, `I64`, `BOOL`, ...). */
    readonly safetensors: string,
  ) {
    Object.freeze(this);
  }
  /** `torch.float32`, as PyTorch prints a dtype. */
  toString(): string {
    return `torch.${this.name}`;
  }
  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * 32-bit floating point, `torch.float32`: the default dtype of tensors made from numbers.
 *
 * @example
 * ```ts
 * import { float32, tensor } from '@tensile/tensor';
 * tensor([1, 2]).dtype === float32; // true
 * float32.itemsize; // 4
 * ```
 */
export const float32 = new DType('float32', 'Float', 4, Float32Array, true, true, 'F32');
/**
 * 64-bit floating point, `torch.float64` (`double`): storage is a `Float64Array`.
 *
 * @example
 * ```ts
 * import { float64, tensor } from '@tensile/tensor';
 * tensor([0.1], { dtype: float64 }).item(); // 0.1 (exactly the double)
 * ```
 */
export const float64 = new DType('float64', 'Double', 8, Float64Array, true, true, 'F64');
/**
 * 16-bit IEEE half precision, `torch.float16` (`half`): bits in a `Uint16Array`, arithmetic in float32 and rounded back, as PyTorch's CPU kernels.
 *
 * @example
 * ```ts
 * import { float16, tensor } from '@tensile/tensor';
 * tensor([1 / 3], { dtype: float16 }).item(); // 0.333251953125
 * ```
 */
export const float16 = new DType('float16', 'Half', 2, Uint16Array, true, true, 'F16');
/**
 * 16-bit brain floating point, `torch.bfloat16`: float32's exponent with 8 bits of significand, bits in a `Uint16Array`.
 *
 * @example
 * ```ts
 * import { bfloat16, tensor } from '@tensile/tensor';
 * tensor([1 / 3], { dtype: bfloat16 }).item(); // 0.333984375
 * ```
 */
export const bfloat16 = new DType('bfloat16', 'BFloat16', 2, Uint16Array, true, true, 'BF16');
/**
 * 64-bit signed integer, `torch.int64` (`long`): PyTorch's index dtype; storage is a `BigInt64Array`, `item()` gives a number when it is exact.
 *
 * @example
 * ```ts
 * import { int64, tensor } from '@tensile/tensor';
 * tensor([3, 1, 2], { dtype: int64 }).argmax().dtype === int64; // true
 * ```
 */
export const int64 = new DType('int64', 'Long', 8, BigInt64Array, false, true, 'I64');
/**
 * 32-bit signed integer, `torch.int32` (`int`).
 *
 * @example
 * ```ts
 * import { int32, tensor } from '@tensile/tensor';
 * tensor([7], { dtype: int32 }).div(2).item(); // 3.5 (true division promotes to float32)
 * ```
 */
export const int32 = new DType('int32', 'Int', 4, Int32Array, false, true, 'I32');
/**
 * 16-bit signed integer, `torch.int16` (`short`).
 *
 * @example
 * ```ts
 * import { int16, tensor } from '@tensile/tensor';
 * tensor([32767], { dtype: int16 }).add(1).item(); // -32768 (wraps, as PyTorch)
 * ```
 */
export const int16 = new DType('int16', 'Short', 2, Int16Array, false, true, 'I16');
/**
 * 8-bit signed integer, `torch.int8`.
 *
 * @example
 * ```ts
 * import { int8, tensor } from '@tensile/tensor';
 * tensor([-128], { dtype: int8 }).dtype.name; // 'int8'
 * ```
 */
export const int8 = new DType('int8', 'Char', 1, Int8Array, false, true, 'I8');
/**
 * 8-bit unsigned integer, `torch.uint8`.
 *
 * @example
 * ```ts
 * import { uint8, tensor } from '@tensile/tensor';
 * tensor([255, 1], { dtype: uint8 }).add(1).tolist(); // [0, 2] (wraps, as PyTorch)
 * ```
 */
export const uint8 = new DType('uint8', 'Byte', 1, Uint8Array, false, false, 'U8');
/**
 * Boolean, `torch.bool`: one byte per element, 0 or 1; comparisons return it.
 *
 * @example
 * ```ts
 * import { bool, tensor } from '@tensile/tensor';
 * tensor([1, 5]).gt(2).dtype === bool; // true
 * ```
 */
export const bool = new DType('bool', 'Bool', 1, Uint8Array, false, false, 'BOOL');
/**
 * PyTorch's aliases: `float` is float32, `double` float64, `half` float16, `long` int64, `int`
 * int32, `short` int16 (the same objects).
 *
 * @example
 * ```ts
 * import { double, float64, zeros } from '@tensile/tensor';
 * double === float64; // true
 * zeros([2], { dtype: 'long' }).dtype.name; // 'int64'
 * ```
 */
export const float = float32, double = float64, half = float16, long = int64, int = int32, short = int16;

/**
 * Every dtype, in PyTorch's ScalarType order.
 *
 * @example
 * ```ts
 * import { dtypes } from '@tensile/tensor';
 * dtypes.filter((d) => d.isFloatingPoint).map(String); // ['torch.float16', 'torch.float32', 'torch.float64', 'torch.bfloat16']
 * ```
 */
export const dtypes: readonly DType[] = Object.freeze([uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16]);

const byName: ReadonlyMap<string, DType> = new Map<string, DType>([
  ...dtypes.map((d) => [d.name, d] as const),
  ['float', float32], ['double', float64], ['half', float16], ['long', int64], ['int', int32], ['short', int16],
]);

/** A dtype given as an object or a name. */
export type DTypeLike = DType | DTypeName | DTypeAlias;

/**
 * The dtype a `DTypeLike` names; a TypeError naming the function and the value otherwise.
 *
 * @example
 * ```ts
 * import { toDType, int64 } from '@tensile/tensor';
 * toDType('long') === int64; // true
 * ```
 */
export function toDType(d: unknown, op = 'dtype'): DType {
  if (d instanceof DType) return d;
  if (typeof d === 'string') {
    const t = byName.get(d.startsWith('torch.') ? d.slice(6) : d);
    if (t) return t;
  }
  throw new TypeError(`${op}: dtype must be one of ${[...byName.keys()].join(', ')} (or the exported dtype objects), got ${typeof d === 'string' ? `'${d}'` : String(d)}`);
}

/** The dtype of a typed array when no dtype is given (`Uint8Array` is uint8; bool must be asked for). */
export function dtypeOfArray(a: StorageArray): DType {
  if (a instanceof Float32Array) return float32;
  if (a instanceof Float64Array) return float64;
  if (a instanceof BigInt64Array) return int64;
  if (a instanceof Int32Array) return int32;
  if (a instanceof Int16Array) return int16;
  if (a instanceof Int8Array) return int8;
  if (a instanceof Uint8Array) return uint8;
  throw new TypeError(`Storage: a Uint16Array holds float16 or bfloat16 bits: give the dtype`);
}

/**
 * Whether `d` is a floating-point dtype (`torch.is_floating_point` asks it of a tensor's dtype).
 *
 * @example
 * ```ts
 * import { isFloatingPoint, int64 } from '@tensile/tensor';
 * isFloatingPoint('half'); // true
 * isFloatingPoint(int64); // false
 * ```
 */
export function isFloatingPoint(d: DTypeLike): boolean {
  return toDType(d, 'isFloatingPoint').isFloatingPoint;
}

/**
 * PyTorch's `torch.promote_types`: the smallest dtype both convert to without losing a
 * category (bool < integers < floating point).
 *
 * @example
 * ```ts
 * import { promoteTypes, int64, float16, bfloat16, uint8, int8 } from '@tensile/tensor';
 * promoteTypes(int64, float16); // torch.float16
 * promoteTypes(float16, bfloat16); // torch.float32
 * promoteTypes(uint8, int8); // torch.int16
 * ```
 */
export function promoteTypes(a: DTypeLike, b: DTypeLike): DType {
  const x = toDType(a, 'promoteTypes'), y = toDType(b, 'promoteTypes');
  if (x === y) return x;
  if (x === bool) return y;
  if (y === bool) return x;
  if (x.isFloatingPoint && y.isFloatingPoint) {
    if (x.itemsize === 2 && y.itemsize === 2) return float32; // float16 with bfloat16
    return x.itemsize > y.itemsize ? x : y;
  }
  if (x.isFloatingPoint) return x;
  if (y.isFloatingPoint) return y;
  // Two integer dtypes: uint8 with a signed one needs the next signed size up from int8.
  if (x === uint8 || y === uint8) {
    const s = x === uint8 ? y : x;
    return s === int8 ? int16 : s;
  }
  return x.itemsize > y.itemsize ? x : y;
}

/** What takes part in `resultType`: a tensor (its dtype and number of dims) or a number. */
export type Operand = { dtype: DType; ndim: number } | number | boolean | bigint;

const enum Slot { Dim, Zero, Wrapped }

/** PyTorch's `combine_categories`: the higher-priority slot wins unless the lower one is of a higher category. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (higher.isFloatingPoint) return higher;
  if (higher === bool || lower.isFloatingPoint) return promoteTypes(higher, lower);
  return higher;
}

/**
 * The dtype of a JavaScript number as an operand: an integer counts as a Python int (int64), any
 * other number as a Python float (the default dtype, float32, once promoted), a boolean as a
 * Python bool and a bigint as an int.
 */
export function numberDType(v: number | boolean | bigint): DType {
  if (typeof v === 'boolean') return bool;
  if (typeof v === 'bigint') return int64;
  return Number.isInteger(v) ? int64 : float32;
}

/**
 * PyTorch's `torch.result_type` over tensors and numbers: categories bool < integer < floating,
 * and within the highest category present, dimensioned tensors win over 0-d tensors, which win
 * over numbers. (A JavaScript number counts as a Python int when it is an integer, else as a
 * Python float: see the README.)
 *
 * @example
 * ```ts
 * import { resultType, tensor, int64, int32 } from '@tensile/tensor';
 * resultType(tensor([1, 2], { dtype: int64 }), 2.5); // torch.float32
 * resultType(tensor([1, 2], { dtype: int32 }), tensor(7, { dtype: int64 })); // torch.int32
 * ```
 */
export function resultType(...operands: readonly Operand[]): DType {
  const slots: [DType | null, DType | null, DType | null] = [null, null, null];
  for (const o of operands) {
    let d: DType, slot: Slot;
    if (typeof o === 'object' && o !== null) {
      d = o.dtype;
      slot = o.ndim > 0 ? Slot.Dim : Slot.Zero;
    } else if (typeof o === 'number' || typeof o === 'boolean' || typeof o === 'bigint') {
      d = numberDType(o);
      slot = Slot.Wrapped;
    } else {
      throw new TypeError(`resultType: operands must be tensors or numbers, got ${String(o)}`);
    }
    const cur = slots[slot];
    slots[slot] = cur ? promoteTypes(cur, d) : d;
  }
  const r = combine(slots[Slot.Dim], combine(slots[Slot.Zero], slots[Slot.Wrapped]));
  if (r === null) throw new TypeError('resultType: needs at least one operand');
  return r;
}

/**
 * Whether a value of dtype `from` may be written into `to` by an in-place op or an `out=`:
 * PyTorch's `canCast` (no floating into integral, no integral into bool).
 *
 * @example
 * ```ts
 * import { canCast, float32, int64, bool } from '@tensile/tensor';
 * canCast(int64, float32); // true
 * canCast(float32, int64); // false
 * canCast(int64, bool); // false
 * ```
 */
export function canCast(from: DType, to: DType): boolean {
  if (from.isFloatingPoint && !to.isFloatingPoint) return false;
  if (from !== bool && to === bool) return false;
  return true;
}

/** How PyTorch's overflow message names each dtype (its C++ type). */
const CPP_TYPE: Readonly<Record<DTypeName, string>> = {
  float32: 'float', float64: 'double', float16: 'at::Half', bfloat16: 'at::BFloat16',
  int64: 'int64_t', int32: 'int', int16: 'int16_t', int8: 'int8_t', uint8: 'uint8_t', bool: 'bool',
};
/** The largest finite value of each narrower floating dtype. */
const FLOAT_MAX: Readonly<Partial<Record<DTypeName, number>>> = { float32: 3.4028234663852886e38, float16: 65504, bfloat16: 3.3895313892515355e38 };

/** @internal The largest finite value of a floating dtype (PyTorch's `finfo(dt).max`). */
export function largestFinite(dt: DType): number {
  return FLOAT_MAX[dt.name] ?? Number.MAX_VALUE;
}
/** Each integral dtype's range. */
const INT_RANGE: Readonly<Partial<Record<DTypeName, readonly [bigint, bigint]>>> = {
  uint8: [0n, 255n], int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * PyTorch's `c10::overflows`, the check behind its "value cannot be converted to type int16_t
 * without overflow": whether the scalar argument `v` (an `alpha`, a fill value, a clamp bound)
 * does not fit `dt`. Floating dtypes take ±Infinity and NaN but no finite value beyond their
 * largest; integral ones take an integer in their range or, unsigned, down to minus their
 * largest (two's complement: `uint8` takes -1 as 255), and a fraction strictly inside the range
 * (it is truncated); bool and float64 take anything. An integer-valued number counts as an
 * integer (JavaScript has no separate int).
 *
 * @internal `scalarOverflows(40000, int16)` and `scalarOverflows(1e300, float32)` are true;
 * `scalarOverflows(-1, uint8)` and `scalarOverflows(Infinity, float32)` are false.
 */
export function scalarOverflows(v: number | bigint | boolean, dt: DType): boolean {
  if (typeof v === 'boolean') return false;
  const max = FLOAT_MAX[dt.name];
  if (max !== undefined) {
    const x = Number(v);
    return Number.isFinite(x) && Math.abs(x) > max;
  }
  const range = INT_RANGE[dt.name];
  if (range === undefined) return false; // float64, bool
  const [lo, hi] = range;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return true;
    if (!Number.isInteger(v)) return v < Number(lo) || v > Number(hi); // fractions and ±Infinity
  }
  const b = BigInt(v);
  return dt.isSigned ? b < lo || b > hi : b > hi || -b > hi;
}

/**
 * @internal Throws PyTorch's overflow error for a scalar argument `v` that does not fit `dt`
 * (see `scalarOverflows`), naming the function, the argument and the value (`shown`, where the
 * value converted is not the one given: `sub` converts `-alpha`).
 */
export function checkScalarFits(op: string, arg: string, v: number | bigint | boolean, dt: DType, shown: number | bigint | boolean = v): void {
  if (scalarOverflows(v, dt)) throw new RangeError(`${op}: value cannot be converted to type ${CPP_TYPE[dt.name]} without overflow (${arg} = ${String(shown)})`);
}
