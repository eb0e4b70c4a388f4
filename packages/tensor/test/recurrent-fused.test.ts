/**
 * The fused recurrent layer (ops/nn/recurrent-fused.ts) against the composed one it replaces
 * (`composedLayer`, PyTorch's cell formulas op by op): outputs and final states bit for bit;
 * the gradients into the input projection and the initial state bit for bit where the composed
 * graph adds the same terms (LSTM, RNN), within float32 rounding where it adds three (GRU's h);
 * W_hh's and b_hh's within float32 rounding of their sums' magnitude (one product over all steps
 * instead of a sum of per-step products). Packed batches (sequences ending at different steps),
 * both directions, both kernel sets, sizes around the element kernels' 4096-float threshold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { composedLayer, type CellWeights, type RecurrentMode, type State } from '../src/ops/nn/recurrent.js';
import { fusable, fusedLayer } from '../src/ops/nn/recurrent-fused.js';

const { tensor, grad } = T;
const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const MODES: RecurrentMode[] = ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'];

/** Deterministic values in [-s, s). */
function draw(n: number, seed: number, s = 1): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) / 2 ** 32 * 2 - 1) * s;
  });
}

interface Case { mode: RecurrentMode; batchSizes: number[]; H: number; reverse: boolean; bias: boolean }

function inputs(c: Case, seed: number): { xg: T.Tensor; init: State; w: CellWeights } {
  const G = GATES[c.mode], N = c.batchSizes.reduce((a, b) => a + b, 0), B = c.batchSizes[0]!;
  const t = (n: number, shape: number[], k: number, s = 1): T.Tensor => tensor(draw(n, seed * 31 + k, s), { shape, requiresGrad: true });
  return {
    xg: t(N * G * c.H, [N, G * c.H], 1, 2),
    init: { h: t(B * c.H, [B, c.H], 2), c: c.mode === 'LSTM' ? t(B * c.H, [B, c.H], 3) : null },
    w: { wIh: tensor([0]), wHh: t(G * c.H * c.H, [G * c.H, c.H], 4, 1 / Math.sqrt(c.H)), bHh: c.bias ? t(G * c.H, [G * c.H], 5) : null, bIh: null, wHr: null },
  };
}

/** The node's output layout from the composed layer: output rows, then final h, then final c. */
function composedStacked(c: Case, xg: T.Tensor, init: State, w: CellWeights): T.Tensor {
  const r = composedLayer(c.mode, xg, c.batchSizes, init, w, c.reverse);
  return T.cat([r.output, r.state.h, ...(r.state.c ? [r.state.c] : [])], 0);
}

const leaves = (c: Case, v: ReturnType<typeof inputs>): T.Tensor[] =>
  [v.xg, v.init.h, ...(v.init.c ? [v.init.c] : []), v.w.wHh, ...(v.w.bHh ? [v.w.bHh] : [])];

const bits = (t: T.Tensor): number[] => Array.from(new Int32Array(new Float32Array(t.toFloat32Array()).buffer));

/** max |a - b| over max |b| (at least 1e-30), the error relative to the array's scale. */
function scaledError(a: T.Tensor, b: T.Tensor): number {
  const x = a.toFloat32Array(), y = b.toFloat32Array();
  let d = 0, m = 1e-30;
  for (let i = 0; i < y.length; i++) { d = Math.max(d, Math.abs(x[i]! - y[i]!)); m = Math.max(m, Math.abs(y[i]!)); }
  return d / m;
}

const CASES: Case[] = [];
for (const mode of MODES) {
  for (const reverse of [false, true]) {
    CASES.push({ mode, reverse, batchSizes: [3, 3, 3, 3], H: 5, bias: true });
    CASES.push({ mode, reverse, batchSizes: [4, 3, 3, 1, 1], H: 3, bias: false });
    CASES.push({ mode, reverse, batchSizes: [1], H: 1, bias: true });
  }
  // H a multiple of 4: wasm runs each step's cell in the module (above, H 5, 3, 1: the JS kernel on both sets)
  CASES.push({ mode, reverse: false, batchSizes: [64, 63, 2], H: 64, bias: true });
  CASES.push({ mode, reverse: true, batchSizes: [65, 64], H: 64, bias: true });
}

afterEach(() => T.setBackend('wasm'));

