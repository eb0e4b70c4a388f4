/**
 * The GPT's data, as the lecture's: every distinct character of the text is a token (sorted by
 * code point, as Python's `sorted(set(text))`), the first 90% trains and the rest validates, and
 * a batch is `batchSize` windows of `blockSize` tokens at random offsets with the next token as
 * the target. No Node API here: the playground's worker uses it too (text.ts reads the file).
 */
import { int64, randint, stack, tensor, type Generator, type Tensor } from '@tensile/tensor';

export interface CharData {
  chars: string[];
  encode(s: string): number[];
  decode(ids: readonly number[]): string;
  train: Int32Array;
  val: Int32Array;
}

/** The vocabulary and the encoded 90/10 split of `text`. */
export function charData(text: string): CharData {
  const chars = [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const stoi = new Map(chars.map((c, i) => [c, i]));
  const encode = (s: string): number[] => Array.from(s, (c) => {
    const i = stoi.get(c);
    if (i === undefined) throw new RangeError(`gpt: character ${JSON.stringify(c)} is not in the vocabulary`);
    return i;
  });
  const data = Int32Array.from(encode(text));
  const n = Math.floor(0.9 * data.length);
  return { chars, encode, decode: (ids) => ids.map((i) => chars[i]!).join(''), train: data.subarray(0, n), val: data.subarray(n) };
}

/** Inputs and targets `[offsets.length, blockSize]` (int64) for windows starting at `offsets`. */
export function batchAt(data: Int32Array, offsets: readonly number[], blockSize: number): [Tensor, Tensor] {
  const rows = (shift: number): Tensor[] => offsets.map((i) => tensor(Array.from(data.subarray(i + shift, i + shift + blockSize)), { dtype: int64 }));
  return [stack(rows(0)), stack(rows(1))];
}

/** The lecture's `get_batch`: random offsets in `[0, len - blockSize)`. */
export function randomOffsets(data: Int32Array, batchSize: number, blockSize: number, generator?: Generator): number[] {
  return Array.from(randint(data.length - blockSize, [batchSize], generator ? { generator } : {}).toBigInt64Array(), Number);
}
