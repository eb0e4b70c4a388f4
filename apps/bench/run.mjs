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

const MATMUL_SIZES = [64, 128, 256, 512, 1024, 2048];
const ASGD_SIZES = [['1k', 1e3], ['100k', 1e5], ['1M', 1e6], ['10M', 1e7], ['30M', 3e7]];
// Issue 25's kernel families (src/kernels.ts, norms.ts, optimizers.ts; their names are kept in
// step with those files by hand, as the sizes above are with main.ts).
const ELEMENTWISE = [['exp', 'exp'], ['log', 'log'], ['tanh', 'tanh'], ['sigmoid', 'sigmoid'], ['erf', 'erf'], ['gelu', 'GELU exact'],
  ['gelu-tanh', 'GELU tanh-approximate'], ['softplus', 'softplus'], ['silu', 'SiLU']];
const NORMS = [
  ['batchnorm1d-256x512', 'BatchNorm1d(512) on [256, 512]'],
  ['batchnorm2d-64x64x16x16', 'BatchNorm2d(64) on [64, 64, 16, 16]'],
  ['layernorm-1024x128', 'LayerNorm(128) on [1024, 128]'],
  ['layernorm-1024x512', 'LayerNorm(512) on [1024, 512]'],
  ['groupnorm-32x64x16x16', 'GroupNorm(8, 64) on [32, 64, 16, 16]'],
];
const OPTIMIZERS = [['adam', 'Adam'], ['adamw', 'AdamW'], ['adamax', 'Adamax'], ['nadam', 'NAdam'], ['radam', 'RAdam'], ['rmsprop', 'RMSprop'],
  ['adagrad', 'Adagrad'], ['adadelta', 'Adadelta'], ['rprop', 'Rprop'], ['sgd-momentum', 'SGD with momentum 0.9']];
