import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:poison`: the whole suite (vitest.config.ts's files and resolution) with the
// autograd engine's gradient recycling in poison mode (storage-pool.ts `setRecycling('poison')`):
// every array the engine or zeroGrad hands back is filled with NaN at once and never reused, so
// a gradient recycled while something still reads it turns a test's expected values into NaN.
// Run it after any change to the engine (autograd.ts), to how `.grad` is read or released, or to
// a backward function that returns a view of its incoming gradient.
export default mergeConfig(base, defineConfig({
  test: { setupFiles: ['packages/tensor/test/helpers/poison-recycled.ts'] },
}));
