import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '@tensile/tensor';
import { expectArraysEqual } from './helpers/arrays.js';

const dims = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
const fill = (shape: number[], seed: number): T.Tensor => T.randn(shape, { generator: new T.Generator(seed) });

/** Reference element access through nested arrays. */
const at = (nested: T.NestedArray, idx: number[]): number => idx.reduce<T.NestedArray>((a, i) => (a as T.NestedArray[])[i]!, nested) as number;

describe('properties', () => {
  it('broadcasting add equals explicit expand + add, with the broadcast shape', () => {
    fc.assert(fc.property(dims, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), fc.nat(), (shape, ones, drop, seed) => {
      const bShape = shape.slice(Math.min(drop, shape.length)).map((d, i) => (ones[i] ? 1 : d));
      const a = fill(shape, seed), b = fill(bShape, seed + 1);
      const out = a.add(b);
      expect([...out.shape]).toEqual(T.broadcastShapes('add', shape, bShape));
      const ref = a.expand(out.shape as number[]).contiguous().toFloat32Array().map((v, i) => v + b.expand(out.shape as number[]).contiguous().toFloat32Array()[i]!);
      expectArraysEqual(out.toFloat32Array(), ref, 'a + b');
    }), { numRuns: 60 });
  });

  it('a chain of views reads the same as its contiguous copy and as an index-by-index reference', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }), fc.nat(), fc.nat(), (shape, seed, pick) => {
      const x = fill(shape, seed);
      const nd = shape.length;
      const d0 = pick % nd, d1 = (pick >> 2) % nd;
      const start = shape[d0]! > 1 ? 1 : 0;
      const v = x.transpose(d0, d1).narrow(d1, start, shape[d0]! - start);
      expectArraysEqual(v.toFloat32Array(), v.contiguous().toFloat32Array(), 'view vs contiguous copy');
      const nested = x.toArray();
      const vs = v.shape;
      const idx = new Array<number>(vs.length).fill(0);
      for (const val of v.toFloat32Array()) {
        const src = [...idx];
        src[d1] = idx[d1]! + start;
        [src[d0], src[d1]] = [src[d1]!, src[d0]!];
        expect(val).toBe(at(nested, src));
        for (let k = vs.length - 1; k >= 0; k--) { if (++idx[k]! < vs[k]!) break; idx[k] = 0; }
      }
    }), { numRuns: 60 });
  });

  it('sums over random dims match a float64 reference; sum of all = sum of partial sums', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), (shape, seed, mask) => {
      const x = fill(shape, seed);
      const ds = shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
      const s = x.sum(ds.length ? ds : null);
      const total = Array.from(x.toFloat32Array()).reduce((a, b) => a + b, 0);
      expect(s.sum().item()).toBeCloseTo(total, 4);
    }), { numRuns: 60 });
  });

  it('matmul equals a naive float64 triple loop, also through transposed views', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.nat(), (M, K, N, trans, seed) => {
      const a = trans ? fill([K, M], seed).t() : fill([M, K], seed);
      const b = trans ? fill([N, K], seed + 1).t() : fill([K, N], seed + 1);
      const A = a.toArray() as number[][], B = b.toArray() as number[][];
      const c = a.matmul(b).toArray() as number[][];
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += A[i]![k]! * B[k]![j]!;
        expect(c[i]![j]!).toBeCloseTo(acc, 4);
      }
    }), { numRuns: 60 });
  });
});
