import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type AveragingOptions } from './train.js';

export const HELP = `Usage: npm run averaging -w @tensile/examples -- [flags]

Trains one noisy linear regression with ASGD, with SWA (SGD + SWALR + AveragedModel) and with
EMA (SGD + AveragedModel with getEmaMultiAvgFn), and compares each average with its live weights.

  --steps N        examples seen, one per step (default ${DEFAULTS.steps})
  --lr X           the learning rate of the three optimizers (default ${DEFAULTS.lr})
  --swa-start N    the step from which ASGD and SWA average (default ${DEFAULTS.swaStart})
  --swa-lr X       the lr SWALR anneals to from --swa-start (default ${DEFAULTS.swaLr})
  --ema-decay X    EMA's decay per step, in [0, 1] (default ${DEFAULTS.emaDecay})
  --seed N         seed for the data, its order and the initialization (default ${DEFAULTS.seed})
  --out DIR        where curves.svg and results.json go (default runs/averaging-<timestamp>)
  --help           show this text
`;

export type AveragingFlags = { help: true } | { help: false; options: AveragingOptions; out: string | undefined } | { error: string };

/** Parses and validates the flags; never throws and never touches the file system. */
export function parseAveragingFlags(argv: readonly string[]): AveragingFlags {
  const parsed = parseFlagValues(argv, {
    strings: ['out'],
    numeric: {
      'steps': { key: 'steps', integer: true, min: 100 },
      'lr': { key: 'lr', integer: false, min: 0 },
      'swa-start': { key: 'swaStart', integer: true, min: 1 },
      'swa-lr': { key: 'swaLr', integer: false, min: 0 },
      'ema-decay': { key: 'emaDecay', integer: false, min: 0 },
      'seed': { key: 'seed', integer: true, min: 0 },
    },
  });
  if ('error' in parsed) return parsed;
  if (parsed.values['help']) return { help: true };
  const decay = parsed.numbers['emaDecay'];
  if (decay !== undefined && decay > 1) return { error: `--ema-decay must be a number in [0, 1], got '${String(parsed.values['ema-decay'])}'` };
  const out = parsed.values['out'];
  if (out !== undefined && String(out).trim() === '') return { error: "--out must name a directory, got ''" };
  return { help: false, options: parsed.numbers as AveragingOptions, out: out === undefined ? undefined : String(out) };
}
