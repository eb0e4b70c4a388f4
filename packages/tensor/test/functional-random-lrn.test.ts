import { describe, expect, it } from 'vitest';
import { autograd, F, float64, Generator, nn, randn, tensor, Tensor, zeros } from '@tensile/tensor';

// F.rrelu, F.alphaDropout, F.gumbelSoftmax and F.localResponseNorm, PyTorch's functions of those
// names, and the layers nn.RReLU, nn.AlphaDropout and nn.LocalResponseNorm (their call forms and
// reprs are in the signature fixtures). Their evaluation forms and localResponseNorm are compared with PyTorch 1.13 in
// signatures.test.ts; the random forms draw from tensile's generator (not PyTorch's stream), so
// here each is pinned by what every draw must satisfy, and by its statistics.

const f32 = Math.fround;
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

describe('rrelu', () => {
  const x = tensor([-2, -0.5, 0, 0.25, 3, -1e-3]);

  it('evaluation is leakyRelu with the mean slope, bit for bit', () => {
    expect(vals(F.rrelu(x))).toEqual(vals(F.leakyRelu(x, (1 / 8 + 1 / 3) / 2)));
    expect(vals(F.rrelu(x, 0.1, 0.3))).toEqual(vals(F.leakyRelu(x, 0.2)));
    expect(vals(F.rrelu(x, 0.1, 0.3, false, false))).toEqual(vals(F.rrelu(x, { lower: 0.1, upper: 0.3 })));
  });

  it('training scales each x <= 0 by its own slope in [lower, upper], and its gradient by the same', () => {
    const xs = randn([2000]).requiresGrad_(true);
    const y = F.rrelu(xs, 0.1, 0.3, true);
    const g = randn([2000]);
    y.backward(g);
    const xv = vals(xs), yv = vals(y), gv = vals(g), dx = vals(xs.grad!);
    const slopes = new Set<number>();
    xv.forEach((v, i) => {
      if (v > 0) {
        expect(yv[i]).toBe(v);
        expect(dx[i]).toBe(gv[i]);
      } else {
        const r = yv[i]! / v;
        expect(r).toBeGreaterThanOrEqual(0.1 - 1e-6);
        expect(r).toBeLessThanOrEqual(0.3 + 1e-6);
        slopes.add(r);
        // the gradient is g times the slope the forward used: y = f32(x·s), dx = f32(g·s)
        expect(Math.abs(dx[i]! - gv[i]! * r)).toBeLessThanOrEqual(Math.abs(gv[i]! * r) * 1e-6 + 1e-30);
      }
    });
    expect(slopes.size).toBeGreaterThan(900); // one slope per element
  });

  it('accepts inplace, as the layers do, and returns a new tensor', () => {
    expect(vals(F.rrelu(x, 0.1, 0.3, false, true))).toEqual(vals(F.leakyRelu(x, 0.2)));
  });

  it('draws from the generator it is given', () => {
    const a = F.rrelu(x, { training: true, generator: new Generator(7) });
    const b = F.rrelu(x, 0.125, 1 / 3, true, { generator: new Generator(7) });
    expect(vals(a)).toEqual(vals(b));
  });

  it.each([
    ['lower > upper', () => F.rrelu(x, 0.5, 0.1, true), RangeError, 'rrelu: Lower bound should be less than or equal to the upper bound, got lower 0.5 and upper 0.1'],
    ['inplace not a boolean', () => F.rrelu(x, 0.1, 0.3, true, 1 as never), TypeError, 'rrelu: inplace (positional 4) must be a boolean, got number 1'],
    ['training a number', () => F.rrelu(x, 0.1, 0.3, 1 as never), TypeError, 'rrelu: training (positional 3) must be a boolean, got number 1'],
    ['lower a string in the bag', () => F.rrelu(x, { lower: '0' as never }), TypeError, 'rrelu: lower must be a number, got string 0'],
  ] as const)('refuses %s', (_, call, kind, message) => {
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });
});

