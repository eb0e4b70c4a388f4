/**
 * `npm run ulp`: the float32 exp, sigmoid, tanh and log kernels over all 2^32 float32 inputs,
 * against the correctly rounded results (Math's double function rounded once to float32: within
 * a double ulp, so off only where the exact value lies within about 2^-29 float32 ulps of a
 * rounding boundary). Prints the largest distance in ulps (adjacent float32 values are 1 apart;
 * +0 and -0 count as equal), where it occurs, and how many inputs are off by more than half an
 * ulp's worth (i.e. not correctly rounded); checks that the JS kernel gives the module's bits on
 * every 16th block (all blocks with --full-js). Not part of `npm test`: about a minute per
 * function on one core.
 */
import { kernels, setBackend } from '@tensile/tensor';
import { jsKernels } from '../src/kernels/js.js';

type Kind = 'exp' | 'sigmoid' | 'tanh' | 'log';
const reference: Record<Kind, (x: number) => number> = {
  exp: Math.exp,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  log: Math.log,
};
const fullJs = process.argv.includes('--full-js');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--')) as Kind[];
const kinds: Kind[] = only.length ? only : ['exp', 'sigmoid', 'tanh', 'log'];

setBackend('wasm');
const k = kernels();
if (k.name !== 'wasm') throw new Error('ulp: the WebAssembly kernels are not available in this runtime');
const BLOCK = 1 << 20;
const bitsIn = new Uint32Array(BLOCK), x = new Float32Array(bitsIn.buffer);
const out = new Float32Array(BLOCK), outBits = new Int32Array(out.buffer);
const js = new Float32Array(BLOCK), jsBits = new Int32Array(js.buffer);
const ref = new Float32Array(1), refBits = new Int32Array(ref.buffer);

/** A float32's bits as a number line: adjacent floats differ by 1, +0 and -0 are both 0. */
const ordered = (b: number): number => (b < 0 ? -(b & 0x7fffffff) : b);

/**
 * Where e^-x overflows float32 (x below -ln(FLT_MAX)), sigmoid's `1 / (1 + e^-x)` is 0, as in
 * PyTorch's float kernel, while the exact value is a subnormal: reported apart.
 */
const overflowBelow = (kind: Kind): number => (kind === 'sigmoid' ? -88.72283905206835 : -Infinity);

for (const kind of kinds) {
  const f = reference[kind], low = overflowBelow(kind);
  let worst = 0, worstAt = 0, off = 0, nanMismatch = 0, jsMismatch = 0, flushed = 0;
  const started = Date.now();
  for (let start = 0; start < 2 ** 32; start += BLOCK) {
    for (let i = 0; i < BLOCK; i++) bitsIn[i] = start + i;
    k.unary(kind, x, 0, out, 0, BLOCK);
    if (fullJs || (start / BLOCK) % 16 === 0) {
      jsKernels.unary(kind, x, 0, js, 0, BLOCK);
      for (let i = 0; i < BLOCK; i++) if (jsBits[i] !== outBits[i] && !(js[i] !== js[i] && out[i] !== out[i])) jsMismatch++;
    }
    for (let i = 0; i < BLOCK; i++) {
      ref[0] = f(x[i]!);
      const got = out[i]!;
      if (ref[0] !== ref[0] || got !== got) {
        if ((ref[0] !== ref[0]) !== (got !== got)) nanMismatch++;
        continue;
      }
      if (x[i]! < low) {
        if (got === 0 && ref[0] !== 0) flushed++;
        continue;
      }
      const d = Math.abs(ordered(outBits[i]!) - ordered(refBits[0]!));
      if (d > 0) off++;
      if (d > worst) { worst = d; worstAt = x[i]!; }
    }
  }
  const below = low > -Infinity ? ` (x >= ${low}; below, where e^-x overflows, ${flushed} results are 0 instead of a subnormal)` : '';
  console.log(`${kind.padEnd(8)} max ${worst} ulp (at x = ${worstAt})${below}, ${off} of 2^32 inputs not correctly rounded, ${nanMismatch} NaN mismatches, JS kernel ≠ module on ${jsMismatch} inputs${fullJs ? '' : ' (every 16th block)'}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
