/**
 * SiLU against PyTorch 1.13 (scripts/fixtures/activation_fixtures.py: a grid with both tails, ±0,
 * tiny and huge values, ±inf, NaN, and 6,000 normal samples, float32 and float64), on both
 * kernel sets: one node each way, `x / (1 + e^-x)` as PyTorch's kernel divides, backward
 * `dy·s·(1 + x·(1 − s))`. float32's e^x is ours (Cephes, 1 ulp) where PyTorch's is SLEEF's, so
 * values agree within 2 ulps (gradients 4) and mostly bit for bit (rates asserted below, as measured).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import fixture from './fixtures/silu.json';

import { dec, same, ulp, type Enc as Num } from './helpers/special.js';

afterEach(() => T.setBackend('wasm'));

describe("silu against PyTorch's", () => {
  for (const backend of ['wasm', 'js'] as const) {
    for (const c of fixture.cases) {
      it(`${backend}: ${c.name} (${c.x.length} values)`, () => {
        T.setBackend(backend);
        const dt = c.dtype as 'float32' | 'float64', f32 = dt === 'float32';
        const xs = c.x.map((v) => dec(v as Num)), ups = c.up.map((v) => dec(v as Num));
        const x = T.tensor(xs, { dtype: dt, requiresGrad: true });
        const y = T.F.silu(x);
        y.backward(T.tensor(ups, { dtype: dt }));
        const ys = Array.from(y.detach().toTypedArray() as Float64Array), ds = Array.from(x.grad!.toTypedArray() as Float64Array);
        let sameY = 0, sameD = 0, worstY = 0, worstD = 0;
        ys.forEach((v, i) => {
          const w = dec(c.y[i] as Num), wd = dec(c.dx[i] as Num);
          if (same(v, w)) sameY++; else if (Number.isFinite(w)) worstY = Math.max(worstY, Math.abs(v - w) / ulp(w, f32));
          else expect(v, `y(${xs[i]})`).toBe(w);
          if (same(ds[i]!, wd)) sameD++;
          else if (Number.isFinite(wd)) worstD = Math.max(worstD, Math.abs(ds[i]! - wd) / Math.max(ulp(wd, f32), (f32 ? 2 ** -24 : 2 ** -53) * Math.abs(ups[i]!)));
          else expect(ds[i], `dx(${xs[i]})`).toBe(wd);
        });
        expect(worstY, 'output ulps').toBeLessThanOrEqual(2);
        expect(worstD, 'gradient ulps').toBeLessThanOrEqual(4);
        if (c.name.endsWith('sample')) {
          // measured: float32 99.4% and 79.6%, float64 95.8% and 76.2%
          expect(sameY / ys.length).toBeGreaterThan(f32 ? 0.98 : 0.93);
          expect(sameD / ys.length).toBeGreaterThan(0.7);
        }
      });
    }
  }
  it('second derivatives (gradcheck in float64, double backward through the recorded formula)', () => {
    const x = T.tensor([-30, -3, -1.2, -0.3, 0, 0.4, 1.7, 4, 30], { dtype: 'float64', requiresGrad: true });
    expect(T.autograd.gradcheck((t: T.Tensor) => T.F.silu(t), [x])).toBe(true);
    const derivative = (t: T.Tensor): T.Tensor => T.grad(T.F.silu(t).sum(), [t], { createGraph: true })[0]!;
    expect(T.autograd.gradcheck(derivative, [x])).toBe(true);
    // the recorded backward's values are the fused one's (float64, the same formula)
    const fused = T.grad(T.F.silu(x).sum(), [x])[0]!;
    const recorded = derivative(x);
    (fused.toTypedArray() as Float64Array).forEach((v, i) => expect(Math.abs(v - (recorded.toTypedArray() as Float64Array)[i]!)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(v))));
  });
  it('refuses integer and half-precision inputs as PyTorch 1.13 does (it returned x·sigmoid(x) in float32 for integers)', () => {
    expect(() => T.F.silu(T.tensor([0, 2], { dtype: 'int64' }))).toThrow(`silu: "silu_cpu" not implemented for 'Long'`);
    expect(() => T.F.silu(T.tensor([1], { dtype: 'float16' }))).toThrow(`silu: "silu_cpu" not implemented for 'Half'`);
  });
});
