/// <reference path="./env.d.ts" />
import { Tensor } from './tensor.js';
import { describe, wrap } from './ops/util.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_HEADER = 100 * 1024 * 1024;

/** Bytes per element of the dtypes we can read (all are converted to float32). */
const DTYPE_SIZE: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

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
 * Encodes named tensors in the safetensors format (as `safetensors.torch.save` writes it):
 * an 8-byte little-endian header length, a JSON header padded with spaces to a multiple of 8,
 * then the raw little-endian float32 data, tensors in name order.
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
  const entries = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // setOwn throughout: a tensor or metadata key named `__proto__` must be written as a key.
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata value for '${k}' must be a string, got ${typeof v}`);
      setOwn(meta, k, v);
    }
    setOwn(header, '__metadata__', meta);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new TypeError(`${op}: tensor names must be strings, got ${describe(name)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: '${name}' is not a Tensor, got ${describe(t)}`);
    if (name === '__metadata__') throw new RangeError(`${op}: '__metadata__' is reserved and cannot name a tensor`);
    const bytes = t.numel() * 4;
    setOwn(header, name, { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] });
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    headerBytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of entries) {
    const data = t.toFloat32Array();
    if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    else for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i]!, true);
    at += data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors buffer into float32 tensors (F32 as is; F64, F16, BF16 and integer
 * dtypes converted) and the header's `__metadata__`. Everything is validated before any tensor
 * is built: a malformed or truncated buffer throws an Error saying what is wrong, never a
 * partial result.
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
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_SIZE, dtype)) fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype) ?? 'undefined'} (supported: ${Object.keys(DTYPE_SIZE).join(', ')})`);
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
    const want = numel * DTYPE_SIZE[dtype as string]!;
    if (finish - begin !== want) fail(`tensor '${name}' of shape [${(shape as number[]).join(',')}] and dtype ${dtype as string} needs ${want} bytes but data_offsets span ${finish - begin}`);
    if (finish > dataLen) fail(`tensor '${name}' ends at byte ${finish} but the data section has ${dataLen} bytes; the file is truncated`);
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
    setOwn(tensors, name, wrap(readAs(e.dtype, view, dataStart + e.data_offsets[0], e.shape.reduce((a, b) => a * b, 1)), e.shape));
  }
  return { tensors, metadata };
}

function readAs(dtype: string, view: DataView, at: number, n: number): Float32Array {
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) out.set(new Float32Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + 4 * n)));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
      break;
    case 'F64': for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true); break;
    case 'F16': for (let i = 0; i < n; i++) out[i] = half(view.getUint16(at + 2 * i, true)); break;
    case 'BF16': {
      const tmp = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) { tmp.setUint32(0, view.getUint16(at + 2 * i, true) << 16); out[i] = tmp.getFloat32(0); }
      break;
    }
    case 'I64': for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(at + 8 * i, true)); break;
    case 'I32': for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, true); break;
    case 'I16': for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, true); break;
    case 'I8': for (let i = 0; i < n; i++) out[i] = view.getInt8(at + i); break;
    default: for (let i = 0; i < n; i++) out[i] = view.getUint8(at + i); // U8, BOOL
  }
  return out;
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
