import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, decodeSafetensors, F, type Tensor } from '@tensile/tensor';
import { Adadelta, lrScheduler } from '@tensile/optim';
import { loadMnist, type Dataset } from '../src/mnist/data.js';
import { DEFAULTS, mnistDataset, Net, pyFixed, splitIndices, test, train } from '../src/pytorch-mnist/main.js';
import { parseFlags } from '../src/pytorch-mnist/flags.js';

/** Written by scripts/fixtures/pytorch_mnist_fixtures.py (PyTorch 1.13, one thread). */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'pytorch-mnist');
interface Parity {
  indices: number[];
  batchSize: number;
  schedulerEvery: number;
  fc1RowStep: number;
  losses: number[];
  lossesFloat64: number[];
  lrs: number[];
  fc1RowSums: { float32: [number, number][]; float64: [number, number][] };
  split: { seed: number; train: number[]; test: number[] };
}
const parity = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as Parity;
const safetensors = (name: string): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, name)))).tensors;
const PYTORCH_KEYS = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];
const TOL = 1e-5;

let all: Dataset;
beforeAll(() => {
  all = loadMnist();
});

describe('pytorch-mnist: parity with PyTorch', () => {
  // PyTorch's init (F16 fixture), the same 10 batches of 64 real digits, eval mode (no dropout),
  // Adadelta lr 1.0, StepLR(step_size=1, gamma=0.7) stepped after batches 5 and 10.
  let losses: number[] = [], lrs: number[] = [], weights: Record<string, Float32Array> = {};
  beforeAll(() => {
    const [x, y] = mnistDataset(all, parity.indices).tensors;
    const model = new Net();
    model.loadStateDict(safetensors('init.safetensors'));
    model.eval();
    const optimizer = new Adadelta(model.parameters(), { lr: 1.0 });
    const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.7 });
    const B = parity.batchSize;
    for (let b = 0; b < parity.losses.length; b++) {
      const data = x.narrow(0, b * B, B), target = y.narrow(0, b * B, B);
      lrs.push(Number(optimizer.paramGroups[0]!.lr));
      optimizer.zeroGrad();
      const output = model.call(data);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      if ((b + 1) % parity.schedulerEvery === 0) scheduler.step();
    }
    const sd = model.stateDict();
    weights = Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.toFloat32Array()]));
    weights['fc1.weight.rows'] = sd['fc1.weight']!.reshape(128 / parity.fc1RowStep, parity.fc1RowStep, 9216).select(1, 0).contiguous().toFloat32Array();
  }, 60_000);

  /** Elements further than TOL times the tensor's largest magnitude from `want`. */
  const offElements = (got: ArrayLike<number>, want: ArrayLike<number>): number[] => {
    let scale = 0;
    for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
    const off: number[] = [];
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i]! - want[i]!) > TOL * scale) off.push(i);
    return off;
  };
  const reference = (dtype: 'float32' | 'float64'): Record<string, Float32Array> => Object.fromEntries(
    Object.entries(safetensors('final.safetensors')).filter(([k]) => k.startsWith(`${dtype}/`)).map(([k, t]) => [k.slice(dtype.length + 1), t.toFloat32Array()]),
  );

  it('splits the 10,000 digits as the fixture script does: the same 8,000 to train and 2,000 to test', () => {
    const { train: tr, test: te } = splitIndices(10000);
    expect(Array.from(tr)).toEqual(parity.split.train);
    expect(Array.from(te)).toEqual(parity.split.test);
    expect(parity.indices).toEqual(parity.split.train.slice(0, parity.indices.length));
  });

  it('gives PyTorch\'s 10 losses within 1e-5 relative, and StepLR its learning rates', () => {
    expect(lrs).toEqual(parity.lrs);
    for (const ref of [parity.losses, parity.lossesFloat64]) {
      losses.forEach((l, i) => expect(Math.abs(l - ref[i]!) / ref[i]!, `batch ${i + 1}: ${l} vs ${ref[i]}`).toBeLessThan(TOL));
    }
  });

  it('ends with the weights of PyTorch\'s run in float64, every element within 1e-5 of its tensor\'s scale', () => {
    const want = reference('float64');
    expect(Object.keys(want).sort()).toEqual([...PYTORCH_KEYS.filter((k) => k !== 'fc1.weight'), 'fc1.weight.rows'].sort());
    for (const [k, w] of Object.entries(want)) expect(offElements(weights[k]!, w), k).toEqual([]);
  });

  it('ends with the weights of PyTorch\'s float32 run, except where PyTorch float32 itself strays from float64', () => {
    // At the 10th step PyTorch's float32 run departs from its own float64 run by up to 2.8e-5 on
    // one conv2 output channel; everywhere else the three runs agree to about 1e-7.
    const f32 = reference('float32'), f64 = reference('float64');
    let strays = 0;
    for (const [k, w] of Object.entries(f32)) {
      const pytorchStrays = new Set(offElements(w, f64[k]!));
      strays += pytorchStrays.size;
      expect(offElements(weights[k]!, w).filter((i) => !pytorchStrays.has(i)), k).toEqual([]);
    }
    expect(strays).toBeLessThanOrEqual(3 * 3 * 32 + 1); // at most one conv2 channel (288 weights and its bias)
  });

  it('has every fc1 row\'s sum and sum of squares of PyTorch\'s float64 run (fc1.weight is stored in part)', () => {
    const w = weights['fc1.weight']!;
    parity.fc1RowSums.float64.forEach(([sum, sumSq], r) => {
      let s = 0, s2 = 0;
      for (let j = 0; j < 9216; j++) {
        const v = w[r * 9216 + j]!;
        s += v;
        s2 += v * v;
      }
      expect(Math.abs(s - sum), `row ${r} sum`).toBeLessThan(TOL * Math.sqrt(sumSq));
      expect(Math.abs(s2 - sumSq) / sumSq, `row ${r} sum of squares`).toBeLessThan(TOL);
    });
  });
});

