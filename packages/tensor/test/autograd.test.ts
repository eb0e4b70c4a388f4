import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const leaf = (v: number[]): T.Tensor => T.tensor(v, { requiresGrad: true });
const arr = (t: T.Tensor | null): number[] => Array.from(t!.toFloat32Array());

describe('autograd', () => {
  it('accumulates into leaves across backward calls', () => {
    const x = leaf([1, 2]);
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([5, 7]);
  });

  it('two leaves never share a grad tensor (add passes the same gradient to both)', () => {
    const a = leaf([1]), b = leaf([2]);
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    a.grad!.zero_();
    expect(arr(b.grad)).toEqual([1]);
  });

  it('keeps .grad of a non-leaf only after retainGrad()', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2).retainGrad();
    const z = x.mul(3);
    y.mul(z).sum().backward();
    expect(arr(y.grad)).toEqual([3, 6]);
    expect(z.grad).toBeNull();
    expect([y.isLeaf, x.isLeaf]).toEqual([false, true]);
    expect(y.gradFn!.name).toBe('mul');
  });

  it('needs an explicit gradient for a non-scalar output', () => {
    const x = leaf([1, 2]);
    expect(() => x.mul(2).backward()).toThrow('backward: grad can be implicitly created only for scalar outputs; got shape [2], pass a gradient');
    x.mul(2).backward(T.tensor([1, 10]));
    expect(arr(x.grad)).toEqual([2, 20]);
    expect(() => x.mul(2).backward(T.tensor([1]))).toThrow('backward: gradient has shape [1] but the tensor has shape [2]');
  });

  it('frees the graph after backward; retainGraph keeps it', () => {
    const x = leaf([1, 2]);
    const y = x.tanh().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(/trying to backward through the graph a second time/);
  });

  it('noGrad / enableGrad nest and restore, also after a throw', () => {
    expect(T.isGradEnabled()).toBe(true);
    const x = leaf([1]);
    const y = T.noGrad(() => {
      expect(T.enableGrad(() => T.isGradEnabled())).toBe(true);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(() => T.noGrad(() => { throw new Error('inner'); })).toThrow('inner');
    expect(T.isGradEnabled()).toBe(true);
  });

  it('grad(): createGraph gives higher derivatives; allowUnused; gradOutputs', () => {
    const x = leaf([2]);
    const [d1] = T.grad(x.pow(3).sum(), x, { createGraph: true });
    expect(arr(d1!)).toEqual([12]);
    const [d2] = T.grad(d1!.sum(), x);
    expect(arr(d2!)).toEqual([12]);
    const u = leaf([1]);
    expect(() => T.grad(x.mul(2).sum(), [x, u])).toThrow('grad: inputs[1] was not used in the graph of the outputs');
    expect(T.grad(x.mul(2).sum(), [x, u], { allowUnused: true })[1]).toBeNull();
    const [g] = T.grad(x.mul(3), x, { gradOutputs: [T.tensor([2])] });
    expect(arr(g!)).toEqual([6]);
    expect(x.grad).toBeNull();
  });

  it('a node that receives no gradient still lets other paths through', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    const dead = T.argmax(y); // no grad path through argmax
    const out = y.sum().add(dead.mul(0));
    out.backward();
    expect(arr(x.grad)).toEqual([2, 2]);
  });

  it('in-place on a leaf that requires grad throws, but is fine under noGrad', () => {
    const w = leaf([1, 2]);
    expect(() => w.add_(1)).toThrow('add_: a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad()');
    T.noGrad(() => w.sub_(1));
    expect(arr(w)).toEqual([0, 1]);
  });

  it('modifying a saved tensor in place makes backward throw, naming the op and versions', () => {
    const x = leaf([0.5, 1]);
    const y = x.exp();
    const z = y.mul(2).sum();
    const w = y.tanh().sum();
    y.add_(1);
    expect(y.version).toBe(1);
    // exp saved its output y, which add_ then changed (PyTorch: "output 0 of ExpBackward0").
    expect(() => w.backward()).toThrow('exp: a tensor saved for backward was modified by an in-place operation: it is at version 1; expected version 0 instead');
    expect(() => z.backward()).toThrow(/version 1; expected version 0/);
    const ok = leaf([1]);
    const s = ok.mul(2);
    const out = s.add(1).sum(); // add saves nothing
    s.mul_(5);
    expect(() => out.backward()).not.toThrow();
  });

  it('in-place ops rebase gradFn (recorded in the graph) and bump the version', () => {
    const x = leaf([1, 2]);
    const y = x.mul(1);
    const before = y.gradFn;
    y.mul_(3);
    expect(y.gradFn).not.toBe(before);
    expect(y.gradFn!.name).toBe('mul');
    y.sum().backward();
    expect(arr(x.grad)).toEqual([3, 3]);
  });

  it('views share storage and version with their base', () => {
    const base = T.arange(6).reshape(2, 3);
    const v = base.t();
    T.noGrad(() => base.narrow(1, 0, 1).fill_(9));
    expect(v.toArray()).toEqual([[9, 9], [1, 4], [2, 5]]);
    expect(v.version).toBe(base.version);
  });

  it('.grad assignment is shape-checked; requiresGrad_ only on leaves', () => {
    const x = leaf([1, 2]);
    expect(() => (x.grad = T.zeros([3]))).toThrow('grad: assigned grad has shape [3] but the tensor has shape [2]');
    x.grad = T.zeros([2]);
    expect(() => x.mul(2).requiresGrad_()).toThrow('requiresGrad_: you can only change requiresGrad of leaf tensors');
  });

  it('detach() cuts the graph but shares memory', () => {
    const x = leaf([1, 2]);
    const d = x.mul(1).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
  });
});

