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
