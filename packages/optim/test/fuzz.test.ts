/**
 * Fuzzing of the optimizers' "validate, then change" entry points: constructors and
 * addParamGroup on random option bags, loadStateDict on mutated valid state dicts. The property:
 * a result, or an error we wrote (PyTorch's words or ours, naming the function), with the
 * optimizer and the parameters exactly as before; never an internal TypeError from deep inside.
 * `npm test` runs a bounded number of cases; `npm run fuzz` many more (FUZZ_RUNS).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tensor, Tensor } from '@tensile/tensor';
import { ASGD, SGD, type OptimizerStateDict } from '../src/index.js';
import { fuzz } from '../../tensor/test/helpers/fuzz.js';

const { settings, timeout } = fuzz();

/** Messages a JavaScript engine writes, not us: their presence means a check is missing. */
const INTERNAL = /Cannot read properties|is not a function|is not iterable|Cannot convert|undefined is not|null is not|Invalid array length|Maximum call stack/;

function expectOwnError(e: unknown): void {
  expect(e).toBeInstanceOf(Error);
  const message = (e as Error).message;
  if (INTERNAL.test(message)) throw new Error(`internal error escaped: ${(e as Error).name}: ${message}\n${(e as Error).stack ?? ''}`);
}

type Opt = ASGD | SGD;
const bits = (t: Tensor): string => Array.from(new Uint32Array(t.toFloat32Array().buffer)).join(',');

/** Parameters, groups and state, down to the bits: "nothing changed" is this being equal. */
function fingerprint(opt: Opt, params: Tensor[]): string {
  const state = [...opt.state].map(([k, v]) => [k instanceof Tensor ? `p${params.indexOf(k)}` : `u:${k}`, v] as const);
  return JSON.stringify({
    params: params.map(bits),
    groups: opt.paramGroups.map((g) => Object.entries(g).map(([k, v]) => [k, k === 'params' ? (v as Tensor[]).map((p) => params.indexOf(p)) : v instanceof Tensor ? bits(v) : v])),
    state: state.map(([k, s]) => [k, s !== null && typeof s === 'object' ? Object.entries(s).map(([n, v]) => [n, v instanceof Tensor ? bits(v) : v]) : s]),
  });
}

function trainedPair(kind: 'asgd' | 'sgd'): { opt: Opt; params: Tensor[]; sd: OptimizerStateDict } {
  const params = [tensor([1, -2, 3], { requiresGrad: true }), tensor([[0.5, 0.25]], { requiresGrad: true })];
  const opt: Opt = kind === 'asgd'
    ? new ASGD([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.05 }], { lr: 0.1, t0: 1 })
    : new SGD([{ params: [params[0]!] }, { params: [params[1]!], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < 3; i++) {
    params[0]!.grad = tensor([0.1 * i, -0.2, 0.3]);
    params[1]!.grad = tensor([[0.4, -0.1 * i]]);
    opt.step();
  }
  return { opt, params, sd: opt.stateDict() };
}

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constant(NaN), fc.constant(Infinity), fc.constant(-1), fc.constant(1.5),
  fc.constant(-0), fc.constantFrom('__proto__', 'constructor'), fc.constant(null),
  fc.array(fc.double(), { maxLength: 4 }).map((a) => tensor(a)), fc.constant(tensor([[1, 2, 3]])),
);
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('state', 'param_groups', 'params', 'lr', 'step', 'eta', 'mu', 'ax', 'momentum_buffer', 'weight_decay', 'foreach', '0', '1', '2', '__proto__', 'constructor', 'toString'));

/** A path into the state dict and what to do there. */
const edit = fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), action: fc.constantFrom('set', 'delete', 'add'), key, value: junk });

function applyEdit(root: Record<string, unknown>, e: { path: number[]; action: string; key: string; value: unknown }): void {
  let node: unknown = root;
  for (const step of e.path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || node instanceof Tensor) return;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    node = (node as Record<string, unknown>)[keys[step % keys.length]!];
  }
  if (node === null || typeof node !== 'object' || node instanceof Tensor) return;
  const target = node as Record<string, unknown>;
  const keys = Object.keys(target);
  const k = e.action === 'add' || keys.length === 0 ? e.key : keys[e.path[e.path.length - 1]! % keys.length]!;
  if (e.action === 'delete') delete target[k];
  else Object.defineProperty(target, k, { value: e.value, enumerable: true, configurable: true, writable: true });
}

/** A deep copy that keeps tensors (as new tensors) and plain structure, for mutating freely. */
function copy(v: unknown): unknown {
  if (v instanceof Tensor) return tensor(v.toFloat32Array(), { shape: v.shape });
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  return v;
}

describe.each(['asgd', 'sgd'] as const)('fuzz %s', (kind) => {
  it('loadStateDict on a mutated valid dict: loads and can step, or throws and changes nothing', { timeout }, () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      const { opt, params, sd } = trainedPair(kind);
      const mutated = copy(sd) as Record<string, unknown>;
      for (const e of edits) applyEdit(mutated, e);
      const before = fingerprint(opt, params);
      try {
        opt.loadStateDict(mutated as unknown as OptimizerStateDict);
      } catch (err) {
        expectOwnError(err);
        expect(fingerprint(opt, params)).toBe(before);
        return;
      }
      // Accepted: a step either works or is refused before changing anything.
      params[0]!.grad = tensor([0.1, 0.1, 0.1]);
      params[1]!.grad = tensor([[0.1, 0.1]]);
      const beforeStep = fingerprint(opt, params);
      try {
        opt.step();
      } catch (err) {
        expectOwnError(err);
        expect(fingerprint(opt, params)).toBe(beforeStep);
      }
      expect(() => opt.stateDict()).not.toThrow();
    }), settings);
  });

  it('the constructor and addParamGroup on random option bags: accepted or a clear error, nothing added', { timeout }, () => {
    fc.assert(fc.property(fc.dictionary(key, junk, { maxKeys: 4 }), (options) => {
      const p = tensor([1, 2], { requiresGrad: true });
      try {
        if (kind === 'asgd') new ASGD([p], options as never);
        else new SGD([p], options as never);
      } catch (err) {
        expectOwnError(err);
      }
      const { opt, params } = trainedPair(kind);
      const before = fingerprint(opt, params);
      try {
        opt.addParamGroup({ ...(options as object), params: [tensor([3], { requiresGrad: true })] });
      } catch (err) {
        expectOwnError(err);
        expect(fingerprint(opt, params)).toBe(before);
      }
    }), settings);
  });
});
