import { Storage, Tensor, type TensorLike } from '../tensor.js';
import { numel, type Shape } from '../shape.js';
import { bool, float32, int64, type DType, type StorageArray } from '../dtype.js';
import { numberToInt64, numberWriter } from './typed.js';
import { allocStorage } from '../storage-pool.js';

/** A fresh, zero-filled, contiguous tensor (float32 unless `dtype` is given); its memory may be a collected tensor's (storage-pool.ts). */
export function empty(shape: Shape, dtype: DType = float32): Tensor {
  return new Tensor(new Storage(allocStorage(dtype.array, numel(shape)), dtype), shape);
}

/** Wraps data (owned, not copied) as a contiguous tensor. */
export function wrap(data: StorageArray, shape: Shape, dtype?: DType): Tensor {
  return new Tensor(new Storage(data, dtype), shape);
}

/**
 * A 0-d constant holding `v` in `dtype` (float32(v) by default, as PyTorch wraps a Python
 * scalar operand of a float32 op); a bigint keeps all its bits in int64.
 */
export function scalar(v: number | bigint | boolean, dtype: DType = float32): Tensor {
  const t = empty([], dtype);
  if (typeof v === 'bigint') {
    if (dtype === int64) (t.storage.data as BigInt64Array)[0] = BigInt.asIntN(64, v);
    else numberWriter(dtype)(t.storage.data, 0, Number(v));
  } else if (dtype === int64) (t.storage.data as BigInt64Array)[0] = numberToInt64(Number(v));
  else if (dtype === bool) (t.storage.data as Uint8Array)[0] = v !== 0 && v !== false ? 1 : 0; // NaN is true, as C++'s bool(NaN)
  else numberWriter(dtype)(t.storage.data, 0, Number(v));
  return t;
}

/** Checks that an argument is a tensor; TypeError names the op and the argument. */
export function expectTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
  return x;
}

export function toTensor(op: string, arg: string, x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalar(x);
  throw new TypeError(`${op}: ${arg} must be a Tensor or a number, got ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

/** A value for an error message: a number as it is (`got -1`), anything else with its type (`got string 1`). */
export function shown(x: unknown): string {
  return typeof x === 'number' ? String(x) : describe(x);
}

export function checkNumber(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${arg} must be a number, got ${describe(v)}`);
  return v;
}
