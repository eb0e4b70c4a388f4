import { Tensor, float32, int64, nn, noGrad, tensor, updateInPlace } from '@tensile/tensor';
import { LRScheduler, type AnyOptimizer } from './lr-scheduler/base.js';
import { anything, integer, lrValue, oneOf, option, type SchedulerStateSpec } from './lr-scheduler/state-spec.js';
import { lerpf } from './functional/float32.js';
import { cos } from './libm.js';
import { pyNum } from './format.js';
import { typeName } from './state-dict.js';

/**
 * PyTorch's `torch.optim.swa_utils`: `AveragedModel` (SWA's equal average, or EMA), the
 * averaging functions, `SWALR`, and `updateBn` (from `@tensile/tensor`'s `nn`).
 */

const f32 = Math.fround;

/** Whether the float32 element loops below apply (any other dtype takes PyTorch's tensor formula). */
const bothFloat32 = (a: Tensor, b: Tensor): boolean => a.dtype === float32 && b.dtype === float32;

/**
 * `updateBn(loader, model)`: recomputes BatchNorm running statistics with one pass over `loader`
 * (PyTorch's `update_bn`; the same function as `nn.updateBn`).
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { nn, data, randn } from '@tensile/tensor';
 * const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
 * const swa = new swaUtils.AveragedModel(model);
 * swaUtils.updateBn(new data.DataLoader(new data.TensorDataset(randn([8, 3])), { batchSize: 4 }), swa);
 * ```
 */
export const updateBn = nn.updateBn;

/**
 * `avgFn(averaged, current, numAveraged)` returns the new average of one parameter.
 *
 * @example
 * ```ts
 * import { swaUtils, type AvgFn } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const half: AvgFn = (avg, cur) => avg.add(cur).mul(0.5);
 * new swaUtils.AveragedModel(new nn.Linear(2, 1), { avgFn: half });
 * ```
 */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;
/**
 * `multiAvgFn(averaged, current, numAveraged)` updates the averaged tensors in place.
 *
 * @example
 * ```ts
 * import { swaUtils, type MultiAvgFn } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const ema: MultiAvgFn = swaUtils.getEmaMultiAvgFn(0.999);
 * new swaUtils.AveragedModel(new nn.Linear(2, 1), { multiAvgFn: ema });
 * ```
 */
export type MultiAvgFn = (averaged: Tensor[], current: Tensor[], numAveraged: number) => void;

function checkDecay(decay: unknown): number {
  if (typeof decay !== 'number') throw new TypeError(`Invalid decay value ${String(decay)} provided. Please provide a value in [0,1] range.`);
  if (!(decay >= 0.0 && decay <= 1.0)) throw new RangeError(`Invalid decay value ${pyNum(decay)} provided. Please provide a value in [0,1] range.`);
  return decay;
}

/**
 * EMA over all parameters at once, in place: `ema.lerp_(current, 1 - decay)` with ATen's float32
 * rounding (PyTorch's `get_ema_multi_avg_fn`, which runs `_foreach_lerp_`). As PyTorch's, an
 * integer tensor (`num_batches_tracked`, with `useBuffers`) takes `ema * decay + current * (1 -
 * decay)` instead, truncated back into its dtype.
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const model = new nn.Linear(3, 1);
 * const ema = new swaUtils.AveragedModel(model, { multiAvgFn: swaUtils.getEmaMultiAvgFn(0.99) });
 * ema.updateParameters(model); // after each optimizer step
 * ```
 */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  const w = f32(1 - checkDecay(decay));
  return (averaged, current) => {
    noGrad(() => {
      averaged.forEach((a, i) => {
        const c = current[i]!;
        if (bothFloat32(a, c)) {
          updateInPlace([a], [c], ([ad], [cd]) => {
            for (let k = 0; k < ad!.length; k++) ad![k] = lerpf(ad![k]!, cd![k]!, w);
          });
        } else if (a.isFloatingPoint()) a.lerp_(c, 1 - decay);
        else a.copy_(a.mul(decay).add(c.mul(1 - decay)));
      });
    });
  };
}

/**
 * SWA's equal average over all parameters at once: `averaged.lerp_(current, 1 / (n + 1))`
 * (PyTorch's `get_swa_multi_avg_fn`). Integer tensors are refused, before anything changes, with
 * the error PyTorch's `_foreach_add_(..., alpha=1 / (n + 1))` gives them: average
 * `num_batches_tracked` with the default `avgFn`, or leave `useBuffers` off.
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const model = new nn.Linear(3, 1);
 * const swa = new swaUtils.AveragedModel(model, { multiAvgFn: swaUtils.getSwaMultiAvgFn() });
 * ```
 */
