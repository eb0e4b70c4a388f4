/**
 * Storage memory reused from tensors the collector has freed: a cache of dead tensors'
 * `ArrayBuffer`s, by size, from which new tensors' storages are cut (zero-filled), as PyTorch's
 * caching allocators keep freed blocks instead of handing them back to the system.
 *
 * Why: JavaScript frees a tensor's memory only when the collector runs, so a training loop
 * allocates each step's activations and gradients in memory the process has not touched since
 * the last collection. Where the system allocator hands that memory back to the OS in between
 * (Chromium's, measured in a Web Worker on a 2-vCPU VM), every fresh array pays a page fault per
 * 4 KiB: 13–30 µs per page, 0.8 ms for a 200 KB array, most of the playground's MLP step.
 * Node's allocator keeps and reuses it (0.4–2 µs per page, and no gain measured from this
 * cache), so the cache is on by default everywhere but Node (`setStorageReuse`).
 *
 * How: every storage array of `MIN_BYTES` or more that `allocStorage` hands out is registered
 * with a FinalizationRegistry whose held value is its `ArrayBuffer`; when the array is
 * collected, its buffer joins the cache (up to `MAX_CACHED_BYTES` in all), and the next
 * request of the same byte length takes it, zero-filled. Finalizers run between tasks, so a
 * loop that never yields allocates fresh memory (and, until it yields, keeps at most
 * `MAX_PENDING_BYTES` of dead arrays that the registry holds); a browser's training loop,
 * which yields to stay responsive, reuses.
 *
 * The autograd engine also hands buffers back itself, without waiting for the collector
 * (`recycleStorage`): the intermediate gradients of a backward pass, whose whole lifetime it knows
 * (autograd.ts). That path works in a loop that never yields and in Node too, where most of a
 * training step's fresh memory is those gradients (the small GPT's backward pass allocates
 * about 99 MB a step, its forward 52 MB); and `zeroGrad()` hands back a parameter's gradient
 * that only the engine and the library have seen (tensor.ts `_releaseGrad`).
 *
 * What this asks of code holding storage memory: the typed array itself keeps its buffer out of
 * the cache (an array kept from `t.storage.data` is safe), but a `subarray()` cut from it, or a
 * view made on its `.buffer`, does not: keep the array, or copy (the resident arena has the same
 * rule; `keepAlive` in kernels/wasm/arena.ts ties such a view to its owner). Arrays given to
 * callers (`toFloat32Array()`, `toTypedArray()`) never come from the cache.
 */
import type { StorageArray } from './dtype.js';

/** Arrays below this many bytes are left to the engine (small: the collector's nursery keeps them cheap). */
export const MIN_BYTES = 4096;
/**
 * The most bytes the cache holds; buffers freed past it are left to the collector. The collector
 * frees in batches: the playground's CNN had up to 314 MiB cached at once (MLP 181, GPT 185),
 * and a 128 MiB bound dropped half of what it freed and kept it at 1.2k examples/s, not 4.7–7.3k.
 */
export const MAX_CACHED_BYTES = 512 * 2 ** 20;
let maxCached = MAX_CACHED_BYTES;
/** A cache from which nothing was taken for this long is emptied (training stopped: give the memory back). */
export const IDLE_MS = 1000;
/**
 * The most bytes registered within one task. The registry holds each registered array's buffer
 * until its finalizer runs, which happens between tasks, so in a loop that never yields every
 * dead array would stay in memory; past this bound new arrays are plain ones, left to the
 * collector, until the event loop turns (a timer set at the first registration of a task says
 * when: by then the finalizers of whatever was collected have run or are queued).
 */
export const MAX_PENDING_BYTES = 128 * 2 ** 20;
let maxPending = MAX_PENDING_BYTES;

const cache = new Map<number, ArrayBuffer[]>();
let cachedBytes = 0;
let pendingBytes = 0;
let sinceTurn = 0;
let probing = false;
let reused = 0;
let trimming = false;
let hitsAtCheck = 0;

/** Notes that the event loop turned: a timer set when this task first registered an array ran. */
function turned(): void {
  probing = false;
  sinceTurn = 0;
}

function release([buffer, registered]: [ArrayBuffer, number]): void {
  pendingBytes -= registered;
  if (on) keep(buffer);
}

/** Puts `buffer` in the cache (if it has room), and starts the idle trim. */
function keep(buffer: ArrayBuffer): void {
  const bytes = buffer.byteLength; // 0 once transferred (postMessage): nothing to reuse
  if (bytes < MIN_BYTES || cachedBytes + bytes > maxCached) return;
  let list = cache.get(bytes);
  if (!list) cache.set(bytes, (list = []));
  list.push(buffer);
  cachedBytes += bytes;
  if (!trimming) {
    trimming = true;
    hitsAtCheck = reused;
    later(trimIfIdle, IDLE_MS);
  }
}

/** `setTimeout` that does not keep Node's process alive for the timer alone. */
function later(fn: () => void, ms: number): void {
  const t = setTimeout(fn, ms) as unknown as { unref?: () => void };
  t.unref?.();
}

function clearCache(): void {
  cache.clear();
  cachedBytes = 0;
}

