/**
 * Issue 21's first ops: a hand-computed case each, a gradcheck in double for each differentiable
 * one, the dtype rules a user meets, and the errors (from a table). PyTorch's values and
 * gradients are replayed in ops21-fixtures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { Generator, autograd, bool, float32, float64, int32, int64, randn, tensor, uint8, type Tensor } from '@tensile/tensor';

const gen = new Generator(21);
const r = (shape: number[]): Tensor => randn(shape, { generator: gen, dtype: float64 }).requiresGrad_();
/** Values away from the integers (the roundings' and fmod's jumps). */
const offGrid = (shape: number[]): Tensor => randn(shape, { generator: gen, dtype: float64 }).mul(3).floor().add(0.37).detach().requiresGrad_();
const pos = (shape: number[]): Tensor => randn(shape, { generator: gen, dtype: float64 }).abs().add(0.5).detach().requiresGrad_();
const i64 = (data: number[] | number[][]): Tensor => tensor(data, { dtype: int64 });

describe('hand-computed values', () => {
  it.each([
    ['sin', () => T.sin(tensor([0, Math.PI / 2])), [0, 1]],
    ['cos', () => tensor([0, Math.PI]).cos(), [1, -1]],
    ['tan', () => T.tan(tensor([0, Math.PI / 4])), [0, 1]],
    ['rsqrt', () => T.rsqrt(tensor([4, 0.25])), [0.5, 2]],
    ['expm1', () => T.expm1(tensor([0, 1e-10], { dtype: float64 })), [0, 1.00000000005e-10]],
    ['log2', () => T.log2(tensor([8, 0.5])), [3, -1]],
    ['floor', () => T.floor(tensor([-1.5, 1.5])), [-2, 1]],
    ['ceil', () => T.ceil(tensor([-1.5, 1.5])), [-1, 2]],
    ['round: ties to even', () => T.round(tensor([0.5, 1.5, 2.5, -2.5, 2.6])), [0, 2, 2, -2, 3]],
    ['trunc', () => T.trunc(tensor([-1.7, 1.7])), [-1, 1]],
    ['atan2', () => T.atan2(tensor([1, 1, -1]), tensor([1, -1, 0])), [Math.fround(Math.PI / 4), Math.fround(3 * Math.PI / 4), Math.fround(-Math.PI / 2)]],
    ['fmod: the dividend\'s sign', () => T.fmod(tensor([-3, 3, 5.5]), tensor([2, -2, 2])), [-1, 1, 1.5]],
    ['remainder beside it: the divisor\'s sign', () => T.remainder(tensor([-3, 3]), tensor([2, -2])), [1, -1]],
    ['tril', () => T.tril(tensor([[1, 2, 3], [4, 5, 6]])), [[1, 0, 0], [4, 5, 0]]],
    ['tril(-1)', () => tensor([[1, 2, 3], [4, 5, 6]]).tril(-1), [[0, 0, 0], [4, 0, 0]]],
    ['triu(1)', () => T.triu(tensor([[1, 2, 3], [4, 5, 6]]), 1), [[0, 2, 3], [0, 0, 6]]],
    ['maskedFill, mask broadcast over rows', () => T.maskedFill(tensor([[1, 2], [3, 4]]), tensor([false, true]), -1), [[1, -1], [3, -1]]],
    ['flip', () => tensor([[1, 2], [3, 4]]).flip(0, 1), [[4, 3], [2, 1]]],
    ['roll flattened', () => T.roll(tensor([[1, 2], [3, 4]]), 1), [[4, 1], [2, 3]]],
    ['roll along dims, negative shift', () => tensor([[1, 2, 3], [4, 5, 6]]).roll([-1, 1], [1, 0]), [[5, 6, 4], [2, 3, 1]]],
    ['repeat', () => tensor([1, 2]).repeat(2, 2), [[1, 2, 1, 2], [1, 2, 1, 2]]],
    ['outer', () => T.outer(tensor([1, 2]), tensor([3, 4, 5])), [[3, 4, 5], [6, 8, 10]]],
    ['cumsum', () => tensor([[1, 2], [3, 4]]).cumsum(0), [[1, 2], [4, 6]]],
    ['cumprod', () => T.cumprod(tensor([1, 2, 3, 4]), -1), [1, 2, 6, 24]],
  ])('%s', (_, make, want) => {
    expect(make().toArray()).toEqual(want);
  });

  it('any / all: bool results, NaN counts as true, over a dim with keepdim', () => {
    const x = tensor([[0, NaN], [0, 0]]);
    expect(T.any(x).dtype).toBe(bool);
    expect(T.any(x).item()).toBe(1);
    expect(x.all().item()).toBe(0);
    expect(x.any(1).toArray()).toEqual([1, 0]);
    expect(x.any(0, true).shape).toEqual([1, 2]);
    expect(T.all(tensor([]).reshape(0)).item()).toBe(1); // the empty product, as PyTorch
    expect(T.any(tensor([], { dtype: uint8 })).dtype).toBe(uint8); // PyTorch 1.13 keeps uint8
  });
});

