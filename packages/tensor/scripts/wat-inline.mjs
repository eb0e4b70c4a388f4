// Inlines the .wat's small SIMD helpers into their callers before wabt assembles the module.
//
// Why: V8 (Node 20's TurboFan) does not inline WebAssembly calls by default, and a call in a
// hot SIMD loop spills every live v128 register and ends the loop's instruction-level
// parallelism: exp of f32x4 lanes ran at 3.5 ns/element as a call per vector and 0.9-1.2 as the
// same instructions inlined, two or four vectors per iteration (the same bits; measured on this
// project's 2-vCPU AMD EPYC VM, Node 20.20.2).
//
// How: a function marked by a `;; @inline` comment on the line before its `(func $name` is
// copied into every `(call $name args…)` as
//   (block (result T) (local.set $p1' arg1) … body')
// where body' is its body with its params and locals renamed apart (`$x` -> `$x@name.K`, K a
// count per call site) and those locals added to the caller's. Inlined bodies may call other
// inlined helpers (expanded in turn) but may not hold labels or branches (block, loop, br…), and
// must be written in folded form whose last expression is the result (`if` with a result is
// fine: it has no label to rename). A marked function that no
// caller still calls is dropped from the module.
//
// Interleaving: `(interleave (local.set $a (call $h …)) (local.set $b (call $h …)) …)` in a body
// stands for its statements, but with the marked helpers' calls flattened and their statements
// emitted round-robin: the first statement of each call, then the second of each, and so on,
// then each `(local.set $v result)`. A helper's statement `(local.set $w (call $g …))` of another
// marked helper is flattened in turn. The same operations on the same values, so the same
// results; but independent dependency chains now sit side by side in the instruction stream,
// where V8 (which does not reorder them) emitted one helper's chain after the other's and the
// CPU waited on each chain's latency (exp of float32 lanes: 2.0 ns/element as two inlined calls
// an iteration, 1.3 as four interleaved; measured as above).
//
//   import { inlineCalls } from './wat-inline.mjs';
//   inlineCalls(watText) // -> the same module's text, helpers inlined

