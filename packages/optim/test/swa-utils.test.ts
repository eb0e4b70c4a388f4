import { describe, expect, it, vi } from 'vitest';
import { nn, tensor, zeros, data, float32, float64, int64, type Tensor } from '@tensile/tensor';
import { SGD, swaUtils, type Optimizer } from '@tensile/optim';
import { expectBits, loadFixture, ulps } from './helpers.js';

// Fixtures: scripts/fixtures/lr_scheduler_fixtures.py (torch.optim.swa_utils.AveragedModel).
interface AvgCase {
  name: string;
  useBuffers: boolean;
  shapes: Record<string, number[]>;
  emaMulti?: number;
  emaAvg?: number;
  updates: { model: Record<string, number[]>; averaged: Record<string, number[]> }[];
}
const fixture = loadFixture<{ cases: AvgCase[] }>('averaged_model.json');

const makeModel = (): nn.Sequential => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));

describe("AveragedModel equals PyTorch's, bit for bit", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const model = makeModel();
      const options = c.emaMulti !== undefined ? { multiAvgFn: swaUtils.getEmaMultiAvgFn(c.emaMulti), useBuffers: c.useBuffers }
        : c.emaAvg !== undefined ? { avgFn: swaUtils.getEmaAvgFn(c.emaAvg), useBuffers: c.useBuffers }
          : { useBuffers: c.useBuffers };
      const avg = new swaUtils.AveragedModel(model, options);
      c.updates.forEach((u, k) => {
        const sd: Record<string, Tensor> = {};
        for (const [n, v] of Object.entries(u.model)) sd[n] = tensor(v, { shape: c.shapes[n]! });
        model.loadStateDict(sd);
        avg.updateParameters(model);
        const ours = avg.stateDict();
        expect(Object.keys(ours).sort(), 'state dict keys').toEqual(Object.keys(u.averaged).sort());
        for (const [n, want] of Object.entries(u.averaged)) {
          // num_batches_tracked and n_averaged are int64, as PyTorch's: averaged as a buffer, the
          // SWA/EMA formula's float32 result is truncated back into the int64 buffer.
          if (n.endsWith('num_batches_tracked') || n === 'n_averaged') expect(ours[n]!.dtype, n).toBe(int64);
          expectBits(ours[n]!.toFloat32Array(), want, `${c.name}: update ${k + 1} ${n}`);
        }
      });
    });
  }
});

describe('AveragedModel', () => {
  it('starts as a deep copy: training the model does not move the average until updateParameters', () => {
    const model = makeModel();
    const avg = new swaUtils.AveragedModel(model);
    const w = (model.at(0) as nn.Linear).weight;
    const before = [...(avg.module.at(0) as nn.Linear).weight.toFloat32Array()];
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    w.grad = zeros(w.shape).add(1);
    opt.step();
    expect([...(avg.module.at(0) as nn.Linear).weight.toFloat32Array()]).toEqual(before);
    expect((avg.module.at(0) as nn.Linear).weight).not.toBe(w);
    expect(avg.module[0]).toBe(avg.module.at(0)); // the copy is indexable like the original
    expect(avg.parameters().length).toBe(model.parameters().length);
    expect(avg.nAveraged.item()).toBe(0);
  });

  it('forward runs the averaged copy', () => {
    const model = new nn.Linear(2, 1);
    const avg = new swaUtils.AveragedModel(model);
    const x = tensor([[1, 2]]);
    expect((avg.forward(x) as Tensor).toArray()).toEqual(model.forward(x).toArray());
  });

  it('refuses avgFn and multiAvgFn together, unknown options and decay outside [0, 1]', () => {
    const model = new nn.Linear(2, 1);
    expect(() => new swaUtils.AveragedModel(model, { avgFn: swaUtils.getSwaAvgFn(), multiAvgFn: swaUtils.getEmaMultiAvgFn() })).toThrow('Only one of avg_fn and multi_avg_fn should be provided');
    expect(() => new swaUtils.AveragedModel(model, { use_buffers: true } as never)).toThrow("AveragedModel: unknown option 'use_buffers'");
    expect(() => swaUtils.getEmaMultiAvgFn(1.5)).toThrow('Invalid decay value 1.5 provided. Please provide a value in [0,1] range.');
    expect(() => swaUtils.getEmaAvgFn(-0.1)).toThrow('Invalid decay value -0.1 provided. Please provide a value in [0,1] range.');
  });

  it('its state dict round-trips into a fresh AveragedModel', () => {
    const model = new nn.Linear(3, 2);
    const a = new swaUtils.AveragedModel(model);
    a.updateParameters(model);
    a.updateParameters(model);
    const b = new swaUtils.AveragedModel(new nn.Linear(3, 2));
    b.loadStateDict(a.stateDict());
    expect(b.nAveraged.item()).toBe(2);
    expect(b.module.weight.toArray()).toEqual(a.module.weight.toArray());
  });

  it('updateBn is nn.updateBn (recomputes BatchNorm statistics of the averaged model)', () => {
    expect(swaUtils.updateBn).toBe(nn.updateBn);
    const model = makeModel();
    const avg = new swaUtils.AveragedModel(model);
    const x = tensor([[1, 2, 3], [0, 1, 0], [2, 2, 2], [1, 0, 1]]);
    const loader = new data.DataLoader(new data.TensorDataset(x), { batchSize: 4 });
    swaUtils.updateBn(loader, avg);
    const bn = avg.module.at(1) as nn.BatchNorm1d;
    expect(bn.runningMean!.toArray()).not.toEqual([0, 0, 0, 0]);
  });
});

