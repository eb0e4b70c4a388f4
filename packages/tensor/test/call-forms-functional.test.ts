import { describe, expect, expectTypeOf, it } from 'vitest';
import { F, int64, manualSeed, nn, ones, randn, rand, tensor, Tensor, zeros } from '@tensile/tensor';

// PyTorch's call forms for F: `F.conv2d(x, w, b, 2, 1)`, `F.maxPool2d(x, 3, 2, 1)`,
// `F.layerNorm(x, shape, w, b, 1e-5)`, `F.crossEntropy(x, y, w)` take PyTorch's positional
// parameters in PyTorch's order (torch/nn/functional.py), then optionally a bag for the rest.
// Each positional form must give the bag form's bits (the full positional forms are also checked
// against PyTorch 1.13 in signatures.test.ts); wrong types, duplicates and extras are refused
// naming the function, the parameter and the value.

const bits = (t: Tensor): number[] => Array.from(new Uint8Array(t.contiguous().toTypedArray().slice().buffer));
const all = (r: unknown): number[][] => (Array.isArray(r) ? r.flatMap(all) : [bits(r as Tensor), [...(r as Tensor).shape]]);

manualSeed(0);
const x4 = randn([2, 4, 9, 9]), x3 = randn([2, 4, 9]), w2 = randn([6, 2, 3, 3]), w1 = randn([6, 2, 3]), b6 = randn([6]);
const logits = randn([5, 4]), y5 = tensor([0, 3, 1, 1, 2], { dtype: int64 }), cw = rand([4]).add(0.5);
const [p2, i2] = F.maxPool2d(randn([1, 2, 8, 8]), 2, { returnIndices: true });
const [p1, i1] = F.maxPool1d(randn([2, 3, 8]), 2, { returnIndices: true });
const affine = (n: number): [Tensor, Tensor] => [randn([n]), randn([n])];
const [lw, lb] = affine(9), [gw, gb] = affine(4);
const stats = (): [Tensor, Tensor] => [zeros([4]), ones([4])];
const probs = rand([6]), target6 = rand([6]), pm = tensor([1, -1, 1, 1, -1, -1]);
const a6 = randn([6]), b6v = randn([6]);

