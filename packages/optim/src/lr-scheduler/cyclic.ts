import { typeName } from '../state-dict.js';
import { pyNum } from '../format.js';
import { cos, pow } from '../libm.js';
import {
  LRScheduler, checkOptimizer, formatParam, groupsOf, optionOrList, required, resolve, writeLr, type AnyOptimizer, type Group,
} from './base.js';
import {
  anything, boolean, copyValue, finiteAbove, finiteAtLeast, integer, isPlainRecord, listOf, lrValue, number, oneOf, option, Refused, show,
  type Check, type SchedulerStateSpec,
} from './state-spec.js';

// CyclicLR, OneCycleLR: per-batch schedules that also cycle momentum (or Adam's beta1)

function supportsMomentum(optimizer: AnyOptimizer): boolean {
  const d = optimizer.defaults as Record<string, unknown>;
  return 'momentum' in d || 'betas' in d;
}

/** Momentum bounds: finite and >= 0 (each optimizer checks its own range at its next step). */
const momentumCheck = finiteAtLeast(0);
const unitInterval = number('a number in [0, 1]', (x) => x >= 0 && x <= 1);

/**
 * Momentum cycling needs an optimizer with `momentum` or `betas`, and whether beta1 is cycled
 * follows from which (the constructor's rule): a loaded `cycle_momentum` or `use_beta1` that
 * contradicts the optimizer is refused.
 */
function checkMomentumFlags(name: string, optimizer: AnyOptimizer, next: Record<string, unknown>, loaded: ReadonlyMap<string, unknown>): void {
  if (next['cycle_momentum'] !== true) return;
  if (!supportsMomentum(optimizer)) throw new RangeError(`${name}: cycle_momentum is true but ${optimizer.constructor.name} has no momentum or betas to cycle`);
  const betas = 'betas' in (optimizer.defaults as object);
  if (loaded.has('use_beta1') && loaded.get('use_beta1') !== betas) {
    throw new RangeError(`${name}: use_beta1 is ${String(loaded.get('use_beta1'))} but ${optimizer.constructor.name} ${betas ? 'has' : 'has no'} betas`);
  }
}

/** A custom function's saved attributes (PyTorch saves a callable object's `__dict__`, `None` for a function). */
function attributesOf(fn: ((x: number) => number) | undefined): Record<string, unknown> | null {
  return fn !== undefined && Object.keys(fn).length > 0 ? (copyValue({ ...fn }) as Record<string, unknown>) : null;
}

function setMomentum(group: Group, useBeta1: boolean, m: number): void {
  if (useBeta1) group['betas'] = [m, ...(group['betas'] as number[]).slice(1)];
  else group['momentum'] = m;
}

/**
 * Options of {@link CyclicLR}.
 *
 * @example
 * ```ts
 * import { SGD, CyclicLR, type CyclicLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<CyclicLROptions> = { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 100, mode: 'triangular2' };
 * new CyclicLR(opt, options);
 * ```
 */
export interface CyclicLROptions {
  /** The lower lr boundary, one for all groups or one per group. Required. */
  baseLr: number | number[];
  /** The upper lr boundary. Required. */
  maxLr: number | number[];
  /** Batches in the rising half of a cycle (default 2000). */
  stepSizeUp: number;
  /** Batches in the falling half (default: `stepSizeUp`). */
  stepSizeDown: number | undefined;
  /** `'triangular'` (default), `'triangular2'` (amplitude halves each cycle) or `'exp_range'` (scaled by `gamma ** iteration`). */
  mode: 'triangular' | 'triangular2' | 'exp_range';
  /** The `'exp_range'` base (default 1). */
  gamma: number;
  /** A custom amplitude scale in [0, 1] (overrides `mode`). */
  scaleFn: ((x: number) => number) | undefined;
  /** What `scaleFn` is given: the cycle number (`'cycle'`, default) or the iteration. */
  scaleMode: 'cycle' | 'iterations';
  /** Cycle momentum (or beta1) inversely to lr (default true). */
  cycleMomentum: boolean;
  /** The lower momentum boundary (default 0.8). */
  baseMomentum: number | number[];
  /** The upper momentum boundary (default 0.9). */
  maxMomentum: number | number[];
  /** The index of the last batch (default -1: start). */
  lastEpoch: number;
}

