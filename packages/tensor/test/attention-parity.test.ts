import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

/**
 * PyTorch parity of issue 23's attention: F.scaledDotProductAttention, nn.MultiheadAttention and
 * the Transformer layers and stacks. Every case of test/fixtures/attention.json (written by
 * scripts/fixtures/attention_fixtures.py with PyTorch 1.13) starts from the same float32
 * parameters and inputs; outputs and every gradient (parameters and inputs, for a random
 * upstream) are compared with PyTorch's float64 run of the same numbers, within a few times the
 * error of PyTorch's own float32 run (err32), as a float32 engine can promise no better.
 */
/** `data` holds numbers, bools, or for a -inf mask entry the string '-Infinity'. */
interface Packed { shape: number[]; data: (number | boolean | string)[]; bool?: boolean }
interface Case {
  name: string;
  kind: 'sdpa' | 'mha' | 'encoderLayer' | 'encoder' | 'decoderLayer' | 'decoder' | 'transformer';
  ctor: Record<string, unknown>;
  call: Record<string, unknown>;
  params: Record<string, Packed>;
  inputs: Record<string, Packed>;
  outputs: Record<string, Packed>;
  upstream: Record<string, Packed>;
  grads: Record<string, Packed>;
  err32: Record<string, number>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/attention.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };
const { F, nn } = T;

const toTensor = (p: Packed, requiresGrad = false): T.Tensor =>
  p.bool ? T.tensor(p.data as boolean[], { shape: p.shape, dtype: T.bool }) : T.tensor(p.data.map(Number), { shape: p.shape, requiresGrad });

/** Tolerance: K times PyTorch's own float32 error, plus a floor of a few float32 ulps of the largest value. */
const K = 8;
function expectClose(label: string, got: T.Tensor, want: Packed, err32: number | undefined): void {
  expect([...got.shape], `${label}: shape`).toEqual(want.shape);
  const a = got.toFloat32Array();
  const w = want.data as number[];
  const maxAbs = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const tol = K * (err32 ?? 0) + 4 * 2 ** -24 * (1 + maxAbs);
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(a[i]! - w[i]!) <= tol)) expect.fail(`${label}[${i}]: got ${a[i]}, PyTorch float64 ${w[i]} (|diff| ${Math.abs(a[i]! - w[i]!)} > tol ${tol}; PyTorch float32 err ${err32})`);
  }
}

type Built = { module: T.nn.Module | null; run: (x: Record<string, T.Tensor>) => Record<string, T.Tensor> };

function layerOptions(c: Case): Record<string, unknown> {
  const { dModel: _d, nhead: _h, numLayers: _n, norm: _norm, ...rest } = c.ctor;
  return rest;
}

