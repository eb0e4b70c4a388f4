import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';

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
const run = main(args);
// Not in main.py: what the run cost, for comparing with PyTorch (README).
const peak = process.resourceUsage().maxRSS * 1024;
if (run.seconds.length > 0) console.log(`seconds per epoch (train + test): ${run.seconds.map((s) => s.toFixed(1)).join(', ')}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
if (args.saveModel) console.log('wrote mnist_cnn.safetensors');
