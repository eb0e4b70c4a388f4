/**
 * Fuzzing of every parser and every "validate, then change" entry point of @tensile/tensor.
 * The property each time: a correct result, or an Error that names the function, with nothing
 * mutated; never a TypeError or RangeError from deep inside, never a hang. `npm test` runs a
 * bounded number of cases; `npm run fuzz` runs many more (FUZZ_RUNS).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as T from '../src/index.js';
import { fuzz } from './helpers/fuzz.js';

const { settings, timeout } = fuzz();

/** The error is ours: an Error whose message starts with one of the function names. */
function expectOwnError(e: unknown, ...fns: string[]): void {
  expect(e).toBeInstanceOf(Error);
  const message = (e as Error).message;
  if (!fns.some((f) => message.startsWith(`${f}:`) || message.startsWith(`${f} `) || message.startsWith(`${f}.`) || message.startsWith(f === 'loadStateDict' ? 'Error(s) in loading state_dict for ' : `${f}:`))) {
    throw new Error(`expected an error naming ${fns.join(' or ')}, got ${(e as Error).name}: ${message}\n${(e as Error).stack ?? ''}`);
  }
}

/** A valid safetensors file with a few tensors of assorted dtypes-as-written-by-us and metadata. */
const validFile = fc.record({
  names: fc.uniqueArray(fc.string({ minLength: 0, maxLength: 6 }).filter((s) => s !== '__metadata__'), { minLength: 1, maxLength: 4 }),
  shapes: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), { minLength: 4, maxLength: 4 }),
  meta: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
}).map(({ names, shapes, meta }) => {
  const tensors = new Map<string, T.Tensor>();
  names.forEach((n, i) => tensors.set(n, T.arange(shapes[i]!.reduce((a, b) => a * b, 1)).reshape(shapes[i]!)));
  return { bytes: T.encodeSafetensors(tensors, meta), tensors };
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('"', '{', '}', ',', ':', '[', ']', '-1', '1e400', '"__proto__"', '"dtype":"F16"', '\\u0000') }),
);

interface Mutation { kind: string; at: number; bit?: number; value?: number; text?: string }

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = m.at % Math.max(1, bytes.length);
  switch (m.kind) {
    case 'flip': out[at] = out[at]! ^ (1 << m.bit!); return out;
    case 'truncate': return out.slice(0, at);
    case 'set': out[at] = m.value!; return out;
    default: {
      const text = new TextEncoder().encode(m.text!);
      const grown = new Uint8Array(bytes.length + text.length);
      grown.set(bytes.subarray(0, at));
      grown.set(text, at);
      grown.set(bytes.subarray(at), at + text.length);
      return grown;
    }
  }
}

describe('fuzz: decodeSafetensors', () => {
  it('mutated valid files decode to tensors covering the data exactly, or fail naming decodeSafetensors; the input is not changed', { timeout }, () => {
    fc.assert(fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ bytes }, ms) => {
      let b = bytes;
      for (const m of ms) b = mutate(b, m);
      const copy = new Uint8Array(b);
      try {
        const { tensors, metadata } = T.decodeSafetensors(b);
        for (const [name, t] of Object.entries(tensors)) {
          expect(Object.hasOwn(tensors, name)).toBe(true);
          expect(t.numel()).toBe(t.shape.reduce((x, y) => x * y, 1));
        }
        for (const v of Object.values(metadata)) expect(typeof v).toBe('string');
        // Whatever decoded encodes again and decodes to the same names.
        const again = T.decodeSafetensors(T.encodeSafetensors(new Map(Object.entries(tensors)), metadata));
        expect(Object.keys(again.tensors).sort()).toEqual(Object.keys(tensors).sort());
      } catch (e) {
        expectOwnError(e, 'decodeSafetensors');
      }
      expect(b).toEqual(copy);
    }), settings);
  });

  it('random headers with a consistent length prefix fail naming decodeSafetensors, or decode', { timeout }, () => {
    const headerValue = fc.jsonValue({ maxDepth: 3 });
    const entry = fc.record({
      dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'constructor', '__proto__', 'f32', ''), headerValue),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 3 }), headerValue),
      data_offsets: fc.oneof(fc.tuple(fc.integer({ min: -1, max: 40 }), fc.integer({ min: -1, max: 40 })), headerValue),
    }, { requiredKeys: [] });
    const header = fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__metadata__', '__proto__', 'constructor')), fc.oneof(entry, headerValue), { maxKeys: 4 });
    fc.assert(fc.property(header, fc.integer({ min: 0, max: 48 }), (h, dataLen) => {
      const text = new TextEncoder().encode(JSON.stringify(h));
      const bytes = new Uint8Array(8 + text.length + dataLen);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
      bytes.set(text, 8);
      try {
        T.decodeSafetensors(bytes);
      } catch (e) {
        expectOwnError(e, 'decodeSafetensors');
      }
    }), settings);
  });
});

describe('fuzz: tensor creation from random nested data', () => {
  const leaf = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 2 }), fc.constant({}));
  const nested = fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 })) })).node;
  it('either a tensor whose values are the numbers given, in order, or an error naming tensor', { timeout }, () => {
    fc.assert(fc.property(nested, (data) => {
      let t: T.Tensor;
      try {
        t = T.tensor(data as T.NestedArray);
      } catch (e) {
        expectOwnError(e, 'tensor');
        return;
      }
      const flat: number[] = [];
      const walk = (a: unknown): void => { if (Array.isArray(a)) a.forEach(walk); else flat.push(Number(a)); };
      walk(data);
      expect(Array.from(t.toFloat32Array())).toEqual(flat.map((v) => Math.fround(v)));
    }), settings);
  });
});

