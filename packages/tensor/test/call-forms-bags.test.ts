/**
 * What the positional checks of `fnOptions` cannot see: the same values given in the options bag
 * (each function checks them itself), the boundaries of the ranges PyTorch allows, the defaults,
 * and `checkOptions` on its own. Rows found by Stryker (MUTATION.md, session7f): each one's
 * mutant survived the call-form tables, which pass wrong values positionally.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, nn, rand, randn, tensor, zeros, float64 } from '@tensile/tensor';
import { checkOptions } from '../src/options.js';
import { foldPositional, num } from '../src/call-forms.js';

const x = (): ReturnType<typeof randn> => randn([2, 3, 4]);
const idx = tensor([0, 2], { dtype: 'int64' });

describe('wrong values in the bag are refused, naming the function and the value', () => {
  it.each([
    ['gumbelSoftmax tau', () => F.gumbelSoftmax(x(), { tau: 'a' as never }), 'gumbelSoftmax: tau must be a positive number, got string a'],
    ['gumbelSoftmax hard', () => F.gumbelSoftmax(x(), { hard: 'yes' as never }), 'gumbelSoftmax: hard must be a boolean, got string yes'],
    ['gumbelSoftmax integer logits', () => F.gumbelSoftmax(tensor([[1, 2]], { dtype: 'int64' })), 'gumbelSoftmax: logits must be floating point, got int64'],
    ['gumbelSoftmax eps, positionally not a number', () => F.gumbelSoftmax(x(), 1, false, 'e' as never), 'gumbelSoftmax: eps (positional 3) must be a number, got string e'],
    ['gumbelSoftmax a non-tensor', () => F.gumbelSoftmax([1, 2] as never), /gumbelSoftmax: logits must be a Tensor/],
    ['rrelu lower', () => F.rrelu(x(), { lower: 'a' as never }), 'rrelu: lower must be a number, got string a'],
    ['rrelu upper NaN', () => F.rrelu(x(), { upper: Number.NaN }), 'rrelu: upper must be a number, got number NaN'],
    ['rrelu training', () => F.rrelu(x(), { training: 1 as never }), 'rrelu: training must be a boolean, got number 1'],
    ['rrelu a non-tensor', () => F.rrelu(3 as never), /rrelu: input must be a Tensor/],
    ['alphaDropout p', () => F.alphaDropout(x(), { p: 'x' as never }), /alphaDropout: dropout probability has to be between 0 and 1, but got/],
    ['alphaDropout p below 0', () => F.alphaDropout(x(), -0.1, true), 'alphaDropout: dropout probability has to be between 0 and 1, but got -0.1'],
    ['alphaDropout training', () => F.alphaDropout(x(), { training: 'no' as never }), 'alphaDropout: training must be a boolean, got string no'],
    ['alphaDropout a non-tensor', () => F.alphaDropout(null as never), /alphaDropout: input must be a Tensor/],
    ['localResponseNorm size a string', () => F.localResponseNorm(x(), '2' as never), 'localResponseNorm: size must be a positive integer, got string 2'],
    ['localResponseNorm size fractional', () => F.localResponseNorm(x(), 1.5), 'localResponseNorm: size must be a positive integer, got number 1.5'],
    ['localResponseNorm alpha', () => F.localResponseNorm(x(), 2, { alpha: 'a' as never }), 'localResponseNorm: alpha must be a number, got string a'],
    ['localResponseNorm a non-tensor', () => F.localResponseNorm({} as never, 2), /localResponseNorm: input must be a Tensor/],
    ['nn.RReLU lower', () => new nn.RReLU({ lower: 'a' as never }), 'RReLU: lower must be a number, got a'],
    ['nn.RReLU an unknown option', () => new nn.RReLU({ slope: 1 } as never), "RReLU: unknown option 'slope'"],
    ['nn.RReLU upper NaN', () => new nn.RReLU({ upper: Number.NaN }), 'RReLU: upper must be a number, got NaN'],
    ['nn.LocalResponseNorm beta', () => new nn.LocalResponseNorm(2, { beta: 'b' as never }), 'LocalResponseNorm: beta must be a number, got b'],
    ['nn.Dropout p', () => new nn.Dropout({ p: '0.5' as never }), 'Dropout: probability has to be between 0 and 1, but got 0.5'],
    ['embedding max_norm in the bag after a positional padding index', () => F.embedding(idx, randn([4, 3]), 0, { maxNorm: 1 } as never), /embedding: unknown option 'maxNorm'/],
    ['embedding max_norm in the bag after a null padding index', () => F.embedding(idx, randn([4, 3]), null, { maxNorm: 1 } as never), /embedding: unknown option 'maxNorm'/],
  ] as const)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('the ends of the ranges PyTorch allows, and the defaults', () => {
  it('rrelu and nn.RReLU take lower = upper: every slope is exactly that value', () => {
    const v = tensor([-1, -2, 3]);
    expect(Array.from(F.rrelu(v, 0.25, 0.25, true).toFloat32Array())).toEqual([-0.25, -0.5, 3]);
    expect(Array.from(new nn.RReLU(0.25, 0.25).call(v).toFloat32Array())).toEqual([-0.25, -0.5, 3]);
  });

  it('localResponseNorm takes size 1', () => {
    const v = x();
    const d = v.pow(2).mul(1e-4).add(1).pow(0.75); // k + alpha·x²/1, to the beta
    expect(Array.from(F.localResponseNorm(v, 1).toFloat32Array())).toEqual(Array.from(v.div(d).toFloat32Array()));
  });

  it('nn.Dropout takes p = 1 (zeroes everything while training), and prints inplace', () => {
    expect(Array.from(new nn.Dropout(1).call(tensor([1, 2])).toFloat32Array())).toEqual([0, 0]);
    expect(String(new nn.Dropout(0.5, true))).toBe('Dropout(p=0.5, inplace=True)');
    expect(String(new nn.AlphaDropout(0.5, true))).toBe('AlphaDropout(p=0.5, inplace=True)');
  });

  it('gumbelSoftmax by default: soft samples along the last dim', () => {
    const y = F.gumbelSoftmax(x(), { generator: new Generator().manualSeed(1) });
    const sums = Array.from(y.sum(-1).toFloat32Array());
    for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    expect(Array.from(y.toFloat32Array()).some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('gumbelSoftmax hard keeps float64', () => {
    expect(F.gumbelSoftmax(randn([2, 5], { dtype: float64 }), { hard: true }).dtype).toBe(float64);
  });

  it('alphaDropout of an empty input while training is empty', () => {
    expect(F.alphaDropout(zeros([0, 3]), 0.5, true).shape).toEqual([0, 3]);
  });
});

describe('checkOptions and foldPositional on their own', () => {
  it.each([
    ['null', null, "f: options must be an object, got null"],
    ['an array', [], 'f: options must be an object'],
    ['a Map', new Map(), 'f: options must be a plain object, got Map'],
    ['an unknown key with no known ones', { a: 1 }, "f: unknown option 'a' (options: none)"],
    ['a generator that is not one', { generator: 5 }, 'f: generator must be a Generator, got number 5'],
  ] as const)('checkOptions refuses %s', (_, options, message) => {
    expect(() => checkOptions('f', options as never, name(options))).toThrow(message);
  });
  function name(o: unknown): string[] {
    return o !== null && typeof o === 'object' && 'generator' in o ? ['generator'] : [];
  }

  it('foldPositional names a single parameter in the singular, and a table with none', () => {
    expect(() => foldPositional('f', [1, 2], [num('a')])).toThrow('f: takes at most 1 optional positional argument (a), got 2: number 1, number 2');
    expect(() => foldPositional('f', [1], [])).toThrow('f: takes at most 0 optional positional arguments (none), got 1: number 1');
    // the "options must be a plain object" message only for an object right after the last positional
    expect(() => foldPositional('f', [1, null], [num('a')])).toThrow('f: takes at most 1 optional positional argument (a), got 2: number 1, null');
    expect(() => foldPositional('f', [1, new Map(), 3], [num('a')])).toThrow('f: takes at most 1 optional positional argument (a), got 3');
    expect(() => foldPositional('f', [1, new Map()], [num('a')])).toThrow('f: options must be a plain object, got Map');
  });
});

describe('Generator.manualSeed, PyTorch\'s manual_seed', () => {
  it('resets the generator to the seed\'s stream and returns it', () => {
    const g = new Generator(7);
    rand([5], { generator: g }); // move it along
    expect(g.manualSeed(42)).toBe(g);
    expect(Array.from(rand([5], { generator: g }).toFloat32Array())).toEqual(Array.from(rand([5], { generator: new Generator(42) }).toFloat32Array()));
  });

  it.each([Number.NaN, Infinity])('refuses %s, naming the function and the value', (seed) => {
    expect(() => new Generator().manualSeed(seed)).toThrow(`manualSeed: seed must be a finite number, got ${seed}`);
  });
});
