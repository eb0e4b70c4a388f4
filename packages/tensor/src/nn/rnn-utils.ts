/**
 * PyTorch's `torch.nn.utils.rnn`: variable-length batches for the recurrent layers, exported as
 * `nn.utils.rnn`. A {@link PackedSequence} holds the time steps of sequences sorted by length,
 * each step only for the sequences still running, so an `nn.LSTM` never steps over padding.
 */
import { Tensor } from '../tensor.js';
import { full, tensor } from '../ops/creation.js';
import { cat, indexSelect, narrow, stack, transpose } from '../ops/movement.js';
import { int64, type DTypeLike } from '../dtype.js';
import { describe } from '../ops/util.js';
import { checkOptions } from '../options.js';
import { ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import { bool, foldPositional, num, type Positional } from '../call-forms.js';

const intsOf = (t: Tensor): number[] => (t.tolist() as number[]).map(Number);

/**
 * A batch of variable-length sequences in packed form (PyTorch's `PackedSequence`): `data`
 * `[sum(lengths), *]` holds time step 0 of every sequence, then step 1 of those still running,
 * and so on; `batchSizes` (int64, `[maxLength]`) how many sequences run at each step;
 * `sortedIndices` the batch order by decreasing length (null when the input was already sorted)
 * and `unsortedIndices` its inverse. Build one with {@link packPaddedSequence} or
 * {@link packSequence}; it destructures as PyTorch's namedtuple does.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const p = nn.utils.rnn.packSequence([tensor([1, 2, 3]), tensor([4, 5])]);
 * p.data.tolist();       // [1, 4, 2, 5, 3]
 * p.batchSizes.tolist(); // [2, 2, 1]
 * const [data, batchSizes] = p;
 * ```
 */
export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Tensor | readonly number[], sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    const fn = 'PackedSequence';
    if (!(data instanceof Tensor)) throw new TypeError(`${fn}: data must be a Tensor, got ${describe(data)}`);
    const bs = batchSizes instanceof Tensor ? batchSizes : Array.isArray(batchSizes) ? tensor(batchSizes as number[], { dtype: int64 }) : null;
    if (bs === null) throw new TypeError(`${fn}: batchSizes must be an int64 Tensor or an array of numbers, got ${describe(batchSizes)}`);
    if (bs.dtype !== int64 || bs.ndim !== 1) throw new TypeError(`${fn}: batchSizes must be a 1-d int64 tensor, got ${bs.dtype.name} of shape ${fmt(bs.shape)}`);
    for (const [name, t] of [['sortedIndices', sortedIndices], ['unsortedIndices', unsortedIndices]] as const) {
      if (t !== null && !(t instanceof Tensor && t.dtype === int64)) throw new TypeError(`${fn}: ${name} must be an int64 Tensor or null, got ${t instanceof Tensor ? `a ${t.dtype.name} tensor` : describe(t)}`);
    }
    this.data = data;
    this.batchSizes = bs;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? invertPermutation(sortedIndices);
  }

  /** `[data, batchSizes, sortedIndices, unsortedIndices]`, as Python unpacks the namedtuple. */
  *[Symbol.iterator](): Generator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }

  /** @internal `batchSizes` as numbers. */
  _batchSizes(): number[] {
    return intsOf(this.batchSizes);
  }

  /** The same sequence with `data` in `dtype` (PyTorch's `PackedSequence.to`). */
  to(dtype: DTypeLike): PackedSequence {
    const data = this.data.to(dtype);
    return data === this.data ? this : new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  /** `to(float64)`. */
  double(): PackedSequence {
    return this.to('float64');
  }

  /** `to(float32)`. */
  float(): PackedSequence {
    return this.to('float32');
  }

  /** `data.requiresGrad`. */
  get requiresGrad(): boolean {
    return this.data.requiresGrad;
  }
}

/**
 * The inverse of a permutation (int64): `out[perm[i]] = i`; null for null.
 *
 * @example
 * ```ts
 * import { nn, tensor, int64 } from '@tensile/tensor';
 * nn.utils.rnn.invertPermutation(tensor([2, 0, 1], { dtype: int64 }))!.tolist(); // [1, 2, 0]
 * ```
 */
