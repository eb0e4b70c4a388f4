import { describe, expect, it, vi } from 'vitest';
import { Tensor, tensor } from '@tensile/tensor';
import { ASGD, SGD } from '@tensile/optim';
import { loadFixture } from './helpers.js';

interface ErrorCase {
  name: string;
  code: string;
  expected: { type: string; message: string } | null;
  note?: string;
}

// PyTorch's exception classes as ours (README: "Error types").
const TYPES: Record<string, ErrorConstructor> = { ValueError: RangeError, TypeError, RuntimeError: Error, AssertionError: Error };

const leaf = (): Tensor => tensor([1, 2], { requiresGrad: true });

/** Each fixture case's Python `code`, in TypeScript. Every case must be listed. */
const RUN: Record<string, () => unknown> = {
  'ASGD: lr=-1': () => new ASGD([leaf()], { lr: -1 }),
  'ASGD: lr=-0.001': () => new ASGD([leaf()], { lr: -0.001 }),
  'ASGD: lr=nan': () => new ASGD([leaf()], { lr: NaN }),
  'ASGD: weight_decay=nan': () => new ASGD([leaf()], { weightDecay: NaN }),
  'ASGD: weight_decay=-0.5': () => new ASGD([leaf()], { weightDecay: -0.5 }),
  'ASGD: empty param list': () => new ASGD([]),
  'ASGD: the same param in two groups': () => { const p = leaf(); return new ASGD([{ params: [p] }, { params: [p] }]); },
  'ASGD: non-leaf tensor param': () => new ASGD([leaf().mul(2)]),
  'ASGD: param group not a dict': () => new ASGD([{ params: [leaf()] }, [leaf()]] as never),
  'ASGD: load_state_dict with a different number of groups': () => new ASGD([leaf()]).loadStateDict(new ASGD([{ params: [leaf()] }, { params: [leaf()] }]).stateDict()),
  'ASGD: load_state_dict with a group of another size': () => new ASGD([leaf()]).loadStateDict(new ASGD([leaf(), leaf()]).stateDict()),
  'SGD: lr=-1': () => new SGD([leaf()], { lr: -1 }),
  'SGD: lr=-0.001': () => new SGD([leaf()], { lr: -0.001 }),
  'SGD: lr=nan': () => new SGD([leaf()], { lr: NaN }),
  'SGD: weight_decay=nan': () => new SGD([leaf()], { lr: 0.1, weightDecay: NaN }),
  'SGD: weight_decay=-0.5': () => new SGD([leaf()], { lr: 0.1, weightDecay: -0.5 }),
  'SGD: empty param list': () => new SGD([], { lr: 0.1 }),
  'SGD: the same param in two groups': () => { const p = leaf(); return new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }); },
  'SGD: non-leaf tensor param': () => new SGD([leaf().mul(2)], { lr: 0.1 }),
  'SGD: param group not a dict': () => new SGD([{ params: [leaf()] }, [leaf()]] as never, { lr: 0.1 }),
  'SGD: load_state_dict with a different number of groups': () => new SGD([leaf()]).loadStateDict(new SGD([{ params: [leaf()] }, { params: [leaf()] }]).stateDict()),
  'SGD: load_state_dict with a group of another size': () => new SGD([leaf()]).loadStateDict(new SGD([leaf(), leaf()]).stateDict()),
  'Optimizer: params is a tensor': () => new ASGD(leaf() as never),
  'Optimizer: a param is a float': () => new ASGD([leaf(), 1.5] as never),
  "Optimizer: a set as a group's params": () => new ASGD([{ params: new Set([leaf()]) as never }]),
  'Optimizer: duplicate param inside one group (a warning, not an error)': () => { const p = leaf(); return new ASGD([p, p]); },
  'SGD: momentum=-0.1': () => new SGD([leaf()], { lr: 0.1, momentum: -0.1 }),
  'SGD: nesterov without momentum': () => new SGD([leaf()], { lr: 0.1, nesterov: true }),
  'SGD: nesterov with dampening': () => new SGD([leaf()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
};

/** Where we throw and PyTorch does not (STYLE habit 8: `!(x >= 0)` also rejects NaN). */
const STRICTER: Record<string, { type: ErrorConstructor; message: string }> = {
  'SGD: lr=nan': { type: RangeError, message: 'Invalid learning rate: nan' },
  'SGD: weight_decay=nan': { type: RangeError, message: 'Invalid weight_decay value: nan' },
};

/** Cases that cannot arise here: the engine has no sparse tensors. */
const NOT_APPLICABLE = new Set(['ASGD: sparse gradient']);

describe("PyTorch's error inputs (errors.json): type and exact message", () => {
  const cases = loadFixture<{ cases: ErrorCase[] }>('errors.json').cases;
  it('every case is mapped', () => {
    expect(cases.map((c) => c.name).filter((n) => !(n in RUN) && !NOT_APPLICABLE.has(n))).toEqual([]);
  });
  for (const c of cases.filter((x) => !NOT_APPLICABLE.has(x.name))) {
    it(c.name, () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const want = STRICTER[c.name] ?? (c.expected && { type: TYPES[c.expected.type]!, message: c.expected.message });
        if (want === null) {
          expect(RUN[c.name]!).not.toThrow();
          if (c.note?.startsWith('UserWarning: ')) expect(warn).toHaveBeenCalledWith(c.note.slice('UserWarning: '.length));
          return;
        }
        let thrown: unknown;
        try { RUN[c.name]!(); } catch (e) { thrown = e; }
        expect(thrown, 'throws').toBeInstanceOf(want.type);
        // The exact class (a RangeError is also an Error).
        expect((thrown as Error).constructor).toBe(want.type);
        expect((thrown as Error).message).toBe(want.message);
      } finally {
        warn.mockRestore();
      }
    });
  }
});
