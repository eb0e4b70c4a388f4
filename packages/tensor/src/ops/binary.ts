import { record } from '../autograd.js';
import { K, type BinaryKind } from '../kernels/index.js';
import { broadcastShapes, broadcastStrides, sameShape, type Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { bool, checkScalarFits, float32, float64, resultType, type DType } from '../dtype.js';
import { empty, expectTensor, scalar, toTensor, wrap, describe } from './util.js';
import { checkOptions } from '../options.js';
import { sum } from './reduce.js';
import { log, reciprocal, trunc } from './unary.js';
import { toDType } from './movement.js';
import { binaryTyped, isComparison, powScalarFloat64, whereTyped, type TypedBinary } from './typed.js';

/**
 * Runs a broadcasting binary kernel into a fresh tensor (no graph). Both operands must have one
 * dtype (see `promote`): float32 runs the engine's kernels (comparisons give float32 0/1 here,
 * for internal masks); the others the typed loops (comparisons give bool).
 */
export function binaryForward(op: string, kind: BinaryKind | TypedBinary, a: Tensor, b: Tensor, alpha = 1): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const dt = a.dtype;
  if (b.dtype !== dt) throw new TypeError(`${op}: internal: operands of ${a.dtype.name} and ${b.dtype.name} reached the kernel unpromoted`);
  const as = broadcastStrides(a.shape, a.strides, shape), bs = broadcastStrides(b.shape, b.strides, shape);
  if (dt === float32 && kind in FLOAT32_KERNEL) {
    const out = empty(shape);
    K().binary(kind as BinaryKind, a._f32(op), a.offset, as, b._f32(op), b.offset, bs, shape, out.storage.data as Float32Array, 0, alpha);
    return out;
  }
  if (dt.isFloatingPoint && dt.itemsize === 2) a._f32(op); // float16/bfloat16: storage only, refused by name
  const data = binaryTyped(kind as TypedBinary, dt, alpha, a.storage.data, a.offset, as, b.storage.data, b.offset, bs, shape, op);
  return wrap(data, shape, isComparison(kind as TypedBinary) ? bool : dt);
}

const FLOAT32_KERNEL: Record<string, true> = { add: true, sub: true, mul: true, div: true, maximum: true, minimum: true, pow: true, eq: true, ne: true, gt: true, ge: true, lt: true, le: true };

/** An operand as PyTorch's result_type sees it: a tensor's dtype and dims, or a number. */
const operand = (x: TensorLike | boolean | bigint): Tensor | number | boolean | bigint => x;

/**
 * The operands of a binary op as tensors of the dtype it computes in (PyTorch's type
 * promotion, `resultType`): a number becomes a 0-d tensor of that dtype (float32(v) for a
 * float32 op, as PyTorch wraps a Python scalar), a tensor of another dtype is converted
 * (differentiably between floating dtypes).
 */
export function promote(op: string, a: TensorLike | boolean | bigint, b: TensorLike | boolean | bigint, compute?: (dt: DType) => DType): [Tensor, Tensor, DType] {
  const x = operand(a), y = operand(b);
  for (const [name, v] of [['input', x], ['other', y]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint') {
      throw new TypeError(`${op}: ${name} must be a Tensor or a number, got ${describe(v)}`);
    }
  }
  let dt = resultType(x as Tensor, y as Tensor);
  if (compute) dt = compute(dt);
  const as = (v: Tensor | number | boolean | bigint): Tensor => (v instanceof Tensor ? (v.dtype === dt ? v : toDType(v, dt)) : scalar(v, dt));
  return [as(x), as(y), dt];
}

/**
 * PyTorch's check of `alpha` for add/sub (`alpha_check`): an integral or bool result takes an
 * integral alpha only (a bool result takes any integer: PyTorch casts it to bool).
 */
/**
 * `alpha` of `add`, `sub` and their in-place forms: a number, or PyTorch's keyword as a bag
 * (`add(a, b, { alpha: 2 })`, `p.add_(g, { alpha: -lr })` for `p.add_(g, alpha=-lr)`).
 */
