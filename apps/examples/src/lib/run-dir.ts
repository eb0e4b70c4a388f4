/**
 * The output directory of a training run: checked before anything is written, and its
 * metrics log cut back to the checkpoint when a killed run is resumed.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from './checkpoint.js';

/**
 * A problem with what the user asked for (a flag, a path, a checkpoint), as opposed to a bug.
 * The CLIs print its message on one line and exit with status 2; other errors keep their stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `fn()`, with any error it throws turned into a UsageError whose message starts with `prefix`. */
export function asUsageError<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${prefix}${describeFsError(e)}`);
  }
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'operation not permitted', ENOTDIR: 'a parent of the path is a file, not a directory',
    EISDIR: 'it is a directory, not a file', EEXIST: 'it exists and is not a directory', ENOENT: 'no such file or directory',
    EROFS: 'the file system is read-only', ENOSPC: 'no space left on the device',
  };
  return (err.code && reasons[err.code]) ?? err.message ?? String(e);
}

/**
 * Checks `out` before a run writes anything: it is a directory (or can be made one), and a
 * fresh run does not overwrite an earlier run's checkpoint there. Returns the checkpoint path.
 */
export function prepareRunDir(out: string, resume: boolean): string {
  const ckpt = join(out, 'checkpoint.safetensors');
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a directory`);
  if (existsSync(ckpt) && statSync(ckpt).isDirectory()) throw new UsageError(`checkpoint ${ckpt}: is a directory, not a file`);
  if (resume) {
    if (!existsSync(ckpt)) throw new UsageError(`--resume: no checkpoint at ${ckpt} (the run to continue); start it without --resume`);
    return ckpt;
  }
  if (existsSync(ckpt)) {
    throw new UsageError(`--out ${out}: already holds a run (${ckpt}); add --resume to continue it, or choose another directory`);
  }
  ensureOutDir(out);
  return ckpt;
}

/** Makes sure `out` is a directory (creating it), or throws a UsageError naming it and the problem. */
export function ensureOutDir(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out}: exists and is not a directory`);
  asUsageError(`--out ${out}: cannot create the directory: `, () => mkdirSync(out, { recursive: true }));
}

/** What a metrics line says about where in training it was written. */
interface MetricsLine {
  epoch?: unknown;
}

/**
 * On resume, keeps the metrics of the epochs the checkpoint holds (epoch <= `epoch`) and drops
 * the rest: lines a killed run wrote after its last checkpoint, which the resumed run writes
 * again, and a last line cut off mid-write. Rewritten atomically, so a kill during the cut
 * leaves the old file whole.
 */
export function truncateMetrics(path: string, epoch: number): { kept: number; dropped: number } {
  if (!existsSync(path)) {
    writeAtomic(path, new Uint8Array());
    return { kept: 0, dropped: 0 };
  }
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const keep: string[] = [];
  for (const line of lines) {
    let parsed: MetricsLine;
    try {
      parsed = JSON.parse(line) as MetricsLine;
    } catch {
      continue; // a line cut off by a kill
    }
    if (typeof parsed.epoch === 'number' && parsed.epoch <= epoch) keep.push(line);
  }
  if (keep.length !== lines.length) {
    writeAtomic(path, new TextEncoder().encode(keep.map((l) => `${l}\n`).join('')));
  }
  return { kept: keep.length, dropped: lines.length - keep.length };
}
