/**
 * Issue 25's rule for a model whose matrix products are over half of PyTorch's step: "the rest of
 * the step at most 1.5x PyTorch's, shown by a profile". This runs one of the ported models' steps
 * (the bench cases' models: `lstm`, `gpt`, `encoder`) under V8's CPU profiler in this process and
 * splits its self time into the module's product functions (gemm, the packing and transposing
 * around it, matmul's entry points) and the rest, the rest's largest functions listed. The
 * PyTorch side: `TENSILE_BENCH_PROFILE=<file>` on the case's `pytorch-1-thread` row
 * (bench_common.py's profile_products). Staging copies in JavaScript count as the rest here,
 * which is the strict reading.
 *
 *   node apps/bench/micro/products-share.mjs gpt [steps]
 */
import { Session } from 'node:inspector';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend, type Tensor } from '@tensile/tensor';
import { inlineCalls } from '../../../packages/tensor/scripts/wat-inline.mjs';
import { lstmLmTrainer } from '../src/lstm-lm.js';
import { gptTrainer, encoderTrainer } from '../src/attention.js';

const PRODUCTS = new Set(['gemm', 'tstrip', 'pack_a', 'pack_b', 'matmul', 'matmul_acc', 'mm', 'compact']);

/** The module's functions in index order, as the build numbers them (after inlining). */
function wasmNames(): string[] {
  const wat = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../packages/tensor/src/kernels/wasm/kernels.wat'), 'utf8');
  const names: string[] = [];
  for (const m of inlineCalls(wat).matchAll(/\(func\s+(?:\$(\S+))?\s*(?:\(export "([^"]+)"\))?/g)) names.push(m[1] ?? m[2] ?? '?');
  return names;
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const which = process.argv[2] ?? 'gpt';
const steps = Number(process.argv[3] ?? (which === 'encoder' ? 30 : 10));
setBackend('wasm');
const step: () => unknown = which === 'lstm' ? lstmLmTrainer() : which === 'gpt' ? gptTrainer() : which === 'encoder' ? encoderTrainer() : (() => { throw new Error(`unknown model ${which}: lstm, gpt or encoder`); })();
for (let i = 0; i < 3; i++) (step() as Tensor | undefined)?.item?.();

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object): Promise<T> => new Promise((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r as T))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 200 });
await post('Profiler.start');
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step();
const cpu = process.cpuUsage(c0);
const { profile } = await post<{ profile: Profile }>('Profiler.stop');
session.disconnect();

const names = wasmNames();
const self = new Map<number, number>();
profile.samples.forEach((s, i) => self.set(s, (self.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const by = new Map<string, number>();
let total = 0, products = 0;
for (const n of profile.nodes) {
  const t = self.get(n.id) ?? 0;
  if (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)') continue;
  total += t;
  const w = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName);
  const name = w ? `wasm:${names[Number(w[1])] ?? w[1]}` : n.callFrame.functionName || '(anonymous)';
  if (w && PRODUCTS.has(names[Number(w[1])] ?? '')) products += t;
  by.set(name, (by.get(name) ?? 0) + t);
}
const cpuMs = (cpu.user + cpu.system) / 1e3 / steps, scale = (cpuMs * steps) / total; // profile time to CPU ms
const rest = [...by].filter(([k]) => !PRODUCTS.has(k.replace(/^wasm:/, ''))).sort((a, b) => b[1] - a[1]).slice(0, 15);
const ms = (t: number): string => (t * scale / steps).toFixed(2);
console.log(`${which}: ${cpuMs.toFixed(1)} ms of CPU a step (${steps} steps): products ${ms(products)} ms, the rest ${ms(total - products)} ms`);
console.log('the rest, by function (self time, ms a step):');
for (const [k, t] of rest) console.log(`  ${ms(t).padStart(7)}  ${k}`);
