/** The GPT's text on disk (Node only; data.ts, which the browser also uses, has no file access). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** apps/examples/data/moby-dick.txt: chapters 1-12 of Moby-Dick (public domain); from src/gpt/ or the dist/ bundle. */
export const TEXT_PATH = fileURLToPath([new URL('../../data/moby-dick.txt', import.meta.url), new URL('../data/moby-dick.txt', import.meta.url)]
  .find((u) => existsSync(u)) ?? new URL('../../data/moby-dick.txt', import.meta.url));

export function loadText(path = TEXT_PATH): string {
  return readFileSync(path, 'utf8');
}
