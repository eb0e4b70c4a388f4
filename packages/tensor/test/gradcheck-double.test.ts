/**
 * `autograd.gradcheck` (PyTorch's: float64 central differences, eps 1e-6, atol 1e-5, rtol 1e-3)
 * over the differentiable ops that compute in float64, and the checker itself: it must fail a
 * wrong gradient and refuse float32 inputs.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, autograd, cat, float64, int64, nn, randn, stack, tensor, where, type Tensor } from '@tensile/tensor';
import { record } from '../src/autograd.js';

const gen = new Generator(7);
const r = (shape: number[], scale = 1): Tensor => randn(shape, { generator: gen, dtype: float64 }).mul(scale).requiresGrad_();
const pos = (shape: number[]): Tensor => randn(shape, { generator: gen, dtype: float64 }).abs().add(0.5).detach().requiresGrad_();

const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
  ['add with alpha, broadcast', (a, b) => a.add(b, 0.3), () => [r([2, 3]), r([3])]],
  ['sub', (a, b) => a.sub(b, 2), () => [r([2, 3]), r([2, 1])]],
  ['mul', (a, b) => a.mul(b), () => [r([2, 3]), r([2, 3])]],
  ['div', (a, b) => a.div(b), () => [r([2, 3]), pos([3])]],
  ['pow by a number', (a) => a.pow(3), () => [r([4])]],
  ['pow by a tensor', (a, b) => a.pow(b), () => [pos([4]), r([4])]],
  ['maximum', (a, b) => a.maximum(b), () => [r([5]), r([5])]],
  ['minimum', (a, b) => a.minimum(b), () => [r([5]), r([5])]],
  ['where with a bool condition', (a, b) => where(a.gt(0), a, b), () => [r([5]), r([5])]],
  ['neg, exp, log1p', (a) => a.neg().exp().log1p(), () => [r([4])]],
  ['log, sqrt', (a) => a.log().add(a.sqrt()), () => [pos([4])]],
  ['abs, sign-free', (a) => a.abs().mul(a), () => [r([4])]],
  ['sigmoid, tanh', (a) => a.sigmoid().mul(a.tanh()), () => [r([6])]],
  ['erf, gelu', (a) => a.erf().add(a.gelu()), () => [r([6])]],
  ['relu', (a) => a.relu(), () => [r([6])]],
  ['square, reciprocal', (a) => a.square().add(a.reciprocal()), () => [pos([4])]],
  ['clamp', (a) => a.clamp(-0.5, 0.5), () => [r([6])]],
  ['sum over a dim', (a) => a.sum(1), () => [r([3, 4])]],
  ['mean', (a) => a.mean(0, true), () => [r([3, 4])]],
  ['var, std', (a) => a.var(1).add(a.std(0).sum()), () => [r([3, 4])]],
  ['max and min over a dim', (a) => a.max(1).values.add(a.min(1).values), () => [r([3, 4])]],
  ['logsumexp', (a) => a.logsumexp(1), () => [r([3, 4])]],
  ['matmul', (a, b) => a.matmul(b), () => [r([2, 3]), r([3, 4])]],
  ['batched matmul with broadcast', (a, b) => a.matmul(b), () => [r([2, 2, 3]), r([3, 2])]],
  ['F.linear', (x, w, b) => F.linear(x, w, b), () => [r([2, 3]), r([4, 3]), r([4])]],
  ['softmax', (a) => F.softmax(a, 1), () => [r([2, 4])]],
  ['logSoftmax', (a) => F.logSoftmax(a, 0), () => [r([3, 2])]],
  ['mseLoss', (a, b) => F.mseLoss(a, b), () => [r([3, 2]), r([3, 2])]],
  ['binaryCrossEntropyWithLogits', (a, b) => F.binaryCrossEntropyWithLogits(a, b), () => [r([4]), pos([4]).detach().div(4)]],
  ['reshape, transpose, narrow, expand', (a) => a.reshape(3, 2).t().narrow(1, 1, 2).unsqueeze(0).expand(2, 2, 2), () => [r([6])]],
  ['cat, stack, indexSelect, gather with int64 indices', (a, b) => stack([cat([a, b], 0), cat([b, a], 0)], 0).indexSelect(1, tensor([3, 0], { dtype: int64 })).gather(1, tensor([[1], [0]], { dtype: int64 })), () => [r([2]), r([2])]],
];

describe('autograd.gradcheck in double', () => {
  it.each(cases)('%s', (_, fn, make) => {
    expect(autograd.gradcheck(fn, make())).toBe(true);
  });

  it('fails a wrong gradient, naming the element, and returns false when asked not to throw', () => {
    const bad = (x: Tensor): Tensor => record('bad', x.detach().mul(x.detach()), [x], (g) => [g.mul(3)]);
    const x = r([3]);
    expect(() => autograd.gradcheck(bad, [x])).toThrow(/^gradcheck: Jacobian mismatch for output 0 element 0 with respect to input 0 element 0/);
    expect(autograd.gradcheck(bad, [x], { raiseException: false })).toBe(false);
  });

  it.each([
    // PyTorch 1.13: with no output that requires grad, the function must not depend on its inputs
    ['a function cut from the graph (detach)', () => autograd.gradcheck((t) => t.detach().mul(t.detach()), [tensor([0.3, -1.2], { dtype: float64, requiresGrad: true })]), 'gradcheck: Numerical gradient for function expected to be zero'],
    ['a function whose outputs are all new tensors', () => autograd.gradcheck((t) => [tensor(t.detach().sum().item(), { dtype: float64 }), tensor(1, { dtype: float64 })], [tensor([0.3, -1.2], { dtype: float64, requiresGrad: true })]), 'gradcheck: Numerical gradient for function expected to be zero'],
    ['a float32 input', () => autograd.gradcheck((t) => t.exp(), [tensor([1], { requiresGrad: true })]), 'gradcheck: inputs[0] requires grad but is float32; gradcheck needs float64 inputs (use .double())'],
    ['no input that requires grad', () => autograd.gradcheck((t) => t.exp(), [tensor([1], { dtype: float64 })]), 'gradcheck: expected at least one input tensor to require gradient'],
    ['a negative eps', () => autograd.gradcheck((t) => t, [r([1])], { eps: -1 }), 'gradcheck: eps must be a finite non-negative number, got -1'],
    ['an unknown option', () => autograd.gradcheck((t) => t, [r([1])], { atool: 1 } as never), "gradcheck: unknown option 'atool'"],
  ])('refuses %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('float64 through the losses and utilities that have a float32 fast path', () => {
  it('a function with no output that requires grad passes when it does not depend on the inputs (PyTorch\'s rule); with raiseException false it returns false otherwise', () => {
    expect(autograd.gradcheck(() => tensor([1, 2], { dtype: float64 }), [tensor([0.3, -1.2], { dtype: float64, requiresGrad: true })])).toBe(true);
    expect(autograd.gradcheck((t) => t.detach().exp(), [tensor([0.3], { dtype: float64, requiresGrad: true })], { raiseException: false })).toBe(false);
    // an output that requires grad is checked as before; an integer output beside it is ignored
    expect(autograd.gradcheck((t) => [t.mul(2), t.detach().argmax()], [tensor([0.3, 1], { dtype: float64, requiresGrad: true })])).toBe(true);
  });

  it('crossEntropy on float64 logits computes in doubles (the fused float32 node is not taken) and passes gradcheck', () => {
    const logits = r([3, 4]);
    const target = tensor([0, 3, 1], { dtype: int64 });
    const loss = F.crossEntropy(logits, target);
    expect(loss.dtype).toBe(float64);
    // -mean(logp[n, t_n]) in doubles from the definition
    const x = logits.toTypedArray() as Float64Array;
    let want = 0;
    [0, 3, 1].forEach((t, n) => {
      const row = Array.from(x.subarray(n * 4, n * 4 + 4));
      const m = Math.max(...row);
      want -= row[t]! - m - Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    });
    expect(Math.abs(loss.item() - want / 3)).toBeLessThan(1e-15);
    expect(autograd.gradcheck((l) => F.crossEntropy(l, target), [logits])).toBe(true);
  });

  it('clipGradNorm_ of float64 gradients works in doubles and returns a float64 norm', () => {
    const w = tensor([0, 0], { dtype: float64, requiresGrad: true });
    w.grad = tensor([3e-9 + 1, 4], { dtype: float64 });
    const total = nn.utils.clipGradNorm_([w], 1);
    expect(total.dtype).toBe(float64);
    expect(total.item()).toBe(Math.hypot(3e-9 + 1, 4));
  });
});
