import { float64 } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { bool, foldPositional, type Positional } from '../call-forms.js';
import { checkOptions } from '../options.js';
import { defaultGenerator, type Generator } from '../random.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { toDType } from './movement.js';
import { describe, expectTensor } from './util.js';

export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  /** Draw from this generator (default: the global one). */
  generator?: Generator;
}

/**
 * Indices drawn from the categorical distribution in each row of `input` (PyTorch's
 * `torch.multinomial`): `input` is `[C]` or `[N, C]` of non-negative weights (they need not sum
 * to 1); the result is int64 `[numSamples]` or `[N, numSamples]`. Without replacement each row
 * draws distinct categories, as successive draws without putting back (PyTorch's exponential
 * race: the `numSamples` largest `p / E`, E ~ Exp(1)). PyTorch's errors: weights negative,
 * infinite or NaN, a row summing to 0, more samples than categories without replacement.
 *
 * @example
 * ```ts
 * import { multinomial, tensor, Generator } from '@tensile/tensor';
 * const g = new Generator(0);
 * multinomial(tensor([0.1, 0.0, 0.9]), 4, true, { generator: g }); // e.g. tensor([2, 2, 0, 2]), never 1
 * multinomial(tensor([[1, 1, 1, 1], [0, 5, 5, 0]]), 2, { generator: g }).shape; // [2, 2], distinct per row
 * tensor([0.2, 0.8]).multinomial(1).dtype; // torch.int64
 * ```
 */
export function multinomial(input: Tensor, numSamples: number, ...rest: Positional<[replacement: boolean], MultinomialOptions>): Tensor {
  const op = 'multinomial';
  expectTensor(op, 'input', input);
  const o = checkOptions(op, foldPositional(op, rest, [bool('replacement')]) as MultinomialOptions, ['replacement', 'generator']);
  const replacement = o.replacement ?? false;
  if (typeof replacement !== 'boolean') throw new TypeError(`${op}: replacement must be a boolean, got ${describe(replacement)}`);
  if (!input.dtype.isFloatingPoint) throw new TypeError(`${op}: only supports floating-point dtypes for input, got: ${input.dtype.name}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: prob_dist must be 1 or 2 dim, got shape ${fmt(input.shape)}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples)) throw new TypeError(`${op}: numSamples must be an integer, got ${describe(numSamples)}`);
  if (numSamples <= 0) throw new RangeError(`${op}: cannot sample n_sample <= 0 samples, got ${numSamples}`);
  const C = input.shape[input.ndim - 1]!;
  if (!replacement && numSamples > C) throw new RangeError(`${op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement, got ${numSamples} > ${C}`);
  if (C > 2 ** 24) throw new RangeError(`${op}: number of categories cannot exceed 2^24, got ${C}`);
  const rows = input.ndim === 1 ? 1 : input.shape[0]!;
  const p = toDType(input, float64).contiguous();
  const data = p.storage.data as Float64Array;
  const base = p.offset;
  for (let i = 0; i < rows * C; i++) {
    const v = data[base + i]!;
    if (!(v >= 0 && v < Infinity)) throw new RangeError(`${op}: probability tensor contains either \`inf\`, \`nan\` or element < 0, got ${v}`);
  }
  const g = o.generator ?? defaultGenerator;
  const out = new BigInt64Array(rows * numSamples);
  const cum = new Float64Array(C);
  const keys = new Float64Array(C);
  const order = Array.from({ length: C }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    const row = base + r * C;
    let total = 0;
    for (let c = 0; c < C; c++) cum[c] = total += data[row + c]!;
    if (!(total > 0)) throw new RangeError(`${op}: invalid multinomial distribution (sum of probabilities <= 0)${rows > 1 ? ` in row ${r}` : ''}`);
    if (replacement) {
      for (let s = 0; s < numSamples; s++) {
        // the first category whose cumulative weight exceeds u·total: never a zero-weight one
        const u = g.uniform() * total;
        let lo = 0, hi = C - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cum[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        out[r * numSamples + s] = BigInt(lo);
      }
    } else {
      for (let c = 0; c < C; c++) keys[c] = data[row + c]! / -Math.log1p(-g.uniform()); // p / Exp(1)
      // ties (zero weights) in index order, so the result never depends on the previous row's
      order.sort((a, b) => keys[b]! - keys[a]! || a - b);
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = BigInt(order[s]!);
    }
  }
  return tensor(out, { shape: input.ndim === 1 ? [numSamples] : [rows, numSamples] });
}
