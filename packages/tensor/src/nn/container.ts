import { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';
import { Module, Parameter } from './module.js';

const INDEX = /^-?(0|[1-9]\d*)$/;

/** @internal The child at `index` of an indexable container (negative counts from the end), or a RangeError naming `owner`. */
export function childAt(owner: string, children: readonly Module[], index: number): Module {
  const i = index < 0 ? index + children.length : index;
  const m = Number.isInteger(i) ? children[i] : undefined;
  if (!m) throw new RangeError(`${owner}.at: index ${index} is out of range for ${children.length} modules`);
  return m;
}

/**
 * @internal Lets `list[i]` read the i-th child (PyTorch's `__getitem__`): a read trap on integer
 * keys only, layered over the module's own proxy, so other reads pass straight through.
 */
export function indexable<T extends Module & { at(i: number): unknown; readonly length: number }>(m: T): T {
  return new Proxy(m, {
    get(target, key, receiver) {
      if (typeof key === 'string' && INDEX.test(key)) {
        const i = Number(key);
        return i < -target.length || i >= target.length ? undefined : target.at(i);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/**
 * Holds submodules in a list (PyTorch's `nn.ModuleList`): registered as `'0'`, `'1'`, ..., so
 * their parameters are `0.weight`, ...; iterable, indexable (`list[i]` or `list.at(-1)`).
 * It has no `forward`: call its modules yourself.
 *
 * @example
 * ```ts
 * import { nn, randn, type Tensor } from '@tensile/tensor';
 * class Deep extends nn.Module {
 *   layers = new nn.ModuleList(Array.from({ length: 3 }, () => new nn.Linear(4, 4)));
 *   forward(x: Tensor): Tensor {
 *     for (const l of this.layers) x = l.call(x).relu();
 *     return x;
 *   }
 * }
 * const m = new Deep();
 * m.call(randn([2, 4])).shape;      // [2, 4]
 * m.namedParameters()[0]![0];       // 'layers.0.weight'
 * ```
 */
export class ModuleList extends Module implements Iterable<Module> {
  readonly [index: number]: Module | undefined;

  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') throw new TypeError(`ModuleList: modules must be an iterable of Modules, got ${describe(modules)}`);
    for (const m of modules) this.append(m);
    return indexable(this);
  }

  /** Number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    return childAt('ModuleList', this.children(), index);
  }

  /** Appends a module; returns this. */
  append(module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleList.append: module must be a Module, got ${describe(module)}`);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `module` before `index`, renumbering the ones after it (PyTorch's `insert`). */
  insert(index: number, module: Module): void {
    if (!(module instanceof Module)) throw new TypeError(`ModuleList.insert: module must be a Module, got ${describe(module)}`);
    const list = this.children();
    const n = list.length;
    if (!Number.isInteger(index)) throw new RangeError(`ModuleList.insert: index must be an integer, got ${String(index)}`);
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    list.splice(at, 0, module);
    for (let i = 0; i < n; i++) this._delAttr(String(i));
    list.forEach((m, i) => this.registerModule(String(i), m));
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(): Tensor {
    throw new Error('ModuleList has no forward: iterate over it and call its modules');
  }
}

/**
 * Holds submodules by name (PyTorch's `nn.ModuleDict`), in insertion order; Map-like
 * (`get`, `set`, `has`, `delete`, `keys`, `values`, `entries`; iterating gives the keys, as
 * PyTorch). It has no `forward`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), box: new nn.Linear(8, 4) });
 * heads.get('box').call(randn([2, 8])).shape; // [2, 4]
 * [...heads.keys()];                           // ['cls', 'box']
 * ```
 */
export class ModuleDict extends Module implements Iterable<string> {
  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    if (modules === null || typeof modules !== 'object') throw new TypeError(`ModuleDict: modules must be an object or an iterable of [name, Module] pairs, got ${describe(modules)}`);
    this.update(modules);
  }

  /** Adds or replaces every entry of `modules`. */
  update(modules: Record<string, Module> | Iterable<readonly [string, Module]>): void {
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<readonly [string, Module]>)] : Object.entries(modules);
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`ModuleDict.update: expected [name, Module] pairs, got ${describe(e)}`);
      this.set(e[0] as string, e[1] as Module);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.children().length;
  }

  /** The module under `key`; throws for a missing key (as PyTorch's `KeyError`). */
  get(key: string): Module {
    const hit = this.namedChildren().find(([k]) => k === key);
    if (!hit) throw new RangeError(`ModuleDict.get: no module named ${JSON.stringify(key)} (keys: ${this.namedChildren().map(([k]) => k).join(', ')})`);
    return hit[1];
  }

  /** Adds or replaces the module under `key`; returns this. */
  set(key: string, module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleDict.set: module ${JSON.stringify(key)} must be a Module, got ${describe(module)}`);
    this.registerModule(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.namedChildren().some(([k]) => k === key);
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    const had = this.has(key);
    this._delAttr(key);
    return had;
  }

  keys(): IterableIterator<string> {
    return this.namedChildren().map(([k]) => k)[Symbol.iterator]();
  }

  values(): IterableIterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  entries(): IterableIterator<[string, Module]> {
    return this.namedChildren()[Symbol.iterator]();
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys();
  }

  forward(): Tensor {
    throw new Error('ModuleDict has no forward: call its modules by name');
  }
}

/** A tensor given to a parameter container as a `Parameter` (PyTorch wraps plain tensors). */
function asParameter(owner: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${owner}: a parameter must be a Tensor, got ${describe(t)}`);
  return t instanceof Parameter ? t : new Parameter(t);
}

/**
 * PyTorch 1.13's line for a parameter in a container's repr: ParameterList names the dtype
 * (`(0): Parameter containing: [torch.float32 of size 3x4]`), ParameterDict the legacy tensor
 * type (`(w): Parameter containing: [torch.FloatTensor of size 3x4]`).
 */
const paramLine = (key: string, p: Tensor, legacy: boolean): string =>
  `  (${key}): ${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${legacy ? `torch.${p.dtype.cName}Tensor` : p.dtype.toString()} of size ${p.shape.join('x')}]`;

/**
 * Holds parameters in a list (PyTorch's `nn.ParameterList`): registered as `'0'`, `'1'`, ...,
 * iterable and indexable (`list[i]`, `list.at(-1)`); plain tensors become `Parameter`s.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const ps = new nn.ParameterList([randn([3, 4]), randn([4])]);
 * ps.length; // 2
 * Object.keys(ps.stateDict()); // ['0', '1']
 * ```
 */
export class ParameterList extends Module implements Iterable<Tensor> {
  readonly [index: number]: Tensor | undefined;
  private readonly items: Tensor[] = [];

  constructor(parameters: Iterable<Tensor> = []) {
    super();
    if (parameters === null || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function') throw new TypeError(`ParameterList: parameters must be an iterable of Tensors, got ${describe(parameters)}`);
    for (const p of parameters) this.append(p);
    return indexable(this);
  }

  /** Number of parameters. */
  get length(): number {
    return this.items.length;
  }

  /** The parameter at `index` (negative counts from the end). */
  at(index: number): Tensor {
    const i = index < 0 ? index + this.items.length : index;
    const p = Number.isInteger(i) ? this.items[i] : undefined;
    if (!p) throw new RangeError(`ParameterList.at: index ${index} is out of range for ${this.items.length} parameters`);
    return p;
  }

  /** Appends a parameter (a tensor becomes a `Parameter`); returns this. */
  append(parameter: Tensor): this {
    const p = asParameter('ParameterList.append', parameter);
    this.registerParameter(String(this.items.length), p);
    this.items.push(p);
    return this;
  }

  /** Appends every parameter of `parameters`; returns this. */
  extend(parameters: Iterable<Tensor>): this {
    for (const p of parameters) this.append(p);
    return this;
  }

  [Symbol.iterator](): Iterator<Tensor> {
    return this.items[Symbol.iterator]();
  }

  forward(): never {
    throw new TypeError('ParameterList: it has no forward; use its parameters');
  }

  protected override extraRepr(): string {
    return this.items.map((p, i) => paramLine(String(i), p, false)).join('\n');
  }
}

/**
 * Holds parameters by name (PyTorch's `nn.ParameterDict`), in insertion order; plain tensors
 * become `Parameter`s.
 *
 * @example
 * ```ts
 * import { nn, zeros } from '@tensile/tensor';
 * const pd = new nn.ParameterDict({ scale: zeros([2]) });
 * pd.set('shift', zeros([2]));
 * [...pd.keys()]; // ['scale', 'shift']
 * ```
 */
export class ParameterDict extends Module implements Iterable<string> {
  private readonly entries = new Map<string, Tensor>();

  constructor(parameters: Record<string, Tensor> | Iterable<readonly [string, Tensor]> = {}) {
    super();
    if (parameters === null || typeof parameters !== 'object') throw new TypeError(`ParameterDict: parameters must be an object or an iterable of [name, Tensor] pairs, got ${describe(parameters)}`);
    const pairs = Symbol.iterator in parameters ? [...(parameters as Iterable<readonly [string, Tensor]>)] : Object.entries(parameters);
    for (const [k, v] of pairs) this.set(k, v);
  }

  /** Number of parameters. */
  get length(): number {
    return this.entries.size;
  }

  /** The parameter named `key`, or a RangeError naming it. */
  get(key: string): Tensor {
    const p = this.entries.get(key);
    if (!p) throw new RangeError(`ParameterDict.get: no parameter named ${JSON.stringify(key)} (keys: ${[...this.entries.keys()].join(', ')})`);
    return p;
  }

  /** Sets (or replaces) the parameter named `key`; returns this. */
  set(key: string, parameter: Tensor): this {
    const p = asParameter('ParameterDict.set', parameter);
    if (this.entries.has(key)) (this as unknown as Record<string, unknown>)[key] = p; // replaces the registered one
    else this.registerParameter(key, p);
    this.entries.set(key, p);
    return this;
  }

  /** Whether a parameter is named `key`. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  values(): IterableIterator<Tensor> {
    return this.entries.values();
  }

  items(): IterableIterator<[string, Tensor]> {
    return this.entries.entries();
  }

  [Symbol.iterator](): Iterator<string> {
    return this.entries.keys();
  }

  forward(): never {
    throw new TypeError('ParameterDict: it has no forward; use its parameters');
  }

  protected override extraRepr(): string {
    return [...this.entries].map(([k, p]) => paramLine(k, p, true)).join('\n');
  }
}
