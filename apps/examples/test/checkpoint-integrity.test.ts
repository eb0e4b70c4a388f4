/**
 * Checkpoint integrity, byte by byte: a checkpoint with a real optimizer state dict (ASGD after
 * three steps: per-parameter scalars in the optimizer JSON, `ax` as tensors), two generator
 * states and extras is encoded, and every byte of the file is flipped in turn, four ways (bit
 * 0 turns a digit into another digit, bit 2 likewise, bit 5 a letter's case, bit 7 ASCII into
 * non-ASCII). Each damaged file must be refused, whichever region the byte is in: the length
 * prefix, the tensor entries of the header, each metadata value (format, epoch, optimizer JSON,
 * RNG states, extras, the checksum itself), or the tensor data. Many flips keep the file
 * well-formed (an epoch 3 that reads 7, an lr 0.1 that reads 0.0, a weight name with one letter
 * changed): only the checksum catches those, so a checksum that skips any region fails here.
 */
import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, randn, tensor, type Tensor } from '@tensile/tensor';
import { ASGD } from '@tensile/optim';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../src/lib/checkpoint.js';

function sample(): Checkpoint {
  manualSeed(5);
  const w = randn([3, 2]).requiresGrad_(), b = randn([2]).requiresGrad_();
  const opt = new ASGD([w, b], { lr: 0.1, t0: 1, weightDecay: 0.01 });
  for (let k = 0; k < 3; k++) {
    w.grad = randn([3, 2]);
    b.grad = randn([2]);
    opt.step();
  }
  const loader = new Generator(17);
  for (let k = 0; k < 3; k++) loader.normal(); // a mid-stream state, a Box-Muller spare held
  return {
    epoch: 3,
    model: { '0.weight': w.detach(), '0.bias': b.detach() },
    optimizer: opt.stateDict(),
    rng: { global: new Generator(99).getState(), loader: loader.getState() },
    extra: { options: { lr: 0.1, batchSize: 64 }, bestAccuracy: 0.875 },
  };
}

/** The file's regions, by byte range: [name, start, end). */
function regions(bytes: Uint8Array): [string, number, number][] {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  expect(/^[\x20-\x7e]*$/.test(header), 'the header is ASCII, so characters are bytes').toBe(true);
  const out: [string, number, number][] = [['length prefix', 0, 8]];
  const meta = JSON.parse(header)['__metadata__'] as Record<string, string>;
  for (const key of ['format', 'epoch', 'optimizer', 'rng', 'extra', 'checksum']) {
    const literal = JSON.stringify(meta[key]);
    const at = header.indexOf(`${JSON.stringify(key)}:${literal}`);
    expect(at, `metadata ${key} found in the header`).toBeGreaterThan(0);
    const start = at + JSON.stringify(key).length + 1;
    out.push([`metadata ${key}`, 8 + start, 8 + start + literal.length]);
  }
  // Everything else in the header: the tensor entries (names, dtypes, shapes, offsets) and JSON punctuation.
  out.push(['tensor entries and the rest of the header', 8, 8 + headerLength]);
  out.push(['tensor data', 8 + headerLength, bytes.length]);
  return out;
}

const MASKS = [0x01, 0x04, 0x20, 0x80];

describe('a checkpoint with any byte flipped is refused, in every region of the file', () => {
  const good = encodeCheckpoint(sample());
  const regionOf = (i: number, rs: [string, number, number][]): string => rs.slice(1, 7).find(([, s, e]) => i >= s && i < e)?.[0] ?? rs.find(([, s, e]) => i >= s && i < e)![0];

  it('the undamaged file loads', () => {
    const c = decodeCheckpoint(good);
    expect(c.epoch).toBe(3);
    expect(c.rng['loader']).toEqual(sample().rng['loader']);
    expect((c.optimizer.state[0] as Record<string, unknown>)['step']).toBe(3);
  });

  it('every byte, four flips each: all refused, and every region was hit', () => {
    const rs = regions(good);
    const accepted: string[] = [];
    const flipsPerRegion = new Map<string, number>();
    for (let i = 0; i < good.length; i++) {
      for (const mask of MASKS) {
        const bad = good.slice();
        bad[i] = bad[i]! ^ mask;
        const region = regionOf(i, rs);
        flipsPerRegion.set(region, (flipsPerRegion.get(region) ?? 0) + 1);
        let refused = false;
        try {
          decodeCheckpoint(bad, 'checkpoint');
        } catch (e) {
          refused = /is corrupt|is not a tensile checkpoint/.test((e as Error).message);
          if (!refused) throw e;
        }
        if (!refused) accepted.push(`byte ${i} ^ 0x${mask.toString(16)} (${region}: '${String.fromCharCode(good[i]!)}' -> '${String.fromCharCode(bad[i]!)}')`);
      }
    }
    expect([...flipsPerRegion.keys()].sort()).toEqual(rs.map(([n]) => n).sort());
    expect(accepted.slice(0, 20), `${accepted.length} damaged files were accepted`).toEqual([]);
  });

  it.each([
    ['epoch', (c: Checkpoint) => { c.epoch = 7; }],
    ['an optimizer group value (lr)', (c: Checkpoint) => { (c.optimizer.param_groups[0] as Record<string, unknown>)['lr'] = 0.2; }],
    ['a per-parameter scalar in the optimizer JSON (mu)', (c: Checkpoint) => { (c.optimizer.state[1] as Record<string, unknown>)['mu'] = 0.25; }],
    ['an RNG state word', (c: Checkpoint) => { c.rng['loader']![3] = c.rng['loader']![3]! ^ 1; }],
    ['an extra', (c: Checkpoint) => { c.extra['bestAccuracy'] = 0.5; }],
    ['a tensor value', (c: Checkpoint) => { (c.model['0.bias'] as Tensor).detach().add_(tensor(1)); }],
  ])('a well-formed file whose %s was rewritten under the old checksum is refused', (_what, change) => {
    // The same length, valid JSON, a valid safetensors file: only the checksum can tell.
    const original = decodeCheckpoint(good);
    const changed = sample();
    change(changed);
    const forged = encodeCheckpoint(changed);
    const header = (b: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true))))) as Record<string, unknown>;
    const oldSum = (header(good)['__metadata__'] as Record<string, string>)['checksum']!;
    const newSum = (header(forged)['__metadata__'] as Record<string, string>)['checksum']!;
    expect(newSum).not.toBe(oldSum);
    const text = new TextDecoder('latin1').decode(forged);
    const at = text.indexOf(`"checksum":"${newSum}"`);
    expect(at).toBeGreaterThan(0);
    const replaced = forged.slice();
    replaced.set(new TextEncoder().encode(oldSum), at + '"checksum":"'.length);
    expect(() => decodeCheckpoint(replaced)).toThrow('is corrupt: checksum mismatch');
    expect(original.epoch).toBe(3);
  });
});
