import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type Args } from './main.js';

export const HELP = `Usage: npm run gpt -w @tensile/examples -- [flags]

A character-level GPT ("Let's build GPT", karpathy/ng-video-lecture gpt.py) trained on
apps/examples/data/moby-dick.txt with AdamW; prints losses and samples drawn with multinomial.
The defaults train a small model for ${DEFAULTS.iters} steps (well under a minute).

  --iters N            training steps (default: ${DEFAULTS.iters})
  --batch-size N       sequences per batch (default: ${DEFAULTS.batchSize})
  --block-size N       context length (default: ${DEFAULTS.blockSize})
  --n-embd N           embedding width (default: ${DEFAULTS.nEmbd})
  --n-head N           attention heads per block (default: ${DEFAULTS.nHead})
  --n-layer N          blocks (default: ${DEFAULTS.nLayer})
  --dropout P          dropout probability (default: ${DEFAULTS.dropout})
  --lr LR              AdamW learning rate (default: ${DEFAULTS.lr})
  --eval-interval N    steps between loss estimates (default: ${DEFAULTS.evalInterval})
  --eval-iters N       batches per loss estimate (default: ${DEFAULTS.evalIters})
  --sample-tokens N    characters in the final sample (default: ${DEFAULTS.sampleTokens})
  --seed S             random seed (default: ${DEFAULTS.seed})
  --attention A        'tril' (the lecture's tril + maskedFill) or 'sdpa' (F.scaledDotProductAttention) (default: ${DEFAULTS.attention})
  --activation A       feed-forward activation, 'gelu' or 'relu' (default: ${DEFAULTS.activation})
  --help               show this text

The lecture's size: --n-embd 384 --n-head 6 --n-layer 6 --block-size 256 --batch-size 64 --dropout 0.2 --lr 3e-4 --iters 5000
`;

export type Flags = { help: true } | { help: false; args: Args } | { error: string };

/** Parses and validates the flags; never throws. */
export function parseFlags(argv: readonly string[]): Flags {
  const parsed = parseFlagValues(argv, {
    strings: ['attention', 'activation'],
    numeric: {
      iters: { key: 'iters', integer: true, min: 1 },
      'batch-size': { key: 'batchSize', integer: true, min: 1 },
      'block-size': { key: 'blockSize', integer: true, min: 1 },
      'n-embd': { key: 'nEmbd', integer: true, min: 1 },
      'n-head': { key: 'nHead', integer: true, min: 1 },
      'n-layer': { key: 'nLayer', integer: true, min: 1 },
      dropout: { key: 'dropout', integer: false, min: 0 },
      lr: { key: 'lr', integer: false, min: 0 },
      'eval-interval': { key: 'evalInterval', integer: true, min: 1 },
      'eval-iters': { key: 'evalIters', integer: true, min: 1 },
      'sample-tokens': { key: 'sampleTokens', integer: true, min: 0 },
      seed: { key: 'seed', integer: true, min: 0 },
    },
  });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  const attention = values['attention'] ?? DEFAULTS.attention;
  if (attention !== 'tril' && attention !== 'sdpa') return { error: `--attention must be 'tril' or 'sdpa', got ${JSON.stringify(attention)}` };
  const activation = values['activation'] ?? DEFAULTS.activation;
  if (activation !== 'gelu' && activation !== 'relu') return { error: `--activation must be 'gelu' or 'relu', got ${JSON.stringify(activation)}` };
  const args: Args = { ...DEFAULTS, ...numbers, attention, activation };
  if (args.dropout > 1) return { error: `--dropout must be at most 1, got ${args.dropout}` };
  if (args.nEmbd % args.nHead !== 0) return { error: `--n-embd (${args.nEmbd}) must be divisible by --n-head (${args.nHead})` };
  return { help: false, args };
}
