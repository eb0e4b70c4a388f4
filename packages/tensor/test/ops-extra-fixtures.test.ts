/**
 * Replays scripts/fixtures/ops_extra_fixtures.py (PyTorch 1.13 CPU): the activations relu6,
 * hardtanh, hardsigmoid, hardswish, logsigmoid, softsign, selu, celu, mish, glu, softmin and
 * threshold; normalize, cosineSimilarity, pairwiseDistance, oneHot; prod, amax, amin — each
 * output's dtype, shape and values and, from random upstream gradients, each floating input's
 * gradient, in float32 and float64, on inputs at every kink (the gradients at hardtanh's bounds
 * and hardswish's ±3 included), with ties (amax/amin) and zeros (prod).
 *
 * Integer results exact; floating ones within `ULPS[op]` units in the last place of PyTorch's
 * (0: bit for bit), measured: where our composition rounds in another order than PyTorch's
 * kernel (selu multiplies elu's result by the scale; PyTorch folds the scale into the
 * coefficients), takes exp/log1p/tanh through another libm, or multiplies prod's factors in
 * double and rounds once where PyTorch rounds each product.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { decode, num, scaledDistance, ulpDistance, type Packed, type Value } from './helpers/op-fixtures.js';

interface Case {
  op: string; name: string; kw: Record<string, unknown>;
  inputs: (Packed | { number: Value } | { list: unknown })[];
  out: Packed; upstream?: Packed; grads?: (Packed | null)[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops-extra.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Arg = T.Tensor | number;
type Kw = Record<string, unknown>;
const t = (a: Arg | undefined): T.Tensor => a as T.Tensor;
const n = (v: unknown, d: number): number => (v === undefined ? d : (v as number));
const F = T.F;

const OPS: Record<string, (a: Arg[], kw: Kw) => T.Tensor> = {
  relu6: ([x]) => F.relu6(t(x)),
  hardtanh: ([x], kw) => F.hardtanh(t(x), n(kw.min_val, -1), n(kw.max_val, 1)),
  hardsigmoid: ([x]) => F.hardsigmoid(t(x)),
  hardswish: ([x]) => F.hardswish(t(x)),
  logsigmoid: ([x]) => F.logsigmoid(t(x)),
  softsign: ([x]) => F.softsign(t(x)),
  selu: ([x]) => F.selu(t(x)),
  celu: ([x], kw) => F.celu(t(x), n(kw.alpha, 1)),
  mish: ([x]) => F.mish(t(x)),
  threshold: ([x, th, v]) => F.threshold(t(x), th as number, v as number),
  glu: ([x], kw) => F.glu(t(x), n(kw.dim, -1)),
  softmin: ([x], kw) => F.softmin(t(x), kw.dim as number),
  normalize: ([x], kw) => F.normalize(t(x), n(kw.p, 2), n(kw.dim, 1)),
  cosineSimilarity: ([a, b], kw) => F.cosineSimilarity(t(a), t(b), n(kw.dim, 1)),
  pairwiseDistance: ([a, b], kw) => F.pairwiseDistance(t(a), t(b), n(kw.p, 2), 1e-6, (kw.keepdim as boolean | undefined) ?? false),
  oneHot: ([x, c]) => F.oneHot(t(x), c === undefined ? -1 : (c as number)),
  // the method form with PyTorch's keywords as a bag, the function form positionally, by case
  prod: ([x], kw) => (kw.dim === undefined ? T.prod(t(x)) : kw.keepdim ? t(x).prod({ dim: kw.dim as number, keepdim: true }) : T.prod(t(x), kw.dim as number)),
  amax: ([x], kw) => (kw.dim === undefined ? t(x).amax() : T.amax(t(x), kw.dim as number | number[], (kw.keepdim as boolean | undefined) ?? false)),
  amin: ([x], kw) => (kw.dim === undefined ? T.amin(t(x)) : t(x).amin({ dim: kw.dim as number | number[], keepdim: (kw.keepdim as boolean | undefined) ?? false })),
};

/** The largest distance allowed, in ulps: [values, gradients] (measured; see the file's comment). */
const ULPS: Record<string, [number, number]> = {
  relu6: [0, 0], hardtanh: [0, 0], hardsigmoid: [0, 0], hardswish: [0, 0], logsigmoid: [1, 2], softsign: [0, 0],
  selu: [1, 2], celu: [3, 3], mish: [2, 2], threshold: [0, 0], glu: [1, 2], softmin: [3, 1],
  normalize: [2, 2], cosineSimilarity: [3, 2], pairwiseDistance: [1, 2], oneHot: [0, 0], prod: [2, 3], amax: [0, 0], amin: [0, 0],
};
/**
 * Gradients that cancel (mish's near its zero at x ≈ -1.19; normalize's and cosineSimilarity's
 * quotient rule, whose two terms nearly cancel): measured in ulps of the gradient's largest
 * magnitude (`scaledDistance`), as an element's own ulps say nothing there; softmin's too
 * (softmax's backward `y·(g − Σ g·y)`).
 */
const SCALED_GRADS = new Set(['mish', 'normalize', 'cosineSimilarity', 'softmin']);

function argOf(p: Case['inputs'][number], grad: boolean): Arg {
  if ('number' in p) return num(p.number);
  if ('list' in p) throw new Error('no list inputs here');
  const x = decode(p);
  return x.dtype.isFloatingPoint && grad ? x.requiresGrad_() : x;
}

const measured: string[] = [];

describe(`activations, distances, prod/amax/amin against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const grad = c.upstream !== undefined;
    const args = c.inputs.map((p) => argOf(p, grad));
    const got = OPS[c.op]!(args, c.kw);
    expect(got.dtype.name, `${c.name}: dtype`).toBe(c.out.dtype);
    expect(got.shape, `${c.name}: shape`).toEqual(c.out.shape);
    const [vBound, gBound] = ULPS[c.op]!;
    const v = ulpDistance(got, c.out);
    expect(v, `${c.name}: values ${v} ulps`).toBeLessThanOrEqual(vBound);
    let g = 0;
    if (grad) {
      got.backward(decode(c.upstream!));
      c.grads!.forEach((w, i) => {
        const x = args[i];
        if (w === null || !(x instanceof T.Tensor)) return;
        expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
        g = Math.max(g, (SCALED_GRADS.has(c.op) ? scaledDistance : ulpDistance)(x.grad!, w));
      });
      expect(g, `${c.name}: gradients ${g} ulps`).toBeLessThanOrEqual(gBound);
    }
    measured.push(`${c.name}: values ${v}, grads ${g}`);
  });
  it('reports the measured distances', () => {
    if (typeof process !== 'undefined' && process.env.OPS_EXTRA_ULPS) console.log(measured.join('\n'));
    expect(measured.length).toBe(fixture.cases.length);
  });
});
