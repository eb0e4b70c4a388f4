import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Tensor, tensor, zeros, randn, manualSeed, grad as autogradGrad, ones } from '@tensile/tensor';
import {
  ASGD, Adadelta, Adagrad, Adam, AdamW, Adamax, NAdam, RAdam, RMSprop, Rprop, SGD, registerOptimizerStepPreHook, registerOptimizerStepPostHook, type Optimizer, type OptimizerStateDict,
} from '@tensile/optim';
import { expectBits } from './helpers.js';
import { expectArraysEqual } from '../../tensor/test/helpers/arrays.js';

const leaf = (data: number[], shape?: number[]): Tensor => tensor(data, { requiresGrad: true, ...(shape ? { shape } : {}) });
const snap = (ps: Tensor[]): number[][] => ps.map((p) => Array.from(p.toFloat32Array()));
/** Parameter by parameter, exactly equal values; a mismatch names the parameter and its first differing element. */
const expectSameParams = (got: number[][], want: number[][], label: string): void => {
  expect(got.length, `${label}: number of parameters`).toBe(want.length);
  got.forEach((g, i) => expectArraysEqual(g, want[i]!, `${label}: parameter ${i}`));
};

/** Runs `steps` seeded steps on fresh params; returns params and optimizer. */
function train(make: (ps: Tensor[]) => Optimizer<object>, steps: number, seed = 0, from?: { ps: number[][]; sd: OptimizerStateDict; skip: number }) {
  manualSeed(seed);
  const shapes = [[3], [2, 3], [5]];
  const init = shapes.map((s) => randn(s));
  const grads = Array.from({ length: steps }, () => shapes.map((s) => randn(s)));
  const ps = from ? from.ps.map((d, i) => tensor(d, { shape: shapes[i]!, requiresGrad: true })) : init.map((t) => t.detach().clone().requiresGrad_());
  const opt = make(ps);
  if (from) opt.loadStateDict(from.sd);
  for (let k = from?.skip ?? 0; k < steps; k++) {
    ps.forEach((p, i) => (p.grad = k % 4 === 3 && i === 1 ? null : grads[k]![i]!));
    opt.step();
  }
  return { ps, opt };
}

describe('constructor and option validation (error table; PyTorch wording)', () => {
  const p = (): Tensor => leaf([1, 2]);
  const cases: [string, () => unknown, ErrorConstructor, string][] = [
    ['negative lr', () => new ASGD([p()], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
    ['NaN lr', () => new ASGD([p()], { lr: NaN }), RangeError, 'Invalid learning rate: nan'],
    ['2-element tensor lr', () => new ASGD([p()], { lr: tensor([0.001, 0.001]) }), RangeError, 'Tensor lr must be 1-element'],
    ['negative tensor lr', () => new ASGD([p()], { lr: tensor(-0.5) }), RangeError, 'Invalid learning rate: -0.5'],
    ['negative weight decay', () => new ASGD([p()], { lr: 1e-2, weightDecay: -0.5 }), RangeError, 'Invalid weight_decay value: -0.5'],
    ['NaN weight decay', () => new ASGD([p()], { weightDecay: NaN }), RangeError, 'Invalid weight_decay value: nan'],
    ['negative lambd (beyond PyTorch)', () => new ASGD([p()], { lambd: -1 }), RangeError, 'Invalid lambd value: -1'],
    ['NaN alpha (beyond PyTorch)', () => new ASGD([p()], { alpha: NaN }), RangeError, 'Invalid alpha value: nan'],
    ['infinite t0 (beyond PyTorch)', () => new ASGD([p()], { t0: Infinity }), RangeError, 'Invalid t0 value: inf'],
    ['negative t0 (beyond PyTorch)', () => new ASGD([p()], { t0: -1 }), RangeError, 'Invalid t0 value: -1'],
    ['unknown option', () => new ASGD([p()], { weight_decay: 0.1 } as never), TypeError, "ASGD: unknown option 'weight_decay'"],
    ['a bare tensor as params', () => new ASGD(p() as never), TypeError, 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor'],
    ['empty params', () => new ASGD([]), RangeError, 'optimizer got an empty parameter list'],
    ['a param twice across groups', () => { const q = p(); return new ASGD([{ params: [q] }, { params: [q] }]); }, RangeError, 'some parameters appear in more than one parameter group'],
    ['a non-leaf tensor', () => new ASGD([p().mul(2)]), RangeError, "can't optimize a non-leaf Tensor"],
    ['a number as a param', () => new ASGD([1 as never]), TypeError, 'optimizer can only optimize Tensors, but one of the params is int'],
    ['a set as group params', () => new ASGD([{ params: new Set([p()]) as never }]), TypeError, 'optimizer parameters need to be organized in ordered collections'],
    ['named and unnamed mixed', () => new ASGD([['weight', p()], p()] as never), RangeError, 'all optimizer params should be with/without names. Some param names are missing'],
    ['named group after unnamed', () => new ASGD([{ params: [p()], lr: 1e-2 }, { params: [['weight', p()] as const] }]), RangeError, 'all optimizer param groups should be with/without names. cannot add param group with names to the optimizer'],
    ['a group with a bad lr', () => new ASGD([{ params: [p()], lr: -2 }]), RangeError, 'Invalid learning rate: -2'],
    ['SGD negative momentum', () => new SGD([p()], { momentum: -0.1 }), RangeError, 'Invalid momentum value: -0.1'],
    ['SGD nesterov without momentum', () => new SGD([p()], { nesterov: true }), RangeError, 'Nesterov momentum requires a momentum and zero dampening'],
    ['SGD negative lr', () => new SGD([p()], { lr: -0.1 }), RangeError, 'Invalid learning rate: -0.1'],
  ];
  it.each(cases)('%s', (_name, fn, type, message) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
  });

  it('warns (PyTorch: UserWarning) on a duplicate param within a group, and keeps it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const q = leaf([1]);
    const opt = new ASGD([q, q]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('a parameter group with duplicate parameters'));
    expect(opt.paramGroups[0]!.params).toHaveLength(2);
    warn.mockRestore();
  });

  it('a failed addParamGroup leaves the groups as they were', () => {
    const q = leaf([1]);
    const opt = new ASGD([q]);
    expect(() => opt.addParamGroup({ params: [q] })).toThrow('some parameters appear in more than one parameter group');
    expect(opt.paramGroups).toHaveLength(1);
  });
});

describe('step', () => {
  it('a step that fails validation changes neither params nor state', () => {
    const a = leaf([1, 2]), b = leaf([3, 4, 5]);
    const opt = new ASGD([a, b], { t0: 0 });
    a.grad = tensor([0.1, 0.2]); b.grad = tensor([1, 1, 1]);
    opt.step();
    const before = { ps: snap([a, b]), sd: JSON.stringify(opt.stateDict().state, (_k, v) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v)) };
    // The grad setter refuses a wrong shape; code that bypasses it is caught by the step.
    b._setGradUnchecked(tensor([1, 1]));
    expect(() => opt.step()).toThrow('ASGD.step: grad of shape [2] does not match its parameter of shape [3]');
    expect(snap([a, b])).toEqual(before.ps);
    expect(JSON.stringify(opt.stateDict().state, (_k, v) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v))).toBe(before.sd);
  });

  it('a later group that cannot step stops the step before the first group moves', () => {
    const a = leaf([1, 2]), b = leaf([3]);
    const opt = new ASGD([{ params: [a] }, { params: [b], differentiable: true, foreach: true }]);
    a.grad = ones([2]); b.grad = ones([1]);
    expect(() => opt.step()).toThrow("_foreach ops don't support autograd");
    expect(snap([a, b])).toEqual([[1, 2], [3]]);
    expect(opt.state.size).toBe(0);
  });

  it('calls the closure once with grad enabled, before the update, and returns its value', () => {
    const w = leaf([1, 2]);
    const opt = new SGD([w], { lr: 0.5 });
    const seen: number[][] = [];
    const loss = opt.step(() => {
      seen.push(Array.from(w.toFloat32Array()));
      const l = w.mul(w).sum();
      l.backward();
      return l.item();
    });
    expect(loss).toBe(5);
    expect(seen).toEqual([[1, 2]]);
    expectBits(w.toFloat32Array(), [0, 0], 'w after one step of lr 0.5 on w^2');
  });

  it('skips params without grad, and zero grads still decay (ASGD)', () => {
    const a = leaf([1]), b = leaf([1]);
    const opt = new ASGD([a, b], { lr: 0.5, lambd: 0.1 });
    a.grad = zeros([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.95, 6);
    expect(b.item()).toBe(1);
    expect(opt.state.has(b)).toBe(false);
  });

  it('an lr change acts one step late, through eta (as PyTorch)', () => {
    const w = leaf([1]);
    const opt = new ASGD([w], { lr: 0.1, lambd: 0 });
    w.grad = ones([1]);
    opt.step(); // w = 0.9
    opt.paramGroups[0]!.lr = 0;
    opt.step(); // still moves by the eta computed with lr 0.1
    expect(w.item()).toBeCloseTo(0.8, 6);
    opt.step(); // now frozen
    expect(w.item()).toBeCloseTo(0.8, 6);
  });

  it('a 0-d tensor lr initialises eta from its float32 value', () => {
    const w = leaf([1]);
    const opt = new ASGD([w], { lr: tensor(0.01) });
    w.grad = ones([1]);
    opt.step();
    expect(opt.state.get(w)!['eta']).toBeTypeOf('number');
    expect(opt.stateDict().state[0]!['step']).toBe(1);
  });
});

