// `npm run bench`: bundles src/main.ts (tensile from TypeScript source; the peers stay
// external, loaded from node_modules as their users load them), runs every case in a fresh
// Node process several times, prints medians with spread and writes ../../BENCHMARKS.md.
// Usage: npm run bench -- [--runs N] [filter] [--report]   (a filter re-measures the cases
// whose name contains it and keeps the saved results of the others; --report only rewrites
// BENCHMARKS.md from the saved results)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const filter = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const outDir = join(here, '.out');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'main.mjs');
await build({
  entryPoints: [join(here, 'src', 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  conditions: ['@tensile/source'], outfile: bundle, logLevel: 'warning',
  external: ['@tensorflow/*', '@jax-js/*', 'js-pytorch'],
});

const report = args.includes('--report'); // only rewrite BENCHMARKS.md from the saved results
const names = report ? [] : execFileSync(process.execPath, [bundle, '--list'], { encoding: 'utf8' }).trim().split('\n').filter((n) => !filter || n.includes(filter));
const saved = join(outDir, 'results.json');
const results = (filter || report) && existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {};
const started = Date.now();
for (const name of names) {
  const values = [];
  let unit = '', check, error;
  for (let r = 0; r < runs && !error; r++) {
    try {
      // Relaxed-SIMD rows: Node 20 has it behind a flag (Node >= 22 and browsers by default).
      const flags = name.includes('relaxed-simd') ? ['--experimental-wasm-relaxed-simd'] : [];
      const line = execFileSync(process.execPath, [...flags, bundle, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).trim().split('\n').pop();
      const o = JSON.parse(line);
      values.push(o.value);
      unit = o.unit;
      check = o.check;
    } catch (e) {
      error = String(e.stderr || e.message).split('\n').find((l) => /Error|error/.test(l))?.trim() ?? 'failed';
    }
  }
  if (error) {
    results[name] = { error };
    console.log(`${name.padEnd(40)} failed: ${error}`);
    continue;
  }
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)];
  results[name] = { median, min: values[0], max: values[values.length - 1], unit, check, runs };
  console.log(`${name.padEnd(40)} ${fmt(median).padStart(9)} ${unit}  (${fmt(values[0])}–${fmt(values[values.length - 1])}, ${runs} runs)${check !== undefined ? `  check ${check.toFixed(6)}` : ''}`);
}
writeFileSync(saved, JSON.stringify(results, null, 1));
// The commands behind the saved results: a full run starts the list, a filtered run adds to it.
const cmdFile = join(outDir, 'commands.json');
const thisCmd = ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' ');
const savedCommands = existsSync(cmdFile) ? JSON.parse(readFileSync(cmdFile, 'utf8')) : [];
const commands = report ? savedCommands : filter ? [...savedCommands, thisCmd] : [thisCmd];
if (!report) writeFileSync(cmdFile, JSON.stringify(commands));
console.log(`\n${names.length} cases in ${((Date.now() - started) / 60000).toFixed(1)} min`);

