import { parseFlagValues, shown, type NumericFlag } from '../lib/flags.js';
import type { MnistOptions } from './train.js';

export const HELP = `Usage: npm start -- [flags]      (or: node apps/examples/scripts/run.mjs mnist [flags])

Trains a classifier on MNIST digits and reports held-out accuracy with the live and the
averaged (ASGD) weights.

  --model mlp|cnn          784-128-10 MLP (default) or a LeNet-style CNN
  --optimizer asgd|sgd     ASGD (default) or SGD with momentum 0.9
  --epochs N               passes over the 8000 training digits (default 25; 4 for the CNN)
  --batch-size N           examples per step (default 64)
  --lr X                   learning rate (default 0.2 with ASGD, 0.02 with SGD; 0.05 and 0.01
                           for the CNN)
  --lambd X                ASGD decay term (default 1e-4)
  --alpha X                ASGD eta power (default 0.75)
  --t0 N                   ASGD step at which averaging starts (default 1500; 300 for the CNN)
  --weight-decay X         L2 penalty (default 0)
  --seed N                 seed for the split, the initialisation and the shuffling (default 0)
  --out DIR                write metrics.jsonl, summary.json and a checkpoint per epoch to DIR
                           (default runs/<timestamp>)
  --resume                 continue the run in --out DIR from its last checkpoint, with its
                           settings; --epochs, --batch-size, --lr, --lambd, --alpha, --t0 and
                           --weight-decay given with it override them (the run says which), and
                           each epoch's metrics record what it ran with. The seed, model and
                           optimizer stay the checkpoint's.
  --help                   show this text

Exit status: 0 done; 2 a flag, --out or a checkpoint cannot be used (found before the run,
nothing written); 1 the system failed the run (a full disk, a file-size limit, an I/O error:
temporary files removed, the last checkpoint intact, continue with --resume).
`;

export type FlagsResult = { help: true } | { help: false; options: MnistOptions } | { error: string };

const numeric: Record<string, NumericFlag> = {
  epochs: { key: 'epochs', integer: true, min: 1 },
  'batch-size': { key: 'batchSize', integer: true, min: 1 },
  lr: { key: 'lr', integer: false, min: 0 },
  lambd: { key: 'lambd', integer: false, min: 0 },
  alpha: { key: 'alpha', integer: false, min: 0 },
  t0: { key: 't0', integer: false, min: 0 },
  'weight-decay': { key: 'weightDecay', integer: false, min: 0 },
  seed: { key: 'seed', integer: true, min: 0 },
};

/** Parses and validates the flags; never throws and never touches the file system. */
export function parseFlags(argv: readonly string[]): FlagsResult {
  const parsed = parseFlagValues(argv, { strings: ['out', 'model', 'optimizer'], booleans: ['resume'], numeric });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  const options: MnistOptions = {};
  const out = values['out'];
  if (out !== undefined) {
    if (String(out).trim() === '') return { error: "--out must name a directory, got ''" };
    options.out = String(out);
  }
  if (values['resume']) {
    if (out === undefined) return { error: '--resume needs --out DIR (the run to continue)' };
    options.resume = true;
  }
  const model = values['model'];
  if (model !== undefined) {
    if (model !== 'mlp' && model !== 'cnn') return { error: `--model must be mlp or cnn, got '${shown(String(model))}'` };
    options.model = model;
  }
  const optimizer = values['optimizer'];
  if (optimizer !== undefined) {
    if (optimizer !== 'asgd' && optimizer !== 'sgd') return { error: `--optimizer must be asgd or sgd, got '${shown(String(optimizer))}'` };
    options.optimizer = optimizer;
  }
  Object.assign(options, numbers);
  return { help: false, options };
}
