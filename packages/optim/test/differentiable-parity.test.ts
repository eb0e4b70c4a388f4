/**
 * Every optimizer's `differentiable: true` path (tensor ops, recorded by autograd) against its
 * plain path (the element loop, bit-identical to PyTorch), table-driven: for each optimizer,
 * every option that changes its arithmetic, twelve steps on two parameters with gradients that
 * grow, shrink by up to a thousandfold, change sign element by element and are sometimes exactly
 * zero, so that every branch acts. Each row also names the branches its run must drive (amsgrad's
 * running max holding above the second moment, Rprop's two etas and both clamps, RAdam's
 * rectified and unrectified steps, ASGD's averaging, Adamax's two sides of the maximum), and the
 * test checks from the plain run's state that it did: inputs chosen to pass would not.
 *
 * Compared after every step: every parameter and every state entry (tensors element by element,
 * numbers exactly). The tolerance:
 * - SGD, ASGD, Rprop: bit for bit (their tensor ops round as the element loop does; paths.test.ts
 *   promises it for SGD and ASGD).
 * - the others: within {@link ROUNDINGS} float32 roundings of the tensor's largest magnitude.
 *   Their tensor ops take the scalars as doubles (`lerp_(g, 1 - beta1)`, `addcmul_(g, g, 1 -
 *   beta2)`), where ATen and the element loop round them to float32 first: measured, the paths
 *   part by at most 5 such roundings over these runs (Adadelta with a tensor lr; every other
 *   row within 2); a wrong formula (a dropped max, a swapped coefficient) parts them by thousands.
 */
import { describe, expect, it } from 'vitest';
import { functional, type Optimizer } from '@tensile/optim';
import { manualSeed, randn, tensor, Tensor } from '@tensile/tensor';
import { OPTIMIZERS } from './registry/index.js';
import { expectBits } from './helpers.js';

const ROUNDINGS = 16;
/** Each step's gradient is randn times this: grows, shrinks to 1e-3, flips sign. */
const SCALE = [1, 3, 0.2, 0.01, -2, 5, -0.05, 0.5, 4, -1, 0.001, 2];
/** Elements of parameter 0 whose gradient is exactly zero at a step (sign 0: Rprop's factor 1). */
const ZEROS: Record<number, number[]> = { 2: [0], 5: [0, 3], 9: [1] };

type Snapshot = Record<string, number | Float32Array>;
/** What a row's run must have driven, read off the plain run's state after each step. */
type Witness = (now: Snapshot, before: Snapshot | undefined, grad: Float32Array, options: Record<string, unknown>) => string[];

interface Row { optimizer: string; options: Record<string, unknown>; exact?: boolean; drives?: string[] }

const any = (a: Float32Array, pred: (v: number, j: number) => boolean): boolean => a.some(pred);

const WITNESS: Record<string, Witness> = {
  Adam: (s) => (s['max_exp_avg_sq'] ? (any(s['max_exp_avg_sq'] as Float32Array, (v, j) => v > (s['exp_avg_sq'] as Float32Array)[j]!) ? ['amsgrad max held'] : []) : []),
  Rprop: (s, prev, _g, o) => {
    const [lo, hi] = (o['stepSizes'] as [number, number] | undefined) ?? [1e-6, 50];
    const ss = s['step_size'] as Float32Array, old = prev?.['step_size'] as Float32Array | undefined;
    const out: string[] = [];
    if (old && any(ss, (v, j) => v > old[j]!)) out.push('etaplus');
    if (old && any(ss, (v, j) => v < old[j]!)) out.push('etaminus');
    if (old && any(ss, (v, j) => v === old[j]!)) out.push('factor 1');
    if (any(ss, (v) => v === Math.fround(hi))) out.push('clamped at max');
    if (any(ss, (v) => v === Math.fround(lo))) out.push('clamped at min');
    return out;
  },
  RAdam: (s, _p, _g, o) => {
    const [beta1, beta2] = (o['betas'] as [number, number] | undefined) ?? [0.9, 0.999];
    const { rect } = functional.radamScalars({ lr: 0, beta1, beta2, eps: 0, weightDecay: 0, decoupledWeightDecay: false, maximize: false }, s['step'] as number);
    return [rect === null ? 'unrectified' : 'rectified'];
  },
  ASGD: (s) => (typeof s['mu'] === 'number' && s['mu'] < 1 ? ['averaging'] : []),
  Adamax: (s, prev, g, o) => {
    if (!prev) return [];
    const [, beta2] = (o['betas'] as [number, number] | undefined) ?? [0.9, 0.999];
    const eps = (o['eps'] as number | undefined) ?? 1e-8;
    const u = s['exp_inf'] as Float32Array, u0 = prev['exp_inf'] as Float32Array;
    const out: string[] = [];
    // Without weight decay the bound is |grad| + eps; the decayed side is exp_inf * beta2.
    if (any(u, (v, j) => v === Math.fround(u0[j]! * Math.fround(beta2)) && v !== Math.fround(Math.abs(g[j]!) + Math.fround(eps)))) out.push('decayed side');
    if (any(u, (v, j) => v === Math.fround(Math.abs(g[j]!) + Math.fround(eps)) && v !== Math.fround(u0[j]! * Math.fround(beta2)))) out.push('gradient side');
    return out;
  },
};

