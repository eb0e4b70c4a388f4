/**
 * The loss functions' edges that Stryker's run over ops/nn/loss.ts (MUTATION.md, session 8)
 * found untested: a -inf log-probability at a class that is not the target (a masked logit),
 * the unbatched forms' shapes and gradients, every refusal's message, and the saved-tensor check
 * of the fused cross-entropy. Expected values are computed here from the formulas, in double.
 */
import { describe, expect, it } from 'vitest';
import { F, float64, grad, int64, nn, tensor, zeros, type Tensor } from '@tensile/tensor';

const i64 = (v: number | number[] | number[][]) => tensor(v, { dtype: int64 });
const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float32Array | Float64Array);
const logSumExp = (z: number[]): number => {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
};

describe('a -inf log-probability at a class other than the target (a masked logit)', () => {
  it('nllLoss ignores it, as PyTorch (-logp[target] only)', () => {
    expect(F.nllLoss(tensor([[-Infinity, -1, -2]]), i64([1])).item()).toBe(1);
    expect(F.nllLoss(tensor([[-Infinity, -1, -2], [-0.5, -Infinity, -3]]), i64([2, 0]), { reduction: 'sum' }).item()).toBe(2.5);
  });
  it('crossEntropy without smoothing stays finite on float64 and spatial inputs (the composed path)', () => {
    const z = [-Infinity, 1, 2];
    expect(F.crossEntropy(tensor([z], { dtype: float64 }), i64([1])).item()).toBeCloseTo(logSumExp(z) - 1, 14);
    // [1, 3, 1]: one position, the same row
    const spatial = F.crossEntropy(tensor([[[-Infinity], [1], [2]]]), i64([[1]])).item();
    expect(spatial).toBeCloseTo(logSumExp(z) - 1, 6);
  });
  it('with label smoothing the -inf class makes the loss inf, as PyTorch (ε/C·Σ -logp)', () => {
    expect(F.crossEntropy(tensor([[-Infinity, 1, 2]], { dtype: float64 }), i64([1]), { labelSmoothing: 0.1 }).item()).toBe(Infinity);
  });
});

describe('unbatched and single-sample forms', () => {
  it("reduction 'none' keeps a batch of one as [1]; an unbatched input gives a 0-d loss", () => {
    expect(F.nllLoss(tensor([[-1, -2]]), i64([1]), { reduction: 'none' }).shape).toEqual([1]);
    expect(F.crossEntropy(tensor([[1, 2]]), i64([1]), { reduction: 'none' }).shape).toEqual([1]);
    expect(F.nllLoss(tensor([-1, -2]), i64(1), { reduction: 'none' }).shape).toEqual([]);
    expect(F.crossEntropy(tensor([1, 2]), i64(1), { reduction: 'none' }).shape).toEqual([]);
  });

  it('crossEntropy of [C] logits: the gradient has shape [C], and its own gradient (createGraph) is the softmax Hessian', () => {
    const z = [0.5, -1, 2], k = 1;
    const p = z.map((v) => Math.exp(v - logSumExp(z)));
    const x = tensor(z, { requiresGrad: true, dtype: float64 });
    F.crossEntropy(x, i64(k)).backward();
    expect(x.grad!.shape).toEqual([3]);
    values(x.grad!).forEach((g, i) => expect(g).toBeCloseTo(p[i]! - (i === k ? 1 : 0), 14));
    const x32 = tensor(z, { requiresGrad: true });
    F.crossEntropy(x32, i64(k)).backward();
    expect(x32.grad!.shape).toEqual([3]);
    values(x32.grad!).forEach((g, i) => expect(g).toBeCloseTo(p[i]! - (i === k ? 1 : 0), 6));
    // d/dz of ∂L/∂z_0 = p_0·(δ_i0 - p_i): the float32 fused node's recorded backward
    const y = tensor(z, { requiresGrad: true });
    const [dy] = grad(F.crossEntropy(y, i64(k)), y, { createGraph: true });
    expect(dy!.shape).toEqual([3]);
    const [h] = grad(dy!.select(0, 0), y);
    expect(h!.shape).toEqual([3]);
    values(h!).forEach((v, i) => expect(v).toBeCloseTo(p[0]! * ((i === 0 ? 1 : 0) - p[i]!), 6));
  });

  it('class-probability targets on [C] logits take class weights: -Σ w_c·t_c·logp_c', () => {
    const z = [0.5, -1, 2], t = [0.2, 0.3, 0.5], w = [1, 2, 0.5];
    const lse = logSumExp(z);
    const want = -z.reduce((s, v, c) => s + w[c]! * t[c]! * (v - lse), 0);
    expect(F.crossEntropy(tensor(z, { dtype: float64 }), tensor(t, { dtype: float64 }), { weight: tensor(w, { dtype: float64 }) }).item()).toBeCloseTo(want, 14);
  });
});

