import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '@tensile/tensor';

// Its own file because it builds 100 MiB buffers and parses a 100 MiB header: ~1 s here, but
// under Stryker's instrumentation it ran for minutes and grew to 16 GB, so
// stryker/vitest.tensor.config.ts leaves this file out (see MUTATION.md).
describe('safetensors header limit (100 MiB)', () => {
  const limit = 100 * 1024 * 1024;
  /** A `{}` header padded with spaces to `length` bytes, in a buffer that holds all of it. */
  const emptyHeader = (length: number): Uint8Array => {
    const bytes = new Uint8Array(8 + length).fill(0x20); // spaces: valid JSON padding
    bytes[8] = 0x7b; bytes[9] = 0x7d; // "{}"
    new DataView(bytes.buffer).setBigUint64(0, BigInt(length), true);
    return bytes;
  };

  it('refuses a header one byte over the limit even when the buffer holds it all', () => {
    // Without the limit check this header would be decoded and parsed (and accepted).
    expect(() => decodeSafetensors(emptyHeader(limit + 1))).toThrow(`decodeSafetensors: header length ${limit + 1} is larger than the ${limit}-byte limit`);
  });

  it('accepts a header of exactly the limit (the limit is inclusive)', { timeout: 30_000 }, () => {
    expect(decodeSafetensors(emptyHeader(limit))).toEqual({ tensors: {}, metadata: {} });
  });
});
