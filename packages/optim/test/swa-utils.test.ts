import { describe, expect, it } from 'vitest';
import { nn, tensor, zeros, data, float32, float64, int64, type Tensor } from '@tensile/tensor';
import { SGD, swaUtils, type Optimizer } from '@tensile/optim';
import { expectBits, loadFixture } from './helpers.js';

// Fixtures: scripts/fixtures/lr_scheduler_fixtures.py (torch.optim.swa_utils.AveragedModel).
interface AvgCase {
  name: string;
  useBuffers: boolean;
  shapes: Record<string, number[]>;
  emaMulti?: number;
  emaAvg?: number;
  updates: { model: Record<string, number[]>; averaged: Record<string, number[]> }[];
}
const fixture = loadFixture<{ cases: AvgCase[] }>('averaged_model.json');

const makeModel = (): nn.Sequential => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Linear(4, 2));

describe("AveragedModel equals PyTorch's, bit for bit", () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const model = makeModel();
      const options = c.emaMulti !== undefined ? { multiAvgFn: swaUtils.getEmaMultiAvgFn(c.emaMulti), useBuffers: c.useBuffers }
        : c.emaAvg !== undefined ? { avgFn: swaUtils.getEmaAvgFn(c.emaAvg), useBuffers: c.useBuffers }
          : { useBuffers: c.useBuffers };
      const avg = new swaUtils.AveragedModel(model, options);
      c.updates.forEach((u, k) => {
        const sd: Record<string, Tensor> = {};
        for (const [n, v] of Object.entries(u.model)) sd[n] = tensor(v, { shape: c.shapes[n]! });
        model.loadStateDict(sd);
        avg.updateParameters(model);
        const ours = avg.stateDict();
        expect(Object.keys(ours).sort(), 'state dict keys').toEqual(Object.keys(u.averaged).sort());
        for (const [n, want] of Object.entries(u.averaged)) {
          // num_batches_tracked and n_averaged are int64, as PyTorch's: averaged as a buffer, the
          // SWA/EMA formula's float32 result is truncated back into the int64 buffer.
          if (n.endsWith('num_batches_tracked') || n === 'n_averaged') expect(ours[n]!.dtype, n).toBe(int64);
          expectBits(ours[n]!.toFloat32Array(), want, `${c.name}: update ${k + 1} ${n}`);
        }
      });
    });
  }
});

describe('AveragedModel', () => {
  it('starts as a deep copy: training the model does not move the average until updateParameters', () => {
    const model = makeModel();
    const avg = new swaUtils.AveragedModel(model);
    const w = (model.at(0) as nn.Linear).weight;
    const before = [...(avg.module.at(0) as nn.Linear).weight.toFloat32Array()];
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    w.grad = zeros(w.shape).add(1);
    opt.step();
    expect([...(avg.module.at(0) as nn.Linear).weight.toFloat32Array()]).toEqual(before);
    expect((avg.module.at(0) as nn.Linear).weight).not.toBe(w);
    expect(avg.module[0]).toBe(avg.module.at(0)); // the copy is indexable like the original
    expect(avg.parameters().length).toBe(model.parameters().length);
    expect(avg.nAveraged.item()).toBe(0);
  });

  it('forward runs the averaged copy', () => {
    const model = new nn.Linear(2, 1);
    const avg = new swaUtils.AveragedModel(model);
    const x = tensor([[1, 2]]);
    expect((avg.forward(x) as Tensor).toArray()).toEqual(model.forward(x).toArray());
  });

  it('refuses avgFn and multiAvgFn together, unknown options and decay outside [0, 1]', () => {
    const model = new nn.Linear(2, 1);
    expect(() => new swaUtils.AveragedModel(model, { avgFn: swaUtils.getSwaAvgFn(), multiAvgFn: swaUtils.getEmaMultiAvgFn() })).toThrow('Only one of avg_fn and multi_avg_fn should be provided');
    expect(() => new swaUtils.AveragedModel(model, { use_buffers: true } as never)).toThrow("AveragedModel: unknown option 'use_buffers'");
    expect(() => swaUtils.getEmaMultiAvgFn(1.5)).toThrow('Invalid decay value 1.5 provided. Please provide a value in [0,1] range.');
    expect(() => swaUtils.getEmaAvgFn(-0.1)).toThrow('Invalid decay value -0.1 provided. Please provide a value in [0,1] range.');
  });

  it('its state dict round-trips into a fresh AveragedModel', () => {
    const model = new nn.Linear(3, 2);
    const a = new swaUtils.AveragedModel(model);
    a.updateParameters(model);
    a.updateParameters(model);
    const b = new swaUtils.AveragedModel(new nn.Linear(3, 2));
    b.loadStateDict(a.stateDict());
    expect(b.nAveraged.item()).toBe(2);
    expect(b.module.weight.toArray()).toEqual(a.module.weight.toArray());
  });

  it('updateBn is nn.updateBn (recomputes BatchNorm statistics of the averaged model)', () => {
    expect(swaUtils.updateBn).toBe(nn.updateBn);
    const model = makeModel();
    const avg = new swaUtils.AveragedModel(model);
    const x = tensor([[1, 2, 3], [0, 1, 0], [2, 2, 2], [1, 0, 1]]);
    const loader = new data.DataLoader(new data.TensorDataset(x), { batchSize: 4 });
    swaUtils.updateBn(loader, avg);
    const bn = avg.module.at(1) as nn.BatchNorm1d;
    expect(bn.runningMean!.toArray()).not.toEqual([0, 0, 0, 0]);
  });
});

