import { bool as boolDType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { add, maskedFill, mul } from '../ops/binary.js';
import { zeros } from '../ops/creation.js';
import { bmm } from '../ops/matmul.js';
import { cat, narrow, transpose } from '../ops/movement.js';
import { causalBias, scaledDotProductAttention } from '../ops/nn/attention.js';
import { dropout } from '../ops/nn/dropout.js';
import { linear } from '../ops/nn/linear.js';
import { softmax } from '../ops/nn/activation.js';
import { mean } from '../ops/reduce.js';
import { describe } from '../ops/util.js';
import { checkOptions } from '../options.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bool, foldPositional, num, numOrNull, type Positional, type PositionalParam } from '../call-forms.js';
import { constant_, xavierNormal_, xavierUniform_ } from './init.js';
import { Linear, type InitOptions } from './layers.js';
import { Module, Parameter } from './module.js';

export interface MultiheadAttentionOptions extends InitOptions {
  /** Dropout probability on the attention weights while training (default 0). */
  dropout?: number;
  /** Learn `in_proj_bias` and `out_proj.bias` (default true). */
  bias?: boolean;
  /** Learn `bias_k` and `bias_v`, appended to the keys and values as one more position (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value to every head (default false). */
  addZeroAttn?: boolean;
  /** Size of the key features (default `embedDim`); with `vdim` different from `embedDim`, separate q/k/v weights. */
  kdim?: number | null;
  /** Size of the value features (default `embedDim`). */
  vdim?: number | null;
  /** Inputs and output are `[batch, seq, feature]` (default false: `[seq, batch, feature]`). */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** `[batch, S]` (or `[S]` unbatched): bool, true = this key is padding (ignored); or float, added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /**
   * `[L, S]` or `[batch·numHeads, L, S]`: bool, true = not allowed to attend (PyTorch's MHA
   * convention, the opposite of `F.scaledDotProductAttention`'s); or float, added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** A hint that `attnMask` is the causal mask (PyTorch 2.x: it requires `attnMask`). */
  isCausal?: boolean;
}

type MhaPositional = [dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean];
type MhaForwardPositional = [keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean, isCausal: boolean];

/** PyTorch's `out_proj` class: a Linear under another name (it only changes how PyTorch quantizes). */
class NonDynamicallyQuantizableLinear extends Linear {}

const tensorOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || v instanceof Tensor, expected: 'a Tensor or null' });
const MHA_PARAMS: readonly PositionalParam[] = [num('dropout'), bool('bias'), bool('addBiasKv'), bool('addZeroAttn'), numOrNull('kdim'), numOrNull('vdim'), bool('batchFirst')];
const MHA_FORWARD_PARAMS: readonly PositionalParam[] = [tensorOrNull('keyPaddingMask'), bool('needWeights'), tensorOrNull('attnMask'), bool('averageAttnWeights'), bool('isCausal')];

function checkDim(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${arg} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** @internal PyTorch's `_canonical_mask`: a bool mask becomes a float one (`-inf` where true); a float mask is kept. */
export function canonicalMask(op: string, name: string, mask: Tensor | null | undefined, like: Tensor): Tensor | null {
  if (mask === null || mask === undefined) return null;
  if (mask.dtype === boolDType) return maskedFill(zeros(mask.shape, { dtype: like.dtype }), mask, -Infinity);
  if (!mask.dtype.isFloatingPoint) throw new TypeError(`${op}: only bool and floating types of ${name} are supported, got ${mask.dtype.name}`);
  return mask;
}

/** @internal The weights of one attention call (PyTorch's `multi_head_attention_forward` arguments; `biasK` and `biasV` both or neither). */
interface MhaWeights {
  embedDim: number;
  numHeads: number;
  inProjWeight: Tensor | null;
  inProjBias: Tensor | null;
  qProjWeight: Tensor | null;
  kProjWeight: Tensor | null;
  vProjWeight: Tensor | null;
  biasK: Tensor | null;
  biasV: Tensor | null;
  addZeroAttn: boolean;
  dropoutP: number;
  outProjWeight: Tensor;
  outProjBias: Tensor | null;
  training: boolean;
}

const padLast = (m: Tensor): Tensor => cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype: m.dtype })], -1);

