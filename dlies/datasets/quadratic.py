"""Noisy samples of a quadratic, the first fitting problem of Lecture 1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlies._validate import Array, Integer, Pair, RandomState, Real, validate_params


@validate_params(
    n_samples=Integer(min=1),
    coef=Array(shape=(3,)),
    x_range=Pair(Real()),
    noise=Real(min=0),
    random_state=RandomState(),
)
def make_quadratic(
    n_samples: int = 100,
    *,
    coef: Sequence[float] = (5.0, 14.3, 8.9),
    x_range: tuple[float, float] = (-10.0, 10.0),
    noise: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``x ~ U(x_range)`` and ``y = a x² + b x + c + noise · N(0, 1)``.

    This is the synthetic data of Lecture 1's quadratic fit (the slide's ``generate_data``).

    Parameters
    ----------
    n_samples : int, default 100
        Number of points (the slide draws 100 fresh points per training step).
    coef : sequence of 3 floats, default (5.0, 14.3, 8.9)
        ``(a, b, c)``.
    x_range : (float, float), default (-10, 10)
        Interval of the uniform draw of ``x``.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to ``y`` (same units as ``y``).
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    x, y : numpy.ndarray of float32, shape (n_samples,)
    """
    rng = np.random.default_rng(random_state)
    x = rng.uniform(*x_range, size=n_samples)
    a, b, c = coef.astype(float)
    y = a * x**2 + b * x + c
    if noise > 0:
        y = y + noise * rng.standard_normal(n_samples)
    return x.astype(np.float32), y.astype(np.float32)
