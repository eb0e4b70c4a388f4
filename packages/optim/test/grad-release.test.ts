/**
 * `zeroGrad()` (setToNone, the default) gives a parameter's gradient memory back to the storage
 * cache when the gradient is private: the engine made it for that parameter alone on memory its
 * pass allocated, and no one has been handed it since (the `grad` getter and setter make it
 * public). The next backward pass takes the memory back, warm, as PyTorch's caching allocator
 * does. A mistake here overwrites a gradient someone still holds, so: a training loop gives the
 * same bits with recycling on, off and in poison mode (a recycled array is filled with NaN and
 * never reused), and what the user can reach is never recycled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { F, manualSeed, nn, randn, tensor, type Tensor } from '@tensile/tensor';
import { Adam, SGD, RMSprop, type Optimizer } from '@tensile/optim';
import { setRecycling, storageCacheSize } from '../../tensor/src/storage-pool.js';

afterEach(() => {
  setRecycling('on');
});

type Opt = Optimizer<object>;
const vals = (t: Tensor): number[] => Array.from(t.toFloat32Array());

function mlp(): nn.Sequential {
  manualSeed(11);
  return new nn.Sequential(new nn.Linear(96, 128), new nn.Tanh(), new nn.Linear(128, 10));
}
const x = (): Tensor => { manualSeed(12); return randn([32, 96]); };
const y = tensor(Array.from({ length: 32 }, (_, i) => i % 10), { dtype: 'int64' });

/** `steps` steps of `make`'s optimizer on the MLP, in `mode`; the final parameters. */
function train(mode: 'on' | 'off' | 'poison', make: (m: nn.Module) => Opt, steps: number, zero: (m: nn.Module, o: Opt) => void): number[][] {
  setRecycling(mode);
  const m = mlp(), opt = make(m), input = x();
  for (let s = 0; s < steps; s++) {
    zero(m, opt);
    F.crossEntropy(m.call(input), y).backward();
    nn.utils.clipGradNorm_(m.parameters(), 1);
    opt.step();
  }
  const out = m.parameters().map(vals);
  setRecycling('on');
  return out;
}

describe('zeroGrad recycles private gradients', () => {
  const optimizers: [string, (m: nn.Module) => Opt][] = [
    ['SGD with momentum', (m) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 })],
    ['Adam', (m) => new Adam(m.parameters(), { lr: 0.01 })],
    ['RMSprop, centered', (m) => new RMSprop(m.parameters(), { lr: 0.01, centered: true })],
  ];
  const zeros: [string, (m: nn.Module, o: Opt) => void][] = [
    ['optimizer.zeroGrad()', (_, o) => o.zeroGrad()],
    ['module.zeroGrad()', (m) => m.zeroGrad()],
  ];
  for (const [name, make] of optimizers) {
    for (const [zname, zero] of zeros) {
      it(`${name}, ${zname}: the same bits with recycling on, off and in poison mode`, () => {
        const ref = train('off', make, 4, zero);
        expect(ref.flat().some(Number.isNaN)).toBe(false);
        expect(train('poison', make, 4, zero)).toEqual(ref);
        expect(train('on', make, 4, zero)).toEqual(ref);
      });
    }
  }

  it('zeroGrad puts the gradient\'s buffer in the cache, and the next pass takes it', () => {
    const w = randn([64, 64], { requiresGrad: true }); // 16 KiB: cached
    const opt = new SGD([w], { lr: 0.1 });
    w.mul(w).sin().sum().backward();
    opt.step();
    const before = storageCacheSize();
    opt.zeroGrad();
    const after = storageCacheSize();
    expect(after.buffers).toBe(before.buffers + 1);
    expect(after.bytes).toBe(before.bytes + 64 * 64 * 4);
    w.mul(w).sin().sum().backward();
    expect(storageCacheSize().reused).toBeGreaterThan(after.reused);
    // read through .grad: public, so zeroGrad leaves it to the collector
    void w.grad;
    const cached = storageCacheSize().buffers;
    opt.zeroGrad();
    expect(storageCacheSize().buffers).toBe(cached);
  });
});

describe('gradients someone can hold are never recycled', () => {
  const setup = (): { w: Tensor; opt: SGD; pass: () => void } => {
    const w = randn([64, 64], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    return { w, opt, pass: () => w.mul(w).cos().sum().backward() };
  };

  it.each(['on', 'poison'] as const)('a gradient read through .grad, then zeroGrad and more passes (%s)', (mode) => {
    setRecycling(mode);
    const { w, opt, pass } = setup();
    pass();
    const kept = w.grad!; // handed out: public from here on
    const copy = vals(kept);
    opt.zeroGrad();
    for (let i = 0; i < 3; i++) { pass(); opt.step(); opt.zeroGrad(); }
    expect(vals(kept)).toEqual(copy);
  });

  it.each(['on', 'poison'] as const)('a gradient the user assigned (%s)', (mode) => {
    setRecycling(mode);
    const { w, opt, pass } = setup();
    const mine = randn([64, 64]);
    const copy = vals(mine);
    w.grad = mine;
    opt.zeroGrad();
    for (let i = 0; i < 3; i++) { pass(); opt.zeroGrad(); }
    expect(vals(mine)).toEqual(copy);
  });

  it('a gradient read after the optimizer step (the step alone does not hand it out)', () => {
    setRecycling('poison');
    const { w, opt, pass } = setup();
    pass();
    opt.step();
    const g = w.grad!;
    opt.zeroGrad();
    expect(g.toFloat32Array().some(Number.isNaN)).toBe(false);
  });

  it('setToNone false keeps the gradient tensor and zeroes it', () => {
    setRecycling('poison');
    const { w, opt, pass } = setup();
    pass();
    opt.zeroGrad(false);
    expect(vals(w.grad!).every((v) => v === 0)).toBe(true);
  });
});
