import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Both packages as a consumer gets them: built (`turbo run build`), packed (`npm pack`) and
// installed from the tarballs into a fresh project outside the workspace, offline. Then the
// consumer's TypeScript, Node (import and require) and bundler see what we publish.

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
/**
 * esbuild, minified, gzip -9: the README's first program (tensor, nn, F and ASGD) for a browser.
 * Raising the budget is a decision to write down in the commit that does it.
 */
// History: 30.0 KiB before issue 14, 44.0 with its layers; 50 with the dtypes and the first of
// issue 21's ops; 100 after issues 21-24 (95.8 KiB built): the bundle was nearly the whole of both
// packages, because `nn` and `F` were namespace objects re-exported from the main entry, which
// esbuild keeps whole (a program using a Linear shipped the Transformer).
// 100 -> 72 KiB (December 2026, issue 25): the build is one ES module per source file with
// "sideEffects": false, and the first program imports `nn` and `F` as namespaces from their own
// entry points (`@tensile/tensor/nn`, `@tensile/tensor/nn/functional`), so esbuild drops the layers
// and functions it does not reach: 61.6 KiB measured here (from the workspace build: 63.1, and 99.4
// with `nn` and `F` from the main entry).
// The Tensor class still reaches every op (its methods), about 50 KiB of it.
// 72 -> 74 KiB (5 December 2026, later): 70.4 KiB before, 72.6 after the Tensor methods prod,
// amax, amin, uniform_, normal_ and clip (their ops: prod's zero-safe backward, the random fills)
// — methods PyTorch scripts call on tensors, which a bundler cannot drop from the class — and
// 73.6 with logicalNot/And/Or/Xor, isclose, allclose, equal, movedim, unflatten, tile,
// broadcastTo and dim (little room left: the next methods need this budget looked at again).
// 74 -> 78 KiB (6 December 2026): 73.7 KiB before, 74.0 with tensor gradient hooks
// (`registerHook`, in the engine) and modules' forward hooks (`Module.call`), 74.2 with the
// inverse trigonometric and hyperbolic Tensor methods, 76.7 by the session's end (the matrix
// helpers, T/mT, device, lerp, nanToNum, countNonzero, bincount and unique methods and their
// ops). Looked at again, as the last note asked:
// what grows the bundle is the Tensor class, each method a PyTorch script may call on a tensor,
// which no bundler can drop; the budget now leaves room for the methods still missing (about
// 1 KiB per ten), and a method-less entry point is the way to go below it.
// 78 -> 80 KiB (6 December 2026, session 9, issue 25): 77.5 KiB before, 78.4 after the norms'
// output passes moved to float32 operations (the module's f32x4 lanes and the JS rows that give
// the same bits: the split mean, the per-channel float tables) and batch-norm sessions that stage
// the input once; the module itself got 0.4 KB smaller. Kernel code a layer reaches, not methods.
// 80 -> 83 KiB (6 December 2026, session 10, issue 25): 78.7 KiB before, 80.9 after softmax's
// backward, LSTM's cell (forward and back) and softmax's float32-exponential forward moved into
// the module (18465 -> 21335 bytes; wasm.test.ts) with the JS kernels that give their bits: the
// kernel sets are whole in every bundle, so a layer's kernels ship with programs that never
// build the layer. Splitting the module (a core and a layers build) is the way below this.
// 83 -> 86 KiB (the same session): 83.5 KiB with exp, sigmoid and tanh four vectors an
// iteration with exp4's body interleaved four times (the module 24049 -> 27700 bytes): each of
// those kernels about twice as fast (wasm.test.ts says by how much).
// 86 -> 88 KiB (session 11, issue 25): 84.1 KiB before; 84.9 with exp4 inlined into GELU's loops,
// 85.9 with LeakyReLU's and im2col2's module code, 86.1 with col2im2 (the module 29548 -> 32890
// bytes; wasm.test.ts): the convolution kernels' stride-2 paths for a DCGAN, which again ship
// with programs that never build a convolution. The split (a core and a layers build) is due.
// Session 12 (issue 25): 87.7 KiB, under the same budget, with the binary kernel's per-op loops, the
// strided copies in the module (wasm/copy.ts) and bn_pass's per-kind loops (the module 33379 -> 34115
// bytes): 0.3 KiB left. The next kernel needs the split first.
// 88 -> 89 KiB (the same session): 88.5 KiB with what PyTorch's keywords and refusals asked for, not
// kernels: div's rounding_mode (it was dropped silently: true division), round's decimals (dropped:
// integer rounding), softmax's, sum's and mean's dtype, and the activations' and bool inputs' refusals by name. The
// module split, not a further raise, is what comes next.
const BUNDLE_BUDGET_GZIP = 89 * 1024;

let work = '';
let project = '';
const packs: Record<'tensor' | 'optim', { files: string[]; manifest: Record<string, unknown>; tarball: string }> = {} as never;

