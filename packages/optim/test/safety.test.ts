import { describe, expect, it } from 'vitest';
import { nn, tensor, manualSeed, randn, Tensor } from '@tensile/tensor';
import { ASGD, Adam, SGD, type OptimizerStateDict } from '../src/index.js';

/** Every parameter and every state value, as bits, to prove "nothing changed". */
function fingerprint(opt: ASGD | SGD | Adam, params: Tensor[]): string {
  const parts: string[] = params.map((p) => Array.from(new Uint32Array(p.toFloat32Array().buffer)).join(','));
  for (const [k, s] of opt.state) {
    if (!(k instanceof Tensor)) {
      parts.push(`${k}=${JSON.stringify(s)}`);
      continue;
    }
    for (const [name, v] of Object.entries(s as Record<string, unknown>)) {
      parts.push(`${name}:${v instanceof Tensor ? Array.from(new Uint32Array(v.toFloat32Array().buffer)).join(',') : String(v)}`);
    }
  }
  return parts.join('|');
}

/**
 * PyTorch's lazy state: an empty per-parameter state loads as empty, and the next step
 * initialises it, leaving parameter and state as a fresh optimizer's first step does.
 */
function expectEmptyStateLoads(make: (p: Tensor) => ASGD | Adam): void {
  const fresh = tensor([1, 2], { requiresGrad: true }), loaded = tensor([1, 2], { requiresGrad: true });
  const a = make(fresh), b = make(loaded);
  b.loadStateDict({ ...b.stateDict(), state: { 0: {} } });
  expect(b.state.get(loaded)).toEqual({});
  fresh.grad = tensor([1, -2]);
  loaded.grad = tensor([1, -2]);
  a.step();
  b.step();
  expect(fingerprint(b, [loaded])).toBe(fingerprint(a, [fresh]));
  expect(b.stateDict().state[0]!['step']).toBe(1);
}

function trained(steps = 5): { model: nn.Linear; opt: ASGD; params: Tensor[]; x: Tensor; y: Tensor } {
  manualSeed(3);
  const model = new nn.Linear(3, 2);
  const params = model.parameters();
  const opt = new ASGD(params, { lr: 0.5, t0: 0 });
  const x = randn([4, 3]), y = randn([4, 2]);
  for (let i = 0; i < steps; i++) stepOnce(model, opt, x, y);
  return { model, opt, params, x, y };
}

function stepOnce(model: nn.Linear, opt: ASGD, x: Tensor, y: Tensor): void {
  opt.zeroGrad();
  model.forward(x).sub(y).square().mean().backward();
  opt.step();
}

