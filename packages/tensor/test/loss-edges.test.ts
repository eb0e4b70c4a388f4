/**
 * The loss functions' edges that Stryker's run over ops/nn/loss.ts (MUTATION.md, session 8)
 * found untested: a -inf log-probability at a class that is not the target (a masked logit),
 * the unbatched forms' shapes and gradients, every refusal's message, and the saved-tensor check
 * of the fused cross-entropy. Expected values are computed here from the formulas, in double.
 */
import { describe, expect, it } from 'vitest';
import { F, float16, float64, grad, int32, int64, nn, tensor, zeros, type Tensor } from '@tensile/tensor';

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

describe('the element-wise losses\' edges', () => {
  it('binaryCrossEntropy takes inputs of exactly 0 and 1 (logs clamped at -100, as PyTorch) and refuses anything outside, at any position', () => {
    expect(F.binaryCrossEntropy(tensor([0, 1]), tensor([0, 1])).item()).toBe(0);
    expect(F.binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'sum' }).item()).toBe(200);
    for (const v of [1.5, -0.25, NaN, Infinity]) {
      expect(() => F.binaryCrossEntropy(tensor([0.5, 0.5, v]), tensor([0, 1, 1]))).toThrow(`binaryCrossEntropy: all elements of input should be between 0 and 1, got ${v}`);
    }
  });
  it('binaryCrossEntropy and its logits form refuse a backward after their input changed in place, as PyTorch (both save input and target)', () => {
    for (const [name, f] of [
      ['binaryCrossEntropy', F.binaryCrossEntropy],
      ['binaryCrossEntropyWithLogits', F.binaryCrossEntropyWithLogits],
    ] as const) {
      const x = tensor([0.2, 0.7], { requiresGrad: true });
      const y = x.mul(1);
      const loss = f(y, tensor([0, 1]), { reduction: 'none' });
      expect(loss.gradFn!.name).toBe(name);
      y.add_(0.01);
      expect(() => loss.sum().backward()).toThrow(`${name}: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead`);
    }
  });
  it("klDiv's default reduction is 'mean' over every element; 'batchmean' of a 0-d input is the sum (PyTorch 1.13: 0.1534)", () => {
    const x = tensor([[-1, -2], [-0.5, -3]]), t = tensor([[0.5, 0.25], [0.1, 0.2]]);
    expect(F.klDiv(x, t).item()).toBeCloseTo(F.klDiv(x, t, { reduction: 'sum' }).item() / 4, 7);
    expect(F.klDiv(x, t, { reduction: 'batchmean' }).item()).toBeCloseTo(0.2024, 4);
    expect(F.klDiv(tensor(-1), tensor(0.5), { reduction: 'batchmean' }).item()).toBeCloseTo(0.5 * Math.log(0.5) + 0.5, 6);
  });
});

