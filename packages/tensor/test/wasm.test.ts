import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { Generator, getBackend, getNumThreads, getNumThreadsReady, kernels, makeResident, randn, manualSeed, tensor, setBackend, setKernels, setNumThreads, wasmAvailable, wasmRelaxedSimd, F, nn, type Backend, type Kernels } from '@tensile/tensor';
import { createWasmKernels } from '../src/kernels/wasm.js';
import { buildBytes } from '../src/kernels/wasm/module.js';
import { expectArraysEqual } from './helpers/arrays.js';
import { kernelSet } from './helpers/kernels.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const initial = getBackend() as Backend;
afterEach(() => setBackend(initial));


describe('the WebAssembly module', () => {
  it('is available in this runtime and is the default backend', () => {
    expect(wasmAvailable()).toBe(true);
    expect(initial).toBe('wasm');
  });

  it('is what scripts/build-wasm.mjs assembles from kernels.wat (the committed build is fresh)', () => {
    // Fails if kernels.wat was edited without running `npm run build` (or the script) again.
    execFileSync(process.execPath, [join(pkg, 'scripts', 'build-wasm.mjs'), '--check'], { stdio: 'pipe' });
  });

  // Browsers once refused synchronous compiles of modules over 4 KiB on a page's main thread.
  // Chromium no longer does (measured: a 1 MiB module compiles synchronously in Chromium 156)
  // and Firefox never did; the playground's in-page self-test imports the engine on a page's
  // main thread and asserts the wasm backend in both. The budget keeps the bundle small: 8 KiB
  // until issue 25's GELU kernel (8507 bytes); 16 KiB with its LayerNorm, BatchNorm and SiLU
  // kernels (12333 bytes), since nn and F became tree-shakable (the first program's bundle fell
  // from 99 to 62 KiB gzip) and gzip stores the four builds nearly as one (measured: 5.4 KiB
  // gzip for the four base64 strings, 4.9 for one). 20 KiB with log (16428 bytes; the first
  // program's bundle stays within its own gzip budget, packaging.test.ts). 17399 bytes with one
  // loop per transcendental op and its element helpers inlined (scripts/wat-inline.mjs; exp4,
  // erf4 and log4 stay calls: inlined they gave 10-15% for 2.3 KB, exp4 alone 5.4 KB); the bundle
  // carries that build once and the three others as splices of it (four base64 copies took
  // 10.5 KB gzip, one 9.4). 24 KiB (6 December 2026, session 10): 18465 bytes before, 21335
  // with softmax's backward (each row's sum a row ahead), LSTM's cell each way, and softmax's
  // forward on float32 exponentials (exp4's body copied into the row-sum loop, two vectors an
  // iteration: 5.6 -> 5.0 ms for log-softmax over [700, 2000]; f64x2 expd before, 10.4).
  // 30 KiB (the same session): 27700 bytes with exp, sigmoid and tanh four vectors an iteration,
  // their exp4 bodies interleaved (scripts/wat-inline.mjs), and LSTM's four gate exponentials
  // the same way: the kernels alone 2.5 -> 1.3 (exp), 3.0 -> 1.6 (sigmoid), 4.7 -> 2.2-2.7 ns
  // (tanh) an element, 80 -> 51 µs a 20 x 200 cell; one call per vector waited on each exp4's
  // chain of dependent operations. 29548 bytes with two GELUs an iteration, forward and back (erf4's
  // body inlined, its separate function gone): 6.7 -> 5.8 and 8.6 -> 8.0 ns an element.
  // 32 KiB (session 11): 31732 bytes with exp4's body inlined into erf's e^(-a²) and the GELU
  // backward's e^(-x²/2), so the two GELUs an iteration interleave their exponentials too: the
  // kernels 6.0 -> 4.0 (forward) and 8.1 -> 4.1 ns an element (backward), the same bits.
  // 34 KiB (the same session): 32890 bytes with LeakyReLU each way (relu's ops 2 and 3),
  // im2col's row stride and the stride-2 im2col2 and col2im2 (a DCGAN iteration 362 -> 244 ms
  // of CPU with the grouped convolution products; BENCHMARKS.md).
  it('each build stays under 34 KiB (it ships inside every bundle as base64)', () => {
    const src = readFileSync(join(pkg, 'src', 'kernels', 'wasm', 'kernels.gen.ts'), 'utf8');
    const names = [...src.matchAll(/export const (\w+)/g)].map((m) => m[1]);
    expect(names).toEqual(['wasmBase64', 'wasmSharedSplice', 'wasmRelaxedSplice', 'wasmRelaxedSharedSplice']);
    const plain = buildBytes('plain');
    for (const which of ['plain', 'shared', 'relaxed', 'relaxedShared'] as const) {
      const bytes = buildBytes(which);
      expect(bytes.subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d])); // a module header
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes.length).toBeLessThan(34 * 1024);
      if (which !== 'relaxed' && which !== 'relaxedShared') expect(WebAssembly.validate(bytes)).toBe(true);
      if (which !== 'plain') expect(bytes).not.toEqual(plain);
    }
    // The splices are small: the bundle carries the plain build once.
    const splices = src.slice(src.indexOf('export const wasmSharedSplice'));
    expect(splices.length).toBeLessThan(4096);
  });

  it('the shared builds import their memory; the relaxed ones use relaxed SIMD in gemm only', () => {
    const instance = (b: Uint8Array<ArrayBuffer>, imports: Record<string, Record<string, WebAssembly.Memory>>) => new WebAssembly.Instance(new WebAssembly.Module(b), imports).exports as Record<string, unknown>;
    const own = instance(buildBytes('plain'), {});
    expect(() => instance(buildBytes('shared'), {})).toThrow(); // it needs its memory
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const shared = instance(buildBytes('shared'), { env: { memory } });
    expect(shared.memory).toBe(memory);
    expect(Object.keys(shared)).toEqual(Object.keys(own));
    // Node 20 validates relaxed SIMD only behind a flag: the relaxed builds differ from the plain ones by gemm's eight multiply-adds.
    const diff = (a: Uint8Array, b: Uint8Array) => a.length - b.length;
    expect(diff(buildBytes('plain'), buildBytes('relaxed'))).toBe(8 * 3);
    expect(diff(buildBytes('shared'), buildBytes('relaxedShared'))).toBe(8 * 3);
  });
});

