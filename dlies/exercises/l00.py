"""Checkers of lecture 00 (getting started): a representation, and the onset of convection."""

from __future__ import annotations

import numpy as np

from dlies.exercises import Verdict, close_to, exercise
from dlies.physics.rayleigh import RA_CR_MIN

__all__: list[str] = []

#: The critical Rayleigh number of a layer between two rigid plates, a common slip.
RA_CR_RIGID = 1707.8


@exercise("00.1", "the squared coordinates as a representation")
def squared_coordinates(answer, *, X) -> Verdict:
    """``answer``: the features (x1², x2²) of every point, shape (n, 2); exact to 1e-9."""
    X = np.asarray(X, dtype=float)
    radius = np.hypot(X[:, 0], X[:, 1])[:, None]
    return close_to(
        answer,
        X**2,
        what="the squared features",
        rtol=1e-6,
        atol=1e-9,
        right="(x1², x2²) for every point: a linear model on them can draw a circle",
        mistakes=[
            (X, "these are the raw coordinates: square each of them"),
            (radius, "this is the radius r, one column: the exercise asks for x1² and x2²"),
            (radius**2, "this is r² in one column: keep x1² and x2² as two columns"),
        ],
    )


@exercise("00.2", "the thickness below which the layer is stable")
def stable_thickness(answer, *, alpha, g, delta_t, nu, kappa) -> Verdict:
    """``answer``: the thickness b (km) at which Ra = 657.5, within 1 %."""

    def thickness_km(ra_cr):
        return (ra_cr * nu * kappa / (alpha * g * delta_t)) ** (1 / 3) / 1e3

    reference = thickness_km(RA_CR_MIN)
    return close_to(
        answer,
        reference,
        what="the thickness",
        rtol=1e-2,
        right="below this thickness no wavelength can grow (Ra < 657.5)",
        mistakes=[
            (reference * 1e3, "this is the thickness in metres: the exercise asks for km"),
            ((reference * 1e3) ** 3, "Ra grows as b³: take the cube root"),
            (reference**3, "Ra grows as b³: take the cube root"),
            (thickness_km(RA_CR_RIGID), "1708 is for rigid plates; this layer is free-slip"),
        ],
    )
