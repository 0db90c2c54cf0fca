"""The DeVries et al. (2018) file format: keys, checks, and reading files into memory."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import numpy as np

from dlies import course
from dlies._validate import (
    Boolean,
    Checked,
    Integer,
    Path_,
    String,
    validate_params,
)
from dlies._validate import (
    Sequence as SequenceOf,
)
from dlies.datasets._files import LIBRARY_ERRORS, check_h5_dataset
from dlies.datasets._validate import check_file

LABEL_KEY = "aftershocksyn"
#: Stress keys (Pa), in the order of the network input.
STRESS_KEYS = tuple(f"stresses_full_{c}" for c in ("xx", "yy", "xy", "xz", "yz", "zz"))
#: Names of the twelve network inputs (MPa).
FEATURE_NAMES = tuple(f"{sign}|{k[-2:]}|" for sign in ("", "-") for k in STRESS_KEYS)
EVENT_KEY = "event_id"
COORD_KEYS = ("x", "y", "z")
_INDEX = ((0, 0), (1, 1), (0, 1), (0, 2), (1, 2), (2, 2))  # tensor entry of each stress key
_FLOAT32_MAX = float(np.finfo(np.float32).max)


# ------------------------------------------------------------------------------- features
def _magnitudes(stress: np.ndarray) -> np.ndarray:
    """float32 stresses in Pa -> |σ| in MPa, in place: the arithmetic of every reader."""
    np.abs(stress, out=stress)
    stress /= np.float32(1e6)
    return stress


def devries_features(components: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The paper's network input from stress components, and the inputs' names.

    ``components`` (n, 6) in the order of :data:`STRESS_KEYS`, or full (n, 3, 3) tensors, in
    Pa. Returns ``X`` (n, 12) float32, ``[|xx|, |yy|, |xy|, |xz|, |yz|, |zz|, -|xx|, ...,
    -|zz|]`` in MPa, and :data:`FEATURE_NAMES` as a list.
    """
    arr = np.asarray(components, dtype=np.float64)
    if arr.ndim == 3 and arr.shape[1:] == (3, 3):
        arr = np.stack([arr[:, i, j] for i, j in _INDEX], axis=1)
    if arr.ndim != 2 or arr.shape[1] != 6 or not np.all(np.isfinite(arr)):
        raise ValueError(
            f"components must be finite, of shape (n, 6) or (n, 3, 3), got {arr.shape}"
        )
    mag = _magnitudes(arr.astype(np.float32))
    return np.concatenate([mag, -mag], axis=1), list(FEATURE_NAMES)


def _tensors(components: np.ndarray) -> np.ndarray:
    out = np.empty((len(components), 3, 3))
    for k, (i, j) in enumerate(_INDEX):
        out[:, i, j] = out[:, j, i] = components[:, k]
    return out


# ------------------------------------------------------------------------------- checks
def _check_path(path: object) -> Path:
    p = check_file(path, "aftershock file", hint="; give Training.h5, Testing.h5 or a CSV")
    if p.stat().st_size == 0:
        raise ValueError(f"{p}: the file is empty (0 bytes)")
    return p


def _is_hdf5(p: Path) -> bool:
    import h5py

    if h5py.is_hdf5(p):
        return True
    if p.suffix.lower() in {".csv", ".txt"}:
        return False
    raise ValueError(
        f"{p}: neither an HDF5 file (no HDF5 signature) nor a CSV file (.csv); the DeVries data "
        "come as Training.h5 / Testing.h5 or AllCSV/<ID>_grid.csv"
    )


@contextlib.contextmanager
def _h5(p: Path, key: str | None = None) -> Iterator[None]:
    """Re-raise h5py's errors (a truncated or corrupt file) naming the file and the key."""
    try:
        yield
    except LIBRARY_ERRORS as exc:
        if isinstance(exc, ValueError | FileNotFoundError) and str(p) in str(exc):
            raise  # an error of ours, naming the file already
        where = f"{p}: key {key!r}" if key else f"{p}"
        detail = "not enough memory" if isinstance(exc, MemoryError) else exc
        raise ValueError(
            f"{where}: cannot read the HDF5 data (truncated or corrupt?): {detail}"
        ) from exc


@contextlib.contextmanager
def _open(p: Path) -> Iterator:
    """The open HDF5 file; h5py's errors while it is open are re-raised naming the file."""
    import h5py

    with _h5(p):
        f = h5py.File(p, "r")
    with f, _h5(p):
        yield f


def _check_events(events: object) -> np.ndarray | None:
    """Event ids: a non-empty sequence of integers (not fractions, strings or booleans)."""
    if events is None:
        return None
    if isinstance(events, str | bytes) or not isinstance(events, Sequence | np.ndarray):
        raise TypeError(f"events must be a sequence of integer event ids, got {events!r}")
    ids = list(np.asarray(events, dtype=object).ravel())
    if not ids:
        raise ValueError("events is empty: give at least one event id, or None for all events")
    bad = [e for e in ids if isinstance(e, bool | np.bool_) or not isinstance(e, Integral)]
    if bad:
        raise ValueError(f"events must be integer event ids, got {bad[:3]!r} in {events!r}")
    return np.unique(np.asarray(ids, dtype=np.int64))


