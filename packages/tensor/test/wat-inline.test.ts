/**
 * scripts/wat-inline.mjs: the build step that copies the .wat's `;; @inline` helpers into their
 * callers. Checked on small modules, assembled and run with and without inlining (the same
 * results), and on the errors it must raise rather than assemble something else.
 */
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { inlineCalls } from '../scripts/wat-inline.mjs';

const inline = inlineCalls as (text: string) => string;

async function run(text: string, fn: string, ...args: number[]): Promise<number> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('t.wat', text, { simd: true });
  mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  const ex = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(buffer)), {}).exports as Record<string, (...a: number[]) => number>;
  return ex[fn]!(...args);
}

// Two helpers, one calling the other; each sets its own param (renamed apart per call site).
const MODULE = `(module
  (memory (export "memory") 1)
  ;; @inline
  (func $sq (param $x f32) (result f32)
    (local $t f32)
    (local.set $t (local.get $x))
    (f32.mul (local.get $t) (local.get $x)))
  ;; @inline
  (func $poly (param $x f32) (param $c f32) (result f32)
    (local.set $x (f32.add (local.get $x) (f32.const 1)))
    (f32.add (call $sq (local.get $x)) (local.get $c)))
  (func $kept (param $x f32) (result f32) (f32.neg (local.get $x)))
  (func (export "f") (param $x f32) (result f32)
    (local $y f32)
    (local.set $y (call $poly (local.get $x) (f32.const 0.5)))
    (f32.add (local.get $y) (f32.add (call $poly (local.get $y) (call $sq (local.get $x))) (call $kept (local.get $x))))))`;

describe('wat-inline', () => {
  it('gives the module the same results with every marked call inlined', async () => {
    const out = inline(MODULE);
    expect(out).not.toMatch(/call \$poly|call \$sq/);
    expect(out).toMatch(/call \$kept/); // unmarked functions stay calls
    for (const x of [0, 1.5, -3, 1e20]) expect(await run(out, 'f', x)).toBe(await run(MODULE, 'f', x));
  });

  it('renames each call site apart and drops helpers nobody calls', () => {
    const out = inline(MODULE);
    expect(out).not.toMatch(/\(func \$sq|\(func \$poly/);
    expect(out).toMatch(/\(func \$kept/);
    // three inlined calls of $sq (two inside $poly's copies, one direct): three distinct $t locals
    const ts = new Set(out.match(/\$t@sq\.\d+/g));
    expect(ts.size).toBe(3);
    const xs = new Set(out.match(/\$x@poly\.\d+/g));
    expect(xs.size).toBe(2);
  });

  it('inlines the calls of every function, exported or not', () => {
    const text = MODULE.replace('(func (export "f")', '(func (export "g") (param $x f32) (result f32) (call $sq (local.get $x)))\n  (func (export "f")');
    const out = inline(text);
    expect(out).not.toMatch(/call \$sq/);
    expect(out).not.toMatch(/\(func \$sq/);
  });

  // $cube's statements (and $sq's, flattened from its `local.set`) for two arguments, laid side by side.
  const INTERLEAVED = `(module
  ;; @inline
  (func $sq (param $x f32) (result f32)
    (local $t f32)
    (local.set $t (f32.mul (local.get $x) (local.get $x)))
    (local.get $t))
  ;; @inline
  (func $cube (param $x f32) (result f32)
    (local $s f32) (local $u f32)
    (local.set $s (call $sq (local.get $x)))
    (local.set $u (f32.mul (local.get $s) (local.get $x)))
    (f32.add (local.get $u) (f32.const 0.25)))
  (func (export "f") (param $x f32) (param $y f32) (result f32)
    (local $a f32) (local $b f32)
    (interleave
      (local.set $a (call $cube (local.get $x)))
      (local.set $b (call $cube (f32.neg (local.get $y)))))
    (f32.sub (local.get $a) (local.get $b))))`;

  it('interleave: the same results as the calls one after the other, their statements round-robin', async () => {
    const out = inline(INTERLEAVED);
    const plain = inline(INTERLEAVED.replace(/\(interleave\n/, '(block\n'));
    for (const [x, y] of [[0, 0], [1.5, -2], [3, 1e10], [-0.5, 7]]) expect(await run(out, 'f', x!, y!)).toBe(await run(plain, 'f', x!, y!));
    expect(out).not.toMatch(/interleave|call \$cube|call \$sq/);
    // the order of the assignments: both calls' parameters, then $sq's statement of each, then
    // $cube's (flattened from `local.set $s (call $sq …)`) of each, and so on; the targets last
    const sets = [...out.matchAll(/\(local\.set (\$[^\s()]+)/g)].map((m) => m[1]!.replace(/\.\d+$/, '#'));
    expect(sets).toEqual(['$x@cube#', '$x@cube#', '$x@sq#', '$x@sq#', '$t@sq#', '$t@sq#', '$s@cube#', '$s@cube#', '$u@cube#', '$u@cube#', '$a', '$b']);
  });

  it('interleave refuses a statement that is not an assignment of a marked call', () => {
    expect(() => inline(INTERLEAVED.replace('(local.set $a (call $cube (local.get $x)))', '(local.set $a (f32.const 1))'))).toThrow(/interleave takes \(local\.set \$v \(call \$marked …\)\) statements/);
  });

  it.each([
    ['a helper that branches', MODULE.replace('(local.set $t (local.get $x))', '(block $b (br $b))'), /\$sq uses block; inlined helpers may not branch/],
    ['a call with the wrong number of arguments', MODULE.replace('(f32.add (call $sq (local.get $x)) (local.get $c))', '(f32.add (call $sq (local.get $x) (local.get $c)) (local.get $c))'), /\$sq takes 1 arguments, a call gives 2/],
    ['a marked function inside a block comment', MODULE.replace('(func $kept', '(; ;; @inline\n  (func $ghost (result f32) (f32.const 1)) ;)\n  (func $kept'), /no function \$ghost/],
    ['unbalanced parentheses', MODULE + ')', /unbalanced/],
    ['a helper without a result', MODULE.replace('(param $x f32) (result f32)\n    (local $t f32)', '(param $x f32)\n    (local $t f32)'), /\$sq has no result/],
  ])('refuses %s', (_, text, message) => {
    expect(() => inline(text)).toThrow(message);
  });
});
