;; tensile's WebAssembly SIMD kernels (128-bit). Assembled by scripts/build-wasm.mjs (wabt) into
;; kernels.gen.ts, which ships the module inside the package bundle as base64.
;;
;; The module owns one memory. The JavaScript side (wasm.ts) uses it as scratch space for each
;; call: it packs operands into it, calls a kernel and copies results out. A second instance on a
;; shared memory (wasm/arena.ts) also holds resident tensors, which its element-wise kernels
;; update in place. Pointers are byte offsets into the memory; v128 accesses are 16-byte aligned
;; except where a comment says unaligned.
;;
;; Kept small on purpose (under 20 KiB, test/wasm.test.ts): it ships in every bundle and is
;; instantiated synchronously at import, also on a browser page's main thread (Chromium once
;; refused that past 4 KiB; current Chromium and Firefox do not), which lets the engine choose
;; its kernels at import time. Besides gemm and the element-wise kernels it holds the
;; convolution's im2col/col2im, max pooling, relu, the norms and the optimizers' updates;
;; unaligned v128 access only where noted.
;;
;; Functions marked `;; @inline` are small SIMD helpers that scripts/wat-inline.mjs copies into
;; every caller before assembling (V8 does not inline WebAssembly calls, and a call in a hot
;; SIMD loop spills its vectors); they must not branch to labels.
(module
  (memory (export "memory") 1)

  ;; gemm: C (+)= A · B over one packed k-block.
  ;;   A: `mp` panels of 4 rows, each k-major (`kc` x 4 floats: a[k][0..3]).
  ;;   B: `np` panels of 8 columns, each k-major (`kc` x 8 floats: b[k][0..7]).
  ;;   C: row-major with `ldc` floats per row; the 4x8 tile of (panel i, panel j) starts at
  ;;      row 4i, column 8j. `acc` = 0 stores the product, otherwise adds it to C.
  ;; Loop order: B panel outer (8 KiB for kc = 256, stays in L1), A panels inner (the packed A
  ;; block is sized by the caller to stay in L2). Eight v128 accumulators hold the 4x8 tile.
  (func $gemm (export "gemm")
    (param $ap i32) (param $bp i32) (param $cp i32) (param $mp i32) (param $np i32)
    (param $kc i32) (param $ldc i32) (param $acc i32)
    (local $jp i32) (local $ip i32) (local $k i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local $ldcb i32) (local $b0 v128) (local $b1 v128) (local $a v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    (loop $jloop
      (local.set $ip (i32.const 0))
      (loop $iloop
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $pa (i32.add (local.get $ap) (i32.mul (local.get $ip) (i32.shl (local.get $kc) (i32.const 4)))))
        (local.set $pb (i32.add (local.get $bp) (i32.mul (local.get $jp) (i32.shl (local.get $kc) (i32.const 5)))))
        (local.set $k (local.get $kc))
        (loop $kloop
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br_if $kloop (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
        ;; pc = cp + (4*ip*ldc + 8*jp) * 4
        (local.set $pc (i32.add (local.get $cp)
          (i32.shl (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $ldc))
                            (i32.shl (local.get $jp) (i32.const 3))) (i32.const 2))))
        (if (local.get $acc) (then
          (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $pc))))
          (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $pc))))
          (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $pc) (local.get $ldcb)))))
          (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $pc) (local.get $ldcb)))))
          (local.set $c20 (f32x4.add (local.get $c20) (v128.load (i32.add (local.get $pc) (i32.shl (local.get $ldcb) (i32.const 1))))))
          (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (i32.add (local.get $pc) (i32.shl (local.get $ldcb) (i32.const 1))))))
          (local.set $c30 (f32x4.add (local.get $c30) (v128.load (i32.add (local.get $pc) (i32.mul (local.get $ldcb) (i32.const 3))))))
          (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (i32.add (local.get $pc) (i32.mul (local.get $ldcb) (i32.const 3))))))))
        (v128.store (local.get $pc) (local.get $c00))
        (v128.store offset=16 (local.get $pc) (local.get $c01))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldcb)))
        (v128.store (local.get $pc) (local.get $c10))
        (v128.store offset=16 (local.get $pc) (local.get $c11))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldcb)))
        (v128.store (local.get $pc) (local.get $c20))
        (v128.store offset=16 (local.get $pc) (local.get $c21))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldcb)))
        (v128.store (local.get $pc) (local.get $c30))
        (v128.store offset=16 (local.get $pc) (local.get $c31))
        (br_if $iloop (i32.lt_u (local.tee $ip (i32.add (local.get $ip) (i32.const 1))) (local.get $mp))))
      (br_if $jloop (i32.lt_u (local.tee $jp (i32.add (local.get $jp) (i32.const 1))) (local.get $np)))))

  ;; tstrip: transposes 4 source lines into k-major groups of 4: for each k < n, the floats
  ;; line0[k], line1[k], line2[k], line3[k] land at dst + k*ds bytes. Line c starts at src + c*ss
  ;; bytes and is contiguous in k. Whole groups of 4 k go through registers as a 4x4 transpose
  ;; (eight shuffles); the last n % 4 are copied one float at a time. Used by the packs for
  ;; operands laid out across the panel (row-major A, a transposed weight as B).
  (func $tstrip (param $src i32) (param $ss i32) (param $dst i32) (param $ds i32) (param $n i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128)
    (local $c i32)
    (block $tail (loop $k4
      (br_if $tail (i32.lt_u (local.get $n) (i32.const 4)))
      (local.set $r0 (v128.load (local.get $src)))
      (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $ss))))
      (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $ss) (i32.const 1)))))
      (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $ss) (i32.const 3)))))
      ;; t0 = (r0[0] r1[0] r0[1] r1[1]), t1 = (r0[2] r1[2] r0[3] r1[3]), likewise r2/r3 in r2/r3
      (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
      (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
      (local.set $r0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
      (local.set $r1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
      (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $r0)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $r0)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $r1)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (v128.store (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $r1)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $k4)))
    (block $done (loop $k1
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $c (i32.const 0))
      (loop $line
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.mul (local.get $c) (local.get $ss)))))
        (br_if $line (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 4))))
      (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $k1))))

  ;; pack_a: A panels for gemm from a strided matrix at `src` (element strides `rs`, `cs`, in
  ;; floats): `rows` rows (the last panel zero-padded to 4) by `kc` columns, k-major per panel.
  ;; Column-contiguous sources (rs = 1, A read through a transpose) copy 4 rows with one v128;
  ;; row-contiguous ones (cs = 1, a row-major A) go through tstrip.
  (func $pack_a (export "pack_a")
    (param $src i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (local $i i32) (local $ii i32) (local $k i32) (local $s i32) (local $d i32) (local $csb i32)
    (local.set $csb (i32.shl (local.get $cs) (i32.const 2)))
    (loop $panel
      (if (i32.and (i32.eq (local.get $rs) (i32.const 1)) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
        (then
          (local.set $s (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))
          (local.set $k (local.get $kc))
          (loop $k4
            (v128.store (local.get $dst) (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $csb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br_if $k4 (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
        (else (if (i32.and (i32.eq (local.get $cs) (i32.const 1)) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows)))
        (then
          (call $tstrip (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $rs)) (i32.const 2)))
            (i32.shl (local.get $rs) (i32.const 2)) (local.get $dst) (i32.const 16) (local.get $kc))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 4)))))
        (else
          (local.set $ii (i32.const 0))
          (loop $row
            (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $ii) (i32.const 2))))
            (local.set $k (local.get $kc))
            (if (i32.lt_u (i32.add (local.get $i) (local.get $ii)) (local.get $rows))
              (then
                (local.set $s (i32.add (local.get $src)
                  (i32.shl (i32.mul (i32.add (local.get $i) (local.get $ii)) (local.get $rs)) (i32.const 2))))
                (loop $k1
                  (f32.store (local.get $d) (f32.load (local.get $s)))
                  (local.set $s (i32.add (local.get $s) (local.get $csb)))
                  (local.set $d (i32.add (local.get $d) (i32.const 16)))
                  (br_if $k1 (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
              (else
                (loop $k0
                  (f32.store (local.get $d) (f32.const 0))
                  (local.set $d (i32.add (local.get $d) (i32.const 16)))
                  (br_if $k0 (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
            (br_if $row (i32.lt_u (local.tee $ii (i32.add (local.get $ii) (i32.const 1))) (i32.const 4))))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 4))))))))
      (br_if $panel (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $rows)))))

  ;; pack_b: B panels for gemm from a strided matrix at `src`: `kc` rows by `cols` columns (the
  ;; last panel zero-padded to 8), k-major per panel. Row-contiguous sources (cs = 1) copy 8
  ;; columns with two v128s; column-contiguous ones (rs = 1: a transposed weight, as every
  ;; linear layer's forward reads it) go through tstrip, four columns at a time.
  (func $pack_b (export "pack_b")
    (param $src i32) (param $rs i32) (param $cs i32) (param $cols i32) (param $kc i32) (param $dst i32)
    (local $j i32) (local $jj i32) (local $k i32) (local $s i32) (local $d i32) (local $rsb i32)
    (local.set $rsb (i32.shl (local.get $rs) (i32.const 2)))
    (loop $panel
      (if (i32.and (i32.eq (local.get $cs) (i32.const 1)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $cols)))
        (then
          (local.set $s (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $k (local.get $kc))
          (loop $k8
            (v128.store (local.get $dst) (v128.load (local.get $s)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $rsb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (br_if $k8 (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
        (else (if (i32.and (i32.eq (local.get $rs) (i32.const 1)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $cols)))
        (then
          (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $j) (local.get $cs)) (i32.const 2))))
          (call $tstrip (local.get $s) (i32.shl (local.get $cs) (i32.const 2)) (local.get $dst) (i32.const 32) (local.get $kc))
          (call $tstrip (i32.add (local.get $s) (i32.shl (local.get $cs) (i32.const 4))) (i32.shl (local.get $cs) (i32.const 2))
            (i32.add (local.get $dst) (i32.const 16)) (i32.const 32) (local.get $kc))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5)))))
        (else
          (local.set $jj (i32.const 0))
          (loop $col
            (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $jj) (i32.const 2))))
            (local.set $k (local.get $kc))
            (if (i32.lt_u (i32.add (local.get $j) (local.get $jj)) (local.get $cols))
              (then
                (local.set $s (i32.add (local.get $src)
                  (i32.shl (i32.mul (i32.add (local.get $j) (local.get $jj)) (local.get $cs)) (i32.const 2))))
                (loop $k1
                  (f32.store (local.get $d) (f32.load (local.get $s)))
                  (local.set $s (i32.add (local.get $s) (local.get $rsb)))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $k1 (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
              (else
                (loop $k0
                  (f32.store (local.get $d) (f32.const 0))
                  (local.set $d (i32.add (local.get $d) (i32.const 32)))
                  (br_if $k0 (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
            (br_if $col (i32.lt_u (local.tee $jj (i32.add (local.get $jj) (i32.const 1))) (i32.const 8))))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))))))
      (br_if $panel (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $cols)))))

  ;; matmul: C[:, j0:j1] = A · B[:, j0:j1] for a strided A [M x K] at `a` and B [K x N] at `b`
  ;; (element strides in floats), into C (row stride `ldc` floats) at `c`. `j0` is a multiple
  ;; of 8; `bp` and `ap` are this call's scratch for packed panels (B: 256 x (j1 - j0) rounded
  ;; up to 8; A: 128 x 256). Blocking: k in blocks of 256 (a B panel of 256 x 8 stays in L1),
  ;; rows in blocks of 128 (the packed A block stays in L2). Disjoint column ranges of one
  ;; product can run at once on two threads, each with its own scratch.
  (func (export "matmul")
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $M i32) (param $K i32) (param $j0 i32) (param $j1 i32)
    (param $c i32) (param $ldc i32) (param $bp i32) (param $ap i32)
    (call $mm (local.get $a) (local.get $ars) (local.get $acs) (local.get $b) (local.get $brs) (local.get $bcs)
      (local.get $M) (local.get $K) (local.get $j0) (local.get $j1) (local.get $c) (local.get $ldc)
      (local.get $bp) (local.get $ap) (i32.const 0)))

  ;; mm: matmul, and with `acc` set C += A · B (C's whole 4-row, 8-column tiles are read, so
  ;; they must hold the previous sum: a convolution's weight gradient summed over samples).
  (func $mm (export "matmul_acc")
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $M i32) (param $K i32) (param $j0 i32) (param $j1 i32)
    (param $c i32) (param $ldc i32) (param $bp i32) (param $ap i32) (param $acc i32)
    (local $k0 i32) (local $kc i32) (local $i0 i32) (local $rows i32)
    (loop $kblock
      (local.set $kc (select (i32.const 256) (i32.sub (local.get $K) (local.get $k0))
        (i32.gt_u (i32.sub (local.get $K) (local.get $k0)) (i32.const 256))))
      (call $pack_b
        (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $brs)) (i32.mul (local.get $j0) (local.get $bcs))) (i32.const 2)))
        (local.get $brs) (local.get $bcs) (i32.sub (local.get $j1) (local.get $j0)) (local.get $kc) (local.get $bp))
      (local.set $i0 (i32.const 0))
      (loop $iblock
        (local.set $rows (select (i32.const 128) (i32.sub (local.get $M) (local.get $i0))
          (i32.gt_u (i32.sub (local.get $M) (local.get $i0)) (i32.const 128))))
        (call $pack_a
          (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $ars)) (i32.mul (local.get $k0) (local.get $acs))) (i32.const 2)))
          (local.get $ars) (local.get $acs) (local.get $rows) (local.get $kc) (local.get $ap))
        (call $gemm (local.get $ap) (local.get $bp)
          (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $ldc)) (local.get $j0)) (i32.const 2)))
          (i32.shr_u (i32.add (local.get $rows) (i32.const 3)) (i32.const 2))
          (i32.shr_u (i32.add (i32.sub (local.get $j1) (local.get $j0)) (i32.const 7)) (i32.const 3))
          (local.get $kc) (local.get $ldc) (i32.or (local.get $k0) (local.get $acc)))
        (br_if $iblock (i32.lt_u (local.tee $i0 (i32.add (local.get $i0) (i32.const 128))) (local.get $M))))
      (br_if $kblock (i32.lt_u (local.tee $k0 (i32.add (local.get $k0) (i32.const 256))) (local.get $K)))))

  ;; compact: moves `rows` rows of `n` floats from row stride `ldc` to row stride `n`, in place
  ;; (rows only move down, so a forward copy never overwrites a row not yet moved).
  (func (export "compact") (param $c i32) (param $rows i32) (param $ldc i32) (param $n i32)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32)
    (local.set $r (i32.const 1))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $src (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $col
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))

  ;; sum_rows: out[q] = sum over k < D of x[k*post + q], for q < post (a multiple of 4), summed
  ;; in f64 in k order and rounded once, exactly as the JavaScript kernel does (so the same
  ;; bits). `acc` is scratch for post f64 partial sums. Rows are read contiguously.
  (func (export "sum_rows") (param $x i32) (param $D i32) (param $post i32) (param $acc i32) (param $out i32)
    (local $k i32) (local $q i32) (local $pa i32) (local $v v128) (local $end i32)
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $post) (i32.const 3))))
    (local.set $pa (local.get $acc))
    (loop $zero
      (v128.store (local.get $pa) (v128.const i32x4 0 0 0 0))
      (br_if $zero (i32.lt_u (local.tee $pa (i32.add (local.get $pa) (i32.const 16))) (local.get $end))))
    (loop $row
      (local.set $pa (local.get $acc))
      (loop $col
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $pa) (f64x2.add (v128.load (local.get $pa)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $pa) (f64x2.add (v128.load offset=16 (local.get $pa))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $col (i32.lt_u (local.tee $pa (i32.add (local.get $pa) (i32.const 32))) (local.get $end))))
      (br_if $row (local.tee $D (i32.sub (local.get $D) (i32.const 1)))))
    (local.set $pa (local.get $acc))
    (loop $store
      (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (v128.load (local.get $pa)))
        (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $pa)))))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br_if $store (i32.lt_u (local.tee $pa (i32.add (local.get $pa) (i32.const 32))) (local.get $end)))))

  ;; binary: out = a op b over `n` floats (n a multiple of 4), contiguous. op 0 add, 1 sub,
  ;; 2 mul, 3 div (f32x4: the same bits as JavaScript's double arithmetic rounded to float32),
  ;; 4 a + alpha*b computed in f64 and rounded once (JS's add with alpha, and SGD's step).
  ;; One loop per op, picked before it (the op tested in the loop made add and mul 1.5-2.5x
  ;; slower); op 4's halves loaded with load64_zero as asgd's are (0.41 -> 0.31 ns a float).
  (func (export "binary")
    (param $op i32) (param $a i32) (param $b i32) (param $o i32) (param $n i32) (param $alpha f64)
    (local $end i32) (local $al v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    (block $fma (block $div (block $mul (block $sub
      (block $add (br_table $add $sub $mul $div $fma (local.get $op)))
      (loop $l
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br_if $l (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $o) (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br_if $l (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $o) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br_if $l (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $o) (f32x4.div (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br_if $l (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return))
    (local.set $al (f64x2.splat (local.get $alpha)))
    (loop $l
      (v128.store (local.get $o) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $a)))
          (f64x2.mul (local.get $al) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $b))))))
        (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $a)))
          (f64x2.mul (local.get $al) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $b))))))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br_if $l (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end)))))

  ;; ASGD's element update on `n` floats (n a multiple of 4), in place on p and ax:
  ;;   g' = g + wd*p          (only if `mode` bit 0; computed in f64, rounded once, as the JS
  ;;                            kernel; written over g, which is the caller's staged copy)
  ;;   x  = f32(p*decay) + negEta*g'   (f64, rounded once)
  ;;   p  = x;  ax = x (mode bit 1 clear) or ax + f32(f32(x - ax) * mu) (bit 1 set; bit 2 also
  ;;   set when mu is a float32 value, which allows an f32 multiply)
  ;; Every rounding matches the JavaScript reference kernel step for step, so results are
  ;; bit-identical to it (and so to PyTorch's for-loop ASGD). The f64 steps run on two f64x2
  ;; halves, each loaded on its own with v128.load64_zero (no shuffle moves lanes 2-3 down);
  ;; the two demoted halves are joined by a shuffle. The weight decay is a pass of its own and
  ;; each averaging mode has its own loop, so no loop tests the mode per element. (The three
  ;; loops repeat the x computation because this V8 does not inline calls between wasm
  ;; functions.)
  (func (export "asgd")
    (param $p i32) (param $g i32) (param $ax i32) (param $n i32)
    (param $decay f32) (param $negEta f64) (param $mu f64) (param $wd f64) (param $mode i32)
    (local $end i32) (local $x v128) (local $a v128) (local $d v128)
    (local $decay4 v128) (local $eta2 v128) (local $mu2 v128) (local $wd2 v128) (local $mu4 v128)
    (local $q i32) (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $decay4 (f32x4.splat (local.get $decay)))
    (local.set $eta2 (f64x2.splat (local.get $negEta)))
    (local.set $mu2 (f64x2.splat (local.get $mu)))
    (local.set $mu4 (f32x4.splat (f32.demote_f64 (local.get $mu))))
    (local.set $wd2 (f64x2.splat (local.get $wd)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.and (local.get $mode) (i32.const 1)) (then ;; g = g + wd*p, over the staged g
      (local.set $q (local.get $g))
      (local.set $r (local.get $p))
      (loop $wdl
        (v128.store (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q)))
                       (f64x2.mul (local.get $wd2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $r))))))
          (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $q)))
                       (f64x2.mul (local.get $wd2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $r))))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $wdl (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 16))) (local.get $end))))))
    (if (i32.and (local.get $mode) (i32.const 4))
      (then ;; mu is a float32 value: d*mu is exact in f64, so one f32 multiply rounds the same
        (loop $lf32
          (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))))
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero offset=8 (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $g))))))))
          (v128.store (local.get $p) (local.get $x))
          (local.set $a (v128.load (local.get $ax)))
          (v128.store (local.get $ax) (f32x4.add (local.get $a)
            (f32x4.mul (f32x4.sub (local.get $x) (local.get $a)) (local.get $mu4))))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (local.set $ax (i32.add (local.get $ax) (i32.const 16)))
          (br_if $lf32 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end)))))
      (else (if (i32.and (local.get $mode) (i32.const 2))
        (then ;; ax += f32(f32(x - ax) * mu), the product in f64
          (loop $lf64
          (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))))
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero offset=8 (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $g))))))))
          (v128.store (local.get $p) (local.get $x))
          (local.set $a (v128.load (local.get $ax)))
          (local.set $d (f32x4.sub (local.get $x) (local.get $a)))
          (v128.store (local.get $ax) (f32x4.add (local.get $a)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (local.get $mu2)))
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d))) (local.get $mu2))))))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (local.set $ax (i32.add (local.get $ax) (i32.const 16)))
          (br_if $lf64 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end)))))
        (else ;; no averaging yet: ax = x
          (loop $lcopy
          (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))))
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.promote_low_f32x4 (f32x4.mul (v128.load64_zero offset=8 (local.get $p)) (local.get $decay4)))
                         (f64x2.mul (local.get $eta2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $g))))))))
          (v128.store (local.get $p) (local.get $x))
          (v128.store (local.get $ax) (local.get $x))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (local.set $ax (i32.add (local.get $ax) (i32.const 16)))
          (br_if $lcopy (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end)))))))))

  ;; ---- convolution and pooling (one image or one batch at a time; ops/nn.ts drives them) ----

  ;; im2col of one image x [C, H, W] into cols [C*kh*kw, Ho*Wo] at `o` (rows `ld` floats apart;
  ;; ld = Ho*Wo is PyTorch's contiguous layout): row (c, ky, kx) holds that tap's input value at every output position, 0 in the
  ;; padding. With stride 1 each output row is three runs: zeros for columns [0, a), the image
  ;; row for [a, b) (moved 4 floats per unaligned v128), zeros for [b, Wo); other strides go
  ;; one float at a time.
  (func (export "im2col")
    (param $x i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $Ho i32) (param $Wo i32) (param $o i32) (param $ld i32)
    (local $c i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $ox i32) (local $iy i32) (local $ix i32)
    (local $row i32) (local $a i32) (local $b i32) (local $s i32) (local $e i32) (local $skip i32)
    ;; each tap's row of Ho·Wo floats starts `ld` floats after the previous one's start (several
    ;; samples' matrices side by side, for one product over all of them)
    (local.set $skip (i32.shl (i32.sub (local.get $ld) (i32.mul (local.get $Ho) (local.get $Wo))) (i32.const 2)))
    (if (i32.eqz (i32.or (i32.or (i32.sub (local.get $sh) (i32.const 1)) (i32.sub (local.get $sw) (i32.const 1)))
                         (i32.or (local.get $ph) (local.get $pw))))
      (then
        ;; Stride 1 without padding (a "valid" convolution): tap (c, ky, kx) is the image's
        ;; Ho x Wo window at (ky, kx), copied row by row with nothing to test per row.
        (local.set $s (local.get $x))
        (loop $vc
          (local.set $ky (i32.const 0))
          (loop $vky
            (local.set $kx (i32.const 0))
            (loop $vkx
              (local.set $row (i32.add (local.get $s) (i32.shl (i32.add (i32.mul (local.get $ky) (local.get $W)) (local.get $kx)) (i32.const 2))))
              (local.set $oy (local.get $Ho))
              (loop $voy
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.and (local.get $Wo) (i32.const -4)) (i32.const 2))))
                (local.set $ix (local.get $row))
                (block $v4 (loop $lv4
                  (br_if $v4 (i32.ge_u (local.get $o) (local.get $e)))
                  (v128.store (local.get $o) (v128.load (local.get $ix)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (local.set $ix (i32.add (local.get $ix) (i32.const 16)))
                  (br $lv4)))
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.and (local.get $Wo) (i32.const 3)) (i32.const 2))))
                (block $v1 (loop $lv1
                  (br_if $v1 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.load (local.get $ix)))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $ix (i32.add (local.get $ix) (i32.const 4)))
                  (br $lv1)))
                (local.set $row (i32.add (local.get $row) (i32.shl (local.get $W) (i32.const 2))))
                (br_if $voy (local.tee $oy (i32.sub (local.get $oy) (i32.const 1)))))
              (local.set $o (i32.add (local.get $o) (local.get $skip)))
              (br_if $vkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
            (br_if $vky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
          (local.set $s (i32.add (local.get $s) (i32.shl (i32.mul (local.get $H) (local.get $W)) (i32.const 2))))
          (br_if $vc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C))))
        (return)))
    (if (i32.and (i32.eq (local.get $sh) (i32.const 1)) (i32.eq (local.get $sw) (i32.const 1)))
      (then
        ;; Stride 1 with padding: per tap, output rows [0, ya) and [yb, Ho) fall in the padding
        ;; (zeros), rows [ya, yb) are zeros for columns [0, a), the image row for [a, b), zeros
        ;; for [b, Wo); nothing is tested per row.
        (loop $pc
          (local.set $ky (i32.const 0))
          (loop $pky
            ;; ya = clamp(ph - ky, 0, Ho), yb = clamp(H + ph - ky, ya, Ho), kept in $iy and $ix
            (local.set $iy (i32.sub (local.get $ph) (local.get $ky)))
            (local.set $iy (select (local.get $iy) (i32.const 0) (i32.gt_s (local.get $iy) (i32.const 0))))
            (local.set $iy (select (local.get $iy) (local.get $Ho) (i32.lt_s (local.get $iy) (local.get $Ho))))
            (local.set $ix (i32.sub (i32.add (local.get $H) (local.get $ph)) (local.get $ky)))
            (local.set $ix (select (local.get $ix) (local.get $Ho) (i32.lt_s (local.get $ix) (local.get $Ho))))
            (local.set $ix (select (local.get $ix) (local.get $iy) (i32.gt_s (local.get $ix) (local.get $iy))))
            (local.set $kx (i32.const 0))
            (loop $pkx
              (local.set $a (i32.sub (local.get $pw) (local.get $kx)))
              (local.set $a (select (local.get $a) (i32.const 0) (i32.gt_s (local.get $a) (i32.const 0))))
              (local.set $a (select (local.get $a) (local.get $Wo) (i32.lt_s (local.get $a) (local.get $Wo))))
              (local.set $b (i32.sub (i32.add (local.get $W) (local.get $pw)) (local.get $kx)))
              (local.set $b (select (local.get $b) (local.get $Wo) (i32.lt_s (local.get $b) (local.get $Wo))))
              (local.set $b (select (local.get $b) (local.get $a) (i32.gt_s (local.get $b) (local.get $a))))
              ;; the rows above the image
              (local.set $e (i32.add (local.get $o) (i32.shl (i32.mul (local.get $iy) (local.get $Wo)) (i32.const 2))))
              (block $t0 (loop $lt0
                (br_if $t0 (i32.ge_u (local.get $o) (local.get $e)))
                (f32.store (local.get $o) (f32.const 0))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $lt0)))
              ;; the rows inside: source row (oy - ph + ky), column (a - pw + kx)
              (local.set $row (i32.add (local.get $x) (i32.shl (i32.add
                (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (i32.add (i32.sub (local.get $iy) (local.get $ph)) (local.get $ky))) (local.get $W))
                (i32.add (i32.sub (local.get $a) (local.get $pw)) (local.get $kx))) (i32.const 2))))
              (local.set $oy (local.get $iy))
              (block $rows (loop $lrow
                (br_if $rows (i32.ge_u (local.get $oy) (local.get $ix)))
                (local.set $e (i32.add (local.get $o) (i32.shl (local.get $a) (i32.const 2))))
                (block $z0 (loop $l0
                  (br_if $z0 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.const 0))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (br $l0)))
                (local.set $s (local.get $row))
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $b) (local.get $a)) (i32.const 2))))
                (block $v0 (loop $lv
                  (br_if $v0 (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $e)))
                  (v128.store (local.get $o) (v128.load (local.get $s)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (local.set $s (i32.add (local.get $s) (i32.const 16)))
                  (br $lv)))
                (block $s0 (loop $ls
                  (br_if $s0 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.load (local.get $s)))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $s (i32.add (local.get $s) (i32.const 4)))
                  (br $ls)))
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $Wo) (local.get $b)) (i32.const 2))))
                (block $z1 (loop $l1
                  (br_if $z1 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.const 0))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (br $l1)))
                (local.set $row (i32.add (local.get $row) (i32.shl (local.get $W) (i32.const 2))))
                (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                (br $lrow)))
              ;; the rows below the image
              (local.set $e (i32.add (local.get $o) (i32.shl (i32.mul (i32.sub (local.get $Ho) (local.get $ix)) (local.get $Wo)) (i32.const 2))))
              (block $t1 (loop $lt1
                (br_if $t1 (i32.ge_u (local.get $o) (local.get $e)))
                (f32.store (local.get $o) (f32.const 0))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (br $lt1)))
              (local.set $o (i32.add (local.get $o) (local.get $skip)))
              (br_if $pkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
            (br_if $pky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
          (br_if $pc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C))))
        (return)))
    (loop $lc
      (local.set $ky (i32.const 0))
      (loop $lky
        (local.set $kx (i32.const 0))
        (loop $lkx
          ;; a = clamp(pw - kx, 0, Wo), b = clamp(W + pw - kx, a, Wo): the stride-1 image columns
          (local.set $a (i32.sub (local.get $pw) (local.get $kx)))
          (local.set $a (select (local.get $a) (i32.const 0) (i32.gt_s (local.get $a) (i32.const 0))))
          (local.set $a (select (local.get $a) (local.get $Wo) (i32.lt_s (local.get $a) (local.get $Wo))))
          (local.set $b (i32.sub (i32.add (local.get $W) (local.get $pw)) (local.get $kx)))
          (local.set $b (select (local.get $b) (local.get $Wo) (i32.lt_s (local.get $b) (local.get $Wo))))
          (local.set $b (select (local.get $b) (local.get $a) (i32.gt_s (local.get $b) (local.get $a))))
          (local.set $oy (i32.const 0))
          (loop $loy
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $ph)) (local.get $ky)))
            (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $iy)) (local.get $W)) (i32.const 2))))
            (if (i32.and (i32.eq (local.get $sw) (i32.const 1)) (i32.lt_u (local.get $iy) (local.get $H)))
              (then
                (local.set $e (i32.add (local.get $o) (i32.shl (local.get $a) (i32.const 2))))
                (block $z0 (loop $l0
                  (br_if $z0 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.const 0))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (br $l0)))
                (local.set $s (i32.add (local.get $row) (i32.shl (i32.add (i32.sub (local.get $a) (local.get $pw)) (local.get $kx)) (i32.const 2))))
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $b) (local.get $a)) (i32.const 2))))
                (block $v0 (loop $lv
                  (br_if $v0 (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $e)))
                  (v128.store (local.get $o) (v128.load (local.get $s)))
                  (local.set $o (i32.add (local.get $o) (i32.const 16)))
                  (local.set $s (i32.add (local.get $s) (i32.const 16)))
                  (br $lv)))
                (block $s0 (loop $ls
                  (br_if $s0 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.load (local.get $s)))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $s (i32.add (local.get $s) (i32.const 4)))
                  (br $ls)))
                (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $Wo) (local.get $b)) (i32.const 2))))
                (block $z1 (loop $l1
                  (br_if $z1 (i32.ge_u (local.get $o) (local.get $e)))
                  (f32.store (local.get $o) (f32.const 0))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (br $l1))))
              (else
                (local.set $ox (i32.const 0))
                (loop $lox
                  (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $pw)) (local.get $kx)))
                  (f32.store (local.get $o)
                    (if (result f32) (i32.and (i32.lt_u (local.get $iy) (local.get $H)) (i32.lt_u (local.get $ix) (local.get $W)))
                      (then (f32.load (i32.add (local.get $row) (i32.shl (local.get $ix) (i32.const 2)))))
                      (else (f32.const 0))))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (br_if $lox (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $Wo))))))
            (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
          (local.set $o (i32.add (local.get $o) (local.get $skip)))
          (br_if $lkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
        (br_if $lky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
      (br_if $lc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

;; clamp(ceil(t / 2), lo, hi), 0 for t <= 0 (lo <= hi): im2col2's and col2im2's range of output
  ;; columns whose source column 2·ox - pw + kx lies in the image, from t = pw - kx (its start)
  ;; and t = W + pw - kx (its end)
  ;; @inline
  (func $half_clamped (param $t i32) (param $lo i32) (param $hi i32) (result i32)
    (local $v i32)
    (local.set $v (select (i32.shr_u (i32.add (local.get $t) (i32.const 1)) (i32.const 1)) (i32.const 0) (i32.gt_s (local.get $t) (i32.const 0))))
    (local.set $v (select (local.get $v) (local.get $hi) (i32.lt_u (local.get $v) (local.get $hi))))
    (select (local.get $v) (local.get $lo) (i32.gt_u (local.get $v) (local.get $lo))))

  ;; im2col2: im2col at column stride 2 (any row stride and padding), for rows of 8 outputs or
  ;; more (the caller's choice: under 8, im2col's one-float loop is faster). Per tap, the output
  ;; columns [a, b) take source column 2·ox - pw + kx from the image, the others are zeros (all
  ;; of a row in the padding); four outputs from the even lanes of two loads, reading at most one
  ;; float past the image row (inside the module's staging areas, which follow the image). The
  ;; same values as im2col. Rows `ld` floats apart.
  (func (export "im2col2")
    (param $x i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $ph i32) (param $pw i32) (param $Ho i32) (param $Wo i32) (param $o i32) (param $ld i32)
    (local $c i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $iy i32) (local $a i32) (local $b i32)
    (local $s i32) (local $e i32) (local $skip i32) (local $ra i32) (local $rb i32)
    (local.set $skip (i32.shl (i32.sub (local.get $ld) (i32.mul (local.get $Ho) (local.get $Wo))) (i32.const 2)))
    (loop $lc
      (local.set $ky (i32.const 0))
      (loop $lky
        (local.set $kx (i32.const 0))
        (loop $lkx
          ;; a = clamp(ceil((pw - kx) / 2), 0, Wo), b = clamp(ceil((W + pw - kx) / 2), a, Wo)
          (local.set $a (call $half_clamped (i32.sub (local.get $pw) (local.get $kx)) (i32.const 0) (local.get $Wo)))
          (local.set $b (call $half_clamped (i32.sub (i32.add (local.get $W) (local.get $pw)) (local.get $kx)) (local.get $a) (local.get $Wo)))
          (local.set $oy (i32.const 0))
          (loop $loy
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $ph)) (local.get $ky)))
            (local.set $ra (select (local.get $a) (i32.const 0) (i32.lt_u (local.get $iy) (local.get $H))))
            (local.set $rb (select (local.get $b) (i32.const 0) (i32.lt_u (local.get $iy) (local.get $H))))
            (local.set $e (i32.add (local.get $o) (i32.shl (local.get $ra) (i32.const 2))))
            (block $z0 (loop $l0
              (br_if $z0 (i32.ge_u (local.get $o) (local.get $e)))
              (f32.store (local.get $o) (f32.const 0))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (br $l0)))
            ;; source: row iy of channel c, column 2·ra - pw + kx
            (local.set $s (i32.add (local.get $x) (i32.shl (i32.add
              (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $iy)) (local.get $W))
              (i32.add (i32.sub (i32.shl (local.get $ra) (i32.const 1)) (local.get $pw)) (local.get $kx))) (i32.const 2))))
            (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $rb) (local.get $ra)) (i32.const 2))))
            (block $g4 (loop $l4
              (br_if $g4 (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $e)))
              (v128.store (local.get $o) (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (v128.load (local.get $s)) (v128.load offset=16 (local.get $s))))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (local.set $s (i32.add (local.get $s) (i32.const 32)))
              (br $l4)))
            (block $g1 (loop $l1
              (br_if $g1 (i32.ge_u (local.get $o) (local.get $e)))
              (f32.store (local.get $o) (f32.load (local.get $s)))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (local.set $s (i32.add (local.get $s) (i32.const 8)))
              (br $l1)))
            (local.set $e (i32.add (local.get $o) (i32.shl (i32.sub (local.get $Wo) (local.get $rb)) (i32.const 2))))
            (block $z1 (loop $lz1
              (br_if $z1 (i32.ge_u (local.get $o) (local.get $e)))
              (f32.store (local.get $o) (f32.const 0))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (br $lz1)))
            (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
          (local.set $o (i32.add (local.get $o) (local.get $skip)))
          (br_if $lkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
        (br_if $lky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
      (br_if $lc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

  ;; regroup: moves blocks of L floats between the grouped convolution's layout [O x s·L] (rows
  ;; `ld` floats apart; sample i's L columns at i·L) and samples' [s, O, L] (contiguous): dir 0
  ;; from grouped src to [s, O, L] at dst (the forward's result), dir 1 from [s, O, L] at src to
  ;; grouped dst (the upstream gradient). One memory.copy a block: in JavaScript a set() of a
  ;; subarray a block cost more than the copy (LeNet's 8x8 outputs).
  (func (export "regroup") (param $src i32) (param $O i32) (param $s i32) (param $L i32) (param $ld i32) (param $dst i32) (param $dir i32)
    (local $i i32) (local $o i32) (local $g i32) (local $c i32) (local $n i32)
    (local.set $n (i32.shl (local.get $L) (i32.const 2)))
    (loop $li
      (local.set $o (i32.const 0))
      (loop $lo
        (local.set $g (i32.shl (i32.add (i32.mul (local.get $o) (local.get $ld)) (i32.mul (local.get $i) (local.get $L))) (i32.const 2)))
        (local.set $c (i32.shl (i32.mul (i32.add (i32.mul (local.get $i) (local.get $O)) (local.get $o)) (local.get $L)) (i32.const 2)))
        (if (local.get $dir)
          (then (memory.copy (i32.add (local.get $dst) (local.get $g)) (i32.add (local.get $src) (local.get $c)) (local.get $n)))
          (else (memory.copy (i32.add (local.get $dst) (local.get $c)) (i32.add (local.get $src) (local.get $g)) (local.get $n))))
        (br_if $lo (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $O))))
      (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $s)))))

;; strided: a strided view of up to three dims [n0, n1, n2] (strides s0, s1, s2 in floats,
  ;; from byte address $v) and a contiguous block at $c. dir 0 gathers (c = the view's elements
  ;; in order: the kernel set's copy), dir 1 scatters (the view = c: scatterCopy). Rows with s2
  ;; = 1 go four floats a v128 (unaligned), their last n2 mod 4 one at a time; other rows a float
  ;; at a time. Loads and stores only, so every bit pattern is kept. In JavaScript a row of 32
  ;; (attention's heads) cost 1.4-1.7 ns a float, 3.4 into a fresh array.
  (func (export "strided") (param $v i32) (param $c i32) (param $n0 i32) (param $n1 i32) (param $n2 i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $dir i32)
    (local $a i32) (local $b i32) (local $p i32) (local $q i32) (local $e i32) (local $e4 i32)
    (if (i32.or (i32.or (i32.eqz (local.get $n0)) (i32.eqz (local.get $n1))) (i32.eqz (local.get $n2))) (then (return)))
    (local.set $s0 (i32.shl (local.get $s0) (i32.const 2)))
    (local.set $s1 (i32.shl (local.get $s1) (i32.const 2)))
    (local.set $s2 (i32.shl (local.get $s2) (i32.const 2)))
    (loop $la
      (local.set $p (local.get $v))
      (local.set $b (i32.const 0))
      (loop $lb
        (local.set $q (local.get $p))
        (local.set $e (i32.add (local.get $c) (i32.shl (local.get $n2) (i32.const 2))))
        (if (i32.eq (local.get $s2) (i32.const 4))
          (then
            (local.set $e4 (i32.add (local.get $c) (i32.shl (i32.and (local.get $n2) (i32.const -4)) (i32.const 2))))
            (if (local.get $dir)
              (then (block $d4 (loop $l4
                (br_if $d4 (i32.ge_u (local.get $c) (local.get $e4)))
                (v128.store (local.get $q) (v128.load (local.get $c)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $l4))))
              (else (block $d4 (loop $l4
                (br_if $d4 (i32.ge_u (local.get $c) (local.get $e4)))
                (v128.store (local.get $c) (v128.load (local.get $q)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $l4)))))))
        (if (local.get $dir)
          (then (block $d1 (loop $l1
            (br_if $d1 (i32.ge_u (local.get $c) (local.get $e)))
            (i32.store (local.get $q) (i32.load (local.get $c)))
            (local.set $q (i32.add (local.get $q) (local.get $s2)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $l1))))
          (else (block $d1 (loop $l1
            (br_if $d1 (i32.ge_u (local.get $c) (local.get $e)))
            (i32.store (local.get $c) (i32.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $s2)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $l1)))))
        (local.set $p (i32.add (local.get $p) (local.get $s1)))
        (br_if $lb (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $n1))))
      (local.set $v (i32.add (local.get $v) (local.get $s0)))
      (br_if $la (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $n0)))))

  ;; col2im, im2col's adjoint: adds each entry of cols (row (c, ky, kx) starting every `ldc`
  ;; floats, as gemm leaves it) into its input position of x [C, H, W] (zeroed by the caller).
  ;; Entries meet each input position in the same order as the JavaScript kernel's loop, each
  ;; added in float32, so the same bits. With stride 1 the image columns [a, b) of a row add 4
  ;; at a time (unaligned v128: distinct columns, so no lane depends on another).
  (func (export "col2im")
    (param $cols i32) (param $ldc i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $Ho i32) (param $Wo i32) (param $x i32)
    (local $c i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $ox i32) (local $iy i32) (local $ix i32)
    (local $row i32) (local $s i32) (local $r i32) (local $d i32) (local $a i32) (local $b i32) (local $e i32)
    (loop $lc
      (local.set $ky (i32.const 0))
      (loop $lky
        (local.set $kx (i32.const 0))
        (loop $lkx
          (local.set $a (i32.sub (local.get $pw) (local.get $kx)))
          (local.set $a (select (local.get $a) (i32.const 0) (i32.gt_s (local.get $a) (i32.const 0))))
          (local.set $a (select (local.get $a) (local.get $Wo) (i32.lt_s (local.get $a) (local.get $Wo))))
          (local.set $b (i32.sub (i32.add (local.get $W) (local.get $pw)) (local.get $kx)))
          (local.set $b (select (local.get $b) (local.get $Wo) (i32.lt_s (local.get $b) (local.get $Wo))))
          (local.set $b (select (local.get $b) (local.get $a) (i32.gt_s (local.get $b) (local.get $a))))
          (local.set $s (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2))))
          (local.set $oy (i32.const 0))
          (loop $loy
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $ph)) (local.get $ky)))
            (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $iy)) (local.get $W)) (i32.const 2))))
            (if (i32.lt_u (local.get $iy) (local.get $H))
              (then (if (i32.eq (local.get $sw) (i32.const 1))
                (then
                  (local.set $d (i32.add (local.get $row) (i32.shl (i32.add (i32.sub (local.get $a) (local.get $pw)) (local.get $kx)) (i32.const 2))))
                  (local.set $e (i32.add (local.get $d) (i32.shl (i32.sub (local.get $b) (local.get $a)) (i32.const 2))))
                  (local.set $ox (i32.add (local.get $s) (i32.shl (local.get $a) (i32.const 2)))) ;; source pointer
                  (block $v0 (loop $lv
                    (br_if $v0 (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $e)))
                    (v128.store (local.get $d) (f32x4.add (v128.load (local.get $d)) (v128.load (local.get $ox))))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 16)))
                    (br $lv)))
                  (block $s0 (loop $ls
                    (br_if $s0 (i32.ge_u (local.get $d) (local.get $e)))
                    (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $ox))))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                    (br $ls))))
                (else
                  (local.set $ox (i32.const 0))
                  (loop $lox
                    (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $pw)) (local.get $kx)))
                    (if (i32.lt_u (local.get $ix) (local.get $W)) (then
                      (local.set $d (i32.add (local.get $row) (i32.shl (local.get $ix) (i32.const 2))))
                      (f32.store (local.get $d) (f32.add (f32.load (local.get $d))
                        (f32.load (i32.add (local.get $s) (i32.shl (local.get $ox) (i32.const 2))))))))
                    (br_if $lox (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $Wo))))))))
            (local.set $s (i32.add (local.get $s) (i32.shl (local.get $Wo) (i32.const 2))))
            (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
        (br_if $lky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
      (br_if $lc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

  ;; col2im2: col2im at column stride 2 for rows of 8 outputs or more (the caller's choice). A
  ;; tap's row adds into every other input column, so four entries go at once: the row's eight
  ;; floats from the first column loaded, its even lanes added to the entries, the odd lanes put
  ;; back unchanged (a shuffle, bit for bit; the last group's eighth float may lie one past the
  ;; image row, inside the module's staging areas, and is written back as it was read). Each
  ;; input position still meets its entries in col2im's order, so the same bits.
  (func (export "col2im2")
    (param $cols i32) (param $ldc i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $ph i32) (param $pw i32) (param $Ho i32) (param $Wo i32) (param $x i32)
    (local $c i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $iy i32) (local $s i32) (local $r i32)
    (local $d i32) (local $e i32) (local $src i32) (local $a i32) (local $b i32) (local $xa v128) (local $xb v128) (local $v v128)
    (loop $lc
      (local.set $ky (i32.const 0))
      (loop $lky
        (local.set $kx (i32.const 0))
        (loop $lkx
          ;; a = clamp(ceil((pw - kx) / 2), 0, Wo), b = clamp(ceil((W + pw - kx) / 2), a, Wo)
          (local.set $a (call $half_clamped (i32.sub (local.get $pw) (local.get $kx)) (i32.const 0) (local.get $Wo)))
          (local.set $b (call $half_clamped (i32.sub (i32.add (local.get $W) (local.get $pw)) (local.get $kx)) (local.get $a) (local.get $Wo)))
          (local.set $s (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2))))
          (local.set $oy (i32.const 0))
          (loop $loy
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $ph)) (local.get $ky)))
            (if (i32.lt_u (local.get $iy) (local.get $H)) (then
              (local.set $d (i32.add (local.get $x) (i32.shl (i32.add
                (i32.mul (i32.add (i32.mul (local.get $c) (local.get $H)) (local.get $iy)) (local.get $W))
                (i32.add (i32.sub (i32.shl (local.get $a) (i32.const 1)) (local.get $pw)) (local.get $kx))) (i32.const 2))))
              (local.set $src (i32.add (local.get $s) (i32.shl (local.get $a) (i32.const 2))))
              (local.set $e (i32.add (local.get $src) (i32.shl (i32.sub (local.get $b) (local.get $a)) (i32.const 2))))
              (block $g4 (loop $l4
                (br_if $g4 (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $e)))
                (local.set $xa (v128.load (local.get $d)))
                (local.set $xb (v128.load offset=16 (local.get $d)))
                (local.set $v (f32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $xa) (local.get $xb)) (v128.load (local.get $src))))
                (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 20 21 22 23 4 5 6 7 28 29 30 31 (local.get $v) (local.get $xa)))
                (v128.store offset=16 (local.get $d) (i8x16.shuffle 8 9 10 11 20 21 22 23 12 13 14 15 28 29 30 31 (local.get $v) (local.get $xb)))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (local.set $src (i32.add (local.get $src) (i32.const 16)))
                (br $l4)))
              (block $g1 (loop $l1
                (br_if $g1 (i32.ge_u (local.get $src) (local.get $e)))
                (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $src))))
                (local.set $d (i32.add (local.get $d) (i32.const 8)))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (br $l1)))))
            (local.set $s (i32.add (local.get $s) (i32.shl (local.get $Wo) (i32.const 2))))
            (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $lkx (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
        (br_if $lky (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
      (br_if $lc (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $C)))))

  ;; rows_bias: moves `rows` rows of `n` floats from row stride `ldc` (gemm's output) to row
  ;; stride `n` at `dst` (dst <= c, rows only move down) adding b[r] (float32, one rounding) to
  ;; row r: a convolution's output and bias in one pass.
  (func (export "rows_bias") (param $c i32) (param $rows i32) (param $ldc i32) (param $n i32) (param $b i32) (param $dst i32)
    (local $r i32) (local $j i32) (local $src i32) (local $o i32) (local $v f32)
    (loop $row
      (local.set $v (f32.load (i32.add (local.get $b) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $src (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2))))
      (local.set $o (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $col
        (f32.store (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $v)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; cols_bias: moves `rows` rows of `n` floats from row stride `ldc` (gemm's output) to row
  ;; stride `n` at `dst` (dst <= c, rows only move down) adding b[j] (float32, one rounding) to
  ;; column j: a linear layer's output and bias in one pass.
  (func (export "cols_bias") (param $c i32) (param $rows i32) (param $ldc i32) (param $n i32) (param $b i32) (param $dst i32)
    (local $r i32) (local $j i32) (local $src i32) (local $o i32)
    (loop $row
      (local.set $src (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $ldc)) (i32.const 2))))
      (local.set $o (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (loop $col
        (f32.store (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
                   (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; row_sums: acc[r] (f64) += the `n` floats of row r, in order, for `rows` contiguous rows (a
  ;; convolution's bias gradient, summed over samples and positions in the JavaScript kernel's order).
  (func (export "row_sums") (param $x i32) (param $rows i32) (param $n i32) (param $acc i32)
    (local $j i32) (local $s f64)
    (loop $row
      (local.set $s (f64.load (local.get $acc)))
      (local.set $j (local.get $n))
      (loop $col
        (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $col (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (f64.store (local.get $acc) (local.get $s))
      (local.set $acc (i32.add (local.get $acc) (i32.const 8)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; maxpool: 2-D max pooling of `NC` planes [H, W] at x into out [NC, Ho, Wo], and in idx
  ;; (i32) each output's flat input index plus `ibase` (where these planes start in the whole input). In row-major window order a tap wins if it is
  ;; greater or NaN (PyTorch's cpu_max_pool, as the JavaScript kernel): the first maximum among
  ;; numbers, the last NaN among NaNs, and a number never displaces a NaN. Windows never lie
  ;; wholly in the padding (padding is at most half the kernel).
  (func (export "maxpool")
    (param $x i32) (param $NC i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32) (param $Ho i32) (param $Wo i32)
    (param $out i32) (param $idx i32) (param $ibase i32)
    (local $nc i32) (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $iy i32) (local $ix i32) (local $j i32) (local $bi i32) (local $best f32) (local $v f32) (local $base i32)
    (loop $lnc
      (local.set $oy (i32.const 0))
      (loop $loy
        (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $ph)))
        (local.set $y1 (i32.add (local.get $y0) (local.get $kh)))
        (local.set $y0 (select (local.get $y0) (i32.const 0) (i32.gt_s (local.get $y0) (i32.const 0))))
        (local.set $y1 (select (local.get $y1) (local.get $H) (i32.lt_s (local.get $y1) (local.get $H))))
        (local.set $ox (i32.const 0))
        (loop $lox
          (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $pw)))
          (local.set $x1 (i32.add (local.get $x0) (local.get $kw)))
          (local.set $x0 (select (local.get $x0) (i32.const 0) (i32.gt_s (local.get $x0) (i32.const 0))))
          (local.set $x1 (select (local.get $x1) (local.get $W) (i32.lt_s (local.get $x1) (local.get $W))))
          (local.set $best (f32.const -inf))
          (local.set $bi (i32.add (local.get $base) (i32.add (i32.mul (local.get $y0) (local.get $W)) (local.get $x0))))
          (local.set $iy (local.get $y0))
          (block $scan (loop $liy
            (br_if $scan (i32.ge_s (local.get $iy) (local.get $y1)))
            (local.set $ix (local.get $x0))
            (loop $lix
              (if (i32.lt_s (local.get $ix) (local.get $x1)) (then
                (local.set $j (i32.add (local.get $base) (i32.add (i32.mul (local.get $iy) (local.get $W)) (local.get $ix))))
                (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
                (if (i32.or (f32.gt (local.get $v) (local.get $best)) (f32.ne (local.get $v) (local.get $v))) (then
                  (local.set $best (local.get $v))
                  (local.set $bi (local.get $j))))
                (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
                (br $lix))))
            (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
            (br $liy)))
          (f32.store (local.get $out) (local.get $best))
          (i32.store (local.get $idx) (i32.add (local.get $bi) (local.get $ibase)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
          (br_if $lox (i32.lt_u (local.tee $ox (i32.add (local.get $ox) (i32.const 1))) (local.get $Wo))))
        (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
      (local.set $base (i32.add (local.get $base) (i32.mul (local.get $H) (local.get $W))))
      (br_if $lnc (i32.lt_u (local.tee $nc (i32.add (local.get $nc) (i32.const 1))) (local.get $NC)))))

  ;; maxpool22: `maxpool` for 2x2 windows at stride 2 without padding, four outputs per step
  ;; (Wo >= 4; a row's last Wo % 4 outputs are the row's last four, recomputed: the same values).
  ;; Each window's taps a, b (top row), c, d (bottom row) are compared in `maxpool`'s order with
  ;; its rule: a later tap wins if it is greater or NaN; the same values and indices, lane by
  ;; lane.
  (func (export "maxpool22") (param $x i32) (param $NC i32) (param $H i32) (param $W i32) (param $Ho i32) (param $Wo i32)
    (param $out i32) (param $idx i32) (param $ibase i32)
    (local $nc i32) (local $oy i32) (local $ox i32) (local $p i32) (local $j i32)
    (local $v0 v128) (local $v1 v128) (local $best v128) (local $bi v128) (local $v v128) (local $take v128) (local $jv v128)
    (loop $lnc
      (local.set $oy (i32.const 0))
      (loop $loy
        (local.set $ox (i32.const 0))
        (loop $lox
          ;; j: flat index of tap a of the first of the four windows
          (local.set $j (i32.add (i32.mul (i32.add (i32.mul (local.get $nc) (local.get $H)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $W))
                                 (i32.shl (local.get $ox) (i32.const 1))))
          (local.set $p (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $jv (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 2 4 6)))
          (local.set $v0 (v128.load (local.get $p)))
          (local.set $v1 (v128.load offset=16 (local.get $p)))
          (local.set $best (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $v0) (local.get $v1)))
          (local.set $bi (local.get $jv))
          ;; b: the odd lanes of the top row
          (local.set $v (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $v0) (local.get $v1)))
          (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
          (local.set $bi (v128.bitselect (i32x4.add (local.get $jv) (v128.const i32x4 1 1 1 1)) (local.get $bi) (local.get $take)))
          ;; c, d: the bottom row
          (local.set $p (i32.add (local.get $p) (i32.shl (local.get $W) (i32.const 2))))
          (local.set $jv (i32x4.add (local.get $jv) (i32x4.splat (local.get $W))))
          (local.set $v0 (v128.load (local.get $p)))
          (local.set $v1 (v128.load offset=16 (local.get $p)))
          (local.set $v (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $v0) (local.get $v1)))
          (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
          (local.set $bi (v128.bitselect (local.get $jv) (local.get $bi) (local.get $take)))
          (local.set $v (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $v0) (local.get $v1)))
          (local.set $take (v128.or (f32x4.gt (local.get $v) (local.get $best)) (f32x4.ne (local.get $v) (local.get $v))))
          (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
          (local.set $bi (v128.bitselect (i32x4.add (local.get $jv) (v128.const i32x4 1 1 1 1)) (local.get $bi) (local.get $take)))
          (v128.store (local.get $out) (local.get $best))
          (v128.store (local.get $idx) (i32x4.add (local.get $bi) (i32x4.splat (local.get $ibase))))
          ;; next four outputs; a partial last group steps back to end at the row's end
          (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
          (if (i32.and (i32.lt_u (local.get $ox) (local.get $Wo)) (i32.gt_u (i32.add (local.get $ox) (i32.const 4)) (local.get $Wo)))
            (then
              (local.set $out (i32.sub (local.get $out) (i32.shl (i32.sub (i32.add (local.get $ox) (i32.const 4)) (local.get $Wo)) (i32.const 2))))
              (local.set $idx (i32.sub (local.get $idx) (i32.shl (i32.sub (i32.add (local.get $ox) (i32.const 4)) (local.get $Wo)) (i32.const 2))))
              (local.set $ox (i32.sub (local.get $Wo) (i32.const 4)))))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $idx (i32.add (local.get $idx) (i32.const 16)))
          (br_if $lox (i32.lt_u (local.get $ox) (local.get $Wo))))
        (br_if $loy (i32.lt_u (local.tee $oy (i32.add (local.get $oy) (i32.const 1))) (local.get $Ho))))
      (br_if $lnc (i32.lt_u (local.tee $nc (i32.add (local.get $nc) (i32.const 1))) (local.get $NC)))))

  ;; relu and its backward over `n` floats (a multiple of 4): op 0 out = max(x, 0) (NaN stays
  ;; NaN, -0 and -Infinity become +0, as the JavaScript kernel); op 1 out = x <= 0 ? 0 : g, at
  ;; `g` (PyTorch's threshold_backward: a NaN input passes its gradient).
  ;; relu: op 0 max(x, 0), op 1 its backward (g where x > 0 or x is NaN, else 0), op 2 LeakyReLU
  ;; x > 0 ? x : x·s, op 3 its backward x > 0 ? g : g·s (s the float32 slope; a select of both
  ;; values, no branch: in JavaScript the data-dependent branch mispredicted half the time on
  ;; activations, 6.9 ns an element against 1.6 on sorted data). n floats, whole groups of four.
  (func (export "relu") (param $op i32) (param $x i32) (param $g i32) (param $o i32) (param $n i32) (param $s f32)
    (local $end i32) (local $sv v128) (local $v v128)
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $sv (f32x4.splat (local.get $s)))
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (loop $l2
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $o) (v128.bitselect (local.get $v) (f32x4.mul (local.get $v) (local.get $sv))
          (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l2 (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return)))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (loop $l3
        (local.set $v (v128.load (local.get $g)))
        (v128.store (local.get $o) (v128.bitselect (local.get $v) (f32x4.mul (local.get $v) (local.get $sv))
          (f32x4.gt (v128.load (local.get $x)) (v128.const i32x4 0 0 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br_if $l3 (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end))))
      (return)))
    (if (local.get $op)
      (then (loop $lb
        (v128.store (local.get $o) (v128.andnot (v128.load (local.get $g)) (f32x4.le (v128.load (local.get $x)) (v128.const i32x4 0 0 0 0))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br_if $lb (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end)))))
      (else (loop $lf
        (v128.store (local.get $o) (f32x4.max (v128.load (local.get $x)) (v128.const i32x4 0 0 0 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $lf (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 16))) (local.get $end)))))))

  ;; ---- softmax over rows ------------------------------------------------------------------

  ;; e^(x - m) for four lanes, to about a float32 ulp: x - m is split exactly into its float32
  ;; rounding s and the error d (Knuth's two-sum; x - m itself can lose up to |x - m|·2^-24,
  ;; 14 ulps of log-softmax in a test of random rows), then e^s·(1 + d) = e^s + e^s·d. x is first
  ;; raised to m - 104 (e^-104 is 0 in float32), so an x of -Infinity does not make d NaN; a NaN
  ;; x, or a NaN or +Infinity m, still gives NaN. `lo` holds m - 104.
  ;; @inline
  (func $exp_shifted4 (param $x v128) (param $m v128) (param $lo v128) (result v128)
    (local $a v128) (local $s v128) (local $bb v128) (local $e v128)
    (local.set $a (f32x4.pmax (local.get $x) (local.get $lo)))
    (local.set $s (f32x4.sub (local.get $a) (local.get $m)))
    (local.set $bb (f32x4.sub (local.get $s) (local.get $a)))
    (local.set $e (call $exp4_in (local.get $s)))
    (f32x4.add (local.get $e) (f32x4.mul (local.get $e)
      (f32x4.sub (f32x4.sub (local.get $a) (f32x4.sub (local.get $s) (local.get $bb))) (f32x4.add (local.get $m) (local.get $bb))))))

  ;; softmax_rows: for each of `rows` contiguous rows of D floats at x (D >= 4), st[r] gets two
  ;; f64s: the row's maximum m (NaN if the row has one; 0 if every entry is -Infinity, so the
  ;; exponentials stay 0) and the sum of e^(x - m) (exp_shifted4's, float32) in f64, eight floats
  ;; an iteration. The last group reads up to seven floats past the row (masked out; the caller
  ;; leaves room).
  (func (export "softmax_rows") (param $x i32) (param $rows i32) (param $D i32) (param $st i32)
    (local $p i32) (local $e i32) (local $e4 i32) (local $m v128) (local $ms f32) (local $mm v128) (local $lo v128) (local $acc v128) (local $v v128) (local $w v128)
    (loop $row
      (local.set $e (i32.add (local.get $x) (i32.shl (local.get $D) (i32.const 2))))
      (local.set $e4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $D) (i32.const -4)) (i32.const 2))))
      ;; the maximum: f32x4.max keeps NaN, as the JS kernel's scan does
      (local.set $m (v128.load (local.get $x)))
      (local.set $p (i32.add (local.get $x) (i32.const 16)))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_u (local.get $p) (local.get $e4)))
        (local.set $m (f32x4.max (local.get $m) (v128.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l4)))
      (local.set $ms (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                              (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $ms (f32.max (local.get $ms) (f32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $l1)))
      (if (f32.eq (local.get $ms) (f32.const -inf)) (then (local.set $ms (f32.const 0))))
      (local.set $mm (f32x4.splat (local.get $ms)))
      (local.set $lo (f32x4.splat (f32.sub (local.get $ms) (f32.const 104))))
      ;; the sum of exponentials, eight at a time (two exp_shifted4 one after the other) into two
      ;; f64x2 accumulators; the last group's lanes past the row are zeroed (lane index < floats left)
      (local.set $acc (v128.const i64x2 0 0))
      (local.set $m (v128.const i64x2 0 0))
      (local.set $p (local.get $x))
      (loop $ls
        (local.set $v (v128.and (call $exp_shifted4 (v128.load (local.get $p)) (local.get $mm) (local.get $lo))
          (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.shr_s (i32.sub (local.get $e) (local.get $p)) (i32.const 2))))))
        (local.set $w (v128.and (call $exp_shifted4 (v128.load offset=16 (local.get $p)) (local.get $mm) (local.get $lo))
          (i32x4.lt_s (v128.const i32x4 4 5 6 7) (i32x4.splat (i32.shr_s (i32.sub (local.get $e) (local.get $p)) (i32.const 2))))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.add (f64x2.promote_low_f32x4 (local.get $v)) (f64x2.promote_low_f32x4 (local.get $w)))))
        (local.set $m (f64x2.add (local.get $m) (f64x2.add
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w) (local.get $w))))))
        (br_if $ls (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 32))) (local.get $e))))
      (local.set $acc (f64x2.add (local.get $acc) (local.get $m)))
      (f64.store (local.get $st) (f64.promote_f32 (local.get $ms)))
      (f64.store offset=8 (local.get $st) (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
      (local.set $st (i32.add (local.get $st) (i32.const 16)))
      (local.set $x (local.get $e))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; softmax_out: writes each row's result from its st[r] = (m, c): with `log`, x - m - c in f64
  ;; (c the log of the row's sum, computed by the caller), rounded once; without, e^(x - m) / c
  ;; (exp_shifted4's, divided in f64, rounded once), four at a time: the last group writes up
  ;; to three floats past the row (the next row's, written after it; the caller leaves room
  ;; past the last).
  (func (export "softmax_out") (param $x i32) (param $rows i32) (param $D i32) (param $st i32) (param $o i32) (param $log i32)
    (local $p i32) (local $e i32) (local $mm v128) (local $cc v128) (local $v v128) (local $ms f32) (local $m4 v128) (local $lo v128)
    (loop $row
      (local.set $mm (f64x2.splat (f64.load (local.get $st))))
      (local.set $cc (f64x2.splat (f64.load offset=8 (local.get $st))))
      (local.set $e (i32.add (local.get $x) (i32.shl (local.get $D) (i32.const 2))))
      (local.set $p (local.get $x))
      (if (local.get $log)
        (then
          (block $d2 (loop $l2
            (br_if $d2 (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $e)))
            (v128.store64_lane 0 (local.get $o) (f32x4.demote_f64x2_zero
              (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))) (local.get $mm)) (local.get $cc))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br $l2)))
          (if (i32.lt_u (local.get $p) (local.get $e)) (then
            (v128.store32_lane 0 (local.get $o) (f32x4.demote_f64x2_zero
              (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_zero (local.get $p))) (local.get $mm)) (local.get $cc))))
            (local.set $o (i32.add (local.get $o) (i32.const 4))))))
        (else
          (local.set $ms (f32.demote_f64 (f64x2.extract_lane 0 (local.get $mm))))
          (local.set $m4 (f32x4.splat (local.get $ms)))
          (local.set $lo (f32x4.splat (f32.sub (local.get $ms) (f32.const 104))))
          (loop $l4
            (local.set $v (call $exp_shifted4 (v128.load (local.get $p)) (local.get $m4) (local.get $lo)))
            (v128.store (local.get $o) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.div (f64x2.promote_low_f32x4 (local.get $v)) (local.get $cc)))
              (f32x4.demote_f64x2_zero (f64x2.div (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $cc)))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br_if $l4 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $e))))
          ;; back to the row's end
          (local.set $o (i32.sub (local.get $o) (i32.sub (local.get $p) (local.get $e))))))
      (local.set $st (i32.add (local.get $st) (i32.const 16)))
      (local.set $x (local.get $e))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; scale_mask: attention's scores before their softmax, in place over `rows` contiguous rows of
  ;; D floats at x: each times c (the float32 product), and where `causal`, -inf added to the
  ;; entries after the row's query (row r is query i, counted from `i` and wrapping at L; entries
  ;; j > i), which gives -inf, or NaN from a NaN or +inf product, as the composed add does.
  (func (export "scale_mask") (param $x i32) (param $rows i32) (param $D i32) (param $L i32) (param $i i32) (param $c f32) (param $causal i32)
    (local $e i32) (local $j i32) (local $cv v128) (local $jv v128) (local $iv v128) (local $v v128) (local $f f32)
    (local.set $cv (f32x4.splat (local.get $c)))
    (loop $row
      (local.set $e (i32.add (local.get $x) (i32.shl (local.get $D) (i32.const 2))))
      (local.set $jv (v128.const i32x4 0 1 2 3))
      (local.set $iv (i32x4.splat (select (local.get $i) (i32.const 0x7fffffff) (local.get $causal))))
      (local.set $j (i32.const 0))
      (block $d4 (loop $l4
        (br_if $d4 (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $e)))
        (local.set $v (f32x4.mul (v128.load (local.get $x)) (local.get $cv)))
        (v128.store (local.get $x) (v128.bitselect (f32x4.add (local.get $v) (v128.const f32x4 -inf -inf -inf -inf)) (local.get $v)
          (i32x4.gt_s (local.get $jv) (local.get $iv))))
        (local.set $jv (i32x4.add (local.get $jv) (v128.const i32x4 4 4 4 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $l4)))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $x) (local.get $e)))
        (local.set $f (f32.mul (f32.load (local.get $x)) (local.get $c)))
        (f32.store (local.get $x) (select (f32.add (local.get $f) (f32.const -inf)) (local.get $f)
          (i32.and (local.get $causal) (i32.gt_s (local.get $j) (local.get $i)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $l1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eq (local.get $i) (local.get $L)) (then (local.set $i (i32.const 0))))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; softmax_bwd: the float32 backward of softmax (`log` 0: y·(g - t), t = Σ y·g) or log-softmax
  ;; (`log` 1: g - e^y·t, t = Σ g) over `rows` contiguous rows of D floats, each result times
  ;; `scale`: every product and difference a float32 operation, e^y the module's exp4, t the row's
  ;; terms (g, or the float32 product y·g) added in f64 in the row's order and rounded to float32
  ;; once, as the JS kernel (nn-js.ts) and the composed ops compute them. That sum is one chain of
  ;; dependent f64 adds, so it is taken one row ahead: each row's results are written in the same
  ;; loop that adds up the next row (the last row adds itself again; that sum is not used).
  (func (export "softmax_bwd") (param $y i32) (param $g i32) (param $rows i32) (param $D i32) (param $o i32) (param $log i32) (param $scale f32)
    (local $Db i32) (local $D4 i32) (local $k i32) (local $ny i32) (local $ng i32) (local $s f64) (local $ts f32) (local $t v128) (local $sc v128)
    (local.set $Db (i32.shl (local.get $D) (i32.const 2)))
    (local.set $D4 (i32.and (local.get $Db) (i32.const -16)))
    (local.set $sc (f32x4.splat (local.get $scale)))
    ;; the first row's sum
    (local.set $k (i32.const 0))
    (block $s0 (loop $ls0
      (br_if $s0 (i32.ge_u (local.get $k) (local.get $Db)))
      (local.set $s (f64.add (local.get $s) (f64.promote_f32 (if (result f32) (local.get $log)
        (then (f32.load (i32.add (local.get $g) (local.get $k))))
        (else (f32.mul (f32.load (i32.add (local.get $y) (local.get $k))) (f32.load (i32.add (local.get $g) (local.get $k)))))))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $ls0)))
    (loop $row
      (local.set $ts (f32.demote_f64 (local.get $s)))
      (local.set $t (f32x4.splat (local.get $ts)))
      (local.set $s (f64.const 0))
      (local.set $ny (select (i32.add (local.get $y) (local.get $Db)) (local.get $y) (i32.gt_u (local.get $rows) (i32.const 1))))
      (local.set $ng (select (i32.add (local.get $g) (local.get $Db)) (local.get $g) (i32.gt_u (local.get $rows) (i32.const 1))))
      (local.set $k (i32.const 0))
      (if (local.get $log)
        (then (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $k) (local.get $D4)))
          (v128.store (i32.add (local.get $o) (local.get $k)) (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $g) (local.get $k)))
            (f32x4.mul (call $exp4 (v128.load (i32.add (local.get $y) (local.get $k)))) (local.get $t))) (local.get $sc)))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (i32.add (local.get $ng) (local.get $k))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load offset=4 (i32.add (local.get $ng) (local.get $k))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load offset=8 (i32.add (local.get $ng) (local.get $k))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load offset=12 (i32.add (local.get $ng) (local.get $k))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br $l4)))
          (block $d1 (loop $l1
            (br_if $d1 (i32.ge_u (local.get $k) (local.get $Db)))
            (f32.store (i32.add (local.get $o) (local.get $k)) (f32.mul (f32.sub (f32.load (i32.add (local.get $g) (local.get $k)))
              (f32.mul (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.load (i32.add (local.get $y) (local.get $k)))))) (local.get $ts))) (local.get $scale)))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load (i32.add (local.get $ng) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $l1))))
        (else (block $e4 (loop $m4
          (br_if $e4 (i32.ge_u (local.get $k) (local.get $D4)))
          (v128.store (i32.add (local.get $o) (local.get $k)) (f32x4.mul (f32x4.mul (v128.load (i32.add (local.get $y) (local.get $k)))
            (f32x4.sub (v128.load (i32.add (local.get $g) (local.get $k))) (local.get $t))) (local.get $sc)))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.mul (f32.load (i32.add (local.get $ny) (local.get $k))) (f32.load (i32.add (local.get $ng) (local.get $k)))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.mul (f32.load offset=4 (i32.add (local.get $ny) (local.get $k))) (f32.load offset=4 (i32.add (local.get $ng) (local.get $k)))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.mul (f32.load offset=8 (i32.add (local.get $ny) (local.get $k))) (f32.load offset=8 (i32.add (local.get $ng) (local.get $k)))))))
          (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.mul (f32.load offset=12 (i32.add (local.get $ny) (local.get $k))) (f32.load offset=12 (i32.add (local.get $ng) (local.get $k)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br $m4)))
          (block $e1 (loop $m1
            (br_if $e1 (i32.ge_u (local.get $k) (local.get $Db)))
            (f32.store (i32.add (local.get $o) (local.get $k)) (f32.mul (f32.mul (f32.load (i32.add (local.get $y) (local.get $k)))
              (f32.sub (f32.load (i32.add (local.get $g) (local.get $k))) (local.get $ts))) (local.get $scale)))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.mul (f32.load (i32.add (local.get $ny) (local.get $k))) (f32.load (i32.add (local.get $ng) (local.get $k)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $m1)))))
      (local.set $y (local.get $ny))
      (local.set $g (local.get $ng))
      (local.set $o (i32.add (local.get $o) (local.get $Db)))
      (br_if $row (local.tee $rows (i32.sub (local.get $rows) (i32.const 1))))))

  ;; ---- exp, sigmoid and tanh of float32s, in f32x4 lanes --------------------------------------
  ;; Cephes' expf and tanhf (range reduction by Cody-Waite, minimax polynomials), every operation
  ;; a float32 one in a fixed order and no fused multiply-add, so kernels/transcendental.ts
  ;; computes the same bits in JavaScript (Math.fround after each operation). Accuracy from the
  ;; correctly rounded results: test/transcendental.test.ts and `npm run ulp` (all 2^32 inputs).

  ;; 2^k for integer lanes k in [-126, 127], as floats
  ;; @inline
  (func $pow2 (param $k v128) (result v128)
    (i32x4.shl (i32x4.add (local.get $k) (i32x4.splat (i32.const 127))) (i32.const 23)))

  ;; e^x. x is clamped to [-104, 89] (beyond, the result is 0 or +inf; NaN stays NaN: pmin and
  ;; pmax return their first operand unless the comparison holds, one instruction each where min
  ;; and max need NaN fix-ups); n = nearest(x·log2 e), rounded by adding and subtracting 1.5·2^23
  ;; (exact here, |x·log2 e| < 2^8), whose sum's low bits are also n as an integer; r = x - n·C1 -
  ;; n·C2 (C1 has 9 significant bits: n·C1 is exact); e^r = 1 + r + r²·P(r); the result e^r · 2^n
  ;; scaled in two exact-or-rounding-once halves, so subnormal results round once.
  (func $exp4 (param $x v128) (result v128) (call $exp4_in (local.get $x)))
  ;; exp4's body, copied into the loops that inline it (softmax's sums and outputs; exp, sigmoid,
  ;; tanh, GELU and LSTM's gates, laid side by side there: scripts/wat-inline.mjs); exp4 is the call
  ;; @inline
  (func $exp4_in (param $x v128) (result v128)
    (local $t v128) (local $n v128) (local $r v128) (local $y v128) (local $k v128) (local $k1 v128)
    (local.set $x (f32x4.pmax (f32x4.pmin (local.get $x) (f32x4.splat (f32.const 89))) (f32x4.splat (f32.const -104))))
    (local.set $t (f32x4.add (f32x4.mul (local.get $x) (f32x4.splat (f32.const 0x1.715476p+0))) (f32x4.splat (f32.const 0x1.8p23))))
    (local.set $n (f32x4.sub (local.get $t) (f32x4.splat (f32.const 0x1.8p23))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0x1.63p-1)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const -0x1.bd0106p-13)))))
    (local.set $y (f32x4.add (f32x4.mul (f32x4.splat (f32.const 0x1.a0d2cep-13)) (local.get $r)) (f32x4.splat (f32.const 0x1.6e879cp-10))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 0x1.11121p-7))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 0x1.555382p-5))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 0x1.555554p-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 0.5))))
    (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r)) (f32x4.splat (f32.const 1))))
    (local.set $k (i32x4.sub (local.get $t) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
    (local.set $k1 (i32x4.shr_s (local.get $k) (i32.const 1)))
    (f32x4.mul (f32x4.mul (local.get $y) (call $pow2 (local.get $k1))) (call $pow2 (i32x4.sub (local.get $k) (local.get $k1)))))

  ;; tanh x: x itself where |x| < 2^-12 (float32 rounds tanh x to x there; this keeps -0);
  ;; x + x·z·T(z), z = x², where |x| <= 0.625 (or x is NaN); else sign(x)·(1 - 2 / (e^(2|x|) + 1)).
  ;; @inline
  (func $tanh4 (param $x v128) (result v128)
    (call $tanh4_e (local.get $x) (call $exp4 (f32x4.add (f32x4.abs (local.get $x)) (f32x4.abs (local.get $x))))))
  ;; tanh4 given e = e^(2|x|) (lstm_fwd computes it beside its gates' exponentials)
  ;; @inline
  (func $tanh4_e (param $x v128) (param $e v128) (result v128)
    (local $a v128) (local $z v128) (local $p v128) (local $big v128)
    (local.set $a (f32x4.abs (local.get $x)))
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.add (f32x4.mul (f32x4.splat (f32.const -0x1.75e1d4p-8)) (local.get $z)) (f32x4.splat (f32.const 0x1.52269cp-6))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const -0x1.b83c5ap-5))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0x1.110726p-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const -0x1.555532p-2))))
    (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $z)) (local.get $x)) (local.get $x)))
    (local.set $big (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.div (f32x4.splat (f32.const 2))
      (f32x4.add (local.get $e) (f32x4.splat (f32.const 1))))))
    (local.set $big (v128.or (local.get $big) (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
    (v128.bitselect (local.get $x)
      (v128.bitselect (local.get $big) (local.get $p) (f32x4.gt (local.get $a) (f32x4.splat (f32.const 0.625))))
      (f32x4.lt (local.get $a) (f32x4.splat (f32.const 0x1p-12)))))

  ;; erf as PyTorch's GELU kernels compute it (oneDNN's gelu_erf, ATen's Vectorized<float>::erf):
  ;; Abramowitz & Stegun 7.1.26, sign(a)·(1 - t·r(t)·e^(-a²)), t = 1 / (1 + p·|a|), with fused
  ;; multiply-adds, as kernels/transcendental.ts's erfGeluf computes them (Math.fround(a * b + c)):
  ;; in f64x2 lanes, where the product of two floats is exact and the sum rounds once (then once
  ;; more to float: a true fma only differs by that double rounding, in rare ties). The four
  ;; lanes go as two f64x2 halves, l and h (demote-promote rounds a half to float).
  ;; (e^(-a²) is a statement of its own, exp4's body inlined, so that GELU's loops can interleave
  ;; two of these, exponentials included: 6.0 -> 4.0 ns an element, the backward 8.1 -> 4.1)
  ;; @inline
  (func $erf4_in (param $a v128) (result v128)
    (local $ax v128) (local $t v128) (local $l v128) (local $h v128) (local $tl v128) (local $th v128) (local $pl v128) (local $ph v128) (local $e v128) (local $q v128)
    (local.set $ax (f32x4.abs (local.get $a)))
    (local.set $l (f64x2.promote_low_f32x4 (local.get $ax)))
    (local.set $h (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $ax) (local.get $ax))))
    (local.set $t (f32x4.div (f32x4.splat (f32.const 1)) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $l) (f64x2.splat (f64.const 0.32759109139442444))) (f64x2.splat (f64.const 1))))
      (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $h) (f64x2.splat (f64.const 0.32759109139442444))) (f64x2.splat (f64.const 1)))))))
    (local.set $tl (f64x2.promote_low_f32x4 (local.get $t)))
    (local.set $th (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))))
    (local.set $pl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.0614054203033447)) (local.get $tl)) (f64x2.splat (f64.const -1.453152060508728))))))
    (local.set $ph (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.splat (f64.const 1.0614054203033447)) (local.get $th)) (f64x2.splat (f64.const -1.453152060508728))))))
    (local.set $pl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $pl) (local.get $tl)) (f64x2.splat (f64.const 1.421413779258728))))))
    (local.set $ph (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $ph) (local.get $th)) (f64x2.splat (f64.const 1.421413779258728))))))
    (local.set $pl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $pl) (local.get $tl)) (f64x2.splat (f64.const -0.2844967246055603))))))
    (local.set $ph (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $ph) (local.get $th)) (f64x2.splat (f64.const -0.2844967246055603))))))
    (local.set $pl (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $pl) (local.get $tl)) (f64x2.splat (f64.const 0.2548295855522156))))))
    (local.set $ph (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (local.get $ph) (local.get $th)) (f64x2.splat (f64.const 0.2548295855522156))))))
    (local.set $q (call $exp4_in (f32x4.neg (f32x4.mul (local.get $ax) (local.get $ax)))))
    (local.set $e (f32x4.mul (f32x4.neg (local.get $q)) (local.get $t)))
    (v128.xor
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $e)) (local.get $pl)) (f64x2.splat (f64.const 1))))
        (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $e) (local.get $e))) (local.get $ph)) (f64x2.splat (f64.const 1)))))
      (v128.and (local.get $a) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  ;; log x (Cephes' logf; kernels/transcendental.ts's logf runs the same steps): x = m·2^e with m
  ;; in [√½, √2) (subnormals scaled by 2^23 first), t = m - 1, log x = t - t²/2 + t³·L(t) + e·ln 2
  ;; (ln 2 as 0x1.63p-1 + -0x1.bd0106p-13, e·0x1.63p-1 exact); NaN below 0 and for NaN, -inf at
  ;; ±0, +inf at +inf.
  (func $log4 (param $x v128) (result v128)
    (local $sub v128) (local $s v128) (local $e v128) (local $m v128) (local $c v128) (local $t v128) (local $z v128) (local $y v128) (local $fe v128)
    (local.set $sub (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0x1p-126))))
    (local.set $s (v128.bitselect (f32x4.mul (local.get $x) (f32x4.splat (f32.const 0x1p23))) (local.get $x) (local.get $sub)))
    (local.set $e (i32x4.sub (i32x4.sub (v128.and (i32x4.shr_u (local.get $s) (i32.const 23)) (v128.const i32x4 0xff 0xff 0xff 0xff))
      (v128.const i32x4 126 126 126 126)) (v128.and (local.get $sub) (v128.const i32x4 23 23 23 23))))
    (local.set $m (v128.or (v128.and (local.get $s) (v128.const i32x4 0x807fffff 0x807fffff 0x807fffff 0x807fffff)) (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000)))
    ;; below √½: e - 1 and t = (m + m) - 1 (the mask's lanes are -1, and m + 0 is m)
    (local.set $c (f32x4.lt (local.get $m) (f32x4.splat (f32.const 0x1.6a09e6p-1))))
    (local.set $e (i32x4.add (local.get $e) (local.get $c)))
    (local.set $t (f32x4.sub (f32x4.add (local.get $m) (v128.and (local.get $m) (local.get $c))) (f32x4.splat (f32.const 1))))
    (local.set $z (f32x4.mul (local.get $t) (local.get $t)))
    (local.set $y (f32x4.add (f32x4.mul (f32x4.splat (f32.const 0x1.204376p-4)) (local.get $t)) (f32x4.splat (f32.const -0x1.d7a37p-4))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const 0x1.de4a34p-4))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const -0x1.fcba9ep-4))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const 0x1.23d37ep-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const -0x1.555cap-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const 0x1.999d58p-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const -0x1.fffff8p-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $t)) (f32x4.splat (f32.const 0x1.555554p-2))))
    (local.set $y (f32x4.mul (f32x4.mul (local.get $y) (local.get $t)) (local.get $z)))
    (local.set $fe (f32x4.convert_i32x4_s (local.get $e)))
    (local.set $y (f32x4.add (local.get $y) (f32x4.mul (f32x4.splat (f32.const -0x1.bd0106p-13)) (local.get $fe))))
    (local.set $y (f32x4.add (local.get $y) (f32x4.mul (f32x4.splat (f32.const -0.5)) (local.get $z))))
    (local.set $y (f32x4.add (f32x4.add (local.get $t) (local.get $y)) (f32x4.mul (f32x4.splat (f32.const 0x1.63p-1)) (local.get $fe))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y) (f32x4.eq (local.get $x) (f32x4.splat (f32.const inf)))))
    (local.set $y (v128.bitselect (f32x4.splat (f32.const -inf)) (local.get $y) (f32x4.eq (local.get $x) (f32x4.splat (f32.const 0)))))
    (v128.bitselect (f32x4.splat (f32.const nan)) (local.get $y) (v128.not (f32x4.ge (local.get $x) (f32x4.splat (f32.const 0))))))

  ;; The element functions of expf's ops (below), one v128 each; the backward ones get dy.
  ;; @inline
  (func $sigmoid4 (param $v v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $v))))))
  ;; sigmoid4 and tanh4 with exp4's body inlined: statements that `interleave` can lay side by side
  ;; @inline
  (func $sigmoid4_in (param $v v128) (result v128)
    (local $e v128)
    (local.set $e (call $exp4_in (f32x4.neg (local.get $v))))
    (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $e))))
  ;; @inline
  (func $tanh4_in (param $x v128) (result v128)
    (local $e v128) (local $y v128)
    (local.set $e (call $exp4_in (f32x4.add (f32x4.abs (local.get $x)) (f32x4.abs (local.get $x)))))
    (local.set $y (call $tanh4_e (local.get $x) (local.get $e)))
    (local.get $y))
  ;; GELU and its backward as statements (erf4's body inlined), so that `interleave` can lay two
  ;; side by side: ATen's (x·0.5)·(1 + erf(x·√½)) and dy·(0.5·(1 + erf(x·√½)) + x·β·e^(-x²/2))
  ;; @inline
  (func $gelu4 (param $v v128) (result v128)
    (local $u v128)
    (local.set $u (call $erf4_in (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0.7071067690849304)))))
    (f32x4.mul (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0.5))) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $u))))
  ;; @inline
  (func $gelu_bwd4 (param $v v128) (param $dy v128) (result v128)
    (local $u v128) (local $q v128)
    (local.set $u (call $erf4_in (f32x4.mul (local.get $v) (f32x4.splat (f32.const 0.7071067690849304)))))
    (local.set $q (call $exp4_in (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (f32x4.splat (f32.const -0.5)))))
    (f32x4.mul (local.get $dy)
      (f32x4.add (f32x4.mul (f32x4.splat (f32.const 0.5)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $u)))
        (f32x4.mul (local.get $v) (f32x4.mul (f32x4.splat (f32.const 0.3989422917366028)) (local.get $q))))))
  ;; @inline
  (func $silu4 (param $v v128) (result v128)
    (f32x4.div (local.get $v) (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $v))))))
  ;; @inline
  (func $silu_bwd4 (param $v v128) (param $dy v128) (result v128)
    (local $d v128)
    (local.set $d (call $sigmoid4 (local.get $v)))
    (f32x4.mul (f32x4.mul (local.get $dy) (local.get $d))
      (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $v) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $d))))))

  ;; tanh-approximate GELU's inner value β·(x + κ·x³), β = √(2/π)
  ;; @inline
  (func $gelu_tanh_inner4 (param $v v128) (result v128)
    (f32x4.mul (f32x4.splat (f32.const 0x1.988454p-1)) (f32x4.add (local.get $v)
      (f32x4.mul (f32x4.splat (f32.const 0x1.6e4e26p-5)) (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (local.get $v))))))
  ;; @inline
  (func $gelu_tanh4 (param $v v128) (result v128)
    (f32x4.mul (f32x4.mul (f32x4.splat (f32.const 0.5)) (local.get $v))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $tanh4 (call $gelu_tanh_inner4 (local.get $v))))))
  ;; dy·(0.5·(1 + t) + (0.5·x)·(1 - t²)·β·(1 + 3κ·x²)), t = tanh(inner)
  ;; @inline
  (func $gelu_tanh_bwd4 (param $v v128) (param $dy v128) (result v128)
    (local $t v128)
    (local.set $t (call $tanh4 (call $gelu_tanh_inner4 (local.get $v))))
    (f32x4.mul (local.get $dy) (f32x4.add
      (f32x4.mul (f32x4.splat (f32.const 0.5)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $t)))
      (f32x4.mul
        (f32x4.mul (f32x4.mul (f32x4.splat (f32.const 0.5)) (local.get $v)) (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $t) (local.get $t))))
        (f32x4.mul (f32x4.splat (f32.const 0x1.988454p-1))
          (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (f32x4.splat (f32.const 0x1.12ba9cp-3)) (f32x4.mul (local.get $v) (local.get $v)))))))))

  ;; expf: op 0 e^x, op 1 1 / (1 + e^-x), op 2 tanh x, op 3 GELU (x·0.5)·(1 + erf(x·√½)), op 4
  ;; GELU's backward dy·(0.5·(1 + erf(x·√½)) + x·β·e^(x·x·-0.5)), op 5 SiLU x / (1 + e^-x), op 6
  ;; SiLU's backward (dy·s)·(1 + x·(1 - s)), s = 1 / (1 + e^-x), op 7 log x, op 8 tanh-approximate
  ;; GELU (0.5·x)·(1 + tanh(β·(x + κ·x³))), op 9 its backward; the backward ops read dy from o and
  ;; overwrite it; of n float32s from x to o. One loop per op (one loop testing
  ;; the op per element ran no faster than the old call per v128), eight floats an iteration, the
  ;; element helpers inlined (build-wasm.mjs); exp4 and log4 stay calls in the ops that are not
  ;; interleaved (SiLU, log, tanh-GELU; inlined,
  ;; 10-15% more for 2.3 KB; exp4's 16 copies alone 5.4 KB). With exp4's cheaper clamp and
  ;; rounding: exp 3.0 -> 1.4 ns/element, GELU 6.1 -> 4.6, its backward 10.3 -> 6.9 (the kernel
  ;; alone, on module memory; a loaded machine). A last partial group reads and writes up to
  ;; seven floats past n: callers stage through areas of whole groups of eight floats.
  (func (export "expf") (param $op i32) (param $x i32) (param $o i32) (param $n i32)
    (local $e i32) (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    (local.set $e (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
    (if (i32.eqz (local.get $op)) (then (loop $l0
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (interleave
        (local.set $va (call $exp4_in (v128.load (local.get $x))))
        (local.set $vb (call $exp4_in (v128.load offset=16 (local.get $x))))
        (local.set $vc (call $exp4_in (v128.load offset=32 (local.get $x))))
        (local.set $vd (call $exp4_in (v128.load offset=48 (local.get $x)))))
      (v128.store (local.get $o) (local.get $va))
      (v128.store offset=16 (local.get $o) (local.get $vb))
      (v128.store offset=32 (local.get $o) (local.get $vc))
      (v128.store offset=48 (local.get $o) (local.get $vd))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $o (i32.add (local.get $o) (i32.const 64)))
      (br $l0))))
    (if (i32.eq (local.get $op) (i32.const 1)) (then (loop $l1
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (interleave
        (local.set $va (call $sigmoid4_in (v128.load (local.get $x))))
        (local.set $vb (call $sigmoid4_in (v128.load offset=16 (local.get $x))))
        (local.set $vc (call $sigmoid4_in (v128.load offset=32 (local.get $x))))
        (local.set $vd (call $sigmoid4_in (v128.load offset=48 (local.get $x)))))
      (v128.store (local.get $o) (local.get $va))
      (v128.store offset=16 (local.get $o) (local.get $vb))
      (v128.store offset=32 (local.get $o) (local.get $vc))
      (v128.store offset=48 (local.get $o) (local.get $vd))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $o (i32.add (local.get $o) (i32.const 64)))
      (br $l1))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then (loop $l2
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (interleave
        (local.set $va (call $tanh4_in (v128.load (local.get $x))))
        (local.set $vb (call $tanh4_in (v128.load offset=16 (local.get $x))))
        (local.set $vc (call $tanh4_in (v128.load offset=32 (local.get $x))))
        (local.set $vd (call $tanh4_in (v128.load offset=48 (local.get $x)))))
      (v128.store (local.get $o) (local.get $va))
      (v128.store offset=16 (local.get $o) (local.get $vb))
      (v128.store offset=32 (local.get $o) (local.get $vc))
      (v128.store offset=48 (local.get $o) (local.get $vd))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $o (i32.add (local.get $o) (i32.const 64)))
      (br $l2))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then (loop $l3
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (interleave
        (local.set $va (call $gelu4 (v128.load (local.get $x))))
        (local.set $vb (call $gelu4 (v128.load offset=16 (local.get $x)))))
      (v128.store (local.get $o) (local.get $va))
      (v128.store offset=16 (local.get $o) (local.get $vb))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l3))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then (loop $l4
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (interleave
        (local.set $va (call $gelu_bwd4 (v128.load (local.get $x)) (v128.load (local.get $o))))
        (local.set $vb (call $gelu_bwd4 (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $o)))))
      (v128.store (local.get $o) (local.get $va))
      (v128.store offset=16 (local.get $o) (local.get $vb))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l4))))
    (if (i32.eq (local.get $op) (i32.const 5)) (then (loop $l5
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (v128.store (local.get $o) (call $silu4 (v128.load (local.get $x))))
      (v128.store offset=16 (local.get $o) (call $silu4 (v128.load offset=16 (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l5))))
    (if (i32.eq (local.get $op) (i32.const 6)) (then (loop $l6
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (v128.store (local.get $o) (call $silu_bwd4 (v128.load (local.get $x)) (v128.load (local.get $o))))
      (v128.store offset=16 (local.get $o) (call $silu_bwd4 (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $o))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l6))))
    (if (i32.eq (local.get $op) (i32.const 7)) (then (loop $l7
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (v128.store (local.get $o) (call $log4 (v128.load (local.get $x))))
      (v128.store offset=16 (local.get $o) (call $log4 (v128.load offset=16 (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l7))))
    (if (i32.eq (local.get $op) (i32.const 8)) (then (loop $l8
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (v128.store (local.get $o) (call $gelu_tanh4 (v128.load (local.get $x))))
      (v128.store offset=16 (local.get $o) (call $gelu_tanh4 (v128.load offset=16 (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l8))))
    (if (i32.eq (local.get $op) (i32.const 9)) (then (loop $l9
      (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
      (v128.store (local.get $o) (call $gelu_tanh_bwd4 (v128.load (local.get $x)) (v128.load (local.get $o))))
      (v128.store offset=16 (local.get $o) (call $gelu_tanh_bwd4 (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $o))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $o (i32.add (local.get $o) (i32.const 32)))
      (br $l9))))
    ))

  ;; ---- LSTM's cell, one time step each way (ops/nn/recurrent-fused.ts) ------------------------
  ;; Every operation a float32 one in the order of nn-js.ts's lstmCell and lstmCellBackward (the
  ;; composed ops' roundings), sigmoid4 and tanh4 as the element-wise kernels, so the same bits.
  ;; Blocks are [b, H] (H a multiple of 4); gate rows of hg, xg and dx are [b, 4H] (gates i, f, g,
  ;; o side by side, GH = 4H floats a row); act holds the four activations as four [b, H] blocks.

  ;; lstm_fwd: gates = σ/tanh(hg + xg), c' = f·c + i·g, tanh(c') and h' = o·tanh(c'), from the
  ;; step's product hg = h·W_hhᵀ + b_hh, its input projection xg and the previous c (cp). The
  ;; four gates' exponentials (e^-x for σ, e^(2|x|) for tanh) are exp4's steps interleaved
  ;; (scripts/wat-inline.mjs): four independent dependency chains the CPU overlaps, where one
  ;; exp4 after another waited on each chain's latency (a cell of 20 x 200: 80 -> 51 µs).
  (func (export "lstm_fwd") (param $hg i32) (param $xg i32) (param $cp i32) (param $act i32) (param $cc i32) (param $tc i32) (param $z i32) (param $b i32) (param $H i32)
    (local $Hb i32) (local $bH i32) (local $e i32) (local $j i32) (local $ig v128) (local $fg v128) (local $gg v128) (local $og v128) (local $c v128) (local $t v128)
    (local $xi v128) (local $xf v128) (local $xg4 v128) (local $xo v128)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $bH (i32.mul (local.get $b) (local.get $Hb)))
    (local.set $e (i32.const 0))
    (block $none (br_if $none (i32.eqz (local.get $bH)))
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        ;; the pre-activations (kept in ig, fg, gg, og) and the exponentials' arguments
        (local.set $ig (f32x4.add (v128.load (i32.add (local.get $hg) (local.get $j))) (v128.load (i32.add (local.get $xg) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (local.get $Hb)))
        (local.set $fg (f32x4.add (v128.load (i32.add (local.get $hg) (local.get $j))) (v128.load (i32.add (local.get $xg) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (local.get $Hb)))
        (local.set $gg (f32x4.add (v128.load (i32.add (local.get $hg) (local.get $j))) (v128.load (i32.add (local.get $xg) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (local.get $Hb)))
        (local.set $og (f32x4.add (v128.load (i32.add (local.get $hg) (local.get $j))) (v128.load (i32.add (local.get $xg) (local.get $j)))))
        (local.set $j (i32.sub (local.get $j) (i32.mul (local.get $Hb) (i32.const 3))))
        (local.set $xi (f32x4.neg (local.get $ig))) (local.set $xf (f32x4.neg (local.get $fg)))
        (local.set $xg4 (f32x4.add (f32x4.abs (local.get $gg)) (f32x4.abs (local.get $gg)))) (local.set $xo (f32x4.neg (local.get $og)))
        ;; e^x of the four, side by side
        (interleave
          (local.set $xi (call $exp4_in (local.get $xi)))
          (local.set $xf (call $exp4_in (local.get $xf)))
          (local.set $xg4 (call $exp4_in (local.get $xg4)))
          (local.set $xo (call $exp4_in (local.get $xo))))
        ;; σ(x) = 1 / (1 + e^-x), as sigmoid4; tanh from e^(2|x|), as tanh4
        (local.set $ig (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $xi))))
        (local.set $fg (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $xf))))
        (local.set $gg (call $tanh4_e (local.get $gg) (local.get $xg4)))
        (local.set $og (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $xo))))
        (v128.store (i32.add (local.get $act) (local.get $e)) (local.get $ig))
        (v128.store (i32.add (i32.add (local.get $act) (local.get $bH)) (local.get $e)) (local.get $fg))
        (v128.store (i32.add (i32.add (local.get $act) (i32.shl (local.get $bH) (i32.const 1))) (local.get $e)) (local.get $gg))
        (v128.store (i32.add (i32.add (local.get $act) (i32.mul (local.get $bH) (i32.const 3))) (local.get $e)) (local.get $og))
        (local.set $c (f32x4.add (f32x4.mul (local.get $fg) (v128.load (i32.add (local.get $cp) (local.get $e)))) (f32x4.mul (local.get $ig) (local.get $gg))))
        (v128.store (i32.add (local.get $cc) (local.get $e)) (local.get $c))
        (local.set $t (call $tanh4 (local.get $c)))
        (v128.store (i32.add (local.get $tc) (local.get $e)) (local.get $t))
        (v128.store (i32.add (local.get $z) (local.get $e)) (f32x4.mul (local.get $og) (local.get $t)))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $Hb))))
      (local.set $hg (i32.add (local.get $hg) (i32.shl (local.get $Hb) (i32.const 2))))
      (local.set $xg (i32.add (local.get $xg) (i32.shl (local.get $Hb) (i32.const 2))))
      (br_if $row (i32.lt_u (local.get $e) (local.get $bH))))))

  ;; lstm_bwd: one step back from dh and the carried dc (updated in place to the previous step's):
  ;; each gate's pre-activation gradient into dx's [b, 4H] rows.
  (func (export "lstm_bwd") (param $act i32) (param $tc i32) (param $cp i32) (param $dh i32) (param $dc i32) (param $dx i32) (param $b i32) (param $H i32)
    (local $Hb i32) (local $bH i32) (local $e i32) (local $j i32) (local $one v128) (local $ig v128) (local $fg v128) (local $gg v128) (local $og v128)
    (local $th v128) (local $g v128) (local $c v128) (local $do v128) (local $at i32)
    (local.set $Hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $bH (i32.mul (local.get $b) (local.get $Hb)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $e (i32.const 0))
    (block $none (br_if $none (i32.eqz (local.get $bH)))
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (local.set $ig (v128.load (i32.add (local.get $act) (local.get $e))))
        (local.set $fg (v128.load (i32.add (i32.add (local.get $act) (local.get $bH)) (local.get $e))))
        (local.set $gg (v128.load (i32.add (i32.add (local.get $act) (i32.shl (local.get $bH) (i32.const 1))) (local.get $e))))
        (local.set $og (v128.load (i32.add (i32.add (local.get $act) (i32.mul (local.get $bH) (i32.const 3))) (local.get $e))))
        (local.set $th (v128.load (i32.add (local.get $tc) (local.get $e))))
        (local.set $g (v128.load (i32.add (local.get $dh) (local.get $e))))
        (local.set $do (f32x4.mul (local.get $g) (local.get $th)))
        (local.set $c (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $e)))
          (f32x4.mul (f32x4.mul (local.get $g) (local.get $og)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $th) (local.get $th))))))
        (v128.store (i32.add (local.get $dc) (local.get $e)) (f32x4.mul (local.get $c) (local.get $fg)))
        (local.set $at (i32.add (local.get $dx) (local.get $j)))
        (v128.store (local.get $at) (f32x4.mul (f32x4.mul (f32x4.mul (local.get $c) (local.get $gg)) (f32x4.sub (local.get $one) (local.get $ig))) (local.get $ig)))
        (local.set $at (i32.add (local.get $at) (local.get $Hb)))
        (v128.store (local.get $at) (f32x4.mul (f32x4.mul (f32x4.mul (local.get $c) (v128.load (i32.add (local.get $cp) (local.get $e))))
          (f32x4.sub (local.get $one) (local.get $fg))) (local.get $fg)))
        (local.set $at (i32.add (local.get $at) (local.get $Hb)))
        (v128.store (local.get $at) (f32x4.mul (f32x4.mul (local.get $c) (local.get $ig)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $gg) (local.get $gg)))))
        (local.set $at (i32.add (local.get $at) (local.get $Hb)))
        (v128.store (local.get $at) (f32x4.mul (f32x4.mul (local.get $do) (f32x4.sub (local.get $one) (local.get $og))) (local.get $og)))
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $Hb))))
      (local.set $dx (i32.add (local.get $dx) (i32.shl (local.get $Hb) (i32.const 2))))
      (br_if $row (i32.lt_u (local.get $e) (local.get $bH))))))

