/**
 * Replays scripts/fixtures/counting_fixtures.py (PyTorch 1.13 CPU): `countNonzero`, `bincount`
 * (float32 weights added in float32 in input order, others in double) and `nanToNum` (its
 * gradient too), all bit for bit; and their refusals, with PyTorch's messages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { replayCase, type FixtureArg, type FixtureCase } from './helpers/op-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/counting.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };
const t = (a: FixtureArg | undefined): T.Tensor => a as T.Tensor;
type Kw = Record<string, unknown>;

const OPS: Record<string, (a: FixtureArg[], kw: Kw) => T.Tensor> = {
  countNonzero: ([x], kw) => T.countNonzero(t(x), kw.dim as number | number[] | undefined),
  bincount: ([x], kw) => T.bincount(t(x), kw.minlength === undefined ? {} : { minlength: kw.minlength as number }),
  bincountWeighted: ([x, w], kw) => T.bincount(t(x), { weights: t(w).detach(), ...(kw.minlength === undefined ? {} : { minlength: kw.minlength as number }) }),
  nanToNum: ([x], kw) => T.nanToNum(t(x), kw as T.NanToNumOptions),
};

describe('countNonzero, bincount, nanToNum against PyTorch 1.13', () => {
  it('the fixture is PyTorch 1.13', () => expect(fixture.torch).toMatch(/^1\.13/));
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    replayCase(c, (args, kw) => OPS[c.op]!(args, kw), { ulps: [0, 0] });
  });

  it('the methods are the functions', () => {
    const x = T.tensor([NaN, 0, 2]);
    expect(x.nanToNum({ nan: 7 }).tolist()).toEqual([7, 0, 2]);
    expect(x.countNonzero().item()).toBe(2);
    expect(T.tensor([0, 2, 2], { dtype: T.int64 }).bincount().tolist()).toEqual([1, 0, 2]);
  });

  it("PyTorch's positional forms give the keyword forms' results (they were ignored)", () => {
    const x = T.tensor([1, 1, 3], { dtype: T.int64 }), w = T.tensor([0.5, 0.25, 1]);
    expect(T.bincount(x, w).tolist()).toEqual([0, 0.75, 0, 1]);
    expect(T.bincount(x, null, 6).tolist()).toEqual([0, 2, 0, 1, 0, 0]);
    expect(x.bincount(w, 5).tolist()).toEqual(T.bincount(x, { weights: w, minlength: 5 }).tolist());
    const v = T.tensor([NaN, Infinity, -Infinity]);
    expect(T.nanToNum(v, 2, 9, -9).tolist()).toEqual([2, 9, -9]);
    expect(v.nanToNum(1).tolist()).toEqual(T.nanToNum(v, { nan: 1 }).tolist());
    expect(T.nanToNum(v, 1, { neginf: -3 }).tolist()).toEqual([1, 3.4028234663852886e38, -3]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['bincount with weights that are an array', () => T.bincount(T.tensor([1], { dtype: T.int64 }), [1] as never), /bincount: weights \(positional 1\) must be a Tensor or null, got/],
    ['bincount with weights given twice', () => T.bincount(T.tensor([1], { dtype: T.int64 }), T.ones([1]), { weights: T.ones([1]) } as never), /bincount: got multiple values for argument 'weights'/],
    ['nanToNum with a string positional', () => T.nanToNum(T.ones([1]), '0' as never), /nanToNum: nan \(positional 1\) must be a number, got string/],
    ['bincount of a negative value (PyTorch: only supports 1-d non-negative integral inputs)', () => T.bincount(T.tensor([-1, 2], { dtype: T.int64 })), /bincount: only supports 1-d non-negative integral inputs, got -1/],
    ['bincount of floats', () => T.bincount(T.tensor([1, 2])), /bincount: not implemented for 'Float'/],
    ['bincount of a matrix', () => T.bincount(T.tensor([[1, 2]], { dtype: T.int64 })), /bincount: only supports 1-d non-negative integral inputs, got shape \[1,2\]/],
    ['bincount with weights of another length', () => T.bincount(T.tensor([1, 2], { dtype: T.int64 }), { weights: T.ones([3]) }), /bincount: weights should be 1-d and have the same length as input/],
    ['bincount with a negative minlength', () => T.bincount(T.tensor([1, 2], { dtype: T.int64 }), { minlength: -1 }), /bincount: minlength should be >= 0, got -1/],
    ['bincount with a fractional minlength', () => T.bincount(T.tensor([1], { dtype: T.int64 }), { minlength: 1.5 }), /bincount: minlength must be an integer, got number 1.5/],
    ['nanToNum with a string replacement', () => T.nanToNum(T.ones([1]), { nan: '0' as never }), /nanToNum: nan must be a number, got string/],
    ['nanToNum with an unknown option', () => T.nanToNum(T.ones([1]), { inf: 1 } as never), /nanToNum: unexpected option 'inf'/],
    ['countNonzero of a number', () => T.countNonzero(3 as never), /countNonzero: input must be a Tensor, got number 3/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});
