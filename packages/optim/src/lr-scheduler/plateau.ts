import { Tensor } from '@tensile/tensor';
import { EPOCH_DEPRECATION_WARNING, LRScheduler, checkOptimizer, detached, lrOf, optionOrList, resolve, writeLr, type AnyOptimizer } from './base.js';
import {
  count, finite, finiteAtLeast, listOf, lrValue, nullable, number, oneOf, option, verbose, type Check, type SchedulerStateSpec,
} from './state-spec.js';

// ReduceLROnPlateau

/** PyTorch's `factor < 1`, and >= 0: a negative factor would reduce lr below zero (to min_lr). */
const factorCheck = number('a number in [0, 1)', (x) => x >= 0 && x < 1);
/** A metric's best value: a number (±Infinity before the first metric; `null` in JSON), not NaN. */
const bestCheck: Check = nullable(number('a number (not NaN)', (x) => !Number.isNaN(x)));

/**
 * Options of {@link ReduceLROnPlateau}.
 *
 * @example
 * ```ts
 * import { SGD, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<ReduceLROnPlateauOptions> = { mode: 'max', patience: 3, minLr: 1e-4 };
 * new ReduceLROnPlateau(opt, options);
 * ```
 */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: lower metric is better (default); `'max'`: higher is better. */
  mode: 'min' | 'max';
  /** lr is multiplied by this on a plateau (default 0.1), < 1. */
  factor: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience: number;
  /** Minimal improvement (default 1e-4), relative or absolute per `thresholdMode`. */
  threshold: number;
  /** `'rel'` (default) or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown: number;
  /** A lower bound on lr, one for all groups or one per group (default 0). */
  minLr: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps: number;
}

