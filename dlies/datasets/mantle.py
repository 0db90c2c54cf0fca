r"""Synthetic layers heated from below, labelled by whether one convective mode grows.

The data are **synthetic**: eight physical properties of a plane layer are drawn at random,
uniformly and independently, and each sample is labelled by linear stability theory. The
label asks about one **mode**, the perturbation of the drawn horizontal wavelength λ: it
grows (label 1) when

.. math:: Ra = \frac{\alpha g \Delta T b^3}{\nu \kappa}
          \;>\; Ra_{cr}(\lambda^*) = \frac{\pi^4 (4 + \lambda^{*2})^3}{4\lambda^{*4}},
          \qquad \lambda^* = \lambda / b,

and decays (label 0) otherwise (:mod:`dlies.physics.rayleigh`). The *layer* as a whole is
unstable as soon as some mode grows, i.e. when Ra exceeds the minimum of the curve,
27π⁴/4 ≈ 657.5 (:data:`~dlies.physics.rayleigh.RA_CR_MIN`): a layer whose λ-mode decays
may still convect at another wavelength. The mode question is the one the seed lecture
asked, and the one whose answer depends on all eight properties but the depth.

Default ranges (SI units):

============  ======================  =========================  ==============================
feature       symbol, unit            range                      why
============  ======================  =========================  ==============================
g             g, m/s²                 3.7 – 10                   Mars to Earth
alpha         α, 1/K                  1e-5 – 4e-5                silicate rocks
nu            ν, m²/s                 2e15 – 2e16                asthenosphere, see below
kappa         κ, m²/s                 5e-7 – 1.5e-6              silicate rocks
depth         d, m                    0 – 2.0e6                  top of the layer; *not* in Ra
thickness     b, m                    30e3 – 100e3               a thin low-viscosity layer
wavelength    λ, m                    20e3 – 1000e3              horizontal wavelength
delta_T       ΔT, K                   100 – 1000                 across the layer
============  ======================  =========================  ==============================

ν = η/ρ with η ≈ 10^19–10^20 Pa s and ρ ≈ 3300 kg/m³: an asthenosphere-like layer tens of km
thick, for which Ra straddles Ra_cr. (The whole mantle, b ≈ 2900 km with ν ~ 10^17–10^18 m²/s,
has Ra ~ 10^7, far above critical: a data set in which every mode grows would teach
nothing.) With these ranges the λ-mode grows in about half of the samples. The depth of the
layer is drawn but does not enter Ra: a distractor the network must learn to ignore.

``seed_compatible=True`` reproduces the seed lecture's generator instead: its ranges, its
scaling of each column, and its Rayleigh number computed with the *depth* d in place of the
thickness b (``Ra = α g ΔT d³ / (ν κ)``, the slide's code, while the slide's own equation uses
b). Its columns are in the seed's scaled units (g in m/s², lengths in seed units of 10⁴ × the
drawn fraction), so its accuracy can be compared like for like with the slide's 0.9589.
"""

from __future__ import annotations

import numpy as np

from dlies._validate import Boolean, Integer, RandomState, validate_params

#: Column names of ``X``, with units.
FEATURE_NAMES: tuple[str, ...] = (
    "g [m/s^2]",
    "alpha [1/K]",
    "nu [m^2/s]",
    "kappa [m^2/s]",
    "depth [m]",
    "thickness b [m]",
    "wavelength lambda [m]",
    "delta_T [K]",
)

#: Default (low, high) of each uniform draw, in SI units, in the order of FEATURE_NAMES.
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "g": (3.7, 10.0),
    "alpha": (1e-5, 4e-5),
    "nu": (2e15, 2e16),
    "kappa": (5e-7, 1.5e-6),
    "depth": (0.0, 2.0e6),
    "thickness": (30e3, 100e3),
    "wavelength": (20e3, 1000e3),
    "delta_t": (100.0, 1000.0),
}

