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
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manualSeed, nn } from '@tensile/tensor';

interface Param { name: string; camel: string; skip: boolean; value: unknown }
interface Entry { name: string; required: unknown[]; signature: string[]; positional: Param[]; repr: string; state: [string, number[]][] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/signatures.json', import.meta.url), 'utf8')) as { torch: string; entries: Entry[] };

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
