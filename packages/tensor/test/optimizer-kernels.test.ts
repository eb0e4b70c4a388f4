/**
 * The optimizer kernels (`kernels().adam` for Adam/AdamW, NAdam and RAdam, `.rmsprop`, `.adagrad`, `.adadelta`, `.rprop`): the module's f32x4 lanes
 * (fused multiply-adds in f64x2 halves) against the JS kernel, bit for bit, for every option bit
 * (maximize, coupled and decoupled weight decay, both lerp forms, amsgrad; centered, momentum),
 * special values (±0, ±inf, NaN, huge and tiny), lengths around the v128 groups and the
 * 32768-float chunk, on staged arrays and on resident ones (an optimizer's, updated in place).
 * @tensile/optim checks the arithmetic itself against PyTorch's (its fixtures and references).
 */
import { describe, expect, it } from 'vitest';
import { isResident, kernels, makeResident, zeros, type AdamConstants } from '@tensile/tensor';
import { jsKernels } from '../src/kernels/js.js';

const f = Math.fround;
/**
 * The longest arrays run (default: all). The lengths past the module's 32768-float chunk test its
 * chunking; stryker/vitest.tensor-kernels.config.ts caps them when mutating the JS rows, which
 * compute each element alike at any length (instrumented, those lengths took ~20 s a mutant).
 */
