/**
 * The training worker: owns the digits, the model and the optimizer, trains in slices of about
 * 60 ms so it can answer the page (pause, predict, new hyper-parameters) between them, and
 * reports progress, held-out accuracy and predictions as messages (protocol.ts).
 */
import { F, Generator, getBackend, getNumThreadsReady, manualSeed, nn, noGrad, setNumThreads, tensor, wasmRelaxedSimd, zeros, type Tensor, int64 } from '@tensile/tensor';
import { ASGD, Adam, AdamW, SGD, type Optimizer } from '@tensile/optim';
import { PIXELS, decodeDigits, type Digits } from './digits.js';
import { GPT_SIZE, type Config, type FromWorker, type ToWorker } from './protocol.js';
import { GPTLanguageModel } from '../../examples/src/gpt/model.js';
import { batchAt, charData, randomOffsets, type CharData } from '../../examples/src/gpt/data.js';

const post = (m: FromWorker): void => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

function buildModel(kind: Config['model']): nn.Module {
  // The GPT of `npm run gpt` (apps/examples/src/gpt), its heads through F.scaledDotProductAttention.
  if (kind === 'gpt') return new GPTLanguageModel({ vocabSize: text!.chars.length, ...GPT_SIZE, attention: 'sdpa' });
  if (kind === 'mlp') return new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(16 * 5 * 5, 84), new nn.ReLU(), new nn.Linear(84, 10),
  );
}

/** The optimizer's options from the settings: camelCase keys, as its param groups hold them. */
function options(c: Config): Record<string, unknown> {
  switch (c.optimizer) {
    case 'asgd': return { lr: c.lr, lambd: c.lambd, alpha: c.alpha, t0: c.t0, weightDecay: c.weightDecay };
    case 'sgd': return { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay };
    case 'adam': case 'adamw': return { lr: c.lr, betas: [c.beta1, c.beta2], eps: c.eps, weightDecay: c.weightDecay };
  }
}

function buildOptimizer(c: Config, params: Tensor[]): Optimizer<object> {
  const Ctor = { asgd: ASGD, sgd: SGD, adam: Adam, adamw: AdamW }[c.optimizer];
  return new Ctor(params, options(c) as never) as unknown as Optimizer<object>;
}

/** `[n, 784]` for the MLP, `[n, 1, 28, 28]` for the CNN. */
const input = (kind: Config['model'], pixels: Float32Array, n: number): Tensor =>
  tensor(pixels, { shape: kind === 'cnn' ? [n, 1, 28, 28] : [n, PIXELS] });

interface Run {
  config: Config;
  model: nn.Module;
  opt: Optimizer<object>;
  order: Int32Array;
  at: number;
  step: number;
  epoch: number;
  gen: Generator;
  lossSum: number;
  lossCount: number;
  lastEval: number;
}

let digits: Digits | undefined;
let text: CharData | undefined;
let run: Run | undefined;
let running = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function newRun(config: Config): Run {
  manualSeed(config.seed);
  const model = buildModel(config.model);
  const gen = new Generator(config.seed + 1);
  return { config, model, opt: buildOptimizer(config, model.parameters()), order: shuffled(digits!.train.count, gen), at: 0, step: 0, epoch: 1, gen, lossSum: 0, lossCount: 0, lastEval: 0 };
}

