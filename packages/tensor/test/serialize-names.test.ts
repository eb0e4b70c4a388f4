import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, tensor, type Tensor } from '../src/index.js';

/** A safetensors file from a header object (written with JSON.stringify) and raw data bytes. */
function file(headerJson: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const h = new TextEncoder().encode(headerJson);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const f32 = (...xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'gewicht.ä', '重み', '🙂', 'a.b.c', '0', '__metadata'];

describe('safetensors: every name a file can hold round-trips', () => {
  it.each(NAMES)('tensor name %j through a Map and back', (name) => {
    const bytes = encodeSafetensors(new Map<string, Tensor>([[name, tensor([1, 2])], ['zz', tensor([3])]]));
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual([name, 'zz'].sort());
    expect(Object.hasOwn(tensors, name)).toBe(true);
    expect(Array.from(tensors[name]!.toFloat32Array())).toEqual([1, 2]);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('a decoded __proto__ tensor is an own entry: the result does not inherit from it', () => {
    const { tensors } = decodeSafetensors(file('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32(5, 6)));
    expect(Object.hasOwn(tensors, '__proto__')).toBe(true);
    expect((tensors as unknown as { shape?: unknown }).shape).toBeUndefined();
    expect(Array.from(tensors['__proto__']!.toFloat32Array())).toEqual([5, 6]);
  });

  it('an object of tensors with an own __proto__ key (as JSON.parse makes) is written with that key', () => {
    const input: Record<string, Tensor> = {};
    Object.defineProperty(input, '__proto__', { value: tensor([1]), enumerable: true });
    input['a'] = tensor([2]);
    const text = new TextDecoder().decode(encodeSafetensors(input).subarray(8));
    expect(text).toContain('"__proto__":{"dtype":"F32"');
    expect(Object.keys(decodeSafetensors(encodeSafetensors(input)).tensors).sort()).toEqual(['__proto__', 'a']);
  });

  it.each(NAMES)('metadata key %j round-trips', (key) => {
    const metadata: Record<string, string> = {};
    Object.defineProperty(metadata, key, { value: 'v', enumerable: true });
    const { metadata: back } = decodeSafetensors(encodeSafetensors({ w: tensor([1]) }, metadata));
    expect(Object.keys(back)).toEqual([key]);
    expect(back[key]).toBe('v');
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('reads a header laid out as Python safetensors writes it (metadata first, spaces padding to 8)', () => {
    // safetensors.torch.save({"__proto__": t, "a": u}, metadata={"__proto__": "x"}) writes this layout.
    const header = '{"__metadata__":{"__proto__":"x"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    const { tensors, metadata } = decodeSafetensors(file(padded, f32(1, 2)));
    expect(tensors['__proto__']!.item()).toBe(1);
    expect(tensors['a']!.item()).toBe(2);
    expect(metadata['__proto__']).toBe('x');
  });
});

describe('safetensors: malformed headers name the real problem', () => {
  const cases: [string, string, Uint8Array, RegExp][] = [
    ['a dtype named after an Object.prototype member', '{"w":{"dtype":"constructor","shape":[1],"data_offsets":[0,4]}}', f32(1), /tensor 'w' has unsupported dtype "constructor"/],
    ['a dtype of toString', '{"w":{"dtype":"toString","shape":[1],"data_offsets":[0,4]}}', f32(1), /unsupported dtype "toString"/],
    ['a tensor named twice', '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(1, 2), /the header names tensor "w" twice/],
    ['__proto__ named twice', '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(1, 2), /names tensor "__proto__" twice/],
    ['two __metadata__ entries', '{"__metadata__":{},"__metadata__":{}}', new Uint8Array(), /two __metadata__ entries/],
    ['a metadata key twice', '{"__metadata__":{"k":"a","k":"b"}}', new Uint8Array(), /__metadata__ has the key "k" twice/],
    ['an element count past 2^53', '{"w":{"dtype":"F32","shape":[1099511627776,1099511627776,0],"data_offsets":[0,0]}}', new Uint8Array(), /element count is not a safe integer/],
    ['a dimension of 1e300', '{"w":{"dtype":"F32","shape":[1e300,0],"data_offsets":[0,0]}}', new Uint8Array(), /tensor 'w' has an invalid shape \[1e\+300,0\]/],
    ['data_offsets inherited, not given', '{"w":{"dtype":"F32","shape":[1]}}', f32(1), /tensor 'w' has invalid data_offsets undefined/],
    ['an entry that is an array', '{"w":[1,2]}', new Uint8Array(), /entry 'w' must be an object/],
  ];
  it.each(cases)('%s', (_name, header, data, message) => {
    expect(() => decodeSafetensors(file(header, data))).toThrow(message);
  });

  it('keys inside strings and nested arrays do not confuse the duplicate check', () => {
    const header = '{"__metadata__":{"a":"{\\"w\\":1,\\"w\\":2}","b":"[,]"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x\\"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const { tensors, metadata } = decodeSafetensors(file(header, f32(1, 2)));
    expect(Object.keys(tensors)).toEqual(['w', 'x"y']);
    expect(metadata['a']).toBe('{"w":1,"w":2}');
  });

  it('encode refuses non-tensors, non-string metadata and the reserved name, naming them', () => {
    expect(() => encodeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow("encodeSafetensors: 'w' is not a Tensor, got an array");
    expect(() => encodeSafetensors({ w: tensor([1]) }, { k: 1 as unknown as string })).toThrow("encodeSafetensors: metadata value for 'k' must be a string, got number");
    expect(() => encodeSafetensors(new Map([['__metadata__', tensor([1])]]))).toThrow("'__metadata__' is reserved");
    expect(() => encodeSafetensors(null as unknown as Record<string, Tensor>)).toThrow('encodeSafetensors: tensors must be an object or a Map of name to Tensor, got null');
  });
});
