"""Balanced batches for Keras from a DeVries-format HDF5 file, in memory or in blocks.

A file whose input fits ``memory_budget`` is read once into float32 arrays; TensorFlow then
gathers each batch from those tensors, Python choosing only the row indices. A larger file is
read by one plain Python generator over blocks of rows, so memory stays bounded whatever the
file's size. Both give the same kind of batches (see :func:`aftershock_dataset`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import numpy as np

from dlies._validate import Boolean, Integer, RandomState, Real, validate_params
from dlies.datasets.devries.files import (
    EVENT_KEY,
    EVENTS,
    KEY,
    LABEL_KEY,
    PATH,
    STRESS_KEYS,
    _check_column,
    _check_found,
    _h5,
    _is_hdf5,
    _layout,
    _magnitudes,
    _open,
    _read,
)

#: Files up to this many bytes of network input (float32) are read into memory.
MEMORY_BUDGET = 2_000_000_000
_ROW_BYTES = 7 * 4  # six float32 magnitudes and a float32 label per row


def _read_rows(p, f, label_key: str, start: int, stop: int, wanted) -> tuple:
    """Rows ``start:stop``, validated: |σ| (m, 6) float32 in MPa, labels, selected rows, ids."""
    labels = _read(p, f, label_key, start, stop, np.float64)
    _check_column(p, label_key, labels, labels=True, offset=start)
    mags = np.empty((stop - start, 6), np.float32)
    for k, key in enumerate(STRESS_KEYS):
        column = _read(p, f, key, start, stop, np.float64)
        _check_column(p, key, column, labels=False, offset=start)
        mags[:, k] = column
    _magnitudes(mags)
    event = None if wanted is None else _read(p, f, EVENT_KEY, start, stop, np.int64)
    selected = np.ones(stop - start, bool) if wanted is None else np.isin(event, wanted)
    return mags, labels.astype(np.float32), selected, event


class _Cycle:
    """Indices 0..n-1 in random order, again and again, each round freshly shuffled."""

    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self.n, self.rng, self.order = n, rng, np.empty(0, np.int64)

    def take(self, k: int) -> np.ndarray:
        while len(self.order) < k:
            self.order = np.concatenate([self.order, self.rng.permutation(self.n)])
        out, self.order = self.order[:k], self.order[k:]
        return out


def _in_memory(p, label_key, wanted, rng, batch, balanced, shuffle):
    """Read the file once; return its arrays and a generator of each pass's row indices."""
    with _open(p) as f:
        n = _layout(p, f, label_key, need_events=wanted is not None)
        mags, labels, selected, event = _read_rows(p, f, label_key, 0, n, wanted)
    _check_found(p, wanted, event)
    index = np.int32 if n < 2**31 else np.int64  # row indices: half the memory when they fit
    pos = np.flatnonzero(selected & (labels == 1)).astype(index)
    neg = np.flatnonzero(selected & (labels == 0)).astype(index)
    rows, cycle, half = np.flatnonzero(selected).astype(index), _Cycle(len(pos), rng), batch // 2
    use = len(neg) - len(neg) % half  # negatives that fill whole balanced batches

    def batches() -> Iterator[np.ndarray]:
        """One pass: the rows of every batch, (batches, rows); TensorFlow gathers them."""
        if balanced:  # positives first, then negatives
            order = (rng.permutation(neg) if shuffle else neg)[:use]
            partners = pos[cycle.take(use)]
            yield np.concatenate([partners.reshape(-1, half), order.reshape(-1, half)], axis=1)
        else:
            order = rng.permutation(rows) if shuffle else rows
            whole = len(order) - len(order) % batch
            yield order[:whole].reshape(-1, batch)
            if whole < len(order):  # the last, short batch
                yield order[whole:][None]

    return (mags, labels), batches, len(pos), len(neg)


