import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor, tensor, zeros, randn, manualSeed, noGrad, grad as autogradGrad } from '@tensile/tensor';
import { ASGD, SGD, functional, registerOptimizerStepPreHook, type Optimizer } from '@tensile/optim';
import { expectBits } from './helpers.js';

const f32 = Math.fround;
const leaf = (data: number[], shape?: number[]): Tensor => tensor(data, { requiresGrad: true, ...(shape ? { shape } : {}) });
const snap = (ps: Tensor[]): number[][] => ps.map((p) => Array.from(p.toFloat32Array()));
const H = (o: Partial<functional.ASGDHyper> = {}): functional.ASGDHyper => ({ lr: 0.05, lambd: 0.1, alpha: 0.75, t0: 2, weightDecay: 0, maximize: false, lrIsTensor: false, ...o });

describe('functional.asgd (every non-differentiable path, through the kernel) = asgdReference, bit for bit, on sizes 0, 1, odd and large (STYLE habit 7)', () => {
  for (const n of [0, 1, 7, 1001, 65_537]) {
    for (const h of [H(), H({ weightDecay: 0.37 }), H({ weightDecay: 0.1, maximize: true }), H({ t0: 0, maximize: true })]) {
      for (const foreach of [true, false]) {
        it(`n=${n} wd=${h.weightDecay} maximize=${h.maximize} t0=${h.t0} foreach=${foreach}`, () => {
          manualSeed(n + 1);
          const p0 = randn([n]).toFloat32Array(), ax0 = randn([n]).toFloat32Array();
          const grads = Array.from({ length: 5 }, () => randn([n]).toFloat32Array());
          // Three parameters: contiguous, a view at an offset inside a larger tensor, and a strided view.
          const p = tensor(p0);
          const big = zeros([n + 3]);
          const atOffset = big.narrow(0, 3, n);
          noGrad(() => atOffset.copy_(tensor(p0)));
          const wide = zeros([n, 2]);
          const strided = wide.select(1, 1);
          noGrad(() => strided.copy_(tensor(p0)));
          const params = [p, atOffset, strided];
          const states = params.map(() => ({ step: 0, eta: f32(h.lr), mu: 1, ax: tensor(ax0) }));
          const want = Float32Array.from(p0), wantAx = Float32Array.from(ax0), sr = { step: 0, eta: f32(h.lr), mu: 1 };
          for (const g of grads) {
            noGrad(() => functional.asgd(params, params.map(() => tensor(g)), states, { ...h, foreach }));
            sr.step = f32(sr.step + 1);
            for (let i = 0; i < n; i++) [want[i], wantAx[i]] = functional.asgdReference(want[i]!, g[i]!, wantAx[i]!, sr.eta, sr.mu, h);
            Object.assign(sr, functional.asgdSchedule('float', h, sr.step));
          }
          params.forEach((q, k) => {
            expectBits(q.toFloat32Array(), Array.from(want), `param ${k}`);
            expectBits(states[k]!.ax.toFloat32Array(), Array.from(wantAx), `ax ${k}`);
            expect({ step: states[k]!.step, eta: states[k]!.eta, mu: states[k]!.mu }).toEqual(sr);
          });
          expect(big.toFloat32Array()[0]).toBe(0);
        });
      }
    }
  }
});

