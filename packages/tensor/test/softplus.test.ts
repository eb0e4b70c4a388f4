/**
 * Softplus as one node each way (ops/nn/activation.ts): values and gradients against a
 * float64 evaluation of PyTorch's formulas (forward `βx > threshold ? x : log1p(e^(βx))/β`,
 * backward `βx > threshold ? dy : dy·z/(z + 1)`), at the threshold's edge and on special
 * values; the recorded backward (create_graph) against the same second derivative. PyTorch's
 * own values are in nn-layers-parity.test.ts (fixtures from PyTorch 1.13).
 */
import { describe, expect, it } from 'vitest';
import { F, float64, grad, tensor } from '@tensile/tensor';

const f = Math.fround;
/** PyTorch's float32 softplus and its gradient, in doubles rounded to float32 at the end. */
function reference(v: number, beta: number, th: number, dy: number): [number, number] {
  const bx = f(f(v) * f(beta));
  if (bx > f(th)) return [f(v), f(dy)];
  const z = Math.exp(bx);
  return [f(Math.log1p(z) / f(beta)), f((dy * z) / (z + 1))];
}

describe('softplus: one node each way', () => {
  const xs = [-200, -104, -30, -5, -1e-3, 0, 1e-3, 0.5, 1, 2.5, 9.999, 10, 10.001, 19.99, 20, 20.01, 50, 1e30, -1e30];
  it.each([[1, 20], [2, 20], [0.5, 3], [-1, 5], [3, 0]])('beta %s, threshold %s: values and gradients within 2 float32 ulps of the formulas', (beta, th) => {
    const x = tensor(xs, { requiresGrad: true });
    const dy = xs.map((_, i) => (i % 3) - 1.25);
    const y = F.softplus(x, beta, th);
    y.backward(tensor(dy));
    const ys = y.toFloat32Array(), gs = x.grad!.toFloat32Array();
    xs.forEach((v, i) => {
      const [wy, wg] = reference(v, beta, th, dy[i]!);
      for (const [got, want] of [[ys[i]!, wy], [gs[i]!, wg]] as const) {
        const ulp = Math.max(2 ** -149, Math.abs(want) * 2 ** -23);
        expect(Math.abs(got - want), `x = ${v}: ${got} vs ${want}`).toBeLessThanOrEqual(2 * ulp);
      }
    });
  });

  it('keeps the input where βx passes the threshold (bit for bit), and NaN and infinities as PyTorch', () => {
    const x = tensor([25, 1e30, Infinity, -Infinity, Number.NaN], { requiresGrad: true });
    const y = F.softplus(x);
    y.backward(tensor([1, 2, 3, 4, 5]));
    expect(Array.from(y.toFloat32Array())).toEqual([25, f(1e30), Infinity, 0, Number.NaN]);
    expect(Array.from(x.grad!.toFloat32Array())).toEqual([1, 2, 3, 0, Number.NaN]);
  });

  it('float64: the formulas in double', () => {
    const x = tensor([-3, 0.25, 19, 21], { dtype: float64, requiresGrad: true });
    const y = F.softplus(x);
    y.sum().backward();
    expect(Array.from(y.toTypedArray() as Float64Array)).toEqual([-3, 0.25, 19, 21].map((v) => (v > 20 ? v : Math.log1p(Math.exp(v)))));
    expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual([-3, 0.25, 19, 21].map((v) => (v > 20 ? 1 : Math.exp(v) / (Math.exp(v) + 1))));
  });

  it('create_graph: the recorded backward gives the second derivative σ(βx)(1 − σ(βx))·β', () => {
    const beta = 2, vs = [-2, -0.5, 0, 0.7, 3];
    const x = tensor(vs, { dtype: float64, requiresGrad: true });
    const [g1] = grad([F.softplus(x, beta).sum()], [x], { createGraph: true });
    const [g2] = grad([g1!.sum()], [x]);
    const s = (v: number): number => 1 / (1 + Math.exp(-beta * v));
    (g2!.toTypedArray() as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(s(vs[i]!) * (1 - s(vs[i]!)) * beta, 12));
  });
});
