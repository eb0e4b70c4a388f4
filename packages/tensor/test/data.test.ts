import { describe, expect, it } from 'vitest';
import { Generator, arange, data, randn, tensor, type Tensor } from '@tensile/tensor';
import { throwsWith } from './helpers/throws.js';

const flat = (t: Tensor): number[] => Array.from(t.toFloat32Array());

describe('data.TensorDataset and data.DataLoader (torch.utils.data)', () => {
  const x = arange(10).reshape(10, 1).mul(10);
  const y = arange(10);
  const ds = new data.TensorDataset(x, y);

  it('items are rows of every tensor; batches in order, the last one partial', () => {
    expect(ds.length).toBe(10);
    expect(ds.getItem(-1).map(flat)).toEqual([[90], [9]]);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([, b]) => flat(b!))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batches[0]![0]!.shape).toEqual([4, 1]);
  });

  it('a TensorDataset of two tensors yields typed [x, y] pairs (no non-null assertions needed)', () => {
    for (const [bx, by] of new data.DataLoader(ds, { batchSize: 5 })) {
      const check: [Tensor, Tensor] = [bx, by];
      expect(check[0].shape).toEqual([5, 1]);
    }
  });

  it('dropLast drops the partial batch', () => {
    const loader = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map(([, b]) => flat(b!))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('shuffle: a seeded generator gives the same epochs; each epoch is a new permutation of every item', () => {
    const epochs = (seed: number): number[][] => {
      const loader = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(seed) });
      return [0, 1].map(() => [...loader].flatMap(([, b]) => flat(b!)));
    };
    const a = epochs(1), b = epochs(1);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
    expect([...a[0]!].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs(2)[0]).not.toEqual(a[0]);
    // x and y stay paired through the shuffle
    for (const [bx, by] of new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(3) })) {
      expect(flat(bx!)).toEqual(flat(by!).map((v) => v * 10));
    }
  });

  it('a Dataset with only getItem is collated by defaultCollate (tuples, numbers, objects)', () => {
    class Squares extends data.Dataset<[Tensor, number, { id: number }]> {
      get length(): number { return 5; }
      getItem(i: number): [Tensor, number, { id: number }] { return [tensor([i, -i]), i * i, { id: i }]; }
    }
    const [first] = [...new data.DataLoader(new Squares(), { batchSize: 2 })] as [Tensor, Tensor, { id: Tensor }][];
    expect(first![0].toArray()).toEqual([[0, -0], [1, -1]]);
    expect(first![1].toArray()).toEqual([0, 1]);
    expect(first![2].id.toArray()).toEqual([0, 1]);
  });

  it('collateFn replaces the default collation', () => {
    const loader = new data.DataLoader(ds, { batchSize: 5, collateFn: (items: Tensor[][]) => items.length });
    expect([...loader]).toEqual([5, 5]);
  });

  it('randomSplit: counts or fractions (remainders to the first subsets), disjoint, seeded', () => {
    const [a, b, c] = data.randomSplit(ds, [0.33, 0.33, 0.34], new Generator(0));
    expect([a!.length, b!.length, c!.length]).toEqual([4, 3, 3]);
    const all = [...a!.indices, ...b!.indices, ...c!.indices].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [t1] = data.randomSplit(ds, [7, 3], new Generator(5));
    const [t2] = data.randomSplit(ds, [7, 3], new Generator(5));
    expect(t1!.indices).toEqual(t2!.indices);
    const batch = [...new data.DataLoader(t1!, { batchSize: 7 })][0] as Tensor[];
    expect(flat(batch[1]!)).toEqual(t1!.indices);
  });

  describe("a dataset's length must be a non-negative integer (Python's len() refuses the rest)", () => {
    class Sized extends data.Dataset<number> {
      constructor(public n: unknown) { super(); }
      get length(): number { return this.n as number; }
      getItem(i: number): number { return i; }
    }
    const notInteger = /^DataLoader: the dataset's length must be a non-negative integer, but Sized.length is /;
    it.each([
      [2.5, TypeError, "DataLoader: the dataset's length must be a non-negative integer, but Sized.length is 2.5"],
      [-3, RangeError, "DataLoader: the dataset's length must be a non-negative integer, but Sized.length is -3 (__len__() should return >= 0)"],
      [NaN, TypeError, notInteger],
      [Infinity, TypeError, notInteger],
      ['4', TypeError, "DataLoader: the dataset's length must be a non-negative integer, but Sized.length is \"4\""],
      [undefined, TypeError, /but Sized.length is undefined$/],
    ])('length %s: refused when the DataLoader is made', (n, type, message) => {
      throwsWith(() => new data.DataLoader(new Sized(n), { batchSize: 2 }), type, message);
      throwsWith(() => new data.DataLoader(new Sized(n), { batchSize: 2, shuffle: true, generator: new Generator(0) }), type, message);
      throwsWith(() => new data.Subset(new Sized(n), []), type, /^Subset: the dataset's length must be a non-negative integer, but Sized.length is /);
      throwsWith(() => data.randomSplit(new Sized(n), [1]), type, /^randomSplit: the dataset's length must be a non-negative integer/);
    });

    it('a length that turns bad after construction is refused when an epoch starts, and by loader.length', () => {
      const ds = new Sized(4);
      const loader = new data.DataLoader(ds, { batchSize: 2 });
      expect([...loader]).toHaveLength(2);
      ds.n = 2.5;
      throwsWith(() => [...loader], TypeError, "DataLoader: the dataset's length must be a non-negative integer, but Sized.length is 2.5");
      throwsWith(() => loader.length, TypeError, /Sized.length is 2.5$/);
      ds.n = -3;
      throwsWith(() => { for (const _ of loader) break; }, RangeError, /Sized.length is -3 \(__len__\(\) should return >= 0\)$/);
      ds.n = 0;
      expect([...loader]).toEqual([]);
      expect(loader.length).toBe(0);
    });
  });

  it.each([
    ['TensorDataset sizes', () => new data.TensorDataset(randn([3, 2]), randn([4])), RangeError, 'TensorDataset: size mismatch between tensors: tensors[0] has shape [3,2], tensors[1] has shape [4]'],
    ['TensorDataset index', () => ds.getItem(10), RangeError, 'TensorDataset.getItem: index 10 is out of range for 10 items'],
    ['DataLoader batchSize', () => new data.DataLoader(ds, { batchSize: 0 }), RangeError, 'DataLoader: batchSize should be a positive integer value, but got batchSize=0'],
    ['DataLoader unknown option', () => new data.DataLoader(ds, { batch_size: 4 } as never), TypeError, /^DataLoader: unknown option 'batch_size'/],
    ['DataLoader dataset', () => new data.DataLoader([1, 2] as never), TypeError, 'DataLoader: dataset must be a Dataset, got an array'],
    ['randomSplit sum', () => data.randomSplit(ds, [3, 3]), RangeError, 'randomSplit: sum of input lengths (6) does not equal the length of the input dataset (10)'],
    ['defaultCollate mixed', () => data.defaultCollate([Symbol('x')]), TypeError, /^defaultCollate: batch must contain tensors/],
  ])('%s', (_n, fn, type, message) => throwsWith(fn, type, message));
});
