/**
 * libstdc++'s `std::sort` (GCC 12: introsort, median-of-three pivot, heapsort past the depth
 * limit, a final insertion sort over runs of 16), step for step. PyTorch's CPU `mode` sorts its
 * (value, position) pairs with it and a plain `a < b`, so which position of a tied value it
 * reports, and where NaN (unordered: "equal" to everything under `<`) lands, is whatever this
 * unstable algorithm leaves. Replaying it is the only way to report the same positions.
 *
 * Sorts `a` in place by `less` and returns it. `depthLimit` (tests only) replaces std::sort's
 * `2·⌊log2 n⌋` partitioning depth, as libstdc++'s internal `__introsort_loop` takes it.
 */
export function stdSort<T>(a: T[], less: (x: T, y: T) => boolean, depthLimit?: number): T[] {
  const n = a.length;
  if (n > 1) {
    introsortLoop(a, 0, n, depthLimit ?? 2 * Math.floor(Math.log2(n)), less);
    finalInsertionSort(a, 0, n, less);
  }
  return a;
}

const THRESHOLD = 16;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function introsortLoop<T>(a: T[], first: number, last: number, depth: number, less: (x: T, y: T) => boolean): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(a, first, last, less);
      return;
    }
    depth--;
    const mid = first + ((last - first) >> 1);
    moveMedianToFirst(a, first, first + 1, mid, last - 1, less);
    const cut = unguardedPartition(a, first + 1, last, first, less);
    introsortLoop(a, cut, last, depth, less);
    last = cut;
  }
}

function moveMedianToFirst<T>(a: T[], result: number, i: number, j: number, k: number, less: (x: T, y: T) => boolean): void {
  const [x, y, z] = [a[i]!, a[j]!, a[k]!];
  if (less(x, y)) {
    if (less(y, z)) swap(a, result, j);
    else if (less(x, z)) swap(a, result, k);
    else swap(a, result, i);
  } else if (less(x, z)) swap(a, result, i);
  else if (less(y, z)) swap(a, result, k);
  else swap(a, result, j);
}

function unguardedPartition<T>(a: T[], first: number, last: number, pivot: number, less: (x: T, y: T) => boolean): number {
  for (;;) {
    while (less(a[first]!, a[pivot]!)) first++;
    last--;
    while (less(a[pivot]!, a[last]!)) last--;
    if (!(first < last)) return first;
    swap(a, first, last);
    first++;
  }
}

function finalInsertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  if (last - first > THRESHOLD) {
    insertionSort(a, first, first + THRESHOLD, less);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(a, i, less);
  } else {
    insertionSort(a, first, last, less);
  }
}

function insertionSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  for (let i = first + 1; i < last; i++) {
    const v = a[i]!;
    if (less(v, a[first]!)) {
      a.copyWithin(first + 1, first, i);
      a[first] = v;
    } else {
      unguardedLinearInsert(a, i, less);
    }
  }
}

function unguardedLinearInsert<T>(a: T[], last: number, less: (x: T, y: T) => boolean): void {
  const v = a[last]!;
  let next = last - 1;
  while (less(v, a[next]!)) {
    a[last] = a[next]!;
    last = next--;
  }
  a[last] = v;
}

/** `std::__partial_sort(first, last, last)`: make a heap, then pop it into place. */
function heapSort<T>(a: T[], first: number, last: number, less: (x: T, y: T) => boolean): void {
  const len = last - first;
  if (len >= 2) {
    for (let parent = (len - 2) >> 1; ; parent--) {
      adjustHeap(a, first, parent, len, a[first + parent]!, less);
      if (parent === 0) break;
    }
  }
  while (last - first > 1) {
    last--;
    const v = a[last]!;
    a[last] = a[first]!;
    adjustHeap(a, first, 0, last - first, v, less);
  }
}

function adjustHeap<T>(a: T[], first: number, hole: number, len: number, v: T, less: (x: T, y: T) => boolean): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (less(a[first + child]!, a[first + child - 1]!)) child--;
    a[first + hole] = a[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    a[first + hole] = a[first + child - 1]!;
    hole = child - 1;
  }
  // push v back up from the hole
  let parent = (hole - 1) >> 1;
  while (hole > top && less(a[first + parent]!, v)) {
    a[first + hole] = a[first + parent]!;
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  a[first + hole] = v;
}