describe('setBackend', () => {
  it('switches between the js and wasm kernel sets', () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(kernels().name).toBe('js');
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
  });

  it.each([['gpu'], [''], ['WASM']])('rejects %j naming the argument and leaves the backend alone', (name) => {
    setBackend('js');
    expect(() => setBackend(name as Backend)).toThrow(`setBackend: unknown backend ${JSON.stringify(name)}; expected 'js' or 'wasm'`);
    expect(getBackend()).toBe('js');
  });

  it('reports a custom kernel set installed with setKernels by its name', () => {
    setKernels({ ...kernels(), name: 'instrumented' });
    expect(getBackend()).toBe('instrumented');
  });
});

describe('ASGD update: wasm is bit-identical to js', () => {
  const js = kernelSet('js'), wasm = kernelSet('wasm');
  const gen = new Generator(3);
  const rand = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (gen.uniform() * 2 - 1) * scale);
  const f32 = Math.fround;
  // decay and wd are float32 values; eta and mu doubles (mu also as a float32 value, which takes
  // the kernel's f32 multiply), the sign of eta carries maximize.
  const cases: [string, number, number, number, number][] = [
    ['no averaging', f32(1 - 1e-4 * 0.01), -0.01, 1, 0],
    ['averaging, mu a double', f32(1 - 1e-4 * 0.013), -0.013, 1 / 3, 0],
    ['averaging, mu a float32', f32(1 - 1e-4 * 0.013), -0.013, f32(1 / 3), 0],
    ['weight decay', f32(1 - 1e-4 * 0.02), -0.02, 1, f32(0.1)],
    ['weight decay + averaging', f32(1 - 0.5 * 0.7), -0.7, 0.123456789, f32(0.05)],
    ['maximize (signs flipped) + averaging', f32(1 - 1e-4 * 0.01), 0.01, f32(0.25), -f32(0.3)],
    ['eta a float32 value (tensor lr)', f32(0.999), -f32(0.01), f32(0.5), 0],
    ['huge and tiny eta', f32(1 - 1e-30), -1e30, 1e-20, f32(1e-3)],
  ];
  // Around the vector width and the module's 32768-float staging chunk. TENSILE_KERNEL_TEST_MAX_N
  // (default: every size) caps them where Stryker mutates the JS row, which computes each element
  // alike at any length (stryker/vitest.tensor-kernels.config.ts).
  // (read through globalThis: this file also runs in the playground's in-page self-test, where there is no process)
  const maxN = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['TENSILE_KERNEL_TEST_MAX_N'] ?? Infinity);
  const sizes = [0, 1, 3, 4, 5, 7, 64, 1001, 8193, 32767, 32768, 32769, 70003].filter((n) => n <= maxN);
  for (const [label, decay, negEta, mu, wd] of cases) {
    it(`${label}, sizes ${sizes.join(', ')}, at odd offsets`, () => {
      for (const n of sizes) {
        const p = rand(n + 5, 3), g = rand(n + 7), ax = rand(n + 2);
        g[0] = 0; p[1] = -0; // zeros and signs go through too
        const p2 = p.slice(), ax2 = ax.slice();
        js.asgd(p, 5, g, 7, ax, 2, n, decay, negEta, mu, wd);
        wasm.asgd(p2, 5, g, 7, ax2, 2, n, decay, negEta, mu, wd);
        expectArraysEqual(new Uint32Array(p2.buffer), new Uint32Array(p.buffer));
        expectArraysEqual(new Uint32Array(ax2.buffer), new Uint32Array(ax.buffer));
      }
    });
  }

  it('never writes the gradient (the weight decay pass works on the staged copy)', () => {
    for (const backend of [js, wasm]) {
      const n = 70003, p = rand(n, 3), g = rand(n), ax = rand(n), g0 = g.slice();
      backend.asgd(p, 0, g, 0, ax, 0, n, f32(0.999), -0.01, 0.5, f32(0.1));
      expectArraysEqual(new Uint32Array(g.buffer), new Uint32Array(g0.buffer));
    }
  });

  it('propagates non-finite values the same way', () => {
    const p = Float32Array.of(Infinity, -Infinity, 1, 2, 3, 4, 5, 6), g = Float32Array.of(1, 1, Infinity, -Infinity, 0, 0, 1e38, -1e38);
    const ax = new Float32Array(8);
    const p2 = p.slice(), ax2 = ax.slice();
    js.asgd(p, 0, g, 0, ax, 0, 8, f32(0.99), -1e10, 0.5, 0);
    wasm.asgd(p2, 0, g, 0, ax2, 0, 8, f32(0.99), -1e10, 0.5, 0);
    expect(Array.from(p2)).toEqual(Array.from(p));
    expect(Array.from(ax2)).toEqual(Array.from(ax));
  });
});

