"""Benchmark: one training epoch of lecture 08's network, fed in memory or in blocks.

Writes a file in the schema of the real ``Training.h5`` (4 743 090 rows by default: 1-D
float64 ``aftershocksyn`` and six ``stresses_full_*``; random stresses, about 2 % positive
labels) and trains ``dlies.models.devries_network`` (Adadelta, binary cross-entropy) for one
epoch of ``aftershock_dataset``'s balanced batches of 3 500 (one pass over the negatives),
fed two ways:

* ``memory``: the default, the file read once into float32 arrays, batches gathered by
  TensorFlow from those tensors;
* ``blocks``: the block generator forced with a ``memory_budget`` of half the file's input
  size, the file read block by block during the epoch.

Each run is a fresh subprocess: it builds the dataset (the one-time file read: the whole file
into memory, or the blocks' validating pass that keeps the positives; timed apart), warms up
the training function on 20 batches, then times one full epoch. The two modes alternate,
``--runs`` times each; the table gives medians, and each mode's peak resident memory (the
subprocess's peak, and that peak minus the resident memory after importing TensorFlow and
building the model).

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
from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS

BATCH = 3500


def write_file(path: Path, rows: int, seed: int = 0) -> None:
    """A file in the real schema: contiguous 1-D float64 datasets, written in chunks."""
    import h5py

    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        out = {k: f.create_dataset(k, shape=(rows,), dtype="f8") for k in (LABEL_KEY, *STRESS_KEYS)}
        for a in range(0, rows, chunk):
            m = min(chunk, rows - a)
            out[LABEL_KEY][a : a + m] = (rng.random(m) < 0.02).astype(np.float64)
            scale = np.exp(rng.normal(size=m))  # stresses spanning orders of magnitude, in Pa
            for key in STRESS_KEYS:
                out[key][a : a + m] = rng.normal(scale=1e5, size=m) * scale
        f.attrs["description"] = "random rows in the DeVries Training.h5 schema (benchmark)"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(path: str, mode: str) -> dict:
    """One run: build the dataset, warm up, time one epoch; print a JSON line."""
    import keras

    from dlies.datasets import aftershock_dataset
    from dlies.models import devries_network

    keras.utils.set_random_seed(0)
    model = devries_network()
    model.compile(
        optimizer=keras.optimizers.Adadelta(learning_rate=1.0), loss="binary_crossentropy"
    )
    base = peak_mib()
    rows = int(os.environ["BENCH_ROWS"])
    budget = {} if mode == "memory" else {"memory_budget": rows * 28 // 2}
    t0 = time.perf_counter()
    ds = aftershock_dataset(path, batch_size=BATCH, random_state=0, **budget)
    read = time.perf_counter() - t0
    model.fit(ds.take(20), epochs=1, verbose=0)  # traces the training step
    t0 = time.perf_counter()
    history = model.fit(ds, epochs=1, verbose=0)
    epoch = time.perf_counter() - t0
    assert np.isfinite(history.history["loss"][-1])
    return {
        "mode": mode,
        "read_s": read,
        "epoch_s": epoch,
        "batches": int(ds.cardinality()),
        "peak_mib": peak_mib(),
        "peak_above_base_mib": peak_mib() - base,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_743_090)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", type=Path, default=None, help="file to write (or reuse)")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    path = args.path or Path(tempfile.gettempdir()) / f"bench_aftershocks_{args.rows}.h5"
    t0 = time.perf_counter()
    if not path.is_file():
        write_file(path, args.rows)
    print(
        f"{path}: {args.rows} rows, {path.stat().st_size / 2**20:.0f} MiB "
        f"(written or found in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    runs: dict[str, list[dict]] = {"memory": [], "blocks": []}
    env = {**os.environ, "BENCH_ROWS": str(args.rows), "TF_CPP_MIN_LOG_LEVEL": "2"}
    for r in range(args.runs):
        for mode in ("memory", "blocks") if r % 2 == 0 else ("blocks", "memory"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), mode],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            runs[mode].append(result)
            print(
                f"run {r + 1} {mode:6s}: read {result['read_s']:.2f} s, "
                f"epoch {result['epoch_s']:.2f} s, peak {result['peak_mib']:.0f} MiB",
                flush=True,
            )
    med = {
        m: {k: statistics.median(x[k] for x in v) for k in v[0] if k != "mode"}
        for m, v in runs.items()
    }
    print(
        f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end; median of {args.runs}\n"
    )
    print(
        "| feed | one-time read (s) | one epoch (s) | batches | epoch vs memory | "
        "peak RSS (MiB) | peak above imports (MiB) |\n|---|---|---|---|---|---|---|"
    )
    for mode, label in (("memory", "in memory (default)"), ("blocks", "block generator")):
        m = med[mode]
        print(
            f"| {label} | {m['read_s']:.2f} | {m['epoch_s']:.1f} | {int(m['batches'])} | "
            f"{m['epoch_s'] / med['memory']['epoch_s']:.3f}x | {m['peak_mib']:.0f} | "
            f"{m['peak_above_base_mib']:.0f} |"
        )
    print("\nall runs:", json.dumps(runs))


if __name__ == "__main__":
    main()
