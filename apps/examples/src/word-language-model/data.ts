/**
 * pytorch/examples `word_language_model/data.py`, ported line for line: a `Dictionary` of words
 * and a `Corpus` of train/valid/test token ids, each line's words followed by `<eos>`.
 *
 * One difference the data forces: main.py reads `train.txt`, `valid.txt` and `test.txt` of
 * WikiText-2 from `--data`; the repo ships chapters 1–12 of Moby-Dick (apps/examples/data), so
 * `mobyDickSplits` cuts that text by chapter: chapters 1–10 train, 11 valid, 12 test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cat, int64, tensor, type Tensor } from '@tensile/tensor';

export class Dictionary {
  word2idx = new Map<string, number>();
  idx2word: string[] = [];

  addWord(word: string): number {
    if (!this.word2idx.has(word)) {
      this.idx2word.push(word);
      this.word2idx.set(word, this.idx2word.length - 1);
    }
    return this.word2idx.get(word)!;
  }

  /** Python's `len(dictionary)`. */
  get length(): number {
    return this.idx2word.length;
  }
}

/** Python's `str.split()`: runs of whitespace separate, none at the ends. */
const pySplit = (line: string): string[] => line.split(/\s+/).filter((w) => w !== '');

/** Python's `for line in f`: lines with their newline, the last one possibly without. */
function pyLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface Texts {
  train: string;
  valid: string;
  test: string;
}

export class Corpus {
  dictionary = new Dictionary();
  train: Tensor;
  valid: Tensor;
  test: Tensor;

  constructor(texts: Texts) {
    this.train = this.tokenize(texts.train);
    this.valid = this.tokenize(texts.valid);
    this.test = this.tokenize(texts.test);
  }

  /** Tokenizes a text file (here: its contents). */
  tokenize(text: string): Tensor {
    // Add words to the dictionary
    for (const line of pyLines(text)) {
      const words = [...pySplit(line), '<eos>'];
      for (const word of words) this.dictionary.addWord(word);
    }
    // Tokenize file content
    const idss: Tensor[] = [];
    for (const line of pyLines(text)) {
      const words = [...pySplit(line), '<eos>'];
      const ids: number[] = [];
      for (const word of words) ids.push(this.dictionary.addWord(word));
      idss.push(tensor(ids, { dtype: int64 }));
    }
    return cat(idss);
  }
}

/** The text shipped with the examples: apps/examples/data, seen from src/word-language-model/ or from the bundle in dist/. */
export const MOBY_DICK: URL = [new URL('../../data/moby-dick.txt', import.meta.url), new URL('../data/moby-dick.txt', import.meta.url)]
  .find((u) => existsSync(u)) ?? new URL('../../data/moby-dick.txt', import.meta.url);

/** Moby-Dick chapters 1–10 to train, 11 to validate, 12 to test (each from its `CHAPTER n.` line). */
export function mobyDickSplits(text: string = readFileSync(MOBY_DICK, 'utf8')): Texts {
  const lines = text.split('\n');
  const start = (n: number): number => {
    const i = lines.findIndex((l) => l.startsWith(`CHAPTER ${n}.`));
    if (i < 0) throw new Error(`moby-dick.txt: no line starting "CHAPTER ${n}."`);
    return i;
  };
  const [c11, c12] = [start(11), start(12)];
  return {
    train: lines.slice(0, c11).join('\n') + '\n',
    valid: lines.slice(c11, c12).join('\n') + '\n',
    test: lines.slice(c12).join('\n'),
  };
}
