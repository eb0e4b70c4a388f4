/**
 * ReduceLROnPlateau (src/lr-scheduler/plateau.ts): what Stryker's run over the file (6 December
 * 2026, session 11) found untested. Fixture `lr_scheduler_plateau.json`
 * (scripts/fixtures/lr_scheduler_plateau_fixtures.py, PyTorch 1.13; the paths are the same in
 * 2.x): metrics exactly at the threshold in each mode, a reduction of exactly eps, min_lr clamps,
 * the min_lr list copied, cooldowns, step(metric, epoch). Then the construction checks and their
 * messages, and the paths 1.13 does not have (2.x's default_min_lr).
 */
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '@tensile/tensor';
import { SGD, ReduceLROnPlateau, type Optimizer, type ReduceLROnPlateauOptions } from '@tensile/optim';
import { loadFixture, sgd, groupLrs, thrown, type Opt, itRefuses, type Refusal } from './helpers.js';
import { silenceWarnings } from './scheduler-helpers.js';

interface Row { lr: number[]; best: number | null; num_bad_epochs: number; cooldown_counter: number; last_epoch: number }
interface Case {
  name: string; options: Partial<ReduceLROnPlateauOptions>; lrs: number[]; mutateMinLr: number[] | null;
  set: Record<string, number> | null; metrics: (number | [number, number])[]; steps: Row[];
}
const fixture = loadFixture<{ cases: Case[] }>('lr_scheduler_plateau.json');

const warn = silenceWarnings();

const addGroup = (o: Opt, lr = 0.2): void => o.addParamGroup({ params: [zeros([1], { requiresGrad: true })], lr });


describe('paths against PyTorch (lr, best, num_bad_epochs, cooldown_counter, last_epoch exactly)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const opt = sgd(c.lrs);
      const options = { ...c.options, ...(Array.isArray(c.options.minLr) ? { minLr: [...c.options.minLr] } : {}) };
      const s = new ReduceLROnPlateau(opt, options);
      if (c.mutateMinLr) (options.minLr as number[]).splice(0, c.mutateMinLr.length, ...c.mutateMinLr);
      c.metrics.forEach((m, k) => {
        opt.step();
        if (Array.isArray(m)) s.step(m[0], m[1]);
        else s.step(m);
        const want = c.steps[k]!;
        const best = want.best ?? (s.mode === 'min' ? Infinity : -Infinity);
        expect([groupLrs(opt), s.best, s.numBadEpochs, s.cooldownCounter, s.lastEpoch], `step ${k + 1}`)
          .toEqual([want.lr, best, want.num_bad_epochs, want.cooldown_counter, want.last_epoch]);
        expect(s.getLastLr(), `step ${k + 1}: getLastLr`).toEqual(want.lr);
      });
    });
  }
});

describe('construction checks, with their messages', () => {
  const cases: Refusal[] = [
    ['factor 1 (PyTorch)', () => new ReduceLROnPlateau(sgd(), { factor: 1 }), RangeError, 'Factor should be < 1.0.'],
    ['factor 1.5 (PyTorch)', () => new ReduceLROnPlateau(sgd(), { factor: 1.5 }), RangeError, 'Factor should be < 1.0.'],
    ['factor a string', () => new ReduceLROnPlateau(sgd(), { factor: '2' as never }), TypeError, 'ReduceLROnPlateau: factor must be a number, got str'],
    ['not an optimizer', () => new ReduceLROnPlateau({} as never), TypeError, 'dict is not an Optimizer'],
    ['a min_lr list of another length (PyTorch)', () => new ReduceLROnPlateau(sgd([0.1, 0.2]), { minLr: [0.1] }), RangeError, 'expected 2 min_lrs, got 1'],
    ['a negative min_lr in the list', () => new ReduceLROnPlateau(sgd([0.1, 0.2]), { minLr: [0.1, -1] }), RangeError, 'ReduceLROnPlateau: minLr[1] must be a finite number >= 0, got -1'],
    ['a min_lr string', () => new ReduceLROnPlateau(sgd(), { minLr: '0' as never }), TypeError, 'ReduceLROnPlateau: minLr must be a number, got str'],
    ['patience 1.5', () => new ReduceLROnPlateau(sgd(), { patience: 1.5 }), RangeError, 'ReduceLROnPlateau: patience must be a non-negative integer, got 1.5'],
    ['cooldown -1', () => new ReduceLROnPlateau(sgd(), { cooldown: -1 }), RangeError, 'ReduceLROnPlateau: cooldown must be a non-negative integer, got -1'],
    ['threshold -1', () => new ReduceLROnPlateau(sgd(), { threshold: -1 }), RangeError, 'ReduceLROnPlateau: threshold must be a finite number >= 0, got -1'],
    ['eps NaN', () => new ReduceLROnPlateau(sgd(), { eps: NaN }), RangeError, 'ReduceLROnPlateau: eps must be a finite number >= 0, got nan'],
    ['mode avg (PyTorch)', () => new ReduceLROnPlateau(sgd(), { mode: 'avg' as never }), RangeError, 'mode avg is unknown!'],
    ['threshold_mode pct (PyTorch)', () => new ReduceLROnPlateau(sgd(), { thresholdMode: 'pct' as never }), RangeError, 'threshold mode pct is unknown!'],
    ['an unknown option', () => new ReduceLROnPlateau(sgd(), { min_lr: 0 } as never), TypeError, "ReduceLROnPlateau: unknown option 'min_lr' (options: mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps)"],
  ];
  itRefuses(cases);

  it('the defaults are PyTorch\'s', () => {
    const s = new ReduceLROnPlateau(sgd([0.1, 0.2]));
    expect([s.mode, s.factor, s.patience, s.threshold, s.thresholdMode, s.cooldown, s.minLrs, s.defaultMinLr, s.eps])
      .toEqual(['min', 0.1, 10, 1e-4, 'rel', 0, [0, 0], 0, 1e-8]);
    expect([s.best, s.modeWorse, s.numBadEpochs, s.cooldownCounter, s.lastEpoch, s.inCooldown]).toEqual([Infinity, Infinity, 0, 0, 0, false]);
    expect(s.getLastLr()).toEqual([0.1, 0.2]);
    const m = new ReduceLROnPlateau(sgd(), { mode: 'max', minLr: [0.01] });
    expect([m.best, m.modeWorse, m.minLrs, m.defaultMinLr]).toEqual([-Infinity, -Infinity, [0.01], null]);
  });
});