describe('ASGD with its averages swapped in refuses what would mix live and averaged weights', () => {
  it('step inside withAveraged throws, says why, and changes nothing', () => {
    const { model, opt, params, x, y } = trained();
    opt.withAveraged(() => {
      model.forward(x).sub(y).square().mean().backward();
      const before = fingerprint(opt, params);
      expect(() => opt.step()).toThrow(/ASGD\.step: the parameters hold their running averages, swapped in inside withAveraged/);
      expect(fingerprint(opt, params)).toBe(before);
    });
  });

  it('the refused step leaves the run bit-identical to one that never tried', () => {
    const a = trained(), b = trained();
    a.opt.withAveraged(() => {
      expect(() => a.opt.step()).toThrow();
    });
    for (let i = 0; i < 3; i++) {
      stepOnce(a.model, a.opt, a.x, a.y);
      stepOnce(b.model, b.opt, b.x, b.y);
    }
    expect(fingerprint(a.opt, a.params)).toBe(fingerprint(b.opt, b.params));
  });

  it('step while an async withAveraged is pending throws; after it settles, stepping works', async () => {
    const { model, opt, params, x, y } = trained();
    let release!: () => void;
    const pending = opt.withAveraged(() => new Promise<void>((r) => { release = r; }));
    const before = fingerprint(opt, params);
    expect(() => stepOnce(model, opt, x, y)).toThrow(/until its promise settles/);
    expect(fingerprint(opt, params)).toBe(before);
    release();
    await pending;
    expect(opt.averagedSwappedIn).toBe(false);
    expect(() => stepOnce(model, opt, x, y)).not.toThrow();
  });

  it('step between two swapAveraged() calls throws and names the way back', () => {
    const { model, opt, params, x, y } = trained();
    opt.swapAveraged();
    expect(opt.averagedSwappedIn).toBe(true);
    const before = fingerprint(opt, params);
    expect(() => stepOnce(model, opt, x, y)).toThrow(/call swapAveraged\(\) again to restore the live parameters first/);
    expect(fingerprint(opt, params)).toBe(before);
    opt.swapAveraged();
    expect(() => stepOnce(model, opt, x, y)).not.toThrow();
  });

  it('the closure does not run when the step is refused', () => {
    const { opt } = trained();
    let ran = false;
    opt.swapAveraged();
    expect(() => opt.step(() => { ran = true; return 0; })).toThrow();
    expect(ran).toBe(false);
  });

  it('stateDict and loadStateDict throw while swapped; zeroGrad and addParamGroup work', () => {
    const { opt, params } = trained();
    const saved = opt.stateDict();
    opt.swapAveraged();
    const before = fingerprint(opt, params);
    expect(() => opt.stateDict()).toThrow(/ASGD\.stateDict: the parameters hold their running averages/);
    expect(() => opt.loadStateDict(saved)).toThrow(/ASGD\.loadStateDict: the parameters hold their running averages/);
    expect(fingerprint(opt, params)).toBe(before);
    opt.zeroGrad();
    const extra = tensor([1, 2], { requiresGrad: true });
    opt.addParamGroup({ params: [extra] });
    opt.swapAveraged();
    expect(Array.from(extra.toFloat32Array())).toEqual([1, 2]);
    expect(() => opt.stateDict()).not.toThrow();
  });

  it('swapAveraged and a nested withAveraged inside withAveraged throw, and the live weights come back', () => {
    const { opt, params } = trained();
    const live = fingerprint(opt, params);
    opt.withAveraged(() => {
      expect(() => opt.swapAveraged()).toThrow(/inside withAveraged/);
      expect(() => opt.withAveraged(() => 0)).toThrow(/already inside withAveraged/);
    });
    expect(fingerprint(opt, params)).toBe(live);
    opt.swapAveraged();
    expect(() => opt.withAveraged(() => 0)).toThrow(/already swapped in by swapAveraged/);
    opt.swapAveraged();
    expect(fingerprint(opt, params)).toBe(live);
  });

  it('withAveraged restores the live weights when fn throws', () => {
    const { opt, params } = trained();
    const live = fingerprint(opt, params);
    expect(() => opt.withAveraged(() => { throw new Error('boom'); })).toThrow('boom');
    expect(opt.averagedSwappedIn).toBe(false);
    expect(fingerprint(opt, params)).toBe(live);
  });
});

