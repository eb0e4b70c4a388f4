import { strykerConfig } from './base.mjs';

/**
 * Issue 27 round three: optim in chunks of files (`OPTIM_CHUNK=<name> npx stryker run
 * stryker/optim-chunks.config.mjs`), each short enough to finish and write its report. All
 * chunks share stryker/incremental/optim.json: Stryker 9.5.1 keeps the records of files outside
 * a run's `mutate` (IncrementalDiffer: "old mutants that didn't run this time around aren't
 * forgotten"), so the file accumulates and `npm run mutate -- optim` reuses every chunk.
 */
const F = (names) => names.map((n) => `packages/optim/src/${n}.ts`);
const CHUNKS = {
  functional1: F(['functional/adam', 'functional/nadam', 'functional/radam', 'functional/adagrad', 'functional/common']),
  functional2: F(['functional/asgd', 'functional/adamax', 'functional/rmsprop', 'functional/sgd', 'functional/float32', 'functional/rprop', 'functional/adadelta']),
  classes1: F(['validate', 'adam', 'rmsprop']),
  classes2: F(['adagrad', 'rprop', 'adamax', 'adadelta', 'nadam', 'radam', 'sgd', 'asgd', 'libm', 'format', 'hooks']),
  // classes2 in parts (5 December, later; each about 45 min on a machine shared with another Stryker run): the six
  // classes with no record yet two at a time, then the files whose records are from 1 December
  classes2a: F(['adagrad', 'rprop']),
  classes2b: F(['adamax', 'adadelta']),
  classes2c: F(['nadam', 'radam']),
  classes2d: F(['sgd', 'asgd', 'libm', 'format', 'hooks']),
  base: F(['optimizer', 'state-dict']),
  sched: F(['lr-scheduler/base', 'lr-scheduler/state-spec', 'lr-scheduler/lambda', 'lr-scheduler/cosine', 'lr-scheduler/composite', 'lr-scheduler/plateau', 'lr-scheduler/step-family', 'lr-scheduler/cyclic']),
  swa: F(['swa-utils']),
  lbfgs: F(['lbfgs']),
};
const chunk = process.env.OPTIM_CHUNK ?? '';
const files = process.env.OPTIM_FILES ? process.env.OPTIM_FILES.split(',') : CHUNKS[chunk];
if (!files) throw new Error(`optim-chunks: OPTIM_CHUNK must be one of ${Object.keys(CHUNKS).join(', ')}`);
const base = strykerConfig('optim', files);
export default {
  ...base,
  // the optimizer chunks skip the scheduler/SWA/LBFGS tests (they step SGD/LBFGS only as a means; see MUTATION.md)
  vitest: { configFile: chunk === 'sched' || chunk === 'swa' || chunk === 'lbfgs' ? 'stryker/vitest.optim.config.ts' : 'stryker/vitest.optim-kernels.config.ts', related: false },
  tempDirName: `.stryker-tmp-optim-${chunk || 'files'}`,
  htmlReporter: { fileName: `reports/mutation/optim-${chunk || 'files'}.html` },
  jsonReporter: { fileName: `reports/mutation/optim-${chunk || 'files'}.json` },
};
