"""Train an aftershock network the same way on a laptop, a multi-GPU node or a cluster.

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

The command line is in :mod:`dlies.train_cli`, the cluster plumbing (``TF_CONFIG``, peers,
local worker processes, faults) in :mod:`dlies.train_cluster`, the inputs (HDF5, TFRecord
shards read sharded by file) and the networks in :mod:`dlies.train_inputs`; docs/scaling.md
is the recipe for GPUs and clusters.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

from dlies._validate import (
    Boolean,
    Folder,
    Function,
    Integer,
    Options,
    Real,
    Sequence,
    String,
    Unchecked,
    validate_params,
)
from dlies.train_cluster import (
    NonFiniteLoss,
    TrainError,
    free_ports,
    read_tf_config,
    start_local_workers,
    wait_for_peers,
    wait_workers,
)
from dlies.train_inputs import (
    build_model,
    parse_block,
    tfrecord_dataset,
    write_tfrecord_shards,
)

__all__ = [
    "NonFiniteLoss",
    "TrainError",
    "adam_learning_rate",
    "build_model",
    "evaluate",
    "learning_rate_schedule",
    "tfrecord_dataset",
    "write_tfrecord_shards",
    "fit_distributed",
    "free_ports",
    "is_chief",
    "main",
    "parse_args",
    "parse_block",
    "make_strategy",
    "make_train_step",
    "read_tf_config",
    "restore_or_start",
    "split_cpu",
    "start_local_workers",
    "wait_for_peers",
    "wait_workers",
    "weights_digest",
]

STRATEGIES = ("default", "mirrored", "multiworker", "slurm")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")
#: Course bounds on the numeric flags: outside them a run is a typo, not an experiment.
MAX_EPOCHS = 100_000
MAX_BATCH = 1 << 24
MAX_STEPS = 10_000_000
MAX_LEARNING_RATE = 1.0  # Adam diverges well before this
MAX_COMM_TIMEOUT = 86_400.0  # one day


_STRATEGY = Unchecked("a tf.distribute.Strategy")
_MODEL = Function()  # a Keras model is callable


@validate_params(kind=Options(*STRATEGIES), comm_timeout=Real(above=0, max=MAX_COMM_TIMEOUT))
def make_strategy(kind: str = "default", *, comm_timeout: float = 120.0):
    """A ``tf.distribute`` strategy by name.

    ``multiworker`` reads its cluster from ``TF_CONFIG``; ``slurm`` from Slurm's environment
    (``SlurmClusterResolver``). A peer that does not answer within ``comm_timeout`` seconds
    at the start (:func:`wait_for_peers`), or a collective operation that waits longer later,
    stops the job instead of hanging it.
    """
    import tensorflow as tf

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


@validate_params(n=Integer(min=1, max=4096))
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


@validate_params(strategy=_STRATEGY)
def is_chief(strategy) -> bool:
    """The worker whose checkpoints and logs are the job's (task 0, or no cluster at all)."""
    task_type, task_id = _task(strategy)
    return task_type in (None, "chief") or (task_type == "worker" and task_id == 0)


@validate_params(base=Real(above=0), global_batch=Integer(min=1), base_batch=Integer(min=1))
def adam_learning_rate(base: float, global_batch: int, *, base_batch: int) -> float:
    """Square-root scaling for Adam: ``base * sqrt(global_batch / base_batch)``.

    ``base`` is a learning rate that trains well at ``base_batch``. The linear rule (Goyal et
    al. 2017) was derived for SGD, whose step grows with the gradient; Adam's step is
    normalised by the gradient's running RMS, and averaging ``k`` times more samples cuts the
    gradient noise by ``sqrt(k)``, hence the square root (Malladi et al. 2022).
    """
    return base * math.sqrt(global_batch / base_batch)


@validate_params(peak=Real(above=0, max=MAX_LEARNING_RATE), warmup_steps=Integer(min=0))
def learning_rate_schedule(peak: float, warmup_steps: int):
    """A linear warm-up from 0 to ``peak`` over ``warmup_steps`` steps, then ``peak``.

    Keras's ``CosineDecay`` with ``alpha=1`` decays to 100 % of its target, i.e. not at all:
    what remains is its linear warm-up. ``warmup_steps=0`` returns ``peak`` itself.
    """
    import keras

    if warmup_steps <= 0:
        return peak
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=1, alpha=1.0, warmup_target=peak, warmup_steps=warmup_steps
    )


