/**
 * A character-level GPT in the style of Andrej Karpathy's "Let's build GPT: from scratch, in
 * code, spelled out" (gpt.py of karpathy/ng-video-lecture), ported to tensile module for module:
 * token and position embeddings, blocks of pre-norm causal self-attention (heads of key, query
 * and value projections) and a feed-forward network, a final LayerNorm and a linear head. As in
 * nanoGPT the feed-forward activation is GELU (the lecture's ReLU is one flag away).
 *
 * The causal self-attention of a head is written two ways, selected by `attention`:
 *   'tril'  the lecture's: q·kᵀ·hs^-0.5, masked with a lower-triangular buffer and maskedFill,
 *           softmax, dropout, times v;
 *   'sdpa'  the same head through F.scaledDotProductAttention(q, k, v, { isCausal: true }).
 * Both hold the same parameters (state-dict keys are PyTorch's: `blocks.0.sa.heads.0.key.weight`
 * ...), so one set of weights runs either way.
 */
import { F, arange, cat, int64, multinomial, nn, noGrad, tensor, tril, ones, type Generator, type Tensor } from '@tensile/tensor';

export interface GPTConfig {
  vocabSize: number;
  /** Context length (block_size). */
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  /** How a head attends: the lecture's tril + maskedFill, or F.scaledDotProductAttention. */
  attention: 'tril' | 'sdpa';
  /** The feed-forward activation (default GELU). */
  activation?: 'gelu' | 'relu';
}

/** One head of self-attention. */
export class Head extends nn.Module {
  readonly key: nn.Linear;
  readonly query: nn.Linear;
  readonly value: nn.Linear;
  readonly dropout: nn.Dropout;
  readonly tril: Tensor;

  constructor(private readonly config: GPTConfig, headSize: number) {
    super();
    this.key = new nn.Linear(config.nEmbd, headSize, false);
    this.query = new nn.Linear(config.nEmbd, headSize, false);
    this.value = new nn.Linear(config.nEmbd, headSize, false);
    this.tril = this.registerBuffer('tril', tril(ones([config.blockSize, config.blockSize])));
    this.dropout = new nn.Dropout(config.dropout);
  }

  forward(x: Tensor): Tensor {
    const T = x.shape[1]!;
    const k = this.key.call(x); // (B,T,hs)
    const q = this.query.call(x); // (B,T,hs)
    const v = this.value.call(x); // (B,T,hs)
    if (this.config.attention === 'sdpa') {
      return F.scaledDotProductAttention(q, k, v, { isCausal: true, dropoutP: this.training ? this.config.dropout : 0 });
    }
    let wei = q.matmul(k.transpose(-2, -1)).mul(k.shape[k.ndim - 1]! ** -0.5); // (B,T,T)
    wei = wei.maskedFill(this.tril.narrow(0, 0, T).narrow(1, 0, T).eq(0), -Infinity);
    wei = F.softmax(wei, -1);
    wei = this.dropout.call(wei);
    return wei.matmul(v); // (B,T,hs)
  }
}

/** Several heads in parallel, concatenated and projected. */
export class MultiHeadAttention extends nn.Module {
  readonly heads: nn.ModuleList;
  readonly proj: nn.Linear;
  readonly dropout: nn.Dropout;

  constructor(config: GPTConfig, numHeads: number, headSize: number) {
    super();
    this.heads = new nn.ModuleList(Array.from({ length: numHeads }, () => new Head(config, headSize)));
    this.proj = new nn.Linear(headSize * numHeads, config.nEmbd);
    this.dropout = new nn.Dropout(config.dropout);
  }

  forward(x: Tensor): Tensor {
    const out = cat([...this.heads].map((h) => (h as Head).call(x)), -1);
    return this.dropout.call(this.proj.call(out));
  }
}

/** A linear layer, the activation, a linear layer back, dropout. */
export class FeedForward extends nn.Module {
  readonly net: nn.Sequential;

  constructor(config: GPTConfig) {
    super();
    const n = config.nEmbd;
    this.net = new nn.Sequential(new nn.Linear(n, 4 * n), config.activation === 'relu' ? new nn.ReLU() : new nn.GELU(), new nn.Linear(4 * n, n), new nn.Dropout(config.dropout));
  }

