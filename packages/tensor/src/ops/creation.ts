import { defaultGenerator, Generator as GeneratorClass, type Generator } from '../random.js';
import { checkShape, fmt, numel, shapeArgs } from '../shape.js';
import { ShapeError } from '../errors.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { describe, wrap } from './util.js';
import { checkOptions } from '../options.js';

const TENSOR_OPTIONS = ['requiresGrad'] as const;
const RANDOM_OPTIONS = ['requiresGrad', 'generator'] as const;

/** Options for creating a tensor. */
export interface TensorOptions {
  /** Record operations on this tensor for autograd. */
  requiresGrad?: boolean;
}

export interface TensorFromDataOptions extends TensorOptions {
  /** Shape for flat data (default: inferred from nesting, or `[data.length]`). */
  shape?: readonly number[];
}

export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/** Checks an options bag before anything is allocated: unknown keys and a non-boolean `requiresGrad`. */
function opts<O extends TensorOptions>(op: string, options: O | undefined, known: readonly (keyof O & string)[] = TENSOR_OPTIONS as readonly (keyof O & string)[]): O {
  const o = checkOptions(op, options, known);
  if (o.requiresGrad !== undefined && typeof o.requiresGrad !== 'boolean') {
    throw new TypeError(`${op}: requiresGrad must be a boolean, got ${describe(o.requiresGrad)}`);
  }
  return o;
}

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * Creates a tensor from nested arrays, a flat array or a typed array (copied into float32).
 *
 * @example
 * ```ts
 * import { tensor } from '@tensile/tensor';
 * tensor([[1, 2], [3, 4]]);                           // shape [2, 2]
 * tensor(new Float32Array(6), { shape: [2, 3] });     // shape [2, 3]
 * tensor(3.5);                                        // 0-d
 * ```
 */
export function tensor(data: NestedArray | ArrayLike<number>, options: TensorFromDataOptions = {}): Tensor {
  const o = opts('tensor', options, ['requiresGrad', 'shape']);
  let flat: Float32Array;
  let shape: number[];
  if (typeof data === 'number' || typeof data === 'boolean') {
    flat = Float32Array.of(Number(data));
    shape = [];
  } else if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new TypeError('tensor: data must be a number, a nested array of numbers or a typed array, got a DataView');
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new TypeError(`tensor: data must be a number, a nested array of numbers or a typed array of numbers, got a ${data.constructor.name} (convert with Array.from(data, Number))`);
    }
    flat = Float32Array.from(data as unknown as ArrayLike<number>);
    shape = [flat.length];
  } else if (Array.isArray(data)) {
    shape = [];
    let level: unknown = data;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    flat = new Float32Array(numel(shape));
    let i = 0;
    const walk = (a: unknown, d: number, path: string): void => {
      if (d === shape.length) {
        if (typeof a !== 'number' && typeof a !== 'boolean') throw new TypeError(`tensor: element at ${path} must be a number, got ${describe(a)}`);
        flat[i++] = Number(a);
        return;
      }
      if (!Array.isArray(a) || a.length !== shape[d]) {
        throw new ShapeError(`tensor: ragged nested array: ${path} has ${Array.isArray(a) ? `length ${a.length}` : describe(a)}, expected length ${shape[d]}`);
      }
      a.forEach((v, k) => walk(v, d + 1, `${path}[${k}]`));
    };
    walk(data, 0, 'data');
  } else {
    throw new TypeError(`tensor: data must be a number, a nested array of numbers or a typed array, got ${describe(data)}`);
  }
  if (o.shape !== undefined) {
    const s = checkShape('tensor', o.shape);
    if (numel(s) !== flat.length) throw new ShapeError(`tensor: shape ${fmt(s)} needs ${numel(s)} values, got ${flat.length}`);
    shape = s;
  }
  return finish(wrap(flat, shape), o);
}

/**
 * A tensor filled with `value`.
 * @example
 * ```ts
 * import { full } from '@tensile/tensor';
 * full([2, 2], 7); // tensor([[7., 7.], [7., 7.]])
 * ```
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number, options: TensorOptions): Tensor {
  const o = opts(op, options);
  const s = checkShape(op, shape);
  if (typeof value !== 'number') throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
  return finish(wrap(new Float32Array(numel(s)).fill(value), s), o);
}

/**
 * Zeros. @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]);
 * ```
 */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  const o = opts('zeros', options);
  const s = checkShape('zeros', shape);
  return finish(wrap(new Float32Array(numel(s)), s), o);
}
/**
 * Ones. @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * ones([3]);
 * ```
 */
