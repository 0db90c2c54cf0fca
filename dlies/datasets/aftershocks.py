r"""Aftershock grid cells in the DeVries et al. (2018) format: loaders, a tf.data stream, a
physics-based synthetic generator.

**The real data** (DeVries, Viégas, Wattenberg & Meade 2018, *Nature* 560, 632; files linked
from the GitHub repository ``phoebemrdevries/Learning-aftershock-location-patterns``):

* ``Training.h5`` / ``Testing.h5``: one-dimensional float64 datasets of equal length, one row
  per 5 km grid cell of one slip distribution: ``aftershocksyn`` (0.0 or 1.0) and
  ``stresses_full_xx, _yy, _xy, _xz, _yz, _zz`` (Pa). Training.h5 has 4 743 090 rows.
* ``AllCSV/<ID>_grid.csv``: one file per slip distribution with, among others, the columns
  ``x, y, z`` (m, z negative down), ``aftershocksyn`` and the six ``stresses_full_*``.

:func:`load_aftershocks` reads either into memory; :func:`aftershock_dataset` streams an HDF5
file of any size in blocks; both return the network input of the paper, twelve float32 values
per cell in MPa: ``[|xx|, |yy|, |xy|, |xz|, |yz|, |zz|]`` followed by their negatives.

**The synthetic data** (:func:`make_aftershocks`) are written in the same schema, plus
``x, y, z``, ``event_id`` and an ``events/`` group describing each mainshock. They are
*synthetic*: stresses come from a real elastic dislocation calculation
(:mod:`dlies.physics.faults`), labels from a stated stochastic law (Dieterich rate-and-state
response on randomly oriented receiver faults, :mod:`dlies.physics.seismicity`); see
:func:`make_aftershocks` for every choice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dlies import course
from dlies.datasets._validate import check_n, check_range
from dlies.physics.faults import (
    SHEAR_MODULUS,
    RectangularFault,
    fault_stress,
    horizontal_distance,
)
from dlies.physics.seismicity import dieterich_ratio, random_receivers
from dlies.physics.stress import fault_vectors

__all__ = [
    "FEATURE_NAMES",
    "LABEL_KEY",
    "STRESS_KEYS",
    "AftershockCells",
    "aftershock_dataset",
    "devries_features",
    "load_aftershocks",
    "locate_devries",
    "make_aftershocks",
    "map_slice",
    "split_events",
]

#: Label key of the DeVries files (1.0: the cell holds at least one aftershock).
LABEL_KEY = "aftershocksyn"
#: Stress keys (Pa), in the order of the network input.
STRESS_KEYS: tuple[str, ...] = (
    "stresses_full_xx",
    "stresses_full_yy",
    "stresses_full_xy",
    "stresses_full_xz",
    "stresses_full_yz",
    "stresses_full_zz",
)
_COMPONENTS = ("xx", "yy", "xy", "xz", "yz", "zz")
#: Names of the twelve network inputs (MPa).
FEATURE_NAMES: tuple[str, ...] = tuple(f"|{c}|" for c in _COMPONENTS) + tuple(
    f"-|{c}|" for c in _COMPONENTS
)
_INDEX = {"xx": (0, 0), "yy": (1, 1), "xy": (0, 1), "xz": (0, 2), "yz": (1, 2), "zz": (2, 2)}
EVENT_KEY = "event_id"
COORD_KEYS = ("x", "y", "z")
FORMAT_VERSION = 1


# --------------------------------------------------------------------------------------------
# features


def devries_features(components: np.ndarray) -> np.ndarray:
    """The paper's network input from stress components.

    Parameters
    ----------
    components : array_like, shape (n, 6) or (n, 3, 3)
        Either the six components in the order of :data:`STRESS_KEYS` or full tensors, in Pa.

    Returns
    -------
    numpy.ndarray of float32, shape (n, 12)
        ``[|xx|, |yy|, |xy|, |xz|, |yz|, |zz|, -|xx|, ..., -|zz|]`` in MPa.
    """
    arr = np.asarray(components, dtype=np.float64)
    if arr.ndim == 3 and arr.shape[1:] == (3, 3):
        arr = np.stack([arr[:, i, j] for i, j in _INDEX.values()], axis=1)
    if arr.ndim != 2 or arr.shape[1] != 6:
        raise ValueError(f"components must have shape (n, 6) or (n, 3, 3), got {arr.shape}")
    return _features_from_columns(arr.T)


def _tensors(components: np.ndarray) -> np.ndarray:
    out = np.empty((len(components), 3, 3))
    for k, (i, j) in enumerate(_INDEX.values()):
        out[:, i, j] = components[:, k]
        out[:, j, i] = components[:, k]
    return out


# --------------------------------------------------------------------------------------------
# reading and validation


@dataclass
class AftershockCells:
    """Grid cells read by :func:`load_aftershocks` with ``return_cells=True``.

    Attributes
    ----------
    X : numpy.ndarray of float32, shape (n, 12)
        Network input (MPa), see :func:`devries_features`.
    y : numpy.ndarray of float32, shape (n,)
        1.0 where the cell holds an aftershock, else 0.0.
    stress : numpy.ndarray of float64, shape (n, 3, 3)
        Stress-change tensors (Pa), x east, y north, z up, tension positive.
    xyz : numpy.ndarray of float64, shape (n, 3), or None
        Cell centroids (m; z negative down) when the file has ``x, y, z``.
    event : numpy.ndarray of int64, shape (n,), or None
        Slip-distribution id of each row when the file has ``event_id``.
    events : dict of numpy.ndarray, or None
        The synthetic file's ``events/`` table (strike, dip, rake, magnitude, ...).
    source : str
        The file read.
    columns : dict of numpy.ndarray
        The extra 1-D columns asked for with ``load_aftershocks(columns=...)``, float64.
    """

    X: np.ndarray
    y: np.ndarray
    stress: np.ndarray
    xyz: np.ndarray | None
    event: np.ndarray | None
    events: dict[str, np.ndarray] | None
    source: str
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.y)


def _check_path(path: object) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"aftershock file not found: {p}")
    if not p.is_file():
        raise ValueError(f"{p}: not a file")
    if p.stat().st_size == 0:
        raise ValueError(f"{p}: the file is empty (0 bytes)")
    return p


def _kind(p: Path) -> str:
    import h5py

    if h5py.is_hdf5(p):
        return "hdf5"
    if p.suffix.lower() in {".csv", ".txt"}:
        return "csv"
    raise ValueError(
        f"{p}: neither an HDF5 file (no HDF5 signature) nor a CSV file (.csv); the DeVries data "
        "come as Training.h5 / Testing.h5 or AllCSV/<ID>_grid.csv"
    )


def _check_labels(p: Path, key: str, labels: np.ndarray, offset: int = 0) -> None:
    ok = (labels == 0.0) | (labels == 1.0)
    if not np.all(ok):
        i = int(np.argmin(ok))
        raise ValueError(
            f"{p}: key {key!r} must hold only 0 and 1, found {float(labels[i])!r} at row {offset + i}"
        )


def _check_finite(p: Path, key: str, values: np.ndarray, offset: int = 0) -> None:
    ok = np.isfinite(values)
    if not np.all(ok):
        i = int(np.argmin(ok))
        raise ValueError(
            f"{p}: key {key!r} holds NaN or infinite stress ({float(values[i])!r} at row {offset + i})"
        )


class _H5Layout:
    """Validated structure of a DeVries-format HDF5 file (keys, length, optional columns)."""

    def __init__(self, p: Path, f, label_key: str, *, need_events: bool) -> None:
        import h5py

        if len(f.keys()) == 0:
            raise ValueError(f"{p}: the HDF5 file is empty (no datasets)")
        required = (label_key, *STRESS_KEYS) + ((EVENT_KEY,) if need_events else ())
        lengths = {}
        for key in required:
            if key not in f:
                what = "needed to select events" if key == EVENT_KEY else "required"
                raise ValueError(
                    f"{p}: key {key!r} is missing ({what}; the file has {sorted(f.keys())})"
                )
            ds = f[key]
            if not isinstance(ds, h5py.Dataset):
                raise ValueError(f"{p}: key {key!r} must be a dataset, found a group")
            if ds.ndim != 1:
                raise ValueError(f"{p}: key {key!r} must be one-dimensional, has shape {ds.shape}")
            if ds.dtype.kind not in "fiub":
                raise ValueError(f"{p}: key {key!r} must be numeric, has dtype {ds.dtype}")
            lengths[key] = ds.shape[0]
        n = lengths[label_key]
        for key, m in lengths.items():
            if m != n:
                raise ValueError(
                    f"{p}: key {key!r} has {m} rows but {label_key!r} has {n}: datasets must have "
                    "equal length"
                )
        if n == 0:
            raise ValueError(f"{p}: the file is empty (key {label_key!r} has 0 rows)")
        self.n = n
        self.has_coords = all(k in f and f[k].ndim == 1 and f[k].shape[0] == n for k in COORD_KEYS)
        self.has_events = EVENT_KEY in f and f[EVENT_KEY].ndim == 1 and f[EVENT_KEY].shape[0] == n


def _event_mask(p: Path, event_ids: np.ndarray, events: Sequence[int] | None) -> np.ndarray | None:
    if events is None:
        return None
    wanted = np.unique(np.asarray(events, dtype=np.int64))
    present = np.unique(event_ids)
    missing = np.setdiff1d(wanted, present)
    if missing.size:
        raise ValueError(f"{p}: events {missing.tolist()} not found in key {EVENT_KEY!r}")
    return np.isin(event_ids, wanted)


def _events_table(f) -> dict[str, np.ndarray] | None:
    import h5py

    grp = f.get("events")
    if not isinstance(grp, h5py.Group):
        return None
    return {k: grp[k][()] for k in grp if isinstance(grp[k], h5py.Dataset)}


def _read_hdf5(
    p: Path, max_rows: int | None, events: Sequence[int] | None, label_key: str, columns: tuple
) -> AftershockCells:
    import h5py

    with h5py.File(p, "r") as f:
        layout = _H5Layout(p, f, label_key, need_events=events is not None)
        n = layout.n if max_rows is None else min(layout.n, max_rows)
        labels = f[label_key][:n].astype(np.float64)
        _check_labels(p, label_key, labels)
        comps = np.empty((n, 6))
        for k, key in enumerate(STRESS_KEYS):
            comps[:, k] = f[key][:n]
            _check_finite(p, key, comps[:, k])
        xyz = (
            np.stack([f[k][:n] for k in COORD_KEYS], axis=1).astype(np.float64)
            if layout.has_coords
            else None
        )
        event = f[EVENT_KEY][:n].astype(np.int64) if layout.has_events else None
        table = _events_table(f)
        extra = {}
        for key in columns:
            if key not in f or not hasattr(f[key], "ndim") or f[key].shape != (layout.n,):
                raise ValueError(f"{p}: key {key!r} is missing or not a column of {layout.n} rows")
            extra[key] = f[key][:n].astype(np.float64)
    mask = _event_mask(p, event, events) if events is not None else None
    if mask is not None:
        labels, comps = labels[mask], comps[mask]
        xyz = xyz[mask] if xyz is not None else None
        event = event[mask]
        extra = {k: v[mask] for k, v in extra.items()}
    return _cells(p, labels, comps, xyz, event, table, extra)


def _read_csv(
    p: Path, max_rows: int | None, events: Sequence[int] | None, label_key: str, columns: tuple
) -> AftershockCells:
    if events is not None:
        raise ValueError(
            f"{p}: a per-event CSV file holds one slip distribution; events= needs an HDF5 file"
        )
    try:
        with open(p, encoding="utf-8") as fh:
            header = fh.readline()
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a CSV text file (cannot decode it as UTF-8)") from None
    names = [h.strip().strip('"') for h in header.strip().split(",")]
    if not header.strip() or len(names) < 2:
        raise ValueError(f"{p}: the CSV file is empty or has no comma-separated header line")
    for key in (label_key, *STRESS_KEYS, *columns):
        if key not in names:
            raise ValueError(f"{p}: key {key!r} is missing from the CSV header ({names})")
    has_xyz = all(k in names for k in COORD_KEYS)
    wanted = [label_key, *STRESS_KEYS] + (list(COORD_KEYS) if has_xyz else []) + list(columns)
    cols = [names.index(k) for k in wanted]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="loadtxt: input contained no data")
            data = np.loadtxt(
                p,
                delimiter=",",
                skiprows=1,
                usecols=cols,
                ndmin=2,
                max_rows=max_rows,
                dtype=np.float64,
            )
    except ValueError as exc:
        raise ValueError(f"{p}: cannot parse the CSV values as numbers: {exc}") from None
    if data.shape[0] == 0:
        raise ValueError(f"{p}: the file is empty (a header but no rows)")
    labels = data[:, 0]
    _check_labels(p, label_key, labels)
    comps = data[:, 1:7]
    for k, key in enumerate(STRESS_KEYS):
        _check_finite(p, key, comps[:, k])
    xyz = data[:, 7:10] if has_xyz else None
    extra = {k: data[:, len(wanted) - len(columns) + i] for i, k in enumerate(columns)}
    return _cells(p, labels, comps, xyz, None, None, extra)


def _cells(p, labels, comps, xyz, event, table, extra) -> AftershockCells:
    return AftershockCells(
        X=devries_features(comps),
        y=labels.astype(np.float32),
        stress=_tensors(comps),
        xyz=xyz,
        event=event,
        events=table,
        source=str(p),
        columns=extra,
    )


def load_aftershocks(
    path: str | os.PathLike,
    *,
    max_rows: int | None = None,
    events: Sequence[int] | None = None,
    label_key: str = LABEL_KEY,
    return_cells: bool = False,
    columns: Sequence[str] = (),
) -> tuple[np.ndarray, np.ndarray] | AftershockCells:
    """Read a DeVries-format HDF5 file or per-event CSV file into memory.

    The file is opened read-only and never modified. Keys other than the label, the six
    stresses and (when present) ``x, y, z`` and ``event_id`` are ignored.

    Parameters
    ----------
    path : str or os.PathLike
        ``Training.h5``, ``Testing.h5``, an ``AllCSV/<ID>_grid.csv`` file, or a synthetic file
        from :func:`make_aftershocks`.
    max_rows : int, optional
        Read only the first ``max_rows`` rows.
    events : sequence of int, optional
        Keep only these slip distributions (needs the ``event_id`` key of synthetic files).
    label_key : str, default "aftershocksyn"
        Dataset (column) holding the 0/1 labels.
    return_cells : bool, default False
        Return an :class:`AftershockCells` with tensors, coordinates and event ids as well.
    columns : sequence of str, default ()
        Extra 1-D columns to read into ``AftershockCells.columns`` (e.g. the synthetic file's
        ``expected_count`` or a CSV's ``von_mises``); each must exist.

    Returns
    -------
    X : numpy.ndarray of float32, shape (n, 12)
        Network input in MPa (see :func:`devries_features`).
    y : numpy.ndarray of float32, shape (n,)
        0.0 / 1.0 labels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file and the key: a missing key, datasets of unequal length, NaN or
        infinite stress, labels other than 0/1, an empty file, a file that is neither HDF5 nor
        CSV.
    """
    p = _check_path(path)
    if max_rows is not None:
        max_rows = check_n("max_rows", max_rows)
    if not isinstance(label_key, str):
        raise TypeError(f"label_key must be a string, got {label_key!r}")
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"columns must be a sequence of key names, got {columns!r}")
    reader = _read_hdf5 if _kind(p) == "hdf5" else _read_csv
    cells = reader(p, max_rows, events, label_key, tuple(columns))
    return cells if return_cells else (cells.X, cells.y)


# --------------------------------------------------------------------------------------------
# streaming


def _features_from_columns(cols: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
    """Stress columns (6, n) in Pa -> (n, 12) float32 network input in MPa.

    With ``idx``, only those rows, in that order. The arithmetic is done in float32
    (|σ| / 1e6 may differ from the float64 quotient in the last bit, 1e-7 relative). The
    twelve features are built row-major first, then rows are gathered whole (48 contiguous
    bytes each), which is cheaper than gathering six strided columns.
    """
    x = np.empty((cols.shape[1], 12), np.float32)
    mag = x[:, :6]
    mag[...] = cols.T  # transpose and cast in one pass
    np.abs(mag, out=mag)
    mag /= np.float32(1.0e6)
    np.negative(mag, out=x[:, 6:])
    return x if idx is None else x[idx]


class _Rows:
    """Reads row ranges of an open file's 1-D datasets into contiguous NumPy buffers.

    h5py's ``Dataset.read_direct`` builds selection objects in Python on every call (about
    0.1 ms); the low-level ``DatasetID.read`` with a reused file space costs several times
    less. A pass over Training.h5 in blocks makes about a thousand reads, so this is most of
    the difference between reading the file in 0.2 s and in 0.06 s. HDF5 converts to the
    buffer's dtype as it reads (float64 stresses into a float32 buffer, say).
    """

    def __init__(self, f, keys: Sequence[str]) -> None:
        self.ids = {k: f[k].id for k in keys}
        self.spaces = {k: f[k].id.get_space() for k in keys}

    def read(self, key: str, start: int, stop: int, out: np.ndarray) -> None:
        """Rows ``start:stop`` of ``key`` into ``out`` (contiguous, ``stop - start`` long)."""
        from h5py import h5s

        space = self.spaces[key]
        space.select_hyperslab((start,), (stop - start,))
        self.ids[key].read(h5s.create_simple((stop - start,)), space, out)


class _Scan:
    """One validating pass over an HDF5 file in blocks: counts, blocks to read, positives."""

    def __init__(self, p, label_key, events, block_rows, max_positives, collect, rng) -> None:
        import h5py

        self.path, self.label_key, self.block_rows = p, label_key, block_rows
        pool: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        with h5py.File(p, "r") as f:
            layout = _H5Layout(p, f, label_key, need_events=events is not None)
            self.n_rows = layout.n
            self.wanted = None
            if events is not None:
                self.wanted = np.unique(np.asarray(events, dtype=np.int64))
                present = np.unique(
                    np.concatenate(
                        [
                            np.unique(f[EVENT_KEY][a : a + block_rows])
                            for a in range(0, layout.n, block_rows)
                        ]
                    )
                )
                missing = np.setdiff1d(self.wanted, present)
                if missing.size:
                    raise ValueError(
                        f"{p}: events {missing.tolist()} not found in key {EVENT_KEY!r}"
                    )
            self.blocks: list[tuple[int, int]] = []
            self.n_selected = self.n_positive = 0
            cols = np.empty((6, block_rows))
            labels_buf = np.empty(block_rows)
            rows = _Rows(f, (label_key, *STRESS_KEYS))
            for start in range(0, layout.n, block_rows):
                stop = min(start + block_rows, layout.n)
                m = stop - start
                labels = labels_buf[:m]
                rows.read(label_key, start, stop, labels)
                _check_labels(p, label_key, labels, start)
                for k, key in enumerate(STRESS_KEYS):
                    rows.read(key, start, stop, cols[k, :m])
                if not np.isfinite(cols[:, :m]).all():
                    for k, key in enumerate(STRESS_KEYS):
                        _check_finite(p, key, cols[k, :m], start)
                sel = np.ones(m, bool)
                if self.wanted is not None:
                    sel = np.isin(f[EVENT_KEY][start:stop], self.wanted)
                n_sel = int(sel.sum())
                if n_sel == 0:
                    continue
                self.blocks.append((start, stop))
                pos = np.flatnonzero(sel & (labels == 1.0))
                self.n_selected += n_sel
                self.n_positive += len(pos)
                if collect and len(pos):
                    pool.append(_features_from_columns(cols[:, pos]))
                    keys.append(rng.random(len(pos)))
                    if sum(len(k) for k in keys) > 2 * max_positives:
                        pool, keys = self._trim(pool, keys, max_positives)
        if self.n_selected == 0:
            raise ValueError(f"{p}: no rows selected")
        self.n_negative = self.n_selected - self.n_positive
        if collect and pool:
            pool, keys = self._trim(pool, keys, max_positives)
        self.positives = pool[0] if pool else np.empty((0, 12), np.float32)

    @staticmethod
    def _trim(pool, keys, k):
        """Keep a uniform random subset of at most k positives (largest random keys)."""
        x, key = np.concatenate(pool), np.concatenate(keys)
        if len(key) > k:
            keep = np.sort(np.argpartition(key, -k)[-k:])
            x, key = x[keep], key[keep]
        return [x], [key]


class _Stream:
    """The Python side of :func:`aftershock_dataset`: reads and orders, TensorFlow computes.

    Each call of :meth:`windows` is one pass: it reads the file in windows of
    ``window_blocks`` blocks (chosen in random order) and yields, per window, whole batches'
    worth of rows: the stress columns (6, n) in Pa (float32), the labels, the row indices to
    use in the order to use them (shuffled; negatives only when balanced; a multiple of the
    rows per batch) and, when balanced, one pool index of a positive per negative: the next
    ones of a cycle through the pool, reshuffled each time it is exhausted, so that the k-th
    half batch of negatives meets the k-th half batch of positives. The rows left over at the
    end of a window (fewer than one batch) are carried to the front of the next window, so
    batches are cut from one continuous sequence of rows, and TensorFlow does its work once
    per window rather than once per batch. The per-row work (gather, |σ|, MPa, negatives,
    cutting into batches) runs in TensorFlow's C++ kernels, outside the GIL.
    """

    def __init__(self, scan, *, batch_size, balanced, shuffle, window_blocks, rng) -> None:
        self.scan, self.batch, self.balanced, self.shuffle = scan, batch_size, balanced, shuffle
        self.window_blocks = window_blocks
        self.rng_windows, self.rng_positives = rng.spawn(2)
        # rows per cut: half batches of negatives when balanced, whole batches otherwise
        self.cut = batch_size // 2 if balanced else batch_size
        if balanced:
            self.n_batches = scan.n_negative // self.cut
        else:
            self.n_batches = -(-scan.n_selected // batch_size)

    def windows(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]]:
        """Yield ``(columns (6, n) float32, labels, rows (m,) int64, positives, cut)``: ``m``
        is a multiple of ``cut`` (rows per batch, or per half batch when balanced) except in
        an unbalanced pass's last, short batch, where ``cut = m``. Labels (n,) float32 and
        positives empty when unbalanced, the other way round when balanced."""
        import h5py

        scan, rng, cut = self.scan, self.rng_windows, self.cut
        n_blocks = len(scan.blocks)
        order = rng.permutation(n_blocks) if self.shuffle else np.arange(n_blocks)
        rows = self.window_blocks * scan.block_rows + cut  # room for the carried rows
        cycle = _Cycle(len(scan.positives), self.rng_positives) if self.balanced else None
        no_positives = np.empty(0, np.int64)
        carry_cols, carry_labels = np.empty((6, 0), np.float32), np.empty(0)
        carry_pos = no_positives
        keys = (scan.label_key, *STRESS_KEYS) + ((EVENT_KEY,) if scan.wanted is not None else ())
        spare = _Spare((6, rows), np.float32)  # TensorFlow may still hold a window's columns
        labels = np.empty(rows)  # these two never leave the generator
        ev = np.empty(rows, np.int64) if scan.wanted is not None else None
        with h5py.File(scan.path, "r") as f:
            reader = _Rows(f, keys)
            for w in range(0, n_blocks, self.window_blocks):
                cols = spare.get()  # HDF5 rounds to float32 as it reads
                r = carry_cols.shape[1]  # rows carried over, already chosen and ordered
                cols[:, :r], labels[:r] = carry_cols, carry_labels
                n = r
                for b in order[w : w + self.window_blocks]:
                    start, stop = scan.blocks[b]
                    m = stop - start
                    for k, key in enumerate(STRESS_KEYS):
                        reader.read(key, start, stop, cols[k, n : n + m])
                    reader.read(scan.label_key, start, stop, labels[n : n + m])
                    if ev is not None:
                        reader.read(EVENT_KEY, start, stop, ev[n : n + m])
                    n += m
                keep = None if ev is None else np.isin(ev[r:n], scan.wanted)
                if self.balanced:
                    neg = labels[r:n] == 0.0
                    keep = neg if keep is None else keep & neg
                idx = np.arange(r, n) if keep is None else r + np.flatnonzero(keep)
                if self.shuffle:
                    rng.shuffle(idx)
                idx = np.concatenate([np.arange(r), idx])  # the carried rows go first
                pos = no_positives
                if cycle is not None:  # every row used is a negative: its positive's index
                    pos = np.concatenate([carry_pos, cycle.take(len(idx) - r)])
                use = len(idx) - len(idx) % cut
                rest = idx[use:]
                carry_cols, carry_labels = cols[:, rest], labels[rest]
                carry_pos = pos[use:]
                if use:
                    yield self._window(cols[:, :n], labels[:n], idx[:use], pos[:use], cut)
            if not self.balanced and carry_cols.shape[1]:  # the last, short batch
                m = carry_cols.shape[1]
                yield self._window(carry_cols, carry_labels, np.arange(m), no_positives, m)

    def _window(self, cols, labels, idx, pos, cut):
        if self.balanced:  # labels are implied: the positives' rows come from the pool
            return cols, np.empty(0, np.float32), idx, pos, cut
        return cols, labels.astype(np.float32), idx, pos, cut


class _Spare:
    """Buffers of one shape, each reused once nothing outside this pool refers to it.

    A window's columns go to TensorFlow, which copies them or keeps a reference to the array
    (zero-copy) until its tensor is freed; a buffer is handed out again only when the
    reference count shows that no tensor, view or caller holds it any more. Reuse spares the
    page faults of fresh memory, which cost as much as reading the file on a VM.
    """

    def __init__(self, shape: tuple[int, ...], dtype, keep: int = 4) -> None:
        self.shape, self.dtype, self.keep = shape, dtype, keep
        self.pool: list[np.ndarray] = []

    def get(self) -> np.ndarray:
        for buf in self.pool:
            if sys.getrefcount(buf) <= 3:  # the pool's list, `buf` and getrefcount's argument
                return buf
        buf = np.empty(self.shape, self.dtype)
        if len(self.pool) < self.keep:
            self.pool.append(buf)
        return buf


class _Cycle:
    """Indices 0..n-1 in random order, again and again, each round freshly shuffled."""

    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self.n, self.rng = n, rng
        self.order, self.at = np.empty(0, np.int64), 0

    def take(self, k: int) -> np.ndarray:
        if self.at + k > len(self.order):
            more = [self.order[self.at :]]
            while sum(len(m) for m in more) < k:
                more.append(self.rng.permutation(self.n))
            self.order, self.at = np.concatenate(more), 0
        out = self.order[self.at : self.at + k]
        self.at += k
        return out


def aftershock_dataset(
    path: str | os.PathLike,
    *,
    batch_size: int = 3500,
    balanced: bool = True,
    shuffle: bool = True,
    repeat: bool = False,
    events: Sequence[int] | None = None,
    label_key: str = LABEL_KEY,
    block_rows: int = 32_768,
    window_blocks: int = 8,
    max_positives: int = 500_000,
    random_state: int | np.random.Generator | None = None,
):
    """A ``tf.data.Dataset`` of ``(X, y)`` batches streamed from a DeVries-format HDF5 file.

    The file is read in blocks of ``block_rows`` rows; at most ``window_blocks`` blocks (plus
    the pool of positives) are in memory at a time, whatever the file's size. Construction
    makes one validating pass (the same checks and errors as :func:`load_aftershocks`) that
    also counts the rows and, when ``balanced``, keeps the positive cells' features.

    ``balanced=True`` reproduces the paper's generator: every batch holds ``batch_size / 2``
    positive and ``batch_size / 2`` negative cells; one pass visits every negative cell once
    (windows of random blocks, shuffled) while the positives are cycled from the pool,
    reshuffled each time it is exhausted. Inside a batch the positives come first: the order
    of rows within a batch does not change the gradient of a mean loss. ``balanced=False``
    yields every selected row once, shuffled within windows, or in file order when
    ``shuffle=False`` (the last batch may be smaller): use that to predict.

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
        Stream only these slip distributions (needs ``event_id``).
    label_key : str, default "aftershocksyn"
    block_rows, window_blocks : int
        Read granularity and shuffle window (rows held ≈ ``block_rows * window_blocks``).
    max_positives : int, default 500 000
        Cap on the pool of positives (a uniform random subset is kept when there are more).
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    tf.data.Dataset
        Elements ``(X, y)``: float32 ``(b, 12)`` in MPa and float32 ``(b,)`` labels; its
        cardinality is the number of batches in one pass (infinite with ``repeat``).
    """
    import tensorflow as tf

    p = _check_path(path)
    if _kind(p) != "hdf5":
        raise ValueError(
            f"{p}: aftershock_dataset streams HDF5 files; read CSV files with load_aftershocks"
        )
    batch_size = check_n("batch_size", batch_size, minimum=2)
    block_rows = check_n("block_rows", block_rows)
    window_blocks = check_n("window_blocks", window_blocks)
    max_positives = check_n("max_positives", max_positives)
    for name, flag in (("balanced", balanced), ("shuffle", shuffle), ("repeat", repeat)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if balanced and batch_size % 2:
        raise ValueError(f"batch_size must be even for balanced batches, got {batch_size}")
    rng = np.random.default_rng(random_state)
    scan = _Scan(p, label_key, events, block_rows, max_positives, balanced, rng)
    if balanced and (scan.n_positive == 0 or scan.n_negative < batch_size // 2):
        raise ValueError(
            f"{p}: balanced batches need positives and >= {batch_size // 2} negatives in key "
            f"{label_key!r}; found {scan.n_positive} and {scan.n_negative}"
        )
    stream = _Stream(
        scan, batch_size=batch_size, balanced=balanced, shuffle=shuffle,
        window_blocks=window_blocks, rng=rng,
    )  # fmt: skip
    n_batches = stream.n_batches
    window_spec = (
        tf.TensorSpec((6, None), tf.float32),
        tf.TensorSpec((None,), tf.float32),
        tf.TensorSpec((None,), tf.int64),
        tf.TensorSpec((None,), tf.int64),
        tf.TensorSpec((), tf.int64),
    )
    megapascal = tf.constant(1.0e6, tf.float32)

    def features(cols, idx):
        """The rows ``idx`` of a window as the paper's input; same arithmetic as
        :func:`devries_features` (float32 |σ| / 1e6, then the negatives)."""
        mag = tf.gather(tf.transpose(tf.abs(cols) / megapascal), idx)
        return tf.concat([mag, -mag], axis=1)

    windows = tf.data.Dataset.from_generator(stream.windows, output_signature=window_spec)
    if balanced:
        half = batch_size // 2
        pool = tf.constant(scan.positives)
        y_batch = tf.constant(np.repeat(np.array([1.0, 0.0], np.float32), half))

        def batches(cols, labels, idx, positives, cut):
            """A window's half batches of negatives (k, half, 12) and, for each, the pool
            indices of its positives (k, half)."""
            return tf.reshape(positives, (-1, half)), tf.reshape(
                features(cols, idx), (-1, half, 12)
            )

        def complete(positives, negatives):
            """Positives first (the order of rows in a batch does not change the gradient of
            a mean loss), gathered per batch so that no window-sized copy of them exists."""
            return tf.concat([tf.gather(pool, positives), negatives], axis=0), y_batch

    else:

        def batches(cols, labels, idx, positives, cut):
            x = tf.reshape(features(cols, idx), (-1, cut, 12))
            return x, tf.reshape(tf.gather(labels, idx), (-1, cut))

    ds = windows.map(batches).unbatch()  # unbatch copies each batch out of its window
    if balanced:
        ds = ds.map(complete)
    ds = ds.apply(tf.data.experimental.assert_cardinality(n_batches))
    if repeat:
        ds = ds.repeat()
    return ds.prefetch(2)


# --------------------------------------------------------------------------------------------
# helpers for the lecture


def split_events(
    path: str | os.PathLike,
    *,
    test_fraction: float = 0.25,
    validation_fraction: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a synthetic file's slip distributions into train / validation / test event ids.

    Whole events go to one part, never single cells: neighbouring cells of one event are
    strongly correlated, so a split by cell would leak the test set into training.

    Returns
    -------
    train, validation, test : numpy.ndarray of int64
        Sorted event ids; ``validation`` is empty when ``validation_fraction`` is 0. Each
        non-zero fraction gets at least one event.
    """
    import h5py

    p = _check_path(path)
    for name, frac in (
        ("test_fraction", test_fraction),
        ("validation_fraction", validation_fraction),
    ):
        if isinstance(frac, bool) or not isinstance(frac, int | float) or not 0 <= frac < 1:
            raise ValueError(f"{name} must be a number in [0, 1), got {frac!r}")
    with h5py.File(p, "r") as f:
        if "events" in f and EVENT_KEY in f["events"]:
            ids = np.asarray(f["events"][EVENT_KEY][()], dtype=np.int64)
        elif EVENT_KEY in f:
            ids = np.unique(f[EVENT_KEY][()]).astype(np.int64)
        else:
            raise ValueError(f"{p}: key {EVENT_KEY!r} is missing: cannot split by event")
    rng = np.random.default_rng(random_state)
    ids = rng.permutation(np.unique(ids))
    n_test = max(1, round(test_fraction * len(ids))) if test_fraction > 0 else 0
    n_val = max(1, round(validation_fraction * len(ids))) if validation_fraction > 0 else 0
    if n_test + n_val >= len(ids):
        raise ValueError(f"{p}: {len(ids)} events are too few for this split")
    test, val, train = ids[:n_test], ids[n_test : n_test + n_val], ids[n_test + n_val :]
    return np.sort(train), np.sort(val), np.sort(test)


