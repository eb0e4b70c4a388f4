/**
 * The for-loops of RMSprop, Adagrad, NAdam, RAdam, Adadelta and Rprop run the kernel set's
 * `rmsprop`, `adagrad`, `adam` (NAdam and RAdam modes), `adadelta` and `rprop`, in the
 * WebAssembly module from 4096 elements (issue 25; Adam's is in adam-loop.test.ts): bit for bit
 * against their references (`rmspropReference`, ..., `radamCapturableReference`) there too, on every option that changes the
 * arithmetic, over several steps, with special values (±0, NaN, ±Infinity, huge and tiny) at a
 * length that crosses the module's 32768-float chunk and leaves a tail of three. (loops.test.ts
 * checks the JS rows.)
 */
import { describe, expect, it } from 'vitest';
import { functional } from '@tensile/optim';
import { adadeltaLoop } from '../src/functional/adadelta.js';
import { adagradLoop } from '../src/functional/adagrad.js';
import { nadamLoop } from '../src/functional/nadam.js';
import { radamLoop } from '../src/functional/radam.js';
import { rmspropLoop } from '../src/functional/rmsprop.js';
import { rpropLoop } from '../src/functional/rprop.js';

const f32 = Math.fround;
const N = 40003;
const SPECIAL = [0, -0, 1, -1, 1e-30, 3e19, -3e19, 1e-45, NaN, Infinity, -Infinity, 3.4e38];
const data = (seed: number, scale: number, positive = false): Float32Array => Float32Array.from({ length: N }, (_, i) => {
  const v = i % 97 === 5 ? SPECIAL[(i + seed) % SPECIAL.length]! : f32(Math.sin((i + 1) * 12.9898 * seed) * scale);
  return positive ? Math.abs(v) : v;
});
const firstDifference = (a: Float32Array, b: Float32Array): number => a.findIndex((v, i) => !(Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!))));

describe('rmspropLoop on the module equals rmspropReference bit for bit', () => {
  const combos: Record<string, unknown>[] = [];
  for (const maximize of [false, true]) for (const weightDecay of [0, 0.01]) for (const centered of [false, true]) for (const momentum of [0, 0.9]) combos.push({ maximize, weightDecay, centered, momentum });
  combos.push({ alpha: 0.3, centered: true }); // 1 − alpha ≥ 0.5: the other lerp form
  it.each(combos.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    const h = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...c } as functional.RMSpropHyper;
    const p1 = data(1, 3), sq1 = data(2, 1, true), ga1 = data(3, 0.5), b1 = data(4, 0.1);
    const p2 = p1.slice(), sq2 = sq1.slice(), ga2 = ga1.slice(), b2 = b1.slice();
    for (let step = 1; step <= 3; step++) {
      const g = data(10 + step, 4 / step);
      rmspropLoop(p1, g, sq1, h.centered ? ga1 : null, h.momentum > 0 ? b1 : null, h);
      for (let i = 0; i < N; i++) {
        const r = functional.rmspropReference(p2[i]!, g[i]!, sq2[i]!, ga2[i]!, b2[i]!, h);
        p2[i] = r[0]; sq2[i] = r[1]; ga2[i] = r[2]; b2[i] = r[3];
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(sq1, sq2), `step ${step}: square_avg`).toBe(-1);
      if (h.centered) expect(firstDifference(ga1, ga2), `step ${step}: grad_avg`).toBe(-1);
      if (h.momentum > 0) expect(firstDifference(b1, b2), `step ${step}: momentum_buffer`).toBe(-1);
    }
  });
});

describe('adagradLoop on the module equals adagradReference bit for bit', () => {
  const combos: Record<string, unknown>[] = [];
  for (const maximize of [false, true]) for (const weightDecay of [0, 0.01, 1e-50]) combos.push({ maximize, weightDecay });
  it.each(combos.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    const h = { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: false, ...c } as functional.AdagradHyper;
    const p1 = data(1, 3), s1 = data(2, 1, true);
    const p2 = p1.slice(), s2 = s1.slice();
    for (let step = 1; step <= 3; step++) {
      const g = data(10 + step, 4 / step), clr = 0.01 / (1 + (step - 1) * 0.1);
      adagradLoop(p1, g, s1, clr, h);
      for (let i = 0; i < N; i++) {
        const r = functional.adagradReference(p2[i]!, g[i]!, s2[i]!, clr, h);
        p2[i] = r[0]; s2[i] = r[1];
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(s1, s2), `step ${step}: sum`).toBe(-1);
    }
  });
});

