import { HELP, parseFlags } from './flags.js';
import { main } from './main.js';
import { exitOnError } from '../lib/run-dir.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`dcgan: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const t0 = performance.now();
let run: ReturnType<typeof main>;
try {
  run = main(flags.opt);
} catch (e) {
  exitOnError('dcgan', e);
}
// Not in main.py: where the files went and what the run cost.
const seconds = (performance.now() - t0) / 1000;
console.log(`${run.steps.length} iterations in ${seconds.toFixed(1)} s (${(seconds / Math.max(1, run.steps.length)).toFixed(2)} s each); wrote ${run.files.join(', ')}`);
