import { expect } from 'vitest';

/** Asserts that `fn` throws an instance of `type` whose message is `message` (or matches it). */
export function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, message: string | RegExp): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(type);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}