/**
 * PyTorch 2.x's `F.multi_head_attention_forward` on `[L, N, E]` query and `[S, N, *]` key and
 * value (or unbatched `[L, E]`, `[S, *]`): input projections, optional `bias_k`/`bias_v` and
 * zero attention, merged key-padding and attention masks, scaled dot-product attention per
 * head, output projection.
 * @internal
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, w: MhaWeights,
  keyPaddingMask: Tensor | null, needWeights: boolean, attnMaskIn: Tensor | null, averageAttnWeights: boolean, isCausalIn: boolean,
): [Tensor, Tensor | null] {
  const op = 'MultiheadAttention';
  const { embedDim, numHeads } = w;
  const batched = mhaShapeCheck(query, key, value, keyPaddingMask, attnMaskIn, numHeads);
  if (!batched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (keyPaddingMask !== null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
  }
  const [tgtLen, bsz, E] = query.shape as [number, number, number];
  if (E !== embedDim) throw new ShapeError(`${op}: was expecting embedding dimension of ${embedDim}, but got ${E}`);
  const headDim = embedDim / numHeads;
  let kpm = canonicalMask(op, 'keyPaddingMask', keyPaddingMask, query);
  if (isCausalIn && attnMaskIn === null) {
    throw new RangeError(`${op}: Need attnMask if specifying the isCausal hint. You may use nn.Transformer.generateSquareSubsequentMask to create this mask.`);
  }
  // Without padding and weights to return, PyTorch hands the hint to scaled dot-product
  // attention and ignores the mask (a causal one, as the hint promises); else the mask is used.
  const causalHint = isCausalIn && kpm === null && !needWeights;
  let attnMask = causalHint ? null : canonicalMask(op, 'attnMask', attnMaskIn, query);
  if (w.inProjWeight === null) {
    if (key.shape[0] !== value.shape[0] || key.shape[1] !== value.shape[1]) {
      throw new ShapeError(`${op}: key's sequence and batch dims ${fmt(key.shape.slice(0, 2))} do not match value's ${fmt(value.shape.slice(0, 2))}`);
    }
  } else if (key.shape.length !== value.shape.length || key.shape.some((s, i) => s !== value.shape[i])) {
    throw new ShapeError(`${op}: key shape ${fmt(key.shape)} does not match value shape ${fmt(value.shape)}`);
  }

  // input projections
  const b = (i: number): Tensor | null => (w.inProjBias === null ? null : narrow(w.inProjBias, 0, i * E, E));
  let q: Tensor, k: Tensor, v: Tensor;
  if (w.inProjWeight !== null) {
    const W = w.inProjWeight;
    if (query === key && key === value) {
      const proj = linear(query, W, w.inProjBias);
      [q, k, v] = [0, 1, 2].map((i) => narrow(proj, -1, i * E, E)) as [Tensor, Tensor, Tensor];
    } else {
      q = linear(query, narrow(W, 0, 0, E), b(0));
      k = linear(key, narrow(W, 0, E, E), b(1));
      v = linear(value, narrow(W, 0, 2 * E, E), b(2));
    }
  } else {
    q = linear(query, w.qProjWeight!, b(0));
    k = linear(key, w.kProjWeight!, b(1));
    v = linear(value, w.vProjWeight!, b(2));
  }

  // prep attention mask
  if (attnMask !== null) {
    if (attnMask.ndim === 2) {
      if (attnMask.shape[0] !== tgtLen || attnMask.shape[1] !== key.shape[0]) {
        throw new ShapeError(`${op}: The shape of the 2D attnMask is ${fmt(attnMask.shape)}, but should be ${fmt([tgtLen, key.shape[0]!])}.`);
      }
      attnMask = attnMask.unsqueeze(0);
    } else {
      // 3-d (mhaShapeCheck allowed 2 or 3 dims)
      const want = [bsz * numHeads, tgtLen, key.shape[0]!];
      if (attnMask.shape.some((s, i) => s !== want[i])) throw new ShapeError(`${op}: The shape of the 3D attnMask is ${fmt(attnMask.shape)}, but should be ${fmt(want)}.`);
    }
  }

  // add bias along batch dimension
  if (w.biasK !== null) {
    k = cat([k, w.biasK.expand(1, bsz, E)]);
    v = cat([v, w.biasV!.expand(1, bsz, E)]);
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (kpm !== null) kpm = padLast(kpm);
  }

  // [len, bsz, E] -> [bsz·heads, len, headDim]
  q = transpose(q.reshape(tgtLen, bsz * numHeads, headDim), 0, 1);
  k = transpose(k.reshape(k.shape[0]!, bsz * numHeads, headDim), 0, 1);
  v = transpose(v.reshape(v.shape[0]!, bsz * numHeads, headDim), 0, 1);

  if (w.addZeroAttn) {
    k = cat([k, zeros([bsz * numHeads, 1, headDim], { dtype: k.dtype })], 1);
    v = cat([v, zeros([bsz * numHeads, 1, headDim], { dtype: v.dtype })], 1);
    if (attnMask !== null) attnMask = padLast(attnMask);
    if (kpm !== null) kpm = padLast(kpm);
  }
  const srcLen = k.shape[1]!;

  // merge key padding and attention masks
  if (kpm !== null) {
    if (kpm.shape[0] !== bsz || kpm.shape[1] !== srcLen) throw new ShapeError(`${op}: expecting keyPaddingMask shape of ${fmt([bsz, srcLen])}, but got ${fmt(kpm.shape)}`);
    const m = kpm.reshape(bsz, 1, 1, srcLen).expand(bsz, numHeads, 1, srcLen).reshape(bsz * numHeads, 1, srcLen);
    attnMask = attnMask === null ? m : add(attnMask, m);
  }
  const dropoutP = w.training ? w.dropoutP : 0;

  let out: Tensor;
  let weights: Tensor | null = null;
  if (needWeights) {
    const qScaled = mul(q, Math.sqrt(1 / headDim));
    let s = bmm(qScaled, transpose(k, -2, -1));
    if (attnMask !== null) s = add(attnMask, s);
    weights = softmax(s, -1);
    if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
    out = bmm(weights, v); // [bsz·heads, L, headDim]
    out = transpose(out, 0, 1).reshape(tgtLen * bsz, embedDim);
    weights = weights.reshape(bsz, numHeads, tgtLen, srcLen);
    if (averageAttnWeights) weights = mean(weights, 1);
  } else {
    if (attnMask !== null) attnMask = attnMask.shape[0] === 1 ? attnMask.unsqueeze(0) : attnMask.reshape(bsz, numHeads, -1, srcLen);
    const q4 = q.reshape(bsz, numHeads, tgtLen, headDim);
    const k4 = k.reshape(bsz, numHeads, srcLen, headDim);
    const v4 = v.reshape(bsz, numHeads, srcLen, headDim);
    out = scaledDotProductAttention(q4, k4, v4, { attnMask: causalHint ? causalBias(tgtLen, srcLen, q4) : attnMask, dropoutP });
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgtLen, embedDim);
  }
  out = linear(out, w.outProjWeight, w.outProjBias).reshape(tgtLen, bsz, embedDim);
  if (!batched) {
    out = out.squeeze(1);
    if (weights !== null) weights = weights.squeeze(0);
  }
  return [out, weights];
}

/** PyTorch's `_mha_shape_check`: whether the input is batched, with its messages. */
function mhaShapeCheck(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  const op = 'MultiheadAttention';
  if (query.ndim === 3) {
    if (key.ndim !== 3 || value.ndim !== 3) throw new ShapeError(`${op}: For batched (3-D) query, expected key and value to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (kpm !== null && kpm.ndim !== 2) throw new ShapeError(`${op}: For batched (3-D) query, expected keyPaddingMask to be null or 2-D but found ${kpm.ndim}-D tensor instead`);
    if (attnMask !== null && attnMask.ndim !== 2 && attnMask.ndim !== 3) throw new ShapeError(`${op}: For batched (3-D) query, expected attnMask to be null, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
    return true;
  }
  if (query.ndim === 2) {
    if (key.ndim !== 2 || value.ndim !== 2) throw new ShapeError(`${op}: For unbatched (2-D) query, expected key and value to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (kpm !== null && kpm.ndim !== 1) throw new ShapeError(`${op}: For unbatched (2-D) query, expected keyPaddingMask to be null or 1-D but found ${kpm.ndim}-D tensor instead`);
    if (attnMask !== null) {
      if (attnMask.ndim !== 2 && attnMask.ndim !== 3) throw new ShapeError(`${op}: For unbatched (2-D) query, expected attnMask to be null, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
      const want = [numHeads, query.shape[0]!, key.shape[0]!];
      if (attnMask.ndim === 3 && attnMask.shape.some((s, i) => s !== want[i])) throw new ShapeError(`${op}: Expected attnMask shape to be ${fmt(want)} but got ${fmt(attnMask.shape)}`);
    }
    return false;
  }
  throw new ShapeError(`${op}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
}

/**
 * Multi-head attention, PyTorch's `nn.MultiheadAttention`: parameters `in_proj_weight`
 * `[3E, E]` (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when `kdim`/`vdim` differ from
 * E), `in_proj_bias` `[3E]`, `bias_k`/`bias_v` `[1, 1, E]` with `addBiasKv`, and `out_proj` (a
 * Linear); initialised as PyTorch's `_reset_parameters` (Xavier-uniform projections, zero
 * biases, Xavier-normal `bias_k`/`bias_v`). `call(query, key, value, ...)` returns
 * `[output, weights | null]`; masks follow PyTorch's MHA convention (bool true = masked out).
 *
 * @example
 * ```ts
 * import { nn, randn, tensor } from '@tensile/tensor';
 * const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
 * const x = randn([3, 5, 8]);
 * const [out, w] = mha.call(x, x, x);   // out [3, 5, 8], w [3, 5, 5] (averaged over heads)
 * const pad = tensor([[false, false, false, true, true], [false, false, false, false, false], [false, false, false, false, true]]);
 * const [o2] = mha.call(x, x, x, { keyPaddingMask: pad, needWeights: false }); // padding ignored
 * Object.keys(mha.stateDict()); // ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
 * ```
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;

  // The parameters live under PyTorch's names (`in_proj_weight`, ...); these read them.
  /** `in_proj_weight` `[3E, E]`, or null when `kdim`/`vdim` differ from E. */
  get inProjWeight(): Tensor | null { return this.attr('in_proj_weight'); }
  /** `q_proj_weight` `[E, E]` when `kdim`/`vdim` differ from E, else null. */
  get qProjWeight(): Tensor | null { return this.attr('q_proj_weight'); }
  /** `k_proj_weight` `[E, kdim]` when `kdim`/`vdim` differ from E, else null. */
  get kProjWeight(): Tensor | null { return this.attr('k_proj_weight'); }
  /** `v_proj_weight` `[E, vdim]` when `kdim`/`vdim` differ from E, else null. */
  get vProjWeight(): Tensor | null { return this.attr('v_proj_weight'); }
  /** `in_proj_bias` `[3E]`, null without bias. */
  get inProjBias(): Tensor | null { return this.attr('in_proj_bias'); }
  /** `bias_k` `[1, 1, E]` with `addBiasKv`, else null. */
  get biasK(): Tensor | null { return this.attr('bias_k'); }
  /** `bias_v` `[1, 1, E]` with `addBiasKv`, else null. */
  get biasV(): Tensor | null { return this.attr('bias_v'); }
  /** `out_proj`, PyTorch's NonDynamicallyQuantizableLinear (a Linear). */
  get outProj(): Linear { return this.attr('out_proj') as unknown as Linear; }

  private attr(name: string): Tensor | null {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor || v instanceof Module ? (v as Tensor) : null;
  }

  /**
   * PyTorch's order: `(embedDim, numHeads, dropout, bias, addBiasKv, addZeroAttn, kdim, vdim,
   * batchFirst)`, then an options bag.
   */
  constructor(embedDim: number, numHeads: number, ...rest: Positional<MhaPositional, MultiheadAttentionOptions>) {
    super();
    const op = 'MultiheadAttention';
    const o = checkOptions(op, foldPositional(op, rest, MHA_PARAMS) as MultiheadAttentionOptions, ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst', 'generator']);
    if (typeof embedDim !== 'number' || typeof numHeads !== 'number' || !(embedDim > 0) || !(numHeads > 0)) {
      throw new RangeError(`${op}: embedDim and numHeads must be greater than 0, got embedDim=${String(embedDim)} and numHeads=${String(numHeads)} instead`);
    }
    this.embedDim = checkDim(op, 'embedDim', embedDim);
    this.numHeads = checkDim(op, 'numHeads', numHeads);
    this.kdim = o.kdim === undefined || o.kdim === null ? embedDim : checkDim(op, 'kdim', o.kdim);
    this.vdim = o.vdim === undefined || o.vdim === null ? embedDim : checkDim(op, 'vdim', o.vdim);
    const p = o.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${describe(p)}`);
    this.dropout = p;
    this.batchFirst = checkFlag(op, 'batchFirst', o.batchFirst);
    this.addZeroAttn = checkFlag(op, 'addZeroAttn', o.addZeroAttn);
    const bias = checkFlag(op, 'bias', o.bias ?? true);
    const addBiasKv = checkFlag(op, 'addBiasKv', o.addBiasKv);
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new RangeError(`${op}: embedDim must be divisible by numHeads, got ${embedDim} and ${numHeads}`);
    const gen = o.generator ? { generator: o.generator } : {};
    const E = embedDim;
    const same = this.kdim === E && this.vdim === E;
    const empty = (shape: number[]): Parameter => new Parameter(zeros(shape));
    // PyTorch registers the parameters in this order (state-dict order), out_proj last as a child.
    if (same) this.registerParameter('in_proj_weight', empty([3 * E, E]));
    else {
      this.registerParameter('q_proj_weight', empty([E, E]));
      this.registerParameter('k_proj_weight', empty([E, this.kdim]));
      this.registerParameter('v_proj_weight', empty([E, this.vdim]));
    }
    if (bias) this.registerParameter('in_proj_bias', empty([3 * E]));
    this.registerModule('out_proj', new NonDynamicallyQuantizableLinear(E, E, { bias, ...gen }));
    if (addBiasKv) {
      this.registerParameter('bias_k', empty([1, 1, E]));
      this.registerParameter('bias_v', empty([1, 1, E]));
    }
    // _reset_parameters
    if (same) xavierUniform_(this.inProjWeight!, gen);
    else for (const t of [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!]) xavierUniform_(t, gen);
    if (this.inProjBias !== null) {
      constant_(this.inProjBias, 0);
      constant_(this.outProj.bias!, 0);
    }
    if (this.biasK !== null) xavierNormal_(this.biasK, gen);
    if (this.biasV !== null) xavierNormal_(this.biasV, gen);
  }

  /**
   * PyTorch's order: `(query, key, value, keyPaddingMask, needWeights, attnMask,
   * averageAttnWeights, isCausal)`, then an options bag. `query` is `[L, N, E]` (`[N, L, E]` with
   * `batchFirst`) or unbatched `[L, E]`. Returns `[output, weights]`: weights `[N, L, S]`
   * (`[N, heads, L, S]` without averaging), null when `needWeights` is false.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, ...rest: Positional<MhaForwardPositional, MultiheadAttentionForwardOptions>): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention.forward';
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(t)}`);
    }
    const o = checkOptions(op, foldPositional(op, rest, MHA_FORWARD_PARAMS) as MultiheadAttentionForwardOptions, ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']);
    for (const name of ['keyPaddingMask', 'attnMask'] as const) {
      const m = o[name];
      if (m !== undefined && m !== null && !(m instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null, got ${describe(m)}`);
    }
    const needWeights = checkFlag(op, 'needWeights', o.needWeights ?? true);
    const average = checkFlag(op, 'averageAttnWeights', o.averageAttnWeights ?? true);
    const isCausal = checkFlag(op, 'isCausal', o.isCausal);
    const batched = query.ndim === 3;
    let [q, k, v] = [query, key, value];
    if (this.batchFirst && batched) {
      // keep the identity of self-attention inputs (one fused projection), as PyTorch
      q = transpose(query, 0, 1);
      k = key === query ? q : transpose(key, 0, 1);
      v = value === key ? k : transpose(value, 0, 1);
    }
    const [out, weights] = multiHeadAttentionForward(q, k, v, {
      embedDim: this.embedDim, numHeads: this.numHeads,
      inProjWeight: this.inProjWeight, inProjBias: this.inProjBias,
      qProjWeight: this.qProjWeight, kProjWeight: this.kProjWeight, vProjWeight: this.vProjWeight,
      biasK: this.biasK, biasV: this.biasV, addZeroAttn: this.addZeroAttn, dropoutP: this.dropout,
      outProjWeight: this.outProj.weight, outProjBias: this.outProj.bias, training: this.training,
    }, o.keyPaddingMask ?? null, needWeights, o.attnMask ?? null, average, isCausal);
    return [this.batchFirst && batched ? transpose(out, 0, 1) : out, weights];
  }

}

/** @internal An optional boolean flag, checked. */
export function checkFlag(op: string, arg: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${arg} must be a boolean, got ${describe(v)}`);
  return v;
}