const families = [
  ...MATMUL_SIZES.map((n) => [`matmul-${n}`, `matmul ${n}×${n} (GFLOP/s, higher is better)`]),
  ...ASGD_SIZES.map(([k, n]) => [`asgd-${k}`, `ASGD update with averaging, ${k} parameters in 10 tensors (ns/parameter, lower is better)`]),
  ['triad-10M', 'memory bandwidth reference: triad a = b + s·c over 10M floats, a scalar JS loop (ns/element)'],
  ['copy-10M', 'memory bandwidth reference: copy of 10M floats, Float32Array.set (memcpy; ns/element)'],
  ['mlp-sgd', 'training step, 784-256-10 MLP, batch 64, SGD (ms/step, lower is better)'],
  ['mlp-asgd', 'training step, 784-256-10 MLP, batch 64, ASGD-style update (ms/step, lower is better)'],
  ['cnn-sgd', 'training step, CNN (conv 5×5 → pool → conv 5×5 → pool → linear), batch 64, SGD (ms/step, lower is better)'],
  ['transformer-encoder-step', 'training step, TransformerEncoderLayer(128, 4, 512) on [64, 16, 128] (seq, batch, feature), MSE, SGD (ms/step, lower is better)'],
  ['gpt-step', 'training step, character GPT of npm run gpt at 4 layers × 4 heads, width 128, context 64, batch 16, AdamW (ms/step, lower is better)'],
  ['lstm-lm', 'training step, word_language_model LSTM 2×200, vocabulary 2000, bptt 35, batch 20, clip 0.25 (ms/step, lower is better)'],
  ['convtranspose2d-128-64', 'ConvTranspose2d(128, 64, 4, 2, 1) forward + backward (ms, lower is better)'],
  ['dcgan-32', 'DCGAN iteration at 32×32, both networks, Adam (ms/iteration, lower is better)'],
  ['dcgan-64', 'DCGAN iteration at 64×64, both networks, Adam (ms/iteration, lower is better)'],
  // Titles name no parenthesis before the unit's: the PyTorch table cuts each at its first ' ('.
  ...ELEMENTWISE.flatMap(([op, name]) => [
    [`${op}-1M`, `${name} on 1M float32 elements, forward (ns/element, lower is better)`],
    [`${op}-1M-fwd-bwd`, `${name} on 1M float32 elements, forward + backward (ns/element, lower is better)`],
  ]),
  ...NORMS.map(([fam, what]) => [fam, `${what}, training-mode forward + backward (ms, lower is better)`]),
  ...OPTIMIZERS.map(([k, name]) => [`${k}-10M`, `${name} update, 10M parameters in 10 tensors, PyTorch's for-loop (ns/parameter, lower is better)`]),
];
/** Families whose check is a checksum of a result (the others' is a first-step loss). */
const ISSUE25 = new Set([...ELEMENTWISE.flatMap(([op]) => [`${op}-1M`, `${op}-1M-fwd-bwd`]), ...NORMS.map(([f]) => f), ...OPTIMIZERS.map(([k]) => `${k}-10M`)]);
const checksumFamily = (fam) => fam.startsWith('matmul') || fam.startsWith('asgd') || ISSUE25.has(fam);
const higher = (unit) => unit === 'GFLOP/s';
/** Cases main.ts does not run, and why (shown as table rows, so nothing is silently missing). */
const notRun = {
  'matmul-1024/js-pytorch': 'not run: minutes per product (nested JavaScript arrays; 0.35 GFLOP/s at 256)',
  'asgd-10M/js-pytorch': 'not run: 10M parameters as nested arrays run out of memory',
  'mlp-asgd/plain-js': 'not written (the SGD row is the hand-written baseline)',
  'cnn-sgd/tfjs-wasm': 'cannot run: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv net cannot train on it',
  'cnn-sgd/js-pytorch': 'cannot run: js-pytorch has no convolution',
};
/** Checks that differ for a known reason that is not different work, shown beside the ✗. */
const knownDiff = {
  'nadam-10M/pytorch-1-thread': "PyTorch 1.13's NAdam takes mu_product_next = mu_product·mu·mu_next, mu twice (fixed in PyTorch 2.0); tensile follows PyTorch 2's mu_product·mu_next: one scalar of the second addcdiv differs, the passes over memory are the same",
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

Measured by \`npm run bench\` (\`apps/bench/run.mjs\`: every case ${runs === 3 ? '3 times' : `${runs} times`} by default — 3 keeps a full run near 10 minutes, \`npm run bench -- --runs 5\` for more — each run a fresh Node process; \`npm run bench -- mlp\` re-measures only the cases whose name contains \`mlp\` and keeps the other saved results). This file: ${[...commands, ...(report ? [thisCmd] : [])].map((c) => `\`${c}\``).join(', then ')}${report ? ' (which only rewrites this file from the saved results)' : ''}. The tables show the median and the spread (min–max) over the runs; within a run each figure is the median of repeated timings after warm-up. "tensile ÷ library" is how many times faster tensile's best backend is (above 1: tensile is faster). Every library gets the same seeded inputs (\`apps/bench/src/data.ts\`); "same work" compares with tensile's each library's first-step loss (training steps), the checksum of C (matmul) or of the first tensor after one update (ASGD), or for issue 25's kernel rows an absolute sum (Σ|y| of an element-wise forward, Σ|∂x| of its backward, Σ|y| + Σ|∂x| of a normalisation layer, Σ|p₁ − p₀| of the first tensor's first optimizer step; \`apps/bench/src/kernels.ts\`, \`norms.ts\`, \`optimizers.ts\`). No timing is asserted in any test.

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
      const sum = checksumFamily(fam), known = knownDiff[`${fam}/${lib}`];
      same = `${rel <= 1e-4 ? '✓' : '✗ differs'} ${sum ? 'checksum' : 'loss'} ${r.check.toFixed(sum ? 4 : 6)}${rel > 1e-4 && known ? ` (${known})` : ''}`;
    }
    md += `| ${lib} | ${fmt(r.median)} ${r.unit} | ${fmt(r.min)}–${fmt(r.max)} (${r.runs}) | ${ratio} | ${same} |\n`;
  }
  md += '\n';
}

