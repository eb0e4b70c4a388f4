import { isGradEnabled, record } from '../autograd.js';
import { K, type UnaryKind } from '../kernels/index.js';
import type { Tensor } from '../tensor.js';
import { add, mul, div, sub, where, ge, le, maximum, minimum } from './binary.js';
import { empty, expectTensor, checkNumber, describe, wrap } from './util.js';
import { checkOptions } from '../options.js';
import { jsKernels } from '../kernels/js.js';
import { erf as erfPrecise } from '../kernels/erf.js';
import { GELU_TANH_BETA_F64, GELU_TANH_KAPPA_F64 } from '../kernels/transcendental.js';
import { bool, checkScalarFits, float32, float64, int32, int64 } from '../dtype.js';
import { toDType } from './movement.js';
import { zerosLike } from './creation.js';

/** Runs a unary kernel into a fresh tensor (no graph). */
export function unaryForward(op: string, kind: UnaryKind, x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  if (x.dtype === float64) {
    // NOTE: the JS kernel's rows compute each element in double and store it: into a
    // Float64Array that is float64 arithmetic (the float32 rounding is the store's).
    const out = empty(x.shape, float64);
    const [d, o] = x._contiguousAny();
    jsKernels.unary(kind, d as unknown as Float32Array, o, out.storage.data as unknown as Float32Array, 0, out.numel());
    return out;
  }
  if (x.dtype !== float32 && !x.dtype.isFloatingPoint) {
    if (ROUNDING.has(kind)) {
      // PyTorch: floor/ceil/round/trunc of an integer tensor is a copy in its dtype; bool has no kernel.
      if (x.dtype === bool) throw new TypeError(`${op}: "${kind}_vml_cpu" not implemented for 'Bool'`);
      return wrap(x.toTypedArray(), x.shape, x.dtype);
    }
    if (INT_KEEPS_DTYPE.has(kind)) return integerUnary(op, kind, x);
    if (kind !== 'isfinite') return unaryForward(op, kind, toDType(x, float32)); // exp of an int: the default float dtype, as PyTorch
  }
  const out = empty(x.shape);
  const [d, o] = x._contiguousData(op);
  K().unary(kind, d, o, out.storage.data as Float32Array, 0, out.numel());
  return out;
}

const ROUNDING = new Set<UnaryKind>(['floor', 'ceil', 'round', 'trunc']);
const INT_KEEPS_DTYPE = new Set<UnaryKind>(['neg', 'abs', 'sign', 'relu', 'square']);

/** neg/abs/sign/relu/square of an integer tensor, in its dtype (int64 exactly, wrapping at 2^63). */
function integerUnary(op: string, kind: UnaryKind, x: Tensor): Tensor {
  if (x.dtype === bool) {
    if (kind === 'sign') return wrap(x.toTypedArray(), x.shape, bool); // PyTorch: sign of a bool is itself
    if (kind === 'neg') throw new TypeError(`${op}: Negation, the \`-\` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the \`~\` or \`logical_not()\` operator instead.`);
    // PyTorch squares a bool as pow(x, 2): in int64
    if (kind === 'square') return integerUnary(op, kind, toDType(x, int64));
    if (kind === 'relu') throw new TypeError(`${op}: Boolean inputs not supported for relu`);
    throw new TypeError(`${op}: "${kind}_cpu" not implemented for 'Bool'`);
  }
  const [d, o] = x._contiguousAny();
  const n = x.numel();
  const out = new x.dtype.array(n);
  if (d instanceof BigInt64Array) {
    const w = out as BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = d[o + i]!;
      w[i] = BigInt.asIntN(64, kind === 'neg' ? -v : kind === 'abs' ? (v < 0n ? -v : v) : kind === 'sign' ? (v > 0n ? 1n : v < 0n ? -1n : 0n) : kind === 'relu' ? (v > 0n ? v : 0n) : v * v);
    }
  } else {
    const w = out as Int32Array, src = d as Int32Array; // the narrow integers: the store wraps
    for (let i = 0; i < n; i++) {
      const v = src[o + i]!;
      w[i] = kind === 'neg' ? -v : kind === 'abs' ? Math.abs(v) : kind === 'sign' ? Math.sign(v) : kind === 'relu' ? Math.max(v, 0) : x.dtype === int32 ? Math.imul(v, v) : v * v;
    }
  }
  return wrap(out, x.shape, x.dtype);
}

