import { allocStorage } from '../storage-pool.js';
import { defaultGenerator, Generator as GeneratorClass, shuffledRange, type Generator } from '../random.js';
import { checkShape, fmt, numel, shapeArgs } from '../shape.js';
import { ShapeError } from '../errors.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { describe, wrap } from './util.js';
import { bool, checkScalarFits, float32, float64, int32, int64, scalarOverflows, toDType, type DType, type DTypeLike, type StorageArray } from '../dtype.js';
import { numberToInt64, numberWriter } from './typed.js';

/** What `tensor()` takes: a number, bool or bigint (0-d), nested arrays of them, or a typed array. */
export type TensorData = NestedArray | boolean | bigint | readonly (number | boolean | bigint | TensorData)[] | ArrayLike<number> | BigInt64Array;

/** A tensor over `data` as it is (no copy). */
const wrapRaw = (data: StorageArray, dtype: DType): Tensor => wrap(data, [data.length], dtype);
import { checkOptions } from '../options.js';

const TENSOR_OPTIONS = ['requiresGrad', 'dtype'] as const;
const RANDOM_OPTIONS = ['requiresGrad', 'generator', 'dtype'] as const;

/** Options for creating a tensor. */
export interface TensorOptions {
  /** Record operations on this tensor for autograd (floating dtypes only, as PyTorch). */
  requiresGrad?: boolean;
  /** The element type (a dtype object or name: `int64`, `'float64'`, `'long'` ...); float32 unless said. */
  dtype?: DTypeLike;
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

/**
 * PyTorch's size arguments: a shape array (`zeros([2, 3])`) or sizes as separate numbers
 * (`zeros(2, 3)`, PyTorch's `torch.zeros(2, 3)`), then an optional options bag.
 */
export type SizeArgs<O> = [shape: readonly number[], options?: O] | number[] | [...sizes: number[], options: O];

function sizeArgs<O extends object>(op: string, args: readonly unknown[]): [readonly number[], O | undefined] {
  if (Array.isArray(args[0])) {
    if (args.length > 2) throw new TypeError(`${op}: after a shape array only an options object may follow, got ${args.length} arguments`);
    return [args[0] as readonly number[], args[1] as O | undefined];
  }
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && typeof last === 'object' && last !== null;
  const sizes = hasOptions ? args.slice(0, -1) : args;
  sizes.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`${op}: size ${i} must be a number (or pass one shape array), got ${describe(v)}`);
  });
  return [sizes as number[], hasOptions ? (last as O) : undefined];
}

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The dtype an options bag asks for (`fallback` when it names none). */
function dtypeOf(op: string, o: TensorOptions, fallback: DType = float32): DType {
  return o.dtype === undefined ? fallback : toDType(o.dtype, op);
}

/** Numbers (as doubles) stored in `dtype`, cast as PyTorch casts (see typed.ts). */
function fromNumbers(values: ArrayLike<number>, dtype: DType): StorageArray {
  if (dtype === float32) {
    const out = allocStorage(Float32Array, values.length);
    out.set(values);
    return out;
  }
  const out = allocStorage(dtype.array, values.length);
  const write = numberWriter(dtype);
  for (let i = 0; i < values.length; i++) write(out, i, values[i]!);
  return out;
}

