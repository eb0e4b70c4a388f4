/**
 * @internal One recurrent layer (one direction, the whole time loop) as one autograd node, for
 * float32 (issue 25). The composed layer in `recurrent.ts` records a dozen nodes per time step,
 * and each step's `narrow` of the input projection sends back a gradient as large as the whole
 * projection, so its backward costs O(T²) in the sequence length. Here:
 *
 * - forward: per step one `h·W_hhᵀ + b_hh` product (the kernel set's `linear`), then the gates'
 *   nonlinearities and the state update in one pass (LSTM: the set's `lstmCell`; GRU and the
 *   plain RNN: the set's sigmoid and tanh over the same `[b, H]` blocks), each element rounded as
 *   the composed ops round it, so outputs and states are the composed layer's bits;
 * - backward: back through time with every gate's derivative in one pass (ATen's formulas in
 *   float32, as the composed ops' backwards; LSTM: `lstmCellBackward`), one `dgates·W_hh` product
 *   per step for the state,
 *   and at the end `W_hh`'s and `b_hh`'s gradients from one product over all steps
 *   (`dgatesᵀ·h_prev`) instead of a sum of per-step products.
 *
 * The node's single output stacks everything a caller reads: `[N + S·B, H]` with the output rows
 * (`N`, the packed layout), then the final `h` of each of the `B` sequences, then (LSTM, `S = 2`)
 * the final `c`. `recurrentLayer` hands out narrow views of it.
 *
 * A recorded backward (`createGraph`) replays the composed layer on aliases of the inputs and
 * differentiates that, so higher-order gradients stay what the composed ops give.
 */
import { isGradEnabled, record } from '../../autograd.js';
import { K } from '../../kernels/index.js';
import { float32 } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../movement.js';
import { empty } from '../util.js';
import { replayBackward } from './common.js';
import type { CellWeights, RecurrentMode, State } from './recurrent.js';

/** The composed layer over a precomputed input projection (what `recurrentLayer` runs otherwise). */
export type ComposedLayer = (mode: RecurrentMode, xg: Tensor, batchSizes: readonly number[], init: State, w: CellWeights, reverse: boolean) => { output: Tensor; state: State };

/** Whether the fused node can run this layer: float32 throughout, no LSTM projection, a non-empty sequence. */
export function fusable(xg: Tensor, init: State, w: CellWeights, batchSizes: readonly number[]): boolean {
  const f32 = (t: Tensor | null): boolean => t === null || t.dtype === float32;
  return w.wHr === null && batchSizes.length > 0 && batchSizes[0]! > 0
    && f32(xg) && f32(init.h) && f32(init.c) && f32(w.wHh) && f32(w.bHh);
}

/**
 * The layer over `xg = x·W_ihᵀ + b_ih` (`[N, G·H]`, packed rows), from `init` (`[B, H]` each,
 * `B = batchSizes[0]`); `reverse` runs the steps from last to first. Returns the node's output
 * `[N + S·B, H]` (see the file's comment).
 */
