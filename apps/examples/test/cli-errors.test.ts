import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { train } from '../src/mnist/train.js';
import { truncateMetrics } from '../src/lib/run-dir.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let work = '';
let cli = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tensile-cli-'));
  // The same bundle scripts/run.mjs makes, built once here so every child starts at once. It
  // sits in the package's dist/ so that the `mnist` data package resolves from it.
  cli = join(here, '..', 'dist', `mnist-cli-test-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, '..', 'src', 'mnist', 'cli.ts')],
    bundle: true, keepNames: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['@tensile/source'],
    outfile: cli, logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
}, 60_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(cli, { force: true });
});

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: work });

/** Names, sizes and modification times of everything under `dir`: "nothing written" means this is unchanged. */
function listing(dir: string): string {
  if (!existsSync(dir)) return '(none)';
  if (!statSync(dir).isDirectory()) return `file ${statSync(dir).size} ${statSync(dir).mtimeMs}`;
  return readdirSync(dir).sort().map((f) => {
    const s = statSync(join(dir, f));
    return `${f} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`;
  }).join('\n');
}

function expectUserError(r: ReturnType<typeof run>, message: string | RegExp, untouched: string, before: string): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^mnist: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(listing(untouched)).toBe(before);
}

describe('the MNIST CLI: every user error is one line, status 2, and writes nothing', () => {
  it('--out naming an existing file', () => {
    const f = join(work, 'a-file');
    writeFileSync(f, 'keep me');
    const before = listing(f);
    expectUserError(run('--epochs', '1', '--out', f), `--out ${f}: exists and is not a directory`, f, before);
    expect(readFileSync(f, 'utf8')).toBe('keep me');
  });

  it('--out under a file (a parent that is not a directory)', () => {
    const f = join(work, 'parent-file');
    writeFileSync(f, 'x');
    const before = listing(work);
    expectUserError(run('--epochs', '1', '--out', join(f, 'run')), `--out ${join(f, 'run')}: cannot create the directory:`, work, before);
  });

  it('a checkpoint path that is a directory', () => {
    const d = join(work, 'ckpt-dir');
    mkdirSync(join(d, 'checkpoint.safetensors'), { recursive: true });
    const before = listing(d);
    expectUserError(run('--epochs', '1', '--out', d, '--resume'), `checkpoint ${join(d, 'checkpoint.safetensors')}: is a directory, not a file`, d, before);
    expectUserError(run('--epochs', '1', '--out', d), `checkpoint ${join(d, 'checkpoint.safetensors')}: is a directory, not a file`, d, before);
  });

  it('--resume with no checkpoint, and --resume without --out', () => {
    const d = join(work, 'empty-run');
    mkdirSync(d);
    expectUserError(run('--out', d, '--resume'), `--resume: no checkpoint at ${join(d, 'checkpoint.safetensors')}`, d, listing(d));
    expectUserError(run('--resume'), '--resume needs --out DIR', work, listing(work));
  });

  describe('with a real checkpoint', () => {
    let good = '';
    let bytes: Buffer;
    beforeAll(() => {
      good = join(work, 'good');
      train({ limit: 200, epochs: 1, out: good });
      bytes = readFileSync(join(good, 'checkpoint.safetensors'));
    }, 60_000);

    const withCheckpoint = (name: string, content: Uint8Array): string => {
      const d = join(work, name);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'checkpoint.safetensors'), content);
      writeFileSync(join(d, 'metrics.jsonl'), '{"kind":"epoch","epoch":1}\n');
      return d;
    };

    it('a truncated checkpoint', () => {
      const d = withCheckpoint('truncated', bytes.subarray(0, bytes.length - 10));
      expectUserError(run('--out', d, '--resume', '--epochs', '2'), /^mnist: checkpoint .* is corrupt: /, d, listing(d));
    });

    it('a corrupted checkpoint (one flipped byte)', () => {
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 7]! ^= 0x04;
      const d = withCheckpoint('flipped', flipped);
      expectUserError(run('--out', d, '--resume', '--epochs', '2'), /^mnist: checkpoint .* is corrupt: checksum mismatch/, d, listing(d));
    });

    it('a file that is not a checkpoint at all', () => {
      const d = withCheckpoint('garbage', new TextEncoder().encode('not a safetensors file'));
      expectUserError(run('--out', d, '--resume', '--epochs', '2'), /^mnist: checkpoint .* is corrupt: decodeSafetensors: /, d, listing(d));
    });

    it("a checkpoint of another model (a foreign one)", () => {
      const d = withCheckpoint('foreign', bytes);
      const r = run('--out', d, '--resume', '--epochs', '2', '--model', 'cnn');
      expectUserError(r, /^mnist: checkpoint .* does not fit this model and optimizer: /, d, listing(d));
      // Class names survive bundling (esbuild keepNames): PyTorch's words, "for Sequential", not "Sequential2".
      expect(r.stderr).toMatch(/state_dict for Sequential:/);
    });

    it('--resume --lr 5: trains on at lr 5, says so in one line, and summary.json and metrics.jsonl record it per epoch', () => {
      const d = withCheckpoint('override', bytes);
      const r = run('--out', d, '--resume', '--epochs', '2', '--lr', '5');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('resume:'))).toEqual(["resume: --lr 5 overrides the checkpoint's 0.2"]);
      const summary = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as { options: { lr: number }; epochs: { epoch: number; settings: { lr: number } }[] };
      expect(summary.options.lr).toBe(5);
      expect(summary.epochs.map((e) => [e.epoch, e.settings.lr])).toEqual([[1, 0.2], [2, 5]]);
      const last = readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; epoch: number; settings?: { lr: number } }).filter((l) => l.kind === 'epoch').at(-1)!;
      expect([last.epoch, last.settings?.lr]).toEqual([2, 5]);
    }, 60_000); // a hang guard: two epochs in a child process took over 5 s on a loaded machine

    it('--resume --seed 1 (another train/test split): refused', () => {
      const d = withCheckpoint('reseed', bytes);
      expectUserError(run('--out', d, '--resume', '--epochs', '2', '--seed', '1'), "--seed 1: a resumed run keeps the checkpoint's seed (0)", d, listing(d));
    });

    it('a fresh run into a directory that holds a run: refused, the run kept', () => {
      const d = withCheckpoint('occupied', bytes);
      expectUserError(run('--out', d, '--epochs', '1'), `--out ${d}: already holds a run`, d, listing(d));
    });
  });
});

describe('the MNIST CLI when the system fails it: one line, status 1, no temporary file, the last checkpoint intact', () => {
  const tmpFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.includes('.tmp-'));

  it.skipIf(!existsSync('/proc/self'))('--out /proc/x/run fails at once with one line (Node\'s recursive mkdir spins forever there)', () => {
    const t = Date.now();
    const r = spawnSync(process.execPath, [cli, '--epochs', '1', '--out', '/proc/tensile-x/run'], { encoding: 'utf8', cwd: work, timeout: 30_000 });
    expect(r.signal, 'killed by the timeout: the CLI hung').toBeNull();
    expect(Date.now() - t).toBeLessThan(20_000);
    expectUserError(r, '--out /proc/tensile-x/run: cannot create the directory: no such file or directory (ENOENT) (mkdir /proc/tensile-x)', work, listing(work));
  });

  it.skipIf(!existsSync('/dev/full'))('ENOSPC on metrics.jsonl (a link to /dev/full): one line naming the file, status 1', () => {
    const d = join(work, 'full-disk');
    mkdirSync(d);
    symlinkSync('/dev/full', join(d, 'metrics.jsonl'));
    const r = run('--out', d, '--epochs', '1');
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toEqual([`mnist: cannot write ${join(d, 'metrics.jsonl')}: no space left on the device (ENOSPC); no checkpoint was written yet`]);
    expect(tmpFiles(d)).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux' || !existsSync('/bin/sh'))('EFBIG while the checkpoint is written (ulimit -f): one line, status 1, the temporary file removed, the previous checkpoint intact and resumable', { timeout: 120_000 }, () => {
    const d = join(work, 'file-size-limit');
    expect(run('--out', d, '--epochs', '1').status).toBe(0);
    const ckpt = join(d, 'checkpoint.safetensors');
    const before = readFileSync(ckpt);
    expect(before.length).toBeGreaterThan(400_000); // larger than the limit below; the metrics stay smaller
    // A file-size limit of 300 blocks (150 or 300 KiB): Node ignores SIGXFSZ, so the write fails with EFBIG.
    const r = spawnSync('/bin/sh', ['-c', 'ulimit -f 300 && exec "$0" "$@"', process.execPath, cli, '--out', d, '--resume', '--epochs', '2'], { encoding: 'utf8', cwd: work, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^mnist: cannot write ${ckpt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file is larger than .* \\(EFBIG\\); the checkpoint of epoch 1 is intact \\(continue with --out .* --resume\\)$`));
    expect(tmpFiles(d)).toEqual([]);
    expect(readFileSync(ckpt).equals(before), 'the checkpoint changed').toBe(true);
    const again = run('--out', d, '--resume', '--epochs', '2');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')).final.epoch).toBe(2);
  });
});

