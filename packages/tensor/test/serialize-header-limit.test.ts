import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '@tensile/tensor';

// Its own file because it parses a 100 MiB header: ~1 s here, minutes under Stryker's
// instrumentation, so stryker/vitest.tensor.config.ts leaves this file out (see MUTATION.md).
describe('safetensors header limit', () => {
  it('accepts a header of exactly 100 MiB (the limit is inclusive)', { timeout: 30_000 }, () => {
    const limit = 100 * 1024 * 1024;
    const bytes = new Uint8Array(8 + limit).fill(0x20); // spaces: valid JSON padding
    bytes[8] = 0x7b; bytes[9] = 0x7d; // "{}"
    new DataView(bytes.buffer).setBigUint64(0, BigInt(limit), true);
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });
});
