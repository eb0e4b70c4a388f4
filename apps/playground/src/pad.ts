/**
 * A drawing as MNIST presents its digits: the ink's bounding box scaled to fit 20×20 pixels
 * (keeping its aspect), placed in a 28×28 image so its centre of mass sits at the centre.
 */
const SIZE = 28, BOX = 20;

/**
 * The pad's drawing (white ink on black) as 784 pixels in [0, 1], also drawn into `preview`
 * (a 28×28 canvas); null when the pad is empty.
 */
export function toModelInput(pad: CanvasRenderingContext2D, preview: HTMLCanvasElement): Float32Array | null {
  const { width: w, height: h } = pad.canvas;
  const src = pad.getImageData(0, 0, w, h).data;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (src[4 * (y * w + x)]! > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const dw = bw * scale, dh = bh * scale;
  // First pass: the box centred geometrically, to measure the centre of mass.
  const small = new OffscreenCanvas(SIZE, SIZE).getContext('2d', { willReadFrequently: true })!;
  small.imageSmoothingQuality = 'high';
  const place = (dx: number, dy: number): Float32Array => {
    small.fillStyle = '#000';
    small.fillRect(0, 0, SIZE, SIZE);
    small.drawImage(pad.canvas, x0, y0, bw, bh, dx, dy, dw, dh);
    const px = small.getImageData(0, 0, SIZE, SIZE).data;
    return Float32Array.from({ length: SIZE * SIZE }, (_, i) => px[4 * i]! / 255);
  };
  const dx = (SIZE - dw) / 2, dy = (SIZE - dh) / 2;
  let img = place(dx, dy);
  let mass = 0, mx = 0, my = 0;
  img.forEach((v, i) => {
    mass += v;
    mx += v * (i % SIZE);
    my += v * Math.floor(i / SIZE);
  });
  if (mass > 0) img = place(dx + Math.round(SIZE / 2 - 0.5 - mx / mass), dy + Math.round(SIZE / 2 - 0.5 - my / mass));
  const out = preview.getContext('2d')!;
  const data = out.createImageData(SIZE, SIZE);
  img.forEach((v, i) => {
    data.data.set([v * 255, v * 255, v * 255, 255], 4 * i);
  });
  out.putImageData(data, 0, 0);
  return img;
}
