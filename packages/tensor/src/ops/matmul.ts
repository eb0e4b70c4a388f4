import { record } from '../autograd.js';
import { ShapeError } from '../errors.js';
import { K } from '../kernels/index.js';
import { broadcastShapes, fmt, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './binary.js';
import { zerosLike } from './creation.js';
import { checkOptions } from '../options.js';
import { sum } from './reduce.js';
import { describe, empty, expectTensor } from './util.js';
import { bool, float64 } from '../dtype.js';

/** PyTorch's check (its message): both operands of a product in one dtype. */
export function sameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype.cName.toLowerCase()} != ${b.dtype.cName.toLowerCase()}`);
  }
}

/**
 * `C = A · B` in doubles for each of `batch` matrices (A, B strided through their last two
 * strides, C contiguous): float64's product. Each C element sums its K products in order, in
 * double (a BLAS may order them otherwise: within a few ulps).
 */
function matmul64(a: Tensor, aBs: number, b: Tensor, bBs: number, c: Float64Array, batch: number, M: number, N: number, K: number): void {
  const A = a.storage.data as Float64Array, B = b.storage.data as Float64Array;
  const aRs = a.strides[1]!, aCs = a.strides[2]!, bRs = b.strides[1]!, bCs = b.strides[2]!;
  for (let p = 0; p < batch; p++) {
    const ao = a.offset + p * aBs, bo = b.offset + p * bBs, co = p * M * N;
    for (let i = 0; i < M; i++) {
      const row = co + i * N;
      for (let k = 0; k < K; k++) {
        const av = A[ao + i * aRs + k * aCs]!;
        const bk = bo + k * bRs;
        for (let j = 0; j < N; j++) c[row + j] = c[row + j]! + av * B[bk + j * bCs]!;
      }
    }
  }
}

/**
 * Batched matrix product of 3-D tensors `[B, M, K] @ [B, K, N]` (a batch of 1 broadcasts).
 * Reads both operands through their strides, so transposed views cost no copy.
 *
 * @example
 * ```ts
 * import { bmm, ones } from '@tensile/tensor';
 * bmm(ones([5, 2, 3]), ones([5, 3, 4])).shape; // [5, 2, 4]
 * ```
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  expectTensor('bmm', 'input', a);
  expectTensor('bmm', 'mat2', b);
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError(`bmm: expects 3-d tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const [Ba, M, Ka] = a.shape as [number, number, number];
  const [Bb, Kb, N] = b.shape as [number, number, number];
  if (Ka !== Kb) throw new ShapeError(`bmm: inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)}`);
  if (Ba !== Bb && Ba !== 1 && Bb !== 1) throw new ShapeError(`bmm: batch sizes differ: ${fmt(a.shape)} @ ${fmt(b.shape)}`);
  const batch = Math.max(Ba, Bb);
  sameDType('bmm', a, b);
  if (a.dtype === float64) {
    const out = empty([batch, M, N], float64);
    matmul64(a, Ba === 1 ? 0 : a.strides[0]!, b, Bb === 1 ? 0 : b.strides[0]!, out.storage.data as Float64Array, batch, M, N, Ka);
    return recordBmm(out, a, b, Ba, Bb, batch);
  }
  const out = empty([batch, M, N]);
  K().matmul(
    a._f32('matmul'), a.offset, Ba === 1 ? 0 : a.strides[0]!, a.strides[1]!, a.strides[2]!,
    b._f32('matmul'), b.offset, Bb === 1 ? 0 : b.strides[0]!, b.strides[1]!, b.strides[2]!,
    out.storage.data as Float32Array, batch, M, N, Ka,
  );
  return recordBmm(out, a, b, Ba, Bb, batch);
}

