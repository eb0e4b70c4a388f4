/**
 * Fuzzing of scheduler loads: every scheduler's own state dict, mutated (keys set, deleted,
 * added, at any depth), and other schedulers' dicts. The property: the load is refused with an
 * error we wrote and the scheduler and its optimizer exactly as before; or it loads, and the
 * scheduler steps on with finite learning rates (or refuses a step, naming itself, changing
 * nothing). `npm test` runs a bounded number of cases; `npm run fuzz` many more (FUZZ_RUNS).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { zeros } from '@tensile/tensor';
import {
  Adam, SGD, swaUtils, type LRScheduler, type Optimizer,
  ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR, LinearLR,
  MultiStepLR, MultiplicativeLR, OneCycleLR, PolynomialLR, ReduceLROnPlateau, SequentialLR, StepLR,
} from '../src/index.js';
import { fuzz } from '../../tensor/test/helpers/fuzz.js';

// A case builds two schedulers and steps each a few times: about ten times a plain property's cost.
const { settings, timeout } = fuzz(1, 40);

/** Messages a JavaScript engine writes, not us: their presence means a check is missing. */
const INTERNAL = /Cannot read properties|is not a function|is not iterable|Cannot convert|undefined is not|null is not|Invalid array length|Maximum call stack|Cannot assign to read only/;

function expectOwnError(e: unknown): void {
  expect(e).toBeInstanceOf(Error);
  const message = (e as Error).message;
  if (INTERNAL.test(message)) throw new Error(`internal error escaped: ${(e as Error).name}: ${message}\n${(e as Error).stack ?? ''}`);
}

type Opt = Optimizer<object>;
const sgd = (): Opt => new SGD([{ params: [zeros([1], { requiresGrad: true })], lr: 0.1 }, { params: [zeros([1], { requiresGrad: true })], lr: 0.05 }], { momentum: 0.9 }) as unknown as Opt;
const adam = (): Opt => new Adam([{ params: [zeros([1], { requiresGrad: true })], lr: 0.01 }, { params: [zeros([1], { requiresGrad: true })], lr: 0.02 }]) as unknown as Opt;

/** Every scheduler, over two param groups (one over Adam: beta1 cycling). */
const KINDS: [string, () => Opt, (o: Opt) => LRScheduler][] = [
  ['StepLR', sgd, (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
  ['MultiStepLR', sgd, (o) => new MultiStepLR(o, { milestones: [1, 3, 3] })],
  ['ConstantLR', sgd, (o) => new ConstantLR(o, { factor: 0.5, totalIters: 3 })],
  ['LinearLR', sgd, (o) => new LinearLR(o, { startFactor: 0.25, totalIters: 3 })],
  ['ExponentialLR', sgd, (o) => new ExponentialLR(o, { gamma: 0.9 })],
  ['PolynomialLR', sgd, (o) => new PolynomialLR(o, { totalIters: 4, power: 2 })],
  ['CosineAnnealingLR', sgd, (o) => new CosineAnnealingLR(o, { tMax: 3, etaMin: 0.001 })],
  ['CosineAnnealingWarmRestarts', sgd, (o) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 })],
  ['LambdaLR', sgd, (o) => new LambdaLR(o, { lrLambda: (e) => 1 / (1 + e) })],
  ['MultiplicativeLR', sgd, (o) => new MultiplicativeLR(o, { lrLambda: () => 0.9 })],
  ['ReduceLROnPlateau', sgd, (o) => new ReduceLROnPlateau(o, { patience: 0, factor: 0.5, minLr: [0.001, 0] })],
  ['CyclicLR', sgd, (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: 'triangular2' })],
  ['CyclicLR exp_range over Adam', adam, (o) => new CyclicLR(o, { baseLr: [0.001, 0.002], maxLr: 0.01, stepSizeUp: 2, stepSizeDown: 1, mode: 'exp_range', gamma: 0.9 })],
  ['OneCycleLR', sgd, (o) => new OneCycleLR(o, { maxLr: [0.1, 0.2], totalSteps: 8 })],
  ['OneCycleLR three-phase linear', sgd, (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: 9, threePhase: true, annealStrategy: 'linear', cycleMomentum: false })],
  ['SWALR', sgd, (o) => new swaUtils.SWALR(o, { swaLr: 0.05, annealEpochs: 2 })],
  ['ChainedScheduler', sgd, (o) => new ChainedScheduler([new ConstantLR(o, { factor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })])],
  ['SequentialLR', sgd, (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { startFactor: 0.5, totalIters: 2 }), new StepLR(o, { stepSize: 2 })], milestones: [2] })],
];

/**
 * One scheduler step (no optimizer step: an extreme but valid schedule, etaMin 2^53 say, can
 * round an lr below zero, which PyTorch writes too and the optimizer then refuses).
 */
function stepOnce(s: LRScheduler, k: number): void {
  if (s instanceof ReduceLROnPlateau) s.step(k % 3 === 0 ? 1 : 2);
  else s.step();
}

function made(kind: number, steps: number): { opt: Opt; s: LRScheduler } {
  const [, makeOpt, make] = KINDS[kind]!;
  const opt = makeOpt();
  const s = make(opt);
  for (let k = 0; k < steps; k++) stepOnce(s, k);
  return { opt, s };
}

