/**
 * Every optimizer on NaN and ±Inf parameters and gradients (and finite gradients whose squares
 * overflow float32), replayed from PyTorch (fixtures/nonfinite.json, written by
 * scripts/fixtures/optim_nonfinite.py; what each element drives is listed there): after every
 * step, every parameter and every state entry is PyTorch's, finite values and ±Inf (and the sign
 * of zero) bit for bit, NaN wherever PyTorch has NaN (NaN payload bits are not portable), on the
 * for-loop and on the foreach path. Among what this pins: amsgrad's running max takes NaN when
 * the second moment is NaN (torch.maximum propagates it), Adamax's exp_inf likewise, Rprop's
 * sign of a NaN product.
 *
 * The differentiable path (tensor ops) is checked for the same non-finite pattern: NaN, +Inf
 * and -Inf in the same places (its finite values are differentiable-parity.test.ts's business).
 *
 * LBFGS from starts with a NaN, an Inf, and an overflowing loss: every step's evaluation and
 * iteration counts and history length exactly, NaN/±Inf in the same places, finite values to
 * lbfgs.test.ts's tolerance (PyTorch's dot products accumulate in float32, ours in double).
 */
import { describe, expect, it } from 'vitest';
import { tensor, Tensor } from '@tensile/tensor';
import { LBFGS, type Optimizer } from '@tensile/optim';
import { OPTIMIZERS } from './registry/index.js';
import { loadFixture } from './helpers.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Packed { shape: number[]; data: Num[] }
interface Case {
  optimizer: string;
  name: string;
  options: Record<string, unknown>;
  params: Packed[];
  steps: { grads: Packed[]; params: Num[][]; state: Record<string, Num | Num[]>[] }[];
}
interface LbfgsCase {
  name: string;
  options: Record<string, unknown>;
  A: Packed; b: Packed; c: Packed;
  params: Packed[];
  steps: { loss: Num; params: Num[][]; funcEvals: number; nIter: number; historyLength: number }[];
}
interface FixtureFile { torch: string; cases: Case[]; lbfgs: LbfgsCase[] }

const fixture = loadFixture<FixtureFile>('nonfinite.json');
const num = (x: Num): number => (x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x);
const nums = (xs: Num[]): number[] => xs.map(num);
const fromPacked = (p: Packed, requiresGrad = false): Tensor => tensor(nums(p.data), { shape: p.shape, requiresGrad });

const bitsOf = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0]!;

/** PyTorch's values: NaN where it has NaN, the same float32 bits everywhere else. */
function expectSame(got: ArrayLike<number>, want: readonly number[], label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isNaN(g) && bitsOf(g) === bitsOf(w);
    if (!ok) expect.fail(`${label}: element ${i}: got ${Object.is(g, -0) ? '-0' : g} (0x${bitsOf(g).toString(16)}), PyTorch ${Object.is(w, -0) ? '-0' : w} (0x${bitsOf(w).toString(16)})`);
  }
}

const kind = (x: number): string => (Number.isNaN(x) ? 'NaN' : x === Infinity ? '+Inf' : x === -Infinity ? '-Inf' : 'finite');

function stateArray(v: unknown): number[] {
  if (v instanceof Tensor) return Array.from(v.toFloat32Array());
  return [v as number];
}

const entry = (name: string) => OPTIMIZERS.find((e) => e.name === name)!;

function build(c: Case, extra: Record<string, unknown>, nonLeaf = false): { ps: Tensor[]; opt: Optimizer<object> } {
  const ps = c.params.map((p) => (nonLeaf ? fromPacked(p, true).mul(1) : fromPacked(p, true)));
  // `lrTensor: true`: the lr is a 0-d tensor (JSON has none).
  const { lrTensor, ...options } = c.options;
  return { ps, opt: entry(c.optimizer).make(ps, { ...options, ...(lrTensor ? { lr: tensor(options['lr'] as number) } : {}), ...extra }) };
}

