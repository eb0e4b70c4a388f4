import { describe, expect, it } from 'vitest';
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

  it('four steps across t0 (mu 1, 1, 1/2, 1/3): the gradient flows through ax from step to step', () => {
    const steps = (p0: Tensor, g: Tensor, ax0: Tensor): Tensor => {
      const p = p0.mul(1);
      const opt = new ASGD([p], { lr: 0.3, lambd: 0.01, t0: 10, weightDecay: 0.05, differentiable: true });
      opt.state.set(p, { step: 10, eta: 0.3, mu: 1, ax: ax0.mul(1) });
      const mus: unknown[] = [];
      for (let k = 0; k < 4; k++) {
        mus.push(opt.state.get(p)!['mu']);
        p.grad = g.mul(k + 1);
        opt.step();
      }
      expect(mus).toEqual([1, 1, 0.5, Math.fround(1 / 3)]);
      return cat([p, opt.state.get(p)!['ax'] as Tensor]);
    };
    gradcheck(steps, [tensor([0.5, -1.5, 2]), tensor([0.3, 0.7, -0.2]), tensor([0.1, 0.2, 0.3])].map((t) => t.requiresGrad_()));
  });
});
