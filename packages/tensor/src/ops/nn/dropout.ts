import { record } from '../../autograd.js';
import { ShapeError } from '../../errors.js';
import { defaultGenerator, Generator } from '../../random.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { add, ge, mul } from '../binary.js';
import { bool as boolParam, fnOptions, inplaceFlag, num, type Positional } from '../../call-forms.js';
import { float32 } from '../../dtype.js';
import { rand } from '../creation.js';
import { describe, empty, expectTensor, wrap } from '../util.js';

// ---- dropout ------------------------------------------------------------------------------

/** @internal PyTorch's check of a dropout probability `p` (a number in [0, 1]), by every dropout function and layer; `what` names it in the message. */
export function dropoutProbability(op: string, p: unknown, what = 'probability'): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: ${what} has to be between 0 and 1, but got ${String(p)}`);
  return p;
}

/** dropout's fourth argument: a Generator, or PyTorch's `inplace` flag there (accepted; the result is a new tensor). */
function generatorOrInplace(op: string, g: unknown): Generator | undefined {
  if (g === undefined || typeof g === 'boolean') return undefined;
  if (!(g instanceof Generator)) throw new TypeError(`${op}: generator (or PyTorch's inplace) must be a Generator or a boolean, got ${describe(g)}`);
  return g;
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1-p)` when `training`;
 * the identity otherwise. The fourth argument is the generator of the mask, or PyTorch's
 * `inplace` (accepted, as the layers': the result is a new tensor).
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout(ones([4]), 0.5, true, new Generator(0)); // entries 0 or 2
 * F.dropout(ones([4]), 0.5, false, false);           // the input: PyTorch's (p, training, inplace)
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator | boolean): Tensor {
  expectTensor('dropout', 'input', x);
  const gen = generatorOrInplace('dropout', generator);
  dropoutProbability('dropout', p);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  if (x.dtype === float32) return dropoutFloat32(x, p, gen ?? defaultGenerator);
  const u = rand(x.shape, gen ? { generator: gen } : {});
  // keep with probability 1-p (PyTorch's bernoulli(1-p)), scaled so the expectation is x
  const mask = mul(ge(u, p), 1 / (1 - p));
  return mul(x, mask);
}

/**
 * dropout of a float32 `x` in one pass: the composed form's draws (`rand`'s, from `g`), mask
 * (`u >= p` in float32, times the float32 `1/(1-p)`) and product, so the same bits and the same
 * generator state after, without its three temporaries (a bool mask, its float copy, u). The
 * backward multiplies by the saved mask, as `mul`'s does.
 */
function dropoutFloat32(x: Tensor, p: number, g: Generator): Tensor {
  const n = x.numel();
  const m = new Float32Array(n);
  g.fillUniform(m);
  const q = Math.fround(p), s = Math.fround(1 / (1 - p));
  const [xd, xo] = x._contiguousData('dropout');
  const out = empty(x.shape);
  const o = out.storage.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const k = +(m[i]! >= q) * s; // no branch: kept or not is a coin flip
    m[i] = k;
    o[i] = xd[xo + i]! * k;
  }
  const mask = wrap(m, x.shape);
  return record('dropout', out, [x], (gr) => [mul(gr, mask)]);
}

/**
 * Zeroes whole channels: each `[n, c]` plane of `[N, C, H, W]` (or `[N, C, L]`, as PyTorch 1.13
 * reads 3-d input) with probability `p`, scaling the kept ones by `1/(1-p)`, when `training`.
 *
 * @example
 * ```ts
 * import { F, ones, Generator } from '@tensile/tensor';
 * F.dropout2d(ones([1, 4, 2, 2]), 0.5, true, new Generator(0)); // each channel all 0 or all 2
 * ```
 * As `dropout`, the fourth argument may be PyTorch's `inplace` instead.
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator?: Generator | boolean): Tensor {
  expectTensor('dropout2d', 'input', x);
  const gen = generatorOrInplace('dropout2d', generator);
  dropoutProbability('dropout2d', p);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`dropout2d: expected a 3-d or 4-d input, got shape ${fmt(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const maskShape = x.shape.map((s, i) => (i < 2 ? s : 1));
  const u = rand(maskShape, gen ? { generator: gen } : {});
  return mul(x, mul(ge(u, p), 1 / (1 - p)));
}

/** `alphaDropout`'s options: PyTorch's keywords, and the generator of the mask. */
export interface AlphaDropoutOptions {
  /** The probability of an element being dropped (default 0.5). */
  p?: number;
  /** Drop (default false, as PyTorch's `F.alpha_dropout`): the identity otherwise. */
  training?: boolean;
  generator?: Generator;
}

/**
 * Alpha dropout (PyTorch's `F.alpha_dropout`, for SELU networks): when `training`, each element
 * is dropped with probability `p` to SELU's negative saturation and the result scaled and shifted
 * so a zero-mean unit-variance input keeps its mean and variance: kept `a·x + α·a·p`, dropped
 * `α·a·(p − 1)`, with `α = 1.7580993408473766` and `a = 1/√((α²p + 1)(1 − p))`, in ATen's order
 * of float operations. PyTorch's positional order: `p, training, inplace` (`inplace` accepted, as
 * the layers': the result is a new tensor).
 * The mask comes from tensile's generator, not PyTorch's.
 *
 * @example
 * ```ts
 * import { F, randn } from '@tensile/tensor';
 * const x = randn([1000]);
 * F.alphaDropout(x, 0.2);              // x itself: training defaults to false, as PyTorch's
 * F.alphaDropout(x, 0.2, true).std();  // about 1
 * ```
 */
export function alphaDropout(x: Tensor, ...rest: Positional<[p: number, training: boolean, inplace: boolean], AlphaDropoutOptions>): Tensor {
  const op = 'alphaDropout';
  const o = fnOptions<AlphaDropoutOptions>(op, rest, [num('p'), boolParam('training'), inplaceFlag], ['generator']);
  expectTensor(op, 'input', x);
  const p = dropoutProbability(op, o.p ?? 0.5, 'dropout probability'), training = o.training ?? false;
  if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be a boolean, got ${describe(training)}`);
  if (!training || p === 0 || x.numel() === 0) return x;
  if (p === 1) return mul(x, 0);
  const alpha = 1.7580993408473766, a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  // ATen's _dropout_impl: noise ~ bernoulli(1 - p) in the input's dtype, b = (noise - 1)·αa + αa·p, then x·(noise·a) + b
  const noise = ge(rand(x.shape, o.generator ? { generator: o.generator } : {}), p).to(x.dtype.isFloatingPoint ? x.dtype : float32);
  const b = add(mul(add(noise, -1), alpha * a), alpha * a * p);
  return add(mul(x, mul(noise, a)), b);
}
