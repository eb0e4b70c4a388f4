import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * PyTorch parity of the generative layers (issue 24): every case of test/fixtures/generative.json
 * (scripts/fixtures/generative_fixtures.py, PyTorch 1.13). Each output and each input gradient
 * (for a random upstream) is compared with PyTorch's float64 result from the same inputs; the
 * float32 tolerance is PyTorch's own float32 error on that tensor (4x, plus two float32 ulps of
 * the value), so an op that is exact in PyTorch (padding, nearest) must be exact here too.
 * Cases marked float64 also run in float64 against the same truth.
 */
interface Packed { shape: number[]; data: number[] }
interface Checked extends Packed { err32: number }
interface Case {
  name: string;
  op: string;
  args: Record<string, unknown>;
  float64: boolean;
  inputs: Packed[];
  upstream: Packed;
  output: Checked;
  grads: Checked[];
}
interface InitFact { module: string; args: (number | number[])[]; bound: number; weightShape: number[]; keys: string[]; repr: string }

const fixture = JSON.parse(readFileSync(new URL('./fixtures/generative.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[]; init: InitFact[] };
const { F, nn } = T;
type Args = Record<string, unknown>;
const pick = (a: Args, ...keys: string[]): Record<string, never> => Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, a[k]])) as Record<string, never>;

const OPS: Record<string, (x: T.Tensor[], a: Args) => T.Tensor> = {
  convTranspose2d: ([x, w, b], a) => F.convTranspose2d(x!, w!, b ?? null, pick(a, 'stride', 'padding', 'outputPadding', 'groups', 'dilation')),
  convTranspose1d: ([x, w, b], a) => F.convTranspose1d(x!, w!, b ?? null, pick(a, 'stride', 'padding', 'outputPadding', 'groups', 'dilation')),
  ConvTranspose2dModule: (xs, a) => {
    const [x, w, b] = xs;
    const m = new nn.ConvTranspose2d(w!.shape[0]!, w!.shape[1]! * ((a['groups'] as number | undefined) ?? 1), [w!.shape[2]!, w!.shape[3]!], pick(a, 'stride', 'padding', 'outputPadding', 'groups', 'dilation'));
    xs[1] = m.weight = new nn.Parameter(w!.detach());
    xs[2] = m.bias = new nn.Parameter(b!.detach());
    return m.call(x!, a['outputSize'] as number[]);
  },
  ConvTranspose1dModule: (xs, a) => {
    const [x, w, b] = xs;
    const m = new nn.ConvTranspose1d(w!.shape[0]!, w!.shape[1]!, w!.shape[2]!, pick(a, 'stride', 'padding', 'outputPadding', 'dilation'));
    xs[1] = m.weight = new nn.Parameter(w!.detach());
    xs[2] = m.bias = new nn.Parameter(b!.detach());
    return m.call(x!, a['outputSize'] as number[]);
  },
  interpolate: ([x], a) => F.interpolate(x!, pick(a, 'size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor')),
  pad: ([x], a) => F.pad(x!, a['pad'] as number[], pick(a, 'mode', 'value')),
  pixelShuffle: ([x], a) => F.pixelShuffle(x!, a['factor'] as number),
  pixelUnshuffle: ([x], a) => F.pixelUnshuffle(x!, a['factor'] as number),
  unflatten: ([x], a) => new nn.Unflatten(a['dim'] as number, a['sizes'] as number[]).call(x!),
  // a layer built from PyTorch's positional arguments (null for None), with PyTorch's repr
  module: ([x], a) => {
    const Cls = (nn as unknown as Record<string, new (...args: unknown[]) => T.nn.Module>)[a['module'] as string]!;
    const m = new Cls(...(a['args'] as unknown[]));
    expect(String(m), 'repr').toBe(a['repr']);
    return m.call(x!) as T.Tensor;
  },
};

function expectWithin(actual: ArrayLike<number>, want: Checked, f64: boolean, label: string): void {
  expect(actual.length, `${label}: size`).toBe(want.data.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = want.data[i]!;
    const tol = f64 ? 1e-12 * (1 + Math.abs(e)) : 4 * want.err32 + 2 ** -22 * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) expect.fail(`${label}[${i}]: got ${a}, PyTorch float64 ${e} (|diff| ${Math.abs(a - e)}, tolerance ${tol}; PyTorch float32's own error ${want.err32})`);
  }
}

