/**
 * GroupNorm's fused node (ops/nn/normalization.ts `groupNormFused`) against the composed ops it
 * replaced (normalize over each group, then the per-channel affine): values and every gradient
 * within float32 rounding (float64: 1e-12), with and without weight and bias, 1 to 3 spatial
 * dims, one group and one channel per group, a non-contiguous input; second derivatives through
 * a recorded backward equal the composed ones.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const { F } = T;

function composed(x: T.Tensor, G: number, w: T.Tensor | null, b: T.Tensor | null, eps = 1e-5): T.Tensor {
  const N = x.shape[0]!;
  const xs = x.reshape([N, G, -1]);
  const mu = T.mean(xs, [2], true);
  const d = T.sub(xs, mu);
  const v = T.mean(T.mul(d, d), [2], true);
  let y = T.mul(d, T.reciprocal(T.sqrt(T.add(v, eps)))).reshape(x.shape);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (w) y = T.mul(y, w.reshape(bshape));
  if (b) y = T.add(y, b.reshape(bshape));
  return y;
}

function close(a: T.Tensor, b: T.Tensor, tol: number): void {
  const x = a.toTypedArray() as Float64Array, y = b.toTypedArray() as Float64Array;
  let m = 1e-30, d = 0;
  for (let i = 0; i < y.length; i++) { m = Math.max(m, Math.abs(y[i]!)); d = Math.max(d, Math.abs(x[i]! - y[i]!)); }
  expect(d / m).toBeLessThanOrEqual(tol);
}

const cases: [string, number[], number, boolean, boolean][] = [
  ['[4, 6, 5] in 3 groups, weight and bias', [4, 6, 5], 3, true, true],
  ['[2, 8, 3, 4] in 2 groups, weight only', [2, 8, 3, 4], 2, true, false],
  ['[3, 4, 2, 2, 2] in 4 groups (one channel each), bias only', [3, 4, 2, 2, 2], 4, false, true],
  ['[5, 6] in 1 group, no affine', [5, 6], 1, false, false],
  ['[32, 64, 16, 16] in 8 groups (the bench size)', [32, 64, 16, 16], 8, true, true],
];
// TENSILE_KERNEL_TEST_MAX_N (default: every case) skips the larger ones (the bench size): Stryker sets
// it when mutating the JS rows, which compute each element alike at any size
// (stryker/vitest.tensor-kernels.config.ts).
const MAX_N = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['TENSILE_KERNEL_TEST_MAX_N'] ?? Infinity);
const sized = cases.filter(([, shape]) => shape.reduce((a, b) => a * b, 1) <= MAX_N);

describe('groupNorm: the fused node = the composed ops', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const tol = dtype === 'float32' ? 2e-6 : 1e-12;
    it.each(sized)(`${dtype}: %s`, (_name, shape, G, hasW, hasB) => {
      T.manualSeed(shape.length * 10 + G);
      const C = shape[1]!;
      const x = T.randn(shape, { dtype }).mul(3).add(1).requiresGrad_(true);
      const w = hasW ? T.randn([C], { dtype }).requiresGrad_(true) : null;
      const b = hasB ? T.randn([C], { dtype }).requiresGrad_(true) : null;
      const y = F.groupNorm(x, G, { weight: w, bias: b });
      expect(y.gradFn?.name).toBe('groupNorm');
      const r = composed(x, G, w, b);
      close(y, r, tol);
      const up = T.randn(shape, { dtype });
      const leaves = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
      const ga = T.grad(y, leaves, { gradOutputs: up }), gb = T.grad(r, leaves, { gradOutputs: up });
      ga.forEach((g, i) => close(g!, gb[i]!, tol * 4));
    });
  }

  it('a non-contiguous input, and second derivatives through a recorded backward', () => {
    T.manualSeed(3);
    const base = T.randn([6, 4, 5], { dtype: 'float64' }).requiresGrad_(true);
    const strided = (): T.Tensor => base.transpose(0, 2); // [5, 4, 6], strided
    const x = strided();
    const w = T.randn([4], { dtype: 'float64' }).requiresGrad_(true), b = T.randn([4], { dtype: 'float64' }).requiresGrad_(true);
    close(F.groupNorm(x, 2, { weight: w, bias: b }), composed(x, 2, w, b), 1e-12);
    const second = (f: () => T.Tensor): T.Tensor[] => {
      const [gx] = T.grad(f().pow(3).sum(), [base], { createGraph: true });
      return T.grad(gx!.square().sum(), [base, w, b]) as T.Tensor[];
    };
    const a = second(() => F.groupNorm(strided(), 2, { weight: w, bias: b })), c = second(() => composed(strided(), 2, w, b));
    a.forEach((g, i) => close(g, c[i]!, 1e-10));
  });
});
