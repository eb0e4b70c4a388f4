/**
 * A fixed workload over the kernels and a short ASGD training run, reduced to one hash of the
 * output bits per item. Node (the vitest process) and the page both run it; equal hashes mean
 * the browser's engine computed the same bits as Node's. The WebAssembly set used is the plain
 * SIMD build: the relaxed-SIMD build (browsers' default) fuses gemm's multiply-adds and is only
 * promised to agree to float32 summation order.
 */
import { F, Generator, kernels, manualSeed, nn, randn, randint, setBackend, setKernels, type Kernels } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
import { createWasmKernels } from '../../../../packages/tensor/src/kernels/wasm.js';

/**
 * FNV-1a over the 32-bit words of float32 data, as 8 hex digits. Every NaN counts as one
 * value: engines differ in the NaN they make (Chromium 156's Math.log1p(-2) has the sign bit
 * Node 20's lacks), and no result depends on a NaN's bits.
 */
function hash(...arrays: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const w = new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ (Number.isNaN(a[i]) ? 0x7fc00000 : w[i]!), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const UNARY = ['neg', 'exp', 'log', 'log1p', 'sqrt', 'abs', 'sign', 'relu', 'sigmoid', 'tanh', 'erf', 'gelu', 'reciprocal', 'square', 'isfinite'] as const;

function workload(k: Kernels): Record<string, string> {
  const g = new Generator(2026);
  const rand = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (g.uniform() * 2 - 1) * scale);
  const out: Record<string, string> = {};
  const n = 70001;
  for (const kind of ['add', 'sub', 'mul', 'div'] as const) {
    const a = rand(n, 5), b = rand(n, 5), o = new Float32Array(n);
    k.binary(kind, a, 0, [1], b, 0, [1], [n], o, 0, kind === 'add' ? -0.01 : 1);
    out[`binary ${kind}`] = hash(o);
  }
  const row = rand(256), m = rand(64 * 256), o = new Float32Array(64 * 256);
  k.binary('add', m, 0, [256, 1], row, 0, [0, 1], [64, 256], o, 0);
  out['bias add [64,256]+[256]'] = hash(o);
  for (const kind of UNARY) {
    const x = rand(10007, 4), y = new Float32Array(x.length);
    k.unary(kind, kind === 'log' || kind === 'sqrt' ? x.map(Math.abs) : x, 0, y, 0, x.length);
    out[`unary ${kind}`] = hash(y);
  }
  const r = rand(3 * 1000 * 17), s = new Float32Array(3 * 17);
  k.reduceDim('sum', r, 0, 3, 1000, 17, s);
  out['sum over dim [3,1000,17]'] = hash(s);
  const A = rand(64 * 784), B = rand(784 * 128), C = new Float32Array(64 * 128);
  k.matmul(A, 0, 0, 784, 1, B, 0, 0, 128, 1, C, 1, 64, 128, 784);
  out['matmul 64x784 @ 784x128'] = hash(C);
  k.matmul(A, 0, 0, 784, 1, B, 0, 0, 1, 784, C, 1, 64, 128, 784); // B read transposed (x·Wᵀ)
  out['matmul 64x784 @ (128x784)ᵀ'] = hash(C);
  const sm = new Float32Array(64 * 10), logits = rand(64 * 10, 8);
  k.softmax(logits, 0, 64, 10, 1, sm, true);
  out['log-softmax [64,10]'] = hash(sm);
  for (const [label, decay, negEta, mu, wd] of [['asgd', Math.fround(1 - 1e-4 * 0.01), -0.01, 1, 0], ['asgd averaging + wd', Math.fround(0.9993), -0.013, 1 / 3, Math.fround(0.1)]] as const) {
    const p = rand(n, 3), gr = rand(n), ax = rand(n);
    k.asgd(p, 0, gr, 0, ax, 0, n, decay, negEta, mu, wd);
    out[`${label} kernel`] = hash(p, ax);
  }
  return out;
}

/** 30 ASGD steps of a 784-64-10 MLP on random digits-shaped data; the parameters and ax. */
function training(): string {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const opt = new ASGD(model.parameters(), { lr: 0.05, t0: 10 });
  const x = randn([32, 784]), y = randint(0, 10, [32]);
  for (let i = 0; i < 30; i++) {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  }
  const ps = model.parameters();
  return hash(...ps.map((p) => p.toFloat32Array()), ...opt.withAveraged(() => ps.map((p) => p.toFloat32Array())));
}

/** Every item's hash, for the js kernels and the plain WebAssembly SIMD build. */
export function crosscheck(): Record<string, string> {
  const before = kernels();
  const out: Record<string, string> = {};
  try {
    setBackend('js');
    const wasm = createWasmKernels({ relaxed: false });
    if (!wasm) throw new Error('crosscheck: no WebAssembly SIMD in this runtime');
    for (const [set, k] of [['js', kernels()], ['wasm', wasm]] as const) {
      setKernels(k);
      for (const [item, h] of Object.entries(workload(k))) out[`${set}: ${item}`] = h;
      out[`${set}: ASGD training, 30 steps`] = training();
    }
  } finally {
    setKernels(before);
  }
  return out;
}
