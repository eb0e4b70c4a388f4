/**
 * Recurrent layers with PyTorch's constructors, parameter names, gate layout, initialisation and
 * errors: `RNN`, `LSTM`, `GRU` and their cells. A PyTorch state dict loads as is.
 */
import { uniform, zeros } from '../ops/creation.js';
import { cellStep, GATES, recurrent, type CellWeights, type RecurrentMode, type State } from '../ops/nn/recurrent.js';
import { linear } from '../ops/nn/linear.js';
import { transpose, unsqueeze, squeeze, indexSelect } from '../ops/movement.js';
import { checkOptions } from '../options.js';
import { toDType, type DType, type DTypeLike } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';
import { bool, foldPositional, num, type Positional, type PositionalParam } from '../call-forms.js';
import { Module, Parameter } from './module.js';
import { pyBool, pyFloat, type InitOptions } from './layers.js';
import { PackedSequence } from './rnn-utils.js';

/**
 * Options of `nn.RNN`, `nn.LSTM` and `nn.GRU`: PyTorch's keyword arguments in camelCase. A
 * `generator` draws the initial parameters and, as `nn.Dropout`'s, the dropout masks.
 */
export interface RNNBaseOptions extends InitOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are `[batch, seq, feature]` (default false: `[seq, batch, feature]`). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second, reversed direction per layer and concatenate (default false). */
  bidirectional?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DTypeLike;
}

/** Options of `nn.RNN`. */
export interface RNNOptions extends RNNBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of `nn.LSTM`. */
export interface LSTMOptions extends RNNBaseOptions {
  /** Project `h` to this size with `weight_hr_l{k}` (default 0: no projection). */
  projSize?: number;
}

/** PyTorch's positional parameters after `(inputSize, hiddenSize)`. */
export type RNNPositional = [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean];
/** `nn.LSTM` also takes `projSize` positionally (PyTorch's `RNNBase` signature). */
export type LSTMPositional = [...RNNPositional, projSize: number];

const RNN_PARAMS: readonly PositionalParam[] = [num('numLayers'), bool('bias'), bool('batchFirst'), num('dropout'), bool('bidirectional')];
const BASE_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'generator'] as const;