describe('metrics.jsonl after a killed run is resumed', () => {
  it('truncateMetrics keeps the checkpoint\'s epochs, drops later lines and a line cut mid-write', () => {
    const d = mkdtempSync(join(work, 'trunc-'));
    const path = join(d, 'metrics.jsonl');
    const lines = [
      { kind: 'step', epoch: 1, batch: 25 }, { kind: 'epoch', epoch: 1 },
      { kind: 'step', epoch: 2, batch: 25 }, { kind: 'epoch', epoch: 2 },
      { kind: 'step', epoch: 3, batch: 25 }, { kind: 'step', epoch: 3, batch: 50 },
    ].map((l) => JSON.stringify(l));
    writeFileSync(path, `${lines.join('\n')}\n{"kind":"step","epo`);
    expect(truncateMetrics(path, 2)).toEqual({ kept: 4, dropped: 3 });
    expect(readFileSync(path, 'utf8')).toBe(`${lines.slice(0, 4).join('\n')}\n`);
    expect(readdirSync(d)).toEqual(['metrics.jsonl']); // no temporary file left
    expect(truncateMetrics(path, 2)).toEqual({ kept: 4, dropped: 0 });
    rmSync(join(d, 'metrics.jsonl'));
    expect(truncateMetrics(path, 0)).toEqual({ kept: 0, dropped: 0 });
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('killed with SIGKILL again and again, then resumed: the log equals an uninterrupted run\'s, no (epoch, step) twice', { timeout: 180_000 }, async () => {
    const epochs = '8';
    const d = join(work, 'killed');
    const ckpt = join(d, 'checkpoint.safetensors');
    const delays = [30, 150, 80, 250, 10, 120];
    const metrics = join(d, 'metrics.jsonl');
    const size = (): number => (existsSync(metrics) ? statSync(metrics).size : 0);
    let drops = 0;
    for (const delay of delays) {
      const resume = existsSync(ckpt);
      const size0 = size();
      const child = spawn(process.execPath, [cli, '--out', d, '--epochs', epochs, ...(resume ? ['--resume'] : [])], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Let it get past its first checkpoint (or, resuming, write new lines), then kill it mid-run.
      let exited = false;
      void done.then(() => { exited = true; });
      const start = Date.now();
      const ready = (): boolean => (resume ? size() > size0 : existsSync(ckpt));
      while (!exited && !ready() && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      const code = await done;
      expect(code === null || code === 0, out).toBe(true);
      if (/dropped \d+ metrics lines/.test(out)) drops++;
    }
    // Some kill must have landed after lines past a checkpoint were written, or the cut was never exercised.
    expect(drops).toBeGreaterThan(0);
    const finish = run('--out', d, '--epochs', epochs, '--resume');
    expect(finish.status, finish.stderr).toBe(0);

    const reference = join(work, 'uninterrupted');
    const r = run('--out', reference, '--epochs', epochs);
    expect(r.status, r.stderr).toBe(0);

    // Timing fields differ between runs; everything else must be the same, line for line.
    const read = (dir: string): string[] => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const { seconds: _s, examplesPerSecond: _e, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    const got = read(d), want = read(reference);
    const keys = got.map((l) => { const o = JSON.parse(l) as Record<string, unknown>; return `${String(o['kind'])}:${String(o['epoch'])}:${String(o['batch'])}`; });
    expect(new Set(keys).size, 'an (epoch, step) key appears twice').toBe(keys.length);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    console.log(`SIGKILL test: ${delays.length} kills, ${drops} resumes dropped lines a killed run wrote past its checkpoint`);
  });
});
