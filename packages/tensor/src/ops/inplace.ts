import { isGradEnabled } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { K, wasmAvailable, type BinaryKind } from '../kernels/index.js';
import { existingArena, keepAlive, residentArena, type ElementType } from '../kernels/wasm/arena.js';
import { broadcastShapes, broadcastStrides, fmt, sameShape } from '../shape.js';
import { Storage, Tensor, type TensorLike } from '../tensor.js';
import { add, alphaOf, div, mul, sub, binaryForward, checkMaskedFill, maskedFill, roundingModeOf, where, type AlphaArg, type DivOptions } from './binary.js';
import { fullLike, randn, uniform } from './creation.js';
import { checkOptions } from '../options.js';
import type { Generator } from '../random.js';
import { clamp, type ClampOptions } from './unary.js';
import { lerp } from './lerp.js';
import { expand, clone, writeInto as writeView } from './movement.js';
import { toTensor, expectTensor, checkNumber, scalar, describe } from './util.js';
import { bool as boolDType, canCast, checkScalarFits, float32, type DType, type StorageArray } from '../dtype.js';
import { assertNoInternalOverlap, inputNeedsCopy, overlapStatus } from '../overlap.js';

/**
 * The one path every in-place op takes.
 *
 * - Grad mode off, or nothing involved requires grad: write the result into self's storage.
 * - Otherwise: compute the out-of-place result from a snapshot that stands for self's old value
 *   in the graph, write it into self, and make self's gradFn the result's (PyTorch's "rebase").
 *
 * Either way the storage version is bumped, so a backward that saved self notices.
 */
function inplace(self: Tensor, op: string, others: readonly Tensor[], compute: (old: Tensor) => Tensor, direct?: () => void): void {
  expectTensor(op, 'self', self);
  // fill_ writes one value: several elements on one location get it all the same (PyTorch allows it too).
  if (op !== 'fill_') assertNoInternalOverlap(op, self);
  const recording = isGradEnabled() && (self.requiresGrad || others.some((t) => t.requiresGrad));
  if (recording && self.isLeaf && self.requiresGrad) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad()`);
  }
  if (!recording) {
    if (direct && self.isContiguous() && self.dtype === float32 && others.every((t) => t.dtype === float32)) direct();
    else {
      const r = compute(self);
      writeInto(op, self, r);
    }
    self.storage.version++;
    return;
  }
  if (self._base !== null && (self._base.requiresGrad || others.some((t) => t.requiresGrad))) {
    throw new Error(`${op}: in-place operation on a view while recording gradients is not supported; apply it to the base tensor, or clone() the view first`);
  }
  // Snapshot of the old value, carrying self's place in the graph.
  const old = new Tensor(new Storage(self.toTypedArray(), self.dtype), self.shape);
  if (self.gradFn) old._setGradFn(self.gradFn);
  const r = compute(old);
  writeInto(op, self, r);
  self.storage.version++;
  const retained = self.gradFn?.retained === self;
  self._setGradFn(r.gradFn);
  if (retained && r.gradFn) r.gradFn.retained = self;
}

/**
 * An input of an in-place write into `self`, as the write may read it: refused where it overlaps
 * `self` partially (PyTorch's error), a copy where the overlap is not one strides can decide, so
 * the result is a cloned input's on every backend (see overlap.ts).
 */
function readable(op: string, self: Tensor, input: Tensor): Tensor {
  return inputNeedsCopy(op, self, input) ? clone(input) : input;
}

/**
 * Writes an out-of-place result into self: in self's dtype, which the result's must be able to
 * take (PyTorch's `canCast`: no floating into an integer, nothing but bool into bool) except for
 * `copy_`, which converts anything.
 */
function writeInto(op: string, self: Tensor, r: Tensor): void {
  if (!sameShape(r.shape, self.shape)) {
    throw new ShapeError(`${op}: output with shape ${fmt(self.shape)} doesn't match the broadcast shape ${fmt(r.shape)}`);
  }
  if (op !== 'copy_' && !canCast(r.dtype, self.dtype)) {
    throw new TypeError(`${op}: result type ${r.dtype.cName} can't be cast to the desired output type ${self.dtype.cName}`);
  }
  writeView(r, self, self.offset);
}

