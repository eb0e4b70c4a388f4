/**
 * The contract every optimizer keeps, run over the registry (test/registry): PyTorch's
 * table-driven optimizer tests in our terms. Numbers against PyTorch itself live in each
 * optimizer's fixture test; this suite pins the behaviour that must not differ between them.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, randn, manualSeed } from '@tensile/tensor';
import { registerOptimizerStepPostHook, registerOptimizerStepPreHook, type Optimizer, type OptimizerStateDict } from '@tensile/optim';
import { OPTIMIZERS, type OptimizerEntry } from './registry/index.js';
import { expectBits } from './helpers.js';

const SHAPES = [[3], [2, 3], [5]];
const bits = (t: Tensor): string => Array.from(new Uint32Array(t.toFloat32Array().buffer)).join(',');

/** A seeded problem: parameters, per-step gradients (one parameter skips a step now and then). */
function problem(seed: number, steps: number): { init: Tensor[]; grads: (Tensor | null)[][] } {
  manualSeed(seed);
  const init = SHAPES.map((s) => randn(s));
  const grads = Array.from({ length: steps }, (_, k) => SHAPES.map((s, i) => (k % 4 === 3 && i === 1 ? null : randn(s))));
  return { init, grads };
}

/** Runs steps [from, to) of the problem on `ps`; closure optimizers get the gradients through the closure. */
function run(e: OptimizerEntry, opt: Optimizer<object>, ps: Tensor[], grads: (Tensor | null)[][], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const set = (): number => {
      ps.forEach((p, i) => (p.grad = grads[k]![i] ? grads[k]![i]!.clone() : null));
      return ps.reduce((a, p) => a + p.toFloat32Array().reduce((x, y) => x + y * y, 0), 0);
    };
    if (e.needsClosure) opt.step(set);
    else {
      set();
      opt.step();
    }
  }
}

const fresh = (init: Tensor[]): Tensor[] => init.map((t) => t.detach().clone().requiresGrad_());
const snapshot = (opt: Optimizer<object>, ps: Tensor[]): string => JSON.stringify({
  ps: ps.map(bits),
  state: [...opt.state].map(([k, s]) => [k instanceof Tensor ? ps.indexOf(k) : k, Object.entries(s as Record<string, unknown>).map(([n, v]) => [n, v instanceof Tensor ? bits(v) : Array.isArray(v) ? v.map((x) => (x instanceof Tensor ? bits(x) : x)) : v])]),
});