/** Checks `requiresGrad` against the dtype before anything is allocated (PyTorch's message). */
function checkGradDType(op: string, o: TensorOptions, dtype: DType): void {
  if (o.requiresGrad && !dtype.isFloatingPoint) throw new TypeError(`${op}: only Tensors of floating point and complex dtype can require gradients, got ${dtype.name}`);
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
export function tensor(data: TensorData, options: TensorFromDataOptions = {}): Tensor {
  const o = opts('tensor', options, ['requiresGrad', 'shape', 'dtype']);
  let flat: StorageArray;
  let shape: number[];
  let inferred: DType = float32;
  const asked = o.dtype === undefined ? undefined : toDType(o.dtype, 'tensor');
  if (asked) checkGradDType('tensor', o, asked);
  if (typeof data === 'number' || typeof data === 'boolean' || typeof data === 'bigint') {
    inferred = typeof data === 'boolean' ? bool : typeof data === 'bigint' ? int64 : float32;
    checkElementFits(data, asked ?? inferred, []);
    flat = scalarData(data, asked ?? inferred);
    shape = [];
  } else if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new TypeError('tensor: data must be a number, a nested array of numbers or a typed array, got a DataView');
    if (data instanceof BigUint64Array) throw new TypeError('tensor: data must be a number, a nested array of numbers or a typed array of numbers, got a BigUint64Array (PyTorch has no uint64: convert to a BigInt64Array)');
    // The typed array says the dtype where PyTorch's would: Int32Array int32, BigInt64Array int64 (every bit); other arrays give float32 unless asked.
    inferred = data instanceof Int32Array ? int32 : data instanceof BigInt64Array ? int64 : float32;
    const want = asked ?? inferred;
    if (data instanceof BigInt64Array) {
      const src = wrapRaw(data.slice(), int64);
      flat = want === int64 ? src.storage.data : src.to(want).storage.data;
    } else flat = fromNumbers(data as unknown as ArrayLike<number>, want);
    shape = [flat.length];
  } else if (Array.isArray(data)) {
    shape = [];
    let level: unknown = data;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const values: (number | boolean | bigint)[] = new Array(numel(shape));
    let i = 0, kinds = 0; // bit 1: a number, 2: a boolean, 4: a bigint
    const walk = (a: unknown, d: number, path: string): void => {
      if (d === shape.length) {
        if (typeof a !== 'number' && typeof a !== 'boolean' && typeof a !== 'bigint') throw new TypeError(`tensor: element at ${path} must be a number, got ${describe(a)}`);
        kinds |= typeof a === 'number' ? 1 : typeof a === 'boolean' ? 2 : 4;
        values[i++] = a;
        return;
      }
      if (!Array.isArray(a) || a.length !== shape[d]) {
        throw new ShapeError(`tensor: ragged nested array: ${path} has ${Array.isArray(a) ? `length ${a.length}` : describe(a)}, expected length ${shape[d]}`);
      }
      a.forEach((v, k) => walk(v, d + 1, `${path}[${k}]`));
    };
    walk(data, 0, 'data');
    // Booleans only: bool; bigints (with or without small numbers): int64; anything else float32.
    inferred = kinds === 2 ? bool : kinds & 4 && !(kinds & 2) ? int64 : float32;
    const want = asked ?? inferred;
    if (!want.isFloatingPoint && want !== bool) values.forEach((v, k) => checkElementFits(v, want, shape, k));
    if (want === int64) {
      const out = new BigInt64Array(values.length);
      values.forEach((v, k) => { out[k] = typeof v === 'bigint' ? BigInt.asIntN(64, v) : numberToInt64(Number(v)); });
      flat = out;
    } else flat = fromNumbers(values.map((v) => (typeof v === 'bigint' ? Number(v) : Number(v))), want);
  } else {
    throw new TypeError(`tensor: data must be a number, a nested array of numbers or a typed array, got ${describe(data)}`);
  }
  if (o.shape !== undefined) {
    const s = checkShape('tensor', o.shape);
    if (numel(s) !== flat.length) throw new ShapeError(`tensor: shape ${fmt(s)} needs ${numel(s)} values, got ${flat.length}`);
    shape = s;
  }
  const dt = asked ?? inferred;
  checkGradDType('tensor', o, dt);
  return finish(wrap(flat, shape, dt), o);
}

/**
 * PyTorch's check on the elements of a nested list given an integral dtype: an element that does
 * not fit is an error (a float dtype takes any number: beyond its range it is ±Infinity). Typed
 * arrays are converted unchecked, as PyTorch converts a NumPy array.
 */
function checkElementFits(v: number | boolean | bigint, dtype: DType, shape: readonly number[], k = 0): void {
  if (dtype.isFloatingPoint || dtype === bool || !scalarOverflows(v, dtype)) return;
  const at: number[] = [];
  for (let d = shape.length - 1, r = k; d >= 0; d--) {
    at.unshift(r % shape[d]!);
    r = Math.floor(r / shape[d]!);
  }
  throw new RangeError(`tensor: value cannot be converted to type ${dtype.name} without overflow (data${at.map((i) => `[${i}]`).join('')} = ${String(v)})`);
}