describe('state entries that are not parameters (PyTorch keeps them)', () => {
  it("PyTorch's test_state_dict_pre_hook: a pre-hook's optimizer.state['test'] = 1 is in the state dict", () => {
    const p = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    p.grad = tensor([[1, 1, 1], [1, 1, 1]]);
    const opt = new SGD([p], { lr: 0.001 });
    opt.registerStateDictPreHook((o) => { o.state.set('test', 1); });
    expect(opt.stateDict().state['test']).toBe(1);
  });

  it("PyTorch's test_state_dict_pre_post_hook: the post-hook sees the key and may remove it", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.001 });
    opt.registerStateDictPreHook((o) => { o.state.set('test', 1); });
    opt.registerStateDictPostHook((_o, sd) => {
      const out = sd as OptimizerStateDict & { ran_state_dict_pre_hook?: boolean };
      out.ran_state_dict_pre_hook = 'test' in sd.state;
      delete sd.state['test'];
      return out;
    });
    const sd = opt.stateDict() as OptimizerStateDict & { ran_state_dict_pre_hook?: boolean };
    expect(sd.ran_state_dict_pre_hook).toBe(true);
    expect('test' in sd.state).toBe(false);
  });

  it('user entries round-trip through stateDict/loadStateDict as copies, next to parameter state', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new ASGD([p], { lr: 0.1, t0: 0 });
    p.grad = tensor([0.5, -0.5]);
    opt.step();
    const note = { epoch: 3, history: [1, 2], weights: tensor([7, 8]) };
    opt.state.set('note', note);
    opt.state.set('__proto__', 'kept');
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', 'note', '__proto__']);
    expect(Object.getPrototypeOf(sd.state)).toBe(Object.prototype);
    const other = new ASGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1, t0: 0 });
    other.loadStateDict(sd);
    const back = other.state.get('note') as typeof note;
    expect(back.epoch).toBe(3);
    expect(back.history).toEqual([1, 2]);
    expect(Array.from(back.weights.toFloat32Array())).toEqual([7, 8]);
    expect(back.weights).not.toBe(note.weights);
    expect(other.state.get('__proto__')).toBe('kept');
    // The parameter's state is still under its tensor.
    const s = [...other.state.params()][0]![1];
    expect(s!['step']).toBe(1);
  });

  it('a user key that reads as a parameter index is refused when set, so it can never collide', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    for (const key of ['0', '1', '12']) {
      expect(() => opt.state.set(key, 1)).toThrow(`Optimizer.state: key '${key}' reads as parameter index ${key} in a state dict`);
    }
    // Strings that merely look numeric are fine: they are not read as indices.
    for (const key of ['01', '-1', '1.5', ' 1', 'x0']) expect(() => opt.state.set(key, 1)).not.toThrow();
    expect(() => (opt.state as Map<unknown, unknown>).set(0, 1)).toThrow(/keys are parameters \(Tensors\) or strings, got int/);
    expect(() => opt.state.set(p, 5 as unknown as Record<string, unknown>)).toThrow(/the state of a parameter must be an object, got int/);
    const sd = opt.stateDict();
    const other = new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    other.loadStateDict(sd);
    expect(other.state.get('01')).toBe(1);
    expect(other.state.get('-1')).toBe(1);
  });

  it('holes and non-index ids in param_groups are errors, not skipped (found by the fuzz suite)', () => {
    const opt = new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    const sd = opt.stateDict();
    const holey = [...sd.param_groups];
    delete holey[0];
    expect(() => opt.loadStateDict({ ...sd, param_groups: holey })).toThrow("loadStateDict: param_groups[0] must be an object with a 'params' list");
    const ids: unknown[] = [0];
    delete ids[0];
    expect(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], params: ids }] })).toThrow('loadStateDict: param_groups[0].params[0] must be a parameter index (a non-negative integer), got undefined');
    expect(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], params: ['x'] }] })).toThrow('got "x"');
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });

  it('a loaded state dict whose index key names no parameter is still an error', () => {
    const opt = new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    const sd = opt.stateDict();
    expect(() => opt.loadStateDict({ ...sd, state: { 5: { momentum_buffer: null } } })).toThrow(/parameter 5, which is in no param group/);
  });
});

/** An ASGD optimizer after one step, its parameter and its state dict. */
const make = (): { opt: ASGD; p: Tensor; sd: OptimizerStateDict } => {
  const p = tensor([1, 2], { requiresGrad: true });
  const opt = new ASGD([p], { lr: 0.1, t0: 0 });
  p.grad = tensor([0.5, -0.5]);
  opt.step();
  return { opt, p, sd: opt.stateDict() };
};

