/**
 * PyTorch's `torch.autograd.gradcheck`: the analytical Jacobian (from backward) against central
 * finite differences, in float64, with PyTorch's defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
 */
import { grad } from './autograd.js';
import { float64 } from './dtype.js';
import { checkOptions } from './options.js';
import { Storage, Tensor } from './tensor.js';

/** Options of `gradcheck` (PyTorch's names in camelCase). */
export interface GradcheckOptions {
  /** The finite-difference step (PyTorch's default 1e-6). */
  eps?: number;
  /** Absolute tolerance (1e-5). */
  atol?: number;
  /** Relative tolerance (1e-3). */
  rtol?: number;
  /** Throw on a mismatch (the default) or return false. */
  raiseException?: boolean;
}

/**
 * Checks the gradients of `fn` at `inputs` against central differences, every output element
 * against every element of every input that requires grad: PyTorch's `gradcheck`. Inputs that
 * require grad must be float64 (float32's differences are too coarse for these tolerances).
 * Returns true, or throws naming the output, the input, the element and both values.
 *
 * @example
 * ```ts
 * import { autograd, tensor, float64 } from '@tensile/tensor';
 * const x = tensor([0.5, -1.5], { dtype: float64, requiresGrad: true });
 * autograd.gradcheck((t) => t.tanh().mul(t), [x]); // true
 * ```
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const o = checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException']);
  const eps = o.eps ?? 1e-6, atol = o.atol ?? 1e-5, rtol = o.rtol ?? 1e-3;
  for (const [name, v] of [['eps', eps], ['atol', atol], ['rtol', rtol]] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new RangeError(`gradcheck: ${name} must be a finite non-negative number, got ${String(v)}`);
  }
  if (typeof fn !== 'function') throw new TypeError('gradcheck: fn must be a function');
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`gradcheck: inputs[${i}] must be a Tensor`);
    if (t.requiresGrad && t.dtype !== float64) throw new TypeError(`gradcheck: inputs[${i}] requires grad but is ${t.dtype.name}; gradcheck needs float64 inputs (use .double())`);
  });
  const diff = ins.map((t, i) => [t, i] as const).filter(([t]) => t.requiresGrad);
  if (diff.length === 0) throw new Error('gradcheck: expected at least one input tensor to require gradient');
  const outputsOf = (): Tensor[] => {
    const r = fn(...ins);
    return r instanceof Tensor ? [r] : [...r];
  };
  const outs = outputsOf();
  const fail = (msg: string): boolean => {
    if (o.raiseException === false) return false;
    throw new Error(`gradcheck: ${msg}`);
  };
  /**
   * Output `oi`'s central differences `(f(x + eps) - f(x - eps)) / 2eps` for element j of the
   * differentiable input `x` (inputs[xi]), as float64; x is restored after.
   */
  const numerical = (x: Tensor, xi: number, j: number, oi: number): Float64Array => {
    if (!x.isContiguous()) throw new Error(`gradcheck: inputs[${xi}] must be contiguous`);
    const data = x.storage.data as Float64Array, at = x.offset + j, v = data[at]!;
    data[at] = v + eps;
    const plus = outputsOf()[oi]!.to(float64).toTypedArray() as Float64Array;
    data[at] = v - eps;
    const minus = outputsOf()[oi]!.to(float64).toTypedArray() as Float64Array;
    data[at] = v;
    return plus.map((p, k) => (p - minus[k]!) / (2 * eps));
  };
  if (!outs.some((t) => t.dtype.isFloatingPoint && t.requiresGrad)) {
    // No output requires grad (a graph cut by detach, a new tensor, a backward that recorded
    // nothing): then, as in PyTorch, the function must not depend on the inputs at all. (It
    // passed, checking nothing, before.)
    for (const [x, xi] of diff) {
      for (let j = 0; j < x.numel(); j++) {
        for (let oi = 0; oi < outs.length; oi++) {
          if (outs[oi]!.dtype.isFloatingPoint && numerical(x, xi, j, oi).some((d) => d !== 0)) return fail('Numerical gradient for function expected to be zero');
        }
      }
    }
    return true;
  }
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi]!;
    if (!out.dtype.isFloatingPoint || !out.requiresGrad) continue;
    const n = out.numel();
    // The analytical Jacobian, one row per output element (a one-hot upstream gradient).
    const rows: (Float64Array | null)[][] = [];
    for (let k = 0; k < n; k++) {
      const seed = new Float64Array(n);
      seed[k] = 1;
      const upstream = new Tensor(new Storage(seed), out.shape).to(out.dtype);
      const g = grad(out, diff.map(([t]) => t), { gradOutputs: upstream, retainGraph: true, allowUnused: true });
      rows.push(g.map((t) => (t ? (t.to(float64).toTypedArray() as Float64Array) : null)));
    }
    for (let di = 0; di < diff.length; di++) {
      const [x, xi] = diff[di]!;
      for (let j = 0; j < x.numel(); j++) {
        const column = numerical(x, xi, j, oi);
        for (let k = 0; k < n; k++) {
          const numeric = column[k]!;
          const analytic = rows[k]![di]?.[j] ?? 0;
          if (!(Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric))) {
            return fail(`Jacobian mismatch for output ${oi} element ${k} with respect to input ${xi} element ${j}: numerical ${numeric}, analytical ${analytic} (eps ${eps}, atol ${atol}, rtol ${rtol})`);
          }
        }
      }
    }
  }
  return true;
}
