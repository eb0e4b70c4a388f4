import { Tensor, makeResident, noGrad } from '@tensile/tensor';
import { toSnake } from './format.js';

/**
 * PyTorch's `state_dict()` format. Group keys are PyTorch's snake_case names
 * (`weight_decay`, `param_names`), so a dict maps one to one onto a PyTorch checkpoint.
 * `state` is keyed by parameter index, counted across groups; scalar state (`step`, `eta`,
 * `mu`) is a plain number, tensor state (`ax`, `momentum_buffer`) a Tensor copy.
 *
 * @example
 * ```ts
 * import { ASGD, type OptimizerStateDict } from '@tensile/optim';
 * import { ones } from '@tensile/tensor';
 * const w = ones([2], { requiresGrad: true });
 * const opt = new ASGD([w]);
 * const sd: OptimizerStateDict = opt.stateDict(); // { state: {}, param_groups: [{ lr: 0.01, ..., params: [0] }] }
 * ```
 */
export interface OptimizerStateDict {
  /**
   * Per-parameter state keyed by parameter index (`"0"`, `"1"`, ...), plus any entries a user
   * stored in `opt.state` under a string key (PyTorch keeps those too), under that key.
   */
  state: { [index: number]: Record<string, unknown>; [userKey: string]: unknown };
  param_groups: Record<string, unknown>[];
}

/** @internal A key that a state dict reads as a parameter index: `0`, `"0"`, `"17"` (not `"01"`, `"-1"`). */
export function isIndexKey(k: unknown): boolean {
  if (typeof k === 'number') return Number.isSafeInteger(k) && k >= 0;
  return typeof k === 'string' && /^(0|[1-9][0-9]*)$/.test(k) && Number.isSafeInteger(Number(k));
}

/** @internal Defines an own, enumerable data property: safe for keys such as `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * An optimizer's `state` (PyTorch's `optimizer.state`): per-parameter state keyed by the
 * parameter tensor, and, as in PyTorch, any other entries a user keeps under a string key
 * (`opt.state.set('epoch', 3)`), which `stateDict()` saves and `loadStateDict()` restores.
 *
 * A state dict keys parameters by their index, and JavaScript object keys are strings, so a
 * user key that reads as an index (`"0"`, `"12"`) would come back as a parameter: such keys
 * are refused when set, as are keys that are neither tensors nor strings.
 *
 * @example
 * ```ts
 * import { SGD } from '@tensile/optim';
 * import { ones } from '@tensile/tensor';
 * const w = ones([2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.sum().backward(); opt.step();
 * opt.state.get(w);              // { momentum_buffer: tensor([1., 1.]) }
 * opt.state.set('epoch', 3);     // kept in stateDict().state.epoch
 * ```
 */
export class OptimizerState extends Map<Tensor | string, unknown> {
  override get(key: Tensor): Record<string, unknown> | undefined;
  override get(key: string): unknown;
  override get(key: Tensor | string): unknown;
  override get(key: Tensor | string): unknown {
    return super.get(key);
  }

  override set(key: Tensor, value: Record<string, unknown>): this;
  override set(key: string, value: unknown): this;
  override set(key: Tensor | string, value: unknown): this;
  override set(key: Tensor | string, value: unknown): this {
    if (key instanceof Tensor) {
      if (!isPlainObject(value)) throw new TypeError(`Optimizer.state: the state of a parameter must be an object, got ${typeName(value)}`);
    } else if (typeof key !== 'string') {
      throw new TypeError(`Optimizer.state: keys are parameters (Tensors) or strings, got ${typeName(key)}`);
    } else if (isIndexKey(key)) {
      throw new TypeError(`Optimizer.state: key '${key}' reads as parameter index ${key} in a state dict; use a key that is not a non-negative integer`);
    }
    if (key instanceof Tensor) for (const v of Object.values(value as object)) if (v instanceof Tensor) resident(v);
    return super.set(key, value);
  }

  /** The per-parameter entries only. */
  *params(): IterableIterator<[Tensor, Record<string, unknown>]> {
    for (const [k, v] of this) if (k instanceof Tensor) yield [k, v as Record<string, unknown>];
  }
}

/**
 * How a subclass's per-parameter state entries are typed, in PyTorch's key order: `'scalar'`
 * (a finite float32 number; a 1-element tensor is accepted on load), `'count'` (a scalar that
 * counts steps: a non-negative integer), `'tensor'` (the parameter's shape), `'tensorOrNull'`,
 * or `'optionalTensor'` (absent, or a tensor of the parameter's shape: Adam's `max_exp_avg_sq`).
 *
 * @example
 * ```ts
 * import type { StateSpec } from '@tensile/optim';
 * const asgdState: StateSpec = { step: 'scalar', eta: 'scalar', mu: 'scalar', ax: 'tensor' };
 * ```
 */
export type StateSpec = Record<string, 'scalar' | 'count' | 'tensor' | 'tensorOrNull' | 'optionalTensor'>;

/** @internal A plain `{}` object (not an array, tensor, set or map). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !(x instanceof Set) && !(x instanceof Map);
}

/** @internal Python's name for the type of `x`, as PyTorch's messages print it. */
export function typeName(x: unknown): string {
  if (x === null) return 'NoneType';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'list';
  if (x instanceof Set) return 'set';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  if (typeof x === 'string') return 'str';
  if (typeof x === 'object') return x.constructor?.name === 'Object' ? 'dict' : (x.constructor?.name ?? 'object');
  return typeof x;
}

