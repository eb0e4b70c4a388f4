/**
 * Scheduler state dicts are checked as the optimizers' are: the whole dict against the
 * scheduler's declared keys and the constructor's checks before anything changes; nested
 * schedulers load all or nothing; and a scheduler that no longer matches its optimizer (a group
 * added since) says so at the call that meets it, naming itself.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { zeros } from '@tensile/tensor';
import {
  ASGD, Adam, SGD, swaUtils, type Optimizer, type LRScheduler,
  ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR, LinearLR,
  MultiStepLR, MultiplicativeLR, OneCycleLR, PolynomialLR, ReduceLROnPlateau, SequentialLR, StepLR,
} from '@tensile/optim';

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console as unknown as { warn: (m: string) => void }, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

type Opt = Optimizer<object>;
const sgd = (lrs: number[] = [0.1], momentum = 0.9): Opt =>
  new SGD(lrs.map((lr) => ({ params: [zeros([1], { requiresGrad: true })], lr })) as never, { momentum }) as unknown as Opt;
const asgd = (): Opt => new ASGD([zeros([1], { requiresGrad: true })], { lr: 0.1 }) as unknown as Opt;
const adam = (): Opt => new Adam([zeros([1], { requiresGrad: true })], { lr: 0.01 }) as unknown as Opt;

/** A scheduler a few steps into its run, as a checkpoint would catch it. */
function run<S extends LRScheduler>(opt: Opt, make: (o: Opt) => S, steps = 3): S {
  const s = make(opt);
  for (let i = 0; i < steps; i++) {
    opt.step();
    if (s instanceof ReduceLROnPlateau) s.step(1 / (i + 1));
    else s.step();
  }
  return s;
}

/** The scheduler's state and every group's scheduled values: "nothing changed" is this being equal. */
function fingerprint(s: LRScheduler): string {
  const groups = s.optimizer.paramGroups.map((g) => Object.entries(g).filter(([k]) => k !== 'params'));
  return JSON.stringify({ sd: s.stateDict(), last: s.getLastLr(), epoch: s.lastEpoch, groups });
}

const json = (sd: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(sd)) as Record<string, unknown>;

const step = (o: Opt): StepLR => new StepLR(o, { stepSize: 2, gamma: 0.5 });
const plateau = (o: Opt): ReduceLROnPlateau => new ReduceLROnPlateau(o, { patience: 1 });
const cyclic = (o: Opt): CyclicLR => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
const oneCycle = (o: Opt): OneCycleLR => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10 });
const chained = (o: Opt): ChainedScheduler => new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })]);
const sequential = (o: Opt): SequentialLR => new SequentialLR(o, { schedulers: [new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })], milestones: [2] });