describe('hooks', () => {
  it('run in PyTorch order: global pre, pre, step, post, global post; handles remove them', () => {
    const w = leaf([1]);
    const opt = new SGD([w], { lr: 0.1 });
    const log: string[] = [];
    const h1 = registerOptimizerStepPreHook(() => void log.push('global pre'));
    const h2 = opt.registerStepPreHook(() => void log.push('pre'));
    const h3 = opt.registerStepPostHook(() => void log.push(`post w=${w.item().toFixed(2)}`));
    const h4 = registerOptimizerStepPostHook(() => void log.push('global post'));
    w.grad = ones([1]);
    opt.step();
    expect(log).toEqual(['global pre', 'pre', 'post w=0.90', 'global post']);
    expect([h1.id < h2.id, h2.id < h3.id, h3.id < h4.id]).toEqual([true, true, true]);
    for (const h of [h1, h2, h3, h4]) { h.remove(); h.remove(); }
    opt.step();
    expect(log).toHaveLength(4);
  });

  it('`using` removes a hook at the end of the scope', () => {
    const w = leaf([1]);
    const opt = new SGD([w]);
    let calls = 0;
    {
      using _h = opt.registerStepPreHook(() => void calls++);
      opt.step();
    }
    opt.step();
    expect(calls).toBe(1);
  });

  it('a pre-hook may replace (args, kwargs); anything else is rejected with PyTorch\'s message', () => {
    const w = leaf([1]);
    const opt = new SGD([w]);
    opt.registerStepPreHook((o) => [[o], { closure: () => 42 }]);
    expect(opt.step()).toBe(42);
    const bad = new SGD([leaf([1])]);
    bad.registerStepPreHook(() => 5 as never);
    expect(() => bad.step()).toThrow('<function SGD.step> must return None or a tuple of (new_args, new_kwargs), but got 5.');
    const extra = new SGD([leaf([1])]);
    extra.registerStepPreHook((o) => [[o], { extra: 1 }]);
    expect(() => extra.step()).toThrow("SGD.step() got an unexpected keyword argument 'extra'");
  });

  it('state-dict hooks honour prepend and replacement', () => {
    const w = leaf([1]);
    const opt = new ASGD([w]);
    const log: string[] = [];
    opt.registerStateDictPreHook(() => void log.push('pre1'));
    opt.registerStateDictPreHook(() => void log.push('pre2'), true);
    opt.registerStateDictPostHook((_o, sd) => { log.push('post1'); return { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, tag: 'post1' })) }; });
    opt.registerStateDictPostHook((_o, sd) => { log.push('post2'); return { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, lr: 0.5 })) }; }, true);
    const sd = opt.stateDict();
    expect(log).toEqual(['pre2', 'pre1', 'post2', 'post1']);
    expect(sd.param_groups[0]).toMatchObject({ lr: 0.5, tag: 'post1' });
  });

  it('hooks of one kind run in registration order; only prepend puts one first', () => {
    const opt = new ASGD([leaf([1])]);
    const log: string[] = [];
    for (const name of ['a', 'b', 'c']) opt.registerStepPreHook(() => void log.push(`step ${name}`));
    opt.registerStateDictPreHook(() => void log.push('sd 1'));
    opt.registerStateDictPreHook(() => void log.push('sd 2'));
    opt.registerStateDictPreHook(() => void log.push('sd 3'), true);
    opt.registerStateDictPreHook(() => void log.push('sd 4'), false);
    opt.step();
    opt.stateDict();
    expect(log).toEqual(['step a', 'step b', 'step c', 'sd 3', 'sd 1', 'sd 2', 'sd 4']);
  });

  it('refuses a hook that is not a function, naming what it got', () => {
    const opt = new ASGD([leaf([1])]);
    expect(() => opt.registerStepPreHook(5 as never)).toThrow(new TypeError('register hook: hook must be a function, got number'));
    expect(() => opt.registerStateDictPostHook('f' as never, true)).toThrow(new TypeError('register hook: hook must be a function, got string'));
  });

  it('load hooks: pre may replace the dict (prepended runs first), post runs after', () => {
    const w = leaf([1]);
    const opt = new ASGD([w], { lr: 0.001 });
    const sd = opt.stateDict();
    const log: string[] = [];
    opt.registerLoadStateDictPreHook((_o, d) => { log.push('hook1'); d.param_groups[0]!['lr'] = 0.002; });
    opt.registerLoadStateDictPreHook((_o, d) => { log.push('hook2'); return { ...d, param_groups: d.param_groups.map((g) => ({ ...g, lr: 0.003 })) }; }, true);
    opt.registerLoadStateDictPostHook(() => void log.push('post'));
    opt.loadStateDict(sd);
    expect(log).toEqual(['hook2', 'hook1', 'post']);
    expect(opt.paramGroups[0]!.lr).toBe(0.002);
  });
});

