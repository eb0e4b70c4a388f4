/**
 * Command-line flags for the examples: node:util's parseArgs in strict mode, with its errors
 * turned into one line that names the flag and the value, and numeric flags validated (decimal
 * notation only: '0x10', '0b1', '1_000', ' 5' and '' are refused, not read as numbers).
 */
import { parseArgs } from 'node:util';

export interface NumericFlag {
  /** The options key the value goes to. */
  key: string;
  integer: boolean;
  min: number;
}

export interface FlagSpec {
  /** Flags that take a string value (validated by the caller). */
  strings?: readonly string[];
  /** Flags without a value. `help` is always accepted. */
  booleans?: readonly string[];
  /** Flags that take a number, by flag name. */
  numeric: Readonly<Record<string, NumericFlag>>;
}

/** A decimal number: an optional sign, digits with an optional point, an optional exponent; nothing else. */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type FlagValues =
  | { values: Record<string, string | boolean | undefined>; numbers: Record<string, number> }
  | { error: string };

/** `text` with control characters escaped (`\n`, `\u0000`), so an error about it stays on one line. */
export function shown(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Parses `argv`; never throws. Numbers come back under their `key`, the rest under the flag name. */
export function parseFlagValues(argv: readonly string[], spec: FlagSpec): FlagValues {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries((spec.booleans ?? []).map((k) => [k, { type: 'boolean' as const }])),
        ...Object.fromEntries([...(spec.strings ?? []), ...Object.keys(spec.numeric)].map((k) => [k, { type: 'string' as const }])),
      },
    });
  } catch (e) {
    const message = (e as Error).message;
    const m = /Unknown option '([^']+)'/.exec(message);
    if (m) return { error: `unknown flag ${m[1]} (see --help)` };
    const v = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
    if (v) return { error: `flag ${v[1]!.split(',').pop()!.trim()} needs a value (see --help)` };
    const amb = /Option '([^']+)' argument is ambiguous/.exec(message);
    if (amb) return { error: `flag ${amb[1]} got a value that starts with '-': write ${amb[1]}=VALUE` };
    return { error: `${message.split('\n')[0]} (see --help)` };
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const numbers: Record<string, number> = {};
  for (const [flag, { key, integer, min }] of Object.entries(spec.numeric)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    // Decimal only: Number() would also read '0x10' as 16, '0b11' as 3, ' 5 ' as 5 and '' as 0.
    const v = DECIMAL.test(String(raw)) ? Number(raw) : NaN;
    const ok = Number.isFinite(v) && v >= min && (!integer || Number.isInteger(v));
    if (!ok) {
      // '0x10' is a number to JavaScript: say which notation is meant.
      const notation = !DECIMAL.test(String(raw)) && String(raw).trim() !== '' && Number.isFinite(Number(raw)) ? ' in decimal notation' : '';
      return { error: `--${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}${notation}, got '${shown(String(raw))}'` };
    }
    numbers[key] = v;
  }
  return { values, numbers };
}
