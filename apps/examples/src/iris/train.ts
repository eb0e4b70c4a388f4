/**
 * Iris: a tiny classifier (4-16-3 MLP, ASGD) on the classic flower measurements. Full-batch
 * training (120 flowers fit in one batch); accuracy on 30 held-out flowers, with the live and
 * the averaged weights.
 */
import { manualSeed, nn, F, noGrad, tensor, type Tensor, int64 } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
import { loadIris, splitIris } from './data.js';

export interface IrisOptions {
  /** Full-batch optimizer steps (default 300). */
  steps?: number;
  /** Learning rate (default 0.1). */
  lr?: number;
  /** ASGD starts averaging at this step (default 150). */
  t0?: number;
  /** Hidden units (default 16). */
  hidden?: number;
  seed?: number;
  /** Called every `logEvery` steps (and at step 1). */
  onLog?: (step: number, loss: number, trainAccuracy: number) => void;
  logEvery?: number;
}

export interface IrisResult {
  losses: number[];
  /** Accuracy with the live weights, then with ASGD's averaged weights. */
  trainAccuracy: number;
  trainAccuracyAveraged: number;
  testAccuracy: number;
  testAccuracyAveraged: number;
  /** Held-out confusion matrix of the averaged model: [true species][predicted species]. */
  confusion: number[][];
  trainCount: number;
  testCount: number;
}

const accuracy = (logits: Tensor, y: Tensor): number => logits.argmax(1).eq(y).float().mean().item();

/**
 * Trains the classifier and evaluates it on the held-out flowers.
 *
 * @example
 * ```ts
 * const r = train({ steps: 300 });
 * console.log(r.testAccuracyAveraged); // 0.93 with the default seed
 * ```
 */
export function train(options: IrisOptions = {}): IrisResult {
  const { steps = 300, lr = 0.1, t0 = 150, hidden = 16, seed = 0, logEvery = 50, onLog } = options;
  const split = splitIris(loadIris(), 10, seed);
  const xTrain = tensor(split.trainX, { shape: [split.trainY.length, 4] }), yTrain = tensor(split.trainY, { dtype: int64 });
  const xTest = tensor(split.testX, { shape: [split.testY.length, 4] }), yTest = tensor(split.testY, { dtype: int64 });

  manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(4, hidden), new nn.Tanh(), new nn.Linear(hidden, 3));
  const optimizer = new ASGD(model.parameters(), { lr, t0 });

  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const logits = model.forward(xTrain);
    const loss = F.crossEntropy(logits, yTrain);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    if (onLog && (step === 1 || step % logEvery === 0)) onLog(step, loss.item(), noGrad(() => accuracy(logits, yTrain)));
  }

  return noGrad(() => {
    const trainAccuracy = accuracy(model.forward(xTrain), yTrain);
    const testAccuracy = accuracy(model.forward(xTest), yTest);
    const [trainAccuracyAveraged, predicted] = optimizer.withAveraged(() => [
      accuracy(model.forward(xTrain), yTrain),
      model.forward(xTest).argmax(1).toFloat32Array(),
    ] as const);
    const confusion = [0, 1, 2].map(() => [0, 0, 0]);
    predicted.forEach((p, i) => confusion[split.testY[i]!]![p]!++);
    const testAccuracyAveraged = predicted.filter((p, i) => p === split.testY[i]).length / predicted.length;
    return { losses, trainAccuracy, trainAccuracyAveraged, testAccuracy, testAccuracyAveraged, confusion, trainCount: split.trainY.length, testCount: split.testY.length };
  });
}