def _in_blocks(p, label_key, wanted, rng, batch, balanced, shuffle, block_rows, window, cap):
    """One validating pass that keeps the positives; a generator of batches read in blocks."""
    blocks, pool, keys, seen, n_pos, n_neg = [], [], [], [], 0, 0
    with _open(p) as f:
        n = _layout(p, f, label_key, need_events=wanted is not None)
        for start in range(0, n, block_rows):
            stop = min(start + block_rows, n)
            mags, labels, selected, event = _read_rows(p, f, label_key, start, stop, wanted)
            seen.append(np.unique(event) if wanted is not None else np.empty(0, np.int64))
            if selected.any():
                blocks.append((start, stop))
                is_pos = selected & (labels == 1)
                n_pos, n_neg = n_pos + is_pos.sum(), n_neg + (selected & (labels == 0)).sum()
                pool.append(mags[is_pos])
                keys.append(rng.random(int(is_pos.sum())))
                if sum(map(len, keys)) > 2 * cap:  # keep a uniform random subset of `cap`
                    pool, keys = _trim(pool, keys, cap)
    _check_found(p, wanted, np.concatenate(seen))
    pool = _trim(pool, keys, cap)[0][0] if pool else np.empty((0, 6), np.float32)
    cycle, half = _Cycle(len(pool), rng), batch // 2
    cut = half if balanced else batch
    y_balanced = np.repeat(np.float32([1, 0]), half)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """One pass: windows of random blocks, as (batches, rows, 6) |σ| and (batches, rows)."""
        order = rng.permutation(len(blocks)) if shuffle else np.arange(len(blocks))
        carry = (np.empty((0, 6), np.float32), np.empty(0, np.float32))
        with _open(p) as f:
            for w in range(0, len(order), window):
                mags, labels = _read_window(
                    p, f, label_key, [blocks[b] for b in order[w : w + window]], wanted, balanced
                )
                if shuffle:
                    perm = rng.permutation(len(labels))
                    mags, labels = mags[perm], labels[perm]
                mags, labels = np.concatenate([carry[0], mags]), np.concatenate([carry[1], labels])
                use = len(labels) - len(labels) % cut
                if balanced:
                    partners = pool[cycle.take(use)].reshape(-1, half, 6)
                    x = np.concatenate([partners, mags[:use].reshape(-1, half, 6)], axis=1)
                    yield x, np.broadcast_to(y_balanced, (len(x), batch))
                else:
                    yield mags[:use].reshape(-1, cut, 6), labels[:use].reshape(-1, cut)
                carry = (mags[use:], labels[use:])
        if not balanced and len(carry[1]):  # the last, short batch
            yield carry[0][None], carry[1][None]

    return batches, n_pos, n_neg


def _read_window(p, f, label_key, blocks, wanted, balanced) -> tuple[np.ndarray, np.ndarray]:
    """The selected rows of some blocks (negatives only when balanced): |σ| in MPa, labels.

    The file was validated when the dataset was built; here HDF5 converts to float32 as it reads.
    """
    mags, labels = [], []
    for start, stop in blocks:
        cols, y = np.empty((6, stop - start), np.float32), np.empty(stop - start, np.float32)
        with _h5(p, label_key):
            f[label_key].read_direct(y, np.s_[start:stop])
            for k, key in enumerate(STRESS_KEYS):
                f[key].read_direct(cols[k], np.s_[start:stop])
            keep = y == 0 if balanced else np.ones(len(y), bool)
            if wanted is not None:
                keep &= np.isin(f[EVENT_KEY][start:stop], wanted)
        mags.append(cols[:, keep].T)
        labels.append(y[keep])
    return _magnitudes(np.concatenate(mags)), np.concatenate(labels)


def _trim(pool, keys, k):
    """A uniform random subset of at most k positives: those with the largest random keys."""
    x, key = np.concatenate(pool), np.concatenate(keys)
    if len(key) > k:
        keep = np.sort(np.argpartition(key, -k)[-k:])
        x, key = x[keep], key[keep]
    return [x], [key]


