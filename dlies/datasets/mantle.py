r"""Synthetic stability of a plane layer heated from below (Lecture 1's classification task).

The data are **synthetic**: eight physical properties are drawn at random and each sample is
labelled by linear stability theory, unstable (1) when

.. math:: Ra = \frac{\alpha g \Delta T b^3}{\nu \kappa} \;>\;
          Ra_{cr}(\lambda^*) = \frac{\pi^4 (4 + \lambda^{*2})^3}{4\lambda^{*4}},
          \qquad \lambda^* = \lambda / b,

and stable (0) otherwise (:mod:`dlies.physics.rayleigh`).

Default ranges (SI units, each drawn uniformly and independently):

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
has Ra ~ 10^7, far above critical: a data set in which every sample is unstable would teach
nothing.) With these ranges about 49 % of the samples are unstable.
The depth of the layer is drawn but does not enter Ra: a distractor the network must learn to
ignore.

``seed_compatible=True`` reproduces the seed lecture's generator instead: its ranges, its
scaling of each column, and its Rayleigh number computed with the *depth* d in place of the
thickness b (``Ra = α g ΔT d³ / (ν κ)``, the slide's code, while the slide's own equation uses
b). Its columns are in the seed's scaled units (g in m/s², lengths in seed units of 10⁴ × the
drawn fraction), so its accuracy can be compared like for like with the slide's 0.9589.
"""

from __future__ import annotations

import numpy as np

from dlies.datasets._validate import check_n

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


def make_mantle_stability(
    n_samples: int = 10_000,
    *,
    random_state: int | np.random.Generator | None = None,
    seed_compatible: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Draw synthetic layers and label them stable (0) or unstable (1).

    Parameters
    ----------
    n_samples : int, default 10 000
    random_state : int, numpy.random.Generator or None
    seed_compatible : bool, default False
        Use the seed lecture's ranges and its ``d³`` Rayleigh number (see module docstring).

    Returns
    -------
    X : numpy.ndarray of float64, shape (n_samples, 8)
        Columns as in ``feature_names``.
    y : numpy.ndarray of int64, shape (n_samples,)
        1 = unstable (Ra > Ra_cr(λ/b)), 0 = stable.
    feature_names : list of str
        Names with units.
    """
    n = check_n("n_samples", n_samples)
    if not isinstance(seed_compatible, bool):
        raise TypeError(f"seed_compatible must be True or False, got {seed_compatible!r}")
    rng = np.random.default_rng(random_state)
    if seed_compatible:
        return _seed_generator(n, rng)

    # One draw for all columns, scaled in place: a single allocation instead of one array per
    # column (this is the hot path of the benchmark).
    # Drawn as (8, n) so that each property is a contiguous row for the arithmetic below.
    low, high = np.array(list(DEFAULT_RANGES.values())).T
    Z = rng.random((8, n))
    Z *= (high - low)[:, None]
    Z += low[:, None]
    g, alpha, nu, kappa, _depth, b, lam, delta_t = Z
    y = _unstable(alpha * g * delta_t, b, nu * kappa, lam / b)
    return np.ascontiguousarray(Z.T), y, list(FEATURE_NAMES)


def _unstable(
    buoyancy: np.ndarray, length: np.ndarray, resistance: np.ndarray, lam_star: np.ndarray
) -> np.ndarray:
    """Labels ``Ra > Ra_cr(λ*)`` with ``Ra = buoyancy · length³ / resistance``.

    Multiplied out to avoid divisions and evaluated in place (few temporaries for a million
    samples): ``4 buoyancy length³ λ*⁴ > π⁴ (4 + λ*²)³ resistance``, which is
    ``Ra > π⁴ (4 + λ*²)³ / (4 λ*⁴)`` (:func:`dlies.physics.rayleigh.critical_rayleigh`) for
    positive inputs. A zero length (Ra = 0) or λ* = 0 (Ra_cr infinite) gives stable.
    """
    q = np.square(lam_star)
    lhs = np.square(length)
    lhs *= length
    lhs *= buoyancy
    lhs *= q
    lhs *= q
    lhs *= 4.0
    q += 4.0
    rhs = np.square(q)
    rhs *= q
    rhs *= resistance
    rhs *= np.pi**4
    return (lhs > rhs).astype(np.int64)


def _seed_generator(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The slide's ``generate_data_set``, vectorised (same ranges, same scaling, same d³)."""
    # columns: g, alpha, nu, kappa, depth, b, lambda, delta_T; as drawn by the slide, then
    # multiplied by the slide's scale factors (g*10, nu*1000, kappa*1e4, lengths*1e4, dT*1000)
    low = np.array([0.8, 1e-4, 1e-2, 0.1, 0.0, 0.0, 0.0, 0.0])
    high = np.array([1.0, 1e-2, 1.0, 1.0, 0.35, 0.35, 0.39, 0.5])
    scale = np.array([10.0, 1.0, 1000.0, 10000.0, 10000.0, 10000.0, 10000.0, 1000.0])
    Z = rng.random((8, n))
    # b ~ U(max(0.25, depth), 0.35): its lower bound depends on the depth drawn for the sample
    b_low = np.maximum(0.25, low[4] + (high[4] - low[4]) * Z[4])
    Z[5] = b_low + (0.35 - b_low) * Z[5]
    low[5], high[5] = 0.0, 1.0  # row 5 already holds b's fraction
    Z *= ((high - low) * scale)[:, None]
    Z += (low * scale)[:, None]
    g, alpha, nu, kappa, d, b, lam, delta_t = Z
    # the seed's Ra uses the depth d (which may be 0: Ra = 0, stable) where physics has b
    y = _unstable(alpha * g * delta_t, d, nu * kappa, lam / b)
    return np.ascontiguousarray(Z.T), y, list(SEED_FEATURE_NAMES)
