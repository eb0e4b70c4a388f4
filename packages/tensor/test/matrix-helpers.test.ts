/**
 * `diag`, `diagonal`, `trace`, `mm`, `mv`, `dot`, the `T`/`mT` views and PyTorch's other names
 * (`clampMin`, `swapaxes`, `concat`, `reshapeAs`, `typeAs`, `nelement`, ...): values and gradients
 * as PyTorch 1.13 printed them (`/usr/bin/python3`; integer-valued inputs, so every result is
 * exact), and refusals with PyTorch's messages.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const list = (t: T.Tensor): unknown => t.tolist();

describe('diagonal, diag, trace', () => {
  it('diagonal(x, 1, 0, 2) of a [2, 3, 4] tensor is a view; its gradient lands on the diagonal', () => {
    const x = T.arange(24).float().reshape(2, 3, 4).requiresGrad_();
    const d = T.diagonal(x, 1, 0, 2);
    expect(list(d)).toEqual([[1, 14], [5, 18], [9, 22]]);
    expect(d.storage).toBe(x.storage);
    d.backward(T.arange(6).float().reshape(3, 2));
    expect(list(x.grad!)).toEqual([[[0, 0, 0, 0], [0, 2, 0, 0], [0, 4, 0, 0]], [[0, 0, 1, 0], [0, 0, 3, 0], [0, 0, 5, 0]]]);
  });

  it('a diagonal below the main one; one past the matrix is empty', () => {
    const x = T.arange(12).float().reshape(3, 4).requiresGrad_();
    const d = x.diagonal(-1);
    expect(list(d)).toEqual([4, 9]);
    d.backward(T.tensor([5, 7]));
    expect(list(x.grad!)).toEqual([[0, 0, 0, 0], [5, 0, 0, 0], [0, 7, 0, 0]]);
    expect([...T.diagonal(x, 4).shape]).toEqual([0]);
    expect([...T.diagonal(x, -3).shape]).toEqual([0]);
  });

  it('a diagonal of a non-contiguous view reads through its strides', () => {
    const x = T.arange(12).float().reshape(3, 4).t(); // [4, 3], strides [1, 4]
    expect(list(T.diagonal(x))).toEqual([0, 5, 10]);
    expect(list(T.diagonal(x, -1))).toEqual([1, 6, 11]);
    expect(list(T.diagonal(x, 2))).toEqual([8]); // x[0][2] = 8: offset 2 · stride 4
    expect(list(T.diagonal(T.arange(12).float().reshape(4, 3), 2))).toEqual([2]);
  });

  it('an empty diagonal starts where the tensor does (PyTorch: the base offset)', () => {
    const x = T.arange(12).float().reshape(3, 4).narrow(0, 1, 2); // offset 4
    expect(T.diagonal(x, 5).offset).toBe(x.offset);
    expect(T.diagonal(x, -3).offset).toBe(x.offset);
    expect(T.diagonal(x, 1).offset).toBe(5);
  });

  it('diag of a vector is a square matrix with it on a diagonal, and its gradient reads that diagonal back', () => {
    const v = T.tensor([1, 2, 3], { requiresGrad: true });
    const m = T.diag(v, -1);
    expect(list(m)).toEqual([[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]);
    m.backward(T.arange(16).float().reshape(4, 4));
    expect(list(v.grad!)).toEqual([4, 9, 14]);
    expect(list(T.diag(T.tensor([1, 2]), 1))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
  });

  it('diag of a matrix is a copy of its diagonal; integer dtypes stay', () => {
    const x = T.arange(9).reshape(3, 3);
    const d = x.diag();
    expect(d.dtype).toBe(T.int64);
    expect(list(d)).toEqual([0, 4, 8]);
    expect(d.storage).not.toBe(x.storage);
    expect(list(T.diag(T.arange(9).float().reshape(3, 3), -1))).toEqual([3, 7]);
    expect(list(T.diag(T.tensor([1, 2], { dtype: T.int64 })))).toEqual([[1, 0], [0, 2]]);
  });

  it('trace sums the main diagonal (int64 for integers); its gradient is the identity', () => {
    const a = T.arange(9).float().reshape(3, 3).requiresGrad_();
    const t = T.trace(a);
    expect(t.item()).toBe(12);
    t.backward();
    expect(list(a.grad!)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const i = T.arange(6).reshape(3, 2).trace();
    expect(i.dtype).toBe(T.int64);
    expect(i.item()).toBe(3);
  });
});

describe('mm, mv, dot, bmm as methods', () => {
  it('mv and its gradients', () => {
    const a = T.arange(6).float().reshape(2, 3).requiresGrad_();
    const v = T.tensor([1, -1, 2], { requiresGrad: true });
    const r = T.mv(a, v);
    expect(list(r)).toEqual([3, 9]);
    r.backward(T.tensor([1, 3]));
    expect(list(a.grad!)).toEqual([[1, -1, 2], [3, -3, 6]]);
    expect(list(v.grad!)).toEqual([9, 13, 17]);
  });

  it('dot and its gradients; integers stay integers', () => {
    const a = T.tensor([1, 2, 3], { requiresGrad: true }), b = T.tensor([4, -5, 6], { requiresGrad: true });
    const r = a.dot(b);
    expect(r.ndim).toBe(0);
    expect(r.item()).toBe(12);
    r.backward();
    expect(list(a.grad!)).toEqual([4, -5, 6]);
    expect(list(b.grad!)).toEqual([1, 2, 3]);
    const i = T.dot(T.tensor([1, 2], { dtype: T.int64 }), T.tensor([3, 4], { dtype: T.int64 }));
    expect([i.dtype, i.item()]).toEqual([T.int64, 11]);
  });

  it('mm and the bmm method are the products', () => {
    expect(list(T.mm(T.arange(6).float().reshape(2, 3), T.ones([3, 1])))).toEqual([[3], [12]]);
    expect([...T.ones([5, 2, 3]).bmm(T.ones([5, 3, 4])).shape]).toEqual([5, 2, 4]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['mm of a vector', () => T.mm(T.ones([3]), T.ones([3, 3])), /mm: self must be a matrix/],
    ['mm of a vector as mat2', () => T.ones([3, 3]).mm(T.ones([3])), /mm: mat2 must be a matrix/],
    ['mm of mismatched shapes', () => T.mm(T.ones([2, 3]), T.ones([2, 3])), /mm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/],
    ['mv of mismatched sizes', () => T.mv(T.ones([2, 3]), T.ones([2])), /mv: size mismatch, got \[2,3\] @ \[2\]/],
    ['mv of a matrix as the vector', () => T.mv(T.ones([2, 3]), T.ones([3, 1])), /mv: expected a matrix and a vector/],
    ['mv of a 3-d tensor', () => T.mv(T.ones([1, 2, 3]), T.ones([3])), /mv: expected a matrix and a vector/],
    ['dot of a matrix', () => T.dot(T.ones([2, 2]), T.ones([2])), /dot: 1D tensors expected, but got 2D and 1D tensors/],
    ['dot by a matrix', () => T.dot(T.ones([2]), T.ones([2, 2])), /dot: 1D tensors expected, but got 1D and 2D tensors/],
    ['dot of different lengths', () => T.dot(T.ones([3]), T.ones([2])), /dot: inconsistent tensor size, expected tensor \[3\] and src \[2\]/],
    ['dot of two dtypes', () => T.dot(T.ones([3]), T.ones([3], { dtype: T.float64 })), /dot: expected both vectors to have same dtype, but found float32 and float64/],
    ['diag of a 3-d tensor', () => T.diag(T.ones([2, 2, 2])), /diag: matrix or a vector expected, got shape \[2,2,2\]/],
    ['diag with a fractional diagonal', () => T.diag(T.ones([2]), 0.5), /diag: diagonal must be an integer, got 0.5/],
    ['diagonal over one dim twice', () => T.diagonal(T.ones([2, 2]), 0, 1, 1), /diagonal: diagonal dimensions cannot be identical 1, 1/],
    ['diagonal over a dim out of range', () => T.diagonal(T.ones([2, 2]), 0, 0, 2), /diagonal/],
    ['trace of a vector', () => T.trace(T.ones([3])), /trace: expected a matrix, but got tensor with dim 1/],
    ['mT of a vector', () => T.ones([3]).mT, /tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor./],
    ['mm of a number', () => T.mm(2 as never, T.ones([2, 2])), /mm: input must be a Tensor, got number 2/],
    ['mm by a number', () => T.mm(T.ones([2, 2]), 2 as never), /mm: mat2 must be a Tensor, got number 2/],
    ['mv of a number', () => T.mv(2 as never, T.ones([2])), /mv: input must be a Tensor, got number 2/],
    ['mv by an array', () => T.mv(T.ones([2, 2]), [1, 2] as never), /mv: vec must be a Tensor/],
    ['dot of a number', () => T.dot(2 as never, T.ones([2])), /dot: input must be a Tensor, got number 2/],
    ['dot by a number', () => T.dot(T.ones([2]), 2 as never), /dot: other must be a Tensor, got number 2/],
    ['diagonal of a number', () => T.diagonal(2 as never), /diagonal: input must be a Tensor, got number 2/],
    ['diagonal with a fractional offset', () => T.diagonal(T.ones([2, 2]), 0.5), /diagonal: offset must be an integer, got 0.5/],
    ['diagonal with dim2 out of range', () => T.diagonal(T.ones([2, 2]), 0, 0, 5), /diagonal: dim2/],
    ['diagonal with dim1 out of range', () => T.diagonal(T.ones([2, 2]), 0, 3, 1), /diagonal: dim1/],
    ['diag of a number', () => T.diag(2 as never), /diag: input must be a Tensor, got number 2/],
    ['trace of a number', () => T.trace(2 as never), /trace: input must be a Tensor, got number 2/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});

describe('T, mT and the other names', () => {
  it('T reverses the dims and mT swaps the last two, both views (PyTorch: strides (1, 4, 12) and (12, 1, 4))', () => {
    const x = T.arange(24).float().reshape(2, 3, 4);
    expect([...x.T.shape, ...x.T.strides]).toEqual([4, 3, 2, 1, 4, 12]);
    expect([...x.mT.shape, ...x.mT.strides]).toEqual([2, 4, 3, 12, 1, 4]);
    expect(x.T.storage).toBe(x.storage);
    const m = T.arange(6).float().reshape(2, 3).requiresGrad_();
    m.T.mul(T.tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    expect(list(m.grad!)).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect([...T.ones([3]).T.shape]).toEqual([3]);
    expect(T.tensor(2).T.item()).toBe(2);
  });

  it('clampMin, clampMax, swapaxes/swapdims, concat/concatenate, where as a method', () => {
    const x = T.tensor([-2, 0.5, 3]);
    expect(list(T.clampMin(x, 0))).toEqual([0, 0.5, 3]);
    expect(list(x.clampMin(0))).toEqual([0, 0.5, 3]);
    expect(list(T.clampMax(x, 1))).toEqual([-2, 0.5, 1]);
    expect(list(x.clampMax(1))).toEqual([-2, 0.5, 1]);
    expect([...T.swapaxes(T.zeros([2, 3, 4]), 0, 2).shape]).toEqual([4, 3, 2]);
    expect([...T.swapdims(T.zeros([2, 3, 4]), 0, 1).shape]).toEqual([3, 2, 4]);
    expect([...T.zeros([2, 3]).swapaxes(0, 1).shape, ...T.zeros([2, 3]).swapdims(1, 0).shape]).toEqual([3, 2, 3, 2]);
    expect(list(T.concat([T.tensor([1]), T.tensor([2, 3])]))).toEqual([1, 2, 3]);
    expect(list(T.concatenate([T.ones([1, 2]), T.zeros([1, 2])], 1))).toEqual([[1, 1, 0, 0]]);
    expect(list(x.where(x.gt(0), T.tensor(9)))).toEqual([9, 0.5, 3]);
  });

  it('reshapeAs, typeAs, nelement, ndimension', () => {
    const x = T.arange(6);
    expect([...x.reshapeAs(T.zeros([2, 3])).shape]).toEqual([2, 3]);
    expect(x.typeAs(T.zeros([1], { dtype: T.float64 })).dtype).toBe(T.float64);
    expect([x.nelement(), T.zeros([2, 3, 4]).nelement(), T.zeros([2, 3]).ndimension()]).toEqual([6, 24, 2]);
  });

  it('softmax and logSoftmax at the top level are F\'s', () => {
    const x = T.tensor([[1, 2, 3]]);
    expect(list(T.softmax(x, 1))).toEqual(list(T.F.softmax(x, 1)));
    expect(list(T.logSoftmax(x, -1))).toEqual(list(T.F.logSoftmax(x, -1)));
  });
});
