/**
 * The ops that came with ops-extra2-fixtures.test.ts, beyond PyTorch's values: hand-computed
 * cases, gradchecks (float32 central differences per STYLE.md, and second derivatives through
 * the recorded backward), and every refusal from a table (the op, the argument and the value;
 * PyTorch 1.13's words where it has a message), with nothing changed.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { gradcheck } from './helpers/gradcheck.js';

const { tensor, float64 } = T;

describe('inverse trigonometric and hyperbolic functions', () => {
  it('give the textbook values, float32 by default, float64 kept, integers promoted to float32', () => {
    const close = (got: T.Tensor, want: number[]): void => (got.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    close(T.asin(tensor([0, 0.5, 1, -1])), [0, Math.PI / 6, Math.PI / 2, -Math.PI / 2]);
    close(T.acos(tensor([1, 0.5, -1])), [0, Math.PI / 3, Math.PI]);
    close(T.atan(tensor([0, 1, Infinity])), [0, Math.PI / 4, Math.PI / 2]);
    close(T.sinh(tensor([0, 1])), [0, (Math.E - 1 / Math.E) / 2]);
    close(T.cosh(tensor([0, 1])), [1, (Math.E + 1 / Math.E) / 2]);
    close(T.asinh(tensor([0, 1])), [0, Math.log(1 + Math.SQRT2)]);
    close(T.acosh(tensor([1, 2])), [0, Math.log(2 + Math.sqrt(3))]);
    close(T.atanh(tensor([0, 0.5])), [0, 0.5 * Math.log(3)]);
    expect(T.asin(tensor([2, -1.5])).tolist()).toEqual([Number.NaN, Number.NaN]);
    expect(T.acosh(tensor([0.5])).tolist()).toEqual([Number.NaN]);
    expect(T.atanh(tensor([1, -1])).tolist()).toEqual([Infinity, -Infinity]);
    expect(T.sinh(tensor([90, -90])).tolist()).toEqual([Infinity, -Infinity]); // past float32's range
    expect(Object.is(T.asin(tensor([-0])).item(), -0)).toBe(true);
    expect(T.atan(tensor([1], { dtype: float64 })).item()).toBe(Math.atan(1));
    expect(T.cosh(tensor([1n, 2n])).dtype.name).toBe('float32');
    // the aliases are the same functions, as torch.arcsin is torch.asin
    expect(T.arcsin).toBe(T.asin);
    expect(T.arccos).toBe(T.acos);
    expect(T.arctan).toBe(T.atan);
    expect(T.arcsinh).toBe(T.asinh);
    expect(T.arccosh).toBe(T.acosh);
    expect(T.arctanh).toBe(T.atanh);
    const x = tensor([0.25, -0.5]);
    for (const m of ['asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'atanh', 'arcsin', 'arccos', 'arctan', 'arcsinh', 'arctanh'] as const) {
      expect(x[m]().tolist(), m).toEqual((T[m.replace(/^arc/, 'a') as 'asin'](x)).tolist());
    }
    expect(tensor([2]).arccosh().tolist()).toEqual(T.acosh(tensor([2])).tolist());
    expect(T.asin(tensor([0.5], { requiresGrad: true })).gradFn!.name).toBe('asin');
  });
  it('have gradients that match a central difference inside each domain', () => {
    const inside = (lo: number, hi: number): T.Tensor => T.rand([7], { generator: new T.Generator(3) }).mul(hi - lo).add(lo).requiresGrad_();
    gradcheck((x) => T.asin(x), [inside(-0.9, 0.9)]);
    gradcheck((x) => T.acos(x), [inside(-0.9, 0.9)]);
    gradcheck((x) => T.atan(x), [inside(-4, 4)]);
    gradcheck((x) => T.sinh(x), [inside(-3, 3)]);
    gradcheck((x) => T.cosh(x), [inside(-3, 3)]);
    gradcheck((x) => T.asinh(x), [inside(-4, 4)]);
    gradcheck((x) => T.acosh(x), [inside(1.2, 5)]);
    gradcheck((x) => T.atanh(x), [inside(-0.9, 0.9)]);
  });
  it('differentiate twice through their recorded backward', () => {
    const second = (f: (x: T.Tensor) => T.Tensor, v: number): number => {
      const x = tensor([v], { dtype: float64, requiresGrad: true });
      const [d1] = T.grad(f(x).sum(), [x], { createGraph: true });
      return T.grad(d1!.sum(), [x])[0]!.item();
    };
    const v = 0.3, w = 1.7;
    expect(second(T.asin, v)).toBeCloseTo(v / (1 - v * v) ** 1.5, 12);
    expect(second(T.acos, v)).toBeCloseTo(-v / (1 - v * v) ** 1.5, 12);
    expect(second(T.atan, v)).toBeCloseTo(-2 * v / (1 + v * v) ** 2, 12);
    expect(second(T.sinh, v)).toBeCloseTo(Math.sinh(v), 12);
    expect(second(T.cosh, v)).toBeCloseTo(Math.cosh(v), 12);
    expect(second(T.asinh, v)).toBeCloseTo(-v / (1 + v * v) ** 1.5, 12);
    expect(second(T.acosh, w)).toBeCloseTo(-w / (w * w - 1) ** 1.5, 12);
    expect(second(T.atanh, v)).toBeCloseTo(2 * v / (1 - v * v) ** 2, 12);
  });
  it('send PyTorch\'s gradients at the domain boundaries: ±inf where the derivative is, NaN outside', () => {
    const g = (f: (x: T.Tensor) => T.Tensor, xs: number[]): number[] => {
      const x = tensor(xs, { requiresGrad: true });
      f(x).sum().backward();
      return x.grad!.tolist() as number[];
    };
    // torch.asin(torch.tensor([1., -1., 2.], requires_grad=True)).sum().backward() -> [inf, inf, nan]
    expect(g(T.asin, [1, -1, 2])).toEqual([Infinity, Infinity, Number.NaN]);
    expect(g(T.acos, [1, -1])).toEqual([-Infinity, -Infinity]);
    expect(g(T.acosh, [1, 0.5])).toEqual([Infinity, Number.NaN]);
    expect(g(T.atanh, [1, -1])).toEqual([Infinity, Infinity]);
    expect(g(T.atan, [Infinity])).toEqual([0]);
  });
});

describe('refusals name the op and the value, and change nothing', () => {
  const x = tensor([1, -2, 3]);
  const rows: [string, () => unknown, RegExp][] = [
    ['asin of a number', () => T.asin(0.5 as unknown as T.Tensor), /^asin: input must be a Tensor, got number 0\.5$/],
    ['acosh of an array', () => T.acosh([2] as unknown as T.Tensor), /^acosh: input must be a Tensor, got /],
    ['arctanh of null', () => T.arctanh(null as unknown as T.Tensor), /^atanh: input must be a Tensor, got null$/],
  ];
  it.each(rows)('%s', (_, fn, message) => {
    const before = x.tolist();
    expect(fn).toThrow(message);
    expect(x.tolist()).toEqual(before);
  });
});
