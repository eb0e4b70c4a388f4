/**
 * Handwritten digits: an MLP (or a small LeNet-style CNN) trained with ASGD or SGD on real
 * MNIST digits, evaluated with the live and with ASGD's averaged parameters.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultGenerator, manualSeed, nn, F, noGrad, type Tensor } from '@tensile/tensor';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../lib/checkpoint.js';
import { UsageError, asUsageError, prepareRunDir, truncateMetrics, writing } from '../lib/run-dir.js';
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
  /** Called once the settings are known (on resume, the checkpoint's with the flags given over them), before anything else. */
  onStart?: (settings: { model: 'mlp' | 'cnn'; optimizer: 'asgd' | 'sgd' }) => void;
  /** Called after every batch and after every epoch's evaluation. */
  onBatch?: (info: { epoch: number; batch: number; batches: number; examples: number; loss: number; accuracy: number }) => void;
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
  /** What this epoch was trained with, read from the optimizer and the loader (a resumed run may change them). */
  settings: EpochSettings;
}

export interface EpochSettings {
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** ASGD only. */
  lambd?: number;
  alpha?: number;
  t0?: number;
}

/**
 * What `--resume` may change, with the flag that changes it: flags given with `--resume`
 * override the checkpoint's values, as PyTorch scripts do (`g['lr'] = args.lr` for each param
 * group after `load_state_dict`). The seed (it chose the train/test split), the model and the
 * optimizer stay the checkpoint's.
 */
const OVERRIDABLE = {
  asgd: { batchSize: '--batch-size', lr: '--lr', lambd: '--lambd', alpha: '--alpha', t0: '--t0', weightDecay: '--weight-decay' },
  sgd: { batchSize: '--batch-size', lr: '--lr', weightDecay: '--weight-decay' },
} as const;

/** Option keys and the param-group keys (PyTorch's) that hold them in an optimizer state dict. */
const GROUP_KEYS = { lr: 'lr', lambd: 'lambd', alpha: 'alpha', t0: 't0', weightDecay: 'weight_decay' } as const;

type Settings = Required<Pick<MnistOptions, 'model' | 'optimizer' | 'epochs' | 'batchSize' | 'lr' | 'lambd' | 'alpha' | 't0' | 'weightDecay' | 'seed'>> & Pick<MnistOptions, 'limit'>;

/**
 * The settings a checkpoint's run was trained with: its recorded options, with the values of
 * its optimizer's param group over them (what the optimizer actually used). Every value is
 * checked, as a flag would be; a foreign checkpoint may record none.
 */
