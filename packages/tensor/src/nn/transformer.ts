import { bool as boolDType, type DTypeLike } from '../dtype.js';
import { add, eq } from '../ops/binary.js';
import { full, ones } from '../ops/creation.js';
import { triu } from '../ops/movement.js';
import { all } from '../ops/reduce.js';
import { gelu, relu } from '../ops/unary.js';
import { describe } from '../ops/util.js';
import { checkOptions } from '../options.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { bool, foldPositional, num, type Positional, type PositionalParam } from '../call-forms.js';
import { MultiheadAttention, checkFlag } from './attention.js';
import { ModuleList } from './container.js';
import { xavierUniform_ } from './init.js';
import { Dropout, Linear, type InitOptions } from './layers.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';

/** A feed-forward activation: PyTorch's `'relu'` or `'gelu'`, a function, or a module. */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions extends InitOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability of every dropout in the layer, attention weights included (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default `'relu'`). */
  activation?: Activation;
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and output are `[batch, seq, feature]` (default false: `[seq, batch, feature]`). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward (default false: after, as the paper). */
  normFirst?: boolean;
  /** Learn the biases of the linear layers, attentions and LayerNorms (default true). */
  bias?: boolean;
}

type LayerPositional = [dimFeedforward: number, dropout: number, activation: Activation, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean];
const isActivation = (v: unknown): boolean => v === 'relu' || v === 'gelu' || typeof v === 'function' || v instanceof Module;
const LAYER_PARAMS: readonly PositionalParam[] = [
  num('dimFeedforward'), num('dropout'), { name: 'activation', is: isActivation, expected: "'relu', 'gelu', a function or a Module" },
  num('layerNormEps'), bool('batchFirst'), bool('normFirst'), bool('bias'),
];
const LAYER_KEYS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias', 'generator'] as const;
const tensorOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || v instanceof Tensor, expected: 'a Tensor or null' });
const boolOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || typeof v === 'boolean', expected: 'a boolean or null' });

/** PyTorch's `_get_activation_fn`. */
function activationFn(op: string, a: unknown): ((x: Tensor) => Tensor) | Module {
  if (a === 'relu') return relu;
  if (a === 'gelu') return gelu;
  if (typeof a === 'function' || a instanceof Module) return a as ((x: Tensor) => Tensor) | Module;
  throw new RangeError(`${op}: activation should be relu/gelu, not ${typeof a === 'string' ? a : describe(a)}`);
}

function checkPositiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${arg} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** The checked options every layer shares. */
function layerConfig(op: string, dModel: unknown, nhead: unknown, rest: readonly unknown[]) {
  const o = checkOptions(op, foldPositional(op, rest, LAYER_PARAMS) as TransformerLayerOptions, LAYER_KEYS);
  const d = checkPositiveInt(op, 'dModel', dModel);
  const h = checkPositiveInt(op, 'nhead', nhead);
  const ff = checkPositiveInt(op, 'dimFeedforward', o.dimFeedforward ?? 2048);
  const p = o.dropout ?? 0.1;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${describe(p)}`);
  const eps = o.layerNormEps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`${op}: layerNormEps must be a non-negative number, got ${describe(eps)}`);
  return {
    options: o, dModel: d, nhead: h, dimFeedforward: ff, dropout: p, layerNormEps: eps,
    activation: activationFn(op, o.activation ?? 'relu'),
    batchFirst: checkFlag(op, 'batchFirst', o.batchFirst), normFirst: checkFlag(op, 'normFirst', o.normFirst), bias: checkFlag(op, 'bias', o.bias ?? true),
    gen: o.generator ? { generator: o.generator } : {},
  };
}

const applyActivation = (a: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor => (a instanceof Module ? (a.call as (x: Tensor) => Tensor)(x) : a(x));

/**
 * PyTorch's `_detect_is_causal_mask`: `isCausal` if given, else whether `mask` is exactly the
 * square subsequent mask of the sequence length (bool: true above the diagonal; float: -inf).
 */
function detectIsCausal(mask: Tensor | null, isCausal: boolean | null | undefined, size: number | null): boolean {
  if (isCausal === true || isCausal === false) return isCausal;
  if (mask === null) return false;
  const sz = size ?? mask.shape[mask.ndim - 2]!;
  if (mask.ndim !== 2 || mask.shape[0] !== sz || mask.shape[1] !== sz) return false;
  const causal = mask.dtype === boolDType ? eq(triu(ones([sz, sz]), 1), 1) : Transformer.generateSquareSubsequentMask(sz, { dtype: mask.dtype });
  return all(eq(mask, causal)).item() !== 0;
}

/** PyTorch's `_get_seq_len`. */
const seqLen = (x: Tensor, batchFirst: boolean): number => (x.ndim === 2 ? x.shape[0]! : x.shape[batchFirst ? 1 : 0]!);

export interface TransformerEncoderLayerForwardOptions {
  /** Attention mask `[S, S]` or `[N·nhead, S, S]` (bool: true = masked out; float: added). */
  srcMask?: Tensor | null;
  /** `[N, S]`: true (or -inf) = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that `srcMask` is the causal mask. */
  isCausal?: boolean;
}

/**
 * One Transformer encoder layer (PyTorch's `nn.TransformerEncoderLayer`): self-attention
 * (`self_attn`, a `MultiheadAttention`) and a feed-forward network `linear2(dropout(activation(
 * linear1(x))))`, each with dropout, a residual connection and a LayerNorm (`norm1`, `norm2`),
 * after each block or (with `normFirst`) before it. State-dict keys are PyTorch's.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true });
 * const src = randn([2, 7, 16]);
 * layer.call(src).shape; // [2, 7, 16]
 * layer.call(src, nn.Transformer.generateSquareSubsequentMask(7)).shape; // causal: [2, 7, 16]
 * ```
 */
export class TransformerEncoderLayer extends Module {
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly normFirst: boolean;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly activation: ((x: Tensor) => Tensor) | Module;
  private readonly args: [number, number, TransformerLayerOptions];

  /**
   * PyTorch's order: `(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps,
   * batchFirst, normFirst, bias)`, then an options bag.
   */
  constructor(dModel: number, nhead: number, ...rest: Positional<LayerPositional, TransformerLayerOptions>) {
    super();
    const c = layerConfig('TransformerEncoderLayer', dModel, nhead, rest);
    this.args = [dModel, nhead, { ...c.options }];
    this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout: c.dropout, bias: c.bias, batchFirst: c.batchFirst, ...c.gen }));
    this.linear1 = new Linear(dModel, c.dimFeedforward, { bias: c.bias, ...c.gen });
    this.dropout = new Dropout(c.dropout);
    this.linear2 = new Linear(c.dimFeedforward, dModel, { bias: c.bias, ...c.gen });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias });
    this.norm2 = new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias });
    this.dropout1 = new Dropout(c.dropout);
    this.dropout2 = new Dropout(c.dropout);
    this.activation = c.activation;
  }

  /** `self_attn`. */
  get selfAttn(): MultiheadAttention {
    return (this as unknown as { self_attn: MultiheadAttention }).self_attn;
  }

  /** PyTorch's order: `(src, srcMask, srcKeyPaddingMask, isCausal)`, then an options bag. */
  forward(src: Tensor, ...rest: Positional<[srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null, isCausal: boolean], TransformerEncoderLayerForwardOptions>): Tensor {
    const op = 'TransformerEncoderLayer.forward';
    const o = checkOptions(op, foldPositional(op, rest, [tensorOrNull('srcMask'), tensorOrNull('srcKeyPaddingMask'), bool('isCausal')]) as TransformerEncoderLayerForwardOptions, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const mask = o.srcMask ?? null, kpm = o.srcKeyPaddingMask ?? null, isCausal = checkFlag(op, 'isCausal', o.isCausal);
    let x = src;
    if (this.normFirst) {
      x = add(x, this.saBlock(this.norm1.call(x), mask, kpm, isCausal));
      x = add(x, this.ffBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(add(x, this.saBlock(x, mask, kpm, isCausal)));
      x = this.norm2.call(add(x, this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.selfAttn.call(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    return this.dropout1.call(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout2.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
  }

  /** @internal PyTorch's `copy.deepcopy` of a layer: the same configuration and weights. */
  _deepCopy(): this {
    const Ctor = this.constructor as new (d: number, h: number, o: TransformerLayerOptions) => this;
    const copy = new Ctor(...this.args);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }
}

export interface TransformerDecoderLayerForwardOptions {
  /** Self-attention mask `[T, T]` (bool: true = masked out; float: added). */
  tgtMask?: Tensor | null;
  /** Cross-attention mask `[T, S]`. */
  memoryMask?: Tensor | null;
  /** `[N, T]`: true (or -inf) = padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[N, S]`: true (or -inf) = padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** A hint that `tgtMask` is the causal mask. */
  tgtIsCausal?: boolean;
  /** A hint that `memoryMask` is the causal mask. */
  memoryIsCausal?: boolean;
}

type DecoderLayerPositional = [tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null, tgtIsCausal: boolean, memoryIsCausal: boolean];
const DECODER_FORWARD_PARAMS = [tensorOrNull('tgtMask'), tensorOrNull('memoryMask'), tensorOrNull('tgtKeyPaddingMask'), tensorOrNull('memoryKeyPaddingMask')];
const DECODER_FORWARD_KEYS = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal'] as const;

/**
 * One Transformer decoder layer (PyTorch's `nn.TransformerDecoderLayer`): self-attention
 * (`self_attn`), cross-attention over the encoder's output (`multihead_attn`) and the
 * feed-forward network, each with dropout, residual and LayerNorm (`norm1`..`norm3`), post- or
 * pre-norm.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const layer = new nn.TransformerDecoderLayer(16, 4, 32, 0);
 * const tgt = randn([5, 2, 16]), memory = randn([7, 2, 16]); // [seq, batch, feature]
 * layer.call(tgt, memory, nn.Transformer.generateSquareSubsequentMask(5)).shape; // [5, 2, 16]
 * ```
 */
export class TransformerDecoderLayer extends Module {
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly normFirst: boolean;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  readonly activation: ((x: Tensor) => Tensor) | Module;
  private readonly args: [number, number, TransformerLayerOptions];

  /** PyTorch's order, as `TransformerEncoderLayer`'s. */
  constructor(dModel: number, nhead: number, ...rest: Positional<LayerPositional, TransformerLayerOptions>) {
    super();
    const c = layerConfig('TransformerDecoderLayer', dModel, nhead, rest);
    this.args = [dModel, nhead, { ...c.options }];
    const mha = (): MultiheadAttention => new MultiheadAttention(dModel, nhead, { dropout: c.dropout, bias: c.bias, batchFirst: c.batchFirst, ...c.gen });
    this.registerModule('self_attn', mha());
    this.registerModule('multihead_attn', mha());
    this.linear1 = new Linear(dModel, c.dimFeedforward, { bias: c.bias, ...c.gen });
    this.dropout = new Dropout(c.dropout);
    this.linear2 = new Linear(c.dimFeedforward, dModel, { bias: c.bias, ...c.gen });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias });
    this.norm2 = new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias });
    this.norm3 = new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias });
    this.dropout1 = new Dropout(c.dropout);
    this.dropout2 = new Dropout(c.dropout);
    this.dropout3 = new Dropout(c.dropout);
    this.activation = c.activation;
  }

  /** `self_attn`. */
  get selfAttn(): MultiheadAttention {
    return (this as unknown as { self_attn: MultiheadAttention }).self_attn;
  }

  /** `multihead_attn` (cross-attention). */
  get multiheadAttn(): MultiheadAttention {
    return (this as unknown as { multihead_attn: MultiheadAttention }).multihead_attn;
  }

  /**
   * PyTorch's order: `(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
   * memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal)`, then an options bag.
   */
  forward(tgt: Tensor, memory: Tensor, ...rest: Positional<DecoderLayerPositional, TransformerDecoderLayerForwardOptions>): Tensor {
    const op = 'TransformerDecoderLayer.forward';
    const o = checkOptions(op, foldPositional(op, rest, [...DECODER_FORWARD_PARAMS, bool('tgtIsCausal'), bool('memoryIsCausal')]) as TransformerDecoderLayerForwardOptions, DECODER_FORWARD_KEYS);
    const tgtMask = o.tgtMask ?? null, memMask = o.memoryMask ?? null, tkpm = o.tgtKeyPaddingMask ?? null, mkpm = o.memoryKeyPaddingMask ?? null;
    const tc = checkFlag(op, 'tgtIsCausal', o.tgtIsCausal), mc = checkFlag(op, 'memoryIsCausal', o.memoryIsCausal);
    let x = tgt;
    if (this.normFirst) {
      x = add(x, this.saBlock(this.norm1.call(x), tgtMask, tkpm, tc));
      x = add(x, this.mhaBlock(this.norm2.call(x), memory, memMask, mkpm, mc));
      x = add(x, this.ffBlock(this.norm3.call(x)));
    } else {
      x = this.norm1.call(add(x, this.saBlock(x, tgtMask, tkpm, tc)));
      x = this.norm2.call(add(x, this.mhaBlock(x, memory, memMask, mkpm, mc)));
      x = this.norm3.call(add(x, this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.selfAttn.call(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    return this.dropout1.call(y);
  }

  private mhaBlock(x: Tensor, mem: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.multiheadAttn.call(x, mem, mem, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    return this.dropout2.call(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout3.call(this.linear2.call(this.dropout.call(applyActivation(this.activation, this.linear1.call(x)))));
  }

  /** @internal PyTorch's `copy.deepcopy` of a layer: the same configuration and weights. */
  _deepCopy(): this {
    const Ctor = this.constructor as new (d: number, h: number, o: TransformerLayerOptions) => this;
    const copy = new Ctor(...this.args);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }
}

function clones<L extends TransformerEncoderLayer | TransformerDecoderLayer>(op: string, kind: abstract new (d: number, h: number) => L, layer: unknown, n: unknown): ModuleList {
  if (!(layer instanceof kind)) throw new TypeError(`${op}: the layer must be a ${kind.name}, got ${describe(layer)}`);
  const count = checkPositiveInt(op, 'numLayers', n);
  return new ModuleList(Array.from({ length: count }, () => layer._deepCopy()));
}

function checkNorm(op: string, norm: unknown): Module | null {
  if (norm === undefined || norm === null) return null;
  if (!(norm instanceof Module)) throw new TypeError(`${op}: norm must be a Module or null, got ${describe(norm)}`);
  return norm;
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask for every layer (`[S, S]` or `[N·nhead, S, S]`). */
  mask?: Tensor | null;
  /** `[N, S]`: true (or -inf) = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Whether `mask` is the causal mask (default: detected, as PyTorch). */
  isCausal?: boolean | null;
}

/**
 * A stack of `numLayers` copies of an encoder layer (PyTorch's `nn.TransformerEncoder`: each
 * layer a deep copy, so all start from the given layer's weights), then an optional final
 * `norm`. Keys `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
 * const encoder = new nn.TransformerEncoder(layer, 2, new nn.LayerNorm(16));
 * const src = randn([7, 3, 16]);
 * encoder.eval().call(src, nn.Transformer.generateSquareSubsequentMask(7)).shape; // [7, 3, 16]
 * ```
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList;
  readonly numLayers: number;
  readonly norm: Module | null;

  /** PyTorch's `(encoderLayer, numLayers, norm)`; its `enableNestedTensor` and `maskCheck` change nothing here. */
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, ...rest: Positional<[norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean }>) {
    super();
    const op = 'TransformerEncoder';
    const o = checkOptions(op, foldPositional(op, rest, [{ name: 'norm', is: (v) => v === null || v instanceof Module, expected: 'a Module or null' }, bool('enableNestedTensor'), bool('maskCheck')]) as { norm?: Module | null }, ['norm', 'enableNestedTensor', 'maskCheck'] as never[]);
    this.layers = clones(op, TransformerEncoderLayer, encoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = checkNorm(op, o.norm);
  }

  /** PyTorch's order: `(src, mask, srcKeyPaddingMask, isCausal)`, then an options bag. */
  forward(src: Tensor, ...rest: Positional<[mask: Tensor | null, srcKeyPaddingMask: Tensor | null, isCausal: boolean | null], TransformerEncoderForwardOptions>): Tensor {
    const op = 'TransformerEncoder.forward';
    const o = checkOptions(op, foldPositional(op, rest, [tensorOrNull('mask'), tensorOrNull('srcKeyPaddingMask'), boolOrNull('isCausal')]) as TransformerEncoderForwardOptions, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const mask = o.mask ?? null, kpm = o.srcKeyPaddingMask ?? null;
    const first = this.layers.at(0) as TransformerEncoderLayer;
    const isCausal = detectIsCausal(mask, o.isCausal, seqLen(src, first.selfAttn.batchFirst));
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).call(x, { srcMask: mask, srcKeyPaddingMask: kpm, isCausal });
    return this.norm === null ? x : (this.norm.call as (x: Tensor) => Tensor)(x);
  }
}

export interface TransformerDecoderForwardOptions extends Omit<TransformerDecoderLayerForwardOptions, 'tgtIsCausal'> {
  /** Whether `tgtMask` is the causal mask (default: detected, as PyTorch). */
  tgtIsCausal?: boolean | null;
}

/**
 * A stack of `numLayers` copies of a decoder layer (PyTorch's `nn.TransformerDecoder`), then an
 * optional final `norm`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(16, 4, 32), 2);
 * const tgt = randn([5, 3, 16]), memory = randn([7, 3, 16]);
 * decoder.call(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(5) }).shape; // [5, 3, 16]
 * ```
 */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList;
  readonly numLayers: number;
  readonly norm: Module | null;

  /** PyTorch's `(decoderLayer, numLayers, norm)`. */
  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, ...rest: Positional<[norm: Module | null], { norm?: Module | null }>) {
    super();
    const op = 'TransformerDecoder';
    const o = checkOptions(op, foldPositional(op, rest, [{ name: 'norm', is: (v) => v === null || v instanceof Module, expected: 'a Module or null' }]) as { norm?: Module | null }, ['norm']);
    this.layers = clones(op, TransformerDecoderLayer, decoderLayer, numLayers);
    this.numLayers = numLayers;
    this.norm = checkNorm(op, o.norm);
  }

  /**
   * PyTorch's order: `(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
   * memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal)`, then an options bag.
   */
  forward(tgt: Tensor, memory: Tensor, ...rest: Positional<[tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null, tgtIsCausal: boolean | null, memoryIsCausal: boolean], TransformerDecoderForwardOptions>): Tensor {
    const op = 'TransformerDecoder.forward';
    const o = checkOptions(op, foldPositional(op, rest, [...DECODER_FORWARD_PARAMS, boolOrNull('tgtIsCausal'), bool('memoryIsCausal')]) as TransformerDecoderForwardOptions, DECODER_FORWARD_KEYS);
    const first = this.layers.at(0) as TransformerDecoderLayer;
    const tgtIsCausal = detectIsCausal(o.tgtMask ?? null, o.tgtIsCausal, seqLen(tgt, first.selfAttn.batchFirst));
    const layerOptions: TransformerDecoderLayerForwardOptions = {
      tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null, tgtIsCausal, memoryIsCausal: checkFlag(op, 'memoryIsCausal', o.memoryIsCausal),
    };
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).call(x, memory, layerOptions);
    return this.norm === null ? x : (this.norm.call as (x: Tensor) => Tensor)(x);
  }
}

export interface TransformerOptions extends Omit<TransformerLayerOptions, never> {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Use this encoder instead of building one. */
  customEncoder?: Module | null;
  /** Use this decoder instead of building one. */
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean | null;
  tgtIsCausal?: boolean | null;
  memoryIsCausal?: boolean;
}

type TransformerPositional = [
  dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number,
  activation: Activation, customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number, batchFirst: boolean, normFirst: boolean, bias: boolean,
];
const moduleOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || v instanceof Module, expected: 'a Module or null' });

