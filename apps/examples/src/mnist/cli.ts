import cliProgress from 'cli-progress';
import { writeFileSync } from 'node:fs';
import { renderCurves } from '../lib/plot.js';
import { HELP, parseFlags } from './flags.js';
import { train, type EpochResult } from './train.js';
import { exitOnError, writing } from '../lib/run-dir.js';

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
const pct = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);
let bar: cliProgress.SingleBar | null = null;
let epochStart = performance.now();
let run: ReturnType<typeof train>;
let ran = { model: options.model ?? 'mlp', optimizer: options.optimizer ?? 'asgd' };
try {
  run = train({
  ...options,
  // On --resume the model and optimizer are the checkpoint's: the header waits for them.
  onStart: ({ model, optimizer }) => {
    console.log(`tensile: handwritten digits (MNIST), ${model === 'cnn' ? 'LeNet-style CNN' : '784-128-10 MLP'} with ${optimizer === 'sgd' ? 'SGD' : 'ASGD'}\n`);
    ran = { model, optimizer };
  },
  log: (line) => console.log(line),
  onBatch: ({ epoch, batch, batches, examples, loss, accuracy }) => {
    if (batch === 1) {
      epochStart = performance.now();
      bar = new cliProgress.SingleBar({
        format: `epoch ${String(epoch).padStart(2)} [{bar}] {percentage}% | loss {loss} | train acc {acc} | {speed} ex/s`,
        hideCursor: true,
        clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
      bar.start(batches, 0, { loss: '-', acc: '-', speed: '-' });
    }
    const seconds = (performance.now() - epochStart) / 1000;
    bar!.update(batch, { loss: loss.toFixed(4), acc: `${(100 * accuracy).toFixed(1)}%`, speed: Math.round(examples / Math.max(seconds, 1e-3)) });
    if (batch === batches) bar!.stop();
  },
  onEpoch: (e: EpochResult) => console.log(
    `epoch ${String(e.epoch).padStart(2)}  loss ${e.trainLoss.toFixed(4)}  train ${(100 * e.trainAccuracy).toFixed(1)}%  ` +
    `test ${pct(e.testAccuracy)}  averaged ${pct(e.testAccuracyAveraged)}  ${Math.round(e.examplesPerSecond)} examples/s`,
  ),
  });
} catch (e) {
  // A user's mistake (a path, a checkpoint): one line, status 2; a full disk: one line, status 1.
  // Anything else is a bug: its stack.
  exitOnError('mnist', e, () => (bar as cliProgress.SingleBar | null)?.stop());
}
const { epochs } = run;
const header = ['epoch', 'train loss', 'test (live)', 'test (averaged)', 'examples/s'];
const rows = epochs.map((e) => [String(e.epoch), e.trainLoss.toFixed(4), pct(e.testAccuracy), pct(e.testAccuracyAveraged), String(Math.round(e.examplesPerSecond))]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(`\nsummary\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
const svg = await renderCurves(
  `MNIST, ${ran.model} with ${ran.optimizer}`,
  epochs.map((e) => ({ x: e.epoch, series: 'training loss', y: e.trainLoss })),
  epochs.flatMap((e) => [
    { x: e.epoch, series: 'test accuracy (live)', y: e.testAccuracy },
    ...(e.testAccuracyAveraged === null ? [] : [{ x: e.epoch, series: 'test accuracy (averaged)', y: e.testAccuracyAveraged }]),
  ]),
);
try {
  writing(`${options.out}/curves.svg`, () => writeFileSync(`${options.out}/curves.svg`, svg));
} catch (e) {
  exitOnError('mnist', e);
}
const last = epochs[epochs.length - 1]!;
console.log(`\nwrote ${options.out}/metrics.jsonl, summary.json, curves.svg and checkpoint.safetensors (continue with --out ${options.out} --resume --epochs N)`);
console.log(`\nheld-out accuracy: live ${pct(last.testAccuracy)}, averaged ${pct(last.testAccuracyAveraged)}  in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