export function fusedLayer(mode: RecurrentMode, xg: Tensor, batchSizes: readonly number[], init: State, w: CellWeights, reverse: boolean, composed: ComposedLayer): Tensor {
  const GH = w.wHh.shape[0]!, H = w.wHh.shape[1]!, T = batchSizes.length, B = batchSizes[0]!; // W_hh is [gates·H, H] (no projection)
  const lstm = mode === 'LSTM', gru = mode === 'GRU';
  const offsets = new Array<number>(T);
  let N = 0;
  for (let t = 0; t < T; t++) {
    offsets[t] = N;
    N += batchSizes[t]!;
  }
  const order = Array.from({ length: T }, (_, i) => (reverse ? T - 1 - i : i));
  const k = K();
  const op = mode.toLowerCase();
  const [xd, xo] = xg._contiguousData(op);
  const [wd, wo] = w.wHh._contiguousData(op);
  const [bd, bo] = w.bHh ? w.bHh._contiguousData(op) : [null, 0];

  const S = lstm ? 2 : 1;
  const out = empty([N + S * B, H]);
  const z = out.storage.data as Float32Array;
  // Saved for backward: each row's previous h (and c), the gates' activations (gate-major per
  // step: step t's block at offsets[t]·G·H holds G blocks of [b, H]), LSTM's c and tanh(c),
  // GRU's h·W_hn + b_hn.
  const hp = new Float32Array(N * H);
  const cp = lstm ? new Float32Array(N * H) : null;
  const act = mode === 'RNN_TANH' || mode === 'RNN_RELU' ? null : new Float32Array(N * GH);
  const cc = lstm ? new Float32Array(N * H) : null, tc = lstm ? new Float32Array(N * H) : null;
  const hgn = gru ? new Float32Array(N * H) : null;
  const hg = new Float32Array(B * GH);
  const sh = new Float32Array(B * H), sc = lstm ? new Float32Array(B * H) : null;
  {
    const [h0, h0o] = init.h._contiguousData(op);
    sh.set(h0.subarray(h0o, h0o + B * H));
    if (sc) {
      const [c0, c0o] = init.c!._contiguousData(op);
      sc.set(c0.subarray(c0o, c0o + B * H));
    }
  }

  for (const t of order) {
    const b = batchSizes[t]!, o = offsets[t]!, bH = b * H, row = o * H;
    hp.set(sh.subarray(0, bH), row);
    if (cp) cp.set(sc!.subarray(0, bH), row);
    k.linear(hp, row, wd, wo, bd, bo, b, H, GH, hg);
    const xs = xo + o * GH;
    if (lstm) {
      // gates = σ/tanh((h·W_hhᵀ + b_hh) + xg) into i, f, g, o blocks of [b, H]; c' = f·c + i·g; h' = o·tanh(c')
      k.lstmCell(hg, xd, xs, cp!, act!, o * GH, cc!, tc!, z, row, b, H);
      sc!.set(cc!.subarray(row, row + bH));
    } else if (gru) {
      const a = act!, base = o * GH, n = hgn!;
      for (let g = 0; g < 2; g++) gateSum(a, base + g * bH, hg, xd, xs, g * H, b, H, GH);
      k.unary('sigmoid', a, base, a, base, bH);
      k.unary('sigmoid', a, base + bH, a, base + bH, bH);
      const nb = base + 2 * bH;
      gruCandidate(a, base, hg, xd, xs, n, row, b, H, GH);
      k.unary('tanh', a, nb, a, nb, bH);
      gruOut(a, base, hp, z, row, bH);
    } else {
      gateSum(z, row, hg, xd, xs, 0, b, H, GH);
      k.unary(mode === 'RNN_TANH' ? 'tanh' : 'relu', z, row, z, row, bH);
    }
    sh.set(z.subarray(row, row + bH));
  }
  z.set(sh, N * H);
  if (sc) z.set(sc, (N + B) * H);

  const inputs = [xg, init.h, ...(lstm ? [init.c!] : []), w.wHh, ...(w.bHh ? [w.bHh] : [])];
  return record(op, out, inputs, (gOut) => {
    if (isGradEnabled()) return recordedBackward(gOut);
    const [gd, go] = gOut._contiguousData(op);
    const dxg = empty([N, GH]);
    const dx = dxg.storage.data as Float32Array;
    const dhg = gru ? new Float32Array(N * GH) : dx; // the gradient into h·W_hhᵀ + b_hh (GRU's differs from xg's)
    const carryH = gd.slice(go + N * H, go + (N + B) * H); // the final states' gradients, then each step's into its previous state
    const carryC = lstm ? gd.slice(go + (N + B) * H, go + (N + 2 * B) * H) : null;
    const dh = new Float32Array(B * H), dhp = new Float32Array(B * H), dsub = gru ? new Float32Array(B * H) : null;
    for (let s = T - 1; s >= 0; s--) {
      const t = order[s]!, b = batchSizes[t]!, o = offsets[t]!, bH = b * H, row = o * H, base = o * GH;
      sum(gd, go + row, carryH, dh, bH);
      if (lstm) k.lstmCellBackward(act!, base, tc!, cp!, row, dh, carryC!, dx, base, b, H);
      else if (gru) gruBackward(act!, base, hgn!, hp, row, dh, dsub!, dx, dhg, b, H, GH);
      else rnnBackward(mode === 'RNN_TANH', z, row, dh, dx, base, b, H, GH);
      k.linearBackward(hp, row, wd, wo, dhg, base, b, H, GH, dhp, null, null);
      if (dsub) sum(dhp, 0, dsub, carryH, bH);
      else carryH.set(dhp.subarray(0, bH));
    }
    const needW = w.wHh.requiresGrad, needB = w.bHh?.requiresGrad ?? false;
    const dw = needW ? empty([GH, H]) : null, db = needB ? empty([GH]) : null;
    if (dw || db) k.linearBackward(hp, 0, wd, wo, dhg, 0, N, H, GH, null, (dw?.storage.data ?? null) as Float32Array | null, (db?.storage.data ?? null) as Float32Array | null);
    const state = (d: Float32Array | null, t: Tensor | null): Tensor | null => {
      if (d === null || t === null || !t.requiresGrad) return null;
      const g = empty([B, H]);
      (g.storage.data as Float32Array).set(d);
      return g;
    };
    return [xg.requiresGrad ? dxg : null, state(carryH, init.h), ...(lstm ? [state(carryC, init.c)] : []), dw, ...(w.bHh ? [db] : [])];
  }, inputs);

  /** With `createGraph`: the composed layer replayed on aliases of the inputs, differentiated with a recorded backward. */
  function recordedBackward(gOut: Tensor): (Tensor | null)[] {
    return replayBackward(inputs, gOut, (a) => {
      let i = 0; // the aliases in `inputs`' order: xg, h0, c0 (LSTM), W_hh, b_hh (if any)
      const xgA = a[i++]!, h = a[i++]!, c = lstm ? a[i++]! : null, wHh = a[i++]!, bHh = w.bHh ? a[i++]! : null;
      const res = composed(mode, xgA, batchSizes, { h, c }, { ...w, wHh, bHh }, reverse);
      return cat([res.output, res.state.h, ...(res.state.c ? [res.state.c] : [])], 0);
    });
  }
}

