import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Tensor, tensor } from '@tensile/tensor';
import { SGD, type Optimizer, type OptimizerStateDict, type SGDOptions } from '@tensile/optim';

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

// ---- the scheduler tests' shared scaffolding -----------------------------------------------

/** An optimizer whose param-group type the schedulers accept. */
export type Opt = Optimizer<object>;

/** SGD over one zero parameter a group, one group a learning rate (`options` for every group). */
export const sgd = (lrs: number[] = [0.1], options: Partial<SGDOptions> = {}): Opt =>
  new SGD(lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr })) as never, options) as unknown as Opt;

/** Each param group's current learning rate. */
export const groupLrs = (o: Opt): number[] => o.paramGroups.map((g) => (g as Record<string, unknown>)['lr'] as number);

/** A refusal row: the test's name, the call, the error's class and its whole message. */
export type Refusal = [name: string, call: () => unknown, cls: ErrorConstructor, message: string];

/** One test a row: the call throws that class with exactly that message. */
export function itRefuses(cases: readonly Refusal[]): void {
  for (const [name, f, cls, message] of cases) {
    it(name, () => {
      const e = thrown(f);
      expect(e).toBeInstanceOf(cls);
      expect(e.message).toBe(message);
    });
  }
}

/** The error `f` throws, with its class (fails when it returns). */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}


/**
 * One optimizer step and one scheduler step (`step(epoch)` when `epoch` is a number), then every
 * group's lr within 2 float32 ulps of PyTorch's (as lr-scheduler.test.ts) and last_epoch exactly.
 */
export function stepAgainst(opt: Opt, s: { step(epoch?: number): void; lastEpoch: number }, epoch: number | null, want: { lr: number[]; last_epoch: number }, k: number): void {
  opt.step();
  if (epoch === null) s.step();
  else s.step(epoch);
  groupLrs(opt).forEach((lr, i) => {
    const d = ulps(lr, want.lr[i]!);
    if (d > 2) expect.fail(`step ${k + 1} group ${i}: lr ${lr}, PyTorch ${want.lr[i]} (${d} ulp)`);
  });
  expect(s.lastEpoch, `step ${k + 1}: last_epoch`).toBe(want.last_epoch);
}
