/**
 * The kernel interface: every hot loop of the engine runs through one of these functions,
 * on raw `Float32Array`s. Ops never loop over elements themselves, so another kernel set
 * (WebAssembly SIMD) can replace this one without touching the ops.
 *
 * Conventions: `out` is always contiguous and written from `outOff`; inputs are read through
 * an offset and per-dim strides (a stride of 0 broadcasts).
 */
export type UnaryKind =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sign' | 'relu' | 'sigmoid' | 'tanh'
  | 'erf' | 'gelu' | 'geluTanh' | 'silu' | 'reciprocal' | 'square' | 'isfinite'
  | 'sin' | 'cos' | 'tan' | 'expm1' | 'log2' | 'floor' | 'ceil' | 'round' | 'trunc'
  | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh';

export type BinaryKind =
  | 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow'
  | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type ReduceKind = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/** The shape of a 2-D convolution: input `[N, C, H, W]`, `O` filters of `kh × kw`, output `[N, O, Ho, Wo]`. */
export interface ConvGeometry {
  N: number; C: number; H: number; W: number; O: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; Ho: number; Wo: number;
}

/**
 * The batch-norm passes of one `NnKernels.batchNormSession`, over its staged `x` (and `g`; arrays of type `A`):
 * arguments as `batchNormPass`'s and `batchNormGradInput`'s, for the samples `n0` to
 * `n0 + count - 1` (default all), whose outputs go to the same places of `y` or `dx`.
 */
export interface BatchNormSession<A extends Float32Array | Float64Array = Float32Array> {
  pass(kind: number, mean: Float64Array, a: Float64Array, b: Float64Array | null, y: A | null, n0?: number, count?: number): void;
  gradInput(mean: Float64Array, invstd: Float64Array, k: Float64Array, gm: Float64Array, xm: Float64Array, dx: A, gw?: Float64Array | null, n0?: number, count?: number): void;
}

