/**
 * softmax's and logSoftmax's one-pass float32 backward (ops/nn/activation.ts `softmaxBackward`)
 * against the composed ops it replaces (`y·(g − Σ g·y)`, `g − e^y·Σ g`), bit for bit, along every
 * dim of 1- to 4-d inputs, with rows of one element, -inf and NaN entries, on both kernel sets; a
 * recorded backward still composes (second derivatives).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const { F, tensor } = T;

function draw(n: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) / 2 ** 32 - 0.5) * 6; });
}
const bits = (t: T.Tensor): number[] => Array.from(new Uint32Array(t.toFloat32Array().buffer)).map((b) => ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0 ? 0x7fc00000 : b));

const shapes: number[][] = [[1], [7], [3, 1], [4, 5], [2, 3, 5], [2, 1, 3, 4], [3, 2000]];

afterEach(() => T.setBackend('wasm'));

describe('softmax / logSoftmax backward: one pass, the composed ops\' bits', () => {
  for (const backend of ['wasm', 'js'] as const) {
    for (const log of [false, true]) {
      for (const shape of shapes) {
        for (let d = 0; d < shape.length; d++) {
          it(`${backend} ${log ? 'logSoftmax' : 'softmax'} ${JSON.stringify(shape)} dim ${d}`, () => {
            T.setBackend(backend);
            const n = shape.reduce((a, b) => a * b, 1);
            const data = draw(n, 3 + d);
            if (n > 4) { data[1] = -Infinity; data[n - 1] = 40; }
            const x = tensor(data, { shape, requiresGrad: true });
            const y = log ? F.logSoftmax(x, d) : F.softmax(x, d);
            const g = tensor(draw(n, 11 + d), { shape });
            const [dx] = T.grad(y, [x], { gradOutputs: g });
            const yd = y.detach();
            const want = T.noGrad(() => (log ? T.sub(g, T.mul(T.exp(yd), T.sum(g, d, true))) : T.mul(yd, T.sub(g, T.sum(T.mul(g, yd), d, true)))));
            expect(bits(dx!)).toEqual(bits(want));
          });
        }
      }
    }
  }

  it('float64 (and a float64 upstream gradient on float32) take the composed form in their own dtype', () => {
    for (const log of [false, true]) {
      const x = tensor(draw(12, 7), { shape: [3, 4], dtype: 'float64', requiresGrad: true });
      const g = tensor(draw(12, 8), { shape: [3, 4], dtype: 'float64' });
      const y = log ? F.logSoftmax(x, 1) : F.softmax(x, 1);
      const [dx] = T.grad(y, [x], { gradOutputs: g });
      const yd = y.detach();
      const want = log ? T.sub(g, T.mul(T.exp(yd), T.sum(g, 1, true))) : T.mul(yd, T.sub(g, T.sum(T.mul(g, yd), 1, true)));
      expect(dx!.dtype).toBe(T.float64);
      expect(Array.from(dx!.toTypedArray() as Float64Array)).toEqual(Array.from(want.toTypedArray() as Float64Array));
    }
  });

  it('mixed dtypes (a float64 upstream gradient on a float32 output, and the reverse): the composed form, the gradient in the input\'s dtype', () => {
    for (const log of [false, true]) {
      const x = tensor(draw(12, 9), { shape: [3, 4], requiresGrad: true });
      const y = log ? F.logSoftmax(x, 1) : F.softmax(x, 1);
      const g = tensor(draw(12, 10), { shape: [3, 4], dtype: 'float64' });
      const [dx] = T.grad(y, [x], { gradOutputs: g });
      const yd = y.detach();
      const want = T.noGrad(() => (log ? T.sub(g, T.mul(T.exp(yd), T.sum(g, 1, true))) : T.mul(yd, T.sub(g, T.sum(T.mul(g, yd), 1, true)))));
      expect(dx!.dtype).toBe(T.float32);
      expect(Array.from(dx!.toFloat32Array())).toEqual(Array.from(want.toTypedArray() as Float64Array, Math.fround));
      // and a float32 upstream gradient on a float64 output: the composed form, a float64 gradient
      const x64 = tensor(draw(12, 9), { shape: [3, 4], dtype: 'float64', requiresGrad: true });
      const y64 = log ? F.logSoftmax(x64, 1) : F.softmax(x64, 1);
      const g32 = tensor(draw(12, 10), { shape: [3, 4] });
      const [dx64] = T.grad(y64, [x64], { gradOutputs: g32 });
      const y64d = y64.detach();
      const want64 = T.noGrad(() => (log ? T.sub(g32, T.mul(T.exp(y64d), T.sum(g32, 1, true))) : T.mul(y64d, T.sub(g32, T.sum(T.mul(g32, y64d), 1, true)))));
      expect(dx64!.dtype).toBe(T.float64);
      expect(Array.from(dx64!.toTypedArray() as Float64Array)).toEqual(Array.from(want64.toTypedArray() as Float64Array));
    }
  });

  it('NaN in a row gives that row NaN gradients, as the composed form', () => {
    const x = tensor([1, Number.NaN, 2, 0.5, 1, 3], { shape: [2, 3], requiresGrad: true });
    const [dx] = T.grad(F.logSoftmax(x, 1).sum(), [x]);
    const v = dx!.toFloat32Array();
    expect([...v.slice(0, 3)].every(Number.isNaN)).toBe(true);
    expect([...v.slice(3)].some(Number.isNaN)).toBe(false);
  });

  it('a recorded backward (createGraph) composes: second derivatives still flow', () => {
    const x = tensor([0.3, -1, 2], { requiresGrad: true });
    for (const f of [(t: T.Tensor) => F.softmax(t, 0), (t: T.Tensor) => F.logSoftmax(t, 0)]) {
      const [g1] = T.grad(f(x).mul(tensor([1, 2, 3])).sum(), [x], { createGraph: true });
      const [g2] = T.grad(g1!.square().sum(), [x]);
      expect(g2!.toFloat32Array().some((v) => v !== 0)).toBe(true);
    }
  });
});
