/** The digits file the build writes (scripts/digits.ts describes the format), decoded. */
export const PIXELS = 28 * 28;

export interface DigitSet {
  /** `count` images of 784 float32 pixels in [0, 1], row-major. */
  images: Float32Array;
  /** Labels 0..9 as floats (the engine's index format). */
  labels: Float32Array;
  count: number;
}
export interface Digits { train: DigitSet; test: DigitSet }

export function decodeDigits(bytes: Uint8Array): Digits {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 1036 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'MNST') throw new Error('digits.bin: not a digits file (no "MNST" header)');
  const nTrain = view.getUint32(4, true), nTest = view.getUint32(8, true), n = nTrain + nTest;
  if (bytes.length !== 1036 + n * (1 + PIXELS)) throw new Error(`digits.bin: ${bytes.length} bytes, expected ${1036 + n * (1 + PIXELS)} for ${n} digits`);
  const palette = new Float32Array(256);
  for (let i = 0; i < 256; i++) palette[i] = view.getFloat32(12 + 4 * i, true);
  const labels = bytes.subarray(1036, 1036 + n), pixels = bytes.subarray(1036 + n);
  const part = (from: number, count: number): DigitSet => {
    const images = new Float32Array(count * PIXELS);
    for (let i = 0; i < images.length; i++) images[i] = palette[pixels[from * PIXELS + i]!]!;
    return { images, labels: Float32Array.from(labels.subarray(from, from + count)), count };
  };
  return { train: part(0, nTrain), test: part(nTrain, nTest) };
}
