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

describe('float32 erf and GELU through the tabulated erfc (issue 25)', () => {
  it('erfFast is within 1e-10 relative of the precise erf, and rounds to the same float32 on a dense sample', async () => {
    const { erf, erfFast } = await import('../src/kernels/erf.js');
    const f = new Float32Array(2);
    let worst = 0, differ = 0, count = 0;
    for (let x = -8; x <= 8; x += 0.000731) {
      const a = erf(x), b = erfFast(x);
      worst = Math.max(worst, Math.abs(a - b) / Math.abs(a || 1));
      f[0] = a; f[1] = b;
      if (f[0] !== f[1]) differ++;
      count++;
    }
    expect(worst).toBeLessThan(1e-10);
    expect(differ / count).toBeLessThan(1e-4);
    for (const x of [0, -0, 0.4999999, 0.5, 26.99, 27, 1e300, Infinity]) expect(Math.abs(erfFast(x) - erf(x))).toBeLessThanOrEqual(1e-10 * Math.abs(erf(x)));
    expect(erfFast(-Infinity)).toBe(-1);
    expect(Number.isNaN(erfFast(NaN))).toBe(true);
  });
  it('erf at ±3 (where the series hands over to the continued fraction) is the correctly rounded double; erfFast below 0.5 rounds to the correctly rounded float32 where the polynomial\'s high-order terms decide it (values: mpmath, 200 bits)', async () => {
    const { erf, erfFast } = await import('../src/kernels/erf.js');
    expect(erf(3)).toBe(0.9999779095030014);
    expect(erf(-3)).toBe(-0.9999779095030014);
    expect(Math.fround(erfFast(0.29928043484687805))).toBe(0.3278845548629761);
    expect(Math.fround(erfFast(0.42818108201026917))).toBe(0.4551793932914734);
  });
  it("GELU forward and its one-pass backward are x·Φ(x) and Φ(x) + x·φ(x) to within the erf of PyTorch's kernels (A&S, 1.5e-7; gelu-exact.test.ts)", () => {
    const x = T.tensor(Array.from({ length: 999 }, (_, i) => (i - 499) / 40), { requiresGrad: true });
    const y = T.gelu(x);
    const g = T.tensor(Array.from({ length: 999 }, (_, i) => Math.cos(i)));
    y.backward(g);
    const xs = x.toTypedArray() as Float32Array, ys = y.toTypedArray() as Float32Array, gs = x.grad!.toTypedArray() as Float32Array;
    const k = 1 / Math.sqrt(2 * Math.PI);
    xs.forEach((v, i) => {
      const cdf = 0.5 * (1 + (T.erf(T.tensor([v * Math.SQRT1_2], { dtype: T.float64 })).item()));
      const erfBound = 1.5e-7 + 2 ** -22;
      expect(Math.abs(ys[i]! - v * cdf)).toBeLessThanOrEqual(0.5 * Math.abs(v) * erfBound + Math.abs(v * cdf) * 2 ** -22 + 1e-12);
      const want = Math.cos(i) * (cdf + v * k * Math.exp(-0.5 * v * v));
      expect(Math.abs(gs[i]! - want)).toBeLessThanOrEqual(Math.abs(Math.cos(i)) * erfBound + Math.abs(want) * 2 ** -21 + 1e-12);
    });
  });
});

describe('sigmoid and tanh backward in one pass: PyTorch\'s roundings, the composed ops\' bits', () => {
  it.each([T.float32, T.float64])('%s', (dtype) => {
    const data = [...SPECIAL.filter((v) => Number.isFinite(v)), ...Array.from({ length: 5000 }, (_, i) => Math.sin(i * 7.77) * 9)];
    const g = T.tensor(data.map((_, i) => Math.cos(i * 3.1) * 2), { dtype });
    for (const [f, ref] of [
      [T.sigmoid, (gg: T.Tensor, y: T.Tensor) => T.mul(T.mul(gg, T.sub(1, y)), y)],
      [T.tanh, (gg: T.Tensor, y: T.Tensor) => T.mul(gg, T.sub(1, T.mul(y, y)))],
    ] as const) {
      const x = T.tensor(data, { dtype, requiresGrad: true });
      const y = f(x);
      y.backward(g);
      const want = ref(g, y.detach());
      expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual(Array.from(want.toTypedArray() as Float64Array));
    }
  });
});

describe('F.layerNorm in one kernel each way', () => {
  const r = (...s: number[]): T.Tensor => T.randn(s, { dtype: T.float64 }).requiresGrad_();
  it('first and second derivatives in double, with and without the affine', () => {
    expect(T.autograd.gradcheck((x, w, b) => T.F.layerNorm(x!, [4], { weight: w!, bias: b! }).square(), [r(3, 4), r(4), r(4)])).toBe(true);
    expect(T.autograd.gradcheck((x, w) => T.F.layerNorm(x!, [2, 3], { weight: w! }).pow(3), [r(2, 2, 3), r(2, 3)])).toBe(true);
    expect(T.autograd.gradcheck((x) => T.grad(T.F.layerNorm(x!, [5]).pow(3).sum(), [x!], { createGraph: true })[0]!, [r(3, 5)])).toBe(true);
  });
  it('equals the composed (x - mean)/sqrt(var + eps)·w + b to a few float32 ulps of its terms', () => {
    T.manualSeed(33);
    const x = T.randn([7, 33]), w = T.randn([33]), b = T.randn([33]);
    const y = T.F.layerNorm(x, [33], { weight: w, bias: b, eps: 1e-5 }).toTypedArray() as Float32Array;
    const xd = x.toTypedArray() as Float32Array, wd = w.toTypedArray() as Float32Array, bd = b.toTypedArray() as Float32Array;
    for (let r0 = 0; r0 < 7; r0++) {
      const row = Array.from(xd.subarray(r0 * 33, r0 * 33 + 33));
      const m = row.reduce((a, c) => a + c, 0) / 33, v = row.reduce((a, c) => a + (c - m) ** 2, 0) / 33;
      row.forEach((c, j) => {
        const h = (c - m) / Math.sqrt(v + 1e-5), want = h * wd[j]! + bd[j]!;
        // the output pass computes in float32 as PyTorch's does (five roundings)
        expect(Math.abs(y[r0 * 33 + j]! - want)).toBeLessThanOrEqual(6 * 2 ** -24 * (Math.abs(h * wd[j]!) + Math.abs(bd[j]!)));
      });
    }
  });
});

describe('F.batchNorm with an affine of another dtype, read through a view', () => {
  it('a float32 weight and bias cut from a larger tensor scale a float64 input as their values say', () => {
    const x = T.randn([4, 2, 3], { dtype: T.float64 });
    const big = T.tensor([9, 9, 2, 3, 0.5, -1]);
    const w = big.narrow(0, 2, 2), b = big.narrow(0, 4, 2);
    const y = T.F.batchNorm(x, null, null, { weight: w, bias: b, training: true });
    const ref = T.F.batchNorm(x, null, null, { weight: w.double().contiguous(), bias: b.double().contiguous(), training: true });
    expect(y.toArray()).toEqual(ref.toArray());
  });
});
