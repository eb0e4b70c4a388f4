/**
 * Three ways to average weights, side by side on one problem: ASGD (its running average from
 * step t0 on), SWA (SGD whose lr SWALR anneals to a constant, with an AveragedModel taking an
 * equal average from swaStart on) and EMA (an AveragedModel with getEmaMultiAvgFn(decay) over
 * plain SGD, from the first step). Each is evaluated with its live weights and with its average.
 *
 * The problem is the noisy linear regression of asgd-vs-sgd, y = x·w* + ε with ε ~ N(0, σ²),
 * trained one example at a time from one initialization and one data order. The score is the
 * held-out mean squared error minus σ² (the excess error: 0 is the best possible predictor).
 * At a constant learning rate the live weights stop at a noise floor; an average keeps going.
 */
import { nn, type Tensor } from '@tensile/tensor';
import { noisyRegression } from '../lib/noisy-regression.js';
import { ASGD, SGD, swaUtils } from '@tensile/optim';

export interface AveragingOptions {
  /** Optimizer steps, one example each (default 4000). */
  steps?: number;
  /** The learning rate of all three optimizers (default 0.02). */
  lr?: number;
  /** ASGD's t0 and SWA's start: the step from which both average (default 1000). */
  swaStart?: number;
  /** The lr SWALR anneals to from swaStart, over `annealSteps` steps (default 0.01). */
  swaLr?: number;
  /** SWALR's annealing length in steps, cosine (default 200). */
  annealSteps?: number;
  /** EMA's decay per step (default 0.99). */
  emaDecay?: number;
  /** Input dimension (default 20). */
  dim?: number;
  /** Noise standard deviation σ (default 1). */
  noise?: number;
  /** Evaluate every this many steps (default 100). */
  evalEvery?: number;
  seed?: number;
}

/** The defaults in one place: `train` uses them, the CLI prints them and its --help quotes them. */
export const DEFAULTS = {
  steps: 4000, lr: 0.02, swaStart: 1000, swaLr: 0.01, annealSteps: 200, emaDecay: 0.99, dim: 20, noise: 1, evalEvery: 100, seed: 0,
} as const;

export type Method = 'ASGD' | 'SWA' | 'EMA';
export const METHODS: readonly Method[] = ['ASGD', 'SWA', 'EMA'];
/** Each method's two curves: its live weights and its average. */
export type Series = `${Method} live` | `${Method} average`;
export const SERIES: readonly Series[] = METHODS.flatMap((m) => [`${m} live`, `${m} average`] as Series[]);

export interface AveragingResult {
  /** Steps at which everything was evaluated. */
  steps: number[];
  /** Held-out excess error per series, one value per evaluation step. */
  excess: Record<Series, number[]>;
  /** The learning rate each method's optimizer used at each evaluation step. */
  lr: Record<Method, number[]>;
  /** The noise variance σ², the error of the best possible predictor. */
  noiseFloor: number;
}

/**
 * Trains the same linear model three times (ASGD, SGD + SWALR + SWA, SGD + EMA) on the same
 * stream of noisy examples and records the live and the averaged weights' error.
 *
 * @example
 * ```ts
 * const r = train({ steps: 2000 });
 * const last = (s: Series) => r.excess[s].at(-1)!;
 * console.log(last('SWA average') < last('SWA live')); // true
 * ```
 */
export function train(options: AveragingOptions = {}): AveragingResult {
  const { steps, lr, swaStart, swaLr, annealSteps, emaDecay, dim, noise, evalEvery, seed } = { ...DEFAULTS, ...options };
  const { xTrain, yTrain, order, excessError: excessOf } = noisyRegression({ seed, dim, noise, steps });
  // One initialization for the three runs.
  const init = new nn.Linear(dim, 1);

  const excessError = (model: nn.Module): number => excessOf((x) => model.forward(x) as Tensor);

  const excess = Object.fromEntries(SERIES.map((s) => [s, [] as number[]])) as Record<Series, number[]>;
  const lrs = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<Method, number[]>;

  for (const method of METHODS) {
    const model = swaUtils.deepCopyModule(init);
    const params = model.parameters();
    const asgd = method === 'ASGD' ? new ASGD(params, { lr, t0: swaStart }) : undefined;
    const optimizer = asgd ?? new SGD(params, { lr });
    // SWA: an equal average from swaStart on, while SWALR anneals lr to swaLr. EMA: every step.
    const averaged = method === 'SWA' ? new swaUtils.AveragedModel(model)
      : method === 'EMA' ? new swaUtils.AveragedModel(model, { multiAvgFn: swaUtils.getEmaMultiAvgFn(emaDecay) }) : undefined;
    // Built before training, as in PyTorch's example (its construction leaves lr as it is); it is
    // stepped after each optimizer step from swaStart on.
    const swaScheduler = method === 'SWA' ? new swaUtils.SWALR(optimizer, { swaLr, annealEpochs: annealSteps }) : undefined;
    for (let step = 1; step <= steps; step++) {
      const i = order[step - 1]!;
      optimizer.zeroGrad();
      model.forward(xTrain.narrow(0, i, 1)).sub(yTrain.narrow(0, i, 1)).square().mean().mul(0.5).backward();
      optimizer.step();
      if (method === 'EMA') averaged!.updateParameters(model);
      if (method === 'SWA' && step >= swaStart) {
        averaged!.updateParameters(model);
        swaScheduler!.step();
      }
      if (step % evalEvery === 0) {
        excess[`${method} live`].push(excessError(model));
        if (asgd) excess['ASGD average'].push(asgd.withAveraged(() => excessError(model)));
        // Before swaStart SWA has averaged nothing: its average is the live model.
        else excess[`${method} average`].push(averaged!.nAveraged.item() > 0 ? excessError(averaged!) : excessError(model));
        lrs[method].push(optimizer.paramGroups[0]!.lr as number);
      }
    }
  }
  return {
    steps: Array.from({ length: excess['ASGD live'].length }, (_, k) => (k + 1) * evalEvery),
    excess,
    lr: lrs,
    noiseFloor: noise * noise,
  };
}

/** Mean of the last `fraction` of a series (the plateau a method settles on). */
export function tailMean(values: readonly number[], fraction = 0.2): number {
  const tail = values.slice(Math.floor(values.length * (1 - fraction)));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
