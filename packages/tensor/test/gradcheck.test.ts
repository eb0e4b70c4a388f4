import { describe, it } from 'vitest';
import * as T from '@tensile/tensor';
import { gradcheck } from './helpers/gradcheck.js';

const g = new T.Generator(7);
/** Random input away from 0 (kinks of relu/abs, poles of div/log). */
const rnd = (shape: number[], opts: { away?: number; positive?: boolean } = {}): T.Tensor => {
  const t = T.randn(shape, { generator: g });
  const d = t.toFloat32Array().map((v) => {
    let x = v;
    if (opts.positive) x = Math.abs(x) + 0.5;
    if (opts.away && Math.abs(x) < opts.away) x = (x < 0 ? -1 : 1) * (opts.away + Math.abs(x));
    return x;
  });
  return T.tensor(d, { shape });
};
const distinct = (shape: number[]): T.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => g.uniform() - 0.5);
  return T.tensor(perm.map((v) => v / n - 0.5), { shape });
};
const idx = (vals: number[], shape?: number[]): T.Tensor => T.tensor(vals, shape ? { shape } : {});

type Case = [string, (...xs: T.Tensor[]) => T.Tensor, () => T.Tensor[]];

const cases: Case[] = [
  ['neg', (x) => x.neg(), () => [rnd([3, 4])]],
  ['exp', (x) => x.exp(), () => [rnd([3, 4])]],
  ['log', (x) => x.log(), () => [rnd([3, 4], { positive: true })]],
  ['log1p', (x) => x.log1p(), () => [rnd([5], { positive: true })]],
  ['sqrt', (x) => x.sqrt(), () => [rnd([3, 4], { positive: true })]],
  ['abs', (x) => x.abs(), () => [rnd([3, 4], { away: 0.1 })]],
  ['relu', (x) => x.relu(), () => [rnd([3, 4], { away: 0.1 })]],
  ['sigmoid', (x) => x.sigmoid(), () => [rnd([3, 4])]],
  ['tanh', (x) => x.tanh(), () => [rnd([3, 4])]],
  ['erf', (x) => x.erf(), () => [rnd([6])]],
  ['gelu', (x) => x.gelu(), () => [rnd([3, 4])]],
  ['reciprocal', (x) => x.reciprocal(), () => [rnd([5], { away: 0.5 })]],
  ['square', (x) => x.square(), () => [rnd([5])]],
  ['pow scalar 3', (x) => x.pow(3), () => [rnd([2, 3])]],
  ['pow scalar -0.5', (x) => x.pow(-0.5), () => [rnd([2, 3], { positive: true })]],
  ['pow tensor broadcast', (a, b) => a.pow(b), () => [rnd([2, 3], { positive: true }), rnd([3])]],
  ['clamp', (x) => x.clamp(-0.5, 0.5), () => [rnd([4, 3], { away: 0.1 }).mul(0.9)]],
  ['add broadcast + alpha', (a, b) => T.add(a, b, -2), () => [rnd([2, 3]), rnd([3])]],
  ['sub [2,1] - [1,3]', (a, b) => a.sub(b), () => [rnd([2, 1]), rnd([1, 3])]],
  ['mul [4,1,3] * [2,1]', (a, b) => a.mul(b), () => [rnd([4, 1, 3]), rnd([2, 1])]],
  ['div broadcast', (a, b) => a.div(b), () => [rnd([2, 3]), rnd([3], { away: 0.5 })]],
  ['maximum', (a, b) => a.maximum(b), () => [distinct([2, 3]), distinct([2, 3]).add(0.013)]],
  ['minimum broadcast', (a, b) => a.minimum(b), () => [distinct([2, 3]), distinct([3]).add(0.011)]],
  ['where', (a, b) => T.where(T.tensor([true, false, true]), a, b), () => [rnd([2, 3]), rnd([2, 1])]],
  ['sum dims keepdim', (x) => x.sum([0, 2], true), () => [rnd([2, 3, 4])]],
  ['mean dim', (x) => x.mean(1), () => [rnd([2, 3, 4])]],
  ['var correction 1', (x) => x.var(1), () => [rnd([3, 5])]],
  ['std all, correction 0', (x) => x.std(null, false, 0), () => [rnd([3, 5])]],
  ['logsumexp', (x) => x.logsumexp(1), () => [rnd([3, 5])]],
  ['max all', (x) => x.max(), () => [distinct([3, 4])]],
  ['max dim keepdim', (x) => x.max(1, true).values, () => [distinct([3, 4])]],
  ['min dim', (x) => x.min(0)[0], () => [distinct([3, 4])]],
  ['reshape', (x) => x.reshape(4, 3).mul(1), () => [rnd([2, 6])]],
  ['transpose', (x) => x.transpose(0, 2), () => [rnd([2, 3, 4])]],
  ['permute', (x) => x.permute(2, 0, 1), () => [rnd([2, 3, 4])]],
  ['expand', (x) => x.expand(2, 3, 4), () => [rnd([3, 1])]],
  ['squeeze/unsqueeze', (x) => x.squeeze(1).unsqueeze(0), () => [rnd([2, 1, 3])]],
  ['flatten', (x) => x.flatten(1), () => [rnd([2, 3, 2])]],
  ['narrow', (x) => x.narrow(1, 1, 2), () => [rnd([3, 4])]],
  ['select', (x) => x.select(0, -1), () => [rnd([3, 4])]],
  ['t + contiguous', (x) => x.t().contiguous(), () => [rnd([3, 4])]],
  ['clone', (x) => x.clone(), () => [rnd([3])]],
  ['cat', (a, b) => T.cat([a, b], 1), () => [rnd([2, 3]), rnd([2, 2])]],
  ['stack', (a, b) => T.stack([a, b], 2), () => [rnd([2, 3]), rnd([2, 3])]],
  ['gather', (x) => x.gather(1, idx([0, 2, 2, 1, 0, 0], [3, 2])), () => [rnd([3, 3])]],
  ['indexSelect', (x) => x.indexSelect(0, idx([2, 0, 2])), () => [rnd([3, 2])]],
  ['matmul 1-D @ 1-D', (a, b) => a.matmul(b), () => [rnd([4]), rnd([4])]],
  ['matmul 2-D @ 1-D', (a, b) => a.matmul(b), () => [rnd([3, 4]), rnd([4])]],
  ['matmul 2-D @ 2-D', (a, b) => a.matmul(b), () => [rnd([3, 4]), rnd([4, 5])]],
  ['matmul batched broadcast', (a, b) => a.matmul(b), () => [rnd([2, 1, 3, 4]), rnd([5, 4, 2])]],
  ['matmul transposed views', (a, b) => a.t().matmul(b.t()), () => [rnd([4, 3]), rnd([5, 4])]],
  ['bmm', (a, b) => T.bmm(a, b), () => [rnd([2, 3, 4]), rnd([2, 4, 2])]],
  // Square operands (M = N = K): a backward that swaps or mis-transposes its operands still
  // has valid shapes here, so only the values can catch it.
  ['matmul square 2-D @ 2-D', (a, b) => a.matmul(b), () => [rnd([3, 3]), rnd([3, 3])]],
  ['matmul square a.t() @ b', (a, b) => a.t().matmul(b), () => [rnd([3, 3]), rnd([3, 3])]],
  ['matmul square a @ b.t()', (a, b) => a.matmul(b.t()), () => [rnd([3, 3]), rnd([3, 3])]],
  ['matmul square a.t() @ b.t()', (a, b) => a.t().matmul(b.t()), () => [rnd([3, 3]), rnd([3, 3])]],
  ['matmul square batched @ 2-D', (a, b) => a.matmul(b), () => [rnd([2, 3, 3]), rnd([3, 3])]],
  ['matmul square batched broadcast', (a, b) => a.matmul(b), () => [rnd([2, 1, 3, 3]), rnd([2, 3, 3])]],
  ['bmm square', (a, b) => T.bmm(a, b), () => [rnd([2, 3, 3]), rnd([2, 3, 3])]],
  ['bmm square transposed views', (a, b) => T.bmm(a.transpose(1, 2), b.transpose(1, 2)), () => [rnd([2, 3, 3]), rnd([2, 3, 3])]],
  ['bmm square, batch of 1 @ batch of 2', (a, b) => T.bmm(a, b.transpose(1, 2)), () => [rnd([1, 3, 3]), rnd([2, 3, 3])]],
  ['bmm square, batch of 2 @ batch of 1', (a, b) => T.bmm(a.transpose(1, 2), b), () => [rnd([2, 3, 3]), rnd([1, 3, 3])]],
  ['in-place add_ mul_ through autograd', (x, b, c) => { const y = x.mul(2); y.add_(b); y.mul_(c); return y.tanh(); }, () => [rnd([2, 3]), rnd([3]), rnd([2, 3])]],
  ['in-place sub_ div_ clamp_', (x, b) => { const y = x.mul(1.5); y.sub_(b, 0.5); y.div_(2); y.clamp_(-0.3, 0.3); return y; }, () => [rnd([2, 3], { away: 0.05 }), rnd([2, 3], { away: 0.05 })]],
  ['in-place addcmul_ addcdiv_ lerp_', (x, a, b) => { const y = x.mul(1); y.addcmul_(a, b, 0.5); y.addcdiv_(a, b.abs().add(1), -1); y.lerp_(a, 0.25); return y; }, () => [rnd([4]), rnd([4]), rnd([4])]],
  ['in-place copy_ of a tensor that requires grad', (x, s) => { const y = x.mul(1); y.copy_(s); return y.mul(x); }, () => [rnd([3]), rnd([3])]],
  ['softmax', (x) => T.F.softmax(x, 1), () => [rnd([3, 4])]],
  ['logSoftmax', (x) => T.F.logSoftmax(x, 0), () => [rnd([3, 4])]],
  ['crossEntropy label smoothing + ignore', (x) => T.F.crossEntropy(x, idx([1, -100, 3]), { labelSmoothing: 0.2 }), () => [rnd([3, 4])]],
  ['mseLoss', (a, b) => T.F.mseLoss(a, b), () => [rnd([3, 4]), rnd([3, 4])]],
  ['binaryCrossEntropyWithLogits', (a, b) => T.F.binaryCrossEntropyWithLogits(a, b), () => [rnd([3, 4]), rnd([3, 4]).sigmoid()]],
  ['conv2d stride 2 padding 1', (x, w, b) => T.F.conv2d(x, w, b, { stride: 2, padding: 1 }), () => [rnd([1, 2, 5, 5]), rnd([3, 2, 3, 3]), rnd([3])]],
  ['maxPool2d', (x) => T.F.maxPool2d(x, 2), () => [distinct([1, 2, 4, 4])]],
  ['conv2d 5x5 padding 2, width not a multiple of 4', (x, w, b) => T.F.conv2d(x, w, b, { padding: 2 }), () => [rnd([2, 2, 6, 7]), rnd([3, 2, 5, 5]), rnd([3])]],
  ['conv2d stride [2, 1], no bias', (x, w) => T.F.conv2d(x, w, null, { stride: [2, 1], padding: [0, 1] }), () => [rnd([2, 3, 5, 6]), rnd([2, 3, 2, 3])]],
  ['conv2d groups 2 with bias', (x, w, b) => T.F.conv2d(x, w, b, { groups: 2, padding: 1 }), () => [rnd([1, 4, 4, 5]), rnd([4, 2, 3, 3]), rnd([4])]],
  ['maxPool2d 2x2, four windows per row (the SIMD kernel)', (x) => T.F.maxPool2d(x, 2), () => [distinct([2, 2, 4, 8])]],
  ['relu then conv2d (the fused relu backward)', (x, w) => T.F.conv2d(x.relu(), w), () => [rnd([1, 2, 5, 5], { away: 0.05 }), rnd([2, 2, 3, 3])]],
];

