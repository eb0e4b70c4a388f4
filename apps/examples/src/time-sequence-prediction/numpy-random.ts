/**
 * numpy's legacy `np.random.seed(s)` + `np.random.randint(low, high, n)`, bit for bit:
 * MT19937 seeded with `init_genrand(s)`, and numpy's masked rejection sampling of 32-bit draws
 * for a range below 2^32. Only what generate_sine_wave.py needs.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32 (Math.imul keeps the low 32 bits)
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output of MT19937. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `randint(low, high, size)`: integers in [low, high), numpy's legacy algorithm (mask, reject). */
  randint(low: number, high: number, size: number): number[] {
    const rng = high - low - 1;
    if (!(rng >= 0 && rng < 2 ** 32)) throw new RangeError(`randint: need low < high within 2^32, got ${low}, ${high}`);
    let mask = rng;
    for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
    mask >>>= 0;
    const out: number[] = [];
    for (let i = 0; i < size; i++) {
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > rng);
      out.push(low + v);
    }
    return out;
  }
}
