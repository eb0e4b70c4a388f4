/**
 * The fuzz runner's configuration: `npm run fuzz` raises the runs (FUZZ_RUNS), so every
 * property's timeout must grow with them; a fixed 5 s failed slow properties under load with
 * "Test timed out", and no counterexample.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RUNS, MS_PER_RUN, fuzz } from './helpers/fuzz.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('fuzz(): runs and timeout from FUZZ_RUNS and FUZZ_SEED', () => {
  const saved = { runs: process.env['FUZZ_RUNS'], seed: process.env['FUZZ_SEED'] };
  const set = (name: string, v: string | undefined): void => {
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  };
  afterEach(() => {
    set('FUZZ_RUNS', saved.runs);
    set('FUZZ_SEED', saved.seed);
  });

  it('npm test: 150 runs within a few seconds', () => {
    set('FUZZ_RUNS', undefined);
    set('FUZZ_SEED', undefined);
    expect(fuzz()).toEqual({ settings: { numRuns: DEFAULT_RUNS }, timeout: 5_000 + DEFAULT_RUNS * MS_PER_RUN });
    expect(fuzz(1 / 3).settings).toEqual({ numRuns: 50 });
  });

  it('npm run fuzz: the timeout grows with the runs, and a scale scales both', () => {
    set('FUZZ_RUNS', '20000');
    set('FUZZ_SEED', '-42');
    const { settings, timeout } = fuzz();
    expect(settings).toEqual({ numRuns: 20_000, seed: -42 });
    expect(timeout).toBeGreaterThanOrEqual(20_000 * MS_PER_RUN);
    const third = fuzz(1 / 3);
    expect(third.settings.numRuns).toBe(6_667);
    expect(third.timeout).toBeGreaterThanOrEqual(6_667 * MS_PER_RUN);
    expect(fuzz(1, 50).timeout).toBeGreaterThanOrEqual(20_000 * 50);
  });

  it.each(['0x10', 'abc', '1e4', '-5', '0', ' 7'])('refuses FUZZ_RUNS=%j, naming it', (v) => {
    set('FUZZ_RUNS', v);
    expect(() => fuzz()).toThrow(`FUZZ_RUNS must be a positive integer (decimal), got '${v}'`);
  });

  it('refuses a FUZZ_SEED that is not an integer', () => {
    set('FUZZ_SEED', '0x1');
    expect(() => fuzz()).toThrow("FUZZ_SEED must be an integer (decimal), got '0x1'");
  });
});

/** Test files `vitest run fuzz` selects (the path contains "fuzz") that run fast-check properties. */
function fuzzFiles(): string[] {
  const found: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(root, group))) {
      const walk = (dir: string): void => {
        let entries;
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name.endsWith('.test.ts') && p.includes('fuzz') && /^import .* from 'fast-check';$/m.test(readFileSync(p, 'utf8'))) found.push(p);
        }
      };
      walk(join(root, group, pkg, 'test'));
    }
  }
  return found;
}

describe('every fuzz test file', () => {
  const files = fuzzFiles();

  it('is found (the three that exist today, at least)', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('takes its runs and timeout from helpers/fuzz.ts, and gives every property that runs FUZZ_RUNS cases that timeout', () => {
    const problems: string[] = [];
    const testLine = /^\s*(?:it|test)(?:\.(?:each|for)\(.*?\))?\(/;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const name = relative(root, f);
      if (/process\.env\[?['"]?FUZZ_RUNS/.test(text)) problems.push(`${name}: reads FUZZ_RUNS itself (use fuzz() from helpers/fuzz.ts)`);
      if (!/import \{[^}]*\bfuzz\b[^}]*\} from '[./]+(?:tensor\/test\/)?helpers\/fuzz\.js'/.test(text)) problems.push(`${name}: does not import fuzz from helpers/fuzz.ts`);
      // A test's text runs from its line to the next test or describe; one that uses the scaled
      // settings (`settings`, `third.settings`, ...) must take the timeout that goes with them.
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (!testLine.test(line)) return;
        let end = i + 1;
        while (end < lines.length && !testLine.test(lines[end]!) && !/^\s*describe(?:\.\w+)*\(/.test(lines[end]!)) end++;
        const body = lines.slice(i, end).join('\n');
        if (/\bsettings\b/.test(body) && !/timeout/.test(line)) problems.push(`${name}:${i + 1}: a property on FUZZ_RUNS cases without { timeout }`);
      });
    }
    expect(problems).toEqual([]);
  });
});