/** [what is loaded, the scheduler, its optimizer, an edit of its own JSON state dict, the error]. */
const refused: [string, (o: Opt) => LRScheduler, () => Opt, (sd: Record<string, unknown>) => unknown, string][] = [
  ['step_size 0 (the constructor refuses it)', step, sgd, (sd) => ({ ...sd, step_size: 0 }), 'StepLR.loadStateDict: step_size must be a positive integer, got 0'],
  ['a StepLR gamma that makes the next lr negative', step, sgd, (sd) => ({ ...sd, gamma: -2.5e-323 }), 'StepLR.loadStateDict: gamma must be a finite number >= 0, got -2.5e-323'],
  ['a string gamma', step, sgd, (sd) => ({ ...sd, gamma: '0.5' }), 'StepLR.loadStateDict: gamma must be a number, got str'],
  ['a last_epoch below -1 (not started)', step, sgd, (sd) => ({ ...sd, last_epoch: -2 }), 'StepLR.loadStateDict: last_epoch must be an integer >= -1, got -2'],
  ['a fractional last_epoch', step, sgd, (sd) => ({ ...sd, last_epoch: 2.5 }), 'StepLR.loadStateDict: last_epoch must be an integer >= -1, got 2.5'],
  ['a string in base_lrs', step, sgd, (sd) => ({ ...sd, base_lrs: ['0.1'] }), 'StepLR.loadStateDict: base_lrs[0] must be a number, got str'],
  ['a negative base lr', step, sgd, (sd) => ({ ...sd, base_lrs: [-0.1] }), 'StepLR.loadStateDict: base_lrs[0] must be a finite number >= 0, got -0.1'],
  ['base_lrs of another number of groups', step, sgd, (sd) => ({ ...sd, base_lrs: [0.1, 0.2] }), 'StepLR.loadStateDict: base_lrs must be a list of 1 (one per param group), got [0.1,0.2]'],
  ['a null in _last_lr', step, sgd, (sd) => ({ ...sd, _last_lr: [null] }), 'StepLR.loadStateDict: _last_lr[0] must be a number, got NoneType'],
  ['a _step_count of -1', step, sgd, (sd) => ({ ...sd, _step_count: -1 }), 'StepLR.loadStateDict: _step_count must be a non-negative integer, got -1'],
  ['an ExponentialLR dict into StepLR (a key missing)', step, sgd, () => json(new ExponentialLR(sgd(), { gamma: 0.9 }).stateDict()), "StepLR.loadStateDict: missing key 'step_size'"],
  ['a StepLR dict into ExponentialLR (a key it does not have)', (o) => new ExponentialLR(o, { gamma: 0.9 }), sgd, () => json(step(sgd()).stateDict()), "ExponentialLR.loadStateDict: unknown key 'step_size'"],
  ['a CosineAnnealingLR dict into ReduceLROnPlateau', plateau, sgd, () => json(new CosineAnnealingLR(sgd(), { tMax: 5 }).stateDict()), "ReduceLROnPlateau.loadStateDict: unknown key 'T_max'"],
  ['not an object', step, sgd, () => [1, 2], 'StepLR.loadStateDict: expected a state dict object, got list'],
  ['a __proto__ key', step, sgd, (sd) => JSON.parse(JSON.stringify(sd).replace('{', '{"__proto__":{"step_size":1},')) as unknown, "StepLR.loadStateDict: unknown key '__proto__'"],
  ['patience NaN', plateau, sgd, (sd) => ({ ...sd, patience: NaN }), 'ReduceLROnPlateau.loadStateDict: patience must be a non-negative integer, got nan'],
  ['factor 5', plateau, sgd, (sd) => ({ ...sd, factor: 5 }), 'ReduceLROnPlateau.loadStateDict: factor must be a number in [0, 1), got 5'],
  ['mode avg', plateau, sgd, (sd) => ({ ...sd, mode: 'avg' }), "ReduceLROnPlateau.loadStateDict: mode must be one of 'min', 'max', got \"avg\""],
  ['best NaN', plateau, sgd, (sd) => ({ ...sd, best: NaN }), 'ReduceLROnPlateau.loadStateDict: best must be a number (not NaN), got nan'],
  ['mode_worse of the other mode', plateau, sgd, (sd) => ({ ...sd, mode_worse: -Infinity }), "ReduceLROnPlateau.loadStateDict: mode_worse must be Infinity for mode 'min'"],
  ['min_lrs of another number of groups with no default', plateau, sgd, (sd) => ({ ...sd, min_lrs: [0, 0], default_min_lr: null }), 'ReduceLROnPlateau.loadStateDict: min_lrs has 2 values but the optimizer has 1 param groups, and default_min_lr is null'],
  ['ConstantLR factor 1.5', (o) => new ConstantLR(o), sgd, (sd) => ({ ...sd, factor: 1.5 }), 'ConstantLR.loadStateDict: factor must be a number in [0, 1], got 1.5'],
  ['LinearLR start_factor 0', (o) => new LinearLR(o), sgd, (sd) => ({ ...sd, start_factor: 0 }), 'LinearLR.loadStateDict: start_factor must be a number in (0, 1], got 0'],
  ['LinearLR total_iters 0', (o) => new LinearLR(o), sgd, (sd) => ({ ...sd, total_iters: 0 }), 'LinearLR.loadStateDict: total_iters must be a positive integer, got 0'],
  ['MultiStepLR milestone keys that are not epochs', (o) => new MultiStepLR(o, { milestones: [2, 4] }), sgd, (sd) => ({ ...sd, milestones: { two: 1 } }), 'MultiStepLR.loadStateDict: milestones must be an object keyed by epochs (non-negative integers), got "two"'],
  ['MultiStepLR a milestone given 0 times', (o) => new MultiStepLR(o, { milestones: [2, 4] }), sgd, (sd) => ({ ...sd, milestones: { 2: 0 } }), 'MultiStepLR.loadStateDict: milestones["2"] must be a positive integer (how often the milestone was given), got 0'],
  ['PolynomialLR power -1', (o) => new PolynomialLR(o), sgd, (sd) => ({ ...sd, power: -1 }), 'PolynomialLR.loadStateDict: power must be a finite number >= 0, got -1'],
  ['CosineAnnealingLR T_max 0', (o) => new CosineAnnealingLR(o, { tMax: 5 }), sgd, (sd) => ({ ...sd, T_max: 0 }), 'CosineAnnealingLR.loadStateDict: T_max must be a positive integer, got 0'],
  ['CosineAnnealingLR eta_min -1', (o) => new CosineAnnealingLR(o, { tMax: 5 }), sgd, (sd) => ({ ...sd, eta_min: -1 }), 'CosineAnnealingLR.loadStateDict: eta_min must be a finite number >= 0, got -1'],
  ['CosineAnnealingWarmRestarts T_cur NaN', (o) => new CosineAnnealingWarmRestarts(o, { t0: 3 }), sgd, (sd) => ({ ...sd, T_cur: NaN }), 'CosineAnnealingWarmRestarts.loadStateDict: T_cur must be a finite number, got nan'],
  ['CosineAnnealingWarmRestarts T_i 0', (o) => new CosineAnnealingWarmRestarts(o, { t0: 3 }), sgd, (sd) => ({ ...sd, T_i: 0 }), 'CosineAnnealingWarmRestarts.loadStateDict: T_i must be a finite number > 0, got 0'],
  ['CyclicLR step_ratio 0 (0 / 0 at a cycle start)', cyclic, sgd, (sd) => ({ ...sd, step_ratio: 0 }), 'CyclicLR.loadStateDict: step_ratio must be a number in (0, 1], got 0'],
  ['CyclicLR mode square', cyclic, sgd, (sd) => ({ ...sd, mode: 'square' }), "CyclicLR.loadStateDict: mode must be one of 'triangular', 'triangular2', 'exp_range', got \"square\""],
  ['CyclicLR momentum cycling over ASGD', (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: false }), asgd, (sd) => ({ ...sd, cycle_momentum: true, base_momentums: [0.8], max_momentums: [0.9] }), 'CyclicLR.loadStateDict: cycle_momentum is true but ASGD has no momentum or betas to cycle'],
  ['CyclicLR use_beta1 over SGD', cyclic, sgd, (sd) => ({ ...sd, use_beta1: true }), 'CyclicLR.loadStateDict: use_beta1 is true but SGD has no betas'],
  ['CyclicLR attributes for a scale function it does not have', cyclic, sgd, (sd) => ({ ...sd, _scale_fn_custom: { a: 1 } }), 'CyclicLR.loadStateDict: _scale_fn_custom must be null (this CyclicLR has no custom scale function'],
  ['OneCycleLR last_epoch past total_steps', oneCycle, sgd, (sd) => ({ ...sd, last_epoch: 11 }), 'OneCycleLR.loadStateDict: last_epoch 11 is past total_steps 10'],
  ['OneCycleLR phases of another total_steps', oneCycle, sgd, (sd) => ({ ...sd, total_steps: 20 }), 'OneCycleLR.loadStateDict: _schedule_phases end at steps [2, 9], which no pct_start in [0, 1] gives for total_steps 20'],
  ['OneCycleLR a phase relabelled', oneCycle, sgd, (sd) => ({ ...sd, _schedule_phases: [(sd['_schedule_phases'] as object[])[0], { ...(sd['_schedule_phases'] as object[])[1], end_lr: 'lr' }] }), 'OneCycleLR.loadStateDict: _schedule_phases[1].end_lr must be \'min_lr\' (phase 1 of 2), got "lr"'],
  ['OneCycleLR anneal strategy exp', oneCycle, sgd, (sd) => ({ ...sd, _anneal_func_type: 'exp' }), "OneCycleLR.loadStateDict: _anneal_func_type must be one of 'cos', 'linear', got \"exp\""],
  ['LambdaLR lr_lambdas for two groups', (o) => new LambdaLR(o, { lrLambda: (e) => 0.9 ** e }), sgd, (sd) => ({ ...sd, lr_lambdas: [null, null] }), 'LambdaLR.loadStateDict: lr_lambdas must be a list of 1 (one per param group), got [null,null]'],
  ["LambdaLR a lambda's own name", (o) => new LambdaLR(o, { lrLambda: (e) => 0.9 ** e }), sgd, (sd) => ({ ...sd, lr_lambdas: [{ name: 'x' }] }), "LambdaLR.loadStateDict: lr_lambdas[0] must be attributes of the lambda (not its 'name')"],
  ['LambdaLR lr_lambdas holding a number', (o) => new LambdaLR(o, { lrLambda: (e) => 0.9 ** e }), sgd, (sd) => ({ ...sd, lr_lambdas: [5] }), 'LambdaLR.loadStateDict: lr_lambdas[0] must be null or an object of attributes, got int'],
  ['SWALR anneal_epochs -1', (o) => new swaUtils.SWALR(o, { swaLr: 0.05 }), sgd, (sd) => ({ ...sd, anneal_epochs: -1 }), 'SWALR.loadStateDict: anneal_epochs must be a non-negative integer, got -1'],
  ['SequentialLR _milestones of the wrong length', sequential, sgd, (sd) => ({ ...sd, _milestones: [2, 4] }), 'SequentialLR.loadStateDict: _milestones must be a list of 1 (one per scheduler after the first), got [2,4]'],
  ['SequentialLR _schedulers of the wrong length', sequential, sgd, (sd) => ({ ...sd, _schedulers: [(sd['_schedulers'] as unknown[])[0]] }), 'SequentialLR.loadStateDict: _schedulers must be a list of 2 state dicts (one per scheduler)'],
  ['ChainedScheduler an inner dict of another scheduler', chained, sgd, (sd) => ({ ...sd, _schedulers: [(sd['_schedulers'] as unknown[])[0], json(step(sgd()).stateDict())] }), "ChainedScheduler.loadStateDict: _schedulers[1]: ExponentialLR.loadStateDict: unknown key 'step_size'"],
];

