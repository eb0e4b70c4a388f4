import { typeName } from '../state-dict.js';
import {
  LRScheduler, checkOptimizer, detached, groupsOf, lrOf, required, resolve, restoreMomentum, saveMomentum, writeLr, type AnyOptimizer,
} from './base.js';
import { ReduceLROnPlateau } from './plateau.js';
import { count, finite, integer, listOf, option, Refused, type SchedulerStateSpec, type StateKey } from './state-spec.js';

// ---------------------------------------------------------------------------------------------
// ChainedScheduler, SequentialLR

function checkSchedulers(name: string, optimizer: AnyOptimizer, schedulers: unknown[]): void {
  schedulers.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) throw new TypeError(`${name} at index ${i} should have \`optimizer\` as its attribute.`);
    if (s instanceof ReduceLROnPlateau) {
      throw new RangeError(`${name} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`);
    }
    if (s.optimizer !== optimizer) {
      throw new RangeError(`${name} expects all schedulers to belong to the same optimizer, but got scheduler ${s.constructor.name} at index ${i} has ${String(s.optimizer)}, which is different from ${optimizer.constructor.name}.`);
    }
  });
}

/**
 * Steps several schedulers together, each multiplying on the lr the previous left (PyTorch's
 * `ChainedScheduler`): `new ChainedScheduler([warmup, decay])`.
 *
 * @example
 * ```ts
 * import { SGD, ChainedScheduler, ConstantLR, ExponentialLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 1 });
 * const sched = new ChainedScheduler([
 *   new ConstantLR(opt, { factor: 0.1, totalIters: 2 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 * for (let epoch = 0; epoch < 3; epoch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.729]
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];
  constructor(schedulers: readonly LRScheduler[], optimizer?: AnyOptimizer) {
    if (!Array.isArray(schedulers)) throw new TypeError(`ChainedScheduler: schedulers must be a list, got ${typeName(schedulers)}`);
    if (schedulers.length < 1) throw new RangeError('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.');
    const first = schedulers[0] as unknown;
    const opt = optimizer ?? (first instanceof LRScheduler ? first.optimizer : undefined);
    if (opt === undefined) throw new TypeError('ChainedScheduler at index 0 should have `optimizer` as its attribute.');
    checkSchedulers('ChainedScheduler', opt, schedulers as unknown[]);
    super(detached(opt));
    this.schedulers = [...schedulers];
    this.lastLr = groupsOf(this.schedulers[this.schedulers.length - 1]!.optimizer).map(lrOf);
  }
  getLr(): number[] {
    return this.groupLrs();
  }
  override checkStep(): void {
    for (const s of this.schedulers) s.checkStep();
  }
  /**
   * Steps every scheduler in order; each is checked against the optimizer first, and if one
   * throws, those before it are put back: a step that throws changes nothing.
   */
  override step(): void {
    this.checkStep();
    const groups = groupsOf(this.optimizer);
    const lrs = groups.map(lrOf), momentum = saveMomentum(groups);
    const restore = this.schedulers.map((s) => s.prepareLoad(s.stateDict()));
    try {
      for (const s of this.schedulers) s.step();
    } catch (e) {
      restore.forEach((apply) => apply());
      groups.forEach((g, i) => writeLr(g, lrs[i]!));
      restoreMomentum(groups, momentum);
      throw e;
    }
    this.lastLr = groupsOf(this.schedulers[this.schedulers.length - 1]!.optimizer).map(lrOf);
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { _last_lr: { prop: 'lastLr', check: listOf(finite) }, _schedulers: nestedKey(this.name, this.schedulers) };
  }
}

/**
 * `_schedulers`: one state dict per scheduler, each checked completely by its scheduler before
 * any is applied, so a nested load is all or nothing.
 */
function nestedKey(owner: string, schedulers: readonly LRScheduler[]): StateKey {
  return {
    check: (v) => {
      if (!Array.isArray(v)) throw new Refused(`a list of ${schedulers.length} state dicts`, v, true);
      if (v.length !== schedulers.length) throw new Refused(`a list of ${schedulers.length} state dicts (one per scheduler)`, v);
      return schedulers.map((s, i) => {
        try {
          return s.prepareLoad(v[i]);
        } catch (e) {
          if (e instanceof Error) e.message = `${owner}.loadStateDict: _schedulers[${i}]: ${e.message}`;
          throw e;
        }
      });
    },
    save: () => schedulers.map((s) => s.stateDict()),
    apply: (commits) => (commits as (() => void)[]).forEach((apply) => apply()),
  };
}

