import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, int64, nn, noGrad, tensor, type Tensor } from '@tensile/tensor';
import { PositionalEncoding, TransformerModel } from '../src/word-language-model/transformer-model.js';

/** Written by scripts/fixtures/transformer_model_fixtures.py (PyTorch 1.13, model.py as published). */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'transformer-model');
interface Parity {
  config: { ntoken: number; ninp: number; nhead: number; nhid: number; nlayers: number; dropout: number };
  keys: string[];
  pe: number[];
  data: number[];
  seq: number;
  batch: number;
  targets: number[];
  steps: number;
  lr: number;
  clip: number;
  logProbs: number[];
  logProbsErr32: number;
  logProbsNoMask: number[];
  logProbsNoMaskErr32: number;
  losses: number[];
  losses64: number[];
}
const parity = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as Parity;
const init = (): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, 'init.safetensors')))).tensors;
const { ntoken, ninp, nhead, nhid, nlayers, dropout } = parity.config;

function model(): TransformerModel {
  const m = new TransformerModel(ntoken, ninp, nhead, nhid, nlayers, dropout);
  // pos_encoder.pe is recomputed, not stored (5000 rows)
  const r = m.loadStateDict(init(), { strict: false });
  expect(r.missingKeys).toEqual(['pos_encoder.pe']);
  expect(r.unexpectedKeys).toEqual([]);
  return m.eval();
}
const src = (): Tensor => tensor(parity.data, { shape: [parity.seq, parity.batch], dtype: int64 });

describe("word_language_model's TransformerModel: parity with PyTorch from the same weights", () => {
  it("has PyTorch's state-dict keys in PyTorch's order (the replaced decoder keeps its place)", () => {
    expect(Object.keys(new TransformerModel(ntoken, ninp, nhead, nhid, nlayers, dropout).stateDict())).toEqual(parity.keys);
  });

  it("PositionalEncoding's pe matches PyTorch's float32 sin/cos table", () => {
    const pe = new PositionalEncoding(ninp).pe;
    expect(pe.shape).toEqual([5000, 1, ninp]);
    const got = pe.narrow(0, 0, parity.seq).reshape(-1).toFloat32Array();
    parity.pe.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(v))));
  });

  for (const hasMask of [true, false]) {
    it(`forward(src, ${hasMask}): log-probs [seq, batch, ntoken] within 8x PyTorch's float32 error of its float64 run`, () => {
      const m = model();
      const out = noGrad(() => m.call(src(), hasMask));
      expect(out.shape).toEqual([parity.seq, parity.batch, ntoken]);
      const want = hasMask ? parity.logProbs : parity.logProbsNoMask;
      const tol = 8 * (hasMask ? parity.logProbsErr32 : parity.logProbsNoMaskErr32) + 1e-6;
      const got = out.toFloat32Array();
      want.forEach((w, i) => {
        if (!(Math.abs(got[i]! - w) <= tol)) expect.fail(`logProbs[${i}]: ${got[i]}, PyTorch float64 ${w} (tol ${tol})`);
      });
      expect(m.srcMask === null).toBe(!hasMask);
    });
  }

  it(`${parity.steps} steps of main.py's train() (NLLLoss, clip_grad_norm_ ${parity.clip}, p -= lr·grad, lr ${parity.lr}): every loss within 1e-5 of PyTorch's float64 run`, () => {
    const m = model();
    const targets = tensor(parity.targets, { dtype: int64 });
    const criterion = new nn.NLLLoss();
    const losses: number[] = [];
    for (let s = 0; s < parity.steps; s++) {
      m.zeroGrad();
      let output = m.call(src());
      output = output.view(-1, ntoken);
      const loss = criterion.call(output, targets);
      loss.backward();
      nn.utils.clipGradNorm_(m.parameters(), parity.clip);
      noGrad(() => {
        for (const p of m.parameters()) p.add_(p.grad!, -parity.lr);
      });
      losses.push(loss.item());
    }
    losses.forEach((l, i) => {
      if (!(Math.abs(l - parity.losses64[i]!) <= 1e-5)) expect.fail(`step ${i}: loss ${l}, PyTorch float64 ${parity.losses64[i]} (float32 ${parity.losses[i]})`);
    });
    console.log(`transformer-model parity: max |loss - PyTorch float64| ${Math.max(...losses.map((l, i) => Math.abs(l - parity.losses64[i]!))).toExponential(2)} over ${parity.steps} steps`);
  });

  it("model.py's mask is log(tril(ones)): 0 on and below the diagonal, -inf above, the same as nn.Transformer's", () => {
    const m = new TransformerModel(ntoken, ninp, nhead, nhid, nlayers);
    expect(Array.from(m.generateSquareSubsequentMask(4).toFloat32Array())).toEqual(Array.from(nn.Transformer.generateSquareSubsequentMask(4).toFloat32Array()));
  });

  it('the mask makes it causal: a later token does not change earlier log-probs; without it, it does', () => {
    const m = model();
    const a = src();
    const ids = parity.data.slice();
    ids[(parity.seq - 1) * parity.batch] = (ids[(parity.seq - 1) * parity.batch]! + 1) % ntoken; // last position, batch 0
    const b = tensor(ids, { shape: [parity.seq, parity.batch], dtype: int64 });
    const head = (t: Tensor): number[] => Array.from(t.narrow(0, 0, parity.seq - 1).toFloat32Array());
    expect(head(m.call(a))).toEqual(head(m.call(b)));
    expect(head(m.call(a, false))).not.toEqual(head(m.call(b, false)));
  });

  it('dropout reaches the positional encoding only; eval() turns all off', () => {
    const m = new TransformerModel(ntoken, ninp, nhead, nhid, nlayers, 0.3);
    expect(m.pos_encoder.dropout.p).toBe(0.3);
    expect((m.encoder as nn.TransformerEncoder).layers.at(0)).toHaveProperty('dropout.p', 0.1);
    m.eval();
    expect(m.modules().every((x) => !x.training)).toBe(true);
  });
});