describe(`every optimizer on NaN and ±Inf, against PyTorch ${fixture.torch}`, () => {
  it('the fixture covers every optimizer (LBFGS in its own block below)', () => {
    expect(new Set(fixture.cases.map((c) => c.optimizer))).toEqual(new Set(OPTIMIZERS.map((e) => e.name)));
    expect(fixture.lbfgs.length).toBeGreaterThan(0);
  });

  describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each([false, true])('foreach %s: every step, every state entry (finite and ±Inf bit for bit, NaN where PyTorch has NaN)', (foreach) => {
      const { ps, opt } = build(c, { foreach });
      c.steps.forEach((s, k) => {
        ps.forEach((p, i) => { p.grad = fromPacked(s.grads[i]!); });
        opt.step();
        ps.forEach((p, i) => {
          const label = `step ${k + 1}, param ${i}`;
          expectSame(p.toFloat32Array(), nums(s.params[i]!), label);
          const got = opt.state.get(p) as Record<string, unknown> | undefined;
          expect(Object.keys(got ?? {}).sort(), `${label}: state keys`).toEqual(Object.keys(s.state[i]!).sort());
          for (const [key, want] of Object.entries(s.state[i]!)) expectSame(stateArray(got![key]), Array.isArray(want) ? nums(want) : [num(want)], `${label}: ${key}`);
        });
      });
    });

    it('differentiable: NaN, +Inf and -Inf in the same places as PyTorch', () => {
      const { ps, opt } = build(c, { differentiable: true }, true);
      c.steps.forEach((s, k) => {
        ps.forEach((p, i) => { p.grad = fromPacked(s.grads[i]!); });
        opt.step();
        ps.forEach((p, i) => {
          expect(Array.from(p.toFloat32Array()).map(kind), `step ${k + 1}, param ${i}`).toEqual(nums(s.params[i]!).map(kind));
          const got = opt.state.get(p) as Record<string, unknown>;
          for (const [key, want] of Object.entries(s.state[i]!)) {
            expect(stateArray(got[key]).map(kind), `step ${k + 1}, param ${i}: ${key}`).toEqual((Array.isArray(want) ? nums(want) : [num(want)]).map(kind));
          }
        });
      });
    });
  });
});

describe(`LBFGS from non-finite starts, against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.lbfgs.map((c) => [c.name, c] as const))('%s: counters exact, NaN/±Inf in place, finite values to 2e-4', (_n, c) => {
    const A = fromPacked(c.A), b = fromPacked(c.b), target = fromPacked(c.c);
    const x = fromPacked(c.params[0]!, true), w = fromPacked(c.params[1]!, true);
    const opt = new LBFGS([x, w], c.options as never);
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = A.matmul(x).sub(b).square().sum().add(w.pow(4).sum().mul(0.1)).add(w.sub(target).square().sum());
      loss.backward();
      return loss;
    };
    const close = (got: readonly number[], want: readonly number[], label: string): void => {
      expect(got.map(kind), `${label}: NaN/±Inf`).toEqual(want.map(kind));
      got.forEach((g, i) => {
        const v = want[i]!;
        if (Number.isFinite(v) && !(Math.abs(g - v) <= 2e-5 + 2e-4 * Math.abs(v))) expect.fail(`${label}[${i}]: ${g} vs PyTorch ${v}`);
      });
    };
    c.steps.forEach((s, k) => {
      const loss = opt.step(closure)!;
      const st = opt.state.get(x)!;
      expect([st['func_evals'], st['n_iter'], (st['old_dirs'] as unknown[] | undefined)?.length ?? 0], `step ${k + 1}: func_evals, n_iter, history`).toEqual([s.funcEvals, s.nIter, s.historyLength]);
      close([loss.item()], [num(s.loss)], `step ${k + 1}: loss`);
      close(Array.from(x.toFloat32Array()), nums(s.params[0]!), `step ${k + 1}: x`);
      close(Array.from(w.toFloat32Array()), nums(s.params[1]!), `step ${k + 1}: w`);
    });
  });
});
