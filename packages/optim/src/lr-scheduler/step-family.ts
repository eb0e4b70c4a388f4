import { pow } from '../libm.js';
import { LRScheduler, pyMod, required, resolve, type AnyOptimizer } from './base.js';
import { finiteAtLeast, integer, isPlainRecord, listOf, number, option, Refused, type Check, type SchedulerStateSpec } from './state-spec.js';

// StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR: decays by a factor.

/**
 * A decay factor (`gamma`): finite and >= 0, or the next lr would be negative or not a number,
 * which every optimizer refuses at its next step (PyTorch takes any number).
 */
const gammaCheck: Check = finiteAtLeast(0);
const positiveInt = integer(1);
const nonNegativeInt = integer(0);
const unitInterval = number('a number in [0, 1]', (x) => x >= 0 && x <= 1);
const startFactorCheck = number('a number in (0, 1]', (x) => x > 0 && x <= 1);

/** MultiStepLR's milestones as PyTorch's `Counter` saves them: `{ "30": 1, "80": 2 }`. */
const milestoneCounts: Check = (v) => {
  if (!isPlainRecord(v)) throw new Refused('an object of milestone counts ({ "30": 1 })', v, true);
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v)) {
    if (!/^(0|[1-9][0-9]*)$/.test(k) || !Number.isSafeInteger(Number(k))) throw new Refused('an object keyed by epochs (non-negative integers)', k);
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new Refused('a positive integer (how often the milestone was given)', n, typeof n !== 'number', `[${JSON.stringify(k)}]`);
    out[k] = n;
  }
  return out;
};

/**
 * Options of {@link StepLR}.
 *
 * @example
 * ```ts
 * import { SGD, StepLR, type StepLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<StepLROptions> = { stepSize: 30, gamma: 0.1 };
 * new StepLR(opt, options);
 * ```
 */
