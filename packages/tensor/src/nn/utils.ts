/**
 * PyTorch's `torch.nn.utils` for training loops: gradient clipping and flattening parameters
 * into one vector and back.
 */
import { noGrad } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { cat } from '../ops/movement.js';
import { checkOptions } from '../options.js';
import { describe } from '../ops/util.js';
import { float32, float64 } from '../dtype.js';

/** Options of {@link clipGradNorm_}: PyTorch's keyword arguments in camelCase. */
export interface ClipGradNormOptions {
  /** The norm's order: a positive number or `Infinity` (default 2). */
  normType?: number;
  /** Throw instead of scaling when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; one path here. */
  foreach?: boolean | null;
}

function gradsOf(fn: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...(parameters as Iterable<unknown>)];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}: parameters[${i}] must be a Tensor, got ${describe(p)}`);
  });
  return (list as Tensor[]).map((p) => p._peekGrad()).filter((g): g is Tensor => g !== null); // read in place, not kept
}

/**
 * The `normType`-norm of `n` elements of `x` from `at`, accumulated in double (read in place: no
 * copy of a gradient). The 2- and 1-norms add into four partial sums (every fourth element each,
 * combined at the end): one chain of dependent adds ran at the adder's latency, 2 ms of the word
 * model's 1.45M-parameter clipping step.
 */
function vectorNorm(x: ArrayLike<number>, at: number, n: number, normType: number): number {
  const end = at + n;
  if (normType === Infinity) {
    let m = 0;
    for (let i = at; i < end; i++) m = Math.max(m, Math.abs(x[i]!)); // NaN stays NaN
    return m;
  }
  let s = 0;
  if (normType === 2 || normType === 1) {
    const sq = normType === 2, end4 = at + (n & ~3);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = at;
    if (sq) for (; i < end4; i += 4) { const a = x[i]!, b = x[i + 1]!, c = x[i + 2]!, d = x[i + 3]!; s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d; }
    else for (; i < end4; i += 4) { s0 += Math.abs(x[i]!); s1 += Math.abs(x[i + 1]!); s2 += Math.abs(x[i + 2]!); s3 += Math.abs(x[i + 3]!); }
    for (; i < end; i++) s0 += sq ? x[i]! * x[i]! : Math.abs(x[i]!);
    s = (s0 + s1) + (s2 + s3);
  }
  else for (let i = at; i < end; i++) s += Math.abs(x[i]!) ** normType;
  return normType === 2 ? Math.sqrt(s) : normType === 1 ? s : s ** (1 / normType);
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (the norm of the
 * per-gradient norms) is at most `maxNorm`, and returns that total norm as a 0-d tensor, as
 * PyTorch's `torch.nn.utils.clip_grad_norm_` does: the scale is `min(1, maxNorm / (total + 1e-6))`.
 * Norms accumulate in double (PyTorch's in float32), so the total can differ in the last bits.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().backward();                       // grad [6, 8], norm 10
 * const total = nn.utils.clipGradNorm_([w], 5);    // tensor(10.); grad now [3, 4]
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const fn = 'clipGradNorm_';
  const o = checkOptions(fn, options, ['normType', 'errorIfNonfinite', 'foreach']);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new TypeError(`${fn}: maxNorm must be a number, got ${describe(maxNorm)}`);
  const normType = o.normType ?? 2;
  if (typeof normType !== 'number' || !(normType > 0)) throw new RangeError(`${fn}: normType must be a positive number or Infinity, got ${describe(normType)}`);
  const grads = gradsOf(fn, parameters);
  if (grads.length === 0) return tensor(0);
  // float32 gradients: PyTorch's float32 norms (the total rounded to float32); any float64 one: doubles throughout, a float64 total.
  const wide = grads.some((g) => g.dtype === float64);
  const round = wide ? (x: number): number => x : Math.fround;
  const norms = grads.map((g) => {
    const [d, at] = g._contiguousAny() as [Float32Array | Float64Array, number];
    return vectorNorm(d, at, g.numel(), normType);
  });
  const each = wide ? Float64Array.from(norms) : Float32Array.from(norms);
  const total = round(normType === Infinity ? norms.reduce((a, b) => (Number.isNaN(b) ? NaN : Math.max(a, b)), 0) : vectorNorm(each, 0, each.length, normType));
  if (o.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(`The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``);
  }
  // NOTE: PyTorch: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1, in float32 tensor ops.
  const coef = Math.min(round(maxNorm / round(total + round(1e-6))), 1);
  noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return tensor(total, { dtype: wide ? float64 : float32 });
}

/**
 * Clamps every gradient of `parameters` to `[-clipValue, clipValue]` in place (PyTorch's
 * `torch.nn.utils.clip_grad_value_`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const w = tensor([3, -4], { requiresGrad: true });
 * w.mul(w).sum().backward();            // grad [6, -8]
 * nn.utils.clipGradValue_([w], 1);       // grad [1, -1]
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const fn = 'clipGradValue_';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new TypeError(`${fn}: clipValue must be a number, got ${describe(clipValue)}`);
  const grads = gradsOf(fn, parameters);
  noGrad(() => grads.forEach((g) => g.clamp_(-clipValue, clipValue)));
}

/**
 * All `parameters` flattened into one 1-D tensor (a copy, PyTorch's
 * `torch.nn.utils.parameters_to_vector`).
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const m = new nn.Linear(2, 1);
 * nn.utils.parametersToVector(m.parameters()).shape; // [3]
 * ```
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`parametersToVector: parameters[${i}] must be a Tensor, got ${describe(p)}`);
  });
  if (list.length === 0) return tensor([]);
  return cat(list.map((p) => p.reshape(-1)), 0);
}

/**
 * Copies consecutive slices of `vec` into `parameters` (PyTorch's
 * `torch.nn.utils.vector_to_parameters`), without recording gradients.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const m = new nn.Linear(2, 1);
 * const v = nn.utils.parametersToVector(m.parameters()).mul(0);
 * nn.utils.vectorToParameters(v, m.parameters()); // every weight and bias is now 0
 * ```
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const fn = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new TypeError(`${fn}: expected vec to be a Tensor, got ${describe(vec)}`);
  if (vec.ndim !== 1) throw new RangeError(`${fn}: vec must be 1-D, got shape [${vec.shape.join(',')}]`);
  const list = [...parameters];
  const total = list.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.numel()) throw new RangeError(`${fn}: vec has ${vec.numel()} elements but the parameters hold ${total}`);
  let at = 0;
  noGrad(() => {
    for (const p of list) {
      const n = p.numel();
      p.copy_(vec.narrow(0, at, n).reshape(p.shape as number[]));
      at += n;
    }
  });
}

export * as rnn from './rnn-utils.js';
