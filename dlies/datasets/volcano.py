"""A synthetic volcano-seismic catalogue in six classes, on real background noise.

The six classes are those of the Ubinas catalogue (Malfante et al. 2018, JGR Solid Earth 123;
seed deck 004, Table 3): long-period events (LP), tremor (TR), volcano-tectonic earthquakes
(VT), explosions (EXP), hybrids (HYB) and tornillos (TOR). Each is drawn from a stated physical
recipe (see :func:`make_volcano_signals`) with wide within-class variability, so that classes
overlap as real ones do, and the background is real ground motion: windows of ObsPy's bundled
continuous record BW.KW1 (100 Hz, vertical).
"""

from __future__ import annotations

import functools
import numbers
from numbers import Integral

import numpy as np
from scipy import signal as _sig

from dlies._validate import (
    Array,
    Boolean,
    Integer,
    Pair,
    RandomState,
    Real,
    any_of,
    check_n,
    validate_params,
)

CLASS_NAMES = ("LP", "TR", "VT", "EXP", "HYB", "TOR")
# True-class totals of the deck's Table 3 (Malfante et al. 2018, Ubinas 2006-2011 test events).
UBINAS_COUNTS = (62030, 5245, 516, 48, 143, 32)
KW1_RATE = 100.0
HIGHPASS_HZ = 0.5  # the pre-filter applied to every trace (noise and event alike)
VP, VS, V_AIR = 3.5, 2.0, 0.34  # km/s: P and S in the edifice, sound in air
Q_PATH = 50.0  # quality factor of the path, for the attenuation exp(-pi f t*), t* = r / (Q VS)


def _uniform(rng, m, low, high):
    return rng.uniform(low, high, (m, 1))


def _log_uniform(rng, m, low, high):
    return np.exp(rng.uniform(np.log(low), np.log(high), (m, 1)))


def _envelope(t, onset, rise, decay):
    """0 before ``onset``, then (1 - exp(-dt/rise)) exp(-dt/decay)."""
    dt = np.maximum(t - onset, 0.0)
    return np.where(t >= onset, -np.expm1(-dt / rise) * np.exp(-dt / decay), 0.0)


def _shaped_noise(rng, m, n, fs, gain):
    """White Gaussian noise filtered by ``gain(f)`` (rows of an (m, n_freq) array), unit RMS."""
    f = np.fft.rfftfreq(n, 1.0 / fs)
    spec = np.fft.rfft(rng.standard_normal((m, n)), axis=1) * gain(f[None, :])
    x = np.fft.irfft(spec, n=n, axis=1)
    return x / np.maximum(x.std(axis=1, keepdims=True), 1e-30)


def _brune_velocity(fc):
    """Ground-velocity spectrum of a Brune source: f / (1 + (f/fc)^2), peaking at fc."""
    return lambda f: f / (1.0 + (f / fc) ** 2)


def _band(f0, rel_width):
    """A Gaussian spectral peak at f0 with standard deviation rel_width * f0."""
    return lambda f: np.exp(-0.5 * ((f - f0) / (rel_width * f0)) ** 2)


def _attenuate(x, fs, distance_km):
    """Path attenuation exp(-pi f t*) with t* = r / (Q_PATH VS), applied in the frequency domain."""
    f = np.fft.rfftfreq(x.shape[1], 1.0 / fs)[None, :]
    tstar = distance_km / (Q_PATH * VS)
    return np.fft.irfft(np.fft.rfft(x, axis=1) * np.exp(-np.pi * f * tstar), n=x.shape[1], axis=1)


def _vt_onset(rng, m, t, fs, onset, distance, decay_p, decay_s):
    """Impulsive P and S wave trains, broad band around a Brune corner frequency of 3-15 Hz."""
    fc = _log_uniform(rng, m, 3.0, 15.0)
    p = _shaped_noise(rng, m, t.size, fs, _brune_velocity(fc))
    s = _shaped_noise(rng, m, t.size, fs, _brune_velocity(fc / _uniform(rng, m, 1.2, 1.7)))
    t_s = onset + distance * (1.0 / VS - 1.0 / VP)
    return (
        p * _envelope(t, onset, _uniform(rng, m, 0.01, 0.1), decay_p)
        + _uniform(rng, m, 1.5, 4.0) * s * _envelope(t, t_s, _uniform(rng, m, 0.02, 0.2), decay_s)
    ), t_s


