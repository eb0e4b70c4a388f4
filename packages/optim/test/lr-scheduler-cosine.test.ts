/**
 * CosineAnnealingLR and CosineAnnealingWarmRestarts (src/lr-scheduler/cosine.ts): what Stryker's
 * run over the file (6 December 2026, session 10) found untested. Fixture
 * `lr_scheduler_paths.json` (scripts/fixtures/lr_scheduler_paths_fixtures.py, PyTorch 1.13; the
 * paths are the same in 2.x): CosineAnnealingLR's closed form on a first step after a load,
 * CosineAnnealingWarmRestarts' step(epoch) with T_mult 1, an epoch just below T_0, a dict loaded
 * with last_epoch -1. Then the option messages, and a step that throws.
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '@tensile/tensor';
import { SGD, CosineAnnealingLR, CosineAnnealingWarmRestarts, type LRScheduler, type Optimizer } from '@tensile/optim';
import { loadFixture, sgd, groupLrs, type Opt, stepAgainst } from './helpers.js';
import { silenceWarnings } from './scheduler-helpers.js';

interface Row { lr: number[]; last_epoch: number; T_cur?: number; T_i?: number }
interface Case {
  name: string; scheduler: 'CosineAnnealingLR' | 'CosineAnnealingWarmRestarts'; options: Record<string, number>; lrs: number[];
  set: Record<string, number> | null; setLrs: number[] | null; epochs: (number | null)[]; steps: Row[];
}
const fixture = loadFixture<{ cases: Case[] }>('lr_scheduler_paths.json');

const warn = silenceWarnings();


describe("paths against PyTorch (lr within 2 ulp, as lr-scheduler.test.ts; T_cur, T_i and last_epoch exactly)", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const opt = sgd(c.lrs);
      const s: LRScheduler = c.scheduler === 'CosineAnnealingLR' ? new CosineAnnealingLR(opt, c.options) : new CosineAnnealingWarmRestarts(opt, c.options);
      if (c.set) s.loadStateDict({ ...JSON.parse(JSON.stringify(s.stateDict())) as Record<string, unknown>, ...c.set });
      c.setLrs?.forEach((lr, i) => { (opt.paramGroups[i] as Record<string, unknown>)['lr'] = lr; });
      c.epochs.forEach((e, k) => {
        const want = c.steps[k]!;
        stepAgainst(opt, s, e, want, k);
        if (s instanceof CosineAnnealingWarmRestarts) {
          expect([s.tCur, s.tI], `step ${k + 1}: T_cur, T_i`).toEqual([want.T_cur, want.T_i]);
        }
      });
    });
  }
});

describe('option messages', () => {
  it('CosineAnnealingLR and CosineAnnealingWarmRestarts name themselves; eta_min of another type is refused with 2.x\'s message', () => {
    const o = sgd([0.1]);
    expect(() => new CosineAnnealingLR(o, {})).toThrow(new TypeError("CosineAnnealingLR: missing required option 'tMax'"));
    expect(() => new CosineAnnealingWarmRestarts(o, {})).toThrow(new TypeError("CosineAnnealingWarmRestarts: missing required option 't0'"));
    expect(() => new CosineAnnealingWarmRestarts(o, { T_0: 3 } as never)).toThrow(new TypeError("CosineAnnealingWarmRestarts: unknown option 'T_0' (options: t0, tMult, etaMin, lastEpoch)"));
    // PyTorch 2.x: ValueError(f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}") (1.13 has no check)
    let e: unknown;
    try {
      new CosineAnnealingWarmRestarts(o, { t0: 3, etaMin: '0' as never });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(RangeError);
    expect((e as Error).message).toBe("Expected float or int eta_min, but got 0 of type <class 'str'>");
  });

  it('CosineAnnealingWarmRestarts.step refuses an epoch that is not a finite number', () => {
    const s = new CosineAnnealingWarmRestarts(sgd([0.1]), { t0: 3 });
    expect(() => s.step(NaN)).toThrow(new RangeError('CosineAnnealingWarmRestarts.step: epoch must be a finite number, got nan'));
    expect(() => s.step(Infinity)).toThrow(new RangeError('CosineAnnealingWarmRestarts.step: epoch must be a finite number, got inf'));
  });
});

describe('CosineAnnealingWarmRestarts.step', () => {
  it('a step whose lr overflows throws, naming the scheduler, and changes nothing; the next step works', () => {
    const opt = sgd([1.7e308]);
    (opt.paramGroups[0] as Record<string, unknown>)['initialLr'] = 1.7e308;
    const s = new CosineAnnealingWarmRestarts(opt, { t0: 2, lastEpoch: 0 }); // T_cur 1: 1.7e308 * (1 + cos(pi / 2)) / 2
    const before = [s.tCur, s.tI, s.lastEpoch, groupLrs(opt), s.getLastLr()];
    opt.step();
    // the restart: T_cur 0, 1.7e308 * 2 / 2 overflows in the product
    expect(() => s.step()).toThrow(new RangeError('CosineAnnealingWarmRestarts.step: the schedule gives param_groups[0] the lr inf at epoch 2, not a finite number (nothing was changed)'));
    expect([s.tCur, s.tI, s.lastEpoch, groupLrs(opt), s.getLastLr()]).toEqual(before);
    s.step(1.5);
    expect([s.tCur, s.lastEpoch]).toEqual([1.5, 1]);
  });

  it('getLr() after a step warns to use getLastLr(), as outside any step', () => {
    const opt = sgd([0.1]);
    const s = new CosineAnnealingWarmRestarts(opt, { t0: 3 });
    opt.step();
    s.step();
    expect(warn.spy).not.toHaveBeenCalled();
    s.getLr();
    expect(warn.spy).toHaveBeenCalledWith('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
  });
});
