/**
 * The LSTM language-model step (issue 22): word_language_model's RNNModel at main.py's size
 * (embedding 200, a 2-layer LSTM of 200, tied to no decoder), a 2,000-word vocabulary, bptt 35,
 * batch 20, dropout 0; one main.py training step: forward from a carried (detached) hidden
 * state, NLL loss, backward, clip_grad_norm_(0.25), p -= lr·grad. The same weights and tokens
 * go to tensile and to PyTorch (lstm_lm_bench.py); check = the first step's loss.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, int64, nn, noGrad, setBackend, setNumThreads, tensor, wasmRelaxedSimd, type Tensor } from '@tensile/tensor';
import { normal } from './data.js';
import { out, time } from './harness.js';

export const LM = { ntoken: 2000, ninp: 200, nhid: 200, nlayers: 2, bptt: 35, batch: 20, lr: 20, clip: 0.25 };

/** PyTorch's parameter names and shapes (`encoder.weight`, `rnn.weight_ih_l0`, ..., `decoder.bias`), U(-0.1, 0.1)-sized weights, and the tokens. */
export function lstmLmData(): Record<string, Float32Array> {
  const { ntoken, ninp, nhid, nlayers, bptt, batch } = LM;
  const shapes: [string, number][] = [['encoder.weight', ntoken * ninp]];
  for (let l = 0; l < nlayers; l++) {
    const inp = l === 0 ? ninp : nhid;
    shapes.push([`rnn.weight_ih_l${l}`, 4 * nhid * inp], [`rnn.weight_hh_l${l}`, 4 * nhid * nhid], [`rnn.bias_ih_l${l}`, 4 * nhid], [`rnn.bias_hh_l${l}`, 4 * nhid]);
  }
  shapes.push(['decoder.weight', ntoken * nhid], ['decoder.bias', ntoken]);
  const d: Record<string, Float32Array> = {};
  shapes.forEach(([k, n], i) => (d[k] = normal(n, 2200 + i, 0.05)));
  const u = normal((bptt + 1) * batch, 2299);
  d['tokens'] = Float32Array.from(u, (v) => Math.min(ntoken - 1, Math.floor(Math.abs(v) * 400))); // Zipf-ish: small ids common
  return d;
}

class RNNModel extends nn.Module {
  encoder = new nn.Embedding(LM.ntoken, LM.ninp);
  rnn = new nn.LSTM(LM.ninp, LM.nhid, LM.nlayers);
  decoder = new nn.Linear(LM.nhid, LM.ntoken);

  forward(input: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const [output, h] = this.rnn.call(this.encoder.call(input), hidden);
    return [F.logSoftmax(this.decoder.call(output).view(-1, LM.ntoken), 1), h];
  }
}

type Backend = 'wasm' | 'js';

/**
 * main.py's training step on tensile's port, ready to run: the seeded weights and tokens loaded,
 * the hidden state carried (detached) from one call to the next. Each call is one step; it
 * returns the step's loss.
 */
export function lstmLmTrainer(): () => Tensor {
  const d = lstmLmData();
  const model = new RNNModel();
  const sd = model.stateDict();
  for (const k of Object.keys(sd)) sd[k] = tensor(d[k]!, { shape: sd[k]!.shape });
  model.loadStateDict(sd);
  const tokens = tensor(Array.from(d['tokens']!), { shape: [LM.bptt + 1, LM.batch], dtype: int64 });
  const data = tokens.narrow(0, 0, LM.bptt), targets = tokens.narrow(0, 1, LM.bptt).reshape(-1);
  const zeros = (): Tensor => tensor(new Float32Array(LM.nlayers * LM.batch * LM.nhid), { shape: [LM.nlayers, LM.batch, LM.nhid] });
  let hidden: [Tensor, Tensor] = [zeros(), zeros()];
  const criterion = new nn.NLLLoss();
  return () => {
    model.zeroGrad();
    hidden = [hidden[0].detach(), hidden[1].detach()];
    const [output, h] = model.call(data, hidden);
    hidden = h;
    const loss = criterion.call(output, targets);
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), LM.clip);
    noGrad(() => {
      for (const p of model.parameters()) p.add_(p.grad!, -LM.lr);
    });
    return loss;
  };
}

/** One training step of tensile's port, ms. */
export async function tensileStep(backend: Backend, threads = 1): Promise<void> {
  if (wasmRelaxedSimd()) throw new Error('this runtime takes the relaxed-SIMD build by default; the plain rows need Node 20 without the flag');
  setBackend(backend);
  if (threads > 1) setNumThreads(threads);
  const step = lstmLmTrainer();
  let first = Number.NaN;
  const ms = await time(() => {
    const loss = step();
    if (Number.isNaN(first)) first = loss.item();
  }, 2500);
  out(ms, 'ms/step', first);
}

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'lstm_lm_bench.py');

/** PyTorch's row: lstm_lm_bench.py on the same inputs (written as pytorch.ts writes them). */
export async function pytorchStep(threads: number): Promise<void> {
  const d = lstmLmData();
  const header: Record<string, [number, number]> = {};
  let at = 0;
  for (const [k, v] of Object.entries(d)) {
    header[k] = [at, v.length];
    at += v.length;
  }
  const json = Buffer.from(JSON.stringify({ ...header, __lm__: LM }));
  const all = new Float32Array(at);
  at = 0;
  for (const v of Object.values(d)) {
    all.set(v, at);
    at += v.length;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-'));
  try {
    const file = join(dir, 'inputs.bin');
    writeFileSync(file, Buffer.concat([len, json, Buffer.from(all.buffer)]));
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    let line: string;
    try {
      line = execFileSync('/usr/bin/python3', [script, String(threads), file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
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

/** The rows of the family `lstm-lm`. */
export function register(add: (family: string, library: string, fn: () => Promise<void>) => void): void {
  add('lstm-lm', 'tensile-wasm', () => tensileStep('wasm'));
  add('lstm-lm', 'tensile-wasm-2-threads', () => tensileStep('wasm', 2));
  add('lstm-lm', 'tensile-js', () => tensileStep('js'));
  for (const t of [1, 2]) add('lstm-lm', `pytorch-${t}-thread${t > 1 ? 's' : ''}`, () => pytorchStep(t));
}
