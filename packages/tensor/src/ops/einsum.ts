import { ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bmm } from './matmul.js';
import { expand, permute, reshape, stridedView } from './movement.js';
import { sum } from './reduce.js';
import { describe, expectTensor } from './util.js';

/**
 * Einstein summation, composed of `permute`, `reshape`, `sum` and `bmm` (so every dtype the
 * product supports, and the gradient, come with them). Operands are contracted left to right,
 * each pair as one batched product.
 *
 * Supported: any number of operands; labels `a-z`/`A-Z`; `...` (broadcast dims); an implicit
 * output (labels that appear once, in alphabetical order, after the `...` dims); labels repeated
 * inside one operand (its diagonal, `ii->i`); size-1 dims broadcast against a label's size.
 */

interface Operand { t: Tensor; labels: string[] }

function parseSide(op: string, s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ' ') continue;
    if (c === '.') {
      if (s.slice(i, i + 3) !== '...') throw new SyntaxError(`${op}: found '.' for operand that is not part of any ellipsis in '${s}'`);
      out.push('...');
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) out.push(c);
    else throw new SyntaxError(`${op}: invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z], got '${c}'`);
  }
  return out;
}

/** Labels with '...' expanded to one fresh label per broadcast dim ('0', '1', ... from the right). */
function expandEllipsis(op: string, labels: string[], ndim: number, k: number): string[] {
  const e = labels.indexOf('...');
  if (e < 0) {
    if (labels.length !== ndim) throw new ShapeError(`${op}: the number of subscripts in the equation (${labels.length}) does not match the number of dimensions (${ndim}) for operand ${k} and no ellipsis was given`);
    return labels;
  }
  if (labels.lastIndexOf('...') !== e) throw new SyntaxError(`${op}: found more than one ellipsis ('...') for operand ${k}`);
  const n = ndim - (labels.length - 1);
  if (n < 0) throw new ShapeError(`${op}: the number of subscripts in the equation (${labels.length - 1}) is more than the number of dimensions (${ndim}) for operand ${k}`);
  return [...labels.slice(0, e), ...Array.from({ length: n }, (_, i) => String(n - 1 - i)), ...labels.slice(e + 1)];
}

/** Takes the diagonal over repeated labels of one operand (a strided view), so each label appears once. */
function diagonalize(x: Operand): Operand {
  const seen = new Map<string, number>();
  const shape: number[] = [], strides: number[] = [], labels: string[] = [], gstr: number[] = [];
  const cstr = contiguous(x.t.shape);
  let repeated = false;
  x.labels.forEach((l, d) => {
    const at = seen.get(l);
    if (at === undefined) {
      seen.set(l, labels.length);
      labels.push(l); shape.push(x.t.shape[d]!); strides.push(x.t.strides[d]!); gstr.push(cstr[d]!);
    } else {
      repeated = true;
      if (shape[at] !== x.t.shape[d]) throw new ShapeError(`einsum: subscript ${l} is repeated for operand but the sizes don't match, ${shape[at]} != ${x.t.shape[d]}`);
      strides[at] = strides[at]! + x.t.strides[d]!;
      gstr[at] = gstr[at]! + cstr[d]!;
    }
  });
  if (!repeated) return x;
  return { t: stridedView(x.t, shape, strides, x.t.offset, gstr, 0), labels };
}

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

/** Sums away the labels of `x` not in `keep`. */
function sumOut(x: Operand, keep: ReadonlySet<string>): Operand {
  const dims = x.labels.map((l, d) => (keep.has(l) ? -1 : d)).filter((d) => d >= 0);
  if (dims.length === 0) return x;
  return { t: sum(x.t, dims), labels: x.labels.filter((l) => keep.has(l)) };
}

/** One contraction: a · b over their shared labels not in `keep`, as one bmm. */
function contract(a: Operand, b: Operand, keep: ReadonlySet<string>, sizes: Map<string, number>): Operand {
  const inB = new Set(b.labels), inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !inA.has(l));
  const size = (ls: string[]): number => ls.reduce((n, l) => n * sizes.get(l)!, 1);
  const arrange = (x: Operand, order: string[]): Tensor => {
    const p = permute(x.t, order.map((l) => x.labels.indexOf(l)));
    // a size-1 dim broadcasts against the label's size in the other operand
    const want = order.map((l) => sizes.get(l)!);
    return p.shape.every((d, i) => d === want[i]) ? p : expand(p, want);
  };
  const A = reshape(arrange(a, [...batch, ...left, ...summed]), [size(batch), size(left), size(summed)]);
  const B = reshape(arrange(b, [...batch, ...summed, ...right]), [size(batch), size(summed), size(right)]);
  const labels = [...batch, ...left, ...right];
  return { t: reshape(bmm(A, B), labels.map((l) => sizes.get(l)!)), labels };
}

