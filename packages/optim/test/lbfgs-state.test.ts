import { describe, expect, it } from 'vitest';
import { Tensor, float32, float64, tensor } from '@tensile/tensor';
import { LBFGS } from '@tensile/optim';

const param = (): Tensor => tensor([1, 2], { requiresGrad: true });
const groupOf = (o: LBFGS): Record<string, unknown> => { const { params: _p, ...rest } = o.paramGroups[0]! as unknown as Record<string, unknown>; return rest; };

describe('LBFGS options: defaults, positional, and what is refused, naming it', () => {
  it("PyTorch's defaults, max_eval floor(max_iter * 5 / 4) unless given, positional in PyTorch's order", () => {
    expect(groupOf(new LBFGS([param()]))).toEqual({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    expect(groupOf(new LBFGS([param()], { maxIter: 9, maxEval: null }))['maxEval']).toBe(11);
    expect(groupOf(new LBFGS([param()], { maxIter: 9, maxEval: 3 }))['maxEval']).toBe(3);
    expect(groupOf(new LBFGS([param()], 0.5, 3, 4, 1e-3, 1e-4, 7, 'strong_wolfe'))).toEqual({ lr: 0.5, maxIter: 3, maxEval: 4, toleranceGrad: 1e-3, toleranceChange: 1e-4, historySize: 7, lineSearchFn: 'strong_wolfe' });
    // the least values taken
    expect(groupOf(new LBFGS([param()], { lr: 0, maxIter: 1, maxEval: 1, toleranceGrad: 0, toleranceChange: 0, historySize: 1 }))).toEqual({ lr: 0, maxIter: 1, maxEval: 1, toleranceGrad: 0, toleranceChange: 0, historySize: 1, lineSearchFn: null });
  });

  it.each<[string, Record<string, unknown>, string, typeof TypeError | typeof RangeError]>([
    ['lr -1', { lr: -1 }, 'Invalid learning rate: -1', RangeError],
    ['lr a string', { lr: 'a' }, 'Invalid learning rate: a', TypeError],
    ['maxIter 0', { maxIter: 0 }, 'LBFGS: maxIter must be a positive integer, got 0', RangeError],
    ['maxIter 2.5', { maxIter: 2.5 }, 'LBFGS: maxIter must be a positive integer, got 2.5', RangeError],
    ['maxIter a string', { maxIter: '3' }, 'Invalid maxIter value: 3', TypeError],
    ['historySize 0', { historySize: 0 }, 'LBFGS: historySize must be a positive integer, got 0', RangeError],
    ['historySize 1.5', { historySize: 1.5 }, 'LBFGS: historySize must be a positive integer, got 1.5', RangeError],
    ['maxEval 0', { maxEval: 0 }, 'LBFGS: maxEval must be a positive integer or null, got 0', RangeError],
    ['maxEval 2.5', { maxEval: 2.5 }, 'LBFGS: maxEval must be a positive integer or null, got 2.5', RangeError],
    ['maxEval a string', { maxEval: '3' }, 'Invalid maxEval value: 3', TypeError],
    ['toleranceGrad -1', { toleranceGrad: -1 }, 'Invalid tolerance_grad value: -1', RangeError],
    ['toleranceChange -1', { toleranceChange: -1 }, 'Invalid tolerance_change value: -1', RangeError],
    ['lineSearchFn 5', { lineSearchFn: 5 }, "only 'strong_wolfe' is supported, got 5", RangeError],
    ["lineSearchFn 'armijo'", { lineSearchFn: 'armijo' }, `only 'strong_wolfe' is supported, got "armijo"`, RangeError],
  ])('%s', (_n, options, message, kind) => {
    expect(() => new LBFGS([param()], options as never)).toThrow(new kind(message));
  });

  it('a state dict whose group carries a bad option is refused, naming the group', () => {
    const o = new LBFGS([param()]);
    const sd = o.stateDict();
    expect(() => o.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, history_size: 0 }] })).toThrow(new RangeError('loadStateDict: param_groups[0]: LBFGS: historySize must be a positive integer, got 0'));
  });
});