function recordBmm(out: Tensor, a: Tensor, b: Tensor, Ba: number, Bb: number, batch: number): Tensor {
  return record('bmm', out, [a, b], (g) => {
    let ga = a.requiresGrad ? bmm(g, b.transpose(1, 2)) : null;
    let gb = b.requiresGrad ? bmm(a.transpose(1, 2), g) : null;
    if (ga && Ba === 1 && batch > 1) ga = sum(ga, 0, true);
    if (gb && Bb === 1 && batch > 1) gb = sum(gb, 0, true);
    return [ga, gb];
  }, [a, b]);
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, 1-D operands gain and lose
 * a dim, leading (batch) dims broadcast.
 *
 * @example
 * ```ts
 * import { matmul, ones } from '@tensile/tensor';
 * matmul(ones([2, 3]), ones([3, 4])).shape;       // [2, 4]
 * matmul(ones([5, 2, 3]), ones([3, 4])).shape;    // [5, 2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', 'input', a);
  expectTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const ka = a.shape[a.ndim - 1]!;
  const kb = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (ka !== kb) throw new ShapeError(`matmul: inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)}`);

  if (a.ndim === 1 && b.ndim === 1) {
    // the products' own path refuses bool (below); this one composes ops that would compute it
    if (a.dtype === bool || b.dtype === bool) throw new TypeError(`matmul: "dot" not implemented for 'Bool'`);
    return sum(mul(a, b));
  }
  if (a.ndim === 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.ndim === 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
  if (a.ndim === 2 && b.ndim === 2) return bmm(a.unsqueeze(0), b.unsqueeze(0)).squeeze(0);
  if (b.ndim === 2) {
    // Fold a's batch dims into its rows: one large product instead of many small ones.
    const batch = a.shape.slice(0, -2);
    const M = a.shape[a.ndim - 2]!;
    const r = bmm(a.reshape([1, numel(batch) * M, ka]), b.unsqueeze(0));
    return r.reshape([...batch, M, b.shape[1]!]);
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const n = numel(batch);
  const M = a.shape[a.ndim - 2]!, N = b.shape[b.ndim - 1]!;
  const a3 = a.expand([...batch, M, ka]).reshape([n, M, ka]);
  const b3 = b.expand([...batch, kb, N]).reshape([n, kb, N]);
  return bmm(a3, b3).reshape([...batch, M, N]);
}

/**
 * The outer product of two 1-d tensors, `out[i][j] = a[i] · b[j]` (PyTorch's `outer`: a broadcast
 * `mul`, so dtypes promote and the gradient comes with it).
 * @example
 * ```ts
 * import { outer, tensor } from '@tensile/tensor';
 * outer(tensor([1, 2]), tensor([3, 4, 5])); // tensor([[ 3.,  4.,  5.], [ 6.,  8., 10.]])
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  expectTensor('outer', 'input', a);
  expectTensor('outer', 'vec2', b);
  if (a.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D (shape ${fmt(a.shape)})`);
  if (b.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D (shape ${fmt(b.shape)})`);
  return mul(a.reshape(a.shape[0]!, 1), b);
}

/**
 * Matrix product of two 2-D tensors, without broadcasting: PyTorch's `torch.mm`.
 *
 * @example
 * ```ts
 * import { mm, ones } from '@tensile/tensor';
 * mm(ones([2, 3]), ones([3, 4])).shape; // [2, 4]
 * ```
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  expectTensor('mm', 'input', a);
  expectTensor('mm', 'mat2', b);
  if (a.ndim !== 2) throw new ShapeError(`mm: self must be a matrix, got shape ${fmt(a.shape)}`);
  if (b.ndim !== 2) throw new ShapeError(`mm: mat2 must be a matrix, got shape ${fmt(b.shape)}`);
  if (a.shape[1] !== b.shape[0]) throw new ShapeError(`mm: mat1 and mat2 shapes cannot be multiplied (${a.shape.join('x')} and ${b.shape.join('x')})`);
  return matmul(a, b);
}

/**
 * Product of a matrix `[n, m]` and a vector `[m]`, a vector `[n]`: PyTorch's `torch.mv`.
 *
 * @example
 * ```ts
 * import { mv, ones, tensor } from '@tensile/tensor';
 * mv(ones([2, 3]), tensor([1, 2, 3])); // tensor([6., 6.])
 * ```
 */
export function mv(a: Tensor, v: Tensor): Tensor {
  expectTensor('mv', 'input', a);
  expectTensor('mv', 'vec', v);
  if (a.ndim !== 2 || v.ndim !== 1) throw new ShapeError(`mv: expected a matrix and a vector, got shapes ${fmt(a.shape)} and ${fmt(v.shape)}`);
  if (a.shape[1] !== v.shape[0]) throw new ShapeError(`mv: size mismatch, got ${fmt(a.shape)} @ ${fmt(v.shape)}`);
  return matmul(a, v);
}

