/**
 * @tensile/optim — PyTorch's optimizer contract and ASGD/SGD, bit-identical to PyTorch's
 * for-loop path in float32.
 *
 * @example
 * ```ts
 * import { ASGD } from '@tensile/optim';
 * import { nn, F, randn, randint } from '@tensile/tensor';
 * const model = new nn.Linear(4, 3);
 * const opt = new ASGD(model.namedParameters(), { lr: 0.05, t0: 100 });
 * const x = randn([8, 4]), y = randint(0, 3, [8]);
 * opt.zeroGrad();
 * F.crossEntropy(model.forward(x), y).backward();
 * opt.step();
 * ```
 */
export {
  Optimizer, registerOptimizerStepPreHook, registerOptimizerStepPostHook, resolveOptions,
  type ParamGroup, type ParamGroupInput, type ParamsInput,
  type StepPreHook, type StepPostHook, type StateDictPreHook, type StateDictPostHook,
  type LoadStateDictPreHook, type LoadStateDictPostHook,
} from './optimizer.js';
export { RemovableHandle } from './hooks.js';
export { OptimizerState, type OptimizerStateDict, type StateSpec } from './state-dict.js';
export { ASGD, type ASGDOptions } from './asgd.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { Rprop, type RpropOptions } from './rprop.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export * as functional from './functional/index.js';
export * as lrScheduler from './lr-scheduler/index.js';
export {
  LRScheduler, LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
  CosineAnnealingLR, ChainedScheduler, SequentialLR, ReduceLROnPlateau, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts,
  type AnyOptimizer, type SchedulerStateDict, type LrLambda, type LambdaLROptions, type StepLROptions, type MultiStepLROptions,
  type ConstantLROptions, type LinearLROptions, type ExponentialLROptions, type PolynomialLROptions, type CosineAnnealingLROptions,
  type SequentialLROptions, type ReduceLROnPlateauOptions, type CyclicLROptions, type OneCycleLROptions, type CosineAnnealingWarmRestartsOptions,
} from './lr-scheduler/index.js';
export * as swaUtils from './swa-utils.js';
export type { AvgFn, MultiAvgFn, AveragedModelOptions, SWALROptions } from './swa-utils.js';
