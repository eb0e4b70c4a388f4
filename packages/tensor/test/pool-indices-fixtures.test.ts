/**
 * Replays scripts/fixtures/pool_indices_fixtures.py (PyTorch 1.13 CPU): max pooling with
 * `returnIndices`, dilation and ceil mode (values, int64 indices into each plane, gradients),
 * and max unpooling (with and without `outputSize`), on both kernel sets. Every value and
 * gradient is a copy of an input element, so all are compared bit for bit; the modules give
 * the functions' results.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { decode, fixtureArg, ulpDistance, type FixtureArg, type FixtureCase, type Packed } from './helpers/op-fixtures.js';

interface Case extends Omit<FixtureCase, 'out'> { out?: Packed; outs?: Packed[]; upstreams?: (Packed | null)[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pool-indices.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Kw = Record<string, unknown>;
const t = (a: FixtureArg | undefined): T.Tensor => a as T.Tensor;
const opt = <K extends string>(kw: Kw, names: Record<string, K>): Partial<Record<K, never>> => {
  const o: Record<string, unknown> = {};
  for (const [py, ts] of Object.entries(names)) if (kw[py] !== undefined) o[ts] = kw[py];
  return o as Partial<Record<K, never>>;
};
const POOL = { stride: 'stride', padding: 'padding', dilation: 'dilation', ceil_mode: 'ceilMode' } as const;
const UNPOOL = { stride: 'stride', padding: 'padding', output_size: 'outputSize' } as const;

const OPS: Record<string, (a: FixtureArg[], kw: Kw) => T.Tensor | [T.Tensor, T.Tensor]> = {
  maxPool2d: ([x, k], kw) => T.F.maxPool2d(t(x), k as number, { ...opt(kw, POOL), returnIndices: true }),
  maxPool2dValues: ([x, k], kw) => T.F.maxPool2d(t(x), k as number, opt(kw, POOL)),
  maxPool1d: ([x, k], kw) => T.F.maxPool1d(t(x), k as number, { ...opt(kw, POOL), returnIndices: true }),
  maxUnpool2d: ([x, i, k], kw) => T.F.maxUnpool2d(t(x), t(i), k as number, opt(kw, UNPOOL)),
  maxUnpool1d: ([x, i, k], kw) => T.F.maxUnpool1d(t(x), t(i), k as number, opt(kw, UNPOOL)),
};

/** The same through the modules, PyTorch's positional order. */
const MODULES: Record<string, (a: FixtureArg[], kw: Kw) => T.Tensor | [T.Tensor, T.Tensor]> = {
  maxPool2d: ([x, k], kw) => new T.nn.MaxPool2d(k as number, (kw.stride as number | undefined) ?? null, (kw.padding as number | undefined) ?? 0, (kw.dilation as number | undefined) ?? 1, true, (kw.ceil_mode as boolean | undefined) ?? false).call(t(x)),
  maxPool1d: ([x, k], kw) => new T.nn.MaxPool1d(k as number, { ...opt(kw, POOL), returnIndices: true }).call(t(x)),
  maxUnpool2d: ([x, i, k], kw) => new T.nn.MaxUnpool2d(k as number, (kw.stride as number | undefined) ?? null, (kw.padding as number | undefined) ?? 0).call(t(x), t(i), (kw.output_size as number[] | undefined) ?? null),
  maxUnpool1d: ([x, i, k], kw) => new T.nn.MaxUnpool1d(k as number, { stride: (kw.stride as number | undefined) ?? null }).call(t(x), t(i), kw.output_size as number[] | undefined),
};

const initial = T.getBackend() as T.Backend;
afterAll(() => T.setBackend(initial));

function replay(c: Case, run: (a: FixtureArg[], kw: Kw) => T.Tensor | [T.Tensor, T.Tensor]): void {
  const args = c.inputs.map((p) => fixtureArg(p, true));
  const got = run(args, c.kw);
  const outs = Array.isArray(got) ? got : [got];
  const want = c.outs ?? [c.out!];
  expect(outs.length).toBe(want.length);
  outs.forEach((o, i) => expect(ulpDistance(o, want[i]!), `${c.name}: output ${i}`).toBe(0));
  const ups = c.upstreams ?? [(c as unknown as { upstream: Packed }).upstream];
  T.autograd.backward(outs.filter((_, i) => ups[i]), ups.filter((u): u is Packed => !!u).map(decode));
  c.grads!.forEach((w, i) => {
    if (w !== null) expect(ulpDistance((args[i] as T.Tensor).grad!, w), `${c.name}: grad ${i}`).toBe(0);
  });
}

