import { describe, it, expect } from 'vitest';
import * as T from '@tensile/tensor';

describe('smoke', () => {
  it('mlp backward', () => {
    T.manualSeed(0);
    const x = T.randn([4, 3]);
    const w = T.randn([3, 5], { requiresGrad: true });
    const b = T.zeros([5], { requiresGrad: true });
    const y = x.matmul(w).add(b).tanh().sum();
    y.backward();
    expect(w.grad!.shape).toEqual([3, 5]);
    expect(b.grad!.shape).toEqual([5]);
    const z = T.tensor([3], { requiresGrad: true });
    const [d1] = T.grad(z.pow(3).sum(), z, { createGraph: true });
    const [d2] = T.grad(d1!.sum(), z);
    expect(d1!.item()).toBeCloseTo(27);
    expect(d2!.item()).toBeCloseTo(18);
  });
});
