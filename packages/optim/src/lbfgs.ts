import { Tensor, enableGrad, float64, noGrad, tensor, updateInPlace } from '@tensile/tensor';
import { Optimizer, resolveOptions, type ParamGroupInput, type ParamsInput, optimizerArgs, type OptimizerArgs } from './optimizer.js';
import { isPlainObject, snapshot, typeName, type StateSpec } from './state-dict.js';
import { pyNum } from './format.js';
import { nonNegative, numberOption } from './validate.js';

/** A flat vector of all parameter elements, in the parameters' dtype. */
type Vec = Float32Array | Float64Array;

/**
 * How LBFGS's arithmetic rounds: float32 parameters round every tensor op's result to float32
 * (as PyTorch's float32 ops do), float64 ones keep doubles.
 */
interface Precision {
  readonly round: (x: number) => number;
  readonly zeros: (n: number) => Vec;
  readonly from: (a: ArrayLike<number>) => Vec;
}
const F32: Precision = { round: Math.fround, zeros: (n) => new Float32Array(n), from: (a) => Float32Array.from(a) };
const F64: Precision = { round: (x) => x, zeros: (n) => new Float64Array(n), from: (a) => Float64Array.from(a) };

/**
 * Options of {@link LBFGS}; PyTorch's names in camelCase, PyTorch's defaults.
 *
 * @example
 * ```ts
 * import { LBFGS, type LBFGSOptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<LBFGSOptions> = { lr: 1, maxIter: 50, historySize: 10, lineSearchFn: 'strong_wolfe' };
 * new LBFGS([zeros([3], { requiresGrad: true })], options);
 * ```
 */
export interface LBFGSOptions {
  /** Step length (default 1). */
  lr: number;
  /** Most iterations per `step()` (default 20). */
  maxIter: number;
  /** Most function evaluations per `step()` (default `floor(maxIter * 5 / 4)`). */
  maxEval: number | null;
  /** Stop when every gradient element is at most this in size (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change less than this (default 1e-9). */
  toleranceChange: number;
  /** How many past updates approximate the inverse Hessian (default 100). */
  historySize: number;
  /** `'strong_wolfe'`: a line search satisfying the strong Wolfe conditions; `null`: a fixed step (default). */
  lineSearchFn: 'strong_wolfe' | null;
}

/** The state LBFGS keeps under its first parameter, as PyTorch does (PyTorch's keys). */
interface LBFGSState {
  func_evals: number;
  n_iter: number;
  d?: Tensor;
  t?: number;
  old_dirs?: Tensor[];
  old_stps?: Tensor[];
  ro?: number[];
  H_diag?: number;
  prev_flat_grad?: Tensor;
  prev_loss?: number;
  al?: (number | null)[];
}

const STATE_KEYS: ReadonlySet<string> = new Set(['func_evals', 'n_iter', 'd', 't', 'old_dirs', 'old_stps', 'ro', 'H_diag', 'prev_flat_grad', 'prev_loss', 'al']);

/** Dot product accumulated in double, rounded to the dtype (PyTorch's BLAS accumulates in the dtype: last bits may differ). */
function dot(P: Precision, a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return P.round(s);
}

function absMax(a: Vec): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** `x += alpha * y`, ATen's add with alpha (float32: one rounding of the double result). */
function axpy(P: Precision, x: Vec, alpha: number, y: Vec): void {
  const a = P.round(alpha);
  for (let i = 0; i < x.length; i++) x[i] = P.round(x[i]! + a * y[i]!);
}

const scaled = (P: Precision, x: Vec, a: number): Vec => x.map((v) => v * P.round(a));
const flat = (P: Precision, x: Vec): Tensor => (P === F64 ? tensor(x, { dtype: float64 }) : tensor(x));

/**
 * PyTorch's `_cubic_interpolate`: the minimiser of the cubic through (x1, f1) and (x2, f2) with
 * slopes g1 and g2, clamped to `bounds` (default: the interval between x1 and x2).
 */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Evaluate = (x: Vec[], t: number, d: Vec) => [number, Vec];