describe('capturable', () => {
  const run = (opts: object, steps: number, split?: number): { ps: Tensor[]; opt: ASGD } => {
    manualSeed(5);
    const init = [randn([3]), randn([2, 2])];
    const grads = Array.from({ length: steps }, () => init.map((t) => randn(t.shape as number[])));
    let ps = init.map((t) => t.detach().clone().requiresGrad_());
    let opt = new ASGD(ps, opts);
    for (let k = 0; k < steps; k++) {
      if (k === split) {
        const sd = opt.stateDict();
        ps = ps.map((p) => p.detach().clone().requiresGrad_());
        opt = new ASGD(ps, opts);
        opt.loadStateDict(sd);
      }
      ps.forEach((p, i) => (p.grad = grads[k]![i]!));
      opt.step();
    }
    return { ps, opt };
  };

  it('keeps step/eta/mu as 0-d tensors, but stateDict writes them as numbers (one format)', () => {
    const { opt, ps } = run({ capturable: true, t0: 1 }, 3);
    const live = opt.state.get(ps[0]!)!;
    expect(['step', 'eta', 'mu'].map((k) => live[k] instanceof Tensor && (live[k] as Tensor).ndim === 0)).toEqual([true, true, true]);
    const s = opt.stateDict().state[0]!;
    expect([typeof s['step'], typeof s['eta'], typeof s['mu'], s['ax'] instanceof Tensor]).toEqual(['number', 'number', 'number', true]);
    expect(s['step']).toBe(3);
  });

  it('save, load into a new optimizer, continue = uninterrupted, and foreach does not change the bits', () => {
    for (const o of [{ t0: 1 }, { t0: 2, weightDecay: 0.1, maximize: true }, { lr: tensor(0.02), lambd: 0.3, alpha: 0.33, t0: 0 }]) {
      const full = run({ ...o, capturable: true }, 10);
      const resumed = run({ ...o, capturable: true }, 10, 4);
      full.ps.forEach((p, i) => expectBits(resumed.ps[i]!.toFloat32Array(), Array.from(p.toFloat32Array()), `resumed param ${i}`));
      for (const foreach of [true, false]) {
        const other = run({ ...o, capturable: true, foreach }, 10);
        full.ps.forEach((p, i) => expectBits(other.ps[i]!.toFloat32Array(), Array.from(p.toFloat32Array()), `foreach ${foreach} param ${i}`));
      }
    }
  });

  it('updates a strided (transposed) parameter like its contiguous copy', () => {
    for (const capturable of [true, false]) {
      const base = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
      const view = base.transpose(0, 1); // [3, 2], not contiguous, a leaf
      const dense = view.contiguous().detach();
      const g = tensor([0.5, -1, 2, 0.25, -0.5, 1], { shape: [3, 2] });
      const a = new ASGD([view], { capturable, t0: 0, weightDecay: 0.1 });
      const b = new ASGD([dense], { capturable, t0: 0, weightDecay: 0.1 });
      for (let k = 0; k < 3; k++) {
        view.grad = g; dense.grad = g;
        a.step(); b.step();
      }
      expect(view.isContiguous()).toBe(false);
      expectBits(view.toFloat32Array(), Array.from(dense.toFloat32Array()), `capturable ${capturable}: param`);
      expectBits((a.state.get(view)!['ax'] as Tensor).toFloat32Array(), Array.from((b.state.get(dense)!['ax'] as Tensor).toFloat32Array()), 'ax');
    }
  });
});

describe('differentiable', () => {
  it('a leaf that requires grad is refused before any parameter moves (PyTorch fails mid-step)', () => {
    const base = leaf([1, 2]);
    const nonLeaf = base.mul(1);
    const bad = leaf([3]);
    const opt = new ASGD([nonLeaf, bad], { differentiable: true });
    nonLeaf.grad = tensor([1, 1]); bad.grad = tensor([1]);
    expect(() => opt.step()).toThrow('a leaf Variable that requires grad is being used in an in-place operation');
    expect(snap([nonLeaf, bad])).toEqual([[1, 2], [3]]);
    expect(opt.state.size).toBe(0);
  });

  it('an optimizer built differentiable records every group, even one with differentiable: false (as PyTorch)', () => {
    for (const make of [
      (ps: Tensor[]) => new ASGD([{ params: ps, differentiable: false }], { differentiable: true, lr: 0.5, lambd: 0.1 }),
      (ps: Tensor[]) => new SGD([{ params: ps, differentiable: false }], { differentiable: true, lr: 0.5, momentum: 0.9 }),
    ]) {
      const base = leaf([0.5, -1.5]);
      const g = leaf([0.3, 0.7]);
      const p = base.mul(1);
      const opt: Optimizer<object> = make([p]) as never;
      p.grad = g;
      opt.step();
      const [dp, dg] = autogradGrad(p.sum(), [base, g]);
      expect(dp).not.toBeNull();
      expect(Array.from(dg!.toFloat32Array()).every((v) => v < 0)).toBe(true);
    }
  });

  it('differentiable SGD gives the same bits as the plain path', () => {
    for (const o of [{ momentum: 0.9 }, { momentum: 0.9, nesterov: true, weightDecay: 0.1 }, { momentum: 0.5, dampening: 0.2, maximize: true }]) {
      manualSeed(3);
      const init = randn([7]);
      const grads = Array.from({ length: 6 }, () => randn([7]));
      const a = init.detach().clone().requiresGrad_();
      const b = init.detach().clone().requiresGrad_().mul(1);
      const oa = new SGD([a], { lr: 0.1, ...o });
      const ob = new SGD([b], { lr: 0.1, ...o, differentiable: true });
      for (const g of grads) { a.grad = g; b.grad = g; oa.step(); ob.step(); }
      expectBits(b.toFloat32Array(), Array.from(a.toFloat32Array()), JSON.stringify(o));
    }
  });

  it('differentiable ASGD gives the same bits as the plain path, parameter, ax and schedule, before and past t0 (mu < 1)', () => {
    for (const o of [{ t0: 2 }, { t0: 0, weightDecay: 0.1 }, { t0: 3, weightDecay: 0.05, maximize: true }, { t0: 1, lr: tensor(0.05) }]) {
      manualSeed(4);
      const init = randn([7]);
      const grads = Array.from({ length: 8 }, () => randn([7]));
      const a = init.detach().clone().requiresGrad_();
      const b = init.detach().clone().requiresGrad_().clone(); // a non-leaf parameter
      const base = { lr: 0.05, lambd: 0.1 };
      const oa = new ASGD([a], { ...base, ...o });
      const ob = new ASGD([b], { ...base, ...o, differentiable: true });
      grads.forEach((g, k) => {
        a.grad = g; b.grad = g;
        oa.step(); ob.step();
        const [sa, sb] = [oa.state.get(a)!, ob.state.get(b)!];
        const label = `${JSON.stringify(o)} step ${k + 1}`;
        expectBits(b.toFloat32Array(), Array.from(a.toFloat32Array()), `${label}: param`);
        expectBits((sb['ax'] as Tensor).toFloat32Array(), Array.from((sa['ax'] as Tensor).toFloat32Array()), `${label}: ax`);
        expect([sb['step'], sb['eta'], sb['mu']], `${label}: step, eta, mu`).toEqual([sa['step'], sa['eta'], sa['mu']]);
      });
      // The run went past t0: the last steps averaged with mu < 1, not the mu = 1 copy.
      expect(oa.state.get(a)!['mu'] as number).toBeLessThan(1);
      expect(b.gradFn, 'the differentiable path recorded a graph').not.toBeNull();
    }
  });
});

