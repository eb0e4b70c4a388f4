import { strykerVitestConfig } from './vitest.base.js';

/** optim's tests minus the ones about schedulers, SWA and LBFGS (for the optimizer chunks of stryker/optim-chunks.config.mjs). */
export default strykerVitestConfig(['packages/optim/test/**/*.test.ts'], [
  'packages/optim/test/packaging.test.ts',
  'packages/optim/test/lr-scheduler*.test.ts',
  'packages/optim/test/swa-utils.test.ts',
  'packages/optim/test/lbfgs.test.ts',
]);