const MAX_N = Number(process.env.TENSILE_KERNEL_TEST_MAX_N ?? Infinity);
const sizes = (ns: number[]): number[] => ns.filter((n) => n <= MAX_N);
const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 3e38, -3e38, 1e-38, 1e-45, 1, -1];
const fill = (n: number, seed: number, special: boolean): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (special && i % 13 === 5 ? SPECIAL[(i + seed) % SPECIAL.length]! : f(Math.sin(i * 1.37 + seed) * (1 + (i % 5)))));
/** The first index where two arrays' bits differ (any NaN equal to any NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ai = new Uint32Array(a.buffer, a.byteOffset, a.length), bi = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ai[i] !== bi[i] && !(a[i] !== a[i] && b[i] !== b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

function constants(mode: number): AdamConstants {
  const lr = 1e-3, beta1 = mode & 8 ? 0.9 : 0.2, beta2 = 0.999, t = 3, wd = mode & 6 ? 0.01 : 0;
  const w1 = f(1 - beta1);
  return { mode, wd: f(wd), decay: f(1 - lr * wd), w1, w1c: f(1 - w1), b2: f(beta2), c2: f(1 - beta2), bc2: f(Math.sqrt(1 - beta2 ** t)), eps: f(1e-8), ss: f(-lr / (1 - beta1 ** t)), c1: f(-lr * 0.05), bc1: f(1 - beta1 ** t), lr: f(lr), rect: f(0.37) };
}

const MODES = [0, 1, 2, 4, 8, 16, 1 | 2 | 8 | 16, 4 | 8 | 16, 1 | 4, 2 | 16, 32, 32 | 1 | 2, 32 | 4 | 8, 64, 64 | 128, 64 | 128 | 256, 64 | 128 | 1 | 2 | 8, 64 | 256 | 4]; // 32: NAdam's step, 64: RAdam's (128 rectified, 256 capturable order)

describe('adam kernel: module = JS, bit for bit', () => {
  for (const n of sizes([1, 3, 4, 7, 64, 65, 4097, 32768, 32771, 70001])) {
    it(`n = ${n}, every option combination, with special values`, () => {
      for (const mode of MODES) {
        const c = constants(mode), amsgrad = (mode & 16) !== 0;
        const run = (k: 'wasm' | 'js'): Float32Array[] => {
          const p = fill(n, 1, true), g = fill(n, 2, true), m = fill(n, 3, true), v = Float32Array.from(fill(n, 4, true), Math.abs), vm = Float32Array.from(fill(n, 5, true), Math.abs);
          (k === 'wasm' ? kernels() : jsKernels).adam(p, g, m, v, amsgrad ? vm : null, c);
          return [p, m, v, ...(amsgrad ? [vm] : [])];
        };
        const a = run('wasm'), b = run('js');
        a.forEach((x, i) => expect(firstDifference(x, b[i]!), `mode ${mode}, array ${i}`).toBe(-1));
      }
    });
  }

  it.skipIf(40003 > MAX_N)('resident parameter and state (updated where they are) give the staged bits, over several steps', () => {
    const n = 40003;
    for (const mode of [0, 4 | 8 | 16, 1 | 2]) {
      const c = constants(mode), amsgrad = (mode & 16) !== 0;
      const ts = [0, 1, 2, 3].map(() => { const t = zeros([n]); makeResident(t); return t; });
      const arrays = ts.map((t) => t.storage.data as Float32Array);
      const plain = [fill(n, 1, false), fill(n, 3, false), Float32Array.from(fill(n, 4, false), Math.abs), Float32Array.from(fill(n, 5, false), Math.abs)];
      plain.forEach((a, i) => arrays[i]!.set(a));
      for (let step = 0; step < 3; step++) {
        const g = fill(n, 10 + step, step === 1);
        kernels().adam(arrays[0]!, g, arrays[1]!, arrays[2]!, amsgrad ? arrays[3]! : null, c);
        jsKernels.adam(plain[0]!, g, plain[1]!, plain[2]!, amsgrad ? plain[3]! : null, c);
      }
      expect(isResident(ts[0]!)).toBe(true);
      arrays.forEach((a, i) => expect(firstDifference(a, plain[i]!), `mode ${mode}, array ${i}`).toBe(-1));
    }
  });
});

describe('rmsprop kernel: module = JS, bit for bit (staged and resident)', () => {
  const rc = (mode: number, alpha = 0.99) => ({ mode, wd: f(0.01), alpha: f(alpha), w: f(1 - alpha), wc: f(1 - f(1 - alpha)), eps: f(1e-8), momentum: f(0.9), negLr: f(-0.01) });
  for (const n of sizes([7, 4099, 32771])) {
    it(`n = ${n}, every option combination, with special values`, () => {
      for (const mode of [0, 1, 2, 8, 1 | 2]) for (const centered of [false, true]) for (const momentum of [false, true]) {
        const c = rc(mode, mode & 8 ? 0.3 : 0.99);
        const run = (k: 'wasm' | 'js'): Float32Array[] => {
          const p = fill(n, 1, true), g = fill(n, 2, true), sq = Float32Array.from(fill(n, 3, true), Math.abs), ga = fill(n, 4, true), b = fill(n, 5, true);
          (k === 'wasm' ? kernels() : jsKernels).rmsprop(p, g, sq, centered ? ga : null, momentum ? b : null, c);
          return [p, sq, ga, b];
        };
        const a = run('wasm'), b = run('js');
        a.forEach((x, i) => expect(firstDifference(x, b[i]!), `mode ${mode}, centered ${centered}, momentum ${momentum}, array ${i}`).toBe(-1));
      }
    });
  }
  it.skipIf(40003 > MAX_N)('resident arrays are updated in place with the staged bits', () => {
    const n = 40003, c = rc(2);
    const ts = [0, 1, 2, 3].map(() => { const t = zeros([n]); makeResident(t); return t; });
    const arrays = ts.map((t) => t.storage.data as Float32Array);
    const plain = [fill(n, 1, false), Float32Array.from(fill(n, 3, false), Math.abs), fill(n, 4, false), fill(n, 5, false)];
    plain.forEach((a, i) => arrays[i]!.set(a));
    for (let step = 0; step < 3; step++) {
      const g = fill(n, 10 + step, step === 1);
      kernels().rmsprop(arrays[0]!, g, arrays[1]!, arrays[2]!, arrays[3]!, c);
      jsKernels.rmsprop(plain[0]!, g, plain[1]!, plain[2]!, plain[3]!, c);
    }
    arrays.forEach((a, i) => expect(firstDifference(a, plain[i]!), `array ${i}`).toBe(-1));
  });
});

describe('adagrad kernel: module = JS, bit for bit (staged and resident)', () => {
  it('every option, lengths around the groups and the chunk, special values; resident arrays in place', () => {
    for (const n of sizes([7, 4099, 32771])) for (const mode of [0, 1, 2, 3]) {
      const run = (k: 'wasm' | 'js'): Float32Array[] => {
        const p = fill(n, 1, true), g = fill(n, 2, true), sum = Float32Array.from(fill(n, 3, true), Math.abs);
        (k === 'wasm' ? kernels() : jsKernels).adagrad(p, g, sum, mode, f(0.01), f(1e-10), f(-0.01));
        return [p, sum];
      };
      const a = run('wasm'), b = run('js');
      a.forEach((x, i) => expect(firstDifference(x, b[i]!), `n ${n}, mode ${mode}, array ${i}`).toBe(-1));
    }
    if (40003 > MAX_N) return;
    const n = 40003;
    const ts = [0, 1].map(() => { const t = zeros([n]); makeResident(t); return t; });
    const arrays = ts.map((t) => t.storage.data as Float32Array);
    const plain = [fill(n, 1, false), Float32Array.from(fill(n, 3, false), Math.abs)];
    plain.forEach((a, i) => arrays[i]!.set(a));
    for (let step = 0; step < 3; step++) {
      const g = fill(n, 10 + step, step === 1);
      kernels().adagrad(arrays[0]!, g, arrays[1]!, 2, f(0.01), f(1e-10), f(-0.01));
      jsKernels.adagrad(plain[0]!, g, plain[1]!, 2, f(0.01), f(1e-10), f(-0.01));
    }
    arrays.forEach((a, i) => expect(firstDifference(a, plain[i]!), `array ${i}`).toBe(-1));
  });
});

describe('adadelta and rprop kernels: module = JS, bit for bit (staged and resident)', () => {
  const runBoth = (n: number, step: (k: typeof jsKernels, a: Float32Array[], g: Float32Array) => void, init: () => Float32Array[], resident: boolean): void => {
    const js = init();
    const mod = init().map((a) => {
      if (!resident) return a;
      const t = zeros([a.length]);
      makeResident(t);
      const d = t.storage.data as Float32Array;
      d.set(a);
      return d;
    });
    for (let s = 0; s < 3; s++) {
      const g = fill(n, 10 + s, true);
      step(kernels(), mod, g);
      step(jsKernels, js, g);
    }
    mod.forEach((a, i) => expect(firstDifference(a, js[i]!), `array ${i}`).toBe(-1));
  };
  for (const n of sizes([7, 4099, 32771])) {
    it(`n = ${n}`, () => {
      for (const mode of [0, 1, 2, 3]) {
        runBoth(n, (k, [p, sq, acc], g) => k.adadelta(p!, g, sq!, acc!, mode, f(0.01), f(0.9), f(0.1), f(1e-6), f(-1)),
          () => [fill(n, 1, true), Float32Array.from(fill(n, 2, true), Math.abs), Float32Array.from(fill(n, 3, true), Math.abs)], n > 40000);
        runBoth(n, (k, [p, prev, ss], g) => k.rprop(p!, g, prev!, ss!, mode & 1, f(1.2), f(0.5), f(1e-6), f(50)),
          () => [fill(n, 1, true), fill(n, 4, true), Float32Array.from(fill(n, 5, true), Math.abs)], false);
      }
    });
  }
  it.skipIf(40003 > MAX_N)('resident arrays are updated in place with the staged bits', () => {
    const n = 40003;
    runBoth(n, (k, [p, sq, acc], g) => k.adadelta(p!, g, sq!, acc!, 2, f(0.01), f(0.9), f(0.1), f(1e-6), f(-1)),
      () => [fill(n, 1, false), Float32Array.from(fill(n, 2, false), Math.abs), Float32Array.from(fill(n, 3, false), Math.abs)], true);
    runBoth(n, (k, [p, prev, ss], g) => k.rprop(p!, g, prev!, ss!, 0, f(1.2), f(0.5), f(1e-6), f(50)),
      () => [fill(n, 1, false), fill(n, 4, false), Float32Array.from(fill(n, 5, false), Math.abs)], true);
  });
});
