// Before/after on the same machine in the same minutes: the named benchmark cases from another
// checkout (`--before DIR`, e.g. a `git worktree` of the commit before a change, with a
// node_modules whose @tensile/* point into it) and from this one, run alternately in fresh Node
// processes, `--runs N` times each (default 5); prints both medians and their ratio.
//   node apps/bench/ab.mjs --before /tmp/before mlp-sgd/tensile-wasm cnn-sgd/tensile-wasm
// Alternating keeps a neighbour's load from landing on one side only. Not run by npm test.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const beforeRoot = opt('--before');
const runs = Number(opt('--runs', '5'));
if (!beforeRoot || args.length === 0 || !(runs >= 1)) {
  console.error('usage: node apps/bench/ab.mjs --before DIR [--runs N] case...');
  process.exit(2);
}
const trees = { before: resolve(beforeRoot), after: resolve(dirname(fileURLToPath(import.meta.url)), '..', '..') };
const bundles = {};
for (const [k, root] of Object.entries(trees)) {
  const outDir = join(root, 'apps', 'bench', '.out');
  mkdirSync(outDir, { recursive: true });
  bundles[k] = join(outDir, `ab-${k}.mjs`);
  await build({
    entryPoints: [join(root, 'apps', 'bench', 'src', 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    conditions: ['@tensile/source'], outfile: bundles[k], logLevel: 'warning', absWorkingDir: root,
    external: ['@tensorflow/*', '@jax-js/*', 'js-pytorch'],
  });
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const c of args) {
  const v = { before: [], after: [] };
  let unit = '';
  for (let r = 0; r < runs; r++) {
    for (const k of r % 2 ? ['after', 'before'] : ['before', 'after']) {
      const line = execFileSync(process.execPath, [bundles[k], c], { encoding: 'utf8', cwd: join(trees[k], 'apps', 'bench') }).trim().split('\n').pop();
      const o = JSON.parse(line);
      v[k].push(o.value);
      unit = o.unit;
    }
  }
  const b = median(v.before), a = median(v.after);
  const list = (x) => x.map((y) => y.toPrecision(3)).join(' ');
  console.log(`${c.padEnd(30)} before ${b.toPrecision(4)} ${unit}  after ${a.toPrecision(4)} ${unit}  after/before ${(a / b).toFixed(3)}  (before ${list(v.before)}; after ${list(v.after)})`);
}
