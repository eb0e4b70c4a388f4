/**
 * Each optimizer's for-loop runs an `xxxLoop`: its readable reference (`xxxReference`, and the
 * capturable reference where there is one) unrolled over arrays without the per-element tuples
 * (issue 25; Adam's is in adam-loop.test.ts). Bit for bit against the reference, one row per
 * optimizer, on every option combination that changes the arithmetic, over several steps, from
 * non-zero state, with values that drive every branch: signs, ±0, huge (squares overflow) and
 * tiny (squares underflow), NaN and ±Infinity, moved to other elements each step.
 */
import { describe, expect, it } from 'vitest';
import { functional } from '@tensile/optim';
import { adadeltaLoop } from '../src/functional/adadelta.js';
import { adagradLoop } from '../src/functional/adagrad.js';
import { adamaxLoop } from '../src/functional/adamax.js';
import { nadamLoop } from '../src/functional/nadam.js';
import { radamLoop } from '../src/functional/radam.js';
import { rmspropLoop } from '../src/functional/rmsprop.js';
import { rpropLoop } from '../src/functional/rprop.js';

const f32 = Math.fround;
const N = 320;
const SPECIAL = [0, -0, 1, -1, 1e-30, -1e-30, 3e19, -3e19, 1e-45, -1e-45, NaN, Infinity, -Infinity, 0.5, 2.5e-8, 3.4e38];

/** Pseudo-random float32 values of magnitude `scale`, specials at `shift`, a tiny band and a huge band. */
function data(seed: number, scale: number, shift = -1, positive = false): Float32Array {
  const a = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let x = Math.sin((i + 1) * 12.9898 * seed) * scale;
    if (i >= 240 && i < 280) x *= 1e-38; // squares and products underflow
    else if (i >= 280) x *= 1e18; // squares overflow
    a[i] = f32(positive ? Math.abs(x) : x);
  }
  if (shift >= 0) SPECIAL.forEach((v, k) => { a[(k * 7 + shift) % 240] = positive ? Math.abs(v) : v; });
  return a;
}

const same = (a: Float32Array, b: Float32Array): boolean => a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

/** Every combination of the given option values. */
function grid(axes: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  return Object.entries(axes).reduce<Record<string, unknown>[]>(
    (acc, [k, vs]) => acc.flatMap((c) => vs.map((v) => ({ ...c, [k]: v }))), [{}]);
}

/** Applies a per-element reference returning `[param, ...state]` over arrays. */
function each(p: Float32Array, bufs: Float32Array[], f: (i: number) => number[]): void {
  for (let i = 0; i < p.length; i++) {
    const r = f(i);
    p[i] = r[0]!;
    bufs.forEach((b, k) => { b[i] = r[k + 1]!; });
  }
}

interface Row {
  name: string;
  defaults: Record<string, unknown>;
  combos: Record<string, unknown>[];
  steps: number;
  /** Initial state buffers. */
  state: () => Float32Array[];
  /** The step's scalars (computed once, given to both sides); `ctx` carries scalar state (NAdam's mu_product). */
  scalars: (h: any, step: number, ctx: Record<string, number>) => any;
  loop: (h: any, sc: any, p: Float32Array, g: Float32Array, bufs: Float32Array[]) => void;
  reference: (h: any, sc: any, p: Float32Array, g: Float32Array, bufs: Float32Array[]) => void;
}

const adamFamily = { lr: f32(1e-3), beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false };

