import { pyNum } from '../format.js';
import { typeName } from '../state-dict.js';

/**
 * A scheduler's declared state (the optimizers' `stateSpec`, for schedulers): every key of its
 * state dict, in PyTorch's order, with the check a loaded value must pass. `stateDict()` saves
 * these keys, `loadStateDict()` checks a whole dict against them before it changes anything, and
 * the constructors run the same checks on their options, so a value the constructor refuses
 * cannot come in through a load.
 */

/**
 * Checks one value and returns what is applied (a copy: nothing loaded is aliased). Throws
 * {@link Refused}; any other error passes through as it is (a nested scheduler's own message).
 */
export type Check = (v: unknown, index?: number) => unknown;

/** One key of a scheduler's state dict. */
export interface StateKey {
  /** The property that holds the value: saved from it, loaded into it. */
  prop?: string;
  check: Check;
  /**
   * `'required'` (the default): a dict without it is refused. `'optional'`: PyTorch writes it in
   * some versions or configurations only (`default_min_lr` since 2.2, `use_beta1` with momentum
   * cycling); absent, the current value stays. `'ignored'`: PyTorch keeps it but it carries
   * nothing we need (`verbose`, `_is_initial`): checked, never applied.
   */
  presence?: 'required' | 'optional' | 'ignored';
  /** What is saved, when it is not `this[prop]` (a lambda's attributes); `undefined`: not saved. */
  save?: () => unknown;
  /** How a checked value is applied, when it is not `this[prop] = value`. */
  apply?: (v: unknown) => void;
}

/** Key → how it is checked, saved and applied, in the order `stateDict()` writes the keys. */
export type SchedulerStateSpec = Record<string, StateKey>;

/** A value a check refuses: what it should have been, and what it was (its type, for a wrong type). */
export class Refused extends Error {
  constructor(readonly expected: string, readonly got: unknown, readonly wrongType = false, readonly at = '') {
    super(`must be ${expected}, got ${wrongType ? typeName(got) : show(got)}`);
  }
}

/** A value as a message prints it: numbers as Python does (`nan`, `-2.5e-323`), strings quoted. */
export function show(v: unknown): string {
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? pyNum(x) : x));
    return s !== undefined && s.length <= 60 ? s : `a list of ${v.length}`;
  }
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  return typeName(v);
}

function fail(name: string, key: string, e: Refused): never {
  const message = `${name}: ${key}${e.at} ${e.message}`;
  throw e.wrongType ? new TypeError(message) : new RangeError(message);
}

/**
 * Runs `check` on a constructor option: `StepLR: stepSize must be a positive integer, got 0`.
 * Returns the checked value.
 */
