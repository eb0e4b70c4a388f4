/**
 * GELU's tanh approximation (`F.gelu(x, { approximate: 'tanh' })`, `nn.GELU('tanh')`) against
 * PyTorch's (scripts/fixtures/gelu_tanh_fixtures.py: a grid with both tails, zero, tiny values,
 * ±inf and NaN, and 2000 random values, in float32 and float64): outputs and input gradients,
 * on both kernel sets; second derivatives by gradcheck in float64; the module's call forms and
 * repr; the errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import fixture from './fixtures/gelu-tanh.json';

const { F, nn, noGrad, tensor } = T;
type Num = number | 'nan' | 'inf' | '-inf';
const dec = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** |a - b| in units of b's float32 (or float64) ulp; NaN and infinities must match exactly. */
function ulps(a: number, b: number, f32: boolean): number {
  if (Number.isNaN(b) || !Number.isFinite(b)) return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Infinity;
  const e = Math.max(Math.floor(Math.log2(Math.abs(b) || 2 ** -149)), f32 ? -126 : -1022);
  return Math.abs(a - b) / 2 ** (e - (f32 ? 23 : 52));
}

afterEach(() => T.setBackend('wasm'));

describe("gelu approximate 'tanh' = PyTorch's", () => {
  for (const backend of ['wasm', 'js'] as const) {
    for (const c of fixture.cases) {
      it(`${backend}: ${c.name} (${c.x.length} values)`, () => {
        T.setBackend(backend);
        const f32 = c.dtype === 'float32';
        const x = tensor(c.x.map((v) => dec(v as Num)), { dtype: c.dtype as 'float32' | 'float64', requiresGrad: true });
        const y = F.gelu(x, { approximate: 'tanh' });
        y.backward(tensor(c.up, { dtype: c.dtype as 'float32' | 'float64' }));
        const ys = Array.from(y.detach().toTypedArray() as Float64Array), ds = Array.from(x.grad!.toTypedArray() as Float64Array);
        // PyTorch's tanh (SLEEF in float32, libm in float64) and ours are each within an ulp or
        // so, and the formula scales that error: 1 + tanh(·) and 1 − tanh²(·) cancel where tanh is
        // near ∓1 (in the tails a float32 tanh of -1 against -1 + 2^-24 makes y = -0 or -1.5e-7).
        // Allowed: a few ulps of the value, plus an ulp of tanh carried through 0.5·x (output) or
        // 0.5·x·β·(1 + 3κx²) and the upstream gradient (input gradient).
        const u = f32 ? 2 ** -23 : 2 ** -52;
        const xs = c.x.map((v) => dec(v as Num));
        c.y.forEach((v, i) => {
          const want = dec(v as Num), slack = Math.abs(xs[i]!) * u;
          if (ulps(ys[i]!, want, f32) > 4 && !(Math.abs(ys[i]! - want) <= slack)) expect([xs[i], ys[i]], 'output').toEqual([xs[i], want]);
        });
        c.dx.forEach((v, i) => {
          const want = dec(v as Num), xv = Math.abs(xs[i]!), slack = Math.abs(c.up[i]!) * (1 + xv + 0.2 * xv ** 3) * u;
          if (ulps(ds[i]!, want, f32) > 4 && !(Math.abs(ds[i]! - want) <= slack)) expect([xs[i], ds[i]], 'gradient').toEqual([xs[i], want]);
        });
      });
    }
  }

  it('second derivatives (gradcheck in float64, double backward through the recorded formula)', () => {
    const x = tensor([-3, -1.2, -0.3, 0, 0.4, 1.7, 4], { dtype: 'float64', requiresGrad: true });
    expect(T.autograd.gradcheck((t: T.Tensor) => F.gelu(t, { approximate: 'tanh' }), [x])).toBe(true);
    // the derivative itself, through the recorded (createGraph) backward
    const derivative = (t: T.Tensor): T.Tensor => T.grad(F.gelu(t, { approximate: 'tanh' }).sum(), [t], { createGraph: true })[0]!;
    expect(T.autograd.gradcheck(derivative, [x])).toBe(true);
  });

  it('the recorded (createGraph) derivative has the kernel path\'s bits, float32 and float64 (the same roundings: 3κ rounded as ATen rounds it)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const xs = Array.from({ length: 200 }, (_, i) => (i - 100) * 0.061 + Math.sin(i) * 0.01);
      const plain = tensor(xs, { dtype, requiresGrad: true }), graph = tensor(xs, { dtype, requiresGrad: true });
      F.gelu(plain, { approximate: 'tanh' }).sum().backward();
      const [d] = T.grad(F.gelu(graph, { approximate: 'tanh' }).sum(), [graph], { createGraph: true });
      expect(d!.requiresGrad, dtype).toBe(true);
      expect(Array.from(d!.toTypedArray() as Float32Array), dtype).toEqual(Array.from(plain.grad!.toTypedArray() as Float32Array));
    }
  });

  it('a backward after x changed in place is refused (x is saved), for each activation node', () => {
    for (const f of [(t: T.Tensor) => F.gelu(t, { approximate: 'tanh' }), (t: T.Tensor) => F.gelu(t), (t: T.Tensor) => F.silu(t)]) {
      const a = tensor([0.5, -1, 2], { requiresGrad: true });
      const x = a.mul(1);
      const y = f(x);
      noGrad(() => x.add_(1));
      expect(() => y.sum().backward()).toThrow(/a tensor saved for backward was/);
    }
  });

  it('silu and gelu name a non-tensor input', () => {
    expect(() => F.silu([1, 2] as never)).toThrow(/^silu: input must be a Tensor, got/);
    expect(() => F.gelu('x' as never, { approximate: 'tanh' })).toThrow(/^gelu: input must be a Tensor, got/);
  });

  it('nn.GELU: positional and bag forms, the repr, the default stays exact', () => {
    const x = tensor([-1, 0.5, 2]);
    expect(new nn.GELU('tanh').call(x).tolist()).toEqual(F.gelu(x, { approximate: 'tanh' }).tolist());
    expect(new nn.GELU({ approximate: 'tanh' }).call(x).tolist()).toEqual(F.gelu(x, { approximate: 'tanh' }).tolist());
    expect(new nn.GELU().call(x).tolist()).toEqual(F.gelu(x).tolist());
    expect(String(new nn.GELU('tanh'))).toBe(fixture.repr.tanh);
    expect(String(new nn.GELU())).toBe(fixture.repr.none);
    expect(x.gelu({ approximate: 'tanh' }).tolist()).toEqual(F.gelu(x, { approximate: 'tanh' }).tolist());
  });

  it.each([
    ['an unknown approximation', () => F.gelu(tensor([1]), { approximate: 'erf' as 'tanh' }), RangeError, "gelu: approximate must be 'none' or 'tanh', got string erf"],
    ['an unknown option', () => F.gelu(tensor([1]), { approx: 'tanh' } as unknown as T.GeluOptions), TypeError, "gelu: unknown option 'approx' (options: approximate)"],
    ['an integer tensor', () => F.gelu(tensor([1], { dtype: 'int64' }), { approximate: 'tanh' }), TypeError, `gelu: "GeluKernelImpl" not implemented for 'Long'`],
    // PyTorch 1.13: the exact form and silu have float kernels only as well (they returned float results here)
    ['an integer tensor, exact form', () => F.gelu(tensor([1, 2], { dtype: 'int64' })), TypeError, `gelu: "GeluKernelImpl" not implemented for 'Long'`],
    ['an int32 tensor, exact form', () => F.gelu(tensor([1], { dtype: 'int32' })), TypeError, `gelu: "GeluKernelImpl" not implemented for 'Int'`],
    ['a bool tensor, exact form', () => F.gelu(tensor([true], { dtype: 'bool' })), TypeError, `gelu: "GeluKernelImpl" not implemented for 'Bool'`],
    ['silu of an integer tensor', () => F.silu(tensor([1, 2], { dtype: 'int64' })), TypeError, `silu: "silu_cpu" not implemented for 'Long'`],
    ['nn.SiLU of an int32 tensor', () => new nn.SiLU().call(tensor([1], { dtype: 'int32' })), TypeError, `silu: "silu_cpu" not implemented for 'Int'`],
    ['the module, an unknown approximation', () => new nn.GELU('fast' as 'tanh'), RangeError, "GELU: approximate must be 'none' or 'tanh', got string fast"],
  ] as const)('refuses %s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });
});
