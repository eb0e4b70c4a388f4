import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

interface Packed { shape: number[]; data: number[]; int?: boolean }
interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Packed[];
  output: Packed;
  upstream?: Packed;
  grads: (Packed | null)[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
/** The same cases computed by PyTorch in float64 (the float32 draws widened): ops-f64.json. */
const fixture64 = JSON.parse(readFileSync(new URL('./fixtures/ops-f64.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Args = Record<string, unknown>;
type Op = (x: T.Tensor[], a: Args) => T.Tensor;
const num = (a: Args, k: string): number => a[k] as number;
const dim = (a: Args): number | number[] | null => (a['dim'] ?? null) as number | number[] | null;
const keep = (a: Args): boolean => Boolean(a['keepdim']);
const red = (a: Args): { reduction: 'mean' | 'sum' | 'none' } => ({ reduction: (a['reduction'] ?? 'mean') as 'mean' | 'sum' | 'none' });

const unary = (f: (x: T.Tensor) => T.Tensor): Op => ([x]) => f(x!);
const binary = (f: (a: T.Tensor, b: T.Tensor | number, alpha?: number) => T.Tensor): Op => ([a, b], args) => {
  if ('scalar' in args) return f(a!, num(args, 'scalar'));
  return 'alpha' in args ? f(a!, b!, num(args, 'alpha')) : f(a!, b!);
};

const OPS: Record<string, Op> = {
  neg: unary(T.neg), exp: unary(T.exp), log: unary(T.log), sqrt: unary(T.sqrt), abs: unary(T.abs), relu: unary(T.relu),
  sigmoid: unary(T.sigmoid), tanh: unary(T.tanh), gelu: unary(T.gelu), erf: unary(T.erf), log1p: unary(T.log1p),
  reciprocal: unary(T.reciprocal), square: unary(T.square),
  pow: ([a, b], args) => T.pow(a!, 'exponent' in args ? num(args, 'exponent') : b!),
  add: binary(T.add), sub: binary(T.sub), mul: binary(T.mul), div: binary((a, b) => T.div(a, b)), maximum: binary(T.maximum), minimum: binary(T.minimum),
  clamp: ([x], a) => T.clamp(x!, a['min'] as number | null, a['max'] as number | null),
  where: ([c, a, b]) => T.where(c!.bool(), a!, b!),
  eq: ([a, b]) => T.eq(a!, b!), ne: ([a, b]) => T.ne(a!, b!), gt: ([a, b]) => T.gt(a!, b!),
  ge: ([a, b]) => T.ge(a!, b!), lt: ([a, b]) => T.lt(a!, b!), le: ([a, b]) => T.le(a!, b!),
  sum: ([x], a) => T.sum(x!, dim(a), keep(a)),
  mean: ([x], a) => T.mean(x!, dim(a), keep(a)),
  var: ([x], a) => T.variance(x!, dim(a), keep(a), num(a, 'correction')),
  std: ([x], a) => T.std(x!, dim(a), keep(a), num(a, 'correction')),
  logsumexp: ([x], a) => T.logsumexp(x!, dim(a) as number | number[], keep(a)),
  max: ([x], a) => { const r = T.max(x!, dim(a) as number | null, keep(a)); return r instanceof T.Tensor ? r : r.values; },
  min: ([x], a) => { const r = T.min(x!, dim(a) as number | null, keep(a)); return r instanceof T.Tensor ? r : r.values; },
  argmax: ([x], a) => T.argmax(x!, dim(a) as number | null, keep(a)),
  argmin: ([x], a) => T.argmin(x!, dim(a) as number | null, keep(a)),
  cat: (xs, a) => T.cat(xs, num(a, 'dim')),
  stack: (xs, a) => T.stack(xs, num(a, 'dim')),
  gather: ([x, i], a) => T.gather(x!, num(a, 'dim'), i!),
  indexSelect: ([x, i], a) => T.indexSelect(x!, num(a, 'dim'), i!),
  reshape: ([x], a) => x!.reshape(a['shape'] as number[]),
  transpose: ([x], a) => x!.transpose(num(a, 'dim0'), num(a, 'dim1')),
  transpose_contiguous: ([x], a) => x!.transpose(num(a, 'dim0'), num(a, 'dim1')).contiguous(),
  permute: ([x], a) => x!.permute(a['dims'] as number[]),
  expand: ([x], a) => x!.expand(a['shape'] as number[]),
  squeeze: ([x], a) => (a['dim'] === null ? x!.squeeze() : x!.squeeze(num(a, 'dim'))),
  unsqueeze: ([x], a) => x!.unsqueeze(num(a, 'dim')),
  flatten: ([x], a) => x!.flatten(num(a, 'startDim'), num(a, 'endDim')),
  narrow: ([x], a) => x!.narrow(num(a, 'dim'), num(a, 'start'), num(a, 'length')),
  matmul: ([a, b]) => T.matmul(a!, b!),
  inplace_chain_a: ([x, b, c]) => { const y = x!.mul(2); y.add_(b!); y.mul_(c!); return y.tanh(); },
  inplace_chain_b: ([x]) => { const y = x!.mul(1.5); y.clamp_(-0.5, 1); return y.mul(y); },
  softmax: ([x], a) => T.F.softmax(x!, num(a, 'dim')),
  logSoftmax: ([x], a) => T.F.logSoftmax(x!, num(a, 'dim')),
  crossEntropy: ([x, y], a) => T.F.crossEntropy(x!, y!, {
    ...red(a), ...('ignoreIndex' in a ? { ignoreIndex: num(a, 'ignoreIndex') } : {}), ...('labelSmoothing' in a ? { labelSmoothing: num(a, 'labelSmoothing') } : {}),
  }),
  nllLoss: ([x, y], a) => T.F.nllLoss(x!, y!, { ...red(a), ...('ignoreIndex' in a ? { ignoreIndex: num(a, 'ignoreIndex') } : {}) }),
  mseLoss: ([x, y], a) => T.F.mseLoss(x!, y!, red(a)),
  binaryCrossEntropyWithLogits: ([x, y], a) => T.F.binaryCrossEntropyWithLogits(x!, y!, red(a)),
  linear: ([x, w, b]) => T.F.linear(x!, w!, b),
  conv2d: ([x, w, b], a) => T.F.conv2d(x!, w!, b, { stride: num(a, 'stride'), padding: num(a, 'padding') }),
  maxPool2d: ([x], a) => T.F.maxPool2d(x!, num(a, 'kernelSize'), {
    ...('stride' in a ? { stride: num(a, 'stride') } : {}), ...('padding' in a ? { padding: num(a, 'padding') } : {}),
  }),
};

// Tolerances: element-wise ops agree to about an ulp; sums, products and transcendental
// functions in another order or precision agree to float32 summation error.
const LOOSE = new Set(['matmul', 'conv2d', 'linear', 'var', 'std', 'logsumexp', 'sum', 'mean', 'softmax', 'logSoftmax', 'crossEntropy', 'nllLoss', 'mseLoss', 'binaryCrossEntropyWithLogits', 'pow', 'gelu', 'erf']);

function expectClose(actual: Float32Array, want: Packed, loose: boolean, label: string): void {
  const rtol = loose ? 1e-5 : 2e-6, atol = loose ? 1e-6 : 1e-7;
  expect(actual.length, `${label}: size`).toBe(want.data.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = want.data[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}[${i}]: got ${a}, PyTorch ${e} (|diff| ${Math.abs(a - e)})`);
    }
  }
}

describe(`PyTorch ${fixture.torch} parity: outputs and gradients`, () => {
  it('covers every op in the fixture', () => {
    expect(fixture.cases.filter((c) => !(c.op in OPS)).map((c) => c.op)).toEqual([]);
  });
  for (const c of fixture.cases) {
    it(`${c.op}: ${c.name}`, () => {
      const inputs = c.inputs.map((p) => T.tensor(p.data, { shape: p.shape, requiresGrad: !p.int && c.upstream !== undefined }));
      const out = OPS[c.op]!(inputs, c.args);
      expect([...out.shape], 'output shape').toEqual(c.output.shape);
      const loose = LOOSE.has(c.op);
      expectClose(out.toFloat32Array(), c.output, loose, 'output');
      if (!c.upstream) return;
      T.sum(T.mul(out, T.tensor(c.upstream.data, { shape: c.upstream.shape }))).backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const got = inputs[i]!.grad;
        expect(got, `grad of input ${i}`).not.toBeNull();
        expect([...got!.shape], `grad ${i} shape`).toEqual(g.shape);
        expectClose(got!.toFloat32Array(), g, true, `grad of input ${i}`);
      });
    });
  }
});

/** A tensor's values as doubles, whatever its dtype (int64 within 2^53 here). */
const doubles = (t: T.Tensor): Float64Array => Float64Array.from(t.toTypedArray() as ArrayLike<number>, Number);

function expectClose64(actual: Float64Array, want: Packed, label: string): void {
  expect(actual.length, `${label}: size`).toBe(want.data.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = want.data[i]!;
    if (!(Math.abs(a - e) <= 1e-14 + 1e-12 * Math.abs(e)) && !(Number.isNaN(a) && Number.isNaN(e))) {
      expect.fail(`${label}[${i}]: got ${a}, PyTorch ${e} (|diff| ${Math.abs(a - e)})`);
    }
  }
}

describe(`PyTorch ${fixture64.torch} parity in float64: the same ops on double inputs`, () => {
  // Double results agree to double rounding in another order: 1e-12 relative.
  for (const c of fixture64.cases) {
    it(`${c.op}: ${c.name}`, () => {
      const inputs = c.inputs.map((p) => (p.int
        ? T.tensor(p.data, { shape: p.shape })
        : T.tensor(p.data, { shape: p.shape, dtype: T.float64, requiresGrad: c.upstream !== undefined })));
      const out = OPS[c.op]!(inputs, c.args);
      if (out.dtype.isFloatingPoint) expect(out.dtype.name, 'output dtype').toBe('float64');
      expect([...out.shape], 'output shape').toEqual(c.output.shape);
      expectClose64(doubles(out), c.output, 'output');
      if (!c.upstream) return;
      T.sum(T.mul(out, T.tensor(c.upstream.data, { shape: c.upstream.shape, dtype: T.float64 }))).backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const got = inputs[i]!.grad;
        expect(got, `grad of input ${i}`).not.toBeNull();
        expect(got!.dtype.name).toBe('float64');
        expectClose64(doubles(got!), g, `grad of input ${i}`);
      });
    });
  }
});
