import { AccumulateGrad, backward as runBackward, type BackwardOptions, type Node, type TensorHook } from './autograd.js';
import { addHook, type RemovableHandle } from './hooks.js';
import { ShapeError } from './errors.js';
import { bfloat16, bool, DType, dtypeOfArray, float16, float32, float64, int16, int32, int64, int8, toDType, uint8, type DTypeLike, type StorageArray } from './dtype.js';
import { castStrided, copyStrided, readNumber } from './ops/typed.js';
import { K } from './kernels/index.js';
import { contiguousStrides, fmt, normDim, numel, sameShape, type Shape } from './shape.js';
import { formatTensor, inspectCustom } from './format.js';
import * as B from './ops/binary.js';
import * as U from './ops/unary.js';
import * as R from './ops/reduce.js';
import * as M from './ops/movement.js';
import * as I from './ops/inplace.js';
import * as S from './ops/sort.js';
import * as L from './ops/logical.js';
import * as X from './ops/indexing.js';
import { addmm, baddbmm, bmm, dot, matmul, mm, mv, outer, type AddProductOptions } from './ops/matmul.js';
import * as D from './ops/diagonal.js';
import { lerp as lerpOp } from './ops/lerp.js';
import * as Cn from './ops/counting.js';
import { unique as uniqueOp, type UniqueOptions } from './ops/unique.js';
import * as N from './ops/norm.js';
import * as C from './ops/creation.js';
import { checkOptions } from './options.js';
import { recycleStorage } from './storage-pool.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from './ops/nn/index.js';
import type { SoftmaxOptions } from './ops/nn/activation.js';
import { multinomial as multinomialOp, type MultinomialOptions } from './ops/sampling.js';
import type { Positional } from './call-forms.js';

/** A number or a tensor: what binary ops accept as their second operand. */
export type TensorLike = Tensor | number;

/** `newZeros(2, 3)`, `newZeros([2, 3])`, either with a trailing options bag. */
type NewSizeArgs = (number | readonly number[] | C.TensorOptions)[];

/** The size and options of `newZeros` / `newOnes`: one shape array or separate sizes, then options. */
function newArgs(op: string, args: NewSizeArgs): [number[], C.TensorOptions] {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last);
  const sizes = hasOptions ? args.slice(0, -1) : args;
  const o = checkOptions(op, hasOptions ? (last as C.TensorOptions) : undefined, ['dtype', 'requiresGrad']);
  if (sizes.length === 1 && Array.isArray(sizes[0])) return [[...(sizes[0] as readonly number[])], o];
  sizes.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`${op}: size ${i} must be a number (or pass one shape array), got ${Array.isArray(v) ? 'an array' : typeof v}`);
  });
  return [sizes as number[], o];
}

/** Nested arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/** Element `i` as a number; an int64 past ±2^53 (no exact number) is refused, naming `op`. */
function exactNumber(op: string, a: StorageArray, dtype: DType, i: number): number {
  const v = a[i]!;
  if (typeof v === 'bigint') {
    if (v > 9007199254740991n || v < -9007199254740991n) {
      throw new RangeError(`${op}: the int64 value ${v} is past ±2^53 and has no exact JavaScript number; read it with toBigInt64Array()`);
    }
    return Number(v);
  }
  return readNumber(a, dtype, i);
}

/** The memory behind one or more tensors (views share it) and its version counter. *
 * @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * const x = ones([2, 3]);
 * const v = x.t();                       // a view: same storage
 * console.log(v.storage === x.storage);  // true
 * ```
 */
export class Storage {
  /** Bumped by every in-place write; backward checks it against what it saved. */
  version = 0;
  /** The element type; `data` is its typed array (see dtype.ts). */
  readonly dtype: DType;
  constructor(readonly data: StorageArray, dtype?: DType) {
    this.dtype = dtype ?? dtypeOfArray(data);
    if (!(data instanceof this.dtype.array)) throw new TypeError(`Storage: ${this.dtype.name} is held in a ${this.dtype.array.name}, got a ${data.constructor.name}`);
  }
}