/** Splits the text into tokens: '(', ')', atoms and strings; comments dropped. */
function tokenize(text) {
  const tokens = [];
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      const end = text.indexOf(';)', i + 2);
      if (end < 0) throw new Error('wat-inline: unterminated block comment');
      i = end + 2;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()";]/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** Parses tokens into nested arrays (a list per parenthesis). */
function parse(tokens) {
  const stack = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const list = stack.pop();
      if (!stack.length) throw new Error('wat-inline: unbalanced ")"');
      stack[stack.length - 1].push(list);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new Error('wat-inline: unbalanced "("');
  return stack[0];
}

const print = (x) => (Array.isArray(x) ? `(${x.map(print).join(' ')})` : x);
const isDecl = (x, kind) => Array.isArray(x) && x[0] === kind;
const NO_LABELS = new Set(['block', 'loop', 'br', 'br_if', 'br_table', 'return', 'return_call']);

/** A marked function's parts: params [[name, type]], result type, locals [[name, type]], body. */
function helper(func) {
  const name = func[1];
  const params = [], locals = [];
  let result = null, i = 2;
  for (; i < func.length && Array.isArray(func[i]) && ['param', 'result', 'local'].includes(func[i][0]); i++) {
    const d = func[i];
    if (d[0] === 'result') result = d[1];
    else {
      if (d.length !== 3 || !d[1].startsWith('$')) throw new Error(`wat-inline: ${name}: write each ${d[0]} as ($name type)`);
      (d[0] === 'param' ? params : locals).push([d[1], d[2]]);
    }
  }
  if (!result) throw new Error(`wat-inline: ${name} has no result`);
  const body = func.slice(i);
  const walk = (x) => {
    if (!Array.isArray(x)) return;
    if (NO_LABELS.has(x[0])) throw new Error(`wat-inline: ${name} uses ${x[0]}; inlined helpers may not branch`);
    x.forEach(walk);
  };
  body.forEach(walk);
  return { name, params, result, locals, body };
}

/** The module text with every call of a `;; @inline` function replaced by its body. */
export function inlineCalls(text) {
  const marked = new Set([...text.matchAll(/;;\s*@inline\s*\n\s*\(func\s+(\$[^\s()]+)/g)].map((m) => m[1]));
  const top = parse(tokenize(text));
  if (top.length !== 1 || top[0][0] !== 'module') throw new Error('wat-inline: expected one (module …)');
  const mod = top[0];
  const helpers = new Map();
  for (const f of mod) if (isDecl(f, 'func') && marked.has(f[1])) helpers.set(f[1], helper(f));
  for (const m of marked) if (!helpers.has(m)) throw new Error(`wat-inline: no function ${m}`);
  let site = 0;

  /** Whether `x` is `(local.set $v (call $marked …))`. */
  const setsMarkedCall = (x) => Array.isArray(x) && x[0] === 'local.set' && Array.isArray(x[2]) && x[2][0] === 'call' && helpers.has(x[2][1]);

  /** A new copy of a marked helper's params and locals for one call site (declared in `added`), and the renaming into it. */
  const callSite = (h, nargs, added) => {
    if (nargs !== h.params.length) throw new Error(`wat-inline: ${h.name} takes ${h.params.length} arguments, a call gives ${nargs}`);
    const k = site++;
    const rename = new Map([...h.params, ...h.locals].map(([n]) => [n, `${n}@${h.name.slice(1)}.${k}`]));
    for (const [n, t] of [...h.params, ...h.locals]) added.push(['local', rename.get(n), t]);
    const sub = (y) => (Array.isArray(y) ? y.map(sub) : rename.get(y) ?? y);
    return { rename, sub };
  };

  /** A marked helper's call `(call $h args…)` as statements and a result expression, renamed apart; new locals go to `added`. */
  const flatten = (call, added) => {
    const h = helpers.get(call[1]);
    const { rename, sub } = callSite(h, call.length - 2, added);
    const steps = h.params.map(([n], i) => ['local.set', rename.get(n), expand(call[i + 2], added)]);
    const body = h.body.map(sub);
    for (const st of body.slice(0, -1)) {
      if (setsMarkedCall(st)) {
        const inner = flatten(st[2], added);
        steps.push(...inner.steps, ['local.set', st[1], inner.result]);
      } else steps.push(expand(st, added));
    }
    return { steps, result: expand(body[body.length - 1], added) };
  };

  /** `(interleave (local.set $v (call $h …)) …)` as its statements, the calls' steps round-robin. */
  const interleave = (x, added) => {
    const calls = x.slice(1).map((st) => {
      if (!setsMarkedCall(st)) throw new Error(`wat-inline: interleave takes (local.set $v (call $marked …)) statements, got ${print(st).slice(0, 80)}`);
      return { target: st[1], ...flatten(st[2], added) };
    });
    const out = [];
    for (let i = 0, n = Math.max(...calls.map((c) => c.steps.length)); i < n; i++) for (const c of calls) if (i < c.steps.length) out.push(c.steps[i]);
    for (const c of calls) out.push(['local.set', c.target, c.result]);
    return out;
  };

  /** Expands calls inside `x` (an `interleave` form becomes its statements); new locals go to `added`. */
  const expand = (x, added) => {
    if (!Array.isArray(x)) return x;
    const args = x.flatMap((y) => (Array.isArray(y) && y[0] === 'interleave' ? interleave(y, added) : [expand(y, added)]));
    if (args[0] !== 'call' || !helpers.has(args[1])) return args;
    const h = helpers.get(args[1]);
    const { rename, sub } = callSite(h, args.length - 2, added);
    const body = h.body.map((y) => expand(sub(y), added));
    return ['block', ['result', h.result], ...h.params.map(([n], i) => ['local.set', rename.get(n), args[i + 2]]), ...body];
  };

  const out = [];
  for (const f of mod) {
    if (!isDecl(f, 'func')) {
      out.push(f);
      continue;
    }
    const added = [];
    const expanded = expand(f, added);
    // The new locals go after the function's own declarations.
    let i = 1;
    while (i < expanded.length && (!Array.isArray(expanded[i]) || ['export', 'param', 'result', 'local'].includes(expanded[i][0]))) i++;
    expanded.splice(i, 0, ...added);
    out.push(expanded);
  }
  // Drop marked helpers that nothing calls any more.
  const called = new Set();
  const scan = (x) => {
    if (!Array.isArray(x)) return;
    if (x[0] === 'call') called.add(x[1]);
    x.forEach(scan);
  };
  out.forEach(scan);
  const kept = out.filter((f) => !(isDecl(f, 'func') && marked.has(f[1]) && !called.has(f[1])));
  return print(kept);
}
