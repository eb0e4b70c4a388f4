import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { manualSeed, nn } from '@tensile/tensor';

// Issue 21, "PyTorch's call forms": every layer takes PyTorch's positional parameters in
// PyTorch's order (torch/nn/modules/*.py) as well as the options bag, and both give the same module.
type Row = [name: string, positional: () => nn.Module, bag: () => nn.Module, fields: readonly string[]];

const rows: Row[] = [
  ['Linear bias', () => new nn.Linear(3, 2, false), () => new nn.Linear(3, 2, { bias: false }), ['inFeatures', 'outFeatures']],
  ['Conv2d stride', () => new nn.Conv2d(1, 32, 3, 1), () => new nn.Conv2d(1, 32, 3, { stride: 1 }), ['kernelSize', 'stride', 'padding', 'dilation', 'groups']],
  ['Conv2d all', () => new nn.Conv2d(4, 8, 3, 2, 1, 2, 2, false), () => new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }), ['kernelSize', 'stride', 'padding', 'dilation', 'groups']],
  ['Conv2d positional then bag', () => new nn.Conv2d(4, 8, 3, 1, { padding: 'same', groups: 4 }), () => new nn.Conv2d(4, 8, 3, { stride: 1, padding: 'same', groups: 4 }), ['stride', 'padding', 'groups']],
  ['Conv1d', () => new nn.Conv1d(2, 4, 5, 2, 2, 1, 2, false), () => new nn.Conv1d(2, 4, 5, { stride: 2, padding: 2, dilation: 1, groups: 2, bias: false }), ['kernelSize', 'stride', 'padding', 'dilation', 'groups']],
  ['MaxPool2d stride', () => new nn.MaxPool2d(2, 2), () => new nn.MaxPool2d(2, { stride: 2 }), ['kernelSize', 'stride', 'padding', 'ceilMode']],
  ['MaxPool2d all', () => new nn.MaxPool2d(3, null, 1, 1, false, true), () => new nn.MaxPool2d(3, { padding: 1, ceilMode: true }), ['kernelSize', 'stride', 'padding', 'ceilMode']],
  ['AvgPool2d', () => new nn.AvgPool2d(3, 2, 1, true, false, 4), () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4 }), ['kernelSize', 'options']],
  ['BatchNorm1d', () => new nn.BatchNorm1d(8, 1e-3, null, false, false), () => new nn.BatchNorm1d(8, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }), ['eps', 'momentum', 'affine', 'trackRunningStats']],
  ['BatchNorm2d', () => new nn.BatchNorm2d(64, 1e-5, 0.1), () => new nn.BatchNorm2d(64, { eps: 1e-5, momentum: 0.1 }), ['eps', 'momentum', 'affine', 'trackRunningStats']],
  ['BatchNorm2d positional then bag', () => new nn.BatchNorm2d(4, 1e-3, { affine: false }), () => new nn.BatchNorm2d(4, { eps: 1e-3, affine: false }), ['eps', 'affine']],
  ['LayerNorm', () => new nn.LayerNorm([5, 10], 1e-6, true, false), () => new nn.LayerNorm([5, 10], { eps: 1e-6, elementwiseAffine: true, bias: false }), ['normalizedShape', 'eps', 'elementwiseAffine']],
  ['GroupNorm', () => new nn.GroupNorm(2, 6, 1e-3, false), () => new nn.GroupNorm(2, 6, { eps: 1e-3, affine: false }), ['eps', 'affine']],
  ['Embedding', () => new nn.Embedding(10, 3, 0), () => new nn.Embedding(10, 3, { paddingIdx: 0 }), ['paddingIdx']],
  ['Embedding negative paddingIdx', () => new nn.Embedding(10, 3, -1), () => new nn.Embedding(10, 3, { paddingIdx: -1 }), ['paddingIdx']],
  ['Dropout', () => new nn.Dropout(0.2), () => new nn.Dropout({ p: 0.2 }), ['p']],
  ['Dropout2d', () => new nn.Dropout2d(0.3), () => new nn.Dropout2d({ p: 0.3 }), ['p']],
  ['LeakyReLU', () => new nn.LeakyReLU(0.2), () => new nn.LeakyReLU({ negativeSlope: 0.2 }), ['negativeSlope']],
  ['ELU', () => new nn.ELU(0.5), () => new nn.ELU({ alpha: 0.5 }), ['alpha']],
  ['Softplus', () => new nn.Softplus(2, 10), () => new nn.Softplus({ beta: 2, threshold: 10 }), ['beta', 'threshold']],
  ['Softmax', () => new nn.Softmax(1), () => new nn.Softmax({ dim: 1 }), ['dim']],
  ['LogSoftmax', () => new nn.LogSoftmax(-1), () => new nn.LogSoftmax({ dim: -1 }), ['dim']],
  ['Flatten', () => new nn.Flatten(0, 2), () => new nn.Flatten({ startDim: 0, endDim: 2 }), ['startDim', 'endDim']],
  ['CrossEntropyLoss', () => new nn.CrossEntropyLoss(null, null, 3, null, 'sum', 0.1), () => new nn.CrossEntropyLoss({ ignoreIndex: 3, reduction: 'sum', labelSmoothing: 0.1 }), ['options']],
  ['NLLLoss', () => new nn.NLLLoss(null, null, -1), () => new nn.NLLLoss({ ignoreIndex: -1 }), ['options']],
  ['MSELoss', () => new nn.MSELoss(null, null, 'sum'), () => new nn.MSELoss({ reduction: 'sum' }), ['options']],
  ['L1Loss', () => new nn.L1Loss(null, null, 'none'), () => new nn.L1Loss({ reduction: 'none' }), ['options']],
  ['SmoothL1Loss', () => new nn.SmoothL1Loss(null, null, 'mean', 0.5), () => new nn.SmoothL1Loss({ reduction: 'mean', beta: 0.5 }), ['options']],
  ['HuberLoss', () => new nn.HuberLoss('sum', 2), () => new nn.HuberLoss({ reduction: 'sum', delta: 2 }), ['options']],
  ['BCEWithLogitsLoss', () => new nn.BCEWithLogitsLoss(null, null, null, 'sum'), () => new nn.BCEWithLogitsLoss({ reduction: 'sum' }), ['options']],
  ['KLDivLoss', () => new nn.KLDivLoss(null, null, 'batchmean', true), () => new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }), ['options']],
];

