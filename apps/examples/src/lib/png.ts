/**
 * torchvision's `utils.make_grid` and `utils.save_image`, with a tiny PNG encoder (node:zlib's
 * deflate for the image data, a hand-written CRC-32 for the chunks): no image dependency.
 */
import { deflateSync } from 'node:zlib';
import type { Tensor } from '@tensile/tensor';
import { writing } from './run-dir.js';
import { writeFileSync } from 'node:fs';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, PNG's) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A PNG file of 8-bit pixels, row-major: `channels` 1 (grey) or 3 (RGB), `pixels.length` =
 * width·height·channels. Each row is filter type 0 (none); the data is one zlib stream.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (pixels.length !== width * height * channels) throw new RangeError(`encodePng: ${pixels.length} bytes is not ${width}x${height}x${channels}`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: grey or RGB
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export interface GridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around images (default 2). */
  padding?: number;
  /** Shift and scale the whole batch to [0, 1] by its min and max (default false). */
  normalize?: boolean;
  /** The value of the padding (default 0). */
  padValue?: number;
}

/**
 * torchvision's `make_grid` of a `[B, C, H, W]` batch (C 1 or 3) into `[C, rows, cols]` values,
 * then `save_image`'s conversion: `x·255 + 0.5` clamped to [0, 255], as bytes. Returns the PNG.
 */
export function imageGridPng(batch: Tensor, options: GridOptions = {}): Uint8Array {
  const { nrow = 8, padding = 2, normalize = false, padValue = 0 } = options;
  const [B, C, H, W] = batch.shape as [number, number, number, number];
  if (batch.ndim !== 4 || (C !== 1 && C !== 3)) throw new RangeError(`imageGridPng: expected [B, 1 or 3, H, W], got [${batch.shape.join(',')}]`);
  const src = batch.contiguous().toFloat32Array();
  let lo = 0, scale = 1;
  if (normalize) {
    let min = Infinity, max = -Infinity;
    for (const v of src) { if (v < min) min = v; if (v > max) max = v; }
    lo = min;
    scale = 1 / Math.max(max - min, 1e-5);
  }
  const xmaps = Math.min(nrow, B), ymaps = Math.ceil(B / xmaps);
  const height = H + padding, width = W + padding;
  const rows = height * ymaps + padding, cols = width * xmaps + padding;
  const byte = (v: number): number => Math.min(255, Math.max(0, Math.floor(v * 255 + 0.5)));
  const out = new Uint8Array(rows * cols * C).fill(byte(padValue));
  for (let k = 0; k < B; k++) {
    const y0 = Math.floor(k / xmaps) * height + padding, x0 = (k % xmaps) * width + padding;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const v = (src[((k * C + c) * H + y) * W + x]! - lo) * scale;
          out[((y0 + y) * cols + x0 + x) * C + c] = byte(v);
        }
      }
    }
  }
  return encodePng(out, cols, rows, C as 1 | 3);
}

/** `vutils.save_image(batch, path, normalize=...)`: the grid as a PNG file. */
export function saveImage(batch: Tensor, path: string, options: GridOptions = {}): void {
  const png = imageGridPng(batch, options);
  writing(path, () => writeFileSync(path, png));
}