def _lp_wavetrain(rng, m, t, fs, start, rise, decay):
    """Narrow-band resonance: one or two Gaussian peaks (0.5-5 Hz), emergent envelope."""
    f0 = _log_uniform(rng, m, 0.5, 5.0)
    main = _shaped_noise(rng, m, t.size, fs, _band(f0, _uniform(rng, m, 0.08, 0.4)))
    second = _shaped_noise(rng, m, t.size, fs, _band(f0 * _uniform(rng, m, 1.5, 3.0), 0.1))
    x = main + _uniform(rng, m, 0.0, 0.5) * second
    return x * _envelope(t, start, rise, decay)


def _lp(rng, m, t, fs, onset):
    distance = _uniform(rng, m, 0.5, 6.0)
    x = _lp_wavetrain(
        rng, m, t, fs, onset, _log_uniform(rng, m, 0.5, 4.0), _log_uniform(rng, m, 2.0, 10.0)
    )
    return x, distance


def _tremor(rng, m, t, fs, onset):
    """Harmonic tremor: a gliding fundamental (0.8-4 Hz), 0-4 overtones, slow modulation."""
    distance = _uniform(rng, m, 0.5, 6.0)
    f0 = _log_uniform(rng, m, 0.8, 4.0)
    glide = _uniform(rng, m, -0.2, 0.2)
    freq = f0 * (1.0 + glide * (t - t.mean()) / np.ptp(t))
    jitter = np.cumsum(rng.standard_normal((m, t.size)), axis=1) * 0.3 / np.sqrt(fs)
    phase = 2 * np.pi * np.cumsum(freq, axis=1) / fs + jitter
    n_harm = rng.integers(1, 6, (m, 1))  # 1 = monochromatic (overlaps LP and TOR)
    decay = _uniform(rng, m, 0.3, 2.0)
    x = np.zeros((m, t.size))
    for k in range(1, 6):
        phi = _uniform(rng, m, 0, 2 * np.pi)
        x += np.where(k <= n_harm, k**-decay, 0.0) * np.sin(k * phase + phi)
    slow = _shaped_noise(rng, m, t.size, fs, lambda f: np.exp(-0.5 * (f / 0.1) ** 2))
    x *= 1.0 + _uniform(rng, m, 0.0, 0.4) * slow
    start = onset - _uniform(rng, m, 0.0, 8.0)  # tremor may already be running
    end = start + _log_uniform(rng, m, 8.0, 60.0)
    taper = _uniform(rng, m, 1.0, 5.0)
    x *= 0.25 * (1 + np.tanh((t - start) / taper)) * (1 - np.tanh((t - end) / taper))
    return x, distance


def _vt(rng, m, t, fs, onset):
    distance = _uniform(rng, m, 1.0, 15.0)
    x, _ = _vt_onset(
        rng, m, t, fs, onset, distance, _log_uniform(rng, m, 0.3, 1.5), _log_uniform(rng, m, 1, 6)
    )
    return x, distance


def _explosion(rng, m, t, fs, onset):
    """Explosion quake (broad band, 1-5 Hz corner) plus the air wave at r (1/v_air - 1/v_P)."""
    distance = _uniform(rng, m, 1.0, 6.0)
    quake = _shaped_noise(rng, m, t.size, fs, _brune_velocity(_log_uniform(rng, m, 1.0, 5.0)))
    quake *= _envelope(t, onset, _uniform(rng, m, 0.05, 0.4), _log_uniform(rng, m, 2.0, 10.0))
    quake = _attenuate(quake, fs, distance)  # the air wave couples at the station: no rock path
    air = _shaped_noise(rng, m, t.size, fs, _band(_log_uniform(rng, m, 2.0, 10.0), 0.5))
    t_air = onset + distance * (1.0 / V_AIR - 1.0 / VP)
    air *= _envelope(t, t_air, _uniform(rng, m, 0.02, 0.1), _log_uniform(rng, m, 0.2, 1.0))
    ratio = _log_uniform(rng, m, 0.3, 3.0) * np.abs(quake).max(axis=1, keepdims=True)
    return quake + ratio * air / np.maximum(np.abs(air).max(axis=1, keepdims=True), 1e-30), None


