/**
 * Tensor gradient hooks (`registerHook`) and module forward hooks, against PyTorch's behaviour:
 * the expected values were printed by PyTorch 1.13 (`/usr/bin/python3`, the snippets beside
 * each case), and where 1.13 and 2.x differ (hooks on `autograd.grad`'s inputs, `retainGrad`
 * after a hook) these follow 2.x, whose order PyTorch documents (pull request 85849).
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

const leaf = (v: number[]): T.Tensor => T.tensor(v, { requiresGrad: true });
const arr = (t: T.Tensor | null): number[] => Array.from(t!.toFloat32Array());

describe('Tensor.registerHook', () => {
  it("a leaf's hook sees each gradient before it is added to .grad, and its result is what is added", () => {
    // x.register_hook(lambda g: g + 1); (x*3).sum().backward() twice: hook sees [3, 3], grad [4, 4] then [8, 8]
    const x = leaf([1, 2]);
    const seen: number[][] = [];
    x.registerHook((g) => { seen.push(arr(g)); return g.add(1); });
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([4, 4]);
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([8, 8]);
    expect(seen).toEqual([[3, 3], [3, 3]]);
  });

  it("a non-leaf's hook changes the gradient that flows on to its inputs", () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    y.registerHook((g) => g.mul(10));
    y.mul(y).sum().backward(); // dy = 2y = [4, 8] -> [40, 80]; dx = 2 dy
    expect(arr(x.grad)).toEqual([80, 160]);
  });

  it('hooks run in registration order, each given the previous result', () => {
    // b = a*1; b.register_hook(g*2); b.register_hook(g+3); b.backward([1]): a.grad 5
    const a = leaf([1]);
    const b = a.mul(1);
    b.registerHook((g) => g.mul(2));
    b.registerHook((g) => g.add(3));
    b.backward(T.tensor([1]));
    expect(arr(a.grad)).toEqual([5]);
  });

  it('a tensor used twice gets one call, with the summed gradient', () => {
    // c = a*1; (c*2 + c*5).sum().backward(): the hook is called once with [7]
    const a = leaf([1]);
    const c = a.mul(1);
    const calls: number[][] = [];
    c.registerHook((g) => { calls.push(arr(g)); });
    c.mul(2).add(c.mul(5)).sum().backward();
    expect(calls).toEqual([[7]]);
    expect(arr(a.grad)).toEqual([7]);
  });

  it('a hook that returns nothing leaves the gradient as it was; a removed hook is not called', () => {
    const x = leaf([1, 2]);
    let calls = 0;
    const h = x.registerHook(() => { calls++; });
    x.mul(2).sum().backward();
    h.remove();
    h.remove(); // idempotent
    x.mul(2).sum().backward();
    expect(calls).toBe(1);
    expect(arr(x.grad)).toEqual([4, 4]);
  });

  it('`using` removes the hook at the end of the scope', () => {
    const x = leaf([1]);
    let calls = 0;
    {
      using _h = x.registerHook(() => { calls++; });
      x.mul(2).sum().backward();
    }
    x.mul(2).sum().backward();
    expect(calls).toBe(1);
  });

  it('a gradient a hook keeps is never the .grad that later backwards add into', () => {
    const x = leaf([1, 2]);
    const kept: T.Tensor[] = [];
    x.registerHook((g) => { kept.push(g); });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([6, 6]);
    expect(arr(kept[0]!)).toEqual([3, 3]);
    expect(kept[0]).not.toBe(x.grad);
  });

  it("a tensor a hook returns (the user's own) is copied into .grad, not taken", () => {
    const x = leaf([1, 2]);
    const mine = T.tensor([5, 5]);
    x.registerHook(() => mine);
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([10, 10]);
    expect(arr(mine)).toEqual([5, 5]);
  });

  it('retainGrad keeps the gradient after the hooks (PyTorch 2.x: retains_grad hooks run last)', () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    y.retainGrad();
    y.registerHook((g) => g.mul(10));
    y.mul(y).sum().backward();
    expect(arr(y.grad)).toEqual([40, 80]);
    expect(arr(x.grad)).toEqual([80, 160]);
  });

  it("autograd.grad runs the hooks of the inputs it returns gradients for (PyTorch 2.x)", () => {
    const x = leaf([1, 2]);
    x.registerHook((g) => g.mul(10));
    expect(arr(T.grad(x.mul(3).sum(), x)[0]!)).toEqual([30, 30]);
    expect(x.grad).toBeNull();
  });

  it.each<[string, () => void, RegExp]>([
    ['a tensor that does not require grad', () => T.tensor([1]).registerHook((g) => g), /registerHook: cannot register a hook on a tensor that doesn't require gradient/],
    ['a hook that is not a function', () => leaf([1]).registerHook(3 as never), /registerHook: hook must be a function, got number/],
    ['a hook returning a number', () => { const x = leaf([1, 2]); x.registerHook(() => 5 as never); x.mul(1).sum().backward(); }, /backward: expected a Tensor, but a hook returned number/],
    ['a hook returning null', () => { const x = leaf([1, 2]); x.registerHook(() => null as never); x.mul(1).sum().backward(); }, /backward: expected a Tensor, but a hook returned null/],
    ['a hook changing the shape', () => { const x = leaf([1, 2]); const y = x.mul(1); y.registerHook(() => T.ones([3])); y.sum().backward(); }, /backward: a hook has changed the size of the gradient: \[2\] to \[3\]/],
    ['a hook changing the dtype', () => { const x = leaf([1, 2]); const y = x.mul(1); y.registerHook((g) => g.double()); y.sum().backward(); }, /backward: a hook has changed the type of the gradient: float32 to float64/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });

  it('a refused registration leaves no hook behind', () => {
    const x = leaf([1]);
    expect(() => x.registerHook(null as never)).toThrow(TypeError);
    x.mul(2).sum().backward();
    expect(arr(x.grad)).toEqual([2]);
  });
});

describe('Module forward hooks', () => {
  const linear = (): T.nn.Linear => {
    const fc = new T.nn.Linear(2, 1);
    T.noGrad(() => { fc.weight.fill_(1); fc.bias!.fill_(0.5); });
    return fc;
  };

  it('a pre-hook replaces the inputs: an array as the inputs, another value as the one input', () => {
    // m.register_forward_pre_hook(lambda mod, args: args[0]*0): the output is the bias
    const fc = linear();
    const h1 = fc.registerForwardPreHook((_m, [x]) => (x as T.Tensor).mul(0));
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([0.5]);
    h1.remove();
    const h2 = fc.registerForwardPreHook((_m, [x]) => [(x as T.Tensor).mul(2)]);
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([4.5]);
    h2.remove();
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([2.5]);
  });

  it('a forward hook sees the inputs after the pre-hooks and may replace the output', () => {
    const fc = linear();
    fc.registerForwardPreHook((_m, args) => [(args[0] as T.Tensor).mul(3)]);
    const seen: number[][] = [];
    fc.registerForwardHook((m, args, out) => {
      expect(m).toBe(fc);
      seen.push(arr(args[0] as T.Tensor), arr(out as T.Tensor));
      return (out as T.Tensor).mul(0).add(7); // m.register_forward_hook(lambda m, a, out: out*0+7) gives [[7.]]
    });
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([7]);
    expect(seen).toEqual([[3, 3], [6.5]]);
  });

  it('a pre-hook that returns nothing leaves the inputs; pre-hooks run in order, a prepended one first', () => {
    const fc = linear();
    const order: string[] = [];
    fc.registerForwardPreHook(() => { order.push('a'); });
    fc.registerForwardPreHook((_m, [x]) => { order.push('b'); return [(x as T.Tensor).mul(2)]; });
    fc.registerForwardPreHook(() => { order.push('first'); }, { prepend: true });
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([4.5]);
    expect(order).toEqual(['first', 'a', 'b']);
  });

  it('hooks run in registration order, a prepended one first; returning nothing keeps the value', () => {
    const fc = linear();
    const order: string[] = [];
    fc.registerForwardHook(() => { order.push('a'); });
    fc.registerForwardHook(() => { order.push('b'); });
    fc.registerForwardHook(() => { order.push('first'); }, { prepend: true });
    expect(arr(fc.call(T.ones([1, 2])))).toEqual([2.5]);
    expect(order).toEqual(['first', 'a', 'b']);
  });

  it("a child's hooks run when a container calls it, and the gradient flows through a replaced output", () => {
    const model = new T.nn.Sequential(linear(), new T.nn.ReLU());
    const acts: T.Tensor[] = [];
    model.at(0)!.registerForwardHook((_m, _a, out) => { acts.push(out as T.Tensor); return (out as T.Tensor).mul(2); });
    const x = T.ones([1, 2], { requiresGrad: true });
    model.call(x).sum().backward();
    expect(arr(acts[0]!)).toEqual([2.5]);
    expect(arr(x.grad)).toEqual([2, 2]);
  });

  it.each<[string, () => void, RegExp]>([
    ['a pre-hook that is not a function', () => linear().registerForwardPreHook('x' as never), /registerForwardPreHook: hook must be a function, got string/],
    ['a forward hook that is not a function', () => linear().registerForwardHook(undefined as never), /registerForwardHook: hook must be a function, got undefined/],
    ['an unknown option', () => linear().registerForwardHook(() => undefined, { always: true } as never), /registerForwardHook.*always/],
    ['an unknown pre-hook option', () => linear().registerForwardPreHook(() => undefined, { withKwargs: true } as never), /registerForwardPreHook.*withKwargs/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});
