import { readdirSync, readFileSync } from 'node:fs';
import { describe, it, vi } from 'vitest';
import { transformSync } from 'esbuild';

/** Every ```ts block after an `@example` in the .ts files under `srcDir`, with where it is. */
function examples(srcDir: URL): { where: string; code: string }[] {
  const out: { where: string; code: string }[] = [];
  const walk = (dir: URL, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const text = readFileSync(new URL(e.name, dir), 'utf8');
        const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
        for (const m of text.matchAll(re)) {
          const line = text.slice(0, m.index).split('\n').length;
          out.push({ where: `${rel}${e.name}:${line}`, code: m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n') });
        }
      }
    }
  };
  walk(srcDir, 'src/');
  return out;
}

/** TypeScript stripped by esbuild, `import { a } from 'pkg'` bound to `__modules['pkg']`. */
function toRunnable(code: string): string {
  const js = transformSync(code, { loader: 'ts', target: 'es2022', format: 'esm' }).code;
  return js.replace(/import\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"];?/g, (_m, names: string, from: string) => {
    const bindings = names.split(',').map((n) => n.trim()).filter(Boolean).map((n) => n.replace(/\s+as\s+/, ': '));
    return `const { ${bindings.join(', ')} } = __modules[${JSON.stringify(from)}];`;
  });
}

/**
 * Registers one test per `@example` under `srcDir`: each runs as an async function with the
 * given packages bound to its imports and console silenced. An example that `declare`s its
 * inputs (a file's bytes) shows usage and cannot run as is: it is listed as skipped.
 */
export function describeDocExamples(srcDir: URL, modules: Record<string, unknown>): void {
  describe('every @example in src/ runs', () => {
    const all = examples(srcDir);
    it('finds the examples', () => {
      if (all.length < 20) throw new Error(`only ${all.length} examples found`);
    });
    for (const { where, code } of all) {
      const runnable = !/^\s*declare\s/m.test(code);
      it.skipIf(!runnable)(runnable ? where : `${where} (declares its inputs: not runnable)`, async () => {
        // src/env.d.ts narrows `console` to what the sources use; the test needs log too.
        const io = console as unknown as { log: (...a: unknown[]) => void; warn: (...a: unknown[]) => void };
        const log = vi.spyOn(io, 'log').mockImplementation(() => {});
        const warn = vi.spyOn(io, 'warn').mockImplementation(() => {});
        try {
          const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (m: unknown) => Promise<void>;
          await new AsyncFunction('__modules', toRunnable(code))(modules);
        } finally {
          log.mockRestore();
          warn.mockRestore();
        }
      });
    }
  });
}
