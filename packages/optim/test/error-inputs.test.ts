/**
 * PyTorch's own error inputs for every optimizer (`optim_error_inputs_func_*` in
 * torch/testing/_internal/common_optimizers.py), in our terms: the same type (ValueError →
 * RangeError) and PyTorch's words. JavaScript has one number type, so `betas=(1.0, 0.0)` prints
 * as `1` where Python prints `1.0` (README: "Error messages print integral numbers as ints").
 */
import { describe, expect, it, vi } from 'vitest';
import { tensor, type Tensor } from '@tensile/tensor';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, ASGD, LBFGS, NAdam, RAdam, RMSprop, Rprop, SGD, type Optimizer } from '@tensile/optim';

type Make = (params: unknown, options?: Record<string, unknown>) => Optimizer<object>;
const OPTIMIZERS: [string, Make][] = [
  ['Adadelta', (p, o) => new Adadelta(p as never, o) as never], ['Adagrad', (p, o) => new Adagrad(p as never, o) as never],
  ['Adam', (p, o) => new Adam(p as never, o) as never], ['AdamW', (p, o) => new AdamW(p as never, o) as never],
  ['Adamax', (p, o) => new Adamax(p as never, o) as never], ['ASGD', (p, o) => new ASGD(p as never, o) as never],
  ['LBFGS', (p, o) => new LBFGS(p as never, o) as never], ['NAdam', (p, o) => new NAdam(p as never, o) as never],
  ['RAdam', (p, o) => new RAdam(p as never, o) as never], ['RMSprop', (p, o) => new RMSprop(p as never, o) as never],
  ['Rprop', (p, o) => new Rprop(p as never, o) as never], ['SGD', (p, o) => new SGD(p as never, o) as never],
];
const param = (): Tensor => tensor([0.5], { requiresGrad: true });

describe.each(OPTIMIZERS)("%s: PyTorch's error inputs for all optimizers", (_name, make) => {
  it('a bare tensor as params: TypeError, PyTorch\'s words', () => {
    expect(() => make(param())).toThrow(TypeError);
    expect(() => make(param())).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts');
  });
  it('a parameter twice in one group: a warning (PyTorch: UserWarning), not an error', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const p = param();
      expect(() => make([p, p])).not.toThrow();
      expect(warn.mock.calls.some(([m]) => /a parameter group with duplicate parameters/.test(String(m)))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
  it('a parameter in two groups: RangeError (ValueError)', () => {
    const p = param();
    expect(() => make([{ params: p }, { params: p }])).toThrow(/some parameters appear in more than one parameter group|LBFGS doesn't support per-parameter options/);
  });
});

describe("PyTorch's per-optimizer error inputs", () => {
  const cases: [string, () => unknown, string][] = [
    ['Adadelta rho 1.1', () => new Adadelta([param()], { lr: 1e-2, rho: 1.1 }), 'Invalid rho value: 1.1'],
    ['Adagrad lr_decay -0.5', () => new Adagrad([param()], { lr: 1e-2, lrDecay: -0.5 }), 'Invalid lr_decay value: -0.5'],
    ['Adam beta1 1.0', () => new Adam([param()], { lr: 1e-2, betas: [1.0, 0.0] }), 'Invalid beta parameter at index 0: 1'],
    ['Adam weight_decay -1', () => new Adam([param()], { lr: 1e-2, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['Adam tensor lr with foreach', () => new Adam([param()], { lr: tensor(0.001) as never, foreach: true }), 'lr as a Tensor is not supported for capturable=False and foreach=True'],
    ['AdamW beta1 1.0', () => new AdamW([param()], { lr: 1e-2, betas: [1.0, 0.0] }), 'Invalid beta parameter at index 0: 1'],
    ['AdamW weight_decay -1', () => new AdamW([param()], { lr: 1e-2, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['AdamW tensor lr with foreach', () => new AdamW([param()], { lr: tensor(0.001) as never, foreach: true }), 'lr as a Tensor is not supported for capturable=False and foreach=True'],
    ['Adamax beta2 1.0', () => new Adamax([param()], { lr: 1e-2, betas: [0.0, 1.0] }), 'Invalid beta parameter at index 1: 1'],
    ['ASGD weight_decay -0.5', () => new ASGD([param()], { lr: 1e-2, weightDecay: -0.5 }), 'Invalid weight_decay value: -0.5'],
    ['NAdam beta1 1.0', () => new NAdam([param()], { lr: 1e-2, betas: [1.0, 0.0] }), 'Invalid beta parameter at index 0: 1'],
    ['NAdam momentum_decay -0.2', () => new NAdam([param()], { lr: 1e-2, momentumDecay: -0.2 }), 'Invalid momentum_decay value: -0.2'],
    ['RAdam beta1 1.0', () => new RAdam([param()], { lr: 1e-2, betas: [1.0, 0.0] }), 'Invalid beta parameter at index 0: 1'],
    ['RAdam weight_decay -1', () => new RAdam([param()], { lr: 1e-2, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['RMSprop momentum -1.0', () => new RMSprop([param()], { lr: 1e-2, momentum: -1.0 }), 'Invalid momentum value: -1'],
    ['Rprop etas (1.0, 0.5)', () => new Rprop([param()], { lr: 1e-2, etas: [1.0, 0.5] }), 'Invalid eta values: 1, 0.5'],
    ['SGD momentum -0.5', () => new SGD([param()], { lr: 1e-2, momentum: -0.5 }), 'Invalid momentum value: -0.5'],
  ];
  it.each(cases)('%s', (_n, f, message) => {
    expect(f).toThrow(RangeError);
    expect(f).toThrow(message);
  });
});
