/**
 * The engine hands a backward pass's intermediate gradients back to the storage cache as soon as
 * it has consumed them (autograd.ts, `recycleStorage` in storage-pool.ts). A mistake there is a
 * silent wrong answer (a gradient overwritten by a later op's output), so every graph below runs
 * three ways: recycling off (the reference), in poison mode (each recycled array is filled with
 * NaN at once and never handed out again: anything that still reads it afterwards gives NaN or a
 * different value), and on (the memory really reused). All three must give the same bits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { F, autograd, manualSeed, nn, randn, tensor, type Tensor } from '@tensile/tensor';
import { record } from '../src/autograd.js';
import { MIN_BYTES, allocStorage, recycleStorage, setRecycling, setStorageReuse, storageCacheSize } from '../src/storage-pool.js';

afterEach(() => {
  setRecycling('on');
});

type Mode = 'on' | 'off' | 'poison';

/** Runs `build` (seeded) in `mode` and returns every gradient it reports, as plain arrays. */
function gradsIn(mode: Mode, build: () => Tensor[]): number[][] {
  setRecycling(mode);
  manualSeed(7);
  const out = build().map((t) => Array.from(t.toFloat32Array()));
  setRecycling('on');
  return out;
}

function sameInEveryMode(build: () => Tensor[]): void {
  const ref = gradsIn('off', build);
  expect(ref.flat().some(Number.isNaN)).toBe(false);
  expect(gradsIn('poison', build)).toEqual(ref);
  expect(gradsIn('on', build)).toEqual(ref);
  expect(gradsIn('on', build)).toEqual(ref); // again, now with a warm cache
}

const params = (m: nn.Module): Tensor[] => m.parameters().map((p) => p.grad!);

describe('recycled gradients: the same bits as without recycling', () => {
  it('an MLP step (a linear layer, relu, cross-entropy), twice into the same .grad', () => {
    sameInEveryMode(() => {
      const m = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
      const x = randn([32, 64]);
      const y = tensor(Array.from({ length: 32 }, (_, i) => i % 10), { dtype: 'int64' });
      F.crossEntropy(m.call(x), y).backward();
      F.crossEntropy(m.call(x.mul(2)), y).backward(); // accumulates in place into the kept .grad
      return params(m);
    });
  });

  it('views of the incoming gradient (reshape, transpose, expand, narrow, permute) and a tensor used several times', () => {
    sameInEveryMode(() => {
      const a = randn([16, 96], { requiresGrad: true });
      const b = randn([96], { requiresGrad: true });
      const t = a.reshape([16, 8, 12]).permute([2, 0, 1]).contiguous(); // [12, 16, 8]
      const u = t.mul(t).add(t.transpose(1, 2).transpose(1, 2)); // t three times
      const v = u.narrow(0, 2, 8).sum([0]).reshape([16 * 8]);
      const w = b.expand([16, 96]).mul(a).sum([1]);
      const loss = v.sum().add(w.exp().sum()).add(a.tanh().mul(a).sum());
      loss.backward();
      return [a.grad!, b.grad!];
    });
  });

  it('an LSTM and a GRU over a sequence, with an embedding and a linear head', () => {
    sameInEveryMode(() => {
      const emb = new nn.Embedding(50, 32);
      const lstm = new nn.LSTM(32, 48, { numLayers: 2 });
      const gru = new nn.GRU(48, 40, { bidirectional: true });
      const head = new nn.Linear(80, 50);
      const tokens = tensor(Array.from({ length: 20 * 6 }, (_, i) => (i * 13) % 50), { shape: [20, 6], dtype: 'int64' });
      const [h] = lstm.call(emb.call(tokens));
      const [g] = gru.call(h);
      F.crossEntropy(head.call(g).reshape([-1, 50]), tokens.reshape([-1])).backward();
      return [...params(emb), ...params(lstm), ...params(gru), ...params(head)];
    });
  });

  it('a Transformer encoder layer (attention, layer norm, GELU feed-forward)', () => {
    sameInEveryMode(() => {
      const layer = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0, activation: 'gelu', normFirst: true });
      const x = randn([12, 5, 32], { requiresGrad: true });
      const mask = nn.Transformer.generateSquareSubsequentMask(12);
      layer.call(x, { srcMask: mask }).pow(2).mean().backward();
      return [x.grad!, ...params(layer)];
    });
  });

  it('a convolutional net (conv, batch norm, max pooling, dropout-free)', () => {
    sameInEveryMode(() => {
      const net = new nn.Sequential(
        new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Conv2d(8, 16, 3), new nn.GroupNorm(4, 16), new nn.SiLU(), new nn.Flatten(), new nn.Linear(16 * 6 * 6, 10),
      );
      const x = randn([4, 3, 16, 16], { requiresGrad: true });
      net.call(x).logSoftmax(1).sum().backward();
      return [x.grad!, ...params(net)];
    });
  });
});