const ROWS: Row[] = [
  {
    name: 'rmsprop',
    defaults: { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
    combos: [
      ...grid({ maximize: [false, true], weightDecay: [0, 0.01], momentum: [0, 0.9], centered: [false, true] }),
      { alpha: 0.3, centered: true, momentum: 0.9 }, // lerp's other branch (weight >= 0.5)
      { alpha: 0.5, centered: true }, // lerp's weight exactly 0.5: the second form
    ],
    steps: 4,
    state: () => [data(11, 2, -1, true), data(12, 1), data(13, 1)],
    scalars: () => null,
    loop: (h, _, p, g, [sq, ga, b]) => rmspropLoop(p, g, sq!, h.centered ? ga! : null, h.momentum > 0 ? b! : null, h),
    reference: (h, _, p, g, [sq, ga, b]) => each(p, [sq!, ga!, b!], (i) => functional.rmspropReference(p[i]!, g[i]!, sq![i]!, ga![i]!, b![i]!, h)),
  },
  {
    name: 'adagrad',
    defaults: { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: false },
    combos: grid({ maximize: [false, true], weightDecay: [0, 0.01], lrDecay: [0, 0.1] }),
    steps: 4,
    state: () => [data(11, 2, -1, true)],
    scalars: (h, step) => h.lr / (1 + (step - 1) * h.lrDecay),
    loop: (h, clr, p, g, [sum]) => adagradLoop(p, g, sum!, clr, h),
    reference: (h, clr, p, g, [sum]) => each(p, [sum!], (i) => functional.adagradReference(p[i]!, g[i]!, sum![i]!, clr, h)),
  },
  {
    name: 'adadelta',
    defaults: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
    combos: grid({ maximize: [false, true], weightDecay: [0, 0.01], lr: [1, 0.3] }),
    steps: 4,
    state: () => [data(11, 2, -1, true), data(12, 1, -1, true)],
    scalars: () => null,
    loop: (h, _, p, g, [sq, acc]) => adadeltaLoop(p, g, sq!, acc!, h),
    reference: (h, _, p, g, [sq, acc]) => each(p, [sq!, acc!], (i) => functional.adadeltaReference(p[i]!, g[i]!, sq![i]!, acc![i]!, h)),
  },
  {
    name: 'adamax',
    defaults: { ...adamFamily, lr: f32(2e-3) },
    combos: [
      ...grid({ maximize: [false, true], weightDecay: [0, 0.01], lrIsTensor: [false, true], capturable: [false, true] }),
      { beta1: 0.3 }, { beta1: 0.3, capturable: true },
    ],
    steps: 4,
    state: () => [data(11, 1), data(12, 1, -1, true)],
    // The clr of functional.adamax (a tensor lr divides by bc rounded to float32), or the capturable scale.
    scalars: (h, step) => {
      if (h.capturable) return functional.adamaxCapturableScale(h, step);
      const bc = 1 - Math.pow(h.beta1, step);
      return h.lrIsTensor ? f32(h.lr / f32(bc)) : h.lr / bc;
    },
    loop: (h, c, p, g, [m, u]) => adamaxLoop(p, g, m!, u!, h, !!h.capturable, c),
    reference: (h, c, p, g, [m, u]) => each(p, [m!, u!], (i) => (h.capturable
      ? functional.adamaxCapturableReference(p[i]!, g[i]!, m![i]!, u![i]!, c, h)
      : functional.adamaxReference(p[i]!, g[i]!, m![i]!, u![i]!, c, h))),
  },
  {
    name: 'nadam',
    defaults: { ...adamFamily, lr: f32(2e-3), momentumDecay: 4e-3, decoupledWeightDecay: false },
    combos: [
      ...grid({ maximize: [false, true], weightDecay: [0, 0.01], decoupledWeightDecay: [false, true], lrIsTensor: [false, true], capturable: [false, true] }),
      { beta1: 0.3 }, { beta1: 0.3, capturable: true },
    ],
    steps: 4,
    state: () => [data(11, 1), data(12, 1, -1, true)],
    // functional.nadam's scalars: mu_product a float32 running product, c1 and c2 in double (float32 with a tensor lr).
    scalars: (h, step, ctx) => {
      const mp0 = ctx.mp ?? 1;
      if (h.capturable) {
        const sc = functional.nadamCapturableScalars(h, step, mp0);
        ctx.mp = sc.muProduct;
        return sc;
      }
      const { mu, muNext, bc2 } = functional.nadamScalars(h, step);
      const mp = f32(mp0 * f32(mu));
      ctx.mp = mp;
      const mpNext = mp * muNext;
      if (h.lrIsTensor) return { bc2, c1: f32(f32(f32(-h.lr) * f32(1 - mu)) / f32(1 - mp)), c2: f32(f32(f32(-h.lr) * f32(muNext)) / f32(1 - mpNext)) };
      return { bc2, c1: (-h.lr * (1 - mu)) / (1 - mp), c2: (-h.lr * muNext) / (1 - mpNext) };
    },
    loop: (h, sc, p, g, [m, v]) => nadamLoop(p, g, m!, v!, h, sc.bc2, sc.c1, sc.c2),
    reference: (h, sc, p, g, [m, v]) => each(p, [m!, v!], (i) => (h.capturable ? functional.nadamCapturableReference : functional.nadamReference)(
      p[i]!, g[i]!, m![i]!, v![i]!, h, sc.bc2, sc.c1, sc.c2)),
  },
  {
    name: 'radam',
    defaults: { ...adamFamily, decoupledWeightDecay: false },
    combos: [
      ...grid({ maximize: [false, true], weightDecay: [0, 0.01], decoupledWeightDecay: [false, true], lrIsTensor: [false, true], capturable: [false, true] }),
      { beta1: 0.3 }, { beta1: 0.3, capturable: true },
      { beta1: 0.5 }, // lerp's weight exactly 0.5: ATen takes the second form (weight < 0.5 is false)
    ],
    steps: 8, // rho_t exceeds 5 from step 6 (beta2 0.999): both sides of the rectification
    state: () => [data(11, 1), data(12, 1, -1, true)],
    scalars: (h, step) => (h.capturable ? functional.radamCapturableScalars(h, step) : functional.radamScalars(h, step)),
    loop: (h, sc, p, g, [m, v]) => radamLoop(p, g, m!, v!, h, sc),
    reference: (h, sc, p, g, [m, v]) => each(p, [m!, v!], (i) => (h.capturable
      ? functional.radamCapturableReference(p[i]!, g[i]!, m![i]!, v![i]!, h, sc)
      : functional.radamReference(p[i]!, g[i]!, m![i]!, v![i]!, h, sc))),
  },
  {
    name: 'rprop',
    defaults: { etaminus: 0.5, etaplus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false },
    combos: [
      ...grid({ maximize: [false, true], stepSizeMin: [1e-6, 5e-3], stepSizeMax: [50, 2e-2] }),
      { etaminus: 1 }, // a zero or NaN product's factor 1 is then etaminus: the gradient is dropped
      { etaplus: 0.5 }, // etaplus equal to etaminus: a kept sign drops the gradient too
    ],
    steps: 5,
    state: () => [new Float32Array(N), data(12, 0.01, 3, true)],
    scalars: () => null,
    loop: (h, _, p, g, [prev, ss]) => rpropLoop(p, g, prev!, ss!, h),
    reference: (h, _, p, g, [prev, ss]) => each(p, [prev!, ss!], (i) => functional.rpropReference(p[i]!, g[i]!, prev![i]!, ss![i]!, h)),
  },
];

describe.each(ROWS.map((r) => [r.name, r] as const))('%sLoop equals the reference bit for bit', (_, row) => {
  it.each(row.combos.map((c) => [JSON.stringify(c), c] as const))('%s', (__, c) => {
    const h = { ...row.defaults, ...c };
    const p1 = data(1, 3, 0), b1 = row.state();
    const p2 = p1.slice(), b2 = b1.map((b) => b.slice());
    const ctx = {};
    for (let step = 1; step <= row.steps; step++) {
      const g = data(step + 1, 4 / step, step); // shrinking, specials on other elements each step
      const sc = row.scalars(h, step, ctx);
      row.loop(h, sc, p1, g, b1);
      row.reference(h, sc, p2, g, b2);
      expect(same(p1, p2), `step ${step}: param`).toBe(true);
      b1.forEach((b, k) => expect(same(b, b2[k]!), `step ${step}: state ${k}`).toBe(true));
    }
    // The values stay varied: not every element ends non-finite (the comparison would be empty).
    expect(p1.filter((x) => Number.isFinite(x) && x !== 0).length).toBeGreaterThan(N / 2);
  });
});
