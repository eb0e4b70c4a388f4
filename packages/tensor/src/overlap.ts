/**
 * Memory overlap between tensors that share storage, as PyTorch's `at::has_internal_overlap`
 * and `at::get_overlap_status` decide it, for the in-place writes: a kernel that reads an input
 * while it writes the output gives the input's old values only if every element it reads is
 * either the one it is writing or one it never writes. Anything else (a shifted view of the
 * written tensor, its transpose) depends on the order the kernel visits elements, and so on the
 * backend and on chunk sizes; PyTorch refuses it and so do we.
 */
import type { Tensor } from './tensor.js';

/** How two tensors' elements share memory. */
export type Overlap = 'none' | 'full' | 'partial' | 'too-hard';

/**
 * Whether the elements are laid out densely with no two on one memory location, in some order
 * of dims (PyTorch's `is_non_overlapping_and_dense`): then they cover exactly `[offset, offset + numel)`.
 */
export function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) dims.push(d);
  dims.sort((a, b) => strides[a]! - strides[b]!);
  let expect = 1;
  for (const d of dims) {
    if (strides[d] !== expect) return false;
    expect *= shape[d]!;
  }
  return true;
}

/**
 * Whether no two elements share a memory location, where strides alone can tell (dims of size 1
 * ignored; each stride reaches past everything the smaller strides span). Views made by
 * `narrow`, `select`, `transpose`, `permute`, step slicing and `unsqueeze` always pass; a
 * broadcast (`expand`, stride 0) never does.
 */
function stridesKeepApart(shape: readonly number[], strides: readonly number[]): boolean {
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return true;
    if (shape[d] !== 1) dims.push(d);
  }
  dims.sort((a, b) => Math.abs(strides[a]!) - Math.abs(strides[b]!));
  let span = 0; // the largest offset reached by the dims before this one
  for (const d of dims) {
    const s = Math.abs(strides[d]!);
    if (s <= span) return false;
    span += s * (shape[d]! - 1);
  }
  return true;
}

/** The lowest and one past the highest storage index a tensor's elements occupy. */
function extent(t: Tensor): [number, number] {
  let lo = t.offset, hi = t.offset;
  for (let d = 0; d < t.ndim; d++) {
    const n = t.shape[d]!, s = t.strides[d]!;
    if (n === 0) return [t.offset, t.offset];
    if (s > 0) hi += s * (n - 1);
    else lo += s * (n - 1);
  }
  return [lo, hi + 1];
}

/** How `a`'s and `b`'s elements share memory (PyTorch's `get_overlap_status`). */
export function overlapStatus(a: Tensor, b: Tensor): Overlap {
  if (a.storage !== b.storage || a.numel() === 0 || b.numel() === 0) return 'none';
  const [alo, ahi] = extent(a), [blo, bhi] = extent(b);
  if (ahi <= blo || bhi <= alo) return 'none';
  if (a === b) return 'full';
  if (!isNonOverlappingAndDense(a.shape, a.strides) || !isNonOverlappingAndDense(b.shape, b.strides)) return 'too-hard';
  // Both dense: they cover [lo, hi) each, and those intersect.
  if (alo === blo && ahi === bhi && sameLayout(a, b)) return 'full';
  return 'partial';
}

/** Whether each element of `a` sits where the same-index element of `b` does (dims of size 1 aside). */
function sameLayout(a: Tensor, b: Tensor): boolean {
  if (a.ndim !== b.ndim) return false;
  for (let d = 0; d < a.ndim; d++) {
    if (a.shape[d] !== b.shape[d]) return false;
    if (a.shape[d] !== 1 && a.strides[d] !== b.strides[d]) return false;
  }
  return a.offset === b.offset;
}

/**
 * Refuses to write into `self` if two of its elements share one memory location (an expanded
 * tensor): PyTorch's `assert_no_internal_overlap`, with its message.
 */
export function assertNoInternalOverlap(op: string, self: Tensor): void {
  if (!stridesKeepApart(self.shape, self.strides)) {
    throw new Error(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. ` +
        'Please clone() the tensor before performing the operation.',
    );
  }
}

/**
 * Checks an input of an in-place write into `self`: refuses a partial overlap with PyTorch's
 * message (`assert_no_partial_overlap`), and returns whether the input must be read from a
 * copy, for the overlaps PyTorch does not decide (strided views over the same memory), so the
 * result is the one a cloned input gives on every backend. A full overlap (the same elements,
 * `x.add_(x)`) needs no copy: each element is read before it is written.
 */
export function inputNeedsCopy(op: string, self: Tensor, input: Tensor): boolean {
  const s = overlapStatus(self, input);
  if (s === 'partial') {
    throw new Error(
      `${op}: unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. ` +
        'Please clone() the tensor before performing the operation.',
    );
  }
  return s === 'too-hard';
}
