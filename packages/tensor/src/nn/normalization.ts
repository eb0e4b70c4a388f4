import { ones, randn, zeros } from '../ops/creation.js';
import { int64 } from '../dtype.js';
import * as F from '../ops/nn/index.js';
import { noGrad } from '../autograd.js';
import { checkOptions } from '../options.js';
import type { Generator } from '../random.js';
import { fmt } from '../shape.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module, Parameter } from './module.js';
import { pyBool, pyFloat } from './layers.js';
import { bool, fnOptions, foldPositional, num, numOrNull, type Positional, type PositionalParam } from '../call-forms.js';

function checkCount(op: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${arg} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function checkBool(op: string, arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${arg} must be a boolean, got ${String(v)}`);
  return v;
}

function checkEps(op: string, v: unknown): number {
  if (v === undefined) return 1e-5;
  if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`${op}: eps must be a non-negative number, got ${String(v)}`);
  return v;
}

export interface BatchNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); `null` for a cumulative average. */
  momentum?: number | null;
  /** Learn `weight` (ones) and `bias` (zeros) per channel (default true). */
  affine?: boolean;
  /** Keep `running_mean`/`running_var`/`num_batches_tracked` buffers and use them in eval mode (default true). */
  trackRunningStats?: boolean;
}

/** PyTorch's order after `numFeatures`: `(eps, momentum, affine, trackRunningStats)`, then an options bag. */
type BatchNormRest = Positional<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormModuleOptions>;

abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  /** Weight of each batch in the running statistics; `null` for a cumulative average (may be changed, as in PyTorch). */
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  /** Buffer `running_mean` `[C]` (null without `trackRunningStats`). */
  readonly runningMean: Tensor | null;
  /** Buffer `running_var` `[C]`. */
  readonly runningVar: Tensor | null;
  /**
   * Buffer `num_batches_tracked`: a 0-d int64 tensor, as PyTorch's, incremented in place by each
   * training forward. A checkpoint that holds it as float32 (tensile before dtypes) still loads:
   * `loadStateDict` casts as PyTorch's `copy_`.
   */
  readonly numBatchesTracked: Tensor | null;

  /** `defaults`: `affine` and `trackRunningStats` when not given (true for batch norm, false for instance norm). */
  constructor(numFeatures: number, rest: BatchNormRest, defaults = { affine: true, trackRunningStats: true }) {
    super();
    const op = this.constructor.name;
    const options = checkOptions(op, foldPositional(op, rest, [num('eps'), numOrNull('momentum'), bool('affine'), bool('trackRunningStats')]) as BatchNormModuleOptions, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    this.numFeatures = checkCount(op, 'numFeatures', numFeatures, 1);
    this.eps = checkEps(op, options.eps);
    const m = options.momentum === undefined ? 0.1 : options.momentum;
    if (m !== null && (typeof m !== 'number' || !(m >= 0 && m <= 1))) throw new RangeError(`${op}: momentum must be in [0, 1] or null, got ${String(m)}`);
    this.momentum = m;
    this.affine = checkBool(op, 'affine', options.affine, defaults.affine);
    this.trackRunningStats = checkBool(op, 'trackRunningStats', options.trackRunningStats, defaults.trackRunningStats);
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: int64 }) : null);
  }

  /** Sets the running statistics back to mean 0, variance 1, 0 batches. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.fill_(0);
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.fill_(0);
    });
  }

  protected abstract checkInputDim(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      // PyTorch: momentum null means a cumulative moving average, factor 1/num_batches_tracked
      // (PyTorch's `1.0 / float(num_batches_tracked)`: a double, as item() gives it).
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(x, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]` (PyTorch's `nn.BatchNorm1d`), with running
 * statistics in buffers `running_mean`, `running_var`, `num_batches_tracked` (PyTorch's keys).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const bn = new nn.BatchNorm1d(4);
 * bn.call(randn([8, 4]));          // normalised with the batch statistics
 * bn.eval().call(randn([2, 4]));   // with the running ones
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  /** PyTorch's order: `new nn.BatchNorm1d(64, 1e-5, 0.1)` or `new nn.BatchNorm1d(64, { eps: 1e-5, momentum: 0.1 })`. */
  constructor(numFeatures: number, ...rest: BatchNormRest) {
    super(numFeatures, rest);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input of shape ${fmt(x.shape)})`);
  }
}

/**
 * Batch normalisation over `[N, C, H, W]` (PyTorch's `nn.BatchNorm2d`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.BatchNorm2d(3, { momentum: null }).call(randn([4, 3, 5, 5])).shape; // [4, 3, 5, 5]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  /** PyTorch's order: `new nn.BatchNorm2d(64, 1e-5, 0.1)` or `new nn.BatchNorm2d(64, { eps: 1e-5, momentum: 0.1 })`. */
  constructor(numFeatures: number, ...rest: BatchNormRest) {
    super(numFeatures, rest);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected 4D input (got ${x.ndim}D input of shape ${fmt(x.shape)})`);
  }
}

/**
 * Instance norm as PyTorch's `_InstanceNorm`: batch norm's parameters and buffers (`affine` and
 * `trackRunningStats` off by default), each sample's channels normalised over their positions.
 */
abstract class InstanceNormBase extends BatchNormBase {
  constructor(numFeatures: number, rest: BatchNormRest, private readonly unbatchedDims: number) {
    super(numFeatures, rest, { affine: false, trackRunningStats: false });
  }

  protected checkInputDim(): void {}

  override forward(x: Tensor): Tensor {
    const op = this.constructor.name, d = this.unbatchedDims;
    if (x.ndim !== d && x.ndim !== d + 1) throw new ShapeError(`${op}: expected ${d}D (unbatched) or ${d + 1}D (batched) input to ${op}, but got input of size: ${fmt(x.shape)}`);
    const C = x.shape[x.ndim - d]!;
    if (C !== this.numFeatures) {
      if (this.affine) throw new ShapeError(`${op}: expected input's size at dim=${x.ndim - d} to match num_features (${this.numFeatures}), but got: ${C}.`);
      (globalThis as { console?: { warn(message: string): void } }).console?.warn(`${op}: input's size at dim=${x.ndim - d} does not match num_features. You can silence this warning by not passing in num_features, which is not used because affine=False`);
    }
    if (x.ndim === d) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (this.momentum === null) throw new TypeError(`${op}: momentum must be a number for instance norm, got null`);
    return F.instanceNorm(x, {
      runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum, eps: this.eps,
    });
  }

}

/**
 * Instance normalisation over `[N, C, L]` (or unbatched `[C, L]`): each sample's channels over
 * their own positions (PyTorch's `nn.InstanceNorm1d`; `affine` and `trackRunningStats` default false).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.InstanceNorm1d(4).call(randn([2, 4, 10])).shape; // [2, 4, 10]
 * ```
 */
export class InstanceNorm1d extends InstanceNormBase {
  /** PyTorch's order: `(numFeatures, eps, momentum, affine, trackRunningStats)`, then an options bag. */
  constructor(numFeatures: number, ...rest: BatchNormRest) {
    super(numFeatures, rest, 2);
  }
}

/**
 * Instance normalisation over `[N, C, H, W]` (or unbatched `[C, H, W]`), style transfer's and
 * CycleGAN's norm (PyTorch's `nn.InstanceNorm2d`).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.InstanceNorm2d(3, { affine: true }).call(randn([2, 3, 8, 8])).shape; // [2, 3, 8, 8]
 * ```
 */
export class InstanceNorm2d extends InstanceNormBase {
  /** PyTorch's order: `(numFeatures, eps, momentum, affine, trackRunningStats)`, then an options bag. */
  constructor(numFeatures: number, ...rest: BatchNormRest) {
    super(numFeatures, rest, 3);
  }
}

/**
 * Recomputes every BatchNorm's running statistics with one pass over `loader` (PyTorch's
 * `torch.optim.swa_utils.update_bn`): the statistics are reset, momentum set to null (a
 * cumulative average over the pass), the model run in training mode on each batch's input (the
 * first element when a batch is an array), then momenta and the training flag restored. Use it
 * after averaging weights (SWA), whose running statistics are stale. Gradients are not recorded.
 *
 * @example
 * ```ts
 * import { nn, data, randn } from '@tensile/tensor';
 * const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
 * const loader = new data.DataLoader(new data.TensorDataset(randn([32, 3])), { batchSize: 8 });
 * nn.updateBn(loader, model);
 * ```
 */
export function updateBn(loader: Iterable<unknown>, model: Module): void {
  if (loader === null || typeof (loader as Iterable<unknown>)[Symbol.iterator] !== 'function') throw new TypeError(`updateBn: loader must be iterable, got ${String(loader)}`);
  if (!(model instanceof Module)) throw new TypeError(`updateBn: model must be a Module, got ${String(model)}`);
  const momenta = new Map<BatchNormBase, number | null>();
  for (const m of model.modules()) {
    if (m instanceof BatchNormBase) {
      m.resetRunningStats();
      momenta.set(m, m.momentum);
    }
  }
  if (momenta.size === 0) return;
  const wasTraining = model.training;
  model.train();
  for (const m of momenta.keys()) m.momentum = null;
  try {
    noGrad(() => {
      for (const batch of loader) {
        const input = Array.isArray(batch) ? (batch[0] as Tensor) : (batch as Tensor);
        model.forward(input);
      }
    });
  } finally {
    for (const [m, mom] of momenta) m.momentum = mom;
    model.train(wasTraining);
  }
}

export interface LayerNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn `weight` (ones) and, with `bias`, `bias` (zeros) of `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
  /** Learn the additive `bias` when `elementwiseAffine` (default true). */
  bias?: boolean;
}

/**
 * Layer normalisation over the trailing `normalizedShape` (a number or a shape of any rank).
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.LayerNorm([5, 10]).call(randn([20, 5, 10])).shape; // [20, 5, 10]
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  /** PyTorch's order: `(normalizedShape, eps, elementwiseAffine, bias)`, then an options bag. */
  constructor(normalizedShape: number | readonly number[], ...rest: Positional<[eps: number, elementwiseAffine: boolean, bias: boolean], LayerNormModuleOptions>) {
    super();
    const options = checkOptions('LayerNorm', foldPositional('LayerNorm', rest, [num('eps'), bool('elementwiseAffine'), bool('bias')]) as LayerNormModuleOptions, ['eps', 'elementwiseAffine', 'bias']);
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : null;
    if (!ns || !ns.every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`LayerNorm: normalizedShape must be a non-negative integer or a list of them, got ${String(normalizedShape)}`);
    this.normalizedShape = ns;
    this.eps = checkEps('LayerNorm', options.eps);
    this.elementwiseAffine = checkBool('LayerNorm', 'elementwiseAffine', options.elementwiseAffine, true);
    const useBias = checkBool('LayerNorm', 'bias', options.bias, true);
    this.weight = this.elementwiseAffine ? new Parameter(ones(ns)) : null;
    this.bias = this.elementwiseAffine && useBias ? new Parameter(zeros(ns)) : null;
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  protected override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

export interface GroupNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn per-channel `weight` (ones) and `bias` (zeros) (default true). */
  affine?: boolean;
}

/**
 * Group normalisation: `numChannels` split into `numGroups` groups, each normalised separately.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.GroupNorm(3, 6).call(randn([20, 6, 10, 10])).shape; // [20, 6, 10, 10]
 * ```
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  /** PyTorch's order: `(numGroups, numChannels, eps, affine)`, then an options bag. */
  constructor(numGroups: number, numChannels: number, ...rest: Positional<[eps: number, affine: boolean], GroupNormModuleOptions>) {
    super();
    const options = checkOptions('GroupNorm', foldPositional('GroupNorm', rest, [num('eps'), bool('affine')]) as GroupNormModuleOptions, ['eps', 'affine']);
    this.numGroups = checkCount('GroupNorm', 'numGroups', numGroups, 1);
    this.numChannels = checkCount('GroupNorm', 'numChannels', numChannels, 1);
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels must be divisible by numGroups, got ${numChannels} and ${numGroups}`);
    this.eps = checkEps('GroupNorm', options.eps);
    this.affine = checkBool('GroupNorm', 'affine', options.affine, true);
    this.weight = this.affine ? new Parameter(ones([numChannels])) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

export interface EmbeddingModuleOptions {
  /** This row starts at zeros and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** PyTorch's `max_norm`: only `null` (renormalisation is not implemented). */
  maxNorm?: null;
  /** PyTorch's `norm_type` (used by `max_norm` only). */
  normType?: number;
  /** PyTorch's `scale_grad_by_freq`: only `false`. */
  scaleGradByFreq?: false;
  /** PyTorch's `sparse`: only `false`. */
  sparse?: false;
  /** Initialise N(0, 1) from this generator (default: the global one). */
  generator?: Generator;
  /** Use this tensor `[numEmbeddings, embeddingDim]` as the weight (PyTorch's `_weight`). */
  weight?: Tensor;
}

const EMBEDDING_PARAMS: readonly PositionalParam[] = [
  numOrNull('paddingIdx'),
  { name: 'maxNorm', is: (v) => v === null, expected: 'null (max_norm renormalisation is not implemented)' },
  num('normType'),
  { name: 'scaleGradByFreq', is: (v) => v === false, expected: 'false (scale_grad_by_freq is not implemented)' },
  { name: 'sparse', is: (v) => v === false, expected: 'false (sparse gradients are not implemented)' },
];

/**
 * A lookup table `weight` `[numEmbeddings, embeddingDim]`, initialised N(0, 1) (the `paddingIdx`
 * row zeros). Indices: a float32 tensor of integers, a `number[]` or an `Int32Array`.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.call([[1, 2, 4, 5], [4, 3, 2, 9]]).shape; // [2, 4, 3]
 * ```
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  /** An `nn.Parameter`; assign another one to tie weights (`decoder.weight = encoder.weight`). */
  weight: Tensor;

  /** PyTorch's order: `(numEmbeddings, embeddingDim, paddingIdx)`, then an options bag (PyTorch's `max_norm` and later are not supported). */
  constructor(numEmbeddings: number, embeddingDim: number, ...rest: Positional<[paddingIdx: number | null, maxNorm: null, normType: number, scaleGradByFreq: false, sparse: false], EmbeddingModuleOptions>) {
    super();
    const options = checkOptions('Embedding', foldPositional('Embedding', rest, EMBEDDING_PARAMS) as EmbeddingModuleOptions, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse', 'generator', 'weight']);
    for (const p of EMBEDDING_PARAMS.slice(1)) {
      const v = (options as Record<string, unknown>)[p.name];
      if (v !== undefined && !p.is(v)) throw new TypeError(`Embedding: ${p.name} must be ${p.expected}, got ${String(v)}`);
    }
    this.numEmbeddings = checkCount('Embedding', 'numEmbeddings', numEmbeddings, 0);
    this.embeddingDim = checkCount('Embedding', 'embeddingDim', embeddingDim, 0);
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) throw new RangeError(`Embedding: paddingIdx must be within numEmbeddings (${numEmbeddings}), got ${String(pad)}`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    if (options.weight !== undefined) {
      const w = options.weight;
      if (w.ndim !== 2 || w.shape[0] !== numEmbeddings || w.shape[1] !== embeddingDim) throw new ShapeError(`Embedding: weight has shape ${fmt(w.shape)}, expected [${numEmbeddings}, ${embeddingDim}]`);
      this.weight = new Parameter(w);
    } else {
      this.weight = new Parameter(randn([numEmbeddings, embeddingDim], options.generator ? { generator: options.generator } : {}));
      if (pad !== null) noGrad(() => this.weight.select(0, pad).fill_(0));
    }
  }

  forward(input: F.IndexLike): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}

/** `nn.LocalResponseNorm`'s options: `F.localResponseNorm`'s. */
export type LocalResponseNormModuleOptions = F.LocalResponseNormOptions;

/**
 * Local response normalisation across channels (`F.localResponseNorm`).
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.LocalResponseNorm(2).call(randn([2, 4, 3, 3])).shape; // [2, 4, 3, 3]
 * String(new nn.LocalResponseNorm(2));                          // 'LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)'
 * ```
 */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  /** PyTorch's `(size, alpha, beta, k)` or `(size, { alpha, beta, k })`. */
  constructor(size: number, ...rest: Positional<[alpha: number, beta: number, k: number], LocalResponseNormModuleOptions>) {
    super();
    const o = fnOptions<LocalResponseNormModuleOptions>('LocalResponseNorm', rest, [num('alpha'), num('beta'), num('k')]);
    this.size = checkCount('LocalResponseNorm', 'size', size, 1);
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1;
    for (const [n, v] of [['alpha', this.alpha], ['beta', this.beta], ['k', this.k]] as const) if (typeof v !== 'number') throw new TypeError(`LocalResponseNorm: ${n} must be a number, got ${String(v)}`);
  }
  forward(x: Tensor): Tensor {
    return F.localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
  protected override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