/**
 * Options of {@link SequentialLR}.
 *
 * @example
 * ```ts
 * import { SGD, SequentialLR, ConstantLR, ExponentialLR, type SequentialLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const options: Partial<SequentialLROptions> = {
 *   schedulers: [new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })],
 *   milestones: [2],
 * };
 * new SequentialLR(opt, options);
 * ```
 */
export interface SequentialLROptions {
  /** The schedulers, in order. Required. */
  schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over (one fewer than schedulers). Required. */
  milestones: number[];
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Runs schedulers one after another, switching at the milestones (PyTorch's `SequentialLR`);
 * at a milestone the next scheduler starts from its closed form at epoch 0.
 *
 * @example
 * ```ts
 * import { SGD, SequentialLR, LinearLR, CosineAnnealingLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new SequentialLR(opt, {
 *   schedulers: [new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }), new CosineAnnealingLR(opt, { tMax: 95 })],
 *   milestones: [5],
 * });
 * ```
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  milestones: number[];
  constructor(optimizer: AnyOptimizer, options: Partial<SequentialLROptions>) {
    const o = resolve<SequentialLROptions>('SequentialLR', { schedulers: undefined as unknown as LRScheduler[], milestones: undefined as unknown as number[], lastEpoch: -1 }, options);
    required('SequentialLR', o as never, 'schedulers');
    required('SequentialLR', o as never, 'milestones');
    if (!Array.isArray(o.schedulers)) throw new TypeError(`SequentialLR: schedulers must be a list, got ${typeName(o.schedulers)}`);
    if (!Array.isArray(o.milestones)) throw new TypeError(`SequentialLR: milestones must be a list, got ${typeName(o.milestones)}`);
    option('SequentialLR', 'lastEpoch', o.lastEpoch, integer(-1));
    if (o.schedulers.length < 1) throw new RangeError('SequentialLR expects at least one scheduler, but got no scheduler.');
    checkOptimizer(optimizer);
    checkSchedulers('SequentialLR', optimizer, o.schedulers);
    if (o.milestones.length !== o.schedulers.length - 1) {
      throw new RangeError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`);
    }
    option('SequentialLR', 'milestones', o.milestones, listOf(count));
    super(detached(optimizer));
    this.schedulers = [...o.schedulers];
    this.milestones = [...o.milestones];
    this.lastEpoch = o.lastEpoch + 1;
    groupsOf(optimizer).forEach((g, i) => {
      if (!Object.hasOwn(g, 'initialLr')) throw new RangeError(`'initial_lr' (param_groups[${i}])`);
      writeLr(g, g['initialLr'] as number);
    });
    for (const inner of this.schedulers) recursiveUndo(inner);
    this.schedulers[0]!.initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }
  getLr(): number[] {
    return this.groupLrs();
  }
  override checkStep(): void {
    for (const s of this.schedulers) s.checkStep();
  }
  /** Steps the scheduler whose turn it is (at a milestone, the next one from its epoch 0). */
  override step(): void {
    const epoch = this.lastEpoch + 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= epoch) idx++; // bisect_right
    const s = this.schedulers[idx]!;
    s.checkStep();
    if (idx > 0 && this.milestones[idx - 1] === epoch) s.updateLr(0);
    else s.step();
    this.lastEpoch = epoch;
    this.lastLr = s.getLastLr();
  }
  protected override stateSpec(): SchedulerStateSpec {
    return {
      _milestones: { prop: 'milestones', check: listOf(count, this.schedulers.length - 1, 'scheduler after the first') },
      last_epoch: { prop: 'lastEpoch', check: count },
      _last_lr: { prop: 'lastLr', check: listOf(finite) },
      _schedulers: nestedKey(this.name, this.schedulers),
    };
  }
}

/** Undoes the construction step of every (nested) scheduler (PyTorch's `recursive_undo`). */
function recursiveUndo(s: LRScheduler): void {
  if (s instanceof ChainedScheduler || s instanceof SequentialLR) for (const inner of s.schedulers) recursiveUndo(inner);
  else s.lastEpoch -= 1;
}

