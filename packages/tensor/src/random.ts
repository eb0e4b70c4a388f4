/**
 * A small, fast, seedable generator (xoshiro128**, seeded through splitmix32).
 * Every random function in the library draws from the global generator unless given one,
 * so `manualSeed(n)` makes a whole program deterministic.
 *
 * @example
 * ```ts
 * import { Generator } from '@tensile/tensor';
 * const g = new Generator(42);
 * const u = g.uniform(); // in [0, 1)
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * PyTorch's `Generator.manual_seed(seed)`: resets the generator to the stream for `seed` and
   * returns it, so `new Generator().manualSeed(42)` ports `torch.Generator().manual_seed(42)`.
   * @example
   * ```ts
   * import { Generator, rand } from '@tensile/tensor';
   * const g = new Generator().manualSeed(42);
   * rand([2], { generator: g }); // the same two numbers on every run
   * ```
   */
  manualSeed(seed: number): this {
    return this.seed(seed);
  }

  /** Resets the generator to the stream for `seed` (any finite number; only its integer part counts). */
  seed(seed: number): this {
    if (!Number.isFinite(seed)) throw new RangeError(`manualSeed: seed must be a finite number, got ${seed}`);
    let x = Math.trunc(seed) >>> 0;
    let hi = Math.floor(Math.trunc(seed) / 4294967296) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x ^ hi;
      hi = (hi + 0x632be5ab) | 0;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
    this.spare = null;
    return this;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Fills `out` with float32 draws in [0, 1): each `Math.fround(uniform())`, drawn again when it
   * rounds up to 1. The same numbers, in the same order, as that many `uniform()` calls (`rand`
   * and dropout's masks), with the state kept in locals through the loop (3-4x faster than a
   * call a draw).
   * @example
   * ```ts
   * import { Generator } from '@tensile/tensor';
   * const u = new Float32Array(4);
   * new Generator(1).fillUniform(u); // four floats in [0, 1)
   * ```
   */
  fillUniform(out: Float32Array): void {
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (let i = 0; i < out.length;) {
      // two xoshiro128** outputs, as two nextUint32() calls
      const r1 = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const r2 = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const u = Math.fround(((r1 >>> 5) * 67108864 + (r2 >>> 6)) / 9007199254740992);
      if (u < 1) out[i++] = u;
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
  }

  /** A standard normal draw (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer uniformly drawn from [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** The generator's full state, to save and restore (checkpoints). */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare ?? Number.NaN];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new RangeError(`Generator.setState: expected 5 numbers, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v | 0) as [number, number, number, number];
    this.spare = Number.isNaN(state[4]) ? null : state[4]!;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator every random function uses by default. *
 * @example
 * ```ts
 * import { defaultGenerator } from '@tensile/tensor';
 * const saved = defaultGenerator.getState(); // e.g. for a checkpoint
 * defaultGenerator.setState(saved);
 * ```
 */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the default generator, making `rand`, `randn`, `randint`, dropout and `nn` initialisation
 * deterministic.
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from '@tensile/tensor';
 * manualSeed(0); const a = rand([3]);
 * manualSeed(0); const b = rand([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}

/** @internal `0 … n-1` in an order drawn from `generator` (a Fisher–Yates shuffle): `randperm`'s and every loader's. */
export function shuffledRange(n: number, generator: Generator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.int(0, i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
