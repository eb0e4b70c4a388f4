import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../ops/util.js';
import { pyFloat } from './layers.js';
import { Module } from './module.js';

type Pad1d = number | readonly [number, number];
type Pad2d = number | readonly [number, number, number, number];

/** PyTorch's `_pair`/`_quadruple` of a padding: one integer for every side, or one per side. */
function sides(op: string, padding: unknown, n: 2 | 4): number[] {
  const p = typeof padding === 'number' ? new Array<number>(n).fill(padding) : Array.isArray(padding) ? [...(padding as unknown[])] : null;
  if (p === null || p.length !== n || !p.every((v) => Number.isInteger(v))) {
    throw new TypeError(`${op}: padding must be an integer or ${n} integers (${n === 2 ? 'left, right' : 'left, right, top, bottom'}), got ${describe(padding)}`);
  }
  return p as number[];
}

const tuple = (p: readonly number[]): string => `(${p.join(', ')})`;

/** The shared body of the padding layers: a fixed `F.pad` of the last 1 or 2 dims. */
abstract class PadNd extends Module {
  /** `(left, right)` or `(left, right, top, bottom)`, as PyTorch's attribute. */
  readonly padding: readonly number[];
  protected abstract readonly mode: F.PadMode;

  constructor(op: string, padding: unknown, n: 2 | 4) {
    super();
    this.padding = sides(op, padding, n);
  }

  forward(x: Tensor): Tensor {
    return F.pad(x, this.padding, this.mode);
  }

  protected override extraRepr(): string {
    return tuple(this.padding);
  }
}

/** Constant padding: `F.pad(x, padding, 'constant', value)`. */
abstract class ConstantPadNd extends Module {
  readonly padding: readonly number[];
  readonly value: number;

  constructor(op: string, padding: unknown, n: 2 | 4, value: unknown) {
    super();
    this.padding = sides(op, padding, n);
    if (typeof value !== 'number') throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
    this.value = value;
  }

  forward(x: Tensor): Tensor {
    return F.pad(x, this.padding, 'constant', this.value);
  }

  protected override extraRepr(): string {
    return `padding=${tuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/**
 * Pads the last dim of `[C, W]` or `[N, C, W]` with `value`, as PyTorch's `nn.ConstantPad1d`
 * (negative padding crops).
 *
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * new nn.ConstantPad1d([1, 2], 3.5).call(ones([1, 2, 4])).shape; // [1, 2, 7]
 * ```
 */
export class ConstantPad1d extends ConstantPadNd {
  /** PyTorch's `(padding, value)`: `padding` one integer or `[left, right]`. */
  constructor(padding: Pad1d, value: number) {
    super('ConstantPad1d', padding, 2, value);
  }
}

/**
 * Pads the last two dims with `value`, as PyTorch's `nn.ConstantPad2d`.
 *
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * new nn.ConstantPad2d([1, 1, 2, 0], -1).call(ones([1, 3, 4, 4])).shape; // [1, 3, 6, 6]
 * ```
 */
export class ConstantPad2d extends ConstantPadNd {
  /** PyTorch's `(padding, value)`: `padding` one integer or `[left, right, top, bottom]`. */
  constructor(padding: Pad2d, value: number) {
    super('ConstantPad2d', padding, 4, value);
  }
}

/**
 * Pads the last two dims with zeros, as PyTorch's `nn.ZeroPad2d`.
 *
 * @example
 * ```ts
 * import { nn, ones } from '@tensile/tensor';
 * const pad = new nn.ZeroPad2d(2);
 * pad.call(ones([1, 1, 3, 3])).shape; // [1, 1, 7, 7]
 * String(pad);                        // 'ZeroPad2d((2, 2, 2, 2))'
 * ```
 */
export class ZeroPad2d extends ConstantPadNd {
  /** PyTorch's `(padding)`: one integer or `[left, right, top, bottom]`. */
  constructor(padding: Pad2d) {
    super('ZeroPad2d', padding, 4, 0);
  }

  protected override extraRepr(): string {
    return tuple(this.padding);
  }
}

/**
 * Mirrors the last dim at its edges (without repeating them), as PyTorch's `nn.ReflectionPad1d`.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.ReflectionPad1d(2).call(tensor([[[0, 1, 2, 3]]])).toArray(); // [[[2, 1, 0, 1, 2, 3, 2, 1]]]
 * ```
 */
export class ReflectionPad1d extends PadNd {
  protected readonly mode = 'reflect';
  /** PyTorch's `(padding)`: one integer or `[left, right]`, each smaller than the padded dim. */
  constructor(padding: Pad1d) {
    super('ReflectionPad1d', padding, 2);
  }
}

/**
 * Mirrors the last two dims at their edges, as PyTorch's `nn.ReflectionPad2d`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.ReflectionPad2d([1, 1, 2, 0]).call(randn([2, 3, 4, 4])).shape; // [2, 3, 6, 6]
 * ```
 */
export class ReflectionPad2d extends PadNd {
  protected readonly mode = 'reflect';
  /** PyTorch's `(padding)`: one integer or `[left, right, top, bottom]`. */
  constructor(padding: Pad2d) {
    super('ReflectionPad2d', padding, 4);
  }
}

/**
 * Repeats the edge of the last dim, as PyTorch's `nn.ReplicationPad1d`.
 *
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.ReplicationPad1d([1, 2]).call(tensor([[[5, 6]]])).toArray(); // [[[5, 5, 6, 6, 6]]]
 * ```
 */
export class ReplicationPad1d extends PadNd {
  protected readonly mode = 'replicate';
  /** PyTorch's `(padding)`: one integer or `[left, right]`. */
  constructor(padding: Pad1d) {
    super('ReplicationPad1d', padding, 2);
  }
}

/**
 * Repeats the edges of the last two dims, as PyTorch's `nn.ReplicationPad2d`.
 *
 * @example
 * ```ts
 * import { nn, randn } from '@tensile/tensor';
 * new nn.ReplicationPad2d(3).call(randn([1, 2, 2, 2])).shape; // [1, 2, 8, 8]
 * ```
 */
export class ReplicationPad2d extends PadNd {
  protected readonly mode = 'replicate';
  /** PyTorch's `(padding)`: one integer or `[left, right, top, bottom]`. */
  constructor(padding: Pad2d) {
    super('ReplicationPad2d', padding, 4);
  }
}