function fmt(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

// ---- BENCHMARKS.md ---------------------------------------------------------------------------

const families = [
  ['matmul-256', 'matmul 256×256 (GFLOP/s, higher is better)'],
  ['matmul-1024', 'matmul 1024×1024 (GFLOP/s, higher is better)'],
  ['asgd-1M', 'ASGD update with averaging, 1M parameters in 10 tensors (ns/parameter, lower is better)'],
  ['asgd-10M', 'ASGD update with averaging, 10M parameters in 10 tensors (ns/parameter, lower is better)'],
  ['triad-10M', 'memory bandwidth reference: triad a = b + s·c over 10M floats, a scalar JS loop (ns/element)'],
  ['copy-10M', 'memory bandwidth reference: copy of 10M floats, Float32Array.set (memcpy; ns/element)'],
  ['mlp-sgd', 'training step, 784-256-10 MLP, batch 64, SGD (ms/step, lower is better)'],
  ['mlp-asgd', 'training step, 784-256-10 MLP, batch 64, ASGD-style update (ms/step, lower is better)'],
  ['cnn-sgd', 'training step, CNN (conv 5×5 → pool → conv 5×5 → pool → linear), batch 64, SGD (ms/step, lower is better)'],
];
const higher = (unit) => unit === 'GFLOP/s';
/** Cases main.ts does not run, and why (shown as table rows, so nothing is silently missing). */
const notRun = {
  'matmul-1024/js-pytorch': 'not run: minutes per product (nested JavaScript arrays; 0.35 GFLOP/s at 256)',
  'asgd-10M/js-pytorch': 'not run: 10M parameters as nested arrays run out of memory',
  'mlp-asgd/plain-js': 'not written (the SGD row is the hand-written baseline)',
  'cnn-sgd/tfjs-wasm': 'cannot run: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv net cannot train on it',
  'cnn-sgd/js-pytorch': 'cannot run: js-pytorch has no convolution',
};
const rowsOf = (fam) => Object.entries(results).filter(([k]) => k.startsWith(`${fam}/`)).map(([k, v]) => [k.slice(fam.length + 1), v]);
/** tensile's best backend in a family (the figure the ratios use). */
function best(fam, threads = false) {
  // Ratios compare single-threaded runs on Node's default flags (every peer runs on one thread
  // in Node); the threaded and relaxed-SIMD rows are shown beside them.
  const ours = rowsOf(fam).filter(([lib, r]) => lib.startsWith('tensile') && r.median !== undefined && (threads || !lib.includes('threads')) && !lib.includes('relaxed'));
  if (!ours.length) return undefined;
  return ours.reduce((a, b) => ((higher(a[1].unit) ? b[1].median > a[1].median : b[1].median < a[1].median) ? b : a));
}
/** How many times faster tensile's best is than `r` (> 1: tensile is faster). */
const speedup = (b, r) => (higher(r.unit) ? b.median / r.median : r.median / b.median);

const cpu = cpus()[0]?.model ?? 'unknown';
let md = `# Benchmarks

Measured by \`npm run bench\` (\`apps/bench/run.mjs\`: every case ${runs === 3 ? '3 times' : `${runs} times`} by default — 3 keeps a full run near 10 minutes, \`npm run bench -- --runs 5\` for more — each run a fresh Node process; \`npm run bench -- mlp\` re-measures only the cases whose name contains \`mlp\` and keeps the other saved results). This file: ${[...commands, ...(report ? [thisCmd] : [])].map((c) => `\`${c}\``).join(', then ')}${report ? ' (which only rewrites this file from the saved results)' : ''}. The tables show the median and the spread (min–max) over the runs; within a run each figure is the median of repeated timings after warm-up. "tensile ÷ library" is how many times faster tensile's best backend is (above 1: tensile is faster). Every library gets the same seeded inputs (\`apps/bench/src/data.ts\`); "same work" compares with tensile's each library's first-step loss (training steps), the checksum of C (matmul) or of the first tensor after one update (ASGD). No timing is asserted in any test.

- Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (a shared virtual machine; the spread column shows how much the runs of this session varied, and figures from another session, on another CPU, can differ by more)
- Node ${process.version}; tensile's kernels: \`wasm\` (WebAssembly SIMD, the default) and \`js\`; single thread unless a row says otherwise
- Peers (pinned in \`apps/bench/package.json\`): @tensorflow/tfjs-core 4.22.0 with tfjs-backend-cpu and tfjs-backend-wasm 4.22.0 (gradients registered by @tensorflow/tfjs 4.22.0), @jax-js/jax 0.1.25 (wasm device, \`jit\`), js-pytorch 0.7.2
- Date: ${new Date().toISOString().slice(0, 10)}

`;
for (const [fam, title] of families) {
  const rows = rowsOf(fam);
  if (!rows.length) continue;
  const b = best(fam);
  const ref = results[`${fam}/tensile-wasm`]?.check;
  md += `## ${title}\n\n| library | median | spread (runs) | tensile ÷ library | same work |\n|---|---|---|---|---|\n`;
  for (const [k, why] of Object.entries(notRun)) if (k.startsWith(`${fam}/`) && !results[k]) rows.push([k.slice(fam.length + 1), { skipped: why }]);
  for (const [lib, r] of rows) {
    if (r.skipped) {
      md += `| ${lib} | — | | | ${r.skipped} |\n`;
      continue;
    }
    if (r.error) {
      md += `| ${lib} | failed | | | ${r.error.replace(/\|/g, '/')} |\n`;
      continue;
    }
    const ratio = b && !lib.startsWith('tensile') ? `${speedup(b[1], r).toFixed(2)}×` : lib === b?.[0] ? '(best)' : '';
    let same = '';
    if (r.check !== undefined && ref !== undefined) {
      const rel = Math.abs(r.check - ref) / Math.max(1e-12, Math.abs(ref));
      const sum = fam.startsWith('matmul') || fam.startsWith('asgd');
      same = `${rel <= 1e-4 ? '✓' : '✗ differs'} ${sum ? 'checksum' : 'loss'} ${r.check.toFixed(sum ? 4 : 6)}`;
    }
    md += `| ${lib} | ${fmt(r.median)} ${r.unit} | ${fmt(r.min)}–${fmt(r.max)} (${r.runs}) | ${ratio} | ${same} |\n`;
  }
  md += '\n';
}

// The issue's targets, computed from the figures above.
const med = (k) => results[k]?.median;
const targets = [];
{
  const b = best('mlp-sgd'), peers = rowsOf('mlp-sgd').filter(([l, r]) => !l.startsWith('tensile') && !l.startsWith('plain') && r.median !== undefined);
  if (b && peers.length) {
    const slowest = peers.map(([l, r]) => [l, speedup(b[1], r), r]).sort((x, y) => x[1] - y[1])[0];
    // Faster means every run of ours beat every run of the peer (the spreads do not overlap).
    const [, ratio, peer] = slowest;
    const verdict = b[1].max < peer.min ? 'met' : b[1].min > peer.max ? 'missed' : 'level (the spreads overlap)';
    targets.push(`MLP training step faster than every peer: ${verdict}; closest peer ${slowest[0]}, tensile ${ratio.toFixed(2)}× its speed (tensile ${fmt(b[1].min)}–${fmt(b[1].max)} ms over ${b[1].runs} runs, ${slowest[0]} ${fmt(peer.min)}–${fmt(peer.max)})`);
  }
  const jaxMs = med('mlp-sgd/jax-js');
  if (b && jaxMs) targets.push(`MLP step at most half of jax-js's jit time (≤ ${fmt(jaxMs / 2)} ms): ${b[1].median <= jaxMs / 2 ? 'met' : `missed (${fmt(b[1].median)} ms, ${(b[1].median / (jaxMs / 2)).toFixed(2)}× the target)`}`);
  const mm = best('matmul-1024'), mm2 = best('matmul-1024', true), tfw = med('matmul-1024/tfjs-wasm');
  if (mm && tfw) targets.push(`matmul 1024 at least tfjs-wasm's GFLOP/s (${fmt(tfw)}): on one thread ${mm[1].median >= tfw ? 'met' : 'missed'} (${fmt(mm[1].median)} GFLOP/s, ${mm[0]})${mm2 && mm2[0] !== mm[0] ? `; with threads ${mm2[1].median >= tfw ? 'met' : 'missed'} (${fmt(mm2[1].median)} GFLOP/s, ${mm2[0]})` : ''}`);
  const a10 = best('asgd-10M'), tfa = med('asgd-10M/tfjs-wasm'), triad = med('triad-10M/plain-js'), copy = med('copy-10M/plain-js');
  if (a10 && tfa) targets.push(`ASGD 10M with averaging at least 10× faster than tfjs-wasm (≤ ${fmt(tfa / 10)} ns/param): ${a10[1].median <= tfa / 10 ? 'met' : `missed (${fmt(a10[1].median)} ns/param, ${(tfa / a10[1].median).toFixed(2)}× faster than tfjs-wasm)`}`);
  if (a10 && triad) {
    // The triad moves 12 bytes per element; the ASGD update moves 20 per parameter (p, g, ax read; p, ax written).
    const bw = (triad * 20) / 12;
    targets.push(`ASGD 10M within 2.5× of the memory-bandwidth figure, read from the JS triad: ${fmt(a10[1].median)} ns/param is ${(a10[1].median / bw).toFixed(2)}× the triad's rate scaled to the update's bytes (${fmt(bw)} ns/param: ${fmt(triad)} ns per 12 bytes, the update moves 20), ${a10[1].median <= 2.5 * bw ? 'met' : 'missed'}; against the raw triad figure per element (${fmt(triad)} ns) it is ${(a10[1].median / triad).toFixed(2)}×, ${a10[1].median <= 2.5 * triad ? 'met' : 'missed'}`);
  }
  if (a10 && copy) {
    // memcpy moves 8 bytes per element; the update's 20 bytes at that rate are the hardware's floor.
    const bw = (copy * 20) / 8;
    targets.push(`ASGD 10M within 2.5× of the memory-bandwidth figure, read from memcpy (the stricter reading): ${fmt(a10[1].median)} ns/param is ${(a10[1].median / bw).toFixed(2)}× the update's 20 bytes at memcpy's rate (${fmt(bw)} ns/param: ${fmt(copy)} ns per 8 bytes), ${a10[1].median <= 2.5 * bw ? 'met' : 'missed'}`);
  }
}
if (targets.length) md += `## Targets (issue 6), from the figures above\n\n${targets.map((t) => `- ${t}`).join('\n')}\n\n`;
md += readFileSync(join(here, 'notes.md'), 'utf8');
writeFileSync(join(here, '..', '..', 'BENCHMARKS.md'), md);
console.log('wrote BENCHMARKS.md');
