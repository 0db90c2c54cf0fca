"""Lecture 00's checkers: the reference accepted, None and the typical mistakes named."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_circles

from dlies.exercises import _judge

X = make_circles(n_samples=40, factor=0.5, noise=0.08, random_state=0)[0]
LAYER = dict(alpha=2.5e-5, g=9.8, delta_t=500.0, nu=1e16, kappa=1e-6)
B_KM = (657.5 * 1e16 * 1e-6 / (2.5e-5 * 9.8 * 500.0)) ** (1 / 3) / 1e3


def test_squared_coordinates():
    assert _judge("00.1", X**2, X=X).ok
    assert "not attempted" in _judge("00.1", None, X=X).message
    r = np.hypot(X[:, 0], X[:, 1])[:, None]
    for wrong, message in [
        (X, "raw coordinates"),
        (r, "radius r"),
        (r**2, "r² in one column"),
        ((X**2).T, "transposed"),
    ]:
        verdict = _judge("00.1", wrong, X=X)
        assert not verdict.ok and message in verdict.message


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (B_KM * 1e3, "in metres"),
        ((B_KM * 1e3) ** 3, "cube root"),
        (B_KM * (1707.8 / 657.5) ** (1 / 3), "rigid plates"),
        (2 * B_KM, "twice"),
    ],
)
def test_stable_thickness_names_the_mistake(answer, message):
    verdict = _judge("00.2", answer, **LAYER)
    assert not verdict.ok and message in verdict.message
    assert f"{B_KM:.1f}" not in verdict.message


def test_stable_thickness_right_and_not_attempted():
    assert 37 < B_KM < 38.5
    assert _judge("00.2", round(B_KM, 1), **LAYER).ok
    assert not _judge("00.2", None, **LAYER).ok
