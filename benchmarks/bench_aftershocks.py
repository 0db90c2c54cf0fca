"""Benchmark: streaming a DeVries-size HDF5 file through ``aftershock_dataset``.

Writes a file of the real ``Training.h5`` shape (4 743 090 rows; ``aftershocksyn`` and the six
``stresses_full_*`` as contiguous 1-D float64 datasets, about 265 MB; random values, about 2 %
positive labels), then measures, each in a fresh subprocess so that peak memory is clean:

* ``raw h5py, blocks``: every dataset read block by block (32 768 rows, the stream's block)
  into one reused buffer with ``read_direct``, nothing else done: the floor any reader pays;
* ``raw h5py, whole``: each dataset read at once (``f[key][()]``), as the paper's code did;
* ``stream, unbalanced``: one pass of ``aftershock_dataset(balanced=False)`` (every row becomes
  a 12-feature float32 row in a batch of 3 500, shuffled within windows of 8 blocks);
* ``stream, balanced``: one pass of the paper's balanced batches (every negative row once, the
  positives cycled from the pool).

The stream is consumed in graph mode (``Dataset.reduce``), as ``model.fit`` consumes it.

The stream's construction makes one validating pass over the file (NaN/inf, labels, counts,
the pool of positives), timed as ``setup``. The stream is then consumed twice: ``first`` =
setup + the first pass (which also traces the graph-mode reduction), ``pass`` = the second
pass, the steady state every later training epoch sees. Rows per second are file rows over
seconds; the raw readers make one pass. Peak memory is the subprocess's peak resident set
minus its resident set after importing TensorFlow and h5py. Each figure is the median of
``--runs`` runs.

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

from dlies.datasets.aftershocks import LABEL_KEY, STRESS_KEYS
from dlies.paths import atomic_path

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


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def count(state, batch):
    """tf.data reduce function: (batches, rows) so far."""
    import tensorflow as tf

    x, _ = batch
    return state[0] + 1, state[1] + tf.cast(tf.shape(x)[0], tf.int64)


def child(mode: str, path: str) -> None:
    """Run one measurement and print a JSON line."""
    import h5py
    import tensorflow as tf  # noqa: F401  (import cost and memory not measured)

    from dlies.datasets import aftershock_dataset

    base = rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    setup = 0.0
    rows = 0
    if mode == "raw_blocks":
        with h5py.File(path, "r") as f:
            n = f[KEYS[0]].shape[0]
            buf = np.empty(BLOCK)
            for start in range(0, n, BLOCK):
                m = min(BLOCK, n - start)
                for k in KEYS:
                    f[k].read_direct(buf, np.s_[start : start + m], np.s_[:m])
            rows = n
    elif mode == "raw_whole":
        with h5py.File(path, "r") as f:
            arrays = [f[k][()] for k in KEYS]
            rows = len(arrays[0])
    else:
        balanced = mode == "stream_balanced"
        ds = aftershock_dataset(path, batch_size=3500, balanced=balanced, random_state=0)
        setup = time.perf_counter() - t0
        # consume in graph mode, as Keras' fit does (a Python loop would time TF's eager
        # iterator); the first pass also traces the reduction, the second is the steady state
        # that every later epoch sees
        t1 = time.perf_counter()
        batches, rows = (int(v) for v in ds.reduce((np.int64(0), np.int64(0)), count))
        first = time.perf_counter() - t1
        t2 = time.perf_counter()
        ds.reduce((np.int64(0), np.int64(0)), count)
        iterate = time.perf_counter() - t2
        with h5py.File(path, "r") as f:
            file_rows = f[KEYS[0]].shape[0]
        total = setup + first
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(dict(mode=mode, setup=setup, iterate=iterate, total=total,
                              cpu=time.process_time() - c0, file_rows=file_rows, rows_out=rows,
                              batches=batches, peak_mb=peak - base)))  # fmt: skip
        return
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(mode=mode, setup=0.0, iterate=total, total=total, file_rows=rows,
                          rows_out=rows, batches=0, cpu=time.process_time() - c0,
                          peak_mb=peak - base)))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=4_743_090)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", type=Path, default=None, help="where to write the file")
    parser.add_argument("--keep", action="store_true", help="keep the file afterwards")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
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
                [sys.executable, __file__, "--child", mode, str(path)],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
            results[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    file_mb = path.stat().st_size / 2**20
    raw = med("raw_blocks", "iterate")
    print(f"\n{args.rows} rows, file {file_mb:.0f} MiB; median of {args.runs} runs; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    raw_whole = med("raw_whole", "iterate")
    print("| reader | setup (s) | setup + first pass (s) | pass (s) | rows/s (pass) "
          "| pass vs raw blocks | pass vs raw whole | peak memory (MiB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    summary = {}
    for mode in modes:
        setup, it, total = med(mode, "setup"), med(mode, "iterate"), med(mode, "total")
        cpu, peak = med(mode, "cpu"), med(mode, "peak_mb")
        n = results[mode][0]["file_rows"]
        summary[mode] = dict(setup_s=setup, first_s=total, pass_s=it, cpu_s=cpu,
                             rows_per_s_pass=n / it, vs_raw_blocks=raw / it,
                             vs_raw_whole=raw_whole / it, peak_mb=peak,
                             batches=results[mode][0]["batches"])  # fmt: skip
        print(f"| {mode} | {setup:.2f} | {total:.2f} | {it:.2f} | {n / it:,.0f} "
              f"| {raw / it:.0%} | {raw_whole / it:.0%} | {peak:.0f} |")  # fmt: skip
    print(json.dumps({"rows": args.rows, "file_mib": file_mb, "runs": args.runs, **summary}))
    if not args.keep and args.path is None:
        path.unlink()


if __name__ == "__main__":
    main()
