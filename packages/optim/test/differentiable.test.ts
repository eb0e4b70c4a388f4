import { describe, it } from 'vitest';
import { Tensor, tensor, cat } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
import { gradcheck } from '../../tensor/test/helpers/gradcheck.js';

// PyTorch's TestDifferentiableOptimizer.test_asgd, as a float32 gradcheck: one differentiable
// step from a given state, differentiated w.r.t. the old parameter, the grad and the old ax.
describe('differentiable ASGD: gradcheck through the update', () => {
  for (const [name, options, mu] of [
    ['averaging (mu = 0.5), weight decay', { lr: 0.9, lambd: 1e-4, weightDecay: 0.1, differentiable: true }, 0.5],
    ['copy (mu = 1), maximize', { lr: 0.9, maximize: true, differentiable: true }, 1],
  ] as const) {
    it(name, () => {
      const step = (p0: Tensor, g: Tensor, ax0: Tensor): Tensor => {
        const p = p0.mul(1); // a non-leaf parameter
        const opt = new ASGD([p], options);
        opt.state.set(p, { step: 10, eta: 0.9, mu, ax: ax0.mul(1) });
        p.grad = g;
        opt.step();
        return cat([p, opt.state.get(p)!['ax'] as Tensor]);
      };
      gradcheck(step, [tensor([0.5, -1.5, 2]), tensor([0.3, 0.7, -0.2]), tensor([0.1, 0.2, 0.3])].map((t) => t.requiresGrad_()));
    });
  }
});
