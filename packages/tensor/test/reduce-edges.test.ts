/**
 * The reductions' edges that Stryker's run over ops/reduce.ts (MUTATION.md, session 9) found
 * untested. Expected values are PyTorch 1.13's (checked with torch) or computed here by hand.
 */
import { describe, expect, it } from 'vitest';
import { argmax, argmin, float64, max, min, tensor, type Tensor } from '@tensile/tensor';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

describe('a 0-d input along dim 0 or -1', () => {
  it('argmax/argmin give position 0 (not the value), float32 as float64, as PyTorch', () => {
    for (const dtype of [undefined, float64]) {
      const x = tensor(7, dtype ? { dtype } : {});
      expect(values(argmax(x, 0))).toEqual([0]);
      expect(values(argmin(x, -1))).toEqual([0]);
      expect(argmax(x, 0, true).shape).toEqual([]);
    }
  });
  it('max/min along the dim give the value and index 0', () => {
    const [v, i] = max(tensor(7), 0);
    expect(v.item()).toBe(7);
    expect(values(i)).toEqual([0]);
    const m = min(tensor(-2), -1, true);
    expect(m.values.item()).toBe(-2);
    expect(values(m.indices)).toEqual([0]);
    expect(m.indices.shape).toEqual([]);
  });
});
