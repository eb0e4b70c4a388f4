import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAveragingFlags } from '../src/averaging/flags.js';
import { METHODS, SERIES, tailMean, train } from '../src/averaging/train.js';

describe('averaging example (ASGD, SWA, EMA)', () => {
  const r = train({ steps: 2000, swaStart: 500, evalEvery: 50 });

  it('every average ends below its live weights; ASGD and SWA (equal averages) below EMA', () => {
    for (const m of METHODS) expect(tailMean(r.excess[`${m} average`])).toBeLessThan(tailMean(r.excess[`${m} live`]) / 2);
    expect(tailMean(r.excess['SWA average'])).toBeLessThan(tailMean(r.excess['EMA average']));
    expect(tailMean(r.excess['ASGD average'])).toBeLessThan(tailMean(r.excess['EMA average']));
  });

  it('before swaStart the ASGD and SWA averages are the live weights; EMA averages from the start', () => {
    expect(r.excess['ASGD average'][0]).toBe(r.excess['ASGD live'][0]);
    expect(r.excess['SWA average'][0]).toBe(r.excess['SWA live'][0]);
    expect(r.excess['EMA average'][0]).not.toBe(r.excess['EMA live'][0]);
  });

  it('SWALR anneals the SWA run\'s lr from swaStart to swaLr; the others keep lr', () => {
    const i = r.steps.indexOf(450);
    expect(r.lr.SWA[i]).toBe(0.02);
    expect(r.lr.SWA.at(-1)).toBe(0.01);
    expect(new Set(r.lr.EMA)).toEqual(new Set([0.02]));
    expect(new Set(r.lr.ASGD)).toEqual(new Set([0.02]));
  });

  it('flags: values, errors naming the flag and the value', () => {
    expect(parseAveragingFlags(['--steps', '1000', '--swa-start', '10', '--swa-lr', '0.005', '--ema-decay', '0.9', '--out', 'x'])).toEqual({
      help: false, options: { steps: 1000, swaStart: 10, swaLr: 0.005, emaDecay: 0.9 }, out: 'x',
    });
    expect(parseAveragingFlags(['--help'])).toEqual({ help: true });
    expect(parseAveragingFlags(['--ema-decay', '1.5'])).toEqual({ error: "--ema-decay must be a number in [0, 1], got '1.5'" });
    expect(parseAveragingFlags(['--swa-start', '0'])).toEqual({ error: "--swa-start must be an integer >= 1, got '0'" });
    expect(parseAveragingFlags(['--t0', '3'])).toEqual({ error: 'unknown flag --t0 (see --help)' });
  });

  it('the command prints the table, writes a valid SVG with the six series; a bad flag exits 2 and writes nothing', { timeout: 60_000 }, () => {
    const run = fileURLToPath(new URL('../scripts/run.mjs', import.meta.url));
    const out = join(mkdtempSync(join(tmpdir(), 'tensile-avg-')), 'run');
    const p = spawnSync(process.execPath, [run, 'averaging', '--steps', '600', '--swa-start', '200', '--out', out], { encoding: 'utf8' });
    expect(p.status).toBe(0);
    expect(p.stderr).toBe('');
    for (const s of SERIES) expect(p.stdout).toContain(s);
    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect((new XMLParser().parse(svg) as { svg?: unknown }).svg).toBeDefined();
    for (const s of SERIES) expect(svg).toContain(`>${s}<`);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).steps.length).toBe(6);

    const bad = spawnSync(process.execPath, [run, 'averaging', '--lr', 'x', '--out', `${out}-bad`], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("averaging: --lr must be a number >= 0, got 'x'");
    expect(() => readFileSync(join(`${out}-bad`, 'curves.svg'))).toThrow();
  });
});