/**
 * Reduces lr by `factor` when a metric stops improving for `patience` epochs (PyTorch's
 * `ReduceLROnPlateau`); `step(metric)` takes the metric (a number or a 1-element tensor).
 *
 * @example
 * ```ts
 * import { SGD, ReduceLROnPlateau } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const valLoss of [1.0, 0.9, 0.95, 0.97]) { opt.step(); sched.step(valLoss); }
 * sched.getLastLr(); // [0.05]
 * ```
 */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  defaultMinLr: number | null;
  minLrs: number[];
  patience: number;
  cooldown: number;
  eps: number;
  mode: 'min' | 'max' = 'min';
  threshold = 1e-4;
  thresholdMode: 'rel' | 'abs' = 'rel';
  modeWorse = Infinity;
  best = Infinity;
  cooldownCounter = 0;
  numBadEpochs = 0;
  constructor(optimizer: AnyOptimizer, options: Partial<ReduceLROnPlateauOptions> = {}) {
    const o = resolve<ReduceLROnPlateauOptions>('ReduceLROnPlateau', {
      mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8,
    }, options);
    if (typeof o.factor === 'number' && o.factor >= 1.0) throw new RangeError('Factor should be < 1.0.');
    option('ReduceLROnPlateau', 'factor', o.factor, factorCheck);
    checkOptimizer(optimizer);
    let defaultMinLr: number | null;
    let minLrs: number[];
    if (Array.isArray(o.minLr)) {
      if (o.minLr.length !== optimizer.paramGroups.length) throw new RangeError(`expected ${optimizer.paramGroups.length} min_lrs, got ${o.minLr.length}`);
      optionOrList('ReduceLROnPlateau', 'minLr', o.minLr, lrValue);
      defaultMinLr = null;
      minLrs = [...o.minLr];
    } else {
      option('ReduceLROnPlateau', 'minLr', o.minLr, lrValue);
      defaultMinLr = o.minLr;
      minLrs = new Array<number>(optimizer.paramGroups.length).fill(o.minLr);
    }
    option('ReduceLROnPlateau', 'patience', o.patience, count);
    option('ReduceLROnPlateau', 'cooldown', o.cooldown, count);
    // A NaN threshold or eps would silently stop every reduction; PyTorch takes any number.
    option('ReduceLROnPlateau', 'threshold', o.threshold, finiteAtLeast(0));
    option('ReduceLROnPlateau', 'eps', o.eps, finiteAtLeast(0));
    super(detached(optimizer));
    this.factor = o.factor;
    this.defaultMinLr = defaultMinLr;
    this.minLrs = minLrs;
    this.patience = o.patience;
    this.cooldown = o.cooldown;
    this.eps = o.eps;
    this.lastEpoch = 0;
    this.lastLr = this.groupLrs();
    this.initIsBetter(o.mode, o.threshold, o.thresholdMode);
    this.reset();
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  private initIsBetter(mode: unknown, threshold: number, thresholdMode: unknown): void {
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`threshold mode ${String(thresholdMode)} is unknown!`);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  /** Whether a cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  getLr(): number[] {
    return this.groupLrs();
  }

  /**
   * Records this epoch's metric; reduces lr after `patience` epochs without improvement. A step
   * that throws changes nothing.
   */
  override step(metrics?: number | Tensor, epoch?: number): void {
    if (metrics === undefined) throw new TypeError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'");
    let current: number;
    if (metrics instanceof Tensor) {
      if (metrics.numel() !== 1) throw new RangeError('only one element tensors can be converted to Python scalars');
      current = metrics.item();
    } else current = option('ReduceLROnPlateau.step', 'metrics', metrics, number('a number', () => true));
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else {
      option('ReduceLROnPlateau.step', 'epoch', epoch, count);
      if (!this.warnedEpoch) console.warn(EPOCH_DEPRECATION_WARNING);
      this.warnedEpoch = true;
    }
    const before = [this.lastEpoch, this.best, this.numBadEpochs, this.cooldownCounter] as const;
    try {
      this.lastEpoch = epoch;
      if (this.isBetter(current, this.best)) {
        this.best = current;
        this.numBadEpochs = 0;
      } else this.numBadEpochs += 1;
      if (this.inCooldown) {
        this.cooldownCounter -= 1;
        this.numBadEpochs = 0;
      }
      if (this.numBadEpochs > this.patience) {
        this.reduceLr();
        this.cooldownCounter = this.cooldown;
        this.numBadEpochs = 0;
      }
    } catch (e) {
      [this.lastEpoch, this.best, this.numBadEpochs, this.cooldownCounter] = before;
      throw e;
    }
    this.lastLr = this.groupLrs();
  }

  private reduceLr(): void {
    const groups = this.groups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(`The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` field to match the length of the \`optimizer\` param groups.`);
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((g, i) => {
      const oldLr = lrOf(g);
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) writeLr(g, newLr);
    });
  }

  /**
   * PyTorch's keys; `best` and `mode_worse` are ±Infinity before the first metric (`null` in
   * JSON, read back as the mode's worst value).
   */
  protected override stateSpec(): SchedulerStateSpec {
    return {
      factor: { prop: 'factor', check: factorCheck },
      default_min_lr: { prop: 'defaultMinLr', check: nullable(lrValue), presence: 'optional' }, // since PyTorch 2.2
      min_lrs: { prop: 'minLrs', check: listOf(lrValue) },
      patience: { prop: 'patience', check: count },
      cooldown: { prop: 'cooldown', check: count },
      eps: { prop: 'eps', check: finiteAtLeast(0) },
      last_epoch: { prop: 'lastEpoch', check: count },
      _last_lr: { prop: 'lastLr', check: listOf(finite) },
      // Derived from `mode` (checked against it below, recomputed after the load).
      mode_worse: { prop: 'modeWorse', check: bestCheck, apply: () => {} },
      mode: { prop: 'mode', check: oneOf('min', 'max') },
      threshold: { prop: 'threshold', check: finiteAtLeast(0) },
      threshold_mode: { prop: 'thresholdMode', check: oneOf('rel', 'abs') },
      // Applied after `mode` (key order): null is the worst value of the loaded mode.
      best: { prop: 'best', check: bestCheck, apply: (v) => (this.best = v === null ? (this.mode === 'min' ? Infinity : -Infinity) : (v as number)) },
      cooldown_counter: { prop: 'cooldownCounter', check: count },
      num_bad_epochs: { prop: 'numBadEpochs', check: count },
      verbose: { check: verbose, presence: 'ignored' },
    };
  }

  protected override checkLoaded(next: Record<string, unknown>): void {
    const name = 'ReduceLROnPlateau.loadStateDict';
    const worst = next['mode'] === 'min' ? Infinity : -Infinity;
    if (next['mode_worse'] !== null && next['mode_worse'] !== worst) {
      throw new RangeError(`${name}: mode_worse must be ${worst} for mode '${String(next['mode'])}' (or null, as JSON writes it), got ${String(next['mode_worse'])}`);
    }
    const minLrs = next['min_lrs'] as number[], groups = this.groups.length;
    if (next['default_min_lr'] === null && minLrs.length !== groups) {
      // PyTorch loads it and raises at the next reduction.
      throw new RangeError(`${name}: min_lrs has ${minLrs.length} values but the optimizer has ${groups} param groups, and default_min_lr is null (nothing to fill them from)`);
    }
  }

  protected override afterLoad(): void {
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}

