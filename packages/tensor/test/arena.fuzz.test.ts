/**
 * The resident arena is hand-managed memory. What must hold: no block is handed out twice while
 * it is alive (a block stays alive while its array, or a view tied to it, is reachable); the
 * free list stays ordered and merged; a sweep of models of many sizes reuses the space dropped
 * ones leave (the high-water mark stays within 2x the peak live size plus 64 MiB); residency
 * does not depend on which `buffer` object V8 hands out; nothing ends past 4 GiB less a page.
 * Properties run a bounded number of cases in `npm test`; `npm run fuzz` runs many more.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getNumThreads, isResident, makeResident, matmul, noGrad, randn, setNumThreads, tensor, updateInPlace, zeros, type Tensor } from '@tensile/tensor';
import { ARENA_SCRATCH, Arena, residentArena, sizeClass, type ElementType } from '../src/kernels/wasm/arena.js';
import { MAX_BYTES } from '../src/kernels/wasm/module.js';
import { fuzz } from './helpers/fuzz.js';

const { settings, timeout } = fuzz(1 / 3);

/** Checks the arena's bookkeeping against the blocks the test holds. */
function checkInvariants(arena: Arena, live: ArrayBufferView[]): void {
  const ranges = live.map((v) => [v.byteOffset / 4, sizeClass(Math.ceil(v.byteLength / 4))] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThanOrEqual(ranges[i - 1]![0] + ranges[i - 1]![1]);
  const free = arena._freeRanges();
  for (let i = 0; i < free.length; i++) {
    const [at, len] = free[i]!;
    expect(len).toBeGreaterThan(0);
    expect(at).toBeGreaterThanOrEqual(ARENA_SCRATCH);
    expect(at + len).toBeLessThan(arena.used); // a free range never ends at the top: the top falls back
    if (i > 0) expect(at).toBeGreaterThan(free[i - 1]![0] + free[i - 1]![1]); // ordered, never adjacent
    for (const [b, n] of ranges) expect(at + len <= b || b + n <= at).toBe(true); // free is not live
  }
  // Everything below the top is live or free, nothing else.
  const covered = ranges.reduce((s, r) => s + r[1], 0) + free.reduce((s, r) => s + r[1], 0);
  expect(covered).toBe(arena.used - ARENA_SCRATCH);
}

describe('the arena allocator', () => {
  const types = [Float32Array, Float64Array, BigInt64Array, Int32Array, Uint8Array, Uint16Array] as const;
  const bytesOf = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

  it('random allocate/free sequences of every storage type: no block handed out twice while alive, 16-byte aligned, the free list ordered and merged, all freed gives all back', { timeout }, () => {
    fc.assert(
      fc.property(fc.array(fc.record({ free: fc.boolean(), n: fc.integer({ min: 1, max: 20_000 }), pick: fc.nat(), type: fc.constantFrom(...types) }), { maxLength: 60 }), (steps) => {
        const arena = new Arena(256);
        const live: ArrayBufferView[] = [], ids: number[] = [];
        let id = 0;
        for (const s of steps) {
          if (s.free && live.length > 0) {
            const i = s.pick % live.length;
            arena._free(live.splice(i, 1)[0]!);
            ids.splice(i, 1);
          } else {
            const v = arena.alloc(s.n, undefined, s.type as ElementType<ArrayBufferView>);
            if (v) {
              expect(v).toBeInstanceOf(s.type);
              expect(v.byteLength).toBe(s.n * s.type.BYTES_PER_ELEMENT);
              expect(v.byteOffset % 16).toBe(0);
              expect(arena.has(v)).toBe(true);
              expect(bytesOf(v).every((x) => x === 0)).toBe(true); // zero-filled, even where a freed block was
              bytesOf(v).fill(++id & 255);
              live.push(v);
              ids.push(id);
            }
          }
          checkInvariants(arena, live);
        }
        // Each live block still holds what was written into it: no other block was laid over it.
        live.forEach((v, i) => expect(bytesOf(v).every((x) => x === (ids[i]! & 255))).toBe(true));
        for (const v of live.splice(0)) arena._free(v);
        expect(arena.used).toBe(ARENA_SCRATCH);
        expect(arena._freeRanges()).toEqual([]);
      }),
      settings,
    );
  });

  it('a hyper-parameter sweep (200 MLPs + Adam state, widths 64 to 4641) stays within 2x its peak live size plus 64 MiB', () => {
    const arena = new Arena();
    const gen = fc.sample(fc.integer({ min: 64, max: 4641 }), { numRuns: 200, seed: 7 });
    let live: Float32Array[][] = [], liveFloats = 0, peakLive = 0;
    for (const width of gen) {
      // 784-width-10: two weights and two biases, each with Adam's exp_avg and exp_avg_sq.
      const model: Float32Array[] = [];
      for (const n of [784 * width, width, width * 10, 10]) for (let k = 0; k < 3; k++) model.push(arena.alloc(n)!);
      live.push(model);
      liveFloats += model.reduce((s, v) => s + v.length, 0);
      peakLive = Math.max(peakLive, liveFloats);
      // The collector is late: the model before last is dropped only now.
      if (live.length > 2) {
        const old = live.shift()!;
        for (const v of old) arena._free(v);
        liveFloats -= old.reduce((s, v) => s + v.length, 0);
      }
    }
    const bound = 2 * peakLive * 4 + 64 * 2 ** 20;
    expect(arena.highWater * 4).toBeLessThanOrEqual(bound);
    expect(arena.memory.buffer.byteLength).toBeLessThanOrEqual(1.5 * bound);
    for (const m of live) for (const v of m) arena._free(v);
    live = [];
    expect(arena.used).toBe(ARENA_SCRATCH);
  }, 60_000); // a hang guard: under a loaded 2-core CI machine the 200-step sweep took over 5 s

  it('refuses to free what it did not hand out, or twice', () => {
    const arena = new Arena(64);
    const v = arena.alloc(100)!;
    arena._free(v);
    expect(() => arena._free(v)).toThrow('Arena._free: not a live block of this arena');
    expect(() => arena._free(new Float32Array(4))).toThrow('Arena._free: not a live block of this arena');
  });

  it('hands out nothing that ends past 4 GiB less one page, and staging refuses to reach past it', () => {
    // The ceiling is what a block's end is checked against; a full 4 GiB memory is npm run test:big's.
    expect(MAX_BYTES).toBe(2 ** 32 - 65536);
    expect(residentArena()!.alloc(2 ** 30 - 16_384 - ARENA_SCRATCH + 4)).toBeUndefined(); // ends 16 bytes past it
  });
});

/** The collector, for the tests that need blocks to be collected. */
function collector(): () => Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 0)); // finalizers run between tasks
    }
  };
}