describe('element-wise add/sub/mul/div: wasm is bit-identical to js', () => {
  const js = kernelSet('js'), wasm = kernelSet('wasm');
  const gen = new Generator(4);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => (gen.uniform() * 2 - 1) * 10 ** Math.floor(gen.uniform() * 8 - 4));
  const sizes = [4095, 4096, 4097, 32767, 32768 * 2 + 3, 70001];
  for (const kind of ['add', 'sub', 'mul', 'div'] as const) {
    for (const alpha of kind === 'add' || kind === 'sub' ? [1, -0.01, 0.1, 3.3333333] : [1]) {
      it(`${kind}${alpha !== 1 ? ` with alpha ${alpha}` : ''}, sizes ${sizes.join(', ')}`, () => {
        for (const n of sizes) {
          const a = rand(n + 1), b = rand(n + 2);
          b[5] = 0; a[6] = -0; a[7] = Infinity; b[8] = NaN; // division by zero, signed zeros, non-finite
          const o1 = new Float32Array(n + 3), o2 = new Float32Array(n + 3);
          js.binary(kind, a, 1, [1], b, 2, [1], [n], o1, 3, alpha);
          wasm.binary(kind, a, 1, [1], b, 2, [1], [n], o2, 3, alpha);
          // NaN payloads may differ between engines; every other value must match bit for bit.
          for (let i = 0; i < o1.length; i++) if (Number.isNaN(o1[i])) { o1[i] = NaN; o2[i] = Number.isNaN(o2[i]) ? NaN : o2[i]!; }
          expectArraysEqual(new Uint32Array(o2.buffer), new Uint32Array(o1.buffer));
        }
      });
    }
  }

  it('in place (out is a), as the SGD step uses it', () => {
    const a = rand(10000), b = rand(10000), a2 = a.slice();
    js.binary('add', a, 0, [1], b, 0, [1], [10000], a, 0, -0.01);
    wasm.binary('add', a2, 0, [1], b, 0, [1], [10000], a2, 0, -0.01);
    expectArraysEqual(new Uint32Array(a2.buffer), new Uint32Array(a.buffer));
  });

  // A row broadcast over rows (a bias) runs in the module when the row is a multiple of 4 floats.
  const rowCases: [string, number[], number[]][] = [
    ['[64, 256] op [256]', [64, 256], [0, 1]],
    ['[9, 4096] op [4096] (8 rows per chunk, then one)', [9, 4096], [0, 1]],
    ['[3, 32768] op [32768] (one row per chunk)', [3, 32768], [0, 1]],
    ['[5, 20000] op [20000] (one row per chunk, part of it empty)', [5, 20000], [0, 1]],
    ['[5, 7, 128] op [1, 1, 128] (leading dims of the row broadcast)', [5, 7, 128], [0, 0, 1]],
    ['[9000, 4] op [4] (many short rows over two chunks)', [9000, 4], [0, 1]],
    ['[70, 258] op [258] (row not a multiple of 4: the JS loop)', [70, 258], [0, 1]],
  ];
  for (const [label, shape, bStrides] of rowCases) {
    it(`${label}: every op, with and without alpha, the same bits`, () => {
      const n = shape.reduce((a, b) => a * b, 1), row = shape[shape.length - 1]!;
      const aStrides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
      for (const [kind, alpha] of [['add', 1], ['add', -0.3], ['sub', 1], ['sub', 2.5], ['mul', 1], ['div', 1]] as const) {
        const a = rand(n + 1), b = rand(row + 2);
        b[1] = 0; a[3] = -0;
        const o1 = new Float32Array(n + 3), o2 = new Float32Array(n + 3);
        js.binary(kind, a, 1, aStrides, b, 2, bStrides, shape, o1, 3, alpha);
        wasm.binary(kind, a, 1, aStrides, b, 2, bStrides, shape, o2, 3, alpha);
        expectArraysEqual(new Uint32Array(o2.buffer), new Uint32Array(o1.buffer));
      }
    });
  }

  // One value broadcast over a contiguous operand, on either side (g.mul_(coef), 1 - x), runs in
  // the module: sizes around the chunk and the four-float groups, odd offsets, special values.
  const scalarCases: [string, number[], number[]][] = [['[n]', [0], [1]], ['[n/4, 4] with strides [0, 0]', [0, 0], [4, 1]]];
  for (const [label, zeros, dense] of scalarCases) {
    it(`a scalar on either side, ${label}: every op, with and without alpha, the same bits`, { timeout: 30_000 }, () => {
      for (const n of [4096, 4099, 2 * 32768 + 5]) {
        const shape = dense.length === 1 ? [n] : [Math.ceil(n / 4), 4];
        const m = shape.reduce((x, y) => x * y, 1);
        for (const [kind, alpha] of [['add', 1], ['add', -0.3], ['sub', 1], ['sub', 2.5], ['mul', 1], ['div', 1]] as const) {
          for (const scalarSide of ['a', 'b'] as const) {
            for (const v of [0.37, -0, Infinity, 3e-39]) {
              const t = rand(m + 1), s = Float32Array.of(9, v);
              t[2] = 0; t[3] = -0; t[4] = NaN;
              const run = (k: typeof js): Float32Array => {
                const o = new Float32Array(m + 3);
                if (scalarSide === 'b') k.binary(kind, t, 1, dense, s, 1, zeros, shape, o, 3, alpha);
                else k.binary(kind, s, 1, zeros, t, 1, dense, shape, o, 3, alpha);
                for (let i = 0; i < o.length; i++) if (Number.isNaN(o[i])) o[i] = NaN; // payloads are not portable
                return o;
              };
              expectArraysEqual(new Uint32Array(run(wasm).buffer), new Uint32Array(run(js).buffer), `${kind} ${alpha} ${scalarSide} ${v} n=${m}`);
            }
          }
        }
      }
    });
  }

  it('a scalar in place on a resident tensor (an optimizer\'s buf.mul_(momentum)), and through the ops', () => {
    manualSeed(11);
    const x = randn([50000]);
    const ref = x.toFloat32Array();
    const want = new Float32Array(ref.length);
    js.binary('mul', ref, 0, [1], Float32Array.of(0.9), 0, [0], [ref.length], want, 0, 1);
    const buf = x.clone();
    expect(makeResident(buf)).toBe(true);
    buf.mul_(0.9);
    expectArraysEqual(buf.toFloat32Array(), want);
    const ops = (): Float32Array[] => [x.mul(0.9), x.sub(2), tensor(1).sub(x), tensor(3).div(x), x.add(tensor(7), 0.5)].map((t) => t.toFloat32Array());
    setBackend('js');
    const viaJs = ops();
    setBackend('wasm');
    ops().forEach((r, k) => expectArraysEqual(r, viaJs[k]!, `op ${k}`));
  });

  it('a linear layer with a bias gives the same bits on both backends (its bias add is a row broadcast)', () => {
    manualSeed(9);
    const layer = new nn.Linear(100, 64), x = randn([50, 100]);
    setBackend('js');
    const z = layer.forward(x).toFloat32Array();
    setBackend('wasm');
    const w = layer.forward(x).toFloat32Array();
    // The products agree to float32 summation order; the bias add itself is exact in both.
    for (let i = 0; i < z.length; i++) expect(Math.abs(w[i]! - z[i]!)).toBeLessThan(1e-4);
  });

  it('2-d contiguous and broadcast operands give the same values (broadcasts take the JS loop)', () => {
    manualSeed(2);
    const x = randn([100, 100]), y = randn([100, 100]), r = randn([100]);
    setBackend('js');
    const ref = [x.add(y), x.mul(r), x.sub(y.t())].map((t) => t.toFloat32Array());
    setBackend('wasm');
    const got = [x.add(y), x.mul(r), x.sub(y.t())].map((t) => t.toFloat32Array());
    for (let k = 0; k < ref.length; k++) expectArraysEqual(got[k]!, ref[k]!, `op ${k}`);
  });
});

