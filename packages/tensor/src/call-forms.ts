import { describe } from './ops/util.js';
import { checkOptions, isPlain } from './options.js';
import { Tensor } from './tensor.js';

/**
 * The trailing arguments of a layer constructor in PyTorch's two forms: PyTorch's
 * optional positional parameters in PyTorch's order, then (optionally) an options bag for the
 * rest. `Positional<[stride: S, padding: P], O>` is `[O?] | [S, O?] | [S, P, O?]`.
 */
export type Positional<P extends readonly unknown[], O> = P extends readonly [...infer I, unknown] ? readonly [...P, O?] | Positional<I, O> : readonly [O?];

/** One optional positional parameter: its option name, its type test, and how an error names the type. */
export interface PositionalParam {
  readonly name: string;
  readonly is: (v: unknown) => boolean;
  readonly expected: string;
  /** PyTorch's parameter is taken positionally at its default only, and dropped (e.g. the losses' deprecated `size_average`). */
  readonly drop?: boolean;
}

export const isBag = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && isPlain(v);

/**
 * Folds positional arguments into the options bag, so both forms reach the same validation:
 * `(op, [3, 1], [stride, padding])` gives `{ stride: 3, padding: 1 }`. A positional of the wrong
 * type, too many positionals, or a name given both ways is a `TypeError` naming the class, the
 * parameter and the value. `undefined` positionals mean "default", as in PyTorch. What every
 * tensile layer and optimizer uses for PyTorch's call forms; exported for your own.
 * @example
 * ```ts
 * import { foldPositional } from '@tensile/tensor';
 * const num = (name: string) => ({ name, is: (v: unknown) => typeof v === 'number', expected: 'a number' });
 * foldPositional('MyLayer', [2, { padding: 1 }], [num('stride'), num('padding')]); // { padding: 1, stride: 2 }
 * ```
 */
export function foldPositional(op: string, args: readonly unknown[], params: readonly PositionalParam[]): Record<string, unknown> {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  const bag = isBag(last) ? last : undefined;
  const pos = bag === undefined ? args : args.slice(0, -1);
  if (pos.length > params.length) {
    const extra = pos[params.length];
    if (params.length === pos.length - 1 && typeof extra === 'object' && extra !== null && !Array.isArray(extra)) {
      throw new TypeError(`${op}: options must be a plain object, got ${describe(extra)}`);
    }
    throw new TypeError(`${op}: takes at most ${params.length} optional positional argument${params.length === 1 ? '' : 's'} (${params.map((p) => p.name).join(', ') || 'none'}), got ${pos.length}: ${pos.map(describe).join(', ')}`);
  }
  const out: Record<string, unknown> = bag === undefined ? {} : { ...bag };
  pos.forEach((v, i) => {
    const p = params[i]!;
    if (v === undefined) return;
    if (!p.is(v)) throw new TypeError(`${op}: ${p.name} (positional ${i + 1}) must be ${p.expected}, got ${describe(v)}`);
    if (bag !== undefined && Object.prototype.hasOwnProperty.call(bag, p.name)) throw new TypeError(`${op}: got multiple values for argument '${p.name}'`);
    out[p.name] = v;
  });
  return out;
}

export const isNumber = (v: unknown): boolean => typeof v === 'number';
export const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
export const isNumberOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
export const isIntOrTuple = (v: unknown): boolean => typeof v === 'number' || Array.isArray(v);

/** @internal Shorthands for the parameter tables. */
export const num = (name: string): PositionalParam => ({ name, is: isNumber, expected: 'a number' });
export const bool = (name: string): PositionalParam => ({ name, is: isBoolean, expected: 'a boolean' });
export const numOrNull = (name: string): PositionalParam => ({ name, is: isNumberOrNull, expected: 'a number or null' });
export const intOrTuple = (name: string): PositionalParam => ({ name, is: isIntOrTuple, expected: 'an integer or a tuple of them' });
/** @internal An optional window size (`None`: the default, e.g. a pooling's stride). */
export const intOrTupleOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || isIntOrTuple(v), expected: 'an integer, a tuple of them or null' });
/** @internal PyTorch's `Optional[Tensor]`. */
export const tensorOrNull = (name: string): PositionalParam => ({ name, is: (v) => v === null || v instanceof Tensor, expected: 'a Tensor or null' });
/** @internal A PyTorch parameter tensile does not have, taken positionally at its default only, and dropped. */
export const unsupported = (name: string, is: (v: unknown) => boolean, expected: string): PositionalParam => ({ name, is, expected, drop: true });
/** @internal PyTorch's `inplace` flag of a function: accepted, as the layers' `inplace`, and dropped: the result is a new tensor. */
export const inplaceFlag: PositionalParam = /* @__PURE__ */ unsupported('inplace', isBoolean, 'a boolean');
/** @internal The losses' deprecated `size_average` and `reduce`: `null` (PyTorch's None) positionally, else refused. */
export const legacy = (name: 'sizeAverage' | 'reduce'): PositionalParam => unsupported(name, (v) => v === null, `null (PyTorch's deprecated ${name === 'reduce' ? 'reduce' : 'size_average'}; give reduction instead)`);

/**
 * @internal A functional op's call forms (`F.conv2d(x, w, b, 2, 1)` as `{ stride: 2, padding: 1 }`):
 * `foldPositional` by `params`, the `drop` parameters given positionally removed, then
 * `checkOptions` against the other names and `extra` (keyword-only ones).
 */
export function fnOptions<O extends object>(op: string, args: readonly unknown[], params: readonly PositionalParam[], extra: readonly string[] = []): O {
  const o = foldPositional(op, args, params);
  const n = args.length - (isBag(args[args.length - 1]) ? 1 : 0);
  params.forEach((p, i) => {
    if (p.drop && i < n) delete o[p.name];
  });
  return checkOptions(op, o, [...params.filter((p) => !p.drop).map((p) => p.name), ...extra]) as O;
}

/**
 * @internal PyTorch's call forms for a function: positional parameters in order, then a bag
 * with the same names (and `extra` keyword-only ones). Unknown options are refused, and every
 * value given, either way, passes its parameter's type test.
 */
export function callArgs<O extends object>(op: string, args: readonly unknown[], params: readonly PositionalParam[], extra: readonly PositionalParam[] = []): Partial<O> {
  const o = foldPositional(op, args, params);
  const all = [...params, ...extra];
  checkOptions(op, o, all.map((p) => p.name));
  for (const p of all) {
    const v = o[p.name];
    if (v !== undefined && !p.is(v)) throw new TypeError(`${op}: ${p.name} must be ${p.expected}, got ${describe(v)}`);
  }
  return o as Partial<O>;
}
