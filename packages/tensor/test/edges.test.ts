/**
 * PyTorch's answers at the edges friendlier fixtures miss (issue 27), from
 * scripts/fixtures/edge_fixtures.py: `randomSplit`'s lengths from fractions over a grid of
 * dataset sizes, `DataLoader`'s batch sizes and length over sizes x batch sizes x dropLast, and
 * `clipGradNorm_` where the total norm is tiny (so its `+ 1e-6` decides the scale).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

interface Split { n: number; fractions: number[]; lengths: number[] }
interface Loader { n: number; batchSize: number; dropLast: boolean; sizes: number[]; len: number }
interface Clip { dtype: 'float32' | 'float64'; maxNorm: number; normType: number | 'inf'; grads: number[][]; shapes: number[][]; clipped: number[][]; total: number }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/edges.json', import.meta.url), 'utf8')) as { torch: string; randomSplit: Split[]; dataLoader: Loader[]; clipGradNorm: Clip[] };

class Range extends T.data.Dataset<number> {
  constructor(private readonly n: number) { super(); }
  get length(): number { return this.n; }
  getItem(i: number): number { return i; }
}

describe(`data utilities against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.randomSplit.map((s) => [`n=${s.n} ${s.fractions.map((f) => f.toFixed(3)).join('/')}`, s] as const))('randomSplit %s', (_, s) => {
    const parts = T.data.randomSplit(new Range(s.n), s.fractions, new T.Generator(0));
    expect(parts.map((p) => p.length)).toEqual(s.lengths);
    // every index exactly once
    expect(parts.flatMap((p) => Array.from({ length: p.length }, (_, i) => p.getItem(i))).sort((a, b) => a - b)).toEqual(Array.from({ length: s.n }, (_, i) => i));
  });
  it.each(fixture.dataLoader.map((l) => [`n=${l.n} batch=${l.batchSize} dropLast=${l.dropLast}`, l] as const))('DataLoader %s', (_, l) => {
    const loader = new T.data.DataLoader(new Range(l.n), { batchSize: l.batchSize, dropLast: l.dropLast, collateFn: (b: number[]) => b });
    expect([...loader].map((b) => b.length)).toEqual(l.sizes);
    expect(loader.length).toBe(l.len);
  });
});

describe(`clipGradNorm_ at tiny norms against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.clipGradNorm.map((c, i) => [`${i}: ${c.dtype} p=${c.normType} max ${c.maxNorm} |g|~${Math.abs(c.grads[0]![0]!).toExponential(0)}`, c] as const))('%s', (_, c) => {
    const dtype = T.toDType(c.dtype);
    const ps = c.shapes.map((s) => T.zeros(s, { dtype, requiresGrad: true }));
    ps.forEach((p, i) => { p.grad = T.tensor(c.grads[i]!, { dtype }).reshape(c.shapes[i]!); });
    const total = T.nn.utils.clipGradNorm_(ps, c.maxNorm, { normType: c.normType === 'inf' ? Infinity : c.normType });
    const tol = c.dtype === 'float32' ? 2e-7 : 1e-15;
    expect(Math.abs(total.item() - c.total)).toBeLessThanOrEqual(tol * Math.abs(c.total));
    ps.forEach((p, i) => {
      const got = p.grad!.toTypedArray() as Float32Array | Float64Array;
      c.clipped[i]!.forEach((w, j) => expect(Math.abs(got[j]! - w), `grad ${i}[${j}]`).toBeLessThanOrEqual(tol * 2 * Math.abs(w) + 1e-30));
    });
  });
});
