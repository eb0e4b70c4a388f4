import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader, loadMnist, splitTrainTest, PIXELS, type Dataset } from '../src/mnist/data.js';
import { expectArraysDiffer, expectArraysEqual } from '../../../packages/tensor/test/helpers/arrays.js';
import { train } from '../src/mnist/train.js';
import { train as trainXor } from '../src/xor/train.js';

describe('MNIST data', () => {
  const all = loadMnist();

  it('loads 10,000 real digits with labels 0..9 and pixels in [0, 1]', () => {
    expect(all.count).toBe(10000);
    expect(all.images.length).toBe(10000 * PIXELS);
    expect(new Set(all.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(all.images.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('splits deterministically into 8000/2000 by seed', () => {
    const a = splitTrainTest(all, 0.2, 7), b = splitTrainTest(all, 0.2, 7), c = splitTrainTest(all, 0.2, 8);
    expect([a.train.count, a.test.count]).toEqual([8000, 2000]);
    expectArraysEqual(a.test.labels.subarray(0, 50), b.test.labels.subarray(0, 50), 'same seed: test labels');
    expectArraysDiffer(a.test.images.subarray(0, 2000), c.test.images.subarray(0, 2000), 'another seed: test images');
  });

  /** Each row as a key (label and two 32-bit hashes of its pixels' float32 bits), to count rows as a multiset. */
  const rowKeys = (d: Dataset): string[] => Array.from({ length: d.count }, (_, i) => {
    const px = new Uint32Array(d.images.buffer, d.images.byteOffset + i * PIXELS * 4, PIXELS);
    let h1 = 0x811c9dc5, h2 = 0x9e3779b9;
    for (const v of px) {
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h2 = Math.imul(h2 ^ (v >>> 7) ^ (h2 >>> 13), 0x85ebca6b) + v;
    }
    return `${d.labels[i]}:${h1 >>> 0}:${h2 >>> 0}`;
  });
  const tally = (keys: string[]): Map<string, number> => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());

  it('holds out rows that are not trained on: train and test are disjoint and together are every digit, each with its label', () => {
    const want = tally(rowKeys(all));
    for (const seed of [0, 7]) {
      const { train, test } = splitTrainTest(all, 0.2, seed);
      // As multisets (a few MNIST digits may repeat): train + test = all, so no row is in both and none is lost.
      const got = tally([...rowKeys(train), ...rowKeys(test)]);
      const wrong = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
      expect(wrong.length, `seed ${seed}: rows whose count differs between train + test and the data set`).toBe(0);
    }
  });

  it('splits by row index: test and train indices partition 0..n-1 for any count and fraction', () => {
    // Synthetic rows whose pixels carry their index: every output row names the row it came from.
    for (const [n, fraction, seed] of [[1003, 0.2, 1], [10, 0.5, 2], [7, 0.3, 3], [2, 0.5, 4]] as const) {
      const d: Dataset = { images: new Float32Array(n * PIXELS), labels: new Float32Array(n), count: n };
      for (let i = 0; i < n; i++) {
        d.images.fill(Math.fround((i % 10) / 10), i * PIXELS, (i + 1) * PIXELS);
        d.images[i * PIXELS] = (i % 256) / 255;
        d.images[i * PIXELS + 1] = Math.floor(i / 256) / 255;
        d.labels[i] = i % 10;
      }
      const ids = (part: Dataset): number[] => Array.from({ length: part.count }, (_, r) => {
        const row = part.images.subarray(r * PIXELS, (r + 1) * PIXELS);
        const id = Math.round(row[0]! * 255) + 256 * Math.round(row[1]! * 255);
        expect(part.labels[r], `label of row ${id}`).toBe(id % 10);
        expect(row.subarray(2).every((v) => v === Math.fround((id % 10) / 10)), `pixels of row ${id}`).toBe(true);
        return id;
      });
      const { train, test } = splitTrainTest(d, fraction, seed);
      const [trainIds, testIds] = [ids(train), ids(test)];
      const label = `n ${n}, fraction ${fraction}`;
      expect(testIds.length, label).toBe(Math.round(n * fraction));
      expect(new Set(testIds).size, `${label}: test rows are distinct`).toBe(testIds.length);
      expect(testIds.filter((i) => trainIds.includes(i)), `${label}: test rows also in train`).toEqual([]);
      expectArraysEqual([...trainIds, ...testIds].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `${label}: train + test rows`);
    }
  });

  it('batches with a seeded shuffle and keeps the last partial batch', () => {
    const { test } = splitTrainTest(all, 0.2, 0);
    const sizes = [...new DataLoader(test, { batchSize: 300 })].map((b) => b.y.numel());
    expect(sizes).toEqual([300, 300, 300, 300, 300, 300, 200]);
    const first = (seed: number): number[] => Array.from([...new DataLoader(test, { batchSize: 16, shuffle: true, seed })][0]!.y.toFloat32Array());
    expect(first(1)).toEqual(first(1));
    expect(first(1)).not.toEqual(first(2));
    expect(() => new DataLoader(test, { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
  });

  it('refuses a corrupt file with an error naming it and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    try {
      const good = JSON.stringify({ data: new Array(PIXELS).fill(0) });
      for (let d = 0; d < 10; d++) writeFileSync(join(dir, `${d}.json`), good);
      expect(loadMnist(dir).count).toBe(10);
      writeFileSync(join(dir, '3.json'), JSON.stringify({ data: new Array(PIXELS + 1).fill(0) }));
      expect(() => loadMnist(dir)).toThrow(/3\.json is corrupt: 785 values is not a whole number of 784-pixel images/);
      writeFileSync(join(dir, '3.json'), JSON.stringify({ data: [...new Array(PIXELS - 1).fill(0), 7] }));
      expect(() => loadMnist(dir)).toThrow(/3\.json is corrupt: pixel 783 is 7, expected a number in \[0, 1\]/);
      writeFileSync(join(dir, '3.json'), '{"data": [');
      expect(() => loadMnist(dir)).toThrow(/mnist: cannot read .*3\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('examples train', () => {
  it('MNIST on a 1000-digit subset reaches a sensible accuracy in seconds, live and averaged', { timeout: 60_000 }, () => {
    const { epochs } = train({ limit: 1000, epochs: 3, t0: 20, lr: 0.2 });
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(epochs[2]!.testAccuracy).toBeGreaterThan(0.8);
    expect(epochs[2]!.testAccuracyAveraged).toBeGreaterThan(0.8);
  });

  it('MNIST with --model cnn (Conv2d, MaxPool2d, ReLU, Linear) learns on a subset', { timeout: 60_000 }, () => {
    // Small batches: the CNN sits on a plateau near chance for its first hundred or so steps.
    const { epochs } = train({ limit: 1000, epochs: 2, model: 'cnn', lr: 0.1, batchSize: 16 });
    expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(epochs[1]!.testAccuracy).toBeGreaterThan(0.5);
  });

  it('MNIST with SGD and its default lr learns (no divergence from the ASGD lr)', { timeout: 60_000 }, () => {
    // Divergence (lr 0.2 with momentum 0.9) lands near chance, 10%.
    const { epochs } = train({ limit: 1000, epochs: 3, optimizer: 'sgd' });
    expect(epochs[2]!.testAccuracy).toBeGreaterThan(0.6);
    expect(epochs[2]!.testAccuracyAveraged).toBeNull();
  });

  it('xor: the loss falls and the four points are classified', () => {
    const { losses, accuracy } = trainXor({ steps: 500 });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 3);
    expect(accuracy).toBe(1);
  });
});