describe("LBFGS's state dict: PyTorch's keys under the first parameter, each checked on load", () => {
  const two = (): { x: Tensor; y: Tensor; opt: LBFGS; closure: () => Tensor } => {
    const x = tensor([1, 2], { requiresGrad: true }), y = tensor([3], { requiresGrad: true });
    const opt = new LBFGS([x, y], { maxIter: 3 });
    const closure = (): Tensor => {
      opt.zeroGrad();
      const l = x.sub(tensor([0.5, -1])).square().sum().add(y.square().mul(2).sum());
      l.backward();
      return l;
    };
    return { x, y, opt, closure };
  };
  const load = (o: LBFGS, state: Record<string, unknown>): void => o.loadStateDict({ state, param_groups: o.stateDict().param_groups } as never);

  it.each<[string, Record<string, unknown>, string]>([
    ['not an object', { 0: 5 }, 'loadStateDict: state[0] must be an object, got int'],
    ['a list', { 0: [1] }, 'loadStateDict: state[0] must be an object, got list'],
    ['state under the second parameter', { 1: { func_evals: 1 } }, 'loadStateDict: state[1]: LBFGS keeps its state under its first parameter only'],
    ['an unknown key', { 0: { func_evals: 1, step: 3 } }, "loadStateDict: state[0] has an unknown key 'step' (LBFGS keeps func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al)"],
    ['func_evals 1.5', { 0: { func_evals: 1.5 } }, 'loadStateDict: state[0].func_evals counts and must be a non-negative integer, got 1.5'],
    ['n_iter -1', { 0: { n_iter: -1 } }, 'loadStateDict: state[0].n_iter counts and must be a non-negative integer, got -1'],
    ['n_iter a string', { 0: { n_iter: '2' } }, 'loadStateDict: state[0].n_iter must be a number, got 2'],
    ['t NaN', { 0: { t: NaN } }, 'loadStateDict: state[0].t must be a number, got NaN'],
    ['t a 2-element tensor', { 0: { t: tensor([1, 2]) } }, 'loadStateDict: state[0].t must be a number, got '],
    ['H_diag a string', { 0: { H_diag: 'x' } }, 'loadStateDict: state[0].H_diag must be a number, got x'],
    ['prev_loss null', { 0: { prev_loss: null } }, 'loadStateDict: state[0].prev_loss must be a number, got null'],
    ['d of 2 elements', { 0: { d: tensor([1, 2]) } }, 'loadStateDict: state[0].d must be a tensor of the 3 parameter elements'],
    ['prev_flat_grad a list', { 0: { prev_flat_grad: [1, 2, 3] } }, 'loadStateDict: state[0].prev_flat_grad must be a tensor of the 3 parameter elements'],
    ['old_dirs a tensor', { 0: { old_dirs: tensor([1, 2, 3]) } }, 'loadStateDict: state[0].old_dirs must be a list of tensors'],
    ['old_stps a tensor', { 0: { old_stps: tensor([1, 2, 3]) } }, 'loadStateDict: state[0].old_stps must be a list of tensors'],
    ['old_stps[1] of 4 elements', { 0: { old_stps: [tensor([1, 2, 3]), tensor([1, 2, 3, 4])] } }, 'loadStateDict: state[0].old_stps[1] must be a tensor of the 3 parameter elements'],
    ['ro a number', { 0: { ro: 1 } }, 'loadStateDict: state[0].ro must be a list of numbers'],
    ['ro[1] a string', { 0: { ro: [1, 'x'] } }, 'loadStateDict: state[0].ro[1] must be a number, got x'],
    ['al a number', { 0: { al: 1 } }, 'loadStateDict: state[0].al must be a list'],
    ['al[2] a string', { 0: { al: [1, null, 'x'] } }, 'loadStateDict: state[0].al[2] must be a number, got x'],
    ['old_dirs and old_stps of other lengths', { 0: { old_dirs: [tensor([1, 2, 3])], ro: [1] } }, 'loadStateDict: state[0]: old_dirs, old_stps and ro must have the same length'],
    ['ro of another length', { 0: { old_dirs: [tensor([1, 2, 3])], old_stps: [tensor([1, 2, 3])] } }, 'loadStateDict: state[0]: old_dirs, old_stps and ro must have the same length'],
    ['ro without old_dirs', { 0: { ro: [1] } }, 'loadStateDict: state[0]: old_dirs, old_stps and ro must have the same length'],
  ])('%s is refused, and nothing changes', (_n, state, message) => {
    const { x, opt, closure } = two();
    opt.step(closure);
    const before = JSON.stringify(opt.stateDict(), (_k, v: unknown) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v));
    expect(() => load(opt, state)).toThrow(RangeError);
    expect(() => load(opt, state)).toThrow(message);
    expect(JSON.stringify(opt.stateDict(), (_k, v: unknown) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v))).toBe(before);
    expect(Object.keys(opt.state.get(x)!)).toContain('old_dirs');
  });

  it('takes one-element tensors as numbers, null in al, any tensor shape of the right size (flattened), and copies', () => {
    const { opt } = two();
    const d = tensor([[1], [2], [3]]);
    load(opt, { 0: { func_evals: tensor(4), n_iter: 2, t: tensor([0.5]), H_diag: tensor(2), prev_loss: 1.5, d, prev_flat_grad: tensor([1, 1, 1]), old_dirs: [tensor([1, 2, 3])], old_stps: [tensor([3, 2, 1])], ro: [tensor(0.25)], al: [tensor(0.5), null] }, 1: {} });
    const st = opt.state.get(opt.paramGroups[0]!.params[0]!)!;
    expect([st['func_evals'], st['n_iter'], st['t'], st['H_diag'], st['prev_loss'], st['ro'], st['al']]).toEqual([4, 2, 0.5, 2, 1.5, [0.25], [0.5, null]]);
    expect((st['d'] as Tensor).shape).toEqual([3]);
    d.add_(1);
    expect(Array.from((st['d'] as Tensor).toFloat32Array())).toEqual([1, 2, 3]);
  });

  it('an empty state entry for the first parameter starts afresh, as no entry does', () => {
    const a = two(), b = two();
    load(b.opt, { 0: {} });
    a.opt.step(a.closure);
    b.opt.step(b.closure);
    expect(b.opt.state.get(b.x)!['func_evals']).toBe(a.opt.state.get(a.x)!['func_evals']);
    expect(Array.from(b.x.toFloat32Array())).toEqual(Array.from(a.x.toFloat32Array()));
  });
});

