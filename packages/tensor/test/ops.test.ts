import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const t = T.tensor;
const close = (x: T.Tensor, want: T.NestedArray, digits = 5): void => {
  const flat = (v: T.NestedArray): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
  const got = flat(x.toArray()), exp = flat(want);
  expect(got.length).toBe(exp.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(exp[i]!, digits));
};

// One small case per op, with the expected values worked out by hand.
const cases: [string, () => T.Tensor, T.NestedArray][] = [
  ['tensor nested', () => t([[1, 2], [3, 4]]), [[1, 2], [3, 4]]],
  ['zeros/ones/full', () => T.cat([T.zeros([2]), T.ones([1]), T.full([1], 7)]), [0, 0, 1, 7]],
  ['arange', () => T.arange(1, 2, 0.25), [1, 1.25, 1.5, 1.75]],
  ['linspace', () => T.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]],
  ['eye 2x3', () => T.eye(2, 3), [[1, 0, 0], [0, 1, 0]]],
  ['neg', () => t([1, -2]).neg(), [-1, 2]],
  ['exp', () => t([0, 1]).exp(), [1, Math.E]],
  ['log', () => t([1, Math.E]).log(), [0, 1]],
  ['sqrt', () => t([4, 9]).sqrt(), [2, 3]],
  ['abs', () => t([-3, 2]).abs(), [3, 2]],
  ['relu', () => t([-1, 0, 2]).relu(), [0, 0, 2]],
  ['sigmoid', () => t([0]).sigmoid(), [0.5]],
  ['tanh', () => t([0]).tanh(), [0]],
  ['gelu', () => t([0, 1]).gelu(), [0, 0.841345]],
  ['erf', () => t([0, 1]).erf(), [0, 0.842701]],
  ['pow scalar', () => t([2, 3]).pow(2), [4, 9]],
  ['pow tensor', () => t([2, 3]).pow(t([3, 2])), [8, 9]],
  ['add broadcast', () => t([[1], [2]]).add(t([10, 20])), [[11, 21], [12, 22]]],
  ['add alpha', () => T.add(t([1, 1]), t([1, 2]), 3), [4, 7]],
  ['sub', () => t([5, 5]).sub(2), [3, 3]],
  ['mul', () => t([1, 2]).mul(t([[3], [4]])), [[3, 6], [4, 8]]],
  ['div', () => t([1, 2]).div(4), [0.25, 0.5]],
  ['maximum', () => T.maximum(t([1, 5]), t([3, 2])), [3, 5]],
  ['minimum', () => T.minimum(t([1, 5]), t([3, 2])), [1, 2]],
  ['clamp', () => t([-2, 0.5, 3]).clamp(0, 1), [0, 0.5, 1]],
  ['where', () => T.where(t([true, false]), t([1, 2]), 9), [1, 9]],
  ['eq/gt/le', () => T.cat([T.eq(t([1, 2]), 2), T.gt(t([1, 2]), 1), T.le(t([1, 2]), 1)]), [0, 1, 0, 1, 1, 0]],
  ['sum dim', () => t([[1, 2], [3, 4]]).sum(1), [3, 7]],
  ['sum keepdim', () => t([[1, 2], [3, 4]]).sum(0, true), [[4, 6]]],
  ['mean', () => t([1, 2, 3, 4]).mean(), 2.5],
  ['max all / dim', () => T.stack([t([[1, 5], [7, 2]]).max(), t([[1, 5], [7, 2]]).max(1).values.sum()]), [7, 12]],
  ['min dim', () => t([[1, 5], [7, 2]]).min(0).values, [1, 2]],
  ['argmax/argmin', () => T.cat([t([[1, 5], [7, 2]]).argmax(1), t([3, 1, 2]).argmin().reshape(1)]), [1, 0, 1]],
  ['var unbiased', () => t([1, 2, 3, 4]).var(), 5 / 3],
  ['std biased', () => t([1, 2, 3, 4]).std(null, false, 0), Math.sqrt(1.25)],
  ['logsumexp', () => t([0, 0]).logsumexp(0), Math.LN2],
  ['cat', () => T.cat([t([[1, 2]]), t([[3, 4]])], 1), [[1, 2, 3, 4]]],
  ['stack', () => T.stack([t([1, 2]), t([3, 4])], 1), [[1, 3], [2, 4]]],
  ['gather', () => t([[1, 2], [3, 4]]).gather(1, t([[1], [0]])), [[2], [3]]],
  ['indexSelect', () => t([[1, 2], [3, 4]]).indexSelect(0, t([1, 1])), [[3, 4], [3, 4]]],
  ['reshape/view', () => T.arange(6).reshape(2, 3).view(3, -1), [[0, 1], [2, 3], [4, 5]]],
  ['transpose/t', () => T.arange(6).reshape(2, 3).t(), [[0, 3], [1, 4], [2, 5]]],
  ['permute', () => T.arange(6).reshape(1, 2, 3).permute(2, 0, 1).reshape(-1), [0, 3, 1, 4, 2, 5]],
  ['expand', () => t([1, 2]).expand(2, 2), [[1, 2], [1, 2]]],
  ['squeeze/unsqueeze', () => T.zeros([2, 1, 3]).squeeze().unsqueeze(0).sum([1, 2]), [0]],
  ['flatten', () => T.arange(4).reshape(2, 2).flatten(), [0, 1, 2, 3]],
  ['narrow/select', () => T.arange(6).reshape(2, 3).narrow(1, 1, 2).select(0, 1), [4, 5]],
  ['matmul 1-D dot', () => T.matmul(t([1, 2, 3]), t([4, 5, 6])), 32],
  ['matmul 2-D', () => T.matmul(t([[1, 2], [3, 4]]), t([[5], [6]])), [[17], [39]]],
  ['matmul batched', () => T.matmul(T.ones([2, 1, 3]), T.ones([3, 2])), [[[3, 3]], [[3, 3]]]],
  ['softmax', () => T.F.softmax(t([0, 0]), 0), [0.5, 0.5]],
  ['logSoftmax', () => T.F.logSoftmax(t([0, 0]), 0), [-Math.LN2, -Math.LN2]],
  ['crossEntropy', () => T.F.crossEntropy(t([[0, 0]]), t([1])), Math.LN2],
  ['mseLoss', () => T.F.mseLoss(t([1, 2]), t([0, 0])), 2.5],
  ['in-place chain', () => { const x = t([1, 2]); T.noGrad(() => x.add_(1).mul_(2).sub_(1, 2).div_(2).clamp_(0, 2)); return x; }, [1, 2]],
  ['addcmul_/addcdiv_/lerp_', () => { const x = t([1, 1]); x.addcmul_(t([2, 2]), t([3, 4]), 0.5).addcdiv_(t([1, 1]), t([2, 4])).lerp_(t([0, 0]), 0.5); return x; }, [2.25, 2.625]],
  ['copy_/fill_/zero_', () => { const x = T.zeros([3]); x.copy_(t([1])); x.narrow(0, 0, 1).fill_(5); x.narrow(0, 2, 1).zero_(); return x; }, [5, 1, 0]],
];

