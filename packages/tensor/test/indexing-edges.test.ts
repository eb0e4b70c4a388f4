/**
 * Indexing and scatters at their edges (values are PyTorch's in ops21b-fixtures.test.ts): the
 * bounds of integer and tensor indices and of dims, negative dims, the default of
 * `indexPut_`'s accumulate, a value with leading size-1 dims, and every error naming its
 * function and argument, from a table (what a mutation run of ops/indexing.ts found untested).
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { int64, tensor, zeros } from '@tensile/tensor';
import { throwsWith } from './helpers/throws.js';

const vals = (t: T.Tensor): number[] => Array.from(t.toFloat32Array());
const ix = (...v: number[]) => tensor(v, { dtype: int64 });

describe('bounds', () => {
  const x = () => tensor([10, 20, 30]);
  it('an integer index reaches -size but not -size - 1 or size', () => {
    expect(x().at(-3).item()).toBe(10);
    throwsWith(() => x().at(-4), RangeError, 'at: index -4 is out of bounds for dimension 0 with size 3');
    throwsWith(() => x().at(3), RangeError, 'at: index 3 is out of bounds for dimension 0 with size 3');
  });
  it('an index tensor the same', () => {
    expect(vals(x().at(ix(-3, 2)))).toEqual([10, 30]);
    throwsWith(() => x().at(ix(3)), RangeError, 'at: index 3 is out of bounds for dimension 0 with size 3');
    throwsWith(() => x().at(ix(-4)), RangeError, 'at: index -4 is out of bounds for dimension 0 with size 3');
  });
  it('dims of scatter, scatterAdd and indexAdd reach -ndim; -1 is the last', () => {
    const m = zeros(2, 3);
    const i = tensor([[2], [0]], { dtype: int64 });
    const src = tensor([[1], [2]]);
    expect(vals(T.scatter(m, -1, i, src))).toEqual(vals(T.scatter(m, 1, i, src)));
    expect(vals(T.scatterAdd(m, -2, tensor([[1, 0, 1]], { dtype: int64 }), tensor([[1, 2, 3]])))).toEqual([0, 2, 0, 1, 0, 3]);
    expect(vals(T.indexAdd(m, -1, ix(2), tensor([[1], [2]])))).toEqual([0, 0, 1, 0, 0, 2]);
    throwsWith(() => T.scatter(m, -3, i, src), RangeError, 'scatter: Dimension out of range (expected to be in range of [-2, 1], but got -3)');
    throwsWith(() => T.scatterAdd(m, 2, i, src), RangeError, 'scatterAdd: Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    throwsWith(() => T.indexAdd(m, 1.5, ix(0), src), RangeError, 'indexAdd: Dimension out of range (expected to be in range of [-2, 1], but got 1.5)');
  });
});

describe('assignment', () => {
  it("indexPut_ replaces unless accumulate is asked for (PyTorch's default)", () => {
    expect(vals(tensor([1, 1, 1]).indexPut_([ix(0)], tensor([5])))).toEqual([5, 1, 1]);
    expect(vals(tensor([1, 1, 1]).indexPut_([ix(0)], tensor([5]), true))).toEqual([6, 1, 1]);
  });
  it('a value with extra leading size-1 dims fits (x[0] = t[None, None]); other extra dims do not', () => {
    const x = zeros(2, 3);
    x.setAt(0, tensor([[[1, 2, 3]]]));
    expect(vals(x)).toEqual([1, 2, 3, 0, 0, 0]);
    x.setAt(1, tensor([[7]]));
    expect(vals(x)).toEqual([1, 2, 3, 7, 7, 7]);
    throwsWith(() => x.setAt(0, zeros(2, 3)), T.ShapeError, 'setAt: shape mismatch: value tensor of shape [2,3] cannot be broadcast to indexing result of shape [3]');
  });
});

describe('errors name the function and the argument', () => {
  const m = () => zeros(2, 3);
  const i = () => tensor([[0], [1]], { dtype: int64 });
  it.each<[string, () => unknown, new (...a: never[]) => Error, string | RegExp]>([
    ['at: input', () => T.at([1] as never, 0), TypeError, 'at: input must be a Tensor, got an array'],
    ['setAt: self', () => T.setAt([1] as never, 0, 1), TypeError, 'setAt: self must be a Tensor, got an array'],
    ['setAt: value', () => m().setAt(0, 'a' as never), TypeError, /^setAt: value /],
    ['setAt: index', () => m().setAt(5, 1), RangeError, 'setAt: index 5 is out of bounds for dimension 0 with size 2'],
    ['indexPut_: self', () => T.indexPut_([1] as never, [ix(0)], tensor([1])), TypeError, 'indexPut_: self must be a Tensor, got an array'],
    ['indexPut_: values', () => m().indexPut_([ix(0)], 1 as never), TypeError, 'indexPut_: values must be a Tensor, got number 1'],
    ['indexPut_: indices', () => m().indexPut_([[0] as never], tensor([1])), TypeError, 'indexPut_: indices must be a Tensor, got an array'],
    ['indexPut_: index out of range', () => m().indexPut_([ix(2)], tensor([1])), RangeError, 'indexPut_: index 2 is out of bounds for dimension 0 with size 2'],
    ['indexPut_: values shape', () => m().indexPut_([ix(0)], zeros(4)), T.ShapeError, /^indexPut_: /],
    ['scatter: input', () => T.scatter([1] as never, 0, i(), 1), TypeError, 'scatter: input must be a Tensor, got an array'],
    ['scatter: src', () => T.scatter(m(), 1, i(), 'a' as never), TypeError, 'scatter: src must be a Tensor, got string a'],
    ['scatter: index', () => T.scatter(m(), 1, tensor([[0.5]]), 1), TypeError, /^scatter: index 0.5 is not an i/],
    ['scatter_: index rank', () => m().scatter_(1, ix(0), 1), T.ShapeError, /^scatter: Index tensor must have the same number of dimensions as self tensor/],
    ['scatterAdd: input', () => T.scatterAdd([1] as never, 0, i(), m()), TypeError, 'scatterAdd: input must be a Tensor, got an array'],
    ['scatterAdd: src', () => T.scatterAdd(m(), 0, i(), 1 as never), TypeError, 'scatterAdd: src must be a Tensor, got number 1'],
    ['scatterAdd: index', () => T.scatterAdd(m(), 0, tensor([[5]], { dtype: int64 }), m()), RangeError, /^scatterAdd: index 5 is out of bounds/],
    ['scatterAdd_: index rank', () => m().scatterAdd_(0, ix(0), m()), T.ShapeError, /^scatterAdd: Index tensor must have the same number of dimensions/],
    ['indexAdd: input', () => T.indexAdd([1] as never, 0, ix(0), m()), TypeError, 'indexAdd: input must be a Tensor, got an array'],
    ['indexAdd: source', () => T.indexAdd(m(), 0, ix(0), 1 as never), TypeError, 'indexAdd: source must be a Tensor, got number 1'],
    ['indexAdd: index', () => T.indexAdd(m(), 0, ix(2), zeros(1, 3)), RangeError, /^indexAdd: index 2 is out of (bounds|range)/],
    ['indexAdd: source shape', () => T.indexAdd(m(), 0, ix(0), zeros(2, 3)), T.ShapeError, /^indexAdd: source/],
    ['indexAdd_: source shape', () => m().indexAdd_(0, ix(0), zeros(2, 3)), T.ShapeError, /^indexAdd: source/],
    // the in-place forms name themselves where only they can fail: on a leaf that requires grad
    ['scatter_: a leaf', () => T.randn(2, 3).requiresGrad_().scatter_(1, i(), 1), Error, /scatter_/],
    ['scatterAdd_: a leaf', () => T.randn(2, 3).requiresGrad_().scatterAdd_(1, i(), zeros(2, 1)), Error, /scatterAdd_/],
    ['indexAdd_: a leaf', () => T.randn(2, 3).requiresGrad_().indexAdd_(1, ix(0), zeros(2, 1)), Error, /indexAdd_/],
    ['setAt: a leaf', () => T.randn(2, 3).requiresGrad_().setAt(0, 1), Error, /setAt/],
    ['indexPut_: a leaf', () => T.randn(2, 3).requiresGrad_().indexPut_([ix(0)], tensor([1])), Error, /indexPut_/],
  ])('%s', (_, fn, type, message) => throwsWith(fn, type, message));
});

it('the graph nodes carry the op names', () => {
  const x = T.randn(2, 3).requiresGrad_();
  expect(x.at(0).gradFn!.name).toBe('index');
  expect(x.at(ix(1, 0)).gradFn!.name).toBe('index');
  expect(T.scatter(x, 1, tensor([[0], [1]], { dtype: int64 }), T.randn(2, 1).requiresGrad_()).gradFn!.name).toBe('scatter');
  expect(T.scatterAdd(x, 1, tensor([[0], [1]], { dtype: int64 }), T.randn(2, 1)).gradFn!.name).toBe('scatterAdd');
  expect(T.indexAdd(x, 1, ix(0), T.randn(2, 1)).gradFn!.name).toBe('indexAdd');
});
