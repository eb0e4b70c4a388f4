import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ShapeError, bfloat16, bool, decodeSafetensors, encodeSafetensors, float16, float32, float64, int32, int64, nn, noGrad, ones, tensor, zeros,
  type DType, type Tensor,
} from '@tensile/tensor';
import { expectArraysEqual } from './helpers/arrays.js';
import { expectClose } from './helpers/gradcheck.js';
import { throwsWith } from './helpers/throws.js';

/** scripts/fixtures/safetensors_fixtures.py: a PyTorch Sequential(BatchNorm1d(3), BatchNorm2d(2, momentum=None)) after 3 batches. */
const BN_FILE = new Uint8Array(readFileSync(new URL('./fixtures/batchnorm.safetensors', import.meta.url)));

class TwoNorms extends nn.Module {
  bn1 = new nn.BatchNorm1d(3);
  bn2 = new nn.BatchNorm2d(2, { momentum: null });
  forward(x: Tensor): Tensor { return x; }
}

/** The fixture split into the state dict and the other tensors (inputs, outputs). */
function bnFixture(): { sd: Record<string, Tensor>; extra: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeSafetensors(BN_FILE);
  const sd: Record<string, Tensor> = {}, extra: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) (k.startsWith('__') ? extra : sd)[k] = t;
  return { sd, extra, metadata };
}

