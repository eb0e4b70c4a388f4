import { typeName } from '../state-dict.js';
import { LRScheduler, checkOptimizer, lrOf, required, resolve, type AnyOptimizer } from './base.js';
import { copyValue, isPlainRecord, listOf, Refused, type Check, type SchedulerStateSpec } from './state-spec.js';

/**
 * A function of the epoch (a non-negative integer) giving a factor.
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR, type LrLambda } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const warmup: LrLambda = (epoch) => Math.min(1, (epoch + 1) / 5);
 * new LambdaLR(new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 }), { lrLambda: warmup });
 * ```
 */
export type LrLambda = (epoch: number) => number;

function lambdasFor(optimizer: AnyOptimizer, lrLambda: unknown): LrLambda[] {
  const n = optimizer.paramGroups.length;
  let list: unknown[];
  if (!Array.isArray(lrLambda)) list = new Array<unknown>(n).fill(lrLambda);
  else {
    if (lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
    list = [...lrLambda];
  }
  for (const f of list) if (typeof f !== 'function') throw new TypeError(`lr_lambda should be a function, but got ${typeName(f)}`);
  return list as LrLambda[];
}

/**
 * `lr_lambdas` as PyTorch saves them: `null` for a plain function, the attributes of a callable
 * object (here: a function's own enumerable properties), which a load puts back.
 */
function lambdasKey(fns: LrLambda[]): SchedulerStateSpec[string] {
  const attributes: Check = (v, i) => {
    if (v === null) return null;
    if (!isPlainRecord(v)) throw new Refused('null or an object of attributes', v, true);
    for (const k of Object.keys(v)) {
      const own = Object.getOwnPropertyDescriptor(fns[i!], k);
      // `name`, `length`, `prototype`: the function's own, not attributes a save can have written.
      if (own !== undefined && !own.enumerable) throw new Refused(`attributes of the lambda (not its '${k}')`, v);
    }
    return copyValue(v);
  };
  return {
    check: listOf(attributes, fns.length),
    save: () => fns.map((f) => (Object.keys(f).length > 0 ? copyValue({ ...f }) : null)),
    apply: (saved) => (saved as (Record<string, unknown> | null)[]).forEach((attrs, i) => {
      if (attrs === null) return;
      for (const [k, x] of Object.entries(attrs)) Object.defineProperty(fns[i]!, k, { value: x, enumerable: true, writable: true, configurable: true });
    }),
  };
}

/** The lambdas are one per group the scheduler was made for: a group added since has none. */
function checkLambdaGroups(name: string, groups: number, lambdas: number): void {
  if (groups !== lambdas) {
    throw new RangeError(`${name}.step: the optimizer has ${groups} param groups but ${name} has ${lambdas} lr_lambdas, one per group it was made for (a group added with addParamGroup after the scheduler was made has none); make the scheduler after adding the group`);
  }
}

/**
 * Options of {@link LambdaLR} and {@link MultiplicativeLR}.
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR, type LambdaLROptions } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const options: Partial<LambdaLROptions> = { lrLambda: (epoch) => 1 / (1 + epoch) };
 * new LambdaLR(opt, options);
 * ```
 */
export interface LambdaLROptions {
  /** The factor for an epoch, or one function per param group. Required. */
  lrLambda: LrLambda | LrLambda[];
  /** The index of the last epoch (default -1: start). */
  lastEpoch: number;
}

/**
 * What LambdaLR and MultiplicativeLR share: one `lrLambda` per param group, checked when made,
 * at each step (a group added since has none) and in state dicts (`lr_lambdas`).
 */
abstract class PerGroupLambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(name: string, optimizer: AnyOptimizer, options: Partial<LambdaLROptions>) {
    const o = resolve(name, { lrLambda: undefined, lastEpoch: -1 } as Record<string, unknown>, options);
    required(name, o, 'lrLambda');
    checkOptimizer(optimizer);
    const fns = lambdasFor(optimizer, o['lrLambda']);
    super(optimizer, o['lastEpoch'] as number);
    this.lrLambdas = fns;
    this.initialStep();
  }
  override checkStep(): void {
    checkLambdaGroups(this.name, this.groups.length, this.lrLambdas.length);
  }
  protected override stateSpec(): SchedulerStateSpec {
    return { ...this.baseSpec(), lr_lambdas: lambdasKey(this.lrLambdas) };
  }
}

/**
 * `lr = initial_lr * lrLambda(epoch)` (PyTorch's `LambdaLR`).
 *
 * @example
 * ```ts
 * import { SGD, LambdaLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
 * for (let epoch = 0; epoch < 3; epoch++) { opt.step(); sched.step(); }
 * sched.getLastLr(); // [0.1 * 0.95 ** 3]
 * ```
 */
export class LambdaLR extends PerGroupLambdaLR {
  constructor(optimizer: AnyOptimizer, options: Partial<LambdaLROptions>) {
    super('LambdaLR', optimizer, options);
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/**
 * `lr = lr * lrLambda(epoch)` each step, after the first (PyTorch's `MultiplicativeLR`).
 *
 * @example
 * ```ts
 * import { SGD, MultiplicativeLR } from '@tensile/optim';
 * import { zeros } from '@tensile/tensor';
 * const opt = new SGD([zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.9 });
 * opt.step(); sched.step(); // lr 0.09
 * ```
 */
export class MultiplicativeLR extends PerGroupLambdaLR {
  constructor(optimizer: AnyOptimizer, options: Partial<LambdaLROptions>) {
    super('MultiplicativeLR', optimizer, options);
  }
  getLr(): number[] {
    this.warnGetLrCalledWithinStep();
    if (!this.isInitial) return this.groups.map((g, i) => lrOf(g) * this.lrLambdas[i]!(this.lastEpoch));
    return this.groupLrs();
  }
}
