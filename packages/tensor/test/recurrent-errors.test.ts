import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { throwsWith } from './helpers/throws.js';

const { nn } = T;
const R = nn.utils.rnn;
const i64 = (v: number[]): T.Tensor => T.tensor(v, { dtype: T.int64 });

/**
 * The recurrent layers' and nn.utils.rnn's own checks, beyond the messages PyTorch words (those
 * are in recurrent-parity.test.ts): each names the op, the argument and the value.
 */
const TABLE: [string, () => unknown, new (...a: never[]) => Error, string | RegExp][] = [
  ['inputSize 0', () => new nn.LSTM(0, 4), RangeError, 'LSTM: inputSize must be an integer >= 1, got number 0'],
  ['hiddenSize 2.5', () => new nn.GRU(3, 2.5), RangeError, 'GRU: hiddenSize must be an integer >= 1, got number 2.5'],
  ['numLayers 0', () => new nn.RNN(3, 4, 0), RangeError, 'RNN: numLayers must be an integer >= 1, got number 0'],
  ['bias not a boolean', () => new nn.RNN(3, 4, { bias: 1 as unknown as boolean }), TypeError, 'RNN: bias must be a boolean, got number 1'],
  ['batchFirst not a boolean', () => new nn.GRU(3, 4, { batchFirst: 'yes' as unknown as boolean }), TypeError, 'GRU: batchFirst must be a boolean, got string yes'],
  ['bidirectional not a boolean', () => new nn.LSTM(3, 4, { bidirectional: 'no' as unknown as boolean }), TypeError, 'LSTM: bidirectional must be a boolean, got string no'],
  ['dropout NaN', () => new nn.LSTM(3, 4, { dropout: NaN }), RangeError, /^LSTM: dropout should be a number in range \[0, 1\] representing the probability of an element being zeroed, got number NaN$/],
  ['dropout negative', () => new nn.LSTM(3, 4, 2, true, false, -0.1), RangeError, /dropout should be a number in range \[0, 1\].*got number -0\.1$/],
  ['projSize 1.5', () => new nn.LSTM(3, 4, { projSize: 1.5 }), RangeError, 'LSTM: proj_size should be a positive integer or zero to disable projections, got number 1.5'],
  ['projSize = hiddenSize', () => new nn.LSTM(3, 4, { projSize: 4 }), RangeError, 'LSTM: proj_size has to be smaller than hidden_size, got projSize 4 and hiddenSize 4'],
  ['integer dtype', () => new nn.GRU(3, 4, { dtype: 'int64' }), TypeError, 'GRU: dtype must be a floating dtype, got int64'],
  ['cell integer dtype', () => new nn.GRUCell(3, 4, { dtype: 'int32' }), TypeError, 'GRUCell: dtype must be a floating dtype, got int32'],
  ['cell inputSize 0', () => new nn.LSTMCell(0, 4), RangeError, 'LSTMCell: inputSize must be an integer >= 1, got number 0'],
  ['cell hiddenSize 0', () => new nn.RNNCell(3, 0), RangeError, 'RNNCell: hiddenSize must be an integer >= 1, got number 0'],
  ['cell bias not a boolean', () => new nn.LSTMCell(3, 4, { bias: 0 as unknown as boolean }), TypeError, 'LSTMCell: bias must be a boolean, got number 0'],
  ['cell unknown nonlinearity', () => new nn.RNNCell(3, 4, true, 'gelu' as 'tanh'), RangeError, 'Unknown nonlinearity: gelu'],
  ['RNN unknown option', () => new nn.RNN(3, 4, { projSize: 2 } as T.nn.RNNOptions), TypeError, /^RNN: unknown option 'projSize'/],
  ['input not a tensor', () => new nn.GRU(3, 4).call([1, 2, 3] as unknown as T.Tensor), TypeError, 'GRU: input must be a Tensor or a PackedSequence, got an array'],
  ['4-d input', () => new nn.GRU(3, 4).call(T.zeros([2, 2, 2, 3])), RangeError, 'GRU: Expected input to be 2-D or 3-D but received 4-D tensor'],
  ['1-d input', () => new nn.LSTM(3, 4).call(T.zeros([3])), RangeError, 'LSTM: Expected input to be 2-D or 3-D but received 1-D tensor'],
  ['float64 input to float32 weights', () => new nn.RNN(3, 4).call(T.zeros([2, 1, 3], { dtype: 'float64' })), TypeError, 'input must have the type torch.float32, got type torch.float64'],
  ['float64 h0 to float32 weights', () => new nn.RNN(3, 4).call(T.zeros([2, 1, 3]), T.zeros([1, 1, 4], { dtype: 'float64' })), TypeError, 'RNN: hx must have the type torch.float32, got type torch.float64'],
  ['float64 c0 to float32 weights', () => new nn.LSTM(3, 4).call(T.zeros([2, 1, 3]), [T.zeros([1, 1, 4]), T.zeros([1, 1, 4], { dtype: 'float64' })]), TypeError, 'LSTM: cx must have the type torch.float32, got type torch.float64'],
  ['2-d packed data of the wrong width', () => new nn.GRU(3, 4).forward(R.packSequence([T.zeros([2, 5])])), RangeError, 'input.size(-1) must be equal to input_size. Expected 3, got 5'],
  ['3-d packed data', () => new nn.GRU(3, 4).forward(new R.PackedSequence(T.zeros([2, 1, 3]), [1, 1])), RangeError, 'input must have 2 dimensions, got 3'],
  ['LSTM hx not a pair', () => new nn.LSTM(3, 4).call(T.zeros([2, 1, 3]), T.zeros([1, 1, 4]) as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTM: hx must be a pair \[h0, c0\] of tensors, got /],
  ['LSTM hx a pair of arrays', () => new nn.LSTM(3, 4).call(T.zeros([2, 1, 3]), [[0], [0]] as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTM: hx must be a pair/],
  ['cell input not a tensor', () => new nn.GRUCell(3, 4).call(7 as unknown as T.Tensor), TypeError, 'GRUCell: input must be a Tensor, got number 7'],
  ['cell float64 input', () => new nn.GRUCell(3, 4).call(T.zeros([1, 3], { dtype: 'float64' })), TypeError, 'GRUCell: input must have the type torch.float32, got type torch.float64'],
  ['cell hx not a tensor', () => new nn.RNNCell(3, 4).call(T.zeros([1, 3]), 'h' as unknown as T.Tensor), TypeError, 'RNNCell: hx must be a Tensor, got string h'],
  ['cell 3-d hx', () => new nn.RNNCell(3, 4).call(T.zeros([1, 3]), T.zeros([1, 1, 4])), RangeError, 'RNNCell: hx must be 2-D, got shape [1, 1, 4]'],
  ['cell 2-d hx with unbatched input', () => new nn.RNNCell(3, 4).call(T.zeros([3]), T.zeros([1, 4])), RangeError, 'RNNCell: hx must be 1-D, got shape [1, 4]'],
  ['LSTMCell 3-d cx', () => new nn.LSTMCell(3, 4).call(T.zeros([1, 3]), [T.zeros([1, 4]), T.zeros([1, 1, 4])]), RangeError, 'LSTMCell: hx[1] must be 2-D, got shape [1, 1, 4]'],
  ['LSTMCell hx not a pair', () => new nn.LSTMCell(3, 4).call(T.zeros([1, 3]), T.zeros([1, 4]) as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTMCell: hx must be a pair \[hx, cx\] of tensors/],
  ['cell float64 hx', () => new nn.GRUCell(3, 4).call(T.zeros([1, 3]), T.zeros([1, 4], { dtype: 'float64' })), TypeError, 'GRUCell: hx must have the type torch.float32, got type torch.float64'],
  ['unbatched LSTM: cx 3-d while hx is 2-d', () => new nn.LSTM(3, 4).call(T.zeros([5, 3]), [T.zeros([1, 4]), T.zeros([1, 1, 4])]), RangeError, 'For unbatched 2-D input, hx and cx should also be 2-D but got (2-D, 3-D) tensors'],
  ['batched LSTM: cx 2-d while hx is 3-d', () => new nn.LSTM(3, 4).call(T.zeros([5, 1, 3]), [T.zeros([1, 1, 4]), T.zeros([1, 4])]), RangeError, 'For batched 3-D input, hx and cx should also be 3-D but got (3-D, 2-D) tensors'],
  ['packed input with a 2-d hx', () => new nn.GRU(3, 4).forward(R.packSequence([T.zeros([2, 3]), T.zeros([1, 3])]), T.zeros([1, 2])), RangeError, 'Expected hidden size (1, 2, 4), got [1, 2]'],
  ['packed LSTM input with a 2-d cx', () => new nn.LSTM(3, 4).forward(R.packSequence([T.zeros([2, 3])]), [T.zeros([1, 1, 4]), T.zeros([1, 1])]), RangeError, 'Expected hidden[1] size (1, 1, 4), got [1, 1]'],
  ['LSTM hx of three tensors', () => new nn.LSTM(3, 4).call(T.zeros([2, 1, 3]), [T.zeros([1, 1, 4]), T.zeros([1, 1, 4]), T.zeros([1])] as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTM: hx must be a pair \[h0, c0\] of tensors, got /],
  ['LSTM hx [tensor, number]', () => new nn.LSTM(3, 4).call(T.zeros([2, 1, 3]), [T.zeros([1, 1, 4]), 0] as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTM: hx must be a pair/],
  ['LSTMCell hx of one tensor in an array', () => new nn.LSTMCell(3, 4).call(T.zeros([1, 3]), [T.zeros([1, 4])] as unknown as [T.Tensor, T.Tensor]), TypeError, /^LSTMCell: hx must be a pair \[hx, cx\] of tensors/],
  ['dropout a string', () => new nn.GRU(3, 4, { dropout: '0.5' as unknown as number }), RangeError, /^GRU: dropout should be a number in range \[0, 1\].*got string 0\.5$/],
  ['LSTM unknown option', () => new nn.LSTM(3, 4, { nonlinearity: 'relu' } as T.nn.LSTMOptions), TypeError, /^LSTM: unknown option 'nonlinearity'/],
  ['GRU unknown option', () => new nn.GRU(3, 4, { projSize: 1 } as T.nn.RNNBaseOptions), TypeError, /^GRU: unknown option 'projSize'/],
  ['RNNCell unknown option', () => new nn.RNNCell(3, 4, { batchFirst: true } as T.nn.RNNCellOptions), TypeError, /^RNNCell: unknown option 'batchFirst'/],
  ['LSTMCell unknown option', () => new nn.LSTMCell(3, 4, { nonlinearity: 'relu' } as T.nn.RNNCellBaseOptions), TypeError, /^LSTMCell: unknown option 'nonlinearity'/],
  ['GRUCell unknown option', () => new nn.GRUCell(3, 4, { numLayers: 2 } as T.nn.RNNCellBaseOptions), TypeError, /^GRUCell: unknown option 'numLayers'/],
  ['RNNCell positional bias of the wrong type', () => new nn.RNNCell(3, 4, 'yes' as unknown as boolean), TypeError, /^RNNCell: bias \(positional 1\) must be a boolean/],
  ['RNNCell positional nonlinearity of the wrong type', () => new nn.RNNCell(3, 4, true, 1 as unknown as 'tanh'), TypeError, /^RNNCell: nonlinearity \(positional 2\) must be 'tanh' or 'relu'/],
  ['LSTMCell positional bias of the wrong type', () => new nn.LSTMCell(3, 4, 1 as unknown as boolean), TypeError, /^LSTMCell: bias \(positional 1\) must be a boolean/],
  ['GRUCell positional bias of the wrong type', () => new nn.GRUCell(3, 4, 1 as unknown as boolean), TypeError, /^GRUCell: bias \(positional 1\) must be a boolean/],
  ['LSTM positional projSize of the wrong type', () => new nn.LSTM(3, 4, 1, true, false, 0, false, 'x' as unknown as number), TypeError, /^LSTM: projSize \(positional 6\) must be a number/],
  ['GRU positional numLayers of the wrong type', () => new nn.GRU(3, 4, '2' as unknown as number), TypeError, /^GRU: numLayers \(positional 1\) must be a number/],
  ['LSTMCell 3-d input', () => new nn.LSTMCell(3, 4).call(T.zeros([1, 1, 3])), RangeError, 'LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor'],
  ['GRUCell 0-d input', () => new nn.GRUCell(3, 4).call(T.tensor(1)), RangeError, 'GRUCell: Expected input to be 1-D or 2-D but received 0-D tensor'],
  ['unpadSequence default is time-major', () => { throw new RangeError(JSON.stringify(R.unpadSequence(T.tensor([[1, 2], [3, 0]]), [2, 1]).map((t) => t.tolist()))); }, RangeError, '[[1,3],[2]]'],
  // nn.utils.rnn
  ['PackedSequence data not a tensor', () => new R.PackedSequence([1] as unknown as T.Tensor, [1]), TypeError, 'PackedSequence: data must be a Tensor, got an array'],
  ['PackedSequence batchSizes a number', () => new R.PackedSequence(T.zeros([1]), 1 as unknown as number[]), TypeError, 'PackedSequence: batchSizes must be an int64 Tensor or an array of numbers, got number 1'],
  ['PackedSequence float batchSizes', () => new R.PackedSequence(T.zeros([1]), T.ones([1])), TypeError, 'PackedSequence: batchSizes must be a 1-d int64 tensor, got float32 of shape [1]'],
  ['PackedSequence 2-d batchSizes', () => new R.PackedSequence(T.zeros([1]), T.ones([1, 1], { dtype: T.int64 })), TypeError, 'PackedSequence: batchSizes must be a 1-d int64 tensor, got int64 of shape [1,1]'],
  ['PackedSequence float sortedIndices', () => new R.PackedSequence(T.zeros([2]), [2], T.tensor([1, 0])), TypeError, 'PackedSequence: sortedIndices must be an int64 Tensor or null, got a float32 tensor'],
  ['PackedSequence unsortedIndices an array', () => new R.PackedSequence(T.zeros([2]), [2], null, [1, 0] as unknown as T.Tensor), TypeError, 'PackedSequence: unsortedIndices must be an int64 Tensor or null, got an array'],
  ['padSequence not an array', () => R.padSequence(T.zeros([2, 2]) as unknown as T.Tensor[]), TypeError, /^pad_sequence: Expected iterable for input sequences, but got arg of type: /],
  ['padSequence empty', () => R.padSequence([]), RangeError, 'padSequence: received an empty list of sequences'],
  ['padSequence not a tensor', () => R.padSequence([T.zeros([2]), [1] as unknown as T.Tensor]), TypeError, 'padSequence: sequences[1] must be a Tensor, got an array'],
  ['padSequence 0-d', () => R.padSequence([T.tensor(1)]), T.ShapeError, 'padSequence: sequences[0] must have at least 1 dimension, got a 0-d tensor'],
  ['padSequence unknown option', () => R.padSequence([T.zeros([2])], { batchfirst: true } as T.nn.utils.rnn.PadSequenceOptions), TypeError, /^padSequence: unknown option 'batchfirst'/],
  ['packPaddedSequence input not a tensor', () => R.packPaddedSequence([[1]] as unknown as T.Tensor, [1]), TypeError, 'packPaddedSequence: input must be a Tensor, got an array'],
  ['packPaddedSequence float lengths', () => R.packPaddedSequence(T.zeros([3, 2]), T.tensor([3, 2])), TypeError, 'packPaddedSequence: lengths must be a 1-d integer tensor or an array of numbers, got float32 of shape [2]'],
  ['packPaddedSequence fractional lengths', () => R.packPaddedSequence(T.zeros([3, 2]), [3, 1.5]), TypeError, 'packPaddedSequence: lengths must be a 1-d integer tensor or an array of integers, got an array'],
  ['packPaddedSequence 1-d input', () => R.packPaddedSequence(T.zeros([3]), [3]), T.ShapeError, 'packPaddedSequence: input must have at least 2 dimensions (time and batch), got shape [3]'],
  ['packPaddedSequence empty input', () => R.packPaddedSequence(T.zeros([0, 2]), [1, 1]), RangeError, 'Cannot pack empty tensors.'],
  ['packPaddedSequence length past the input', () => R.packPaddedSequence(T.zeros([3, 2]), [4, 1]), RangeError, 'packPaddedSequence: lengths[0] is 4, past the 3 time steps of the input'],
  ['packPaddedSequence unsorted length past the input', () => R.packPaddedSequence(T.zeros([3, 2]), [1, 4], { enforceSorted: false }), RangeError, 'packPaddedSequence: lengths[1] is 4, past the 3 time steps of the input'],
  ['padPackedSequence not a PackedSequence', () => R.padPackedSequence(T.zeros([2]) as unknown as T.nn.utils.rnn.PackedSequence), TypeError, 'padPackedSequence: sequence must be a PackedSequence, got Tensor'],
  ['packSequence not an array', () => R.packSequence(T.zeros([2]) as unknown as T.Tensor[]), TypeError, 'packSequence: sequences must be an array of tensors, got Tensor'],
  ['unpadSequence not a tensor', () => R.unpadSequence([1] as unknown as T.Tensor, [1]), TypeError, 'unpadSequence: paddedSequences must be a Tensor, got an array'],
];

describe('recurrent layers and nn.utils.rnn: the checks of their own', () => {
  for (const [name, fn, type, message] of TABLE) it(name, () => throwsWith(fn, type, message));
});

describe('nn.utils.rnn: what the table of PyTorch fixtures does not reach', () => {
  it('PackedSequence: unsortedIndices default to the inverse of sortedIndices; to/double/float convert data only', () => {
    const p = new R.PackedSequence(T.tensor([1, 2, 3]), i64([2, 1]), i64([1, 0]));
    expect(p.unsortedIndices!.tolist()).toEqual([1, 0]);
    expect(new R.PackedSequence(T.tensor([1, 2, 3]), [2, 1], i64([0, 1]), i64([0, 1])).unsortedIndices!.tolist()).toEqual([0, 1]);
    expect(new R.PackedSequence(T.tensor([1]), [1]).unsortedIndices).toBeNull();
    const d = p.double();
    expect(d.data.dtype).toBe(T.float64);
    expect([d.batchSizes, d.sortedIndices, d.unsortedIndices]).toEqual([p.batchSizes, p.sortedIndices, p.unsortedIndices]);
    expect(d.float().data.dtype).toBe(T.float32);
    expect(p.float()).toBe(p); // already float32
    expect(p.requiresGrad).toBe(false);
    expect(new R.PackedSequence(T.ones([2], { requiresGrad: true }), [1, 1]).requiresGrad).toBe(true);
    expect([...p].length).toBe(4);
  });

  it('defaults: packPaddedSequence and packSequence enforce sorting (no sortedIndices); totalLength may equal the longest', () => {
    expect(R.packPaddedSequence(T.zeros([3, 2]), [3, 2]).sortedIndices).toBeNull();
    expect(R.packSequence([T.zeros([3]), T.zeros([2])]).sortedIndices).toBeNull();
    const p = R.packSequence([T.ones([3]), T.ones([2])]);
    expect(R.padPackedSequence(p, { totalLength: 3 })[0].shape).toEqual([3, 2]);
  });

  it('float64 sequences pad and unpack in float64 (padding included)', () => {
    const seqs = [T.ones([3, 2], { dtype: 'float64' }), T.ones([1, 2], { dtype: 'float64' })];
    expect(R.padSequence(seqs).dtype).toBe(T.float64);
    const [padded] = R.padPackedSequence(R.packSequence(seqs), { totalLength: 5, paddingValue: 0.1 });
    expect(padded.dtype).toBe(T.float64);
    expect(padded.select(0, 4).select(0, 0).tolist()).toEqual([0.1, 0.1]);
  });

  it('invertPermutation inverts, and passes null through', () => {
    expect(R.invertPermutation(i64([2, 0, 3, 1]))!.tolist()).toEqual([1, 3, 0, 2]);
    expect(R.invertPermutation(null)).toBeNull();
  });

  it('packPaddedSequence takes int64 lengths and the positional forms; padPackedSequence pads trailing dims', () => {
    const x = T.arange(0, 12).reshape([3, 2, 2]); // [T=3, B=2, 2]
    const a = R.packPaddedSequence(x, i64([3, 2]));
    const b = R.packPaddedSequence(x.transpose(0, 1), [3, 2], true, true);
    expect(a.data.tolist()).toEqual(b.data.tolist());
    expect(a.data.shape).toEqual([5, 2]);
    const [padded, lengths] = R.padPackedSequence(a, false, -1, 4);
    expect(padded.shape).toEqual([4, 2, 2]);
    expect(padded.select(0, 2).tolist()).toEqual([[8, 9], [-1, -1]]);
    expect(padded.select(0, 3).tolist()).toEqual([[-1, -1], [-1, -1]]);
    expect(lengths.tolist()).toEqual([3, 2]);
    expect(R.padSequence([T.ones([2, 3]), T.ones([1, 3])], true, 5).select(0, 1).tolist()).toEqual([[1, 1, 1], [5, 5, 5]]);
  });

  it('unpadSequence reads int64 lengths and batch-first input; unpackSequence restores the original order', () => {
    const seqs = [T.tensor([1, 2]), T.tensor([3, 4, 5]), T.tensor([6])];
    expect(R.unpackSequence(R.packSequence(seqs, false)).map((s) => s.tolist())).toEqual([[1, 2], [3, 4, 5], [6]]);
    const padded = R.padSequence(seqs, true);
    expect(R.unpadSequence(padded, i64([2, 3, 1]), true).map((s) => s.tolist())).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('gradients flow through pack and pad to each sequence', () => {
    const a = T.tensor([1, 2, 3], { requiresGrad: true }), b = T.tensor([4, 5], { requiresGrad: true });
    const p = R.packSequence([a, b]);
    const [padded] = R.padPackedSequence(p, true);
    padded.mul(T.tensor([[1, 10, 100], [1000, 10000, 7]])).sum().backward();
    expect(a.grad!.tolist()).toEqual([1, 10, 100]);
    expect(b.grad!.tolist()).toEqual([1000, 10000]);
  });
});

describe('recurrent layers: what the PyTorch fixtures do not reach', () => {
  it('draws U(-1/sqrt(hidden), 1/sqrt(hidden)): both signs, up to the bound, layers and cells', () => {
    for (const m of [new nn.LSTM(3, 16, { generator: new T.Generator(1) }), new nn.GRUCell(3, 16, { generator: new T.Generator(1) })]) {
      const v = m.parameters().flatMap((p) => [...p.toFloat32Array()]);
      expect(Math.max(...v)).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v)).toBeGreaterThan(0.24);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-0.25);
      expect(Math.min(...v)).toBeLessThan(-0.24);
    }
  });

  it('dropout 1 is accepted; between layers only, in training only, drawn from the generator option', () => {
    const x = T.randn([4, 2, 3]);
    const m = new nn.GRU(3, 5, { numLayers: 2, dropout: 1 });
    const dropped = m.call(x)[0];
    // layer 2 sees zeros: its output is what it makes of a zero input
    const m2 = new nn.GRU(5, 5);
    m2.loadStateDict({ weight_ih_l0: m.stateDict()['weight_ih_l1']!, weight_hh_l0: m.stateDict()['weight_hh_l1']!, bias_ih_l0: m.stateDict()['bias_ih_l1']!, bias_hh_l0: m.stateDict()['bias_hh_l1']! });
    expect(dropped.tolist()).toEqual(m2.call(T.zeros([4, 2, 5]))[0].tolist());
    expect(dropped.abs().sum().item()).toBeGreaterThan(0); // the last layer's output is not dropped
    m.eval();
    expect(m.call(x)[0].tolist()).not.toEqual(dropped.tolist());
    const a = new nn.LSTM(3, 5, { numLayers: 2, dropout: 0.5, generator: new T.Generator(9) });
    const b = new nn.LSTM(3, 5, { numLayers: 2, dropout: 0.5, generator: new T.Generator(9) });
    expect(a.call(x)[0].tolist()).toEqual(b.call(x)[0].tolist());
  });

  it('a batched input of batch 1 stays batched', () => {
    const [out, h] = new nn.RNN(3, 4).call(T.zeros([5, 1, 3]));
    expect([out.shape, h.shape]).toEqual([[5, 1, 4], [1, 1, 4]]);
    expect(new nn.GRUCell(3, 4).call(T.zeros([1, 3])).shape).toEqual([1, 4]);
  });

  it('reprs: cells without bias, RNN options in PyTorch order', () => {
    expect(String(new nn.RNN(3, 4))).toBe('RNN(3, 4)');
    expect(String(new nn.LSTMCell(3, 4, false))).toBe('LSTMCell(3, 4, bias=False)');
    expect(String(new nn.RNNCell(3, 4, { nonlinearity: 'relu' }))).toBe('RNNCell(3, 4, nonlinearity=relu)');
    expect(String(new nn.RNNCell(3, 4))).toBe('RNNCell(3, 4)');
    expect(String(new nn.GRU(3, 4))).toBe('GRU(3, 4)');
    expect(String(new nn.GRU(3, 4, { bias: false, batchFirst: true }))).toBe('GRU(3, 4, bias=False, batch_first=True)');
  });

  it('a 1-layer model with dropout warns as PyTorch does; 2 layers do not', () => {
    const warn = console.warn;
    const seen: unknown[] = [];
    (console as { warn: (...a: unknown[]) => void }).warn = (...a: unknown[]) => seen.push(a[0]);
    try {
      new nn.LSTM(3, 4, { dropout: 0.3 });
      new nn.LSTM(3, 4, { dropout: 0.3, numLayers: 2 });
      new nn.LSTM(3, 4);
    } finally {
      (console as { warn: typeof warn }).warn = warn;
    }
    expect(seen).toEqual(['dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.3 and num_layers=1']);
  });

  it('the generator option draws the initial parameters (the same seed, the same weights)', () => {
    const a = new nn.GRU(3, 4, { generator: new T.Generator(5) }).stateDict();
    const b = new nn.GRU(3, 4, { generator: new T.Generator(5) }).stateDict();
    const c = new nn.GRUCell(3, 4, { generator: new T.Generator(5) }).stateDict();
    expect(a['weight_hh_l0']!.tolist()).toEqual(b['weight_hh_l0']!.tolist());
    expect(c['weight_ih']!.tolist()).toEqual(a['weight_ih_l0']!.tolist());
  });

  it('dtype float64 makes float64 parameters that run float64 inputs', () => {
    const m = new nn.LSTMCell(2, 3, { dtype: 'float64' });
    expect(m.parameters().every((p) => p.dtype === T.float64)).toBe(true);
    expect(m.call(T.zeros([1, 2], { dtype: 'float64' }))[1].dtype).toBe(T.float64);
    expect(new nn.RNNCell(2, 3, { dtype: 'float64' }).call(T.zeros([2], { dtype: 'float64' })).shape).toEqual([3]);
  });

  it('an unbatched LSTM with states returns unbatched states', () => {
    const [out, [h, c]] = new nn.LSTM(3, 4, { projSize: 2 }).call(T.zeros([5, 3]), [T.zeros([1, 2]), T.zeros([1, 4])]);
    expect([out.shape, h.shape, c.shape]).toEqual([[5, 2], [1, 2], [1, 4]]);
  });
});