describe('averaging functions on other dtypes than float32 (PyTorch\'s tensor formulas)', () => {
  it('getSwaAvgFn and getEmaAvgFn of int64 tensors give float32, which AveragedModel truncates back', () => {
    const swa = swaUtils.getSwaAvgFn()(tensor([1n, 5n]), tensor([4n, 7n]), 2);
    expect([swa.dtype, swa.toArray()]).toEqual([float32, [2, Math.fround(5 + Math.fround(2 / 3))]]);
    const ema = swaUtils.getEmaAvgFn(0.5)(tensor([1n, 5n]), tensor([4n, 8n]), 1);
    expect([ema.dtype, ema.toArray()]).toEqual([float32, [2.5, 6.5]]);
  });

  it('getSwaAvgFn and getEmaAvgFn of float64 tensors compute in doubles', () => {
    const a = tensor([0.1, 1], { dtype: float64 }), b = tensor([0.7, 2], { dtype: float64 });
    const swa = swaUtils.getSwaAvgFn()(a, b, 2);
    expect([swa.dtype, swa.toArray()]).toEqual([float64, [0.1 + (0.7 - 0.1) / 3, 1 + 1 / 3]]);
    const ema = swaUtils.getEmaAvgFn(0.9)(a, b, 1);
    expect([ema.dtype, ema.toArray()]).toEqual([float64, [0.9 * 0.1 + (1 - 0.9) * 0.7, 0.9 + (1 - 0.9) * 2]]);
  });

  it('getEmaMultiAvgFn takes ema * decay + current * (1 - decay) for an int64 tensor, truncated in place', () => {
    const f = tensor([1, 2]), n = tensor([10n, 3n]);
    swaUtils.getEmaMultiAvgFn(0.9)([f, n], [tensor([3, 4]), tensor([21n, 4n])], 1);
    expect([n.dtype, ...n.toBigInt64Array()]).toEqual([int64, 11n, 3n]); // 9 + 2.1 -> 11, 2.7 + 0.4 -> 3
    expect(f.toArray()).toEqual([Math.fround(1 + Math.fround(0.1) * 2), Math.fround(2 + Math.fround(0.1) * 2)]);
  });

  it('getSwaMultiAvgFn refuses an int64 tensor as PyTorch\'s _foreach_add_ does, before changing anything', () => {
    const f = tensor([1, 2]), n = tensor([10n]);
    expect(() => swaUtils.getSwaMultiAvgFn()([f, n], [tensor([3, 4]), tensor([20n])], 1)).toThrow(
      'getSwaMultiAvgFn: tensor 1 is int64: For integral input tensors, argument alpha must not be a floating point number.',
    );
    expect(f.toArray()).toEqual([1, 2]);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    const avg = new swaUtils.AveragedModel(model, { multiAvgFn: swaUtils.getSwaMultiAvgFn(), useBuffers: true });
    avg.updateParameters(model);
    expect(() => avg.updateParameters(model)).toThrow('getSwaMultiAvgFn: tensor 6 is int64');
  });
});

describe('SWALR', () => {
  it('anneals to swaLr and stays (cos and linear), as the fixtures check in lr-scheduler.test.ts', () => {
    const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.5 }) as unknown as Optimizer<object>;
    const s = new swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 4 });
    for (let i = 0; i < 6; i++) { opt.step(); s.step(); }
    expect(s.getLastLr()[0]).toBeCloseTo(0.05, 15);
    expect((opt.paramGroups[0] as Record<string, unknown>)['swaLr']).toBe(0.05);
    expect(opt.stateDict().param_groups[0]!['swa_lr']).toBe(0.05);
  });
});

