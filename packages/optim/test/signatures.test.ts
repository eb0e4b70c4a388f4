/**
 * PyTorch's call forms for the optimizers (issue 21): scripts/fixtures/signature_fixtures.py
 * lists each optimizer's constructor parameters after `params` (`inspect.signature`, in order),
 * a sample value for each and PyTorch's first param group built from them. Ours are built
 * positionally in PyTorch's order and with an options bag (camelCase); both param groups must be
 * PyTorch's (its keys that we have, with PyTorch's values).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeros } from '@tensile/tensor';
import * as optim from '@tensile/optim';

interface Param { name: string; camel: string; skip: boolean; value: unknown }
interface Entry { name: string; signature: string[]; positional: Param[]; group: Record<string, unknown> }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/signatures.json', import.meta.url), 'utf8')) as { torch: string; entries: Entry[] };

type Ctor = new (params: unknown, ...rest: unknown[]) => { stateDict(): { param_groups: Record<string, unknown>[] } };

describe(`optimizers take PyTorch ${fixture.torch}'s positional parameters in its order, and the same as a bag`, () => {
  it.each(fixture.entries.map((e) => [e.name, e] as const))('%s', (_, e) => {
    const C = (optim as unknown as Record<string, Ctor>)[e.name]!;
    expect(C, `optim.${e.name} exists`).toBeTypeOf('function');
    const positional = e.positional.map((p) => p.value);
    const bag = Object.fromEntries(e.positional.map((p) => [p.camel, p.value]));
    const groupOf = (o: InstanceType<Ctor>): Record<string, unknown> => {
      const g = o.stateDict().param_groups[0]!;
      // the keys PyTorch 1.13 has (2.x added more; foreach's null is our undefined)
      return Object.fromEntries(Object.keys(e.group).filter((k) => k in g).map((k) => [k, g[k]]));
    };
    // foreach and fused: PyTorch 1.13 writes False where 2.x (whose defaults we follow) writes None
    const want = Object.fromEntries(Object.entries(e.group).filter(([k]) => k !== 'foreach' && k !== 'fused'));
    const a = groupOf(new C([zeros(2, { requiresGrad: true })], ...positional));
    const b = groupOf(new C([zeros(2, { requiresGrad: true })], bag));
    expect(a).toEqual(b);
    for (const [k, v] of Object.entries(want)) if (k in a) expect(a[k], k).toEqual(v);
    for (const p of e.positional) expect(a, `group key ${p.name}`).toHaveProperty(p.name);
  });
  it('a lone options bag, undefined and nothing still work; a lone non-bag is named', () => {
    const p = [zeros(2, { requiresGrad: true })];
    expect(new optim.SGD(p, undefined).paramGroups[0]!.lr).toBe(1e-3);
    expect(new optim.SGD(p, 0.5).paramGroups[0]!.lr).toBe(0.5);
    expect(() => new optim.SGD(p, 0.1, { lr: 0.2 } as never)).toThrow("SGD: got multiple values for argument 'lr'");
    expect(() => new optim.Adam(p, 0.1, [0.9, 0.99], 1e-8, 0, false, true as never)).toThrow(/Adam: takes at most 5 optional positional arguments/);
    expect(() => new optim.SGD(p, -1)).toThrow('Invalid learning rate: -1');
  });
});