export function invertPermutation(permutation: Tensor | null): Tensor | null {
  if (permutation === null) return null;
  const p = intsOf(permutation);
  const out = new Array<number>(p.length).fill(0);
  p.forEach((v, i) => {
    out[v] = i;
  });
  return tensor(out, { dtype: int64 });
}

/** Options of {@link padSequence}. */
export interface PadSequenceOptions {
  /** Return `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padding (default 0). */
  paddingValue?: number;
}

/**
 * Stacks sequences `[L_i, *]` of different lengths into one `[T, B, *]` tensor (or `[B, T, *]`
 * with `batchFirst`), padding each to the longest with `paddingValue` (PyTorch's `pad_sequence`).
 * Differentiable in each sequence.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * nn.utils.rnn.padSequence([tensor([1, 2, 3]), tensor([4])], true).tolist(); // [[1, 2, 3], [4, 0, 0]]
 * nn.utils.rnn.padSequence([tensor([1, 2]), tensor([4])], { paddingValue: -1 }).tolist(); // [[1, 4], [2, -1]]
 * ```
 */
export function padSequence(sequences: readonly Tensor[], ...rest: Positional<[batchFirst: boolean, paddingValue: number], PadSequenceOptions>): Tensor {
  const fn = 'padSequence';
  const o = checkOptions(fn, foldPositional(fn, rest, [bool('batchFirst'), num('paddingValue')]) as PadSequenceOptions, ['batchFirst', 'paddingValue']);
  if (!Array.isArray(sequences)) throw new TypeError(`pad_sequence: Expected iterable for input sequences, but got arg of type: ${describe(sequences)}`);
  if (sequences.length === 0) throw new RangeError(`${fn}: received an empty list of sequences`);
  sequences.forEach((s, i) => {
    if (!(s instanceof Tensor)) throw new TypeError(`${fn}: sequences[${i}] must be a Tensor, got ${describe(s)}`);
    if (s.ndim === 0) throw new ShapeError(`${fn}: sequences[${i}] must have at least 1 dimension, got a 0-d tensor`);
  });
  const trailing = sequences[0]!.shape.slice(1);
  const T = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) => {
    const L = s.shape[0]!;
    return L === T ? s : cat([s, full([T - L, ...trailing], o.paddingValue ?? 0, { dtype: s.dtype })], 0);
  });
  return stack(padded, o.batchFirst ? 0 : 1);
}

/** Options of {@link packPaddedSequence}. */
export interface PackPaddedSequenceOptions {
  /** `input` is `[B, T, *]` (default false: `[T, B, *]`). */
  batchFirst?: boolean;
  /** Require lengths in decreasing order (default true); false sorts the batch first. */
  enforceSorted?: boolean;
}

const PACK_MSG = '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.';