function checkSize(op: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${arg} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

function checkBool(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${arg} must be a boolean, got ${describe(v)}`);
  return v;
}

function checkFloat(op: string, t: Tensor, dtype: DType, what: string): void {
  if (t.dtype !== dtype) throw new TypeError(`${op}: ${what} must have the type ${dtype.toString()}, got type ${t.dtype.toString()}`);
}

const tuple = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
const list = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * The shared machinery of `nn.RNN`, `nn.LSTM` and `nn.GRU` (PyTorch's `RNNBase`). Parameters
 * are registered per layer and direction in PyTorch's order (`weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}`, `weight_hr_l{k}`, then the `_reverse` set) and all drawn from
 * U(-1/√hidden, 1/√hidden) in that order.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const m: nn.RNNBase = new nn.GRU(4, 8, { numLayers: 2, bidirectional: true });
 * m.allWeights.length;           // 4: two layers, two directions
 * Object.keys(m.stateDict())[4]; // 'weight_ih_l0_reverse'
 * ```
 */
export abstract class RNNBase extends Module {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** The names of the parameters, per layer and direction (PyTorch's `_all_weights`). */
  readonly _allWeightNames: string[][] = [];
  private readonly generator: InitOptions['generator'];

  protected constructor(mode: RecurrentMode, op: string, inputSize: number, hiddenSize: number, options: RNNBaseOptions & { projSize?: number }) {
    super();
    this.mode = mode;
    this.inputSize = checkSize(op, 'inputSize', inputSize, 1);
    this.hiddenSize = checkSize(op, 'hiddenSize', hiddenSize, 1);
    this.numLayers = checkSize(op, 'numLayers', options.numLayers ?? 1, 1);
    this.bias = checkBool(op, 'bias', options.bias ?? true);
    this.batchFirst = checkBool(op, 'batchFirst', options.batchFirst ?? false);
    this.bidirectional = checkBool(op, 'bidirectional', options.bidirectional ?? false);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new RangeError(`${op}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${describe(dropout)}`);
    }
    this.dropout = dropout;
    if (dropout > 0 && this.numLayers === 1) {
      // PyTorch's UserWarning; console is a host API every runtime has (not declared for src/, see env.d.ts)
      (globalThis as { console?: { warn(message: string): void } }).console?.warn(`dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${dropout} and num_layers=1`);
    }
    const projSize = options.projSize ?? 0;
    if (typeof projSize !== 'number' || !Number.isInteger(projSize) || projSize < 0) throw new RangeError(`${op}: proj_size should be a positive integer or zero to disable projections, got ${describe(projSize)}`);
    if (projSize >= hiddenSize) throw new RangeError(`${op}: proj_size has to be smaller than hidden_size, got projSize ${projSize} and hiddenSize ${hiddenSize}`);
    this.projSize = projSize;
    this.generator = options.generator;
    const dtype = toDType(options.dtype ?? 'float32', op);
    if (!dtype.isFloatingPoint) throw new TypeError(`${op}: dtype must be a floating dtype, got ${dtype.name}`);
    const gateSize = GATES[mode] * hiddenSize;
    const realHidden = projSize > 0 ? projSize : hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const bound = 1 / Math.sqrt(hiddenSize);
    const draw = (shape: number[]): Parameter => new Parameter(uniform(shape, -bound, bound, { dtype, ...(options.generator ? { generator: options.generator } : {}) }));
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const layerInput = layer === 0 ? inputSize : realHidden * dirs;
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const shapes: [string, number[]][] = [[`weight_ih${sfx}`, [gateSize, layerInput]], [`weight_hh${sfx}`, [gateSize, realHidden]]];
        if (this.bias) shapes.push([`bias_ih${sfx}`, [gateSize]], [`bias_hh${sfx}`, [gateSize]]);
        if (projSize > 0) shapes.push([`weight_hr${sfx}`, [projSize, hiddenSize]]);
        for (const [name, shape] of shapes) this.registerParameter(name, draw(shape));
        this._allWeightNames.push(shapes.map(([n]) => n));
      }
    }
  }

  /** The parameters per layer and direction, read now (PyTorch's `all_weights`). */
  get allWeights(): Tensor[][] {
    return this._allWeightNames.map((names) => names.map((n) => this.param(n)!));
  }

  /** Accepted for PyTorch compatibility (cuDNN's weight layout); does nothing here. */
  flattenParameters(): void {}

  private param(name: string): Tensor | null {
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Tensor ? v : null;
  }

  /** @internal The weights of each layer and direction, as registered now (a reassigned parameter is seen). */
  protected cellWeights(): CellWeights[] {
    const dirs = this.bidirectional ? 2 : 1;
    const out: CellWeights[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        out.push({
          wIh: this.param(`weight_ih${sfx}`)!, wHh: this.param(`weight_hh${sfx}`)!,
          bIh: this.param(`bias_ih${sfx}`), bHh: this.param(`bias_hh${sfx}`), wHr: this.param(`weight_hr${sfx}`),
        });
      }
    }
    return out;
  }

  /**
   * @internal PyTorch's `forward` up to the states: unbatched inputs, batch-first, packed input,
   * checks, the permutation of the states into sorted order and back.
   */
  protected run(input: Tensor | PackedSequence, hx: Tensor | null, cx: Tensor | null, isLstm: boolean): [Tensor | PackedSequence, Tensor, Tensor | null] {
    const op = this.constructor.name;
    const dirs = this.bidirectional ? 2 : 1;
    const realHidden = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const packed = input instanceof PackedSequence;
    let x: Tensor;
    let batchSizes: number[];
    let batched = true;
    if (packed) {
      x = input.data;
      batchSizes = input._batchSizes();
    } else {
      if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor or a PackedSequence, got ${describe(input)}`);
      x = input;
      if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`${op}: Expected input to be 2-D or 3-D but received ${x.ndim}-D tensor`);
      batched = x.ndim === 3;
      if (!batched) {
        x = unsqueeze(x, this.batchFirst ? 0 : 1);
        if (isLstm) {
          if (hx !== null && (hx.ndim !== 2 || cx!.ndim !== 2)) throw new RangeError(`For unbatched 2-D input, hx and cx should also be 2-D but got (${hx.ndim}-D, ${cx!.ndim}-D) tensors`);
        } else if (hx !== null && hx.ndim !== 2) throw new RangeError(`For unbatched 2-D input, hx should also be 2-D but got ${hx.ndim}-D tensor`);
        if (hx !== null) hx = unsqueeze(hx, 1);
        if (cx !== null) cx = unsqueeze(cx, 1);
      } else if (isLstm) {
        if (hx !== null && (hx.ndim !== 3 || cx!.ndim !== 3)) throw new RangeError(`For batched 3-D input, hx and cx should also be 3-D but got (${hx.ndim}-D, ${cx!.ndim}-D) tensors`);
      } else if (hx !== null && hx.ndim !== 3) throw new RangeError(`For batched 3-D input, hx should also be 3-D but got ${hx.ndim}-D tensor`);
      if (this.batchFirst) x = transpose(x, 0, 1);
      if (x.shape[0] === 0) throw new RangeError('Expected sequence length to be larger than 0 in RNN');
      batchSizes = new Array<number>(x.shape[0]!).fill(x.shape[1]!);
    }
    const weights = this.cellWeights();
    const dtype = weights[0]!.wIh.dtype;
    if (x.dtype !== dtype) throw new TypeError(`input must have the type ${dtype.toString()}, got type ${x.dtype.toString()}`);
    const expectedDim = packed ? 2 : 3;
    if (x.ndim !== expectedDim) throw new RangeError(`input must have ${expectedDim} dimensions, got ${x.ndim}`);
    if (x.shape[x.ndim - 1] !== this.inputSize) throw new RangeError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]}`);
    const batch = batchSizes.length > 0 ? batchSizes[0]! : 0;
    const sorted = packed ? input.sortedIndices : null;
    if (hx === null) {
      hx = zeros([this.numLayers * dirs, batch, realHidden], { dtype });
      if (isLstm) cx = zeros([this.numLayers * dirs, batch, this.hiddenSize], { dtype });
    } else if (sorted !== null) {
      hx = indexSelect(hx, 1, sorted);
      if (cx !== null) cx = indexSelect(cx, 1, sorted);
    }
    const expectH = [this.numLayers * dirs, batch, realHidden];
    const hName = isLstm ? 'hidden[0] size' : 'hidden size';
    if (hx.ndim !== 3 || hx.shape.some((s, i) => s !== expectH[i])) throw new RangeError(`Expected ${hName} ${tuple(expectH)}, got ${list(hx.shape)}`);
    if (isLstm) {
      const expectC = [this.numLayers * dirs, batch, this.hiddenSize];
      if (cx!.ndim !== 3 || cx!.shape.some((s, i) => s !== expectC[i])) throw new RangeError(`Expected hidden[1] size ${tuple(expectC)}, got ${list(cx!.shape)}`);
      checkFloat(op, cx!, dtype, 'cx');
    }
    checkFloat(op, hx, dtype, 'hx');
    const T = batchSizes.length;
    const flat = packed ? x : x.reshape([T * batch, this.inputSize]);
    const r = recurrent(flat, batchSizes, hx, cx, {
      mode: this.mode, weights, numLayers: this.numLayers, bidirectional: this.bidirectional,
      dropout: this.dropout, training: this.training, ...(this.generator ? { generator: this.generator } : {}),
    });
    let h = r.h, c = r.c;
    if (packed) {
      const unsorted = input.unsortedIndices;
      if (unsorted !== null) {
        h = indexSelect(h, 1, unsorted);
        if (c !== null) c = indexSelect(c, 1, unsorted);
      }
      return [new PackedSequence(r.output, input.batchSizes, input.sortedIndices, input.unsortedIndices), h, c];
    }
    let out = r.output.reshape([T, batch, dirs * realHidden]);
    if (this.batchFirst) out = transpose(out, 0, 1);
    if (!batched) {
      out = squeeze(out, this.batchFirst ? 0 : 1);
      h = squeeze(h, 1);
      if (c !== null) c = squeeze(c, 1);
    }
    return [out, h, c];
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * An Elman RNN, `h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)` with `act` tanh (default) or
 * relu, over `[seq, batch, inputSize]` (`[batch, seq, ·]` with `batchFirst`, `[seq, ·]`
 * unbatched, or a `PackedSequence`). `forward(input, h0?)` returns `[output, hN]`: `output`
 * `[seq, batch, D·hiddenSize]` (D = 2 if bidirectional), `hN` `[D·numLayers, batch, hiddenSize]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const rnn = new nn.RNN(10, 20, 2);                  // PyTorch's nn.RNN(10, 20, 2)
 * const [output, hn] = rnn.call(randn([5, 3, 10]), randn([2, 3, 20]));
 * output.shape; // [5, 3, 20]
 * hn.shape;     // [2, 3, 20]
 * new nn.RNN(4, 8, { nonlinearity: 'relu', bidirectional: true }).call(randn([6, 4]))[0].shape; // [6, 16]
 * ```
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  /** PyTorch's order: `(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<RNNPositional, RNNOptions>) {
    const o = checkOptions('RNN', foldPositional('RNN', rest, RNN_PARAMS) as RNNOptions, [...BASE_KEYS, 'nonlinearity']);
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`Unknown nonlinearity '${String(nl)}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', 'RNN', inputSize, hiddenSize, o);
    this.nonlinearity = nl;
  }

  /** `[output, hN]`; a `PackedSequence` input gives a `PackedSequence` output. */
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this.run(input, hx, null, false);
    return [out, h];
  }

  protected override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/**
 * A long short-term memory network with PyTorch's gate layout (`i, f, g, o` stacked in
 * `weight_ih_l{k}` `[4·hidden, in]`): `c_t = f·c_{t-1} + i·g`, `h_t = o·tanh(c_t)`, projected
 * by `weight_hr_l{k}` when `projSize > 0`. `forward(input, [h0, c0]?)` returns
 * `[output, [hN, cN]]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const lstm = new nn.LSTM(10, 20, 2);
 * const [output, [hn, cn]] = lstm.call(randn([5, 3, 10]), [randn([2, 3, 20]), randn([2, 3, 20])]);
 * output.shape; // [5, 3, 20]
 * const proj = new nn.LSTM(10, 20, { projSize: 8, batchFirst: true });
 * proj.call(randn([3, 5, 10]))[1][0].shape; // [1, 3, 8]
 * ```
 */
