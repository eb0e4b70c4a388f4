/**
 * The functional updates' own contract, beyond the arithmetic the fixtures pin (issue 27, round
 * three: each block kills mutants a Stryker run of `functional/*.ts` left alive):
 * - every `functional.xxx` refuses lists of different lengths and a gradient of another dtype,
 *   naming itself (the name is the only hint of which update the caller got wrong);
 * - with grad mode on and no `differentiable` flag the update still records a graph (PyTorch's
 *   functional API records whenever grad mode is on);
 * - float64 and float32 parameters in one call: each takes its own dtype's update, the same as alone;
 * - the capturable path keeps `step` (and NAdam's `mu_product`) as 0-d tensors, the plain path as
 *   numbers, converting after a load;
 * - the references hand `max_exp_avg_sq` back untouched when amsgrad is off (their documented result).
 */
import { describe, expect, it } from 'vitest';
import { float32, float64, noGrad, ones, tensor, zeros, Tensor } from '@tensile/tensor';
import { ASGD, Adadelta, Adam, Adamax, NAdam, RAdam, RMSprop, Rprop, SGD, functional, type Optimizer } from '@tensile/optim';
import { expectBits } from './helpers.js';

type Update = (params: Tensor[], grads: Tensor[], states: never[], options: never) => void;
const UPDATES: [string, Update][] = [
  ['adam', functional.adam as Update], ['adagrad', functional.adagrad as Update], ['nadam', functional.nadam as Update],
  ['radam', functional.radam as Update], ['adamax', functional.adamax as Update], ['rmsprop', functional.rmsprop as Update],
  ['rprop', functional.rprop as Update], ['adadelta', functional.adadelta as Update], ['asgd', functional.asgd as Update],
];

/** Options every update above reads without throwing before its checks. */
const OPTIONS = {
  lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false,
  lrDecay: 0, momentumDecay: 4e-3, alpha: 0.99, momentum: 0, centered: false, etaminus: 0.5, etaplus: 1.2, stepSizeMin: 1e-6,
  stepSizeMax: 50, rho: 0.9, lambd: 1e-4, t0: 1e6,
} as never;

describe('functional updates refuse mismatched lists, naming the update', () => {
  const p = (): Tensor => tensor([1, 2]);
  it.each(UPDATES)('%s: more params than grads', (name, update) => {
    expect(() => noGrad(() => update([p(), p()], [p()], [{}, {}] as never[], OPTIONS))).toThrow(
      new RangeError(`${name}: expected as many grads and states as params, got 2 params, 1 grads, 2 states`));
  });
  it.each(UPDATES)('%s: fewer states than params', (name, update) => {
    expect(() => noGrad(() => update([p()], [p()], [] as never[], OPTIONS))).toThrow(
      new RangeError(`${name}: expected as many grads and states as params, got 1 params, 1 grads, 0 states`));
  });
  it.each(UPDATES)('%s: a float64 parameter with a float32 gradient', (name, update) => {
    const q = tensor([1, 2], { dtype: float64 });
    expect(() => noGrad(() => update([q], [tensor([0.5, 0.5])], [{}] as never[], OPTIONS))).toThrow(
      new TypeError(`${name}: params[0] is float64 but its grad is float32`));
  });
});

describe('functional.sgd refuses mismatched lists', () => {
  const p = (): Tensor => tensor([1, 2]);
  const h = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
  it.each([
    ['more params than grads', [p(), p()], [p()], [null, null], 'sgd: expected as many grads and momentum buffers as params, got 2, 1, 2'],
    ['fewer momentum buffers than params', [p()], [p()], [], 'sgd: expected as many grads and momentum buffers as params, got 1, 1, 0'],
  ] as const)('%s', (_name, params, grads, bufs, message) => {
    expect(() => noGrad(() => functional.sgd([...params], [...grads], [...bufs], h))).toThrow(new RangeError(message));
  });
  it('a float64 parameter with a float32 gradient', () => {
    expect(() => noGrad(() => functional.sgd([tensor([1, 2], { dtype: float64 })], [tensor([0.5, 0.5])], [null], h))).toThrow(
      new TypeError('sgd: params[0] is float64 but its grad is float32'));
  });
});

