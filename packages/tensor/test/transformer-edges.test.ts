/**
 * nn.Transformer and its layers at the edges Stryker found untested (MUTATION.md): every
 * constructor check, the options the stack hands to its parts (custom encoder/decoder, final
 * LayerNorm options, Xavier re-initialisation), unbatched inputs, each forward mask reaching the
 * part it is meant for, and generateSquareSubsequentMask's argument.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { Generator, nn, randn } from '@tensile/tensor';

const g = (seed: number): Generator => new Generator(seed);
const same = (a: T.Tensor, b: T.Tensor): boolean => JSON.stringify(a.toArray()) === JSON.stringify(b.toArray());

describe('layer constructor checks', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['an unknown activation', () => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never }), /activation/],
    ['normFirst not a boolean', () => new nn.TransformerDecoderLayer(8, 2, { normFirst: 'yes' as never }), /normFirst/],
    ['nhead 0', () => new nn.TransformerEncoderLayer(8, 0), /nhead must be a positive integer, got number 0/],
    ['dimFeedforward 1.5', () => new nn.TransformerEncoderLayer(8, 2, 1.5), /dimFeedforward must be a positive integer/],
    ['dropout above 1', () => new nn.TransformerEncoderLayer(8, 2, 16, 1.5), /dropout probability has to be between 0 and 1/],
    ['dropout below 0', () => new nn.TransformerEncoderLayer(8, 2, 16, -0.1), /dropout probability has to be between 0 and 1/],
    ['a negative eps', () => new nn.TransformerEncoderLayer(8, 2, { layerNormEps: -1 }), /layerNormEps must be a non-negative number/],
    ['a final norm that is not a Module', () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 2, 'x' as never), /norm/],
    ['a custom encoder that is not a Module', () => new nn.Transformer(8, 2, 1, 1, 16, 0, 'relu', 'x' as never), /customEncoder/],
  ])('%s is refused', (_, f, message) => {
    expect(f).toThrow(message);
  });
  it('the edges of the ranges are accepted: dropout 0 and 1, eps 0, a function or Module activation', () => {
    expect(new nn.TransformerEncoderLayer(8, 2, 16, 1).dropout.p).toBe(1);
    expect(new nn.TransformerEncoderLayer(8, 2, 16, 0, 'gelu', 0).norm1.eps).toBe(0);
    const f = (x: T.Tensor): T.Tensor => x.mul(2);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: f })).not.toThrow();
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: new nn.Tanh() })).not.toThrow();
  });
  it('a generator draws the initial weights (the same seed, the same layer; another, another)', () => {
    const a = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, generator: g(1) });
    const b = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, generator: g(1) });
    const c = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, generator: g(2) });
    expect(same(a.linear1.weight, b.linear1.weight)).toBe(true);
    expect(same(a.linear1.weight, c.linear1.weight)).toBe(false);
  });
});

describe('nn.Transformer builds its parts as PyTorch', () => {
  it('custom encoder and decoder are used as given', () => {
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16, 0), 1);
    const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16, 0), 1);
    const t = new nn.Transformer(8, 2, 1, 1, 16, 0, 'relu', enc, dec);
    expect(t.encoder).toBe(enc);
    expect(t.decoder).toBe(dec);
    const u = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
    expect(u.encoder).not.toBe(enc);
  });
  it('the final LayerNorms take layerNormEps and bias', () => {
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, layerNormEps: 1e-3, bias: false });
    const norm = (t.encoder as nn.TransformerEncoder).norm as nn.LayerNorm;
    expect(norm.eps).toBe(1e-3);
    expect(norm.namedParameters().map(([k]) => k)).toEqual(['weight']);
    expect(((t.decoder as nn.TransformerDecoder).norm as nn.LayerNorm).eps).toBe(1e-3);
  });
  it('every matrix is re-drawn Xavier-uniform: bounds sqrt(6 / (fan_in + fan_out)), beyond a Linear default', () => {
    T.manualSeed(5);
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 });
    const w = ((t.encoder as nn.TransformerEncoder).layers[0] as nn.TransformerEncoderLayer).linear2.weight; // [8, 64]
    const max = w.abs().max().item();
    expect(max).toBeLessThanOrEqual(Math.sqrt(6 / 72));
    expect(max).toBeGreaterThan(1 / Math.sqrt(64)); // a Linear's own bound (1/sqrt(fan_in)): only Xavier reaches past it
  });
  it('unbatched src and tgt, and the dModel check', () => {
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 });
    expect(t.call(randn([5, 8]), randn([3, 8])).shape).toEqual([3, 8]);
    expect(() => t.call(randn([5, 2, 8]), randn([3, 2, 6]))).toThrow(/the feature number of src and tgt must be equal to dModel \(8\)/);
    expect(() => t.call(randn([5, 2, 6]), randn([3, 2, 8]))).toThrow(/the feature number of src and tgt must be equal to dModel \(8\)/);
  });
  it('each mask reaches its part: given in the bag or positionally, the same output; without it, another', () => {
    T.manualSeed(9);
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 });
    const src = randn([4, 2, 8]), tgt = randn([3, 2, 8]);
    const base = t.call(src, tgt);
    const srcMask = nn.Transformer.generateSquareSubsequentMask(4);
    const tgtMask = nn.Transformer.generateSquareSubsequentMask(3);
    const memoryMask = T.tensor([[0, -Infinity, 0, 0], [0, 0, -Infinity, 0], [-Infinity, 0, 0, 0]]);
    const kpm = T.tensor([[false, false, true], [false, false, false]]);
    const mkpm = T.tensor([[false, true, false, false], [false, false, false, false]]);
    const cases: [string, T.Tensor, T.Tensor][] = [
      ['srcMask', t.call(src, tgt, { srcMask }), t.call(src, tgt, srcMask)],
      ['tgtMask', t.call(src, tgt, { tgtMask }), t.call(src, tgt, null, tgtMask)],
      ['memoryMask', t.call(src, tgt, { memoryMask }), t.call(src, tgt, null, null, memoryMask)],
      ['tgtKeyPaddingMask', t.call(src, tgt, { tgtKeyPaddingMask: kpm }), t.call(src, tgt, null, null, null, null, kpm)],
      ['memoryKeyPaddingMask', t.call(src, tgt, { memoryKeyPaddingMask: mkpm }), t.call(src, tgt, null, null, null, null, null, mkpm)],
    ];
    for (const [name, bag, pos] of cases) {
      expect(same(bag, pos), `${name}: bag and positional`).toBe(true);
      expect(same(bag, base), `${name}: changes the output`).toBe(false);
    }
    // isCausal with its mask gives the mask's result
    expect(same(t.call(src, tgt, { tgtMask, tgtIsCausal: true }), t.call(src, tgt, { tgtMask }))).toBe(true);
  });
});

describe('generateSquareSubsequentMask', () => {
  it('sizes 0 and 1, -Infinity above the diagonal, a dtype', () => {
    expect(nn.Transformer.generateSquareSubsequentMask(0).shape).toEqual([0, 0]);
    expect(nn.Transformer.generateSquareSubsequentMask(1).toArray()).toEqual([[0]]);
    expect(nn.Transformer.generateSquareSubsequentMask(2).toArray()).toEqual([[0, -Infinity], [0, 0]]);
    expect(nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype.name).toBe('float64');
  });
  it.each([-1, 1.5, '2'])('refuses %j', (sz) => {
    expect(() => nn.Transformer.generateSquareSubsequentMask(sz as never)).toThrow(/generateSquareSubsequentMask: sz/);
  });
});
