/**
 * The problem the averaging examples share: y = x·w* + noise in `dim` dimensions, `steps`
 * training rows visited in one seeded random order, 2000 held-out rows, and the held-out
 * excess error (mean squared error minus σ²: 0 is the best possible predictor).
 */
import { Generator, manualSeed, noGrad, randn, type Tensor } from '@tensile/tensor';

export interface NoisyRegression {
  xTrain: Tensor;
  yTrain: Tensor;
  /** The training row each step visits. */
  order: number[];
  /** Held-out mean squared error of the prediction `predict(xTest)`, minus σ². */
  excessError(predict: (x: Tensor) => Tensor): number;
}

export function noisyRegression(options: { seed: number; dim: number; noise: number; steps: number }): NoisyRegression {
  const { seed, dim, noise, steps } = options;
  manualSeed(seed);
  const wStar = randn([dim, 1]);
  const sample = (n: number): [Tensor, Tensor] => {
    const x = randn([n, dim]);
    return [x, x.matmul(wStar).add(randn([n, 1]).mul(noise))];
  };
  const [xTrain, yTrain] = sample(steps);
  const [xTest, yTest] = sample(2000);
  const gen = new Generator(seed + 1);
  const order = Array.from({ length: steps }, () => Math.floor(gen.uniform() * steps));
  return {
    xTrain, yTrain, order,
    excessError: (predict) => noGrad(() => predict(xTest).sub(yTest).square().mean().item()) - noise * noise,
  };
}
