"""The input and model side of :mod:`dlies.train`: TFRecord shards and the networks it trains.

TFRecord shards hold one ``tf.train.Example`` per block of rows (``sigma``: the block's stress
components in Pa, row-major ``(rows, 6)``; ``label``: its 0/1 labels), so parsing is vectorised.
Lecture 19 writes them with :func:`write_tfrecord_shards`; :func:`tfrecord_dataset` reads them
**sharded by file** across workers: each input pipeline reads its own files, none reads all.
"""

from __future__ import annotations

import os
from pathlib import Path

from dlies._validate import (
    Boolean,
    Folder,
    Integer,
    Options,
    Pair,
    RegularFile,
    Sequence,
    String,
    Unchecked,
    validate_params,
)

#: ``--model``: lecture 08's network, and a wide one whose matrix products keep a GPU busy.
MODELS = {
    "devries": {"hidden_layers": 6, "units": 50, "dropout": 0.5},  # 13 451 parameters
    "wide": {"hidden_layers": 4, "units": 1024, "dropout": 0.0},  # 3.16 M parameters
}
_SCHEMA = None


@validate_params(kind=Options(*MODELS))
def build_model(kind: str = "devries"):
    """The network of ``--model kind`` for the 12 stress inputs, its output layer in float32.

    Under a mixed policy every layer computes in float16 or bfloat16; the output sigmoid is
    kept in float32, since a half-precision sigmoid rounds probabilities near 0 and 1 and the
    loss computed from them.
    """
    import keras

    from dlies.models import devries_network

    body = devries_network(input_shape=(12,), **MODELS[kind])
    hidden = body.layers[-2].output  # everything but the output layer
    output = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer="lecun_uniform",
        dtype="float32",
        name="p_aftershock",
    )(hidden)
    return keras.Model(body.input, output, name=f"{kind}_network")


def is_tfrecord_input(data: str | os.PathLike) -> bool:
    """A folder of ``*.tfrecord`` shards (or a glob pattern) rather than an HDF5 file."""
    text = str(data)
    return Path(text).is_dir() or any(ch in text for ch in "*?[")


def tfrecord_files(data: str | os.PathLike) -> list[str]:
    """The shards of ``--data``: ``<folder>/*.tfrecord`` or a glob pattern, sorted."""
    import tensorflow as tf

    pattern = str(Path(data) / "*.tfrecord") if Path(data).is_dir() else str(data)
    files = sorted(tf.io.gfile.glob(pattern))
    if not files:
        raise ValueError(f"--data {data}: no TFRecord shards match {pattern}")
    return files


@validate_params(
    h5_path=RegularFile(),
    folder=Folder(),
    n_shards=Integer(min=1, max=100_000),
    block_rows=Integer(min=1),
    rows=(None, Pair(Integer(min=0))),
)
def write_tfrecord_shards(
    h5_path: str | os.PathLike,
    folder: str | os.PathLike,
    *,
    n_shards: int = 8,
    block_rows=4096,
    rows: tuple[int, int] | None = None,
) -> list[Path]:
    """Convert a DeVries-schema HDF5 file to ``n_shards`` TFRecord files, block ``i`` into shard
    ``i % n_shards``; each file is written atomically. Returns the shard paths.

    ``rows=(start, stop)`` converts only the file's rows ``start`` to ``stop - 1`` (a training
    or a held-out part of one file); the default converts them all.
    """
    import numpy as np
    import tensorflow as tf

    from dlies.atomic import atomic_path
    from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS
    from dlies.datasets.devries.files import _layout, _open

    paths = [folder / f"part-{s:02d}.tfrecord" for s in range(n_shards)]
    with _open(h5_path) as f:  # h5py's errors, a missing key or a short column name the file
        n_rows = _layout(h5_path, f, LABEL_KEY, need_events=False)
        start, stop = (0, n_rows) if rows is None else rows
        if stop > n_rows:
            raise ValueError(
                f"write_tfrecord_shards: rows {(start, stop)} run past the {n_rows} rows of "
                f"{h5_path}"
            )
        n_blocks = -(-(stop - start) // block_rows)
        folder.mkdir(parents=True, exist_ok=True)
        for s, path in enumerate(paths):
            with atomic_path(path) as tmp, tf.io.TFRecordWriter(str(tmp)) as writer:
                for i in range(s, n_blocks, n_shards):
                    first = start + i * block_rows
                    rows_i = slice(first, min(first + block_rows, stop))
                    x = np.stack([f[k][rows_i] for k in STRESS_KEYS], axis=1)
                    feature = {
                        "sigma": tf.train.Feature(float_list=tf.train.FloatList(value=x.ravel())),
                        "label": tf.train.Feature(
                            float_list=tf.train.FloatList(value=f[LABEL_KEY][rows_i])
                        ),
                    }
                    example = tf.train.Example(features=tf.train.Features(feature=feature))
                    writer.write(example.SerializeToString())
    return paths


@validate_params(record=Unchecked("a serialised tf.train.Example, traced by tf.data"))
def parse_block(record):
    """One serialised block: the network input (|σ|, -|σ| in MPa, ``(rows, 12)``) and labels."""
    import tensorflow as tf

    schema = {
        "sigma": tf.io.RaggedFeature(tf.float32),
        "label": tf.io.RaggedFeature(tf.float32),
    }
    ex = tf.io.parse_single_example(record, schema)
    a = tf.abs(tf.reshape(ex["sigma"], (-1, 6))) / 1e6
    return tf.concat([a, -a], axis=-1), ex["label"]


@validate_params(
    files=Sequence(String(4096), min_length=1),
    batch_size=Integer(min=1),
    input_context=(None, Unchecked("a tf.distribute.InputContext")),
    seed=Integer(min=0),
    repeat=Boolean(),
)
def tfrecord_dataset(files, batch_size: int, *, input_context=None, seed=0, repeat=True):
    """Batches of ``batch_size`` rows from TFRecord shards, this pipeline's files only.

    With an ``input_context`` (from ``strategy.distribute_datasets_from_function``) the files
    are split between the input pipelines (``shard`` by file: pipeline ``k`` of ``n`` reads
    files ``k, k + n, ...``), and ``batch_size`` is the batch of this pipeline's replicas.
    """
    import tensorflow as tf

    n, k = (
        (1, 0)
        if input_context is None
        else (
            input_context.num_input_pipelines,
            input_context.input_pipeline_id,
        )
    )
    if len(files) < n:
        raise ValueError(
            f"{len(files)} TFRecord shard(s) for {n} workers: sharding by file needs at least "
            "one shard per worker; write more shards"
        )
    ds = tf.data.Dataset.from_tensor_slices(list(files)).shard(n, k)
    if repeat:
        ds = ds.shuffle(len(files), seed=seed).repeat()
    ds = ds.interleave(tf.data.TFRecordDataset, cycle_length=4, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.map(parse_block, num_parallel_calls=tf.data.AUTOTUNE).unbatch()
    if repeat:
        ds = ds.shuffle(16 * batch_size, seed=seed)
    return ds.batch(batch_size, drop_remainder=repeat).prefetch(tf.data.AUTOTUNE)