/**
 * A differentiable unary op: its kernel and its derivative side by side. `backward` gets the
 * upstream gradient, the input and the output, and is written with differentiable ops so
 * higher-order gradients work.
 */
function unaryOp(
  kind: UnaryKind,
  backward: ((g: Tensor, x: Tensor, y: Tensor) => Tensor) | null,
  saves: 'x' | 'y' | 'none' = 'x',
): (x: Tensor) => Tensor {
  return (x: Tensor): Tensor => {
    const y = unaryForward(kind, kind, x);
    if (backward === null) return y;
    return record(kind, y, [x], (g) => [backward(g, x, y)], saves === 'x' ? [x] : saves === 'y' ? [y] : []);
  };
}

/** `-x`. @example `neg(tensor([1, -2])) // tensor([-1., 2.])` */
export const neg = unaryOp('neg', (g) => mul(g, -1), 'none');
/** `e^x`. @example `exp(tensor([0])) // tensor([1.])` */
export const exp = unaryOp('exp', (g, _x, y) => mul(g, y), 'y');
/** Natural log. @example `log(tensor([1])) // tensor([0.])` */
export const log = unaryOp('log', (g, x) => div(g, x));
/** `log(1 + x)`, accurate for small x. @example `log1p(tensor([0])) // tensor([0.])` */
export const log1p = unaryOp('log1p', (g, x) => div(g, add(x, 1)));
/** Square root. @example `sqrt(tensor([4])) // tensor([2.])` */
export const sqrt = unaryOp('sqrt', (g, _x, y) => div(g, mul(y, 2)), 'y');
/** Absolute value (gradient `sign(x)`, 0 at 0). @example `abs(tensor([-3])) // tensor([3.])` */
export const abs = unaryOp('abs', (g, x) => mul(g, sign(x)));
/** -1, 0 or 1 (no gradient). @example `sign(tensor([-3, 0, 2])) // tensor([-1., 0., 1.])` */
export const sign = unaryOp('sign', null);
/**
 * `max(x, 0)`. Its gradient is PyTorch's `threshold_backward`: 0 where `x <= 0`, the upstream
 * gradient elsewhere (also at a NaN input), one fused kernel pass.
 * @example `relu(tensor([-1, 2])) // tensor([0., 2.])`
 */
export function relu(x: Tensor): Tensor {
  const y = unaryForward('relu', 'relu', x);
  return record('relu', y, [x], (g) => {
    if (isGradEnabled() || x.dtype !== float32) return [where(le(x, 0), 0, g)]; // recorded (or not float32): composed, differentiable
    const out = empty(x.shape);
    const [xd, xo] = x._contiguousData('relu'), [gd, go] = g._contiguousData('relu');
    K().reluBackward(xd, xo, gd, go, out.storage.data as Float32Array, out.numel());
    return [out];
  }, [x]);
}
/**
 * The backward of sigmoid or tanh from its output, in one pass with PyTorch's float32 roundings
 * (`sigmoid_backward`: `g·(1 - y)·y`; `tanh_backward`: `g·(1 - y²)`), or null where it does not
 * apply (a recorded backward, other dtypes): then the composed form runs.
 */
