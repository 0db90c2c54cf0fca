r"""A stochastic seismicity law: rate-and-state response to a static stress step.

Dieterich (1994, *J. Geophys. Res.* 99, 2601) showed that a population of faults obeying
rate-and-state friction, loaded at a constant stressing rate and producing earthquakes at a
background rate :math:`r`, answers a sudden Coulomb stress change :math:`\Delta\mathrm{CFS}`
with the rate

.. math:: R(t) = \frac{r}{\left(e^{-\Delta\mathrm{CFS}/A\sigma} - 1\right) e^{-t/t_a} + 1},

where :math:`A\sigma` is the constitutive parameter times the effective normal stress and
:math:`t_a` the aftershock duration. Integrating over a window :math:`[0, T]` gives the
expected number of events (derivation in the lecture notebook)

.. math::
   N(T) = r\,t_a \ln\!\left[1 + e^{\Delta\mathrm{CFS}/A\sigma}\left(e^{T/t_a} - 1\right)\right],

which is :math:`rT` for :math:`\Delta\mathrm{CFS} = 0`, grows linearly with
:math:`\Delta\mathrm{CFS}` for large positive steps, and tends to zero in a stress shadow.
:func:`dieterich_ratio` returns :math:`N(T) / (rT)`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, Instance, Integer, Real, validate_params

__all__ = ["dieterich_ratio", "random_receivers"]


@validate_params(
    dcfs=Array(), a_sigma=Real(above=0), duration=Real(above=0), aftershock_duration=Real(above=0)
)
def dieterich_ratio(
    dcfs: ArrayLike,
    *,
    a_sigma: float,
    duration: float = 1.0,
    aftershock_duration: float = 10.0,
) -> np.ndarray:
    """Expected number of events in ``[0, duration]`` after a stress step, over background.

    Parameters
    ----------
    dcfs : array_like
        Coulomb stress change, in the unit of ``a_sigma`` (e.g. MPa).
    a_sigma : float
        Aσ, > 0, same unit as ``dcfs``.
    duration : float, default 1
        Observation window T (years, or any time unit shared with ``aftershock_duration``).
    aftershock_duration : float, default 10
        t_a, > 0.

    Returns
    -------
    numpy.ndarray
        ``N(T) / (r T)`` ≥ 0; 1 where ``dcfs`` is 0.
    """
    x = dcfs.astype(np.float64) / a_sigma
    u = duration / aftershock_duration
    growth = u + np.log(-np.expm1(-u))  # ln(e^u - 1), without overflow for a large u
    return aftershock_duration / duration * np.logaddexp(0.0, x + growth)


@validate_params(n=Integer(min=0), rng=Instance(np.random.Generator))
def random_receivers(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` receiver faults with isotropically distributed orientations.

    Normals are uniform on the sphere and slip directions uniform within each plane, so every
    fault orientation and slip sense is equally likely.

    Returns
    -------
    normal, slip : numpy.ndarray, shape (n, 3)
        Orthogonal unit vectors in (east, north, up).
    """
    normal = rng.normal(size=(n, 3))
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    helper = rng.normal(size=(n, 3))
    slip = helper - np.sum(helper * normal, axis=1, keepdims=True) * normal
    slip /= np.linalg.norm(slip, axis=1, keepdims=True)
    return normal, slip
