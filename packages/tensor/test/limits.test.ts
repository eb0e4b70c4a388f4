import { describe, expect, it } from 'vitest';
import { arange, eye, grad, ones, rand, randn, tensor, zeros, indexSelect, gather } from '../src/index.js';
import { stagingFits } from '../src/kernels/wasm.js';

describe('sizes past what a kernel or a Float32Array can hold', () => {
  it('wasm matmul stages only what fits its 4 GiB memory; past that it hands the product to the JS kernel', () => {
    expect(stagingFits(64, 256, 64 * 784, 784 * 256)).toBe(true);
    expect(stagingFits(1, 1, 2 ** 28, 2 ** 28)).toBe(true);
    expect(stagingFits(1, 1, 2 ** 29, 2 ** 29)).toBe(false);
    // The case: [1, 2^31] @ [2^31, 1]; `(x + 3) & ~3` wrapped to a negative offset here.
    expect(stagingFits(1, 1, 2 ** 31, 2 ** 31)).toBe(false);
    expect(stagingFits(2 ** 31, 1, 2 ** 31, 1)).toBe(false);
    expect(stagingFits(2 ** 15, 2 ** 15, 2 ** 15, 2 ** 15)).toBe(false);
  });

  it('creating a tensor with more elements than a Float32Array holds fails at once, naming op and shape', () => {
    expect(() => zeros([2 ** 20, 2 ** 20])).toThrow('zeros: shape [1048576,1048576] has 1099511627776 elements, more than the 4294967296 a Float32Array can hold');
    expect(() => ones([2 ** 33])).toThrow(/ones: shape \[8589934592\] has 8589934592 elements/);
    expect(() => tensor([1], { shape: [2 ** 40, 0] })).not.toThrow(/elements, more than/);
  });
});

describe('indexing ops do not wrap negative indices (PyTorch raises)', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  it.each([
    ['indexSelect -1', () => indexSelect(x, 0, tensor([-1])), 'indexSelect: index -1 is out of bounds for dimension 0 with size 3'],
    ['indexSelect 3', () => indexSelect(x, 0, tensor([3])), 'indexSelect: index 3 is out of bounds for dimension 0 with size 3'],
    ['indexSelect 1.5', () => indexSelect(x, 1, tensor([1.5])), 'indexSelect: index 1.5 is not an integer (index tensors hold integers: use int64)'],
    ['gather -1', () => gather(x, 1, tensor([[0], [-1], [1]])), 'gather: index -1 is out of bounds for dimension 1 with size 2'],
    ['gather -3 on dim 0', () => gather(x, 0, tensor([[-3, 0]])), 'gather: index -3 is out of bounds for dimension 0 with size 3'],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(message);
  });
});

describe('tensor creation from what is not data names the function and the argument', () => {
  it.each([
    ['undefined', undefined, 'tensor: data must be a number, a nested array of numbers or a typed array, got undefined'],
    ['null', null, 'tensor: data must be a number, a nested array of numbers or a typed array, got null'],
    ['a string', 'abc', 'tensor: data must be a number, a nested array of numbers or a typed array, got string abc'],
    ['an object with a length', { length: 2 }, 'tensor: data must be a number, a nested array of numbers or a typed array, got Object'],
    ['a DataView', new DataView(new ArrayBuffer(8)), 'got a DataView'],
    ['a BigUint64Array', new BigUint64Array(2), 'got a BigUint64Array (PyTorch has no uint64: convert to a BigInt64Array)'],
    ['a symbol', [Symbol('x')], 'tensor: element at data[0] must be a number, got symbol'],
    ['a hole', [1, undefined], 'tensor: element at data[1] must be a number, got undefined'],
    ['a nested string', [[1], ['2']], 'tensor: element at data[1][0] must be a number, got string 2'],
  ])('%s', (_name, data, message) => {
    expect(() => tensor(data as unknown as number[])).toThrow(message);
  });

  it('booleans make a bool tensor, as torch.tensor([True, False]) does; mixed with numbers they are 0 and 1 in float32', () => {
    const b = tensor([true, false]);
    expect(b.dtype.name).toBe('bool');
    expect(b.toArray()).toEqual([1, 0]);
    const m = tensor([true, 2.5]);
    expect(m.dtype.name).toBe('float32');
    expect(m.toArray()).toEqual([1, 2.5]);
  });
});

