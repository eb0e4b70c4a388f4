/**
 * js-pytorch 0.7.2 (CPU; nested JavaScript arrays). It has no SGD optimizer and no
 * convolution: the update is composed from its ops, and the CNN case is not run.
 */
import { torch } from 'js-pytorch';
import { ASGD_ETA, ASGD_LAMBD, ASGD_MU, B, asgdSizes, checksum, LR, mlpData, normal } from './data.js';
import { gflops, out, time } from './harness.js';

type T = InstanceType<typeof torch.Tensor>;

const nested = (a: Float32Array, rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from(a.subarray(i * cols, (i + 1) * cols)));

export async function matmul(n: number): Promise<void> {
  const a = torch.tensor(nested(normal(n * n, 21), n, n)), b = torch.tensor(nested(normal(n * n, 22), n, n));
  const check = checksum((torch.matmul(a, b).data as number[][]).flat());
  const ms = await time(() => torch.matmul(a, b), n >= 1024 ? 3000 : 1500, 1, 3);
  out(gflops(n, ms), 'GFLOP/s', check);
}

export async function asgd(total: number): Promise<void> {
  const sizes = asgdSizes(total);
  const p = sizes.map((n, i) => torch.tensor(Array.from(normal(n, 100 + i))));
  const g = sizes.map((n, i) => torch.tensor(Array.from(normal(n, 200 + i))));
  const ax = sizes.map((n) => torch.zeros([n]));
  const decay = 1 - ASGD_LAMBD * ASGD_ETA;
  const update = (): void => {
    for (let t = 0; t < p.length; t++) {
      const next = torch.add(torch.mul(p[t]!, decay), torch.mul(g[t]!, -ASGD_ETA));
      p[t] = next;
      ax[t] = torch.add(ax[t]!, torch.mul(torch.add(next, torch.neg(ax[t]!)), ASGD_MU));
    }
  };
  update();
  const check = checksum(p[0]!.data as number[]);
  const ms = await time(update, 2500, 1, 3);
  out((ms * 1e6) / total, 'ns/param', check);
}

export async function step(optimizer: 'sgd' | 'asgd'): Promise<void> {
  const d = mlpData();
  // js-pytorch's Linear computes x·W + b with W [in, out]: our weights, transposed.
  const l1 = new torch.nn.Linear(784, 256), l2 = new torch.nn.Linear(256, 10);
  l1.W = torch.tensor(nested(d.W1, 256, 784)[0]!.map((_, j) => Array.from({ length: 256 }, (_, i) => d.W1[i * 784 + j]!)), true);
  l1.b = torch.tensor(Array.from(d.b1), true);
  l2.W = torch.tensor(Array.from({ length: 256 }, (_, j) => Array.from({ length: 10 }, (_, i) => d.W2[i * 256 + j]!)), true);
  l2.b = torch.tensor(Array.from(d.b2), true);
  const relu = new torch.nn.ReLU(), ce = new torch.nn.CrossEntropyLoss();
  const x = torch.tensor(nested(d.x, B, 784)), y = torch.tensor(Array.from(d.y));
  const params = (): T[] => [l1.W, l1.b, l2.W, l2.b];
  const ax = params().map((p) => torch.zeros(p.shape));
  let first = Number.NaN;
  const ms = await time(() => {
    params().forEach((p) => p.zero_grad());
    const loss = ce.forward(l2.forward(relu.forward(l1.forward(x))), y);
    loss.backward();
    const next = params().map((p, i) => {
      const g = torch.tensor(p._grad.data);
      const q = optimizer === 'sgd'
        ? torch.add(p, torch.mul(g, -LR))
        : torch.add(torch.mul(p, 1 - ASGD_LAMBD * ASGD_ETA), torch.mul(g, -ASGD_ETA));
      if (optimizer === 'asgd') ax[i] = torch.add(ax[i]!, torch.mul(torch.add(q, torch.neg(ax[i]!)), ASGD_MU));
      return torch.tensor(q.data, true);
    });
    [l1.W, l1.b, l2.W, l2.b] = next as [T, T, T, T];
    if (Number.isNaN(first)) first = loss.data[0] ?? (loss.data as unknown as number);
  }, 3000, 1, 3);
  out(ms, 'ms/step', first);
}
