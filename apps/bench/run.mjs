// `npm run bench`: bundles bench/cases.ts from TypeScript source, runs every case in a fresh
// Node process several times, prints medians with spread and writes BENCHMARKS.md.
// Usage: node bench/run.mjs [--runs N] [case-name-filter]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const filter = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const bundle = join(here, '.out', 'cases.mjs');
await build({ entryPoints: [join(here, 'cases.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['@tensile/source'], outfile: bundle, logLevel: 'warning' });

const names = execFileSync(process.execPath, [bundle, '--list'], { encoding: 'utf8' }).trim().split('\n').filter((n) => !filter || n.includes(filter));
const saved = join(here, '.out', 'results.json');
// A filtered run updates the saved results of its cases; BENCHMARKS.md is rewritten from all of them.
const results = filter && existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {};
for (const name of names) {
  const values = [];
  let unit = '', check;
  for (let r = 0; r < runs; r++) {
    const line = execFileSync(process.execPath, [bundle, name], { encoding: 'utf8' }).trim().split('\n').pop();
    const o = JSON.parse(line);
    values.push(o.value);
    unit = o.unit;
    check = o.check;
  }
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)];
  results[name] = { median, min: values[0], max: values[values.length - 1], unit, check, runs };
  console.log(`${name.padEnd(30)} ${fmt(median).padStart(9)} ${unit}  (${fmt(values[0])}–${fmt(values[values.length - 1])}, ${runs} runs)${check !== undefined ? `  loss ${check.toFixed(6)}` : ''}`);
}

function fmt(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3); }
const row = (label, name, base, higherIsBetter) => {
  const r = results[name];
  if (!r) return '';
  const b = base ? results[base] : undefined;
  const ratio = b ? (higherIsBetter ? r.median / b.median : b.median / r.median) : undefined;
  return `| ${label} | ${fmt(r.median)} ${r.unit} | ${fmt(r.min)}–${fmt(r.max)} (${r.runs ?? '?'} runs) | ${ratio !== undefined ? `${ratio.toFixed(2)}× ${base}` : ''} |\n`;
};

writeFileSync(saved, JSON.stringify(results));
{
  const cpu = cpus()[0]?.model ?? 'unknown';
  let md = `# Benchmarks\n\nMeasured by \`npm run bench\` (\`node bench/run.mjs\`, 5 runs per case; \`node bench/run.mjs asgd-\` re-measures only the cases whose name contains \`asgd-\`): each run of a case is a fresh Node process; the table shows the median and the spread (min–max). Ratios compare with baselines measured in the same run; above 1 means we are faster. No timing is asserted in any test.\n\n`;
  md += `- Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB\n- Node ${process.version}, single thread, pure-JS kernels\n- Date: ${new Date().toISOString().slice(0, 10)}\n\n`;
  md += `## Tensor engine\n\n| case | median | spread | speed vs baseline |\n|---|---|---|---|\n`;
  md += row('matmul 256×256', 'matmul-256', 'matmul-256-plain', true) + row('matmul 256×256, plain i-k-j loop', 'matmul-256-plain') + row('matmul 1024×1024', 'matmul-1024', 'matmul-1024-plain', true) + row('matmul 1024×1024, plain i-k-j loop', 'matmul-1024-plain')
    + row('matmul [64,784]·[784,256] (MLP forward, B a transposed weight)', 'matmul-mlp-fwd') + row('matmul [64,256]·[256,10] (MLP forward, layer 2)', 'matmul-mlp-fwd2')
    + row('matmul [64,256]·[256,784] (MLP backward, input grad)', 'matmul-mlp-dx') + row('matmul [784,64]·[64,256] (MLP backward, weight grad, A a transposed view)', 'matmul-mlp-dw');
  md += row('add, 1M floats', 'add-1M', 'add-1M-plain', false) + row('mul, 1M floats', 'mul-1M', 'add-1M-plain', false) + row('tanh, 1M floats', 'tanh-1M') + row('add, 1M floats, plain loop', 'add-1M-plain');
  md += row('MLP 784-256-10, batch 64, step with SGD', 'mlp-step-sgd', 'mlp-step-plain', false) + row('MLP step with ASGD', 'mlp-step-asgd', 'mlp-step-plain', false) + row('MLP step, hand-written Float32Array loops', 'mlp-step-plain');
  const l1 = results['mlp-step-sgd']?.check, l2 = results['mlp-step-plain']?.check;
  if (l1 !== undefined && l2 !== undefined) md += `\nSame work check: first-step loss ${l1.toFixed(6)} (ours) vs ${l2.toFixed(6)} (hand-written), same weights and batch.\n`;
  md += `\n## ASGD step (10 tensors), ns per parameter\n\n| case | median | spread | vs hand-written fused loop |\n|---|---|---|---|\n`;
  for (const total of ['1M', '10M']) for (const avg of ['noavg', 'avg']) {
    const base = `asgd-${total}-${avg}-plain`;
    for (const path of ['forloop', 'foreach']) md += row(`${total} params, averaging ${avg === 'avg' ? 'on' : 'off'}, ${path === 'foreach' ? 'foreach (fused)' : 'for-loop'}`, `asgd-${total}-${avg}-${path}`, base, false);
    md += row(`${total} params, averaging ${avg === 'avg' ? 'on' : 'off'}, hand-written plain fused loop`, base);
  }
  md += row('memory bandwidth reference: triad a = b + s·c over 10M floats (ns/elem)', 'triad-10M');
  const notes = join(here, 'notes.md');
  writeFileSync(join(here, '..', 'BENCHMARKS.md'), md + (existsSync(notes) ? readFileSync(notes, 'utf8') : ''));
  console.log('\nwrote BENCHMARKS.md');
}