@validate_params(
    path=PATH,
    batch_size=Integer(min=2),
    balanced=Boolean(),
    shuffle=Boolean(),
    repeat=Boolean(),
    events=EVENTS,
    label_key=KEY,
    memory_budget=Real(min=0),
    block_rows=Integer(min=1),
    window_blocks=Integer(min=1),
    max_positives=Integer(min=1),
    random_state=RandomState(),
)
def aftershock_dataset(
    path: str | os.PathLike,
    *,
    batch_size: int = 3500,
    balanced: bool = True,
    shuffle: bool = True,
    repeat: bool = False,
    events: Sequence[int] | None = None,
    label_key: str = LABEL_KEY,
    memory_budget: float = MEMORY_BUDGET,
    block_rows: int = 65_536,
    window_blocks: int = 8,
    max_positives: int = 500_000,
    random_state: int | np.random.Generator | None = None,
):
    """A ``tf.data.Dataset`` of ``(X, y)`` batches from a DeVries-format HDF5 file.

    ``balanced=True`` reproduces the paper's training batches: ``batch_size / 2`` positive
    cells, then ``batch_size / 2`` negative cells (the order of rows in a batch does not change
    the gradient of a mean loss). One pass visits every negative cell once, shuffled, while
    the positives are cycled, reshuffled each round. ``balanced=False`` yields every selected
    row once, shuffled, or in file order with ``shuffle=False`` (the last batch may be
    smaller): use it to evaluate. Construction reads and validates the file (the same checks
    and errors as :func:`load_aftershocks`).

    Parameters
    ----------
    path : str or os.PathLike
        HDF5 file (``Training.h5`` or a :func:`make_aftershocks` file).
    batch_size : int, default 3500
        Rows per batch; even when ``balanced``.
    balanced, shuffle, repeat : bool
        ``repeat=True`` makes the dataset endless (a fresh shuffle every pass); give Keras
        ``steps_per_epoch`` then.
    events : sequence of int, optional
        Only these slip distributions (needs ``event_id``).
    label_key : str, default "aftershocksyn"
    memory_budget : float, default 2e9
        Bytes: a file whose input (28 bytes a row) fits is read into memory; a larger one is
        read in blocks of ``block_rows``, shuffled within windows of ``window_blocks`` random
        blocks (memory ≈ 28 bytes × ``block_rows × window_blocks`` plus the positives).
    max_positives : int, default 500 000
        Block reading only: the pool of positives kept (a uniform random subset when more).
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    tf.data.Dataset
        Elements ``(X, y)``: float32 ``(b, 12)`` in MPa and float32 ``(b,)`` labels; its
        cardinality is the number of batches in one pass (infinite with ``repeat``).
    """
    import tensorflow as tf

    p, batch, budget, window, cap, wanted = (
        path,
        batch_size,
        memory_budget,
        window_blocks,
        max_positives,
        events,
    )
    if not _is_hdf5(p):
        raise ValueError(
            f"{p}: aftershock_dataset reads HDF5 files; read CSV with load_aftershocks"
        )
    if balanced and batch % 2:
        raise ValueError(f"batch_size must be even for balanced batches, got {batch}")
    rng = np.random.default_rng(random_state)
    with _open(p) as f:
        n_rows = _layout(p, f, label_key, need_events=wanted is not None)
    if n_rows * _ROW_BYTES <= budget:
        arrays, batches, n_pos, n_neg = _in_memory(
            p, label_key, wanted, rng, batch, balanced, shuffle
        )
        index = tf.int32 if len(arrays[1]) < 2**31 else tf.int64  # as _in_memory chose
        mags, labels = (tf.constant(a) for a in arrays)
        del arrays  # TensorFlow holds its own copies
        spec = tf.TensorSpec([None, None], index)
        ds = tf.data.Dataset.from_generator(batches, output_signature=spec).unbatch()
        ds = ds.map(lambda i: (tf.gather(mags, i), tf.gather(labels, i)))
    else:
        batches, n_pos, n_neg = _in_blocks(
            p, label_key, wanted, rng, batch, balanced, shuffle, block_rows, window, cap
        )
        spec = (tf.TensorSpec([None, None, 6], tf.float32), tf.TensorSpec([None, None], tf.float32))
        ds = tf.data.Dataset.from_generator(batches, output_signature=spec).unbatch()
    if balanced and (n_pos == 0 or n_neg < batch // 2):
        raise ValueError(
            f"{p}: balanced batches need positives and >= {batch // 2} negatives in key "
            f"{label_key!r}; found {n_pos} and {n_neg}"
        )
    ds = ds.map(lambda m, y: (tf.concat([m, -m], axis=1), y))  # the twelve inputs, in MPa
    n_batches = n_neg // (batch // 2) if balanced else -(-(n_pos + n_neg) // batch)
    ds = ds.apply(tf.data.experimental.assert_cardinality(n_batches))
    return (ds.repeat() if repeat else ds).prefetch(tf.data.AUTOTUNE)