export type AlphaArg = number | { alpha?: number };

/** @internal The number an `AlphaArg` names (1 when absent); a bag is checked for unknown keys. */
export function alphaOf(op: string, alpha: AlphaArg | undefined): number {
  if (typeof alpha === 'object' && alpha !== null) return checkOptions(op, alpha, ['alpha']).alpha ?? 1;
  return alpha ?? 1;
}

function checkAlpha(op: string, dt: DType, alpha: number): void {
  if (alpha === 1) return;
  if (!dt.isFloatingPoint && !Number.isInteger(alpha)) throw new TypeError(`${op}: For integral input tensors, argument alpha must not be a floating point number. Got alpha ${alpha}`);
  // PyTorch converts alpha to the result's dtype, and `sub` is `add` with -alpha (int16 takes sub's alpha 32768, not -32768).
  checkScalarFits(op, 'alpha', op === 'sub' ? -alpha : alpha, dt, alpha);
}

/** A bool operand, as PyTorch's `sub` checks its inputs' dtypes (a JS boolean is a Python bool, a wrapped bool tensor). */
const isBoolOperand = (v: TensorLike | boolean | bigint): boolean => (v instanceof Tensor ? v.dtype === bool : typeof v === 'boolean');

/**
 * Sums a broadcast gradient back to `shape` (the one home of "unbroadcast").
 * Leading dims are summed away; dims that were 1 are summed with keepdim.
 *
 * @example
 * ```ts
 * import { sumToShape, ones } from '@tensile/tensor';
 * sumToShape(ones([4, 2, 3]), [2, 1]).toArray(); // [[12], [12]]
 * ```
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let r = dims.length ? sum(g, dims, true) : g;
  if (lead > 0 || !sameShape(r.shape, shape)) r = r.reshape(shape);
  return r;
}

/**
 * Element-wise `a + alpha * b` with broadcasting. `alpha` scales `b` inside one rounding, as
 * PyTorch's `torch.add(a, b, alpha=...)` does on CPU.
 *
 * @example
 * ```ts
 * import { add, tensor } from '@tensile/tensor';
 * add(tensor([[1, 2, 3]]), tensor([10, 20, 30])); // tensor([[11., 22., 33.]])
 * add(tensor([1, 2]), tensor([1, 1]), { alpha: 2 }); // tensor([3., 4.]), as alpha=2
 * ```
 */
export function add(a: TensorLike, b: TensorLike, alphaArg: AlphaArg = 1): Tensor {
  const alpha = alphaOf('add', alphaArg);
  const [x, y, dt] = promote('add', a, b);
  checkAlpha('add', dt, alpha);
  // bool: PyTorch computes `a || (bool(alpha) && b)`.
  const out = dt === bool
    ? binaryForward('add', 'logicalOr', x, alpha === 0 ? binaryForward('add', 'logicalAnd', y, scalar(false, bool)) : y)
    : binaryForward('add', 'add', x, y, alpha);
  return record('add', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, x.shape) : null,
    y.requiresGrad ? sumToShape(alpha === 1 ? g : mul(g, alpha), y.shape) : null,
  ]);
}

/**
 * Element-wise `a - alpha * b` with broadcasting.
 * @example
 * ```ts
 * import { sub, tensor } from '@tensile/tensor';
 * sub(tensor([5, 5]), 2); // tensor([3., 3.])
 * ```
 */
export function sub(a: TensorLike, b: TensorLike, alphaArg: AlphaArg = 1): Tensor {
  const alpha = alphaOf('sub', alphaArg);
  // PyTorch's `sub_check`: on the operands' dtypes, not the result's (`boolT - 1` is refused too).
  if (isBoolOperand(a) && isBoolOperand(b)) throw new TypeError('sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  if (isBoolOperand(a) || isBoolOperand(b)) throw new TypeError('sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  const [x, y, dt] = promote('sub', a, b);
  checkAlpha('sub', dt, alpha);
  const out = binaryForward('sub', 'sub', x, y, alpha);
  return record('sub', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, -alpha), y.shape) : null,
  ]);
}

