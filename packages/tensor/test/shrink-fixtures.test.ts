/**
 * Replays scripts/fixtures/shrink_fixtures.py (PyTorch 1.13 CPU): `F.hardshrink`,
 * `F.softshrink`, `F.tanhshrink` and `nn.Softmax2d`, values and gradients, with inputs on every
 * kink (±lambd exactly and one ulp either side, ±0, ±inf). The shrinks are bit for bit;
 * `tanhshrink` (another libm's tanh; `x − tanh(x)` cancels near 0) and Softmax2d within 1
 * scaled ulp, values and gradients (measured: 1 each). Also the modules'
 * reprs, NaN in softshrink (2.x's rule) and the refusals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { replayCase, type FixtureArg, type FixtureCase, type ReplayBounds } from './helpers/op-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/shrink.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };
const t = (a: FixtureArg | undefined): T.Tensor => a as T.Tensor;

const OPS: Record<string, (a: FixtureArg[]) => T.Tensor> = {
  hardshrink: ([x, l]) => (l === undefined ? T.F.hardshrink(t(x)) : new T.nn.Hardshrink(l as number).call(t(x))),
  softshrink: ([x, l]) => (l === undefined ? T.F.softshrink(t(x)) : T.F.softshrink(t(x), l as number)),
  tanhshrink: ([x]) => new T.nn.Tanhshrink().call(t(x)),
  softmax2d: ([x]) => new T.nn.Softmax2d().call(t(x)),
};
const BOUNDS: Record<string, ReplayBounds> = {
  hardshrink: { ulps: [0, 0] },
  softshrink: { ulps: [0, 0] },
  tanhshrink: { ulps: [1, 1], scaledValues: true, scaledGrads: true },
  softmax2d: { ulps: [1, 1], scaledValues: true, scaledGrads: true },
};

describe('the shrinks and Softmax2d against PyTorch 1.13', () => {
  it('the fixture is PyTorch 1.13', () => expect(fixture.torch).toMatch(/^1\.13/));
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    replayCase(c, (args) => OPS[c.op]!(args), BOUNDS[c.op]!);
  });

  it('softshrink keeps NaN (PyTorch 2.x; 1.13 gave 0) and passes its gradient', () => {
    const x = T.tensor([NaN, 1], { requiresGrad: true });
    const y = T.F.softshrink(x);
    expect(y.tolist()).toEqual([NaN, 0.5]);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1]);
  });

  it('the modules print as PyTorch\'s', () => {
    expect(String(new T.nn.Softshrink())).toBe('Softshrink(0.5)');
    expect(String(new T.nn.Hardshrink(0.3))).toBe('Hardshrink(0.3)');
    expect(String(new T.nn.Tanhshrink())).toBe('Tanhshrink()');
    expect(String(new T.nn.Softmax2d())).toBe('Softmax2d()');
    expect(new T.nn.Softshrink({ lambd: 1 }).lambd).toBe(1);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a negative softshrink lambd (PyTorch 1.13\'s message)', () => T.F.softshrink(T.ones([2]), -1), /softshrink: lambda must be greater or equal to 0, but found to be -1/],
    ['a NaN softshrink lambd', () => T.F.softshrink(T.ones([2]), NaN), /softshrink: lambda must be greater or equal to 0/],
    ['a string lambd', () => T.F.hardshrink(T.ones([2]), '1' as never), /hardshrink: lambd must be a number, got string/],
    ['an integer input', () => T.F.hardshrink(T.ones([2], { dtype: T.int64 })), /hardshrink: "hardshrink_cpu" not implemented for 'Long'/],
    ['a 2-d input to Softmax2d (PyTorch: requires a 3D or 4D tensor)', () => new T.nn.Softmax2d().call(T.ones([2, 2])), /Softmax2d: requires a 3D or 4D tensor as input, got 2D/],
    ['a Softshrink lambd that is a string', () => new T.nn.Softshrink('x' as never), /Softshrink: lambd/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});