  forward(x: Tensor): Tensor {
    return this.net.call(x);
  }
}

/** Communication (attention) followed by computation (feed-forward), pre-norm and residual. */
export class Block extends nn.Module {
  readonly sa: MultiHeadAttention;
  readonly ffwd: FeedForward;
  readonly ln1: nn.LayerNorm;
  readonly ln2: nn.LayerNorm;

  constructor(config: GPTConfig) {
    super();
    const headSize = Math.floor(config.nEmbd / config.nHead);
    this.sa = new MultiHeadAttention(config, config.nHead, headSize);
    this.ffwd = new FeedForward(config);
    this.ln1 = new nn.LayerNorm(config.nEmbd);
    this.ln2 = new nn.LayerNorm(config.nEmbd);
  }

  forward(x: Tensor): Tensor {
    x = x.add(this.sa.call(this.ln1.call(x)));
    return x.add(this.ffwd.call(this.ln2.call(x)));
  }
}

/** The language model: `call(idx)` gives logits `[B, T, vocab]`; `loss(idx, targets)` the cross-entropy. */
export class GPTLanguageModel extends nn.Module {
  readonly token_embedding_table: nn.Embedding;
  readonly position_embedding_table: nn.Embedding;
  readonly blocks: nn.Sequential;
  readonly ln_f: nn.LayerNorm;
  readonly lm_head: nn.Linear;

  constructor(readonly config: GPTConfig) {
    super();
    if (config.nEmbd % config.nHead !== 0) throw new RangeError(`GPT: nEmbd (${config.nEmbd}) must be divisible by nHead (${config.nHead})`);
    this.token_embedding_table = new nn.Embedding(config.vocabSize, config.nEmbd);
    this.position_embedding_table = new nn.Embedding(config.blockSize, config.nEmbd);
    this.blocks = new nn.Sequential(...Array.from({ length: config.nLayer }, () => new Block(config)));
    this.ln_f = new nn.LayerNorm(config.nEmbd);
    this.lm_head = new nn.Linear(config.nEmbd, config.vocabSize);
    // _init_weights: N(0, 0.02) for linear and embedding weights, zero linear biases
    this.apply((m) => {
      if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.02);
        if (m.bias !== null) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.Embedding) {
        nn.init.normal_(m.weight, 0, 0.02);
      }
    });
  }

  forward(idx: Tensor): Tensor {
    const T = idx.shape[1]!;
    const tokEmb = this.token_embedding_table.call(idx); // (B,T,C)
    const posEmb = this.position_embedding_table.call(arange(T)); // (T,C)
    const x = this.ln_f.call(this.blocks.call(tokEmb.add(posEmb)));
    return this.lm_head.call(x); // (B,T,vocab)
  }

  /**
   * The lecture's `generate`: `maxNewTokens` tokens after `context`, each drawn with
   * `multinomial` from the softmax of the last position's logits (the context cropped to the last
   * `blockSize` tokens), in eval mode and without a graph.
   */
  generate(context: readonly number[], maxNewTokens: number, generator?: Generator): number[] {
    const idx = [...context];
    const wasTraining = this.training;
    this.eval();
    noGrad(() => {
      for (let n = 0; n < maxNewTokens; n++) {
        const cond = idx.slice(-this.config.blockSize);
        const logits = this.forward(tensor([cond], { dtype: int64 })).select(1, cond.length - 1); // (1, vocab)
        const probs = F.softmax(logits, -1);
        const next = multinomial(probs, 1, generator ? { generator } : {});
        idx.push(Number(next.toBigInt64Array()[0]));
      }
    });
    this.train(wasTraining);
    return idx;
  }

  /** The mean cross-entropy of predicting `targets` `[B, T]` from `idx` `[B, T]`. */
  loss(idx: Tensor, targets: Tensor): Tensor {
    const logits = this.forward(idx);
    const [B, T, C] = logits.shape as [number, number, number];
    return F.crossEntropy(logits.view(B * T, C), targets.view(B * T));
  }
}
