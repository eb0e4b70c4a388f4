import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * Behaviour of issue 23's attention beyond the PyTorch fixtures (attention-parity.test.ts):
 * construction (parameters, PyTorch's init, state-dict keys, both call forms), dropout only in
 * training, stacks as deep copies, the causal mask, a hand-computed attention, and the errors.
 */
const { F, nn, tensor, randn, manualSeed } = T;
const arr = (t: T.Tensor): number[] => Array.from(t.toFloat32Array());
const maxDiff = (a: T.Tensor, b: T.Tensor): number => arr(a).reduce((m, v, i) => Math.max(m, Math.abs(v - arr(b)[i]!)), 0);

describe('F.scaledDotProductAttention', () => {
  it('computes softmax(q·kᵀ/√E)·v on a hand-checked case', () => {
    const q = tensor([[1, 0]]), k = tensor([[1, 0], [0, 1]]), v = tensor([[1, 2], [3, 4]]);
    const w0 = Math.exp(1 / Math.SQRT2) / (Math.exp(1 / Math.SQRT2) + 1);
    const out = F.scaledDotProductAttention(q, k, v);
    expect(arr(out)[0]).toBeCloseTo(w0 * 1 + (1 - w0) * 3, 6);
    expect(arr(out)[1]).toBeCloseTo(w0 * 2 + (1 - w0) * 4, 6);
  });

  it('bool mask: true takes part (the opposite of MultiheadAttention)', () => {
    const q = randn([3, 4]), k = randn([5, 4]), v = randn([5, 2]);
    const keep = tensor([true, false, true, true, false]);
    const out = F.scaledDotProductAttention(q, k, v, { attnMask: keep });
    const idx = tensor([0, 2, 3], { dtype: T.int64 });
    const ref = F.scaledDotProductAttention(q, k.indexSelect(0, idx), v.indexSelect(0, idx), { scale: 1 / 2 });
    expect(maxDiff(out, ref)).toBeLessThan(1e-6);
  });

  it('isCausal equals the float causal mask added', () => {
    const q = randn([2, 5, 4]);
    const a = F.scaledDotProductAttention(q, q, q, { isCausal: true });
    const b = F.scaledDotProductAttention(q, q, q, { attnMask: nn.Transformer.generateSquareSubsequentMask(5) });
    expect(maxDiff(a, b)).toBe(0);
  });

  it('applies dropout whenever dropoutP is non-zero (no training flag), and not at 0', () => {
    manualSeed(0);
    const q = randn([6, 4]);
    const plain = F.scaledDotProductAttention(q, q, q);
    expect(maxDiff(F.scaledDotProductAttention(q, q, q, { dropoutP: 0 }), plain)).toBe(0);
    expect(maxDiff(F.scaledDotProductAttention(q, q, q, { dropoutP: 0.5 }), plain)).toBeGreaterThan(1e-3);
    expect(arr(F.scaledDotProductAttention(q, q, q, { dropoutP: 1 })).every((x) => x === 0)).toBe(true);
  });

  it('a query with every key masked out gives NaN, as the documented formula', () => {
    const out = F.scaledDotProductAttention(randn([1, 2]), randn([2, 2]), randn([2, 2]), { attnMask: tensor([false, false]) });
    expect(arr(out).every(Number.isNaN)).toBe(true);
  });
});

describe('nn.MultiheadAttention construction', () => {
  it("registers PyTorch's parameters in PyTorch's state-dict order", () => {
    expect(Object.keys(new nn.MultiheadAttention(8, 2).stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(Object.keys(new nn.MultiheadAttention(8, 2, 0, true, true, false, 5, 3).stateDict())).toEqual([
      'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'out_proj.weight', 'out_proj.bias',
    ]);
    const m = new nn.MultiheadAttention(8, 2, { bias: false, kdim: 5, vdim: 3 });
    expect(Object.keys(m.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'out_proj.weight']);
    expect(m.kProjWeight!.shape).toEqual([8, 5]);
    expect(m.vProjWeight!.shape).toEqual([8, 3]);
    expect(m.inProjWeight).toBeNull();
  });

  it("initialises as PyTorch's _reset_parameters: Xavier-uniform in_proj, zero biases, Xavier-normal bias_k/v", () => {
    const m = new nn.MultiheadAttention(64, 4, { addBiasKv: true, generator: new T.Generator(1) });
    const w = arr(m.inProjWeight!);
    const bound = Math.sqrt(6 / (64 + 192));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(arr(m.inProjBias!).every((x) => x === 0)).toBe(true);
    expect(arr(m.outProj.bias!).every((x) => x === 0)).toBe(true);
    const ob = 1 / Math.sqrt(64); // out_proj weight keeps Linear's init
    expect(Math.max(...arr(m.outProj.weight).map(Math.abs))).toBeLessThanOrEqual(ob);
    const bk = arr(m.biasK!);
    const std = Math.sqrt(bk.reduce((s, x) => s + x * x, 0) / bk.length);
    expect(std).toBeGreaterThan(0.09); // xavier_normal_ of [1, 1, 64]: std √(2/128) = 0.125
    expect(std).toBeLessThan(0.16);
  });

  it('takes the positional form and the options bag alike', () => {
    const a = new nn.MultiheadAttention(8, 2, 0.1, false, false, true, null, null, true);
    expect([a.dropout, a.inProjBias, a.addZeroAttn, a.batchFirst]).toEqual([0.1, null, true, true]);
    const b = new nn.MultiheadAttention(8, 2, { dropout: 0.1, bias: false, addZeroAttn: true, batchFirst: true });
    expect(Object.keys(b.stateDict())).toEqual(Object.keys(a.stateDict()));
  });

  it('forward takes PyTorch positional order (keyPaddingMask, needWeights, attnMask, averageAttnWeights) and the bag', () => {
    const m = new nn.MultiheadAttention(8, 2);
    const x = randn([4, 2, 8]);
    const kpm = tensor([[false, false, true, true], [false, false, false, false]]);
    const mask = nn.Transformer.generateSquareSubsequentMask(4);
    const [o1, w1] = m.call(x, x, x, kpm, true, mask, false);
    const [o2, w2] = m.call(x, x, x, { keyPaddingMask: kpm, attnMask: mask, averageAttnWeights: false });
    expect(maxDiff(o1, o2)).toBe(0);
    expect(w1!.shape).toEqual([2, 2, 4, 4]);
    expect(maxDiff(w1!, w2!)).toBe(0);
    expect(m.call(x, x, x, null, false)[1]).toBeNull();
    // a padded key gets no weight
    expect(arr(w1!.select(0, 0).select(2, 2)).every((v) => v === 0)).toBe(true);
  });

  it('dropout on the weights in training only', () => {
    manualSeed(3);
    const m = new nn.MultiheadAttention(8, 2, 0.5);
    const x = randn([5, 1, 8]);
    const [, wTrain] = m.call(x, x, x);
    m.eval();
    const [outEval, wEval] = m.call(x, x, x);
    expect(maxDiff(wTrain!, wEval!)).toBeGreaterThan(1e-3);
    const rowSums = arr(wEval!.sum(-1));
    for (const s of rowSums) expect(s).toBeCloseTo(1, 5);
    const m0 = new nn.MultiheadAttention(8, 2, 0);
    m0.loadStateDict(m.stateDict());
    expect(maxDiff(m0.call(x, x, x)[0], outEval)).toBe(0);
  });

  it('unbatched input gives unbatched output and weights; a [heads, L, S] mask applies per head', () => {
    const m = new nn.MultiheadAttention(8, 4);
    const [o, w] = m.call(randn([3, 8]), randn([5, 8]), randn([5, 8]));
    expect(o.shape).toEqual([3, 8]);
    expect(w!.shape).toEqual([3, 5]);
    const mask = T.zeros([4, 3, 5], { dtype: T.bool });
    const [, wh] = m.call(randn([3, 8]), randn([5, 8]), randn([5, 8]), { attnMask: mask, averageAttnWeights: false });
    expect(wh!.shape).toEqual([4, 3, 5]);
  });

  it('isCausal without padding or weights uses the causal mask, as PyTorch hands the hint to SDPA', () => {
    const m = new nn.MultiheadAttention(8, 2);
    const x = randn([5, 2, 8]);
    const causal = nn.Transformer.generateSquareSubsequentMask(5);
    const other = T.eq(T.rand([5, 5]), 2); // all false: lets every key through
    const [a] = m.call(x, x, x, { attnMask: other, isCausal: true, needWeights: false });
    const [b] = m.call(x, x, x, { attnMask: causal, needWeights: false });
    expect(maxDiff(a, b)).toBeLessThan(1e-6);
    // with weights to return, the given mask is used
    const [c] = m.call(x, x, x, { attnMask: other, isCausal: true });
    const [d] = m.call(x, x, x, { attnMask: other });
    expect(maxDiff(c, d)).toBe(0);
    expect(maxDiff(c, b)).toBeGreaterThan(1e-4);
  });

  it('fuses the projection only for self-attention: (x, x, y) equals (x, x.clone(), y)', () => {
    const m = new nn.MultiheadAttention(8, 2);
    const x = randn([4, 2, 8]), y = randn([4, 2, 8]);
    expect(maxDiff(m.call(x, x, y)[0], m.call(x, x.clone(), y)[0])).toBeLessThan(1e-6);
    expect(maxDiff(m.call(x, y, y)[0], m.call(x, y.clone(), y)[0])).toBeLessThan(1e-6);
  });

  it('batched input of batch 1 stays batched; unbatched input is the same with or without batchFirst', () => {
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const [o, w] = m.call(randn([1, 3, 8]), randn([1, 5, 8]), randn([1, 5, 8]));
    expect(o.shape).toEqual([1, 3, 8]);
    expect(w!.shape).toEqual([1, 3, 5]);
    const n = new nn.MultiheadAttention(8, 2);
    n.loadStateDict(m.stateDict());
    const q = randn([3, 8]), k = randn([5, 8]);
    expect(maxDiff(m.call(q, k, k)[0], n.call(q, k, k)[0])).toBe(0);
  });

  it('addBiasKv and addZeroAttn work without masks and in float64', () => {
    for (const opts of [{ addBiasKv: true }, { addZeroAttn: true }, { addBiasKv: true, addZeroAttn: true }]) {
      const m = new nn.MultiheadAttention(8, 2, opts);
      const x = randn([3, 2, 8]);
      const [o, w] = m.call(x, x, x);
      expect(o.shape).toEqual([3, 2, 8]);
      expect(w!.shape).toEqual([2, 3, 3 + Object.keys(opts).length]);
      m.double();
      const xd = x.double();
      const [od] = m.call(xd, xd, xd, { attnMask: T.tensor([[false, true, false], [false, false, false], [false, false, false]]) });
      expect(od.dtype).toBe(T.float64);
    }
  });

  it('initialises separate projections (kdim or vdim other than E) and bias_v; a generator makes it repeatable', () => {
    for (const [kdim, vdim] of [[8, 3], [3, 8]] as const) {
      const m = new nn.MultiheadAttention(8, 2, { kdim, vdim, addBiasKv: true });
      expect(m.inProjWeight).toBeNull();
      for (const t of [m.qProjWeight!, m.kProjWeight!, m.vProjWeight!, m.biasV!]) expect(arr(t).some((v) => v !== 0)).toBe(true);
    }
    const a = new nn.MultiheadAttention(8, 2, { generator: new T.Generator(5) });
    const b = new nn.MultiheadAttention(8, 2, { generator: new T.Generator(5) });
    const c = new nn.MultiheadAttention(8, 2, { generator: new T.Generator(6) });
    expect(arr(a.inProjWeight!)).toEqual(arr(b.inProjWeight!));
    expect(arr(a.outProj.weight)).toEqual(arr(b.outProj.weight));
    expect(arr(a.inProjWeight!)).not.toEqual(arr(c.inProjWeight!));
    expect(new nn.MultiheadAttention(8, 2, 1).dropout).toBe(1);
  });

  it("prints as PyTorch's, inside a layer too", () => {
    expect(String(new nn.MultiheadAttention(8, 2))).toBe('MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)');
    expect(new nn.MultiheadAttention(8, 2).outProj).toBeInstanceOf(nn.Linear);
    expect(String(new nn.TransformerEncoderLayer(8, 2, 16, 0.1, 'gelu', 1e-5, true))).toBe([
      'TransformerEncoderLayer(',
      '  (self_attn): MultiheadAttention(',
      '    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)',
      '  )',
      '  (linear1): Linear(in_features=8, out_features=16, bias=True)',
      '  (dropout): Dropout(p=0.1, inplace=False)',
      '  (linear2): Linear(in_features=16, out_features=8, bias=True)',
      '  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
      '  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
      '  (dropout1): Dropout(p=0.1, inplace=False)',
      '  (dropout2): Dropout(p=0.1, inplace=False)',
      ')',
    ].join('\n'));
  });
});

describe('Transformer layers', () => {
  it("state-dict keys are PyTorch's", () => {
    const enc = new nn.TransformerEncoderLayer(8, 2, 16);
    expect(Object.keys(enc.stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ]);
    const dec = new nn.TransformerDecoderLayer(8, 2, 16, 0.1, 'gelu', 1e-5, false, false, false);
    expect(Object.keys(dec.stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'multihead_attn.in_proj_weight', 'multihead_attn.out_proj.weight',
      'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight', 'norm3.weight',
    ]);
    const tr = new nn.Transformer(8, 2, 1, 1, 16);
    const keys = Object.keys(tr.stateDict());
    expect(keys[0]).toBe('encoder.layers.0.self_attn.in_proj_weight');
    expect(keys).toContain('encoder.norm.weight');
    expect(keys).toContain('decoder.layers.0.multihead_attn.in_proj_weight');
    expect(keys[keys.length - 1]).toBe('decoder.norm.bias');
  });

  it('the stacks hold deep copies: identical initial weights, separate parameters', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16);
    const enc = new nn.TransformerEncoder(layer, 3);
    const sd = enc.stateDict();
    const own = layer.stateDict();
    for (const i of [0, 1, 2]) for (const [k, v] of Object.entries(own)) expect(maxDiff(sd[`layers.${i}.${k}`]!, v)).toBe(0);
    const p0 = (enc.layers.at(0) as T.nn.TransformerEncoderLayer).linear1.weight;
    const p1 = (enc.layers.at(1) as T.nn.TransformerEncoderLayer).linear1.weight;
    expect(p0).not.toBe(p1);
    expect(p0).not.toBe(layer.linear1.weight);
    expect(enc.parameters().length).toBe(3 * layer.parameters().length);
  });

  it('eval() turns every dropout off: the output equals a dropout-0 model with the same weights', () => {
    manualSeed(1);
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0.3 });
    const same = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0 });
    same.loadStateDict(model.stateDict());
    const src = randn([5, 2, 8]), tgt = randn([4, 2, 8]);
    const train1 = model.call(src, tgt);
    const ref = same.call(src, tgt);
    expect(maxDiff(train1, ref)).toBeGreaterThan(1e-3);
    model.eval();
    expect(maxDiff(model.call(src, tgt), ref)).toBe(0);
  });

  it('activation takes a function or a module as well as a name', () => {
    const a = new nn.TransformerEncoderLayer(8, 2, { activation: 'gelu', dropout: 0 });
    const b = new nn.TransformerEncoderLayer(8, 2, { activation: (x: T.Tensor) => T.gelu(x), dropout: 0 });
    const c = new nn.TransformerEncoderLayer(8, 2, { activation: new nn.GELU(), dropout: 0 });
    b.loadStateDict(a.stateDict());
    c.loadStateDict(a.stateDict());
    const x = randn([3, 1, 8]);
    expect(maxDiff(a.call(x), b.call(x))).toBe(0);
    expect(maxDiff(a.call(x), c.call(x))).toBe(0);
  });

  it('encoder forward: positional (mask, srcKeyPaddingMask, isCausal) equals the bag; isCausal with its mask equals the mask', () => {
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16, 0), 2);
    const x = randn([5, 2, 8]);
    const mask = nn.Transformer.generateSquareSubsequentMask(5);
    const a = enc.call(x, mask, null, false);
    const b = enc.call(x, { mask, isCausal: true });
    expect(maxDiff(a, b)).toBeLessThan(1e-6);
  });

  it('stacks detect only the exact causal mask: any other mask is applied as given', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16, 0);
    const enc = new nn.TransformerEncoder(layer, 2);
    const x = randn([5, 2, 8]);
    const other = T.mul(T.rand([5, 5]), -3); // not causal: every key takes part
    const detected = enc.call(x, other);
    const given = enc.call(x, { mask: other, isCausal: false });
    expect(maxDiff(detected, given)).toBe(0);
    expect(maxDiff(detected, enc.call(x, nn.Transformer.generateSquareSubsequentMask(5)))).toBeGreaterThan(1e-4);
    const boolOther = T.eq(T.rand([5, 5]), 2); // all false
    expect(maxDiff(enc.call(x, boolOther), enc.call(x))).toBeLessThan(1e-6);
    const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16, 0, 'relu', 1e-5, true), 1);
    const t = randn([2, 4, 8]), m = randn([2, 5, 8]);
    const otherT = T.mul(T.rand([4, 4]), -3);
    expect(maxDiff(dec.call(t, m, otherT), dec.call(t, m, { tgtMask: otherT, tgtIsCausal: false }))).toBe(0);
  });

  it('generateSquareSubsequentMask: -inf strictly above the diagonal', () => {
    const m = nn.Transformer.generateSquareSubsequentMask(3);
    expect(arr(m)).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
    expect(nn.Transformer.generateSquareSubsequentMask(2, { dtype: T.float64 }).dtype).toBe(T.float64);
  });
});

