/**
 * The dtype API a JavaScript user touches (PyTorch's semantics are replayed in
 * dtype-fixtures.test.ts): what `tensor()` infers from JavaScript data, conversions and their
 * identities, read-out of int64 values past 2^53, printing, and the errors, from a table.
 */
import { describe, expect, it } from 'vitest';
import {
  DType, arange, bool, float16, float32, float64, int32, int64, nonzero, ones, promoteTypes, randint, resultType, tensor, toDType, uint8, where, zeros, zerosLike,
} from '@tensile/tensor';

describe('what tensor() infers from JavaScript data', () => {
  it.each([
    ['numbers', [1, 2], float32],
    ['booleans', [true, false], bool],
    ['bigints', [1n, 2n], int64],
    ['bigints with small numbers', [1n, 2], int64],
    ['an Int32Array', Int32Array.of(1, 2), int32],
    ['a BigInt64Array', BigInt64Array.of(1n, 2n), int64],
    ['a Float64Array (float32 unless asked, as before dtypes)', Float64Array.of(0.1), float32],
    ['a Uint8Array', Uint8Array.of(1, 255), float32],
    ['a bigint scalar', 5n, int64],
  ] as const)('%s', (_, data, want) => {
    expect(tensor(data as never).dtype).toBe(want);
  });

  it('keeps every bit of an int64 from a BigInt64Array or a bigint, and reads it back with toBigInt64Array', () => {
    const big = 2n ** 62n + 1n;
    const t = tensor([big, -(2n ** 63n)]);
    expect(Array.from(t.toBigInt64Array())).toEqual([big, -(2n ** 63n)]);
    expect(() => t.item).not.toThrow();
    expect(() => t.toArray()).toThrow(`toArray: the int64 value ${big} is past ±2^53 and has no exact JavaScript number; read it with toBigInt64Array()`);
    expect(tensor([2n ** 53n - 1n]).toArray()).toEqual([2 ** 53 - 1]);
  });

  it('asks: { dtype } as an object, a name or a PyTorch alias', () => {
    expect(tensor([1.7, -1.7], { dtype: int64 }).toArray()).toEqual([1, -1]);
    expect(tensor([1], { dtype: 'long' }).dtype).toBe(int64);
    expect(tensor([1], { dtype: 'torch.float64' as never }).dtype).toBe(float64);
    expect(tensor([0, 2, 0.5], { dtype: 'bool' }).toArray()).toEqual([0, 1, 1]);
    expect(tensor([255, -1], { dtype: uint8 }).toArray()).toEqual([255, 255]); // -1 wraps, as PyTorch's int -1 does
    expect(() => tensor([300], { dtype: uint8 })).toThrow('tensor: value cannot be converted to type uint8 without overflow (data[0] = 300)');
    expect(toDType('double')).toBe(float64);
  });
});

