/**
 * The attention cases (issue 23), tensile's rows and the inputs PyTorch's rows get
 * (attention_bench.py builds the same models and loads the same numbers by state-dict key):
 *   transformer-encoder-step  one SGD step of nn.TransformerEncoderLayer(128, 4, 512, dropout 0)
 *                             on [64, 16, 128] (seq, batch, feature), MSE against a target
 *   gpt-step                  one AdamW step of the character GPT of `npm run gpt`
 *                             (apps/examples/src/gpt/model.ts) at 4 layers of 4 heads, width
 *                             128, context 64, batch 16, vocabulary 65
 */
import { F, int64, nn, setBackend, setNumThreads, tensor, type Tensor } from '@tensile/tensor';
import { AdamW, SGD } from '@tensile/optim';
import { GPTLanguageModel } from '../../examples/src/gpt/model.js';
import { labels, normal } from './data.js';
import { out, time } from './harness.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ENC = { seq: 64, batch: 16, d: 128, nhead: 4, ff: 512 } as const;
export const GPT = { vocab: 65, block: 64, nEmbd: 128, nHead: 4, nLayer: 4, batch: 16 } as const;

/** Seeded values for every parameter of `model`, by state-dict key (LayerNorm weights near 1). */
function weightsOf(model: nn.Module, seed: number): Record<string, Float32Array> {
  const w: Record<string, Float32Array> = {};
  model.namedParameters().forEach(([name, p], i) => {
    const fanIn = p.ndim > 1 ? p.shape[p.ndim - 1]! : 1;
    const v = normal(p.numel(), seed + i, p.ndim > 1 ? 1 / Math.sqrt(fanIn) : 0.02);
    if (/norm\d?\.weight$|ln\d?\.weight$|ln_f\.weight$/.test(name)) for (let k = 0; k < v.length; k++) v[k]! += 1;
    w[name] = v;
  });
  return w;
}

const load = (model: nn.Module, w: Record<string, Float32Array>): void => {
  const shapes = new Map(model.namedParameters().map(([n, p]) => [n, p.shape]));
  model.loadStateDict(Object.fromEntries(Object.entries(w).map(([k, v]) => [k, tensor(v, { shape: shapes.get(k)! })])), { strict: false });
};

function encoder(): { model: nn.TransformerEncoderLayer; arrays: Record<string, Float32Array> } {
  const model = new nn.TransformerEncoderLayer(ENC.d, ENC.nhead, { dimFeedforward: ENC.ff, dropout: 0 });
  const n = ENC.seq * ENC.batch * ENC.d;
  const arrays = { ...weightsOf(model, 900), __x__: normal(n, 880), __target__: normal(n, 881) };
  load(model, arrays);
  return { model, arrays };
}

function gpt(): { model: GPTLanguageModel; arrays: Record<string, Float32Array> } {
  const model = new GPTLanguageModel({ vocabSize: GPT.vocab, blockSize: GPT.block, nEmbd: GPT.nEmbd, nHead: GPT.nHead, nLayer: GPT.nLayer, dropout: 0, attention: 'sdpa' });
  const n = GPT.batch * (GPT.block + 1);
  const arrays = { ...weightsOf(model, 1000), __tokens__: Float32Array.from(labels(n, GPT.vocab, 990)) };
  load(model, arrays);
  return { model, arrays };
}

/** The encoder layer's training step on the case's inputs, ready to run: each call is one step and returns its loss. */
export function encoderTrainer(): () => Tensor {
  const { model, arrays } = encoder();
  const shape = [ENC.seq, ENC.batch, ENC.d];
  const x = tensor(arrays.__x__!, { shape }), target = tensor(arrays.__target__!, { shape });
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    const loss = F.mseLoss(model.call(x), target);
    loss.backward();
    opt.step();
    return loss;
  };
}

/** The character GPT's training step (AdamW) on the case's inputs, ready to run: each call is one step and returns its loss. */
export function gptTrainer(): () => Tensor {
  const { model, arrays } = gpt();
  const toks = tensor(Array.from(arrays.__tokens__!), { shape: [GPT.batch, GPT.block + 1], dtype: int64 });
  const x: Tensor = toks.narrow(1, 0, GPT.block).contiguous(), y: Tensor = toks.narrow(1, 1, GPT.block).contiguous();
  const opt = new AdamW(model.parameters(), { lr: 3e-4 });
  return () => {
    opt.zeroGrad();
    const loss = model.loss(x, y);
    loss.backward();
    opt.step();
    return loss;
  };
}

/** One training step of `trainer`'s model, ms; check = the first step's loss. */
async function timedStep(trainer: () => () => Tensor, threads: number): Promise<void> {
  setBackend('wasm');
  if (threads > 1) setNumThreads(threads);
  const step = trainer();
  let first = Number.NaN;
  const ms = await time(() => {
    const loss = step();
    if (Number.isNaN(first)) first = loss.item();
  }, 2500);
  out(ms, 'ms/step', first);
}

/** One training step of the encoder layer, ms; check = the first step's loss. */
export const encoderStep = (threads = 1): Promise<void> => timedStep(encoderTrainer, threads);
/** One training step of the character GPT, ms; check = the first step's loss. */
export const gptStep = (threads = 1): Promise<void> => timedStep(gptTrainer, threads);

/**
 * PyTorch's rows: attention_bench.py with the same arrays, written as pytorch.ts writes its
 * inputs (a 4-byte header length, a JSON header {name: [offset, length]}, float32 data).
 */
export async function pytorchStep(which: 'transformer-encoder-step' | 'gpt-step', threads: number): Promise<void> {
  const { arrays } = which === 'gpt-step' ? gpt() : encoder();
  const header: Record<string, unknown> = { __config__: which === 'gpt-step' ? GPT : ENC };
  let at = 0;
  for (const [k, v] of Object.entries(arrays)) {
    header[k] = [at, v.length];
    at += v.length;
  }
  const data = new Float32Array(at);
  at = 0;
  for (const v of Object.values(arrays)) {
    data.set(v, at);
    at += v.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-'));
  try {
    const file = join(dir, 'inputs.bin');
    writeFileSync(file, Buffer.concat([len, json, Buffer.from(data.buffer)]));
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'attention_bench.py');
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const line = execFileSync('/usr/bin/python3', [script, which, String(threads), file], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    const r = JSON.parse(line) as { value: number; unit: string; check: number; cpuRatio: number };
    if (threads === 1 && r.cpuRatio > 1.3) throw new Error(`PyTorch used more than one thread (CPU/wall ${r.cpuRatio.toFixed(2)})`);
    out(r.value, r.unit, r.check);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
