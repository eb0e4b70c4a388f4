import { noGrad } from '../autograd.js';
import { checkOptions } from '../options.js';
import { fmt, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';
import { inspectCustom } from '../format.js';
import { bfloat16, DType, float16, float32, float64, toDType, type DTypeLike } from '../dtype.js';
import { addHook, type RemovableHandle } from '../hooks.js';

/**
 * A forward pre-hook (`registerForwardPreHook`): called with the module and its positional
 * inputs before `forward`. An array it returns replaces the inputs, any other value replaces
 * them as the one input, and nothing leaves them as they were (PyTorch's rule).
 */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/**
 * A forward hook (`registerForwardHook`): called with the module, its inputs (after the
 * pre-hooks) and `forward`'s result; a value it returns replaces the result, nothing keeps it.
 */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

/** Options of `registerForwardPreHook` and `registerForwardHook`. */
export interface HookOptions {
  /** Run this hook before the ones already registered (default false: after them). */
  prepend?: boolean;
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape mismatches always throw. */
  strict?: boolean;
}

/** What `loadStateDict` did not match (both empty when `strict`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * A state dict: PyTorch's dotted names (`0.weight`, `bn.running_mean`) to tensors. The record
 * `stateDict()` returns has no prototype, so any name (`__proto__`, `constructor`) is an
 * ordinary key.
 */
export type StateDict = Record<string, Tensor>;

function checkName(owner: string, kind: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(`${owner}.${kind}: name must be a non-empty string without ".", got ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}`);
  }
  return name;
}

/**
 * A tensor marked as a module parameter (PyTorch's `nn.Parameter`): assigning one to a field
 * of a `Module` registers it under the field's name. It shares `data`'s storage, is a leaf,
 * and requires grad unless `requiresGrad` is false.
 *
 * @example
 * ```ts
 * import { nn, ones, type Tensor } from '@tensile/tensor';
 * class Scale extends nn.Module {
 *   gain = new nn.Parameter(ones([3]));
 *   forward(x: Tensor): Tensor { return x.mul(this.gain); }
 * }
 * new Scale().namedParameters().map(([n]) => n); // ['gain']
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter: data must be a Tensor, got ${describe(data)}`);
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`Parameter: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad_(requiresGrad);
  }

  /** `Parameter containing:` and the tensor, as PyTorch prints it. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * The one trap: field initialisers (`[[DefineOwnProperty]]`) and assignments (`[[Set]]`, which
 * ends in `[[DefineOwnProperty]]` on the receiver) both arrive here, so `this.fc1 = new
 * nn.Linear(...)` registers `fc1` as PyTorch's `__setattr__` does. Reads are not trapped.
 */
const TRAPS: ProxyHandler<Module> = {
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && 'value' in desc) target._setAttr(key, desc.value);
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') target._delAttr(key);
    return Reflect.deleteProperty(target, key);
  },
};

