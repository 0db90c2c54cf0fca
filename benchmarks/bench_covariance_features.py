"""Benchmark: multi-scale covariance features (Brodu & Lague) on a large synthetic lidar cloud.

The goal: features for 10⁵ core points in a 10⁶-point cloud at three scales in
under a minute on 2 CPU cores, with bounded peak memory, and how the time grows with the
number of core points and with the number of neighbours.

Usage::

    .venv/bin/python benchmarks/bench_covariance_features.py [--points 1000000]
        [--core 100000] [--scales 0.5 1 2] [--quick]

Prints three markdown tables (the headline run, time against the number of core points,
time against the scale, i.e. the number of neighbours) for ``docs/benchmarks.md``. Times
include building the KD-tree over the cloud; wall time and the process's CPU time are both
given (the code runs on one thread, so on an otherwise idle machine the wall time is about
the CPU time; on a shared one it is longer). Peak memory is measured two ways during the
call: the peak of NumPy/Python allocations (``tracemalloc``) and the peak rise of the
process's resident memory (sampled from ``/proc/self/statm`` every 5 ms after glibc has
returned freed memory, Linux only), which also sees SciPy's KD-tree. ``--quick`` shrinks
everything tenfold (a smoke test).
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
import tracemalloc

import numpy as np

from dlies.datasets import make_point_cloud
from dlies.features import covariance_features


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _release_freed_memory() -> None:
    """Hand memory freed by earlier runs back to the OS (glibc), so the next RSS rise counts."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def measure(points, core, scales, **kwargs) -> dict:
    """Wall time, traced peak and sampled RSS peak rise (MB) of one covariance_features call."""
    _release_freed_memory()
    start_rss = _rss_bytes()
    peak = [start_rss or 0]
    done = threading.Event()

    def sample():
        while not done.wait(0.005):
            peak[0] = max(peak[0], _rss_bytes() or 0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    F, _ = covariance_features(points, core, scales, **kwargs)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    done.set()
    sampler.join()
    assert np.isfinite(F).all()
    rss = (peak[0] - start_rss) / 1e6 if start_rss else float("nan")
    return {"seconds": seconds, "cpu": cpu, "traced_mb": traced / 1e6, "rss_mb": rss, "F": F}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--core", type=int, default=100_000)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    parser.add_argument("--quick", action="store_true", help="everything ten times smaller")
    args = parser.parse_args()
    if args.quick:
        args.points, args.core = args.points // 10, args.core // 10
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at start; numpy {np.__version__}"
    )
    t0 = time.perf_counter()
    points, labels, _ = make_point_cloud(args.points, random_state=0)
    print(f"cloud: {len(points):,} synthetic points generated in {time.perf_counter() - t0:.1f} s")
    rng = np.random.default_rng(1)
    core = points[rng.choice(len(points), args.core, replace=False)]

    print(
        "\n| core points | cloud | scales D (m) | wall (s) | CPU (s) | traced peak (MB) "
        "| RSS rise (MB) |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|")
    for max_pairs in (2_000_000, 500_000):
        r = measure(points, core, args.scales, max_pairs=max_pairs)
        scales = ", ".join(f"{s:g}" for s in args.scales)
        print(
            f"| {args.core:,} | {args.points:,} | {scales} (max_pairs {max_pairs:,}) | "
            f"{r['seconds']:.1f} | {r['cpu']:.1f} | {r['traced_mb']:.0f} | {r['rss_mb']:.0f} |"
        )

    print("\n| core points | wall (s) | CPU (s) | CPU µs per core point |")
    print("|---:|---:|---:|---:|")
    for m in (args.core // 100, args.core // 10, args.core):
        r = measure(points, core[:m], args.scales)
        print(f"| {m:,} | {r['seconds']:.2f} | {r['cpu']:.2f} | {1e6 * r['cpu'] / m:.0f} |")

    m = args.core // 10
    print(f"\n| one scale D (m), {m:,} core points | mean neighbours | wall (s) | CPU (s) |")
    print("|---:|---:|---:|---:|")
    for d in (0.25, 0.5, 1.0, 2.0, 4.0):
        r = measure(points, core[:m], [d])
        volume = 4 / 3 * np.pi * (d / 2) ** 3
        neighbours = float(r["F"][:, -1].mean() * volume)  # density x sphere volume
        print(f"| {d:g} | {neighbours:.0f} | {r['seconds']:.2f} | {r['cpu']:.2f} |")


if __name__ == "__main__":
    main()