/**
 * Cycles lr between `baseLr` and `maxLr` (and momentum, or Adam's beta1, inversely) every
 * batch (PyTorch's `CyclicLR`). Call `step()` after each batch.
 *
 * @example
 * ```ts
 * import { SGD, CyclicLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10 });
 * for (let batch = 0; batch < 10; batch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.1] (the top of the cycle); opt.paramGroups[0].momentum is 0.8
 * ```
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  useBeta1 = false;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  private readonly scaleFnCustom: ((x: number) => number) | undefined;

  constructor(optimizer: AnyOptimizer, options: Partial<CyclicLROptions>) {
    const o = resolve<CyclicLROptions>('CyclicLR', {
      baseLr: undefined as unknown as number, maxLr: undefined as unknown as number, stepSizeUp: 2000, stepSizeDown: undefined,
      mode: 'triangular', gamma: 1.0, scaleFn: undefined, scaleMode: 'cycle', cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9, lastEpoch: -1,
    }, options);
    required('CyclicLR', o as never, 'baseLr');
    required('CyclicLR', o as never, 'maxLr');
    checkOptimizer(optimizer);
    option('CyclicLR', 'lastEpoch', o.lastEpoch, integer(-1));
    optionOrList('CyclicLR', 'baseLr', o.baseLr, lrValue);
    optionOrList('CyclicLR', 'maxLr', o.maxLr, lrValue);
    const baseLrs = formatParam('base_lr', optimizer, o.baseLr);
    const maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    // PyTorch divides by step_size_up's share of the cycle: 0 gives 0 / 0 at each cycle's start.
    const up = option<number>('CyclicLR', 'stepSizeUp', o.stepSizeUp, finiteAbove(0));
    const down = o.stepSizeDown === undefined ? up : option<number>('CyclicLR', 'stepSizeDown', o.stepSizeDown, finiteAtLeast(0));
    if (!['triangular', 'triangular2', 'exp_range'].includes(o.mode) && o.scaleFn === undefined) throw new RangeError('mode is invalid and scale_fn is None');
    if (o.scaleFn !== undefined && typeof o.scaleFn !== 'function') throw new TypeError(`CyclicLR: scaleFn must be a function, got ${typeName(o.scaleFn)}`);
    if (o.scaleMode !== 'cycle' && o.scaleMode !== 'iterations') throw new RangeError(`CyclicLR: scaleMode must be 'cycle' or 'iterations', got ${String(o.scaleMode)}`);
    // 'exp_range' scales the amplitude by gamma ** iteration: above 1 it grows without bound.
    option('CyclicLR', 'gamma', o.gamma, unitInterval);
    option('CyclicLR', 'cycleMomentum', o.cycleMomentum, boolean);
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    let useBeta1 = false;
    if (o.cycleMomentum) {
      if (!supportsMomentum(optimizer)) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in (optimizer.defaults as object);
      optionOrList('CyclicLR', 'baseMomentum', o.baseMomentum, momentumCheck);
      optionOrList('CyclicLR', 'maxMomentum', o.maxMomentum, momentumCheck);
      baseMomentums = formatParam('base_momentum', optimizer, o.baseMomentum);
      maxMomentums = formatParam('max_momentum', optimizer, o.maxMomentum);
    }
    // Everything is checked: now PyTorch's writes into the groups.
    const groups = groupsOf(optimizer);
    if (o.lastEpoch === -1) baseLrs.forEach((lr, i) => writeLr(groups[i]!, lr));
    if (o.cycleMomentum && o.lastEpoch === -1) {
      groups.forEach((g, i) => {
        setMomentum(g, useBeta1, maxMomentums[i]!);
        g['maxMomentum'] = maxMomentums[i]!;
        g['baseMomentum'] = baseMomentums[i]!;
      });
    }
    super(optimizer, o.lastEpoch);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode;
    this.gamma = o.gamma;
    this.scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleMode;
    this.initScaleFn();
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = useBeta1;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  private initScaleFn(): void {
    if (this.scaleFnCustom !== undefined) return;
    this.scaleMode = this.mode === 'exp_range' ? 'iterations' : 'cycle';
  }

  /** The amplitude scale at `x` (the cycle number or the iteration). */
  scaleFn(x: number): number {
    if (this.scaleFnCustom !== undefined) return this.scaleFnCustom(x);
    if (this.mode === 'triangular') return 1.0;
    if (this.mode === 'triangular2') return 1 / 2.0 ** (x - 1);
    return pow(this.gamma, x);
  }

  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1.0 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scaleFactor * this.scaleFn(at));
    if (this.cycleMomentum) {
      const momentums = this.baseMomentums.map((bm, i) => this.maxMomentums[i]! - (this.maxMomentums[i]! - bm) * scaleFactor * this.scaleFn(at));
      this.groups.forEach((g, i) => {
        if (i < momentums.length) setMomentum(g, this.useBeta1, momentums[i]!);
      });
    }
    return lrs;
  }

  protected override stateSpec(): SchedulerStateSpec {
    const n = this.baseLrs.length;
    const custom = this.scaleFnCustom;
    // With a custom scale function PyTorch never reads `mode`: any string.
    const mode: Check = custom === undefined ? oneOf('triangular', 'triangular2', 'exp_range') : (v) => {
      if (typeof v !== 'string') throw new Refused('a string', v, true);
      return v;
    };
    const scaleFnAttributes: Check = (v) => {
      if (v === null) return null;
      if (custom === undefined) throw new Refused('null (this CyclicLR has no custom scale function to give attributes to)', v);
      if (!isPlainRecord(v)) throw new Refused('null or an object of attributes', v, true);
      for (const k of Object.keys(v)) {
        const own = Object.getOwnPropertyDescriptor(custom, k);
        if (own !== undefined && !own.enumerable) throw new Refused(`attributes of the scale function (not its '${k}')`, v);
      }
      return copyValue(v);
    };
    return {
      max_lrs: { prop: 'maxLrs', check: listOf(lrValue, n) },
      total_size: { prop: 'totalSize', check: finiteAbove(0) },
      step_ratio: { prop: 'stepRatio', check: number('a number in (0, 1]', (x) => x > 0 && x <= 1) },
      mode: { prop: 'mode', check: mode },
      gamma: { prop: 'gamma', check: unitInterval },
      scale_mode: { prop: 'scaleMode', check: oneOf('cycle', 'iterations') },
      cycle_momentum: { prop: 'cycleMomentum', check: boolean },
      // PyTorch has these three only while cycling momentum; use_beta1 follows from the optimizer.
      use_beta1: { prop: 'useBeta1', check: boolean, presence: 'optional', save: () => (this.cycleMomentum ? this.useBeta1 : undefined), apply: () => {} },
      base_momentums: { prop: 'baseMomentums', check: listOf(momentumCheck), presence: 'optional', save: () => (this.cycleMomentum ? [...this.baseMomentums] : undefined) },
      max_momentums: { prop: 'maxMomentums', check: listOf(momentumCheck), presence: 'optional', save: () => (this.cycleMomentum ? [...this.maxMomentums] : undefined) },
      ...this.baseSpec(),
      _scale_fn_custom: {
        check: scaleFnAttributes, presence: 'optional', save: () => attributesOf(custom),
        apply: (attrs) => {
          if (attrs === null || custom === undefined) return;
          for (const [k, x] of Object.entries(attrs as Record<string, unknown>)) Object.defineProperty(custom, k, { value: x, enumerable: true, writable: true, configurable: true });
        },
      },
      _scale_fn_ref: { check: anything, presence: 'ignored' }, // a weakref in PyTorch 1.13's dicts
    };
  }
  protected override checkLoaded(next: Record<string, unknown>, loaded: ReadonlyMap<string, unknown>): void {
    const name = 'CyclicLR.loadStateDict';
    checkMomentumFlags(name, this.optimizer, next, loaded);
    if (next['cycle_momentum'] === true) {
      for (const key of ['base_momentums', 'max_momentums']) {
        const list = next[key] as unknown[];
        if (list.length !== this.baseLrs.length) throw new RangeError(`${name}: cycle_momentum is true, so ${key} must be a list of ${this.baseLrs.length} (one per param group), got ${list.length}`);
      }
    }
  }
  protected override afterLoad(): void {
    this.useBeta1 = this.cycleMomentum && 'betas' in (this.optimizer.defaults as object);
    this.initScaleFn();
  }
}

