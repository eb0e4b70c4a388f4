import { describe, expect, it } from 'vitest';
import { Tensor, tensor, noGrad } from '@tensile/tensor';
import { LBFGS } from '@tensile/optim';
import { loadFixture, type Packed } from './helpers.js';

interface Case {
  name: string;
  options: Record<string, unknown>;
  A: Packed; b: Packed; c: Packed;
  params: Packed[];
  steps: { loss: number; params: number[][]; funcEvals: number; nIter: number; historyLength: number }[];
  stateDict: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
}
const fixture = loadFixture<{ torch: string; cases: Case[] }>('lbfgs.json');
const t = (p: Packed): Tensor => tensor(p.data, { shape: p.shape });

function problem(c: Case): { x: Tensor; w: Tensor; opt: LBFGS; closure: () => Tensor } {
  const A = t(c.A), b = t(c.b), target = t(c.c);
  const x = t(c.params[0]!).requiresGrad_(), w = t(c.params[1]!).requiresGrad_();
  const opt = new LBFGS([x, w], c.options as never);
  const closure = (): Tensor => {
    opt.zeroGrad();
    const loss = A.matmul(x).sub(b).square().sum().add(w.pow(4).sum().mul(0.1)).add(w.sub(target).square().sum());
    loss.backward();
    return loss;
  };
  return { x, w, opt, closure };
}

const close = (got: Float32Array | number[], want: number[], label: string, rtol = 2e-4, atol = 2e-5): void => {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= atol + rtol * Math.abs(want[i]!))) throw new Error(`${label}[${i}]: ${got[i]} vs PyTorch's ${want[i]}`);
  }
};

describe(`LBFGS against PyTorch ${fixture.torch} (float32 dot products in PyTorch, double here: compared to 2e-4)`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: every step\'s loss, parameters, evaluations and history', (_n, c) => {
    const { x, w, opt, closure } = problem(c);
    c.steps.forEach((s, k) => {
      const loss = opt.step(closure)!;
      close([loss.item()], [s.loss], `step ${k + 1} loss`);
      close(x.toFloat32Array(), s.params[0]!, `step ${k + 1} x`);
      close(w.toFloat32Array(), s.params[1]!, `step ${k + 1} w`);
      const st = opt.state.get(x)!;
      expect([st['func_evals'], st['n_iter'], (st['old_dirs'] as unknown[] | undefined)?.length ?? 0], `step ${k + 1} counters`).toEqual([s.funcEvals, s.nIter, s.historyLength]);
    });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0']);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(Object.keys(c.stateDict.state['0']!).sort());
    expect(sd.param_groups.map((g) => Object.keys(g))).toEqual(c.stateDict.param_groups.map((g) => Object.keys(g)));
  });

  it('a state dict (through JSON) loads into a fresh LBFGS and continues as the uninterrupted run', () => {
    const c = fixture.cases[3]!;
    const a = problem(c);
    for (let k = 0; k < 4; k++) a.opt.step(a.closure);
    const b = problem(c);
    for (let k = 0; k < 2; k++) b.opt.step(b.closure);
    const json = JSON.stringify(b.opt.stateDict(), (_k, v) => (v instanceof Tensor ? { __t: Array.from(v.toFloat32Array()), shape: v.shape } : v));
    const sd = JSON.parse(json, (_k, v) => (v && typeof v === 'object' && '__t' in v ? tensor(v.__t as number[], { shape: v.shape as number[] }) : v));
    const r = problem(c);
    noGrad(() => { r.x.copy_(b.x); r.w.copy_(b.w); });
    r.opt.loadStateDict(sd);
    for (let k = 2; k < 4; k++) r.opt.step(r.closure);
    expect(Array.from(r.x.toFloat32Array())).toEqual(Array.from(a.x.toFloat32Array()));
    expect(Array.from(r.w.toFloat32Array())).toEqual(Array.from(a.w.toFloat32Array()));
  });

  it('refuses a second group, a step without a closure, a bad line search and corrupt state, naming each', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    expect(() => new LBFGS([{ params: [p] }, { params: [tensor([1], { requiresGrad: true })] }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
    const opt = new LBFGS([p]);
    expect(() => opt.step()).toThrow('LBFGS.step: a closure that reevaluates the model and returns the loss is required');
    expect(() => new LBFGS([p], { lineSearchFn: 'armijo' as never })).toThrow("only 'strong_wolfe' is supported");
    expect(() => new LBFGS([p], { maxIter: 0 })).toThrow('LBFGS: maxIter must be a positive integer, got 0');
    const sd = opt.stateDict();
    expect(() => opt.loadStateDict({ ...sd, state: { 0: { func_evals: -1 } } })).toThrow('state[0].func_evals counts and must be a non-negative integer');
    expect(() => opt.loadStateDict({ ...sd, state: { 0: { d: tensor([1, 2, 3]) } } })).toThrow('state[0].d must be a tensor of the 2 parameter elements');
    expect(() => opt.loadStateDict({ ...sd, state: { 0: { old_dirs: [tensor([1, 2])], old_stps: [], ro: [] } } })).toThrow('old_dirs, old_stps and ro must have the same length');
  });

  it('max_eval defaults to floor(max_iter * 5 / 4), as PyTorch', () => {
    expect(new LBFGS([tensor([1], { requiresGrad: true })], { maxIter: 7 }).paramGroups[0]!.maxEval).toBe(8);
  });
});

