// Runs an example straight from TypeScript source: esbuild bundles it (resolving the
// workspace packages through their "@tensile/source" condition, so no build step is needed),
// then Node runs the bundle. Usage: node scripts/run.mjs <example> [flags...]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [name = 'xor', ...args] = process.argv.slice(2);
const entry = join(here, '..', 'src', name, 'cli.ts');
if (!existsSync(entry)) {
  console.error(`unknown example "${name}" (no ${entry})`);
  process.exit(2);
}
const outfile = join(here, '..', 'dist', `${name}.mjs`);
await build({
  entryPoints: [entry],
  bundle: true,
  keepNames: true, // class names are PyTorch-visible (module reprs, error messages)
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@tensile/source'],
  outfile,
  logLevel: 'warning',
  // CommonJS dependencies (cli-progress) call require() inside the ESM bundle.
  banner: { js: "import { createRequire as __tensileCreateRequire } from 'node:module'; const require = __tensileCreateRequire(import.meta.url);" },
});
// `npm start` and `npm run <example> -w @tensile/examples` run this script inside
// apps/examples; npm keeps the directory the command was typed in as INIT_CWD. Running from
// there makes runs/ and --out DIR land where the user is, as the printed paths say.
const from = process.env.INIT_CWD;
if (from && existsSync(from)) process.chdir(from);
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
