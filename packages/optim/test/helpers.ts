import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Tensor, tensor } from '@tensile/tensor';
import type { OptimizerStateDict } from '@tensile/optim';

export interface Packed { shape: number[]; data: number[] }
export interface FixtureStep {
  grads: (Packed | null)[];
  lr?: Record<string, number>;
  params: number[][];
  state: (Record<string, number | number[] | null> | null)[];
}
export interface FixtureCase {
  name: string;
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  params: Packed[];
  steps: FixtureStep[];
  stateDict?: JsonStateDict;
  midStep?: number;
  midStateDict?: JsonStateDict;
}
export interface JsonStateDict {
  state: Record<string, Record<string, number | Packed>>;
  param_groups: Record<string, unknown>[];
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const fromPacked = (p: Packed, requiresGrad = false): Tensor => tensor(p.data, { shape: p.shape, requiresGrad });

/** Bit-for-bit equality of float32 data, reporting the first mismatch. */
export function expectBits(actual: Float32Array | readonly number[], expected: readonly number[], label: string): void {
  const a = actual instanceof Float32Array ? actual : Float32Array.from(actual);
  const e = Float32Array.from(expected);
  expect(a.length, `${label}: length`).toBe(e.length);
  const ai = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ei = new Uint32Array(e.buffer, e.byteOffset, e.length);
  for (let i = 0; i < a.length; i++) {
    if (ai[i] !== ei[i]) {
      expect.fail(`${label}: element ${i} differs: got ${a[i]} (0x${ai[i]!.toString(16)}), PyTorch ${e[i]} (0x${ei[i]!.toString(16)})`);
    }
  }
}

/** A JSON state dict from the fixtures, with packed tensors turned into Tensors. */
export function toStateDict(j: JsonStateDict): OptimizerStateDict {
  const state: Record<number, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(j.state)) {
    state[Number(k)] = Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, typeof vv === 'object' && vv !== null ? fromPacked(vv) : vv]));
  }
  return { state, param_groups: j.param_groups.map((g) => ({ ...g })) };
}

/** Our state dict in the fixtures' JSON form (tensors packed), for deep comparison. */
export function toJson(sd: OptimizerStateDict): JsonStateDict {
  const state: Record<string, Record<string, number | Packed>> = {};
  for (const [k, v] of Object.entries(sd.state)) {
    state[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([kk, vv]) => [kk, vv instanceof Tensor ? { shape: [...vv.shape], data: Array.from(vv.toFloat32Array()) } : (vv as number)]));
  }
  return { state, param_groups: sd.param_groups.map((g) => ({ ...g, foreach: g['foreach'] ?? null, ...('fused' in g ? { fused: g['fused'] ?? null } : {}) })) };
}

/** Units in the last place between two doubles (0: the same value; NaN against NaN counts as 0). */
export function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  const key = (i: bigint): bigint => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(v.getBigInt64(0)) - key(v.getBigInt64(8));
  return Number(d < 0n ? -d : d);
}
