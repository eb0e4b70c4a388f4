// `[Symbol.dispose]` below is in the published declarations. Declared here, as TypeScript's
// esnext.disposable lib and @types/node declare it (identical declarations merge), so a program
// compiled with a standard lib such as es2022 type-checks them too. At run time the method exists
// where the runtime has Symbol.dispose (Node >= 20, current browsers), which is where `using` runs.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Process-wide counter, shared by every handle (PyTorch's `RemovableHandle.next_id`). */
let nextId = 0;

/**
 * Returned by every `register*Hook` (tensors', modules' and optimizers'): `remove()` unregisters
 * the hook (idempotent), and `using handle = ...` removes it at the end of the scope. PyTorch's
 * `torch.utils.hooks.RemovableHandle`.
 *
 * @example
 * ```ts
 * import { ones } from '@tensile/tensor';
 * const w = ones([2], { requiresGrad: true });
 * const handle = w.registerHook((g) => g.mul(10));
 * w.sum().backward(); // w.grad: [10, 10]
 * handle.remove();
 * ```
 */
export class RemovableHandle {
  /** Globally increasing id, in registration order. */
  readonly id: number;
  private readonly registry: Map<number, unknown>;

  /** @internal */
  constructor(registry: Map<number, unknown>) {
    this.id = nextId++;
    this.registry = registry;
  }

  /** Unregisters the hook; calling it again does nothing. */
  remove(): void {
    this.registry.delete(this.id);
  }

  [Symbol.dispose](): void {
    this.remove();
  }
}

/**
 * @internal Adds `hook` to `registry`, first when `prepend`, and returns its handle. `where`
 * names the registering function in the error for a hook that is not a function.
 */
export function addHook<H>(registry: Map<number, H>, hook: H, prepend = false, where = 'register hook'): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`${where}: hook must be a function, got ${typeof hook}`);
  const handle = new RemovableHandle(registry as Map<number, unknown>);
  if (prepend) {
    const rest = [...registry];
    registry.clear();
    registry.set(handle.id, hook);
    for (const [k, v] of rest) registry.set(k, v);
  } else registry.set(handle.id, hook);
  return handle;
}
