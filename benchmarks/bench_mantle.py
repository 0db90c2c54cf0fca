"""Benchmark: vectorised make_mantle_stability against a per-sample loop like the seed's.

The seed lecture's ``generate_data_set`` drew the thickness and computed Ra and Ra_cr in
Python loops over samples. ``per_sample_loop`` below is that function as the slide prints it
(the slide's OCR lost the ``else:`` of its label branch, restored here), with the same ranges
and d³ as ``seed_compatible=True``, so that both generate the same kind of data set.

Usage::

    .venv/bin/python benchmarks/bench_mantle.py [--n 1000000] [--repeats 5]

Prints the median wall and CPU time of each and the ratio loop / vectorised (of CPU
times). All run in the same process, interleaved, so that machine noise affects them alike.
The generator is plain vectorised NumPy on one thread; there is no target ratio, the table in
``docs/benchmarks.md`` just reports it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from dlies.datasets import make_mantle_stability


def per_sample_loop(n: int, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """The seed's ``generate_data_set``, line for line, minus its train/test split and print.

    Column draws, then one Python loop drawing ``b`` per sample and another computing Ra and
    Ra_cr per sample and writing the one-hot label, with the seed's legacy ``np.random``
    calls (here a ``RandomState`` of its own so that runs are repeatable).
    """
    counter_for_stable = 0
    counter_for_unstable = 0
    data_set = {"input": np.zeros([n, 8]), "label": np.zeros([n, 2])}
    data_set["input"][:, 0] = rng.uniform(0.8, 1.0, size=n)
    data_set["input"][:, 1] = rng.uniform(1e-4, 1e-2, size=n)
    data_set["input"][:, 2] = rng.uniform(1e-2, 1.0, size=n)
    data_set["input"][:, 3] = rng.uniform(0.1, 1.0, size=n)
    data_set["input"][:, 4] = rng.uniform(0, 0.35, size=n)
    for idx in range(n):
        data_set["input"][idx, 5] = rng.uniform(max([0.25, data_set["input"][idx, 4]]), 0.35)
    data_set["input"][:, 6] = rng.uniform(0.0, 0.39, size=n)
    data_set["input"][:, 7] = rng.uniform(0.0, 0.5, size=n)
    for idx in range(n):
        g = data_set["input"][idx, 0] * 10
        a = data_set["input"][idx, 1]
        v = data_set["input"][idx, 2] * 1000
        k = data_set["input"][idx, 3] * 10000
        d = data_set["input"][idx, 4] * 10000
        b = data_set["input"][idx, 5] * 10000
        lam = data_set["input"][idx, 6] * 10000
        dT = data_set["input"][idx, 7] * 1000  # noqa: N806 (the seed's name)
        Ra = (a * g * dT * (d**3)) / (v * k)  # noqa: N806
        Racr = (np.pi**4 * ((4 + (lam / b) ** 2) ** 3)) / (4 * ((lam / b) ** 4))  # noqa: N806
        if Ra > Racr:
            data_set["label"][idx, 0] = 0
            data_set["label"][idx, 1] = 1
            counter_for_unstable += 1
        else:
            data_set["label"][idx, 0] = 1
            data_set["label"][idx, 1] = 0
            counter_for_stable += 1
    return data_set["input"], data_set["label"]


def interleaved_medians(fns: dict, repeats: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU time of each function, runs interleaved so load affects all alike.

    Everything runs on one thread, so the CPU time is what a call takes on an idle core; the
    wall time adds whatever the machine's other jobs take from it.
    """
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for r in range(repeats):
        for name, fn in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn(r)
            times[name].append((time.perf_counter() - t0, time.process_time() - c0))
    return {
        name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
        for name, t in times.items()
    }


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
    fns = {"loop": lambda r: per_sample_loop(n, np.random.RandomState(r))}
    for sc in (True, False):
        fns[f"seed_compatible={sc}"] = lambda r, sc=sc: make_mantle_stability(
            n, random_state=r, seed_compatible=sc
        )
    load = os.getloadavg()[0]
    med = interleaved_medians(fns, args.repeats)
    wall_loop, cpu_loop = med.pop("loop")
    print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}; median of {args.repeats} runs")
    print(f"{'':44s} {'wall (s)':>9s} {'CPU (s)':>9s} {'loop/this (CPU)':>16s}")
    print(f"{'per-sample loop (the seed code)':44s} {wall_loop:9.3f} {cpu_loop:9.3f}")
    for name, (wall, cpu) in med.items():
        label = f"make_mantle_stability({name})"
        print(f"{label:44s} {wall:9.3f} {cpu:9.3f} {cpu_loop / cpu:16.1f}")


if __name__ == "__main__":
    main()