;; ---- LayerNorm over rows of D floats (D a multiple of 4) ----------------------------------------
  ;; kernels/nn-js.ts's layerNormRows and layerNormRowsBackward: the sums in f64x2 lanes, each
  ;; four-way, lanes 0 and 1 of $a0 over the elements 4k and 4k+1, of $a1 over 4k+2 and 4k+3,
  ;; combined as (s0 + s2) + (s1 + s3); y and dx in f32x4 lanes, every operation a float32 one
  ;; (the JS rows' Math.fround after each). Same order, same bits. Statistics as f64 pairs
  ;; (mean, invstd) at $st. (In f64x2 lanes throughout, the kernels alone took twice PyTorch's
  ;; whole LayerNorm(128) step.)

  ;; the sum of a0 + a1's two lanes
  (func $lanes (param $a0 v128) (param $a1 v128) (result f64)
    (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
    (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))

  ;; mode: 1 weight, 2 bias
  (func (export "ln_fwd") (param $x i32) (param $rows i32) (param $D i32) (param $w i32) (param $b i32) (param $mode i32)
    (param $eps f64) (param $st i32) (param $y i32)
    (local $e i32) (local $p i32) (local $j i32) (local $v v128) (local $a0 v128) (local $a1 v128) (local $d v128)
    (local $m f64) (local $is f64) (local $mv v128) (local $mf v128) (local $lf v128) (local $sf v128) (local $Df f64)
    (local.set $Df (f64.convert_i32_u (local.get $D)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set $e (i32.add (local.get $x) (i32.shl (local.get $D) (i32.const 2))))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $p (local.get $x))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l1)))
      (local.set $m (f64.div (call $lanes (local.get $a0) (local.get $a1)) (local.get $Df)))
      (local.set $mv (f64x2.splat (local.get $m)))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $p (local.get $x))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $p) (local.get $e)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $mv)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $mv)))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $l2)))
      (local.set $is (f64.div (f64.const 1) (f64.sqrt (f64.add (f64.div (call $lanes (local.get $a0) (local.get $a1)) (local.get $Df)) (local.get $eps)))))
      (f64.store (local.get $st) (local.get $m))
      (f64.store offset=8 (local.get $st) (local.get $is))
      ;; the output in float32 lanes: ((x - mh) - ml)·s, then ·w, + b (mh + ml = the mean to
      ;; about 2^-48, s = invstd rounded to float)
      (local.set $mf (f32x4.splat (f32.demote_f64 (local.get $m))))
      (local.set $lf (f32x4.splat (f32.demote_f64 (f64.sub (local.get $m) (f64.promote_f32 (f32.demote_f64 (local.get $m)))))))
      (local.set $sf (f32x4.splat (f32.demote_f64 (local.get $is))))
      (local.set $j (i32.const 0))
      (block $d3 (loop $l3
        (br_if $d3 (i32.ge_u (local.get $j) (i32.shl (local.get $D) (i32.const 2))))
        (local.set $v (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $mf)) (local.get $lf)) (local.get $sf)))
        (if (i32.and (local.get $mode) (i32.const 1)) (then
          (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $w) (local.get $j)))))))
        (if (i32.and (local.get $mode) (i32.const 2)) (then
          (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (local.get $b) (local.get $j)))))))
        (v128.store (i32.add (local.get $y) (local.get $j)) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l3)))
      (local.set $x (local.get $e))
      (local.set $y (i32.add (local.get $y) (i32.shl (local.get $D) (i32.const 2))))
      (local.set $st (i32.add (local.get $st) (i32.const 16)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row))))

  ;; mode: 1 weight, 2 dx wanted, 4 dw (f64 accumulators at $dw), 8 db (at $db)
  (func (export "ln_bwd") (param $x i32) (param $g i32) (param $rows i32) (param $D i32) (param $w i32) (param $mode i32)
    (param $st i32) (param $dx i32) (param $dw i32) (param $db i32)
    (local $j i32) (local $n i32) (local $v v128) (local $gl v128) (local $gh v128) (local $xl v128) (local $xh v128) (local $wl v128) (local $wh v128)
    (local $a0 v128) (local $a1 v128) (local $c0 v128) (local $c1 v128) (local $mv v128) (local $iv v128) (local $Df f64) (local $k i32)
    (local $m f64) (local $mf v128) (local $lf v128) (local $sf v128) (local $af v128) (local $cf v128)
    (local.set $Df (f64.convert_i32_u (local.get $D)))
    (local.set $n (i32.shl (local.get $D) (i32.const 2)))
    (block $done (loop $row
      (br_if $done (i32.eqz (local.get $rows)))
      (local.set $mv (f64x2.splat (f64.load (local.get $st))))
      (local.set $iv (f64x2.splat (f64.load offset=8 (local.get $st))))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $c0 (v128.const i64x2 0 0)) (local.set $c1 (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $v (v128.load (i32.add (local.get $g) (local.get $j))))
        (local.set $gl (f64x2.promote_low_f32x4 (local.get $v))) (local.set $gh (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
        (local.set $xl (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $mv)) (local.get $iv)))
        (local.set $xh (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $mv)) (local.get $iv)))
        (local.set $wl (local.get $gl)) (local.set $wh (local.get $gh))
        (if (i32.and (local.get $mode) (i32.const 1)) (then
          (local.set $v (v128.load (i32.add (local.get $w) (local.get $j))))
          (local.set $wl (f64x2.mul (local.get $gl) (f64x2.promote_low_f32x4 (local.get $v))))
          (local.set $wh (f64x2.mul (local.get $gh) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $wl)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $wh)))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $wl) (local.get $xl))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $wh) (local.get $xh))))
        (local.set $k (i32.shl (local.get $j) (i32.const 1)))
        (if (i32.and (local.get $mode) (i32.const 4)) (then
          (v128.store (i32.add (local.get $dw) (local.get $k)) (f64x2.add (v128.load (i32.add (local.get $dw) (local.get $k))) (f64x2.mul (local.get $gl) (local.get $xl))))
          (v128.store offset=16 (i32.add (local.get $dw) (local.get $k)) (f64x2.add (v128.load offset=16 (i32.add (local.get $dw) (local.get $k))) (f64x2.mul (local.get $gh) (local.get $xh))))))
        (if (i32.and (local.get $mode) (i32.const 8)) (then
          (v128.store (i32.add (local.get $db) (local.get $k)) (f64x2.add (v128.load (i32.add (local.get $db) (local.get $k))) (local.get $gl)))
          (v128.store offset=16 (i32.add (local.get $db) (local.get $k)) (f64x2.add (v128.load offset=16 (i32.add (local.get $db) (local.get $k))) (local.get $gh)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l1)))
      (if (i32.and (local.get $mode) (i32.const 2)) (then
        ;; dx in float32 lanes: s·((g·w - A) - x̂·C), x̂ = ((x - mh) - ml)·s, with A = mean(g·w),
        ;; C = mean(g·w·x̂) (summed in double above), s = invstd, mh + ml = the mean, each rounded to float
        (local.set $af (f32x4.splat (f32.demote_f64 (f64.div (call $lanes (local.get $a0) (local.get $a1)) (local.get $Df)))))
        (local.set $cf (f32x4.splat (f32.demote_f64 (f64.div (call $lanes (local.get $c0) (local.get $c1)) (local.get $Df)))))
        (local.set $m (f64.load (local.get $st)))
        (local.set $mf (f32x4.splat (f32.demote_f64 (local.get $m))))
        (local.set $lf (f32x4.splat (f32.demote_f64 (f64.sub (local.get $m) (f64.promote_f32 (f32.demote_f64 (local.get $m)))))))
        (local.set $sf (f32x4.splat (f32.demote_f64 (f64.load offset=8 (local.get $st)))))
        (local.set $j (i32.const 0))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $v (v128.load (i32.add (local.get $g) (local.get $j))))
          (if (i32.and (local.get $mode) (i32.const 1)) (then
            (local.set $v (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $w) (local.get $j)))))))
          (local.set $xl (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $mf)) (local.get $lf)) (local.get $sf)))
          (v128.store (i32.add (local.get $dx) (local.get $j))
            (f32x4.mul (local.get $sf) (f32x4.sub (f32x4.sub (local.get $v) (local.get $af)) (f32x4.mul (local.get $xl) (local.get $cf)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $l2)))
        (local.set $dx (i32.add (local.get $dx) (local.get $n)))))
      (local.set $x (i32.add (local.get $x) (local.get $n)))
      (local.set $g (i32.add (local.get $g) (local.get $n)))
      (local.set $st (i32.add (local.get $st) (i32.const 16)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $row))))

