/**
 * Every optimizer, with the option combinations the contract suite (every-optimizer.test.ts)
 * runs it under. Adding an optimizer to @tensile/optim means adding it here: the suite then
 * checks foreach = for-loop bits, save/load/continue = uninterrupted bits, snapshots, hooks,
 * "a failed step changes nothing", unknown options and fused refusal for it.
 */
import { tensor, type Tensor } from '@tensile/tensor';
import { ASGD, Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop, Rprop, SGD, type Optimizer } from '@tensile/optim';

export interface OptimizerEntry {
  name: string;
  make: (params: Tensor[], options: Record<string, unknown>) => Optimizer<object>;
  /** Option combinations (PyTorch's optim_inputs_func_* where it has them). */
  combos: Record<string, unknown>[];
  /** Whether the constructor takes `foreach` (every torch.optim class but LBFGS does). */
  foreach: boolean;
  /** Whether a step needs a closure (LBFGS). */
  needsClosure?: boolean;
  /** Whether the optimizer keeps at most one parameter group (LBFGS). */
  singleGroup?: boolean;
  /** Fixture files (test/fixtures) written by scripts/fixtures/optim_<name>.py, replayed by pytorch-fixtures.test.ts. */
  fixtures?: string[];
}

/**
 * Options as JSON writes them, with a 1-element tensor lr marked `lrTensor: true` next to its
 * value (scripts/fixtures/optim_capturable.py): the lr becomes a 0-d tensor again.
 */
function withTensorLr(o: Record<string, unknown>): Record<string, unknown> {
  if (o['lrTensor'] !== true) return o;
  const { lrTensor: _marker, ...rest } = o;
  return { ...rest, lr: tensor(rest['lr'] as number) };
}

export const OPTIMIZERS: OptimizerEntry[] = [
  {
    name: 'ASGD',
    make: (ps, o) => new ASGD(ps, o) as never,
    combos: [
      { lr: 0.05, t0: 0 }, { lr: 0.05, t0: 3, lambd: 0.1 }, { lr: 0.05, weightDecay: 0.1, maximize: true, t0: 2 },
      { lr: 0.02, alpha: 0.5, t0: 1, capturable: true },
    ],
    foreach: true,
  },
  {
    name: 'SGD',
    make: (ps, o) => new SGD(ps, o) as never,
    combos: [
      { lr: 0.05 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.05, momentum: 0.9, nesterov: true },
      { lr: 0.05, momentum: 0.5, dampening: 0.3, weightDecay: 0.1, maximize: true },
    ],
    foreach: true,
  },
  {
    name: 'Adam',
    make: (ps, o) => new Adam(ps, withTensorLr(o)) as never,
    combos: [
      { lr: 0.01 }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, amsgrad: true, maximize: true },
      { lr: 0.02, betas: [0.5, 0.6], eps: 0.1, weightDecay: 0.2, decoupledWeightDecay: true },
      { lr: 0.01, capturable: true, amsgrad: true, weightDecay: 0.1 }, { lr: 0.02, capturable: true, lrTensor: true, weightDecay: 0.2, decoupledWeightDecay: true },
    ],
    foreach: true,
    fixtures: ['adam.json', 'adam_capturable.json'],
  },
  {
    name: 'AdamW',
    make: (ps, o) => new AdamW(ps, withTensorLr(o)) as never,
    combos: [{ lr: 0.01 }, { lr: 0.01, weightDecay: 0.3, amsgrad: true }, { lr: 0.02, maximize: true, weightDecay: 0 }, { lr: 0.01, capturable: true, maximize: true }],
    foreach: true,
    fixtures: ['adamw.json', 'adamw_capturable.json'],
  },
  {
    name: 'Adadelta',
    make: (ps, o) => new Adadelta(ps, withTensorLr(o)) as never,
    combos: [{ lr: 1 }, { lr: 0.5, rho: 0.95, weightDecay: 0.1 }, { lr: 1, eps: 1e-3, maximize: true }, { lr: 0.5, capturable: true, lrTensor: true, weightDecay: 0.1 }],
    foreach: true,
    fixtures: ['adadelta.json', 'adadelta_capturable.json'],
  },
  {
    name: 'RMSprop',
    make: (ps, o) => new RMSprop(ps, withTensorLr(o)) as never,
    combos: [
      { lr: 0.01 }, { lr: 0.01, momentum: 0.9, weightDecay: 0.1 }, { lr: 0.01, centered: true, maximize: true }, { lr: 0.02, centered: true, momentum: 0.5, alpha: 0.9, eps: 1e-3 },
      { lr: 0.01, capturable: true, centered: true, momentum: 0.5 }, { lr: 0.02, lrTensor: true, momentum: 0.9 },
    ],
    foreach: true,
    fixtures: ['rmsprop.json', 'rmsprop_capturable.json'],
  },
  {
    name: 'Adagrad',
    make: (ps, o) => new Adagrad(ps, o) as never,
    combos: [{ lr: 0.1 }, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.1 }, { lr: 0.1, initialAccumulatorValue: 0.5, maximize: true, eps: 1e-5 }],
    foreach: true,
    fixtures: ['adagrad.json'],
  },
  {
    name: 'Adamax',
    make: (ps, o) => new Adamax(ps, withTensorLr(o)) as never,
    combos: [
      { lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, maximize: true }, { lr: 0.02, betas: [0.5, 0.6], eps: 0.1 },
      { lr: 0.01, capturable: true, weightDecay: 0.1 }, { lr: 0.02, lrTensor: true, maximize: true }, { lr: 0.02, capturable: true, lrTensor: true },
    ],
    foreach: true,
    fixtures: ['adamax.json', 'adamax_capturable.json'],
  },
  {
    name: 'NAdam',
    make: (ps, o) => new NAdam(ps, withTensorLr(o)) as never,
    combos: [
      { lr: 0.01 }, { lr: 0.01, weightDecay: 0.1, maximize: true }, { lr: 0.02, weightDecay: 0.2, decoupledWeightDecay: true, momentumDecay: 0.01 },
      { lr: 0.01, capturable: true, weightDecay: 0.1 }, { lr: 0.02, lrTensor: true, weightDecay: 0.2, decoupledWeightDecay: true }, { lr: 0.02, capturable: true, lrTensor: true, maximize: true },
    ],
    foreach: true,
    fixtures: ['nadam.json', 'nadam_capturable.json'],
  },
  {
    name: 'RAdam',
    make: (ps, o) => new RAdam(ps, withTensorLr(o)) as never,
    combos: [
      { lr: 0.01 }, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1, maximize: true }, { lr: 0.02, betas: [0.8, 0.8], weightDecay: 0.2, decoupledWeightDecay: true },
      { lr: 0.01, capturable: true, betas: [0.8, 0.8], weightDecay: 0.1 }, { lr: 0.02, capturable: true, lrTensor: true, betas: [0.8, 0.8], weightDecay: 0.2, decoupledWeightDecay: true },
    ],
    foreach: true,
    fixtures: ['radam.json', 'radam_capturable.json'],
  },
  {
    name: 'Rprop',
    make: (ps, o) => new Rprop(ps, withTensorLr(o)) as never,
    combos: [{ lr: 0.01 }, { lr: 0.02, etas: [0.3, 1.5], stepSizes: [1e-3, 0.05], maximize: true }, { lr: 0.01, capturable: true, lrTensor: true, maximize: true }],
    foreach: true,
    fixtures: ['rprop.json', 'rprop_capturable.json'],
  },
];
