import { Tensor } from '@tensile/tensor';
import { Optimizer } from './optimizer.js';
import { pyFloat, pyNum } from './format.js';
import { typeName } from './state-dict.js';
import { cos, pow } from './libm.js';

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

type Group = Record<string, unknown>;

const ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';
const EPOCH_DEPRECATION_WARNING =
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

function groupsOf(optimizer: AnyOptimizer): Group[] {
  return optimizer.paramGroups as unknown as Group[];
}

/** A group's `lr` as a number (a 1-element tensor lr, ASGD's option, reads as its value). */
function lrOf(group: Group): number {
  const lr = group['lr'];
  return lr instanceof Tensor ? lr.item() : (lr as number);
}

/** PyTorch's `_update_lr` write: a tensor lr is filled in place, a number replaced. */
function writeLr(group: Group, lr: number): void {
  const cur = group['lr'];
  if (cur instanceof Tensor) cur.fill_(lr);
  else group['lr'] = lr;
}

function checkOptimizer(optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${typeName(optimizer)} is not an Optimizer`);
}

/** PyTorch's `_format_param`: one value per param group (a list must match their number). */
function formatParam(name: string, optimizer: AnyOptimizer, param: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(param)) {
    if (param.length !== n) {
      throw new RangeError(`${name} must have the same length as optimizer.param_groups. ${name} has ${param.length} values, param_groups has ${n}.`);
    }
    return [...(param as number[])];
  }
  return new Array<number>(n).fill(param as number);
}

/** Options with camelCase names: unknown names are refused; `undefined` keeps the default. */
function resolve<O extends object>(name: string, defaults: O, options: unknown): O {
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

function required(name: string, o: Record<string, unknown>, key: string): void {
  if (o[key] === undefined) throw new TypeError(`${name}: missing required option '${key}'`);
}

function checkNumber(name: string, key: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name}: ${key} must be a number, got ${typeName(v)}`);
  return v;
}

function checkNumbers(name: string, key: string, v: unknown): void {
  if (Array.isArray(v)) v.forEach((x, i) => checkNumber(name, `${key}[${i}]`, x));
  else checkNumber(name, key, v);
}

function checkInteger(name: string, key: string, v: unknown, min: number): number {
  checkNumber(name, key, v);
  if (!Number.isInteger(v) || (v as number) < min) throw new RangeError(`${name}: ${key} must be an integer >= ${min}, got ${pyNum(v)}`);
  return v as number;
}

/** Python's `a % b` for numbers (the sign of the divisor). */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Copies a state-dict value: arrays and plain objects deeply, numbers and strings as they are. */
function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Set just before `super()` by the three schedulers whose PyTorch `__init__` does not call
 * `LRScheduler.__init__` (ChainedScheduler, SequentialLR, ReduceLROnPlateau).
 */
