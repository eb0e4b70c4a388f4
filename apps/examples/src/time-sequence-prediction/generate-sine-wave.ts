/**
 * pytorch/examples `time_sequence_prediction/generate_sine_wave.py`, ported line for line:
 * 100 sine waves of 1,000 steps, each shifted by a random integer in [-80, 80) from numpy's
 * seed 2 (reproduced bit for bit by numpy-random.ts), as float64. main.py saves them to
 * traindata.pt and train.py loads them; here `train` calls this directly.
 */
import { float64, tensor, type Tensor } from '@tensile/tensor';
import { NumpyRandomState } from './numpy-random.js';

export const T = 20;
export const L = 1000;
export const N = 100;

export function generateSineWave(): Tensor {
  const random = new NumpyRandomState(2); // np.random.seed(2)
  const shift = random.randint(-4 * T, 4 * T, N);
  const data = new Float64Array(N * L);
  for (let n = 0; n < N; n++) {
    // x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
    for (let l = 0; l < L; l++) data[n * L + l] = Math.sin((l + shift[n]!) / 1.0 / T);
  }
  return tensor(data, { shape: [N, L], dtype: float64 });
}
