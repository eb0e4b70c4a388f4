import { describe, expect, it } from 'vitest';
import { arange, noGrad, tensor, updateInPlace } from '../src/index.js';

describe('updateInPlace: the public way to update tensors in place through raw arrays', () => {
  it('a contiguous output is a view of its storage: no copy, and the version goes up once', () => {
    const t = arange(6).float().reshape(2, 3);
    const v0 = t.version;
    updateInPlace([t], [], ([d]) => {
      expect(d!.buffer).toBe(t.storage.data.buffer);
      d!.set([9, 8, 7, 6, 5, 4]);
    });
    expect(t.toArray()).toEqual([[9, 8, 7], [6, 5, 4]]);
    expect(t.version).toBe(v0 + 1);
  });

  it('a view with an offset sees only its own elements', () => {
    const base = arange(6).float();
    const mid = base.narrow(0, 2, 3);
    updateInPlace([mid], [], ([d]) => {
      expect(Array.from(d!)).toEqual([2, 3, 4]);
      d!.fill(-1);
    });
    expect(Array.from(base.toFloat32Array())).toEqual([0, 1, -1, -1, -1, 5]);
  });

  it('a view at offset 0 shorter than its storage, and one in the middle, see only their own elements (outputs and inputs)', () => {
    const base = arange(8).float();
    const head = base.narrow(0, 0, 3), inner = base.narrow(0, 4, 2);
    updateInPlace([head], [inner], ([d], [i]) => {
      expect(Array.from(d!)).toEqual([0, 1, 2]);
      expect(Array.from(i!)).toEqual([4, 5]);
      d!.fill(-1);
    });
    expect(Array.from(base.toFloat32Array())).toEqual([-1, -1, -1, 3, 4, 5, 6, 7]);
    updateInPlace([inner], [], ([d]) => {
      expect(d!.length).toBe(2);
      d!.fill(-2);
    });
    expect(Array.from(base.toFloat32Array())).toEqual([-1, -1, -1, 3, -2, -2, 6, 7]);
  });

  it('a whole tensor gets its storage array itself; a whole tensor that is an input too reads the values being written', () => {
    const t = arange(4).float();
    updateInPlace([t], [t], ([d], [i]) => {
      expect(d).toBe(t.storage.data);
      expect(i).toBe(t.storage.data);
      d![0] = 10;
      expect(i![0]).toBe(10); // the same memory, as a.add_(a) reads a
    });
  });

  it('strided outputs and inputs come dense, in row-major order, and outputs are written back', () => {
    const base = arange(6).float().reshape(2, 3);
    const tr = base.t(); // [3, 2], strided
    const other = arange(6, 12).float().reshape(2, 3).t();
    updateInPlace([tr], [other], ([d], [o]) => {
      expect(Array.from(d!)).toEqual([0, 3, 1, 4, 2, 5]);
      expect(Array.from(o!)).toEqual([6, 9, 7, 10, 8, 11]);
      for (let i = 0; i < d!.length; i++) d![i] = d![i]! + o![i]!;
    });
    expect(base.toArray()).toEqual([[6, 8, 10], [12, 14, 16]]);
  });

  it('refuses a leaf that requires grad under grad mode, and changes nothing; under noGrad it runs', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => updateInPlace([w], [], ([d]) => d!.fill(0))).toThrow('updateInPlace: outputs[0] is a leaf tensor that requires grad; wrap the update in noGrad()');
    expect(Array.from(w.toFloat32Array())).toEqual([1, 2]);
    noGrad(() => updateInPlace([w], [], ([d]) => d!.fill(0)));
    expect(Array.from(w.toFloat32Array())).toEqual([0, 0]);
  });

  it('a backward that saved an updated tensor notices (the version check)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    const y = a.mul(b).sum();
    updateInPlace([b], [], ([d]) => d!.fill(0));
    expect(() => y.backward()).toThrow(/modified by an inplace operation|version/);
  });

  it.each([
    ['a non-tensor output', () => updateInPlace([1 as never], [], () => {}), TypeError, /^updateInPlace: outputs\[0\] must be a Tensor, got number 1$/],
    ['a non-tensor input', () => updateInPlace([tensor([1])], [tensor([2]), 'x' as never], () => {}), TypeError, /^updateInPlace: inputs\[1\] must be a Tensor, got string x$/],
    ['outputs that are no array', () => updateInPlace(tensor([1]) as never, [], () => {}), TypeError, /^updateInPlace: outputs must be an array of tensors$/],
    ['inputs that are no array', () => updateInPlace([tensor([1])], tensor([1]) as never, () => {}), TypeError, /^updateInPlace: inputs must be an array of tensors$/],
    ['an int64 output', () => updateInPlace([tensor([1], { dtype: 'int64' })], [], () => {}), TypeError, /^updateInPlace: outputs\[0\]/],
    ['an int64 input', () => updateInPlace([tensor([1])], [tensor([1], { dtype: 'int64' })], () => {}), TypeError, /^updateInPlace: inputs\[0\]/],
    ['a fn that is no function', () => updateInPlace([], [], 5 as never), TypeError, /^updateInPlace: fn must be a function$/],
  ] as const)('names bad arguments: %s, and changes nothing', (_, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  it('a bad input is refused before the callback runs or any output changes', () => {
    const t = tensor([1, 2]);
    let ran = false;
    expect(() => updateInPlace([t], [tensor([1], { dtype: 'int64' })], ([d]) => { ran = true; d!.fill(0); })).toThrow(TypeError);
    expect(ran).toBe(false);
    expect(Array.from(t.toFloat32Array())).toEqual([1, 2]);
  });
});
