"""What PyTorch's bench scripts share (pytorch_bench.py, lstm_lm_bench.py and ops_bench.py import
it; they run with this directory on sys.path): reading the inputs the TypeScript side wrote, and
timing as harness.ts times tensile's rows."""
import json
import struct
import time


def read_inputs(path):
    """The header ({name: [offset, length]} in floats, plus config entries) and arr(name, shape):
    a float32 tensor of that entry. Format: a 4-byte little-endian header length, the JSON
    header, then float32 data (apps/bench/src/pytorch.ts writes it)."""
    import torch
    with open(path, 'rb') as f:
        raw = f.read()
    hlen = struct.unpack('<I', raw[:4])[0]
    header = json.loads(raw[4:4 + hlen])
    base = 4 + hlen

    def arr(name, shape=None):
        off, n = header[name]
        t = torch.frombuffer(bytearray(raw[base + 4 * off: base + 4 * (off + n)]), dtype=torch.float32)
        return t.reshape(shape) if shape else t

    return header, arr


def timed(fn, budget=1.5, warm=3, least=5):
    """Median seconds of fn after warm-up, and CPU time over wall time while timing.

    A run slower than half a second gets three warm-up runs (the first included) and three timed
    ones; past five seconds, one warm-up (as harness.ts).
    """
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first > 0.5:
        warm, least, budget = (0 if first > 5 else 2), 3, 0
    for _ in range(warm):
        fn()
    samples = []
    c0, w0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - w0 < budget or len(samples) < least:
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    ratio = (time.process_time() - c0) / (time.perf_counter() - w0)
    samples.sort()
    return samples[len(samples) // 2], ratio