describe('loadStateDict refuses what the constructor would, and foreign dicts, changing nothing', () => {
  it.each(refused)('%s', (_what, make, opt, edit, message) => {
    const s = run(opt(), make);
    const sd = edit(json(s.stateDict()));
    const before = fingerprint(s);
    expect(() => s.loadStateDict(sd as Record<string, unknown>)).toThrow(message);
    expect(fingerprint(s)).toBe(before);
  });

  it('the dicts those edits start from load, and the scheduler continues as before', () => {
    for (const [what, make, opt] of refused) {
      const a = run(opt(), make);
      const b = run(opt(), make);
      b.loadStateDict(json(a.stateDict()));
      expect(fingerprint(b), what).toBe(fingerprint(a));
    }
  });

  it("PyTorch's version differences load: verbose (a boolean in 1.13, \"deprecated\" in 2.2), no _is_initial, no default_min_lr", () => {
    const s = run(sgd(), step);
    const { _is_initial: _a, _get_lr_called_within_step: _b, ...older } = json(s.stateDict());
    expect(() => s.loadStateDict({ ...older, verbose: false })).not.toThrow();
    expect(() => s.loadStateDict({ ...older, verbose: 'deprecated' })).not.toThrow();
    const p = run(sgd(), plateau);
    const { default_min_lr: _c, ...plateauOlder } = json(p.stateDict());
    expect(() => p.loadStateDict(plateauOlder)).not.toThrow();
  });

  it('CyclicLR and OneCycleLR write the momentum keys only while cycling momentum, as PyTorch does', () => {
    const c = run(sgd(), (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, cycleMomentum: false }));
    expect(Object.keys(c.stateDict())).not.toContain('base_momentums');
    expect(Object.keys(c.stateDict())).not.toContain('use_beta1');
    expect(Object.keys(run(adam(), cyclic).stateDict())).toEqual(expect.arrayContaining(['use_beta1', 'base_momentums', 'max_momentums']));
    const a = run(adam(), oneCycle);
    const sd = json(a.stateDict());
    expect(sd['use_beta1']).toBe(true);
    expect(() => a.loadStateDict(sd)).not.toThrow();
  });
});

