import { throwsWith } from './helpers/throws.js';
import { describe, it, expect } from 'vitest';
import { F, Generator, ShapeError, arange, grad, ones, randn, tensor, zeros, type Tensor } from '@tensile/tensor';
import { expectClose, gradcheck } from './helpers/gradcheck.js';

const g = (seed: number): Generator => new Generator(seed);
/** Random values with |x| >= 0.1 (away from kinks), distinct with probability 1. */
function rnd(shape: number[], seed: number, requiresGrad = true): Tensor {
  const x = randn(shape, { generator: g(seed) });
  const d = (x.storage.data as Float32Array);
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]!) < 0.1) d[i] = d[i]! < 0 ? -0.1 - Math.abs(d[i]!) : 0.1 + d[i]!;
  return requiresGrad ? x.requiresGrad_() : x;
}
const LN2 = Math.log(2);

describe('softmax / logSoftmax', () => {
  it('matches hand-computed values and sums to one', () => {
    expectClose(F.softmax(tensor([[0, Math.log(3)]]), 1), [0.25, 0.75]);
    expectClose(F.logSoftmax(tensor([0, 0]), 0), [-LN2, -LN2]);
    expectClose(F.softmax(tensor([[1, 2], [3, 5]]), 0), [1 / (1 + Math.E ** 2), 1 / (1 + Math.E ** 3), Math.E ** 2 / (1 + Math.E ** 2), Math.E ** 3 / (1 + Math.E ** 3)]);
  });

  it('is stable for large logits (no overflow, log-softmax stays finite where softmax underflows)', () => {
    expectClose(F.softmax(tensor([1000, 1000]), 0), [0.5, 0.5]);
    expectClose(F.logSoftmax(tensor([0, -1000]), 0), [0, -1000]);
    expectClose(F.logSoftmax(tensor([-1e4, -1e4 + Math.log(3)]), -1), [Math.log(0.25), Math.log(0.75)], 1e-3);
  });

  it('propagates NaN in a row like PyTorch, and handles an all -inf row as NaN', () => {
    const y = F.softmax(tensor([[1, Number.NaN], [1, 2]]), 1).toFloat32Array();
    expect(Number.isNaN(y[0]!) && Number.isNaN(y[1]!)).toBe(true);
    expect(Number.isNaN(y[2]!)).toBe(false);
  });

  it('fused kernel equals the composed reference x - logsumexp(x) on many sizes', () => {
    for (const [shape, dim] of [[[0, 3], 1], [[1, 1], 1], [[3, 7], 1], [[5, 4, 3], 1], [[2, 1000], 1], [[9, 2], 0]] as [number[], number][]) {
      const x = randn(shape, { generator: g(shape.length * 31 + dim) }).mul(5);
      const ref = x.sub(x.logsumexp(dim, true));
      expectClose(F.logSoftmax(x, dim), ref.toFloat32Array(), 1e-5, 1e-5);
      expectClose(F.softmax(x, dim), ref.exp().toFloat32Array(), 1e-6, 1e-5);
    }
  });

  it('gradcheck along every dim, and double backward', () => {
    for (const dim of [0, 1, -1]) {
      gradcheck((x) => F.softmax(x, dim), [rnd([3, 4], 1)]);
      gradcheck((x) => F.logSoftmax(x, dim), [rnd([3, 4], 2)]);
    }
    gradcheck((x) => F.logSoftmax(x, 1), [rnd([2, 3, 2], 3)]);
    const w = randn([3, 4], { generator: g(9) });
    gradcheck((x) => grad(F.logSoftmax(x, 1).mul(w).sum(), x, { createGraph: true })[0]!, [rnd([3, 4], 4)]);
    gradcheck((x) => grad(F.softmax(x, 0).mul(w).sum(), x, { createGraph: true })[0]!, [rnd([3, 4], 5)]);
  });
});

