/**
 * The reductions' edges that Stryker's run over ops/reduce.ts (MUTATION.md, session 9) found
 * untested. Expected values are PyTorch 1.13's (checked with torch) or computed here by hand.
 */
import { describe, expect, it } from 'vitest';
import { argmax, argmin, float64, int32, max, min, tensor, zeros, type Tensor } from '@tensile/tensor';

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

describe('an empty tensor along a dim of nonzero size', () => {
  it('max/min give empty values and int64 indices, keepdim kept, any dtype, as PyTorch', () => {
    const [v, i] = max(zeros(0, 3), 1, true);
    expect(v.shape).toEqual([0, 1]);
    expect(i.shape).toEqual([0, 1]);
    expect(i.dtype.name).toBe('int64');
    const m = min(zeros(0, 3, { dtype: int32 }), 1);
    expect(m.values.shape).toEqual([0]);
    expect(m.values.dtype).toBe(int32);
    expect(max(zeros(0, 3, { dtype: float64 }), 1).indices.shape).toEqual([0]);
  });
  it('argmax/argmin give an empty int64 tensor', () => {
    expect(argmin(zeros(0, 3), 1, true).shape).toEqual([0, 1]);
    expect(argmax(zeros(2, 0, 3), 2).shape).toEqual([2, 0]);
  });
  it('the gradient of the empty values is an empty gradient', () => {
    const x = zeros(0, 3, { requiresGrad: true });
    max(x, 1).values.sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

// Every refusal, by its whole message (and class); PyTorch refuses each of these too.
const bad: [name: string, f: () => unknown, type: ErrorConstructor, message: string][] = [
  ['max of an empty tensor along a dim of size 0', () => max(zeros(3, 0), -1), RangeError, 'max(): Expected reduction dim 1 to have non-zero size.'],
  ['min of an empty tensor along a dim of size 0', () => min(zeros(0, 3), 0), RangeError, 'min(): Expected reduction dim 0 to have non-zero size.'],
  ['argmax of an empty tensor along a dim of size 0', () => argmax(zeros(3, 0), 1), RangeError, 'argmax(): Expected reduction dim 1 to have non-zero size.'],
  ['argmin of an empty tensor, no dim', () => argmin(zeros(0, 3)), RangeError, 'argmin: cannot reduce an empty tensor'],
  ['min of an empty tensor, no dim', () => min(zeros(0, 3)), RangeError, 'min: cannot reduce an empty tensor'],
];

describe('the reductions refuse, naming the function, the argument and the value', () => {
  it.each(bad)('%s', (_, f, type, message) => {
    let caught: unknown;
    try { f(); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(type);
    expect((caught as Error).message).toBe(message);
  });
});
