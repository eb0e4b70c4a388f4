/**
 * Resident tensors (`makeResident`): storage in the WebAssembly kernels' shared memory, updated
 * in place by the kernels. What must hold: values, views and versions are unchanged by the move;
 * a resident tensor read after the memory has grown is still right; the in-place kernels give
 * the same bits on resident operands as on JS arrays; the arena does not grow step after step.
 */
import { describe, expect, it } from 'vitest';
import { Generator, getBackend, isResident, kernels, makeResident, noGrad, randn, setBackend, tensor, zeros, type Backend } from '@tensile/tensor';
import { Arena, existingArena, residentArena, sizeClass } from '../src/kernels/wasm/arena.js';
import { expectArraysEqual } from './helpers/arrays.js';

const gen = new Generator(5);
const randoms = (n: number): Float32Array => Float32Array.from({ length: n }, () => (gen.uniform() * 2 - 1) * 10 ** Math.floor(gen.uniform() * 6 - 3));
const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);

describe('makeResident', () => {
  it('moves the storage into the shared memory with its values, shape, views and version', () => {
    const t = tensor(randoms(5000), { shape: [50, 100] });
    const view = t.narrow(0, 10, 5);
    t.add_(1);
    const before = t.toFloat32Array(), version = t.storage.version;
    expect(isResident(t)).toBe(false);
    expect(makeResident(t)).toBe(true);
    expect(isResident(t) && isResident(view)).toBe(true);
    expect((t.storage.data as Float32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expectArraysEqual(t.toFloat32Array(), before);
    expectArraysEqual(view.toFloat32Array(), before.subarray(1000, 1500));
    expect(t.storage.version).toBe(version);
    expect(t.shape).toEqual([50, 100]);
    expect(makeResident(t)).toBe(true); // again: nothing to do
  });

  it('rejects what is not a tensor, naming the argument', () => {
    expect(() => makeResident([1, 2] as never)).toThrow(/^makeResident: tensor must be a Tensor/);
    expect(() => isResident(null as never)).toThrow(/^isResident: tensor must be a Tensor/);
  });

  it('a resident tensor read after the memory has grown by 512 MiB is still right, and kernels still update it', () => {
    const a = tensor(randoms(100_003));
    makeResident(a);
    const want = a.toFloat32Array();
    const arena = residentArena()!;
    const before = arena.memory.buffer.byteLength;
    const big = zeros([128 * 1024 * 1024]); // 512 MiB
    expect(makeResident(big)).toBe(true);
    expect(arena.memory.buffer.byteLength).toBeGreaterThan(before);
    expectArraysEqual(a.toFloat32Array(), want); // the view taken before the growth
    expect((a.storage.data as Float32Array).length).toBe(100_003);
    (big.storage.data as Float32Array)[big.numel() - 1] = 7;
    expect((big.storage.data as Float32Array)[big.numel() - 1]).toBe(7);
    noGrad(() => a.mul_(2));
    expectArraysEqual(a.toFloat32Array(), want.map((v) => v * 2));
  }, 30_000);

  it('past its ceiling an arena refuses (the caller keeps JS storage) and what it holds stays right', () => {
    const arena = new Arena(64); // 4 MiB
    const owner = {};
    const a = arena.alloc(300_000, owner)!;
    a.fill(1.5);
    expect(arena.alloc(800_000, owner)).toBeUndefined(); // 4.4 MiB more: past the ceiling
    expect(a.every((v) => v === 1.5)).toBe(true);
    const b = arena.alloc(400_000, owner)!; // still fits
    expect(b.length).toBe(400_000);
    expect(arena.has(a) && arena.has(b) && !arena.has(new Float32Array(4))).toBe(true);
  });

  it('size classes: multiples of 4 floats, at most 12.5% over, eight per doubling', () => {
    for (const n of [0, 1, 64, 65, 100, 4096, 4097, 5000, 1e6, 1e6 + 1, 123_456_789]) {
      const s = sizeClass(n);
      expect(s % 4).toBe(0);
      expect(s).toBeGreaterThanOrEqual(n);
      if (n > 64) expect(s).toBeLessThanOrEqual(n * 1.125 + 4);
    }
  });
});

describe('in-place kernels on resident operands give the staged path\'s bits', () => {
  const initial = getBackend() as Backend;
  const wasm = kernels();

  it.each([4096, 4099, 32768 + 17, 100_001])('ASGD, %i elements: every mode (weight decay, averaging, float32 mu)', (n) => {
    for (const [decay, negEta, mu, wd] of [[Math.fround(0.9999), -0.01, 1, 0], [Math.fround(0.99), -0.1, 0.5, 0], [Math.fround(0.99), -0.1, 0.3, 1e-3], [1, -0.05, 1, 0.01]] as const) {
      const p0 = randoms(n), g = randoms(n), ax0 = randoms(n);
      // reference: JS arrays through the same (wasm) kernel set, staged
      const p1 = p0.slice(), ax1 = ax0.slice();
      wasm.asgd(p1, 0, g, 0, ax1, 0, n, decay, negEta, mu, wd);
      const pt = tensor(p0), at = tensor(ax0);
      makeResident(pt);
      makeResident(at);
      wasm.asgd((pt.storage.data as Float32Array), 0, g, 0, (at.storage.data as Float32Array), 0, n, decay, negEta, mu, wd);
      expectArraysEqual(bits((pt.storage.data as Float32Array)), bits(p1), 'p');
      expectArraysEqual(bits((at.storage.data as Float32Array)), bits(ax1), 'ax');
      setBackend('js');
      const p2 = p0.slice(), ax2 = ax0.slice();
      kernels().asgd(p2, 0, g, 0, ax2, 0, n, decay, negEta, mu, wd);
      setBackend(initial);
      expectArraysEqual(bits(p2), bits(p1), 'JS kernel');
    }
  });

  it.each(['add', 'sub', 'mul', 'div'] as const)('%s in place (out = a resident, b resident or not)', (kind) => {
    const n = 50_001;
    const a0 = randoms(n), b = randoms(n);
    for (const alpha of kind === 'add' || kind === 'sub' ? [1, -0.01] : [1]) {
      for (const bResident of [false, true]) {
        const ref = a0.slice();
        wasm.binary(kind, ref, 0, [1], b, 0, [1], [n], ref, 0, alpha);
        const at = tensor(a0), bt = tensor(b);
        makeResident(at);
        if (bResident) makeResident(bt);
        const d = (at.storage.data as Float32Array);
        wasm.binary(kind, d, 0, [1], (bt.storage.data as Float32Array), 0, [1], [n], d, 0, alpha);
        expectArraysEqual(bits(d), bits(ref), `alpha ${alpha}, b resident ${bResident}`);
      }
    }
  });

  it('operands that overlap out a few elements apart are staged as on JS arrays: the same result', () => {
    const n = 40_000, shift = 3;
    const base = randoms(n + shift);
    for (const [aAt, bAt] of [[shift, 0], [0, shift]] as const) {
      // out = a = [aAt, aAt + n), b = [bAt, bAt + n) of one buffer: b overlaps out, shifted
      const ref = base.slice();
      wasm.binary('add', ref, aAt, [1], ref, bAt, [1], [n], ref, aAt, 1);
      const t = tensor(base);
      makeResident(t);
      const d = (t.storage.data as Float32Array);
      wasm.binary('add', d, aAt, [1], d, bAt, [1], [n], d, aAt, 1);
      expectArraysEqual(bits(d), bits(ref), `a at ${aAt}, b at ${bAt}`);
    }
  });

  it('a training loop does not grow the arena after its first steps', () => {
    const w = randn([64, 128]), b = zeros([64]), ax = zeros([64, 128]);
    [w, b, ax].forEach((t) => makeResident(t));
    const arena = existingArena()!;
    const step = () => noGrad(() => {
      const g = randn([64, 128]);
      wasm.asgd((w.storage.data as Float32Array), 0, (g.storage.data as Float32Array), 0, (ax.storage.data as Float32Array), 0, w.numel(), Math.fround(0.999), -0.01, 0.5, 0);
      w.add_(g, -0.001);
    });
    for (let i = 0; i < 5; i++) step();
    const used = arena.used;
    for (let i = 0; i < 2000; i++) step();
    expect(arena.used).toBe(used);
  });
});
