// The engine's recycling (autograd.ts, storage-pool.ts) on and off in one process, in blocks that
// alternate, reading CPU time (user + system) per step so that a neighbour's load lands on both
// settings: `node apps/bench/micro/recycling-ab.mjs <gpt|mlp|encoder|lstm> [blocks] [steps per block]`.
// "off" is the engine without recycling and without private gradients (before 6 December 2026).
import { F, int64, nn, setBackend, tensor, type Tensor } from '@tensile/tensor';
import { lstmLmTrainer } from '../src/lstm-lm.js';
import { AdamW, SGD } from '@tensile/optim';
import { setRecycling } from '../../../packages/tensor/src/storage-pool.js';
import { GPTLanguageModel } from '../../examples/src/gpt/model.js';
setBackend('wasm');
const which = process.argv[2] ?? 'mlp';
const blocks = Number(process.argv[3] ?? 6), per = Number(process.argv[4] ?? 300);
let step: () => void;
if (which === 'gpt') {
  const model = new GPTLanguageModel({ vocabSize: 65, blockSize: 64, nEmbd: 128, nHead: 4, nLayer: 4, dropout: 0, attention: 'sdpa' });
  const toks = tensor(Array.from({ length: 16 * 65 }, (_, i) => (i * 7) % 65), { shape: [16, 65], dtype: int64 });
  const x: Tensor = toks.narrow(1, 0, 64).contiguous(), y: Tensor = toks.narrow(1, 1, 64).contiguous();
  const opt = new AdamW(model.parameters(), { lr: 3e-4 });
  step = () => { opt.zeroGrad(); model.loss(x, y).backward(); opt.step(); };
} else if (which === 'lstm') {
  const train = lstmLmTrainer();
  step = () => { train(); };
} else if (which === 'encoder') {
  const model = new nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, dropout: 0 });
  const x = tensor(Array.from({ length: 64 * 16 * 128 }, (_, i) => Math.sin(i)), { shape: [64, 16, 128] });
  const t = tensor(Array.from({ length: 64 * 16 * 128 }, (_, i) => Math.cos(i)), { shape: [64, 16, 128] });
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  step = () => { opt.zeroGrad(); F.mseLoss(model.call(x), t).backward(); opt.step(); };
} else {
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const x = tensor(Array.from({ length: 64 * 784 }, (_, i) => Math.sin(i)), { shape: [64, 784] });
  const y = tensor(Array.from({ length: 64 }, (_, i) => i % 10), { dtype: int64 });
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  step = () => { opt.zeroGrad(); F.crossEntropy(model.call(x), y).backward(); opt.step(); };
}
for (let i = 0; i < Math.max(3, per / 10); i++) step();
const res: Record<string, { wall: number[]; cpu: number[] }> = { on: { wall: [], cpu: [] }, off: { wall: [], cpu: [] } };
for (let b = 0; b < blocks; b++) for (const mode of (b % 2 ? ['on', 'off'] : ['off', 'on']) as ('on' | 'off')[]) {
  setRecycling(mode);
  for (let i = 0; i < 3; i++) step();
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < per; i++) step();
  const c = process.cpuUsage(c0);
  res[mode]!.wall.push((performance.now() - t0) / per); res[mode]!.cpu.push((c.user + c.system) / 1000 / per);
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
const min = (a: number[]) => Math.min(...a);
for (const m of ['off', 'on']) console.log(which, m, 'wall min', min(res[m]!.wall).toFixed(3), 'med', med(res[m]!.wall).toFixed(3), '| cpu min', min(res[m]!.cpu).toFixed(3), 'med', med(res[m]!.cpu).toFixed(3));