describe('every options bag of the core API rejects unknown keys, naming the function and the key', () => {
  const x = () => tensor([1, 2], { requiresGrad: true });
  it.each([
    ['tensor', () => tensor([1], { reqiresGrad: true } as never), "tensor: unknown option 'reqiresGrad' (options: requiresGrad, shape, dtype)"],
    ['zeros', () => zeros([2], { dtype: 'float65' } as never), "zeros: dtype must be one of uint8, int8, int16, int32, int64, float16, float32, float64, bool, bfloat16, float, double, half, long, int, short (or the exported dtype objects), got 'float65'"],
    ['zeros with a device', () => zeros([2], { device: 'cuda' } as never), "zeros: unknown option 'device' (options: requiresGrad, dtype)"],
    ['ones', () => ones([2], { device: 'cpu' } as never), "ones: unknown option 'device'"],
    ['randn', () => randn([2], { seed: 1 } as never), "randn: unknown option 'seed' (options: requiresGrad, generator, dtype)"],
    ['arange', () => arange(0, 3, 1, { requires_grad: true } as never), "arange: unknown option 'requires_grad'"],
    ['a non-boolean requiresGrad', () => zeros([2], { requiresGrad: 'yes' } as never), 'zeros: requiresGrad must be a boolean, got string yes'],
    ['a generator that is not one', () => rand([2], { generator: 42 } as never), 'rand: generator must be a Generator, got number 42'],
    ['options that are not an object', () => eye(2, 2, 5 as never), 'eye: options must be an object, got number 5'],
    ['backward', () => x().sum().backward(undefined, { retain_graph: true } as never), "backward: unknown option 'retain_graph' (options: retainGraph, createGraph)"],
    ['grad', () => grad(x().sum(), [tensor([1], { requiresGrad: true })], { allowUnsed: true } as never), "grad: unknown option 'allowUnsed'"],
    ['an inherited name', () => zeros([2], JSON.parse('{"constructor": 1}') as never), "zeros: unknown option 'constructor'"],
    ['__proto__ from JSON', () => zeros([2], JSON.parse('{"__proto__": {"requiresGrad": true}}') as never), "zeros: unknown option '__proto__'"],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(message);
  });
});

describe('conv2d on a large batch', () => {
  it('never builds the batch\'s im2col matrix: each sample gives the same bits as convolved alone, forward and backward', async () => {
    const { F, randn, manualSeed, cat } = await import('../src/index.js');
    manualSeed(4);
    // 64·3·3 taps × 24·24 positions = 331776 floats per sample: the batch's matrix would be 73 MB.
    const C = 64, H = 26, N = 55;
    const x = randn([N, C, H, H]).requiresGrad_(), w = randn([2, C, 3, 3]).requiresGrad_();
    const y = F.conv2d(x, w);
    const half = Math.floor(N / 2);
    const x1 = x.detach().narrow(0, 0, half).contiguous().requiresGrad_(), x2 = x.detach().narrow(0, half, N - half).contiguous().requiresGrad_();
    const w2 = w.detach().clone().requiresGrad_();
    const ref = cat([F.conv2d(x1, w2), F.conv2d(x2, w2)], 0);
    expect(Buffer.from(y.toFloat32Array().buffer).equals(Buffer.from(ref.toFloat32Array().buffer))).toBe(true);
    y.sum().backward();
    ref.sum().backward();
    expect(Buffer.from(x.grad!.narrow(0, 0, half).contiguous().toFloat32Array().buffer).equals(Buffer.from(x1.grad!.toFloat32Array().buffer))).toBe(true);
    const a = w.grad!.toFloat32Array(), b = w2.grad!.toFloat32Array();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b[i]!)));
  }, 60_000);
});