/** The kernels of the `nn` ops (implemented for JS in `nn-js.ts`). */
export interface NnKernels {
  /**
   * One pass of batch normalisation over a contiguous `[N, C, S]` input (`batchNormRows` in
   * nn-js.ts: 0 sum, 1 squared deviations, 2 affine output into `y`, 3 gradient sums with `g`),
   * per-channel accumulators in double; the affine output in float32 operations for float32 data.
   */
  batchNormPass(
    kind: number, x: Float32Array, xOff: number, N: number, C: number, S: number, mean: Float64Array,
    a: Float64Array, b: Float64Array | null, y: Float32Array | null, g: Float32Array | null, gOff: number,
  ): void;
  /** Batch normalisation's input gradient over `[N, C, S]` (`batchNormRowsGradInput`; `gw` scales dy per channel, GroupNorm's weight). */
  batchNormGradInput(
    g: Float32Array, gOff: number, x: Float32Array, xOff: number, N: number, C: number, S: number,
    mean: Float64Array, invstd: Float64Array, k: Float64Array, gm: Float64Array, xm: Float64Array, dx: Float32Array, gw?: Float64Array | null,
  ): void;
  /**
   * Runs `body` with the batch-norm passes over one contiguous `[N, C, S]` input `x` (and
   * upstream gradient `g`, for kind 3 and `gradInput`), staged for all of them at once where the
   * module has room (the chunked `batchNormPass`/`batchNormGradInput` otherwise). `body` runs no
   * other kernel of the set: they share the staging memory.
   */
  batchNormSession(
    x: Float32Array, xOff: number, g: Float32Array | null, gOff: number, N: number, C: number, S: number,
    body: (s: BatchNormSession) => void,
  ): void;
  /**
   * LayerNorm's forward over `rows` contiguous rows of `D`: per row the mean and
   * `1/√(biased variance + eps)` in double into `mean`/`invstd` (each sum four-way, see
   * `layerNormRows`), and `y = ((x − mean)·invstd)·w + b` (`w`, `b` optional), in float32 operations
   * for float32 data (`layerNormRows` says which), in double for float64.
   */
  layerNorm(
    x: Float32Array, xOff: number, rows: number, D: number, w: Float32Array | null, wOff: number, b: Float32Array | null, bOff: number,
    eps: number, y: Float32Array, mean: Float64Array, invstd: Float64Array,
  ): void;
  /**
   * LayerNorm's backward for upstream `g`, with the forward's `mean`/`invstd`: `dx` (when given)
   * `invstd·((g·w − Σg·w/D) − x̂·Σg·w·x̂/D)`, and `g·x̂` and `g` added into the double accumulators
   * `dw` and `db` (when given), row after row.
   */
  layerNormBackward(
    x: Float32Array, xOff: number, g: Float32Array, gOff: number, rows: number, D: number, w: Float32Array | null, wOff: number,
    mean: Float64Array, invstd: Float64Array, dx: Float32Array | null, dw: Float64Array | null, db: Float64Array | null,
  ): void;
  /**
   * Softmax (or, with `log`, log-softmax) along the middle dim of a contiguous `[pre, D, post]`
   * array, written contiguously to `out`. Numerically stable (shifted by the max).
   */
  softmax(x: Float32Array, xOff: number, pre: number, D: number, post: number, out: Float32Array, log: boolean): void;
  /**
   * The float32 backward of `softmax` (`y·(g − t)`, `t = Σ y·g`) or, with `log`, of log-softmax
   * (`g − e^y·t`, `t = Σ g`) along the middle dim of contiguous `[pre, D, post]` arrays `y` (the
   * forward's output) and `g`, each result times `scale` (a float32 value; 1 is exact), written
   * contiguously to `out`. Every product and difference is a float32 operation, e^y is the set's
   * `exp`, and `t` adds the terms (g, or the float32 product y·g) in double in the dim's order,
   * rounded once: the composed ops' bits, on every kernel set.
   */
  softmaxBackward(y: Float32Array, yOff: number, g: Float32Array, gOff: number, pre: number, D: number, post: number, out: Float32Array, log: boolean, scale: number): void;
  /**
   * Attention's weights: softmax over each of `rows` contiguous rows of `S` scores (from `sOff`)
   * of `s·scale` (the float32 product; `scale` a float32 value), where `causal` masks the keys
   * after the row's query: row r is query `r mod L`, and its entries j > r mod L get the bias
   * `-inf` added (`-inf`, or NaN from a NaN or +inf product, as the composed `add` gives). The
   * set's own `softmax` of those values, written contiguously to `out`.
   */
  scaledSoftmax(s: Float32Array, sOff: number, rows: number, S: number, L: number, scale: number, causal: boolean, out: Float32Array): void;
  /**
   * One LSTM time step: from the step's product `hg = h·W_hhᵀ + b_hh` (`[b, 4H]` from index 0),
   * its input projection `xg` (`[b, 4H]` rows from `xgOff`) and the previous cell state `c`
   * (`[b, H]` from `at`), the gates' activations σ(i), σ(f), tanh(g), σ(o) of `hg + xg` into
   * `act` as four `[b, H]` blocks from `actOff`, and from `at` the new cell `cNext = f·c + i·g`,
   * `tanhC = tanh(cNext)` and `h = o·tanhC`. Every operation a float32 one, the activations
   * the set's sigmoid and tanh: the composed ops' bits.
   */
  lstmCell(
    hg: Float32Array, xg: Float32Array, xgOff: number, c: Float32Array, act: Float32Array, actOff: number,
    cNext: Float32Array, tanhC: Float32Array, h: Float32Array, at: number, b: number, H: number,
  ): void;
  /**
   * One LSTM time step back (`lstmCell`'s saved `act`, `tanhC` and previous `c`): from the
   * output gradient `dh` and the carried cell gradient `dc` (`[b, H]` from index 0; `dc` is
   * updated in place to the previous step's), each gate's pre-activation gradient into `dx`'s
   * `[b, 4H]` rows from `dxOff`: mul's `g·other`, tanh_backward `g·(1 − y²)`, sigmoid_backward
   * `g·(1 − y)·y`, each rounded to float32 as the composed ops round it.
   */
  lstmCellBackward(
    act: Float32Array, actOff: number, tanhC: Float32Array, c: Float32Array, at: number,
    dh: Float32Array, dc: Float32Array, dx: Float32Array, dxOff: number, b: number, H: number,
  ): void;
  /**
   * im2col: for a contiguous `[N, C, H, W]` input, `out` (contiguous `[N, C*kh*kw, Ho*Wo]`,
   * PyTorch's layout) holds in row `(c, ky, kx)` that kernel tap's input value (0 in the
   * padding) at every output position.
   */
  unfold(
    x: Float32Array, xOff: number, N: number, C: number, H: number, W: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, out: Float32Array,
  ): void;
  /** col2im, the adjoint of `unfold`: adds each column entry into `out` (`[N, C, H, W]`, zeroed by the caller). */
  fold(
    cols: Float32Array, cOff: number, N: number, C: number, H: number, W: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, out: Float32Array,
  ): void;
  /**
   * A linear layer, `out = x · wᵀ + b`: `x` contiguous `[rows, I]`, `w` contiguous `[O, I]`, `b`
   * (if given) `[O]` added in float32, `out` contiguous `[rows, O]`. One pass where the kernel
   * set can (the product and the bias without leaving the WebAssembly module); the same bits as
   * `matmul` followed by a broadcast `binary('add')` of the same set.
   */
  linear(x: Float32Array, xOff: number, w: Float32Array, wOff: number, b: Float32Array | null, bOff: number, rows: number, I: number, O: number, out: Float32Array): void;
  /**
   * The gradients of `linear` for upstream `g` (contiguous `[rows, O]`), each computed only where
   * its array is given: `dx = g · w` `[rows, I]`, `dw = gᵀ · x` `[O, I]`, `db` `[O]` the column
   * sums of g (in double, row order). The same bits as the set's `matmul` and `reduceDim`.
   */
  linearBackward(
    x: Float32Array, xOff: number, w: Float32Array, wOff: number, g: Float32Array, gOff: number, rows: number, I: number, O: number,
    dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
  ): void;
  /**
   * 2-D max pooling of a contiguous `[N, C, H, W]` input into `out` (`[N, C, Ho, Wo]`): `idx[i]`
   * is the flat index into the input of output element i's window maximum (padding never wins;
   * first max, or NaN, wins) and `out[i]` its value.
   */
  maxPool2d(
    x: Float32Array, xOff: number, N: number, C: number, H: number, W: number,
    kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, out: Float32Array, idx: Int32Array,
  ): void;
  /**
   * 2-D convolution, PyTorch's `slow_conv2d`: for each sample n, `out[n] = w · im2col(x[n]) + b`
   * (`out` contiguous `[N, O, Ho·Wo]`; `w` contiguous `[O, C·kh·kw]`; `b`, if given, `[O]`, added
   * in float32). No batch-sized im2col matrix is ever built.
   */
  conv2d(x: Float32Array, xOff: number, w: Float32Array, wOff: number, b: Float32Array | null, bOff: number, g: ConvGeometry, out: Float32Array): void;
  /**
   * The gradients of `conv2d` for upstream `gy` (contiguous `[N, O, Ho·Wo]`), each computed
   * only where its array is given: `dx` `[N, C, H, W]` (col2im of `wᵀ · gy[n]`), `dw` `[O, C·kh·kw]`
   * (`Σ_n gy[n] · im2col(x[n])ᵀ` in float32: the JS kernel adds one sample's product at a time,
   * as PyTorch's `addmm_`; the module's takes several samples' columns in one product, so its
   * roundings differ within float32 summation order), `db` `[O]` (summed in double, in sample
   * order). Every given array is overwritten.
   */
  conv2dBackward(
    x: Float32Array, xOff: number, w: Float32Array, wOff: number, gy: Float32Array, gyOff: number, g: ConvGeometry,
    dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
  ): void;
}

