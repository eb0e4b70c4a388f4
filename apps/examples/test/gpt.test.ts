import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, manualSeed, noGrad, type Tensor } from '@tensile/tensor';
import { AdamW } from '@tensile/optim';
import { batchAt, charData } from '../src/gpt/data.js';
import { loadText } from '../src/gpt/text.js';
import { GPTLanguageModel } from '../src/gpt/model.js';
import { parseFlags } from '../src/gpt/flags.js';

/** Written by scripts/fixtures/gpt_fixtures.py (PyTorch 1.13). */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'gpt');
interface Parity {
  config: { blockSize: number; nEmbd: number; nHead: number; nLayer: number; dropout: number; batchSize: number; vocabSize: number };
  steps: number;
  lr: number;
  offsets: number[][];
  float32: { losses: number[]; final: number };
  float64: { losses: number[]; final: number };
  wide: { loss: number; loss32: number; grads: Record<string, number[]>; err32: Record<string, number> };
}
const parity = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as Parity;
const weights = (file: string): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, file)))).tensors;
const init = (): Record<string, Tensor> => weights('init.safetensors');
// PyTorch's float32 run is within 1e-6 of its float64 run on every step: tensile's must be within 1e-5.
const TOL = 1e-5;
const data = charData(loadText());

function run(attention: 'tril' | 'sdpa'): { losses: number[]; final: number } {
  const model = new GPTLanguageModel({ ...parity.config, attention });
  model.loadStateDict(init());
  const opt = new AdamW(model.parameters(), { lr: parity.lr });
  const losses: number[] = [];
  for (let s = 0; s < parity.steps; s++) {
    const [x, y] = batchAt(data.train, parity.offsets[s]!, parity.config.blockSize);
    const loss = model.loss(x, y);
    losses.push(loss.item());
    opt.zeroGrad(true);
    loss.backward();
    opt.step();
  }
  const [x, y] = batchAt(data.train, parity.offsets[parity.steps]!, parity.config.blockSize);
  return { losses, final: noGrad(() => model.loss(x, y).item()) };
}

describe('gpt: parity with PyTorch from the same weights and batches', () => {
  it('the vocabulary is PyTorch\'s sorted(set(text))', () => {
    expect(data.chars.length).toBe(parity.config.vocabSize);
    expect(data.decode(data.encode('Call me Ishmael.'))).toBe('Call me Ishmael.');
  });

  it("state-dict keys are PyTorch's", () => {
    const model = new GPTLanguageModel({ ...parity.config, attention: 'tril' });
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(init()));
  });

  for (const attention of ['tril', 'sdpa'] as const) {
    it(`attention '${attention}': ${parity.steps} AdamW steps, each loss within ${TOL} of PyTorch's float64 run`, () => {
      const { losses, final } = run(attention);
      losses.forEach((l, i) => {
        if (!(Math.abs(l - parity.float64.losses[i]!) <= TOL)) expect.fail(`step ${i}: loss ${l}, PyTorch float64 ${parity.float64.losses[i]} (float32 ${parity.float32.losses[i]})`);
      });
      expect(Math.abs(final - parity.float64.final)).toBeLessThanOrEqual(TOL);
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! - 0.5); // it learns
      console.log(`gpt parity '${attention}': max |loss - PyTorch float64| ${Math.max(...losses.map((l, i) => Math.abs(l - parity.float64.losses[i]!))).toExponential(2)} over ${parity.steps} steps`);
    }, 60_000);
  }
});

