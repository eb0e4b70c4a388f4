/**
 * The resident arena: long-lived tensors (parameters and optimizer state) whose storage lives
 * in a WebAssembly memory, so the in-place kernels (the optimizer updates) read and write them
 * where they are, with no copy in or out. Everything else keeps ordinary `Float32Array`s.
 *
 * Why a shared memory: growing a WebAssembly memory detaches every view of a non-shared one
 * (a tensor read after a large allocation would see an empty array), but not of a shared one;
 * its old views stay valid over the same bytes. So a resident tensor's `Float32Array` never
 * goes stale. Shared memory needs `SharedArrayBuffer`: always in Node, in browsers only on
 * cross-origin isolated pages; elsewhere there is no arena and tensors stay where they are.
 *
 * Allocation: size classes (eight per doubling, so at most 12.5% is wasted), free lists per
 * class, a bump pointer, growth up to the 4 GiB ceiling; past it `alloc` returns undefined and
 * the caller keeps JS storage. Blocks are freed when the `Storage` that owns one is collected
 * (a FinalizationRegistry): they are few and long-lived, so reuse never has to wait for the
 * collector inside a training loop; per-step tensors never come here.
 */
import { wasmSharedBase64 } from './kernels.gen.js';
import { decode, type Exports } from './module.js';

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB
/** Floats of staging space at the start of the arena (for operands that are not resident). */
export const ARENA_SCRATCH = 3 * 32768;

/** A block's size class in floats: a multiple of 4 (16-byte alignment), eight classes per doubling. */
export function sizeClass(n: number): number {
  if (n <= 64) return 64;
  const step = 2 ** Math.max(2, Math.floor(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly ex: Exports;
  /** Every buffer object the memory has handed out: views over any of them are resident. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly free = new Map<number, number[]>(); // size class -> free block offsets (floats)
  private top = ARENA_SCRATCH; // floats
  private readonly registry = new FinalizationRegistry<[number, number]>(([at, size]) => this.release(at, size));
  heap: Float32Array;

  /** `maxPages` (64 KiB each) caps the memory: 4 GiB, all that 32-bit offsets reach (tests lower it). */
  constructor(private readonly maxPages = MAX_PAGES) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: maxPages, shared: true });
    const module = new WebAssembly.Module(decode(wasmSharedBase64));
    this.ex = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.heap = new Float32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
  }

  /** Whether `a` is a view of this arena's memory. */
  has(a: Float32Array): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Floats in use or on free lists (the bump pointer): constant once a training loop is warm. */
  get used(): number {
    return this.top;
  }

  /**
   * A zero-filled resident block of `n` floats, owned by `owner` (freed when it is collected),
   * or undefined where the memory cannot grow that far.
   */
  alloc(n: number, owner: object): Float32Array | undefined {
    const size = sizeClass(n);
    let at = this.free.get(size)?.pop();
    if (at === undefined) {
      if (this.top + size > (this.maxPages * PAGE) / 4) return undefined;
      const need = (this.top + size) * 4 - this.memory.buffer.byteLength;
      if (need > 0) {
        const have = this.memory.buffer.byteLength / PAGE;
        // Grow by at least half again, so a run of allocations grows the memory a few times only.
        const pages = Math.min(this.maxPages - have, Math.max(Math.ceil(need / PAGE), Math.ceil(have / 2)));
        try {
          this.memory.grow(pages);
        } catch {
          return undefined;
        }
        this.heap = new Float32Array(this.memory.buffer);
        this.buffers.add(this.memory.buffer);
      }
      at = this.top;
      this.top += size;
    }
    const view = new Float32Array(this.memory.buffer, at * 4, n);
    view.fill(0);
    this.registry.register(owner, [at, size]);
    return view;
  }

  private release(at: number, size: number): void {
    const list = this.free.get(size);
    if (list) list.push(at);
    else this.free.set(size, [at]);
  }

  /** A view of the whole memory (only `alloc` grows it, and renews this view when it does). */
  view(): Float32Array {
    return this.heap;
  }
}

let arena: Arena | null | undefined;

/** The arena, created on first use; null where this runtime has no shared WebAssembly memory. */
export function residentArena(): Arena | null {
  if (arena === undefined) {
    try {
      arena = typeof SharedArrayBuffer === 'function' ? new Arena() : null;
    } catch {
      arena = null; // e.g. a browser page that is not cross-origin isolated
    }
  }
  return arena;
}

/** The arena if it exists already (kernels look here: no arena, nothing is resident). */
export function existingArena(): Arena | null {
  return arena ?? null;
}
