/**
 * `npm run mutate [-- optim|tensor ...] [stryker options]`: one Stryker run per package, in
 * turn (default: optim, then tensor). Everything from the first argument that starts with `-`
 * goes to Stryker, e.g. `npm run mutate -- tensor --force` (ignore the incremental file and
 * re-test every mutant) or `npm run mutate -- optim --mutate packages/optim/src/sgd.ts`.
 * Not part of `npm test`; see MUTATION.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const packages = firstOption < 0 ? args : args.slice(0, firstOption);
const strykerArgs = firstOption < 0 ? [] : args.slice(firstOption);
for (const name of packages.length > 0 ? packages : ['optim', 'tensor']) {
  const config = join(here, `${name}.config.mjs`);
  if (!existsSync(config)) {
    console.error(`mutate: no Stryker config for '${name}' (have: optim, tensor)`);
    process.exit(2);
  }
  const t0 = Date.now();
  const r = spawnSync('npx', ['stryker', 'run', `stryker/${name}.config.mjs`, ...strykerArgs], { cwd: join(here, '..'), stdio: 'inherit' });
  console.log(`mutate: ${name} took ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