export const ones = (shape: readonly number[], options: TensorOptions = {}): Tensor => filled('ones', shape, 1, options);
/** Zeros with x's shape. @example `zerosLike(x)` */
export const zerosLike = (x: Tensor, options: TensorOptions = {}): Tensor => zeros(x.shape, options);
/** Ones with x's shape. @example `onesLike(x)` */
export const onesLike = (x: Tensor, options: TensorOptions = {}): Tensor => ones(x.shape, options);
/** `value` with x's shape. @example `fullLike(x, 2)` */
export const fullLike = (x: Tensor, value: number, options: TensorOptions = {}): Tensor => full(x.shape, value, options);

/**
 * `start, start+step, ...` below `end` (one argument: `0..end`).
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(4);        // tensor([0., 1., 2., 3.])
 * arange(1, 2, 0.5); // tensor([1.0000, 1.5000])
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const o = opts('arange', options);
  const [a, b] = end === undefined ? [0, start] : [start, end];
  for (const [name, v] of [['start', a], ['end', b], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError('arange: step must be nonzero, got 0');
  if ((b - a) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign: start ${a}, end ${b}, step ${step}`);
  const n = Math.ceil((b - a) / step);
  checkShape('arange', [n], 'length');
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  return finish(wrap(out, [n]), o);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 * @example
 * ```ts
 * import { linspace } from '@tensile/tensor';
 * linspace(0, 1, 5); // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  const o = opts('linspace', options);
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`linspace: ${name} must be a finite number, got ${describe(v)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${describe(steps)}`);
  checkShape('linspace', [steps], 'steps');
  const out = new Float32Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // NOTE: PyTorch fills the second half from the end so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return finish(wrap(out, [steps]), o);
}

/**
 * Identity matrix `n x m` (square by default).
 * @example
 * ```ts
 * import { eye } from '@tensile/tensor';
 * eye(2); // tensor([[1., 0.], [0., 1.]])
 * ```
 */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const o = opts('eye', options);
  checkShape('eye', [n, m], 'size');
  const out = new Float32Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return finish(wrap(out, [n, m]), o);
}

function randomFill(op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator) => number): Tensor {
  const o = opts(op, options, RANDOM_OPTIONS);
  const s = checkShape(op, shape);
  const g = o.generator ?? defaultGenerator;
  if (!(g instanceof GeneratorClass)) throw new TypeError(`${op}: generator must be a Generator, got ${describe(g)}`);
  const out = new Float32Array(numel(s));
  for (let i = 0; i < out.length; i++) out[i] = draw(g);
  return finish(wrap(out, s), o);
}

/**
 * Uniform samples in [0, 1).
 * @example
 * ```ts
 * import { manualSeed, rand } from '@tensile/tensor';
 * manualSeed(0); rand([2, 2]);
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  // NOTE: rounding a double in [0,1) to float32 can give exactly 1; redraw those.
  return randomFill('rand', shape, options, (g) => {
    for (;;) {
      const u = Math.fround(g.uniform());
      if (u < 1) return u;
    }
  });
}

/**
 * Standard normal samples.
 * @example
 * ```ts
 * import { randn } from '@tensile/tensor';
 * randn([3]);
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFill('randn', shape, options, (g) => g.normal());
}

/**
 * Integers uniformly drawn from [low, high), as float32 values.
 * @example
 * ```ts
 * import { randint } from '@tensile/tensor';
 * randint(0, 10, [5]);
 * ```
 */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expects integers low < high, got low ${low}, high ${high}`);
  }
  return randomFill('randint', shape, options, (g) => g.int(low, high));
}

/**
 * Uniform samples in `[low, high)`.
 * @example
 * ```ts
 * import { uniform } from '@tensile/tensor';
 * uniform([3], -1, 1);
 * ```
 */
export function uniform(shape: readonly number[], low: number, high: number, options: RandomOptions = {}): Tensor {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) throw new RangeError(`uniform: expects finite low <= high, got low ${low}, high ${high}`);
  return randomFill('uniform', shape, options, (g) => low + (high - low) * g.uniform());
}

export { shapeArgs };