describe('crossEntropy / nllLoss', () => {
  const logits = (): Tensor => tensor([[1, 2, 3], [1, 1, 1]]);
  const nll0 = Math.log(1 + Math.exp(-1) + Math.exp(-2)); // -logp[0,2]
  const nll1 = Math.log(3);

  it('hand-computed mean, sum and none', () => {
    expectClose(F.crossEntropy(tensor([[0, 0]]), tensor([1])), [LN2]);
    expectClose(F.crossEntropy(logits(), tensor([2, 0])), [(nll0 + nll1) / 2]);
    expectClose(F.crossEntropy(logits(), tensor([2, 0]), { reduction: 'sum' }), [nll0 + nll1]);
    expectClose(F.crossEntropy(logits(), tensor([2, 0]), { reduction: 'none' }), [nll0, nll1]);
  });

  it('ignoreIndex: ignored targets give 0 and mean divides by the non-ignored count', () => {
    expectClose(F.crossEntropy(logits(), tensor([2, -100])), [nll0]);
    expectClose(F.crossEntropy(logits(), tensor([2, 1]), { ignoreIndex: 1 }), [nll0]);
    expectClose(F.crossEntropy(logits(), tensor([2, -100]), { reduction: 'none' }), [nll0, 0]);
    expect(Number.isNaN(F.crossEntropy(logits(), tensor([-100, -100])).item())).toBe(true);
    // out-of-range is fine when it is the ignore index
    expectClose(F.crossEntropy(logits(), tensor([7, 0]), { ignoreIndex: 7 }), [nll1]);
  });

  it('labelSmoothing: (1-ε)·nll + ε·(-Σ logp / C), masked and reduced the same way', () => {
    const smooth0 = (3 * (3 + nll0) - 6) / 3; // -Σ_c (c+1 - 3 - nll0) / 3
    const per0 = 0.9 * nll0 + 0.1 * smooth0;
    const per1 = nll1; // uniform row: nll == smooth
    expectClose(F.crossEntropy(logits(), tensor([2, 0]), { labelSmoothing: 0.1 }), [(per0 + per1) / 2]);
    expectClose(F.crossEntropy(logits(), tensor([2, 0]), { labelSmoothing: 0.1, reduction: 'none' }), [per0, per1]);
    expectClose(F.crossEntropy(logits(), tensor([2, -100]), { labelSmoothing: 0.1 }), [per0]);
    expectClose(F.crossEntropy(logits(), tensor([2, -100]), { labelSmoothing: 0.1, reduction: 'sum' }), [per0]);
    expectClose(F.crossEntropy(logits(), tensor([2, 0]), { labelSmoothing: 1 }), [(smooth0 + nll1) / 2]);
  });

  it('[N,C,d1,d2] input equals the flattened [N·d1·d2, C] problem', () => {
    const x = randn([2, 3, 2, 2], { generator: g(11) });
    const t = tensor([[[0, 2], [1, -100]], [[2, 2], [0, 1]]]);
    const flatX = x.permute(0, 2, 3, 1).reshape(-1, 3);
    const flatT = t.reshape(-1);
    for (const reduction of ['mean', 'sum'] as const) {
      const opts = { reduction, labelSmoothing: 0.2 };
      expectClose(F.crossEntropy(x, t, opts), F.crossEntropy(flatX, flatT, opts).toFloat32Array(), 1e-6, 1e-5);
    }
    expect(F.crossEntropy(x, t, { reduction: 'none' }).shape).toEqual([2, 2, 2]);
  });

  it('unbatched [C] input with a 0-d target', () => {
    const l = F.crossEntropy(tensor([0, 0]), tensor(1));
    expect(l.shape).toEqual([]);
    expectClose(l, [LN2]);
    expect(F.crossEntropy(tensor([0, 0]), tensor(1), { reduction: 'none' }).shape).toEqual([]);
  });

  it('nllLoss picks -logp[target]', () => {
    expectClose(F.nllLoss(tensor([[-1, -2], [-3, -4]]), tensor([1, 0])), [2.5]);
    expectClose(F.nllLoss(tensor([[-1, -2], [-3, -4]]), tensor([1, -100]), { reduction: 'sum' }), [2]);
  });

  it('gradchecks', () => {
    const t = tensor([2, 0, -100, 1]);
    for (const labelSmoothing of [0, 0.3]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        gradcheck((x) => F.crossEntropy(x, t, { reduction, labelSmoothing }), [rnd([4, 3], 21)]);
      }
    }
    gradcheck((x) => F.crossEntropy(x, tensor([[0, 1, 2], [2, -100, 1]]), { labelSmoothing: 0.1 }), [rnd([2, 3, 3], 22)]);
    gradcheck((x) => F.nllLoss(x, t), [rnd([4, 3], 23)]);
    const w = randn([4, 3], { generator: g(3) });
    gradcheck((x) => grad(F.crossEntropy(x, t).mul(2), x, { createGraph: true })[0]!.mul(w), [rnd([4, 3], 24)]);
  });
});

