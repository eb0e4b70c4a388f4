/** Hand-written plain-JavaScript baselines on Float32Arrays, and the memory-bandwidth reference. */
import { ASGD_ETA, ASGD_LAMBD, ASGD_MU, B, H, I, LR, O, asgdSizes, checksum, mlpData, normal } from './data.js';
import { gflops, out, time } from './harness.js';

/** A cache-aware (i-k-j) matmul loop. */
export async function matmul(n: number): Promise<void> {
  const a = normal(n * n, 21), b = normal(n * n, 22), c = new Float32Array(n * n);
  const run = (): void => {
    c.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      const x = a[i * n + k]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + x * b[k * n + j]!;
    }
  };
  run();
  const check = checksum(c);
  const ms = await time(run, n >= 1024 ? 3000 : 1500, 1, 3);
  out(gflops(n, ms), 'GFLOP/s', check);
}

/** The ASGD-style update as one fused loop per tensor, computed in doubles. */
export async function asgd(total: number): Promise<void> {
  const ps = asgdSizes(total).map((n, i) => normal(n, 100 + i)), gs = ps.map((p, i) => normal(p.length, 200 + i));
  const axs = ps.map((p) => new Float32Array(p.length));
  const decay = 1 - ASGD_LAMBD * ASGD_ETA, eta = ASGD_ETA, mu = ASGD_MU;
  const update = (): void => {
    for (let t = 0; t < ps.length; t++) {
      const p = ps[t]!, g = gs[t]!, ax = axs[t]!;
      for (let i = 0; i < p.length; i++) {
        const x = p[i]! * decay - eta * g[i]!;
        p[i] = x;
        ax[i] = ax[i]! + (x - ax[i]!) * mu;
      }
    }
  };
  update();
  const check = checksum(ps[0]!);
  const ms = await time(update, 2500);
  out((ms * 1e6) / total, 'ns/param', check);
}

/** Memory bandwidth reference: a triad a = b + s·c over 3 arrays of `n` floats (ns per element). */
export async function triad(n: number): Promise<void> {
  const a = new Float32Array(n), b = new Float32Array(n).fill(1), c = new Float32Array(n).fill(2);
  const ms = await time(() => { for (let i = 0; i < n; i++) a[i] = b[i]! + 0.5 * c[i]!; }, 2500);
  out((ms * 1e6) / n, 'ns/elem');
}

/**
 * Memory bandwidth reference: `a.set(b)` over `n` floats, which V8 runs as memcpy (8 bytes per
 * element: one read, one write), ns per element. The JS triad above is bound by its scalar loop
 * as much as by memory; this is the figure the hardware allows.
 */
export async function copy(n: number): Promise<void> {
  const a = new Float32Array(n), b = new Float32Array(n).fill(1);
  const ms = await time(() => a.set(b), 2500);
  out((ms * 1e6) / n, 'ns/elem');
}

/** The MLP step (forward, cross-entropy, backward, SGD) written by hand on Float32Arrays. */
export async function mlpStep(): Promise<void> {
  const d = mlpData();
  const x = d.x, y = d.y, W1 = d.W1.slice(), b1 = d.b1.slice(), W2 = d.W2.slice(), b2 = d.b2.slice();
  const h = new Float32Array(B * H), z = new Float32Array(B * O), dz = new Float32Array(B * O), dh = new Float32Array(B * H);
  const gW1 = new Float32Array(H * I), gb1 = new Float32Array(H), gW2 = new Float32Array(O * H), gb2 = new Float32Array(O);
  let first = Number.NaN;
  const step = (): void => {
    for (let i = 0; i < B; i++) for (let j = 0; j < H; j++) {
      let s = b1[j]!;
      for (let k = 0; k < I; k++) s += x[i * I + k]! * W1[j * I + k]!;
      h[i * H + j] = s > 0 ? s : 0;
    }
    for (let i = 0; i < B; i++) for (let j = 0; j < O; j++) {
      let s = b2[j]!;
      for (let k = 0; k < H; k++) s += h[i * H + k]! * W2[j * H + k]!;
      z[i * O + j] = s;
    }
    let loss = 0;
    for (let i = 0; i < B; i++) {
      let m = -Infinity;
      for (let j = 0; j < O; j++) m = Math.max(m, z[i * O + j]!);
      let s = 0;
      for (let j = 0; j < O; j++) s += Math.exp(z[i * O + j]! - m);
      const t = y[i]!;
      loss += (Math.log(s) + m - z[i * O + t]!) / B;
      for (let j = 0; j < O; j++) dz[i * O + j] = (Math.exp(z[i * O + j]! - m) / s - (j === t ? 1 : 0)) / B;
    }
    gW2.fill(0); gb2.fill(0); dh.fill(0); gW1.fill(0); gb1.fill(0);
    for (let i = 0; i < B; i++) for (let j = 0; j < O; j++) {
      const dd = dz[i * O + j]!;
      gb2[j] = gb2[j]! + dd;
      for (let k = 0; k < H; k++) { gW2[j * H + k] = gW2[j * H + k]! + dd * h[i * H + k]!; dh[i * H + k] = dh[i * H + k]! + dd * W2[j * H + k]!; }
    }
    for (let i = 0; i < B; i++) for (let j = 0; j < H; j++) {
      const dd = h[i * H + j]! > 0 ? dh[i * H + j]! : 0;
      if (dd === 0) continue;
      gb1[j] = gb1[j]! + dd;
      for (let k = 0; k < I; k++) gW1[j * I + k] = gW1[j * I + k]! + dd * x[i * I + k]!;
    }
    for (const [w, g] of [[W1, gW1], [b1, gb1], [W2, gW2], [b2, gb2]] as const) for (let k = 0; k < w.length; k++) w[k] = w[k]! - LR * g[k]!;
    if (Number.isNaN(first)) first = loss;
  };
  const ms = await time(step);
  out(ms, 'ms/step', first);
}