// Fixtures: scripts/fixtures/swa_utils_fixtures.py (PyTorch's lerp_ in float64, as 2.13's
// _foreach_lerp_ runs it per tensor on the CPU).
interface F64Case { kind: 'ema' | 'swa'; decay?: number; n?: number; averaged: number[]; current: number[]; expected: number[]; mulAdd?: number[] }
interface MixedCase { kind: 'mixed'; decay: number; n: number; averagedDtype?: 'float64'; currentDtype?: 'float32'; averaged: number[]; current: number[]; ema: number[]; swa: number[] }
interface Swa32Case { kind: 'swa32'; n: number; averaged: number[]; current: number[]; expected: number[] }
const f64 = loadFixture<{ cases: (F64Case | MixedCase | Swa32Case)[] }>('swa_utils.json');

describe("the multi-tensor averaging functions on float64 tensors equal PyTorch's lerp_, bit for bit", () => {
  for (const c of f64.cases) {
    if (c.kind === 'mixed' || c.kind === 'swa32') continue;
    it(c.kind === 'ema' ? `getEmaMultiAvgFn(${c.decay})` : `getSwaMultiAvgFn() at n = ${c.n}`, () => {
      const a = tensor(c.averaged, { dtype: float64 }), cur = tensor(c.current, { dtype: float64 });
      const fn = c.kind === 'ema' ? swaUtils.getEmaMultiAvgFn(c.decay) : swaUtils.getSwaMultiAvgFn();
      fn([a], [cur], c.n ?? 1);
      expect(a.dtype).toBe(float64);
      expect(a.toArray()).toEqual(c.expected);
      // the integer-tensor formula differs in the last bit somewhere: the float64 case is the lerp
      if (c.mulAdd) expect(c.mulAdd).not.toEqual(c.expected);
    });
  }
});

describe('getSwaMultiAvgFn on float32 tensors equals PyTorch\'s lerp_, bit for bit', () => {
  for (const c of f64.cases) {
    if (c.kind !== 'swa32') continue;
    it(`n = ${c.n}`, () => {
      const a = tensor(c.averaged), cur = tensor(c.current);
      swaUtils.getSwaMultiAvgFn()([a], [cur], c.n);
      expect(a.dtype).toBe(float32);
      expectBits(a.toFloat32Array(), c.expected, `n = ${c.n}`);
    });
  }
});

describe("getEmaAvgFn and getSwaAvgFn of a float32 and a float64 tensor (either way round) promote to float64, as PyTorch's tensor formulas", () => {
  for (const c of f64.cases) {
    if (c.kind !== 'mixed') continue;
    it(`${c.averagedDtype ?? 'float32'} average, ${c.currentDtype ?? 'float64'} model, decay ${c.decay}, n = ${c.n}`, () => {
      const a = tensor(c.averaged, { dtype: c.averagedDtype === 'float64' ? float64 : float32 });
      const cur = tensor(c.current, { dtype: c.currentDtype === 'float32' ? float32 : float64 });
      const ema = swaUtils.getEmaAvgFn(c.decay)(a, cur, c.n), swa = swaUtils.getSwaAvgFn()(a, cur, c.n);
      expect([ema.dtype, swa.dtype]).toEqual([float64, float64]);
      expect(ema.toArray()).toEqual(c.ema);
      expect(swa.toArray()).toEqual(c.swa);
    });
  }
});

describe('getEmaMultiAvgFn, getEmaAvgFn: decay', () => {
  it('takes decay 0 (the current weights) and 1 (the average kept), as PyTorch\'s [0, 1] check', () => {
    const x = tensor([0.1, -3]), avg = tensor([7, 0.3]);
    const ema0 = tensor([7, 0.3]), ema1 = tensor([7, 0.3]);
    swaUtils.getEmaMultiAvgFn(0)([ema0], [x], 1);
    swaUtils.getEmaMultiAvgFn(1)([ema1], [x], 1);
    expect([[...ema0.toFloat32Array()], [...ema1.toFloat32Array()]]).toEqual([[...x.toFloat32Array()], [...avg.toFloat32Array()]]);
    expect([...swaUtils.getEmaAvgFn(0)(avg, x, 1).toFloat32Array()]).toEqual([...x.toFloat32Array()]);
    expect([...swaUtils.getEmaAvgFn(1)(avg, x, 1).toFloat32Array()]).toEqual([...avg.toFloat32Array()]);
  });

  it('refuses a decay that is not a number (TypeError) or NaN, naming it', () => {
    expect(() => swaUtils.getEmaMultiAvgFn('0.5' as never)).toThrow(new TypeError('Invalid decay value 0.5 provided. Please provide a value in [0,1] range.'));
    expect(() => swaUtils.getEmaAvgFn(null as never)).toThrow(new TypeError('Invalid decay value null provided. Please provide a value in [0,1] range.'));
    expect(() => swaUtils.getEmaAvgFn(NaN)).toThrow(new RangeError('Invalid decay value nan provided. Please provide a value in [0,1] range.'));
    expect(() => swaUtils.getEmaMultiAvgFn(1.5)).toThrow(RangeError);
  });
});