describe('alphaDropout', () => {
  it('is the identity unless training (PyTorch\'s default), or with p 0; zeros with p 1', () => {
    const x = randn([5]);
    expect(F.alphaDropout(x, 0.2)).toBe(x);
    expect(F.alphaDropout(x, 0, true)).toBe(x);
    expect(vals(F.alphaDropout(x, 1, true))).toEqual(vals(x).map((v) => v * 0)); // x·0, as PyTorch's (-0 for negatives)
  });

  it('keeps a·x + α·a·p or gives α·a·(p − 1), in ATen\'s float order, and keeps mean 0 and variance 1', () => {
    const p = 0.2, alpha = 1.7580993408473766, a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
    const x = randn([20000], { generator: new Generator(1) });
    const y = F.alphaDropout(x, p, true, { generator: new Generator(2) });
    const b1 = f32(alpha * a * p), kept = (v: number): number => f32(f32(v * f32(a)) + b1);
    const dropped = f32(f32(f32(0 - 1) * f32(alpha * a)) + b1) + 0; // noise 0: (0 − 1)·αa + αa·p, then x·0 + b
    let drops = 0;
    const yv = vals(y);
    vals(x).forEach((v, i) => {
      const out = yv[i]!;
      if (out === kept(v)) return;
      expect(out).toBe(f32(f32(v * 0) + dropped));
      drops++;
    });
    expect(drops / 20000).toBeCloseTo(p, 1);
    expect(y.mean().item()).toBeCloseTo(0, 1);
    expect(y.std().item()).toBeCloseTo(1, 1);
  });

  it('takes PyTorch\'s positionals and a bag alike', () => {
    const x = randn([50]);
    expect(vals(F.alphaDropout(x, 0.3, true, false, { generator: new Generator(3) }))).toEqual(vals(F.alphaDropout(x, { p: 0.3, training: true, generator: new Generator(3) })));
    expect(() => F.alphaDropout(x, 1.5, true)).toThrow('alphaDropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.alphaDropout(x, 0.5, true, 'no' as never)).toThrow('alphaDropout: inplace (positional 3) must be a boolean, got string no');
    // inplace is accepted, as the layers' (README): the result is a new tensor, the input unchanged
    const before = vals(x);
    expect(vals(F.alphaDropout(x, 0.3, true, true, { generator: new Generator(3) }))).toEqual(vals(F.alphaDropout(x, { p: 0.3, training: true, generator: new Generator(3) })));
    expect(vals(x)).toEqual(before);
  });
});

describe('gumbelSoftmax', () => {
  const logits = tensor([[1, 2, 3], [0, 0, -1]]);

  it('gives rows on the simplex; hard gives one-hot rows at the soft sample\'s argmax', () => {
    const soft = F.gumbelSoftmax(logits, 0.5, false, 1e-10, -1, { generator: new Generator(4) });
    vals(soft.sum(-1)).forEach((s) => expect(s).toBeCloseTo(1, 6));
    const hard = F.gumbelSoftmax(logits, { tau: 0.5, hard: true, generator: new Generator(4) });
    expect(hard.tolist()).toEqual(soft.argmax(-1, true).eq(tensor([[0, 1, 2]])).float().tolist());
  });

  it('hard passes the soft sample\'s gradient', () => {
    const w = randn([2, 3]);
    const grad = (hard: boolean): number[] => {
      const l = logits.clone().requiresGrad_(true);
      F.gumbelSoftmax(l, 0.7, hard, { generator: new Generator(5) }).mul(w).sum().backward();
      return vals(l.grad!);
    };
    const h = grad(true), s = grad(false);
    h.forEach((v, i) => expect(v).toBeCloseTo(s[i]!, 6));
  });

  it('samples each class with its softmax probability', () => {
    const g = new Generator(6), l = tensor([[0.5, 1.5, -1, 0]]), n = 4000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[F.gumbelSoftmax(l, 1, true, { generator: g }).argmax().item() as number]!++;
    vals(F.softmax(l, -1)).forEach((pr, c) => expect(Math.abs(counts[c]! / n - pr)).toBeLessThan(0.03));
  });

  it('runs along dim, in float64 too, and refuses a non-positive tau', () => {
    vals(F.gumbelSoftmax(randn([3, 4]), 1, false, 1e-10, 0).sum(0)).forEach((v) => expect(v).toBeCloseTo(1, 5));
    expect(F.gumbelSoftmax(randn([2, 3], { dtype: float64 })).dtype).toBe(float64);
    expect(() => F.gumbelSoftmax(logits, 0)).toThrow('gumbelSoftmax: tau must be a positive number, got number 0');
    expect(() => F.gumbelSoftmax(logits, 1, 'yes' as never)).toThrow('gumbelSoftmax: hard (positional 2) must be a boolean, got string yes');
  });
});

describe('localResponseNorm', () => {
  it('takes PyTorch\'s positionals (alpha, beta, k) and a bag alike', () => {
    const x = randn([2, 5, 3, 2]);
    expect(vals(F.localResponseNorm(x, 3, 0.1, 0.5, 2))).toEqual(vals(F.localResponseNorm(x, 3, { alpha: 0.1, beta: 0.5, k: 2 })));
  });

  it('is the hand-computed formula: x / (k + alpha·mean of size channels of x²)^beta, zero-padded', () => {
    const x = tensor([[[1], [2], [3]]]); // [1, 3, 1]
    // size 2: channel c averages c-1 and c (one zero before)
    const want = [1 / (1 + 0.5 * (0 + 1) / 2), 2 / (1 + 0.5 * (1 + 4) / 2), 3 / (1 + 0.5 * (4 + 9) / 2)];
    vals(F.localResponseNorm(x, 2, 0.5, 1, 1)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it('has the composed gradient (float64 gradcheck)', () => {
    const x = randn([2, 4, 3], { dtype: float64 }).requiresGrad_(true);
    expect(autograd.gradcheck((t: Tensor) => F.localResponseNorm(t, 3, 0.3, 0.75, 1), [x])).toBe(true);
  });

  it('refuses fewer than 3 dims and a bad size; passes an empty input through', () => {
    expect(() => F.localResponseNorm(randn([2, 3]), 2)).toThrow('localResponseNorm: Expected 3D or higher dimensionality input (got 2 dimensions)');
    expect(() => F.localResponseNorm(randn([1, 2, 3]), 0)).toThrow('localResponseNorm: size must be a positive integer, got number 0');
    const e = zeros([0, 3, 2]);
    expect(F.localResponseNorm(e, 2)).toBe(e);
  });
});

describe('the layers: nn.RReLU, nn.AlphaDropout, nn.LocalResponseNorm', () => {
  const x = randn([2, 4, 3]);

  it('call their functions, training or not, and print as PyTorch', () => {
    const r = new nn.RReLU(0.1, 0.3, { generator: new Generator(8) });
    expect(vals(r.call(x))).toEqual(vals(F.rrelu(x, 0.1, 0.3, true, { generator: new Generator(8) })));
    r.eval();
    expect(vals(r.call(x))).toEqual(vals(F.rrelu(x, 0.1, 0.3)));
    expect(String(new nn.RReLU())).toBe('RReLU(lower=0.125, upper=0.3333333333333333)');
    const d = new nn.AlphaDropout({ p: 0.3, generator: new Generator(9) });
    expect(vals(d.call(x))).toEqual(vals(F.alphaDropout(x, 0.3, true, { generator: new Generator(9) })));
    d.eval();
    expect(d.call(x)).toBe(x);
    expect(String(new nn.AlphaDropout())).toBe('AlphaDropout(p=0.5, inplace=False)');
    expect(vals(new nn.LocalResponseNorm(3, 0.1).call(x))).toEqual(vals(F.localResponseNorm(x, 3, 0.1)));
    expect(String(new nn.LocalResponseNorm(2))).toBe('LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)');
  });

  it.each([
    ['RReLU lower > upper', () => new nn.RReLU(0.5, 0.1), 'RReLU: Lower bound should be less than or equal to the upper bound, got lower 0.5 and upper 0.1'],
    ['RReLU inplace a number', () => new nn.RReLU(0.1, 0.3, 1 as never), 'RReLU: inplace (positional 3) must be a boolean, got number 1'],
    ['AlphaDropout p 2', () => new nn.AlphaDropout(2), 'AlphaDropout: dropout probability has to be between 0 and 1, but got 2'],
    ['LocalResponseNorm size 0', () => new nn.LocalResponseNorm(0), 'LocalResponseNorm: size must be an integer >= 1, got 0'],
    ['LocalResponseNorm unknown option', () => new nn.LocalResponseNorm(2, { gamma: 1 } as never), /^LocalResponseNorm: unknown option 'gamma'/],
  ] as const)('refuse %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