/**
 * Options of {@link OneCycleLR}.
 *
 * @example
 * ```ts
 * import { SGD, OneCycleLR, type OneCycleLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<OneCycleLROptions> = { maxLr: 0.1, totalSteps: 1000, threePhase: true };
 * new OneCycleLR(opt, options);
 * ```
 */
export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. Required. */
  maxLr: number | number[];
  /** Batches in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps: number | undefined;
  epochs: number | undefined;
  stepsPerEpoch: number | undefined;
  /** Fraction of the cycle spent rising (default 0.3). */
  pctStart: number;
  /** `'cos'` (default) or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to lr (default true). */
  cycleMomentum: boolean;
  /** Momentum at the lr peak (default 0.85). */
  baseMomentum: number | number[];
  /** Momentum at the start and end (default 0.95). */
  maxMomentum: number | number[];
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor: number;
  /** Three phases (up, down to the initial lr, then down to the min lr) as in the paper (default false). */
  threePhase: boolean;
  /** The index of the last batch (default -1: start). */
  lastEpoch: number;
}

interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * The 1cycle policy: lr rises from `maxLr / divFactor` to `maxLr`, then anneals far below, while
 * momentum (or Adam's beta1) moves the other way (PyTorch's `OneCycleLR`). Call `step()` after
 * each batch; stepping past `totalSteps` throws, as PyTorch does.
 *
 * @example
 * ```ts
 * import { AdamW, OneCycleLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new AdamW([zeros([2], { requiresGrad: true })]);
 * const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: 100 });
 * for (let i = 0; i < 1000; i++) { opt.step(); sched.step(); }
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  cycleMomentum: boolean;
  useBeta1 = false;
  annealStrategy: 'cos' | 'linear';
  private phases: Phase[];

  constructor(optimizer: AnyOptimizer, options: Partial<OneCycleLROptions>) {
    const o = resolve<OneCycleLROptions>('OneCycleLR', {
      maxLr: undefined as unknown as number, totalSteps: undefined, epochs: undefined, stepsPerEpoch: undefined, pctStart: 0.3,
      annealStrategy: 'cos', cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25.0, finalDivFactor: 1e4,
      threePhase: false, lastEpoch: -1,
    }, options);
    required('OneCycleLR', o as never, 'maxLr');
    checkOptimizer(optimizer);
    const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
    let totalSteps: number;
    if (o.totalSteps !== undefined) {
      if (!posInt(o.totalSteps)) throw new RangeError(`Expected positive integer total_steps, but got ${pyNum(o.totalSteps)}`);
      totalSteps = o.totalSteps;
    } else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
      if (!posInt(o.epochs)) throw new RangeError(`Expected positive integer epochs, but got ${pyNum(o.epochs)}`);
      if (!posInt(o.stepsPerEpoch)) throw new RangeError(`Expected positive integer steps_per_epoch, but got ${pyNum(o.stepsPerEpoch)}`);
      totalSteps = o.epochs * o.stepsPerEpoch;
    } else throw new RangeError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    const pct = option<number>('OneCycleLR', 'pctStart', o.pctStart, number('a number', () => true));
    const ends = o.threePhase ? [pct * totalSteps - 1, 2 * pct * totalSteps - 2, totalSteps - 1] : [pct * totalSteps - 1, totalSteps - 1];
    const phases: Phase[] = PHASES[ends.length]!.map((p, i) => ({ ...p, endStep: ends[i]! }));
    if (!(pct >= 0 && pct <= 1)) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pyNum(pct)}`);
    if (o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') throw new RangeError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(o.annealStrategy)}`);
    optionOrList('OneCycleLR', 'maxLr', o.maxLr, lrValue);
    option('OneCycleLR', 'divFactor', o.divFactor, finiteAbove(0));
    option('OneCycleLR', 'finalDivFactor', o.finalDivFactor, finiteAbove(0));
    option('OneCycleLR', 'lastEpoch', o.lastEpoch, integer(-1));
    const maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    option('OneCycleLR', 'cycleMomentum', o.cycleMomentum, boolean);
    let useBeta1 = false;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (o.cycleMomentum) {
      if (!supportsMomentum(optimizer)) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in (optimizer.defaults as object);
      optionOrList('OneCycleLR', 'maxMomentum', o.maxMomentum, momentumCheck);
      optionOrList('OneCycleLR', 'baseMomentum', o.baseMomentum, momentumCheck);
      maxMomentums = formatParam('max_momentum', optimizer, o.maxMomentum);
      baseMomentums = formatParam('base_momentum', optimizer, o.baseMomentum);
    }
    const groups = groupsOf(optimizer);
    if (o.lastEpoch === -1) {
      groups.forEach((g, i) => {
        g['initialLr'] = maxLrs[i]! / o.divFactor;
        g['maxLr'] = maxLrs[i]!;
        g['minLr'] = (g['initialLr'] as number) / o.finalDivFactor;
      });
      if (o.cycleMomentum) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMomentums[i]!);
          g['maxMomentum'] = maxMomentums[i]!;
          g['baseMomentum'] = baseMomentums[i]!;
        });
      }
    }
    super(optimizer, o.lastEpoch);
    this.totalSteps = totalSteps;
    this.phases = phases;
    this.annealStrategy = o.annealStrategy;
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') {
      const cosOut = cos(Math.PI * pct) + 1;
      return end + ((start - end) / 2.0) * cosOut;
    }
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new RangeError(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    return this.groups.map((g) => {
      let startStep = 0.0;
      let lr = NaN;
      let momentum = NaN;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          // NOTE: a last phase of no length (pct_start 1) is complete: PyTorch divides 1 by 0
          // there at step total_steps and writes NaN into lr and momentum.
          const pct = endStep === startStep ? 1 : (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) setMomentum(g, this.useBeta1, momentum);
      return lr;
    });
  }

  /** Every group needs the lr (and momentum) bounds the constructor wrote into it. */
  override checkStep(): void {
    const problem = this.groupProblem(this.cycleMomentum);
    if (problem !== null) throw new RangeError(`OneCycleLR.step: ${problem}`);
  }

  private groupProblem(cycleMomentum: boolean): string | null {
    const keys = cycleMomentum ? ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'] : ['initialLr', 'maxLr', 'minLr'];
    const groups = this.groups;
    for (let i = 0; i < groups.length; i++) {
      for (const k of keys) {
        const v = groups[i]![k];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          const has = v === undefined ? `no ${snake(k)}` : `${snake(k)} ${show(v)} (not a finite number)`;
          return `param_groups[${i}] has ${has}: OneCycleLR writes ${keys.map(snake).join(', ')} into every group when it is made (a group added with addParamGroup since, or an optimizer state dict saved without the scheduler, lacks them)`;
        }
      }
    }
    return null;
  }

  protected override stateSpec(): SchedulerStateSpec {
    return {
      total_steps: { prop: 'totalSteps', check: integer(1) },
      _schedule_phases: {
        check: phasesCheck,
        save: () => this.phases.map((p) => ({ end_step: p.endStep, start_lr: snake(p.startLr), end_lr: snake(p.endLr), start_momentum: snake(p.startMomentum), end_momentum: snake(p.endMomentum) })),
        apply: (v) => (this.phases = v as Phase[]),
      },
      _anneal_func_type: { prop: 'annealStrategy', check: oneOf('cos', 'linear'), presence: 'optional' }, // since PyTorch 2.2
      cycle_momentum: { prop: 'cycleMomentum', check: boolean },
      use_beta1: { prop: 'useBeta1', check: boolean, presence: 'optional', save: () => (this.cycleMomentum ? this.useBeta1 : undefined), apply: () => {} },
      ...this.baseSpec(),
      anneal_func: { check: anything, presence: 'ignored' }, // PyTorch 1.13's function (a pickle has it)
    };
  }

  protected override checkLoaded(next: Record<string, unknown>, loaded: ReadonlyMap<string, unknown>): void {
    const name = 'OneCycleLR.loadStateDict';
    const total = next['total_steps'] as number, phases = next['_schedule_phases'] as Phase[];
    const ends = phases.map((p) => p.endStep);
    // The constructor's phases for some pct_start in [0, 1]: [p*T - 1, (2*p*T - 2,) T - 1].
    const first = ends[0]!;
    if (ends[ends.length - 1] !== total - 1 || !(first >= -1 && first <= total - 1) || (ends.length === 3 && ends[1] !== 2 * first)) {
      throw new RangeError(`${name}: _schedule_phases end at steps [${ends.map(pyNum).join(', ')}], which no pct_start in [0, 1] gives for total_steps ${total}`);
    }
    if ((next['last_epoch'] as number) > total) throw new RangeError(`${name}: last_epoch ${String(next['last_epoch'])} is past total_steps ${total}`);
    checkMomentumFlags(name, this.optimizer, next, loaded);
    const problem = this.groupProblem(next['cycle_momentum'] === true);
    if (problem !== null) throw new RangeError(`${name}: ${problem}`);
  }

  protected override afterLoad(): void {
    this.useBeta1 = this.cycleMomentum && 'betas' in (this.optimizer.defaults as object);
  }
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The constructor's phase labels, for two and for three phases (only `end_step` varies). */
const PHASES: Record<number, Omit<Phase, 'endStep'>[]> = {
  2: [
    { startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
    { startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
  ],
  3: [
    { startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
    { startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
    { startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
  ],
};

/** `_schedule_phases`: two or three phases with the constructor's labels and finite end steps. */
const phasesCheck: Check = (v) => {
  if (!Array.isArray(v)) throw new Refused('a list of 2 or 3 phases', v, true);
  const labels = PHASES[v.length];
  if (labels === undefined) throw new Refused('a list of 2 or 3 phases', v);
  return v.map((p: unknown, i) => {
    const want = labels[i]!;
    const keys = ['end_step', 'start_lr', 'end_lr', 'start_momentum', 'end_momentum'];
    if (!isPlainRecord(p) || Object.keys(p).length !== keys.length || keys.some((k) => !Object.hasOwn(p, k))) {
      throw new Refused(`an object with keys ${keys.join(', ')}`, p, !isPlainRecord(p), `[${i}]`);
    }
    for (const k of ['startLr', 'endLr', 'startMomentum', 'endMomentum'] as const) {
      if (p[snake(k)] !== snake(want[k])) throw new Refused(`'${snake(want[k])}' (phase ${i} of ${v.length})`, p[snake(k)], false, `[${i}].${snake(k)}`);
    }
    const endStep = p['end_step'];
    if (typeof endStep !== 'number' || !Number.isFinite(endStep)) throw new Refused('a finite number', endStep, typeof endStep !== 'number', `[${i}].end_step`);
    return { ...want, endStep };
  });
};
