/**
 * The `nn` kernels of the WebAssembly set (convolution, max pooling, relu) against the JS
 * reference kernels and against float64 sums written out here from the definitions. Max
 * pooling and relu give the same bits; the convolution's products agree to float32 summation
 * order (as matmul does), and are exact where every partial sum is (small integers).
 * No Node-only API: the browser self-test runs this file in a page too.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, grad, manualSeed, randn, tensor, type ConvGeometry, type Kernels, type Tensor } from '@tensile/tensor';
import { kernelSet } from './helpers/kernels.js';
import { expectArraysEqual } from './helpers/arrays.js';

const js = kernelSet('js'), wasm = kernelSet('wasm');

type Geo = [N: number, C: number, H: number, W: number, O: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number];
const geometry = ([N, C, H, W, O, kh, kw, sh, sw, ph, pw]: Geo): ConvGeometry => ({
  N, C, H, W, O, kh, kw, sh, sw, ph, pw, Ho: Math.floor((H + 2 * ph - kh) / sh) + 1, Wo: Math.floor((W + 2 * pw - kw) / sw) + 1,
});

const geometries: [string, Geo][] = [
  ['LeNet conv1: 1 -> 6, 5x5 on 28x28', [3, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0]],
  ['LeNet conv2: 6 -> 16, 5x5 on 12x12', [2, 6, 12, 12, 16, 5, 5, 1, 1, 0, 0]],
  ['3x3 padding 1, width 7 (runs of 4 and a tail)', [2, 3, 7, 7, 5, 3, 3, 1, 1, 1, 1]],
  ['5x5 padding 2 on 6x9 (padding on both sides of each run)', [1, 2, 6, 9, 3, 5, 5, 1, 1, 2, 2]],
  ['stride 2 padding 1 (the one-float path)', [2, 3, 9, 8, 4, 3, 3, 2, 2, 1, 1]],
  ['stride [2, 1], padding [0, 1], kernel [2, 3]', [2, 2, 7, 10, 3, 2, 3, 2, 1, 0, 1]],
  ['1x1 kernel, 9 outputs', [2, 4, 5, 5, 9, 1, 1, 1, 1, 0, 0]],
  ['width 3 (narrower than one v128)', [2, 2, 4, 3, 2, 2, 2, 1, 1, 0, 0]],
  ['kernel as large as the padded input (one output)', [2, 3, 4, 4, 2, 6, 6, 1, 1, 1, 1]],
  ['channels 20, kernel 3, 16x16 (weight rows past one gemm k-block of 256)', [1, 20, 16, 16, 7, 4, 4, 1, 1, 1, 1]],
  ['a 70x80 image, 5600 outputs per channel (products in column blocks of 4096)', [2, 2, 70, 80, 3, 3, 3, 1, 1, 1, 1]],
  ['16x16 outputs, 6 samples (products over 4 samples side by side, then the last 2)', [6, 3, 16, 16, 5, 3, 3, 1, 1, 1, 1]],
  ['4x4 outputs at stride 2, 70 samples (64 a product, then 6)', [70, 4, 8, 8, 6, 4, 4, 2, 2, 1, 1]],
  ['DCGAN 4x4 stride 2 padding 1 on 16x16 (8 outputs a row: im2col2, two groups of four)', [3, 4, 16, 16, 8, 4, 4, 2, 2, 1, 1]],
  ['4x4 stride 2 padding 1 on 20x19 (9 outputs a row: a group of four, then one by one)', [2, 3, 20, 19, 4, 4, 4, 2, 2, 1, 1]],
  ['3x3 strides [1, 2] on 9x17 (8 outputs a row, no padding)', [2, 2, 9, 17, 3, 3, 3, 1, 2, 0, 0]],
  ['5x5 stride 2 padding 2 on 21x21 (11 outputs a row, two padded columns each side)', [2, 2, 21, 21, 3, 5, 5, 2, 2, 2, 2]],
];

const gen = new Generator(11);
const randoms = (n: number): Float32Array => Float32Array.from({ length: n }, () => gen.uniform() * 2 - 1);
const integers = (n: number, span: number): Float32Array => Float32Array.from({ length: n }, () => Math.floor(gen.uniform() * (2 * span + 1)) - span);

/** The convolution and its gradients in float64 straight from the definition, and the absolute sums bounding their rounding. */
function reference(g: ConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array, gy: Float32Array) {
  const { N, C, H, W, O, kh, kw, sh, sw, ph, pw, Ho, Wo } = g, R = C * kh * kw;
  const y = new Float64Array(N * O * Ho * Wo), ya = new Float64Array(y.length);
  const dx = new Float64Array(N * C * H * W), dxa = new Float64Array(dx.length);
  const dw = new Float64Array(O * R), dwa = new Float64Array(dw.length);
  const db = new Float64Array(O), dba = new Float64Array(O);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    const yi = ((n * O + o) * Ho + oy) * Wo + ox, gv = gy[yi]!;
    y[yi] = b[o]!;
    ya[yi] = Math.abs(b[o]!);
    db[o]! += gv;
    dba[o]! += Math.abs(gv);
    for (let c = 0; c < C; c++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      const xi = ((n * C + c) * H + iy) * W + ix, wi = o * R + (c * kh + ky) * kw + kx;
      y[yi]! += w[wi]! * x[xi]!;
      ya[yi]! += Math.abs(w[wi]! * x[xi]!);
      dx[xi]! += w[wi]! * gv;
      dxa[xi]! += Math.abs(w[wi]! * gv);
      dw[wi]! += gv * x[xi]!;
      dwa[wi]! += Math.abs(gv * x[xi]!);
    }
  }
  return { y: [y, ya], dx: [dx, dxa], dw: [dw, dwa], db: [db, dba] } as const;
}

