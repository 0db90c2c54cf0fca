"""Train lecture 08's aftershock network the same way on a laptop, a multi-GPU node or a cluster.

::

    python -m dlies.train aftershocks --data data/devries/Training.h5 --epochs 5
    python -m dlies.train aftershocks --data FILE --strategy mirrored        # every local GPU
    TF_CONFIG='{...}' python -m dlies.train aftershocks --data FILE --strategy multiworker
    srun python -m dlies.train aftershocks --data FILE --strategy slurm      # in an sbatch job

The training loop is written out (:func:`fit_distributed`) rather than left to ``model.fit``:
Keras 3's ``fit`` does not run under ``MultiWorkerMirroredStrategy``, and the loop shows what
each replica computes. Checkpoints follow TensorFlow's multi-worker guide: every worker saves
(the chief into the real folder, the others into temporary folders they remove), every worker
restores, so a job killed mid-training resumes at its last saved epoch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

STRATEGIES = ("default", "mirrored", "multiworker", "slurm")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
#: Course bounds on the numeric flags: outside them a run is a typo, not an experiment.
MAX_EPOCHS = 100_000
MAX_BATCH = 1 << 24
MAX_STEPS = 10_000_000
MAX_LEARNING_RATE = 1.0  # Adam diverges well before this
MAX_COMM_TIMEOUT = 86_400.0  # one day


class TrainError(RuntimeError):
    """A fault the command reports as one line (exit status 1), not as a traceback."""


class NonFiniteLoss(TrainError):
    """The training loss became NaN or infinite: the job stops rather than train on."""


def read_tf_config(text: str | None) -> dict:
    """``TF_CONFIG`` parsed and checked: a worker list of ``host:port`` and this task's index.

    Every error names ``TF_CONFIG`` and says what was expected.
    """
    if text is None or not text.strip():
        raise TrainError("TF_CONFIG is not set; --strategy multiworker needs it (docs/scaling.md)")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrainError(f"TF_CONFIG is not JSON ({exc.msg} at character {exc.pos})") from None
    expected = '{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": i}}'
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    workers = cluster.get("worker") if isinstance(cluster, dict) else None
    if not isinstance(workers, list) or not workers or not isinstance(task, dict):
        raise TrainError(f"TF_CONFIG must look like {expected}; got {text[:200]!r}")
    for address in workers:
        host, _, port = str(address).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise TrainError(f"TF_CONFIG: worker address {address!r} is not host:port")
    index = task.get("index")
    if task.get("type") not in ("worker", "chief") or not isinstance(index, int):
        raise TrainError(f"TF_CONFIG: task must be {{'type': 'worker', 'index': i}}, got {task}")
    if task["type"] == "worker" and not 0 <= index < len(workers):
        raise TrainError(
            f"TF_CONFIG: task index {index} is outside the {len(workers)} worker(s) listed"
        )
    return config


def wait_for_peers(workers: list[str], index: int, *, timeout: float, poll: float = 0.2) -> None:
    """Check that every other worker of the cluster answers on its port within ``timeout`` s.

    ``MultiWorkerMirroredStrategy``'s constructor waits for every peer without a time limit
    (``--comm-timeout`` bounds collective operations only, once they run). So before building
    it, each worker listens on its own address for a moment and connects to every peer's: a
    peer that never starts is named, and the job stops, instead of hanging.
    """
    import socket

    own_port = int(workers[index].rpartition(":")[2])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("", own_port))
    except OSError as exc:
        listener.close()
        raise TrainError(
            f"worker {index} cannot listen on {workers[index]}: {exc.strerror}"
        ) from None
    listener.listen(len(workers))
    deadline = time.monotonic() + timeout
    missing = [a for i, a in enumerate(workers) if i != index]
    try:
        while missing:
            host, _, port = missing[0].rpartition(":")
            try:
                with socket.create_connection((host.strip("[]"), int(port)), timeout=poll):
                    missing.pop(0)
                    continue
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TrainError(
                    f"peer worker at {missing[0]} did not answer within {timeout:g} s "
                    "(--comm-timeout); start every worker of TF_CONFIG's list"
                )
            time.sleep(poll)
    finally:
        listener.close()


def make_strategy(kind: str = "default", *, comm_timeout: float = 120.0):
    """A ``tf.distribute`` strategy by name.

    ``multiworker`` reads its cluster from ``TF_CONFIG``; ``slurm`` from Slurm's environment
    (``SlurmClusterResolver``). A peer that does not answer within ``comm_timeout`` seconds
    at the start (:func:`wait_for_peers`), or a collective operation that waits longer later,
    stops the job instead of hanging it.
    """
    import tensorflow as tf

    if kind not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {kind!r}")
    if kind == "default":
        return tf.distribute.get_strategy()
    if kind == "mirrored":  # every GPU, else every logical CPU device (see split_cpu)
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
        devices = devices or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=comm_timeout)
    resolver = None
    if kind == "slurm":
        resolver = tf.distribute.cluster_resolver.SlurmClusterResolver()
        workers = resolver.cluster_spec().as_dict().get(resolver.task_type, [])
        index = resolver.task_id
    else:
        config = read_tf_config(os.environ.get("TF_CONFIG"))
        workers, index = config["cluster"]["worker"], config["task"]["index"]
    if len(workers) > 1 and 0 <= index < len(workers):
        wait_for_peers(workers, index, timeout=comm_timeout)
    return tf.distribute.MultiWorkerMirroredStrategy(
        cluster_resolver=resolver, communication_options=options
    )


def split_cpu(n: int) -> list:
    """Make ``n`` logical CPU devices, so ``MirroredStrategy`` can mirror across them.

    Call it before TensorFlow runs any operation (``dlies.course.setup`` runs none).
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    return tf.config.list_logical_devices("CPU")


