// `npm run soak`: bundles src/soak.ts (tensile from TypeScript source) and runs it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, '.out'), { recursive: true });
const outfile = join(here, '.out', 'soak.mjs');
await build({ entryPoints: [join(here, 'src', 'soak.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['@tensile/source'], outfile, logLevel: 'warning' });
execFileSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