describe('step', () => {
  it('refuses a metric that is not a number or a 1-element tensor, and an epoch that is not a count; nothing changes', () => {
    const opt = sgd();
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    s.step(1);
    const before = JSON.stringify(s.stateDict());
    let e = thrown(() => s.step(tensor([1, 2])));
    expect([e instanceof RangeError, e.message]).toEqual([true, 'only one element tensors can be converted to Python scalars']);
    e = thrown(() => s.step('1' as never));
    expect([e instanceof TypeError, e.message]).toEqual([true, 'ReduceLROnPlateau.step: metrics must be a number, got str']);
    e = thrown(() => s.step(2, -1));
    expect([e instanceof RangeError, e.message]).toEqual([true, 'ReduceLROnPlateau.step: epoch must be a non-negative integer, got -1']);
    expect(warn.spy).not.toHaveBeenCalled();
    expect(JSON.stringify(s.stateDict())).toBe(before);
    s.step(tensor([[0.5]]));
    expect(s.best).toBe(0.5);
  });

  it('a param group added since: with one min_lr, every group gets it (2.x; 1.13 fails with an IndexError)', () => {
    const opt = sgd([1]);
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: 0.05 });
    s.step(1);
    addGroup(opt, 0.08);
    s.step(1);
    expect(groupLrs(opt)).toEqual([0.5, 0.05]);
    expect(s.minLrs).toEqual([0.05, 0.05]);
    expect(s.getLastLr()).toEqual([0.5, 0.05]);
  });

  it('a param group added since: with a min_lr list, the reduction throws 2.x\'s error and the step changes nothing', () => {
    const opt = sgd([1]);
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: [0.05] });
    s.step(1);
    addGroup(opt, 0.08);
    s.step(0.5, 7); // the epoch given: the step that throws must put last_epoch back too
    const before = JSON.stringify(s.stateDict());
    const e = thrown(() => s.step(1));
    expect(e.constructor).toBe(Error);
    expect(e.message).toBe('The number of param groups in the `optimizer` (2) differs from when `ReduceLROnPlateau` was initialized (1), usually due to a new param group being added to the optimizer. Please modify the `min_lrs` field to match the length of the `optimizer` param groups.');
    expect(JSON.stringify(s.stateDict())).toBe(before);
    expect([s.lastEpoch, s.best, s.numBadEpochs, s.cooldownCounter]).toEqual([7, 0.5, 0, 0]);
    expect(groupLrs(opt)).toEqual([1, 0.08]);
    s.minLrs = [0.05, 0.05];
    s.step(1);
    expect(groupLrs(opt)).toEqual([0.5, 0.05]);
  });

  it('a tensor lr is filled in place', () => {
    const lr = tensor([0.5]);
    const opt = new SGD([{ params: [zeros([1], { requiresGrad: true })], lr: lr as never }]) as unknown as Opt;
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    s.step(1);
    s.step(1);
    expect(opt.paramGroups[0]!['lr' as never]).toBe(lr);
    expect(lr.item()).toBe(0.25);
    expect(s.getLastLr()).toEqual([0.25]);
  });

  it('step(metric, epoch) warns at its first use only, with PyTorch\'s deprecation text', () => {
    const s = new ReduceLROnPlateau(sgd());
    s.step(1);
    expect(warn.spy).not.toHaveBeenCalled();
    s.step(1, 3);
    expect(warn.spy).toHaveBeenCalledTimes(1);
    expect(String(warn.spy.mock.calls[0]![0])).toMatch(/^The epoch parameter in `scheduler\.step\(\)` was not necessary and is being deprecated/);
    s.step(1, 4);
    s.step(1, 5);
    expect(warn.spy).toHaveBeenCalledTimes(1);
  });

  it('getLr() is the groups\' lrs; inCooldown while the counter runs', () => {
    const opt = sgd([1, 2]);
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, cooldown: 1 });
    s.step(1);
    s.step(1);
    expect(s.getLr()).toEqual([0.5, 1]);
    expect([s.cooldownCounter, s.inCooldown]).toEqual([1, true]);
    s.step(1);
    expect([s.cooldownCounter, s.inCooldown]).toEqual([0, false]);
  });
});

