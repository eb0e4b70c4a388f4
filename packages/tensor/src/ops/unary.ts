import { isGradEnabled, record } from '../autograd.js';
import { K, type UnaryKind } from '../kernels/index.js';
import type { Tensor } from '../tensor.js';
import { add, mul, div, sub, where, ge, le } from './binary.js';
import { empty, expectTensor, checkNumber } from './util.js';

/** Runs a unary kernel into a fresh tensor (no graph). */
export function unaryForward(op: string, kind: UnaryKind, x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const out = empty(x.shape);
  const [d, o] = x._contiguousData();
  K().unary(kind, d, o, out.storage.data, 0, out.numel());
  return out;
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
    if (isGradEnabled()) return [where(le(x, 0), 0, g)]; // recorded: composed, differentiable
    const out = empty(x.shape);
    const [xd, xo] = x._contiguousData(), [gd, go] = g._contiguousData();
    K().reluBackward(xd, xo, gd, go, out.storage.data, out.numel());
    return [out];
  }, [x]);
}
/** `1 / (1 + e^-x)`. @example `sigmoid(tensor([0])) // tensor([0.5000])` */
export const sigmoid = unaryOp('sigmoid', (g, _x, y) => mul(g, mul(y, sub(1, y))), 'y');
/** Hyperbolic tangent. @example `tanh(tensor([0])) // tensor([0.])` */
export const tanh = unaryOp('tanh', (g, _x, y) => mul(g, sub(1, mul(y, y))), 'y');
/** The error function. @example `erf(tensor([0])) // tensor([0.])` */
export const erf = unaryOp('erf', (g, x) => mul(g, mul(exp(mul(mul(x, x), -1)), 2 / Math.sqrt(Math.PI))));
/** `1 / x`. @example `reciprocal(tensor([4])) // tensor([0.2500])` */
export const reciprocal = unaryOp('reciprocal', (g, _x, y) => mul(g, mul(mul(y, y), -1)), 'y');
/** `x * x`. @example `square(tensor([3])) // tensor([9.])` */
export const square = unaryOp('square', (g, x) => mul(g, mul(x, 2)));
/** 1 where finite, else 0 (no gradient). @example `isfinite(tensor([1, Infinity])) // tensor([1., 0.])` */
export const isfinite = unaryOp('isfinite', null);

/**
 * GELU, exact form `x * Φ(x)` (PyTorch's default `approximate='none'`).
 * @example
 * ```ts
 * import { gelu, tensor } from '@tensile/tensor';
 * gelu(tensor([1])); // tensor([0.8413])
 * ```
 */
export function gelu(x: Tensor): Tensor {
  expectTensor('gelu', 'input', x);
  const cdfOf = (v: Tensor): Tensor => mul(add(erf(mul(v, Math.SQRT1_2)), 1), 0.5);
  const out = unaryForward('gelu', 'gelu', x);
  return record('gelu', out, [x], (g) => {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    const pdf = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return [mul(g, add(cdfOf(x), mul(x, pdf)))];
  }, [x]);
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
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  expectTensor('clamp', 'input', x);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError('clamp: at least one of min or max must be given');
  }
  const lo = min === undefined || min === null ? -Infinity : checkNumber('clamp', 'min', min);
  const hi = max === undefined || max === null ? Infinity : checkNumber('clamp', 'max', max);
  const out = empty(x.shape);
  const [d, o] = x._contiguousData();
  K().clamp(d, o, Math.fround(lo), Math.fround(hi), out.storage.data, 0, out.numel());
  return record('clamp', out, [x], (g) => {
    let mask: Tensor | null = null;
    if (lo !== -Infinity) mask = ge(x, lo);
    if (hi !== Infinity) mask = mask ? mul(mask, le(x, hi)) : le(x, hi);
    return [where(mask!, g, 0)];
  }, [x]);
}
