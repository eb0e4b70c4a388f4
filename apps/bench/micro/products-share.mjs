// Bundles products-share.ts (tensile from TypeScript source) and runs it; arguments pass through.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, '..', '.out', 'products-share.mjs');
mkdirSync(dirname(outfile), { recursive: true });
await build({ entryPoints: [join(here, 'products-share.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['@tensile/source'], outfile, logLevel: 'warning' });
execFileSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
