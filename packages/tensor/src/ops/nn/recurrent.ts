/**
 * @internal The recurrent kernels behind `nn.RNN`, `nn.LSTM`, `nn.GRU` and their cells. Each cell
 * is PyTorch's formula from ATen's `RNN.cpp`, in its gate layout and order of operations, composed
 * from differentiable ops (linear, sigmoid, tanh, narrow, cat). A float32 layer runs the whole time
 * loop as one node instead (`recurrent-fused.ts`: the same outputs bit for bit, a backward linear
 * in the sequence length); the composed layer stays the reference and the other dtypes' path.
 *
 * Every sequence runs in the packed layout: `x` is `[N, in]`, the rows of step `t` are
 * `batchSizes[t]` consecutive rows, and the batch never grows with `t` (PyTorch's
 * `PackedSequence`). A padded `[T, B, in]` input is the case where every `batchSizes[t]` is `B`.
 * Per layer and direction, one matmul projects the whole sequence (`x W_ihᵀ + b_ih`), then each
 * step adds `h W_hhᵀ + b_hh`.
 */
import { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../binary.js';
import { cat, narrow, stack } from '../movement.js';
import { relu, sigmoid, tanh } from '../unary.js';
import { dropout } from './dropout.js';
import { linear } from './linear.js';
import { fusable, fusedLayer } from './recurrent-fused.js';
import type { Generator } from '../../random.js';

/** PyTorch's `mode` of an `RNNBase`. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Number of gates stacked in `weight_ih` / `weight_hh` (i,f,g,o for LSTM; r,z,n for GRU). */
export const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The weights of one layer and direction. */
export interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** LSTM projection `[projSize, hidden]` (no bias), or null. */
  wHr: Tensor | null;
}

/** A hidden state: `h`, and for an LSTM the cell state `c`. */
export interface State {
  h: Tensor;
  c: Tensor | null;
}

const gate = (g: Tensor, k: number, H: number): Tensor => narrow(g, 1, k * H, H);

/**
 * One step of a cell, given the input's projection `xg = x W_ihᵀ + b_ih` (`[b, gates·H]`) and the
 * state (`[b, H]`, or `[b, projSize]` for a projected LSTM's `h`). PyTorch's formulas:
 * - RNN: `h' = act(xg + h W_hhᵀ + b_hh)`
 * - LSTM: `gates = (h W_hhᵀ + b_hh) + xg`; `c' = f·c + i·g`; `h' = o·tanh(c')`, then `h' W_hrᵀ`
 * - GRU: `r = σ(hg_r + xg_r)`, `z = σ(hg_z + xg_z)`, `n = tanh(xg_n + r·hg_n)`, `h' = (h − n)·z + n`
 */
export function cellStep(mode: RecurrentMode, xg: Tensor, s: State, w: CellWeights): State {
  const hg = linear(s.h, w.wHh, w.bHh);
  if (mode === 'RNN_TANH') return { h: tanh(add(hg, xg)), c: null };
  if (mode === 'RNN_RELU') return { h: relu(add(hg, xg)), c: null };
  const H = w.wHh.shape[0]! / GATES[mode];
  if (mode === 'LSTM') {
    const gates = add(hg, xg);
    const i = sigmoid(gate(gates, 0, H));
    const f = sigmoid(gate(gates, 1, H));
    const g = tanh(gate(gates, 2, H));
    const o = sigmoid(gate(gates, 3, H));
    const c = add(mul(f, s.c!), mul(i, g));
    const h = mul(o, tanh(c));
    return { h: w.wHr ? linear(h, w.wHr) : h, c };
  }
  const r = sigmoid(add(gate(hg, 0, H), gate(xg, 0, H)));
  const z = sigmoid(add(gate(hg, 1, H), gate(xg, 1, H)));
  const n = tanh(add(gate(xg, 2, H), mul(gate(hg, 2, H), r)));
  return { h: add(mul(sub(s.h, n), z), n), c: null };
}

const rows = (t: Tensor | null, start: number, length: number): Tensor | null => (t === null ? null : narrow(t, 0, start, length));

/**
 * One layer in one direction over a packed sequence: `x` `[N, in]`, `batchSizes` non-increasing,
 * the initial state with `batchSizes[0]` rows. Returns the outputs `[N, H]` in `x`'s row order
 * and the final state of every sequence (a sequence that ends early keeps the state of its last
 * step, as PyTorch's `PackedLayer`; the reverse direction starts each sequence at its own last
 * step, as `ReversedPackedLayer`).
 */