const ROWS: Row[] = [
  ...[
    { lr: 0.05 }, { lr: 0.05, maximize: true }, { lr: 0.05, weightDecay: 0.1 }, { lr: 0.05, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.5 }, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 },
    { lr: 0.05, momentum: 0.5, dampening: 0.3, weightDecay: 0.1, maximize: true },
  ].map((options) => ({ optimizer: 'SGD', options, exact: true })),
  ...[
    { lr: 0.05, t0: 0 }, { lr: 0.05, t0: 3, lambd: 0.1 }, { lr: 0.05, t0: 2, alpha: 0.5, weightDecay: 0.1, maximize: true },
    { lr: 0.02, t0: 1, alpha: 0.5, capturable: true }, { lr: 0.05, t0: 4, lrTensor: true },
  ].map((options) => ({ optimizer: 'ASGD', options, exact: true, drives: ['averaging'] })),
  ...[
    { lr: 0.02 }, { lr: 0.02, etas: [0.3, 1.5], stepSizes: [1e-3, 0.05] }, { lr: 0.02, etas: [0.3, 1.5], stepSizes: [1e-3, 0.05], maximize: true },
    { lr: 0.01, etas: [0.4, 1.3], stepSizes: [2e-3, 0.03], capturable: true, lrTensor: true, maximize: true },
  ].map((options) => ({
    optimizer: 'Rprop', options, exact: true,
    drives: options.stepSizes ? ['etaplus', 'etaminus', 'factor 1', 'clamped at max', 'clamped at min'] : ['etaplus', 'etaminus', 'factor 1'],
  })),
  ...['Adam', 'AdamW'].flatMap((optimizer) => [
    { lr: 0.01 }, { lr: 0.01, maximize: true }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true },
    { lr: 0.01, amsgrad: true }, { lr: 0.01, amsgrad: true, maximize: true, weightDecay: 0.1 },
    { lr: 0.02, amsgrad: true, betas: [0.5, 0.6], eps: 0.1, weightDecay: 0.2, decoupledWeightDecay: true },
    { lr: 0.01, capturable: true, amsgrad: true, weightDecay: 0.1 }, { lr: 0.02, capturable: true, lrTensor: true, weightDecay: 0.2, decoupledWeightDecay: true },
    { lr: 0.02, lrTensor: true, amsgrad: true, weightDecay: 0.2, decoupledWeightDecay: true },
    // beta1 near 1: the capturable scalars' float32 1 - beta1 ** step is 19 % off the double one, so
    // the differentiable path must take the capturable formulas too (issue 27, a Stryker survivor)
    { lr: 0.01, capturable: true, betas: [0.9999999, 0.999] },
  ].map(({ decoupledWeightDecay, ...o }) => ({
    optimizer,
    // AdamW always decouples (and refuses the flag); Adam takes it.
    options: optimizer === 'AdamW' || !decoupledWeightDecay ? o : { ...o, decoupledWeightDecay },
    ...(o.amsgrad ? { drives: ['amsgrad max held'] } : {}),
  }))),
  ...[
    { lr: 0.01 }, { lr: 0.01, maximize: true }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, momentum: 0.9 }, { lr: 0.01, momentum: 0.9, weightDecay: 0.1 },
    { lr: 0.01, centered: true }, { lr: 0.01, centered: true, maximize: true }, { lr: 0.02, centered: true, momentum: 0.5, alpha: 0.9, eps: 1e-3 },
    { lr: 0.02, alpha: 0.6 }, { lr: 0.01, capturable: true, centered: true, momentum: 0.5 }, { lr: 0.02, lrTensor: true, momentum: 0.9 },
  ].map((options) => ({ optimizer: 'RMSprop', options })),
  ...[
    { lr: 0.1 }, { lr: 0.1, maximize: true }, { lr: 0.1, lrDecay: 0.01 }, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.1 },
    { lr: 0.1, initialAccumulatorValue: 0.5, maximize: true, eps: 1e-5 },
  ].map((options) => ({ optimizer: 'Adagrad', options })),
  ...[
    { lr: 1 }, { lr: 1, maximize: true }, { lr: 0.5, rho: 0.95, weightDecay: 0.1 }, { lr: 1, eps: 1e-3 },
    { lr: 0.5, capturable: true, lrTensor: true, weightDecay: 0.1 }, { lr: 0.5, lrTensor: true, rho: 0.5 },
  ].map((options) => ({ optimizer: 'Adadelta', options })),
  ...[
    { lr: 0.01 }, { lr: 0.01, maximize: true }, { lr: 0.01, weightDecay: 0.1, maximize: true }, { lr: 0.02, betas: [0.5, 0.6], eps: 0.1 },
    { lr: 0.01, capturable: true }, { lr: 0.01, capturable: true, weightDecay: 0.1 }, { lr: 0.02, lrTensor: true, maximize: true }, { lr: 0.02, capturable: true, lrTensor: true },
    { lr: 0.01, capturable: true, betas: [0.9999999, 0.999] }, // beta1 near 1, as Adam's row
  ].map((options) => ({ optimizer: 'Adamax', options, ...(options.weightDecay ? {} : { drives: ['decayed side', 'gradient side'] }) })),
  ...[
    { lr: 0.01 }, { lr: 0.01, maximize: true }, { lr: 0.01, weightDecay: 0.1 }, { lr: 0.01, momentumDecay: 0.05 },
    { lr: 0.02, weightDecay: 0.2, decoupledWeightDecay: true, momentumDecay: 0.01 }, { lr: 0.01, capturable: true, weightDecay: 0.1 },
    { lr: 0.02, lrTensor: true, weightDecay: 0.2, decoupledWeightDecay: true }, { lr: 0.02, capturable: true, lrTensor: true, maximize: true },
  ].map((options) => ({ optimizer: 'NAdam', options })),
  ...[
    { lr: 0.01 }, { lr: 0.01, maximize: true }, { lr: 0.01, betas: [0.9, 0.9], weightDecay: 0.1 },
    { lr: 0.02, betas: [0.8, 0.8], weightDecay: 0.2, decoupledWeightDecay: true }, { lr: 0.01, capturable: true, betas: [0.8, 0.8], weightDecay: 0.1 },
    { lr: 0.02, capturable: true, lrTensor: true, betas: [0.8, 0.8], weightDecay: 0.2, decoupledWeightDecay: true },
    { lr: 0.01, capturable: true, betas: [0.9999999, 0.8] }, // beta1 near 1, as Adam's row
  ].map((options) => ({ optimizer: 'RAdam', options, drives: ['unrectified', 'rectified'] })),
];