type Row = [name: string, positional: () => unknown, bag: () => unknown];
const rows: Row[] = [
  ['conv2d stride, padding', () => F.conv2d(x4, w2, b6, 2, 1, 1, 2), () => F.conv2d(x4, w2, b6, { stride: 2, padding: 1, dilation: 1, groups: 2 })],
  ['conv2d padding same, dilation', () => F.conv2d(x4, w2, null, 1, 'same', 2, 2), () => F.conv2d(x4, w2, null, { padding: 'same', dilation: 2, groups: 2 })],
  ['conv2d positional then bag', () => F.conv2d(x4, w2, b6, 2, { groups: 2 }), () => F.conv2d(x4, w2, b6, { stride: 2, groups: 2 })],
  ['conv2d undefined is the default', () => F.conv2d(x4, w2, b6, undefined, 1, undefined, 2), () => F.conv2d(x4, w2, b6, { padding: 1, groups: 2 })],
  ['conv1d', () => F.conv1d(x3, w1, b6, 2, [1], 2, 2), () => F.conv1d(x3, w1, b6, { stride: 2, padding: [1], dilation: 2, groups: 2 })],
  ['conv1d valid', () => F.conv1d(x3, w1, b6, 1, 'valid', 1, 2), () => F.conv1d(x3, w1, b6, { padding: 'valid', groups: 2 })],
  ['maxPool2d(x, 2, 2)', () => F.maxPool2d(x4, 2, 2), () => F.maxPool2d(x4, 2, { stride: 2 })],
  ['maxPool2d(x, 3, 2, 1)', () => F.maxPool2d(x4, 3, 2, 1), () => F.maxPool2d(x4, 3, { stride: 2, padding: 1 })],
  ['maxPool2d stride null, dilation, ceil', () => F.maxPool2d(x4, 3, null, 1, 2, true), () => F.maxPool2d(x4, 3, { padding: 1, dilation: 2, ceilMode: true })],
  ['maxPool2d returnIndices', () => F.maxPool2d(x4, 3, 2, 1, 1, true, true), () => F.maxPool2d(x4, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true })],
  ['maxPool2d returnIndices in a bag after positionals', () => F.maxPool2d(x4, 3, 2, { returnIndices: true }), () => F.maxPool2d(x4, 3, { stride: 2, returnIndices: true })],
  ['maxPool1d', () => F.maxPool1d(x3, 3, 2, 1, 2, true), () => F.maxPool1d(x3, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true })],
  ['maxPool1d returnIndices', () => F.maxPool1d(x3, 2, 1, 0, 1, false, true), () => F.maxPool1d(x3, 2, { stride: 1, returnIndices: true })],
  ['avgPool2d', () => F.avgPool2d(x4, 3, 2, 1, true, false, 4), () => F.avgPool2d(x4, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4 })],
  ['avgPool2d(x, 2, 2)', () => F.avgPool2d(x4, 2, 2), () => F.avgPool2d(x4, 2, { stride: 2 })],
  ['avgPool1d', () => F.avgPool1d(x3, 3, 2, 1, true, false), () => F.avgPool1d(x3, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
  ['maxUnpool2d', () => F.maxUnpool2d(p2, i2, 2, 2, 0, [9, 9]), () => F.maxUnpool2d(p2, i2, 2, { stride: 2, outputSize: [9, 9] })],
  ['maxUnpool2d stride null', () => F.maxUnpool2d(p2, i2, 2, null), () => F.maxUnpool2d(p2, i2, 2)],
  ['maxUnpool1d', () => F.maxUnpool1d(p1, i1, 2, 2, 0, [9]), () => F.maxUnpool1d(p1, i1, 2, { stride: 2, outputSize: [9] })],
  ['adaptiveMaxPool2d returnIndices', () => F.adaptiveMaxPool2d(x4, [2, 3], true), () => F.adaptiveMaxPool2d(x4, [2, 3], { returnIndices: true })],
  ['adaptiveMaxPool1d returnIndices', () => F.adaptiveMaxPool1d(x3, 4, true), () => F.adaptiveMaxPool1d(x3, 4, { returnIndices: true })],
  ['layerNorm(x, shape, w, b, eps)', () => F.layerNorm(x4, [9], lw, lb, 1e-3), () => F.layerNorm(x4, [9], { weight: lw, bias: lb, eps: 1e-3 })],
  ['layerNorm(x, shape, null, b)', () => F.layerNorm(x4, [9], null, lb), () => F.layerNorm(x4, [9], { bias: lb })],
  ['layerNorm(x, shape, w, { eps })', () => F.layerNorm(x4, [9], lw, { eps: 0.1 }), () => F.layerNorm(x4, [9], { weight: lw, eps: 0.1 })],
  ['groupNorm', () => F.groupNorm(x4, 2, gw, gb, 1e-3), () => F.groupNorm(x4, 2, { weight: gw, bias: gb, eps: 1e-3 })],
  ['batchNorm training', () => { const [m, v] = stats(); return [F.batchNorm(x4, m, v, gw, gb, true, 0.2, 1e-3), m, v]; }, () => { const [m, v] = stats(); return [F.batchNorm(x4, m, v, { weight: gw, bias: gb, training: true, momentum: 0.2, eps: 1e-3 }), m, v]; }],
  ['batchNorm eval', () => { const [m, v] = stats(); return F.batchNorm(x4, m, v, gw, gb); }, () => { const [m, v] = stats(); return F.batchNorm(x4, m, v, { weight: gw, bias: gb }); }],
  ['instanceNorm', () => { const [m, v] = stats(); return [F.instanceNorm(x4, m, v, gw, gb, true, 0.2, 1e-3), m, v]; }, () => { const [m, v] = stats(); return [F.instanceNorm(x4, { runningMean: m, runningVar: v, weight: gw, bias: gb, momentum: 0.2, eps: 1e-3 }), m, v]; }],
  ['crossEntropy(x, y, w)', () => F.crossEntropy(logits, y5, cw), () => F.crossEntropy(logits, y5, { weight: cw })],
  ['crossEntropy all', () => F.crossEntropy(logits, y5, cw, null, 1, null, 'sum', 0.1), () => F.crossEntropy(logits, y5, { weight: cw, ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.1 })],
  ['crossEntropy(x, y, null, { reduction })', () => F.crossEntropy(logits, y5, null, { reduction: 'none' }), () => F.crossEntropy(logits, y5, { reduction: 'none' })],
  ['nllLoss', () => F.nllLoss(logits, y5, cw, null, 1, null, 'none'), () => F.nllLoss(logits, y5, { weight: cw, ignoreIndex: 1, reduction: 'none' })],
  ['binaryCrossEntropy', () => F.binaryCrossEntropy(probs, target6, a6.abs(), null, null, 'sum'), () => F.binaryCrossEntropy(probs, target6, { weight: a6.abs(), reduction: 'sum' })],
  ['binaryCrossEntropyWithLogits', () => F.binaryCrossEntropyWithLogits(a6, target6, null, null, null, 'sum', b6v.abs()), () => F.binaryCrossEntropyWithLogits(a6, target6, { reduction: 'sum', posWeight: b6v.abs() })],
  ['mseLoss', () => F.mseLoss(a6, b6v, null, null, 'sum'), () => F.mseLoss(a6, b6v, { reduction: 'sum' })],
  ['l1Loss', () => F.l1Loss(a6, b6v, null, null, 'none'), () => F.l1Loss(a6, b6v, { reduction: 'none' })],
  ['smoothL1Loss', () => F.smoothL1Loss(a6, b6v, null, null, 'sum', 0.5), () => F.smoothL1Loss(a6, b6v, { reduction: 'sum', beta: 0.5 })],
  ['huberLoss', () => F.huberLoss(a6, b6v, 'sum', 0.5), () => F.huberLoss(a6, b6v, { reduction: 'sum', delta: 0.5 })],
  ['klDiv', () => F.klDiv(a6, b6v, null, null, 'batchmean', true), () => F.klDiv(a6, b6v, { reduction: 'batchmean', logTarget: true })],
  ['softMarginLoss', () => F.softMarginLoss(a6, pm, null, null, 'sum'), () => F.softMarginLoss(a6, pm, { reduction: 'sum' })],
  ['marginRankingLoss', () => F.marginRankingLoss(a6, b6v, pm, 0.5), () => F.marginRankingLoss(a6, b6v, pm, { margin: 0.5 })],
  ['hingeEmbeddingLoss', () => F.hingeEmbeddingLoss(a6, pm, 0.5, null, null, 'none'), () => F.hingeEmbeddingLoss(a6, pm, { margin: 0.5, reduction: 'none' })],
  ['cosineEmbeddingLoss', () => F.cosineEmbeddingLoss(logits, logits.flip(0), y5.float().sub(1.5).sign(), 0.25), () => F.cosineEmbeddingLoss(logits, logits.flip(0), y5.float().sub(1.5).sign(), { margin: 0.25 })],
  ['tripletMarginLoss', () => F.tripletMarginLoss(logits, logits.flip(0), logits.flip(1), 0.5, 1, 1e-5, true), () => F.tripletMarginLoss(logits, logits.flip(0), logits.flip(1), { margin: 0.5, p: 1, eps: 1e-5, swap: true })],
  ['poissonNllLoss', () => F.poissonNllLoss(probs, target6, false, true, null, 1e-6), () => F.poissonNllLoss(probs, target6, { logInput: false, full: true, eps: 1e-6 })],
  ['gaussianNllLoss', () => F.gaussianNllLoss(a6, b6v, probs, true, 1e-3, 'sum'), () => F.gaussianNllLoss(a6, b6v, probs, { full: true, eps: 1e-3, reduction: 'sum' })],
  ['multiMarginLoss', () => F.multiMarginLoss(logits, y5, 2, 0.5, cw), () => F.multiMarginLoss(logits, y5, { p: 2, margin: 0.5, weight: cw })],
  ['unfold(x, k, dilation, padding, stride)', () => F.unfold(x4, 3, 1, 1, 2), () => F.unfold(x4, 3, { padding: 1, stride: 2 })],
  ['fold(cols, size, k, dilation, padding, stride)', () => F.fold(F.unfold(x4, 3, 1, 1, 2), [9, 9], 3, [1, 1], 1, 2), () => F.fold(F.unfold(x4, 3, { padding: 1, stride: 2 }), [9, 9], 3, { padding: 1, stride: 2 })],
  ['scaledDotProductAttention(q, k, v, mask)', () => F.scaledDotProductAttention(x4, x4, x4, x4.gt(0)), () => F.scaledDotProductAttention(x4, x4, x4, { attnMask: x4.gt(0) })],
  ['scaledDotProductAttention(q, k, v, null, 0, true, { scale })', () => F.scaledDotProductAttention(x4, x4, x4, null, 0, true, { scale: 0.5 }), () => F.scaledDotProductAttention(x4, x4, x4, { isCausal: true, scale: 0.5 })],
  ['dropout(x, p, training, inplace)', () => F.dropout(x4, 0.3, true, true), () => F.dropout(x4, 0.3, true)],
  ['dropout2d(x, p, training, inplace)', () => F.dropout2d(x4, 0.3, false, false), () => F.dropout2d(x4, 0.3, false)],
  ['embedding paddingIdx (the gradient)', () => embeddingGrad((w) => F.embedding([0, 2, 2, 1], w, 2)), () => embeddingGrad((w) => F.embedding([0, 2, 2, 1], w, { paddingIdx: 2 }))],
  ['embedding with PyTorch\'s defaults after paddingIdx', () => embeddingGrad((w) => F.embedding([0, 2, 2, 1], w, 2, null, 2, false, false)), () => embeddingGrad((w) => F.embedding([0, 2, 2, 1], w, { paddingIdx: 2 }))],
];

/** The embedding's output and its weight's gradient (padding_idx shows there only), for upstream 0, 1, 2, ... */
function embeddingGrad(run: (w: Tensor) => Tensor): Tensor[] {
  const w = tensor([[1, 2], [3, 4], [5, 6]]).requiresGrad_(true);
  const y = run(w);
  y.mul(tensor([0, 1, 2, 3, 4, 5, 6, 7]).reshape([4, 2])).sum().backward();
  return [y, w.grad!];
}

describe('F takes PyTorch\'s positional forms: the same bits as the options bag', () => {
  it.each(rows)('%s', (_, positional, bag) => {
    manualSeed(1);
    const a = all(positional());
    manualSeed(1);
    expect(a).toEqual(all(bag()));
  });

  it('embedding\'s paddingIdx positionally stops the gradient of its row', () => {
    expect(embeddingGrad((w) => F.embedding([0, 2, 2, 1], w, 2))[1]!.tolist()).toEqual([[0, 1], [6, 7], [0, 0]]);
  });

  it('maxPool\'s positional returnIndices gives [values, indices], typed as a pair', () => {
    const r = F.maxPool2d(x4, 2, 2, 0, 1, false, true);
    expectTypeOf(r).toEqualTypeOf<[Tensor, Tensor]>();
    expect(Array.isArray(r) && r[1].dtype).toBe(int64);
    expectTypeOf(F.maxPool2d(x4, 2, 2)).toEqualTypeOf<Tensor>();
    expectTypeOf(F.maxPool2d(x4, 2, 2, 0, 1, false, false)).toEqualTypeOf<Tensor>();
    expectTypeOf(F.maxPool2d(x4, 2, { returnIndices: true })).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.maxPool2d(x4, 2, 2, 1, { returnIndices: true })).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.maxPool2d(x4, 2, 2, 0, 1, false, true as boolean)).toEqualTypeOf<Tensor | [Tensor, Tensor]>();
    expectTypeOf(F.maxPool1d(x3, 2, 2, 0, 1, false, true)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.maxPool1d(x3, 2, 2)).toEqualTypeOf<Tensor>();
    expectTypeOf(F.adaptiveMaxPool2d(x4, 2, true)).toEqualTypeOf<[Tensor, Tensor]>();
    expectTypeOf(F.adaptiveMaxPool1d(x3, 2)).toEqualTypeOf<Tensor>();
    expect(Array.isArray(F.maxPool1d(x3, 2, 2, 0, 1, false, true))).toBe(true);
    expect(Array.isArray(F.adaptiveMaxPool2d(x4, 2, true))).toBe(true);
    expect(F.maxPool2d(x4, 2, 2, 0, 1, false, false)).toBeInstanceOf(Tensor);
  });
});