/** |got - exact| within float32 rounding of a sum of `terms` terms whose absolute values add to `abs`. */
function expectClose(label: string, got: Float32Array, [exact, abs]: readonly [Float64Array, Float64Array], terms: number): void {
  expect(got.length, label).toBe(exact.length);
  let worst = 0, at = -1;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - exact[i]!) / ((terms + 2) * 2 ** -24 * abs[i]! + 1e-30);
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `${label}: element ${at} is ${got[at]} but the float64 sum is ${exact[at]}`).toBeLessThanOrEqual(1);
}

describe('conv2d and its backward: both kernel sets against the float64 definition', () => {
  it.each(geometries)('%s', (_label, geo) => {
    const g = geometry(geo), { N, C, H, W, O, kh, kw, Ho, Wo } = g, R = C * kh * kw, L = Ho * Wo;
    // Offsets into larger arrays: the kernels must honour them.
    const x = randoms(N * C * H * W + 3), w = randoms(O * R + 1), b = randoms(O + 2), gy = randoms(N * O * L + 5);
    const ref = reference(g, x.subarray(3), w.subarray(1), b.subarray(2), gy.subarray(5));
    for (const [name, k] of [['js', js], ['wasm', wasm]] as const) {
      const y = new Float32Array(N * O * L);
      k.conv2d(x, 3, w, 1, b, 2, g, y);
      expectClose(`${name} forward`, y, ref.y, R + 1);
      const dx = new Float32Array(N * C * H * W).fill(7), dw = new Float32Array(O * R).fill(7), db = new Float32Array(O).fill(7);
      k.conv2dBackward(x, 3, w, 1, gy, 5, g, dx, dw, db);
      expectClose(`${name} dx`, dx, ref.dx, O * kh * kw);
      expectClose(`${name} dw`, dw, ref.dw, N * L);
      expectClose(`${name} db`, db, ref.db, N * L);
    }
  });

  it.each(geometries)('%s: exact on small integers, the same bits from both sets', (_label, geo) => {
    const g = geometry(geo), { N, C, H, W, O, kh, kw, Ho, Wo } = g, R = C * kh * kw, L = Ho * Wo;
    const x = integers(N * C * H * W, 3), w = integers(O * R, 2), b = integers(O, 5), gy = integers(N * O * L, 2);
    const out = (k: Kernels) => {
      const y = new Float32Array(N * O * L), dx = new Float32Array(N * C * H * W), dw = new Float32Array(O * R), db = new Float32Array(O);
      k.conv2d(x, 0, w, 0, b, 0, g, y);
      k.conv2dBackward(x, 0, w, 0, gy, 0, g, dx, dw, db);
      return [y, dx, dw, db];
    };
    const a = out(js), c = out(wasm), ref = reference(g, x, w, b, gy);
    [ref.y, ref.dx, ref.dw, ref.db].forEach(([exact], i) => {
      expectArraysEqual(a[i]!, Float32Array.from(exact), `js output ${i}`);
      expectArraysEqual(c[i]!, a[i]!, `wasm output ${i}`);
    });
  });

  it('computes only the gradients asked for, and no bias when there is none', () => {
    const g = geometry([2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1]);
    const x = integers(2 * 3 * 64, 3), w = integers(4 * 27, 2), gy = integers(2 * 4 * 64, 2);
    for (const k of [js, wasm]) {
      const y = new Float32Array(2 * 4 * 64);
      k.conv2d(x, 0, w, 0, null, 0, g, y);
      const ref = reference(g, x, w, new Float32Array(4), gy);
      expectArraysEqual(y, Float32Array.from(ref.y[0]), `${k.name} forward without bias`);
      const dw = new Float32Array(4 * 27);
      k.conv2dBackward(x, 0, w, 0, gy, 0, g, null, dw, null);
      expectArraysEqual(dw, Float32Array.from(ref.dw[0]), `${k.name} dw alone`);
      const dx = new Float32Array(2 * 3 * 64);
      k.conv2dBackward(x, 0, w, 0, gy, 0, g, dx, null, null);
      expectArraysEqual(dx, Float32Array.from(ref.dx[0]), `${k.name} dx alone`);
    }
  });
});

