"""Samples per second of `python -m dlies.train` for 1 and 2 replicas, 1 and 2 workers, float32
and mixed_bfloat16, side by side in one run, repeated.

Every configuration trains lecture 08's network on the same file in the DeVries schema (written
once into a temporary folder by ``write_schema_rows``: synthetic rows from a stated law)
for a few epochs; the first epoch (tracing, warm-up) is dropped and the median of the rest is
the run's rate. Configurations run one after another, each in fresh processes, and the whole
set is repeated (``--repeats``), so that drift in the machine's load spreads over all of them:

- ``1 replica``: ``--strategy default``
- ``2 replicas``: ``--strategy mirrored --cpu-replicas 2`` (two logical CPU devices)
- ``2 workers``: two processes, ``--strategy multiworker``, on loopback
- the two-device configurations at the fixed global batch (strong scaling: the same
  optimisation split in two) and, in float32, at the fixed per-replica batch (weak scaling:
  the global batch doubled)
- the fixed-global-batch configurations also in mixed_bfloat16

Usage::

    .venv/bin/python benchmarks/bench_scaling.py [--rows 500000] [--epochs 4] [--steps 60]
        [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dlies import train
from dlies.datasets.devries import write_schema_rows


def run(config, precision, data: Path, work: Path, epochs: int, batch: int, steps: int) -> dict:
    folder = work / f"{config}-{precision}-{batch}".replace(" ", "_")
    args = [
        "aftershocks",
        "--data",
        str(data),
        "--epochs",
        str(epochs),
        "--batch-size",
        str(batch),
        "--steps-per-epoch",
        str(steps),
        "--precision",
        precision,
        "--checkpoint-dir",
        str(folder / "ck"),
        "--summary",
        str(folder / "summary{task}.json"),
    ]
    start = time.perf_counter()
    if config == "2 workers":
        procs = train.start_local_workers(2, [*args, "--strategy", "multiworker"], log_dir=folder)
        codes = train.wait_workers(procs, timeout=1800)
        if codes != [0, 0]:
            raise RuntimeError(f"{config}: exit codes {codes}; see {folder}")
    else:
        extra = ["--strategy", "mirrored", "--cpu-replicas", "2"] if config == "2 replicas" else []
        subprocess.run(
            [sys.executable, "-m", "dlies.train", *args, *extra],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    wall = time.perf_counter() - start
    summary = json.loads((folder / "summary0.json").read_text())
    rates = [h["samples_per_s"] for h in summary["history"][1:]]
    return {
        "config": config,
        "precision": precision,
        "replicas": summary["replicas"],
        "samples_per_s": statistics.median(rates),
        "wall_s": wall,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=500_000)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=4096, help="global batch of 1 replica")
    p.add_argument("--steps", type=int, default=60, help="steps per epoch")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    b = args.batch_size
    plan = [  # (label, configuration, precision, global batch)
        ("1 replica", "1 replica", "float32", b),
        ("2 replicas, fixed global batch", "2 replicas", "float32", b),
        ("2 workers, fixed global batch", "2 workers", "float32", b),
        ("2 replicas, fixed per-replica batch", "2 replicas", "float32", 2 * b),
        ("2 workers, fixed per-replica batch", "2 workers", "float32", 2 * b),
        ("1 replica", "1 replica", "mixed_bfloat16", b),
        ("2 replicas, fixed global batch", "2 replicas", "mixed_bfloat16", b),
        ("2 workers, fixed global batch", "2 workers", "mixed_bfloat16", b),
    ]
    rates = {(label, prec): [] for label, _, prec, _ in plan}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "devries_schema.h5"
        write_schema_rows(data, args.rows, random_state=0)
        for repeat in range(args.repeats):
            for label, config, prec, batch in plan:
                r = run(config, prec, data, work / f"r{repeat}", args.epochs, batch, args.steps)
                rates[label, prec].append(r["samples_per_s"])
    one = {prec: v for (label, prec), v in rates.items() if label == "1 replica"}
    base = {prec: statistics.median(v) for prec, v in one.items()}
    print(
        f"{args.rows:,} rows, {args.steps} steps per epoch, median of epochs 2..{args.epochs}; "
        f"{args.repeats} repeats in {time.perf_counter() - start:.0f} s"
    )
    print(
        "| configuration | precision | global batch | samples/s, median [range] "
        "| vs 1 replica of the same repeat and precision | vs float32 1 replica |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for label, _, prec, batch in plan:
        v = rates[label, prec]
        ratio = [x / y for x, y in zip(v, one[prec], strict=True)]  # paired: the same repeat
        print(
            f"| {label} | {prec} | {batch:,} | {statistics.median(v):,.0f} "
            f"[{min(v):,.0f}–{max(v):,.0f}] | {statistics.median(ratio):.2f} "
            f"[{min(ratio):.2f}–{max(ratio):.2f}] | {statistics.median(v) / base['float32']:.2f} |"
        )


if __name__ == "__main__":
    main()
