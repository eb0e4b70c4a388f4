/** The messages between the page and the training worker. */
export interface Config {
  /** MNIST digits with an MLP or a CNN, or Moby-Dick with the character GPT of `npm run gpt`. */
  model: 'mlp' | 'cnn' | 'gpt';
  optimizer: 'asgd' | 'sgd' | 'adam' | 'adamw';
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  /** SGD only. */
  momentum: number;
  /** Adam and AdamW: PyTorch's betas[0], betas[1] and eps. */
  beta1: number;
  beta2: number;
  eps: number;
  batchSize: number;
  /** Steps between two held-out evaluations (the GPT: between two samples). */
  evalEvery: number;
  seed: number;
}

export type ToWorker =
  | { type: 'reset'; config: Config }
  | { type: 'config'; config: Config }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'predict'; id: number; pixels: Float32Array }
  /** Large matrix products on `n` threads (setNumThreads), from the next step on. */
  | { type: 'threads'; n: number };

export type FromWorker =
  | { type: 'ready'; backend: string; relaxedSimd: boolean; train: number; test: number; crossOriginIsolated: boolean; textChars: number }
  | { type: 'reset'; step: 0 }
  | { type: 'running'; running: boolean }
  /** `threads`: the threads ready to take work (getNumThreadsReady) during the slice. */
  | { type: 'progress'; step: number; epoch: number; loss: number; examplesPerSecond: number; threads: number }
  | { type: 'eval'; step: number; live: number; averaged: number | null }
  | { type: 'prediction'; id: number; live: number[]; averaged: number[] | null }
  /** The GPT's text drawn with `multinomial` after `step` steps, and its held-out loss. */
  | { type: 'sample'; step: number; text: string; valLoss: number }
  /** `input`: settings the optimizer refused (not a fault of the page). */
  | { type: 'error'; message: string; input: boolean };

/** Which hyper-parameters each optimizer reads (the page shows only these). */
export const HYPER: Record<Config['optimizer'], readonly (keyof Config)[]> = {
  asgd: ['lr', 'lambd', 'alpha', 't0', 'weightDecay'],
  sgd: ['lr', 'momentum', 'weightDecay'],
  adam: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  adamw: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
};

/** The GPT's size: `npm run gpt`'s defaults (4 heads of 8, 2 blocks, context 32). */
export const GPT_SIZE = { blockSize: 32, nEmbd: 32, nHead: 4, nLayer: 2, dropout: 0 } as const;

/**
 * Defaults that train well in a few seconds (the examples' MNIST defaults, batch 64; PyTorch's
 * for Adam/AdamW; the GPT: `npm run gpt`'s batch 16 and lr 3e-3, a sample every 25 steps).
 */
export function defaults(model: Config['model'], optimizer: Config['optimizer']): Config {
  if (model === 'gpt') {
    const lr = { asgd: 0.5, sgd: 0.5, adam: 3e-3, adamw: 3e-3 }[optimizer];
    return { ...defaults('mlp', optimizer), model, lr, t0: 200, batchSize: 16, evalEvery: 25 };
  }
  const cnn = model === 'cnn';
  const lr = { asgd: cnn ? 0.05 : 0.2, sgd: cnn ? 0.01 : 0.02, adam: 1e-3, adamw: 1e-3 }[optimizer];
  return {
    model, optimizer, lr,
    lambd: 1e-4, alpha: 0.75, t0: cnn ? 300 : 1500, weightDecay: optimizer === 'adamw' ? 0.01 : 0, momentum: 0.9,
    beta1: 0.9, beta2: 0.999, eps: 1e-8,
    batchSize: 64, evalEvery: model === 'cnn' ? 50 : 125, seed: 0,
  };
}