/**
 * Element-wise product with broadcasting.
 * @example
 * ```ts
 * import { mul, tensor } from '@tensile/tensor';
 * mul(tensor([1, 2]), tensor([[3], [4]])); // tensor([[3., 6.], [4., 8.]])
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = promote('mul', a, b);
  const out = binaryForward('mul', dt === bool ? 'logicalAnd' : 'mul', x, y);
  return record('mul', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, x), y.shape) : null,
  ], [x, y]);
}

/**
 * `div`'s keyword, PyTorch's `rounding_mode`: `'trunc'` rounds the quotient toward zero, `'floor'`
 * toward -infinity (`floorDivide`), `null` (the default) is true division.
 */
export interface DivOptions {
  roundingMode?: 'trunc' | 'floor' | null;
}

/** @internal The rounding mode a `div` options bag names (null: true division), its keys and value checked. */
export function roundingModeOf(op: string, options: DivOptions | undefined): 'trunc' | 'floor' | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object') throw new TypeError(`${op}: options must be an object like { roundingMode: 'floor' }, got ${describe(options)}`);
  const mode = checkOptions(op, options, ['roundingMode']).roundingMode ?? null;
  if (mode !== null && mode !== 'trunc' && mode !== 'floor') {
    throw new RangeError(`${op}: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found ${typeof mode === 'string' ? `'${mode}'` : describe(mode)}`);
  }
  return mode;
}

/**
 * `div` with a rounding mode: the quotient in the operands' promoted dtype (integers stay
 * integers, exactly; a zero integer divisor is PyTorch's ZeroDivisionError), floats as PyTorch's
 * `div_floor` (floorDivide) or `trunc(a / b)`. The gradient is zero for both operands, as PyTorch's
 * (even where the upstream gradient is NaN).
 */
function roundedDiv(a: TensorLike, b: TensorLike, mode: 'trunc' | 'floor'): Tensor {
  const [x, y, dt] = promote('div', a, b);
  if (dt === bool) throw new TypeError(`div: "div_${mode}_cpu" not implemented for 'Bool'`);
  const xd = x.detach(), yd = y.detach();
  let out: Tensor;
  // floorDivide's and fmod's kernels, named div in their errors (a zero integer divisor)
  if (mode === 'floor') out = binaryForward('div', 'floorDivide', xd, yd);
  else if (dt.isFloatingPoint) out = trunc(div(xd, yd));
  else {
    // toward zero from floor: one up where the remainder is non-zero and the signs differ
    const q = binaryForward('div', 'floorDivide', xd, yd);
    out = where(ne(binaryForward('div', 'fmod', xd, yd), 0), where(ne(lt(xd, 0), lt(yd, 0)), add(q, 1), q), q);
  }
  // empty() is zero-filled
  return record('div', out, [x, y], () => [x.requiresGrad ? empty(x.shape, x.dtype) : null, y.requiresGrad ? empty(y.shape, y.dtype) : null]);
}

/**
 * Element-wise quotient with broadcasting.
 * @example
 * ```ts
 * import { div, tensor } from '@tensile/tensor';
 * div(tensor([1, 2]), 4); // tensor([0.2500, 0.5000])
 * ```
 */
export function div(a: TensorLike, b: TensorLike, options?: DivOptions): Tensor {
  const mode = roundingModeOf('div', options);
  if (mode !== null) return roundedDiv(a, b, mode);
  // True division: integer and bool operands divide in the default float dtype.
  const [x, y] = promote('div', a, b, (dt) => (dt.isFloatingPoint ? dt : float32));
  const out = binaryForward('div', 'div', x, y);
  return record('div', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(div(g, y), x.shape) : null,
    // PyTorch's div_tensor_other_backward: -grad * ((self / other) / other)
    y.requiresGrad ? sumToShape(mul(g.neg(), div(div(x, y), y)), y.shape) : null,
  ], [x, y]);
}

