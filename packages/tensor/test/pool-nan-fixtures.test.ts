/**
 * Replays scripts/fixtures/pool_nan_fixtures.py (PyTorch 1.13 CPU): max pooling over windows
 * that hold several NaNs, ties and -Infinity, on both kernel sets. PyTorch's rule: in row-major
 * window order a tap wins if it is greater than the best so far or NaN, so the first maximum
 * wins among numbers, the last NaN among NaNs, and a number never displaces a NaN. The values
 * must be PyTorch's (NaN where it has NaN) and each input's gradient bit for bit: the gradient
 * says which tap won each window.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';
import { decode, ulpDistance, type Packed } from './helpers/op-fixtures.js';

interface Case { op: 'maxPool2d' | 'maxPool1d'; name: string; kw: Record<string, unknown>; inputs: [Packed, { number: number } | { list: number[] }]; out: Packed; upstream: Packed; grads: [Packed] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pool-nan.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

const kernel = (k: Case['inputs'][1]): number | [number, number] => ('number' in k ? k.number : (k.list as [number, number]));
const options = (kw: Record<string, unknown>) => ({
  ...(kw.stride === undefined ? {} : { stride: kw.stride as number }),
  ...(kw.padding === undefined ? {} : { padding: kw.padding as number | [number, number] }),
  ...(kw.ceil_mode === undefined ? {} : { ceilMode: kw.ceil_mode as boolean }),
});

const initial = T.getBackend() as T.Backend;
afterAll(() => T.setBackend(initial));

describe.each(['js', 'wasm'] as const)('max pooling with NaNs against PyTorch 1.13, %s kernels', (backend) => {
  it('the fixture is PyTorch 1.13 and holds windows with two NaNs', () => {
    expect(fixture.torch).toMatch(/^1\.13/);
    expect(fixture.cases.length).toBe(12);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    T.setBackend(backend);
    const x = decode(c.inputs[0]).requiresGrad_();
    const k = kernel(c.inputs[1]);
    const o = options(c.kw);
    const y = c.op === 'maxPool1d' ? T.F.maxPool1d(x, k as number, o as T.F.MaxPool1dOptions & { returnIndices?: false }) : T.F.maxPool2d(x, k, o as T.F.MaxPool2dOptions & { returnIndices?: false });
    expect(ulpDistance(y, c.out)).toBe(0);
    y.backward(decode(c.upstream));
    expect(ulpDistance(x.grad!, c.grads[0])).toBe(0);
  });
});
