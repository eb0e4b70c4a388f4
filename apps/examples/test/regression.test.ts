import { describe, expect, it } from 'vitest';
import { TRUE_B, TRUE_W, train } from '../src/regression/train.js';

describe('regression example', () => {
  it('a few steps make the loss fall', () => {
    const { losses } = train({ steps: 5 });
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
  });

  it('the default run recovers the line within the noise', () => {
    const r = train();
    expect(Math.abs(r.w - TRUE_W)).toBeLessThan(0.1);
    expect(Math.abs(r.b - TRUE_B)).toBeLessThan(0.1);
    expect(Math.abs(r.wAveraged - TRUE_W)).toBeLessThan(0.1);
    // The noise variance (0.25) is the best mean squared error possible; the fit gets close.
    expect(r.losses.at(-1)!).toBeLessThan(0.3);
  });

  it('is reproducible from its seed', () => {
    expect(train({ steps: 20, seed: 3 })).toEqual(train({ steps: 20, seed: 3 }));
    expect(train({ steps: 20, seed: 3 }).w).not.toBe(train({ steps: 20, seed: 4 }).w);
  });
});
