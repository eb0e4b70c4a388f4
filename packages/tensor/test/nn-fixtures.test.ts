import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { F, nn, tensor, type Tensor } from '@tensile/tensor';

/**
 * Golden values from PyTorch (test/fixtures/nn.json, written by a script in scripts/fixtures/):
 * `mlp` and `cnn` entries with fixed weights by dotted name, inputs, targets, the loss and
 * every parameter's grad. We load the weights with loadStateDict into the same architecture
 * and compare. The reader accepts the common spellings of each field (snake/camel case,
 * nested arrays or `{shape, data}`), since the generator is written separately.
 */
const FIXTURE = process.env.TENSILE_NN_FIXTURES ?? fileURLToPath(new URL('./fixtures/nn.json', import.meta.url));
const present = existsSync(FIXTURE);
const fixtures: Record<string, Record<string, unknown>> = present ? JSON.parse(readFileSync(FIXTURE, 'utf8')) : {};

type Json = unknown;
const pick = (o: Record<string, Json>, keys: readonly string[]): Json => {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
};

function toTensor(v: Json, what: string): Tensor {
  if (typeof v === 'number' || Array.isArray(v)) return tensor(v as number[]);
  if (v && typeof v === 'object') {
    const o = v as Record<string, Json>;
    const data = pick(o, ['data', 'values', 'value']);
    const shape = pick(o, ['shape', 'size']);
    if (Array.isArray(data) || typeof data === 'number') {
      const t = tensor(data as number[]);
      return Array.isArray(shape) ? t.reshape(shape as number[]) : t;
    }
  }
  throw new Error(`nn.json: cannot read ${what} as a tensor`);
}

function toTensorMap(v: Json, what: string): Record<string, Tensor> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`nn.json: ${what} must be an object keyed by dotted parameter name`);
  return Object.fromEntries(Object.entries(v as Record<string, Json>).map(([k, t]) => [k, toTensor(t, `${what}.${k}`)]));
}

// ---- architecture from the fixture: a PyTorch repr string or a list of layer specs ----------

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
function pairOf(v: Json): number | [number, number] | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  if (typeof v === 'string') {
    const m = v.match(/^\(?\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)?$/);
    if (m) return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
  }
  return undefined;
}

function layerFrom(type: string, positional: Json[], kw: Record<string, Json>): nn.Module {
  const get = (...keys: string[]): Json => pick(kw, keys);
  const bool = (v: Json, dflt: boolean): boolean => (v === undefined ? dflt : v === true || v === 'True' || v === 'true');
  const opt = <T,>(k: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [k]: v });
  switch (type) {
    case 'Linear':
      return new nn.Linear(Number(get('in_features', 'inFeatures') ?? positional[0]), Number(get('out_features', 'outFeatures') ?? positional[1]), { bias: bool(get('bias'), true) });
    case 'Conv2d':
      return new nn.Conv2d(Number(get('in_channels', 'inChannels') ?? positional[0]), Number(get('out_channels', 'outChannels') ?? positional[1]), pairOf(get('kernel_size', 'kernelSize') ?? positional[2])!, {
        ...opt('stride', pairOf(get('stride'))), ...opt('padding', pairOf(get('padding'))), bias: bool(get('bias'), true),
      });
    case 'MaxPool2d':
      return new nn.MaxPool2d(pairOf(get('kernel_size', 'kernelSize') ?? positional[0])!, { ...opt('stride', pairOf(get('stride'))), ...opt('padding', pairOf(get('padding'))) });
    case 'ReLU': return new nn.ReLU();
    case 'Tanh': return new nn.Tanh();
    case 'Sigmoid': return new nn.Sigmoid();
    case 'GELU': return new nn.GELU();
    case 'Dropout': return new nn.Dropout(Number(get('p') ?? positional[0] ?? 0.5));
    case 'Flatten': return new nn.Flatten(Number(get('start_dim', 'startDim') ?? positional[0] ?? 1), Number(get('end_dim', 'endDim') ?? positional[1] ?? -1));
    default: throw new Error(`nn.json: unsupported layer type ${type}`);
  }
}

/** Parses `key=value, ...` argument text of a PyTorch repr, keeping `(a, b)` tuples whole. */
function parseArgs(text: string): [Json[], Record<string, Json>] {
  const parts: string[] = [];
  let depth = 0, cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  const positional: Json[] = [], kw: Record<string, Json> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    const val = (s: string): Json => (/^-?\d+(\.\d+)?(e-?\d+)?$/.test(s) ? num(s) : s.replace(/^'(.*)'$/, '$1'));
    if (eq < 0) positional.push(val(p));
    else kw[p.slice(0, eq).trim()] = val(p.slice(eq + 1).trim());
  }
  return [positional, kw];
}