describe('BatchNorm: num_batches_tracked is int64, as PyTorch', () => {
  it('is a 0-d int64 buffer, incremented in place by each training forward', () => {
    const bn = new nn.BatchNorm1d(2);
    const count = bn.numBatchesTracked!, storage = count.storage;
    expect([count.dtype, count.ndim, count.item()]).toEqual([int64, 0, 0]);
    bn.call(tensor([[1, 2], [3, 5]]));
    bn.call(tensor([[0, 2], [3, 1]]));
    expect([bn.numBatchesTracked, count.storage, count.dtype, count.item()]).toEqual([count, storage, int64, 2]);
    expect(bn.stateDict()['num_batches_tracked']!.dtype).toBe(int64);
    bn.resetRunningStats();
    expect([count.dtype, count.item()]).toEqual([int64, 0]);
  });

  it('momentum null averages the batches with factor 1 / num_batches_tracked, as PyTorch (running statistics of 3 batches)', () => {
    const { sd, extra } = bnFixture();
    const net = new TwoNorms();
    noGrad(() => {
      net.bn1.weight!.copy_(sd['bn1.weight']!);
      net.bn2.bias!.copy_(sd['bn2.bias']!);
    });
    for (let k = 0; k < 3; k++) {
      net.bn1.call(extra[`__train_x1_${k}`]!);
      net.bn2.call(extra[`__train_x2_${k}`]!);
    }
    const ours = net.stateDict();
    for (const k of ['bn1.running_mean', 'bn1.running_var', 'bn2.running_mean', 'bn2.running_var']) expectClose(ours[k]!, sd[k]!.toFloat32Array(), 1e-6, 1e-6);
    expect([ours['bn1.num_batches_tracked']!.dtype, ours['bn2.num_batches_tracked']!.item()]).toEqual([int64, 3]);
  });

  it('a PyTorch BatchNorm state dict loads, gives PyTorch\'s eval output, and saves back byte for byte', () => {
    const { sd, extra, metadata } = bnFixture();
    expect(sd['bn1.num_batches_tracked']!.dtype).toBe(int64);
    const net = new TwoNorms();
    expect(net.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    net.eval();
    expectClose(net.bn1.call(extra['__input_x1']!), extra['__output_y1']!.toFloat32Array(), 1e-6, 1e-5);
    expectClose(net.bn2.call(extra['__input_x2']!), extra['__output_y2']!.toFloat32Array(), 1e-6, 1e-5);
    expectArraysEqual(encodeSafetensors({ ...net.stateDict(), ...extra }, metadata), BN_FILE, 'batchnorm.safetensors saved again');
  });

  it('a checkpoint written before dtypes (num_batches_tracked as F32) still loads into the int64 buffer', () => {
    const { sd } = bnFixture();
    const old: Record<string, Tensor> = { ...sd, 'bn1.num_batches_tracked': tensor(3), 'bn2.num_batches_tracked': tensor(3) };
    const bytes = encodeSafetensors(old);
    const decoded = decodeSafetensors(bytes).tensors;
    expect(decoded['bn1.num_batches_tracked']!.dtype).toBe(float32);
    const net = new TwoNorms();
    const buffer = net.bn1.numBatchesTracked!;
    net.loadStateDict(decoded);
    expect([net.bn1.numBatchesTracked, buffer.dtype, buffer.item(), net.bn2.numBatchesTracked!.dtype]).toEqual([buffer, int64, 3, int64]);
  });
});

describe('loadStateDict casts into the module\'s dtypes, as PyTorch\'s copy_', () => {
  class Holder extends nn.Module {
    w = new nn.Parameter(zeros([2]));
    d = this.registerBuffer('d', zeros([2], { dtype: float64 }));
    n = this.registerBuffer('n', zeros([2], { dtype: int64 }));
    b = this.registerBuffer('b', zeros([2], { dtype: bool }));
    h = this.registerBuffer('h', zeros([2], { dtype: float16 }));
    forward(x: Tensor): Tensor { return x; }
  }
  const rows: [string, 'w' | 'd' | 'n' | 'b' | 'h', Tensor, DType, readonly (number | bigint)[]][] = [
    ['float32 <- float64 rounds to nearest', 'w', tensor([0.1, 1e-50], { dtype: float64 }), float32, [Math.fround(0.1), 0]],
    ['float32 <- int64 rounds past 2^24', 'w', tensor([2n ** 24n + 1n, -3n]), float32, [2 ** 24, -3]],
    ['float32 <- bool', 'w', tensor([true, false]), float32, [1, 0]],
    ['float64 <- float32 is exact', 'd', tensor([0.1, -2]), float64, [Math.fround(0.1), -2]],
    ['int64 <- float32 truncates toward zero', 'n', tensor([2.7, -2.7]), int64, [2n, -2n]],
    ['int64 <- int32 widens', 'n', tensor(Int32Array.of(-(2 ** 31), 7)), int64, [-(2n ** 31n), 7n]],
    ['bool <- float32 is != 0', 'b', tensor([0.5, -0]), bool, [1, 0]],
    ['float16 <- float64 rounds to half', 'h', tensor([0.1, 70000], { dtype: float64 }), float16, [0.0999755859375, Infinity]],
  ];
  it.each(rows)('%s', (_name, key, given, dtype, want) => {
    const m = new Holder();
    const before = m[key], storage = before.storage;
    const sd = m.stateDict();
    sd[key] = given;
    m.loadStateDict(sd);
    expect([m[key], m[key].storage, m[key].dtype]).toEqual([before, storage, dtype]);
    const got = dtype === int64 ? [...m[key].toBigInt64Array()] : (m[key].toArray() as number[]);
    expect(got).toEqual(want);
  });

  it('validates everything before casting anything: a dtype-changing entry is not applied when another fails', () => {
    const m = new Holder();
    const sd = m.stateDict();
    sd['n'] = tensor([5, 6]);
    sd['d'] = tensor([1, 2, 3], { dtype: float64 });
    expect(() => m.loadStateDict(sd)).toThrow('size mismatch for d: copying a param with shape [3] from checkpoint, the shape in current model is [2].');
    expect([m.n.dtype, ...m.n.toBigInt64Array()]).toEqual([int64, 0n, 0n]);
  });

  it('stateDict returns copies in each tensor\'s own dtype', () => {
    const m = new Holder();
    const sd = m.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.dtype.name]))).toEqual({ w: 'float32', d: 'float64', n: 'int64', b: 'bool', h: 'float16' });
    expect(Object.entries(sd).every(([k, t]) => t.storage !== m[k as 'w'].storage)).toBe(true);
  });
});

