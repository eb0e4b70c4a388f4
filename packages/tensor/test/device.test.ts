/**
 * The device surface ported scripts touch (`torch.device`, `torch.cuda.is_available()`,
 * `x.cpu()`, `x.device`, `x.is_cuda`, `model.cpu()`), `x.stride()`, `x.storage_offset()` and
 * `x.detach_()`, as PyTorch 1.13 answers (printed by `/usr/bin/python3`).
 */
import { describe, expect, it } from 'vitest';
import * as T from '@tensile/tensor';

describe('devices', () => {
  it("the usual device choice ports as it reads, and every device answer is the CPU's", () => {
    const dev = T.device(T.cuda.isAvailable() ? 'cuda' : 'cpu');
    expect(dev).toBe('cpu');
    expect(T.cuda.deviceCount()).toBe(0);
    expect(T.device('cpu:0')).toBe('cpu');
    const x = T.ones([2]).to(dev);
    expect([x.device, x.isCuda]).toEqual(['cpu', false]);
    expect(x.cpu()).toBe(x);
    const m = new T.nn.Linear(2, 2);
    expect(m.cpu()).toBe(m);
    expect(m.to(dev)).toBe(m);
  });

  it.each<[string, () => unknown, RegExp]>([
    ["device('cuda')", () => T.device('cuda'), /device: the only device is 'cpu', got 'cuda'/],
    ["device('mps')", () => T.device('mps'), /device: the only device is 'cpu', got 'mps'/],
    ['device(0)', () => T.device(0 as never), /device: the only device is 'cpu', got number 0/],
  ])('refuses %s', (_label, run, message) => {
    expect(run).toThrow(message);
  });
});

describe('stride, storageOffset, detach_', () => {
  it('stride() and stride(dim) (PyTorch: (1, 3) for ones(2, 3).t(), 1 for stride(-1)); storageOffset', () => {
    expect(T.ones([2, 3]).t().stride()).toEqual([1, 3]);
    expect(T.ones([2, 3]).stride(-1)).toBe(1);
    expect(T.ones([2, 3]).stride(0)).toBe(3);
    expect(T.ones([4]).narrow(0, 1, 3).storageOffset()).toBe(1);
    expect(() => T.ones([2]).stride(2)).toThrow(/stride/);
  });

  it('detach_ makes a computed tensor a leaf that does not require grad, and the graph above it is not reached', () => {
    const x = T.ones([3], { requiresGrad: true });
    const w = x.mul(2);
    expect(w.detach_()).toBe(w);
    expect([w.requiresGrad, w.gradFn, w.isLeaf]).toEqual([false, null, true]);
    const y = T.ones([3], { requiresGrad: true });
    w.mul(y).sum().backward();
    expect(x.grad).toBeNull();
    expect(Array.from(y.grad!.toFloat32Array())).toEqual([2, 2, 2]);
    expect(x.detach_().requiresGrad).toBe(false);
  });

  it('refuses to detach a view in place, as PyTorch (even one that needs no grad)', () => {
    expect(() => T.ones([3]).narrow(0, 0, 2).detach_()).toThrow(/detach_: Can't detach views in-place. Use detach\(\) instead./);
    const v = T.ones([3], { requiresGrad: true }).mul(1).narrow(0, 0, 1);
    expect(() => v.detach_()).toThrow(/Can't detach views in-place/);
    expect(v.requiresGrad).toBe(true);
  });
});
