/**
 * The kernel sets' strided `copy` (and its adjoint `scatterCopy`) against a reference that walks
 * every index: 0- to 4-d shapes, permuted strides (inner stride 1 or not), rows shorter and
 * longer than the 64 elements from which a row is copied with `set`, broadcast (stride 0) dims,
 * empty dims and offsets.
 */
import { describe, expect, it } from 'vitest';
import { createWasmKernels } from '../src/kernels/wasm.js';
import { kernelSet } from './helpers/kernels.js';

/** out[i] = x[xOff + Σ index·stride] in row-major order of `shape`. */
function reference(x: Float32Array, xOff: number, strides: number[], shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1), out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i, at = xOff;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += (rest % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    out[i] = x[at]!;
  }
  return out;
}

/** Row-major strides of `shape` permuted by `perm` (a transposed view of a contiguous array). */
function permuted(shape: number[], perm: number[]): { shape: number[]; strides: number[] } {
  const base = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { shape: perm.map((p) => shape[p]!), strides: perm.map((p) => base[p]!) };
}

const cases: [string, number[], number[]][] = [
  ['0-d', [], []],
  ['1-d', [70], [0]],
  ['1-d of 10 (element by element)', [10], [0]],
  ['a 2-d transpose (inner stride 9)', [7, 9], [1, 0]],
  ['a 5-d reversal (no dims merge)', [2, 3, 2, 3, 4], [4, 3, 2, 1, 0]],
  ['4-d, rows of 70 contiguous (set, through forEachRow)', [2, 2, 2, 70], [2, 1, 0, 3]],
  ['4-d, rows of 70 at stride 8 (element by element, through forEachRow)', [70, 2, 2, 2], [2, 1, 3, 0]],
  ['rows of 32, dims 0 and 1 swapped (attention heads)', [8, 6, 32], [1, 0, 2]],
  ['rows of 100 (set), dims 0 and 1 swapped', [3, 5, 100], [1, 0, 2]],
  ['the last two dims swapped (inner stride 64)', [2, 3, 10, 64], [0, 1, 3, 2]],
  ['a 4-d permutation', [4, 3, 5, 2], [2, 0, 3, 1]],
  ['exactly 64 a row', [5, 64, 2], [2, 0, 1]],
  ['an empty dim', [3, 0, 4], [1, 0, 2]],
];

describe.each(['js', 'wasm'] as const)('%s copy', (set) => {
  const k = kernelSet(set);
  it.each(cases)('%s', (_label, base, perm) => {
    const total = Math.max(1, base.reduce((a, b) => a * b, 1));
    // finite values past the view too: a copy that reads one past a row writes a number, which the checks below see
    const x = Float32Array.from({ length: total + 3 + 8 }, (_, i) => i * 0.5 - 7);
    const { shape, strides } = permuted(base, perm);
    const want = reference(x, 3, strides, shape);
    const out = new Float32Array(want.length + 4).fill(NaN);
    k.copy(x, 3, strides, shape, out, 2);
    expect(Array.from(out.subarray(2, 2 + want.length))).toEqual(Array.from(want));
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[1]!)).toBe(true); // nothing written before outOff
    expect(Number.isNaN(out[want.length + 2]!) && Number.isNaN(out[want.length + 3]!)).toBe(true); // nor after the copy
    // scatterCopy is the inverse: writing the copy back through the same strides restores x
    const back = new Float32Array(total + 3 + 2).fill(NaN);
    k.scatterCopy(out, 2, shape, back, 3, strides);
    expect(Number.isNaN(back[total + 3]!) && Number.isNaN(back[total + 4]!)).toBe(true); // nothing written past the view
    for (let i = 0; i < want.length; i++) expect(back[3 + reference(Float32Array.from({ length: total }, (_, j) => j), 0, strides, shape)[i]!]).toBe(want[i]);
  });

  it('a broadcast dim (stride 0) repeats its row', () => {
    const x = Float32Array.from([1, 2, 3]);
    const out = new Float32Array(12);
    k.copy(x, 0, [0, 1], [4, 3], out, 0);
    expect(Array.from(out)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const rows = new Float32Array(4 * 80);
    k.copy(Float32Array.from({ length: 80 }, (_, i) => i), 0, [0, 1], [4, 80], rows, 0);
    expect(rows[3 * 80 + 79]).toBe(79);
  });
});

