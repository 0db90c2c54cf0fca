"""Samples per second of `python -m dlies.train` for 1 and 2 replicas, 1 and 2 workers, float32
and mixed_bfloat16, side by side in one run.

Every configuration trains lecture 08's network on the same file in the DeVries schema (written
once into a temporary folder by ``write_schema_rows``: synthetic rows from a stated law)
for a few epochs; the first epoch (tracing, warm-up) is dropped and the median of the rest is
reported. Configurations run one after another, each in fresh processes:

- ``1 replica``: ``--strategy default``
- ``2 replicas``: ``--strategy mirrored --cpu-replicas 2`` (two logical CPU devices)
- ``2 workers``: two processes, ``--strategy multiworker``, on loopback
- each in float32 and in mixed_bfloat16

Usage::

    .venv/bin/python benchmarks/bench_scaling.py [--rows 500000] [--epochs 4] [--steps 60]
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
    folder = work / f"{config}-{precision}".replace(" ", "_")
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
    p.add_argument("--batch-size", type=int, default=4096)
    p.add_argument("--steps", type=int, default=60, help="steps per epoch")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "devries_schema.h5"
        write_schema_rows(data, args.rows, random_state=0)
        results = [
            run(c, prec, data, work, args.epochs, args.batch_size, args.steps)
            for prec in ("float32", "mixed_bfloat16")
            for c in ("1 replica", "2 replicas", "2 workers")
        ]
    base = {r["precision"]: r["samples_per_s"] for r in results if r["config"] == "1 replica"}
    f32 = results[0]["samples_per_s"]
    print(
        f"{args.rows:,} rows, global batch {args.batch_size}, {args.steps} steps per epoch, "
        f"median of epochs 2..{args.epochs}"
    )
    print("| configuration | precision | samples/s | vs 1 replica | vs float32 1 replica |")
    print("|---|---|---|---|---|")
    for r in results:
        s = r["samples_per_s"]
        print(
            f"| {r['config']} | {r['precision']} | {s:,.0f} | "
            f"{s / base[r['precision']]:.2f} | {s / f32:.2f} |"
        )


if __name__ == "__main__":
    main()
