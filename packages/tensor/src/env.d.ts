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