/** The scheduler's state and every group's scheduled values: "nothing changed" is this being equal. */
function fingerprint(s: LRScheduler): string {
  const groups = s.optimizer.paramGroups.map((g) => Object.entries(g).filter(([k]) => k !== 'params'));
  return JSON.stringify({ sd: s.stateDict(), last: s.getLastLr(), epoch: s.lastEpoch, groups }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

const junk = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1, 2, 0.5, 1.5, -0.5, NaN, Infinity, -Infinity, 1e300, -2.5e-323, 2 ** 53, null, undefined, true, false,
    '', '1', 'min', 'max', 'cos', 'linear', 'triangular', 'cycle', 'initial_lr', 'max_momentum', [], {}, [0.1], [0.1, 0.2], [1, 2, 3], { 1: 1 }, [null, null]),
  fc.double({ min: -10, max: 10 }), fc.integer({ min: -3, max: 40 }), fc.string({ maxLength: 3 }),
);
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(
  'base_lrs', 'last_epoch', '_step_count', '_last_lr', '_is_initial', 'verbose', 'step_size', 'gamma', 'milestones', 'factor', 'total_iters',
  'start_factor', 'end_factor', 'power', 'T_max', 'eta_min', 'T_0', 'T_i', 'T_mult', 'T_cur', 'lr_lambdas', 'min_lrs', 'default_min_lr',
  'patience', 'mode', 'best', 'mode_worse', 'max_lrs', 'total_size', 'step_ratio', 'scale_mode', 'cycle_momentum', 'use_beta1', 'base_momentums',
  'total_steps', '_schedule_phases', 'end_step', 'start_lr', '_anneal_func_type', 'anneal_epochs', '_schedulers', '_milestones', '__proto__', '0', '3',
));
/** A path into the state dict and what to do there. */
const edit = fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), action: fc.constantFrom('set', 'delete', 'add'), key, value: junk });

function applyEdit(root: Record<string, unknown>, e: { path: number[]; action: string; key: string; value: unknown }): void {
  let node: unknown = root;
  for (const step of e.path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    node = (node as Record<string, unknown>)[keys[step % keys.length]!];
  }
  if (node === null || typeof node !== 'object') return;
  const target = node as Record<string, unknown>;
  const keys = Object.keys(target);
  const k = e.action === 'add' || keys.length === 0 ? e.key : keys[e.path[e.path.length - 1]! % keys.length]!;
  if (e.action === 'delete') delete target[k];
  else Object.defineProperty(target, k, { value: e.value, enumerable: true, configurable: true, writable: true });
}

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console as unknown as { warn: (m: string) => void }, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe('fuzz: scheduler loadStateDict', () => {
  const cases = fc.record({
    kind: fc.nat(KINDS.length - 1),
    // The dict: this kind's own, or another kind's (PyTorch's dicts name no class).
    source: fc.option(fc.nat(KINDS.length - 1), { nil: undefined, freq: 2 }),
    savedAt: fc.nat(5),
    liveAt: fc.nat(3),
    edits: fc.array(edit, { maxLength: 3 }),
  });

  it('a mutated or foreign dict: refused with nothing changed, or loaded and stepping on with finite lrs', { timeout }, () => {
    fc.assert(fc.property(cases, ({ kind, source, savedAt, liveAt, edits }) => {
      const from = made(source ?? kind, savedAt).s;
      const sd = JSON.parse(JSON.stringify(from.stateDict())) as Record<string, unknown>;
      for (const e of edits) applyEdit(sd, e);
      const { opt, s } = made(kind, liveAt);
      const before = fingerprint(s);
      try {
        s.loadStateDict(sd);
      } catch (err) {
        expectOwnError(err);
        expect(fingerprint(s)).toBe(before);
        return;
      }
      expect(() => JSON.stringify(s.stateDict())).not.toThrow();
      for (let k = 0; k < 3; k++) {
        const beforeStep = fingerprint(s);
        try {
          stepOnce(s, k);
        } catch (err) {
          // Ours and named (past OneCycleLR's total_steps; an lr that would not be finite), nothing changed.
          expectOwnError(err);
          expect((err as Error).message).toMatch(/Tried to step \d+ times|\.step: the schedule gives param_groups/);
          expect(fingerprint(s)).toBe(beforeStep);
          return;
        }
        for (const lr of [...s.getLastLr(), ...opt.paramGroups.map((g) => (g as Record<string, unknown>)['lr'] as number)]) expect(Number.isFinite(lr)).toBe(true);
        for (const g of opt.paramGroups as Record<string, unknown>[]) {
          const m = Array.isArray(g['betas']) ? (g['betas'] as number[])[0] : g['momentum'];
          expect(Number.isFinite(m)).toBe(true);
        }
      }
    }), settings);
  });

  it("every kind's own dict, saved at any step, loads into a fresh scheduler and continues identically", { timeout }, () => {
    fc.assert(fc.property(fc.nat(KINDS.length - 1), fc.nat(6), (kind, savedAt) => {
      const a = made(kind, savedAt);
      const b = made(kind, 0);
      b.opt.loadStateDict(a.opt.stateDict());
      b.s.loadStateDict(JSON.parse(JSON.stringify(a.s.stateDict())) as Record<string, unknown>);
      for (let k = savedAt; k < savedAt + 2; k++) {
        let failed: unknown = null;
        try {
          stepOnce(a.s, k);
        } catch (e) {
          failed = e;
        }
        if (failed !== null) {
          expect(() => stepOnce(b.s, k)).toThrow((failed as Error).message);
          return;
        }
        stepOnce(b.s, k);
        expect(b.s.getLastLr()).toEqual(a.s.getLastLr());
      }
    }), settings);
  });
});