type ErrorRow = [name: string, call: () => unknown, message: string | RegExp, kind?: new (...a: never[]) => Error];
const w = ones([9]);
const errors: ErrorRow[] = [
  // wrong types
  ['conv2d stride a string', () => F.conv2d(x4, w2, b6, 'x' as never), 'conv2d: stride (positional 1) must be an integer or a tuple of them, got string x'],
  ['conv2d padding not a mode', () => F.conv2d(x4, w2, b6, 1, 'full' as never), "conv2d: padding (positional 2) must be an integer, a tuple of them, 'same' or 'valid', got string full"],
  ['conv2d groups a string', () => F.conv2d(x4, w2, b6, 1, 0, 1, '2' as never), 'conv2d: groups (positional 4) must be a number, got string 2'],
  ['conv2d a bad value still checked', () => F.conv2d(x4, w2, b6, 0, 0, 1, 2), 'conv2d: stride must be a positive integer or a pair of them, got 0', RangeError],
  ['conv1d dilation a boolean', () => F.conv1d(x3, w1, b6, 1, 0, true as never), 'conv1d: dilation (positional 3) must be an integer or a tuple of them, got boolean true'],
  ['maxPool2d ceilMode a number', () => F.maxPool2d(x4, 2, 2, 0, 1, 1 as never), 'maxPool2d: ceilMode (positional 4) must be a boolean, got number 1'],
  ['maxPool2d returnIndices a string', () => F.maxPool2d(x4, 2, 2, 0, 1, false, 'yes' as never), 'maxPool2d: returnIndices (positional 5) must be a boolean, got string yes'],
  ['maxPool1d stride a string', () => F.maxPool1d(x3, 2, '2' as never), 'maxPool1d: stride (positional 1) must be an integer, a tuple of them or null, got string 2'],
  ['avgPool2d divisorOverride a string', () => F.avgPool2d(x4, 2, 2, 0, false, true, '4' as never), 'avgPool2d: divisorOverride (positional 5) must be a number or null, got string 4'],
  ['avgPool1d countIncludePad a number', () => F.avgPool1d(x3, 2, 2, 0, false, 0 as never), 'avgPool1d: countIncludePad (positional 4) must be a boolean, got number 0'],
  ['maxUnpool2d outputSize a number', () => F.maxUnpool2d(p2, i2, 2, 2, 0, 9 as never), 'maxUnpool2d: outputSize (positional 3) must be a list of integers or null, got number 9'],
  ['adaptiveMaxPool2d returnIndices a number', () => F.adaptiveMaxPool2d(x4, 2, 1 as never), 'adaptiveMaxPool2d: returnIndices (positional 1) must be a boolean, got number 1'],
  ['layerNorm weight an array', () => F.layerNorm(x4, [9], [1, 2] as never), 'layerNorm: weight (positional 1) must be a Tensor or null, got an array'],
  ['layerNorm eps a string', () => F.layerNorm(x4, [9], w, null, '1e-5' as never), 'layerNorm: eps (positional 3) must be a number, got string 1e-5'],
  ['batchNorm training a number', () => F.batchNorm(x4, null, null, null, null, 1 as never), 'batchNorm: training (positional 3) must be a boolean, got number 1'],
  ['groupNorm bias a number', () => F.groupNorm(x4, 2, null, 0 as never), 'groupNorm: bias (positional 2) must be a Tensor or null, got number 0'],
  ['instanceNorm useInputStats a string', () => F.instanceNorm(x4, null, null, null, null, 'no' as never), 'instanceNorm: useInputStats (positional 5) must be a boolean, got string no'],
  ['crossEntropy weight an array', () => F.crossEntropy(logits, y5, [1, 2, 3, 4] as never), 'crossEntropy: weight (positional 1) must be a Tensor or null, got an array'],
  ['crossEntropy reduction a number', () => F.crossEntropy(logits, y5, null, null, -100, null, 1 as never), 'crossEntropy: reduction (positional 5) must be a string, got number 1'],
  ['crossEntropy a bad reduction still checked', () => F.crossEntropy(logits, y5, null, null, -100, null, 'avg' as never), `crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"`, RangeError],
  ['huberLoss delta a string', () => F.huberLoss(a6, b6v, 'sum', '1' as never), 'huberLoss: delta (positional 2) must be a number, got string 1'],
  // PyTorch's deprecated and unsupported parameters: their default only
  ['crossEntropy size_average', () => F.crossEntropy(logits, y5, null, true as never), "crossEntropy: sizeAverage (positional 2) must be null (PyTorch's deprecated size_average; give reduction instead), got boolean true"],
  ['nllLoss reduce', () => F.nllLoss(logits, y5, null, null, -100, false as never), "nllLoss: reduce (positional 4) must be null (PyTorch's deprecated reduce; give reduction instead), got boolean false"],
  ['mseLoss a tensor where size_average goes', () => F.mseLoss(a6, b6v, a6 as never), "mseLoss: sizeAverage (positional 1) must be null (PyTorch's deprecated size_average; give reduction instead), got Tensor"],
  ['mseLoss reduction where size_average goes', () => F.mseLoss(a6, b6v, 'sum' as never), "mseLoss: sizeAverage (positional 1) must be null (PyTorch's deprecated size_average; give reduction instead), got string sum"],
  ['deprecated names are not options', () => F.crossEntropy(logits, y5, { sizeAverage: null } as never), /^crossEntropy: unknown option 'sizeAverage' \(options: weight, ignoreIndex, reduction, labelSmoothing\)/],
  ['embedding maxNorm', () => F.embedding([0], ones([2, 2]), null, 1 as never), 'embedding: maxNorm (positional 2) must be null (max_norm is not supported), got number 1'],
  ['embedding scaleGradByFreq', () => F.embedding([0], ones([2, 2]), null, null, 2, true as never), 'embedding: scaleGradByFreq (positional 4) must be false (scale_grad_by_freq is not supported), got boolean true'],
  ['embedding sparse', () => F.embedding([0], ones([2, 2]), null, null, 2, false, true as never), 'embedding: sparse (positional 5) must be false (sparse gradients are not supported), got boolean true'],
  ['embedding paddingIdx a string', () => F.embedding([0], ones([2, 2]), '0' as never), 'embedding: paddingIdx (positional 1) must be a number or null, got string 0'],
  ['dropout a number for the generator', () => F.dropout(x4, 0.5, true, 3 as never), "dropout: generator (or PyTorch's inplace) must be a Generator or a boolean, got number 3"],
  // a name given both ways
  ['conv2d stride twice', () => F.conv2d(x4, w2, b6, 2, { stride: 2 } as never), "conv2d: got multiple values for argument 'stride'"],
  ['maxPool2d returnIndices twice', () => F.maxPool2d(x4, 2, 2, 0, 1, false, true, { returnIndices: true } as never), "maxPool2d: got multiple values for argument 'returnIndices'"],
  ['layerNorm eps twice', () => F.layerNorm(x4, [9], w, null, 1e-5, { eps: 1e-5 } as never), "layerNorm: got multiple values for argument 'eps'"],
  ['crossEntropy weight twice', () => F.crossEntropy(logits, y5, cw, { weight: cw } as never), "crossEntropy: got multiple values for argument 'weight'"],
  // too many
  ['conv2d too many', () => F.conv2d(x4, w2, b6, 1, 0, 1, 1, 1 as never), 'conv2d: takes at most 4 optional positional arguments (stride, padding, dilation, groups), got 5: number 1, number 0, number 1, number 1, number 1'],
  ['maxPool2d too many', () => F.maxPool2d(x4, 2, 2, 0, 1, false, false, false as never), /^maxPool2d: takes at most 5 optional positional arguments \(stride, padding, dilation, ceilMode, returnIndices\), got 6/],
  ['avgPool1d takes no divisorOverride', () => F.avgPool1d(x3, 2, 2, 0, false, true, 2 as never), /^avgPool1d: takes at most 4 optional positional arguments \(stride, padding, ceilMode, countIncludePad\), got 5/],
  ['layerNorm too many', () => F.layerNorm(x4, [9], w, null, 1e-5, true as never), 'layerNorm: takes at most 3 optional positional arguments (weight, bias, eps), got 4: Tensor, null, number 0.00001, boolean true'],
  ['nllLoss takes no labelSmoothing', () => F.nllLoss(logits, y5, null, null, -100, null, 'mean', 0.1 as never), /^nllLoss: takes at most 5 optional positional arguments \(weight, sizeAverage, ignoreIndex, reduce, reduction\), got 6/],
  ['huberLoss too many', () => F.huberLoss(a6, b6v, 'sum', 1, 2 as never), /^huberLoss: takes at most 2 optional positional arguments \(reduction, delta\), got 3/],
  // a Tensor (or another class instance) where the options bag goes: said plainly
  ['groupNorm a tensor after eps', () => F.groupNorm(x4, 2, gw, gb, 1e-5, gw as never), 'groupNorm: options must be a plain object, got Tensor'],
  ['gelu a tensor for options', () => F.gelu(x4, w as never), 'gelu: options must be a plain object, got Tensor'],
  ['layerNorm a tensor after eps', () => F.layerNorm(x4, [9], w, w, 1e-5, w as never), 'layerNorm: options must be a plain object, got Tensor'],
  ['fold a Map for options', () => F.fold(ones([1, 4, 9]), [4, 4], 2, 1, 0, 1, new Map() as never), 'fold: options must be a plain object, got Map'],
  ['a number for options is still "an object"', () => F.gelu(x4, 5 as never), 'gelu: options must be an object, got number 5'],
  ['a Tensor for a layer\'s options', () => nn.init.uniform_(zeros([2]), 0, 1, w as never), /^uniform_: options must be a plain object, got Tensor/],
  ['unfold dilation', () => F.unfold(x4, 2, 2 as never), 'unfold: dilation (positional 1) must be 1 (dilation is not supported), got number 2'],
  ['scaledDotProductAttention scale is keyword-only', () => F.scaledDotProductAttention(x4, x4, x4, null, 0, false, 0.5 as never), /^scaledDotProductAttention: takes at most 3 optional positional arguments \(attnMask, dropoutP, isCausal\), got 4/],
  ['scaledDotProductAttention attnMask an array', () => F.scaledDotProductAttention(x4, x4, x4, [true] as never), 'scaledDotProductAttention: attnMask (positional 1) must be a Tensor or null, got an array'],
];

describe('F\'s positional forms are refused naming the function, the parameter and the value', () => {
  it.each(errors)('%s', (_, call, message, kind = TypeError) => {
    expect(call).toThrow(kind);
    if (typeof message === 'string') expect(call).toThrow(message);
    else expect(call).toThrow(message);
  });

  it('a null-prototype record and an object from JSON are options bags', () => {
    const bag = Object.assign(Object.create(null) as Record<string, unknown>, { stride: 2 });
    expect(all(F.maxPool2d(x4, 2, bag))).toEqual(all(F.maxPool2d(x4, 2, JSON.parse('{"stride": 2}') as { stride: number })));
  });
});