describe("LambdaLR and MultiplicativeLR: one function per group, whose attributes a state dict carries as PyTorch's carries a callable object's __dict__", () => {
  it('refuses a lambda that is not a function, and names the class in its option errors', () => {
    expect(() => new LambdaLR(sgd(), { lrLambda: 5 as never })).toThrow(new TypeError('lr_lambda should be a function, but got int'));
    expect(() => new MultiplicativeLR(sgd([0.1, 0.2]), { lrLambda: [() => 1, 'x'] as never })).toThrow(new TypeError('lr_lambda should be a function, but got str'));
    expect(() => new LambdaLR(sgd(), {})).toThrow(new TypeError("LambdaLR: missing required option 'lrLambda'"));
    expect(() => new MultiplicativeLR(sgd(), {})).toThrow(new TypeError("MultiplicativeLR: missing required option 'lrLambda'"));
  });

  it('saves null for a plain function and the own enumerable properties of one with attributes', () => {
    const withAttributes = Object.assign((e: number) => 0.9 ** e, { factor: 2 });
    const s = new LambdaLR(sgd([0.1, 0.2]), { lrLambda: [(e) => 0.9 ** e, withAttributes] });
    expect(s.stateDict()['lr_lambdas']).toEqual([null, { factor: 2 }]);
  });

  it('loads them back as ordinary attributes (new keys too), which the schedule then uses and a later load replaces', () => {
    const lambda = (factor: number): ((e: number) => number) & { factor: number } => {
      const f = Object.assign(() => f.factor, { factor });
      return f;
    };
    const saved = json(run(sgd(), (o) => new MultiplicativeLR(o, { lrLambda: Object.assign(lambda(0.8), { tag: 'warm' }) })).stateDict());
    const f = lambda(0.5);
    const s = run(sgd(), (o) => new MultiplicativeLR(o, { lrLambda: f }));
    s.loadStateDict(saved);
    const attribute = { enumerable: true, writable: true, configurable: true };
    expect(Object.getOwnPropertyDescriptor(f, 'factor')).toEqual({ value: 0.8, ...attribute });
    expect(Object.getOwnPropertyDescriptor(f, 'tag')).toEqual({ value: 'warm', ...attribute });
    const lr = (s.optimizer.paramGroups[0] as { lr: number }).lr; // the group's, which a scheduler load leaves
    s.optimizer.step();
    s.step();
    expect(s.getLastLr()[0]).toBe(lr * 0.8);
    s.loadStateDict({ ...saved, lr_lambdas: [{ factor: 0.25 }] });
    expect(f.factor).toBe(0.25);
  });
});

