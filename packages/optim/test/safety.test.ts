import { describe, expect, it } from 'vitest';
import { nn, tensor, manualSeed, randn, Tensor } from '@tensile/tensor';
import { ASGD, SGD, type OptimizerStateDict } from '../src/index.js';

/** Every parameter and every state value, as bits, to prove "nothing changed". */
function fingerprint(opt: ASGD | SGD, params: Tensor[]): string {
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

describe('loadStateDict rejects what can only be corruption, and changes nothing', () => {
  const make = (): { opt: ASGD; p: Tensor; sd: OptimizerStateDict } => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new ASGD([p], { lr: 0.1, t0: 0 });
    p.grad = tensor([0.5, -0.5]);
    opt.step();
    return { opt, p, sd: opt.stateDict() };
  };
  const withState = (sd: OptimizerStateDict, patch: Record<string, unknown>): OptimizerStateDict => ({
    ...sd, state: { 0: { ...(sd.state[0] as Record<string, unknown>), ...patch } },
  });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a negative step', { step: -5 }, /state\[0\]\.step counts steps and must be a non-negative integer, got -5/],
    ['a fractional step', { step: 1.5 }, /state\[0\]\.step counts steps and must be a non-negative integer, got 1\.5/],
    ['an infinite step', { step: Infinity }, /state\[0\]\.step must be a finite number, got Infinity/],
    ['a negative eta', { eta: -0.1 }, /state\[0\]\.eta must be >= 0/],
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
