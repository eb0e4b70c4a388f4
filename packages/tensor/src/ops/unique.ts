import { noGrad } from '../autograd.js';
import { int64 } from '../dtype.js';
import { normDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { contiguous, indexSelect } from './movement.js';
import { describe, expectTensor, wrap } from './util.js';


/** `unique`'s options: PyTorch's keywords. */
export interface UniqueOptions {
  /** Ascending order (default true; the values come sorted either way, as on PyTorch's CPU). */
  sorted?: boolean;
  /** Also return where each input element (or slice) went in the result (int64). */
  returnInverse?: boolean;
  /** Also return how often each unique value (or slice) occurs (int64). */
  returnCounts?: boolean;
  /** Compare whole slices along `dim` instead of elements of the flattened tensor (default null). */
  dim?: number | null;
}

type Cmp = (a: number, b: number) => number;

/** Ascending, NaN after every number (NaNs equal among themselves here: the sort is stable). */
function compare(a: number | bigint, b: number | bigint): number {
  const an = a !== a, bn = b !== b;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The distinct values of `x` in ascending order (NaNs last, each NaN its own value, as `==`
 * never holds for them), or with `dim` the distinct slices along it in lexicographic order;
 * with `returnInverse` and/or `returnCounts`, `[values, inverse?, counts?]` in PyTorch's order.
 * PyTorch's `torch.unique`. The result is not differentiable.
 *
 * NOTE: PyTorch 1.13's CPU kernel leaves NaNs where its sort put them (between numbers): here
 * they come last; without NaN the results are PyTorch's.
 *
 * @example
 * ```ts
 * import { unique, tensor } from '@tensile/tensor';
 * unique(tensor([3, 1, 3, 2])); // tensor([1., 2., 3.])
 * const [values, inverse, counts] = unique(tensor([3, 1, 3]), { returnInverse: true, returnCounts: true });
 * // values [1, 3], inverse [1, 0, 1], counts [1, 2]
 * ```
 */
export function unique(x: Tensor, options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, options: UniqueOptions & { returnInverse: true; returnCounts: true }): [Tensor, Tensor, Tensor];
export function unique(x: Tensor, options: UniqueOptions & ({ returnInverse: true; returnCounts?: false } | { returnInverse?: false; returnCounts: true })): [Tensor, Tensor];
export function unique(x: Tensor, options?: UniqueOptions): Tensor | Tensor[];
export function unique(x: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  const op = 'unique';
  expectTensor(op, 'input', x);
  const o = checkOptions(op, options, ['sorted', 'returnInverse', 'returnCounts', 'dim']);
  for (const k of ['sorted', 'returnInverse', 'returnCounts'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`${op}: ${k} must be a boolean, got ${describe(o[k])}`);
  }
  return noGrad(() => {
    const byDim = o.dim !== undefined && o.dim !== null;
    const d = byDim ? normDim(op, o.dim as number, x.ndim) : 0;
    // the slices along d (or the elements) as rows of a [n, m] view
    const src = byDim ? contiguous(x.movedim(d, 0)) : contiguous(x.reshape(-1));
    const n = byDim ? x.shape[d]! : x.numel(), m = n === 0 ? 0 : src.numel() / n;
    const data = src.toTypedArray() as ArrayLike<number | bigint>;
    // slices in lexicographic order, stably (so of -0 and 0 the first comes first, as PyTorch keeps it)
    const cmp: Cmp = (i, j) => {
      for (let k = 0; k < m; k++) {
        const c = compare(data[i * m + k]!, data[j * m + k]!);
        if (c !== 0) return c;
      }
      return 0;
    };
    const idx = Array.from({ length: n }, (_, i) => i).sort(cmp);
    const same = (i: number, j: number): boolean => {
      for (let k = 0; k < m; k++) if (!(data[i * m + k] === data[j * m + k])) return false;
      return true;
    };
    const firsts: number[] = [], counts: bigint[] = [];
    const inverse = new BigInt64Array(n);
    for (let r = 0; r < n; r++) {
      const i = idx[r]!;
      if (r === 0 || !same(idx[r - 1]!, i)) { firsts.push(i); counts.push(0n); }
      counts[counts.length - 1]! += 1n;
      inverse[i] = BigInt(firsts.length - 1);
    }
    const picked = indexSelect(src, 0, Int32Array.from(firsts));
    const values = byDim ? picked.movedim(0, d) : picked;
    const out: Tensor[] = [contiguous(values).detach()];
    if (o.returnInverse) out.push(wrap(inverse, byDim ? [n] : [...x.shape], int64));
    if (o.returnCounts) out.push(wrap(BigInt64Array.from(counts), [counts.length], int64));
    return out.length === 1 ? out[0]! : out;
  });
}