export class LSTM extends RNNBase {
  /** PyTorch's order: `(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<LSTMPositional, LSTMOptions>) {
    const o = checkOptions('LSTM', foldPositional('LSTM', rest, [...RNN_PARAMS, num('projSize')]) as LSTMOptions, [...BASE_KEYS, 'projSize']);
    super('LSTM', 'LSTM', inputSize, hiddenSize, o);
  }

  /** `[output, [hN, cN]]`; a `PackedSequence` input gives a `PackedSequence` output. */
  override forward(input: PackedSequence, hx?: readonly [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(input: Tensor | PackedSequence, hx: readonly [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx !== null && !(Array.isArray(hx) && hx.length === 2 && hx[0] instanceof Tensor && hx[1] instanceof Tensor)) {
      throw new TypeError(`LSTM: hx must be a pair [h0, c0] of tensors, got ${describe(hx)}`);
    }
    const [out, h, c] = this.run(input, hx ? hx[0] : null, hx ? hx[1] : null, true);
    return [out, [h, c!]];
  }
}

/**
 * A gated recurrent unit network with PyTorch's gate layout (`r, z, n`):
 * `n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn))`, `h' = (1 − z)·n + z·h`.
 * `forward(input, h0?)` returns `[output, hN]`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const gru = new nn.GRU(10, 20, 2, { bidirectional: true });
 * const [output, hn] = gru.call(randn([5, 3, 10]));
 * output.shape; // [5, 3, 40]
 * hn.shape;     // [4, 3, 20]
 * ```
 */
export class GRU extends RNNBase {
  /** PyTorch's order: `(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<RNNPositional, RNNBaseOptions>) {
    const o = checkOptions('GRU', foldPositional('GRU', rest, RNN_PARAMS) as RNNBaseOptions, [...BASE_KEYS]);
    super('GRU', 'GRU', inputSize, hiddenSize, o);
  }

  /** `[output, hN]`; a `PackedSequence` input gives a `PackedSequence` output. */
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this.run(input, hx, null, false);
    return [out, h];
  }
}

// ---- cells ----------------------------------------------------------------------------------

/** Options of `nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell`. */
export interface RNNCellBaseOptions extends InitOptions {
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DTypeLike;
}

/** Options of `nn.RNNCell`. */
export interface RNNCellOptions extends RNNCellBaseOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One step of a recurrent layer (PyTorch's `RNNCellBase`): `weight_ih`, `weight_hh`, `bias_ih`,
 * `bias_hh`, drawn from U(-1/√hidden, 1/√hidden) in that order.
 *
 * @example
 * ```ts
 * import { nn } from '@tensile/tensor';
 * const cell: nn.RNNCellBase = new nn.GRUCell(3, 5, false);
 * cell.weight_hh.shape; // [15, 5]
 * cell.bias_ih;         // null
 * ```
 */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;

  protected constructor(op: string, inputSize: number, hiddenSize: number, numChunks: number, options: RNNCellBaseOptions) {
    super();
    this.inputSize = checkSize(op, 'inputSize', inputSize, 1);
    this.hiddenSize = checkSize(op, 'hiddenSize', hiddenSize, 1);
    this.bias = checkBool(op, 'bias', options.bias ?? true);
    const dtype = toDType(options.dtype ?? 'float32', op);
    if (!dtype.isFloatingPoint) throw new TypeError(`${op}: dtype must be a floating dtype, got ${dtype.name}`);
    const bound = 1 / Math.sqrt(hiddenSize);
    const draw = (shape: number[]): Parameter => new Parameter(uniform(shape, -bound, bound, { dtype, ...(options.generator ? { generator: options.generator } : {}) }));
    this.weight_ih = this.registerParameter('weight_ih', draw([numChunks * hiddenSize, inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', draw([numChunks * hiddenSize, hiddenSize]));
    this.bias_ih = this.bias ? this.registerParameter('bias_ih', draw([numChunks * hiddenSize])) : null;
    this.bias_hh = this.bias ? this.registerParameter('bias_hh', draw([numChunks * hiddenSize])) : null;
  }

  /** @internal The input (made 2-d) and whether it was batched, with PyTorch's checks. */
  protected prepare(op: string, input: Tensor, states: readonly (Tensor | null)[]): [Tensor, (Tensor | null)[], boolean] {
    if (!(input instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(input)}`);
    if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`${op}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    checkFloat(op, x, this.weight_ih.dtype, 'input');
    if (x.shape[1] !== this.inputSize) throw new RangeError(`input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`);
    const out = states.map((s, k) => {
      if (s === null) return null;
      if (!(s instanceof Tensor)) throw new TypeError(`${op}: hx must be a Tensor, got ${describe(s)}`);
      const h = batched ? s : unsqueeze(s, 0);
      // PyTorch's cell kernels label every state `hidden0` (the cell state of an LSTMCell too)
      const label = '0';
      if (h.ndim !== 2) throw new RangeError(`${op}: hx${states.length > 1 ? `[${k}]` : ''} must be ${batched ? 2 : 1}-D, got shape [${s.shape.join(', ')}]`);
      if (h.shape[0] !== x.shape[0]) throw new RangeError(`Input batch size ${x.shape[0]} doesn't match hidden${label} batch size ${h.shape[0]}`);
      if (h.shape[1] !== this.hiddenSize) throw new RangeError(`hidden${label} has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hiddenSize}`);
      checkFloat(op, h, x.dtype, 'hx');
      return h;
    });
    return [x, out, batched];
  }

  protected weights(): CellWeights {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh, wHr: null };
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}`;
  }
}

const zerosState = (x: Tensor, H: number): Tensor => zeros([x.shape[0]!, H], { dtype: x.dtype });

/**
 * One Elman RNN step, `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`: `forward(input, hx?)` with
 * input `[batch, inputSize]` (or `[inputSize]`) returns `h'`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const cell = new nn.RNNCell(10, 20);
 * let hx = randn([3, 20]);
 * for (let t = 0; t < 6; t++) hx = cell.call(randn([3, 10]), hx);
 * hx.shape; // [3, 20]
 * ```
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  /** PyTorch's order: `(inputSize, hiddenSize, bias, nonlinearity)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<[bias: boolean, nonlinearity: 'tanh' | 'relu'], RNNCellOptions>) {
    const o = checkOptions('RNNCell', foldPositional('RNNCell', rest, [bool('bias'), { name: 'nonlinearity', is: (v) => typeof v === 'string', expected: "'tanh' or 'relu'" }]) as RNNCellOptions, ['bias', 'nonlinearity', 'dtype', 'generator']);
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`Unknown nonlinearity: ${String(nl)}`);
    super('RNNCell', inputSize, hiddenSize, 1, o);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h0], batched] = this.prepare('RNNCell', input, [hx]);
    const w = this.weights();
    const s = cellStep(this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', linear(x, w.wIh, w.bIh), { h: h0 ?? zerosState(x, this.hiddenSize), c: null }, w);
    return batched ? s.h : squeeze(s.h, 0);
  }

  protected override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/**
 * One LSTM step (gates `i, f, g, o`): `forward(input, [hx, cx]?)` returns `[h', c']`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const cell = new nn.LSTMCell(10, 20);
 * let [hx, cx] = [randn([3, 20]), randn([3, 20])];
 * for (let t = 0; t < 6; t++) [hx, cx] = cell.call(randn([3, 10]), [hx, cx]);
 * cx.shape; // [3, 20]
 * ```
 */
export class LSTMCell extends RNNCellBase {
  /** PyTorch's order: `(inputSize, hiddenSize, bias)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<[bias: boolean], RNNCellBaseOptions>) {
    const o = checkOptions('LSTMCell', foldPositional('LSTMCell', rest, [bool('bias')]) as RNNCellBaseOptions, ['bias', 'dtype', 'generator']);
    super('LSTMCell', inputSize, hiddenSize, 4, o);
  }

  forward(input: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && !(Array.isArray(hx) && hx.length === 2)) throw new TypeError(`LSTMCell: hx must be a pair [hx, cx] of tensors, got ${describe(hx)}`);
    const [x, [h0, c0], batched] = this.prepare('LSTMCell', input, hx ? [hx[0], hx[1]] : [null, null]);
    const w = this.weights();
    const s: State = cellStep('LSTM', linear(x, w.wIh, w.bIh), { h: h0 ?? zerosState(x, this.hiddenSize), c: c0 ?? zerosState(x, this.hiddenSize) }, w);
    return batched ? [s.h, s.c!] : [squeeze(s.h, 0), squeeze(s.c!, 0)];
  }
}

/**
 * One GRU step (gates `r, z, n`): `forward(input, hx?)` returns `h'`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * const cell = new nn.GRUCell(10, 20);
 * cell.call(randn([3, 10])).shape; // [3, 20]
 * ```
 */
export class GRUCell extends RNNCellBase {
  /** PyTorch's order: `(inputSize, hiddenSize, bias)`, then an options bag. */
  constructor(inputSize: number, hiddenSize: number, ...rest: Positional<[bias: boolean], RNNCellBaseOptions>) {
    const o = checkOptions('GRUCell', foldPositional('GRUCell', rest, [bool('bias')]) as RNNCellBaseOptions, ['bias', 'dtype', 'generator']);
    super('GRUCell', inputSize, hiddenSize, 3, o);
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [x, [h0], batched] = this.prepare('GRUCell', input, [hx]);
    const w = this.weights();
    const s = cellStep('GRU', linear(x, w.wIh, w.bIh), { h: h0 ?? zerosState(x, this.hiddenSize), c: null }, w);
    return batched ? s.h : squeeze(s.h, 0);
  }
}
