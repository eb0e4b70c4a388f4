import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type Args } from './main.js';

export const HELP = `Usage: npm run pytorch-mnist -w @tensile/examples -- [flags]

PyTorch MNIST Example (pytorch/examples mnist/main.py), ported to tensile line for line.
Trains on a fixed 8,000-digit split of the npm package mnist and tests on the other 2,000.

  --batch-size N        input batch size for training (default: ${DEFAULTS.batchSize})
  --test-batch-size N   input batch size for testing (default: ${DEFAULTS.testBatchSize})
  --epochs N            number of epochs to train (default: ${DEFAULTS.epochs})
  --lr LR               learning rate (default: ${DEFAULTS.lr.toFixed(1)})
  --gamma M             Learning rate step gamma (default: ${DEFAULTS.gamma})
  --no-cuda, --no-mps, --no-accel
                        accepted and ignored: tensile runs on the CPU
  --dry-run             quickly check a single pass
  --seed S              random seed (default: ${DEFAULTS.seed})
  --log-interval N      how many batches to wait before logging training status
  --save-model          For Saving the current Model (mnist_cnn.safetensors, PyTorch's keys)
  --help                show this text
`;

export type Flags = { help: true } | { help: false; args: Args } | { error: string };

/** Parses and validates the flags as argparse would (types, and counts >= 1); never throws. */
export function parseFlags(argv: readonly string[]): Flags {
  const parsed = parseFlagValues(argv, {
    booleans: ['no-cuda', 'no-mps', 'no-accel', 'dry-run', 'save-model'],
    numeric: {
      'batch-size': { key: 'batchSize', integer: true, min: 1 },
      'test-batch-size': { key: 'testBatchSize', integer: true, min: 1 },
      epochs: { key: 'epochs', integer: true, min: 0 },
      lr: { key: 'lr', integer: false, min: 0 },
      gamma: { key: 'gamma', integer: false, min: 0 },
      seed: { key: 'seed', integer: true, min: 0 },
      'log-interval': { key: 'logInterval', integer: true, min: 1 },
    },
  });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  return {
    help: false,
    args: { ...DEFAULTS, ...numbers, dryRun: values['dry-run'] === true, saveModel: values['save-model'] === true },
  };
}
