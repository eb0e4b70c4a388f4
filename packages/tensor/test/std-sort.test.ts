/**
 * `stdSort` against libstdc++'s own `std::sort` (scripts/fixtures/std_sort_fixtures.cpp): keys
 * with ties and NaN, so the output order shows every step of the unstable algorithm (pivot
 * choice, partition swaps, insertion runs); small depth limits reach the heapsort fallback.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { stdSort } from '../src/ops/std-sort.js';

interface Case { depth: number; keys: (number | null)[]; order: number[] }
const { source, cases } = JSON.parse(readFileSync(new URL('./fixtures/std-sort.json', import.meta.url), 'utf8')) as { source: string; cases: Case[] };

describe(`stdSort replays ${source}`, () => {
  it('has cases of every kind: ties, NaN, the heapsort fallback (depth 0), long arrays', () => {
    expect(cases.some((c) => c.depth === 0 && c.keys.length > 16)).toBe(true);
    expect(cases.some((c) => c.keys.includes(null))).toBe(true);
    expect(cases.some((c) => c.keys.length >= 1000)).toBe(true);
  });
  for (const [i, c] of cases.entries()) {
    it(`case ${i}: n=${c.keys.length} depth=${c.depth < 0 ? 'std::sort' : c.depth}${c.keys.includes(null) ? ' with NaN' : ''}`, () => {
      const keys = c.keys.map((k) => (k === null ? NaN : k));
      const order = stdSort(Array.from(keys, (_, j) => j), (a, b) => keys[a]! < keys[b]!, c.depth < 0 ? undefined : c.depth);
      expect(order).toEqual(c.order);
    });
  }
});
