import * as optim from '@tensile/optim';
import * as tensile from '@tensile/tensor';
import { describeDocExamples } from '../../tensor/test/helpers/doc-examples.js';

// Every `@example` in packages/optim/src runs, with our two packages bound to its imports.
describeDocExamples(new URL('../src/', import.meta.url), { '@tensile/optim': optim, '@tensile/tensor': tensile });
