r"""Synthetic zero-offset seismic sections with two reflections or two diffractions, and the
cross-correlations of neighbouring traces that lecture 16 classifies.

**The gather.** A zero-offset (coincident source and receiver) section in a medium of constant
velocity :math:`v`: trace :math:`j` at surface position :math:`x_j` records the two-way
traveltime :math:`t(x)` of each event. There

* a planar reflector of dip :math:`\theta` is a straight line,
  :math:`t(x) = t_0 + (2\sin\theta / v)\,x`, with the same amplitude on every trace (the
  reflection coefficient); a gently folded one adds a small curvature;
* a point diffractor at :math:`(x_a, z_a)` is a hyperbola with its apex above the scatterer,
  :math:`t(x) = \sqrt{t_a^2 + 4(x - x_a)^2 / v^2}`, :math:`t_a = 2 z_a / v`, whose amplitude
  falls away from the apex (2-D spreading and obliquity, :math:`\propto (t_a / t)^{3/2}`).

:func:`make_seismic_sections` draws windows of such sections, each holding two events of one
kind (``kind="pure"``), or two reflections with, in half of the windows, one weak
diffraction superposed (``kind="realistic"``: in real sections diffractions are one to two
orders of magnitude weaker than reflections, and the task is to find them among the
reflections); :func:`neighbour_correlations` turns each window into its lag-versus-trace
panel: trace :math:`j` cross-correlated with trace :math:`j + 1`. A reflection has one time
dip, so its correlation peak sits at the same lag on every trace pair; a diffraction's time
dip changes along the hyperbola, so its peak lag drifts from pair to pair, changing sign at
the apex.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlies._validate import (
    Array,
    Boolean,
    Integer,
    Options,
    Pair,
    RandomState,
    Real,
    validate_params,
)

__all__ = [
    "CLASS_NAMES",
    "REALISTIC_CLASS_NAMES",
    "SectionMetadata",
    "make_seismic_sections",
    "neighbour_correlations",
    "ricker",
]

CLASS_NAMES = ("two reflections", "two diffractions")
REALISTIC_CLASS_NAMES = ("reflections only", "holds a diffraction")


@dataclass(frozen=True)
class SectionMetadata:
    """What :func:`make_seismic_sections` drew for each window, one value per window.

    A field that does not apply to a window (no reflection in it, no diffraction in it) is NaN.

    Attributes
    ----------
    snr_db : ndarray (n,)
        Signal-to-noise ratio of the window in dB (rms of all events over rms of the noise).
    apex_offset : ndarray (n,)
        Distance in m from the window's centre trace to the nearest diffraction apex (beyond
        half the window width, ``n_traces * dx / 2``, the apex lies outside the window and only
        a flank is seen).
    dip : ndarray (n,)
        Largest absolute reflector dip in the window, degrees.
    fold : ndarray (n,)
        Largest absolute fold of a reflector (extra traveltime at the window edges), s.
    amplitude_ratio : ndarray (n,)
        Diffraction amplitude at its apex over the mean reflection amplitude (realistic mode;
        NaN in pure mode, where no window holds both).
    """

    snr_db: np.ndarray
    apex_offset: np.ndarray
    dip: np.ndarray
    fold: np.ndarray
    amplitude_ratio: np.ndarray


def ricker(t: np.ndarray, peak_frequency: float | np.ndarray) -> np.ndarray:
    r"""Ricker wavelet :math:`(1 - 2\pi^2 f^2 t^2)\,e^{-\pi^2 f^2 t^2}` (t in s, f in Hz)."""
    a = (np.pi * np.asarray(peak_frequency) * np.asarray(t)) ** 2
    return (1.0 - 2.0 * a) * np.exp(-a)


def _hyperbola(t0, x_apex, x, v):
    """A diffraction through time ``t0`` (s) on the centre trace: its apex offset ``x_apex``
    (m, clipped so that the apex lies below the surface), its absolute time on every trace at
    offsets ``x`` (last axis) and its geometric-spreading decay (t_apex / t)^1.5. ``v`` (m/s)
    broadcasts against ``t0``."""
    x_apex = np.clip(x_apex, -0.9 * t0 * v / 2, 0.9 * t0 * v / 2)
    t_apex = np.sqrt(t0**2 - 4 * x_apex**2 / v**2)
    t_abs = np.sqrt(t_apex[..., None] ** 2 + 4 * (x - x_apex[..., None]) ** 2 / v[..., None] ** 2)
    return x_apex, t_abs, (t_apex[..., None] / t_abs) ** 1.5


def _band_limited_noise(rng, shape, dt, f_peak):
    """Gaussian noise with the Ricker amplitude spectrum of each window's wavelet."""
    n_t = shape[-1]
    white = rng.standard_normal(shape, dtype=np.float32)
    f = np.fft.rfftfreq(n_t, dt)
    spectrum = ((f / f_peak[:, None]) ** 2 * np.exp(-((f / f_peak[:, None]) ** 2))).astype(
        np.float32
    )
    return np.fft.irfft(np.fft.rfft(white, axis=-1) * spectrum[:, None, :], n=n_t, axis=-1)


