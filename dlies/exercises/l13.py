"""Checkers of lecture 13 (unsupervised learning): the k-distance curve of DBSCAN, ICA with a
fourth source and a fourth sensor, a block-bootstrap interval over overlapping windows."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.neighbors import NearestNeighbors

from dlies.exercises import Verdict, close_to, exercise
from dlies.stats import bootstrap_interval

__all__: list[str] = []


def _neighbour_distance(points, n_neighbors):
    d, _ = NearestNeighbors(n_neighbors=n_neighbors).fit(points).kneighbors(points)
    return d[:, -1]


@exercise("13.1", "the k-distance curve of DBSCAN")
def k_distance_curve(answer, *, points, min_samples) -> Verdict:
    """``answer``: each point's distance to its (``min_samples`` − 1)-th nearest neighbour
    besides itself, sorted in ascending order, shape (n,); within 1e-9 km."""
    points = np.asarray(points, dtype=float)
    near = _neighbour_distance(points, min_samples)
    return close_to(
        answer,
        np.sort(near),
        what="the k-distance curve",
        rtol=0,
        atol=1e-9,
        right="DBSCAN's core test for every point, sorted: ε goes at its knee",
        mistakes=[
            (near, "the distances are not sorted: sort them in ascending order"),
            (np.sort(near)[::-1], "sorted in descending order: sort ascending, so the knee "
             "bends upwards"),
            (np.sort(_neighbour_distance(points, min_samples - 1)), "one neighbour short: "
             "kneighbors counts each point as its own nearest neighbour (distance 0), and "
             "min_samples counts the point itself too"),
            (np.sort(_neighbour_distance(points, min_samples + 1)), "one neighbour too far: "
             "min_samples counts the point itself, so the core test is the (min_samples − 1)-th "
             "other point"),
        ],
    )  # fmt: skip


@exercise("13.2", "ICA with a fourth source and a fourth sensor")
def fourth_sensor(answer, *, sources, gaussian) -> Verdict:
    """``answer``: ICA's components, shape (4, samples) (one per row), of the four sensors'
    records; right when every non-Gaussian source matches one component with |r| >= 0.95."""
    sources = np.asarray(sources, dtype=float)
    a = np.asarray(answer, dtype=float)
    if a.ndim == 2 and a.shape == sources.shape[::-1] and a.shape != sources.shape:
        a = a.T  # scikit-learn's (samples, components) layout is fine
    if a.ndim != 2 or a.shape[1] != sources.shape[1]:
        return Verdict(False, f"the components have shape {a.shape}, expected "
                       f"({len(sources)}, {sources.shape[1]}): one row per component")  # fmt: skip
    if len(a) < len(sources):
        return Verdict(False, f"{len(a)} components for {len(sources)} sources: a fourth "
                       "source needs a fourth sensor and a fourth component")  # fmt: skip
    c = np.abs(np.corrcoef(sources, a)[: len(sources), len(sources) :])
    rows, cols = linear_sum_assignment(-c)
    r = c[rows, cols]
    gaussian = np.asarray(gaussian, dtype=bool)
    if not np.all(r[~gaussian] >= 0.95):
        worst = float(r[~gaussian].min())
        return Verdict(False, f"a non-Gaussian source is matched at |r| = {worst:.2f} only: "
                       "unmix the sensors' records (FastICA on a (samples, 4) array)")  # fmt: skip
    return Verdict(True, f"the non-Gaussian sources come out at |r| >= 0.95; the Gaussian ones at "
                   f"{', '.join(f'{v:.2f}' for v in r[gaussian])}: any rotation of two Gaussians "
                   "is as independent as any other")  # fmt: skip


@exercise("13.3", "a block-bootstrap interval over overlapping windows")
def block_interval(answer, *, errors, starts, sampling_rate, minutes=10.0) -> Verdict:
    """``answer``: (low, high) of ``bootstrap_interval(np.mean, errors, groups=<the
    ``minutes``-long block of each window's start>, n_resamples=1000, random_state=0)``;
    within 1e-9."""
    errors, starts = np.asarray(errors, dtype=float), np.asarray(starts)

    def interval(groups):
        found = bootstrap_interval(np.mean, errors, groups=groups, n_resamples=1000, random_state=0)
        return [found.low, found.high]

    block = starts // int(minutes * 60 * sampling_rate)
    naive = bootstrap_interval(np.mean, errors, n_resamples=1000, random_state=0)
    return close_to(
        answer,
        interval(block),
        what="(low, high)",
        rtol=0,
        atol=1e-9,
        right=f"whole {minutes:g}-minute blocks resampled: the overlapping windows travel "
        "together",
        mistakes=[
            ([naive.low, naive.high], "this interval resamples single windows, as if "
             "overlapping windows were independent: pass groups= the block of each window"),
            (interval(starts // int(5 * 60 * sampling_rate)), "these are 5-minute blocks: "
             f"the exercise asks for {minutes:g} minutes"),
            (interval(starts // int(minutes * 60)), "the block length is in samples: multiply "
             "the minutes by 60 s and by the sampling rate"),
        ],
    )  # fmt: skip
