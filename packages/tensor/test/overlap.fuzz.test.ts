/**
 * In-place ops on random views of one storage, judged by where their elements sit in memory,
 * not by the engine's own overlap rule: an op is refused only where the written tensor and an
 * input share a location, never where every shared location is read at the index it is
 * written at (as `x.add_(x)`), and whatever runs equals the
 * same op on a cloned input, on the JS and wasm backends alike. `npm run fuzz` runs many more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, getBackend, noGrad, setBackend, type Backend, type Tensor } from '@tensile/tensor';
import { fuzz } from './helpers/fuzz.js';

const { settings, timeout } = fuzz(1 / 3);

type View = { kind: 'narrow'; dim: number; start: number; len: number } | { kind: 'transpose'; a: number; b: number } | { kind: 'select'; dim: number; index: number };

const viewArb: fc.Arbitrary<View> = fc.oneof(
  fc.record({ kind: fc.constant('narrow' as const), dim: fc.nat(2), start: fc.nat(5), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('transpose' as const), a: fc.nat(2), b: fc.nat(2) }),
  fc.record({ kind: fc.constant('select' as const), dim: fc.nat(2), index: fc.nat(5) }),
);

/** Applies the views that fit the tensor's shape (the rest are skipped). */
function applyViews(t: Tensor, views: readonly View[]): Tensor {
  for (const v of views) {
    if (v.kind === 'narrow' && v.dim < t.ndim) {
      const size = t.shape[v.dim]!, start = v.start % size;
      t = t.narrow(v.dim, start, Math.min(v.len, size - start));
    } else if (v.kind === 'transpose' && v.a < t.ndim && v.b < t.ndim) t = t.transpose(v.a, v.b);
    else if (v.kind === 'select' && v.dim < t.ndim && t.ndim > 1) t = t.select(v.dim, v.index % t.shape[v.dim]!);
  }
  return t;
}

/** The storage index of every element, in row-major order. */
function addresses(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (d: number, at: number): void => {
    if (d === t.ndim) {
      out.push(at);
      return;
    }
    for (let i = 0; i < t.shape[d]!; i++) walk(d + 1, at + i * t.strides[d]!);
  };
  walk(0, t.offset);
  return out;
}

const ops = ['add_', 'mul_', 'copy_', 'lerp_', 'addcmul_'] as const;
function apply(op: (typeof ops)[number], self: Tensor, x: Tensor): void {
  noGrad(() => {
    if (op === 'add_') self.add_(x, 0.5);
    else if (op === 'mul_') self.mul_(x);
    else if (op === 'copy_') self.copy_(x);
    else if (op === 'lerp_') self.lerp_(x, 0.25);
    else self.addcmul_(x, x, 2);
  });
}

describe('in-place ops on random views of one storage', () => {
  const initial = getBackend() as Backend;
  it('refused exactly where memory makes the result order-dependent; otherwise the cloned input\'s result, on both backends', { timeout }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.array(viewArb, { maxLength: 4 }),
        fc.array(viewArb, { maxLength: 4 }),
        fc.constantFrom(...ops),
        (shape, selfViews, inViews, op) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const results: (string | number[])[] = [];
          for (const backend of ['js', 'wasm'] as const) {
            setBackend(backend);
            try {
              const base = arange(n).add(1).float().reshape(shape);
              const self = applyViews(base, selfViews), x = applyViews(base, inViews);
              // Only inputs that broadcast to self's shape are of interest here.
              if (x.ndim > self.ndim || x.shape.some((s, i) => s !== 1 && s !== self.shape[self.ndim - x.ndim + i])) return;
              const xb = x.expand(self.shape);
              const sa = addresses(self), xa = addresses(xb);
              const written = new Map(sa.map((a, i) => [a, i]));
              const shared = xa.some((a) => written.has(a));
              // Every shared location read at the index it is written at, with no broadcast:
              // reading in place is safe, and PyTorch does not refuse it (a broadcast over
              // self's own memory it refuses even then, as its strides differ).
              const sameIndices = x.ndim === self.ndim && xa.every((a, i) => !written.has(a) || written.get(a) === i);
              let outcome: string | number[];
              try {
                apply(op, self, x);
                outcome = Array.from(base.toFloat32Array());
              } catch (e) {
                outcome = (e as Error).message;
              }
              if (typeof outcome === 'string') {
                expect(outcome).toMatch(/unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location/);
                expect(shared).toBe(true); // never refused over disjoint memory
                expect(sameIndices).toBe(false); // nor where each element is read where it is written
              } else {
                const ref = arange(n).add(1).float().reshape(shape);
                apply(op, applyViews(ref, selfViews), applyViews(ref, inViews).clone());
                expect(outcome).toEqual(Array.from(ref.toFloat32Array()));
              }
              results.push(outcome);
            } finally {
              setBackend(initial);
            }
          }
          if (results.length === 2) expect(results[1]).toEqual(results[0]);
        },
      ),
      settings,
    );
  });
});
