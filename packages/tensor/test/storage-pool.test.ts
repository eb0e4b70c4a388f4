/**
 * Storage memory reused from collected tensors (storage-pool.ts): on by default outside Node,
 * turned on here. The collector is run for real (--expose-gc, then a few tasks for the
 * finalizers), so the cache's fill and reuse paths both run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F, full, manualSeed, nn, randn, tensor, zeros, type Tensor } from '@tensile/tensor';
import { IDLE_MS, MAX_PENDING_BYTES, MIN_BYTES, setStorageReuse, storageCacheSize } from '../src/storage-pool.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Collects, then lets the finalizers run (they run between tasks). */
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
  }
}

let was: boolean | undefined;
beforeAll(() => {
  was = setStorageReuse(true);
});
afterAll(() => setStorageReuse(was!));

const N = 4096; // floats: 16 KiB, past MIN_BYTES

/** An empty cache, after what earlier tests dropped has been collected. */
async function emptyCache(): Promise<void> {
  await collect();
  setStorageReuse(false);
  setStorageReuse(true);
}

describe('storage memory of collected tensors is reused', () => {
  it('is off by default in Node (whose allocator reuses freed memory itself)', () => {
    expect(was).toBe(false);
  });

  it('a collected tensor\'s buffer is cached, and the next storage of that byte length takes it, zero-filled', async () => {
    await emptyCache();
    (() => {
      for (let i = 0; i < 4; i++) full([N], 7);
    })();
    await collect();
    const cached = storageCacheSize();
    expect(cached.buffers).toBeGreaterThanOrEqual(4);
    expect(cached.bytes).toBe(cached.buffers * N * 4);
    const served = cached.reused;
    const z = zeros([N]), e = full([N], -1).mul(0); // zeros(), full() and an op's output (empty())
    expect(storageCacheSize().buffers).toBe(cached.buffers - 3);
    expect(storageCacheSize().bytes).toBe((cached.buffers - 3) * N * 4);
    expect(storageCacheSize().reused).toBe(served + 3);
    expect(Array.from(z.storage.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(Array.from(e.storage.data as Float32Array).every((v) => Object.is(v, 0) || Object.is(v, -0))).toBe(true);
  });

  it('an array kept from t.storage.data keeps its buffer out of the cache; nothing new is laid over it', async () => {
    await emptyCache();
    let kept: Float32Array | null = null;
    (() => {
      const t = full([N], 5);
      kept = t.storage.data as Float32Array;
      for (let i = 0; i < 3; i++) full([N], 6); // dropped: cached
    })();
    await collect();
    const fresh: Tensor[] = [];
    for (let i = 0; i < 8; i++) fresh.push(full([N], 9));
    expect(fresh.every((x) => (x.storage.data as Float32Array).buffer !== kept!.buffer)).toBe(true);
    expect(Array.from(kept!).every((v) => v === 5)).toBe(true);
  });

  it('small storages, arrays given to callers and transferred buffers never enter the cache', async () => {
    await emptyCache();
    const pending = storageCacheSize().pending;
    (() => {
      for (let i = 0; i < 8; i++) full([MIN_BYTES / 4 - 1], 1); // below MIN_BYTES: not even registered
    })();
    expect(storageCacheSize().pending).toBe(pending);
    (() => {
      const t = full([N], 2);
      for (let i = 0; i < 4; i++) t.toFloat32Array(); // the caller's arrays: plain allocations
      const moved = full([N], 3);
      const buf = (moved.storage.data as Float32Array).buffer as ArrayBuffer;
      structuredClone(buf, { transfer: [buf] });
    })();
    await collect();
    // Only `t` (full([N], 2)) is cached: the transferred buffer is empty, the rest were never registered.
    expect(storageCacheSize()).toMatchObject({ buffers: 1, bytes: N * 4 });
  });

  it('a loop that never yields keeps at most MAX_PENDING_BYTES of dead arrays for the registry; past it, arrays are plain', async () => {
    await emptyCache();
    const M = 1 << 20; // 4 MiB each
    (() => {
      for (let i = 0; i < 2 * (MAX_PENDING_BYTES / (4 * M)); i++) {
        full([M], i);
        expect(storageCacheSize().pending).toBeLessThanOrEqual(MAX_PENDING_BYTES);
      }
    })();
    expect(storageCacheSize().pending).toBe(MAX_PENDING_BYTES); // exactly full: 32 of the 64 were registered
    await collect();
    expect(storageCacheSize().pending).toBe(0);
    expect(storageCacheSize().bytes).toBe(MAX_PENDING_BYTES); // the registered ones, now cached
  });

  it('a cache nothing is taken from for IDLE_MS is emptied (training stopped); one in use is kept', async () => {
    await emptyCache();
    (() => {
      for (let i = 0; i < 4; i++) full([N], 1);
    })();
    await collect();
    expect(storageCacheSize().buffers).toBe(4);
    // In use: a storage taken from it within each period keeps it.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, IDLE_MS / 2));
      full([N], 2); // takes one, dropped at once
      await collect(); // and gives it back
      expect(storageCacheSize().buffers).toBe(4);
    }
    await new Promise((r) => setTimeout(r, 2 * IDLE_MS + 100));
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
    // Filled again after a trim, it is trimmed again.
    (() => {
      full([N], 3);
    })();
    await collect();
    expect(storageCacheSize().buffers).toBe(1);
    await new Promise((r) => setTimeout(r, IDLE_MS + 100));
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
  }, 20_000);

  it('arrays of exactly MIN_BYTES are cached; the cache holds at most maxCachedBytes; turning reuse on again keeps it', async () => {
    await emptyCache();
    (() => {
      full([MIN_BYTES / 4], 1);
    })();
    await collect();
    expect(storageCacheSize()).toMatchObject({ buffers: 1, bytes: MIN_BYTES });
    setStorageReuse(true); // already on: nothing emptied
    expect(storageCacheSize()).toMatchObject({ buffers: 1, bytes: MIN_BYTES });
    await collect();
    setStorageReuse(false);
    setStorageReuse(true, { maxCachedBytes: 3 * N * 4 });
    (() => {
      for (let i = 0; i < 5; i++) full([N], i);
    })();
    await collect();
    expect(storageCacheSize()).toMatchObject({ buffers: 3, bytes: 3 * N * 4 });
    setStorageReuse(false);
    setStorageReuse(true);
  });

  it('while off, storages are plain arrays: nothing registered, nothing cached', async () => {
    await emptyCache();
    setStorageReuse(false);
    const before = storageCacheSize().pending;
    (() => {
      for (let i = 0; i < 4; i++) full([N], i);
    })();
    expect(storageCacheSize().pending).toBe(before);
    await collect();
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
    setStorageReuse(true);
  });

  it('turning reuse off empties the cache', async () => {
    (() => {
      full([N], 1);
    })();
    await collect();
    expect(storageCacheSize().buffers).toBeGreaterThan(0);
    setStorageReuse(false);
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
    setStorageReuse(true);
  });

  it('training gives the same bits with reuse on and off (steps yielding between them, so buffers are reused)', async () => {
    const train = async (): Promise<Uint32Array> => {
      manualSeed(1);
      const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
      const x = randn([32, 64]), y = tensor(new Int32Array(32).map((_, i) => i % 10));
      for (let s = 0; s < 12; s++) {
        for (const p of model.parameters()) p.grad = null;
        F.crossEntropy(model.forward(x) as Tensor, y.long()).backward();
        for (const p of model.parameters()) p.data.sub_(p.grad!.mul(0.1));
        await collect();
      }
      return new Uint32Array(Float32Array.from(model.parameters().flatMap((p) => Array.from(p.toFloat32Array()))).buffer);
    };
    setStorageReuse(false);
    const off = await train();
    setStorageReuse(true);
    const before = storageCacheSize().reused;
    const on = await train();
    expect(on).toEqual(off);
    expect(storageCacheSize().reused - before).toBeGreaterThan(50); // the steps ran on reused memory
  });
});
