import { cos } from '../libm.js';
import { typeName } from '../state-dict.js';
import { pyNum } from '../format.js';
import { LRScheduler, checkLrs, pyMod, required, resolve, writeLr, type AnyOptimizer } from './base.js';
import { finite, finiteAbove, finiteAtLeast, integer, option, type SchedulerStateSpec } from './state-spec.js';

// CosineAnnealingLR, CosineAnnealingWarmRestarts

const positiveInt = integer(1);
/** The lowest lr: finite and >= 0 (a negative one reaches the groups as a negative lr). */
const etaMinCheck = finiteAtLeast(0);
/**
 * Options of {@link CosineAnnealingLR}.
 *
 * @example
 * ```ts
 * import { SGD, CosineAnnealingLR, type CosineAnnealingLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<CosineAnnealingLROptions> = { tMax: 50, etaMin: 1e-5 };
 * new CosineAnnealingLR(opt, options);
 * ```
 */
export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in epochs (a positive integer). Required. */
  tMax: number;
  /** The lowest lr (default 0; finite and >= 0). */
  etaMin: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Cosine annealing from the initial lr to `etaMin` over `tMax` epochs, in PyTorch's recursive
 * (chainable) form (PyTorch's `CosineAnnealingLR`; past `tMax` it rises again, as PyTorch's).
 *
 * @example
 * ```ts
 * import { SGD, CosineAnnealingLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-4 });
 * for (let epoch = 0; epoch < 100; epoch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.0001] (to an ulp)
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: AnyOptimizer, options: Partial<CosineAnnealingLROptions>) {
    const o = resolve<CosineAnnealingLROptions>('CosineAnnealingLR', { tMax: undefined as unknown as number, etaMin: 0.0, lastEpoch: -1 }, options);
    required('CosineAnnealingLR', o as never, 'tMax');
    // PyTorch divides by T_max (an int in its signature); 0 fails there with ZeroDivisionError,
    // and a fraction can divide by 1 + cos(pi) = 0 in the chainable form.
    option('CosineAnnealingLR', 'tMax', o.tMax, positiveInt);
    option('CosineAnnealingLR', 'etaMin', o.etaMin, etaMinCheck);
    super(optimizer, o.lastEpoch);
    this.tMax = o.tMax;
    this.etaMin = o.etaMin;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    const { tMax, etaMin, lastEpoch } = this;
    if (this.isInitial) return this.groupLrs();
    if (this.stepCount === 1 && lastEpoch > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + cos((lastEpoch * Math.PI) / tMax))) / 2);
    }
    if (pyMod(lastEpoch - 1 - tMax, 2 * tMax) === 0) {
      return this.groupLrs().map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + cos((Math.PI * lastEpoch) / tMax)) / (1 + cos((Math.PI * (lastEpoch - 1)) / tMax));
    return this.groupLrs().map((lr) => ratio * (lr - etaMin) + etaMin);
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { T_max: { prop: 'tMax', check: positiveInt }, eta_min: { prop: 'etaMin', check: etaMinCheck }, ...this.baseSpec() };
  }
}


// ---------------------------------------------------------------------------------------------
// CosineAnnealingWarmRestarts

/**
 * Options of {@link CosineAnnealingWarmRestarts}.
 *
 * @example
 * ```ts
 * import { SGD, CosineAnnealingWarmRestarts, type CosineAnnealingWarmRestartsOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<CosineAnnealingWarmRestartsOptions> = { t0: 10, tMult: 2, etaMin: 1e-4 };
 * new CosineAnnealingWarmRestarts(opt, options);
 * ```
 */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (a positive integer). Required. */
  t0: number;
  /** Each period is `tMult` times the previous (an integer >= 1, default 1). */
  tMult: number;
  /** The lowest lr (default 0; finite and >= 0). */
  etaMin: number;
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Cosine annealing with warm restarts (SGDR; PyTorch's `CosineAnnealingWarmRestarts`): lr falls
 * from the initial lr to `etaMin` over `t0` epochs, then restarts, each period `tMult` times
 * longer. `step(epoch)` takes fractional epochs (`epoch + i / iters` inside an epoch).
 *
 * @example
 * ```ts
 * import { SGD, CosineAnnealingWarmRestarts } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 * for (let epoch = 0; epoch < 30; epoch++) { opt.step(); sched.step(); }
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tI: number;
  tMult: number;
  etaMin: number;
  tCur: number;
  constructor(optimizer: AnyOptimizer, options: Partial<CosineAnnealingWarmRestartsOptions>) {
    const o = resolve<CosineAnnealingWarmRestartsOptions>('CosineAnnealingWarmRestarts', { t0: undefined as unknown as number, tMult: 1, etaMin: 0.0, lastEpoch: -1 }, options);
    required('CosineAnnealingWarmRestarts', o as never, 't0');
    if (typeof o.t0 !== 'number' || !(o.t0 > 0) || !Number.isInteger(o.t0)) throw new RangeError(`Expected positive integer T_0, but got ${pyNum(o.t0)}`);
    if (typeof o.tMult !== 'number' || !(o.tMult >= 1) || !Number.isInteger(o.tMult)) throw new RangeError(`Expected integer T_mult >= 1, but got ${pyNum(o.tMult)}`);
    if (typeof o.etaMin !== 'number') throw new RangeError(`Expected float or int eta_min, but got ${String(o.etaMin)} of type <class '${typeName(o.etaMin)}'>`);
    option('CosineAnnealingWarmRestarts', 'etaMin', o.etaMin, etaMinCheck);
    super(optimizer, o.lastEpoch);
    this.t0 = o.t0;
    this.tI = o.t0;
    this.tMult = o.tMult;
    this.etaMin = o.etaMin;
    this.tCur = o.lastEpoch;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  /** One epoch on, or to `epoch` (may be fractional; restarts are found in closed form). */
  override step(epoch?: number): void {
    this.checkStep();
    if (epoch !== undefined) {
      option(`${this.name}.step`, 'epoch', epoch, finite);
      if (epoch < 0) throw new RangeError(`Expected non-negative epoch, but got ${pyNum(epoch)}`);
    }
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    const before = [this.tCur, this.tI, this.lastEpoch] as const;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = pyMod(this.tCur, this.tI);
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (epoch >= this.t0) {
        if (this.tMult === 1) this.tCur = pyMod(epoch, this.t0);
        else {
          const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.getLrCalledWithinStep = true;
    const groups = this.groups;
    let lrs: number[];
    try {
      lrs = this.getLr().slice(0, groups.length);
      checkLrs(this.name, lrs, this.lastEpoch);
    } catch (e) {
      [this.tCur, this.tI, this.lastEpoch] = before;
      throw e;
    } finally {
      this.getLrCalledWithinStep = false;
    }
    lrs.forEach((lr, i) => writeLr(groups[i]!, lr));
    this.lastLr = this.groupLrs();
  }
  protected override stateSpec(): SchedulerStateSpec {
    return {
      T_0: { prop: 't0', check: positiveInt }, T_i: { prop: 'tI', check: finiteAbove(0) }, T_mult: { prop: 'tMult', check: positiveInt },
      // T_cur: a fractional epoch just below a restart can leave it a hair below 0 (log rounding).
      eta_min: { prop: 'etaMin', check: etaMinCheck }, T_cur: { prop: 'tCur', check: finite }, ...this.baseSpec(),
    };
  }
}
