import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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

/**
 * The value exports (functions, classes, constants) reachable from `entries`, namespaces
 * (`export * as nn`) walked into, whose declaration has neither an `@example` nor `@internal`
 * in its TSDoc: `name (file)` each. Types and interfaces are documentation already.
 */
export function exportsWithoutExample(entries: readonly URL[]): string[] {
  const files = entries.map((u) => fileURLToPath(u));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, noResolve: false, types: [] });
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  const seen = new Set<ts.Symbol>();
  const documented = (node: ts.Node): boolean => {
    const tags = ts.getJSDocTags(node).map((t) => t.tagName.text);
    return tags.includes('example') || tags.includes('internal');
  };
  const walk = (module: ts.Symbol, prefix: string): void => {
    for (const ex of checker.getExportsOfModule(module)) {
      const s = ex.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(ex) : ex;
      if (seen.has(s)) continue;
      seen.add(s);
      const decl = s.declarations?.[0];
      if (!decl) continue;
      if (ts.isSourceFile(decl)) { walk(s, `${prefix}${ex.name}.`); continue; } // a namespace: its members
      if (!(s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable | ts.SymbolFlags.Enum))) continue;
      const statement = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
      if (!documented(decl) && !documented(statement)) missing.add(`${prefix}${ex.name} (${decl.getSourceFile().fileName.replace(/^.*\/packages\//, '')})`);
    }
  };
  for (const f of files) walk(checker.getSymbolAtLocation(program.getSourceFile(f)!)!, '');
  return [...missing];
}