def _hybrid(rng, m, t, fs, onset):
    """A VT onset (P and S) followed by an LP coda starting at the S wave."""
    distance = _uniform(rng, m, 0.5, 5.0)
    head, t_s = _vt_onset(
        rng, m, t, fs, onset, distance, _log_uniform(rng, m, 0.2, 1.0), _log_uniform(rng, m, 0.5, 2)
    )
    coda = _lp_wavetrain(
        rng,
        m,
        t,
        fs,
        t_s + _uniform(rng, m, 0.0, 0.5),
        _uniform(rng, m, 0.2, 1.5),
        _log_uniform(rng, m, 2.0, 10.0),
    )
    peak = np.abs(head).max(axis=1, keepdims=True) / np.maximum(
        np.abs(coda).max(axis=1, keepdims=True), 1e-30
    )
    return head + _log_uniform(rng, m, 0.3, 3.0) * peak * coda, distance


def _tornillo(rng, m, t, fs, onset):
    """A small impulsive onset, then a monochromatic coda decaying as exp(-pi f0 dt / Q)."""
    distance = _uniform(rng, m, 0.5, 5.0)
    f0 = _log_uniform(rng, m, 1.0, 8.0)
    dt = np.maximum(t - onset, 0.0)
    rise = _log_uniform(rng, m, 0.05, 0.5)
    x = np.zeros((m, t.size))
    for i, (ratio, amp) in enumerate([((1.0, 1.0), (1.0, 1.0)), ((1.3, 2.8), (0.0, 0.4))]):
        f = f0 * _uniform(rng, m, *ratio)
        q = _log_uniform(rng, m, 30.0, 400.0) if i == 0 else _log_uniform(rng, m, 20.0, 100.0)
        x += (
            _uniform(rng, m, *amp)
            * np.sin(2 * np.pi * f * dt + _uniform(rng, m, 0, 6.3))
            * (np.exp(-np.pi * f * dt / q))
        )
    x *= np.where(t >= onset, -np.expm1(-dt / rise), 0.0)
    kick = _shaped_noise(rng, m, t.size, fs, _brune_velocity(_log_uniform(rng, m, 2.0, 10.0)))
    x += _log_uniform(rng, m, 0.2, 1.5) * kick * _envelope(t, onset, 0.02, _uniform(rng, m, 0.3, 1))
    return x, distance


_RECIPES = (_lp, _tremor, _vt, _explosion, _hybrid, _tornillo)


