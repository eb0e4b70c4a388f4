/**
 * How many cases a fast-check property runs, and how long vitest lets it take. `npm test` runs
 * 150 cases a property; `npm run fuzz` sets FUZZ_RUNS (20,000 by default) and FUZZ_SEED
 * replays a run. The timeout grows with the runs: a fixed one (vitest's 5 s) failed slow
 * properties under load with "Test timed out", and no counterexample.
 *
 * @example
 * ```ts
 * const { settings, timeout } = fuzz();
 * it('a property', { timeout }, () => fc.assert(fc.property(fc.nat(), (n) => n >= 0), settings));
 * ```
 */

/** Cases a property runs when FUZZ_RUNS is not set (`npm test`). */
export const DEFAULT_RUNS = 150;

/** What one case may take, on average, before the property times out; the slowest today take about 1.5 ms. */
export const MS_PER_RUN = 10;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new RangeError(`${name} must be a positive integer (decimal), got '${raw}'`);
  return Number(raw);
}

/**
 * fast-check's `settings` for a property that runs `scale` times FUZZ_RUNS cases (at least
 * one), and the vitest `timeout` for it: 5 s plus `msPerRun` per case.
 */
export function fuzz(scale = 1, msPerRun = MS_PER_RUN): { settings: { numRuns: number; seed?: number }; timeout: number } {
  const numRuns = Math.max(1, Math.ceil(positiveInteger('FUZZ_RUNS', DEFAULT_RUNS) * scale));
  const seed = process.env['FUZZ_SEED'];
  const settings: { numRuns: number; seed?: number } = { numRuns };
  // FUZZ_SEED may be negative: fast-check prints the seed of a failure, and any 32-bit integer can be one.
  if (seed !== undefined && seed !== '') {
    if (!/^-?\d+$/.test(seed)) throw new RangeError(`FUZZ_SEED must be an integer (decimal), got '${seed}'`);
    settings.seed = Number(seed);
  }
  return { settings, timeout: 5_000 + numRuns * msPerRun };
}