/**
 * Views of COPY_MIN (4096) elements or more, where wasm's set gathers and scatters in the module
 * (wasm/copy.ts) unless the view's rows are SET_MIN contiguous floats or longer, it collapses to
 * more than three dims or is sparse in its span (8x for a copy, 2x for a scatter): rows of every length mod 4, strides of 1 and
 * more, a broadcast, each fallback, and both sides of the size threshold.
 */
const big: [string, number[], number[], number[]?][] = [
  ['rows of 32, dims 0 and 1 swapped (attention heads)', [64, 16, 32], [1, 0, 2]],
  ['rows of 3 (no whole v128)', [40, 50, 3], [1, 0, 2]],
  ['rows of 6 (a v128 and two floats)', [30, 40, 6], [1, 0, 2]],
  ['rows of 63 (three past the last v128)', [8, 9, 63], [1, 0, 2]],
  ['rows of 5 of a 2-d view', [820, 5], [0, 1], [9, 1]],
  ['rows of 64 (a set each: the JS kernel)', [8, 9, 64], [1, 0, 2]],
  ['rows of 32 spanning 4x their elements (copy in the module, scatter in JS)', [16, 64, 32], [0, 1, 2], [8192, 128, 1]],
  ['a 2-d transpose (inner stride 80)', [70, 80], [1, 0]],
  ['every other element (inner stride 2: a gap before the last element)', [70, 60], [0, 1], [120, 2]],
  ['a 3-d permutation (inner stride 20)', [16, 20, 24], [2, 0, 1]],
  ['4-d, no dims merge (the JS kernel)', [4, 8, 10, 16], [0, 2, 1, 3]],
  ['4095 elements, rows of 3 at stride 4 (the JS kernel)', [1365, 3], [0, 1], [4, 1]],
  ['4096 elements, rows of 4 at stride 5', [1024, 4], [0, 1], [5, 1]],
  ['every 10th element (too sparse: the JS kernel)', [5000], [0], [10]],
];

