/// <reference path="./env.d.ts" />
import { Tensor } from './tensor.js';
import { describe, wrap } from './ops/util.js';
import { dtypes, type DType } from './dtype.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_HEADER = 100 * 1024 * 1024;

/** The safetensors dtype codes we read and write (each to its own dtype), in the order errors list them. */
const CODES = ['F32', 'F64', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;
const BY_CODE: ReadonlyMap<string, DType> = new Map(dtypes.map((d) => [d.safetensors, d]));

/**
 * The reference writer's layout (`safetensors.torch.save`, the Rust `serialize`): tensors sorted
 * by its `Dtype` enum, descending, then by name. Larger elements come first, so every tensor is
 * aligned to its element size (the header is padded to 8).
 */
const WRITE_RANK: ReadonlyMap<string, number> = new Map(['I64', 'F64', 'F32', 'I32', 'BF16', 'F16', 'I16', 'I8', 'U8', 'BOOL'].map((c, i) => [c, i]));

/**
 * Orders strings by code point, which is the order of their UTF-8 bytes (Rust's `String` order,
 * the reference writer's); JavaScript's `<` compares UTF-16 units, which differs past U+FFFF.
 * Stepping one unit at a time is enough: where the strings first differ, `codePointAt` reads a
 * whole surrogate pair, and past equal high surrogates the low ones order as their code points.
 */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/**
 * Copies little-endian elements of `size` bytes from `src` into `dst` (a typed array's bytes) in
 * the host's order. `dst` is a fresh, aligned array: file data is never read through a view
 * that could be misaligned, and a decoded tensor never aliases the caller's buffer.
 */
function copyElements(src: Uint8Array, dst: Uint8Array, size: number): void {
  dst.set(src);
  if (!LITTLE_ENDIAN_HOST && size > 1) for (let i = 0; i < dst.length; i += size) dst.subarray(i, i + size).reverse();
}

/** Defines an own enumerable property: a name such as `__proto__` becomes a key, never the prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The keys of the top-level JSON object in `json`, and of the object under the top-level key
 * `nested`, in order and with duplicates. `JSON.parse` keeps the last of two equal keys
 * silently; a safetensors header naming one tensor twice is malformed, so we must see both.
 * `json` is known to parse, so a single forward scan with a stack of open brackets suffices.
 */
function objectKeys(json: string, nested: string): { top: string[]; inner: string[] } {
  const top: string[] = [], inner: string[] = [];
  const stack: string[] = [];
  let expectKey = false, lastTop = '', innerDepth = -1;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        if (stack.length === 1) top.push((lastTop = key));
        else if (stack.length === innerDepth) inner.push(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push(c);
      expectKey = c === '{';
      if (c === '{' && stack.length === 2 && innerDepth === -1 && lastTop === nested) innerDepth = 2;
    } else if (c === '}' || c === ']') {
      if (stack.length === innerDepth) innerDepth = -2; // the first such object only
      stack.pop();
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] === '{';
    }
  }
  return { top, inner };
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Encodes named tensors in the safetensors format, byte for byte as `safetensors.torch.save`
 * writes the same tensors: an 8-byte little-endian header length, a JSON header
 * (`__metadata__` first, its keys in the order given) padded with spaces to a multiple of 8, then each
 * tensor's raw little-endian elements in its own dtype (`F32`, `F64`, `I64` with all 64 bits,
 * `BOOL` as bytes 0 and 1, `F16`/`BF16` bit patterns, ...), laid out as the reference writer
 * lays them out: by dtype (I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL), then by name.
 *
 * @example
 * ```ts
 * import { encodeSafetensors, decodeSafetensors, ones } from '@tensile/tensor';
 * const bytes = encodeSafetensors({ 'fc.weight': ones([2, 2]) }, { epoch: '3' });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor> | Map<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const op = 'encodeSafetensors';
  if (!(tensors instanceof Map) && (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors))) {
    throw new TypeError(`${op}: tensors must be an object or a Map of name to Tensor, got ${describe(tensors)}`);
  }
  const entries: [unknown, unknown][] = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new TypeError(`${op}: tensor names must be strings, got ${describe(name)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: '${name}' is not a Tensor, got ${describe(t)}`);
    if (name === '__metadata__') throw new RangeError(`${op}: '__metadata__' is reserved and cannot name a tensor`);
  }
  const sorted = (entries as [string, Tensor][]).sort(([a, s], [b, t]) => WRITE_RANK.get(s.dtype.safetensors)! - WRITE_RANK.get(t.dtype.safetensors)! || byCodePoint(a, b));
  // NOTE: the header is written entry by entry, not with JSON.stringify of an object: an object
  // would list integer-like keys ('0', '10') first, and a key `__proto__` would need care.
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
    const given = Object.entries(metadata);
    for (const [k, v] of given) if (typeof v !== 'string') throw new TypeError(`${op}: metadata value for '${k}' must be a string, got ${typeof v}`);
    const meta = given.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of sorted) {
    const bytes = t.numel() * t.dtype.itemsize;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype.safetensors}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  let json = `{${parts.join(',')}}`;
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    headerBytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of sorted) {
    const data = t.toTypedArray();
    copyElements(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), out.subarray(at, at + data.byteLength), t.dtype.itemsize);
    at += data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors buffer into tensors of their own dtypes (`F32` float32, `F64` float64,
 * `I64` int64 with all 64 bits, `I32`/`I16`/`I8`/`U8`, `BOOL` bool, `F16`/`BF16` float16/bfloat16)
 * and the header's `__metadata__`. Each tensor's elements are copied out of `bytes` (aligned,
 * whatever the offsets in the file), so the result never aliases the input. Everything is
 * validated before any tensor is built (a `BOOL` byte other than 0 and 1 included): a malformed
 * or truncated buffer throws an Error saying what is wrong, never a partial result.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from '@tensile/tensor';
 * declare const bytes: Uint8Array; // e.g. readFileSync('model.safetensors')
 * const { tensors } = decodeSafetensors(bytes);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const fail = (msg: string): never => {
    throw new Error(`decodeSafetensors: ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) fail(`buffer of ${bytes.length} bytes is too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail(`header length ${n} is larger than the ${MAX_HEADER}-byte limit`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) fail(`header length ${headerLen} exceeds the buffer (${bytes.length - 8} bytes after the length); the file is truncated`);
  let header: unknown, text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header must be a JSON object');
  const keys = objectKeys(text, '__metadata__');
  const dupe = (list: string[]): string | undefined => list.find((k, i) => list.indexOf(k) !== i);
  const dupTop = dupe(keys.top);
  if (dupTop !== undefined) fail(dupTop === '__metadata__' ? 'the header has two __metadata__ entries' : `the header names tensor ${JSON.stringify(dupTop)} twice`);
  const dupMeta = dupe(keys.inner);
  if (dupMeta !== undefined) fail(`__metadata__ has the key ${JSON.stringify(dupMeta)} twice`);
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: [string, Entry][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value for '${k}' must be a string, got ${JSON.stringify(v)}`);
        setOwn(metadata, k, v as string);
      }
      continue;
    }
    const e = raw as Partial<Entry> | null;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(`entry '${name}' must be an object`);
    const own = (k: string): unknown => (Object.hasOwn(e!, k) ? (e as Record<string, unknown>)[k] : undefined);
    const dtype = own('dtype'), shape = own('shape'), off = own('data_offsets');
    if (!BY_CODE.has(dtype as string)) fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype) ?? 'undefined'} (supported: ${CODES.join(', ')})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape) ?? 'undefined'}`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1]! < off[0]!) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(off) ?? 'undefined'}`);
    }
    let numel = 1;
    for (const d of shape as number[]) {
      numel *= d;
      if (!Number.isSafeInteger(numel)) fail(`tensor '${name}' has a shape [${(shape as number[]).join(',')}] whose element count is not a safe integer`);
    }
    const [begin, finish] = off as [number, number];
    const want = numel * BY_CODE.get(dtype as string)!.itemsize;
    if (finish - begin !== want) fail(`tensor '${name}' of shape [${(shape as number[]).join(',')}] and dtype ${dtype as string} needs ${want} bytes but data_offsets span ${finish - begin}`);
    if (finish > dataLen) fail(`tensor '${name}' ends at byte ${finish} but the data section has ${dataLen} bytes; the file is truncated`);
    if (dtype === 'BOOL') {
      for (let i = 0; i < numel; i++) {
        const v = bytes[dataStart + begin + i]!;
        if (v > 1) fail(`tensor '${name}' of dtype BOOL holds the byte ${v} at element ${i}; a BOOL element must be 0 or 1`);
      }
    }
    entries.push([name, { dtype: dtype as string, shape: shape as number[], data_offsets: [begin, finish] }]);
  }
  // The data section must be covered exactly, without overlap (as the reference validator requires).
  const spans = entries.map(([name, e]) => [e.data_offsets[0], e.data_offsets[1], name] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let end = 0;
  for (const [b, e, name] of spans) {
    if (b < end) fail(`tensor '${name}' overlaps the previous tensor (starts at ${b}, previous ends at ${end})`);
    if (b > end) fail(`the data section has a gap before tensor '${name}' (bytes ${end} to ${b})`);
    end = e;
  }
  if (end !== dataLen) fail(`the data section has ${dataLen} bytes but the tensors cover ${end}`);

  const tensors: Record<string, Tensor> = {};
  for (const [name, e] of entries) {
    const dt = BY_CODE.get(e.dtype)!;
    const data = new dt.array(e.shape.reduce((a, b) => a * b, 1));
    copyElements(bytes.subarray(dataStart + e.data_offsets[0], dataStart + e.data_offsets[1]), new Uint8Array(data.buffer), dt.itemsize);
    setOwn(tensors, name, wrap(data, e.shape, dt));
  }
  return { tensors, metadata };
}
