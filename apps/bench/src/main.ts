/**
 * Every benchmark case, by name `<family>/<library>`. run.mjs runs each in a fresh process;
 * each prints one JSON line: {"value", "unit", "check"?}. Nothing here is part of `npm test`.
 * Cases named `*-relaxed-simd` run with Node's --experimental-wasm-relaxed-simd (what Node >= 22
 * and current browsers do by default); the others on Node's defaults.
 */
import * as attention from './attention.js';
import * as jax from './jax.js';
import * as jsp from './jspytorch.js';
import * as plain from './plain.js';
import * as torch from './pytorch.js';
import * as ours from './tensile.js';
import * as tfjs from './tfjs.js';
import * as lstmLm from './lstm-lm.js';
import * as kernels from './kernels.js';
import * as norms from './norms.js';
import * as optimizers from './optimizers.js';

type Case = () => Promise<void>;
const cases: Record<string, Case> = {};
const add = (family: string, library: string, fn: Case): void => void (cases[`${family}/${library}`] = fn);

for (const n of [64, 128, 512, 2048]) {
  // Sizes for how cost grows with n: tensile and PyTorch only (the peers at 256 and 1024 below).
  const f = `matmul-${n}`;
  add(f, 'tensile-wasm', () => ours.matmul('wasm', n));
  add(f, 'tensile-wasm-relaxed-simd', () => ours.matmul('wasm-relaxed', n));
  for (const t of [1, 2]) add(f, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.matmul(n, t));
}
for (const n of [256, 1024]) {
  const f = `matmul-${n}`;
  for (const t of [1, 2]) add(f, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.matmul(n, t));
  add(f, 'tensile-wasm', () => ours.matmul('wasm', n));
  add(f, 'tensile-wasm-relaxed-simd', () => ours.matmul('wasm-relaxed', n));
  if (n === 1024) add(f, 'tensile-wasm-2-threads', () => ours.matmul('wasm', n, 2));
  add(f, 'tensile-js', () => ours.matmul('js', n));
  add(f, 'tfjs-wasm', () => tfjs.matmul('wasm', n));
  add(f, 'tfjs-cpu', () => tfjs.matmul('cpu', n));
  add(f, 'jax-js', () => jax.matmul(n));
  if (n === 256) add(f, 'js-pytorch', () => jsp.matmul(n)); // 1024: minutes per product
  add(f, 'plain-js', () => plain.matmul(n));
}
for (const total of [1_000, 100_000, 30_000_000]) {
  // How the update's cost grows with size: tensile, jax-js and PyTorch's for-loop.
  const f = `asgd-${total >= 1e6 ? `${total / 1e6}M` : `${total / 1e3}k`}`;
  add(f, 'tensile-wasm', () => ours.asgd('wasm', total));
  add(f, 'jax-js', () => jax.asgd(total));
  for (const t of [1, 2]) add(f, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.asgd(total, t));
}
for (const total of [1_000_000, 10_000_000]) {
  const f = `asgd-${total / 1e6}M`;
  for (const t of [1, 2]) add(f, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.asgd(total, t));
  add(f, 'tensile-wasm', () => ours.asgd('wasm', total));
  add(f, 'tensile-js', () => ours.asgd('js', total));
  add(f, 'tfjs-wasm', () => tfjs.asgd('wasm', total));
  add(f, 'tfjs-cpu', () => tfjs.asgd('cpu', total));
  add(f, 'jax-js', () => jax.asgd(total));
  if (total === 1_000_000) add(f, 'js-pytorch', () => jsp.asgd(total)); // 10M nested arrays: out of memory
  add(f, 'plain-js', () => plain.asgd(total));
}
add('triad-10M', 'plain-js', () => plain.triad(10_000_000));
add('copy-10M', 'plain-js', () => plain.copy(10_000_000));
for (const opt of ['sgd', 'asgd'] as const) {
  const f = `mlp-${opt}`;
  add(f, 'tensile-wasm', () => ours.step('wasm', 'mlp', opt));
  add(f, 'tensile-wasm-relaxed-simd', () => ours.step('wasm-relaxed', 'mlp', opt));
  add(f, 'tensile-wasm-2-threads', () => ours.step('wasm', 'mlp', opt, 2));
  add(f, 'tensile-js', () => ours.step('js', 'mlp', opt));
  add(f, 'tfjs-wasm', () => tfjs.step('wasm', 'mlp', opt));
  add(f, 'tfjs-cpu', () => tfjs.step('cpu', 'mlp', opt));
  add(f, 'jax-js', () => jax.step('mlp', opt));
  add(f, 'js-pytorch', () => jsp.step(opt));
  for (const t of [1, 2]) add(f, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.step('mlp', opt, t));
  if (opt === 'sgd') add(f, 'plain-js', () => plain.mlpStep());
}
add('cnn-sgd', 'tensile-wasm', () => ours.step('wasm', 'cnn', 'sgd'));
add('cnn-sgd', 'tensile-wasm-relaxed-simd', () => ours.step('wasm-relaxed', 'cnn', 'sgd'));
add('cnn-sgd', 'tensile-wasm-2-threads', () => ours.step('wasm', 'cnn', 'sgd', 2));
add('cnn-sgd', 'tensile-js', () => ours.step('js', 'cnn', 'sgd'));
add('cnn-sgd', 'tfjs-cpu', () => tfjs.step('cpu', 'cnn', 'sgd'));
add('cnn-sgd', 'jax-js', () => jax.step('cnn', 'sgd'));
for (const t of [1, 2]) add('cnn-sgd', `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.step('cnn', 'sgd', t));
// Not run: tfjs-wasm has no Conv2DBackpropFilter kernel (a conv net cannot train on it), and
// js-pytorch has no convolution.
// Generative layers (issue 24): the transposed convolution alone, and a DCGAN iteration at the
// ported size (32x32, 32 maps) and at dcgan/main.py's 64x64 with 64 maps.
add('convtranspose2d-128-64', 'tensile-wasm', () => ours.convTranspose('wasm'));
add('convtranspose2d-128-64', 'tensile-js', () => ours.convTranspose('js'));
for (const t of [1, 2]) add('convtranspose2d-128-64', `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.convTranspose(t));
for (const size of ['dcgan-32', 'dcgan-64']) {
  add(size, 'tensile-wasm', () => ours.dcgan('wasm', size));
  add(size, 'tensile-wasm-2-threads', () => ours.dcgan('wasm', size, 2));
  for (const t of [1, 2]) add(size, `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => torch.dcgan(size, t));
}

// Recurrent layers (issue 22): one word_language_model training step of a 2-layer LSTM.
lstmLm.register(add);
// Attention (issue 23): a Transformer encoder layer step and the character GPT's step.
for (const f of ['transformer-encoder-step', 'gpt-step'] as const) {
  add(f, 'tensile-wasm', () => (f === 'gpt-step' ? attention.gptStep() : attention.encoderStep()));
  add(f, 'tensile-wasm-2-threads', () => (f === 'gpt-step' ? attention.gptStep(2) : attention.encoderStep(2)));
  add(f, 'pytorch-1-thread', () => attention.pytorchStep(f, 1));
}

// Issue 25's kernel targets: element-wise ops at 1M elements, normalisation layers forward +
// backward, and every optimizer's update at 10M parameters, each beside PyTorch on one thread.
kernels.register(add);
norms.register(add);
optimizers.register(add);

const name = process.argv[2];
if (name === '--list') console.log(Object.keys(cases).join('\n'));
else if (!name || !cases[name]) {
  console.error(`unknown case ${name}; --list shows them`);
  process.exit(2);
} else await cases[name]!();
