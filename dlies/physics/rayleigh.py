r"""Onset of convection in a plane fluid layer heated from below (Rayleigh–Bénard).

A layer of thickness :math:`b`, heated from below with a temperature difference
:math:`\Delta T` across it, convects when its Rayleigh number

.. math:: Ra = \frac{\alpha g \Delta T b^3}{\nu \kappa}

exceeds the critical value for a perturbation of horizontal wavelength :math:`\lambda`
(free-slip boundaries; Schubert, Turcotte & Olson 2001, *Mantle Convection in the Earth and
Planets*, ch. 7; Turcotte & Schubert, *Geodynamics*, §6.19):

.. math:: Ra_{cr} = \frac{\pi^4 (4 + \lambda^{*2})^3}{4 \lambda^{*4}},
          \qquad \lambda^* = \lambda / b .

Its minimum, :math:`27\pi^4/4 \approx 657.5`, is reached at :math:`\lambda^* = 2\sqrt{2}`.
Two questions follow: does the **mode** of a given wavelength grow
(:math:`Ra > Ra_{cr}(\lambda^*)`), and is the **layer** unstable at all, i.e. does some mode
grow (:math:`Ra >` :data:`RA_CR_MIN`)?
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, validate_params

#: Smallest critical Rayleigh number, 27 π⁴ / 4 ≈ 657.5 (free-slip boundaries).
__all__ = ["RA_CR_MIN", "WAVELENGTH_RATIO_AT_MIN", "critical_rayleigh", "rayleigh_number"]

RA_CR_MIN = 27.0 * np.pi**4 / 4.0
#: Wavelength ratio λ/b of the first unstable mode, 2√2.
WAVELENGTH_RATIO_AT_MIN = 2.0 * np.sqrt(2.0)


_POSITIVE = Array(above=0)


@validate_params(
    alpha=_POSITIVE,
    g=_POSITIVE,
    delta_t=_POSITIVE,
    thickness=_POSITIVE,
    nu=_POSITIVE,
    kappa=_POSITIVE,
)
def rayleigh_number(
    *,
    alpha: ArrayLike,
    g: ArrayLike,
    delta_t: ArrayLike,
    thickness: ArrayLike,
    nu: ArrayLike,
    kappa: ArrayLike,
) -> np.ndarray:
    r"""Rayleigh number :math:`Ra = \alpha g \Delta T b^3 / (\nu \kappa)` (dimensionless).

    Parameters
    ----------
    alpha : array_like
        Volumetric thermal expansion coefficient α (1/K), > 0.
    g : array_like
        Gravitational acceleration (m/s²), > 0.
    delta_t : array_like
        Temperature difference across the layer, bottom minus top (K), > 0.
    thickness : array_like
        Layer thickness b (m), > 0.
    nu : array_like
        Kinematic viscosity ν (m²/s), > 0.
    kappa : array_like
        Thermal diffusivity κ (m²/s), > 0.

    Returns
    -------
    numpy.ndarray
        Ra, broadcast over the inputs.
    """
    b = thickness.astype(np.float64)
    return alpha * g * delta_t * b**3 / (nu * kappa)


@validate_params(wavelength_ratio=_POSITIVE)
def critical_rayleigh(wavelength_ratio: ArrayLike) -> np.ndarray:
    r"""Critical Rayleigh number :math:`\pi^4 (4 + \lambda^{*2})^3 / (4 \lambda^{*4})`.

    Parameters
    ----------
    wavelength_ratio : array_like
        λ* = λ / b, the perturbation's horizontal wavelength over the layer thickness
        (dimensionless), > 0.

    Returns
    -------
    numpy.ndarray
        Ra_cr for each λ*; the mode of that wavelength grows when Ra > Ra_cr.
    """
    lam = wavelength_ratio.astype(np.float64)
    return np.pi**4 * (4.0 + lam**2) ** 3 / (4.0 * lam**4)