export interface Kernels extends NnKernels {
  readonly name: string;
  /** Contiguous copy of a strided view: `out[outOff + i] = x[x-index of i]`. */
  copy(x: Float32Array, xOff: number, xStrides: readonly number[], shape: readonly number[], out: Float32Array, outOff: number): void;
  /** Strided write: `out[out-index of i] = x[xOff + i]` (x contiguous). */
  scatterCopy(x: Float32Array, xOff: number, shape: readonly number[], out: Float32Array, outOff: number, outStrides: readonly number[]): void;
  /** Element-wise map over `n` contiguous elements. `pow` and `clamp` take scalars in `p`, `q`. */
  unary(kind: UnaryKind, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): void;
  /** relu's backward over `n` contiguous elements: `out = x <= 0 ? 0 : g` (a NaN input passes its gradient, as PyTorch's threshold_backward). */
  reluBackward(x: Float32Array, xOff: number, g: Float32Array, gOff: number, out: Float32Array, n: number): void;
  /**
   * LeakyReLU over `n` contiguous float32s: `out = x > 0 ? x : x·slope`, the float32 product
   * (`slope` a float32 value; NaN stays NaN, -0 stays -0).
   */
  leakyRelu(x: Float32Array, xOff: number, out: Float32Array, n: number, slope: number): void;
  /** LeakyReLU's backward over `n` contiguous float32s: `out = x > 0 ? g : g·slope` (NaN inputs take `g·slope`). */
  leakyReluBackward(x: Float32Array, xOff: number, g: Float32Array, gOff: number, out: Float32Array, n: number, slope: number): void;
  /**
   * The backward of GELU (exact form: `dy·(Φ(x) + x·φ(x))`, `geluBackwardf`) or SiLU
   * (`dy·s·(1 + x·(1 − s))`, s the sigmoid, `siluBackwardf`), in PyTorch's float32 steps.
   */
  unaryBackward(kind: 'gelu' | 'geluTanh' | 'silu', x: Float32Array, xOff: number, dy: Float32Array, dyOff: number, out: Float32Array, n: number): void;
  powScalar(x: Float32Array, xOff: number, exponent: number, out: Float32Array, outOff: number, n: number): void;
  clamp(x: Float32Array, xOff: number, lo: number, hi: number, out: Float32Array, outOff: number, n: number): void;
  /** `out = a ∘ b` over `shape`; for `add`/`sub`, `alpha` scales `b` inside one rounding (PyTorch's fused add). */
  binary(
    kind: BinaryKind,
    a: Float32Array, aOff: number, aStrides: readonly number[],
    b: Float32Array, bOff: number, bStrides: readonly number[],
    shape: readonly number[], out: Float32Array, outOff: number, alpha?: number,
  ): void;
  /** `out = c != 0 ? a : b` over `shape`, `c` a bool tensor's bytes; each element's bits copied as they are. */
  where(
    c: Uint8Array, cOff: number, cStrides: readonly number[],
    a: Float32Array, aOff: number, aStrides: readonly number[],
    b: Float32Array, bOff: number, bStrides: readonly number[],
    shape: readonly number[], out: Float32Array, outOff: number,
  ): void;
  /**
   * Reduces the middle dim of a contiguous `[pre, D, post]` array: `out[p*post + q]` is the
   * sum/max/min (or the index of the max/min, as a float) of `x[(p*D + k)*post + q]` over k.
   */
  reduceDim(kind: ReduceKind, x: Float32Array, xOff: number, pre: number, D: number, post: number, out: Float32Array): void;
  /** `out[i] = x[xOff + idx[i]]`. */
  take(x: Float32Array, xOff: number, idx: Int32Array, out: Float32Array): void;
  /** `out[idx[i]] += g[gOff + i]` (out zeroed by the caller). */
  scatterAdd(g: Float32Array, gOff: number, idx: Int32Array, out: Float32Array): void;
  /**
   * `C[M,N] = A[M,K] · B[K,N]` for each of `batch` matrices; A and B strided (batch stride,
   * row stride, column stride), C contiguous.
   */
  matmul(
    a: Float32Array, aOff: number, aBs: number, aRs: number, aCs: number,
    b: Float32Array, bOff: number, bBs: number, bRs: number, bCs: number,
    c: Float32Array, batch: number, M: number, N: number, K: number,
  ): void;
  /**
   * ASGD's fused element update over `n` contiguous floats of each array, in place on `p` and
   * `ax` (the optimizer kernel lives with the engine's kernels, as ATen's fused optimizer kernels
   * do, so each backend brings its own). With `wd` = 0 the weight-decay term is skipped:
   *
   * ```text
   * g' = g + wd·p                      (in double, rounded to float32 once)
   * x  = f32(p·decay) + negEta·g'      (in double, rounded to float32 once)
   * p  = x;  ax = mu === 1 ? x : ax + f32(f32(x − ax)·mu)
   * ```
   *
   * `decay` and `wd` are float32 values, `negEta` and `mu` doubles. Every backend must give the
   * same bits (this is PyTorch's for-loop ASGD arithmetic).
   */
  asgd(
    p: Float32Array, pOff: number, g: Float32Array, gOff: number, ax: Float32Array, axOff: number, n: number,
    decay: number, negEta: number, mu: number, wd: number,
  ): void;
  /**
   * One Adam/AdamW step over whole arrays (PyTorch's for-loop arithmetic, every float32 rounding
   * of its kernels; the fused multiply-adds of `lerp_`/`addcmul_` rounded once): updates `p`,
   * `m` (`exp_avg`), `v` (`exp_avg_sq`) and, with amsgrad, `vmax` in place; `g` is read. Every
   * backend gives the same bits (@tensile/optim's `adamReference` is the readable form).
   */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, c: AdamConstants): void;
  /**
   * One RMSprop step over whole arrays, PyTorch's for-loop arithmetic as `adam`'s: updates `p`,
   * `sq` (`square_avg`) and, when given, `gavg` (centered) and `buf` (momentum) in place.
   */
  rmsprop(p: Float32Array, g: Float32Array, sq: Float32Array, gavg: Float32Array | null, buf: Float32Array | null, c: RMSpropConstants): void;
  /**
   * One Adagrad step over whole arrays, as `adam`'s: `sum += grad²` (one fma), `p += −clr·grad /
   * (√sum + eps)`; `mode` bits 1 maximize, 2 weight decay `wd`; float32 values `wd`, `eps`, `negClr`.
   */
  adagrad(p: Float32Array, g: Float32Array, sum: Float32Array, mode: number, wd: number, eps: number, negClr: number): void;
  /**
   * One Adadelta step over whole arrays, as `adam`'s: `sq` (`square_avg`) and `acc`
   * (`acc_delta`) updated in place with `rho` and `w = 1 − rho`; `mode` bits 1 maximize, 2 weight
   * decay `wd`; float32 values.
   */
  adadelta(p: Float32Array, g: Float32Array, sq: Float32Array, acc: Float32Array, mode: number, wd: number, rho: number, w: number, eps: number, negLr: number): void;
  /**
   * One Rprop step over whole arrays: `prev` (the last gradient, zeroed where the sign flipped)
   * and `ss` (step sizes, clamped to [lo, hi], NaN kept) updated in place; `mode` bit 1 maximize.
   */
  rprop(p: Float32Array, g: Float32Array, prev: Float32Array, ss: Float32Array, mode: number, plus: number, minus: number, lo: number, hi: number): void;
}

