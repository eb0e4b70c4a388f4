import { describe, expect, it } from 'vitest';
import { tensor, randn, manualSeed } from '@tensile/tensor';
import { SGD } from '@tensile/optim';

describe('SGD with a 1-element tensor lr (PyTorch 2.13 takes one)', () => {
  it('steps exactly as with the number of its float32 value, and the state dict keeps the tensor', () => {
    for (const foreach of [false, true]) {
      manualSeed(9);
      const init = randn([7]), grads = [randn([7]), randn([7]), randn([7])];
      const a = init.clone().requiresGrad_(), b = init.clone().requiresGrad_();
      const oa = new SGD([a], { lr: tensor(0.1), momentum: 0.9, foreach });
      const ob = new SGD([b], { lr: Math.fround(0.1), momentum: 0.9, foreach });
      for (const g of grads) {
        a.grad = g;
        b.grad = g;
        oa.step();
        ob.step();
      }
      expect(Array.from(a.toFloat32Array())).toEqual(Array.from(b.toFloat32Array()));
      expect(oa.stateDict().param_groups[0]!['lr']).toBeInstanceOf(Object);
    }
  });

  it("refuses a tensor lr of more than one element or a negative one, in PyTorch's words", () => {
    const p = tensor([1], { requiresGrad: true });
    expect(() => new SGD([p], { lr: tensor([0.1, 0.2]) })).toThrow('Tensor lr must be 1-element');
    expect(() => new SGD([p], { lr: tensor(-0.5) })).toThrow('Invalid learning rate: -0.5');
  });
});
