import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type CompareOptions } from './train.js';

export const HELP = `Usage: npm run asgd-vs-sgd -w @tensile/examples -- [flags]

Trains one noisy linear regression three ways (SGD, ASGD live, ASGD averaged) and shows why
averaging helps at a constant learning rate.

  --steps N      examples seen, one per step (default ${DEFAULTS.steps})
  --lr X         the learning rate both optimizers use (default ${DEFAULTS.lr})
  --t0 N         the step at which ASGD starts averaging (default ${DEFAULTS.t0})
  --seed N       seed for the data and its order (default ${DEFAULTS.seed})
  --out DIR      where curves.svg and results.json go (default runs/asgd-vs-sgd-<timestamp>)
  --help         show this text
`;

export type CompareFlags = { help: true } | { help: false; options: CompareOptions; out: string | undefined } | { error: string };

/** Parses and validates the flags; never throws and never touches the file system. */
export function parseCompareFlags(argv: readonly string[]): CompareFlags {
  const parsed = parseFlagValues(argv, {
    strings: ['out'],
    numeric: {
      steps: { key: 'steps', integer: true, min: 100 },
      lr: { key: 'lr', integer: false, min: 0 },
      t0: { key: 't0', integer: true, min: 0 },
      seed: { key: 'seed', integer: true, min: 0 },
    },
  });
  if ('error' in parsed) return parsed;
  if (parsed.values['help']) return { help: true };
  const out = parsed.values['out'];
  if (out !== undefined && String(out).trim() === '') return { error: "--out must name a directory, got ''" };
  return { help: false, options: parsed.numbers as CompareOptions, out: out === undefined ? undefined : String(out) };
}
