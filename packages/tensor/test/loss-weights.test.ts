/**
 * Class weights and class-probability targets of crossEntropy / nllLoss beyond their values
 * (those are PyTorch fixtures in ops21b-fixtures.test.ts): the weights as the modules' buffers,
 * as PyTorch's `_WeightedLoss`, no gradient into them, and the errors, from a table.
 */
import { describe, expect, it } from 'vitest';
import { F, float64, int64, nn, randn, tensor, zeros, type Tensor } from '@tensile/tensor';

const x = () => tensor([[1, 2, 0.5], [0, -1, 2]]);
const t = () => tensor([2, 0], { dtype: int64 });

describe('class weights', () => {
  it('are buffers: in the state dict under PyTorch\'s keys, readable as attributes, converted by Module.to', () => {
    const w = tensor([1, 2, 3]);
    const ce = new nn.CrossEntropyLoss(w);
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(ce.weight).toBe(w);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    expect(Object.keys(new nn.NLLLoss({ weight: w }).stateDict())).toEqual(['weight']);
    const bce = new nn.BCEWithLogitsLoss(tensor([1, 2]), null, null, 'mean', tensor([3, 4]));
    expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
    expect(Array.from(bce.posWeight!.toFloat32Array())).toEqual([3, 4]);
    // .double() converts the weight with the module, so a float64 input meets a float64 weight
    ce.double();
    expect(ce.weight!.dtype).toBe(float64);
    const loss = ce.call(x().double(), t());
    expect(loss.dtype).toBe(float64);
    expect(() => new nn.CrossEntropyLoss(tensor([1, 2, 3])).call(x().double(), t())).toThrow('crossEntropy: weight has dtype float32 but input has dtype float64');
  });
  it('the loaded weight is the one forward uses', () => {
    const ce = new nn.CrossEntropyLoss(tensor([1, 1, 1]));
    const before = ce.call(x(), t()).item();
    ce.loadStateDict({ weight: tensor([1, 1, 5]) });
    expect(ce.call(x(), t()).item()).not.toBe(before);
    expect(ce.call(x(), t()).item()).toBeCloseTo(F.crossEntropy(x(), t(), { weight: tensor([1, 1, 5]) }).item(), 6);
  });
  it('take no gradient (PyTorch has no derivative for weight), the input does', () => {
    const w = tensor([1, 2, 3]).requiresGrad_();
    const input = x().requiresGrad_();
    F.crossEntropy(input, t(), { weight: w, labelSmoothing: 0.1 }).backward();
    expect(w.grad).toBeNull();
    expect(input.grad).not.toBeNull();
  });
  it('mean divides by the kept targets\' total weight; all targets ignored gives NaN, as PyTorch', () => {
    const logp = F.logSoftmax(x(), 1);
    const w = tensor([1, 2, 3]);
    const want = -(3 * logp.at(0, 2).item() + 1 * logp.at(1, 0).item()) / 4;
    expect(F.nllLoss(logp, t(), { weight: w }).item()).toBeCloseTo(want, 6);
    expect(Number.isNaN(F.nllLoss(logp, tensor([-100, -100], { dtype: int64 }), { weight: w }).item())).toBe(true);
  });
});

describe('class-probability targets', () => {
  it('a floating target of the input\'s shape is read as probabilities', () => {
    const p = tensor([[0, 0, 1], [1, 0, 0]]);
    expect(F.crossEntropy(x(), p).item()).toBeCloseTo(F.crossEntropy(x(), t()).item(), 6);
    const r = randn(4, 5);
    expect(F.crossEntropy(r, zeros(4, 5), { reduction: 'none' }).shape).toEqual([4]);
  });
});

const bad: [string, () => Tensor, string | RegExp][] = [
  ['weight of the wrong length', () => F.crossEntropy(x(), t(), { weight: tensor([1, 2]) }), 'crossEntropy: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]'],
  ['a 2-d weight', () => F.nllLoss(x(), t(), { weight: zeros(1, 3) }), 'nllLoss: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [1,3]'],
  ['weight not a tensor', () => F.crossEntropy(x(), t(), { weight: [1, 2, 3] as never }), /^crossEntropy: weight must be a Tensor, got /],
  ['weight of another dtype', () => F.nllLoss(x(), t(), { weight: tensor([1, 2, 3], { dtype: float64 }) }), 'nllLoss: weight has dtype float64 but input has dtype float32'],
  ['integer probabilities', () => F.crossEntropy(x(), tensor([[0, 0, 1], [1, 0, 0]], { dtype: int64 })), 'crossEntropy: Expected floating point type for target with class probabilities, got int64'],
  ['probabilities with ignoreIndex', () => F.crossEntropy(x(), zeros(2, 3), { ignoreIndex: 1 }), 'crossEntropy: ignoreIndex is not supported for floating point target (got 1)'],
  ['module weight not a tensor', () => new nn.NLLLoss({ weight: 'w' as never }).call(x(), t()), /^NLLLoss: weight must be a Tensor or null, got w/],
];

describe('errors name the function, the argument and the value', () => {
  it.each(bad)('%s', (_, f, msg) => {
    expect(f).toThrow(msg);
  });
});
