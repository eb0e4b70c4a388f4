/**
 * Functional neural-network ops (PyTorch's `torch.nn.functional`), exported as `F`.
 * Forward passes run through kernels; backward passes are written with differentiable ops,
 * so higher-order gradients work.
 */
export type { Reduction, ReductionOptions, NllLossOptions, CrossEntropyOptions } from '../nn-options.js';
export { relu, sigmoid, tanh, gelu } from '../unary.js';
export type { IndexLike } from './common.js';
export { softmax, logSoftmax, leakyRelu, elu, silu, softplus, hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, softsign, selu, celu, mish, glu, softmin, threshold, prelu, hardshrink, softshrink, tanhshrink, rrelu, gumbelSoftmax, type RReLUOptions, type GumbelSoftmaxOptions, type SoftmaxOptions } from './activation.js';
export {
  nllLoss, crossEntropy, mseLoss, binaryCrossEntropyWithLogits, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, klDiv,
  marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss, poissonNllLoss, gaussianNllLoss, multiMarginLoss,
  type MarginLossOptions, type TripletMarginLossOptions, type PoissonNllLossOptions, type GaussianNllLossOptions, type MultiMarginLossOptions,
  type SmoothL1LossOptions, type BCEWithLogitsOptions, type HuberLossOptions, type BCELossOptions, type KLDivReduction, type KLDivOptions,
} from './loss.js';
export { linear } from './linear.js';
export { normalize, cosineSimilarity, pairwiseDistance, oneHot } from './distance.js';
export { unfold, fold, conv2d, conv1d, type Conv2dOptions, type Conv1dOptions, type UnfoldOptions } from './conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, maxPool1d, avgPool1d, adaptiveAvgPool1d, maxUnpool2d, maxUnpool1d, adaptiveMaxPool2d, adaptiveMaxPool1d, type AdaptiveMaxPoolOptions, type MaxPool2dOptions, type AvgPool2dOptions, type MaxPool1dOptions, type AvgPool1dOptions, type MaxUnpool2dOptions, type MaxUnpool1dOptions } from './pooling.js';
export { dropout, dropout2d, alphaDropout, type AlphaDropoutOptions } from './dropout.js';
export { batchNorm, layerNorm, groupNorm, instanceNorm, localResponseNorm, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions, type InstanceNormOptions, type LocalResponseNormOptions } from './normalization.js';
export { embedding, type EmbeddingOptions } from './sparse.js';
export { convTranspose1d, convTranspose2d, type ConvTranspose1dOptions, type ConvTranspose2dOptions } from './conv-transpose.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from './attention.js';
export { pad, type PadMode, type PadOptions } from './padding.js';
export { interpolate, pixelShuffle, pixelUnshuffle, type InterpolateMode, type InterpolateOptions } from './upsampling.js';
