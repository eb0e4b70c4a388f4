import { writeFileSync } from 'node:fs';
import { ensureOutDir, exitOnError, writing } from '../lib/run-dir.js';
import { renderLines } from '../lib/plot.js';
import { HELP, parseAveragingFlags } from './flags.js';
import { DEFAULTS, METHODS, SERIES, tailMean, train } from './train.js';

const flags = parseAveragingFlags(process.argv.slice(2));
if ('error' in flags) {
  console.error(`averaging: ${flags.error}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const out = flags.out ?? `runs/averaging-${new Date().toISOString().replace(/[:.]/g, '-')}`;
const o = { ...DEFAULTS, ...flags.options };
try {
  ensureOutDir(out); // before the run, so a bad --out costs nothing and writes nothing
} catch (e) {
  exitOnError('averaging', e);
}
console.log(`tensile: noisy linear regression (${o.dim} inputs, noise σ = ${o.noise}), ${o.steps} examples one at a time, lr ${o.lr}.`);
console.log(`ASGD averages from step ${o.swaStart} (t0); SWA averages SGD's weights from step ${o.swaStart} while SWALR anneals lr to ${o.swaLr};`);
console.log(`EMA averages SGD's weights from the first step with decay ${o.emaDecay}. Score: held-out excess error (MSE − σ², 0 is perfect).\n`);
const start = performance.now();
const r = train(flags.options);

const at = (k: number): number => Math.min(r.steps.length - 1, Math.max(0, Math.round(k * r.steps.length) - 1));
const cols = [at(0.1), at(0.25), at(0.5), r.steps.length - 1];
const header = ['weights', ...cols.map((k) => `step ${r.steps[k]}`), 'last 20% mean'];
const rows = SERIES.map((s) => [s, ...cols.map((k) => r.excess[s][k]!.toFixed(4)), tailMean(r.excess[s]).toFixed(4)]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));

const ratios = METHODS.map((m) => [m, tailMean(r.excess[`${m} live`]) / tailMean(r.excess[`${m} average`])] as const);
if (ratios.some(([, x]) => !Number.isFinite(x))) {
  console.log(`\nThe weights diverged at lr ${o.lr}: try a smaller --lr (the default is ${DEFAULTS.lr}).`);
} else {
  console.log(`\nOver the last 20% of the run each average's excess error is lower than its live weights': ${ratios.map(([m, x]) => `${m} ${x.toFixed(1)}x`).join(', ')}.`);
  console.log('ASGD and SWA weigh every iterate since their start equally; EMA forgets old ones (a window of about');
  console.log(`1 / (1 − decay) = ${Math.round(1 / (1 - o.emaDecay))} steps), so it follows the live weights more closely and averages less noise away.`);
}

const svg = await renderLines(
  `ASGD, SWA and EMA at lr ${o.lr}: held-out excess error (log scale)`,
  SERIES.flatMap((s) => r.excess[s].map((y, k) => ({ x: r.steps[k]!, series: s, y: Math.max(y, 1e-6) }))),
  { x: 'step', y: 'excess error (MSE − σ²)', logY: true },
);
try {
  // A full disk or a file-size limit: one line and status 1, not a stack.
  writing(`${out}/curves.svg`, () => writeFileSync(`${out}/curves.svg`, svg));
  writing(`${out}/results.json`, () => writeFileSync(`${out}/results.json`, `${JSON.stringify({ options: o, ...r }, null, 1)}\n`));
} catch (e) {
  exitOnError('averaging', e);
}
console.log(`\nwrote ${out}/curves.svg and results.json  (${((performance.now() - start) / 1000).toFixed(1)} s)`);