def _check_column(p: Path, key: str, values: np.ndarray, *, labels: bool, offset: int = 0) -> None:
    """Labels must be 0/1 and stresses finite; the error gives the first bad row."""
    # |σ| <= float32's largest value: NaN and ±inf fail too, and float32 input stays finite
    ok = ((values == 0) | (values == 1)) if labels else (np.abs(values) <= _FLOAT32_MAX)
    if not np.all(ok):
        i = int(np.argmin(ok))
        what = "must hold only 0 and 1, found" if labels else "holds NaN or infinite stress"
        raise ValueError(f"{p}: key {key!r} {what} {float(values[i])!r} at row {offset + i}")


def _layout(p: Path, f, label_key: str, *, need_events: bool, columns: Sequence[str] = ()) -> int:
    """Check keys, shapes and dtypes of a DeVries-format HDF5 file; return its row count."""
    import h5py

    if len(f.keys()) == 0:
        raise ValueError(f"{p}: the HDF5 file is empty (no datasets)")
    required = [label_key, *STRESS_KEYS] + ([EVENT_KEY] if need_events else []) + list(columns)
    optional = [k for k in (*COORD_KEYS, EVENT_KEY) if k in f and k not in required]
    n = None
    for key in required + optional:
        if key not in f:
            what = "needed to select events" if key == EVENT_KEY else "required"
            raise ValueError(f"{p}: key {key!r} is missing ({what}; the file has {sorted(f)})")
        with _h5(p, key):
            ds = f[key]
        if not isinstance(ds, h5py.Dataset):
            raise ValueError(f"{p}: key {key!r} must be a dataset, found a group")
        if ds.ndim != 1 or ds.dtype.kind not in "fiub":
            raise ValueError(
                f"{p}: key {key!r} must be a 1-D numeric dataset, has {ds.shape} {ds.dtype}"
            )
        check_h5_dataset(ds, p, key)  # a declared size the file cannot hold
        n = ds.shape[0] if n is None else n
        if ds.shape[0] != n:
            raise ValueError(
                f"{p}: key {key!r} has {ds.shape[0]} rows but {label_key!r} has {n}: "
                "datasets must have equal length"
            )
    if n == 0:
        raise ValueError(f"{p}: the file is empty (key {label_key!r} has 0 rows)")
    return n


def _read(p: Path, f, key: str, start: int, stop: int, dtype) -> np.ndarray:
    with _h5(p, key):
        return f[key][start:stop].astype(dtype, copy=False)


def _check_found(p: Path, wanted: np.ndarray | None, event: np.ndarray) -> None:
    missing = [] if wanted is None else np.setdiff1d(wanted, event).tolist()
    if missing:
        raise ValueError(f"{p}: events {missing} not found in key {EVENT_KEY!r}")


