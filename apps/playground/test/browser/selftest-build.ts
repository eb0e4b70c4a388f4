/**
 * Bundles the in-page test run (selftest.ts) for the browser with esbuild: 'vitest' becomes the
 * shim, Node built-ins and esbuild become stubs, and the optimizer fixtures are embedded.
 */
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..', '..');
const FIXTURES = join(repo, 'packages', 'optim', 'test', 'fixtures');

const browserShims: Plugin = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(here, 'vitest-shim.ts') }));
    b.onResolve({ filter: /^(node:.*|esbuild)$/ }, () => ({ path: join(here, 'node-stub.ts') }));
    b.onResolve({ filter: /^tensile-fixtures$/ }, () => ({ path: 'fixtures', namespace: 'tensile-fixtures' }));
    b.onLoad({ filter: /.*/, namespace: 'tensile-fixtures' }, () => {
      const files = Object.fromEntries(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(join(FIXTURES, f), 'utf8')]));
      return { contents: `export const fixtures = ${JSON.stringify(files)};`, loader: 'js' };
    });
  },
};

/** Writes index.html, selftest.js and threads-worker.js (the Web Worker its thread tests run in) into `out`. */
export async function buildSelftest(out: string): Promise<void> {
  await build({
    entryPoints: [join(here, 'selftest.ts'), join(here, 'threads-worker.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    conditions: ['@tensile/source'], outdir: out,
    plugins: [browserShims], logLevel: 'error', sourcemap: 'inline',
    define: { 'process.env.NODE_ENV': '"test"' },
  });
  writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><title>tensile self-test</title><link rel="icon" href="data:,"><pre></pre><script type="module" src="selftest.js"></script>\n');
}
