import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

// Bundlers honour package.json "sideEffects": the module that wires the autograd engine must
// survive tree-shaking, or backward() breaks for every bundled app.
describe('bundling', () => {
  it('a bundle built through the source condition can run backward()', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-bundle-'));
    try {
      const outfile = join(dir, 'out.mjs');
      await build({
        stdin: {
          contents: "import { tensor } from '@tensile/tensor'; const x = tensor([3], { requiresGrad: true }); x.mul(x).sum().backward(); export const g = x.grad.item();",
          resolveDir: fileURLToPath(new URL('.', import.meta.url)),
          loader: 'ts',
        },
        bundle: true, format: 'esm', platform: 'neutral', conditions: ['@tensile/source'], outfile, logLevel: 'silent',
      });
      const mod = (await import(pathToFileURL(outfile).href)) as { g: number };
      expect(mod.g).toBe(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