/**
 * `floor(a / b)` element-wise with broadcasting: Python's `//`, PyTorch's `floor_divide` (which
 * rounds toward -infinity since 1.13). Integers divide exactly in their dtype, and a zero integer
 * divisor is PyTorch's ZeroDivisionError; floats follow PyTorch's `div_floor` (a zero divisor
 * gives the IEEE quotient). No gradient: the result does not require grad (PyTorch's backward
 * raises "derivative for aten::floor_divide is not implemented").
 * @example
 * ```ts
 * import { floorDivide, tensor, int64 } from '@tensile/tensor';
 * floorDivide(tensor([7, -7], { dtype: int64 }), 2); // tensor([ 3, -4])
 * ```
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = promote('floorDivide', a, b);
  if (dt === bool) throw new TypeError("floorDivide: not implemented for 'Bool'");
  return binaryForward('floorDivide', 'floorDivide', x, y);
}

/**
 * Python's `%` element-wise with broadcasting (PyTorch's `remainder`): the result has the sign of
 * the divisor, `a - floorDivide(a, b) * b`. A zero integer divisor is PyTorch's ZeroDivisionError.
 * @example
 * ```ts
 * import { remainder, tensor } from '@tensile/tensor';
 * remainder(tensor([-3, 5]), 2); // tensor([1., 1.])
 * ```
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = promote('remainder', a, b);
  if (dt === bool) throw new TypeError("remainder: not implemented for 'Bool'");
  const out = binaryForward('remainder', 'remainder', x, y);
  return record('remainder', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, floorDivide(x, y)).neg(), y.shape) : null,
  ], [x, y]);
}

/**
 * C's `fmod` element-wise with broadcasting (PyTorch's `fmod`): the result has the sign of the
 * dividend, `a - trunc(a / b) * b`, exact in every dtype. A zero integer divisor is PyTorch's
 * ZeroDivisionError; a zero floating divisor gives NaN. Gradient `g` for a, `-g · trunc(a / b)`
 * for b, as PyTorch's.
 * @example
 * ```ts
 * import { fmod, tensor } from '@tensile/tensor';
 * fmod(tensor([-3, 5]), 2); // tensor([-1., 1.])
 * ```
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = promote('fmod', a, b);
  if (dt === bool) throw new TypeError(`fmod: "fmod_cpu" not implemented for 'Bool'`);
  const out = binaryForward('fmod', 'fmod', x, y);
  return record('fmod', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g.neg(), trunc(div(x, y))), y.shape) : null,
  ], [x, y]);
}

/**
 * The angle of the point `(b, a)` (PyTorch's `atan2(input, other)`), in `[-π, π]`; integer and
 * bool operands compute in the default float dtype. Gradients `g · b / (a² + b²)` and
 * `g · -a / (a² + b²)`, as PyTorch's `atan2_backward`.
 * @example
 * ```ts
 * import { atan2, tensor } from '@tensile/tensor';
 * atan2(tensor([1]), tensor([1])); // tensor([0.7854])
 * ```
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote('atan2', a, b, (dt) => (dt.isFloatingPoint ? dt : float32));
  const out = binaryForward('atan2', 'atan2', x, y);
  return record('atan2', out, [x, y], (g) => {
    const recip = reciprocal(add(mul(x, x), mul(y, y)));
    return [
      x.requiresGrad ? sumToShape(mul(mul(g, y), recip), x.shape) : null,
      y.requiresGrad ? sumToShape(mul(mul(g, x.neg()), recip), y.shape) : null,
    ];
  }, [x, y]);
}

/**
 * `a ** b` element-wise; `b` a number or a tensor (broadcast).
 * @example
 * ```ts
 * import { pow, tensor } from '@tensile/tensor';
 * pow(tensor([2, 3]), 2); // tensor([4., 9.])
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const x0 = toTensor('pow', 'input', a);
  if (typeof b === 'number' && Number.isInteger(b) && b < 0 && !x0.dtype.isFloatingPoint) {
    // PyTorch refuses a negative integer number as the exponent of an integer or bool tensor (a tensor exponent gives 0 or ±1).
    throw new RangeError(`pow: Integers to negative integer powers are not allowed. Got exponent ${b} for a ${x0.dtype.name} tensor`);
  }
  // An integer exponent of an integral tensor is converted to its dtype, checked (a float tensor's is a double).
  if (typeof b === 'number' && Number.isInteger(b) && !x0.dtype.isFloatingPoint) checkScalarFits('pow', 'exponent', b, x0.dtype);
  if (typeof b === 'number' && (x0.dtype === float32 || (!Number.isInteger(b) && !x0.dtype.isFloatingPoint))) {
    const x = x0.dtype === float32 ? x0 : toDType(x0, float32);
    const out = empty(x.shape);
    const [d, o] = x._contiguousData('pow');
    K().powScalar(d, o, b, out.storage.data as Float32Array, 0, out.numel());
    return record('pow', out, [x], (g) => [
      b === 0 ? mul(g, 0) : mul(g, mul(pow(x, b - 1), b)),
    ], [x]);
  }
  if (typeof b === 'number' && x0.dtype === float64) {
    const [d, o] = x0._contiguousAny();
    const out = wrap(powScalarFloat64(d as Float64Array, o, x0.numel(), b), x0.shape, float64);
    return record('pow', out, [x0], (g) => [
      b === 0 ? mul(g, 0) : mul(g, mul(pow(x0, b - 1), b)),
    ], [x0]);
  }
  if (typeof b !== 'number' && typeof b !== 'boolean') expectTensor('pow', 'exponent', b); // a boolean is a Python bool
  const [x, y, dt] = promote('pow', x0, b);
  if (dt === bool) throw new TypeError("pow: not implemented for 'Bool'");
  const out = binaryForward('pow', 'pow', x, y);
  return record('pow', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    // NOTE: PyTorch masks the log at x == 0 (where the result is 0) to keep the grad finite.
    y.requiresGrad ? sumToShape(mul(g, mul(out, where(eq(x, 0), 0, log(x)))), y.shape) : null,
  ], [x, y, out]);
}

/** Weight 1 where a wins, 1/2 on ties, as PyTorch splits the gradient of max/min. */
function winnerMask(kind: 'gt' | 'lt', x: Tensor, y: Tensor): Tensor {
  // float32 masks come out of the kernel as 0/1 floats; other dtypes' as bool: weights in x's dtype.
  const win = toDType(binaryForward(kind, kind, x, y), x.dtype);
  const tie = toDType(binaryForward('eq', 'eq', x, y), x.dtype);
  return add(win, tie, 0.5);
}

