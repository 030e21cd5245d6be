"""The physical limit for `pnpm bench` (spawned by limit-numpy.ts): numpy on an optimised BLAS.

usage: python3 limit-numpy.py <matmul n> <relu-sigmoid size> <repeats>

Times float32 A·B (n×n, one BLAS call) and 1/(1+exp(-max(x,0))) on `size` float32 values with
time.perf_counter, after one untimed warm-up call (thread pool start, page faults), and prints one
JSON line: best and median seconds of `repeats` calls each, plus versions. The BLAS thread count
is whatever OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS say: they must be set by the
parent, because the BLAS reads them once, when numpy is imported. A size of 0 skips that part.
"""
import json
import os
import platform
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:
    print(json.dumps({"error": "numpy not found"}))
    sys.exit(3)


def timings(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return {"best": min(times), "median": statistics.median(times), "repeats": repeats}


def blas_name():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no dict mode
        return "unknown BLAS"


def main():
    n, size, repeats = (int(v) for v in sys.argv[1:4])
    rng = np.random.default_rng(1)
    out = {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas_name(),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }
    if n > 0:
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        c = a @ b
        # The limit must compute the right thing: float32 product, close to a float64 one.
        ref = a[:8].astype(np.float64) @ b.astype(np.float64)
        assert c.dtype == np.float32 and np.allclose(c[:8], ref, rtol=1e-4, atol=1e-3 * n ** 0.5)
        out["matmul"] = {"n": n, **timings(lambda: a @ b, repeats)}
    if size > 0:
        x = rng.uniform(-4, 4, size).astype(np.float32)
        y = 1 / (1 + np.exp(-np.maximum(x, 0)))
        assert y.dtype == np.float32
        out["relusig"] = {"size": size, **timings(lambda: 1 / (1 + np.exp(-np.maximum(x, 0))), repeats)}
    print(json.dumps(out))


main()
