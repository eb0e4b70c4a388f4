/**
 * pytorch/examples `time_sequence_prediction/train.py`, ported line for line: `Sequence` (two
 * `LSTMCell`s of 51 units and a `Linear`), float64 throughout (`seq.double()`), `LBFGS` at lr 0.8
 * with a closure, its `STEP:`, `loss:` and `test loss:` lines.
 *
 * Differences: the matplotlib plots (`predict%d.pdf`) are not drawn; `--length` and `--future`
 * (not in train.py) shorten the sequences and the prediction so that a default run ends in
 * seconds — `--length 999 --future 1000 --steps 15` is train.py's run.
 */
import { cat, float64, manualSeed, nn, noGrad, zeros, type Tensor } from '@tensile/tensor';
import { LBFGS } from '@tensile/optim';
import { generateSineWave } from './generate-sine-wave.js';

export class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);

  forward(input: Tensor, future = 0): Tensor {
    const outputs: Tensor[] = [];
    let hT = zeros([input.shape[0]!, 51], { dtype: float64 });
    let cT = zeros([input.shape[0]!, 51], { dtype: float64 });
    let hT2 = zeros([input.shape[0]!, 51], { dtype: float64 });
    let cT2 = zeros([input.shape[0]!, 51], { dtype: float64 });
    let output: Tensor | null = null;

    for (const inputT of input.split(1, 1)) {
      [hT, cT] = this.lstm1.call(inputT, [hT, cT]);
      [hT2, cT2] = this.lstm2.call(hT, [hT2, cT2]);
      output = this.linear.call(hT2);
      outputs.push(output); // outputs += [output]
    }
    for (let i = 0; i < future; i++) { // if we should predict the future
      [hT, cT] = this.lstm1.call(output!, [hT, cT]);
      [hT2, cT2] = this.lstm2.call(hT, [hT2, cT2]);
      output = this.linear.call(hT2);
      outputs.push(output); // outputs += [output]
    }
    return cat(outputs, 1);
  }
}

export interface Args {
  /** steps to run (train.py's --steps). */
  steps: number;
  /** Time steps of each wave used as input (not in train.py, which uses all 999). */
  length: number;
  /** Steps predicted past the test input (train.py: 1000). */
  future: number;
}

export const PYTORCH_DEFAULTS: Args = { steps: 15, length: 999, future: 1000 };
/** train.py's, shortened so the default run takes seconds. */
export const DEFAULTS: Args = { steps: 1, length: 16, future: 16 };

export type Print = (line: string) => void;

/** Python's `print('loss:', x)`: a float64 as Python's repr writes it (shortest round-trip). */
export function pyRepr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export interface MainResult {
  seq: Sequence;
  /** Every closure's loss, per step. */
  losses: number[][];
  testLosses: number[];
  /** The last prediction `[3, length + future]`. */
  prediction: Tensor | null;
}

/** The training set of train.py: waves 3.., input all but the last step, target all but the first (cut to `length`). */
export function trainingData(data: Tensor, length: number): { input: Tensor; target: Tensor; testInput: Tensor; testTarget: Tensor } {
  const N = data.shape[0]!;
  return {
    input: data.narrow(0, 3, N - 3).narrow(1, 0, length),
    target: data.narrow(0, 3, N - 3).narrow(1, 1, length),
    testInput: data.narrow(0, 0, 3).narrow(1, 0, length),
    testTarget: data.narrow(0, 0, 3).narrow(1, 1, length),
  };
}

export function main(opt: Args, print: Print = console.log): MainResult {
  // set random seed to 0
  manualSeed(0);
  // load data and make training set
  const data = generateSineWave();
  const { input, target, testInput, testTarget } = trainingData(data, opt.length);
  // build the model
  const seq = new Sequence();
  seq.double();
  const criterion = new nn.MSELoss();
  // use LBFGS as optimizer since we can load the whole data to train
  const optimizer = new LBFGS(seq.parameters(), { lr: 0.8 });
  const result: MainResult = { seq, losses: [], testLosses: [], prediction: null };
  // begin to train
  for (let i = 0; i < opt.steps; i++) {
    print(`STEP:  ${i}`);
    const losses: number[] = [];
    const closure = (): Tensor => {
      optimizer.zeroGrad();
      const out = seq.call(input);
      const loss = criterion.call(out, target);
      print(`loss: ${pyRepr(loss.item())}`);
      losses.push(loss.item());
      loss.backward();
      return loss;
    };
    optimizer.step(closure);
    result.losses.push(losses);
    // begin to predict, no need to track gradient here
    noGrad(() => {
      const future = opt.future;
      const pred = seq.call(testInput, future);
      const loss = criterion.call(pred.narrow(1, 0, pred.shape[1]! - future), testTarget);
      print(`test loss: ${pyRepr(loss.item())}`);
      result.testLosses.push(loss.item());
      result.prediction = pred.detach();
    });
    // draw the result: train.py plots the 3 predictions to predict%d.pdf (not drawn here)
  }
  return result;
}