describe('step validates options edited in place, before anything moves', () => {
  it.each([
    ['ASGD lr set to -1', () => new ASGD([leaf([1])]), 'lr', -1, RangeError, 'ASGD.step: param_groups[1]: Invalid learning rate: -1'],
    ['ASGD lambd set to NaN', () => new ASGD([leaf([1])]), 'lambd', NaN, RangeError, 'ASGD.step: param_groups[1]: Invalid lambd value: nan'],
    ['SGD momentum set to a string', () => new SGD([leaf([1])]), 'momentum', '0.9', TypeError, 'SGD.step: param_groups[1]: Invalid momentum value: 0.9'],
  ] as const)('%s', (_n, make, key, value, type, message) => {
    const opt = make() as unknown as Optimizer<object>;
    const w0 = opt.paramGroups[0]!.params[0]!;
    const w1 = leaf([2]);
    opt.addParamGroup({ params: [w1] });
    w0.grad = tensor([1]); w1.grad = tensor([1]);
    (opt.paramGroups[1] as Record<string, unknown>)[key] = value;
    expect(() => opt.step()).toThrow(type);
    expect(() => opt.step()).toThrow(message);
    expect(snap([w0, w1])).toEqual([[1], [2]]);
    expect(opt.state.size).toBe(0);
  });
});

describe('messages print numbers as Python does', () => {
  const p = (): Tensor => leaf([1]);
  it.each([
    ['a 0-d tensor lr prints as a float', () => new ASGD([p()], { lr: tensor(-1) }), 'Invalid learning rate: -1.0'],
    ['float32 noise of a tensor lr is kept', () => new ASGD([p()], { lr: tensor(-0.1) }), 'Invalid learning rate: -0.10000000149011612'],
    ['a 1-element 1-D tensor lr prints its repr', () => new ASGD([p()], { lr: tensor([-0.1]) }), 'Invalid learning rate: tensor([-0.1000])'],
    ['small floats use Python exponents', () => new ASGD([p()], { lr: -1e-5 }), 'Invalid learning rate: -1e-05'],
    ['a NaN tensor lr', () => new ASGD([p()], { lr: tensor(NaN) }), 'Invalid learning rate: nan'],
    ['infinite lambd', () => new ASGD([p()], { lambd: Infinity }), 'Invalid lambd value: inf'],
    ['negative alpha', () => new ASGD([p()], { alpha: -0.5 }), 'Invalid alpha value: -0.5'],
  ] as const)('%s', (_n, fn, message) => {
    expect(fn).toThrow(RangeError);
    expect(fn).toThrow(message);
  });
});

