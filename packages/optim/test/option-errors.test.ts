/**
 * The option checks' error table (validate.ts and the optimizers' own checks): each row the
 * error's type and its whole message, since the wording is the contract (STYLE: errors name the
 * op, the argument and the value; optimizer errors copy PyTorch's words). Rows added from a
 * Stryker run of the optimizer classes (issue 27, round three): an emptied message or a check
 * shadowed by the one after it (a TypeError turned into a RangeError) survived the tests that
 * only matched a prefix or the type. PyTorch's own error inputs are in error-inputs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@tensile/tensor';
import { ASGD, Adadelta, Adagrad, Adam, AdamW, Adamax, NAdam, RAdam, RMSprop, Rprop, SGD } from '@tensile/optim';

const p = (): Tensor => tensor([0.5], { requiresGrad: true });
/** A constructor called as JavaScript may call it, past what the types allow. */
type Loose = new (...args: unknown[]) => unknown;
const FUSED = "fused=true is not supported (PyTorch's fused kernels are one more path to the same numbers); every path gives the same bits";

const ROWS: [string, () => unknown, typeof TypeError | typeof RangeError, string][] = [
  // numberOption / nonNegative
  ['a Tensor eps', () => new Adam([p()], { eps: tensor(1e-8) as never }), TypeError, 'Adam: a Tensor eps is not supported; pass a number'],
  ['a string eps', () => new Adam([p()], { eps: 'x' as never }), TypeError, 'Invalid epsilon value: x'],
  ['Adagrad: a Tensor lr', () => new Adagrad([p()], { lr: tensor(0.1) as never }), TypeError, 'Adagrad: a Tensor lr is not supported; pass a number'],
  ['RMSprop eps -1', () => new RMSprop([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  ['RMSprop alpha -0.5', () => new RMSprop([p()], { alpha: -0.5 }), RangeError, 'Invalid alpha value: -0.5'],
  ['RMSprop weightDecay -1', () => new RMSprop([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  ['RMSprop momentum NaN', () => new RMSprop([p()], { momentum: NaN }), RangeError, 'Invalid momentum value: nan'],
  ['Adagrad lr -1', () => new Adagrad([p()], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
  ['Adagrad lrDecay -1', () => new Adagrad([p()], { lrDecay: -1 }), RangeError, 'Invalid lr_decay value: -1'],
  ['Adagrad weightDecay -1', () => new Adagrad([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  ['Adagrad initialAccumulatorValue -1', () => new Adagrad([p()], { initialAccumulatorValue: -1 }), RangeError, 'Invalid initial_accumulator_value value: -1'],
  ['Adagrad eps -1', () => new Adagrad([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  // lrOption
  ['a 2-element Tensor lr', () => new Adam([p()], { lr: tensor([1, 2]) as never }), RangeError, 'Tensor lr must be 1-element'],
  ['a string lr', () => new Adam([p()], { lr: 'fast' as never }), TypeError, 'Invalid learning rate: fast (expected a number or a 1-element Tensor)'],
  ['lr NaN', () => new Adam([p()], { lr: NaN }), RangeError, 'Invalid learning rate: nan'],
  ['a NaN Tensor lr', () => new Adam([p()], { lr: tensor(NaN) as never }), RangeError, 'Invalid learning rate: nan'],
  ['Adam: a Tensor lr, foreach, capturable false', () => new Adam([p()], { lr: tensor(0.01) as never, foreach: true, capturable: false }), RangeError, 'lr as a Tensor is not supported for capturable=False and foreach=True'],
  // betasOption
  ['betas of one number', () => new Adam([p()], { betas: [0.9] as never }), TypeError, 'Adam: betas must be a pair of numbers, got 0.9'],
  ['betas a string', () => new Adam([p()], { betas: 'x' as never }), TypeError, 'Adam: betas must be a pair of numbers, got x'],
  ['a Tensor beta1', () => new Adam([p()], { betas: [tensor(0.9), 0.999] as never }), TypeError, 'Adam: Tensor betas are not supported; pass numbers'],
  ['a Tensor beta2', () => new Adam([p()], { betas: [0.9, tensor(0.999)] as never }), TypeError, 'Adam: Tensor betas are not supported; pass numbers'],
  ['a string beta2', () => new Adam([p()], { betas: [0.9, 'a'] as never }), RangeError, 'Invalid beta parameter at index 1: a'],
  ["a numeric string beta2 ('0.5' would pass the range check)", () => new Adam([p()], { betas: [0.9, '0.5'] as never }), RangeError, 'Invalid beta parameter at index 1: 0.5'],
  ['beta2 -0.1', () => new Adam([p()], { betas: [0.9, -0.1] }), RangeError, 'Invalid beta parameter at index 1: -0.1'],
  ['beta1 -0.1', () => new Adam([p()], { betas: [-0.1, 0.9] }), RangeError, 'Invalid beta parameter at index 0: -0.1'],
  ['beta1 NaN', () => new Adam([p()], { betas: [NaN, 0.9] }), RangeError, 'Invalid beta parameter at index 0: nan'],
  // booleanFlags / optionalFlag / flagOptions
  ["amsgrad 'yes'", () => new Adam([p()], { amsgrad: 'yes' as never }), TypeError, 'Invalid amsgrad value: yes (expected a boolean)'],
  ['maximize 0', () => new Adam([p()], { maximize: 0 as never }), TypeError, 'Invalid maximize value: 0 (expected a boolean)'],
  ["RMSprop centered 'yes'", () => new RMSprop([p()], { centered: 'yes' as never }), TypeError, 'Invalid centered value: yes (expected a boolean)'],
  ["foreach 'no'", () => new Adam([p()], { foreach: 'no' as never }), TypeError, 'Invalid foreach value: no (expected a boolean or undefined)'],
  ['fused 1', () => new Adam([p()], { fused: 1 } as never), TypeError, 'Invalid fused value: 1 (expected a boolean or undefined)'],
  ['Adam fused true', () => new Adam([p()], { fused: true } as never), RangeError, `Adam: ${FUSED}`],
  ['Adagrad fused true', () => new Adagrad([p()], { fused: true } as never), RangeError, `Adagrad: ${FUSED}`],
  ['Adagrad: a loaded param group with capturable true (the constructor refuses the unknown option first)', () => {
    const o = new Adagrad([p()]);
    const sd = o.stateDict();
    o.loadStateDict({ ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, capturable: true })) });
  }, RangeError, "loadStateDict: param_groups[0]: Adagrad: capturable=true is not supported yet (PyTorch refuses it for CPU tensors too); every path gives the same bits"],
  // Rprop
  ['Rprop etas of one number', () => new Rprop([p()], { etas: [0.5] as never }), TypeError, 'Rprop: etas must be a pair of numbers, got 0.5'],
  ['Rprop etas of three', () => new Rprop([p()], { etas: [0.5, 1.2, 2] as never }), TypeError, 'Rprop: etas must be a pair of numbers, got 0.5,1.2,2'],
  ['Rprop a string eta', () => new Rprop([p()], { etas: [0.5, 'a'] as never }), TypeError, 'Rprop: etas must be a pair of numbers, got 0.5,a'],
  ['Rprop etaminus 0', () => new Rprop([p()], { etas: [0, 1.2] }), RangeError, 'Invalid eta values: 0, 1.2'],
  ['Rprop etaminus 1', () => new Rprop([p()], { etas: [1, 1.2] }), RangeError, 'Invalid eta values: 1, 1.2'],
  ['Rprop etaplus 1', () => new Rprop([p()], { etas: [0.5, 1] }), RangeError, 'Invalid eta values: 0.5, 1'],
  ['Rprop etaminus NaN', () => new Rprop([p()], { etas: [NaN, 1.2] }), RangeError, 'Invalid eta values: nan, 1.2'],
  ['Rprop stepSizes of one number', () => new Rprop([p()], { stepSizes: [1e-6] as never }), TypeError, 'Rprop: stepSizes must be a pair of numbers, got 0.000001'],
  ['Rprop stepSizes of three', () => new Rprop([p()], { stepSizes: [1e-6, 1, 2] as never }), TypeError, 'Rprop: stepSizes must be a pair of numbers, got 0.000001,1,2'],
  ['Rprop a string step size', () => new Rprop([p()], { stepSizes: [1e-6, 'x'] as never }), TypeError, 'Rprop: stepSizes must be a pair of numbers, got 0.000001,x'],
  ['Rprop lr -1', () => new Rprop([p()], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
  // the constructors' own checks: names, the positional form, options before params (issue 27, 5 December later)
  ['RMSprop: a Tensor alpha', () => new RMSprop([p()], { alpha: tensor(0.9) as never }), TypeError, 'RMSprop: a Tensor alpha is not supported; pass a number'],
  ['AdamW: six positional arguments', () => new (AdamW as unknown as Loose)([p()], 0.1, [0.9, 0.99], 1e-8, 0.01, false, 7), TypeError, 'AdamW: takes at most 5 optional positional arguments (lr, betas, eps, weightDecay, amsgrad), got 6: number 0.1, an array, number 1e-8, number 0.01, boolean false, number 7'],
  ['RMSprop: seven positional arguments', () => new (RMSprop as unknown as Loose)([p()], 0.1, 0.9, 1e-8, 0, 0, false, 7), TypeError, 'RMSprop: takes at most 6 optional positional arguments (lr, alpha, eps, weightDecay, momentum, centered), got 7: number 0.1, number 0.9, number 1e-8, number 0, number 0, boolean false, number 7'],
  ['Adagrad: six positional arguments', () => new (Adagrad as unknown as Loose)([p()], 0.1, 0, 0, 0, 1e-10, 7), TypeError, 'Adagrad: takes at most 5 optional positional arguments (lr, lrDecay, weightDecay, initialAccumulatorValue, eps), got 6: number 0.1, number 0, number 0, number 0, number 1e-10, number 7'],
  ['Rprop: four positional arguments', () => new (Rprop as unknown as Loose)([p()], 0.1, [0.5, 1.2], [1e-6, 50], 7), TypeError, 'Rprop: takes at most 3 optional positional arguments (lr, etas, stepSizes), got 4: number 0.1, an array, an array, number 7'],
  ['Adamax: a Tensor eps', () => new Adamax([p()], { eps: tensor(1e-8) as never }), TypeError, 'Adamax: a Tensor eps is not supported; pass a number'],
  ['Adamax: a Tensor weightDecay', () => new Adamax([p()], { weightDecay: tensor(0) as never }), TypeError, 'Adamax: a Tensor weightDecay is not supported; pass a number'],
  ['Adamax: betas of one number', () => new Adamax([p()], { betas: [0.9] as never }), TypeError, 'Adamax: betas must be a pair of numbers, got 0.9'],
  ['Adamax: five positional arguments', () => new (Adamax as unknown as Loose)([p()], 0.1, [0.9, 0.99], 1e-8, 0, 7), TypeError, 'Adamax: takes at most 4 optional positional arguments (lr, betas, eps, weightDecay), got 5: number 0.1, an array, number 1e-8, number 0, number 7'],
  ['Adadelta: a Tensor rho', () => new Adadelta([p()], { rho: tensor(0.9) as never }), TypeError, 'Adadelta: a Tensor rho is not supported; pass a number'],
  ['Adadelta: a Tensor eps', () => new Adadelta([p()], { eps: tensor(1e-6) as never }), TypeError, 'Adadelta: a Tensor eps is not supported; pass a number'],
  ['Adadelta: a Tensor weightDecay', () => new Adadelta([p()], { weightDecay: tensor(0) as never }), TypeError, 'Adadelta: a Tensor weightDecay is not supported; pass a number'],
  ['Adadelta: five positional arguments', () => new (Adadelta as unknown as Loose)([p()], 1, 0.9, 1e-6, 0, 7), TypeError, 'Adadelta: takes at most 4 optional positional arguments (lr, rho, eps, weightDecay), got 5: number 1, number 0.9, number 0.000001, number 0, number 7'],
  ['Adamax eps -1', () => new Adamax([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  ['Adamax weightDecay -1', () => new Adamax([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  ['Adadelta: a string rho', () => new Adadelta([p()], { rho: 'x' as never }), TypeError, 'Invalid rho value: x'],
  ['Adadelta rho -0.1', () => new Adadelta([p()], { rho: -0.1 }), RangeError, 'Invalid rho value: -0.1'],
  ['Adadelta rho 1.5', () => new Adadelta([p()], { rho: 1.5 }), RangeError, 'Invalid rho value: 1.5'],
  ['Adadelta eps -1', () => new Adadelta([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  ['Adadelta weightDecay -1', () => new Adadelta([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  // NAdam and RAdam (classes2c): the name each passes to the positional form and the shared checks, every label (PyTorch 1.13's words)
  ['NAdam: a Tensor eps', () => new NAdam([p()], { eps: tensor(1e-8) as never }), TypeError, 'NAdam: a Tensor eps is not supported; pass a number'],
  ['NAdam: a Tensor weightDecay', () => new NAdam([p()], { weightDecay: tensor(0) as never }), TypeError, 'NAdam: a Tensor weightDecay is not supported; pass a number'],
  ['NAdam: a Tensor momentumDecay', () => new NAdam([p()], { momentumDecay: tensor(4e-3) as never }), TypeError, 'NAdam: a Tensor momentumDecay is not supported; pass a number'],
  ['NAdam: betas of one number', () => new NAdam([p()], { betas: [0.9] as never }), TypeError, 'NAdam: betas must be a pair of numbers, got 0.9'],
  ['NAdam: six positional arguments', () => new (NAdam as unknown as Loose)([p()], 0.1, [0.9, 0.99], 1e-8, 0, 4e-3, 7), TypeError, 'NAdam: takes at most 5 optional positional arguments (lr, betas, eps, weightDecay, momentumDecay), got 6: number 0.1, an array, number 1e-8, number 0, number 0.004, number 7'],
  ['NAdam eps -1', () => new NAdam([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  ['NAdam weightDecay -1', () => new NAdam([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  ['NAdam momentumDecay -1', () => new NAdam([p()], { momentumDecay: -1 }), RangeError, 'Invalid momentum_decay value: -1'],
  ['RAdam: a Tensor eps', () => new RAdam([p()], { eps: tensor(1e-8) as never }), TypeError, 'RAdam: a Tensor eps is not supported; pass a number'],
  ['RAdam: a Tensor weightDecay', () => new RAdam([p()], { weightDecay: tensor(0) as never }), TypeError, 'RAdam: a Tensor weightDecay is not supported; pass a number'],
  ['RAdam: betas of one number', () => new RAdam([p()], { betas: [0.9] as never }), TypeError, 'RAdam: betas must be a pair of numbers, got 0.9'],
  ['RAdam: five positional arguments', () => new (RAdam as unknown as Loose)([p()], 0.1, [0.9, 0.99], 1e-8, 0, 7), TypeError, 'RAdam: takes at most 4 optional positional arguments (lr, betas, eps, weightDecay), got 5: number 0.1, an array, number 1e-8, number 0, number 7'],
  ['RAdam eps -1', () => new RAdam([p()], { eps: -1 }), RangeError, 'Invalid epsilon value: -1'],
  ['RAdam weightDecay -1', () => new RAdam([p()], { weightDecay: -1 }), RangeError, 'Invalid weight_decay value: -1'],
  // SGD (classes2d): the labels of its own type checks, its dampening check (PyTorch has none: a NaN dampening is refused here, documented), fused
  ['SGD: a string weightDecay', () => new SGD([p()], { weightDecay: 'x' as never }), TypeError, 'Invalid weight_decay value: x'],
  ['SGD: a string dampening', () => new SGD([p()], { dampening: 'x' as never }), TypeError, 'Invalid dampening value: x'],
  ['SGD dampening NaN', () => new SGD([p()], { dampening: NaN }), RangeError, 'Invalid dampening value: nan'],
  ['SGD dampening Infinity', () => new SGD([p()], { dampening: Infinity }), RangeError, 'Invalid dampening value: inf'],
  ['SGD fused true', () => new SGD([p()], { fused: true }), RangeError, "SGD: fused=true is not supported (PyTorch's fused kernels are for accelerators); every path gives the same bits"],
  // ASGD (classes2d): a value that is not a number is a TypeError (a string fails the range check too, as a RangeError with the same words)
  ['ASGD: a string weightDecay', () => new ASGD([p()], { weightDecay: 'x' as never }), TypeError, 'Invalid weight_decay value: x'],
  ['ASGD: a string lambd', () => new ASGD([p()], { lambd: 'x' as never }), TypeError, 'Invalid lambd value: x'],
  ['ASGD: a null alpha', () => new ASGD([p()], { alpha: null as never }), TypeError, 'Invalid alpha value: null'],
  ['SGD lr -1e16 (a float from 1e16 on prints as Python prints it)', () => new SGD([p()], { lr: -1e16 }), RangeError, 'Invalid learning rate: -1e+16'],
  ['a null beta2 (printed as JavaScript names it)', () => new Adam([p()], { betas: [0.9, null] as never }), RangeError, 'Invalid beta parameter at index 1: null'],
  ['ASGD: six positional arguments', () => new (ASGD as unknown as Loose)([p()], 0.1, 1e-4, 0.75, 1e6, 0, 7), TypeError, 'ASGD: takes at most 5 optional positional arguments (lr, lambd, alpha, t0, weightDecay), got 6: number 0.1, number 0.0001, number 0.75, number 1000000, number 0, number 7'],
  ['AdamW: options null', () => new AdamW([p()], null as never), TypeError, 'AdamW: options must be an object, got NoneType'],
  ['Adam: a bad lr and no params (the options are checked first, as in PyTorch)', () => new Adam([], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
  ['AdamW: a bad lr and no params', () => new AdamW([], { lr: -1 }), RangeError, 'Invalid learning rate: -1'],
  // AdamW
  ['AdamW: a group added with decoupledWeightDecay false', () => new AdamW([p()]).addParamGroup({ params: [p()], decoupledWeightDecay: false } as never), RangeError, 'AdamW: decoupled_weight_decay must stay true (use Adam to turn it off)'],
];

describe('option errors: type and whole message', () => {
  it.each(ROWS)('%s', (_name, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(new type(message));
  });
});

describe('options the checks accept', () => {
  it.each([
    ['a Tensor lr with foreach and capturable', () => new Adam([p()], { lr: tensor(0.01) as never, foreach: true, capturable: true })],
    ['a Tensor lr of 0', () => new Adam([p()], { lr: tensor(0) as never })],
    ['a Tensor lr with foreach false', () => new Adam([p()], { lr: tensor(0.01) as never, foreach: false })],
    ["RMSprop: a Tensor lr with foreach (PyTorch raises only for Adam's and AdamW's)", () => new RMSprop([p()], { lr: tensor(0.01) as never, foreach: true })],
    ['foreach null (unset)', () => new Adam([p()], { foreach: null as never })],
    ['fused false', () => new Adam([p()], { fused: false } as never)],
    ['AdamW: a group added with decoupledWeightDecay true', () => new AdamW([p()]).addParamGroup({ params: [p()], decoupledWeightDecay: true } as never)],
    ['betas at the edges: 0 and just below 1', () => new Adam([p()], { betas: [0, 0.9999999] })],
    ['Rprop etas just inside (0, 1) and (1, ∞)', () => new Rprop([p()], { etas: [1e-9, 1 + 1e-9] })],
    ["Adadelta rho at the edges, 0 and 1 (PyTorch's 0.0 <= rho <= 1.0)", () => { new Adadelta([p()], { rho: 0 }); new Adadelta([p()], { rho: 1 }); }],
  ] as const)('%s', (_name, make) => {
    expect(make).not.toThrow();
  });
});
