import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, nn, F, tensor, getBackend, setBackend, type Backend } from '@tensile/tensor';
import { ASGD, SGD, type Optimizer } from '@tensile/optim';
import { expectBits, fromPacked, loadFixture, toJson, toStateDict, type FixtureCase, type Packed } from './helpers.js';

type Kind = 'asgd' | 'sgd';
const asgd = loadFixture<{ cases: FixtureCase[] }>('asgd.json').cases;
const sgd = loadFixture<{ cases: FixtureCase[] }>('sgd.json').cases;
const capturable = loadFixture<{ cases: FixtureCase[] }>('asgd_capturable.json').cases;
const tensorLr = loadFixture<{ cases: (FixtureCase & { lrTensor: true })[] }>('asgd_tensor_lr.json').cases;

function build(kind: Kind, c: FixtureCase, params: Tensor[], foreach: boolean): Optimizer<object> {
  const input = c.groups
    ? c.groups.map((g) => ({ params: g.params.map((i) => params[i]!), ...g.options }))
    : params;
  const Ctor = kind === 'asgd' ? ASGD : SGD;
  return new Ctor(input as never, { ...c.options, foreach } as never) as unknown as Optimizer<object>;
}

function applyStep(opt: Optimizer<object>, params: Tensor[], step: FixtureCase['steps'][number]): void {
  for (const [g, lr] of Object.entries(step.lr ?? {})) (opt.paramGroups[Number(g)] as Record<string, unknown>)['lr'] = lr;
  step.grads.forEach((g, i) => (params[i]!.grad = g ? fromPacked(g) : null));
  opt.step();
}

function checkState(kind: Kind, opt: Optimizer<object>, params: Tensor[], step: FixtureCase['steps'][number], label: string): void {
  params.forEach((p, i) => {
    const want = step.state[i];
    const got = opt.state.get(p);
    if (want === null || want === undefined) {
      expect(got === undefined || Object.keys(got).length === 0, `${label}: param ${i} has no state`).toBe(true);
      return;
    }
    if (kind === 'asgd') {
      expect(Object.keys(got!), `${label}: key order`).toEqual(['step', 'eta', 'mu', 'ax']);
      for (const k of ['step', 'eta', 'mu'] as const) {
        const v = got![k];
        expectBits([v instanceof Tensor ? v.item() : (v as number)], [want[k] as number], `${label}: param ${i} ${k}`);
      }
      expectBits((got!['ax'] as Tensor).toFloat32Array(), want['ax'] as number[], `${label}: param ${i} ax`);
    } else if (want['momentum_buffer']) {
      expectBits((got!['momentum_buffer'] as Tensor).toFloat32Array(), want['momentum_buffer'] as number[], `${label}: param ${i} momentum_buffer`);
    }
  });
}

// ASGD's element update is a kernel of each backend (JS and WebAssembly SIMD): both must give PyTorch's bits.
const initialBackend = getBackend() as Backend;
for (const [kind, cases, backend] of [['asgd', asgd, 'js'], ['asgd', asgd, 'wasm'], ['sgd', sgd, 'wasm']] as const) {
  describe(`${kind.toUpperCase()} matches PyTorch bit for bit (${backend} kernels)`, () => {
    beforeAll(() => setBackend(backend));
    afterAll(() => setBackend(initialBackend));
    for (const c of cases) {
      for (const foreach of [false, true]) {
        it(`${c.name} (foreach: ${foreach})`, () => {
          const params = c.params.map((p) => fromPacked(p, true));
          const opt = build(kind, c, params, foreach);
          c.steps.forEach((step, k) => {
            applyStep(opt, params, step);
            params.forEach((p, i) => expectBits(p.toFloat32Array(), step.params[i]!, `step ${k + 1} param ${i}`));
            checkState(kind, opt, params, step, `step ${k + 1}`);
          });
          const sd = toJson(opt.stateDict());
          const want = c.stateDict!;
          expect(sd.param_groups.map((g) => Object.keys(g))).toEqual(want.param_groups.map((g) => Object.keys(g)));
          expect(sd.param_groups.map((g) => ({ ...g, foreach: null }))).toEqual(want.param_groups.map((g) => ({ ...g, foreach: null })));
          expect(Object.keys(sd.state).sort()).toEqual(Object.keys(want.state).sort());
          for (const [k, v] of Object.entries(want.state)) {
            for (const [kk, vv] of Object.entries(v)) {
              const got = sd.state[k]![kk];
              if (typeof vv === 'number') expectBits([got as number], [vv], `stateDict state[${k}].${kk}`);
              else expectBits((got as Packed).data, vv.data, `stateDict state[${k}].${kk}`);
            }
          }
        });
      }
      if (c.midStateDict) {
        it(`${c.name}: PyTorch's state_dict at step ${c.midStep} loads and continues bit for bit`, () => {
          const mid = c.midStep!;
          const params = c.params.map((p, i) => tensor(c.steps[mid - 1]!.params[i]!, { shape: p.shape, requiresGrad: true }));
          const opt = build(kind, c, params, false);
          opt.loadStateDict(toStateDict(c.midStateDict!));
          c.steps.slice(mid).forEach((step, k) => {
            applyStep(opt, params, step);
            params.forEach((p, i) => expectBits(p.toFloat32Array(), step.params[i]!, `step ${mid + k + 1} param ${i}`));
          });
        });
      }
    }
  });
}