/** Checks that `other` broadcasts to self's shape exactly (an in-place result keeps self's shape). */
function checkBroadcastTo(op: string, self: Tensor, other: Tensor): void {
  checkShapeTo(op, self, other.shape);
}
function checkShapeTo(op: string, self: Tensor, shape: readonly number[]): void {
  const s = broadcastShapes(op, self.shape, shape);
  if (!sameShape(s, self.shape)) throw new ShapeError(`${op}: output with shape ${fmt(self.shape)} doesn't match the broadcast shape ${fmt(s)}`);
}

function binaryInplace(op: string, kind: BinaryKind, self: Tensor, o: TensorLike, alpha: number, outOfPlace: (a: Tensor, b: TensorLike) => Tensor, kernel = true): Tensor {
  expectTensor(op, 'self', self);
  // A number stays a number for promotion (`intT.add_(2)` stays int64); the kernel's direct
  // path (float32 self) takes it as float32(v), as PyTorch does.
  const given = typeof o === 'number' ? o : readable(op, self, toTensor(op, 'other', o));
  const other = typeof given === 'number' ? toTensor(op, 'other', given) : given;
  checkBroadcastTo(op, self, other);
  inplace(self, op, given instanceof Tensor ? [given] : [], (old) => outOfPlace(old, given), kernel ? () => {
    K().binary(
      kind,
      self._f32(op), self.offset, self.strides,
      other._f32(op), other.offset, broadcastStrides(other.shape, other.strides, self.shape),
      self.shape, self._f32(op), self.offset, alpha,
    );
  } : undefined);
  return self;
}

export function add_<T extends Tensor>(self: T, other: TensorLike, alphaArg: AlphaArg = 1): T {
  const alpha = alphaOf('add_', alphaArg);
  return binaryInplace('add_', 'add', self, other, checkNumber('add_', 'alpha', alpha), (a, b) => add(a, b, alpha)) as T;
}
export function sub_<T extends Tensor>(self: T, other: TensorLike, alphaArg: AlphaArg = 1): T {
  const alpha = alphaOf('sub_', alphaArg);
  return binaryInplace('sub_', 'sub', self, other, checkNumber('sub_', 'alpha', alpha), (a, b) => sub(a, b, alpha)) as T;
}
export function mul_<T extends Tensor>(self: T, other: TensorLike): T {
  return binaryInplace('mul_', 'mul', self, other, 1, mul) as T;
}
export function div_<T extends Tensor>(self: T, other: TensorLike, options?: DivOptions): T {
  const mode = roundingModeOf('div_', options);
  // a rounding mode is not the kernel's true division: composed, then written back
  return binaryInplace('div_', 'div', self, other, 1, (a, b) => div(a, b, { roundingMode: mode }), mode === null) as T;
}

/** The type PyTorch's kernel converts a scalar argument to: float32 for the 16-bit floats (it computes in float). */
const opmath = (dt: DType): DType => (dt.isFloatingPoint && dt.itemsize === 2 ? float32 : dt);

/** `self += value * t1 * t2`. */
export function addcmul_<T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, value = 1): T {
  expectTensor('addcmul_', 'self', self);
  expectTensor('addcmul_', 'tensor1', tensor1);
  expectTensor('addcmul_', 'tensor2', tensor2);
  const t1 = readable('addcmul_', self, tensor1), t2 = readable('addcmul_', self, tensor2);
  checkShapeTo('addcmul_', self, broadcastShapes('addcmul_', t1.shape, t2.shape));
  checkScalarFits('addcmul_', 'value', value, opmath(self.dtype));
  inplace(self, 'addcmul_', [t1, t2], (old) => add(old, mul(mul(t1, t2), value)));
  return self;
}

/** `self += value * t1 / t2`. */
export function addcdiv_<T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, value = 1): T {
  expectTensor('addcdiv_', 'self', self);
  expectTensor('addcdiv_', 'tensor1', tensor1);
  expectTensor('addcdiv_', 'tensor2', tensor2);
  const t1 = readable('addcdiv_', self, tensor1), t2 = readable('addcdiv_', self, tensor2);
  checkShapeTo('addcdiv_', self, broadcastShapes('addcdiv_', t1.shape, t2.shape));
  checkScalarFits('addcdiv_', 'value', value, opmath(self.dtype));
  inplace(self, 'addcdiv_', [t1, t2], (old) => add(old, mul(div(t1, t2), value)));
  return self;
}