describe('stateDict / loadStateDict', () => {
  it('stateDict is a snapshot: later steps do not change it', () => {
    const w = leaf([1, 2]);
    const opt = new ASGD([w], { t0: 0 });
    w.grad = ones([2]);
    opt.step();
    const sd = opt.stateDict();
    const ax = Array.from((sd.state[0]!['ax'] as Tensor).toFloat32Array());
    opt.step();
    expect(sd.state[0]!['step']).toBe(1);
    expect(Array.from((sd.state[0]!['ax'] as Tensor).toFloat32Array())).toEqual(ax);
  });

  it('loadStateDict copies: stepping one optimizer never moves the other (PyTorch #196083)', () => {
    const a = leaf([1, 2]), b = leaf([1, 2]);
    const o1 = new ASGD([a], { t0: 0 }), o2 = new ASGD([b], { t0: 0 });
    a.grad = ones([2]); b.grad = ones([2]);
    o1.step();
    const sd = o1.stateDict();
    o2.loadStateDict(sd);
    o2.step(); o2.step();
    expect(o1.stateDict().state[0]!['step']).toBe(1);
    expect(sd.state[0]!['step']).toBe(1);
  });

  it('named params put param_names first in each group, params last', () => {
    const opt = new ASGD([['weight', leaf([1])], ['bias', leaf([2])]]);
    expect(Object.keys(opt.stateDict().param_groups[0]!)).toEqual(['param_names', 'lr', 'lambd', 'alpha', 't0', 'weight_decay', 'foreach', 'maximize', 'differentiable', 'capturable', 'params']);
    expect(opt.stateDict().param_groups[0]!['param_names']).toEqual(['weight', 'bias']);
  });

  const make = (): { opt: ASGD; ps: Tensor[] } => {
    const ps = [leaf([1, 2]), leaf([3])];
    const opt = new ASGD([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.1 }], { t0: 0 });
    ps.forEach((p) => (p.grad = ones(p.shape as number[])));
    opt.step();
    return { opt, ps };
  };
  const good = (): OptimizerStateDict => make().opt.stateDict();
  const bad: [string, (sd: OptimizerStateDict) => unknown, string][] = [
    ['a missing group', (sd) => ({ ...sd, param_groups: sd.param_groups.slice(1) }), 'loaded state dict has a different number of parameter groups'],
    ['a group of another size', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [0, 5] }, sd.param_groups[1]] }), "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"],
    ['no param_groups', (sd) => ({ state: sd.state }), "loadStateDict: state dict has no 'param_groups' list"],
    ['an unknown state key', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], foo: 1 } } }), "loadStateDict: state[0] has an unknown key 'foo'"],
    ['a missing state key', (sd) => ({ ...sd, state: { ...sd.state, 0: { step: 1, eta: 0.01, ax: zeros([2]) } } }), "loadStateDict: state[0] is missing 'mu'"],
    ['an ax of the wrong shape', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], ax: zeros([3]) } } }), 'loadStateDict: state[0].ax has shape [3] but its parameter has shape [2]'],
    ['a NaN eta', (sd) => ({ ...sd, state: { ...sd.state, 1: { ...sd.state[1], eta: NaN } } }), 'loadStateDict: state[1].eta must be a finite number, got NaN'],
    ['state for an unknown index', (sd) => ({ ...sd, state: { ...sd.state, 7: sd.state[0] } }), 'loadStateDict: state has an entry for parameter 7, which is in no param group'],
    ['a saved group with a negative lr', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], lr: -1 }, sd.param_groups[1]] }), 'loadStateDict: param_groups[0]: Invalid learning rate: -1'],
  ];
  it.each(bad)('rejects %s and changes nothing', (_name, corrupt, message) => {
    const { opt, ps } = make();
    const before = JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v));
    const groupsBefore = opt.paramGroups;
    const paramsBefore = snap(ps);
    expect(() => opt.loadStateDict(corrupt(good()) as OptimizerStateDict)).toThrow(message);
    expect(snap(ps)).toEqual(paramsBefore);
    expect(JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v))).toBe(before);
    expect(opt.paramGroups).toBe(groupsBefore);
  });

  it('accepts 0-d tensors for step/eta/mu (PyTorch\'s own format) and fills missing flags from defaults', () => {
    const { opt } = make();
    const sd = opt.stateDict();
    const s0 = sd.state[0]!;
    const pyStyle: OptimizerStateDict = {
      state: { ...sd.state, 0: { step: tensor(s0['step'] as number), eta: tensor(s0['eta'] as number), mu: tensor(s0['mu'] as number), ax: s0['ax'] } },
      param_groups: sd.param_groups.map(({ foreach: _f, maximize: _m, differentiable: _d, capturable: _c, ...g }) => g),
    };
    const { opt: other } = make();
    other.loadStateDict(pyStyle);
    expect(other.paramGroups[0]!.maximize).toBe(false);
    expect(other.stateDict().state[0]!['step']).toBe(1);
  });
});

