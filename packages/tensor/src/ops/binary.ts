import { record } from '../autograd.js';
import { K, type BinaryKind } from '../kernels/index.js';
import { broadcastShapes, broadcastStrides, sameShape, type Shape } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { empty, expectTensor, toTensor } from './util.js';
import { sum } from './reduce.js';
import { log } from './unary.js';

/** Runs a broadcasting binary kernel into a fresh tensor (no graph). */
export function binaryForward(op: string, kind: BinaryKind, a: Tensor, b: Tensor, alpha = 1): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = empty(shape);
  K().binary(
    kind,
    a.storage.data, a.offset, broadcastStrides(a.shape, a.strides, shape),
    b.storage.data, b.offset, broadcastStrides(b.shape, b.strides, shape),
    shape, out.storage.data, 0, alpha,
  );
  return out;
}

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
 * ```
 */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const x = toTensor('add', 'input', a);
  const y = toTensor('add', 'other', b);
  const out = binaryForward('add', 'add', x, y, alpha);
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
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  const x = toTensor('sub', 'input', a);
  const y = toTensor('sub', 'other', b);
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
  const x = toTensor('mul', 'input', a);
  const y = toTensor('mul', 'other', b);
  const out = binaryForward('mul', 'mul', x, y);
  return record('mul', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, x), y.shape) : null,
  ], [x, y]);
}

/**
 * Element-wise quotient with broadcasting.
 * @example
 * ```ts
 * import { div, tensor } from '@tensile/tensor';
 * div(tensor([1, 2]), 4); // tensor([0.2500, 0.5000])
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const x = toTensor('div', 'input', a);
  const y = toTensor('div', 'other', b);
  const out = binaryForward('div', 'div', x, y);
  return record('div', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(div(g, y), x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, div(x, mul(y, y))).neg(), y.shape) : null,
  ], [x, y]);
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
  const x = toTensor('pow', 'input', a);
  if (typeof b === 'number') {
    const out = empty(x.shape);
    const [d, o] = x._contiguousData();
    K().powScalar(d, o, b, out.storage.data, 0, out.numel());
    return record('pow', out, [x], (g) => [
      b === 0 ? mul(g, 0) : mul(g, mul(pow(x, b - 1), b)),
    ], [x]);
  }
  const y = expectTensor('pow', 'exponent', b);
  const out = binaryForward('pow', 'pow', x, y);
  return record('pow', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    // NOTE: PyTorch masks the log at x == 0 (where the result is 0) to keep the grad finite.
    y.requiresGrad ? sumToShape(mul(g, mul(out, where(eq(x, 0), 0, log(x)))), y.shape) : null,
  ], [x, y, out]);
}

/** Weight 1 where a wins, 1/2 on ties, as PyTorch splits the gradient of max/min. */
function winnerMask(kind: 'gt' | 'lt', x: Tensor, y: Tensor): Tensor {
  const win = binaryForward(kind, kind, x, y);
  const tie = binaryForward('eq', 'eq', x, y);
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
  const x = toTensor(op, 'input', a);
  const y = toTensor(op, 'other', b);
  const out = binaryForward(op, op, x, y);
  return record(op, out, [x, y], (g) => {
    const m = winnerMask(cmp, x, y);
    return [
      x.requiresGrad ? sumToShape(mul(g, m), x.shape) : null,
      y.requiresGrad ? sumToShape(mul(g, sub(1, m)), y.shape) : null,
    ];
  }, [x, y]);
}

function compare(kind: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', a: TensorLike, b: TensorLike): Tensor {
  return binaryForward(kind, kind, toTensor(kind, 'input', a), toTensor(kind, 'other', b));
}

/** `1` where `a == b`, else `0` (no gradient). @example `eq(tensor([1, 2]), 2) // tensor([0., 1.])` */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
/** `1` where `a != b`, else `0`. @example `ne(tensor([1, 2]), 2) // tensor([1., 0.])` */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
/** `1` where `a > b`, else `0`. @example `gt(tensor([1, 2]), 1) // tensor([0., 1.])` */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
/** `1` where `a >= b`, else `0`. @example `ge(tensor([1, 2]), 2) // tensor([0., 1.])` */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
/** `1` where `a < b`, else `0`. @example `lt(tensor([1, 2]), 2) // tensor([1., 0.])` */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
/** `1` where `a <= b`, else `0`. @example `le(tensor([1, 2]), 1) // tensor([1., 0.])` */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);

/**
 * `condition ? a : b` element-wise, all three broadcast together; `condition` is nonzero/zero.
 * @example
 * ```ts
 * import { where, tensor } from '@tensile/tensor';
 * where(tensor([1, 0]), tensor([1, 2]), 9); // tensor([1., 9.])
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = expectTensor('where', 'condition', condition);
  const x = toTensor('where', 'input', a);
  const y = toTensor('where', 'other', b);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  const out = empty(shape);
  K().where(
    c.storage.data, c.offset, broadcastStrides(c.shape, c.strides, shape),
    x.storage.data, x.offset, broadcastStrides(x.shape, x.strides, shape),
    y.storage.data, y.offset, broadcastStrides(y.shape, y.strides, shape),
    shape, out.storage.data, 0,
  );
  return record('where', out, [x, y], (g) => [
    x.requiresGrad ? sumToShape(where(c, g, 0), x.shape) : null,
    y.requiresGrad ? sumToShape(where(c, 0, g), y.shape) : null,
  ]);
}
