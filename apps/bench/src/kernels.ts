/**
 * Element-wise kernels (issue 25's target: at least half PyTorch's per-element throughput):
 * `exp`, `log`, `tanh`, `sigmoid`, `erf`, GELU exact and tanh-approximate, `softplus` and
 * `silu` on one float32 tensor of 1M (1,000,000) elements, in two families per op:
 *   <op>-1M          the forward alone (no graph: the input does not require grad)
 *   <op>-1M-fwd-bwd  forward and backward, `op(x).backward(up)` with a seeded upstream gradient
 * Unit: ns per element (lower is better). Inputs: normal(0, 2²) (|x| + 0.01 for log, so its
 * derivative 1/x stays finite), the same numbers for every library. PyTorch's rows run
 * ops_bench.py's `elementwise` case on one thread.
 * check: Σ|y| of the forward, Σ|∂x| of forward+backward (absolute sums: tanh, erf and the upstream
 * gradient are symmetric, so plain sums would cancel to rounding noise).
 */
import { erf, exp, F, log, sigmoid, tanh, tensor, type Tensor } from '@tensile/tensor';
import { absSum, normal } from './data.js';
import { out, time } from './harness.js';
import { opsScript, run } from './pytorch.js';
import { use } from './tensile.js';

export const ELEMENTWISE_N = 1_000_000;

/** The ops, by the name their families carry, in the order BENCHMARKS.md lists them. */
export const ELEMENTWISE_OPS = ['exp', 'log', 'tanh', 'sigmoid', 'erf', 'gelu', 'gelu-tanh', 'softplus', 'silu'] as const;
export type ElementwiseOp = (typeof ELEMENTWISE_OPS)[number];

const OPS: Record<ElementwiseOp, (x: Tensor) => Tensor> = {
  exp, log, tanh, sigmoid, erf,
  gelu: (x) => F.gelu(x),
  'gelu-tanh': (x) => F.gelu(x, { approximate: 'tanh' }),
  softplus: (x) => F.softplus(x),
  silu: (x) => F.silu(x),
};

/** The same inputs for every library: x (positive for log) and the upstream gradient. */
function elementwiseData(op: ElementwiseOp): { x: Float32Array; up: Float32Array } {
  const x = normal(ELEMENTWISE_N, 2500, 2);
  if (op === 'log') for (let i = 0; i < x.length; i++) x[i] = Math.abs(x[i]!) + 0.01;
  return { x, up: normal(ELEMENTWISE_N, 2501) };
}

async function tensileCase(backend: 'wasm' | 'js', op: ElementwiseOp, backward: boolean): Promise<void> {
  use(backend);
  const d = elementwiseData(op), f = OPS[op];
  const x = tensor(d.x, { requiresGrad: backward }), up = tensor(d.up);
  let check: number;
  if (backward) {
    f(x).backward(up);
    check = absSum(x.grad!.toFloat32Array());
  } else check = absSum(f(x).toFloat32Array());
  const ms = await time(backward ? () => {
    x.grad = null;
    f(x).backward(up);
  } : () => void f(x));
  out((ms * 1e6) / ELEMENTWISE_N, 'ns/element', check);
}

async function pytorchCase(op: ElementwiseOp, backward: boolean, threads: number): Promise<void> {
  const d = elementwiseData(op);
  run('elementwise', threads, d, { __op__: op, __backward__: backward }, opsScript);
}

/** The families `<op>-1M` and `<op>-1M-fwd-bwd` for every op. */
export function register(add: (family: string, library: string, fn: () => Promise<void>) => void): void {
  for (const op of ELEMENTWISE_OPS) {
    for (const backward of [false, true]) {
      const f = `${op}-1M${backward ? '-fwd-bwd' : ''}`;
      add(f, 'tensile-wasm', () => tensileCase('wasm', op, backward));
      add(f, 'tensile-js', () => tensileCase('js', op, backward));
      add(f, 'pytorch-1-thread', () => pytorchCase(op, backward, 1));
    }
  }
}
