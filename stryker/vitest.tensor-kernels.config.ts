import { strykerVitestConfig } from './vitest.base.js';

/**
 * Stryker's test run for the kernel TypeScript (stryker/tensor-kernels.config.mjs), per chunk
 * (TENSOR_CHUNK, inherited by Stryker's test processes): the tests that call the kernel sets
 * directly (JS rows against the module, bit for bit) and the ones with PyTorch fixtures or
 * independent references for the same code. Trimmed per chunk: a surviving mutant runs every
 * covering test, and the first run with every kernel test (22 files) took 20-40 s a mutant.
 */
const T = (names: string[]): string[] => names.map((n) => `packages/${n.includes('/') ? n : `tensor/test/${n}`}.test.ts`);
const ACTIVATIONS = ['transcendental', 'gelu-exact', 'gelu-tanh', 'silu', 'fused-activations'];
// wasm.test.ts for its ASGD describe (the JS asgd row against the module), functional-api for amsgrad's tie
const OPTIMIZERS = ['optimizer-kernels', 'wasm', 'optim/test/optimizer-kernels', 'optim/test/adam-loop', 'optim/test/pytorch-fixtures', 'optim/test/functional-api'];
const NORMS = ['layernorm-kernel', 'batchnorm-kernel', 'groupnorm-fused', 'wasm-nn', 'nn-fixtures'];
const FILES: Record<string, string[]> = {
  optim: T([...OPTIMIZERS, 'silu', 'gelu-exact', 'transcendental', 'kernel-rows']),
  // kernel-rows: the JS rows where the module never runs them (widths, positions, offsets)
  nn: T([...NORMS, 'kernel-rows']),
  norms: T(NORMS),
  wasm: T(['wasm-expish', 'kernels', ...OPTIMIZERS, ...NORMS]),
  math: T(ACTIVATIONS),
  js: T(['kernels', 'wasm-expish', 'kernel-rows', ...ACTIVATIONS, ...OPTIMIZERS]),
  session4: T(['storage-pool', 'transcendental', 'softplus', 'nn-layers-parity', 'nn-layers']),
  session5: T(['transcendental', 'gelu-tanh', 'gelu-exact', 'silu', 'fused-activations', 'overlap', 'update-in-place', 'update-in-place-versions']),
  session6: T(['hooks', 'matrix-helpers', 'autograd', 'nn-modules', 'optim/test/contract', 'pool-indices-fixtures', 'pool-nan-fixtures', 'call-forms-nn']),
  session7: T(['grad-recycling', 'storage-pool', 'autograd', 'hooks']),
  loss: T(['loss-edges', 'loss-weights', 'nn-fixtures', 'nn-functional', 'call-forms-functional', 'call-forms-bags', 'ops-extra-fixtures', 'ops-extra2-fixtures', 'ops-extra2', 'ops21b-fixtures', 'pytorch-parity', 'nn-layers-parity', 'gradcheck', 'gradcheck-double', 'signatures']),
  reduce: T(['reduce-edges', 'ops', 'call-forms-reduce', 'ops21', 'ops21-fixtures', 'ops-extra', 'ops-extra-fixtures', 'ops-extra2', 'ops-extra2-fixtures', 'ops21b-fixtures', 'pytorch-parity', 'std-sort', 'dtype-api', 'dtype-fixtures', 'typed-mutants', 'gradcheck', 'gradcheck-double', 'signatures', 'errors']),
  // lines 201-792 (narrow … repeatInterleave) are tested mostly in the ops21/ops-extra/indexing/dtype files: without them a
  // first run there (session 10) left 520 of 813 mutants alive, most of them killed by files outside the set (MUTATION.md)
  movement: T(['movement-edges', 'ops', 'errors', 'gradcheck', 'autograd', 'overlap', 'pytorch-parity', 'edges', 'signatures',
    'ops21', 'ops21-fixtures', 'ops21-edges', 'ops21b', 'ops21b-fixtures', 'ops-extra', 'ops-extra-fixtures', 'ops-extra2', 'ops-extra2-fixtures',
    'indexing-edges', 'dtype-edges', 'dtype-fixtures', 'call-forms', 'generative-edges']),
  recurrent: T(['recurrent-fused', 'recurrent-parity', 'recurrent', 'recurrent-errors']),
  session10: T(['wasm-nn', 'softmax-backward', 'recurrent-fused', 'nn-utils', 'attention-fused', 'kernel-rows']),
  session11: T(['wasm-nn', 'copy-kernel', 'kernels', 'kernel-rows', 'fused-activations', 'nn-layers-parity', 'generative-parity', 'attention-fused', 'movement-edges', 'leaky-relu']),
  session12: T(['copy-kernel', 'movement-edges', 'attention-fused', 'overlap', 'update-in-place']),
  session7f: T(['call-forms-bags', 'call-forms-functional', 'call-forms-nn', 'call-forms', 'functional-random-lrn', 'signatures', 'nn-layers', 'nn-modules']),
};
const chunk = process.env.TENSOR_CHUNK ?? '';
const config = strykerVitestConfig(FILES[chunk] ?? Object.values(FILES).flat().filter((f, i, all) => all.indexOf(f) === i));

// The JS rows compute each element alike at any length: cap the optimizer-kernel tests' lengths
// below the module's 32768-float chunk (those lengths test the module's chunking, i.e. the wasm
// wrappers; the `wasm` chunk runs them all). See packages/tensor/test/optimizer-kernels.test.ts.
// The norm tests (layernorm-kernel, batchnorm-kernel, groupnorm-fused) skip their shapes past it
// too: uncapped, the nn chunk ran 4 mutants a minute (668 mutants: 2.8 h).
if (chunk !== 'wasm' && chunk !== 'norms') config.test!.env = { TENSILE_KERNEL_TEST_MAX_N: '5000' };
// Stryker's instrumented rows (every expression a coverage call in the dry run) are several times
// slower: batch-norm-kernel's [64, 64, 256] took over vitest's 5 s in the nn chunk's dry run on the
// loaded machine. A mutant that loops still times out on Stryker's own clock (timeoutMS, base.mjs).
config.test!.testTimeout = 60_000;
export default config;
