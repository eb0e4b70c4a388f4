import * as tensile from '@tensile/tensor';
import { describeDocExamples } from './helpers/doc-examples.js';

// Every `@example` in packages/tensor/src runs, with @tensile/tensor bound to its imports.
describeDocExamples(new URL('../src/', import.meta.url), { '@tensile/tensor': tensile });