function buildModel(arch: Json): nn.Sequential {
  if (typeof arch === 'string') {
    const layers: nn.Module[] = [];
    for (const line of arch.split('\n')) {
      const m = line.match(/^ {2}\((\w+)\): (\w+)\((.*)\)\s*$/);
      if (!m) continue;
      const [positional, kw] = parseArgs(m[3]!);
      layers.push(layerFrom(m[2]!, positional, kw));
    }
    if (!layers.length) throw new Error('nn.json: could not parse any layer from the architecture string');
    return new nn.Sequential(...layers);
  }
  if (Array.isArray(arch)) {
    return new nn.Sequential(...arch.map((spec, i) => {
      if (typeof spec === 'string') {
        const m = spec.match(/^(\w+)\((.*)\)$/);
        if (!m) throw new Error(`nn.json: cannot read layer ${i}: ${spec}`);
        const [positional, kw] = parseArgs(m[2]!);
        return layerFrom(m[1]!, positional, kw);
      }
      const o = spec as Record<string, Json>;
      const type = String(pick(o, ['type', 'kind', 'name', 'layer', 'class']));
      const args = pick(o, ['args']);
      return layerFrom(type, Array.isArray(args) ? args : [], { ...o, ...(pick(o, ['kwargs']) as Record<string, Json> | undefined) });
    }));
  }
  throw new Error('nn.json: the cnn entry needs an architecture (a PyTorch repr string or a list of layer specs)');
}

function lossFor(entry: Record<string, Json>, target: Tensor): (out: Tensor, t: Tensor) => Tensor {
  const name = String(pick(entry, ['loss_fn', 'lossFn', 'criterion', 'loss_type', 'lossType']) ?? '').toLowerCase().replace(/[_\s]/g, '');
  const opts = (pick(entry, ['loss_options', 'lossOptions', 'loss_kwargs']) ?? {}) as Record<string, Json>;
  const reduction = (opts.reduction ?? 'mean') as F.Reduction;
  if (name.includes('mse')) return (o, t) => F.mseLoss(o, t, { reduction });
  if (name.includes('bce')) return (o, t) => F.binaryCrossEntropyWithLogits(o, t, { reduction });
  if (name.includes('nll')) return (o, t) => F.nllLoss(o, t, { reduction });
  if (name.includes('cross') || name.includes('ce') || target.ndim === 1) {
    const labelSmoothing = Number(opts.label_smoothing ?? opts.labelSmoothing ?? 0);
    const ignoreIndex = Number(opts.ignore_index ?? opts.ignoreIndex ?? -100);
    return (o, t) => F.crossEntropy(o, t, { reduction, labelSmoothing, ignoreIndex });
  }
  return (o, t) => F.mseLoss(o, t, { reduction });
}

function check(name: string, tol: { rtol: number; atol: number }): void {
  const entry = fixtures[name];
  if (!entry) throw new Error(`nn.json has no "${name}" entry (keys: ${Object.keys(fixtures).join(', ')})`);
  const arch = pick(entry, ['arch', 'architecture', 'model', 'repr', 'layers', 'modules']);
  const model = arch === undefined && name === 'mlp' ? new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Linear(10, 4)) : buildModel(arch);
  model.loadStateDict(toTensorMap(pick(entry, ['state_dict', 'stateDict', 'weights', 'params', 'parameters']), `${name}.weights`));
  const x = toTensor(pick(entry, ['input', 'inputs', 'x']), `${name}.input`);
  const t = toTensor(pick(entry, ['target', 'targets', 'y', 'labels']), `${name}.target`);
  const loss = lossFor(entry, t)(model.call(x), t);
  loss.backward();
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
  const want = Number(pick(entry, ['loss']));
  expect(close(loss.item(), want), `${name} loss ${loss.item()} vs PyTorch ${want}`).toBe(true);
  const grads = toTensorMap(pick(entry, ['grads', 'gradients', 'param_grads', 'paramGrads']), `${name}.grads`);
  const params = new Map(model.namedParameters());
  expect(Object.keys(grads).sort()).toEqual([...params.keys()].sort());
  for (const [k, gWant] of Object.entries(grads)) {
    const g = params.get(k)!.grad!;
    expect(g.shape, `${name} grad ${k} shape`).toEqual(gWant.shape);
    const a = g.toFloat32Array(), b = gWant.toFloat32Array();
    for (let i = 0; i < a.length; i++) {
      if (!close(a[i]!, b[i]!)) throw new Error(`${name} grad ${k}[${i}]: ${a[i]} vs PyTorch ${b[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
    }
  }
}

describe.skipIf(!present)(present ? 'PyTorch fixtures (test/fixtures/nn.json)' : 'PyTorch fixtures: SKIPPED, test/fixtures/nn.json not found (generate it with the script in scripts/fixtures/)', () => {
  it('mlp Sequential(Linear(6,10), ReLU(), Linear(10,4)): loss and every grad (rtol 1e-5, atol 1e-6)', () => {
    check('mlp', { rtol: 1e-5, atol: 1e-6 });
  });
  it('cnn: loss and every grad (rtol 1e-4, atol 1e-6)', () => {
    check('cnn', { rtol: 1e-4, atol: 1e-6 });
  });
});
