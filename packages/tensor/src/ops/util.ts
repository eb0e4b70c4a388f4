import { Storage, Tensor, type TensorLike } from '../tensor.js';
import { numel, type Shape } from '../shape.js';

/** A fresh, zero-filled, contiguous tensor. */
export function empty(shape: Shape): Tensor {
  return new Tensor(new Storage(new Float32Array(numel(shape))), shape);
}

/** Wraps data (owned, not copied) as a contiguous tensor. */
export function wrap(data: Float32Array, shape: Shape): Tensor {
  return new Tensor(new Storage(data), shape);
}

/** A 0-d constant holding float32(v), as PyTorch wraps a Python scalar operand. */
export function scalar(v: number): Tensor {
  const t = empty([]);
  t.storage.data[0] = v;
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

export function checkNumber(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${arg} must be a number, got ${describe(v)}`);
  return v;
}