describe("functional.sgd with momentum 0 keeps no momentum buffer, as PyTorch's sgd leaves momentum_buffer_list[i] None", () => {
  // PyTorch 1.13 `_single_tensor_sgd`/`_multi_tensor_sgd`: the buffer is created and stored only under `if momentum != 0`.
  const h = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false, maximize: false };
  it.each([
    ['for-loop', false, { ...h, foreach: false }],
    ['one pass', false, { ...h, foreach: true }],
    ['tensor ops (grad mode on)', true, h],
    ['tensor ops (a float64 parameter)', false, h],
  ] as const)('%s', (name, gradMode, options) => {
    const dtype = name.includes('float64') ? float64 : float32;
    const p = tensor([1, -2], { dtype });
    const bufs: (Tensor | null)[] = [null];
    const run = (): void => functional.sgd([p], [tensor([0.5, 0.25], { dtype })], bufs, options);
    if (gradMode) run(); else noGrad(run);
    expect(bufs).toEqual([null]);
  });
});

describe('functional updates record a graph whenever grad mode is on', () => {
  it('adam without the differentiable flag, grad mode on: the update is differentiable in the parameter and the gradient', () => {
    const w = tensor([1, -2, 3], { requiresGrad: true });
    const p = w.mul(2); // a non-leaf parameter
    const g = tensor([0.5, -0.5, 0.25], { requiresGrad: true });
    // a second moment of 1 already: the step is no longer ±lr whatever g, so it depends on g (and, with weight decay, on p)
    const s = { step: 0, exp_avg: zeros([3]), exp_avg_sq: ones([3]) };
    functional.adam([p], [g], [s], { ...(OPTIONS as object), lr: 0.1, weightDecay: 0.5 } as never);
    expect(p.gradFn, 'the in-place update was recorded').not.toBeNull();
    p.sum().backward();
    expect(g.grad, 'the gradient reaches the grad tensor').not.toBeNull();
    expect(Array.from(g.grad!.toFloat32Array()).every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
    // with weight decay the step depends on p: dp_new/dw is no longer 2
    expect(Array.from(w.grad!.toFloat32Array()).some((v) => v !== 2)).toBe(true);
  });
});

describe('float64 and float32 parameters in one call: each as alone', () => {
  const makers: [string, (p: Tensor[]) => Optimizer<object>][] = [
    ['Adam', (p) => new Adam(p, { lr: 0.1 }) as never], ['NAdam', (p) => new NAdam(p, { lr: 0.1 }) as never],
    ['RAdam', (p) => new RAdam(p, { lr: 0.1 }) as never], ['RMSprop', (p) => new RMSprop(p, { lr: 0.1 }) as never],
    ['SGD with momentum', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 }) as never], ['ASGD', (p) => new ASGD(p, { lr: 0.1, t0: 1 }) as never],
  ];
  it.each(makers)('%s', (_name, make) => {
    const data = [[0.5, -1.5, 2], [3, -0.25]];
    const grads = [[[0.1, -0.2, 0.3], [1, -2]], [[-0.4, 0.5, 0.6], [0.3, 0.7]]];
    const dtypes = [float64, float32];
    const fresh = (i: number): Tensor => tensor(data[i]!, { dtype: dtypes[i]!, requiresGrad: true });
    const mixed = [fresh(0), fresh(1)], alone = [fresh(0), fresh(1)];
    const a = make(mixed), b = [make([alone[0]!]), make([alone[1]!])];
    for (const g of grads) {
      mixed.forEach((p, i) => { p.grad = tensor(g[i]!, { dtype: dtypes[i]! }); });
      alone.forEach((p, i) => { p.grad = tensor(g[i]!, { dtype: dtypes[i]! }); });
      a.step();
      b.forEach((o) => o.step());
    }
    expect(mixed[0]!.dtype).toBe(float64);
    expect(Array.from(mixed[0]!.toTypedArray() as Float64Array)).toEqual(Array.from(alone[0]!.toTypedArray() as Float64Array));
    expectBits(mixed[1]!.toFloat32Array(), Array.from(alone[1]!.toFloat32Array()), 'float32 parameter');
    expect(Array.from(mixed[1]!.toFloat32Array())).not.toEqual(data[1]); // it was updated
  });
});

