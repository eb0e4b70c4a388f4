import * as F from '../ops/nn/index.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';
import { checkOptions } from '../options.js';
import { bool, foldPositional, num, type Positional } from '../call-forms.js';

/**
 * The cosine similarity of two inputs along `dim` (default 1; eps 1e-8), `F.cosineSimilarity`.
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.CosineSimilarity().call(tensor([[1, 0]]), tensor([[1, 1]])); // tensor([0.7071])
 * ```
 */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  /** PyTorch's `(dim, eps)` or `{ dim, eps }`. */
  constructor(...rest: Positional<[dim: number, eps: number], { dim?: number; eps?: number }>) {
    super();
    const o = checkOptions('CosineSimilarity', foldPositional('CosineSimilarity', rest, [num('dim'), num('eps')]) as { dim?: number; eps?: number }, ['dim', 'eps']);
    this.dim = o.dim ?? 1;
    this.eps = o.eps ?? 1e-8;
    if (!Number.isInteger(this.dim)) throw new TypeError(`CosineSimilarity: dim must be an integer, got ${this.dim}`);
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/**
 * The `p`-norm distance between two inputs' rows (`F.pairwiseDistance`; p 2, eps 1e-6).
 * @example
 * ```ts
 * import { nn, tensor } from '@tensile/tensor';
 * new nn.PairwiseDistance().call(tensor([[0, 0]]), tensor([[3, 4]])); // tensor([5.0000])
 * ```
 */
export class PairwiseDistance extends Module {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  /** PyTorch's `(p, eps, keepdim)` or `{ p, eps, keepdim }`. */
  constructor(...rest: Positional<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>) {
    super();
    const o = checkOptions('PairwiseDistance', foldPositional('PairwiseDistance', rest, [num('p'), num('eps'), bool('keepdim')]) as { p?: number; eps?: number; keepdim?: boolean }, ['p', 'eps', 'keepdim']);
    this.norm = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.keepdim = o.keepdim ?? false;
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