@validate_params(
    n_samples=Integer(min=2),
    n_traces=Integer(min=3),
    n_times=Integer(min=16),
    dt=Real(above=0),
    dx=Real(above=0),
    snr_db=Pair(Real()),
    kind=Options("pure", "realistic"),
    amplitude_ratio=Pair(Real(above=0)),
    return_metadata=Boolean(),
    random_state=RandomState(),
)
def make_seismic_sections(
    n_samples: int,
    *,
    n_traces: int = 32,
    n_times: int = 128,
    dt: float = 0.002,
    dx: float = 12.5,
    snr_db: tuple[float, float] = (0.0, 20.0),
    kind: str = "pure",
    amplitude_ratio: tuple[float, float] = (0.01, 0.1),
    return_metadata: bool = False,
    random_state: int | np.random.Generator | None = None,
) -> tuple:
    r"""Synthetic zero-offset section windows: two reflections (label 0) or two diffractions (1).

    With ``kind="realistic"`` every window holds two reflections, and half of them (label 1)
    also one weak diffraction.

    The recipe, per window (all draws uniform unless stated):

    * medium velocity :math:`v \in [1500, 3500]` m/s; Ricker wavelet of peak frequency
      :math:`f \in [20, 45]` Hz; traces every ``dx`` m, centred on :math:`x = 0`; samples
      every ``dt`` s around a centre time :math:`t_c \in [0.4, 1.6]` s;
    * two events crossing the centre trace at :math:`t_c + \tau_1` and :math:`t_c + \tau_2`,
      :math:`\tau_1 \in [-0.06, 0.02]` s, :math:`\tau_2 = \tau_1 + [0.02, 0.08]` s, with
      amplitudes :math:`\pm[0.5, 1]`;
    * **reflection**: :math:`t(x) = t(0) + (2 \sin\theta / v)\,x + c\,(2x/W)^2`, dip
      :math:`\theta \in [-30°, 30°]`, fold :math:`c \in [-6, 6]` ms at the window edges
      (:math:`W` the window width), amplitude varying by ±10 % along the reflector;
    * **diffraction**: apex at :math:`x_a \in [-W, W]` (often outside the window: then only
      a flank is seen, nearly straight), :math:`t_a` set so that the hyperbola
      :math:`\sqrt{t_a^2 + 4(x - x_a)^2/v^2}` passes through :math:`t(0)`; amplitude
      :math:`\propto (t_a / t)^{3/2}`;
    * band-limited Gaussian noise (the wavelet's spectrum), scaled to a signal-to-noise
      ratio (rms over the window) drawn in ``snr_db`` (dB);
    * **realistic mode**: the two reflections as above, and in label-1 windows one
      diffraction (apex as above) crossing the centre trace at :math:`t_c + [-0.06, 0.1]` s,
      its apex amplitude the mean reflection amplitude times a ratio drawn log-uniformly in
      ``amplitude_ratio``. These draws come after all others, so a window's reflections and
      noise are those of the pure mode with the same seed.

    Parameters
    ----------
    n_samples : int
        Number of windows; the classes are balanced (one more diffraction window when odd).
    n_traces, n_times : int
        Window size: traces (32) and time samples (128).
    dt : float
        Sampling interval in s (2 ms).
    dx : float
        Trace spacing in m (12.5 m).
    snr_db : (low, high)
        Range of the signal-to-noise ratio in dB.
    kind : {"pure", "realistic"}
        Windows of one kind of event, or reflections with or without a weak diffraction.
    amplitude_ratio : (low, high)
        Realistic mode: range of the diffraction-to-reflection amplitude ratio (log-uniform).
    return_metadata : bool
        Also return a :class:`SectionMetadata` with what was drawn for each window.
    random_state : int, Generator or None

    Returns
    -------
    sections : ndarray (n_samples, n_traces, n_times), float32
        Amplitudes (arbitrary units), trace by trace.
    labels : ndarray (n_samples,), int64
        Pure: 0 two reflections, 1 two diffractions. Realistic: 0 reflections only, 1 holds a
        diffraction.
    class_names : tuple
        :data:`CLASS_NAMES` or :data:`REALISTIC_CLASS_NAMES`.
    metadata : SectionMetadata
        Only with ``return_metadata=True``.
    """
    n, (snr_lo, snr_hi) = n_samples, snr_db
    rng = np.random.default_rng(random_state)

    labels = rng.permutation(np.arange(n) % 2)
    x = (np.arange(n_traces) - (n_traces - 1) / 2) * dx  # (traces,)
    width = n_traces * dx
    t_rel = (np.arange(n_times) - n_times / 2) * dt  # time relative to the centre, s
    v = rng.uniform(1500.0, 3500.0, n)
    f_peak = rng.uniform(20.0, 45.0, n)
    t_c = rng.uniform(0.4, 1.6, n)
    tau1 = rng.uniform(-0.06, 0.02, n)
    taus = np.stack([tau1, tau1 + rng.uniform(0.02, 0.08, n)], axis=1)  # (n, 2)
    amps = rng.uniform(0.5, 1.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))

    # reflections: straight lines with a gentle fold and a mild amplitude ripple
    theta = np.deg2rad(rng.uniform(-30.0, 30.0, (n, 2)))
    fold = rng.uniform(-0.006, 0.006, (n, 2))
    u = 2 * x / width  # -1 .. 1 across the window
    t_refl = (
        taus[..., None] + (2 * np.sin(theta) / v[:, None])[..., None] * x + fold[..., None] * u**2
    )
    ripple = 1 + 0.1 * np.sin(
        2 * np.pi * rng.uniform(0.2, 1.0, (n, 2, 1)) * u + rng.uniform(0, 6.3, (n, 2, 1))
    )
    a_refl = amps[..., None] * ripple

    # diffractions: hyperbolae through the same centre-trace times
    t0 = t_c[:, None] + taus  # absolute time on the centre trace
    x_a, t_abs, decay = _hyperbola(t0, rng.uniform(-width, width, (n, 2)), x, v[:, None])
    t_diff = t_abs - t_c[:, None, None]
    a_diff = amps[..., None] * decay

    realistic = kind == "realistic"
    has_diff = labels.astype(bool)
    if realistic:  # every window: the two reflections
        times, gains = t_refl, a_refl
    else:
        times = np.where(has_diff[:, None, None], t_diff, t_refl)  # (n, 2, traces), from t_c
        gains = np.where(has_diff[:, None, None], a_diff, a_refl)
    noise = _band_limited_noise(rng, (n, n_traces, n_times), dt, f_peak)
    snr_drawn = rng.uniform(snr_lo, snr_hi, n)

    ratio = np.full(n, np.nan)
    if realistic:  # drawn last: reflections and noise stay those of the pure mode
        lo, hi = np.log10(amplitude_ratio)
        ratio = 10 ** rng.uniform(lo, hi, n)
        t0_d = t_c + rng.uniform(-0.06, 0.1, n)
        xa_d, t_abs_d, decay_d = _hyperbola(t0_d, x_a[:, 0], x, v)
        sign = rng.choice([-1.0, 1.0], n)
        a_d = (ratio * sign * np.abs(amps).mean(axis=1) * has_diff)[:, None] * decay_d
        times = np.concatenate([times, (t_abs_d - t_c[:, None])[:, None]], axis=1)
        gains = np.concatenate([gains, a_d[:, None]], axis=1)
        x_a = np.where(has_diff, xa_d, np.nan)[:, None]
        ratio = np.where(has_diff, ratio, np.nan)

    # single precision: half the memory traffic, and far below the noise floor
    t_rel, times, gains = (
        t_rel.astype(np.float32),
        times.astype(np.float32),
        gains.astype(np.float32),
    )
    f32 = f_peak.astype(np.float32)[:, None, None]
    signal = np.zeros((n, n_traces, n_times), dtype=np.float32)
    for k in range(times.shape[1]):
        lag = t_rel[None, None, :] - times[:, k, :, None]  # (n, traces, times)
        signal += gains[:, k, :, None] * ricker(lag, f32)

    snr = 10 ** (snr_drawn / 20)
    rms_s = np.sqrt((signal.astype(np.float64) ** 2).mean(axis=(1, 2)))
    rms_n = np.sqrt((noise.astype(np.float64) ** 2).mean(axis=(1, 2)))
    scale = (rms_s / (snr * rms_n)).astype(np.float32)
    sections = signal + noise * scale[:, None, None]
    names = REALISTIC_CLASS_NAMES if realistic else CLASS_NAMES
    out = (sections.astype(np.float32), labels.astype(np.int64), names)
    if not return_metadata:
        return out
    has_refl = np.ones(n, bool) if realistic else ~has_diff
    apex = np.abs(x_a).min(axis=1)
    meta = SectionMetadata(
        snr_db=snr_drawn,
        apex_offset=np.where(has_diff, apex, np.nan),
        dip=np.where(has_refl, np.rad2deg(np.abs(theta)).max(axis=1), np.nan),
        fold=np.where(has_refl, np.abs(fold).max(axis=1), np.nan),
        amplitude_ratio=ratio,
    )
    return (*out, meta)


