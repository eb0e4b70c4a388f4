import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F, Generator, ShapeError, cat, decodeSafetensors, nn, noGrad, ones, randn, tensor, zeros, type Tensor } from '@tensile/tensor';
import { expectClose, gradcheck } from './helpers/gradcheck.js';
import { throwsWith } from './helpers/throws.js';

interface Packed { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-layers.json', import.meta.url), 'utf8')) as {
  batchnorm: {
    module: 'BatchNorm1d' | 'BatchNorm2d'; numFeatures: number; options: Record<string, unknown>; weight: Packed | null; bias: Packed | null;
    batches: Packed[]; steps: { output: Packed; running: Record<string, Packed> }[]; probe: Packed; eval: Packed; keys: string[];
  }[];
  init: { fans: { shape: number[]; fans: [number, number] }[]; gains: { nonlinearity: string; param: number | null; gain: number }[] };
  stateDictKeys: string[];
  netRepr: string;
  training: {
    init: Record<string, Packed>; batches: { x: Packed; y: number[] }[]; lr: number; losses: number[];
    final: Record<string, Packed>; probe: Packed; evalOutput: Packed;
  };
};
const T = (p: Packed): Tensor => tensor(p.data, { shape: p.shape });
const gen = (seed: number): { generator: Generator } => ({ generator: new Generator(seed) });

describe('Module: fields register on assignment, as PyTorch __setattr__', () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(4, 8, gen(1));
    scale = new nn.Parameter(ones([1]));
    cache: Tensor = zeros([2]); // a plain tensor field stays unregistered
    steps = this.registerBuffer('steps', zeros([]));
    #secret = 3; // private fields live on the proxy and still work
    fc2: nn.Linear;
    constructor() {
      super();
      this.fc2 = new nn.Linear(8, 2, gen(2));
    }
    forward(x: Tensor): Tensor {
      this.steps.add_(this.#secret - 2);
      return this.fc2.call(this.fc1.call(x).relu()).mul(this.scale);
    }
  }

  it('registers modules, parameters and buffers in assignment order; plain tensors stay plain', () => {
    const m = new Net();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['fc1', 'fc2']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['steps']);
    expect(Object.keys(m.stateDict())).toEqual(['scale', 'steps', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(m.call(randn([3, 4])).shape).toEqual([3, 2]);
    expect(m.steps.item()).toBe(1);
    expect(m).toBeInstanceOf(Net);
    expect(m.scale).toBeInstanceOf(nn.Parameter);
    expect(m.scale.requiresGrad && m.scale.isLeaf).toBe(true);
  });

  it('reassignment replaces in place, null and delete unregister, a plain tensor cannot replace a parameter', () => {
    const m = new Net();
    const fc = new nn.Linear(8, 2);
    m.fc2 = fc;
    expect(m.getSubmodule('fc2')).toBe(fc);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['fc1', 'fc2']);
    throwsWith(() => { (m as unknown as { scale: Tensor }).scale = ones([1]); }, TypeError, 'Net: cannot assign Tensor as parameter "scale" (nn.Parameter or null expected)');
    throwsWith(() => { (m as unknown as { fc1: unknown }).fc1 = 3; }, TypeError, 'Net: cannot assign number 3 as child module "fc1" (nn.Module or null expected)');
    const newSteps = ones([]);
    m.steps = newSteps;
    expect(m.buffers()[0]).toBe(newSteps);
    (m as unknown as { scale: null }).scale = null;
    expect(m.namedParameters().map(([n]) => n)).not.toContain('scale');
    delete (m as unknown as { fc1?: unknown }).fc1;
    expect(m.namedChildren().map(([n]) => n)).toEqual(['fc2']);
    expect(() => m.registerBuffer('fc2', zeros([1]))).toThrow('Net.registerBuffer: "fc2" is already a submodule');
  });

  it('forward may return a tuple (as recurrent layers will); call is typed by the subclass\'s forward', () => {
    class Pair extends nn.Module {
      forward(x: Tensor, scale: number): [Tensor, Tensor] { return [x, x.mul(scale)]; }
    }
    const [a, b] = new Pair().call(ones([2]), 3);
    expect(a.toArray()).toEqual([1, 1]);
    expect(b.toArray()).toEqual([3, 3]);
  });

  it('non-persistent buffers are not in the state dict; a Parameter with requiresGrad false stays frozen', () => {
    class B extends nn.Module {
      tmp = this.registerBuffer('tmp', zeros([2]), false);
      frozen = new nn.Parameter(ones([2]), false);
      forward(x: Tensor): Tensor { return x; }
    }
    const b = new B();
    expect(Object.keys(b.stateDict())).toEqual(['frozen']);
    expect(b.buffers()).toHaveLength(1);
    expect(b.frozen.requiresGrad).toBe(false);
    expect(String(b.frozen)).toBe('Parameter containing:\ntensor([1., 1.])');
  });
});