function replay(c: Case, dtype: T.DType): void {
  const inputs = c.inputs.map((p) => T.tensor(p.data, { shape: p.shape, dtype, requiresGrad: true }));
  const out = OPS[c.op]!(inputs, c.args);
  expect([...out.shape], 'output shape').toEqual(c.output.shape);
  expect(out.dtype, 'output dtype').toBe(dtype);
  const f64 = dtype === T.float64;
  expectWithin(out.toTypedArray() as ArrayLike<number>, c.output, f64, 'output');
  T.sum(T.mul(out, T.tensor(c.upstream.data, { shape: c.upstream.shape, dtype }))).backward();
  c.grads.forEach((g, i) => {
    const got = inputs[i]!.grad;
    expect(got, `grad of input ${i}`).not.toBeNull();
    expect([...got!.shape], `grad ${i} shape`).toEqual(g.shape);
    expectWithin(got!.toTypedArray() as ArrayLike<number>, g, f64, `grad of input ${i}`);
  });
}

describe(`PyTorch ${fixture.torch} parity of transposed convolution, interpolation, padding and pixel shuffle (outputs and gradients)`, () => {
  it('covers every op in the fixture', () => {
    expect(fixture.cases.filter((c) => !(c.op in OPS)).map((c) => c.op)).toEqual([]);
    expect(fixture.cases.length).toBeGreaterThan(90);
  });
  for (const c of fixture.cases) {
    it(`${c.name} (float32)`, () => replay(c, T.float32));
    if (c.float64) it(`${c.name} (float64)`, () => replay(c, T.float64));
  }
});

describe("transposed layers: PyTorch's init bound, weight layout, state-dict keys and repr", () => {
  for (const f of fixture.init) {
    it(f.repr, () => {
      const Cls = f.module === 'ConvTranspose2d' ? nn.ConvTranspose2d : nn.ConvTranspose1d;
      const m = new (Cls as unknown as new (...a: unknown[]) => T.nn.ConvTranspose2d)(...f.args);
      expect(String(m)).toBe(f.repr);
      expect([...m.weight.shape]).toEqual(f.weightShape);
      expect(Object.keys(m.stateDict())).toEqual(f.keys);
      for (const p of [m.weight, m.bias!]) {
        const v = p.toFloat32Array();
        const lo = Math.min(...v), hi = Math.max(...v);
        expect(lo).toBeGreaterThanOrEqual(-f.bound);
        expect(hi).toBeLessThanOrEqual(f.bound);
        // U(-b, b): a few hundred draws reach past half the bound on both sides
        if (v.length > 100) expect(Math.min(-lo, hi)).toBeGreaterThan(0.5 * f.bound);
      }
    });
  }
});

describe('PyTorch call forms: positional and options bag give the same layer', () => {
  it('ConvTranspose2d(in, out, k, stride, padding, outputPadding, groups, bias, dilation) = options bag', () => {
    const a = new nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, false, 2);
    const b = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, dilation: 2 });
    expect(String(a)).toBe(String(b));
    expect(a.bias).toBeNull();
  });
  it('F.convTranspose2d positional = options bag', () => {
    const x = T.randn([1, 4, 3, 3]), w = T.randn([4, 1, 3, 3]), bias = T.randn([2]);
    const p = F.convTranspose2d(x, w, bias, 2, 1, 1, 2, 1);
    const o = F.convTranspose2d(x, w, bias, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    expect(p.toArray()).toEqual(o.toArray());
  });
  it('F.interpolate(x, size, scaleFactor, mode, alignCorners) = options bag', () => {
    const x = T.randn([1, 1, 3, 3]);
    expect(F.interpolate(x, null, 2, 'bilinear', true).toArray()).toEqual(F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }).toArray());
    expect(String(new nn.Upsample(null, 2, 'bilinear'))).toBe('Upsample(scale_factor=2.0, mode=bilinear)');
    expect(String(new nn.Upsample([3, 4]))).toBe('Upsample(size=(3, 4), mode=nearest)');
    expect(String(new nn.UpsamplingBilinear2d(4))).toBe('Upsample(size=4, mode=bilinear)'.replace('Upsample', 'UpsamplingBilinear2d'));
  });
  it("the padding layers' reprs are PyTorch's", () => {
    expect([new nn.ZeroPad2d(2), new nn.ConstantPad1d([1, 2], 3.5), new nn.ConstantPad2d(1, 0), new nn.ReflectionPad1d(2), new nn.ReflectionPad2d([1, 2, 3, 4]),
      new nn.ReplicationPad2d(1), new nn.Unflatten(1, [2, 3]), new nn.PixelShuffle(2), new nn.PixelUnshuffle(3)].map(String)).toEqual([
      'ZeroPad2d((2, 2, 2, 2))', 'ConstantPad1d(padding=(1, 2), value=3.5)', 'ConstantPad2d(padding=(1, 1, 1, 1), value=0.0)', 'ReflectionPad1d((2, 2))',
      'ReflectionPad2d((1, 2, 3, 4))', 'ReplicationPad2d((1, 1, 1, 1))', 'Unflatten(dim=1, unflattened_size=(2, 3))', 'PixelShuffle(upscale_factor=2)', 'PixelUnshuffle(downscale_factor=3)',
    ]);
  });
});