describe('a second gradient for one node: added in place only into what the pass alone holds', () => {
  // Against formulas, not only between modes: a wrong in-place sum happens with recycling off too.
  const vals = (t: Tensor): number[] => Array.from(t.toFloat32Array());
  const modes = ['on', 'poison'] as const;

  it('x + xᵀ: the transpose reads a view of the gradient that also flows to x', () => {
    for (const mode of modes) {
      setRecycling(mode);
      manualSeed(3);
      const x = randn([48, 48], { requiresGrad: true }), w = randn([48, 48]);
      x.add(x.T).mul(w).sum().backward();
      expect(vals(x.grad!)).toEqual(vals(w.add(w.T)));
    }
  });

  it('one gradient handed to two nodes (an add), each of which gets another gradient', () => {
    // Every order of the three terms, so that in one of them a node's second gradient arrives
    // while the other node still waits to read the shared one.
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const [mode, order] of modes.flatMap((m) => orders.map((o) => [m, o] as const))) {
      setRecycling(mode);
      manualSeed(4);
      const x = randn([64, 64], { requiresGrad: true }), w = randn([64, 64]);
      const h = x.exp(), k = x.sin();
      const terms = [h.add(k).mul(w).sum(), h.mul(3).sum(), k.mul(5).sum()];
      terms[order[0]!]!.add(terms[order[1]!]!).add(terms[order[2]!]!).backward();
      const e = x.detach().exp(), c = x.detach().cos();
      const expected = vals(w.add(3).mul(e).add(w.add(5).mul(c)));
      const got = vals(x.grad!);
      expect(got.length).toBe(expected.length);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected[i]!)));
    }
  });

  it('the gradient the caller passed for a root that another root also reaches is not added into', () => {
    for (const mode of modes) {
      setRecycling(mode);
      manualSeed(5);
      const x = randn([64, 64], { requiresGrad: true });
      const a = x.exp(), b = a.mul(2);
      const ga = randn([64, 64]), gb = randn([64, 64]);
      const gaCopy = vals(ga);
      autograd.backward([a, b], [ga, gb]);
      expect(vals(ga)).toEqual(gaCopy);
      expect(vals(x.grad!)).toEqual(vals(ga.add(gb.mul(2)).mul(x.detach().exp())));
    }
  });

  it('a backward function returning a tensor from before the pass: never recycled', () => {
    // Ours never do (they return fresh tensors or views of their incoming gradient); the engine
    // recycles only what the pass allocated, so a mistake there cannot reach the user's tensors.
    for (const mode of modes) {
      setRecycling(mode);
      const x = randn([64, 64], { requiresGrad: true });
      const kept = randn([64, 64]);
      const keptCopy = vals(kept);
      const h = x.mul(3); // not a leaf: `kept` is consumed by h's node, not made x's .grad
      const y = record('returnsKept', h.detach(), [h], () => [kept]);
      y.mul(2).sin().sum().backward();
      x.exp().sum().backward(); // more traffic through the cache
      expect(vals(x.grad!)).toEqual(vals(kept.mul(3).add(x.detach().exp())));
      expect(vals(kept)).toEqual(keptCopy);
    }
  });
});