describe('leaf gradients never share storage with anything else (gradient stealing is safe)', () => {
  const leaf = (v: number[]): T.Tensor => T.tensor(v).requiresGrad_();

  it('two leaves that receive the same gradient get separate tensors', () => {
    const a = leaf([1, 2, 3]), b = leaf([4, 5, 6]);
    a.add(b).mul(T.tensor([1, 2, 3])).sum().backward();
    a.grad!.add_(T.tensor([10, 10, 10]));
    expect(b.grad!.toArray()).toEqual([1, 2, 3]);
    expect(a.grad!.toArray()).toEqual([11, 12, 13]);
  });

  it("a leaf does not take the caller's gradient (backward(gradient) through a view)", () => {
    const x = leaf([1, 2, 3, 4]);
    const G = T.tensor([[1, 2], [3, 4]]);
    x.reshape([2, 2]).backward(G);
    G.mul_(0);
    expect(x.grad!.toArray()).toEqual([1, 2, 3, 4]);
  });

  it('a retained non-leaf grad and a leaf grad are separate', () => {
    const x = leaf([1, 2]);
    const y = x.reshape([2, 1]);
    y.retainGrad();
    y.mul(T.tensor([[3], [4]])).sum().backward();
    y.grad!.add_(T.tensor([[100], [100]]));
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  it('a leaf used twice, and views of one gradient sent to two leaves, stay independent', () => {
    const a = leaf([1, 2, 3, 4]), b = leaf([1, 1, 1, 1]);
    const s = a.mul(b).add(a); // a receives two contributions (summed), b one
    T.stack([s.reshape([2, 2]).sum(0), a.reshape([2, 2]).sum(1)]).sum().backward();
    const ga = a.grad!.toArray(), gb = b.grad!.toArray();
    a.grad!.mul_(0);
    expect(b.grad!.toArray()).toEqual(gb);
    b.grad!.mul_(0);
    expect(ga).toEqual([3, 3, 3, 3]);
  });

  it('the second backward accumulates into the first gradient without touching other leaves', () => {
    const w = leaf([1, 2]), v = leaf([3, 4]);
    const run = (): void => w.mul(v).sum().backward();
    run();
    const vBefore = v.grad!.toArray() as number[];
    run();
    expect(w.grad!.toArray()).toEqual([6, 8]);
    expect(v.grad!.toArray()).toEqual(vBefore.map((x) => x * 2));
  });
});