/**
 * The Transformer of "Attention Is All You Need" (PyTorch's `nn.Transformer`): a
 * `TransformerEncoder` (`encoder`, with a final LayerNorm) and a `TransformerDecoder`
 * (`decoder`, likewise); every parameter with more than one dim re-initialised Xavier-uniform,
 * as PyTorch's `_reset_parameters`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const model = new nn.Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32 });
 * const src = randn([10, 2, 16]), tgt = randn([6, 2, 16]);
 * const mask = nn.Transformer.generateSquareSubsequentMask(6);
 * model.call(src, tgt, { tgtMask: mask }).shape; // [6, 2, 16]
 * ```
 */
export class Transformer extends Module {
  /** The encoder stack (replaceable, as in PyTorch: assign another module). */
  encoder: Module;
  /** The decoder stack (replaceable: word_language_model's TransformerModel puts a Linear here). */
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  /**
   * PyTorch's order: `(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward,
   * dropout, activation, customEncoder, customDecoder, layerNormEps, batchFirst, normFirst,
   * bias)`, all optional, then an options bag.
   */
  constructor(...rest: Positional<TransformerPositional, TransformerOptions>) {
    super();
    const op = 'Transformer';
    const params: PositionalParam[] = [
      num('dModel'), num('nhead'), num('numEncoderLayers'), num('numDecoderLayers'), num('dimFeedforward'), num('dropout'),
      LAYER_PARAMS[2]!, moduleOrNull('customEncoder'), moduleOrNull('customDecoder'), num('layerNormEps'), bool('batchFirst'), bool('normFirst'), bool('bias'),
    ];
    const o = checkOptions(op, foldPositional(op, rest, params) as TransformerOptions, [
      'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'customEncoder', 'customDecoder', ...LAYER_KEYS,
    ]);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...layerOptions } = o;
    const c = layerConfig(op, dModel, nhead, [layerOptions]);
    if (customEncoder !== undefined && customEncoder !== null) this.encoder = customEncoder;
    else {
      const layer = new TransformerEncoderLayer(dModel, nhead, layerOptions);
      this.encoder = new TransformerEncoder(layer, numEncoderLayers, new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias }));
    }
    if (customDecoder !== undefined && customDecoder !== null) this.decoder = customDecoder;
    else {
      const layer = new TransformerDecoderLayer(dModel, nhead, layerOptions);
      this.decoder = new TransformerDecoder(layer, numDecoderLayers, new LayerNorm(dModel, { eps: c.layerNormEps, bias: c.bias }));
    }
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p, c.gen);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = c.batchFirst;
  }

  /**
   * PyTorch's order: `(src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask,
   * tgtKeyPaddingMask, memoryKeyPaddingMask, srcIsCausal, tgtIsCausal, memoryIsCausal)`, then an
   * options bag.
   */
  forward(src: Tensor, tgt: Tensor, ...rest: Positional<[
    srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null,
    tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null, srcIsCausal: boolean | null, tgtIsCausal: boolean | null, memoryIsCausal: boolean,
  ], TransformerForwardOptions>): Tensor {
    const op = 'Transformer.forward';
    const o = checkOptions(op, foldPositional(op, rest, [
      tensorOrNull('srcMask'), tensorOrNull('tgtMask'), tensorOrNull('memoryMask'), tensorOrNull('srcKeyPaddingMask'), tensorOrNull('tgtKeyPaddingMask'),
      tensorOrNull('memoryKeyPaddingMask'), boolOrNull('srcIsCausal'), boolOrNull('tgtIsCausal'), bool('memoryIsCausal'),
    ]) as TransformerForwardOptions, ['srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'srcIsCausal', 'tgtIsCausal', 'memoryIsCausal']);
    const batched = src.ndim === 3;
    if (batched && src.shape[this.batchFirst ? 0 : 1] !== tgt.shape[this.batchFirst ? 0 : 1]) throw new ShapeError(`${op}: the batch number of src and tgt must be equal, got ${src.shape} and ${tgt.shape}`);
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) throw new ShapeError(`${op}: the feature number of src and tgt must be equal to dModel (${this.dModel}), got ${src.shape} and ${tgt.shape}`);
    const memory = (this.encoder.call as (s: Tensor, o: TransformerEncoderForwardOptions) => Tensor)(src, {
      mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal: o.srcIsCausal ?? null,
    });
    return (this.decoder.call as (t: Tensor, m: Tensor, o: TransformerDecoderForwardOptions) => Tensor)(tgt, memory, {
      tgtMask: o.tgtMask ?? null, memoryMask: o.memoryMask ?? null, tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null, tgtIsCausal: o.tgtIsCausal ?? null, memoryIsCausal: o.memoryIsCausal ?? false,
    });
  }

  /**
   * PyTorch's `generate_square_subsequent_mask`: `[sz, sz]`, `-inf` above the diagonal and 0 on
   * and below it (float32 unless `dtype` says otherwise).
   *
   * @example
   * ```ts
   * import { nn } from '@tensile/tensor';
   * nn.Transformer.generateSquareSubsequentMask(3);
   * // tensor([[0., -inf, -inf], [0., 0., -inf], [0., 0., 0.]])
   * ```
   */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: DTypeLike } = {}): Tensor {
    const o = checkOptions('generateSquareSubsequentMask', options, ['dtype']);
    if (typeof sz !== 'number' || !Number.isInteger(sz) || sz < 0) throw new RangeError(`generateSquareSubsequentMask: sz must be a non-negative integer, got ${describe(sz)}`);
    return triu(full([sz, sz], -Infinity, o.dtype === undefined ? {} : { dtype: o.dtype }), 1);
  }
}