/**
 * Packs a padded batch `[T, B, *]` (or `[B, T, *]` with `batchFirst`) whose sequence `b` has
 * `lengths[b]` valid steps (PyTorch's `pack_padded_sequence`). With `enforceSorted` (default)
 * the lengths must decrease; `enforceSorted: false` sorts the batch by decreasing length and
 * records the order in `sortedIndices`, which the recurrent layers and
 * {@link padPackedSequence} undo. Differentiable in `input`.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const x = tensor([[1, 4], [2, 0], [3, 0]]);          // [T=3, B=2], lengths 3 and 1
 * const p = nn.utils.rnn.packPaddedSequence(x, [3, 1]);
 * p.data.tolist();       // [1, 4, 2, 3]
 * p.batchSizes.tolist(); // [2, 1, 1]
 * nn.utils.rnn.packPaddedSequence(x, [1, 3], { enforceSorted: false }).sortedIndices!.tolist(); // [1, 0]
 * ```
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], ...rest: Positional<[batchFirst: boolean, enforceSorted: boolean], PackPaddedSequenceOptions>): PackedSequence {
  const fn = 'packPaddedSequence';
  const o = checkOptions(fn, foldPositional(fn, rest, [bool('batchFirst'), bool('enforceSorted')]) as PackPaddedSequenceOptions, ['batchFirst', 'enforceSorted']);
  if (!(input instanceof Tensor)) throw new TypeError(`${fn}: input must be a Tensor, got ${describe(input)}`);
  let lens: number[];
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1 || lengths.dtype.isFloatingPoint) throw new TypeError(`${fn}: lengths must be a 1-d integer tensor or an array of numbers, got ${lengths.dtype.name} of shape ${fmt(lengths.shape)}`);
    lens = intsOf(lengths);
  } else if (Array.isArray(lengths) && lengths.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    lens = [...(lengths as number[])];
  } else {
    throw new TypeError(`${fn}: lengths must be a 1-d integer tensor or an array of integers, got ${describe(lengths)}`);
  }
  if (input.ndim < 2) throw new ShapeError(`${fn}: input must have at least 2 dimensions (time and batch), got shape ${fmt(input.shape)}`);
  if (input.numel() === 0) throw new RangeError('Cannot pack empty tensors.');
  let x = o.batchFirst ? transpose(input, 0, 1) : input;
  const B = x.shape[1]!;
  if (lens.length !== B) throw new RangeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  let sortedIndices: Tensor | null = null;
  if (!(o.enforceSorted ?? true)) {
    const order = lens.map((_, i) => i).sort((a, b) => lens[b]! - lens[a]!); // stable: ties keep their order
    sortedIndices = tensor(order, { dtype: int64 });
    lens = order.map((i) => lens[i]!);
    x = indexSelect(x, 1, sortedIndices);
  }
  if (!(lens[B - 1]! > 0)) throw new RangeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (let i = 1; i < B; i++) if (lens[i - 1]! < lens[i]!) throw new RangeError(PACK_MSG);
  const T = lens[0]!;
  if (T > x.shape[0]!) throw new RangeError(`${fn}: lengths[${sortedIndices ? intsOf(sortedIndices)[0] : 0}] is ${T}, past the ${x.shape[0]} time steps of the input`);
  const batchSizes: number[] = [];
  const steps: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    let b = 0;
    while (b < B && lens[b]! > t) b++;
    batchSizes.push(b);
    steps.push(narrow(x.select(0, t), 0, 0, b));
  }
  return new PackedSequence(cat(steps, 0), batchSizes, sortedIndices);
}

/** Options of {@link padPackedSequence}. */
export interface PadPackedSequenceOptions {
  /** Return `[B, T, *]` (default false: `[T, B, *]`). */
  batchFirst?: boolean;
  /** The value of the padding (default 0). */
  paddingValue?: number;
  /** Pad to this many steps (at least the longest sequence; default the longest). */
  totalLength?: number | null;
}

/**
 * The inverse of {@link packPaddedSequence} (PyTorch's `pad_packed_sequence`): the padded
 * `[T, B, *]` batch (or `[B, T, *]`) in the original batch order, and the lengths (int64).
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const p = nn.utils.rnn.packSequence([tensor([1, 2]), tensor([3, 4, 5])], false);
 * const [padded, lengths] = nn.utils.rnn.padPackedSequence(p, { batchFirst: true, totalLength: 4 });
 * padded.tolist();  // [[1, 2, 0, 0], [3, 4, 5, 0]]
 * lengths.tolist(); // [2, 3]
 * ```
 */