/** One value in `dtype`'s storage. */
function scalarData(v: number | boolean | bigint, dtype: DType): StorageArray {
  const out = new dtype.array(1);
  if (dtype === int64) (out as BigInt64Array)[0] = typeof v === 'bigint' ? BigInt.asIntN(64, v) : numberToInt64(Number(v));
  else numberWriter(dtype)(out, 0, Number(v));
  return out;
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

function filled(op: string, shape: readonly number[], value: number | boolean | bigint, options: TensorOptions, fallback: DType = float32): Tensor {
  const o = opts(op, options);
  const s = checkShape(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
  const dt = dtypeOf(op, o, fallback);
  checkGradDType(op, o, dt);
  checkScalarFits(op, 'value', value, dt);
  if (dt === float32) return finish(wrap(allocStorage(Float32Array, numel(s)).fill(Number(value)), s), o);
  const one = scalarData(value, dt), out = allocStorage(dt.array, numel(s));
  (out as Float64Array).fill((one as Float64Array)[0]!); // one element of the same array type
  return finish(wrap(out, s, dt), o);
}

/**
 * Zeros; the shape as an array or as separate sizes, as PyTorch's. @example
 * ```ts
 * import { zeros, int64 } from '@tensile/tensor';
 * zeros([2, 3]);
 * zeros(2, 3, { dtype: int64 });
 * ```
 */
export function zeros(...args: SizeArgs<TensorOptions>): Tensor {
  return filledZeros('zeros', args);
}

/**
 * PyTorch's `torch.empty`: a tensor to be written before it is read. Here its memory is always
 * zeroed (a JavaScript typed array is), so it is `zeros` under PyTorch's name.
 * @example
 * ```ts
 * import { empty } from '@tensile/tensor';
 * empty(2, 3).uniform_(-1, 1).shape; // [2, 3]
 * ```
 */
export function empty(...args: SizeArgs<TensorOptions>): Tensor {
  return filledZeros('empty', args);
}

function filledZeros(op: string, args: SizeArgs<TensorOptions>): Tensor {
  const [shape, options] = sizeArgs<TensorOptions>(op, args);
  const o = opts(op, options);
  const s = checkShape(op, shape);
  const dt = dtypeOf(op, o);
  checkGradDType(op, o, dt);
  return finish(wrap(allocStorage(dt.array, numel(s)), s, dt), o);
}
/**
 * Ones; the shape as an array or as separate sizes. @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * ones([3]);
 * ones(3, 3);
 * ```
 */
export function ones(...args: SizeArgs<TensorOptions>): Tensor {
  const [shape, options] = sizeArgs<TensorOptions>('ones', args);
  return filled('ones', shape, 1, options ?? {});
}
/** Zeros with x's shape and dtype (unless `dtype` says another). @example `zerosLike(x)` */
export const zerosLike = (x: Tensor, options: TensorOptions = {}): Tensor => zeros(x.shape, { dtype: x.dtype, ...options });
/** Ones with x's shape and dtype. @example `onesLike(x)` */
export const onesLike = (x: Tensor, options: TensorOptions = {}): Tensor => ones(x.shape, { dtype: x.dtype, ...options });
/** `value` with x's shape and dtype. @example `fullLike(x, 2)` */
export const fullLike = (x: Tensor, value: number, options: TensorOptions = {}): Tensor => full(x.shape, value, { dtype: x.dtype, ...options });

/**
 * `start, start+step, ...` below `end` (one argument: `0..end`).
 * @example
 * ```ts
 * import { arange } from '@tensile/tensor';
 * arange(4);        // tensor([0, 1, 2, 3]): int64, as PyTorch's for integer arguments
 * arange(1, 2, 0.5); // tensor([1.0000, 1.5000])
 * arange(4, undefined, 1, { dtype: 'float32' }); // tensor([0., 1., 2., 3.])
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const o = opts('arange', options);
  // PyTorch's rule: integers everywhere give int64, any other number the default float dtype.
  const [a, b] = end === undefined ? [0, start] : [start, end];
  for (const [name, v] of [['start', a], ['end', b], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new RangeError('arange: step must be nonzero, got 0');
  if ((b - a) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign: start ${a}, end ${b}, step ${step}`);
  const n = Math.ceil((b - a) / step);
  checkShape('arange', [n], 'length');
  const dt = dtypeOf('arange', o, Number.isInteger(a) && Number.isInteger(b) && Number.isInteger(step) ? int64 : float32);
  checkGradDType('arange', o, dt);
  if (dt === int64) {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(a + i * step);
    return finish(wrap(out, [n], int64), o);
  }
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = a + i * step;
  return finish(wrap(fromNumbers(vals, dt), [n], dt), o);
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
  const dt = dtypeOf('linspace', o);
  checkGradDType('linspace', o, dt);
  const out = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // NOTE: PyTorch fills the second half from the end so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return finish(wrap(fromNumbers(out, dt), [steps], dt), o);
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
  const dt = dtypeOf('eye', o);
  checkGradDType('eye', o, dt);
  const out = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return finish(wrap(fromNumbers(out, dt), [n, m], dt), o);
}

/**
 * A tensor of `draw`'s values (one call an element), checked options first; `fillFloat32`, when
 * given, fills a float32 result in one call instead (the same values: `rand`'s
 * `Generator.fillUniform`).
 */
function randomFill(
  op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator, dt: DType) => number, fallback: DType = float32, floatOnly = true,
  fillFloat32?: (g: Generator, out: Float32Array) => void,
): Tensor {
  const o = opts(op, options, RANDOM_OPTIONS);
  const s = checkShape(op, shape);
  const g = checkGenerator(op, o.generator);
  const dt = dtypeOf(op, o, fallback);
  if (floatOnly && !dt.isFloatingPoint) throw new TypeError(`${op}: "${op}" not implemented for '${dt.cName}' (it draws floating-point values)`);
  checkGradDType(op, o, dt);
  if (dt === float32) {
    const out = new Float32Array(numel(s));
    if (fillFloat32) fillFloat32(g, out);
    else for (let i = 0; i < out.length; i++) out[i] = draw(g, dt);
    return finish(wrap(out, s), o);
  }
  const vals = new Float64Array(numel(s));
  for (let i = 0; i < vals.length; i++) vals[i] = draw(g, dt);
  return finish(wrap(fromNumbers(vals, dt), s, dt), o);
}

/**
 * Uniform samples in [0, 1); the shape as an array or as separate sizes.
 * @example
 * ```ts
 * import { manualSeed, rand } from '@tensile/tensor';
 * manualSeed(0); rand([2, 2]); rand(2, 2);
 * ```
 */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, options = {}] = sizeArgs<RandomOptions>('rand', args);
  // NOTE: rounding a double in [0,1) to float32 can give exactly 1; redraw those (float32: the
  // generator's fillUniform, the same draws in one loop; the half types round these further).
  return randomFill('rand', shape, options, (g, dt) => {
    if (dt === float64) return g.uniform();
    for (;;) {
      const u = Math.fround(g.uniform());
      if (u < 1) return u;
    }
  }, float32, true, (g, out) => g.fillUniform(out));
}

