/**
 * What `npm run mutate -- tensor` mutates in packages/tensor: the autograd engine, safetensors,
 * and the backward formulas only — not the forward kernels around them. The backward formulas
 * are found in the current source with the TypeScript parser, so the scope follows the code as
 * it changes (no hand-kept line numbers):
 *   - the backward closure passed to `record(name, out, inputs, backward, saved?)` (and the
 *     `saved` list after it, which decides what the version check guards);
 *   - the derivative (and `saves`) arguments of `unaryOp(kind, backward, saves)`;
 *   - functions whose name ends in `Backward`, and `sumToShape` (the one unbroadcast every binary
 *     backward ends in).
 * Each becomes a Stryker mutate range `file:startLine:startColumn-endLine:endColumn`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const HELPERS = /Backward$|^sumToShape$/;

function ranges(repo, rel) {
  const text = readFileSync(join(repo, rel), 'utf8');
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out = [];
  const add = (from, to) => {
    const a = sf.getLineAndCharacterOfPosition(from.getStart(sf));
    const b = sf.getLineAndCharacterOfPosition(to.getEnd());
    out.push(`${rel}:${a.line + 1}:${a.character}-${b.line + 1}:${b.character}`);
  };
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const args = node.arguments;
      if (node.expression.text === 'record' && args.length >= 4) add(args[3], args[args.length - 1]);
      if (node.expression.text === 'unaryOp' && args.length >= 2) add(args[1], args[args.length - 1]);
    }
    if (ts.isFunctionDeclaration(node) && node.name && HELPERS.test(node.name.text) && node.body) add(node.body, node.body);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The mutate patterns for packages/tensor, relative to the repo root. */
export function tensorScope(repo) {
  const ops = readdirSync(join(repo, 'packages/tensor/src/ops'), { recursive: true }).filter((f) => f.endsWith('.ts')).sort();
  return [
    'packages/tensor/src/autograd.ts',
    'packages/tensor/src/serialize.ts',
    ...ops.flatMap((f) => ranges(repo, `packages/tensor/src/ops/${f}`)),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const p of tensorScope(join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..'))) console.log(p);
}
