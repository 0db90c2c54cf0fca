"""Probe: where a balanced pass of ``aftershock_dataset`` spends its time.

Times, for several passes over one dataset, when the Python generator starts, when it has
yielded its last window, and when the pass (a graph-mode ``Dataset.reduce``) ends. On the
development VM a pass lasts either 0.7-0.9 s or almost exactly 1.31 s (2.6 s balanced), and
TensorFlow paces the generator, so the slow mode is spread over the pass (README, *Streaming
benchmark*); this script shows which kind of pass you get.

Usage::

    .venv/bin/python benchmarks/probe_stream_stall.py FILE.h5 [--passes 4] [--unbalanced]

(a file of the real shape: ``benchmarks/bench_aftershocks.py --keep --path FILE.h5`` writes one)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import dlies.datasets.aftershocks as A


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--passes", type=int, default=4)
    ap.add_argument("--unbalanced", action="store_true")
    args = ap.parse_args()

    events: dict[str, float] = {}
    windows = A._Stream.windows

    def timed_windows(self):
        events["start"] = time.perf_counter()
        yield from windows(self)
        events["end"] = time.perf_counter()

    A._Stream.windows = timed_windows
    ds = A.aftershock_dataset(args.path, balanced=not args.unbalanced, random_state=0)

    def count(n, _batch):
        return n + 1

    ds.reduce(np.int64(0), count)  # traces the reduction
    for _ in range(args.passes):
        t = time.perf_counter()
        ds.reduce(np.int64(0), count)
        done = time.perf_counter() - t
        print(
            f"pass {done:.2f} s: generator starts +{events['start'] - t:.2f} s, "
            f"last window +{events['end'] - t:.2f} s, pass ends +{done:.2f} s"
        )


if __name__ == "__main__":
    main()
