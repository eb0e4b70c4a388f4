/**
 * PyTorch's test_differentiable for every optimizer that has the flag: with `differentiable:
 * true`, one step is a differentiable function of the parameter and the gradient; its autograd
 * gradient matches a float32 central difference (STYLE.md's gradcheck).
 */
import { describe, it } from 'vitest';
import { tensor } from '@tensile/tensor';
import { OPTIMIZERS } from './registry/index.js';
import { gradcheck } from '../../tensor/test/helpers/gradcheck.js';

describe.each(OPTIMIZERS.filter((e) => !e.needsClosure))('$name with differentiable: true', (e) => {
  it.each(e.combos.filter((c) => !c['capturable']).map((c) => [JSON.stringify(c), c] as const))('one step %s: gradcheck through the parameter and the gradient', (_n, combo) => {
    const p0 = tensor([0.7, -1.3, 0.45, 2.1], { requiresGrad: true });
    const g0 = tensor([0.3, -0.8, 1.1, -0.25], { requiresGrad: true });
    gradcheck((p, g) => {
      const q = p!.mul(1); // a non-leaf parameter, as differentiable steps need
      const opt = e.make([q], { ...combo, differentiable: true });
      q.grad = g!;
      opt.step();
      return q;
    }, [p0, g0], { atol: 2e-3, rtol: 2e-2 });
  });
});
