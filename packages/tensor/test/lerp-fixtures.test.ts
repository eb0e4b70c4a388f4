/**
 * Replays scripts/fixtures/lerp_fixtures.py (PyTorch 1.13 CPU): `lerp` and `lerp_` values and
 * gradients bit for bit (a broadcast input's gradient, a sum, within 2 scaled ulps), in float32
 * and float64 — ATen's two fused multiply-adds (|w| < 0.5 from `start`, else from `end`: PyTorch
 * 2.x's test; 1.13 takes weights ≤ −0.5 from `start`, and that case holds 2.x's values), which `start + w·(end − start)` misses in the last bit on about a
 * quarter of random inputs — with number and tensor weights, broadcasting, zeros, ±inf and NaN.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { replayCase, type FixtureArg, type FixtureCase } from './helpers/op-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/lerp.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };
const t = (a: FixtureArg | undefined): T.Tensor => a as T.Tensor;
const w = (a: FixtureArg | undefined): T.Tensor | number => a as T.Tensor | number;

const OPS: Record<string, (a: FixtureArg[]) => T.Tensor> = {
  lerp: ([s, e, x]) => T.lerp(t(s), t(e), w(x)),
  lerp_: ([s, e, x]) => t(s).clone().lerp_(t(e), w(x)),
};

describe('lerp against PyTorch 1.13', () => {
  it('the fixture is PyTorch 1.13', () => expect(fixture.torch).toMatch(/^1\.13/));
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // A broadcast input's gradient is a sum, in another order than ATen's: scaled ulps there.
    const broadcast = c.name.includes('broadcast');
    replayCase(c, (args) => OPS[c.op]!(args), broadcast ? { ulps: [0, 2], scaledGrads: true } : { ulps: [0, 0] });
  });

  it('the method is the function', () => {
    const a = T.tensor([0, 10]), b = T.tensor([10, 20]);
    expect(a.lerp(b, 0.25).tolist()).toEqual([2.5, 12.5]);
    expect(T.lerp(a, b, 1).tolist()).toEqual([10, 20]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['an integer input', () => T.lerp(T.ones([2], { dtype: T.int64 }), T.ones([2], { dtype: T.int64 }), 0.5), /lerp: not implemented for 'Long'/],
    ['end of another dtype', () => T.lerp(T.ones([2]), T.ones([2], { dtype: T.float64 }), 0.5), /lerp: expected dtype float32 for `end` but got dtype float64/],
    ['weight of another dtype', () => T.lerp(T.ones([2]), T.ones([2]), T.ones([2], { dtype: T.float64 })), /lerp: expected dtype float32 for `weight` but got dtype float64/],
    ['a weight that is a string', () => T.lerp(T.ones([2]), T.ones([2]), '0.5' as never), /lerp: weight must be a number or a Tensor, got string/],
    ['shapes that do not broadcast', () => T.lerp(T.ones([2]), T.ones([3]), 0.5), /lerp/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});
