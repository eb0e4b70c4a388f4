import { describe, expect, it } from 'vitest';
import { Generator, float64, int32, int64, manualSeed, multinomial, tensor, type Tensor } from '@tensile/tensor';

/**
 * multinomial: shapes and dtype, the frequencies of its draws against the distribution
 * (chi-square at p = 0.001), without-replacement draws distinct and distributed as successive
 * draws without putting back, zero-weight categories never drawn, and PyTorch's errors.
 */
const counts = (t: Tensor, C: number, col?: number, cols = 1): number[] => {
  const out = new Array<number>(C).fill(0);
  const v = Array.from(t.toBigInt64Array(), Number);
  v.forEach((k, i) => { if (col === undefined || i % cols === col) out[k]! += 1; });
  return out;
};
/** Pearson's chi-square statistic of observed counts against expected probabilities. */
const chi2 = (obs: number[], p: number[]): number => {
  const n = obs.reduce((a, b) => a + b, 0);
  return obs.reduce((s, o, i) => s + (o - n * p[i]!) ** 2 / (n * p[i]!), 0);
};
// chi-square critical values at p = 0.001 for 3 and 4 degrees of freedom
const CRIT = { 3: 16.27, 4: 18.47 };

describe('multinomial', () => {
  it('returns int64 [numSamples] for 1-d and [rows, numSamples] for 2-d input; a Tensor method too', () => {
    manualSeed(0);
    const a = multinomial(tensor([0.2, 0.3, 0.5]), 5, true);
    expect(a.dtype).toBe(int64);
    expect(a.shape).toEqual([5]);
    const b = tensor([[1, 2, 3, 4], [4, 3, 2, 1]], { dtype: float64 }).multinomial(3);
    expect(b.shape).toEqual([2, 3]);
    expect(b.dtype).toBe(int64);
  });

  it('with replacement: frequencies match the (unnormalised) weights, chi-square p > 0.001', () => {
    const w = [1, 2, 3, 4, 10];
    const p = w.map((x) => x / 20);
    const s = multinomial(tensor(w), 20000, true, { generator: new Generator(7) });
    expect(chi2(counts(s, 5), p)).toBeLessThan(CRIT[4]);
  });

  it('with replacement, 2-d: each row follows its own distribution', () => {
    const s = multinomial(tensor([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]]), 10000, { replacement: true, generator: new Generator(3) });
    const rows = [s.narrow(0, 0, 1), s.narrow(0, 1, 1)];
    expect(chi2(counts(rows[0]!, 4), [0.1, 0.2, 0.3, 0.4])).toBeLessThan(CRIT[3]);
    expect(chi2(counts(rows[1]!, 4), [0.4, 0.3, 0.2, 0.1])).toBeLessThan(CRIT[3]);
  });

  it('the chi-square test can fail: a skewed distribution is rejected', () => {
    const s = multinomial(tensor([0.1, 0.2, 0.3, 0.4]), 20000, true, { generator: new Generator(7) });
    expect(chi2(counts(s, 4), [0.12, 0.2, 0.3, 0.38])).toBeGreaterThan(CRIT[3]);
  });

  it('never draws a zero-weight category', () => {
    const s = multinomial(tensor([0, 1, 0, 3, 0]), 5000, true, { generator: new Generator(1) });
    const c = counts(s, 5);
    expect([c[0], c[2], c[4]]).toEqual([0, 0, 0]);
    const t = multinomial(tensor([[0, 1, 0, 3, 0]]), 2, { generator: new Generator(1) });
    expect(Array.from(t.toBigInt64Array(), Number).sort()).toEqual([1, 3]);
  });

  it('without replacement: distinct per row; first draw ~ p, second draw ~ Σᵢ pᵢ pⱼ / (1 - pᵢ)', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const n = 5000;
    const probs = tensor(Array.from({ length: n }, () => p));
    const s = multinomial(probs, 2, { generator: new Generator(11) });
    const v = Array.from(s.toBigInt64Array(), Number);
    for (let r = 0; r < n; r++) expect(v[2 * r]).not.toBe(v[2 * r + 1]);
    expect(chi2(counts(s, 4, 0, 2), p)).toBeLessThan(CRIT[3]);
    const second = p.map((pj, j) => p.reduce((acc, pi, i) => (i === j ? acc : acc + (pi * pj) / (1 - pi)), 0));
    expect(chi2(counts(s, 4, 1, 2), second)).toBeLessThan(CRIT[3]);
  });

  it('without replacement, numSamples = categories: a permutation', () => {
    const s = multinomial(tensor([5, 1, 1, 1, 1, 1]), 6, { generator: new Generator(2) });
    expect(Array.from(s.toBigInt64Array(), Number).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('draws exactly as its algorithm says, row after row (pins how it uses the generator)', () => {
    const w = [[0.5, 0, 2, 1.5, 0], [1, 1, 1, 1, 1], [0, 3, 0, 1, 0]];
    const reference = (replacement: boolean, n: number): number[] => {
      const g = new Generator(42);
      const out: number[] = [];
      for (const row of w) {
        if (replacement) {
          const cum: number[] = [];
          row.reduce((acc, v, i) => (cum[i] = acc + v), 0);
          const total = cum[cum.length - 1]!;
          for (let s = 0; s < n; s++) {
            const u = g.uniform() * total;
            out.push(cum.findIndex((c) => c > u));
          }
        } else {
          const keys = row.map((v) => v / -Math.log1p(-g.uniform()));
          const order = row.map((_, i) => i).sort((a, b) => keys[b]! - keys[a]! || a - b);
          out.push(...order.slice(0, n));
        }
      }
      return out;
    };
    for (const [replacement, n] of [[true, 7], [false, 4], [false, 5]] as const) {
      const got = multinomial(tensor(w), n, replacement, { generator: new Generator(42) });
      expect(Array.from(got.toBigInt64Array(), Number), `replacement ${replacement}, ${n} samples`).toEqual(reference(replacement, n));
    }
    // more samples than non-zero weights: the zero-weight categories follow, in index order
    const t = multinomial(tensor([[0, 1, 0, 0], [0, 0, 2, 0]]), 3, { generator: new Generator(3) });
    expect(Array.from(t.toBigInt64Array(), Number)).toEqual([1, 0, 2, 2, 0, 1]);
  });

  it('is deterministic under manualSeed and a generator', () => {
    manualSeed(5);
    const a = multinomial(tensor([0.3, 0.7]), 10, true);
    manualSeed(5);
    const b = multinomial(tensor([0.3, 0.7]), 10, true);
    expect(a.toBigInt64Array()).toEqual(b.toBigInt64Array());
  });

  const errors: [string, () => unknown, RegExp][] = [
    ['a negative weight', () => multinomial(tensor([0.5, -0.1]), 1), /^multinomial: probability tensor contains either `inf`, `nan` or element < 0, got -0.1/],
    ['not a tensor', () => multinomial([0.5, 0.5] as never, 1), /^multinomial: input must be a Tensor, got an array/],
    ['numSamples not a number', () => multinomial(tensor([1, 2]), '1' as never), /^multinomial: numSamples must be an integer, got string 1/],
    ['an infinite weight', () => multinomial(tensor([Infinity, 1]), 1), /probability tensor contains either `inf`, `nan` or element < 0/],
    ['a NaN weight', () => multinomial(tensor([NaN, 1]), 1, true), /probability tensor contains either `inf`, `nan` or element < 0/],
    ['all-zero weights', () => multinomial(tensor([0, 0]), 1), /^multinomial: invalid multinomial distribution \(sum of probabilities <= 0\)$/],
    ['an all-zero row', () => multinomial(tensor([[1, 0], [0, 0]]), 1, true), /sum of probabilities <= 0\) in row 1/],
    ['more samples than categories without replacement', () => multinomial(tensor([1, 2, 3]), 4), /cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/],
    ['numSamples 0', () => multinomial(tensor([1, 2]), 0, true), /cannot sample n_sample <= 0 samples/],
    ['a 3-d input', () => multinomial(tensor([[[1, 2]]]), 1), /prob_dist must be 1 or 2 dim/],
    ['a 0-d input', () => multinomial(tensor(1), 1), /prob_dist must be 1 or 2 dim/],
    ['an integer input', () => multinomial(tensor([1, 2], { dtype: int32 }), 1), /only supports floating-point dtypes for input, got: int32/],
    ['a non-integer numSamples', () => multinomial(tensor([1, 2]), 1.5), /numSamples must be an integer/],
    ['replacement not a boolean', () => multinomial(tensor([1, 2]), 1, { replacement: 1 as never }), /replacement must be a boolean/],
    ['an unknown option', () => multinomial(tensor([1, 2]), 1, { replace: true } as never), /unknown option 'replace'/],
    ['a positional given twice', () => multinomial(tensor([1, 2]), 1, true, { replacement: true }), /multiple values for argument 'replacement'/],
  ];
  for (const [what, f, msg] of errors) {
    it(`throws on ${what}`, () => {
      expect(f).toThrow(msg);
    });
  }
});
