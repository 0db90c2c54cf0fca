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

import os
from concurrent.futures import ThreadPoolExecutor

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


#: Rows per chunk: a chunk's eight columns (4 MiB) stay in cache while they are scaled and
#: labelled, and chunks are independent, so that several threads can fill them at once.
CHUNK_ROWS = 1 << 16


def make_mantle_stability(
    n_samples: int = 10_000,
    *,
    random_state: int | np.random.Generator | None = None,
    seed_compatible: bool = False,
    n_threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Draw synthetic layers and label them stable (0) or unstable (1).

    Parameters
    ----------
    n_samples : int, default 10 000
    random_state : int, numpy.random.Generator or None
        The same integer gives the same data whatever ``n_threads`` is. A Generator is
        advanced (it seeds the per-chunk generators).
    seed_compatible : bool, default False
        Use the seed lecture's ranges and its ``d³`` Rayleigh number (see module docstring).
    n_threads : int or None, default None
        Threads that fill chunks of :data:`CHUNK_ROWS` rows at once (NumPy releases the GIL
        while it draws and computes). None: one per available core.

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
    if n_threads is None:
        n_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    n_threads = check_n("n_threads", n_threads)
    fill = _fill_seed_compatible if seed_compatible else _fill_default
    X = np.empty((n, 8))
    y = np.empty(n, dtype=np.int64)
    # every chunk has a generator of its own, spawned from one seed sequence, so the data do
    # not depend on how many threads fill them or in which order
    entropy = np.random.default_rng(random_state).integers(0, 2**32, size=4)
    starts = range(0, n, CHUNK_ROWS)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(entropy).spawn(len(starts))]

    def work(k: int) -> None:
        a = starts[k]
        fill(X[a : a + CHUNK_ROWS], y[a : a + CHUNK_ROWS], rngs[k])

    if n_threads == 1 or len(starts) == 1:
        for k in range(len(starts)):
            work(k)
    else:
        with ThreadPoolExecutor(max_workers=min(n_threads, len(starts))) as pool:
            list(pool.map(work, range(len(starts))))
    names = SEED_FEATURE_NAMES if seed_compatible else FEATURE_NAMES
    return X, y, list(names)


_LOW, _HIGH = np.array(list(DEFAULT_RANGES.values())).T


def _fill_default(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> None:
    """Fill rows of X (m, 8) with uniform draws in DEFAULT_RANGES and y with their labels.

    Drawn as (8, m), one contiguous row per property: scaling a row by two scalars and the
    label arithmetic on contiguous rows are several times faster than on the (m, 8) layout's
    strided columns; the chunk is transposed into X at the end, while it is still in cache.
    """
    Z = rng.random((8, len(X)))
    for k in range(8):
        Z[k] *= _HIGH[k] - _LOW[k]
        Z[k] += _LOW[k]
    g, alpha, nu, kappa, _depth, b, lam, delta_t = Z
    _unstable(alpha * g * delta_t, b, nu * kappa, lam / b, out=y)
    X[...] = Z.T


def _unstable(
    buoyancy: np.ndarray,
    length: np.ndarray,
    resistance: np.ndarray,
    lam_star: np.ndarray,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Labels ``Ra > Ra_cr(λ*)`` with ``Ra = buoyancy · length³ / resistance``.

    Multiplied out to avoid divisions and evaluated in place (few temporaries): ``4 buoyancy
    length³ λ*⁴ > π⁴ (4 + λ*²)³ resistance``, which is ``Ra > π⁴ (4 + λ*²)³ / (4 λ*⁴)``
    (:func:`dlies.physics.rayleigh.critical_rayleigh`) for positive inputs. A zero length
    (Ra = 0) or λ* = 0 (Ra_cr infinite) gives stable. Written into ``out`` (int64) if given.
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
    if out is None:
        return (lhs > rhs).astype(np.int64)
    np.greater(lhs, rhs, out=out, casting="unsafe")
    return out


# the slide's generate_data_set: columns g, alpha, nu, kappa, depth, b, lambda, delta_T drawn
# as fractions in these ranges, then multiplied by its scale factors (g*10, nu*1000,
# kappa*1e4, lengths*1e4, dT*1000); b's range depends on the depth (below)
_SEED_LOW = np.array([0.8, 1e-4, 1e-2, 0.1, 0.0, 0.0, 0.0, 0.0])
_SEED_HIGH = np.array([1.0, 1e-2, 1.0, 1.0, 0.35, 1.0, 0.39, 0.5])  # b: a fraction, see below
_SEED_SCALE = np.array([10.0, 1.0, 1000.0, 10000.0, 10000.0, 10000.0, 10000.0, 1000.0])


def _fill_seed_compatible(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> None:
    """The slide's ``generate_data_set``, vectorised (same ranges, same scaling, same d³).

    Laid out as :func:`_fill_default`: drawn as (8, m), transposed into X at the end.
    """
    Z = rng.random((8, len(X)))
    # b ~ U(max(0.25, depth), 0.35): its lower bound depends on the depth drawn for the sample
    b_low = Z[4] * (_SEED_HIGH[4] - _SEED_LOW[4])
    b_low += _SEED_LOW[4]
    np.maximum(b_low, 0.25, out=b_low)
    Z[5] *= 0.35 - b_low
    Z[5] += b_low
    for k in range(8):
        Z[k] *= (_SEED_HIGH[k] - _SEED_LOW[k]) * _SEED_SCALE[k]
        Z[k] += _SEED_LOW[k] * _SEED_SCALE[k]
    g, alpha, nu, kappa, d, b, lam, delta_t = Z
    # the seed's Ra uses the depth d (which may be 0: Ra = 0, stable) where physics has b
    _unstable(alpha * g * delta_t, d, nu * kappa, lam / b, out=y)
    X[...] = Z.T
