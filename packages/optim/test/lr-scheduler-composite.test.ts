/**
 * ChainedScheduler and SequentialLR (src/lr-scheduler/composite.ts): what Stryker's run over the
 * file (6 December 2026, session 10) found untested. Their construction checks and messages,
 * one scheduler alone, a step that throws after an earlier scheduler changed the lr, nested
 * composites (PyTorch 2.x's `recursive_undo`; 1.13 fails on them, so their lrs are worked out
 * by hand from 2.x's code), the composites' checks of their inner schedulers, and `_schedulers`
 * loads that are not lists.
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '@tensile/tensor';
import {
  SGD, LRScheduler, type Optimizer,
  ChainedScheduler, ConstantLR, ExponentialLR, LinearLR, MultiplicativeLR, ReduceLROnPlateau, SequentialLR, StepLR,
} from '@tensile/optim';
import { sgd, thrown, type Opt } from './helpers.js';
import { silenceWarnings } from './scheduler-helpers.js';

const warn = silenceWarnings();

const sgdMomentum = (lrs: number[] = [0.1]): Opt => sgd(lrs, { momentum: 0.9 });
const lrs = (o: Opt): number[] => o.paramGroups.map((g) => (g as Record<string, unknown>)['lr'] as number);
const addGroup = (o: Opt): void => o.addParamGroup({ params: [zeros([1], { requiresGrad: true })], lr: 0.2 });

/** The lr of every step (the value after construction first) of `steps` optimizer + scheduler steps. */
function trace(opt: Opt, s: LRScheduler, steps: number): number[][] {
  const out = [lrs(opt)];
  for (let i = 0; i < steps; i++) {
    opt.step();
    s.step();
    out.push(lrs(opt));
    expect(s.getLastLr()).toEqual(lrs(opt));
  }
  return out;
}


describe('construction checks, with their messages', () => {
  it('ChainedScheduler: not a list, an empty list, a non-scheduler first or later, a scheduler of another optimizer, ReduceLROnPlateau', () => {
    const o = sgdMomentum();
    expect(() => new ChainedScheduler(5 as never)).toThrow(new TypeError('ChainedScheduler: schedulers must be a list, got int'));
    expect(thrown(() => new ChainedScheduler(5 as never))).toBeInstanceOf(TypeError);
    expect(thrown(() => new ChainedScheduler([]))).toBeInstanceOf(RangeError);
    const noOptimizer = thrown(() => new ChainedScheduler([{} as never]));
    expect(noOptimizer).toBeInstanceOf(TypeError);
    expect(noOptimizer.message).toBe('ChainedScheduler at index 0 should have `optimizer` as its attribute.');
    const later = thrown(() => new ChainedScheduler([new StepLR(o, { stepSize: 2 }), { optimizer: o } as never]));
    expect(later).toBeInstanceOf(TypeError);
    expect(later.message).toBe('ChainedScheduler at index 1 should have `optimizer` as its attribute.');
    const other = sgdMomentum();
    const foreign = thrown(() => new ChainedScheduler([new StepLR(o, { stepSize: 2 }), new ExponentialLR(other, { gamma: 0.9 })]));
    expect(foreign).toBeInstanceOf(RangeError);
    expect(foreign.message).toBe(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler ExponentialLR at index 1 has ${String(other)}, which is different from SGD.`);
    // an optimizer given explicitly: the first scheduler is checked against it too
    const first = thrown(() => new ChainedScheduler([new StepLR(other, { stepSize: 2 })], o));
    expect(first.message).toBe(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler StepLR at index 0 has ${String(other)}, which is different from SGD.`);
    const plateau = thrown(() => new ChainedScheduler([new StepLR(o, { stepSize: 2 }), new ReduceLROnPlateau(o)]));
    expect(plateau).toBeInstanceOf(RangeError);
    expect(plateau.message).toMatch(/^ChainedScheduler does not support `ReduceLROnPlateau` scheduler .* at index 1 in the given schedulers sequence\.$/);
  });

  it('SequentialLR: options, lists, lastEpoch, milestones, a non-scheduler, another optimizer', () => {
    const o = sgdMomentum();
    const two = (): LRScheduler[] => [new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })];
    const cases: [() => unknown, typeof TypeError | typeof RangeError, string][] = [
      [() => new SequentialLR(o, { schedulers: two(), milestones: [2], lastEpohc: 3 } as never), TypeError, "SequentialLR: unknown option 'lastEpohc' (options: schedulers, milestones, lastEpoch)"],
      [() => new SequentialLR(o, { milestones: [2] }), TypeError, "SequentialLR: missing required option 'schedulers'"],
      [() => new SequentialLR(o, { schedulers: two() }), TypeError, "SequentialLR: missing required option 'milestones'"],
      [() => new SequentialLR(o, { schedulers: 'ab' as never, milestones: [2] }), TypeError, 'SequentialLR: schedulers must be a list, got str'],
      [() => new SequentialLR(o, { schedulers: two(), milestones: 2 as never }), TypeError, 'SequentialLR: milestones must be a list, got int'],
      [() => new SequentialLR(o, { schedulers: two(), milestones: [2], lastEpoch: -2 }), RangeError, 'SequentialLR: lastEpoch must be an integer >= -1, got -2'],
      [() => new SequentialLR(o, { schedulers: [], milestones: [] }), RangeError, 'SequentialLR expects at least one scheduler, but got no scheduler.'],
      [() => new SequentialLR(o, { schedulers: two(), milestones: [2.5] }), RangeError, 'SequentialLR: milestones[0] must be a non-negative integer, got 2.5'],
      [() => new SequentialLR(o, { schedulers: [two()[0]!, {} as never], milestones: [2] }), TypeError, 'SequentialLR at index 1 should have `optimizer` as its attribute.'],
      [() => new SequentialLR(o, { schedulers: [two()[0]!, new StepLR(sgdMomentum(), { stepSize: 2 })], milestones: [2] }), RangeError, 'SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler StepLR at index 1 has '],
    ];
    for (const [f, kind, message] of cases) {
      const e = thrown(f);
      expect(e, message).toBeInstanceOf(kind);
      if (message.endsWith(' has ')) expect(e.message.startsWith(message), e.message).toBe(true);
      else expect(e.message).toBe(message);
    }
  });

  it("SequentialLR over a group added after its schedulers were made: PyTorch's KeyError 'initial_lr', as a RangeError naming the group", () => {
    const o = sgdMomentum();
    const inner = [new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })];
    addGroup(o);
    const e = thrown(() => new SequentialLR(o, { schedulers: inner, milestones: [2] }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("'initial_lr' (param_groups[1])");
  });
});