/** `self += weight * (end - self)`, as `lerp` computes it (PyTorch's arithmetic, bit for bit). */
export function lerp_<T extends Tensor>(self: T, endTensor: Tensor, weight: TensorLike): T {
  expectTensor('lerp_', 'self', self);
  expectTensor('lerp_', 'end', endTensor);
  const end = readable('lerp_', self, endTensor);
  // A number weight stays a number (a double for a float64 self, float32(w) for a float32 one, as PyTorch's scalar).
  const w: TensorLike = typeof weight === 'number' ? weight : readable('lerp_', self, toTensor('lerp_', 'weight', weight));
  checkBroadcastTo('lerp_', self, end);
  if (typeof w === 'number') checkScalarFits('lerp_', 'weight', w, opmath(self.dtype));
  inplace(self, 'lerp_', w instanceof Tensor ? [end, w] : [end], (old) => lerp(old, end, w as Tensor | number));
  return self;
}

export function clamp_<T extends Tensor>(self: T, min?: number | null | ClampOptions, max?: number | null): T {
  inplace(self, 'clamp_', [], (old) => clamp(old, min, max));
  return self;
}

/**
 * @internal The in-place path for ops outside this file (indexing, scatter): `compute(old)` is
 * the out-of-place result, written into self (recorded under grad mode, as every in-place op);
 * inputs that overlap self are read from a copy.
 */
export function inplaceWith(self: Tensor, op: string, others: readonly Tensor[], compute: (old: Tensor, others: readonly Tensor[]) => Tensor): void {
  expectTensor(op, 'self', self);
  const inputs = others.map((t) => readable(op, self, t));
  inplace(self, op, inputs, (old) => compute(old, inputs));
}

/** The generator option of the in-place random fills. */
export interface RandomFillOptions {
  /** The generator to draw from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/** The values a random fill draws for self (in self's dtype), after PyTorch's checks. */
function randomFor(op: string, self: Tensor, options: RandomFillOptions, draw: (o: { dtype: DType; generator?: Generator }) => Tensor): Tensor {
  expectTensor(op, 'self', self);
  const o = checkOptions(op, options, ['generator']);
  if (!self.dtype.isFloatingPoint) throw new TypeError(`${op}: "${op === 'uniform_' ? 'check_uniform_bounds' : 'normal_kernel_cpu'}" not implemented for '${self.dtype.cName}'`);
  return draw(o.generator ? { dtype: self.dtype, generator: o.generator } : { dtype: self.dtype });
}

/** `values` in old's place: recorded, old's gradient is zero (PyTorch's for the random fills), and old's values (NaN included) are not read. */
const replaced = (old: Tensor, values: Tensor): Tensor => where(fullLike(old, 1, { dtype: boolDType }), values, old);

/**
 * Fills self with samples of U(from, to) in its dtype (PyTorch's `tensor.uniform_`); returns
 * self. An in-place op: under grad mode a leaf that requires grad refuses it (use `noGrad`, or
 * `nn.init.uniform_`, which does).
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).uniform_(-0.1, 0.1); // values in [-0.1, 0.1)
 * ```
 */
export function uniform_<T extends Tensor>(self: T, from = 0, to = 1, options: RandomFillOptions = {}): T {
  if (typeof from !== 'number' || typeof to !== 'number' || Number.isNaN(from) || Number.isNaN(to)) throw new TypeError(`uniform_: from and to must be numbers, got ${describe(from)} and ${describe(to)}`);
  if (!(from <= to)) throw new RangeError(`uniform_: uniform_ expects to return a [from, to) range, but found from=${String(from)} > to=${String(to)}`);
  const values = randomFor('uniform_', self, options, (o) => uniform(self.shape, from, to, o));
  inplace(self, 'uniform_', [], (old) => replaced(old, values));
  return self;
}

/**
 * Fills self with samples of N(mean, std²) in its dtype (PyTorch's `tensor.normal_`); returns self.
 * @example
 * ```ts
 * import { zeros } from '@tensile/tensor';
 * zeros([2, 3]).normal_(0, 0.02);
 * ```
 */
export function normal_<T extends Tensor>(self: T, mean = 0, std = 1, options: RandomFillOptions = {}): T {
  if (typeof mean !== 'number' || Number.isNaN(mean)) throw new TypeError(`normal_: mean must be a number, got ${String(mean)}`);
  if (typeof std !== 'number' || !(std >= 0)) throw new RangeError(`normal_: normal expects std >= 0.0, but found std ${String(std)}`);
  const values = randomFor('normal_', self, options, (o) => randn(self.shape, o).mul(std).add(mean));
  inplace(self, 'normal_', [], (old) => replaced(old, values));
  return self;
}

/** Copies `src` (broadcast to self's shape) into self. */
export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  expectTensor('copy_', 'self', self);
  const s = readable('copy_', self, toTensor('copy_', 'src', src));
  checkBroadcastTo('copy_', self, s);
  inplace(self, 'copy_', [s], () => clone(expand(s, self.shape)), () => {
    K().copy(s._f32('copy_'), s.offset, broadcastStrides(s.shape, s.strides, self.shape), self.shape, self._f32('copy_'), self.offset);
  });
  return self;
}

