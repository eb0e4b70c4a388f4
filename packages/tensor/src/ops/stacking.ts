/**
 * The stacking helpers PyTorch composes from `cat` and reshapes (ATen's TensorShape.cpp, 1.13):
 * `atleast1d / 2d / 3d`, `vstack`, `hstack`, `dstack`, `columnStack`, and `meshgrid`. Each is
 * that composition here too, so values are copies and gradients flow through the views and `cat`.
 */
import { ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cat, expand, reshape, unsqueeze, view } from './movement.js';
import { checkOptions } from '../options.js';
import { describe, expectTensor } from './util.js';

/** The tensors of a stacking function: one array of them (PyTorch's `tensors` argument). */
function tensorList(op: string, tensors: readonly Tensor[]): readonly Tensor[] {
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: tensors must be an array of Tensors, got ${describe(tensors)}`);
  tensors.forEach((t, i) => expectTensor(op, `tensors[${i}]`, t));
  if (tensors.length === 0) throw new RangeError(`${op}: ${op === 'columnStack' ? 'column_stack' : op} expects a non-empty TensorList`);
  return tensors;
}

/** `cat(tensors, dim)` with cat's checks in PyTorch's words, naming `op`. */
function catAs(op: string, tensors: readonly Tensor[], dim: number): Tensor {
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim) throw new ShapeError(`${op}: Tensors must have same number of dimensions: got ${first.ndim} and ${t.ndim}`);
    t.shape.forEach((s, j) => {
      if (j !== dim && s !== first.shape[j]) {
        throw new ShapeError(`${op}: Sizes of tensors must match except in dimension ${dim}. Expected size ${first.shape[j]} but got size ${s} for tensor number ${i} in the list.`);
      }
    });
  });
  return cat(tensors, dim);
}

/** One tensor with at least `n` dims, as ATen's atleast_{n}d reshapes it (the tensor itself when it has them). */
function atleast(n: 1 | 2 | 3, x: Tensor): Tensor {
  if (x.ndim >= n) return x;
  if (x.ndim === 0) return reshape(x, new Array<number>(n).fill(1));
  if (n === 2 || x.ndim === 2) return n === 2 ? unsqueeze(x, 0) : unsqueeze(x, -1);
  return unsqueeze(unsqueeze(x, 0), -1); // 1-d to 3-d: [1, n, 1]
}

/** The call forms of the atleast functions: one tensor (a tensor back), an array or several (an array back). */
function atleastCall(op: string, n: 1 | 2 | 3, args: readonly (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  if (args.length === 1 && !Array.isArray(args[0])) return atleast(n, expectTensor(op, 'input', args[0]));
  const list = args.length === 1 ? (args[0] as readonly Tensor[]) : (args as readonly Tensor[]);
  if (!Array.isArray(list)) throw new TypeError(`${op}: tensors must be an array of Tensors, got ${describe(list)}`);
  return list.map((t, i) => atleast(n, expectTensor(op, `tensors[${i}]`, t)));
}

/**
 * The tensor as 1-d if it is 0-d (a `[1]` view), else itself; given an array of tensors (or
 * several), each of them, as an array (PyTorch's `atleast_1d`).
 *
 * @example
 * ```ts
 * import { atleast1d, tensor } from '@tensile/tensor';
 * atleast1d(tensor(3)).shape; // [1]
 * atleast1d(tensor(3), tensor([1, 2])).map((t) => t.shape); // [[1], [2]]
 * ```
 */
export function atleast1d(x: Tensor): Tensor;
export function atleast1d(tensors: readonly Tensor[]): Tensor[];
export function atleast1d(x: Tensor, y: Tensor, ...more: Tensor[]): Tensor[];
export function atleast1d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastCall('atleast1d', 1, args);
}

/**
 * The tensor with at least 2 dims: 0-d as `[1, 1]`, 1-d `[n]` as `[1, n]` (views), others
 * themselves; arrays as `atleast1d` (PyTorch's `atleast_2d`).
 *
 * @example
 * ```ts
 * import { atleast2d, tensor } from '@tensile/tensor';
 * atleast2d(tensor([1, 2, 3])).shape; // [1, 3]
 * ```
 */
export function atleast2d(x: Tensor): Tensor;
export function atleast2d(tensors: readonly Tensor[]): Tensor[];
export function atleast2d(x: Tensor, y: Tensor, ...more: Tensor[]): Tensor[];
export function atleast2d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastCall('atleast2d', 2, args);
}

/**
 * The tensor with at least 3 dims: 0-d as `[1, 1, 1]`, `[n]` as `[1, n, 1]`, `[m, n]` as
 * `[m, n, 1]` (views), others themselves; arrays as `atleast1d` (PyTorch's `atleast_3d`).
 *
 * @example
 * ```ts
 * import { atleast3d, zeros } from '@tensile/tensor';
 * atleast3d(zeros([5])).shape; // [1, 5, 1]
 * atleast3d(zeros([2, 3])).shape; // [2, 3, 1]
 * ```
 */
export function atleast3d(x: Tensor): Tensor;
export function atleast3d(tensors: readonly Tensor[]): Tensor[];
export function atleast3d(x: Tensor, y: Tensor, ...more: Tensor[]): Tensor[];
export function atleast3d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastCall('atleast3d', 3, args);
}

/**
 * Stacks tensors as rows: `cat(atleast2d(tensors), 0)` (PyTorch's `vstack`, also `row_stack`);
 * dtypes promote as `cat`'s.
 *
 * @example
 * ```ts
 * import { vstack, tensor } from '@tensile/tensor';
 * vstack([tensor([1, 2]), tensor([3, 4])]); // tensor([[1., 2.], [3., 4.]])
 * ```
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return catAs('vstack', tensorList('vstack', tensors).map((t) => atleast(2, t)), 0);
}

/**
 * Stacks tensors column-wise: 1-d (and 0-d) tensors end to end, others along dim 1 (PyTorch's
 * `hstack`: `cat(atleast1d(tensors), 1-d ? 0 : 1)`).
 *
 * @example
 * ```ts
 * import { hstack, tensor } from '@tensile/tensor';
 * hstack([tensor([1, 2]), tensor([3])]); // tensor([1., 2., 3.])
 * ```
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const rep = tensorList('hstack', tensors).map((t) => atleast(1, t));
  return catAs('hstack', rep, rep[0]!.ndim === 1 ? 0 : 1);
}

/**
 * Stacks tensors depth-wise, along dim 2: `cat(atleast3d(tensors), 2)` (PyTorch's `dstack`).
 *
 * @example
 * ```ts
 * import { dstack, tensor } from '@tensile/tensor';
 * dstack([tensor([1, 2]), tensor([3, 4])]).shape; // [1, 2, 2]
 * ```
 */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return catAs('dstack', tensorList('dstack', tensors).map((t) => atleast(3, t)), 2);
}

/**
 * Stacks tensors as columns: each 0-d or 1-d tensor becomes a `[numel, 1]` column, the rest
 * join as they are, along dim 1 (PyTorch's `column_stack`).
 *
 * @example
 * ```ts
 * import { columnStack, tensor } from '@tensile/tensor';
 * columnStack([tensor([1, 2]), tensor([3, 4])]); // tensor([[1., 3.], [2., 4.]])
 * ```
 */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return catAs('columnStack', tensorList('columnStack', tensors).map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

/** Options of `meshgrid`: PyTorch's keyword `indexing`. */
export interface MeshgridOptions {
  /** `'ij'`: the first tensor indexes dim 0 (matrix indexing, the default); `'xy'`: the first two swap (Cartesian). */
  indexing?: 'ij' | 'xy';
}

let meshgridWarned = false;

/**
 * Coordinate grids from 0-d or 1-d tensors (of one dtype): output `i` holds tensor `i`'s values
 * along its own dim, expanded over the others (views). `{ indexing: 'xy' }` swaps the first two
 * dims, as NumPy's default. Without `indexing` PyTorch 1.13's default `'ij'` applies, with its
 * warning once. Tensors as separate arguments or one array, the options last.
 *
 * @example
 * ```ts
 * import { meshgrid, tensor } from '@tensile/tensor';
 * const [x, y] = meshgrid(tensor([1, 2, 3]), tensor([4, 5]), { indexing: 'ij' });
 * x.shape; // [3, 2]
 * y.tolist(); // [[4, 5], [4, 5], [4, 5]]
 * ```
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last) && !(last instanceof Tensor);
  const o = checkOptions('meshgrid', hasOptions ? (last as MeshgridOptions) : undefined, ['indexing']);
  const rest = hasOptions ? args.slice(0, -1) : args;
  const tensors = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as readonly Tensor[];
  tensors.forEach((t, i) => expectTensor('meshgrid', `tensors[${i}]`, t));
  if (tensors.length === 0) throw new RangeError('meshgrid: meshgrid expects a non-empty TensorList');
  if (o.indexing === undefined && !meshgridWarned) {
    meshgridWarned = true;
    // PyTorch's UserWarning (TORCH_WARN_ONCE); console is a host API every runtime has (not declared for src/, see env.d.ts)
    (globalThis as { console?: { warn(message: string): void } }).console?.warn('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.');
  }
  const indexing = o.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new RangeError(`meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  tensors.forEach((t, i) => {
    if (t.ndim > 1) throw new ShapeError(`meshgrid: Expected 0D or 1D tensor in the tensor list but got: a ${t.ndim}-d tensor of shape ${fmt(t.shape)} (tensors[${i}])`);
    if (t.dtype !== tensors[0]!.dtype) throw new TypeError(`meshgrid: meshgrid expects all tensors to have the same dtype (tensors[0] is ${tensors[0]!.dtype.name}, tensors[${i}] ${t.dtype.name})`);
  });
  // ATen: 'xy' swaps the first two inputs, builds the 'ij' grids, and swaps those two grids back
  const swap = indexing === 'xy' && tensors.length >= 2;
  const refs = swap ? [tensors[1]!, tensors[0]!, ...tensors.slice(2)] : [...tensors];
  const shape = refs.map((t) => t.numel());
  const grids = refs.map((t, i) => expand(view(t, shape.map((_, j) => (j === i ? -1 : 1))), shape));
  if (swap) [grids[0], grids[1]] = [grids[1]!, grids[0]!];
  return grids;
}
