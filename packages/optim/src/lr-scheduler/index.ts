/**
 * PyTorch's `torch.optim.lr_scheduler`, one family a file: the base and its declared state
 * (`base.ts`, `state-spec.ts`), lambdas, the step family, cosine annealing, cyclic and one-cycle,
 * plateau, and the schedulers that compose others.
 */
export { LRScheduler, type AnyOptimizer, type SchedulerStateDict } from './base.js';
export { LambdaLR, MultiplicativeLR, type LrLambda, type LambdaLROptions } from './lambda.js';
export {
  StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR,
  type StepLROptions, type MultiStepLROptions, type ConstantLROptions, type LinearLROptions, type ExponentialLROptions, type PolynomialLROptions,
} from './step-family.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts, type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions } from './cosine.js';
export { ChainedScheduler, SequentialLR, type SequentialLROptions } from './composite.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { CyclicLR, OneCycleLR, type CyclicLROptions, type OneCycleLROptions } from './cyclic.js';