/**
 * An n-dimensional array of float32 values with reverse-mode autograd: storage + shape +
 * strides + offset, so views (`transpose`, `narrow`, `expand`, ...) share memory.
 *
 * @example
 * ```ts
 * import { tensor } from '@tensile/tensor';
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * console.log(x.grad!.toArray()); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  private _requiresGrad = false;
  private _gradFn: Node | null = null;
  private _grad: Tensor | null = null;
  /**
   * Whether `_grad` is a gradient the engine made for this tensor alone (taken as is, on memory
   * its backward pass allocated) that no one has been given since: the `grad` getter and setter
   * clear it. Then `zeroGrad()` hands its memory back to the storage cache (`_releaseGrad`), as
   * PyTorch's allocator gets a `.grad` block back when `zero_grad()` drops the last reference.
   */
  private _gradPrivate = false;
  private _acc: AccumulateGrad | null = null;
  /** @internal The tensor this one is a view of (null for tensors that own their storage). */
  _base: Tensor | null = null;

  /** @internal Use `tensor()`, `zeros()`, ... to create tensors. */
  constructor(storage: Storage, shape: Shape, strides?: Shape, offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
  }

  // ---- metadata ---------------------------------------------------------------------------

  /** The element type (`float32` unless asked otherwise). */
  get dtype(): DType {
    return this.storage.dtype;
  }
  /** Whether the dtype is a floating-point one (`torch.is_floating_point`). */
  isFloatingPoint(): boolean {
    return this.storage.dtype.isFloatingPoint;
  }
  /**
   * @internal The float32 elements, for the ops that compute in float32 only; any other dtype
   * is refused with PyTorch's "not implemented for 'Long'" error, never computed as float32.
   */
  _f32(op: string): Float32Array {
    const d = this.storage.data;
    if (d instanceof Float32Array) return d;
    throw new TypeError(`${op}: not implemented for '${this.storage.dtype.cName}' (${this.storage.dtype.name}); convert with .float()`);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** The number of dims (PyTorch's `x.dim()`; the same as `ndim`). */
  dim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  numel(): number {
    return numel(this.shape);
  }
  /** Number of elements (PyTorch's `nelement`, the same as `numel`). */
  nelement(): number {
    return numel(this.shape);
  }
  /** The number of dims (PyTorch's `ndimension`, the same as `ndim`). */
  ndimension(): number {
    return this.shape.length;
  }
  /** Size of one dim (negative dims count from the end), or the whole shape. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (!Number.isInteger(d) || d < 0 || d >= this.ndim) throw new RangeError(`size: dim ${dim} out of range for a ${this.ndim}-d tensor`);
    return this.shape[d]!;
  }
  /** The storage's version counter (bumped by in-place ops). */
  get version(): number {
    return this.storage.version;
  }
  /** Whether elements are laid out densely in row-major order (dims of size 1 ignored). */
  isContiguous(): boolean {
    let expect = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== expect) return false;
      expect *= d;
    }
    return true;
  }

  // ---- autograd ---------------------------------------------------------------------------

  /** Whether gradients are computed for this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** The node that produced this tensor (null for leaves). */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** The accumulated gradient (leaves, and non-leaves after `retainGrad()`). */
  get grad(): Tensor | null {
    this._gradPrivate = false;
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new TypeError(`grad: assigned value must be a Tensor or null, got ${typeof g}`);
      if (!sameShape(g.shape, this.shape)) throw new ShapeError(`grad: assigned grad has shape ${fmt(g.shape)} but the tensor has shape ${fmt(this.shape)}`);
    }
    this._grad = g;
    this._gradPrivate = false;
  }
  /** @internal Sets the gradient without checks; `isPrivate`: the engine's own gradient, seen by no one (see `_gradPrivate`). */
  _setGradUnchecked(g: Tensor | null, isPrivate = false): void {
    this._grad = g;
    this._gradPrivate = isPrivate;
  }
  /**
   * @internal The gradient, read without handing it out: for library code that keeps no
   * reference to it after returning (an optimizer's step, `clipGradNorm_`, the engine).
   */
  _peekGrad(): Tensor | null {
    return this._grad;
  }
  /** @internal `grad = null`, giving a private gradient's memory back to the storage cache (`zeroGrad`). */
  _releaseGrad(): void {
    const g = this._grad;
    this._grad = null;
    if (g !== null && this._gradPrivate) recycleStorage(g.storage.data);
    this._gradPrivate = false;
  }
  /** @internal */
  _setGradFn(node: Node | null): void {
    this._gradFn = node;
    this._requiresGrad = node !== null;
  }
  /** @internal */
  _accumulator(): AccumulateGrad {
    return (this._acc ??= new AccumulateGrad(this));
  }

  /**
   * Sets `requiresGrad` on a leaf in place and returns it.
   * @example
   * ```ts
   * import { zeros } from '@tensile/tensor';
   * const w = zeros([3]).requiresGrad_();
   * ```
   */
  requiresGrad_(requiresGrad = true): this {
    if (!this.isLeaf) {
      throw new Error('requiresGrad_: you can only change requiresGrad of leaf tensors; use detach() to get a leaf');
    }
    if (requiresGrad && !this.storage.dtype.isFloatingPoint) {
      throw new TypeError(`requiresGrad_: only Tensors of floating point and complex dtype can require gradients, got ${this.storage.dtype.name}`);
    }
    this._requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Registers `hook` to be called with this tensor's gradient each time backward computes it:
   * for a leaf before it is added to `.grad`, for another tensor before it flows on to the
   * tensor's inputs (and into `.grad` after `retainGrad()`). A tensor the hook returns (same
   * shape and dtype) replaces the gradient; hooks run in registration order, each given the
   * previous one's result. PyTorch's `Tensor.register_hook`.
   *
   * @example
   * ```ts
   * import { tensor } from '@tensile/tensor';
   * const x = tensor([1, 2], { requiresGrad: true });
   * const y = x.mul(2);
   * const handle = y.registerHook((g) => g.clamp(-1, 1)); // clip the gradient flowing back
   * y.mul(5).sum().backward();
   * x.grad; // tensor([2., 2.])
   * handle.remove();
   * ```
   */
  registerHook(hook: TensorHook): RemovableHandle {
    if (!this._requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    const node = this._gradFn ?? this._accumulator();
    return addHook((node.hooks ??= new Map()), hook, false, 'registerHook');
  }

  /** Keeps `.grad` for this non-leaf tensor after backward. */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error("retainGrad: can't retain grad on a tensor that does not require grad");
    if (this._gradFn) this._gradFn.retained = this;
    return this;
  }

  /**
   * Computes gradients of this tensor w.r.t. every leaf that requires grad, accumulating into
   * their `.grad`. A non-scalar tensor needs `gradient` (the vector in the vector-Jacobian product).
   */
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    runBackward(this, gradient, options);
  }

  /** A tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    return M.detach(this);
  }

  /**
   * Cuts this tensor from the graph in place: it becomes a leaf that does not require grad
   * (PyTorch's `detach_`). A view cannot be detached in place (PyTorch's rule): use `detach()`.
   *
   * @example
   * ```ts
   * import { ones } from '@tensile/tensor';
   * const h = ones([2], { requiresGrad: true }).mul(2);
   * h.detach_();
   * h.requiresGrad; // false
   * ```
   */
  detach_(): this {
    if (this._base !== null) throw new Error("detach_: Can't detach views in-place. Use detach() instead.");
    this._setGradFn(null);
    return this;
  }

  /** This tensor: the one device is the CPU (PyTorch's `x.cpu()`, which returns `x` when it is on the CPU already). */
  cpu(): this {
    return this;
  }
  /** `'cpu'`, the one device (PyTorch's `x.device`). */
  get device(): 'cpu' {
    return 'cpu';
  }
  /** False: tensors live in CPU memory (PyTorch's `x.is_cuda`). */
  get isCuda(): false {
    return false;
  }
  /** The strides in elements (PyTorch's `x.stride()`), or one dim's (negative dims count from the end). */
  stride(): readonly number[];
  stride(dim: number): number;
  stride(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.strides;
    return this.strides[normDim('stride', dim, this.ndim)]!;
  }
  /** Where this tensor starts in its storage, in elements (PyTorch's `x.storage_offset()`). */
  storageOffset(): number {
    return this.offset;
  }

  /**
   * The detached tensor sharing this one's storage (PyTorch's `.data`): writes through it change
   * this tensor without autograd seeing them. Prefer `detach()` or `noGrad` in new code.
   */
  get data(): Tensor {
    return M.detach(this);
  }
  /**
   * Refused: PyTorch's `p.data = t` swaps the storage behind `p`; here a tensor's storage is
   * fixed, and the assignment would otherwise be ignored silently (CommonJS) or fail with an
   * engine TypeError (ES modules). Copy the values instead.
   */
  set data(value: Tensor) {
    throw new TypeError(
      `Tensor.data: assigning a tensor to .data is not supported (got ${value instanceof Tensor ? `a tensor of shape ${fmt(value.shape)}` : typeof value}); ` +
        'copy the values instead: p.data.copy_(t), or noGrad(() => p.copy_(t))',
    );
  }

  /**
   * @internal PyTorch's `t.data = other` (what `Module.to` and `double()` use, as PyTorch's
   * `_apply` does): this tensor takes `other`'s storage, strides and offset, of any dtype and
   * the same shape. The object stays the same, so whoever holds it (module fields, an optimizer,
   * a tied module) sees the new data; views taken before keep the old storage. `requiresGrad`,
   * `grad` and `gradFn` are untouched.
   */
  _setData(other: Tensor): void {
    if (!sameShape(other.shape, this.shape)) throw new ShapeError(`_setData: new data has shape ${fmt(other.shape)} but the tensor has shape ${fmt(this.shape)}`);
    const self = this as { -readonly [K in 'storage' | 'strides' | 'offset']: Tensor[K] };
    self.storage = other.storage;
    self.strides = other.strides;
    self.offset = other.offset;
  }

  // ---- read-out ---------------------------------------------------------------------------

  /**
   * The single value of a one-element tensor, as a number (bool as 0 or 1). An int64 value past
   * ±2^53 has no exact number: that is an error (read it with `toBigInt64Array()`).
   */
  item(): number {
    if (this.numel() !== 1) throw new RangeError(`item: a tensor with ${this.numel()} elements cannot be converted to a number`);
    return exactNumber('item', this.storage.data, this.storage.dtype, this.offset);
  }
  /** The values, densely in row-major order, as a new float32 array (other dtypes converted as `.float()` does). */
  toFloat32Array(): Float32Array {
    if (this.storage.dtype !== float32) return castStrided(this.storage.data, this.storage.dtype, this.offset, this.strides, this.shape, float32) as Float32Array;
    const out = new Float32Array(this.numel());
    K().copy(this.storage.data as Float32Array, this.offset, this.strides, this.shape, out, 0);
    return out;
  }
  /**
   * The values, densely in row-major order, in a new array of the dtype's own storage type:
   * `Float64Array` for float64, `BigInt64Array` for int64 (every bit), `Uint8Array` of 0/1 for
   * bool, `Uint16Array` of bit patterns for float16/bfloat16, ...
   */
  toTypedArray(): StorageArray {
    const out = new this.storage.dtype.array(this.numel());
    copyStrided(this.storage.data, this.offset, this.strides, this.shape, out, 0);
    return out;
  }
  /** The values of an int64 tensor (any integer or bool dtype, widened) as a `BigInt64Array`: exact past ±2^53. */
  toBigInt64Array(): BigInt64Array {
    if (this.storage.dtype.isFloatingPoint) throw new TypeError(`toBigInt64Array: needs an integer or bool tensor, got ${this.storage.dtype.name} (convert with .long())`);
    return castStrided(this.storage.data, this.storage.dtype, this.offset, this.strides, this.shape, int64) as BigInt64Array;
  }
  /** Nested arrays (a number for a 0-d tensor): PyTorch's `tolist()`, same as `toArray()`. */
  tolist(): NestedArray {
    return this.toArray();
  }
  /** Nested arrays (a number for a 0-d tensor); bool as 0/1; int64 past ±2^53 is an error (see `item`). */
  toArray(): NestedArray {
    const dt = this.storage.dtype;
    const flat: ArrayLike<number> = dt === float32 ? this.toFloat32Array() : (() => {
      const raw = this.toTypedArray();
      const out = new Array<number>(raw.length);
      for (let k = 0; k < raw.length; k++) out[k] = exactNumber('toArray', raw, dt, k);
      return out;
    })();
    if (this.ndim === 0) return flat[0]!;
    let i = 0;
    const build = (d: number): NestedArray[] => {
      const n = this.shape[d]!;
      const out: NestedArray[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = d === this.ndim - 1 ? flat[i++]! : build(d + 1);
      return out;
    };
    return build(0);
  }
  /** PyTorch-style printout: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }
  /** What Node's `console.log(t)` prints: `toString()`, as Python prints a tensor. */
  [inspectCustom](): string {
    return this.toString();
  }
  /**
   * @internal Contiguous float32 data: the storage itself when already contiguous, else a copy.
   * Other dtypes are refused as `_f32` refuses them (`op` names the caller).
   */
  _contiguousData(op = 'this op'): [Float32Array, number] {
    const d = this._f32(op);
    if (this.isContiguous()) return [d, this.offset];
    return [this.toFloat32Array(), 0];
  }
  /** @internal Contiguous data of any dtype: the storage itself when already contiguous, else a copy. */
  _contiguousAny(): [StorageArray, number] {
    if (this.isContiguous()) return [this.storage.data, this.offset];
    return [this.toTypedArray(), 0];
  }

  // ---- dtype conversions (PyTorch's casts) ------------------------------------------------

  /**
   * This tensor in `dtype` (itself when it has it already, as PyTorch's `to`); `'cpu'` is
   * accepted and changes nothing (the only device). Floating to floating is differentiable.
   *
   * @example
   * ```ts
   * import { tensor, int64 } from '@tensile/tensor';
   * tensor([1.7, -1.7]).to(int64); // tensor([ 1, -1])
   * tensor([1, 2]).to('float64').dtype.name; // 'float64'
   * ```
   */
  to(target: DTypeLike | 'cpu' | { dtype?: DTypeLike; device?: 'cpu' }): Tensor {
    if (target === 'cpu') return this;
    if (typeof target === 'object' && !(target instanceof DType)) {
      if (target === null) throw new TypeError('to: expected a dtype, \'cpu\' or { dtype }, got null');
      if (target.device !== undefined && target.device !== 'cpu') throw new TypeError(`to: the only device is 'cpu', got ${String(target.device)}`);
      return target.dtype === undefined ? this : M.toDType(this, toDType(target.dtype, 'to'));
    }
    return M.toDType(this, toDType(target, 'to'));
  }
  /** `to(dtype)` (PyTorch's `type(dtype)`); with no argument, the type name PyTorch gives (`'torch.FloatTensor'`). */
  type(): string;
  type(dtype: DTypeLike): Tensor;
  type(dtype?: DTypeLike): Tensor | string {
    if (dtype === undefined) return `torch.${this.storage.dtype.cName}Tensor`;
    return M.toDType(this, toDType(dtype, 'type'));
  }
  /** `to(float32)`. */
  float(): Tensor { return M.toDType(this, float32); }
  /** `to(float64)`. */
  double(): Tensor { return M.toDType(this, float64); }
  /** `to(float16)` (storage and conversions only). */
  half(): Tensor { return M.toDType(this, float16); }
  /** `to(bfloat16)` (storage and conversions only). */
  bfloat16(): Tensor { return M.toDType(this, bfloat16); }
  /** `to(int64)`: floating values truncated toward zero. */
  long(): Tensor { return M.toDType(this, int64); }
  /** `to(int32)`. */
  int(): Tensor { return M.toDType(this, int32); }
  /** `to(int16)`. */
  short(): Tensor { return M.toDType(this, int16); }
  /** `to(uint8)`. */
  byte(): Tensor { return M.toDType(this, uint8); }
  /** `to(int8)`. */
  char(): Tensor { return M.toDType(this, int8); }
  /** `to(bool)`: nonzero is true. */
  bool(): Tensor { return M.toDType(this, bool); }

  // ---- element-wise -----------------------------------------------------------------------

  add(other: TensorLike, alpha: B.AlphaArg = 1): Tensor { return B.add(this, other, alpha); }
  sub(other: TensorLike, alpha: B.AlphaArg = 1): Tensor { return B.sub(this, other, alpha); }
  mul(other: TensorLike): Tensor { return B.mul(this, other); }
  div(other: TensorLike, options?: B.DivOptions): Tensor { return B.div(this, other, options); }
  pow(exponent: TensorLike): Tensor { return B.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return B.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return B.minimum(this, other); }
  eq(other: TensorLike): Tensor { return B.eq(this, other); }
  ne(other: TensorLike): Tensor { return B.ne(this, other); }
  gt(other: TensorLike): Tensor { return B.gt(this, other); }
  ge(other: TensorLike): Tensor { return B.ge(this, other); }
  lt(other: TensorLike): Tensor { return B.lt(this, other); }
  le(other: TensorLike): Tensor { return B.le(this, other); }
  /** `floor(self / other)` (Python's `//`: int64 stays int64). */
  floorDivide(other: TensorLike): Tensor { return B.floorDivide(this, other); }
  /** Python's `%`: the result has the divisor's sign. */
  remainder(other: TensorLike): Tensor { return B.remainder(this, other); }
  /** The indices of the nonzero elements, int64 `[count, ndim]` (PyTorch's `nonzero`). */
  nonzero(): Tensor { return R.nonzero(this); }
  /** A bool tensor: true where finite. */
  isfinite(): Tensor { return U.isfinite(this); }
  /** A bool tensor: true where NaN. */
  isnan(): Tensor { return U.isnan(this); }
  /** A bool tensor: true where ±Infinity. */
  isinf(): Tensor { return U.isinf(this); }
  /** C's fmod: the result has the dividend's sign. */
  fmod(other: TensorLike): Tensor { return B.fmod(this, other); }
  /** The angle of `(other, self)`. */
  atan2(other: TensorLike): Tensor { return B.atan2(this, other); }
  /** `self` with `value` where the bool `mask` is true. */
  maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor { return B.maskedFill(this, mask, value); }
  /** Outer product of two 1-d tensors. */
  outer(vec2: Tensor): Tensor { return outer(this, vec2); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  tan(): Tensor { return U.tan(this); }
  asin(): Tensor { return U.asin(this); }
  acos(): Tensor { return U.acos(this); }
  atan(): Tensor { return U.atan(this); }
  sinh(): Tensor { return U.sinh(this); }
  cosh(): Tensor { return U.cosh(this); }
  asinh(): Tensor { return U.asinh(this); }
  acosh(): Tensor { return U.acosh(this); }
  atanh(): Tensor { return U.atanh(this); }
  arcsin(): Tensor { return U.asin(this); }
  arccos(): Tensor { return U.acos(this); }
  arctan(): Tensor { return U.atan(this); }
  arcsinh(): Tensor { return U.asinh(this); }
  arccosh(): Tensor { return U.acosh(this); }
  arctanh(): Tensor { return U.atanh(this); }
  rsqrt(): Tensor { return U.rsqrt(this); }
  expm1(): Tensor { return U.expm1(this); }
  log2(): Tensor { return U.log2(this); }
  floor(): Tensor { return U.floor(this); }
  ceil(): Tensor { return U.ceil(this); }
  /** Ties to even, as torch.round. */
  round(options?: U.RoundOptions): Tensor { return U.round(this, options); }
  trunc(): Tensor { return U.trunc(this); }
  neg(): Tensor { return U.neg(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  log1p(): Tensor { return U.log1p(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  abs(): Tensor { return U.abs(this); }
  sign(): Tensor { return U.sign(this); }
  relu(): Tensor { return U.relu(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  tanh(): Tensor { return U.tanh(this); }
  erf(): Tensor { return U.erf(this); }
  gelu(options: U.GeluOptions = {}): Tensor { return U.gelu(this, options); }
  square(): Tensor { return U.square(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  clamp(min?: number | null | U.ClampOptions, max?: number | null): Tensor { return U.clamp(this, min, max); }
  /** Element-wise NOT (a bool tensor): PyTorch's `logical_not`. */
  logicalNot(): Tensor { return L.logicalNot(this); }
  /** Element-wise AND of the truth values (a bool tensor). */
  logicalAnd(other: TensorLike): Tensor { return L.logicalAnd(this, other); }
  /** Element-wise OR of the truth values (a bool tensor). */
  logicalOr(other: TensorLike): Tensor { return L.logicalOr(this, other); }
  /** Element-wise XOR of the truth values (a bool tensor). */
  logicalXor(other: TensorLike): Tensor { return L.logicalXor(this, other); }
  /** Where close to `other` (a bool tensor; see `isclose`). */
  isclose(other: Tensor, options: L.CloseOptions = {}): Tensor { return L.isclose(this, other, options); }
  /** Whether every element is close to `other`'s (see `allclose`). */
  allclose(other: Tensor, options: L.CloseOptions = {}): boolean { return L.allclose(this, other, options); }
  /** Same shape and equal elements (PyTorch's `torch.equal`). */
  equal(other: Tensor): boolean { return L.equal(this, other); }
  /** `clamp` (PyTorch's alias). */
  clip(min?: number | null, max?: number | null): Tensor { return U.clamp(this, min, max); }
  /** `clamp(min)` (PyTorch's `clamp_min`). */
  clampMin(min: number): Tensor { return U.clamp(this, min, null); }
  /** `clamp(null, max)` (PyTorch's `clamp_max`). */
  clampMax(max: number): Tensor { return U.clamp(this, null, max); }
  /** `where(condition, this, other)`: this tensor's elements where `condition` holds, else `other`'s. */
  where(condition: Tensor, other: TensorLike): Tensor { return B.where(condition, this, other); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  /** Matrix product of two 2-d tensors (PyTorch's `mm`; no broadcasting). */
  mm(other: Tensor): Tensor { return mm(this, other); }
  /** Batched matrix product of 3-d tensors (see `bmm`). */
  bmm(other: Tensor): Tensor { return bmm(this, other); }
  /** Matrix times vector (see `mv`). */
  mv(vec: Tensor): Tensor { return mv(this, vec); }
  /** Inner product of two 1-d tensors (see `dot`). */
  dot(other: Tensor): Tensor { return dot(this, other); }
  /** A diagonal as a view (see `diagonal`). */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return D.diagonal(this, offset, dim1, dim2); }
  /** A vector on a diagonal, or a matrix's diagonal (see `diag`). */
  diag(diagonal = 0): Tensor { return D.diag(this, diagonal); }
  /** Sum of the main diagonal (see `trace`). */
  trace(): Tensor { return D.trace(this); }
  /**
   * This tensor with its dims reversed (a view): a matrix's transpose. PyTorch deprecates it on
   * other than 2 dims; `mT` transposes the last two.
   */
  get T(): Tensor { return M.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** The last two dims swapped (a view): a batch of matrices transposed. PyTorch's `mT`. */
  get mT(): Tensor {
    if (this.ndim < 2) throw new ShapeError(`mT: tensor.mT is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`);
    return M.transpose(this, -2, -1);
  }
  softmax(dim: number, options?: SoftmaxOptions): Tensor { return softmaxOp(this, dim, options); }
  logSoftmax(dim: number, options?: SoftmaxOptions): Tensor { return logSoftmaxOp(this, dim, options); }

  // ---- reductions -------------------------------------------------------------------------

  /** `x.sum(1, true)` or PyTorch's keywords as a bag, `x.sum({ dim: 1, keepdim: true })`. */
  sum(...args: R.SumArgs): Tensor { return R.sum(this, ...args); }
  mean(...args: R.SumArgs): Tensor { return R.mean(this, ...args); }
  /** The largest value; along `dim`, `[values, indices]` (also `.values`/`.indices`); with a tensor, `maximum`. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  max(options: R.DimOptions & { dim: number }): R.ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor | R.DimOptions | null, keepdim?: boolean): Tensor | R.ValuesIndices;
  max(dim?: number | Tensor | R.DimOptions | null, keepdim = false): Tensor | R.ValuesIndices { return R.max(this, dim, keepdim); }
  /** The smallest value; along `dim`, `[values, indices]`; with a tensor, `minimum`. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(options: R.DimOptions & { dim: number }): R.ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor | R.DimOptions | null, keepdim?: boolean): Tensor | R.ValuesIndices;
  min(dim?: number | Tensor | R.DimOptions | null, keepdim = false): Tensor | R.ValuesIndices { return R.min(this, dim, keepdim); }
  argmax(dim?: number | R.DimOptions | null, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number | R.DimOptions | null, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  var(...args: R.VarArgs): Tensor { return R.variance(this, ...args); }
  std(...args: R.VarArgs): Tensor { return R.std(this, ...args); }
  logsumexp(...args: R.ReduceArgs): Tensor { return R.logsumexp(this, ...args); }
  /** Whether any element is nonzero (a bool tensor), overall or along `dim`. */
  any(dim?: number | R.DimOptions | null, keepdim = false): Tensor { return R.any(this, dim, keepdim); }
  /** Whether every element is nonzero (a bool tensor), overall or along `dim`. */
  all(dim?: number | R.DimOptions | null, keepdim = false): Tensor { return R.all(this, dim, keepdim); }
  /** Running sums along `dim` (integers in int64). */
  cumsum(dim: number | (R.CumulativeOptions & { dim: number }), options?: R.CumulativeOptions): Tensor { return R.cumsum(this, dim, options); }
  /** The largest value over `dim` (every dim when omitted), no indices (PyTorch's `amax`). */
  amax(...args: R.AmaxArgs): Tensor { return R.amax(this, ...args); }
  /** The smallest value over `dim` (every dim when omitted), no indices (PyTorch's `amin`). */
  amin(...args: R.AmaxArgs): Tensor { return R.amin(this, ...args); }
  /** The product of every element, or along `dim` (integers in int64). */
  prod(...args: R.ProdArgs): Tensor { return R.prod(this, ...args); }
  /** Running products along `dim` (integers in int64). */
  cumprod(dim: number | (R.CumulativeOptions & { dim: number }), options?: R.CumulativeOptions): Tensor { return R.cumprod(this, dim, options); }

  // ---- movement (views share storage) -----------------------------------------------------

  reshape(...shape: (number | readonly number[])[]): Tensor { return M.reshape(this, ...shape); }
  view(...shape: (number | readonly number[])[]): Tensor { return M.view(this, ...shape); }
  transpose(dim0: number, dim1: number): Tensor { return M.transpose(this, dim0, dim1); }
  /** 2-D transpose (PyTorch's `t()`). */
  t(): Tensor { return M.t(this); }
  permute(...dims: (number | readonly number[])[]): Tensor { return M.permute(this, ...dims); }
  expand(...shape: (number | readonly number[])[]): Tensor { return M.expand(this, ...shape); }
  expandAs(other: Tensor): Tensor { return M.expand(this, other.shape); }
  /** `view(other.shape)`. */
  viewAs(other: Tensor): Tensor { return M.view(this, other.shape); }
  /** `reshape(other.shape)`. */
  reshapeAs(other: Tensor): Tensor { return M.reshape(this, other.shape); }
  /** `to(other.dtype)` (PyTorch's `type_as`). */
  typeAs(other: Tensor): Tensor { return this.to(other.dtype); }
  /** `transpose(dim0, dim1)` (PyTorch's `swapaxes`). */
  swapaxes(dim0: number, dim1: number): Tensor { return M.transpose(this, dim0, dim1); }
  /** `transpose(dim0, dim1)` (PyTorch's `swapdims`). */
  swapdims(dim0: number, dim1: number): Tensor { return M.transpose(this, dim0, dim1); }
  squeeze(dim?: number): Tensor { return M.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return M.flatten(this, startDim, endDim); }
  /** Dim `dim` split into `sizes` (one may be -1). */
  unflatten(dim: number, sizes: readonly number[]): Tensor { return L.unflatten(this, dim, sizes); }
  /** Dims `source` moved to `destination` (a view). */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor { return L.movedim(this, source, destination); }
  /** Repeated along each dim, `dims` padded with ones in front (PyTorch's `tile`). */
  tile(dims: readonly number[]): Tensor { return L.tile(this, dims); }
  /** Broadcast to `shape` (a view; PyTorch's `broadcast_to`). */
  broadcastTo(shape: readonly number[]): Tensor { return L.broadcastTo(this, shape); }
  narrow(dim: number, start: number, length: number): Tensor { return M.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return M.select(this, dim, index); }
  contiguous(): Tensor { return M.contiguous(this); }
  clone(): Tensor { return M.clone(this); }
  gather(dim: number, index: M.IndexArg): Tensor { return M.gather(this, dim, index); }
  indexSelect(dim: number, index: M.IndexArg): Tensor { return M.indexSelect(this, dim, index); }
  /** The lower triangle of the last two dims (`diagonal` offsets it). */
  tril(diagonal = 0): Tensor { return M.tril(this, diagonal); }
  multinomial(numSamples: number, ...rest: Positional<[replacement: boolean], MultinomialOptions>): Tensor { return multinomialOp(this, numSamples, ...rest); }
  /** The upper triangle of the last two dims. */
  triu(diagonal = 0): Tensor { return M.triu(this, diagonal); }
  /** Reversed along `dims` (a copy). */
  flip(...dims: (number | readonly number[])[]): Tensor { return M.flip(this, ...dims); }
  /** Shifted along `dims`, wrapping around (flattened when no dims). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor { return M.roll(this, shifts, dims); }
  /** Tiled `sizes[i]` times along each dim. */
  repeat(...sizes: (number | readonly number[])[]): Tensor { return M.repeat(this, ...sizes); }
  /** The values along `dim` in order, with their positions: `[values, indices]`. */
  sort(...args: S.SortArgs): R.ValuesIndices { return S.sort(this, ...args); }
  /** The positions that sort this tensor along `dim` (int64). */
  argsort(...args: S.SortArgs): Tensor { return S.argsort(this, ...args); }
  /** The `k` largest (or smallest) values along `dim`, with their positions. */
  topk(k: number, ...args: S.TopkArgs): R.ValuesIndices { return S.topk(this, k, ...args); }
  /** The `k`-th smallest value along `dim`, with its position. */
  kthvalue(k: number, ...args: S.OrderStatArgs): R.ValuesIndices { return S.kthvalue(this, k, ...args); }
  /** The median (a 0-d tensor), or along `dim` `[values, indices]`. */
  median(): Tensor;
  median(...args: S.OrderStatArgs): R.ValuesIndices;
  median(...args: S.OrderStatArgs): Tensor | R.ValuesIndices { return args.length === 0 ? S.median(this) : S.median(this, ...args); }
  /** The most frequent value along `dim`, with a position of it. */
  mode(...args: S.OrderStatArgs): R.ValuesIndices { return S.mode(this, ...args); }
  /**
   * Python's `x[...]`: `x.at(0)`, `x.at(':, -2:')`, `x.at('...', 0)`, `x.at(mask)`, `x.at(':', idx)`
   * (numbers, slices, `'...'` and `null` give views; masks and index tensors copies).
   */
  at(...items: X.IndexItem[]): Tensor { return X.at(this, ...items); }
  /** Python's `x[index] = value`, in place: `x.setAt(':, -1', 0)`, `x.setAt(mask, v)`, `x.setAt([0, idx], v)`. */
  setAt(index: X.IndexItem | readonly X.IndexItem[], value: TensorLike | boolean): this { return X.setAt(this, index, value); }
  /** PyTorch's `index_put_` (`accumulate`: add, repeated positions adding up). */
  indexPut_(indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): this { return X.indexPut_(this, indices, values, accumulate); }
  /** `src` (or a number) written where `index` points along `dim`. */
  scatter(dim: number, index: M.IndexArg, src: Tensor | number, options?: X.ScatterOptions): Tensor { return X.scatter(this, dim, index, src, options); }
  /** `src` added where `index` points along `dim`. */
  scatterAdd(dim: number, index: M.IndexArg, src: Tensor): Tensor { return X.scatterAdd(this, dim, index, src); }
  /** `alpha * source` added at the positions `index` names along `dim`. */
  indexAdd(dim: number, index: M.IndexArg, source: Tensor, options?: X.IndexAddOptions): Tensor { return X.indexAdd(this, dim, index, source, options); }
  scatter_(dim: number, index: M.IndexArg, src: Tensor | number, options?: X.ScatterOptions): this { return X.scatter_(this, dim, index, src, options); }
  scatterAdd_(dim: number, index: M.IndexArg, src: Tensor): this { return X.scatterAdd_(this, dim, index, src); }
  indexAdd_(dim: number, index: M.IndexArg, source: Tensor, options?: X.IndexAddOptions): this { return X.indexAdd_(this, dim, index, source, options); }
  /** PyTorch's `x.norm(p, dim, keepdim)` (`'fro'` by default). */
  norm(...args: N.NormArgs): Tensor { return N.norm(this, ...args); }
  /** `beta * self + alpha * (mat1 @ mat2)`. */
  addmm(mat1: Tensor, mat2: Tensor, options?: AddProductOptions): Tensor { return addmm(this, mat1, mat2, options); }
  /** `beta * self + alpha * bmm(batch1, batch2)`. */
  baddbmm(batch1: Tensor, batch2: Tensor, options?: AddProductOptions): Tensor { return baddbmm(this, batch1, batch2, options); }
  /** Pieces of `splitSize` along `dim`, or of the listed sizes (views). */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] { return M.split(this, splitSizeOrSections, dim); }
  /** `chunks` pieces along `dim` (views). */
  chunk(chunks: number, dim = 0): Tensor[] { return M.chunk(this, chunks, dim); }
  /** The slices along `dim`, that dim removed (views). */
  unbind(dim = 0): Tensor[] { return M.unbind(this, dim); }
  /** Each element (slice along `dim`) repeated in place. */
  repeatInterleave(repeats: number | Tensor | readonly number[], dim?: number | null, options?: M.RepeatInterleaveOptions): Tensor { return M.repeatInterleave(this, repeats, dim, options); }

  // ---- in-place (bump the version; recorded when grad mode is on) -------------------------

  add_(other: TensorLike, alpha: B.AlphaArg = 1): this { return I.add_(this, other, alpha); }
  sub_(other: TensorLike, alpha: B.AlphaArg = 1): this { return I.sub_(this, other, alpha); }
  mul_(other: TensorLike): this { return I.mul_(this, other); }
  div_(other: TensorLike, options?: B.DivOptions): this { return I.div_(this, other, options); }
  addcmul_(tensor1: Tensor, tensor2: Tensor, value = 1): this { return I.addcmul_(this, tensor1, tensor2, value); }
  addcdiv_(tensor1: Tensor, tensor2: Tensor, value = 1): this { return I.addcdiv_(this, tensor1, tensor2, value); }
  lerp_(end: Tensor, weight: TensorLike): this { return I.lerp_(this, end, weight); }
  /** `this + weight·(end − this)`, as PyTorch computes it (see `lerp`). */
  lerp(end: Tensor, weight: Tensor | number): Tensor { return lerpOp(this, end, weight); }
  /** NaN and ±∞ replaced by finite numbers (see `nanToNum`). */
  nanToNum(...rest: Positional<[nan: number, posinf: number | null, neginf: number | null], Cn.NanToNumOptions>): Tensor { return Cn.nanToNum(this, ...rest); }
  /** The number of nonzero elements, over all dims or along `dim` (see `countNonzero`). */
  countNonzero(dim?: number | readonly number[] | null): Tensor { return Cn.countNonzero(this, dim); }
  /** How often each value occurs (see `bincount`). */
  bincount(...rest: Positional<[weights: Tensor | null, minlength: number], Cn.BincountOptions>): Tensor { return Cn.bincount(this, ...rest); }
  /** The distinct values (or slices along `dim`), with inverse indices and counts on request (see `unique`). */
  unique(options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(options: UniqueOptions): Tensor | Tensor[];
  unique(options?: UniqueOptions): Tensor | Tensor[] { return uniqueOp(this, options); }
  clamp_(min?: number | null | U.ClampOptions, max?: number | null): this { return I.clamp_(this, min, max); }
  copy_(src: TensorLike): this { return I.copy_(this, src); }
  zero_(): this { return I.fill_(this, 0); }
  fill_(value: number): this { return I.fill_(this, value); }
  /** Fills with U(from, to) (PyTorch's `uniform_`, default U(0, 1)). */
  uniform_(from = 0, to = 1, options: I.RandomFillOptions = {}): this { return I.uniform_(this, from, to, options); }
  /** Fills with N(mean, std²) (PyTorch's `normal_`, default N(0, 1)). */
  normal_(mean = 0, std = 1, options: I.RandomFillOptions = {}): this { return I.normal_(this, mean, std, options); }
  maskedFill_(mask: Tensor, value: number | boolean | Tensor): this { return I.maskedFill_(this, mask, value); }

  // ---- new tensors like this one (dtype of self unless given) -----------------------------

  /** Zeros of `size` in this tensor's dtype (PyTorch's `new_zeros`). */
  newZeros(...args: NewSizeArgs): Tensor { const [s, o] = newArgs('newZeros', args); return C.zeros(s, { dtype: this.dtype, ...o }); }
  /** Ones of `size` in this tensor's dtype. */
  newOnes(...args: NewSizeArgs): Tensor { const [s, o] = newArgs('newOnes', args); return C.ones(s, { dtype: this.dtype, ...o }); }
  /** `fillValue` in a tensor of `size`, this tensor's dtype. */
  newFull(size: readonly number[], fillValue: number, options: C.TensorOptions = {}): Tensor { return C.full(size, fillValue, { dtype: this.dtype, ...checkOptions('newFull', options, ['dtype', 'requiresGrad']) }); }
  /** A tensor of `data` in this tensor's dtype (PyTorch's `new_tensor`: not the dtype the data would infer). */
  newTensor(data: C.TensorData, options: C.TensorOptions = {}): Tensor { return C.tensor(data, { dtype: this.dtype, ...checkOptions('newTensor', options, ['dtype', 'requiresGrad']) }); }
}
