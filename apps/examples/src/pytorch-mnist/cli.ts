import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';
import { exitOnError } from '../lib/run-dir.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`pytorch-mnist: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const { args } = flags;
let run: ReturnType<typeof main>;
try {
  run = main(args);
} catch (e) {
  // --save-model on a full disk: one line and status 1, not a stack. Anything else is a bug.
  exitOnError('pytorch-mnist', e);
}
// Not in main.py: what the run cost, for comparing with PyTorch (README).
const peak = process.resourceUsage().maxRSS * 1024;
if (run.seconds.length > 0) console.log(`seconds per epoch (train + test): ${run.seconds.map((s) => s.toFixed(1)).join(', ')}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
if (args.saveModel) console.log('wrote mnist_cnn.safetensors');
