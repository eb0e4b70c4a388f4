/**
 * The option checks every optimizer shares, in PyTorch's words (`Invalid learning rate: -1`).
 * Each optimizer's `validate*` function lists its checks in PyTorch's order with these.
 */
import { Tensor } from '@tensile/tensor';
import { pyNum } from './format.js';

/**
 * The number under `key`, or a TypeError in PyTorch's words (`Invalid epsilon value: x`).
 * A Tensor is refused with a message naming the optimizer (most take plain numbers).
 */
export function numberOption(name: string, o: Record<string, unknown>, key: string, label: string): number {
  const v = o[key];
  if (v instanceof Tensor) throw new TypeError(`${name}: a Tensor ${key} is not supported; pass a number`);
  if (typeof v !== 'number') throw new TypeError(`Invalid ${label}: ${String(v)}`);
  return v;
}

/**
 * PyTorch 2.13's checks of an `lr` that may be a 1-element tensor, in its order and words:
 * for a tensor, `lr as a Tensor is not supported for capturable=False and foreach=True`
 * (only where PyTorch raises it: `foreachNeedsCapturable`, Adam and AdamW; Adadelta's
 * multi-tensor path, for one, reads the tensor's value instead) and `Tensor lr must be
 * 1-element`; then `Invalid learning rate: x`.
 */
export function lrOption(o: Record<string, unknown>, foreachNeedsCapturable = false): void {
  const lr = o['lr'];
  if (lr instanceof Tensor) {
    if (foreachNeedsCapturable && o['foreach'] === true && o['capturable'] !== true) throw new RangeError('lr as a Tensor is not supported for capturable=False and foreach=True');
    if (lr.numel() !== 1) throw new RangeError('Tensor lr must be 1-element');
    if (!(lrValue(lr) >= 0)) throw new RangeError(`Invalid learning rate: ${pyNum(lr)}`);
    return;
  }
  if (typeof lr !== 'number') throw new TypeError(`Invalid learning rate: ${String(lr)} (expected a number or a 1-element Tensor)`);
  if (!(lr >= 0)) throw new RangeError(`Invalid learning rate: ${pyNum(lr)}`);
}

/** A number lr, or the float32 value of a 1-element tensor lr. */
export function lrValue(lr: number | Tensor): number {
  return lr instanceof Tensor ? lr.toFloat32Array()[0]! : lr;
}

/** `!(v >= 0)` (so NaN fails too) is PyTorch's `not 0.0 <= v`: `Invalid <label>: v`. */
export function nonNegative(name: string, o: Record<string, unknown>, key: string, label: string): number {
  const v = numberOption(name, o, key, label);
  if (!(v >= 0)) throw new RangeError(`Invalid ${label}: ${pyNum(v)}`);
  return v;
}

/** PyTorch's `not 0.0 <= betas[i] < 1.0` checks: `Invalid beta parameter at index i: b`. */
export function betasOption(name: string, o: Record<string, unknown>): [number, number] {
  const betas = o['betas'];
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`${name}: betas must be a pair of numbers, got ${String(betas)}`);
  for (const i of [0, 1]) {
    const b: unknown = betas[i];
    if (b instanceof Tensor) throw new TypeError(`${name}: Tensor betas are not supported; pass numbers`);
    if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw new RangeError(`Invalid beta parameter at index ${i}: ${pyNum(b)}`);
  }
  return betas as [number, number];
}

/** The optimizers whose `capturable: true` runs PyTorch 2.13's capturable formulas. */
const CAPTURABLE = new Set(['ASGD', 'Adam', 'AdamW', 'RMSprop', 'Adadelta', 'Rprop', 'Adamax', 'NAdam', 'RAdam']);

/** Flags PyTorch types `bool` (`maximize`, `nesterov`): a boolean, nothing else (`'yes'` and `0` are not). */
export function booleanFlags(o: Record<string, unknown>, flags: readonly string[]): void {
  for (const k of flags) {
    if (typeof o[k] !== 'boolean') throw new TypeError(`Invalid ${k} value: ${String(o[k])} (expected a boolean)`);
  }
}

/** A flag PyTorch types `Optional[bool]` (`foreach`, `fused`): a boolean, or unset (`undefined`, `null`). */
export function optionalFlag(o: Record<string, unknown>, key: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'boolean') throw new TypeError(`Invalid ${key} value: ${String(v)} (expected a boolean or undefined)`);
}

/** The boolean flags, `foreach` and `fused` (boolean or unset), and the flags PyTorch has but we do not run. */
export function flagOptions(name: string, o: Record<string, unknown>, flags: readonly string[]): void {
  booleanFlags(o, flags);
  optionalFlag(o, 'foreach');
  optionalFlag(o, 'fused');
  if (o['fused'] === true) throw new RangeError(`${name}: fused=true is not supported (PyTorch's fused kernels are one more path to the same numbers); every path gives the same bits`);
  if (o['capturable'] && !CAPTURABLE.has(name)) {
    throw new RangeError(`${name}: capturable=true is not supported yet (PyTorch refuses it for CPU tensors too); every path gives the same bits`);
  }
}