/**
 * PyTorch's `torch.einsum(equation, *operands)`: e.g. `'bij,bjk->bik'` (batched product),
 * `'bhqd,bhkd->bhqk'` (attention scores), `'i,j->ij'` (outer), `'ii->i'` (diagonal), `'...ij->...ji'`.
 * Operands as arguments or as one array.
 * @example
 * ```ts
 * import { einsum, ones } from '@tensile/tensor';
 * einsum('bij,bjk->bik', ones(2, 3, 4), ones(2, 4, 5)).shape; // [2, 3, 5]
 * einsum('ij->', ones(2, 3)); // tensor(6.)
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const op = 'einsum';
  if (typeof equation !== 'string') throw new TypeError(`${op}: equation must be a string, got ${describe(equation)}`);
  const ts = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as readonly Tensor[]) : (operands as Tensor[]);
  if (ts.length === 0) throw new RangeError(`${op}: must provide at least one operand`);
  ts.forEach((t, i) => expectTensor(op, `operands[${i}]`, t));
  const [lhs, rhs] = equation.includes('->') ? equation.split('->') as [string, string] : [equation, undefined];
  if (equation.split('->').length > 2) throw new SyntaxError(`${op}: more than one '->' in '${equation}'`);
  const sides = lhs.split(',');
  if (sides.length !== ts.length) throw new RangeError(`${op}: more operands were provided than specified in the equation (${ts.length} operands, ${sides.length} in '${equation}')`);
  const xs: Operand[] = sides.map((s, k) => diagonalize({ t: ts[k]!, labels: expandEllipsis(op, parseSide(op, s), ts[k]!.ndim, k) }));
  // each label's size (a size-1 dim broadcasts)
  const sizes = new Map<string, number>();
  for (const x of xs) {
    x.labels.forEach((l, d) => {
      const n = x.t.shape[d]!, m = sizes.get(l);
      if (m === undefined || m === 1) sizes.set(l, n);
      else if (n !== 1 && n !== m) throw new ShapeError(`${op}: operands do not broadcast with remapped shapes (original->remapped): subscript ${l} has size ${n} in one operand and ${m} in another (${fmt(x.t.shape)})`);
    });
  }
  let out: string[];
  const ell = [...sizes.keys()].filter((l) => /\d/.test(l)).sort((a, b) => Number(b) - Number(a));
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const x of xs) for (const l of x.labels) count.set(l, (count.get(l) ?? 0) + 1);
    out = [...ell, ...[...count.keys()].filter((l) => !/\d/.test(l) && count.get(l) === 1).sort()];
  } else {
    const r = parseSide(op, rhs);
    const e = r.indexOf('...');
    out = e < 0 ? r : [...r.slice(0, e), ...ell, ...r.slice(e + 1)];
    if (e < 0 && ell.length > 0) throw new ShapeError(`${op}: the output subscripts need '...' for the broadcast dims of the operands`);
    for (const l of out) {
      if (!sizes.has(l)) throw new SyntaxError(`${op}: output subscript ${l} does not appear in the equation for any input operand`);
      if (out.indexOf(l) !== out.lastIndexOf(l)) throw new SyntaxError(`${op}: output subscript ${l} appears more than once in the output`);
    }
  }
  const outSet = new Set(out);
  // labels still needed after operand k: in the output or in a later operand
  const needed = (k: number): Set<string> => new Set([...out, ...xs.slice(k + 1).flatMap((x) => x.labels)]);
  let acc = sumOut(xs[0]!, needed(0));
  for (let k = 1; k < xs.length; k++) {
    const keep = needed(k);
    const b = sumOut(xs[k]!, new Set([...keep, ...acc.labels]));
    acc = contract(acc, b, keep, sizes);
  }
  acc = sumOut(acc, outSet);
  const perm = out.map((l) => acc.labels.indexOf(l));
  const res = perm.every((p, i) => p === i) ? acc.t : permute(acc.t, perm);
  // a single operand keeps its size-1 dims; broadcast them to the label's size
  const want = out.map((l) => sizes.get(l)!);
  return res.shape.every((d, i) => d === want[i]) ? res : expand(res, want);
}
