import { describe, expect, it } from 'vitest';
import { Tensor, float64, tensor } from '@tensile/tensor';
import { LBFGS } from '@tensile/optim';
import { loadFixture } from './helpers.js';

// Fixtures: scripts/fixtures/optim_lbfgs_paths.py (torch.optim.LBFGS in float64, each case ending its steps on
// another of step()'s stopping rules).
interface Step {
  loss: number; params: number[][]; funcEvals: number; nIter: number; keys: string[];
  t: number | null; hDiag: number | null; prevLoss: number | null; ro: number[]; al: (number | null)[]; historyLength: number;
}
interface Case {
  name: string; options: Record<string, unknown>; A: number[]; b: number[]; c: number[]; params: number[][]; steps: Step[];
  saveAfter?: number; saved?: Record<string, unknown>; linear?: number[]; wave?: boolean; absolute?: boolean;
}
interface FirstT { x: number[]; lr: number; t: number; tIsTensor: boolean; after: number[] }
const fixture = loadFixture<{ torch: string; cases: Case[]; firstT: FirstT[] }>('lbfgs_paths.json');

const f64 = (data: number[], shape: number[]): Tensor => tensor(data, { dtype: float64, shape });

/** Float64 iterates: the same arithmetic as PyTorch's up to the dot products' summation order. */
function near(got: number | null | undefined, want: number | null, label: string, rel = 1e-11): void {
  if (want === null) {
    expect(got ?? null, label).toBeNull();
    return;
  }
  if (typeof got !== 'number' || !(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)))) expect.fail(`${label}: ${String(got)} vs PyTorch's ${want}`);
}

function problem(c: Case, start = c.params): { x: Tensor; w: Tensor; opt: LBFGS; closure: () => Tensor } {
  const A = f64(c.A, [5, 4]), b = f64(c.b, [5]), target = f64(c.c, [2, 3]);
  const x = f64(start[0]!, [4]).requiresGrad_(), w = f64(start[1]!, [2, 3]).requiresGrad_();
  const opt = new LBFGS([x, w], c.options as never);
  const k = c.linear ? f64(c.linear, [4]) : undefined;
  const closure = (): Tensor => {
    opt.zeroGrad();
    const loss = k ? x.mul(k).sum().add(w.mul(0).sum())
      : c.absolute ? A.matmul(x).sub(b).abs().pow(1.5).sum().add(w.sub(target).abs().sum()).add(w.pow(2).sum().mul(0.01))
      : c.wave ? x.mul(3).sin().sum().add(x.pow(2).sum().mul(0.1)).add(w.sub(target).pow(2).sum()).add(w.mul(2).cos().sum())
        : A.matmul(x).sub(b).square().sum().add(w.pow(4).sum().mul(0.1)).add(w.sub(target).square().sum());
    loss.backward();
    return loss;
  };
  return { x, w, opt, closure };
}

/** Checks step k's (0-based) loss, parameters and state against the fixture. */
function check(c: Case, k: number, loss: Tensor, x: Tensor, w: Tensor, opt: LBFGS): void {
  const s = c.steps[k]!;
  const label = `step ${k + 1}`;
  near(loss.item(), s.loss, `${label}: loss`);
  [x, w].forEach((p, i) => Array.from(p.toTypedArray() as Float64Array).forEach((v, j) => near(v, s.params[i]![j]!, `${label}: param ${i}[${j}]`)));
  const st = opt.state.get(x)!;
  expect([st['func_evals'], st['n_iter'], (st['old_dirs'] as unknown[] | undefined)?.length ?? 0], `${label}: func_evals, n_iter, history`).toEqual([s.funcEvals, s.nIter, s.historyLength]);
  expect(Object.keys(st).sort(), `${label}: state keys`).toEqual(s.keys);
  expect(opt.state.get(w) === undefined || Object.keys(opt.state.get(w)!).length === 0, `${label}: nothing under w`).toBe(true);
  // t (the line search's cubic interpolation) and 1 / ys (y·s cancels) magnify the summation-order difference:
  // measured up to 2e-11 relative on the non-convex loss
  near(st['t'] as number | undefined, s.t, `${label}: t`, 1e-9);
  near(st['H_diag'] as number | undefined, s.hDiag, `${label}: H_diag`, 1e-9);
  near(st['prev_loss'] as number | undefined, s.prevLoss, `${label}: prev_loss`);
  const ro = (st['ro'] as number[] | undefined) ?? [], al = (st['al'] as (number | null)[] | undefined) ?? [];
  expect([ro.length, al.length], `${label}: ro, al lengths`).toEqual([s.ro.length, s.al.length]);
  s.ro.forEach((v, i) => near(ro[i], v, `${label}: ro[${i}]`, 1e-9));
  s.al.forEach((v, i) => near(al[i], v, `${label}: al[${i}]`, 1e-9));
}

describe(`LBFGS's stopping rules and state, against PyTorch ${fixture.torch} in float64`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const { x, w, opt, closure } = problem(c);
    c.steps.forEach((_s, k) => check(c, k, opt.step(closure)!, x, w, opt));
  });
});

/** A state value as the fixture holds it: {shape, data} for a tensor (shape [] for 0-d), lists element by element. */
const decode = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const { shape, data } = v as { shape: number[]; data: number[] };
    return shape.length === 0 ? tensor(data[0]!, { dtype: float64 }) : tensor(data, { dtype: float64, shape });
  }
  return v;
};

describe("LBFGS loads PyTorch's state (0-d tensors for t, H_diag, ro and al; None in al) and continues as PyTorch", () => {
  it.each(fixture.cases.filter((c) => c.saved).map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const after = c.saveAfter!;
    const { x, w, opt, closure } = problem(c, c.steps[after - 1]!.params);
    const state = Object.fromEntries(Object.entries(c.saved!).map(([k, v]) => [k, decode(v)]));
    opt.loadStateDict({ state: { 0: state }, param_groups: opt.stateDict().param_groups } as never);
    const st = opt.state.get(x)!;
    for (const k of ['t', 'H_diag', 'prev_loss']) expect(typeof st[k], k).toBe('number');
    expect((st['ro'] as unknown[]).every((v) => typeof v === 'number')).toBe(true);
    expect((st['al'] as unknown[]).every((v) => v === null || typeof v === 'number')).toBe(true);
    for (let k = after; k < c.steps.length; k++) check(c, k, opt.step(closure)!, x, w, opt);
  });
});

describe("LBFGS's first step length on float32 parameters, as PyTorch's min(1., 1. / |g|.sum()) * lr", () => {
  it.each(fixture.firstT.map((c) => [`x = [${c.x.join(', ')}], lr ${c.lr}: t ${c.t}`, c] as const))('%s', (_n, c) => {
    const x = tensor(c.x, { requiresGrad: true });
    const opt = new LBFGS([x], { lr: c.lr, maxIter: 1 });
    opt.step(() => {
      opt.zeroGrad();
      const l = x.sum();
      l.backward();
      return l;
    });
    // |g|.sum() = 1: the Python float lr itself (not rounded to float32); beyond it, a float32 value
    expect(opt.state.get(x)!['t']).toBe(c.t);
    expect(c.tIsTensor).toBe(c.t === Math.fround(c.t) && c.x.length > 1);
    expect(Array.from(x.toFloat32Array())).toEqual(c.after);
  });
});