/**
 * Inner product of two 1-D tensors of one dtype and length, a 0-d tensor: PyTorch's
 * `torch.dot` (no broadcasting, no type promotion).
 *
 * @example
 * ```ts
 * import { dot, tensor } from '@tensile/tensor';
 * dot(tensor([1, 2]), tensor([3, 4])); // tensor(11.)
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  expectTensor('dot', 'input', a);
  expectTensor('dot', 'other', b);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  if (a.dtype !== b.dtype) throw new TypeError(`dot: expected both vectors to have same dtype, but found ${a.dtype.name} and ${b.dtype.name}`);
  if (a.dtype === bool) throw new TypeError(`dot: "dot" not implemented for 'Bool'`);
  return matmul(a, b);
}

/** PyTorch's keyword-only scalars of `addmm`, `baddbmm`, `addmv`, ...: `beta * input + alpha * product`. */
export interface AddProductOptions {
  beta?: number;
  alpha?: number;
}

function addProduct(op: string, input: Tensor, product: Tensor, options: AddProductOptions): Tensor {
  const { beta = 1, alpha = 1 } = checkOptions(op, options, ['beta', 'alpha']);
  if (typeof beta !== 'number') throw new TypeError(`${op}: beta must be a number, got ${describe(beta)}`);
  if (typeof alpha !== 'number') throw new TypeError(`${op}: alpha must be a number, got ${describe(alpha)}`);
  const shape = broadcastShapes(op, input.shape, product.shape);
  if (shape.length !== product.ndim || shape.some((d, i) => d !== product.shape[i])) {
    throw new ShapeError(`${op}: input of shape ${fmt(input.shape)} does not broadcast to the product's shape ${fmt(product.shape)}`);
  }
  const p = alpha === 1 ? product : mul(product, alpha);
  // beta = 0 ignores input (NaN and Inf in it do not propagate), as PyTorch's.
  if (beta === 0) return add(p, mul(zerosLike(input), 0));
  return add(beta === 1 ? input : mul(input, beta), p);
}

/**
 * `beta * input + alpha * (mat1 @ mat2)` for 2-d `mat1`, `mat2` (PyTorch's `addmm`; `input`
 * broadcasts to the product's shape; `beta: 0` ignores it).
 * @example
 * ```ts
 * import { addmm, ones, zeros } from '@tensile/tensor';
 * addmm(ones(3), ones(2, 4), ones(4, 3), { alpha: 0.5 }); // every element 1 + 0.5 * 4 = 3
 * ```
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddProductOptions = {}): Tensor {
  expectTensor('addmm', 'input', input);
  expectTensor('addmm', 'mat1', mat1);
  expectTensor('addmm', 'mat2', mat2);
  if (mat1.ndim !== 2) throw new ShapeError(`addmm: mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new ShapeError(`addmm: mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  return addProduct('addmm', input, matmul(mat1, mat2), options);
}

/**
 * `beta * input + alpha * bmm(batch1, batch2)` for 3-d batches (PyTorch's `baddbmm`).
 * @example
 * ```ts
 * import { baddbmm, ones, zeros } from '@tensile/tensor';
 * baddbmm(zeros(2, 3, 5), ones(2, 3, 4), ones(2, 4, 5)).shape; // [2, 3, 5]
 * ```
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: AddProductOptions = {}): Tensor {
  expectTensor('baddbmm', 'input', input);
  expectTensor('baddbmm', 'batch1', batch1);
  expectTensor('baddbmm', 'batch2', batch2);
  if (batch1.ndim !== 3) throw new ShapeError(`baddbmm: batch1 must be a 3D tensor, got shape ${fmt(batch1.shape)}`);
  if (batch2.ndim !== 3) throw new ShapeError(`baddbmm: batch2 must be a 3D tensor, got shape ${fmt(batch2.shape)}`);
  return addProduct('baddbmm', input, bmm(batch1, batch2), options);
}