describe('nadamLoop on the module equals nadamReference bit for bit', () => {
  const combos: Record<string, unknown>[] = [];
  for (const maximize of [false, true]) for (const weightDecay of [0, 0.01]) for (const decoupledWeightDecay of [false, true]) combos.push({ maximize, weightDecay, decoupledWeightDecay });
  combos.push({ beta1: 0.3 }); // 1 − beta1 ≥ 0.5: the other lerp form
  it.each(combos.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    const h = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false, ...c } as functional.NAdamHyper;
    const p1 = data(1, 3), m1 = data(2, 0.5), v1 = data(3, 1, true);
    const p2 = p1.slice(), m2 = m1.slice(), v2 = v1.slice();
    for (let step = 1; step <= 3; step++) {
      const g = data(10 + step, 4 / step), bc2 = 1 - 0.999 ** step, c1 = -0.002 * (0.1 / step), c2 = -0.002 * (0.9 / (step + 1));
      nadamLoop(p1, g, m1, v1, h, bc2, c1, c2);
      for (let i = 0; i < N; i++) {
        const r = functional.nadamReference(p2[i]!, g[i]!, m2[i]!, v2[i]!, h, bc2, c1, c2);
        p2[i] = r[0]; m2[i] = r[1]; v2[i] = r[2];
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(m1, m2), `step ${step}: exp_avg`).toBe(-1);
      expect(firstDifference(v1, v2), `step ${step}: exp_avg_sq`).toBe(-1);
    }
  });
});

describe('radamLoop on the module equals radamReference and radamCapturableReference bit for bit', () => {
  const combos: Record<string, unknown>[] = [];
  for (const maximize of [false, true]) for (const weightDecay of [0, 0.01]) for (const decoupledWeightDecay of [false, true]) for (const capturable of [false, true]) combos.push({ maximize, weightDecay, decoupledWeightDecay, capturable });
  combos.push({ beta1: 0.3 }, { beta1: 0.3, capturable: true });
  it.each(combos.map((c) => [JSON.stringify(c), c] as const))('%s', (_, c) => {
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false, capturable: false, ...c } as functional.RAdamHyper & { capturable: boolean };
    const p1 = data(1, 3), m1 = data(2, 0.5), v1 = data(3, 1, true);
    const p2 = p1.slice(), m2 = m1.slice(), v2 = v1.slice();
    for (const step of [1, 5, 6, 9]) { // rho_t ≤ 5 (unrectified) at the first steps, rectified later
      const g = data(10 + step, 4 / step);
      if (h.capturable) {
        const sc = functional.radamCapturableScalars(h, step);
        radamLoop(p1, g, m1, v1, h, sc);
        for (let i = 0; i < N; i++) {
          const r = functional.radamCapturableReference(p2[i]!, g[i]!, m2[i]!, v2[i]!, h, sc);
          p2[i] = r[0]; m2[i] = r[1]; v2[i] = r[2];
        }
      } else {
        const sc = functional.radamScalars(h, step);
        radamLoop(p1, g, m1, v1, h, sc);
        for (let i = 0; i < N; i++) {
          const r = functional.radamReference(p2[i]!, g[i]!, m2[i]!, v2[i]!, h, sc);
          p2[i] = r[0]; m2[i] = r[1]; v2[i] = r[2];
        }
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(m1, m2), `step ${step}: exp_avg`).toBe(-1);
      expect(firstDifference(v1, v2), `step ${step}: exp_avg_sq`).toBe(-1);
    }
  });
});

describe('adadeltaLoop and rpropLoop on the module equal their references bit for bit', () => {
  it.each([[false, 0], [true, 0], [false, 0.01], [true, 0.01]] as const)('Adadelta, maximize %s, weight decay %s', (maximize, weightDecay) => {
    const h = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay, maximize } as functional.AdadeltaHyper;
    const p1 = data(1, 3), sq1 = data(2, 1, true), a1 = data(3, 0.1, true);
    const p2 = p1.slice(), sq2 = sq1.slice(), a2 = a1.slice();
    for (let step = 1; step <= 3; step++) {
      const g = data(10 + step, 4 / step);
      adadeltaLoop(p1, g, sq1, a1, h);
      for (let i = 0; i < N; i++) {
        const r = functional.adadeltaReference(p2[i]!, g[i]!, sq2[i]!, a2[i]!, h);
        p2[i] = r[0]; sq2[i] = r[1]; a2[i] = r[2];
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(sq1, sq2), `step ${step}: square_avg`).toBe(-1);
      expect(firstDifference(a1, a2), `step ${step}: acc_delta`).toBe(-1);
    }
  });
  it.each([[false, 1.2, 0.5], [true, 1.2, 0.5], [false, 1, 1]] as const)('Rprop, maximize %s, etaplus %s, etaminus %s', (maximize, etaplus, etaminus) => {
    const h = { etaminus, etaplus, stepSizeMin: 1e-6, stepSizeMax: 50, maximize } as functional.RpropHyper;
    const p1 = data(1, 3), prev1 = data(2, 1), s1 = data(3, 0.01, true);
    const p2 = p1.slice(), prev2 = prev1.slice(), s2 = s1.slice();
    for (let step = 1; step <= 4; step++) {
      const g = data(10 + (step % 2), 4 / step); // the same signs every other step: both etas act
      rpropLoop(p1, g, prev1, s1, h);
      for (let i = 0; i < N; i++) {
        const r = functional.rpropReference(p2[i]!, g[i]!, prev2[i]!, s2[i]!, h);
        p2[i] = r[0]; prev2[i] = r[1]; s2[i] = r[2];
      }
      expect(firstDifference(p1, p2), `step ${step}: param`).toBe(-1);
      expect(firstDifference(prev1, prev2), `step ${step}: prev`).toBe(-1);
      expect(firstDifference(s1, s2), `step ${step}: step_size`).toBe(-1);
    }
  });
});
