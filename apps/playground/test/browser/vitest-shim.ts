/**
 * Just enough of vitest's API to run the engine's own test files inside a web page:
 * describe/it (with .each, .skip, .skipIf), the four hooks, and vitest's real `expect`
 * (@vitest/expect on chai, as vitest's browser mode uses it). The browser bundle maps the
 * module id 'vitest' here (selftest-build.mjs).
 */
import * as chai from 'chai';
import { GLOBAL_EXPECT, JestAsymmetricMatchers, JestChaiExpect, JestExtend, getState, setState } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);
// A fast path for toEqual on two typed arrays of one type that are equal element for element
// (Object.is, as the matcher compares numbers): the generic deep equality walks them one
// property at a time, which made the wasm bit-identity tests take 25 s in a page. Anything
// else, and every mismatch, goes to vitest's matcher for its verdict and diff.
chai.use((c, utils) => {
  c.Assertion.overwriteMethod('toEqual', (original: (...a: unknown[]) => unknown) => function (this: object, ...args: unknown[]) {
    const actual = utils.flag(this, 'object') as unknown, expected = args[0];
    if (!utils.flag(this, 'negate') && ArrayBuffer.isView(actual) && ArrayBuffer.isView(expected) && actual.constructor === expected.constructor && !(actual instanceof DataView)) {
      const a = actual as unknown as ArrayLike<unknown>, e = expected as unknown as ArrayLike<unknown>;
      let same = a.length === e.length;
      for (let i = 0; same && i < a.length; i++) same = Object.is(a[i], e[i]);
      if (same) return;
    }
    return original.apply(this, args);
  });
});

type Fn = () => unknown;
interface Test { kind: 'test'; name: string; fn: Fn; skip: boolean }
interface Suite {
  kind: 'suite'; name: string; children: (Suite | Test)[]; skip: boolean;
  beforeAll: Fn[]; afterAll: Fn[]; beforeEach: Fn[]; afterEach: Fn[];
}
const newSuite = (name: string, skip = false): Suite => ({ kind: 'suite', name, children: [], skip, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] });

export const root = newSuite('');
let current = root;

/** printf-style test names as vitest formats them (%s %i %d %j %f %o %%). */
function format(name: string, args: readonly unknown[]): string {
  let i = 0;
  return name.replace(/%[sidjfo%]/g, (m) => (m === '%%' ? '%' : m === '%j' || m === '%o' ? JSON.stringify(args[i++]) : String(args[i++])));
}
const rows = (table: readonly unknown[]): unknown[][] => table.map((r) => (Array.isArray(r) ? r : [r]));
const body = (a: unknown, b: unknown): Fn => (typeof a === 'function' ? a : b) as Fn;

function addSuite(name: string, fn: Fn, skip: boolean): void {
  const s = newSuite(name, skip);
  current.children.push(s);
  const parent = current;
  current = s;
  try {
    fn();
  } finally {
    current = parent;
  }
}
const addTest = (name: string, fn: Fn, skip: boolean): void => void current.children.push({ kind: 'test', name, fn, skip });

type Describe = ((name: string, fn: Fn) => void) & { skip: (name: string, fn: Fn) => void; each: (t: readonly unknown[]) => (name: string, fn: (...a: never[]) => unknown) => void };
export const describe = Object.assign((name: string, fn: Fn) => addSuite(name, fn, false), {
  skip: (name: string, fn: Fn) => addSuite(name, fn, true),
  each: (table: readonly unknown[]) => (name: string, fn: (...a: never[]) => unknown) => {
    for (const r of rows(table)) addSuite(format(name, r), () => (fn as (...a: unknown[]) => unknown)(...r), false);
  },
}) as Describe;

const itFn = (name: string, a: unknown, b?: unknown): void => addTest(name, body(a, b), false);
export const it = Object.assign(itFn, {
  skip: (name: string, a: unknown, b?: unknown) => addTest(name, body(a, b), true),
  skipIf: (cond: unknown) => (name: string, a: unknown, b?: unknown) => addTest(name, body(a, b), !!cond),
  runIf: (cond: unknown) => (name: string, a: unknown, b?: unknown) => addTest(name, body(a, b), !cond),
  todo: (name: string) => addTest(name, () => undefined, true),
  each: (table: readonly unknown[]) => (name: string, a: unknown, b?: unknown) => {
    const fn = body(a, b) as (...x: unknown[]) => unknown;
    for (const r of rows(table)) addTest(format(name, r), () => fn(...r), false);
  },
});
export const test = it;
export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn);

export const expect = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expect as never);
  setState({ assertionCalls: assertionCalls + 1 }, expect as never);
  return chai.expect(value, message);
}) as unknown as typeof import('vitest').expect;
Object.assign(expect, chai.expect);
Object.assign(expect, {
  getState: () => getState(expect as never),
  setState: (s: object) => setState(s, expect as never),
  assert: chai.assert,
  unreachable: (m?: string) => chai.assert.fail(`expected${m ? ` "${m}" ` : ' '}not to be reached`),
});
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expect as never);
(globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;

export interface Result { file: string; name: string; ok: boolean; skipped: boolean; ms: number; error?: string }

/**
 * Runs every test registered under `suite` (hooks in vitest's order) and returns one result per
 * test. `skipTop` names top-level suites to leave out (Node-only parts of a file).
 */
export async function run(file: string, suite: Suite, skipTop: readonly string[] = []): Promise<Result[]> {
  const results: Result[] = [];
  const walk = async (s: Suite, path: string[], each: { before: Fn[]; after: Fn[] }, skipped: boolean): Promise<void> => {
    if (!skipped) for (const h of s.beforeAll) await h();
    const before = [...each.before, ...s.beforeEach], after = [...s.afterEach, ...each.after];
    for (const c of s.children) {
      const skip = skipped || c.skip || (s === suite && skipTop.some((n) => c.name.startsWith(n)));
      if (c.kind === 'suite') {
        await walk(c, [...path, c.name], { before, after }, skip);
        continue;
      }
      const name = [...path, c.name].join(' > ');
      if (skip) {
        results.push({ file, name, ok: true, skipped: true, ms: 0 });
        continue;
      }
      const t0 = performance.now();
      try {
        for (const h of before) await h();
        try {
          await c.fn();
        } finally {
          for (const h of after) await h();
        }
        results.push({ file, name, ok: true, skipped: false, ms: performance.now() - t0 });
      } catch (e) {
        results.push({ file, name, ok: false, skipped: false, ms: performance.now() - t0, error: String((e as Error)?.message ?? e).slice(0, 2000) });
      }
    }
    if (!skipped) for (const h of s.afterAll) await h();
  };
  await walk(suite, [], { before: [], after: [] }, false);
  return results;
}

/** Registers one file's tests in a fresh suite (so each file's results are reported apart). */
export async function collect(load: () => Promise<unknown>): Promise<Suite> {
  const s = newSuite('');
  const parent = current;
  current = s;
  try {
    await load();
  } finally {
    current = parent;
  }
  return s;
}