let detachNext = false;
function detached<T>(value: T): T {
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
 * `stateDict()` saves what `stateFields()` names (PyTorch's snake_case keys) and the base fields.
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
    checkInteger(this.name, 'lastEpoch', lastEpoch, -1);
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
   * Passing `epoch` (deprecated in PyTorch, warned once) jumps there with the closed form.
   */
  step(epoch?: number): void {
    if (this.stepCount === 1 && !stepCalled.get(this.optimizer)!.called) console.warn(ORDER_WARNING);
    this.stepCount++;
    if (epoch !== undefined) {
      checkNumber(this.name, 'epoch', epoch);
      if (!this.warnedEpoch) console.warn(EPOCH_DEPRECATION_WARNING);
      this.warnedEpoch = true;
    }
    this.updateLr(epoch);
  }

  /** @internal PyTorch's `_update_lr` (SequentialLR calls it with 0 at a milestone). */
  updateLr(epoch?: number): void {
    let values: number[];
    this.getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.getClosedFormLr ? this.getClosedFormLr() : this.getLr();
      }
    } finally {
      this.getLrCalledWithinStep = false;
    }
    const groups = groupsOf(this.optimizer);
    for (let i = 0; i < Math.min(groups.length, values.length); i++) writeLr(groups[i]!, values[i]!);
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

  /** `[stateDictKey, property]` pairs of the subclass's own state, in PyTorch's order. */
  protected stateFields(): [string, string][] {
    return [];
  }

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
    const out: SchedulerStateDict = {};
    const self = this as unknown as Record<string, unknown>;
    for (const [key, prop] of this.stateFields()) out[key] = copyValue(self[prop]);
    out['base_lrs'] = [...this.baseLrs];
    out['last_epoch'] = this.lastEpoch;
    out['_step_count'] = this.stepCount;
    out['_is_initial'] = this.isInitial;
    out['_get_lr_called_within_step'] = this.getLrCalledWithinStep;
    out['_last_lr'] = [...this.lastLr];
    return out;
  }

  /**
   * Loads a state dict from `stateDict()` (or PyTorch's, as JSON). Keys this scheduler does not
   * have are ignored (PyTorch 1.13's `verbose`); the known ones are checked before anything changes.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isRecord(stateDict)) throw new TypeError(`${this.name}.loadStateDict: expected a state dict object, got ${typeName(stateDict)}`);
    const updates: [string, unknown][] = [];
    const self = this as unknown as Record<string, unknown>;
    const base: [string, string][] = [['base_lrs', 'baseLrs'], ['last_epoch', 'lastEpoch'], ['_step_count', 'stepCount'], ['_last_lr', 'lastLr']];
    for (const [key, prop] of [...this.stateFields(), ...base]) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const v = stateDict[key];
      const cur = self[prop];
      const ok = typeof cur === 'number' ? typeof v === 'number'
        : Array.isArray(cur) ? Array.isArray(v)
          : typeof cur === 'string' ? typeof v === 'string'
            : typeof cur === 'boolean' ? typeof v === 'boolean' : true;
      if (!ok) throw new TypeError(`${this.name}.loadStateDict: '${key}' must be ${Array.isArray(cur) ? 'a list' : `a ${typeof cur}`}, got ${typeName(v)}`);
      updates.push([prop, copyValue(v)]);
    }
    for (const [prop, v] of updates) self[prop] = v;
  }

  /** `StepLR (last_epoch=3, last_lr=[0.05])`. */
  toString(): string {
    return `${this.name} (last_epoch=${this.lastEpoch}, last_lr=[${this.lastLr.map(pyFloat).join(', ')}])`;
  }
}

// ---------------------------------------------------------------------------------------------
// LambdaLR, MultiplicativeLR

/**
 * A function of the epoch (an integer, or a fraction after `step(epoch)`) giving a factor.
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR, type LrLambda } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const warmup: LrLambda = (epoch) => Math.min(1, (epoch + 1) / 5);
 * new LambdaLR(new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 }), { lrLambda: warmup });
 * ```
 */
export type LrLambda = (epoch: number) => number;

function lambdasFor(name: string, optimizer: AnyOptimizer, lrLambda: unknown): LrLambda[] {
  const n = optimizer.paramGroups.length;
  let list: unknown[];
  if (!Array.isArray(lrLambda)) list = new Array<unknown>(n).fill(lrLambda);
  else {
    if (lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
    list = [...lrLambda];
  }
  for (const f of list) if (typeof f !== 'function') throw new TypeError(`lr_lambda should be a function, but got ${typeName(f)}`);
  void name;
  return list as LrLambda[];
}

/** Saved as PyTorch saves lambdas: `null` for a function (its own enumerable properties otherwise). */
function saveLambdas(fns: LrLambda[]): unknown[] {
  return fns.map((f) => (Object.keys(f).length > 0 ? copyValue({ ...f }) : null));
}
function loadLambdas(fns: LrLambda[], saved: unknown): void {
  if (!Array.isArray(saved)) return;
  saved.forEach((s, i) => {
    if (isRecord(s) && fns[i]) Object.assign(fns[i]!, s);
  });
}

/**
 * Options of {@link LambdaLR} and {@link MultiplicativeLR}.
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR, type LambdaLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<LambdaLROptions> = { lrLambda: (epoch) => 1 / (1 + epoch) };
 * new LambdaLR(opt, options);
 * ```
 */
export interface LambdaLROptions {
  /** The factor for an epoch, or one function per param group. Required. */
  lrLambda: LrLambda | LrLambda[];
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * `lr = initial_lr * lrLambda(epoch)` (PyTorch's `LambdaLR`).
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
 * for (let epoch = 0; epoch < 3; epoch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.1 * 0.95 ** 3]
 * ```
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: AnyOptimizer, options: Partial<LambdaLROptions>) {
    const o = resolve('LambdaLR', { lrLambda: undefined, lastEpoch: -1 } as Record<string, unknown>, options);
    required('LambdaLR', o, 'lrLambda');
    checkOptimizer(optimizer);
    const fns = lambdasFor('LambdaLR', optimizer, o['lrLambda']);
    super(optimizer, o['lastEpoch'] as number);
    this.lrLambdas = fns;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: saveLambdas(this.lrLambdas) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    loadLambdas(this.lrLambdas, stateDict['lr_lambdas']);
  }
}

/**
 * `lr = lr * lrLambda(epoch)` each step, after the first (PyTorch's `MultiplicativeLR`).
 *
 * @example
 * ```ts
 * import { SGD, MultiplicativeLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.9 });
 * opt.step(); sched.step(); // lr 0.09
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: AnyOptimizer, options: Partial<LambdaLROptions>) {
    const o = resolve('MultiplicativeLR', { lrLambda: undefined, lastEpoch: -1 } as Record<string, unknown>, options);
    required('MultiplicativeLR', o, 'lrLambda');
    checkOptimizer(optimizer);
    const fns = lambdasFor('MultiplicativeLR', optimizer, o['lrLambda']);
    super(optimizer, o['lastEpoch'] as number);
    this.lrLambdas = fns;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (!this.isInitial) return this.groups.map((g, i) => lrOf(g) * this.lrLambdas[i]!(this.lastEpoch));
    return this.groupLrs();
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lr_lambdas: saveLambdas(this.lrLambdas) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    loadLambdas(this.lrLambdas, stateDict['lr_lambdas']);
  }
}

