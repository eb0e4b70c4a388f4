/**
 * @tensile/tensor — typed tensors (float32 by default; float64, int64, int32, bool ...) with broadcasting, reverse-mode autograd and the
 * ops and nn modules small models need, checked against PyTorch.
 *
 * @example
 * ```ts
 * import { tensor, manualSeed, randn } from '@tensile/tensor';
 * manualSeed(0);
 * const w = randn([3, 1]).requiresGrad_();
 * const x = tensor([[1, 2, 3]]);
 * const loss = x.matmul(w).square().sum();
 * loss.backward();
 * console.log(w.grad!.shape); // [3, 1]
 * ```
 */

export { Tensor, Storage, type TensorLike, type NestedArray } from './tensor.js';
export {
  DType, float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool,
  float, double, half, long, int, short, dtypes, toDType, promoteTypes, resultType, isFloatingPoint, canCast,
  type DTypeLike, type DTypeName, type DTypeAlias, type StorageArray,
} from './dtype.js';
export { ShapeError } from './errors.js';
export { foldPositional, type Positional, type PositionalParam } from './call-forms.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, inferenceMode, grad, Node, AccumulateGrad, type BackwardOptions, type GradOptions, type TensorHook } from './autograd.js';
export { logicalNot, logicalAnd, logicalOr, logicalXor, isclose, allclose, equal, movedim, unflatten, tile, broadcastTo, type CloseOptions } from './ops/logical.js';
export * as autograd from './autograd-api.js';
export { RemovableHandle, addHook } from './hooks.js';
export { device } from './device.js';
export * as cuda from './cuda.js';
export {
  tensor, zeros, empty, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint, randperm, bernoulli, normal, uniform,
  type TensorOptions, type TensorFromDataOptions, type RandomOptions,
} from './ops/creation.js';
export { neg, exp, log, log1p, sqrt, abs, sign, relu, sigmoid, tanh, erf, gelu, reciprocal, square, isfinite, isnan, isinf, clamp, type GeluOptions } from './ops/unary.js';
export { sin, cos, tan, rsqrt, expm1, log2, floor, ceil, round, trunc } from './ops/unary.js';
export {
  asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
  asin as arcsin, acos as arccos, atan as arctan, asinh as arcsinh, acosh as arccosh, atanh as arctanh,
} from './ops/unary.js';
export { fmod, atan2, maskedFill } from './ops/binary.js';
export { any, all, cumsum, cumprod, nonzero, type CumulativeOptions } from './ops/reduce.js';
export { at, setAt, indexPut_, scatter, scatterAdd, indexAdd, scatter_, scatterAdd_, indexAdd_, type IndexItem, type ScatterOptions, type IndexAddOptions } from './ops/indexing.js';
export { sort, argsort, topk, kthvalue, median, mode, type SortArgs, type SortOptions, type TopkArgs, type TopkOptions, type OrderStatArgs } from './ops/sort.js';
export { tril, triu, flip, roll, repeat, split, chunk, unbind, repeatInterleave, type RepeatInterleaveOptions } from './ops/movement.js';
export { atleast1d, atleast2d, atleast3d, vstack, vstack as rowStack, hstack, dstack, columnStack, meshgrid, type MeshgridOptions } from './ops/stacking.js';
export { multinomial, type MultinomialOptions } from './ops/sampling.js';
export { outer } from './ops/matmul.js';
export { cdist, type CdistOptions, type CdistComputeMode } from './ops/cdist.js';
export { randnLike, randLike, randintLike, type SampleOptions } from './ops/creation.js';
export { maskedFill_ } from './ops/inplace.js';
export { add, sub, mul, div, floorDivide, remainder, pow, maximum, minimum, where, eq, ne, gt, ge, lt, le, sumToShape } from './ops/binary.js';
export type { AlphaArg, DivOptions } from './ops/binary.js';
export type { ClampOptions, RoundOptions } from './ops/unary.js';
export type { SoftmaxOptions } from './ops/nn/activation.js';
export { amax, amin, prod, type AmaxArgs, type ProdArgs, type ProdOptions } from './ops/reduce.js';
export { type RandomFillOptions } from './ops/inplace.js';
export { sum, mean, max, min, valuesIndices, type ValuesIndices, type DimOptions, type ReduceArgs, type ReduceDim, type ReduceOptions, type SumArgs, type SumOptions, type VarArgs, type VarOptions, argmax, argmin, variance, variance as var, std, logsumexp } from './ops/reduce.js';
export {
  reshape, view, transpose, t, permute, expand, squeeze, unsqueeze, flatten, narrow, select, contiguous, clone, detach,
  gather, indexSelect, cat, stack,
} from './ops/movement.js';
export { matmul, bmm, addmm, baddbmm, mm, mv, dot, type AddProductOptions } from './ops/matmul.js';
export { diag, diagonal, trace } from './ops/diagonal.js';
export { lerp } from './ops/lerp.js';
export { countNonzero, bincount, nanToNum, type BincountOptions, type NanToNumOptions } from './ops/counting.js';
export { unique, type UniqueOptions } from './ops/unique.js';
export { clampMin, clampMax, swapaxes, swapaxes as swapdims, concat, concat as concatenate } from './ops/aliases.js';
export { softmax, logSoftmax } from './ops/nn/activation.js';
export { norm, type NormArgs, type NormOptions, type NormOrd, type VectorNormArgs, type VectorNormOptions } from './ops/norm.js';
export * as linalg from './ops/linalg.js';
export { einsum } from './ops/einsum.js';
export { updateInPlace, makeResident, isResident } from './ops/inplace.js';
export { K as kernels, setKernels, setBackend, getBackend, wasmAvailable, wasmReady, wasmRelaxedSimd, setNumThreads, getNumThreads, getNumThreadsReady, type Kernels, type ConvGeometry, type Backend, type AdamConstants, type RMSpropConstants } from './kernels/index.js';
export { broadcastShapes, type Shape } from './shape.js';
export { encodeSafetensors, decodeSafetensors } from './serialize.js';
export * as F from './ops/nn/index.js';
export * as nn from './nn/index.js';
export * as data from './data/index.js';