export function padPackedSequence(sequence: PackedSequence, ...rest: Positional<[batchFirst: boolean, paddingValue: number, totalLength: number | null], PadPackedSequenceOptions>): [Tensor, Tensor] {
  const fn = 'padPackedSequence';
  const o = checkOptions(fn, foldPositional(fn, rest, [bool('batchFirst'), num('paddingValue'), { name: 'totalLength', is: (v) => v === null || typeof v === 'number', expected: 'a number or null' }]) as PadPackedSequenceOptions, ['batchFirst', 'paddingValue', 'totalLength']);
  if (!(sequence instanceof PackedSequence)) throw new TypeError(`${fn}: sequence must be a PackedSequence, got ${describe(sequence)}`);
  const bs = sequence._batchSizes();
  let T = bs.length;
  if (o.totalLength !== undefined && o.totalLength !== null) {
    if (o.totalLength < T) throw new RangeError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${o.totalLength} and max sequence length being ${T}`);
    T = o.totalLength;
  }
  const data = sequence.data;
  const trailing = data.shape.slice(1);
  const B = bs[0]!;
  const pad = o.paddingValue ?? 0;
  const steps: Tensor[] = [];
  let at = 0;
  for (let t = 0; t < T; t++) {
    const b = t < bs.length ? bs[t]! : 0;
    const part = b > 0 ? narrow(data, 0, at, b) : null;
    at += b;
    steps.push(part === null ? full([B, ...trailing], pad, { dtype: data.dtype }) : b === B ? part : cat([part, full([B - b, ...trailing], pad, { dtype: data.dtype })], 0));
  }
  let padded = stack(steps, o.batchFirst ? 1 : 0);
  const lens = Array.from({ length: B }, (_, i) => bs.filter((b) => b > i).length);
  let lengths = tensor(lens, { dtype: int64 });
  if (sequence.unsortedIndices !== null) {
    padded = indexSelect(padded, o.batchFirst ? 0 : 1, sequence.unsortedIndices);
    lengths = indexSelect(lengths, 0, sequence.unsortedIndices);
  }
  return [padded, lengths];
}

/** Options of {@link packSequence}. */
export interface PackSequenceOptions {
  /** Require sequences in decreasing length (default true). */
  enforceSorted?: boolean;
}

/**
 * Packs a list of sequences `[L_i, *]` (PyTorch's `pack_sequence`): `padSequence` then
 * `packPaddedSequence` with their lengths.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const p = nn.utils.rnn.packSequence([tensor([1]), tensor([2, 3])], { enforceSorted: false });
 * p.data.tolist();          // [2, 1, 3]
 * p.sortedIndices!.tolist(); // [1, 0]
 * ```
 */
export function packSequence(sequences: readonly Tensor[], ...rest: Positional<[enforceSorted: boolean], PackSequenceOptions>): PackedSequence {
  const fn = 'packSequence';
  const o = checkOptions(fn, foldPositional(fn, rest, [bool('enforceSorted')]) as PackSequenceOptions, ['enforceSorted']);
  if (!Array.isArray(sequences)) throw new TypeError(`${fn}: sequences must be an array of tensors, got ${describe(sequences)}`);
  const padded = padSequence(sequences);
  return packPaddedSequence(padded, sequences.map((s) => s.shape[0]!), { enforceSorted: o.enforceSorted ?? true });
}

/**
 * The sequences of a padded batch, each cut to its length (PyTorch's `unpad_sequence`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * nn.utils.rnn.unpadSequence(tensor([[1, 2], [3, 0]]), [2, 1]).map((s) => s.tolist()); // [[1, 3], [2]]
 * ```
 */
export function unpadSequence(paddedSequences: Tensor, lengths: Tensor | readonly number[], batchFirst = false): Tensor[] {
  const fn = 'unpadSequence';
  if (!(paddedSequences instanceof Tensor)) throw new TypeError(`${fn}: paddedSequences must be a Tensor, got ${describe(paddedSequences)}`);
  const lens = lengths instanceof Tensor ? intsOf(lengths) : [...lengths];
  const x = batchFirst ? paddedSequences : transpose(paddedSequences, 0, 1);
  return lens.map((L, b) => narrow(x.select(0, b), 0, 0, L));
}

/**
 * The sequences of a `PackedSequence`, in the original order (PyTorch's `unpack_sequence`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * const p = nn.utils.rnn.packSequence([tensor([1]), tensor([2, 3])], false);
 * nn.utils.rnn.unpackSequence(p).map((s) => s.tolist()); // [[1], [2, 3]]
 * ```
 */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packedSequences, true);
  return unpadSequence(padded, lengths, true);
}
