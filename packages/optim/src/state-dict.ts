import { Tensor, noGrad } from '@tensile/tensor';
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
  state: Record<number, Record<string, unknown>>;
  param_groups: Record<string, unknown>[];
}

/**
 * How a subclass's per-parameter state entries are typed, in PyTorch's key order: `'scalar'`
 * (a float32 number; a 1-element tensor is accepted on load), `'tensor'` (the parameter's
 * shape) or `'tensorOrNull'`.
 *
 * @example
 * ```ts
 * import type { StateSpec } from '@tensile/optim';
 * const asgdState: StateSpec = { step: 'scalar', eta: 'scalar', mu: 'scalar', ax: 'tensor' };
 * ```
 */
export type StateSpec = Record<string, 'scalar' | 'tensor' | 'tensorOrNull'>;

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
  liveState: ReadonlyMap<Tensor, Record<string, unknown>>,
  spec: StateSpec,
): OptimizerStateDict {
  const mapping = new Map<Tensor, number>();
  let start = 0;
  const paramGroups = groups.map((group) => {
    const packed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(group)) if (k !== 'params') packed[toSnake(k)] = snapshot(v);
    const local = new Map<Tensor, number>();
    group.params.forEach((p, i) => local.set(p, start + i));
    for (const [p, i] of local) if (!mapping.has(p)) mapping.set(p, i);
    packed['params'] = group.params.map((p) => mapping.get(p)!);
    start += group.params.length;
    return packed;
  });
  const state: Record<number, Record<string, unknown>> = {};
  for (const [p, s] of liveState) {
    const i = mapping.get(p);
    if (i === undefined) continue;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      out[k] = spec[k] === 'scalar' && v instanceof Tensor && v.numel() === 1 ? v.toFloat32Array()[0]! : snapshot(v);
    }
    state[i] = out;
  }
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
    if (!(k in spec)) throw new RangeError(`loadStateDict: state[${id}] has an unknown key '${k}' (${name} keeps ${Object.keys(spec).join(', ')})`);
  }
  for (const [k, kind] of Object.entries(spec)) {
    if (!(k in value)) throw new RangeError(`loadStateDict: state[${id}] is missing '${k}'`);
    const v = value[k];
    if (kind === 'scalar') {
      const n = v instanceof Tensor && v.numel() === 1 ? v.toFloat32Array()[0]! : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw new RangeError(`loadStateDict: state[${id}].${k} must be a finite number, got ${v instanceof Tensor ? v.toString() : String(v)}`);
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
