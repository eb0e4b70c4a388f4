import { ShapeError } from './errors.js';
import { fmt, sameShape, type Shape } from './shape.js';
import { Tensor } from './tensor.js';
import type { DType } from './dtype.js';
import { checkOptions } from './options.js';
import { add } from './ops/binary.js';
import { ones } from './ops/creation.js';
import { clone, detach } from './ops/movement.js';
import { add_ } from './ops/inplace.js';
import { recycleStorage, recyclingOn, trackAllocations } from './storage-pool.js';
import type { StorageArray } from './dtype.js';

// ---- grad mode ----------------------------------------------------------------------------

let gradEnabled = true;

/** Whether ops record a graph right now. *
 * @example
 * ```ts
 * import { isGradEnabled, noGrad } from '@tensile/tensor';
 * isGradEnabled();                  // true
 * noGrad(() => isGradEnabled());    // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Turns graph recording on or off from here on (PyTorch's `torch.set_grad_enabled(mode)` as a
 * function call). Prefer `noGrad(fn)` for a block: it restores the mode afterwards.
 *
 * @example
 * ```ts
 * import { setGradEnabled, isGradEnabled } from '@tensile/tensor';
 * setGradEnabled(false); // e.g. for an evaluation pass
 * isGradEnabled();       // false
 * setGradEnabled(true);
 * ```
 */
export function setGradEnabled(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setGradEnabled: mode must be a boolean, got ${typeof on}`);
  gradEnabled = on;
}

/**
 * Runs `fn` without recording a graph: PyTorch's `torch.inference_mode()`, which here is
 * `noGrad` (there is no separate inference tensor kind).
 *
 * @example
 * ```ts
 * import { inferenceMode, tensor } from '@tensile/tensor';
 * const w = tensor([2], { requiresGrad: true });
 * inferenceMode(() => w.mul(3)).requiresGrad; // false
 * ```
 */
export function inferenceMode<T>(fn: () => T): T {
  return noGrad(fn);
}

/**
 * Runs `fn` with graph recording off (PyTorch's `torch.no_grad()`); this is how optimizers
 * update parameters. Restores the previous mode even when `fn` throws. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * import { noGrad, ones } from '@tensile/tensor';
 * const w = ones([2], { requiresGrad: true });
 * noGrad(() => w.sub_(0.1)); // allowed: in-place on a leaf without recording
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` with graph recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`).
 *
 * @example
 * ```ts
 * import { enableGrad, noGrad, isGradEnabled } from '@tensile/tensor';
 * noGrad(() => enableGrad(() => isGradEnabled())); // true
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---- graph nodes --------------------------------------------------------------------------

/**
 * A tensor's gradient hook (`tensor.registerHook`): called with the gradient computed for the
 * tensor; a tensor it returns replaces the gradient (for the next hooks, `.grad` and the rest of
 * the backward pass), nothing leaves it as it was.
 */
export type TensorHook = (grad: Tensor) => Tensor | undefined | void;

/** Computes the gradients of a node's inputs from the gradient of its output. */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null | undefined)[];

/**
 * @internal Throws PyTorch's error when `tensor`, saved at `version` for `name`'s backward, has
 * since been changed in place. Nodes check their saved tensors with it; a backward that needs a
 * tensor only on one of its paths calls it there itself.
 */
export function checkSavedVersion(name: string, tensor: Tensor, version: number): void {
  if (tensor.version !== version) {
    throw new Error(`${name}: a tensor saved for backward was modified by an in-place operation: it is at version ${tensor.version}; expected version ${version} instead`);
  }
}

/**
 * One recorded operation: a backward function, the edges to the nodes that produced its
 * inputs, and the tensors it saved (with their versions, checked before backward runs).
 *
 * @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * const y = ones([2], { requiresGrad: true }).mul(2);
 * console.log(y.gradFn!.name); // 'mul'
 * ```
 */
export class Node {
  /** Op name, e.g. `tanh`; shown in errors and as `gradFn.name`. */
  readonly name: string;
  /** @internal */ readonly next: readonly (Node | null)[];
  /** @internal */ readonly inputShapes: readonly Shape[];
  /** @internal Each input's dtype: a gradient of another dtype is cast to it, as PyTorch's engine does. */
  readonly inputDTypes: readonly DType[];
  /** @internal */ retained: Tensor | null = null;
  /** @internal The hooks registered on the tensor this node produces (or accumulates into, for a leaf), by handle id. */
  hooks: Map<number, TensorHook> | null = null;
  private fn: BackwardFn | null;
  private saved: { tensor: Tensor; version: number }[];