;; ---- batch normalisation over [N, C, S] (S = 1 with C a multiple of 4, or S a multiple of 4) ---
  ;; kernels/nn-js.ts's batchNormRows and batchNormRowsGradInput in f64x2 lanes, in the same order:
  ;; per-channel f64 accumulators a, b and the means at $mean (8 bytes a channel); S = 1 runs
  ;; across channels (each channel's terms in sample order, as the JS), S > 1 sums a sample's
  ;; positions four-way and adds (s0 + s2) + (s1 + s3) to the channel's total.
  ;; kind: 0 a += x, 1 a += (x - mean)², 3 a += g, b += g·(x - mean); kind 2, y = (x - mean)·a + b,
  ;; in float32 lanes from a table of floats (below)
  (func (export "bn_pass") (param $kind i32) (param $x i32) (param $N i32) (param $C i32) (param $S i32)
    (param $mean i32) (param $a i32) (param $b i32) (param $y i32) (param $g i32)
    (local $c i32) (local $j i32) (local $n4 i32) (local $v v128) (local $u v128) (local $lo v128) (local $hi v128)
    (local $ml v128) (local $mh v128) (local $a0 v128) (local $a1 v128) (local $q0 v128) (local $q1 v128) (local $p i32) (local $q i32)
    (local $C4 i32) (local $f0 v128) (local $f1 v128) (local $f2 v128) (local $f3 v128)
    (if (i32.eq (local.get $kind) (i32.const 2)) (then
      ;; y = ((x - mh[c]) - ml[c])·a[c] + b[c] in float32 lanes, from the float table at $mean:
      ;; mh, ml (the mean as a sum of two floats), a, b, C floats each
      (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
      (local.set $n4 (i32.shl (local.get $S) (i32.const 2)))
      (block $done2 (loop $sample2
        (br_if $done2 (i32.eqz (local.get $N)))
        (local.set $c (i32.const 0)) ;; a byte offset into the table's rows
        (block $dc3 (loop $lc3
          (br_if $dc3 (i32.ge_u (local.get $c) (local.get $C4)))
          (local.set $p (i32.add (local.get $mean) (local.get $c)))
          (if (i32.eq (local.get $S) (i32.const 1))
            (then
              ;; four channels of one sample
              (v128.store (i32.add (local.get $y) (local.get $c))
                (f32x4.add (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (v128.load (local.get $p)))
                  (v128.load (i32.add (local.get $p) (local.get $C4)))) (v128.load (i32.add (local.get $p) (i32.shl (local.get $C4) (i32.const 1)))))
                  (v128.load (i32.add (local.get $p) (i32.mul (local.get $C4) (i32.const 3))))))
              (local.set $c (i32.add (local.get $c) (i32.const 16))))
            (else
              (local.set $f0 (f32x4.splat (f32.load (local.get $p))))
              (local.set $f1 (f32x4.splat (f32.load (i32.add (local.get $p) (local.get $C4)))))
              (local.set $f2 (f32x4.splat (f32.load (i32.add (local.get $p) (i32.shl (local.get $C4) (i32.const 1))))))
              (local.set $f3 (f32x4.splat (f32.load (i32.add (local.get $p) (i32.mul (local.get $C4) (i32.const 3))))))
              (local.set $j (i32.const 0))
              (block $dj3 (loop $lj3
                (br_if $dj3 (i32.ge_u (local.get $j) (local.get $n4)))
                (v128.store (i32.add (local.get $y) (local.get $j))
                  (f32x4.add (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $f0)) (local.get $f1)) (local.get $f2)) (local.get $f3)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $lj3)))
              (local.set $x (i32.add (local.get $x) (local.get $n4)))
              (local.set $y (i32.add (local.get $y) (local.get $n4)))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))))
          (br $lc3)))
        (if (i32.eq (local.get $S) (i32.const 1)) (then
          (local.set $x (i32.add (local.get $x) (local.get $C4)))
          (local.set $y (i32.add (local.get $y) (local.get $C4)))))
        (local.set $N (i32.sub (local.get $N) (i32.const 1)))
        (br $sample2)))
      (return)))
    (block $done (loop $sample
      (br_if $done (i32.eqz (local.get $N)))
      (if (i32.eq (local.get $S) (i32.const 1))
        (then
          (local.set $c (i32.const 0))
          ;; one loop per kind, as below
          (if (i32.eqz (local.get $kind)) (then
          (block $dc0 (loop $lc0
            (br_if $dc0 (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $p (i32.shl (local.get $c) (i32.const 2)))
            (local.set $q (i32.shl (local.get $c) (i32.const 3)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
              (v128.store (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $a) (local.get $q))) (local.get $lo)))
              (v128.store offset=16 (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load offset=16 (i32.add (local.get $a) (local.get $q))) (local.get $hi)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $lc0)))
          ) (else (if (i32.eq (local.get $kind) (i32.const 1)) (then
          (block $dc1 (loop $lc1
            (br_if $dc1 (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $p (i32.shl (local.get $c) (i32.const 2)))
            (local.set $q (i32.shl (local.get $c) (i32.const 3)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
            (local.set $ml (v128.load (i32.add (local.get $mean) (local.get $q))))
            (local.set $mh (v128.load offset=16 (i32.add (local.get $mean) (local.get $q))))
              (local.set $lo (f64x2.sub (local.get $lo) (local.get $ml))) (local.set $hi (f64x2.sub (local.get $hi) (local.get $mh)))
              (v128.store (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $a) (local.get $q))) (f64x2.mul (local.get $lo) (local.get $lo))))
              (v128.store offset=16 (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load offset=16 (i32.add (local.get $a) (local.get $q))) (f64x2.mul (local.get $hi) (local.get $hi))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $lc1)))
          ) (else
          (block $dc3 (loop $lc3
            (br_if $dc3 (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $p (i32.shl (local.get $c) (i32.const 2)))
            (local.set $q (i32.shl (local.get $c) (i32.const 3)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
            (local.set $ml (v128.load (i32.add (local.get $mean) (local.get $q))))
            (local.set $mh (v128.load offset=16 (i32.add (local.get $mean) (local.get $q))))
              (local.set $u (v128.load (i32.add (local.get $g) (local.get $p))))
              (v128.store (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $a) (local.get $q))) (f64x2.promote_low_f32x4 (local.get $u))))
              (v128.store offset=16 (i32.add (local.get $a) (local.get $q)) (f64x2.add (v128.load offset=16 (i32.add (local.get $a) (local.get $q))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u)))))
              (v128.store (i32.add (local.get $b) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $b) (local.get $q))) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $u)) (f64x2.sub (local.get $lo) (local.get $ml)))))
              (v128.store offset=16 (i32.add (local.get $b) (local.get $q)) (f64x2.add (v128.load offset=16 (i32.add (local.get $b) (local.get $q))) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u))) (f64x2.sub (local.get $hi) (local.get $mh)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $lc3)))
          ))))
          (local.set $p (i32.shl (local.get $C) (i32.const 2))))
        (else
          (local.set $n4 (i32.shl (local.get $S) (i32.const 2)))
          (local.set $c (i32.const 0))
          (block $dc2 (loop $lc2
            (br_if $dc2 (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $q (i32.shl (local.get $c) (i32.const 3)))
            (local.set $ml (f64x2.splat (f64.load (i32.add (local.get $mean) (local.get $q)))))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $q0 (v128.const i64x2 0 0)) (local.set $q1 (v128.const i64x2 0 0))
            (local.set $j (i32.const 0))
            ;; one loop per kind (a kind tested per vector cost as much as the sums)
            (if (i32.eqz (local.get $kind)) (then
            (block $dj0 (loop $lj0
              (br_if $dj0 (i32.ge_u (local.get $j) (local.get $n4)))
              (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
              (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
                (local.set $a0 (f64x2.add (local.get $a0) (local.get $lo)))
                (local.set $a1 (f64x2.add (local.get $a1) (local.get $hi)))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $lj0)))
            ) (else (if (i32.eq (local.get $kind) (i32.const 1)) (then
            (block $dj1 (loop $lj1
              (br_if $dj1 (i32.ge_u (local.get $j) (local.get $n4)))
              (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
              (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
                (local.set $lo (f64x2.sub (local.get $lo) (local.get $ml))) (local.set $hi (f64x2.sub (local.get $hi) (local.get $ml)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $lo) (local.get $lo))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $hi) (local.get $hi))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $lj1)))
            ) (else
            (block $dj3 (loop $lj3
              (br_if $dj3 (i32.ge_u (local.get $j) (local.get $n4)))
              (local.set $v (v128.load (i32.add (local.get $x) (local.get $j))))
              (local.set $lo (f64x2.promote_low_f32x4 (local.get $v))) (local.set $hi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
                (local.set $u (v128.load (i32.add (local.get $g) (local.get $j))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.promote_low_f32x4 (local.get $u))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u)))))
                (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $u)) (f64x2.sub (local.get $lo) (local.get $ml)))))
                (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $u) (local.get $u))) (f64x2.sub (local.get $hi) (local.get $ml)))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $lj3)))
            ))))
            (f64.store (i32.add (local.get $a) (local.get $q))
              (f64.add (f64.load (i32.add (local.get $a) (local.get $q))) (call $lanes (local.get $a0) (local.get $a1))))
            (if (i32.eq (local.get $kind) (i32.const 3)) (then
              (f64.store (i32.add (local.get $b) (local.get $q))
                (f64.add (f64.load (i32.add (local.get $b) (local.get $q))) (call $lanes (local.get $q0) (local.get $q1))))))
            (local.set $x (i32.add (local.get $x) (local.get $n4)))
            (local.set $g (i32.add (local.get $g) (local.get $n4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $lc2)))
          (local.set $p (i32.const 0))))
      ;; S = 1 advanced nothing per channel: step a whole sample ($p bytes)
      (local.set $x (i32.add (local.get $x) (local.get $p)))
      (local.set $g (i32.add (local.get $g) (local.get $p)))
      (local.set $N (i32.sub (local.get $N) (i32.const 1)))
      (br $sample))))

