import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader, loadMnist, splitTrainTest, PIXELS } from '../src/mnist/data.js';
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
    expect(Array.from(a.test.labels.subarray(0, 50))).toEqual(Array.from(b.test.labels.subarray(0, 50)));
    expect(Array.from(a.test.images.subarray(0, 2000))).not.toEqual(Array.from(c.test.images.subarray(0, 2000)));
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