describe('nested loads are all or nothing', () => {
  const nested: [string, (o: Opt) => LRScheduler][] = [['ChainedScheduler', chained], ['SequentialLR', sequential]];
  it.each(nested)('%s: an invalid second inner dict changes neither _last_lr, last_epoch nor the first scheduler', (name, make) => {
    const s = run(sgd(), make, 1);
    const later = run(sgd(), make, 4);
    const sd = json(later.stateDict());
    (sd['_schedulers'] as Record<string, unknown>[])[1]!['gamma'] = -1;
    const before = fingerprint(s);
    const first = JSON.stringify((s as ChainedScheduler).schedulers[0]!.stateDict());
    expect(() => s.loadStateDict(sd)).toThrow(`${name}.loadStateDict: _schedulers[1]: ExponentialLR.loadStateDict: gamma must be a finite number >= 0, got -1`);
    expect(fingerprint(s)).toBe(before);
    expect(JSON.stringify((s as ChainedScheduler).schedulers[0]!.stateDict())).toBe(first);
    // The valid dict loads whole.
    (sd['_schedulers'] as Record<string, unknown>[])[1]!['gamma'] = 0.9;
    s.loadStateDict(sd);
    expect(JSON.stringify(s.stateDict())).toBe(JSON.stringify(later.stateDict()));
  });
});

