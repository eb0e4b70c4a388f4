/**
 * jax-js 0.1.25 on its wasm device (single-threaded in Node: its thread pool needs a global
 * Worker, which Node 20 lacks). Array arguments are moved, so values used again are passed as
 * `.ref` (jax-js's reference counting).
 */
import { init, jit, lax, nn, numpy as np, valueAndGrad, defaultDevice } from '@jax-js/jax';
import { ASGD_ETA, ASGD_LAMBD, ASGD_MU, B, asgdSizes, checksum, cnnData, LR, mlpData, normal } from './data.js';
import { gflops, out, time } from './harness.js';

type Arr = np.Array;

async function start(): Promise<void> {
  await init('wasm');
  defaultDevice('wasm');
}

export async function matmul(n: number): Promise<void> {
  await start();
  const a = np.array(normal(n * n, 21)).reshape([n, n]), b = np.array(normal(n * n, 22)).reshape([n, n]);
  const c0 = np.matmul(a.ref, b.ref);
  const check = checksum(await c0.data());
  const ms = await time(async () => { const c = np.matmul(a.ref, b.ref); await c.data(); }, n >= 1024 ? 3000 : 1500);
  out(gflops(n, ms), 'GFLOP/s', check);
}

/** The ASGD-style update with averaging over 10 arrays, one jit-compiled function. */
export async function asgd(total: number): Promise<void> {
  await start();
  const sizes = asgdSizes(total);
  let p: Arr[] = sizes.map((n, i) => np.array(normal(n, 100 + i)));
  const g: Arr[] = sizes.map((n, i) => np.array(normal(n, 200 + i)));
  let ax: Arr[] = sizes.map((n) => np.zeros([n]));
  const decay = 1 - ASGD_LAMBD * ASGD_ETA;
  const update = jit((ps: Arr[], gs: Arr[], axs: Arr[]) => {
    const next = ps.map((q, t) => q.mul(decay).sub(gs[t]!.mul(ASGD_ETA)));
    return [next.map((x) => x.ref), axs.map((a, t) => a.ref.add(next[t]!.sub(a).mul(ASGD_MU)))];
  });
  const step = async (): Promise<void> => {
    const [np2, ax2] = update(p, g.map((x) => x.ref), ax) as unknown as [Arr[], Arr[]];
    p = np2;
    ax = ax2;
    await ax[ax.length - 1]!.blockUntilReady();
  };
  await step();
  const check = checksum(await p[0]!.ref.data());
  const ms = await time(step, 2500);
  out((ms * 1e6) / total, 'ns/param', check);
}

type Params = Record<string, Arr>;

export async function step(net: 'mlp' | 'cnn', optimizer: 'sgd' | 'asgd'): Promise<void> {
  await start();
  let params: Params, x: Arr, y: Arr, loss: (p: Params, x: Arr, y: Arr) => Arr;
  if (net === 'mlp') {
    const d = mlpData();
    params = {
      W1: np.array(d.W1).reshape([256, 784]), b1: np.array(d.b1),
      W2: np.array(d.W2).reshape([10, 256]), b2: np.array(d.b2),
    };
    x = np.array(d.x).reshape([B, 784]);
    y = nn.oneHot(np.array(Int32Array.from(d.y), { dtype: np.int32 }), 10);
    loss = (p, x, y) => {
      const h = nn.relu(np.matmul(x, p.W1!.transpose()).add(p.b1!));
      const z = np.matmul(h, p.W2!.transpose()).add(p.b2!);
      return nn.logSoftmax(z, -1).mul(y).sum().mul(-1 / B);
    };
  } else {
    const d = cnnData();
    params = {
      c1: np.array(d.c1).reshape([6, 1, 5, 5]), c1b: np.array(d.c1b).reshape([1, 6, 1, 1]),
      c2: np.array(d.c2).reshape([16, 6, 5, 5]), c2b: np.array(d.c2b).reshape([1, 16, 1, 1]),
      fc: np.array(d.fc).reshape([10, 256]), fcb: np.array(d.fcb),
    };
    x = np.array(d.x).reshape([B, 1, 28, 28]);
    y = nn.oneHot(np.array(Int32Array.from(d.y), { dtype: np.int32 }), 10);
    // 2x2 max-pooling as a reshape and a max over the window axes.
    const pool = (a: Arr, c: number, s: number): Arr => np.max(a.reshape([B, c, s / 2, 2, s / 2, 2]), [3, 5]);
    loss = (p, x, y) => {
      let h = pool(nn.relu(lax.conv(x, p.c1!, [1, 1], 'VALID').add(p.c1b!)), 6, 24);
      h = pool(nn.relu(lax.conv(h, p.c2!, [1, 1], 'VALID').add(p.c2b!)), 16, 8);
      const z = np.matmul(h.reshape([B, 256]), p.fc!.transpose()).add(p.fcb!);
      return nn.logSoftmax(z, -1).mul(y).sum().mul(-1 / B);
    };
  }
  let ax: Params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, np.zerosLike(v.ref)]));
  const decay = 1 - ASGD_LAMBD * ASGD_ETA;
  const trainStep = jit((p: Params, ax: Params, x: Arr, y: Arr) => {
    const refs = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.ref]));
    const [l, g] = valueAndGrad(loss)(refs, x, y) as unknown as [Arr, Params];
    const next: Params = {}, nextAx: Params = {};
    for (const k of Object.keys(p)) {
      if (optimizer === 'sgd') {
        next[k] = p[k]!.sub(g[k]!.mul(LR));
        nextAx[k] = ax[k]!;
      } else {
        const n1 = p[k]!.mul(decay).sub(g[k]!.mul(ASGD_ETA));
        next[k] = n1.ref;
        nextAx[k] = ax[k]!.ref.add(n1.sub(ax[k]!).mul(ASGD_MU));
      }
    }
    return [l, next, nextAx];
  });
  let first = Number.NaN;
  const ms = await time(async () => {
    const [l, p2, ax2] = trainStep(params, ax, x.ref, y.ref) as unknown as [Arr, Params, Params];
    params = p2;
    ax = ax2;
    const v = (await l.data())[0]!;
    if (Number.isNaN(first)) first = v;
  }, net === 'cnn' ? 2500 : 1500);
  out(ms, 'ms/step', first);
}