for (const e of OPTIMIZERS) {
  describe(`${e.name}: the optimizer contract`, () => {
    it.each(e.combos.map((c) => [JSON.stringify(c, (_k, v) => (v instanceof Tensor ? `tensor(${String(v.item())})` : v)), c] as const))('%s: foreach = for-loop, bit for bit', (_n, c) => {
      if (!e.foreach) return;
      const { init, grads } = problem(1, 10);
      const a = fresh(init), b = fresh(init);
      run(e, e.make(a, { ...c, foreach: false }), a, grads, 0, 10);
      run(e, e.make(b, { ...c, foreach: true }), b, grads, 0, 10);
      a.forEach((p, i) => expectBits(p.toFloat32Array(), Array.from(b[i]!.toFloat32Array()), `param ${i}`));
    });

    it.each(e.combos.map((c) => [JSON.stringify(c, (_k, v) => (v instanceof Tensor ? `tensor(${String(v.item())})` : v)), c] as const))('%s: save, load into a new optimizer, continue = uninterrupted, bit for bit', (_n, c) => {
      const { init, grads } = problem(2, 10);
      const full = fresh(init);
      const fullOpt = e.make(full, c);
      run(e, fullOpt, full, grads, 0, 10);
      const half = fresh(init);
      const halfOpt = e.make(half, c);
      run(e, halfOpt, half, grads, 0, 5);
      const sd = JSON.parse(JSON.stringify(halfOpt.stateDict(), (_k, v) => (v instanceof Tensor ? { __tensor: Array.from(v.toFloat32Array()), shape: v.shape } : v)), (_k, v) => (v && typeof v === 'object' && '__tensor' in v ? tensor(v.__tensor as number[], { shape: v.shape as number[] }) : v)) as OptimizerStateDict;
      const resumed = half.map((p) => p.detach().clone().requiresGrad_());
      const resumedOpt = e.make(resumed, c);
      resumedOpt.loadStateDict(sd); // through JSON, as a checkpoint file would carry it
      run(e, resumedOpt, resumed, grads, 5, 10);
      resumed.forEach((p, i) => expectBits(p.toFloat32Array(), Array.from(full[i]!.toFloat32Array()), `param ${i}`));
      expect(snapshot(resumedOpt, resumed)).toBe(snapshot(fullOpt, full));
    });

    it('stateDict is a snapshot and loadStateDict copies: stepping one never moves the other', () => {
      const { init, grads } = problem(3, 6);
      const ps = fresh(init);
      const opt = e.make(ps, e.combos[0]!);
      run(e, opt, ps, grads, 0, 3);
      const sd = opt.stateDict();
      const before = JSON.stringify(sd, (_k, v) => (v instanceof Tensor ? bits(v) : v));
      run(e, opt, ps, grads, 3, 6);
      expect(JSON.stringify(sd, (_k, v) => (v instanceof Tensor ? bits(v) : v))).toBe(before);
      const other = fresh(init);
      const opt2 = e.make(other, e.combos[0]!);
      opt2.loadStateDict(sd);
      const mine = snapshot(opt, ps);
      run(e, opt2, other, grads, 3, 6);
      expect(snapshot(opt, ps)).toBe(mine);
    });

    it('a step that fails validation (an lr set to -1 in a group) changes neither parameters nor state', () => {
      const { init, grads } = problem(4, 4);
      const ps = fresh(init);
      const opt = e.make(ps, e.combos[0]!);
      run(e, opt, ps, grads, 0, 2);
      const before = snapshot(opt, ps);
      (opt.paramGroups[0] as Record<string, unknown>)['lr'] = -1;
      expect(() => run(e, opt, ps, grads, 2, 3)).toThrow(/Invalid learning rate: -1/);
      expect(snapshot(opt, ps)).toBe(before);
    });

    it('hooks run in PyTorch order: global pre, pre, step, post, global post', () => {
      const { init, grads } = problem(5, 1);
      const ps = fresh(init);
      const opt = e.make(ps, e.combos[0]!);
      const order: string[] = [];
      using g1 = registerOptimizerStepPreHook(() => { order.push('global pre'); });
      using g2 = registerOptimizerStepPostHook(() => { order.push('global post'); });
      opt.registerStepPreHook(() => { order.push('pre'); });
      opt.registerStepPostHook(() => { order.push('post'); });
      run(e, opt, ps, grads, 0, 1);
      void g1; void g2;
      expect(order).toEqual(['global pre', 'pre', 'post', 'global post']);
    });

    it("refuses unknown options, an options bag that is not one, and PyTorch's CUDA-only fused", () => {
      const ps = [tensor([1, 2], { requiresGrad: true })];
      expect(() => e.make(ps, { lrr: 0.1 })).toThrow(`${e.name}: unknown option 'lrr'`);
      expect(() => e.make(ps, { constructor: 1 } as Record<string, unknown>)).toThrow(`${e.name}: unknown option 'constructor'`);
      if (e.foreach) expect(() => e.make(ps, { fused: true })).toThrow(/fused/);
    });

    it("refuses a flag that is not a boolean ('yes', 0) in the constructor, addParamGroup and a loaded group; foreach and fused may be unset", () => {
      const ps = [tensor([1, 2], { requiresGrad: true })];
      const opt = e.make(ps, e.combos[0]!);
      const defaults = opt.defaults as Record<string, unknown>;
      const flags = Object.keys(defaults).filter((k) => typeof defaults[k] === 'boolean' || defaults[k] === undefined);
      expect(flags).toContain('maximize');
      if (e.foreach) expect(flags).toContain('foreach');
      const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      for (const k of flags) {
        for (const bad of ['yes', 0]) {
          const label = `${e.name} ${k}: ${JSON.stringify(bad)}`;
          // AdamW refuses decoupledWeightDecay as an option at all (it always decouples).
          expect(() => e.make(ps, { ...e.combos[0], [k]: bad }), label).toThrow(new RegExp(`Invalid ${k} value: ${bad}|unknown option '${k}'`));
          expect(() => opt.addParamGroup({ params: [tensor([1], { requiresGrad: true })], [k]: bad }), label).toThrow(`Invalid ${k} value: ${bad}`);
          const sd = opt.stateDict();
          expect(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], [snake(k)]: bad }] }), label).toThrow(`param_groups[0]: Invalid ${k} value: ${bad}`);
        }
        if (defaults[k] === undefined) for (const unset of [null, undefined, false]) expect(() => e.make(ps, { ...e.combos[0], [k]: unset }), `${k}: ${String(unset)}`).not.toThrow();
      }
      expect(opt.paramGroups.length).toBe(1);
    });

    it('toString prints a PyTorch-style repr naming the class and every option', () => {
      const opt = e.make([tensor([1], { requiresGrad: true })], e.combos[0]!);
      const s = opt.toString();
      expect(s.startsWith(`${e.name} (\nParameter Group 0\n`)).toBe(true);
      for (const k of Object.keys(opt.defaults)) expect(s).toContain(`    ${k.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)}: `);
    });
  });
}
