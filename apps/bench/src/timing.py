"""Timing for PyTorch's bench rows, as harness.ts times tensile's (imported by pytorch_bench.py,
lstm_lm_bench.py and ops_bench.py, which run with this directory on sys.path)."""
import time


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
