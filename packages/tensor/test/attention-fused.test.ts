/**
 * scaledDotProductAttention's fused `softmax(q·kᵀ·scale + causal bias)` node (ops/nn/attention.ts
 * `scaledSoftmax`) against the composed ops it replaces, written out here as PyTorch's math form:
 * the output and the gradients of q, k and v bit for bit, with and without the causal mask, at
 * the default and a custom scale, for square and rectangular score matrices, with NaN and
 * infinite scores; a recorded backward (createGraph) matches the composed second derivative.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { causalBias, scaledSoftmax } from '../src/ops/nn/attention.js';

const { F, tensor, grad } = T;

function draw(n: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) / 2 ** 32 - 0.5) * 4; });
}
const bits = (t: T.Tensor): number[] => Array.from(new Uint32Array(t.toFloat32Array().buffer)).map((b, i, a) => (Number.isNaN(new Float32Array(new Uint32Array([a[i]!]).buffer)[0]) ? 0x7fc00000 : b));

function composed(q: T.Tensor, k: T.Tensor, v: T.Tensor, causal: boolean, scale: number | null): T.Tensor {
  const L = q.shape[q.ndim - 2]!, S = k.shape[k.ndim - 2]!;
  let s = T.mul(T.matmul(q, k.transpose(-2, -1)), scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]!));
  if (causal) s = T.add(s, causalBias(L, S, s));
  return T.matmul(F.softmax(s, -1), v);
}

const cases: [string, number[], number[], boolean, number | null][] = [
  ['causal, square [2, 3, 5, 5]', [2, 3, 5, 4], [2, 3, 5, 4], true, null],
  ['no mask, rectangular L 4, S 7', [3, 4, 6], [3, 7, 6], false, null],
  ['causal, rectangular L 6, S 3 (later rows see every key)', [2, 6, 5], [2, 3, 5], true, 0.3],
  ['one key', [4, 1, 3], [4, 1, 3], true, null],
  ['the GPT port\'s head: [16, 64, 32]', [16, 64, 32], [16, 64, 32], true, null],
  // the module's chunks of 682 rows of 48 start mid-sequence (682 mod 48 = 10): the mask's query count carries over
  ['causal, square L = S = 48 over 16 heads (chunks start mid-sequence)', [16, 48, 8], [16, 48, 8], true, null],
  ['causal, L 5, S 7 over 600 heads (rows of 7: a vector and three floats)', [600, 5, 3], [600, 7, 3], true, 0.7],
  ['no mask, L 16, S 24 over 64 heads (the module\'s path)', [64, 16, 8], [64, 24, 8], false, null],
];

describe('scaled dot-product attention: the fused scale-mask-softmax node = the composed ops', () => {
  it.each(cases)('%s', (_name, qs, ks, causal, scale) => {
    const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
    const q = tensor(draw(n(qs), 1), { shape: qs, requiresGrad: true });
    const k = tensor(draw(n(ks), 2), { shape: ks, requiresGrad: true });
    const v = tensor(draw(n(ks), 3), { shape: ks, requiresGrad: true });
    const a = F.scaledDotProductAttention(q, k, v, { isCausal: causal, scale });
    const b = composed(q, k, v, causal, scale);
    expect(bits(a)).toEqual(bits(b));
    const up = tensor(draw(a.numel(), 4), { shape: a.shape });
    const ga = grad(a, [q, k, v], { gradOutputs: up }), gb = grad(b, [q, k, v], { gradOutputs: up });
    ga.forEach((g, i) => expect(bits(g!)).toEqual(bits(gb[i]!)));
  });

  it('NaN and infinite scores propagate as in the composed ops (a masked +inf or NaN score makes its row NaN)', () => {
    const q = tensor([1, Number.NaN, Infinity, 2, 0, 1], { shape: [3, 2], requiresGrad: true });
    const k = tensor([1, 2, 3, -1, 0.5, Infinity], { shape: [3, 2] });
    const v = tensor(draw(6, 9), { shape: [3, 2] });
    for (const causal of [true, false]) expect(bits(F.scaledDotProductAttention(q, k, v, { isCausal: causal }))).toEqual(bits(composed(q, k, v, causal, null)));
  });

  it('a second derivative through the node (createGraph) equals the composed one', () => {
    const q = tensor(draw(24, 5), { shape: [2, 3, 4], requiresGrad: true });
    const k = tensor(draw(24, 6), { shape: [2, 3, 4], requiresGrad: true });
    const v = tensor(draw(24, 7), { shape: [2, 3, 4], requiresGrad: true });
    const second = (f: () => T.Tensor): T.Tensor[] => {
      const [gq] = grad(f().square().sum(), [q], { createGraph: true });
      return grad(gq!.square().sum(), [q, k, v]) as T.Tensor[];
    };
    const a = second(() => F.scaledDotProductAttention(q, k, v, { isCausal: true }));
    const b = second(() => composed(q, k, v, true, null));
    a.forEach((g, i) => {
      const x = g.toFloat32Array(), y = b[i]!.toFloat32Array();
      for (let j = 0; j < x.length; j++) expect(Math.abs(x[j]! - y[j]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(y[j]!)));
    });
  });

  it('the node saves its output: changing the weights in place before backward is refused', () => {
    const s = tensor(draw(12, 9), { shape: [3, 4], requiresGrad: true });
    const w = scaledSoftmax(s, 0.5, true);
    T.noGrad(() => w.mul_(2));
    expect(() => w.sum().backward()).toThrow(/scaledSoftmax: a tensor saved for backward was modified by an in-place operation/);
  });

  it('the node is named and float64 or an explicit mask keep the composed ops', () => {
    const q = tensor(draw(12, 8), { shape: [3, 4], requiresGrad: true });
    const names = (t: T.Tensor): Set<string> => {
      const seen = new Set<string>(), todo = [t.gradFn];
      for (let n = todo.pop(); n; n = todo.pop()) { seen.add(n.name); todo.push(...n.next.filter((m): m is T.Node => m !== null)); }
      return seen;
    };
    const fused = names(F.scaledDotProductAttention(q, q, q, { isCausal: true }));
    expect([fused.has('scaledSoftmax'), fused.has('softmax')]).toEqual([true, false]);
    const d = q.double();
    const wide = names(F.scaledDotProductAttention(d, d, d, { isCausal: true }));
    expect([wide.has('scaledSoftmax'), wide.has('softmax')]).toEqual([false, true]);
    const masked = names(F.scaledDotProductAttention(q, q, q, { attnMask: T.ones([3, 3], { dtype: 'bool' }) }));
    expect([masked.has('scaledSoftmax'), masked.has('softmax')]).toEqual([false, true]);
  });
});
