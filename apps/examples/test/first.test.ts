import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the README\'s "A first program"', () => {
  it('is apps/examples/src/first/cli.ts, character for character', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const at = readme.indexOf('## A first program');
    const start = readme.indexOf('```ts\n', at) + 6;
    expect(readme.slice(start, readme.indexOf('```\n', start))).toBe(readFileSync(join(repo, 'apps', 'examples', 'src', 'first', 'cli.ts'), 'utf8'));
    expect(readme.slice(at, readme.indexOf('## ', at + 3))).toContain('npm run first');
  });

  it('runs with `npm run first`, as the README says, and prints the solved XOR', { timeout: 60_000 }, () => {
    // --ignore-scripts skips only the prefirst install check (never an `npm ci` mid-test).
    const out = execFileSync('npm', ['run', '--silent', '--ignore-scripts', 'first'], { cwd: repo, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(out).toBe('tensor([0, 1, 1, 0])\n');
  });
});
