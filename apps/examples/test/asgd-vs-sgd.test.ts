import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseCompareFlags } from '../src/asgd-vs-sgd/flags.js';
import { METHODS, tailMean, train } from '../src/asgd-vs-sgd/train.js';

describe('asgd-vs-sgd example', () => {
  it('the error falls for every method in the first steps', () => {
    const r = train({ steps: 300, evalEvery: 50, t0: 100 });
    for (const m of METHODS) expect(r.excess[m].at(-1)!).toBeLessThan(r.excess[m][0]!);
  });

  it('with the defaults the averaged iterate ends far below SGD and ASGD\'s live iterate', () => {
    const r = train();
    const avg = tailMean(r.excess['ASGD (averaged)']);
    expect(avg).toBeLessThan(tailMean(r.excess['SGD']) / 5);
    expect(avg).toBeLessThan(tailMean(r.excess['ASGD (live)']) / 5);
    // Before t0 the average is the live iterate.
    expect(r.excess['ASGD (averaged)'][0]).toBe(r.excess['ASGD (live)'][0]);
  });

  it('flags: values, errors naming the flag and the value', () => {
    expect(parseCompareFlags(['--steps', '1000', '--lr', '0.05', '--t0', '10', '--seed', '2', '--out', 'x'])).toEqual({
      help: false, options: { steps: 1000, lr: 0.05, t0: 10, seed: 2 }, out: 'x',
    });
    expect(parseCompareFlags(['--help'])).toEqual({ help: true });
    expect(parseCompareFlags(['--steps', '10'])).toEqual({ error: "--steps must be an integer >= 100, got '10'" });
    expect(parseCompareFlags(['--lr', 'fast'])).toEqual({ error: "--lr must be a number >= 0, got 'fast'" });
    expect(parseCompareFlags(['--epochs', '3'])).toEqual({ error: 'unknown flag --epochs (see --help)' });
    expect(parseCompareFlags(['--out', ' '])).toEqual({ error: "--out must name a directory, got ''" });
  });

  it('the command prints the table, writes a valid SVG with the three series; a bad flag exits 2 and writes nothing', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const out = join(mkdtempSync(join(tmpdir(), 'tensile-avs-')), 'run');
    const r = spawnSync(process.execPath, [run, 'asgd-vs-sgd', '--steps', '1500', '--out', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const m of METHODS) expect(r.stdout).toContain(m);
    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect((new XMLParser().parse(svg) as { svg?: unknown }).svg).toBeDefined();
    for (const m of METHODS) expect(svg).toContain(`>${m}<`);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).steps.length).toBe(15);

    const bad = spawnSync(process.execPath, [run, 'asgd-vs-sgd', '--lr', 'x', '--out', `${out}-bad`], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("asgd-vs-sgd: --lr must be a number >= 0, got 'x'");
    expect(() => readFileSync(join(`${out}-bad`, 'curves.svg'))).toThrow();
  });

  it.skipIf(!existsSync('/proc/self'))('--out /proc/x fails at once with one line and status 2 (Node\'s recursive mkdir spins forever there)', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [run, 'asgd-vs-sgd', '--steps', '200', '--out', '/proc/tensile-x'], { encoding: 'utf8', timeout: 45_000 });
    expect(r.signal, 'killed by the timeout: the CLI hung').toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('asgd-vs-sgd: --out /proc/tensile-x: cannot create the directory: no such file or directory (ENOENT)');
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk when results.json is written: one line and status 1', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const out = mkdtempSync(join(tmpdir(), 'tensile-avs-full-'));
    symlinkSync('/dev/full', join(out, 'results.json'));
    const r = spawnSync(process.execPath, [run, 'asgd-vs-sgd', '--steps', '200', '--out', out], { encoding: 'utf8', timeout: 45_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(`asgd-vs-sgd: cannot write ${out}/results.json: no space left on the device (ENOSPC)`);
  });

  it('a relative --out lands in the directory npm was run from (INIT_CWD), not in apps/examples', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const where = mkdtempSync(join(tmpdir(), 'tensile-cwd-'));
    const r = spawnSync(process.execPath, [run, 'asgd-vs-sgd', '--steps', '200', '--out', 'rel-run'], {
      encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, INIT_CWD: where },
    });
    expect(r.status).toBe(0);
    expect(existsSync(join(where, 'rel-run', 'curves.svg'))).toBe(true);
    expect(existsSync(fileURLToPath(new URL('../rel-run', import.meta.url)))).toBe(false);
  });
});
