/**
 * Issue 21's second batch at its edges (beyond the PyTorch fixtures and the error table of
 * ops21b.test.ts): 0-d and empty inputs, several NaNs and ties, index strings in every spelling,
 * broadcast index tensors, assignment of every dtype, einsum's parser, the norms' options.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { float64, int32, int64, tensor, zeros } from '@tensile/tensor';
import { throwsWith } from './helpers/throws.js';

const i64 = (d: number[] | number[][]): T.Tensor => tensor(d, { dtype: int64 });
const vals = (t: T.Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

describe('sort family edges', () => {
  it('two NaNs and ties keep their input order, ascending and descending', () => {
    const x = tensor([2, NaN, 1, NaN, 2, 1]);
    expect(vals(x.sort().indices)).toEqual([2, 5, 0, 4, 1, 3]);
    expect(vals(x.sort({ descending: true }).indices)).toEqual([1, 3, 0, 4, 2, 5]);
    expect(vals(T.argsort(i64([3, 1, 3, 1]), 0, true))).toEqual([0, 2, 1, 3]);
  });
  it('0-d inputs: sort, topk, kthvalue, median, mode give 0-d values and index 0', () => {
    const s = tensor(5);
    expect(s.sort().values.shape).toEqual([]);
    expect(vals(s.sort().indices)).toEqual([0]);
    expect(s.topk(1).values.item()).toBe(5);
    expect(s.kthvalue(1).values.shape).toEqual([]);
    expect(s.median().item()).toBe(5);
    expect(vals(T.mode(s).indices)).toEqual([0]);
  });
  it('topk of 0 elements, and smallest first with largest false', () => {
    expect(tensor([3, 1, 2]).topk(0).values.shape).toEqual([0]);
    expect(vals(tensor([3, 1, 2]).topk(2, 0, false).values)).toEqual([1, 2]);
  });
  it('kthvalue and median keep the dim only with keepdim', () => {
    const x = tensor([[3, 1, 2], [9, 8, 7]]);
    expect(x.kthvalue(1, 1).values.shape).toEqual([2]);
    expect(x.kthvalue(1, 1, true).values.shape).toEqual([2, 1]);
    expect(vals(x.median(1, true).values)).toEqual([2, 8]);
    expect(x.median(0).values.shape).toEqual([3]);
    expect(vals(tensor([4, 1, 3, 2]).median(0).indices)).toEqual([3]);
  });
  it('median of all elements propagates NaN, and takes the lower middle', () => {
    expect(Number.isNaN(tensor([1, NaN, 3]).median().item())).toBe(true);
    expect(tensor([[4, 1], [3, 2]]).median().item()).toBe(2);
  });
  it('mode: the smallest of the most frequent; its last position; each NaN a run of its own', () => {
    expect(vals(T.mode(tensor([3, 1, 3, 1, 2])).values)).toEqual([1]);
    expect(vals(T.mode(tensor([3, 1, 3, 1, 2])).indices)).toEqual([3]);
    expect(vals(T.mode(tensor([[5, 5, 1], [2, 7, 7]]), 1).values)).toEqual([5, 7]);
    expect(T.mode(tensor([[5, 5, 1]]), 1, true).values.shape).toEqual([1, 1]);
    const m = T.mode(tensor([NaN, 1, NaN]));
    expect(Number.isNaN(m.values.item())).toBe(true);
    expect(vals(m.indices)).toEqual([0]); // three runs of one (NaN != NaN): the first wins
    expect(vals(T.mode(tensor([1, 1, NaN])).values)).toEqual([1]);
    expect(vals(T.mode(tensor([-0, 0, 1])).values)).toEqual([0]);
  });
  it('errors: empty median, keepdim without dim, empty mode, a dim in the bag of the wrong type', () => {
    expect(() => T.median(zeros(0))).toThrow('median: cannot compute the median of an empty tensor');
    expect(() => T.median(zeros(2), { keepdim: true })).toThrow('median: keepdim needs dim');
    expect(() => T.median(zeros(2, 0), 1)).toThrow(/median: cannot compute the median along dim 1 of size 0/);
    expect(() => T.mode(zeros(2, 0), 1)).toThrow(/mode: cannot compute the mode along dim 1 of size 0/);
    expect(() => T.sort(zeros(2), { dim: '0' } as never)).toThrow("sort: dim must be a number, got string 0");
    expect(() => T.topk(zeros(2), 1.5)).toThrow('topk: k must be an integer, got 1.5');
    expect(() => T.topk(zeros(2), -1)).toThrow(/topk: selected index k out of range/);
    expect(() => T.kthvalue(zeros(2), 3)).toThrow(/kthvalue: selected number k out of range/);
  });
  it('values carry the gradient to where they came from (topk, kthvalue, median, mode)', () => {
    const x = tensor([[3, 1, 2], [9, 8, 7]], { requiresGrad: true });
    T.stack([x.topk(1).values.sum(), x.kthvalue(2, 1).values.sum(), x.median(1).values.sum(), T.mode(x, 1).values.sum()]).sum().backward();
    expect(vals(x.grad!)).toEqual([1, 1, 2, 1, 2, 1]);
  });
});

describe('indexing edges', () => {
  const x = T.arange(24).reshape(2, 3, 4);
  it('every spelling of an item', () => {
    expect(vals(x.at('1, 2, 3'))).toEqual([23]);
    expect(vals(x.at(' +1 ', '-1', '0'))).toEqual([20]);
    expect(x.at('None, 0, None').shape).toEqual([1, 1, 3, 4]);
    expect(x.at(null, '...', null).shape).toEqual([1, 2, 3, 4, 1]);
    expect(vals(x.at(0, 0, '1:4:2'))).toEqual([1, 3]);
    expect(() => x.at(0, 0, '::-1')).toThrow("at: step must be greater than zero, got -1 in '::-1'");
  });
  it('slices: negative bounds, stop before start, step past the end, a whole dim', () => {
    expect(vals(x.at(0, 0, '-3:-1'))).toEqual([1, 2]);
    expect(x.at(0, 0, '3:1').shape).toEqual([0]);
    expect(vals(x.at(0, 0, '::5'))).toEqual([0]);
    expect(x.at(':').shape).toEqual([2, 3, 4]);
    expect(x.at('...').storage).toBe(x.storage);
  });
  it('index tensors broadcast (size-1 dims), and a mask over two dims', () => {
    const r = x.at(0, i64([[0], [2]]), i64([1, 3]));
    expect(r.shape).toEqual([2, 2]);
    expect(vals(r)).toEqual([1, 3, 9, 11]);
    const m = tensor([[true, false, false], [false, false, true]]);
    expect(vals(x.at(m))).toEqual([0, 1, 2, 3, 20, 21, 22, 23]);
    expect(x.at(':', tensor([true, false, true])).shape).toEqual([2, 2, 4]);
    expect(vals(x.at(0, 0, tensor([1, 3], { dtype: int32 })))).toEqual([1, 3]);
    expect(vals(x.at(0, 0, tensor([3, 1])))).toEqual([3, 1]); // float32 holding integers, as elsewhere
  });
  it('errors: a fractional number, a fractional index tensor, an unknown item, four slice parts, a bad step', () => {
    expect(() => x.at(0.5)).toThrow('at: index 0.5 is not an integer');
    expect(() => x.at(0, 0, tensor([0.5]))).toThrow(/at: index 0.5 is not an integer/);
    expect(() => x.at({} as never)).toThrow(/at: an index must be a number, a slice string, null, a Tensor or a number\[\], got Object/);
    expect(() => x.at('1:2:3:4')).toThrow(/at: cannot read index '1:2:3:4'/);
    expect(() => x.at('::x')).toThrow(/at: slice step 'x' in '::x' is not an integer/);
    expect(() => x.at('abc')).toThrow(/at: cannot read index 'abc'/);
    expect(() => x.at(0, 0, i64([-5]))).toThrow('at: index -5 is out of bounds for dimension 0 with size 4');
  });
  it('assignment of each dtype, bool values, a null index, leading 1-dims of the value', () => {
    const a = zeros([2, 3], { dtype: int64 });
    a.setAt([':', 1], 7);
    expect(vals(a)).toEqual([0, 7, 0, 0, 7, 0]);
    const b = zeros([3], { dtype: T.bool });
    b.setAt(1, true);
    expect(vals(b)).toEqual([0, 1, 0]);
    const c = zeros([2, 3], { dtype: float64 });
    c.indexPut_([null, i64([2])], tensor([[5], [6]], { dtype: float64 }));
    expect(vals(c)).toEqual([0, 0, 5, 0, 0, 6]);
    const d = zeros(3);
    d.setAt(':', tensor([[[1, 2, 3]]]));
    expect(vals(d)).toEqual([1, 2, 3]);
    const e = zeros([4], { dtype: int32 });
    e.indexPut_([i64([1, 1, 3])], tensor([2, 5, 1], { dtype: int32 }), true);
    expect(vals(e)).toEqual([0, 7, 0, 1]);
    const f = zeros([3], { dtype: T.bool });
    f.indexPut_([i64([0, 0])], tensor([true, false]), true);
    expect(vals(f)).toEqual([1, 0, 0]);
    expect(() => zeros(2).indexPut_(i64([0]) as never, zeros(1))).toThrow(/indexPut_: indices must be an array of tensors/);
  });
  it('scatter checks: index larger than self or src along another dim; a number src in int64', () => {
    expect(() => T.scatter(zeros(2, 2), 0, i64([[0, 0, 0]]), zeros(2, 3))).toThrow(/scatter: Expected index \[1,3\] to be smaller than self \[2,2\] apart from dimension 0/);
    expect(() => T.scatterAdd(zeros(2, 3), 0, i64([[0, 0, 0]]), zeros(1, 2))).toThrow(/scatterAdd: Expected index \[1,3\] to be smaller than src \[1,2\]/);
    expect(vals(T.scatter(zeros([3], { dtype: int64 }), 0, i64([2]), 9))).toEqual([0, 0, 9]);
    expect(vals(T.scatter(tensor([1, 2, 3]), 0, i64([2, 2]), 4, { reduce: 'multiply' }))).toEqual([1, 2, 48]);
    expect(vals(T.scatter(tensor([1, 2, 3]), 0, i64([0]), tensor([5]), { reduce: 'add' }))).toEqual([6, 2, 3]);
    expect(vals(T.scatterAdd(zeros([3], { dtype: int64 }), 0, i64([1, 1]), i64([2, 3])))).toEqual([0, 5, 0]);
    expect(() => T.indexAdd(zeros(2), 0, i64([[0]]), zeros(1))).toThrow(/indexAdd: Index is supposed to be a vector/);
    expect(() => T.scatter(zeros(2), 1, i64([0]), 1)).toThrow(/scatter: Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)/);
  });
});

describe('einsum parsing', () => {
  const a = T.randn([2, 3]), b = T.randn([3, 4]);
  it('operands as one array, spaces in the equation, an ellipsis in the middle', () => {
    expect(T.einsum(' i j , j k -> i k ', [a, b]).shape).toEqual([2, 4]);
    expect(T.einsum('a...c->c...a', T.zeros(2, 5, 6, 3)).shape).toEqual([3, 5, 6, 2]);
    expect(T.einsum('...,...->...', T.ones(2, 1), T.ones(3)).shape).toEqual([2, 3]);
  });
  it('errors', () => {
    expect(() => T.einsum('i.j->ij', a)).toThrow(/einsum: found '.' for operand that is not part of any ellipsis/);
    expect(() => T.einsum('...i...->i', a)).toThrow(/einsum: found more than one ellipsis/);
    expect(() => T.einsum('...ijk->i', a)).toThrow(/einsum: the number of subscripts in the equation \(3\) is more than the number of dimensions \(2\) for operand 0/);
    expect(() => T.einsum('ij->i->j', a)).toThrow(/einsum: more than one '->'/);
    expect(() => T.einsum('ij->ii', a)).toThrow(/einsum: output subscript i appears more than once/);
    expect(() => T.einsum('...j->j', T.zeros(2, 3))).toThrow(/einsum: the output subscripts need '...'/);
    expect(() => T.einsum('ii->i', a)).toThrow(/einsum: subscript i is repeated for operand but the sizes don't match, 2 != 3/);
    expect(() => T.einsum(3 as never, a)).toThrow('einsum: equation must be a string, got number 3');
    expect(() => T.einsum('i')).toThrow('einsum: must provide at least one operand');
  });
});

describe('norm options', () => {
  it('dtype: computed in the asked floating dtype', () => {
    expect(T.linalg.vectorNorm(tensor([3, 4]), { dtype: float64 }).dtype).toBe(float64);
    expect(T.norm(tensor([3, 4]), { dtype: 'float64' }).dtype).toBe(float64);
  });
  it('orders -Infinity and 0, and their gradients (0 for the count)', () => {
    const x = tensor([[3, -1, 0], [2, 5, -4]], { requiresGrad: true });
    expect(vals(T.linalg.vectorNorm(x, -Infinity, 1))).toEqual([0, 2]);
    const n0 = T.linalg.vectorNorm(x, 0, 1);
    expect(vals(n0)).toEqual([2, 3]);
    n0.sum().backward();
    expect(vals(x.grad!).map((v) => v + 0)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('1 < p < 2 has its own gradient formula (sign(x)|x|^(p-1)): gradcheck in double', () => {
    const x = tensor([[0.5, -2, 1.5], [3, -0.25, 1]], { dtype: float64, requiresGrad: true });
    expect(T.autograd.gradcheck((v) => T.norm(v!, 1.5, 1), [x])).toBe(true);
    expect(T.autograd.gradcheck((v) => T.linalg.vectorNorm(v!, 2.5), [x])).toBe(true);
  });
  it('p < 1 at a zero element: a zero gradient there, as PyTorch', () => {
    const x = tensor([0, 4, 1], { requiresGrad: true });
    T.norm(x, 0.5).backward();
    expect(vals(x.grad!)[0]).toBe(0);
    expect(Number.isFinite(vals(x.grad!)[1]!)).toBe(true);
  });
  it('errors: NaN ord, negative ord of an empty tensor, fro over three dims', () => {
    expect(() => T.linalg.vectorNorm(tensor([1]), NaN)).toThrow(/vectorNorm: ord must be a number, got number NaN/);
    expect(() => T.linalg.vectorNorm(zeros(0), -1)).toThrow(/vectorNorm: the norm of order -1 of an empty tensor is not defined/);
    expect(() => T.norm(zeros(2, 2, 2), 'fro', [0, 1, 2])).toThrow(/norm: 'fro' takes at most two dims, got 3/);
    expect(T.norm(zeros(2, 2, 2), 'fro', 0).shape).toEqual([2, 2]);
  });
});

describe('repeatInterleave edges', () => {
  it('a 0-d input, a 1-element repeats tensor, outputSize', () => {
    expect(vals(T.repeatInterleave(tensor(3), 2))).toEqual([3, 3]);
    expect(vals(T.repeatInterleave(tensor([1, 2]), i64([3]), 0))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(vals(T.repeatInterleave(tensor([1, 2]), [1, 2], 0, { outputSize: 3 }))).toEqual([1, 2, 2]);
    expect(() => T.repeatInterleave(tensor([1, 2]), [1, 2], 0, { outputSize: 4 })).toThrow(/repeatInterleave: allocated size does not match required size/);
    expect(() => T.repeatInterleave(tensor([1, 2]), 1.5)).toThrow('repeatInterleave: repeats must be an integer, got number 1.5');
    expect(() => T.repeatInterleave(tensor([1, 2]), i64([[1, 2]]), 0)).toThrow(/repeatInterleave: repeats must be 0-dim or 1-dim tensor/);
  });
  it('split and chunk: 0-sized dims', () => {
    expect(T.split(zeros(0), 0).length).toBe(1);
    expect(T.chunk(zeros(0), 3).length).toBe(3);
    expect(() => T.split(zeros(2), 1.5)).toThrow('split: split_size must be an integer, got number 1.5');
    expect(() => T.split(zeros(2), [1, -1] as never)).toThrow(/split: split_size_or_sections must be a non-negative integer or an array of them/);
    expect(() => T.chunk(zeros(2), 1.5)).toThrow('chunk: chunks must be an integer, got number 1.5');
  });
});

describe('the order statistics name themselves and the argument in every error', () => {
  // each op with its own required arguments before the trailing (dim, ...) ones
  const ops: [name: string, call: (x: unknown, ...rest: unknown[]) => unknown][] = [
    ['sort', (x, ...r) => T.sort(x as T.Tensor, ...(r as [])),],
    ['argsort', (x, ...r) => T.argsort(x as T.Tensor, ...(r as []))],
    ['topk', (x, ...r) => T.topk(x as T.Tensor, 1, ...(r as []))],
    ['kthvalue', (x, ...r) => T.kthvalue(x as T.Tensor, 1, ...(r as []))],
    ['median', (x, ...r) => (r.length === 0 ? T.median(x as T.Tensor, 0) : T.median(x as T.Tensor, ...(r as [])))],
    ['mode', (x, ...r) => T.mode(x as T.Tensor, ...(r as []))],
  ];
  const rows = ops.flatMap(([op, call]) => [
    [`${op}: input not a tensor`, () => call([3, 1, 2]), TypeError, `${op}: input must be a Tensor, got an array`] as const,
    [`${op}: dim out of range`, () => call(tensor([3, 1, 2]), 2), RangeError, new RegExp(`^${op}: dim 2 out of range for a 1-d tensor`)] as const,
    [`${op}: dim not a number`, () => call(tensor([3, 1, 2]), 'x'), TypeError, new RegExp(`^${op}: dim \\(positional 1\\) must be`)] as const,
  ]);
  it.each(rows)('%s', (_, fn, type, message) => throwsWith(fn, type, message));
  it("topk's sorted flag is checked by name", () => {
    throwsWith(() => T.topk(tensor([3, 1, 2]), 1, 0, true, 'yes' as never), TypeError, /^topk: sorted \(positional 3\) must be a boolean/);
  });
});

it("each order statistic's values are a graph node named after it (gradFn.name)", () => {
  const x = T.randn(3, 4).requiresGrad_();
  expect(x.sort().values.gradFn!.name).toBe('sort');
  expect(x.topk(2).values.gradFn!.name).toBe('topk');
  expect(x.kthvalue(2, 1, true).values.gradFn!.name).toBe('kthvalue');
  expect(x.median(1, true).values.gradFn!.name).toBe('median');
  expect(T.mode(x, 1, true).values.gradFn!.name).toBe('mode');
});

describe('norm and vectorNorm: defaults, and errors naming the function and argument', () => {
  const x = () => T.randn(3, 4);
  it('keepdim is false unless asked; p defaults to fro', () => {
    expect(x().norm(2, 1).shape).toEqual([3]);
    expect(T.norm(x(), 2, 1, true).shape).toEqual([3, 1]);
    expect(T.linalg.vectorNorm(x(), 2, 1).shape).toEqual([3]);
    const y = tensor([[3, 4], [0, 0]]);
    expect(T.norm(y).item()).toBe(5);
  });
  it.each<[string, () => unknown, new (...a: never[]) => Error, string | RegExp]>([
    ['vectorNorm: input', () => T.linalg.vectorNorm([1, 2] as never), TypeError, 'vectorNorm: input must be a Tensor, got an array'],
    ['vectorNorm: ord a string', () => T.linalg.vectorNorm(x(), '2' as never), TypeError, /^vectorNorm: ord \(positional 1\) must be a number, got /],
    ['vectorNorm: ord NaN', () => T.linalg.vectorNorm(x(), NaN), TypeError, 'vectorNorm: ord must be a number, got number NaN'],
    ['vectorNorm: ord in the bag a string', () => T.linalg.vectorNorm(x(), { ord: 'inf' as never }), TypeError, /^vectorNorm: ord must be a number, got /],
    ['vectorNorm: dim a string', () => T.linalg.vectorNorm(x(), 2, 'a' as never), TypeError, /^vectorNorm: dim \(positional 2\) must be an integer, a list of them or null, got /],
    ['vectorNorm: dtype not a dtype', () => T.linalg.vectorNorm(x(), { dtype: 'int64' }), TypeError, 'vectorNorm: dtype should be floating point or complex, but got Long'],
    ['vectorNorm: negative order of empty', () => T.linalg.vectorNorm(T.zeros(0), -1), RangeError, 'vectorNorm: the norm of order -1 of an empty tensor is not defined'],
    ['norm: input', () => T.norm([1, 2] as never), TypeError, 'norm: input must be a Tensor, got an array'],
    ['norm: fro over three dims', () => T.norm(T.zeros(2, 2, 2), 'fro', [0, 1, 2]), RangeError, "norm: 'fro' takes at most two dims, got 3"],
    ['norm: p=2 of an integer tensor', () => T.norm(T.arange(3), 2, 0), TypeError, 'norm: Expected a floating point or complex tensor as input. Got Long'],
  ])('%s', (_, fn, type, message) => throwsWith(fn, type, message));
});
