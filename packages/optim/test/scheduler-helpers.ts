/**
 * The scheduler tests' console.warn spy, apart from helpers.ts: the browser self-test bundles
 * helpers.ts with a vitest shim that has no `vi`.
 */
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';

/**
 * Silences `console.warn` around each test of the file that calls this (at its top level) and
 * returns the holder of that test's spy: `expect(warn.spy).toHaveBeenCalledWith(...)`.
 */
export function silenceWarnings(): { spy: MockInstance } {
  const holder = { spy: undefined as unknown as MockInstance };
  beforeEach(() => {
    holder.spy = vi.spyOn(console as unknown as { warn: (m: string) => void }, 'warn').mockImplementation(() => {});
  });
  afterEach(() => holder.spy.mockRestore());
  return holder;
}