describe('LBFGS: a parameter without a gradient counts as zeros, as PyTorch (_gather_flat_grad)', () => {
  it.each([['a fixed step', {}], ['strong_wolfe', { lineSearchFn: 'strong_wolfe' }]] as const)('%s: the others step as they would alone, it stays', (_n, options) => {
    const run = (withUnused: boolean): { x: number[]; u: number[] } => {
      const x = tensor([1.5, -0.5, 2], { requiresGrad: true }), u = tensor([7, 8], { requiresGrad: true });
      const opt = new LBFGS(withUnused ? [u, x] : [x], { maxIter: 5, ...options });
      for (let k = 0; k < 2; k++) {
        opt.step(() => {
          opt.zeroGrad();
          const l = x.sub(tensor([3, 1, -1])).pow(4).sum().add(x.square().sum());
          l.backward();
          return l;
        });
      }
      return { x: Array.from(x.toFloat32Array()), u: Array.from(u.toFloat32Array()) };
    };
    const alone = run(false), withUnused = run(true);
    expect(withUnused.x).toEqual(alone.x);
    expect(withUnused.u).toEqual([7, 8]);
    expect(alone.x).not.toEqual([1.5, -0.5, 2]);
  });
});

describe('LBFGS steps on from a loaded state as PyTorch decides from n_iter, and from a partial one', () => {
  const start = [1.5, -0.5, 2];
  const make = (options: Record<string, unknown> = {}): { x: Tensor; opt: LBFGS; step: () => void } => {
    const x = tensor(start, { requiresGrad: true });
    const opt = new LBFGS([x], { maxIter: 3, ...options });
    const step = (): void => {
      opt.step(() => {
        opt.zeroGrad();
        const l = x.sub(tensor([3, 1, -1])).pow(4).sum().add(x.square().sum());
        l.backward();
        return l;
      });
    };
    return { x, opt, step };
  };
  const bits = (x: Tensor): number[] => Array.from(x.toFloat32Array());

  it.each([1, 3])('a whole state with n_iter 0 starts over from steepest descent and drops its history (PyTorch: n_iter == 1), max_iter %i', (maxIter) => {
    const other = make();
    for (let k = 0; k < 2; k++) other.step();
    const saved = other.opt.stateDict();
    expect((saved.state[0]!['old_dirs'] as unknown[]).length).toBeGreaterThan(0);
    const fresh = make({ maxIter }), loaded = make({ maxIter });
    loaded.opt.loadStateDict({ ...saved, param_groups: fresh.opt.stateDict().param_groups, state: { 0: { ...saved.state[0]!, n_iter: 0, H_diag: 7 } } });
    fresh.step();
    loaded.step();
    expect(bits(loaded.x)).toEqual(bits(fresh.x));
    const a = fresh.opt.state.get(fresh.x)!, b = loaded.opt.state.get(loaded.x)!;
    expect([b['n_iter'], (b['old_dirs'] as unknown[]).length, b['ro'], b['H_diag'], b['t']]).toEqual([a['n_iter'], (a['old_dirs'] as unknown[]).length, a['ro'], a['H_diag'], a['t']]);
    expect(b['func_evals']).toBe((saved.state[0]!['func_evals'] as number) + (a['func_evals'] as number));
    // al, PyTorch's state['al'] list, is written only below the history length: the loaded entries above it stay
    const numOld = (b['old_dirs'] as unknown[]).length, al = b['al'] as (number | null)[] | undefined, savedAl = saved.state[0]!['al'] as unknown as (number | null)[];
    const savedHistory = (saved.state[0]!['old_dirs'] as unknown[]).length;
    if (maxIter === 1) expect(savedAl.slice(numOld, savedHistory).length).toBeGreaterThan(0);
    expect(savedAl.slice(numOld, savedHistory).every((v) => typeof v === 'number')).toBe(true);
    expect((al ?? savedAl).slice(numOld)).toEqual(savedAl.slice(numOld));
  });

  it('a state of counters only (max_iter 1) takes the history-less steepest-descent step', () => {
    const loaded = make({ maxIter: 1 });
    loaded.opt.loadStateDict({ ...loaded.opt.stateDict(), state: { 0: { func_evals: 4, n_iter: 2 } } });
    loaded.step();
    const st = loaded.opt.state.get(loaded.x)!;
    expect([st['func_evals'], st['n_iter'], (st['old_dirs'] as unknown[]).length, st['H_diag'], st['t']]).toEqual([5, 3, 0, 1, 1]);
    // d = -g, t = lr = 1: x - g, with g = 4 (x - c)^3 + 2x, rounded to float32 as the tensor ops
    const g = start.map((v, i) => Math.fround(Math.fround(4 * Math.fround(Math.fround(v - [3, 1, -1][i]!) ** 3)) + Math.fround(2 * v)));
    expect(bits(loaded.x)).toEqual(start.map((v, i) => Math.fround(v - g[i]!)));
  });

  it.each(['d', 't', 'prev_flat_grad'])('a state without %s (n_iter > 0) steps as one of counters only, not from half a history', (key) => {
    const other = make();
    other.step();
    const saved = other.opt.stateDict();
    const { [key]: _gone, ...partial } = saved.state[0]!;
    const a = make({ maxIter: 2 }), b = make({ maxIter: 2 });
    a.opt.loadStateDict({ ...saved, state: { 0: partial } });
    b.opt.loadStateDict({ ...saved, state: { 0: { func_evals: 1, n_iter: 3 } } });
    a.step();
    b.step();
    expect(bits(a.x)).toEqual(bits(b.x));
    expect(bits(a.x)).not.toEqual(start.map(Math.fround));
  });

  it('a group loaded with max_eval null steps with floor(max_iter * 5 / 4), as the constructor sets it', () => {
    const run = (maxEval: number | null): [number[], unknown] => {
      const x = tensor([-1.5, 2], { requiresGrad: true });
      const opt = new LBFGS([x], { maxIter: 20, lineSearchFn: 'strong_wolfe' });
      const sd = opt.stateDict();
      opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, max_eval: maxEval }] });
      opt.step(() => { // Rosenbrock: many evaluations per iteration
        opt.zeroGrad();
        const a = x.select(0, 0), b = x.select(0, 1);
        const l = a.neg().add(1).square().add(b.sub(a.square()).square().mul(100));
        l.backward();
        return l;
      });
      return [bits(x), opt.state.get(x)!['func_evals']];
    };
    const none = run(null);
    expect(none).toEqual(run(25));
    expect(none[1]).toBe(25);
    expect(none).not.toEqual(run(100));
  });
});

