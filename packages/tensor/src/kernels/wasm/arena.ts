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
 * Allocation: sizes rounded up to a size class (eight per doubling, so at most 12.5% is
 * wasted, and equal-sized tensors reuse each other's blocks exactly), best fit from an
 * address-ordered free list whose neighbours merge on release, split on allocation, and a bump
 * pointer that falls back when the block below it is freed; growth up to the ceiling (4 GiB
 * less one page: see `MAX_BYTES`), past which `alloc` returns undefined and the caller keeps JS
 * storage. WebAssembly memory cannot shrink, so what bounds the memory is the high-water mark:
 * a sweep that creates and drops models of many sizes reuses the space the dropped ones leave.
 *
 * Lifetime: a block is freed when the `Float32Array` handed out for it is collected (a
 * FinalizationRegistry on the array, not on the tensor: an array kept from `t.storage.data`
 * keeps its block), and when every view `keepAlive` tied to it is too. A `subarray()` a caller
 * makes of such an array does not hold the block: keep the array, or copy.
 */
import { buildBytes, MAX_BYTES, type Exports } from './module.js';

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

/** A typed array constructor the arena can lay over its memory (`Float32Array`, `Float64Array`, `BigInt64Array`, `Uint8Array`, ...). */
export interface ElementType<A extends ArrayBufferView> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

/** Views handed out over arena blocks, each tied to what keeps its block alive. */
const holders = new WeakMap<object, object>();

/**
 * Ties `view` (a `subarray` of a resident block, say) to `owner` (the block's array, or the
 * storage holding it), so the block stays allocated for as long as the view is reachable.
 */
export function keepAlive<T extends object>(view: T, owner: object): T {
  if (view !== owner) holders.set(view, owner);
  return view;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly ex: Exports;
  /**
   * Every buffer object the memory has handed out: views over any of them are resident. (V8
   * gives a shared memory a new `buffer` object when any shared memory grows, this one or
   * another, so identity is not one object: `has` adds each new one as it appears.)
   */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private lastBuffer: ArrayBufferLike;
  /** Free ranges in floats, ordered by address, never adjacent (neighbours merge). */
  private readonly freeAt: number[] = [];
  private readonly freeLen: number[] = [];
  private top = ARENA_SCRATCH; // floats
  private peak = ARENA_SCRATCH;
  private readonly registry = new FinalizationRegistry<[number, number]>(([at, size]) => this.release(at, size));
  heap: Float32Array;

  /** `maxPages` (64 KiB each) caps the memory: 4 GiB, all that 32-bit offsets reach (tests lower it). */
  constructor(private readonly maxPages = MAX_PAGES) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: maxPages, shared: true });
    const module = new WebAssembly.Module(buildBytes('shared'));
    this.ex = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.heap = new Float32Array(this.memory.buffer);
    this.lastBuffer = this.memory.buffer;
    this.buffers.add(this.lastBuffer);
  }

  /** Whether `a` is a view of this arena's memory. */
  has(a: ArrayBufferView): boolean {
    if (this.buffers.has(a.buffer)) return true;
    if (!(a.buffer instanceof SharedArrayBuffer)) return false;
    this.noteBuffer();
    return this.buffers.has(a.buffer);
  }

  /** Records the memory's current buffer object and renews the whole-memory view if it grew. */
  private noteBuffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    if (b !== this.lastBuffer) {
      this.buffers.add(b);
      this.lastBuffer = b;
      if (b.byteLength !== this.heap.byteLength) this.heap = new Float32Array(b);
    }
    return b;
  }

  /** Floats up to the end of the highest block in use or free below the bump pointer. */
  get used(): number {
    return this.top;
  }

  /** The most `used` has ever been: what the memory had to grow to. */
  get highWater(): number {
    return this.peak;
  }

  /** The floats a block may end at: the ceiling less the guard page. */
  private get limit(): number {
    return Math.min(this.maxPages * PAGE, MAX_BYTES) / 4;
  }

  /**
   * A zero-filled resident block of `n` elements of `type` (float32 unless given: the arena
   * holds any typed storage, 16-byte aligned), freed when the returned array (or a view
   * `keepAlive` tied to it) is collected; undefined where the memory cannot grow that far.
   * `owner`, if given, keeps the block too (as the array it holds would).
   */
  alloc(n: number, owner?: object): Float32Array | undefined;
  alloc<A extends ArrayBufferView>(n: number, owner: object | undefined, type: ElementType<A>): A | undefined;
  alloc(n: number, owner?: object, type: ElementType<ArrayBufferView> = Float32Array): ArrayBufferView | undefined {
    const size = sizeClass(Math.ceil((n * type.BYTES_PER_ELEMENT) / 4));
    const at = this.take(size);
    if (at === undefined) return undefined;
    const view = new type(this.noteBuffer(), at * 4, n);
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).fill(0);
    this.registry.register(view, [at, size], view);
    if (owner) keepAlive(owner, view);
    return view;
  }

  /** The offset (floats) of a free range of `size` floats, taken from the free list or the top. */
  private take(size: number): number | undefined {
    // Best fit: the smallest free range that holds it (ties: the lowest address).
    let best = -1;
    for (let i = 0; i < this.freeAt.length; i++) {
      const len = this.freeLen[i]!;
      if (len >= size && (best < 0 || len < this.freeLen[best]!)) {
        best = i;
        if (len === size) break;
      }
    }
    if (best >= 0) {
      const at = this.freeAt[best]!;
      if (this.freeLen[best] === size) {
        this.freeAt.splice(best, 1);
        this.freeLen.splice(best, 1);
      } else {
        this.freeAt[best] = at + size;
        this.freeLen[best] = this.freeLen[best]! - size;
      }
      return at;
    }
    // From the top. No free range ends at the top (release() lowers the top over one instead),
    // so everything from the top up is new.
    const at = this.top;
    const end = at + size;
    if (end > this.limit || !this.ensure(end)) return undefined;
    this.top = end;
    this.peak = Math.max(this.peak, end);
    return at;
  }

  /** Grows the memory to hold `floats` floats; false where it cannot. */
  private ensure(floats: number): boolean {
    const need = floats * 4 - this.memory.buffer.byteLength;
    if (need <= 0) return true;
    const have = this.memory.buffer.byteLength / PAGE;
    // Grow by at least half again, so a run of allocations grows the memory a few times only.
    const pages = Math.min(this.maxPages - have, Math.max(Math.ceil(need / PAGE), Math.ceil(have / 2)));
    try {
      this.memory.grow(pages);
    } catch {
      return false;
    }
    this.noteBuffer();
    return true;
  }

  /** Returns `[at, at + size)` to the free list, merged with free neighbours; the top falls back over a free end. */
  private release(at: number, size: number): void {
    let lo = 0, hi = this.freeAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeAt[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    let start = at, len = size;
    const prev = lo - 1;
    if (prev >= 0 && this.freeAt[prev]! + this.freeLen[prev]! === at) {
      start = this.freeAt[prev]!;
      len += this.freeLen[prev]!;
      this.freeAt.splice(prev, 1);
      this.freeLen.splice(prev, 1);
      lo = prev;
    }
    if (lo < this.freeAt.length && this.freeAt[lo] === start + len) {
      len += this.freeLen[lo]!;
      this.freeAt.splice(lo, 1);
      this.freeLen.splice(lo, 1);
    }
    if (start + len === this.top) this.top = start;
    else {
      this.freeAt.splice(lo, 0, start);
      this.freeLen.splice(lo, 0, len);
    }
  }

  /**
   * @internal Frees `view`'s block now, as its collection would (tests and benchmarks use it to
   * replay allocation sequences without waiting for the collector). `view` must be an array
   * `alloc` returned and must not be used afterwards.
   */
  _free(view: ArrayBufferView): void {
    if (!this.registry.unregister(view)) throw new Error('Arena._free: not a live block of this arena');
    this.release(view.byteOffset / 4, sizeClass(Math.ceil(view.byteLength / 4)));
  }

  /** @internal Free ranges as [offset, length] pairs in floats (tests check the list's invariants). */
  _freeRanges(): [number, number][] {
    return this.freeAt.map((a, i) => [a, this.freeLen[i]!]);
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
