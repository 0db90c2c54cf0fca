"""The command line of ``python -m dlies.train``: flags and their bounds, inputs, one run.

Every fault is reported as one line on stderr with exit status 1 (:func:`main`); flags out of
their bounds are refused by :func:`parse_args` with status 2, before TensorFlow starts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from dlies.train import (
    MAX_BATCH,
    MAX_COMM_TIMEOUT,
    MAX_EPOCHS,
    MAX_LEARNING_RATE,
    MAX_STEPS,
    PRECISIONS,
    STRATEGIES,
    _task,
    adam_learning_rate,
    evaluate,
    fit_distributed,
    is_chief,
    learning_rate_schedule,
    make_strategy,
    split_cpu,
    weights_digest,
)
from dlies.train_cluster import TrainError
from dlies.train_inputs import (
    MODELS,
    build_model,
    is_tfrecord_input,
    tfrecord_dataset,
    tfrecord_files,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m dlies.train",
        description="Train an aftershock network on a laptop, a multi-GPU node or a cluster.",
    )
    p.add_argument("task", choices=["aftershocks"])
    p.add_argument(
        "--data",
        required=True,
        help="HDF5 file in the DeVries et al. (2018) schema, or a folder of TFRecord shards "
        "(read sharded by file across workers)",
    )
    p.add_argument("--val-data", default=None, help="held-out data (same kinds), each epoch")
    p.add_argument("--model", choices=sorted(MODELS), default="devries")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=3500, help="global batch (all replicas)")
    p.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        help="default: one pass over the training negatives",
    )
    p.add_argument(
        "--learning-rate",
        type=float,
        default=1e-3,
        help="Adam's rate at --base-batch; scaled by sqrt(batch / base batch)",
    )
    p.add_argument("--base-batch", type=int, default=3500)
    p.add_argument("--warmup-steps", type=int, default=0, help="linear warm-up from 0")
    p.add_argument("--logdir", default=None, help="TensorBoard scalars, chief only")
    p.add_argument("--strategy", choices=STRATEGIES, default="default")
    p.add_argument("--precision", choices=PRECISIONS, default="float32")
    p.add_argument(
        "--cpu-replicas",
        type=int,
        default=1,
        help="split the CPU into this many logical devices (for MirroredStrategy)",
    )
    p.add_argument("--checkpoint-dir", default="build/checkpoints/aftershocks")
    p.add_argument("--comm-timeout", type=float, default=120.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--summary",
        default=None,
        help="write a JSON summary here; {task} is replaced by the worker's index",
    )
    args = p.parse_args(argv)
    bounds = {
        "epochs": (1, MAX_EPOCHS),
        "batch_size": (2, MAX_BATCH),
        "steps_per_epoch": (1, MAX_STEPS),
        "cpu_replicas": (1, max_cpu_replicas()),
        "base_batch": (1, MAX_BATCH),
        "warmup_steps": (0, MAX_STEPS),
        "seed": (0, 2**32 - 1),
    }
    for name, (low, high) in bounds.items():
        value = getattr(args, name)
        if value is not None and not low <= value <= high:
            p.error(f"--{name.replace('_', '-')} must be in [{low}, {high}], got {value}")
    for name, high in (("learning_rate", MAX_LEARNING_RATE), ("comm_timeout", MAX_COMM_TIMEOUT)):
        value = getattr(args, name)
        if not (math.isfinite(value) and 0 < value <= high):
            p.error(f"--{name.replace('_', '-')} must be in (0, {high:g}], got {value}")
    if args.batch_size % 2:
        p.error("--batch-size must be even (half positives, half negatives)")
    for name in ("data", "val_data"):
        value = getattr(args, name)
        if value is not None and not (Path(value).exists() or is_tfrecord_input(value)):
            p.error(f"--{name.replace('_', '-')} {value}: no such file or folder")
    if is_tfrecord_input(args.data) and args.steps_per_epoch is None:
        p.error("--steps-per-epoch is needed with TFRecord --data (their rows are not counted)")
    return args


def max_cpu_replicas() -> int:
    """The most logical CPU devices ``--cpu-replicas`` may ask for: one per core, at least 8."""
    return max(8, os.cpu_count() or 1)


def check_writable(folder: Path) -> Path:
    """Create ``folder`` if needed and check that a file can be written in it, before training."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise TrainError(f"--checkpoint-dir {folder}: not writable ({exc.strerror})") from None
    return folder