;; dx = ((g·gw[c] - gm[c]) - ((x - mh[c]) - ml[c])·invstd[c]·xm[c])·k[c] in float32 lanes; the
  ;; per-channel floats at $st, seven arrays of C: mh, ml (the mean as a sum of two floats),
  ;; invstd, k, gm, xm, gw (ones for BatchNorm: g·1 is g exactly)
  (func (export "bn_dx") (param $g i32) (param $x i32) (param $N i32) (param $C i32) (param $S i32) (param $st i32) (param $dx i32)
    (local $c i32) (local $j i32) (local $n4 i32) (local $q i32) (local $C4 i32)
    (local $m0 v128) (local $l0 v128) (local $i0 v128) (local $k0 v128) (local $g0 v128) (local $x0 v128) (local $w0 v128)
    (local.set $C4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $n4 (i32.shl (local.get $S) (i32.const 2)))
    (block $done (loop $sample
      (br_if $done (i32.eqz (local.get $N)))
      (local.set $c (i32.const 0)) ;; a byte offset into the table's rows
      (block $dc (loop $lc
        (br_if $dc (i32.ge_u (local.get $c) (local.get $C4)))
        (local.set $q (i32.add (local.get $st) (local.get $c)))
        (if (i32.eq (local.get $S) (i32.const 1))
          (then
            ;; four channels of one sample: the per-channel values as f32x4s
            (local.set $m0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $l0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $i0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $k0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $g0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $x0 (v128.load (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $w0 (v128.load (local.get $q)))
            (v128.store (local.get $dx)
              (f32x4.mul (f32x4.sub (f32x4.sub (f32x4.mul (v128.load (local.get $g)) (local.get $w0)) (local.get $g0))
                (f32x4.mul (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (local.get $x)) (local.get $m0)) (local.get $l0)) (local.get $i0)) (local.get $x0))) (local.get $k0)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16))))
          (else
            (local.set $m0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $l0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $i0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $k0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $g0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $x0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $q (i32.add (local.get $q) (local.get $C4)))
            (local.set $w0 (f32x4.splat (f32.load (local.get $q))))
            (local.set $j (i32.const 0))
            (block $dj (loop $lj
              (br_if $dj (i32.ge_u (local.get $j) (local.get $n4)))
              (v128.store (i32.add (local.get $dx) (local.get $j))
                (f32x4.mul (f32x4.sub (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $j))) (local.get $w0)) (local.get $g0))
                  (f32x4.mul (f32x4.mul (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $m0)) (local.get $l0)) (local.get $i0)) (local.get $x0))) (local.get $k0)))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $lj)))
            (local.set $x (i32.add (local.get $x) (local.get $n4)))
            (local.set $g (i32.add (local.get $g) (local.get $n4)))
            (local.set $dx (i32.add (local.get $dx) (local.get $n4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))))
        (br $lc)))
      (local.set $N (i32.sub (local.get $N) (i32.const 1)))
      (br $sample))))

