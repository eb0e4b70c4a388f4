import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors, tensor, arange, zeros, bfloat16, bool, float16, float32, float64, int16, int32, int64, int8, uint8, type DType, type Tensor } from '@tensile/tensor';
import { expectArraysEqual, expectBitsEqual } from './helpers/arrays.js';

/** A safetensors file built by hand from the format's rules. */
function file(header: object | string, data: Uint8Array = new Uint8Array(), pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const f32bytes = (v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);

describe('safetensors', () => {
  it('encodes byte for byte as the format specifies', () => {
    const bytes = encodeSafetensors({ b: tensor([5]), a: tensor([[1, 2], [3, 4]]) }, { k: 'v' });
    const want = file({ __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [1], data_offsets: [16, 20] } }, f32bytes([1, 2, 3, 4, 5]));
    expectArraysEqual(bytes, want, 'file bytes');
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });

  it('round-trips names, shapes, values (incl. 0-d, empty, non-contiguous) and metadata', () => {
    const t: Record<string, Tensor> = { w: arange(6).reshape(2, 3).t(), s: tensor(3.5), e: tensor([], { shape: [0, 3] }), 'layer.0.bias': tensor([-0, Infinity, NaN]) };
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors(t, { epoch: '2', note: 'ü' }));
    expect(metadata).toEqual({ epoch: '2', note: 'ü' });
    for (const [k, v] of Object.entries(t)) {
      expect([...tensors[k]!.shape]).toEqual([...v.shape]);
      expectArraysEqual(tensors[k]!.toFloat32Array(), v.toFloat32Array(), k);
    }
  });

  it('reads each dtype as its own dtype (F64 keeps 0.1 as a double, I64 as an int64, F16 and BF16 as their bits)', () => {
    const data = new Uint8Array(8 + 8 + 2 + 2 + 4);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, 0.1, true);
    dv.setBigInt64(8, -7n, true);
    dv.setUint16(16, 0x3c00, true); // f16 1.0
    dv.setUint16(18, 0x4049, true); // bf16 3.140625
    dv.setInt32(20, 42, true);
    const bytes = file({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] }, b: { dtype: 'I64', shape: [], data_offsets: [8, 16] }, c: { dtype: 'F16', shape: [1], data_offsets: [16, 18] }, d: { dtype: 'BF16', shape: [1], data_offsets: [18, 20] }, e: { dtype: 'I32', shape: [1], data_offsets: [20, 24] } }, data);
    const { tensors } = decodeSafetensors(bytes);
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => tensors[k]!.dtype)).toEqual([float64, int64, float16, bfloat16, int32]);
    expect([tensors['a']!.item(), tensors['b']!.item(), tensors['c']!.item(), tensors['d']!.item(), tensors['e']!.item()]).toEqual([0.1, -7, 1, 3.140625, 42]);
    expect([...tensors['c']!.toTypedArray(), ...tensors['d']!.toTypedArray()]).toEqual([0x3c00, 0x4049]);
  });

  it('reads every dtype, several elements each, whatever order the header lists the tensors in', () => {
    // Data laid out z (F64), y (I64), x (I32), w (I16), v (I8), u (U8), t (BOOL); the header lists them
    // in name order, which is the reverse: the decoder must order by offset, not by name.
    const data = new Uint8Array(3 * 8 + 3 * 8 + 3 * 4 + 3 * 2 + 3 + 3 + 3);
    const dv = new DataView(data.buffer);
    [0.1, -2.5, 1e300].forEach((v, i) => dv.setFloat64(8 * i, v, true));
    [-7n, 2n ** 40n, 3n].forEach((v, i) => dv.setBigInt64(24 + 8 * i, v, true));
    [42, -100000, 7].forEach((v, i) => dv.setInt32(48 + 4 * i, v, true));
    [-3, 30000, 5].forEach((v, i) => dv.setInt16(60 + 2 * i, v, true));
    [-128, 127, -1].forEach((v, i) => dv.setInt8(66 + i, v));
    [0, 200, 255].forEach((v, i) => dv.setUint8(69 + i, v));
    [1, 0, 1].forEach((v, i) => dv.setUint8(72 + i, v));
    const at = (dtype: string, from: number, to: number): object => ({ dtype, shape: [3], data_offsets: [from, to] });
    const { tensors } = decodeSafetensors(file({ t: at('BOOL', 72, 75), u: at('U8', 69, 72), v: at('I8', 66, 69), w: at('I16', 60, 66), x: at('I32', 48, 60), y: at('I64', 24, 48), z: at('F64', 0, 24) }, data));
    const got = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Array.from(t.toFloat32Array())]));
    expect(got).toEqual({
      z: [Math.fround(0.1), -2.5, Infinity], y: [-7, 2 ** 40, 3], x: [42, -100000, 7], w: [-3, 30000, 5],
      v: [-128, 127, -1], u: [0, 200, 255], t: [1, 0, 1],
    });
  });

  it('reads F16 and BF16 exactly as PyTorch converts them to float32: subnormals, ±0, ±Inf, NaN, every exponent', () => {
    // Written by scripts/fixtures/safetensors_fixtures.py; the *_expected tensors are PyTorch's .float().
    const { tensors, metadata } = decodeSafetensors(readFileSync(new URL('./fixtures/half.safetensors', import.meta.url)));
    expect(metadata['writer']).toBe('scripts/fixtures/safetensors_fixtures.py');
    for (const name of ['f16', 'bf16']) {
      const got = tensors[name]!.toFloat32Array(), want = tensors[`${name}_expected`]!.toFloat32Array();
      // The fixture holds what it claims: subnormals, both zeros, both infinities and NaNs.
      const smallestNormal = name === 'f16' ? 2 ** -14 : 2 ** -126;
      expect(want.some((v) => v !== 0 && Math.abs(v) < smallestNormal), `${name}: subnormals`).toBe(true);
      expect([want.some((v) => Object.is(v, -0)), want.includes(Infinity), want.includes(-Infinity), want.some(Number.isNaN)], `${name}: -0, Inf, -Inf, NaN`).toEqual([true, true, true, true]);
      // NaN stays NaN (its payload and sign are not kept: we promise float32 values, not NaN bits);
      // every other value has PyTorch's bits, so -0 stays -0.
      const isNaN = (v: number): number => +Number.isNaN(v);
      expectArraysEqual(Array.from(got, isNaN), Array.from(want, isNaN), `${name}: NaN positions`);
      expectBitsEqual(got.filter((v) => !Number.isNaN(v)), want.filter((v) => !Number.isNaN(v)), `${name}: values`);
    }
  });

  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const bad: [string, Uint8Array, string][] = [
    ['shorter than the length field', new Uint8Array(5), 'buffer of 5 bytes is too short to hold the 8-byte header length'],
    ['header length past the end', (() => { const b = file(ok, f32bytes([1, 2])); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; })(), 'header length 1000 exceeds the buffer'],
    ['a huge header length', (() => { const b = file(ok, f32bytes([1, 2])); new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true); return b; })(), 'is larger than the'],
    ['invalid JSON', file('{"a": ', new Uint8Array()), 'header is not valid UTF-8 JSON'],
    ['a JSON array header', file('[1,2]'), 'header must be a JSON object'],
    ['an unknown dtype', file({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), `tensor 'a' has unsupported dtype "C64"`],
    ['a negative dim', file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has an invalid shape [-1]`],
    ['offsets that disagree with the shape', file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), `tensor 'a' of shape [3] and dtype F32 needs 12 bytes but data_offsets span 8`],
    ['data past the end', file(ok, new Uint8Array(4)), `tensor 'a' ends at byte 8 but the data section has 4 bytes; the file is truncated`],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), `tensor 'b' overlaps the previous tensor`],
    ['a gap', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), `the data section has a gap before tensor 'a'`],
    ['trailing bytes', file(ok, new Uint8Array(12)), 'the data section has 12 bytes but the tensors cover 8'],
    ['non-string metadata', file({ __metadata__: { epoch: 3 }, ...ok }, new Uint8Array(8)), `__metadata__ value for 'epoch' must be a string, got 3`],
    // Each check below is the first to see its fault: with the check removed, a later one would
    // throw a different message (or none), so the message itself pins the check.
    ['a name that is not valid UTF-8', (() => { const b = file({ axy: ok.a }, f32bytes([1, 2])); b[11] = 0xff; return b; })(), 'header is not valid UTF-8 JSON'],
    ['__metadata__ that is an array', file({ __metadata__: ['v'], ...ok }, new Uint8Array(8)), '__metadata__ must be an object of strings'],
    ['__metadata__ that is null', file({ __metadata__: null, ...ok }, new Uint8Array(8)), '__metadata__ must be an object of strings'],
    ['an entry that is a number', file({ a: 3 }), `entry 'a' must be an object`],
    ['an entry that is null', file({ a: null }), `entry 'a' must be an object`],
    ['a dtype that is not a string', file({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has unsupported dtype 4`],
    ['a shape that is not an array', file({ a: { dtype: 'F32', shape: 1, data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has an invalid shape 1`],
    ['a fractional dim', file({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has an invalid shape [1.5]`],
    ['three data_offsets', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 4] } }, new Uint8Array(4)), `tensor 'a' has invalid data_offsets [0,4,4]`],
    ['data_offsets that are not an array', file({ a: { dtype: 'F32', shape: [1], data_offsets: 4 } }, new Uint8Array(4)), `tensor 'a' has invalid data_offsets 4`],
    ['a negative data offset', file({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, new Uint8Array(4)), `tensor 'a' has invalid data_offsets [-4,0]`],
    ['a fractional data offset', file({ a: { dtype: 'U8', shape: [1], data_offsets: [0.5, 1.5] } }, new Uint8Array(2)), `tensor 'a' has invalid data_offsets [0.5,1.5]`],
    ['data_offsets that end before they start', file({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, new Uint8Array(8)), `tensor 'a' has invalid data_offsets [8,4]`],
    // Rows added for survivors of the first Stryker run (MUTATION.md).
    ['just the 8-byte length field (an empty header)', new Uint8Array(8), 'header is not valid UTF-8 JSON'],
    ['a JSON number header', file('5'), 'header must be a JSON object'],
    ['a null header', file('null'), 'header must be a JSON object'],
    ['__metadata__ that is a string', file({ __metadata__: 'x', ...ok }, new Uint8Array(8)), '__metadata__ must be an object of strings'],
    ['a dtype inside an array', file({ a: { dtype: ['F32'], shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has unsupported dtype ["F32"]`],
    ['a missing dtype', file({ a: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has unsupported dtype undefined (supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)`],
    ['a missing shape', file({ a: { dtype: 'F32', data_offsets: [0, 4] } }, new Uint8Array(4)), `tensor 'a' has an invalid shape undefined`],
    // BOOL holds 0 or 1 (PyTorch's bool); any other byte would be a bool tensor that is neither.
    ['a BOOL byte of 2', file({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, Uint8Array.of(1, 2, 0)), `tensor 'm' of dtype BOOL holds the byte 2 at element 1; a BOOL element must be 0 or 1`],
    ['a BOOL byte of 255 in a 0-d tensor', file({ flag: { dtype: 'BOOL', shape: [], data_offsets: [0, 1] } }, Uint8Array.of(255)), `tensor 'flag' of dtype BOOL holds the byte 255 at element 0; a BOOL element must be 0 or 1`],
    ['a BOOL byte of 2 in the last element, after another tensor', file({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, m: { dtype: 'BOOL', shape: [2, 2], data_offsets: [2, 6] } }, Uint8Array.of(7, 9, 0, 1, 1, 2)), `tensor 'm' of dtype BOOL holds the byte 2 at element 3; a BOOL element must be 0 or 1`],
    ['a 2-d tensor not at offset 0 whose offsets disagree with its shape', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2, 2], data_offsets: [4, 12] } }, new Uint8Array(12)), `tensor 'b' of shape [2,2] and dtype F32 needs 16 bytes but data_offsets span 8`],
  ];
  it.each(bad)('refuses %s with a clear error', (_name, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    expect(() => decodeSafetensors(bytes)).toThrow(/^decodeSafetensors: /);
  });

  it('refuses anything but a Uint8Array', () => {
    expect(() => decodeSafetensors([0, 0, 0, 0, 0, 0, 0, 0] as never)).toThrow(/^decodeSafetensors: expected a Uint8Array, got /);
  });

  it('refuses every truncation of a valid file, never returning a partial result', () => {
    const bytes = encodeSafetensors({ a: tensor([1, 2, 3]), b: tensor([[4]]) }, { k: 'v' });
    for (let n = 0; n < bytes.length; n++) expect(() => decodeSafetensors(bytes.subarray(0, n)), `length ${n}`).toThrow(/^decodeSafetensors: /);
    expect(Object.keys(decodeSafetensors(bytes).tensors)).toEqual(['a', 'b']);
  });

  it('refuses bad input to encode', () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow("encodeSafetensors: '__metadata__' is reserved and cannot name a tensor");
    expect(() => encodeSafetensors({ a: tensor([1]) }, { n: 1 as never })).toThrow("encodeSafetensors: metadata value for 'n' must be a string, got number");
  });
});

