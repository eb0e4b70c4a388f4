/**
 * Datasets and batching with PyTorch's `torch.utils.data` semantics, exported as `data`:
 * `Dataset`, `TensorDataset`, `Subset`, `DataLoader` (batchSize, shuffle with a seeded
 * generator, dropLast, collateFn; iterable with `for ... of`), `randomSplit`, `defaultCollate`.
 *
 * @example
 * ```ts
 * import { data, randn, tensor, Generator } from '@tensile/tensor';
 * const ds = new data.TensorDataset(randn([10, 3]), tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]));
 * const loader = new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(0) });
 * for (const [x, y] of loader) console.log(x.shape, y.shape); // [4, 3] [4], [4, 3] [4], [2, 3] [2]
 * ```
 */
import { indexSelect, stack } from '../ops/movement.js';
import { describe, wrap } from '../ops/util.js';
import { checkOptions } from '../options.js';
import { defaultGenerator, Generator, shuffledRange } from '../random.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';

/**
 * A map-style dataset (PyTorch's `Dataset`): `length` items, item `i` from `getItem(i)`.
 * A dataset may also define `getItems(indices)` to fetch a whole batch at once (PyTorch's
 * `__getitems__`), which `DataLoader` then uses instead of one `getItem` per index.
 *
 * @example
 * ```ts
 * import { data, tensor, type Tensor } from '@tensile/tensor';
 * class Squares extends data.Dataset<[Tensor, Tensor]> {
 *   get length(): number { return 5; }
 *   getItem(i: number): [Tensor, Tensor] { return [tensor([i]), tensor(i * i)]; }
 * }
 * [...new data.DataLoader(new Squares(), { batchSize: 2 })].length; // 3
 * ```
 */
export abstract class Dataset<T = unknown> {
  /** Number of items: a non-negative integer (DataLoader, Subset and randomSplit refuse anything else). */
  abstract get length(): number;
  /** Item `index`, 0 <= index < length. */
  abstract getItem(index: number): T;
  /** Optional batched fetch; by default one `getItem` per index. */
  getItems?(indices: readonly number[]): T[] | unknown;
}

/**
 * `dataset.length`, checked: a non-negative integer. Python's `len()` refuses anything else
 * (a TypeError for a float, "ValueError: __len__() should return >= 0"); unchecked, 2.5 items
 * end in a collate error and -3 items in zero batches, silently.
 */
function datasetLength(owner: string, dataset: Dataset<unknown>): number {
  const n: unknown = dataset.length;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  const shown = typeof n === 'string' ? JSON.stringify(n) : typeof n === 'number' ? String(n) : describe(n);
  const what = `${owner}: the dataset's length must be a non-negative integer, but ${dataset.constructor.name}.length is ${shown}`;
  if (typeof n === 'number' && Number.isInteger(n)) throw new RangeError(`${what} (__len__() should return >= 0)`);
  throw new TypeError(what);
}

function checkIndex(owner: string, index: unknown, length: number): number {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < -length || index >= length) {
    throw new RangeError(`${owner}.getItem: index ${String(index)} is out of range for ${length} items`);
  }
  return index < 0 ? index + length : index;
}

/**
 * Wraps tensors that share their first dim; item `i` is `[t0[i], t1[i], ...]` (PyTorch's
 * `TensorDataset`). A batch is fetched with one `indexSelect` per tensor.
 *
 * @example
 * ```ts
 * import { data, randn, tensor } from '@tensile/tensor';
 * const ds = new data.TensorDataset(randn([3, 2]), tensor([0, 1, 1]));
 * ds.length;             // 3
 * ds.getItem(1)[1];      // tensor(1.)
 * ```
 */
export class TensorDataset<Ts extends Tensor[] = Tensor[]> extends Dataset<Ts> {
  readonly tensors: Readonly<Ts>;

