/**
 * XOR: the smallest program that shows tensors, autograd, a module and an optimizer step.
 * Read it top to bottom.
 */
import { manualSeed, nn, F, tensor, noGrad, type Tensor } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';

export interface XorOptions {
  steps?: number;
  lr?: number;
  seed?: number;
  /** Called every `logEvery` steps with the step and the loss. */
  onLog?: (step: number, loss: number) => void;
  logEvery?: number;
}

export interface XorResult {
  losses: number[];
  predictions: number[];
  accuracy: number;
}

export function train(options: XorOptions = {}): XorResult {
  const { steps = 500, lr = 0.1, seed = 0, logEvery = 100, onLog } = options;
  manualSeed(seed);

  // Four points, two classes: no straight line separates them, so the model needs a hidden layer.
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([0, 1, 1, 0]);

  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const optimizer = new ASGD(model.parameters(), { lr, t0: steps / 2 });

  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    if (onLog && (step % logEvery === 0 || step === 1)) onLog(step, loss.item());
  }

  const predictions = noGrad(() => Array.from((model.forward(x) as Tensor).argmax(1).toFloat32Array()));
  const accuracy = predictions.filter((p, i) => p === [0, 1, 1, 0][i]).length / 4;
  return { losses, predictions, accuracy };
}
