"""Probe: the end-of-iterator wait that makes some tf.data passes last up to twice as long.

With autotuning on (tf.data's default), a tf.data iterator runs a model thread that wakes at
10 ms × (2^k − 1) after the iterator starts (0.01, 0.03, ..., 0.63, 1.27, 2.55 s, ...).
Destroying the iterator (the end of every ``Dataset.reduce``, of every Keras epoch that
iterates a finite dataset) sometimes waits for that thread's next wake-up instead of
cancelling it at once. That is the "bimodal" pass time of the streaming benchmark: the same
work ends either when it is done or at the next tick (1.31 s, 2.6 s on the development VM).

This script runs an iterator of ``aftershock_dataset`` for a growing time, then times its
destruction, with autotuning on and with ``options.autotune.enabled = False``, and prints the
next tick after the time it ran. Measured with perf (``perf record -e sched:sched_switch -g``):
the waiting thread sits in ``RootDataset::Iterator::~Iterator`` → ``ThreadPool::~ThreadPool``
while ``tf_data_model`` sleeps in ``Model::OptimizeLoop``.

Usage::

    .venv/bin/python benchmarks/probe_stream_stall.py FILE.h5 [--steps 14] [--unbalanced]

(a file of the real shape: ``benchmarks/bench_aftershocks.py --keep --path FILE.h5`` writes one)
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def next_tick(seconds: float) -> float:
    """The autotune thread's first wake-up at or after ``seconds`` (10 ms × (2^k − 1))."""
    k = 1
    while 0.01 * (2**k - 1) < seconds:
        k += 1
    return 0.01 * (2**k - 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--steps", type=int, default=14, help="run lengths 0.2, 0.35, ... s")
    ap.add_argument("--unbalanced", action="store_true")
    args = ap.parse_args()

    import tensorflow as tf

    from dlies.datasets import aftershock_dataset

    ds = aftershock_dataset(
        args.path, balanced=not args.unbalanced, repeat=True, random_state=0
    )
    for autotune in (True, False):
        options = tf.data.Options()
        options.autotune.enabled = autotune
        d = ds.with_options(options)
        waits = []
        print(f"autotune {'on' if autotune else 'off'}: ran (s) -> destroying the iterator (s)")
        for i in range(args.steps):
            it = iter(d)
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.2 + 0.15 * i:
                next(it)
            ran = time.perf_counter() - t0
            t = time.perf_counter()
            del it
            wait = time.perf_counter() - t
            waits.append(wait)
            tick = f"   next tick {next_tick(ran):.2f} s" if autotune and wait > 0.05 else ""
            print(f"  {ran:5.2f} -> {wait:5.2f}{tick}")
        print(f"  median {np.median(waits):.2f} s, longest {max(waits):.2f} s")


if __name__ == "__main__":
    main()