describe('errors', () => {
  const x = randn([4, 2, 8]);
  const mha = new nn.MultiheadAttention(8, 2);
  const cases: [string, () => unknown, RegExp][] = [
    ['embedDim not divisible by numHeads', () => new nn.MultiheadAttention(10, 3), /embedDim must be divisible by numHeads, got 10 and 3/],
    ['embedDim 0', () => new nn.MultiheadAttention(0, 2), /embedDim and numHeads must be greater than 0, got embedDim=0 and numHeads=2/],
    ['dropout > 1', () => new nn.MultiheadAttention(8, 2, 1.5), /dropout probability has to be between 0 and 1, but got number 1.5/],
    ['kdim not an integer', () => new nn.MultiheadAttention(8, 2, { kdim: 2.5 }), /kdim must be a positive integer/],
    ['an unknown option', () => new nn.MultiheadAttention(8, 2, { heads: 2 } as never), /unknown option 'heads'/],
    ['a positional of the wrong type', () => new nn.MultiheadAttention(8, 2, 'x' as never), /dropout \(positional 1\) must be a number/],
    ['a 4-d query', () => mha.call(randn([1, 4, 2, 8]), x, x), /query should be unbatched 2D or batched 3D tensor but received 4-D query tensor/],
    ['a 2-d key for a 3-d query', () => mha.call(x, randn([4, 8]), x), /For batched \(3-D\) query, expected key and value to be 3-D but found 2-D and 3-D/],
    ['the wrong embedding size', () => mha.call(randn([4, 2, 6]), randn([4, 2, 6]), randn([4, 2, 6])), /was expecting embedding dimension of 8, but got 6/],
    ['key and value of different shapes', () => mha.call(x, randn([5, 2, 8]), randn([4, 2, 8])), /key shape \[5,2,8\] does not match value shape \[4,2,8\]/],
    ['a 2-d attnMask of the wrong shape', () => mha.call(x, x, x, { attnMask: randn([4, 5]) }), /The shape of the 2D attnMask is \[4,5\], but should be \[4,4\]/],
    ['a 3-d attnMask of the wrong shape', () => mha.call(x, x, x, { attnMask: randn([2, 4, 4]) }), /The shape of the 3D attnMask is \[2,4,4\], but should be \[4,4,4\]/],
    ['a keyPaddingMask of the wrong shape', () => mha.call(x, x, x, { keyPaddingMask: tensor([[false, true, false]]) }), /expecting keyPaddingMask shape of \[2,4\], but got \[1,3\]/],
    ['a 1-d keyPaddingMask for batched input', () => mha.call(x, x, x, { keyPaddingMask: tensor([false, true]) }), /expected keyPaddingMask to be null or 2-D but found 1-D/],
    ['an integer mask', () => mha.call(x, x, x, { attnMask: T.zeros([4, 4], { dtype: T.int64 }) }), /only bool and floating types of attnMask are supported, got int64/],
    ['a separate-projection key and value of different lengths', () => new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 3 }).call(x, randn([5, 2, 5]), randn([4, 2, 3])), /key's sequence and batch dims \[5,2\] do not match value's \[4,2\]/],
    ['a separate-projection key and value of different batches', () => new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 3 }).call(x, randn([4, 2, 5]), randn([4, 3, 3])), /^MultiheadAttention: key's sequence and batch dims \[4,2\] do not match value's \[4,3\]/],
    ['a 2-d attnMask with the wrong rows', () => mha.call(x, x, x, { attnMask: randn([3, 4]) }), /^MultiheadAttention: The shape of the 2D attnMask is \[3,4\], but should be \[4,4\]/],
    ['a keyPaddingMask of the wrong length', () => mha.call(x, x, x, { keyPaddingMask: T.zeros([2, 3], { dtype: T.bool }) }), /^MultiheadAttention: expecting keyPaddingMask shape of \[2,4\], but got \[2,3\]/],
    ['a keyPaddingMask of the wrong batch', () => mha.call(x, x, x, { keyPaddingMask: T.zeros([3, 4], { dtype: T.bool }) }), /expecting keyPaddingMask shape of \[2,4\], but got \[3,4\]/],
    ['a 1-d attnMask for batched input', () => mha.call(x, x, x, { attnMask: T.zeros([4], { dtype: T.bool }) }), /^MultiheadAttention: For batched \(3-D\) query, expected attnMask to be null, 2-D or 3-D but found 1-D tensor instead/],
    ['a 2-d value for a 3-d query', () => mha.call(x, x, randn([4, 8])), /For batched \(3-D\) query, expected key and value to be 3-D but found 3-D and 2-D tensors respectively/],
    ['a 3-d key for a 2-d query', () => mha.call(randn([4, 8]), x, randn([4, 8])), /^MultiheadAttention: For unbatched \(2-D\) query, expected key and value to be 2-D but found 3-D and 2-D tensors respectively/],
    ['a 3-d value for a 2-d query', () => mha.call(randn([4, 8]), randn([4, 8]), x), /For unbatched \(2-D\) query, expected key and value to be 2-D but found 2-D and 3-D/],
    ['a 2-d keyPaddingMask for unbatched input', () => mha.call(randn([4, 8]), randn([4, 8]), randn([4, 8]), { keyPaddingMask: T.zeros([1, 4], { dtype: T.bool }) }), /^MultiheadAttention: For unbatched \(2-D\) query, expected keyPaddingMask to be null or 1-D but found 2-D tensor instead/],
    ['a 1-d attnMask for unbatched input', () => mha.call(randn([4, 8]), randn([4, 8]), randn([4, 8]), { attnMask: T.zeros([4], { dtype: T.bool }) }), /^MultiheadAttention: For unbatched \(2-D\) query, expected attnMask to be null, 2-D or 3-D but found 1-D tensor instead/],
    ['a 4-d attnMask for unbatched input', () => mha.call(randn([4, 8]), randn([4, 8]), randn([4, 8]), { attnMask: T.zeros([1, 2, 4, 4], { dtype: T.bool }) }), /found 4-D tensor instead/],
    ['an unbatched 3-d attnMask of the wrong shape', () => mha.call(randn([4, 8]), randn([5, 8]), randn([5, 8]), { attnMask: T.zeros([2, 4, 4], { dtype: T.bool }) }), /^MultiheadAttention: Expected attnMask shape to be \[2,4,5\] but got \[2,4,4\]/],
    ['an unbatched 3-d attnMask with the wrong heads', () => mha.call(randn([4, 8]), randn([5, 8]), randn([5, 8]), { attnMask: T.zeros([3, 4, 5], { dtype: T.bool }) }), /Expected attnMask shape to be \[2,4,5\] but got \[3,4,5\]/],
    ['numHeads 0', () => new nn.MultiheadAttention(8, 0), /^MultiheadAttention: embedDim and numHeads must be greater than 0, got embedDim=8 and numHeads=0 instead/],
    ['embedDim a string', () => new nn.MultiheadAttention('8' as never, 2), /embedDim and numHeads must be greater than 0, got embedDim=8 and numHeads=2/],
    ['numHeads a string', () => new nn.MultiheadAttention(8, '2' as never), /embedDim and numHeads must be greater than 0, got embedDim=8 and numHeads=2/],
    ['embedDim not an integer', () => new nn.MultiheadAttention(7.5, 1), /^MultiheadAttention: embedDim must be a positive integer, got number 7.5/],
    ['numHeads not an integer', () => new nn.MultiheadAttention(8, 1.5), /^MultiheadAttention: numHeads must be a positive integer, got number 1.5/],
    ['kdim a string', () => new nn.MultiheadAttention(8, 2, { kdim: '5' as never }), /^MultiheadAttention: kdim must be a positive integer, got string 5/],
    ['vdim 0', () => new nn.MultiheadAttention(8, 2, { vdim: 0 }), /^MultiheadAttention: vdim must be a positive integer, got number 0/],
    ['a negative dropout', () => new nn.MultiheadAttention(8, 2, { dropout: -0.1 }), /^MultiheadAttention: dropout probability has to be between 0 and 1, but got number -0.1/],
    ['a string dropout', () => new nn.MultiheadAttention(8, 2, { dropout: '0.1' as never }), /dropout probability has to be between 0 and 1, but got string 0.1/],
    ['batchFirst not a boolean', () => new nn.MultiheadAttention(8, 2, { batchFirst: 1 as never }), /^MultiheadAttention: batchFirst must be a boolean, got number 1/],
    ['addZeroAttn not a boolean', () => new nn.MultiheadAttention(8, 2, { addZeroAttn: 'yes' as never }), /^MultiheadAttention: addZeroAttn must be a boolean, got string yes/],
    ['bias not a boolean', () => new nn.MultiheadAttention(8, 2, { bias: 0 as never }), /^MultiheadAttention: bias must be a boolean, got number 0/],
    ['addBiasKv not a boolean', () => new nn.MultiheadAttention(8, 2, { addBiasKv: null as never }), /^MultiheadAttention: addBiasKv must be a boolean, got null/],
    ['query not a tensor', () => mha.call([1] as never, x, x), /^MultiheadAttention.forward: query must be a Tensor, got an array/],
    ['value not a tensor', () => mha.call(x, x, 3 as never), /^MultiheadAttention.forward: value must be a Tensor, got number 3/],
    ['averageAttnWeights not a boolean', () => mha.call(x, x, x, { averageAttnWeights: 1 as never }), /^MultiheadAttention.forward: averageAttnWeights must be a boolean, got number 1/],
    ['isCausal not a boolean', () => mha.call(x, x, x, { isCausal: 'no' as never }), /^MultiheadAttention.forward: isCausal must be a boolean, got string no/],
    ['needWeights not a boolean (bag)', () => mha.call(x, x, x, { needWeights: 0 as never }), /^MultiheadAttention.forward: needWeights must be a boolean, got number 0/],
    ['a positional keyPaddingMask not a tensor', () => mha.call(x, x, x, 5 as never), /keyPaddingMask \(positional 1\) must be a Tensor or null, got number 5/],
    ['a positional isCausal not a boolean', () => mha.call(x, x, x, null, true, null, true, 1 as never), /isCausal \(positional 5\) must be a boolean, got number 1/],
    ['an attnMask not a tensor', () => mha.call(x, x, x, { attnMask: [true] as never }), /^MultiheadAttention.forward: attnMask must be a Tensor or null, got an array/],
    ['a keyPaddingMask not a tensor', () => mha.call(x, x, x, { keyPaddingMask: 1 as never }), /^MultiheadAttention.forward: keyPaddingMask must be a Tensor or null, got number 1/],
    ['isCausal without attnMask', () => mha.call(x, x, x, { isCausal: true }), /Need attnMask if specifying the isCausal hint/],
    ['needWeights not a boolean', () => mha.call(x, x, x, null, 1 as never), /needWeights \(positional 2\) must be a boolean/],
    ['sdpa: query not a tensor', () => F.scaledDotProductAttention([1] as never, x, x), /^scaledDotProductAttention: query must be a Tensor, got an array/],
    ['sdpa: key not a tensor', () => F.scaledDotProductAttention(x, 1 as never, x), /^scaledDotProductAttention: key must be a Tensor, got number 1/],
    ['sdpa: value not a tensor', () => F.scaledDotProductAttention(x, x, null as never), /^scaledDotProductAttention: value must be a Tensor, got null/],
    ['sdpa: attnMask not a tensor', () => F.scaledDotProductAttention(x, x, x, { attnMask: [true] as never }), /^scaledDotProductAttention: attnMask must be a Tensor, got an array/],
    ['sdpa: dropoutP above 1', () => F.scaledDotProductAttention(x, x, x, { dropoutP: 1.5 }), /^scaledDotProductAttention: dropoutP has to be between 0 and 1, but got number 1.5/],
    ['sdpa: dropoutP a string', () => F.scaledDotProductAttention(x, x, x, { dropoutP: '0.1' as never }), /dropoutP has to be between 0 and 1, but got string 0.1/],
    ['sdpa: isCausal not a boolean', () => F.scaledDotProductAttention(x, x, x, { isCausal: 1 as never }), /^scaledDotProductAttention: isCausal must be a boolean, got number 1/],
    ['sdpa: scale NaN', () => F.scaledDotProductAttention(x, x, x, { scale: NaN }), /^scaledDotProductAttention: scale must be a finite number or null, got number NaN/],
    ['sdpa: scale a string', () => F.scaledDotProductAttention(x, x, x, { scale: '2' as never }), /scale must be a finite number or null, got string 2/],
    ['sdpa: a 1-d query', () => F.scaledDotProductAttention(randn([4]), x, x), /^scaledDotProductAttention: query, key and value must have at least 2 dims, got \[4\], \[4,2,8\] and \[4,2,8\]/],
    ['sdpa: a 1-d key', () => F.scaledDotProductAttention(x, randn([8]), x), /must have at least 2 dims, got \[4,2,8\], \[8\] and \[4,2,8\]/],
    ['sdpa: a 1-d value', () => F.scaledDotProductAttention(x, x, randn([8])), /must have at least 2 dims, got \[4,2,8\], \[4,2,8\] and \[8\]/],
    ['sdpa: attnMask with isCausal', () => F.scaledDotProductAttention(x, x, x, { isCausal: true, attnMask: tensor([true]) }), /Explicit attnMask should not be set when isCausal=true/],
    ['sdpa: query and key widths differ', () => F.scaledDotProductAttention(randn([2, 4]), randn([3, 5]), randn([3, 5])), /query and key must have the same embedding size/],
    ['sdpa: key and value lengths differ', () => F.scaledDotProductAttention(randn([2, 4]), randn([3, 4]), randn([2, 4])), /key and value must have the same sequence length/],
    ['sdpa: dropoutP out of range', () => F.scaledDotProductAttention(x, x, x, { dropoutP: -0.1 }), /dropoutP has to be between 0 and 1/],
    ['sdpa: an unknown option', () => F.scaledDotProductAttention(x, x, x, { causal: true } as never), /unknown option 'causal'/],
    ['sdpa: an integer mask', () => F.scaledDotProductAttention(x, x, x, { attnMask: T.zeros([4, 4], { dtype: T.int32 }) }), /attnMask must be bool or floating point, got int32/],
    ['layer: layerNormEps negative', () => new nn.TransformerEncoderLayer(8, 2, { layerNormEps: -1 }), /^TransformerEncoderLayer: layerNormEps must be a non-negative number, got number -1/],
    ['layer: layerNormEps a string', () => new nn.TransformerEncoderLayer(8, 2, { layerNormEps: '1e-5' as never }), /layerNormEps must be a non-negative number, got string 1e-5/],
    ['layer: dropout above 1', () => new nn.TransformerDecoderLayer(8, 2, 16, 1.5), /^TransformerDecoderLayer: dropout probability has to be between 0 and 1, but got number 1.5/],
    ['layer: dropout negative', () => new nn.TransformerEncoderLayer(8, 2, { dropout: -0.5 }), /dropout probability has to be between 0 and 1, but got number -0.5/],
    ['layer: dropout a string', () => new nn.TransformerEncoderLayer(8, 2, { dropout: '0.1' as never }), /dropout probability has to be between 0 and 1, but got string 0.1/],
    ['layer: dModel 0', () => new nn.TransformerEncoderLayer(0, 2), /^TransformerEncoderLayer: dModel must be a positive integer, got number 0/],
    ['layer: nhead a string', () => new nn.TransformerEncoderLayer(8, '2' as never), /^TransformerEncoderLayer: nhead must be a positive integer, got string 2/],
    ['layer: dimFeedforward not an integer', () => new nn.TransformerEncoderLayer(8, 2, 2.5), /dimFeedforward must be a positive integer, got number 2.5/],
    ['layer: a positional activation of the wrong kind', () => new nn.TransformerEncoderLayer(8, 2, 16, 0.1, 5 as never), /activation \(positional 3\) must be 'relu', 'gelu', a function or a Module, got number 5/],
    ['layer: a positional activation name PyTorch lacks', () => new nn.TransformerEncoderLayer(8, 2, 16, 0.1, 'tanh' as never), /activation \(positional 3\) must be/],
    ['layer: an activation of the wrong kind in the bag', () => new nn.TransformerEncoderLayer(8, 2, { activation: 5 as never }), /^TransformerEncoderLayer: activation should be relu\/gelu, not number 5/],
    ['layer: batchFirst not a boolean', () => new nn.TransformerEncoderLayer(8, 2, { batchFirst: 1 as never }), /^TransformerEncoderLayer: batchFirst must be a boolean, got number 1/],
    ['layer: normFirst not a boolean', () => new nn.TransformerEncoderLayer(8, 2, { normFirst: 'yes' as never }), /^TransformerEncoderLayer: normFirst must be a boolean, got string yes/],
    ['layer: bias not a boolean', () => new nn.TransformerEncoderLayer(8, 2, { bias: 0 as never }), /^TransformerEncoderLayer: bias must be a boolean, got number 0/],
    ['layer forward: a positional srcMask not a tensor', () => new nn.TransformerEncoderLayer(8, 2, 16).call(x, 5 as never), /srcMask \(positional 1\) must be a Tensor or null, got number 5/],
    ['encoder forward: a positional isCausal not a boolean', () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 1).call(x, null, null, 'x' as never), /isCausal \(positional 3\) must be a boolean or null, got string x/],
    ['layer: an unknown activation', () => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never }), /activation should be relu\/gelu, not tanh|activation \(positional/],
    ['layer: dModel not divisible by nhead', () => new nn.TransformerEncoderLayer(8, 3), /embedDim must be divisible by numHeads, got 8 and 3/],
    ['layer: dimFeedforward 0', () => new nn.TransformerDecoderLayer(8, 2, 0), /dimFeedforward must be a positive integer/],
    ['layer: dropout NaN', () => new nn.TransformerEncoderLayer(8, 2, 16, NaN), /dropout probability has to be between 0 and 1, but got number NaN/],
    ['encoder: not a layer', () => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), /the layer must be a TransformerEncoderLayer, got Linear/],
    ['encoder: numLayers 0', () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 0), /numLayers must be a positive integer, got number 0/],
    ['decoder: a decoder given an encoder layer', () => new nn.TransformerDecoder(new nn.TransformerEncoderLayer(8, 2, 16) as never, 1), /must be a TransformerDecoderLayer/],
    ['transformer: batch sizes differ', () => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 }).call(randn([3, 2, 8]), randn([3, 3, 8])), /the batch number of src and tgt must be equal/],
    ['transformer: width is not dModel', () => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 }).call(randn([3, 2, 6]), randn([3, 2, 6])), /the feature number of src and tgt must be equal to dModel \(8\)/],
    ['generateSquareSubsequentMask: a negative size', () => nn.Transformer.generateSquareSubsequentMask(-1), /sz must be a non-negative integer/],
  ];
  for (const [what, f, msg] of cases) {
    it(`throws on ${what}`, () => {
      expect(f).toThrow(msg);
    });
  }
});
