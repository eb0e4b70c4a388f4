import { grad } from '../../autograd.js';
import { fmt } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { tensor } from '../creation.js';
import { describe, wrap } from '../util.js';

/** Indices or class labels: a float32 tensor holding integers, a `number[]` (nested allowed) or an `Int32Array`. */
export type IndexLike = Tensor | readonly number[] | readonly (readonly number[])[] | Int32Array;

/** Index-like input as a float32 tensor (tensors pass through unchanged). */
export function indexTensor(op: string, arg: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  if (v instanceof Int32Array) return wrap(Float32Array.from(v), [v.length]);
  if (Array.isArray(v)) return tensor(v as number[]);
  throw new TypeError(`${op}: ${arg} must be a Tensor, a number[] or an Int32Array, got ${describe(v)}`);
}

// ---- helpers ----------------------------------------------------------------------------

/** A pair of positive (or, with `min` 0, non-negative) integers from a number or a pair. */
export function pair(op: string, arg: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (p === null || !p.every((k) => Number.isInteger(k) && k >= min)) {
    throw new RangeError(`${op}: ${arg} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair of them, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

/**
 * @internal The recorded backward (`createGraph`) of a fused node: `composed` rebuilds the node's
 * output from differentiable ops on identity aliases of its `inputs` (recorded views, so only
 * this node's paths reach them), and that is differentiated against `gOut` with a recorded
 * backward. Returns one gradient per input (null where it needs none), so higher-order gradients
 * through the node are the composed form's.
 */
export function replayBackward(inputs: readonly Tensor[], gOut: Tensor, composed: (aliases: readonly Tensor[]) => Tensor): (Tensor | null)[] {
  const aliases = inputs.map((t) => t.reshape(t.shape)); // a recorded identity view, any strides
  const out = composed(aliases);
  const live = aliases.filter((t) => t.requiresGrad);
  const gs = live.length ? grad(out, live, { gradOutputs: gOut, createGraph: true, allowUnused: true }) : [];
  return aliases.map((t) => (t.requiresGrad ? gs[live.indexOf(t)] ?? null : null));
}