describe('stateDict: PyTorch keys, buffers, and any string as a key', () => {
  class Net extends nn.Module {
    conv = new nn.Conv2d(2, 4, 3, { padding: 'same', groups: 2 });
    bn = new nn.BatchNorm2d(4);
    pool = new nn.AdaptiveAvgPool2d(2);
    blocks = new nn.ModuleList([new nn.Linear(16, 8), new nn.LayerNorm(8)]);
    heads = new nn.ModuleDict({ a: new nn.Linear(8, 3), b: new nn.Sequential(new nn.GroupNorm(2, 8), new nn.Linear(8, 2)) });
    emb = new nn.Embedding(5, 8, { paddingIdx: 0 });
    bn1 = new nn.BatchNorm1d(8, { momentum: null });
    forward(x: Tensor, idx: Tensor): Tensor {
      let h = this.pool.call(F.relu(this.bn.call(this.conv.call(x)))).flatten(1);
      h = this.blocks[1]!.call(this.blocks[0]!.call(h)).add(this.emb.call(idx));
      h = this.bn1.call(h);
      return cat([this.heads.get('a').call(h), this.heads.get('b').call(h)], 1);
    }
  }

  it('keys and repr equal PyTorch\'s for a model with every buffer kind', () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(fixture.stateDictKeys);
    expect(String(net)).toBe(fixture.netRepr);
  });

  it('a PyTorch state dict saved as safetensors loads with no renaming and gives PyTorch\'s eval output', () => {
    const { tensors } = decodeSafetensors(readFileSync(new URL('./fixtures/state-dict-model.safetensors', import.meta.url)));
    const { __input_x: x, __input_idx: idx, __output_y: y, ...sd } = tensors;
    const net = new Net();
    expect(net.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(net.bn1.numBatchesTracked!.item()).toBe(2);
    net.eval();
    expectClose(net.call(x!, idx!), y!.toFloat32Array(), 1e-5, 1e-4);
  });

  it('a module reached under two names is in the state dict under both, as PyTorch (parameters() lists it once)', () => {
    const fc = new nn.Linear(2, 2);
    const tied = new nn.Sequential(fc, new nn.ReLU(), fc);
    expect(Object.keys(tied.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(tied.parameters()).toHaveLength(2);
    expect(tied.loadStateDict(tied.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('weight tying by assignment (word_language_model: decoder.weight = encoder.weight)', () => {
    class Tied extends nn.Module {
      encoder = new nn.Embedding(5, 3, gen(1));
      decoder = new nn.Linear(3, 5, gen(2));
      constructor() {
        super();
        this.decoder.weight = this.encoder.weight;
      }
      forward(idx: Tensor): Tensor { return this.decoder.call(this.encoder.call(idx)); }
    }
    const m = new Tied();
    expect(m.decoder.weight).toBe(m.encoder.weight);
    expect(m.encoder.weight).toBeInstanceOf(nn.Parameter);
    expect(Object.keys(m.stateDict())).toEqual(['encoder.weight', 'decoder.weight', 'decoder.bias']);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['encoder.weight', 'decoder.bias']);
    m.call(tensor([1, 4])).sum().backward();
    const g = m.encoder.weight.grad!.toArray() as number[][];
    // the decoder's use gives every row the summed embeddings; the encoder's adds rows 1 and 4
    expect(g[0]!.every((v) => v !== 0)).toBe(true);
  });

  it('names like __proto__, constructor, toString, hasOwnProperty round-trip', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    class Odd extends nn.Module {
      constructor(v: number) {
        super();
        names.forEach((n, i) => this.registerParameter(n, tensor([v + i])));
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const sd = new Odd(10).stateDict();
    expect(Object.getPrototypeOf(sd)).toBe(null);
    expect(Object.keys(sd)).toEqual(names);
    const b = new Odd(0);
    expect(b.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.parameters().map((p) => p.item())).toEqual([10, 11, 12, 13]);
    // a JSON-style record (own "__proto__" key) and a Map work too
    const viaJson = Object.fromEntries(Object.entries(sd));
    expect(Object.keys(viaJson)).toContain('__proto__');
    expect(b.loadStateDict(new Map(Object.entries(sd)))).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('a {} whose "__proto__" assignment replaced its prototype is refused, not silently dropped', () => {
    class One extends nn.Module {
      p = this.registerParameter('__proto__', zeros([1]));
      forward(x: Tensor): Tensor { return x; }
    }
    const bad: Record<string, Tensor> = {};
    bad['__proto__'] = tensor([5]);
    throwsWith(() => new One().loadStateDict(bad), TypeError, /One\.loadStateDict: stateDict must be a plain object, a null-prototype record or a Map, got an object whose prototype is Tensor \(did a key named "__proto__" replace its prototype\?/);
    throwsWith(() => new One().loadStateDict({}), Error, 'Error(s) in loading state_dict for One:\n\tMissing key(s) in state_dict: "__proto__".');
  });
});

describe('BatchNorm modules follow PyTorch batch by batch (running statistics, momentum null, eval)', () => {
  for (const c of fixture.batchnorm) {
    it(`${c.module}(${c.numFeatures}, ${JSON.stringify(c.options)})`, () => {
      const opts = { ...c.options } as nn.BatchNormModuleOptions;
      const m = c.module === 'BatchNorm1d' ? new nn.BatchNorm1d(c.numFeatures, opts) : new nn.BatchNorm2d(c.numFeatures, opts);
      if (c.weight) noGrad(() => { m.weight!.copy_(T(c.weight!)); m.bias!.copy_(T(c.bias!)); });
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      c.batches.forEach((b, i) => {
        const step = c.steps[i]!;
        expectClose(m.call(T(b)), step.output.data, 1e-5, 2e-5);
        const sd = m.stateDict();
        for (const [k, v] of Object.entries(step.running)) expectClose(sd[k]!, v.data, 1e-5, 1e-6);
      });
      m.eval();
      expectClose(m.call(T(c.probe)), c.eval.data, 1e-5, 2e-5);
    });
  }

  it('updateBn recomputes the statistics as a cumulative average over the loader', async () => {
    const { data } = await import('@tensile/tensor');
    const x = randn([32, 3], gen(5)).mul(3).add(1);
    const model = new nn.Sequential(new nn.BatchNorm1d(3, { momentum: 0.5 }));
    model.eval();
    nn.updateBn(new data.DataLoader(new data.TensorDataset(x), { batchSize: 8 }), model);
    const bn = model[0] as nn.BatchNorm1d;
    expect(model.training).toBe(false);
    expect(bn.momentum).toBe(0.5);
    expect(bn.numBatchesTracked!.item()).toBe(4);
    const batches = [0, 1, 2, 3].map((i) => x.narrow(0, 8 * i, 8));
    const mean = batches.map((b) => b.mean(0)).reduce((a, b) => a.add(b)).div(4);
    const uvar = batches.map((b) => b.var(0)).reduce((a, b) => a.add(b)).div(4);
    expectClose(bn.runningMean!, mean.toFloat32Array(), 1e-5, 1e-5);
    expectClose(bn.runningVar!, uvar.toFloat32Array(), 1e-5, 1e-5);
  });
});

describe('a small CNN through most new layers trains as in PyTorch (4 SGD steps in training mode)', () => {
  class Small extends nn.Module {
    conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
    bn1 = new nn.BatchNorm2d(4);
    conv2 = new nn.Conv2d(4, 8, 3, { padding: 'same', dilation: 2, groups: 2 });
    pool = new nn.AvgPool2d(2);
    gn = new nn.GroupNorm(2, 8);
    adapt = new nn.AdaptiveAvgPool2d([2, 2]);
    fc1 = new nn.Linear(32, 16);
    ln = new nn.LayerNorm(16);
    bn2 = new nn.BatchNorm1d(16, { momentum: null });
    fc2 = new nn.Linear(16, 3);
    forward(x: Tensor): Tensor {
      let h = F.leakyRelu(this.bn1.call(this.conv1.call(x)), 0.1);
      h = this.pool.call(F.elu(this.conv2.call(h)));
      h = this.adapt.call(this.gn.call(h)).flatten(1);
      h = this.bn2.call(F.silu(this.ln.call(this.fc1.call(h))));
      return this.fc2.call(h);
    }
  }

  it('losses, every parameter and buffer after the steps, and the eval output match PyTorch', () => {
    const t = fixture.training;
    const m = new Small();
    m.loadStateDict(Object.fromEntries(Object.entries(t.init).map(([k, v]) => [k, T(v)])));
    t.losses.forEach((want, step) => {
      const b = t.batches[step % t.batches.length]!;
      m.zeroGrad();
      const loss = F.crossEntropy(m.call(T(b.x)), b.y);
      loss.backward();
      noGrad(() => { for (const p of m.parameters()) p.sub_(p.grad!, t.lr); });
      expect(Math.abs(loss.item() - want), `step ${step} loss ${loss.item()} vs PyTorch ${want}`).toBeLessThan(1e-5 * Math.abs(want) + 1e-6);
    });
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(t.final));
    // every parameter and buffer within 1e-5 absolute (measured worst 4.4e-6; PyTorch's own
    // float32 run differs from its float64 run by as much, relative 3e-4 on conv2.weight)
    for (const [k, v] of Object.entries(t.final)) expectClose(sd[k]!, v.data, 1e-5, 1e-4);
    m.eval();
    // NOTE: bn2's running variance reaches 0.001, so eval divides by √0.001 ≈ 0.03 and a 4e-6
    // difference in its running mean becomes ~1.3e-4 in the output: float32 noise, amplified
    expectClose(m.call(T(t.probe)), t.evalOutput.data, 5e-4, 1e-3);
  });
});

describe('nn.init matches PyTorch\'s fans and gains', () => {
  it('calculateFanInAndFanOut and calculateGain', () => {
    for (const { shape, fans } of fixture.init.fans) expect(nn.init.calculateFanInAndFanOut(zeros(shape))).toEqual(fans);
    for (const { nonlinearity, param, gain } of fixture.init.gains) expect(nn.init.calculateGain(nonlinearity as nn.init.Nonlinearity, param)).toBeCloseTo(gain, 14);
  });

  const std = (t: Tensor): number => Math.sqrt(t.var(null, false, 0).item());
  const maxAbs = (t: Tensor): number => t.abs().max().item();
  it.each([
    ['xavierUniform_', () => nn.init.xavierUniform_(zeros([300, 200]), gen(1)), Math.sqrt(6 / 500), Math.sqrt(2 / 500)],
    ['xavierNormal_ gain 2', () => nn.init.xavierNormal_(zeros([300, 200]), { gain: 2, ...gen(1) }), Infinity, 2 * Math.sqrt(2 / 500)],
    ['kaimingUniform_ a=√5 (PyTorch\'s Linear default)', () => nn.init.kaimingUniform_(zeros([64, 32, 3, 3]), { a: Math.sqrt(5), ...gen(2) }), 1 / Math.sqrt(288), 1 / Math.sqrt(3 * 288)],
    ['kaimingNormal_ fan_out relu', () => nn.init.kaimingNormal_(zeros([64, 32, 3, 3]), { mode: 'fan_out', nonlinearity: 'relu', ...gen(3) }), Infinity, Math.SQRT2 / Math.sqrt(576)],
    ['uniform_(-0.1, 0.1)', () => nn.init.uniform_(zeros([200, 100]), -0.1, 0.1, gen(4)), 0.1, 0.2 / Math.sqrt(12)],
    ['normal_(0, 0.02)', () => nn.init.normal_(zeros([200, 100]), 0, 0.02, gen(5)), Infinity, 0.02],
  ])('%s: within its bound, std within 3%%', (_n, make, bound, wantStd) => {
    const t = make();
    expect(maxAbs(t)).toBeLessThanOrEqual(Math.fround(bound));
    expect(Math.abs(std(t) / wantStd - 1)).toBeLessThan(0.03);
  });

  it('constant_, zeros_, ones_ fill in place without recording; a generator makes draws reproducible', () => {
    const w = randn([3]).requiresGrad_();
    expect(nn.init.constant_(w, 0.5)).toBe(w);
    expect(w.toArray()).toEqual([0.5, 0.5, 0.5]);
    expect(w.isLeaf).toBe(true);
    expect(nn.init.zeros_(ones([2])).toArray()).toEqual([0, 0]);
    expect(nn.init.ones_(zeros([2])).toArray()).toEqual([1, 1]);
    expectClose(nn.init.xavierUniform_(zeros([4, 5]), gen(9)), nn.init.xavierUniform_(zeros([4, 5]), gen(9)).toFloat32Array(), 0, 0);
  });

  it.each([
    ['fans of a 1-d tensor', () => nn.init.xavierUniform_(zeros([3])), RangeError, 'calculateFanInAndFanOut: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape [3])'],
    ['kaiming mode', () => nn.init.kaimingUniform_(zeros([3, 3]), { mode: 'fan' as never }), RangeError, `kaimingUniform_: mode "fan" not supported, please use one of 'fan_in', 'fan_out'`],
    ['gain name', () => nn.init.calculateGain('swish' as never), RangeError, 'calculateGain: unsupported nonlinearity "swish"'],
    ['not a tensor', () => nn.init.zeros_([1] as never), TypeError, 'zeros_: tensor must be a Tensor, got an array'],
    ['uniform_ a > b', () => nn.init.uniform_(zeros([2]), 1, 0), RangeError, 'uniform_: expects a <= b, got a 1, b 0'],
  ])('%s', (_n, fn, type, message) => throwsWith(fn, type, message));
});

describe('containers: ModuleList, ModuleDict, Sequential indexing, Identity', () => {
  it('ModuleList indexes, iterates, appends, inserts (renumbering) and has no forward', () => {
    const a = new nn.Linear(1, 1), b = new nn.ReLU(), c = new nn.Tanh();
    const l = new nn.ModuleList([a, b]);
    expect(l.length).toBe(2);
    expect(l[0]).toBe(a);
    expect(l[-1]).toBe(b);
    expect(l[2]).toBeUndefined();
    expect([...l]).toEqual([a, b]);
    l.insert(1, c);
    expect(l.namedChildren().map(([n, m]) => [n, m])).toEqual([['0', a], ['1', c], ['2', b]]);
    l.append(new nn.Identity()).extend([new nn.SiLU()]);
    expect(l.length).toBe(5);
    expect(l.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
    throwsWith(() => l.at(9), RangeError, 'ModuleList.at: index 9 is out of range for 5 modules');
    throwsWith(() => l.forward(), Error, 'ModuleList has no forward: iterate over it and call its modules');
    throwsWith(() => l.append(3 as never), TypeError, 'ModuleList.append: module must be a Module, got number 3');
  });

  it('ModuleDict keeps insertion order, replaces in place and deletes', () => {
    const d = new nn.ModuleDict([['x', new nn.ReLU()], ['y', new nn.Linear(2, 2)]]);
    expect([...d]).toEqual(['x', 'y']);
    const t = new nn.Tanh();
    d.set('x', t);
    expect([...d.keys()]).toEqual(['x', 'y']);
    expect(d.get('x')).toBe(t);
    expect(d.has('y') && d.size === 2).toBe(true);
    expect(d.delete('y')).toBe(true);
    expect(d.parameters()).toHaveLength(0);
    throwsWith(() => d.get('z'), RangeError, 'ModuleDict.get: no module named "z" (keys: x)');
    expect(String(d)).toBe('ModuleDict(\n  (x): Tanh()\n)');
  });

  it('Sequential supports seq[i] and append; Identity passes its input through', () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expect(s[0]).toBeInstanceOf(nn.Linear);
    expect(s[-1]).toBeInstanceOf(nn.ReLU);
    s.append(new nn.Identity(54, { unused: true }));
    expect(s.length).toBe(3);
    const x = ones([2]);
    expect(new nn.Identity().call(x)).toBe(x);
  });

  it('summary lists parameter counts and totals', () => {
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.BatchNorm1d(8));
    m.parameters().slice(2).forEach((p) => p.requiresGrad_(false));
    expect(m.summary()).toBe([
      'Sequential(',
      '  (0): Linear(in_features=4, out_features=8, bias=True)  # 40 params',
      '  (1): ReLU()',
      '  (2): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)  # 16 params',
      ')  # 56 params',
      'Total params: 56',
      'Trainable params: 40',
      'Non-trainable params: 16',
    ].join('\n'));
  });
});

describe('layers: reprs, train/eval, indices as arrays', () => {
  it('toString is PyTorch\'s repr for every new layer', () => {
    const cases: [nn.Module, string][] = [
      [new nn.Conv2d(4, 8, 3, { padding: 'same', dilation: 2, groups: 2, bias: false }), 'Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, bias=False)'],
      [new nn.Conv1d(3, 6, 5, { stride: 2, padding: 1 }), 'Conv1d(3, 6, kernel_size=(5,), stride=(2,), padding=(1,))'],
      [new nn.BatchNorm2d(3, { momentum: null, eps: 1e-3 }), 'BatchNorm2d(3, eps=0.001, momentum=None, affine=True, track_running_stats=True)'],
      [new nn.LayerNorm([5, 10], { elementwiseAffine: false }), 'LayerNorm((5, 10), eps=1e-05, elementwise_affine=False)'],
      [new nn.GroupNorm(3, 6), 'GroupNorm(3, 6, eps=1e-05, affine=True)'],
      [new nn.Embedding(10, 3), 'Embedding(10, 3)'],
      [new nn.AvgPool2d(3, { stride: 2, padding: 1 }), 'AvgPool2d(kernel_size=3, stride=2, padding=1)'],
      [new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), 'MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)'],
      [new nn.AdaptiveAvgPool2d([5, null]), 'AdaptiveAvgPool2d(output_size=(5, None))'],
      [new nn.Dropout2d(0.25), 'Dropout2d(p=0.25, inplace=False)'],
      [new nn.LeakyReLU(0.2), 'LeakyReLU(negative_slope=0.2)'],
      [new nn.ELU(), 'ELU(alpha=1.0)'],
      [new nn.SiLU(), 'SiLU()'],
      [new nn.Softplus(), 'Softplus(beta=1, threshold=20)'],
      [new nn.Softmax(1), 'Softmax(dim=1)'],
      [new nn.LogSoftmax(-1), 'LogSoftmax(dim=-1)'],
      [new nn.Identity(), 'Identity()'],
      [new nn.SmoothL1Loss(), 'SmoothL1Loss()'],
      [new nn.KLDivLoss({ reduction: 'batchmean' }), 'KLDivLoss()'],
    ];
    for (const [m, want] of cases) expect(String(m)).toBe(want);
  });

  it('default init as PyTorch: U(±1/√fan_in) with fan_in = in/groups·kernel; BatchNorm/LayerNorm/GroupNorm ones and zeros; Embedding N(0, 1)', () => {
    for (const [m, fanIn] of [[new nn.Conv1d(6, 9, 5, { groups: 3 }), 2 * 5], [new nn.Conv2d(4, 8, 3, { groups: 4 }), 9]] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      expect(m.weight.abs().max().item()).toBeLessThanOrEqual(Math.fround(bound));
      expect(m.weight.abs().max().item()).toBeGreaterThan(0.8 * bound);
    }
    const bn = new nn.BatchNorm2d(3);
    expect([bn.weight!.toArray(), bn.bias!.toArray(), bn.runningMean!.toArray(), bn.runningVar!.toArray(), bn.numBatchesTracked!.item()]).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1], 0]);
    expect(new nn.GroupNorm(1, 2).weight!.toArray()).toEqual([1, 1]);
    const w = new nn.Embedding(200, 50, gen(4)).weight;
    expect(Math.abs(w.std().item() - 1)).toBeLessThan(0.03);
  });

  it('LayerNorm bias: false and elementwiseAffine: false leave out those parameters', () => {
    expect(new nn.LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    expect(new nn.GroupNorm(2, 4, { affine: false }).parameters()).toHaveLength(0);
    expect(Object.keys(new nn.BatchNorm1d(2, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
  });

  it('Embedding: number[], nested arrays and Int32Array indices; the padding row starts at zero and gets no grad', () => {
    const e = new nn.Embedding(6, 2, { paddingIdx: 1, ...gen(3) });
    expect(e.weight.select(0, 1).toArray()).toEqual([0, 0]);
    const a = e.call([[1, 2], [2, 5]]);
    expect(a.shape).toEqual([2, 2, 2]);
    expectClose(e.call(Int32Array.of(1, 2, 2, 5)), a.toFloat32Array(), 0, 0);
    expectClose(e.call(tensor([1, 2, 2, 5])), a.toFloat32Array(), 0, 0);
    a.sum().backward();
    expect(e.weight.grad!.toArray()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0], [0, 0], [1, 1]]);
    expect(F.crossEntropy(tensor([[1, 2, 3]]), [2]).item()).toBeCloseTo(F.crossEntropy(tensor([[1, 2, 3]]), tensor([2])).item(), 7);
    expect(F.nllLoss(tensor([[-1, -2]]), Int32Array.of(1)).item()).toBe(2);
    // gather and indexSelect take the same index forms
    const m = tensor([[1, 2], [3, 4]]);
    expect(m.gather(1, [[1], [0]]).toArray()).toEqual([[2], [3]]);
    expect(m.indexSelect(0, Int32Array.of(1, 1)).toArray()).toEqual([[3, 4], [3, 4]]);
    expect(m.indexSelect(1, [0]).toArray()).toEqual([[1], [3]]);
    throwsWith(() => m.gather(1, 'a' as never), TypeError, 'gather: index must be a Tensor, a number[] or an Int32Array, got string');
  });

  it('Dropout2d zeroes whole channels and scales the rest; identity in eval', () => {
    const d = new nn.Dropout2d(0.5, gen(1));
    const y = d.call(ones([8, 16, 3, 3])).reshape([128, 9]).toArray() as number[][];
    expect(y.every((row) => row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2))).toBe(true);
    expect(y.some((row) => row[0] === 0) && y.some((row) => row[0] === 2)).toBe(true);
    const x = ones([1, 2, 2, 2]);
    expect(d.eval().call(x)).toBe(x);
  });

  it('Softmax with dim null picks PyTorch\'s legacy dim', () => {
    expectClose(new nn.Softmax().call(tensor([[0, 0], [0, 0]])), [0.5, 0.5, 0.5, 0.5]);
    expectClose(new nn.Softmax().call(tensor([0, 0])), [0.5, 0.5]);
  });

  it('Tensor methods: mm, softmax, logSoftmax, viewAs, data, tolist, item', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.mm(tensor([[1], [1]])).toArray()).toEqual([[3], [7]]);
    throwsWith(() => a.mm(tensor([1, 1])), ShapeError, 'mm: mat2 must be a matrix, got shape [2]');
    expectClose(a.softmax(1), F.softmax(a, 1).toFloat32Array(), 0, 0);
    expectClose(a.logSoftmax(0), F.logSoftmax(a, 0).toFloat32Array(), 0, 0);
    expect(tensor([1, 2, 3, 4]).viewAs(a).shape).toEqual([2, 2]);
    const w = ones([2], { requiresGrad: true });
    const d = w.data;
    expect(d.requiresGrad).toBe(false);
    d.mul_(3);
    expect(w.toArray()).toEqual([3, 3]);
    expect(a.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(a.sum().item()).toBe(10);
  });
});

describe('gradcheck (float32 central differences, random upstream weights)', () => {
  const r = (shape: number[], seed: number, away = 0): Tensor => {
    const t = randn(shape, gen(seed));
    return away ? noGrad(() => t.add(t.sign().mul(away))).requiresGrad_() : t.requiresGrad_();
  };
  const cases: [string, () => void][] = [
    ['leakyRelu, elu, silu, softplus', () => gradcheck((x) => F.leakyRelu(x, 0.2).add(F.elu(x, 0.7)).add(F.silu(x)).add(F.softplus(x, 2, 3)), [r([7], 1, 0.1)])],
    ['batchNorm training (input, weight, bias)', () => gradcheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r([4, 3, 2], 2), r([3], 3), r([3], 4)])],
    ['batchNorm eval', () => gradcheck((x, w) => F.batchNorm(x, tensor([0.1, -0.2]), tensor([0.5, 2]), { weight: w }), [r([3, 2], 5), r([2], 6)])],
    ['layerNorm [3,2]', () => gradcheck((x, w, b) => F.layerNorm(x, [3, 2], { weight: w, bias: b }), [r([2, 3, 2], 7), r([3, 2], 8), r([3, 2], 9)])],
    ['groupNorm', () => gradcheck((x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), [r([2, 4, 3], 10), r([4], 11), r([4], 12)])],
    ['embedding weight, repeated indices', () => gradcheck((w) => F.embedding([3, 1, 3, 0], w), [r([4, 2], 13)])],
    ['conv2d dilation, groups, padding same', () => gradcheck((x, w, b) => F.conv2d(x, w, b, { padding: 'same', dilation: 2, groups: 2 }), [r([1, 4, 5, 4], 14), r([2, 2, 2, 3], 15), r([2], 16)])],
    ['conv1d stride 2', () => gradcheck((x, w) => F.conv1d(x, w, null, { stride: 2, padding: 1 }), [r([2, 2, 7], 17), r([3, 2, 3], 18)])],
    ['avgPool2d countIncludePad false', () => gradcheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [r([1, 2, 5, 5], 19)])],
    ['adaptiveAvgPool2d', () => gradcheck((x) => F.adaptiveAvgPool2d(x, [2, 3]), [r([1, 2, 5, 4], 20)])],
    ['smoothL1Loss, huberLoss, l1Loss', () => gradcheck((x, t) => F.smoothL1Loss(x, t, { beta: 0.5 }).add(F.huberLoss(x, t, { delta: 0.7 })).add(F.l1Loss(x, t)), [r([6], 21, 0.1), zeros([6]).requiresGrad_()])],
    ['binaryCrossEntropy (input and target)', () => gradcheck((x, t) => F.binaryCrossEntropy(x, t, { reduction: 'sum' }), [tensor([0.2, 0.5, 0.9], { requiresGrad: true }), tensor([0.1, 0.7, 0.4], { requiresGrad: true })])],
    ['klDiv batchmean and logTarget', () => gradcheck((x, t) => F.klDiv(x, t, { reduction: 'batchmean' }).add(F.klDiv(x, t.log(), { logTarget: true, reduction: 'sum' })), [r([2, 3], 22), tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], { requiresGrad: true })])],
  ];
  it.each(cases)('%s', (_n, run) => run());
});

