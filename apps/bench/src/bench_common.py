"""What PyTorch's bench scripts share (pytorch_bench.py, lstm_lm_bench.py and ops_bench.py import
it; they run with this directory on sys.path): reading the inputs the TypeScript side wrote, and
timing as harness.ts times tensile's rows."""
import json
import os
import struct
import time

# The matrix products in a torch.profiler table (their self CPU time: a backward's MmBackward0
# runs aten::mm inside it).
PRODUCT_OPS = ('aten::mm', 'aten::addmm', 'aten::bmm', 'aten::baddbmm', 'aten::addbmm', 'aten::_addmm_activation', 'aten::addmv', 'aten::mv', 'aten::dot')


def profile_products(fn, steps=10):
    """fn run `steps` times under torch.profiler (CPU): the step's CPU time split into matrix
    products and the rest, and the rest's largest ops, in ms per step. Issue 25's rule for a model
    whose products are over half of PyTorch's step reads the rest from this."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    fn()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            fn()
    rows = [(e.key, e.self_cpu_time_total / 1e3 / steps) for e in prof.key_averages()]
    total = sum(t for _, t in rows)
    products = sum(t for k, t in rows if k in PRODUCT_OPS)
    rest = sorted(((k, t) for k, t in rows if k not in PRODUCT_OPS), key=lambda r: -r[1])
    return {'stepMs': total, 'productsMs': products, 'restMs': total - products,
            'rest': [[k, round(t, 3)] for k, t in rest[:15]], 'torch': torch.__version__}


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
    # TENSILE_BENCH_PROFILE=<file>: also write profile_products' split of the step there
    # (`npm run bench -- <case>/pytorch-1-thread` with it set; see BENCHMARKS.md)
    if os.environ.get('TENSILE_BENCH_PROFILE'):
        with open(os.environ['TENSILE_BENCH_PROFILE'], 'w') as f:
            json.dump(profile_products(fn), f, indent=1)
    return samples[len(samples) // 2], ratio
