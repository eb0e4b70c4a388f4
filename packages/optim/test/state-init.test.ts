/**
 * When optimizer state comes into being, beyond the first step every test takes (issue 27,
 * round three, from a Stryker run of the optimizer classes): Adagrad creates its state when a
 * parameter joins (PyTorch's constructor does), for a group added later too; RMSprop's
 * momentum buffer and grad average appear when momentum or centering is switched on after
 * steps without them (PyTorch raises KeyError there; we start them at zero).
 */
import { describe, expect, it } from 'vitest';
import { tensor, Tensor } from '@tensile/tensor';
import { Adagrad, RMSprop } from '@tensile/optim';
import { expectBits } from './helpers.js';

describe('Adagrad: state at construction and for a group added later', () => {
  it("sum starts at the group's initialAccumulatorValue before any step", () => {
    const p = tensor([1, 2], { requiresGrad: true }), q = tensor([3], { requiresGrad: true });
    const opt = new Adagrad([p], { initialAccumulatorValue: 0.5 });
    opt.addParamGroup({ params: [q], initialAccumulatorValue: 0.25 });
    const sp = opt.state.get(p) as { step: number; sum: Tensor } | undefined;
    const sq = opt.state.get(q) as { step: number; sum: Tensor } | undefined;
    expect(sp?.step).toBe(0);
    expect(Array.from(sp!.sum.toFloat32Array())).toEqual([0.5, 0.5]);
    expect(sq?.step).toBe(0);
    expect(Array.from(sq!.sum.toFloat32Array())).toEqual([0.25]);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0', '1']);
  });
});

describe('RMSprop: momentum and centering switched on after steps without them', () => {
  it.each([
    ['momentum', { momentum: 0.9 }, 'momentum_buffer'],
    ['centered', { centered: true }, 'grad_avg'],
  ] as const)('%s: the buffer is created (from zero) at the first step with it', (_name, change, key) => {
    const run = (switchAfter: number): Record<string, unknown> => {
      const p = tensor([1, -2], { requiresGrad: true });
      const opt = new RMSprop([p], { lr: 0.01 });
      const grads = [[0.5, -0.25], [0.125, 1], [-1, 0.5]];
      grads.forEach((g, k) => {
        if (k === switchAfter) Object.assign(opt.paramGroups[0]!, change);
        p.grad = tensor(g);
        opt.step();
      });
      return { p: p.toFloat32Array(), ...(opt.state.get(p) as Record<string, unknown>) };
    };
    const s = run(2);
    expect(s[key]).toBeInstanceOf(Tensor);
    // one step with the buffer from zero: the same as the first step of a fresh buffer would give
    const t = run(0);
    expect(t[key]).toBeInstanceOf(Tensor);
    expect((s['p'] as Float32Array).every((v) => Number.isFinite(v))).toBe(true);
    if (key === 'momentum_buffer') {
      // buf = 0 · 0.9 + g / (sqrt(avg) + eps): after one step with it, p moved by lr · buf
      const b = (s[key] as Tensor).toFloat32Array();
      expect(Array.from(b).every((v) => v !== 0)).toBe(true);
    } else {
      // grad_avg = lerp(0, g, 1 - alpha): one step from zero is g · (1 - alpha)
      expectBits((s[key] as Tensor).toFloat32Array(), [Math.fround(-1 * Math.fround(1 - 0.99)), Math.fround(0.5 * Math.fround(1 - 0.99))], 'grad_avg');
    }
  });
});
