/**
 * pytorch/examples `word_language_model/main.py`, ported line for line: `batchify`,
 * `get_batch`, `repackage_hidden`, `evaluate`, `train` with `clip_grad_norm_` and the
 * hand-written SGD update, the log and perplexity lines, `--dry-run`, and the learning rate
 * divided by 4 when the validation loss does not improve. Python names become camelCase;
 * `model(x, h)` becomes `model.call(x, h)`; `with torch.no_grad():` becomes `noGrad(() => ...)`.
 *
 * Differences, each forced by the setting: the text is Moby-Dick chapters 1–12 shipped with the
 * repo (data.ts), not WikiText-2; the defaults make a run that ends in seconds (main.py's are in
 * `PYTORCH_DEFAULTS`, pass them as flags for the full-size model); the best model is kept in
 * memory and written (as PyTorch-keyed safetensors) only when `--save PATH` is given; there is
 * no `--onnx-export`, `--cuda` or `--mps`.
 */
import { writeFileSync } from 'node:fs';
import { encodeSafetensors, manualSeed, nn, noGrad, type Tensor } from '@tensile/tensor';
import { Corpus, mobyDickSplits } from './data.js';
import { RNNModel, type Hidden } from './model.js';
import { TransformerModel } from './transformer-model.js';
import { pyFixed } from '../pytorch-mnist/main.js';

/** main.py's argparse flags, camelCased. */
export interface Args {
  model: string;
  emsize: number;
  nhid: number;
  nlayers: number;
  lr: number;
  clip: number;
  epochs: number;
  batchSize: number;
  bptt: number;
  dropout: number;
  tied: boolean;
  seed: number;
  logInterval: number;
  save: string;
  nhead: number;
  dryRun: boolean;
}

/** main.py's own defaults (a 2-layer 200-unit LSTM for 40 epochs). */
export const PYTORCH_DEFAULTS: Args = {
  model: 'LSTM', emsize: 200, nhid: 200, nlayers: 2, lr: 20, clip: 0.25, epochs: 40, batchSize: 20, bptt: 35,
  dropout: 0.2, tied: false, seed: 1111, logInterval: 200, save: '', nhead: 2, dryRun: false,
};

/** This port's defaults: main.py's, with a smaller model, fewer epochs and a log every 10 batches, so the default run takes seconds. */
export const DEFAULTS: Args = { ...PYTORCH_DEFAULTS, emsize: 32, nhid: 32, epochs: 2, logInterval: 10 };

/** The recurrent choices of `--model`; `Transformer` is the fifth. */
export const MODELS = ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU', 'Transformer'] as const;

/** What main.py uses of model.py's `TransformerModel` (transformer-model.ts): `model(data)` gives log-probabilities `[seq, batch, ntoken]`. */
export interface TransformerLike extends nn.Module {
  forward(src: Tensor, hasMask?: boolean): Tensor;
}
export type LanguageModel = RNNModel | TransformerLike;

export type Print = (line: string) => void;

/** Python's `'{:Nd}'` / `'{:N.2f}'`: right-aligned in `width`. */
const pad = (s: string | number, width: number): string => String(s).padStart(width);

// Starting from sequential data, batchify arranges the dataset into columns.
// For instance, with the alphabet as the sequence and batch size 4, we'd get
// ┌ a g m s ┐
// │ b h n t │
// │ c i o u │
// │ d j p v │
// │ e k q w │
// └ f l r x ┘.
// These columns are treated as independent by the model, which means that the
// dependence of e. g. 'g' on 'f' can not be learned, but allows more efficient
// batch processing.
export function batchify(data: Tensor, bsz: number): Tensor {
  // Work out how cleanly we can divide the dataset into bsz parts.
  const nbatch = Math.floor(data.shape[0]! / bsz);
  // Trim off any extra elements that wouldn't cleanly fit (remainders).
  data = data.narrow(0, 0, nbatch * bsz);
  // Evenly divide the data across the bsz batches.
  data = data.view(bsz, -1).t().contiguous();
  return data;
}

