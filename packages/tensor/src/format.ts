import type { Tensor } from './tensor.js';
import { bool, float32, float64, int64 } from './dtype.js';

/**
 * Node's `util.inspect.custom`, reached through the symbol registry so the runtime needs no
 * `node:util`: classes that define it print as their `toString()` (PyTorch's repr) in
 * `console.log` and the REPL. Elsewhere it is just an unused symbol.
 */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** Formats like PyTorch: `tensor([[1., 2.],\n        [3., 4.]])`, 4 decimals or scientific. */
export function formatTensor(t: Tensor): string {
  const dt = t.dtype;
  if (!dt.isFloatingPoint) return formatIntegral(t);
  const flat: ArrayLike<number> = dt === float32 ? t.toFloat32Array() : t.to(float64).toTypedArray() as Float64Array;
  const finite = Array.from(flat).filter((v) => Number.isFinite(v));
  const ints = finite.every((v) => Number.isInteger(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const absMinNz = finite.filter((v) => v !== 0).reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
  const sci = !ints && finite.length > 0 && (absMax >= 1e8 || absMinNz < 1e-4 || absMax / absMinNz > 1000);
  const one = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (ints) return sci ? v.toExponential(4) : `${v}.`;
    if (sci) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    return v.toFixed(4);
  };
  const body = t.ndim === 0 ? one(flat[0]!) : layout(t, Array.from(flat, one));
  return `tensor(${body}${dt === float32 ? '' : `, dtype=${String(dt)}`}${gradSuffix(t)})`;
}

/**
 * The nested brackets of PyTorch's repr around the elements' strings (row-major, right-aligned
 * to the widest), with `...` for the middle of long dims when the tensor has over 1000 elements.
 */
function layout(t: Tensor, strs: readonly string[]): string {
  const width = strs.reduce((m, s) => Math.max(m, s.length), 0);
  const summarize = strs.length > 1000;
  let i = 0;
  const indent = 'tensor('.length;
  const build = (d: number): string => {
    const n = t.shape[d]!;
    const pieces: string[] = [];
    const skip = summarize && n > 6;
    for (let k = 0; k < n; k++) {
      if (skip && k === 3) {
        pieces.push('...');
        i += (n - 6) * t.shape.slice(d + 1).reduce((a, b) => a * b, 1);
        k = n - 4;
        continue;
      }
      pieces.push(d === t.ndim - 1 ? strs[i++]!.padStart(width) : build(d + 1));
    }
    const sep = d === t.ndim - 1 ? ', ' : ',' + '\n'.repeat(t.ndim - 1 - d) + ' '.repeat(indent + d + 1);
    return '[' + pieces.join(sep) + ']';
  };
  return build(0);
}

function gradSuffix(t: Tensor): string {
  return t.gradFn ? `, grad_fn=<${t.gradFn.name[0]!.toUpperCase()}${t.gradFn.name.slice(1)}Backward>` : t.requiresGrad ? ', requires_grad=True' : '';
}

/** Integers and bools as PyTorch prints them: `tensor([ 1, -2])`, `tensor([ True, False])`; int64 and bool name no dtype. */
function formatIntegral(t: Tensor): string {
  const raw = t.toTypedArray();
  const isBool = t.dtype === bool;
  const strs = Array.from(raw as ArrayLike<number | bigint>, (v) => (isBool ? (v ? 'True' : 'False') : String(v)));
  const body = t.ndim === 0 ? strs[0]! : layout(t, strs);
  const named = t.dtype === int64 || isBool ? '' : `, dtype=${String(t.dtype)}`;
  return `tensor(${body}${named}${gradSuffix(t)})`;
}
