import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * PyTorch parity of the issue-14 layers: every case of test/fixtures/nn-layers.json (written by
 * scripts/fixtures/nn_layer_fixtures.py with PyTorch 1.13): output, every input's gradient for
 * a random upstream, and the tensors an op updates in place (running statistics).
 */
interface Packed { shape: number[]; data: number[]; int?: boolean; nograd?: boolean }
interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Packed[];
  output: Packed;
  upstream?: Packed;
  grads: (Packed | null)[];
  after?: Record<string, Packed>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn-layers.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
/** The same cases computed by PyTorch in float64 (the float32 draws widened): nn-layers-f64.json. */
const fixture64 = JSON.parse(readFileSync(new URL('./fixtures/nn-layers-f64.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Args = Record<string, unknown>;
type Op = (x: T.Tensor[], a: Args) => T.Tensor;
const { F } = T;
const opt = <K extends string>(a: Args, ...keys: K[]): Partial<Record<K, never>> => {
  const o: Record<string, unknown> = {};
  for (const k of keys) if (k in a) o[k] = a[k];
  return o as Partial<Record<K, never>>;
};
const affine = (xs: T.Tensor[], from: number): { weight?: T.Tensor; bias?: T.Tensor } => ({
  ...(xs[from] ? { weight: xs[from] } : {}), ...(xs[from + 1] ? { bias: xs[from + 1] } : {}),
});

const OPS: Record<string, Op> = {
  relu: ([x]) => F.relu(x!),
  leakyRelu: ([x], a) => F.leakyRelu(x!, a['negativeSlope'] as number),
  elu: ([x], a) => F.elu(x!, a['alpha'] as number),
  silu: ([x]) => F.silu(x!),
  softplus: ([x], a) => F.softplus(x!, a['beta'] as number, a['threshold'] as number),
  l1Loss: ([x, t], a) => F.l1Loss(x!, t!, opt(a, 'reduction')),
  smoothL1Loss: ([x, t], a) => F.smoothL1Loss(x!, t!, opt(a, 'reduction', 'beta')),
  huberLoss: ([x, t], a) => F.huberLoss(x!, t!, opt(a, 'reduction', 'delta')),
  binaryCrossEntropy: ([x, t, w], a) => F.binaryCrossEntropy(x!, t!, { ...opt(a, 'reduction'), ...(w ? { weight: w } : {}) }),
  klDiv: ([x, t], a) => F.klDiv(x!, t!, opt(a, 'reduction', 'logTarget')),
  batchNorm: (xs, a) => (a['noRunning']
    ? F.batchNorm(xs[0]!, null, null, { training: true })
    : F.batchNorm(xs[0]!, xs[1]!, xs[2]!, { ...affine(xs, 3), ...opt(a, 'training', 'momentum', 'eps') })),
  layerNorm: (xs, a) => F.layerNorm(xs[0]!, a['normalizedShape'] as number[], { ...affine(xs, 1), ...opt(a, 'eps') }),
  groupNorm: (xs, a) => F.groupNorm(xs[0]!, a['numGroups'] as number, { ...affine(xs, 1), ...opt(a, 'eps') }),
  embedding: ([i, w], a) => F.embedding(i!, w!, opt(a, 'paddingIdx')),
  conv2d: ([x, w, b], a) => F.conv2d(x!, w!, b, opt(a, 'stride', 'padding', 'dilation', 'groups')),
  conv1d: ([x, w, b], a) => F.conv1d(x!, w!, b, opt(a, 'stride', 'padding', 'dilation', 'groups')),
  avgPool2d: ([x], a) => F.avgPool2d(x!, a['kernelSize'] as number, opt(a, 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride')),
  maxPool2d: ([x], a) => F.maxPool2d(x!, a['kernelSize'] as number, opt(a, 'stride', 'padding', 'ceilMode')),
  adaptiveAvgPool2d: ([x], a) => F.adaptiveAvgPool2d(x!, a['outputSize'] as number),
};

// Element-wise ops agree to about an ulp; ops that sum (norms, convolutions, pooling, losses)
// agree to float32 summation error in another order.
const EXACT = new Set(['relu', 'leakyRelu', 'embedding', 'maxPool2d']);

function expectClose(actual: Float32Array | Float64Array, want: Packed, rtol: number, atol: number, label: string): void {
  expect(actual.length, `${label}: size`).toBe(want.data.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = want.data[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`${label}[${i}]: got ${a}, PyTorch ${e} (|diff| ${Math.abs(a - e)})`);
  }
}

describe(`PyTorch ${fixture.torch} parity of the issue-14 layers: outputs, gradients, running statistics`, () => {
  it('covers every op in the fixture', () => {
    expect(fixture.cases.filter((c) => !(c.op in OPS)).map((c) => c.op)).toEqual([]);
  });
  for (const c of fixture.cases) {
    it(`${c.op}: ${c.name}`, () => {
      const inputs = c.inputs.map((p) => T.tensor(p.data, { shape: p.shape, requiresGrad: !p.int && !p.nograd && c.upstream !== undefined }));
      const out = OPS[c.op]!(inputs, c.args);
      expect([...out.shape], 'output shape').toEqual(c.output.shape);
      const [rtol, atol] = EXACT.has(c.op) ? [2e-6, 1e-7] : [1e-5, 2e-6];
      expectClose(out.toFloat32Array(), c.output, rtol, atol, 'output');
      for (const [k, want] of Object.entries(c.after ?? {})) {
        const t = k === 'runningMean' ? inputs[1]! : inputs[2]!;
        expectClose(t.toFloat32Array(), want, 1e-5, 1e-6, k);
      }
      if (!c.upstream) return;
      T.sum(T.mul(out, T.tensor(c.upstream.data, { shape: c.upstream.shape }))).backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const got = inputs[i]!.grad;
        expect(got, `grad of input ${i}`).not.toBeNull();
        expect([...got!.shape], `grad ${i} shape`).toEqual(g.shape);
        expectClose(got!.toFloat32Array(), g, 1e-4, 1e-5, `grad of input ${i}`);
      });
    });
  }
});

describe(`PyTorch ${fixture64.torch} parity in float64: the same layers on double inputs`, () => {
  // Double results agree to double rounding in another summation order: 1e-12 relative.
  for (const c of fixture64.cases) {
    it(`${c.op}: ${c.name}`, () => {
      const inputs = c.inputs.map((p) => (p.int
        ? T.tensor(p.data, { shape: p.shape })
        : T.tensor(p.data, { shape: p.shape, dtype: T.float64, requiresGrad: !p.nograd && c.upstream !== undefined })));
      const out = OPS[c.op]!(inputs, c.args);
      expect(out.dtype.name, 'output dtype').toBe('float64');
      expect([...out.shape], 'output shape').toEqual(c.output.shape);
      expectClose(out.toTypedArray() as Float64Array, c.output, 1e-12, 1e-14, 'output');
      for (const [k, want] of Object.entries(c.after ?? {})) {
        const t = k === 'runningMean' ? inputs[1]! : inputs[2]!;
        expectClose(t.toTypedArray() as Float64Array, want, 1e-12, 1e-14, k);
      }
      if (!c.upstream) return;
      T.sum(T.mul(out, T.tensor(c.upstream.data, { shape: c.upstream.shape, dtype: T.float64 }))).backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const got = inputs[i]!.grad;
        expect(got, `grad of input ${i}`).not.toBeNull();
        expect(got!.dtype.name).toBe('float64');
        expectClose(got!.toTypedArray() as Float64Array, g, 1e-11, 1e-13, `grad of input ${i}`);
      });
    });
  }
});