describe('mseLoss / binaryCrossEntropyWithLogits', () => {
  it('mseLoss hand-computed', () => {
    expectClose(F.mseLoss(tensor([1, 2]), tensor([1, 4])), [2]);
    expectClose(F.mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'sum' }), [4]);
    expectClose(F.mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'none' }), [0, 4]);
    expect(Number.isNaN(F.mseLoss(zeros([0]), zeros([0])).item())).toBe(true);
  });

  it('bce with logits hand-computed and stable for large |x|', () => {
    expectClose(F.binaryCrossEntropyWithLogits(tensor([0]), tensor([1])), [LN2]);
    const a = Math.log1p(Math.exp(-2)), b = Math.log1p(Math.exp(-3));
    expectClose(F.binaryCrossEntropyWithLogits(tensor([-2, 3]), tensor([0, 1])), [(a + b) / 2]);
    expectClose(F.binaryCrossEntropyWithLogits(tensor([-2, 3]), tensor([0, 1]), { reduction: 'none' }), [a, b]);
    expectClose(F.binaryCrossEntropyWithLogits(tensor([100, -100, 100]), tensor([0, 1, 1]), { reduction: 'none' }), [100, 100, 0]);
  });

  it('bce gradient at x = 0 is sigmoid(0) - t (no kink)', () => {
    const x = tensor([0, 0], { requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, tensor([1, 0.25]), { reduction: 'sum' }).backward();
    expectClose(x.grad!, [-0.5, 0.25]);
  });

  it('gradchecks (input and target)', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [rnd([3, 2], 31), rnd([3, 2], 32)]);
      gradcheck((x, t) => F.binaryCrossEntropyWithLogits(x, t, { reduction }), [rnd([3, 2], 33), rand01([3, 2], 34)]);
    }
    const w = randn([3, 2], { generator: g(35) });
    gradcheck((x) => grad(F.binaryCrossEntropyWithLogits(x, ones([3, 2]).mul(0.3), { reduction: 'sum' }), x, { createGraph: true })[0]!.mul(w), [rnd([3, 2], 36)]);
  });
});

function rand01(shape: number[], seed: number): Tensor {
  return randn(shape, { generator: g(seed) }).sigmoid().detach().requiresGrad_();
}

/** Naive direct convolution in float64: the readable reference for the im2col path. */
function convRef(x: Tensor, w: Tensor, b: Tensor | null, s: [number, number], p: [number, number]): Float64Array {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, , kh, kw] = w.shape as [number, number, number, number];
  const Ho = Math.floor((H + 2 * p[0] - kh) / s[0]) + 1, Wo = Math.floor((W + 2 * p[1] - kw) / s[1]) + 1;
  const xd = x.toFloat32Array(), wd = w.toFloat32Array(), bd = b?.toFloat32Array();
  const out = new Float64Array(N * O * Ho * Wo);
  let i = 0;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    let acc = bd ? bd[o]! : 0;
    for (let c = 0; c < C; c++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * s[0] - p[0] + ky, ix = ox * s[1] - p[1] + kx;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += xd[((n * C + c) * H + iy) * W + ix]! * wd[((o * C + c) * kh + ky) * kw + kx]!;
    }
    out[i++] = acc;
  }
  return out;
}