const shapes = (m: nn.Module): [string, number[]][] => m.namedParameters().map(([k, p]) => [k, [...p.shape]]);
const buffers = (m: nn.Module): [string, number[] | null][] => m.namedBuffers().map(([k, b]) => [k, b === null ? null : [...b.shape]]);

describe('layers take PyTorch\'s positional order and the options bag alike', () => {
  it.each(rows)('%s', (_name, positional, bag, fields) => {
    manualSeed(0);
    const a = positional();
    manualSeed(0);
    const b = bag();
    expect(String(a)).toBe(String(b));
    expect(shapes(a)).toEqual(shapes(b));
    expect(buffers(a)).toEqual(buffers(b));
    for (const f of fields) expect((a as unknown as Record<string, unknown>)[f], f).toEqual((b as unknown as Record<string, unknown>)[f]);
    // Same seed, same draws: the initial values agree too.
    a.namedParameters().forEach(([k, p], i) => expect(p.toArray(), k).toEqual(b.namedParameters()[i]![1].toArray()));
  });

  it('keeps the defaults when nothing trailing is given', () => {
    expect(String(new nn.Conv2d(1, 2, 3))).toBe('Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(new nn.Linear(3, 2, false))).toBe('Linear(in_features=3, out_features=2, bias=False)');
    expect(String(new nn.BatchNorm2d(64, 1e-5, 0.1))).toBe('BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(new nn.Dropout().p).toBe(0.5);
    expect(new nn.LeakyReLU().negativeSlope).toBe(0.01);
  });
});

type ErrorRow = [name: string, call: () => unknown, message: string | RegExp];
const errors: ErrorRow[] = [
  ['Linear bias not a boolean', () => new nn.Linear(3, 2, 0 as never), 'Linear: bias (positional 1) must be a boolean, got number 0'],
  ['Conv2d stride a string', () => new nn.Conv2d(1, 2, 3, 'x' as never), 'Conv2d: stride (positional 1) must be an integer or a tuple of them, got string x'],
  ['Conv2d groups a string', () => new nn.Conv2d(1, 2, 3, 1, 0, 1, '1' as never), 'Conv2d: groups (positional 4) must be a number, got string 1'],
  ['Conv2d too many positionals', () => new nn.Conv2d(1, 2, 3, 1, 0, 1, 1, true, 'zeros' as never), /^Conv2d: takes at most 5 optional positional arguments \(stride, padding, dilation, groups, bias\), got 6/],
  ['Conv2d given twice', () => new nn.Conv2d(1, 2, 3, 2, { stride: 2 } as never), "Conv2d: got multiple values for argument 'stride'"],
  ['Conv2d bad stride value still checked', () => new nn.Conv2d(1, 2, 3, 0), 'Conv2d: stride must be an integer >= 1 or a pair of them, got 0'],
  ['MaxPool2d dilation 0', () => new nn.MaxPool2d(2, 2, 0, 0), 'MaxPool2d: dilation must be an integer >= 1 or a pair of them, got 0'],
  ['MaxPool2d returnIndices a string', () => new nn.MaxPool2d(2, 2, 0, 1, 'yes' as never), 'MaxPool2d: returnIndices (positional 4) must be a boolean, got string yes'],
  ['MaxPool2d ceilMode a number', () => new nn.MaxPool2d(2, 2, 0, 1, false, 1 as never), 'MaxPool2d: ceilMode (positional 5) must be a boolean, got number 1'],
  ['AvgPool2d ceilMode a string', () => new nn.AvgPool2d(2, 2, 0, 'yes' as never), 'AvgPool2d: ceilMode (positional 3) must be a boolean, got string yes'],
  ['BatchNorm2d eps a string', () => new nn.BatchNorm2d(4, '1e-5' as never), 'BatchNorm2d: eps (positional 1) must be a number, got string 1e-5'],
  ['BatchNorm1d affine a number', () => new nn.BatchNorm1d(4, 1e-5, 0.1, 1 as never), 'BatchNorm1d: affine (positional 3) must be a boolean, got number 1'],
  ['LayerNorm eps a boolean', () => new nn.LayerNorm(4, true as never), 'LayerNorm: eps (positional 1) must be a number, got boolean true'],
  ['GroupNorm affine a string', () => new nn.GroupNorm(1, 2, 1e-5, 'no' as never), 'GroupNorm: affine (positional 2) must be a boolean, got string no'],
  ['Embedding paddingIdx a string', () => new nn.Embedding(3, 2, '0' as never), 'Embedding: paddingIdx (positional 1) must be a number or null, got string 0'],
  ['Dropout p a string', () => new nn.Dropout('0.5' as never), 'Dropout: p (positional 1) must be a number, got string 0.5'],
  ['Dropout p out of range', () => new nn.Dropout(2), 'Dropout: probability has to be between 0 and 1, but got 2'],
  ['LeakyReLU unknown option', () => new nn.LeakyReLU({ slope: 0.2 } as never), /^LeakyReLU: unknown option 'slope'/],
  ['Softplus threshold a string', () => new nn.Softplus(1, '20' as never), 'Softplus: threshold (positional 2) must be a number, got string 20'],
  ['Softmax dim a string', () => new nn.Softmax('1' as never), 'Softmax: dim (positional 1) must be a number or null, got string 1'],
  ['Flatten too many', () => new nn.Flatten(1, -1, 2 as never), /^Flatten: takes at most 2 optional positional arguments/],
  ['CrossEntropyLoss weight a list', () => new nn.CrossEntropyLoss([1, 2, 3] as never), /^CrossEntropyLoss: weight \(positional 1\) must be a Tensor or null, got /],
  ['MSELoss size_average', () => new nn.MSELoss(true as never), "MSELoss: sizeAverage (positional 1) must be null (PyTorch's deprecated sizeAverage; use reduction), got boolean true"],
  ['HuberLoss reduction a number', () => new nn.HuberLoss(1 as never), 'HuberLoss: reduction (positional 1) must be a string, got number 1'],
  ['HuberLoss reduction value', () => new nn.HuberLoss('avg' as never), 'HuberLoss: reduction must be \'mean\', \'sum\' or \'none\', got "avg"'],
  ['BCELoss weight a number', () => new nn.BCELoss(2 as never), 'BCELoss: weight (positional 1) must be a Tensor or null, got number 2'],
];

describe('a positional of the wrong type is refused naming the class, the parameter and the value', () => {
  it.each(errors)('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