describe('dtype rules', () => {
  it.each([
    ['sin of int64 is float32', () => T.sin(i64([1, 2])), float32],
    ['rsqrt of bool is float32', () => T.rsqrt(tensor([true, false])), float32],
    ['floor of int64 is itself (a copy)', () => T.floor(i64([3])), int64],
    ['round of int32 keeps int32', () => T.round(tensor([3], { dtype: int32 })), int32],
    ['atan2 of int64s is float32', () => T.atan2(i64([1]), i64([2])), float32],
    ['fmod of int64s is int64', () => T.fmod(i64([-7]), i64([2])), int64],
    ['tril keeps bool', () => T.tril(tensor([[true, true], [true, true]])), bool],
    ['maskedFill keeps int64 (the value cast)', () => T.maskedFill(i64([1, 2]), tensor([true, false]), 2.7), int64],
    ['cumsum of bool accumulates in int64', () => T.cumsum(tensor([true, true]), 0), int64],
    ['cumprod of int32 accumulates in int64', () => T.cumprod(tensor([2, 3], { dtype: int32 }), 0), int64],
    ['cumsum with { dtype }', () => T.cumsum(tensor([1, 2]), 0, { dtype: 'float64' }), float64],
    ['flip keeps int64', () => T.flip(i64([1, 2]), 0), int64],
    ['outer promotes', () => T.outer(i64([1, 2]), tensor([0.5])), float32],
    ['randnLike keeps float64', () => T.randnLike(T.zeros([2], { dtype: float64 })), float64],
    ['randintLike keeps float32', () => T.randintLike(T.zeros([2]), 5), float32],
    ['newZeros takes self\'s dtype', () => i64([1]).newZeros(2, 3), int64],
    ['newOnes with a dtype', () => i64([1]).newOnes([2], { dtype: float64 }), float64],
    ['newFull takes self\'s dtype', () => i64([1]).newFull([2], 2.5), int64],
    ['newTensor takes self\'s dtype, not the data\'s', () => tensor([1], { dtype: float64 }).newTensor([1, 2]), float64],
  ])('%s', (_, make, dtype) => {
    expect(make().dtype).toBe(dtype);
  });

  it('int64 stays exact past 2^53 through cumsum, fmod, flip and maskedFill', () => {
    const big = tensor(BigInt64Array.of(2n ** 62n, 3n, -(2n ** 62n)));
    expect(Array.from(T.cumsum(big, 0).toBigInt64Array())).toEqual([2n ** 62n, 2n ** 62n + 3n, 3n]);
    expect(Array.from(T.fmod(big, 7).toBigInt64Array())).toEqual([2n ** 62n % 7n, 3n, -(2n ** 62n % 7n)]);
    expect(Array.from(big.flip(0).toBigInt64Array())).toEqual([-(2n ** 62n), 3n, 2n ** 62n]);
    expect(Array.from(big.maskedFill(tensor([false, true, false]), 5).toBigInt64Array())).toEqual([2n ** 62n, 5n, -(2n ** 62n)]);
  });

  it('round keeps the sign of a zero, as nearbyint (-0.4 gives -0)', () => {
    expect(Object.is(T.round(tensor([-0.4])).item(), -0)).toBe(true);
  });

  it('randintLike draws integers in [low, high); randnLike and randLike follow the generator', () => {
    const x = T.randintLike(i64([0, 0, 0, 0, 0, 0]), 3, 6, { generator: new Generator(1) });
    for (const v of x.toBigInt64Array()) expect(v >= 3n && v < 6n).toBe(true);
    const a = T.randnLike(T.zeros([4]), { generator: new Generator(5) });
    const b = T.randn([4], { generator: new Generator(5) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(T.randLike(T.zeros([3]), { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('maskedFill_ writes in place, broadcasting the mask, and bumps the version', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const v = x.version;
    expect(x.maskedFill_(tensor([true, false]), 0)).toBe(x);
    expect(x.toArray()).toEqual([[0, 2], [0, 4]]);
    expect(x.version).toBe(v + 1);
  });

  it('maskedFill: the gradient is zero where masked, and a 0-d value gets the masked sum', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const v = tensor(5, { requiresGrad: true });
    x.maskedFill(tensor([true, false, true]), v).mul(tensor([1, 2, 3])).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 2, 0]);
    expect(v.grad!.item()).toBe(4);
  });

  it('cumprod through a zero: the gradient PyTorch gives', () => {
    const x = tensor([2, 0, 3], { dtype: float64, requiresGrad: true });
    T.cumprod(x, 0).sum().backward();
    // d/dx0 (x0 + x0x1 + x0x1x2) = 1 + x1 + x1x2 = 1; d/dx1 = x0 + x0x2 = 8; d/dx2 = x0x1 = 0
    expect(x.grad!.toArray()).toEqual([1, 8, 0]);
  });
});

const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
  ['sin, cos', (a) => a.sin().mul(a.cos()), () => [r([5])]],
  ['tan', (a) => a.tan(), () => [r([5]).detach().mul(0.4).requiresGrad_()]],
  ['rsqrt', (a) => a.rsqrt(), () => [pos([5])]],
  ['expm1, log2', (a) => a.expm1().add(a.log2()), () => [pos([5])]],
  ['floor, ceil, round, trunc (zero gradients)', (a) => a.floor().add(a.ceil()).add(a.round()).add(a.trunc()).add(a), () => [offGrid([6])]],
  ['atan2, broadcast', (a, b) => T.atan2(a, b), () => [r([2, 3]), r([3])]],
  ['fmod, broadcast', (a, b) => T.fmod(a, b), () => [offGrid([2, 3]), pos([3]).detach().add(1.1).requiresGrad_()]],
  ['tril, triu with offsets', (a) => a.tril(1).add(a.triu(-1)), () => [r([2, 3, 4])]],
  ['maskedFill with a 0-d tensor value', (a, v) => a.maskedFill(tensor([[true], [false]]), v), () => [r([2, 3]), r([])]],
  ['cumsum', (a) => a.cumsum(1), () => [r([3, 4])]],
  ['cumprod', (a) => a.cumprod(0), () => [r([4, 2])]],
  ['cumprod through zeros', (a) => a.cumprod(0), () => [tensor([1.5, 0, -2, 0.5], { dtype: float64, requiresGrad: true })]],
  ['flip', (a) => a.flip([0, 2]), () => [r([2, 3, 2])]],
  ['roll', (a) => a.roll([1, -2], [0, 1]).add(a.roll(3)), () => [r([2, 3])]],
  ['repeat', (a) => a.repeat(2, 1, 3), () => [r([2, 2])]],
  ['outer', (a, b) => T.outer(a, b), () => [r([3]), r([2])]],
];

describe('autograd.gradcheck in double', () => {
  it.each(cases)('%s', (_, fn, make) => {
    expect(autograd.gradcheck(fn, make())).toBe(true);
  });
});

describe('errors', () => {
  const x = tensor([[1, 2], [3, 4]]);
  it.each([
    ['tril of a 1-d tensor', () => T.tril(tensor([1, 2])), 'tril: input tensor must have at least 2 dimensions, got shape [2]'],
    ['triu with a fractional diagonal', () => x.triu(1.5), "triu: argument 'diagonal' must be an integer, got 1.5"],
    ['maskedFill with an int64 mask', () => x.maskedFill(i64([1, 0]), 0), 'maskedFill: only supports boolean masks, but got mask with dtype int64'],
    ['maskedFill with a float mask', () => x.maskedFill(tensor([1, 0]), 0), 'maskedFill: only supports boolean masks, but got mask with dtype float32'],
    ['maskedFill with a 1-d value', () => x.maskedFill(tensor([true, false]), tensor([1, 2])), 'maskedFill: only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).'],
    ['maskedFill with a string value', () => x.maskedFill(tensor([true, false]), 'a' as never), 'maskedFill: value must be a number or a 0-d Tensor, got string a'],
    ['maskedFill with a mask that does not broadcast', () => x.maskedFill(tensor([true, false, true]), 0), 'where: cannot broadcast [3] with [2,2]'],
    ['maskedFill_ with a mask larger than self', () => tensor([1, 2]).maskedFill_(tensor([[true, false], [false, true]]), 0), "maskedFill_: output with shape [2] doesn't match the broadcast shape [2,2]"],
    ['flip out of range', () => x.flip(2), 'flip: dim 2 out of range for a 2-d tensor'],
    ['flip with a repeated dim', () => x.flip(0, -2), 'flip: dim 0 appears multiple times in the list of dims'],
    ['roll with shifts and dims of different lengths', () => x.roll([1, 2], [0]), 'roll: shifts and dimensions must align. shifts: 2, dims:1'],
    ['roll without dims and two shifts', () => x.roll([1, 2]), 'roll: shifts and dimensions must align. shifts: 2, dims:0'],
    ['roll with a fractional shift', () => x.roll(0.5, 0), 'roll: shifts must be an integer or an array of integers, got 0.5'],
    ['roll out of range', () => x.roll(1, 3), 'roll: dim 3 out of range for a 2-d tensor'],
    ['repeat with fewer sizes than dims', () => x.repeat(2), 'repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (sizes [2] for shape [2,2])'],
    ['repeat with a negative size', () => x.repeat(-1, 2), 'repeat: Trying to create tensor with negative dimension -2: [-2,4]'],
    ['outer of a matrix', () => T.outer(x, tensor([1])), 'outer: Expected 1-D argument self, but got 2-D (shape [2,2])'],
    ['outer with a matrix vec2', () => tensor([1]).outer(x), 'outer: Expected 1-D argument vec2, but got 2-D (shape [2,2])'],
    ['any out of range', () => x.any(5), 'any: dim 5 out of range for a 2-d tensor'],
    ['all with a dim list', () => x.all([0] as never), 'all: dim must be a number, got object'],
    ['cumsum out of range', () => x.cumsum(-3), 'cumsum: dim -3 out of range for a 2-d tensor'],
    ['cumsum with an unknown option', () => x.cumsum(0, { dtpye: 'float64' } as never), "cumsum: unknown option 'dtpye' (options: dtype)"],
    ['cumprod with an unknown dtype', () => x.cumprod(0, { dtype: 'float128' as never }), 'cumprod: dtype must be one of'],
    ['fmod of int64 by zero', () => T.fmod(i64([1]), i64([0])), 'fmod: ZeroDivisionError'],
    ['fmod of bools', () => T.fmod(tensor([true]), tensor([true])), `fmod: "fmod_cpu" not implemented for 'Bool'`],
    ['floor of bool', () => T.floor(tensor([true])), `floor: "floor_vml_cpu" not implemented for 'Bool'`],
    ['randnLike of int64', () => T.randnLike(i64([1])), `randnLike: "normal_kernel_cpu" not implemented for 'Long'`],
    ['randLike of int64', () => T.randLike(i64([1])), `randLike: "check_uniform_bounds" not implemented for 'Long'`],
    ['randintLike with high <= low', () => T.randintLike(x, 3, 3), 'randintLike: expects integers low < high, got low 3, high 3'],
    ['randnLike with an unknown option', () => T.randnLike(x, { seed: 1 } as never), "randnLike: unknown option 'seed'"],
    ['newZeros with an unknown option', () => x.newZeros([2], { dtyp: 'int64' } as never), "newZeros: unknown option 'dtyp'"],
    ['newOnes with a non-number size', () => x.newOnes(2, '3' as never), 'newOnes: size 1 must be a number (or pass one shape array), got string'],
    ['newTensor with an unknown option', () => x.newTensor([1], { shape: [1] } as never), "newTensor: unknown option 'shape'"],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