/**
 * Element-wise maximum with broadcasting (gradient split evenly on ties, as PyTorch).
 * @example
 * ```ts
 * import { maximum, tensor } from '@tensile/tensor';
 * maximum(tensor([1, 5]), tensor([3, 2])); // tensor([3., 5.])
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return minmax('maximum', 'gt', a, b);
}

/**
 * Element-wise minimum with broadcasting.
 * @example
 * ```ts
 * import { minimum, tensor } from '@tensile/tensor';
 * minimum(tensor([1, 5]), tensor([3, 2])); // tensor([1., 2.])
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return minmax('minimum', 'lt', a, b);
}

function minmax(op: 'maximum' | 'minimum', cmp: 'gt' | 'lt', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(op, a, b);
  const out = binaryForward(op, op, x, y);
  return record(op, out, [x, y], (g) => {
    const m = winnerMask(cmp, x, y);
    return [
      x.requiresGrad ? sumToShape(mul(g, m), x.shape) : null,
      y.requiresGrad ? sumToShape(mul(g, sub(1, m)), y.shape) : null,
    ];
  }, [x, y]);
}

/** Float32 0/1 into bool. */
function toBool(t: Tensor): Tensor {
  if (t.dtype === bool) return t;
  const src = t.storage.data as Float32Array, out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  return wrap(out, t.shape, bool);
}

function compare(kind: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(kind, a, b);
  return toBool(binaryForward(kind, kind, x, y));
}