describe('loadStateDict rejects what can only be corruption, and changes nothing', () => {
  const withState = (sd: OptimizerStateDict, patch: Record<string, unknown>): OptimizerStateDict => ({
    ...sd, state: { 0: { ...(sd.state[0] as Record<string, unknown>), ...patch } },
  });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a negative step', { step: -5 }, /state\[0\]\.step counts steps and must be a non-negative integer, got -5/],
    ['a fractional step', { step: 1.5 }, /state\[0\]\.step counts steps and must be a non-negative integer, got 1\.5/],
    ['an infinite step', { step: Infinity }, /state\[0\]\.step must be a finite number, got Infinity/],
    ['a negative eta', { eta: -0.5 }, /state\[0\]\.eta must be >= 0, got -0\.5$/],
    ['mu of 0', { mu: 0 }, /state\[0\]\.mu must be in \(0, 1\], got 0/],
    ['mu above 1', { mu: 2 }, /state\[0\]\.mu must be in \(0, 1\], got 2/],
    ['a NaN mu', { mu: NaN }, /state\[0\]\.mu must be a finite number, got NaN/],
  ];
  it.each(cases)('%s', (_name, patch, message) => {
    const { opt, p, sd } = make();
    const before = fingerprint(opt, [p]);
    expect(() => opt.loadStateDict(withState(sd, patch))).toThrow(message);
    expect(fingerprint(opt, [p])).toBe(before);
  });

  it('ax holding NaN loads (a diverged run stays inspectable, as in PyTorch)', () => {
    const { opt, sd } = make();
    opt.loadStateDict(withState(sd, { ax: tensor([NaN, 1]) }));
    expect(Number.isNaN((opt.stateDict().state[0]!['ax'] as Tensor).toFloat32Array()[0]!)).toBe(true);
  });

  it('a step count of 3 given as a 1-element tensor loads (PyTorch saves step as a tensor)', () => {
    const { opt, sd } = make();
    opt.loadStateDict(withState(sd, { step: tensor([3]) }));
    expect(opt.stateDict().state[0]!['step']).toBe(3);
  });
});

