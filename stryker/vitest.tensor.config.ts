import { strykerVitestConfig } from './vitest.base.js';

/**
 * Stryker's test run for packages/tensor's autograd engine, backward closures and safetensors:
 * the package's tests minus the ones that exercise only kernels, bundling or the browser
 * (wasm 20+ s, kernels, bundle), which no mutant in scope can affect, and the 100 MiB header test.
 */
export default strykerVitestConfig(
  ['packages/tensor/test/**/*.test.ts'],
  [
    'packages/tensor/test/wasm.test.ts', 'packages/tensor/test/kernels.test.ts', 'packages/tensor/test/bundle.test.ts',
    // parses a 100 MiB header: minutes in instrumented code (the one mutant it kills is listed in MUTATION.md)
    'packages/tensor/test/serialize-header-limit.test.ts',
  ],
);
