import { Tensor, enableGrad, foldPositional, isGradEnabled, noGrad, type Positional } from '@tensile/tensor';
import { addHook, type RemovableHandle } from './hooks.js';
import { inspectCustom, pyValue, toCamel, toSnake } from './format.js';
import {
  OptimizerState, importParamState, isIndexKey, isIterable, isPlainObject, packStateDict, resident, setOwn, snapshot, typeName, type StateSpec,
} from './state-dict.js';

/** A parameter group: its tensors, optional names, and its own copy of every option. */
export type ParamGroup<O extends object> = O & {
  params: Tensor[];
  paramNames?: string[];
  [extra: string]: unknown;
};

/** A parameter group as given to a constructor or `addParamGroup`: options default to `defaults`. */
export type ParamGroupInput<O extends object> = Partial<O> & {
  params: Tensor | Iterable<Tensor> | Iterable<readonly [string, Tensor]>;
  [extra: string]: unknown;
};

/**
 * What optimizers accept as `params`: tensors, `[name, tensor]` pairs, or group objects.
 *
 * @example
 * ```ts
 * import { ASGD } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const w = zeros([2], { requiresGrad: true }), b = zeros([1], { requiresGrad: true });
 * new ASGD([w, b]);                                  // tensors
 * new ASGD([['weight', w], ['bias', b]]);            // named: stateDict gets param_names
 * new ASGD([{ params: [w] }, { params: [b], lr: 0.1 }]); // groups with their own options
 * ```
 */
export type ParamsInput<O extends object> =
  | Iterable<Tensor>
  | Iterable<readonly [string, Tensor]>
  | Iterable<ParamGroupInput<O>>;

import type { OptimizerStateDict } from './state-dict.js';

/**
 * `hook(optimizer, args, kwargs)`; may return `[newArgs, newKwargs]`. `args[0]` is the optimizer,
 * `args[1]` or `kwargs.closure` the closure.
 *
 * @example
 * ```ts
 * import { SGD, type StepPreHook } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })]);
 * const addClosure: StepPreHook = (o, args) => [[o], { closure: () => 0 }];
 * opt.registerStepPreHook(addClosure);
 * ```
 */
export type StepPreHook = (optimizer: Optimizer<object>, args: unknown[], kwargs: Record<string, unknown>) => [unknown[], Record<string, unknown>] | undefined | void;
/** `hook(optimizer, args, kwargs)`, after the step; its return value is ignored. */
export type StepPostHook = (optimizer: Optimizer<object>, args: unknown[], kwargs: Record<string, unknown>) => unknown;
export type StateDictPreHook = (optimizer: Optimizer<object>) => unknown;
/** May return a replacement state dict, passed on to the next hook and returned. */
export type StateDictPostHook = (optimizer: Optimizer<object>, stateDict: OptimizerStateDict) => OptimizerStateDict | undefined | void;
/** May return a replacement state dict, used for the rest of the load. */
export type LoadStateDictPreHook = (optimizer: Optimizer<object>, stateDict: OptimizerStateDict) => OptimizerStateDict | undefined | void;
export type LoadStateDictPostHook = (optimizer: Optimizer<object>) => unknown;

const globalStepPreHooks = new Map<number, StepPreHook>();
const globalStepPostHooks = new Map<number, StepPostHook>();

/**
 * Registers a step pre-hook for every optimizer (PyTorch's `register_optimizer_step_pre_hook`).
 * Global pre-hooks run before each optimizer's own.
 *
 * @example
 * ```ts
 * import { registerOptimizerStepPreHook } from '@tensile/optim';
 * using handle = registerOptimizerStepPreHook((opt) => console.log('about to step', String(opt)));
 * ```
 */
export function registerOptimizerStepPreHook(hook: StepPreHook): RemovableHandle {
  return addHook(globalStepPreHooks, hook);
}

/**
 * Registers a step post-hook for every optimizer; global post-hooks run after each optimizer's own.
 *
 * @example
 * ```ts
 * import { registerOptimizerStepPostHook } from '@tensile/optim';
 * const handle = registerOptimizerStepPostHook(() => {});
 * handle.remove();
 * ```
 */
export function registerOptimizerStepPostHook(hook: StepPostHook): RemovableHandle {
  return addHook(globalStepPostHooks, hook);
}

