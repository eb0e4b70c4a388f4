import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, PYTORCH_DEFAULTS, type Args } from './main.js';

export const HELP = `Usage: npm run time-sequence-prediction -w @tensile/examples -- [flags]

pytorch/examples time_sequence_prediction (generate_sine_wave.py + train.py), ported to tensile
line for line: two LSTMCells and a Linear learn sine waves, float64, LBFGS at lr 0.8.

  --steps N     steps to run (default: ${DEFAULTS.steps} *train.py: ${PYTORCH_DEFAULTS.steps})
  --length N    time steps of each wave to train on, at most 999 (default: ${DEFAULTS.length} *train.py: ${PYTORCH_DEFAULTS.length})
  --future N    steps to predict past the test input (default: ${DEFAULTS.future} *train.py: ${PYTORCH_DEFAULTS.future})
  --help        show this text

* shortened so that the default run takes seconds; train.py's run is
  --steps 15 --length 999 --future 1000 (about a minute per closure here).
`;

export type Flags = { help: true } | { help: false; args: Args } | { error: string };

export function parseFlags(argv: readonly string[]): Flags {
  const parsed = parseFlagValues(argv, {
    numeric: {
      steps: { key: 'steps', integer: true, min: 0 },
      length: { key: 'length', integer: true, min: 1 },
      future: { key: 'future', integer: true, min: 0 },
    },
  });
  if ('error' in parsed) return parsed;
  if (parsed.values['help']) return { help: true };
  const args = { ...DEFAULTS, ...parsed.numbers } as Args;
  if (args.length > 999) return { error: `--length must be at most 999 (the waves have 1000 steps), got '${args.length}'` };
  return { help: false, args };
}