def _task(strategy) -> tuple[str | None, int]:
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return None, 0
    return resolver.task_type, int(resolver.task_id or 0)


def is_chief(strategy) -> bool:
    """The worker whose checkpoints and logs are the job's (task 0, or no cluster at all)."""
    task_type, task_id = _task(strategy)
    return task_type in (None, "chief") or (task_type == "worker" and task_id == 0)


def adam_learning_rate(base: float, global_batch: int, *, base_batch: int) -> float:
    """Square-root scaling for Adam: ``base * sqrt(global_batch / base_batch)``.

    ``base`` is a learning rate that trains well at ``base_batch``. The linear rule (Goyal et
    al. 2017) was derived for SGD, whose step grows with the gradient; Adam's step is
    normalised by the gradient's running RMS, and averaging ``k`` times more samples cuts the
    gradient noise by ``sqrt(k)``, hence the square root (Malladi et al. 2022).
    """
    if not (math.isfinite(base) and base > 0 and global_batch >= 1 and base_batch >= 1):
        raise ValueError(
            f"adam_learning_rate: need base > 0 and batches >= 1, got {base}, "
            f"{global_batch}, {base_batch}"
        )
    return base * math.sqrt(global_batch / base_batch)


def make_train_step(model, optimizer, strategy, global_batch_size: int, *, loss_scale=False):
    """One synchronous step: every replica takes its share of the global batch."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(reduction="none")

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            p = tf.cast(model(x, training=True), tf.float32)
            per_example = bce(tf.expand_dims(y, -1), p)
            # Divide by the GLOBAL batch: the replicas' losses then sum to the batch mean.
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)
            scaled = optimizer.scale_loss(loss) if loss_scale else loss
        grads = tape.gradient(scaled, model.trainable_variables)
        # Keras all-reduces (sums) the gradients across replicas before applying them.
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def train_step(iterator):
        x, y = next(iterator)
        per_replica_loss = strategy.run(replica_step, args=(x, y))
        return strategy.reduce("SUM", per_replica_loss, axis=None)

    return train_step


def restore_or_start(checkpoint, strategy, folder: Path, log=print):
    """TensorFlow's multi-worker checkpointing: all restore the chief's, all save."""
    import tensorflow as tf

    folder = Path(folder)
    try:
        latest = tf.train.latest_checkpoint(str(folder))
    except (tf.errors.OpError, ValueError) as exc:  # an unreadable "checkpoint" state file
        raise TrainError(f"{folder / 'checkpoint'}: not a checkpoint state file ({exc})") from None
    if latest:
        try:
            checkpoint.restore(latest)
        except (tf.errors.OpError, ValueError, AssertionError) as exc:
            raise TrainError(
                f"checkpoint {latest} cannot be restored ({str(exc).splitlines()[0][:200]}); "
                "move the folder away to start afresh"
            ) from None
        log(f"resumed from {Path(latest).name} at epoch {int(checkpoint.epoch.numpy())}")
    # Only the chief writes into the real folder; the others write a copy they delete.
    write_to = folder if is_chief(strategy) else folder / f".worker{_task(strategy)[1]}.tmp"
    return tf.train.CheckpointManager(checkpoint, str(write_to), max_to_keep=2), write_to


def fit_distributed(
    model,
    dataset,
    *,
    strategy,
    epochs,
    steps_per_epoch,
    global_batch_size,
    checkpoint_dir,
    learning_rate=1e-3,
    log=print,
):
    """Train ``model`` on ``dataset`` under ``strategy``; resume from ``checkpoint_dir``."""
    import keras
    import tensorflow as tf

    loss_scale = keras.mixed_precision.global_policy().name == "mixed_float16"
    with strategy.scope():
        optimizer = keras.optimizers.Adam(learning_rate)
        if loss_scale:  # float16 gradients underflow: scale the loss up, gradients back down
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        optimizer.build(model.trainable_variables)  # its slots mirrored now, not mid-step
        epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch)
    manager, write_to = restore_or_start(checkpoint, strategy, Path(checkpoint_dir), log)
    train_step = make_train_step(
        model, optimizer, strategy, global_batch_size, loss_scale=loss_scale
    )
    iterator = iter(strategy.experimental_distribute_dataset(dataset))
    history = []
    while int(epoch.numpy()) < epochs:
        start = time.perf_counter()
        total = tf.constant(0.0)
        for _ in range(steps_per_epoch):  # no host sync inside the epoch
            total += train_step(iterator)
        total = float(total)  # the one read per epoch
        if not math.isfinite(total):
            raise NonFiniteLoss(
                f"the training loss is {total} in epoch {int(epoch.numpy()) + 1}; lower "
                "--learning-rate or check the data (no checkpoint of this epoch was written)"
            )
        seconds = time.perf_counter() - start  # training only: the checkpoint is timed apart
        epoch.assign_add(1)
        saved = time.perf_counter()
        manager.save(checkpoint_number=int(epoch.numpy()))
        if not is_chief(strategy):
            tf.io.gfile.rmtree(str(write_to))
        history.append(
            {
                "epoch": int(epoch.numpy()),
                "loss": total / steps_per_epoch,
                "seconds": seconds,
                "samples_per_s": steps_per_epoch * global_batch_size / seconds,
                "checkpoint_seconds": time.perf_counter() - saved,
            }
        )
        log(json.dumps(history[-1]))
    return history


def weights_digest(model) -> str:
    """SHA-256 of every weight's bytes: equal digests mean identical replicas."""
    h = hashlib.sha256()
    for w in model.get_weights():
        h.update(w.tobytes())
    return h.hexdigest()


