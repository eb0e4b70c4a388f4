import { strykerVitestConfig } from './vitest.base.js';

/** Stryker's test run for packages/optim: its own tests (they exercise the tensor engine only as a dependency). */
// packaging.test.ts builds and packs the real working tree (40 s) and checks no source line a
// mutant could change: left out.
export default strykerVitestConfig(['packages/optim/test/**/*.test.ts'], ['packages/optim/test/packaging.test.ts']);
