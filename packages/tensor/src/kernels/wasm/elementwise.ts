/**
 * The element-wise kernels that run in the module: ASGD's fused update, add/sub/mul/div (also
 * with a row broadcast over rows, a bias), relu and its backward, and column sums. Arrays stream through in chunks that
 * stay in cache, so main memory sees each element read and written once.
 */
import { jsKernels } from '../js.js';
import type { BinaryKind, Kernels } from '../types.js';
import { existingArena, type Arena } from './arena.js';
import type { Instance } from './module.js';

// NOTE: results leave the module with one TypedArray.set per span. (An earlier measurement on
// another machine found copies out of WebAssembly memory into large arrays slow and routed them
// through a small staging array; on Node 20 here the direct copy measured as fast or faster:
// 0.15 vs 0.18 ns per float in 8192-float spans, and 0.32 vs 0.41 ns for ASGD's two outputs.)
export const CHUNK = 32768; // floats per staged array and call: 3 x 128 KiB stay in L2 (32768 measured 5-10% faster than 8192 or 65536 for ASGD at 1M and 10M parameters)
const BINARY_OPS: Partial<Record<BinaryKind, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
/** The unary kinds the module's `expf` computes, by its op number. */
const EXPF: Partial<Record<string, number>> = { exp: 0, sigmoid: 1, tanh: 2, gelu: 3, silu: 5, log: 7, geluTanh: 8 };
/** The backward ops of `expf`, by activation. */
const EXPF_BACKWARD: Record<Parameters<Kernels['unaryBackward']>[0], number> = { gelu: 4, silu: 6, geluTanh: 9 };
export const ELEMENT_MIN = 4096; // below this the JS loop is as fast as staging through the module
const EXPF_MIN = 16; // exp/sigmoid/tanh: the module's f32x4 polynomial repays staging from a few floats on (64 floats: 10 ns each against 40 in the JS rows, loaded machine)

const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const copyOut = (dst: Float32Array, dOff: number, src: Float32Array, sOff: number, m: number): void => dst.set(src.subarray(sOff, sOff + m), dOff);

/**
 * Whether `n` floats of `x` from `xOff` and of `y` from `yOff` are the same elements or share
 * none: a kernel updating in place may then read and write them in any order. (Views of one
 * buffer offset by a few elements would otherwise see each other's writes.)
 */
function sameOrApart(x: Float32Array, xOff: number, y: Float32Array, yOff: number, n: number): boolean {
  const xs = x.byteOffset + xOff * 4, ys = y.byteOffset + yOff * 4;
  return xs === ys || xs + n * 4 <= ys || ys + n * 4 <= xs;
}

/**
 * Streams `n4` floats through a kernel call in chunks: a's chunk staged at 0 and b's (if given)
 * at CHUNK, `run(m)` writes m floats at 2·CHUNK, which go out to `out`.
 */
function stream(
  w: Float32Array, a: Float32Array, aOff: number, b: Float32Array | null, bOff: number,
  out: Float32Array, outOff: number, n4: number, run: (m: number) => void,
): void {
  for (let i = 0; i < n4; i += CHUNK) {
    const m = Math.min(CHUNK, n4 - i);
    w.set(a.subarray(aOff + i, aOff + i + m), 0);
    if (b) w.set(b.subarray(bOff + i, bOff + i + m), CHUNK);
    run(m);
    copyOut(out, outOff + i, w, 2 * CHUNK, m);
  }
}

/** Whether `strides` lay `shape` out contiguously (dims of size 1 may have any stride). */
function contiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** Whether `strides` read one row, repeated over every leading dim (a bias broadcast over rows). */
function broadcastRow(shape: readonly number[], strides: readonly number[]): boolean {
  const last = shape.length - 1;
  if (last < 1 || (strides[last] !== 1 && shape[last] !== 1)) return false;
  for (let d = 0; d < last; d++) if (strides[d] !== 0 && shape[d] !== 1) return false;
  return true;
}

