/**
 * PyTorch's call forms, generically (issue 21): scripts/fixtures/signature_fixtures.py lists, for
 * each nn module the README maps, PyTorch's constructor parameters after the required ones
 * (`inspect.signature`, in order), a sample value for each, and what PyTorch builds from them:
 * its repr and state-dict keys and shapes. Each module is built here twice, with the samples
 * positionally in PyTorch's order and as an options bag with camelCase names; both must give
 * PyTorch's state dict, and the same module (repr) as each other and, where our repr claims
 * PyTorch's, as PyTorch's.
 *
 * PyTorch parameters that have no meaning here are skipped in the bag and must be their default
 * positionally (`device`, `dtype` are after the samples; `size_average` and `reduce` are given as
 * `null`, as PyTorch's deprecation path accepts).
 *
 * The same for `F` (the fixture's 'functional' entries): each function is called with PyTorch's
 * sample inputs, the samples positionally in PyTorch's order and as a bag; the two must agree bit
 * for bit, and with PyTorch's outputs (values, indices, embedding's weight gradient, the running
 * statistics a norm updates) to float32 rounding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, Tensor, tensor, type DTypeLike } from '@tensile/tensor';

interface Param { name: string; camel: string; skip: boolean; value: unknown }
interface Encoded { shape: number[]; dtype: string; data: number[] }
interface FnEntry {
  id: string; camel: string; required: unknown[]; positional: Param[];
  grad_of: ['required', number] | null; mutated: ['required' | 'positional', number][]; outputs: Encoded[];
}
interface Entry { name: string; required: unknown[]; signature: string[]; positional: Param[]; repr: string; state: [string, number[]][] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/signatures.json', import.meta.url), 'utf8')) as { torch: string; entries: Entry[]; functional: FnEntry[] };

/** JSON's stand-ins back to values: 'Infinity' for inf. */
const value = (v: unknown): unknown => (v === 'Infinity' ? Infinity : v);

type Ctor = new (...args: unknown[]) => nn.Module;
const ctor = (name: string): Ctor => (nn as unknown as Record<string, Ctor>)[name]!;

describe(`nn constructors take PyTorch ${fixture.torch}'s positional parameters in its order, and the same as a bag`, () => {
  it.each(fixture.entries.map((e) => [e.name, e] as const))('%s', (_, e) => {
    const C = ctor(e.name);
    expect(C, `nn.${e.name} exists`).toBeTypeOf('function');
    const positional = e.positional.map((p) => (p.skip ? null : value(p.value)));
    const bag: Record<string, unknown> = {};
    for (const p of e.positional) if (!p.skip) bag[p.camel] = value(p.value);
    manualSeed(0);
    const a = new C(...e.required, ...positional);
    manualSeed(0);
    const b = new C(...e.required, bag);
    const state = (m: nn.Module): [string, number[]][] => Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]);
    expect(state(a), 'state dict, positional').toEqual(e.state);
    expect(state(b), 'state dict, bag').toEqual(e.state);
    expect(String(a)).toBe(String(b));
    expect(String(a)).toBe(e.repr);
  });
});

/** A fixture value as ours: encoded tensors as tensors (fresh on each call), lists element-wise. */
const decode = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object' && 'dtype' in v) {
    const e = v as Encoded;
    return tensor(e.data, { dtype: e.dtype as DTypeLike }).reshape(e.shape);
  }
  return value(v);
};
/** PyTorch's optional parameters that are arguments of ours, before the bag: conv's `bias`. */
const ARGUMENTS: Record<string, number> = { conv1d: 1, conv2d: 1 };
const bits = (t: Tensor): number[] => Array.from(new Uint8Array(t.contiguous().toTypedArray().slice().buffer));

describe(`F takes PyTorch ${fixture.torch}'s positional parameters in its order, and the same as a bag`, () => {
  it.each(fixture.functional.map((e) => [e.id, e] as const))('%s', (_, e) => {
    const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor | [Tensor, Tensor]>)[e.camel]!;
    expect(fn, `F.${e.camel} exists`).toBeTypeOf('function');
    const run = (asBag: boolean): Tensor[] => {
      const req = e.required.map(decode);
      // skipped parameters are given their PyTorch value positionally (the default: size_average None, sparse false)
      const pos = e.positional.map((p) => decode(p.value));
      const bag: Record<string, unknown> = {};
      const fixed = ARGUMENTS[e.camel] ?? 0;
      e.positional.forEach((p, i) => { if (!p.skip && i >= fixed) bag[p.camel] = pos[i]; });
      if (e.grad_of) (req[e.grad_of[1]] as Tensor).requiresGrad_(true);
      const out = asBag ? fn(...req, ...pos.slice(0, fixed), bag) : fn(...req, ...pos);
      const outs = Array.isArray(out) ? [...out] : [out];
      if (e.grad_of) {
        const y = outs[0]!;
        y.mul(tensor(Array.from({ length: y.numel() }, (_, i) => i)).reshape(y.shape)).sum().backward();
        outs.push((req[e.grad_of[1]] as Tensor).grad!);
      }
      for (const [where, i] of e.mutated) outs.push((where === 'required' ? req[i] : asBag ? bag[e.positional[i]!.camel] : pos[i]) as Tensor);
      return outs;
    };
    const a = run(false), b = run(true);
    expect(a.map(bits), 'positional and bag: the same bits').toEqual(b.map(bits));
    expect(a.length).toBe(e.outputs.length);
    a.forEach((t, i) => {
      const want = e.outputs[i]!;
      expect([...t.shape], `output ${i} shape`).toEqual(want.shape);
      expect(t.dtype.name, `output ${i} dtype`).toBe(want.dtype);
      const got = Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
      got.forEach((v, j) => expect(Math.abs(v - want.data[j]!), `output ${i}[${j}]: ${v} vs PyTorch's ${want.data[j]}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.data[j]!))));
    });
  });
});
