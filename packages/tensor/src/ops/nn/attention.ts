import { record } from '../../autograd.js';
import { bool as boolDType, float32 } from '../../dtype.js';
import { K } from '../../kernels/index.js';
import { ShapeError } from '../../errors.js';
import { bool, fnOptions, num, tensorOrNull, type Positional } from '../../call-forms.js';
import { fmt } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add, mul, sub, where } from '../binary.js';
import { full } from '../creation.js';
import { matmul } from '../matmul.js';
import { transpose, triu } from '../movement.js';
import { sum } from '../reduce.js';
import { describe, empty, expectTensor } from '../util.js';
import { dropout } from './dropout.js';
import { softmax, softmaxBackward } from './activation.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to `[..., L, S]`. A bool mask says which keys each query may attend to
   * (`true` = takes part: the opposite of `nn.MultiheadAttention`'s masks); a float mask is
   * added to the scores. Default none.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights, applied whenever it is non-zero (default 0). */
  dropoutP?: number;
  /** Mask out keys after each query (a top-left aligned lower triangle); excludes `attnMask`. */
  isCausal?: boolean;
  /** Multiplies `q·kᵀ` (default `1/√E`, E = the last dim of `query`). */
  scale?: number | null;
}

/**
 * PyTorch's `generate_square_subsequent_mask` / causal bias: `[L, S]` float, `-inf` strictly
 * above the diagonal and 0 elsewhere, in `dtype`.
 * @internal
 */
export function causalBias(L: number, S: number, like: Tensor): Tensor {
  return triu(full([L, S], -Infinity, { dtype: like.dtype }), 1);
}

/**
 * Scaled dot-product attention as PyTorch 2.x defines it (its math form):
 * `softmax(q·kᵀ·scale + bias) · v`, with `bias` from `attnMask` (bool: `-inf` where false;
 * float: added) or `isCausal`, and dropout on the weights whenever `dropoutP` is non-zero (this
 * function has no training flag: pass 0 for evaluation, as PyTorch). `query` is `[..., L, E]`,
 * `key` `[..., S, E]`, `value` `[..., S, Ev]`; the result is `[..., L, Ev]`. A query row with
 * every key masked out gives NaN, as the documented formula.
 *
 * @example
 * ```ts
 * import { F, randn, tensor } from '@tensile/tensor';
 * const q = randn([2, 4, 5, 8]), k = randn([2, 4, 6, 8]), v = randn([2, 4, 6, 3]);
 * F.scaledDotProductAttention(q, k, v).shape;                   // [2, 4, 5, 3]
 * F.scaledDotProductAttention(q, q, q, { isCausal: true }).shape; // [2, 4, 5, 8]
 * const keep = tensor([true, true, false, true, true, false]);   // true = takes part
 * F.scaledDotProductAttention(q, k, v, { attnMask: keep, scale: 0.5 }).shape; // [2, 4, 5, 3]
 * F.scaledDotProductAttention(q, q, q, null, 0, true).shape; // [2, 4, 5, 8]: PyTorch's positionals attn_mask, dropout_p, is_causal
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...rest: Positional<[attnMask: Tensor | null, dropoutP: number, isCausal: boolean], ScaledDotProductAttentionOptions>): Tensor {
  const op = 'scaledDotProductAttention';
  expectTensor(op, 'query', query);
  expectTensor(op, 'key', key);
  expectTensor(op, 'value', value);
  // PyTorch's `scale` is keyword-only
  const o = fnOptions<ScaledDotProductAttentionOptions>(op, rest, [tensorOrNull('attnMask'), num('dropoutP'), bool('isCausal')], ['scale']);
  const attnMask = o.attnMask ?? null;
  if (attnMask !== null) expectTensor(op, 'attnMask', attnMask);
  const p = o.dropoutP ?? 0;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropoutP has to be between 0 and 1, but got ${describe(p)}`);
  const isCausal = o.isCausal ?? false;
  if (typeof isCausal !== 'boolean') throw new TypeError(`${op}: isCausal must be a boolean, got ${describe(isCausal)}`);
  const scale = o.scale ?? null;
  if (scale !== null && (typeof scale !== 'number' || !Number.isFinite(scale))) throw new TypeError(`${op}: scale must be a finite number or null, got ${describe(scale)}`);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(`${op}: query, key and value must have at least 2 dims, got ${fmt(query.shape)}, ${fmt(key.shape)} and ${fmt(value.shape)}`);
  }
  const E = query.shape[query.ndim - 1]!;
  if (key.shape[key.ndim - 1] !== E) throw new ShapeError(`${op}: query and key must have the same embedding size, got ${fmt(query.shape)} and ${fmt(key.shape)}`);
  if (key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) throw new ShapeError(`${op}: key and value must have the same sequence length, got ${fmt(key.shape)} and ${fmt(value.shape)}`);
  if (isCausal && attnMask !== null) throw new RangeError(`${op}: Explicit attnMask should not be set when isCausal=true`);
  if (attnMask !== null && !attnMask.dtype.isFloatingPoint && attnMask.dtype !== boolDType) {
    throw new TypeError(`${op}: attnMask must be bool or floating point, got ${attnMask.dtype.name}`);
  }
  const L = query.shape[query.ndim - 2]!, S = key.shape[key.ndim - 2]!;
  const product = matmul(query, transpose(key, -2, -1));
  if (product.dtype === float32 && attnMask === null && S > 0) {
    let weights = scaledSoftmax(product, scale ?? 1 / Math.sqrt(E), isCausal);
    if (p !== 0) weights = dropout(weights, p, true);
    return matmul(weights, value);
  }
  let scores = mul(product, scale ?? 1 / Math.sqrt(E));
  if (isCausal) scores = add(scores, causalBias(L, S, scores));
  else if (attnMask !== null) {
    scores = attnMask.dtype === boolDType ? where(attnMask, scores, -Infinity) : add(scores, attnMask);
  }
  let weights = softmax(scores, -1);
  if (p !== 0) weights = dropout(weights, p, true);
  return matmul(weights, value);
}

/**
 * `softmax(s·scale + causal bias)` over the last dim of float32 scores `s` (`[..., L, S]`) as one
 * node: the kernel set's `scaledSoftmax` scales, masks and normalises the scores in one staging
 * (the module's, on the wasm set), and the backward is one pass per row. Every element is rounded as the composed ops
 * round it (mul, add of the `-inf`/0 bias, the softmax kernel; backward `y·(g − Σ g·y)` with the
 * sum in double, then `·scale`), so the result and gradient are the composed form's bits,
 * without its four `[..., L, S]` intermediates and its `[L, S]` bias.
 * @internal
 */
export function scaledSoftmax(s: Tensor, scale: number, causal: boolean): Tensor {
  const S = s.shape[s.ndim - 1]!, L = s.shape[s.ndim - 2]!, rows = s.numel() / S;
  const out = empty(s.shape);
  const [sd, so] = s._contiguousData('scaledDotProductAttention');
  const c = Math.fround(scale);
  K().scaledSoftmax(sd, so, rows, S, L, c, causal, out.storage.data as Float32Array);
  // The backward: softmax's one-pass backward times the scale; recorded (createGraph), the
  // composed ops, differentiable in g and (through y) in the scores.
  return record('scaledSoftmax', out, [s], (g) => [softmaxBackward(false, out, g, s.ndim - 1, c) ?? mul(mul(out, sub(g, sum(mul(g, out), -1, true))), c)], [out]);
}
