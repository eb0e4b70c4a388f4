/**
 * Replays scripts/fixtures/unique_fixtures.py (PyTorch 1.13 CPU): `unique`'s values, inverse
 * indices and counts, flattened and along dims, for float, int64 and bool tensors, exactly; and
 * where ours differs by design (NaN: last, each its own value) and its refusals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { decode, ulpDistance, type Packed } from './helpers/op-fixtures.js';

interface Case { name: string; kw: Record<string, unknown>; inputs: [Packed]; out?: Packed; outs?: Packed[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/unique.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

describe('unique against PyTorch 1.13', () => {
  it('the fixture is PyTorch 1.13', () => expect(fixture.torch).toMatch(/^1\.13/));
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const kw = c.kw;
    const got = T.unique(decode(c.inputs[0]), {
      ...(kw.return_inverse === undefined ? {} : { returnInverse: kw.return_inverse as boolean }),
      ...(kw.return_counts === undefined ? {} : { returnCounts: kw.return_counts as boolean }),
      ...(kw.dim === undefined ? {} : { dim: kw.dim as number }),
    });
    const outs = Array.isArray(got) ? got : [got];
    const want = c.outs ?? [c.out!];
    expect(outs.length).toBe(want.length);
    outs.forEach((o, i) => expect(ulpDistance(o, want[i]!), `${c.name}: output ${i}`).toBe(0));
    // -0 and 0: the sign of the zero kept is PyTorch's
    if (c.name.includes('zeros')) expect(Object.is((outs[0]!.tolist() as number[])[1], -0)).toBe(Object.is(Number(want[0]!.data[1] === '-0' ? -0 : want[0]!.data[1]), -0));
  });

  it('NaNs come last, each its own value; the result is not differentiable', () => {
    const x = T.tensor([3, NaN, 1, NaN, 3], { requiresGrad: true });
    const [v, inv, cnt] = T.unique(x, { returnInverse: true, returnCounts: true });
    expect(v.tolist()).toEqual([1, 3, NaN, NaN]);
    expect(inv.tolist()).toEqual([1, 2, 0, 3, 1]);
    expect(cnt.tolist()).toEqual([1, 2, 1, 1]);
    expect(v.requiresGrad).toBe(false);
    expect(x.unique().tolist()).toEqual([1, 3, NaN, NaN]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a dim out of range', () => T.unique(T.ones([2, 2]), { dim: 2 }), /unique/],
    ['returnInverse not a boolean', () => T.unique(T.ones([2]), { returnInverse: 1 as never }), /unique: returnInverse must be a boolean, got number 1/],
    ['an unknown option', () => T.unique(T.ones([2]), { return_counts: true } as never), /unique.*return_counts/],
    ['a number', () => T.unique(3 as never), /unique: input must be a Tensor, got number 3/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});