export function recurrentLayer(mode: RecurrentMode, x: Tensor, batchSizes: readonly number[], init: State, w: CellWeights, reverse: boolean): { output: Tensor; state: State } {
  const xg = linear(x, w.wIh, w.bIh);
  if (!fusable(xg, init, w, batchSizes)) return composedLayer(mode, xg, batchSizes, init, w, reverse);
  // One node for the whole loop (recurrent-fused.ts): the same outputs, a linear-time backward.
  const z = fusedLayer(mode, xg, batchSizes, init, w, reverse, composedLayer);
  const N = xg.shape[0]!, B = batchSizes[0]!;
  return { output: narrow(z, 0, 0, N), state: { h: narrow(z, 0, N, B), c: mode === 'LSTM' ? narrow(z, 0, N + B, B) : null } };
}

/**
 * @internal The layer composed from differentiable ops, step by step, over the input's
 * projection `xg` (`[N, gates·H]`): the reference the fused node is tested against, and the
 * path for float64, projected LSTMs and recorded (higher-order) backwards.
 */
export function composedLayer(mode: RecurrentMode, xg: Tensor, batchSizes: readonly number[], init: State, w: CellWeights, reverse: boolean): { output: Tensor; state: State } {
  const T = batchSizes.length;
  const offsets: number[] = [];
  let n = 0;
  for (const b of batchSizes) {
    offsets.push(n);
    n += b;
  }
  const outs: Tensor[] = new Array<Tensor>(T);
  if (!reverse) {
    let s = init;
    let cur = batchSizes[0]!;
    const doneH: Tensor[] = [], doneC: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const b = batchSizes[t]!;
      if (b < cur) {
        // the sequences cur-1 .. b ended at step t-1: keep their states
        doneH.push(narrow(s.h, 0, b, cur - b));
        if (s.c) doneC.push(narrow(s.c, 0, b, cur - b));
        s = { h: narrow(s.h, 0, 0, b), c: rows(s.c, 0, b) };
        cur = b;
      }
      s = cellStep(mode, narrow(xg, 0, offsets[t]!, b), s, w);
      outs[t] = s.h;
    }
    if (doneH.length === 0) return { output: cat(outs, 0), state: s };
    doneH.push(s.h);
    if (s.c) doneC.push(s.c);
    return { output: cat(outs, 0), state: { h: cat(doneH.reverse(), 0), c: s.c ? cat(doneC.reverse(), 0) : null } };
  }
  let cur = batchSizes[T - 1]!;
  let s: State = { h: narrow(init.h, 0, 0, cur), c: rows(init.c, 0, cur) };
  for (let t = T - 1; t >= 0; t--) {
    const b = batchSizes[t]!;
    if (b > cur) {
      // sequences cur .. b-1 start here (at their own last step), from their initial state
      s = { h: cat([s.h, narrow(init.h, 0, cur, b - cur)], 0), c: s.c ? cat([s.c, narrow(init.c!, 0, cur, b - cur)], 0) : null };
      cur = b;
    }
    s = cellStep(mode, narrow(xg, 0, offsets[t]!, b), s, w);
    outs[t] = s.h;
  }
  return { output: cat(outs, 0), state: s };
}

/** Everything `recurrent` needs besides the input and the states. */
export interface RecurrentArgs {
  mode: RecurrentMode;
  /** `numLayers · numDirections` weight sets, layer-major (PyTorch's `_all_weights`). */
  weights: readonly CellWeights[];
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
  training: boolean;
  generator?: Generator;
}

/**
 * A multi-layer (bi)directional recurrent network over a packed sequence (PyTorch's `_VF.lstm`
 * etc.): `x` `[N, in]`, `h0` (and `c0`) `[layers·dirs, batchSizes[0], ·]`. The directions'
 * outputs are concatenated on the feature dim; dropout applies to every layer's output but the
 * last, in training only. Returns the output `[N, dirs·H]` and the final states stacked as `h0`.
 */
export function recurrent(x: Tensor, batchSizes: readonly number[], h0: Tensor, c0: Tensor | null, a: RecurrentArgs): { output: Tensor; h: Tensor; c: Tensor | null } {
  const dirs = a.bidirectional ? 2 : 1;
  const hs: Tensor[] = [], cs: Tensor[] = [];
  let input = x;
  for (let l = 0; l < a.numLayers; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const k = l * dirs + d;
      const init: State = { h: h0.select(0, k), c: c0 ? c0.select(0, k) : null };
      const r = recurrentLayer(a.mode, input, batchSizes, init, a.weights[k]!, d === 1);
      outs.push(r.output);
      hs.push(r.state.h);
      if (r.state.c) cs.push(r.state.c);
    }
    input = dirs === 1 ? outs[0]! : cat(outs, 1);
    if (a.dropout > 0 && a.training && l < a.numLayers - 1) input = dropout(input, a.dropout, true, a.generator);
  }
  return { output: input, h: stack(hs, 0), c: c0 ? stack(cs, 0) : null };
}
