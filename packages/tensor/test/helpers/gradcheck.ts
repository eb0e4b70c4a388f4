import { expect } from 'vitest';
import { grad, Generator, randn, type Tensor } from '@tensile/tensor';

export interface GradcheckOptions {
  atol?: number;
  rtol?: number;
  /** Seed of the random upstream weights. */
  seed?: number;
}

/**
 * Compares the autograd gradient of `f` with a float32 central difference, per STYLE.md:
 * h = 1e-3·max(1, |x|), the loss Σ w·f(x) accumulated in float64 with random weights w (an
 * all-ones upstream gradient would hide a movement op that scatters to the wrong place).
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): void {
  const atol = options.atol ?? 1e-3, rtol = options.rtol ?? 1e-2;
  const out0 = f(...inputs);
  const w = randn([...out0.shape], { generator: new Generator(options.seed ?? 1234) });
  const wd = w.toFloat32Array();
  const analytic = grad(out0.mul(w).sum(), [...inputs], { allowUnused: true });
  const lossOf = (): number => {
    // not under noGrad: f may itself call grad() (double-backward checks)
    const o = f(...inputs).toFloat32Array();
    let acc = 0;
    for (let i = 0; i < o.length; i++) acc += o[i]! * wd[i]!;
    return acc;
  };
  inputs.forEach((x, k) => {
    expect(x.isContiguous(), `input ${k} must be contiguous`).toBe(true);
    const data = (x.storage.data as Float32Array);
    const a = analytic[k] ? analytic[k]!.toFloat32Array() : new Float32Array(x.numel());
    for (let i = 0; i < x.numel(); i++) {
      const j = x.offset + i;
      const v = data[j]!;
      const h = 1e-3 * Math.max(1, Math.abs(v));
      data[j] = v + h;
      const xp = data[j]!;
      const lp = lossOf();
      data[j] = v - h;
      const xm = data[j]!;
      const lm = lossOf();
      data[j] = v;
      const numeric = (lp - lm) / (xp - xm);
      const err = Math.abs(a[i]! - numeric);
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradcheck: input ${k} element ${i}: analytic ${a[i]} vs numeric ${numeric}`);
      }
    }
  });
}

/** Element-wise closeness with a message naming the first bad index. */
export function expectClose(actual: Tensor | ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5): void {
  const a = 'toFloat32Array' in actual ? actual.toFloat32Array() : actual;
  expect(a.length, 'length').toBe(expected.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = expected[i]!;
    if (Number.isNaN(y) ? !Number.isNaN(x) : !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      throw new Error(`expectClose: index ${i}: got ${x}, expected ${y} (atol ${atol}, rtol ${rtol})`);
    }
  }
}