// ---- the element loops, one function each (called per step: small, hot, optimised early) ----

const r = Math.fround;

/** `out[e] = a[aAt + e] + b[e]` in float32, `n` elements. */
function sum(a: Float32Array, aAt: number, b: Float32Array, out: Float32Array, n: number): void {
  for (let e = 0; e < n; e++) out[e] = r(a[aAt + e]! + b[e]!);
}

/** One gate's pre-activation, `(h·W_hhᵀ + b_hh) + xg` over columns `col .. col + H` of both, into a `[b, H]` block at `dst`. */
function gateSum(out: Float32Array, dst: number, hg: Float32Array, xd: Float32Array, xs: number, col: number, b: number, H: number, GH: number): void {
  for (let i = 0; i < b; i++) {
    const o = dst + i * H, h = i * GH + col, x = xs + i * GH + col;
    for (let j = 0; j < H; j++) out[o + j] = r(hg[h + j]! + xd[x + j]!);
  }
}

/** GRU's candidate pre-activation `xg_n + hg_n·r` into the n block, keeping `hg_n` for backward. */
function gruCandidate(a: Float32Array, base: number, hg: Float32Array, xd: Float32Array, xs: number, hgn: Float32Array, row: number, b: number, H: number, GH: number): void {
  const bH = b * H, nb = base + 2 * bH;
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < H; j++) {
      const e = i * H + j, hv = hg[i * GH + 2 * H + j]!;
      hgn[row + e] = hv;
      a[nb + e] = r(xd[xs + i * GH + 2 * H + j]! + r(hv * a[base + e]!));
    }
  }
}

/** GRU's `h' = (h − n)·z + n`. */
function gruOut(a: Float32Array, base: number, hp: Float32Array, z: Float32Array, row: number, bH: number): void {
  const nb = base + 2 * bH;
  for (let e = 0; e < bH; e++) {
    const nv = a[nb + e]!;
    z[row + e] = r(r(r(hp[row + e]! - nv) * a[base + bH + e]!) + nv);
  }
}

/** One GRU step back: the pre-activation gradients into `dx` (xg's) and `dhg` (h·W_hhᵀ + b_hh's), and `dsub`, the direct path into the previous h. */
function gruBackward(a: Float32Array, base: number, hgn: Float32Array, hp: Float32Array, row: number, dh: Float32Array, dsub: Float32Array, dx: Float32Array, dhg: Float32Array, b: number, H: number, GH: number): void {
  const bH = b * H;
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < H; j++) {
      const e = i * H + j, at = base + e;
      const rg = a[at]!, zg = a[at + bH]!, nv = a[at + 2 * bH]!, g = dh[e]!;
      const sub = r(hp[row + e]! - nv);
      const ds = r(g * zg);
      dsub[e] = ds;
      const dz = r(g * sub);
      const dnp = r(r(g - ds) * r(1 - r(nv * nv)));
      const dr = r(dnp * hgn[row + e]!);
      const drp = r(r(dr * r(1 - rg)) * rg), dzp = r(r(dz * r(1 - zg)) * zg);
      const d = base + i * GH + j;
      dx[d] = drp; dhg[d] = drp;
      dx[d + H] = dzp; dhg[d + H] = dzp;
      dx[d + 2 * H] = dnp; dhg[d + 2 * H] = r(dnp * rg);
    }
  }
}

/** One plain RNN step back: tanh_backward from the output, or relu's threshold_backward (0 where the input was <= 0, which is where h is; a NaN input passes the gradient). */
function rnnBackward(tanh: boolean, z: Float32Array, row: number, dh: Float32Array, dx: Float32Array, base: number, b: number, H: number, GH: number): void {
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < H; j++) {
      const hv = z[row + i * H + j]!, g = dh[i * H + j]!;
      dx[base + i * GH + j] = tanh ? r(g * r(1 - r(hv * hv))) : hv <= 0 ? 0 : g;
    }
  }
}