describe('state dicts', () => {
  const json = (sd: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(sd)) as Record<string, unknown>;

  it('2.x\'s keys in its order, with default_min_lr null for a min_lr list', () => {
    const opt = sgd([1, 2]);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', patience: 0, factor: 0.5, minLr: [0.1, 0.2], cooldown: 2, eps: 1e-6, threshold: 0.01, thresholdMode: 'abs' });
    s.step(3);
    s.step(2);
    expect(s.stateDict()).toEqual({
      factor: 0.5, default_min_lr: null, min_lrs: [0.1, 0.2], patience: 0, cooldown: 2, eps: 1e-6, last_epoch: 2, _last_lr: [0.5, 1],
      mode_worse: -Infinity, mode: 'max', threshold: 0.01, threshold_mode: 'abs', best: 3, cooldown_counter: 2, num_bad_epochs: 0,
    });
    expect(Object.keys(s.stateDict())).toEqual([
      'factor', 'default_min_lr', 'min_lrs', 'patience', 'cooldown', 'eps', 'last_epoch', '_last_lr', 'mode_worse', 'mode', 'threshold',
      'threshold_mode', 'best', 'cooldown_counter', 'num_bad_epochs',
    ]);
    expect(new ReduceLROnPlateau(opt, { minLr: 0.1 }).stateDict()['default_min_lr']).toBe(0.1);
  });

  it('a dict of the other mode: best and mode_worse as JSON writes them (null) become that mode\'s worst value', () => {
    const max = new ReduceLROnPlateau(sgd(), { mode: 'max' });
    const s = new ReduceLROnPlateau(sgd(), { patience: 0 });
    s.loadStateDict(json(max.stateDict()));
    expect([s.mode, s.best, s.modeWorse]).toEqual(['max', -Infinity, -Infinity]);
    s.step(1);
    expect(s.best).toBe(1);
    s.loadStateDict(json(new ReduceLROnPlateau(sgd()).stateDict()));
    expect([s.mode, s.best, s.modeWorse]).toEqual(['min', Infinity, Infinity]);
    s.loadStateDict({ ...max.stateDict() });
    expect([s.mode, s.best, s.modeWorse]).toEqual(['max', -Infinity, -Infinity]);
  });

  it('a mode_worse that is not the mode\'s worst value, and a min_lrs of another length with no default, are refused by message', () => {
    const s = new ReduceLROnPlateau(sgd());
    const max = json(new ReduceLROnPlateau(sgd(), { mode: 'max' }).stateDict());
    let e = thrown(() => s.loadStateDict({ ...max, mode_worse: Infinity }));
    expect([e instanceof RangeError, e.message]).toEqual([true, "ReduceLROnPlateau.loadStateDict: mode_worse must be -Infinity for mode 'max' (or null, as JSON writes it), got Infinity"]);
    e = thrown(() => s.loadStateDict({ ...max, factor: 1 }));
    expect([e instanceof RangeError, e.message]).toEqual([true, 'ReduceLROnPlateau.loadStateDict: factor must be a number in [0, 1), got 1']);
    e = thrown(() => s.loadStateDict({ ...max, mode_worse: 0 }));
    expect(e.message).toBe("ReduceLROnPlateau.loadStateDict: mode_worse must be -Infinity for mode 'max' (or null, as JSON writes it), got 0");
    e = thrown(() => s.loadStateDict({ ...json(s.stateDict()), min_lrs: [0, 0], default_min_lr: null }));
    expect([e instanceof RangeError, e.message]).toEqual([true, 'ReduceLROnPlateau.loadStateDict: min_lrs has 2 values but the optimizer has 1 param groups, and default_min_lr is null (nothing to fill them from)']);
    expect(s.mode).toBe('min');
  });

  it('a min_lrs of another length with a default_min_lr loads, and the next reduction fills it from the default (2.x)', () => {
    const opt = sgd([1]);
    const s = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    s.loadStateDict({ ...json(s.stateDict()), min_lrs: [0.7, 0.7], default_min_lr: 0.3 });
    s.step(1);
    s.step(1);
    expect(s.minLrs).toEqual([0.3]);
    expect(groupLrs(opt)).toEqual([0.5]);
    s.step(1);
    expect(groupLrs(opt)).toEqual([0.3]);
  });
});
