import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * PyTorch parity of the recurrent layers (issue 22): every case of test/fixtures/recurrent.json
 * (scripts/fixtures/recurrent_fixtures.py, PyTorch 1.13). Each case loads PyTorch's weights and
 * runs forward and backward for a random upstream on output, hN and cN; the output, final states
 * and the gradients of every parameter, the input and the initial states are compared with
 * PyTorch's float64 result: in float64 to 1e-12, in float32 within a few times PyTorch's own
 * float32 error on that quantity (measured by the script), never tighter than 2e-7.
 */
interface Packed { shape: number[]; data: number[] }
interface Case {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  ctor: Record<string, unknown>;
  params: [string, Packed][];
  input: Packed;
  h0: Packed | null;
  c0: Packed | null;
  packed: { lengths: number[]; enforceSorted: boolean } | null;
  steps: number | null;
  unbatched: boolean;
  upstream: { output: Packed; h: Packed; c: Packed | null };
  want: { output: Packed; h: Packed; c: Packed | null; grads: Record<string, Packed> };
  err32: Record<string, number>;
}
interface PackingCase {
  op: string;
  seqs?: Packed[];
  input?: Packed;
  lengths?: number[];
  batchFirst?: boolean;
  paddingValue?: number;
  totalLength?: number | null;
  enforceSorted?: boolean;
  want: Packed | { data: Packed; batchSizes: number[]; sortedIndices: number[] | null; unsortedIndices: number[] | null } | { padded: Packed; lengths: number[] };
}
interface ErrorCase {
  name: string;
  kind?: Case['kind'];
  op?: string;
  ctor?: Record<string, unknown>;
  input: number[] | null;
  hx?: number[] | null;
  cx?: number[] | null;
  lengths?: number[];
  enforceSorted?: boolean;
  seqLengths?: number[];
  totalLength?: number;
  message: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/recurrent.json', import.meta.url), 'utf8')) as {
  torch: string; cases: Case[]; packing: PackingCase[]; errors: ErrorCase[];
};
const { nn } = T;
type Dt = typeof T.float32;

function build(kind: Case['kind'], ctor: Record<string, unknown>): T.nn.Module {
  const { inputSize, hiddenSize, ...rest } = ctor as { inputSize: number; hiddenSize: number } & Record<string, never>;
  switch (kind) {
    case 'RNN': return new nn.RNN(inputSize, hiddenSize, rest);
    case 'LSTM': return new nn.LSTM(inputSize, hiddenSize, rest);
    case 'GRU': return new nn.GRU(inputSize, hiddenSize, rest);
    case 'RNNCell': return new nn.RNNCell(inputSize, hiddenSize, rest);
    case 'LSTMCell': return new nn.LSTMCell(inputSize, hiddenSize, rest);
    case 'GRUCell': return new nn.GRUCell(inputSize, hiddenSize, rest);
  }
}

const load = (p: Packed, dtype: Dt, requiresGrad = false): T.Tensor => T.tensor(p.data, { shape: p.shape, dtype, requiresGrad });

interface Result { output: T.Tensor; h: T.Tensor; c: T.Tensor | null; leaves: Record<string, T.Tensor> }

