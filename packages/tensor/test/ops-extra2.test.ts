/**
 * The ops that came with ops-extra2-fixtures.test.ts, beyond PyTorch's values: hand-computed
 * cases, gradchecks (float32 central differences per STYLE.md, and second derivatives through
 * the recorded backward), and every refusal from a table (the op, the argument and the value;
 * PyTorch 1.13's words where it has a message), with nothing changed.
 */
import { describe, expect, it, vi } from 'vitest';
import * as T from '@tensile/tensor';
import { gradcheck } from './helpers/gradcheck.js';

const { tensor, float64, nn } = T;

describe('inverse trigonometric and hyperbolic functions', () => {
  it('give the textbook values, float32 by default, float64 kept, integers promoted to float32', () => {
    const close = (got: T.Tensor, want: number[]): void => (got.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    close(T.asin(tensor([0, 0.5, 1, -1])), [0, Math.PI / 6, Math.PI / 2, -Math.PI / 2]);
    close(T.acos(tensor([1, 0.5, -1])), [0, Math.PI / 3, Math.PI]);
    close(T.atan(tensor([0, 1, Infinity])), [0, Math.PI / 4, Math.PI / 2]);
    close(T.sinh(tensor([0, 1])), [0, (Math.E - 1 / Math.E) / 2]);
    close(T.cosh(tensor([0, 1])), [1, (Math.E + 1 / Math.E) / 2]);
    close(T.asinh(tensor([0, 1])), [0, Math.log(1 + Math.SQRT2)]);
    close(T.acosh(tensor([1, 2])), [0, Math.log(2 + Math.sqrt(3))]);
    close(T.atanh(tensor([0, 0.5])), [0, 0.5 * Math.log(3)]);
    expect(T.asin(tensor([2, -1.5])).tolist()).toEqual([Number.NaN, Number.NaN]);
    expect(T.acosh(tensor([0.5])).tolist()).toEqual([Number.NaN]);
    expect(T.atanh(tensor([1, -1])).tolist()).toEqual([Infinity, -Infinity]);
    expect(T.sinh(tensor([90, -90])).tolist()).toEqual([Infinity, -Infinity]); // past float32's range
    expect(Object.is(T.asin(tensor([-0])).item(), -0)).toBe(true);
    expect(T.atan(tensor([1], { dtype: float64 })).item()).toBe(Math.atan(1));
    expect(T.cosh(tensor([1n, 2n])).dtype.name).toBe('float32');
    // the aliases are the same functions, as torch.arcsin is torch.asin
    expect(T.arcsin).toBe(T.asin);
    expect(T.arccos).toBe(T.acos);
    expect(T.arctan).toBe(T.atan);
    expect(T.arcsinh).toBe(T.asinh);
    expect(T.arccosh).toBe(T.acosh);
    expect(T.arctanh).toBe(T.atanh);
    const x = tensor([0.25, -0.5]);
    for (const m of ['asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'atanh', 'arcsin', 'arccos', 'arctan', 'arcsinh', 'arctanh'] as const) {
      expect(x[m]().tolist(), m).toEqual((T[m.replace(/^arc/, 'a') as 'asin'](x)).tolist());
    }
    expect(tensor([2]).arccosh().tolist()).toEqual(T.acosh(tensor([2])).tolist());
    expect(T.asin(tensor([0.5], { requiresGrad: true })).gradFn!.name).toBe('asin');
  });
  it('have gradients that match a central difference inside each domain', () => {
    const inside = (lo: number, hi: number): T.Tensor => T.rand([7], { generator: new T.Generator(3) }).mul(hi - lo).add(lo).requiresGrad_();
    gradcheck((x) => T.asin(x), [inside(-0.9, 0.9)]);
    gradcheck((x) => T.acos(x), [inside(-0.9, 0.9)]);
    gradcheck((x) => T.atan(x), [inside(-4, 4)]);
    gradcheck((x) => T.sinh(x), [inside(-3, 3)]);
    gradcheck((x) => T.cosh(x), [inside(-3, 3)]);
    gradcheck((x) => T.asinh(x), [inside(-4, 4)]);
    gradcheck((x) => T.acosh(x), [inside(1.2, 5)]);
    gradcheck((x) => T.atanh(x), [inside(-0.9, 0.9)]);
  });
  it('differentiate twice through their recorded backward', () => {
    const second = (f: (x: T.Tensor) => T.Tensor, v: number): number => {
      const x = tensor([v], { dtype: float64, requiresGrad: true });
      const [d1] = T.grad(f(x).sum(), [x], { createGraph: true });
      return T.grad(d1!.sum(), [x])[0]!.item();
    };
    const v = 0.3, w = 1.7;
    expect(second(T.asin, v)).toBeCloseTo(v / (1 - v * v) ** 1.5, 12);
    expect(second(T.acos, v)).toBeCloseTo(-v / (1 - v * v) ** 1.5, 12);
    expect(second(T.atan, v)).toBeCloseTo(-2 * v / (1 + v * v) ** 2, 12);
    expect(second(T.sinh, v)).toBeCloseTo(Math.sinh(v), 12);
    expect(second(T.cosh, v)).toBeCloseTo(Math.cosh(v), 12);
    expect(second(T.asinh, v)).toBeCloseTo(-v / (1 + v * v) ** 1.5, 12);
    expect(second(T.acosh, w)).toBeCloseTo(-w / (w * w - 1) ** 1.5, 12);
    expect(second(T.atanh, v)).toBeCloseTo(2 * v / (1 - v * v) ** 2, 12);
  });
  it('send PyTorch\'s gradients at the domain boundaries: ±inf where the derivative is, NaN outside', () => {
    const g = (f: (x: T.Tensor) => T.Tensor, xs: number[]): number[] => {
      const x = tensor(xs, { requiresGrad: true });
      f(x).sum().backward();
      return x.grad!.tolist() as number[];
    };
    // torch.asin(torch.tensor([1., -1., 2.], requires_grad=True)).sum().backward() -> [inf, inf, nan]
    expect(g(T.asin, [1, -1, 2])).toEqual([Infinity, Infinity, Number.NaN]);
    expect(g(T.acos, [1, -1])).toEqual([-Infinity, -Infinity]);
    expect(g(T.acosh, [1, 0.5])).toEqual([Infinity, Number.NaN]);
    expect(g(T.atanh, [1, -1])).toEqual([Infinity, Infinity]);
    expect(g(T.atan, [Infinity])).toEqual([0]);
  });
});

describe('stacking helpers', () => {
  it('atleast1d/2d/3d reshape as PyTorch, return a tensor that has the dims itself, and take arrays or several tensors', () => {
    const s = tensor(5), v = tensor([1, 2, 3]), m = T.zeros([2, 3]), c = T.zeros([2, 3, 4]);
    expect([T.atleast1d(s).shape, T.atleast2d(s).shape, T.atleast3d(s).shape]).toEqual([[1], [1, 1], [1, 1, 1]]);
    expect([T.atleast2d(v).shape, T.atleast3d(v).shape, T.atleast3d(m).shape]).toEqual([[1, 3], [1, 3, 1], [2, 3, 1]]);
    // torch.atleast_1d(x) is x when x has the dims
    expect(T.atleast1d(v)).toBe(v);
    expect(T.atleast2d(m)).toBe(m);
    expect(T.atleast3d(c)).toBe(c);
    expect(T.atleast1d(s, v).map((t) => t.shape)).toEqual([[1], [3]]);
    expect(T.atleast2d([v]).map((t) => t.shape)).toEqual([[1, 3]]);
    expect(T.atleast3d([])).toEqual([]);
    // views: a write through the result reaches the input
    const w = tensor([1, 2]);
    T.atleast3d(w).setAt('0, 1, 0', 7);
    expect(w.tolist()).toEqual([1, 7]);
  });
  it('vstack, hstack, dstack and columnStack give PyTorch\'s shapes and promote as cat', () => {
    expect(T.vstack([tensor([1, 2]), tensor([[3, 4], [5, 6]])]).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(T.hstack([tensor([[1], [2]]), tensor([[3], [4]])]).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(T.hstack([tensor(1), tensor([2, 3])]).tolist()).toEqual([1, 2, 3]);
    expect(T.dstack([tensor([[1, 2]]), tensor([[3, 4]])]).tolist()).toEqual([[[1, 3], [2, 4]]]);
    expect(T.columnStack([tensor([1, 2]), tensor([[3, 4], [5, 6]]), tensor([7, 8])]).tolist()).toEqual([[1, 3, 4, 7], [2, 5, 6, 8]]);
    expect(T.vstack([tensor([1n, 2n]), tensor([0.5, 1], { dtype: float64 })]).dtype).toBe(float64);
    expect(T.rowStack).toBe(T.vstack);
    const a = tensor([1, 2], { requiresGrad: true }), b = tensor([[3, 4]], { requiresGrad: true });
    T.vstack([a, b]).mul(tensor([[1, 2], [3, 4]])).sum().backward();
    expect([a.grad!.tolist(), b.grad!.tolist()]).toEqual([[1, 2], [[3, 4]]]);
  });
  it('meshgrid builds expanded views, \'ij\' by default with PyTorch 1.13\'s warning once, \'xy\' with the first two dims swapped', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const x = tensor([1, 2, 3]), y = tensor([4, 5]);
      const [gx, gy] = T.meshgrid(x, y);
      const again = T.meshgrid([x, y]);
      // TORCH_WARN_ONCE: at most one warning in the process (another test may have had it)
      expect(warn.mock.calls.length).toBeLessThanOrEqual(1);
      for (const call of warn.mock.calls) expect(call[0]).toBe('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.');
      expect(gx!.tolist()).toEqual([[1, 1], [2, 2], [3, 3]]);
      expect(gy!.tolist()).toEqual([[4, 5], [4, 5], [4, 5]]);
      expect(again[1]!.tolist()).toEqual(gy!.tolist());
      expect(gx!.strides).toEqual([1, 0]); // a view of x, expanded
      const [hx, hy] = T.meshgrid(x, y, { indexing: 'xy' });
      expect(hx!.tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
      expect(hy!.tolist()).toEqual([[4, 4, 4], [5, 5, 5]]);
      expect(T.meshgrid([x, y, tensor(0)], { indexing: 'xy' }).map((g) => g.shape)).toEqual([[2, 3, 1], [2, 3, 1], [2, 3, 1]]);
      expect(T.meshgrid(x, { indexing: 'ij' })[0]!.tolist()).toEqual([1, 2, 3]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('cdist', () => {
  it('takes PyTorch\'s positional order or a bag, and p = 0, 1, 2, inf by their definitions', () => {
    const a = tensor([[0, 0], [3, 4]]), b = tensor([[0, 0], [1, 0]]);
    expect(T.cdist(a, b).tolist()).toEqual([[0, 1], [5, Math.sqrt(20)].map(Math.fround)]);
    expect(T.cdist(a, b, 1).tolist()).toEqual([[0, 1], [7, 6]]);
    expect(T.cdist(a, b, { p: 0 }).tolist()).toEqual([[0, 1], [2, 2]]);
    expect(T.cdist(a, b, Infinity).tolist()).toEqual([[0, 1], [4, 4]]);
    expect(T.cdist(a, b, 2, 'use_mm_for_euclid_dist').tolist()).toEqual(T.cdist(a, b).tolist());
    expect(T.cdist(T.zeros([2, 1, 3, 2]), T.zeros([4, 5, 2])).shape).toEqual([2, 4, 3, 5]);
  });
  it('sends 0 gradient through a zero distance on both paths, and differentiates the matrix-product path again', () => {
    for (const computeMode of ['donot_use_mm_for_euclid_dist', 'use_mm_for_euclid_dist'] as const) {
      // torch.cdist(x, y, compute_mode=...).sum().backward(): x.grad [[0, 0], [0.7071, 0.7071]], y.grad [[-0.7071, -0.7071]]
      const x = tensor([[0, 0], [1, 1]], { requiresGrad: true }), y = tensor([[0, 0]], { requiresGrad: true });
      const d = T.cdist(x, y, { computeMode });
      expect(d.tolist()).toEqual([[0], [Math.fround(Math.SQRT2)]]);
      d.sum().backward();
      expect(x.grad!.tolist()).toEqual([[0, 0], [Math.SQRT1_2, Math.SQRT1_2].map(Math.fround)]);
      expect(y.grad!.tolist()).toEqual([[-Math.SQRT1_2, -Math.SQRT1_2].map(Math.fround)]);
    }
    // more than 25 rows: the matrix product by default, whose gradient has a gradient
    const x = T.rand([26, 3], { dtype: float64, generator: new T.Generator(5) }).requiresGrad_();
    const y = T.rand([2, 3], { dtype: float64, generator: new T.Generator(6) });
    const [gx] = T.grad(T.cdist(x, y).sum(), [x], { createGraph: true });
    expect(gx!.requiresGrad).toBe(true);
    const [hx] = T.grad(gx!.square().sum(), [x]);
    expect(hx!.shape).toEqual([26, 3]);
    // the kernel path's gradient is a constant, as PyTorch's _cdist_backward (no derivative)
    const [kx] = T.grad(T.cdist(x, y, 1).sum(), [x], { createGraph: true });
    expect(kx!.requiresGrad).toBe(false);
  });
});

describe('gaussianNllLoss and multiMarginLoss', () => {
  it('GaussianNLLLoss clamps the variance without gradient, and keeps NaN', () => {
    // torch: v = tensor([0., 1.], requires_grad=True); F.gaussian_nll_loss(tensor([1., 1.]), tensor([0., 0.]), v, reduction='sum').backward()
    // -> loss 0.5·(log 1e-6 + 1/1e-6) + 0.5·(0 + 1); v.grad [0.5·(1/1e-6 − 1/1e-12), 0]
    const v = tensor([0, 1], { dtype: float64, requiresGrad: true });
    const loss = T.F.gaussianNllLoss(tensor([1, 1], { dtype: float64 }), tensor([0, 0], { dtype: float64 }), v, { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(0.5 * (Math.log(1e-6) + 1e6) + 0.5, 6);
    loss.backward();
    expect(v.grad!.tolist()).toEqual([0.5 * (1 / 1e-6 - 1 / (1e-6 * 1e-6)), 0]);
    expect(T.F.gaussianNllLoss(T.zeros([2, 3]), T.zeros([2, 3]), tensor([[Number.NaN, 1, 1], [1, 1, 1]])).item()).toBeNaN();
    expect(String(new nn.GaussianNLLLoss({ full: true }))).toBe('GaussianNLLLoss()');
  });
  it('MultiMarginLoss keeps its weight as a buffer and takes PyTorch\'s positional order', () => {
    const m = new nn.MultiMarginLoss(2, 0.5, T.ones([3]));
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(String(m)).toBe('MultiMarginLoss()');
    expect(m.call(T.zeros([2, 3]), [0, 1]).item()).toBeCloseTo((2 * 0.25) / 3, 6);
    expect(T.F.multiMarginLoss(T.zeros([0, 3]), [], { reduction: 'sum' }).item()).toBe(0);
    expect(T.F.multiMarginLoss(T.zeros([0, 3]), [], { reduction: 'none' }).shape).toEqual([0]);
  });
});

describe('adaptive max pooling', () => {
  it('gives PyTorch\'s indices, reprs and empty outputs; its gradient goes to each argmax', () => {
    const x = tensor([[[1, 5, 2], [4, 3, 6]]]);
    const [v, i] = T.F.adaptiveMaxPool2d(x, [1, 2], { returnIndices: true });
    expect([v.tolist(), i.tolist(), i.dtype]).toEqual([[[[5, 6]]], [[[1, 5]]], T.int64]);
    expect(T.F.adaptiveMaxPool2d(T.zeros([1, 2, 3, 4]), [0, 2]).shape).toEqual([1, 2, 0, 2]);
    expect(T.F.adaptiveMaxPool2d(T.zeros([0, 2, 3, 4]), 2).shape).toEqual([0, 2, 2, 2]);
    // print(nn.AdaptiveMaxPool2d((None, 3), True)), print(nn.AdaptiveMaxPool1d(3))
    expect(String(new nn.AdaptiveMaxPool2d([null, 3], true))).toBe('AdaptiveMaxPool2d(output_size=(None, 3))');
    expect(String(new nn.AdaptiveMaxPool1d(3))).toBe('AdaptiveMaxPool1d(output_size=3)');
    const [, j] = new nn.AdaptiveMaxPool1d(2, true).call(tensor([[1, 5, 2, 4, 3]]));
    expect(j.tolist()).toEqual([[1, 3]]);
    const w = tensor([[[1, 5, 2], [4, 3, 6]]], { dtype: float64, requiresGrad: true });
    const [gw] = T.grad(T.F.adaptiveMaxPool2d(w, 1).sum(), [w], { createGraph: true });
    expect(gw!.tolist()).toEqual([[[0, 0, 0], [0, 0, 1]]]);
    expect(gw!.requiresGrad).toBe(false); // a scatter of the upstream gradient (ones here), not of w, as PyTorch's
  });
});

describe('refusals name the op and the value, and change nothing', () => {
  const x = tensor([1, -2, 3]);
  const rows: [string, () => unknown, RegExp][] = [
    ['asin of a number', () => T.asin(0.5 as unknown as T.Tensor), /^asin: input must be a Tensor, got number 0\.5$/],
    ['acosh of an array', () => T.acosh([2] as unknown as T.Tensor), /^acosh: input must be a Tensor, got /],
    ['arctanh of null', () => T.arctanh(null as unknown as T.Tensor), /^atanh: input must be a Tensor, got null$/],
    ['vstack of nothing', () => T.vstack([]), /^vstack: vstack expects a non-empty TensorList$/],
    ['hstack of nothing', () => T.hstack([]), /^hstack: hstack expects a non-empty TensorList$/],
    ['dstack of nothing', () => T.dstack([]), /^dstack: dstack expects a non-empty TensorList$/],
    ['columnStack of nothing', () => T.columnStack([]), /^columnStack: column_stack expects a non-empty TensorList$/],
    ['vstack of a tensor, not an array', () => T.vstack(x as unknown as T.Tensor[]), /^vstack: tensors must be an array of Tensors, got Tensor$/],
    ['vstack of a number in the array', () => T.vstack([x, 1 as unknown as T.Tensor]), /^vstack: tensors\[1\] must be a Tensor, got number 1$/],
    ['vstack of rows of two lengths', () => T.vstack([T.zeros([2, 3]), T.zeros([2, 4])]), /^vstack: Sizes of tensors must match except in dimension 0\. Expected size 3 but got size 4 for tensor number 1 in the list\.$/],
    ['hstack of two heights', () => T.hstack([T.zeros([2, 3]), T.zeros([3, 4])]), /^hstack: Sizes of tensors must match except in dimension 1\. Expected size 2 but got size 3 for tensor number 1 in the list\.$/],
    ['hstack of 2-d and 3-d', () => T.hstack([T.zeros([2, 3]), T.zeros([2, 3, 4])]), /^hstack: Tensors must have same number of dimensions: got 2 and 3$/],
    ['atleast2d of a number', () => T.atleast2d(3 as unknown as T.Tensor), /^atleast2d: input must be a Tensor, got number 3$/],
    ['atleast1d of a number in the array', () => T.atleast1d([x, 3 as unknown as T.Tensor]), /^atleast1d: tensors\[1\] must be a Tensor, got number 3$/],
    ['meshgrid of nothing', () => T.meshgrid({ indexing: 'ij' }), /^meshgrid: meshgrid expects a non-empty TensorList$/],
    ['meshgrid of a matrix', () => T.meshgrid(x, T.zeros([2, 2]), { indexing: 'ij' }), /^meshgrid: Expected 0D or 1D tensor in the tensor list but got: a 2-d tensor of shape \[2,2\] \(tensors\[1\]\)$/],
    ['meshgrid of two dtypes', () => T.meshgrid(x, x.double(), { indexing: 'ij' }), /^meshgrid: meshgrid expects all tensors to have the same dtype \(tensors\[0\] is float32, tensors\[1\] float64\)$/],
    ['meshgrid indexing ab', () => T.meshgrid(x, { indexing: 'ab' as 'ij' }), /^meshgrid: indexing must be one of "xy" or "ij", but received: ab$/],
    ['cdist of a vector', () => T.cdist(x, T.zeros([2, 3])), /^cdist: cdist only supports at least 2D tensors, X1 got: 1D$/],
    ['cdist of a vector second', () => T.cdist(T.zeros([2, 3]), x), /^cdist: cdist only supports at least 2D tensors, X2 got: 1D$/],
    ['cdist of other widths', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 4])), /^cdist: X1 and X2 must have the same number of columns\. X1: 3 X2: 4$/],
    ['cdist p -1', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 3]), -1), /^cdist: cdist only supports non-negative p values, got -1$/],
    ['cdist p NaN', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 3]), { p: Number.NaN }), /^cdist: cdist only supports non-negative p values, got NaN$/],
    ['cdist of int64', () => T.cdist(T.zeros([2, 3], { dtype: 'int64' }), T.zeros([2, 3])), /^cdist: cdist only supports floating-point dtypes, X1 got: Long$/],
    ['cdist of float32 and float64', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 3], { dtype: float64 })), /^cdist: expected scalar type Float but found Double$/],
    ['cdist compute mode bad', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 3]), 2, 'bad' as T.CdistComputeMode), /^cdist: bad is not a valid value for compute_mode$/],
    ['cdist batch dims that do not broadcast', () => T.cdist(T.zeros([2, 2, 3]), T.zeros([3, 4, 3])), /^cdist: cannot broadcast \[2\] with \[3\]$/],
    ['cdist p a string', () => T.cdist(T.zeros([2, 3]), T.zeros([2, 3]), '2' as unknown as number), /^cdist: p \(positional 1\) must be a number, got string 2$/],
    ['gaussianNllLoss var of the wrong size', () => T.F.gaussianNllLoss(T.zeros([2, 3]), T.zeros([2, 3]), T.ones([3])), /^gaussianNllLoss: var is of incorrect size \(input \[2,3\], var \[3\]\)$/],
    ['gaussianNllLoss negative var', () => T.F.gaussianNllLoss(T.zeros([2]), T.zeros([2]), tensor([1, -1])), /^gaussianNllLoss: var has negative entry\/entries$/],
    ['gaussianNllLoss reduction avg', () => T.F.gaussianNllLoss(T.zeros([2]), T.zeros([2]), T.ones([2]), { reduction: 'avg' as T.F.Reduction }), /^gaussianNllLoss: avg is not valid$/],
    ['gaussianNllLoss var a number', () => T.F.gaussianNllLoss(T.zeros([2]), T.zeros([2]), 1 as unknown as T.Tensor), /^gaussianNllLoss: var must be a Tensor, got number 1$/],
    ['nn.GaussianNLLLoss full a number', () => new nn.GaussianNLLLoss({ full: 1 as unknown as boolean }).call(T.zeros([2]), T.zeros([2]), T.ones([2])), /^gaussianNllLoss: full must be a boolean, got number 1$/],
    ['multiMarginLoss target out of range', () => T.F.multiMarginLoss(T.zeros([2, 3]), [0, 3]), /^multiMarginLoss: target out of range \(3 for 3 classes\)$/],
    ['multiMarginLoss three targets for two rows', () => T.F.multiMarginLoss(T.zeros([2, 3]), [0, 1, 2]), /^multiMarginLoss: inconsistent target size, got: \[3\] \(expected 2 targets\)$/],
    ['multiMarginLoss p 3', () => T.F.multiMarginLoss(T.zeros([2, 3]), [0, 1], { p: 3 as 1 }), /^multiMarginLoss: only p == 1 and p == 2 supported, got number 3$/],
    ['multiMarginLoss weight 2-d', () => T.F.multiMarginLoss(T.zeros([2, 3]), [0, 1], { weight: T.zeros([2, 3]) }), /^multiMarginLoss: weight must be one-dimensional, got \[2,3\]$/],
    ['multiMarginLoss 3-d input', () => T.F.multiMarginLoss(T.zeros([2, 3, 4]), [0, 1]), /^multiMarginLoss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: \[2,3,4\]$/],
    ['multiMarginLoss of int64', () => T.F.multiMarginLoss(T.zeros([2, 3], { dtype: 'int64' }), [0, 1]), /^multiMarginLoss: "multi_margin_loss_cpu_kernel" not implemented for 'Long'$/],
    ['nn.MultiMarginLoss p 3', () => new nn.MultiMarginLoss(3 as 1), /^MultiMarginLoss: only p == 1 and p == 2 supported, got 3$/],
    ['nn.MultiMarginLoss size_average true', () => new nn.MultiMarginLoss(1, 1, null, true as unknown as null), /^MultiMarginLoss: sizeAverage \(positional 4\) must be null/],
    ['adaptiveMaxPool2d of a matrix', () => T.F.adaptiveMaxPool2d(T.zeros([2, 3]), 2), /^adaptiveMaxPool2d: adaptive_max_pool2d\(\): Expected 3D or 4D tensor, but got: \[2,3\]$/],
    ['adaptiveMaxPool2d of an empty plane', () => T.F.adaptiveMaxPool2d(T.zeros([1, 2, 0, 4]), 2), /^adaptiveMaxPool2d: adaptive_max_pool2d\(\): Expected input to have non-zero size for non-batch dimensions, but input has sizes \[1,2,0,4\] with dimension 2 being empty$/],
    ['adaptiveMaxPool2d three sizes', () => T.F.adaptiveMaxPool2d(T.zeros([1, 2, 3, 4]), [2, 2, 2] as unknown as [number, number]), /^adaptiveMaxPool2d: adaptive_max_pool2d\(\): internal error: output_size\.size\(\) must be 2/],
    ['adaptiveMaxPool2d size -1', () => T.F.adaptiveMaxPool2d(T.zeros([1, 2, 3, 4]), -1), /^adaptiveMaxPool2d: outputSize must hold non-negative integers \(or null\), got \[-1,-1\]$/],
    ['adaptiveMaxPool2d of int64', () => T.F.adaptiveMaxPool2d(T.zeros([1, 2, 3, 4], { dtype: 'int64' }), 2), /^adaptiveMaxPool2d: "adaptive_max_pool2d" not implemented for 'Long'$/],
    ['adaptiveMaxPool1d of 4 dims', () => T.F.adaptiveMaxPool1d(T.zeros([2, 3, 4, 5]), 2), /^adaptiveMaxPool1d: Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' \(while checking arguments for adaptive_max_pool1d\)$/],
    ['adaptiveMaxPool1d two sizes', () => T.F.adaptiveMaxPool1d(T.zeros([2, 3, 4]), [2, 3] as unknown as [number]), /^adaptiveMaxPool1d: adaptive_max_pool1d\(\) argument 'output_size' should contain one int \(got 2\)$/],
    ['adaptiveMaxPool1d returnIndices 1', () => T.F.adaptiveMaxPool1d(T.zeros([2, 3, 4]), 2, { returnIndices: 1 as unknown as boolean }), /^adaptiveMaxPool1d: returnIndices must be a boolean, got number 1$/],
    ['nn.AdaptiveMaxPool2d size 1.5', () => new nn.AdaptiveMaxPool2d(1.5), /^AdaptiveMaxPool2d: outputSize must be a non-negative integer or a pair of them \(or null\), got 1\.5$/],
    ['nn.AdaptiveMaxPool1d returnIndices a number', () => new nn.AdaptiveMaxPool1d(2, 1 as unknown as boolean), /^AdaptiveMaxPool1d: returnIndices \(positional 1\) must be a boolean, got number 1$/],
    ['meshgrid with an unknown option', () => T.meshgrid(x, { sparse: true } as T.MeshgridOptions), /^meshgrid: /],
  ];
  it.each(rows)('%s', (_, fn, message) => {
    const before = x.tolist();
    expect(fn).toThrow(message);
    expect(x.tolist()).toEqual(before);
  });
});
