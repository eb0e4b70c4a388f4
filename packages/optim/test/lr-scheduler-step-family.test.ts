/**
 * StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR and PolynomialLR
 * (src/lr-scheduler/step-family.ts): what Stryker's run over the file (6 December 2026, session
 * 11) found untested. Fixture `lr_scheduler_step_family.json`
 * (scripts/fixtures/lr_scheduler_step_family_fixtures.py, PyTorch 1.13; the paths are the same
 * in 2.x): step(epoch), the closed forms, at and around each schedule's edges, then step().
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '@tensile/tensor';
import {
  SGD, ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR, type LRScheduler, type Optimizer,
} from '@tensile/optim';
import { loadFixture, sgd, groupLrs, thrown, type Opt, stepAgainst, itRefuses, type Refusal } from './helpers.js';
import { silenceWarnings } from './scheduler-helpers.js';

interface Row { lr: number[]; last_epoch: number }
interface Case { name: string; scheduler: string; options: Record<string, unknown>; lrs: number[]; epochs: (number | null)[]; steps: Row[] }
const fixture = loadFixture<{ cases: Case[] }>('lr_scheduler_step_family.json');

const warn = silenceWarnings();

const make: Record<string, (o: Opt, options: never) => LRScheduler> = {
  StepLR: (o, x) => new StepLR(o, x), MultiStepLR: (o, x) => new MultiStepLR(o, x), ConstantLR: (o, x) => new ConstantLR(o, x),
  LinearLR: (o, x) => new LinearLR(o, x), ExponentialLR: (o, x) => new ExponentialLR(o, x), PolynomialLR: (o, x) => new PolynomialLR(o, x),
};


describe('paths against PyTorch (lr within 2 ulp, as lr-scheduler.test.ts; last_epoch exactly)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const opt = sgd(c.lrs);
      const s = make[c.scheduler]!(opt, c.options as never);
      c.epochs.forEach((e, k) => {
        const want = c.steps[k]!;
        stepAgainst(opt, s, e, want, k);
      });
    });
  }
});

describe('construction checks, with their messages (each names its class)', () => {
  const o = (): Opt => sgd();
  const cases: Refusal[] = [
    ['StepLR without stepSize', () => new StepLR(o(), {} as never), TypeError, "StepLR: missing required option 'stepSize'"],
    ['StepLR stepSize 1.5', () => new StepLR(o(), { stepSize: 1.5 }), RangeError, 'StepLR: stepSize must be a positive integer, got 1.5'],
    ['StepLR gamma -1', () => new StepLR(o(), { stepSize: 1, gamma: -1 }), RangeError, 'StepLR: gamma must be a finite number >= 0, got -1'],
    ['StepLR lastEpoch -2', () => new StepLR(o(), { stepSize: 1, lastEpoch: -2 }), RangeError, 'StepLR: lastEpoch must be an integer >= -1, got -2'],
    ['MultiStepLR without milestones', () => new MultiStepLR(o(), {} as never), TypeError, "MultiStepLR: missing required option 'milestones'"],
    ['MultiStepLR an unknown option', () => new MultiStepLR(o(), { milestones: [1], gama: 0.5 } as never), TypeError, "MultiStepLR: unknown option 'gama' (options: milestones, gamma, lastEpoch)"],
    ['ConstantLR an unknown option', () => new ConstantLR(o(), { total_iters: 3 } as never), TypeError, "ConstantLR: unknown option 'total_iters' (options: factor, totalIters, lastEpoch)"],
    ['LinearLR an unknown option', () => new LinearLR(o(), { start_factor: 0.5 } as never), TypeError, "LinearLR: unknown option 'start_factor' (options: startFactor, endFactor, totalIters, lastEpoch)"],
    ['ExponentialLR an unknown option', () => new ExponentialLR(o(), { gamma: 0.5, step: 1 } as never), TypeError, "ExponentialLR: unknown option 'step' (options: gamma, lastEpoch)"],
    ['PolynomialLR an unknown option', () => new PolynomialLR(o(), { total_iters: 3 } as never), TypeError, "PolynomialLR: unknown option 'total_iters' (options: totalIters, power, lastEpoch)"],
    ['MultiStepLR milestone -1', () => new MultiStepLR(o(), { milestones: [1, -1] }), RangeError, 'MultiStepLR: milestones[1] must be a non-negative integer, got -1'],
    ['MultiStepLR milestones not a list', () => new MultiStepLR(o(), { milestones: 3 as never }), TypeError, 'MultiStepLR: milestones must be a list, got int'],
    ['MultiStepLR gamma NaN', () => new MultiStepLR(o(), { milestones: [1], gamma: NaN }), RangeError, 'MultiStepLR: gamma must be a finite number >= 0, got nan'],
    ['ConstantLR factor 2 (PyTorch)', () => new ConstantLR(o(), { factor: 2 }), RangeError, 'Constant multiplicative factor expected to be between 0 and 1.'],
    ['ConstantLR factor -1 (PyTorch)', () => new ConstantLR(o(), { factor: -1 }), RangeError, 'Constant multiplicative factor expected to be between 0 and 1.'],
    ['ConstantLR factor a string', () => new ConstantLR(o(), { factor: '2' as never }), TypeError, 'ConstantLR: factor must be a number, got str'],
    ['ConstantLR factor NaN', () => new ConstantLR(o(), { factor: NaN }), RangeError, 'ConstantLR: factor must be a number in [0, 1], got nan'],
    ['ConstantLR totalIters -1', () => new ConstantLR(o(), { totalIters: -1 }), RangeError, 'ConstantLR: totalIters must be a non-negative integer, got -1'],
    ['LinearLR startFactor 0 (PyTorch)', () => new LinearLR(o(), { startFactor: 0 }), RangeError, 'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.'],
    ['LinearLR startFactor 2 (PyTorch)', () => new LinearLR(o(), { startFactor: 2 }), RangeError, 'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.'],
    ['LinearLR startFactor a string', () => new LinearLR(o(), { startFactor: '2' as never }), TypeError, 'LinearLR: startFactor must be a number, got str'],
    ['LinearLR startFactor NaN', () => new LinearLR(o(), { startFactor: NaN }), RangeError, 'LinearLR: startFactor must be a number in (0, 1], got nan'],
    ['LinearLR endFactor -1 (PyTorch)', () => new LinearLR(o(), { endFactor: -1 }), RangeError, 'Ending multiplicative factor expected to be between 0 and 1.'],
    ['LinearLR endFactor 2 (PyTorch)', () => new LinearLR(o(), { endFactor: 2 }), RangeError, 'Ending multiplicative factor expected to be between 0 and 1.'],
    ['LinearLR endFactor a string', () => new LinearLR(o(), { endFactor: '2' as never }), TypeError, 'LinearLR: endFactor must be a number, got str'],
    ['LinearLR endFactor NaN', () => new LinearLR(o(), { endFactor: NaN }), RangeError, 'LinearLR: endFactor must be a number in [0, 1], got nan'],
    ['LinearLR totalIters 0', () => new LinearLR(o(), { totalIters: 0 }), RangeError, 'LinearLR: totalIters must be a positive integer, got 0'],
    ['ExponentialLR without gamma', () => new ExponentialLR(o(), {} as never), TypeError, "ExponentialLR: missing required option 'gamma'"],
    ['ExponentialLR gamma -1', () => new ExponentialLR(o(), { gamma: -1 }), RangeError, 'ExponentialLR: gamma must be a finite number >= 0, got -1'],
    ['PolynomialLR totalIters 0', () => new PolynomialLR(o(), { totalIters: 0 }), RangeError, 'PolynomialLR: totalIters must be a positive integer, got 0'],
    ['PolynomialLR power -1', () => new PolynomialLR(o(), { power: -1 }), RangeError, 'PolynomialLR: power must be a finite number >= 0, got -1'],
    ['PolynomialLR lastEpoch 1.5', () => new PolynomialLR(o(), { lastEpoch: 1.5 }), RangeError, 'PolynomialLR: lastEpoch must be an integer >= -1, got 1.5'],
  ];
  itRefuses(cases);
});

describe('state dict loads: the checks of the keys, by message', () => {
  const json = (sd: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(sd)) as Record<string, unknown>;

  it("MultiStepLR's milestones: an object of epoch → count, as PyTorch's Counter saves them", () => {
    const opt = sgd([1]);
    const m = new MultiStepLR(opt, { milestones: [2, 4, 4], gamma: 0.5 });
    const sd = json(m.stateDict());
    expect(sd['milestones']).toEqual({ 2: 1, 4: 2 });
    const at = (v: unknown): Error => thrown(() => m.loadStateDict({ ...sd, milestones: v }));
    const refusals: [unknown, ErrorConstructor, string][] = [
      [[2, 4], TypeError, 'milestones must be an object of milestone counts ({ "30": 1 }), got list'],
      [null, TypeError, 'milestones must be an object of milestone counts ({ "30": 1 }), got NoneType'],
      [{ '01': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "01"'],
      [{ '-1': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "-1"'],
      [{ 'a1': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "a1"'],
      [{ '1a': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "1a"'],
      [{ '1.5': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "1.5"'],
      [{ '9007199254740993': 1 }, RangeError, 'milestones must be an object keyed by epochs (non-negative integers), got "9007199254740993"'],
      [{ 2: 0 }, RangeError, 'milestones["2"] must be a positive integer (how often the milestone was given), got 0'],
      [{ 2: '1' }, TypeError, 'milestones["2"] must be a positive integer (how often the milestone was given), got str'],
      [{ 2: 1.5 }, RangeError, 'milestones["2"] must be a positive integer (how often the milestone was given), got 1.5'],
      [{ 2: 2 ** 53 }, RangeError, 'milestones["2"] must be a positive integer (how often the milestone was given), got 9007199254740992'],
    ];
    for (const [v, cls, message] of refusals) {
      const e = at(v);
      expect(e, JSON.stringify(v)).toBeInstanceOf(cls);
      expect(e.message).toBe(`MultiStepLR.loadStateDict: ${message}`);
    }
    expect(m.milestones).toEqual({ 2: 1, 4: 2 });
    // accepted: epoch 0 and 10, counted twice and once; a copy (the dict given is not kept)
    const given = { 0: 2, 10: 1 };
    m.loadStateDict({ ...sd, milestones: given, last_epoch: 9 });
    given[10] = 5;
    expect(m.milestones).toEqual({ 0: 2, 10: 1 });
    opt.step();
    m.step();
    expect(groupLrs(opt)).toEqual([0.5]); // epoch 10: gamma once
    m.step(10);
    expect(groupLrs(opt)).toEqual([0.125]); // closed form: 0.5 ** (2 + 1) of the base lr 1
  });

  it('the factors: ConstantLR factor 1 constructs, 0 and 1 load, start_factor 0 is refused (the constructor\'s checks)', () => {
    expect(new ConstantLR(sgd(), { factor: 1 }).factor).toBe(1); // PyTorch refuses only factor > 1 or < 0
    const c = new ConstantLR(sgd(), {});
    const csd = json(c.stateDict());
    c.loadStateDict({ ...csd, factor: 0 });
    c.loadStateDict({ ...csd, factor: 1 });
    expect(c.factor).toBe(1);
    expect(thrown(() => c.loadStateDict({ ...csd, factor: 1.5 })).message).toBe('ConstantLR.loadStateDict: factor must be a number in [0, 1], got 1.5');
    expect(thrown(() => c.loadStateDict({ ...csd, factor: -0.1 })).message).toBe('ConstantLR.loadStateDict: factor must be a number in [0, 1], got -0.1');
    const l = new LinearLR(sgd(), {});
    const lsd = json(l.stateDict());
    expect(thrown(() => l.loadStateDict({ ...lsd, start_factor: 0 })).message).toBe('LinearLR.loadStateDict: start_factor must be a number in (0, 1], got 0');
    expect(thrown(() => l.loadStateDict({ ...lsd, start_factor: 1.5 })).message).toBe('LinearLR.loadStateDict: start_factor must be a number in (0, 1], got 1.5');
    l.loadStateDict({ ...lsd, start_factor: 1, end_factor: 0 });
    expect([l.startFactor, l.endFactor]).toEqual([1, 0]);
    expect(thrown(() => l.loadStateDict({ ...lsd, end_factor: 1.5 })).message).toBe('LinearLR.loadStateDict: end_factor must be a number in [0, 1], got 1.5');
  });
});
