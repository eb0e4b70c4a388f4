/**
 * pytorch/examples `word_language_model/model.py`, `RNNModel` ported line for line: an
 * embedding encoder, an `nn.LSTM`/`nn.GRU`/`nn.RNN` (tanh or relu), dropout and a linear
 * decoder, optionally tied to the encoder. The `TransformerModel` of the same file belongs to
 * the attention issue (transformer-model.ts).
 */
import { F, nn, type Tensor } from '@tensile/tensor';

export type RNNType = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
/** The recurrent state: `[h, c]` for an LSTM, `h` otherwise. */
export type Hidden = Tensor | [Tensor, Tensor];

/** Container module with an encoder, a recurrent module, and a decoder. */
export class RNNModel extends nn.Module {
  ntoken: number;
  drop: nn.Dropout;
  encoder: nn.Embedding;
  rnn: nn.LSTM | nn.GRU | nn.RNN;
  decoder: nn.Linear;
  rnnType: RNNType;
  nhid: number;
  nlayers: number;

  constructor(rnnType: string, ntoken: number, ninp: number, nhid: number, nlayers: number, dropout = 0.5, tieWeights = false) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnnType === 'LSTM' || rnnType === 'GRU') {
      this.rnn = rnnType === 'LSTM' ? new nn.LSTM(ninp, nhid, nlayers, { dropout }) : new nn.GRU(ninp, nhid, nlayers, { dropout });
    } else {
      const nonlinearity = ({ RNN_TANH: 'tanh', RNN_RELU: 'relu' } as const)[rnnType as 'RNN_TANH' | 'RNN_RELU'];
      if (nonlinearity === undefined) {
        throw new RangeError("An invalid option for `--model` was supplied, options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']");
      }
      this.rnn = new nn.RNN(ninp, nhid, nlayers, { nonlinearity, dropout });
    }
    this.decoder = new nn.Linear(nhid, ntoken);

    // Optionally tie weights as in:
    // "Using the Output Embedding to Improve Language Models" (Press & Wolf 2016)
    // https://arxiv.org/abs/1608.05859
    // and
    // "Tying Word Vectors and Word Classifiers: A Loss Framework for Language Modeling" (Inan et al. 2016)
    // https://arxiv.org/abs/1611.01462
    if (tieWeights) {
      if (nhid !== ninp) throw new RangeError('When using the tied flag, nhid must be equal to emsize');
      this.decoder.weight = this.encoder.weight;
    }

    this.initWeights();

    this.rnnType = rnnType as RNNType;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop.call(this.encoder.call(input));
    let output: Tensor;
    [output, hidden] = this.rnn instanceof nn.LSTM ? this.rnn.call(emb, hidden as [Tensor, Tensor]) : this.rnn.call(emb, hidden as Tensor);
    output = this.drop.call(output);
    let decoded = this.decoder.call(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.logSoftmax(decoded, 1), hidden];
  }

  initHidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.rnnType === 'LSTM') return [weight.newZeros([this.nlayers, bsz, this.nhid]), weight.newZeros([this.nlayers, bsz, this.nhid])];
    return weight.newZeros([this.nlayers, bsz, this.nhid]);
  }
}