function build(c: Case): Built {
  const call = c.call;
  switch (c.kind) {
    case 'sdpa':
      return {
        module: null,
        run: (x) => ({ out: F.scaledDotProductAttention(x['query']!, x['key']!, x['value']!, {
          ...(x['attnMask'] ? { attnMask: x['attnMask'] } : {}),
          ...(call['isCausal'] ? { isCausal: true } : {}),
          ...(call['scale'] !== undefined ? { scale: call['scale'] as number } : {}),
        }) }),
      };
    case 'mha': {
      const { embedDim, numHeads, ...opts } = c.ctor as unknown as { embedDim: number; numHeads: number } & T.nn.MultiheadAttentionOptions;
      const m = new nn.MultiheadAttention(embedDim, numHeads, opts);
      return {
        module: m,
        run: (x) => {
          const q = x['query']!;
          const k = call['selfAttention'] ? q : x['key']!;
          const v = call['selfAttention'] ? q : x['value']!;
          const [out, w] = m.call(q, k, v, {
            keyPaddingMask: x['keyPaddingMask'] ?? null, attnMask: x['attnMask'] ?? null,
            ...(call['needWeights'] !== undefined ? { needWeights: call['needWeights'] as boolean } : {}),
            ...(call['averageAttnWeights'] !== undefined ? { averageAttnWeights: call['averageAttnWeights'] as boolean } : {}),
            ...(call['isCausal'] !== undefined ? { isCausal: call['isCausal'] as boolean } : {}),
          });
          return w === null ? { out } : { out, weights: w };
        },
      };
    }
    case 'encoderLayer': {
      const m = new nn.TransformerEncoderLayer(c.ctor['dModel'] as number, c.ctor['nhead'] as number, layerOptions(c));
      return { module: m, run: (x) => ({ out: m.call(x['src']!, x['srcMask'] ?? null, x['srcKeyPaddingMask'] ?? null) }) };
    }
    case 'encoder': {
      const layer = new nn.TransformerEncoderLayer(c.ctor['dModel'] as number, c.ctor['nhead'] as number, layerOptions(c));
      const m = new nn.TransformerEncoder(layer, c.ctor['numLayers'] as number, c.ctor['norm'] ? new nn.LayerNorm(c.ctor['dModel'] as number) : null);
      return { module: m, run: (x) => ({ out: m.call(x['src']!, { mask: x['srcMask'] ?? null, srcKeyPaddingMask: x['srcKeyPaddingMask'] ?? null }) }) };
    }
    case 'decoderLayer': {
      const m = new nn.TransformerDecoderLayer(c.ctor['dModel'] as number, c.ctor['nhead'] as number, layerOptions(c));
      return { module: m, run: (x) => ({ out: m.call(x['tgt']!, x['memory']!, x['tgtMask'] ?? null, x['memoryMask'] ?? null, x['tgtKeyPaddingMask'] ?? null, x['memoryKeyPaddingMask'] ?? null) }) };
    }
    case 'decoder': {
      const layer = new nn.TransformerDecoderLayer(c.ctor['dModel'] as number, c.ctor['nhead'] as number, layerOptions(c));
      const m = new nn.TransformerDecoder(layer, c.ctor['numLayers'] as number, c.ctor['norm'] ? new nn.LayerNorm(c.ctor['dModel'] as number) : null);
      return {
        module: m,
        run: (x) => ({ out: m.call(x['tgt']!, x['memory']!, {
          tgtMask: x['tgtMask'] ?? null, memoryMask: x['memoryMask'] ?? null,
          tgtKeyPaddingMask: x['tgtKeyPaddingMask'] ?? null, memoryKeyPaddingMask: x['memoryKeyPaddingMask'] ?? null,
        }) }),
      };
    }
    case 'transformer': {
      const m = new nn.Transformer(c.ctor as T.nn.TransformerOptions);
      return {
        module: m,
        run: (x) => ({ out: m.call(x['src']!, x['tgt']!, {
          tgtMask: x['tgtMask']!, srcKeyPaddingMask: x['srcKeyPaddingMask']!, memoryKeyPaddingMask: x['memoryKeyPaddingMask']!,
        }) }),
      };
    }
  }
}

describe(`PyTorch ${fixture.torch} parity of attention and Transformers: outputs and every gradient`, () => {
  for (const c of fixture.cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const { module, run } = build(c);
      if (module !== null) {
        expect(Object.keys(module.stateDict()), 'state-dict keys in PyTorch order').toEqual(Object.keys(c.params));
        module.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, p]) => [k, toTensor(p)])));
      }
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, p]) => [k, toTensor(p, !p.bool && `${k}` in c.grads)]));
      const outs = run(inputs);
      expect(Object.keys(outs).sort()).toEqual(Object.keys(c.outputs).sort());
      let loss: T.Tensor | null = null;
      for (const [k, want] of Object.entries(c.outputs)) {
        expectClose(`output ${k}`, outs[k]!, want, c.err32[`output.${k}`]);
        const term = T.sum(T.mul(outs[k]!, toTensor(c.upstream[k]!)));
        loss = loss === null ? term : T.add(loss, term);
      }
      loss!.backward();
      const params = new Map(module?.namedParameters() ?? []);
      for (const [k, want] of Object.entries(c.grads)) {
        const leaf = params.get(k) ?? inputs[k];
        expect(leaf, `leaf ${k}`).toBeDefined();
        expect(leaf!.grad, `grad of ${k}`).not.toBeNull();
        expectClose(`grad of ${k}`, leaf!.grad!, want, c.err32[`grad.${k}`]);
      }
    });
  }
});
