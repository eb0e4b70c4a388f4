import { Tensor } from '@tensile/tensor';
import { Optimizer } from '../optimizer.js';
import { pyFloat } from '../format.js';
import { typeName } from '../state-dict.js';
import {
  applyState, boolean, checkState, copyValue, count, finite, integer, isPlainRecord, listOf, lrValue, nextState, number, option, Refused, saveState, show, verbose,
  type Check, type SchedulerStateSpec,
} from './state-spec.js';

/**
 * PyTorch's `torch.optim.lr_scheduler`, in PyTorch's double-precision arithmetic and order: the
 * learning rates equal PyTorch's bit for bit where a formula is arithmetic only, and within an
 * ulp or two where it calls `cos`/`pow`/`log` (JavaScript's libm and CPython's may differ there).
 * Follows the newest `lr_scheduler.py` (2.13): `_is_initial`, `_update_lr`, the step-order warning.
 */

/**
 * Any optimizer (the schedulers read and write `lr`, and `momentum`/`betas` when cycling).
 *
 * @example
 * ```ts
 * import { Adam, StepLR, type AnyOptimizer } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt: AnyOptimizer = new Adam([zeros([2], { requiresGrad: true })]);
 * new StepLR(opt, { stepSize: 10 });
 * ```
 */
export type AnyOptimizer = Optimizer<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/**
 * A scheduler's state dict: PyTorch's keys (`last_epoch`, `base_lrs`, `_step_count`, ...).
 *
 * @example
 * ```ts
 * import { SGD, ExponentialLR, type SchedulerStateDict } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sd: SchedulerStateDict = new ExponentialLR(opt, { gamma: 0.9 }).stateDict(); // sd['last_epoch'] === 0
 * ```
 */
export type SchedulerStateDict = Record<string, unknown>;

/** @internal A param group as the schedulers see it. */
export type Group = Record<string, unknown>;

const ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';
/** @internal */
export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';
const GET_LR_WARNING = 'To get the last learning rate computed by the scheduler, please use `get_last_lr()`.';

/**
 * Whether each optimizer has stepped since a scheduler first attached to it (PyTorch patches
 * `optimizer.step` to set `_opt_called`; here a step pre-hook sets the flag, nothing is patched).
 */
const stepCalled = new WeakMap<object, { called: boolean }>();
function trackStepCalled(optimizer: AnyOptimizer): void {
  if (stepCalled.has(optimizer)) return;
  const flag = { called: false };
  stepCalled.set(optimizer, flag);
  optimizer.registerStepPreHook(() => {
    flag.called = true;
  });
}

/** @internal */
export function groupsOf(optimizer: AnyOptimizer): Group[] {
  return optimizer.paramGroups as unknown as Group[];
}

/** @internal A group's `lr` as a number (a 1-element tensor lr, ASGD's option, reads as its value). */
export function lrOf(group: Group): number {
  const lr = group['lr'];
  return lr instanceof Tensor ? lr.item() : (lr as number);
}

/** @internal PyTorch's `_update_lr` write: a tensor lr is filled in place, a number replaced. */
export function writeLr(group: Group, lr: number): void {
  const cur = group['lr'];
  if (cur instanceof Tensor) cur.fill_(lr);
  else group['lr'] = lr;
}