/** The case's forward pass (and backward of the fixture's loss), as the script runs it. */
export function runCase(c: Case, dtype: Dt): Result {
  const m = build(c.kind, c.ctor);
  if (dtype === T.float64) m.double();
  const sd: T.nn.StateDict = Object.create(null) as T.nn.StateDict;
  for (const [n, p] of c.params) sd[n] = load(p, T.float64);
  // PyTorch's state dict loads as is (strict: the same keys), and ours lists them in PyTorch's order and shapes
  expect(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape])).toEqual(c.params.map(([k, p]) => [k, p.shape]));
  m.loadStateDict(sd);
  const x = load(c.input, dtype, true);
  const h0 = c.h0 ? load(c.h0, dtype, true) : null;
  const c0 = c.c0 ? load(c.c0, dtype, true) : null;
  let output: T.Tensor, h: T.Tensor, cN: T.Tensor | null = null;
  const batchFirst = c.ctor['batchFirst'] === true;
  if (m instanceof nn.RNNCellBase) {
    const hs: T.Tensor[] = [];
    let hc: [T.Tensor, T.Tensor] | null = h0 && c0 ? [h0, c0] : null;
    let hh: T.Tensor | null = h0;
    for (let t = 0; t < c.steps!; t++) {
      const xt = x.select(0, t);
      if (m instanceof nn.LSTMCell) {
        hc = m.call(xt, hc);
        hs.push(hc[0]);
        cN = hc[1];
      } else {
        hh = (m as T.nn.RNNCell).call(xt, hh);
        hs.push(hh);
      }
    }
    output = T.stack(hs, 0);
    h = hs[hs.length - 1]!;
  } else {
    const input = c.packed ? nn.utils.rnn.packPaddedSequence(x, c.packed.lengths, { batchFirst, enforceSorted: c.packed.enforceSorted }) : x;
    const unpack = (o: T.Tensor | T.nn.utils.rnn.PackedSequence): T.Tensor => (o instanceof nn.utils.rnn.PackedSequence ? nn.utils.rnn.padPackedSequence(o, { batchFirst })[0] : o);
    if (m instanceof nn.LSTM) {
      const [o, [hn, cn]] = input instanceof nn.utils.rnn.PackedSequence ? m.forward(input, h0 && c0 ? [h0, c0] : null) : m.call(input, h0 && c0 ? [h0, c0] : null);
      output = unpack(o);
      h = hn;
      cN = cn;
    } else {
      const r = m as T.nn.RNN;
      const [o, hn] = input instanceof nn.utils.rnn.PackedSequence ? r.forward(input, h0) : r.call(input, h0);
      output = unpack(o);
      h = hn;
    }
  }
  let loss = output.mul(load(c.upstream.output, dtype)).sum().add(h.mul(load(c.upstream.h, dtype)).sum());
  if (cN && c.upstream.c) loss = loss.add(cN.mul(load(c.upstream.c, dtype)).sum());
  loss.backward();
  const leaves: Record<string, T.Tensor> = { input: x };
  if (h0) leaves['h0'] = h0;
  if (c0) leaves['c0'] = c0;
  for (const [n, p] of m.namedParameters()) leaves[n] = p;
  return { output, h, c: cN, leaves };
}

function expectClose(got: T.Tensor, want: Packed, tol: number, label: string): void {
  expect([...got.shape], `${label}: shape`).toEqual(want.shape);
  const a = got.to(T.float64).toTypedArray() as Float64Array;
  let worst = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - want.data[i]!);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  if (!(worst <= tol)) expect.fail(`${label}[${at}]: got ${a[at]}, PyTorch ${want.data[at]} (|diff| ${worst} > tol ${tol})`);
}

/** float32: a few times PyTorch's own float32 error on this quantity, with a floor of 2e-7 (some quantities round exactly in PyTorch). */
const tol32 = (c: Case, q: string, want: Packed): number => {
  const scale = Math.max(1, ...want.data.map(Math.abs));
  return Math.max(4 * (c.err32[q] ?? 0), 2e-7 * scale);
};

function check(c: Case, dtype: Dt): void {
  const r = runCase(c, dtype);
  const tol = (q: string, w: Packed): number => (dtype === T.float64 ? 1e-12 * Math.max(1, ...w.data.map(Math.abs)) : tol32(c, q, w));
  expectClose(r.output, c.want.output, tol('output', c.want.output), 'output');
  expectClose(r.h, c.want.h, tol('h', c.want.h), 'hN');
  if (c.want.c) expectClose(r.c!, c.want.c, tol('c', c.want.c), 'cN');
  const names = Object.keys(c.want.grads);
  expect(Object.keys(r.leaves).sort(), 'every leaf has a PyTorch gradient').toEqual([...names].sort());
  for (const n of names) {
    const g = r.leaves[n]!.grad;
    expect(g, `grad of ${n}`).not.toBeNull();
    expectClose(g!, c.want.grads[n]!, tol(`grad.${n}`, c.want.grads[n]!), `grad of ${n}`);
  }
}