/** PyTorch's `_strong_wolfe` line search; returns the loss, flat gradient and step it settled on, and its evaluations. */
function strongWolfe(
  P: Precision, evaluate: Evaluate, x: Vec[], t0: number, d: Vec, f: number, g0: Vec, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): [number, Vec, number, number] {
  let t = t0;
  const dNorm = absMax(d);
  const g = P.from(g0);
  let [fNew, gNew] = evaluate(x, t, d);
  let evals = 1;
  let gtdNew = dot(P, gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Vec[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, P.from(gNew)], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, P.from(gNew)], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = P.from(gNew);
    gtdPrev = gtdNew;
    [fNew, gNew] = evaluate(x, t, d);
    evals++;
    gtdNew = dot(P, gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // Zoom: shrink the bracket until a point satisfies the strong Wolfe conditions.
  let insufProgress = false;
  // NOTE: PyTorch's `bracket_f[0] <= bracket_f[-1]` is true for a one-point bracket unless the
  // loss is NaN, when it indexes past the bracket (IndexError); a one-point bracket's low is its point.
  let [low, high] = bracketF.length === 1 || bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const bMax = Math.max(...bracket), bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    [fNew, gNew] = evaluate(x, t, d);
    evals++;
    gtdNew = dot(P, gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]!) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = P.from(gNew);
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0) {
        bracket[high] = bracket[low]!;
        bracketF[high] = bracketF[low]!;
        bracketG[high] = bracketG[low]!;
        bracketGtd[high] = bracketGtd[low]!;
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = P.from(gNew);
      bracketGtd[low] = gtdNew;
    }
  }
  return [bracketF[low]!, bracketG[low]!, bracket[low]!, evals];
}