/** Empties the cache if nothing was taken from it since the last check; else checks again later. */
function trimIfIdle(): void {
  if (reused === hitsAtCheck) {
    trimming = false;
    clearCache();
    return;
  }
  hitsAtCheck = reused;
  later(trimIfIdle, IDLE_MS);
}

const registry = typeof FinalizationRegistry === 'function' && typeof setTimeout === 'function' ? new FinalizationRegistry<[ArrayBuffer, number]>(release) : undefined;
const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
let on = registry !== undefined && !inNode;

/** The typed-array constructors storages use (one per dtype; see dtype.ts). */
type StorageArrayType = { new (n: number): StorageArray; new (buffer: ArrayBuffer): StorageArray; readonly BYTES_PER_ELEMENT: number };

/**
 * A zero-filled `n`-element array of `type` for a tensor's storage: a cached buffer of that
 * byte length when one is free, else a new one; where the collector's path is on, registered so
 * that its buffer is cached once the array is collected.
 */
export function allocStorage<A extends StorageArray>(type: { new (n: number): A; readonly BYTES_PER_ELEMENT: number }, n: number): A {
  const bytes = n * type.BYTES_PER_ELEMENT;
  if (bytes < MIN_BYTES) return new type(n);
  const buffer = cachedBytes > 0 ? cache.get(bytes)?.pop() : undefined;
  let out: A;
  if (buffer) {
    cachedBytes -= bytes;
    reused++;
    new Uint8Array(buffer).fill(0);
    out = new (type as unknown as StorageArrayType)(buffer) as A;
  } else out = new type(n);
  if (born !== null) born.add(out);
  if (!on || sinceTurn + bytes > maxPending) return out;
  registry!.register(out, [out.buffer as ArrayBuffer, bytes], out);
  pendingBytes += bytes;
  sinceTurn += bytes;
  if (!probing) {
    probing = true;
    setTimeout(turned, 0);
  }
  return out;
}

let born: WeakSet<StorageArray> | null = null;
let recycling: 'on' | 'off' | 'poison' = 'on';

/**
 * @internal From now on, adds every array `allocStorage` hands out to `set` (null: stops);
 * returns the previous set. The autograd engine tracks what its backward pass allocated: only
 * those arrays are ever recycled.
 */
export function trackAllocations(set: WeakSet<StorageArray> | null): WeakSet<StorageArray> | null {
  const prev = born;
  born = set;
  return prev;
}

/** @internal Whether the engine recycles its gradients (see `setRecycling`). */
export function recyclingOn(): boolean {
  return recycling !== 'off';
}

/**
 * @internal Gives `array`'s memory back for the next `allocStorage` of its byte length, now:
 * the caller guarantees nothing reads or writes `array` again, and that `allocStorage` made it
 * (the engine checks with `trackAllocations`: a WebAssembly memory's buffer is an `ArrayBuffer`
 * too, and must never be cached). Only whole arrays on an unshared buffer of `MIN_BYTES` or more
 * are taken (a view's or a shared buffer is left alone). Returns whether it was taken.
 */
export function recycleStorage(array: StorageArray): boolean {
  const buffer = array.buffer;
  if (recycling === 'off' || !(buffer instanceof ArrayBuffer) || array.byteOffset !== 0 || array.byteLength !== buffer.byteLength || buffer.byteLength < MIN_BYTES) return false;
  if (registry !== undefined && registry.unregister(array)) pendingBytes -= buffer.byteLength;
  if (recycling === 'poison') {
    // Tests: what reads a recycled array afterwards sees NaN (or -1 in integer arrays), and the memory is never handed out again.
    if (array instanceof Float32Array || array instanceof Float64Array) array.fill(Number.NaN);
    else new Uint8Array(buffer).fill(0xff);
    return true;
  }
  keep(buffer);
  return true;
}

/**
 * @internal The engine's recycling: `'on'` (the default), `'off'`, or `'poison'` (tests: a
 * recycled array is filled with NaN and never reused, so any later read of it shows). Returns
 * the previous setting.
 */
export function setRecycling(mode: 'on' | 'off' | 'poison'): 'on' | 'off' | 'poison' {
  const was = recycling;
  recycling = mode;
  return was;
}

/**
 * @internal Turns the collector's path on or off (on by default outside Node; tests turn it on
 * in Node); off also empties the cache. `limits` replace MAX_CACHED_BYTES and MAX_PENDING_BYTES (tests; omitted,
 * the defaults). Returns the previous setting.
 */
export function setStorageReuse(enabled: boolean, limits: { maxCachedBytes?: number; maxPendingBytes?: number } = {}): boolean {
  const was = on;
  maxCached = limits.maxCachedBytes ?? MAX_CACHED_BYTES;
  maxPending = limits.maxPendingBytes ?? MAX_PENDING_BYTES;
  on = enabled && registry !== undefined;
  if (!on) clearCache();
  return was;
}

/** @internal The cache's size (buffers and bytes) and how many storages it has served since this module loaded (for tests). */
export function storageCacheSize(): { buffers: number; bytes: number; reused: number; pending: number } {
  let buffers = 0;
  for (const list of cache.values()) buffers += list.length;
  return { buffers, bytes: cachedBytes, reused, pending: pendingBytes };
}