@validate_params(sections=Array(ndim=3), max_lag=Integer(min=0))
def neighbour_correlations(sections: np.ndarray, max_lag: int) -> np.ndarray:
    r"""Normalised cross-correlation of each trace with the next, for lags ``-max_lag..max_lag``.

    .. math::

        c_j(\ell) = \frac{\sum_t u_j(t)\, u_{j+1}(t + \ell)}
                         {\sqrt{\sum_t u_j(t)^2 \sum_t u_{j+1}(t)^2}}

    in :math:`[-1, 1]`; a positive lag :math:`\ell` (samples) means the event arrives later
    on trace :math:`j+1`. Computed by FFT with zero padding (no wrap-around); a silent trace
    gives zeros.

    Parameters
    ----------
    sections : array (n, n_traces, n_times)
    max_lag : int
        Largest lag in samples, smaller than ``n_times``.

    Returns
    -------
    ndarray (n, n_traces - 1, 2 * max_lag + 1), float32
        One lag-versus-trace-pair panel per window.
    """
    u = sections.astype(np.float32, copy=False)  # single precision halves the FFT work
    if u.shape[1] < 2:
        raise ValueError(f"sections must have shape (n, n_traces >= 2, n_times), got {u.shape}")
    n_times = u.shape[2]
    if not max_lag < n_times:
        raise ValueError(f"max_lag must be in [0, {n_times - 1}], got {max_lag}")
    spec = np.fft.rfft(u, n=2 * n_times, axis=-1)
    full = np.fft.irfft(np.conj(spec[:, :-1]) * spec[:, 1:], n=2 * n_times, axis=-1)
    lags = np.arange(-max_lag, max_lag + 1)
    corr = full[..., lags % (2 * n_times)]  # negative lags wrap to the end of the padding
    energy = (u.astype(np.float64) ** 2).sum(axis=-1)
    norm = np.sqrt(energy[:, :-1] * energy[:, 1:])
    out = np.zeros(corr.shape, dtype=np.float32)
    np.divide(corr, norm[..., None], out=out, where=norm[..., None] > 0, casting="unsafe")
    return np.clip(out, -1.0, 1.0)
