/**
 * Layers, containers and losses with PyTorch's `torch.nn` semantics, exported as `nn`.
 *
 * @example
 * ```ts
 * import { nn, randn, tensor } from '@tensile/tensor';
 * const model = new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Linear(10, 4));
 * const loss = new nn.CrossEntropyLoss().call(model.call(randn([2, 6])), tensor([0, 3]));
 * loss.backward();
 * ```
 */
export { Module, Parameter, type StateDict, type LoadStateDictOptions, type LoadStateDictResult, type ForwardPreHook, type ForwardHook, type HookOptions } from './module.js';
export {
  Linear, Conv1d, Conv2d, MaxPool2d, ReLU, Tanh, Sigmoid, GELU, Dropout, Dropout2d, AlphaDropout, Identity, Flatten, Sequential,
  type InitOptions, type LinearOptions, type Conv1dOptions, type Conv2dOptions, type MaxPool2dModuleOptions,
} from './layers.js';
export { ModuleList, ModuleDict, ParameterList, ParameterDict } from './container.js';
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export { AvgPool2d, AdaptiveAvgPool2d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, MaxUnpool2d, MaxUnpool1d, AdaptiveMaxPool2d, AdaptiveMaxPool1d, type MaxPool1dModuleOptions, type AdaptiveMaxPoolModuleOptions } from './pooling.js';
export { LeakyReLU, ELU, SiLU, Softplus, Softmax, LogSoftmax, Hardtanh, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, Softsign, SELU, CELU, Mish, GLU, Softmin, Threshold, PReLU, Hardshrink, Softshrink, Tanhshrink, Softmax2d, RReLU, type RReLUModuleOptions } from './activation.js';
export {
  BatchNorm1d, BatchNorm2d, InstanceNorm1d, InstanceNorm2d, LayerNorm, GroupNorm, Embedding, LocalResponseNorm, updateBn,
  type LocalResponseNormModuleOptions, type BatchNormModuleOptions, type LayerNormModuleOptions, type GroupNormModuleOptions, type EmbeddingModuleOptions,
} from './normalization.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, BCEWithLogitsLoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, KLDivLoss, MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss, MultiMarginLoss } from './loss.js';
export {
  RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell,
  type RNNBaseOptions, type RNNOptions, type LSTMOptions, type RNNCellBaseOptions, type RNNCellOptions,
} from './rnn.js';
export * as init from './init.js';
export * as utils from './utils.js';
export { ConvTranspose1d, ConvTranspose2d, type ConvTranspose1dModuleOptions, type ConvTranspose2dModuleOptions } from './conv-transpose.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './attention.js';
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer,
  type TransformerLayerOptions, type TransformerOptions, type TransformerEncoderForwardOptions, type TransformerEncoderLayerForwardOptions,
  type TransformerDecoderForwardOptions, type TransformerDecoderLayerForwardOptions, type TransformerForwardOptions, type Activation,
} from './transformer.js';
export { Unflatten } from './layers.js';
export { ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d } from './padding.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, type UpsampleOptions } from './upsampling.js';
