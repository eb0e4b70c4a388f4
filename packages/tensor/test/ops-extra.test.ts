/**
 * The ops that came with ops-extra-fixtures.test.ts, beyond PyTorch's values: randperm,
 * uniform_/normal_, oneHot's shapes, and every refusal from a table (PyTorch 1.13's message,
 * and nothing changed).
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const { F, nn, tensor, int64 } = T;

describe('randperm', () => {
  it('is a permutation of 0 … n-1, int64 by default, in the asked dtype, drawn from the generator', () => {
    for (const n of [0, 1, 2, 7, 100]) {
      const p = T.randperm(n);
      expect(p.dtype).toBe(int64);
      expect(p.shape).toEqual([n]);
      expect([...(p.toTypedArray() as BigInt64Array)].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(T.randperm(5, { dtype: 'float64' }).dtype.name).toBe('float64');
    expect(T.randperm(3, { dtype: 'float32', requiresGrad: true }).requiresGrad).toBe(true);
    const a = T.randperm(50, { generator: new T.Generator(7) }).tolist(), b = T.randperm(50, { generator: new T.Generator(7) }).tolist();
    expect(a).toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    T.manualSeed(3);
    const c = T.randperm(20).tolist();
    T.manualSeed(3);
    expect(T.randperm(20).tolist()).toEqual(c);
    expect(T.randperm(256, { dtype: 'uint8' }).amax().item()).toBe(255);
    expect(T.randperm(2049, { dtype: 'float16' }).shape).toEqual([2049]);
  });
});

describe('uniform_ and normal_', () => {
  it('fill in place in the tensor\'s dtype, bump the version, and follow the generator', () => {
    const x = T.zeros([1000], { dtype: 'float64' });
    const v = x.storage.version;
    expect(x.uniform_(-2, 3)).toBe(x);
    expect(x.storage.version).toBe(v + 1);
    const d = x.toTypedArray() as Float64Array;
    expect(Math.min(...d)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...d)).toBeLessThan(3);
    expect(Math.abs(x.mean().item() - 0.5)).toBeLessThan(0.2);
    // a double fill has values no float32 holds
    expect([...d].some((u) => Math.fround(u) !== u)).toBe(true);
    const y = T.zeros([4000]).normal_(1, 2);
    expect(Math.abs(y.mean().item() - 1)).toBeLessThan(0.15);
    expect(Math.abs(y.std().item() - 2)).toBeLessThan(0.15);
    const g1 = T.zeros([5]).uniform_(0, 1, { generator: new T.Generator(1) }).tolist();
    expect(T.zeros([5]).uniform_(0, 1, { generator: new T.Generator(1) }).tolist()).toEqual(g1);
  });
  it('on a non-leaf under grad mode: recorded, with a zero gradient to the old value', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const h = w.mul(2);
    h.uniform_();
    h.sum().backward();
    expect(w.grad!.tolist()).toEqual([0, 0, 0]);
    // under noGrad a leaf that requires grad takes it (nn.init's way)
    const leaf = T.zeros([3], { requiresGrad: true });
    T.noGrad(() => leaf.normal_());
    expect(leaf.toFloat32Array().some((u) => u !== 0)).toBe(true);
  });
});

describe('grad mode switches', () => {
  it('setGradEnabled turns recording off and on; inferenceMode runs a block without it', () => {
    const w = tensor([2], { requiresGrad: true });
    T.setGradEnabled(false);
    try {
      expect(T.isGradEnabled()).toBe(false);
      expect(w.mul(3).requiresGrad).toBe(false);
    } finally {
      T.setGradEnabled(true);
    }
    expect(w.mul(3).requiresGrad).toBe(true);
    expect(T.inferenceMode(() => w.mul(3)).requiresGrad).toBe(false);
    expect(T.isGradEnabled()).toBe(true);
    expect(w.dim()).toBe(1);
  });
});

describe('ParameterList and ParameterDict', () => {
  it('register their parameters under PyTorch\'s keys, print as PyTorch 1.13 prints them, and train', () => {
    const ps = new nn.ParameterList([T.zeros([3, 4]), T.zeros([4])]);
    // PyTorch 1.13: print(nn.ParameterList([nn.Parameter(torch.randn(3, 4)), nn.Parameter(torch.randn(4))]))
    expect(String(ps)).toBe('ParameterList(\n    (0): Parameter containing: [torch.float32 of size 3x4]\n    (1): Parameter containing: [torch.float32 of size 4]\n)');
    expect(String(new nn.ParameterList([T.zeros([3])]))).toBe('ParameterList(  (0): Parameter containing: [torch.float32 of size 3])');
    expect(Object.keys(ps.stateDict())).toEqual(['0', '1']);
    expect(ps.length).toBe(2);
    expect(ps[1]!.shape).toEqual([4]);
    expect(ps.at(-2).shape).toEqual([3, 4]);
    expect(ps[0]).toBeInstanceOf(nn.Parameter);
    expect(() => ps.at(2)).toThrow(/^ParameterList\.at: index 2 is out of range for 2 parameters$/);
    const pd = new nn.ParameterDict({ scale: T.ones([2]) });
    pd.set('shift', T.zeros([2, 3], { dtype: 'float64' }));
    expect(String(pd)).toBe('ParameterDict(\n    (scale): Parameter containing: [torch.FloatTensor of size 2]\n    (shift): Parameter containing: [torch.DoubleTensor of size 2x3]\n)');
    expect([...pd.keys()]).toEqual(['scale', 'shift']);
    pd.set('scale', T.ones([5]));
    expect(pd.get('scale').shape).toEqual([5]);
    expect(pd.parameters().length).toBe(2);
    expect(() => pd.get('bias')).toThrow(/^ParameterDict\.get: no parameter named "bias" \(keys: scale, shift\)$/);
    class M extends nn.Module {
      ws = new nn.ParameterList([T.full([2], 2), T.full([2], 3)]);
      forward(x: T.Tensor): T.Tensor { let y = x; for (const w of this.ws) y = y.mul(w); return y; }
    }
    const m = new M();
    m.call(T.ones([2])).sum().backward();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['ws.0', 'ws.1']);
    expect(m.ws[0]!.grad!.tolist()).toEqual([3, 3]);
  });
  it('empty is zeros under PyTorch\'s name', () => {
    expect(T.empty(2, 3).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(T.empty([2], { dtype: int64 }).dtype).toBe(int64);
  });
});

describe('prod\'s gradient with an infinity beside a zero', () => {
  it('is PyTorch 1.13\'s: the product of the others, from exclusive running products', () => {
    // torch.prod(torch.tensor([inf, 0.], requires_grad=True)).backward() -> grad [0, inf]
    const x = tensor([Infinity, 0], { requiresGrad: true });
    T.prod(x).backward();
    expect(x.grad!.tolist()).toEqual([0, Infinity]);
    // torch.prod(torch.tensor([[inf, 0., 2.]]), 1) -> grad [[0, inf, nan]]
    const y = tensor([[Infinity, 0, 2]], { requiresGrad: true });
    T.prod(y, 1).sum().backward();
    expect(y.grad!.tolist()).toEqual([[0, Infinity, Number.NaN]]);
  });
});

describe('bernoulli and normal', () => {
  it('draw with the given probabilities and moments, in the input\'s dtype, from the generator', () => {
    const p = tensor([0, 1, 0.5, 0.25], { dtype: 'float64' }).repeat(2000);
    const b = T.bernoulli(p, { generator: new T.Generator(4) });
    expect(b.dtype.name).toBe('float64');
    const rows = b.reshape([2000, 4]).mean(0).tolist() as number[];
    expect(rows[0]).toBe(0);
    expect(rows[1]).toBe(1);
    expect(Math.abs(rows[2]! - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(rows[3]! - 0.25)).toBeLessThan(0.05);
    expect(T.bernoulli(p, { generator: new T.Generator(4) }).tolist()).toEqual(b.tolist());
    const z = T.normal(2, 0.5, [4000], { generator: new T.Generator(1) });
    expect(Math.abs(z.mean().item() - 2)).toBeLessThan(0.05);
    expect(Math.abs(z.std().item() - 0.5)).toBeLessThan(0.05);
    const m = T.zeros([3], { requiresGrad: true }), sd = T.ones([3], { requiresGrad: true });
    const y = T.normal(m, sd, { generator: new T.Generator(2) });
    y.sum().backward();
    expect(m.grad!.tolist()).toEqual([1, 1, 1]);
    expect(sd.grad!.tolist()).toEqual(y.detach().tolist()); // (result − mean)/std with mean 0, std 1
  });
  it('take the 16-bit floats PyTorch 1.13 takes: bernoulli bfloat16 (its values, not its bits), normal both', () => {
    expect(T.bernoulli(tensor([0, 1, 1, 0], { dtype: 'bfloat16' })).tolist()).toEqual([0, 1, 1, 0]);
    const h = T.normal(T.zeros([500], { dtype: 'float16' }), T.full([500], 2, { dtype: 'float16' }), { generator: new T.Generator(3) });
    expect(h.dtype.name).toBe('float16');
    expect(Math.abs(h.float().std().item() - 2)).toBeLessThan(0.3);
  });
});

describe('oneHot', () => {
  it('adds a last dim of numClasses (inferred as max + 1), int64', () => {
    expect(F.oneHot(tensor([[0], [2]], { dtype: int64 })).shape).toEqual([2, 1, 3]);
    expect(F.oneHot(tensor([], { dtype: int64 }), 3).shape).toEqual([0, 3]);
    expect(F.oneHot(tensor(1n), 2).tolist()).toEqual([0, 1]);
  });
});

describe('refusals name the op and the value, and change nothing', () => {
  const x = tensor([1, -2, 3]);
  const rows: [string, () => unknown, RegExp][] = [
    ['glu of an odd dim', () => F.glu(T.zeros([3, 5])), /^glu: Halving dimension must be even, but dimension 1 is size 5$/],
    ['glu of a scalar', () => F.glu(tensor(1)), /^glu: glu does not support scalars because halving size must be even$/],
    ['oneHot of a negative class', () => F.oneHot(tensor([-1], { dtype: int64 })), /^oneHot: Class values must be non-negative\.$/],
    ['oneHot past numClasses', () => F.oneHot(tensor([3], { dtype: int64 }), 3), /^oneHot: Class values must be smaller than num_classes\.$/],
    ['oneHot of floats', () => F.oneHot(tensor([1])), /^oneHot: one_hot is only applicable to index tensor \(int64\), got float32$/],
    ['oneHot of nothing, classes inferred', () => F.oneHot(tensor([], { dtype: int64 })), /^oneHot: Can not infer total number of classes from empty tensor\.$/],
    ['oneHot numClasses -2', () => F.oneHot(tensor([1], { dtype: int64 }), -2), /^oneHot: numClasses must be an integer >= -1, got number -2$/],
    ['amax over an empty dim', () => T.amax(T.zeros([0, 3]), 0), /^amax\(\): Expected reduction dim 0 to have non-zero size\.$/],
    ['amin over a dim out of range', () => T.amin(x, 1), /^amin: dim 1 out of range for a 1-d tensor$/],
    ['prod over a dim out of range', () => T.prod(T.zeros([2, 3]), 2), /^prod: dim 2 out of range for a 2-d tensor$/],
    ['prod with two dims', () => T.prod(x, [0, 1] as unknown as number), /^prod: dim \(positional 1\) must be an integer or null, got/],
    ['uniform_ from > to', () => x.clone().uniform_(2, 1), /^uniform_: uniform_ expects to return a \[from, to\) range, but found from=2 > to=1$/],
    ['uniform_ of int64', () => T.zeros([2], { dtype: int64 }).uniform_(), /^uniform_: "check_uniform_bounds" not implemented for 'Long'$/],
    ['normal_ std < 0', () => x.clone().normal_(0, -1), /^normal_: normal expects std >= 0\.0, but found std -1$/],
    ['normal_ of a leaf that requires grad', () => T.zeros([2], { requiresGrad: true }).normal_(), /^normal_: a leaf tensor that requires grad is being used in an in-place operation/],
    ['randperm of bool', () => T.randperm(3, { dtype: 'bool' }), /^randperm: "randperm" not implemented for 'Bool'$/],
    ['randperm n < 0', () => T.randperm(-1), /^randperm: n must be a non-negative integer, got number -1$/],
    ['randperm past uint8', () => T.randperm(257, { dtype: 'uint8' }), /^randperm: value cannot be converted to type uint8_t without overflow$/],
    ['randperm past float16', () => T.randperm(2050, { dtype: 'float16' }), /^randperm: n cannot be greater than 2049 for Half type\.$/],
    ['hardswish of int64', () => F.hardswish(T.zeros([2], { dtype: int64 })), /^hardswish: "hardswish_cpu" not implemented for 'Long'$/],
    ['celu alpha 0', () => F.celu(x, 0), /^celu: ZeroDivisionError/],
    ['threshold NaN', () => F.threshold(x, Number.NaN, 0), /^threshold: threshold must be a number, got number NaN$/],
    ['cosineSimilarity of shapes that do not broadcast', () => F.cosineSimilarity(T.zeros([2, 3]), T.zeros([2, 4])), /^cosineSimilarity: /],
    ['nn.Hardtanh max <= min', () => new nn.Hardtanh(1, 1), /^Hardtanh: max_val must be greater than min_val, got min_val 1, max_val 1$/],
    ['nn.GLU dim 1.5', () => new nn.GLU(1.5), /^GLU: dim must be an integer or null, got 1\.5$/],
    ['prelu weight of the wrong size', () => F.prelu(T.zeros([2, 3]), T.zeros([2])), /^prelu: Mismatch of parameter numbers and input channel size\. Found parameter numbers = 2 and channel size = 3\.$/],
    ['maxPool1d of a 4-d input', () => F.maxPool1d(T.zeros([1, 1, 2, 4]), 2), /^maxPool1d: expected input \[N,C,L\] or \[C,L\], got \[1,1,2,4\]$/],
    ['avgPool1d kernel 1.5', () => F.avgPool1d(T.zeros([1, 1, 4]), 1.5), /^avgPool1d: kernelSize must be an integer or a one-element tuple of one, got number 1\.5$/],
    ['instanceNorm of [N, C]', () => F.instanceNorm(T.zeros([2, 3])), /^instanceNorm: expected input \[N, C, \.\.\.\] with at least 3 dims, got \[2,3\]$/],
    ['nn.InstanceNorm2d affine with the wrong channels', () => new nn.InstanceNorm2d(4, { affine: true }).call(T.zeros([1, 3, 2, 2])), /^InstanceNorm2d: expected input's size at dim=1 to match num_features \(4\), but got: 3\.$/],
    ['nn.InstanceNorm1d of a 4-d input', () => new nn.InstanceNorm1d(3).call(T.zeros([1, 3, 2, 2])), /^InstanceNorm1d: expected 2D \(unbatched\) or 3D \(batched\) input to InstanceNorm1d, but got input of size: \[1,3,2,2\]$/],
    ['nn.PReLU 0 parameters', () => new nn.PReLU(0), /^PReLU: numParameters must be a positive integer, got 0$/],
    ['movedim with more sources than destinations', () => T.movedim(T.zeros([2, 3]), [0, 1], [1]), /^movedim: Invalid source or destination dims/],
    ['movedim with a repeated source', () => T.movedim(T.zeros([2, 3]), [0, 0], [0, 1]), /^movedim: repeated dim in `source`/],
    ['unflatten to sizes of another product', () => T.unflatten(T.zeros([2, 12]), 1, [5, -1]), /^unflatten: Provided sizes \[5, -1\] don't multiply up to the size of dim 1 \(12\) in the input tensor$/],
    ['isclose with a negative rtol', () => T.isclose(x, x, { rtol: -1 }), /^isclose: rtol must be greater than or equal to zero, but got number -1$/],
    ['isclose of two dtypes', () => T.isclose(x, x.double()), /^isclose: float32 did not match float64$/],
    ['setGradEnabled of a number', () => T.setGradEnabled(0 as unknown as boolean), /^setGradEnabled: mode must be a boolean, got number$/],
    ['bernoulli of a probability past 1', () => T.bernoulli(tensor([0.5, 1.5])), /^bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false \(a probability is 1\.5\)$/],
    ['bernoulli of float16 (PyTorch 1.13 has no CPU kernel for it)', () => T.bernoulli(tensor([0.5], { dtype: 'float16' })), /^bernoulli: "bernoulli_tensor_cpu_self_" not implemented for 'Half'$/],
    ['bernoulli of int64', () => T.bernoulli(tensor([1], { dtype: int64 })), /^bernoulli: "bernoulli_tensor_cpu_self_" not implemented for 'Long'$/],
    ['normal with a negative std', () => T.normal(0, -1, [2]), /^normal: normal expects std >= 0\.0, but found std -1$/],
    ['normal of numbers without a size', () => T.normal(0, 1), /^normal: with a number mean and std, give the size/],
    ['nn.ReLU6 a number', () => new nn.ReLU6(1 as unknown as boolean), /^ReLU6: inplace \(positional 1\) must be a boolean, got number 1$/],
  ];
  it.each(rows)('%s', (_, fn, message) => {
    const before = x.tolist();
    expect(fn).toThrow(message);
    expect(x.tolist()).toEqual(before);
  });
});
