import { writeFileSync } from 'node:fs';
import { ensureOutDir, exitOnError, writing } from '../lib/run-dir.js';
import { renderLines } from '../lib/plot.js';
import { HELP, parseCompareFlags } from './flags.js';
import { DEFAULTS, METHODS, tailMean, train } from './train.js';

const flags = parseCompareFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`asgd-vs-sgd: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const out = flags.out ?? `runs/asgd-vs-sgd-${new Date().toISOString().replace(/[:.]/g, '-')}`;
const { steps, lr, t0, seed, dim, noise } = { ...DEFAULTS, ...flags.options };
try {
  ensureOutDir(out); // before the run, so a bad --out costs nothing and writes nothing
} catch (e) {
  exitOnError('asgd-vs-sgd', e);
}
console.log(`tensile: noisy linear regression (${dim} inputs, noise σ = ${noise}), ${steps} examples one at a time, lr ${lr} for both`);
console.log(`optimizers; ASGD averages from step ${t0}. Score: held-out excess error (MSE − σ², 0 is perfect).\n`);
const start = performance.now();
const r = train(flags.options);

const at = (k: number): number => Math.min(r.steps.length - 1, Math.max(0, Math.round(k * r.steps.length) - 1));
const cols = [at(0.1), at(0.25), at(0.5), r.steps.length - 1];
const header = ['method', ...cols.map((k) => `step ${r.steps[k]}`), 'last 20% mean'];
const rows = METHODS.map((m) => [m, ...cols.map((k) => r.excess[m][k]!.toFixed(4)), tailMean(r.excess[m]).toFixed(4)]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));

const sgd = tailMean(r.excess['SGD']), avg = tailMean(r.excess['ASGD (averaged)']);
if (!Number.isFinite(sgd) || !Number.isFinite(avg)) {
  // Too large a step makes plain SGD on this problem diverge; a ratio of NaNs would say nothing.
  console.log(`\nThe weights diverged at lr ${lr}: try a smaller --lr (the default is ${DEFAULTS.lr}).`);
} else {
  console.log(`\nAt the same learning rate the averaged iterate's excess error is ${(sgd / avg).toFixed(1)}x lower than SGD's:`);
  console.log('SGD and ASGD\'s live weights keep bouncing around the optimum; their average does not.');
}

const svg = await renderLines(
  `SGD vs ASGD at lr ${lr}: held-out excess error (log scale)`,
  METHODS.flatMap((m) => r.excess[m].map((y, k) => ({ x: r.steps[k]!, series: m, y: Math.max(y, 1e-6) }))),
  { x: 'step', y: 'excess error (MSE − σ²)', logY: true },
);
try {
  // A full disk or a file-size limit: one line and status 1, not a stack.
  writing(`${out}/curves.svg`, () => writeFileSync(`${out}/curves.svg`, svg));
  writing(`${out}/results.json`, () => writeFileSync(`${out}/results.json`, `${JSON.stringify({ options: { steps, lr, t0, seed, dim, noise }, ...r }, null, 1)}\n`));
} catch (e) {
  exitOnError('asgd-vs-sgd', e);
}
console.log(`\nwrote ${out}/curves.svg and results.json  (${((performance.now() - start) / 1000).toFixed(1)} s)`);
