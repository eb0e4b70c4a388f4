/**
 * Settings every `npm run mutate` run shares (see MUTATION.md). One Stryker run per package,
 * each with its own vitest config (only that package's relevant tests) and incremental file.
 */
export function strykerConfig(name, mutate) {
  return {
    $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'vitest',
    vitest: { configFile: `stryker/vitest.${name}.config.ts`, related: false },
    plugins: ['@stryker-mutator/vitest-runner'],
    mutate,
    coverageAnalysis: 'perTest',
    // Module-level mutants (constant tables, default values) would need every test file
    // re-imported for each mutant; with isolate: false (stryker/vitest.base.ts) they are skipped.
    ignoreStatic: true,
    // Two cores are shared on the build machine: one test process at a time.
    concurrency: 1,
    incremental: true,
    incrementalFile: `stryker/incremental/${name}.json`,
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
    timeoutMS: 10000,
    timeoutFactor: 2,
    // The sandbox needs the packages and the configs; not the apps, benchmarks or reports.
    ignorePatterns: ['/apps', '/.stryker-tmp*', '/.scratch', '/.reports', '/reports', '/runs', '**/dist', '/.turbo', '*.tsbuildinfo', '*.cpuprofile', '/BENCHMARKS.md'],
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
    thresholds: { high: 90, low: 80, break: null },
  };
}