describe('getSwaMultiAvgFn', () => {
  it('refuses an integer tensor first in the list too, naming its index', () => {
    const n = tensor([10n]), f = tensor([1, 2]);
    expect(() => swaUtils.getSwaMultiAvgFn()([n, f], [tensor([20n]), tensor([3, 4])], 1)).toThrow(
      new TypeError('getSwaMultiAvgFn: tensor 0 is int64: For integral input tensors, argument alpha must not be a floating point number.'),
    );
    expect([...n.toBigInt64Array(), ...f.toFloat32Array()]).toEqual([10n, 1, 2]);
  });
});

describe('deepCopyModule (Python\'s copy.deepcopy of a model, which AveragedModel starts from)', () => {
  class Holder extends nn.Module {
    forward(x: Tensor): Tensor { return x; }
  }

  it('clones tensors (a Parameter stays one, with its requiresGrad; a plain tensor keeps requiresGrad), shares functions, copies containers and plain objects, shares other objects', () => {
    const h = new Holder() as Holder & Record<string | symbol, unknown>;
    const sym = Symbol('s');
    const t = tensor([1, 2]);
    const fn = (): number => 1;
    const keyObj = { k: 1 };
    const bare = Object.create(null) as Record<string, unknown>;
    bare['x'] = t;
    const date = new Date(0);
    const view = new DataView(new ArrayBuffer(4));
    const obj: Record<string | symbol, unknown> = { a: 1, nested: { b: [t] }, [sym]: t, owner: h };
    obj['self'] = obj;
    Object.assign(h, {
      num: 3, str: 's', nul: null, undef: undefined, fn, plain: t, trainable: tensor([3], { requiresGrad: true }),
      frozen: new nn.Parameter(tensor([4]), false), map: new Map<unknown, unknown>([[keyObj, t], ['n', 5]]), set: new Set([t, 7]),
      arr: [t, t, 'x'], typed: new Float64Array([1.5, 2.5]), view, obj, bare, date,
    });
    Object.defineProperty(h, 'getter', { get: () => 42, configurable: true, enumerable: false });
    const c = swaUtils.deepCopyModule(h) as Holder & Record<string | symbol, unknown>;
    expect(c).not.toBe(h);
    expect(c).toBeInstanceOf(Holder);
    expect([c['num'], c['str'], c['nul'], 'undef' in c, c['undef'], c['fn']]).toEqual([3, 's', null, true, undefined, fn]);
    expect(c['fn']).toBe(fn);
    // tensors: new, equal, same kind
    const ct = c['plain'] as Tensor;
    expect(ct).not.toBe(t);
    expect([ct.toArray(), ct.requiresGrad, ct instanceof nn.Parameter]).toEqual([[1, 2], false, false]);
    const tr = c['trainable'] as Tensor;
    expect([tr.toArray(), tr.requiresGrad, tr.isLeaf, tr instanceof nn.Parameter]).toEqual([[3], true, true, false]);
    expect(tr).not.toBe(h['trainable']);
    const fr = c['frozen'] as Tensor;
    expect([fr.toArray(), fr.requiresGrad, fr instanceof nn.Parameter]).toEqual([[4], false, true]);
    expect(fr).not.toBe(h['frozen']);
    expect(c.namedParameters().map(([n, p]) => [n, p === fr])).toEqual([['frozen', true]]);
    // containers copied; one tensor seen twice is one copy
    const m = c['map'] as Map<unknown, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect(m).not.toBe(h['map']);
    const [[k0, v0], [k1, v1]] = [...m] as [unknown, unknown][] as [[unknown, unknown], [unknown, unknown]];
    expect([k0, k0 === keyObj, v0 === ct, k1, v1]).toEqual([{ k: 1 }, false, true, 'n', 5]);
    const s = c['set'] as Set<unknown>;
    expect(s).toBeInstanceOf(Set);
    expect(s).not.toBe(h['set']);
    expect([...s].map((x) => (x === ct ? 'copy' : x))).toEqual(['copy', 7]);
    const arr = c['arr'] as unknown[];
    expect(Array.isArray(arr) && arr !== h['arr']).toBe(true);
    expect(arr.map((x) => (x === ct ? 'copy' : x))).toEqual(['copy', 'copy', 'x']);
    const typed = c['typed'] as Float64Array;
    expect(typed).toBeInstanceOf(Float64Array);
    expect(typed).not.toBe(h['typed']);
    expect([...typed]).toEqual([1.5, 2.5]);
    const o = c['obj'] as Record<string | symbol, unknown>;
    expect(o).not.toBe(obj);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect([o['a'], o['self'] === o, o['owner'] === c, o[sym] === ct]).toEqual([1, true, true, true]);
    expect((o['nested'] as { b: unknown[] }).b[0]).toBe(ct);
    expect(o['nested']).not.toBe(obj['nested']);
    const b = c['bare'] as Record<string, unknown>;
    expect(b).not.toBe(bare);
    expect(Object.getPrototypeOf(b)).toBeNull();
    expect(b['x']).toBe(ct);
    // shared: a DataView, other class instances; an accessor is kept as it is
    expect(c['view']).toBe(view);
    expect(c['date']).toBe(date);
    expect(c['getter']).toBe(42);
    // the copy's tensors are its own
    ct.add_(10);
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('keeps registration and sharing: the same parameters and buffers under the same names, a shared parameter or module shared once', () => {
    const a = new nn.Linear(2, 2), bn = new nn.BatchNorm1d(2);
    const model = new nn.Sequential(a, bn, new nn.Linear(2, 2)) as nn.Sequential;
    (model.at(2) as nn.Linear).weight = a.weight;
    const c = swaUtils.deepCopyModule(model);
    expect(c.namedParameters().map(([n]) => n)).toEqual(model.namedParameters().map(([n]) => n));
    expect(c.namedBuffers().map(([n]) => n)).toEqual(model.namedBuffers().map(([n]) => n));
    expect(Object.keys(c.stateDict())).toEqual(Object.keys(model.stateDict()));
    expect((c.at(2) as nn.Linear).weight).toBe((c.at(0) as nn.Linear).weight);
    expect((c.at(0) as nn.Linear).weight).not.toBe(a.weight);
    const shared = new nn.Linear(1, 1);
    const twice = new nn.Sequential(shared, shared);
    const ct = swaUtils.deepCopyModule(twice);
    expect(ct.at(1)).toBe(ct.at(0));
    expect(ct.at(0)).not.toBe(shared);
  });

  it('the copy registers what is assigned to it and unregisters what is deleted, as a module does; a symbol key is not registered', () => {
    const c = swaUtils.deepCopyModule(new nn.Linear(2, 1)) as nn.Linear & Record<string | symbol, unknown>;
    c['extra'] = new nn.Linear(1, 1);
    expect(c.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias', 'extra.weight', 'extra.bias']);
    const sym = Symbol('child');
    c[sym] = new nn.Linear(1, 1);
    expect(c.namedParameters().length).toBe(4);
    expect(delete c['extra']).toBe(true);
    expect(c.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect('extra' in c).toBe(false);
    expect(delete c[sym]).toBe(true);
    expect(sym in c).toBe(false);
  });

  it('a copied Sequential or ModuleList is indexed as the original is (negative indices, out of range, keys that are not indices)', () => {
    const seq = new nn.Sequential(...Array.from({ length: 12 }, (_, i) => new nn.Linear(1, i + 1)));
    const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.ReLU()]);
    for (const orig of [seq, list] as (nn.Module & { at(i: number): nn.Module; length: number })[]) {
      const copy = swaUtils.deepCopyModule(orig) as nn.Module & { at(i: number): nn.Module; length: number } & Record<string, unknown>;
      const index = (m: unknown): number => Array.from({ length: orig.length }, (_, i) => orig.at(i)).indexOf(m as nn.Module);
      for (const key of ['0', '1', '9', '10', '11', '12', '100', '-1', '-2', '-11', '-12', '-13', '-0', '01', '00', '1x', 'x1', '1.0', '+1', 'length']) {
        const want = (orig as unknown as Record<string, unknown>)[key];
        const got = copy[key];
        if (want instanceof nn.Module) expect([key, got]).toEqual([key, copy.at(index(want))]);
        else expect([key, got]).toEqual([key, want]);
      }
      expect([(copy as unknown as Record<symbol, unknown>)[Symbol.toStringTag], String(copy).length > 0]).toEqual([undefined, true]); // a symbol read passes through
    }
  });

  it('a copied module that is not a container has no indices, as the original', () => {
    const lin = new nn.Linear(2, 1) as nn.Linear & Record<string, unknown>;
    const copy = swaUtils.deepCopyModule(lin) as nn.Linear & Record<string, unknown>;
    expect([lin['0'], copy['0'], copy['-1']]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses what is not a module', () => {
    expect(() => swaUtils.deepCopyModule({} as never)).toThrow(new TypeError('deepCopyModule: model must be an nn.Module, got dict'));
  });
});

describe('AveragedModel: what it refuses, and models of other sizes', () => {
  it('refuses a model, options or option values of the wrong kind, naming them', () => {
    const m = new nn.Linear(2, 1);
    expect(() => new swaUtils.AveragedModel({} as never)).toThrow(new TypeError('AveragedModel: model must be an nn.Module, got dict'));
    expect(() => new swaUtils.AveragedModel(m, null as never)).toThrow(new TypeError('AveragedModel: options must be an object, got NoneType'));
    expect(() => new swaUtils.AveragedModel(m, 'x' as never)).toThrow(new TypeError('AveragedModel: options must be an object, got str'));
    expect(() => new swaUtils.AveragedModel(m, { use_buffers: true } as never)).toThrow(new TypeError("AveragedModel: unknown option 'use_buffers' (options: avgFn, multiAvgFn, useBuffers)"));
    expect(() => new swaUtils.AveragedModel(m, { avgFn: 5 as never })).toThrow(new TypeError('AveragedModel: avgFn must be a function, got int'));
    expect(() => new swaUtils.AveragedModel(m, { multiAvgFn: 'f' as never })).toThrow(new TypeError('AveragedModel: multiAvgFn must be a function, got str'));
    expect(() => new swaUtils.AveragedModel(m, { useBuffers: 1 as never })).toThrow(new TypeError('AveragedModel: useBuffers must be a boolean, got int'));
    expect(new swaUtils.AveragedModel(m).useBuffers).toBe(false); // PyTorch's default
    const avg = new swaUtils.AveragedModel(m, { avgFn: undefined, multiAvgFn: undefined, useBuffers: false });
    expect(() => avg.updateParameters(3 as never)).toThrow(new TypeError('AveragedModel.updateParameters: model must be an nn.Module, got int'));
  });

  it('refuses a model whose tensors have other shapes, before changing anything', () => {
    class P extends nn.Module {
      constructor(...shapes: number[][]) {
        super();
        shapes.forEach((s, i) => this.registerParameter(`p${i}`, new nn.Parameter(zeros(s))));
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const cases: [number[], number[], string][] = [
      [[2, 3], [3, 2], 'tensor 1 has shape [3,2], the averaged one [2,3]'],
      [[2], [2, 1], 'tensor 1 has shape [2,1], the averaged one [2]'],
      [[2, 3, 4], [2, 4, 3], 'tensor 1 has shape [2,4,3], the averaged one [2,3,4]'],
      [[2, 3], [2, 4], 'tensor 1 has shape [2,4], the averaged one [2,3]'],
    ];
    for (const [mine, theirs, message] of cases) {
      const avg = new swaUtils.AveragedModel(new P([1], mine));
      expect(() => avg.updateParameters(new P([1], theirs))).toThrow(new RangeError(`AveragedModel.updateParameters: ${message}`));
      expect(avg.nAveraged.item()).toBe(0);
    }
  });

  it('averages as many tensors as both models have, as PyTorch\'s zip (and copies as many buffers)', () => {
    const avg = new swaUtils.AveragedModel(new nn.Linear(2, 1, { bias: false }));
    const full = new nn.Linear(2, 1);
    avg.updateParameters(full);
    expect(avg.module.weight.toArray()).toEqual(full.weight.toArray());
    const bigger = new swaUtils.AveragedModel(new nn.Linear(2, 1));
    const bias = [...bigger.module.bias!.toFloat32Array()];
    const noBias = new nn.Linear(2, 1, { bias: false });
    bigger.updateParameters(noBias);
    expect([bigger.module.weight.toArray(), [...bigger.module.bias!.toFloat32Array()]]).toEqual([noBias.weight.toArray(), bias]);
    // a multiAvgFn gets lists of equal length, as zip makes them
    const lengths: number[][] = [];
    const spy = new swaUtils.AveragedModel(new nn.Linear(2, 1, { bias: false }), { multiAvgFn: (a, c) => { lengths.push([a.length, c.length]); } });
    spy.updateParameters(full);
    spy.updateParameters(full);
    expect(lengths).toEqual([[1, 1]]);
    // buffers: a BatchNorm without running statistics has none to copy
    const bnAvg = new swaUtils.AveragedModel(new nn.BatchNorm1d(2));
    const noStats = new nn.BatchNorm1d(2, { trackRunningStats: false });
    bnAvg.updateParameters(noStats);
    expect(bnAvg.nAveraged.item()).toBe(1);
    const fewer = new swaUtils.AveragedModel(new nn.BatchNorm1d(2, { trackRunningStats: false }));
    fewer.updateParameters(new nn.BatchNorm1d(2));
    expect(fewer.nAveraged.item()).toBe(1);
  });
});

describe('SWALR: options, the state dict, a tensor lr', () => {
  const opt = (...lrs: number[]): Optimizer<object> =>
    new SGD(lrs.map((lr) => ({ params: [zeros([1], { requiresGrad: true })], lr })) as never, { lr: 0.1 }) as unknown as Optimizer<object>;

  it('refuses what PyTorch would, and options of the wrong kind, naming them', () => {
    expect(() => new swaUtils.SWALR(opt(0.5), null as never)).toThrow(new TypeError('SWALR: options must be an object, got NoneType'));
    expect(() => new swaUtils.SWALR(opt(0.5), 5 as never)).toThrow(new TypeError('SWALR: options must be an object, got int'));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, swa_lr: 0.1 } as never)).toThrow(new TypeError("SWALR: unknown option 'swa_lr' (options: swaLr, annealEpochs, annealStrategy, lastEpoch)"));
    expect(() => new swaUtils.SWALR(opt(0.5), {})).toThrow(new TypeError("SWALR: missing required option 'swaLr'"));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: '0.05' as never })).toThrow(new TypeError('SWALR: swaLr must be a number or a list of numbers, got str'));
    expect(() => new swaUtils.SWALR(opt(0.5, 0.1), { swaLr: [0.05, null as never] })).toThrow(new TypeError('SWALR: swaLr must be a number or a list of numbers, got NoneType'));
    expect(() => new swaUtils.SWALR(opt(0.5, 0.1), { swaLr: [0.05, -1] })).toThrow(new RangeError('SWALR: swaLr[1] must be a finite number >= 0, got -1'));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: -1 })).toThrow(new RangeError('SWALR: swaLr must be a finite number >= 0, got -1'));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, annealEpochs: 2.5 })).toThrow(new RangeError('anneal_epochs must be equal or greater than 0, got 2.5'));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, annealEpochs: '3' as never })).toThrow(new RangeError('anneal_epochs must be equal or greater than 0, got 3'));
    expect(() => new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, annealStrategy: 'exp' as never })).toThrow(new RangeError("anneal_strategy must by one of 'cos' or 'linear', instead got exp"));
    expect(() => new swaUtils.SWALR(undefined as never, { swaLr: 0.05 })).toThrow(new TypeError('undefined is not an Optimizer'));
    expect(() => new swaUtils.SWALR({} as never, { swaLr: 0.05 })).toThrow(new TypeError('dict is not an Optimizer'));
  });

  it('takes every option by name', () => {
    const o = opt(0.5);
    const s = new swaUtils.SWALR(o, { swaLr: 0.1, annealEpochs: 2, annealStrategy: 'linear', lastEpoch: -1 });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 3; i++) { o.step(); s.step(); lrs.push(s.getLastLr()[0]); }
    expect(lrs).toEqual([0.5, 0.3, 0.1, 0.1]);
    expect([s.annealEpochs, s.annealStrategy]).toEqual([2, 'linear']);
  });

  it("steps a tensor lr as it steps the same number (PyTorch's SWALR reads group['lr'] as it is)", () => {
    const run = (lr: number | Tensor): number[] => {
      const o = new SGD([zeros([1], { requiresGrad: true })], { lr }) as unknown as Optimizer<object>;
      const s = new swaUtils.SWALR(o, { swaLr: 0.05, annealEpochs: 3 });
      const out = [s.getLastLr()[0]!];
      for (let i = 0; i < 5; i++) { o.step(); s.step(); out.push(s.getLastLr()[0]!); }
      return out.map(Number);
    };
    const numbers = run(0.5);
    expect(numbers.every(Number.isFinite)).toBe(true);
    expect(run(tensor(0.5, { dtype: float64 }))).toEqual(numbers); // float64: the lr written back is the double itself
  });

  it('refuses to step a group whose swa_lr is not a finite number, naming it', () => {
    const o = opt(0.5);
    const s = new swaUtils.SWALR(o, { swaLr: 0.05 });
    (o.paramGroups[0] as Record<string, unknown>)['swaLr'] = Infinity;
    expect(() => s.step()).toThrow(new RangeError('SWALR.step: param_groups[0] has swa_lr Infinity: SWALR writes swa_lr into every group when it is made (a group added with addParamGroup since lacks it)'));
    (o.paramGroups[0] as Record<string, unknown>)['swaLr'] = '0.1';
    expect(() => s.step()).toThrow(new RangeError('SWALR.step: param_groups[0] has swa_lr 0.1: SWALR writes swa_lr into every group when it is made (a group added with addParamGroup since lacks it)'));
  });

  it('its state dict carries the strategy and anneal epochs, which a load applies; PyTorch 1.13\'s anneal_func is accepted and ignored', () => {
    const a = new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, annealEpochs: 4, annealStrategy: 'linear' });
    const sd = a.stateDict() as Record<string, unknown>;
    expect([sd['_anneal_strategy'], sd['anneal_epochs'], 'anneal_func' in sd]).toEqual(['linear', 4, false]);
    const b = new swaUtils.SWALR(opt(0.5), { swaLr: 0.05 });
    b.loadStateDict(JSON.parse(JSON.stringify(sd)) as Record<string, unknown>);
    expect([b.annealStrategy, b.annealEpochs]).toEqual(['linear', 4]);
    b.loadStateDict({ ...JSON.parse(JSON.stringify(sd)) as Record<string, unknown>, anneal_func: 'a bound method' });
    expect([b.annealStrategy, b.annealEpochs]).toEqual(['linear', 4]);
    const { _anneal_strategy: _, ...older } = JSON.parse(JSON.stringify(sd)) as Record<string, unknown>;
    const c = new swaUtils.SWALR(opt(0.5), { swaLr: 0.05, annealEpochs: 9 });
    c.loadStateDict(older);
    expect([c.annealStrategy, c.annealEpochs]).toEqual(['cos', 4]);
    expect(() => c.loadStateDict({ ...older, _anneal_strategy: 'exp' })).toThrow(new RangeError("SWALR.loadStateDict: _anneal_strategy must be one of 'cos', 'linear', got \"exp\""));
    expect(c.annealStrategy).toBe('cos');
  });
});

