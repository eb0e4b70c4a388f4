/**
 * Every optimizer in the registry that names fixture files (written by
 * scripts/fixtures/optim_<name>.py from PyTorch itself; format in scripts/fixtures/optim_common.py)
 * is replayed here, bit for bit: parameters and every state entry after every step, on the
 * for-loop and on the foreach path; the final state dict's layout and values; and PyTorch's own
 * mid-run state dict loaded into a fresh optimizer, continued to the end.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@tensile/tensor';
import type { Optimizer, OptimizerStateDict } from '@tensile/optim';
import { OPTIMIZERS, type OptimizerEntry } from './registry/index.js';
import { expectBits, loadFixture, type Packed } from './helpers.js';

interface Case {
  name: string;
  options: Record<string, unknown>;
  groups?: { params: number[]; options: Record<string, unknown> }[];
  params: Packed[];
  steps: { grads: (Packed | null)[]; lr?: Record<string, number>; params: number[][]; state: (Record<string, unknown> | null)[] }[];
  stateDict: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
  midStep?: number;
  midStateDict?: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
}
interface FixtureFile { torch: string; optimizer: string; notes: string[]; cases: Case[] }

const isPacked = (v: unknown): v is Packed => typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;

/** A JSON state dict with tensors as {shape, data}, as our loadStateDict takes it. */
function fromJson(sd: Case['stateDict']): OptimizerStateDict {
  const revive = (v: unknown): unknown => {
    if (isPacked(v)) return tensor(v.data, { shape: v.shape });
    if (Array.isArray(v)) return v.map(revive);
    return v;
  };
  const state: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(sd.state)) state[k] = Object.fromEntries(Object.entries(s).map(([n, v]) => [n, revive(v)]));
  return { state, param_groups: sd.param_groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, revive(v)]))) } as OptimizerStateDict;
}

/** A live state value against the fixture's record of it (number, flat array, or list of those). */
function expectStateValue(got: unknown, want: unknown, label: string): void {
  if (typeof want === 'number') {
    const n = got instanceof Tensor ? got.item() : got;
    expect(typeof n, label).toBe('number');
    expectBits([n as number], [want], label);
  } else if (Array.isArray(want) && (want.length === 0 || typeof want[0] === 'number')) {
    expect(got, label).toBeInstanceOf(Tensor);
    expectBits((got as Tensor).toFloat32Array(), want as number[], label);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), label).toBe(true);
    expect((got as unknown[]).length, `${label}: length`).toBe(want.length);
    want.forEach((w, i) => expectStateValue((got as unknown[])[i], w, `${label}[${i}]`));
  } else {
    expect(got, label).toEqual(want);
  }
}

function build(e: OptimizerEntry, c: Case, foreach: boolean | undefined): { ps: Tensor[]; opt: Optimizer<object> } {
  const ps = c.params.map((p) => tensor(p.data, { shape: p.shape, requiresGrad: true }));
  const options = e.foreach && foreach !== undefined ? { ...c.options, foreach } : c.options;
  const input = c.groups ? c.groups.map((g) => ({ ...g.options, params: g.params.map((i) => ps[i]!) })) : ps;
  return { ps, opt: e.make(input as Tensor[], options) };
}

function replay(opt: Optimizer<object>, ps: Tensor[], c: Case, from: number, check: boolean): void {
  for (let k = from; k < c.steps.length; k++) {
    const s = c.steps[k]!;
    for (const [gi, lr] of Object.entries(s.lr ?? {})) (opt.paramGroups[Number(gi)] as Record<string, unknown>)['lr'] = lr;
    ps.forEach((p, i) => {
      const g = s.grads[i];
      p.grad = g ? tensor(g.data, { shape: g.shape }) : null;
    });
    opt.step();
    if (!check) continue;
    ps.forEach((p, i) => expectBits(p.toFloat32Array(), s.params[i]!, `step ${k + 1}: param ${i}`));
    ps.forEach((p, i) => {
      const want = s.state[i];
      const got = opt.state.get(p);
      if (want === null || want === undefined) {
        expect(got === undefined || Object.keys(got).length === 0, `step ${k + 1}: param ${i} has no state`).toBe(true);
        return;
      }
      expect(got, `step ${k + 1}: state of param ${i}`).toBeDefined();
      expect(Object.keys(got!), `step ${k + 1}: state keys of param ${i}`).toEqual(Object.keys(want));
      for (const [key, w] of Object.entries(want)) expectStateValue(got![key], w, `step ${k + 1}: param ${i} ${key}`);
    });
  }
}

/** Group values as JSON compares them: tensors as numbers, undefined foreach as null. */
const plainGroups = (groups: Record<string, unknown>[]): Record<string, unknown>[] =>
  groups.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v instanceof Tensor ? v.item() : v === undefined ? null : v])));

for (const e of OPTIMIZERS.filter((x) => x.fixtures !== undefined)) {
  for (const file of e.fixtures!) {
    const fixture = loadFixture<FixtureFile>(file);
    describe(`${e.name} against PyTorch ${fixture.torch} (${file}, target ${String((fixture as { target?: string }).target)})`, () => {
      for (const c of fixture.cases) {
        it.each([false, true])(`${c.name} (foreach: %s): every step, bit for bit`, (foreach) => {
          const { ps, opt } = build(e, c, e.foreach ? foreach : undefined);
          replay(opt, ps, c, 0, true);
          const sd = opt.stateDict();
          expect(sd.param_groups.map((g) => Object.keys(g))).toEqual(c.stateDict.param_groups.map((g) => Object.keys(g)));
          expect(plainGroups(sd.param_groups).map((g) => ({ ...g, foreach: null }))).toEqual(c.stateDict.param_groups.map((g) => ({ ...g, foreach: null })));
          expect(Object.keys(sd.state).sort()).toEqual(Object.keys(c.stateDict.state).sort());
          for (const [idx, want] of Object.entries(c.stateDict.state)) {
            const got = sd.state[idx] as Record<string, unknown>;
            for (const [key, w] of Object.entries(want)) {
              expectStateValue(got[key], isPacked(w) ? w.data : Array.isArray(w) ? w.map((x) => (isPacked(x) ? x.data : x)) : w, `stateDict.state[${idx}].${key}`);
            }
          }
        });
        if (c.midStateDict) {
          it(`${c.name}: PyTorch's state dict after step ${c.midStep} loads and continues bit for bit`, () => {
            const { ps, opt } = build(e, c, undefined);
            const mid = c.steps[c.midStep! - 1]!;
            ps.forEach((p, i) => p.detach().copy_(tensor(mid.params[i]!, { shape: p.shape })));
            opt.loadStateDict(fromJson(c.midStateDict!));
            replay(opt, ps, c, c.midStep!, true);
          });
        }
      }
    });
  }
}