/** The constants of one RMSprop step (`Kernels.rmsprop`), each a float32 value. */
export interface RMSpropConstants {
  /** Bits: 1 maximize; 2 weight decay; 8 `grad_avg` as `w·(g − a) + a` (else `g − (g − a)·wc`). */
  mode: number;
  wd: number;
  /** `alpha`, `1 − alpha` and `1 − (1 − alpha)`. */
  alpha: number;
  w: number;
  wc: number;
  eps: number;
  momentum: number;
  /** `−lr`. */
  negLr: number;
}

/** The constants of one Adam/AdamW step (`Kernels.adam`), each a float32 value. */
export interface AdamConstants {
  /**
   * Bits: 1 maximize; 2 weight decay added to the gradient; 4 decoupled (the parameter decays);
   * 8 `exp_avg` as `w1·(g − m) + m` (else `g − (g − m)·w1c`); 16 amsgrad; 32 NAdam's step
   * instead of Adam's: `denom = √(v / bc2) + eps`, `p += c1·g / denom`, then `p += ss·m / denom`;
   * 64 RAdam's: `p −= (m / bc1)·lr`, times `rect·bc2 / (√v + eps)` with 128 (rectified), in
   * PyTorch's plain order or, with 256, its capturable one (`bc2` is then `√(1 − beta2^t)`).
   */
  mode: number;
  /** Weight decay (coupled). */
  wd: number;
  /** The decoupled decay factor `1 − lr·wd`. */
  decay: number;
  /** `1 − beta1` and `1 − (1 − beta1)`. */
  w1: number;
  w1c: number;
  /** `beta2` and `1 − beta2`. */
  b2: number;
  c2: number;
  /** `√(1 − beta2^t)`. */
  bc2: number;
  eps: number;
  /** `−lr / (1 − beta1^t)` (NAdam: its `c2`, the step of `exp_avg`). */
  ss: number;
  /** NAdam's step of the gradient (mode 32; otherwise unused). */
  c1?: number;
  /** RAdam's (mode 64): `1 − beta1^t`, `lr` and the rectification term. */
  bc1?: number;
  lr?: number;
  rect?: number;
}