@functools.lru_cache(maxsize=2)
def _background(sampling_rate: float) -> np.ndarray:
    """KW1, high-passed like every trace, at ``sampling_rate``, in units of its median RMS."""
    from dlies.datasets.real_records import load_kw1

    x = load_kw1()
    if sampling_rate != KW1_RATE:
        x = _sig.resample_poly(x, *_ratio(sampling_rate / KW1_RATE))
    x = highpass(x[None, :], sampling_rate)[0]
    win = int(30 * sampling_rate)
    rms = np.sqrt((x[: x.size // win * win].reshape(-1, win) ** 2).mean(axis=1))
    x = x / np.median(rms)
    x.flags.writeable = False
    return x


def _ratio(r: float) -> tuple[int, int]:
    from fractions import Fraction

    frac = Fraction(r).limit_denominator(1000)
    return frac.numerator, frac.denominator


def highpass(x: np.ndarray, sampling_rate: float, freq: float = HIGHPASS_HZ) -> np.ndarray:
    """The pre-filter of every trace: 4-pole Butterworth high-pass, forward and backward.

    The same filter as ObsPy's ``Trace.filter("highpass", freq=0.5, corners=4,
    zerophase=True)``; ``x`` has shape (n, samples), filtered along the last axis.
    """
    sos = _sig.butter(4, freq, btype="highpass", fs=sampling_rate, output="sos")
    return _sig.sosfiltfilt(sos, x, axis=-1)


def class_counts(n_samples: int, proportions=None, min_per_class: int | float = 0.05) -> np.ndarray:
    """How many events of each class: a floor per class, the rest shared by ``proportions``."""
    n = check_n("n_samples", n_samples, minimum=1)
    props = np.asarray(UBINAS_COUNTS if proportions is None else proportions, dtype=float)
    if props.shape != (len(CLASS_NAMES),) or not np.all(np.isfinite(props)) or np.any(props < 0):
        raise ValueError(
            f"proportions must be {len(CLASS_NAMES)} non-negative numbers (for "
            f"{', '.join(CLASS_NAMES)}), got {proportions!r}"
        )
    if props.sum() <= 0:
        raise ValueError(f"proportions must not all be zero, got {proportions!r}")
    if isinstance(min_per_class, bool) or not isinstance(min_per_class, numbers.Real):
        raise TypeError(f"min_per_class must be a count or a fraction, got {min_per_class!r}")
    if isinstance(min_per_class, Integral):
        floor = int(min_per_class)
    elif 0 <= min_per_class <= 1:
        floor = int(np.ceil(min_per_class * n))
    else:
        raise ValueError(f"min_per_class as a fraction must be in [0, 1], got {min_per_class!r}")
    if floor < 0 or floor * len(CLASS_NAMES) > n:
        raise ValueError(
            f"min_per_class={min_per_class!r} asks for {floor} events per class, "
            f"{floor * len(CLASS_NAMES)} in all, but n_samples={n}"
        )
    share = (n - floor * len(CLASS_NAMES)) * props / props.sum()
    counts = floor + np.floor(share).astype(int)
    left = n - counts.sum()  # largest remainders get the last events
    counts[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    return counts


@validate_params(
    n_samples=Integer(min=1),
    proportions=(None, Array(shape=(6,))),
    min_per_class=any_of(Integer(min=0), Real(min=0, max=1)),
    snr_db=any_of(Real(), Pair(Real())),
    duration=Real(above=0),
    sampling_rate=Real(above=0),
    return_params=Boolean(),
    random_state=RandomState(),
)
def make_volcano_signals(
    n_samples: int,
    *,
    proportions=None,
    min_per_class: int | float = 0.05,
    snr_db=(0.0, 30.0),
    duration: float = 30.0,
    sampling_rate: float = 100.0,
    return_params: bool = False,
    random_state=None,
):
    """A synthetic catalogue of volcano-seismic events (vertical ground velocity) on real noise.

    Every event is a sum of wave trains ``a(t) * w(t)``: ``w`` is Gaussian noise shaped by a
    spectrum, or a sinusoid; ``a`` an envelope ``(1 - exp(-dt/rise)) exp(-dt/decay)`` after an
    arrival time. Times in s, frequencies in Hz, distances ``r`` in km; "U" is uniform, "logU"
    log-uniform. The first arrival (onset) is at U(2, 8) s.

    - **LP** (long period): emergent (rise logU(0.5, 4) s, decay logU(2, 10) s), narrow band: a
      Gaussian spectral peak at f0 ~ logU(0.5, 5) Hz, width U(0.08, 0.4) f0, plus a weaker
      second peak at U(1.5, 3) f0. r ~ U(0.5, 6).
    - **TR** (harmonic tremor): sustained (logU(8, 60) s, possibly started before the window),
      fundamental f0 ~ logU(0.8, 4) Hz gliding by up to ±20 % and 1-5 harmonics of amplitude
      k^-U(0.3, 2), slow amplitude modulation. One harmonic only makes it monochromatic.
      r ~ U(0.5, 6).
    - **VT** (volcano-tectonic): impulsive P then S (S−P = r (1/v_S − 1/v_P)), ground-velocity
      Brune spectrum f / (1 + (f/fc)²) with fc ~ logU(3, 15) Hz, S 1.5-4 times P, coda decay
      logU(1, 6) s. r ~ U(1, 15).
    - **EXP** (explosion): impulsive broad-band quake (fc ~ logU(1, 5) Hz, coda logU(2, 10) s)
      and, r (1/v_air − 1/v_P) later, the air wave: a short (decay 0.2-1 s) band-limited pulse at
      logU(2, 10) Hz, logU(0.3, 3) times the quake's peak. r ~ U(1, 6).
    - **HYB** (hybrid): a VT onset (P and S, short decays) followed at the S wave by an LP coda
      logU(0.3, 3) times the onset's peak (small: VT-like; large: LP-like). r ~ U(0.5, 5).
    - **TOR** (tornillo): a small impulsive onset, then a monochromatic coda at f0 ~ logU(1, 8)
      Hz decaying as exp(−π f0 dt / Q), Q ~ logU(30, 400), plus a weaker low-Q second peak.
      r ~ U(0.5, 5).

    The path attenuates every event except the air wave as exp(−π f t*), t* = r / (Q v_S) with
    Q = 50, v_P = 3.5 km/s, v_S = 2 km/s, v_air = 0.34 km/s. The **noise** is a random window of
    the real BW.KW1 record (ObsPy's test data, 2.6 h at 100 Hz). Event and noise are high-passed
    at 0.5 Hz (:func:`highpass`), the event scaled to an SNR drawn in ``snr_db`` (the RMS of the
    event over the span holding 5-95 % of its energy, against the record's median 30-s RMS),
    and the whole trace multiplied by a gain 10^U(−1, 1) (stations and noise levels differ).

    Parameters
    ----------
    n_samples : int
        Number of events.
    proportions : sequence of 6 floats, optional
        Relative class frequencies in the order of ``class_names``. Default: the true-class
        totals of the Ubinas test catalogue (deck's Table 3): LP 91 %, TR 7.7 %, VT 0.8 %,
        EXP 0.07 %, HYB 0.2 %, TOR 0.05 %.
    min_per_class : int or float, default 0.05
        Floor per class: a count (int) or a fraction of ``n_samples`` (float), so that every
        class is present; the remaining events follow ``proportions``.
    snr_db : float or (low, high), default (0, 30)
        Signal-to-noise ratio in dB, fixed or drawn uniformly per event.
    duration : float, default 30
        Window length in s.
    sampling_rate : float, default 100
        In Hz (KW1 is resampled when it differs from 100 Hz).
    return_params : bool, default False
        Also return a dict of per-event arrays: ``snr_db``, ``onset_s``, ``distance_km`` (NaN
        for EXP, whose two waves have their own distance only) and ``gain``.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    X : ndarray of float32, shape (n_samples, round(duration * sampling_rate))
        Ground velocity, arbitrary units (noise RMS times the gain).
    y : ndarray of int, shape (n_samples,)
        Class index into ``class_names``.
    class_names : tuple of str
        ``("LP", "TR", "VT", "EXP", "HYB", "TOR")``.
    params : dict, only with ``return_params=True``
    """
    n = n_samples
    counts = class_counts(n, proportions, min_per_class)
    snr_range = snr_db if isinstance(snr_db, tuple) else (snr_db, snr_db)
    fs = sampling_rate
    n_t = int(round(duration * fs))
    if n_t < int(20 * fs) or fs < 20:
        raise ValueError(
            f"need duration >= 20 s and sampling_rate >= 20 Hz (events last tens of seconds "
            f"and reach 15 Hz), got {duration!r} s and {sampling_rate!r} Hz"
        )
    rng = np.random.default_rng(random_state)
    t = np.arange(n_t) / fs
    y = np.repeat(np.arange(len(CLASS_NAMES)), counts)
    onset = rng.uniform(2.0, 8.0, (n, 1))
    clean = np.empty((n, n_t))
    distance = np.full(n, np.nan)
    for c, recipe in enumerate(_RECIPES):
        rows = np.flatnonzero(y == c)
        if rows.size:
            x, r = recipe(rng, rows.size, t, fs, onset[rows])
            if r is not None:
                x, distance[rows] = _attenuate(x, fs, r), r[:, 0]
            clean[rows] = x
    clean = highpass(clean, fs)
    energy = np.cumsum(clean**2, axis=1)
    total = energy[:, -1:]
    i05 = np.argmax(energy >= 0.05 * total, axis=1)
    i95 = np.argmax(energy >= 0.95 * total, axis=1)
    rows = np.arange(n)
    span_rms = np.sqrt((energy[rows, i95] - energy[rows, i05]) / (i95 - i05 + 1))
    snr = rng.uniform(*snr_range, n)
    clean *= (10 ** (snr / 20) / np.maximum(span_rms, 1e-30))[:, None]
    noise = _background(fs)
    start = rng.integers(0, noise.size - n_t, n)
    gain = 10 ** rng.uniform(-1.0, 1.0, n)
    X = ((clean + noise[start[:, None] + np.arange(n_t)]) * gain[:, None]).astype(np.float32)
    order = rng.permutation(n)
    out = (X[order], y[order], CLASS_NAMES)
    if not return_params:
        return out
    params = {"snr_db": snr, "onset_s": onset[:, 0], "distance_km": distance, "gain": gain}
    return (*out, {k: v[order] for k, v in params.items()})
