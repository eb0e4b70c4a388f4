import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const { nn } = T;

describe('recurrent layers: PyTorch constructors, parameter names and init', () => {
  it('registers PyTorch state-dict keys in PyTorch order, with PyTorch shapes', () => {
    const lstm = new nn.LSTM(5, 6, 2, true, false, 0, true, 3);
    const sd = lstm.stateDict();
    expect(Object.keys(sd)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0',
      'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_hr_l1',
      'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse', 'weight_hr_l1_reverse',
    ]);
    expect(sd['weight_ih_l0']!.shape).toEqual([24, 5]);
    expect(sd['weight_hh_l0']!.shape).toEqual([24, 3]);
    expect(sd['weight_hr_l0']!.shape).toEqual([3, 6]);
    expect(sd['weight_ih_l1']!.shape).toEqual([24, 6]); // 2 directions x projSize 3
    expect(Object.keys(new nn.GRU(4, 3, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(new nn.GRU(4, 3).stateDict()['weight_ih_l0']!.shape).toEqual([9, 4]);
    expect(Object.keys(new nn.LSTMCell(4, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    expect(new nn.LSTMCell(4, 3).weight_ih.shape).toEqual([12, 4]);
  });

  it('draws every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden)), in the dtype asked', () => {
    const g = new nn.GRU(3, 16, { numLayers: 2, dtype: 'float64' });
    for (const p of g.parameters()) {
      expect(p.dtype).toBe(T.float64);
      const v = [...(p.toTypedArray() as Float64Array)];
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.15);
    }
    T.manualSeed(3);
    const a = new nn.LSTM(3, 4).stateDict();
    T.manualSeed(3);
    const b = new nn.LSTM(3, 4).stateDict();
    expect(a['bias_hh_l0']!.tolist()).toEqual(b['bias_hh_l0']!.tolist());
  });

  it("prints PyTorch's repr", () => {
    expect(String(new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true, dropout: 0.5, bidirectional: true, projSize: 5 }))).toBe(
      'LSTM(10, 20, proj_size=5, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)');
    expect(String(new nn.RNN(3, 4, { nonlinearity: 'relu', bias: false }))).toBe('RNN(3, 4, bias=False, nonlinearity=relu)');
    expect(String(new nn.GRUCell(3, 4))).toBe('GRUCell(3, 4)');
  });

  it('takes positional parameters or an options bag, and refuses a name given both ways', () => {
    const a = new nn.GRU(3, 4, 2, false, true);
    expect([a.numLayers, a.bias, a.batchFirst]).toEqual([2, false, true]);
    expect(() => new nn.GRU(3, 4, 2, { numLayers: 3 })).toThrow(/multiple values for argument 'numLayers'/);
    expect(() => new nn.GRU(3, 4, { projSize: 2 } as T.nn.RNNBaseOptions)).toThrow(/unknown option 'projSize'/);
  });

  it('flattenParameters is a no-op and allWeights lists the parameters per layer and direction', () => {
    const r = new nn.RNN(3, 4, { bidirectional: true });
    r.flattenParameters();
    expect(r.allWeights.map((w) => w.length)).toEqual([4, 4]);
    expect(r.allWeights[1]![0]).toBe((r as unknown as Record<string, T.Tensor>)['weight_ih_l0_reverse']);
  });
});

describe('recurrent layers: behaviour', () => {
  it('a reassigned parameter is used by forward (tied or replaced weights)', () => {
    const r = new nn.RNN(2, 3, { bias: false });
    const rec = r as unknown as Record<string, T.Tensor>;
    rec['weight_ih_l0'] = new nn.Parameter(T.zeros([3, 2]));
    rec['weight_hh_l0'] = new nn.Parameter(T.zeros([3, 3]));
    expect(r.call(T.ones([4, 1, 2]))[0].abs().sum().item()).toBe(0);
  });

  it('module.double() runs in float64 end to end', () => {
    const m = new nn.LSTM(3, 4, { projSize: 2 }).double();
    const [out, [h, c]] = m.call(T.randn([5, 2, 3], { dtype: 'float64' }));
    expect([out.dtype, h.dtype, c.dtype]).toEqual([T.float64, T.float64, T.float64]);
    expect(() => m.call(T.randn([5, 2, 3]))).toThrow(/input must have the type/);
  });

  it('dropout between layers applies in training only; a 1-layer model warns', () => {
    T.manualSeed(0);
    const m = new nn.GRU(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = T.randn([6, 2, 3]);
    const a = m.call(x)[0].toFloat32Array(), b = m.call(x)[0].toFloat32Array();
    expect(a).not.toEqual(b);
    m.eval();
    expect(m.call(x)[0].toFloat32Array()).toEqual(m.call(x)[0].toFloat32Array());
  });

  it('a detached hidden state starts a new graph: backward over the second batch reaches only its own inputs', () => {
    const m = new nn.LSTM(3, 4);
    const x1 = T.randn([5, 2, 3], { requiresGrad: true });
    const [, hid] = m.call(x1);
    const hidden: [T.Tensor, T.Tensor] = [hid[0].detach(), hid[1].detach()];
    expect(hidden[0].requiresGrad).toBe(false);
    const [out2] = m.call(T.randn([5, 2, 3]), hidden);
    out2.sum().backward();
    expect(x1.grad).toBeNull();
  });

  it('a sequence of length 0 is refused as PyTorch refuses it; a batch of 0 gives empty outputs', () => {
    expect(() => new nn.LSTM(3, 4).call(T.zeros([0, 2, 3]))).toThrow('Expected sequence length to be larger than 0 in RNN');
    expect(() => new nn.GRU(3, 4, { batchFirst: true }).call(T.zeros([2, 0, 3]))).toThrow('Expected sequence length to be larger than 0 in RNN');
    const [out, [h, c]] = new nn.LSTM(3, 4, 2).call(T.zeros([5, 0, 3]));
    expect([out.shape, h.shape, c.shape]).toEqual([[5, 0, 4], [2, 0, 4], [2, 0, 4]]);
  });

  it('a PackedSequence in gives a PackedSequence out with the same batch sizes and order', () => {
    const m = new nn.GRU(2, 3);
    const p = nn.utils.rnn.packSequence([T.randn([2, 2]), T.randn([4, 2]), T.randn([3, 2])], false);
    const [out, h] = m.forward(p);
    expect(out).toBeInstanceOf(nn.utils.rnn.PackedSequence);
    expect(out.data.shape).toEqual([9, 3]);
    expect(out.batchSizes.tolist()).toEqual([3, 3, 2, 1]);
    expect(out.sortedIndices!.tolist()).toEqual([1, 2, 0]);
    expect(h.shape).toEqual([1, 3, 3]);
    // hN of each sequence is its output at its last step
    const [padded, lengths] = nn.utils.rnn.padPackedSequence(out);
    expect(lengths.tolist()).toEqual([2, 4, 3]);
    for (const [b, L] of [[0, 2], [1, 4], [2, 3]] as const) {
      expect(padded.select(0, L - 1).select(0, b).tolist()).toEqual(h.select(0, 0).select(0, b).tolist());
    }
  });
});

