import type { NnKernels } from './types.js';

/**
 * Plain-JS kernels of the `nn` ops (softmax, im2col/col2im, max pooling; the convolution,
 * which also needs matmul, is in `js.ts`). Spread into
 * `jsKernels`; a WebAssembly set replaces them through the same `Kernels` interface.
 */
export const nnJsKernels: Omit<NnKernels, 'conv2d' | 'conv2dBackward' | 'linear' | 'linearBackward'> = {
  softmax(x, xOff, pre, D, post, out, log) {
    // NOTE: shift by the row max (a NaN max propagates, as PyTorch) and accumulate the sum of
    // exponentials in double, so large logits neither overflow nor lose the small terms.
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        const s = xOff + p * D * post + q;
        const o = p * D * post + q;
        let m = -Infinity;
        for (let k = 0; k < D; k++) {
          const v = x[s + k * post]!;
          if (v > m || v !== v) m = v;
          if (m !== m) break;
        }
        if (m === -Infinity) m = 0; // all -inf: keep exp(-inf - 0) = 0 instead of NaN
        let acc = 0;
        for (let k = 0; k < D; k++) acc += Math.exp(x[s + k * post]! - m);
        if (log) {
          const lse = Math.log(acc);
          for (let k = 0; k < D; k++) out[o + k * post] = x[s + k * post]! - m - lse;
        } else {
          for (let k = 0; k < D; k++) out[o + k * post] = Math.exp(x[s + k * post]! - m) / acc;
        }
      }
    }
  },

  unfold(x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out) {
    // out is [N, C·kh·kw, Ho·Wo]: row (c, ky, kx) holds that kernel tap at every output position.
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let o = 0;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const xc = xOff + (n * C + c) * H * W;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            for (let oy = 0; oy < Ho; oy++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) {
                out.fill(0, o, o + Wo);
                o += Wo;
                continue;
              }
              const xr = xc + iy * W;
              if (sw === 1 && kx - pw >= 0 && Wo - 1 + kx - pw < W) {
                // stride 1 and no padding in reach: a contiguous run of the input row
                for (let ox = 0, s = xr + kx - pw; ox < Wo; ox++) out[o++] = x[s + ox]!;
                continue;
              }
              for (let ox = 0; ox < Wo; ox++) {
                const ix = ox * sw - pw + kx;
                out[o++] = ix >= 0 && ix < W ? x[xr + ix]! : 0;
              }
            }
          }
        }
      }
    }
  },

  fold(cols, cOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out) {
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let i = cOff;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const oc = (n * C + c) * H * W;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            for (let oy = 0; oy < Ho; oy++) {
              const iy = oy * sh - ph + ky;
              if (iy < 0 || iy >= H) {
                i += Wo;
                continue;
              }
              const orow = oc + iy * W;
              for (let ox = 0; ox < Wo; ox++, i++) {
                const ix = ox * sw - pw + kx;
                if (ix >= 0 && ix < W) out[orow + ix] = out[orow + ix]! + cols[i]!;
              }
            }
          }
        }
      }
    }
  },

  maxPool2d(x, xOff, N, C, H, W, kh, kw, sh, sw, ph, pw, out, idx) {
    const Ho = Math.floor((H + 2 * ph - kh) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - kw) / sw) + 1;
    let o = 0;
    for (let nc = 0; nc < N * C; nc++) {
      const base = nc * H * W;
      for (let oy = 0; oy < Ho; oy++) {
        const y0 = Math.max(0, oy * sh - ph), y1 = Math.min(H, oy * sh - ph + kh);
        for (let ox = 0; ox < Wo; ox++) {
          const x0 = Math.max(0, ox * sw - pw), x1 = Math.min(W, ox * sw - pw + kw);
          let best = -Infinity;
          let bi = base + y0 * W + x0;
          // First maximum in row-major window order wins; NaN wins and stops the scan (PyTorch).
          scan: for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const j = base + iy * W + ix;
              const v = x[xOff + j]!;
              if (v > best || v !== v) {
                best = v;
                bi = j;
                if (v !== v) break scan;
              }
            }
          }
          out[o] = best;
          idx[o++] = bi;
        }
      }
    }
  },

};
