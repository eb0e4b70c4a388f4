import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';
import { exitOnError } from '../lib/run-dir.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`vae: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const t0 = performance.now();
let run: ReturnType<typeof main>;
try {
  run = main(flags.args);
} catch (e) {
  exitOnError('vae', e);
}
// Not in main.py: where the grids went and what the run cost.
console.log(`${flags.args.epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${run.files.length} PNG files to ${flags.args.results}`);