export function getSwaMultiAvgFn(): MultiAvgFn {
  return (averaged, current, n) => {
    const w = f32(1 / (n + 1));
    const int = averaged.findIndex((a) => !a.isFloatingPoint());
    if (int >= 0) throw new TypeError(`getSwaMultiAvgFn: tensor ${int} is ${averaged[int]!.dtype.name}: For integral input tensors, argument alpha must not be a floating point number.`);
    noGrad(() => {
      averaged.forEach((a, i) => {
        const c = current[i]!;
        if (bothFloat32(a, c)) {
          updateInPlace([a], [c], ([ad], [cd]) => {
            for (let k = 0; k < ad!.length; k++) ad![k] = lerpf(ad![k]!, cd![k]!, w);
          });
        } else a.lerp_(c, 1 / (n + 1));
      });
    });
  };
}

/** A new tensor of `a`'s shape from an element function (float32, as ATen's ops round). */
function mapTensors(a: Tensor, b: Tensor, fn: (x: number, y: number) => number): Tensor {
  const out = a.detach().clone();
  noGrad(() => {
    updateInPlace([out], [b], ([od], [bd]) => {
      for (let k = 0; k < od!.length; k++) od![k] = fn(od![k]!, bd![k]!);
    });
  });
  return out;
}

/**
 * EMA of one parameter: `decay * ema + (1 - decay) * current` (PyTorch's `get_ema_avg_fn`, each
 * op rounded to float32 as ATen's are; other dtypes computed with the tensor ops, so an int64
 * buffer gives a float32 result that `AveragedModel` truncates back, as PyTorch's `copy_`).
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const model = new nn.Linear(3, 1);
 * const ema = new swaUtils.AveragedModel(model, { avgFn: swaUtils.getEmaAvgFn(0.9) });
 * ```
 */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  const d = f32(checkDecay(decay));
  const c = f32(1 - decay);
  return (ema, current) => (bothFloat32(ema, current) ? mapTensors(ema, current, (e, x) => f32(f32(d * e) + f32(c * x))) : ema.mul(decay).add(current.mul(1 - decay)));
}

/**
 * SWA's equal average of one parameter: `averaged + (current - averaged) / (n + 1)` (PyTorch's
 * `get_swa_avg_fn`; what `AveragedModel` uses on the CPU by default). Other dtypes than float32
 * are computed with the tensor ops: an int64 buffer's true division gives float32, which
 * `AveragedModel` truncates back into the buffer, as PyTorch's `copy_`.
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { tensor } from '@tensile/tensor';
 * swaUtils.getSwaAvgFn()(tensor([1]), tensor([4]), 2).item(); // 2
 * ```
 */
export function getSwaAvgFn(): AvgFn {
  return (averaged, current, n) => {
    if (!bothFloat32(averaged, current)) return averaged.add(current.sub(averaged).div(n + 1));
    const den = f32(n + 1);
    return mapTensors(averaged, current, (a, x) => f32(a + f32(f32(x - a) / den)));
  };
}

// ---------------------------------------------------------------------------------------------
// A deep copy of a module (Python's copy.deepcopy, which AveragedModel starts from)

const MODULE_TRAPS: ProxyHandler<nn.Module> = {
  // The same trap nn.Module installs: assignments register parameters, buffers and children.
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && 'value' in desc) target._setAttr(key, desc.value);
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') target._delAttr(key);
    return Reflect.deleteProperty(target, key);
  },
};
const INDEX = /^-?(0|[1-9]\d*)$/;

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v; // primitives; functions are shared, as deepcopy does
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Tensor) {
    const t = noGrad(() => v.detach().clone());
    const out = v instanceof nn.Parameter ? new nn.Parameter(t, v.requiresGrad) : v.requiresGrad ? t.requiresGrad_(true) : t;
    memo.set(v, out);
    return out;
  }
  if (v instanceof nn.Module) return copyModule(v, memo);
  if (v instanceof Map) {
    const m = new Map<unknown, unknown>();
    memo.set(v, m);
    for (const [k, x] of v) m.set(copyValue(k, memo), copyValue(x, memo));
    return m;
  }
  if (v instanceof Set) {
    const s = new Set<unknown>();
    memo.set(v, s);
    for (const x of v) s.add(copyValue(x, memo));
    return s;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(copyValue(x, memo));
    return a;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return (v as unknown as { slice(): unknown }).slice();
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) {
    const o = Object.create(proto) as Record<PropertyKey, unknown>;
    memo.set(v, o);
    for (const k of Reflect.ownKeys(v)) o[k] = copyValue((v as Record<PropertyKey, unknown>)[k], memo);
    return o;
  }
  return v; // other objects (a Generator, a data source) are shared
}