def locate_devries(path: str | os.PathLike | None = None) -> tuple[Path, Path] | None:
    """Find the real ``Training.h5`` and ``Testing.h5``.

    Looks in ``path``, else in the folder named by the environment variable
    ``DLIES_AFTERSHOCKS``, else in ``<data>/devries/``. Returns ``None`` when none of them
    holds both files (the lectures then use the synthetic set). A ``path`` or
    ``DLIES_AFTERSHOCKS`` that is set but lacks the files is an error, not a silent fallback.
    """
    explicit = path if path is not None else os.environ.get("DLIES_AFTERSHOCKS") or None
    folder = Path(explicit).expanduser() if explicit else course.data_dir() / "devries"
    train, test = folder / "Training.h5", folder / "Testing.h5"
    if train.is_file() and test.is_file():
        return train, test
    if explicit:
        raise FileNotFoundError(
            f"{folder}: expected Training.h5 and Testing.h5 there (set by "
            f"{'path' if path is not None else 'DLIES_AFTERSHOCKS'})"
        )
    return None


def map_slice(
    xyz: np.ndarray, values: np.ndarray, *, depth: float, cell: float | None = None
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Put the cells of one depth layer on a 2-D raster for ``imshow``.

    Parameters
    ----------
    xyz : array, shape (n, 3)
        Cell centroids (m, z negative down) of one slip distribution.
    values : array, shape (n,)
    depth : float
        Depth of the layer (m, positive); the nearest layer is taken.
    cell : float, optional
        Grid spacing (m); inferred from the coordinates when omitted.

    Returns
    -------
    image : numpy.ndarray, shape (ny, nx)
        NaN where there is no cell; row 0 is the southern edge (use ``origin="lower"``).
    extent : tuple
        ``(west, east, south, north)`` in km for ``imshow(extent=...)``.
    """
    xyz = np.asarray(xyz, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if xyz.ndim != 2 or xyz.shape[1] != 3 or len(values) != len(xyz):
        raise ValueError("xyz must have shape (n, 3) and values shape (n,)")
    depths = np.unique(-xyz[:, 2])
    layer = depths[np.argmin(np.abs(depths - depth))]
    sel = np.isclose(-xyz[:, 2], layer)
    x, y, v = xyz[sel, 0], xyz[sel, 1], values[sel]
    if cell is None:
        ux = np.unique(x)
        cell = float(np.min(np.diff(ux))) if len(ux) > 1 else 5e3
    ix = np.rint((x - x.min()) / cell).astype(int)
    iy = np.rint((y - y.min()) / cell).astype(int)
    image = np.full((iy.max() + 1, ix.max() + 1), np.nan)
    image[iy, ix] = v
    half = cell / 2
    extent = (
        (x.min() - half) / 1e3,
        (x.max() + half) / 1e3,
        (y.min() - half) / 1e3,
        (y.max() + half) / 1e3,
    )
    return image, extent


# --------------------------------------------------------------------------------------------
# synthetic generator


@dataclass(frozen=True)
class _Config:
    n_events: int
    seed: int
    extent: float
    depth: float
    cell: float
    magnitude_range: tuple[float, float]
    a_sigma: float
    background: float
    seismogenic_depth: float
    taper: float
    duration: float
    aftershock_duration: float
    friction: float
    n_receivers: int

    def digest(self) -> str:
        text = json.dumps({"version": FORMAT_VERSION, **self.__dict__}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def _random_slip(rng: np.random.Generator, n_down: int, n_along: int, surface: bool) -> np.ndarray:
    """Heterogeneous slip: smoothed log-normal noise under an elliptical taper, mean 1."""
    noise = rng.normal(size=(n_down + 2, n_along + 2))
    kernel = np.array([0.25, 0.5, 0.25])
    noise = noise[:-2] * kernel[0] + noise[1:-1] * kernel[1] + noise[2:] * kernel[2]
    noise = noise[:, :-2] * kernel[0] + noise[:, 1:-1] * kernel[1] + noise[:, 2:] * kernel[2]
    field = np.exp(1.2 * noise)  # smoothed std ≈ 0.6, a factor ≈ 1.8 spread
    xi = (2 * np.arange(n_along) + 1) / n_along - 1
    eta = (2 * np.arange(n_down) + 1) / n_down - 1
    if surface:  # slip does not vanish at a surface-breaking top edge
        eta = (eta + 1) / 2
    taper = np.sqrt(1 - eta[:, None] ** 2) * np.sqrt(1 - xi[None, :] ** 2)
    slip = field * taper
    return slip / slip.mean()


def _draw_fault(rng: np.random.Generator, cfg: _Config) -> tuple[RectangularFault, float]:
    mw = rng.uniform(*cfg.magnitude_range)
    strike = rng.uniform(0, 360)
    dip = rng.uniform(15, 90)
    rake = rng.uniform(-180, 180)
    length = 10 ** (-2.44 + 0.59 * mw) * 1e3  # Wells & Coppersmith (1994), subsurface length
    width = 10 ** (-1.01 + 0.32 * mw) * 1e3  # and down-dip width, all slip types
    top = rng.uniform(0, 3e3)
    width = min(width, (cfg.seismogenic_depth + 5e3 - top) / np.sin(np.deg2rad(dip)))
    n_down = 3
    n_along = 3 * int(np.clip(round(length / width), 1, 3))  # 3, 6 or 9 patches along strike
    surface = top < 1e3
    if surface:
        top = 0.0
    m0 = 10 ** (1.5 * mw + 9.1)
    mean_slip = m0 / (SHEAR_MODULUS * length * width)
    slip = mean_slip * _random_slip(rng, n_down, n_along, surface)
    fault = RectangularFault(
        strike=strike, dip=dip, rake=rake, length=length, width=width, top_depth=top, slip=slip
    )
    return fault, mw


def _grid(fault: RectangularFault, cfg: _Config) -> np.ndarray:
    corners = fault.corners().reshape(-1, 3)
    lo = corners[:, :2].min(axis=0) - cfg.extent
    hi = corners[:, :2].max(axis=0) + cfg.extent
    c = cfg.cell
    xs = (np.arange(np.floor(lo[0] / c), np.ceil(hi[0] / c)) + 0.5) * c
    ys = (np.arange(np.floor(lo[1] / c), np.ceil(hi[1] / c)) + 0.5) * c
    gx, gy = np.meshgrid(xs, ys)
    keep = horizontal_distance(gx, gy, fault) <= cfg.extent
    gx, gy = gx[keep], gy[keep]
    zs = -(np.arange(int(round(cfg.depth / c))) + 0.5) * c
    n = len(gx)
    return np.column_stack([np.tile(gx, len(zs)), np.tile(gy, len(zs)), np.repeat(zs, n)])


def _labels(
    rng: np.random.Generator,
    stress: np.ndarray,
    depth: np.ndarray,
    fault: RectangularFault,
    cfg: _Config,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected counts on random receivers, and 0/1 labels for random and aligned receivers."""
    s_mpa = stress * 1e-6
    law = dict(
        a_sigma=cfg.a_sigma, duration=cfg.duration, aftershock_duration=cfg.aftershock_duration
    )
    background = cfg.background / (1 + np.exp((depth - cfg.seismogenic_depth) / cfg.taper))
    normal, slip = random_receivers(cfg.n_receivers, rng)
    traction = np.einsum("nij,kj->nki", s_mpa, normal)
    dcfs = np.sum(traction * slip[None], axis=2) + cfg.friction * np.sum(
        traction * normal[None], axis=2
    )
    expected = background * dieterich_ratio(dcfs, **law).mean(axis=1)
    n_ms, s_ms = fault_vectors(fault.strike, fault.dip, fault.rake)
    t_ms = s_mpa @ n_ms
    dcfs_ms = t_ms @ s_ms + cfg.friction * (t_ms @ n_ms)
    expected_aligned = background * dieterich_ratio(dcfs_ms, **law)
    u = rng.random(len(depth))  # one uniform per cell: the two label sets share their noise
    label = (u < -np.expm1(-expected)).astype(np.float64)
    label_aligned = (u < -np.expm1(-expected_aligned)).astype(np.float64)
    return expected, label, label_aligned


def make_aftershocks(
    n_events: int = 40,
    *,
    random_state: int | None = None,
    path: str | os.PathLike | None = None,
    extent_km: float = 100.0,
    depth_km: float = 50.0,
    cell_km: float = 5.0,
    magnitude_range: tuple[float, float] = (6.0, 7.5),
    a_sigma_mpa: float = 0.01,
    background: float = 0.02,
    seismogenic_depth_km: float = 15.0,
    duration_years: float = 1.0,
    aftershock_duration_years: float = 10.0,
    friction: float = 0.4,
    n_receivers: int = 48,
    verbose: bool = True,
) -> Path:
    r"""Write a **synthetic** aftershock data set in the DeVries HDF5 schema (cached).

    For each of ``n_events`` mainshocks:

    1. **Fault.** Mw uniform in ``magnitude_range``; strike uniform in [0, 360)°, dip uniform
       in [15, 90]°, rake uniform in [−180, 180)° (every faulting style); length and width from
       Wells & Coppersmith (1994), width capped so the fault ends within 5 km below the
       seismogenic depth; top edge 0–3 km deep (at the surface if < 1 km); 3 × (3, 6 or 9) patches
       with heterogeneous slip (smoothed log-normal field under an elliptical taper) scaled to
       the seismic moment :math:`M_0 = 10^{1.5 M_w + 9.1}` N m with G = 30 GPa, ν = 0.25.
    2. **Grid.** 5 km cells whose centre lies within ``extent_km`` horizontally of the fault's
       surface projection, in layers down to ``depth_km`` (centroids at 2.5, 7.5, ... km).
    3. **Stress.** The stress-change tensor at each centroid from the triangular dislocations
       of all patches in an elastic half-space (:func:`dlies.physics.faults.fault_stress`,
       ``cutde``).
    4. **Labels** (the stochastic law). Each cell holds faults of all orientations
       (``n_receivers`` isotropic random planes and slip directions per event). On each,
       :math:`\Delta\mathrm{CFS} = \Delta\tau + \mu\Delta\sigma_n` (μ = ``friction``); the
       expected number of aftershocks within ``duration_years`` is the Dieterich (1994)
       rate-and-state count (:func:`dlies.physics.seismicity.dieterich_ratio`, Aσ =
       ``a_sigma_mpa``, t_a = ``aftershock_duration_years``) averaged over the receivers,
       times a background count ``background`` per cell per window that fades below
       ``seismogenic_depth_km`` (logistic, 2.5 km wide). The label is 1 when a Poisson draw
       with that mean is ≥ 1. With the defaults a few per cent of the cells are positive
       (3.9 % for 40 events, ``random_state=2018``).

    The file also holds ``aftershocksyn_aligned``: labels from the same law and the same random
    numbers but with every receiver parallel to the mainshock plane and slip — the assumption
    under which classical ΔCFS is the right predictor.

    Parameters
    ----------
    n_events : int, default 40
    random_state : int or None
        Seed. With an int the file is cached (same arguments → same file, reused); with None a
        fresh seed is drawn and a new file written.
    path : str or os.PathLike, optional
        Where to write; default ``<data>/aftershocks_synthetic_<n>ev_seed<seed>_<hash>.h5``.
    extent_km, depth_km, cell_km : float
        Grid: horizontal reach from the fault, bottom depth, cell size (km).
    magnitude_range : (float, float), default (6.0, 7.5)
    a_sigma_mpa, background, seismogenic_depth_km, duration_years, aftershock_duration_years, friction, n_receivers
        Parameters of the labelling law (see above).
    verbose : bool, default True
        Print one line saying whether the cache was used.

    Returns
    -------
    pathlib.Path
        The HDF5 file: 1-D float64 ``aftershocksyn``, ``aftershocksyn_aligned``, six
        ``stresses_full_*`` (Pa), ``x, y, z`` (m, local east/north/up around each fault,
        z < 0), int32 ``event_id``, float64 ``expected_count``, and the group ``events/`` with
        one row per mainshock (``event_id, magnitude, strike, dip, rake, length, width,
        top_depth, mean_slip, n_cells, n_positive``; m, degrees).
    """
    import h5py

    n = check_n("n_events", n_events)
    if random_state is None:
        seed = int(np.random.SeedSequence().entropy % 2**31)
    elif (
        isinstance(random_state, bool)
        or not isinstance(random_state, int | np.integer)
        or random_state < 0
    ):
        raise ValueError(f"random_state must be a non-negative int or None, got {random_state!r}")
    else:
        seed = int(random_state)
    mags = check_range("magnitude_range", magnitude_range)
    positives = {
        "extent_km": extent_km, "depth_km": depth_km, "cell_km": cell_km, "a_sigma_mpa": a_sigma_mpa,
        "background": background, "seismogenic_depth_km": seismogenic_depth_km,
        "duration_years": duration_years, "aftershock_duration_years": aftershock_duration_years,
    }  # fmt: skip
    for name, v in positives.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
    if depth_km < cell_km or extent_km < cell_km:
        raise ValueError("depth_km and extent_km must be at least one cell_km")
    if not 0 <= friction <= 1.5:
        raise ValueError(f"friction must lie in [0, 1.5], got {friction!r}")
    if not (5.0 <= mags[0] and mags[1] <= 8.5):
        raise ValueError(f"magnitude_range must lie within [5, 8.5], got {magnitude_range!r}")
    cfg = _Config(
        n_events=n, seed=seed, extent=extent_km * 1e3, depth=depth_km * 1e3, cell=cell_km * 1e3,
        magnitude_range=mags, a_sigma=float(a_sigma_mpa), background=float(background),
        seismogenic_depth=seismogenic_depth_km * 1e3, taper=2.5e3, duration=float(duration_years),
        aftershock_duration=float(aftershock_duration_years), friction=float(friction),
        n_receivers=check_n("n_receivers", n_receivers),
    )  # fmt: skip
    if path is None:
        target = course.data_dir() / f"aftershocks_synthetic_{n}ev_seed{seed}_{cfg.digest()}.h5"
    else:
        target = Path(path).expanduser()
    if target.is_file() and _cache_matches(target, cfg):
        if verbose:
            print(f"synthetic aftershocks: using cached {target.name} ({n} events)")
        return target
    if verbose:
        print(f"synthetic aftershocks: generating {n} events with cutde -> {target.name}")

    rng = np.random.default_rng(seed)
    columns: dict[str, list[np.ndarray]] = {k: [] for k in (LABEL_KEY, "aftershocksyn_aligned", *STRESS_KEYS, *COORD_KEYS, EVENT_KEY, "expected_count")}  # fmt: skip
    table: dict[str, list[float]] = {k: [] for k in ("event_id", "magnitude", "strike", "dip", "rake", "length", "width", "top_depth", "mean_slip", "n_cells", "n_positive")}  # fmt: skip
    for ev in range(n):
        fault, mw = _draw_fault(rng, cfg)
        pts = _grid(fault, cfg)
        stress = fault_stress(pts, fault)
        expected, label, label_aligned = _labels(rng, stress, -pts[:, 2], fault, cfg)
        columns[LABEL_KEY].append(label)
        columns["aftershocksyn_aligned"].append(label_aligned)
        for key, (i, j) in zip(STRESS_KEYS, _INDEX.values(), strict=True):
            columns[key].append(stress[:, i, j])
        for k, key in enumerate(COORD_KEYS):
            columns[key].append(pts[:, k])
        columns[EVENT_KEY].append(np.full(len(pts), ev, np.int32))
        columns["expected_count"].append(expected)
        row = dict(event_id=ev, magnitude=mw, strike=fault.strike, dip=fault.dip, rake=fault.rake,
                   length=fault.length, width=fault.width, top_depth=fault.top_depth,
                   mean_slip=fault.mean_slip, n_cells=len(pts), n_positive=int(label.sum()))  # fmt: skip
        for k, v in row.items():
            table[k].append(v)
    with course.atomic_path(target) as tmp, h5py.File(tmp, "w") as f:
        for key, parts in columns.items():
            f.create_dataset(key, data=np.concatenate(parts))
        grp = f.create_group("events")
        for key, vals in table.items():
            dtype = np.int32 if key in ("event_id", "n_cells", "n_positive") else np.float64
            grp.create_dataset(key, data=np.asarray(vals, dtype=dtype))
        f.attrs["dlies_config"] = json.dumps({"version": FORMAT_VERSION, **cfg.__dict__})
        f.attrs["description"] = (
            "SYNTHETIC aftershock cells in the DeVries et al. (2018) schema, written by "
            "dlies.datasets.make_aftershocks: cutde half-space stresses of random finite "
            "faults; labels from a Dieterich rate-and-state law on random receivers"
        )
    return target


def _cache_matches(target: Path, cfg: _Config) -> bool:
    import h5py

    try:
        with h5py.File(target, "r") as f:
            stored = json.loads(f.attrs.get("dlies_config", "{}"))
    except (OSError, ValueError):
        return False
    want = json.loads(json.dumps({"version": FORMAT_VERSION, **cfg.__dict__}))
    return stored == want