export interface StepLROptions {
  /** Period of the decay, in epochs (a positive integer). Required. */
  stepSize: number;
  /** Multiplicative factor (default 0.1; finite and >= 0). */
  gamma: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs (PyTorch's `StepLR`).
 *
 * @example
 * ```ts
 * import { SGD, StepLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 1 });
 * const sched = new StepLR(opt, { stepSize: 7, gamma: 0.5 });
 * for (let epoch = 0; epoch < 14; epoch++) {
 *   opt.step();   // train one epoch
 *   sched.step();
 * }
 * sched.getLastLr(); // [0.25]
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: Partial<StepLROptions>) {
    const o = resolve<StepLROptions>('StepLR', { stepSize: undefined as unknown as number, gamma: 0.1, lastEpoch: -1 }, options);
    required('StepLR', o as never, 'stepSize');
    // PyTorch takes any step_size and fails at the first step with ZeroDivisionError for 0.
    option('StepLR', 'stepSize', o.stepSize, positiveInt);
    option('StepLR', 'gamma', o.gamma, gammaCheck);
    super(optimizer, o.lastEpoch);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * pow(this.gamma, Math.floor(this.lastEpoch / this.stepSize)));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { step_size: { prop: 'stepSize', check: positiveInt }, gamma: { prop: 'gamma', check: gammaCheck }, ...this.baseSpec() };
  }
}

/**
 * Options of {@link MultiStepLR}.
 *
 * @example
 * ```ts
 * import { SGD, MultiStepLR, type MultiStepLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<MultiStepLROptions> = { milestones: [30, 80], gamma: 0.1 };
 * new MultiStepLR(opt, options);
 * ```
 */
export interface MultiStepLROptions {
  /** Epoch indices at which lr is multiplied by gamma (a repeated one applies gamma twice). Required. */
  milestones: number[];
  /** Multiplicative factor (default 0.1; finite and >= 0). */
  gamma: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Multiplies each group's lr by `gamma` at each milestone (PyTorch's `MultiStepLR`).
 *
 * @example
 * ```ts
 * import { SGD, MultiStepLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone -> how many times it was given (PyTorch's `Counter`). */
  milestones: Record<string, number>;
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: Partial<MultiStepLROptions>) {
    const o = resolve<MultiStepLROptions>('MultiStepLR', { milestones: undefined as unknown as number[], gamma: 0.1, lastEpoch: -1 }, options);
    required('MultiStepLR', o as never, 'milestones');
    option('MultiStepLR', 'milestones', o.milestones, listOf(nonNegativeInt));
    option('MultiStepLR', 'gamma', o.gamma, gammaCheck);
    super(optimizer, o.lastEpoch);
    const counts: Record<string, number> = {};
    for (const m of o.milestones) counts[String(m)] = (counts[String(m)] ?? 0) + 1;
    this.milestones = counts;
    this.gamma = o.gamma;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    const n = this.milestones[String(this.lastEpoch)];
    if (n === undefined) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * pow(this.gamma, n));
  }
  protected override getClosedFormLr(): number[] {
    // bisect_right over the sorted milestones (with repeats): how many are <= lastEpoch.
    let k = 0;
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) k += n;
    return this.baseLrs.map((base) => base * pow(this.gamma, k));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { milestones: { prop: 'milestones', check: milestoneCounts }, gamma: { prop: 'gamma', check: gammaCheck }, ...this.baseSpec() };
  }
}

/**
 * Options of {@link ConstantLR}.
 *
 * @example
 * ```ts
 * import { SGD, ConstantLR, type ConstantLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<ConstantLROptions> = { factor: 0.5, totalIters: 4 };
 * new ConstantLR(opt, options);
 * ```
 */
export interface ConstantLROptions {
  /** The factor applied until `totalIters` (default 1/3), in [0, 1]. */
  factor: number;
  /** Epochs with the factor applied (default 5). */
  totalIters: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Multiplies lr by `factor` for the first `totalIters` epochs (PyTorch's `ConstantLR`).
 *
 * @example
 * ```ts
 * import { SGD, ConstantLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 4 }); // lr 0.025 for 4 epochs, then 0.05
 * ```
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: Partial<ConstantLROptions> = {}) {
    const o = resolve<ConstantLROptions>('ConstantLR', { factor: 1 / 3, totalIters: 5, lastEpoch: -1 }, options);
    if (typeof o.factor === 'number' && (o.factor > 1.0 || o.factor < 0)) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    option('ConstantLR', 'factor', o.factor, unitInterval);
    option('ConstantLR', 'totalIters', o.totalIters, nonNegativeInt);
    super(optimizer, o.lastEpoch);
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groupLrs();
    // NOTE: PyTorch computes 0 * (1 / 0) = NaN here for factor 0; the closed form's base lr is
    // what the schedule means (and equal to PyTorch's value for every other factor).
    if (this.factor === 0) return this.getClosedFormLr();
    return this.groupLrs().map((lr) => lr * (1.0 / this.factor));
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { factor: { prop: 'factor', check: unitInterval }, total_iters: { prop: 'totalIters', check: nonNegativeInt }, ...this.baseSpec() };
  }
}

/**
 * Options of {@link LinearLR}.
 *
 * @example
 * ```ts
 * import { SGD, LinearLR, type LinearLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<LinearLROptions> = { startFactor: 0.1, totalIters: 10 };
 * new LinearLR(opt, options);
 * ```
 */
export interface LinearLROptions {
  /** Factor at the first epoch (default 1/3), in (0, 1]. */
  startFactor: number;
  /** Factor from `totalIters` on (default 1), in [0, 1]. */
  endFactor: number;
  /** Epochs of the linear change (default 5). */
  totalIters: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Changes lr's factor linearly from `startFactor` to `endFactor` over `totalIters` epochs (PyTorch's `LinearLR`).
 *
 * @example
 * ```ts
 * import { SGD, LinearLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const warmup = new LinearLR(opt, { startFactor: 0.05, totalIters: 40 });
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: Partial<LinearLROptions> = {}) {
    const o = resolve<LinearLROptions>('LinearLR', { startFactor: 1 / 3, endFactor: 1.0, totalIters: 5, lastEpoch: -1 }, options);
    if (typeof o.startFactor === 'number' && (o.startFactor > 1.0 || o.startFactor <= 0)) throw new RangeError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    option('LinearLR', 'startFactor', o.startFactor, startFactorCheck);
    if (typeof o.endFactor === 'number' && (o.endFactor > 1.0 || o.endFactor < 0)) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    option('LinearLR', 'endFactor', o.endFactor, unitInterval);
    // PyTorch divides by total_iters; 0 fails there with ZeroDivisionError.
    option('LinearLR', 'totalIters', o.totalIters, positiveInt);
    super(optimizer, o.lastEpoch);
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.startFactor);
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.groupLrs();
    const f = 1.0 + (this.endFactor - this.startFactor) / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * (this.endFactor - this.startFactor));
    return this.groupLrs().map((lr) => lr * f);
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return {
      start_factor: { prop: 'startFactor', check: startFactorCheck }, end_factor: { prop: 'endFactor', check: unitInterval },
      total_iters: { prop: 'totalIters', check: positiveInt }, ...this.baseSpec(),
    };
  }
}

/**
 * Options of {@link ExponentialLR}.
 *
 * @example
 * ```ts
 * import { SGD, ExponentialLR, type ExponentialLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<ExponentialLROptions> = { gamma: 0.95 };
 * new ExponentialLR(opt, options);
 * ```
 */
export interface ExponentialLROptions {
  /** Multiplicative factor per epoch. Required. */
  gamma: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Multiplies lr by `gamma` every epoch (PyTorch's `ExponentialLR`).
 *
 * @example
 * ```ts
 * import { SGD, ExponentialLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new ExponentialLR(opt, { gamma: 0.9 });
 * opt.step(); sched.step(); // lr 0.09
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: Partial<ExponentialLROptions>) {
    const o = resolve<ExponentialLROptions>('ExponentialLR', { gamma: undefined as unknown as number, lastEpoch: -1 }, options);
    required('ExponentialLR', o as never, 'gamma');
    option('ExponentialLR', 'gamma', o.gamma, gammaCheck);
    super(optimizer, o.lastEpoch);
    this.gamma = o.gamma;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.isInitial) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * pow(this.gamma, this.lastEpoch));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { gamma: { prop: 'gamma', check: gammaCheck }, ...this.baseSpec() };
  }
}