describe('one scheduler alone', () => {
  it('a ChainedScheduler of one scheduler runs as that scheduler', () => {
    const a = sgdMomentum([0.1, 0.3]);
    const b = sgdMomentum([0.1, 0.3]);
    const chained = trace(a, new ChainedScheduler([new StepLR(a, { stepSize: 2, gamma: 0.5 })]), 6);
    expect(chained).toEqual(trace(b, new StepLR(b, { stepSize: 2, gamma: 0.5 }), 6));
  });

  it('a SequentialLR of one scheduler and no milestones runs as that scheduler', () => {
    const a = sgdMomentum([0.1, 0.3]);
    const b = sgdMomentum([0.1, 0.3]);
    const sequential = trace(a, new SequentialLR(a, { schedulers: [new LinearLR(a, { startFactor: 0.25, totalIters: 4 })], milestones: [] }), 6);
    expect(sequential).toEqual(trace(b, new LinearLR(b, { startFactor: 0.25, totalIters: 4 }), 6));
  });
});

describe('getLr() of the composites: the groups\' current lrs', () => {
  it('ChainedScheduler and SequentialLR', () => {
    const o = sgdMomentum([0.1, 0.3]);
    const c = new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })]);
    expect(c.getLr()).toEqual([0.05, 0.15]);
    const p = sgdMomentum([0.1, 0.3]);
    const s = new SequentialLR(p, { schedulers: [new ConstantLR(p, { factor: 0.5, totalIters: 2 }), new ExponentialLR(p, { gamma: 0.9 })], milestones: [2] });
    expect(s.getLr()).toEqual([0.05, 0.15]);
  });
});

describe('a ChainedScheduler step that throws changes nothing', () => {
  it('the lr the first scheduler wrote in that step is put back', () => {
    const o = sgdMomentum([0.1]);
    const c = new ChainedScheduler([new ExponentialLR(o, { gamma: 0.5 }), new ExponentialLR(o, { gamma: 1e150 })]);
    o.step();
    c.step(); // 0.1 * 0.5 * 1e150
    o.step();
    c.step(); // 0.1 * 0.25 * 1e300
    const before = [lrs(o), c.getLastLr(), c.schedulers.map((s) => s.lastEpoch)];
    o.step();
    expect(() => c.step()).toThrow('ExponentialLR.step: the schedule gives param_groups[0] the lr inf at epoch 3');
    expect([lrs(o), c.getLastLr(), c.schedulers.map((s) => s.lastEpoch)]).toEqual(before);
  });
});

