import { parseFlagValues, shown } from '../lib/flags.js';
import { DEFAULTS, MODELS, PYTORCH_DEFAULTS, type Args } from './main.js';

export const HELP = `Usage: npm run word-language-model -w @tensile/examples -- [flags]

PyTorch Wikitext-2 RNN/LSTM/GRU/Transformer Language Model (pytorch/examples
word_language_model/main.py), ported to tensile line for line, trained on Moby-Dick
chapters 1-10 (valid: 11, test: 12) shipped in apps/examples/data.

Defaults are main.py's except where marked *, so that the default run takes seconds.

  --model TYPE        type of network (RNN_TANH, RNN_RELU, LSTM, GRU, Transformer) (default: ${DEFAULTS.model})
  --emsize N          size of word embeddings (default: ${DEFAULTS.emsize} *main.py: ${PYTORCH_DEFAULTS.emsize})
  --nhid N            number of hidden units per layer (default: ${DEFAULTS.nhid} *main.py: ${PYTORCH_DEFAULTS.nhid})
  --nlayers N         number of layers (default: ${DEFAULTS.nlayers})
  --lr LR             initial learning rate (default: ${DEFAULTS.lr})
  --clip C            gradient clipping (default: ${DEFAULTS.clip})
  --epochs N          upper epoch limit (default: ${DEFAULTS.epochs} *main.py: ${PYTORCH_DEFAULTS.epochs})
  --batch_size N      batch size (default: ${DEFAULTS.batchSize})
  --bptt N            sequence length (default: ${DEFAULTS.bptt})
  --dropout P         dropout applied to layers (0 = no dropout) (default: ${DEFAULTS.dropout})
  --tied              tie the word embedding and softmax weights
  --seed S            random seed (default: ${DEFAULTS.seed})
  --log-interval N    report interval (default: ${DEFAULTS.logInterval} *main.py: ${PYTORCH_DEFAULTS.logInterval})
  --save PATH         path to save the final model, as safetensors with PyTorch's keys (default: not saved)
  --nhead N           the number of heads in the encoder/decoder of the transformer model (default: ${DEFAULTS.nhead})
  --dry-run           verify the code and the model
  --help              show this text
`;

export type Flags = { help: true } | { help: false; args: Args } | { error: string };

/** Parses and validates the flags as argparse would; never throws. */
export function parseFlags(argv: readonly string[]): Flags {
  const parsed = parseFlagValues(argv, {
    strings: ['model', 'save'],
    booleans: ['tied', 'dry-run'],
    numeric: {
      emsize: { key: 'emsize', integer: true, min: 1 },
      nhid: { key: 'nhid', integer: true, min: 1 },
      nlayers: { key: 'nlayers', integer: true, min: 1 },
      lr: { key: 'lr', integer: false, min: 0 },
      clip: { key: 'clip', integer: false, min: 0 },
      epochs: { key: 'epochs', integer: true, min: 0 },
      batch_size: { key: 'batchSize', integer: true, min: 1 },
      bptt: { key: 'bptt', integer: true, min: 1 },
      dropout: { key: 'dropout', integer: false, min: 0 },
      seed: { key: 'seed', integer: true, min: 0 },
      'log-interval': { key: 'logInterval', integer: true, min: 1 },
      nhead: { key: 'nhead', integer: true, min: 1 },
    },
  });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  const model = (values['model'] as string | undefined) ?? DEFAULTS.model;
  if (!(MODELS as readonly string[]).includes(model)) return { error: `--model must be one of ${MODELS.join(', ')}, got '${shown(model)}'` };
  if ((numbers['dropout'] ?? 0) > 1) return { error: `--dropout must be a number in [0, 1], got '${numbers['dropout']}'` };
  return {
    help: false,
    args: { ...DEFAULTS, ...numbers, model, save: (values['save'] as string | undefined) ?? '', tied: values['tied'] === true, dryRun: values['dry-run'] === true },
  };
}