// tensile against PyTorch's own CPU build, family by family, and how cost grows with size.
{
  const rowsPt = [];
  for (const [fam, title] of families) {
    const b = best(fam), p1 = results[`${fam}/pytorch-1-thread`], p2 = results[`${fam}/pytorch-2-threads`];
    if (!b || !p1 || p1.median === undefined) continue;
    rowsPt.push(`| ${title.split(' (')[0]} | ${fmt(b[1].median)} ${b[1].unit} (${b[0]}) | ${fmt(p1.median)} | ${p2?.median !== undefined ? fmt(p2.median) : '—'} | ${speedup(b[1], p1).toFixed(2)}× |`);
  }
  const skipped = Object.entries(results).find(([k, r]) => k.includes('/pytorch-') && r.error)?.[1]?.error;
  if (rowsPt.length) {
    md += `## tensile ÷ PyTorch (CPU, OpenBLAS), same inputs, same run\n\nPyTorch ${'`'}/usr/bin/python3${'`'} (Debian's python3-torch with libopenblas0-pthread), threads set by torch.set_num_threads and OPENBLAS_NUM_THREADS/OMP_NUM_THREADS and checked (CPU time over wall time ≤ 1.3 on the 1-thread rows, or the row fails). Ratio: tensile's best single-thread figure over PyTorch's 1-thread figure (above 1: tensile is faster).\n\n| work | tensile | PyTorch 1 thread | PyTorch 2 threads | tensile ÷ PyTorch |\n|---|---|---|---|---|\n${rowsPt.join('\n')}\n\n![ASGD update cost against size](benchmarks/asgd-scaling.svg)\n![matmul throughput against size](benchmarks/matmul-scaling.svg)\n\n`;
  } else if (skipped) md += `## tensile ÷ PyTorch\n\nNot measured in this run: ${skipped}\n\n`;
  mkdirSync(join(here, '..', '..', 'benchmarks'), { recursive: true });
  const series = (prefix, sizes, lib) => sizes.map(([k, x]) => [x, results[`${prefix}-${k}/${lib}`]?.median]).filter(([, y]) => y !== undefined);
  const libs = ['tensile-wasm', 'pytorch-1-thread', 'pytorch-2-threads', 'jax-js', 'tfjs-wasm'];
  writeFileSync(join(here, '..', '..', 'benchmarks', 'asgd-scaling.svg'), plot('ASGD update with averaging: ns per parameter (lower is better)', 'parameters', libs.map((l) => [l, series('asgd', ASGD_SIZES, l)])));
  writeFileSync(join(here, '..', '..', 'benchmarks', 'matmul-scaling.svg'), plot('matmul n×n: GFLOP/s (higher is better)', 'n', libs.map((l) => [l, series('matmul', MATMUL_SIZES.map((n) => [n, n]), l)])));
}

/** A small log-log line plot as SVG text (no dependency): one polyline per library. */
function plot(title, xLabel, lines) {
  const W = 640, H = 360, L = 60, R = 150, T = 30, B = 40;
  const pts = lines.flatMap(([, s]) => s);
  if (!pts.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">${title}: no data</text></svg>`;
  const lx = pts.map(([x]) => Math.log10(x)), ly = pts.map(([, y]) => Math.log10(y));
  const [x0, x1] = [Math.min(...lx), Math.max(...lx)], [y0, y1] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly))];
  const X = (x) => L + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * (W - L - R);
  const Y = (y) => H - B - ((Math.log10(y) - y0) / Math.max(1e-9, y1 - y0)) * (H - T - B);
  const colors = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd'];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="${W}" height="${H}" fill="white"/><text x="${L}" y="18" font-size="14">${title}</text>`;
  for (let e = y0; e <= y1; e++) svg += `<line x1="${L}" x2="${W - R}" y1="${Y(10 ** e)}" y2="${Y(10 ** e)}" stroke="#ddd"/><text x="${L - 6}" y="${Y(10 ** e) + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>`;
  for (const [x] of lines.find(([, s]) => s.length)?.[1] ?? []) svg += `<text x="${X(x)}" y="${H - B + 16}" text-anchor="middle">${x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 && x % 1e3 === 0 ? `${x / 1e3}k` : x}</text>`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${xLabel} (log scale)</text>`;
  lines.forEach(([name, s], i) => {
    if (!s.length) return;
    const c = colors[i % colors.length];
    svg += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>`;
    for (const [x, y] of s) svg += `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${c}"/>`;
    svg += `<text x="${W - R + 10}" y="${T + 16 * i + 10}" fill="${c}">${name}</text>`;
  });
  return `${svg}</svg>\n`;
}