const entry = (name: string) => OPTIMIZERS.find((e) => e.name === name)!;

/** `lrTensor: true` in a row: the lr is a 0-d tensor (a fresh one per optimizer). */
const withTensorLr = ({ lrTensor, ...o }: Record<string, unknown>): Record<string, unknown> => (lrTensor ? { ...o, lr: tensor(o['lr'] as number) } : o);

function snapshot(s: Record<string, unknown> | undefined): Snapshot {
  const out: Snapshot = {};
  for (const [k, v] of Object.entries(s ?? {})) {
    if (v instanceof Tensor) out[k] = v.numel() === 1 && v.shape.length === 0 ? v.item() : v.toFloat32Array().slice();
    else if (typeof v === 'number') out[k] = v;
  }
  return out;
}

/** |got - want| within `roundings` float32 roundings of the largest |want|, element by element (NaN only against NaN). */
function expectClose(got: Float32Array, want: Float32Array, roundings: number, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  const tol = roundings * 2 ** -23 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  want.forEach((w, j) => {
    const g = got[j]!;
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= tol)) {
      expect.fail(`${label}[${j}]: differentiable ${g}, plain ${w} (tolerance ${tol})`);
    }
  });
}

describe('differentiable: true equals the plain path, every optimizer, every option that changes the arithmetic', () => {
  it.each(ROWS.map((r) => [`${r.optimizer} ${JSON.stringify(r.options)}`, r] as const))('%s', (_name, row) => {
    const e = entry(row.optimizer);
    manualSeed(11);
    const inits = [randn([5]), randn([2, 3])];
    const grads = SCALE.map((s, k) => inits.map((t, i) => {
      const g = randn(t.shape).mul(s).toFloat32Array();
      if (i === 0) for (const j of ZEROS[k] ?? []) g[j] = 0;
      return tensor(Array.from(g), { shape: t.shape });
    }));
    // A tensor lr without capturable refuses foreach (Adam's, AdamW's PyTorch error): the for-loop only.
    const foreachs = row.options['lrTensor'] && !row.options['capturable'] ? [false] : [false, true];
    for (const foreach of foreachs) {
      const plain = inits.map((t) => t.clone().requiresGrad_());
      const leaves = inits.map((t) => t.clone().requiresGrad_());
      const diff = leaves.map((t) => t.mul(1)); // non-leaf parameters, as differentiable steps need
      const a: Optimizer<object> = e.make(plain, { ...withTensorLr(row.options), foreach });
      const b: Optimizer<object> = e.make(diff, { ...withTensorLr(row.options), differentiable: true });
      const driven = new Set<string>();
      const before: (Snapshot | undefined)[] = [undefined, undefined];
      grads.forEach((gs, k) => {
        plain.forEach((p, i) => { p.grad = gs[i]!; });
        diff.forEach((p, i) => { p.grad = gs[i]!; });
        a.step();
        b.step();
        plain.forEach((p, i) => {
          const label = `foreach ${foreach}, step ${k + 1}, param ${i}`;
          const q = diff[i]!;
          if (row.exact) expectBits(q.toFloat32Array(), Array.from(p.toFloat32Array()), label);
          else expectClose(q.toFloat32Array(), p.toFloat32Array(), ROUNDINGS, label);
          const sa = snapshot(a.state.get(p) as Record<string, unknown>), sb = snapshot(b.state.get(q) as Record<string, unknown>);
          expect(Object.keys(sb).sort(), `${label}: state keys`).toEqual(Object.keys(sa).sort());
          for (const [key, want] of Object.entries(sa)) {
            const got = sb[key]!;
            if (typeof want === 'number') expect(got, `${label}: ${key}`).toBe(want);
            else if (row.exact) expectBits(got as Float32Array, Array.from(want), `${label}: ${key}`);
            else expectClose(got as Float32Array, want, ROUNDINGS, `${label}: ${key}`);
          }
          for (const w of WITNESS[row.optimizer === 'AdamW' ? 'Adam' : row.optimizer]?.(sa, before[i], gs[i]!.toFloat32Array(), row.options) ?? []) driven.add(w);
          before[i] = sa;
        });
      });
      expect(diff[0]!.gradFn, 'the differentiable path recorded a graph').not.toBeNull();
      expect([...driven].filter((d) => row.drives?.includes(d)).sort(), 'branches the run drove').toEqual([...(row.drives ?? [])].sort());
    }
  });
});