describe('ASGD capturable matches PyTorch 2.13 capturable formulas', () => {
  for (const c of capturable) {
    it(c.name, () => {
      const params = c.params.map((p) => fromPacked(p, true));
      const opt = new ASGD(params, c.options as never);
      c.steps.forEach((step, k) => {
        applyStep(opt as unknown as Optimizer<object>, params, step);
        params.forEach((p, i) => expectBits(p.toFloat32Array(), step.params[i]!, `step ${k + 1} param ${i}`));
        checkState('asgd', opt as unknown as Optimizer<object>, params, step, `step ${k + 1}`);
      });
    });
  }
});

describe('ASGD with a 0-d tensor lr matches PyTorch 2.13 (float32 tensor math for eta; asgd_tensor_lr.json)', () => {
  for (const c of tensorLr) {
    const capt = c.options['capturable'] === true;
    for (const foreach of capt ? [undefined] : [false, true]) {
      it(`${c.name}${foreach === undefined ? '' : ` (foreach: ${foreach})`}`, () => {
        const params = c.params.map((p) => fromPacked(p, true));
        const opt = new ASGD(params, { ...c.options, lr: tensor(c.options['lr'] as number), ...(foreach === undefined ? {} : { foreach }) } as never);
        c.steps.forEach((step, k) => {
          applyStep(opt as unknown as Optimizer<object>, params, step);
          params.forEach((p, i) => expectBits(p.toFloat32Array(), step.params[i]!, `step ${k + 1} param ${i}`));
          checkState('asgd', opt as unknown as Optimizer<object>, params, step, `step ${k + 1}`);
        });
      });
    }
    if (c.midStateDict) {
      it(`${c.name}: PyTorch's state_dict at step ${c.midStep} loads and continues bit for bit`, () => {
        const mid = c.midStep!;
        const params = c.params.map((p, i) => tensor(c.steps[mid - 1]!.params[i]!, { shape: p.shape, requiresGrad: true }));
        const opt = new ASGD(params, { ...c.options, lr: tensor(c.options['lr'] as number) } as never);
        opt.loadStateDict(toStateDict(c.midStateDict!));
        // The JSON keeps a tensor lr as its float value; make it a tensor again.
        for (const g of opt.paramGroups) g.lr = tensor(g.lr as number);
        c.steps.slice(mid).forEach((step, k) => {
          applyStep(opt as unknown as Optimizer<object>, params, step);
          params.forEach((p, i) => expectBits(p.toFloat32Array(), step.params[i]!, `step ${mid + k + 1} param ${i}`));
        });
      });
    }
  }
});

interface E2E {
  options: Record<string, number>;
  x: Packed;
  y: number[];
  init: Record<string, Packed>;
  losses: number[];
  final: Record<string, Packed>;
  ax?: Record<string, Packed>;
}

describe('end to end: an MLP trained 40 steps gives PyTorch\'s losses and parameters', () => {
  const e2e = { asgd: loadFixture<E2E>('asgd_e2e.json'), sgd: loadFixture<E2E>('sgd_e2e.json') };
  for (const kind of ['asgd', 'sgd'] as const) {
    it(kind, () => {
      const f = e2e[kind];
      const model = new nn.Sequential(new nn.Linear(8, 16), new nn.Tanh(), new nn.Linear(16, 3));
      model.loadStateDict(Object.fromEntries(Object.entries(f.init).map(([k, v]) => [k, fromPacked(v)])));
      const opt = kind === 'asgd' ? new ASGD(model.parameters(), f.options) : new SGD(model.parameters(), f.options);
      const x = fromPacked(f.x);
      const y = tensor(f.y);
      f.losses.forEach((want, k) => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x) as Tensor, y);
        loss.backward();
        opt.step();
        expect(Math.abs(loss.item() - want), `loss at step ${k + 1}: ${loss.item()} vs ${want}`).toBeLessThan(2e-6 * Math.max(1, Math.abs(want)));
      });
      const named = new Map(model.namedParameters());
      for (const [name, want] of Object.entries(f.final)) {
        const got = named.get(name)!.toFloat32Array();
        want.data.forEach((w, i) => expect(Math.abs(got[i]! - w), `${name}[${i}]`).toBeLessThan(1e-5 + 1e-5 * Math.abs(w)));
        if (kind === 'asgd') {
          const ax = (opt.state.get(named.get(name)!)!['ax'] as Tensor).toFloat32Array();
          f.ax![name]!.data.forEach((w, i) => expect(Math.abs(ax[i]! - w), `ax ${name}[${i}]`).toBeLessThan(1e-5 + 1e-5 * Math.abs(w)));
        }
      }
    });
  }
});