describe('LBFGS: a step that throws changes nothing; a loss that is not a number is refused at once', () => {
  /** A problem that takes several evaluations per step (the fixture's least squares plus w^4). */
  function counted(options: Record<string, unknown>, fail: (evaluation: number, loss: Tensor) => unknown): { opt: LBFGS; params: Tensor[]; step: () => unknown } {
    const c = fixture.cases[0]!;
    const A = t(c.A), b = t(c.b), target = t(c.c);
    const x = t(c.params[0]!).requiresGrad_(), w = t(c.params[1]!).requiresGrad_();
    const opt = new LBFGS([x, w], options as never);
    let evaluation = 0;
    const closure = (): unknown => {
      opt.zeroGrad();
      const loss = A.matmul(x).sub(b).square().sum().add(w.pow(4).sum().mul(0.1)).add(w.sub(target).square().sum());
      loss.backward();
      return fail(++evaluation, loss);
    };
    return { opt, params: [x, w], step: () => { evaluation = 0; return opt.step(closure as () => Tensor); } };
  }
  const bits = (ts: Tensor[]): string => ts.map((p) => Array.from(new Uint32Array(p.toFloat32Array().buffer)).join(',')).join('|');
  const stateOf = (opt: LBFGS): string => JSON.stringify(opt.stateDict(), (_k, v: unknown) => (v instanceof Tensor ? Array.from(v.toFloat32Array()) : v));
  const modes: [string, Record<string, unknown>][] = [['a fixed step', { maxIter: 6 }], ['strong_wolfe', { lineSearchFn: 'strong_wolfe', maxIter: 6 }]];

  describe.each(modes)('%s', (_mode, options) => {
    it.each([[2], [3], [5]])('a closure that throws at evaluation %i: parameters, n_iter, func_evals and history as before', (k) => {
      let armed = false;
      const { opt, params, step } = counted(options, (n, loss) => {
        if (armed && n === k) throw new Error(`evaluation ${n} failed`);
        return loss;
      });
      step(); // a first step: state and history exist
      const before = [bits(params), stateOf(opt)];
      armed = true;
      expect(step).toThrow(`evaluation ${k} failed`);
      expect([bits(params), stateOf(opt)]).toEqual(before);
      armed = false;
      expect(step).not.toThrow(); // and the optimizer steps on
    });

    const notNumbers: [string, unknown, string][] = [
      ['a string', 'abc', 'got "abc"'], ['an object', { loss: 1 }, 'got dict'], ['undefined', undefined, 'got undefined'], ['null', null, 'got null'],
      ['a boolean', true, 'got true'], ['a list', [1], 'got list'], ['a 2-element tensor', tensor([1, 2]), 'got a tensor of shape [2]'],
    ];
    it.each(notNumbers)('%s as the loss, at the first or a later evaluation: refused naming LBFGS and the value, nothing changed', (_n, value, got) => {
      for (const at of [1, 2]) {
        let armed = false;
        const { opt, params, step } = counted(options, (n, loss) => (armed && n === at ? value : loss));
        step();
        const before = [bits(params), stateOf(opt)];
        armed = true;
        expect(step).toThrow(TypeError);
        expect(step).toThrow(`LBFGS.step: the closure must return the loss as a number or a 1-element tensor, ${got} (evaluation ${at})`);
        expect([bits(params), stateOf(opt)]).toEqual(before);
      }
    });

    it('a NaN loss is computed on, as PyTorch does (no internal error from the line search)', () => {
      const { opt, step } = counted(options, (n, loss) => (n >= 2 ? NaN : loss));
      expect(step).not.toThrow();
      expect(opt.state.get(opt.paramGroups[0]!.params[0]!)!['n_iter']).toBeGreaterThan(0);
    });
  });
});