/** @internal */
export function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && x !== undefined && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** @internal Deep copy of a state value: tensors are cloned and cut from the graph. */
export function snapshot(v: unknown): unknown {
  if (v instanceof Tensor) return noGrad(() => v.detach().clone());
  if (Array.isArray(v)) return v.map(snapshot);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, snapshot(x)]));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x)]));
  return v;
}

/**
 * @internal Packs live groups and state into PyTorch's layout, as a snapshot. Indices are
 * counted across groups; within a group the last position of a duplicate wins, across groups
 * the first (as PyTorch). Scalar state kept as 0-d tensors (capturable) is written as numbers.
 */
export function packStateDict(
  groups: readonly ({ params: Tensor[] } & Record<string, unknown>)[],
  liveState: ReadonlyMap<Tensor | string, unknown>,
  spec: StateSpec,
): OptimizerStateDict {
  const mapping = new Map<Tensor, number>();
  let start = 0;
  const paramGroups = groups.map((group) => {
    const packed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(group)) if (k !== 'params') setOwn(packed, toSnake(k), snapshot(v));
    const local = new Map<Tensor, number>();
    group.params.forEach((p, i) => local.set(p, start + i));
    for (const [p, i] of local) if (!mapping.has(p)) mapping.set(p, i);
    packed['params'] = group.params.map((p) => mapping.get(p)!);
    start += group.params.length;
    return packed;
  });
  const state: OptimizerStateDict['state'] = {};
  const extra: [string, unknown][] = [];
  for (const [p, s] of liveState) {
    if (!(p instanceof Tensor)) {
      // A user's own entry (PyTorch's `optimizer.state["key"] = value`): kept as it is.
      extra.push([p, s]);
      continue;
    }
    const i = mapping.get(p);
    if (i === undefined) continue;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
      const kind = Object.hasOwn(spec, k) ? spec[k] : undefined;
      const scalar = (kind === 'scalar' || kind === 'count') && v instanceof Tensor && v.numel() === 1;
      setOwn(out, k, scalar ? v.toFloat32Array()[0]! : snapshot(v));
    }
    setOwn(state as Record<string, unknown>, String(i), out);
  }
  for (const [k, v] of extra) setOwn(state as Record<string, unknown>, k, snapshot(v));
  return { state, param_groups: paramGroups };
}

/**
 * @internal Validates one saved per-parameter state against `spec` and returns a live copy:
 * no unknown or missing keys, finite scalars (numbers or 1-element tensors, rounded to
 * float32), tensors of the parameter's shape (copied). An empty object stays empty (PyTorch
 * initialises it at the next step).
 */
export function importParamState(name: string, spec: StateSpec, p: Tensor, value: unknown, id: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new RangeError(`loadStateDict: state[${id}] must be an object, got ${typeName(value)}`);
  const out: Record<string, unknown> = {};
  if (Object.keys(value).length === 0) return out;
  for (const k of Object.keys(value)) {
    if (!Object.hasOwn(spec, k)) throw new RangeError(`loadStateDict: state[${id}] has an unknown key '${k}' (${name} keeps ${Object.keys(spec).join(', ')})`);
  }
  for (const [k, kind] of Object.entries(spec)) {
    if (!Object.hasOwn(value, k)) {
      if (kind === 'optionalTensor') continue;
      throw new RangeError(`loadStateDict: state[${id}] is missing '${k}'`);
    }
    const v = value[k];
    if (kind === 'scalar' || kind === 'count') {
      const n = v instanceof Tensor && v.numel() === 1 ? v.toFloat32Array()[0]! : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new RangeError(`loadStateDict: state[${id}].${k} must be a finite number, got ${v instanceof Tensor ? v.toString() : String(v)}`);
      }
      if (kind === 'count' && !(Number.isInteger(n) && n >= 0)) {
        // PyTorch would load it and compute with it; a step count that is negative or
        // fractional can only come from a corrupted or hand-edited dict.
        throw new RangeError(`loadStateDict: state[${id}].${k} counts steps and must be a non-negative integer, got ${String(n)}`);
      }
      out[k] = Math.fround(n);
    } else {
      if (v === null && kind === 'tensorOrNull') {
        out[k] = null;
        continue;
      }
      if (!(v instanceof Tensor)) throw new RangeError(`loadStateDict: state[${id}].${k} must be a Tensor, got ${typeName(v)}`);
      if (v.ndim !== p.ndim || v.shape.some((d, i) => d !== p.shape[i])) {
        throw new RangeError(`loadStateDict: state[${id}].${k} has shape [${v.shape.join(',')}] but its parameter has shape [${p.shape.join(',')}]`);
      }
      out[k] = snapshot(v);
    }
  }
  return out;
}

/**
 * Tensors at least this large live in the WebAssembly kernels' memory (`makeResident`): the
 * update kernels then work on parameters and state where they are, with no copies (smaller
 * ones gain nothing from it). Parameters move when a group is added, state when it is set.
 */
const RESIDENT_MIN = 4096;

/** @internal Moves a parameter or state tensor into the kernels' memory when that pays. */
export function resident(t: Tensor): void {
  if (t.numel() >= RESIDENT_MIN) makeResident(t);
}
