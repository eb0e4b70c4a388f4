/**
 * Issue 21's second batch of ops beyond PyTorch's values (replayed in ops21b-fixtures.test.ts):
 * views where PyTorch gives views, assignment under autograd, gradchecks in double, the call
 * forms (positional and options bag alike), and the errors, from a table.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { Generator, autograd, float64, int64, randn, tensor, zeros, type Tensor } from '@tensile/tensor';
import { throwsWith } from './helpers/throws.js';

const gen = new Generator(2121);
const r = (...shape: number[]): Tensor => randn(shape, { generator: gen, dtype: float64 }).requiresGrad_();
const i64 = (data: number[] | number[][]): Tensor => tensor(data, { dtype: int64 });

describe('views and copies, as PyTorch', () => {
  it('basic indexing and split/chunk/unbind are views sharing storage', () => {
    const x = T.arange(12).reshape(3, 4);
    for (const v of [x.at(1), x.at(':, 1:3'), x.at('...', 0), x.at('::2', null), x.split(2)[1]!, x.chunk(2, 1)[0]!, x.unbind(1)[2]!]) {
      expect(v.storage).toBe(x.storage);
    }
    x.at(':, -1').fill_(-1);
    expect(x.toArray()).toEqual([[0, 1, 2, -1], [4, 5, 6, -1], [8, 9, 10, -1]]);
  });
  it('masks and index tensors give copies', () => {
    const x = T.arange(6);
    expect(x.at(x.gt(2)).storage).not.toBe(x.storage);
    expect(x.at(i64([0, 1])).storage).not.toBe(x.storage);
  });
  it('a step slice reads every step-th element, and its gradient lands there', () => {
    const x = r(7);
    x.at('1::3').sum().backward();
    expect(Array.from(x.grad!.toTypedArray() as Float64Array)).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });
  it('slices clamp as Python\'s (never an error), and an empty slice is empty', () => {
    const x = T.arange(5);
    expect(x.at('3:100').toArray()).toEqual([3n, 4n].map(Number));
    expect(x.at('-100:2').toArray()).toEqual([0, 1]);
    expect(x.at('4:2').shape).toEqual([0]);
  });
});

describe('assignment', () => {
  it('x[mask] = v and x[:, idx] = v write in place and bump the version', () => {
    const x = zeros(2, 3);
    const v0 = x.storage.version;
    x.setAt(tensor([[true, false, true], [false, false, true]]), 7);
    x.setAt([':', i64([1])], tensor([[1], [2]]));
    expect(x.toArray()).toEqual([[7, 1, 7], [0, 2, 7]]);
    expect(x.storage.version).toBe(v0 + 2);
  });
  it('an assignment is recorded: the old value\'s gradient is zero where written, the value gets the rest', () => {
    const a = r(2, 3), v = r(3);
    const b = a.mul(2);
    b.setAt(1, v);
    b.mul(b).sum().backward();
    const bb = b.detach();
    expect(Array.from(a.grad!.toTypedArray() as Float64Array, (g) => g + 0)).toEqual([...Array.from(bb.at(0).mul(4).toTypedArray() as Float64Array), 0, 0, 0]);
    expect(Array.from(v.grad!.toTypedArray() as Float64Array)).toEqual(Array.from(bb.at(1).mul(2).toTypedArray() as Float64Array));
  });
  it('a leaf that requires grad is refused, as any in-place op', () => {
    expect(() => r(3).setAt(0, 1)).toThrow(/leaf tensor that requires grad/);
  });
  it('indexPut_ with accumulate adds repeated positions; without it the last write wins', () => {
    expect(zeros(3).indexPut_([i64([0, 0, 2])], tensor([1, 2, 3]), true).toArray()).toEqual([3, 0, 3]);
    expect(zeros(3).indexPut_([i64([0, 0])], tensor([1, 2])).toArray()).toEqual([2, 0, 0]);
  });
  it('scatter_/scatterAdd_/indexAdd_ are the in-place forms', () => {
    const idx = i64([[1, 0]]);
    expect(zeros(1, 2).scatter_(1, idx, tensor([[5, 6]])).toArray()).toEqual([[6, 5]]);
    expect(T.ones(1, 2).scatterAdd_(1, idx, tensor([[5, 6]])).toArray()).toEqual([[7, 6]]);
    expect(T.ones(2).indexAdd_(0, i64([1]), tensor([3]), { alpha: 2 }).toArray()).toEqual([1, 7]);
    expect(zeros(2, 2).scatter(1, i64([[1], [0]]), 2, { reduce: 'add' }).toArray()).toEqual([[0, 2], [2, 0]]);
    expect(T.ones(2, 2).scatter(1, i64([[1], [1]]), 3, { reduce: 'multiply' }).toArray()).toEqual([[1, 3], [1, 3]]);
  });
});

describe('gradcheck in double', () => {
  // no repeated position in a row: scatter's gradient to src is a gather, which a repeated
  // (overwritten) position would contradict, in PyTorch as here
  const idx = i64([[0, 2, 1], [1, 0, 2]]);
  it.each<[string, () => [(...xs: Tensor[]) => Tensor, Tensor[]]]>([
    ['split', () => [(x) => T.stack(x.split([1, 3], 1).map((p) => p.sum(1))), [r(3, 4)]]],
    ['chunk', () => [(x) => x.chunk(3)[2]!.mul(2), [r(7, 2)]]],
    ['repeatInterleave', () => [(x) => T.repeatInterleave(x, i64([2, 0, 3]), 0), [r(3, 2)]]],
    ['sort', () => [(x) => x.sort(1, true).values, [r(3, 5)]]],
    ['topk', () => [(x) => x.topk(2, 0).values, [r(4, 3)]]],
    ['median', () => [(x) => x.median(1).values, [r(3, 5)]]],
    ['at, advanced', () => [(x) => x.at(i64([0, 2, 0]), ':', i64([1, 1, 3])), [r(3, 2, 4)]]],
    ['setAt', () => [(x, v) => x.mul(1).setAt([':', i64([2, 0])], v!), [r(3, 4), r(3, 2)]]],
    ['scatter', () => [(x, s) => T.scatter(x, 1, idx, s!), [r(2, 3), r(2, 3)]]],
    ['scatterAdd, repeated positions', () => [(x, s) => T.scatterAdd(x, 1, i64([[0, 0, 1], [2, 2, 2]]), s!), [r(2, 3), r(2, 3)]]],
    ['indexAdd', () => [(x, s) => T.indexAdd(x, 1, i64([1, 1]), s!, { alpha: -0.5 }), [r(2, 3), r(2, 2)]]],
    ['addmm', () => [(c, a, b) => T.addmm(c, a!, b!, { beta: 0.5, alpha: 2 }), [r(3), r(2, 4), r(4, 3)]]],
    ['baddbmm', () => [(c, a, b) => T.baddbmm(c, a!, b!, { alpha: -1 }), [r(2, 1, 3), r(2, 2, 4), r(2, 4, 3)]]],
    ['norm p=2', () => [(x) => x.norm(2, 1), [r(3, 4)]]],
    ['norm p=3', () => [(x) => T.norm(x, 3, 0, true), [r(3, 4)]]],
    ['norm p=0.5', () => [(x) => T.norm(x, 0.5), [r(3, 4)]]],
    ['vectorNorm inf', () => [(x) => T.linalg.vectorNorm(x, Infinity, 1), [r(3, 4)]]],
    ['einsum attention', () => [(q, k) => T.einsum('bqd,bkd->bqk', q!, k!), [r(2, 3, 4), r(2, 5, 4)]]],
    ['einsum diagonal and sum', () => [(x) => T.einsum('ii->', x!), [r(4, 4)]]],
  ])('%s', (_, make) => {
    const [fn, inputs] = make();
    expect(autograd.gradcheck(fn, inputs)).toBe(true);
  });
  it('the 2-norm\'s gradient at a zero vector is zero, as PyTorch\'s (not NaN)', () => {
    const x = tensor([[0, 0], [3, 4]], { requiresGrad: true });
    x.norm(2, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0], [0.6000000238418579, 0.800000011920929]]);
  });
  it('the inf-norm shares its gradient between tied maxima', () => {
    const x = tensor([3, -4, 4], { requiresGrad: true });
    T.linalg.vectorNorm(x, Infinity).backward();
    expect(x.grad!.toArray()).toEqual([0, -0.5, 0.5]);
  });
});

describe('call forms: positional and options bag give the same result', () => {
  const x = tensor([[3, 1, 2], [0, 5, 4]]);
  const same = (a: Tensor | Tensor[], b: Tensor | Tensor[]): void => {
    const as = Array.isArray(a) ? a : [a], bs = Array.isArray(b) ? b : [b];
    expect(as.map((t) => t.toArray())).toEqual(bs.map((t) => t.toArray()));
  };
  it.each<[string, () => Tensor | Tensor[], () => Tensor | Tensor[]]>([
    ['sort', () => [...x.sort(0, true)], () => [...x.sort({ dim: 0, descending: true })]],
    ['argsort', () => T.argsort(x, 1, true), () => T.argsort(x, { dim: 1, descending: true, stable: true })],
    ['topk', () => [...x.topk(1, 0, false)], () => [...x.topk(1, { dim: 0, largest: false })]],
    ['kthvalue', () => [...x.kthvalue(2, 1, true)], () => [...x.kthvalue(2, { dim: 1, keepdim: true })]],
    ['median', () => [...x.median(0)], () => [...x.median({ dim: 0 })]],
    ['norm', () => x.norm(1, 1, true), () => x.norm({ p: 1, dim: 1, keepdim: true })],
    ['vectorNorm', () => T.linalg.vectorNorm(x, 2, [0, 1]), () => T.linalg.vectorNorm(x, { dim: [0, 1] })],
  ])('%s', (_, a, b) => same(a(), b()));
  it('named tuples destructure, index and name', () => {
    const res = x.topk(2);
    const [values, indices] = res;
    expect(res[0]).toBe(values);
    expect(res.indices).toBe(indices);
    expect(indices.dtype).toBe(int64);
  });
});

describe('errors name the function, the argument and the value', () => {
  const x = T.arange(12).reshape(3, 4);
  it.each<[string, () => unknown, new (...a: never[]) => Error, string | RegExp]>([
    ['split: sizes must add up', () => x.split([1, 1]), RangeError, "split: split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1,1]"],
    ['split: negative size', () => x.split(-1), RangeError, 'split: split expects split_size be non-negative, but got split_size=-1'],
    ['split: 0-d', () => tensor(1).split(1), RangeError, 'split: split expects at least a 1-dimensional tensor'],
    ['chunk: zero chunks', () => x.chunk(0), RangeError, 'chunk: chunk expects `chunks` to be greater than 0, got: 0'],
    ['unbind: 0-d', () => tensor(1).unbind(), RangeError, 'unbind: Dimension specified as 0 but tensor has no dimensions'],
    ['repeatInterleave: wrong count', () => T.repeatInterleave(x, [1, 2], 0), RangeError, /repeats must have the same size as input along dim, but got repeats.size\(0\) = 2 and input.size\(0\) = 3/],
    ['repeatInterleave: negative', () => T.repeatInterleave(x, -1), RangeError, /repeats can not be negative/],
    ['repeatInterleave: unknown option', () => T.repeatInterleave(x, 2, 0, { outputsize: 3 } as never), TypeError, "repeatInterleave: unknown option 'outputsize' (options: outputSize)"],
    ['sort: unknown option', () => x.sort({ descnding: true } as never), TypeError, "sort: unknown option 'descnding' (options: dim, descending, stable)"],
    ['sort: dim type', () => x.sort('1' as never), TypeError, /sort: takes at most|sort: dim/],
    ['topk: k too large', () => x.topk(5), RangeError, 'topk: selected index k out of range (k = 5, dim 1 of size 4)'],
    ['kthvalue: k 0', () => x.kthvalue(0), RangeError, /kthvalue: selected number k out of range for dimension 1/],
    ['at: out of bounds', () => x.at(3), RangeError, 'at: index 3 is out of bounds for dimension 0 with size 3'],
    ['at: too many', () => x.at(0, 0, 0), RangeError, 'at: too many indices for tensor of dimension 2'],
    ['at: zero step', () => x.at('::0'), RangeError, "at: step must be greater than zero, got 0 in '::0'"],
    ['at: two ellipses', () => x.at('...', '...'), SyntaxError, "at: an index can only have a single ellipsis ('...')"],
    ['at: unreadable', () => x.at('a:b'), SyntaxError, "at: slice start 'a' in 'a:b' is not an integer"],
    ['at: mask shape', () => x.at(tensor([true, false])), Error, /at: The shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3\] at index 0/],
    ['at: float64 index', () => x.at(tensor([0], { dtype: float64 })), TypeError, 'at: tensors used as indices must be long, int, byte or bool tensors, got float64'],
    ['at: index out of bounds', () => x.at(i64([0, 7])), RangeError, 'at: index 7 is out of bounds for dimension 0 with size 3'],
    ['setAt: shape', () => zeros(2, 3).setAt(0, zeros(2)), Error, 'setAt: shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of shape [3]'],
    ['indexPut_: dtypes differ', () => zeros(2).indexPut_([i64([0])], tensor([1], { dtype: float64 })), TypeError, 'indexPut_: Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.'],
    ['scatter: rank', () => T.scatter(zeros(2, 3), 1, i64([0]), 1), Error, /scatter: Index tensor must have the same number of dimensions as self tensor/],
    ['scatter: index out of range', () => T.scatter(zeros(2, 3), 1, i64([[3]]), 1), RangeError, 'scatter: index 3 is out of bounds for dimension 1 with size 3'],
    ['scatter: reduce', () => T.scatter(zeros(2, 3), 1, i64([[0]]), 1, { reduce: 'max' as never }), RangeError, 'scatter: reduce argument must be either add or multiply, got max'],
    ['indexAdd: source shape', () => T.indexAdd(zeros(2, 3), 0, i64([0]), zeros(2, 3)), Error, /indexAdd: source \[2,3\] must have the shape of self \[2,3\] with dim 0 of the index's length 1/],
    ['indexAdd: alpha', () => T.indexAdd(zeros(2), 0, i64([0]), zeros(1), { alpha: '2' as never }), TypeError, 'indexAdd: alpha must be a number, got string 2'],
    ['addmm: not a matrix', () => T.addmm(zeros(2), zeros(2), zeros(2, 2)), Error, 'addmm: mat1 must be a matrix, got 1-D tensor'],
    ['addmm: input shape', () => T.addmm(zeros(3), zeros(2, 2), zeros(2, 2)), Error, 'addmm: cannot broadcast [3] with [2,2]'],
    ['addmm: unknown option', () => T.addmm(zeros(2), zeros(2, 2), zeros(2, 2), { gamma: 1 } as never), TypeError, "addmm: unknown option 'gamma' (options: beta, alpha)"],
    ['baddbmm: not 3-d', () => T.baddbmm(zeros(2, 2), zeros(2, 2), zeros(2, 2)), Error, 'baddbmm: batch1 must be a 3D tensor, got shape [2,2]'],
    ['norm: integer input', () => T.norm(x), TypeError, 'norm: Expected a floating point or complex tensor as input. Got Long'],
    ['norm: nuc', () => T.norm(tensor([1]), 'nuc' as never), TypeError, /norm: p \(positional 1\) must be a number or 'fro'/],
    ['vectorNorm: integer dtype', () => T.linalg.vectorNorm(tensor([1]), { dtype: int64 }), TypeError, 'vectorNorm: dtype should be floating point or complex, but got Long'],
    ['einsum: operand count', () => T.einsum('ij,jk->ik', zeros(2, 2)), RangeError, /einsum: more operands were provided than specified/],
    ['einsum: sizes', () => T.einsum('ij,jk->ik', zeros(2, 3), zeros(4, 4)), Error, /einsum: operands do not broadcast.*subscript j has size 4/],
    ['einsum: bad label', () => T.einsum('i1->i', zeros(2, 2)), SyntaxError, /einsum: invalid subscript given at index 1/],
    ['einsum: output label', () => T.einsum('ij->k', zeros(2, 2)), SyntaxError, 'einsum: output subscript k does not appear in the equation for any input operand'],
    ['einsum: dims', () => T.einsum('ijk->i', zeros(2, 2)), Error, /einsum: the number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/],
  ])('%s', (_, fn, type, message) => throwsWith(fn, type, message));
  it('a failed assignment changes nothing', () => {
    const z = T.arange(6).reshape(2, 3);
    const before = z.toArray(), v = z.storage.version;
    expect(() => z.setAt([0, i64([5])], 1)).toThrow(RangeError);
    expect(() => z.setAt(0, zeros(2))).toThrow();
    expect(z.toArray()).toEqual(before);
    expect(z.storage.version).toBe(v);
  });
});
