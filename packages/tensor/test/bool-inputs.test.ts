/**
 * Bool tensors where PyTorch 1.13's CPU kernels have no bool version, and where it computes in
 * the default float dtype: found by running the same calls on int64 and bool inputs through
 * PyTorch and tensile side by side (session 12). The refusals name the function, as every error
 * here does, then PyTorch's kernel.
 */
import { describe, expect, it } from 'vitest';
import { abs, bool, dot, float32, int64, kthvalue, logsumexp, matmul, median, relu, square, tensor, topk } from '@tensile/tensor';

const b = tensor([true, false, true], { dtype: bool });

describe('bool inputs', () => {
  it.each([
    ['matmul of two vectors', () => matmul(b, b), `matmul: "dot" not implemented for 'Bool'`],
    ['dot', () => dot(b, b), `dot: "dot" not implemented for 'Bool'`],
    ['median', () => median(b), `median: "median_cpu" not implemented for 'Bool'`],
    ['median along a dim', () => median(b, 0), `median: "median_out" not implemented for 'Bool'`],
    ['topk', () => topk(b, 1), `topk: "topk_cpu" not implemented for 'Bool'`],
    ['kthvalue', () => kthvalue(b, 1), `kthvalue: "kthvalue_cpu" not implemented for 'Bool'`],
    ['abs', () => abs(b), `abs: "abs_cpu" not implemented for 'Bool'`],
    ['relu', () => relu(b), 'relu: Boolean inputs not supported for relu'],
  ])('refuses %s, as PyTorch', (_name, f, message) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(message);
  });

  it('matrix products keep refusing bool (their own check)', () => {
    const m = tensor([[true, false], [false, true]], { dtype: bool });
    expect(() => matmul(m, m)).toThrow(/matmul: not implemented for 'Bool'/);
    expect(() => matmul(m, tensor([true, false], { dtype: bool }))).toThrow(/matmul: not implemented for 'Bool'/);
  });

  // PyTorch: torch.tensor([True, False, True]).logsumexp(0).item() = 1.861994743347168 (float32);
  // [[True, False], [False, False]].logsumexp(1).tolist() = [1.31326162815094, 0.6931471824645996]
  it('logsumexp computes in float32, as PyTorch', () => {
    const r = logsumexp(b, 0);
    expect(r.dtype).toBe(float32);
    expect(r.item()).toBe(1.861994743347168);
    const r2 = logsumexp(tensor([[true, false], [false, false]], { dtype: bool }), 1);
    expect(Array.from(r2.toFloat32Array())).toEqual([1.31326162815094, 0.6931471824645996]);
  });

  // PyTorch: torch.tensor([True, False, True]).square() = tensor([1, 0, 1]) (int64: pow(x, 2))
  it('square of a bool is int64, as PyTorch', () => {
    const y = square(b);
    expect(y.dtype).toBe(int64);
    expect(Array.from(y.toTypedArray() as BigInt64Array)).toEqual([1n, 0n, 1n]);
  });
});