SEED_FEATURE_NAMES: tuple[str, ...] = (
    "g [m/s^2]",
    "alpha [1/K]",
    "nu [seed units]",
    "kappa [seed units]",
    "depth d [seed units]",
    "thickness b [seed units]",
    "wavelength lambda [seed units]",
    "delta_T [K]",
)

# The slide's generate_data_set: g, alpha, nu, kappa, depth, b, lambda, delta_T drawn as
# fractions in these ranges, then multiplied by its scale factors (g*10, nu*1000, kappa*1e4,
# lengths*1e4, dT*1000). b is drawn in U(max(0.25, depth), 0.35) (see _seed_compatible).
_SEED_LOW = np.array([0.8, 1e-4, 1e-2, 0.1, 0.0, 0.0, 0.0, 0.0])  # b: see _seed_compatible
_SEED_HIGH = np.array([1.0, 1e-2, 1.0, 1.0, 0.35, 0.35, 0.39, 0.5])
_SEED_SCALE = np.array([10.0, 1.0, 1000.0, 10000.0, 10000.0, 10000.0, 10000.0, 1000.0])


@validate_params(n_samples=Integer(min=1), random_state=RandomState(), seed_compatible=Boolean())
def make_mantle_stability(
    n_samples: int = 10_000,
    *,
    random_state: int | np.random.Generator | None = None,
    seed_compatible: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Draw synthetic layers and label whether the mode of the drawn wavelength grows.

    Parameters
    ----------
    n_samples : int, default 10 000
    random_state : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng``; a Generator is used (and advanced) as it is.
    seed_compatible : bool, default False
        Use the seed lecture's ranges and its ``d³`` Rayleigh number (see module docstring).

    Returns
    -------
    X : numpy.ndarray of float64, shape (n_samples, 8)
        Columns as in ``feature_names``.
    y : numpy.ndarray of int64, shape (n_samples,)
        1 = the λ-mode grows (Ra > Ra_cr(λ/b)), 0 = it decays.
    feature_names : list of str
        Names with units.
    """
    n = n_samples
    # drawn as (8, n), one contiguous row per property: row arithmetic is several times faster
    # than on the strided columns of an (n, 8) array; X is transposed once at the end
    Z = np.random.default_rng(random_state).random((8, n))
    if seed_compatible:
        Z = _seed_compatible(Z)
    else:
        low, high = np.array(list(DEFAULT_RANGES.values())).T
        Z *= (high - low)[:, None]  # in place, row by row: uniform in [low, high)
        Z += low[:, None]
    g, alpha, nu, kappa, depth, b, lam, delta_t = Z
    length = depth if seed_compatible else b  # the seed's Ra has the depth where physics has b
    y = mode_grows(alpha * g * delta_t * length * length * length / (nu * kappa), lam / b)
    names = SEED_FEATURE_NAMES if seed_compatible else FEATURE_NAMES
    return np.ascontiguousarray(Z.T), y, list(names)


def mode_grows(ra: np.ndarray, lam_star: np.ndarray) -> np.ndarray:
    r"""1 where :math:`Ra > Ra_{cr}(\lambda^*)`, else 0 (int64).

    Multiplied out, :math:`4 Ra \lambda^{*4} > \pi^4 (4 + \lambda^{*2})^3`, so that Ra = 0
    (the seed's zero depth) and λ* = 0 both give 0 without a division by zero.
    """
    q = np.square(lam_star)
    lhs = 4.0 * ra * q * q
    q += 4.0
    return (lhs > np.pi**4 * q * q * q).astype(np.int64)


def _seed_compatible(Z: np.ndarray) -> np.ndarray:
    """Map uniform draws Z in [0, 1) of shape (8, n), in place, to the slide's scaled rows."""
    b_fraction = Z[5].copy()
    Z *= (_SEED_HIGH - _SEED_LOW)[:, None]
    Z += _SEED_LOW[:, None]
    b_low = np.maximum(0.25, Z[4])  # the thickness is at least the depth (and 0.25)
    Z[5] = b_low + (0.35 - b_low) * b_fraction
    Z *= _SEED_SCALE[:, None]
    return Z
