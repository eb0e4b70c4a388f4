import { defineConfig } from 'vitest/config';

// `npm run test:poison`: the whole suite with the autograd engine's gradient recycling in poison
// mode (storage-pool.ts `setRecycling('poison')`): every array the engine hands back is filled
// with NaN at once and never reused, so a gradient recycled while something still reads it turns
// a test's expected values into NaN. Run it after any change to the engine (autograd.ts) or to a
// backward function that returns a view of its incoming gradient. Same source resolution and
// files as vitest.config.ts.
const conditions = ['@tensile/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    setupFiles: ['packages/tensor/test/helpers/poison-recycled.ts'],
  },
});