describe('fused recurrent layer = the composed layer', () => {
  for (const backend of ['wasm', 'js'] as const) {
    for (const [i, c] of CASES.entries()) {
      const name = `${backend}: ${c.mode}${c.reverse ? ' reverse' : ''}, batch sizes [${c.batchSizes.join(',')}], H ${c.H}${c.bias ? '' : ', no bias'}`;
      it(name, () => {
        T.setBackend(backend);
        const v = inputs(c, i + 1);
        expect(fusable(v.xg, v.init, v.w, c.batchSizes)).toBe(true);
        const fused = fusedLayer(c.mode, v.xg, c.batchSizes, v.init, v.w, c.reverse, composedLayer);
        const ref = composedStacked(c, v.xg, v.init, v.w);
        expect(fused.shape).toEqual(ref.shape);
        expect(bits(fused)).toEqual(bits(ref));
        expect(fused.gradFn?.name).toBe(c.mode === 'LSTM' ? 'lstm' : c.mode === 'GRU' ? 'gru' : c.mode.toLowerCase());

        const up = tensor(draw(ref.numel(), 977 + i), { shape: ref.shape });
        const ls = leaves(c, v);
        const gf = grad(fused, ls, { gradOutputs: up });
        const gr = grad(ref, ls, { gradOutputs: up });
        const exactUpTo = c.mode === 'LSTM' ? 3 : c.mode === 'GRU' ? 0 : 2; // xg, h0 (and c0) add the same terms
        gf.forEach((g, k) => {
          expect(g!.shape).toEqual(gr[k]!.shape);
          if (k < exactUpTo) expect(bits(g!)).toEqual(bits(gr[k]!));
          else expect(scaledError(g!, gr[k]!)).toBeLessThan(c.mode === 'GRU' && k < 2 ? 1e-6 : 2e-6);
        });
      });
    }
  }

  it('a second backward (createGraph) gives the composed graph\'s second-order gradients, with and without biases', () => {
    for (const [mode, bias] of MODES.flatMap((m) => [[m, true], [m, false]] as const)) {
      const c: Case = { mode, reverse: false, batchSizes: [3, 2, 2], H: 4, bias };
      const v = inputs(c, 7);
      const ls = leaves(c, v);
      const second = (z: T.Tensor): (T.Tensor | null)[] => {
        const up = tensor(draw(z.numel(), 5), { shape: z.shape });
        const first = grad(z, ls, { gradOutputs: up, createGraph: true });
        const s = first.reduce<T.Tensor>((acc, g) => acc.add(g!.mul(g!).sum()), tensor(0));
        return grad(s, ls, { allowUnused: true });
      };
      const a = second(fusedLayer(mode, v.xg, c.batchSizes, v.init, v.w, false, composedLayer));
      const b = second(composedStacked(c, v.xg, v.init, v.w));
      a.forEach((g, k) => {
        if (b[k] === null) expect(g).toBeNull();
        else expect(scaledError(g!, b[k]!)).toBeLessThan(1e-5);
      });
    }
  });

  it('a second backward with an initial state that needs no gradient differentiates only the others', () => {
    const c: Case = { mode: 'LSTM', reverse: false, batchSizes: [2, 1], H: 3, bias: true };
    const v = inputs(c, 19);
    const h = tensor(v.init.h.toFloat32Array(), { shape: [2, 3] }); // no grad
    const ls = [v.xg, v.w.wHh];
    const second = (z: T.Tensor): T.Tensor[] => {
      const first = grad(z.square().sum(), ls, { createGraph: true });
      return grad(first[0]!.square().sum(), ls) as T.Tensor[];
    };
    const a = second(fusedLayer('LSTM', v.xg, c.batchSizes, { h, c: v.init.c }, v.w, false, composedLayer));
    const b = second(composedStacked(c, v.xg, { h, c: v.init.c }, v.w));
    a.forEach((g, k) => expect(scaledError(g, b[k]!)).toBeLessThan(1e-5));
  });

  it('gradients reach only the inputs that require them, and nn.LSTM runs the fused node', () => {
    const c: Case = { mode: 'LSTM', reverse: false, batchSizes: [2, 2], H: 3, bias: true };
    const v = inputs(c, 11);
    const h = tensor(v.init.h.toFloat32Array(), { shape: [2, 3] }); // no grad
    const z = fusedLayer('LSTM', v.xg, c.batchSizes, { h, c: v.init.c }, v.w, false, composedLayer);
    z.sum().backward();
    expect(v.xg.grad).not.toBeNull();
    expect(v.init.c!.grad).not.toBeNull();
    expect(v.w.wHh.grad!.shape).toEqual([12, 3]);
    expect(h.grad).toBeNull();

    const lstm = new T.nn.LSTM(2, 3);
    const [out, [hn, cn]] = lstm.call(T.randn([4, 1, 2]));
    const names = new Set<string>();
    const walk = [out.gradFn];
    for (let n = walk.pop(); n; n = walk.pop()) { names.add(n.name); walk.push(...n.next.filter((m): m is T.Node => m !== null)); }
    expect(names.has('lstm')).toBe(true);
    expect(names.has('sigmoid')).toBe(false);
    expect([out.shape, hn.shape, cn.shape]).toEqual([[4, 1, 3], [1, 1, 3], [1, 1, 3]]);
  });

  it('an in-place change of W_hh after the forward makes backward throw, as the composed ops do', () => {
    const c: Case = { mode: 'LSTM', reverse: false, batchSizes: [2, 1], H: 2, bias: true };
    const v = inputs(c, 13);
    const z = fusedLayer('LSTM', v.xg, c.batchSizes, v.init, v.w, false, composedLayer);
    T.noGrad(() => v.w.wHh.mul_(2));
    expect(() => z.sum().backward()).toThrow(/lstm: a tensor saved for backward was modified by an in-place operation/);
  });

  it('float64, a projected LSTM and an empty batch take the composed path', () => {
    const c: Case = { mode: 'LSTM', reverse: false, batchSizes: [2], H: 2, bias: true };
    const v = inputs(c, 17);
    expect(fusable(v.xg.double(), v.init, v.w, c.batchSizes)).toBe(false);
    expect(fusable(v.xg, v.init, { ...v.w, wHr: tensor([1, 2], { shape: [1, 2] }) }, c.batchSizes)).toBe(false);
    expect(fusable(v.xg, v.init, v.w, [])).toBe(false);
    expect(fusable(v.xg, v.init, v.w, [0])).toBe(false);
  });
});
