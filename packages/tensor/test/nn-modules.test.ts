import { throwsWith } from './helpers/throws.js';
import { describe, it, expect } from 'vitest';
import { F, Generator, ShapeError, nn, noGrad, ones, randn, tensor, zeros, type Tensor } from '@tensile/tensor';
import { expectClose } from './helpers/gradcheck.js';

const mlp = (seed = 0): nn.Sequential => {
  const generator = new Generator(seed);
  return new nn.Sequential(new nn.Linear(6, 10, { generator }), new nn.ReLU(), new nn.Linear(10, 4, { generator }));
};

class Block extends nn.Module {
  readonly conv = this.registerModule('conv', new nn.Conv2d(1, 2, 3, { padding: 1, generator: new Generator(3) }));
  readonly head = this.registerModule('head', new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(2 * 4 * 4, 3)));
  readonly scale = this.registerParameter('scale', ones([1]));
  forward(x: Tensor): Tensor {
    return this.head.call(this.conv.call(x).relu()).mul(this.scale);
  }
}


describe('Module registration and traversal', () => {
  it('namedParameters uses dotted names in registration order', () => {
    expect(mlp().namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(new Block().namedParameters().map(([n]) => n)).toEqual(['scale', 'conv.weight', 'conv.bias', 'head.2.weight', 'head.2.bias']);
    const nested = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Tanh(), new nn.Linear(2, 1, { bias: false })));
    expect(nested.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.1.weight']);
    expect(nested.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  it('shared modules and parameters are listed once', () => {
    const fc = new nn.Linear(3, 3);
    const tied = new nn.Sequential(fc, new nn.ReLU(), fc);
    expect(tied.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    expect(tied.modules()).toHaveLength(3);
  });

  it('children, namedChildren and modules', () => {
    const m = new Block();
    expect(m.namedChildren().map(([n]) => n)).toEqual(['conv', 'head']);
    expect(m.children()[0]).toBe(m.conv);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'conv', 'head', 'head.0', 'head.1', 'head.2']);
    expect(m.modules()[0]).toBe(m);
    expect(m.call(randn([2, 1, 4, 4])).shape).toEqual([2, 3]);
  });

  it('registration errors', () => {
    class Bad extends nn.Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const b = new Bad();
    throwsWith(() => b.registerParameter('a.b', ones([1])), TypeError, 'Bad.registerParameter: name must be a non-empty string without ".", got "a.b"');
    throwsWith(() => b.registerParameter('w', [1] as never), TypeError, 'Bad.registerParameter: parameter "w" must be a Tensor, got an array');
    throwsWith(() => b.registerParameter('w', ones([1], { requiresGrad: true }).mul(2)), TypeError, 'Bad.registerParameter: parameter "w" must be a leaf tensor (use detach())');
    throwsWith(() => b.registerModule('m', {} as never), TypeError, 'Bad.registerModule: module "m" must be a Module, got Object');
    b.registerModule('m', new nn.ReLU());
    throwsWith(() => b.registerParameter('m', ones([1])), Error, 'Bad.registerParameter: "m" is already a submodule');
  });
});

describe('default initialisation (PyTorch: U(-1/√fan_in, 1/√fan_in))', () => {
  function stats(t: Tensor): { maxAbs: number; variance: number; mean: number } {
    const d = t.toFloat32Array();
    let s = 0, s2 = 0, m = 0;
    for (const v of d) { s += v; s2 += v * v; m = Math.max(m, Math.abs(v)); }
    const mean = s / d.length;
    return { maxAbs: m, mean, variance: s2 / d.length - mean * mean };
  }
  const cases: [string, () => nn.Linear | nn.Conv2d, number][] = [
    ['Linear(256, 512)', () => new nn.Linear(256, 512), 256],
    ['Conv2d(16, 32, 3)', () => new nn.Conv2d(16, 32, 3), 16 * 9],
  ];
  it.each(cases)('%s: weights within the bound, variance ≈ bound²/3 within 10%%', (_n, make, fanIn) => {
    const m = make();
    const bound = 1 / Math.sqrt(fanIn);
    const w = stats(m.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(Math.fround(bound));
    expect(w.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(w.variance / (bound * bound / 3) - 1)).toBeLessThan(0.1);
    expect(Math.abs(w.mean)).toBeLessThan(0.05 * bound);
    expect(stats(m.bias!).maxAbs).toBeLessThanOrEqual(Math.fround(bound));
  });

  it('draws from the given generator (deterministic) and from the global one otherwise', () => {
    const a = new nn.Linear(4, 3, { generator: new Generator(7) });
    const b = new nn.Linear(4, 3, { generator: new Generator(7) });
    expectClose(a.weight, b.weight.toFloat32Array(), 0, 0);
    expect(new nn.Linear(4, 3).weight.toFloat32Array()).not.toEqual(new nn.Linear(4, 3).weight.toFloat32Array());
  });
});

describe('train / eval', () => {
  it('propagate to every descendant and switch Dropout off', () => {
    const drop = new nn.Dropout(0.5, { generator: new Generator(1) });
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(drop));
    expect(m.training && drop.training).toBe(true);
    const x = ones([1000]);
    const y = drop.call(x).toFloat32Array();
    expect(y.some((v) => v === 0)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.modules().every((c) => !c.training)).toBe(true);
    expect(drop.call(x)).toBe(x);
    m.train();
    expect(drop.training).toBe(true);
    throwsWith(() => m.train('yes' as never), TypeError, 'Sequential.train: mode must be a boolean, got string yes');
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default, or zeroes them in place', () => {
    const m = mlp();
    F.mseLoss(m.call(randn([3, 6])), zeros([3, 4])).backward();
    const g = m.at(0).parameters()[0]!.grad!;
    m.zeroGrad(false);
    expect(m.at(0).parameters()[0]!.grad).toBe(g);
    expect(m.parameters().every((p) => p.grad!.toFloat32Array().every((v) => v === 0))).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('stateDict / loadStateDict', () => {
  it('stateDict holds detached copies in registration order', () => {
    const m = mlp();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(sd['0.weight']!.requiresGrad).toBe(false);
    noGrad(() => sd['0.weight']!.fill_(0));
    expect(m.at(0).parameters()[0]!.toFloat32Array().some((v) => v !== 0)).toBe(true);
  });

  it('round trip: a model loaded from another computes the same function', () => {
    const a = mlp(1), b = mlp(2);
    const x = randn([5, 6]);
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expectClose(b.call(x), a.call(x).toFloat32Array(), 0, 0);
    const before = b.at(0).parameters()[0]!;
    b.loadStateDict(new Map(Object.entries(mlp(3).stateDict())));
    expect(b.at(0).parameters()[0]).toBe(before); // copied in place: optimizers keep their references
    expect(before.requiresGrad && before.isLeaf).toBe(true);
  });

  const full = (): Record<string, Tensor> => mlp(5).stateDict();
  const errorCases: [string, (sd: Record<string, Tensor>) => Record<string, Tensor>, new (...a: never[]) => Error, string][] = [
    ['missing keys', (sd) => { delete sd['2.bias']; delete sd['0.bias']; return sd; }, Error,
      'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias", "2.bias".'],
    ['unexpected keys', (sd) => ({ ...sd, 'extra': zeros([1]) }), Error,
      'Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: "extra".'],
    ['shape mismatch', (sd) => ({ ...sd, '2.weight': zeros([4, 11]) }), Error,
      'Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 2.weight: copying a param with shape [4,11] from checkpoint, the shape in current model is [4,10].'],
    ['everything at once', (sd) => { delete sd['0.bias']; return { ...sd, 'x': zeros([1]), '0.weight': zeros([1]) }; }, Error,
      'Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: "x".\n\tMissing key(s) in state_dict: "0.bias".\n\tsize mismatch for 0.weight: copying a param with shape [1] from checkpoint, the shape in current model is [10,6].'],
    ['non-tensor value', (sd) => ({ ...sd, '0.bias': [1, 2] as never }), TypeError, 'Sequential.loadStateDict: value for "0.bias" must be a Tensor, got an array'],
  ];
  it.each(errorCases)('%s: throws and copies nothing', (_n, edit, type, message) => {
    const m = mlp(6);
    const before = m.stateDict();
    throwsWith(() => m.loadStateDict(edit(full())), type, message);
    for (const [k, v] of Object.entries(m.stateDict())) expectClose(v, before[k]!.toFloat32Array(), 0, 0);
  });

  it('strict: false reports missing/unexpected keys and loads the rest; shapes are still checked', () => {
    const m = mlp(7);
    const sd = full();
    delete sd['2.bias'];
    const r = m.loadStateDict({ ...sd, extra: zeros([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['2.bias'], unexpectedKeys: ['extra'] });
    expectClose(m.stateDict()['0.weight']!, sd['0.weight']!.toFloat32Array(), 0, 0);
    throwsWith(() => m.loadStateDict({ '0.bias': zeros([3]) }, { strict: false }), Error, /size mismatch for 0\.bias/);
  });
});

describe('layers and losses', () => {
  it('Linear/Conv2d/MaxPool2d/Flatten/activations compute what F computes', () => {
    const x = randn([2, 3, 6, 6], { generator: new Generator(1) });
    const conv = new nn.Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: 1 });
    expectClose(conv.call(x), F.conv2d(x, conv.weight, conv.bias, { stride: [2, 1], padding: 1 }).toFloat32Array(), 0, 0);
    expectClose(new nn.MaxPool2d(2).call(x), F.maxPool2d(x, 2).toFloat32Array(), 0, 0);
    expect(new nn.Flatten().call(x).shape).toEqual([2, 108]);
    expect(new nn.Flatten(0, 1).call(x).shape).toEqual([6, 6, 6]);
    const v = tensor([-1, 0.5]);
    expectClose(new nn.ReLU().call(v), [0, 0.5]);
    expectClose(new nn.Tanh().call(v), [Math.tanh(-1), Math.tanh(0.5)]);
    expectClose(new nn.Sigmoid().call(v), [1 / (1 + Math.E), 1 / (1 + Math.exp(-0.5))]);
    expectClose(new nn.GELU().call(tensor([1])), [0.8413447]);
    expect(new nn.Linear(3, 2, { bias: false }).call(ones([3])).shape).toEqual([2]);
  });

  it('loss modules pass their options to the functional form', () => {
    const x = randn([4, 3], { generator: new Generator(2) });
    const t = tensor([0, 2, -100, 1]);
    const opts = { reduction: 'sum', labelSmoothing: 0.2 } as const;
    expectClose(new nn.CrossEntropyLoss(opts).call(x, t), F.crossEntropy(x, t, opts).toFloat32Array(), 0, 0);
    const t2 = tensor([0, 2, 1, 1]);
    expectClose(new nn.NLLLoss({ ignoreIndex: 1 }).call(x, t2), F.nllLoss(x, t2, { ignoreIndex: 1 }).toFloat32Array(), 0, 0);
    expectClose(new nn.MSELoss({ reduction: 'none' }).call(x, x.mul(2)), F.mseLoss(x, x.mul(2), { reduction: 'none' }).toFloat32Array(), 0, 0);
    expectClose(new nn.BCEWithLogitsLoss().call(x, x.sigmoid()), F.binaryCrossEntropyWithLogits(x, x.sigmoid()).toFloat32Array(), 0, 0);
  });

  it('a small model trains (loss goes down with plain SGD)', () => {
    const model = new nn.Sequential(new nn.Linear(2, 16, { generator: new Generator(4) }), new nn.Tanh(), new nn.Linear(16, 2, { generator: new Generator(5) }));
    const x = randn([32, 2], { generator: new Generator(6) });
    const y = tensor(Array.from(x.toFloat32Array()).filter((_, i) => i % 2 === 0).map((v, i) => (v * x.toFloat32Array()[2 * i + 1]! > 0 ? 1 : 0)));
    const lossFn = new nn.CrossEntropyLoss();
    let first = 0, last = 0;
    for (let step = 0; step < 200; step++) {
      model.zeroGrad();
      const loss = lossFn.call(model.call(x), y);
      loss.backward();
      noGrad(() => model.parameters().forEach((p) => p.sub_(p.grad!, 0.5)));
      if (step === 0) first = loss.item();
      last = loss.item();
    }
    expect(last).toBeLessThan(first * 0.5);
  });

  it('toString is PyTorch\'s repr', () => {
    expect(String(new nn.Linear(2, 3))).toBe('Linear(in_features=2, out_features=3, bias=True)');
    expect(String(new nn.Linear(2, 3, { bias: false }))).toBe('Linear(in_features=2, out_features=3, bias=False)');
    expect(String(new nn.Conv2d(16, 32, 3))).toBe('Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(new nn.Conv2d(1, 2, [3, 5], { stride: 2, padding: [1, 2], bias: false }))).toBe('Conv2d(1, 2, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), bias=False)');
    expect(String(new nn.MaxPool2d(2))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.Dropout(0.25))).toBe('Dropout(p=0.25, inplace=False)');
    expect(String(new nn.Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(String(new nn.GELU())).toBe("GELU(approximate='none')");
    expect(String(new nn.CrossEntropyLoss())).toBe('CrossEntropyLoss()');
    expect(String(new nn.MSELoss({ reduction: 'sum' }))).toBe('MSELoss()') // PyTorch's loss reprs print no options;
    const m = new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Sequential(new nn.Linear(10, 4), new nn.Tanh()));
    expect(String(m)).toBe([
      'Sequential(',
      '  (0): Linear(in_features=6, out_features=10, bias=True)',
      '  (1): ReLU()',
      '  (2): Sequential(',
      '    (0): Linear(in_features=10, out_features=4, bias=True)',
      '    (1): Tanh()',
      '  )',
      ')',
    ].join('\n'));
  });

  const ctorErrors: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['Linear inFeatures', () => new nn.Linear(-1, 2), RangeError, 'Linear: inFeatures must be an integer >= 0, got -1'],
    ['Linear outFeatures', () => new nn.Linear(2, 1.5), RangeError, 'Linear: outFeatures must be an integer >= 0, got 1.5'],
    ['Conv2d inChannels', () => new nn.Conv2d(0, 2, 3), RangeError, 'Conv2d: inChannels must be an integer >= 1, got 0'],
    ['Conv2d kernelSize', () => new nn.Conv2d(1, 2, [3, 0]), RangeError, 'Conv2d: kernelSize must be an integer >= 1 or a pair of them, got [3,0]'],
    ['Conv2d padding', () => new nn.Conv2d(1, 2, 3, { padding: -1 }), RangeError, 'Conv2d: padding must be an integer >= 0 or a pair of them, got -1'],
    ['MaxPool2d padding', () => new nn.MaxPool2d(2, { padding: 2 }), RangeError, 'MaxPool2d: padding [2,2] should be at most half of the kernel size [2,2]'],
    ['Dropout p', () => new nn.Dropout(-0.1), RangeError, 'Dropout: probability has to be between 0 and 1, but got -0.1'],
    ['Flatten startDim', () => new nn.Flatten(0.5), RangeError, 'Flatten: startDim must be an integer, got 0.5'],
    ['CrossEntropyLoss labelSmoothing', () => new nn.CrossEntropyLoss({ labelSmoothing: -1 }), RangeError, 'CrossEntropyLoss: labelSmoothing must be in [0, 1], got -1'],
    ['NLLLoss reduction', () => new nn.NLLLoss({ reduction: 'avg' as never }), RangeError, `NLLLoss: reduction must be 'mean', 'sum' or 'none', got "avg"`],
    ['MSELoss reduction', () => new nn.MSELoss({ reduction: 'avg' as never }), RangeError, `MSELoss: reduction must be 'mean', 'sum' or 'none', got "avg"`],
    ['Sequential.at', () => mlp().at(3), RangeError, 'Sequential.at: index 3 is out of range for 3 modules'],
    ['Linear forward shape', () => new nn.Linear(3, 2).call(zeros([2, 4])), ShapeError, 'linear: input has shape [2,4] but weight [2,3] expects last dim 3'],
  ];
  it.each(ctorErrors)('validates at construction: %s', (_n, fn, type, message) => throwsWith(fn, type, message));
});