/**
 * An optimizer's options: `defaults` overridden by the given ones (an `undefined` value keeps
 * the default); an unknown name is a TypeError naming the optimizer and the key; then
 * `validate` runs on the result (the same function the optimizer's `validateOptions` calls, so
 * every param group, loaded group and in-place edit is checked the same way). Every built-in
 * optimizer's constructor is this one line; a custom optimizer uses it too.
 *
 * @example
 * ```ts
 * import { resolveOptions } from '@tensile/optim';
 * const validate = (o: Record<string, unknown>): void => {
 *   if (!((o['lr'] as number) >= 0)) throw new RangeError(`Invalid learning rate: ${String(o['lr'])}`);
 * };
 * const options = resolveOptions('SignSGD', { lr: 0.01, momentum: 0 }, { lr: 0.1 }, validate);
 * // { lr: 0.1, momentum: 0 }; resolveOptions('SignSGD', ..., { lrr: 1 }, ...) throws "SignSGD: unknown option 'lrr'"
 * ```
 */
/**
 * An optimizer constructor's arguments after `params`: PyTorch's positional parameters in
 * PyTorch's order (`new SGD(params, 0.1, 0.9)`), then an options bag for the rest, or the bag
 * alone (`new SGD(params, { lr: 0.1, momentum: 0.9 })`).
 */
export type OptimizerArgs<P extends readonly unknown[], O> = Positional<P, Partial<O> | undefined>;

/**
 * @internal Folds an optimizer's positional arguments into its options bag (values are checked
 * by the optimizer's own validation, with PyTorch's messages). A lone argument that is neither a
 * number nor a tensor is the bag itself, so `resolveOptions` names what is wrong with it.
 */
export function optimizerArgs<O extends object>(name: string, rest: readonly unknown[], names: readonly (keyof O & string)[]): Partial<O> {
  if (rest.length === 0 || (rest.length === 1 && rest[0] === undefined)) return {};
  if (rest.length === 1 && typeof rest[0] !== 'number' && !(rest[0] instanceof Tensor)) return rest[0] as Partial<O>;
  return foldPositional(name, rest, names.map((n) => ({ name: n, is: () => true, expected: 'a value' }))) as Partial<O>;
}

/**
 * An optimizer's options: `defaults` overridden by the `options` bag (an `undefined` value keeps
 * the default), then `validate`d. A key `defaults` lacks is a TypeError naming the optimizer,
 * the key and the known options. For a custom `Optimizer` subclass's constructor.
 *
 * @example
 * ```ts
 * import { resolveOptions } from '@tensile/optim';
 * resolveOptions('MyOpt', { lr: 0.1, decay: 0 }, { decay: 0.5 }, () => {}); // { lr: 0.1, decay: 0.5 }
 * // resolveOptions('MyOpt', { lr: 0.1 }, { lrr: 1 }, () => {}) throws "MyOpt: unknown option 'lrr' (options: lr)"
 * ```
 */
