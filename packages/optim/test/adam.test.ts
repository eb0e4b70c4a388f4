import { describe, expect, it } from 'vitest';
import { Tensor, tensor, randn, manualSeed, grad as autogradGrad } from '@tensile/tensor';
import { Adam, AdamW } from '@tensile/optim';

const p = (): Tensor => tensor([1, 2], { requiresGrad: true });

describe('Adam and AdamW: validation in PyTorch\'s order and words', () => {
  const cases: [string, () => unknown, ErrorConstructor, string][] = [
    ['negative lr', () => new Adam([p()], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
    ['negative eps', () => new Adam([p()], { eps: -1e-8 }), RangeError, 'Invalid epsilon value: -1e-08'],
    ['beta 0 of 1.5', () => new Adam([p()], { betas: [1.5, 0.999] }), RangeError, 'Invalid beta parameter at index 0: 1.5'],
    ['beta 1 of 1', () => new Adam([p()], { betas: [0.9, 1] }), RangeError, 'Invalid beta parameter at index 1: 1'],
    ['negative beta', () => new AdamW([p()], { betas: [-0.1, 0.9] }), RangeError, 'Invalid beta parameter at index 0: -0.1'],
    ['NaN weight decay', () => new AdamW([p()], { weightDecay: NaN }), RangeError, 'Invalid weight_decay value: nan'],
    ['betas not a pair', () => new Adam([p()], { betas: [0.9] as never }), TypeError, 'Adam: betas must be a pair of numbers'],
    ['fused', () => new Adam([p()], { fused: true }), RangeError, 'Adam: fused=true is not supported'],
    ['a 2-element tensor lr', () => new Adam([p()], { lr: tensor([0.01, 0.02]), capturable: true }), RangeError, 'Tensor lr must be 1-element'],
    ['a negative tensor lr', () => new AdamW([p()], { lr: tensor(-0.5) }), RangeError, 'Invalid learning rate: -0.5'],
    ['AdamW with decoupledWeightDecay', () => new AdamW([p()], { decoupledWeightDecay: false } as never), TypeError, "AdamW: unknown option 'decoupledWeightDecay'"],
    ['a bad group lr names the class', () => new AdamW([{ params: [p()], lr: -2 }]), RangeError, 'Invalid learning rate: -2'],
  ];
  it.each(cases)('%s', (_n, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  it("prints PyTorch's repr, defaults included", () => {
    expect(new AdamW([p()]).toString()).toBe([
      'AdamW (', 'Parameter Group 0', '    amsgrad: False', '    betas: (0.9, 0.999)', '    capturable: False',
      '    decoupled_weight_decay: True', '    differentiable: False', '    eps: 1e-08', '    foreach: None', '    fused: None',
      '    lr: 0.001', '    maximize: False', '    weight_decay: 0.01', ')',
    ].join('\n'));
  });
});

describe('differentiable Adam', () => {
  it('gives the plain path\'s numbers (to float32 rounding) and a gradient through the update', () => {
    manualSeed(7);
    const w0 = randn([4]), g = randn([4]);
    for (const amsgrad of [false, true]) {
      const plain = w0.clone().requiresGrad_();
      const a = new Adam([plain], { lr: 0.1, amsgrad, weightDecay: 0.1 });
      const leaf = w0.clone().requiresGrad_();
      const nonLeaf = leaf.mul(1);
      const b = new Adam([nonLeaf], { lr: 0.1, amsgrad, weightDecay: 0.1, differentiable: true });
      for (let k = 0; k < 3; k++) {
        plain.grad = g.mul(k + 1);
        nonLeaf.grad = g.mul(k + 1);
        a.step();
        b.step();
      }
      const x = plain.toFloat32Array(), y = nonLeaf.toFloat32Array();
      for (let i = 0; i < 4; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-6);
    }
    // One step, as PyTorch's differentiable tests take (a later step updates the moments in place,
    // which the earlier step saved for backward, in PyTorch too).
    const leaf = w0.clone().requiresGrad_();
    const q = leaf.mul(1);
    const c = new Adam([q], { lr: 0.1, weightDecay: 0.1, differentiable: true });
    q.grad = g.clone().requiresGrad_();
    c.step();
    // The first step moves each element by -lr·sign(grad) (up to eps): d q_new / d q_old = 1 exactly
    // but for the L2 term's path through the moments, which is tiny; d q_new / d grad is ~0.
    const [dw, dg] = autogradGrad(q.sum(), [leaf, q.grad!]);
    for (const v of dw!.toFloat32Array()) expect(v).toBeCloseTo(1, 3);
    for (const v of dg!.toFloat32Array()) expect(Math.abs(v)).toBeLessThan(1e-3);
  });
});