describe('sums over a dim: wasm is bit-identical to js', () => {
  const js = kernelSet('js'), wasm = kernelSet('wasm');
  const gen = new Generator(6);
  const shapes: [number, number, number][] = [[1, 64, 256], [3, 100, 12], [2, 2000, 8], [1, 4096, 4], [4, 33, 260], [2, 5000, 3], [1, 1, 8192]];
  it.each(shapes)('[pre %i, D %i, post %i]', (pre, D, post) => {
    const x = Float32Array.from({ length: pre * D * post + 3 }, () => (gen.uniform() - 0.5) * 10 ** Math.floor(gen.uniform() * 6 - 3));
    const o1 = new Float32Array(pre * post), o2 = new Float32Array(pre * post);
    js.reduceDim('sum', x, 3, pre, D, post, o1);
    wasm.reduceDim('sum', x, 3, pre, D, post, o2);
    expectArraysEqual(new Uint32Array(o2.buffer), new Uint32Array(o1.buffer));
  });

  it('through the ops: a bias gradient and a mean', () => {
    manualSeed(3);
    const g = randn([64, 256]), t = randn([8, 300, 16]);
    setBackend('js');
    const ref = [g.sum(0), t.mean(1), t.sum(0)].map((r) => r.toFloat32Array());
    setBackend('wasm');
    const got = [g.sum(0), t.mean(1), t.sum(0)].map((r) => r.toFloat32Array());
    for (let i = 0; i < ref.length; i++) expectArraysEqual(new Uint32Array(got[i]!.buffer), new Uint32Array(ref[i]!.buffer));
  });
});