describe('capturable keeps the scalar state as 0-d tensors, the plain path as numbers, whatever was loaded', () => {
  const makers: [string, (p: Tensor[], capturable: boolean) => Optimizer<object>, string[]][] = [
    ['Adam', (p, c) => new Adam(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['Adamax', (p, c) => new Adamax(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['Adadelta', (p, c) => new Adadelta(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['RAdam', (p, c) => new RAdam(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['RMSprop', (p, c) => new RMSprop(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['Rprop', (p, c) => new Rprop(p, { lr: 0.1, capturable: c }) as never, ['step']],
    ['NAdam', (p, c) => new NAdam(p, { lr: 0.1, capturable: c }) as never, ['step', 'mu_product']],
  ];
  it.each(makers)('%s', (_name, make, keys) => {
    const stepOnce = (o: Optimizer<object>, p: Tensor): Record<string, unknown> => {
      p.grad = tensor([0.5, -0.25]);
      o.step();
      return o.state.get(p) as Record<string, unknown>;
    };
    const p = tensor([1, 2], { requiresGrad: true });
    const cap = make([p], true);
    const s1 = stepOnce(cap, p);
    for (const k of keys) {
      expect(s1[k], `capturable ${k}`).toBeInstanceOf(Tensor);
      expect((s1[k] as Tensor).shape, `capturable ${k} is 0-d`).toEqual([]);
    }
    expect((s1['step'] as Tensor).item()).toBe(1);
    // A state dict keeps numbers; loaded into a capturable group they become tensors again.
    const sd = cap.stateDict();
    for (const k of keys) expect(typeof (sd.state[0] as Record<string, unknown>)[k], `state dict ${k}`).toBe('number');
    const r = tensor([1, 2], { requiresGrad: true });
    const cap2 = make([r], true);
    cap2.loadStateDict(sd);
    const s2 = stepOnce(cap2, r);
    for (const k of keys) expect(s2[k], `capturable ${k} after a load`).toBeInstanceOf(Tensor);
    expect((s2['step'] as Tensor).item()).toBe(2);
    // capturable turned off between steps: the next step turns the tensors into numbers.
    cap2.paramGroups[0]!['capturable'] = false;
    const s3 = stepOnce(cap2, r);
    for (const k of keys) expect(typeof s3[k], `plain ${k} after capturable steps`).toBe('number');
    expect(s3['step']).toBe(3);
  });

  it('functional.nadam with capturable and number state: the numbers advance as numbers', () => {
    const h = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };
    const s = { step: 0, mu_product: 1, exp_avg: zeros([2]), exp_avg_sq: zeros([2]) };
    const t = { step: tensor(0), mu_product: tensor(1), exp_avg: zeros([2]), exp_avg_sq: zeros([2]) };
    const p = tensor([1, 2]), q = tensor([1, 2]);
    noGrad(() => {
      functional.nadam([p], [tensor([0.5, -0.5])], [s], { ...h, capturable: true });
      functional.nadam([q], [tensor([0.5, -0.5])], [t], { ...h, capturable: true });
    });
    expect(typeof s.mu_product).toBe('number');
    expect(s.mu_product).toBe(functional.nadamCapturableScalars(h, 1, 1).muProduct);
    expect(t.mu_product.item()).toBe(s.mu_product);
    expectBits(p.toFloat32Array(), Array.from(q.toFloat32Array()), 'number and tensor state give the same step');
  });
});

describe('the Adam references hand max_exp_avg_sq back untouched when amsgrad is off', () => {
  const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };
  it('adamReference (its documented example)', () => {
    const { stepSize, bc2Sqrt } = functional.adamScalars(h, 1);
    expect(functional.adamReference(1, 0.5, 0, 0, 0, h, stepSize, bc2Sqrt)[3]).toBe(0);
    expect(functional.adamReference(1, 0.5, 0, 0, 0.125, h, stepSize, bc2Sqrt)[3]).toBe(0.125);
    // with amsgrad the max moves
    expect(functional.adamReference(1, 0.5, 0, 0, 0, { ...h, amsgrad: true }, stepSize, bc2Sqrt)[3]).toBe(Math.fround(0.00025));
  });
  it('adamCapturableReference', () => {
    const { div, add } = functional.adamCapturableScalars(h, 1);
    expect(functional.adamCapturableReference(1, 0.5, 0, 0, 0, h, div, add)[3]).toBe(0);
    expect(functional.adamCapturableReference(1, 0.5, 0, 0, 0, { ...h, amsgrad: true }, div, add)[3]).toBe(Math.fround(0.00025));
  });
});

describe("RAdam rectifies once rho_t exceeds 5, not at 5 (PyTorch's `rho_t > 5.0`)", () => {
  const h = (beta2: number) => ({ lr: 1e-3, beta1: 0.9, beta2, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false });
  it('radamScalars: beta2 where rho_6 is exactly 5 in double (checked in Python: 5.0, not > 5)', () => {
    const b = 0.8397685748659791;
    expect(functional.radamScalars(h(b), 6).rect).toBeNull();
    expect(functional.radamScalars(h(b), 7).rect).not.toBeNull();
  });
  it('radamCapturableScalars: a float32 beta2 where the float32 rho_6 is exactly 5', () => {
    const b = 0.8397685885429382;
    expect(functional.radamCapturableScalars(h(b), 6).rectify).toBe(false);
    expect(functional.radamCapturableScalars(h(b), 7).rectify).toBe(true);
  });
});

describe("amsgrad's running max keeps its own value on a tie, as torch.maximum(max_exp_avg_sq, exp_avg_sq) does", () => {
  // PyTorch 1.13, checked: max_exp_avg_sq = -0, exp_avg_sq = +0 after a zero gradient → max_exp_avg_sq stays -0
  // (torch.maximum returns its first argument on a tie), on the for-loop and foreach paths.
  it.each([[{}], [{ foreach: true }], [{ capturable: true }]])('%j', (extra) => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1, amsgrad: true, ...extra });
    p.grad = tensor([0, 0.5]);
    opt.step();
    const st = opt.state.get(p) as unknown as { exp_avg_sq: Tensor; max_exp_avg_sq: Tensor };
    noGrad(() => {
      st.max_exp_avg_sq.copy_(tensor([-0, 0]));
      st.exp_avg_sq.zero_();
    });
    p.grad = tensor([0, 0]);
    opt.step();
    const m = st.max_exp_avg_sq.toFloat32Array();
    expect(Object.is(m[0], -0), `max_exp_avg_sq[0] = ${Object.is(m[0], -0) ? '-0' : m[0]}`).toBe(true);
    expect(Object.is(m[1], 0)).toBe(true);
  });
});

describe('Adam: amsgrad turned on after steps without it', () => {
  it('starts the running max at zero (PyTorch raises KeyError; we start it): max_exp_avg_sq = exp_avg_sq after the step', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = tensor([0.5, -0.25]);
    opt.step();
    opt.paramGroups[0]!['amsgrad'] = true;
    p.grad = tensor([0.25, 0.5]);
    opt.step();
    const st = opt.state.get(p) as unknown as { exp_avg_sq: Tensor; max_exp_avg_sq: Tensor };
    expect(st.max_exp_avg_sq).toBeInstanceOf(Tensor);
    expectBits(st.max_exp_avg_sq.toFloat32Array(), Array.from(st.exp_avg_sq.toFloat32Array()), 'max_exp_avg_sq');
  });
});

describe("ASGD with a tensor lr takes mu = 1 / max(1, step - t0) in double, as PyTorch's non-capturable branch", () => {
  // PyTorch 2.13 `_single_tensor_asgd` without capturable: `mu.copy_(torch.as_tensor(1 / max(1, step - t0)))`, Python
  // floats (scripts/fixtures/optim_fixtures.py line 197); only the capturable branch rounds step - t0 in float32. A t0
  // that float32 does not hold (0.3) tells the two apart; the fixtures' t0 are all exact in float32.
  const t0 = 0.3;
  const want = (step: number): number => Math.fround(1 / Math.max(1, step - t0));
  const capturableMu = (step: number): number => Math.fround(1 / Math.max(Math.fround(step - Math.fround(t0)), 1));
  it('the two formulas part at some step (so the rows below can tell them apart)', () => {
    expect([1, 2, 3, 4, 5, 6].some((k) => want(k) !== capturableMu(k))).toBe(true);
  });
  it.each([
    ['one pass', { foreach: true }], ['for-loop', { foreach: false }], ['tensor ops', { differentiable: true }],
  ] as const)('%s: mu after each of 6 steps', (_name, extra) => {
    const p = tensor([1, -2, 0.5], { requiresGrad: true });
    const opt = new ASGD(['differentiable' in extra ? p.mul(1) : p], { lr: tensor(0.05), t0, ...extra });
    const q = opt.paramGroups[0]!.params[0]!;
    for (let k = 1; k <= 6; k++) {
      q.grad = tensor([0.5, -0.25, 1]);
      opt.step();
      expect((opt.state.get(q) as { mu: number }).mu, `step ${k}`).toBe(want(k));
    }
  });
});