describe('conv2d through the op', () => {
  it('the recorded backward (createGraph, composed from differentiable ops) gives the fused kernel\'s gradients', () => {
    manualSeed(21);
    const x = randn([3, 4, 9, 10]).requiresGrad_(), w = randn([5, 4, 3, 3]).requiresGrad_(), b = randn([5]).requiresGrad_();
    const up = randn([3, 5, 5, 10]);
    const loss = () => F.conv2d(x, w, b, { stride: [2, 1], padding: 1 }).mul(up).sum();
    const fused = grad(loss(), [x, w, b]), recorded = grad(loss(), [x, w, b], { createGraph: true });
    fused.forEach((f, i) => {
      const a = f!.toFloat32Array(), r = recorded[i]!.toFloat32Array();
      for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - r[j]!), `input ${i} element ${j}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(r[j]!)));
    });
  });
});

describe('maxPool2d: wasm gives the JS kernel\'s values and indices', () => {
  const pools: [string, number[]][] = [
    ['2x2 stride 2, 24x24 (four windows per step)', [3, 6, 24, 24, 2, 2, 2, 2, 0, 0]],
    ['2x2 stride 2, 8x8', [2, 16, 8, 8, 2, 2, 2, 2, 0, 0]],
    ['2x2 stride 2, odd size 9x11 (last row and column dropped)', [2, 3, 9, 11, 2, 2, 2, 2, 0, 0]],
    ['2x2 stride 2, 12x12 (Wo 6: a group of four, then the last four again)', [2, 2, 12, 12, 2, 2, 2, 2, 0, 0]],
    ['2x2 stride 2, 28x10 (Wo 5)', [2, 3, 28, 10, 2, 2, 2, 2, 0, 0]],
    ['2x2 stride 2, 6x6 (Wo 3: the general kernel)', [2, 3, 6, 6, 2, 2, 2, 2, 0, 0]],
    ['3x3 stride 2 padding 1', [2, 3, 8, 8, 3, 3, 2, 2, 1, 1]],
    ['3x2 stride 1 padding [1, 0]', [1, 2, 5, 6, 3, 2, 1, 1, 1, 0]],
    ['many planes (more than one chunk)', [40, 30, 16, 16, 2, 2, 2, 2, 0, 0]],
    ['3x3 stride 2 padding 1, many planes (the general kernel, more than one chunk)', [40, 30, 16, 16, 3, 3, 2, 2, 1, 1]],
  ];
  it.each(pools)('%s, with ties, NaN, -Infinity and -0', (_label, [N, C, H, W, kh, kw, sh, sw, ph, pw]) => {
    const n = N! * C! * H! * W!;
    const x = Float32Array.from({ length: n + 1 }, () => Math.round(gen.uniform() * 6) / 2 - 1.5); // ties are common
    for (let i = 1; i < n; i += 37) x[i] = NaN;
    for (let i = 5; i < n; i += 29) x[i] = -Infinity;
    for (let i = 9; i < n; i += 31) x[i] = -0;
    const Ho = Math.floor((H! + 2 * ph! - kh!) / sh!) + 1, Wo = Math.floor((W! + 2 * pw! - kw!) / sw!) + 1, m = N! * C! * Ho * Wo;
    const run = (k: Kernels) => {
      const out = new Float32Array(m), idx = new Int32Array(m);
      k.maxPool2d(x, 1, N!, C!, H!, W!, kh!, kw!, sh!, sw!, ph!, pw!, out, idx);
      return { out, idx };
    };
    const a = run(js), b = run(wasm);
    expectArraysEqual(b.idx, a.idx, 'indices');
    for (let i = 0; i < m; i++) if (Number.isNaN(a.out[i])) b.out[i] = Number.isNaN(b.out[i]) ? NaN : b.out[i]!;
    expectArraysEqual(new Uint32Array(b.out.buffer), new Uint32Array(Float32Array.from(a.out, (v) => (Number.isNaN(v) ? NaN : v)).buffer), 'values');
  });

  it('an all -Infinity window keeps its first index, and a NaN after a maximum wins', () => {
    // windows: (-inf -inf / -inf -inf), (1 5 / 5 0), (3 NaN / 9 1), (2 2 / 2 2)
    const x = Float32Array.of(-Infinity, -Infinity, 1, 5, 3, NaN, 2, 2, -Infinity, -Infinity, 5, 0, 9, 1, 2, 2);
    for (const k of [js, wasm]) {
      const out = new Float32Array(4), idx = new Int32Array(4);
      k.maxPool2d(x, 0, 1, 1, 2, 8, 2, 2, 2, 2, 0, 0, out, idx);
      expect(Array.from(idx), k.name).toEqual([0, 3, 5, 6]);
      expect(Array.from(out), k.name).toEqual([-Infinity, 5, NaN, 2]);
    }
  });
});

describe('relu and its backward: wasm is bit-identical to js', () => {
  const sizes = [3, 4095, 4096, 4097, 32768 + 5, 70001];
  const special = [NaN, -0, 0, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45];
  it.each(sizes)('%i elements', (n) => {
    const x = randoms(n + 2), g = randoms(n + 1);
    special.forEach((v, i) => {
      x[2 + ((i * 7919) % n)] = v;
      g[1 + ((i * 104729) % n)] = v;
    });
    // the last element (the JS tail past whole groups of four) positive, so it passes its own values
    x[2 + n - 1] = 0.75;
    g[1 + n - 1] = 0.25;
    const f1 = new Float32Array(n + 3).fill(7), f2 = new Float32Array(n + 3).fill(7);
    js.unary('relu', x, 2, f1, 1, n);
    wasm.unary('relu', x, 2, f2, 1, n);
    expect([f2[n + 1], f2[n + 2]]).toEqual([7, 7]); // nothing written past n
    const b1 = new Float32Array(n + 2).fill(7), b2 = new Float32Array(n + 2).fill(7);
    js.reluBackward(x, 2, g, 1, b1, n);
    wasm.reluBackward(x, 2, g, 1, b2, n);
    expect([b2[n], b2[n + 1]]).toEqual([7, 7]);
    // and a negative tail element, whose gradient is 0 (read from the wrong index it passed g)
    x[2 + n - 1] = -0.75;
    const c1 = new Float32Array(n), c2 = new Float32Array(n);
    js.reluBackward(x, 2, g, 1, c1, n);
    wasm.reluBackward(x, 2, g, 1, c2, n);
    expect(c2[n - 1]).toBe(0);
    expect(c1[n - 1]).toBe(0);
    for (const [p, q] of [[f1, f2], [b1, b2]] as const) {
      for (let i = 0; i < p.length; i++) if (Number.isNaN(p[i])) { p[i] = NaN; q[i] = Number.isNaN(q[i]) ? NaN : q[i]!; }
      expectArraysEqual(new Uint32Array(q.buffer), new Uint32Array(p.buffer));
    }
  });

  it('relu(-Infinity) is 0, relu(NaN) NaN, relu(-0) +0 (PyTorch\'s clamp_min)', () => {
    const x = Float32Array.of(-Infinity, NaN, -0, 2, Infinity, -1);
    for (const k of [js, wasm]) {
      const out = new Float32Array(6);
      k.unary('relu', x, 0, out, 0, 6);
      expect(Array.from(out), k.name).toEqual([0, NaN, 0, 2, Infinity, 0]);
      expect(Object.is(out[2], 0), k.name).toBe(true);
    }
  });

  it('the backward is PyTorch\'s threshold_backward: 0 where x <= 0, the gradient elsewhere (NaN x too)', () => {
    const x = Float32Array.of(-1, 0, -0, 2, NaN, 1e-45), g = Float32Array.of(5, 5, Infinity, 5, 7, NaN);
    for (const k of [js, wasm]) {
      const out = new Float32Array(6);
      k.reluBackward(x, 0, g, 0, out, 6);
      expect(Array.from(out), k.name).toEqual([0, 0, 0, 5, 7, NaN]);
    }
  });
});

describe('LeakyReLU and its backward: wasm is bit-identical to js', () => {
  const sizes = [3, 4095, 4096, 4097, 32768 + 5, 70001];
  const special = [NaN, -0, 0, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45];
  const slopes = [0.2, 0.01, -1.5, 0, 3e30];
  it.each(sizes.flatMap((n) => slopes.map((s) => [n, s])))('%i elements, slope %f', (n, slope) => {
    const s = Math.fround(slope);
    const x = randoms(n + 2), g = randoms(n + 1);
    special.forEach((v, i) => {
      x[2 + ((i * 7919) % n)] = v;
      g[1 + ((i * 104729) % n)] = v;
    });
    const f1 = new Float32Array(n + 1).fill(7), f2 = new Float32Array(n + 1).fill(7);
    js.leakyRelu(x, 2, f1, n, s);
    wasm.leakyRelu(x, 2, f2, n, s);
    expect(f2[n]).toBe(7); // nothing written past n
    const b1 = new Float32Array(n + 1).fill(7), b2 = new Float32Array(n + 1).fill(7);
    js.leakyReluBackward(x, 2, g, 1, b1, n, s);
    wasm.leakyReluBackward(x, 2, g, 1, b2, n, s);
    expect([b1[n], b2[n]]).toEqual([7, 7]); // nothing written past n
    for (const [p, q] of [[f1, f2], [b1, b2]] as const) {
      for (let i = 0; i < p.length; i++) if (Number.isNaN(p[i])) { p[i] = NaN; q[i] = Number.isNaN(q[i]) ? NaN : q[i]!; }
      expectArraysEqual(new Uint32Array(q.buffer), new Uint32Array(p.buffer));
    }
  });

  it('x where x > 0, the float32 product x·slope elsewhere (-0 stays -0, NaN NaN); the backward g or g·slope alike', () => {
    const x = Float32Array.of(-Infinity, NaN, -0, 2, Infinity, -1, 0, 1e-45), s = Math.fround(0.1);
    const g = Float32Array.of(3, 3, 3, 3, 3, 3, 3, 3);
    for (const k of [js, wasm]) {
      const out = new Float32Array(8), dx = new Float32Array(8);
      k.leakyRelu(x, 0, out, 8, s);
      expect(Array.from(out), k.name).toEqual([-Infinity, NaN, -0, 2, Infinity, Math.fround(-1 * s), 0, Math.fround(1e-45)]);
      expect(Object.is(out[2], -0), k.name).toBe(true);
      k.leakyReluBackward(x, 0, g, 0, dx, 8, s);
      expect(Array.from(dx), k.name).toEqual([Math.fround(3 * s), Math.fround(3 * s), Math.fround(3 * s), 3, 3, Math.fround(3 * s), Math.fround(3 * s), 3]);
    }
  });
});

describe('softmax and log-softmax over the last dim: wasm agrees with js (exponentials in double) to 2 float32 ulps', () => {
  /** |a - b| in float32 ulps of b (NaN only against NaN, infinities only against themselves). */
  const ulps = (a: number, b: number): number => {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
    if (a === b) return 0;
    const ulp = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(b))) - 23));
    return Math.abs(a - b) / ulp;
  };
  const shapes: [string, number, number][] = [
    ['64 rows of 10 classes', 64, 10],
    ['128 rows of 1000', 128, 1000],
    ['3 rows of 70001 (one row per call, past a chunk)', 3, 70_001],
    ['1024 rows of 5 (odd rows: a one-float tail)', 1024, 5],
    ['2000 rows of 4', 2000, 4],
    ['100 rows of 1000 (32 rows a call: a last call of 4)', 100, 1000],
    ['5000 rows of 3 (rows under a vector: the JS kernel)', 5000, 3],
    ['4100 rows of 1 (the JS kernel)', 4100, 1],
  ];
  it.each(shapes)('%s, logits spread over 40 units, with -Infinity, NaN and constant rows', (_label, rows, D) => {
    const x = Float32Array.from({ length: rows * D + 2 }, () => (gen.uniform() - 0.5) * 80);
    x.fill(-Infinity, 2, 2 + D); // row 0: all -Infinity
    x[2 + D + 1] = NaN; // row 1 has a NaN
    if (rows > 3) x.fill(3, 2 + 2 * D, 2 + 3 * D); // row 2: constant
    for (let i = 2 + 3 * D; i < x.length; i += 97) x[i] = -Infinity;
    for (const log of [false, true]) {
      const a = new Float32Array(rows * D), b = new Float32Array(rows * D);
      js.softmax(x, 2, rows, D, 1, a, log);
      wasm.softmax(x, 2, rows, D, 1, b, log);
      // A log-softmax entry near 0 (the row's maximum: -log(1 + tiny)) carries the sum's f64
      // rounding as an absolute error, so entries within 1e-13 of each other also agree.
      let worst = 0, at = 0;
      for (let i = 0; i < a.length; i++) {
        const u = Math.abs(b[i]! - a[i]!) <= 1e-13 ? 0 : ulps(b[i]!, a[i]!);
        if (!(u <= worst)) [worst, at] = [u, i];
      }
      // The module's exponentials are float32, each within about an ulp: a result carries up to
      // one ulp of error before its rounding (log-softmax through the row's sum, e.g. a row's
      // maximum, -log(1 + Σ small terms); softmax also through its numerator).
      expect(worst, `${log ? 'log-softmax' : 'softmax'}: element ${at}: wasm ${b[at]} js ${a[at]}`).toBeLessThanOrEqual(2);
    }
  });

  it('along a middle dim (post > 1), large: the JS kernel on both sets, the same bits', () => {
    const pre = 40, D = 300, post = 3, x = Float32Array.from({ length: pre * D * post + 1 }, () => (gen.uniform() - 0.5) * 30);
    const g = Float32Array.from({ length: pre * D * post }, () => gen.uniform() - 0.5);
    for (const log of [false, true]) {
      const a = new Float32Array(pre * D * post), b = new Float32Array(pre * D * post);
      js.softmax(x, 1, pre, D, post, a, log);
      wasm.softmax(x, 1, pre, D, post, b, log);
      expectArraysEqual(new Uint32Array(b.buffer), new Uint32Array(a.buffer), `${log ? 'log-softmax' : 'softmax'} forward`);
      const da = new Float32Array(a.length), db = new Float32Array(a.length);
      js.softmaxBackward(a, 0, g, 0, pre, D, post, da, log, 1);
      wasm.softmaxBackward(a, 0, g, 0, pre, D, post, db, log, 1);
      expectArraysEqual(new Uint32Array(db.buffer), new Uint32Array(da.buffer), `${log ? 'log-softmax' : 'softmax'} backward`);
    }
  });

  it('e^x in the module: softmax of [x, 0] is 1/(1+e^-x) to float32 rounding from -110 to 110', () => {
    const xs = Float32Array.from({ length: 4401 }, (_, i) => -110 + i * 0.05);
    // rows [x, 0, -Infinity, -Infinity]
    const rows = new Float32Array(4 * xs.length).fill(-Infinity);
    xs.forEach((v, i) => { rows[4 * i] = v; rows[4 * i + 1] = 0; });
    const out = new Float32Array(rows.length);
    wasm.softmax(rows, 0, xs.length, 4, 1, out, false);
    xs.forEach((v, i) => {
      const m = Math.max(v, 0), want = Math.fround(Math.exp(v - m) / (Math.exp(v - m) + Math.exp(-m)));
      expect(ulps(out[4 * i]!, want), `x = ${v}`).toBeLessThanOrEqual(1);
    });
  });
});

describe('softmax and log-softmax backward over the last dim: the module\'s bits are the JS kernel\'s', () => {
  // Rows of D around the vector width (the module's 4-float loop and its scalar tail), the
  // chunk (32768 floats: rows split over calls, a row longer than a chunk), one row and many; the
  // first row's sum is taken alone and every later one a row ahead, so the first, a middle and
  // the last row of a call are all compared.
  const shapes: [string, number, number][] = [
    ['4096 rows of 1', 4096, 1],
    ['2049 rows of 2', 2049, 2],
    ['1500 rows of 3', 1500, 3],
    ['1024 rows of 4', 1024, 4],
    ['1000 rows of 7', 1000, 7],
    ['700 rows of 67 (several chunks, a 3-float tail)', 700, 67],
    ['9 rows of 5467 (the word model\'s vocabulary: 5 rows a chunk)', 9, 5467],
    ['2 rows of 40001 (a row longer than a chunk)', 2, 40_001],
    ['1 row of 4099', 1, 4099],
  ];
  it.each(shapes)('%s, with -Infinity, NaN and a scale', (_label, rows, D) => {
    const n = rows * D;
    const y = Float32Array.from({ length: n + 3 }, () => (gen.uniform() - 0.9) * 30);
    const g = Float32Array.from({ length: n + 5 }, () => (gen.uniform() - 0.5) * 4);
    for (let i = 3 + 7; i < y.length; i += 101) y[i] = -Infinity;
    if (n > 40) { g[5 + 17] = NaN; y[3 + 33] = NaN; }
    for (const log of [false, true]) {
      for (const scale of [1, Math.fround(0.125), Math.fround(1 / 3)]) {
        const a = new Float32Array(n).fill(7), b = new Float32Array(n).fill(7);
        js.softmaxBackward(y, 3, g, 5, rows, D, 1, a, log, scale);
        wasm.softmaxBackward(y, 3, g, 5, rows, D, 1, b, log, scale);
        expectArraysEqual(new Uint32Array(b.buffer), new Uint32Array(a.buffer), `${log ? 'log-softmax' : 'softmax'}, scale ${scale}`);
      }
    }
  });

  it('the JS kernel is the formula: each row\'s sum in double in order, then float32 operations', () => {
    const r = Math.fround, D = 5, y = Float32Array.from([-1.5, -0.25, -3, -0.75, -2, -0.5, -1, -4, -2.5, -0.125]);
    const g = Float32Array.from([0.5, -1, 0.25, 2, -0.75, 1.5, 0.125, -0.5, 3, -2]);
    for (const log of [false, true]) {
      const out = new Float32Array(10);
      js.softmaxBackward(y, 0, g, 0, 2, D, 1, out, log, 0.5);
      for (let row = 0; row < 2; row++) {
        let s = 0;
        for (let k = 0; k < D; k++) s += log ? g[row * D + k]! : r(g[row * D + k]! * y[row * D + k]!);
        const t = r(s);
        for (let k = 0; k < D; k++) {
          const i = row * D + k;
          const want = log ? r(r(g[i]! - r(r(Math.exp(y[i]!)) * t)) * 0.5) : r(r(y[i]! * r(g[i]! - t)) * 0.5);
          // e^y to a float32 ulp of Math.exp's (the set's exp is within one), hence the closeness
          expect(Math.abs(out[i]! - want), `${log ? 'log' : ''}softmax row ${row} entry ${k}`).toBeLessThanOrEqual(log ? 4e-7 : 0);
        }
      }
    }
  });
});

describe('LSTM\'s cell each way: the module\'s bits are the JS kernel\'s', () => {
  // H a multiple of 4 runs in the module (one v128 of a gate row, several, the word model's 200);
  // other H are the JS kernel's on both sets. Pre-activations span the activations' ranges
  // (saturated sigmoid and tanh included), with a NaN and infinities, at offsets.
  const shapes: [number, number][] = [[1, 4], [3, 8], [20, 200], [2, 5], [7, 12]];
  it.each(shapes)('b %i, H %i', (b, H) => {
    const bH = b * H, GH = 4 * H, at = 3, xgOff = 2, actOff = 5, dxOff = 6;
    const spread = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => (gen.uniform() - 0.5) * s);
    const hg = spread(b * GH, 12), xg = spread(xgOff + b * GH, 12), c = spread(at + bH, 6), dh = spread(bH, 2), dc0 = spread(bH, 2);
    hg[1] = NaN; xg[xgOff + GH + 2] = Infinity; hg[2 * H] = -Infinity; c[at + bH - 1] = 40; dh[bH - 1] = NaN;
    const outs = (k: Kernels): Float32Array[] => {
      const act = new Float32Array(actOff + 4 * bH).fill(9), cNext = new Float32Array(at + bH).fill(9);
      const tanhC = new Float32Array(at + bH).fill(9), h = new Float32Array(at + bH).fill(9);
      k.lstmCell(hg, xg, xgOff, c, act, actOff, cNext, tanhC, h, at, b, H);
      const dc = dc0.slice(), dx = new Float32Array(dxOff + b * GH).fill(9);
      k.lstmCellBackward(act, actOff, tanhC, c, at, dh, dc, dx, dxOff, b, H);
      return [act, cNext, tanhC, h, dc, dx];
    };
    const want = outs(js), got = outs(wasm);
    ['act', 'cNext', 'tanh(cNext)', 'h', 'dc', 'dx'].forEach((name, i) =>
      expectArraysEqual(new Uint32Array(got[i]!.buffer), new Uint32Array(want[i]!.buffer), name));
    // the JS kernel is the formulas: c' = f·c + i·g and h = o·tanh(c') at one element
    const r = Math.fround, e = bH - 1, [act, cNext, , h] = want;
    const [ig, fg, gg, og] = [0, 1, 2, 3].map((q) => act![actOff + q * bH + e]!);
    expect(cNext![at + e]).toBe(r(r(fg! * c[at + e]!) + r(ig! * gg!)));
    expect(h![at + e]).toBe(r(og! * want[2]![at + e]!));
  });

  it('a batch of 0 rows writes nothing, on both sets', () => {
    for (const k of [js, wasm]) {
      const act = new Float32Array(8).fill(9), dx = new Float32Array(8).fill(9), dc = new Float32Array(4).fill(9);
      k.lstmCell(new Float32Array(16), new Float32Array(16), 0, new Float32Array(4), act, 0, new Float32Array(4), new Float32Array(4), new Float32Array(4), 0, 0, 4);
      k.lstmCellBackward(act, 0, new Float32Array(4), new Float32Array(4), 0, new Float32Array(4), dc, dx, 0, 0, 4);
      expect([...act, ...dx, ...dc].every((v) => v === 9), k.name).toBe(true);
    }
  });
});

describe('linear and its backward: one kernel call, the bits of the set\'s own matmul, add and column sums', () => {
  const shapes: [string, number, number, number][] = [
    ['the MLP\'s first layer: 64 x 784 -> 256', 64, 784, 256],
    ['its second layer: 64 x 256 -> 10 (widths not a multiple of 8)', 64, 256, 10],
    ['one row', 1, 33, 17],
    ['4100 outputs (products in column blocks)', 5, 20, 4100],
    ['tiny (below the module\'s threshold: the set\'s kernels)', 2, 3, 4],
  ];
  it.each(shapes)('%s', (_label, rows, I, O) => {
    for (const k of [js, wasm]) {
      const x = randoms(rows * I + 1), w = randoms(O * I + 2), b = randoms(O + 3), g = randoms(rows * O + 4);
      const y = new Float32Array(rows * O), ref = new Float32Array(rows * O);
      k.linear(x, 1, w, 2, b, 3, rows, I, O, y);
      k.matmul(x, 1, 0, I, 1, w, 2, 0, 1, I, ref, 1, rows, O, I);
      k.binary('add', ref, 0, [O, 1], b, 3, [0, 1], [rows, O], ref, 0);
      expectArraysEqual(new Uint32Array(y.buffer), new Uint32Array(ref.buffer), `${k.name} forward`);
      const noBias = new Float32Array(rows * O), ref0 = new Float32Array(rows * O);
      k.linear(x, 1, w, 2, null, 0, rows, I, O, noBias);
      k.matmul(x, 1, 0, I, 1, w, 2, 0, 1, I, ref0, 1, rows, O, I);
      expectArraysEqual(new Uint32Array(noBias.buffer), new Uint32Array(ref0.buffer), `${k.name} forward without bias`);
      const dx = new Float32Array(rows * I), dw = new Float32Array(O * I), db = new Float32Array(O);
      k.linearBackward(x, 1, w, 2, g, 4, rows, I, O, dx, dw, db);
      const rdx = new Float32Array(rows * I), rdw = new Float32Array(O * I), rdb = new Float32Array(O);
      k.matmul(g, 4, 0, O, 1, w, 2, 0, I, 1, rdx, 1, rows, I, O);
      k.matmul(g, 4, 0, 1, O, x, 1, 0, I, 1, rdw, 1, O, I, rows);
      k.reduceDim('sum', g, 4, 1, rows, O, rdb);
      expectArraysEqual(new Uint32Array(dx.buffer), new Uint32Array(rdx.buffer), `${k.name} dx`);
      expectArraysEqual(new Uint32Array(dw.buffer), new Uint32Array(rdw.buffer), `${k.name} dw`);
      expectArraysEqual(new Uint32Array(db.buffer), new Uint32Array(rdb.buffer), `${k.name} db`);
      const onlyW = new Float32Array(O * I);
      k.linearBackward(x, 1, w, 2, g, 4, rows, I, O, null, onlyW, null);
      expectArraysEqual(new Uint32Array(onlyW.buffer), new Uint32Array(rdw.buffer), `${k.name} dw alone`);
    }
  });

  it('through the op: F.linear\'s gradients equal the recorded (createGraph) backward\'s', () => {
    manualSeed(5);
    const x = randn([7, 3, 20]).requiresGrad_(), w = randn([9, 20]).requiresGrad_(), b = randn([9]).requiresGrad_(), up = randn([7, 3, 9]);
    const loss = () => F.linear(x, w, b).mul(up).sum();
    const fused = grad(loss(), [x, w, b]), recorded = grad(loss(), [x, w, b], { createGraph: true });
    fused.forEach((f, i) => expectArraysEqual(f!.toFloat32Array(), recorded[i]!.toFloat32Array(), `input ${i}`));
  });
});

describe('crossEntropy: one node whose backward has the composed log-softmax + nll backward\'s bits', () => {
  const composed = (x: Tensor, t: Tensor, o: { reduction?: 'mean' | 'sum' | 'none'; ignoreIndex?: number }): Tensor =>
    F.nllLoss(F.logSoftmax(x, x.ndim === 1 ? 0 : 1), t, o);
  const cases: [string, number[], number[], { reduction?: 'mean' | 'sum' | 'none'; ignoreIndex?: number }][] = [
    ['mean', [6, 5], [0, 4, 2, 2, 1, 3], {}],
    ['sum', [6, 5], [0, 4, 2, 2, 1, 3], { reduction: 'sum' }],
    ['none', [6, 5], [0, 4, 2, 2, 1, 3], { reduction: 'none' }],
    ['mean with ignored targets', [6, 5], [0, -100, 2, -100, 1, 3], {}],
    ['none with an ignoreIndex of 2', [6, 5], [0, 4, 2, 2, 1, 3], { reduction: 'none', ignoreIndex: 2 }],
    ['every target ignored (NaN, as PyTorch)', [3, 4], [-100, -100, -100], {}],
    ['unbatched [C]', [7], [3], {}],
    ['1000 classes', [16, 1000], Array.from({ length: 16 }, (_, i) => (i * 61) % 1000), {}],
  ];
  it.each(cases)('%s', (_label, shape, targets, o) => {
    manualSeed(17);
    const x0 = randn(shape).mul(4);
    if (shape[1] === 5) x0.storage.data[3] = 40; // a confident entry
    const t = shape.length === 1 ? tensor(targets[0]!) : tensor(targets);
    const a = x0.detach().clone().requiresGrad_(), b = x0.detach().clone().requiresGrad_();
    const la = F.crossEntropy(a, t, o), lb = composed(b, t, o);
    expectArraysEqual(la.toFloat32Array(), lb.toFloat32Array(), 'loss');
    const up = o.reduction === 'none' ? randn(la.shape) : tensor(1.7);
    la.mul(up).sum().backward();
    lb.mul(up).sum().backward();
    expectArraysEqual(new Uint32Array(a.grad!.toFloat32Array().buffer), new Uint32Array(b.grad!.toFloat32Array().buffer), 'gradient');
  });
});