# ------------------------------------------------------------------------------- loading
@dataclass
class AftershockCells:
    """Grid cells read by :func:`load_aftershocks` with ``return_cells=True``.

    ``X`` (n, 12) float32 network input (MPa); ``y`` (n,) float32 labels; ``stress`` (n, 3, 3)
    float64 tensors (Pa; x east, y north, z up, tension positive); ``xyz`` (n, 3) centroids
    (m, z negative down) or None; ``event`` (n,) int64 slip-distribution ids or None;
    ``events`` the synthetic file's ``events/`` table or None; ``source`` the file read;
    ``columns`` the extra 1-D columns asked for, float64.
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


def _read_hdf5(p, max_rows, wanted, label_key, columns) -> tuple:
    import h5py

    with _open(p) as f:
        n = _layout(p, f, label_key, need_events=wanted is not None, columns=columns)
        n = n if max_rows is None else min(n, max_rows)
        labels = _read(p, f, label_key, 0, n, np.float64)
        _check_column(p, label_key, labels, labels=True)
        comps = np.stack([_read(p, f, k, 0, n, np.float64) for k in STRESS_KEYS], axis=1)
        for k, key in enumerate(STRESS_KEYS):
            _check_column(p, key, comps[:, k], labels=False)
        xyz = None
        if all(k in f for k in COORD_KEYS):
            xyz = np.stack([_read(p, f, k, 0, n, np.float64) for k in COORD_KEYS], axis=1)
        event = _read(p, f, EVENT_KEY, 0, n, np.int64) if EVENT_KEY in f else None
        extra = {k: _read(p, f, k, 0, n, np.float64) for k in columns}
        table = None
        with _h5(p, "events"):
            grp = f.get("events")
            if isinstance(grp, h5py.Group):
                table = {k: grp[k][()] for k in grp if isinstance(grp[k], h5py.Dataset)}
    if wanted is not None:
        _check_found(p, wanted, event)
        keep = np.isin(event, wanted)
        labels, comps, event = labels[keep], comps[keep], event[keep]
        xyz = xyz[keep] if xyz is not None else None
        extra = {k: v[keep] for k, v in extra.items()}
    return labels, comps, xyz, event, table, extra


def _read_csv(p, max_rows, wanted, label_key, columns) -> tuple:
    if wanted is not None:
        raise ValueError(
            f"{p}: a per-event CSV file holds one slip distribution; events= needs HDF5"
        )
    try:
        with open(p, encoding="utf-8") as fh:
            header = fh.readline()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not a CSV text file (cannot decode it as UTF-8)") from exc
    names = [h.strip().strip('"') for h in header.strip().split(",")]
    if len(names) < 2:
        raise ValueError(f"{p}: the CSV file is empty or has no comma-separated header line")
    has_xyz = all(k in names for k in COORD_KEYS)
    wanted_cols = [label_key, *STRESS_KEYS, *(COORD_KEYS if has_xyz else ()), *columns]
    for key in wanted_cols:
        if key not in names:
            raise ValueError(f"{p}: key {key!r} is missing from the CSV header ({names})")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="loadtxt: input contained no data")
            usecols = [names.index(k) for k in wanted_cols]
            data = np.loadtxt(
                p, delimiter=",", skiprows=1, ndmin=2, max_rows=max_rows, usecols=usecols
            )
    except ValueError as exc:
        raise ValueError(f"{p}: cannot parse the CSV values as numbers: {exc}") from exc
    if data.shape[0] == 0:
        raise ValueError(f"{p}: the file is empty (a header but no rows)")
    _check_column(p, label_key, data[:, 0], labels=True)
    for k, key in enumerate(STRESS_KEYS):
        _check_column(p, key, data[:, 1 + k], labels=False)
    xyz = data[:, 7:10] if has_xyz else None
    extra = {k: data[:, len(wanted_cols) - len(columns) + i] for i, k in enumerate(columns)}
    return data[:, 0], data[:, 1:7], xyz, None, None, extra


#: The declarations the DeVries readers share.
PATH = Checked(_check_path, "the path of a DeVries HDF5 or CSV file")
EVENTS = (None, Checked(_check_events, "a non-empty sequence of integer event ids"))
KEY = String(200)


@validate_params(
    path=PATH,
    max_rows=(None, Integer(min=1, max=2**63 - 1)),
    events=EVENTS,
    label_key=KEY,
    return_cells=Boolean(),
    columns=SequenceOf(KEY),
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
    """Read a DeVries-format HDF5 file or per-event CSV file into memory, read-only.

    Parameters
    ----------
    path : str or os.PathLike
        ``Training.h5``, ``Testing.h5``, an ``AllCSV/<ID>_grid.csv`` file, or a synthetic file.
    max_rows : int, optional
        Read only the first ``max_rows`` rows.
    events : sequence of int, optional
        Keep only these slip distributions (needs the ``event_id`` key of synthetic files).
    label_key : str, default "aftershocksyn"
        Dataset (column) holding the 0/1 labels.
    return_cells : bool, default False
        Return an :class:`AftershockCells` (tensors, coordinates, event ids) instead of (X, y).
    columns : sequence of str, default ()
        Extra 1-D columns to read into ``AftershockCells.columns`` (each must exist).

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
        Naming the file and the key: a missing key, a group where a dataset belongs, datasets
        of unequal length, NaN or infinite stress, labels other than 0/1, an empty, truncated
        or corrupt file, a file that is neither HDF5 nor CSV, unknown or invalid events.
    """
    p, wanted = path, events
    reader = _read_hdf5 if _is_hdf5(p) else _read_csv
    labels, comps, xyz, event, table, extra = reader(p, max_rows, wanted, label_key, tuple(columns))
    X, _ = devries_features(comps)
    y = labels.astype(np.float32)
    if not return_cells:
        return X, y
    return AftershockCells(X, y, _tensors(comps), xyz, event, table, str(p), extra)


@validate_params(path=(None, Path_()))
def locate_devries(path: str | os.PathLike | None = None) -> tuple[Path, Path] | None:
    """Where the real ``Training.h5`` and ``Testing.h5`` are, or None.

    Looks in ``path``, else in the folder named by ``DLIES_AFTERSHOCKS``, else in
    ``<data>/devries/``. None when the default folder lacks them (the lectures then use the
    synthetic set); a ``path`` or ``DLIES_AFTERSHOCKS`` that is set but lacks a file is a
    ``FileNotFoundError`` saying which one, not a silent fallback.
    """
    env = os.environ.get("DLIES_AFTERSHOCKS", "").strip()
    origin = "path" if path is not None else "DLIES_AFTERSHOCKS" if env else None
    folder = Path(path if path is not None else env or course.data_dir() / "devries").expanduser()
    if origin and folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} (set by {origin}) is a file; expected the folder holding Training.h5 "
            "and Testing.h5"
        )
    files = (folder / "Training.h5", folder / "Testing.h5")
    missing = [f.name for f in files if not f.is_file()]
    if not missing:
        return files
    if origin:
        raise FileNotFoundError(
            f"{folder} (set by {origin}) lacks {', '.join(missing)}: expected Training.h5 and "
            "Testing.h5 there"
        )
    return None