def main(argv: list[str] | None = None) -> int:
    """Run the command; a fault is reported as one line on stderr and exit status 1."""
    args = parse_args(argv)
    try:
        return _run(args)
    except Exception as exc:
        tf = sys.modules.get("tensorflow")
        known = (TrainError, ValueError, OSError) + ((tf.errors.OpError,) if tf else ())
        if not isinstance(exc, known):
            raise
        message = str(exc).strip().splitlines() or [type(exc).__name__]
        if tf and isinstance(exc, tf.errors.OpError):  # a collective timed out, a peer died
            message = [f"{type(exc).__name__} in TensorFlow: {message[0][:300]}"]
        print(f"python -m dlies.train: error: {message[0]}", file=sys.stderr)
        return 1


def _inputs(args, strategy):
    """The training input (a dataset of global batches, or a per-worker function) and steps."""
    import tensorflow as tf

    from dlies.datasets import aftershock_dataset

    if is_tfrecord_input(args.data):
        files = tfrecord_files(args.data)

        def per_worker(ctx):
            batch = ctx.get_per_replica_batch_size(args.batch_size) * (
                strategy.num_replicas_in_sync // ctx.num_input_pipelines
            )
            return tfrecord_dataset(files, batch, input_context=ctx, seed=args.seed)

        return per_worker, args.steps_per_epoch
    ds = aftershock_dataset(
        args.data, batch_size=args.batch_size, balanced=True, random_state=args.seed
    )
    steps = args.steps_per_epoch or int(ds.cardinality())
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return ds.repeat().with_options(options), steps


def _validation(path):
    from dlies.datasets import aftershock_dataset

    if path is None:
        return None
    if is_tfrecord_input(path):
        return tfrecord_dataset(tfrecord_files(path), 8192, repeat=False)
    return aftershock_dataset(path, batch_size=8192, balanced=False, shuffle=False)


def _run(args: argparse.Namespace) -> int:
    import keras
    import tensorflow as tf

    check_writable(args.checkpoint_dir)
    if args.cpu_replicas > 1:  # must happen before TensorFlow runs any operation
        split_cpu(args.cpu_replicas)
    keras.utils.set_random_seed(args.seed)
    strategy = make_strategy(args.strategy, comm_timeout=args.comm_timeout)
    keras.mixed_precision.set_global_policy(args.precision)
    if args.batch_size % strategy.num_replicas_in_sync:
        raise TrainError(
            f"--batch-size {args.batch_size} does not split evenly over "
            f"{strategy.num_replicas_in_sync} replicas"
        )
    dataset, steps = _inputs(args, strategy)
    val = _validation(args.val_data)
    with strategy.scope():
        model = build_model(args.model)
    chief = is_chief(strategy)
    prefix = "" if chief else f"[worker {_task(strategy)[1]}] "
    lr = adam_learning_rate(args.learning_rate, args.batch_size, base_batch=args.base_batch)
    print(
        f"{prefix}{strategy.num_replicas_in_sync} replica(s), {steps} steps/epoch, "
        f"global batch {args.batch_size}, {args.precision}, model {args.model}, "
        f"Adam {lr:.3g} (warm-up {args.warmup_steps} steps)",
        flush=True,
    )
    writer = tf.summary.create_file_writer(args.logdir) if chief and args.logdir else None

    def on_epoch(entry):
        if val is not None:
            entry.update(evaluate(model, val))
        if writer is not None:
            with writer.as_default(step=entry["epoch"]):
                for key in ("loss", "samples_per_s", "val_loss", "val_auc"):
                    if key in entry:
                        tf.summary.scalar(key, entry[key])
            writer.flush()

    history = fit_distributed(
        model,
        dataset,
        strategy=strategy,
        epochs=args.epochs,
        steps_per_epoch=steps,
        global_batch_size=args.batch_size,
        checkpoint_dir=args.checkpoint_dir,
        learning_rate=learning_rate_schedule(lr, args.warmup_steps),
        log=lambda s: print(prefix + s, flush=True),
        on_epoch=on_epoch,
    )
    summary = {
        "replicas": strategy.num_replicas_in_sync,
        "chief": chief,
        "history": history,
        "weights_sha256": weights_digest(model),
        "precision": args.precision,
        "model": args.model,
        "output_dtype": str(model.output.dtype),
    }
    if args.summary:
        from dlies.course import atomic_write_text

        target = Path(args.summary.replace("{task}", str(_task(strategy)[1])))
        atomic_write_text(target, json.dumps(summary, indent=2) + "\n")
    return 0
