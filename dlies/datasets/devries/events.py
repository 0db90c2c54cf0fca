"""Per-event helpers for the aftershock lecture: a split by event and a map of one layer."""

from __future__ import annotations

import os

import numpy as np

from dlies._validate import RandomState, Real, validate_params
from dlies.datasets.devries.files import EVENT_KEY, PATH, _h5, _is_hdf5, _open


@validate_params(
    path=PATH,
    test_fraction=Real(min=0, below=1),
    validation_fraction=Real(min=0, below=1),
    random_state=RandomState(),
)
def split_events(
    path: str | os.PathLike,
    *,
    test_fraction: float = 0.25,
    validation_fraction: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a file's slip distributions into train / validation / test event ids.

    Whole events go to one part, never single cells (scikit-learn's ``GroupShuffleSplit``):
    neighbouring cells of one event are strongly correlated, so a split by cell would leak the
    test set into training. Each non-zero fraction gets at least one event. Returns the sorted
    int64 event ids of train, validation (empty when ``validation_fraction`` is 0) and test.
    """
    import h5py
    from sklearn.model_selection import GroupShuffleSplit

    p = path
    rng = np.random.default_rng(random_state)
    if not _is_hdf5(p):
        raise ValueError(f"{p}: split_events needs an HDF5 file with the key {EVENT_KEY!r}")
    with _open(p) as f:
        table = f.get("events")
        if isinstance(table, h5py.Group) and isinstance(table.get(EVENT_KEY), h5py.Dataset):
            key = f"events/{EVENT_KEY}"
        elif isinstance(f.get(EVENT_KEY), h5py.Dataset):
            key = EVENT_KEY
        else:
            raise ValueError(
                f"{p}: key {EVENT_KEY!r} is missing (or not a dataset): cannot split by event"
            )
        with _h5(p, key):
            ids = np.unique(f[key][()]).astype(np.int64)
    n_test = max(1, round(test_fraction * len(ids))) if test_fraction > 0 else 0
    n_val = max(1, round(validation_fraction * len(ids))) if validation_fraction > 0 else 0
    if n_test + n_val >= len(ids):
        raise ValueError(f"{p}: {len(ids)} events are too few for this split")

    def draw(pool: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if k == 0:
            return pool, pool[:0]
        split = GroupShuffleSplit(n_splits=1, test_size=k, random_state=int(rng.integers(2**31)))
        keep, take = next(split.split(pool, groups=pool))
        return pool[keep], pool[take]

    rest, test = draw(ids, n_test)
    train, val = draw(rest, n_val)
    return np.sort(train), np.sort(val), np.sort(test)


def map_slice(
    xyz: np.ndarray, values: np.ndarray, *, depth: float, cell: float | None = None
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Put the cells of one depth layer on a 2-D raster for ``imshow(origin="lower")``.

    ``xyz`` (n, 3) cell centroids (m, z negative down), ``values`` (n,), ``depth`` of the layer
    (m, positive; the nearest layer is taken), ``cell`` the spacing (m; inferred when omitted).
    Returns the image (ny, nx), NaN where there is no cell, and its ``(west, east, south,
    north)`` extent in km.
    """
    xyz, values = np.asarray(xyz, dtype=np.float64), np.asarray(values, dtype=np.float64)
    if xyz.ndim != 2 or xyz.shape[1] != 3 or values.shape != (len(xyz),):
        raise ValueError(
            f"xyz must have shape (n, 3) and values (n,), got {xyz.shape}, {values.shape}"
        )
    depths = np.unique(-xyz[:, 2])
    sel = np.isclose(-xyz[:, 2], depths[np.argmin(np.abs(depths - depth))])
    x, y, v = xyz[sel, 0], xyz[sel, 1], values[sel]
    if cell is None:
        ux = np.unique(x)
        cell = float(np.min(np.diff(ux))) if len(ux) > 1 else 5e3
    ix = np.rint((x - x.min()) / cell).astype(int)
    iy = np.rint((y - y.min()) / cell).astype(int)
    image = np.full((iy.max() + 1, ix.max() + 1), np.nan)
    image[iy, ix] = v
    h = cell / 2
    west, east, south, north = np.array([x.min() - h, x.max() + h, y.min() - h, y.max() + h]) / 1e3
    return image, (west, east, south, north)
