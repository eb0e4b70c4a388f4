import { Tensor } from '@tensile/tensor';

/** Node's `util.inspect.custom` from the symbol registry (no `node:util`): see `[inspectCustom]()` on Optimizer. */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** Python's `str()` of a float: shortest round-trip digits, `1e-05`, `1000000.0`, `nan`, `inf`. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = v.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const s = String(v);
  if (s.includes('e')) {
    // JS switches to exponent notation below 1e-6; expand it.
    return v.toFixed(Math.min(100, -exp + (mant.replace(/[-.]/g, '').length - 1)));
  }
  return s.includes('.') ? s : `${s}.0`;
}

/**
 * A value as PyTorch's f-string messages print it. JavaScript has one number type: integral
 * values print as Python ints (`-1`; the user most likely typed an int), others as Python floats
 * (`-0.5`, `-1e-05`, `nan`, `inf`). A 0-d tensor prints its float value (`-1.0`,
 * `-0.10000000149011612`), any other tensor its repr (`tensor([-0.1000])`), as `Tensor.__format__`.
 */
export function pyNum(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloat(v);
  if (v instanceof Tensor) return v.ndim === 0 ? pyFloat(v.item()) : v.toString();
  return String(v);
}

/**
 * Python `str()` of a hyper-parameter value, as `Optimizer.__repr__` prints it. An array prints
 * as a tuple: JavaScript has no tuple, and PyTorch's pair options are tuples (`betas: (0.9,
 * 0.999)`; a list a user passes would print as a list, which cannot be told apart here). An
 * int-like option's integral elements print as ints (Rprop's default `step_sizes: (1e-06, 50)`).
 */
export function pyValue(v: unknown, intLike: boolean): string {
  if (v === undefined || v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return intLike && Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return v;
  if (v instanceof Tensor) return v.ndim === 0 ? pyFloat(v.item()) : v.toString();
  if (Array.isArray(v)) {
    const items = v.map((x) => (typeof x === 'string' ? `'${x}'` : pyValue(x, intLike)));
    return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  }
  return String(v);
}

/** `weightDecay` → `weight_decay` (state-dict keys are PyTorch's). */
export const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** `weight_decay` → `weightDecay`. */
export const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