describe('averaging functions on other dtypes than float32 (PyTorch\'s tensor formulas)', () => {
  it('getSwaAvgFn and getEmaAvgFn of int64 tensors give float32, which AveragedModel truncates back', () => {
    const swa = swaUtils.getSwaAvgFn()(tensor([1n, 5n]), tensor([4n, 7n]), 2);
    expect([swa.dtype, swa.toArray()]).toEqual([float32, [2, Math.fround(5 + Math.fround(2 / 3))]]);
    const ema = swaUtils.getEmaAvgFn(0.5)(tensor([1n, 5n]), tensor([4n, 8n]), 1);
    expect([ema.dtype, ema.toArray()]).toEqual([float32, [2.5, 6.5]]);
  });

  it('getSwaAvgFn and getEmaAvgFn of float64 tensors compute in doubles', () => {
    const a = tensor([0.1, 1], { dtype: float64 }), b = tensor([0.7, 2], { dtype: float64 });
    const swa = swaUtils.getSwaAvgFn()(a, b, 2);
    expect([swa.dtype, swa.toArray()]).toEqual([float64, [0.1 + (0.7 - 0.1) / 3, 1 + 1 / 3]]);
    const ema = swaUtils.getEmaAvgFn(0.9)(a, b, 1);
    expect([ema.dtype, ema.toArray()]).toEqual([float64, [0.9 * 0.1 + (1 - 0.9) * 0.7, 0.9 + (1 - 0.9) * 2]]);
  });

  it('getEmaMultiAvgFn takes ema * decay + current * (1 - decay) for an int64 tensor, truncated in place', () => {
    const f = tensor([1, 2]), n = tensor([10n, 3n]);
    swaUtils.getEmaMultiAvgFn(0.9)([f, n], [tensor([3, 4]), tensor([21n, 4n])], 1);
    expect([n.dtype, ...n.toBigInt64Array()]).toEqual([int64, 11n, 3n]); // 9 + 2.1 -> 11, 2.7 + 0.4 -> 3
    expect(f.toArray()).toEqual([Math.fround(1 + Math.fround(0.1) * 2), Math.fround(2 + Math.fround(0.1) * 2)]);
  });

  it('getSwaMultiAvgFn refuses an int64 tensor as PyTorch\'s _foreach_add_ does, before changing anything', () => {
    const f = tensor([1, 2]), n = tensor([10n]);
    expect(() => swaUtils.getSwaMultiAvgFn()([f, n], [tensor([3, 4]), tensor([20n])], 1)).toThrow(
      'getSwaMultiAvgFn: tensor 1 is int64: For integral input tensors, argument alpha must not be a floating point number.',
    );
    expect(f.toArray()).toEqual([1, 2]);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    const avg = new swaUtils.AveragedModel(model, { multiAvgFn: swaUtils.getSwaMultiAvgFn(), useBuffers: true });
    avg.updateParameters(model);
    expect(() => avg.updateParameters(model)).toThrow('getSwaMultiAvgFn: tensor 6 is int64');
  });
});

describe('SWALR', () => {
  it('anneals to swaLr and stays (cos and linear), as the fixtures check in lr-scheduler.test.ts', () => {
    const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.5 }) as unknown as Optimizer<object>;
    const s = new swaUtils.SWALR(opt, { swaLr: 0.05, annealEpochs: 4 });
    for (let i = 0; i < 6; i++) { opt.step(); s.step(); }
    expect(s.getLastLr()[0]).toBeCloseTo(0.05, 15);
    expect((opt.paramGroups[0] as Record<string, unknown>)['swaLr']).toBe(0.05);
    expect(opt.stateDict().param_groups[0]!['swa_lr']).toBe(0.05);
  });
});