/** The element-wise kernels on instance `one`. */
export function makeElementwise(one: Instance): Pick<Kernels, 'adam' | 'rmsprop' | 'adagrad' | 'adadelta' | 'rprop' | 'asgd' | 'binary' | 'reduceDim' | 'unary' | 'reluBackward' | 'leakyRelu' | 'leakyReluBackward' | 'unaryBackward'> {
  const asgd: Kernels['asgd'] = (p, pOff, g, gOff, ax, axOff, n, decay, negEta, mu, wd) => {
    const n4 = n & ~3;
    const avg = mu !== 1, mode = (wd !== 0 ? 1 : 0) | (avg ? 2 : 0) | (avg && Math.fround(mu) === mu ? 4 : 0);
    const arena = existingArena();
    if (arena?.has(p) && arena.has(ax)) {
      // Parameters and averages resident (an optimizer's): updated where they are; only the
      // gradient streams through the arena's scratch (it is the caller's, and the weight-decay
      // pass writes over its copy). Memory traffic: the update's own 20 bytes per parameter.
      const S = arena.view();
      const pp = p.byteOffset + pOff * 4, xp = ax.byteOffset + axOff * 4;
      for (let i = 0; i < n4; i += CHUNK) {
        const m = Math.min(CHUNK, n4 - i);
        S.set(g.subarray(gOff + i, gOff + i + m), 0);
        arena.ex.asgd(pp + i * 4, 0, xp + i * 4, m, decay, negEta, mu, wd, mode);
      }
      if (n4 < n) jsKernels.asgd(p, pOff + n4, g, gOff + n4, ax, axOff + n4, n - n4, decay, negEta, mu, wd);
      return;
    }
    const w = one.reserve(3 * CHUNK);
    const P = 0, G = CHUNK, X = 2 * CHUNK;
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      w.set(p.subarray(pOff + i, pOff + i + m), P);
      w.set(g.subarray(gOff + i, gOff + i + m), G);
      if (avg) w.set(ax.subarray(axOff + i, axOff + i + m), X);
      one.ex.asgd(P * 4, G * 4, X * 4, m, decay, negEta, mu, wd, mode);
      copyOut(p, pOff + i, w, P, m);
      copyOut(ax, axOff + i, w, X, m);
    }
    // The last n % 4 elements: the JS kernel computes the same bits.
    if (n4 < n) jsKernels.asgd(p, pOff + n4, g, gOff + n4, ax, axOff + n4, n - n4, decay, negEta, mu, wd);
  };

  /**
   * An optimizer update over `arrays` (the parameter and its state, updated in place; null where
   * an optional state is absent) and the gradient `g`. Below ELEMENT_MIN, and for the last n % 4
   * elements, `js` (the JS kernel: the same bits) on the arrays or their tails. The rest in the
   * module: where every array is resident (an optimizer's), computed where they are with only
   * the gradient streamed through the arena's scratch; else staged in chunks, in and out.
   * `module` gets the instance, each array's byte pointer (0 for an absent one), the gradient's
   * and the count.
   */
  function optimizerUpdate(
    arrays: readonly (Float32Array | null)[], g: Float32Array,
    module: (ex: Instance['ex'], ptrs: number[], gp: number, k: number) => void,
    js: (arrays: (Float32Array | null)[], g: Float32Array) => void,
  ): void {
    const n = arrays[0]!.length, n4 = n & ~3; // the parameter's length
    if (n < ELEMENT_MIN) return js([...arrays], g);
    const arena = existingArena();
    if (arena && arrays.every((a) => !a || arena.has(a))) {
      const S = arena.view();
      for (let i = 0; i < n4; i += CHUNK) {
        const k = Math.min(CHUNK, n4 - i);
        S.set(g.subarray(i, i + k), 0);
        module(arena.ex, arrays.map((a) => (a ? a.byteOffset + i * 4 : 0)), 0, k);
      }
    } else {
      // Layout (floats): the gradient, then one CHUNK per array
      const w = one.reserve((arrays.length + 1) * CHUNK);
      const at = arrays.map((_, j) => (j + 1) * CHUNK);
      for (let i = 0; i < n4; i += CHUNK) {
        const k = Math.min(CHUNK, n4 - i);
        w.set(g.subarray(i, i + k), 0);
        arrays.forEach((a, j) => a && w.set(a.subarray(i, i + k), at[j]!));
        module(one.ex, at.map((f) => f * 4), 0, k);
        arrays.forEach((a, j) => a && copyOut(a, i, w, at[j]!, k));
      }
    }
    if (n4 < n) js(arrays.map((a) => (a ? a.subarray(n4) : null)), g.subarray(n4));
  }

  const adam: Kernels['adam'] = (p, g, m, v, vmax, c) => optimizerUpdate([p, m, v, vmax], g,
    (ex, [pp, mp, vp, xp], gp, k) => ex.adam(pp!, gp, mp!, vp!, xp!, k, c.mode, c.wd, c.decay, c.w1, c.w1c, c.b2, c.c2, c.bc2, c.eps, c.ss, c.c1 ?? 0, c.bc1 ?? 1, c.lr ?? 0, c.rect ?? 0),
    ([pt, mt, vt, xt], gt) => jsKernels.adam(pt!, gt, mt!, vt!, xt!, c));
  const rmsprop: Kernels['rmsprop'] = (p, g, sq, gavg, buf, c) => {
    const mode = c.mode | (gavg ? 4 : 0) | (buf ? 16 : 0);
    optimizerUpdate([p, sq, gavg, buf], g,
      (ex, [pp, sp, ap, bp], gp, k) => ex.rmsprop(pp!, gp, sp!, ap!, bp!, k, mode, c.wd, c.alpha, c.w, c.wc, c.eps, c.momentum, c.negLr),
      ([pt, st, at, bt], gt) => jsKernels.rmsprop(pt!, gt, st!, at!, bt!, c));
  };
  const adagrad: Kernels['adagrad'] = (p, g, sum, mode, wd, eps, negClr) => optimizerUpdate([p, sum], g,
    (ex, [pp, sp], gp, k) => ex.adagrad(pp!, gp, sp!, k, mode, wd, eps, negClr),
    ([pt, st], gt) => jsKernels.adagrad(pt!, gt, st!, mode, wd, eps, negClr));
  const adadelta: Kernels['adadelta'] = (p, g, sq, acc, mode, wd, rho, w, eps, negLr) => optimizerUpdate([p, sq, acc], g,
    (ex, [pp, sp, ap], gp, k) => ex.adadelta(pp!, gp, sp!, ap!, k, mode, wd, rho, w, eps, negLr),
    ([pt, st, at], gt) => jsKernels.adadelta(pt!, gt, st!, at!, mode, wd, rho, w, eps, negLr));
  const rprop: Kernels['rprop'] = (p, g, prev, ss, mode, plus, minus, lo, hi) => optimizerUpdate([p, prev, ss], g,
    (ex, [pp, qp, sp], gp, k) => ex.rprop(pp!, gp, qp!, sp!, k, mode, plus, minus, lo, hi),
    ([pt, qt, st], gt) => jsKernels.rprop(pt!, gt, qt!, st!, mode, plus, minus, lo, hi));

  /**
   * Element-wise add/sub/mul/div of a contiguous `a` with a contiguous same-shape `b`, with a
   * row `b` broadcast over a's rows (a bias: `[rows, n] op [n]`, n a multiple of 4 up to CHUNK),
   * or of a contiguous operand with a scalar on either side (`g.mul_(coef)`, `1 - x`); the rest
   * is JS's.
   */
  const binary: Kernels['binary'] = (kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha = 1) => {
    let op = BINARY_OPS[kind];
    const n = numelOf(shape);
    const big = op !== undefined && n >= ELEMENT_MIN;
    const dense = big && contiguous(shape, aStrides), bDense = big && contiguous(shape, bStrides);
    const same = dense && bDense;
    const row = shape[shape.length - 1] ?? 0;
    const bias = dense && !same && row % 4 === 0 && row <= CHUNK && broadcastRow(shape, bStrides);
    // one value broadcast over the whole of the other, contiguous, operand
    const bScalar = dense && !bDense && bStrides.every((st) => st === 0);
    const aScalar = bDense && !dense && aStrides.every((st) => st === 0);
    if (op === undefined || (!same && !bias && !aScalar && !bScalar)) {
      jsKernels.binary(kind, a, aOff, aStrides, b, bOff, bStrides, shape, out, outOff, alpha);
      return;
    }
    // JS rounds alpha to float32 and computes a ± alpha·b in double: op 4 does the same.
    let al = Math.fround(alpha);
    if (op <= 1 && al !== 1) {
      if (op === 1) al = -al;
      op = 4;
    }
    if (aScalar || bScalar) return scalarBinary(op, al, kind, a, aOff, b, bOff, aScalar, out, outOff, n, alpha);
    const arena = existingArena();
    if (same && arena?.has(out) && arena.has(a) && sameOrApart(a, aOff, out, outOff, n)) {
      return residentBinary(arena, op, a, aOff, b, bOff, out, outOff, n, al, kind, alpha);
    }
    const w = one.reserve(3 * CHUNK);
    if (bias) {
      // Whole rows of a per chunk, b staged once; one call per row.
      w.set(b.subarray(bOff, bOff + row), CHUNK);
      const per = Math.floor(CHUNK / row) * row;
      for (let i = 0; i < n; i += per) {
        const m = Math.min(per, n - i);
        w.set(a.subarray(aOff + i, aOff + i + m), 0);
        for (let r = 0; r < m; r += row) one.ex.binary(op, r * 4, CHUNK * 4, (2 * CHUNK + r) * 4, row, al);
        copyOut(out, outOff + i, w, 2 * CHUNK, m);
      }
      return;
    }
    const n4 = n & ~3, code = op;
    stream(w, a, aOff, b, bOff, out, outOff, n4, (m) => one.ex.binary(code, 0, CHUNK * 4, 2 * CHUNK * 4, m, al));
    if (n4 < n) jsKernels.binary(kind, a, aOff + n4, [1], b, bOff + n4, [1], [n - n4], out, outOff + n4, alpha);
  };

  /**
   * `out = a op b` (the kernel's `op` and float32 `al`; `kind` and `alpha` for the JS tail) where
   * one of a, b is a single value broadcast over the other (`aScalar` says which): that value fills the kernel's b (or a) area once, the other operand streams through,
   * or, resident and updated in place (an optimizer's `buf.mul_(momentum)`), is computed where it
   * is. The kernel's arithmetic, so the JS kernel's bits; the last n mod 4 elements are the JS
   * kernel's.
   */
  function scalarBinary(
    op: number, al: number, kind: BinaryKind, a: Float32Array, aOff: number, b: Float32Array, bOff: number, aScalar: boolean,
    out: Float32Array, outOff: number, n: number, alpha: number,
  ): void {
    const n4 = n & ~3, v = aScalar ? a[aOff]! : b[bOff]!;
    const [t, tOff] = aScalar ? [b, bOff] : [a, aOff]; // the operand that streams
    const arena = existingArena();
    if (!aScalar && arena?.has(out) && arena.has(a) && sameOrApart(a, aOff, out, outOff, n)) {
      const S = arena.view();
      S.fill(v, 0, Math.min(CHUNK, n4));
      const ap = a.byteOffset + aOff * 4, op4 = out.byteOffset + outOff * 4;
      for (let i = 0; i < n4; i += CHUNK) arena.ex.binary(op, ap + i * 4, 0, op4 + i * 4, Math.min(CHUNK, n4 - i), al);
    } else {
      const w = one.reserve(3 * CHUNK), fixed = aScalar ? 0 : CHUNK, moving = CHUNK - fixed;
      w.fill(v, fixed, fixed + Math.min(CHUNK, n4));
      for (let i = 0; i < n4; i += CHUNK) {
        const m = Math.min(CHUNK, n4 - i);
        w.set(t.subarray(tOff + i, tOff + i + m), moving);
        one.ex.binary(op, 0, CHUNK * 4, 2 * CHUNK * 4, m, al);
        copyOut(out, outOff + i, w, 2 * CHUNK, m);
      }
    }
    if (n4 < n) jsKernels.binary(kind, a, aScalar ? aOff : aOff + n4, [aScalar ? 0 : 1], b, aScalar ? bOff + n4 : bOff, [aScalar ? 1 : 0], [n - n4], out, outOff + n4, alpha);
  }

  /**
   * `out = a op b` with `out` and `a` resident (an in-place update of an optimizer's tensor:
   * `p.add_(g, -lr)`, `buf.mul_(m)`): computed where they are, `b` streamed through the arena's
   * scratch unless it is resident too. Same kernel, same bits as the staged path.
   */
  function residentBinary(
    arena: Arena, op: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number,
    out: Float32Array, outOff: number, n: number, al: number, kind: BinaryKind, alpha: number,
  ): void {
    const S = arena.view();
    const n4 = n & ~3, ap = a.byteOffset + aOff * 4, op4 = out.byteOffset + outOff * 4;
    // b is read where it is unless it overlaps out elsewhere than element for element.
    const bResident = arena.has(b) && sameOrApart(b, bOff, out, outOff, n);
    for (let i = 0; i < n4; i += CHUNK) {
      const m = Math.min(CHUNK, n4 - i);
      let bp = b.byteOffset + (bOff + i) * 4;
      if (!bResident) {
        S.set(b.subarray(bOff + i, bOff + i + m), 0);
        bp = 0;
      }
      arena.ex.binary(op, ap + i * 4, bp, op4 + i * 4, m, al);
    }
    if (n4 < n) jsKernels.binary(kind, a, aOff + n4, [1], b, bOff + n4, [1], [n - n4], out, outOff + n4, alpha);
  }

  /**
   * Sums over the middle dim of `[pre, D, post]` when `post` is a multiple of 4 (a bias
   * gradient, a column sum): f64 accumulators in the same order as the JS kernel, so the same
   * bits. Other shapes and the other reductions are the JS kernel's.
   */
  const reduceDim: Kernels['reduceDim'] = (kind, x, xOff, pre, D, post, out) => {
    if (kind !== 'sum' || post % 4 !== 0 || D === 0 || D * post < ELEMENT_MIN) {
      jsKernels.reduceDim(kind, x, xOff, pre, D, post, out);
      return;
    }
    // Layout (floats): the rows of one p [D x post] | f64 partial sums [post] | results [post].
    const ACC = D * post, OUT = ACC + 2 * post;
    const w = one.tryReserve(OUT + post);
    if (!w) {
      jsKernels.reduceDim(kind, x, xOff, pre, D, post, out);
      return;
    }
    for (let p = 0; p < pre; p++) {
      w.set(x.subarray(xOff + p * D * post, xOff + (p + 1) * D * post), 0);
      one.ex.sum_rows(0, D, post, ACC * 4, OUT * 4);
      copyOut(out, p * post, w, OUT, post);
    }
  };

  /**
   * relu (op 0) or its backward (op 1, g given), LeakyReLU (op 2) or its backward (op 3, g given)
   * with the float32 `slope`, over `n` floats streamed through the module; false below
   * ELEMENT_MIN.
   */
  const relu = (op: number, x: Float32Array, xOff: number, g: Float32Array | null, gOff: number, out: Float32Array, outOff: number, n: number, slope = 0): boolean => {
    const w = n >= ELEMENT_MIN ? one.tryReserve(3 * CHUNK) : undefined;
    if (!w) return false;
    const n4 = n & ~3;
    stream(w, x, xOff, g, gOff, out, outOff, n4, (m) => one.ex.relu(op, 0, CHUNK * 4, 2 * CHUNK * 4, m, slope));
    // The last n % 4 elements: the JS kernel computes the same bits.
    if (n4 < n) {
      const rest = out.subarray(outOff + n4);
      if (op === 3) jsKernels.leakyReluBackward(x, xOff + n4, g!, gOff + n4, rest, n - n4, slope);
      else if (op === 2) jsKernels.leakyRelu(x, xOff + n4, rest, n - n4, slope);
      else if (g) jsKernels.reluBackward(x, xOff + n4, g, gOff + n4, rest, n - n4);
      else jsKernels.unary('relu', x, xOff + n4, out, outOff + n4, n - n4);
    }
    return true;
  };
  /**
   * exp, sigmoid, tanh, GELU (exact or tanh-approximate), SiLU or log of `n` floats streamed through the module (f32x4 lanes, the same bits as
   * the JS kernel's `transcendental.ts`); false below EXPF_MIN. The kernel runs whole groups of
   * eight floats (exp, sigmoid and tanh: sixteen, four vectors interleaved): a chunk's last group
   * reads and writes up to fifteen floats past it, inside its staging area (CHUNK is a multiple
   * of sixteen).
   */
  const expf = (op: number, x: Float32Array, xOff: number, out: Float32Array, outOff: number, n: number): boolean => {
    const w = n >= EXPF_MIN ? one.tryReserve(3 * CHUNK) : undefined;
    if (!w) return false;
    stream(w, x, xOff, null, 0, out, outOff, n, (m) => one.ex.expf(op, 0, 2 * CHUNK * 4, m));
    return true;
  };
  const unary: Kernels['unary'] = (kind, x, xOff, out, outOff, n) => {
    const op = EXPF[kind];
    if (op !== undefined && expf(op, x, xOff, out, outOff, n)) return;
    if (kind !== 'relu' || !relu(0, x, xOff, null, 0, out, outOff, n)) jsKernels.unary(kind, x, xOff, out, outOff, n);
  };
  const reluBackward: Kernels['reluBackward'] = (x, xOff, g, gOff, out, n) => {
    if (!relu(1, x, xOff, g, gOff, out, 0, n)) jsKernels.reluBackward(x, xOff, g, gOff, out, n);
  };
  const leakyRelu: Kernels['leakyRelu'] = (x, xOff, out, n, slope) => {
    if (!relu(2, x, xOff, null, 0, out, 0, n, slope)) jsKernels.leakyRelu(x, xOff, out, n, slope);
  };
  const leakyReluBackward: Kernels['leakyReluBackward'] = (x, xOff, g, gOff, out, n, slope) => {
    if (!relu(3, x, xOff, g, gOff, out, 0, n, slope)) jsKernels.leakyReluBackward(x, xOff, g, gOff, out, n, slope);
  };
  /** GELU's, tanh-approximate GELU's or SiLU's backward (the module's expf op 4, 9 or 6): dy is staged where the result goes and overwritten by it. */
  const unaryBackward: Kernels['unaryBackward'] = (kind, x, xOff, dy, dyOff, out, n) => {
    const w = n >= EXPF_MIN ? one.tryReserve(3 * CHUNK) : undefined;
    if (!w) {
      jsKernels.unaryBackward(kind, x, xOff, dy, dyOff, out, n);
      return;
    }
    for (let i = 0; i < n; i += CHUNK) {
      const m = Math.min(CHUNK, n - i);
      w.set(x.subarray(xOff + i, xOff + i + m), 0);
      w.set(dy.subarray(dyOff + i, dyOff + i + m), 2 * CHUNK);
      one.ex.expf(EXPF_BACKWARD[kind], 0, 2 * CHUNK * 4, m);
      copyOut(out, i, w, 2 * CHUNK, m);
    }
  };

  return { adam, rmsprop, adagrad, adadelta, rprop, asgd, binary, reduceDim, unary, reluBackward, leakyRelu, leakyReluBackward, unaryBackward };
}