  constructor(name: string, next: readonly (Node | null)[], inputShapes: readonly Shape[], fn: BackwardFn | null, saved: readonly Tensor[], inputDTypes: readonly DType[] = []) {
    this.name = name;
    this.next = next;
    this.inputShapes = inputShapes;
    this.inputDTypes = inputDTypes;
    this.fn = fn;
    this.saved = saved.map((tensor) => ({ tensor, version: tensor.version }));
  }

  /** @internal */
  apply(grad: Tensor): readonly (Tensor | null | undefined)[] {
    if (this.fn === null) {
      throw new Error(
        `${this.name}: trying to backward through the graph a second time (its saved tensors were freed by the first backward); pass { retainGraph: true } to the first backward if you need to do this`,
      );
    }
    for (const { tensor, version } of this.saved) checkSavedVersion(this.name, tensor, version);
    return this.fn(grad);
  }

  /** @internal Frees what backward needed (called after a backward without retainGraph). */
  release(): void {
    this.fn = null;
    this.saved = [];
  }

  toString(): string {
    return `<${this.name}Backward>`;
  }
}

/** The node behind a leaf that requires grad: accumulates into `.grad`. *
 * @example
 * ```ts
 * import { ones, AccumulateGrad } from '@tensile/tensor';
 * const w = ones([2], { requiresGrad: true });
 * const node = w.mul(2).gradFn!.next[0];
 * console.log(node instanceof AccumulateGrad); // true
 * ```
 */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super('AccumulateGrad', [], [variable.shape], null, []);
    this.variable = variable;
  }
  override release(): void {}
}

/** @internal The node a gradient for `t` flows into (null when `t` needs no grad). */
export function edgeOf(t: Tensor): Node | null {
  if (!t.requiresGrad) return null;
  return t.gradFn ?? t._accumulator();
}

/**
 * @internal Records `out = op(inputs)` in the graph when grad mode is on and an input needs
 * grad. `saved` are the tensors `backward` reads; modifying one in place before backward makes
 * backward throw.
 */
export function record(name: string, out: Tensor, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Tensor[] = []): Tensor {
  if (!gradEnabled) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return out;
  out._setGradFn(new Node(name, inputs.map(edgeOf), inputs.map((t) => t.shape), backward, saved, inputs.map((t) => t.dtype)));
  return out;
}

// ---- the engine ---------------------------------------------------------------------------

export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives. */
  createGraph?: boolean;
}

interface RunOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When set, capture gradients flowing into these nodes instead of accumulating into leaves. */
  capture?: readonly (Node | null)[];
}

/**
 * The four ops the engine itself applies to gradients. The engine and the ops import each other
 * (ops record nodes; the engine adds gradients with ops): ES modules allow that cycle because
 * neither side uses the other while the modules load, only when a graph runs.
 */
const O = {
  add: (a: Tensor, b: Tensor): Tensor => add(a, b),
  onesLike: (t: Tensor): Tensor => ones(t.shape),
  // A fresh contiguous copy, so two leaves never share one grad tensor.
  copyForGrad: (g: Tensor, keepGraph: boolean): Tensor => (keepGraph ? clone(g) : noGrad(() => clone(detach(g)))),
  accumulateInPlace: (dst: Tensor, src: Tensor): void => noGrad(() => { add_(dst, src); }),
};

