/** tensile's cases, on either kernel backend (and, for matmul and the MLP step, on 2 threads). */
import { F, full, nn, noGrad, setBackend, setNumThreads, tensor, wasmRelaxedSimd, type Tensor } from '@tensile/tensor';
import { Adam, ASGD, SGD } from '@tensile/optim';
import { CT, convTransposeData, DCGAN, dcganData, layers, type Layer } from './dcgan.js';
import { ASGD_ETA, ASGD_LAMBD, B, asgdSizes, checksum, cnnData, LR, mlpData, normal } from './data.js';
import { gflops, out, time } from './harness.js';

/** 'wasm-relaxed' is the wasm backend on its relaxed-SIMD build (run.mjs starts Node with the flag). */
export type Backend = 'js' | 'wasm' | 'wasm-relaxed';

export function use(backend: Backend, threads = 1): void {
  if (backend === 'wasm-relaxed' && !wasmRelaxedSimd()) throw new Error('relaxed SIMD is not available in this runtime (Node 20 needs --experimental-wasm-relaxed-simd)');
  if (backend !== 'wasm-relaxed' && wasmRelaxedSimd()) throw new Error('this runtime takes the relaxed-SIMD build by default; the plain rows need Node 20 without the flag');
  setBackend(backend === 'js' ? 'js' : 'wasm');
  if (threads > 1) setNumThreads(threads);
}

export async function matmul(backend: Backend, n: number, threads = 1): Promise<void> {
  use(backend, threads);
  const a = tensor(normal(n * n, 21), { shape: [n, n] }), b = tensor(normal(n * n, 22), { shape: [n, n] });
  const check = checksum(a.matmul(b).toFloat32Array());
  const ms = await time(() => void a.matmul(b), n >= 1024 ? 3000 : 1500);
  out(gflops(n, ms), 'GFLOP/s', check);
}

/** One ASGD.step with averaging over 10 tensors totalling `total` parameters. */
export async function asgd(backend: Backend, total: number): Promise<void> {
  use(backend);
  const params = asgdSizes(total).map((n, i) => tensor(normal(n, 100 + i), { requiresGrad: true }));
  params.forEach((p, i) => (p.grad = tensor(normal(p.numel(), 200 + i))));
  // t0 = 0: averaging from the first step (mu < 1), as the peers' composed update.
  const opt = new ASGD(params, { lr: ASGD_ETA, lambd: ASGD_LAMBD, t0: 0 });
  noGrad(() => opt.step());
  const check = checksum(params[0]!.toFloat32Array()); // the first tensor after one update
  const ms = await time(() => noGrad(() => opt.step()), 2500);
  out((ms * 1e6) / total, 'ns/param', check);
}

function mlp() {
  const d = mlpData();
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  model.loadStateDict({
    '0.weight': tensor(d.W1, { shape: [256, 784] }), '0.bias': tensor(d.b1),
    '2.weight': tensor(d.W2, { shape: [10, 256] }), '2.bias': tensor(d.b2),
  });
  return { model, x: tensor(d.x, { shape: [B, 784] }), y: tensor(Float32Array.from(d.y)) };
}

function cnn() {
  const d = cnnData();
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(256, 10),
  );
  model.loadStateDict({
    '0.weight': tensor(d.c1, { shape: [6, 1, 5, 5] }), '0.bias': tensor(d.c1b),
    '3.weight': tensor(d.c2, { shape: [16, 6, 5, 5] }), '3.bias': tensor(d.c2b),
    '7.weight': tensor(d.fc, { shape: [10, 256] }), '7.bias': tensor(d.fcb),
  });
  return { model, x: tensor(d.x, { shape: [B, 1, 28, 28] }), y: tensor(Float32Array.from(d.y)) };
}

