/**
 * `div`'s rounding modes, PyTorch's `div(a, b, rounding_mode=...)` (`{ roundingMode }` here):
 * before, the options bag was ignored and a port of `torch.div(i, n, rounding_mode='floor')` got
 * true division. Values from PyTorch 1.13 (the comments give the calls).
 */
import { describe, expect, it } from 'vitest';
import { bool, div, float32, grad, int64, tensor } from '@tensile/tensor';

const ints = (t: { toTypedArray(): unknown }): bigint[] => Array.from(t.toTypedArray() as BigInt64Array);
const floats = (t: { toFloat32Array(): Float32Array }): number[] => Array.from(t.toFloat32Array());

describe('div with a rounding mode', () => {
  // torch.tensor([7, -7]).div(2, rounding_mode='floor') = [3, -4]; 'trunc' = [3, -3] (int64)
  // torch.tensor([-7, 7, -6]).div(-2, rounding_mode='trunc') = [3, -3, 3]; 'floor' = [3, -4, 3]
  it('integers stay integers: floor toward -infinity, trunc toward zero', () => {
    const a = tensor([7, -7], { dtype: int64 });
    expect(div(a, 2, { roundingMode: 'floor' }).dtype).toBe(int64);
    expect(ints(div(a, 2, { roundingMode: 'floor' }))).toEqual([3n, -4n]);
    expect(ints(div(a, 2, { roundingMode: 'trunc' }))).toEqual([3n, -3n]);
    const b = tensor([-7, 7, -6], { dtype: int64 });
    expect(ints(b.div(-2, { roundingMode: 'trunc' }))).toEqual([3n, -3n, 3n]);
    expect(ints(b.div(-2, { roundingMode: 'floor' }))).toEqual([3n, -4n, 3n]);
    expect(div(a, 2, { roundingMode: null }).dtype).toBe(float32);
    expect(floats(div(a, 2, {}))).toEqual([3.5, -3.5]);
  });

  // torch.tensor([-2.5, -1.5, -0.5, 2.5, inf, nan]).div(2, rounding_mode='trunc') = [-1., -0., -0., 1., inf, nan]
  // torch.tensor([-2.5, -0.5, 1.]).div(0., rounding_mode='trunc') = [-inf, -inf, inf], and the same for 'floor'
  it('floats: trunc(a / b), signed zeros and non-finite values as PyTorch; floor as floorDivide', () => {
    const t = div(tensor([-2.5, -1.5, -0.5, 2.5, Infinity, NaN]), 2, { roundingMode: 'trunc' });
    const v = floats(t);
    expect(v.slice(0, 5)).toEqual([-1, -0, -0, 1, Infinity]);
    expect(Object.is(v[1], -0) && Object.is(v[2], -0)).toBe(true);
    expect(Number.isNaN(v[5])).toBe(true);
    expect(floats(div(tensor([-2.5, -0.5, 1]), 0, { roundingMode: 'trunc' }))).toEqual([-Infinity, -Infinity, Infinity]);
    expect(floats(div(tensor([-2.5, -0.5, 1]), 0, { roundingMode: 'floor' }))).toEqual([-Infinity, -Infinity, Infinity]);
    expect(floats(tensor([-2.5, 1.5, 3]).div(tensor([2, -2, 0]), { roundingMode: 'floor' }))).toEqual([-2, -1, Infinity]);
  });

  // x = torch.tensor([-2.5, 1.5, 3.], requires_grad=True); d = torch.tensor([2., -2., 0.], requires_grad=True)
  // x.div(d, rounding_mode='floor').backward(torch.tensor([nan, 1., 2.])): x.grad = d.grad = [0., 0., 0.]
  it('has zero gradients for both operands, even where the upstream gradient is NaN', () => {
    const x = tensor([-2.5, 1.5, 3], { requiresGrad: true }), d = tensor([2, -2, 0], { requiresGrad: true });
    for (const roundingMode of ['floor', 'trunc'] as const) {
      const y = x.div(d, { roundingMode });
      expect(y.requiresGrad).toBe(true);
      const [gx, gd] = grad(y, [x, d], { gradOutputs: tensor([NaN, 1, 2]) });
      expect(floats(gx!)).toEqual([0, 0, 0]);
      expect(floats(gd!)).toEqual([0, 0, 0]);
    }
  });

  it('in place: div_ with a rounding mode, integer and float', () => {
    const a = tensor([7, -7], { dtype: int64 });
    a.div_(2, { roundingMode: 'floor' });
    expect(ints(a)).toEqual([3n, -4n]);
    const f = tensor([-2.5, 2.5]);
    f.div_(2, { roundingMode: 'trunc' });
    expect(floats(f)).toEqual([-1, 1]);
    const g = tensor([-2.5, 2.5]);
    g.div_(2);
    expect(floats(g)).toEqual([-1.25, 1.25]);
  });

  it.each([
    // torch.tensor([7.]).div(2, rounding_mode='round')
    ['an unknown mode', () => div(tensor([7]), 2, { roundingMode: 'round' as never }), RangeError, `div: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'`],
    ['an unknown key', () => div(tensor([7]), 2, { rounding_mode: 'floor' } as never), TypeError, 'div:'],
    ['a non-object', () => div(tensor([7]), 2, 'floor' as never), TypeError, "div: options must be an object like { roundingMode: 'floor' }, got"],
    // torch.tensor([True]).div(True, rounding_mode='trunc'): "div_trunc_cpu" not implemented for 'Bool'
    ['bool with trunc', () => div(tensor([true], { dtype: bool }), tensor([true], { dtype: bool }), { roundingMode: 'trunc' }), TypeError, `div: "div_trunc_cpu" not implemented for 'Bool'`],
    ['an in-place unknown mode', () => tensor([7]).div_(2, { roundingMode: 'up' as never }), RangeError, `div_: div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'up'`],
  ])('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  // torch.tensor([7]).div(0, rounding_mode='trunc'): ZeroDivisionError
  it('an integer zero divisor is a ZeroDivisionError, either mode', () => {
    for (const roundingMode of ['floor', 'trunc'] as const) expect(() => div(tensor([7], { dtype: int64 }), 0, { roundingMode })).toThrow('div: ZeroDivisionError (integer division by zero)');
  });
});