function run(roots: readonly Tensor[], grads: readonly Tensor[], opts: RunOptions): Map<Node, Tensor> {
  const rootNodes = roots.map((r, i) => {
    const n = edgeOf(r);
    if (n === null) throw new Error(`backward: element ${i} of tensors does not require grad and does not have a gradFn`);
    return n;
  });

  // Collect reachable nodes.
  const seen = new Set<Node>();
  const order: Node[] = [];
  const stack: Node[] = [...rootNodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    order.push(n);
    for (const m of n.next) if (m && !seen.has(m)) stack.push(m);
  }

  // With capture targets, run only nodes from which a target is reachable.
  let needed: Set<Node> | null = null;
  if (opts.capture) {
    needed = new Set();
    const targets = new Set(opts.capture.filter((n): n is Node => n !== null));
    const memo = new Map<Node, boolean>();
    const reaches = (start: Node): boolean => {
      // iterative post-order DFS
      const st: [Node, number][] = [[start, 0]];
      while (st.length) {
        const top = st[st.length - 1]!;
        const [n, i] = top;
        if (memo.has(n) && i === 0) { st.pop(); continue; }
        if (i < n.next.length) {
          top[1]++;
          const m = n.next[i];
          if (m && !memo.has(m)) st.push([m, 0]);
          continue;
        }
        let r = targets.has(n);
        for (const m of n.next) if (m && memo.get(m)) r = true;
        memo.set(n, r);
        st.pop();
      }
      return memo.get(start)!;
    };
    for (const n of order) if (reaches(n)) needed.add(n);
  }
  const active = (n: Node): boolean => needed === null || needed.has(n);

  const deps = new Map<Node, number>();
  for (const n of order) {
    if (!active(n)) continue;
    for (const m of n.next) if (m && active(m)) deps.set(m, (deps.get(m) ?? 0) + 1);
  }

  // Gradient stealing (as PyTorch's AccumulateGrad): a leaf's first gradient is normally a copy,
  // so no two tensors share its storage. When the engine alone holds the incoming gradient (made
  // by a backward function, handed to exactly one consumer, a whole contiguous storage that no
  // other leaf or retained grad received), the leaf takes it as is and the copy is skipped.
  // Backward functions return fresh tensors or views of their incoming gradient, never a tensor
  // the user or the forward pass holds; the root gradients (which the caller may hold) are
  // never taken.
  const handed = new Map<Tensor, number>();
  const givenAway = new Set<Tensor['storage']>();
  const buffers = new Map<Node, Tensor>();

  // Recycling (as PyTorch's caching allocator gets a gradient's block back the moment its last
  // reference goes): an intermediate gradient's memory is handed back to the storage cache as
  // soon as the pass has consumed it, for the rest of the pass and the next step's forward to
  // reuse, instead of waiting for the collector. A storage qualifies only if this pass allocated
  // it (`born`: never the forward pass's tensors, the root gradients or the user's), it was never
  // given away (a leaf's `.grad`, a retained or captured gradient, a hook's argument or result)
  // and no buffered gradient still refers to it (`live` counts the buffered tensors on each
  // storage: a backward function may return a view of its incoming gradient). The same rule lets
  // a sum of two gradients for one node be taken in place (PyTorch's InputBuffer). Not with
  // createGraph: the recorded backward graph saves gradients. Backward functions must not keep
  // the tensors they return (ours do not; none is user code).
  const born = !opts.createGraph && recyclingOn() ? new WeakSet<StorageArray>() : null;
  const live = new Map<Tensor['storage'], number>();
  const consumed: Tensor[] = [];
  const ownedByPass = (t: Tensor): boolean => born !== null && born.has(t.storage.data) && !givenAway.has(t.storage);
  /** `t` is its whole storage, in order: what may be taken as a leaf's `.grad` or summed into in place. */
  const wholeStorage = (t: Tensor): boolean => t.offset === 0 && t.storage.data.length === t.numel() && t.isContiguous();
  const hold = (t: Tensor): void => { live.set(t.storage, (live.get(t.storage) ?? 0) + 1); };
  const drop = (t: Tensor): void => {
    const k = live.get(t.storage)! - 1;
    if (k > 0) live.set(t.storage, k);
    else live.delete(t.storage);
    consumed.push(t);
  };
  /** Recycles what the node just processed consumed, once all its outputs are buffered. */
  const recycleConsumed = (): void => {
    for (const t of consumed) {
      if (live.has(t.storage) || !ownedByPass(t)) continue;
      givenAway.add(t.storage); // never twice
      recycleStorage(t.storage.data);
    }
    consumed.length = 0;
  };
  const addTo = (n: Node, g: Tensor): void => {
    const prev = buffers.get(n);
    handed.set(g, (handed.get(g) ?? 0) + 1);
    if (!prev) {
      buffers.set(n, g);
      hold(g);
      return;
    }
    if (live.get(prev.storage) === 1 && ownedByPass(prev) && prev.storage !== g.storage && prev.dtype === g.dtype && !prev.requiresGrad && !g.requiresGrad
      && sameShape(prev.shape, g.shape) && wholeStorage(prev)) {
      O.accumulateInPlace(prev, g);
      consumed.push(g);
      return;
    }
    const sum = O.add(prev, g);
    drop(prev);
    consumed.push(g);
    buffers.set(n, sum);
    hold(sum);
  };
  rootNodes.forEach((n, i) => addTo(n, grads[i]!));
  for (const g of grads) givenAway.add(g.storage);
  consumed.length = 0;

  const release = (m: Node): void => {
    const left = deps.get(m)! - 1;
    deps.set(m, left);
    if (left === 0) ready.push(m);
  };
  const captured = new Map<Node, Tensor>();
  const captureSet = opts.capture ? new Set(opts.capture) : null;
  const ready: Node[] = [];
  for (const n of new Set(rootNodes)) if (active(n) && !deps.get(n)) ready.push(n);

  const prevMode = isGradEnabled();
  setGradEnabled(opts.createGraph);
  const prevBorn = trackAllocations(born);
  try {
    while (ready.length) {
      const n = ready.pop()!;
      const buffered = buffers.get(n);
      buffers.delete(n);
      if (buffered === undefined) {
        // No gradient reached this node: nothing flows on, but its inputs stop waiting for it.
        for (const m of n.next) if (m && active(m)) release(m);
        continue;
      }
      let g = buffered;
      if (n.hooks !== null && n.hooks.size > 0) g = runHooks(n, g);
      if (captureSet?.has(n)) {
        captured.set(n, g);
        givenAway.add(g.storage);
      }
      if (n.retained) accumulateInto(n.retained, g, opts.createGraph);
      if (n instanceof AccumulateGrad) {
        if (!captureSet) accumulateInto(n.variable, g, opts.createGraph);
        drop(buffered);
        recycleConsumed();
        continue;
      }
      const outs = n.apply(g);
      if (!opts.retainGraph) n.release();
      for (let i = 0; i < n.next.length; i++) {
        const m = n.next[i];
        if (!m || !active(m)) continue;
        let gi = outs[i];
        if (gi) {
          const want = n.inputShapes[i]!;
          // PyTorch's validate_outputs: a gradient takes its input's dtype (a float32 mask times a
          // 0-d float64 upstream is float32 by promotion; the float64 input gets float64).
          const dt = n.inputDTypes[i];
          if (dt !== undefined && dt !== gi.dtype && dt.isFloatingPoint) gi = gi.to(dt);
          if (!sameShape(gi.shape, want)) {
            throw new ShapeError(`${n.name}: backward produced a gradient of shape ${fmt(gi.shape)} for an input of shape ${fmt(want)}`);
          }
          addTo(m, gi);
        }
        release(m);
      }
      drop(buffered);
      recycleConsumed();
    }
  } finally {
    trackAllocations(prevBorn);
    setGradEnabled(prevMode);
  }
  return captured;

  /**
   * The tensor hooks of `n`, in registration order, each given the previous one's result (as
   * PyTorch's tensor pre-hooks). A hook may keep the gradient it is given, and the tensor it
   * returns may be the user's, so neither may become a leaf's `.grad` without a copy.
   */
  function runHooks(n: Node, g: Tensor): Tensor {
    for (const hook of [...n.hooks!.values()]) {
      givenAway.add(g.storage);
      const r: unknown = hook(g);
      if (r === undefined) continue;
      if (!(r instanceof Tensor)) throw new TypeError(`backward: expected a Tensor, but a hook returned ${r === null ? 'null' : typeof r}`);
      if (!sameShape(r.shape, g.shape)) throw new ShapeError(`backward: a hook has changed the size of the gradient: ${fmt(g.shape)} to ${fmt(r.shape)}`);
      if (r.dtype !== g.dtype) throw new TypeError(`backward: a hook has changed the type of the gradient: ${g.dtype.name} to ${r.dtype.name}`);
      g = r;
    }
    givenAway.add(g.storage);
    return g;
  }

  function accumulateInto(t: Tensor, g: Tensor, keepGraph: boolean): void {
    const cur = t._peekGrad();
    const mayTake = !keepGraph && !g.requiresGrad && (handed.get(g) ?? 1) === 1 && !givenAway.has(g.storage) && wholeStorage(g);
    // A taken gradient on memory this pass allocated is private: zeroGrad may recycle it (tensor.ts).
    const isPrivate = mayTake && ownedByPass(g);
    givenAway.add(g.storage);
    if (cur === null) t._setGradUnchecked(mayTake ? g : O.copyForGrad(g, keepGraph), isPrivate);
    else if (keepGraph || cur.requiresGrad) t._setGradUnchecked(O.add(cur, g));
    else O.accumulateInPlace(cur, g);
  }
}

