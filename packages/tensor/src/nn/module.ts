import { noGrad } from '../autograd.js';
import { fmt, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';

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

function checkName(owner: string, kind: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(`${owner}.${kind}: name must be a non-empty string without ".", got ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}`);
  }
  return name;
}

/**
 * Base class of layers and models (PyTorch's `nn.Module`). TypeScript cannot intercept field
 * assignment without proxies, so parameters and submodules are registered explicitly:
 * `this.weight = this.registerParameter('weight', t)`. Names are dotted paths (`0.weight`),
 * as PyTorch's, so state dicts map one to one.
 *
 * @example
 * ```ts
 * import { nn, randn, type Tensor } from '@tensile/tensor';
 * class TwoLayer extends nn.Module {
 *   fc1 = this.registerModule('fc1', new nn.Linear(4, 8));
 *   fc2 = this.registerModule('fc2', new nn.Linear(8, 2));
 *   forward(x: Tensor): Tensor { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * const m = new TwoLayer();
 * m.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * m.call(randn([3, 4])).shape;         // [3, 2]
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (affects `Dropout`); set with `train()`/`eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();
  private readonly _modules = new Map<string, Module>();

  /** The computation; subclasses define it with their own argument list. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Runs `forward` (PyTorch's `module(x)`). */
  call(...inputs: Tensor[]): Tensor {
    return this.forward(...inputs);
  }

  /**
   * Registers `param` under `name` and returns it. A leaf that does not require grad is switched
   * to `requiresGrad` (as wrapping in `nn.Parameter` does).
   */
  registerParameter(name: string, param: Tensor): Tensor {
    const owner = this.constructor.name;
    checkName(owner, 'registerParameter', name);
    if (!(param instanceof Tensor)) throw new TypeError(`${owner}.registerParameter: parameter "${name}" must be a Tensor, got ${describe(param)}`);
    if (!param.isLeaf) throw new TypeError(`${owner}.registerParameter: parameter "${name}" must be a leaf tensor (use detach())`);
    if (this._modules.has(name)) throw new Error(`${owner}.registerParameter: "${name}" is already a submodule`);
    if (!param.requiresGrad) param.requiresGrad_(true);
    this._parameters.set(name, param);
    return param;
  }

  /** Registers `module` as a child under `name` and returns it. */
  registerModule<M extends Module>(name: string, module: M): M {
    const owner = this.constructor.name;
    checkName(owner, 'registerModule', name);
    if (!(module instanceof Module)) throw new TypeError(`${owner}.registerModule: module "${name}" must be a Module, got ${describe(module)}`);
    if (this._parameters.has(name)) throw new Error(`${owner}.registerModule: "${name}" is already a parameter`);
    this._modules.set(name, module);
    return module;
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

  /** Resets every parameter's gradient: to `null` (default), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) p.grad = null;
      else {
        // a grad built with createGraph is cut from its graph before being zeroed, as PyTorch
        const plain = g.requiresGrad ? g.detach() : g;
        if (plain !== g) p.grad = plain;
        noGrad(() => plain.zero_());
      }
    }
  }

  /** Every parameter by dotted name, in registration order, as detached copies. */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    noGrad(() => {
      for (const [n, p] of this.namedParameters()) out[n] = p.detach().clone();
    });
    return out;
  }

  /**
   * Copies tensors from `stateDict` into the parameters of the same names. Everything is
   * checked first (types, missing and unexpected keys when `strict`, shapes always), and one
   * error lists every problem, so a failed load changes nothing.
   */
  loadStateDict(stateDict: Record<string, Tensor> | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const owner = this.constructor.name;
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`${owner}.loadStateDict: stateDict must be an object or a Map, got ${describe(stateDict)}`);
    const strict = options.strict ?? true;
    const entries: [string, unknown][] = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
    for (const [k, v] of entries) {
      if (!(v instanceof Tensor)) throw new TypeError(`${owner}.loadStateDict: value for "${k}" must be a Tensor, got ${describe(v)}`);
    }
    const given = new Map(entries as [string, Tensor][]);
    const own = new Map(this.namedParameters());
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
    const extra = this.extraRepr();
    const lines = extra ? extra.split('\n') : [];
    for (const [n, m] of this._modules) lines.push(`(${n}): ${m.toString().split('\n').join('\n  ')}`);
    let body = '';
    if (lines.length === 1 && this._modules.size === 0) body = lines[0]!;
    else if (lines.length) body = `\n  ${lines.join('\n  ')}\n`;
    return `${this.constructor.name}(${body})`;
  }
}