/** A seeded Fisher–Yates permutation of 0..n-1 (one per epoch). */
function shuffled(n: number, g: Generator): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Hyper-parameters the optimizer reads from its param group at every step (as PyTorch's do),
 * so new values apply from the next step on; the group's keys are the options' camelCase names.
 */
function applyLive(r: Run, c: Config): void {
  // The constructor validates every option with PyTorch's messages: a bad value is refused here,
  // before it reaches the running optimizer's group.
  buildOptimizer({ ...c, optimizer: r.config.optimizer }, [zeros([1], { requiresGrad: true })]);
  Object.assign(r.opt.paramGroups[0]!, options({ ...c, optimizer: r.config.optimizer }));
  r.config = { ...c, model: r.config.model, optimizer: r.config.optimizer, batchSize: r.config.batchSize, evalEvery: r.config.evalEvery, seed: r.config.seed };
}

/** One GPT step: a batch of random windows of the text, the next character as the target. */
function gptStep(r: Run): void {
  const { train } = text!;
  const [x, y] = batchAt(train, randomOffsets(train, r.config.batchSize, GPT_SIZE.blockSize, r.gen), GPT_SIZE.blockSize);
  r.opt.zeroGrad();
  const loss = (r.model as GPTLanguageModel).loss(x, y);
  loss.backward();
  r.opt.step();
  r.lossSum += loss.item();
  r.lossCount++;
  r.step++;
}

/** The GPT's report: a sample drawn with multinomial, and the mean loss of 4 held-out batches. */
function gptSample(r: Run): void {
  const model = r.model as GPTLanguageModel;
  const { val, decode } = text!;
  model.eval();
  let valLoss = 0;
  noGrad(() => {
    for (let k = 0; k < 4; k++) valLoss += model.loss(...batchAt(val, randomOffsets(val, r.config.batchSize, GPT_SIZE.blockSize, r.gen), GPT_SIZE.blockSize)).item() / 4;
  });
  const sample = decode(model.generate([0], 100, r.gen).slice(1));
  model.train();
  r.lastEval = r.step;
  post({ type: 'sample', step: r.step, text: sample, valLoss });
}

let batchPixels = new Float32Array(0);

function trainStep(r: Run): void {
  if (r.config.model === 'gpt') return gptStep(r);
  const { train } = digits!;
  const b = Math.min(r.config.batchSize, train.count - r.at);
  // The batch is gathered into one buffer kept from step to step (tensor() copies it): a fresh
  // 200 KB array per step costs Chromium about 0.6 ms in page faults on the machine measured.
  if (batchPixels.length < b * PIXELS) batchPixels = new Float32Array(b * PIXELS);
  const x = batchPixels.subarray(0, b * PIXELS), y = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const k = r.order[r.at + i]!;
    x.set(train.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
    y[i] = train.labels[k]!;
  }
  r.opt.zeroGrad();
  const loss = F.crossEntropy(r.model.forward(input(r.config.model, x, b)) as Tensor, tensor(y, { dtype: int64 }));
  loss.backward();
  r.opt.step();
  r.lossSum += loss.item();
  r.lossCount++;
  r.step++;
  r.at += b;
  if (r.at >= train.count) {
    r.at = 0;
    r.epoch++;
    r.order = shuffled(train.count, r.gen);
  }
}

/** Accuracy on the held-out digits (the CNN on its first 1,000, to keep evaluation short). */
function accuracy(r: Run): number {
  const { test } = digits!;
  const n = r.config.model === 'cnn' ? Math.min(1000, test.count) : test.count;
  r.model.eval();
  let correct = 0;
  noGrad(() => {
    for (let s = 0; s < n; s += 500) {
      const b = Math.min(500, n - s);
      const pred = (r.model.forward(input(r.config.model, test.images.subarray(s * PIXELS, (s + b) * PIXELS), b)) as Tensor).argmax(1).toFloat32Array();
      for (let i = 0; i < b; i++) if (pred[i] === test.labels[s + i]) correct++;
    }
  });
  r.model.train();
  return correct / n;
}

function evaluate(r: Run): void {
  if (r.config.model === 'gpt') return gptSample(r);
  const live = accuracy(r);
  const averaged = r.opt instanceof ASGD ? r.opt.withAveraged(() => accuracy(r)) : null;
  r.lastEval = r.step;
  post({ type: 'eval', step: r.step, live, averaged });
}

function probabilities(r: Run, pixels: Float32Array): number[] {
  r.model.eval();
  const p = noGrad(() => F.softmax(r.model.forward(input(r.config.model, pixels, 1)) as Tensor, 1).toFloat32Array());
  r.model.train();
  return Array.from(p);
}

/** One slice of training: steps for about 60 ms, then a progress report and maybe an evaluation. */
function slice(): void {
  timer = undefined;
  const r = run;
  if (!running || !r) return;
  const start = performance.now(), firstStep = r.step;
  try {
    // The first 50 steps report every 5, so the chart shows the loss's first fall.
    do trainStep(r);
    while (performance.now() - start < 60 && !(r.step <= 50 && r.step % 5 === 0));
    const seconds = (performance.now() - start) / 1000;
    const steps = r.step - firstStep;
    post({ type: 'progress', step: r.step, epoch: r.epoch, loss: r.lossSum / r.lossCount, examplesPerSecond: (steps * r.config.batchSize) / seconds, threads: getNumThreadsReady() });
    r.lossSum = 0;
    r.lossCount = 0;
    if (r.step - r.lastEval >= r.config.evalEvery) evaluate(r);
  } catch (e) {
    running = false;
    post({ type: 'error', message: `training failed: ${(e as Error).message}`, input: false });
    return;
  }
  timer = setTimeout(slice, 0);
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'reset':
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      run = undefined; // settings the optimizer refuses leave no run: Start asks for new ones
      run = newRun(m.config);
      post({ type: 'reset', step: 0 });
      evaluate(run);
      return;
    case 'config':
      if (run) applyLive(run, m.config);
      return;
    case 'start':
      if (!run) {
        post({ type: 'running', running: false });
        throw new Error('no model: change the settings the optimizer refused, then press Reset');
      }
      running = true;
      if (timer === undefined) timer = setTimeout(slice, 0);
      post({ type: 'running', running: true });
      return;
    case 'pause':
      running = false;
      post({ type: 'running', running: false });
      return;
    case 'threads':
      // Web Workers on the kernels' shared memory; they take work once online (after this task).
      setNumThreads(m.n);
      return;
    case 'predict':
      if (!run || run.config.model === 'gpt') return;
      post({ type: 'prediction', id: m.id, live: probabilities(run, m.pixels), averaged: run.opt instanceof ASGD ? run.opt.withAveraged(() => probabilities(run!, m.pixels)) : null });
      return;
  }
}

async function init(): Promise<void> {
  const res = await fetch(new URL('digits.bin', import.meta.url));
  if (!res.ok) throw new Error(`cannot load digits.bin: HTTP ${res.status}`);
  digits = decodeDigits(new Uint8Array(await res.arrayBuffer()));
  const book = await fetch(new URL('moby-dick.txt', import.meta.url));
  if (!book.ok) throw new Error(`cannot load moby-dick.txt: HTTP ${book.status}`);
  text = charData(await book.text());
  post({
    type: 'ready', backend: getBackend(), relaxedSimd: wasmRelaxedSimd(), train: digits.train.count, test: digits.test.count,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, textChars: text.train.length,
  });
}

/** Handles one message; an error (a hyper-parameter the optimizer refuses, say) goes to the page. */
function safely(m: ToWorker): void {
  try {
    handle(m);
  } catch (e) {
    // Settings the optimizer refuses (reset and config validate them first): the page shows the
    // message; a run in progress goes on with the values it had.
    post({ type: 'error', message: (e as Error).message, input: true });
  }
}

const queue: ToWorker[] = [];
const ready = init().then(
  () => queue.splice(0).forEach(safely),
  (e: unknown) => post({ type: 'error', message: (e as Error).message, input: false }),
);
self.addEventListener('message', (e) => {
  const m = (e as MessageEvent<ToWorker>).data;
  if (digits) safely(m);
  else queue.push(m);
});
void ready;