/**
 * Standard normal samples; the shape as an array or as separate sizes.
 * @example
 * ```ts
 * import { randn } from '@tensile/tensor';
 * randn([3]);
 * randn(2, 3);
 * ```
 */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, options = {}] = sizeArgs<RandomOptions>('randn', args);
  return randomFill('randn', shape, options, (g) => g.normal());
}

/**
 * Integers uniformly drawn from [low, high), int64 unless `dtype` says another (PyTorch's
 * default); PyTorch's two forms, `randint(high, size)` (low 0) and `randint(low, high, size)`.
 * @example
 * ```ts
 * import { randint } from '@tensile/tensor';
 * randint(0, 10, [5]);
 * randint(10, [4]); // PyTorch's randint(10, (4,))
 * ```
 */
export function randint(high: number, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number, high: number, size: readonly number[], options?: RandomOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | RandomOptions, d: RandomOptions = {}): Tensor {
  const short = Array.isArray(b);
  const low = short ? 0 : a, high = short ? a : (b as number);
  const shape = (short ? b : c) as readonly number[];
  const options = (short ? c ?? {} : d) as RandomOptions;
  if (!Array.isArray(shape)) throw new TypeError(`randint: size must be an array of sizes (randint(high, size) or randint(low, high, size)), got ${describe(shape)}`);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expects integers low < high, got low ${low}, high ${high}`);
  }
  return randomFill('randint', shape, options, (g) => g.int(low, high), int64, false);
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

/**
 * A random permutation of `0 … n-1`, int64 unless `dtype` says another (PyTorch's `randperm`).
 * The order comes from this library's generator, so it is not PyTorch's sequence for a seed.
 * @example
 * ```ts
 * import { randperm, manualSeed } from '@tensile/tensor';
 * manualSeed(0);
 * randperm(5).sort().values.tolist(); // [0, 1, 2, 3, 4]
 * ```
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const o = opts('randperm', options, RANDOM_OPTIONS);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${describe(n)}`);
  const dt = o.dtype === undefined ? int64 : toDType(o.dtype, 'randperm');
  if (o.requiresGrad && !dt.isFloatingPoint) throw new TypeError(`randperm: only Tensors of floating point and complex dtype can require gradients, got ${dt.name}`);
  if (dt === bool) throw new TypeError('randperm: "randperm" not implemented for \'Bool\'');
  // PyTorch's checks: a float dtype holds 0 … 2^digits exactly; an integer one must hold n itself
  const digits: Partial<Record<string, number>> = { float64: 53, float32: 24, float16: 11, bfloat16: 8 };
  const exact = digits[dt.name];
  if (exact !== undefined && n > 2 ** exact + 1) throw new RangeError(`randperm: n cannot be greater than ${exact > 11 ? `2^${exact}+1` : 2 ** exact + 1} for ${dt.cName} type.`);
  if (exact === undefined && n > 0 && scalarOverflows(n - 1, dt)) throw new RangeError(`randperm: value cannot be converted to type ${dt.name === 'uint8' ? 'uint8_t' : dt.name === 'int8' ? 'int8_t' : dt.name === 'int16' ? 'int16_t' : 'int'} without overflow`);
  const p = shuffledRange(n, o.generator ?? defaultGenerator); // the loaders' own shuffle
  const out = dt === int64 ? wrap(BigInt64Array.from(p, BigInt), [n], int64) : wrap(fromNumbersTyped(p, dt), [n], dt);
  if (o.requiresGrad) out.requiresGrad_(true);
  return out;
}

