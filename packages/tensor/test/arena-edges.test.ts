/**
 * The arena allocator's contract, address by address (arena.fuzz.test.ts checks the invariants
 * over random sequences; this file pins each rule on a sequence small enough to follow): size
 * classes, the bump pointer and its fall-back, best fit with ties to the lowest address, the
 * split of a larger range, merging with either neighbour, growth by half again up to the ceiling,
 * refusal past it or when the memory will not grow, and which arrays count as resident.
 */
import { describe, expect, it } from 'vitest';
import { ARENA_SCRATCH, Arena, keepAlive, sizeClass } from '../src/kernels/wasm/arena.js';

const PAGE = 65536; // bytes
const PAGE_FLOATS = PAGE / 4;
const INITIAL = 16 * PAGE_FLOATS; // floats: a new arena's memory
const at = (v: ArrayBufferView): number => v.byteOffset / 4; // a block's offset in floats
const blocks = (arena: Arena, ...sizes: number[]): Float32Array[] => sizes.map((n) => arena.alloc(n)!);

describe('size classes: eight per doubling, 64 floats at least', () => {
  it.each([
    [0, 64], [1, 64], [63, 64], [64, 64], [65, 72], [100, 104], [127, 128], [128, 128], [129, 144],
    [200, 208], [1000, 1024], [16_384, 16_384], [16_385, 18_432], [163_840, 163_840], [491_520, 491_520],
  ])('%i floats take %i', (n, want) => {
    expect(sizeClass(n)).toBe(want);
  });
});

describe('the bump pointer', () => {
  it('hands out blocks one after another above the scratch space, each its size class long', () => {
    const arena = new Arena(64);
    expect(arena.used).toBe(ARENA_SCRATCH);
    expect(arena.highWater).toBe(ARENA_SCRATCH);
    const [a, b, c] = blocks(arena, 64, 100, 1);
    expect([at(a!), at(b!), at(c!)]).toEqual([ARENA_SCRATCH, ARENA_SCRATCH + 64, ARENA_SCRATCH + 64 + 104]);
    expect(arena.used).toBe(ARENA_SCRATCH + 64 + 104 + 64);
    expect(arena.highWater).toBe(arena.used);
    expect(arena._freeRanges()).toEqual([]);
  });

  it('falls back when the block below it is freed, and over a free range below that; the high-water mark stays', () => {
    const arena = new Arena(64);
    const [a, b, c] = blocks(arena, 64, 100, 64);
    const high = arena.used;
    arena._free(b!);
    expect(arena.used).toBe(high);
    expect(arena._freeRanges()).toEqual([[at(b!), 104]]);
    arena._free(c!); // merges with b's range, which then ends at the top
    expect(arena.used).toBe(at(b!));
    expect(arena._freeRanges()).toEqual([]);
    expect(arena.highWater).toBe(high);
    arena._free(a!);
    expect(arena.used).toBe(ARENA_SCRATCH);
    const d = arena.alloc(64)!;
    expect(at(d)).toBe(ARENA_SCRATCH);
  });

  it('measures a block of any element type in floats: 8 bytes an element for Float64Array, a 3-byte Uint8Array takes the least class', () => {
    const arena = new Arena(64);
    const x = arena.alloc(100, undefined, Float64Array)!;
    const y = arena.alloc(3, undefined, Uint8Array)!;
    const z = arena.alloc(5, undefined, BigInt64Array)!;
    expect([x.length, y.length, z.length]).toEqual([100, 3, 5]);
    expect([at(x), at(y), at(z)]).toEqual([ARENA_SCRATCH, ARENA_SCRATCH + 208, ARENA_SCRATCH + 208 + 64]);
    arena._free(y);
    expect(arena._freeRanges()).toEqual([[ARENA_SCRATCH + 208, 64]]);
    arena._free(z);
    arena._free(x);
    expect(arena.used).toBe(ARENA_SCRATCH);
  });

  it('zero-fills a block that held data', () => {
    const arena = new Arena(64);
    const [a] = blocks(arena, 100, 64);
    a!.fill(7);
    arena._free(a!);
    const b = arena.alloc(100)!;
    expect(at(b)).toBe(at(a!));
    expect(b.every((v) => v === 0)).toBe(true);
  });
});