/** `true` where `a == b` (a bool tensor, no gradient). @example `eq(tensor([1, 2]), 2) // tensor([False,  True])` */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
/** `true` where `a != b`. @example `ne(tensor([1, 2]), 2) // tensor([ True, False])` */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
/** `true` where `a > b`. @example `gt(tensor([1, 2]), 1) // tensor([False,  True])` */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
/** `true` where `a >= b`. @example `ge(tensor([1, 2]), 2) // tensor([False,  True])` */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
/** `true` where `a < b`. @example `lt(tensor([1, 2]), 2) // tensor([ True, False])` */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
/** `true` where `a <= b`. @example `le(tensor([1, 2]), 1) // tensor([ True, False])` */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);

/**
 * `condition ? a : b` element-wise, all three broadcast together; `condition` is a bool tensor
 * (PyTorch's rule), `a` and `b` promote together as any binary op's operands.
 * @example
 * ```ts
 * import { where, tensor } from '@tensile/tensor';
 * const x = tensor([1, -2]);
 * where(x.gt(0), x, 9); // tensor([1., 9.])
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = expectTensor('where', 'condition', condition);
  if (c.dtype !== bool) throw new TypeError(`where: expected condition to be a boolean tensor, but got a tensor with dtype ${c.dtype.cName}`);
  const [x, y, dt] = promote('where', a, b);
  // PyTorch makes a number operand a tensor of the result's dtype, checked (binary ops wrap it unchecked).
  if (typeof a === 'number') checkScalarFits('where', 'input', a, dt);
  if (typeof b === 'number') checkScalarFits('where', 'other', b, dt);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const cs = broadcastStrides(c.shape, c.strides, shape), xs = broadcastStrides(x.shape, x.strides, shape), ys = broadcastStrides(y.shape, y.strides, shape);
  let out: Tensor;
  if (dt === float32) {
    out = empty(shape);
    K().where(c.storage.data as Uint8Array, c.offset, cs, x._f32('where'), x.offset, xs, y._f32('where'), y.offset, ys, shape, out.storage.data as Float32Array, 0);
  } else {
    if (dt.itemsize === 2 && dt.isFloatingPoint) x._f32('where');
    out = wrap(whereTyped(c.storage.data, c.offset, cs, x.storage.data, x.offset, xs, y.storage.data, y.offset, ys, shape, dt), shape, dt);
  }
  return record('where', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(where(c, g, 0), x.shape) : null,
    y.requiresGrad ? sumToShape(where(c, 0, g), y.shape) : null,
  ]);
}

/** @internal The checks `maskedFill` and `maskedFill_` share: a bool mask, a number or 0-d tensor value. */
export function checkMaskedFill(op: string, mask: unknown, value: unknown): void {
  const m = expectTensor(op, 'mask', mask);
  if (m.dtype !== bool) throw new TypeError(`${op}: only supports boolean masks, but got mask with dtype ${m.dtype.name}`);
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new RangeError(`${op}: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  } else if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${op}: value must be a number or a 0-d Tensor, got ${describe(value)}`);
  }
}

/**
 * `x` with `value` where `mask` is true (PyTorch's `masked_fill`): `mask` a bool tensor, `x` and
 * `mask` broadcast together; `value` a number or a 0-d tensor, cast to x's dtype (the result
 * keeps it). The gradient of x is zero where masked; a 0-d tensor value gets the sum of the
 * masked gradient.
 * @example
 * ```ts
 * import { maskedFill, tensor } from '@tensile/tensor';
 * maskedFill(tensor([1, 2, 3]), tensor([true, false, true]), -Infinity); // tensor([-inf, 2., -inf])
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  expectTensor('maskedFill', 'input', x);
  checkMaskedFill('maskedFill', mask, value);
  if (!(value instanceof Tensor)) checkScalarFits('maskedFill', 'value', value, x.dtype);
  const v = value instanceof Tensor ? toDType(value, x.dtype) : scalar(value, x.dtype);
  return where(mask, v, x);
}