describe(`PyTorch ${fixture.torch} parity of nn.RNN, nn.LSTM, nn.GRU and their cells: outputs, final states, all gradients`, () => {
  for (const c of fixture.cases) {
    it(`float64: ${c.name}`, () => check(c, T.float64));
    it(`float32: ${c.name}`, () => check(c, T.float32));
  }
});

describe(`PyTorch ${fixture.torch} parity of nn.utils.rnn`, () => {
  const asSeqs = (p: PackingCase): T.Tensor[] => p.seqs!.map((s) => load(s, T.float64));
  for (const [i, p] of fixture.packing.entries()) {
    it(`${p.op} #${i} ${JSON.stringify({ batchFirst: p.batchFirst, enforceSorted: p.enforceSorted, totalLength: p.totalLength, paddingValue: p.paddingValue })}`, () => {
      const R = nn.utils.rnn;
      if (p.op === 'padSequence') {
        expectClose(R.padSequence(asSeqs(p), { batchFirst: p.batchFirst!, paddingValue: p.paddingValue! }), p.want as Packed, 0, 'padded');
        return;
      }
      if (p.op === 'padPackedSequence') {
        const w = p.want as { padded: Packed; lengths: number[] };
        const [padded, lengths] = R.padPackedSequence(R.packSequence(asSeqs(p), false), { batchFirst: p.batchFirst!, paddingValue: p.paddingValue!, totalLength: p.totalLength ?? null });
        expectClose(padded, w.padded, 0, 'padded');
        expect(lengths.dtype).toBe(T.int64);
        expect(lengths.tolist()).toEqual(w.lengths);
        return;
      }
      const w = p.want as { data: Packed; batchSizes: number[]; sortedIndices: number[] | null; unsortedIndices: number[] | null };
      const packed = p.op === 'packSequence'
        ? R.packSequence(asSeqs(p), { enforceSorted: p.enforceSorted! })
        : R.packPaddedSequence(load(p.input!, T.float64), p.lengths!, p.batchFirst!, p.enforceSorted!);
      expectClose(packed.data, w.data, 0, 'data');
      expect(packed.batchSizes.tolist()).toEqual(w.batchSizes);
      expect(packed.sortedIndices?.tolist() ?? null).toEqual(w.sortedIndices);
      expect(packed.unsortedIndices?.tolist() ?? null).toEqual(w.unsortedIndices);
    });
  }
});

describe(`errors as PyTorch ${fixture.torch} words them`, () => {
  for (const e of fixture.errors) {
    it(e.name, () => {
      let err: unknown = null;
      try {
        if (e.op === 'packPaddedSequence') nn.utils.rnn.packPaddedSequence(T.zeros(e.input!), e.lengths!, { enforceSorted: e.enforceSorted! });
        else if (e.op === 'padPackedSequence') nn.utils.rnn.padPackedSequence(nn.utils.rnn.packSequence(e.seqLengths!.map((n) => T.zeros([n]))), { totalLength: e.totalLength! });
        else {
          const m = build(e.kind!, e.ctor!);
          if (e.input) {
            const x = T.zeros(e.input);
            if (m instanceof nn.LSTM || m instanceof nn.LSTMCell) (m as T.nn.LSTM).call(x, e.hx ? [T.zeros(e.hx), T.zeros(e.cx!)] : null);
            else (m as T.nn.GRU).call(x, e.hx ? T.zeros(e.hx) : null);
          }
        }
      } catch (x) {
        err = x;
      }
      expect(err, 'throws').toBeInstanceOf(Error);
      expect((err as Error).message).toContain(e.message);
    });
  }
});