describe("names that are JavaScript's own", () => {
  it('option names inherited from Object.prototype are unknown options, not accepted', () => {
    const p = tensor([1], { requiresGrad: true });
    for (const k of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const options = JSON.parse(`{"${k}": 1}`) as Record<string, unknown>;
      expect(() => new ASGD([p], options)).toThrow(`ASGD: unknown option '${k}'`);
      expect(() => new SGD([p], options)).toThrow(`SGD: unknown option '${k}'`);
    }
    expect(() => new SGD([p], null as unknown as object)).toThrow('SGD: options must be an object, got NoneType');
  });

  it('a state key named constructor or __proto__ is an unknown state key, not silently dropped', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new ASGD([p], { lr: 0.1, t0: 0 });
    p.grad = tensor([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    for (const k of ['constructor', '__proto__', 'toString']) {
      const entry = JSON.parse(JSON.stringify({ step: 1, eta: 0.1, mu: 1 })) as Record<string, unknown>;
      Object.defineProperty(entry, k, { value: 1, enumerable: true });
      entry['ax'] = tensor([1, 2]);
      expect(() => opt.loadStateDict({ ...sd, state: { 0: entry } })).toThrow(`state[0] has an unknown key '${k}'`);
    }
  });

  it('param-group keys such as __proto__ stay plain entries through addParamGroup and loadStateDict', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const q = tensor([3], { requiresGrad: true });
    const group = JSON.parse('{"__proto__": {"polluted": true}, "tag": "head"}') as Record<string, unknown>;
    opt.addParamGroup({ ...group, params: [q] });
    const g1 = opt.paramGroups[1]!;
    expect(Object.getPrototypeOf(g1)).toBe(Object.prototype);
    expect(Object.hasOwn(g1, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const sd = opt.stateDict();
    expect(Object.hasOwn(sd.param_groups[1]!, '__proto__')).toBe(true);
    const other = new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
    other.addParamGroup({ params: [tensor([3], { requiresGrad: true })] });
    other.loadStateDict(JSON.parse(JSON.stringify({ ...sd, state: {} })) as OptimizerStateDict);
    expect(Object.getPrototypeOf(other.paramGroups[1]!)).toBe(Object.prototype);
    expect((other.paramGroups[1]! as Record<string, unknown>)['tag']).toBe('head');
  });
});

// Issue 27 (5 December, later): what Stryker's run over state-dict.ts and optimizer.ts found unpinned.
describe('loadStateDict names what it got, and changes nothing', () => {
  const notADict: [string, unknown, string][] = [
    ['undefined', undefined, 'undefined'],
    ['null', null, 'NoneType'],
    ['a string', 'state.json', 'str'],
    ['an int', 5, 'int'],
    ['a float', 1.5, 'float'],
    ['a list', [], 'list'],
    ['a set', new Set(), 'set'],
    ['a Map', new Map(), 'Map'],
    ['a tensor', tensor([1]), 'Tensor'],
    ['a function', () => ({}), 'function'],
  ];
  it.each(notADict)('a state dict that is %s', (_name, value, type) => {
    const { opt, p } = make();
    const before = fingerprint(opt, [p]);
    expect(() => opt.loadStateDict(value as never)).toThrow(new TypeError(`loadStateDict: expected a state dict object, got ${type}`));
    expect(fingerprint(opt, [p])).toBe(before);
  });

  const corrupt: [string, (sd: OptimizerStateDict) => unknown, string][] = [
    ['no state', (sd) => ({ param_groups: sd.param_groups }), "loadStateDict: state dict has no 'state' object"],
    ['a group that is a number', (sd) => ({ ...sd, param_groups: [5] }), "loadStateDict: param_groups[0] must be an object with a 'params' list"],
    ['a group whose params are a number', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: 5 }] }), "loadStateDict: param_groups[0] must be an object with a 'params' list"],
    ['a negative parameter index', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [-1] }] }), 'loadStateDict: param_groups[0].params[0] must be a parameter index (a non-negative integer), got -1'],
    ['a fractional parameter index', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [1.5] }] }), 'loadStateDict: param_groups[0].params[0] must be a parameter index (a non-negative integer), got 1.5'],
    ['a NaN parameter index', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [NaN] }] }), 'loadStateDict: param_groups[0].params[0] must be a parameter index (a non-negative integer), got NaN'],
    ['a parameter index in a list', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [[0]] }] }), 'loadStateDict: param_groups[0].params[0] must be a parameter index (a non-negative integer), got 0'],
    ['a state key that is a negative number (state as a Map)', (sd) => ({ ...sd, state: new Map([[-1, sd.state[0]]]) }), 'loadStateDict: state keys are parameter indices or strings, got int'],
    ['a parameter state that is a number', (sd) => ({ ...sd, state: { 0: 5 } }), 'loadStateDict: state[0] must be an object, got int'],
    ['a parameter state that is a Map', (sd) => ({ ...sd, state: { 0: new Map(Object.entries(sd.state[0]!)) } }), 'loadStateDict: state[0] must be an object, got Map'],
    ['an unknown state key', (sd) => ({ ...sd, state: { 0: { ...sd.state[0], foo: 1 } } }), "loadStateDict: state[0] has an unknown key 'foo' (ASGD keeps step, eta, mu, ax)"],
    ['a two-element step', (sd) => ({ ...sd, state: { 0: { ...sd.state[0], step: tensor([1, 2]) } } }), 'loadStateDict: state[0].step must be a finite number, got tensor([1., 2.])'],
    ['an ax of null', (sd) => ({ ...sd, state: { 0: { ...sd.state[0], ax: null } } }), 'loadStateDict: state[0].ax must be a Tensor, got NoneType'],
    ['an ax that is a number', (sd) => ({ ...sd, state: { 0: { ...sd.state[0], ax: 5 } } }), 'loadStateDict: state[0].ax must be a Tensor, got int'],
  ];
  it.each(corrupt)('rejects %s', (_name, change, message) => {
    const { opt, p, sd } = make();
    const before = fingerprint(opt, [p]);
    const groups = opt.paramGroups;
    expect(() => opt.loadStateDict(change(sd) as OptimizerStateDict)).toThrow(message);
    expect(fingerprint(opt, [p])).toBe(before);
    expect(opt.paramGroups).toBe(groups);
  });

  it('a state tensor of another rank is refused, with both shapes', () => {
    const p = tensor([1, 2], { requiresGrad: true, shape: [2, 1] });
    const opt = new ASGD([p], { t0: 0 });
    p.grad = tensor([1, 1], { shape: [2, 1] });
    opt.step();
    const sd = opt.stateDict();
    const s0 = sd.state[0]!;
    expect(() => opt.loadStateDict({ ...sd, state: { 0: { ...s0, ax: tensor([1, 2]) } } })).toThrow('loadStateDict: state[0].ax has shape [2] but its parameter has shape [2,1]');
    expect(() => opt.loadStateDict({ ...sd, state: { 0: { ...s0, ax: tensor([1, 2], { shape: [1, 2] }) } } })).toThrow('loadStateDict: state[0].ax has shape [1,2] but its parameter has shape [2,1]');
  });

  it('a step count of 0 loads', () => {
    const { opt, sd } = make();
    opt.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], step: 0 } } });
    expect(opt.stateDict().state[0]!['step']).toBe(0);
  });

  it("an empty parameter state loads as empty, and the next step initialises it (PyTorch's lazy state)", () => {
    expectEmptyStateLoads((p) => new Adam([p], { lr: 0.1 }));
  });

  it("SGD's momentum_buffer of null (PyTorch's state without momentum) loads as null", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    opt.loadStateDict({ ...opt.stateDict(), state: { 0: { momentum_buffer: null } } });
    expect(opt.state.get(p)).toEqual({ momentum_buffer: null });
  });
});

