/** TensorFlow.js (tfjs-core 4.22 with the cpu or the wasm backend), composed from its ops. */
import * as tf from '@tensorflow/tfjs-core';
// The gradients of tfjs's ops are registered by the union package (tfjs-core alone has none).
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ASGD_ETA, ASGD_LAMBD, ASGD_MU, B, asgdSizes, checksum, cnnData, LR, mlpData, normal } from './data.js';
import { gflops, out, time } from './harness.js';

export type TfBackend = 'cpu' | 'wasm';

async function use(backend: TfBackend): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to start`);
  await tf.ready();
}

export async function matmul(backend: TfBackend, n: number): Promise<void> {
  await use(backend);
  const a = tf.tensor2d(normal(n * n, 21), [n, n]), b = tf.tensor2d(normal(n * n, 22), [n, n]);
  const check = checksum(tf.tidy(() => tf.matMul(a, b)).dataSync());
  // dataSync makes the timing include the computation on every backend (and the read-back of C,
  // which tensile's timing includes too: its result is a Float32Array).
  const ms = await time(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }, n >= 1024 ? 3000 : 1500);
  out(gflops(n, ms), 'GFLOP/s', check);
}

/** The ASGD-style update with averaging, composed from tfjs ops on variables. */
export async function asgd(backend: TfBackend, total: number): Promise<void> {
  await use(backend);
  const sizes = asgdSizes(total);
  const p: tf.Variable<tf.Rank.R1>[] = sizes.map((n, i) => tf.variable(tf.tensor1d(normal(n, 100 + i))));
  const g = sizes.map((n, i) => tf.tensor1d(normal(n, 200 + i)));
  const ax: tf.Variable<tf.Rank.R1>[] = sizes.map((n) => tf.variable(tf.zeros([n])));
  const decay = 1 - ASGD_LAMBD * ASGD_ETA;
  const update = (): void => tf.tidy(() => {
    for (let t = 0; t < p.length; t++) {
      const next: tf.Tensor1D = tf.sub(tf.mul(p[t]!, decay), tf.mul(g[t]!, ASGD_ETA));
      p[t]!.assign(next);
      ax[t]!.assign(tf.add(ax[t]!, tf.mul(tf.sub(next, ax[t]!), ASGD_MU)));
    }
  });
  update();
  const check = checksum(p[0]!.dataSync());
  const ms = await time(update, 2500);
  out((ms * 1e6) / total, 'ns/param', check);
}

function update(vars: tf.Variable[], grads: Record<string, tf.Tensor>, optimizer: 'sgd' | 'asgd', ax: tf.Variable[]): void {
  tf.tidy(() => vars.forEach((v, i) => {
    const gr = grads[v.name]!;
    if (optimizer === 'sgd') v.assign(tf.sub(v, tf.mul(gr, LR)));
    else {
      const next = tf.sub(tf.mul(v, 1 - ASGD_LAMBD * ASGD_ETA), tf.mul(gr, ASGD_ETA));
      v.assign(next);
      ax[i]!.assign(tf.add(ax[i]!, tf.mul(tf.sub(next, ax[i]!), ASGD_MU)));
    }
  }));
}

export async function step(backend: TfBackend, net: 'mlp' | 'cnn', optimizer: 'sgd' | 'asgd'): Promise<void> {
  await use(backend);
  let vars: tf.Variable[], loss: () => tf.Scalar;
  if (net === 'mlp') {
    const d = mlpData();
    const x = tf.tensor2d(d.x, [B, 784]), y = tf.oneHot(tf.tensor1d(d.y, 'int32'), 10);
    const W1 = tf.variable(tf.tensor2d(d.W1, [256, 784])), b1 = tf.variable(tf.tensor1d(d.b1));
    const W2 = tf.variable(tf.tensor2d(d.W2, [10, 256])), b2 = tf.variable(tf.tensor1d(d.b2));
    vars = [W1, b1, W2, b2];
    loss = () => {
      const h = tf.relu(tf.add(tf.matMul(x, W1, false, true), b1));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, W2, false, true), b2)) as tf.Scalar;
    };
  } else {
    // tfjs convolves NHWC with HWIO filters: the same numbers, transposed from PyTorch's layouts.
    const d = cnnData();
    const x = tf.transpose(tf.tensor4d(d.x, [B, 1, 28, 28]), [0, 2, 3, 1]);
    const y = tf.oneHot(tf.tensor1d(d.y, 'int32'), 10);
    const c1 = tf.variable(tf.transpose(tf.tensor4d(d.c1, [6, 1, 5, 5]), [2, 3, 1, 0]) as tf.Tensor4D), c1b = tf.variable(tf.tensor1d(d.c1b));
    const c2 = tf.variable(tf.transpose(tf.tensor4d(d.c2, [16, 6, 5, 5]), [2, 3, 1, 0]) as tf.Tensor4D), c2b = tf.variable(tf.tensor1d(d.c2b));
    // PyTorch flattens (c, h, w); NHWC flattens (h, w, c): permute the weight's columns to match.
    const fc = tf.variable(tf.reshape(tf.transpose(tf.tensor3d(d.fc, [10, 16, 16]), [0, 2, 1]), [10, 256])), fcb = tf.variable(tf.tensor1d(d.fcb));
    vars = [c1, c1b, c2, c2b, fc, fcb];
    loss = () => {
      let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, c1 as tf.Tensor4D, 1, 'valid'), c1b)) as tf.Tensor4D, 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2 as tf.Tensor4D, 1, 'valid'), c2b)) as tf.Tensor4D, 2, 2, 'valid');
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.reshape(h, [B, 256]), fc, false, true), fcb)) as tf.Scalar;
    };
  }
  const ax = vars.map((v) => tf.variable(tf.zerosLike(v)));
  let first = Number.NaN;
  const ms = await time(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    update(vars, grads, optimizer, ax);
    const l = value.dataSync()[0]!; // also waits for the step on every backend
    if (Number.isNaN(first)) first = l;
    value.dispose();
    tf.dispose(grads);
  }, net === 'cnn' ? 2500 : 1500);
  out(ms, 'ms/step', first);
}