/** The header of a safetensors buffer, as text (padding included). */
const headerText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))));

describe('safetensors: every dtype in its own dtype, bit for bit', () => {
  const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

  it('a file PyTorch wrote with every dtype decodes to those dtypes and encodes back to the same bytes', () => {
    // scripts/fixtures/safetensors_fixtures.py, laid out as safetensors.torch.save lays it out.
    const bytes = fixture('dtypes.safetensors');
    const { tensors, metadata } = decodeSafetensors(bytes);
    const dtypeOf = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.dtype.name]));
    expect(dtypeOf).toEqual({
      i64: 'int64', i64_matrix: 'int64', i64_scalar: 'int64', f64: 'float64', f64_matrix: 'float64', f32: 'float32', i32: 'int32',
      bf16: 'bfloat16', f16: 'float16', i16: 'int16', i8: 'int8', u8: 'uint8', bool: 'bool', bool_empty: 'bool',
    });
    expectArraysEqual(encodeSafetensors(tensors, metadata), bytes, 'dtypes.safetensors re-encoded');
  });

  it('holds PyTorch\'s values: int64 every bit near ±2^63 and ±2^53, doubles, half and bfloat16 as PyTorch rounds them', () => {
    const { tensors: t } = decodeSafetensors(fixture('dtypes.safetensors'));
    expect([...t['i64']!.toBigInt64Array()]).toEqual([0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 62n + 12345n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 63n) + 1n]);
    expect([...t['i64_matrix']!.shape, ...t['i64_matrix']!.toBigInt64Array()]).toEqual([2, 3, ...[-3n, -2n, -1n, 0n, 1n, 2n].map((v) => v * 2n ** 61n)]);
    expect([t['i64_scalar']!.ndim, t['i64_scalar']!.toBigInt64Array()[0]]).toEqual([0, -(2n ** 63n) + 7n]);
    const floats = [0, -0, 1, -2.5];
    expect(t['f64']!.toArray()).toEqual([...floats, 0.1, 1 / 3, Math.PI, Infinity, -Infinity, NaN, 65504, 6e-8, 1e308, 5e-324, -2.2250738585072014e-308]);
    expect(t['f32']!.toArray()).toEqual([...floats, 0.1, 1 / 3, Math.PI, Infinity, -Infinity, NaN, 65504, 6e-8, 3.4028234663852886e38, 1.401298464324817e-45].map(Math.fround));
    // PyTorch's .double() of its float16 and bfloat16 tensors (printed by the fixture script).
    expect(t['f16']!.double().toArray()).toEqual([...floats, 0.0999755859375, 0.333251953125, 3.140625, Infinity, -Infinity, NaN, 65504, 5.960464477539063e-8, 6.103515625e-5, 5.960464477539063e-8]);
    expect(t['bf16']!.double().toArray()).toEqual([...floats, 0.10009765625, 0.333984375, 3.140625, Infinity, -Infinity, NaN, 65536, 6.007030606269836e-8, 3.3895313892515355e38, 9.183549615799121e-41]);
    expect(t['i32']!.toArray()).toEqual([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 123456789]);
    expect(t['i16']!.toArray()).toEqual([0, 1, -1, 2 ** 15 - 1, -(2 ** 15), 12345]);
    expect(t['i8']!.toArray()).toEqual([0, 1, -1, 127, -128, 42]);
    expect(t['u8']!.toArray()).toEqual([0, 1, 127, 128, 254, 255]);
    expect(t['bool']!.toArray()).toEqual([1, 0, 0, 1, 1]);
    expect([...t['bool_empty']!.shape]).toEqual([0, 3]);
    expect([...t['f64_matrix']!.shape, ...t['f64_matrix']!.toTypedArray()]).toEqual([2, 3, 1, 2, 3, 4, 5, 6.25]);
  });

  it('int64 near ±2^63 and ±2^53 keeps all 64 bits from tensor to file and back', () => {
    const values = BigInt64Array.from([2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 53n, 9007199254740993n, -1n, 0n]);
    const bytes = encodeSafetensors({ ids: tensor(values) });
    expect(headerText(bytes).trimEnd()).toBe('{"ids":{"dtype":"I64","shape":[8],"data_offsets":[0,64]}}');
    const data = bytes.subarray(bytes.length - 64);
    expect([...new BigInt64Array(data.slice().buffer)]).toEqual([...values]);
    const back = decodeSafetensors(bytes).tensors['ids']!;
    expect(back.dtype).toBe(int64);
    expect([...back.toBigInt64Array()]).toEqual([...values]);
  });

  const each: [DType, Tensor][] = [
    [float32, tensor([1.5, -0, Infinity])], [float64, tensor([0.1, 1e-310, -1e300], { dtype: float64 })],
    [float16, tensor([1, 65504, 6e-8], { dtype: float16 })], [bfloat16, tensor([1, 3.14, -1e38], { dtype: bfloat16 })],
    [int64, tensor([-1n, 2n ** 62n])], [int32, tensor(Int32Array.of(-(2 ** 31), 5))], [int16, tensor([-32768, 7], { dtype: int16 })],
    [int8, tensor([-128, 127], { dtype: int8 })], [uint8, tensor([0, 255], { dtype: uint8 })], [bool, tensor([true, false, true])],
  ];
  it.each(each)('%s encodes as its safetensors code and decodes to the same dtype and elements', (dtype, t) => {
    const { tensors } = decodeSafetensors(encodeSafetensors({ t }));
    expect(headerText(encodeSafetensors({ t }))).toContain(`"dtype":"${dtype.safetensors}"`);
    expect(tensors['t']!.dtype).toBe(dtype);
    expect(tensors['t']!.toTypedArray()).toEqual(t.toTypedArray());
  });

  it('lays tensors out as the reference writer: I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL, then by name', () => {
    const t = (dtype: DType): Tensor => zeros([1], { dtype });
    const given: Record<string, Tensor> = { a: t(bool), b: t(uint8), c: t(int8), d: t(int16), e: t(float16), f: t(bfloat16), g: t(int32), h: t(float32), j: t(float64), k: t(int64), z: t(int64), y: t(float32) };
    const header = JSON.parse(headerText(encodeSafetensors(given))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(Object.entries(header).map(([k, e]) => `${k}:${e.dtype}@${e.data_offsets[0]}`)).toEqual([
      'k:I64@0', 'z:I64@8', 'j:F64@16', 'h:F32@24', 'y:F32@28', 'g:I32@32', 'f:BF16@36', 'e:F16@38', 'd:I16@40', 'c:I8@42', 'b:U8@43', 'a:BOOL@44',
    ]);
  });

  it('orders names by code point (UTF-8 bytes, as the reference writer), integer-like names included', () => {
    // JavaScript's < puts U+1F642 (a surrogate pair) before U+FFFF, and an object lists '9' before '10'.
    const header = headerText(encodeSafetensors(new Map([['🙂', tensor([1])], ['\uffff', tensor([2])], ['9', tensor([3])], ['10', tensor([4])], ['a', tensor([5])]])));
    expect([...header.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1])).toEqual(['10', '9', 'a', '\uffff', '🙂']);
  });

  it('orders a name before the longer names it begins, and compares every character (byCodePoint)', () => {
    // In several orders: a comparator that stopped early, or skipped characters, would leave some as given.
    const sorted = ['', 'a', 'ab', 'ac', '\uffff', '\uffffa', '\uffffb', '🙂', '🙂a', '🙂b', '🙂😀'];
    for (const names of [[...sorted].reverse(), sorted, [...sorted.slice(5), ...sorted.slice(0, 5)], sorted.filter((_, i) => i % 2).concat(sorted.filter((_, i) => !(i % 2)))]) {
      const header = headerText(encodeSafetensors(new Map(names.map((n) => [n, tensor([1])]))));
      expect([...header.matchAll(/"((?:[^"\\]|\\.)*)":\{"dtype"/g)].map((m) => m[1]), names.join('|')).toEqual(sorted);
    }
  });

  it('reads a BOOL tensor followed by other data: only its own bytes must be 0 or 1', () => {
    const bytes = file({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] }, u: { dtype: 'U8', shape: [1], data_offsets: [2, 3] } }, Uint8Array.of(1, 0, 7));
    const { tensors } = decodeSafetensors(bytes);
    expect([tensors['m']!.dtype, tensors['m']!.toArray(), tensors['u']!.toArray()]).toEqual([bool, [1, 0], [7]]);
  });

  it('decoded records are ordinary: entries can be replaced and deleted', () => {
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors({ a: tensor([1]) }, { k: 'v' }));
    tensors['a'] = tensor([2]);
    metadata['k'] = 'w';
    expect([tensors['a'].item(), metadata['k']]).toEqual([2, 'w']);
    expect([delete tensors['a'], delete metadata['k'], Object.keys(tensors).length, Object.keys(metadata).length]).toEqual([true, true, 0, 0]);
  });

  const encodeErrors: [string, () => unknown, string][] = [
    ['tensors that are a number', () => encodeSafetensors(5 as never), 'encodeSafetensors: tensors must be an object or a Map of name to Tensor, got number 5'],
    ['tensors that are a string', () => encodeSafetensors('w' as never), 'encodeSafetensors: tensors must be an object or a Map of name to Tensor, got string w'],
    ['tensors that are an array', () => encodeSafetensors([tensor([1])] as never), 'encodeSafetensors: tensors must be an object or a Map of name to Tensor, got an array'],
    ['a Map key that is not a string', () => encodeSafetensors(new Map([[1, tensor([1])]]) as never), 'encodeSafetensors: tensor names must be strings, got number 1'],
    ['metadata that is null', () => encodeSafetensors({ a: tensor([1]) }, null as never), 'encodeSafetensors: metadata must be an object of strings, got null'],
    ['metadata that is an array', () => encodeSafetensors({ a: tensor([1]) }, ['v'] as never), 'encodeSafetensors: metadata must be an object of strings, got an array'],
    ['metadata that is a string', () => encodeSafetensors({ a: tensor([1]) }, 'v' as never), 'encodeSafetensors: metadata must be an object of strings, got string v'],
  ];
  it.each(encodeErrors)('encode refuses %s, naming it', (_name, call, message) => {
    expect(call).toThrow(message);
  });

  it('refuses a shape whose element count is past 2^53, naming it', () => {
    const bytes = file({ w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 0], data_offsets: [0, 0] } });
    expect(() => decodeSafetensors(bytes)).toThrow("decodeSafetensors: tensor 'w' has a shape [1099511627776,1099511627776,0] whose element count is not a safe integer");
  });

  it('writes metadata in the order given, so a decoded file encodes back to its own bytes', () => {
    const bytes = encodeSafetensors({ w: tensor([1]) }, { writer: 'x', torch: '1.13', a: 'b' });
    expect(headerText(bytes)).toMatch(/^\{"__metadata__":\{"writer":"x","torch":"1.13","a":"b"\},"w":/);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expectArraysEqual(encodeSafetensors(tensors, metadata), bytes, 'round trip');
  });

  it('copies misaligned F64, I64, I32 and F16 data out of the file, whatever the offsets and the buffer\'s byteOffset', () => {
    // One U8 byte first: every later tensor starts at an odd offset from the data section.
    const data = new Uint8Array(1 + 16 + 16 + 8 + 4);
    const dv = new DataView(data.buffer);
    dv.setUint8(0, 9);
    dv.setFloat64(1, 0.1, true); dv.setFloat64(9, -1e300, true);
    dv.setBigInt64(17, 2n ** 63n - 1n, true); dv.setBigInt64(25, -(2n ** 53n) - 1n, true);
    dv.setInt32(33, -123456789, true); dv.setInt32(37, 7, true);
    dv.setUint16(41, 0x3c00, true); dv.setUint16(43, 0xfbff, true);
    const at = (dtype: string, n: number, from: number, to: number): object => ({ dtype, shape: [n], data_offsets: [from, to] });
    const plain = file({ u: at('U8', 1, 0, 1), d: at('F64', 2, 1, 17), l: at('I64', 2, 17, 33), i: at('I32', 2, 33, 41), h: at('F16', 2, 41, 45) }, data);
    for (const shift of [0, 1, 3, 4]) {
      // The same file at `shift` bytes into a larger buffer: a view's alignment differs again.
      const host = new Uint8Array(plain.length + shift);
      host.set(plain, shift);
      const bytes = host.subarray(shift);
      const { tensors } = decodeSafetensors(bytes);
      expect(tensors['d']!.toArray(), `shift ${shift}`).toEqual([0.1, -1e300]);
      expect([...tensors['l']!.toBigInt64Array()], `shift ${shift}`).toEqual([2n ** 63n - 1n, -(2n ** 53n) - 1n]);
      expect(tensors['i']!.toArray(), `shift ${shift}`).toEqual([-123456789, 7]);
      expect(tensors['h']!.toArray(), `shift ${shift}`).toEqual([1, -65504]);
      for (const t of Object.values(tensors)) expect(t.storage.data.buffer, `shift ${shift}: a copy`).not.toBe(host.buffer);
      host.fill(0); // the decoded tensors do not alias the input
      expect(tensors['d']!.toArray(), `shift ${shift}`).toEqual([0.1, -1e300]);
    }
  });
});
