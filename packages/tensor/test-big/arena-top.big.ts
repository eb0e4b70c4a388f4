/**
 * `npm run test:big`: the resident arena filled to its 4 GiB ceiling (about 4 GiB of memory, so
 * not part of `npm test`). A block ending at byte 2^32 once made a kernel's `p + n * 4` wrap to
 * 0 (an SGD step updated 4 of 8192 elements); the arena now ends every block at least a page
 * below, and the kernels on the topmost block give the JS backend's bits.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, kernels, makeResident, noGrad, setBackend, tensor, type Backend } from '@tensile/tensor';
import { residentArena } from '../src/kernels/wasm/arena.js';
import { MAX_BYTES } from '../src/kernels/wasm/module.js';

const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);
const randoms = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
};

describe('the topmost resident block', () => {
  it('ends a page below 4 GiB, and SGD, ASGD and mul_ on it give the JS backend\'s bits', () => {
    const arena = residentArena()!;
    const n = 8192; // a size class of its own
    const fill: Float32Array[] = [];
    // Powers of two are size classes: fill to exactly n floats below the ceiling.
    let room = MAX_BYTES / 4 - arena.used - n;
    for (let p = 2 ** 29; p >= 64; p /= 2) {
      while (room >= p) {
        fill.push(arena.alloc(p)!);
        room -= p;
      }
    }
    expect(room).toBe(0);
    const p0 = randoms(n, 1), g = randoms(n, 2), ax0 = randoms(n, 3);
    const w = tensor(p0), ax = tensor(ax0);
    expect(makeResident(w)).toBe(true);
    const d = (w.storage.data as Float32Array);
    expect(d.byteOffset + d.byteLength).toBe(MAX_BYTES);
    expect(arena.alloc(64)).toBeUndefined(); // nothing past it
    expect(makeResident(ax)).toBe(false); // ax stays in JS memory

    const initial = getBackend() as Backend;
    const run = (p: Float32Array, a: Float32Array): void => {
      const pt = tensor(p), gt = tensor(g);
      noGrad(() => pt.add_(gt, -0.01).mul_(0.999));
      p.set(pt.toFloat32Array());
      kernels().asgd(p, 0, g, 0, a, 0, n, Math.fround(0.9999), -0.01, 0.5, 1e-4);
    };
    // On the top block (resident, wasm) ...
    noGrad(() => w.add_(tensor(g), -0.01).mul_(0.999));
    kernels().asgd(d, 0, g, 0, (ax.storage.data as Float32Array), 0, n, Math.fround(0.9999), -0.01, 0.5, 1e-4);
    // ... and on JS arrays with the JS kernels.
    setBackend('js');
    const pj = p0.slice(), aj = ax0.slice();
    try {
      run(pj, aj);
    } finally {
      setBackend(initial);
    }
    expect(bits(d)).toEqual(bits(pj));
    expect(bits(ax.storage.data)).toEqual(bits(aj));
    expect(fill.length).toBeGreaterThan(0);
  }, 120_000);
});