describe('Module.to(dtype), double(), float(), half(), as PyTorch', () => {
  class Net extends nn.Module {
    fc = new nn.Linear(2, 3);
    bn = new nn.BatchNorm1d(3);
    ids = this.registerBuffer('ids', tensor(Int32Array.of(4, 5)));
    forward(x: Tensor): Tensor { return this.bn.call(this.fc.call(x)); }
  }
  const dtypesOf = (m: nn.Module): Record<string, string> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.dtype.name]));

  it('double() converts every floating parameter and buffer in place; integer buffers keep their dtype', () => {
    const net = new Net();
    const params = net.parameters(), w = net.fc.weight, values = w.toArray(), mean = net.bn.runningMean!;
    const counter = net.bn.numBatchesTracked!, counterStorage = counter.storage;
    expect(net.double()).toBe(net);
    expect(dtypesOf(net)).toEqual({
      'fc.weight': 'float64', 'fc.bias': 'float64', 'bn.weight': 'float64', 'bn.bias': 'float64', 'bn.running_mean': 'float64',
      'bn.running_var': 'float64', 'bn.num_batches_tracked': 'int64', ids: 'int32',
    });
    // The same tensor objects: fields, parameters() and references held before the call all see float64.
    expect(net.parameters()).toEqual(params);
    expect(net.parameters().every((p, i) => p === params[i])).toBe(true);
    expect([net.fc.weight === w, w.dtype, net.bn.runningMean === mean, mean.dtype]).toEqual([true, float64, true, float64]);
    expect(w.toArray()).toEqual(values); // float32 -> float64 is exact
    expect(net.parameters().map((p) => [p.requiresGrad, p.isLeaf])).toEqual(params.map(() => [true, true]));
    expect(counter.storage).toBe(counterStorage);
  });

  it('float() brings a double model back to float32 exactly; half() and bfloat16() round as their casts do', () => {
    const net = new Net();
    const values = net.fc.weight.toArray();
    net.double().float();
    expect([net.fc.weight.dtype, net.fc.weight.toArray()]).toEqual([float32, values]);
    const lin = new nn.Linear(1, 1);
    noGrad(() => lin.weight.fill_(0.1));
    expect([lin.half().weight.dtype, lin.weight.toArray()]).toEqual([float16, [[0.0999755859375]]]);
    expect([lin.bfloat16().weight.dtype, lin.weight.toArray()]).toEqual([bfloat16, [[0.10009765625]]]);
  });

  it('converts each parameter\'s grad with it (the same grad object, as PyTorch\'s param.grad.data = ...)', () => {
    const lin = new nn.Linear(2, 1);
    lin.weight.grad = tensor([[0.5, -0.25]]);
    const g = lin.weight.grad;
    lin.double();
    expect([lin.weight.grad === g, g.dtype, g.toArray(), lin.bias!.grad]).toEqual([true, float64, [[0.5, -0.25]], null]);
  });

  it('tied weights stay tied: a parameter registered twice is converted once', () => {
    class Tied extends nn.Module {
      encoder = new nn.Embedding(4, 2);
      decoder = new nn.Linear(2, 4);
      constructor() {
        super();
        this.decoder.weight = this.encoder.weight;
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const m = new Tied();
    const values = m.encoder.weight.toArray();
    m.to('float64');
    expect([m.decoder.weight === m.encoder.weight, m.encoder.weight.dtype, m.encoder.weight.toArray()]).toEqual([true, float64, values]);
  });

  it('a view taken before the call keeps the old data (PyTorch\'s .data = ... semantics)', () => {
    const lin = new nn.Linear(2, 2);
    const view = lin.weight.t();
    lin.double();
    expect([view.dtype, lin.weight.dtype, view.storage === lin.weight.storage]).toEqual([float32, float64, false]);
  });

  it('the internal _setData (PyTorch\'s .data = ...) refuses data of another shape, changing nothing', () => {
    const t = zeros([2]);
    throwsWith(() => t._setData(zeros([3], { dtype: float64 })), ShapeError, '_setData: new data has shape [3] but the tensor has shape [2]');
    expect(t.dtype).toBe(float32);
  });

  it('a module with null buffers and parameters (no running statistics, no affine) converts the rest', () => {
    const bn = new nn.BatchNorm1d(3, { trackRunningStats: false });
    expect([bn.double(), bn.weight!.dtype, bn.runningMean, bn.buffers()]).toEqual([bn, float64, null, []]);
    const bare = new nn.BatchNorm1d(3, { affine: false }).half();
    expect([bare.weight, bare.runningVar!.dtype, bare.numBatchesTracked!.dtype]).toEqual([null, float16, int64]);
  });

  it('a non-floating parameter is left as it is', () => {
    class P extends nn.Module {
      steps = new nn.Parameter(tensor([1n, 2n]), false);
      forward(x: Tensor): Tensor { return x; }
    }
    expect(new P().double().steps.dtype).toBe(int64);
  });

  const noOps: [string, Parameters<Net['to']>[0]][] = [['cpu', 'cpu'], ['{ device: cpu }', { device: 'cpu' }], ['{}', {}], ['float32 when already float32', float32]];
  it.each(noOps)('to(%s) changes nothing and returns the module', (_name, target) => {
    const net = new Net();
    const storages = net.parameters().map((p) => p.storage);
    expect(net.to(target)).toBe(net);
    expect(net.parameters().map((p) => p.storage)).toEqual(storages);
    expect(net.parameters().every((p, i) => p.storage === storages[i])).toBe(true);
  });

  const converting: [string, Parameters<Net['to']>[0]][] = [
    ['float64', float64], ["'double'", 'double'], ["'torch.float64' (accepted at run time, as toDType)", 'torch.float64' as never], ['{ dtype: float64 }', { dtype: float64 }],
    ["{ dtype: 'float64', device: 'cpu' }", { dtype: 'float64', device: 'cpu' }], ['a float64 tensor', ones([1], { dtype: float64 })],
  ];
  it.each(converting)('to(%s) converts to float64', (_name, target) => {
    const net = new Net();
    net.to(target);
    expect([net.fc.weight.dtype, net.bn.runningVar!.dtype, net.bn.numBatchesTracked!.dtype, net.ids.dtype]).toEqual([float64, float64, int64, int32]);
  });

  const errors: [string, unknown, new (...a: never[]) => Error, string | RegExp][] = [
    ['an integer dtype', int64, TypeError, 'Net.to: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64'],
    ["the alias 'long'", 'long', TypeError, 'Net.to: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64'],
    ['bool', bool, TypeError, 'Net.to: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.bool'],
    ['an int32 tensor', tensor(Int32Array.of(1)), TypeError, 'Net.to: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int32'],
    ["{ dtype: 'int32' }", { dtype: 'int32' }, TypeError, 'Net.to: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int32'],
    ["a device other than 'cpu'", 'cuda', TypeError, /^Net\.to: dtype must be one of .*, got 'cuda'; the only device is 'cpu'$/],
    ["{ device: 'cuda' }", { device: 'cuda' }, TypeError, "Net.to: the only device is 'cpu', got string cuda"],
    ['an unknown option', { dtype: 'float64', memoryFormat: 'x' }, TypeError, "Net.to: unknown option 'memoryFormat' (options: dtype, device)"],
    ['an unknown dtype name', { dtype: 'float128' }, TypeError, /^Net\.to: dtype must be one of .* got 'float128'$/],
    ['null', null, TypeError, "Net.to: expected a dtype, 'cpu', a tensor or { dtype, device }, got null"],
    ['a number', 64, TypeError, "Net.to: expected a dtype, 'cpu', a tensor or { dtype, device }, got number 64"],
    ['undefined', undefined, TypeError, "Net.to: expected a dtype, 'cpu', a tensor or { dtype, device }, got undefined"],
  ];
  it.each(errors)('to(%s) is refused, naming the module, and changes nothing', (_name, target, type, message) => {
    const net = new Net();
    throwsWith(() => net.to(target as never), type, message);
    expect(Object.values(dtypesOf(net)).filter((d) => d === 'float32')).toHaveLength(6);
  });
});