/** @internal `tensor.backward()` */
export function backward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions = {}): void {
  options = checkOptions('backward', options, ['retainGraph', 'createGraph']);
  if (!root.requiresGrad) throw new Error('backward: the tensor does not require grad and does not have a gradFn');
  let g = gradient;
  if (g === undefined) {
    if (root.numel() !== 1) {
      throw new Error(`backward: grad can be implicitly created only for scalar outputs; got shape ${fmt(root.shape)}, pass a gradient`);
    }
    g = O.onesLike(root);
  } else if (!sameShape(g.shape, root.shape)) {
    throw new ShapeError(`backward: gradient has shape ${fmt(g.shape)} but the tensor has shape ${fmt(root.shape)}`);
  }
  const createGraph = options.createGraph ?? false;
  run([root], [g], { retainGraph: options.retainGraph ?? createGraph, createGraph });
}

/**
 * PyTorch's `torch.autograd.backward(tensors, grad_tensors)`: one backward pass from several
 * roots at once, each with its upstream gradient (omitted for a one-element root: ones).
 * Gradients accumulate into the leaves' `.grad`, as `backward` does.
 * @example
 * ```ts
 * import { autograd, tensor } from '@tensile/tensor';
 * const x = tensor([1, 2], { requiresGrad: true });
 * const [a, b] = x.mul(3).split(1);
 * autograd.backward([a, b], [tensor([1]), tensor([10])]); // x.grad: tensor([3., 30.])
 * ```
 */