/**
 * Options of {@link PolynomialLR}.
 *
 * @example
 * ```ts
 * import { SGD, PolynomialLR, type PolynomialLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<PolynomialLROptions> = { totalIters: 100, power: 2 };
 * new PolynomialLR(opt, options);
 * ```
 */
export interface PolynomialLROptions {
  /** Epochs of the decay (default 5). */
  totalIters: number;
  /** The polynomial's power (default 1). */
  power: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Decays lr as `(1 - epoch / totalIters) ** power`, reaching 0 at `totalIters` (PyTorch's `PolynomialLR`).
 *
 * @example
 * ```ts
 * import { SGD, PolynomialLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new PolynomialLR(opt, { totalIters: 50, power: 0.9 });
 * ```
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: AnyOptimizer, options: Partial<PolynomialLROptions> = {}) {
    const o = resolve<PolynomialLROptions>('PolynomialLR', { totalIters: 5, power: 1.0, lastEpoch: -1 }, options);
    option('PolynomialLR', 'totalIters', o.totalIters, positiveInt);
    // A negative power divides by zero at total_iters (lr infinite); PyTorch takes any.
    option('PolynomialLR', 'power', o.power, finiteAtLeast(0));
    super(optimizer, o.lastEpoch);
    this.totalIters = o.totalIters;
    this.power = o.power;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.groupLrs();
    const decay = pow((1.0 - this.lastEpoch / this.totalIters) / (1.0 - (this.lastEpoch - 1) / this.totalIters), this.power);
    return this.groupLrs().map((lr) => lr * decay);
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * pow(1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters, this.power));
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { total_iters: { prop: 'totalIters', check: positiveInt }, power: { prop: 'power', check: finiteAtLeast(0) }, ...this.baseSpec() };
  }
}