// The issue's targets, computed from the figures above.
const med = (k) => results[k]?.median;
const targets = [];
{
  // Issue 6's peers are the JavaScript libraries; PyTorch has its own targets below.
  const b = best('mlp-sgd'), peers = rowsOf('mlp-sgd').filter(([l, r]) => !l.startsWith('tensile') && !l.startsWith('plain') && !l.startsWith('pytorch') && r.median !== undefined);
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
{
  // Issue 12's targets against PyTorch (1 thread), where its rows were measured.
  const pt = (fam) => results[`${fam}/pytorch-1-thread`]?.median;
  const ratioTo = (fam) => { const b = best(fam), p = pt(fam); return b && p ? b[1].median / p : undefined; };
  const cmp = (fam, limit, what) => { const r = ratioTo(fam); if (r !== undefined) targets.push(`${what}: ${fmt(r)}× PyTorch's 1-thread time (target ≤ ${limit}×): ${r <= limit ? 'met' : 'missed'}`); };
  cmp('mlp-sgd', 2, 'MLP step with SGD');
  cmp('mlp-asgd', 1, 'MLP step with ASGD averaging');
  cmp('cnn-sgd', 1.5, 'CNN step');
  const asgdRows = ASGD_SIZES.map(([k]) => [k, best(`asgd-${k}`), pt(`asgd-${k}`), med(`asgd-${k}/jax-js`)]).filter(([, b, p]) => b && p);
  if (asgdRows.length) {
    targets.push(`ASGD update at most PyTorch's for-loop time at every size: ${asgdRows.every(([, b, p]) => b[1].median <= p) ? 'met' : 'missed'} (${asgdRows.map(([k, b, p]) => `${k} ${fmt(b[1].median)} vs ${fmt(p)}`).join(', ')} ns/param)`);
    const vsJax = asgdRows.filter(([, , , j]) => j !== undefined);
    if (vsJax.length) targets.push(`ASGD update ahead of jax-js at every size: ${vsJax.every(([, b, , j]) => b[1].median < j) ? 'met' : 'missed'} (${vsJax.map(([k, b, , j]) => `${k} ${fmt(b[1].median)} vs ${fmt(j)}`).join(', ')})`);
    const copy10 = med('copy-10M/plain-js');
    for (const k of ['10M', '30M']) {
      const b = best(`asgd-${k}`);
      if (b && copy10) { const floor = (copy10 * 20) / 8; targets.push(`ASGD ${k} within 1.5× of the memory floor (${fmt(floor)} ns/param: 20 bytes at memcpy's rate): ${fmt(b[1].median / floor)}×, ${b[1].median <= 1.5 * floor ? 'met' : 'missed'}`); }
    }
  }
  const mmRows = [256, 512, 1024, 2048].map((n) => [n, best(`matmul-${n}`), pt(`matmul-${n}`)]).filter(([, b, p]) => b && p);
  if (mmRows.length) targets.push(`matmul 256…2048 at least 0.4× PyTorch's single-thread GFLOP/s: ${mmRows.every(([, b, p]) => b[1].median >= 0.4 * p) ? 'met' : 'missed'} (${mmRows.map(([n, b, p]) => `${n}: ${(b[1].median / p).toFixed(2)}×`).join(', ')})`);
}
{
  // Issue 25's kernel targets against PyTorch (1 thread): element-wise ops at least half its
  // per-element throughput (at most 2× its time per element), normalisation at most 1.5× its
  // time, every optimizer's update at most its for-loop time. One line per group, each family's
  // ratio listed, where both rows were measured.
  const group = (what, fams, limit) => {
    const rows = fams.map(([fam, name]) => [name, best(fam), results[`${fam}/pytorch-1-thread`]?.median]).filter(([, b, p]) => b && p !== undefined).map(([name, b, p]) => [name, b[1].median / p]);
    if (!rows.length) return;
    const missed = rows.filter(([, r]) => r > limit).length;
    targets.push(`${what} (target ≤ ${limit}× PyTorch's 1-thread time): ${missed ? `missed by ${missed} of ${rows.length}` : 'met'} (${rows.map(([name, r]) => `${name} ${fmt(r)}×`).join(', ')})`);
  };
  group('Element-wise ops on 1M elements, forward', ELEMENTWISE.map(([op, name]) => [`${op}-1M`, name]), 2);
  group('Element-wise ops on 1M elements, forward + backward', ELEMENTWISE.map(([op, name]) => [`${op}-1M-fwd-bwd`, name]), 2);
  group('Normalisation layers, forward + backward', NORMS, 1.5);
  group('Optimizer updates at 10M parameters', OPTIMIZERS.map(([k, name]) => [`${k}-10M`, name]), 1);
}
if (targets.length) md += `## Targets (issue 6 against the JavaScript peers, issues 12 and 25 against PyTorch), from the figures above\n\n${targets.map((t) => `- ${t}`).join('\n')}\n\n`;
md += readFileSync(join(here, 'notes.md'), 'utf8');
writeFileSync(join(here, '..', '..', 'BENCHMARKS.md'), md);
console.log('wrote BENCHMARKS.md');