describe('state that holds lists and maps is copied in and out', () => {
  it('user entries holding a list or a Map of tensors round-trip as copies', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const w = tensor([7, 8]);
    opt.state.set('history', [w, 2]);
    opt.state.set('byName', new Map<string, unknown>([['w', w], ['n', 3]]));
    const sd = opt.stateDict();
    const list = sd.state['history'] as [Tensor, number];
    const map = sd.state['byName'] as Map<string, unknown>;
    expect(list).not.toBe(opt.state.get('history'));
    expect(list[0]).not.toBe(w);
    expect(Array.from(list[0].toFloat32Array())).toEqual([7, 8]);
    expect(map).toBeInstanceOf(Map);
    expect(map).not.toBe(opt.state.get('byName'));
    expect([...map.keys()]).toEqual(['w', 'n']);
    expect(map.get('w')).not.toBe(w);
    expect(Array.from((map.get('w') as Tensor).toFloat32Array())).toEqual([7, 8]);
    expect(map.get('n')).toBe(3);
  });

  it('a scalar state entry written by hand as a tensor of several elements is saved as a copy of it, not as its first element', () => {
    // stateDict turns a 1-element tensor in a 'scalar' or 'count' entry into its number (the capturable
    // path's 0-d step, eta, mu); anything else it copies as it is.
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new ASGD([p], { lr: 0.1 });
    p.grad = tensor([0.5, 0.5]);
    opt.step();
    const s = opt.state.get(p) as Record<string, unknown>;
    const eta = tensor([0.25, 0.5]);
    s['eta'] = eta;
    s['step'] = tensor([3]);
    const saved = opt.stateDict().state[0]!;
    expect(saved['step']).toBe(3);
    expect(saved['eta']).toBeInstanceOf(Tensor);
    expect(saved['eta']).not.toBe(eta);
    expect(Array.from((saved['eta'] as Tensor).toFloat32Array())).toEqual([0.25, 0.5]);
  });

  it("a group's betas in a state dict are a copy: editing the dict leaves the optimizer as it was", () => {
    const opt = new Adam([tensor([1], { requiresGrad: true })], { betas: [0.8, 0.9] });
    const sd = opt.stateDict();
    (sd.param_groups[0]!['betas'] as number[])[0] = 0.1;
    expect(opt.paramGroups[0]!.betas).toEqual([0.8, 0.9]);
  });

  it('state.params() yields the parameter entries only', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    opt.state.set('epoch', 3);
    p.grad = tensor([1, 1]);
    opt.step();
    expect([...opt.state.params()].map(([k]) => k)).toEqual([p]);
  });

  it('keys that are neither tensors nor strings are refused, named as Python names them', () => {
    const opt = new SGD([tensor([1], { requiresGrad: true })]);
    const state = opt.state as Map<unknown, unknown>;
    expect(() => state.set({}, 1)).toThrow(new TypeError('Optimizer.state: keys are parameters (Tensors) or strings, got dict'));
    expect(() => state.set(Object.create(null), 1)).toThrow(new TypeError('Optimizer.state: keys are parameters (Tensors) or strings, got object'));
  });
});

describe('stateDict after paramGroups were edited by hand', () => {
  it('a tensor put into two groups keeps the index of its first group (as PyTorch)', () => {
    const a = tensor([1], { requiresGrad: true }), b = tensor([2], { requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b] }]);
    opt.paramGroups[1]!.params.push(a);
    expect(opt.stateDict().param_groups.map((g) => g['params'])).toEqual([[0], [1, 0]]);
  });

  it('the state of a tensor in no group is left out', () => {
    const a = tensor([1], { requiresGrad: true }), b = tensor([2], { requiresGrad: true });
    const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1]); b.grad = tensor([1]);
    opt.step();
    opt.paramGroups[0]!.params = [b];
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });
});

