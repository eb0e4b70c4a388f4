import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, nn, type Tensor } from '@tensile/tensor';
import { Corpus, mobyDickSplits } from '../src/word-language-model/data.js';
import { RNNModel } from '../src/word-language-model/model.js';
import { TransformerModel } from '../src/word-language-model/transformer-model.js';
import { batchify, buildModel, DEFAULTS, getBatch, main, repackageHidden, train, type Args, type Run } from '../src/word-language-model/main.js';
import { parseFlags } from '../src/word-language-model/flags.js';

/**
 * Written by scripts/fixtures/word_language_model_fixtures.py: pytorch/examples' own data.py,
 * RNNModel and train loop (PyTorch 1.13, one thread), dropout 0, from PyTorch's initial weights,
 * `steps` batches at an lr where PyTorch's float32 and float64 runs agree to 1e-5.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'word-language-model');
interface Config {
  model: string; emsize: number; nhid: number; nlayers: number; tied: boolean; batch_size: number; bptt: number;
  losses32: number[]; losses64: number[]; weightsFloat32VsFloat64: number; lossesFloat32VsFloat64: number; trainBatches: number[][];
}
const parity = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as {
  steps: number; lr: number; ntokens: number; tokens: { train: number; valid: number; test: number; trainHead: number[]; trainSum: number }; configs: Config[];
};
const safetensors = (name: string): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, name)))).tensors;
const TOL = 1e-5;

const corpus = new Corpus(mobyDickSplits());

describe('word-language-model: data.py on the Moby-Dick split', () => {
  it("tokenizes as PyTorch's data.py: same sizes, dictionary and ids", () => {
    expect(corpus.dictionary.length).toBe(parity.ntokens);
    expect([corpus.train.shape[0], corpus.valid.shape[0], corpus.test.shape[0]]).toEqual([parity.tokens.train, parity.tokens.valid, parity.tokens.test]);
    expect(corpus.train.narrow(0, 0, 50).tolist()).toEqual(parity.tokens.trainHead);
    expect(corpus.train.sum().item()).toBe(parity.tokens.trainSum);
  });
});

describe('word-language-model: parity with PyTorch (losses and final weights)', () => {
  for (const cfg of parity.configs) {
    it(`${cfg.model}${cfg.tied ? ' tied' : ''}, ${cfg.nlayers} layer(s): ${parity.steps} steps of main.py's train() at lr ${parity.lr} match PyTorch to ${TOL}`, () => {
      // the fixture's own float32-vs-float64 agreement is what makes 1e-5 a fair bar
      expect(cfg.weightsFloat32VsFloat64).toBeLessThan(TOL);
      expect(cfg.lossesFloat32VsFloat64).toBeLessThan(TOL);
      const args: Args = { ...DEFAULTS, model: cfg.model, emsize: cfg.emsize, nhid: cfg.nhid, nlayers: cfg.nlayers, tied: cfg.tied, batchSize: cfg.batch_size, bptt: cfg.bptt, dropout: 0, lr: parity.lr, clip: 0.25 };
      const trainData = batchify(corpus.train, args.batchSize);
      expect(trainData.narrow(0, 0, cfg.trainBatches.length).tolist()).toEqual(cfg.trainBatches);
      const model = buildModel(args, corpus.dictionary.length) as RNNModel;
      const init = safetensors(`init-${cfg.model}.safetensors`);
      if (cfg.tied) {
        expect(model.decoder.weight).toBe(model.encoder.weight);
        init['decoder.weight'] = init['encoder.weight']!;
      }
      model.loadStateDict(init);
      const lines: string[] = [];
      const run: Run = { args, corpus, trainData, valData: trainData, testData: trainData, model, criterion: new nn.NLLLoss(), lr: args.lr, print: (l) => lines.push(l) };
      const losses = train(run, 1, parity.steps);
      expect(losses.length).toBe(parity.steps);
      losses.forEach((l, i) => {
        if (!(Math.abs(l - cfg.losses32[i]!) <= TOL)) expect.fail(`loss ${i}: got ${l}, PyTorch ${cfg.losses32[i]}`);
      });
      const want = safetensors(`final-${cfg.model}.safetensors`);
      const got = model.stateDict();
      for (const [k, w] of Object.entries(want)) {
        const a = got[k]!.toFloat32Array(), b = w.toFloat32Array();
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        if (!(worst <= TOL)) expect.fail(`${k}: max |diff| ${worst} from PyTorch's final weights`);
      }
    });
  }
});

describe('word-language-model: main.py pieces', () => {
  it('batchify lays the stream out in columns and get_batch shifts the target by one', () => {
    const data = batchify(corpus.train.narrow(0, 0, 26), 4); // 26 tokens, 4 columns of 6
    expect(data.shape).toEqual([6, 4]);
    expect(data.select(1, 1).tolist()).toEqual(corpus.train.narrow(0, 6, 6).tolist());
    const [x, y] = getBatch({ ...DEFAULTS, bptt: 4 }, data, 3); // only 2 rows left after row 3
    expect(x.shape).toEqual([2, 4]);
    expect(y.tolist()).toEqual(data.narrow(0, 4, 2).reshape(-1).tolist());
  });

  it('repackage_hidden detaches each state', () => {
    const m = new RNNModel('LSTM', 10, 4, 4, 1);
    const [, hidden] = m.call(batchify(corpus.train.narrow(0, 8, 8), 2).remainder(10), m.initHidden(2));
    const [h, c] = hidden as [Tensor, Tensor];
    expect(h.requiresGrad && c.requiresGrad).toBe(true);
    const [h2, c2] = repackageHidden(hidden) as [Tensor, Tensor];
    expect([h2.requiresGrad, c2.requiresGrad]).toEqual([false, false]);
  });

  it('--tied needs nhid == emsize, an unknown --model is refused', () => {
    expect(() => new RNNModel('LSTM', 10, 4, 5, 1, 0.5, true)).toThrow('When using the tied flag, nhid must be equal to emsize');
    expect(() => new RNNModel('RNN', 10, 4, 4, 1)).toThrow(/An invalid option for `--model` was supplied/);
    expect(parseFlags(['--model', 'Transformers'])).toEqual({ error: "--model must be one of RNN_TANH, RNN_RELU, LSTM, GRU, Transformer, got 'Transformers'" });
  });

  it('--model Transformer builds model.py\'s TransformerModel and trains through the same loop (--dry-run)', () => {
    expect(buildModel({ ...DEFAULTS, model: 'Transformer', emsize: 8, nhid: 8, nlayers: 1 }, 10)).toBeInstanceOf(TransformerModel);
    const lines: string[] = [];
    const r = main({ ...DEFAULTS, model: 'Transformer', emsize: 8, nhid: 8, nlayers: 1, epochs: 1, dryRun: true }, (l) => lines.push(l));
    expect(r.trainLosses).toHaveLength(1);
    expect(Number.isFinite(r.testLoss)).toBe(true);
    expect(lines.at(-2)).toMatch(/^\| End of training \| test loss +\d+\.\d\d \| test ppl +\d+\.\d\d$/);
  });

  it('--dry-run runs one batch per epoch and prints the end-of-epoch and test lines', () => {
    const lines: string[] = [];
    const r = main({ ...DEFAULTS, model: 'GRU', emsize: 8, nhid: 8, nlayers: 1, epochs: 2, dryRun: true }, (l) => lines.push(l));
    expect(r.trainLosses.map((l) => l.length)).toEqual([1, 1]);
    expect(lines.filter((l) => l.startsWith('| end of epoch')).length).toBe(2);
    expect(lines.at(-2)).toMatch(/^\| End of training \| test loss +\d+\.\d\d \| test ppl +\d+\.\d\d$/);
    expect(lines[2]).toMatch(/^\| end of epoch {3}1 \| time: +\d+\.\d\ds \| valid loss +\d+\.\d\d \| valid ppl +\d+\.\d\d$/);
  });
});

describe('word-language-model flags: main.py\'s names and defaults', () => {
  it('parses main.py\'s flags (--batch_size with its underscore) and keeps main.py\'s defaults but the size', () => {
    const f = parseFlags(['--model', 'GRU', '--emsize', '200', '--nhid', '200', '--batch_size', '10', '--bptt', '20', '--lr', '5', '--clip', '0.5', '--dropout', '0.5', '--tied', '--dry-run', '--log-interval', '50', '--save', 'm.safetensors']);
    expect(f).toEqual({ help: false, args: { ...DEFAULTS, model: 'GRU', emsize: 200, nhid: 200, batchSize: 10, bptt: 20, lr: 5, clip: 0.5, dropout: 0.5, tied: true, dryRun: true, logInterval: 50, save: 'm.safetensors' } });
    expect(DEFAULTS).toMatchObject({ model: 'LSTM', nlayers: 2, lr: 20, clip: 0.25, batchSize: 20, bptt: 35, dropout: 0.2, seed: 1111 });
    expect(parseFlags(['--help'])).toEqual({ help: true });
    expect(parseFlags(['--dropout', '1.5'])).toEqual({ error: "--dropout must be a number in [0, 1], got '1.5'" });
    expect(parseFlags(['--batch-size', '3'])).toEqual({ error: 'unknown flag --batch-size (see --help)' });
  });
});
