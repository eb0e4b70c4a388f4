// Host APIs the engine uses that every modern JavaScript runtime provides (browsers, Node,
// Deno, Bun) but the ES library does not declare; declared minimally so src/ typechecks
// without Node's or the DOM's types (which would let platform-specific code slip in).
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare function atob(data: string): string;
/** A timer (the storage cache's turn-of-the-event-loop probe and idle trim: storage-pool.ts). */
declare function setTimeout(callback: () => void, ms?: number): unknown;
/** The part of the WebAssembly JS API the WASM kernels use (browsers, Node, Deno, Bun). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  function validate(bytes: Uint8Array): boolean;
  function instantiate(bytes: Uint8Array, imports: object): Promise<{ module: Module; instance: Instance }>;
}
