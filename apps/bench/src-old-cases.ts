// Benchmark cases. Each runs in its own process (see run.mjs) and prints one JSON line:
// {"value": number, "unit": string, "check"?: number}. No case is part of `npm test`.
import { manualSeed, randn, randint, nn, F, noGrad, type Tensor, tensor } from '@tensile/tensor';
import { ASGD, SGD } from '@tensile/optim';

const now = (): number => performance.now();

/** Median time (ms) of `fn` over enough repetitions to fill ~`budget` ms, after warm-up. */
function time(fn: () => void, budget = 1500, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const samples: number[] = [];
  const start = now();
  while (now() - start < budget || samples.length < 5) {
    const t = now();
    fn();
    samples.push(now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function matmul(n: number): void {
  manualSeed(0);
  const a = randn([n, n]), b = randn([n, n]);
  const ms = time(() => void a.matmul(b));
  out((2 * n * n * n) / (ms * 1e6), 'GFLOP/s');
}

/** The MLP's matmul shapes: forward x·W1ᵀ, and the backward products through transposed views. */
function matmulMlp(which: 'fwd' | 'dx' | 'dw' | 'fwd2'): void {
  manualSeed(0);
  const [a, b] =
    which === 'fwd' ? [randn([64, 784]), randn([256, 784]).t()] // [64,784]·[784,256], B a transposed weight
    : which === 'dx' ? [randn([64, 256]), randn([256, 784])] // [64,256]·[256,784]
    : which === 'dw' ? [randn([64, 784]).t(), randn([64, 256])] // [784,64]·[64,256], A a transposed view
    : [randn([64, 256]), randn([10, 256]).t()]; // [64,256]·[256,10]
  const [M, K] = a.shape as [number, number], N = b.shape[1]!;
  const ms = time(() => void a.matmul(b));
  out((2 * M * N * K) / (ms * 1e6), 'GFLOP/s');
}

function matmulPlain(n: number): void {
  // A naive but cache-aware (i-k-j) Float32Array loop, the baseline.
  const a = new Float32Array(n * n).map(() => Math.random()), b = new Float32Array(n * n).map(() => Math.random()), c = new Float32Array(n * n);
  const ms = time(() => {
    c.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      const x = a[i * n + k]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + x * b[k * n + j]!;
    }
  });
  out((2 * n * n * n) / (ms * 1e6), 'GFLOP/s');
}

function elementwise(op: 'add' | 'mul' | 'tanh' | 'plain-add'): void {
  const n = 1 << 20;
  manualSeed(0);
  const a = randn([n]), b = randn([n]);
  let ms: number;
  if (op === 'plain-add') {
    const x = a.toFloat32Array(), y = b.toFloat32Array();
    ms = time(() => { const o = new Float32Array(n); for (let i = 0; i < n; i++) o[i] = x[i]! + y[i]!; });
  } else ms = time(() => void (op === 'tanh' ? a.tanh() : op === 'add' ? a.add(b) : a.mul(b)));
  out((ms * 1e6) / n, 'ns/elem');
}

/** 784-256-10 MLP, batch 64: forward, cross-entropy, backward, SGD update. */
function mlpStep(which: 'ours-sgd' | 'ours-asgd' | 'plain'): void {
  manualSeed(0);
  const x = randn([64, 784]), y = randint(0, 10, [64]);
  if (which === 'plain') return plainMlp(x, y);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = which === 'ours-sgd' ? new SGD(model.parameters(), { lr: 0.01 }) : new ASGD(model.parameters(), { lr: 0.01, t0: 0 });
  let loss = Number.NaN;
  const ms = time(() => {
    opt.zeroGrad();
    const l = F.crossEntropy(model.forward(x) as Tensor, y);
    l.backward();
    opt.step();
    if (Number.isNaN(loss)) loss = l.item(); // first step's loss: the same work as the baseline's
  });
  out(ms, 'ms/step', loss);
}

/** The same MLP step written by hand on Float32Arrays (the plain-JS baseline). */
function plainMlp(xt: Tensor, yt: Tensor): void {
  const B = 64, I = 784, H = 256, O = 10;
  const x = xt.toFloat32Array(), y = yt.toFloat32Array();
  const lin1 = new nn.Linear(I, H), lin2 = new nn.Linear(H, O);
  const W1 = lin1.weight.toFloat32Array(), b1 = lin1.bias!.toFloat32Array(), W2 = lin2.weight.toFloat32Array(), b2 = lin2.bias!.toFloat32Array();
  const h = new Float32Array(B * H), z = new Float32Array(B * O), dz = new Float32Array(B * O), dh = new Float32Array(B * H);
  const gW1 = new Float32Array(H * I), gb1 = new Float32Array(H), gW2 = new Float32Array(O * H), gb2 = new Float32Array(O);
  let loss = 0, first = Number.NaN;
  const step = (): void => {
    for (let i = 0; i < B; i++) for (let j = 0; j < H; j++) {
      let s = b1[j]!;
      for (let k = 0; k < I; k++) s += x[i * I + k]! * W1[j * I + k]!;
      h[i * H + j] = s > 0 ? s : 0;
    }
    for (let i = 0; i < B; i++) for (let j = 0; j < O; j++) {
      let s = b2[j]!;
      for (let k = 0; k < H; k++) s += h[i * H + k]! * W2[j * H + k]!;
      z[i * O + j] = s;
    }
    loss = 0;
    for (let i = 0; i < B; i++) {
      let m = -Infinity;
      for (let j = 0; j < O; j++) m = Math.max(m, z[i * O + j]!);
      let s = 0;
      for (let j = 0; j < O; j++) s += Math.exp(z[i * O + j]! - m);
      const t = y[i]!;
      loss += (Math.log(s) + m - z[i * O + t]!) / B;
      for (let j = 0; j < O; j++) dz[i * O + j] = (Math.exp(z[i * O + j]! - m) / s - (j === t ? 1 : 0)) / B;
    }
    gW2.fill(0); gb2.fill(0); dh.fill(0); gW1.fill(0); gb1.fill(0);
    for (let i = 0; i < B; i++) for (let j = 0; j < O; j++) {
      const d = dz[i * O + j]!;
      gb2[j] = gb2[j]! + d;
      for (let k = 0; k < H; k++) { gW2[j * H + k] = gW2[j * H + k]! + d * h[i * H + k]!; dh[i * H + k] = dh[i * H + k]! + d * W2[j * H + k]!; }
    }
    for (let i = 0; i < B; i++) for (let j = 0; j < H; j++) {
      const d = h[i * H + j]! > 0 ? dh[i * H + j]! : 0;
      if (d === 0) continue;
      gb1[j] = gb1[j]! + d;
      for (let k = 0; k < I; k++) gW1[j * I + k] = gW1[j * I + k]! + d * x[i * I + k]!;
    }
    for (const [w, g] of [[W1, gW1], [b1, gb1], [W2, gW2], [b2, gb2]] as const) for (let k = 0; k < w.length; k++) w[k] = w[k]! - 0.01 * g[k]!;
    if (Number.isNaN(first)) first = loss;
  };
  const ms = time(step);
  out(ms, 'ms/step', first);
}

/** One ASGD step over 10 tensors totalling `total` parameters. */
function asgdStep(total: number, averaging: boolean, path: 'forloop' | 'foreach' | 'plain'): void {
  manualSeed(0);
  const sizes = Array.from({ length: 10 }, (_, i) => Math.floor(total / 10) + (i === 0 ? total % 10 : 0));
  const params = sizes.map((n) => randn([n]).requiresGrad_());
  params.forEach((p) => (p.grad = randn([p.numel()])));
  const t0 = averaging ? 0 : 1e6;
  let ms: number;
  if (path === 'plain') {
    // An independent hand-written fused loop: the same update (decay, gradient step, average)
    // in plain Float32Array arithmetic, with none of the library's float32 rounding emulation.
    const ps = params.map((p) => p.toFloat32Array()), gs = params.map((p) => p.grad!.toFloat32Array()), axs = ps.map((p) => new Float32Array(p.length));
    const eta = 0.01, decay = 1 - 1e-4 * eta, mu = averaging ? 0.5 : 1;
    ms = time(() => {
      for (let t = 0; t < ps.length; t++) {
        const p = ps[t]!, g = gs[t]!, ax = axs[t]!;
        if (mu === 1) for (let i = 0; i < p.length; i++) { const x = p[i]! * decay - eta * g[i]!; p[i] = x; ax[i] = x; }
        else for (let i = 0; i < p.length; i++) { const x = p[i]! * decay - eta * g[i]!; p[i] = x; ax[i] = ax[i]! + (x - ax[i]!) * mu; }
      }
    }, 2000);
  } else {
    const opt = new ASGD(params, { lr: 0.01, t0, foreach: path === 'foreach' });
    ms = time(() => noGrad(() => opt.step()), 2000);
  }
  out((ms * 1e6) / total, 'ns/param');
}

/** Memory bandwidth reference: a triad a = b + s*c over 3 arrays of `n` floats (ns per element). */
function triad(n: number): void {
  const a = new Float32Array(n), b = new Float32Array(n).fill(1), c = new Float32Array(n).fill(2);
  const ms = time(() => { for (let i = 0; i < n; i++) a[i] = b[i]! + 0.5 * c[i]!; }, 2000);
  out((ms * 1e6) / n, 'ns/elem');
}

function out(value: number, unit: string, check?: number): void {
  console.log(JSON.stringify({ value, unit, ...(check !== undefined ? { check } : {}) }));
}

const cases: Record<string, () => void> = {
  'matmul-256': () => matmul(256),
  'matmul-1024': () => matmul(1024),
  'matmul-256-plain': () => matmulPlain(256),
  'matmul-1024-plain': () => matmulPlain(1024),
  'matmul-mlp-fwd': () => matmulMlp('fwd'),
  'matmul-mlp-fwd2': () => matmulMlp('fwd2'),
  'matmul-mlp-dx': () => matmulMlp('dx'),
  'matmul-mlp-dw': () => matmulMlp('dw'),
  'add-1M': () => elementwise('add'),
  'mul-1M': () => elementwise('mul'),
  'tanh-1M': () => elementwise('tanh'),
  'add-1M-plain': () => elementwise('plain-add'),
  'mlp-step-sgd': () => mlpStep('ours-sgd'),
  'mlp-step-asgd': () => mlpStep('ours-asgd'),
  'mlp-step-plain': () => mlpStep('plain'),
  'triad-10M': () => triad(10_000_000),
};
for (const total of [1_000_000, 10_000_000]) for (const avg of [false, true]) for (const path of ['forloop', 'foreach', 'plain'] as const) {
  cases[`asgd-${total / 1e6}M-${avg ? 'avg' : 'noavg'}-${path}`] = () => asgdStep(total, avg, path);
}

const name = process.argv[2];
if (name === '--list') console.log(Object.keys(cases).join('\n'));
else if (!name || !cases[name]) { console.error(`unknown case ${name}`); process.exit(2); }
else cases[name]!();
void tensor;
