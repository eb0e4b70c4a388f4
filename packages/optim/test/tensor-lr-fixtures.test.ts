/**
 * Adam and AdamW with a 1-element tensor lr on PyTorch 2.13's plain (non-capturable) branch,
 * bit for bit (adam_tensor_lr.json, adamw_tensor_lr.json from scripts/fixtures/optim_capturable.py).
 * They live outside the registry's `fixtures` lists because pytorch-fixtures.test.ts replays
 * every case with `foreach: true` too, which PyTorch refuses for these options: here the
 * for-loop and the default path are replayed, and `foreach: true` must give PyTorch's error.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@tensile/tensor';
import { OPTIMIZERS } from './registry/index.js';
import { expectBits, loadFixture, type Packed } from './helpers.js';

interface Case {
  name: string;
  options: Record<string, unknown>;
  params: Packed[];
  steps: { grads: (Packed | null)[]; params: number[][]; state: (Record<string, number | number[]> | null)[] }[];
  stateDict: { param_groups: Record<string, unknown>[] };
}

for (const [name, file] of [['Adam', 'adam_tensor_lr.json'], ['AdamW', 'adamw_tensor_lr.json']] as const) {
  const entry = OPTIMIZERS.find((e) => e.name === name)!;
  const { cases } = loadFixture<{ cases: Case[] }>(file);
  describe(`${name} with a tensor lr against PyTorch 2.13's plain branch (${file})`, () => {
    for (const c of cases) {
      it.each([false, undefined])(`${c.name} (foreach: %s): every step, bit for bit`, (foreach) => {
        const ps = c.params.map((p) => tensor(p.data, { shape: p.shape, requiresGrad: true }));
        const opt = entry.make(ps, { ...c.options, foreach });
        c.steps.forEach((s, k) => {
          ps.forEach((p, i) => {
            const g = s.grads[i];
            p.grad = g ? tensor(g.data, { shape: g.shape }) : null;
          });
          opt.step();
          ps.forEach((p, i) => {
            expectBits(p.toFloat32Array(), s.params[i]!, `step ${k + 1}: param ${i}`);
            for (const [key, want] of Object.entries(s.state[i] ?? {})) {
              const got = opt.state.get(p)![key];
              expectBits(got instanceof Tensor ? got.toFloat32Array() : [got as number], typeof want === 'number' ? [want] : want, `step ${k + 1}: param ${i} ${key}`);
            }
          });
        });
        const lr = opt.stateDict().param_groups[0]!['lr'];
        expect(lr instanceof Tensor ? lr.item() : lr).toBe(c.stateDict.param_groups[0]!['lr']);
      });
      it(`${c.name}: foreach=true is PyTorch's error`, () => {
        const ps = c.params.map((p) => tensor(p.data, { shape: p.shape, requiresGrad: true }));
        expect(() => entry.make(ps, { ...c.options, foreach: true })).toThrow('lr as a Tensor is not supported for capturable=False and foreach=True');
      });
    }
  });
}