describe('logits changed in place after crossEntropy', () => {
  it('the plain backward goes on, from the forward\'s values, as PyTorch (its log-softmax saves its output)', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = x.mul(1);
    const loss = F.crossEntropy(y, i64([1]));
    y.add_(1);
    loss.backward();
    // softmax([1, 2, 3]) - onehot(1); PyTorch 1.13: [0.0900, -0.7553, 0.6652]
    const z = [1, 2, 3], lse = logSumExp(z);
    Array.from(x.grad!.toFloat32Array()).forEach((g, i) => expect(g).toBeCloseTo(Math.exp(z[i]! - lse) - (i === 1 ? 1 : 0), 6));
  });
  it('the recorded backward (createGraph), which recomputes the log-softmax from them, refuses', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const y = x.mul(1);
    const loss = F.crossEntropy(y, i64([1]));
    y.add_(1);
    expect(() => grad(loss, x, { createGraph: true })).toThrow('crossEntropy: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead');
  });
});

const bad: [string, () => Tensor, string][] = [
  ['mseLoss: input not a tensor', () => F.mseLoss(1 as never, tensor([1])), 'mseLoss: input must be a Tensor, got number 1'],
  ['mseLoss: target not a tensor', () => F.mseLoss(tensor([1]), 1 as never), 'mseLoss: target must be a Tensor, got number 1'],
  ['mseLoss: size_average given', () => F.mseLoss(tensor([1]), tensor([1]), true as never), "mseLoss: sizeAverage (positional 1) must be null (PyTorch's deprecated size_average; give reduction instead), got boolean true"],
  ['mseLoss: reduce given', () => F.mseLoss(tensor([1]), tensor([1]), null, false as never), "mseLoss: reduce (positional 2) must be null (PyTorch's deprecated reduce; give reduction instead), got boolean false"],
  ['nllLoss: input not a tensor', () => F.nllLoss(1 as never, tensor([1])), 'nllLoss: input must be a Tensor, got number 1'],
  ['nllLoss: target not index-like', () => F.nllLoss(zeros(2, 3), 'a' as never), 'nllLoss: target must be a Tensor, a number[] or an Int32Array, got string a'],
  ['nllLoss: a 0-d input', () => F.nllLoss(tensor(1), i64(0)), 'nllLoss: input must have a class dim, got a 0-d tensor'],
  ['nllLoss: 0 classes', () => F.nllLoss(zeros(2, 0), i64([0, 0])), 'nllLoss: input has 0 classes (shape [2,0])'],
  ['nllLoss: batch sizes differ', () => F.nllLoss(zeros(2, 3), i64([0, 0, 1])), 'nllLoss: target has shape [3] but input has batch size 2'],
  ['nllLoss: a 2-d target for [N, C] input', () => F.nllLoss(zeros(2, 3), zeros(2, 1, { dtype: int64 })), 'nllLoss: target has shape [2,1] but input of shape [2,3] needs target shape [2]'],
  ['nllLoss: label smoothing is crossEntropy\'s', () => F.nllLoss(zeros(2, 3), i64([0, 1]), { labelSmoothing: 0.1 } as never), "nllLoss: unknown option 'labelSmoothing' (options: weight, ignoreIndex, reduction)"],
  ['nllLoss: spatial target missing its dims', () => F.nllLoss(zeros(2, 3, 4), i64([0, 0])), 'nllLoss: target has shape [2] but input of shape [2,3,4] needs target shape [2,4]'],
  ['nllLoss: spatial target of another size', () => F.nllLoss(zeros(2, 3, 4), zeros(2, 5, { dtype: int64 })), 'nllLoss: target has shape [2,5] but input of shape [2,3,4] needs target shape [2,4]'],
  ['nllLoss: an int64 target past 2^53', () => F.nllLoss(zeros(1, 3), i64([2 ** 60])), 'nllLoss: target value 1152921504606846976 is out of range'],
  ['crossEntropy: input not a tensor', () => F.crossEntropy(1 as never, tensor([1])), 'crossEntropy: input must be a Tensor, got number 1'],
  ['crossEntropy: 0 classes (the fused node)', () => F.crossEntropy(zeros(2, 0), i64([0, 0])), 'crossEntropy: input has 0 classes (shape [2,0])'],
  ['crossEntropy: probabilities with ignoreIndex 0', () => F.crossEntropy(zeros(2, 3), zeros(2, 3), { ignoreIndex: 0 }), 'crossEntropy: ignoreIndex is not supported for floating point target (got 0)'],
  ['crossEntropy: [C] probabilities, weight of the wrong length', () => F.crossEntropy(zeros(3), zeros(3), { weight: tensor([1, 2]) }), 'crossEntropy: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]'],
  ['CrossEntropyLoss: [C] probabilities, 2-d weight', () => new nn.CrossEntropyLoss({ weight: zeros(1, 3) }).call(zeros(3), zeros(3)), 'crossEntropy: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [1,3]'],
];

describe('loss errors name the function, the argument and the value', () => {
  it.each(bad)('%s', (_, f, msg) => {
    expect(f).toThrow(msg);
  });
});
