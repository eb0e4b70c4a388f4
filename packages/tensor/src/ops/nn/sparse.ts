import { ShapeError } from '../../errors.js';
import { fnOptions, numOrNull, unsupported, type Positional } from '../../call-forms.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { bool } from '../../dtype.js';
import { where } from '../binary.js';
import { indexValues, takeFlat } from '../movement.js';
import { expectTensor, wrap } from '../util.js';
import { indexTensor, type IndexLike } from './common.js';

// ---- embedding ----------------------------------------------------------------------------

export interface EmbeddingOptions {
  /** Entries with this index get no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * Rows of `weight` `[numEmbeddings, dim]` picked by integer `input` of any shape (a tensor, a
 * `number[]` or an `Int32Array`): output `[...input.shape, dim]`. Repeated indices accumulate
 * their gradients; rows at `paddingIdx` get none.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.embedding([2, 0], tensor([[0, 0], [1, 1], [2, 2]])); // tensor([[2., 2.], [0., 0.]])
 * F.embedding([2, 0], tensor([[0, 0], [1, 1], [2, 2]]), 0); // the same values; row 0 gets no gradient (PyTorch's positional padding_idx)
 * ```
 *
 * PyTorch's further positionals `max_norm, norm_type, scale_grad_by_freq, sparse` are taken at
 * their defaults only (`null, <any number>, false, false`): tensile renormalises no rows and its
 * gradients are dense.
 */
export function embedding(input: IndexLike, weight: Tensor, ...rest: Positional<[paddingIdx: number | null, maxNorm: null, normType: number, scaleGradByFreq: false, sparse: false], EmbeddingOptions>): Tensor {
  const op = 'embedding';
  const options = fnOptions<EmbeddingOptions>(op, rest, [
    numOrNull('paddingIdx'),
    unsupported('maxNorm', (v) => v === null, 'null (max_norm is not supported)'),
    unsupported('normType', (v) => typeof v === 'number', 'a number'),
    unsupported('scaleGradByFreq', (v) => v === false, 'false (scale_grad_by_freq is not supported)'),
    unsupported('sparse', (v) => v === false, 'false (sparse gradients are not supported)'),
  ]);
  const ix = indexTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-d [numEmbeddings, embeddingDim], got ${fmt(weight.shape)}`);
  const [num, D] = weight.shape as [number, number];
  let pad = options.paddingIdx ?? null;
  if (pad !== null) {
    if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < -num || pad >= num) throw new RangeError(`${op}: paddingIdx must be within numEmbeddings (${num}), got ${String(pad)}`);
    if (pad < 0) pad += num;
  }
  const v = indexValues(op, 'input', ix);
  const idx = new Int32Array(v.length * D);
  const keep = pad === null ? null : new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= num) throw new RangeError(`${op}: index ${k} is out of range for ${num} embeddings`);
    for (let j = 0; j < D; j++) idx[i * D + j] = k * D + j;
    if (keep) keep[i] = k === pad ? 0 : 1;
  }
  const out = takeFlat(weight, idx, [...ix.shape, D], op);
  // padding entries keep their value but pass no gradient: the detached copy is picked there
  return keep ? where(wrap(keep, [...ix.shape, 1], bool), out, out.detach()) : out;
}
