"""Checkers of lecture 12 (lidar): eigenvalue features of a neighbourhood, the height above the
local minimum, a spatially blocked split."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise

__all__: list[str] = []


def _eigenvalues(points: np.ndarray, core: np.ndarray, radius: float) -> np.ndarray:
    """λ1 ≥ λ2 ≥ λ3 (m²) of the covariance (divided by n) of the points within ``radius``."""
    neighbours = points[np.linalg.norm(points - core, axis=1) <= radius]
    return np.linalg.eigvalsh(np.cov(neighbours.T, bias=True))[::-1]


def _lps(lam: np.ndarray) -> np.ndarray:
    """Linearity, planarity, scattering of eigenvalues in the order given."""
    return np.array([lam[0] - lam[1], lam[1] - lam[2], lam[2]]) / lam[0]


@exercise("12.1", "linearity, planarity and scattering of a neighbourhood")
def eigen_features(answer, *, points, cores, diameter) -> Verdict:
    """``answer``: shape (n_cores, 3), per core point (λ1 − λ2, λ2 − λ3, λ3) / λ1 of the
    points within a sphere of ``diameter`` (m), λ1 ≥ λ2 ≥ λ3; within 1e-6 (relative)."""
    points = np.asarray(points, dtype=float)
    cores = np.atleast_2d(np.asarray(cores, dtype=float))
    lam = np.array([_eigenvalues(points, c, diameter / 2) for c in cores])
    wide = np.array([_eigenvalues(points, c, diameter) for c in cores])
    reference = np.array([_lps(row) for row in lam])
    by_sum = np.array([[r[0] - r[1], r[1] - r[2], r[2]] / r.sum() for r in lam])
    brodu = by_sum * [1, 2, 3]
    return close_to(
        answer,
        reference,
        what="the features",
        rtol=1e-6,
        atol=1e-9,
        right="(λ1 − λ2, λ2 − λ3, λ3) / λ1 with λ1 ≥ λ2 ≥ λ3: they add up to 1",
        mistakes=[
            (np.array([_lps(row[::-1]) for row in lam]), "the eigenvalues are in increasing "
             "order (np.linalg.eigvalsh returns them so): sort them λ1 ≥ λ2 ≥ λ3 first"),
            (by_sum, "these divide by λ1 + λ2 + λ3: linearity, planarity and scattering "
             "divide by λ1, the largest eigenvalue"),
            (brodu, "these are Brodu & Lague's (d1D, d2D, d3D): linearity, planarity and "
             "scattering divide the differences by λ1"),
            (np.array([_lps(np.sqrt(row)) for row in lam]), "these use √λ, the standard "
             "deviations: use the eigenvalues (variances, m²) themselves"),
            (np.array([_lps(row) for row in wide]), "the neighbourhood has radius D: the "
             "scale is the sphere's diameter, so query the points within D / 2"),
        ],
    )  # fmt: skip


def _height_above_minimum(xyz: np.ndarray, cores: np.ndarray, radius: float, dims: int):
    from scipy.spatial import cKDTree  # SciPy loads only when checked

    around = cKDTree(xyz[:, :dims]).query_ball_point(cores[:, :dims], radius)
    return cores[:, 2] - np.array([xyz[nb, 2].min() for nb in around])


@exercise("12.2", "the height above the local minimum")
def height_above_minimum(answer, *, xyz, cores, radius) -> Verdict:
    """``answer``: shape (n_cores,), z of each core point minus the lowest z of the cloud
    ``xyz`` within ``radius`` (m) in plan (x, y); within 1e-6 m."""
    xyz = np.asarray(xyz, dtype=float)
    cores = np.atleast_2d(np.asarray(cores, dtype=float))
    reference = _height_above_minimum(xyz, cores, radius, dims=2)
    return close_to(
        answer,
        reference,
        what="the heights",
        rtol=0,
        atol=1e-6,
        right="z minus the lowest z within R in plan: ≥ 0, near 0 on open ground",
        mistakes=[
            (_height_above_minimum(xyz, cores, radius, dims=3), "this minimum is over a "
             "sphere (x, y, z): search in plan, over x and y only, so that the ground below a "
             "roof or a crown counts"),
            (_height_above_minimum(xyz, cores, radius / 2, dims=2), "this minimum is within "
             "R / 2: R is the radius of the disc searched"),
            (_height_above_minimum(cores, cores, radius, dims=2), "this minimum is over the "
             "core points only: take it over the whole cloud, xyz"),
        ],
    )  # fmt: skip


def _rows(value, n: int, side: str) -> np.ndarray:
    rows = np.asarray(value)
    if rows.dtype == bool:
        if rows.shape != (n,):
            raise ValueError(f"the {side} mask has shape {rows.shape}, expected ({n},)")
        return np.flatnonzero(rows)
    if rows.ndim != 1 or (rows.size and not np.issubdtype(rows.dtype, np.integer)):
        raise TypeError(f"the {side} set should be integer row indices (or a boolean mask)")
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise IndexError(f"the {side} set holds indices outside 0 … {n - 1}")
    return rows


@exercise("12.3", "a spatially blocked train/test split")
def blocked_split(answer, *, tiles, min_test=0.2, max_test=0.5) -> Verdict:
    """``answer``: (train_rows, test_rows), index arrays (or boolean masks) of the points whose
    tile ids are ``tiles``; right when every point is in exactly one set, no tile has points in
    both, and the test set holds between ``min_test`` and ``max_test`` of the tiles."""
    tiles = np.asarray(tiles)
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return Verdict(False, "give a pair (train_rows, test_rows)")
    train, test = (
        _rows(v, len(tiles), s) for v, s in zip(answer, ("training", "test"), strict=True)
    )
    count = np.bincount(train, minlength=len(tiles)) + np.bincount(test, minlength=len(tiles))
    if np.any(count > 1):
        return Verdict(False, f"{np.sum(count > 1)} points are in both sets, or twice in one")
    if np.any(count == 0):
        return Verdict(False, f"{np.sum(count == 0)} points are in neither set: every point "
                       "belongs to one side")  # fmt: skip
    shared = np.intersect1d(tiles[train], tiles[test])
    if shared.size:
        return Verdict(False, f"{shared.size} tiles have points in both sets: neighbouring "
                       "points share their features, so split whole tiles, not points")  # fmt: skip
    n_test, n_tiles = np.unique(tiles[test]).size, np.unique(tiles).size
    if not min_test <= n_test / n_tiles <= max_test:
        return Verdict(False, f"the test set holds {n_test / n_tiles:.0%} of the tiles: hold "
                       f"out between {min_test:.0%} and {max_test:.0%} of them")  # fmt: skip
    return Verdict(True, f"no tile on both sides: {n_tiles - n_test} tiles to train on, "
                   f"{n_test} to test on")  # fmt: skip