describe('hooks and averaging, more', () => {
  it('a hook registered from inside a hook does not fire in the same step', () => {
    const opt = new SGD([leaf([1])]);
    const log: string[] = [];
    const outer = opt.registerStepPreHook(() => {
      log.push('outer');
      opt.registerStepPreHook(() => void log.push('inner'));
      outer.remove();
    });
    opt.step();
    expect(log).toEqual(['outer']);
    opt.step();
    expect(log).toEqual(['outer', 'inner']);
  });

  it('handle ids increase globally across hook kinds and optimizers', () => {
    const a = new SGD([leaf([1])]), b = new ASGD([leaf([1])]);
    const ids = [a.registerStepPostHook(() => {}), registerOptimizerStepPreHook(() => {}), b.registerLoadStateDictPostHook(() => {})].map((h) => { h.remove(); return h.id; });
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
  });

  it('withAveraged restores after a non-native thenable settles', async () => {
    const w = leaf([1, 2]);
    const opt = new ASGD([w], { t0: 0, lr: 0.1 });
    for (let k = 0; k < 3; k++) { w.grad = tensor([1, -1]); opt.step(); }
    const live = snap([w]);
    const ax = Array.from((opt.state.get(w)!['ax'] as Tensor).toFloat32Array());
    // Reads the parameter when it settles: the averages must still be in place then.
    const thenable = { then: (ok: (v: number[][]) => void) => setTimeout(() => ok(snap([w])), 1) };
    await expect(opt.withAveraged(() => thenable as unknown as Promise<number[][]>)).resolves.toEqual([ax]);
    expect(snap([w])).toEqual(live);
  });

  it('zeroGrad(false) detaches a grad that has a graph and zeroes it in place', () => {
    const w = leaf([1, 2]);
    const opt = new SGD([w]);
    const g = leaf([3, 4]).mul(2); // has a gradFn
    w.grad = g;
    opt.zeroGrad(false);
    expect(w.grad).toBe(g);
    expect([g.gradFn, g.requiresGrad, Array.from(g.toFloat32Array())]).toEqual([null, false, [0, 0]]);
  });
});

describe('property (fast-check): tensor lr and capturable, foreach = for-loop and resume = uninterrupted', () => {
  it('ASGD', () => {
    const opts = fc.record({
      lr: fc.double({ min: 1e-4, max: 0.5, noNaN: true }), lambd: fc.double({ min: 0, max: 0.5, noNaN: true }),
      alpha: fc.double({ min: 0, max: 1, noNaN: true }), t0: fc.integer({ min: 0, max: 5 }),
      weightDecay: fc.constantFrom(0, 0.05), maximize: fc.boolean(), capturable: fc.boolean(), tensorLr: fc.boolean(),
    });
    fc.assert(fc.property(opts, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1000 }), ({ tensorLr, ...o }, steps, seed) => {
      manualSeed(seed);
      const shapes = [[3], [2, 2], []];
      const init = shapes.map((s) => randn(s));
      const grads = Array.from({ length: steps }, () => shapes.map((s) => randn(s)));
      const options = (foreach: boolean): object => ({ ...o, lr: tensorLr ? tensor(o.lr) : o.lr, foreach });
      const go = (foreach: boolean, split?: number): number[][] => {
        let ps = init.map((t) => t.detach().clone().requiresGrad_());
        let opt = new ASGD(ps, options(foreach));
        for (let k = 0; k < steps; k++) {
          if (k === split) {
            const sd = opt.stateDict();
            ps = ps.map((p) => p.detach().clone().requiresGrad_());
            opt = new ASGD(ps, options(foreach));
            opt.loadStateDict(sd);
          }
          ps.forEach((p, i) => (p.grad = grads[k]![i]!));
          opt.step();
        }
        return snap(ps);
      };
      const ref = go(false);
      expect(go(true)).toEqual(ref);
      expect(go(true, Math.floor(steps / 2))).toEqual(ref);
    }), { numRuns: 60 });
  });
});

describe('a zero-size parameter', () => {
  it('steps without error and gets state of its shape', () => {
    const w = zeros([0, 3]).requiresGrad_();
    const opt = new ASGD([w]);
    w.grad = zeros([0, 3]);
    opt.step();
    expect((opt.stateDict().state[0]!['ax'] as Tensor).shape).toEqual([0, 3]);
  });
});

describe('asgdSchedule: each kind is its own formula, whatever the hyper-parameters flag', () => {
  it("'tensor-lr' gives the tensor-lr eta even when h.lrIsTensor is false, and the for-loop mu (t0 not a float32)", () => {
    const h = H({ lr: 0.05, lambd: 0.1, alpha: 0.75, t0: 0.3 });
    let etaDiffersFromFloat = false, muDiffersFromCapturable = false;
    for (let step = 1; step <= 30; step++) {
      const got = functional.asgdSchedule('tensor-lr', h, step);
      expect(got, `step ${step}`).toEqual(functional.asgdSchedule('tensor-lr', { ...h, lrIsTensor: true }, step));
      expect(got.mu, `step ${step}: mu`).toBe(f32(1 / Math.max(1, step - 0.3)));
      etaDiffersFromFloat ||= got.eta !== functional.asgdSchedule('float', h, step).eta;
      muDiffersFromCapturable ||= got.mu !== functional.asgdSchedule('capturable', { ...h, lrIsTensor: true }, step).mu;
    }
    // The case discriminates: the other formulas round differently on some of these steps.
    expect([etaDiffersFromFloat, muDiffersFromCapturable]).toEqual([true, true]);
  });
});
