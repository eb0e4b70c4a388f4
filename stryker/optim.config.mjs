import { strykerConfig } from './base.mjs';

/** packages/optim/src, all of it: optimizers grow here (the optimizers issue), and each new file is in scope. */
export default strykerConfig('optim', ['packages/optim/src/**/*.ts', '!packages/optim/src/index.ts', '!packages/optim/src/**/index.ts', '!packages/optim/src/env.d.ts']);