describe('option table: every flag combination', () => {
  const combos: Record<string, unknown>[] = [];
  for (const weightDecay of [0, 0.1]) for (const maximize of [false, true]) for (const t0 of [0, 3, 1e6]) for (const lambd of [1e-4, 0.1]) {
    combos.push({ lr: 0.05, weightDecay, maximize, t0, lambd });
  }
  combos.push({ lr: tensor(0.02), t0: 2 }, { lr: 0.02, alpha: 0.5, t0: 1 });
  it.each(combos.map((c) => [JSON.stringify(c, (_k, v) => (v instanceof Tensor ? `tensor(${v.item()})` : v)), c] as const))('%s: foreach = for-loop bits; save/load/continue = uninterrupted', (_n, c) => {
    const loop = train((ps) => new ASGD(ps, { ...c, foreach: false } as never) as never, 12);
    const fused = train((ps) => new ASGD(ps, { ...c, foreach: true } as never) as never, 12);
    loop.ps.forEach((p, i) => expectBits(p.toFloat32Array(), Array.from(fused.ps[i]!.toFloat32Array()), `param ${i}`));
    const half = train((ps) => new ASGD(ps, c as never) as never, 6);
    const resumed = train((ps) => new ASGD(ps, c as never) as never, 12, 0, { ps: snap(half.ps), sd: half.opt.stateDict(), skip: 6 });
    resumed.ps.forEach((p, i) => expectBits(p.toFloat32Array(), Array.from(loop.ps[i]!.toFloat32Array()), `resumed param ${i}`));
  });
  for (const c of [{ momentum: 0 }, { momentum: 0.9 }, { momentum: 0.9, nesterov: true }, { momentum: 0.5, dampening: 0.3, weightDecay: 0.1, maximize: true }]) {
    it(`SGD ${JSON.stringify(c)}: save/load/continue = uninterrupted`, () => {
      const full = train((ps) => new SGD(ps, { lr: 0.05, ...c }) as never, 10);
      const half = train((ps) => new SGD(ps, { lr: 0.05, ...c }) as never, 5);
      const resumed = train((ps) => new SGD(ps, { lr: 0.05, ...c }) as never, 10, 0, { ps: snap(half.ps), sd: half.opt.stateDict(), skip: 5 });
      resumed.ps.forEach((p, i) => expectBits(p.toFloat32Array(), Array.from(full.ps[i]!.toFloat32Array()), `param ${i}`));
    });
  }
});

