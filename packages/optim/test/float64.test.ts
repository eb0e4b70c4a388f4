/**
 * Every optimizer on float64 parameters against PyTorch's float64 steps
 * (fixtures/float64.json, scripts/fixtures/optim_float64.py): the update runs in the
 * parameter's dtype with double scalars, as PyTorch's does. Where PyTorch's kernel fuses a
 * multiply-add (add with alpha, lerp, addcmul) JavaScript's doubles round twice, so values
 * agree to a few roundings of the tensor's magnitude rather than bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { float64, int64, tensor, type Tensor } from '@tensile/tensor';
import { ASGD, Adadelta, Adagrad, Adam, Adamax, AdamW, LBFGS, NAdam, RAdam, RMSprop, Rprop, SGD, type Optimizer } from '@tensile/optim';
import fixture from './fixtures/float64.json' with { type: 'json' };
import { ulps } from './helpers.js';

interface Case { optimizer: string; options: Record<string, unknown>; shapes: number[][]; params: number[][]; steps: { grads: number[][]; params: number[][] }[] }
const cases = fixture.cases as Case[];
interface LbfgsCase { options: Record<string, unknown>; shapes: number[][]; params: number[][]; c: number[][]; w: number[][]; steps: { loss: number; params: number[][] }[] }
const lbfgsCases = fixture.lbfgs as LbfgsCase[];

const make: Record<string, (p: Tensor[], o: Record<string, unknown>) => Optimizer<object>> = {
  SGD: (p, o) => new SGD(p, o as never), Adam: (p, o) => new Adam(p, o as never), AdamW: (p, o) => new AdamW(p, o as never),
  Adamax: (p, o) => new Adamax(p, o as never), NAdam: (p, o) => new NAdam(p, o as never), RAdam: (p, o) => new RAdam(p, o as never),
  Rprop: (p, o) => new Rprop(p, o as never), RMSprop: (p, o) => new RMSprop(p, o as never), Adagrad: (p, o) => new Adagrad(p, o as never),
  Adadelta: (p, o) => new Adadelta(p, o as never), ASGD: (p, o) => new ASGD(p, o as never),
};

/**
 * How far from PyTorch a value may be: a few units of float64 rounding of the tensor's largest
 * magnitude. (A value near zero after a cancellation can be many of its own ulps away while
 * its error is the operands' rounding: PyTorch's fused multiply-adds round once where
 * JavaScript rounds twice.)
 */
const ROUNDINGS = 8;
describe('optimizers on float64 parameters match PyTorch\'s float64 steps', () => {
  it.each(cases.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))('%s', (_, c) => {
    const params = c.params.map((d, i) => tensor(d, { dtype: float64, shape: c.shapes[i]!, requiresGrad: true }));
    const opt = make[c.optimizer]!(params, c.options);
    c.steps.forEach((s, k) => {
      params.forEach((p, i) => { p.grad = tensor(s.grads[i]!, { dtype: float64, shape: c.shapes[i]! }); });
      opt.step();
      params.forEach((p, i) => {
        const got = p.toTypedArray() as Float64Array;
        const scale = s.params[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        s.params[i]!.forEach((want, j) => {
          if (!(Math.abs(got[j]! - want) <= ROUNDINGS * Number.EPSILON * scale)) throw new Error(`step ${k + 1}, param ${i}[${j}]: ${got[j]} vs PyTorch ${want} (${ulps(got[j]!, want)} ulps)`);
        });
      });
    });
    for (const p of params) expect(p.dtype).toBe(float64);
    for (const v of opt.state.values()) for (const t of Object.values(v as object)) if (t && typeof t === 'object' && 'dtype' in t) expect((t as Tensor).dtype).toBe(float64);
  });

  it.each(lbfgsCases.map((c) => [JSON.stringify(c.options), c] as const))('LBFGS %s: three steps of PyTorch\'s float64 LBFGS', (_, c) => {
    const params = c.params.map((d, i) => tensor(d, { dtype: float64, shape: c.shapes[i]!, requiresGrad: true }));
    const cs = c.c.map((d, i) => tensor(d, { dtype: float64, shape: c.shapes[i]! }));
    const ws = c.w.map((d, i) => tensor(d, { dtype: float64, shape: c.shapes[i]! }));
    const opt = new LBFGS(params, c.options as never);
    const closure = (): Tensor => {
      opt.zeroGrad();
      let loss: Tensor = tensor(0, { dtype: float64 });
      params.forEach((p, i) => { loss = loss.add(ws[i]!.mul(p.sub(cs[i]!).pow(2)).sum()).add(p.pow(4).sum().mul(0.1)); });
      loss.backward();
      return loss;
    };
    c.steps.forEach((s, k) => {
      const loss = opt.step(closure) as Tensor;
      // The iterates sum dot products in another order than PyTorch's BLAS: agreement to 1e-12 relative.
      expect(Math.abs(loss.item() - s.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(s.loss));
      params.forEach((p, i) => {
        const got = p.toTypedArray() as Float64Array;
        s.params[i]!.forEach((want, j) => {
          if (!(Math.abs(got[j]! - want) <= 1e-12 * Math.max(1, Math.abs(want)))) throw new Error(`step ${k + 1}, param ${i}[${j}]: ${got[j]} vs PyTorch ${want}`);
        });
      });
    });
    expect((opt.state.get(params[0]!) as { d: Tensor }).d.dtype).toBe(float64);
  });

  it('refuses integer and float16 parameters at construction, and LBFGS parameters of two dtypes, naming the optimizer', () => {
    expect(() => new SGD([tensor([1, 2], { dtype: int64 })], { lr: 0.1 })).toThrow('SGD: can only optimize Tensors of floating point dtype, but one of the params is int64');
    expect(() => new Adam([tensor([1]).half().requiresGrad_()])).toThrow(`Adam: "Adam" not implemented for 'Half' (parameters must be float32 or float64)`);
    expect(() => new LBFGS([tensor([1], { dtype: float64, requiresGrad: true }), tensor([1], { requiresGrad: true })])).toThrow('LBFGS: every parameter must have one dtype (the flat vectors hold them all), got float64 and float32');
  });

  it('a float32 gradient on a float64 parameter is refused before anything moves', () => {
    const a = tensor([1, 2], { dtype: float64, requiresGrad: true }), b = tensor([3], { dtype: float64, requiresGrad: true });
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, 1], { dtype: float64 });
    b.grad = tensor([1]);
    expect(() => opt.step()).toThrow('adam: params[1] is float64 but its grad is float32');
    expect(a.toArray()).toEqual([1, 2]);
  });
});
