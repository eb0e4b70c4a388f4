/**
 * Why averaging helps. With a constant learning rate, stochastic gradients keep the iterate
 * bouncing around the optimum: its error stops falling at a noise floor set by the step size.
 * ASGD's average of the iterates (Polyak–Ruppert averaging, from step t0 on) cancels that
 * bounce, so it keeps converging at the same learning rate.
 *
 * The problem: noisy linear regression, y = x·w* + ε with ε ~ N(0, σ²), trained one example at
 * a time. The same model, data order and initialization go to SGD and to ASGD; ASGD is
 * evaluated with its live and with its averaged parameters. The score is the held-out mean
 * squared error minus the noise variance, i.e. the excess error (how far from the best
 * possible predictor).
 */
import { zeros, noGrad, type Tensor } from '@tensile/tensor';
import { noisyRegression } from '../lib/noisy-regression.js';
import { ASGD, SGD } from '@tensile/optim';

export interface CompareOptions {
  /** Optimizer steps, one example each (default 4000). */
  steps?: number;
  /** The constant learning rate both optimizers use (default 0.02). */
  lr?: number;
  /** ASGD starts averaging at this step (default 500). */
  t0?: number;
  /** Input dimension (default 20). */
  dim?: number;
  /** Noise standard deviation σ (default 1). */
  noise?: number;
  /** Evaluate every this many steps (default 100). */
  evalEvery?: number;
  seed?: number;
}

/** The defaults in one place: `train` uses them, the CLI prints them and its --help quotes them. */
export const DEFAULTS = { steps: 4000, lr: 0.02, t0: 500, dim: 20, noise: 1, evalEvery: 100, seed: 0 } as const;

export type Method = 'SGD' | 'ASGD (live)' | 'ASGD (averaged)';
export const METHODS: readonly Method[] = ['SGD', 'ASGD (live)', 'ASGD (averaged)'];

export interface CompareResult {
  /** Steps at which each method was evaluated. */
  steps: number[];
  /** Excess held-out error per method, one value per evaluation step. */
  excess: Record<Method, number[]>;
  /** The noise variance σ², the error of the best possible predictor. */
  noiseFloor: number;
}

/**
 * Trains the same linear model with SGD and with ASGD on the same stream of noisy examples.
 *
 * @example
 * ```ts
 * const r = train({ steps: 2000 });
 * const last = (m: Method) => r.excess[m].at(-1);
 * console.log(last('ASGD (averaged)') < last('SGD')); // true
 * ```
 */
export function train(options: CompareOptions = {}): CompareResult {
  const { steps, lr, t0, dim, noise, evalEvery, seed } = { ...DEFAULTS, ...options };
  // One problem, and one order of examples, for both runs.
  const { xTrain, yTrain, order, excessError: excessOf } = noisyRegression({ seed, dim, noise, steps });
  const excessError = (w: Tensor): number => excessOf((x) => x.matmul(w));

  const run = (kind: 'sgd' | 'asgd'): { live: number[]; averaged: number[] } => {
    const w = zeros([dim, 1]).requiresGrad_();
    const optimizer = kind === 'sgd' ? new SGD([w], { lr }) : new ASGD([w], { lr, t0 });
    const live: number[] = [], averaged: number[] = [];
    for (let step = 1; step <= steps; step++) {
      const i = order[step - 1]!;
      const x = xTrain.narrow(0, i, 1), y = yTrain.narrow(0, i, 1);
      optimizer.zeroGrad();
      x.matmul(w).sub(y).square().mean().mul(0.5).backward();
      optimizer.step();
      if (step % evalEvery === 0) {
        live.push(excessError(w));
        if (optimizer instanceof ASGD) averaged.push(optimizer.withAveraged(() => excessError(w)));
      }
    }
    return { live, averaged };
  };

  const sgd = run('sgd'), asgd = run('asgd');
  return {
    steps: Array.from({ length: sgd.live.length }, (_, k) => (k + 1) * evalEvery),
    excess: { 'SGD': sgd.live, 'ASGD (live)': asgd.live, 'ASGD (averaged)': asgd.averaged },
    noiseFloor: noise * noise,
  };
}

/** Mean of the last `fraction` of a series (the plateau a method settles on). */
export function tailMean(values: readonly number[], fraction = 0.2): number {
  const tail = values.slice(Math.floor(values.length * (1 - fraction)));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