describe('zeroGrad', () => {
  it('sets grads to null by default, or zeroes them in place', () => {
    const w = leaf([1, 2]);
    const opt = new SGD([w]);
    w.sum().backward();
    const g = w.grad!;
    opt.zeroGrad(false);
    expect(w.grad).toBe(g);
    expect(Array.from(g.toFloat32Array())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });
});

describe('toString', () => {
  it("prints PyTorch's default ASGD repr exactly", () => {
    expect(String(new ASGD([leaf([1])]))).toBe(
      'ASGD (\nParameter Group 0\n    alpha: 0.75\n    capturable: False\n    differentiable: False\n    foreach: None\n    lambd: 0.0001\n    lr: 0.01\n    maximize: False\n    t0: 1000000.0\n    weight_decay: 0\n)',
    );
  });
  it("prints int options as Python ints, as PyTorch 1.13 prints Adam's weight_decay, RMSprop's momentum and weight_decay, Adagrad's lr_decay, weight_decay and initial_accumulator_value, Adamax's, Adadelta's, NAdam's and RAdam's weight_decay, SGD's momentum, dampening and weight_decay", () => {
    const w = leaf([1]);
    expect(String(new Adam([w]))).toContain('\n    weight_decay: 0\n');
    const rms = String(new RMSprop([w]));
    expect(rms).toContain('\n    momentum: 0\n');
    expect(rms).toContain('\n    weight_decay: 0\n');
    expect(String(new Adam([w], { weightDecay: 0.5 }))).toContain('\n    weight_decay: 0.5\n');
    const ada = String(new Adagrad([w]));
    for (const line of ['initial_accumulator_value: 0', 'lr_decay: 0', 'weight_decay: 0']) expect(ada).toContain(`\n    ${line}\n`);
    expect(String(new Adamax([w]))).toContain('\n    weight_decay: 0\n');
    expect(String(new Adadelta([w]))).toContain('\n    weight_decay: 0\n');
    expect(String(new NAdam([w]))).toContain('\n    weight_decay: 0\n');
    expect(String(new RAdam([w]))).toContain('\n    weight_decay: 0\n');
    // SGD(lr=0.1) on 1.13: dampening: 0, momentum: 0, weight_decay: 0
    const sgd = String(new SGD([w], { lr: 0.1 }));
    for (const line of ['dampening: 0', 'momentum: 0', 'weight_decay: 0']) expect(sgd).toContain(`\n    ${line}\n`);
  });
  it("prints pair options as tuples, as PyTorch 1.13 prints its tuple defaults; Rprop's step_sizes with an int maximum", () => {
    // repr(torch.optim.X([p])) on 1.13: betas: (0.9, 0.999); etas: (0.5, 1.2); step_sizes: (1e-06, 50);
    // Rprop(step_sizes=(1e-3, 2)): (0.001, 2); Adam(betas=(0.0, 0.5)): (0.0, 0.5)
    const w = leaf([1]);
    for (const opt of [new Adam([w]), new AdamW([w]), new Adamax([w]), new NAdam([w]), new RAdam([w])]) expect(String(opt)).toContain('\n    betas: (0.9, 0.999)\n');
    const rprop = String(new Rprop([w]));
    expect(rprop).toContain('\n    etas: (0.5, 1.2)\n');
    expect(rprop).toContain('\n    step_sizes: (1e-06, 50)\n');
    expect(String(new Rprop([w], { stepSizes: [1e-3, 2] }))).toContain('\n    step_sizes: (0.001, 2)\n');
    expect(String(new Adam([w], { betas: [0, 0.5] }))).toContain('\n    betas: (0.0, 0.5)\n');
    // a list put in a group by hand prints as a Python tuple too: one element with its comma, strings quoted, none empty
    const opt = new SGD([w]);
    const g = opt.paramGroups[0] as unknown as Record<string, unknown>;
    Object.assign(g, { one: [1], words: ['a', null, true], none: [] });
    const s = String(opt);
    for (const line of ['one: (1.0,)', "words: ('a', None, True)", 'none: ()']) expect(s).toContain(`\n    ${line}\n`);
  });
  it("prints a float option as Python's str(float): exponent from 1e16 and below 1e-4, two exponent digits at least, -0.0, nan, inf", () => {
    // [value, str(value)] from /usr/bin/python3 (str(float), as Optimizer.__repr__ prints a group's values)
    const table: [number, string][] = [
      [1e-5, '1e-05'], [1e-4, '0.0001'], [9e-5, '9e-05'], [0.00012345, '0.00012345'], [1e-7, '1e-07'], [1.5e-7, '1.5e-07'],
      [1.2345e-10, '1.2345e-10'], [-2.5e-5, '-2.5e-05'], [1e-100, '1e-100'], [5e-324, '5e-324'], [0.1 + 0.2, '0.30000000000000004'],
      [1e15, '1000000000000000.0'], [123456789012345.6, '123456789012345.6'], [9.999999999999999e15, '1e+16'], [1e16, '1e+16'],
      [2.5e16, '2.5e+16'], [1e21, '1e+21'], [1e22, '1e+22'], [1e100, '1e+100'], [1.7976931348623157e308, '1.7976931348623157e+308'],
      [3, '3.0'], [-7, '-7.0'], [0, '0.0'], [-0, '-0.0'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    ];
    const opt = new SGD([leaf([1])]);
    for (const [v, py] of table) {
      opt.paramGroups[0]!.lr = v;
      expect(String(opt), String(v)).toContain(`\n    lr: ${py}\n`);
    }
  });
  it("prints None, True, a string and a tensor as PyTorch 1.13's repr does (a 0-d tensor as its float, another as its repr)", () => {
    // SGD([p], lr=torch.tensor(0.01)) on 1.13: lr: 0.009999999776482582; with lr = tensor([0.01, 0.5]), extra = None,
    // flag = True, name = 'strong_wolfe' put in the group: lr: tensor([0.0100, 0.5000]), extra: None, flag: True, name: strong_wolfe
    const opt = new SGD([leaf([1])], { lr: tensor(0.01) as never });
    expect(String(opt)).toContain('\n    lr: 0.009999999776482582\n');
    Object.assign(opt.paramGroups[0] as unknown as Record<string, unknown>, { lr: tensor([0.01, 0.5]), extra: null, flag: true, name: 'strong_wolfe' });
    const s = String(opt);
    for (const line of ['lr: tensor([0.0100, 0.5000])', 'extra: None', 'flag: True', 'name: strong_wolfe', 'foreach: None', 'maximize: False']) expect(s).toContain(`\n    ${line}\n`);
  });
  it('separates groups with an empty line and formats floats like Python', () => {
    const s = String(new ASGD([{ params: [leaf([1])] }, { params: [leaf([2])], lr: 1e-5, weightDecay: 0.5 }]));
    expect(s).toContain('weight_decay: 0\n\nParameter Group 1\n');
    expect(s).toContain('    lr: 1e-05\n');
    expect(s).toContain('    weight_decay: 0.5\n');
  });
});

describe('averaged parameters', () => {
  it('swapAveraged exchanges params with ax; twice restores', () => {
    const w = leaf([1, 2]);
    const opt = new ASGD([w], { t0: 0, lr: 0.1 });
    for (let k = 0; k < 5; k++) { w.grad = tensor([k, -k]); opt.step(); }
    const live = Array.from(w.toFloat32Array());
    const ax = Array.from((opt.state.get(w)!['ax'] as Tensor).toFloat32Array());
    opt.swapAveraged();
    expect(Array.from(w.toFloat32Array())).toEqual(ax);
    opt.swapAveraged();
    expect(Array.from(w.toFloat32Array())).toEqual(live);
  });
  it('withAveraged restores the live params when fn throws or its promise rejects', async () => {
    const w = leaf([1, 2]);
    const opt = new ASGD([w], { t0: 0, lr: 0.1 });
    for (let k = 0; k < 3; k++) { w.grad = tensor([1, -1]); opt.step(); }
    const live = Array.from(w.toFloat32Array());
    expect(() => opt.withAveraged(() => { throw new Error('boom'); })).toThrow('boom');
    expect(Array.from(w.toFloat32Array())).toEqual(live);
    await expect(opt.withAveraged(async () => { throw new Error('later'); })).rejects.toThrow('later');
    expect(Array.from(w.toFloat32Array())).toEqual(live);
    const seen = opt.withAveraged(() => Array.from(w.toFloat32Array()));
    expect(seen).toEqual(Array.from((opt.state.get(w)!['ax'] as Tensor).toFloat32Array()));
  });
});

describe('differentiable ASGD', () => {
  it('gives gradients through the update: d p_new/d p = 1 - lambd*eta, d p_new/d grad = -eta', () => {
    const base = tensor([0.5, -1.5], { requiresGrad: true });
    const g = tensor([0.3, 0.7], { requiresGrad: true });
    const p = base.mul(1); // a non-leaf parameter
    const opt = new ASGD([p], { lr: 0.9, lambd: 1e-4, differentiable: true });
    p.grad = g;
    opt.step();
    const [dp, dg] = autogradGrad(p.sum(), [base, g]);
    const eta = Math.fround(0.9);
    Array.from(dp!.toFloat32Array()).forEach((v) => expect(v).toBeCloseTo(Math.fround(1 - 1e-4 * eta), 6));
    Array.from(dg!.toFloat32Array()).forEach((v) => expect(v).toBeCloseTo(-eta, 6));
  });
  it('matches the non-differentiable path numerically', () => {
    const a = train((ps) => new ASGD(ps, { t0: 2, weightDecay: 0.1 }) as never, 8);
    manualSeed(0);
    const shapes = [[3], [2, 3], [5]];
    const init = shapes.map((s) => randn(s));
    const grads = Array.from({ length: 8 }, () => shapes.map((s) => randn(s)));
    const ps = init.map((t) => t.detach().clone().requiresGrad_().mul(1));
    const opt = new ASGD(ps, { t0: 2, weightDecay: 0.1, differentiable: true });
    for (let k = 0; k < 8; k++) { ps.forEach((p, i) => (p.grad = k % 4 === 3 && i === 1 ? null : grads[k]![i]!)); opt.step(); }
    ps.forEach((p, i) => Array.from(p.toFloat32Array()).forEach((v, j) => expect(v).toBeCloseTo(a.ps[i]!.toFloat32Array()[j]!, 5)));
  });
});

describe('properties (fast-check): for random shapes, options and step counts, foreach = for-loop and resume = uninterrupted', () => {
  const shapesArb = fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }), { minLength: 1, maxLength: 3 });
  const lr = fc.double({ min: 0, max: 0.5, noNaN: true });
  const asgdArb = fc.record({ lr, lambd: fc.double({ min: 0, max: 0.5, noNaN: true }), alpha: fc.double({ min: 0, max: 1, noNaN: true }), t0: fc.integer({ min: 0, max: 6 }), weightDecay: fc.constantFrom(0, 0.05), maximize: fc.boolean() });
  const sgdArb = fc.record({ lr, momentum: fc.constantFrom(0, 0.5, 0.9), weightDecay: fc.constantFrom(0, 0.05), maximize: fc.boolean(), nesterov: fc.boolean() })
    .map((o) => ({ ...o, nesterov: o.nesterov && o.momentum > 0 }));
  const cases = [
    ['ASGD', asgdArb, (ps: Tensor[], o: object) => new ASGD(ps, o)],
    ['SGD', sgdArb, (ps: Tensor[], o: object) => new SGD(ps, o)],
  ] as const;
  for (const [name, optionsArb, make] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(shapesArb, optionsArb as fc.Arbitrary<object>, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 1000 }), (shapes, options, steps, seed) => {
          manualSeed(seed);
          const init = shapes.map((s) => randn(s));
          const grads = Array.from({ length: steps }, () => shapes.map((s) => randn(s)));
          const run = (foreach: boolean, split?: number): number[][] => {
            let ps = init.map((t) => t.detach().clone().requiresGrad_());
            let opt: Optimizer<object> = make(ps, { ...options, foreach }) as unknown as Optimizer<object>;
            for (let k = 0; k < steps; k++) {
              if (k === split) {
                const sd = opt.stateDict();
                ps = ps.map((p) => p.detach().clone().requiresGrad_());
                opt = make(ps, { ...options, foreach }) as unknown as Optimizer<object>;
                opt.loadStateDict(sd);
              }
              ps.forEach((p, i) => (p.grad = grads[k]![i]!));
              opt.step();
            }
            return snap(ps);
          };
          const ref = run(false);
          expectSameParams(run(true), ref, 'foreach');
          expectSameParams(run(false, Math.floor(steps / 2)), ref, 'resumed');
        }),
        { numRuns: 60 },
      );
    });
  }
});