/** One training step (forward, cross-entropy, backward, update), ms; check = first-step loss. */
export async function step(backend: Backend, net: 'mlp' | 'cnn', optimizer: 'sgd' | 'asgd', threads = 1): Promise<void> {
  use(backend, threads);
  const { model, x, y } = net === 'mlp' ? mlp() : cnn();
  const opt = optimizer === 'sgd' ? new SGD(model.parameters(), { lr: LR }) : new ASGD(model.parameters(), { lr: ASGD_ETA, lambd: ASGD_LAMBD, t0: 0 });
  let first = Number.NaN;
  const ms = await time(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
    if (Number.isNaN(first)) first = loss.item();
  }, net === 'cnn' ? 2500 : 1500);
  out(ms, 'ms/step', first);
}

/** ConvTranspose2d(128, 64, 4, 2, 1) forward and backward (input and weight gradients) on [64, 128, 16, 16], ms; check = sum of the output. */
export async function convTranspose(backend: Backend): Promise<void> {
  use(backend);
  const d = convTransposeData(), { batch, cin, cout, k, size } = CT;
  const x = tensor(d.x!, { shape: [batch, cin, size, size], requiresGrad: true });
  const w = tensor(d.w!, { shape: [cin, cout, k, k], requiresGrad: true });
  const up = tensor(d.up!, { shape: [batch, cout, 2 * size, 2 * size] });
  const check = noGrad(() => F.convTranspose2d(x, w, null, 2, 1).sum().item());
  const ms = await time(() => {
    x.grad = null;
    w.grad = null;
    F.convTranspose2d(x, w, null, 2, 1).backward(up);
  }, 2500);
  out(ms, 'ms/step', check);
}

function sequential(list: Layer[], data: Record<string, Float32Array>, net: 'G' | 'D'): nn.Sequential {
  const mods = list.map((l, i) => {
    switch (l.kind) {
      case 'convT': return new nn.ConvTranspose2d(l.cin, l.cout, 4, l.stride, l.padding, { bias: false });
      case 'conv': return new nn.Conv2d(l.cin, l.cout, 4, l.stride, l.padding, { bias: false });
      case 'bn': return new nn.BatchNorm2d(l.c);
      case 'relu': return new nn.ReLU();
      case 'lrelu': return new nn.LeakyReLU(0.2);
      case 'tanh': return new nn.Tanh();
      case 'sigmoid': return new nn.Sigmoid();
    }
    throw new Error(`layer ${i}`);
  });
  const seq = new nn.Sequential(...mods);
  const sd = seq.stateDict();
  for (const k of Object.keys(sd)) {
    const v = data[`${net}.${k}`];
    if (v) sd[k] = tensor(v, { shape: sd[k]!.shape });
  }
  seq.loadStateDict(sd);
  return seq;
}

/** One DCGAN iteration (dcgan/main.py's loop body: D on real, D on detached fake, G; two Adam steps), ms; check = the first Loss_D. */
export async function dcgan(backend: Backend, name: string, threads = 1): Promise<void> {
  use(backend, threads);
  const spec = DCGAN[name]!, data = dcganData(spec), { G, D } = layers(spec);
  const netG = sequential(G, data, 'G'), netD = sequential(D, data, 'D');
  const real = tensor(data['x']!, { shape: [spec.batch, 1, spec.imageSize, spec.imageSize] });
  const noise = tensor(data['noise']!, { shape: [spec.batch, spec.nz, 1, 1] });
  const criterion = new nn.BCELoss();
  const optD = new Adam(netD.parameters(), { lr: 0.0002, betas: [0.5, 0.999] }), optG = new Adam(netG.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
  const ones = full([spec.batch], 1), zeros = full([spec.batch], 0);
  let first = Number.NaN;
  const ms = await time(() => {
    netD.zeroGrad();
    const errDReal = criterion.call(netD.call(real).view(-1), ones);
    errDReal.backward();
    const fake = netG.call(noise);
    const errDFake = criterion.call(netD.call(fake.detach()).view(-1), zeros);
    errDFake.backward();
    optD.step();
    netG.zeroGrad();
    const errG = criterion.call(netD.call(fake).view(-1), ones);
    errG.backward();
    optG.step();
    if (Number.isNaN(first)) first = errDReal.item() + errDFake.item();
  }, 2500);
  out(ms, 'ms/step', first);
}