export function backwardAll(tensors: Tensor | readonly Tensor[], gradTensors?: Tensor | readonly (Tensor | null | undefined)[] | null, options: BackwardOptions = {}): void {
  options = checkOptions('backward', options, ['retainGraph', 'createGraph']);
  const roots = Array.isArray(tensors) ? (tensors as readonly Tensor[]) : [tensors as Tensor];
  const given = gradTensors === undefined || gradTensors === null ? [] : Array.isArray(gradTensors) ? gradTensors : [gradTensors as Tensor];
  if (given.length > 0 && given.length !== roots.length) throw new RangeError(`backward: got ${given.length} gradients for ${roots.length} tensors`);
  const grads = roots.map((root, i) => {
    if (!root.requiresGrad) throw new Error(`backward: element ${i} of tensors does not require grad and does not have a gradFn`);
    const g = given[i];
    if (g === undefined || g === null) {
      if (root.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs; got shape ${fmt(root.shape)} for element ${i}, pass a gradient`);
      return O.onesLike(root);
    }
    if (!sameShape(g.shape, root.shape)) throw new ShapeError(`backward: gradient ${i} has shape ${fmt(g.shape)} but the tensor has shape ${fmt(root.shape)}`);
    return g;
  });
  const createGraph = options.createGraph ?? false;
  run(roots, grads, { retainGraph: options.retainGraph ?? createGraph, createGraph });
}

export interface GradOptions extends BackwardOptions {
  /** Gradients w.r.t. each output (default: ones for scalar outputs). */
  gradOutputs?: readonly (Tensor | null)[] | Tensor | null;
  /** Return `null` for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Computes and returns the gradients of `outputs` w.r.t. `inputs` without touching any `.grad`
 * (PyTorch's `torch.autograd.grad`). With `createGraph: true` the result is itself
 * differentiable, for higher-order derivatives.
 *
 * @example
 * ```ts
 * import { tensor, grad } from '@tensile/tensor';
 * const x = tensor([3], { requiresGrad: true });
 * const y = x.pow(3).sum();
 * const [dy] = grad(y, x, { createGraph: true }); // 3x^2 = 27
 * const [d2y] = grad(dy!.sum(), x);               // 6x = 18
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  options = checkOptions('grad', options, ['retainGraph', 'createGraph', 'gradOutputs', 'allowUnused']);
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  const go = options.gradOutputs === undefined || options.gradOutputs === null
    ? outs.map(() => null)
    : Array.isArray(options.gradOutputs) ? (options.gradOutputs as readonly (Tensor | null)[]) : [options.gradOutputs as Tensor];
  if (go.length !== outs.length) throw new RangeError(`grad: gradOutputs has ${go.length} entries for ${outs.length} outputs`);
  const grads = outs.map((o, i) => {
    const g = go[i];
    if (g) {
      if (!sameShape(g.shape, o.shape)) throw new ShapeError(`grad: gradOutputs[${i}] has shape ${fmt(g.shape)} but outputs[${i}] has shape ${fmt(o.shape)}`);
      return g;
    }
    if (o.numel() !== 1) throw new Error(`grad: grad can be implicitly created only for scalar outputs; outputs[${i}] has shape ${fmt(o.shape)}`);
    return O.onesLike(o);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: inputs[${i}] does not require grad`);
  });
  const createGraph = options.createGraph ?? false;
  const targets = ins.map((t) => edgeOf(t));
  const captured = run(outs, grads, { retainGraph: options.retainGraph ?? createGraph, createGraph, capture: targets });
  return ins.map((t, i) => {
    const g = captured.get(targets[i]!);
    if (!g) {
      if (options.allowUnused) return null;
      throw new Error(`grad: inputs[${i}] was not used in the graph of the outputs; pass { allowUnused: true } to get null for it`);
    }
    return createGraph ? g : g.detach();
  });
}