describe('the free list: best fit, split, merge', () => {
  /** An arena whose free ranges have the given lengths (in size classes), in address order, each followed by a live 64-float block. */
  function withFree(lengths: number[]): { arena: Arena; starts: number[] } {
    const arena = new Arena(64);
    const pairs = lengths.map((n) => blocks(arena, n, 64) as [Float32Array, Float32Array]);
    for (const [f] of pairs) arena._free(f);
    const starts = pairs.map(([f]) => at(f));
    expect(arena._freeRanges()).toEqual(lengths.map((n, i) => [starts[i], n]));
    return { arena, starts };
  }

  it('takes the smallest range that holds the block, not the first', () => {
    const { arena, starts } = withFree([256, 128]);
    expect(at(arena.alloc(100)!)).toBe(starts[1]);
    expect(arena._freeRanges()).toEqual([[starts[0], 256], [starts[1]! + 104, 24]]);
  });

  it('of equal ranges, the lowest address', () => {
    const { arena, starts } = withFree([128, 128]);
    expect(at(arena.alloc(100)!)).toBe(starts[0]);
    expect(arena._freeRanges()).toEqual([[starts[0]! + 104, 24], [starts[1], 128]]);
  });

  it('an exact fit takes the whole range, wherever it is in the list', () => {
    const { arena, starts } = withFree([128, 104, 256]);
    expect(at(arena.alloc(100)!)).toBe(starts[1]);
    expect(arena._freeRanges()).toEqual([[starts[0], 128], [starts[2], 256]]);
    const last = withFree([256, 104]);
    expect(at(last.arena.alloc(100)!)).toBe(last.starts[1]);
    expect(last.arena._freeRanges()).toEqual([[last.starts[0], 256]]);
  });

  it('a block no range holds comes from the top, the ranges untouched', () => {
    const { arena, starts } = withFree([64, 128]);
    const top = arena.used;
    expect(at(arena.alloc(200)!)).toBe(top);
    expect(arena.used).toBe(top + 208);
    expect(arena._freeRanges()).toEqual([[starts[0], 64], [starts[1], 128]]);
  });

  it('a freed block merges with the range before it, after it, or both, and the list stays in address order', () => {
    const arena = new Arena(64);
    const [a, b, c, d, e, f, g] = blocks(arena, 64, 72, 80, 88, 96, 104, 64);
    arena._free(e!);
    arena._free(b!);
    expect(arena._freeRanges()).toEqual([[at(b!), 72], [at(e!), 96]]);
    arena._free(c!); // after b's range: merges backward
    expect(arena._freeRanges()).toEqual([[at(b!), 152], [at(e!), 96]]);
    arena._free(f!); // after e's range
    expect(arena._freeRanges()).toEqual([[at(b!), 152], [at(e!), 200]]);
    arena._free(a!); // before b's range, at the front of the list: merges forward
    expect(arena._freeRanges()).toEqual([[at(a!), 216], [at(e!), 200]]);
    arena._free(d!); // between the two: one range
    expect(arena._freeRanges()).toEqual([[at(a!), 504]]);
    arena._free(g!);
    expect(arena._freeRanges()).toEqual([]);
    expect(arena.used).toBe(ARENA_SCRATCH);
  });

  it('a freed block before a range merges forward, and one between two ranges that touch neither stays apart', () => {
    const arena = new Arena(64);
    const [a, b, c, d, e, f, g] = blocks(arena, 64, 64, 64, 64, 64, 64, 64);
    arena._free(b!);
    arena._free(f!);
    arena._free(d!); // touches neither: inserted between them
    expect(arena._freeRanges()).toEqual([[at(b!), 64], [at(d!), 64], [at(f!), 64]]);
    arena._free(e!); // between d and f: merges with both
    expect(arena._freeRanges()).toEqual([[at(b!), 64], [at(d!), 192]]);
    arena._free(a!); // before b, at index 0: merges forward only
    expect(arena._freeRanges()).toEqual([[at(a!), 128], [at(d!), 192]]);
    arena._free(c!);
    expect(arena._freeRanges()).toEqual([[at(a!), 384]]);
    arena._free(g!);
    expect(arena.used).toBe(ARENA_SCRATCH);
  });

  it('refuses to free what it did not hand out, or twice', () => {
    const arena = new Arena(64);
    const v = arena.alloc(100)!;
    arena._free(v);
    expect(() => arena._free(v)).toThrow(new Error('Arena._free: not a live block of this arena'));
    expect(() => arena._free(new Arena(16).alloc(4)!)).toThrow(new Error('Arena._free: not a live block of this arena'));
  });
});

