/**
 * Training checkpoints in the safetensors format: model weights (`model.<name>`) and the
 * optimizer's state tensors (`optim.<index>.<key>`) as tensors; the optimizer's other state,
 * its param groups, the epoch and the RNG states as JSON in the header metadata. A PyTorch
 * user can read the file with `safetensors` (see scripts/load_checkpoint.py).
 *
 * Writes are atomic (temporary file, fsync, rename), so a crash mid-write never destroys the
 * last good checkpoint. A checksum over the tensors and metadata catches corruption that the
 * format itself cannot (a flipped byte in the data).
 */
import { closeSync, existsSync, fsyncSync, statSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeSafetensors, encodeSafetensors, Tensor } from '@tensile/tensor';
import type { OptimizerStateDict } from '@tensile/optim';

export const FORMAT = 'tensile-checkpoint/1';

export interface Checkpoint {
  epoch: number;
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict;
  /** Generator states (`Generator.getState()`), by name. */
  rng: Record<string, number[]>;
  /** Anything else worth keeping (options, metrics). */
  extra: Record<string, unknown>;
}

/** FNV-1a (32-bit) over bytes; enough to detect corruption, not tampering. */
function fnv1a(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h >>> 0;
}

function checksum(tensors: Record<string, Tensor>, meta: Record<string, string>): string {
  const enc = new TextEncoder();
  let h = 2166136261;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    h = fnv1a(h, enc.encode(`${name}:${t.shape.join(',')};`));
    const d = t.toFloat32Array();
    h = fnv1a(h, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  for (const k of Object.keys(meta).sort()) if (k !== 'checksum') h = fnv1a(h, enc.encode(`${k}=${meta[k]};`));
  return h.toString(16).padStart(8, '0');
}

/** An own enumerable property: a user's name such as `__proto__` stays a key, never the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function containsTensor(v: unknown): boolean {
  if (v instanceof Tensor) return true;
  if (Array.isArray(v)) return v.some(containsTensor);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(containsTensor);
  return false;
}

/** The checkpoint as safetensors bytes. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.model)) setOwn(tensors, `model.${k}`, v);
  const state: Record<string, unknown> = {};
  for (const [idx, s] of Object.entries(c.optimizer.state)) {
    if (!/^\d+$/.test(idx)) {
      // A user's own entry in opt.state (PyTorch keeps those): plain JSON only.
      if (containsTensor(s)) throw new Error(`checkpoint: optimizer state entry '${idx}' holds tensors; this checkpoint format keeps user entries as plain JSON`);
      setOwn(state, idx, s);
      continue;
    }
    const entry: Record<string, unknown> = {};
    setOwn(state, idx, entry);
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
      if (v instanceof Tensor) setOwn(tensors, `optim.${idx}.${k}`, v);
      else setOwn(entry, k, v);
    }
  }
  const meta: Record<string, string> = {
    format: FORMAT,
    epoch: String(c.epoch),
    optimizer: JSON.stringify({ state, param_groups: c.optimizer.param_groups }),
    rng: JSON.stringify(c.rng),
    extra: JSON.stringify(c.extra),
  };
  meta['checksum'] = checksum(tensors, meta);
  return encodeSafetensors(tensors, meta);
}

/** Parses and verifies checkpoint bytes; throws a clear error and returns nothing partial. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`${source} is corrupt: ${(e as Error).message}`);
  }
  const { tensors, metadata: meta } = decoded;
  if (meta['format'] !== FORMAT) throw new Error(`${source} is not a tensile checkpoint (format ${JSON.stringify(meta['format'] ?? null)}, expected ${FORMAT})`);
  if (meta['checksum'] !== checksum(tensors, meta)) throw new Error(`${source} is corrupt: checksum mismatch (the file was changed or damaged)`);
  let optimizer: OptimizerStateDict, rng: Record<string, number[]>, extra: Record<string, unknown>;
  try {
    optimizer = JSON.parse(meta['optimizer']!) as OptimizerStateDict;
    rng = JSON.parse(meta['rng']!) as Record<string, number[]>;
    extra = JSON.parse(meta['extra']!) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${source} is corrupt: bad metadata (${(e as Error).message})`);
  }
  const model: Record<string, Tensor> = {};
  const state = optimizer.state as Record<string, unknown>;
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith('model.')) setOwn(model, name.slice(6), t);
    else if (name.startsWith('optim.')) {
      const [, idx, key] = /^optim\.(\d+)\.(.+)$/.exec(name) ?? [];
      if (idx === undefined || key === undefined) throw new Error(`${source} is corrupt: unexpected tensor '${name}'`);
      if (!Object.hasOwn(state, idx)) setOwn(state, idx, {});
      setOwn(state[idx] as Record<string, unknown>, key, t);
    } else throw new Error(`${source} is corrupt: unexpected tensor '${name}'`);
  }
  return { epoch: Number(meta['epoch']), model, optimizer, rng, extra };
}

/** How writeAtomic writes; tests replace `write` to simulate a full disk or a file-size limit, `beforeRename` a crash. */
export interface WriteOptions {
  write?: (fd: number, bytes: Uint8Array, offset: number, length: number) => number;
  beforeRename?: () => void;
}

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename,
 * then fsync of the directory. If any step fails (ENOSPC, EFBIG, a crash simulated by
 * `beforeRename`), the temporary file is removed and `path` is as it was; the error is rethrown.
 */
export function writeAtomic(path: string, bytes: Uint8Array, { write = writeSync, beforeRename }: WriteOptions = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    let off = 0;
    while (off < bytes.length) off += write(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    beforeRename?.();
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try { closeSync(fd); } catch { /* the write's error is the one to report */ }
    }
    try { unlinkSync(tmp); } catch { /* never created, or already gone */ }
    throw e;
  }
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

export function saveCheckpoint(path: string, c: Checkpoint, options: WriteOptions = {}): void {
  writeAtomic(path, encodeCheckpoint(c), options);
}

export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new Error(`checkpoint: no file at ${path}`);
  if (statSync(path).isDirectory()) throw new Error(`checkpoint ${path}: is a directory, not a file`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), `checkpoint ${path}`);
}
