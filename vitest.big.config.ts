import { defineConfig } from 'vitest/config';

// `npm run test:big`: tests that need gigabytes (the arena at its 4 GiB ceiling), kept out of
// `npm test`. Same source resolution as vitest.config.ts.
const conditions = ['@tensile/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { include: ['packages/*/test-big/**/*.big.ts'] },
});
