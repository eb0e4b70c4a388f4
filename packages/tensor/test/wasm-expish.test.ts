/**
 * The module's exp, sigmoid and tanh (f32x4 lanes, issue 25) against the
 * JavaScript kernel's Math.exp/Math.tanh, rounded once to float32: on sizes around the element
 * threshold and the chunk boundary, on the awkward values, and on a dense sweep. Promised: within
 * one float32 ulp; measured: the same bits on every input here (asserted, so a change shows).
 */
import { describe, expect, it } from 'vitest';
import { createWasmKernels } from '../src/kernels/wasm.js';
import { jsKernels } from '../src/kernels/js.js';
import { CHUNK, ELEMENT_MIN } from '../src/kernels/wasm/elementwise.js';

const wasm = createWasmKernels({ relaxed: false });
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-40, 2 ** -12, -(2 ** -12), 2 ** -12 * 0.999, 88.72, 88.73, -103.9, -104, 1e-45, 20, -20, 9.01, 0.5, -0.5];

function inputs(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i < SPECIAL.length ? SPECIAL[i]! : Math.sin(i * 12.9898) * (i % 5 === 0 ? 90 : i % 3 === 0 ? 0.01 : 7);
  return x;
}

describe.skipIf(!wasm)('module exp/sigmoid/tanh equal the JS kernel', () => {
  for (const kind of ['exp', 'sigmoid', 'tanh'] as const) {
    // the module runs sixteen floats an iteration (four vectors, interleaved): sizes around those groups too
    it(`${kind} on sizes around the module's groups of sixteen, ELEMENT_MIN and CHUNK`, () => {
      for (const n of [16, 17, 23, 31, 32, 33, 48, 63, 65, ELEMENT_MIN - 1, ELEMENT_MIN, ELEMENT_MIN + 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 3, 3 * CHUNK + 5]) {
        const x = inputs(n + 3);
        const a = new Float32Array(n + 5).fill(7), b = new Float32Array(n + 5).fill(7);
        wasm!.unary(kind, x, 3, a, 2, n);
        jsKernels.unary(kind, x, 3, b, 2, n);
        const ua = new Uint32Array(a.buffer), ub = new Uint32Array(b.buffer);
        let differ = 0;
        for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) differ++;
        expect(differ, `${kind} n=${n}: elements differing`).toBe(0);
      }
    });
  }
  it('a dense sweep of the float32 line (every 2^12-th bit pattern): the same bits', () => {
    const n = 1 << 20;
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) bits[i] = i * 4096 + 1234;
    const x = new Float32Array(bits.buffer);
    for (const kind of ['exp', 'sigmoid', 'tanh'] as const) {
      const a = new Float32Array(n), b = new Float32Array(n);
      wasm!.unary(kind, x, 0, a, 0, n);
      jsKernels.unary(kind, x, 0, b, 0, n);
      const ua = new Uint32Array(a.buffer), ub = new Uint32Array(b.buffer);
      let differ = 0, worst = 0;
      for (let i = 0; i < n; i++) {
        if (ua[i] === ub[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
        differ++;
        worst = Math.max(worst, Math.abs(ua[i]! - ub[i]!));
      }
      expect(worst, `${kind}: largest difference in ulps`).toBeLessThanOrEqual(1);
      expect(differ, `${kind}: elements differing`).toBe(0);
    }
  });
});