describe('ops: small hand-computed cases', () => {
  it.each(cases)('%s', (_name, make, want) => close(make(), want));

  it('manualSeed makes random functions deterministic', () => {
    T.manualSeed(3);
    const a = [T.rand([4]), T.randn([4]), T.randint(0, 10, [4])].map((x) => Array.from(x.toFloat32Array()));
    T.manualSeed(3);
    const b = [T.rand([4]), T.randn([4]), T.randint(0, 10, [4])].map((x) => Array.from(x.toFloat32Array()));
    expect(a).toEqual(b);
    expect(a[0]!.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(a[2]!.every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
  });

  it('read-out: item, toArray, toFloat32Array copies, PyTorch-style toString', () => {
    const x = t([[1, 2], [3, 4]]);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    const c = x.toFloat32Array();
    c[0] = 99;
    expect(x.item === undefined).toBe(false);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(t(2.5).item()).toBe(2.5);
    expect(String(x)).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(t([0.1, 0.25]))).toBe('tensor([0.1000, 0.2500])');
    expect(String(t([1], { requiresGrad: true }))).toBe('tensor([1.], requires_grad=True)');
    expect(String(t([1], { requiresGrad: true }).mul(2))).toBe('tensor([2.], grad_fn=<MulBackward>)');
    expect(String(t([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
  });

  it('views share storage: writing through the base shows in the view', () => {
    const base = T.zeros([2, 3]);
    const v = base.transpose(0, 1);
    base.narrow(1, 2, 1).fill_(1);
    expect(v.toArray()).toEqual([[0, 0], [0, 0], [1, 1]]);
    expect(v.storage).toBe(base.storage);
    expect(base.clone().storage).not.toBe(base.storage);
    expect(base.detach().storage).toBe(base.storage);
  });
});