def free_ports(n: int) -> list[int]:
    """``n`` TCP ports on 127.0.0.1 that are free right now (the OS picks them)."""
    import socket

    socks = [socket.socket() for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def start_local_workers(n_workers: int, argv: list[str], *, log_dir: Path) -> list:
    """Start ``n_workers`` processes of ``python -m dlies.train`` as one cluster on loopback.

    Each gets its ``TF_CONFIG`` (same worker list, its own index) and writes its output to
    ``log_dir/worker<i>.log``. Returns the ``subprocess.Popen`` objects: the caller waits for
    them (:func:`wait_workers`) or kills them.
    """
    import subprocess

    workers = [f"127.0.0.1:{port}" for port in free_ports(n_workers)]
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in range(n_workers):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        env["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": i}}
        )
        with open(log_dir / f"worker{i}.log", "wb") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dlies.train", *argv],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    return procs


def wait_workers(procs: list, *, timeout: float) -> list[int]:
    """Wait for every worker at most ``timeout`` seconds in all; kill what is left."""
    deadline = time.monotonic() + timeout
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=max(0.1, deadline - time.monotonic())))
        except Exception:  # subprocess.TimeoutExpired: stop it, never leave it behind
            proc.kill()
            codes.append(proc.wait())
    return codes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m dlies.train", description=__doc__.split("\n")[0])
    p.add_argument("task", choices=["aftershocks"])
    p.add_argument("--data", required=True, help="HDF5 file in the DeVries et al. (2018) schema")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=3500, help="global batch (all replicas)")
    p.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        help="default: one pass over the training negatives",
    )
    p.add_argument("--learning-rate", type=float, default=1e-3)
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
    if not Path(args.data).is_file():
        p.error(f"--data {args.data}: no such file")
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


def _run(args: argparse.Namespace) -> int:
    import keras
    import tensorflow as tf

    from dlies.datasets import aftershock_dataset
    from dlies.models import devries_network

    check_writable(args.checkpoint_dir)
    if args.cpu_replicas > 1:  # must happen before TensorFlow runs any operation
        split_cpu(args.cpu_replicas)
    keras.utils.set_random_seed(args.seed)
    strategy = make_strategy(args.strategy, comm_timeout=args.comm_timeout)
    keras.mixed_precision.set_global_policy(args.precision)
    ds = aftershock_dataset(
        args.data, batch_size=args.batch_size, balanced=True, random_state=args.seed
    )
    steps = args.steps_per_epoch or int(ds.cardinality())
    ds = ds.repeat()
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = ds.with_options(options)
    with strategy.scope():
        model = devries_network(input_shape=(12,))
    prefix = "" if is_chief(strategy) else f"[worker {_task(strategy)[1]}] "
    print(
        f"{prefix}{strategy.num_replicas_in_sync} replica(s), {steps} steps/epoch, "
        f"global batch {args.batch_size}, {args.precision}",
        flush=True,
    )
    history = fit_distributed(
        model,
        ds,
        strategy=strategy,
        epochs=args.epochs,
        steps_per_epoch=steps,
        global_batch_size=args.batch_size,
        checkpoint_dir=args.checkpoint_dir,
        learning_rate=args.learning_rate,
        log=lambda s: print(prefix + s, flush=True),
    )
    summary = {
        "replicas": strategy.num_replicas_in_sync,
        "chief": is_chief(strategy),
        "history": history,
        "weights_sha256": weights_digest(model),
        "precision": args.precision,
    }
    if args.summary:
        from dlies.course import atomic_write_text

        target = Path(args.summary.replace("{task}", str(_task(strategy)[1])))
        atomic_write_text(target, json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
