/**
 * What every functional update shares: checking its lists, PyTorch's switch between the
 * differentiable path and the element loop, and the element loop's bookkeeping (one
 * `updateInPlace` over the parameters and their state tensors, per parameter for the for-loop,
 * over all of them with `foreach` — the same bits either way).
 */
import { float32, isGradEnabled, noGrad, tensor, updateInPlace, Tensor } from '@tensile/tensor';

/** A gradient must have its parameter's dtype (PyTorch: "assigned grad has data of a different type"). */
export function checkGradDTypes(name: string, params: readonly Tensor[], grads: readonly Tensor[]): void {
  params.forEach((p, i) => {
    const g = grads[i]!;
    if (g.dtype !== p.dtype) throw new TypeError(`${name}: params[${i}] is ${p.dtype.name} but its grad is ${g.dtype.name}`);
  });
}

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
 * float32 arrays updated in place. Both must compute the same update: the element loop is the
 * fast path, the tensor-op one records a graph (and serves other dtypes).
 *
 * @example
 * ```ts
 * import { functional } from '@tensile/optim';
 * import { noGrad, tensor } from '@tensile/tensor';
 * // p -= g, as an element loop and as tensor ops
 * const p = tensor([1, 2]), g = tensor([0.5, 0.5]);
 * noGrad(() => functional.runUpdate('descend', [p], [g], [{}], {}, () => [],
 *   (_s, pd, gd) => { for (let i = 0; i < pd.length; i++) pd[i] = Math.fround(pd[i]! - gd[i]!); },
 *   (pp, gg) => { pp.sub_(gg); }));
 * p.tolist(); // [0.5, 1.5]
 * ```
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
  // NOTE: the element loops are float32's (every rounding PyTorch's float32 kernel makes); a
  // parameter of another dtype (float64) takes the tensor-op update, whose ops compute in its
  // dtype and whose scalars stay doubles, as PyTorch's float64 step does.
  const wide = params.map((p, i) => [p, i] as const).filter(([p]) => p.dtype !== float32);
  if (wide.length > 0) {
    checkGradDTypes(name, params, grads);
    wide.forEach(([p, i]) => differentiable(p, grads[i]!, states[i]!));
    const rest = params.map((_, i) => i).filter((i) => params[i]!.dtype === float32);
    if (rest.length > 0) {
      runUpdate(name, rest.map((i) => params[i]!), rest.map((i) => grads[i]!), rest.map((i) => states[i]!), options, buffers, elementwise, differentiable);
    }
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

/**
 * `step_t += 1` on a parameter's step count and the new count: a float32 number on the
 * ordinary paths, a 0-d float32 tensor (updated in place) on PyTorch's capturable path.
 */
export function advanceStep(s: { step: number | Tensor }): number {
  if (typeof s.step === 'number') {
    s.step = Math.fround(s.step + 1);
    return s.step;
  }
  const t = s.step;
  const next = Math.fround(t.item() + 1);
  noGrad(() => t.fill_(next));
  return next;
}

/**
 * `step` (and any other scalar state `keys` names, NAdam's `mu_product`) as the group's path
 * keeps it (PyTorch's `_init_group`): 0-d float32 tensors when `capturable`, numbers
 * otherwise; converted in place when the flag changes or after a load.
 */
export function stepForPath<S extends { step: number | Tensor }>(s: S, capturable: boolean, keys: readonly string[] = ['step']): S {
  const r = s as unknown as Record<string, unknown>;
  for (const k of keys) {
    const v = r[k];
    if (capturable && typeof v === 'number') r[k] = tensor(v);
    else if (!capturable && v instanceof Tensor) r[k] = v.item();
  }
  return s;
}

/** Reads a scalar state entry kept as a number or a 0-d tensor. */
export function scalarValue(v: number | Tensor): number {
  return typeof v === 'number' ? v : v.item();
}

