import { expect, it } from 'vitest';
import { exportsWithoutExample } from '../../tensor/test/helpers/doc-examples.js';

// Each public export's TSDoc carries a runnable example (doc-examples.test.ts runs them all).
it('every public value export of @tensile/optim has an @example', () => {
  expect(exportsWithoutExample([new URL('../src/index.ts', import.meta.url)])).toEqual([]);
}, 60_000);