// Fixtures: scripts/fixtures/swa_utils_fixtures.py (torch.optim.swa_utils.SWALR, its `swalr` list).
interface SwalrCase { name: string; lrs: number[]; options: Record<string, unknown>; setLr: Record<string, number[]>; expected: number[][]; annealEpochs: number }
const swalr = loadFixture<{ swalr: SwalrCase[] }>('swa_utils.json').swalr;

describe("SWALR's lrs equal PyTorch's: defaults, anneal_epochs 0 and 1, an lr set by hand mid-annealing", () => {
  for (const c of swalr) {
    it(c.name, () => {
      const o = new SGD(c.lrs.map((lr) => ({ params: [zeros([1], { requiresGrad: true })], lr })) as never, { lr: 0.1 }) as unknown as Optimizer<object>;
      const s = new swaUtils.SWALR(o, c.options as never);
      expect(s.annealEpochs).toBe(c.annealEpochs);
      const got = [s.getLastLr()];
      for (let k = 0; k < c.expected.length - 1; k++) {
        const set = c.setLr[String(k)];
        if (set) set.forEach((lr, i) => ((o.paramGroups[i] as Record<string, unknown>)['lr'] = lr));
        o.step();
        s.step();
        got.push(s.getLastLr());
        expect(o.paramGroups.map((g) => (g as Record<string, unknown>)['lr'])).toEqual(got[got.length - 1]);
      }
      // linear: bit for bit; cos: V8's Math.PI * t through libm.ts's cos against glibc's, up to 2 ulp (as lr-scheduler.test.ts)
      const tol = (c.options['annealStrategy'] ?? 'cos') === 'cos' ? 2 : 0;
      got.forEach((lrs, k) => lrs.forEach((lr, i) => {
        if (ulps(lr, c.expected[k]![i]!) > tol) expect.fail(`step ${k}, group ${i}: ${lr}, PyTorch ${c.expected[k]![i]}`);
      }));
    });
  }

  it("takes anneal_epochs 10 and 'cos' when they are left out, as PyTorch", () => {
    const s = new swaUtils.SWALR(new SGD([zeros([1], { requiresGrad: true })], { lr: 0.5 }) as unknown as Optimizer<object>, { swaLr: 0.05 });
    expect([s.annealEpochs, s.annealStrategy, s.lastEpoch]).toEqual([10, 'cos', 0]);
  });

  it('getLr() outside step() warns to use getLastLr(), inside it does not', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const o = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.5 }) as unknown as Optimizer<object>;
      const s = new swaUtils.SWALR(o, { swaLr: 0.05, annealEpochs: 2, annealStrategy: 'linear' });
      for (let k = 0; k < 2; k++) { o.step(); s.step(); }
      expect(warn).not.toHaveBeenCalled();
      expect(s.getLr()).toEqual([0.05]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
    } finally {
      warn.mockRestore();
    }
  });
});