describe('resident memory stays owned by whoever can still reach it', () => {
  const collect = collector();
  it('an array kept from (t.storage.data as Float32Array) or an updateInPlace callback outlives its tensor: its block is not handed out again', async () => {
    const n = 12_345;
    let kept: Float32Array | null = null, keptView: Float32Array | null = null, keptWhole: Float32Array | null = null;
    let control = -1;
    (() => {
      const t = tensor(new Float32Array(n).fill(3));
      const u = tensor(new Float32Array(n).fill(4));
      const w = tensor(new Float32Array(n).fill(6));
      const dropped = tensor(new Float32Array(n).fill(5));
      [t, u, w, dropped].forEach((x) => makeResident(x));
      kept = (t.storage.data as Float32Array);
      noGrad(() => updateInPlace([u.narrow(0, 5, 100)], [], ([d]) => {
        keptView = d!;
      }));
      // a whole tensor's callback array is its storage's own array (no view), which holds the block too
      noGrad(() => updateInPlace([w], [], ([d]) => {
        keptWhole = d!;
      }));
      expect(keptWhole).toBe(w.storage.data);
      control = (dropped.storage.data as Float32Array).byteOffset;
    })();
    await collect();
    // The block of the tensor nobody reaches was freed and is handed out again (so the collector ran) ...
    const fresh: Tensor[] = [];
    for (let i = 0; i < 8; i++) {
      const x = zeros([n]);
      makeResident(x);
      fresh.push(x);
    }
    expect(fresh.some((x) => (x.storage.data as Float32Array).byteOffset === control)).toBe(true);
    // ... but none laid over the kept ones, and writing through them changes no other tensor.
    for (const x of fresh) {
      expect(x.storage.data.byteOffset < kept!.byteOffset + kept!.byteLength && kept!.byteOffset < (x.storage.data as Float32Array).byteOffset + (x.storage.data as Float32Array).byteLength).toBe(false);
      expect(x.storage.data.byteOffset <= keptView!.byteOffset && keptView!.byteOffset < (x.storage.data as Float32Array).byteOffset + (x.storage.data as Float32Array).byteLength).toBe(false);
      expect(x.storage.data.byteOffset < keptWhole!.byteOffset + keptWhole!.byteLength && keptWhole!.byteOffset < (x.storage.data as Float32Array).byteOffset + (x.storage.data as Float32Array).byteLength).toBe(false);
    }
    kept!.fill(-1);
    keptView!.fill(-2);
    keptWhole!.fill(-3);
    for (const x of fresh) expect(x.toFloat32Array().every((v) => v === 0)).toBe(true);
  }, 30_000);

  it('after the thread pool\'s memory grows, new tensors are still resident and makeResident allocates once', () => {
    const threads = getNumThreads();
    try {
      setNumThreads(2);
      noGrad(() => matmul(randn([1500, 1500]), randn([1500, 1500])));
      const arena = residentArena()!;
      const t = randn([1000]);
      expect(makeResident(t)).toBe(true);
      expect(isResident(t)).toBe(true);
      const used = arena.used;
      for (let i = 0; i < 3; i++) expect(makeResident(t)).toBe(true);
      expect(arena.used).toBe(used);
    } finally {
      setNumThreads(threads);
    }
  });
});