describe('linear / conv2d / unfold / fold', () => {
  it('linear hand-computed, batched leading dims', () => {
    const W = tensor([[1, 0], [0, 1], [1, 1]]);
    expectClose(F.linear(tensor([[1, 2]]), W, tensor([0, 0, 1])), [1, 2, 4]);
    expectClose(F.linear(tensor([1, 2]), W), [1, 2, 3]);
    expect(F.linear(zeros([4, 5, 2]), W).shape).toEqual([4, 5, 3]);
  });

  it('conv2d hand-computed (plain, bias, stride 2 + padding 1)', () => {
    const x = arange(9).float().reshape(1, 1, 3, 3);
    expectClose(F.conv2d(x, ones([1, 1, 2, 2])), [8, 12, 20, 24]);
    expectClose(F.conv2d(x, ones([1, 1, 2, 2]), tensor([1])), [9, 13, 21, 25]);
    expectClose(F.conv2d(x, ones([1, 1, 2, 2]), null, { stride: 2, padding: 1 }), [0, 3, 9, 24]);
    expect(F.conv2d(arange(9).float().reshape(1, 3, 3), ones([2, 1, 2, 2])).shape).toEqual([2, 2, 2]);
  });

  it('conv2d equals a naive direct convolution on many geometries', () => {
    const cases: [number[], number[], [number, number], [number, number]][] = [
      [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1], [0, 0]],
      [[2, 3, 7, 5], [4, 3, 3, 3], [1, 1], [1, 1]],
      [[2, 3, 8, 9], [5, 3, 3, 2], [2, 3], [1, 0]],
      [[1, 16, 12, 12], [32, 16, 3, 3], [1, 1], [0, 0]],
      [[3, 2, 5, 5], [1, 2, 5, 5], [1, 1], [2, 2]],
    ];
    cases.forEach(([xs, ws, s, p], k) => {
      const x = randn(xs, { generator: g(100 + k) });
      const w = randn(ws, { generator: g(200 + k) });
      const b = randn([ws[0]!], { generator: g(300 + k) });
      expectClose(F.conv2d(x, w, b, { stride: s, padding: p }), convRef(x, w, b, s, p), 1e-4, 1e-4);
    });
  });

  it("unfold uses PyTorch's layout [N, C·kh·kw, L] (values from torch.nn.functional.unfold)", () => {
    const cols = F.unfold(arange(16).float().reshape([1, 1, 4, 4]), 2, { stride: 2 });
    expect(cols.shape).toEqual([1, 4, 4]);
    expect(cols.toArray()).toEqual([[[0, 2, 8, 10], [1, 3, 9, 11], [4, 6, 12, 14], [5, 7, 13, 15]]]);
    const padded = F.unfold(arange(6).float().reshape([1, 1, 2, 3]), [2, 2], { padding: 1, stride: [2, 1] });
    // torch: F.unfold(torch.arange(6.).reshape(1,1,2,3), (2,2), padding=1, stride=(2,1))
    expect(padded.toArray()).toEqual([[[0, 0, 0, 0, 0, 3, 4, 5], [0, 0, 0, 0, 3, 4, 5, 0], [0, 0, 1, 2, 0, 0, 0, 0], [0, 1, 2, 0, 0, 0, 0, 0]]]);
  });

  it('unfold / fold are adjoint, and fold(unfold(x)) == x for non-overlapping windows', () => {
    const x = randn([2, 3, 5, 6], { generator: g(41) });
    const cols = F.unfold(x, [2, 3], { stride: [1, 2], padding: 1 });
    expect(cols.shape).toEqual([2, 6 * 3, 3 * 6]);
    const y = randn([...cols.shape], { generator: g(42) });
    const lhs = cols.mul(y).sum().item();
    const rhs = x.mul(F.fold(y, [5, 6], [2, 3], { stride: [1, 2], padding: 1 })).sum().item();
    expect(lhs).toBeCloseTo(rhs, 3);
    const z = randn([1, 2, 4, 6], { generator: g(43) });
    expectClose(F.fold(F.unfold(z, 2, { stride: 2 }), [4, 6], 2, { stride: 2 }), z.toFloat32Array());
  });

  it('gradchecks (linear, conv2d with stride/padding, unfold, fold) and conv double backward', () => {
    gradcheck((x, w, b) => F.linear(x, w, b), [rnd([3, 4], 51), rnd([2, 4], 52), rnd([2], 53)]);
    gradcheck((x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), [rnd([2, 2, 5, 4], 54), rnd([3, 2, 3, 2], 55), rnd([3], 56)]);
    gradcheck((x, w) => F.conv2d(x, w, null, { stride: [1, 2] }), [rnd([1, 3, 4, 5], 57), rnd([2, 3, 2, 2], 58)]);
    gradcheck((x) => F.unfold(x, 2, { padding: 1 }), [rnd([1, 2, 3, 3], 59)]);
    gradcheck((c) => F.fold(c, [3, 3], 2, { padding: 1 }), [rnd([1, 8, 16], 60)]);
    const x0 = rnd([1, 2, 4, 4], 61, false);
    const w = randn([3, 2, 2, 2], { generator: g(62) });
    gradcheck((wt) => grad(F.conv2d(x0, wt).square().sum(), wt, { createGraph: true })[0]!.mul(w), [rnd([3, 2, 2, 2], 63)]);
  });
});

