import { strykerVitestConfig } from './vitest.base.js';

/**
 * Stryker's test run for packages/tensor's autograd engine, backward closures and safetensors:
 * the package's tests minus the ones that exercise only kernels, bundling or the browser
 * (wasm 20+ s, kernels, bundle), which no mutant in scope can affect.
 */
export default strykerVitestConfig(
  ['packages/tensor/test/**/*.test.ts'],
  ['packages/tensor/test/wasm.test.ts', 'packages/tensor/test/kernels.test.ts', 'packages/tensor/test/bundle.test.ts'],
);
