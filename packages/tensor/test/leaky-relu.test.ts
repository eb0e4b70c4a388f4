/**
 * F.leakyRelu beyond the kernels' bit tests (wasm-nn.test.ts): its refusals from a table (PyTorch
 * has no integer or bool kernel), float64 forward and backward against the definition with both
 * zeros and a negative slope (PyTorch's values), the node's name and its saved input's version.
 */
import { describe, expect, it } from 'vitest';
import { F, grad, int32, int64, bool, tensor, float64, type Tensor } from '@tensile/tensor';

describe('leakyRelu', () => {
  it.each([
    ['a non-tensor input', () => F.leakyRelu([1, 2] as never), TypeError, 'leakyRelu: input must be a Tensor, got'],
    ['a NaN slope', () => F.leakyRelu(tensor([1]), Number.NaN), TypeError, 'leakyRelu: negativeSlope must be a number, got'],
    ['a string slope', () => F.leakyRelu(tensor([1]), '0.1' as never), TypeError, 'leakyRelu: negativeSlope must be a number, got string'],
    ['an int64 input', () => F.leakyRelu(tensor([-2, 3], { dtype: int64 })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Long'`],
    ['an int32 input', () => F.leakyRelu(tensor([-2, 3], { dtype: int32 })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Int'`],
    ['a bool input', () => F.leakyRelu(tensor([true, false], { dtype: bool })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Bool'`],
  ])('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  it('float64: x where x > 0, x·slope elsewhere (PyTorch: leaky_relu([0., -0., -2., 3.], -0.5) = [-0., 0., 1., 3.]), and its gradient', () => {
    const x = tensor([0, -0, -2, 3, Number.NaN, -1e-300], { dtype: float64, requiresGrad: true });
    const y = F.leakyRelu(x, -0.5);
    const v = Array.from(y.toTypedArray() as Float64Array);
    expect(v.slice(0, 4)).toEqual([-0, 0, 1, 3]);
    expect(Object.is(v[0], -0) && Object.is(v[1], 0)).toBe(true);
    expect(Number.isNaN(v[4])).toBe(true);
    expect(v[5]).toBe(5e-301);
    const up = tensor([1, 2, 3, 4, 5, 6], { dtype: float64 });
    const [g] = grad(y, [x], { gradOutputs: up });
    expect(Array.from(g!.toTypedArray() as Float64Array)).toEqual([-0.5, -1, -1.5, 4, -2.5, -3]);
  });

  it('float32 with a negative slope keeps the zeros\' signs as PyTorch does, forward and back', () => {
    const x = tensor([0, -0, -2, 3], { requiresGrad: true });
    const y = F.leakyRelu(x, -0.5);
    const v = Array.from(y.toFloat32Array());
    expect(Object.is(v[0], -0) && Object.is(v[1], 0)).toBe(true);
    expect(v.slice(2)).toEqual([1, 3]);
    const [g] = grad(y, [x], { gradOutputs: tensor([1, 1, 1, 1]) });
    expect(Array.from(g!.toFloat32Array())).toEqual([-0.5, -0.5, -0.5, 1]);
  });

  it('is a node named leakyRelu that refuses a backward after its input changed in place', () => {
    const x = tensor([-1, 2], { requiresGrad: true });
    const h = x.mul(1);
    const y: Tensor = F.leakyRelu(h, 0.2);
    expect(y.gradFn!.name).toBe('leakyRelu');
    h.add_(1);
    expect(() => y.sum().backward()).toThrow(/leakyRelu/);
  });
});
