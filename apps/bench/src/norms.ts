/**
 * Normalisation layers, forward + backward in training mode (issue 25's target: at most 1.5x
 * PyTorch's time), at the sizes the ported models use them:
 *   batchnorm1d-256x512        BatchNorm1d(512) on [256, 512] (an MLP's hidden layer, batch 256)
 *   batchnorm2d-64x64x16x16    BatchNorm2d(64) on [64, 64, 16, 16] (DCGAN's middle layers)
 *   layernorm-1024x128         LayerNorm(128) on [16·64, 128] (the character GPT: batch 16, context 64, width 128)
 *   layernorm-1024x512         LayerNorm(512) on [64·16, 512] (the encoder layer's tokens at feed-forward width)
 *   groupnorm-32x64x16x16      GroupNorm(8, 64) on [32, 64, 16, 16] (a diffusion U-Net's block)
 * One timed run: the layer's forward and `y.backward(up)` with a seeded upstream gradient, giving
 * the input's, weight's and bias's gradients (set to null before each run). Weights are seeded
 * (1 + 0.1·normal, bias 0.1·normal), not the ones/zeros default, so a kernel that ignores them
 * shows in the check. Unit: ms (lower is better). PyTorch's rows run ops_bench.py's `norm` case.
 * check: Σ|y| + Σ|∂x| of the first run (absolute sums: a normalised output sums to ~0).
 */
import { nn, tensor, type Tensor } from '@tensile/tensor';
import { absSum, normal } from './data.js';
import { out, time } from './harness.js';
import { opsScript, run } from './pytorch.js';
import { use } from './tensile.js';

export interface NormSpec {
  kind: 'BatchNorm1d' | 'BatchNorm2d' | 'LayerNorm' | 'GroupNorm';
  /** Input shape. */
  shape: number[];
  /** Channels (batch and group norm) or the normalised last dimension (layer norm). */
  features: number;
  /** GroupNorm's groups. */
  groups?: number;
}

export const NORMS: Record<string, NormSpec> = {
  'batchnorm1d-256x512': { kind: 'BatchNorm1d', shape: [256, 512], features: 512 },
  'batchnorm2d-64x64x16x16': { kind: 'BatchNorm2d', shape: [64, 64, 16, 16], features: 64 },
  'layernorm-1024x128': { kind: 'LayerNorm', shape: [1024, 128], features: 128 },
  'layernorm-1024x512': { kind: 'LayerNorm', shape: [1024, 512], features: 512 },
  'groupnorm-32x64x16x16': { kind: 'GroupNorm', shape: [32, 64, 16, 16], features: 64, groups: 8 },
};

const numel = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function normData(spec: NormSpec): Record<string, Float32Array> {
  const n = numel(spec.shape);
  const weight = normal(spec.features, 2601, 0.1);
  for (let i = 0; i < weight.length; i++) weight[i]! += 1;
  // x off-centre (mean 0.5, scale 2) so the statistics are not those of the raw draw.
  const x = normal(n, 2600, 2);
  for (let i = 0; i < n; i++) x[i]! += 0.5;
  return { x, up: normal(n, 2603), weight, bias: normal(spec.features, 2602, 0.1) };
}

function layer(spec: NormSpec): nn.Module {
  switch (spec.kind) {
    case 'BatchNorm1d': return new nn.BatchNorm1d(spec.features);
    case 'BatchNorm2d': return new nn.BatchNorm2d(spec.features);
    case 'LayerNorm': return new nn.LayerNorm(spec.features);
    case 'GroupNorm': return new nn.GroupNorm(spec.groups!, spec.features);
  }
}

async function tensileCase(name: string): Promise<void> {
  use('wasm');
  const spec = NORMS[name]!, d = normData(spec), m = layer(spec);
  m.loadStateDict({ ...m.stateDict(), weight: tensor(d['weight']!), bias: tensor(d['bias']!) });
  const params = m.parameters();
  const x = tensor(d['x']!, { shape: spec.shape, requiresGrad: true }), up = tensor(d['up']!, { shape: spec.shape });
  const y = m.call(x) as Tensor;
  y.backward(up);
  const check = absSum(y.toFloat32Array()) + absSum(x.grad!.toFloat32Array());
  const ms = await time(() => {
    x.grad = null;
    for (const p of params) p.grad = null;
    (m.call(x) as Tensor).backward(up);
  }, 2500);
  out(ms, 'ms', check);
}

async function pytorchCase(name: string, threads: number): Promise<void> {
  const spec = NORMS[name]!;
  run('norm', threads, normData(spec), { __norm__: spec }, opsScript);
}

/** One family per entry of NORMS. */
export function register(add: (family: string, library: string, fn: () => Promise<void>) => void): void {
  for (const name of Object.keys(NORMS)) {
    add(name, 'tensile-wasm', () => tensileCase(name));
    add(name, 'pytorch-1-thread', () => pytorchCase(name, 1));
  }
}
