/**
 * updateInPlace bumps the version of every output, not only the first: a tensor saved for
 * backward that is any output of the update (or shares its storage with one: a view, a base)
 * makes that backward refuse, as PyTorch's version counter does for each in-place op.
 */
import { describe, expect, it } from 'vitest';
import { arange, tensor, updateInPlace, type Tensor } from '../src/index.js';

const MODIFIED = /modified by an in-?place operation/;
const fresh = (): Tensor[] => [tensor([1, 2, 3]), tensor([4, 5]), arange(6).float().reshape(2, 3), tensor([7])];

describe('updateInPlace: every output\'s version goes up, whichever position it holds', () => {
  it.each([0, 1, 2, 3])('outputs[%i] saved for backward: the backward refuses after the update', (k) => {
    const outs = fresh();
    const w = tensor(Array.from({ length: outs[k]!.numel() }, (_, i) => i + 1), { shape: [...outs[k]!.shape], requiresGrad: true });
    const y = w.mul(outs[k]!).sum(); // mul saves outs[k] for w's gradient
    updateInPlace(outs, [], (arrays) => arrays.forEach((a) => a.fill(0)));
    expect(() => y.backward()).toThrow(MODIFIED);
  });

  it('each output goes up by exactly one, the inputs not at all', () => {
    const outs = fresh();
    const inp = tensor([1, 1]);
    const before = outs.map((t) => t.version), inBefore = inp.version;
    updateInPlace(outs, [inp], () => {});
    expect(outs.map((t) => t.version)).toEqual(before.map((v) => v + 1));
    expect(inp.version).toBe(inBefore);
  });

  it('the last output a strided view of a saved tensor: the saved base sees the bump too', () => {
    const base = arange(6).float().reshape(2, 3);
    const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = w.mul(base).sum();
    updateInPlace([tensor([0, 0]), tensor([1]), base.t()], [], (arrays) => { arrays[2]!.fill(-1); });
    expect(Array.from(base.toFloat32Array())).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(() => y.backward()).toThrow(MODIFIED);
  });

  it('an untouched saved tensor (not an output) still lets backward run', () => {
    const outs = fresh();
    const other = tensor([2, 3]);
    const w = tensor([1, 1], { requiresGrad: true });
    const y = w.mul(other).sum();
    updateInPlace(outs, [other], (arrays) => arrays.forEach((a) => a.fill(0)));
    y.backward();
    expect(Array.from(w.grad!.toFloat32Array())).toEqual([2, 3]);
  });
});
