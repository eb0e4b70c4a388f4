/**
 * PyTorch's rows: the same cases, inputs and checks, run by Debian's PyTorch (CPU, OpenBLAS)
 * through `pytorch_bench.py`. The thread count is set three ways (torch.set_num_threads,
 * OPENBLAS_NUM_THREADS, OMP_NUM_THREADS: `set_num_threads` alone does not stop OpenBLAS from
 * using every core) and checked: the script reports CPU time over wall time, and a 1-thread
 * row whose ratio is far above 1 fails rather than being shown as single-threaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asgdSizes, cnnData, mlpData, normal } from './data.js';
import { out } from './harness.js';
import { convTransposeData, DCGAN, dcganData, layers } from './dcgan.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'pytorch_bench.py');
/** The element-wise, normalisation and optimizer cases of issue 25 (kernels.ts, norms.ts, optimizers.ts). */
export const opsScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'ops_bench.py');

/** Writes named float arrays as the script reads them: header length, JSON header, float32 data. */
function writeInputs(file: string, arrays: Record<string, ArrayLike<number>>, extra: Record<string, unknown> = {}): void {
  const header: Record<string, unknown> = { ...extra };
  let at = 0;
  for (const [k, v] of Object.entries(arrays)) {
    header[k] = [at, v.length];
    at += v.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const data = new Float32Array(at);
  at = 0;
  for (const v of Object.values(arrays)) {
    data.set(Float32Array.from(v), at);
    at += v.length;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  writeFileSync(file, Buffer.concat([len, json, Buffer.from(data.buffer)]));
}

/**
 * Runs one case of a PyTorch script (`pytorch_bench.py` unless `scriptPath` names another that
 * takes the same arguments `<case> <threads> <inputs.bin>` and prints the same JSON line).
 */
export function run(caseName: string, threads: number, arrays: Record<string, ArrayLike<number>>, extra?: Record<string, unknown>, scriptPath = script): void {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-'));
  try {
    const file = join(dir, 'inputs.bin');
    writeInputs(file, arrays, extra);
    // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, where the machine sets them, stay as they are (they
    // keep older OpenBLAS builds from crashing; the bench reports them).
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    let line: string;
    try {
      line = execFileSync('/usr/bin/python3', [scriptPath, caseName, String(threads), file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    } catch (e) {
      const err = e as { status?: number; stderr?: string };
      throw new Error(err.status === 3 ? String(err.stderr).trim() : `PyTorch failed: ${String(err.stderr ?? e).split('\n').slice(-3).join(' ')}`);
    }
    const r = JSON.parse(line) as { value: number; unit: string; check: number; cpuRatio: number };
    if (threads === 1 && r.cpuRatio > 1.3) throw new Error(`PyTorch used more than one thread (CPU/wall ${r.cpuRatio.toFixed(2)})`);
    out(r.value, r.unit, r.check);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function matmul(n: number, threads: number): Promise<void> {
  run(`matmul-${n}`, threads, { a: normal(n * n, 21), b: normal(n * n, 22) });
}

export async function asgd(total: number, threads: number): Promise<void> {
  const sizes = asgdSizes(total);
  const arrays: Record<string, Float32Array> = {};
  sizes.forEach((n, i) => {
    arrays[`p${i}`] = normal(n, 100 + i);
    arrays[`g${i}`] = normal(n, 200 + i);
  });
  run(`asgd-${total}`, threads, arrays, { __sizes__: sizes });
}

export async function step(net: 'mlp' | 'cnn', optimizer: 'sgd' | 'asgd', threads: number): Promise<void> {
  const d = net === 'mlp' ? mlpData() : cnnData();
  const arrays = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v as ArrayLike<number>]));
  run(`${net}-${optimizer}`, threads, arrays);
}

/** ConvTranspose2d(128, 64, 4, 2, 1) forward and backward on the same inputs. */
export async function convTranspose(threads: number): Promise<void> {
  run('convtranspose2d', threads, convTransposeData());
}

/** One DCGAN iteration at `name`'s size, from the same weights, batch and latent draw. */
export async function dcgan(name: string, threads: number): Promise<void> {
  const spec = DCGAN[name]!;
  run(name, threads, dcganData(spec), { __spec__: spec, __layers__: layers(spec) });
}
