import { describe, expect, it } from 'vitest';
import { all, argmin, cumprod, logsumexp, mean, min, std, sum, tensor, variance, type Tensor } from '@tensile/tensor';

// Issue 21: reductions take PyTorch's keywords as a trailing bag, `x.sum({ dim: 1, keepdim: true })`,
// beside the positional form; both give the same tensor.
const x = tensor([[1, 2, 3], [4, 5, 7]]);
const rows: [name: string, positional: () => Tensor, bag: () => Tensor][] = [
  ['sum dim', () => x.sum(1), () => x.sum({ dim: 1 })],
  ['sum dim keepdim', () => x.sum(1, true), () => x.sum({ dim: 1, keepdim: true })],
  ['sum positional then bag', () => x.sum([0, 1], true), () => x.sum([0, 1], { keepdim: true })],
  ['sum all keepdim', () => x.sum(null, true), () => x.sum({ keepdim: true })],
  ['sum free function', () => sum(x, 0), () => sum(x, { dim: 0 })],
  ['mean dim', () => x.mean(1), () => x.mean({ dim: 1 })],
  ['mean free function keepdim', () => mean(x, -1, true), () => mean(x, { dim: -1, keepdim: true })],
  ['var correction', () => x.var(1, true, 0), () => x.var({ dim: 1, keepdim: true, correction: 0 })],
  ['var default correction', () => variance(x, 0), () => variance(x, { dim: 0 })],
  ['std', () => x.std(1, false, 0), () => x.std({ dim: 1, correction: 0 })],
  ['std free function', () => std(x, null, true), () => std(x, { keepdim: true })],
  ['logsumexp', () => x.logsumexp(1, true), () => x.logsumexp({ dim: 1, keepdim: true })],
  ['logsumexp free function', () => logsumexp(x, 0), () => logsumexp(x, { dim: 0 })],
  ['max values', () => x.max(1).values, () => x.max({ dim: 1 }).values],
  ['max indices keepdim', () => x.max(0, true).indices, () => x.max({ dim: 0, keepdim: true }).indices],
  ['min free function', () => min(x, 1).values, () => min(x, { dim: 1 }).values],
  ['argmax', () => x.argmax(1, true), () => x.argmax({ dim: 1, keepdim: true })],
  ['argmin free function', () => argmin(x, 0), () => argmin(x, { dim: 0 })],
  ['any', () => x.gt(4).any(1), () => x.gt(4).any({ dim: 1 })],
  ['all free function keepdim', () => all(x.gt(1), 0, true), () => all(x.gt(1), { dim: 0, keepdim: true })],
  ['cumsum', () => x.cumsum(1), () => x.cumsum({ dim: 1 })],
  ['cumprod dtype', () => cumprod(x, 0, { dtype: 'float64' }), () => cumprod(x, { dim: 0, dtype: 'float64' })],
];

describe('reductions take PyTorch\'s keywords as an options bag', () => {
  it.each(rows)('%s', (_name, positional, bag) => {
    const a = positional();
    const b = bag();
    expect(b.shape).toEqual(a.shape);
    expect(b.toArray()).toEqual(a.toArray());
  });
});

const errors: [name: string, call: () => unknown, message: string | RegExp][] = [
  ['unknown key', () => x.sum({ dims: 1 } as never), /^sum: unknown option 'dims' \(options: dim, keepdim, dtype\)/],
  ['var unknown key', () => x.var({ unbiased: false } as never), /^var: unknown option 'unbiased' \(options: dim, keepdim, correction\)/],
  ['correction on sum', () => sum(x, { correction: 0 } as never), /^sum: unknown option 'correction'/],
  ['given twice', () => x.mean(1, { dim: 1 } as never), "mean: got multiple values for argument 'dim'"],
  ['keepdim in the bag not a boolean', () => x.sum({ dim: 1, keepdim: 1 } as never), 'sum: keepdim must be a boolean, got 1'],
  ['positional before bag of the wrong type', () => x.std(1, 'yes' as never, {}), 'std: keepdim (positional 2) must be a boolean, got string yes'],
  ['too many positionals', () => x.sum(1, true, 0 as never), /^sum: takes at most 2 optional positional arguments/],
  ['logsumexp without dim', () => x.logsumexp({ keepdim: true }), 'logsumexp: dim is required'],
  ['max unknown key', () => x.max({ dim: 1, keep: true } as never), "max: unknown option 'keep' (options: dim, keepdim)"],
  ['argmax dim a string', () => x.argmax({ dim: '1' } as never), 'argmax: dim must be an integer or null, got string 1'],
  ['any keepdim a number', () => x.any({ dim: 1, keepdim: 1 } as never), 'any: keepdim must be a boolean, got number 1'],
  ['cumsum without dim', () => x.cumsum({} as never), 'cumsum: dim is required'],
  ['cumsum bag and options', () => x.cumsum({ dim: 1 }, {}), 'cumsum: give dim and dtype in one options bag, or dim positionally'],
  ['bad correction still checked', () => x.var({ correction: -1 }), 'var: correction must be a non-negative number, got -1'],
];

describe('reduction bags refuse what PyTorch refuses', () => {
  it.each(errors)('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