function outputBackward(kind: 'sigmoid' | 'tanh', g: Tensor, y: Tensor): Tensor | null {
  if (isGradEnabled() || g.dtype !== y.dtype || (y.dtype !== float32 && y.dtype !== float64)) return null;
  const [yd, yo] = y._contiguousAny() as [Float64Array, number];
  const [gd, go] = g._contiguousAny() as [Float64Array, number];
  const out = empty(y.shape, y.dtype);
  const d = out.storage.data as Float64Array, n = d.length;
  if (y.dtype === float32) {
    const r = Math.fround;
    if (kind === 'sigmoid') for (let i = 0; i < n; i++) { const v = yd[yo + i]!; d[i] = r(r(gd[go + i]! * r(1 - v)) * v); }
    else for (let i = 0; i < n; i++) { const v = yd[yo + i]!; d[i] = gd[go + i]! * r(1 - r(v * v)); }
  } else if (kind === 'sigmoid') for (let i = 0; i < n; i++) { const v = yd[yo + i]!; d[i] = gd[go + i]! * (1 - v) * v; }
  else for (let i = 0; i < n; i++) { const v = yd[yo + i]!; d[i] = gd[go + i]! * (1 - v * v); }
  return out;
}

/** `1 / (1 + e^-x)`. @example `sigmoid(tensor([0])) // tensor([0.5000])` */
export const sigmoid = unaryOp('sigmoid', (g, _x, y) => outputBackward('sigmoid', g, y) ?? mul(mul(g, sub(1, y)), y), 'y');
/** Hyperbolic tangent. @example `tanh(tensor([0])) // tensor([0.])` */
export const tanh = unaryOp('tanh', (g, _x, y) => outputBackward('tanh', g, y) ?? mul(g, sub(1, mul(y, y))), 'y');
/** The error function. @example `erf(tensor([0])) // tensor([0.])` */
export const erf = unaryOp('erf', (g, x) => mul(g, mul(exp(mul(mul(x, x), -1)), 2 / Math.sqrt(Math.PI))));
/** `1 / x`. @example `reciprocal(tensor([4])) // tensor([0.2500])` */
export const reciprocal = unaryOp('reciprocal', (g, _x, y) => mul(g, mul(mul(y, y), -1)), 'y');
/** `x * x`. @example `square(tensor([3])) // tensor([9.])` */
export const square = unaryOp('square', (g, x) => mul(g, mul(x, 2)));
/** Sine. @example `sin(tensor([0])) // tensor([0.])` */
export const sin = unaryOp('sin', (g, x) => mul(g, cos(x)));
/** Cosine. @example `cos(tensor([0])) // tensor([1.])` */
export const cos = unaryOp('cos', (g, x) => mul(g, neg(sin(x))));
/** Tangent (gradient `1 + tan²`, from the output as PyTorch's). @example `tan(tensor([0])) // tensor([0.])` */
export const tan = unaryOp('tan', (g, _x, y) => mul(g, add(mul(y, y), 1)), 'y');
/** `e^x - 1`, accurate for small x. @example `expm1(tensor([0])) // tensor([0.])` */
export const expm1 = unaryOp('expm1', (g, _x, y) => mul(g, add(y, 1)), 'y');
/** Base-2 logarithm. @example `log2(tensor([8])) // tensor([3.])` */
export const log2 = unaryOp('log2', (g, x) => div(g, mul(x, Math.LN2)));
/** Largest integer `<= x` (integer dtypes unchanged; gradient zero). @example `floor(tensor([-1.5])) // tensor([-2.])` */
export const floor = unaryOp('floor', (g) => zerosLike(g), 'none');
/** Smallest integer `>= x` (integer dtypes unchanged; gradient zero). @example `ceil(tensor([-1.5])) // tensor([-1.])` */
export const ceil = unaryOp('ceil', (g) => zerosLike(g), 'none');
const roundInteger = unaryOp('round', (g) => zerosLike(g), 'none');

/** `round`'s keyword: PyTorch's `decimals` (keyword-only there too). */
export interface RoundOptions {
  decimals?: number;
}

/**
 * Nearest integer, ties to even as torch.round (integer dtypes unchanged; gradient zero); with
 * `{ decimals }`, to that many decimal places as PyTorch's `round_decimals` kernel computes it in
 * the input's dtype: `nearbyint(x · 10^d) / 10^d` (for d < 0, `nearbyint(x / 10^-d) · 10^-d`).
 * @example `round(tensor([0.5, 1.5])) // tensor([0., 2.])`; `round(tensor([1.26]), { decimals: 1 }) // tensor([1.3000])`
 */
