import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { nn, tensor, zeros, type Tensor } from '../src/index.js';

interface Packed { shape: number[]; data: number[] }
interface Case { kind: 'norm' | 'value'; maxNorm?: number; normType?: number | 'inf'; clipValue?: number; grads: Packed[]; total?: number; clipped: Packed[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/clip_grad.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

const withGrads = (grads: Packed[]): Tensor[] => grads.map((g) => {
  const p = zeros(g.shape, { requiresGrad: true });
  p.grad = tensor(g.data, { shape: g.shape });
  return p;
});
const close = (got: Float32Array | number[], want: number[], label: string): void => {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-6 * Math.max(1, Math.abs(want[i]!));
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) throw new Error(`${label}[${i}]: ${got[i]} vs PyTorch's ${want[i]}`);
  }
};

describe(`nn.utils clipping against PyTorch ${fixture.torch}`, () => {
  it.each(fixture.cases.map((c, i) => [`${c.kind} ${i}: ${c.kind === 'norm' ? `maxNorm ${c.maxNorm}, normType ${c.normType}` : `clipValue ${c.clipValue}`}`, c] as const))('%s', (_n, c) => {
    const ps = withGrads(c.grads);
    if (c.kind === 'norm') {
      const total = nn.utils.clipGradNorm_(ps, c.maxNorm!, { normType: c.normType === 'inf' ? Infinity : c.normType! });
      close([total.item()], [c.total!], 'total norm');
    } else {
      nn.utils.clipGradValue_(ps, c.clipValue!);
    }
    ps.forEach((p, i) => close(p.grad!.toFloat32Array(), c.clipped[i]!.data, `grad ${i}`));
  });
});

describe('nn.utils', () => {
  it('clipGradNorm_ with no grads returns 0 and changes nothing; a non-finite norm throws only when asked', () => {
    expect(nn.utils.clipGradNorm_([zeros([2], { requiresGrad: true })], 1).item()).toBe(0);
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([NaN, 1]);
    expect(() => nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow('The total norm of order 2 for gradients from `parameters` is non-finite');
    expect(Number.isNaN(nn.utils.clipGradNorm_([p], 1).item())).toBe(true);
    expect(() => nn.utils.clipGradNorm_([p], 1, { norm_type: 1 } as never)).toThrow("clipGradNorm_: unknown option 'norm_type'");
    expect(() => nn.utils.clipGradNorm_([p], 1, { normType: 0 })).toThrow('clipGradNorm_: normType must be a positive number or Infinity, got number 0');
  });

  it('clipGradNorm_\'s 1- and 2-norms count every element, whatever the length modulo 4 (four partial sums and a tail)', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 1001]) {
      // entries i + 1: the 1-norm is n(n+1)/2 and the 2-norm's square n(n+1)(2n+1)/6, exact in double
      const g = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
      for (const [normType, want] of [[1, (n * (n + 1)) / 2], [2, Math.sqrt((n * (n + 1) * (2 * n + 1)) / 6)]] as const) {
        const p = zeros([n], { requiresGrad: true });
        p.grad = tensor(g);
        expect(nn.utils.clipGradNorm_([p], 1e9, { normType }).item(), `n ${n}, normType ${normType}`).toBe(Math.fround(want));
      }
    }
  });

  it('parametersToVector and vectorToParameters round-trip, in order', () => {
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parametersToVector(m.parameters());
    expect(v.shape).toEqual([8]);
    const ramp = tensor([0, 1, 2, 3, 4, 5, 6, 7]);
    nn.utils.vectorToParameters(ramp, m.parameters());
    expect(m.weight.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(Array.from(m.bias!.toFloat32Array())).toEqual([6, 7]);
    expect(Array.from(nn.utils.parametersToVector(m.parameters()).toFloat32Array())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => nn.utils.vectorToParameters(tensor([1, 2]), m.parameters())).toThrow('vectorToParameters: vec has 2 elements but the parameters hold 8');
  });
});