describe("ASGD's own messages, checks and state conversions", () => {
  it('the refused step says, whole, where the averages were swapped in and the way back', () => {
    const { model, opt, x, y } = trained();
    opt.swapAveraged();
    expect(() => stepOnce(model, opt, x, y)).toThrow(new Error('ASGD.step: the parameters hold their running averages, swapped in by swapAveraged(); call swapAveraged() again to restore the live parameters first'));
    opt.swapAveraged();
    opt.withAveraged(() => {
      expect(() => opt.step()).toThrow(new Error('ASGD.step: the parameters hold their running averages, swapped in inside withAveraged(fn) (an async fn keeps them swapped in until its promise settles); step after withAveraged returns'));
    });
  });

  it('withAveraged refuses a fn that is not a function, returns null as it is, and waits for a thenable function', async () => {
    const { opt, params } = trained();
    const live = fingerprint(opt, params);
    expect(() => opt.withAveraged(5 as never)).toThrow(new TypeError('ASGD.withAveraged: fn must be a function, got number'));
    expect(opt.withAveraged(() => null)).toBeNull();
    expect(fingerprint(opt, params)).toBe(live);
    // a function with a then method is promise-like too: the averages stay in until it settles
    let settle!: (v: number) => void;
    const thenable = Object.assign(() => 0, { then: (res: (v: number) => void) => { settle = res; } });
    const pending = opt.withAveraged(() => thenable);
    expect(pending).toBeInstanceOf(Promise);
    expect(opt.averagedSwappedIn).toBe(true);
    await Promise.resolve();
    settle(7);
    await expect(pending).resolves.toBe(7);
    expect(opt.averagedSwappedIn).toBe(false);
    expect(fingerprint(opt, params)).toBe(live);
  });

  it('a differentiable foreach group is refused when any of its params has a grad, not when none has', () => {
    const a = tensor([1, 2], { requiresGrad: true }), b = tensor([3], { requiresGrad: true }), c = tensor([4], { requiresGrad: true });
    const opt = new ASGD([{ params: [a, b], differentiable: true, foreach: true }, { params: [c] }]);
    c.grad = tensor([1]);
    expect(() => opt.step()).not.toThrow();
    expect(opt.state.has(a)).toBe(false);
    b.grad = tensor([1]);
    expect(() => opt.step()).toThrow(new Error("_foreach ops don't support autograd"));
  });

  it('capturable switched off between steps continues as a plain optimizer loaded with the same state', () => {
    const grads = [[0.5, -1], [0.25, 2], [-1, 0.75], [2, -0.5], [0.125, 1]];
    const p = tensor([1, -2], { requiresGrad: true });
    const opt = new ASGD([p], { lr: 0.1, t0: 1, capturable: true });
    grads.slice(0, 3).forEach((g) => { p.grad = tensor(g); opt.step(); });
    const q = tensor(Array.from(p.toFloat32Array()), { requiresGrad: true });
    const plain = new ASGD([q], { lr: 0.1, t0: 1 });
    plain.loadStateDict({ ...opt.stateDict(), param_groups: [{ ...opt.stateDict().param_groups[0]!, capturable: false }] });
    opt.paramGroups[0]!.capturable = false;
    grads.slice(3).forEach((g) => { p.grad = tensor(g); q.grad = tensor(g); opt.step(); plain.step(); });
    const s = opt.state.get(p)!;
    expect(['step', 'eta', 'mu'].map((k) => typeof s[k])).toEqual(['number', 'number', 'number']);
    expect(s['step']).toBe(5);
    expect(fingerprint(opt, [p])).toBe(fingerprint(plain, [q])); // params and every state value, bit for bit
  });

  it("an empty parameter state loads as empty, and the next step initialises it (PyTorch's lazy state)", () => {
    expectEmptyStateLoads((p) => new ASGD([p], { lr: 0.1, t0: 0 }));
  });
});
