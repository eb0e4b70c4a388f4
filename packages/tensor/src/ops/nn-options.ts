import type { Tensor } from '../tensor.js';
/** @internal Option types and validation shared by the functional losses and the loss modules. */

/** How a loss reduces its per-element values: PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (per-element losses). */
  reduction?: Reduction;
}

export interface NllLossOptions extends ReductionOptions {
  /** Targets equal to this value contribute nothing, and are not counted by `'mean'` (default -100). */
  ignoreIndex?: number;
  /**
   * A weight per class (1-d, C elements, the input's dtype): each target's loss is scaled by its
   * class's weight, and `'mean'` divides by the kept targets' total weight. No gradient flows into it.
   */
  weight?: Tensor | null;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target distribution is (1-ε)·one-hot + ε/C (default 0). */
  labelSmoothing?: number;
}

export function checkReduction(op: string, r: unknown): Reduction {
  if (r === undefined) return 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  return r;
}

export function lossOptions(op: string, o: CrossEntropyOptions): { reduction: Reduction; ignoreIndex: number; labelSmoothing: number } {
  if (o === null || typeof o !== 'object') throw new TypeError(`${op}: options must be an object, got ${String(o)}`);
  const reduction = checkReduction(op, o.reduction);
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new RangeError(`${op}: ignoreIndex must be an integer, got ${String(ignoreIndex)}`);
  const labelSmoothing = o.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new RangeError(`${op}: labelSmoothing must be in [0, 1], got ${String(labelSmoothing)}`);
  }
  return { reduction, ignoreIndex, labelSmoothing };
}

