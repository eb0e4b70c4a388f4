/**
 * Linear regression: the smallest program that shows tensors, autograd and an optimizer step.
 * It fits y = 3x − 2 from noisy points with one weight and one bias. Read it top to bottom.
 */
import { manualSeed, randn, zeros } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';

export interface RegressionOptions {
  /** Optimizer steps (default 100). */
  steps?: number;
  /** Learning rate (default 0.1). */
  lr?: number;
  /** Number of points (default 100). */
  points?: number;
  /** Standard deviation of the noise added to y (default 0.5). */
  noise?: number;
  seed?: number;
  /** Called every `logEvery` steps (and at step 1) with the step, the loss, w and b. */
  onLog?: (step: number, loss: number, w: number, b: number) => void;
  logEvery?: number;
}

export interface RegressionResult {
  /** Mean squared error at every step. */
  losses: number[];
  /** The learned weight and bias, live and averaged by ASGD (the average is steadier). */
  w: number;
  b: number;
  wAveraged: number;
  bAveraged: number;
}

/** The line the data comes from. */
export const TRUE_W = 3, TRUE_B = -2;

/**
 * Fits `y = w·x + b` by gradient descent with ASGD.
 *
 * @example
 * ```ts
 * const { w, b } = train({ steps: 100 });
 * console.log(w.toFixed(2), b.toFixed(2)); // close to 3 and -2
 * ```
 */
export function train(options: RegressionOptions = {}): RegressionResult {
  const { steps = 100, lr = 0.1, points = 100, noise = 0.5, seed = 0, logEvery = 20, onLog } = options;
  manualSeed(seed);

  // The data: x ~ N(0, 1), y = 3x − 2 plus Gaussian noise. Shapes [points, 1].
  const x = randn([points, 1]);
  const y = x.mul(TRUE_W).add(TRUE_B).add(randn([points, 1]).mul(noise));

  // The parameters: leaves that require gradients. backward() fills their .grad.
  const w = zeros([1, 1]).requiresGrad_();
  const b = zeros([1]).requiresGrad_();
  // ASGD also keeps a running average of the parameters from step t0 on.
  const optimizer = new ASGD([w, b], { lr, t0: steps / 2 });

  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad(); //                        forget the previous step's gradients
    const prediction = x.matmul(w).add(b); //       forward: records the graph
    const loss = prediction.sub(y).square().mean();
    loss.backward(); //                             d loss / d w and d loss / d b
    optimizer.step(); //                            w -= lr · w.grad (with ASGD's schedule)
    losses.push(loss.item());
    if (onLog && (step === 1 || step % logEvery === 0)) onLog(step, loss.item(), w.item(), b.item());
  }

  const [wAveraged, bAveraged] = optimizer.withAveraged(() => [w.item(), b.item()]);
  return { losses, w: w.item(), b: b.item(), wAveraged: wAveraged!, bAveraged: bAveraged! };
}