export function round(x: Tensor, options?: RoundOptions): Tensor {
  if (options === undefined) return roundInteger(x);
  if (typeof options !== 'object' || options === null) throw new TypeError(`round: decimals is a keyword, as PyTorch's: pass { decimals: n }, got ${describe(options)}`);
  const decimals = checkOptions('round', options, ['decimals']).decimals ?? 0;
  if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${describe(decimals)}`);
  expectTensor('round', 'input', x);
  if (decimals === 0) return roundInteger(x);
  if (!x.dtype.isFloatingPoint) throw new TypeError(`round: "round_cpu" not implemented for '${x.dtype.cName}'`);
  // the power of ten in the input's dtype, as ATen's static_cast<scalar_t>(std::pow(10, d))
  const p = 10 ** Math.abs(decimals), pw = x.dtype === float32 ? Math.fround(p) : p;
  return decimals > 0 ? div(roundInteger(mul(x, pw)), pw) : mul(roundInteger(div(x, pw)), pw);
}
/** Rounds toward zero (integer dtypes unchanged; gradient zero). @example `trunc(tensor([-1.5])) // tensor([-1.])` */
export const trunc = unaryOp('trunc', (g) => zerosLike(g), 'none');

// The inverse and hyperbolic functions: each computed in double and rounded once to the dtype
// (integer and bool inputs give float32); their gradients are PyTorch 1.13's formulas
// (tools/autograd/derivatives.yaml), op for op, so they round as PyTorch's do.
/**
 * Arcsine, in `[-π/2, π/2]` (NaN outside `[-1, 1]`); gradient `g · rsqrt(1 - x²)` (`-x·x + 1`, as PyTorch's).
 * @example
 * ```ts
 * import { asin, tensor } from '@tensile/tensor';
 * asin(tensor([0, 1])); // tensor([0.0000, 1.5708])
 * ```
 */
export const asin = unaryOp('asin', (g, x) => mul(g, rsqrt(add(mul(neg(x), x), 1))));
/**
 * Arccosine, in `[0, π]` (NaN outside `[-1, 1]`); gradient `g · -rsqrt(1 - x²)`.
 * @example
 * ```ts
 * import { acos, tensor } from '@tensile/tensor';
 * acos(tensor([1, 0])); // tensor([0.0000, 1.5708])
 * ```
 */
export const acos = unaryOp('acos', (g, x) => mul(g, neg(rsqrt(add(mul(neg(x), x), 1)))));
/**
 * Arctangent, in `(-π/2, π/2)`; gradient `g / (x² + 1)`.
 * @example
 * ```ts
 * import { atan, tensor } from '@tensile/tensor';
 * atan(tensor([1])); // tensor([0.7854])
 * ```
 */
export const atan = unaryOp('atan', (g, x) => div(g, add(mul(x, x), 1)));
/**
 * Hyperbolic sine; gradient `g · cosh(x)`.
 * @example
 * ```ts
 * import { sinh, tensor } from '@tensile/tensor';
 * sinh(tensor([0, 1])); // tensor([0.0000, 1.1752])
 * ```
 */
export const sinh = unaryOp('sinh', (g, x) => mul(g, cosh(x)));
/**
 * Hyperbolic cosine; gradient `g · sinh(x)`.
 * @example
 * ```ts
 * import { cosh, tensor } from '@tensile/tensor';
 * cosh(tensor([0, 1])); // tensor([1.0000, 1.5431])
 * ```
 */
export const cosh = unaryOp('cosh', (g, x) => mul(g, sinh(x)));
/**
 * Inverse hyperbolic sine; gradient `g · rsqrt(x² + 1)`.
 * @example
 * ```ts
 * import { asinh, tensor } from '@tensile/tensor';
 * asinh(tensor([1])); // tensor([0.8814])
 * ```
 */
export const asinh = unaryOp('asinh', (g, x) => mul(g, rsqrt(add(mul(x, x), 1))));
/**
 * Inverse hyperbolic cosine (NaN below 1); gradient `g · rsqrt(x² - 1)` (infinite at 1).
 * @example
 * ```ts
 * import { acosh, tensor } from '@tensile/tensor';
 * acosh(tensor([1, 2])); // tensor([0.0000, 1.3170])
 * ```
 */
export const acosh = unaryOp('acosh', (g, x) => mul(g, rsqrt(sub(mul(x, x), 1))));
/**
 * Inverse hyperbolic tangent (±inf at ±1, NaN beyond); gradient `g / (1 - x²)`.
 * @example
 * ```ts
 * import { atanh, tensor } from '@tensile/tensor';
 * atanh(tensor([0.5])); // tensor([0.5493])
 * ```
 */
export const atanh = unaryOp('atanh', (g, x) => div(g, sub(1, mul(x, x))));

/**
 * `1 / sqrt(x)`: PyTorch's two roundings (the square root, then its reciprocal, each in the
 * dtype), so float32 results are PyTorch's bit for bit. Gradient `-0.5 · g · y³`, as PyTorch's.
 * @example `rsqrt(tensor([4])) // tensor([0.5000])`
 */
export function rsqrt(x: Tensor): Tensor {
  const y = unaryForward('rsqrt', 'reciprocal', unaryForward('rsqrt', 'sqrt', x));
  return record('rsqrt', y, [x], (g) => [mul(mul(g, -0.5), mul(mul(y, y), y))], [y]);
}

/** A bool tensor of `test(v)` for each element of a floating `x`; an integer or bool `x` gives `integers` everywhere. */
function floatPredicate(op: string, x: Tensor, integers: boolean, test: (v: number) => boolean): Tensor {
  expectTensor(op, 'input', x);
  if (!x.dtype.isFloatingPoint) return wrap(new Uint8Array(x.numel()).fill(integers ? 1 : 0), x.shape, bool);
  const f = x.dtype === float32 || x.dtype === float64 ? x : toDType(x, float32);
  const [d, o] = f._contiguousAny();
  const out = new Uint8Array(x.numel());
  for (let i = 0; i < out.length; i++) out[i] = test(d[o + i] as number) ? 1 : 0;
  return wrap(out, x.shape, bool);
}

/** `true` where finite (a bool tensor; integers are always finite). @example `isfinite(tensor([1, Infinity])) // tensor([ True, False])` */
export const isfinite = (x: Tensor): Tensor => floatPredicate('isfinite', x, true, Number.isFinite);
/** `true` where NaN (a bool tensor). @example `isnan(tensor([1, NaN])) // tensor([False,  True])` */
export const isnan = (x: Tensor): Tensor => floatPredicate('isnan', x, false, Number.isNaN);
/** `true` where ±Infinity (a bool tensor). @example `isinf(tensor([1, -Infinity])) // tensor([False,  True])` */
export const isinf = (x: Tensor): Tensor => floatPredicate('isinf', x, false, (v) => v === Infinity || v === -Infinity);

/** Options of `gelu`: PyTorch's keyword `approximate`. */
export interface GeluOptions {
  /** `'none'` (default): `x·Φ(x)`; `'tanh'`: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. */
  approximate?: 'none' | 'tanh';
}

/**
 * GELU, exact form `x * Φ(x)` (PyTorch's default `approximate='none'`), or with
 * `{ approximate: 'tanh' }` the tanh approximation GPT-2 uses.
 * @example
 * ```ts
 * import { gelu, tensor } from '@tensile/tensor';
 * gelu(tensor([1])); // tensor([0.8413])
 * gelu(tensor([1]), { approximate: 'tanh' }); // tensor([0.8412])
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  expectTensor('gelu', 'input', x);
  const approximate = checkOptions('gelu', options, ['approximate']).approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  if (approximate === 'tanh') return geluTanh(x);
  // d/dx x·Φ(x) = Φ(x) + x·φ(x); float32 in PyTorch's float32 steps with its kernels' erf
  const k = 1 / Math.sqrt(2 * Math.PI);
  return activationNode('gelu', x,
    (v, dy) => dy * (0.5 * (1 + erfPrecise(v * Math.SQRT1_2)) + v * k * Math.exp(-0.5 * v * v)),
    (g) => mul(g, add(mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5), mul(x, mul(exp(mul(mul(x, x), -0.5)), k)))));
}

/**
 * SiLU `x / (1 + e^-x)` in float32 or float64, one node each way, as PyTorch's kernels compute it
 * (a division, not `x·sigmoid(x)`): float32 from the kernel set (`siluf`, the module's f32x4
 * lanes, the same bits), float64 in double; backward `dy·s·(1 + x·(1 − s))`, composed from ops
 * when recorded.
 * @internal
 */
export function siluFused(x: Tensor): Tensor {
  return activationNode('silu', x,
    (v, dy) => { const s = 1 / (1 + Math.exp(-v)); return dy * s * (1 + v * (1 - s)); },
    (g) => { const s = sigmoid(x); return mul(mul(g, s), add(mul(x, sub(1, s)), 1)); });
}

/**
 * An activation as one node each way: the forward from the kernel set's unary `kind`; the
 * backward `dy·f'(x)` from the kernel set's `unaryBackward` for float32 (PyTorch's float32
 * steps), `f64(x, dy)` per element in double for float64, and `recorded(g)`, composed from ops,
 * when the backward is itself recorded (or for another dtype).
 */
function activationNode(kind: 'gelu' | 'geluTanh' | 'silu', x: Tensor, f64: (v: number, dy: number) => number, recorded: (g: Tensor) => Tensor): Tensor {
  const op = kind === 'silu' ? 'silu' : 'gelu';
  expectTensor(op, 'input', x);
  // PyTorch has these kernels for floating dtypes only (an integer input is an error, not a float result)
  if (x.dtype !== float32 && x.dtype !== float64) throw new TypeError(`${op}: "${op === 'gelu' ? 'GeluKernelImpl' : 'silu_cpu'}" not implemented for '${x.dtype.cName}'`);
  const out = unaryForward(op, kind, x);
  return record(op, out, [x], (g) => {
    if (isGradEnabled() || g.dtype !== x.dtype) return [recorded(g)]; // x is float32 or float64 (checked above)
    const [gd, go] = g._contiguousAny() as [Float64Array, number];
    const dx = empty(x.shape, x.dtype);
    const d = dx.storage.data as Float64Array;
    if (x.dtype === float32) {
      const [xd, xo] = x._contiguousData(kind);
      K().unaryBackward(kind, xd, xo, gd as unknown as Float32Array, go, d as unknown as Float32Array, d.length);
    } else {
      const [xd, xo] = x._contiguousAny() as [Float64Array, number];
      for (let i = 0, n = d.length; i < n; i++) d[i] = f64(xd[xo + i]!, gd[go + i]!);
    }
    return [dx];
  }, [x]);
}


/**
 * GELU's tanh approximation as ATen's `GeluKernel` computes it, each operation in the input's
 * dtype (float32: rounded after each, the kernel set's `geluTanh`, the module's f32x4 lanes and
 * the JS rows giving the same bits): forward `0.5·x·(1 + tanh(β·(x + κ·x³)))`, backward
 * `dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·β·(1 + 3κ·x²))` with `t` computed again from x, as PyTorch
 * does. A recorded backward composes the same formula from ops.
 */
function geluTanh(x: Tensor): Tensor {
  return activationNode('geluTanh', x,
    (v, dy) => {
      const t = Math.tanh(GELU_TANH_BETA_F64 * (v + GELU_TANH_KAPPA_F64 * (v * v * v)));
      return dy * (0.5 * (1 + t) + (0.5 * v * (1 - t * t)) * (GELU_TANH_BETA_F64 * (1 + 3 * GELU_TANH_KAPPA_F64 * (v * v))));
    },
    (g) => {
      const r = x.dtype === float32 ? Math.fround : (v: number): number => v;
      const beta = r(GELU_TANH_BETA_F64), kappa = r(GELU_TANH_KAPPA_F64);
      const x2 = mul(x, x);
      const th = tanh(mul(add(x, mul(mul(x2, x), kappa)), beta));
      const left = mul(x, 0.5), right = add(th, 1);
      const dt = sub(1, mul(th, th)), inner = mul(add(mul(x2, r(3 * kappa)), 1), beta);
      return mul(g, add(mul(right, 0.5), mul(mul(left, dt), inner)));
    });
}

/** `clamp`'s keywords as a bag: `x.clamp({ min: 0 })` for PyTorch's `x.clamp(min=0)`. */
export interface ClampOptions {
  min?: number | null;
  max?: number | null;
}

/**
 * Clamps into `[min, max]`; either bound may be omitted. Gradient passes where
 * `min <= x <= max`, as PyTorch.
 * @example
 * ```ts
 * import { clamp, tensor } from '@tensile/tensor';
 * clamp(tensor([-2, 0.5, 3]), 0, 1); // tensor([0.0000, 0.5000, 1.0000])
 * ```
 */
export function clamp(x: Tensor, min?: number | null | ClampOptions, max?: number | null): Tensor {
  expectTensor('clamp', 'input', x);
  if (typeof min === 'object' && min !== null && !('storage' in min)) {
    // PyTorch's keywords, clamp(x, min=0): the bounds in a bag (a tensor bound is refused below, by checkNumber)
    if (max !== undefined) throw new TypeError('clamp: give the bounds as numbers or in one bag ({ min, max }), not both');
    const o = checkOptions('clamp', min, ['min', 'max']);
    return clamp(x, o.min ?? null, o.max ?? null);
  }
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError('clamp: at least one of min or max must be given');
  }
  const lo = min === undefined || min === null ? -Infinity : checkNumber('clamp', 'min', min);
  const hi = max === undefined || max === null ? Infinity : checkNumber('clamp', 'max', max);
  // An integral input with a bound that is no integer (a fraction, ±Infinity, NaN) is clamped in float32, as PyTorch promotes it.
  if (!x.dtype.isFloatingPoint && [min, max].some((b) => typeof b === 'number' && !Number.isInteger(b))) return clamp(toDType(x, float32), min, max);
  // The bounds are converted to the result's dtype, checked.
  if (lo !== -Infinity) checkScalarFits('clamp', 'min', lo, x.dtype);
  if (hi !== Infinity) checkScalarFits('clamp', 'max', hi, x.dtype);
  let out: Tensor;
  if (x.dtype === float32) {
    out = empty(x.shape);
    const [d, o] = x._contiguousData('clamp');
    K().clamp(d, o, Math.fround(lo), Math.fround(hi), out.storage.data as Float32Array, 0, out.numel());
  } else if (x.dtype === float64) {
    out = empty(x.shape, float64);
    const [d, o] = x._contiguousAny();
    jsKernels.clamp(d as unknown as Float32Array, o, lo, hi, out.storage.data as unknown as Float32Array, 0, out.numel()); // NOTE: the JS row computes in doubles (see unaryForward)
  } else {
    // Integers: PyTorch clamps in the tensor's dtype with integer bounds, and promotes to float for fractional ones.
    out = x;
    if (lo !== -Infinity) out = maximum(out, lo);
    if (hi !== Infinity) out = minimum(out, hi);
  }
  return record('clamp', out, [x], (g) => {
    let mask: Tensor | null = null;
    if (lo !== -Infinity) mask = ge(x, lo);
    if (hi !== Infinity) mask = mask ? mul(mask, le(x, hi)) : le(x, hi);
    return [where(mask!, g, 0)];
  }, [x]);
}