/** @internal */
export function checkOptimizer(optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${typeName(optimizer)} is not an Optimizer`);
}

/** @internal PyTorch's `_format_param`: one value per param group (a list must match their number). */
export function formatParam(name: string, optimizer: AnyOptimizer, param: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(param)) {
    if (param.length !== n) {
      throw new RangeError(`${name} must have the same length as optimizer.param_groups. ${name} has ${param.length} values, param_groups has ${n}.`);
    }
    return [...(param as number[])];
  }
  return new Array<number>(n).fill(param as number);
}

/** @internal Runs `check` on a number or on each number of a list (`maxLr: 0.1` or `[0.1, 0.2]`). */
export function optionOrList(name: string, key: string, v: unknown, check: Check): void {
  if (Array.isArray(v)) v.forEach((x, i) => option(name, `${key}[${i}]`, x, check));
  else option(name, key, v, check);
}

/**
 * @internal Refuses an lr that is not a finite number (a lambda's NaN, a growing gamma's
 * overflow) before it is written: PyTorch writes it and the optimizer computes with it. A
 * negative lr passes, as in PyTorch (OneCycleLR's linear anneal ends just below zero at
 * `total_steps`); the optimizers refuse it at their next step.
 */
export function checkLrs(name: string, lrs: readonly number[], epoch: number): void {
  lrs.forEach((lr, i) => {
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new RangeError(`${name}.step: the schedule gives param_groups[${i}] the lr ${show(lr)} at epoch ${epoch}, not a finite number (nothing was changed)`);
    }
  });
}

/** @internal The momentum and betas of every group, which the cycling schedulers write. */
export function saveMomentum(groups: readonly Group[]): [unknown, unknown, boolean, boolean][] {
  return groups.map((g) => [g['momentum'], g['betas'], Object.hasOwn(g, 'momentum'), Object.hasOwn(g, 'betas')]);
}

/** @internal Puts back what `saveMomentum` saved. */
export function restoreMomentum(groups: readonly Group[], saved: readonly [unknown, unknown, boolean, boolean][]): void {
  groups.forEach((g, i) => {
    const s = saved[i];
    if (s === undefined) return;
    if (s[2]) g['momentum'] = s[0];
    if (s[3]) g['betas'] = s[1];
  });
}

/** @internal Options with camelCase names: unknown names are refused; `undefined` keeps the default. */
export function resolve<O extends object>(name: string, defaults: O, options: unknown): O {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${name}: options must be an object, got ${typeName(options)}`);
  }
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(options)) {
    if (!Object.hasOwn(out, k)) throw new TypeError(`${name}: unknown option '${k}' (options: ${Object.keys(out).join(', ')})`);
    if (v !== undefined) out[k] = v;
  }
  return out as O;
}

/** @internal */
export function required(name: string, o: Record<string, unknown>, key: string): void {
  if (o[key] === undefined) throw new TypeError(`${name}: missing required option '${key}'`);
}

