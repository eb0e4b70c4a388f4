import { HELP, parseFlags } from './flags.js';
import { train } from './train.js';

const flags = parseFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`mnist: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const options = { out: `runs/${new Date().toISOString().replace(/[:.]/g, '-')}`, ...flags.options };
const t0 = performance.now();
console.log(`tensile: handwritten digits (MNIST), ${options.model === 'cnn' ? 'LeNet-style CNN' : '784-128-10 MLP'} with ${options.optimizer === 'sgd' ? 'SGD' : 'ASGD'}\n`);
const { epochs } = train({
  ...options,
  log: (line) => console.log(line),
  onEpoch: (e) => console.log(
    `epoch ${e.epoch}  loss ${e.trainLoss.toFixed(4)}  train ${(100 * e.trainAccuracy).toFixed(1)}%  ` +
    `test ${(100 * e.testAccuracy).toFixed(2)}%  averaged ${e.testAccuracyAveraged === null ? '-' : (100 * e.testAccuracyAveraged).toFixed(2) + '%'}  ` +
    `${Math.round(e.examplesPerSecond)} examples/s`,
  ),
});
const last = epochs[epochs.length - 1]!;
console.log(`\nwrote ${options.out}/metrics.jsonl, summary.json and checkpoint.safetensors (continue with --out ${options.out} --resume --epochs N)`);
console.log(`\nheld-out accuracy: live ${(100 * last.testAccuracy).toFixed(2)}%, averaged ${last.testAccuracyAveraged === null ? '-' : (100 * last.testAccuracyAveraged).toFixed(2) + '%'}  in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