/** Runs a command; a failure throws with its output, so the report says what broke. */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', npm_config_update_notifier: 'false' } });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 6000));
  }
}

/** The README's "A first program", exactly as printed there. */
function readmeProgram(): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const at = readme.indexOf('## A first program');
  const start = readme.indexOf('```ts\n', at) + 6;
  return readme.slice(start, readme.indexOf('```\n', start));
}

beforeAll(() => {
  run(process.execPath, [join(repo, 'node_modules', 'turbo', 'bin', 'turbo'), 'run', 'build', '--filter=@tensile/optim...', '--output-logs=errors-only'], repo);
  work = mkdtempSync(join(tmpdir(), 'tensile-consumer-'));
  for (const name of ['tensor', 'optim'] as const) {
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], join(repo, 'packages', name))) as { filename: string; files: { path: string }[] }[];
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', name, 'package.json'), 'utf8')) as Record<string, unknown>;
    packs[name] = { files: info!.files.map((f) => f.path), manifest, tarball: join(work, info!.filename) };
  }
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', packs.tensor.tarball, packs.optim.tarball], project);
}, 240_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it.each(['tensor', 'optim'] as const)('@tensile/%s ships its build, maps, types, licence and every file its manifest names', (name) => {
    const { files, manifest } = packs[name];
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.js.map', 'dist/index.d.ts', 'dist/index.d.ts.map']) expect(files, f).toContain(f);
    expect(manifest['engines']).toEqual({ node: '>=20' });
    const exportsMap = manifest['exports'] as Record<string, string | Record<string, string>>;
    const named = [manifest['main'], manifest['types'], ...Object.values(exportsMap).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
    const typesVersions = manifest['typesVersions'] as Record<string, Record<string, string[]>> | undefined;
    if (typesVersions) named.push(...Object.values(typesVersions).flatMap((m) => Object.values(m).flat()));
    const side = manifest['sideEffects'];
    if (Array.isArray(side)) named.push(...side);
    for (const p of named) expect(files, `${String(p)} (named in package.json)`).toContain(String(p).replace(/^\.\//, ''));
    // The source maps point at sources the tarball carries (src/ ships beside dist/).
    for (const mapFile of ['dist/index.js.map', 'dist/index.d.ts.map']) {
      const map = JSON.parse(readFileSync(join(project, 'node_modules', '@tensile', name, mapFile), 'utf8')) as { sources: string[] };
      const ours = map.sources.filter((s) => !s.includes('node_modules')).map((s) => posix.normalize(posix.join(posix.dirname(mapFile), s)));
      expect(ours.length, mapFile).toBeGreaterThan(0);
      for (const s of ours) expect(files, `${mapFile} names ${s}`).toContain(s);
    }
    expect(readFileSync(join(repo, 'packages', name, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 tensile contributors\n/);
  });
});

// `tsc --strict` with skipLibCheck off and the default lib for the target (es2022 + DOM), and
// with lib es2022 alone (a Node project without @types/node); `using` where the lib declares
// it; CommonJS under nodenext (TypeScript >= 5.8 models Node's require of ESM).
const consumerTs = `import { manualSeed, nn, F, tensor, type Tensor } from '@tensile/tensor';
import * as nnEntry from '@tensile/tensor/nn';
import * as functional from '@tensile/tensor/nn/functional';
import { ASGD, SGD, type OptimizerStateDict } from '@tensile/optim';
manualSeed(0);
const x: Tensor = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
const opt = new ASGD(model.parameters(), { lr: 0.1, t0: 250 });
const handle = opt.registerStepPostHook(() => undefined);
opt.zeroGrad();
F.crossEntropy(model.forward(x), tensor([0, 1, 1, 0])).backward();
opt.step();
handle.remove();
const sd: OptimizerStateDict = opt.stateDict();
// The subpaths are the same modules as the main entry's namespaces (one Linear class, one relu).
export const same: boolean = nnEntry.Linear === nn.Linear && functional.relu === F.relu && new nnEntry.Linear(2, 2) instanceof nn.Module;
export const out: string = opt.withAveraged(() => model.forward(x).argmax(1).toString()) + String(sd) + String(new SGD(model.parameters(), { lr: 0.1 }));
`;
const usingTs = `import { zeros } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
const opt = new ASGD([zeros([2], { requiresGrad: true })]);
export function f(): void {
  using handle = opt.registerStepPostHook(() => undefined);
  void handle;
}
`;
const requireCts = `import tensile = require('@tensile/tensor');
import optim = require('@tensile/optim');
export const s: string = String(tensile.tensor([1]).add(1)) + typeof optim.ASGD;
`;

// The default lib (es2022 + DOM) costs about 2 s a run to load: the three resolutions the issue
// names get it; the rest check with lib es2022 alone, which also proves no DOM type is needed.
const tsCases: [string, Record<string, unknown>, string][] = [
  ['node16, default lib', { module: 'node16', moduleResolution: 'node16' }, 'consumer.ts'],
  ['nodenext, default lib', { module: 'nodenext', moduleResolution: 'nodenext' }, 'consumer.ts'],
  ['bundler, default lib', { module: 'esnext', moduleResolution: 'bundler' }, 'consumer.ts'],
  ['node16, lib es2022 only (no DOM, no @types/node)', { module: 'node16', moduleResolution: 'node16', lib: ['es2022'] }, 'consumer.ts'],
  ['node10 (top-level "types"), lib es2022', { module: 'commonjs', moduleResolution: 'node10', lib: ['es2022'] }, 'consumer.ts'],
  ['`using` a hook handle, lib es2022 + esnext.disposable', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'esnext.disposable'] }, 'using.ts'],
  ['CommonJS (.cts with require) under nodenext, lib es2022', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'] }, 'require.cts'],
];

describe('a TypeScript consumer type-checks with tsc --strict and skipLibCheck false', () => {
  // The runs go two at a time (each is one busy core), then each case reads its own result.
  const results = new Map<string, Promise<{ status: number | null; output: string }>>();
  beforeAll(() => {
    writeFileSync(join(project, 'consumer.ts'), consumerTs);
    writeFileSync(join(project, 'using.ts'), usingTs);
    writeFileSync(join(project, 'require.cts'), requireCts);
    const slots: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    tsCases.forEach(([label, options, file], i) => {
      const config = join(project, `tsconfig.${label.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(config, JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, types: [], target: 'es2022', ...options }, files: [file] }));
      const k = i % slots.length;
      const result = slots[k]!.then(() => new Promise<{ status: number | null; output: string }>((ok) => {
        execFile(process.execPath, [tsc, '-p', config], { cwd: project, encoding: 'utf8' }, (e, stdout, stderr) => ok({ status: e ? (e.code as number) ?? 1 : 0, output: stdout + stderr }));
      }));
      slots[k] = result.then(() => undefined);
      results.set(label, result);
    });
  });
  it.each(tsCases)('%s', async (label) => {
    const r = await results.get(label)!;
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('Node runs the installed packages', () => {
  it('the README\'s first program, saved as first.mjs, prints the solved XOR', () => {
    writeFileSync(join(project, 'first.mjs'), readmeProgram());
    expect(run(process.execPath, ['first.mjs'], project)).toBe('tensor([0, 1, 1, 0])\n');
  });

  it('an ES module program imports both; console.log prints tensors, modules and optimizers as PyTorch does', () => {
    writeFileSync(join(project, 'inspect.mjs'), `import { inspect } from 'node:util';
import { nn, tensor, getBackend } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
const t = tensor([[1, 2], [3, 4]]), m = new nn.Linear(2, 3), opt = new ASGD(m.parameters(), { lr: 0.1 });
console.log(JSON.stringify([getBackend(), [t, m, m.weight, opt].map((o) => inspect(o) === o.toString())]));
console.log(t);
`);
    const [flags, ...printed] = run(process.execPath, ['inspect.mjs'], project).split('\n');
    expect(JSON.parse(flags!)).toEqual(['wasm', [true, true, true, true]]);
    expect(printed.join('\n')).toBe('tensor([[1., 2.],\n        [3., 4.]])\n');
  });

  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  it.runIf(major > 20 || (major === 20 && minor >= 19))('CommonJS require()s both (Node >= 20.19 loads the ES module build; one copy, one global state)', () => {
    writeFileSync(join(project, 'require.cjs'), `const tensile = require('@tensile/tensor');
const { ASGD } = require('@tensile/optim');
const w = tensile.zeros([2], { requiresGrad: true });
tensile.setBackend('js');
const opt = new ASGD([w], { lr: 0.5 });
w.grad = tensile.tensor([1, -1]);
opt.step();
import('@tensile/tensor').then((esm) => console.log(String(w), esm.getBackend(), esm === tensile));
`);
    const r = spawnSync(process.execPath, ['require.cjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe(''); // no ExperimentalWarning
    // The backend set through require() is the one import() sees: the same module instance.
    expect(r.stdout).toBe('tensor([-0.5000,  0.5000], requires_grad=True) js true\n');
  });
});

describe('a browser bundle', () => {
  it(`of the README's first program (tensor, nn, F, ASGD) by esbuild stays under ${BUNDLE_BUDGET_GZIP / 1024} KiB gzip`, async () => {
    writeFileSync(join(project, 'first.mjs'), readmeProgram());
    const r = await build({ entryPoints: [join(project, 'first.mjs')], absWorkingDir: project, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
    const bytes = r.outputFiles[0]!.contents;
    const gz = gzipSync(bytes, { level: 9 }).length;
    process.stdout.write(`tensor + ASGD browser bundle: ${(bytes.length / 1024).toFixed(1)} KiB minified, ${(gz / 1024).toFixed(1)} KiB gzip (budget ${BUNDLE_BUDGET_GZIP / 1024} KiB)\n`);
    expect(gz).toBeLessThan(BUNDLE_BUDGET_GZIP);
  });
});
