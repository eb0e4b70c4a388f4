import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { strykerConfig } from './base.mjs';

/**
 * Issues 25/27: the tensor package's kernel TypeScript (the JS rows and the wrappers around the
 * WebAssembly module), in chunks (`TENSOR_CHUNK=<name> npx stryker run
 * stryker/tensor-kernels.config.mjs`), each with its own tempDirName and report
 * (reports/mutation/tensor-kernels-<chunk>.json). All chunks share
 * stryker/incremental/tensor-kernels.json (not tensor.json: that run's vitest config leaves out
 * the kernel tests, see MUTATION.md). The `optim` chunk mutates only the optimizer loops and the
 * GELU/SiLU rows of js.ts, found by name with the TypeScript parser (no hand-kept line numbers).
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const K = 'packages/tensor/src/kernels/';

/** Stryker mutate ranges of the properties/methods named `names` (at any depth) in `rel`. */
function members(rel, names) {
  const text = readFileSync(join(repo, rel), 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    if ((ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node)) && ts.isIdentifier(node.name) && names.includes(node.name.text)) {
      const a = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const b = sf.getLineAndCharacterOfPosition(node.getEnd());
      out.push(`${rel}:${a.line + 1}:${a.character}-${b.line + 1}:${b.character}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (out.length !== names.length) throw new Error(`tensor-kernels: found ${out.length} of ${names.join(', ')} in ${rel}`);
  return out;
}

/** Stryker mutate ranges of the classes named `names` in `rel` (their whole bodies). */
function classes(rel, names) {
  const text = readFileSync(join(repo, rel), 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out = sf.statements.filter((n) => ts.isClassDeclaration(n) && n.name && names.includes(n.name.text)).map((n) => {
    const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)), b = sf.getLineAndCharacterOfPosition(n.getEnd());
    return `${rel}:${a.line + 1}:${a.character}-${b.line + 1}:${b.character}`;
  });
  if (out.length !== names.length) throw new Error(`tensor-kernels: found ${out.length} of ${names.join(', ')} in ${rel}`);
  return out;
}

const CHUNKS = {
  // optim: the optimizer loops moved in from @tensile/optim and the GELU/SiLU rows; nn: the JS norm rows
  optim: () => members(`${K}js.ts`, ['silu', 'gelu', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'rprop', 'asgd']),
  nn: () => [`${K}nn-js.ts`],
  wasm: () => [`${K}wasm/elementwise.ts`, `${K}wasm/nn.ts`],
  math: () => [`${K}erf.ts`, `${K}transcendental.ts`],
  js: () => [`${K}js.ts`],
  // the fourth session's: the storage cache, logf, the softplus node (the thread pool's browser
  // spawning is tested in Chromium, out of Stryker's reach, and by threads-spawn.test.ts)
  session4: () => ['packages/tensor/src/storage-pool.ts', ...functions(`${K}transcendental.ts`, ['logf']), ...functions('packages/tensor/src/ops/nn/activation.ts', ['softplus', 'softplusNode'])],
  // the fifth session's: tanh-approximate GELU's rows and node, the activations' dtype check,
  // updateInPlace's overlap checks. (The linear layer's split over threads, wasm/nn.ts and
  // matmul.ts's runSplit, is left out: its tests start worker threads and a mutant that loses a
  // job waits 60 s for it; 392 mutants came to an estimated 4 h. Hand-checked instead: MUTATION.md.)
  session5: () => [
    ...functions(`${K}transcendental.ts`, ['geluTanhInner', 'geluTanhf', 'geluTanhBackwardf']),
    ...members(`${K}js.ts`, ['geluTanh', 'unaryBackward']),
    ...functions('packages/tensor/src/ops/unary.ts', ['geluTanh', 'activationNode']),
    ...functions('packages/tensor/src/ops/inplace.ts', ['updateInPlace']),
  ],
  // the sixth session's: gradient and forward hooks, diag/diagonal/trace, mm/mv/dot, the alias
  // functions (max pooling's NaN rule is nn-js.ts's maxPool2d, in the `nn` chunk)
  session6: () => [
    'packages/tensor/src/hooks.ts', 'packages/tensor/src/ops/diagonal.ts', 'packages/tensor/src/ops/aliases.ts',
    ...functions('packages/tensor/src/ops/matmul.ts', ['mm', 'mv', 'dot']),
    ...functions('packages/tensor/src/autograd.ts', ['runHooks']),
    ...members('packages/tensor/src/nn/module.ts', ['call', 'registerForwardPreHook', 'registerForwardHook']),
    ...members('packages/tensor/src/tensor.ts', ['registerHook']),
    // max pooling's dilation and indices, max unpooling (functions and modules)
    ...functions('packages/tensor/src/ops/nn/pooling.ts', ['maxPool2d', 'maxPoolCore', 'dilatedMaxPool', 'maxPool1d', 'maxUnpool2d', 'maxUnpool1d', 'unpoolSize', 'unpool']),
  ],
  // the seventh session's: the engine's gradient recycling (autograd.ts run()'s helpers) and the
  // storage cache's explicit path
  session7: () => [
    ...functions('packages/tensor/src/autograd.ts', ['ownedByPass', 'hold', 'drop', 'recycleConsumed', 'addTo']),
    ...functions('packages/tensor/src/storage-pool.ts', ['release', 'keep', 'later', 'trimIfIdle', 'allocStorage', 'trackAllocations', 'recyclingOn', 'recycleStorage', 'setRecycling', 'setStorageReuse']),
  ],
  // the seventh session's helper: F's PyTorch positional forms (fnOptions, checkOptions' plain-object
  // check) and the functions and layers added with them
  session7f: () => [
    ...functions('packages/tensor/src/call-forms.ts', ['fnOptions', 'foldPositional']),
    ...functions('packages/tensor/src/options.ts', ['checkOptions']),
    ...functions('packages/tensor/src/ops/nn/activation.ts', ['rrelu', 'gumbelSoftmax']),
    ...functions('packages/tensor/src/ops/nn/dropout.ts', ['alphaDropout']),
    ...functions('packages/tensor/src/ops/nn/normalization.ts', ['localResponseNorm']),
    ...classes('packages/tensor/src/nn/activation.ts', ['RReLU']),
    ...classes('packages/tensor/src/nn/normalization.ts', ['LocalResponseNorm']),
    ...classes('packages/tensor/src/nn/layers.ts', ['DropoutBase', 'AlphaDropout']),
  ],
  // the eighth session's: the loss functions (ops/nn/loss.ts), run in line ranges with TENSOR_FILES
  loss: () => ['packages/tensor/src/ops/nn/loss.ts'],
  // the ninth session's: the norms' wrappers around the module (staging, chunking, the float
  // tables, batch-norm sessions), with the norm tests uncapped (their chunking shapes run)
  norms: () => functions('packages/tensor/src/kernels/wasm/nn.ts', ['layerNorm', 'layerNormBackward', 'bnShape', 'batchNormPass', 'batchNormGradInput', 'batchNormSession']),
  // the ninth session's: the reductions (ops/reduce.ts), run in line ranges with TENSOR_FILES
  reduce: () => ['packages/tensor/src/ops/reduce.ts'],
  // the ninth session's: the movement ops (ops/movement.ts), run in line ranges with TENSOR_FILES
  movement: () => ['packages/tensor/src/ops/movement.ts'],
  // the tenth session's: softmax's backward and LSTM's cell as kernels (the JS rows and the
  // module's wrappers), softmax's forward wrapper, clipGradNorm_'s partial sums
  session10: () => [
    ...members(`${K}nn-js.ts`, ['softmaxBackward', 'lstmCell', 'lstmCellBackward']),
    ...functions(`${K}wasm/nn.ts`, ['softmax', 'softmaxRows', 'softmaxBackward', 'lstmCell', 'lstmCellBackward']),
    ...functions('packages/tensor/src/ops/nn/activation.ts', ['softmaxBackward']),
    ...functions('packages/tensor/src/nn/utils.ts', ['vectorNorm']),
  ],
  // the fused recurrent layer (ops/nn/recurrent-fused.ts), whose LSTM steps now call the cell kernels
  recurrent: () => ['packages/tensor/src/ops/nn/recurrent-fused.ts'],
  // the eleventh session's: the strided copies' nested loops, LeakyReLU as kernels (the JS rows,
  // the module's wrapper, the op), the convolution's grouped products and stride-2 im2col, and
  // matmul's operand staging
  session11: () => [
    ...functions(`${K}js.ts`, ['copy3', 'scatter3', 'innerThree']),
    ...members(`${K}js.ts`, ['copy', 'scatterCopy', 'leakyRelu', 'leakyReluBackward']),
    ...functions(`${K}wasm/elementwise.ts`, ['relu', 'leakyRelu', 'leakyReluBackward']),
    ...functions(`${K}wasm/nn.ts`, ['samplesPerProduct', 'stride2', 'im2col', 'col2im', 'conv2d', 'conv2dBackward', 'scaledSoftmax']),
    ...functions(`${K}wasm/matmul.ts`, ['denseSpan', 'stageOperand']),
    ...functions('packages/tensor/src/ops/nn/activation.ts', ['leakyRelu']),
  ],
  // the twelfth session's: strided copies in the module (the whole of wasm/copy.ts)
  session12: () => [`${K}wasm/copy.ts`],
};

/**
 * Stryker mutate ranges of the functions named `names` in `rel`, at any depth: function
 * declarations, and variables whose value is a function (`const linear = (…) => …`).
 */
function functions(rel, names) {
  const text = readFileSync(join(repo, rel), 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (n) => {
    const named = (ts.isFunctionDeclaration(n) && n.name && n.body) || // (an overload signature has no body)
       (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer)));
    if (named && names.includes(n.name.text)) found.push(n);
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  const out = found.map((n) => {
    const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)), b = sf.getLineAndCharacterOfPosition(n.getEnd());
    return `${rel}:${a.line + 1}:${a.character}-${b.line + 1}:${b.character}`;
  });
  if (out.length !== names.length) throw new Error(`tensor-kernels: found ${out.length} of ${names.join(', ')} in ${rel}`);
  return out;
}
const chunk = process.env.TENSOR_CHUNK ?? '';
const files = process.env.TENSOR_FILES ? process.env.TENSOR_FILES.split(',') : CHUNKS[chunk]?.();
if (!files) throw new Error(`tensor-kernels: TENSOR_CHUNK must be one of ${Object.keys(CHUNKS).join(', ')} (or TENSOR_FILES=a.ts,b.ts:10-20)`);
const name = `tensor-kernels-${chunk || 'files'}`;
export default {
  ...strykerConfig('tensor-kernels', files),
  // Stryker's default puts `// @ts-nocheck` atop every src file of the sandbox, kernels.gen.ts
  // too, and wasm.test.ts checks that file byte for byte against scripts/build-wasm.mjs's output.
  // vitest does not type-check, so nothing needs the comment.
  disableTypeChecks: false,
  tempDirName: `.stryker-tmp-${name}`,
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
};
