/**
 * Handwritten digits: an MLP (or a small LeNet-style CNN) trained with ASGD or SGD on real
 * MNIST digits, evaluated with the live and with ASGD's averaged parameters.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGenerator, manualSeed, nn, F, noGrad, type Tensor } from '@tensile/tensor';
import { loadCheckpoint, saveCheckpoint } from '../lib/checkpoint.js';
import { UsageError, asUsageError, prepareRunDir, truncateMetrics } from '../lib/run-dir.js';
import { ASGD, SGD } from '@tensile/optim';
import { DataLoader, loadMnist, splitTrainTest, type Dataset } from './data.js';

export interface MnistOptions {
  model?: 'mlp' | 'cnn';
  optimizer?: 'asgd' | 'sgd';
  epochs?: number;
  batchSize?: number;
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  seed?: number;
  /** Use only this many training digits (tests). */
  limit?: number;
  /** Directory for metrics.jsonl, summary.json and checkpoint.safetensors (nothing written without it). */
  out?: string;
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** Called after every batch and after every epoch's evaluation. */
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }) => void;
  onEpoch?: (info: EpochResult) => void;
  /** Prints the split (counts) when given. */
  log?: (line: string) => void;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** ASGD only: accuracy with the averaged parameters. */
  testAccuracyAveraged: number | null;
  seconds: number;
  examplesPerSecond: number;
}

/**
 * Defaults that train well on 2 cores in about a minute: SGD uses momentum 0.9, so a smaller lr;
 * the CNN is about 10x slower per example than the MLP, so fewer epochs.
 */
export function defaultsFor(model: 'mlp' | 'cnn', optimizer: 'asgd' | 'sgd'): { lr: number; epochs: number; t0: number } {
  if (model === 'cnn') return { lr: optimizer === 'asgd' ? 0.05 : 0.01, epochs: 4, t0: 300 };
  return { lr: optimizer === 'asgd' ? 0.2 : 0.02, epochs: 25, t0: 1500 };
}

export function makeModel(kind: 'mlp' | 'cnn'): nn.Module {
  if (kind === 'mlp') return new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(16 * 5 * 5, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

const inputFor = (kind: 'mlp' | 'cnn', x: Tensor): Tensor => (kind === 'cnn' ? x.reshape(-1, 1, 28, 28) : x);

/** Accuracy of `model` on a dataset, batched, without recording gradients. */
export function evaluate(model: nn.Module, kind: 'mlp' | 'cnn', data: Dataset): number {
  return noGrad(() => {
    let correct = 0;
    for (const { x, y } of new DataLoader(data, { batchSize: 500 })) {
      const pred = (model.forward(inputFor(kind, x)) as Tensor).argmax(1);
      correct += pred.eq(y).sum().item();
    }
    return correct / data.count;
  });
}

export function train(options: MnistOptions = {}): { epochs: EpochResult[]; model: nn.Module } {
  const model0 = options.model ?? 'mlp', opt0 = options.optimizer ?? 'asgd';
  const o = { model: model0, optimizer: opt0, ...defaultsFor(model0, opt0), batchSize: 64, lambd: 1e-4, alpha: 0.75, weightDecay: 0, seed: 0, ...options } as const;
  manualSeed(o.seed);
  const all = loadMnist();
  const { train: fullTrain, test } = splitTrainTest(all, 0.2, o.seed);
  const trainSet = o.limit ? { ...fullTrain, count: Math.min(o.limit, fullTrain.count), images: fullTrain.images.subarray(0, Math.min(o.limit, fullTrain.count) * 784), labels: fullTrain.labels.subarray(0, Math.min(o.limit, fullTrain.count)) } : fullTrain;
  o.log?.(`MNIST: ${all.count} digits, split (seed ${o.seed}) into ${trainSet.count} for training and ${test.count} held out`);

  const model = makeModel(o.model);
  const opt = o.optimizer === 'asgd'
    ? new ASGD(model.namedParameters(), { lr: o.lr, lambd: o.lambd, alpha: o.alpha, t0: o.t0, weightDecay: o.weightDecay })
    : new SGD(model.namedParameters(), { lr: o.lr, momentum: 0.9, weightDecay: o.weightDecay });
  const loader = new DataLoader(trainSet, { batchSize: o.batchSize, shuffle: true, seed: o.seed + 1 });

  const epochs: EpochResult[] = [];
  if (o.resume && !o.out) throw new UsageError('--resume: needs --out DIR (the run to continue)');
  // Everything the user asked for is checked before anything is written.
  const ckptPath = o.out ? prepareRunDir(o.out, Boolean(o.resume)) : null;
  let first = 1;
  if (o.resume && ckptPath && o.out) {
    const c = asUsageError('', () => loadCheckpoint(ckptPath));
    try {
      model.loadStateDict(c.model);
      opt.loadStateDict(c.optimizer);
    } catch (e) {
      const why = (e as Error).message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      throw new UsageError(`checkpoint ${ckptPath} does not fit this model and optimizer: ${why}`);
    }
    defaultGenerator.setState(c.rng['global']!);
    loader.generator.setState(c.rng['loader']!);
    epochs.push(...((c.extra['epochs'] as EpochResult[] | undefined) ?? []));
    first = c.epoch + 1;
    const { dropped } = truncateMetrics(join(o.out, 'metrics.jsonl'), c.epoch);
    o.log?.(`resumed from ${ckptPath} after epoch ${c.epoch}${dropped > 0 ? ` (dropped ${dropped} metrics lines written after it)` : ''}`);
  } else if (o.out) {
    writeFileSync(join(o.out, 'metrics.jsonl'), '');
  }
  const record = (line: object): void => {
    if (o.out) appendFileSync(join(o.out, 'metrics.jsonl'), `${JSON.stringify(line)}\n`);
  };
  for (let epoch = first; epoch <= o.epochs; epoch++) {
    const start = performance.now();
    let lossSum = 0, correct = 0, seen = 0, batch = 0;
    model.train();
    for (const { x, y } of loader) {
      opt.zeroGrad();
      const logits = model.forward(inputFor(o.model, x)) as Tensor;
      const loss = F.crossEntropy(logits, y);
      loss.backward();
      opt.step();
      const n = y.numel();
      lossSum += loss.item() * n;
      correct += noGrad(() => logits.argmax(1).eq(y).sum().item());
      seen += n;
      o.onBatch?.({ epoch, batch: ++batch, batches: loader.length, loss: lossSum / seen, accuracy: correct / seen });
      if (batch % 25 === 0) record({ kind: 'step', epoch, batch, loss: loss.item() });
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const testAccuracy = evaluate(model, o.model, test);
    const testAccuracyAveraged = opt instanceof ASGD ? opt.withAveraged(() => evaluate(model, o.model, test)) : null;
    const result: EpochResult = { epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testAccuracy, testAccuracyAveraged, seconds, examplesPerSecond: seen / seconds };
    epochs.push(result);
    record({ kind: 'epoch', ...result });
    if (ckptPath) {
      saveCheckpoint(ckptPath, {
        epoch, model: model.stateDict(), optimizer: opt.stateDict(),
        rng: { global: defaultGenerator.getState(), loader: loader.generator.getState() },
        extra: { options: { ...o, onBatch: undefined, onEpoch: undefined, log: undefined }, epochs },
      });
    }
    o.onEpoch?.(result);
  }
  if (o.out) writeFileSync(join(o.out, 'summary.json'), `${JSON.stringify({ options: { ...o, onBatch: undefined, onEpoch: undefined, log: undefined }, epochs, final: epochs[epochs.length - 1] ?? null }, null, 2)}\n`);
  return { epochs, model };
}
