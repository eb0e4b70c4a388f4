/**
 * Optimizer updates at 10M parameters in 10 tensors (issue 25's target: at most PyTorch's
 * for-loop time, `foreach=False`), one family each, built as the `asgd-10M` family is (the same
 * sizes, parameters normal(seed 100 + i), gradients normal(seed 200 + i), the gradient fixed
 * across steps): adam-10M, adamw-10M, adamax-10M, nadam-10M, radam-10M, rmsprop-10M,
 * adagrad-10M, adadelta-10M, rprop-10M and sgd-momentum-10M. Default hyper-parameters (tensile's
 * are PyTorch's), except SGD's lr (required in PyTorch 1.13): 0.01 with momentum 0.9.
 * Unit: ns per parameter for one `step()` (lower is better). PyTorch's rows run ops_bench.py's
 * `optimizer` case.
 * check: Σ|p₁ − p₀| over the first tensor after the first step, in double. The asgd families'
 * Σp₁ is dominated by the parameters themselves (a step of lr 1e-3 moves it by ~1e-6 relative, far
 * inside run.mjs's 1e-4 tolerance); the size of the step itself is not, and a no-op update gives 0.
 */
import { tensor, noGrad, type Tensor } from '@tensile/tensor';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop, Rprop, SGD } from '@tensile/optim';
import { asgdSizes, normal } from './data.js';
import { out, time } from './harness.js';
import { opsScript, run } from './pytorch.js';
import { use } from './tensile.js';

export const OPTIMIZER_TOTAL = 10_000_000;

interface Spec {
  /** The class name in torch.optim. */
  torch: string;
  /** Keyword arguments PyTorch gets besides foreach=False (tensile's constructor the same, in camelCase). */
  kwargs: Record<string, number>;
  make: (params: Tensor[]) => { step(): void };
}

const SGD_OPTIONS = { lr: 0.01, momentum: 0.9 };

export const OPTIMIZERS: Record<string, Spec> = {
  adam: { torch: 'Adam', kwargs: {}, make: (p) => new Adam(p) },
  adamw: { torch: 'AdamW', kwargs: {}, make: (p) => new AdamW(p) },
  adamax: { torch: 'Adamax', kwargs: {}, make: (p) => new Adamax(p) },
  nadam: { torch: 'NAdam', kwargs: {}, make: (p) => new NAdam(p) },
  radam: { torch: 'RAdam', kwargs: {}, make: (p) => new RAdam(p) },
  rmsprop: { torch: 'RMSprop', kwargs: {}, make: (p) => new RMSprop(p) },
  adagrad: { torch: 'Adagrad', kwargs: {}, make: (p) => new Adagrad(p) },
  adadelta: { torch: 'Adadelta', kwargs: {}, make: (p) => new Adadelta(p) },
  rprop: { torch: 'Rprop', kwargs: {}, make: (p) => new Rprop(p) },
  'sgd-momentum': { torch: 'SGD', kwargs: SGD_OPTIONS, make: (p) => new SGD(p, SGD_OPTIONS) },
};

/** The asgd families' inputs: parameters p<i> and gradients g<i>. */
function optimizerData(total: number): { sizes: number[]; arrays: Record<string, Float32Array> } {
  const sizes = asgdSizes(total), arrays: Record<string, Float32Array> = {};
  sizes.forEach((n, i) => {
    arrays[`p${i}`] = normal(n, 100 + i);
    arrays[`g${i}`] = normal(n, 200 + i);
  });
  return { sizes, arrays };
}

/** Σ|a − b| in double. */
function stepSize(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s;
}

async function tensileCase(name: string, total: number): Promise<void> {
  use('wasm');
  const { sizes, arrays } = optimizerData(total);
  const params = sizes.map((_, i) => tensor(arrays[`p${i}`]!, { requiresGrad: true }));
  params.forEach((p, i) => (p.grad = tensor(arrays[`g${i}`]!)));
  const opt = OPTIMIZERS[name]!.make(params);
  const before = params[0]!.toFloat32Array().slice();
  noGrad(() => opt.step());
  const check = stepSize(params[0]!.toFloat32Array(), before);
  const ms = await time(() => noGrad(() => opt.step()), 2500);
  out((ms * 1e6) / total, 'ns/param', check);
}

async function pytorchCase(name: string, total: number, threads: number): Promise<void> {
  const { sizes, arrays } = optimizerData(total);
  const spec = OPTIMIZERS[name]!;
  run('optimizer', threads, arrays, { __sizes__: sizes, __optimizer__: spec.torch, __kwargs__: spec.kwargs }, opsScript);
}

/** The families `<optimizer>-10M`. */
export function register(add: (family: string, library: string, fn: () => Promise<void>) => void): void {
  for (const name of Object.keys(OPTIMIZERS)) {
    const f = `${name}-10M`;
    add(f, 'tensile-wasm', () => tensileCase(name, OPTIMIZER_TOTAL));
    add(f, 'pytorch-1-thread', () => pytorchCase(name, OPTIMIZER_TOTAL, 1));
  }
}