describe('fuzz: options bags', () => {
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('requiresGrad', 'shape', 'generator', 'reduction', 'retainGraph', '__proto__', 'constructor', 'toString'));
  const value = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined), fc.constant(NaN));
  const bag = fc.oneof(fc.dictionary(key, value, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 1 }));
  const calls: [string, (o: unknown) => unknown][] = [
    ['tensor', (o) => T.tensor([1, 2], o as never)],
    ['zeros', (o) => T.zeros([2], o as never)],
    ['randn', (o) => T.randn([2], o as never)],
    ['arange', (o) => T.arange(0, 3, 1, o as never)],
    ['backward', (o) => T.tensor([1, 2], { requiresGrad: true }).sum().backward(undefined, o as never)],
    ['crossEntropy', (o) => T.F.crossEntropy(T.zeros([2, 3]), T.tensor([0, 2]), o as never)],
    ['mseLoss', (o) => T.F.mseLoss(T.zeros([2]), T.ones([2]), o as never)],
    ['conv2d', (o) => T.F.conv2d(T.zeros([1, 1, 3, 3]), T.zeros([1, 1, 2, 2]), null, o as never)],
    ['Linear', (o) => new T.nn.Linear(2, 2, o as never)],
    ['sum', (o) => T.tensor([[1, 2]]).sum(o as never)],
    ['max', (o) => T.tensor([[1, 2]]).max(o as never)],
    ['argmax', (o) => T.argmax(T.tensor([[1, 2]]), o as never)],
    ['any', (o) => T.any(T.tensor([[1, 0]]), o as never)],
    ['cumsum', (o) => T.tensor([[1, 2]]).cumsum(o as never)],
    ['sort', (o) => T.sort(T.tensor([[2, 1]]), o as never)],
    ['argsort', (o) => T.argsort(T.tensor([[2, 1]]), o as never)],
    ['topk', (o) => T.topk(T.tensor([[2, 1]]), 1, o as never)],
    ['kthvalue', (o) => T.kthvalue(T.tensor([[2, 1]]), 1, o as never)],
    ['median', (o) => T.median(T.tensor([[2, 1]]), o as never)],
    ['norm', (o) => T.norm(T.tensor([[2, 1]]), o as never)],
    ['vectorNorm', (o) => T.linalg.vectorNorm(T.tensor([[2, 1]]), o as never)],
    ['addmm', (o) => T.addmm(T.zeros(2), T.zeros(2, 2), T.zeros(2, 2), o as never)],
    ['indexAdd', (o) => T.indexAdd(T.zeros(2), 0, T.tensor([1], { dtype: T.int64 }), T.ones(1), o as never)],
    ['scatter', (o) => T.scatter(T.zeros(2), 0, T.tensor([1], { dtype: T.int64 }), 1, o as never)],
    ['repeatInterleave', (o) => T.repeatInterleave(T.zeros(2), 2, 0, o as never)],
    ['CrossEntropyLoss', (o) => new T.nn.CrossEntropyLoss(o as never)],
    ['Embedding', (o) => new T.nn.Embedding(3, 2, o as never)],
  ];
  const third = fuzz(1 / 3);
  it.each(calls)('%s: a result or an error naming it, never an internal one', { timeout: third.timeout }, (name, call) => {
    fc.assert(fc.property(bag, (o) => {
      try {
        call(o);
      } catch (e) {
        expectOwnError(e, name, `F.${name}`, `nn.${name}`);
      }
    }), third.settings);
  });
});

describe('fuzz: Module.loadStateDict on mutated valid dicts', () => {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), to: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', '0.weight', '')) }),
    fc.record({ kind: fc.constant('reshape' as const), at: fc.nat(), shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('value' as const), at: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)) }),
  );
  it('loads, or fails naming loadStateDict and leaves every parameter as it was', { timeout }, () => {
    fc.assert(fc.property(fc.array(edit, { maxLength: 3 }), fc.boolean(), (edits, strict) => {
      const model = new T.nn.Sequential(new T.nn.Linear(3, 2), new T.nn.ReLU(), new T.nn.Linear(2, 1));
      const before = model.parameters().map((p) => Array.from(p.toFloat32Array()));
      const sd: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(model.stateDict())) sd[k] = T.randn(v.shape);
      for (const e of edits) {
        const keys = Object.keys(sd);
        if (keys.length === 0) break;
        const k = keys[e.at % keys.length]!;
        if (e.kind === 'drop') delete sd[k];
        else if (e.kind === 'rename') { const v = sd[k]; delete sd[k]; Object.defineProperty(sd, e.to, { value: v, enumerable: true, configurable: true, writable: true }); }
        else if (e.kind === 'reshape') sd[k] = T.zeros(e.shape);
        else sd[k] = e.value;
      }
      try {
        model.loadStateDict(sd as never, { strict });
      } catch (err) {
        // PyTorch's own wording ("Error(s) in loading state_dict for Sequential:") names it too.
        expectOwnError(err, 'Sequential.loadStateDict', 'loadStateDict');
        expect(model.parameters().map((p) => Array.from(p.toFloat32Array()))).toEqual(before);
      }
    }), settings);
  });
});
