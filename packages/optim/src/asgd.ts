import { Tensor, zeros, tensor as makeTensor, noGrad, updateInPlace, zerosLike } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import type { StateSpec } from './state-dict.js';
import { pyNum } from './format.js';
import { booleanFlags, lrOption, lrValue, optionalFlag } from './validate.js';
import { asgd, type ASGDCapturableState, type ASGDHyper, type ASGDState } from './functional/asgd.js';

/**
 * Options of {@link ASGD}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { ASGD, type ASGDOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<ASGDOptions> = { lr: 0.05, t0: 100, weightDecay: 1e-4 };
 * const opt = new ASGD([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface ASGDOptions {
  /** Learning rate (default 0.01); a number or a 1-element tensor. */
  lr: number | Tensor;
  /** Decay term (default 1e-4). */
  lambd: number;
  /** Power for the eta update (default 0.75). */
  alpha: number;
  /** Step at which averaging starts (default 1e6). */
  t0: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** `true`: one fused pass per group; `false`: one parameter at a time; unset: the fastest. Same bits either way. */
  foreach: boolean | undefined;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /** Run the step with autograd on, so non-leaf parameters get a graph through the update. */
  differentiable: boolean;
  /**
   * Keep step/eta/mu as 0-d tensors and update them with tensor math only (PyTorch 2.13's
   * capturable formulas, bit for bit). PyTorch raises a device AssertionError for CPU tensors;
   * on our CPU engine the formulas simply run. `stateDict()` still writes numbers.
   */
  capturable: boolean;
}

const ASGD_STATE: StateSpec = { step: 'count', eta: 'scalar', mu: 'scalar', ax: 'tensor' };

/**
 * Averaged Stochastic Gradient Descent, exactly PyTorch's `torch.optim.ASGD`: the for-loop
 * path gives PyTorch's float32 results bit for bit, and the fused path gives the same bits.
 * Beyond PyTorch: `lambd`, `alpha` and `t0` are validated, `stateDict()` is a snapshot, and
 * the averaged parameters can be swapped in with `swapAveraged()` / `withAveraged(fn)`.
 *
 * @example
 * ```ts
 * import { ASGD } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new ASGD([w], { lr: 0.1, t0: 0 });
 * for (let i = 0; i < 10; i++) {
 *   opt.zeroGrad();
 *   w.mul(w).sum().backward();
 *   opt.step();
 * }
 * opt.withAveraged(() => console.log(w.toString())); // the running average of w
 * ```
 */
export class ASGD extends Optimizer<ASGDOptions> {
  protected readonly name = 'ASGD';
  protected readonly stateSpec = ASGD_STATE;
  protected override readonly intOptions = new Set(['weight_decay']);
  /** Whether the parameters hold their running averages (between two `swapAveraged()` calls). */
  private swapped = false;
  /** How many `withAveraged` calls are running (an async one stays open until it settles). */
  private averagedScopes = 0;

  /** Whether the parameters currently hold their running averages (`swapAveraged()`, `withAveraged`). */
  get averagedSwappedIn(): boolean {
    return this.swapped;
  }