function copyModule(m: nn.Module, memo: Map<unknown, unknown>): nn.Module {
  const target = Object.create(Object.getPrototypeOf(m) as object) as nn.Module;
  let out = new Proxy(target, MODULE_TRAPS);
  if (m instanceof nn.Sequential || m instanceof nn.ModuleList) {
    const inner = out as nn.Module & { at(i: number): nn.Module; readonly length: number };
    out = new Proxy(inner, {
      get(t, key, receiver) {
        if (typeof key === 'string' && INDEX.test(key)) {
          const i = Number(key);
          return i < -t.length || i >= t.length ? undefined : t.at(i);
        }
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
  }
  memo.set(m, out);
  for (const key of Reflect.ownKeys(m)) {
    const d = Object.getOwnPropertyDescriptor(m, key)!;
    if ('value' in d) d.value = copyValue(d.value, memo);
    Object.defineProperty(target, key, d); // on the target: the registries are copied with the rest
  }
  return out;
}

/**
 * A deep copy of `model`: parameters and buffers cloned (shared ones stay shared), submodules
 * copied, registration kept, as Python's `copy.deepcopy(model)`. Functions held by the model
 * are shared (a `forward` written as an arrow-function field would still see the original).
 *
 * @example
 * ```ts
 * import { swaUtils } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const a = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
 * const b = swaUtils.deepCopyModule(a); // b[0].weight is a new tensor with a[0].weight's values
 * ```
 */
export function deepCopyModule<M extends nn.Module>(model: M): M {
  if (!(model instanceof nn.Module)) throw new TypeError(`deepCopyModule: model must be an nn.Module, got ${typeName(model)}`);
  return copyModule(model, new Map()) as M;
}

// ---------------------------------------------------------------------------------------------
// AveragedModel

/**
 * Options of {@link AveragedModel}.
 *
 * @example
 * ```ts
 * import { swaUtils, type AveragedModelOptions } from '@tensile/optim';
 * import { nn } from '@tensile/tensor';
 * const options: Partial<AveragedModelOptions> = { multiAvgFn: swaUtils.getEmaMultiAvgFn(0.99), useBuffers: true };
 * new swaUtils.AveragedModel(new nn.Linear(2, 1), options);
 * ```
 */
export interface AveragedModelOptions {
  /** Per-parameter averaging function (default: SWA's equal average). */
  avgFn: AvgFn | undefined;
  /** All-parameters, in-place averaging function (e.g. `getEmaMultiAvgFn(0.999)`). */
  multiAvgFn: MultiAvgFn | undefined;
  /** Average the buffers too (BatchNorm statistics), instead of copying them (default false). */
  useBuffers: boolean;
}

/**
 * A running average of a model's weights (PyTorch's `swa_utils.AveragedModel`): a deep copy of
 * the model whose parameters `updateParameters(model)` averages in, equally by default (SWA), or
 * with `getEmaMultiAvgFn(decay)` (EMA). The first update copies the weights. `n_averaged` is a
 * buffer, so `stateDict()` has PyTorch's keys (`module.0.weight`, ..., `n_averaged`). Call it
 * like the model (`swa.forward(x)`).
 *
 * @example
 * ```ts
 * import { SGD, swaUtils } from '@tensile/optim';
 * import { nn, F, randn } from '@tensile/tensor';
 * const model = new nn.Linear(4, 1);
 * const opt = new SGD(model.parameters(), { lr: 0.05 });
 * const swa = new swaUtils.AveragedModel(model);
 * const swaLr = new swaUtils.SWALR(opt, { swaLr: 0.02, annealEpochs: 5 });
 * const x = randn([16, 4]), y = randn([16, 1]);
 * for (let epoch = 0; epoch < 20; epoch++) {
 *   opt.zeroGrad();
 *   F.mseLoss(model.forward(x), y).backward();
 *   opt.step();
 *   if (epoch >= 10) { swa.updateParameters(model); swaLr.step(); }
 * }
 * swa.forward(x); // predictions of the averaged weights; swa.nAveraged.item() === 10
 * ```
 */
export class AveragedModel<M extends nn.Module = nn.Module> extends nn.Module {
  /** The averaged copy of the model. */
  module: M;
  /** How many models were averaged (a 0-d int64 buffer, as PyTorch's). */
  readonly nAveraged: Tensor;
  avgFn: AvgFn | undefined;
  multiAvgFn: MultiAvgFn | undefined;
  useBuffers: boolean;

  constructor(model: M, options: Partial<AveragedModelOptions> = {}) {
    super();
    if (!(model instanceof nn.Module)) throw new TypeError(`AveragedModel: model must be an nn.Module, got ${typeName(model)}`);
    if (options === null || typeof options !== 'object') throw new TypeError(`AveragedModel: options must be an object, got ${typeName(options)}`);
    for (const k of Object.keys(options)) {
      if (!['avgFn', 'multiAvgFn', 'useBuffers'].includes(k)) throw new TypeError(`AveragedModel: unknown option '${k}' (options: avgFn, multiAvgFn, useBuffers)`);
    }
    const { avgFn, multiAvgFn, useBuffers = false } = options;
    if (avgFn !== undefined && multiAvgFn !== undefined) throw new Error('Only one of avg_fn and multi_avg_fn should be provided');
    if (avgFn !== undefined && typeof avgFn !== 'function') throw new TypeError(`AveragedModel: avgFn must be a function, got ${typeName(avgFn)}`);
    if (multiAvgFn !== undefined && typeof multiAvgFn !== 'function') throw new TypeError(`AveragedModel: multiAvgFn must be a function, got ${typeName(multiAvgFn)}`);
    if (typeof useBuffers !== 'boolean') throw new TypeError(`AveragedModel: useBuffers must be a boolean, got ${typeName(useBuffers)}`);
    this.module = deepCopyModule(model);
    this.nAveraged = this.registerBuffer('n_averaged', tensor(0, { dtype: int64 }));
    this.avgFn = avgFn;
    this.multiAvgFn = multiAvgFn;
    this.useBuffers = useBuffers;
  }

  /** The averaged model's forward. */
  forward(...inputs: unknown[]): unknown {
    return (this.module.forward as (...a: unknown[]) => unknown)(...inputs);
  }

  /** Averages `model`'s current parameters (and buffers, with `useBuffers`) into this one. */
  updateParameters(model: nn.Module): void {
    if (!(model instanceof nn.Module)) throw new TypeError(`AveragedModel.updateParameters: model must be an nn.Module, got ${typeName(model)}`);
    const selfParams = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const modelParams = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    const n = this.nAveraged.item();
    const count = Math.min(selfParams.length, modelParams.length);
    const mine = selfParams.slice(0, count);
    const theirs = modelParams.slice(0, count).map((p) => p.detach());
    for (let i = 0; i < count; i++) {
      if (mine[i]!.numel() !== theirs[i]!.numel() || mine[i]!.ndim !== theirs[i]!.ndim || mine[i]!.shape.some((d, k) => d !== theirs[i]!.shape[k])) {
        throw new RangeError(`AveragedModel.updateParameters: tensor ${i} has shape [${theirs[i]!.shape.join(',')}], the averaged one [${mine[i]!.shape.join(',')}]`);
      }
    }
    noGrad(() => {
      if (n === 0) mine.forEach((p, i) => p.copy_(theirs[i]!));
      else if (this.multiAvgFn !== undefined) this.multiAvgFn(mine, theirs, n);
      else {
        const fn = this.avgFn ?? getSwaAvgFn();
        mine.forEach((p, i) => p.copy_(fn(p.detach(), theirs[i]!, n)));
      }
      if (!this.useBuffers) {
        const a = this.module.buffers(), b = model.buffers();
        for (let i = 0; i < Math.min(a.length, b.length); i++) a[i]!.copy_(b[i]!.detach());
      }
      this.nAveraged.add_(1);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// SWALR

/**
 * Options of {@link SWALR}.
 *
 * @example
 * ```ts
 * import { SGD, swaUtils, type SWALROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const options: Partial<SWALROptions> = { swaLr: 0.05, annealEpochs: 5, annealStrategy: 'linear' };
 * new swaUtils.SWALR(new SGD([zeros([2], { requiresGrad: true })], { lr: 0.5 }), options);
 * ```
 */
export interface SWALROptions {
  /** The lr to anneal to, one for all groups or one per group. Required. */
  swaLr: number | number[];
  /** Epochs of the annealing (default 10). */
  annealEpochs: number;
  /** `'cos'` (default) or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * Anneals each group's lr to a fixed `swaLr` over `annealEpochs`, then holds it (PyTorch's
 * `swa_utils.SWALR`, its formulas: each step re-derives the start lr from the current one).
 *
 * @example
 * ```ts
 * import { SGD, swaUtils } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.5 });
 * const sched = new swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 3, annealStrategy: 'linear' });
 * for (let i = 0; i < 3; i++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.05]
 * ```
 */
export class SWALR extends LRScheduler {
  annealEpochs: number;
  annealStrategy: 'cos' | 'linear';

  constructor(optimizer: AnyOptimizer, options: Partial<SWALROptions>) {
    if (options === null || typeof options !== 'object') throw new TypeError(`SWALR: options must be an object, got ${typeName(options)}`);
    const keys = ['swaLr', 'annealEpochs', 'annealStrategy', 'lastEpoch'];
    for (const k of Object.keys(options)) if (!keys.includes(k)) throw new TypeError(`SWALR: unknown option '${k}' (options: ${keys.join(', ')})`);
    const { swaLr, annealEpochs = 10, annealStrategy = 'cos', lastEpoch = -1 } = options;
    if (swaLr === undefined) throw new TypeError("SWALR: missing required option 'swaLr'");
    const n = (optimizer as AnyOptimizer | undefined)?.paramGroups?.length ?? 0;
    let swaLrs: number[];
    if (Array.isArray(swaLr)) {
      if (swaLr.length !== n) throw new RangeError(`swa_lr must have the same length as optimizer.param_groups. swa_lr has ${swaLr.length} values, param_groups has ${n}.`);
      swaLrs = [...swaLr];
    } else swaLrs = new Array<number>(n).fill(swaLr as number);
    for (const v of swaLrs) if (typeof v !== 'number') throw new TypeError(`SWALR: swaLr must be a number or a list of numbers, got ${typeName(v)}`);
    swaLrs.forEach((v, i) => option('SWALR', Array.isArray(swaLr) ? `swaLr[${i}]` : 'swaLr', v, lrValue));
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    if (typeof annealEpochs !== 'number' || !Number.isInteger(annealEpochs) || annealEpochs < 0) throw new RangeError(`anneal_epochs must be equal or greater than 0, got ${pyNum(annealEpochs)}`);
    if (n > 0) (optimizer.paramGroups as Record<string, unknown>[]).forEach((g, i) => (g['swaLr'] = swaLrs[i]!));
    super(optimizer, lastEpoch);
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this.initialStep();
  }

  private anneal(t: number): number {
    return this.annealStrategy === 'cos' ? (1 - cos(Math.PI * t)) / 2 : t;
  }

  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.annealEpochs)));
    const prevAlpha = this.anneal(prevT);
    const prevLrs = this.groups.map((g) => {
      const lr = g['lr'] instanceof Tensor ? g['lr'].item() : (g['lr'] as number);
      const swa = g['swaLr'] as number;
      return prevAlpha === 1 ? swa : (lr - prevAlpha * swa) / (1 - prevAlpha);
    });
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.anneal(t);
    return this.groups.map((g, i) => (g['swaLr'] as number) * alpha + prevLrs[i]! * (1 - alpha));
  }

  /** Every group needs the `swa_lr` the constructor wrote into it. */
  override checkStep(): void {
    this.groups.forEach((g, i) => {
      const v = g['swaLr'];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`SWALR.step: param_groups[${i}] has ${v === undefined ? 'no swa_lr' : `swa_lr ${String(v)}`}: SWALR writes swa_lr into every group when it is made (a group added with addParamGroup since lacks it)`);
      }
    });
  }

  protected override stateSpec(): SchedulerStateSpec {
    return {
      _anneal_strategy: { prop: 'annealStrategy', check: oneOf('cos', 'linear'), presence: 'optional' }, // PyTorch 1.13: anneal_func
      anneal_epochs: { prop: 'annealEpochs', check: integer(0) },
      ...this.baseSpec(),
      anneal_func: { check: anything, presence: 'ignored' },
    };
  }
}
