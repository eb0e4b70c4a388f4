import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, exp, noGrad, tensor, type Tensor } from '@tensile/tensor';
import { Adam } from '@tensile/optim';
import { loadMnist, type Dataset } from '../src/mnist/data.js';
import { lossFunction, main, mnistImages, VAE } from '../src/vae/main.js';
import { parseFlags } from '../src/vae/flags.js';

/** Written by scripts/fixtures/vae_fixtures.py (PyTorch 1.13, float32 and float64 runs). */
interface Packed { shape: number[]; data: number[] }
interface Sampled { shape: number[]; step: number; data: number[]; err32: number }
interface Parity {
  iters: number; batchSize: number;
  indices: number[][]; eps: Packed[]; z: Packed;
  losses: { float32: number[]; float64: number[] };
  final: Record<string, Sampled>;
  testLoss: { float32: number; float64: number };
  sample: Packed & { err32: number };
}
const DIR = join(import.meta.dirname, 'fixtures', 'vae');
const parity = JSON.parse(readFileSync(join(DIR, 'parity.json'), 'utf8')) as Parity;
const T = (p: Packed): Tensor => tensor(p.data, { shape: p.shape });

/** main.py's VAE with randn_like's draws replayed from PyTorch (the only line that differs). */
class ReplayVAE extends VAE {
  eps: Tensor | null = null;
  override reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = exp(logvar.mul(0.5));
    const eps = this.eps!; // main.py: randnLike(std)
    return mu.add(eps.mul(std));
  }
}

function within(got: number, truth: number, f32: number, label: string): void {
  const tol = 4 * Math.abs(f32 - truth) + 2e-6 * Math.abs(truth);
  if (!(Math.abs(got - truth) <= tol)) expect.fail(`${label}: got ${got}, PyTorch float64 ${truth} (float32 ${f32}), tolerance ${tol}`);
}

let all: Dataset;
beforeAll(() => {
  all = loadMnist();
});

describe(`vae: ${parity.iters} iterations of main.py's train loop from PyTorch's initial weights, digits and noise draws`, () => {
  const model = new ReplayVAE();
  const losses: number[] = [];
  let testLoss = 0;
  let sample: Tensor;
  beforeAll(() => {
    model.loadStateDict(decodeSafetensors(new Uint8Array(readFileSync(join(DIR, 'init.safetensors')))).tensors);
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    model.train();
    for (let i = 0; i < parity.iters; i++) {
      const [data] = mnistImages(all, parity.indices[i]!).tensors;
      model.eps = T(parity.eps[i]!);
      // main.py's train loop body
      optimizer.zeroGrad();
      const [reconBatch, mu, logvar] = model.call(data);
      const loss = lossFunction(reconBatch, data, mu, logvar);
      loss.backward();
      losses.push(loss.item());
      optimizer.step();
    }
    model.eval();
    noGrad(() => {
      model.eps = T(parity.eps[parity.iters]!);
      const [data] = mnistImages(all, parity.indices[parity.iters]!).tensors;
      const [reconBatch, mu, logvar] = model.call(data);
      testLoss = lossFunction(reconBatch, data, mu, logvar).item();
      sample = model.decode(T(parity.z));
    });
  });

  it('every training loss (BCE with reduction sum + KL)', () => {
    parity.losses.float64.forEach((truth, i) => within(losses[i]!, truth, parity.losses.float32[i]!, `loss ${i}`));
  });
  it('the weights after the last step (every k-th entry of every tensor)', () => {
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(parity.final));
    for (const [k, want] of Object.entries(parity.final)) {
      const a = sd[k]!.toFloat32Array();
      want.data.forEach((e, j) => {
        const got = a[j * want.step]!, tol = 4 * want.err32 + 2 ** -22 * Math.abs(e);
        if (!(Math.abs(got - e) <= tol)) expect.fail(`${k}[${j * want.step}]: got ${got}, PyTorch float64 ${e}, tolerance ${tol}`);
      });
    }
  });
  it('a no-grad test loss and the decoded samples of a latent draw', () => {
    within(testLoss, parity.testLoss.float64, parity.testLoss.float32, 'test loss');
    const s = sample.toFloat32Array();
    parity.sample.data.forEach((e, i) => {
      const tol = 4 * parity.sample.err32 + 2 ** -22 * Math.abs(e);
      if (!(Math.abs(s[i]! - e) <= tol)) expect.fail(`sample[${i}]: got ${s[i]}, PyTorch float64 ${e}`);
    });
  });
});

describe('vae: the program', () => {
  it("reparameterize draws with randnLike: mu + eps·exp(logvar/2), fresh noise each call", () => {
    const m = new VAE();
    const mu = tensor([[1, 2]]), logvar = tensor([[0, -100]]);
    const a = m.reparameterize(mu, logvar), b = m.reparameterize(mu, logvar);
    expect(a.toFloat32Array()[1]).toBeCloseTo(2, 5); // std e^-50: the mean
    expect(a.toFloat32Array()[0]).not.toBe(b.toFloat32Array()[0]);
  });
  it("one epoch on a small batch: main.py's log lines and the reconstruction and sample PNGs", () => {
    const results = mkdtempSync(join(tmpdir(), 'vae-'));
    const parsed = parseFlags(['--epochs', '1', '--batch-size', '1000', '--log-interval', '4', '--results', results]);
    if (!('args' in parsed)) throw new Error('flags');
    const lines: string[] = [];
    const run = main(parsed.args, (l) => lines.push(l));
    expect(lines.filter((l) => l.startsWith('Train Epoch: 1 ['))).toEqual([
      expect.stringMatching(/^Train Epoch: 1 \[0\/8000 \(0%\)\]\tLoss: \d+\.\d{6}$/),
      expect.stringMatching(/^Train Epoch: 1 \[4000\/8000 \(50%\)\]\tLoss: \d+\.\d{6}$/),
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^====> Epoch: 1 Average loss: \d+\.\d{4}$/));
    expect(lines).toContainEqual(expect.stringMatching(/^====> Test set loss: \d+\.\d{4}$/));
    expect(run.trainLosses[0]).toBeLessThan(550); // from about 543 (log 2 per pixel)
    expect(readdirSync(results).sort()).toEqual(['reconstruction_1.png', 'sample_1.png']);
  }, 60_000);
  it('flags: main.py\'s names and defaults', () => {
    const p = parseFlags([]);
    expect('args' in p && [p.args.batchSize, p.args.epochs, p.args.seed, p.args.logInterval]).toEqual([128, 10, 1, 10]);
    expect(parseFlags(['--epochs', 'x'])).toEqual({ error: "--epochs must be an integer >= 0, got 'x'" });
  });
});