  /** PyTorch's order: `(params, lr, lambd, alpha, t0, weightDecay)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<ASGDOptions>, ...rest: OptimizerArgs<[lr: ASGDOptions['lr'], lambd: ASGDOptions['lambd'], alpha: ASGDOptions['alpha'], t0: ASGDOptions['t0'], weightDecay: ASGDOptions['weightDecay']], ASGDOptions>) {
    const options = optimizerArgs<ASGDOptions>('ASGD', rest, ['lr', 'lambd', 'alpha', 't0', 'weightDecay']);
    const defaults: ASGDOptions = {
      lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0,
      foreach: undefined, maximize: false, differentiable: false, capturable: false,
    };
    super(params, resolveOptions('ASGD', defaults, options, validateASGD));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateASGD(o);
  }

  /**
   * A step or a load while the averages are swapped in would mix live and averaged weights:
   * the update would move the average as if it were the live iterate, and swapping back would
   * put the wrong values in place. A state dict taken then would pair a module state dict of
   * averages with `ax` holding the live weights, which a later load cannot tell apart. All
   * three are refused before anything changes.
   */
  protected override checkUsable(method: string): void {
    if (!this.swapped) return;
    const where = this.averagedScopes > 0
      ? 'inside withAveraged(fn) (an async fn keeps them swapped in until its promise settles)'
      : 'by swapAveraged()';
    throw new Error(`ASGD.${method}: the parameters hold their running averages, swapped in ${where}; ${this.averagedScopes > 0 ? 'step after withAveraged returns' : 'call swapAveraged() again to restore the live parameters first'}`);
  }

  /**
   * Beyond the spec's checks: `eta` is a step size (>= 0) and `mu` an averaging weight in
   * (0, 1]; anything else can only be a corrupted dict. `ax` may hold NaN or Inf: a diverged
   * run's checkpoint must stay loadable for inspection, as PyTorch's does.
   */
  protected override importState(p: Tensor, value: unknown, id: string): Record<string, unknown> {
    const s = super.importState(p, value, id);
    if ('eta' in s && !((s['eta'] as number) >= 0)) throw new RangeError(`loadStateDict: state[${id}].eta must be >= 0, got ${String(s['eta'])}`);
    if ('mu' in s && !((s['mu'] as number) > 0 && (s['mu'] as number) <= 1)) throw new RangeError(`loadStateDict: state[${id}].mu must be in (0, 1], got ${String(s['mu'])}`);
    return s;
  }

