/**
 * Replays scripts/fixtures/ops_extra2_fixtures.py (PyTorch 1.13 CPU): asin, acos, atan, sinh,
 * cosh, asinh, acosh, atanh (and the arcsin-style aliases) at ±0, ±1 and their neighbours, out
 * of their domains, at subnormals, overflow, ±inf and NaN, in float32 and float64, and from
 * integer and bool inputs (float32) — each output's dtype, shape and values and, from random
 * upstream gradients, each floating input's gradient; vstack (rowStack), hstack, dstack,
 * columnStack over every rank they take and mixed dtypes, and meshgrid ('ij', 'xy', the default;
 * its grids stacked into one tensor): values bit for bit (copies and views), gradients too but
 * meshgrid's over three tensors (see BOUNDS); cdist (see BOUNDS); gaussianNllLoss and
 * multiMarginLoss as functions and modules, over every reduction; adaptiveMaxPool1d/2d (functions
 * and modules; values, gradients and indices bit for bit).
 *
 * Integer results exact; floating ones within `BOUNDS[op]` units in the last place of PyTorch's
 * (0: bit for bit; scaled: in units of the tensor's largest magnitude, where sums cancel),
 * measured (the loose ones over eight draws of the inputs, see BOUNDS). The trigonometric values are computed in double and rounded once
 * (the correctly rounded float32 but for rare double roundings), where PyTorch's float32
 * kernels take SLEEF's 1-ulp functions (asin, acos, atan, sinh, cosh) or libm's float ones
 * (asinh, acosh, atanh), and its float64 SLEEF's or glibc's against V8's fdlibm ports: 1 ulp
 * apart at some inputs either way. Their gradients are PyTorch's formulas op for op, so they
 * differ only where a value they are built from (sinh's cosh, cosh's sinh) does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { num, replayCase, type FixtureArg, type FixtureCase, type ReplayBounds, type Value } from './helpers/op-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops-extra2.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };

type Kw = Record<string, unknown>;
const t = (a: FixtureArg | undefined): T.Tensor => a as T.Tensor;

const OPS: Record<string, (a: FixtureArg[], kw: Kw) => T.Tensor> = {
  // the functions, the methods and the aliases, alternating
  asin: ([x]) => T.asin(t(x)),
  acos: ([x]) => t(x).acos(),
  atan: ([x]) => T.atan(t(x)),
  sinh: ([x]) => t(x).sinh(),
  cosh: ([x]) => T.cosh(t(x)),
  asinh: ([x]) => t(x).asinh(),
  acosh: ([x]) => T.acosh(t(x)),
  atanh: ([x]) => t(x).atanh(),
  arcsin: ([x]) => T.arcsin(t(x)),
  arctanh: ([x]) => t(x).arctanh(),
  vstack: (a) => T.vstack(a as T.Tensor[]),
  rowStack: (a) => T.rowStack(a as T.Tensor[]),
  hstack: (a) => T.hstack(a as T.Tensor[]),
  dstack: (a) => T.dstack(a as T.Tensor[]),
  columnStack: (a) => T.columnStack(a as T.Tensor[]),
  // the tensors as arguments with the options, or as one array without (the default 'ij'), by case
  meshgrid: (a, kw) => T.stack(kw.indexing === undefined ? T.meshgrid(a as T.Tensor[]) : T.meshgrid(...(a as T.Tensor[]), { indexing: kw.indexing as 'ij' | 'xy' })),
  atleast3d: ([x]) => T.atleast3d(t(x)),
  // PyTorch's positional order, or the options bag, by case
  cdist: (a, kw) => cdist(a, kw),
  cdistMm: (a, kw) => cdist(a, kw),
  // the function with PyTorch's keywords as a bag, or the module, by case
  gaussianNllLoss: ([x, y, v], kw) => (kw.reduction === 'sum'
    ? new T.nn.GaussianNLLLoss({ reduction: 'sum' }).call(t(x), t(y), t(v))
    : T.F.gaussianNllLoss(t(x), t(y), t(v), kw as T.F.GaussianNllLossOptions)),
  multiMarginLoss: ([x, y, w], kw) => (w === undefined
    ? T.F.multiMarginLoss(t(x), t(y), kw as T.F.MultiMarginLossOptions)
    : new T.nn.MultiMarginLoss((kw.p as 1 | 2 | undefined) ?? 1, (kw.margin as number | undefined) ?? 1, t(w), null, null, (kw.reduction as T.F.Reduction | undefined) ?? 'mean').call(t(x), t(y))),
  // the function, or the module with PyTorch's positional order, by case
  adaptiveMaxPool2d: ([x, n]) => (typeof n === 'number'
    ? new T.nn.AdaptiveMaxPool2d(n).call(t(x))
    : T.F.adaptiveMaxPool2d(t(x), n as unknown as [number | null, number | null])),
  adaptiveMaxPool2dIndices: ([x, n]) => (typeof n === 'number'
    ? new T.nn.AdaptiveMaxPool2d(n, true).call(t(x))[1]
    : T.F.adaptiveMaxPool2d(t(x), n as unknown as [number | null, number | null], { returnIndices: true })[1]),
  adaptiveMaxPool1d: ([x, n]) => T.F.adaptiveMaxPool1d(t(x), n as number),
  adaptiveMaxPool1dIndices: ([x, n]) => new T.nn.AdaptiveMaxPool1d(n as number, { returnIndices: true }).call(t(x))[1],
};
function cdist([a, b]: FixtureArg[], kw: Kw): T.Tensor {
  return kw.compute_mode === undefined
    ? T.cdist(t(a), t(b), kw.p === undefined ? 2 : num(kw.p as Value))
    : T.cdist(t(a), t(b), { computeMode: kw.compute_mode as T.CdistComputeMode });
}

/** The largest distance allowed, in ulps: [values, gradients] (measured; see the file's comment). */
const BOUNDS: Record<string, ReplayBounds> = {
  asin: { ulps: [1, 0] }, acos: { ulps: [1, 0] }, atan: { ulps: [1, 0] }, asinh: { ulps: [1, 0] }, acosh: { ulps: [1, 0] },
  atanh: { ulps: [1, 0] }, arcsin: { ulps: [1, 0] }, arctanh: { ulps: [1, 0] },
  // the gradient is the other function's value times g: its 1 ulp, then the product's rounding
  sinh: { ulps: [1, 2] }, cosh: { ulps: [1, 2] },
  vstack: { ulps: [0, 0] }, rowStack: { ulps: [0, 0] }, hstack: { ulps: [0, 0] }, dstack: { ulps: [0, 0] },
  columnStack: { ulps: [0, 0] }, atleast3d: { ulps: [0, 0] },
  // a grid's gradient sums the upstream over the other dims: over two of them (three tensors)
  // in another order than PyTorch's reduction, so within ulps of the largest gradient
  meshgrid: { ulps: [0, 2], scaledGrads: true },
  // cdist's kernel: p = 2 bit for bit (its loop's roundings copied), other p through pow (SLEEF's
  // in PyTorch's backward); gradients sum terms of both signs over the other rows: scaled ulps
  cdist: { ulps: [1, 2], scaledGrads: true },
  // the matrix product: PyTorch's BLAS sums each dot in its own order (ours: in order), so within
  // scaled ulps (the largest over eight draws of the inputs: 3 and 19, the gradient's through
  // ratios g / d of the smaller distances); `near` as a guard for distances by cancellation
  cdistMm: { ulps: [3, 19], scaledValues: true, scaledGrads: true, near: { float32: 1e-3, float64: 1e-7 } },
  // log through another libm, and cancellation (log v + d²/v; the variance's gradient
  // 0.5·(1/v − d²/v²), summed over a broadcast dim): scaled ulps, the largest over eight draws
  gaussianNllLoss: { ulps: [2, 2], scaledValues: true, scaledGrads: true },
  // ATen's CPU kernel copied: each sample's sum in the dtype, the batch's in double
  multiMarginLoss: { ulps: [0, 0] },
  // the kernel's scan copied; the gradient a scatterAdd in output order, as ATen's
  adaptiveMaxPool2d: { ulps: [0, 0] }, adaptiveMaxPool2dIndices: { ulps: [0, 0] },
  adaptiveMaxPool1d: { ulps: [0, 0] }, adaptiveMaxPool1dIndices: { ulps: [0, 0] },
};

const measured: string[] = [];

describe(`inverse trigonometric and hyperbolic functions, stacking helpers against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const [v, g] = replayCase(c, OPS[c.op]!, BOUNDS[c.op]!);
    measured.push(`${c.name}: values ${v}, grads ${g}`);
  });
  it('reports the measured distances', () => {
    if (typeof process !== 'undefined' && process.env.OPS_EXTRA_ULPS) console.log(measured.join('\n'));
    expect(measured.length).toBe(fixture.cases.length);
  });
});
