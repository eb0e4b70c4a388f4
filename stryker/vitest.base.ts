import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The vitest config Stryker runs in its sandbox (a copy of the repo under .stryker-tmp/).
 * node_modules/@tensile/* are symlinks into the real working tree, so the packages are aliased
 * to this copy's sources: otherwise the tests would import the unmutated originals and every
 * mutant would survive. Same resolve conditions as the root vitest.config.ts.
 */
export function strykerVitestConfig(include: string[], exclude: string[] = []) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const conditions = ['@tensile/source', 'import', 'module', 'node', 'default'];
  return defineConfig({
    resolve: {
      conditions,
      alias: [
        { find: /^@tensile\/tensor$/, replacement: join(root, 'packages/tensor/src/index.ts') },
        { find: /^@tensile\/optim$/, replacement: join(root, 'packages/optim/src/index.ts') },
      ],
    },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    // isolate: false imports each module once per run instead of once per test file: 6x faster
    // per mutant here. Safe because Stryker switches mutants at run time (mutant schemata); the
    // one kind that needs a fresh import, static (module-level) mutants, is ignored (base.mjs).
    test: { root, include, exclude, reporters: ['dot'], isolate: false },
  });
}