  protected override validateStep(): void {
    super.validateStep();
    for (const g of this.paramGroups) {
      if (g.differentiable && g.foreach === true && g.params.some((p) => p._peekGrad() !== null)) {
        throw new Error("_foreach ops don't support autograd");
      }
    }
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      const [params, grads] = this.withGrads(group);
      const states = params.map((p) => this.initState(p, group));
      asgd(params, grads, states, {
        ...hyper(group), foreach: group.foreach, capturable: group.capturable, differentiable: group.differentiable,
      });
    }
  }

  /**
   * PyTorch's `_init_group`: a parameter's state, created at its first step in PyTorch's key
   * order (step, eta, mu, ax), with step/eta/mu as numbers, or as 0-d tensors for the
   * capturable path (converted when a group's `capturable` flag changes, or after a load).
   */
  private initState(p: Tensor, group: ASGDOptions): ASGDState | ASGDCapturableState {
    let s = this.state.get(p);
    if (s === undefined || Object.keys(s).length === 0) {
      const eta = Math.fround(lrValue(group.lr));
      s = group.capturable
        ? { step: makeTensor(0), eta: makeTensor(eta), mu: makeTensor(1), ax: zerosLike(p) }
        : { step: 0, eta, mu: 1, ax: zerosLike(p) };
      this.state.set(p, s);
    } else if (group.capturable && typeof s['step'] === 'number') {
      for (const k of ['step', 'eta', 'mu']) s[k] = makeTensor(s[k] as number);
    } else if (!group.capturable && s['step'] instanceof Tensor) {
      for (const k of ['step', 'eta', 'mu']) s[k] = (s[k] as Tensor).item();
    }
    return s as unknown as ASGDState | ASGDCapturableState;
  }

  /**
   * Exchanges every parameter with its running average `ax`, in place; call again to swap back.
   * Parameters that have not been stepped yet are left alone. While swapped, `step()`,
   * `stateDict()` and `loadStateDict()` throw (they would mix live and averaged weights);
   * `zeroGrad()` and `addParamGroup()` work as usual (they touch no weights or state).
   * Inside `withAveraged(fn)` it throws: `withAveraged` restores the live parameters itself.
   *
   * @example
   * ```ts
   * import { ASGD } from '@tensile/optim';
   * import { tensor } from '@tensile/tensor';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const opt = new ASGD([w], { lr: 0.1, t0: 0 });
   * for (let i = 0; i < 5; i++) { opt.zeroGrad(); w.mul(w).sum().backward(); opt.step(); }
   * opt.swapAveraged();  // w now holds the running average: evaluate with it
   * opt.swapAveraged();  // back to the live weights
   * ```
   */
  swapAveraged(): void {
    if (this.averagedScopes > 0) {
      throw new Error('ASGD.swapAveraged: called inside withAveraged(fn), which swaps the live parameters back itself when fn returns (or its promise settles)');
    }
    this.swapInPlace();
  }

  private swapInPlace(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const ax = this.state.get(p)?.['ax'];
          if (!(ax instanceof Tensor)) continue;
          updateInPlace([p, ax], [], ([pd, ad]) => {
            for (let i = 0; i < pd!.length; i++) {
              const live = pd![i]!;
              pd![i] = ad![i]!;
              ad![i] = live;
            }
          });
        }
      }
    });
    this.swapped = !this.swapped;
  }

  /**
   * Runs `fn` with the averaged parameters in place and restores the live ones afterwards,
   * even when `fn` throws or its promise rejects. Until then `step()`, `stateDict()`,
   * `loadStateDict()`, `swapAveraged()` and a nested `withAveraged` throw instead of mixing the two.
   *
   * @example
   * ```ts
   * import { ASGD } from '@tensile/optim';
   * import { tensor } from '@tensile/tensor';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const opt = new ASGD([w], { lr: 0.1, t0: 0 });
   * for (let i = 0; i < 5; i++) { opt.zeroGrad(); w.mul(w).sum().backward(); opt.step(); }
   * const averagedLoss = opt.withAveraged(() => w.mul(w).sum().item()); // w is live again after
   * ```
   */
  withAveraged<R>(fn: () => R): R {
    if (typeof fn !== 'function') throw new TypeError(`ASGD.withAveraged: fn must be a function, got ${typeof fn}`);
    if (this.averagedScopes > 0) throw new Error('ASGD.withAveraged: already inside withAveraged (the averages are swapped in)');
    if (this.swapped) throw new Error('ASGD.withAveraged: the averages are already swapped in by swapAveraged(); call swapAveraged() again first');
    this.swapInPlace();
    this.averagedScopes++;
    const restore = (): void => {
      this.averagedScopes--;
      this.swapInPlace();
    };
    let result: R;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (isThenable(result)) {
      // Any promise-like (not only native Promises): restore once it settles, either way.
      return Promise.resolve(result).finally(restore) as R;
    }
    restore();
    return result;
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function hyper(group: ASGDOptions): ASGDHyper {
  const isT = group.lr instanceof Tensor;
  return {
    lr: lrValue(group.lr),
    lambd: group.lambd, alpha: group.alpha, t0: group.t0, weightDecay: group.weightDecay,
    maximize: Boolean(group.maximize), lrIsTensor: isT,
  };
}

/** PyTorch's checks in PyTorch's order and words, then ours (PyTorch PR #193303). */
function validateASGD(o: Record<string, unknown>): void {
  lrOption(o);
  const wd = o['weightDecay'];
  if (typeof wd !== 'number') throw new TypeError(`Invalid weight_decay value: ${String(wd)}`);
  if (!(wd >= 0)) throw new RangeError(`Invalid weight_decay value: ${pyNum(wd)}`);
  for (const k of ['lambd', 'alpha', 't0'] as const) {
    const v = o[k];
    if (typeof v !== 'number') throw new TypeError(`Invalid ${k} value: ${String(v)}`);
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`Invalid ${k} value: ${pyNum(v)}`);
  }
  booleanFlags(o, ['maximize', 'differentiable', 'capturable']);
  optionalFlag(o, 'foreach');
}
