/** Timing: median of repeated runs after warm-up, and the one-line JSON each case prints. */

/**
 * Median time (ms) of `fn` over at least `min` runs and about `budget` ms, after `warm` runs.
 * A case slower than half a second per run gets three warm-up runs and three timed ones: a model
 * step's first runs are slow while V8 optimises its loops and tiers its WebAssembly up (the LSTM
 * language model's first five steps took 800 to 380 ms, then 210), so timing them would measure
 * start-up, not the step. Past five seconds a run (a peer at its slowest) gets one warm-up, so
 * the whole suite stays within minutes.
 */
export async function time(fn: () => unknown, budget = 1500, warm = 3, min = 5): Promise<number> {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  if (first > 500) [warm, min, budget] = [first > 5000 ? 0 : 3, 3, 0];
  for (let i = 1; i < warm; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < budget || samples.length < min) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Prints the case's result: `check` is the first-step loss or a checksum, compared across libraries. */
export function out(value: number, unit: string, check?: number): void {
  console.log(JSON.stringify({ value, unit, ...(check !== undefined ? { check } : {}) }));
}

export const gflops = (n: number, ms: number): number => (2 * n * n * n) / (ms * 1e6);
