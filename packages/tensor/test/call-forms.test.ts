/**
 * PyTorch's call forms that ports hit first (issue 21): sizes as separate numbers, randint's two
 * overloads, max/min's named tuple, and `self.name` for registered buffers, parameters and
 * modules. Each the way a ported line is written, and each refusal from a table.
 */
import { describe, expect, it } from 'vitest';
import { Generator, int64, max, min, nn, ones, rand, randint, randn, tensor, zeros, type Tensor } from '@tensile/tensor';

describe('sizes as separate numbers, as torch.zeros(2, 3)', () => {
  it('zeros, ones, rand and randn take a shape array or sizes, with options last', () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(ones(3, 3).toArray()).toEqual([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
    expect(zeros(2, { dtype: int64 }).dtype).toBe(int64);
    expect(zeros().shape).toEqual([]);
    expect(rand(2, 2).shape).toEqual([2, 2]);
    expect(randn(4, { generator: new Generator(1) }).toArray()).toEqual(randn([4], { generator: new Generator(1) }).toArray());
  });

  it('randint(high, size) draws from [0, high), as randint(0, high, size)', () => {
    const a = randint(10, [200], { generator: new Generator(3) });
    expect(a.dtype).toBe(int64);
    expect(a.toArray()).toEqual(randint(0, 10, [200], { generator: new Generator(3) }).toArray());
    const v = a.toArray() as number[];
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(10);
  });

  it.each([
    ['a size that is not a number', () => zeros(2, '3' as never), 'zeros: size 1 must be a number (or pass one shape array), got string 3'],
    ['arguments after a shape array', () => (ones as (...a: unknown[]) => Tensor)([2], {}, 3), 'ones: after a shape array only an options object may follow, got 3 arguments'],
    ['a negative size', () => zeros(2, -1), 'zeros'],
    ['randint without a size', () => randint(10, 5 as never), 'randint: size must be an array of sizes (randint(high, size) or randint(low, high, size)), got undefined'],
    ['randint with low >= high', () => randint(5, 5, [2]), 'randint: expects integers low < high, got low 5, high 5'],
  ])('refuses %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('max(dim) and min(dim): PyTorch\'s (values, indices)', () => {
  const x = tensor([[1, 5], [7, 2]]);
  it('destructures, indexes and names the two tensors', () => {
    const [values, indices] = x.max(1);
    expect(values.toArray()).toEqual([5, 7]);
    expect(indices.toArray()).toEqual([1, 0]);
    expect(indices.dtype).toBe(int64);
    expect(x.max(1)[1].toArray()).toEqual([1, 0]); // output.max(1)[1], the classic accuracy line
    expect(x.max(1).indices.toArray()).toEqual([1, 0]);
    expect(min(x, 0).values.toArray()).toEqual([1, 2]);
    expect(x.min(0, true).indices.shape).toEqual([1, 2]);
  });

  it('without a dim it is the largest value; with a tensor the element-wise maximum', () => {
    expect(x.max().item()).toBe(7);
    expect(max(x, tensor([3, 3])).toArray()).toEqual([[3, 5], [7, 3]]);
    expect(x.min(tensor(2)).toArray()).toEqual([[1, 2], [2, 2]]);
  });

  it('the values carry the gradient to the winners', () => {
    const w = tensor([[1, 5], [7, 2]], { requiresGrad: true });
    w.max(1).values.sum().backward();
    expect(w.grad!.toArray()).toEqual([[0, 1], [1, 0]]);
  });
});

describe('self.name for what was registered by name', () => {
  it('registerBuffer, registerParameter and addModule make the field, as PyTorch\'s setattr', () => {
    class Attn extends nn.Module {
      declare tril: Tensor;
      declare scale: Tensor;
      declare proj: nn.Linear;
      constructor() {
        super();
        this.registerBuffer('tril', ones(3, 3));
        this.registerParameter('scale', ones(1));
        this.addModule('proj', new nn.Linear(3, 3));
      }
      forward(x: Tensor): Tensor { return this.proj.call(x.mul(this.scale)).mul(this.tril.sum()); }
    }
    const m = new Attn();
    expect(m.tril.shape).toEqual([3, 3]);
    expect(m.scale.requiresGrad).toBe(true);
    expect(m.proj).toBeInstanceOf(nn.Linear);
    expect(Object.keys(m.stateDict())).toEqual(['scale', 'tril', 'proj.weight', 'proj.bias']);
    m.tril = zeros(3, 3); // assignment replaces the buffer, as in PyTorch
    expect(m.namedBuffers()[0]![1].sum().item()).toBe(0);
    expect(m.call(ones(2, 3)).shape).toEqual([2, 3]);
  });
});

describe("add's and sub's keyword alpha as a bag, as p.data.add_(p.grad, alpha=-lr)", () => {
  it('add, sub, add_ and sub_ take { alpha } as they take the number', () => {
    const a = tensor([1, 2, 3]), b = tensor([0.5, -1, 4]);
    expect(a.add(b, { alpha: -2 }).toArray()).toEqual(a.add(b, -2).toArray());
    expect(a.sub(b, { alpha: 3 }).toArray()).toEqual(a.sub(b, 3).toArray());
    expect(a.add(b, {}).toArray()).toEqual(a.add(b).toArray());
    const p = tensor([1, 1, 1]), q = tensor([1, 1, 1]);
    p.add_(b, { alpha: -0.1 });
    q.add_(b, -0.1);
    expect(p.toArray()).toEqual(q.toArray());
    p.sub_(b, { alpha: 2 });
    q.sub_(b, 2);
    expect(p.toArray()).toEqual(q.toArray());
  });

  it.each([
    ["add", () => tensor([1]).add(tensor([1]), { beta: 2 } as never), "add: unknown option 'beta' (options: alpha)"],
    ["add_", () => tensor([1]).add_(tensor([1]), { alhpa: 2 } as never), "add_: unknown option 'alhpa' (options: alpha)"],
    ["sub_ with a non-number alpha", () => tensor([1]).sub_(tensor([1]), { alpha: '2' } as never), 'sub_: alpha must be a number, got'],
  ])('%s refuses a bad bag', (_name, f, message) => {
    const t = tensor([5]);
    expect(f).toThrow(message);
    expect(t.toArray()).toEqual([5]);
  });
});
