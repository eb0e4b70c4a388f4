/**
 * Trains the character-level GPT on apps/examples/data/moby-dick.txt, printing the train and
 * validation losses every `evalInterval` steps and samples drawn with `multinomial`, as the
 * lecture's gpt.py. The default run is small (about half a minute on one core); the flags make
 * it the lecture's size (`--n-embd 384 --n-head 6 --n-layer 6 --block-size 256 --batch-size 64
 * --dropout 0.2 --lr 3e-4 --iters 5000`, hours here).
 */
import { Generator, manualSeed, noGrad } from '@tensile/tensor';
import { AdamW } from '@tensile/optim';
import { batchAt, charData, randomOffsets, type CharData } from './data.js';
import { loadText } from './text.js';
import { GPTLanguageModel, type GPTConfig } from './model.js';

export interface Args {
  iters: number;
  batchSize: number;
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  lr: number;
  evalInterval: number;
  evalIters: number;
  sampleTokens: number;
  seed: number;
  attention: 'tril' | 'sdpa';
  activation: 'gelu' | 'relu';
}

export const DEFAULTS: Args = {
  iters: 250, batchSize: 16, blockSize: 32, nEmbd: 32, nHead: 4, nLayer: 2, dropout: 0.1, lr: 3e-3,
  evalInterval: 125, evalIters: 10, sampleTokens: 200, seed: 1337, attention: 'tril', activation: 'gelu',
};

/** The lecture's `estimate_loss`: the mean loss of `evalIters` random batches of each split, in eval mode. */
export function estimateLoss(model: GPTLanguageModel, data: CharData, args: Args, generator: Generator): { train: number; val: number } {
  model.eval();
  const out = noGrad(() => {
    const mean = (split: Int32Array): number => {
      let s = 0;
      for (let k = 0; k < args.evalIters; k++) {
        const [x, y] = batchAt(split, randomOffsets(split, args.batchSize, args.blockSize, generator), args.blockSize);
        s += model.loss(x, y).item();
      }
      return s / args.evalIters;
    };
    return { train: mean(data.train), val: mean(data.val) };
  });
  model.train();
  return out;
}

export interface RunResult {
  losses: { step: number; train: number; val: number }[];
  sample: string;
  seconds: number;
}

export function main(args: Args, log: (line: string) => void = console.log): RunResult {
  manualSeed(args.seed);
  const data = charData(loadText());
  const config: GPTConfig = {
    vocabSize: data.chars.length, blockSize: args.blockSize, nEmbd: args.nEmbd, nHead: args.nHead, nLayer: args.nLayer,
    dropout: args.dropout, attention: args.attention, activation: args.activation,
  };
  const model = new GPTLanguageModel(config);
  const nParams = model.parameters().reduce((s, p) => s + p.numel(), 0);
  log(`${(nParams / 1e6).toFixed(3)} M parameters, vocabulary ${data.chars.length}, ${data.train.length} training characters, attention '${args.attention}'`);
  const optimizer = new AdamW(model.parameters(), { lr: args.lr });
  const batches = new Generator(args.seed);
  const evals = new Generator(args.seed + 1);
  const sampler = new Generator(args.seed + 2);
  const losses: RunResult['losses'] = [];
  const start = performance.now();
  for (let iter = 0; iter < args.iters; iter++) {
    if (iter % args.evalInterval === 0 || iter === args.iters - 1) {
      const l = estimateLoss(model, data, args, evals);
      losses.push({ step: iter, ...l });
      log(`step ${iter}: train loss ${l.train.toFixed(4)}, val loss ${l.val.toFixed(4)}`);
      log(`  sample: ${JSON.stringify(data.decode(model.generate([0], 60, sampler).slice(1)))}`);
    }
    const [xb, yb] = batchAt(data.train, randomOffsets(data.train, args.batchSize, args.blockSize, batches), args.blockSize);
    const loss = model.loss(xb, yb);
    optimizer.zeroGrad(true);
    loss.backward();
    optimizer.step();
  }
  const seconds = (performance.now() - start) / 1000;
  const sample = data.decode(model.generate([0], args.sampleTokens, sampler).slice(1));
  log(`\n${sample}\n`);
  log(`${args.iters} steps in ${seconds.toFixed(1)} s`);
  return { losses, sample, seconds };
}
