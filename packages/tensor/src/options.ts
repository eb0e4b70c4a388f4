import { describe } from './ops/util.js';
import { Generator } from './random.js';

/** @internal A plain object: `{...}` or a null-prototype record (an `Object.prototype` of any realm). */
export const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/**
 * @internal The one check every options bag of the public API runs first: the bag is a plain
 * object (or undefined), and each key it names is one the function knows. A misspelt option
 * (`{ reductio: 'sum' }`) is an error, never silently ignored.
 *
 * Keys are read with `Object.keys`, so an own `__proto__` key (from `JSON.parse`) is seen and
 * refused like any other unknown name; inherited properties are not options.
 */
export function checkOptions<O extends object>(fn: string, options: O | undefined | null, known: readonly (keyof O & string)[]): O {
  if (options === undefined) return {} as O;
  // null is refused too: callers go on to read `options.x`.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  // A Tensor (or any class instance) where the bag goes is a misplaced argument, not options.
  if (!isPlain(options)) throw new TypeError(`${fn}: options must be a plain object, got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!(known as readonly string[]).includes(k)) {
      throw new TypeError(`${fn}: unknown option '${k}' (options: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
  }
  // The one option whose type is the same everywhere, checked here so that a layer names itself
  // rather than the initialiser it calls.
  const g = (options as { generator?: unknown }).generator;
  if (g !== undefined && !(g instanceof Generator)) throw new TypeError(`${fn}: generator must be a Generator, got ${describe(g)}`);
  return options;
}