describe('gradcheck in float64 through the transposed convolution (its backward is a convolution)', () => {
  it('input, weight and bias; second order through createGraph', () => {
    const x = T.randn([1, 2, 3, 3]).requiresGrad_(), w = T.randn([2, 2, 3, 3]).requiresGrad_(), b = T.randn([2]).requiresGrad_();
    const y = F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });
    const [gx] = T.grad(y.square().sum(), [x], { createGraph: true });
    const [gw] = T.grad(gx!.square().sum(), [w]);
    // d/dw of sum(gx²) where gx = 2·convT'(y): finite difference in float32 on one entry
    const h = 1e-2, i = 5;
    const f = (delta: number): number => {
      const wd = w.detach().clone().flatten();
      const arr = wd.toFloat32Array(); arr[i] = arr[i]! + delta;
      const w2 = T.tensor(Array.from(arr), { shape: w.shape });
      const x2 = x.detach().clone().requiresGrad_();
      const y2 = F.convTranspose2d(x2, w2, b.detach(), { stride: 2, padding: 1, outputPadding: 1 });
      const [g2] = T.grad(y2.square().sum(), [x2]);
      return g2!.square().sum().item();
    };
    const fd = (f(h) - f(-h)) / (2 * h);
    expect(Math.abs(gw!.flatten().toFloat32Array()[i]! - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
  });
});

describe('the transposed convolution on both kernel sets (wasm where available, and the JS reference)', () => {
  const cases = fixture.cases.filter((c) => c.op.startsWith('convTranspose')).slice(0, 6);
  for (const c of cases) {
    it(`${c.name}: the JS kernels meet the same PyTorch tolerance`, () => {
      const before = T.getBackend();
      T.setBackend('js');
      try {
        replay(c, T.float32);
      } finally {
        T.setBackend(before as 'js' | 'wasm');
      }
    });
  }
});

describe('autograd.gradcheck in float64 (random upstream weights) through pad, interpolate, pixel shuffle', () => {
  const x = (shape: number[]): T.Tensor => T.randn(shape, { dtype: T.float64 }).requiresGrad_();
  const weighted = (f: (t: T.Tensor) => T.Tensor) => (t: T.Tensor): T.Tensor => {
    const y = f(t);
    return T.sum(T.mul(y, T.randn(y.shape, { dtype: T.float64, generator: new T.Generator(7) })));
  };
  const cases: [string, (t: T.Tensor) => T.Tensor, number[]][] = [
    ['pad reflect 2-d with a crop', (t) => F.pad(t, [2, -1, 1, 3], 'reflect'), [1, 2, 4, 5]],
    ['pad replicate 1-d', (t) => F.pad(t, [3, 1], 'replicate'), [2, 3]],
    ['pad circular 2-d', (t) => F.pad(t, [1, 2, 2, 0], 'circular'), [1, 1, 3, 4]],
    ['pad constant 1.5', (t) => F.pad(t, [1, 1, -1, 2], { value: 1.5 }), [1, 2, 3, 3]],
    ['interpolate bilinear 1.7', (t) => F.interpolate(t, null, 1.7, 'bilinear'), [1, 2, 3, 4]],
    ['interpolate bilinear alignCorners down', (t) => F.interpolate(t, [2, 3], null, 'bilinear', true), [1, 1, 4, 5]],
    ['interpolate nearest-exact 3-d', (t) => F.interpolate(t, [3, 2, 5], null, 'nearest-exact'), [1, 1, 2, 3, 3]],
    ['interpolate trilinear', (t) => F.interpolate(t, [3, 4, 2], null, 'trilinear'), [1, 1, 2, 3, 3]],
    ['pixelShuffle 3', (t) => F.pixelShuffle(t, 3), [1, 9, 2, 2]],
    ['pixelUnshuffle 2', (t) => F.pixelUnshuffle(t, 2), [2, 1, 4, 2]],
  ];
  for (const [name, f, shape] of cases) it(name, () => expect(T.autograd.gradcheck(weighted(f), [x(shape)], { raiseException: true })).toBe(true));
});

