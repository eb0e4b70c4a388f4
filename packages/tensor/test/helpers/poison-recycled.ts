// Setup file of vitest.poison.config.ts (`npm run test:poison`): recycled gradients become NaN.
import { setRecycling } from '../../src/storage-pool.js';

setRecycling('poison');
