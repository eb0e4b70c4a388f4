/**
 * pytorch/examples `word_language_model/model.py`, its Transformer path ported line for line:
 * `PositionalEncoding` and `TransformerModel`, an `nn.Transformer` whose encoder reads embedded,
 * position-encoded tokens under a causal mask and whose `decoder` is replaced by a linear layer
 * to the vocabulary (as in model.py, the 6-layer decoder the constructor builds is dropped).
 * State-dict keys are PyTorch's (`encoder.layers.0.self_attn.in_proj_weight`, ...,
 * `decoder.weight`, `pos_encoder.pe`, `input_emb.weight`).
 *
 * As in model.py, `dropout` reaches only the positional encoding: the encoder layers keep
 * nn.Transformer's default dropout 0.1 (eval() turns both off).
 */
import { F, arange, exp, nn, stack, tril, ones, log, type Tensor } from '@tensile/tensor';

// Temporarily leave PositionalEncoding module here. Will be moved somewhere else.
/**
 * Inject some information about the relative or absolute position of the tokens in the
 * sequence. The positional encodings have the same dimension as the embeddings, so that the two
 * can be summed. Here, we use sine and cosine functions of different frequencies:
 *   PE(pos, 2i)   = sin(pos / 10000^(2i/d_model))
 *   PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))
 * where pos is the word position and i is the embed idx.
 *
 * `new PositionalEncoding(dModel, dropout = 0.1, maxLen = 5000)`; `call(x)` with x
 * `[sequence length, batch size, embed dim]`.
 */
export class PositionalEncoding extends nn.Module {
  readonly dropout: nn.Dropout;
  readonly pe: Tensor;

  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    if (dModel % 2 !== 0) throw new RangeError(`PositionalEncoding: dModel must be even (sin and cos columns alternate), got ${dModel}`);
    this.dropout = new nn.Dropout({ p: dropout });

    const position = arange(0, maxLen, 1, { dtype: 'float32' }).unsqueeze(1);
    const divTerm = exp(arange(0, dModel, 2).float().mul(-Math.log(10000.0) / dModel));
    // pe[:, 0::2] = sin(position * div_term); pe[:, 1::2] = cos(position * div_term)
    const angles = position.mul(divTerm);
    let pe = stack([angles.sin(), angles.cos()], -1).reshape(maxLen, dModel);
    pe = pe.unsqueeze(0).transpose(0, 1).contiguous();
    this.pe = this.registerBuffer('pe', pe);
  }

  forward(x: Tensor): Tensor {
    x = x.add(this.pe.narrow(0, 0, x.shape[0]!));
    return this.dropout.call(x);
  }
}

/** Container module with an encoder, a recurrent or transformer module, and a decoder. */
export class TransformerModel extends nn.Transformer {
  readonly modelType = 'Transformer';
  srcMask: Tensor | null = null;
  readonly pos_encoder: PositionalEncoding;
  readonly input_emb: nn.Embedding;
  readonly ninp: number;
  declare decoder: nn.Linear;

  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super({ dModel: ninp, nhead, dimFeedforward: nhid, numEncoderLayers: nlayers });
    this.pos_encoder = new PositionalEncoding(ninp, dropout);

    this.input_emb = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    this.decoder = new nn.Linear(ninp, ntoken);

    this.initWeights();
  }

  /** model.py's mask: log(tril(ones)), 0 on and below the diagonal and -inf above. */
  generateSquareSubsequentMask(sz: number): Tensor {
    return log(tril(ones([sz, sz])));
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.input_emb.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  /** `src` `[seq, batch]` token ids; log-probabilities `[seq, batch, ntoken]`. */
  // @ts-expect-error model.py overrides nn.Transformer.forward(src, tgt, ...) with forward(src, has_mask)
  override forward(src: Tensor, hasMask = true): Tensor {
    if (hasMask) {
      if (this.srcMask === null || this.srcMask.shape[0] !== src.shape[0]) {
        const mask = this.generateSquareSubsequentMask(src.shape[0]!);
        this.srcMask = mask;
      }
    } else {
      this.srcMask = null;
    }

    src = this.input_emb.call(src).mul(Math.sqrt(this.ninp));
    src = this.pos_encoder.call(src);
    let output = (this.encoder as nn.TransformerEncoder).call(src, { mask: this.srcMask });
    output = this.decoder.call(output);
    return F.logSoftmax(output, -1);
  }
}
