/**
 * dropout of a float32 tensor in one pass (ops/nn/dropout.ts `dropoutFloat32`) against the
 * composed form it replaces (`rand`, `ge`, `mul`, `mul`): the same output and gradient bits and
 * the same generator state after; and `Generator.fillUniform` against one `uniform()` call a
 * draw, the redraw of a float that rounds up to 1 included.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const { F, Generator, tensor, grad } = T;

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

/** The composed form: the mask from rand's draws, then the product (the former dropout). */
function composed(x: T.Tensor, p: number, g: InstanceType<typeof Generator>): T.Tensor {
  const u = T.rand(x.shape, { generator: g });
  return T.mul(x, T.mul(T.ge(u, p), 1 / (1 - p)));
}

/** f(s) = rotl(5s, 7)·9, xoshiro128**'s output of its state word s1; and its inverse. */
const rotr = (x: number, k: number): number => (x >>> k) | (x << (32 - k));
const outputInverse = (y: number): number => Math.imul(rotr(Math.imul(y, 0x38e38e39), 7), 0xcccccccd) | 0;

describe('dropout (float32) in one pass = the composed ops', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
  values.set([NaN, Infinity, -Infinity, -0, 0, 1e-45, -3e38], 500);
  it.each([0.2, 0.5, 0.9, 0.1234567, 1e-7])('p = %f: output, gradient and the generator state after', (p) => {
    const g1 = new Generator(7), g2 = new Generator(7);
    const x1 = tensor(values, { requiresGrad: true }), x2 = tensor(values, { requiresGrad: true });
    const a = F.dropout(x1, p, true, g1), b = composed(x2, p, g2);
    expect(bits(a.toFloat32Array())).toEqual(bits(b.toFloat32Array()));
    expect(g1.getState()).toEqual(g2.getState());
    const up = tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i)));
    const [ga] = grad(a, [x1], { gradOutputs: up }), [gb] = grad(b, [x2], { gradOutputs: up });
    expect(bits(ga!.toFloat32Array())).toEqual(bits(gb!.toFloat32Array()));
  });

  it('a strided input, the default generator, and the backward under createGraph', () => {
    const base = tensor(values.slice(0, 600), { shape: [20, 30] });
    const x = base.t().requiresGrad_(); // [30, 20], not contiguous
    T.manualSeed(3);
    const a = F.dropout(x, 0.3);
    T.manualSeed(3);
    const b = composed(x, 0.3, T.defaultGenerator);
    expect(bits(a.toFloat32Array())).toEqual(bits(b.toFloat32Array()));
    const [ga] = grad(a.sum(), [x], { createGraph: true });
    const [gb] = grad(b.sum(), [x], { createGraph: true });
    expect(bits(ga!.toFloat32Array())).toEqual(bits(gb!.toFloat32Array()));
  });

  it('is the identity when not training or p = 0, and zeros at p = 1', () => {
    const x = tensor([1, -2, 3]);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0, true)).toBe(x);
    expect(Array.from(F.dropout(x, 1, true).toFloat32Array())).toEqual([0, -0, 0]);
  });
});

describe('Generator.fillUniform', () => {
  it('draws what one uniform() a float would, in order', () => {
    const g1 = new Generator(11), g2 = new Generator(11);
    const out = new Float32Array(5000);
    g1.fillUniform(out);
    const want = Float32Array.from({ length: 5000 }, () => Math.fround(g2.uniform()));
    expect(bits(out)).toEqual(bits(want));
    expect(g1.getState()).toEqual(g2.getState());
    expect(out.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('draws again when a double rounds up to 1 in float32 (as rand does)', () => {
    // s2 = s0 keeps s1 through the first step, so both words of the first double are 0xffffffff:
    // (2^27 - 1)·2^26 + 2^26 - 1 over 2^53 = 1 - 2^-53, which rounds to 1 in float32
    const s1 = outputInverse(0xffffffff), state = [0x1234567, s1, 0x1234567, 0x7654321, Number.NaN];
    const g1 = new Generator(), g2 = new Generator();
    g1.setState(state);
    g2.setState(state);
    expect(Math.fround(g2.uniform())).toBe(1);
    g2.setState(state);
    const out = new Float32Array(3);
    g1.fillUniform(out);
    const want = Float32Array.from({ length: 3 }, () => { for (;;) { const u = Math.fround(g2.uniform()); if (u < 1) return u; } });
    expect(bits(out)).toEqual(bits(want));
    expect(g1.getState()).toEqual(g2.getState());
    g1.setState(state);
    expect(Array.from(T.rand([3], { generator: g1 }).toFloat32Array())).toEqual(Array.from(want));
  });
});