/**
 * `self` with `value` written where `mask` is true (PyTorch's `masked_fill_`): `mask` a bool
 * tensor that broadcasts to self's shape. See `maskedFill`.
 *
 * @example
 * ```ts
 * import { maskedFill_, tensor } from '@tensile/tensor';
 * const x = tensor([1, -2, 3]);
 * maskedFill_(x, x.lt(0), 0).tolist(); // [1, 0, 3]
 * ```
 */
export function maskedFill_<T extends Tensor>(self: T, mask: Tensor, value: number | boolean | Tensor): T {
  expectTensor('maskedFill_', 'self', self);
  checkMaskedFill('maskedFill_', mask, value);
  if (!(value instanceof Tensor)) checkScalarFits('maskedFill_', 'value', value, self.dtype);
  checkShapeTo('maskedFill_', self, mask.shape);
  inplace(self, 'maskedFill_', value instanceof Tensor ? [value] : [], (old) => maskedFill(old, mask, value));
  return self;
}

export function fill_<T extends Tensor>(self: T, value: number): T {
  const v = checkNumber('fill_', 'value', value);
  checkScalarFits('fill_', 'value', v, self.dtype);
  inplace(self, 'fill_', [], (old) => expand(scalar(v, old.dtype), old.shape), () => {
    self._f32('fill_').fill(v, self.offset, self.offset + self.numel());
  });
  return self;
}

/**
 * The engine's one way for code outside it (optimizers, custom kernels) to update tensors in
 * place through raw `Float32Array`s: `fn` gets a dense view of each tensor's elements, in
 * row-major order, writes `outputs` and reads `inputs`. A contiguous tensor is passed as a view
 * of its own storage (no copy); a strided one as a dense copy, written back afterwards when it is
 * an output. Each output's version counter is bumped once, so a backward that saved it notices.
 *
 * As any in-place op under grad mode, it refuses a leaf output that requires grad (wrap the
 * update in `noGrad`); it records nothing. Outputs must not overlap each other in memory.
 *
 * @example
 * ```ts
 * import { tensor, updateInPlace, kernels, noGrad } from '@tensile/tensor';
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * const g = tensor([0.5, 0.5, 0.5]);
 * noGrad(() => updateInPlace([w], [g], ([wd], [gd]) => {
 *   kernels().binary('add', wd!, 0, [1], gd!, 0, [1], [wd!.length], wd!, 0, -0.1); // w -= 0.1·g
 * }));
 * ```
 */