// ---------------------------------------------------------------------------------------------
// StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR

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
  /** Multiplicative factor (default 0.1). */
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
    checkInteger('StepLR', 'stepSize', o.stepSize, 1);
    checkNumber('StepLR', 'gamma', o.gamma);
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
  protected override stateFields(): [string, string][] {
    return [['step_size', 'stepSize'], ['gamma', 'gamma']];
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
  /** Multiplicative factor (default 0.1). */
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
    if (!Array.isArray(o.milestones)) throw new TypeError(`MultiStepLR: milestones must be a list of integers, got ${typeName(o.milestones)}`);
    o.milestones.forEach((m, i) => checkInteger('MultiStepLR', `milestones[${i}]`, m, 0));
    checkNumber('MultiStepLR', 'gamma', o.gamma);
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
  protected override stateFields(): [string, string][] {
    return [['milestones', 'milestones'], ['gamma', 'gamma']];
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
    checkNumber('ConstantLR', 'factor', o.factor);
    if (o.factor > 1.0 || o.factor < 0 || Number.isNaN(o.factor)) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    checkInteger('ConstantLR', 'totalIters', o.totalIters, 0);
    super(optimizer, o.lastEpoch);
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1.0 / this.factor));
  }
  protected override getClosedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
  protected override stateFields(): [string, string][] {
    return [['factor', 'factor'], ['total_iters', 'totalIters']];
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
    checkNumber('LinearLR', 'startFactor', o.startFactor);
    checkNumber('LinearLR', 'endFactor', o.endFactor);
    if (o.startFactor > 1.0 || !(o.startFactor > 0)) throw new RangeError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (o.endFactor > 1.0 || !(o.endFactor >= 0)) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    // PyTorch divides by total_iters; 0 fails there with ZeroDivisionError.
    checkInteger('LinearLR', 'totalIters', o.totalIters, 1);
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
  protected override stateFields(): [string, string][] {
    return [['start_factor', 'startFactor'], ['end_factor', 'endFactor'], ['total_iters', 'totalIters']];
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
    checkNumber('ExponentialLR', 'gamma', o.gamma);
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
  protected override stateFields(): [string, string][] {
    return [['gamma', 'gamma']];
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
    checkInteger('PolynomialLR', 'totalIters', o.totalIters, 1);
    checkNumber('PolynomialLR', 'power', o.power);
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
  protected override stateFields(): [string, string][] {
    return [['total_iters', 'totalIters'], ['power', 'power']];
  }
}

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
  /** Half-period of the cosine, in epochs. Required. */
  tMax: number;
  /** The lowest lr (default 0). */
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
    // PyTorch divides by T_max; 0 fails there with ZeroDivisionError.
    checkNumber('CosineAnnealingLR', 'tMax', o.tMax);
    if (!(o.tMax > 0) || !Number.isFinite(o.tMax)) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${pyNum(o.tMax)}`);
    checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin);
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
  protected override stateFields(): [string, string][] {
    return [['T_max', 'tMax'], ['eta_min', 'etaMin']];
  }
}

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
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = groupsOf(this.schedulers[this.schedulers.length - 1]!.optimizer).map(lrOf);
  }
  override stateDict(): SchedulerStateDict {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    loadNested(this, this.schedulers, stateDict);
  }
}

function loadNested(self: LRScheduler, schedulers: LRScheduler[], stateDict: SchedulerStateDict): void {
  if (!isRecord(stateDict)) throw new TypeError(`${self.constructor.name}.loadStateDict: expected a state dict object, got ${typeName(stateDict)}`);
  const nested = stateDict['_schedulers'];
  if (!Array.isArray(nested) || nested.length !== schedulers.length) {
    throw new RangeError(`${self.constructor.name}.loadStateDict: '_schedulers' must be a list of ${schedulers.length} state dicts`);
  }
  const s = self as unknown as Record<string, unknown>;
  if (Array.isArray(stateDict['_last_lr'])) s['lastLr'] = [...(stateDict['_last_lr'] as number[])];
  if (typeof stateDict['last_epoch'] === 'number') s['lastEpoch'] = stateDict['last_epoch'];
  if (Array.isArray(stateDict['_milestones'])) s['milestones'] = [...(stateDict['_milestones'] as number[])];
  nested.forEach((sd, i) => schedulers[i]!.loadStateDict(sd as SchedulerStateDict));
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
    checkInteger('SequentialLR', 'lastEpoch', o.lastEpoch, -1);
    if (o.schedulers.length < 1) throw new RangeError('SequentialLR expects at least one scheduler, but got no scheduler.');
    checkOptimizer(optimizer);
    checkSchedulers('SequentialLR', optimizer, o.schedulers);
    if (o.milestones.length !== o.schedulers.length - 1) {
      throw new RangeError(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`);
    }
    o.milestones.forEach((m, i) => checkInteger('SequentialLR', `milestones[${i}]`, m, 0));
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
  override step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++; // bisect_right
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.updateLr(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }
  override stateDict(): SchedulerStateDict {
    return { _milestones: [...this.milestones], last_epoch: this.lastEpoch, _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    loadNested(this, this.schedulers, stateDict);
  }
}