describe('growth and the ceiling', () => {
  const pages = (arena: Arena): number => arena.memory.buffer.byteLength / PAGE;

  it('does not grow for a block that ends at the end of the memory; grows by half again for one past it, or by what a larger block needs', () => {
    const arena = new Arena(64);
    expect(pages(arena)).toBe(16);
    arena.alloc(INITIAL - ARENA_SCRATCH);
    expect(arena.used).toBe(INITIAL);
    expect(pages(arena)).toBe(16);
    arena.alloc(1);
    expect(pages(arena)).toBe(24);
    expect(arena.view().length).toBe(24 * PAGE_FLOATS);
    arena.alloc(491_520); // ends 23 pages past the 24: more than half again
    expect(arena.used).toBe(INITIAL + 64 + 491_520);
    expect(pages(arena)).toBe(47);
    expect(arena.view().length).toBe(47 * PAGE_FLOATS);
  });

  it('grows no further than its ceiling, and a block may end exactly at it', () => {
    const arena = new Arena(17);
    arena.alloc(INITIAL - ARENA_SCRATCH);
    const last = arena.alloc(PAGE_FLOATS)!; // ends at 17 pages exactly
    expect(last).toBeDefined();
    expect(at(last) + PAGE_FLOATS).toBe(17 * PAGE_FLOATS);
    expect(pages(arena)).toBe(17);
    expect(arena.alloc(1)).toBeUndefined();
    expect(arena.used).toBe(17 * PAGE_FLOATS);
    expect(pages(arena)).toBe(17);
    const capped = new Arena(20);
    capped.alloc(INITIAL - ARENA_SCRATCH);
    expect(capped.alloc(1)).toBeDefined();
    expect(pages(capped)).toBe(20); // half again would be 24
  });

  it('a block past the ceiling, or one the memory will not grow for, is refused and changes nothing', () => {
    const arena = new Arena(32);
    const a = arena.alloc(100)!;
    a.fill(2);
    expect(arena.alloc(32 * PAGE_FLOATS)).toBeUndefined();
    expect(arena.used).toBe(ARENA_SCRATCH + 104);
    expect(pages(arena)).toBe(16);
    Object.defineProperty(arena.memory, 'grow', { value: () => { throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'); } });
    expect(arena.alloc(INITIAL)).toBeUndefined();
    expect(arena.used).toBe(ARENA_SCRATCH + 104);
    expect(arena.highWater).toBe(ARENA_SCRATCH + 104);
    expect(at(arena.alloc(1000)!)).toBe(ARENA_SCRATCH + 104); // what fits still fits
    expect(a.every((v) => v === 2)).toBe(true);
  });
});

describe('which arrays are resident', () => {
  it('views of its memory, whichever buffer object they were made from; not JS arrays, other shared buffers or other arenas', () => {
    const arena = new Arena(64);
    const other = new Arena(64);
    const a = arena.alloc(10)!;
    expect(arena.has(a)).toBe(true);
    expect(arena.has(a.subarray(2))).toBe(true);
    expect(arena.has(arena.view())).toBe(true);
    expect(arena.has(new Float32Array(4))).toBe(false);
    expect(arena.has(new Float32Array(new SharedArrayBuffer(16)))).toBe(false);
    expect(arena.has(other.alloc(10)!)).toBe(false);
    expect(other.has(a)).toBe(false);
    // Grown behind its back: the new buffer object is recognised, and the whole-memory view renewed.
    arena.memory.grow(1);
    const fresh = new Float32Array(arena.memory.buffer, 0, 4);
    expect(arena.view().length).toBe(INITIAL);
    expect(arena.has(fresh)).toBe(true);
    expect(arena.view().length).toBe(INITIAL + PAGE_FLOATS);
    expect(arena.has(a)).toBe(true);
    // Another memory's growth gives this one a new buffer object of the same size: recognised too.
    other.memory.grow(1);
    expect(arena.has(new Float32Array(arena.memory.buffer, 0, 4))).toBe(true);
    expect(arena.view().length).toBe(INITIAL + PAGE_FLOATS);
  });

  it('keepAlive ties a view to its owner and hands the view back', () => {
    const owner = new Float32Array(4), view = owner.subarray(1);
    expect(keepAlive(view, owner)).toBe(view);
    expect(keepAlive(owner, owner)).toBe(owner);
  });
});
