/**
 * The output directory of a training run: checked before anything is written, and its
 * metrics log cut back to the checkpoint when a killed run is resumed.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeAtomic } from './checkpoint.js';

/**
 * The example CLIs' exit statuses. 2: what the user asked for cannot be done (a flag, a path,
 * a checkpoint); found before the run, so nothing was written. 1: the system failed a run that
 * was asked for correctly (a full disk, a file-size limit, an I/O error); temporary files are
 * removed and the last checkpoint is intact. Either is one line on stderr; any other error is
 * a bug and keeps its stack.
 */
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 1;

/**
 * A problem with what the user asked for (a flag, a path, a checkpoint), as opposed to a bug.
 * The CLIs print its message on one line and exit with status 2 (EXIT_USAGE).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The system failed a run that was asked for correctly: a write refused for want of space, a
 * file-size limit, an I/O error. The CLIs print its message on one line and exit with status 1
 * (EXIT_ENVIRONMENT).
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** `fn()`, with a file-system error it throws turned into an EnvironmentError naming `path`; `after()` ends the message. */
export function writing<T>(path: string, fn: () => T, after: () => string = () => ''): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UsageError || e instanceof EnvironmentError || !isFsError(e)) throw e;
    throw new EnvironmentError(`cannot write ${path}: ${describeFsError(e)}${after()}`);
  }
}

function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * What a CLI does with an error that ends it: a UsageError is one line and status 2; an
 * EnvironmentError, or a file-system error nobody wrapped, one line and status 1; anything
 * else is a bug, rethrown with its stack. `cleanup` runs first (a progress bar to stop).
 */
export function exitOnError(program: string, e: unknown, cleanup?: () => void): never {
  if (!(e instanceof UsageError || e instanceof EnvironmentError || isFsError(e))) throw e;
  cleanup?.();
  if (e instanceof UsageError || e instanceof EnvironmentError) console.error(`${program}: ${e.message.split('\n').join(' ')}`);
  else console.error(`${program}: ${e.syscall}${e.path === undefined ? '' : ` ${e.path}`}: ${describeFsError(e)}`);
  process.exit(e instanceof UsageError ? EXIT_USAGE : EXIT_ENVIRONMENT);
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
    EROFS: 'the file system is read-only', ENOSPC: 'no space left on the device', EDQUOT: 'the disk quota is exceeded',
    EFBIG: 'the file is larger than this system or the file-size limit (ulimit -f) allows', EIO: 'an input/output error',
  };
  const reason = err.code ? reasons[err.code] : undefined;
  return reason ? `${reason} (${err.code})` : (err.message ?? String(e)).split('\n')[0]!;
}

/**
 * `mkdir -p`, a level at a time from the nearest directory that exists. Node's recursive
 * mkdirSync loops forever at 100% CPU where mkdir answers ENOENT under a parent that exists
 * (`/proc/x`); this fails at once, naming the directory it could not make.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made by someone else meanwhile: fine if it is a directory.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw e;
    }
  }
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
  try {
    makeDirs(out);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const where = err.path !== undefined && resolve(err.path) !== resolve(out) ? ` (mkdir ${err.path})` : '';
    throw new UsageError(`--out ${out}: cannot create the directory: ${describeFsError(e)}${where}`);
  }
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