describe("LBFGS's state tensors have the parameters' dtype, as PyTorch's", () => {
  it.each([['float32', float32], ['float64', float64]] as const)('%s', (name, dtype) => {
    const x = tensor([1.5, -0.5, 2], { dtype, requiresGrad: true });
    const opt = new LBFGS([x], { maxIter: 4 });
    for (let k = 0; k < 2; k++) {
      opt.step(() => {
        opt.zeroGrad();
        const l = x.sub(tensor([3, 1, -1], { dtype })).pow(4).sum().add(x.square().sum());
        l.backward();
        return l;
      });
    }
    const st = opt.state.get(x)!;
    const tensors = [st['d'], st['prev_flat_grad'], ...(st['old_dirs'] as Tensor[]), ...(st['old_stps'] as Tensor[])] as Tensor[];
    expect(tensors.length).toBeGreaterThan(2); // a history too
    expect(tensors.map((t) => t.dtype.name)).toEqual(tensors.map(() => name));
  });
});

describe('LBFGS: a loaded state without the history lists', () => {
  it('steps as one with empty old_dirs, old_stps and ro', () => {
    const run = (withLists: boolean): number[] => {
      const x = tensor([1.5, -0.5, 2], { requiresGrad: true });
      const opt = new LBFGS([x], { maxIter: 3 });
      const closure = (): Tensor => {
        opt.zeroGrad();
        const l = x.sub(tensor([3, 1, -1])).pow(4).sum().add(x.square().sum());
        l.backward();
        return l;
      };
      opt.step(closure);
      const { old_dirs: _a, old_stps: _b, ro: _c, al: _d, ...rest } = opt.stateDict().state[0]!;
      opt.loadStateDict({ ...opt.stateDict(), state: { 0: withLists ? { ...rest, old_dirs: [], old_stps: [], ro: [] } : rest } });
      opt.step(closure);
      return Array.from(x.toFloat32Array());
    };
    const without = run(false);
    expect(without.every(Number.isFinite)).toBe(true);
    expect(without).toEqual(run(true));
  });
});
