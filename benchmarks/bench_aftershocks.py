"""Benchmark: streaming a DeVries-size HDF5 file through ``aftershock_dataset``.

Writes a file of the real ``Training.h5`` shape (4 743 090 rows; ``aftershocksyn`` and the six
``stresses_full_*`` as contiguous 1-D float64 datasets, about 265 MB; random values, about 2 %
positive labels), then measures, each in a fresh subprocess so that peak memory is clean:

* ``raw h5py, blocks``: every dataset read block by block (32 768 rows, the stream's block)
  into one reused buffer with ``read_direct``, nothing else done;
* ``raw h5py, whole``: each dataset read at once (``f[key][()]``), as the paper's code did;
* ``stream, unbalanced``: a pass of ``aftershock_dataset(balanced=False)`` (every row becomes
  a 12-feature float32 row in a batch of 3 500, shuffled within windows of 8 blocks);
* ``stream, balanced``: a pass of the paper's balanced batches (every negative row once, the
  positives cycled from the pool: about twice as many rows come out as the file holds).

The stream is consumed in graph mode (``Dataset.reduce``), as ``model.fit`` consumes it.

Every reader makes two passes in its subprocess. ``first``: the stream's construction (one
validating pass over the file: NaN/inf, labels, counts, the pool of positives; also shown
alone as ``setup``) plus its first pass, which also traces the reduction; for the raw readers
their first read, into memory the process has never used. ``steady``: the second pass, what
every later training epoch sees (and a second raw read of a file already read once). Rows
per second are given both as file rows and as rows out of the stream, over the steady pass.
The stream is also timed as training with ``repeat=True`` and ``steps_per_epoch`` draws it:
one pass worth of batches from a long-lived iterator, pulled inside a ``tf.function`` (median
of the second and third such pass). The difference matters: with tf.data's autotuning on (the
default), destroying an iterator waits for the autotune thread's next tick, which comes
10 ms × (2^k − 1) after the iterator started (0.63, 1.27, 2.55 s, ...), so a pass through a
fresh iterator sometimes lasts up to twice its work (``benchmarks/probe_stream_stall.py``
shows it). A validation or prediction pass pays that; a long-lived training iterator does not.
Peak memory is the subprocess's peak resident set minus its resident set after importing
TensorFlow and h5py; it includes TensorFlow's own working memory (thread pools, the traced
functions), so run with a smaller ``--rows`` to see which part grows with the file. Each
figure is the median of ``--runs`` runs.

Usage::

    .venv/bin/python benchmarks/bench_aftershocks.py [--rows 4743090] [--runs 3] [--path FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dlies.course import atomic_path
from dlies.datasets.aftershocks import LABEL_KEY, STRESS_KEYS

KEYS = (LABEL_KEY, *STRESS_KEYS)  # the seven datasets of Training.h5
BLOCK = 32_768


def write_file(path: Path, rows: int, seed: int = 0) -> None:
    """A file of the real schema, written block by block (memory stays small)."""
    import h5py

    rng = np.random.default_rng(seed)
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        ds = {k: f.create_dataset(k, shape=(rows,), dtype="f8") for k in KEYS}
        for start in range(0, rows, BLOCK):
            n = min(BLOCK, rows - start)
            ds["aftershocksyn"][start : start + n] = (rng.random(n) < 0.02).astype("f8")
            scale = np.exp(rng.normal(9.0, 2.0, n))  # Pa, log-normal magnitudes
            for k in KEYS[1:]:
                ds[k][start : start + n] = rng.normal(size=n) * scale


def raw_read(path: str, *, whole: bool) -> int:
    """Read every dataset of the file once, as plain h5py code would; returns the rows."""
    import h5py

    with h5py.File(path, "r") as f:
        n = f[KEYS[0]].shape[0]
        if whole:
            arrays = [f[k][()] for k in KEYS]
            del arrays
            return n
        buf = np.empty(BLOCK)
        for start in range(0, n, BLOCK):
            m = min(BLOCK, n - start)
            for k in KEYS:
                f[k].read_direct(buf, np.s_[start : start + m], np.s_[:m])
    return n


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def count(state, batch):
    """tf.data reduce function: (batches, rows) so far."""
    import tensorflow as tf

    x, _ = batch
    return state[0] + 1, state[1] + tf.cast(tf.shape(x)[0], tf.int64)


def child(mode: str, path: str, window_blocks: int) -> None:
    """Run one measurement (two passes) and print a JSON line."""
    import h5py
    import tensorflow as tf  # import cost and memory not measured

    from dlies.datasets import aftershock_dataset

    base = rss_mb()
    c0 = time.process_time()
    with h5py.File(path, "r") as f:
        file_rows = f[KEYS[0]].shape[0]
    setup, times, rows_out, batches, persistent = 0.0, [], file_rows, 0, []
    if mode.startswith("raw"):
        # two passes, like the stream: the first in a fresh process (its memory is new), the
        # second the steady state of a process that has read the file before
        for _ in range(2):
            t = time.perf_counter()
            raw_read(path, whole=mode == "raw_whole")
            times.append(time.perf_counter() - t)
    else:
        t = time.perf_counter()
        ds = aftershock_dataset(path, batch_size=3500, balanced=mode == "stream_balanced",
                                window_blocks=window_blocks, random_state=0)  # fmt: skip
        setup = time.perf_counter() - t
        # consume in graph mode, as Keras' fit does (a Python loop would time TF's eager
        # iterator); the first pass also traces the reduction, the second is the steady state
        # that every later epoch sees
        for _ in range(2):
            t = time.perf_counter()
            batches, rows_out = (int(v) for v in ds.reduce((np.int64(0), np.int64(0)), count))
            times.append(time.perf_counter() - t)
        # the same pass drawn from one long-lived iterator of a repeated dataset, as `fit`
        # with `repeat=True` and `steps_per_epoch` does: no iterator is destroyed at the end
        # of the pass, so tf.data's end-of-iterator wait (module docstring) is not in it
        # (`ds.repeat()`, as 08 does)
        @tf.function
        def drain(it, n):
            rows = tf.constant(0, tf.int64)
            for _ in tf.range(n):
                x, _ = next(it)
                rows += tf.cast(tf.shape(x)[0], tf.int64)
            return rows

        it = iter(ds.repeat())
        for _ in range(3):  # the first call traces and starts the iterator
            t = time.perf_counter()
            drain(it, np.int64(batches))
            persistent.append(time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(mode=mode, setup=setup, first=setup + times[0], steady=times[1],
                          persistent=statistics.median(persistent[1:]) if persistent else times[1],
                          cpu=time.process_time() - c0, file_rows=file_rows, rows_out=rows_out,
                          batches=batches, peak_mb=peak - base)))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=4_743_090)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", type=Path, default=None, help="where to write the file")
    parser.add_argument("--keep", action="store_true", help="keep the file afterwards")
    parser.add_argument("--window-blocks", type=int, default=8, help="the stream's window_blocks")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.window_blocks)
        return

    path = args.path or Path(tempfile.gettempdir()) / f"dlies_bench_aftershocks_{args.rows}.h5"
    if not path.exists():
        t = time.perf_counter()
        write_file(path, args.rows)
        print(
            f"wrote {path} ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s"
        )
    modes = ["raw_blocks", "raw_whole", "stream_unbalanced", "stream_balanced"]
    results: dict[str, list[dict]] = {m: [] for m in modes}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    for _ in range(args.runs):  # interleaved, so machine load affects all modes alike
        for mode in modes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(path),
                 "--window-blocks", str(args.window_blocks)],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
            results[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    file_mb = path.stat().st_size / 2**20
    print(f"\n{args.rows} rows, file {file_mb:.0f} MiB; median of {args.runs} runs; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| reader | setup (s) | first pass incl. setup (s) | steady pass, fresh iterator (s) "
          "| pass, long-lived iterator (s) | file rows/s (long-lived) | rows out/s (long-lived) "
          "| long-lived vs raw blocks | long-lived vs raw whole | steady vs raw blocks "
          "| peak memory (MiB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    summary = {}
    raw_blocks, raw_whole = med("raw_blocks", "steady"), med("raw_whole", "steady")
    for mode in modes:
        r0 = results[mode][0]
        setup, first, steady = med(mode, "setup"), med(mode, "first"), med(mode, "steady")
        live = med(mode, "persistent")  # the raw readers' is their steady pass
        summary[mode] = dict(
            setup_s=setup, first_s=first, steady_s=steady, long_lived_s=live,
            cpu_s=med(mode, "cpu"), file_rows_per_s=r0["file_rows"] / live,
            rows_out=r0["rows_out"], rows_out_per_s=r0["rows_out"] / live,
            vs_raw_blocks=raw_blocks / live, vs_raw_whole=raw_whole / live,
            steady_vs_raw_blocks=raw_blocks / steady,
            steady_passes=[round(r["steady"], 2) for r in results[mode]],
            peak_mb=med(mode, "peak_mb"), batches=r0["batches"],
        )  # fmt: skip
        m = summary[mode]
        print(f"| {mode} | {setup:.2f} | {first:.2f} | {steady:.2f} | {live:.2f} "
              f"| {m['file_rows_per_s']:,.0f} | {m['rows_out_per_s']:,.0f} "
              f"| {m['vs_raw_blocks']:.0%} | {m['vs_raw_whole']:.0%} "
              f"| {m['steady_vs_raw_blocks']:.0%} | {m['peak_mb']:.0f} |")  # fmt: skip
    print(json.dumps({"rows": args.rows, "file_mib": file_mb, "runs": args.runs, **summary}))
    if not args.keep and args.path is None:
        path.unlink()


if __name__ == "__main__":
    main()
