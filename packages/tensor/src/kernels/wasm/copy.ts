/**
 * Strided copies in the module: the kernel set's `copy` (a strided view into a contiguous array)
 * and `scatterCopy` (the reverse) for views whose rows are short or strided, which JavaScript
 * copies an element at a time. The view's memory span is staged whole (one memcpy), the module
 * gathers or scatters it (`strided`: loads and stores, every bit kept), and one memcpy takes the
 * result out. Views that are sparse in their span, collapse to more than three dims, have a
 * negative stride or rows of SET_MIN contiguous floats (a `set` a row already), and small ones,
 * stay with the JS kernel.
 */
import { collapse, jsKernels, SET_MIN } from '../js.js';
import type { Kernels } from '../types.js';
import type { Instance } from './module.js';

/** Below this many elements the JS loops are as fast as staging (the call and two memcpys). */
export const COPY_MIN = 4096;
/**
 * The most a staged span may exceed the view's elements by, as a factor: a gather reads its span
 * (matmul's `denseSpan` takes 8x too); a scatter reads its span and writes it back, and into a
 * fresh array (a gradient's zeros) reading first costs a second page fault a page: a head's
 * [16, 64, 32] rows scattered into a fresh [16, 64, 128] (4x) took 383 µs against the JS loop's
 * 273, at 2x 154 against 178, at 1x 387 against 498 (and 4-5x faster into a reused array).
 */
const GATHER_SPAN = 8;
const SCATTER_SPAN = 2;

/**
 * The collapsed view `[n0, n1, n2]` with its strides, the floats it spans and its n elements, or
 * undefined when the module's path does not pay or does not apply (see the file's comment;
 * `factor` bounds the span against n). `span` counts from the view's first element; a view with a
 * zero stride (a broadcast) spans less than it holds.
 */
function plan(shape: readonly number[], strides: readonly number[], factor: number): { dims: number[]; st: number[]; span: number; n: number } | undefined {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n < COPY_MIN) return undefined;
  const [cs, [xs]] = collapse(shape, [strides]);
  if (cs.length > 3 || xs!.some((s) => s < 0)) return undefined;
  if (xs![cs.length - 1] === 1 && cs[cs.length - 1]! >= SET_MIN) return undefined;
  const dims = [...new Array<number>(3 - cs.length).fill(1), ...cs];
  const st = [...new Array<number>(3 - cs.length).fill(0), ...xs!];
  const span = dims.reduce((a, d, i) => a + (d - 1) * st[i]!, 1);
  return span <= factor * n + 64 ? { dims, st, span, n } : undefined;
}

/** `copy` and `scatterCopy` on instance `one`. */
export function makeCopy(one: Instance): Pick<Kernels, 'copy' | 'scatterCopy'> {
  /**
   * The view's plan and its place in the module: the span at float 0, the n elements
   * contiguous from float C; undefined where the JS kernel takes the view.
   */
  const place = (shape: readonly number[], strides: readonly number[], factor: number) => {
    const p = plan(shape, strides, factor);
    if (!p) return undefined;
    const C = (p.span + 3) & ~3;
    const m = one.tryReserve(C + p.n);
    return m && { ...p, C, m };
  };
  const run = (v: { dims: number[]; st: number[]; C: number }, dir: number): void =>
    one.ex.strided(0, v.C * 4, v.dims[0]!, v.dims[1]!, v.dims[2]!, v.st[0]!, v.st[1]!, v.st[2]!, dir);

  const copy: Kernels['copy'] = (x, xOff, xStrides, shape, out, outOff) => {
    const v = place(shape, xStrides, GATHER_SPAN);
    if (!v) return jsKernels.copy(x, xOff, xStrides, shape, out, outOff);
    v.m.set(x.subarray(xOff, xOff + v.span), 0);
    run(v, 0);
    out.set(v.m.subarray(v.C, v.C + v.n), outOff);
  };

  // The view's span goes in and comes back whole: the elements between the view's keep their values.
  const scatterCopy: Kernels['scatterCopy'] = (x, xOff, shape, out, outOff, outStrides) => {
    const v = place(shape, outStrides, SCATTER_SPAN);
    if (!v) return jsKernels.scatterCopy(x, xOff, shape, out, outOff, outStrides);
    v.m.set(out.subarray(outOff, outOff + v.span), 0);
    v.m.set(x.subarray(xOff, xOff + v.n), v.C);
    run(v, 1);
    out.set(v.m.subarray(0, v.span), outOff);
  };

  return { copy, scatterCopy };
}
