import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ones, tensor, type Tensor } from '@tensile/tensor';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../src/lib/checkpoint.js';
import { train } from '../src/mnist/train.js';
import { expectBitsEqual } from '../../../packages/tensor/test/helpers/arrays.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tensile-ckpt-'));
/** Tensor by tensor, the same float32 bits; a mismatch names the tensor and its first differing element. */
const expectSameBits = (got: Tensor[], want: Tensor[], what: string): void => {
  expect(got.length, `${what}: number of tensors`).toBe(want.length);
  got.forEach((t, i) => expectBitsEqual(t.toFloat32Array(), want[i]!.toFloat32Array(), `${what} ${i}`));
};

const sample = (): Checkpoint => ({
  epoch: 3,
  model: { '0.weight': tensor([[1, 2], [3, 4]]), '0.bias': tensor([0.5, -0.5]) },
  optimizer: { state: { 0: { step: 12, eta: 0.01, mu: 0.5, ax: ones([2, 2]) } }, param_groups: [{ lr: 0.1, params: [0, 1] }] },
  rng: { global: [1, 2, 3, 4, Number.NaN].map((v) => (Number.isNaN(v) ? 0 : v)) },
  extra: { note: 'x' },
});

describe('checkpoints', () => {
  it('write, read back identical', () => {
    const c = decodeCheckpoint(encodeCheckpoint(sample()));
    expect(c.epoch).toBe(3);
    expect(c.model['0.weight']!.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(c.optimizer.state[0]!['step']).toBe(12);
    expect((c.optimizer.state[0]!['ax'] as Tensor).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(c.optimizer.param_groups).toEqual([{ lr: 0.1, params: [0, 1] }]);
    expect(c.extra).toEqual({ note: 'x' });
  });

  // These train real (small) runs: give them room on a busy 2-core machine.
  it('resume equals an uninterrupted run, bit for bit', { timeout: 60_000 }, () => {
    const [a, b] = [tmp(), tmp()];
    try {
      const full = train({ limit: 600, epochs: 2, t0: 5, out: a });
      train({ limit: 600, epochs: 1, t0: 5, out: b });
      const resumed = train({ limit: 600, epochs: 2, t0: 5, out: b, resume: true });
      expectSameBits(resumed.model.parameters(), full.model.parameters(), 'parameter');
      expect(resumed.epochs.map((e) => e.testAccuracy)).toEqual(full.epochs.map((e) => e.testAccuracy));
      const ca = loadCheckpoint(join(a, 'checkpoint.safetensors')), cb = loadCheckpoint(join(b, 'checkpoint.safetensors'));
      const averages = (c: Checkpoint): Tensor[] => Object.values(c.optimizer.state).map((s) => (s as Record<string, unknown>)['ax'] as Tensor);
      expectSameBits(averages(cb), averages(ca), 'ax');
      const lines = readFileSync(join(a, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
      expect(lines.filter((l) => l.kind === 'epoch')).toHaveLength(2);
      expect(JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')).final.epoch).toBe(2);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('refuses a truncated file, a flipped byte, a missing file and a checkpoint of another model, each with its own error', { timeout: 60_000 }, () => {
    const d = tmp();
    try {
      const path = join(d, 'c.safetensors');
      saveCheckpoint(path, sample());
      const good = readFileSync(path);
      writeFileSync(path, good.subarray(0, good.length - 3));
      expect(() => loadCheckpoint(path)).toThrow(/is corrupt: decodeSafetensors: .*truncated|is corrupt: decodeSafetensors: the data section/);
      const flipped = Buffer.from(good);
      flipped[flipped.length - 5]! ^= 0x10;
      writeFileSync(path, flipped);
      expect(() => loadCheckpoint(path)).toThrow('is corrupt: checksum mismatch');
      expect(() => loadCheckpoint(join(d, 'none.safetensors'))).toThrow(`checkpoint: no file at ${join(d, 'none.safetensors')}`);
      train({ limit: 200, epochs: 1, out: d });
      expect(() => train({ limit: 200, epochs: 2, out: d, resume: true, model: 'cnn' })).toThrow(/does not fit this model and optimizer/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it.each([
    ['ENOSPC at once', 0],
    ['EFBIG after 100 bytes', 100],
  ])('a write that fails (%s): the error rethrown, no temporary file, the previous checkpoint intact', (_name, room) => {
    const d = tmp();
    try {
      const path = join(d, 'c.safetensors');
      saveCheckpoint(path, sample());
      const before = readFileSync(path);
      let written = 0;
      // Writes up to `room` bytes in small pieces, then fails as the system would.
      const write = (_fd: number, _b: Uint8Array, _off: number, length: number): number => {
        if (written >= room) {
          const e = new Error(room === 0 ? 'ENOSPC: no space left on device, write' : 'EFBIG: file too large, write') as NodeJS.ErrnoException;
          e.code = room === 0 ? 'ENOSPC' : 'EFBIG';
          e.syscall = 'write';
          throw e;
        }
        const n = Math.min(length, 30, room - written);
        written += n;
        return n;
      };
      expect(() => saveCheckpoint(path, { ...sample(), epoch: 4 }, { write })).toThrow(room === 0 ? /ENOSPC/ : /EFBIG/);
      expect(readdirSync(d)).toEqual(['c.safetensors']);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(loadCheckpoint(path).epoch).toBe(3);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('an interrupted save leaves the previous checkpoint loadable and no temporary file', () => {
    const d = tmp();
    try {
      const path = join(d, 'c.safetensors');
      saveCheckpoint(path, sample());
      const next = { ...sample(), epoch: 4 };
      expect(() => saveCheckpoint(path, next, { beforeRename: () => { throw new Error('power cut'); } })).toThrow('power cut');
      expect(loadCheckpoint(path).epoch).toBe(3);
      expect(readdirSync(d)).toEqual(['c.safetensors']);
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('--resume with flags: the flags given override the checkpoint, the run says so, and the logs record what ran', () => {
  const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
  const epochLines = (dir: string): { epoch: number; settings: { lr: number; batchSize: number } }[] =>
    read(dir, 'metrics.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; epoch: number; settings: { lr: number; batchSize: number } }).filter((l) => l.kind === 'epoch');

  it('--lr and --batch-size given with --resume are what the resumed epochs train with, in one line, and in every log', { timeout: 60_000 }, () => {
    const [d, plain] = [tmp(), tmp()];
    try {
      train({ limit: 300, epochs: 1, t0: 5, out: d });
      train({ limit: 300, epochs: 1, t0: 5, out: plain });
      const logs: string[] = [];
      const batches = new Set<number>();
      const r = train({ limit: 300, epochs: 2, t0: 5, out: d, resume: true, lr: 5, batchSize: 32, log: (l) => logs.push(l), onBatch: (b) => batches.add(b.batches) });
      expect(logs.filter((l) => l.startsWith('resume:'))).toEqual(["resume: --batch-size 32 overrides the checkpoint's 64, --lr 5 overrides its 0.2"]);
      expect([...batches]).toEqual([Math.ceil(300 / 32)]);
      // Per epoch, in the result, metrics.jsonl, summary.json and the checkpoint: what each epoch ran with.
      expect(r.epochs.map((e) => [e.settings.lr, e.settings.batchSize])).toEqual([[0.2, 64], [5, 32]]);
      expect(epochLines(d).map((e) => [e.epoch, e.settings.lr, e.settings.batchSize])).toEqual([[1, 0.2, 64], [2, 5, 32]]);
      const summary = JSON.parse(read(d, 'summary.json')) as { options: { lr: number; batchSize: number }; epochs: { settings: { lr: number } }[] };
      expect([summary.options.lr, summary.options.batchSize]).toEqual([5, 32]);
      expect(summary.epochs.map((e) => e.settings.lr)).toEqual([0.2, 5]);
      const c = loadCheckpoint(join(d, 'checkpoint.safetensors'));
      expect(c.optimizer.param_groups[0]!['lr']).toBe(5);
      // And it trained with them: the same resume without the flags ends elsewhere.
      const same = train({ limit: 300, epochs: 2, t0: 5, out: plain, resume: true });
      expect(same.epochs[1]!.settings).toMatchObject({ lr: 0.2, batchSize: 64 });
      expect(r.model.parameters()[0]!.toFloat32Array()).not.toEqual(same.model.parameters()[0]!.toFloat32Array());
    } finally {
      rmSync(d, { recursive: true, force: true });
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('without flags a resumed run keeps the checkpoint\'s settings (model, lr, batch size, epochs), silently', { timeout: 60_000 }, () => {
    const d = tmp();
    try {
      train({ limit: 200, epochs: 1, model: 'cnn', lr: 0.03, batchSize: 20, out: d });
      const logs: string[] = [];
      const r = train({ out: d, resume: true, epochs: 2, log: (l) => logs.push(l) });
      expect(r.epochs.map((e) => e.settings)).toEqual([
        { batchSize: 20, lr: 0.03, weightDecay: 0, lambd: 1e-4, alpha: 0.75, t0: 300 },
        { batchSize: 20, lr: 0.03, weightDecay: 0, lambd: 1e-4, alpha: 0.75, t0: 300 },
      ]);
      expect(logs.filter((l) => l.startsWith('resume:'))).toEqual([]);
      expect(logs[0]).toMatch(/into 200 for training/); // the checkpoint's subset, not all 8000
      // The same values given again are not overrides.
      const again: string[] = [];
      train({ out: d, resume: true, epochs: 3, lr: 0.03, batchSize: 20, model: 'cnn', log: (l) => again.push(l) });
      expect(again.filter((l) => l.startsWith('resume:'))).toEqual([]);
      // No --epochs: the checkpoint's run is complete, nothing to train.
      const done: string[] = [];
      expect(train({ out: d, resume: true, log: (l) => done.push(l) }).epochs).toHaveLength(3);
      expect(done).toContain('resume: the checkpoint is at epoch 3 of 3; nothing to train (raise --epochs to train on)');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a changed --seed is refused (it chose the held-out digits), and nothing is written', { timeout: 60_000 }, () => {
    const d = tmp();
    try {
      train({ limit: 200, epochs: 1, out: d });
      const listing = (): string => readdirSync(d).sort().map((f) => `${f} ${readFileSync(join(d, f)).length}`).join('\n');
      const before = listing();
      expect(() => train({ out: d, resume: true, epochs: 2, seed: 3 })).toThrow("--seed 3: a resumed run keeps the checkpoint's seed (0), which chose its training and held-out digits; leave --seed out, or start a new run");
      expect(listing()).toBe(before);
      expect(train({ out: d, resume: true, epochs: 2, seed: 0 }).epochs).toHaveLength(2);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