/** Wraps hidden states in new Tensors, to detach them from their history. */
export function repackageHidden(h: Hidden): Hidden {
  if (!Array.isArray(h)) return h.detach();
  return [h[0].detach(), h[1].detach()];
}

// get_batch subdivides the source data into chunks of length args.bptt.
// If source is equal to the example output of the batchify function, with
// a bptt-limit of 2, we'd get the following two Variables for i = 0:
// ┌ a g m s ┐ ┌ b h n t ┐
// └ b h n t ┘ └ c i o u ┘
// Note that despite the name of the function, the subdivison of data is not
// done along the batch dimension (i.e. dimension 1), since that was handled
// by the batchify function. The chunks are along dimension 0, corresponding
// to the seq_len dimension in the LSTM.
export function getBatch(args: Args, source: Tensor, i: number): [Tensor, Tensor] {
  const seqLen = Math.min(args.bptt, source.shape[0]! - 1 - i);
  const data = source.narrow(0, i, seqLen);
  const target = source.narrow(0, i + 1, seqLen).reshape(-1);
  return [data, target];
}

/** The state `main.py` keeps in globals. */
export interface Run {
  args: Args;
  corpus: Corpus;
  trainData: Tensor;
  valData: Tensor;
  testData: Tensor;
  model: LanguageModel;
  criterion: nn.NLLLoss;
  lr: number;
  print: Print;
}

export const EVAL_BATCH_SIZE = 10;

function forwardStep(run: Run, data: Tensor, hidden: Hidden | null): [Tensor, Hidden | null] {
  const { model } = run;
  if (run.args.model === 'Transformer') {
    const output = (model as TransformerLike).call(data);
    return [output.view(-1, run.corpus.dictionary.length), null];
  }
  return (model as RNNModel).call(data, hidden!);
}

export function evaluate(run: Run, dataSource: Tensor): number {
  const { args, model, criterion } = run;
  // Turn on evaluation mode which disables dropout.
  model.eval();
  let totalLoss = 0;
  let hidden: Hidden | null = args.model !== 'Transformer' ? (model as RNNModel).initHidden(EVAL_BATCH_SIZE) : null;
  noGrad(() => {
    for (let i = 0; i < dataSource.shape[0]! - 1; i += args.bptt) {
      const [data, targets] = getBatch(args, dataSource, i);
      let output: Tensor;
      [output, hidden] = forwardStep(run, data, hidden);
      if (hidden !== null) hidden = repackageHidden(hidden);
      totalLoss += data.shape[0]! * criterion.call(output, targets).item();
    }
  });
  return totalLoss / (dataSource.shape[0]! - 1);
}

/** One epoch of main.py's `train()`; returns every batch's loss. `maxBatches` stops early (tests). */
export function train(run: Run, epoch: number, maxBatches = Infinity): number[] {
  const { args, model, criterion, trainData, print } = run;
  const losses: number[] = [];
  // Turn on training mode which enables dropout.
  model.train();
  let totalLoss = 0;
  let startTime = performance.now();
  let hidden: Hidden | null = args.model !== 'Transformer' ? (model as RNNModel).initHidden(args.batchSize) : null;
  for (let batch = 0, i = 0; i < trainData.shape[0]! - 1 && batch < maxBatches; batch++, i += args.bptt) {
    const [data, targets] = getBatch(args, trainData, i);
    // Starting each batch, we detach the hidden state from how it was previously produced.
    // If we didn't, the model would try backpropagating all the way to start of the dataset.
    model.zeroGrad();
    if (hidden !== null) hidden = repackageHidden(hidden);
    let output: Tensor;
    [output, hidden] = forwardStep(run, data, hidden);
    const loss = criterion.call(output, targets);
    loss.backward();

    // `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
    nn.utils.clipGradNorm_(model.parameters(), args.clip);
    noGrad(() => {
      for (const p of model.parameters()) p.add_(p.grad!, -run.lr);
    });

    const l = loss.item();
    losses.push(l);
    totalLoss += l;

    if (batch % args.logInterval === 0 && batch > 0) {
      const curLoss = totalLoss / args.logInterval;
      const elapsed = (performance.now() - startTime) / 1000;
      print(`| epoch ${pad(epoch, 3)} | ${pad(batch, 5)}/${pad(Math.floor(trainData.shape[0]! / args.bptt), 5)} batches | lr ${pyFixed(run.lr, 2).padStart(2, '0')} | ms/batch ${pad(pyFixed(elapsed * 1000 / args.logInterval, 2), 5)} | `
        + `loss ${pad(pyFixed(curLoss, 2), 5)} | ppl ${pad(pyFixed(Math.exp(curLoss), 2), 8)}`);
      totalLoss = 0;
      startTime = performance.now();
    }
    if (args.dryRun) break;
  }
  return losses;
}

