import { ShapeError } from './errors.js';

export type Shape = readonly number[];

/** `[2,3]` — the format every error message uses for shapes. */
export const fmt = (shape: Shape): string => `[${shape.join(',')}]`;

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Validates a shape given by the user: non-negative integers. */
/** The most elements a Float32Array holds in V8 (Node, Chromium); other engines may allow fewer. */
export const MAX_NUMEL = 2 ** 32;

export function checkShape(op: string, shape: Shape, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: ${arg} must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`${op}: ${arg} must hold non-negative integers, got ${fmt(shape)}`);
  }
  const n = numel(shape);
  if (n > MAX_NUMEL) throw new RangeError(`${op}: ${arg} ${fmt(shape)} has ${n} elements, more than the ${MAX_NUMEL} a Float32Array can hold`);
  return [...shape];
}

/** Accepts `f([2, 3])` and `f(2, 3)`. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

/** Normalises a possibly negative dim; `RangeError` names the op and the rank. */
export function normDim(op: string, dim: number, ndim: number, arg = 'dim'): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`${op}: ${arg} ${dim} out of range for a ${ndim}-d tensor`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalised, sorted, distinct dims; `null`/`undefined` means every dim. */
export function normDims(op: string, dim: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new TypeError(`${op}: dim must be an integer, a list of them or null, got ${typeof dim === 'object' ? 'an object' : `${typeof dim} ${String(dim)}`}`);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const out = list.map((d) => normDim(op, d, ndim));
  const sorted = [...out].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new RangeError(`${op}: dim ${sorted[i]} appears more than once in ${fmt(list)}`);
  }
  return sorted;
}

/** PyTorch (NumPy) broadcasting. *
 * @example
 * ```ts
 * import { broadcastShapes } from '@tensile/tensor';
 * broadcastShapes('add', [4, 1, 3], [2, 1]); // [4, 2, 3]
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(`${op}: cannot broadcast ${fmt(a)} with ${fmt(b)}`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the (broadcast) shape `to`. */
export function broadcastStrides(shape: Shape, strides: Shape, to: Shape): number[] {
  const out = new Array<number>(to.length).fill(0);
  const off = to.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}