/**
 * Base class of layers and models (PyTorch's `nn.Module`). Assigning a `Module`, an
 * `nn.Parameter` or (to a name registered as a buffer) a tensor to a field registers it under
 * the field's name, in assignment order, as PyTorch's `__setattr__`; a plain tensor field stays
 * unregistered. `registerParameter`, `registerBuffer` and `registerModule` do the same
 * explicitly (use them when the state-dict key differs from the field name, e.g.
 * `running_mean`). Names are dotted paths (`0.weight`), as PyTorch's, so state dicts map one to one.
 *
 * @example
 * ```ts
 * import { nn, randn, type Tensor } from '@tensile/tensor';
 * class TwoLayer extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor): Tensor { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * const m = new TwoLayer();
 * m.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * m.call(randn([3, 4])).shape;         // [3, 2]
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (affects `Dropout`, `BatchNorm`); set with `train()`/`eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module>();
  private _forwardPreHooks: Map<number, ForwardPreHook> | null = null;
  private _forwardHooks: Map<number, ForwardHook> | null = null;
  constructor() {
    // NOTE: returning a proxy makes subclass field initialisers and assignments go through
    // TRAPS. Only writes are trapped. A read through the proxy costs about 40 ns (2 ns on a plain
    // object, Node 20); a forward pass makes a handful, while the tensor ops it runs take
    // milliseconds: a 784-128-10 MLP step measured the same through modules as with direct F
    // calls, within run-to-run noise. Tensors and kernels never see the proxy.
    return new Proxy(this, TRAPS);
  }

  /**
   * The computation; subclasses define it with their own arguments and result (a tensor, or for
   * layers to come such as recurrent ones, a tuple), as PyTorch's `forward: Callable[..., Any]`.
   */
  abstract forward(...inputs: any[]): any;

  /**
   * Runs `forward` (PyTorch's `module(x)`), typed by the subclass's `forward`, with the forward
   * pre-hooks before it and the forward hooks after it.
   */
  call(...inputs: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (this._forwardPreHooks === null && this._forwardHooks === null) return this.forward(...inputs) as ReturnType<this['forward']>;
    let args: unknown[] = inputs;
    for (const hook of [...(this._forwardPreHooks?.values() ?? [])]) {
      const r = hook(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    let out: unknown = this.forward(...args);
    for (const hook of [...(this._forwardHooks?.values() ?? [])]) {
      const r = hook(this, args, out);
      if (r !== undefined) out = r;
    }
    return out as ReturnType<this['forward']>;
  }

  /**
   * Registers `hook(module, args)` to run before every `call`; it may replace the inputs (see
   * `ForwardPreHook`). PyTorch's `register_forward_pre_hook`.
   *
   * @example
   * ```ts
   * import { nn, ones } from '@tensile/tensor';
   * const fc = new nn.Linear(2, 1);
   * const handle = fc.registerForwardPreHook((_m, [x]) => [(x as ReturnType<typeof ones>).mul(2)]);
   * fc.call(ones([1, 2])); // fc's forward sees [[2, 2]]
   * handle.remove();
   * ```
   */
  registerForwardPreHook(hook: ForwardPreHook<this>, options: HookOptions = {}): RemovableHandle {
    options = checkOptions('registerForwardPreHook', options, ['prepend']);
    return addHook((this._forwardPreHooks ??= new Map()), hook as ForwardPreHook, options.prepend ?? false, 'registerForwardPreHook');
  }

  /**
   * Registers `hook(module, args, output)` to run after every `forward`; it may replace the
   * result (see `ForwardHook`). PyTorch's `register_forward_hook`: the usual way to read a
   * layer's activations.
   *
   * @example
   * ```ts
   * import { nn, randn, type Tensor } from '@tensile/tensor';
   * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
   * const seen: Tensor[] = [];
   * const handle = model.at(1).registerForwardHook((_m, _args, out) => { seen.push(out as Tensor); });
   * model.call(randn([3, 4]));
   * seen[0]!.shape; // [3, 8]
   * handle.remove();
   * ```
   */
  registerForwardHook(hook: ForwardHook<this>, options: HookOptions = {}): RemovableHandle {
    options = checkOptions('registerForwardHook', options, ['prepend']);
    return addHook((this._forwardHooks ??= new Map()), hook as ForwardHook, options.prepend ?? false, 'registerForwardHook');
  }

  /** @internal PyTorch's `__setattr__`: registers or updates by the value's kind. */
  _setAttr(name: string, value: unknown): void {
    const owner = this.constructor.name;
    if (value instanceof Parameter) {
      if (this._parameters.get(name) === value) return;
      this._modules.delete(name);
      this._buffers.delete(name);
      this.registerParameter(name, value);
    } else if (value instanceof Module) {
      if (this._modules.get(name) === value) return;
      this._parameters.delete(name);
      this._buffers.delete(name);
      this.registerModule(name, value);
    } else if (this._parameters.has(name)) {
      if (value === null) this._parameters.delete(name);
      else if (value !== undefined && value !== this._parameters.get(name)) {
        throw new TypeError(`${owner}: cannot assign ${describe(value)} as parameter "${name}" (nn.Parameter or null expected)`);
      }
    } else if (this._modules.has(name)) {
      if (value === null) this._modules.delete(name);
      else if (value !== undefined) throw new TypeError(`${owner}: cannot assign ${describe(value)} as child module "${name}" (nn.Module or null expected)`);
    } else if (this._buffers.has(name)) {
      if (value === null || value instanceof Tensor) this._buffers.set(name, value);
      else if (value !== undefined) throw new TypeError(`${owner}: cannot assign ${describe(value)} as buffer "${name}" (Tensor or null expected)`);
    }
  }

  /** @internal PyTorch's `__delattr__`. */
  _delAttr(name: string): void {
    this._parameters.delete(name);
    this._buffers.delete(name);
    this._nonPersistent.delete(name);
    this._modules.delete(name);
  }

  private checkFree(kind: string, name: string, except: 'parameter' | 'buffer' | 'module'): void {
    const owner = this.constructor.name;
    if (except !== 'module' && this._modules.has(name)) throw new Error(`${owner}.${kind}: "${name}" is already a submodule`);
    if (except !== 'parameter' && this._parameters.has(name)) throw new Error(`${owner}.${kind}: "${name}" is already a parameter`);
    if (except !== 'buffer' && this._buffers.has(name)) throw new Error(`${owner}.${kind}: "${name}" is already a buffer`);
  }

  /**
   * Registers `param` under `name` and returns it. A leaf that does not require grad is switched
   * to `requiresGrad` (as wrapping in `nn.Parameter` does); an `nn.Parameter` keeps its flag.
   */
  registerParameter<T extends Tensor>(name: string, param: T): T {
    const owner = this.constructor.name;
    checkName(owner, 'registerParameter', name);
    if (!(param instanceof Tensor)) throw new TypeError(`${owner}.registerParameter: parameter "${name}" must be a Tensor, got ${describe(param)}`);
    if (!param.isLeaf) throw new TypeError(`${owner}.registerParameter: parameter "${name}" must be a leaf tensor (use detach())`);
    this.checkFree('registerParameter', name, 'parameter');
    if (!param.requiresGrad && !(param instanceof Parameter)) param.requiresGrad_(true);
    this._parameters.set(name, param);
    this.exposeAttr(name, param);
    return param;
  }

  /**
   * Registers a buffer: state that is not a parameter but belongs in the state dict unless
   * `persistent` is false (BatchNorm's `running_mean`). Returns the tensor. Assigning a tensor to
   * a field of the same name later replaces the buffer, as in PyTorch.
   *
   * @example
   * ```ts
   * import { nn, zeros, type Tensor } from '@tensile/tensor';
   * class Counter extends nn.Module {
   *   count = this.registerBuffer('count', zeros([1]));
   *   forward(x: Tensor): Tensor { this.count.add_(1); return x; }
   * }
   * Object.keys(new Counter().stateDict()); // ['count']
   * ```
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    const owner = this.constructor.name;
    checkName(owner, 'registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`${owner}.registerBuffer: buffer "${name}" must be a Tensor or null, got ${describe(tensor)}`);
    if (typeof persistent !== 'boolean') throw new TypeError(`${owner}.registerBuffer: persistent must be a boolean, got ${describe(persistent)}`);
    this.checkFree('registerBuffer', name, 'buffer');
    this._buffers.set(name, tensor);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    this.exposeAttr(name, tensor);
    return tensor;
  }

  /** Registers `module` as a child under `name` and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    const owner = this.constructor.name;
    checkName(owner, 'registerModule', name);
    if (!(module instanceof Module)) throw new TypeError(`${owner}.registerModule: module "${name}" must be a Module, got ${describe(module)}`);
    this.checkFree('registerModule', name, 'module');
    this._modules.set(name, module);
    this.exposeAttr(name, module);
    return module;
  }

  /**
   * PyTorch's `self.name` after `register_buffer(name, t)` (and `register_parameter`,
   * `register_module`/`add_module`): the registered value becomes the field `name`, so
   * `this.tril` reads it and `this.tril = t` replaces it (through `_setAttr`). A method or
   * accessor of that name on the class is left alone.
   */
  private exposeAttr(name: string, value: unknown): void {
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own ? own.value === value || !('value' in own) : name in this) return;
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  /** `registerModule` under PyTorch's other name, `add_module`. */
  addModule<M extends Module>(name: string, module: M): M {
    return this.registerModule(name, module);
  }

  /** `[name, parameter]` pairs of this module and its descendants, each parameter once. */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, p] of m._parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([mp ? `${mp}.${n}` : n, p]);
      }
    }
    return out;
  }

  /** The parameters of this module and its descendants (what an optimizer takes). */
  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** `[name, buffer]` pairs of this module and its descendants (persistent or not), each once. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [n, b] of m._buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        out.push([mp ? `${mp}.${n}` : n, b]);
      }
    }
    return out;
  }

  /** The buffers of this module and its descendants. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** `[name, child]` pairs of the direct submodules. */
  namedChildren(): [string, Module][] {
    return [...this._modules];
  }

  /** The direct submodules. */
  children(): Module[] {
    return [...this._modules.values()];
  }

  /** This module and all descendants, depth first, each once, with dotted names (`''` for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const walk = (name: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [n, c] of m._modules) walk(name ? `${name}.${n}` : n, c);
    };
    walk(prefix, this);
    return out;
  }

  /** This module and all descendants. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The descendant at a dotted path (`'features.0'`), as PyTorch's `get_submodule`. */
  getSubmodule(target: string): Module {
    if (typeof target !== 'string') throw new TypeError(`${this.constructor.name}.getSubmodule: target must be a string, got ${describe(target)}`);
    let m: Module = this;
    if (target === '') return m;
    for (const part of target.split('.')) {
      const c = m._modules.get(part);
      if (!c) throw new Error(`${m.constructor.name} has no attribute \`${part}\` (getSubmodule: "${target}")`);
      m = c;
    }
    return m;
  }

  /**
   * Calls `fn` on every submodule (children first) and then on this module; returns this.
   * PyTorch's `model.apply(init_weights)`.
   *
   * @example
   * ```ts
   * import { nn } from '@tensile/tensor';
   * const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
   * m.apply((c) => { if (c instanceof nn.Linear) nn.init.zeros_(c.weight); });
   * ```
   */
  apply(fn: (module: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`${this.constructor.name}.apply: fn must be a function, got ${describe(fn)}`);
    for (const c of this._modules.values()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`${this.constructor.name}.train: mode must be a boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (freezing with `false`); returns this. */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`${this.constructor.name}.requiresGrad_: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Converts every floating-point parameter and buffer to `dtype`, in place, and returns this
   * module (PyTorch's `Module.to`). Integer and bool buffers (`num_batches_tracked`) keep their
   * dtype; a parameter's gradient is converted with it. `'cpu'` (the only device), `{ device:
   * 'cpu' }` and `{}` change nothing; a tensor argument stands for its dtype. Only floating dtypes
   * are accepted, with PyTorch's error.
   *
   * As PyTorch's `_apply` replaces `param.data`, each parameter and buffer stays the same tensor
   * object with new storage: module fields, tied weights and an optimizer's parameter list all
   * see the new dtype. Views taken before the call keep the old values; an optimizer's state
   * (Adam's moments, momentum buffers) keeps the old dtype, so build the optimizer after
   * converting the model, as PyTorch's documentation advises.
   *
   * @example
   * ```ts
   * import { nn, float64 } from '@tensile/tensor';
   * const model = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3)).to(float64);
   * (model.at(0) as nn.Linear).weight.dtype.name; // 'float64'
   * model.stateDict()['1.num_batches_tracked']!.dtype.name; // 'int64'
   * ```
   */
  to(target: DTypeLike | 'cpu' | Tensor | { dtype?: DTypeLike; device?: 'cpu' }): this {
    const fn = `${this.constructor.name}.to`;
    if (target === 'cpu') return this;
    let dtype: DType;
    if (target instanceof Tensor) dtype = target.dtype;
    else if (target instanceof DType) dtype = target;
    else if (typeof target === 'string') {
      try {
        dtype = toDType(target, fn);
      } catch (e) {
        throw new TypeError(`${(e as Error).message}; the only device is 'cpu'`); // model.to('cuda')
      }
    }
    else if (typeof target === 'object' && target !== null) {
      checkOptions(fn, target, ['dtype', 'device']);
      if (target.device !== undefined && target.device !== 'cpu') throw new TypeError(`${fn}: the only device is 'cpu', got ${describe(target.device)}`);
      if (target.dtype === undefined) return this;
      dtype = toDType(target.dtype, fn);
    } else {
      throw new TypeError(`${fn}: expected a dtype, 'cpu', a tensor or { dtype, device }, got ${describe(target)}`);
    }
    if (!dtype.isFloatingPoint) throw new TypeError(`${fn}: nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype.toString()}`);
    return this.castFloating(dtype);
  }

  /** This module: the one device is the CPU (PyTorch's `module.cpu()`). */
  cpu(): this {
    return this;
  }

  /** `to(float64)`: every floating-point parameter and buffer to double (PyTorch's `Module.double()`). */
  double(): this {
    return this.castFloating(float64);
  }

  /** `to(float32)` (PyTorch's `Module.float()`). */
  float(): this {
    return this.castFloating(float32);
  }

  /** `to(float16)` (PyTorch's `Module.half()`; float16 is storage and conversions only). */
  half(): this {
    return this.castFloating(float16);
  }

  /** `to(bfloat16)` (PyTorch's `Module.bfloat16()`; storage and conversions only). */
  bfloat16(): this {
    return this.castFloating(bfloat16);
  }

  /**
   * PyTorch's `_apply(lambda t: t.to(dtype) if t.is_floating_point() else t)`: each floating
   * tensor (and its grad) of every module takes converted data in place (see `to`). A tensor
   * registered twice (tied) is converted once.
   */
  private castFloating(dtype: DType): this {
    const tensors = new Set<Tensor>();
    for (const m of this.modules()) {
      for (const p of m._parameters.values()) tensors.add(p);
      for (const b of m._buffers.values()) if (b !== null) tensors.add(b);
    }
    // detach(): the conversions are not recorded, as under PyTorch's no_grad in `_apply`; a
    // tensor already of `dtype` keeps its storage (`to` returns the same data).
    for (const t of tensors) {
      if (!t.dtype.isFloatingPoint) continue;
      t._setData(t.detach().to(dtype));
      const g = t.grad;
      if (g !== null) g._setData(g.detach().to(dtype));
    }
    return this;
  }

  /** Resets every parameter's gradient: to `null` (default), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p._peekGrad();
      if (g === null) continue;
      if (setToNone) p._releaseGrad();
      else {
        // a grad built with createGraph is cut from its graph before being zeroed, as PyTorch
        const plain = g.requiresGrad ? g.detach() : g;
        if (plain !== g) p.grad = plain;
        noGrad(() => plain.zero_());
      }
    }
  }

  /**
   * PyTorch's state-dict walk: each module's parameters, then its persistent buffers, then its
   * children; a module or tensor reached under two names is listed under both (tied weights).
   */
  private stateEntries(prefix: string, out: [string, Tensor][]): [string, Tensor][] {
    for (const [n, p] of this._parameters) out.push([prefix + n, p]);
    for (const [n, b] of this._buffers) if (b !== null && !this._nonPersistent.has(n)) out.push([prefix + n, b]);
    for (const [n, m] of this._modules) m.stateEntries(`${prefix}${n}.`, out);
    return out;
  }

  /**
   * Every parameter and persistent buffer by PyTorch's dotted name (`bn.running_mean`), in
   * PyTorch's order, as detached copies in their own dtypes (`num_batches_tracked` int64). The
   * record has no prototype: any name is a plain key.
   *
   * @example
   * ```ts
   * import { nn } from '@tensile/tensor';
   * const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
   * Object.keys(m.stateDict());
   * // ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = Object.create(null) as StateDict;
    noGrad(() => {
      for (const [n, t] of this.stateEntries('', [])) out[n] = t.detach().clone();
    });
    return out;
  }

  /**
   * Copies tensors from `stateDict` into the parameters and buffers of the same names. Everything
   * is checked first (types, missing and unexpected keys when `strict`, shapes always), and one
   * error lists every problem, so a failed load changes nothing. A tensor of another dtype is
   * cast into the parameter's or buffer's own dtype, as PyTorch's `copy_` casts (a float32
   * `num_batches_tracked` from an older checkpoint into the int64 buffer, truncating; float64
   * weights into float32 ones, rounding to nearest): the module's dtypes never change.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const owner = this.constructor.name;
    const fn = `${owner}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`${fn}: stateDict must be an object or a Map, got ${describe(stateDict)}`);
    checkOptions(fn, options, ['strict']);
    if (!(stateDict instanceof Map)) {
      const proto = Object.getPrototypeOf(stateDict) as unknown;
      // NOTE: `sd['__proto__'] = t` on a `{}` replaces the prototype instead of adding a key, so
      // that tensor would vanish; refuse such an object rather than drop it silently.
      if (proto !== null && proto !== Object.prototype) {
        throw new TypeError(`${fn}: stateDict must be a plain object, a null-prototype record or a Map, got an object whose prototype is ${describe(proto)} (did a key named "__proto__" replace its prototype? use Object.create(null) or a Map)`);
      }
    }
    const strict = options.strict ?? true;
    if (typeof strict !== 'boolean') throw new TypeError(`${fn}: strict must be a boolean, got ${describe(strict)}`);
    const entries: [string, unknown][] = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
    for (const [k, v] of entries) {
      if (!(v instanceof Tensor)) throw new TypeError(`${fn}: value for "${k}" must be a Tensor, got ${describe(v)}`);
    }
    const given = new Map(entries as [string, Tensor][]);
    const ownList = this.stateEntries('', []);
    const own = new Map(ownList);
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && unexpectedKeys.length) problems.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && missingKeys.length) problems.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    for (const [k, p] of own) {
      const v = given.get(k);
      if (v && !sameShape(v.shape, p.shape)) {
        problems.push(`size mismatch for ${k}: copying a param with shape ${fmt(v.shape)} from checkpoint, the shape in current model is ${fmt(p.shape)}.`);
      }
    }
    if (problems.length) throw new Error(`Error(s) in loading state_dict for ${owner}:\n\t${problems.join('\n\t')}`);
    noGrad(() => {
      for (const [k, p] of own) {
        const v = given.get(k);
        if (v) p.copy_(v);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** The text inside this module's parentheses in `toString()` (PyTorch's `extra_repr`). */
  protected extraRepr(): string {
    return '';
  }

  /** PyTorch's repr: `Linear(in_features=2, out_features=3, bias=True)`, children as `(0): ...`. */
  toString(): string {
    return this.repr(false);
  }

  /** What Node's `console.log(model)` prints: `toString()`, as Python prints a module. */
  [inspectCustom](): string {
    return this.toString();
  }

  private repr(counts: boolean): string {
    const extra = this.extraRepr();
    const lines = extra ? extra.split('\n') : [];
    for (const [n, m] of this._modules) lines.push(`(${n}): ${m.repr(counts).split('\n').join('\n  ')}`);
    let body = '';
    if (lines.length === 1 && this._modules.size === 0) body = lines[0]!;
    else if (lines.length) body = `\n  ${lines.join('\n  ')}\n`;
    const own = counts ? this.parameters().reduce((s, p) => s + p.numel(), 0) : 0;
    return `${this.constructor.name}(${body})${counts && own > 0 ? `  # ${own.toLocaleString('en-US')} params` : ''}`;
  }

  /**
   * A model summary: PyTorch's repr with each module's parameter count, then the totals.
   *
   * @example
   * ```ts
   * import { nn } from '@tensile/tensor';
   * console.log(new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2)).summary());
   * // Sequential(
   * //   (0): Linear(in_features=4, out_features=8, bias=True)  # 40 params
   * //   (1): ReLU()
   * //   (2): Linear(in_features=8, out_features=2, bias=True)  # 18 params
   * // )  # 58 params
   * // Total params: 58
   * // Trainable params: 58
   * // Non-trainable params: 0
   * ```
   */
  summary(): string {
    const ps = this.parameters();
    const total = ps.reduce((s, p) => s + p.numel(), 0);
    const trainable = ps.reduce((s, p) => s + (p.requiresGrad ? p.numel() : 0), 0);
    const n = (v: number): string => v.toLocaleString('en-US');
    return `${this.repr(true)}\nTotal params: ${n(total)}\nTrainable params: ${n(trainable)}\nNon-trainable params: ${n(total - trainable)}`;
  }
}
