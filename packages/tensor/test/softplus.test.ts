/**
 * Softplus as one node each way (ops/nn/activation.ts): values and gradients against a
 * float64 evaluation of PyTorch's formulas (forward `βx > threshold ? x : log1p(e^(βx))/β`,
 * backward `βx > threshold ? dy : dy·z/(z + 1)`), at the threshold's edge and on special
 * values; the recorded backward (create_graph) against the same second derivative. PyTorch's
 * own values are in nn-layers-parity.test.ts (fixtures from PyTorch 1.13).
 */
import { describe, expect, it } from 'vitest';
import { F, float16, float64, grad, kernels, ones, tensor } from '@tensile/tensor';

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

  it('float64, β = 2: the backward is dy·z/(z + 1) in double (not the chain rule\'s order)', () => {
    const vs = [-3, -0.7, 0.25, 1.3, 4];
    const x = tensor(vs, { dtype: float64, requiresGrad: true });
    F.softplus(x, 2).backward(tensor([0.3, -1.7, 2.9, 0.1, -0.6], { dtype: float64 }));
    expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual(vs.map((v, i) => {
      const dy = [0.3, -1.7, 2.9, 0.1, -0.6][i]!, z = Math.exp(2 * v);
      return (dy * z) / (z + 1);
    }));
  });

  it('float64: the formulas in double', () => {
    const x = tensor([-3, 0.25, 19, 21], { dtype: float64, requiresGrad: true });
    const y = F.softplus(x);
    y.sum().backward();
    expect(Array.from(y.toTypedArray() as Float64Array)).toEqual([-3, 0.25, 19, 21].map((v) => (v > 20 ? v : Math.log1p(Math.exp(v)))));
    expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual([-3, 0.25, 19, 21].map((v) => (v > 20 ? 1 : Math.exp(v) / (Math.exp(v) + 1))));
  });

  it('float32: every operation rounded to float32, e^(βx) from the kernel set\'s exp (ATen\'s order), bit for bit', () => {
    const vs = [-9.5, -2, -0.3, 0, 0.7, 1.9, 4.4, 13.25, 19.5].map(f), beta = 1.5, th = 20;
    const x = tensor(vs, { requiresGrad: true });
    const y = F.softplus(x, beta, th);
    y.backward(tensor(vs.map((_, i) => i - 3.5)));
    const bx = Float32Array.from(vs, (v) => f(v * f(beta)));
    const z = new Float32Array(bx.length);
    kernels().unary('exp', bx, 0, z, 0, bx.length);
    const want = vs.map((v, i) => (bx[i]! > th ? v : f(f(Math.log1p(z[i]!)) / f(beta))));
    const wantGrad = vs.map((_, i) => { const dy = i - 3.5; return bx[i]! > th ? dy : f(f(dy * z[i]!) / f(z[i]! + 1)); });
    expect(Array.from(y.toFloat32Array())).toEqual(want);
    expect(Array.from(x.grad!.toFloat32Array())).toEqual(wantGrad);
    expect(y.gradFn!.name).toBe('softplus');
  });

  it('float16 goes through the composed ops, which refuse it (float16 is a storage dtype here)', () => {
    expect(() => F.softplus(tensor([1, 2], { dtype: float16 }))).toThrow("not implemented for 'Half'");
  });

  it('a backward after the input was changed in place is refused (the input is saved)', () => {
    const leaf = tensor([0.5, -1, 2], { requiresGrad: true });
    const x = leaf.mul(1);
    const y = F.softplus(x);
    x.add_(1);
    expect(() => y.sum().backward()).toThrow('softplus: a tensor saved for backward was modified by an in-place operation');
  });

  it.each([
    [() => F.softplus(3 as never), TypeError, 'softplus: input must be a Tensor'],
    [() => F.softplus(ones([1]), 0), RangeError, 'softplus: beta must be a finite non-zero number, got 0'],
    [() => F.softplus(ones([1]), Number.NaN), RangeError, 'softplus: beta must be a finite non-zero number, got NaN'],
    [() => F.softplus(ones([1]), Infinity), RangeError, 'softplus: beta must be a finite non-zero number, got Infinity'],
    [() => F.softplus(ones([1]), 'a' as never), RangeError, 'softplus: beta must be a finite non-zero number, got a'],
    [() => F.softplus(ones([1]), 1, Number.NaN), TypeError, 'softplus: threshold must be a number, got number NaN'],
    [() => F.softplus(ones([1]), 1, 'x' as never), TypeError, 'softplus: threshold must be a number, got string x'],
  ] as const)('refuses bad arguments, naming them (%#)', (fn, type, message) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
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