describe('pytorch-mnist: the port', () => {
  it('names its state dict as PyTorch\'s Net does, in registration order', () => {
    expect(Object.keys(new Net().stateDict())).toEqual(PYTORCH_KEYS);
    expect(Object.keys(safetensors('init.safetensors')).sort()).toEqual([...PYTORCH_KEYS].sort());
  });

  it('prints main.py\'s train and test lines, and --dry-run stops after the first', () => {
    const { train: tr } = splitIndices(all.count);
    const loader = new data.DataLoader(mnistDataset(all, tr.subarray(0, 200)), { batchSize: 64 });
    const model = new Net();
    const lines: string[] = [];
    const losses = train({ ...DEFAULTS, dryRun: true }, model, loader, new Adadelta(model.parameters()), 3, (l) => lines.push(l));
    expect(losses).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Train Epoch: 3 \[0\/200 \(0%\)\]\tLoss: \d+\.\d{6}$/);
    const r = test(model, new data.DataLoader(mnistDataset(all, tr.subarray(0, 30)), { batchSize: 1000 }), (l) => lines.push(l));
    expect(lines[1]).toBe(`\nTest set: Average loss: ${r.loss.toFixed(4)}, Accuracy: ${r.correct}/30 (${pyFixed(100 * r.correct / 30, 0)}%)\n`);
    expect(model.training).toBe(false);
  });

  it('formats as Python\'s {:.0f}, which rounds exact halves to even', () => {
    expect([12.5, 13.5, 0.5, 1.5, 8, 99.6].map((v) => pyFixed(v, 0))).toEqual(['12', '14', '0', '2', '8', '100']);
    expect(pyFixed(2.3178825, 6)).toBe((2.3178825).toFixed(6));
  });

  it('takes main.py\'s flags with its defaults; --no-cuda and --no-mps are accepted and ignored', () => {
    expect(parseFlags([])).toEqual({ help: false, args: DEFAULTS });
    expect(DEFAULTS).toEqual({ batchSize: 64, testBatchSize: 1000, epochs: 14, lr: 1.0, gamma: 0.7, dryRun: false, seed: 1, logInterval: 10, saveModel: false });
    const f = parseFlags(['--batch-size', '32', '--test-batch-size', '500', '--epochs', '2', '--lr', '0.5', '--gamma', '0.9', '--seed', '7', '--log-interval', '5', '--save-model', '--dry-run', '--no-cuda', '--no-mps']);
    expect(f).toEqual({ help: false, args: { batchSize: 32, testBatchSize: 500, epochs: 2, lr: 0.5, gamma: 0.9, seed: 7, logInterval: 5, saveModel: true, dryRun: true } });
    expect(parseFlags(['--batch-size', '0'])).toEqual({ error: "--batch-size must be an integer >= 1, got '0'" });
    expect(parseFlags(['--momentum', '0.5'])).toEqual({ error: 'unknown flag --momentum (see --help)' });
  });
});