/** Undoes the construction step of every (nested) scheduler (PyTorch's `recursive_undo`). */
function recursiveUndo(s: LRScheduler): void {
  if (s instanceof ChainedScheduler || s instanceof SequentialLR) for (const inner of s.schedulers) recursiveUndo(inner);
  else s.lastEpoch -= 1;
}

// ---------------------------------------------------------------------------------------------
// ReduceLROnPlateau

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
    checkNumber('ReduceLROnPlateau', 'factor', o.factor);
    if (!(o.factor < 1.0)) throw new RangeError('Factor should be < 1.0.');
    checkOptimizer(optimizer);
    let defaultMinLr: number | null;
    let minLrs: number[];
    if (Array.isArray(o.minLr)) {
      if (o.minLr.length !== optimizer.paramGroups.length) throw new RangeError(`expected ${optimizer.paramGroups.length} min_lrs, got ${o.minLr.length}`);
      checkNumbers('ReduceLROnPlateau', 'minLr', o.minLr);
      defaultMinLr = null;
      minLrs = [...o.minLr];
    } else {
      checkNumber('ReduceLROnPlateau', 'minLr', o.minLr);
      defaultMinLr = o.minLr;
      minLrs = new Array<number>(optimizer.paramGroups.length).fill(o.minLr);
    }
    checkInteger('ReduceLROnPlateau', 'patience', o.patience, 0);
    checkInteger('ReduceLROnPlateau', 'cooldown', o.cooldown, 0);
    checkNumber('ReduceLROnPlateau', 'threshold', o.threshold);
    checkNumber('ReduceLROnPlateau', 'eps', o.eps);
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

  /** Records this epoch's metric; reduces lr after `patience` epochs without improvement. */
  override step(metrics?: number | Tensor, epoch?: number): void {
    if (metrics === undefined) throw new TypeError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'");
    let current: number;
    if (metrics instanceof Tensor) {
      if (metrics.numel() !== 1) throw new RangeError('only one element tensors can be converted to Python scalars');
      current = metrics.item();
    } else current = checkNumber('ReduceLROnPlateau', 'metrics', metrics);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else {
      checkNumber('ReduceLROnPlateau', 'epoch', epoch);
      if (!this.warnedEpoch) console.warn(EPOCH_DEPRECATION_WARNING);
      this.warnedEpoch = true;
    }
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

  /** PyTorch's keys; `best` and `mode_worse` are ±Infinity before the first metric (`null` in JSON). */
  override stateDict(): SchedulerStateDict {
    return {
      factor: this.factor, default_min_lr: this.defaultMinLr, min_lrs: [...this.minLrs], patience: this.patience,
      cooldown: this.cooldown, eps: this.eps, last_epoch: this.lastEpoch, _last_lr: [...this.lastLr],
      mode_worse: this.modeWorse, mode: this.mode, threshold: this.threshold, threshold_mode: this.thresholdMode,
      best: this.best, cooldown_counter: this.cooldownCounter, num_bad_epochs: this.numBadEpochs,
    };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isRecord(stateDict)) throw new TypeError(`ReduceLROnPlateau.loadStateDict: expected a state dict object, got ${typeName(stateDict)}`);
    const sd = stateDict;
    const num = (k: string, cur: number): number => {
      const v = sd[k];
      if (v === undefined) return cur;
      if (typeof v !== 'number') throw new TypeError(`ReduceLROnPlateau.loadStateDict: '${k}' must be a number, got ${typeName(v)}`);
      return v;
    };
    const mode = sd['mode'] ?? this.mode;
    const thresholdMode = sd['threshold_mode'] ?? this.thresholdMode;
    const threshold = num('threshold', this.threshold);
    const factor = num('factor', this.factor), patience = num('patience', this.patience), cooldown = num('cooldown', this.cooldown);
    const eps = num('eps', this.eps), lastEpoch = num('last_epoch', this.lastEpoch);
    const cooldownCounter = num('cooldown_counter', this.cooldownCounter), numBadEpochs = num('num_bad_epochs', this.numBadEpochs);
    const minLrs = sd['min_lrs'] === undefined ? this.minLrs : sd['min_lrs'];
    if (!Array.isArray(minLrs)) throw new TypeError(`ReduceLROnPlateau.loadStateDict: 'min_lrs' must be a list, got ${typeName(minLrs)}`);
    const dml = Object.hasOwn(sd, 'default_min_lr') ? sd['default_min_lr'] : this.defaultMinLr;
    // JSON has no Infinity: a `best` saved before the first metric reads back as null.
    const bestRaw = Object.hasOwn(sd, 'best') ? sd['best'] : this.best;
    const probe = Object.create(ReduceLROnPlateau.prototype) as ReduceLROnPlateau;
    probe.initIsBetter(mode, threshold, thresholdMode);
    const best = bestRaw === null ? probe.modeWorse : num('best', this.best);
    this.initIsBetter(mode, threshold, thresholdMode);
    Object.assign(this, { factor, patience, cooldown, eps, lastEpoch, cooldownCounter, numBadEpochs, best, minLrs: [...(minLrs as number[])], defaultMinLr: dml as number | null });
    if (Array.isArray(sd['_last_lr'])) this.lastLr = [...(sd['_last_lr'] as number[])];
  }
}