/** The generator option of the sampling functions. */
export interface SampleOptions {
  /** The generator to draw from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/** `g` (the default generator when absent), or a TypeError naming `op` and the value. */
function checkGenerator(op: string, g: unknown): Generator {
  const gen = g ?? defaultGenerator;
  if (!(gen instanceof GeneratorClass)) throw new TypeError(`${op}: generator must be a Generator, got ${describe(gen)}`);
  return gen;
}

function generatorOf(op: string, options: SampleOptions): Generator {
  return checkGenerator(op, checkOptions(op, options, ['generator']).generator);
}

/**
 * 1 with probability `p[i]`, else 0, in `p`'s (floating) dtype: PyTorch's `torch.bernoulli(p)`.
 * Probabilities outside [0, 1] are PyTorch's error. No gradient.
 * @example
 * ```ts
 * import { bernoulli, full } from '@tensile/tensor';
 * bernoulli(full([4], 0.5)); // 0s and 1s
 * ```
 */
export function bernoulli(p: Tensor, options: SampleOptions = {}): Tensor {
  if (!(p instanceof Tensor)) throw new TypeError(`bernoulli: input must be a Tensor, got ${describe(p)}`);
  const g = generatorOf('bernoulli', options);
  // PyTorch 1.13's CPU kernel takes float32, float64 and bfloat16 (read through float32 here)
  if (!p.dtype.isFloatingPoint || p.dtype.name === 'float16') throw new TypeError(`bernoulli: "bernoulli_tensor_cpu_self_" not implemented for '${p.dtype.cName}'`);
  const probs = (p.dtype.itemsize === 2 ? p.float() : p).contiguous().toTypedArray() as Float32Array | Float64Array;
  const vals = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    const q = Number(probs[i]);
    if (!(q >= 0 && q <= 1)) throw new RangeError(`bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false (a probability is ${q})`);
    vals[i] = g.uniform() < q ? 1 : 0;
  }
  return wrap(fromNumbers(vals, p.dtype), [...p.shape], p.dtype);
}

/**
 * Normal samples: `normal(mean, std)` with tensors (or a tensor and a number) of broadcastable
 * shapes, or `normal(mean, std, size)` with numbers (PyTorch's `torch.normal` forms). The tensor
 * forms are differentiable in `mean` and `std` (`mean + std·z`, PyTorch's derivatives).
 * @example
 * ```ts
 * import { normal, zeros, ones } from '@tensile/tensor';
 * normal(zeros([3]), ones([3])); // N(0, 1) samples
 * normal(2, 0.5, [2, 2]);        // N(2, 0.25) samples
 * ```
 */