// The default wasm build (relaxed SIMD where the runtime has it) and the plain build.
const wasmBuilds: [string, Kernels][] = [['default build', kernelSet('wasm')], ['plain build', createWasmKernels({ relaxed: false })!]];

describe.each(wasmBuilds)('matmul: wasm (%s) agrees with js within float32 summation order', (_, build) => {
  const useWasm = (): void => setKernels(build);
  // K below 4 and not a multiple of 4 exercise the transposing packs' float-at-a-time tails;
  // [64, 256, 784] is the MLP's first layer (a row-major A and a transposed weight as B).
  const shapes: [number, number, number][] = [[1, 1, 1], [2, 3, 4], [7, 9, 11], [8, 8, 8], [9, 8, 9], [64, 10, 256], [65, 257, 300], [130, 17, 513], [3, 1000, 2], [12, 24, 3], [16, 16, 6], [64, 256, 784], [5, 40, 1030]];
  it.each(shapes)('%i x %i @ ... (M x N, K = %i), contiguous and through transposed views', (M, N, K) => {
    manualSeed(M * 1000 + N);
    const a = randn([M, K]), b = randn([K, N]), at = randn([K, M]), bt = randn([N, K]);
    for (const [x, y] of [[a, b], [at.t(), b], [a, bt.t()], [at.t(), bt.t()]] as const) {
      setBackend('js');
      const ref = x.matmul(y).toFloat32Array();
      useWasm();
      const got = x.matmul(y).toFloat32Array();
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThanOrEqual(2e-6 * K * (1 + Math.abs(ref[i]!)));
    }
  });

  it('batched matmul with a broadcast batch dim', () => {
    manualSeed(1);
    const a = randn([3, 1, 20, 30]), b = randn([4, 30, 12]);
    setBackend('js');
    const ref = a.matmul(b).toFloat32Array();
    useWasm();
    const got = a.matmul(b);
    expect(got.shape).toEqual([3, 4, 20, 12]);
    const g = got.toFloat32Array();
    for (let i = 0; i < ref.length; i++) expect(Math.abs(g[i]! - ref[i]!)).toBeLessThan(1e-4);
  });

  it('a CNN forward and backward (conv2d runs through matmul) agree across backends', () => {
    const run = (backend: 'js' | 'wasm-build'): number[] => {
      if (backend === 'js') setBackend('js');
      else useWasm();
      manualSeed(5);
      const model = new nn.Sequential(new nn.Conv2d(1, 4, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 12 * 12, 10));
      const x = randn([8, 1, 28, 28]), y = randn([8, 10]).argmax(1);
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      return [loss.item(), ...model.parameters().flatMap((p) => Array.from(p.grad!.toFloat32Array().subarray(0, 20)))];
    };
    const ref = run('js'), got = run('wasm-build');
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[i]!)));
  });
});

