/**
 * In-place writes whose inputs share memory with the written tensor. What must hold, against
 * PyTorch (fixtures/overlap.json, scripts/fixtures/overlap_fixtures.py): a partial overlap and
 * an expanded (internally overlapping) output are refused with PyTorch's message and change
 * nothing; the same elements (`x.add_(x)`) and disjoint views compute PyTorch's values; an
 * overlap strides cannot decide computes what cloned inputs give. On both backends, with the
 * storage resident or not, and past the wasm kernels' thresholds and chunk sizes, so the result
 * never depends on where or how it ran.
 */
import { describe, expect, it } from 'vitest';
import { arange, getBackend, makeResident, noGrad, setBackend, tensor, updateInPlace, zeros, type Backend, type Tensor } from '@tensile/tensor';
import { isNonOverlappingAndDense, overlapStatus } from '../src/overlap.js';
import fixture from './fixtures/overlap.json' with { type: 'json' };

type ViewOp = ['narrow', number, number, number] | ['transpose', number, number] | ['expand', number[]] | ['select', number, number] | ['view', number[]] | ['unsqueeze', number];
type Operand = number | { view: ViewOp[] } | { fresh: number[] };
interface Case {
  name: string; base: number[]; self: ViewOp[]; op: string; inputs: Operand[];
  alpha?: number; value?: number; error: string | null; expected?: number[] | null; expectedSum?: number;
}
const cases = fixture.cases as unknown as Case[];

