r"""Multi-scale covariance features of point clouds (Brodu & Lague 2012, CANUPO).

Around a core point, the neighbours inside a sphere of diameter :math:`D` (the *scale*) have a
covariance matrix with eigenvalues :math:`\lambda_1 \ge \lambda_2 \ge \lambda_3 \ge 0`. Their
proportions :math:`p_i = \lambda_i / (\lambda_1 + \lambda_2 + \lambda_3)` say how the cloud
looks at that scale: a line has :math:`p \approx (1, 0, 0)`, a plane :math:`(1/2, 1/2, 0)`, a
ball :math:`(1/3, 1/3, 1/3)`. Brodu & Lague place :math:`p` in the triangle spanned by these
three corners and use its barycentric coordinates

.. math::

    d_{1D} = p_1 - p_2, \qquad d_{2D} = 2 (p_2 - p_3), \qquad d_{3D} = 3 p_3,

which sum to 1. Looked at over several scales, a point of grass is 2-D at 5 cm and 3-D at
50 cm, a boulder 2-D at 10 cm and 3-D at 2 m: no single scale separates everything, which
is the paper's argument for multi-scale features.

Brodu, N. & Lague, D. (2012). 3D terrestrial lidar data classification of complex natural
scenes using a multi-scale dimensionality criterion: applications in geomorphology.
*ISPRS J. Photogramm. Remote Sens.* 68, 121-134.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlies._validate import Checked, Integer, validate_params

__all__ = ["FEATURES_PER_SCALE", "covariance_features"]

#: The features computed at each scale, in column order.
FEATURES_PER_SCALE = (
    "lambda1",  # largest eigenvalue of the neighbourhood covariance, m^2
    "lambda2",
    "lambda3",
    "dim1d",  # Brodu & Lague's barycentric coordinates, sum to 1
    "dim2d",
    "dim3d",
    "verticality",  # 1 - |n_z|, n the normal (eigenvector of lambda3): 0 flat, 1 vertical
    "density",  # neighbours per m^3 of the sphere
)


def _as_points(value: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"covariance_features: {name} must be numbers, got {value!r:.60}") from exc
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"covariance_features: {name} must have shape (n, 3), got {arr.shape}")
    if not np.isfinite(arr).all():
        row = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
        raise ValueError(f"covariance_features: {name} row {row} is not finite: {arr[row]}")
    return arr


def _as_scales(scales: object) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(scales, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"covariance_features: scales must be numbers, got {scales!r}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"covariance_features: scales must be a non-empty list, got {scales!r}")
    if not (np.isfinite(arr).all() and (arr > 0).all()):
        raise ValueError(f"covariance_features: scales must be finite and > 0 m, got {scales!r}")
    if len(np.unique(arr)) != len(arr):
        raise ValueError(f"covariance_features: scales must be distinct, got {scales!r}")
    return arr


def feature_names(scales: Sequence[float]) -> list[str]:
    """Column names, e.g. ``"dim2d_D0.5m"`` (D: the sphere's diameter)."""
    return [f"{f}_D{s:g}m" for s in _as_scales(scales) for f in FEATURES_PER_SCALE]


@validate_params(
    points=Checked(lambda v: _as_points(v, "points"), "an array (n, 3) of finite coordinates"),
    core_points=Checked(
        lambda v: _as_points(v, "core_points"), "an array (m, 3) of finite coordinates"
    ),
    scales=Checked(_as_scales, "distinct finite diameters > 0 (m)"),
    max_pairs=Integer(min=1),
)
def covariance_features(
    points: np.ndarray,
    core_points: np.ndarray,
    scales: Sequence[float],
    *,
    max_pairs: int = 2_000_000,
) -> tuple[np.ndarray, list[str]]:
    r"""Covariance eigenvalues, dimensionality, verticality and density at several scales.

    Parameters
    ----------
    points : array (n, 3)
        The whole cloud, in m.
    core_points : array (m, 3)
        Where the features are computed (any points: a subsample of ``points``, a grid, ...).
        A core point that belongs to the cloud counts itself among its neighbours.
    scales : sequence of float
        **Diameters** :math:`D` (m) of the neighbourhood spheres, as Brodu & Lague define a
        scale: the neighbours of a core point are the points within :math:`D/2` of it.
    max_pairs : int, default 2 000 000
        Memory bound. Core points are processed in chunks of nearby points whose neighbour
        counts add up to at most this many (core, neighbour) pairs at the largest scale; the
        counts used are upper bounds (the points in the 27 cubic cells of side :math:`D/2`
        around the core point's cell), so a chunk holds fewer pairs than that in practice. A
        core point with more neighbours forms a chunk alone. Peak memory is about 100 bytes
        per pair, 200 MB by default.

    Returns
    -------
    F : ndarray (m, 8 * len(scales)), float64
        For each scale in the order given, the columns of :data:`FEATURES_PER_SCALE`:
        :math:`\lambda_1 \ge \lambda_2 \ge \lambda_3` (m², the population covariance of the
        neighbours), :math:`d_{1D}, d_{2D}, d_{3D}`, the verticality :math:`1 - |n_z|` and the
        density (neighbours per m³). Always finite: with fewer than 3 neighbours the
        dimensionality is the centre of the triangle (1/3 each, "undecided", as CANUPO does)
        and the verticality 0.
    names : list of str
        ``"<feature>_D<scale>m"`` for each column.

    Notes
    -----
    Neighbours come from :class:`scipy.spatial.cKDTree` (one tree over the cloud, one over
    each chunk of core points, pairs from ``sparse_distance_matrix`` at the largest radius);
    the sums :math:`\sum \delta`, :math:`\sum \delta\delta^T` of the offsets
    :math:`\delta` to the core point are accumulated per core point with ``np.bincount``, and
    the smaller scales reuse the same pairs.
    """
    from scipy.spatial import cKDTree

    cloud, core, diam = points, core_points, scales
    if len(cloud) == 0:
        raise ValueError("covariance_features: points is empty")
    names = feature_names(diam)
    out = np.empty((len(core), len(names)))
    if len(core) == 0:
        return out, names
    tree = cKDTree(cloud, balanced_tree=False, compact_nodes=False)  # 3x faster to build
    r_max = diam.max() / 2
    # Chunks of core points that are close together (the dual-tree search is then several
    # times faster) and whose neighbour counts, bounded from above, add up to <= max_pairs.
    order = _spatial_order(core, 16 * r_max)
    bound = _neighbour_bound(cloud, core[order], r_max)
    if bound is None:  # a scene too large for the cell bound: count exactly
        bound = tree.query_ball_point(core[order], r_max, return_length=True)
    cum = np.cumsum(bound)
    bounds = [0]
    while bounds[-1] < len(core):
        start = bounds[-1]
        base = cum[start - 1] if start else 0
        stop = int(np.searchsorted(cum, base + max_pairs, side="right"))
        bounds.append(max(stop, start + 1))
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        rows = order[start:stop]
        out[rows] = _chunk_features(tree, cloud, core[rows], diam)
    return out, names


def _cell_keys(cells: np.ndarray, dims: np.ndarray) -> np.ndarray:
    key = cells[:, 0]
    for a in range(1, cells.shape[1]):
        key = key * dims[a] + cells[:, a]
    return key


def _spatial_order(core: np.ndarray, tile: float) -> np.ndarray:
    """Core points sorted by map tile of side ``tile`` (m)."""
    cells = np.floor((core[:, :2] - core[:, :2].min(0)) / tile).astype(np.int64)
    return np.argsort(_cell_keys(cells, cells.max(0) + 1), kind="stable")


def _neighbour_bound(cloud: np.ndarray, core: np.ndarray, radius: float) -> np.ndarray | None:
    """Upper bound on each core point's neighbours within ``radius``: the cloud points in the
    3 x 3 x 3 cubic cells of side ``radius`` around its cell. None if the keys would overflow."""
    lo = np.minimum(cloud.min(0), core.min(0))
    cloud_cells = np.floor((cloud - lo) / radius).astype(np.int64) + 1
    core_cells = np.floor((core - lo) / radius).astype(np.int64) + 1
    dims = np.maximum(cloud_cells.max(0), core_cells.max(0)) + 2
    if np.prod(dims.astype(float)) > 2.0**62:
        return None
    keys, counts = np.unique(_cell_keys(cloud_cells, dims), return_counts=True)
    bound = np.zeros(len(core), dtype=np.int64)
    for offset in np.ndindex(3, 3, 3):
        k = _cell_keys(core_cells + np.asarray(offset) - 1, dims)
        pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
        bound += np.where(keys[pos] == k, counts[pos], 0)
    return bound


def _chunk_features(tree, cloud: np.ndarray, core: np.ndarray, diam: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    m = len(core)
    chunk_tree = cKDTree(core, balanced_tree=False, compact_nodes=False)
    pairs = chunk_tree.sparse_distance_matrix(tree, diam.max() / 2, output_type="ndarray")
    i, dist = pairs["i"], pairs["v"]
    delta = cloud[pairs["j"]] - core[i]  # offsets (m): small numbers, no cancellation
    del pairs
    result = np.empty((m, len(diam), len(FEATURES_PER_SCALE)))
    # largest scale first; each smaller one keeps a subset of the pairs
    for s in np.argsort(diam)[::-1]:
        radius = diam[s] / 2
        if radius < diam.max() / 2:
            keep = dist <= radius
            i, dist, delta = i[keep], dist[keep], delta[keep]
        result[:, s] = _scale_features(i, delta, m, radius)
    return result.reshape(m, -1)


def _scale_features(i: np.ndarray, delta: np.ndarray, m: int, radius: float) -> np.ndarray:
    n = np.bincount(i, minlength=m).astype(np.float64)
    safe_n = np.maximum(n, 1.0)
    mean = (
        np.stack([np.bincount(i, delta[:, a], minlength=m) for a in range(3)], 1) / safe_n[:, None]
    )
    cov = np.empty((m, 3, 3))
    for a in range(3):
        for b in range(a, 3):
            sab = np.bincount(i, delta[:, a] * delta[:, b], minlength=m) / safe_n
            cov[:, a, b] = cov[:, b, a] = sab - mean[:, a] * mean[:, b]
    lam, vec = np.linalg.eigh(cov)  # ascending
    lam = np.clip(lam[:, ::-1], 0.0, None)  # lambda1 >= lambda2 >= lambda3 >= 0
    total = lam.sum(axis=1)
    defined = (n >= 3) & (total > 0)
    p = lam / np.where(defined, total, 1.0)[:, None]
    dims = np.column_stack([p[:, 0] - p[:, 1], 2 * (p[:, 1] - p[:, 2]), 3 * p[:, 2]])
    dims[~defined] = 1 / 3  # the centre of the triangle: no evidence either way
    vertical = np.where(defined, 1.0 - np.abs(vec[:, 2, 0]), 0.0)  # normal = vec[:, :, 0]
    density = n / (4 / 3 * np.pi * radius**3)
    return np.column_stack([lam, np.clip(dims, 0.0, 1.0), vertical, density])