describe('gpt: parity of every gradient from weights whose attention is far from uniform', () => {
  // From the init's tiny weights attention is nearly uniform and a wrong term inside it barely
  // moves the first losses; here every attention weight matters.
  for (const attention of ['tril', 'sdpa'] as const) {
    it(`attention '${attention}': the loss and every parameter's gradient, within 8x PyTorch's float32 error of its float64 run`, () => {
      const model = new GPTLanguageModel({ ...parity.config, attention });
      model.loadStateDict(weights('wide.safetensors'));
      const [x, y] = batchAt(data.train, parity.offsets[0]!, parity.config.blockSize);
      const loss = model.loss(x, y);
      expect(Math.abs(loss.item() - parity.wide.loss)).toBeLessThanOrEqual(4 * Math.abs(parity.wide.loss32 - parity.wide.loss) + 2e-6);
      loss.backward();
      const params = new Map(model.namedParameters());
      expect([...params.keys()].sort()).toEqual(Object.keys(parity.wide.grads).sort());
      for (const [name, want] of Object.entries(parity.wide.grads)) {
        const got = params.get(name)!.grad!.toFloat32Array();
        const maxAbs = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const tol = 8 * parity.wide.err32[name]! + 2 ** -22 * maxAbs + 1e-9;
        want.forEach((w, i) => {
          if (!(Math.abs(got[i]! - w) <= tol)) expect.fail(`${name}[${i}]: grad ${got[i]}, PyTorch float64 ${w} (tol ${tol})`);
        });
      }
    });
  }
});

describe('gpt: the two attention forms and sampling', () => {
  it('tril + maskedFill and F.scaledDotProductAttention agree on the same weights', () => {
    const a = new GPTLanguageModel({ ...parity.config, attention: 'tril' });
    const b = new GPTLanguageModel({ ...parity.config, attention: 'sdpa' });
    a.loadStateDict(init());
    b.loadStateDict(init());
    const [x] = batchAt(data.train, [0, 100], parity.config.blockSize);
    const la = Array.from(a.call(x).toFloat32Array()), lb = Array.from(b.call(x).toFloat32Array());
    expect(la.reduce((m, v, i) => Math.max(m, Math.abs(v - lb[i]!)), 0)).toBeLessThan(1e-6);
  });

  it('a position never sees the future: changing a later token leaves earlier logits unchanged', () => {
    const model = new GPTLanguageModel({ ...parity.config, attention: 'sdpa' });
    model.loadStateDict(init());
    const [x] = batchAt(data.train, [500], 8);
    const ids = Array.from(x.toBigInt64Array(), Number);
    const y = ids.slice();
    y[6] = (y[6]! + 1) % parity.config.vocabSize;
    const [a] = batchAt(Int32Array.from(ids), [0], 8);
    const [b] = batchAt(Int32Array.from([...y, 0]), [0], 8);
    const la = Array.from(model.call(a).toFloat32Array()), lb = Array.from(model.call(b).toFloat32Array());
    const V = parity.config.vocabSize;
    expect(la.slice(0, 6 * V)).toEqual(lb.slice(0, 6 * V));
    expect(la.slice(6 * V)).not.toEqual(lb.slice(6 * V));
  });

  it('generate draws in-vocabulary tokens, deterministic under a seed, past the context length', () => {
    const model = new GPTLanguageModel({ ...parity.config, attention: 'tril' });
    manualSeed(0);
    const a = model.generate([0], parity.config.blockSize + 4);
    manualSeed(1);
    const b = model.generate([0], parity.config.blockSize + 4);
    expect(a.length).toBe(parity.config.blockSize + 5);
    expect(a.every((t) => t >= 0 && t < parity.config.vocabSize)).toBe(true);
    expect(a).not.toEqual(b);
    manualSeed(0);
    expect(model.generate([0], parity.config.blockSize + 4)).toEqual(a);
  });

  it('flags: defaults, values and errors', () => {
    const f = parseFlags(['--iters', '5', '--attention', 'sdpa']);
    expect('args' in f && f.args.iters === 5 && f.args.attention === 'sdpa').toBe(true);
    expect(parseFlags(['--attention', 'flash'])).toEqual({ error: `--attention must be 'tril' or 'sdpa', got "flash"` });
    expect(parseFlags(['--n-embd', '30', '--n-head', '4'])).toEqual({ error: '--n-embd (30) must be divisible by --n-head (4)' });
    expect(parseFlags(['--bogus'])).toHaveProperty('error');
  });
});