describe('the constructor refuses what would make an lr negative or not a number', () => {
  const o = (): Opt => sgd();
  const cases: [string, () => unknown, string][] = [
    ['StepLR gamma -0.5', () => new StepLR(o(), { stepSize: 1, gamma: -0.5 }), 'StepLR: gamma must be a finite number >= 0, got -0.5'],
    ['ExponentialLR gamma NaN', () => new ExponentialLR(o(), { gamma: NaN }), 'ExponentialLR: gamma must be a finite number >= 0, got nan'],
    ['MultiStepLR gamma Infinity', () => new MultiStepLR(o(), { milestones: [1], gamma: Infinity }), 'MultiStepLR: gamma must be a finite number >= 0, got inf'],
    ['MultiStepLR milestones 1.5', () => new MultiStepLR(o(), { milestones: [1.5] }), 'MultiStepLR: milestones[0] must be a non-negative integer, got 1.5'],
    ['ConstantLR factor NaN', () => new ConstantLR(o(), { factor: NaN }), 'ConstantLR: factor must be a number in [0, 1], got nan'],
    ['PolynomialLR power -1', () => new PolynomialLR(o(), { power: -1 }), 'PolynomialLR: power must be a finite number >= 0, got -1'],
    ['CosineAnnealingLR etaMin -0.1', () => new CosineAnnealingLR(o(), { tMax: 5, etaMin: -0.1 }), 'CosineAnnealingLR: etaMin must be a finite number >= 0, got -0.1'],
    ['CosineAnnealingLR tMax 2.5', () => new CosineAnnealingLR(o(), { tMax: 2.5 }), 'CosineAnnealingLR: tMax must be a positive integer, got 2.5'],
    ['CosineAnnealingWarmRestarts etaMin -1', () => new CosineAnnealingWarmRestarts(o(), { t0: 2, etaMin: -1 }), 'CosineAnnealingWarmRestarts: etaMin must be a finite number >= 0, got -1'],
    ['ReduceLROnPlateau factor -0.5', () => new ReduceLROnPlateau(o(), { factor: -0.5 }), 'ReduceLROnPlateau: factor must be a number in [0, 1), got -0.5'],
    ['ReduceLROnPlateau minLr -1', () => new ReduceLROnPlateau(o(), { minLr: -1 }), 'ReduceLROnPlateau: minLr must be a finite number >= 0, got -1'],
    ['ReduceLROnPlateau threshold NaN', () => new ReduceLROnPlateau(o(), { threshold: NaN }), 'ReduceLROnPlateau: threshold must be a finite number >= 0, got nan'],
    ['ReduceLROnPlateau eps -1', () => new ReduceLROnPlateau(o(), { eps: -1 }), 'ReduceLROnPlateau: eps must be a finite number >= 0, got -1'],
    ['CyclicLR stepSizeUp 0', () => new CyclicLR(o(), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 0, stepSizeDown: 5 }), 'CyclicLR: stepSizeUp must be a finite number > 0, got 0'],
    ['CyclicLR gamma 1.5', () => new CyclicLR(o(), { baseLr: 0.01, maxLr: 0.1, mode: 'exp_range', gamma: 1.5 }), 'CyclicLR: gamma must be a number in [0, 1], got 1.5'],
    ['CyclicLR baseLr -0.01', () => new CyclicLR(o(), { baseLr: -0.01, maxLr: 0.1 }), 'CyclicLR: baseLr must be a finite number >= 0, got -0.01'],
    ['OneCycleLR divFactor 0', () => new OneCycleLR(o(), { maxLr: 0.1, totalSteps: 10, divFactor: 0 }), 'OneCycleLR: divFactor must be a finite number > 0, got 0'],
    ['OneCycleLR maxMomentum NaN', () => new OneCycleLR(o(), { maxLr: 0.1, totalSteps: 10, maxMomentum: NaN }), 'OneCycleLR: maxMomentum must be a finite number >= 0, got nan'],
    ['SWALR swaLr -1', () => new swaUtils.SWALR(o(), { swaLr: -1 }), 'SWALR: swaLr must be a finite number >= 0, got -1'],
    ['step(epoch) with a fraction', () => new StepLR(o(), { stepSize: 2 }).step(2.5), 'StepLR.step: epoch must be a non-negative integer, got 2.5'],
  ];
  it.each(cases)('%s', (_n, f, message) => {
    expect(f).toThrow(message);
  });

  it('ConstantLR with factor 0 returns to the base lr at total_iters (PyTorch: 0 * (1 / 0) = NaN)', () => {
    const opt = sgd([0.1]);
    const s = new ConstantLR(opt, { factor: 0, totalIters: 2 });
    const lrs = [];
    for (let i = 0; i < 3; i++) { opt.step(); s.step(); lrs.push(s.getLastLr()[0]); }
    expect(lrs).toEqual([0, 0.1, 0.1]);
  });

  it('OneCycleLR with pctStart 1 ends at min_lr (PyTorch divides by a phase of no length: NaN)', () => {
    const opt = sgd([0.1]);
    const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 4, pctStart: 1 });
    for (let i = 0; i < 4; i++) { opt.step(); s.step(); }
    expect(s.getLastLr()[0]).toBe(0.1 / 25 / 1e4);
    expect((opt.paramGroups[0] as Record<string, unknown>)['momentum']).toBe(0.95);
  });
});