export function option<T>(name: string, key: string, value: unknown, check: Check): T {
  try {
    return check(value) as T;
  } catch (e) {
    if (e instanceof Refused) fail(name, key, e);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

/** A number passing `ok`; anything else is a TypeError (`must be a number, got str`). */
export function number(expected: string, ok: (x: number) => boolean): Check {
  return (v) => {
    if (typeof v !== 'number') throw new Refused('a number', v, true);
    if (!ok(v)) throw new Refused(expected, v);
    return v;
  };
}

/** An integer >= `min`: `a positive integer` (1), `a non-negative integer` (0), `an integer >= -1`. */
export function integer(min: number): Check {
  const expected = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
  return number(expected, (x) => Number.isSafeInteger(x) && x >= min);
}

/** A finite number >= `min` (NaN fails too). */
export function finiteAtLeast(min: number): Check {
  return number(`a finite number >= ${min}`, (x) => Number.isFinite(x) && x >= min);
}

/** A finite number > `min`. */
export function finiteAbove(min: number): Check {
  return number(`a finite number > ${min}`, (x) => Number.isFinite(x) && x > min);
}

/** A finite number (any sign). */
export const finite: Check = number('a finite number', Number.isFinite);

/** One of the given strings. */
export function oneOf(...values: string[]): Check {
  return (v) => {
    if (typeof v !== 'string' || !values.includes(v)) throw new Refused(`one of ${values.map((s) => `'${s}'`).join(', ')}`, v, typeof v !== 'string');
    return v;
  };
}

export const boolean: Check = (v) => {
  if (typeof v !== 'boolean') throw new Refused('a boolean', v, true);
  return v;
};

/** Anything (a key PyTorch writes whose value we never read, such as a weakref's leftovers). */
export const anything: Check = (v) => v;

/** `null`, or what `check` accepts. */
export function nullable(check: Check): Check {
  return (v) => (v === null ? null : check(v));
}

/**
 * A list of values passing `check` (given each value and its index), of exactly `length` items
 * when given (`what` says what the length counts). An element's failure names its index:
 * `base_lrs[1] must be ...`.
 */
export function listOf(check: Check, length?: number, what = 'param group'): Check {
  return (v) => {
    if (!Array.isArray(v)) throw new Refused(length === undefined ? 'a list' : `a list of ${length}`, v, true);
    if (length !== undefined && v.length !== length) {
      throw new Refused(`a list of ${length} (one per ${what})`, v);
    }
    const out: unknown[] = [];
    // Indexed: a hole in a list (`delete list[0]`) is seen, not skipped.
    for (let i = 0; i < v.length; i++) {
      try {
        out.push(check(v[i], i));
      } catch (e) {
        if (e instanceof Refused) throw new Refused(e.expected, e.got, e.wrongType, `[${i}]${e.at}`);
        throw e;
      }
    }
    return out;
  };
}

/** PyTorch 1.13 to 2.1 write `verbose: false`, 2.2 and later `verbose: "deprecated"`. */
export const verbose: Check = (v) => {
  if (typeof v !== 'boolean' && typeof v !== 'string') throw new Refused('a boolean or a string', v, true);
  return v;
};

/** Learning rates and lr bounds: finite and >= 0, as every optimizer's `lr` must be. */
export const lrValue: Check = finiteAtLeast(0);
/** `last_epoch` and `_step_count` after the constructor's first step. */
export const count: Check = integer(0);

// ---------------------------------------------------------------------------------------------
// Saving, checking and applying a whole dict

/** A plain object (what a state dict is): not an array, null, or a class instance. */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Copies a state-dict value: arrays and plain objects deeply, numbers and strings as they are. */
export function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (isPlainRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: copyValue(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** The state dict `spec` describes, read from `target` (a snapshot: later steps do not change it). */
export function saveState(target: object, spec: SchedulerStateSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const self = target as Record<string, unknown>;
  for (const [key, k] of Object.entries(spec)) {
    const v = k.save ? k.save() : k.prop !== undefined ? copyValue(self[k.prop]) : undefined;
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The one check of a loaded dict, before anything is applied: no key the spec does not name
 * (another scheduler's dict carries some), none it requires missing, every value passing its
 * check. Returns the checked copies by key; throws `<name>: <key> must be ..., got ...`.
 */
export function checkState(name: string, spec: SchedulerStateSpec, stateDict: Record<string, unknown>): Map<string, unknown> {
  for (const key of Object.keys(stateDict)) {
    if (!Object.hasOwn(spec, key)) {
      throw new RangeError(`${name}: unknown key '${key}' (a state dict of another scheduler?); expected ${Object.keys(spec).join(', ')}`);
    }
  }
  const values = new Map<string, unknown>();
  for (const [key, k] of Object.entries(spec)) {
    if (!Object.hasOwn(stateDict, key)) {
      if ((k.presence ?? 'required') === 'required') throw new RangeError(`${name}: missing key '${key}' (a state dict of another scheduler?)`);
      continue;
    }
    try {
      values.set(key, k.check(stateDict[key]));
    } catch (e) {
      if (e instanceof Refused) fail(name, key, e);
      throw e;
    }
  }
  return values;
}

/**
 * The scheduler's state after the load: each property's checked new value, or its current one
 * where the dict leaves it out. For checks that relate keys (`last_epoch` <= `total_steps`).
 */
export function nextState(target: object, spec: SchedulerStateSpec, values: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const self = target as Record<string, unknown>;
  for (const [key, k] of Object.entries(spec)) {
    if (k.presence === 'ignored') continue;
    if (values.has(key)) out[key] = values.get(key);
    else if (k.prop !== undefined) out[key] = self[k.prop];
  }
  return out;
}

/** Applies checked values (from `checkState`): cannot fail. */
export function applyState(target: object, spec: SchedulerStateSpec, values: ReadonlyMap<string, unknown>): void {
  const self = target as Record<string, unknown>;
  for (const [key, v] of values) {
    const k = spec[key]!;
    if (k.presence === 'ignored') continue;
    if (k.apply) k.apply(v);
    else if (k.prop !== undefined) self[k.prop] = v;
  }
}
