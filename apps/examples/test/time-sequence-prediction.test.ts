import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, float64, nn, tensor, type Tensor } from '@tensile/tensor';
import { LBFGS } from '@tensile/optim';
import { generateSineWave } from '../src/time-sequence-prediction/generate-sine-wave.js';
import { main, pyRepr, Sequence, trainingData } from '../src/time-sequence-prediction/main.js';
import { parseFlags } from '../src/time-sequence-prediction/flags.js';

/**
 * Written by scripts/fixtures/time_sequence_prediction_fixtures.py: pytorch/examples' own
 * generate_sine_wave.py and train.py (PyTorch 1.13, float64, one thread) on waves cut to
 * `length` steps: the initial weights, every closure's loss in the first LBFGS step, the
 * weights after it, and the test loss and prediction.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'time-sequence-prediction');
const parity = JSON.parse(readFileSync(join(FIXTURES, 'parity.json'), 'utf8')) as {
  length: number; future: number; weightSensitivity: number; lossSensitivity: number; data: { head: number[][]; sum: number; shape: number[]; used: number[][] }; losses: number[]; testLoss: number; prediction: number[][];
};
const safetensors = (name: string): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, name)))).tensors;
const REL = 1e-10;
/**
 * The weights after the step: 20 LBFGS iterations amplify rounding about 1e7-fold (the script
 * measures PyTorch's own step moving by `weightSensitivity`, ~1e-9, when its initial weights move
 * by one ulp), so they are held to 1e-8 relative; the losses, to 1e-10.
 */
const WEIGHTS_REL = 1e-8;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= REL * Math.max(Math.abs(b), 1e-300);

describe('time-sequence-prediction: parity with PyTorch float64', () => {
  it("generate_sine_wave.py's data, numpy's seed-2 shifts bit for bit", () => {
    const data = generateSineWave();
    expect(data.shape).toEqual(parity.data.shape);
    // the shifts are numpy's exactly; the sines may differ from glibc's in the last bit
    const head = data.narrow(1, 0, 8).narrow(0, 0, 3).tolist() as number[][];
    head.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(v - parity.data.head[r]![c]!)).toBeLessThanOrEqual(2e-16)));
    expect(Math.abs(data.sum().item() - parity.data.sum)).toBeLessThan(1e-9);
  });

  it(`the first LBFGS step: every closure's loss to ${REL} relative, then the weights and the prediction to ${WEIGHTS_REL}`, () => {
    expect(parity.lossSensitivity).toBeLessThan(REL);
    expect(parity.weightSensitivity).toBeGreaterThan(WEIGHTS_REL / 100);
    // numpy's own sines (Math.sin may differ in the last bit, which 20 LBFGS iterations would amplify)
    const { input, target, testInput, testTarget } = trainingData(tensor(parity.data.used, { dtype: float64 }), parity.length);
    const seq = new Sequence();
    seq.double();
    seq.loadStateDict(safetensors('init.safetensors'));
    const criterion = new nn.MSELoss();
    const optimizer = new LBFGS(seq.parameters(), { lr: 0.8 });
    const losses: number[] = [];
    optimizer.step(() => {
      optimizer.zeroGrad();
      const loss = criterion.call(seq.call(input), target);
      losses.push(loss.item());
      loss.backward();
      return loss;
    });
    expect(losses.length).toBe(parity.losses.length);
    losses.forEach((l, i) => {
      if (!close(l, parity.losses[i]!)) expect.fail(`closure ${i}: loss ${l}, PyTorch ${parity.losses[i]} (rel ${Math.abs(l - parity.losses[i]!) / parity.losses[i]!})`);
    });
    const want = safetensors('step1.safetensors');
    const got = seq.stateDict();
    for (const [k, w] of Object.entries(want)) {
      const a = got[k]!.toTypedArray() as Float64Array, b = w.toTypedArray() as Float64Array;
      const scale = Math.max(...[...b].map(Math.abs));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      if (!(worst <= WEIGHTS_REL * scale)) expect.fail(`${k}: max |diff| ${worst}, ${worst / scale} of its largest weight`);
    }
    const pred = seq.call(testInput, parity.future);
    const testLoss = criterion.call(pred.narrow(1, 0, parity.length), testTarget).item();
    expect(Math.abs(testLoss - parity.testLoss) / parity.testLoss, `test loss ${testLoss} vs ${parity.testLoss}`).toBeLessThan(WEIGHTS_REL);
    const p = pred.tolist() as number[][];
    p.forEach((row, r) => row.forEach((v, c) => {
      if (!(Math.abs(v - parity.prediction[r]![c]!) <= WEIGHTS_REL)) expect.fail(`prediction [${r}, ${c}]: ${v} vs ${parity.prediction[r]![c]}`);
    }));
  }, 120_000);
});

describe('time-sequence-prediction: train.py lines and flags', () => {
  it("prints train.py's STEP, loss and test loss lines (Python's float repr)", () => {
    const lines: string[] = [];
    const r = main({ steps: 1, length: 3, future: 2 }, (l) => lines.push(l));
    expect(lines[0]).toBe('STEP:  0');
    expect(lines.slice(1, -1).every((l) => /^loss: \d\.\d+(e-\d\d)?$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^test loss: /);
    expect(r.prediction!.shape).toEqual([3, 5]);
    expect(pyRepr(1)).toBe('1.0');
    expect(pyRepr(1.5e-7)).toBe('1.5e-07');
  }, 120_000);

  it('refuses a length past the data', () => {
    expect(parseFlags(['--length', '1000'])).toEqual({ error: "--length must be at most 999 (the waves have 1000 steps), got '1000'" });
  });
});
