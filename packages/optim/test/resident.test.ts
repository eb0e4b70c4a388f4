/**
 * Optimizers keep their parameters and state resident in the WebAssembly kernels' memory
 * (`makeResident`, for tensors of 4096 elements or more), where the update kernels work in
 * place. The promise is unchanged: the same bits as the JS kernels, step after step, through a
 * state dict round trip; and a training loop's resident memory stops growing after its first step.
 */
import { describe, expect, it } from 'vitest';
import { F, getBackend, isResident, manualSeed, nn, noGrad, randn, setBackend, tensor, type Backend, type Tensor } from '@tensile/tensor';
import { ASGD, Adam, SGD, type Optimizer } from '@tensile/optim';
import { existingArena } from '../../tensor/src/kernels/wasm/arena.js';

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.toFloat32Array().buffer));

type Make = (params: Tensor[]) => Optimizer<object>;
const cases: [string, Make][] = [
  ['ASGD, averaging from the first step, weight decay', (p) => new ASGD(p, { lr: 0.01, lambd: 1e-4, t0: 0, weightDecay: 1e-3 })],
  ['ASGD, defaults (no averaging yet)', (p) => new ASGD(p, { lr: 0.01 })],
  ['SGD', (p) => new SGD(p, { lr: 0.1 })],
  ['SGD with momentum, nesterov, weight decay', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['Adam', (p) => new Adam(p, { lr: 1e-3 })],
];

/** Five steps on `backend` from the same start; the parameters and state tensors after each. */
function run(backend: Backend, make: Make): { steps: number[][][]; resident: boolean[] } {
  const initial = getBackend() as Backend;
  setBackend(backend);
  try {
    manualSeed(3);
    const params = [randn([70, 90]).requiresGrad_(), randn([5000]).requiresGrad_(), randn([10]).requiresGrad_()];
    const opt = make(params);
    const steps: number[][][] = [];
    for (let s = 0; s < 5; s++) {
      params.forEach((p, i) => (p.grad = randn(p.shape).mul(i + 1)));
      noGrad(() => opt.step());
      const state = params.flatMap((p) => Object.values(opt.state.get(p) ?? {}).filter((v): v is Tensor => v instanceof Object && 'storage' in v));
      steps.push([...params, ...state].map(bits));
    }
    const state = params.flatMap((p) => Object.values(opt.state.get(p) ?? {}).filter((v): v is Tensor => v instanceof Object && 'storage' in v));
    return { steps, resident: [...params, ...state].map(isResident) };
  } finally {
    setBackend(initial);
  }
}

describe('resident parameters and state', () => {
  it.each(cases)('%s: the same bits as the JS kernels at every step; tensors of 4096 elements or more resident', (_name, make) => {
    const wasm = run('wasm', make), js = run('js', make);
    expect(wasm.steps).toEqual(js.steps);
    // [70, 90] and [5000] are resident, [10] is not; so is their state.
    expect(wasm.resident.slice(0, 3)).toEqual([true, true, false]);
    expect(wasm.resident.length).toBeGreaterThan(2);
  });

  it('the threshold is 4096 elements: a parameter of exactly 4096 is made resident, one of 4095 is not', () => {
    const initial = getBackend() as Backend;
    setBackend('wasm');
    try {
      const at = randn([4096]).requiresGrad_(), below = randn([4095]).requiresGrad_();
      new SGD([at, below], { lr: 0.1 });
      expect([isResident(at), isResident(below)]).toEqual([true, false]);
    } finally {
      setBackend(initial);
    }
  });

  it('a state dict taken from resident state loads into a fresh optimizer and continues with the same bits', () => {
    manualSeed(8);
    const a = randn([6000]).requiresGrad_(), b = a.detach().clone().requiresGrad_();
    const grads = Array.from({ length: 6 }, () => randn([6000]));
    const opt1 = new ASGD([a], { lr: 0.01, t0: 0 });
    for (const g of grads) {
      a.grad = g;
      noGrad(() => opt1.step());
    }
    const opt2a = new ASGD([b], { lr: 0.01, t0: 0 });
    for (const g of grads.slice(0, 3)) {
      b.grad = g;
      noGrad(() => opt2a.step());
    }
    const saved = opt2a.stateDict();
    const opt2 = new ASGD([b], { lr: 0.01, t0: 0 });
    opt2.loadStateDict(saved);
    expect(isResident(opt2.state.get(b)!['ax'] as Tensor)).toBe(true);
    for (const g of grads.slice(3)) {
      b.grad = g;
      noGrad(() => opt2.step());
    }
    expect(bits(b)).toEqual(bits(a));
    expect(bits(opt2.state.get(b)!['ax'] as Tensor)).toEqual(bits(opt1.state.get(a)!['ax'] as Tensor));
  });

  it('a training loop (forward, backward, step, zeroGrad) stops growing the resident memory after its first step', () => {
    manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(100, 64), new nn.ReLU(), new nn.Linear(64, 10));
    const opt = new ASGD(model.parameters(), { lr: 0.01, t0: 0 });
    const x = randn([32, 100]), y = tensor(Array.from({ length: 32 }, (_, i) => i % 10));
    const step = (): void => {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x) as Tensor, y).backward();
      opt.step();
    };
    step();
    const used = existingArena()!.used;
    for (let i = 0; i < 300; i++) step();
    expect(existingArena()!.used).toBe(used);
    expect(isResident(model.parameters()[0]!)).toBe(true); // the 64 x 100 weight
  });
});