function savedSettings(c: Checkpoint, path: string): Partial<Settings> {
  const recorded = c.extra['options'];
  const out: Partial<Record<keyof Settings, unknown>> = {};
  const bad = (key: string, v: unknown): UsageError => new UsageError(`checkpoint ${path}: its recorded ${key} is ${JSON.stringify(v) ?? String(v)}, not a setting this program writes`);
  if (typeof recorded === 'object' && recorded !== null) {
    const r = recorded as Record<string, unknown>;
    for (const k of ['epochs', 'batchSize', 'lr', 'lambd', 'alpha', 't0', 'weightDecay', 'seed', 'limit'] as const) {
      const v = r[k];
      if (v === undefined || v === null) continue;
      const integer = k === 'epochs' || k === 'batchSize' || k === 'seed' || k === 'limit';
      if (typeof v !== 'number' || !Number.isFinite(v) || v < (k === 'batchSize' ? 1 : 0) || (integer && !Number.isInteger(v))) throw bad(k, v);
      out[k] = v;
    }
    for (const [k, allowed] of [['model', ['mlp', 'cnn']], ['optimizer', ['asgd', 'sgd']]] as const) {
      const v = r[k];
      if (v === undefined || v === null) continue;
      if (!(allowed as readonly unknown[]).includes(v)) throw bad(k, v);
      out[k] = v;
    }
  }
  const group = (c.optimizer.param_groups as unknown[] | undefined)?.[0] as Record<string, unknown> | undefined;
  for (const [k, gk] of Object.entries(GROUP_KEYS)) {
    const v = group?.[gk];
    if (typeof v === 'number' && Number.isFinite(v)) out[k as keyof Settings] = v;
  }
  return out as Partial<Settings>;
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
  // The options given (a key set to undefined counts as not given), as opposed to defaults.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MnistOptions;
  if (given.resume && !given.out) throw new UsageError('--resume: needs --out DIR (the run to continue)');
  // Everything the user asked for is checked before anything is written.
  const ckptPath = given.out ? prepareRunDir(given.out, Boolean(given.resume)) : null;
  const c = given.resume && ckptPath ? asUsageError('', () => loadCheckpoint(ckptPath)) : null;
  const saved = c && ckptPath ? savedSettings(c, ckptPath) : {};
  const model0 = given.model ?? saved.model ?? 'mlp', opt0 = given.optimizer ?? saved.optimizer ?? 'asgd';
  const o = { model: model0, optimizer: opt0, ...defaultsFor(model0, opt0), batchSize: 64, lambd: 1e-4, alpha: 0.75, weightDecay: 0, seed: 0, ...saved, ...given } as const;
  o.onStart?.({ model: o.model, optimizer: o.optimizer });
  if (c) {
    // These choose the data: another value would train on digits the checkpoint's run held out.
    // (A checkpoint that records no seed was not written by this program: nothing to compare.)
    for (const [k, flag] of saved.seed === undefined ? [] : [['seed', '--seed'], ['limit', 'limit']] as const) {
      if (given[k] !== undefined && given[k] !== saved[k]) {
        throw new UsageError(`${flag} ${given[k]}: a resumed run keeps the checkpoint's ${k} (${saved[k] ?? 'none'}), which chose its training and held-out digits; leave ${flag} out, or start a new run`);
      }
    }
    const changed = Object.entries(OVERRIDABLE[o.optimizer]).filter(([k]) => {
      const key = k as keyof Settings;
      return given[key] !== undefined && saved[key] !== undefined && given[key] !== saved[key];
    });
    if (changed.length > 0) {
      o.log?.(`resume: ${changed.map(([k, flag], i) => `${flag} ${String(given[k as keyof Settings])} overrides ${i === 0 ? "the checkpoint's" : 'its'} ${String(saved[k as keyof Settings])}`).join(', ')}`);
    }
  }
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
  /** What the optimizer and the loader hold now: recorded with each epoch. */
  const settings = (): EpochSettings => {
    const g = opt.paramGroups[0] as unknown as Record<string, number>;
    const s: EpochSettings = { batchSize: loader.options.batchSize, lr: g['lr']!, weightDecay: g['weightDecay']! };
    if (opt instanceof ASGD) Object.assign(s, { lambd: g['lambd'], alpha: g['alpha'], t0: g['t0'] });
    return s;
  };

  const epochs: EpochResult[] = [];
  let first = 1;
  /** The epoch of the checkpoint on disk, for the message when a write fails. */
  let checkpointed: number | null = null;
  const intact = (): string => (checkpointed === null || !o.out
    ? '; no checkpoint was written yet'
    : `; the checkpoint of epoch ${checkpointed} is intact (continue with --out ${o.out} --resume)`);
  const write = (path: string, fn: () => void): void => writing(path, fn, intact);
  if (c && ckptPath && o.out) {
    try {
      model.loadStateDict(c.model);
      opt.loadStateDict(c.optimizer);
    } catch (e) {
      const why = (e as Error).message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      const holds = saved.model && saved.optimizer ? ` (it holds a ${saved.model} trained with ${saved.optimizer}; leave out --model and --optimizer to continue it)` : '';
      throw new UsageError(`checkpoint ${ckptPath} does not fit this model and optimizer: ${why}${holds}`);
    }
    // The loaded param groups hold the checkpoint's values; the flags given override them.
    for (const g of opt.paramGroups as unknown as Record<string, unknown>[]) {
      for (const k of Object.keys(OVERRIDABLE[o.optimizer])) if (k !== 'batchSize') g[k] = o[k as keyof typeof GROUP_KEYS];
    }
    defaultGenerator.setState(c.rng['global']!);
    loader.generator.setState(c.rng['loader']!);
    epochs.push(...((c.extra['epochs'] as EpochResult[] | undefined) ?? []));
    first = c.epoch + 1;
    checkpointed = c.epoch;
    const metrics = join(o.out, 'metrics.jsonl');
    let dropped = 0;
    write(metrics, () => ({ dropped } = truncateMetrics(metrics, c.epoch)));
    o.log?.(`resumed from ${ckptPath} after epoch ${c.epoch}${dropped > 0 ? ` (dropped ${dropped} metrics lines written after it)` : ''}`);
    if (first > o.epochs) o.log?.(`resume: the checkpoint is at epoch ${c.epoch} of ${o.epochs}; nothing to train (raise --epochs to train on)`);
  } else if (o.out) {
    const metrics = join(o.out, 'metrics.jsonl');
    write(metrics, () => writeFileSync(metrics, ''));
  }
  const record = (line: object): void => {
    if (!o.out) return;
    const metrics = join(o.out, 'metrics.jsonl');
    write(metrics, () => appendFileSync(metrics, `${JSON.stringify(line)}\n`));
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
      o.onBatch?.({ epoch, batch: ++batch, batches: loader.length, examples: seen, loss: lossSum / seen, accuracy: correct / seen });
      if (batch % 25 === 0) record({ kind: 'step', epoch, batch, loss: loss.item() });
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const testAccuracy = evaluate(model, o.model, test);
    const testAccuracyAveraged = opt instanceof ASGD ? opt.withAveraged(() => evaluate(model, o.model, test)) : null;
    const result: EpochResult = { epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testAccuracy, testAccuracyAveraged, seconds, examplesPerSecond: seen / seconds, settings: settings() };
    epochs.push(result);
    record({ kind: 'epoch', ...result });
    if (ckptPath) {
      write(ckptPath, () => saveCheckpoint(ckptPath, {
        epoch, model: model.stateDict(), optimizer: opt.stateDict(),
        rng: { global: defaultGenerator.getState(), loader: loader.generator.getState() },
        extra: { options: { ...o, onStart: undefined, onBatch: undefined, onEpoch: undefined, log: undefined }, epochs },
      }));
      checkpointed = epoch;
    }
    o.onEpoch?.(result);
  }
  if (o.out) {
    const summary = join(o.out, 'summary.json');
    write(summary, () => writeFileSync(summary, `${JSON.stringify({ options: { ...o, onStart: undefined, onBatch: undefined, onEpoch: undefined, log: undefined }, epochs, final: epochs[epochs.length - 1] ?? null }, null, 2)}\n`));
  }
  return { epochs, model };
}