;; ---- Adam/AdamW, PyTorch's for-loop arithmetic ------------------------------------------------
  ;; kernels/js.ts's adam in f32x4 lanes: every float32 operation the same, each fused
  ;; multiply-add (lerp_, addcmul_, add_ with alpha) in f64x2 halves rounded once, as the JS's
  ;; Math.fround(a * b + c), so the same bits. n floats at p, g, m, v (and vmax with amsgrad), a
  ;; multiple of 4. mode: 1 maximize, 2 coupled weight decay, 4 decoupled, 8 the small-w1 lerp
  ;; form, 16 amsgrad, 32 NAdam's step (then $ss is its c2 and $bc2 is 1 - beta2^t), 64 RAdam's
  ;; (128 rectified, 256 in the capturable order; $bc2 is then √(1 - beta2^t)).
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32) (param $n i32) (param $mode i32)
    (param $wd f32) (param $decay f32) (param $w1 f32) (param $w1c f32) (param $b2 f32) (param $c2 f32) (param $bc2 f32) (param $eps f32) (param $ss f32) (param $c1 f32)
    (param $bc1 f32) (param $lr f32) (param $rect f32)
    (local $e i32) (local $pi v128) (local $gr v128) (local $mi v128) (local $d v128) (local $m1 v128) (local $v1 v128) (local $x v128) (local $t v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (local.set $pi (v128.load (local.get $p)))
      (local.set $gr (v128.load (local.get $g)))
      (if (i32.and (local.get $mode) (i32.const 1)) (then (local.set $gr (f32x4.neg (local.get $gr)))))
      (if (i32.and (local.get $mode) (i32.const 4)) (then (local.set $pi (f32x4.mul (local.get $pi) (f32x4.splat (local.get $decay))))))
      (if (i32.and (local.get $mode) (i32.const 2)) (then
        (local.set $t (f32x4.splat (local.get $wd)))
        (local.set $gr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $pi))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
      (local.set $mi (v128.load (local.get $m)))
      (local.set $d (f32x4.sub (local.get $gr) (local.get $mi)))
      (if (i32.and (local.get $mode) (i32.const 8))
        (then
          (local.set $t (f32x4.splat (local.get $w1)))
          (local.set $m1 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $d))) (f64x2.promote_low_f32x4 (local.get $mi))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $mi) (local.get $mi))))))))
        (else
          (local.set $t (f32x4.splat (local.get $w1c)))
          (local.set $d (f32x4.neg (local.get $d)))
          (local.set $m1 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (f64x2.promote_low_f32x4 (local.get $t))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
      (local.set $t (f32x4.mul (f32x4.splat (local.get $c2)) (local.get $gr)))
      (local.set $x (f32x4.mul (v128.load (local.get $v)) (f32x4.splat (local.get $b2))))
      (local.set $v1 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $gr))) (f64x2.promote_low_f32x4 (local.get $x))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))))))
      (v128.store (local.get $v) (local.get $v1))
      (v128.store (local.get $m) (local.get $m1))
      (if (i32.and (local.get $mode) (i32.const 64))
        (then
          ;; RAdam: p -= (m / bc1)·lr, rectified (128) in the plain or the capturable (256) order
          (local.set $t (f32x4.mul (f32x4.div (local.get $m1) (f32x4.splat (local.get $bc1))) (f32x4.splat (local.get $lr))))
          (local.set $x (f32x4.add (f32x4.sqrt (local.get $v1)) (f32x4.splat (local.get $eps))))
          (if (i32.and (local.get $mode) (i32.const 128)) (then
            (if (i32.and (local.get $mode) (i32.const 256))
              (then (local.set $t (f32x4.mul (local.get $t) (f32x4.mul (f32x4.splat (local.get $rect)) (f32x4.div (f32x4.splat (local.get $bc2)) (local.get $x))))))
              (else (local.set $t (f32x4.mul (f32x4.mul (local.get $t) (f32x4.mul (f32x4.div (f32x4.splat (f32.const 1)) (local.get $x)) (f32x4.splat (local.get $bc2)))) (f32x4.splat (local.get $rect))))))))
          (v128.store (local.get $p) (f32x4.sub (local.get $pi) (local.get $t))))
        (else
      (if (i32.and (local.get $mode) (i32.const 32))
        (then
          ;; NAdam: denom = √(v / bc2) + eps; p += c1·g / denom; p += ss·m / denom
          (local.set $x (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v1) (f32x4.splat (local.get $bc2)))) (f32x4.splat (local.get $eps))))
          (local.set $pi (f32x4.add (local.get $pi) (f32x4.div (f32x4.mul (f32x4.splat (local.get $c1)) (local.get $gr)) (local.get $x))))
          (v128.store (local.get $p) (f32x4.add (local.get $pi) (f32x4.div (f32x4.mul (f32x4.splat (local.get $ss)) (local.get $m1)) (local.get $x)))))
        (else
      (if (i32.and (local.get $mode) (i32.const 16)) (then
        (local.set $x (v128.load (local.get $vm)))
        (local.set $v1 (v128.bitselect (local.get $v1) (local.get $x)
          (v128.or (f32x4.gt (local.get $v1) (local.get $x)) (f32x4.ne (local.get $v1) (local.get $v1)))))
        (v128.store (local.get $vm) (local.get $v1))
        (local.set $vm (i32.add (local.get $vm) (i32.const 16)))))
      (v128.store (local.get $p)
        (f32x4.add (local.get $pi) (f32x4.div (f32x4.mul (f32x4.splat (local.get $ss)) (local.get $m1))
          (f32x4.add (f32x4.div (f32x4.sqrt (local.get $v1)) (f32x4.splat (local.get $bc2))) (f32x4.splat (local.get $eps))))))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $m (i32.add (local.get $m) (i32.const 16)))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (br $l))))

  ;; RMSprop, kernels/js.ts's rmsprop in f32x4 lanes as adam's (fmas in f64x2 halves). n floats
  ;; at p, g, sq (and ga centered, b with momentum: 0 when absent), a multiple of 4. mode: 1
  ;; maximize, 2 weight decay, 4 centered, 8 the small-w lerp form, 16 momentum.
  (func (export "rmsprop") (param $p i32) (param $g i32) (param $sq i32) (param $ga i32) (param $b i32) (param $n i32) (param $mode i32)
    (param $wd f32) (param $alpha f32) (param $w f32) (param $wc f32) (param $eps f32) (param $mom f32) (param $nlr f32)
    (local $e i32) (local $pi v128) (local $gr v128) (local $s v128) (local $a v128) (local $d v128) (local $t v128) (local $x v128) (local $avg v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (local.set $pi (v128.load (local.get $p)))
      (local.set $gr (v128.load (local.get $g)))
      (if (i32.and (local.get $mode) (i32.const 1)) (then (local.set $gr (f32x4.neg (local.get $gr)))))
      (if (i32.and (local.get $mode) (i32.const 2)) (then
        (local.set $t (f32x4.splat (local.get $wd)))
        (local.set $gr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $pi))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
      (local.set $t (f32x4.mul (f32x4.splat (local.get $w)) (local.get $gr)))
      (local.set $x (f32x4.mul (v128.load (local.get $sq)) (f32x4.splat (local.get $alpha))))
      (local.set $s (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $gr))) (f64x2.promote_low_f32x4 (local.get $x))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))))))
      (v128.store (local.get $sq) (local.get $s))
      (if (i32.and (local.get $mode) (i32.const 4))
        (then
          (local.set $a (v128.load (local.get $ga)))
          (local.set $d (f32x4.sub (local.get $gr) (local.get $a)))
          (if (i32.and (local.get $mode) (i32.const 8))
            (then
              (local.set $t (f32x4.splat (local.get $w)))
              (local.set $a (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $d))) (f64x2.promote_low_f32x4 (local.get $a))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a) (local.get $a))))))))
            (else
              (local.set $t (f32x4.splat (local.get $wc)))
              (local.set $d (f32x4.neg (local.get $d)))
              (local.set $a (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $d)) (f64x2.promote_low_f32x4 (local.get $t))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
          (v128.store (local.get $ga) (local.get $a))
          (local.set $ga (i32.add (local.get $ga) (i32.const 16)))
          (local.set $t (f32x4.neg (local.get $a)))
          (local.set $avg (f32x4.sqrt (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $a))) (f64x2.promote_low_f32x4 (local.get $s))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a) (local.get $a)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s) (local.get $s)))))))))
        (else (local.set $avg (f32x4.sqrt (local.get $s)))))
      (local.set $avg (f32x4.add (local.get $avg) (f32x4.splat (local.get $eps))))
      (if (i32.and (local.get $mode) (i32.const 16))
        (then
          (local.set $x (f32x4.add (f32x4.mul (v128.load (local.get $b)) (f32x4.splat (local.get $mom))) (f32x4.div (local.get $gr) (local.get $avg))))
          (v128.store (local.get $b) (local.get $x))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $t (f32x4.splat (local.get $nlr)))
          (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $x))) (f64x2.promote_low_f32x4 (local.get $pi))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi))))))))
        (else
          (v128.store (local.get $p) (f32x4.add (local.get $pi) (f32x4.div (f32x4.mul (f32x4.splat (local.get $nlr)) (local.get $gr)) (local.get $avg))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $sq (i32.add (local.get $sq) (i32.const 16)))
      (br $l))))

  ;; Adagrad, kernels/js.ts's adagrad in f32x4 lanes as adam's. n floats at p, g, sum, a multiple
  ;; of 4. mode: 1 maximize, 2 weight decay.
  (func (export "adagrad") (param $p i32) (param $g i32) (param $sum i32) (param $n i32) (param $mode i32)
    (param $wd f32) (param $eps f32) (param $nclr f32)
    (local $e i32) (local $pi v128) (local $gr v128) (local $s v128) (local $t v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (local.set $pi (v128.load (local.get $p)))
      (local.set $gr (v128.load (local.get $g)))
      (if (i32.and (local.get $mode) (i32.const 1)) (then (local.set $gr (f32x4.neg (local.get $gr)))))
      (if (i32.and (local.get $mode) (i32.const 2)) (then
        (local.set $t (f32x4.splat (local.get $wd)))
        (local.set $gr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $pi))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
      (local.set $t (v128.load (local.get $sum)))
      (local.set $s (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $gr)) (f64x2.promote_low_f32x4 (local.get $gr))) (f64x2.promote_low_f32x4 (local.get $t))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))))))
      (v128.store (local.get $sum) (local.get $s))
      (v128.store (local.get $p) (f32x4.add (local.get $pi)
        (f32x4.div (f32x4.mul (f32x4.splat (local.get $nclr)) (local.get $gr)) (f32x4.add (f32x4.sqrt (local.get $s)) (f32x4.splat (local.get $eps))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $sum (i32.add (local.get $sum) (i32.const 16)))
      (br $l))))

  ;; Adadelta, kernels/js.ts's adadelta in f32x4 lanes as adam's. mode: 1 maximize, 2 weight decay.
  (func (export "adadelta") (param $p i32) (param $g i32) (param $sq i32) (param $acc i32) (param $n i32) (param $mode i32)
    (param $wd f32) (param $rho f32) (param $w f32) (param $eps f32) (param $nlr f32)
    (local $e i32) (local $pi v128) (local $gr v128) (local $s v128) (local $a v128) (local $d v128) (local $t v128) (local $x v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (local.set $pi (v128.load (local.get $p)))
      (local.set $a (v128.load (local.get $acc)))
      (local.set $gr (v128.load (local.get $g)))
      (if (i32.and (local.get $mode) (i32.const 1)) (then (local.set $gr (f32x4.neg (local.get $gr)))))
      (if (i32.and (local.get $mode) (i32.const 2)) (then
        (local.set $t (f32x4.splat (local.get $wd)))
        (local.set $gr (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $pi))) (f64x2.promote_low_f32x4 (local.get $gr))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))))))))
      (local.set $t (f32x4.mul (f32x4.splat (local.get $w)) (local.get $gr)))
      (local.set $x (f32x4.mul (v128.load (local.get $sq)) (f32x4.splat (local.get $rho))))
      (local.set $s (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $gr))) (f64x2.promote_low_f32x4 (local.get $x))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $gr) (local.get $gr)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))))))
      (v128.store (local.get $sq) (local.get $s))
      (local.set $d (f32x4.mul (f32x4.div (f32x4.sqrt (f32x4.add (local.get $a) (f32x4.splat (local.get $eps))))
        (f32x4.sqrt (f32x4.add (local.get $s) (f32x4.splat (local.get $eps))))) (local.get $gr)))
      (local.set $t (f32x4.mul (f32x4.splat (local.get $w)) (local.get $d)))
      (local.set $x (f32x4.mul (local.get $a) (f32x4.splat (local.get $rho))))
      (v128.store (local.get $acc) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $d))) (f64x2.promote_low_f32x4 (local.get $x))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))))))
      (local.set $t (f32x4.splat (local.get $nlr)))
      (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t)) (f64x2.promote_low_f32x4 (local.get $d))) (f64x2.promote_low_f32x4 (local.get $pi))))
          (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d)))) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pi) (local.get $pi)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $sq (i32.add (local.get $sq) (i32.const 16)))
      (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
      (br $l))))

  ;; Rprop, kernels/js.ts's rprop in f32x4 lanes: the factor by the sign of g·prev (NaN: 1), the
  ;; step size clamped (NaN kept: min and max propagate it), g zeroed where the factor is etaminus,
  ;; p -= sign(g)·step. mode: 1 maximize.
  (func (export "rprop") (param $p i32) (param $g i32) (param $prev i32) (param $ss i32) (param $n i32) (param $mode i32)
    (param $plus f32) (param $minus f32) (param $lo f32) (param $hi f32)
    (local $e i32) (local $gr v128) (local $pr v128) (local $f v128) (local $s v128) (local $one v128)
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (local.set $gr (v128.load (local.get $g)))
      (if (i32.and (local.get $mode) (i32.const 1)) (then (local.set $gr (f32x4.neg (local.get $gr)))))
      (local.set $pr (f32x4.mul (local.get $gr) (v128.load (local.get $prev))))
      (local.set $f (v128.bitselect (f32x4.splat (local.get $plus))
        (v128.bitselect (f32x4.splat (local.get $minus)) (local.get $one) (f32x4.lt (local.get $pr) (f32x4.splat (f32.const 0))))
        (f32x4.gt (local.get $pr) (f32x4.splat (f32.const 0)))))
      (local.set $s (f32x4.min (f32x4.max (f32x4.mul (v128.load (local.get $ss)) (local.get $f)) (f32x4.splat (local.get $lo))) (f32x4.splat (local.get $hi))))
      (local.set $gr (v128.andnot (local.get $gr) (f32x4.eq (local.get $f) (f32x4.splat (local.get $minus)))))
      (v128.store (local.get $p) (f32x4.sub (v128.load (local.get $p))
        (f32x4.mul (v128.bitselect (local.get $one)
          (v128.bitselect (f32x4.splat (f32.const -1)) (v128.const i32x4 0 0 0 0) (f32x4.lt (local.get $gr) (f32x4.splat (f32.const 0))))
          (f32x4.gt (local.get $gr) (f32x4.splat (f32.const 0)))) (local.get $s))))
      (v128.store (local.get $prev) (local.get $gr))
      (v128.store (local.get $ss) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $prev (i32.add (local.get $prev) (i32.const 16)))
      (local.set $ss (i32.add (local.get $ss) (i32.const 16)))
      (br $l))))
)