describe.each(['js', 'wasm'] as const)('max pooling indices and unpooling against PyTorch 1.13, %s kernels', (backend) => {
  it('the fixture is PyTorch 1.13 and has every op', () => {
    expect(fixture.torch).toMatch(/^1\.13/);
    expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
    expect(fixture.cases.length).toBe(24);
  });
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    T.setBackend(backend);
    replay(c, OPS[c.op]!);
  });
  it.each(fixture.cases.filter((c) => MODULES[c.op]).map((c) => [c.name, c] as const))('%s, through the module', (_name, c) => {
    T.setBackend(backend);
    replay(c, MODULES[c.op]!);
  });
});

describe('max pooling indices and unpooling: refusals', () => {
  // Made in each test, not while the file loads: a mutant that breaks pooling must fail tests,
  // not the file's collection (Stryker counts a file that fails to load as no failure).
  const pooled = (): [T.Tensor, T.Tensor] => T.F.maxPool2d(T.arange(16).float().reshape(1, 1, 4, 4), 2, { returnIndices: true });
  it.each<[string, () => unknown, RegExp]>([
    ['float indices', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i.float(), 2); }, /maxUnpool2d: elements in indices should be type int64 but got: float32/],
    ['an index past the output', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i.mul(100), 2); }, /maxUnpool2d: found an invalid max index: 500 \(output volumes are of size 4x4\)/],
    ['a negative index', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i.neg(), 2); }, /maxUnpool2d: found an invalid max index: -5/],
    ['an outputSize too large (PyTorch: dim 0 must be between 2 and 6)', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { outputSize: [7, 7] }); }, /maxUnpool2d: invalid outputSize \[7,7\] \(dim 0 must be between 2 and 6, exclusive\)/],
    ['an outputSize of three numbers', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { outputSize: [1, 4, 4] }); }, /maxUnpool2d: outputSize must have 2 or 4 elements, got \[1,4,4\]/],
    ['indices of another shape', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i.reshape(1, 1, 4), 2); }, /maxUnpool2d: expected indices of the input's shape \[1,1,2,2\], got \[1,1,4\]/],
    ['an unknown option', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { output_size: [4, 4] } as never); }, /maxUnpool2d.*output_size/],
    ['a 1-d unpool of a 4-d input', () => { const [y, i] = pooled(); return T.F.maxUnpool1d(y, i, 2); }, /maxUnpool1d: expected input \[N,C,L\] or \[C,L\], got \[1,1,2,2\]/],
    ['dilation 0', () => T.F.maxPool2d(T.ones([1, 1, 4, 4]), 2, { dilation: 0 }), /maxPool2d: dilation must be a positive integer or a pair of them, got 0/],
    ['a dilated window wider than the input (PyTorch: output size is too small)', () => T.F.maxPool2d(T.ones([1, 1, 2, 2]), 2, { dilation: 2 }), /maxPool2d: given input size \[1,2,2\], the calculated output size \[1,0,0\] is too small/],
    ['returnIndices not a boolean', () => T.F.maxPool2d(T.ones([1, 1, 4, 4]), 2, { returnIndices: 1 as never }), /maxPool2d: returnIndices must be a boolean, got number 1/],
    ['an int64 input, dilated (PyTorch: not implemented for Long)', () => T.F.maxPool2d(T.ones([1, 1, 4, 4], { dtype: T.int64 }), 2, { dilation: 2 }), /maxPool2d: not implemented for 'Long'/],
    ['a module dilation of 0', () => new T.nn.MaxPool1d(2, { dilation: 0 }), /MaxPool1d: dilation must be a positive integer, got 0/],
    ['a module returnIndices not a boolean', () => new T.nn.MaxPool2d(2, { returnIndices: 'yes' as never }), /MaxPool2d: returnIndices must be a boolean, got yes/],
    ['an index equal to the plane size', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i.mul(0).add(16), 2); }, /maxUnpool2d: found an invalid max index: 16 \(output volumes are of size 4x4\)/],
    ['an outputSize of fractions', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { outputSize: [4.5, 4] }); }, /maxUnpool2d: outputSize must be an array of integers/],
    ['an outputSize one too small (PyTorch: between 2 and 6)', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { outputSize: [2, 4] }); }, /maxUnpool2d: invalid outputSize \[2,4\] \(dim 0 must be between 2 and 6, exclusive\)/],
    ['an outputSize one too large', () => { const [y, i] = pooled(); return T.F.maxUnpool2d(y, i, 2, { outputSize: [4, 6] }); }, /maxUnpool2d: invalid outputSize \[4,6\] \(dim 1 must be between 2 and 6, exclusive\)/],
    ['a 2-d unpool of a 2-d input', () => T.F.maxUnpool2d(T.ones([2, 2]), T.zeros([2, 2], { dtype: T.int64 }), 2), /maxUnpool2d: expected input \[N,C,H,W\] or \[C,H,W\], got \[2,2\]/],
    ['a 1-d unpool of a 1-d input', () => T.F.maxUnpool1d(T.ones([2]), T.zeros([2], { dtype: T.int64 }), 2), /maxUnpool1d: expected input \[N,C,L\] or \[C,L\], got \[2\]/],
    ['a 2-d max pool of a 2-d input', () => T.F.maxPool2d(T.ones([4, 4]), 2), /maxPool2d: expected input \[N,C,H,W\] or \[C,H,W\], got \[4,4\]/],
    ['a 1-d max pool of a 1-d input', () => T.F.maxPool1d(T.ones([4]), 2), /maxPool1d: expected input \[N,C,L\] or \[C,L\], got \[4\]/],
    ['padding past half the kernel in width', () => T.F.maxPool2d(T.ones([1, 1, 6, 6]), 2, { padding: [0, 2] }), /maxPool2d: padding \[0,2\] should be at most half of the kernel size \[2,2\]/],
    ['padding past half the kernel in height', () => T.F.maxPool2d(T.ones([1, 1, 6, 6]), 2, { padding: [2, 1] }), /maxPool2d: padding \[2,1\] should be at most half of the kernel size/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });

  it('the module reprs are PyTorch\'s', () => {
    expect(String(new T.nn.MaxUnpool2d(2))).toBe('MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))');
    expect(String(new T.nn.MaxUnpool2d([2, 3], 1, [1, 0]))).toBe('MaxUnpool2d(kernel_size=(2, 3), stride=(1, 1), padding=(1, 0))');
    expect(String(new T.nn.MaxUnpool1d(3))).toBe('MaxUnpool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new T.nn.MaxPool2d(2, { dilation: 2, returnIndices: true }))).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=2, ceil_mode=False)');
    expect(String(new T.nn.MaxPool1d(3, { dilation: 2 }))).toBe('MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=2, ceil_mode=False)');
  });

  it('1-d pooling of an unbatched [C, L] input gives [C, L\'] values and indices; unpooling puts them back', () => {
    const x = T.tensor([[1, 5, 2, 2, -1, 7], [0, -3, 4, 4, 9, 8]]);
    const [v, i] = T.F.maxPool1d(x, 2, { returnIndices: true });
    expect(v.tolist()).toEqual([[5, 2, 7], [0, 4, 9]]);
    expect(i.tolist()).toEqual([[1, 2, 5], [0, 2, 4]]);
    expect(T.F.maxUnpool1d(v, i, 2).tolist()).toEqual([[0, 5, 2, 0, 0, 7], [0, 0, 4, 0, 9, 0]]);
    expect(T.F.maxUnpool1d(v, i, 2, { outputSize: [2, 7] }).shape).toEqual([2, 7]);
  });

  it('float64 unpooling stays float64; an all -inf dilated window past the padding keeps its first real tap', () => {
    const [v, i] = T.F.maxPool2d(T.arange(16).double().reshape(1, 1, 4, 4), 2, { returnIndices: true });
    expect(T.F.maxUnpool2d(v, i, 2).dtype).toBe(T.float64);
    // PyTorch 1.13: F.max_pool2d(torch.full((1,1,5,5), -inf), 3, stride=2, padding=1, dilation=2, return_indices=True)[1] is [[[[6, 6], [6, 6]]]] (every window's first real tap is (1, 1))
    const [w, j] = T.F.maxPool2d(T.full([1, 1, 5, 5], -Infinity), 3, { stride: 2, padding: 1, dilation: 2, returnIndices: true });
    expect(w.tolist()).toEqual([[[[-Infinity, -Infinity], [-Infinity, -Infinity]]]]);
    expect(j.tolist()).toEqual([[[[6, 6], [6, 6]]]]);
  });

  it('a module with returnIndices is typed to return the pair', () => {
    const [values, indices] = new T.nn.MaxPool2d(2, { returnIndices: true }).call(T.arange(16).float().reshape(1, 1, 4, 4));
    expect(values.tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(indices.dtype).toBe(T.int64);
    const plain: T.Tensor = new T.nn.MaxPool2d(2).call(T.ones([1, 1, 4, 4]));
    expect([...plain.shape]).toEqual([1, 1, 2, 2]);
  });
});