describe.each(['js', 'wasm'] as const)('%s copy of large views', (set) => {
  const k = kernelSet(set);
  it.each(big)('%s', (_label, base, perm, given) => {
    const { shape, strides } = given ? { shape: perm.map((p) => base[p]!), strides: given } : permuted(base, perm);
    const n = shape.reduce((a, b) => a * b, 1);
    const span = shape.reduce((a, d, i) => a + (d - 1) * strides[i]!, 1);
    const x = Float32Array.from({ length: span + 3 + 5 }, (_, i) => i * 0.25 - 100);
    const want = reference(x, 3, strides, shape);
    const out = new Float32Array(n + 4).fill(NaN);
    k.copy(x, 3, strides, shape, out, 2);
    expect(Array.from(out.subarray(2, 2 + n))).toEqual(Array.from(want));
    expect([out[0], out[1], out[n + 2], out[n + 3]].every(Number.isNaN)).toBe(true);
    // scatterCopy writes the view's elements and nothing else: the elements between them (a
    // sparse view's gaps) and past it keep their values
    const back = Float32Array.from({ length: span + 3 + 5 }, (_, i) => -i - 1);
    const expected = back.slice();
    const at = reference(Float32Array.from({ length: span }, (_, j) => j), 0, strides, shape);
    for (let i = 0; i < n; i++) expected[3 + at[i]!] = out[2 + i]!;
    k.scatterCopy(out, 2, shape, back, 3, strides);
    expect(Array.from(back)).toEqual(Array.from(expected));
  });

  it('a broadcast row (stride 0) of 50, repeated 100 times', () => {
    const x = Float32Array.from({ length: 60 }, (_, i) => i);
    const out = new Float32Array(5000);
    k.copy(x, 7, [0, 1], [100, 50], out, 0);
    for (let r = 0; r < 100; r++) expect(Array.from(out.subarray(50 * r, 50 * r + 50))).toEqual(Array.from(x.subarray(7, 57)));
  });

  // The module moves bits; a JS element loop reads each float as a double, which keeps quiet NaNs'
  // payloads but may quiet a signaling NaN (V8's unoptimized code does: seen under Stryker), so
  // the signaling NaN is the module's promise only.
  it('keeps every bit pattern: NaN payloads, signed zeros, subnormals', () => {
    const patterns = [0x7fc00001, 0xffc12345, 0x80000000, 0x00000001, 0x7f800000, ...(set === 'wasm' ? [0x7f800001] : [])];
    const bits = Uint32Array.from({ length: 64 * 16 * 32 }, (_, i) => (i % patterns.length === 0 ? 0x7fc00001 + i : patterns[i % patterns.length]!) >>> 0);
    const x = new Float32Array(bits.buffer);
    const { shape, strides } = permuted([64, 16, 32], [1, 0, 2]);
    const out = new Float32Array(x.length);
    k.copy(x, 0, strides, shape, out, 0);
    const want = reference(Float32Array.from({ length: x.length }, (_, j) => j), 0, strides, shape);
    const got = new Uint32Array(out.buffer);
    let same = 0;
    for (let i = 0; i < x.length; i++) if (got[i] === bits[want[i]!]) same++;
    expect(same).toBe(x.length);
  });
});

describe('wasm copy on a fresh module instance', () => {
  // A new instance's memory is one 64 KiB page: the staging must grow it to the span and the
  // contiguous block both (a reservation of the span alone would trap on the block).
  it('grows the memory for a view larger than it, each way', () => {
    const k = createWasmKernels({ relaxed: false })!;
    const { shape, strides } = permuted([64, 16, 32], [1, 0, 2]); // 32768 floats, 128 KiB
    const x = Float32Array.from({ length: 32768 }, (_, i) => i);
    const out = new Float32Array(32768);
    k.copy(x, 0, strides, shape, out, 0);
    expect(Array.from(out)).toEqual(Array.from(reference(x, 0, strides, shape)));
    const k2 = createWasmKernels({ relaxed: false })!;
    const back = new Float32Array(32768);
    k2.scatterCopy(out, 0, shape, back, 0, strides);
    expect(Array.from(back)).toEqual(Array.from(x));
  });
});

describe('wasm copy with resident (shared-memory) arrays', () => {
  // An optimizer's tensors live in the arena's shared WebAssembly memory: a copy's source or
  // destination may be a view of it (copy_ into a parameter, a transposed parameter read).
  it('gathers from and scatters into arena views as into plain arrays', async () => {
    const { residentArena } = await import('../src/kernels/wasm/arena.js');
    const arena = residentArena()!;
    const k = kernelSet('wasm');
    const { shape, strides } = permuted([64, 16, 32], [1, 0, 2]);
    const src = arena.alloc(32768)!;
    for (let i = 0; i < src.length; i++) src[i] = i * 0.5;
    const want = reference(src, 0, strides, shape);
    const dst = arena.alloc(32768)!;
    k.copy(src, 0, strides, shape, dst, 0);
    expect(Array.from(dst.subarray(0, 32768))).toEqual(Array.from(want));
    const back = arena.alloc(32768)!;
    k.scatterCopy(dst, 0, shape, back, 0, strides);
    expect(Array.from(back.subarray(0, 32768))).toEqual(Array.from(src.subarray(0, 32768)));
  });
});
