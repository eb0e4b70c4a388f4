/**
 * Stands in for Node built-ins and esbuild in the in-page test bundle. Test files import them
 * at the top for their Node-only tests, which the page skips; these keep the imports loadable
 * and throw if a skipped test's code ever runs. `readFileSync` serves the optimizer fixtures,
 * which the bundle embeds (selftest-build.ts).
 */
// @ts-expect-error a virtual module the bundle plugin provides (selftest-build.ts)
import { fixtures as embedded } from 'tensile-fixtures';

const fixtures = embedded as Record<string, string>;

const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser test page`);
};
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export function readFileSync(path: string | URL): string {
  const name = base(typeof path === 'string' ? path : path.pathname);
  const text = fixtures[name];
  if (text === undefined) throw new Error(`readFileSync(${String(path)}): not embedded in the browser test page`);
  return text;
}
export const join = (...parts: string[]): string => parts.join('/');
export const dirname = (p: string): string => p.slice(0, p.lastIndexOf('/'));
export const fileURLToPath = (u: string | URL): string => String(u);
export const pathToFileURL = (p: string): URL => new URL(p, 'file:///');
export const tmpdir = (): string => '/tmp';
export const execFileSync = unavailable('execFileSync');
export const spawnSync = unavailable('spawnSync');
export const mkdtempSync = unavailable('mkdtempSync');
export const rmSync = unavailable('rmSync');
export const writeFileSync = unavailable('writeFileSync');
export const build = unavailable('esbuild');
