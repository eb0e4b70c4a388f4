import { record } from '../autograd.js';
import { float32, float64 } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { mul, sub, sumToShape } from './binary.js';
import { fma } from './fma.js';
import { expand } from './movement.js';
import { describe, empty, expectTensor } from './util.js';

const f32 = Math.fround;

/** A float tensor's values broadcast to `shape`, contiguous, and where they start (16-bit floats read as float32, as ATen's opmath). */
function values(t: Tensor, shape: readonly number[]): [ArrayLike<number>, number] {
  const x = t.dtype === float64 || t.dtype === float32 ? t : t.to(float32);
  const [data, offset] = expand(x, shape)._contiguousAny();
  return [data as Float32Array | Float64Array, offset];
}

/**
 * `start + weight·(end − start)` as ATen computes it (`lerp`): for |weight| < 0.5
 * `fma(weight, end − start, start)`, else `fma(weight − 1, end − start, end)` (PyTorch 2.x's
 * test; 1.13 tests `weight < 0.5`, and differs for weights ≤ −0.5), so `weight` 1 gives
 * `end` exactly; in float32 (the 16-bit floats too, rounded at the end) or in double, each a fused
 * multiply-add rounded once. `weight` is a number or a tensor; all three broadcast. PyTorch's
 * `torch.lerp`, bit for bit.
 *
 * @example
 * ```ts
 * import { lerp, tensor } from '@tensile/tensor';
 * lerp(tensor([0, 10]), tensor([10, 20]), 0.25); // tensor([2.5000, 12.5000])
 * ```
 */
export function lerp(start: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  const op = 'lerp';
  expectTensor(op, 'input', start);
  expectTensor(op, 'end', end);
  if (typeof weight !== 'number' && !(weight instanceof Tensor)) throw new TypeError(`${op}: weight must be a number or a Tensor, got ${describe(weight)}`);
  const dt = start.dtype;
  if (!dt.isFloatingPoint) throw new TypeError(`${op}: not implemented for '${dt.cName}' (${dt.name})`);
  if (end.dtype !== dt) throw new TypeError(`${op}: expected dtype ${dt.name} for \`end\` but got dtype ${end.dtype.name}`);
  if (weight instanceof Tensor && weight.dtype !== dt) throw new TypeError(`${op}: expected dtype ${dt.name} for \`weight\` but got dtype ${weight.dtype.name}`);
  let shape = broadcastShapes(op, start.shape, end.shape);
  if (weight instanceof Tensor) shape = broadcastShapes(op, shape, weight.shape);
  const n = shape.reduce((a, b) => a * b, 1);
  const [a, ao] = values(start, shape), [b, bo] = values(end, shape);
  const [w, wo] = weight instanceof Tensor ? values(weight, shape) : [null, 0];
  const double = dt === float64;
  const out = empty(shape, double ? float64 : float32);
  const o = out.storage.data as Float32Array | Float64Array;
  const ws = typeof weight === 'number' ? (double ? weight : f32(weight)) : 0;
  if (double) {
    for (let i = 0; i < n; i++) {
      const ai = a[ao + i]!, bi = b[bo + i]!, wi = w === null ? ws : w[wo + i]!, d = bi - ai;
      o[i] = Math.abs(wi) < 0.5 ? fma(wi, d, ai) : fma(wi - 1, d, bi);
    }
  } else {
    // float32: the product of two floats is exact in a double, so one rounding of the double sum
    // stands for the fused multiply-add (the float32 recipe of optim's fmaf).
    for (let i = 0; i < n; i++) {
      const ai = a[ao + i]!, bi = b[bo + i]!, wi = w === null ? ws : w[wo + i]!, d = f32(bi - ai);
      o[i] = Math.abs(wi) < 0.5 ? wi * d + ai : f32(wi - 1) * d + bi;
    }
  }
  const y = out.dtype === dt ? out : out.to(dt);
  const inputs = weight instanceof Tensor ? [start, end, weight] : [start, end];
  return record(op, y, inputs, (g) => {
    if (weight instanceof Tensor) {
      return [
        sumToShape(mul(g, sub(1, weight)), start.shape),
        sumToShape(mul(g, weight), end.shape),
        sumToShape(mul(g, sub(end, start)), weight.shape),
      ];
    }
    return [sumToShape(mul(g, 1 - weight), start.shape), sumToShape(mul(g, weight), end.shape)];
  });
}