describe('maxPool2d', () => {
  it('hand-computed, with padding that never wins', () => {
    const x = arange(16).float().reshape(1, 1, 4, 4);
    expectClose(F.maxPool2d(x, 2), [5, 7, 13, 15]);
    expectClose(F.maxPool2d(x, 2, { stride: 2, padding: 1 }), [0, 2, 3, 8, 10, 11, 12, 14, 15]);
    expectClose(F.maxPool2d(x.neg().sub(1), 2, { padding: 1 }), [-1, -2, -4, -5, -6, -8, -13, -14, -16]);
    expectClose(F.maxPool2d(x, [3, 2], { stride: 1 }), [9, 10, 11, 13, 14, 15]);
    expect(F.maxPool2d(arange(16).float().reshape(1, 4, 4), 2).shape).toEqual([1, 2, 2]);
  });

  it('gradient goes to the (first) winner of each window; overlapping windows accumulate', () => {
    const x = tensor([[[[1, 1], [1, 1]]]], { requiresGrad: true });
    F.maxPool2d(x, 2).sum().backward();
    expectClose(x.grad!, [1, 0, 0, 0]);
    const y = tensor([[[[0, 0, 0], [0, 5, 0], [0, 0, 0]]]], { requiresGrad: true });
    F.maxPool2d(y, 2, { stride: 1 }).sum().backward();
    expectClose(y.grad!, [0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });

  it('gradcheck and double backward', () => {
    gradcheck((x) => F.maxPool2d(x, 2, { stride: 1, padding: 1 }), [rnd([2, 2, 4, 5], 71)]);
    gradcheck((x) => F.maxPool2d(x, [2, 3]), [rnd([1, 3, 5, 7], 72)]);
    const w = randn([1, 1, 4, 4], { generator: g(73) });
    gradcheck((x) => grad(F.maxPool2d(x, 2).square().sum(), x, { createGraph: true })[0]!.mul(w), [rnd([1, 1, 4, 4], 74)]);
  });
});

describe('dropout', () => {
  it('zeroes with probability p and scales the rest by 1/(1-p)', () => {
    const y = F.dropout(ones([20000]), 0.3, true, g(5)).toFloat32Array();
    let zerosCount = 0;
    for (const v of y) {
      if (v === 0) zerosCount++;
      else expect(v).toBeCloseTo(1 / 0.7, 6);
    }
    expect(Math.abs(zerosCount / y.length - 0.3)).toBeLessThan(0.015);
  });

  it('identity when not training or p = 0; zeros when p = 1; deterministic with a generator', () => {
    const x = randn([5]);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expectClose(F.dropout(x, 1), [0, 0, 0, 0, 0]);
    expectClose(F.dropout(x, 0.5, true, g(1)), F.dropout(x, 0.5, true, g(1)).toFloat32Array(), 0, 0);
  });

  it('gradcheck (mask is a constant)', () => {
    gradcheck((x) => F.dropout(x, 0.4, true, g(7)), [rnd([4, 5], 81)]);
  });
});

describe('errors name the function, the argument and the values', () => {
  const x4 = zeros([4, 5]);
  const cases: [string, () => unknown, new (...a: never[]) => Error, string | RegExp][] = [
    ['softmax non-tensor', () => F.softmax([1, 2] as never, 0), TypeError, 'softmax: input must be a Tensor, got an array'],
    ['softmax bad dim', () => F.softmax(x4, 2), RangeError, 'softmax: dim 2 out of range for a 2-d tensor'],
    ['logSoftmax bad dim', () => F.logSoftmax(x4, -3), RangeError, 'logSoftmax: dim -3 out of range for a 2-d tensor'],
    ['crossEntropy batch mismatch', () => F.crossEntropy(x4, zeros([3])), ShapeError, 'crossEntropy: target has shape [3] but input has batch size 4'],
    ['crossEntropy spatial mismatch', () => F.crossEntropy(zeros([2, 3, 4]), zeros([2, 5])), ShapeError, 'crossEntropy: target has shape [2,5] but input of shape [2,3,4] needs target shape [2,4]'],
    ['crossEntropy target out of range', () => F.crossEntropy(x4, tensor([0, 1, 7, 2])), RangeError, 'crossEntropy: target 7 is out of range for 5 classes'],
    ['crossEntropy negative target', () => F.crossEntropy(x4, tensor([0, -1, 0, 0])), RangeError, 'crossEntropy: target -1 is out of range for 5 classes'],
    ['crossEntropy fractional target', () => F.crossEntropy(x4, tensor([0, 1.5, 0, 0])), RangeError, 'crossEntropy: target 1.5 is not an integer class index'],
    ['crossEntropy bad reduction', () => F.crossEntropy(x4, zeros([4]), { reduction: 'avg' as never }), RangeError, `crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"`],
    ['crossEntropy bad smoothing', () => F.crossEntropy(x4, zeros([4]), { labelSmoothing: 1.5 }), RangeError, 'crossEntropy: labelSmoothing must be in [0, 1], got 1.5'],
    ['crossEntropy NaN smoothing', () => F.crossEntropy(x4, zeros([4]), { labelSmoothing: Number.NaN }), RangeError, 'crossEntropy: labelSmoothing must be in [0, 1], got NaN'],
    ['crossEntropy bad ignoreIndex', () => F.crossEntropy(x4, zeros([4]), { ignoreIndex: 0.5 }), RangeError, 'crossEntropy: ignoreIndex must be an integer, got 0.5'],
    ['crossEntropy 0-d input', () => F.crossEntropy(tensor(1), tensor(0)), ShapeError, 'crossEntropy: input must have a class dim, got a 0-d tensor'],
    ['crossEntropy target not index-like', () => F.crossEntropy(x4, 'a' as never), TypeError, 'crossEntropy: target must be a Tensor, a number[] or an Int32Array, got string a'],
    ['nllLoss target out of range', () => F.nllLoss(x4, tensor([5, 0, 0, 0])), RangeError, 'nllLoss: target 5 is out of range for 5 classes'],
    ['nllLoss unbatched target', () => F.nllLoss(zeros([3]), zeros([1])), ShapeError, 'nllLoss: for an unbatched input of shape [3] target must be 0-d, got shape [1]'],
    ['mseLoss shape mismatch', () => F.mseLoss(zeros([3]), zeros([3, 1])), ShapeError, 'mseLoss: target has shape [3,1] but input has shape [3]'],
    ['bce shape mismatch', () => F.binaryCrossEntropyWithLogits(zeros([2]), zeros([3])), ShapeError, 'binaryCrossEntropyWithLogits: target has shape [3] but input has shape [2]'],
    ['bce bad reduction', () => F.binaryCrossEntropyWithLogits(zeros([2]), zeros([2]), { reduction: 'max' as never }), RangeError, `binaryCrossEntropyWithLogits: reduction must be 'mean', 'sum' or 'none', got "max"`],
    ['linear weight rank', () => F.linear(zeros([2, 3]), zeros([3])), ShapeError, 'linear: weight must be 2-d [out, in], got shape [3]'],
    ['linear inner mismatch', () => F.linear(zeros([2, 3]), zeros([4, 5])), ShapeError, 'linear: input has shape [2,3] but weight [4,5] expects last dim 5'],
    ['linear bias shape', () => F.linear(zeros([2, 3]), zeros([4, 3]), zeros([3])), ShapeError, 'linear: bias has shape [3] but weight [4,3] needs [4]'],
    ['conv2d channels', () => F.conv2d(zeros([2, 4, 8, 8]), zeros([6, 3, 3, 3])), ShapeError, 'conv2d: expected input [N,C,H,W] with C = 3, got [2,4,8,8]'],
    ['conv2d weight rank', () => F.conv2d(zeros([2, 3, 8, 8]), zeros([6, 3, 3])), ShapeError, 'conv2d: weight must be 4-d [O,C,kh,kw], got shape [6,3,3]'],
    ['conv2d kernel too big', () => F.conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])), ShapeError, 'conv2d: kernel size [3,3] is larger than the padded input [2,2] (input [1,1,2,2], padding [0,0])'],
    ['conv2d bad stride', () => F.conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { stride: 0 }), RangeError, 'conv2d: stride must be a positive integer or a pair of them, got 0'],
    ['conv2d bad padding', () => F.conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { padding: [1, -1] }), RangeError, 'conv2d: padding must be a non-negative integer or a pair of them, got [1,-1]'],
    ['conv2d bias shape', () => F.conv2d(zeros([1, 1, 4, 4]), zeros([2, 1, 3, 3]), zeros([1])), ShapeError, 'conv2d: bias has shape [1] but weight [2,1,3,3] needs [2]'],
    ['unfold rank', () => F.unfold(zeros([3, 4]), 2), ShapeError, 'unfold: expected input [N,C,H,W], got [3,4]'],
    ['fold block count', () => F.fold(zeros([1, 4, 5]), [3, 3], 2), ShapeError, 'fold: input [1,4,5] has 5 blocks but outputSize [3,3] gives 2x2 = 4'],
    ['fold channel split', () => F.fold(zeros([1, 5, 4]), [3, 3], 2), ShapeError, 'fold: dim 1 (5) of input [1,5,4] is not divisible by the kernel area 4'],
    ['maxPool2d rank', () => F.maxPool2d(zeros([4, 4]), 2), ShapeError, 'maxPool2d: expected input [N,C,H,W] or [C,H,W], got [4,4]'],
    ['maxPool2d padding', () => F.maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 }), RangeError, 'maxPool2d: padding [2,2] should be at most half of the kernel size [2,2]'],
    ['maxPool2d kernel', () => F.maxPool2d(zeros([1, 1, 4, 4]), 0), RangeError, 'maxPool2d: kernelSize must be a positive integer or a pair of them, got 0'],
    ['dropout p > 1', () => F.dropout(zeros([2]), 1.5), RangeError, 'dropout: probability has to be between 0 and 1, but got 1.5'],
    ['dropout p NaN', () => F.dropout(zeros([2]), Number.NaN), RangeError, 'dropout: probability has to be between 0 and 1, but got NaN'],
  ];
  it.each(cases)('%s', (_name, fn, type, message) => throwsWith(fn, type, message));
});