@validate_params(model=_MODEL, dataset=Unchecked("a tf.data.Dataset or any iterable of (x, y)"))
def evaluate(model, dataset) -> dict:
    """Held-out binary cross-entropy and ROC AUC of ``model`` over one pass of ``dataset``.

    The AUC is exact (scikit-learn's ``roc_auc_score`` on every prediction, kept in memory at
    8 bytes a row), so that it compares with the AUCs the lectures compute; NaN when the
    held-out rows hold one class only.
    """
    import keras
    import numpy as np
    from sklearn.metrics import roc_auc_score

    probs, labels = [], []
    for x, y in dataset:
        probs.append(np.asarray(model(x, training=False), dtype=np.float64).reshape(-1))
        labels.append(np.asarray(y, dtype=np.float64).reshape(-1))
    p, y = np.concatenate(probs), np.concatenate(labels)
    loss = keras.losses.BinaryCrossentropy()(y[:, None], p[:, None])
    auc = roc_auc_score(y, p) if 0 < y.sum() < len(y) else float("nan")
    return {"val_loss": float(loss), "val_auc": float(auc)}


@validate_params(
    model=_MODEL,
    optimizer=Unchecked("a Keras optimizer"),
    strategy=_STRATEGY,
    global_batch_size=Integer(min=1),
    loss_scale=Boolean(),
)
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


@validate_params(
    checkpoint=Unchecked("a tf.train.Checkpoint"),
    strategy=_STRATEGY,
    folder=Folder(),
    log=Function(),
)
def restore_or_start(checkpoint, strategy, folder: Path, log=print):
    """TensorFlow's multi-worker checkpointing: all restore the chief's, all save."""
    import tensorflow as tf

    folder = Path(folder)
    latest = _restore_latest(checkpoint, folder)  # a corrupt checkpoint is named, not traced
    if latest:
        log(f"resumed from {Path(latest).name} at epoch {int(checkpoint.epoch.numpy())}")
    # Only the chief writes into the real folder; the others write a copy they delete.
    write_to = folder if is_chief(strategy) else folder / f".worker{_task(strategy)[1]}.tmp"
    return tf.train.CheckpointManager(checkpoint, str(write_to), max_to_keep=2), write_to


def _restore_latest(checkpoint, folder: Path) -> str | None:
    """Restore the latest checkpoint in ``folder``, if any; errors name the file."""
    import tensorflow as tf

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
    return latest


@validate_params(
    model=_MODEL,
    dataset=(Function(), Unchecked("a tf.data.Dataset of global batches")),
    strategy=_STRATEGY,
    epochs=Integer(min=0, max=MAX_EPOCHS),
    steps_per_epoch=Integer(min=1, max=MAX_STEPS),
    global_batch_size=Integer(min=1, max=MAX_BATCH),
    checkpoint_dir=Folder(),
    learning_rate=(Real(above=0, max=MAX_LEARNING_RATE), Function()),
    log=Function(),
    on_epoch=(None, Function()),
)
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
    on_epoch=None,
):
    """Train ``model`` on ``dataset`` under ``strategy``; resume from ``checkpoint_dir``.

    ``dataset`` is a ``tf.data.Dataset`` of global batches (split between the replicas), or a
    function of a ``tf.distribute.InputContext`` returning this input pipeline's dataset
    (``distribute_datasets_from_function``: each worker reads its own files). ``learning_rate``
    may be a Keras schedule (:func:`learning_rate_schedule`). ``on_epoch(entry)`` runs after
    each epoch's checkpoint (validation, TensorBoard) and may add keys to the epoch's entry.
    The loss is read from the device once per epoch; a non-finite one raises
    :class:`NonFiniteLoss` before that epoch is saved.
    """
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
    if callable(dataset):
        iterator = iter(strategy.distribute_datasets_from_function(dataset))
    else:
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
        if on_epoch is not None:
            on_epoch(history[-1])
        log(json.dumps(history[-1]))
    return history


@validate_params(model=Unchecked("a Keras model (its get_weights)"))
def weights_digest(model) -> str:
    """SHA-256 of every weight's bytes: equal digests mean identical replicas."""
    h = hashlib.sha256()
    for w in model.get_weights():
        h.update(w.tobytes())
    return h.hexdigest()


@validate_params(argv=(None, Sequence(String(100_000, allow_empty=True))))
def main(argv: list[str] | None = None) -> int:
    """``python -m dlies.train``: see :func:`dlies.train_cli.main`."""
    from dlies.train_cli import main as run

    return run(argv)


@validate_params(argv=(None, Sequence(String(100_000, allow_empty=True))))
def parse_args(argv: list[str] | None = None):
    """The command's flags, checked: see :func:`dlies.train_cli.parse_args`."""
    from dlies.train_cli import parse_args as parse

    return parse(argv)


if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
