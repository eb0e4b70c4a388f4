/**
 * F.leakyRelu beyond the kernels' bit tests (wasm-nn.test.ts): its refusals from a table (PyTorch
 * has no integer or bool kernel), float64 forward and backward against the definition with both
 * zeros and a negative slope (PyTorch's values), the node's name and its saved input's version.
 * The refusals of the other activations that compose ops (integer inputs where PyTorch has no
 * kernel; float16 and bfloat16, which the library stores but does not compute) are in the table
 * at the end.
 */
import { describe, expect, it } from 'vitest';
import { F, grad, int32, int64, bool, tensor, bfloat16, float16, float64, type Tensor } from '@tensile/tensor';

describe('leakyRelu', () => {
  it.each([
    ['a non-tensor input', () => F.leakyRelu([1, 2] as never), TypeError, 'leakyRelu: input must be a Tensor, got'],
    ['a NaN slope', () => F.leakyRelu(tensor([1]), Number.NaN), TypeError, 'leakyRelu: negativeSlope must be a number, got'],
    ['a string slope', () => F.leakyRelu(tensor([1]), '0.1' as never), TypeError, 'leakyRelu: negativeSlope must be a number, got string'],
    ['an int64 input', () => F.leakyRelu(tensor([-2, 3], { dtype: int64 })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Long'`],
    ['an int32 input', () => F.leakyRelu(tensor([-2, 3], { dtype: int32 })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Int'`],
    ['a bool input', () => F.leakyRelu(tensor([true, false], { dtype: bool })), TypeError, `leakyRelu: "leaky_relu_cpu" not implemented for 'Bool'`],
    // the library computes in float32 and float64; it named the op inside ("gt: not implemented")
    ['a bfloat16 input', () => F.leakyRelu(tensor([-2, 3], { dtype: bfloat16 })), TypeError, `leakyRelu: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['a float16 input', () => F.leakyRelu(tensor([-2, 3], { dtype: float16 })), TypeError, `leakyRelu: not implemented for 'Half' (float16); convert with .float()`],
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

// PyTorch 1.13 (CPU), x = torch.tensor([-2, 1]): F.elu, F.softplus, F.prelu (weight [0.25]),
// F.glu(x, 0), F.selu, F.celu raise '"elu_cpu" not implemented for 'Long'' and the like; F.hardtanh,
// F.threshold compute in int64 and F.softsign in float32. These composed ops used to compute
// what PyTorch refuses (elu, softplus, glu in float32, prelu in int64), and for float16 and
// bfloat16 to name the op inside that refused (gt, mul, maximum, abs, le).
describe('activations composed from ops: what they refuse, by name', () => {
  const long = tensor([-2, 1], { dtype: int64 });
  const half = tensor([-2, 1], { dtype: bfloat16 });
  it.each([
    ['elu', () => F.elu(long), `elu: "elu_cpu" not implemented for 'Long'`],
    ['softplus', () => F.softplus(long), `softplus: "softplus_cpu" not implemented for 'Long'`],
    ['prelu', () => F.prelu(long, tensor([0.25])), `prelu: "prelu_cpu" not implemented for 'Long'`],
    ['glu', () => F.glu(long, 0), `glu: "glu_cpu" not implemented for 'Long'`],
    ['selu', () => F.selu(long), `selu: "elu_cpu" not implemented for 'Long'`],
    ['celu', () => F.celu(long), `celu: "elu_cpu" not implemented for 'Long'`],
    ['elu (bfloat16)', () => F.elu(half), `elu: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['softplus (bfloat16)', () => F.softplus(half), `softplus: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['prelu (bfloat16)', () => F.prelu(half, tensor([0.25])), `prelu: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['glu (bfloat16)', () => F.glu(half, 0), `glu: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['hardtanh (bfloat16)', () => F.hardtanh(half), `hardtanh: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['relu6 (float16)', () => F.relu6(tensor([-2, 1], { dtype: float16 })), `hardtanh: not implemented for 'Half' (float16); convert with .float()`],
    ['threshold (bfloat16)', () => F.threshold(half, 0, 0), `threshold: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['softsign (bfloat16)', () => F.softsign(half), `softsign: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['softshrink (bfloat16)', () => F.softshrink(half), `softshrink: not implemented for 'BFloat16' (bfloat16); convert with .float()`],
    ['mish (float16)', () => F.mish(tensor([-2, 1], { dtype: float16 })), `mish: not implemented for 'Half' (float16); convert with .float()`],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(message);
  });

  it('keeps computing what PyTorch computes for integers: hardtanh, relu6, threshold in int64, softsign in float32', () => {
    expect(Array.from(F.hardtanh(long).toTypedArray() as BigInt64Array)).toEqual([-1n, 1n]);
    expect(F.relu6(long).dtype).toBe(int64);
    expect(Array.from(F.threshold(long, 0, 0).toTypedArray() as BigInt64Array)).toEqual([0n, 1n]);
    expect(Array.from(F.softsign(long).toFloat32Array())).toEqual([Math.fround(-2 / 3), 0.5]);
  });
});