  constructor(...tensors: Ts) {
    super();
    if (tensors.length === 0) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: tensors[${i}] must be a Tensor, got ${describe(t)}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensors[${i}] is 0-d; every tensor needs a first (sample) dim`);
      if (t.shape[0] !== tensors[0]!.shape[0]) throw new RangeError(`TensorDataset: size mismatch between tensors: tensors[0] has shape ${fmt(tensors[0]!.shape)}, tensors[${i}] has shape ${fmt(t.shape)}`);
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  getItem(index: number): Ts {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, i)) as Ts;
  }

  /** The batch already collated: `[t0[indices], t1[indices], ...]`. */
  override getItems(indices: readonly number[]): Ts {
    const idx = wrap(Float32Array.from(indices, (i) => checkIndex('TensorDataset', i, this.length)), [indices.length]);
    return this.tensors.map((t) => indexSelect(t, 0, idx)) as Ts;
  }
}

/**
 * The items of `dataset` at `indices`, in that order (PyTorch's `Subset`).
 *
 * @example
 * ```ts
 * import { data, arange } from '@tensile/tensor';
 * new data.Subset(new data.TensorDataset(arange(10)), [7, 2]).getItem(0); // [tensor(7)]
 * ```
 */
export class Subset<T> extends Dataset<T> {
  readonly indices: readonly number[];

  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    if (!(dataset instanceof Dataset)) throw new TypeError(`Subset: dataset must be a Dataset, got ${describe(dataset)}`);
    const n = datasetLength('Subset', dataset);
    this.indices = Array.from(indices, (i) => checkIndex('Subset', i, n));
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T {
    return this.dataset.getItem(this.indices[checkIndex('Subset', index, this.indices.length)]!);
  }

  override getItems(indices: readonly number[]): T[] | unknown {
    const inner = indices.map((i) => this.indices[checkIndex('Subset', i, this.indices.length)]!);
    return this.dataset.getItems ? this.dataset.getItems(inner) : inner.map((i) => this.dataset.getItem(i));
  }
}

/** @internal A seeded Fisher–Yates permutation of 0..n-1 (the shuffle of every loader and split). */
export function randperm(n: number, generator: Generator): number[] {
  return shuffledRange(n, generator);
}

/**
 * PyTorch's `default_collate`: tensors are stacked along a new first dim, numbers become a 1-d
 * tensor, arrays (tuples) and plain objects are collated position by position / key by key.
 *
 * @example
 * ```ts
 * import { data, tensor } from '@tensile/tensor';
 * data.defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]); // [tensor([[1, 2], [3, 4]]), tensor([0, 1])]
 * ```
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  if (!Array.isArray(batch) || batch.length === 0) throw new TypeError('defaultCollate: expected a non-empty array of items');
  const first: unknown = batch[0];
  if (first instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof first === 'number') return tensor(batch as number[]);
  if (typeof first === 'string' || typeof first === 'boolean') return [...batch];
  if (Array.isArray(first)) {
    const n = first.length;
    if (!batch.every((b) => Array.isArray(b) && b.length === n)) throw new RangeError('defaultCollate: each element in the batch should be of equal size');
    return Array.from({ length: n }, (_, k) => defaultCollate(batch.map((b) => (b as unknown[])[k])));
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(first)) out[k] = defaultCollate(batch.map((b) => (b as Record<string, unknown>)[k]));
    return out;
  }
  throw new TypeError(`defaultCollate: batch must contain tensors, numbers, strings, arrays or plain objects; found ${describe(first)}`);
}

/** The type `defaultCollate` makes of a batch of `T`: tensors and numbers become tensors, arrays and objects are collated element by element. */
export type DefaultBatch<T> = T extends Tensor | number ? Tensor
  : T extends string | boolean ? T[]
    : T extends readonly unknown[] ? { [K in keyof T]: DefaultBatch<T[K]> }
      : T extends object ? { [K in keyof T]: DefaultBatch<T[K]> } : unknown;

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Draw a new random order every epoch (default false). */
  shuffle?: boolean;
  /** The generator that shuffles (default: the global one). Seed it for a reproducible order. */
  generator?: Generator;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Merges a list of items into a batch (default `defaultCollate`). */
  collateFn?: (items: T[]) => B;
}

/**
 * Batches of a dataset, iterable once per epoch with `for ... of` (PyTorch's `DataLoader`,
 * single-process). With `shuffle`, each epoch draws a new permutation from `generator`.
 * Batches are collated with `collateFn` (default `defaultCollate`), or fetched at once when the
 * dataset has `getItems` and no `collateFn` is given.
 *
 * @example
 * ```ts
 * import { data, arange, Generator } from '@tensile/tensor';
 * const loader = new data.DataLoader(new data.TensorDataset(arange(10)), { batchSize: 4, dropLast: true });
 * loader.length;                      // 2
 * for (const [x] of loader) x.shape;  // [4], [4]
 * ```
 */
export class DataLoader<T = unknown, B = DefaultBatch<T>> implements Iterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The shuffling generator (its state can be saved and restored for a resumed run). */
  readonly generator: Generator;
  private readonly collateFn: ((items: T[]) => B) | null;

  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'generator', 'dropLast', 'collateFn']);
    if (!(dataset instanceof Dataset)) throw new TypeError(`DataLoader: dataset must be a Dataset, got ${describe(dataset)}`);
    const bs = options.batchSize ?? 1;
    if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1) throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${String(bs)}`);
    this.batchSize = bs;
    for (const k of ['shuffle', 'dropLast'] as const) {
      const v = options[k];
      if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`DataLoader: ${k} must be a boolean, got ${describe(v)}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    if (options.generator !== undefined && !(options.generator instanceof Generator)) throw new TypeError(`DataLoader: generator must be a Generator, got ${describe(options.generator)}`);
    this.generator = options.generator ?? defaultGenerator;
    if (options.collateFn !== undefined && typeof options.collateFn !== 'function') throw new TypeError(`DataLoader: collateFn must be a function, got ${describe(options.collateFn)}`);
    this.collateFn = options.collateFn ?? null;
    datasetLength('DataLoader', dataset);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = datasetLength('DataLoader', this.dataset);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  [Symbol.iterator](): Iterator<B> {
    // Checked as each epoch starts (a dataset's length may change between epochs), when the
    // iterator is made rather than at its first next().
    return this.batches(datasetLength('DataLoader', this.dataset));
  }

  private *batches(n: number): Iterator<B> {
    const order = this.shuffle ? randperm(n, this.generator) : Array.from({ length: n }, (_, i) => i);
    for (let s = 0; s < n; s += this.batchSize) {
      const idx = order.slice(s, Math.min(n, s + this.batchSize));
      if (this.dropLast && idx.length < this.batchSize) break;
      if (this.collateFn === null && this.dataset.getItems) yield this.dataset.getItems(idx) as B;
      else {
        const items = idx.map((i) => this.dataset.getItem(i));
        yield this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
      }
    }
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given `lengths` (counts, or
 * fractions summing to 1, whose remainders go one each to the first subsets, as PyTorch).
 *
 * @example
 * ```ts
 * import { data, arange, Generator } from '@tensile/tensor';
 * const [train, test] = data.randomSplit(new data.TensorDataset(arange(10)), [0.8, 0.2], new Generator(42));
 * [train!.length, test!.length]; // [8, 2]
 * ```
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  if (!(dataset instanceof Dataset)) throw new TypeError(`randomSplit: dataset must be a Dataset, got ${describe(dataset)}`);
  if (!Array.isArray(lengths) || lengths.length === 0 || !lengths.every((l) => typeof l === 'number' && l >= 0)) {
    throw new RangeError(`randomSplit: lengths must be a non-empty list of non-negative numbers, got ${Array.isArray(lengths) ? `[${lengths.join(', ')}]` : describe(lengths)}`);
  }
  const n = datasetLength('randomSplit', dataset);
  let counts = [...lengths];
  const total = lengths.reduce((a, b) => a + b, 0);
  // PyTorch's test: fractions when they sum to 1 (math.isclose) and not past it, whatever the
  // dataset's length (so [0.5, 0.5] of a 1-item dataset is [1, 0], and [1] is the whole of it).
  if (Math.abs(total - 1) <= 1e-9 * Math.max(1, Math.abs(total)) && total <= 1) {
    lengths.forEach((f, i) => { if (f > 1) throw new RangeError(`randomSplit: Fraction at index ${i} is not between 0 and 1`); });
    counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]! += 1;
  } else if (!counts.every(Number.isInteger)) {
    throw new RangeError(`randomSplit: lengths must be integers or fractions summing to 1, got [${lengths.join(', ')}]`);
  }
  if (counts.reduce((a, b) => a + b, 0) !== n) throw new RangeError(`randomSplit: sum of input lengths (${counts.reduce((a, b) => a + b, 0)}) does not equal the length of the input dataset (${n})`);
  const perm = randperm(n, generator);
  let at = 0;
  return counts.map((c) => new Subset(dataset, perm.slice(at, (at += c))));
}