function applyView(t: Tensor, ops: readonly ViewOp[]): Tensor {
  for (const op of ops) {
    switch (op[0]) {
      case 'narrow': t = t.narrow(op[1], op[2], op[3]); break;
      case 'transpose': t = t.transpose(op[1], op[2]); break;
      case 'expand': t = t.expand(op[1]); break;
      case 'select': t = t.select(op[1], op[2]); break;
      case 'view': t = t.view(op[1]); break;
      case 'unsqueeze': t = t.unsqueeze(op[1]); break;
    }
  }
  return t;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function operand(base: Tensor, spec: Operand, cloneIt: boolean): Tensor | number {
  if (typeof spec === 'number') return spec;
  if ('fresh' in spec) return arange(numel(spec.fresh)).mul(0.5).add(0.25).reshape(spec.fresh);
  const v = applyView(base, spec.view);
  return cloneIt ? v.clone() : v;
}

/** Runs a case on a fresh base; returns the base afterwards. */
function run(c: Case, opts: { cloneInputs: boolean; resident: boolean }): Tensor {
  const base = arange(numel(c.base)).add(1).float().reshape(c.base);
  if (opts.resident) makeResident(base);
  const self = applyView(base, c.self);
  const a = c.inputs.map((s) => operand(base, s, opts.cloneInputs));
  const T = (x: Tensor | number | undefined): Tensor => x as Tensor;
  noGrad(() => {
    switch (c.op) {
      case 'add_': self.add_(a[0]!, c.alpha ?? 1); break;
      case 'sub_': self.sub_(a[0]!, c.alpha ?? 1); break;
      case 'mul_': self.mul_(a[0]!); break;
      case 'div_': self.div_(a[0]!); break;
      case 'addcmul_': self.addcmul_(T(a[0]), T(a[1]), c.value ?? 1); break;
      case 'addcdiv_': self.addcdiv_(T(a[0]), T(a[1]), c.value ?? 1); break;
      case 'lerp_': self.lerp_(T(a[0]), a[1]!); break;
      case 'copy_': self.copy_(a[0]!); break;
      case 'clamp_': self.clamp_(a[0] as number, a[1] as number); break;
      case 'fill_': self.fill_(a[0] as number); break;
      case 'zero_': self.zero_(); break;
      default: throw new Error(`unknown op ${c.op}`);
    }
  });
  return base;
}

const initial = getBackend() as Backend;
const settings: [Backend, boolean][] = [['js', false], ['wasm', false], ['wasm', true]];

describe.each(settings)('in-place writes over shared memory, %s backend, resident %s', (backend, resident) => {
  const within = <R>(fn: () => R): R => {
    setBackend(backend);
    try {
      return fn();
    } finally {
      setBackend(initial);
    }
  };

  it.each(cases.filter((c) => c.error !== null).map((c) => [c.name, c] as const))('refused as PyTorch refuses it, nothing changed: %s', (_, c) => {
    within(() => {
      const base = arange(numel(c.base)).add(1).float().reshape(c.base);
      if (resident) makeResident(base);
      const before = base.toFloat32Array(), version = base.version;
      const self = applyView(base, c.self);
      const a = c.inputs.map((s) => operand(base, s, false));
      const call = (): void => {
        switch (c.op) {
          case 'add_': self.add_(a[0]!, c.alpha ?? 1); break;
          case 'sub_': self.sub_(a[0]!); break;
          case 'mul_': self.mul_(a[0]!); break;
          case 'div_': self.div_(a[0]!); break;
          case 'addcmul_': self.addcmul_(a[0] as Tensor, a[1] as Tensor, c.value ?? 1); break;
          case 'addcdiv_': self.addcdiv_(a[0] as Tensor, a[1] as Tensor, c.value ?? 1); break;
          case 'lerp_': self.lerp_(a[0] as Tensor, a[1]!); break;
          case 'copy_': self.copy_(a[0]!); break;
          case 'clamp_': self.clamp_(a[0] as number, a[1] as number); break;
          default: throw new Error(`no refusal expected for ${c.op}`);
        }
      };
      expect(() => noGrad(call)).toThrow(`${c.op}: ${c.error}`);
      expect(Array.from(base.toFloat32Array())).toEqual(Array.from(before));
      expect(base.version).toBe(version);
    });
  });

  it.each(cases.filter((c) => c.error === null).map((c) => [c.name, c] as const))('computes what PyTorch computes on cloned inputs: %s', (_, c) => {
    within(() => {
      const got = run(c, { cloneInputs: false, resident }).toFloat32Array();
      const want = run(c, { cloneInputs: true, resident: false }).toFloat32Array();
      expect(Array.from(got)).toEqual(Array.from(want));
      if (c.expected) expect(Array.from(got)).toEqual(c.expected);
      let sum = 0;
      for (const v of got) sum += v;
      expect(sum).toBeCloseTo(c.expectedSum!, 6 - Math.ceil(Math.log10(Math.abs(c.expectedSum!) + 1)));
    });
  });

  it('the reported case: a prefix-sum-shaped add_ at 70000 floats is refused, not computed chunk by chunk', () => {
    within(() => {
      const n = 70_000;
      const x = arange(n).add(1);
      if (resident) makeResident(x);
      expect(() => x.narrow(0, 1, n - 1).add_(x.narrow(0, 0, n - 1))).toThrow(/some elements of the input tensor and the written-to tensor refer to a single memory location/);
      expect(x.toFloat32Array()[32769]).toBe(32770);
    });
  });
});

describe('overlap status (PyTorch\'s get_overlap_status)', () => {
  const x = arange(24).reshape(4, 6);
  it.each([
    ['another storage', x, arange(24).reshape(4, 6), 'none'],
    ['itself', x, x, 'full'],
    ['the same elements through a view', x, x.view(24).view(4, 6), 'full'],
    ['disjoint rows', x.narrow(0, 0, 2), x.narrow(0, 2, 2), 'none'],
    ['rows shifted by one', x.narrow(0, 0, 3), x.narrow(0, 1, 3), 'partial'],
    ['its transpose (same elements, other order)', x.narrow(0, 0, 4).narrow(1, 0, 4).contiguous(), null, null],
    ['a column block and the next one (strided)', x.narrow(1, 0, 3), x.narrow(1, 3, 3), 'too-hard'],
    ['empty', x.narrow(0, 0, 0), x, 'none'],
  ] as const)('%s', (_, a, b, want) => {
    if (b === null) {
      const sq = a as Tensor;
      expect(overlapStatus(sq, sq.t())).toBe('partial');
      return;
    }
    expect(overlapStatus(a, b)).toBe(want);
  });

  it('non-overlapping and dense: any permutation of contiguous strides, size-1 dims ignored', () => {
    expect(isNonOverlappingAndDense([2, 3], [3, 1])).toBe(true);
    expect(isNonOverlappingAndDense([2, 3], [1, 2])).toBe(true);
    expect(isNonOverlappingAndDense([2, 1, 3], [3, 99, 1])).toBe(true);
    expect(isNonOverlappingAndDense([2, 3], [4, 1])).toBe(false);
    expect(isNonOverlappingAndDense([2, 3], [0, 1])).toBe(false);
  });
});

describe('updateInPlace refuses what the in-place ops refuse', () => {
  it.each([
    ['an expanded output', () => { const b = arange(4).float(); updateInPlace([b.expand(2, 4)], [], () => {}); }, 'updateInPlace: outputs[0]: unsupported operation: more than one element of the written-to tensor refers to a single memory location'],
    ['two outputs on one memory', () => { const b = arange(8).float(); updateInPlace([b.narrow(0, 0, 5), b.narrow(0, 4, 4)], [], () => {}); }, 'updateInPlace: outputs[0] and outputs[1] share memory; every output must have its own'],
    // the pair found among others, after a disjoint view of the same memory (checked in order)
    ['two outputs on one memory among others', () => {
      const b = arange(12).float(), c = arange(3).float(), d = arange(3).float();
      updateInPlace([c, b.narrow(0, 0, 4), d, b.narrow(0, 4, 4), zeros([2]), b.narrow(0, 7, 5)], [], () => {});
    }, 'updateInPlace: outputs[3] and outputs[5] share memory; every output must have its own'],
    ['an input partly over an output', () => { const b = arange(8).float(); updateInPlace([b.narrow(0, 1, 7)], [b.narrow(0, 0, 7)], () => {}); }, 'updateInPlace: inputs[0]: unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('an output that is also an input, and a strided input over an output, read the old values', () => {
    const b = arange(16).float().reshape(4, 4);
    const out = b.narrow(1, 1, 2), inp = b.narrow(1, 0, 2); // strided, overlapping: read from a copy
    const want = out.add(inp.clone()).toFloat32Array();
    updateInPlace([out], [inp], ([o], [i]) => {
      for (let k = 0; k < o!.length; k++) o![k] = o![k]! + i![k]!;
    });
    expect(Array.from(out.toFloat32Array())).toEqual(Array.from(want));
    const x = tensor([1, 2, 3]);
    updateInPlace([x], [x], ([o], [i]) => {
      for (let k = 0; k < o!.length; k++) o![k] = o![k]! * i![k]!;
    });
    expect(x.toArray()).toEqual([1, 4, 9]);
  });
});

describe('p.data = t', () => {
  it('is refused with what to write instead, and changes nothing', () => {
    const p = tensor([1, 2]);
    expect(() => {
      (p as { data: Tensor }).data = tensor([3, 4]);
    }).toThrow('Tensor.data: assigning a tensor to .data is not supported (got a tensor of shape [2]); copy the values instead: p.data.copy_(t), or noGrad(() => p.copy_(t))');
    expect(p.toArray()).toEqual([1, 2]);
    p.data.copy_(tensor([3, 4]));
    expect(p.toArray()).toEqual([3, 4]);
  });
});