describe('the margin, Poisson and Gaussian losses\' edges (PyTorch 1.13\'s values)', () => {
  it('tripletMarginLoss adds its eps to the differences before the norm', () => {
    const f64 = (v: number[][]) => tensor(v, { dtype: float64 });
    // |a - p + eps| = |(-0.5, 0.5)|, |a - n + eps| = |(0.5, -1.5)|: 1 + 0.7071 - 1.5811
    expect(F.tripletMarginLoss(f64([[0, 0]]), f64([[1, 0]]), f64([[0, 2]]), { eps: 0.5 }).item()).toBeCloseTo(0.1259679511023577, 14);
  });
  it('gaussianNllLoss takes one variance per row ([N] or [N, 1]), and a [1] variance for a 0-d input, as PyTorch', () => {
    const x = zeros(2, 3, { dtype: float64 }), y = tensor([[1, 1, 1], [1, 1, 1]], { dtype: float64 });
    const want = 0.6562732006403471; // mean of 0.5·(log v + 1/v) over v = 2, 3
    expect(F.gaussianNllLoss(x, y, tensor([[2], [3]], { dtype: float64 })).item()).toBeCloseTo(want, 14);
    expect(F.gaussianNllLoss(x, y, tensor([2, 3], { dtype: float64 })).item()).toBeCloseTo(want, 14);
    const zeroD = F.gaussianNllLoss(tensor(1, { dtype: float64 }), tensor(0.5, { dtype: float64 }), tensor([2], { dtype: float64 }), { reduction: 'none' });
    expect(zeroD.shape).toEqual([1]);
    expect(zeroD.item()).toBeCloseTo(0.5 * (Math.log(2) + 0.25 / 2), 14); // 0.4091
  });
  it('multiMarginLoss of a 0-d input (one class) is 0; of one [C] sample, its terms over C', () => {
    expect(F.multiMarginLoss(tensor(0.5), tensor(0, { dtype: int64 })).item()).toBe(0);
    expect(F.multiMarginLoss(tensor([0.5, 0.2, -1], { dtype: float64 }), tensor(1, { dtype: int64 })).item()).toBeCloseTo(1.3 / 3, 15);
  });
  it('multiMarginLoss\'s gradient: -Σ of the active terms at the target, each active term\'s 1/C elsewhere, 0 for the inactive ones', () => {
    const x = tensor([[0.5, -2, 0, 0.6], [1.0, -0.5, 0.3, 0.9], [0.0, 2.0, -1.0, 0.5]], { dtype: float64, requiresGrad: true });
    const loss = F.multiMarginLoss(x, i64([3, 0, 1]), { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(0.625, 15);
    loss.backward();
    expect(values(x.grad!)).toEqual([0.25, 0, 0.25, -0.5, -0.5, 0, 0.25, 0.25, 0, 0, 0, 0]); // PyTorch 1.13's
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
  ['nllLoss: a [C, 1] weight', () => F.nllLoss(zeros(2, 3), i64([0, 1]), { weight: zeros(3, 1) }), 'nllLoss: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [3,1]'],
  ['CrossEntropyLoss: [C] probabilities, 2-d weight', () => new nn.CrossEntropyLoss({ weight: zeros(1, 3) }).call(zeros(3), zeros(3)), 'crossEntropy: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [1,3]'],
  ['mseLoss: an unknown reduction', () => F.mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as never }), 'mseLoss: reduction must be \'mean\', \'sum\' or \'none\', got "avg"'],
  ['l1Loss: an unknown reduction', () => F.l1Loss(tensor([1]), tensor([1]), { reduction: 'avg' as never }), 'l1Loss: reduction must be \'mean\', \'sum\' or \'none\', got "avg"'],
  ['l1Loss: size_average given', () => F.l1Loss(tensor([1]), tensor([1]), true as never), "l1Loss: sizeAverage (positional 1) must be null (PyTorch's deprecated size_average; give reduction instead), got boolean true"],
  ['binaryCrossEntropyWithLogits: weight not a tensor', () => F.binaryCrossEntropyWithLogits(tensor([1]), tensor([1]), { weight: [1] as never }), 'binaryCrossEntropyWithLogits: weight must be a Tensor, got an array'],
  ['binaryCrossEntropyWithLogits: posWeight not a tensor', () => F.binaryCrossEntropyWithLogits(tensor([1]), tensor([1]), { posWeight: 2 as never }), 'binaryCrossEntropyWithLogits: posWeight must be a Tensor, got number 2'],
  ['binaryCrossEntropyWithLogits: a positional weight not a tensor', () => F.binaryCrossEntropyWithLogits(tensor([1]), tensor([1]), 2 as never), 'binaryCrossEntropyWithLogits: weight (positional 1) must be'],
  ['binaryCrossEntropy: weight not a tensor', () => F.binaryCrossEntropy(tensor([0.5]), tensor([1]), { weight: [1] as never }), 'binaryCrossEntropy: weight must be a Tensor, got an array'],
  ['binaryCrossEntropy: an unknown reduction', () => F.binaryCrossEntropy(tensor([0.5]), tensor([1]), { reduction: 'avg' as never }), 'binaryCrossEntropy: reduction must be \'mean\', \'sum\' or \'none\', got "avg"'],
  ['smoothL1Loss: a negative beta', () => F.smoothL1Loss(tensor([1]), tensor([1]), { beta: -1 }), 'smoothL1Loss: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got -1'],
  ['smoothL1Loss: a NaN beta', () => F.smoothL1Loss(tensor([1]), tensor([1]), { beta: NaN }), 'smoothL1Loss: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got NaN'],
  ['smoothL1Loss: a string beta', () => F.smoothL1Loss(tensor([1]), tensor([1]), { beta: '1' as never }), 'smoothL1Loss: beta must be a non-negative number (smooth_l1_loss does not support negative values for beta), got string 1'],
  ['huberLoss: delta 0', () => F.huberLoss(tensor([1]), tensor([1]), { delta: 0 }), 'huberLoss: delta must be positive (huber_loss does not support non-positive values for delta), got 0'],
  ['huberLoss: a NaN delta', () => F.huberLoss(tensor([1]), tensor([1]), { delta: NaN }), 'huberLoss: delta must be positive (huber_loss does not support non-positive values for delta), got NaN'],
  ['huberLoss: a string delta', () => F.huberLoss(tensor([1]), tensor([1]), { delta: '1' as never }), 'huberLoss: delta must be positive (huber_loss does not support non-positive values for delta), got string 1'],
  ['klDiv: an unknown reduction', () => F.klDiv(tensor([1]), tensor([1]), { reduction: 'avg' as never }), 'klDiv: reduction must be \'mean\', \'batchmean\', \'sum\' or \'none\', got "avg"'],
  ['klDiv: logTarget not a boolean', () => F.klDiv(tensor([1]), tensor([1]), { logTarget: 1 as never }), 'klDiv: logTarget must be a boolean, got number 1'],
  ['marginRankingLoss: a NaN margin', () => F.marginRankingLoss(tensor([1]), tensor([1]), tensor([1]), { margin: NaN }), 'marginRankingLoss: margin must be a number, got number NaN'],
  ['marginRankingLoss: a string margin', () => F.marginRankingLoss(tensor([1]), tensor([1]), tensor([1]), { margin: '1' as never }), 'marginRankingLoss: margin must be a number, got string 1'],
  ['marginRankingLoss: input1 not a tensor', () => F.marginRankingLoss(1 as never, tensor([1]), tensor([1])), 'marginRankingLoss: input1 must be a Tensor, got number 1'],
  ['marginRankingLoss: input2 not a tensor', () => F.marginRankingLoss(tensor([1]), 1 as never, tensor([1])), 'marginRankingLoss: input2 must be a Tensor, got number 1'],
  ['marginRankingLoss: target not a tensor', () => F.marginRankingLoss(tensor([1]), tensor([1]), 1 as never), 'marginRankingLoss: target must be a Tensor, got number 1'],
  ['marginRankingLoss: input2 of another rank', () => F.marginRankingLoss(zeros(2), zeros(2, 1), zeros(2)), 'marginRankingLoss: All input tensors should have same dimension but got sizes: input1: [2], input2: [2,1], target: [2]'],
  ['marginRankingLoss: target of another rank', () => F.marginRankingLoss(zeros(2), zeros(2), zeros(2, 1)), 'marginRankingLoss: All input tensors should have same dimension but got sizes: input1: [2], input2: [2], target: [2,1]'],
  ['hingeEmbeddingLoss: input not a tensor', () => F.hingeEmbeddingLoss(1 as never, tensor([1])), 'hingeEmbeddingLoss: input must be a Tensor, got number 1'],
  ['hingeEmbeddingLoss: target not a tensor', () => F.hingeEmbeddingLoss(tensor([1]), 1 as never), 'hingeEmbeddingLoss: target must be a Tensor, got number 1'],
  ['hingeEmbeddingLoss: a NaN margin', () => F.hingeEmbeddingLoss(tensor([1]), tensor([1]), { margin: NaN }), 'hingeEmbeddingLoss: margin must be a number, got number NaN'],
  ['softMarginLoss: input not a tensor', () => F.softMarginLoss(1 as never, tensor([1])), 'softMarginLoss: input must be a Tensor, got number 1'],
  ['softMarginLoss: an unknown reduction', () => F.softMarginLoss(tensor([1]), tensor([1]), { reduction: 'avg' as never }), 'softMarginLoss: reduction must be \'mean\', \'sum\' or \'none\', got "avg"'],
  ['cosineEmbeddingLoss: inputs of other sizes', () => F.cosineEmbeddingLoss(zeros(2, 3), zeros(2, 4), tensor([1, -1])), 'cosineEmbeddingLoss: the size of tensor a ([2,3]) must match the size of tensor b ([2,4])'],
  ['cosineEmbeddingLoss: inputs of other ranks', () => F.cosineEmbeddingLoss(zeros(2, 3), zeros(2, 3, 1), tensor([1, -1])), 'cosineEmbeddingLoss: the size of tensor a ([2,3]) must match the size of tensor b ([2,3,1])'],
  ['cosineEmbeddingLoss: 3-d inputs', () => F.cosineEmbeddingLoss(zeros(2, 3, 1), zeros(2, 3, 1), tensor([1, -1])), 'cosineEmbeddingLoss: 1D target tensor expects 2D input tensors, but found inputs with sizes [2,3,1] and [2,3,1].'],
  ['cosineEmbeddingLoss: a 2-d target', () => F.cosineEmbeddingLoss(zeros(2, 3), zeros(2, 3), zeros(2, 1)), 'cosineEmbeddingLoss: 1D target tensor expects 2D input tensors, but found inputs with sizes [2,3] and [2,3].'],
  ['cosineEmbeddingLoss: a 1-d target for 1-d inputs', () => F.cosineEmbeddingLoss(zeros(3), zeros(3), zeros(1)), 'cosineEmbeddingLoss: 0D target tensor expects 1D input tensors, but found inputs with sizes [3] and [3].'],
  ['cosineEmbeddingLoss: a NaN margin', () => F.cosineEmbeddingLoss(zeros(2, 3), zeros(2, 3), tensor([1, -1]), { margin: NaN }), 'cosineEmbeddingLoss: margin must be a number, got number NaN'],
  ['tripletMarginLoss: anchor not a tensor', () => F.tripletMarginLoss(1 as never, zeros(2), zeros(2)), 'tripletMarginLoss: anchor must be a Tensor, got number 1'],
  ['tripletMarginLoss: positive not a tensor', () => F.tripletMarginLoss(zeros(2), 1 as never, zeros(2)), 'tripletMarginLoss: positive must be a Tensor, got number 1'],
  ['tripletMarginLoss: negative not a tensor', () => F.tripletMarginLoss(zeros(2), zeros(2), 1 as never), 'tripletMarginLoss: negative must be a Tensor, got number 1'],
  ['tripletMarginLoss: swap not a boolean', () => F.tripletMarginLoss(zeros(2), zeros(2), zeros(2), { swap: 1 as never }), 'tripletMarginLoss: swap must be a boolean, got number 1'],
  ['tripletMarginLoss: a string margin', () => F.tripletMarginLoss(zeros(2), zeros(2), zeros(2), { margin: 'a' as never }), 'tripletMarginLoss: margin must be a number, got string a'],
  ['tripletMarginLoss: negative of another rank', () => F.tripletMarginLoss(zeros(2, 3), zeros(2, 3), zeros(3)), 'tripletMarginLoss: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs'],
  ['tripletMarginLoss: positive of another rank', () => F.tripletMarginLoss(zeros(2, 3), zeros(3), zeros(2, 3)), 'tripletMarginLoss: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs'],
  ['poissonNllLoss: logInput not a boolean', () => F.poissonNllLoss(zeros(2), zeros(2), { logInput: 1 as never }), 'poissonNllLoss: logInput must be a boolean, got number 1'],
  ['poissonNllLoss: full not a boolean', () => F.poissonNllLoss(zeros(2), zeros(2), { full: 1 as never }), 'poissonNllLoss: full must be a boolean, got number 1'],
  ['poissonNllLoss: an unknown reduction', () => F.poissonNllLoss(zeros(2), zeros(2), { reduction: 'x' as never }), 'poissonNllLoss: reduction must be \'mean\', \'sum\' or \'none\', got "x"'],
  ['gaussianNllLoss: input not a tensor', () => F.gaussianNllLoss(1 as never, zeros(2), zeros(2)), 'gaussianNllLoss: input must be a Tensor, got number 1'],
  ['gaussianNllLoss: target not a tensor', () => F.gaussianNllLoss(zeros(2), 1 as never, zeros(2)), 'gaussianNllLoss: target must be a Tensor, got number 1'],
  ['gaussianNllLoss: var not a tensor', () => F.gaussianNllLoss(zeros(2), zeros(2), 1 as never), 'gaussianNllLoss: var must be a Tensor, got number 1'],
  ['gaussianNllLoss: full not a boolean', () => F.gaussianNllLoss(zeros(2), zeros(2), zeros(2), { full: 1 as never }), 'gaussianNllLoss: full must be a boolean, got number 1'],
  ['gaussianNllLoss: eps not a number', () => F.gaussianNllLoss(zeros(2), zeros(2), zeros(2), { eps: '1' as never }), 'gaussianNllLoss: eps must be a number, got string 1'],
  ['gaussianNllLoss: var of the last dim only', () => F.gaussianNllLoss(zeros(2, 3), zeros(2, 3), zeros(3)), 'gaussianNllLoss: var is of incorrect size (input [2,3], var [3])'],
  ['gaussianNllLoss: var [N, 2] for [N, 3]', () => F.gaussianNllLoss(zeros(2, 3), zeros(2, 3), zeros(2, 2)), 'gaussianNllLoss: var is of incorrect size (input [2,3], var [2,2])'],
  ['gaussianNllLoss: var [1, 1] for [2, 3] (it would broadcast)', () => F.gaussianNllLoss(zeros(2, 3), zeros(2, 3), zeros(1, 1)), 'gaussianNllLoss: var is of incorrect size (input [2,3], var [1,1])'],
  ['gaussianNllLoss: var [2] for a 0-d input', () => F.gaussianNllLoss(tensor(1), tensor(1), zeros(2)), 'gaussianNllLoss: var is of incorrect size (input [], var [2])'],
  ['gaussianNllLoss: an unknown reduction', () => F.gaussianNllLoss(zeros(2), zeros(2), zeros(2), { reduction: 'avg' as never }), 'gaussianNllLoss: avg is not valid'],
  ['gaussianNllLoss: a negative variance', () => F.gaussianNllLoss(zeros(2), zeros(2), tensor([1, -1])), 'gaussianNllLoss: var has negative entry/entries'],
  ['multiMarginLoss: a float16 input', () => F.multiMarginLoss(zeros(2, 3, { dtype: float16 }), [0, 1]), 'multiMarginLoss: "multi_margin_loss_cpu_kernel" not implemented for \'Half\''],
  ['softMarginLoss: size_average given', () => F.softMarginLoss(tensor([1]), tensor([1]), true as never), "softMarginLoss: sizeAverage (positional 1) must be null"],
  ['poissonNllLoss: size_average given', () => F.poissonNllLoss(tensor([1]), tensor([1]), true, false, true as never), "poissonNllLoss: sizeAverage (positional 3) must be null"],
  ['poissonNllLoss: reduce given', () => F.poissonNllLoss(tensor([1]), tensor([1]), true, false, null, 1e-8, true as never), "poissonNllLoss: reduce (positional 5) must be null"],
  ['multiMarginLoss: input not a tensor', () => F.multiMarginLoss(1 as never, [0]), 'multiMarginLoss: input must be a Tensor, got number 1'],
  ['multiMarginLoss: target not index-like', () => F.multiMarginLoss(zeros(2, 3), 'a' as never), 'multiMarginLoss: target must be a Tensor, a number[] or an Int32Array, got string a'],
  ['multiMarginLoss: p 3', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { p: 3 as never }), 'multiMarginLoss: only p == 1 and p == 2 supported, got number 3'],
  ['multiMarginLoss: a string margin', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { margin: '1' as never }), 'multiMarginLoss: margin must be a number, got string 1'],
  ['multiMarginLoss: an unknown reduction', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { reduction: 'x' as never }), 'multiMarginLoss: reduction must be \'mean\', \'sum\' or \'none\', got "x"'],
  ['multiMarginLoss: weight not a tensor', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { weight: [1] as never }), 'multiMarginLoss: weight must be a Tensor, got an array'],
  ['multiMarginLoss: a 2-d weight', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { weight: zeros(1, 3) }), 'multiMarginLoss: weight must be one-dimensional, got [1,3]'],
  ['multiMarginLoss: a weight shorter than the classes', () => F.multiMarginLoss(zeros(2, 3), [0, 1], { weight: zeros(2) }), 'multiMarginLoss: weight has 2 elements for 3 classes'],
  ['multiMarginLoss: an int32 input', () => F.multiMarginLoss(zeros(2, 3, { dtype: int32 }), [0, 1]), 'multiMarginLoss: "multi_margin_loss_cpu_kernel" not implemented for \'Int\''],
  ['multiMarginLoss: a 3-d input', () => F.multiMarginLoss(zeros(2, 3, 1), [0, 1]), 'multiMarginLoss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: [2,3,1]'],
  ['multiMarginLoss: an empty vector', () => F.multiMarginLoss(zeros(0), []), 'multiMarginLoss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: [0]'],
  ['multiMarginLoss: more targets than samples', () => F.multiMarginLoss(zeros(2, 3), [0, 1, 2]), 'multiMarginLoss: inconsistent target size, got: [3] (expected 2 targets)'],
  ['multiMarginLoss: a 2-d target', () => F.multiMarginLoss(zeros(2, 3), zeros(2, 1, { dtype: int64 })), 'multiMarginLoss: inconsistent target size, got: [2,1] (expected 2 targets)'],
  ['multiMarginLoss: a fractional target', () => F.multiMarginLoss(zeros(2, 3), tensor([0.5, 1])), 'multiMarginLoss: target must hold class indices (integers), got [2] float32'],
  ['multiMarginLoss: a target past the classes', () => F.multiMarginLoss(zeros(2, 3), [0, 3]), 'multiMarginLoss: target out of range (3 for 3 classes)'],
  ['multiMarginLoss: a negative target', () => F.multiMarginLoss(zeros(2, 3), [-1, 0]), 'multiMarginLoss: target out of range (-1 for 3 classes)'],
];

describe('loss errors name the function, the argument and the value', () => {
  it.each(bad)('%s', (_, f, msg) => {
    expect(f).toThrow(msg);
  });
});