describe('conversions', () => {
  it('to() returns the tensor itself for its own dtype and for \'cpu\', a new one otherwise', () => {
    const x = tensor([1.5, -2.5]);
    expect(x.to(float32)).toBe(x);
    expect(x.to('cpu')).toBe(x);
    expect(x.to({ dtype: 'float32' })).toBe(x);
    expect(x.to({ device: 'cpu' })).toBe(x);
    expect(x.double().dtype).toBe(float64);
    expect(x.long().toArray()).toEqual([1, -2]); // truncation toward zero
    expect(x.int().dtype).toBe(int32);
    expect(x.bool().toArray()).toEqual([1, 1]);
    expect(x.half().float().toArray()).toEqual([1.5, -2.5]);
    expect(x.type()).toBe('torch.FloatTensor');
    expect(x.long().type()).toBe('torch.LongTensor');
    expect(x.type('float64').dtype).toBe(float64);
  });

  it('float to float records the cast: the gradient comes back in the source dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.double().mul(3).sum().backward();
    expect(x.grad!.dtype).toBe(float32);
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it('*Like keep the dtype; zeros/ones take one; arange of integers and randint are int64', () => {
    expect(zerosLike(tensor([1], { dtype: int32 })).dtype).toBe(int32);
    expect(ones([2], { dtype: float16 }).float().toArray()).toEqual([1, 1]);
    expect(zeros([2], { dtype: bool }).toArray()).toEqual([0, 0]);
    expect(arange(3).dtype).toBe(int64);
    expect(arange(0, 1, 0.5).dtype).toBe(float32);
    expect(randint(0, 5, [3]).dtype).toBe(int64);
  });
});

describe('printing as PyTorch\'s repr', () => {
  it.each([
    [() => tensor([1, -20], { dtype: int64 }), 'tensor([  1, -20])'],
    [() => tensor([1, 2], { dtype: int32 }), 'tensor([1, 2], dtype=torch.int32)'],
    [() => tensor([true, false]), 'tensor([ True, False])'],
    [() => tensor([0.5, 1], { dtype: float64 }), 'tensor([0.5000, 1.0000], dtype=torch.float64)'],
    [() => tensor([1, 2], { dtype: float64, requiresGrad: true }), 'tensor([1., 2.], dtype=torch.float64, requires_grad=True)'],
  ] as const)('%#', (make, want) => {
    expect(String(make())).toBe(want);
  });
  it('a dtype prints as torch.<name>', () => {
    expect(String(int64)).toBe('torch.int64');
    expect(int64).toBeInstanceOf(DType);
  });
});

describe('JavaScript numbers as operands', () => {
  it('an integer counts as a Python int, any other number as a Python float', () => {
    const i = tensor([1, 2], { dtype: int64 });
    expect(resultType(i, 2)).toBe(int64);
    expect(resultType(i, 2.5)).toBe(float32);
    expect(resultType(i, true)).toBe(int64);
    expect(resultType(tensor([true]), 2)).toBe(int64);
    expect(promoteTypes('uint8', 'int8').name).toBe('int16');
  });
});

describe('errors name the function, the argument and the value', () => {
  it.each([
    ['an unknown dtype name', () => tensor([1], { dtype: 'float65' as never }), "tensor: dtype must be one of"],
    ['requiresGrad on an integer tensor', () => tensor([1], { dtype: int64, requiresGrad: true }), 'tensor: only Tensors of floating point and complex dtype can require gradients, got int64'],
    ['requiresGrad_ on a bool tensor', () => tensor([true]).requiresGrad_(), 'requiresGrad_: only Tensors of floating point and complex dtype can require gradients, got bool'],
    ['mean of an integer tensor', () => tensor([1], { dtype: int64 }).mean(), 'mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long'],
    ['a narrowing in-place op', () => tensor([1], { dtype: int64 }).add_(0.5), "add_: result type Float can't be cast to the desired output type Long"],
    ['where with a float condition', () => where(tensor([1, 0]), 1, 2), 'where: expected condition to be a boolean tensor, but got a tensor with dtype Float'],
    ['an op on float16', () => tensor([1]).half().exp(), "exp: not implemented for 'Half'"],
    ['a product of two dtypes', () => tensor([[1]]).matmul(tensor([[1]], { dtype: float64 })), 'bmm: expected m1 and m2 to have the same dtype, but got: float != double'],
    ['a bool index', () => tensor([1, 2]).indexSelect(0, tensor([true])), 'indexSelect: index must be an integer tensor (int64 or int32), got bool'],
    ['a float64 index', () => tensor([1, 2]).indexSelect(0, tensor([1], { dtype: float64 })), 'indexSelect: index must be an integer tensor (int64 or int32), got float64'],
    ['an int64 index out of range', () => tensor([1, 2]).indexSelect(0, tensor([2n ** 40n])), 'indexSelect: index 1099511627776 is out of bounds for dimension 0 with size 2'],
  ] as const)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('nonzero: int64 indices, as torch.nonzero', () => {
  it('gives [count, ndim] rows in row-major order, or one index tensor per dim (values from PyTorch 1.13)', () => {
    const x = tensor([[0, 3], [5, 0]]);
    const nz = x.nonzero();
    expect(nz.dtype).toBe(int64);
    expect(nz.toArray()).toEqual([[0, 1], [1, 0]]);
    expect(nonzero(x, { asTuple: true }).map((t) => t.toArray())).toEqual([[0, 1], [1, 0]]);
    expect(nonzero(tensor([true, false, true])).toArray()).toEqual([[0], [2]]);
    expect(nonzero(tensor(5)).shape).toEqual([1, 0]);
    expect(nonzero(tensor(0)).shape).toEqual([0, 0]);
    expect(nonzero(tensor(5), { asTuple: true }).map((t) => t.toArray())).toEqual([[0]]);
    expect(nonzero(tensor([2n ** 60n, 0n])).toArray()).toEqual([[0]]);
  });
  it('refuses an unknown option and float16', () => {
    expect(() => nonzero(tensor([1]), { as_tuple: true } as never)).toThrow("nonzero: unknown option 'as_tuple'");
    expect(() => nonzero(tensor([1]).half())).toThrow("nonzero: not implemented for 'Half'");
  });
});
