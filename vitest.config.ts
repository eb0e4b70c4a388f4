import { defineConfig } from 'vitest/config';

// Tests import @tensile/* through the "@tensile/source" export condition, so they run
// against src/ with no build step.
const conditions = ['@tensile/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
