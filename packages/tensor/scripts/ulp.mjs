// `npm run ulp`: bundles scripts/ulp-main.ts (tensile from its TypeScript source) and runs it.
// Arguments pass through: a subset of `exp sigmoid tanh log`, and `--full-js`.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tensile-ulp-'));
const outfile = join(dir, 'ulp.mjs');
try {
  await build({ entryPoints: [join(here, 'ulp-main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['@tensile/source'], outfile, logLevel: 'warning' });
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
