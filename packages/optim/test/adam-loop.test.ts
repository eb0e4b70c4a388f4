/**
 * Adam's for-loop runs adamLoop, the readable reference (adamReference) over whole arrays: the
 * kernel set's `adam` (issue 25: in the WebAssembly module from 4096 elements on the wasm
 * backend, a JS loop otherwise). Bit for bit against the reference on every option combination,
 * on both backends and on lengths that take the module (and cross its 32768-float chunk), over
 * several steps, with values that drive every branch: signs, zeros, huge and tiny, NaN and
 * ±Infinity, a shrinking gradient (so amsgrad's maximum holds).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '@tensile/tensor';
import { adamLoop } from '../src/functional/adam.js';
import { functional } from '@tensile/optim';

const SPECIAL = [0, -0, 1, -1, 1e-30, -1e-30, 3e19, -3e19, 1e-45, NaN, Infinity, -Infinity, 0.5, 2.5e-8];
const f32 = Math.fround;

function data(n: number, seed: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i < SPECIAL.length && seed === 1 ? SPECIAL[i]! : f32(Math.sin((i + 1) * 12.9898 * seed) * scale);
  return a;
}
const same = (a: Float32Array, b: Float32Array): boolean => a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

afterEach(() => setBackend('wasm'));

describe('adamLoop equals adamReference bit for bit', () => {
  const combos: Record<string, unknown>[] = [];
  for (const maximize of [false, true]) for (const weightDecay of [0, 0.01]) for (const decoupledWeightDecay of [false, true]) for (const amsgrad of [false, true]) for (const lrIsTensor of [false, true]) {
    combos.push({ maximize, weightDecay, decoupledWeightDecay, amsgrad, lrIsTensor });
  }
  for (const beta1 of [0.9, 0.3]) combos.push({ beta1, amsgrad: true });
  const cases = combos.flatMap((c) => [['wasm', 300], ['js', 300], ['wasm', 40001]].map(([backend, n]) => [`${backend as string}, ${n as number}: ${JSON.stringify(c)}`, c, backend as 'wasm' | 'js', n as number] as const));
  it.each(cases)('%s', (_, c, backend, n) => {
    setBackend(backend);
    const h = { lr: f32(1e-3), beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false, ...c } as functional.AdamHyper;
    const p1 = data(n, 1, 3), m1 = new Float32Array(n), v1 = new Float32Array(n), x1 = new Float32Array(n);
    const p2 = p1.slice(), m2 = m1.slice(), v2 = v1.slice(), x2 = x1.slice();
    for (let step = 1; step <= 4; step++) {
      const g = data(n, step, 4 / step); // shrinking gradients: amsgrad's max holds
      const { stepSize, bc2Sqrt } = functional.adamScalars(h, step);
      adamLoop(p1, g, m1, v1, h.amsgrad ? x1 : null, h, stepSize, bc2Sqrt);
      for (let i = 0; i < n; i++) {
        const r = functional.adamReference(p2[i]!, g[i]!, m2[i]!, v2[i]!, x2[i]!, h, stepSize, bc2Sqrt);
        p2[i] = r[0]; m2[i] = r[1]; v2[i] = r[2]; if (h.amsgrad) x2[i] = r[3];
      }
      expect(same(p1, p2), `step ${step}: param`).toBe(true);
      expect(same(m1, m2), `step ${step}: exp_avg`).toBe(true);
      expect(same(v1, v2), `step ${step}: exp_avg_sq`).toBe(true);
      expect(same(x1, x2), `step ${step}: max_exp_avg_sq`).toBe(true);
    }
  });
});