const POSITIONAL_LAYERS = new Set([
  // functions taking PyTorch's positionals after their tensors (call-forms-functional.test.ts)
  'crossEntropy', 'nllLoss', 'mseLoss', 'binaryCrossEntropyWithLogits', 'l1Loss', 'smoothL1Loss', 'huberLoss', 'binaryCrossEntropy', 'klDiv',
  'conv2d', 'conv1d', 'maxPool2d', 'avgPool2d', 'unfold', 'fold', 'batchNorm', 'layerNorm', 'groupNorm', 'embedding',
  'Linear', 'Conv2d', 'Conv1d', 'MaxPool2d', 'AvgPool2d', 'Dropout', 'Dropout2d', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'GroupNorm', 'Embedding', 'CrossEntropyLoss', 'NLLLoss', 'MSELoss', 'BCEWithLogitsLoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'BCELoss', 'KLDivLoss']);

describe('every options bag rejects unknown keys (checkOptions)', () => {
  const x = randn([2, 3, 4, 4]);
  const bags: [string, (o: never) => unknown][] = [
    ['crossEntropy', (o) => F.crossEntropy(randn([2, 3]), tensor([0, 1]), o)],
    ['nllLoss', (o) => F.nllLoss(randn([2, 3]), tensor([0, 1]), o)],
    ['mseLoss', (o) => F.mseLoss(ones([2]), ones([2]), o)],
    ['binaryCrossEntropyWithLogits', (o) => F.binaryCrossEntropyWithLogits(ones([2]), ones([2]), o)],
    ['l1Loss', (o) => F.l1Loss(ones([2]), ones([2]), o)],
    ['smoothL1Loss', (o) => F.smoothL1Loss(ones([2]), ones([2]), o)],
    ['huberLoss', (o) => F.huberLoss(ones([2]), ones([2]), o)],
    ['binaryCrossEntropy', (o) => F.binaryCrossEntropy(ones([2]), ones([2]), o)],
    ['klDiv', (o) => F.klDiv(ones([2]), ones([2]), o)],
    ['conv2d', (o) => F.conv2d(x, ones([2, 3, 3, 3]), null, o)],
    ['conv1d', (o) => F.conv1d(ones([1, 3, 5]), ones([2, 3, 3]), null, o)],
    ['maxPool2d', (o) => F.maxPool2d(x, 2, o)],
    ['avgPool2d', (o) => F.avgPool2d(x, 2, o)],
    ['unfold', (o) => F.unfold(x, 2, o)],
    ['fold', (o) => F.fold(ones([1, 4, 9]), [4, 4], 2, o)],
    ['batchNorm', (o) => F.batchNorm(x, null, null, o)],
    ['layerNorm', (o) => F.layerNorm(x, [4], o)],
    ['groupNorm', (o) => F.groupNorm(x, 3, o)],
    ['embedding', (o) => F.embedding([0], ones([2, 2]), o)],
    ['Linear', (o) => new nn.Linear(2, 2, o)],
    ['Conv2d', (o) => new nn.Conv2d(2, 2, 3, o)],
    ['Conv1d', (o) => new nn.Conv1d(2, 2, 3, o)],
    ['MaxPool2d', (o) => new nn.MaxPool2d(2, o)],
    ['AvgPool2d', (o) => new nn.AvgPool2d(2, o)],
    ['Dropout', (o) => new nn.Dropout(0.5, o)],
    ['Dropout2d', (o) => new nn.Dropout2d(0.5, o)],
    ['BatchNorm1d', (o) => new nn.BatchNorm1d(2, o)],
    ['BatchNorm2d', (o) => new nn.BatchNorm2d(2, o)],
    ['LayerNorm', (o) => new nn.LayerNorm(2, o)],
    ['GroupNorm', (o) => new nn.GroupNorm(1, 2, o)],
    ['Embedding', (o) => new nn.Embedding(2, 2, o)],
    ['CrossEntropyLoss', (o) => new nn.CrossEntropyLoss(o)],
    ['NLLLoss', (o) => new nn.NLLLoss(o)],
    ['MSELoss', (o) => new nn.MSELoss(o)],
    ['BCEWithLogitsLoss', (o) => new nn.BCEWithLogitsLoss(o)],
    ['L1Loss', (o) => new nn.L1Loss(o)],
    ['SmoothL1Loss', (o) => new nn.SmoothL1Loss(o)],
    ['HuberLoss', (o) => new nn.HuberLoss(o)],
    ['BCELoss', (o) => new nn.BCELoss(o)],
    ['KLDivLoss', (o) => new nn.KLDivLoss(o)],
    ['Linear.loadStateDict', (o) => new nn.Linear(1, 1).loadStateDict(new nn.Linear(1, 1).stateDict(), o)],
    ['uniform_', (o) => nn.init.uniform_(zeros([2]), 0, 1, o)],
    ['normal_', (o) => nn.init.normal_(zeros([2]), 0, 1, o)],
    ['xavierUniform_', (o) => nn.init.xavierUniform_(zeros([2, 2]), o)],
    ['xavierNormal_', (o) => nn.init.xavierNormal_(zeros([2, 2]), o)],
    ['kaimingUniform_', (o) => nn.init.kaimingUniform_(zeros([2, 2]), o)],
    ['kaimingNormal_', (o) => nn.init.kaimingNormal_(zeros([2, 2]), o)],
  ];
  it.each(bags)('%s', (fn, call) => {
    throwsWith(() => call({ bogus: 1 } as never), TypeError, new RegExp(`^${fn.replace('.', '\\.')}: unknown option 'bogus' \\(options: `));
    throwsWith(() => call(JSON.parse('{"__proto__": 1}') as never), TypeError, new RegExp(`^${fn.replace('.', '\\.')}: unknown option '__proto__'`));
    // Layers that take PyTorch's positionals read a 5 there as one (see call-forms-nn.test.ts).
    if (!POSITIONAL_LAYERS.has(fn)) throwsWith(() => call(5 as never), TypeError, new RegExp(`^${fn.replace('.', '\\.')}: options must be an object, got (number )?5`));
  });
});

describe('bad input gets PyTorch\'s check with an error naming function, argument and value', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, string | RegExp][] = [
    ['batchNorm one value per channel', () => F.batchNorm(ones([1, 3]), null, null, { training: true }), RangeError, 'batchNorm: expected more than 1 value per channel when training, got input size [1,3]'],
    ['batchNorm eval without stats', () => F.batchNorm(ones([2, 3]), null, null), TypeError, 'batchNorm: runningMean and runningVar must be given when not training'],
    ['batchNorm weight shape', () => F.batchNorm(ones([2, 3]), null, null, { training: true, weight: ones([2]) }), ShapeError, 'batchNorm: weight has shape [2], expected [3]'],
    ['batchNorm momentum', () => F.batchNorm(ones([2, 3]), null, null, { training: true, momentum: 2 }), RangeError, 'batchNorm: momentum must be in [0, 1], got 2'],
    ['BatchNorm2d on 3-d input', () => new nn.BatchNorm2d(3).call(ones([2, 3, 4])), ShapeError, 'BatchNorm2d: expected 4D input (got 3D input of shape [2,3,4])'],
    ['BatchNorm1d momentum', () => new nn.BatchNorm1d(3, { momentum: -1 }), RangeError, 'BatchNorm1d: momentum must be in [0, 1] or null, got -1'],
    ['layerNorm shape', () => F.layerNorm(ones([2, 3]), [4]), ShapeError, 'layerNorm: given normalizedShape=[4], expected input with shape [*, 4], but got input of size [2,3]'],
    ['groupNorm groups', () => F.groupNorm(ones([2, 6]), 4), RangeError, 'groupNorm: expected number of channels in input to be divisible by numGroups, but got input of shape [2,6] and numGroups=4'],
    ['GroupNorm groups', () => new nn.GroupNorm(4, 6), RangeError, 'GroupNorm: numChannels must be divisible by numGroups, got 6 and 4'],
    ['embedding index', () => F.embedding([3], ones([3, 2])), RangeError, 'embedding: index 3 is out of range for 3 embeddings'],
    ['embedding paddingIdx', () => new nn.Embedding(3, 2, { paddingIdx: 3 }), RangeError, 'Embedding: paddingIdx must be within numEmbeddings (3), got 3'],
    ['conv2d same with stride', () => F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), null, { padding: 'same', stride: 2 }), RangeError, "conv2d: padding='same' is not supported for strided convolutions"],
    ['conv2d padding string', () => F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), null, { padding: 'full' as never }), RangeError, `conv2d: padding must be a number, a pair, 'same' or 'valid', got "full"`],
    ['conv2d groups', () => F.conv2d(ones([1, 4, 4, 4]), ones([3, 2, 3, 3]), null, { groups: 2 }), RangeError, 'conv2d: out channels 3 (weight [3,2,3,3]) must be divisible by groups 2'],
    ['conv2d channels with groups', () => F.conv2d(ones([1, 3, 4, 4]), ones([4, 2, 3, 3]), null, { groups: 2 }), ShapeError, 'conv2d: expected input [N,C,H,W] with C = 4 (weight [4,2,3,3], groups 2), got [1,3,4,4]'],
    ['Conv2d groups', () => new nn.Conv2d(3, 4, 3, { groups: 2 }), RangeError, 'Conv2d: inChannels must be divisible by groups, got 3 and 2'],
    ['conv1d stride pair', () => F.conv1d(ones([1, 1, 5]), ones([1, 1, 3]), null, { stride: [1, 2] as never }), RangeError, 'conv1d: stride must be a positive integer, got [1,2]'],
    ['avgPool2d padding', () => F.avgPool2d(ones([1, 1, 4, 4]), 2, { padding: 2 }), RangeError, 'avgPool2d: pad should be at most half of kernel size, but got pad=[2,2] and kernel_size=[2,2]'],
    ['adaptiveAvgPool2d size', () => F.adaptiveAvgPool2d(ones([1, 1, 4, 4]), 0), RangeError, 'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them (or null), got 0'],
    ['dropout2d rank', () => F.dropout2d(ones([4]), 0.5), ShapeError, 'dropout2d: expected a 3-d or 4-d input, got shape [4]'],
    ['binaryCrossEntropy range', () => F.binaryCrossEntropy(tensor([1.5]), tensor([1])), RangeError, 'binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5'],
    ['smoothL1Loss beta', () => F.smoothL1Loss(ones([1]), ones([1]), { beta: -1 }), RangeError, 'smoothL1Loss: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got -1'],
    ['huberLoss delta', () => F.huberLoss(ones([1]), ones([1]), { delta: 0 }), RangeError, 'huberLoss: delta must be positive (huber_loss does not support non-positive values for delta), got 0'],
    ['klDiv reduction', () => F.klDiv(ones([1]), ones([1]), { reduction: 'avg' as never }), RangeError, `klDiv: reduction must be 'mean', 'batchmean', 'sum' or 'none', got "avg"`],
    ['l1Loss shapes', () => F.l1Loss(ones([2]), ones([2, 1])), ShapeError, 'l1Loss: target has shape [2,1] but input has shape [2]'],
    ['leakyRelu slope', () => F.leakyRelu(ones([1]), 'a' as never), TypeError, 'leakyRelu: negativeSlope must be a number, got string a'],
    ['softplus beta', () => F.softplus(ones([1]), 0), RangeError, 'softplus: beta must be a finite non-zero number, got 0'],
    ['Parameter of a non-tensor', () => new nn.Parameter([1] as never), TypeError, 'Parameter: data must be a Tensor, got an array'],
    ['registerBuffer of a non-tensor', () => new nn.ReLU().registerBuffer('b', 3 as never), TypeError, 'ReLU.registerBuffer: buffer "b" must be a Tensor or null, got number 3'],
  ];
  it.each(cases)('%s', (_n, fn, type, message) => throwsWith(fn, type, message));
});
