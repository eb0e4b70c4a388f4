/**
 * What every functional update shares: checking its lists, PyTorch's switch between the
 * differentiable path and the element loop, and the element loop's bookkeeping (one
 * `updateInPlace` over the parameters and their state tensors, per parameter for the for-loop,
 * over all of them with `foreach` — the same bits either way).
 */
import { isGradEnabled, updateInPlace, type Tensor } from '@tensile/tensor';

/** The path flags every functional update takes (PyTorch's `foreach` and `differentiable`). */
export interface PathOptions {
  /** `false`: one parameter at a time (PyTorch's for-loop); otherwise one pass over the list. Same bits. */
  foreach?: boolean | undefined;
  /** Record the update with tensor ops, so non-leaf parameters get a graph through it. */
  differentiable?: boolean;
}

/**
 * Runs one optimizer update over a list of parameters: `differentiable(p, g, s)` per parameter
 * when the step records a graph (`differentiable`, or grad mode on), otherwise `elementwise`
 * with each parameter's data, gradient and the state tensors `buffers(s)` names, as dense
 * float32 arrays updated in place.
 */
export function runUpdate<S>(
  name: string, params: readonly Tensor[], grads: readonly Tensor[], states: readonly S[], options: PathOptions,
  buffers: (s: S) => Tensor[],
  elementwise: (s: S, p: Float32Array, g: Float32Array, bufs: Float32Array[]) => void,
  differentiable: (p: Tensor, g: Tensor, s: S) => void,
): void {
  if (params.length !== grads.length || params.length !== states.length) {
    throw new RangeError(`${name}: expected as many grads and states as params, got ${params.length} params, ${grads.length} grads, ${states.length} states`);
  }
  if (options.differentiable || isGradEnabled()) {
    params.forEach((p, i) => differentiable(p, grads[i]!, states[i]!));
    return;
  }
  const run = (idx: readonly number[]): void => {
    const bufs = idx.map((i) => buffers(states[i]!));
    updateInPlace([...idx.map((i) => params[i]!), ...bufs.flat()], idx.map((i) => grads[i]!), (out, g) => {
      let at = idx.length;
      idx.forEach((i, k) => {
        const n = bufs[k]!.length;
        elementwise(states[i]!, out[k]!, g[k]!, out.slice(at, at + n));
        at += n;
      });
    });
  };
  if (options.foreach === false) params.forEach((_, i) => run([i]));
  else run(params.map((_, i) => i));
}
