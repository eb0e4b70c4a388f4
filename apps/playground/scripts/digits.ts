/**
 * Packs the `mnist` package's digits into one small binary file the page fetches, using the
 * examples' validated loader and their split (seed 0: 8,000 for training, 2,000 held out), so
 * the playground trains and evaluates on the same digits as `npm start`.
 *
 * Format (little-endian): "MNST", u32 train count, u32 test count, 256 × f32 palette, then
 * per digit (train first) one u8 label, then 784 u8 palette indices per digit. The package has
 * 256 distinct pixel values, so the palette is exact: the page sees the same float32 pixels.
 */
import { loadMnist, splitTrainTest, PIXELS, type Dataset } from '../../examples/src/mnist/data.js';

export function packDigits(): Uint8Array {
  const { train, test } = splitTrainTest(loadMnist(), 0.2, 0);
  const palette = new Map<number, number>();
  for (const d of [train, test]) for (const v of d.images) if (!palette.has(v)) palette.set(v, palette.size);
  if (palette.size > 256) throw new Error(`digits: ${palette.size} distinct pixel values do not fit a 256-entry palette`);
  const n = train.count + test.count;
  const out = new Uint8Array(12 + 1024 + n + n * PIXELS);
  const view = new DataView(out.buffer);
  out.set([77, 78, 83, 84], 0); // "MNST"
  view.setUint32(4, train.count, true);
  view.setUint32(8, test.count, true);
  for (const [v, i] of palette) view.setFloat32(12 + 4 * i, v, true);
  let label = 12 + 1024, pixel = label + n;
  const put = (d: Dataset): void => {
    for (let k = 0; k < d.count; k++) out[label++] = d.labels[k]!;
    for (const v of d.images) out[pixel++] = palette.get(v)!;
  };
  put(train);
  put(test);
  return out;
}
