// The gemm micro-kernel's inner loop alone, in variants: the shipped 4x8 tile (eight f32x4
// accumulators), a 6x8 tile (twelve), and the 4x8 tile with its k loop unrolled by 2 and 4.
// Same packed panels as the real matmul (one 256-deep k-block, a 128-row A block, B panels for
// 256 columns, C row stride 264), so GFLOP/s here is the ceiling of the kernel's inner loop on
// this machine and runtime. Usage: node apps/bench/micro/gemm-tiles.mjs
import { createRequire } from 'node:module';

const wabt = await createRequire(import.meta.url)('wabt')();

function kernel(name, R, unroll) {
  const acc = [];
  for (let r = 0; r < R; r++) for (let j = 0; j < 2; j++) acc.push(`$c${r}${j}`);
  let body = '';
  for (let u = 0; u < unroll; u++) {
    body += `(local.set $b0 (v128.load offset=${32 * u} (local.get $pb))) (local.set $b1 (v128.load offset=${32 * u + 16} (local.get $pb)))\n`;
    for (let r = 0; r < R; r++) {
      body += `(local.set $a (v128.load32_splat offset=${4 * R * u + 4 * r} (local.get $pa)))\n`;
      for (let j = 0; j < 2; j++) body += `(local.set $c${r}${j} (f32x4.add (local.get $c${r}${j}) (f32x4.mul (local.get $a) (local.get $b${j}))))\n`;
    }
  }
  let store = '';
  for (let r = 0; r < R; r++) {
    store += `(v128.store (local.get $pc) (f32x4.add (local.get $c${r}0) (v128.load (local.get $pc))))
      (v128.store offset=16 (local.get $pc) (f32x4.add (local.get $c${r}1) (v128.load offset=16 (local.get $pc))))
      (local.set $pc (i32.add (local.get $pc) (local.get $ldcb)))\n`;
  }
  return `(func (export "${name}") (param $ap i32) (param $bp i32) (param $cp i32) (param $mp i32) (param $np i32) (param $kc i32) (param $ldc i32)
    (local $jp i32) (local $ip i32) (local $k i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $ldcb i32) (local $b0 v128) (local $b1 v128) (local $a v128)
    ${acc.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    (loop $jloop (local.set $ip (i32.const 0))
      (loop $iloop
        ${acc.map((c) => `(local.set ${c} (v128.const i32x4 0 0 0 0))`).join(' ')}
        (local.set $pa (i32.add (local.get $ap) (i32.mul (local.get $ip) (i32.mul (local.get $kc) (i32.const ${4 * R})))))
        (local.set $pb (i32.add (local.get $bp) (i32.mul (local.get $jp) (i32.shl (local.get $kc) (i32.const 5)))))
        (local.set $k (i32.div_u (local.get $kc) (i32.const ${unroll})))
        (loop $kloop
          ${body}
          (local.set $pa (i32.add (local.get $pa) (i32.const ${4 * R * unroll})))
          (local.set $pb (i32.add (local.get $pb) (i32.const ${32 * unroll})))
          (br_if $kloop (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
        (local.set $pc (i32.add (local.get $cp) (i32.shl (i32.add (i32.mul (i32.mul (local.get $ip) (i32.const ${R})) (local.get $ldc)) (i32.shl (local.get $jp) (i32.const 3))) (i32.const 2))))
        ${store}
        (br_if $iloop (i32.lt_u (local.tee $ip (i32.add (local.get $ip) (i32.const 1))) (local.get $mp))))
      (br_if $jloop (i32.lt_u (local.tee $jp (i32.add (local.get $jp) (i32.const 1))) (local.get $np)))))`;
}

const variants = [['4x8', 4, 1], ['6x8', 6, 1], ['4x8, k unrolled by 2', 4, 2], ['4x8, k unrolled by 4', 4, 4]];
const wat = `(module (memory (export "memory") 100)\n${variants.map(([n, R, u], i) => kernel(`k${i}`, R, u)).join('\n')}\n)`;
const mod = wabt.parseWat('tiles.wat', wat, { simd: true });
const ex = new WebAssembly.Instance(new WebAssembly.Module(mod.toBinary({}).buffer)).exports;
const f = new Float32Array(ex.memory.buffer);
for (let i = 0; i < 1_500_000; i++) f[i] = (i % 97) / 97;
const kc = 256, cols = 256, ldc = 264;
for (let round = 0; round < 2; round++) {
  variants.forEach(([name, R], i) => {
    const rows = R === 6 ? 126 : 128, mp = rows / R, np = cols / 8, fn = ex[`k${i}`];
    for (let w = 0; w < 50; w++) fn(0, 4 * 200_000, 4 * 400_000, mp, np, kc, ldc);
    const t = performance.now();
    let it = 0;
    while (performance.now() - t < 700) {
      fn(0, 4 * 200_000, 4 * 400_000, mp, np, kc, ldc);
      it++;
    }
    if (round === 1) console.log(`${name.padEnd(22)} ${((2 * rows * cols * kc * it) / ((performance.now() - t) / 1000) / 1e9).toFixed(1)} GFLOP/s`);
  });
}