export function updateInPlace(
  outputs: readonly Tensor[], inputs: readonly Tensor[], fn: (outputs: Float32Array[], inputs: Float32Array[]) => void,
): void {
  const op = 'updateInPlace';
  if (!Array.isArray(outputs)) throw new TypeError(`${op}: outputs must be an array of tensors`);
  if (!Array.isArray(inputs)) throw new TypeError(`${op}: inputs must be an array of tensors`);
  outputs.forEach((t, i) => expectTensor(op, `outputs[${i}]`, t)._f32(`${op}: outputs[${i}]`));
  inputs.forEach((t, i) => expectTensor(op, `inputs[${i}]`, t)._f32(`${op}: inputs[${i}]`));
  if (typeof fn !== 'function') throw new TypeError(`${op}: fn must be a function`);
  if (isGradEnabled()) {
    const i = outputs.findIndex((t) => t.isLeaf && t.requiresGrad);
    if (i >= 0) throw new Error(`${op}: outputs[${i}] is a leaf tensor that requires grad; wrap the update in noGrad()`);
  }
  // What PyTorch's in-place ops refuse, refused here too: an output with two elements on one
  // location, outputs that share memory, an input partly over an output. An input whose
  // overlap strides cannot decide is read from a copy (the result a cloned input gives).
  // Only tensors on one storage can overlap (overlapStatus is 'none' otherwise), so each output
  // is checked against the earlier outputs on its storage, in order: the same first error as
  // checking every earlier output, in time linear in the count (an optimizer passes every
  // parameter and state at once: 282 tensors for a small GPT, 40k pairs a step before).
  const byStorage = new Map<object, [number, Tensor][]>();
  outputs.forEach((t, i) => {
    assertNoInternalOverlap(`${op}: outputs[${i}]`, t);
    const same = byStorage.get(t.storage);
    if (!same) byStorage.set(t.storage, [[i, t]]);
    else {
      for (const [j, o] of same) {
        if (overlapStatus(o, t) !== 'none') throw new Error(`${op}: outputs[${j}] and outputs[${i}] share memory; every output must have its own`);
      }
      same.push([i, t]);
    }
  });
  const copied = inputs.map((t, i) => (byStorage.get(t.storage) ?? []).some(([, o]) => inputNeedsCopy(`${op}: inputs[${i}]`, o, t)));
  // A contiguous tensor's own elements; its storage's array itself where it spans all of it (that
  // array keeps a resident block alive by itself: no view to tie to it).
  const dense = (t: Tensor): Float32Array => {
    if (!t.isContiguous()) return t.toFloat32Array();
    const data = t.storage.data as Float32Array, n = t.numel();
    return t.offset === 0 && n === data.length ? data : keepAlive(data.subarray(t.offset, t.offset + n), t.storage);
  };
  const out = outputs.map(dense);
  const inp = inputs.map((t, i) => (copied[i] ? t.toFloat32Array() : dense(t)));
  fn(out, inp);
  outputs.forEach((t, i) => {
    if (!t.isContiguous()) K().scatterCopy(out[i]!, 0, t.shape, t.storage.data, t.offset, t.strides);
    t.storage.version++;
  });
}

/**
 * Moves a tensor's storage into the WebAssembly kernels' memory, where the in-place kernels
 * (the optimizers' updates, `add_`, `mul_`) work on it where it is, with no copy in or out:
 * PyTorch has no such call because its tensors always live where its kernels run. Optimizers
 * do this for their parameters and state, so a training loop needs no call of its own.
 * Every view of the storage moves with it; values, shape and version are unchanged. Returns
 * whether the storage is resident: false where the runtime has no shared WebAssembly memory
 * (browsers without cross-origin isolation, or no WebAssembly SIMD) or the memory's 4 GiB is
 * used up; the tensor then simply stays where it was. A `Float32Array` taken from the storage
 * before the move no longer aliases it; one taken after (`t.storage.data`, or the arrays an
 * `updateInPlace` callback gets) keeps the block allocated for as long as it is reachable, so
 * it never sees another tensor's values. A `subarray()` you make of it does not: keep the array.
 *
 * @example
 * ```ts
 * import { tensor, makeResident, isResident } from '@tensile/tensor';
 * const w = tensor([1, 2, 3]);
 * makeResident(w); // true in Node
 * console.log(isResident(w), w.toArray()); // true [1, 2, 3]
 * ```
 */
export function makeResident(t: Tensor): boolean {
  expectTensor('makeResident', 'tensor', t);
  const s = t.storage;
  const arena = wasmAvailable() ? residentArena() : null;
  if (!arena) return false;
  if (arena.has(s.data)) return true;
  const block = arena.alloc(s.data.length, s, s.dtype.array as unknown as ElementType<StorageArray>);
  if (!block) return false;
  (block as Float32Array).set(s.data as Float32Array); // the same typed array type on both sides
  (s as { data: StorageArray }).data = block;
  return true;
}

/**
 * Whether a tensor's storage lives in the WebAssembly kernels' memory (see `makeResident`).
 *
 * @example
 * ```ts
 * import { tensor, isResident } from '@tensile/tensor';
 * console.log(isResident(tensor([1, 2]))); // false: tensors start in ordinary JS memory
 * ```
 */
export function isResident(t: Tensor): boolean {
  expectTensor('isResident', 'tensor', t);
  return existingArena()?.has(t.storage.data) ?? false;
}
