import { expect } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * Reading the op fixtures written by scripts/fixtures/ops_common.py (ops21, ops21b): tensors
 * packed as dtype, shape and values (int64 as decimal strings, NaN/±Infinity/-0 as strings),
 * and the distance between a result and PyTorch's in units in the last place.
 */
export type Value = number | string | boolean;
export interface Packed { dtype: T.DTypeName; shape: number[]; data: Value[] }

export const num = (v: Value): number => (v === '-0' ? -0 : Number(v));
export function decode(p: Packed): T.Tensor {
  if (p.dtype === 'int64') return T.tensor(BigInt64Array.from(p.data, (v) => BigInt(v as string)), { shape: p.shape });
  if (p.dtype === 'bool') return T.tensor(p.data.map((v) => (v ? 1 : 0)), { shape: p.shape, dtype: T.bool });
  return T.tensor(p.data.map(num), { shape: p.shape, dtype: p.dtype });
}

const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1), i64 = new BigInt64Array(f64.buffer);
/** A float's position on the line of representable values (so ulps are differences). */
function ordinal(v: number, dtype: T.DTypeName): bigint {
  if (dtype === 'float32') {
    f32[0] = v;
    const b = i32[0]!;
    return BigInt(b < 0 ? -2147483648 - b : b);
  }
  f64[0] = v;
  const b = i64[0]!;
  return b < 0n ? -9223372036854775808n - b : b;
}

/** The largest distance in ulps between two float arrays (NaN must meet NaN); exact for others. */
export function ulpDistance(got: T.Tensor, want: Packed): number {
  expect(got.dtype.name).toBe(want.dtype);
  expect([...got.shape]).toEqual(want.shape);
  if (want.dtype === 'int64') {
    expect(Array.from(got.toBigInt64Array(), String)).toEqual(want.data);
    return 0;
  }
  if (want.dtype === 'bool' || want.dtype === 'uint8') {
    expect(Array.from(got.toTypedArray() as Uint8Array, (v) => (want.dtype === 'bool' ? v === 1 : v))).toEqual(want.data);
    return 0;
  }
  const g = got.toTypedArray() as Float32Array | Float64Array;
  let worst = 0;
  want.data.forEach((w, i) => {
    const a = g[i]!, b = num(w);
    if (Number.isNaN(b) || Number.isNaN(a)) {
      expect([i, a]).toEqual([i, b]);
      return;
    }
    const d = Number(ordinal(a, want.dtype) - ordinal(b, want.dtype));
    worst = Math.max(worst, Math.abs(d));
  });
  return worst;
}


/**
 * The largest difference from PyTorch's values in units of the tensor's scale: the dtype's
 * epsilon times the largest magnitude PyTorch's tensor holds (at least 1). For sums of
 * products, where cancellation makes an element's own ulps meaningless, this is the bound a
 * different summation order obeys.
 */
export function scaledDistance(got: T.Tensor, want: Packed): number {
  expect(got.dtype.name).toBe(want.dtype);
  expect([...got.shape]).toEqual(want.shape);
  const w = want.data.map(num);
  const g = got.toTypedArray() as Float32Array | Float64Array;
  const scale = Math.max(1, ...w.map(Math.abs)) * (want.dtype === 'float32' ? 2 ** -23 : 2 ** -52);
  let worst = 0;
  w.forEach((b, i) => { worst = Math.max(worst, Math.abs(g[i]! - b) / scale); });
  return Math.ceil(worst);
}

/** One case of a fixture written by ops_common.Recorder (single output). */
export interface FixtureCase {
  op: string; name: string; kw: Record<string, unknown>;
  inputs: (Packed | { number: Value } | { list: unknown })[];
  out: Packed; upstream?: Packed; grads?: (Packed | null)[];
}
/** What an op of a replay table takes: tensors, numbers, or lists (shapes, dims). */
export type FixtureArg = T.Tensor | number | number[];

/** A recorded input as an argument: floating tensors require grad when the case has gradients. */
export function fixtureArg(p: FixtureCase['inputs'][number], grad: boolean): FixtureArg {
  if ('number' in p) return num(p.number);
  if ('list' in p) return p.list as number[];
  const x = decode(p);
  return x.dtype.isFloatingPoint && grad ? x.requiresGrad_() : x;
}

/**
 * How a replay measures one op: bounds `[values, gradients]` and whether each is in scaled ulps;
 * `near`: values this close to 0 (by dtype; in PyTorch's result or ours) are compared absolutely,
 * within it, and left out of the ulps (the square root of a cancellation's residue, which depends
 * on the order of a sum neither side promises).
 */
export interface ReplayBounds { ulps: [number, number]; scaledValues?: boolean; scaledGrads?: boolean; near?: { float32: number; float64: number } }

/** `want` with the elements within `near` of 0 (either side) checked absolutely and replaced by ours. */
function withoutNear(got: T.Tensor, want: Packed, near: number, name: string): Packed {
  const g = got.toTypedArray() as Float32Array | Float64Array;
  const data = want.data.map((w, i) => {
    const a = g[i]!, b = num(w);
    if (!(Math.abs(a) < near || Math.abs(b) < near)) return w;
    expect(Math.abs(a - b), `${name}: element ${i}, ${a} against PyTorch's ${b}`).toBeLessThanOrEqual(near);
    return a;
  });
  return { ...want, data };
}

/**
 * Runs `run` on a case's inputs and checks the output's dtype, shape and values and (from the
 * recorded upstream gradient) each floating input's gradient within `bounds`; returns the
 * measured distances as `[values, gradients]`.
 */
export function replayCase(c: FixtureCase, run: (args: FixtureArg[], kw: Record<string, unknown>) => T.Tensor, bounds: ReplayBounds): [number, number] {
  const grad = c.upstream !== undefined;
  const args = c.inputs.map((p) => fixtureArg(p, grad));
  const got = run(args, c.kw);
  expect(got.dtype.name, `${c.name}: dtype`).toBe(c.out.dtype);
  expect(got.shape, `${c.name}: shape`).toEqual(c.out.shape);
  const [vBound, gBound] = bounds.ulps;
  const near = bounds.near?.[c.out.dtype as 'float32' | 'float64'];
  const v = (bounds.scaledValues ? scaledDistance : ulpDistance)(got, near === undefined ? c.out : withoutNear(got, c.out, near, c.name));
  expect(v, `${c.name}: values ${v} ulps`).toBeLessThanOrEqual(vBound);
  let g = 0;
  if (grad) {
    got.backward(decode(c.upstream!));
    c.grads!.forEach((w, i) => {
      const x = args[i];
      if (w === null || !(x instanceof T.Tensor)) return;
      expect(x.grad, `${c.name}: grad of input ${i}`).not.toBeNull();
      g = Math.max(g, (bounds.scaledGrads ? scaledDistance : ulpDistance)(x.grad!, w));
    });
    expect(g, `${c.name}: gradients ${g} ulps`).toBeLessThanOrEqual(gBound);
  }
  return [v, g];
}