type ErrorRow = [name: string, fn: () => unknown, type: new (...a: never[]) => Error, message: string];
const x4 = T.randn([1, 4, 5, 5]);
const ERRORS: ErrorRow[] = [
  ['convTranspose2d output padding >= stride and dilation', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), null, 1, 0, 1), RangeError,
    'convTranspose2d: output padding must be smaller than either stride or dilation, but got outputPadding [1,1], stride [1,1], dilation [1,1]'],
  ['convTranspose2d input channels != weight dim 0', () => F.convTranspose2d(x4, T.randn([3, 2, 3, 3])), T.ShapeError,
    'convTranspose2d: Given transposed=1, weight of size [3,2,3,3], expected input [1,4,5,5] to have 3 channels, but got 4 channels instead'],
  ['convTranspose2d bias size', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), T.randn([3])), T.ShapeError, 'convTranspose2d: bias has shape [3] but weight [4,2,3,3] with groups 1 needs [2]'],
  ['convTranspose2d output too small', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), null, 1, 5), T.ShapeError,
    'convTranspose2d: Given input size per channel: (5 x 5). Calculated output size per channel: (-3 x -3). Output size is too small'],
  ['convTranspose2d negative padding', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), null, { padding: -1 }), RangeError, 'convTranspose2d: padding must be a non-negative integer or a pair of them, got -1'],
  ['convTranspose2d groups 0', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), null, { groups: 0 }), RangeError, 'convTranspose2d: groups must be a positive integer, got 0'],
  ['convTranspose2d unknown option', () => F.convTranspose2d(x4, T.randn([4, 2, 3, 3]), null, { output_padding: 1 } as never), TypeError, 'convTranspose2d: unknown option'],
  ['convTranspose1d stride pair', () => F.convTranspose1d(T.randn([1, 4, 5]), T.randn([4, 2, 3]), null, { stride: [2, 2] as never }), RangeError, 'convTranspose1d: stride must be a positive integer, got [2,2]'],
  ['convTranspose1d input 4-d', () => F.convTranspose1d(x4, T.randn([4, 2, 3])), T.ShapeError, 'convTranspose1d: expected a 2-d (unbatched) or 3-d (batched) input, got [1,4,5,5]'],
  ['ConvTranspose2d paddingMode reflect', () => new nn.ConvTranspose2d(4, 2, 3, { paddingMode: 'reflect' as 'zeros' }), RangeError, 'ConvTranspose2d: Only "zeros" padding mode is supported for ConvTranspose2d'],
  ['ConvTranspose2d paddingMode unknown', () => new nn.ConvTranspose2d(4, 2, 3, { paddingMode: 'foo' as 'zeros' }), RangeError, "ConvTranspose2d: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got paddingMode=\"foo\""],
  ['ConvTranspose2d out channels % groups', () => new nn.ConvTranspose2d(4, 3, 3, { groups: 2 }), RangeError, 'ConvTranspose2d: outChannels must be divisible by groups, got 3 and 2'],
  ['ConvTranspose2d outputSize out of range', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [20, 20]), T.ShapeError,
    'ConvTranspose2d: requested an output size of [20,20], but valid sizes range from [11,11] to [12,12] (for an input of [5,5])'],
  ['ConvTranspose2d outputSize length', () => new nn.ConvTranspose2d(4, 2, 3, 2).call(x4, [20]), RangeError, 'ConvTranspose2d: for 4D input, output_size must have 2 or 4 elements (got 1)'],
  ['ConvTranspose2d positional of the wrong type', () => new nn.ConvTranspose2d(4, 2, 3, 2, 1, 0, 1, 'yes' as never), TypeError, 'ConvTranspose2d: bias (positional 5) must be a boolean, got'],
  ['pad odd length', () => F.pad(x4, [1, 2, 3]), RangeError, 'pad: Padding length must be divisible by 2, got pad [1,2,3]'],
  ['pad too long', () => F.pad(x4, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), RangeError, 'pad: Padding length too large'],
  ['pad reflect 1 pair on 4-d input', () => F.pad(x4, [5, 5], 'reflect'), RangeError, 'pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now'],
  ['pad reflect as large as the dim', () => F.pad(x4, [5, 0, 0, 0], 'reflect'), T.ShapeError,
    'pad: Padding size should be less than the corresponding input dimension, but got: padding (5, 0) at dimension 3 of input [1,4,5,5]'],
  ['pad replicate with a value', () => F.pad(x4, [1, 1, 1, 1], 'replicate', 2), RangeError, 'pad: Padding mode "replicate" doesn\'t take in value argument'],
  ['pad unknown mode', () => F.pad(x4, [1, 1], 'foo' as never), RangeError, 'pad: Unrecognised padding mode foo'],
  ['pad crops below zero', () => F.pad(x4, [-6, 0]), T.ShapeError, 'pad: The input size 5, plus negative padding -6 and 0 resulted in a negative output size, which is invalid. Check dimension 3'],
  ['pad circular unbatched', () => F.pad(T.randn([3, 5]), [1, 1], 'circular'), RangeError, 'pad: Invalid padding size, expected 0 but got 2'],
  ['pad non-integer', () => F.pad(x4, [1.5, 1]), TypeError, 'pad: pad must be an array of integers, got'],
  ['interpolate size and scaleFactor', () => F.interpolate(x4, 3, 2), RangeError, 'interpolate: only one of size or scale_factor should be defined'],
  ['interpolate neither', () => F.interpolate(x4), RangeError, 'interpolate: either size or scale_factor should be defined'],
  ['interpolate alignCorners with nearest', () => F.interpolate(x4, { size: 3, alignCorners: true }), RangeError, 'interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear'],
  ['interpolate linear on 4-d', () => F.interpolate(x4, 3, null, 'linear'), RangeError, 'interpolate: Got 4D input, but linear mode needs 3D input'],
  ['interpolate bilinear on 3-d', () => F.interpolate(x4.select(0, 0), 3, null, 'bilinear'), RangeError, 'interpolate: Got 3D input, but bilinear mode needs 4D input'],
  ['interpolate size length', () => F.interpolate(x4, [3, 3, 3]), RangeError,
    'interpolate: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [5,5] and output size of [3,3,3]'],
  ['interpolate scaleFactor length', () => F.interpolate(x4, null, [2, 2, 2]), RangeError, 'interpolate: Input and scale_factor must have the same number of spatial dimensions'],
  ['interpolate unknown mode', () => F.interpolate(x4, 3, null, 'bicubic' as never), RangeError,
    'interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got 4D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got bicubic)'],
  ['interpolate 2-d input', () => F.interpolate(T.randn([5, 5]), 3), RangeError, 'interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D)'],
  ['interpolate to size 0', () => F.interpolate(x4, null, 0.1), T.ShapeError, 'interpolate: Input and output sizes should be greater than 0, but got input [5,5] output [0,0]'],
  ['Upsample both size and scaleFactor', () => new nn.Upsample(3, 2), RangeError, 'Upsample: only one of size or scale_factor should be defined'],
  ['pixelShuffle channels', () => F.pixelShuffle(T.randn([1, 5, 2, 2]), 2), T.ShapeError,
    "pixelShuffle: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=5 is not divisible by 4"],
  ['pixelShuffle 2-d input', () => F.pixelShuffle(T.randn([5, 2]), 2), T.ShapeError, 'pixelShuffle: pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)'],
  ['pixelShuffle factor 0', () => F.pixelShuffle(T.randn([1, 4, 2, 2]), 0), RangeError, 'pixelShuffle: pixel_shuffle expects a positive upscale_factor, but got 0'],
  ['pixelUnshuffle height', () => F.pixelUnshuffle(T.randn([1, 4, 5, 2]), 2), T.ShapeError, 'pixelUnshuffle: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is not divisible by 2'],
  ['pixelUnshuffle width', () => F.pixelUnshuffle(T.randn([1, 4, 4, 5]), 2), T.ShapeError, 'pixelUnshuffle: pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=5 is not divisible by 2'],
  ['Unflatten sizes', () => new nn.Unflatten(1, [3, 2]).call(T.randn([2, 5])), RangeError, "Unflatten: Provided sizes [3, 2] don't multiply up to the size of dim 1 (5) in the input tensor"],
  ['Unflatten two -1', () => new nn.Unflatten(1, [-1, -1]), RangeError, 'Unflatten: only one dimension can be inferred'],
  ['ReflectionPad2d padding length', () => new nn.ReflectionPad2d([1, 2] as never), TypeError, 'ReflectionPad2d: padding must be an integer or 4 integers (left, right, top, bottom), got'],
];

describe('errors name the function, the argument and the value (PyTorch wording where it has one)', () => {
  for (const [name, fn, type, message] of ERRORS) {
    it(name, () => {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err, 'throws').toBeInstanceOf(type);
      expect((err as Error).message).toContain(message);
    });
  }
});