describe('a step whose lr would not be a finite number is refused, naming the scheduler, and changes nothing', () => {
  const cases: [string, (o: Opt) => LRScheduler, string][] = [
    ['a lambda that returns NaN', (o) => new LambdaLR(o, { lrLambda: (e) => (e >= 3 ? NaN : 1) }), 'LambdaLR.step: the schedule gives param_groups[0] the lr nan at epoch 3, not a finite number'],
    ['a growing gamma that overflows', (o) => new ExponentialLR(o, { gamma: 1e150 }), 'ExponentialLR.step: the schedule gives param_groups[0] the lr inf at epoch 3'],
    ['the second scheduler of a ChainedScheduler', (o) => new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 5 }), new ExponentialLR(o, { gamma: 1e150 })]), 'ExponentialLR.step: the schedule gives param_groups[0] the lr inf'],
  ];
  it.each(cases)('%s', (_n, make, message) => {
    const opt = sgd();
    const s = run(opt, make, 2);
    const before = fingerprint(s);
    opt.step();
    expect(() => s.step()).toThrow(message);
    expect(fingerprint(s)).toBe(before);
  });

  it("a negative lr passes, as in PyTorch: OneCycleLR's linear anneal ends below zero at total_steps, and that state saves and loads", () => {
    const opt = sgd();
    const s = run(opt, (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, annealStrategy: 'linear' }), 10);
    expect(s.getLastLr()[0]).toBeLessThan(0);
    const again = run(sgd(), (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, annealStrategy: 'linear' }), 1);
    again.loadStateDict(json(s.stateDict()));
    expect(again.getLastLr()).toEqual(s.getLastLr());
  });
});