describe('the relaxed-SIMD build (fused multiply-adds in gemm)', () => {
  it('is taken where the runtime validates it, and agrees with js to float32 summation order', { timeout: 60_000 }, async () => {
    // Node 20 has relaxed SIMD behind a flag: run a bundle in a child process with it (newer
    // runtimes take the relaxed build by default, and the tests above already cover it).
    const dir = mkdtempSync(join(tmpdir(), 'tensile-relaxed-'));
    try {
      const outfile = join(dir, 'out.mjs');
      await build({
        stdin: {
          contents: `
            import { manualSeed, randn, setBackend, setNumThreads, wasmRelaxedSimd } from '@tensile/tensor';
            let worst = 0;
            for (const [M, N, K] of [[64, 256, 784], [65, 257, 300], [7, 9, 11], [130, 17, 513]]) {
              manualSeed(M + N + K);
              const a = randn([M, K]), b = randn([K, N]), bt = randn([N, K]);
              for (const y of [b, bt.t()]) {
                setBackend('js');
                const ref = a.matmul(y).toFloat32Array();
                setBackend('wasm');
                const got = a.matmul(y).toFloat32Array();
                for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (K * (1 + Math.abs(ref[i]))));
              }
            }
            // Threads run the relaxed build on the shared memory: the same bits as one thread.
            manualSeed(4);
            const p = randn([300, 280]), q = randn([280, 330]);
            const one = p.matmul(q).toFloat32Array();
            setNumThreads(2);
            const until = Date.now() + 300;
            while (Date.now() < until) { /* let the worker start */ }
            const two = p.matmul(q).toFloat32Array();
            setNumThreads(1);
            const sameBits = one.every((v, i) => Object.is(v, two[i]));
            console.log(JSON.stringify({ relaxed: wasmRelaxedSimd(), worst, sameBits }));`,
          resolveDir: fileURLToPath(new URL('.', import.meta.url)),
          loader: 'ts',
        },
        bundle: true, format: 'esm', platform: 'node', conditions: ['@tensile/source'], outfile, logLevel: 'silent',
      });
      const flags = wasmRelaxedSimd() ? [] : ['--experimental-wasm-relaxed-simd'];
      const out = JSON.parse(execFileSync(process.execPath, [...flags, outfile], { encoding: 'utf8' }).trim()) as { relaxed: boolean; worst: number; sameBits: boolean };
      expect(out.relaxed).toBe(true);
      expect(out.sameBits).toBe(true);
      expect(out.worst).toBeLessThanOrEqual(2e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can be declined: createWasmKernels({ relaxed: false }) gives the plain build', () => {
    expect(createWasmKernels({ relaxed: false })!.relaxed).toBe(false);
  });
});

describe('setNumThreads: large matmuls on worker threads', () => {
  afterEach(() => setNumThreads(1));

  it('gives bit-identical products on 1 and 2 threads (each thread owns whole columns)', () => {
    manualSeed(9);
    const a = randn([300, 280]), b = randn([280, 330]), bt = randn([330, 280]);
    // 301 rows: a partial 4-row tile in every column range; 40 x 2000: a short, wide product
    const odd = randn([301, 280]), short = randn([40, 600]), wide = randn([600, 2000]);
    const products = (): Float32Array[] => [a.matmul(b), a.matmul(bt.t()), odd.matmul(b), short.matmul(wide)].map((t) => t.toFloat32Array());
    const one = products();
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    const until = Date.now() + 300;
    while (Date.now() < until) { /* let the worker start: until then this thread does all the work */ }
    const two = products();
    for (let i = 0; i < one.length; i++) expectArraysEqual(new Uint32Array(two[i]!.buffer), new Uint32Array(one[i]!.buffer));
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });

  it('gives bit-identical linear layers (forward and both gradients) on 1 and 2 threads, below and above the size that splits', () => {
    // 64x32x48 and 1024x128x32 stay on one thread (the fused path on any count); the others (16M
    // multiply-adds or more) split their output columns over both threads in the shared instance:
    // widths that are and are not whole 8-column panels, with and without a bias.
    for (const [rows, I, O, bias] of [[64, 32, 48, true], [1024, 128, 32, true], [256, 784, 128, true], [600, 260, 109, true], [601, 218, 130, false], [1024, 128, 512, true]] as const) {
      manualSeed(rows + I + O);
      const x = randn([rows, I]), w = randn([O, I]), b = randn([O]), g = randn([rows, O]);
      const run = (): Uint32Array[] => {
        const [xr, wr, br] = [x, w, b].map((t) => t.detach().requiresGrad_());
        const y = F.linear(xr!, wr!, bias ? br! : undefined);
        y.backward(g);
        return [y, xr!.grad!, wr!.grad!, ...(bias ? [br!.grad!] : [])].map((t) => new Uint32Array(t.toFloat32Array().buffer));
      };
      const one = run();
      setNumThreads(2);
      const until = Date.now() + 2000;
      while (getNumThreadsReady() < 2 && Date.now() < until) { /* let the worker start */ }
      expect(getNumThreadsReady()).toBe(2);
      const two = run();
      setNumThreads(1);
      expect(two.length).toBe(one.length);
      for (let k = 0; k < one.length; k++) expectArraysEqual(two[k]!, one[k]!);
    }
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [65]])('rejects %s naming the function and the value', (n) => {
    expect(() => setNumThreads(n)).toThrow(`setNumThreads: expected an integer from 1 to 64, got ${n}`);
    expect(getNumThreads()).toBe(1);
  });

  it('idle workers do not keep a process alive', async () => {
    const { build } = await import('esbuild');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tensile-threads-'));
    writeFileSync(join(dir, 'main.ts'), [
      "import { setNumThreads, getNumThreads, randn } from '@tensile/tensor';",
      'setNumThreads(2);',
      'randn([400, 400]).matmul(randn([400, 400]));',
      "console.log('threads', getNumThreads());",
    ].join('\n'));
    await build({ entryPoints: [join(dir, 'main.ts')], bundle: true, platform: 'node', format: 'esm', alias: { '@tensile/tensor': join(pkg, 'src', 'index.ts') }, outfile: join(dir, 'main.mjs'), logLevel: 'error' });
    const out = execFileSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(out.trim()).toBe('threads 2');
  });
});