/**
 * L-BFGS, PyTorch's `torch.optim.LBFGS`: one parameter group, a closure that re-evaluates the
 * loss, and optionally the strong-Wolfe line search. Its state (direction, step, history) lives
 * under the first parameter, as in PyTorch, and round-trips through state dicts. Dot products
 * accumulate in double here (PyTorch's BLAS: float32), so the iterates agree with PyTorch's to
 * float32 rounding, not bit for bit.
 *
 * @example
 * ```ts
 * import { LBFGS } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * const w = tensor([1.5, -0.5], { requiresGrad: true });
 * const opt = new LBFGS([w], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = w.sub(tensor([3, 1])).square().sum(); // minimum at [3, 1]
 *   loss.backward();
 *   return loss;
 * });
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  protected readonly name = 'LBFGS';
  protected readonly stateSpec: StateSpec = {};
  protected override readonly intOptions = new Set(['lr', 'max_iter', 'max_eval', 'history_size']);

  /** PyTorch's order: `(params, lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn)`, then an options bag for the rest (or for all). */
  constructor(params: ParamsInput<LBFGSOptions>, ...rest: OptimizerArgs<[lr: LBFGSOptions['lr'], maxIter: LBFGSOptions['maxIter'], maxEval: LBFGSOptions['maxEval'], toleranceGrad: LBFGSOptions['toleranceGrad'], toleranceChange: LBFGSOptions['toleranceChange'], historySize: LBFGSOptions['historySize'], lineSearchFn: LBFGSOptions['lineSearchFn']], LBFGSOptions>) {
    const options = optimizerArgs<LBFGSOptions>('LBFGS', rest, ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn']);
    const defaults: LBFGSOptions = { lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null };
    const o = resolveOptions('LBFGS', defaults, options, validateLBFGS);
    if (o.maxEval === null) o.maxEval = Math.floor((o.maxIter * 5) / 4);
    super(params, o);
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validateLBFGS(o);
  }

  /** PyTorch: "LBFGS doesn't support per-parameter options (parameter groups)". */
  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    if (this.paramGroups.length >= 1) throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
    // NOTE: one flat vector holds every parameter (PyTorch's torch.cat), so they share a dtype.
    const ps = this.paramGroups[0]!.params;
    const other = ps.find((p) => p.dtype !== ps[0]!.dtype);
    if (other) {
      this.paramGroups.length = 0;
      throw new TypeError(`LBFGS: every parameter must have one dtype (the flat vectors hold them all), got ${ps[0]!.dtype.name} and ${other.dtype.name}`);
    }
  }

  /** One L-BFGS step; `closure` (required) zeroes the grads, computes the loss, calls `backward()` and returns the loss. */
  override step<L = unknown>(closure?: () => L): L | undefined {
    if (typeof closure !== 'function') throw new TypeError('LBFGS.step: a closure that reevaluates the model and returns the loss is required');
    return super.step(closure);
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  /** The parameters' precision (all share one dtype: checked when they are given). */
  private get prec(): Precision {
    return this.params[0]!.dtype === float64 ? F64 : F32;
  }

  private values(t: Tensor): Vec {
    return this.prec === F64 ? (t.to(float64).toTypedArray() as Float64Array) : t.toFloat32Array();
  }

  private gatherFlatGrad(): Vec {
    const out = this.prec.zeros(this.params.reduce((n, p) => n + p.numel(), 0));
    let at = 0;
    for (const p of this.params) {
      const g = p._peekGrad(); // copied into out, not kept
      if (g !== null) out.set(this.values(g), at);
      at += p.numel();
    }
    return out;
  }

  /** `p.add_(update[slice].view_as(p), alpha=stepSize)` for every parameter. */
  private addGrad(stepSize: number, update: Vec): void {
    const P = this.prec;
    if (P === F64) {
      let at = 0;
      const next = this.params.map((p) => {
        const x = this.values(p);
        axpy(P, x, stepSize, update.subarray(at, at + x.length));
        at += x.length;
        return x;
      });
      this.setParams(next);
      return;
    }
    updateInPlace(this.params, [], (ps) => {
      let at = 0;
      for (const p of ps) {
        axpy(P, p, stepSize, update.subarray(at, at + p.length));
        at += p.length;
      }
    });
  }

  private cloneParams(): Vec[] {
    return this.params.map((p) => this.values(p));
  }

  private setParams(data: Vec[]): void {
    if (this.prec === F64) {
      noGrad(() => this.params.forEach((p, i) => p.copy_(tensor(data[i]!, { dtype: float64, shape: p.shape }))));
      return;
    }
    updateInPlace(this.params, [], (ps) => ps.forEach((p, i) => p.set(data[i]!)));
  }

  /**
   * The closure is evaluated again during the step (the line search, each iteration). The state
   * is computed in a copy, committed at the end, and the parameters are put back if any
   * evaluation throws: a step that throws changes nothing (the grads the closure wrote aside).
   */
  protected stepImpl(closure?: () => unknown, firstLoss?: unknown): void {
    const loss = lossValue(firstLoss, 1);
    const p0 = this.params[0]!;
    const live = this.state.get(p0) as LBFGSState | undefined;
    const state: LBFGSState = live !== undefined && Object.keys(live).length > 0 ? { ...live } : { func_evals: 0, n_iter: 0 };
    const saved = this.cloneParams();
    try {
      this.iterate(closure as () => unknown, state, loss);
    } catch (e) {
      this.setParams(saved);
      throw e;
    }
    this.state.set(p0, state as unknown as Record<string, unknown>);
  }

  /** PyTorch's `step` after its first closure call, on `state` (a copy of the live state). */
  private iterate(run: () => unknown, state: LBFGSState, firstLoss: number): void {
    const group = this.paramGroups[0]!;
    const { lr, maxIter, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
    let evaluations = 1;
    const evaluateLoss = (): number => lossValue(enableGrad(run), ++evaluations);

    let loss = firstLoss;
    let currentEvals = 1;
    state.func_evals += 1;
    const P = this.prec;
    let flatGrad = this.gatherFlatGrad();
    if (absMax(flatGrad) <= toleranceGrad) return;

    let d = state.d ? this.values(state.d) : undefined;
    let t = state.t;
    const oldDirs = (state.old_dirs ?? []).map((x) => this.values(x));
    const oldStps = (state.old_stps ?? []).map((x) => this.values(x));
    const ro = [...(state.ro ?? [])];
    let hDiag = state.H_diag ?? 1;
    let prevFlatGrad = state.prev_flat_grad ? this.values(state.prev_flat_grad) : undefined;
    let prevLoss = state.prev_loss;
    const al: (number | null)[] = state.al ? [...state.al] : [];

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter++;
      // The descent direction: steepest descent first, then the two-loop recursion over the history.
      if (state.n_iter === 1 || d === undefined || t === undefined || prevFlatGrad === undefined) {
        d = flatGrad.map((v) => -v);
        oldDirs.length = 0;
        oldStps.length = 0;
        ro.length = 0;
        hDiag = 1;
      } else {
        const y = flatGrad.map((v, i) => v - prevFlatGrad![i]!);
        const s = scaled(P, d, t);
        const ys = dot(P, y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(P.round(1 / ys));
          hDiag = P.round(ys / dot(P, y, y));
        }
        const numOld = oldDirs.length;
        while (al.length < historySize) al.push(null);
        const q = flatGrad.map((v) => -v);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = P.round(dot(P, oldStps[i]!, q) * ro[i]!);
          axpy(P, q, -al[i]!, oldDirs[i]!);
        }
        const r = scaled(P, q, hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = P.round(dot(P, oldDirs[i]!, r) * ro[i]!);
          axpy(P, r, al[i]! - be, oldStps[i]!);
        }
        d = r;
      }
      prevFlatGrad = P.from(flatGrad);
      prevLoss = loss;

      // The step length: PyTorch's first guess, then a fixed step or the line search.
      if (state.n_iter === 1) {
        // PyTorch: min(1., 1. / flat_grad.abs().sum()) * lr, where the reciprocal is a float32 tensor.
        let gradSum = 0;
        for (const v of flatGrad) gradSum += Math.abs(v);
        const r = P.round(1 / P.round(gradSum));
        t = r < 1 ? P.round(r * P.round(lr)) : lr;
      } else t = lr;
      const gtd = dot(P, flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      let optimal = false;
      if (lineSearchFn !== null) {
        const x = this.cloneParams();
        const evaluate: Evaluate = (xs, step, dir) => {
          this.addGrad(step, dir);
          const l = evaluateLoss();
          const g = this.gatherFlatGrad();
          this.setParams(xs);
          return [l, g];
        };
        [loss, flatGrad, t, lsEvals] = strongWolfe(P, evaluate, x, t, d, loss, flatGrad, gtd);
        this.addGrad(t, d);
        optimal = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          loss = evaluateLoss();
          flatGrad = this.gatherFlatGrad();
          optimal = absMax(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.func_evals += lsEvals;

      if (nIter === maxIter || currentEvals >= maxEval || optimal) break;
      if (absMax(scaled(P, d, t)) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state.d = flat(P, d!);
    state.t = t!;
    state.old_dirs = oldDirs.map((v) => flat(P, v));
    state.old_stps = oldStps.map((v) => flat(P, v));
    state.ro = ro;
    state.H_diag = hDiag;
    state.prev_flat_grad = flat(P, prevFlatGrad!);
    state.prev_loss = prevLoss!;
    if (al.length > 0) state.al = al;
  }

  /** LBFGS's state is one record under the first parameter, with PyTorch's keys; checked, then copied. */
  protected override importState(p: Tensor, value: unknown, id: string): Record<string, unknown> {
    if (!isPlainObject(value)) throw new RangeError(`loadStateDict: state[${id}] must be an object, got ${typeName(value)}`);
    if (p !== this.params[0] && Object.keys(value).length > 0) throw new RangeError(`loadStateDict: state[${id}]: LBFGS keeps its state under its first parameter only`);
    const out: Record<string, unknown> = {};
    const n = this.params.reduce((k, q) => k + q.numel(), 0);
    const num = (k: string, v: unknown): number => {
      const x = v instanceof Tensor && v.numel() === 1 ? v.item() : v;
      if (typeof x !== 'number' || Number.isNaN(x)) throw new RangeError(`loadStateDict: state[${id}].${k} must be a number, got ${String(v)}`);
      return x;
    };
    const vec = (k: string, v: unknown): Tensor => {
      if (!(v instanceof Tensor) || v.numel() !== n) throw new RangeError(`loadStateDict: state[${id}].${k} must be a tensor of the ${n} parameter elements`);
      return snapshot(v.reshape(-1)) as Tensor;
    };
    for (const [k, v] of Object.entries(value)) {
      if (!STATE_KEYS.has(k)) throw new RangeError(`loadStateDict: state[${id}] has an unknown key '${k}' (LBFGS keeps ${[...STATE_KEYS].join(', ')})`);
      if (k === 'func_evals' || k === 'n_iter') {
        const c = num(k, v);
        if (!(Number.isInteger(c) && c >= 0)) throw new RangeError(`loadStateDict: state[${id}].${k} counts and must be a non-negative integer, got ${String(c)}`);
        out[k] = c;
      } else if (k === 'd' || k === 'prev_flat_grad') out[k] = vec(k, v);
      else if (k === 't' || k === 'H_diag' || k === 'prev_loss') out[k] = num(k, v);
      else if (k === 'old_dirs' || k === 'old_stps') {
        if (!Array.isArray(v)) throw new RangeError(`loadStateDict: state[${id}].${k} must be a list of tensors`);
        out[k] = v.map((x, i) => vec(`${k}[${i}]`, x));
      } else if (k === 'ro') {
        if (!Array.isArray(v)) throw new RangeError(`loadStateDict: state[${id}].ro must be a list of numbers`);
        out[k] = v.map((x, i) => num(`ro[${i}]`, x));
      } else {
        if (!Array.isArray(v)) throw new RangeError(`loadStateDict: state[${id}].al must be a list`);
        out[k] = v.map((x, i) => (x === null ? null : num(`al[${i}]`, x)));
      }
    }
    const dirs = out['old_dirs'] as unknown[] | undefined, stps = out['old_stps'] as unknown[] | undefined, ros = out['ro'] as unknown[] | undefined;
    if ((dirs?.length ?? 0) !== (stps?.length ?? 0) || (dirs?.length ?? 0) !== (ros?.length ?? 0)) {
      throw new RangeError(`loadStateDict: state[${id}]: old_dirs, old_stps and ro must have the same length`);
    }
    return out;
  }
}

/**
 * The loss a closure returned, as a number: PyTorch's `float(closure())` takes a number or a
 * one-element tensor and computes on with NaN; anything else is refused here, before it can
 * reach the line search (a string or an object would turn the parameters into NaN there).
 */
function lossValue(l: unknown, evaluation: number): number {
  if (typeof l === 'number') return l;
  if (l instanceof Tensor && l.numel() === 1) return l.item();
  const got = l instanceof Tensor ? `a tensor of shape [${l.shape.join(', ')}]` : typeof l === 'string' ? JSON.stringify(l) : typeof l === 'object' && l !== null ? typeName(l) : String(l);
  throw new TypeError(`LBFGS.step: the closure must return the loss as a number or a 1-element tensor, got ${got} (evaluation ${evaluation})`);
}

/** PyTorch's checks, in PyTorch's words where it has them. */
function validateLBFGS(o: Record<string, unknown>): void {
  nonNegative('LBFGS', o, 'lr', 'learning rate');
  for (const k of ['maxIter', 'historySize'] as const) {
    const v = numberOption('LBFGS', o, k, `${k} value`);
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`LBFGS: ${k} must be a positive integer, got ${pyNum(v)}`);
  }
  if (o['maxEval'] !== null && o['maxEval'] !== undefined) {
    const v = numberOption('LBFGS', o, 'maxEval', 'maxEval value');
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`LBFGS: maxEval must be a positive integer or null, got ${pyNum(v)}`);
  }
  nonNegative('LBFGS', o, 'toleranceGrad', 'tolerance_grad value');
  nonNegative('LBFGS', o, 'toleranceChange', 'tolerance_change value');
  const ls = o['lineSearchFn'];
  if (ls !== null && ls !== undefined && ls !== 'strong_wolfe') throw new RangeError(`only 'strong_wolfe' is supported, got ${JSON.stringify(ls)}`);
}
