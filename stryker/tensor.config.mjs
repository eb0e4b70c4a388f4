import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strykerConfig } from './base.mjs';
import { tensorScope } from './scope.mjs';

// The autograd engine, safetensors and the backward formulas in ops/**/*.ts (see scope.mjs).
export default strykerConfig('tensor', tensorScope(join(dirname(fileURLToPath(import.meta.url)), '..')));