// ---------------------------------------------------------------------------------------------
// CyclicLR, OneCycleLR: per-batch schedules that also cycle momentum (or Adam's beta1)

function supportsMomentum(optimizer: AnyOptimizer): boolean {
  const d = optimizer.defaults as Record<string, unknown>;
  return 'momentum' in d || 'betas' in d;
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
    checkInteger('CyclicLR', 'lastEpoch', o.lastEpoch, -1);
    checkNumbers('CyclicLR', 'baseLr', o.baseLr);
    checkNumbers('CyclicLR', 'maxLr', o.maxLr);
    const baseLrs = formatParam('base_lr', optimizer, o.baseLr);
    const maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    checkNumber('CyclicLR', 'stepSizeUp', o.stepSizeUp);
    if (o.stepSizeDown !== undefined) checkNumber('CyclicLR', 'stepSizeDown', o.stepSizeDown);
    const up = o.stepSizeUp;
    const down = o.stepSizeDown ?? up;
    // PyTorch divides by total_size; a zero or negative size fails there (or cycles backwards).
    if (!(up + down > 0)) throw new RangeError(`CyclicLR: stepSizeUp + stepSizeDown must be > 0, got ${pyNum(up)} + ${pyNum(down)}`);
    if (!['triangular', 'triangular2', 'exp_range'].includes(o.mode) && o.scaleFn === undefined) throw new RangeError('mode is invalid and scale_fn is None');
    if (o.scaleFn !== undefined && typeof o.scaleFn !== 'function') throw new TypeError(`CyclicLR: scaleFn must be a function, got ${typeName(o.scaleFn)}`);
    if (o.scaleMode !== 'cycle' && o.scaleMode !== 'iterations') throw new RangeError(`CyclicLR: scaleMode must be 'cycle' or 'iterations', got ${String(o.scaleMode)}`);
    checkNumber('CyclicLR', 'gamma', o.gamma);
    if (typeof o.cycleMomentum !== 'boolean') throw new TypeError(`CyclicLR: cycleMomentum must be a boolean, got ${typeName(o.cycleMomentum)}`);
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    let useBeta1 = false;
    if (o.cycleMomentum) {
      if (!supportsMomentum(optimizer)) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in (optimizer.defaults as object);
      checkNumbers('CyclicLR', 'baseMomentum', o.baseMomentum);
      checkNumbers('CyclicLR', 'maxMomentum', o.maxMomentum);
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

  protected override stateFields(): [string, string][] {
    return [['max_lrs', 'maxLrs'], ['total_size', 'totalSize'], ['step_ratio', 'stepRatio'], ['mode', 'mode'], ['gamma', 'gamma'],
      ['scale_mode', 'scaleMode'], ['cycle_momentum', 'cycleMomentum'], ['use_beta1', 'useBeta1'],
      ['base_momentums', 'baseMomentums'], ['max_momentums', 'maxMomentums']];
  }
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), _scale_fn_custom: null };
  }
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    if (isRecord(stateDict['_scale_fn_custom']) && this.scaleFnCustom) Object.assign(this.scaleFnCustom, stateDict['_scale_fn_custom']);
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
  private readonly phases: Phase[];

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
    checkNumber('OneCycleLR', 'pctStart', o.pctStart);
    const pct = o.pctStart;
    const phases: Phase[] = o.threePhase
      ? [
        { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pct * totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    if (!(pct >= 0 && pct <= 1)) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pyNum(pct)}`);
    if (o.annealStrategy !== 'cos' && o.annealStrategy !== 'linear') throw new RangeError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(o.annealStrategy)}`);
    checkNumbers('OneCycleLR', 'maxLr', o.maxLr);
    checkNumber('OneCycleLR', 'divFactor', o.divFactor);
    checkNumber('OneCycleLR', 'finalDivFactor', o.finalDivFactor);
    checkInteger('OneCycleLR', 'lastEpoch', o.lastEpoch, -1);
    const maxLrs = formatParam('max_lr', optimizer, o.maxLr);
    if (typeof o.cycleMomentum !== 'boolean') throw new TypeError(`OneCycleLR: cycleMomentum must be a boolean, got ${typeName(o.cycleMomentum)}`);
    let useBeta1 = false;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (o.cycleMomentum) {
      if (!supportsMomentum(optimizer)) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in (optimizer.defaults as object);
      checkNumbers('OneCycleLR', 'maxMomentum', o.maxMomentum);
      checkNumbers('OneCycleLR', 'baseMomentum', o.baseMomentum);
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
          const pct = (stepNum - startStep) / (endStep - startStep);
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

  protected override stateFields(): [string, string][] {
    return [['total_steps', 'totalSteps'], ['_anneal_func_type', 'annealStrategy'], ['cycle_momentum', 'cycleMomentum'], ['use_beta1', 'useBeta1']];
  }
  override stateDict(): SchedulerStateDict {
    const sd = super.stateDict();
    const phases = this.phases.map((p) => ({
      end_step: p.endStep, start_lr: snake(p.startLr), end_lr: snake(p.endLr), start_momentum: snake(p.startMomentum), end_momentum: snake(p.endMomentum),
    }));
    return { total_steps: sd['total_steps'], _schedule_phases: phases, ...sd };
  }
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

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
  /** The lowest lr (default 0). */
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
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = pyMod(this.tCur, this.tI);
        this.tI = this.tI * this.tMult;
      }
    } else {
      checkNumber(this.name, 'epoch', epoch);
      if (epoch < 0) throw new RangeError(`Expected non-negative epoch, but got ${pyNum(epoch)}`);
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
    let lrs: number[];
    try {
      lrs = this.getLr();
    } finally {
      this.getLrCalledWithinStep = false;
    }
    const groups = this.groups;
    for (let i = 0; i < Math.min(groups.length, lrs.length); i++) writeLr(groups[i]!, lrs[i]!);
    this.lastLr = this.groupLrs();
  }
  protected override stateFields(): [string, string][] {
    return [['T_0', 't0'], ['T_i', 'tI'], ['T_mult', 'tMult'], ['eta_min', 'etaMin'], ['T_cur', 'tCur']];
  }
}
