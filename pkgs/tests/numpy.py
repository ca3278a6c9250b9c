"""numpy under the WASIX CPython: the C extensions (ufuncs, linalg, fft, random) do the work,
also on threads started after the import (numpy keeps per-thread state in thread-locals of its
side module: they must be each thread's own)."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.fft
import numpy.linalg
import numpy.random

assert np.__file__.startswith("/usr/local/lib/python3.13/site-packages/"), np.__file__
core = (np._core if hasattr(np, "_core") else np.core)._multiarray_umath  # 1.x: np.core
assert core.__file__.endswith(".so"), core.__file__
print("numpy", np.__version__, "from", core.__file__)

x = np.arange(12, dtype=np.float64).reshape(3, 4)
assert np.allclose(np.sin(x) ** 2 + np.cos(x) ** 2, 1.0)
assert x.sum() == 66.0 and x.mean(axis=0).tolist() == [4.0, 5.0, 6.0, 7.0]
print("ufuncs: sin^2+cos^2 == 1, sum", x.sum())

a = np.array([[4.0, 1.0], [2.0, 3.0]])
solution = np.linalg.solve(a, np.array([1.0, 2.0]))
assert np.allclose(a @ solution, [1.0, 2.0])
assert np.allclose(sorted(np.linalg.eigvals(a)), [2.0, 5.0])
print("linalg: solve and eigvals", solution.round(4).tolist())

signal = np.cos(2 * np.pi * 5 * np.arange(64) / 64)
spectrum = np.abs(np.fft.rfft(signal))
assert spectrum.argmax() == 5, spectrum.argmax()
print("fft: peak at bin", int(spectrum.argmax()))

rng = np.random.default_rng(42)
sample = rng.normal(size=20000)
assert abs(sample.mean()) < 0.05 and abs(sample.std() - 1) < 0.05
print("random: normal mean %.3f std %.3f" % (sample.mean(), sample.std()))


def work(seed: int) -> float:
    """Many small arrays (numpy's allocation caches), matmul, sort and ufuncs."""
    gen = np.random.default_rng(seed)
    total = 0.0
    for _ in range(200):
        m = gen.random((8, 8))
        total += float((m @ m.T).trace()) + float(np.sort(m, axis=None)[-1])
        total += float(np.exp(-m).sum())
    return total


with ThreadPoolExecutor(4) as pool:
    threaded = list(pool.map(work, range(8)))
assert threaded == [work(seed) for seed in range(8)], threaded
print("threads: 8 jobs on 4 worker threads, same results as on the main thread")
print("numpy test OK")
