/**
 * The soak run behind issue 12's "bounded peak RSS": a synchronous training loop (no await, so
 * no FinalizationRegistry callback can run inside it) of `steps` steps, an MLP 256-512-10 on a
 * batch of 64 with ASGD averaging, printing the process's RSS, the JS heap and the resident
 * arena every tenth of the run. It fails (exit 1) if the arena grows after the first step or RSS
 * after the first tenth grows by more than 64 MiB. `npm run soak -w @tensile/bench [-- steps]`.
 */
import { F, manualSeed, nn, randn, tensor, type Tensor } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
import { existingArena } from '../../../packages/tensor/src/kernels/wasm/arena.js';

const steps = Number(process.argv[2] ?? 100_000);
manualSeed(0);
const model = new nn.Sequential(new nn.Linear(256, 512), new nn.ReLU(), new nn.Linear(512, 10));
const opt = new ASGD(model.parameters(), { lr: 0.01, t0: 0 });
const x = randn([64, 256]), y = tensor(Array.from({ length: 64 }, (_, i) => i % 10));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
let arenaAfterFirst = 0, rssAfterTenth = 0, peak = 0, failed = false;
const started = performance.now();
for (let s = 1; s <= steps; s++) {
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x) as Tensor, y);
  loss.backward();
  opt.step();
  if (s === 1) arenaAfterFirst = existingArena()?.used ?? 0;
  if (s % Math.max(1, Math.floor(steps / 10)) === 0 || s === steps) {
    const { rss, heapUsed } = process.memoryUsage();
    peak = Math.max(peak, rss);
    if (rssAfterTenth === 0) rssAfterTenth = rss;
    const arena = (existingArena()?.used ?? 0) * 4;
    console.log(`step ${String(s).padStart(7)}  loss ${loss.item().toFixed(4)}  rss ${mib(rss)}  heap ${mib(heapUsed)}  arena ${mib(arena)}  ${((performance.now() - started) / s).toFixed(3)} ms/step`);
    if ((existingArena()?.used ?? 0) !== arenaAfterFirst) failed = true;
  }
}
const grew = peak - rssAfterTenth;
console.log(`peak RSS ${mib(peak)} (grew ${mib(grew)} after the first tenth); arena ${existingArena()?.used === arenaAfterFirst ? 'unchanged after the first step' : 'GREW'}`);
if (failed || grew > 64 * 2 ** 20) process.exit(1);