describe('gradcheck (float32 central differences, random upstream weights)', () => {
  it.each(cases)('%s', (_name, f, make) => {
    gradcheck(f, make().map((t) => t.requiresGrad_()));
  });
});

/** The gradient function of f w.r.t. input k, itself differentiable (createGraph). */
const firstGrad = (f: (...xs: T.Tensor[]) => T.Tensor, k: number, seed: number) => (...xs: T.Tensor[]): T.Tensor => {
  const y = f(...xs);
  const w = T.randn([...y.shape], { generator: new T.Generator(seed) });
  return T.grad(y.mul(w).sum(), xs, { createGraph: true, allowUnused: true })[k] ?? T.zerosLike(xs[k]!);
};

const second: Case[] = [
  ['tanh', (x) => x.tanh(), () => [rnd([2, 3])]],
  ['sigmoid', (x) => x.sigmoid(), () => [rnd([2, 3])]],
  ['exp', (x) => x.exp(), () => [rnd([2, 3])]],
  ['log', (x) => x.log(), () => [rnd([2, 3], { positive: true })]],
  ['gelu', (x) => x.gelu(), () => [rnd([5])]],
  ['relu (away from 0)', (x) => x.relu().mul(x), () => [rnd([5], { away: 0.2 })]],
  ['mul', (a, b) => a.mul(b).mul(a), () => [rnd([2, 3]), rnd([3])]],
  ['div', (a, b) => a.div(b), () => [rnd([2, 3]), rnd([2, 3], { away: 0.7 })]],
  ['pow 3', (x) => x.pow(3), () => [rnd([4])]],
  ['matmul', (a, b) => a.matmul(b).tanh(), () => [rnd([2, 3]), rnd([3, 2])]],
  ['sum/mean', (x) => x.mul(x).mean(0).sum(), () => [rnd([3, 2])]],
  ['softmax', (x) => T.F.softmax(x, 1), () => [rnd([2, 4])]],
  ['conv2d then square (the recorded conv2d backward)', (x, w, b) => { const y = T.F.conv2d(x, w, b, { padding: 1 }); return y.mul(y); }, () => [rnd([1, 1, 3, 3]), rnd([2, 1, 2, 2]), rnd([2])]],
  ['maxPool2d then square', (x) => { const y = T.F.maxPool2d(x, 2); return y.mul(y); }, () => [distinct([1, 1, 4, 8])]],
];

describe('double backward (gradcheck of the createGraph gradient)', () => {
  it.each(second)('%s', (_name, f, make) => {
    const inputs = make().map((t) => t.requiresGrad_());
    inputs.forEach((_, k) => gradcheck(firstGrad(f, k, 99 + k), inputs));
  });
});