export function normal(mean: Tensor | number, std: Tensor | number, size?: readonly number[] | SampleOptions, options: SampleOptions = {}): Tensor {
  const op = 'normal';
  const sized = Array.isArray(size);
  const g = generatorOf(op, (sized ? options : (size as SampleOptions | undefined)) ?? {});
  if (typeof mean === 'number' && typeof std === 'number') {
    if (!sized) throw new TypeError(`${op}: with a number mean and std, give the size: normal(mean, std, size)`);
    if (!(std >= 0)) throw new RangeError(`${op}: normal expects std >= 0.0, but found std ${std}`);
    return randomFill(op, size as readonly number[], g === defaultGenerator ? {} : { generator: g }, (gen) => mean + std * gen.normal());
  }
  const m = mean instanceof Tensor ? mean : null, s = std instanceof Tensor ? std : null;
  const like = (m ?? s)!;
  if ((m && !m.dtype.isFloatingPoint) || (s && !s.dtype.isFloatingPoint)) throw new TypeError(`${op}: "normal_kernel_cpu" not implemented for '${(m && !m.dtype.isFloatingPoint ? m : s)!.dtype.cName}'`);
  if (s && (s.float().toTypedArray() as Float32Array).some((v) => !(v >= 0))) throw new RangeError(`${op}: normal expects all elements of std >= 0.0`);
  if (!s && !((std as number) >= 0)) throw new RangeError(`${op}: normal expects std >= 0.0, but found std ${std as number}`);
  const shape = m && s ? (m.numel() >= s.numel() ? m.shape : s.shape) : like.shape;
  // float16/bfloat16 (which have no arithmetic here) draw and combine in float32, then round once
  const wide = like.dtype.itemsize === 2, up = (t: Tensor | null): Tensor | null => (t && wide ? t.float() : t);
  const z = randomFill(op, shape, { dtype: wide ? float32 : like.dtype, ...(g === defaultGenerator ? {} : { generator: g }) }, (gen) => gen.normal());
  // differentiable in mean and std, as PyTorch's (grad, and grad·(result − mean)/std)
  const out = z.mul(up(s) ?? (std as number)).add(up(m) ?? (mean as number));
  return wide ? out.to(like.dtype) : out;
}

/** Small integers stored in `dtype` (exact in every dtype randperm allows). */
function fromNumbersTyped(values: readonly number[], dtype: DType): StorageArray {
  const out = allocStorage(dtype.array, values.length);
  const write = numberWriter(dtype);
  for (let i = 0; i < values.length; i++) write(out, i, values[i]!);
  return out;
}

export { shapeArgs };

// ---- the *Like random tensors --------------------------------------------------------------

/**
 * Standard normal samples with x's shape and dtype (PyTorch's `randn_like`; a floating dtype).
 * @example
 * ```ts
 * import { randnLike, zeros, float64 } from '@tensile/tensor';
 * randnLike(zeros([2], { dtype: float64 })).dtype; // torch.float64
 * ```
 */
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  likeInput('randnLike', x);
  floatLike('randnLike', 'normal_kernel_cpu', x, options);
  return randn(x.shape, { dtype: x.dtype, ...checkOptions('randnLike', options, RANDOM_OPTIONS) });
}

/** Uniform samples in [0, 1) with x's shape and dtype (PyTorch's `rand_like`). @example `randLike(x)` */
export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  likeInput('randLike', x);
  floatLike('randLike', 'check_uniform_bounds', x, options);
  return rand(x.shape, { dtype: x.dtype, ...checkOptions('randLike', options, RANDOM_OPTIONS) });
}

/**
 * Integers drawn from [low, high) with x's shape and dtype (PyTorch's `randint_like(x, high)` and
 * `randint_like(x, low, high)`).
 * @example
 * ```ts
 * import { randintLike, zeros, int64 } from '@tensile/tensor';
 * randintLike(zeros([3], { dtype: int64 }), 10); // int64 values in [0, 10)
 * ```
 */
export function randintLike(x: Tensor, high: number, options?: RandomOptions): Tensor;
export function randintLike(x: Tensor, low: number, high: number, options?: RandomOptions): Tensor;
export function randintLike(x: Tensor, a: number, b?: number | RandomOptions, c: RandomOptions = {}): Tensor {
  likeInput('randintLike', x);
  const short = typeof b !== 'number';
  const low = short ? 0 : a, high = short ? a : b;
  const o = checkOptions('randintLike', (short ? b ?? {} : c) as RandomOptions, RANDOM_OPTIONS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randintLike: expects integers low < high, got low ${low}, high ${high}`);
  }
  return randomFill('randintLike', x.shape, { dtype: x.dtype, ...o }, (g) => g.int(low, high), x.dtype, false);
}

/** PyTorch's refusal of a floating-point draw into an integer dtype, named after its kernel. */
function floatLike(op: string, kernel: string, x: Tensor, options: RandomOptions): void {
  const dt = options.dtype === undefined ? x.dtype : toDType(options.dtype, op);
  if (!dt.isFloatingPoint) throw new TypeError(`${op}: "${kernel}" not implemented for '${dt.cName}'`);
}

function likeInput(op: string, x: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
}
