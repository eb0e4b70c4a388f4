/**
 * Browsers that refuse synchronous compiles of modules past 4 KiB on a page's main thread
 * (Chromium before about version 115) start the engine on the JS kernels; `wasmReady()` compiles
 * the module asynchronously and switches to it. Simulated here by a WebAssembly.Module that
 * throws Chromium's RangeError for such modules, with a fresh copy of the engine imported under it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const RealModule = WebAssembly.Module;
afterEach(() => {
  (WebAssembly as { Module: unknown }).Module = RealModule;
  vi.resetModules();
});

function refuseLargeSyncCompiles(): void {
  (WebAssembly as { Module: unknown }).Module = function Module(bytes: Uint8Array) {
    if (bytes.length > 4096) throw new RangeError('WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB. Use WebAssembly.compile, or compile on a worker thread.');
    return new RealModule(bytes);
  };
}

describe('wasmReady', () => {
  it('where synchronous compiles past 4 KiB are refused: JS kernels at import, then the wasm kernels, with the same results', async () => {
    refuseLargeSyncCompiles();
    vi.resetModules();
    const T = await import('../src/index.js');
    expect(T.getBackend()).toBe('js');
    expect(T.wasmAvailable()).toBe(false);
    T.manualSeed(1);
    const a = T.randn([64, 100]), b = T.randn([100, 30]);
    const onJs = T.F.logSoftmax(a.matmul(b).relu(), 1).toFloat32Array();
    expect(await T.wasmReady()).toBe(true);
    expect(T.getBackend()).toBe('wasm');
    expect(T.wasmAvailable()).toBe(true);
    const onWasm = T.F.logSoftmax(a.matmul(b).relu(), 1).toFloat32Array();
    for (let i = 0; i < onJs.length; i++) expect(Math.abs(onWasm[i]! - onJs[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(onJs[i]!)));
  });

  it('keeps a backend the user chose before it resolved', async () => {
    refuseLargeSyncCompiles();
    vi.resetModules();
    const T = await import('../src/index.js');
    T.setBackend('js');
    expect(await T.wasmReady()).toBe(true);
    expect(T.getBackend()).toBe('js');
    T.setBackend('wasm');
    expect(T.getBackend()).toBe('wasm');
  });

  it('resolves at once where the module compiled at import (Node)', async () => {
    const T = await import('../src/index.js');
    expect(T.getBackend()).toBe('wasm');
    expect(await T.wasmReady()).toBe(true);
    expect(T.getBackend()).toBe('wasm');
  });
});
