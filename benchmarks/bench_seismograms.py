"""Benchmark: how fast make_seismograms draws windows, and how fast ObsPy's pickers run on them.

Usage::

    .venv/bin/python benchmarks/bench_seismograms.py [--n 10000] [--repeats 3]

Prints, for 30-s windows at 100 Hz (lecture 14) and 10-s windows (lecture 15): the one-off
cost of loading BW.KW1 and measuring its spectrum, then the median wall and CPU time of
``make_seismograms(n)`` (windows per second), and the CPU time per window of ObsPy's
``classic_sta_lta`` + ``trigger_onset`` and ``ar_pick`` on 200 of them. The table in
``docs/benchmarks.md`` reports the numbers with the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="windows per call")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from obspy.signal.trigger import ar_pick, classic_sta_lta, trigger_onset

    from dlies.datasets import make_seismograms
    from dlies.datasets.seismogram_noise import kw1_noise

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    t0 = time.perf_counter()
    kw1_noise()
    print(
        "KW1 load, transient mask and spectrum (once per process): "
        f"{time.perf_counter() - t0:.2f} s"
    )
    for duration, kwargs in ((30.0, {}), (10.0, {"snr_db": None, "p_onset_s": (0.5, 3.0)})):
        times, cpu = [], []
        for r in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            make_seismograms(args.n, duration=duration, random_state=r, **kwargs)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        med, med_cpu = statistics.median(times), statistics.median(cpu)
        print(
            f"make_seismograms({args.n}, duration={duration:.0f}): median wall {med:.2f} s, "
            f"CPU {med_cpu:.2f} s ({args.n / med:,.0f} windows/s wall; runs "
            f"{', '.join(f'{t:.2f}' for t in times)})"
        )
    data = make_seismograms(200, random_state=0)
    x = data.waveforms.astype(np.float64)
    t0 = time.process_time()
    for w in x:
        trigger_onset(classic_sta_lta(w[:, 0], 50, 500), 3.0, 1.0)
    sta = (time.process_time() - t0) / len(x)
    t0 = time.process_time()
    for w in x.astype(np.float32):
        z, n, e = (np.ascontiguousarray(w[:, k]) for k in range(3))
        ar_pick(z, n, e, 100.0, 1.0, 20.0, 1.0, 0.1, 4.0, 1.0, 2, 8, 0.1, 0.2)
    aic = (time.process_time() - t0) / len(x)
    print(
        f"CPU per 30-s window: STA/LTA + trigger_onset {sta * 1e3:.2f} ms, "
        f"ar_pick {aic * 1e3:.2f} ms"
    )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
