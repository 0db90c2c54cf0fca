"""Benchmark: vectorised make_mantle_stability against a per-sample loop like the seed's.

The seed lecture's ``generate_data_set`` drew the thickness and computed Ra and Ra_cr in
Python loops over samples. ``per_sample_loop`` below keeps that structure (the same ranges and
d³ as ``seed_compatible=True``) so that both generate the same kind of data set.

Usage::

    .venv/bin/python benchmarks/bench_mantle.py [--n 1000000] [--repeats 5]

Prints the median wall time of each and their ratio. Run both in the same process, side by
side, so machine noise affects them alike.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from dlies.datasets import make_mantle_stability


def per_sample_loop(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The seed's generator: column draws, then Python loops for b and for the labels."""
    X = np.zeros((n, 8))
    y = np.zeros(n, dtype=np.int64)
    X[:, 0] = rng.uniform(0.8, 1.0, n)
    X[:, 1] = rng.uniform(1e-4, 1e-2, n)
    X[:, 2] = rng.uniform(1e-2, 1.0, n)
    X[:, 3] = rng.uniform(0.1, 1.0, n)
    X[:, 4] = rng.uniform(0.0, 0.35, n)
    for i in range(n):
        X[i, 5] = rng.uniform(max(0.25, X[i, 4]), 0.35)
    X[:, 6] = rng.uniform(0.0, 0.39, n)
    X[:, 7] = rng.uniform(0.0, 0.5, n)
    for i in range(n):
        g, a, v, k = X[i, 0] * 10, X[i, 1], X[i, 2] * 1000, X[i, 3] * 10000
        d, b, lam, dt = X[i, 4] * 10000, X[i, 5] * 10000, X[i, 6] * 10000, X[i, 7] * 1000
        ra = a * g * dt * d**3 / (v * k)
        ra_cr = np.pi**4 * (4 + (lam / b) ** 2) ** 3 / (4 * (lam / b) ** 4)
        y[i] = ra > ra_cr
    return X, y


def interleaved_medians(fns: dict, repeats: int) -> dict[str, float]:
    """Median wall time of each function, the runs interleaved so that load affects all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(r)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    n = args.n
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}; n = {n:,}"
    )
    med = interleaved_medians(
        {
            "loop": lambda r: per_sample_loop(n, np.random.default_rng(r)),
            "seed_compatible": lambda r: make_mantle_stability(
                n, random_state=r, seed_compatible=True
            ),
            "default": lambda r: make_mantle_stability(n, random_state=r),
        },
        args.repeats,
    )
    t_loop = med["loop"]
    print(f"per-sample loop (seed):                 median {t_loop:8.3f} s")
    for name in ("seed_compatible", "default"):
        label = f"make_mantle_stability({name}):"
        print(f"{label:40s} median {med[name]:8.3f} s   speed-up {t_loop / med[name]:7.1f}x")


if __name__ == "__main__":
    main()