/** Builds model.py's model for `--model` (main.py's `if args.model == 'Transformer': ... else: ...`). */
export function buildModel(args: Args, ntokens: number): LanguageModel {
  if (args.model === 'Transformer') return new TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout);
  return new RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied);
}

export interface MainResult {
  model: LanguageModel;
  trainLosses: number[][];
  valLosses: number[];
  testLoss: number;
  lrs: number[];
}

export function main(args: Args, print: Print = console.log): MainResult {
  // Set the random seed manually for reproducibility.
  manualSeed(args.seed);

  // Load data
  const corpus = new Corpus(mobyDickSplits());
  print(`Moby-Dick chapters 1-10 / 11 / 12: ${corpus.train.shape[0]} / ${corpus.valid.shape[0]} / ${corpus.test.shape[0]} tokens (train / valid / test), ${corpus.dictionary.length} words`);

  const trainData = batchify(corpus.train, args.batchSize);
  const valData = batchify(corpus.valid, EVAL_BATCH_SIZE);
  const testData = batchify(corpus.test, EVAL_BATCH_SIZE);

  // Build the model
  const ntokens = corpus.dictionary.length;
  const model = buildModel(args, ntokens);
  const criterion = new nn.NLLLoss();
  const run: Run = { args, corpus, trainData, valData, testData, model, criterion, lr: args.lr, print };
  const result: MainResult = { model, trainLosses: [], valLosses: [], testLoss: NaN, lrs: [] };

  // Loop over epochs.
  let bestValLoss: number | null = null;
  let best: nn.StateDict | null = null;
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const epochStartTime = performance.now();
    result.lrs.push(run.lr);
    result.trainLosses.push(train(run, epoch));
    const valLoss = evaluate(run, valData);
    result.valLosses.push(valLoss);
    print('-'.repeat(89));
    print(`| end of epoch ${pad(epoch, 3)} | time: ${pad(pyFixed((performance.now() - epochStartTime) / 1000, 2), 5)}s | valid loss ${pad(pyFixed(valLoss, 2), 5)} | `
      + `valid ppl ${pad(pyFixed(Math.exp(valLoss), 2), 8)}`);
    print('-'.repeat(89));
    // Save the model if the validation loss is the best we've seen so far.
    if (bestValLoss === null || valLoss < bestValLoss) {
      best = model.stateDict();
      if (args.save) writeFileSync(args.save, encodeSafetensors(best));
      bestValLoss = valLoss;
    } else {
      // Anneal the learning rate if no improvement has been seen in the validation dataset.
      run.lr /= 4.0;
    }
  }

  // Load the best saved model.
  if (best !== null) model.loadStateDict(best);
  // after load the rnn params are not a continuous chunk of memory
  // this makes them a continuous chunk, and will speed up forward pass
  // Currently, only rnn model supports flatten_parameters function.
  if (model instanceof RNNModel) model.rnn.flattenParameters();

  // Run on test data.
  const testLoss = evaluate(run, testData);
  result.testLoss = testLoss;
  print('='.repeat(89));
  print(`| End of training | test loss ${pad(pyFixed(testLoss, 2), 5)} | test ppl ${pad(pyFixed(Math.exp(testLoss), 2), 8)}`);
  print('='.repeat(89));
  return result;
}