/** @internal Python's `a % b` for numbers (the sign of the divisor). */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** @internal Any number but NaN (a custom subclass's own fields, declared by `stateFields()`). */
const anyNumber = number('a number', (x) => !Number.isNaN(x));

/** @internal The check a custom subclass's `stateFields()` entry gets: the kind of value it holds now. */
function sameKindAs(cur: unknown): Check {
  if (typeof cur === 'number') return anyNumber;
  if (typeof cur === 'boolean') return boolean;
  if (Array.isArray(cur)) return listOf((x) => copyValue(x));
  if (typeof cur === 'string') {
    return (v) => {
      if (typeof v !== 'string') throw new Refused('a string', v, true);
      return v;
    };
  }
  return copyValue;
}

/**
 * @internal Set just before `super()` by the three schedulers whose PyTorch `__init__` does not
 * call `LRScheduler.__init__` (ChainedScheduler, SequentialLR, ReduceLROnPlateau).
 */
let detachNext = false;
/** @internal */
export function detached<T>(value: T): T {
  detachNext = true;
  return value;
}

/**
 * The base of every scheduler (PyTorch's `LRScheduler`): it records each group's `initialLr`
 * (`initial_lr` in the optimizer's state dict), keeps `lastEpoch` and `baseLrs`, and on `step()`
 * writes `getLr()` into the param groups. A subclass sets its own fields, then calls
 * `this.initialStep()` at the end of its constructor (PyTorch's `super().__init__` does that
 * step; in JavaScript a subclass's fields are not set until `super()` returns), and implements
 * `getLr()` (the chainable form) and, optionally, `getClosedFormLr()` (used by `step(epoch)`).
 * `stateDict()` saves what `stateFields()` names (PyTorch's snake_case keys) and the base fields;
 * `loadStateDict()` accepts exactly those keys.
 *
 * @example
 * ```ts
 * import { SGD, LRScheduler } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * // lr halves every epoch, but never drops below `floor`.
 * class HalvingLR extends LRScheduler {
 *   constructor(optimizer: SGD, readonly floor: number) {
 *     super(optimizer);
 *     this.initialStep();
 *   }
 *   getLr(): number[] {
 *     return this.baseLrs.map((lr) => Math.max(this.floor, lr * 0.5 ** this.lastEpoch));
 *   }
 *   protected override stateFields(): [string, string][] { return [['floor', 'floor']]; }
 * }
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new HalvingLR(opt, 0.02);
 * for (let epoch = 0; epoch < 4; epoch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.02]
 * ```
 */
export abstract class LRScheduler {
  /** The wrapped optimizer. */
  readonly optimizer: AnyOptimizer;
  /** The learning rates the schedule starts from, one per group (`initial_lr`). */
  baseLrs: number[] = [];
  /** The index of the last epoch (or batch, for the per-batch schedulers); -1 before the first. */
  lastEpoch = -1;
  /** PyTorch's `_step_count`: calls of `step()`, including the one at construction. */
  protected stepCount = 0;
  /** PyTorch's `_is_initial`: true while the constructor's step runs. */
  protected isInitial = false;
  /** PyTorch's `_get_lr_called_within_step`. */
  protected getLrCalledWithinStep = false;
  /** PyTorch's `_last_lr`. */
  protected lastLr: number[] = [];
  /** Whether the `step(epoch)` deprecation warning was shown (once per scheduler). */
  protected warnedEpoch = false;

  /** The scheduler's name in messages (its class name). */
  protected get name(): string {
    return this.constructor.name;
  }

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    const isDetached = detachNext;
    detachNext = false;
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (isDetached) return;
    option(this.name, 'lastEpoch', lastEpoch, integer(-1));
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) {
      for (const group of groups) if (!Object.hasOwn(group, 'initialLr')) group['initialLr'] = lrOf(group);
    } else {
      groups.forEach((group, i) => {
        if (!Object.hasOwn(group, 'initialLr')) throw new RangeError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = groups.map((g) => g['initialLr'] as number);
    this.lastEpoch = lastEpoch;
    trackStepCalled(optimizer);
  }

  /** PyTorch's `_initial_step`: resets the step count and takes the first step. */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The chainable form: the next learning rate of each group (called by `step()`). */
  abstract getLr(): number[];

  /** The closed form, if the scheduler has one: used by `step(epoch)`. */
  protected getClosedFormLr?(): number[];

  /** The learning rates the last `step()` set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * Advances the schedule by one epoch and writes the new learning rates into the optimizer.
   * Passing `epoch` (deprecated in PyTorch, warned once) jumps there with the closed form. A
   * step that throws changes nothing.
   */
  step(epoch?: number): void {
    this.checkStep();
    // PyTorch types `epoch` as an int; a fraction would leave a `last_epoch` no load accepts.
    if (epoch !== undefined) option(`${this.name}.step`, 'epoch', epoch, count);
    if (this.stepCount === 1 && !stepCalled.get(this.optimizer)!.called) console.warn(ORDER_WARNING);
    if (epoch !== undefined) {
      if (!this.warnedEpoch) console.warn(EPOCH_DEPRECATION_WARNING);
      this.warnedEpoch = true;
    }
    this.stepCount++;
    try {
      this.updateLr(epoch);
    } catch (e) {
      this.stepCount--;
      throw e;
    }
  }

  /**
   * @internal Throws, naming the scheduler, when the optimizer no longer matches what the
   * scheduler was made for (a group added since): called before a step changes anything.
   */
  checkStep(): void {}

  /**
   * @internal PyTorch's `_update_lr` (SequentialLR calls it with 0 at a milestone). An lr that
   * is not finite (a lambda's NaN, or a growing gamma's overflow) is refused before it reaches
   * the groups; a throw changes nothing (the momentum a cycling `getLr` wrote included).
   */
  updateLr(epoch?: number): void {
    const lastEpoch = this.lastEpoch;
    const groups = groupsOf(this.optimizer);
    const momentum = saveMomentum(groups);
    this.getLrCalledWithinStep = true;
    try {
      let values: number[];
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.getClosedFormLr ? this.getClosedFormLr() : this.getLr();
      }
      const n = Math.min(groups.length, values.length);
      checkLrs(this.name, values.slice(0, n), this.lastEpoch);
      for (let i = 0; i < n; i++) writeLr(groups[i]!, values[i]!);
    } catch (e) {
      this.lastEpoch = lastEpoch;
      restoreMomentum(groups, momentum);
      throw e;
    } finally {
      this.getLrCalledWithinStep = false;
    }
    this.lastLr = groups.map(lrOf);
  }

  /** Warns when `getLr()` is called directly (use `getLastLr()`), as PyTorch does. */
  protected warnGetLrCalledWithinStep(): void {
    if (!this.getLrCalledWithinStep) console.warn(GET_LR_WARNING);
  }

  /** The current `lr` of every group. */
  protected groupLrs(): number[] {
    return groupsOf(this.optimizer).map(lrOf);
  }

  protected get groups(): Group[] {
    return groupsOf(this.optimizer);
  }

  /**
   * `[stateDictKey, property]` pairs of a custom subclass's own state, in PyTorch's order: saved
   * by `stateDict()`, and required by `loadStateDict()` with a value of the kind it holds now.
   */
  protected stateFields(): [string, string][] {
    return [];
  }

  /**
   * Every key of this scheduler's state dict with its check (see `state-spec.ts`): what
   * `stateDict()` writes and all that `loadStateDict()` accepts. The built-in schedulers declare
   * their own; a custom subclass gets its `stateFields()` and the base keys.
   */
  protected stateSpec(): SchedulerStateSpec {
    const self = this as unknown as Record<string, unknown>;
    const own: SchedulerStateSpec = {};
    for (const [key, prop] of this.stateFields()) own[key] = { prop, check: sameKindAs(self[prop]) };
    return { ...own, ...this.baseSpec() };
  }

  /**
   * The base keys, after the subclass's: `base_lrs`, `last_epoch`, `_step_count`, `_is_initial`,
   * `_get_lr_called_within_step`, `_last_lr` (and PyTorch 1.13 to 2.x's `verbose`, accepted).
   */
  protected baseSpec(): SchedulerStateSpec {
    return {
      base_lrs: { prop: 'baseLrs', check: listOf(lrValue, this.baseLrs.length) },
      // -1: not started (SequentialLR's later schedulers until their milestone).
      last_epoch: { prop: 'lastEpoch', check: integer(-1) },
      _step_count: { prop: 'stepCount', check: count },
      _is_initial: { prop: 'isInitial', check: boolean, presence: 'ignored' },
      _get_lr_called_within_step: { prop: 'getLrCalledWithinStep', check: boolean, presence: 'ignored' },
      _last_lr: { prop: 'lastLr', check: listOf(finite) },
      verbose: { check: verbose, presence: 'ignored' },
    };
  }

  /**
   * Checks that relate keys of a loaded dict, after each key passed its own check and before
   * anything is applied. `next`: every key's value after the load, by state-dict key; `loaded`:
   * the keys the dict has, checked.
   */
  protected checkLoaded(next: Record<string, unknown>, loaded: ReadonlyMap<string, unknown>): void {
    void next;
    void loaded;
  }

  /** Recomputes what derives from loaded state (CyclicLR's scale function), after a load. */
  protected afterLoad(): void {}

  /**
   * The scheduler's state with PyTorch's keys: the subclass's fields, then `base_lrs`,
   * `last_epoch`, `_step_count`, `_is_initial`, `_get_lr_called_within_step`, `_last_lr`.
   * Functions (lambdas) are not saved, as in PyTorch. A snapshot: later steps do not change it.
   *
   * @example
   * ```ts
   * import { SGD, StepLR } from '@tensile/optim';
   * import { zeros } from '@tensile/tensor';
   * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
   * const sched = new StepLR(opt, { stepSize: 2 });
   * opt.step(); sched.step();
   * const saved = JSON.stringify(sched.stateDict()); // { step_size: 2, gamma: 0.1, base_lrs: [0.1], last_epoch: 1, ... }
   * const again = new StepLR(opt, { stepSize: 2 });
   * again.loadStateDict(JSON.parse(saved));         // continues where `sched` was
   * ```
   */
  stateDict(): SchedulerStateDict {
    return saveState(this, this.stateSpec());
  }

  /**
   * Loads a state dict from `stateDict()` (or PyTorch's, as JSON). The whole dict is checked
   * first, with the constructor's checks: a key this scheduler does not have (another
   * scheduler's dict), a missing key, or a value the constructor would refuse throws, naming the
   * key, and changes nothing. Nested schedulers (ChainedScheduler, SequentialLR) load all or
   * nothing.
   *
   * @example
   * ```ts
   * import { SGD, StepLR, ExponentialLR } from '@tensile/optim';
   * import { zeros } from '@tensile/tensor';
   * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
   * const sched = new StepLR(opt, { stepSize: 2 });
   * const other = new ExponentialLR(opt, { gamma: 0.9 }).stateDict();
   * try { sched.loadStateDict(other); } catch (e) { (e as Error).message; } // "StepLR.loadStateDict: missing key 'step_size' ..."
   * ```
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this.prepareLoad(stateDict)();
  }

  /**
   * @internal The checking half of `loadStateDict`: throws before anything changes, or returns
   * the function that applies the dict (which cannot fail). Nested schedulers check every inner
   * dict before they apply any.
   */
  prepareLoad(stateDict: unknown): () => void {
    const name = `${this.name}.loadStateDict`;
    if (!isPlainRecord(stateDict)) throw new TypeError(`${name}: expected a state dict object, got ${typeName(stateDict)}`);
    const spec = this.stateSpec();
    const values = checkState(name, spec, stateDict);
    this.checkLoaded(nextState(this, spec, values), values);
    return () => {
      applyState(this, spec, values);
      this.afterLoad();
    };
  }

  /** `StepLR (last_epoch=3, last_lr=[0.05])`. */
  toString(): string {
    return `${this.name} (last_epoch=${this.lastEpoch}, last_lr=[${this.lastLr.map(pyFloat).join(', ')}])`;
  }
}
