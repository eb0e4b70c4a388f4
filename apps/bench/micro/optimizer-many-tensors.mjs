// An optimizer step over many small parameter tensors (the per-tensor cost, not the arithmetic):
// SGD with momentum and Adam over 100 and 500 tensors of 64 floats, tensile (wasm, one thread)
// beside PyTorch's for-loop step (1.13's default) on one thread when /usr/bin/python3 has torch.
// Medians of 100 steps after 3 warm-up steps (JIT). Usage: node apps/bench/micro/optimizer-many-tensors.mjs
// (TENSILE_ROOT=/path/to/another/checkout for its sources instead).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// TENSILE_ROOT: another checkout's sources (a before/after comparison), this one's by default
const root = process.env.TENSILE_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CASES = [['sgd', 100], ['sgd', 500], ['adam', 100], ['adam', 500]];
const STEPS = 100;

const tensileSource = `
import { randn, setBackend } from '@tensile/tensor';
import { Adam, SGD } from '@tensile/optim';
setBackend('wasm');
for (const [which, count] of ${JSON.stringify(CASES)}) {
  const ps = Array.from({ length: count }, () => randn([64]).requiresGrad_());
  for (const p of ps) p.grad = randn([64]);
  const opt = which === 'adam' ? new Adam(ps, { lr: 1e-3 }) : new SGD(ps, { lr: 1e-3, momentum: 0.9 });
  for (let i = 0; i < 3; i++) opt.step();
  const ts = [];
  for (let i = 0; i < ${STEPS}; i++) { const t0 = performance.now(); opt.step(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  console.log(JSON.stringify({ which, count, ms: ts[ts.length >> 1] }));
}`;

const pytorchSource = `
import json, time, torch
torch.set_num_threads(1)
for which, count in ${JSON.stringify(CASES)}:
    ps = [torch.randn(64, requires_grad=True) for _ in range(count)]
    for p in ps: p.grad = torch.randn(64)
    opt = torch.optim.Adam(ps, lr=1e-3) if which == 'adam' else torch.optim.SGD(ps, lr=1e-3, momentum=0.9)
    for _ in range(3): opt.step()
    ts = []
    for _ in range(${STEPS}):
        t0 = time.perf_counter(); opt.step(); ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    print(json.dumps({'which': which, 'count': count, 'ms': ts[len(ts) // 2]}))
`;

const dir = mkdtempSync(join(tmpdir(), 'tensile-many-'));
try {
  writeFileSync(join(dir, 'main.mjs'), tensileSource);
  await build({
    entryPoints: [join(dir, 'main.mjs')], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'out.mjs'), logLevel: 'error',
    alias: { '@tensile/tensor': join(root, 'packages/tensor/src/index.ts'), '@tensile/optim': join(root, 'packages/optim/src/index.ts') },
  });
  const parse = (out) => out.trim().split('\n').map((l) => JSON.parse(l));
  const ours = parse(execFileSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' }));
  let theirs = null;
  if (existsSync('/usr/bin/python3')) {
    try {
      writeFileSync(join(dir, 'torch_steps.py'), pytorchSource);
      theirs = parse(execFileSync('/usr/bin/python3', [join(dir, 'torch_steps.py')], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } }));
    } catch {
      theirs = null; // no torch: tensile's rows alone
    }
  }
  console.log('| step (ms, median) | tensile | PyTorch 1 thread |\n|---|---|---|');
  ours.forEach((r, i) => console.log(`| ${r.which === 'adam' ? 'Adam' : 'SGD, momentum'}, ${r.count} tensors of 64 | ${r.ms.toFixed(3)} | ${theirs ? theirs[i].ms.toFixed(3) : 'n/a'} |`));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
