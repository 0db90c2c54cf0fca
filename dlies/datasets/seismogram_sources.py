r"""Earthquake signals for :func:`~dlies.datasets.make_seismograms`: Boore's stochastic method.

The Fourier amplitude spectrum of ground velocity of a phase (P or S) at hypocentral
distance :math:`R` is (Boore 2003, *Pure Appl. Geophys.* 160, 635)

.. math::
    A(f) = \frac{\mathcal{R}\, F\, M_0}{4\pi\rho c^3 R}\;
           \frac{2\pi f}{1 + (f/f_c)^2}\; e^{-\pi f (t^* + \kappa_0)},

with the seismic moment :math:`\log_{10} M_0 = 1.5\,M_w + 9.1` (N m, Hanks & Kanamori 1979),
Brune's :math:`\omega^{-2}` source with S corner frequency
:math:`f_c = 0.4906\,\beta\,(\Delta\sigma / M_0)^{1/3}` (Brune 1970; :math:`\beta` in m/s,
stress drop :math:`\Delta\sigma` = 3 MPa) and a P corner 1.5 times higher (Madariaga 1976),
radiation coefficient :math:`\mathcal{R}`, free-surface factor :math:`F = 2`, density
:math:`\rho` = 2700 kg/m³, wave speed :math:`c`, geometric spreading :math:`1/R`, path
attenuation :math:`t^* = T/Q` and site attenuation :math:`\kappa_0`.

A time series with that spectrum is Gaussian noise shaped by :math:`A(f)` (random phases)
times an envelope: a linear rise over 5 % of the phase's duration (0.02–0.15 s), then an
exponential decay over half of it; the duration is the source duration :math:`1/f_c` plus a
path duration (0.02 s/km for P, 0.05 s/km for S). The coda
follows each phase on all three components, decaying over a fraction of the coda duration
:math:`\tau` of Lee et al. (1972), :math:`M = -0.87 + 2\log_{10}\tau + 0.0035\,\Delta`.
The envelopes are scaled so that each phase carries the energy :math:`2\int_0^\infty A^2 df`
(Parseval).
"""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft

DENSITY_KG_M3 = 2700.0
STRESS_DROP_PA = 3.0e6
FREE_SURFACE = 2.0
P_CORNER_RATIO = 1.5


def seismic_moment(magnitude: np.ndarray) -> np.ndarray:
    """Seismic moment (N m) of moment magnitude ``magnitude``."""
    return 10.0 ** (1.5 * np.asarray(magnitude, float) + 9.1)


def brune_corner_frequency(
    magnitude: np.ndarray, vs_km_s: float, stress_drop_pa: float = STRESS_DROP_PA
) -> np.ndarray:
    """Brune's S-wave corner frequency (Hz)."""
    return 0.4906 * vs_km_s * 1e3 * (stress_drop_pa / seismic_moment(magnitude)) ** (1 / 3)


def coda_duration_s(magnitude: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    """Signal duration from P to the end of the coda (s), from Lee et al. (1972)."""
    m, d = np.asarray(magnitude, float), np.asarray(distance_km, float)
    return 10.0 ** ((m + 0.87 - 0.0035 * d) / 2.0)


def velocity_spectrum(
    freqs: np.ndarray,
    magnitude: np.ndarray,
    hypocentral_km: np.ndarray,
    corner_hz: np.ndarray,
    t_star_s: np.ndarray,
    kappa_s: float,
    wave_speed_km_s: float,
    radiation: np.ndarray,
) -> np.ndarray:
    """Fourier amplitude of ground velocity (m/s · s) of one phase, shape (n, len(freqs))."""
    f = np.asarray(freqs, float)[None, :]
    col = lambda a: np.asarray(a, float)[:, None]  # noqa: E731
    c = wave_speed_km_s * 1e3
    scale = np.abs(col(radiation)) * FREE_SURFACE * col(seismic_moment(magnitude))
    scale /= 4 * np.pi * DENSITY_KG_M3 * c**3 * col(hypocentral_km) * 1e3
    shape = 2 * np.pi * f / (1.0 + (f / col(corner_hz)) ** 2)
    return scale * shape * np.exp(-np.pi * f * (col(t_star_s) + kappa_s))


def spectral_energy(spectrum: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """:math:`2\\int_0^\\infty A^2 df` per row (Parseval's energy of the time series)."""
    df = freqs[1] - freqs[0]
    return 2.0 * (spectrum**2).sum(axis=-1) * df


def shaped_noise(
    rng: np.random.Generator, spectra: np.ndarray, samples: int, white: np.ndarray | None = None
) -> np.ndarray:
    """Gaussian series (..., samples) with amplitude spectrum ∝ ``spectra``, unit variance.

    The white series is drawn from ``rng`` (drawn even when ``white`` replaces it, so that the
    draws that follow do not change).
    """
    drawn = rng.standard_normal(spectra.shape[:-1] + (samples,), dtype=np.float32)
    white = drawn if white is None else white
    x = sfft.irfft(sfft.rfft(white, axis=-1) * spectra.astype(np.float32), n=samples, axis=-1)
    std = x.std(axis=-1, keepdims=True)
    return (x / np.where(std > 0, std, 1.0)).astype(np.float32)


def phase_envelope(
    t: np.ndarray, onset_s: np.ndarray, rise_s: np.ndarray, decay_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Envelope (n, samples) of a direct phase and its energy integral :math:`\\int e^2 dt`.

    Zero before the onset, a linear rise over ``rise_s``, then :math:`e^{-(t - t_0 - t_r)/d}`.
    """
    tau = t[None, :] - onset_s[:, None]
    rise, decay = rise_s[:, None], decay_s[:, None]
    env = np.where(tau < 0, 0.0, np.where(tau < rise, tau / rise, np.exp(-(tau - rise) / decay)))
    return env.astype(np.float32), rise_s / 3.0 + decay_s / 2.0


def coda_envelope(
    t: np.ndarray, onset_s: np.ndarray, build_s: np.ndarray, decay_s: np.ndarray
) -> np.ndarray:
    """Coda envelope (n, samples): grows over ``build_s`` after the onset, decays over ``decay_s``.

    Its maximum is normalised to 1.
    """
    tau = np.clip(t[None, :] - onset_s[:, None], 0.0, None)
    build, decay = build_s[:, None], decay_s[:, None]
    env = (1.0 - np.exp(-tau / build)) * np.exp(-tau / decay)
    # The maximum of (1 - e^{-x/b}) e^{-x/d} is at x* = b ln(1 + d/b).
    x_peak = build * np.log1p(decay / build)
    peak = (1.0 - np.exp(-x_peak / build)) * np.exp(-x_peak / decay)
    return (env / peak).astype(np.float32)