describe('a scheduler that no longer matches its optimizer says so at the call that meets it', () => {
  const added = (opt: Opt): void => opt.addParamGroup({ params: [zeros([1], { requiresGrad: true })], lr: 0.2 });
  const cases: [string, (o: Opt) => LRScheduler, (o: Opt) => void, string][] = [
    ['MultiplicativeLR after addParamGroup', (o) => new MultiplicativeLR(o, { lrLambda: () => 0.9 }), added, 'MultiplicativeLR.step: the optimizer has 2 param groups but MultiplicativeLR has 1 lr_lambdas'],
    ['LambdaLR after addParamGroup', (o) => new LambdaLR(o, { lrLambda: () => 0.9 }), added, 'LambdaLR.step: the optimizer has 2 param groups but LambdaLR has 1 lr_lambdas'],
    ['OneCycleLR after addParamGroup', oneCycle, added, 'OneCycleLR.step: param_groups[1] has no initial_lr: OneCycleLR writes initial_lr, max_lr, min_lr, max_momentum, base_momentum into every group'],
    ['OneCycleLR after loading the dict of an unscheduled optimizer', oneCycle, (o) => o.loadStateDict(sgd().stateDict()), 'OneCycleLR.step: param_groups[0] has no initial_lr'],
    ['SWALR after addParamGroup', (o) => new swaUtils.SWALR(o, { swaLr: 0.05 }), added, 'SWALR.step: param_groups[1] has no swa_lr'],
    ['a ChainedScheduler holding a MultiplicativeLR, after addParamGroup', (o) => new ChainedScheduler([new ExponentialLR(o, { gamma: 0.5 }), new MultiplicativeLR(o, { lrLambda: () => 0.9 })]), added, 'MultiplicativeLR.step: the optimizer has 2 param groups'],
  ];
  it.each(cases)('%s: a clear error, lr and momentum untouched', (_n, make, change, message) => {
    const opt = sgd();
    const s = run(opt, make, 2);
    change(opt);
    const before = fingerprint(s);
    opt.step();
    expect(() => s.step()).toThrow(message);
    expect(fingerprint(s)).toBe(before);
    for (const g of opt.paramGroups as Record<string, unknown>[]) {
      expect(Number.isNaN(g['lr'])).toBe(false);
      expect(Number.isNaN(g['momentum'])).toBe(false);
    }
  });

  it('OneCycleLR refuses, at load, a dict that cycles momentum over groups that have no momentum bounds', () => {
    const opt = sgd();
    const s = run(opt, (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, cycleMomentum: false }));
    const sd = { ...json(s.stateDict()), cycle_momentum: true };
    expect(() => s.loadStateDict(sd)).toThrow('OneCycleLR.loadStateDict: param_groups[0] has no max_momentum');
  });

  it('a step past OneCycleLR\'s total_steps throws PyTorch\'s error and changes nothing', () => {
    const opt = sgd();
    const s = run(opt, oneCycle, 10);
    const before = fingerprint(s);
    expect(() => s.step()).toThrow('Tried to step 11 times. The specified number of total steps is 10');
    expect(fingerprint(s)).toBe(before);
  });
});