export function resolveOptions<O extends object>(name: string, defaults: O, options: Partial<O>, validate: (o: Record<string, unknown>) => void): O {
  const out = { ...defaults } as Record<string, unknown>;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${name}: options must be an object, got ${typeName(options)}`);
  }
  for (const [k, v] of Object.entries(options)) {
    if (!Object.hasOwn(out, k)) throw new TypeError(`${name}: unknown option '${k}' (options: ${Object.keys(out).join(', ')})`);
    if (v !== undefined) out[k] = v;
  }
  validate(out);
  return out as O;
}

/**
 * The base of every optimizer: PyTorch's `torch.optim.Optimizer` contract — param groups,
 * per-parameter `state`, `zeroGrad`, a `step` that runs hooks around the algorithm,
 * `stateDict`/`loadStateDict`, and hooks that return a `RemovableHandle`.
 *
 * Subclasses implement `stepImpl` (the algorithm), `validateOptions` and `stateSpec`.
 * Unlike PyTorch, `stateDict()` returns a snapshot and `loadStateDict()` copies, and a rejected
 * state dict or a failed step leaves the optimizer and the parameters exactly as they were.
 *
 * @example
 * ```ts
 * import { SGD } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step();          // w = [0.8, 1.6]
 * opt.zeroGrad();
 * ```
 */
export abstract class Optimizer<O extends object> {
  /** The options every group falls back to. */
  readonly defaults: O;
  /** The parameter groups, each with its own options; change `lr` here to schedule it. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, keyed by the parameter tensor (and a user's own entries, keyed by string). */
  state = new OptimizerState();

  private readonly stepPreHooks = new Map<number, StepPreHook>();
  private readonly stepPostHooks = new Map<number, StepPostHook>();
  private readonly stateDictPreHooks = new Map<number, StateDictPreHook>();
  private readonly stateDictPostHooks = new Map<number, StateDictPostHook>();
  private readonly loadPreHooks = new Map<number, LoadStateDictPreHook>();
  private readonly loadPostHooks = new Map<number, LoadStateDictPostHook>();

  /** Class name used in messages and `toString()` (`ASGD`, `SGD`). */
  protected abstract readonly name: string;
  /** The per-parameter state entries and their kinds, in PyTorch's key order. */
  protected abstract readonly stateSpec: StateSpec;
  /** Option keys whose PyTorch default is a Python int (printed without `.0`). */
  protected readonly intOptions: ReadonlySet<string> = new Set();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      // PyTorch prints the legacy type name; our tensors are float32 CPU tensors.
      throw new TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor');
    }
    if (!isIterable(params)) {
      throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`);
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new RangeError('optimizer got an empty parameter list');
    const groups = isPlainObject(list[0]) ? list : [{ params: list }];
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<O>);
  }

  /** Validates one group's options (constructor defaults, added groups, loaded groups). */
  protected abstract validateOptions(options: Record<string, unknown>): void;

  /**
   * The algorithm: update every parameter that has a grad. Runs under noGrad unless
   * differentiable. Gets the step's closure (already evaluated once, its result in `loss`).
   */
  protected abstract stepImpl(closure?: () => unknown, loss?: unknown): void;

  /** Checks what `stepImpl` will need, before anything is changed. Override to add checks. */
  protected validateStep(): void {
    const recording = Boolean((this.defaults as Record<string, unknown>)['differentiable']);
    this.paramGroups.forEach((group, gi) => {
      // Options may have been edited in place (an lr schedule): check them like the constructor.
      try {
        this.validateOptions(group);
      } catch (e) {
        if (e instanceof Error) e.message = `${this.name}.step: param_groups[${gi}]: ${e.message}`;
        throw e;
      }
      for (const p of group.params) {
        const g = p._peekGrad();
        if (g === null) continue;
        if (g.ndim !== p.ndim || g.shape.some((d, i) => d !== p.shape[i])) {
          throw new RangeError(`${this.name}.step: grad of shape [${g.shape.join(',')}] does not match its parameter of shape [${p.shape.join(',')}]`);
        }
        // PyTorch fails at the first in-place op, after earlier params moved; we fail before.
        if (recording && ((p.isLeaf && p.requiresGrad) || (p._base !== null && p._base.requiresGrad))) {
          throw new Error(`${this.name}.step: a leaf Variable that requires grad is being used in an in-place operation. (differentiable: true needs non-leaf parameters, e.g. p.clone())`);
        }
      }
    });
  }

  /**
   * Adds a group of parameters with its own options (PyTorch's `add_param_group`), checking
   * what PyTorch checks, in PyTorch's order and words. The given object is not modified.
   *
   * @example
   * ```ts
   * import { ASGD } from '@tensile/optim';
   * import { zeros } from '@tensile/tensor';
   * const opt = new ASGD([zeros([2], { requiresGrad: true })], { lr: 0.01 });
   * opt.addParamGroup({ params: [zeros([3], { requiresGrad: true })], lr: 0.1 });
   * ```
   */
  addParamGroup(paramGroup: ParamGroupInput<O>): void {
    if (!isPlainObject(paramGroup)) throw new TypeError(`param_group must be a dict, but got <class '${typeName(paramGroup)}'>`);
    if (!('params' in paramGroup)) throw new RangeError("param_group must have a 'params' entry");
    const raw = paramGroup.params;
    let items: unknown[];
    if (raw instanceof Tensor) items = [raw];
    else if (raw instanceof Set) {
      throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    } else if (isIterable(raw)) items = [...raw];
    else throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeName(raw)}`);

    const names: string[] = [];
    const params: Tensor[] = [];
    for (const item of items) {
      if (Array.isArray(item) && item.length >= 2 && typeof item[0] === 'string') {
        names.push(item[0]);
        params.push(item[1] as Tensor);
      } else params.push(item as Tensor);
    }
    if (names.length > 0 && names.length !== params.length) {
      throw new RangeError('all optimizer params should be with/without names. Some param names are missing');
    }
    const differentiable = Boolean((this.defaults as Record<string, unknown>)['differentiable']);
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`);
      if (!differentiable && !(p.isLeaf || p.gradFn?.retained === p)) throw new RangeError("can't optimize a non-leaf Tensor");
      if (!p.dtype.isFloatingPoint) throw new TypeError(`${this.constructor.name}: can only optimize Tensors of floating point dtype, but one of the params is ${p.dtype.name}`);
      // float16/bfloat16 are storage only: refused here, before a step could move some parameters and not others.
      if (p.dtype.name !== 'float32' && p.dtype.name !== 'float64') throw new TypeError(`${this.constructor.name}: "${this.constructor.name}" not implemented for '${p.dtype.cName}' (parameters must be float32 or float64)`);
    }

    const group: Record<string, unknown> = { params };
    if (names.length > 0) group['paramNames'] = names;
    // setOwn: a key such as `__proto__` (from JSON.parse) stays a plain entry.
    for (const [k, v] of Object.entries(paramGroup)) if (k !== 'params') setOwn(group, k, v);
    for (const [k, v] of Object.entries(this.defaults)) if (!Object.hasOwn(group, k) || group[k] === undefined) group[k] = v;
    this.validateOptions(group);

    if (new Set(params).size !== params.length) {
      console.warn('optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information');
    }
    const named = Object.hasOwn(group, 'paramNames');
    for (const other of this.paramGroups) {
      if (named !== Object.hasOwn(other, 'paramNames')) {
        throw new RangeError(`all optimizer param groups should be with/without names. cannot add param group ${named ? 'with' : 'without'} names to the optimizer`);
      }
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p))) throw new RangeError('some parameters appear in more than one parameter group');
    this.paramGroups.push(group as ParamGroup<O>);
    for (const p of params) resident(p);
  }

  /**
   * The parameters of `group` that have a gradient, and their gradients, read without handing
   * them out (`_peekGrad`: `zeroGrad` may then give their memory back for reuse): an update keeps
   * no reference to a gradient. A differentiable group reads them as the user would: its recorded
   * step may keep them.
   */
  protected withGrads(group: { readonly params: readonly Tensor[]; readonly differentiable?: unknown }): [Tensor[], Tensor[]] {
    const params = group.params.filter((p) => p._peekGrad() !== null);
    return [params, params.map((p) => (group.differentiable === false ? p._peekGrad()! : p.grad!))];
  }

  /**
   * Resets the gradients of every parameter: to `null` (default), or to zeros in place.
   *
   * @example
   * ```ts
   * import { SGD } from '@tensile/optim';
   * import { ones } from '@tensile/tensor';
   * const w = ones([2], { requiresGrad: true });
   * const opt = new SGD([w]);
   * w.sum().backward();
   * opt.zeroGrad(); // w.grad === null
   * ```
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p._peekGrad();
        if (g === null) continue;
        if (setToNone) p._releaseGrad(); // a gradient only the engine and this optimizer saw: its memory is reused
        else {
          if (g.gradFn) g._setGradFn(null);
          else if (g.requiresGrad) g.requiresGrad_(false);
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * Performs one optimization step and returns the closure's loss. Order: global pre-hooks,
   * this optimizer's pre-hooks, the update, its post-hooks, global post-hooks. The closure (if
   * any) runs once, with grad enabled, before the update. A step that throws changes nothing.
   */
  step<L = unknown>(closure?: () => L): L | undefined {
    this.checkUsable('step');
    let args: unknown[] = closure === undefined ? [this] : [this, closure];
    let kwargs: Record<string, unknown> = {};
    const self = this as unknown as Optimizer<object>;
    for (const hook of [...globalStepPreHooks.values(), ...this.stepPreHooks.values()]) {
      const result = hook(self, args, kwargs);
      if (result !== undefined) {
        if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && isPlainObject(result[1])) {
          [args, kwargs] = result as [unknown[], Record<string, unknown>];
        } else {
          throw new Error(`<function ${this.name}.step> must return None or a tuple of (new_args, new_kwargs), but got ${String(result)}.`);
        }
      }
    }
    for (const k of Object.keys(kwargs)) {
      if (k !== 'closure') throw new TypeError(`${this.name}.step() got an unexpected keyword argument '${k}'`);
    }
    if (args.length > 2) throw new TypeError(`${this.name}.step() takes from 1 to 2 positional arguments but ${args.length} were given`);
    const fn = (kwargs['closure'] ?? args[1]) as (() => L) | undefined;
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`${this.name}.step: closure must be a function, got ${typeName(fn)}`);

    let loss: L | undefined;
    if (fn) loss = enableGrad(fn);
    this.validateStep();
    const differentiable = Boolean((this.defaults as Record<string, unknown>)['differentiable']);
    // The closure and its first loss go to stepImpl too: LBFGS evaluates the closure again.
    if (differentiable) enableGrad(() => this.stepImpl(fn, loss));
    else if (isGradEnabled()) noGrad(() => this.stepImpl(fn, loss));
    else this.stepImpl(fn, loss);

    for (const hook of [...this.stepPostHooks.values(), ...globalStepPostHooks.values()]) hook(self, args, kwargs);
    return loss;
  }

  /** Registers `hook(optimizer, args, kwargs)` to run before each step. */
  registerStepPreHook(hook: StepPreHook): RemovableHandle {
    return addHook(this.stepPreHooks, hook);
  }
  /** Registers `hook(optimizer, args, kwargs)` to run after each step. */
  registerStepPostHook(hook: StepPostHook): RemovableHandle {
    return addHook(this.stepPostHooks, hook);
  }
  /** Registers `hook(optimizer)` to run before `stateDict()` builds the dict. */
  registerStateDictPreHook(hook: StateDictPreHook, prepend = false): RemovableHandle {
    return addHook(this.stateDictPreHooks, hook, prepend);
  }
  /** Registers `hook(optimizer, stateDict)`; a returned dict replaces it. */
  registerStateDictPostHook(hook: StateDictPostHook, prepend = false): RemovableHandle {
    return addHook(this.stateDictPostHooks, hook, prepend);
  }
  /** Registers `hook(optimizer, stateDict)` to run before loading; a returned dict is loaded instead. */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook, prepend = false): RemovableHandle {
    return addHook(this.loadPreHooks, hook, prepend);
  }
  /** Registers `hook(optimizer)` to run after a successful load. */
  registerLoadStateDictPostHook(hook: LoadStateDictPostHook, prepend = false): RemovableHandle {
    return addHook(this.loadPostHooks, hook, prepend);
  }

  /**
   * The optimizer's state in PyTorch's format, as a snapshot: later steps do not change it.
   *
   * @example
   * ```ts
   * import { ASGD } from '@tensile/optim';
   * import { ones } from '@tensile/tensor';
   * const w = ones([2], { requiresGrad: true });
   * const opt = new ASGD([w]);
   * w.sum().backward(); opt.step();
   * const sd = opt.stateDict(); // { state: { 0: { step: 1, eta, mu, ax } }, param_groups: [...] }
   * ```
   */
  stateDict(): OptimizerStateDict {
    this.checkUsable('stateDict');
    const self = this as unknown as Optimizer<object>;
    for (const hook of this.stateDictPreHooks.values()) hook(self);
    const { state, param_groups: paramGroups } = packStateDict(this.paramGroups, this.state, this.stateSpec);
    let sd: OptimizerStateDict = { state, param_groups: paramGroups };
    for (const hook of this.stateDictPostHooks.values()) {
      const r = hook(self, sd);
      if (r !== undefined) sd = r;
    }
    return sd;
  }

  /**
   * Loads a state dict (ours, or PyTorch's converted to JSON). Hyper-parameters come from the
   * saved groups; parameters are matched by position. Everything is validated first: a rejected
   * dict leaves the optimizer as it was. Values are copied, never aliased.
   *
   * @example
   * ```ts
   * import { ASGD } from '@tensile/optim';
   * import { ones } from '@tensile/tensor';
   * const w = ones([2], { requiresGrad: true });
   * const a = new ASGD([w]);
   * const b = new ASGD([w]);
   * b.loadStateDict(a.stateDict());
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    this.checkUsable('loadStateDict');
    const self = this as unknown as Optimizer<object>;
    if (!isPlainObject(stateDict)) throw new TypeError(`loadStateDict: expected a state dict object, got ${typeName(stateDict)}`);
    let sd: OptimizerStateDict = { ...stateDict };
    for (const hook of this.loadPreHooks.values()) {
      const r = hook(self, sd);
      if (r !== undefined) sd = r;
    }
    const savedGroups = (sd as unknown as Record<string, unknown>)['param_groups'];
    const savedState = (sd as unknown as Record<string, unknown>)['state'];
    if (!Array.isArray(savedGroups)) throw new RangeError("loadStateDict: state dict has no 'param_groups' list");
    if (!isPlainObject(savedState) && !(savedState instanceof Map)) throw new RangeError("loadStateDict: state dict has no 'state' object");
    if (savedGroups.length !== this.paramGroups.length) throw new RangeError('loaded state dict has a different number of parameter groups');
    // Indexed loops, not forEach: a hole in a list (`delete list[0]`) must be seen, not skipped.
    for (let i = 0; i < savedGroups.length; i++) {
      const g: unknown = savedGroups[i];
      if (!isPlainObject(g) || !Array.isArray(g['params'])) throw new RangeError(`loadStateDict: param_groups[${i}] must be an object with a 'params' list`);
      const ids = g['params'] as unknown[];
      for (let k = 0; k < ids.length; k++) {
        const id: unknown = ids[k];
        if (!isIndexKey(id)) throw new RangeError(`loadStateDict: param_groups[${i}].params[${k}] must be a parameter index (a non-negative integer), got ${typeof id === 'string' ? JSON.stringify(id) : String(id)}`);
      }
    }
    const groups = savedGroups as Record<string, unknown>[];
    if (groups.some((g, i) => (g['params'] as unknown[]).length !== this.paramGroups[i]!.params.length)) {
      throw new RangeError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }

    // Build the new groups (validated) without touching the live ones.
    const idMap = new Map<string, Tensor>();
    const newGroups = groups.map((saved, gi) => {
      const live = this.paramGroups[gi]!;
      (saved['params'] as unknown[]).forEach((id, k) => idMap.set(String(id), live.params[k]!));
      const group: Record<string, unknown> = { params: live.params };
      for (const [k, v] of Object.entries(saved)) {
        if (k === 'params') continue;
        setOwn(group, toCamel(k), snapshot(v));
      }
      if (!Object.hasOwn(group, 'paramNames') && live.paramNames) group['paramNames'] = live.paramNames;
      for (const [k, v] of Object.entries(this.defaults)) if (!Object.hasOwn(group, k)) group[k] = v;
      try {
        this.validateOptions(group);
      } catch (e) {
        throw new RangeError(`loadStateDict: param_groups[${gi}]: ${(e as Error).message}`);
      }
      return group as ParamGroup<O>;
    });

    const entries: [unknown, unknown][] = savedState instanceof Map ? [...savedState] : Object.entries(savedState);
    const newState = new OptimizerState();
    for (const [key, value] of entries) {
      if (!isIndexKey(key)) {
        // Not a parameter index: a user's own entry (PyTorch keeps these), restored as a copy.
        if (typeof key !== 'string') throw new RangeError(`loadStateDict: state keys are parameter indices or strings, got ${typeName(key)}`);
        newState.set(key, snapshot(value));
        continue;
      }
      const p = idMap.get(String(key));
      if (p === undefined) throw new RangeError(`loadStateDict: state has an entry for parameter ${String(key)}, which is in no param group`);
      newState.set(p, this.importState(p, value, String(key)));
    }
    // Commit.
    this.paramGroups = newGroups;
    this.state = newState;
    for (const hook of this.loadPostHooks.values()) hook(self);
  }

  /**
   * Throws when `method` must not run now (ASGD refuses to step or load while its averaged
   * parameters are swapped in). The default allows everything.
   */
  protected checkUsable(method: string): void {
    void method;
  }

  /** The state of `p`, made by `init` when it has none (PyTorch's lazy `_init_group`). */
  protected lazyState<S extends object>(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined || Object.keys(s).length === 0) {
      s = init() as unknown as Record<string, unknown>;
      this.state.set(p, s);
    }
    return s as unknown as S;
  }

  /** Validates one saved per-parameter state and returns a live copy (see `importParamState`). */
  protected importState(p: Tensor, value: unknown, id: string): Record<string, unknown> {
    return importParamState(this.name, this.stateSpec, p, value, id);
  }

  /** PyTorch's `__repr__` layout: `ASGD (\nParameter Group 0\n    alpha: 0.75\n...)`. */
  toString(): string {
    let s = `${this.name} (`;
    this.paramGroups.forEach((group, i) => {
      s += `\nParameter Group ${i}\n`;
      const entries = Object.entries(group).filter(([k]) => k !== 'params').map(([k, v]) => [toSnake(k), v] as const);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [k, v] of entries) s += `    ${k}: ${pyValue(v, this.intOptions.has(k))}\n`;
    });
    return `${s})`;
  }

  /** What Node's `console.log(opt)` prints: `toString()`, as Python prints an optimizer. */
  [inspectCustom](): string {
    return this.toString();
  }
}

