/** The messages between the page and the training worker. */
export interface Config {
  model: 'mlp' | 'cnn';
  optimizer: 'asgd' | 'sgd';
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  /** SGD only. */
  momentum: number;
  batchSize: number;
  /** Steps between two held-out evaluations. */
  evalEvery: number;
  seed: number;
}

export type ToWorker =
  | { type: 'reset'; config: Config }
  | { type: 'config'; config: Config }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'predict'; id: number; pixels: Float32Array };

export type FromWorker =
  | { type: 'ready'; backend: string; relaxedSimd: boolean; train: number; test: number; crossOriginIsolated: boolean }
  | { type: 'reset'; step: 0 }
  | { type: 'running'; running: boolean }
  | { type: 'progress'; step: number; epoch: number; loss: number; examplesPerSecond: number }
  | { type: 'eval'; step: number; live: number; averaged: number | null }
  | { type: 'prediction'; id: number; live: number[]; averaged: number[] | null }
  | { type: 'error'; message: string };

/** Defaults that train well in a few seconds (the examples' MNIST defaults, batch 64). */
export function defaults(model: Config['model'], optimizer: Config['optimizer']): Config {
  const asgd = optimizer === 'asgd';
  return {
    model, optimizer,
    lr: model === 'cnn' ? (asgd ? 0.05 : 0.01) : asgd ? 0.2 : 0.02,
    lambd: 1e-4, alpha: 0.75, t0: model === 'cnn' ? 300 : 1500, weightDecay: 0, momentum: 0.9,
    batchSize: 64, evalEvery: model === 'cnn' ? 50 : 125, seed: 0,
  };
}
