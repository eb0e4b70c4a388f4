/**
 * Activations computed in one pass (issue 25) against the composed formula they replace, bit for
 * bit, values and gradients, float32 and float64, on sizes around the vector widths and on the
 * awkward values (NaN, ±0, ±Infinity, subnormals).
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, -1];
const composed = (x: T.Tensor, s: number): T.Tensor => T.where(T.gt(x, 0), x, T.mul(x, s));

describe('F.leakyRelu in one pass equals where(x > 0, x, x·slope)', () => {
  it.each([[T.float32, 0.01], [T.float32, 0.2], [T.float64, 0.2], [T.float32, -1.5], [T.float64, 0]] as const)('%s slope %s', (dtype, slope) => {
    for (const n of [0, 1, 3, 4, 5, 17, 1000]) {
      const data = Array.from({ length: n }, (_, i) => (i < SPECIAL.length ? SPECIAL[i]! : Math.sin(i * 12.9898) * 10));
      const a = T.tensor(data, { dtype, requiresGrad: true });
      const b = T.tensor(data, { dtype, requiresGrad: true });
      const ya = T.F.leakyRelu(a, slope), yb = composed(b, slope);
      expect(Array.from(ya.toTypedArray() as Float64Array)).toEqual(Array.from(yb.toTypedArray() as Float64Array));
      const g = T.tensor(data.map((_, i) => Math.cos(i)), { dtype });
      ya.backward(g);
      yb.backward(g);
      // zeros compared by value: PyTorch's backward (and ours) gives g·slope = -0 where the composed
      // form adds +0 from the other branch of where
      const z = (t: T.Tensor): number[] => Array.from(t.toTypedArray() as Float64Array, (v) => v + 0);
      expect(z(a.grad!)).toEqual(z(b.grad!));
    }
  });
  it('a strided input, and a recorded backward (second order) through the composed form', () => {
    const x = T.randn([4, 6], { dtype: T.float64 }).requiresGrad_();
    expect(T.F.leakyRelu(x.t(), 0.3).toArray()).toEqual(composed(x.t(), 0.3).toArray());
    expect(T.autograd.gradcheck((v) => T.F.leakyRelu(v!.t(), 0.3).square(), [x])).toBe(true);
    const [g1] = T.grad(T.F.leakyRelu(x, 0.3).square().sum(), [x], { createGraph: true });
    expect(g1!.requiresGrad).toBe(true);
  });
});

describe('F.batchNorm (training) in one kernel each way', () => {
  const r = (...s: number[]): T.Tensor => T.randn(s, { dtype: T.float64 }).requiresGrad_();
  it('first and second derivatives in double (the recorded backward recomputes the statistics from x)', () => {
    const bn = (x: T.Tensor, w?: T.Tensor, b?: T.Tensor): T.Tensor => T.F.batchNorm(x, null, null, { training: true, ...(w ? { weight: w } : {}), ...(b ? { bias: b } : {}) });
    expect(T.autograd.gradcheck((x, w, b) => bn(x!, w!, b!).square(), [r(3, 2, 4), r(2), r(2)])).toBe(true);
    expect(T.autograd.gradcheck((x) => T.grad(bn(x!).pow(3).sum(), [x!], { createGraph: true })[0]!, [r(4, 3)])).toBe(true);
  });
  it('running statistics: the batch mean and the unbiased variance, as PyTorch', () => {
    const x = T.tensor([[1, 2], [3, 6], [5, 1]]);
    const rm = T.zeros(2), rv = T.ones(2);
    T.F.batchNorm(x, rm, rv, { training: true, momentum: 0.5 });
    expect(Array.from(rm.toTypedArray() as Float32Array)).toEqual([1.5, 1.5]);
    expect(Array.from(rv.toTypedArray() as Float32Array)).toEqual([Math.fround(0.5 + 0.5 * 4), Math.fround(0.5 + 0.5 * 7)]);
  });
});