describe("nested composites: PyTorch 2.x's recursive_undo (1.13 cannot nest them)", () => {
  // Expected values worked out by hand from 2.x's lr_scheduler.py, which src/ follows: SequentialLR
  // resets the lrs to initial_lr, recursive_undo takes one epoch off every non-composite scheduler
  // inside (a composite's own last_epoch is left), then _initial_step()s the first. Only the
  // stepped scheduler's own _is_initial is set, so the inner ExponentialLR of a ChainedScheduler
  // multiplies at its epoch 0 (its get_lr keeps the lr only while _is_initial).
  it('a ChainedScheduler inside a SequentialLR', () => {
    const a = sgdMomentum([0.1]);
    const chained = new ChainedScheduler([new ConstantLR(a, { factor: 0.5, totalIters: 2 }), new ExponentialLR(a, { gamma: 0.9 })]);
    const seq = new SequentialLR(a, { schedulers: [chained, new StepLR(a, { stepSize: 2, gamma: 0.1 })], milestones: [4] });
    expect(chained.schedulers.map((s) => s.lastEpoch)).toEqual([0, 0]);
    const c0 = 0.1 * 0.5 * 0.9; // ConstantLR at its epoch 0, then ExponentialLR at its epoch 0
    const c2 = c0 * 0.9 * (1 / 0.5) * 0.9; // epoch 2: ConstantLR's total_iters lifts the factor
    // epochs 4-7: StepLR from its epoch 0 (closed form: initial_lr), then its chainable form
    expect(trace(a, seq, 7).map((x) => x[0])).toEqual([c0, c0 * 0.9, c2, c2 * 0.9, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1]);
  });

  it('a SequentialLR inside a SequentialLR: the inner one is an epoch ahead of its schedulers', () => {
    const a = sgdMomentum([0.1]);
    const inner = new SequentialLR(a, { schedulers: [new ConstantLR(a, { factor: 0.5, totalIters: 2 }), new ExponentialLR(a, { gamma: 0.9 })], milestones: [2] });
    const seq = new SequentialLR(a, { schedulers: [inner, new ExponentialLR(a, { gamma: 0.5 })], milestones: [5] });
    expect(inner.lastEpoch).toBe(1);
    expect(inner.schedulers.map((s) => s.lastEpoch)).toEqual([0, -2]);
    // inner epoch 2 (its milestone) comes at the outer step 1: its ExponentialLR from epoch 0
    expect(trace(a, seq, 4).map((x) => x[0])).toEqual([0.05, 0.1, 0.1 * 0.9, 0.1 * 0.9 * 0.9, 0.1 * 0.9 * 0.9 * 0.9]);
  });

  it("a composite's check runs every inner scheduler's: a SequentialLR's later scheduler and a ChainedScheduler at a SequentialLR milestone", () => {
    const message = 'MultiplicativeLR.step: the optimizer has 2 param groups but MultiplicativeLR has 1 lr_lambdas';
    // A SequentialLR in a ChainedScheduler: its MultiplicativeLR is not the one stepping yet.
    const o = sgdMomentum([0.1]);
    const c = new ChainedScheduler([new SequentialLR(o, { schedulers: [new ExponentialLR(o, { gamma: 0.5 }), new MultiplicativeLR(o, { lrLambda: () => 0.9 })], milestones: [5] })]);
    o.step();
    c.step();
    addGroup(o);
    const before = [lrs(o), c.getLastLr()];
    o.step();
    expect(() => c.step()).toThrow(message);
    expect([lrs(o), c.getLastLr()]).toEqual(before);
    // A ChainedScheduler reached at a SequentialLR milestone, where it is not stepped.
    const p = sgdMomentum([0.1]);
    const s = new SequentialLR(p, { schedulers: [new ExponentialLR(p, { gamma: 0.5 }), new ChainedScheduler([new ExponentialLR(p, { gamma: 0.9 }), new MultiplicativeLR(p, { lrLambda: () => 0.9 })])], milestones: [2] });
    p.step();
    s.step();
    addGroup(p);
    p.step();
    expect(() => s.step()).toThrow(message);
  });
});

describe('_schedulers loads', () => {
  it('a value that is not a list is a TypeError naming the key', () => {
    const o = sgdMomentum();
    const c = new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })]);
    for (const bad of [{ 0: {}, 1: {}, length: 2 }, 'ab', null]) {
      const e = thrown(() => c.loadStateDict({ ...c.stateDict(), _schedulers: bad }));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toMatch(/^ChainedScheduler\.loadStateDict: _schedulers must be a list of 2 state dicts, got (dict|str|NoneType)$/);
    }
  });

  it('what a custom inner scheduler throws that is not an Error passes through unchanged', () => {
    class Picky extends LRScheduler {
      constructor(o: Opt) {
        super(o);
        this.initialStep();
      }
      getLr(): number[] {
        return this.groupLrs();
      }
      protected override checkLoaded(): void {
        throw 'picky refuses'; // eslint-disable-line no-throw-literal
      }
    }
    const o = sgdMomentum();
    const c = new ChainedScheduler([new Picky(o)]);
    let caught: unknown;
    try {
      c.loadStateDict(c.stateDict());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe('picky refuses');
  });
});