// Issue 27 (5 December, later): behaviours Stryker's run over optimizer.ts found unpinned.
describe('constructor and addParamGroup: what each kind of input gives', () => {
  const p = (): Tensor => leaf([1, 2]);
  const refused: [string, () => unknown, ErrorConstructor, string][] = [
    ['params that are not iterable (null)', () => new SGD(null as never), TypeError, 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got NoneType'],
    ['params that are not iterable (undefined)', () => new SGD(undefined as never), TypeError, 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got undefined'],
    ['params that are not iterable (a number)', () => new SGD(5 as never), TypeError, 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got int'],
    ['options that are a string', () => new SGD([p()], 'fast' as never), TypeError, 'SGD: options must be an object, got str'],
    ['a string among the params', () => new SGD(['weight'] as never), TypeError, 'optimizer can only optimize Tensors, but one of the params is str'],
    ['a one-element list among the params', () => new SGD([['weight']] as never), TypeError, 'optimizer can only optimize Tensors, but one of the params is list'],
    ['a pair of tensors among the params', () => new SGD([[p(), p()]] as never), TypeError, 'optimizer can only optimize Tensors, but one of the params is list'],
    ['a group without params', () => new SGD([p()]).addParamGroup({ lr: 0.1 } as never), RangeError, "param_group must have a 'params' entry"],
    ['a group whose params are a number', () => new SGD([p()]).addParamGroup({ params: 5 as never }), TypeError, 'optimizer can only optimize Tensors, but one of the params is int'],
    ['a group that is a set', () => new SGD([p()]).addParamGroup(new Set([p()]) as never), TypeError, "param_group must be a dict, but got <class 'set'>"],
    ['an unnamed group after a named one', () => new SGD([['w', p()]]).addParamGroup({ params: [p()] }), RangeError, 'all optimizer param groups should be with/without names. cannot add param group without names to the optimizer'],
    ['a group sharing one of its params with an earlier group', () => { const q = p(); return new SGD([{ params: [q] }, { params: [p(), q] }]); }, RangeError, 'some parameters appear in more than one parameter group'],
  ];
  it.each(refused)('refuses %s, naming it', (_name, fn, type, message) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
  });

  it("an unknown option's message lists every option", () => {
    expect(() => new SGD([p()], { lrr: 1 } as never)).toThrow(
      new TypeError("SGD: unknown option 'lrr' (options: lr, momentum, dampening, weightDecay, nesterov, maximize, foreach, differentiable, fused)"),
    );
  });

  // The types refuse undefined (exactOptionalPropertyTypes); a JavaScript caller can pass it.
  it('an option given as undefined keeps its default, in the options bag and in a group', () => {
    const opt = new ASGD([p()], { lr: undefined, t0: 5 } as never);
    expect(opt.paramGroups[0]!.lr).toBe(0.01);
    expect(opt.paramGroups[0]!.t0).toBe(5);
    opt.addParamGroup({ params: [p()], lr: undefined, lambd: 0.5 } as never);
    expect(opt.paramGroups[1]!.lr).toBe(0.01);
    expect(opt.paramGroups[1]!.lambd).toBe(0.5);
  });

  it("undefined in lr's place keeps the default, and what follows it still applies", () => {
    expect(new SGD([p()], undefined as never, 0.9).paramGroups[0]).toMatchObject({ lr: 0.001, momentum: 0.9 });
    expect(new SGD([p()], undefined as never, { momentum: 0.9 }).paramGroups[0]).toMatchObject({ lr: 0.001, momentum: 0.9 });
  });

  it('a group may give its params as one tensor, named pairs, or a generator; the group holds the tensors', () => {
    const a = p(), b = p(), c = p(), d = p();
    const opt = new SGD([a]);
    opt.addParamGroup({ params: b });
    opt.addParamGroup({ params: (function* () { yield c; yield d; })() });
    expect(opt.paramGroups.map((g) => g.params)).toEqual([[a], [b], [c, d]]);
    expect(opt.paramGroups[1]!.params[0]).toBe(b);
    const named = new SGD([['weight', a], ['bias', b]]);
    expect(named.paramGroups[0]!.params).toEqual([a, b]);
    expect(named.paramGroups[0]!.params[1]).toBe(b);
    expect(named.paramGroups[0]!.paramNames).toEqual(['weight', 'bias']);
    b.grad = tensor([1, 1]);
    opt.step();
    expect(Array.from(b.toFloat32Array())).toEqual([Math.fround(1 - 0.001), Math.fround(2 - 0.001)]);
  });

  it('named groups after named groups are accepted', () => {
    const opt = new SGD([{ params: [['w1', p()] as const] }, { params: [['w2', p()] as const], lr: 0.1 }]);
    opt.addParamGroup({ params: [['w3', p()] as const] });
    expect(opt.paramGroups.map((g) => g.paramNames)).toEqual([['w1'], ['w2'], ['w3']]);
  });

  it('warns only when a group really holds a parameter twice', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      new SGD([p(), p()]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("a non-leaf that retains its grad can be optimized (PyTorch's is_leaf or retains_grad)", () => {
    const base = leaf([1, 2]);
    const y = base.mul(2);
    y.retainGrad();
    const opt = new SGD([y], { lr: 0.5 });
    expect(opt.paramGroups[0]!.params[0]).toBe(y);
  });
});

describe('step: what hooks receive and may return', () => {
  it('a pre-hook gets args [optimizer] and empty kwargs without a closure, [optimizer, closure] with one', () => {
    const opt = new SGD([leaf([1])]);
    const seen: [unknown[], Record<string, unknown>][] = [];
    opt.registerStepPreHook((_o, args, kwargs) => void seen.push([[...args], { ...kwargs }]));
    opt.step();
    const closure = (): number => 1;
    opt.step(closure);
    expect(seen).toEqual([[[opt], {}], [[opt, closure], {}]]);
  });

  const notATuple: [string, (o: unknown) => unknown][] = [
    ['args that are not a list', (o) => [o, {}]],
    ['kwargs that are not a dict', (o) => [[o], 'closure']],
    ['three entries', (o) => [[o], {}, {}]],
    ['a list-like object', (o) => ({ length: 2, 0: [o], 1: {} })],
  ];
  it.each(notATuple)('a pre-hook that returns %s is refused before anything moves', (_name, make) => {
    const w = leaf([1]);
    const opt = new SGD([w], { lr: 0.5 });
    w.grad = ones([1]);
    opt.registerStepPreHook((o) => make(o) as never);
    expect(() => opt.step()).toThrow(/^<function SGD\.step> must return None or a tuple of \(new_args, new_kwargs\), but got /);
    expect(w.item()).toBe(1);
  });

  it('positional arguments from a hook are checked: at most optimizer and closure, and the closure must be a function', () => {
    const w = leaf([1]);
    const three = new SGD([w]);
    three.registerStepPreHook((o) => [[o, () => 0, 1], {}]);
    expect(() => three.step()).toThrow(new TypeError('SGD.step() takes from 1 to 2 positional arguments but 3 were given'));
    const notFn = new SGD([w]);
    notFn.registerStepPreHook((o) => [[o, 5], {}]);
    expect(() => notFn.step()).toThrow(new TypeError('SGD.step: closure must be a function, got int'));
    expect(() => new SGD([w]).step('loss' as never)).toThrow(new TypeError('SGD.step: closure must be a function, got str'));
  });

  it("the grad of a parameter of another rank is refused, with both shapes (the grad setter's check bypassed)", () => {
    const w = leaf([1, 2], [2, 1]);
    const opt = new SGD([w]);
    w._setGradUnchecked(tensor([1, 1]));
    expect(() => opt.step()).toThrow(new RangeError('SGD.step: grad of shape [2] does not match its parameter of shape [2,1]'));
    w._setGradUnchecked(tensor([1, 1], { shape: [1, 2] }));
    expect(() => opt.step()).toThrow(new RangeError('SGD.step: grad of shape [1,2] does not match its parameter of shape [2,1]'));
    expect(Array.from(w.toFloat32Array())).toEqual([1, 2]);
  });

  it('differentiable: a view of a leaf that requires grad is refused as the leaf itself is, before anything moves', () => {
    const base = leaf([1, 2, 3]);
    const other = leaf([4]).mul(1);
    const view = base.narrow(0, 0, 2);
    const opt = new SGD([other, view], { lr: 0.5, differentiable: true });
    other.grad = ones([1]);
    view.grad = ones([2]);
    expect(() => opt.step()).toThrow('SGD.step: a leaf Variable that requires grad is being used in an in-place operation.');
    expect(Array.from(base.toFloat32Array())).toEqual([1, 2, 3]);
    expect(Array.from(other.toFloat32Array())).toEqual([4]);
  });
});

describe('hooks of every kind run in registration order unless prepended', () => {
  it('state-dict post-hooks, load pre-hooks and load post-hooks', () => {
    const opt = new SGD([leaf([1])]);
    const log: string[] = [];
    for (const n of [1, 2]) {
      opt.registerStateDictPostHook(() => void log.push(`sd post ${n}`));
      opt.registerLoadStateDictPreHook(() => void log.push(`load pre ${n}`));
      opt.registerLoadStateDictPostHook(() => void log.push(`load post ${n}`));
    }
    opt.loadStateDict(opt.stateDict());
    expect(log).toEqual(['sd post 1', 'sd post 2', 'load pre 1', 'load pre 2', 'load post 1', 'load post 2']);
  });
});

describe('zeroGrad(false) on grads of every kind', () => {
  it('skips parameters without a grad; a grad that requires grad is zeroed and cut from autograd', () => {
    const a = leaf([1, 2]), b = leaf([3]);
    const opt = new SGD([a, b]);
    const g = tensor([5, 6], { requiresGrad: true });
    a.grad = g;
    opt.zeroGrad(false);
    expect(b.grad).toBeNull();
    expect(a.grad).toBe(g);
    expect(g.requiresGrad).toBe(false);
    expect(Array.from(g.toFloat32Array())).toEqual([0, 0]);
  });
});

describe('stateDict and loadStateDict hooks, names and containers', () => {
  it('a state-dict post-hook that returns nothing keeps the dict (its edits in place stay)', () => {
    const opt = new SGD([leaf([1])], { lr: 0.1 });
    opt.registerStateDictPostHook((_o, sd) => { sd.param_groups[0]!['tag'] = 'seen'; });
    const sd = opt.stateDict();
    expect(sd.param_groups[0]).toMatchObject({ lr: 0.1, tag: 'seen', params: [0] });
  });

  it("a load pre-hook's returned dict is the one loaded", () => {
    const opt = new SGD([leaf([1])], { lr: 0.1 });
    const sd = opt.stateDict();
    opt.registerLoadStateDictPreHook((_o, d) => ({ ...d, param_groups: d.param_groups.map((g) => ({ ...g, lr: 0.3 })) }));
    opt.loadStateDict(sd);
    expect(opt.paramGroups[0]!.lr).toBe(0.3);
  });

  it('a saved group without param_names keeps the live names; saved names win over the live ones', () => {
    const w = leaf([1]), b = leaf([2]);
    const opt = new SGD([['weight', w], ['bias', b]], { lr: 0.1 });
    const unnamed = new SGD([leaf([1]), leaf([2])], { lr: 0.2 }).stateDict();
    opt.loadStateDict(unnamed);
    expect(opt.paramGroups[0]!.paramNames).toEqual(['weight', 'bias']);
    expect(opt.stateDict().param_groups[0]!['param_names']).toEqual(['weight', 'bias']);
    const renamed = new SGD([['w', leaf([1])], ['b', leaf([2])]], { lr: 0.2 }).stateDict();
    opt.loadStateDict(renamed);
    expect(opt.paramGroups[0]!.paramNames).toEqual(['w', 'b']);
    const plain = new SGD([leaf([1])], { lr: 0.1 });
    plain.loadStateDict(new SGD([leaf([1])], { lr: 0.2 }).stateDict());
    expect(Object.hasOwn(plain.paramGroups[0]!, 'paramNames')).toBe(false);
    expect(Object.keys(plain.stateDict().param_groups[0]!)).not.toContain('param_names');
  });

  it('state given as a Map loads like an object (index keys as numbers or strings)', () => {
    const w = leaf([1, 2]);
    const src = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1, -1]);
    src.step();
    const sd = src.stateDict();
    const opt = new SGD([leaf([1, 2])], { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict({ ...sd, state: new Map<unknown, unknown>([[0, sd.state[0]], ['note', 7]]) as never });
    expect(Array.from((opt.stateDict().state[0]!['momentum_buffer'] as Tensor).toFloat32Array())).toEqual([1, -1]);
    expect(opt.state.get('note')).toBe(7);
  });
});

describe('console.log(optimizer)', () => {
  it("prints toString(), as Python prints an optimizer's repr", async () => {
    const { inspect } = await import('node:util');
    const opt = new ASGD([leaf([1])]);
    expect(inspect(opt)).toBe(String(opt));
  });
});