describe('gradients the user can see are never recycled', () => {
  const big = (): Tensor => randn([64, 64], { requiresGrad: true });

  it('a gradient a hook keeps, and one a hook returns', () => {
    for (const mode of ['poison', 'on'] as const) {
      setRecycling(mode);
      manualSeed(1);
      const x = big();
      const h = x.mul(3);
      let kept: Tensor | undefined;
      h.registerHook((g) => { kept = g; });
      const r = h.sin();
      r.registerHook((g) => g.mul(2));
      r.sum().backward();
      const expected = Array.from(x.detach().mul(3).cos().mul(2).toFloat32Array());
      expect(Array.from(kept!.toFloat32Array())).toEqual(expected);
      expect(Array.from(x.grad!.toFloat32Array())).toEqual(expected.map((v) => Math.fround(v * 3)));
    }
  });

  it('a retained gradient, a captured one (autograd.grad), and the root gradient the caller passed', () => {
    for (const mode of ['off', 'poison', 'on'] as const) {
      setRecycling(mode);
      manualSeed(2);
      const x = big();
      const h = x.exp();
      h.retainGrad();
      const y = h.mul(h);
      const root = randn([64, 64]);
      const rootCopy = Array.from(root.toFloat32Array());
      y.backward(root);
      const hGrad = Array.from(h.grad!.toFloat32Array());
      const xGrad = Array.from(x.grad!.toFloat32Array());
      const [gx] = autograd.grad(x.exp().pow(2), x, { gradOutputs: root });
      const gxCopy = Array.from(gx!.toFloat32Array());
      // more work through the cache after both passes: nothing above may change
      for (let i = 0; i < 3; i++) big().mul(2).sin().sum().backward();
      expect(Array.from(root.toFloat32Array())).toEqual(rootCopy);
      expect(Array.from(h.grad!.toFloat32Array())).toEqual(hGrad);
      expect(hGrad.some(Number.isNaN)).toBe(false);
      expect(Array.from(x.grad!.toFloat32Array())).toEqual(xGrad);
      expect(Array.from(gx!.toFloat32Array())).toEqual(gxCopy);
      expect(gxCopy.some(Number.isNaN)).toBe(false);
    }
  });

  it('createGraph keeps the intermediate gradients the recorded backward graph saved', () => {
    for (const mode of ['poison', 'on'] as const) {
      setRecycling(mode);
      manualSeed(6);
      const x = randn([64, 64], { requiresGrad: true });
      const h = x.sin();
      // dy/dx = 2·sin·cos = sin(2x): the mul's backward saves h's gradient (an intermediate)
      const [g] = autograd.grad(h.mul(h).sum(), x, { createGraph: true });
      big().exp().sum().backward(); // traffic through the cache between the two passes
      g!.sum().backward(); // d/dx Σ sin(2x) = 2·cos(2x)
      const expected = Array.from(x.detach().mul(2).cos().mul(2).toFloat32Array());
      const got = Array.from(x.grad!.toFloat32Array());
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('createGraph keeps every gradient (the backward graph saves them)', () => {
    setRecycling('poison');
    const x = big();
    const [g] = autograd.grad(x.pow(3).sum(), x, { createGraph: true });
    g!.sum().backward();
    expect(Array.from(x.grad!.toFloat32Array())).toEqual(Array.from(x.detach().mul(6).toFloat32Array()));
  });
});

describe('the memory is reused', () => {
  it('a backward pass takes back its intermediate gradients; the next step reuses them', () => {
    const m = new nn.Sequential(new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 1));
    const x = randn([64, 256]);
    const step = (): void => {
      m.zeroGrad();
      m.call(x).sum().backward();
    };
    step();
    const before = storageCacheSize().reused;
    step();
    expect(storageCacheSize().reused).toBeGreaterThan(before);
    setRecycling('off');
    const reusedOff = storageCacheSize().reused;
    const cachedOff = storageCacheSize().bytes;
    step();
    step();
    // off: nothing is handed back, so nothing is taken beyond what was already cached
    expect(storageCacheSize().reused - reusedOff).toBeLessThanOrEqual(cachedOff / 4096);
  });
});

describe('recycleStorage: what it takes', () => {
  const floats = MIN_BYTES / 4;
  it.each([
    ['a view into a larger array', () => new Float32Array(2 * floats).subarray(floats)],
    ['an array below MIN_BYTES', () => new Float32Array(floats - 1)],
    ['the first part of a larger array', () => new Float32Array(2 * floats).subarray(0, floats)],
    ['an array on shared memory', () => new Float32Array(new SharedArrayBuffer(MIN_BYTES))],
  ])('refuses %s, leaving it as it was', (_, make) => {
    const a = make();
    a.fill(3);
    const before = storageCacheSize();
    expect(recycleStorage(a)).toBe(false);
    expect(a.every((v) => v === 3)).toBe(true);
    expect(storageCacheSize()).toEqual(before);
  });

  it('takes a whole array, and the next allocation of its byte length gets its buffer, zero-filled', () => {
    setStorageReuse(false); // an empty cache
    const a = allocStorage(Float32Array, floats);
    a.fill(5);
    expect(recycleStorage(a)).toBe(true);
    expect(storageCacheSize()).toMatchObject({ buffers: 1, bytes: MIN_BYTES });
    const b = allocStorage(Int32Array, floats); // the same bytes, another type
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
  });

  it('off: takes nothing; poison: fills it (NaN, or all bits set) and never hands it out', () => {
    setStorageReuse(false);
    setRecycling('off');
    expect(recycleStorage(new Float32Array(floats))).toBe(false);
    setRecycling('poison');
    const f = new Float32Array(floats), i = new BigInt64Array(floats / 2);
    expect(recycleStorage(f)).toBe(true);
    expect(recycleStorage(i)).toBe(true);
    expect(f.every(Number.isNaN)).toBe(true);
    expect(i.every((v) => v === -1n)).toBe(true);
    expect(storageCacheSize()).toMatchObject({ buffers: 0, bytes: 0 });
  });

  it('an array never registered (the collector\'s path off, as in Node) leaves the pending count alone', () => {
    const was = setStorageReuse(false);
    try {
      const pending = storageCacheSize().pending;
      expect(recycleStorage(allocStorage(Float32Array, floats))).toBe(true);
      expect(storageCacheSize().pending).toBe(pending);
    } finally {
      setStorageReuse(was);
    }
  });

  it('a registered array (the collector\'s path on) is unregistered, so its buffer is not cached twice', () => {
    const was = setStorageReuse(true);
    try {
      const pending = storageCacheSize().pending;
      const a = allocStorage(Float32Array, floats);
      expect(storageCacheSize().pending).toBe(pending + MIN_BYTES);
      expect(recycleStorage(a)).toBe(true);
      expect(storageCacheSize().pending).toBe(pending);
    } finally {
      setStorageReuse(was);
    }
  });
});
