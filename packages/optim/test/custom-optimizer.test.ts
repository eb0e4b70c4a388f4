// The README's "Write your own optimizer", verbatim between the markers: a user's optimizer on
// the public base in about 30 lines, with our option validation, state dicts and hooks.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
// --- README: custom optimizer ---
import { Optimizer, resolveOptions, type ParamsInput, type StateSpec } from '@tensile/optim';
import { noGrad, updateInPlace, zeros, type Tensor } from '@tensile/tensor';

interface SignSGDOptions { lr: number; momentum: number }

function validate(o: Record<string, unknown>): void {
  if (!((o['lr'] as number) >= 0)) throw new RangeError(`Invalid learning rate: ${String(o['lr'])}`);
  if (!((o['momentum'] as number) >= 0 && (o['momentum'] as number) < 1)) throw new RangeError(`Invalid momentum value: ${String(o['momentum'])}`);
}

/** signSGD with momentum: p -= lr * sign(m), m = momentum * m + g. */
class SignSGD extends Optimizer<SignSGDOptions> {
  protected readonly name = 'SignSGD';
  protected readonly stateSpec: StateSpec = { momentum_buffer: 'tensor' };

  constructor(params: ParamsInput<SignSGDOptions>, options: Partial<SignSGDOptions> = {}) {
    super(params, resolveOptions('SignSGD', { lr: 0.01, momentum: 0.9 }, options, validate));
  }

  protected validateOptions(o: Record<string, unknown>): void {
    validate(o);
  }

  protected stepImpl(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        const state = this.state.get(p) ?? { momentum_buffer: zeros(p.shape) };
        this.state.set(p, state);
        updateInPlace([p, state['momentum_buffer'] as Tensor], [p.grad], ([w, m], [g]) => {
          for (let i = 0; i < w!.length; i++) {
            m![i] = group.momentum * m![i]! + g![i]!;
            w![i] = w![i]! - group.lr * Math.sign(m![i]!);
          }
        });
      }
    }
  }
}
// --- end ---

describe("the README's custom optimizer", () => {
  it('is in the README exactly as tested here', () => {
    const me = readFileSync(new URL(import.meta.url), 'utf8');
    const code = me.slice(me.indexOf('// --- README: custom optimizer ---\n') + 36, me.indexOf('// --- end ---'));
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(code.trim());
  });

  it('steps, validates like a built-in optimizer, and round-trips its state dict', () => {
    const w = zeros([2], { requiresGrad: true });
    const opt = new SignSGD([w], { lr: 0.5 });
    w.grad = zeros([2]).add(noGrad(() => zeros([2]).add(1)));
    opt.step();
    expect(Array.from(w.toFloat32Array())).toEqual([-0.5, -0.5]);
    expect(() => new SignSGD([w], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new SignSGD([w], { lrr: 1 } as never)).toThrow("SignSGD: unknown option 'lrr'");
    opt.paramGroups[0]!.lr = -2;
    expect(() => opt.step()).toThrow('SignSGD.step: param_groups[0]: Invalid learning rate: -2');
    opt.paramGroups[0]!.lr = 0.5;
    const other = new SignSGD([zeros([2], { requiresGrad: true })]);
    other.loadStateDict(opt.stateDict());
    expect(other.paramGroups[0]!.lr).toBe(0.5);
    expect(Array.from((other.stateDict().state[0]!['momentum_buffer'] as Tensor).toFloat32Array())).toEqual([1, 1]);
    expect(opt.toString()).toBe('SignSGD (\nParameter Group 0\n    lr: 0.5\n    momentum: 0.9\n)');
  });

  it('a validation that throws something other than an Error reaches the caller of step as it was thrown', () => {
    class Strict extends SignSGD {
      protected override validateOptions(o: Record<string, unknown>): void {
        if (o['lr'] === 0) throw 'lr 0 is refused'; // eslint-disable-line no-throw-literal
        super.validateOptions(o);
      }
    }
    const w = zeros([2], { requiresGrad: true });
    const opt = new Strict([w], { lr: 0.5 });
    w.grad = zeros([2]);
    opt.paramGroups[0]!.lr = 0;
    let thrown: unknown;
    try {
      opt.step();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe('lr 0 is refused');
  });
});
