/**
 * The generative cases' shapes and inputs (issue 24), shared by tensile's rows and PyTorch's:
 * ConvTranspose2d(128, 64, 4, 2, 1) on [64, 128, 16, 16] (forward and backward), and one DCGAN
 * iteration (pytorch/examples dcgan/main.py's loop body: D on real, D on detached fake, G) at the
 * ported size (32x32 MNIST, 32 feature maps, as `npm run dcgan`) and at main.py's 64x64 with 64
 * maps, batch 64, nz 100. Weights as main.py's weights_init would draw them (N(0, 0.02) convs,
 * N(1, 0.02) BatchNorm weights, zero biases), from the seeded numbers every library gets.
 */
import { normal } from './data.js';

export const CT = { batch: 64, cin: 128, cout: 64, k: 4, size: 16 } as const;

export function convTransposeData(): Record<string, Float32Array> {
  const { batch, cin, cout, k, size } = CT;
  return {
    x: normal(batch * cin * size * size, 41),
    w: normal(cin * cout * k * k, 42, 0.05),
    up: normal(batch * cout * 4 * size * size, 43),
  };
}

export interface DcganSpec { imageSize: number; maps: number; nz: number; batch: number }
export const DCGAN: Record<string, DcganSpec> = {
  'dcgan-32': { imageSize: 32, maps: 32, nz: 100, batch: 64 },
  'dcgan-64': { imageSize: 64, maps: 64, nz: 100, batch: 64 },
};

/** One layer of either network, in nn.Sequential order. */
export type Layer =
  | { kind: 'convT' | 'conv'; cin: number; cout: number; stride: number; padding: number }
  | { kind: 'bn'; c: number }
  | { kind: 'relu' | 'lrelu' | 'tanh' | 'sigmoid' };

/** main.py's Generator and Discriminator at `imageSize` (one stride-2 stage fewer per halving below 64). */
export function layers(spec: DcganSpec): { G: Layer[]; D: Layer[] } {
  const top = spec.imageSize / 8, f = spec.maps;
  const G: Layer[] = [{ kind: 'convT', cin: spec.nz, cout: f * top, stride: 1, padding: 0 }, { kind: 'bn', c: f * top }, { kind: 'relu' }];
  for (let m = top; m > 1; m /= 2) G.push({ kind: 'convT', cin: f * m, cout: (f * m) / 2, stride: 2, padding: 1 }, { kind: 'bn', c: (f * m) / 2 }, { kind: 'relu' });
  G.push({ kind: 'convT', cin: f, cout: 1, stride: 2, padding: 1 }, { kind: 'tanh' });
  const D: Layer[] = [{ kind: 'conv', cin: 1, cout: f, stride: 2, padding: 1 }, { kind: 'lrelu' }];
  let m = 1;
  for (; m < top; m *= 2) D.push({ kind: 'conv', cin: f * m, cout: f * m * 2, stride: 2, padding: 1 }, { kind: 'bn', c: f * m * 2 }, { kind: 'lrelu' });
  D.push({ kind: 'conv', cin: f * m, cout: 1, stride: 1, padding: 0 }, { kind: 'sigmoid' });
  return { G, D };
}

/**
 * Named inputs: `G.<i>.weight` / `D.<i>.weight` (and BatchNorm `.bias`) by layer index, as the
 * state-dict keys of `main.<i>.…`, the real batch `x` (in [-1, 1]) and the latent `noise`.
 */
export function dcganData(spec: DcganSpec): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  const { G, D } = layers(spec);
  let seed = 500;
  for (const [net, list] of [['G', G], ['D', D]] as const) {
    list.forEach((l, i) => {
      if (l.kind === 'conv' || l.kind === 'convT') {
        const n = l.cin * l.cout * 16;
        out[`${net}.${i}.weight`] = normal(n, seed++, 0.02);
      } else if (l.kind === 'bn') {
        out[`${net}.${i}.weight`] = normal(l.c, seed++, 0.02).map((v) => 1 + v);
        out[`${net}.${i}.bias`] = new Float32Array(l.c);
      }
    });
  }
  out['x'] = normal(spec.batch * spec.imageSize * spec.imageSize, 601).map((v) => Math.tanh(v));
  out['noise'] = normal(spec.batch * spec.nz, 602);
  return out;
}
