import { strykerVitestConfig } from './vitest.base.js';

/** Stryker's test run for packages/optim: its own tests (they exercise the tensor engine only as a dependency). */
export default strykerVitestConfig(['packages/optim/test/**/*.test.ts']);
