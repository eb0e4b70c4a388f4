import { foldPositional, type Positional } from '../../call-forms.js';
import { ShapeError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { fmt, numel } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary.js';
import { scatterFlat, takeFlat } from '../movement.js';
import { describe, expectTensor, wrap } from '../util.js';

/** `F.pad`'s modes, as PyTorch's. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The fill of `'constant'` padding (default 0); the other modes take none. */
  value?: number | null;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Pads the last `pad.length / 2` dims of `input`, as PyTorch's `F.pad`: `pad` lists
 * `(left, right)` for the last dim, then `(top, bottom)` for the one before, and so on.
 * `'constant'` fills with `value` (negative pads crop, as PyTorch); `'reflect'` mirrors without
 * repeating the edge; `'replicate'` repeats the edge; `'circular'` wraps around. The non-constant
 * modes pad 1, 2 or 3 trailing dims of an input with one or two more dims (a batch, a channel).
 * Positional as PyTorch (`pad(input, pad, mode, value)`) or an options bag. Its backward sums
 * the gradient of every output back onto the input element it was copied from.
 *
 * @example
 * ```ts
 * import { F, tensor } from '@tensile/tensor';
 * F.pad(tensor([[[1, 2, 3]]]), [2, 1], 'reflect');           // [[[3, 2, 1, 2, 3, 2]]]
 * F.pad(tensor([[[1, 2, 3]]]), [1, 1], { value: -1 });       // [[[-1, 1, 2, 3, -1]]]
 * F.pad(tensor([[[1, 2, 3]]]), [-1, 2], 'replicate').shape;  // [1, 1, 4]
 * ```
 */
export function pad(input: Tensor, pad: readonly number[], ...rest: Positional<[mode: PadMode, value: number | null], PadOptions>): Tensor {
  const op = 'pad';
  const o = checkOptions(op, foldPositional(op, rest, [
    { name: 'mode', is: (v) => typeof v === 'string', expected: 'a string' },
    { name: 'value', is: (v) => v === null || typeof v === 'number', expected: 'a number or null' },
  ]) as PadOptions, ['mode', 'value']);
  expectTensor(op, 'input', input);
  if (!Array.isArray(pad) || !pad.every((p) => Number.isInteger(p))) throw new TypeError(`${op}: pad must be an array of integers, got ${describe(pad)}`);
  const mode = o.mode ?? 'constant';
  if (!MODES.includes(mode)) throw new RangeError(`${op}: Unrecognised padding mode ${String(mode)} (expected 'constant', 'reflect', 'replicate' or 'circular')`);
  const value = o.value ?? null;
  if (value !== null && typeof value !== 'number') throw new TypeError(`${op}: value must be a number or null, got ${describe(value)}`);
  if (pad.length % 2 !== 0) throw new RangeError(`${op}: Padding length must be divisible by 2, got pad ${fmt(pad)}`);
  const k = pad.length / 2, nd = input.ndim;
  if (k > nd) throw new RangeError(`${op}: Padding length too large: pad ${fmt(pad)} pads ${k} dims of a ${nd}-d input ${fmt(input.shape)}`);
  if (mode !== 'constant') {
    if (value !== null) throw new RangeError(`${op}: Padding mode "${mode}" doesn't take in value argument, got value ${value}`);
    if (mode === 'circular' && k >= 1 && k <= 3 && nd === k + 1) {
      throw new RangeError(`${op}: Invalid padding size, expected ${2 * (nd - 2)} but got ${pad.length}: 'circular' pads a batched input [N, C, ...] only, got input ${fmt(input.shape)}`);
    }
    if (k < 1 || k > 3 || (nd !== k + 1 && nd !== k + 2)) {
      throw new RangeError(`${op}: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: mode '${mode}' pads ${k} trailing dims of a ${k + 1}-d or ${k + 2}-d input, got pad ${fmt(pad)} for input ${fmt(input.shape)}`);
    }
  }
  // per padded dim d (counted from the front): the source index of each output position, -1 for fill
  const shape = [...input.shape];
  const maps: (Int32Array | null)[] = shape.map(() => null);
  for (let j = 0; j < k; j++) {
    const d = nd - 1 - j, n = input.shape[d]!, lo = pad[2 * j]!, hi = pad[2 * j + 1]!;
    const size = n + lo + hi;
    if (mode === 'constant' && size < 0) {
      throw new ShapeError(`${op}: The input size ${n}, plus negative padding ${lo} and ${hi} resulted in a negative output size, which is invalid. Check dimension ${d} of your input ${fmt(input.shape)}.`);
    }
    if (mode === 'reflect' && (lo >= n || hi >= n)) {
      throw new ShapeError(`${op}: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${d} of input ${fmt(input.shape)}`);
    }
    if (mode === 'circular' && (lo > n || hi > n)) throw new ShapeError(`${op}: Padding value causes wrapping around more than once: padding (${lo}, ${hi}) at dimension ${d} of input ${fmt(input.shape)}`);
    if (mode !== 'constant' && size < 1) {
      throw new ShapeError(`${op}: input ${fmt(input.shape)} is too small for padding (${lo}, ${hi}) at dimension ${d}: calculated output size ${size}`);
    }
    const m = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      let s = i - lo;
      if (mode === 'constant') s = s >= 0 && s < n ? s : -1;
      else if (mode === 'replicate') s = Math.min(Math.max(s, 0), n - 1);
      else if (mode === 'circular') {
        // PyTorch crops first, then wraps around what is left
        const c0 = Math.max(-lo, 0), core = n - c0 - Math.max(-hi, 0);
        s = c0 + ((((i - Math.max(lo, 0)) % core) + core) % core);
      }
      else {
        // reflect: mirror at the first and last elements without repeating them
        const period = 2 * (n - 1);
        s = n === 1 ? 0 : ((s % period) + period) % period;
        if (s >= n) s = period - s;
      }
      m[i] = s;
    }
    maps[d] = m;
    shape[d] = size;
  }
  const src = sourceIndex(input.shape, shape, maps);
  if (mode !== 'constant') return takeFlat(input, src, shape, `pad(${mode})`);
  // constant: the kept input elements scattered to their places (backward: gathered back), the fill added
  let kept = 0;
  for (let i = 0; i < src.length; i++) if (src[i]! >= 0) kept++;
  const from = new Int32Array(kept), to = new Int32Array(kept);
  for (let i = 0, j = 0; i < src.length; i++) if (src[i]! >= 0) { from[j] = src[i]!; to[j++] = i; }
  // Nothing cropped: every input element is kept, in order (each dim's map only shifts), so `from` is the identity.
  const inner = kept === numel(input.shape) ? input : takeFlat(input, from, [kept], 'pad');
  const y = scatterFlat(inner, to, shape);
  const fill = value ?? 0;
  if (fill === 0 || kept === src.length) return y;
  const bg = new (input.dtype.array as Float64ArrayConstructor)(src.length);
  for (let i = 0; i < src.length; i++) if (src[i]! < 0) bg[i] = fill;
  return add(y, wrap(bg, shape, input.dtype));
}

/**
 * @internal The flat source index of every element of an output of `outShape`, read from a
 * contiguous input of `inShape` through a per-dim map (`null`: the same index; -1 anywhere: -1).
 */
export function sourceIndex(inShape: readonly number[], outShape: readonly number[], maps: readonly (Int32Array | null)[]): Int32Array {
  const nd = outShape.length;
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= inShape[d]!; }
  let idx = new Int32Array([0]);
  for (let d = 0; d < nd; d++) {
    const n = outShape[d]!, m = maps[d], st = strides[d]!;
    const next = new Int32Array(idx.length * n);
    for (let a = 0, j = 0; a < idx.length; a++) {
      const base = idx[a]!;
      for (let i = 0; i < n; i++, j++) {
        const s = m ? m[i]! : i;
        next[j] = base < 0 || s < 0 ? -1 : base + s * st;
      }
    }
    idx = next;
  }
  return idx;
}
